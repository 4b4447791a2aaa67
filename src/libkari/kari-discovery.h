/* kari-discovery.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kari-manifest.h"
#include "kari-plugin.h"
#include "kari-resolver.h"

G_BEGIN_DECLS

#define KARI_TYPE_DISCOVERY (kari_discovery_get_type ())
G_DECLARE_FINAL_TYPE (KariDiscovery, kari_discovery, KARI, DISCOVERY, GObject)

KariDiscovery      *kari_discovery_new                  (void);
KariDiscovery      *kari_discovery_new_for_paths        (const char * const *extension_paths,
                                                         const char * const *plugin_paths);
const char * const *kari_discovery_get_extension_paths  (KariDiscovery      *self);
const char * const *kari_discovery_get_plugin_paths     (KariDiscovery      *self);
void                kari_discovery_scan                 (KariDiscovery      *self);
GPtrArray          *kari_discovery_get_extensions       (KariDiscovery      *self);
GPtrArray          *kari_discovery_get_plugins          (KariDiscovery      *self);
KariManifest       *kari_discovery_lookup               (KariDiscovery      *self,
                                                         const char         *name);
GPtrArray          *kari_discovery_get_diagnostics      (KariDiscovery      *self);
KariResolver       *kari_discovery_create_resolver      (KariDiscovery      *self);
gboolean            kari_discovery_start_monitoring     (KariDiscovery      *self,
                                                         GError            **error);
void                kari_discovery_stop_monitoring      (KariDiscovery      *self);

const char * const *kari_host_services                  (void);

G_END_DECLS
