/* kari-registry.c — the SQLite registry of installed extensions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One database per user. Every change is one BEGIN IMMEDIATE … COMMIT
 * transaction, rolled back on any error, so a crash at any moment
 * leaves either all of a change or none of it. Statements are prepared
 * once per registry and kept; a lookup by name is one step of a cached
 * statement. A KariRegistry may be shared between threads: a mutex
 * serialises the use of its connection.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "kari-registry-private.h"

typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_LOOKUP,
  STMT_LIST,
  STMT_LIST_VERSIONS,
  STMT_GET_CURRENT,
  STMT_GET_VERSION,
  STMT_INSERT_EXTENSION,
  STMT_UPDATE_EXTENSION,
  STMT_UPSERT_VERSION,
  STMT_SET_STATE,
  STMT_INSERT_HISTORY,
  STMT_HISTORY,
  STMT_DELETE_EXTENSION,
  N_STMTS
} StmtId;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_LOOKUP] =
    "SELECT name, version, path, manifest, state, installed_usec, updated_usec "
    "FROM extensions WHERE name = ?1",
  [STMT_LIST] =
    "SELECT name, version, path, manifest, state, installed_usec, updated_usec "
    "FROM extensions ORDER BY name",
  [STMT_LIST_VERSIONS] =
    "SELECT v.name, v.version, v.path, v.manifest, e.state, v.installed_usec, "
    "       v.installed_usec, v.version = e.version "
    "FROM extension_versions v JOIN extensions e ON e.name = v.name "
    "WHERE v.name = ?1 ORDER BY v.installed_usec, v.rowid",
  [STMT_GET_CURRENT] = "SELECT state, version FROM extensions WHERE name = ?1",
  [STMT_GET_VERSION] = "SELECT path, manifest FROM extension_versions WHERE name = ?1 AND version = ?2",
  [STMT_INSERT_EXTENSION] =
    "INSERT INTO extensions (name, version, path, manifest, state, installed_usec, updated_usec) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
  [STMT_UPDATE_EXTENSION] =
    "UPDATE extensions SET version = ?2, path = ?3, manifest = ?4, state = ?5, updated_usec = ?6 "
    "WHERE name = ?1",
  [STMT_UPSERT_VERSION] =
    "INSERT INTO extension_versions (name, version, path, manifest, installed_usec) "
    "VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (name, version) DO UPDATE SET path = excluded.path, "
    "  manifest = excluded.manifest, installed_usec = excluded.installed_usec",
  [STMT_SET_STATE] = "UPDATE extensions SET state = ?2, updated_usec = ?3 WHERE name = ?1",
  [STMT_INSERT_HISTORY] =
    "INSERT INTO state_history (name, from_state, to_state, reason, time_usec) "
    "VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_HISTORY] =
    "SELECT from_state, to_state, reason, time_usec FROM state_history "
    "WHERE name = ?1 ORDER BY id",
  [STMT_DELETE_EXTENSION] = "DELETE FROM extensions WHERE name = ?1",
};

struct _KariRegistry
{
  GObject       parent_instance;

  GMutex        lock;
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];
  char         *path;
  char         *recovered_path;   /* where a corrupt database went, or NULL */
  int           schema_version;
};

G_DEFINE_FINAL_TYPE (KariRegistry, kari_registry, G_TYPE_OBJECT)

G_DEFINE_QUARK (kari-registry-error-quark, kari_registry_error)

G_DEFINE_BOXED_TYPE (KariRegistryEntry, kari_registry_entry,
                     kari_registry_entry_copy, kari_registry_entry_free)

/**
 * kari_registry_entry_copy:
 * @self: a #KariRegistryEntry
 *
 * Returns: (transfer full): a deep copy of @self
 */
KariRegistryEntry *
kari_registry_entry_copy (const KariRegistryEntry *self)
{
  KariRegistryEntry *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (KariRegistryEntry, 1);
  *copy = *self;
  copy->name = g_strdup (self->name);
  copy->version = g_strdup (self->version);
  copy->path = g_strdup (self->path);
  copy->manifest_json = g_strdup (self->manifest_json);
  return copy;
}

/**
 * kari_registry_entry_free:
 * @self: (nullable): a #KariRegistryEntry
 *
 * Frees @self and its strings.
 */
