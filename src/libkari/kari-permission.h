/* kari-permission.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KARI_PERMISSION_ERROR (kari_permission_error_quark ())

typedef enum
{
  KARI_PERMISSION_ERROR_SYNTAX,
  KARI_PERMISSION_ERROR_UNKNOWN_DOMAIN,
  KARI_PERMISSION_ERROR_UNKNOWN_ACTION,
  KARI_PERMISSION_ERROR_BAD_RESOURCE,
} KariPermissionError;

GQuark   kari_permission_error_quark  (void);
gboolean kari_permission_check_syntax (const char  *permission,
                                       GError     **error);
char   **kari_permission_expand_grouped (const char *group,
                                         const char *value,
                                         GError    **error);

G_END_DECLS
