/* kari-registry.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kari-lifecycle.h"
#include "kari-manifest.h"

G_BEGIN_DECLS

#define KARI_REGISTRY_ERROR (kari_registry_error_quark ())

/**
 * KariRegistryError:
 * @KARI_REGISTRY_ERROR_OPEN: the database could not be opened or created
 * @KARI_REGISTRY_ERROR_CORRUPT: the database failed its integrity check and could not be rebuilt
 * @KARI_REGISTRY_ERROR_SCHEMA: the database schema is newer than this program
 * @KARI_REGISTRY_ERROR_NOT_FOUND: no such extension or version
 * @KARI_REGISTRY_ERROR_SQL: SQLite reported an error
 * @KARI_REGISTRY_ERROR_BUSY: another process holds the database too long
 * @KARI_REGISTRY_ERROR_INVALID: the request makes no sense for what is
 *   registered (an empty name, a rollback to the current version)
 * @KARI_REGISTRY_ERROR_EXISTS: what is to be created exists already
 */
typedef enum
{
  KARI_REGISTRY_ERROR_OPEN,
  KARI_REGISTRY_ERROR_CORRUPT,
  KARI_REGISTRY_ERROR_SCHEMA,
  KARI_REGISTRY_ERROR_NOT_FOUND,
  KARI_REGISTRY_ERROR_SQL,
  KARI_REGISTRY_ERROR_BUSY,
  KARI_REGISTRY_ERROR_INVALID,
  KARI_REGISTRY_ERROR_EXISTS,
} KariRegistryError;

/**
 * KARI_REGISTRY_SCHEMA_VERSION:
 *
 * The schema version this build creates and upgrades to; a database with
 * a higher `PRAGMA user_version` is refused with
 * %KARI_REGISTRY_ERROR_SCHEMA.
 */
#define KARI_REGISTRY_SCHEMA_VERSION 8

#define KARI_TYPE_REGISTRY_ENTRY (kari_registry_entry_get_type ())

/**
 * KariRegistryEntry:
 * @name: the extension's name
 * @version: the current version, as text
 * @path: the folder it is installed in
 * @manifest_json: the manifest, serialised as JSON
 * @state: its lifecycle state
 * @installed_usec: when it was first installed (µs since the epoch)
 * @updated_usec: when it last changed
 * @is_current: in kari_registry_list_versions(), whether this is the
 *   version in use; always %TRUE from kari_registry_lookup() and
 *   kari_registry_list()
 *
 * An installed extension as the registry knows it, or one of its kept
 * versions.
 */
typedef struct
{
  char      *name;
  char      *version;
  char      *path;
  char      *manifest_json;
  KariState  state;
  gint64     installed_usec;
  gint64     updated_usec;
  gboolean   is_current;
} KariRegistryEntry;

GType              kari_registry_entry_get_type (void) G_GNUC_CONST;
KariRegistryEntry *kari_registry_entry_copy     (const KariRegistryEntry *self);
void               kari_registry_entry_free     (KariRegistryEntry       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariRegistryEntry, kari_registry_entry_free)

/**
 * KariRegistryRebuildFunc:
 * @registry: the fresh registry
 * @user_data: closure
 * @error: set on failure
 *
 * Called when a corrupt database was set aside, to register again
 * what is installed.
 *
 * Returns: %TRUE on success
 */
typedef struct _KariRegistry KariRegistry;
typedef gboolean (*KariRegistryRebuildFunc) (KariRegistry *registry,
                                             gpointer      user_data,
                                             GError      **error);

#define KARI_TYPE_REGISTRY (kari_registry_get_type ())
G_DECLARE_FINAL_TYPE (KariRegistry, kari_registry, KARI, REGISTRY, GObject)

GQuark             kari_registry_error_quark      (void);
char              *kari_registry_default_path     (void);

KariRegistry      *kari_registry_open             (const char              *path,
                                                   KariRegistryRebuildFunc  rebuild,
                                                   gpointer                 user_data,
                                                   GError                 **error);
const char        *kari_registry_get_path         (KariRegistry            *self);
const char        *kari_registry_get_recovered_path (KariRegistry          *self);
int                kari_registry_get_schema_version (KariRegistry          *self);

gboolean           kari_registry_install          (KariRegistry            *self,
                                                   KariManifest            *manifest,
                                                   const char              *reason,
                                                   GError                 **error);
gboolean           kari_registry_remove           (KariRegistry            *self,
                                                   const char              *name,
                                                   const char              *reason,
                                                   GError                 **error);
KariRegistryEntry *kari_registry_lookup           (KariRegistry            *self,
                                                   const char              *name,
                                                   GError                 **error);
GPtrArray         *kari_registry_list             (KariRegistry            *self,
                                                   GError                 **error);
GPtrArray         *kari_registry_list_versions    (KariRegistry            *self,
                                                   const char              *name,
                                                   GError                 **error);
gboolean           kari_registry_rollback         (KariRegistry            *self,
                                                   const char              *name,
                                                   const char              *version,
                                                   GError                 **error);
gboolean           kari_registry_set_state        (KariRegistry            *self,
                                                   const char              *name,
                                                   KariState                state,
                                                   const char              *reason,
                                                   GError                 **error);
GPtrArray         *kari_registry_get_history      (KariRegistry            *self,
                                                   const char              *name,
                                                   GError                 **error);
KariTransition    *kari_registry_get_last_failure (KariRegistry            *self,
                                                   const char              *name,
                                                   GError                 **error);
gboolean           kari_registry_install_values   (KariRegistry            *self,
                                                   const char              *name,
                                                   const char              *version,
                                                   const char              *path,
                                                   const char              *manifest_json,
                                                   const char              *reason,
                                                   GError                 **error);

G_END_DECLS