void
kari_registry_entry_free (KariRegistryEntry *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->version);
  g_free (self->path);
  g_free (self->manifest_json);
  g_free (self);
}

static void
kari_registry_finalize (GObject *object)
{
  KariRegistry *self = KARI_REGISTRY (object);

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  /* close_v2 so that a statement we failed to finalize cannot keep the
   * file open forever */
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->recovered_path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kari_registry_parent_class)->finalize (object);
}

static void
kari_registry_class_init (KariRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_registry_finalize;
}

static void
kari_registry_init (KariRegistry *self)
{
  g_mutex_init (&self->lock);
}

/* Returns the cached statement @id, reset and unbound, preparing it the
 * first time. */
static sqlite3_stmt *
get_stmt (KariRegistry  *self,
          StmtId         id,
          GError       **error)
{
  sqlite3_stmt *stmt = self->stmts[id];
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *doing = g_strdup_printf ("Preparing “%s”", stmt_sql[id]);

      _kari_registry_set_sqlite_error (error, self->db, rc, doing);
      return NULL;
    }
  self->stmts[id] = stmt;
  return stmt;
}

static void
done_stmt (sqlite3_stmt *stmt)
{
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, done_stmt)

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  /* SQLITE_STATIC: every caller steps and resets the statement while
   * the text is alive */
  sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

/* Steps a statement that returns no rows. */
static gboolean
step_done (KariRegistry  *self,
           sqlite3_stmt  *stmt,
           const char    *doing,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      _kari_registry_set_sqlite_error (error, self->db, rc, doing);
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_simple (KariRegistry  *self,
            StmtId         id,
            const char    *doing,
            GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, id, error);

  return stmt != NULL && step_done (self, stmt, doing, error);
}

static gboolean
begin (KariRegistry  *self,
       const char    *doing,
       GError       **error)
{
  return run_simple (self, STMT_BEGIN, doing, error);
}

static gboolean
commit (KariRegistry  *self,
        const char    *doing,
        GError       **error)
{
  if (run_simple (self, STMT_COMMIT, doing, error))
    return TRUE;
  /* A failed COMMIT (a deferred foreign key, a full disk) leaves the
   * transaction open. */
  if (!sqlite3_get_autocommit (self->db))
    run_simple (self, STMT_ROLLBACK, doing, NULL);
  return FALSE;
}

static void
rollback (KariRegistry *self)
{
  if (!sqlite3_get_autocommit (self->db))
    run_simple (self, STMT_ROLLBACK, "Rolling back", NULL);
}

static gboolean
state_from_column (sqlite3_stmt  *stmt,
                   int            column,
                   KariState     *state,
                   GError       **error)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  g_autoptr(GError) local_error = NULL;

  if (!kari_state_from_string (text, state, &local_error))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT,
                   "The registry holds a state this program does not know: %s",
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

static KariRegistryEntry *
entry_from_row (sqlite3_stmt  *stmt,
                GError       **error)
{
  g_autoptr(KariRegistryEntry) entry = g_new0 (KariRegistryEntry, 1);

  entry->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  entry->version = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  entry->path = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  entry->manifest_json = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  if (!state_from_column (stmt, 4, &entry->state, error))
    return NULL;
  entry->installed_usec = sqlite3_column_int64 (stmt, 5);
  entry->updated_usec = sqlite3_column_int64 (stmt, 6);
  entry->is_current = sqlite3_column_count (stmt) > 7 ? sqlite3_column_int (stmt, 7) != 0 : TRUE;
  return g_steal_pointer (&entry);
}

/* Reads an extension's state and current version. Returns FALSE with
 * NOT_FOUND when it is not installed. */
static gboolean
get_current (KariRegistry  *self,
             const char    *name,
             KariState     *state,
             char         **version,
             GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, STMT_GET_CURRENT, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND,
                   "No extension named “%s” is installed", name);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      g_autofree char *doing = g_strdup_printf ("Reading the state of %s", name);

      _kari_registry_set_sqlite_error (error, self->db, rc, doing);
      return FALSE;
    }
  if (!state_from_column (stmt, 0, state, error))
    return FALSE;
  if (version != NULL)
    *version = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  return TRUE;
}

