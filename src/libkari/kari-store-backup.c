/* kari-store-backup.c — exporting one store to a file, and importing
 * such a file in its place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An export is SQLite's online backup of the store into a new file
 * beside the destination, renamed over it once complete. An import
 * copies the file the same way into a temporary file beside the store
 * (so nothing of the original is ever opened for writing), checks the
 * copy is a store of the right shape, remakes our views, triggers and
 * indexes from what they must be rather than trust the file's, and
 * renames it over the store: the old store stays whole until the
 * rename, and a crash leaves one or the other.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "kari-store-private.h"

static const char * const our_tables[] = {
  "_kari_documents", "_kari_collections", "_kari_indexes", "_kari_user_tables", "_kari_migrations", NULL
};

static char *
temporary_beside (const char  *path,
                  const char  *what,
                  GError     **error)
{
  g_autofree char *tmpl = g_strdup_printf ("%s.%s-XXXXXX", path, what);
  int fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_OPEN, _("Cannot make a file beside %s: %s"),
                   path, g_strerror (saved));
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&tmpl);
}

/* Copies every page of @from's main schema into @to_path, which ends up
 * a standalone file in rollback-journal mode, synced to disk. */
static gboolean
copy_pages (sqlite3     *from,
            const char  *to_path,
            GError     **error)
{
  sqlite3 *to = _kari_store_open_db (to_path, SQLITE_OPEN_READWRITE, error);
  sqlite3_backup *backup;
  int rc;

  if (to == NULL)
    return FALSE;
  backup = sqlite3_backup_init (to, "main", from, "main");
  if (backup == NULL)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_OPEN, _("Cannot copy the store: %s"),
                   sqlite3_errmsg (to));
      sqlite3_close (to);
      return FALSE;
    }
  rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);
  if (rc == SQLITE_DONE)
    rc = sqlite3_exec (to, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, KARI_STORE_ERROR, (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT
                                            ? KARI_STORE_ERROR_CORRUPT : KARI_STORE_ERROR_OPEN,
                   _("Cannot copy the store to %s: %s"), to_path, sqlite3_errstr (rc));
      sqlite3_close (to);
      return FALSE;
    }
  sqlite3_close (to);
  return TRUE;
}

/**
 * kari_store_backup:
 * @self: a #KariStore
 * @destination: the file to write; replaced once the copy is complete
 * @error: return location for a #GError
 *
 * Copies the whole store, consistent as of one moment, to @destination,
 * which kari_store_import() takes back.
 *
 * Returns: %TRUE when @destination holds the copy
 */
gboolean
kari_store_backup (KariStore   *self,
                   const char  *destination,
                   GError     **error)
{
  g_autofree char *tmp = NULL;
  gboolean ok;

  g_return_val_if_fail (KARI_IS_STORE (self), FALSE);
  g_return_val_if_fail (destination != NULL, FALSE);

  tmp = temporary_beside (destination, "export", error);
  if (tmp == NULL)
    return FALSE;
  g_mutex_lock (&self->lock);
  self->trusted = TRUE;
  ok = copy_pages (self->db, tmp, error);
  self->trusted = FALSE;
  g_mutex_unlock (&self->lock);
  if (ok && g_rename (tmp, destination) != 0)
    {
      int saved = errno;

      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_OPEN, _("Cannot write %s: %s"),
                   destination, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}

static gboolean
refuse (GError     **error,
        const char  *source,
        const char  *format,
        ...) G_GNUC_PRINTF (3, 4);

static gboolean
refuse (GError     **error,
        const char  *source,
        const char  *format,
        ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CORRUPT, _("%s is not a store that can be imported: %s"),
               source, why);
  return FALSE;
}

/* The SQL our tables are made with, as SQLite keeps it. */
static GHashTable *
reference_schema (void)
{
  GHashTable *tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE, NULL);
  sqlite3_exec (db, _kari_store_schema_sql, NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "SELECT name, sql FROM sqlite_schema WHERE type = 'table'", -1, &stmt, NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return tables;
}

