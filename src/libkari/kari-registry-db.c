/* kari-registry-db.c — opening, checking, migrating and setting aside
 * the registry database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The schema version lives in `PRAGMA user_version`. Each entry of
 * migrations[] takes the database from version i to i + 1 and runs in a
 * transaction of its own, so a crash between two migrations leaves a
 * database at a version we know how to continue from.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kari-registry-private.h"

static const char * const migrations[] = {
  /* 1: installed extensions, every version kept for rollback, and the
   * history of their states. The foreign keys are deferred because an
   * extension and its current version reference each other: both rows
   * are written in the same transaction and checked at COMMIT. */
  "CREATE TABLE extension_versions ("
  "  name           TEXT    NOT NULL"
  "                 REFERENCES extensions (name) ON DELETE CASCADE"
  "                 DEFERRABLE INITIALLY DEFERRED,"
  "  version        TEXT    NOT NULL,"
  "  path           TEXT    NOT NULL,"
  "  manifest       TEXT    NOT NULL,"
  "  installed_usec INTEGER NOT NULL,"
  "  PRIMARY KEY (name, version)"
  ");"
  "CREATE TABLE extensions ("
  "  name           TEXT    NOT NULL PRIMARY KEY CHECK (name <> ''),"
  "  version        TEXT    NOT NULL,"
  "  path           TEXT    NOT NULL,"
  "  manifest       TEXT    NOT NULL,"
  "  state          TEXT    NOT NULL,"
  "  installed_usec INTEGER NOT NULL,"
  "  updated_usec   INTEGER NOT NULL,"
  "  FOREIGN KEY (name, version) REFERENCES extension_versions (name, version)"
  "    DEFERRABLE INITIALLY DEFERRED"
  ");"
  "CREATE TABLE state_history ("
  "  id         INTEGER PRIMARY KEY,"
  "  name       TEXT    NOT NULL"
  "             REFERENCES extensions (name) ON DELETE CASCADE"
  "             DEFERRABLE INITIALLY DEFERRED,"
  "  from_state TEXT    NOT NULL,"
  "  to_state   TEXT    NOT NULL,"
  "  reason     TEXT,"
  "  time_usec  INTEGER NOT NULL"
  ");",

  /* 2: an extension's history is read, and deleted with it, by name;
   * without this index both scan the whole table. */
  "CREATE INDEX state_history_by_name ON state_history (name, id);",

  /* 3: permissions. Grants outlive the extension's versions but not the
   * extension; the audit log outlives both (it is history). Users and
   * roles are per tenant; settings hold the policy choice and retention. */
  "CREATE TABLE grants ("
  "  id                  INTEGER PRIMARY KEY,"
  "  extension           TEXT    NOT NULL,"
  "  tenant              TEXT    NOT NULL,"
  "  user                TEXT,"
  "  permission          TEXT    NOT NULL,"
  "  scope               TEXT    NOT NULL,"
  "  until_usec          INTEGER,"
  "  boot_id             TEXT,"
  "  until_boottime_usec INTEGER,"
  "  granted_by          TEXT    NOT NULL,"
  "  granted_usec        INTEGER NOT NULL"
  ");"
  "CREATE INDEX grants_by_extension ON grants (extension, tenant);"
  "CREATE TABLE roles ("
  "  tenant      TEXT NOT NULL,"
  "  name        TEXT NOT NULL,"
  "  description TEXT,"
  "  PRIMARY KEY (tenant, name)"
  ");"
  "CREATE TABLE tenant_users ("
  "  tenant TEXT NOT NULL,"
  "  user   TEXT NOT NULL,"
  "  role   TEXT NOT NULL,"
  "  PRIMARY KEY (tenant, user, role)"
  ");"
  "CREATE TABLE settings ("
  "  key   TEXT NOT NULL PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE audit_log ("
  "  id         INTEGER PRIMARY KEY,"
  "  time_usec  INTEGER NOT NULL,"
  "  kind       TEXT    NOT NULL,"
  "  extension  TEXT,"
  "  tenant     TEXT,"
  "  user       TEXT,"
  "  permission TEXT,"
  "  resource   TEXT,"
  "  decision   TEXT    NOT NULL,"
  "  cached     INTEGER NOT NULL DEFAULT 0,"
  "  decided_by TEXT,"
  "  detail     TEXT"
  ");"
  "CREATE INDEX audit_by_time ON audit_log (time_usec);"
  "CREATE INDEX audit_by_extension ON audit_log (extension, time_usec);",

  /* 4: the audit log is also read by tenant and by decision (denials),
   * newest first; without these such a query sorts the whole table. */
  ("CREATE INDEX audit_by_tenant ON audit_log (tenant, time_usec);"
   "CREATE INDEX audit_by_decision ON audit_log (decision, time_usec);"),
  /* 5: a grant's id never comes back. Without AUTOINCREMENT, revoking
   * the newest grant frees its id for the next one, and a revoke by a
   * stale id (from a list, an audit entry) would end someone else's
   * grant. */
  "CREATE TABLE grants_new ("
  "  id                  INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  extension           TEXT    NOT NULL,"
  "  tenant              TEXT    NOT NULL,"
  "  user                TEXT,"
  "  permission          TEXT    NOT NULL,"
  "  scope               TEXT    NOT NULL,"
  "  until_usec          INTEGER,"
  "  boot_id             TEXT,"
  "  until_boottime_usec INTEGER,"
  "  granted_by          TEXT    NOT NULL,"
  "  granted_usec        INTEGER NOT NULL"
  ");"
  "INSERT INTO grants_new SELECT * FROM grants;"
  "DROP TABLE grants;"
  "ALTER TABLE grants_new RENAME TO grants;"
  "CREATE INDEX grants_by_extension ON grants (extension, tenant);",
  /* 6: metrics (kari-metrics.c). A raw sample has resolution 0 and
   * samples 1; a rolled row covers [time_usec, time_usec + resolution s).
   * Sums, not means, are kept so that rolling a row into a coarser one
   * and reading it back stay exact. Only rolled rows are unique per
   * bucket: two raw samples may share a microsecond. */
  "CREATE TABLE metrics ("
  "  extension        TEXT    NOT NULL,"
  "  tenant           TEXT    NOT NULL,"
  "  resolution       INTEGER NOT NULL,"
  "  time_usec        INTEGER NOT NULL,"
  "  samples          INTEGER NOT NULL,"
  "  cpu_sum          REAL    NOT NULL,"
  "  cpu_max          REAL    NOT NULL,"
  "  memory_sum       INTEGER NOT NULL,"
  "  memory_max       INTEGER NOT NULL,"
  "  tasks_sum        INTEGER NOT NULL,"
  "  tasks_max        INTEGER NOT NULL,"
  "  calls            INTEGER NOT NULL,"
  "  call_errors      INTEGER NOT NULL,"
  "  call_denied      INTEGER NOT NULL,"
  "  latency_n        INTEGER NOT NULL,"
  "  latency_sum_usec INTEGER NOT NULL,"
  "  latency_max_usec INTEGER NOT NULL"
  ");"
  "CREATE INDEX metrics_by_extension ON metrics (extension, tenant, time_usec);"
  "CREATE INDEX metrics_by_resolution ON metrics (resolution, time_usec);"
  "CREATE UNIQUE INDEX metrics_bucket ON metrics (extension, tenant, resolution, time_usec)"
  "  WHERE resolution > 0;",
  /* 7: tenants, per-tenant enablement ("*" is every tenant; a row for
   * a tenant overrides it), config per extension and tenant (secrets are
   * in the keyring, never here), and the journal of removals in
   * progress, written before the first step so that an interrupted
   * removal is finished on the next open. "default" always exists. */
  "CREATE TABLE tenants ("
  "  id           TEXT    NOT NULL PRIMARY KEY CHECK (id <> '' AND id <> '*'),"
  "  display_name TEXT    NOT NULL,"
  "  created_usec INTEGER NOT NULL"
  ");"
  "INSERT INTO tenants (id, display_name, created_usec) "
  "  VALUES ('default', 'Default', CAST((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));"
  "CREATE TABLE enablement ("
  "  extension    TEXT    NOT NULL,"
  "  tenant       TEXT    NOT NULL,"
  "  enabled      INTEGER NOT NULL,"
  "  changed_usec INTEGER NOT NULL,"
  "  PRIMARY KEY (extension, tenant)"
  ");"
  "CREATE TABLE config ("
  "  extension    TEXT    NOT NULL,"
  "  tenant       TEXT    NOT NULL,"
  "  document     TEXT    NOT NULL,"
  "  updated_usec INTEGER NOT NULL,"
  "  PRIMARY KEY (extension, tenant)"
  ");"
  "CREATE TABLE config_secrets ("
  "  extension    TEXT    NOT NULL,"
  "  tenant       TEXT    NOT NULL,"
  "  key          TEXT    NOT NULL,"
  "  PRIMARY KEY (extension, tenant, key)"
  ");"
  "CREATE TABLE removals ("
  "  id           INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  extension    TEXT,"
  "  tenant       TEXT,"
  "  folder       TEXT,"
  "  keep_data    INTEGER NOT NULL DEFAULT 0,"
  "  actor        TEXT,"
  "  started_usec INTEGER NOT NULL,"
  "  CHECK ((extension IS NULL) <> (tenant IS NULL))"
  ");",
  /* 8: one serial that every change to grants, roles, who holds them or
   * the policy settings bumps, whichever process or hand makes it, so a
   * host that keeps them in memory learns in one read that they are
   * stale (kari-registry-changes.c). */
  "CREATE TABLE permission_changes ("
  "  id     INTEGER PRIMARY KEY CHECK (id = 1),"
  "  serial INTEGER NOT NULL"
  ");"
  "INSERT INTO permission_changes (id, serial) VALUES (1, 0);"
  "CREATE TRIGGER grants_inserted AFTER INSERT ON grants"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;"
  "CREATE TRIGGER grants_updated AFTER UPDATE ON grants"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;"
  "CREATE TRIGGER grants_deleted AFTER DELETE ON grants"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;"
  "CREATE TRIGGER roles_inserted AFTER INSERT ON roles"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;"
  "CREATE TRIGGER roles_updated AFTER UPDATE ON roles"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;"
  "CREATE TRIGGER roles_deleted AFTER DELETE ON roles"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;"
  "CREATE TRIGGER tenant_users_inserted AFTER INSERT ON tenant_users"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;"
  "CREATE TRIGGER tenant_users_updated AFTER UPDATE ON tenant_users"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;"
  "CREATE TRIGGER tenant_users_deleted AFTER DELETE ON tenant_users"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;"
  "CREATE TRIGGER policy_inserted AFTER INSERT ON settings WHEN NEW.key LIKE 'policy.%'"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;"
  "CREATE TRIGGER policy_updated AFTER UPDATE ON settings"
  "  WHEN OLD.key LIKE 'policy.%' OR NEW.key LIKE 'policy.%'"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;"
  "CREATE TRIGGER policy_deleted AFTER DELETE ON settings WHEN OLD.key LIKE 'policy.%'"
  "  BEGIN UPDATE permission_changes SET serial = serial + 1; END;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == KARI_REGISTRY_SCHEMA_VERSION);