static gboolean
insert_history (KariRegistry  *self,
                const char    *name,
                KariState      from,
                KariState      to,
                const char    *reason,
                gint64         now,
                GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, STMT_INSERT_HISTORY, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, name);
  bind_text (stmt, 2, kari_state_to_string (from));
  bind_text (stmt, 3, kari_state_to_string (to));
  bind_text (stmt, 4, reason);
  sqlite3_bind_int64 (stmt, 5, now);
  return step_done (self, stmt, "Recording a state change", error);
}

/* Writes the extension row: a new one, or the current version of an
 * installed one. */
static gboolean
write_extension (KariRegistry  *self,
                 gboolean       exists,
                 const char    *name,
                 const char    *version,
                 const char    *path,
                 const char    *manifest_json,
                 KariState      state,
                 gint64         now,
                 GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, exists ? STMT_UPDATE_EXTENSION
                                                        : STMT_INSERT_EXTENSION, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, name);
  bind_text (stmt, 2, version);
  bind_text (stmt, 3, path);
  bind_text (stmt, 4, manifest_json);
  bind_text (stmt, 5, kari_state_to_string (state));
  sqlite3_bind_int64 (stmt, 6, now);
  return step_done (self, stmt, "Writing the extension", error);
}

/* The two moves of an update or a rollback: from where it is to
 * updating (unless a caller already put it there), then installed. */
static gboolean
record_update (KariRegistry  *self,
               const char    *name,
               KariState      current,
               const char    *reason,
               gint64         now,
               GError       **error)
{
  if (current != KARI_STATE_UPDATING &&
      !insert_history (self, name, current, KARI_STATE_UPDATING, reason, now, error))
    return FALSE;
  return insert_history (self, name, KARI_STATE_UPDATING, KARI_STATE_INSTALLED, reason, now, error);
}

static gboolean
check_update_allowed (const char  *name,
                      KariState    current,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (current == KARI_STATE_UPDATING || kari_lifecycle_check (current, KARI_STATE_UPDATING, &local_error))
    return TRUE;
  g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Cannot change the version of %s: ", name);
  return FALSE;
}

