/* kari-extension-private.h — what the SDK's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-extension.h"
#include "kari-ext-dbus-generated.h"

G_BEGIN_DECLS

/* kari-extension-pages.c: one page the extension renders. */
typedef struct _KariExtensionPage KariExtensionPage;

void        _kari_extension_call                 (KariExtension         *self,
                                                  GTask                 *task,
                                                  const char            *interface,
                                                  const char            *method,
                                                  GVariant              *parameters,
                                                  const GVariantType    *reply_type,
                                                  int                    timeout_ms);
void        _kari_extension_page_free            (gpointer               data);
GHashTable *_kari_extension_get_pages            (KariExtension         *self);
gboolean    _kari_extension_on_render_page       (KariExtDBusExtension1 *skeleton,
                                                  GDBusMethodInvocation *invocation,
                                                  const char            *page,
                                                  const char            *context,
                                                  gpointer               user_data);
gboolean    _kari_extension_on_handle_page_event (KariExtDBusExtension1 *skeleton,
                                                  GDBusMethodInvocation *invocation,
                                                  const char            *page,
                                                  const char            *node_id,
                                                  const char            *kind,
                                                  const char            *value,
                                                  gpointer               user_data);

G_END_DECLS