int
_kari_registry_error_code_for (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return KARI_REGISTRY_ERROR_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return KARI_REGISTRY_ERROR_CORRUPT;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return KARI_REGISTRY_ERROR_OPEN;
    default:
      return KARI_REGISTRY_ERROR_SQL;
    }
}

void
_kari_registry_set_sqlite_error (GError     **error,
                                 sqlite3     *db,
                                 int          rc,
                                 const char  *doing)
{
  const char *file = db != NULL ? sqlite3_db_filename (db, "main") : NULL;
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  g_set_error (error, KARI_REGISTRY_ERROR, _kari_registry_error_code_for (rc),
               "%s in the registry %s: %s (SQLite error %d)",
               doing, file != NULL && *file != '\0' ? file : "", message, rc);
}

gboolean
_kari_registry_exec (sqlite3     *db,
                     const char  *sql,
                     const char  *doing,
                     GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _kari_registry_set_sqlite_error (error, db, rc, doing);
      return FALSE;
    }
  return TRUE;
}

/* Runs a pragma that answers with one text row and returns that text. */
static char *
pragma_text (sqlite3     *db,
             const char  *sql,
             const char  *doing,
             GError     **error)
{
  g_autofree char *result = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }

  if (rc != SQLITE_OK)
    {
      _kari_registry_set_sqlite_error (error, db, rc, doing);
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_finalize (stmt);
  return result != NULL ? g_steal_pointer (&result) : g_strdup ("");
}

