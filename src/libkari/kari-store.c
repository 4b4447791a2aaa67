/* kari-store.c — one extension's SQLite store in one tenant: opening,
 * checking, setting aside, quota
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A store is a file only the host opens, at
 * `$XDG_DATA_HOME/kari/stores/TENANT/EXTENSION.sqlite`. The extension
 * reaches it through io.github.kari.Storage1; every statement it sends
 * runs under the guard of kari-store-guard.c. Our own tables start with
 * `_kari_`: documents, collections, indexes, per-user tables and
 * migrations. A connection is used by one call at a time (the lock).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "kari-registry-private.h"
#include "kari-store-private.h"

/* "KARI" in the header's application id marks a file as a store. */


G_DEFINE_QUARK (kari-store-error-quark, kari_store_error)
G_DEFINE_FINAL_TYPE (KariStore, kari_store, G_TYPE_OBJECT)

const char _kari_store_schema_sql[] =
  "CREATE TABLE IF NOT EXISTS _kari_documents ("
  "  collection TEXT    NOT NULL,"
  "  owner      TEXT    NOT NULL DEFAULT '',"
  "  id         TEXT    NOT NULL,"
  "  version    INTEGER NOT NULL CHECK (version > 0),"
  "  body       TEXT    NOT NULL CHECK (json_valid (body)),"
  "  PRIMARY KEY (collection, owner, id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS _kari_collections ("
  "  name     TEXT    NOT NULL PRIMARY KEY,"
  "  per_user INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE IF NOT EXISTS _kari_indexes ("
  "  collection TEXT NOT NULL,"
  "  field      TEXT NOT NULL,"
  "  name       TEXT NOT NULL,"
  "  PRIMARY KEY (collection, field)"
  ");"
  "CREATE TABLE IF NOT EXISTS _kari_user_tables ("
  "  name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE"
  ");"
  "CREATE TABLE IF NOT EXISTS _kari_migrations ("
  "  number       INTEGER NOT NULL PRIMARY KEY,"
  "  file         TEXT    NOT NULL,"
  "  applied_usec INTEGER NOT NULL"
  ");";

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
kari_store_finalize (GObject *object)
{
  KariStore *self = KARI_STORE (object);

  g_clear_pointer (&self->cached, g_hash_table_unref);
  if (self->db != NULL)
    {
      /* Keeps the planner's statistics fresh for the next open. */
      self->trusted = TRUE;
      sqlite3_exec (self->db, "PRAGMA optimize", NULL, NULL, NULL);
      sqlite3_close (self->db);
    }
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->recovered_path, g_free);
  g_clear_pointer (&self->our_views, g_hash_table_unref);
  g_clear_pointer (&self->denied, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kari_store_parent_class)->finalize (object);
}

static void
kari_store_class_init (KariStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_store_finalize;
}

static void
kari_store_init (KariStore *self)
{
  g_mutex_init (&self->lock);
  self->our_views = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cached = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
  self->max_msec = KARI_STORE_DEFAULT_MAX_MSEC;
  self->max_rows = KARI_STORE_DEFAULT_MAX_ROWS;
  self->max_bytes = KARI_STORE_DEFAULT_MAX_BYTES;
}

/* ------------------------------------------------------------------ */
/* Names and paths                                                     */

/**
 * kari_store_check_name:
 * @what: what the name is, for the message ("tenant", "extension")
 * @name: the name
 * @error: return location for a #GError
 *
 * Checks a name that becomes part of a path: 1 to 64 ASCII letters,
 * digits, "-", "_" or ".", not starting with "." or "-". Nothing else
 * can make it a path of its own, climb out of its folder or hide.
 *
 * Returns: %TRUE when @name may be used
 */
gboolean
kari_store_check_name (const char  *what,
                       const char  *name,
                       GError     **error)
{
  gsize length = name != NULL ? strlen (name) : 0;

  if (length == 0 || length > 64 || name[0] == '.' || name[0] == '-')
    goto bad;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_' && name[i] != '.')
      goto bad;
  return TRUE;

bad:
  g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
               _("The %s name “%.64s” is not 1 to 64 letters, digits, “-”, “_” or “.” "
                 "not starting with “.” or “-”"),
               what, name != NULL && g_utf8_validate (name, -1, NULL) ? name : "?");
  return FALSE;
}

/**
 * kari_store_dup_path:
 * @stores_dir: (nullable): the folder of all stores; %NULL for
 *   `$XDG_DATA_HOME/kari/stores`
 * @tenant: the tenant id
 * @extension: the extension name
 * @error: return location for a #GError
 *
 * Where the store of @extension in @tenant lives:
 * `STORES_DIR/TENANT/EXTENSION.sqlite`, both names checked with
 * kari_store_check_name().
 *
 * Returns: (transfer full): the path, or %NULL when a name is refused
 */
