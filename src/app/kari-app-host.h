/* kari-app-host.h — what the Control Room opens and runs: discovery, the
 * registry, the audit log, the permission engine and the supervisors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-app-extension.h"

G_BEGIN_DECLS

/**
 * KariAppAlert:
 * @extension: the extension's name
 * @reason: what happened, for a person
 * @time_usec: when, g_get_real_time()
 *
 * An alert the Health page lists: a crash loop.
 */
typedef struct
{
  char   *extension;
  char   *reason;
  gint64  time_usec;
} KariAppAlert;

#define KARI_TYPE_APP_HOST (kari_app_host_get_type ())
G_DECLARE_FINAL_TYPE (KariAppHost, kari_app_host, KARI, APP_HOST, GObject)

KariAppHost          *kari_app_host_new                (const char           *tenant,
                                                        GError              **error);
gboolean              kari_app_host_reload             (KariAppHost          *self,
                                                        GError              **error);
GListModel           *kari_app_host_get_extensions     (KariAppHost          *self);
KariAppExtension     *kari_app_host_lookup             (KariAppHost          *self,
                                                        const char           *name);
KariDiscovery        *kari_app_host_get_discovery      (KariAppHost          *self);
KariRegistry         *kari_app_host_get_registry       (KariAppHost          *self);
KariAuditLog         *kari_app_host_get_audit          (KariAppHost          *self);
KariPermissionEngine *kari_app_host_get_engine         (KariAppHost          *self);
KariHostManager      *kari_app_host_get_manager        (KariAppHost          *self);
const char           *kari_app_host_get_tenant         (KariAppHost          *self);
const char           *kari_app_host_get_user           (KariAppHost          *self);
char                 *kari_app_host_dup_user_extensions_dir (KariAppHost     *self);
gboolean              kari_app_host_may_see_page       (KariAppHost          *self,
                                                        const KariAppPage    *page);

void                  kari_app_host_set_enabled_async  (KariAppHost          *self,
                                                        KariAppExtension     *extension,
                                                        gboolean              enabled,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
void                  kari_app_host_set_enabled_full_async (KariAppHost      *self,
                                                        KariAppExtension     *extension,
                                                        gboolean              enabled,
                                                        gboolean              every_tenant,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean              kari_app_host_set_enabled_finish (KariAppHost          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
gboolean              kari_app_host_restart            (KariAppHost          *self,
                                                        KariAppExtension     *extension,
                                                        GError              **error);
void                  kari_app_host_set_tenant_async   (KariAppHost          *self,
                                                        const char           *tenant,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean              kari_app_host_set_tenant_finish  (KariAppHost          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
GPtrArray            *kari_app_host_get_alerts         (KariAppHost          *self);
gboolean              kari_app_host_can_remove         (KariAppHost          *self,
                                                        KariAppExtension     *extension,
                                                        char                **why_not);
void                  kari_app_host_remove_async       (KariAppHost          *self,
                                                        KariAppExtension     *extension,
                                                        gboolean              keep_data,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean              kari_app_host_remove_finish      (KariAppHost          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void                  kari_app_host_stop_all           (KariAppHost          *self);
gboolean              kari_app_host_close              (KariAppHost          *self,
                                                        GError              **error);

G_END_DECLS