static gboolean
read_user_version (sqlite3     *db,
                   int         *version,
                   GError     **error)
{
  g_autofree char *text = pragma_text (db, "PRAGMA user_version", "Reading the schema version", error);

  if (text == NULL)
    return FALSE;
  *version = (int) g_ascii_strtoll (text, NULL, 10);
  return TRUE;
}

/* Logs that grow with use: a whole check of them would make every open
 * cost time in proportion to months of history (about 150 ms for a
 * million audit rows). Damage there shows as SQLITE_CORRUPT when read. */
static const char * const unchecked_tables[] = { "audit_log", "metrics", NULL };

/* quick_check of every other table and its indexes, so that opening stays
 * as cheap however long the logs grow. */
static gboolean
check_integrity (sqlite3     *db,
                 const char  *path,
                 GError     **error)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                           -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);

      if (name != NULL && !g_strv_contains (unchecked_tables, name))
        g_ptr_array_add (tables, g_strdup (name));
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      _kari_registry_set_sqlite_error (error, db, rc, "Checking integrity");
      return FALSE;
    }
  /* A new file has no tables yet: the header is all there is to check. */
  if (tables->len == 0)
    g_ptr_array_add (tables, NULL);

  for (guint i = 0; i < tables->len; i++)
    {
      const char *table = tables->pdata[i];
      char *sql = table != NULL ? sqlite3_mprintf ("PRAGMA quick_check(\"%w\")", table)
                                : sqlite3_mprintf ("PRAGMA quick_check(1)");
      g_autofree char *result = pragma_text (db, sql, "Checking integrity", error);

      sqlite3_free (sql);
      if (result == NULL)
        return FALSE;
      if (!g_str_equal (result, "ok"))
        {
          g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT,
                       _("The registry %s failed its integrity check: %s"), path, result);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
migrate (sqlite3     *db,
         const char  *path,
         int          from,
         GError     **error)
{
  for (int v = from; v < KARI_REGISTRY_SCHEMA_VERSION; v++)
    {
      g_autofree char *doing = g_strdup_printf ("Upgrading the schema from version %d to %d", v, v + 1);
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", v + 1);
      int now = 0;

      if (!_kari_registry_exec (db, "BEGIN IMMEDIATE", doing, error))
        return FALSE;

      /* Another process may have migrated while we waited for the lock. */
      if (!read_user_version (db, &now, error))
        goto fail;
      if (now > v)
        {
          if (!_kari_registry_exec (db, "COMMIT", doing, error))
            goto fail;
          v = now - 1;
          continue;
        }

      if (!_kari_registry_exec (db, migrations[v], doing, error) ||
          !_kari_registry_exec (db, set_version, doing, error) ||
          !_kari_registry_exec (db, "COMMIT", doing, error))
        goto fail;
      continue;

    fail:
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

/* Creates the file ourselves so that it, and the -wal and -shm files
 * SQLite gives the same mode, are private to the user. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_OPEN,
                   _("Could not create the registry %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* SQLite deletes the -wal and -shm next to a file that is not a
 * database as soon as it looks at it, so such a file is recognised here,
 * before SQLite opens it, to set all three aside intact. */
static gboolean
check_header (const char  *path,
              GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  char header[16];
  ssize_t n;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return TRUE;   /* sqlite3_open_v2 reports it with more context */
  n = read (fd, header, sizeof header);
  close (fd);

  if (n == 0)
    return TRUE;   /* an empty file is a new database */
  if (n != (ssize_t) sizeof header || memcmp (header, magic, sizeof header) != 0)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT,
                   _("The registry %s is not an SQLite database"), path);
      return FALSE;
    }
  return TRUE;
}

/* Whether this process already has @path open (a registry and its audit
 * log share the file). Closing any descriptor of a file drops every
 * POSIX lock the process holds on it, SQLite's included: then another
 * process's last connection closing believes it is the last one and
 * deletes the WAL under our feet, and what we write after that is seen
 * by no one. So a file already open here is not opened and closed again
 * to be created or checked; it was when it was first opened. */
static gboolean
already_open_here (const char *path)
{
  g_autoptr(GDir) fds = NULL;
  struct stat target;
  const char *name;

  if (g_stat (path, &target) != 0 || (fds = g_dir_open ("/proc/self/fd", 0, NULL)) == NULL)
    return FALSE;
  while ((name = g_dir_read_name (fds)) != NULL)
    {
      g_autofree char *link = g_build_filename ("/proc/self/fd", name, NULL);
      struct stat st;

      if (g_stat (link, &st) == 0 && st.st_dev == target.st_dev && st.st_ino == target.st_ino)
        return TRUE;
    }
  return FALSE;
}

/*
 * _kari_registry_db_open:
 *
 * Opens @path (creating it, mode 0600), sets WAL, foreign keys and a busy
 * timeout, checks integrity and brings the schema up to date.
 *
 * Fails with %KARI_REGISTRY_ERROR_CORRUPT when the file is not a
 * database or fails its check, so the caller can set it aside, and with
 * %KARI_REGISTRY_ERROR_SCHEMA when it was written by a newer program.
 */
sqlite3 *
_kari_registry_db_open (const char  *path,
                        int         *schema_version,
                        GError     **error)
{
  g_autofree char *journal_mode = NULL;
  sqlite3 *db = NULL;
  int version = 0;
  int rc;

  if (!already_open_here (path) && (!create_private_file (path, error) || !check_header (path, error)))
    return NULL;

  rc = sqlite3_open_v2 (path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, _kari_registry_error_code_for (rc),
                   "Could not open the registry %s: %s",
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 1);
  /* Another Kari process (the app and kari-ext) may be writing. */
  sqlite3_busy_timeout (db, 10000);

  journal_mode = pragma_text (db, "PRAGMA journal_mode = WAL", "Switching to WAL mode", error);
  if (journal_mode == NULL)
    goto fail;
  if (g_ascii_strcasecmp (journal_mode, "wal") != 0)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_OPEN,
                   _("The registry %s cannot use write-ahead logging (journal mode stays “%s”); "
                   "is it on a network file system?"), path, journal_mode);
      goto fail;
    }

  /* NORMAL is safe in WAL mode: a crash of the program never corrupts the
   * file, a power cut may only lose the last commits. */
  if (!_kari_registry_exec (db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL",
                            "Setting up the connection", error))
    goto fail;

  if (!check_integrity (db, path, error))
    goto fail;

  if (!read_user_version (db, &version, error))
    goto fail;
  if (version > KARI_REGISTRY_SCHEMA_VERSION)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_SCHEMA,
                   _("The registry %s was written by a newer Kari (schema version %d, this "
                   "one knows up to %d): update Kari, or move the file away to start afresh"),
                   path, version, KARI_REGISTRY_SCHEMA_VERSION);
      goto fail;
    }
  if (version < 0)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT,
                   _("The registry %s has an impossible schema version %d"), path, version);
      goto fail;
    }

  if (!migrate (db, path, version, error))
    goto fail;

  if (schema_version != NULL)
    *schema_version = KARI_REGISTRY_SCHEMA_VERSION;
  return db;