char *
kari_store_dup_path (const char  *stores_dir,
                     const char  *tenant,
                     const char  *extension,
                     GError     **error)
{
  g_autofree char *file = NULL;

  if (!kari_store_check_name ("tenant", tenant, error) ||
      !kari_store_check_name ("extension", extension, error))
    return NULL;
  file = g_strconcat (extension, ".sqlite", NULL);
  if (stores_dir != NULL)
    return g_build_filename (stores_dir, tenant, file, NULL);
  return g_build_filename (g_get_user_data_dir (), "kari", "stores", tenant, file, NULL);
}

/* ------------------------------------------------------------------ */
/* Errors and transactions                                             */

static int
error_code_for (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return KARI_STORE_ERROR_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return KARI_STORE_ERROR_CORRUPT;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return KARI_STORE_ERROR_OPEN;
    case SQLITE_FULL:
      return KARI_STORE_ERROR_FULL;
    case SQLITE_AUTH:
      return KARI_STORE_ERROR_DENIED;
    case SQLITE_INTERRUPT:
    case SQLITE_TOOBIG:
      return KARI_STORE_ERROR_LIMIT;
    default:
      return KARI_STORE_ERROR_SQL;
    }
}

/* Sets @error from @rc in words: the quota, the deadline and the guard
 * each say what happened rather than SQLite's short message. */
