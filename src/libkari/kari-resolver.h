/* kari-resolver.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kari-manifest.h"
#include "kari-version.h"

G_BEGIN_DECLS

#define KARI_TYPE_RESOLVED (kari_resolved_get_type ())

/**
 * KariResolved:
 * @name: the extension
 * @version: the version picked
 * @dependencies: (element-type utf8): `name@version` of the extensions it
 *   was resolved against, in load order
 *
 * One extension of a load order.
 */
typedef struct
{
  char        *name;
  KariVersion *version;
  GStrv        dependencies;
} KariResolved;

#define KARI_TYPE_UNRESOLVED (kari_unresolved_get_type ())

/**
 * KariUnresolved:
 * @name: the extension that cannot be loaded
 * @version: (nullable): its highest version, for the message
 * @reason: why, with the chain of requirements that led there, e.g.
 *   `crm 2.0.0 needs auth ^3 but only auth 2.4.1 is available (required by crm ← dashboard)`
 * @cycle: whether the reason is a dependency cycle
 *
 * An extension the resolver could not resolve.
 */
typedef struct
{
  char        *name;
  KariVersion *version;
  char        *reason;
  gboolean     cycle;
} KariUnresolved;

GType           kari_resolved_get_type   (void) G_GNUC_CONST;
void            kari_resolved_free       (KariResolved   *self);
KariResolved   *kari_resolved_copy       (const KariResolved *self);
GType           kari_unresolved_get_type (void) G_GNUC_CONST;
void            kari_unresolved_free     (KariUnresolved *self);
KariUnresolved *kari_unresolved_copy     (const KariUnresolved *self);

#define KARI_TYPE_RESOLUTION (kari_resolution_get_type ())
G_DECLARE_FINAL_TYPE (KariResolution, kari_resolution, KARI, RESOLUTION, GObject)

GPtrArray *kari_resolution_get_order      (KariResolution *self);
GPtrArray *kari_resolution_get_unresolved (KariResolution *self);
JsonNode  *kari_resolution_to_json        (KariResolution *self);

#define KARI_TYPE_RESOLVER (kari_resolver_get_type ())
G_DECLARE_FINAL_TYPE (KariResolver, kari_resolver, KARI, RESOLVER, GObject)

KariResolver   *kari_resolver_new            (void);
void            kari_resolver_add_extension  (KariResolver  *self,
                                              const char    *name,
                                              KariVersion   *version,
                                              GPtrArray     *dependencies);
void            kari_resolver_add_manifest   (KariResolver  *self,
                                              KariManifest  *manifest);
void            kari_resolver_add_plugin     (KariResolver  *self,
                                              const char    *name,
                                              KariVersion   *version);
void            kari_resolver_add_service    (KariResolver  *self,
                                              const char    *name);
void            kari_resolver_add_root       (KariResolver  *self,
                                              const char    *name);
void            kari_resolver_set_max_steps  (KariResolver  *self,
                                              guint          max_steps);
KariResolution *kari_resolver_resolve        (KariResolver  *self);

G_END_DECLS
