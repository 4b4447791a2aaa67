/* kari-tenant.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-registry.h"

G_BEGIN_DECLS

/**
 * KARI_TENANT_DEFAULT:
 *
 * The tenant that always exists and cannot be deleted.
 */
#define KARI_TENANT_DEFAULT "default"

/**
 * KARI_TENANT_ID_MAX:
 *
 * The longest tenant id, in bytes.
 */
#define KARI_TENANT_ID_MAX 64

#define KARI_TYPE_TENANT (kari_tenant_get_type ())

/**
 * KariTenant:
 * @id: the tenant's id: lowercase letters, digits, “-” and “_”, starting
 *   with a letter or digit; it names folders, so it never changes
 * @display_name: what a person sees, e.g. “Acme Corp”
 * @created_usec: when it was created (µs since the epoch)
 *
 * A workspace: every extension's data, config, grants and enablement
 * are kept per tenant.
 */
typedef struct
{
  char   *id;
  char   *display_name;
  gint64  created_usec;
} KariTenant;

GType       kari_tenant_get_type  (void) G_GNUC_CONST;
KariTenant *kari_tenant_copy      (const KariTenant *self);
void        kari_tenant_free      (KariTenant       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariTenant, kari_tenant_free)

gboolean    kari_tenant_id_is_valid          (const char    *id,
                                              GError       **error);

KariTenant *kari_registry_create_tenant      (KariRegistry  *self,
                                              const char    *id,
                                              const char    *display_name,
                                              GError       **error);
gboolean    kari_registry_rename_tenant      (KariRegistry  *self,
                                              const char    *id,
                                              const char    *display_name,
                                              GError       **error);
KariTenant *kari_registry_lookup_tenant      (KariRegistry  *self,
                                              const char    *id,
                                              GError       **error);
GPtrArray  *kari_registry_list_tenants       (KariRegistry  *self,
                                              GError       **error);
char       *kari_registry_dup_active_tenant  (KariRegistry  *self,
                                              GError       **error);
gboolean    kari_registry_set_active_tenant  (KariRegistry  *self,
                                              const char    *id,
                                              GError       **error);

gboolean    kari_registry_set_enabled        (KariRegistry  *self,
                                              const char    *extension,
                                              const char    *tenant,
                                              gboolean       enabled,
                                              GError       **error);
gboolean    kari_registry_is_enabled         (KariRegistry  *self,
                                              const char    *extension,
                                              const char    *tenant,
                                              GError       **error);
GHashTable *kari_registry_dup_disabled       (KariRegistry  *self,
                                              const char    *tenant,
                                              GError       **error);

G_END_DECLS