void
_kari_store_set_sqlite_error (KariStore   *self,
                              GError     **error,
                              int          rc,
                              const char  *doing)
{
  int code = error_code_for (rc);

  /* SQLite reports some refusals of the guard as plain errors. */
  if (self->denied != NULL && ((rc & 0xff) == SQLITE_AUTH || (rc & 0xff) == SQLITE_ERROR))
    code = KARI_STORE_ERROR_DENIED;

  if (code == KARI_STORE_ERROR_FULL)
    g_set_error (error, KARI_STORE_ERROR, code,
                 _("%s: the store is full (its quota is %" G_GUINT64_FORMAT " bytes); nothing was written"),
                 doing, self->quota_bytes);
  else if ((rc & 0xff) == SQLITE_INTERRUPT)
    g_set_error (error, KARI_STORE_ERROR, code,
                 _("%s: the statement ran longer than %u ms and was stopped; nothing was written"),
                 doing, self->max_msec);
  else if (code == KARI_STORE_ERROR_DENIED && self->denied != NULL)
    g_set_error (error, KARI_STORE_ERROR, code, "%s: %s", doing, self->denied);
  else
    g_set_error (error, KARI_STORE_ERROR, code, "%s: %s", doing,
                 self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
}

gboolean
_kari_store_exec (KariStore   *self,
                  const char  *sql,
                  const char  *doing,
                  GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _kari_store_set_sqlite_error (self, error, rc, doing);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
_kari_store_prepare (KariStore   *self,
                     const char  *sql,
                     GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      _kari_store_set_sqlite_error (self, error, rc, _("Preparing a statement"));
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

/* The statements of put and get, prepared once: @static_sql must be a
 * literal (it is the key by address). Give them back with
 * _kari_store_release(), not sqlite3_finalize(). */
sqlite3_stmt *
_kari_store_cached (KariStore   *self,
                    const char  *static_sql,
                    GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->cached, static_sql);

  if (stmt == NULL)
    {
      stmt = _kari_store_prepare (self, static_sql, error);
      if (stmt != NULL)
        g_hash_table_insert (self->cached, (gpointer) static_sql, stmt);
    }
  return stmt;
}

void
_kari_store_release (sqlite3_stmt *stmt)
{
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
}

gboolean
_kari_store_begin (KariStore  *self,
                   GError    **error)
{
  return _kari_store_exec (self, "BEGIN IMMEDIATE", _("Starting a transaction"), error);
}

gboolean
_kari_store_commit (KariStore  *self,
                    GError    **error)
{
  if (_kari_store_exec (self, "COMMIT", _("Committing"), error))
    return TRUE;
  _kari_store_rollback (self);
  return FALSE;
}

/* Without statistics the planner prefers the primary key over a field
 * index (it saves a sort by id); a bounded ANALYZE, after an index is
 * made and as documents accumulate, tells it how selective each is. */
void
_kari_store_note_writes (KariStore *self,
                         guint      n)
{
  guint before = self->writes;

  self->writes += n;
  if (self->writes / 5000 != before / 5000)
    sqlite3_exec (self->db, "PRAGMA optimize", NULL, NULL, NULL);
}

void
_kari_store_rollback (KariStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

static gint64
pragma_int (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
pragma_text (sqlite3    *db,
             const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

gboolean
_kari_store_check_header (const char  *path,
              GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  char header[16];
  ssize_t n;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    return TRUE;
  n = read (fd, header, sizeof header);
  close (fd);
  if (n == 0)
    return TRUE;
  if (n != (ssize_t) sizeof header || memcmp (header, magic, sizeof header) != 0)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CORRUPT,
                   _("%s is not an SQLite database"), path);
      return FALSE;
    }
  return TRUE;
}

sqlite3 *
_kari_store_open_db (const char  *path,
         int          flags,
         GError     **error)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, KARI_STORE_ERROR, error_code_for (rc), _("Could not open the store %s: %s"),
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, 5000);
  /* A store never loads code, and its schema cannot be written around
   * SQLite's back. The schema stays "trusted": SQLite 3.40 does not
   * mark the JSON functions innocuous, and the document indexes are
   * json_extract() expressions; what a schema may call is bounded by
   * the guard instead (no load_extension, fts3_tokenizer's pointer form
   * off, our views and triggers remade on import). */
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
  sqlite3_limit (db, SQLITE_LIMIT_ATTACHED, 0);
  return db;
}

/* Checks that the file at @db is a store, or an empty file to become
 * one; kari_store_import() checks its copies with it too. */
gboolean
_kari_store_check_file (sqlite3     *db,
                        const char  *path,
                        GError     **error)
{
  g_autofree char *check = pragma_text (db, "PRAGMA quick_check(1)");
  gint64 app_id = pragma_int (db, "PRAGMA application_id");
  gint64 pages = pragma_int (db, "PRAGMA page_count");

  if (check == NULL || !g_str_equal (check, "ok"))
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CORRUPT,
                   _("The store %s failed its integrity check: %s"), path,
                   check != NULL ? check : sqlite3_errmsg (db));
      return FALSE;
    }
  if (pages > 0 && app_id != KARI_STORE_APPLICATION_ID && app_id != 0)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CORRUPT,
                   _("%s is an SQLite database of another program (application id %" G_GINT64_FORMAT
                     "), not a Kari store"), path, app_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_at (KariStore  *self,
         GError    **error)
{
  g_autofree char *mode = NULL;
  int fd;

  fd = open (self->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_OPEN, _("Could not create the store %s: %s"),
                   self->path, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  if (!_kari_store_check_header (self->path, error))
    return FALSE;
  self->db = _kari_store_open_db (self->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (self->db == NULL)
    return FALSE;

  mode = pragma_text (self->db, "PRAGMA journal_mode = WAL");
  if (mode == NULL || g_ascii_strcasecmp (mode, "wal") != 0)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CORRUPT,
                   _("The store %s cannot use write-ahead logging: %s"), self->path,
                   mode != NULL ? mode : sqlite3_errmsg (self->db));
      return FALSE;
    }
  if (!_kari_store_check_file (self->db, self->path, error))
    return FALSE;

  /* NORMAL is safe in WAL mode against a crash of the program; the WAL
   * is kept small so the quota is not evaded beside the file. */
  if (!_kari_store_exec (self, "PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 4194304; "
                         "PRAGMA analysis_limit = 1000; PRAGMA recursive_triggers = ON",
                         _("Setting up the store"), error))
    return FALSE;
  if (!_kari_store_begin (self, error))
    return FALSE;
  if (!_kari_store_exec (self, _kari_store_schema_sql, _("Making the store's tables"), error) ||
      !_kari_store_exec (self, "PRAGMA application_id = 1262572105", _("Marking the store"), error) ||
      !_kari_store_commit (self, error))
    {
      _kari_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

static void
close_db (KariStore *self)
{
  if (self->db == NULL)
    return;
  /* A refused file is left as found: no checkpoint into it. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  sqlite3_close (self->db);
  self->db = NULL;
}

/**
 * kari_store_open:
 * @path: the store's file, usually from kari_store_dup_path()
 * @error: return location for a #GError
 *
 * Opens (making it, mode 0600, and its folder, 0700) the store at @path
 * in WAL mode, checks its integrity, and sets up the guard every
 * extension statement runs under. A file that is not a database or
 * fails its check is moved aside as `PATH.corrupt-DATE` (with its -wal
 * and -shm) and a new store is made; kari_store_get_recovered_path()
 * says where it went. A symbolic link at @path is refused.
 *
 * Returns: (transfer full): the store, or %NULL
 */
KariStore *
kari_store_open (const char  *path,
                 GError     **error)
{
  g_autoptr(KariStore) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *folder = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (KARI_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->trusted = TRUE;

  folder = g_path_get_dirname (path);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_OPEN, _("Could not make the folder %s: %s"),
                   folder, g_strerror (saved));
      return NULL;
    }

  if (!open_at (self, &local_error))
    {
      close_db (self);
      if (!g_error_matches (local_error, KARI_STORE_ERROR, KARI_STORE_ERROR_CORRUPT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      /* The caller tells the person, from the recovered path. */
      g_debug ("%s", local_error->message);
      g_clear_error (&local_error);
      self->recovered_path = _kari_registry_move_aside (path, error);
      if (self->recovered_path == NULL || !open_at (self, error))
        return NULL;
    }

  _kari_store_guard_install (self);
  if (!_kari_store_load_views (self, error))
    return NULL;
  self->trusted = FALSE;
  return g_steal_pointer (&self);
}

/**
 * kari_store_get_path:
 * @self: a #KariStore
 *
 * Returns: the store's file
 */
const char *
kari_store_get_path (KariStore *self)
{
  g_return_val_if_fail (KARI_IS_STORE (self), NULL);
  return self->path;
}

/**
 * kari_store_get_recovered_path:
 * @self: a #KariStore
 *
 * Returns: (nullable): where a damaged file found at open was moved, or
 *   %NULL
 */
const char *
kari_store_get_recovered_path (KariStore *self)
{
  g_return_val_if_fail (KARI_IS_STORE (self), NULL);
  return self->recovered_path;
}

/* The page count is the store's size whether its pages sit in the file
 * or in the WAL, so max_page_count bounds both; a write that needs a
 * page past it fails with SQLITE_FULL and its transaction rolls back. */
void
_kari_store_apply_quota (KariStore *self)
{
  gint64 page_size = pragma_int (self->db, "PRAGMA page_size");
  gint64 pages = self->quota_bytes > 0 && page_size > 0
                 ? (gint64) MIN (self->quota_bytes / (guint64) page_size, (guint64) G_MAXUINT32)
                 : 0xfffffffe;
  g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, MAX (pages, 1));

  /* SQLite keeps it at least the current size by itself. */
  sqlite3_exec (self->db, sql, NULL, NULL, NULL);
}

/**
 * kari_store_set_quota:
 * @self: a #KariStore
 * @max_bytes: the most the store may hold, in bytes; 0 for no quota
 *
 * Bounds the store's size. The caller works it out from
 * `resources.max_disk_mb` minus what the extension's /data holds. Past
 * it, writes fail with %KARI_STORE_ERROR_FULL and roll back; nothing
 * already stored is touched. A quota below the current size lets the
 * store shrink but not grow.
 */
void
kari_store_set_quota (KariStore *self,
                      guint64    max_bytes)
{
  g_return_if_fail (KARI_IS_STORE (self));

  g_mutex_lock (&self->lock);
  self->quota_bytes = max_bytes;
  self->trusted = TRUE;
  _kari_store_apply_quota (self);
  self->trusted = FALSE;
  g_mutex_unlock (&self->lock);
}

/**
 * kari_store_get_size:
 * @self: a #KariStore
 *
 * Returns: the store's size in bytes (its pages, wherever they are)
 */
guint64
kari_store_get_size (KariStore *self)
{
  gint64 pages, size;

  g_return_val_if_fail (KARI_IS_STORE (self), 0);

  g_mutex_lock (&self->lock);
  self->trusted = TRUE;
  pages = pragma_int (self->db, "PRAGMA page_count");
  size = pragma_int (self->db, "PRAGMA page_size");
  self->trusted = FALSE;
  g_mutex_unlock (&self->lock);
  return pages > 0 && size > 0 ? (guint64) pages * (guint64) size : 0;
}

/**
 * kari_store_set_limits:
 * @self: a #KariStore
 * @max_msec: the longest an extension's statement may run (2000 by default)
 * @max_rows: the most rows a result may hold (10000 by default)
 * @max_bytes: the most bytes a result may hold as JSON (4 MiB by default)
 *
 * Caps what one call may cost the host. A statement past a cap fails
 * with %KARI_STORE_ERROR_LIMIT and what it wrote is rolled back.
 */
void
kari_store_set_limits (KariStore *self,
                       guint      max_msec,
                       guint      max_rows,
                       gsize      max_bytes)
{
  g_return_if_fail (KARI_IS_STORE (self));
  g_return_if_fail (max_msec > 0 && max_rows > 0 && max_bytes > 0);

  g_mutex_lock (&self->lock);
  self->max_msec = max_msec;
  self->max_rows = max_rows;
  self->max_bytes = max_bytes;
  g_mutex_unlock (&self->lock);
}