static gboolean
install_locked (KariRegistry  *self,
                const char    *name,
                const char    *version,
                const char    *path,
                const char    *manifest_json,
                const char    *reason,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *old_version = NULL;
  g_autofree char *default_reason = NULL;
  g_autoptr(sqlite3_stmt) upsert = NULL;
  KariState current = KARI_STATE_INSTALLED;
  gint64 now = g_get_real_time ();
  gboolean exists;

  exists = get_current (self, name, &current, &old_version, &local_error);
  if (!exists && !g_error_matches (local_error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (exists && !check_update_allowed (name, current, error))
    return FALSE;

  upsert = get_stmt (self, STMT_UPSERT_VERSION, error);
  if (upsert == NULL)
    return FALSE;
  bind_text (upsert, 1, name);
  bind_text (upsert, 2, version);
  bind_text (upsert, 3, path);
  bind_text (upsert, 4, manifest_json);
  sqlite3_bind_int64 (upsert, 5, now);
  if (!step_done (self, upsert, "Keeping the version", error))
    return FALSE;

  if (!write_extension (self, exists, name, version, path, manifest_json,
                        KARI_STATE_INSTALLED, now, error))
    return FALSE;

  if (!exists)
    {
      if (reason == NULL)
        reason = default_reason = g_strdup_printf ("installed %s", version);
      /* The registry only learns of an extension once it is resolved. */
      return insert_history (self, name, KARI_STATE_RESOLVED, KARI_STATE_INSTALLED, reason, now, error);
    }

  if (reason == NULL)
    reason = default_reason = g_strcmp0 (old_version, version) == 0
      ? g_strdup_printf ("reinstalled %s", version)
      : g_strdup_printf ("updated from %s to %s", old_version, version);
  return record_update (self, name, current, reason, now, error);
}

/**
 * kari_registry_install_values:
 * @self: a #KariRegistry
 * @name: the extension's name
 * @version: its version, as text
 * @path: the folder it is installed in
 * @manifest_json: its manifest, serialised as JSON
 * @reason: (nullable): why, for the history; a default says what happened
 *
 * The lower level of kari_registry_install(), for callers that hold the
 * values rather than a #KariManifest (rebuilding a registry, tests).
 *
 * A new extension is recorded as installed (history: resolved →
 * installed). A new version of an installed one becomes current and the
 * old one is kept for rollback (history: its state → updating →
 * installed); the extension must be in a state that may move to
 * updating, so a running extension is refused until it is stopped.
 * Installing a version that is already kept replaces its path and
 * manifest. All of it is one transaction.
 *
 * Returns: %TRUE when recorded
 */
gboolean
kari_registry_install_values (KariRegistry  *self,
                              const char    *name,
                              const char    *version,
                              const char    *path,
                              const char    *manifest_json,
                              const char    *reason,
                              GError       **error)
{
  g_autofree char *doing = NULL;
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (manifest_json != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (*name == '\0' || *version == '\0')
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   "Cannot install an extension with an empty %s",
                   *name == '\0' ? "name" : "version");
      return FALSE;
    }

  doing = g_strdup_printf ("Installing %s %s", name, version);

  g_mutex_lock (&self->lock);
  ok = begin (self, doing, error) &&
       install_locked (self, name, version, path, manifest_json, reason, error) &&
       commit (self, doing, error);
  if (!ok)
    rollback (self);
  g_mutex_unlock (&self->lock);

  return ok;
}

/* Declared weak so this file links while the manifest part of the
 * library is still being written; once kari-manifest.c defines them,
 * these bind to the real functions. */
extern const char  *kari_manifest_get_name    (KariManifest *self) __attribute__ ((weak));
extern KariVersion *kari_manifest_get_version (KariManifest *self) __attribute__ ((weak));
extern const char  *kari_manifest_get_dir     (KariManifest *self) __attribute__ ((weak));
extern JsonNode    *kari_manifest_to_json     (KariManifest *self) __attribute__ ((weak));

/**
 * kari_registry_install:
 * @self: a #KariRegistry
 * @manifest: the validated manifest of the extension, loaded from the
 *   folder it is installed in
 * @reason: (nullable): why, for the history
 * @error: return location for a #GError
 *
 * Records @manifest's extension as installed, or as the new current
 * version of an installed extension; see kari_registry_install_values().
 *
 * Returns: %TRUE when recorded
 */
gboolean
kari_registry_install (KariRegistry  *self,
                       KariManifest  *manifest,
                       const char    *reason,
                       GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  KariVersion *version;
  const char *name;
  const char *dir;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (manifest != NULL, FALSE);

  if (kari_manifest_get_name == NULL || kari_manifest_get_version == NULL ||
      kari_manifest_get_dir == NULL || kari_manifest_to_json == NULL)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   "This build of libkari cannot read manifests");
      return FALSE;
    }

  name = kari_manifest_get_name (manifest);
  version = kari_manifest_get_version (manifest);
  dir = kari_manifest_get_dir (manifest);
  if (name == NULL || version == NULL || dir == NULL)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   "Cannot install the extension “%s”: its manifest has no %s",
                   name != NULL ? name : "(unnamed)",
                   name == NULL ? "name" : version == NULL ? "version" : "folder");
      return FALSE;
    }

  /* to_json returns a new tree (transfer full) */
  root = kari_manifest_to_json (manifest);
  json = root != NULL ? json_to_string (root, FALSE) : g_strdup ("{}");

  return kari_registry_install_values (self, name, kari_version_to_string (version),
                                       dir, json, reason, error);
}

static gboolean
rollback_locked (KariRegistry  *self,
                 const char    *name,
                 const char    *version,
                 GError       **error)
{
  g_autoptr(sqlite3_stmt) get_version = NULL;
  g_autofree char *current_version = NULL;
  g_autofree char *path = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *reason = NULL;
  KariState current;
  gint64 now = g_get_real_time ();
  int rc;

  if (!get_current (self, name, &current, &current_version, error))
    return FALSE;

  if (g_str_equal (current_version, version))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   "Cannot roll %s back to %s: that is the version in use", name, version);
      return FALSE;
    }

  get_version = get_stmt (self, STMT_GET_VERSION, error);
  if (get_version == NULL)
    return FALSE;
  bind_text (get_version, 1, name);
  bind_text (get_version, 2, version);
  rc = sqlite3_step (get_version);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND,
                   "Cannot roll %s back to %s: that version was never installed "
                   "(see the kept versions with kari-ext versions %s)", name, version, name);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      _kari_registry_set_sqlite_error (error, self->db, rc, "Reading the kept version");
      return FALSE;
    }
  path = g_strdup ((const char *) sqlite3_column_text (get_version, 0));
  manifest = g_strdup ((const char *) sqlite3_column_text (get_version, 1));
  done_stmt (get_version);

  if (!check_update_allowed (name, current, error))
    return FALSE;

  reason = g_strdup_printf ("rolled back from %s to %s", current_version, version);
  return write_extension (self, TRUE, name, version, path, manifest, KARI_STATE_INSTALLED, now, error) &&
         record_update (self, name, current, reason, now, error);
}