fail:
  /* Closing the last connection would checkpoint the WAL into the file
   * and delete it; a database being refused is left exactly as found. */
  sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  sqlite3_close (db);
  return NULL;
}

static gboolean
move_if_exists (const char  *from,
                const char  *to,
                GError     **error)
{
  if (g_rename (from, to) == 0)
    return TRUE;
  if (errno == ENOENT)
    return TRUE;

  {
    int saved_errno = errno;

    g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT,
                 _("Could not move the corrupt registry file %s aside to %s: %s"),
                 from, to, g_strerror (saved_errno));
  }
  return FALSE;
}

/*
 * _kari_registry_move_aside:
 *
 * Renames @path, and its -wal and -shm files, to
 * `@path.corrupt-YYYYMMDD-HHMMSS` (with `-N` added when that is taken).
 * Nothing is ever deleted: the file may still hold what a person needs.
 *
 * Returns: the new path of the database file
 */
char *
_kari_registry_move_aside (const char  *path,
                           GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = NULL;
  static const char * const companions[] = { "-wal", "-shm" };

  for (guint n = 0; target == NULL; n++)
    {
      g_autofree char *candidate = n == 0
        ? g_strdup_printf ("%s.corrupt-%s", path, stamp)
        : g_strdup_printf ("%s.corrupt-%s-%u", path, stamp, n);
      g_autofree char *wal = g_strconcat (candidate, "-wal", NULL);
      g_autofree char *shm = g_strconcat (candidate, "-shm", NULL);

      if (!g_file_test (candidate, G_FILE_TEST_EXISTS) &&
          !g_file_test (wal, G_FILE_TEST_EXISTS) &&
          !g_file_test (shm, G_FILE_TEST_EXISTS))
        target = g_steal_pointer (&candidate);
    }

  /* The companions first: a -wal left at @path by an interruption would
   * be replayed into the new database made there. */
  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *from = g_strconcat (path, companions[i], NULL);
      g_autofree char *to = g_strconcat (target, companions[i], NULL);

      if (!move_if_exists (from, to, error))
        return NULL;
    }
  if (!move_if_exists (path, target, error))
    return NULL;

  return g_steal_pointer (&target);
}
