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

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <glib/gstdio.h>

#include "kari-metrics-private.h"
#include "kari-registry-private.h"

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
  /* The last failure is at most the catalog's three steps back from
   * failed away (kari_lifecycle_find_failure()): four rows, oldest first,
   * not months of history for each extension the host loads. */
  [STMT_RECENT_HISTORY] =
    "SELECT from_state, to_state, reason, time_usec FROM "
    "(SELECT id, from_state, to_state, reason, time_usec FROM state_history "
    " WHERE name = ?1 ORDER BY id DESC LIMIT 4) ORDER BY id",
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

  /* Writes what is still queued while the database is open. */
  g_clear_pointer (&self->metrics_queue, _kari_metrics_queue_free);
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
  self->metrics_queue = _kari_metrics_queue_new ();
}

/* Returns the cached statement @id, preparing it the first time. Callers
 * hold it in a g_autoptr(sqlite3_stmt), which resets and unbinds it. */
sqlite3_stmt *
_kari_registry_get_stmt (KariRegistry  *self,
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

void
_kari_registry_done_stmt (sqlite3_stmt *stmt)
{
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
}

/* Steps a statement that returns no rows. */
gboolean
_kari_registry_step_done (KariRegistry  *self,
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
  g_autoptr(sqlite3_stmt) stmt = _kari_registry_get_stmt (self, id, error);

  return stmt != NULL && _kari_registry_step_done (self, stmt, doing, error);
}

gboolean
_kari_registry_begin (KariRegistry  *self,
                      const char    *doing,
                      GError       **error)
{
  return run_simple (self, STMT_BEGIN, doing, error);
}

gboolean
_kari_registry_commit (KariRegistry  *self,
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

void
_kari_registry_rollback (KariRegistry *self)
{
  if (!sqlite3_get_autocommit (self->db))
    run_simple (self, STMT_ROLLBACK, "Rolling back", NULL);
}

gboolean
_kari_registry_state_from_column (sqlite3_stmt  *stmt,
                                  int            column,
                                  KariState     *state,
                                  GError       **error)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  g_autoptr(GError) local_error = NULL;

  if (!kari_state_from_string (text, state, &local_error))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT,
                   _("The registry holds a state this program does not know: %s"),
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
  if (!_kari_registry_state_from_column (stmt, 4, &entry->state, error))
    return NULL;
  entry->installed_usec = sqlite3_column_int64 (stmt, 5);
  entry->updated_usec = sqlite3_column_int64 (stmt, 6);
  entry->is_current = sqlite3_column_count (stmt) > 7 ? sqlite3_column_int (stmt, 7) != 0 : TRUE;
  return g_steal_pointer (&entry);
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
  stmt = _kari_registry_get_stmt (self, STMT_LOOKUP, error);
  if (stmt != NULL)
    {
      _kari_registry_bind_text (stmt, 1, name);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        entry = entry_from_row (stmt, error);
      else if (rc == SQLITE_DONE)
        g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND,
                     _("No extension named “%s” is installed"), name);
      else
        _kari_registry_set_sqlite_error (error, self->db, rc, "Looking an extension up");
      _kari_registry_done_stmt (stmt);
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
  g_autoptr(sqlite3_stmt) stmt = _kari_registry_get_stmt (self, id, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (name != NULL)
    _kari_registry_bind_text (stmt, 1, name);

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
                   _("No extension named “%s” is installed"), name);
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

  if (!_kari_registry_state_from_column (stmt, 0, &from, error) ||
      !_kari_registry_state_from_column (stmt, 1, &to, error))
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
 * kari_registry_get_last_failure:
 * @self: a #KariRegistry
 * @name: an installed extension
 * @error: return location for a #GError
 *
 * What @name's last run left to remember: its failure or the crash loop
 * that switched it off (kari_lifecycle_find_failure()), kept across
 * restarts of the host until someone starts or enables it again.
 *
 * Returns: (transfer full) (nullable): the transition, or %NULL (with
 *   @error set only when the history cannot be read)
 */
KariTransition *
kari_registry_get_last_failure (KariRegistry  *self,
                                const char    *name,
                                GError       **error)
{
  g_autoptr(GPtrArray) history = NULL;
  const KariTransition *found;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  history = collect_for_extension (self, STMT_RECENT_HISTORY, name, (gpointer) transition_from_row,
                                   (GDestroyNotify) kari_transition_free,
                                   "Reading the state history", error);
  if (history == NULL)
    return NULL;
  found = kari_lifecycle_find_failure (history);
  return found != NULL ? kari_transition_copy (found) : NULL;
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

/* Metrics that aged while no host ran are rolled up; a failure only
 * delays that to the next pass. */
static void
downsample_at_open (KariRegistry *self)
{
  g_autoptr(GError) error = NULL;

  if (!kari_registry_downsample_metrics (self, g_get_real_time (), &error))
    g_debug ("Downsampling metrics at open: %s", error->message);
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
                   _("Could not create the folder %s for the registry: %s"),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  self->db = _kari_registry_db_open (self->path, &self->schema_version, &local_error);
  if (self->db != NULL)
    {
      downsample_at_open (self);
      return g_steal_pointer (&self);
    }

  if (!g_error_matches (local_error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_debug ("%s; setting it aside", local_error->message);
  self->recovered_path = _kari_registry_move_aside (self->path, error);
  if (self->recovered_path == NULL)
    {
      g_prefix_error (error, _("%s, and "), local_error->message);
      return NULL;
    }
  g_clear_error (&local_error);

  self->db = _kari_registry_db_open (self->path, &self->schema_version, &local_error);
  if (self->db == NULL)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT,
                   _("The corrupt registry was moved to %s, but a new one could not be "
                   "created: %s"), self->recovered_path, local_error->message);
      return NULL;
    }

  if (rebuild != NULL && !rebuild (self, user_data, &local_error))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT,
                   _("The corrupt registry was moved to %s, but registering the installed "
                   "extensions again failed: %s"), self->recovered_path,
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