/**
 * kari_registry_rollback:
 * @self: a #KariRegistry
 * @name: an installed extension
 * @version: one of its kept versions, other than the current one
 * @error: return location for a #GError
 *
 * Makes @version current again, with the path and manifest it was
 * installed with. The newer version stays kept, so the rollback can
 * itself be undone. The extension must be in a state that may move to
 * updating; the history records the move to updating and back to
 * installed.
 *
 * Returns: %TRUE when rolled back
 */
gboolean
kari_registry_rollback (KariRegistry  *self,
                        const char    *name,
                        const char    *version,
                        GError       **error)
{
  g_autofree char *doing = NULL;
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  doing = g_strdup_printf ("Rolling %s back to %s", name, version);

  g_mutex_lock (&self->lock);
  ok = begin (self, doing, error) &&
       rollback_locked (self, name, version, error) &&
       commit (self, doing, error);
  if (!ok)
    rollback (self);
  g_mutex_unlock (&self->lock);

  return ok;
}

static gboolean
set_state_locked (KariRegistry  *self,
                  const char    *name,
                  KariState      state,
                  const char    *reason,
                  GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  KariState current;
  gint64 now = g_get_real_time ();

  if (!get_current (self, name, &current, NULL, error))
    return FALSE;

  if (!kari_lifecycle_check (current, state, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", name);
      return FALSE;
    }

  stmt = get_stmt (self, STMT_SET_STATE, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, name);
  bind_text (stmt, 2, kari_state_to_string (state));
  sqlite3_bind_int64 (stmt, 3, now);
  return step_done (self, stmt, "Writing the state", error) &&
         insert_history (self, name, current, state, reason, now, error);
}

/**
 * kari_registry_set_state:
 * @self: a #KariRegistry
 * @name: an installed extension
 * @state: the state to move to
 * @reason: (nullable): why, for the history
 * @error: return location for a #GError
 *
 * Moves @name to @state if the lifecycle allows it from where it is,
 * and records the move, in one transaction. A refused move fails with
 * %KARI_LIFECYCLE_ERROR_INVALID_TRANSITION and changes nothing.
 *
 * Returns: %TRUE when moved
 */
gboolean
kari_registry_set_state (KariRegistry  *self,
                         const char    *name,
                         KariState      state,
                         const char    *reason,
                         GError       **error)
{
  g_autofree char *doing = NULL;
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  doing = g_strdup_printf ("Moving %s to %s", name, kari_state_to_string (state));

  g_mutex_lock (&self->lock);
  ok = begin (self, doing, error) &&
       set_state_locked (self, name, state, reason, error) &&
       commit (self, doing, error);
  if (!ok)
    rollback (self);
  g_mutex_unlock (&self->lock);

  return ok;
}

static gboolean
remove_locked (KariRegistry  *self,
               const char    *name,
               GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  KariState current;

  if (!get_current (self, name, &current, NULL, error))
    return FALSE;

  if (!kari_lifecycle_check_removal (current, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Cannot remove %s: ", name);
      return FALSE;
    }

  stmt = get_stmt (self, STMT_DELETE_EXTENSION, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, name);
  return step_done (self, stmt, "Removing the extension", error);
}

/**
 * kari_registry_remove:
 * @self: a #KariRegistry
 * @name: an installed extension
 * @reason: (nullable): why; logged at debug level, since the history
 *   goes with the extension
 * @error: return location for a #GError
 *
 * Forgets @name: its row, every kept version and its history, in one
 * transaction. Refused while it is starting, running, stopping or
 * updating. The files are the caller's to delete.
 *
 * Returns: %TRUE when removed
 */
gboolean
kari_registry_remove (KariRegistry  *self,
                      const char    *name,
                      const char    *reason,
                      GError       **error)
{
  g_autofree char *doing = NULL;
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  doing = g_strdup_printf ("Removing %s", name);

  g_mutex_lock (&self->lock);
  ok = begin (self, doing, error) &&
       remove_locked (self, name, error) &&
       commit (self, doing, error);
  if (!ok)
    rollback (self);
  g_mutex_unlock (&self->lock);

  if (ok)
    g_debug ("Removed %s from the registry: %s", name, reason != NULL ? reason : "no reason given");
  return ok;
}

/**
 * kari_registry_lookup:
 * @self: a #KariRegistry
 * @name: an extension name
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the installed extension, or %NULL with
 *   %KARI_REGISTRY_ERROR_NOT_FOUND when there is none by that name
 */
KariRegistryEntry *
kari_registry_lookup (KariRegistry  *self,
                      const char    *name,
                      GError       **error)
{
  KariRegistryEntry *entry = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  g_mutex_lock (&self->lock);
  stmt = get_stmt (self, STMT_LOOKUP, error);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, name);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        entry = entry_from_row (stmt, error);
      else if (rc == SQLITE_DONE)
        g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND,
                     "No extension named “%s” is installed", name);
      else
        _kari_registry_set_sqlite_error (error, self->db, rc, "Looking an extension up");
      done_stmt (stmt);
    }
  g_mutex_unlock (&self->lock);

  return entry;
}