static gboolean
in_strv (const char * const *list,
         const char         *name)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (g_ascii_strcasecmp (list[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* Checks every object of the copy's schema: our tables exactly as we
 * make them, nothing else of our prefix but what we remake, and virtual
 * tables only of the modules the guard allows. */
static gboolean
check_shape (sqlite3     *db,
             const char  *source,
             GError     **error)
{
  g_autoptr(GHashTable) reference = reference_schema ();
  g_autoptr(GHashTable) generated = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = NULL;
  guint ours = 0;
  gboolean ok = TRUE;

  /* The views and triggers we remake for each per-user table, by the
   * type they must have: the guard trusts them by name. */
  sqlite3_prepare_v2 (db, "SELECT lower (name) FROM _kari_user_tables", -1, &stmt, NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      static const char * const triggers[] = { "_kari_ins_", "_kari_upd_", "_kari_del_", "_kari_keep_" };
      const char *table = (const char *) sqlite3_column_text (stmt, 0);

      g_hash_table_insert (generated, g_strdup (table), (gpointer) "view");
      for (guint i = 0; i < G_N_ELEMENTS (triggers); i++)
        g_hash_table_insert (generated, g_strconcat (triggers[i], table, NULL), (gpointer) "trigger");
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  sqlite3_prepare_v2 (db, "SELECT type, name, tbl_name, coalesce (sql, '') FROM sqlite_schema", -1, &stmt, NULL);
  while (ok && stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      const char *sql = (const char *) sqlite3_column_text (stmt, 3);
      gboolean prefixed = g_ascii_strncasecmp (name, KARI_STORE_PREFIX, 6) == 0;

      if (g_str_equal (type, "table") && in_strv (our_tables, name))
        {
          const char *expected = g_hash_table_lookup (reference, name);

          if (g_strcmp0 (expected, sql) != 0)
            ok = refuse (error, source, _("its table %s is not the one Kari makes"), name);
          ours++;
        }
      else if (g_str_equal (type, "table") && g_ascii_strncasecmp (sql, "CREATE VIRTUAL TABLE", 20) == 0)
        {
          g_autofree char *lower = g_ascii_strdown (sql, -1);

          if (prefixed || (strstr (lower, "using fts4") == NULL && strstr (lower, "using fts5") == NULL
                           && strstr (lower, "using rtree") == NULL))
            ok = refuse (error, source, _("its virtual table %s uses a module other than fts4, fts5 or rtree"),
                         name);
        }
      else if (prefixed && g_str_equal (type, "table")
               && g_ascii_strncasecmp (name, "_kari_user_", 11) != 0)
        ok = refuse (error, source, _("it holds a table %s, a name only Kari makes"), name);
      else if (g_str_equal (type, "view") || g_str_equal (type, "trigger"))
        {
          g_autofree char *lower_name = g_ascii_strdown (name, -1);
          g_autofree char *lower_sql = g_ascii_strdown (sql, -1);
          const char *expected = g_hash_table_lookup (generated, lower_name);

          if (expected != NULL && !g_str_equal (expected, type))
            ok = refuse (error, source, _("its %s %s has the name of a %s Kari makes"), type, name, expected);
          else if (expected == NULL && (prefixed || strstr (lower_sql, KARI_STORE_PREFIX) != NULL))
            ok = refuse (error, source, _("its %s %s reaches tables that belong to the host"), type, name);
        }
    }
  sqlite3_finalize (stmt);
  if (ok && ours != g_strv_length ((char **) our_tables))
    ok = refuse (error, source, _("it lacks some of the tables every store has"));
  return ok;
}

/* Remakes what we make from what it must be: per-user views and
 * triggers from _kari_user_tables, field indexes from _kari_indexes. */
static gboolean
remake_ours (KariStore   *store,
             const char  *source,
             GError     **error)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  sqlite3_prepare_v2 (store->db, "SELECT name FROM _kari_user_tables", -1, &stmt, NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  for (guint i = 0; ok && i < tables->len; i++)
    ok = _kari_store_rebuild_user_views (store, g_ptr_array_index (tables, i), error);

  sqlite3_prepare_v2 (store->db, "SELECT collection, field FROM _kari_indexes", -1, &stmt, NULL);
  while (ok && stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    if (!_kari_store_check_field ((const char *) sqlite3_column_text (stmt, 1), NULL))
      ok = refuse (error, source, _("an index is on the field “%.64s”, which is not a field path"),
                   (const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
check_copy (const char  *copy,
            const char  *source,
            GError     **error)
{
  g_autoptr(KariStore) store = g_object_new (KARI_TYPE_STORE, NULL);
  gboolean ok;

  store->path = g_strdup (copy);
  store->trusted = TRUE;
  store->db = _kari_store_open_db (copy, SQLITE_OPEN_READWRITE, error);
  if (store->db == NULL)
    return FALSE;
  ok = _kari_store_check_file (store->db, source, error);
  if (ok)
    {
      sqlite3_stmt *stmt = NULL;

      sqlite3_prepare_v2 (store->db, "PRAGMA application_id", -1, &stmt, NULL);
      if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW
          || sqlite3_column_int64 (stmt, 0) != KARI_STORE_APPLICATION_ID)
        ok = refuse (error, source, _("it is not marked as a Kari store"));
      sqlite3_finalize (stmt);
    }
  ok = ok && check_shape (store->db, source, error);
  ok = ok && _kari_store_begin (store, error);
  ok = ok && remake_ours (store, source, error) && _kari_store_commit (store, error);
  _kari_store_rollback (store);
  return ok;
}

/**
 * kari_store_import:
 * @path: the store to replace, usually from kari_store_dup_path(); it
 *   must not be open
 * @source: a file kari_store_backup() wrote
 * @error: return location for a #GError
 *
 * Replaces the store at @path with a copy of @source, after checking the
 * copy is a store (integrity, application id, our tables exactly as we
 * make them, no view or table of our prefix but the per-user ones, only
 * the virtual tables the guard allows). Views, triggers and indexes of
 * ours are remade rather than taken from the file. The replacement is a
 * rename: @path holds the old store or the new one, never a mix.
 *
 * Returns: %TRUE when @path holds the imported store
 */
gboolean
kari_store_import (const char  *path,
                   const char  *source,
                   GError     **error)
{
  g_autofree char *folder = NULL;
  g_autofree char *copy = NULL;
  sqlite3 *from = NULL;
  gboolean ok;

  g_return_val_if_fail (path != NULL && source != NULL, FALSE);

  if (!g_file_test (source, G_FILE_TEST_IS_REGULAR))
    return refuse (error, source, _("it is not a regular file"));
  if (!_kari_store_check_header (source, error))
    return FALSE;
  folder = g_path_get_dirname (path);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_OPEN, _("Could not make the folder %s: %s"),
                   folder, g_strerror (saved));
      return FALSE;
    }
  copy = temporary_beside (path, "import", error);
  if (copy == NULL)
    return FALSE;

  /* Read-only: the source is never changed, not even checkpointed. */
  from = _kari_store_open_db (source, SQLITE_OPEN_READONLY, error);
  ok = from != NULL && copy_pages (from, copy, error);
  sqlite3_close (from);
  ok = ok && check_copy (copy, source, error);

  if (ok)
    {
      /* The old store's WAL must not be replayed onto the new file:
       * closing its last connection checkpoints and removes it. */
      sqlite3 *old = g_file_test (path, G_FILE_TEST_EXISTS)
                     ? _kari_store_open_db (path, SQLITE_OPEN_READWRITE, NULL) : NULL;
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      if (old != NULL)
        {
          sqlite3_exec (old, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
          sqlite3_close (old);
        }
      if (g_file_test (wal, G_FILE_TEST_EXISTS) && g_unlink (wal) != 0)
        ok = refuse (error, path, _("its write-ahead log cannot be removed; is the store open?"));
      else if (g_rename (copy, path) != 0)
        {
          int saved = errno;

          g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_OPEN, _("Cannot replace %s: %s"), path,
                       g_strerror (saved));
          ok = FALSE;
        }
      g_unlink (shm);
    }
  if (!ok)
    g_unlink (copy);
  return ok;
}

/**
 * kari_store_remove:
 * @path: a store's file, usually from kari_store_dup_path(); it must not
 *   be open
 * @error: return location for a #GError
 *
 * Deletes the store at @path with its -wal and -shm files, for when its
 * extension is removed. A store that is not there is already removed;
 * running again after an interruption finishes the job.
 *
 * Returns: %TRUE when none of the files is left
 */
gboolean
kari_store_remove (const char  *path,
                   GError     **error)
{
  /* The WAL goes first: left alone, it would be replayed into whatever
   * store is made at @path next. */
  static const char * const suffixes[] = { "-wal", "-shm", "" };

  g_return_val_if_fail (path != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_OPEN, _("Cannot remove %s: %s"), file,
                       g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}
