/* kari-permission-engine-private.h — what the engine's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-permission-engine.h"
#include "kari-registry-changes-private.h"

G_BEGIN_DECLS

#define CACHE_SHARDS 32

typedef struct
{
  GMutex      lock;
  GHashTable *table;   /* CacheEntry* → itself */
} CacheShard;

/* What an extension may ever ask for. Replaced whole, never changed in
 * place, so a reader holding a reference needs no lock. */
typedef struct
{
  gatomicrefcount  ref;
  char            *display_name;
  GStrv            texts;
  GPtrArray       *patterns;   /* KariPermissionPattern* */
} Declared;

struct _KariPermissionEngine
{
  GObject          parent_instance;

  KariRegistry    *registry;
  KariAuditLog    *audit;      /* nullable */
  KariClock        clock;
  KariGrantStore  *grants;
  KariRoles       *roles;

  /* Guards policy and declared; checks read, changes write. */
  GRWLock          lock;
  KariPolicy      *policy;
  GHashTable      *declared;   /* extension → Declared* */

  /* Serialises changes, and the application of a prompt's answer with
   * its generation check, so no revoke slips between the two. */
  GMutex           admin_lock;

  guint            generation; /* atomic; bumped by every change */
  gboolean         cache_enabled;
  CacheShard       shards[CACHE_SHARDS];

  GMutex           prompt_lock;
  KariPromptAgent *agent;
  guint            prompt_timeout_ms;
  GHashTable      *pending;    /* key → Pending*, under prompt_lock */

  /* Following other processes' changes (kari-permission-engine-sync.c) */
  KariRegistryChanges *changes;
  guint64          seen_wal;     /* atomic; where the WAL stood at the last probe */
  GMutex           sync_lock;    /* taken before admin_lock, never after */
  gint64           serial;       /* under sync_lock */
  char            *policy_base;  /* the settings the policy in force was */
  char            *policy_rules; /* loaded from; under admin_lock */
  GFileMonitor    *monitors[2];  /* the registry's -wal and main file */
  gint             notify_pending; /* atomic; a check found a change the
                                    * watch has not announced yet */
};

void      _kari_permission_engine_bump      (KariPermissionEngine *self);
void      _kari_permission_engine_set_cache_enabled (KariPermissionEngine *self,
                                             gboolean              enabled);
Declared *_kari_declared_lookup             (KariPermissionEngine *self,
                                             const char           *extension);
void      _kari_declared_unref              (Declared             *declared);
void      _kari_permission_engine_audit     (KariPermissionEngine *self,
                                             KariAuditKind         kind,
                                             const char           *tenant,
                                             const char           *user,
                                             const char           *extension,
                                             const char           *permission,
                                             const char           *resource,
                                             gboolean              allowed,
                                             gboolean              cached,
                                             const char           *decided_by,
                                             const char           *detail);
const char *_kari_permission_resource_of    (const char           *permission);
void      _kari_permission_engine_context   (const char           *tenant,
                                             const char           *extension,
                                             KariPermissionContext *context,
                                             char                **data_dir);

/* kari-permission-engine-admin.c */
KariPolicy *_kari_permission_engine_load_policy (KariRegistry     *registry,
                                             char                **base,
                                             char                **rules,
                                             GError              **error);
gboolean  _kari_permission_engine_reload_policy (KariPermissionEngine *self);

/* kari-permission-engine-sync.c */
gboolean  _kari_permission_engine_sync_init (KariPermissionEngine *self,
                                             GError              **error);
void      _kari_permission_engine_sync_clear (KariPermissionEngine *self);
void      _kari_permission_engine_sync_class_init (KariPermissionEngineClass *klass);
void      _kari_permission_engine_follow_slow (KariPermissionEngine *self);

/* Before a cached answer: has anyone committed since the last look? One
 * load from shared memory when nobody has. */
static inline void
_kari_permission_engine_follow (KariPermissionEngine *self)
{
  guint64 wal;

  if (self->changes != NULL && _kari_registry_changes_peek (self->changes, &wal) &&
      wal == __atomic_load_n (&self->seen_wal, __ATOMIC_ACQUIRE))
    return;
  _kari_permission_engine_follow_slow (self);
}

/* kari-permission-engine-ask.c */
void      _kari_permission_engine_pending_free (gpointer           data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Declared, _kari_declared_unref)

G_END_DECLS