/* Collects every row of @id (bound to @name when not NULL) with @make. */
static GPtrArray *
collect_locked (KariRegistry  *self,
                StmtId         id,
                const char    *name,
                gpointer     (*make) (sqlite3_stmt *, GError **),
                GDestroyNotify free_func,
                const char    *doing,
                GError       **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (free_func);
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, id, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (name != NULL)
    bind_text (stmt, 1, name);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gpointer item = make (stmt, error);

      if (item == NULL)
        return NULL;
      g_ptr_array_add (result, item);
    }
  if (rc != SQLITE_DONE)
    {
      _kari_registry_set_sqlite_error (error, self->db, rc, doing);
      return NULL;
    }
  return g_steal_pointer (&result);
}

/* Lists one extension's rows of @id; an empty list means it is not
 * installed, since an installed extension has a version and a history. */
static GPtrArray *
collect_for_extension (KariRegistry  *self,
                       StmtId         id,
                       const char    *name,
                       gpointer     (*make) (sqlite3_stmt *, GError **),
                       GDestroyNotify free_func,
                       const char    *doing,
                       GError       **error)
{
  g_autoptr(GPtrArray) result = NULL;

  g_mutex_lock (&self->lock);
  result = collect_locked (self, id, name, make, free_func, doing, error);
  g_mutex_unlock (&self->lock);

  if (result != NULL && result->len == 0)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND,
                   "No extension named “%s” is installed", name);
      return NULL;
    }
  return g_steal_pointer (&result);
}

/**
 * kari_registry_list:
 * @self: a #KariRegistry
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KariRegistryEntry): every
 *   installed extension, by name
 */
GPtrArray *
kari_registry_list (KariRegistry  *self,
                    GError       **error)
{
  GPtrArray *result;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);

  g_mutex_lock (&self->lock);
  result = collect_locked (self, STMT_LIST, NULL, (gpointer) entry_from_row,
                           (GDestroyNotify) kari_registry_entry_free,
                           "Listing the installed extensions", error);
  g_mutex_unlock (&self->lock);
  return result;
}

/**
 * kari_registry_list_versions:
 * @self: a #KariRegistry
 * @name: an installed extension
 * @error: return location for a #GError
 *
 * Every version of @name ever installed and kept, oldest install first.
 * Each entry has that version's path and manifest, the extension's
 * state, and @is_current set on the version in use.
 *
 * Returns: (transfer container) (element-type KariRegistryEntry): the
 *   versions, or %NULL with %KARI_REGISTRY_ERROR_NOT_FOUND
 */
GPtrArray *
kari_registry_list_versions (KariRegistry  *self,
                             const char    *name,
                             GError       **error)
{
  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return collect_for_extension (self, STMT_LIST_VERSIONS, name, (gpointer) entry_from_row,
                                (GDestroyNotify) kari_registry_entry_free,
                                "Listing the kept versions", error);
}

static KariTransition *
transition_from_row (sqlite3_stmt  *stmt,
                     GError       **error)
{
  KariState from, to;

  if (!state_from_column (stmt, 0, &from, error) ||
      !state_from_column (stmt, 1, &to, error))
    return NULL;
  return kari_transition_new (from, to, (const char *) sqlite3_column_text (stmt, 2),
                              sqlite3_column_int64 (stmt, 3));
}

