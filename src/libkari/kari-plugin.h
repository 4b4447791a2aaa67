/* kari-plugin.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kari-diagnostic.h"
#include "kari-version.h"

G_BEGIN_DECLS

#define KARI_PLUGIN_ERROR (kari_plugin_error_quark ())

typedef enum
{
  KARI_PLUGIN_ERROR_INVALID,
} KariPluginError;

#define KARI_TYPE_PLUGIN_INFO (kari_plugin_info_get_type ())
G_DECLARE_FINAL_TYPE (KariPluginInfo, kari_plugin_info, KARI, PLUGIN_INFO, GObject)

GQuark          kari_plugin_error_quark        (void);
KariPluginInfo *kari_plugin_info_load_dir      (const char     *dir,
                                                GPtrArray      *diagnostics,
                                                GError        **error);
const char     *kari_plugin_info_get_id        (KariPluginInfo *self);
const char     *kari_plugin_info_get_name      (KariPluginInfo *self);
const char     *kari_plugin_info_get_intent    (KariPluginInfo *self);
KariVersion    *kari_plugin_info_get_version   (KariPluginInfo *self);
const char     *kari_plugin_info_get_dir       (KariPluginInfo *self);
gboolean        kari_plugin_info_provides      (KariPluginInfo *self,
                                                const char     *name);

G_END_DECLS