/**
 * kari_registry_get_history:
 * @self: a #KariRegistry
 * @name: an installed extension
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KariTransition): every
 *   state change of @name, oldest first, or %NULL with
 *   %KARI_REGISTRY_ERROR_NOT_FOUND
 */
GPtrArray *
kari_registry_get_history (KariRegistry  *self,
                           const char    *name,
                           GError       **error)
{
  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return collect_for_extension (self, STMT_HISTORY, name, (gpointer) transition_from_row,
                                (GDestroyNotify) kari_transition_free,
                                "Reading the state history", error);
}

/**
 * kari_registry_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/kari/registry.db`
 */
char *
kari_registry_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "kari", "registry.db", NULL);
}

/**
 * kari_registry_open:
 * @path: (nullable): the database file, or %NULL for
 *   kari_registry_default_path()
 * @rebuild: (nullable) (scope call): called when a corrupt database was
 *   set aside, to register again what is installed
 * @user_data: closure for @rebuild
 * @error: return location for a #GError
 *
 * Opens the registry, creating it and its folder when needed, checks
 * its integrity and brings its schema up to date.
 *
 * A database that is not one, or fails its check, is never deleted: it
 * is moved aside with its -wal and -shm files to
 * `registry.db.corrupt-YYYYMMDD-HHMMSS`, a fresh one is created and
 * @rebuild fills it. kari_registry_get_recovered_path() then says where
 * the old file went, so it can be shown to the person.
 *
 * Returns: (transfer full): the registry, or %NULL with
 *   %KARI_REGISTRY_ERROR_SCHEMA for a database written by a newer
 *   program, %KARI_REGISTRY_ERROR_OPEN when it cannot be created, or
 *   %KARI_REGISTRY_ERROR_CORRUPT when setting aside or rebuilding failed
 */
KariRegistry *
kari_registry_open (const char               *path,
                    KariRegistryRebuildFunc   rebuild,
                    gpointer                  user_data,
                    GError                  **error)
{
  g_autoptr(KariRegistry) self = g_object_new (KARI_TYPE_REGISTRY, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self->path = path != NULL ? g_strdup (path) : kari_registry_default_path ();
  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_OPEN,
                   "Could not create the folder %s for the registry: %s",
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  self->db = _kari_registry_db_open (self->path, &self->schema_version, &local_error);
  if (self->db != NULL)
    return g_steal_pointer (&self);

  if (!g_error_matches (local_error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_debug ("%s; setting it aside", local_error->message);
  self->recovered_path = _kari_registry_move_aside (self->path, error);
  if (self->recovered_path == NULL)
    {
      g_prefix_error (error, "%s, and ", local_error->message);
      return NULL;
    }
  g_clear_error (&local_error);

  self->db = _kari_registry_db_open (self->path, &self->schema_version, &local_error);
  if (self->db == NULL)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT,
                   "The corrupt registry was moved to %s, but a new one could not be "
                   "created: %s", self->recovered_path, local_error->message);
      return NULL;
    }

  if (rebuild != NULL && !rebuild (self, user_data, &local_error))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT,
                   "The corrupt registry was moved to %s, but registering the installed "
                   "extensions again failed: %s", self->recovered_path,
                   local_error != NULL ? local_error->message : "no reason given");
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * kari_registry_get_path:
 * @self: a #KariRegistry
 *
 * Returns: the database file
 */
const char *
kari_registry_get_path (KariRegistry *self)
{
  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);
  return self->path;
}

/**
 * kari_registry_get_recovered_path:
 * @self: a #KariRegistry
 *
 * Returns: (nullable): where a corrupt database was moved when this
 *   registry was opened, or %NULL when it was sound
 */
const char *
kari_registry_get_recovered_path (KariRegistry *self)
{
  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);
  return self->recovered_path;
}

/**
 * kari_registry_get_schema_version:
 * @self: a #KariRegistry
 *
 * Returns: the schema version of the open database, which is
 *   %KARI_REGISTRY_SCHEMA_VERSION once opened
 */
int
kari_registry_get_schema_version (KariRegistry *self)
{
  g_return_val_if_fail (KARI_IS_REGISTRY (self), -1);
  return self->schema_version;
}
