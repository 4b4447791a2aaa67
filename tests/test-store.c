/* test-store.c — KariStore's file, guard, SQL, quota and crashes, on
 * real SQLite files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kari-test-util.h"

typedef struct
{
  char      *dir;
  char      *path;
  KariStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kari_test_tmp_db ("kari-store-XXXXXX", "ext.sqlite", &f->dir, &f->path);
  f->store = kari_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  kari_test_tmp_db_clear (&f->dir, &f->path);
}

/* Runs @sql and expects it to work; returns the JSON result. */
static char *
sql_ok (KariStore  *store,
        const char *sql,
        const char *params)
{
  g_autoptr(GError) error = NULL;
  char *result = kari_store_sql (store, "alice", sql, params, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* Runs @sql and expects the error @code; returns the message. */
static char *
sql_fails (KariStore  *store,
           const char *sql,
           int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *result = kari_store_sql (store, "alice", sql, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, KARI_STORE_ERROR, code);
  return g_strdup (error->message);
}

/* Counts rows of @table with a connection of its own, outside the guard. */
static gint64
raw_count (const char *path,
           const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_path_names (void)
{
  static const char * const bad[] = {
    "", "..", ".hidden", "-x", "a/b", "../escape", "a b", "x\n", "é", "a\\b",
    "0123456789012345678901234567890123456789012345678901234567890123456789",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = kari_store_dup_path ("/stores", "acme", "crm", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "/stores/acme/crm.sqlite");
  g_clear_pointer (&path, g_free);
  path = kari_store_dup_path (NULL, "default", "crm", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (path, "/kari/stores/default/crm.sqlite"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *as_tenant = kari_store_dup_path ("/stores", bad[i], "crm", &error);

      g_assert_null (as_tenant);
      g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "tenant"));
      g_clear_error (&error);
      g_assert_null (kari_store_dup_path ("/stores", "acme", bad[i], &error));
      g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
      g_clear_error (&error);
    }
}

static void
test_open_wal (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *header = NULL;
  g_autofree char *created = NULL;
  gsize length = 0;
  struct stat st;

  created = sql_ok (f->store, "CREATE TABLE t (x)", NULL);
  g_assert_nonnull (strstr (created, "columns"));
  g_assert_cmpint (stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (f->path, &header, &length, NULL));
  g_assert_cmpuint (length, >=, 100);
  /* Bytes 18 and 19 of the header are 2 in WAL mode. */
  g_assert_cmpint (header[18], ==, 2);
  g_assert_cmpint (header[19], ==, 2);
  g_assert_null (kari_store_get_recovered_path (f->store));
}

static void
test_open_corrupt (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariStore) store = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *result = NULL;

  g_clear_object (&f->store);
  g_unlink (f->path);
  g_assert_true (g_file_set_contents (f->path, "this is not a database at all, but someone's bytes", -1, NULL));
  store = kari_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kari_store_get_recovered_path (store));
  g_assert_true (g_file_get_contents (kari_store_get_recovered_path (store), &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "this is not a database at all, but someone's bytes");
  result = sql_ok (store, "SELECT 1 AS one", NULL);
  g_assert_cmpstr (result, ==, "{\"columns\":[\"one\"],\"rows\":[[1]],\"changes\":0}");
}

/* A file with a good header and damaged pages fails its integrity check
 * and is set aside whole, with its WAL. */
static void
test_open_damaged_pages (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariStore) store = NULL;
  g_autofree char *contents = NULL, *kept = NULL;
  gsize length = 0, kept_length = 0;

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *id = g_strdup_printf ("d%u", i);

      g_assert_cmpint (kari_store_put (f->store, NULL, "c", id, "{\"pad\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
                                       -1, &error), ==, 1);
    }
  g_clear_object (&f->store);
  g_assert_true (g_file_get_contents (f->path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 3 * 4096);
  /* Scribble over the second and third pages, keep the header. */
  memset (contents + 4096, 0x5a, 2 * 4096);
  g_assert_true (g_file_set_contents (f->path, contents, length, NULL));

  store = kari_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kari_store_get_recovered_path (store));
  g_assert_true (g_file_get_contents (kari_store_get_recovered_path (store), &kept, &kept_length, NULL));
  g_assert_cmpuint (kept_length, ==, length);
  g_assert_true (memcmp (kept, contents, length) == 0);
  g_assert_null (kari_store_get (store, NULL, "c", "d1", NULL, &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_NOT_FOUND);
}

static void
test_open_symlink (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *link = g_build_filename (f->dir, "link.sqlite", NULL);
  g_autoptr(KariStore) store = NULL;

  g_assert_cmpint (symlink (f->path, link), ==, 0);
  store = kari_store_open (link, &error);
  g_assert_null (store);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_OPEN);
}

static void
test_sql_roundtrip (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *created = sql_ok (f->store, "CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT, "
                                               "score REAL, data BLOB, meta TEXT)", NULL);
  g_autofree char *inserted = sql_ok (f->store, "INSERT INTO notes (title, score, data, meta) VALUES (?, ?, ?, ?)",
                                      "[\"héllo \\\"x\\\"\", 2.5, null, {\"a\": [1, 2]}]");
  g_autofree char *second = sql_ok (f->store, "INSERT INTO notes (title, score, data) VALUES (?, ?, x'00ff')",
                                    "[\"two\", true]");
  g_autofree char *rows = sql_ok (f->store, "SELECT id, title, score, data, meta FROM notes ORDER BY id", "[]");
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = NULL;

  g_assert_cmpstr (inserted, ==, "{\"columns\":[],\"rows\":[],\"changes\":1}");
  g_assert_cmpstr (rows, ==, "{\"columns\":[\"id\",\"title\",\"score\",\"data\",\"meta\"],"
                             "\"rows\":[[1,\"héllo \\\"x\\\"\",2.5,null,\"{\\\"a\\\":[1,2]}\"],"
                             "[2,\"two\",1.0,{\"base64\":\"AP8=\"},null]],\"changes\":0}");

  wrong = kari_store_sql (f->store, NULL, "SELECT ?", "[1, 2]", &error);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "1 parameters but 2 values"));
  g_clear_error (&error);
  g_assert_null (kari_store_sql (f->store, NULL, "SELECT ?", "{\"a\": 1}", &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kari_store_sql (f->store, NULL, "SELECT ?", "[1", &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
}

static void
test_sql_one_statement (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *m1 = NULL, *m2 = NULL;

  g_free (sql_ok (f->store, "CREATE TABLE t (x)", NULL));
  g_free (sql_ok (f->store, "SELECT 1; ", NULL));
  g_free (sql_ok (f->store, "SELECT 1; -- a comment\n /* another */ ;", NULL));
  m1 = sql_fails (f->store, "SELECT 1; DROP TABLE t", KARI_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (m1, "Only one statement"));
  g_assert_cmpint (raw_count (f->path, "t"), ==, 0);
  m2 = sql_fails (f->store, "  -- nothing\n", KARI_STORE_ERROR_INVALID);
  g_free (sql_fails (f->store, "BEGIN", KARI_STORE_ERROR_DENIED));
  g_free (sql_fails (f->store, "SAVEPOINT s", KARI_STORE_ERROR_DENIED));
  g_free (sql_fails (f->store, "COMMIT", KARI_STORE_ERROR_DENIED));
}

static void
test_sql_error_position (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *message = sql_fails (f->store, "SELECT 1,\n  2 FROMM nowhere", KARI_STORE_ERROR_SQL);

  g_assert_nonnull (strstr (message, "line 2, column 11"));
  g_assert_nonnull (strstr (message, "nowhere"));
  g_assert_nonnull (strstr (message, "syntax error"));
}

static void
test_attach_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->dir, "other.sqlite", NULL);
  g_autofree char *attach = g_strdup_printf ("ATTACH DATABASE '%s' AS other", other);
  g_autofree char *vacuum = g_strdup_printf ("VACUUM INTO '%s'", other);
  g_autofree char *message = sql_fails (f->store, attach, KARI_STORE_ERROR_DENIED);

  g_assert_nonnull (strstr (message, "ATTACH"));
  g_free (sql_fails (f->store, "ATTACH ':memory:' AS m", KARI_STORE_ERROR_DENIED));
  g_free (sql_fails (f->store, "DETACH DATABASE temp", KARI_STORE_ERROR_DENIED));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  /* VACUUM INTO attaches its target: no slot for it. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *r = kari_store_sql (f->store, NULL, vacuum, NULL, &error);

    g_assert_null (r);
    g_assert_nonnull (error);
  }
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
}

static void
test_pragmas (Fixture       *f,
              gconstpointer  data)
{
  static const char * const refused[] = {
    "PRAGMA journal_mode = DELETE", "PRAGMA journal_mode", "PRAGMA synchronous = OFF",
    "PRAGMA writable_schema = 1", "PRAGMA trusted_schema = 1", "PRAGMA temp_store_directory = '/tmp'",
    "PRAGMA main.journal_mode = OFF", "PRAGMA temp.table_info(x)", "PRAGMA application_id = 7",
    "PRAGMA max_page_count = 1000000", "PRAGMA cell_size_check = 0", "PRAGMA mmap_size = 1000000",
    "PRAGMA locking_mode = EXCLUSIVE", "PRAGMA foreign_keys = OFF", "PRAGMA query_only = 1",
    "PRAGMA secure_delete = 0", "PRAGMA schema_version = 1", "PRAGMA wal_checkpoint",
  };
  g_autofree char *version = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *message = sql_fails (f->store, refused[i], KARI_STORE_ERROR_DENIED);

      g_assert_nonnull (strstr (message, "PRAGMA"));
    }
  g_free (sql_ok (f->store, "CREATE TABLE t (x INTEGER)", NULL));
  g_free (sql_ok (f->store, "PRAGMA table_info(t)", NULL));
  g_free (sql_ok (f->store, "SELECT * FROM pragma_table_info('t')", NULL));
  g_free (sql_ok (f->store, "PRAGMA user_version = 3", NULL));
  version = sql_ok (f->store, "PRAGMA user_version", NULL);
  g_assert_cmpstr (version, ==, "{\"columns\":[\"user_version\"],\"rows\":[[3]],\"changes\":0}");
  g_free (sql_ok (f->store, "PRAGMA quick_check", NULL));
  g_free (sql_ok (f->store, "PRAGMA application_id", NULL));
}

static void
test_functions (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *message = sql_fails (f->store, "SELECT load_extension('/tmp/evil.so')", KARI_STORE_ERROR_DENIED);

  g_assert_nonnull (strstr (message, "load_extension"));
  g_free (sql_fails (f->store, "SELECT fts3_tokenizer('simple')", KARI_STORE_ERROR_DENIED));
  g_free (sql_ok (f->store, "SELECT json_extract('{\"a\":1}', '$.a'), upper('x'), date('now')", NULL));
}

static void
test_internal_tables (Fixture       *f,
                      gconstpointer  data)
{
  static const char * const refused[] = {
    "SELECT * FROM _kari_documents",
    "SELECT * FROM main._kari_documents",
    "SELECT * FROM _KARI_Documents",
    "SELECT * FROM \"_kari_migrations\"",
    "SELECT (SELECT count(*) FROM _kari_collections)",
    "INSERT INTO _kari_migrations VALUES (99, 'x', 0)",
    "DELETE FROM _kari_documents",
    "UPDATE _kari_documents SET body = '{}'",
    "DROP TABLE _kari_documents",
    "ALTER TABLE _kari_documents RENAME TO mine",
    "CREATE TABLE _kari_mine (x)",
    "CREATE INDEX i ON _kari_documents (id)",
    "CREATE TRIGGER _kari_t AFTER INSERT ON t BEGIN SELECT 1; END",
    "WITH x AS (SELECT * FROM _kari_documents) SELECT * FROM x",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  g_assert_cmpint (kari_store_put (f->store, NULL, "secrets", "one", "{\"pin\": 1234}", -1, &error), ==, 1);
  g_assert_no_error (error);
  g_free (sql_ok (f->store, "CREATE TABLE t (x)", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *why = sql_fails (f->store, refused[i], KARI_STORE_ERROR_DENIED);

      g_assert_nonnull (strstr (why, "_kari_"));
    }

  /* The extension's own view or trigger over our tables does not help. */
  message = kari_store_sql (f->store, NULL, "CREATE VIEW peek AS SELECT body FROM _kari_documents", NULL, &error);
  if (message == NULL)
    g_clear_error (&error);
  else
    g_free (sql_fails (f->store, "SELECT * FROM peek", KARI_STORE_ERROR_DENIED));
  g_clear_pointer (&message, g_free);
  message = kari_store_sql (f->store, NULL, "CREATE TRIGGER steal AFTER INSERT ON t BEGIN "
                            "DELETE FROM _kari_documents; END", NULL, &error);
  if (message == NULL)
    g_clear_error (&error);
  else
    g_free (sql_fails (f->store, "INSERT INTO t VALUES (1)", KARI_STORE_ERROR_DENIED));
  g_assert_cmpint (raw_count (f->path, "_kari_documents"), ==, 1);
  g_assert_cmpint (raw_count (f->path, "t"), ==, 0);
}

static void
test_schema_and_temp (Fixture       *f,
                      gconstpointer  data)
{
  g_free (sql_ok (f->store, "CREATE TABLE t (x)", NULL));
  /* SQLITE_DBCONFIG_DEFENSIVE refuses these. */
  g_free (sql_fails (f->store, "UPDATE sqlite_master SET sql = 'x' WHERE name = 't'", KARI_STORE_ERROR_SQL));
  g_free (sql_fails (f->store, "DELETE FROM sqlite_schema", KARI_STORE_ERROR_SQL));
  g_assert_cmpint (raw_count (f->path, "sqlite_schema WHERE name = 't'"), ==, 1);
  g_free (sql_fails (f->store, "CREATE TEMP TABLE x (y)", KARI_STORE_ERROR_DENIED));
  g_free (sql_fails (f->store, "CREATE TEMP TRIGGER tt AFTER INSERT ON main.t BEGIN SELECT 1; END",
                     KARI_STORE_ERROR_DENIED));
  g_free (sql_fails (f->store, "CREATE TEMP VIEW v AS SELECT 1", KARI_STORE_ERROR_DENIED));
  g_free (sql_fails (f->store, "CREATE TABLE temp.x (y)", KARI_STORE_ERROR_DENIED));
  g_free (sql_fails (f->store, "CREATE VIEW temp.v AS SELECT 1", KARI_STORE_ERROR_DENIED));
  g_free (sql_fails (f->store, "CREATE TRIGGER temp.tt AFTER DELETE ON main.t BEGIN SELECT 1; END",
                     KARI_STORE_ERROR_DENIED));
  g_free (sql_fails (f->store, "CREATE VIRTUAL TABLE temp.s USING fts5(body)", KARI_STORE_ERROR_DENIED));
  g_free (sql_fails (f->store, "CREATE VIRTUAL TABLE v USING csv(filename='/etc/passwd')", KARI_STORE_ERROR_DENIED));
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *r = kari_store_sql (f->store, NULL, "SELECT * FROM sqlite_dbpage", NULL, &error);

    /* Refused by the guard, or absent from this SQLite: never pages. */
    g_assert_null (r);
    g_assert_nonnull (error);
  }
  g_free (sql_ok (f->store, "SELECT name FROM sqlite_schema", NULL));
  g_free (sql_ok (f->store, "ANALYZE", NULL));
  g_free (sql_fails (f->store, "INSERT INTO sqlite_stat1 VALUES ('_kari_documents', NULL, '1')",
                     KARI_STORE_ERROR_DENIED));
  g_free (sql_ok (f->store, "CREATE VIRTUAL TABLE search USING fts5(body)", NULL));
}

static void
test_time_cap (Fixture       *f,
               gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  g_autofree char *message = NULL;

  kari_store_set_limits (f->store, 200, 10000, 1 << 20);
  g_free (sql_ok (f->store, "CREATE TABLE t (x)", NULL));
  message = sql_fails (f->store, "INSERT INTO t WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) "
                                 "SELECT n FROM c", KARI_STORE_ERROR_LIMIT);
  g_assert_nonnull (strstr (message, "200 ms"));
  /* Generous bound: it is a safety net, not a measure. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_assert_cmpint (raw_count (f->path, "t"), ==, 0);
}

static void
test_result_cap (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *rows = NULL, *bytes = NULL;

  kari_store_set_limits (f->store, 2000, 50, 10000);
  g_free (sql_ok (f->store, "CREATE TABLE t (x)", NULL));
  g_free (sql_ok (f->store, "INSERT INTO t WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
                            "LIMIT 100) SELECT n FROM c", NULL));
  rows = sql_fails (f->store, "SELECT x FROM t", KARI_STORE_ERROR_LIMIT);
  g_assert_nonnull (strstr (rows, "50 rows"));
  bytes = sql_fails (f->store, "SELECT printf('%.2000c', 'x') FROM t LIMIT 10", KARI_STORE_ERROR_LIMIT);
  g_assert_nonnull (strstr (bytes, "10000 bytes"));
  /* A write past the cap through RETURNING is rolled back. */
  g_free (sql_fails (f->store, "DELETE FROM t RETURNING x", KARI_STORE_ERROR_LIMIT));
  g_assert_cmpint (raw_count (f->path, "t"), ==, 100);
}

static void
test_quota (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL, *check = NULL;
  gint64 stored = 0;
  guint i;

  g_free (sql_ok (f->store, "CREATE TABLE blobs (n INTEGER, data BLOB)", NULL));
  g_assert_cmpint (kari_store_put (f->store, NULL, "keep", "a", "{\"v\": 1}", -1, &error), ==, 1);
  kari_store_set_quota (f->store, 256 * 1024);
  for (i = 0; i < 1000; i++)
    {
      g_autofree char *params = g_strdup_printf ("[%u]", i);
      g_autofree char *r = kari_store_sql (f->store, NULL, "INSERT INTO blobs VALUES (?, randomblob(8000))",
                                           params, &error);
      if (r == NULL)
        break;
      stored++;
    }
  g_assert_cmpuint (i, <, 1000);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "quota"));
  g_clear_error (&error);
  g_assert_cmpuint (kari_store_get_size (f->store), <=, 256 * 1024);

  /* Documents hit the same wall, and what is stored stays readable. */
  before = kari_store_get (f->store, NULL, "keep", "a", NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GString) big = g_string_new ("{\"pad\": \"");

    for (guint k = 0; k < 200000; k++)
      g_string_append_c (big, 'a' + k % 26);
    g_string_append (big, "\"}");
    g_assert_cmpint (kari_store_put (f->store, NULL, "keep", "a", big->str, 1, &error), ==, 0);
    g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_FULL);
    g_clear_error (&error);
  }
  after = kari_store_get (f->store, NULL, "keep", "a", NULL, &error);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (raw_count (f->path, "blobs"), ==, stored);
  check = sql_ok (f->store, "PRAGMA integrity_check", NULL);
  g_assert_cmpstr (check, ==, "{\"columns\":[\"integrity_check\"],\"rows\":[[\"ok\"]],\"changes\":0}");

  /* Deleting still works, and makes room. */
  g_free (sql_ok (f->store, "DELETE FROM blobs WHERE n < 10", NULL));
  g_free (sql_ok (f->store, "INSERT INTO blobs VALUES (-1, randomblob(8000))", NULL));
  kari_store_set_quota (f->store, 0);
  g_free (sql_ok (f->store, "INSERT INTO blobs SELECT n, randomblob(8000) FROM blobs", NULL));
}

/* ------------------------------------------------------------------ */
/* Crashes                                                             */

/* Forks a child that runs @work on its own store connection until it is
 * killed; the parent kills it with SIGKILL once @ready rows exist in
 * @table (or after a while), and waits for it. */
static void
kill_during (const char  *path,
             void       (*work) (const char *path),
             const char  *marker)
{
  pid_t pid;
  int status = 0;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      work (path);
      _exit (0);
    }
  /* Wait until the child is writing (its marker file exists), then a
   * little more, so the kill lands mid-transaction. */
  while (!g_file_test (marker, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));
  g_usleep (150 * 1000);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
}

static char *marker_path;

static void
work_puts (const char *path)
{
  g_autoptr(KariStore) store = kari_store_open (path, NULL);
  g_autofree char *big = g_strnfill (4000, 'x');

  g_file_set_contents (marker_path, "", 0, NULL);
  for (gint64 i = 0;; i++)
    {
      g_autofree char *id = g_strdup_printf ("doc%" G_GINT64_FORMAT, i % 50);
      g_autofree char *doc = g_strdup_printf ("{\"n\": %" G_GINT64_FORMAT ", \"pad\": \"%s\", \"end\": true}", i, big);

      kari_store_put (store, NULL, "items", id, doc, KARI_STORE_ANY_VERSION, NULL);
      /* and one big statement that the kill may cut in half */
      g_free (kari_store_sql (store, NULL, "INSERT INTO log WITH RECURSIVE c(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM c "
                                                     "LIMIT 2000) SELECT value, ? FROM c", "[1]",
                              NULL));
    }
}

static void
test_kill_write (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *check = NULL, *counts = NULL, *page = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *docs;

  g_free (sql_ok (f->store, "CREATE TABLE log (n INTEGER, batch INTEGER)", NULL));
  g_clear_object (&f->store);
  marker_path = g_build_filename (f->dir, "writing", NULL);
  kill_during (f->path, work_puts, marker_path);
  g_clear_pointer (&marker_path, g_free);

  f->store = kari_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_null (kari_store_get_recovered_path (f->store));
  check = sql_ok (f->store, "PRAGMA integrity_check", NULL);
  g_assert_cmpstr (check, ==, "{\"columns\":[\"integrity_check\"],\"rows\":[[\"ok\"]],\"changes\":0}");
  /* Whole statements only: the log grows 2000 rows at a time. */
  counts = sql_ok (f->store, "SELECT count(*) % 2000 FROM log", NULL);
  g_assert_cmpstr (counts, ==, "{\"columns\":[\"count(*) % 2000\"],\"rows\":[[0]],\"changes\":0}");
  /* Every document is complete. */
  page = kari_store_query (f->store, NULL, "items", "{\"limit\": 1000}", &error);
  g_assert_no_error (error);
  root = json_from_string (page, &error);
  g_assert_no_error (error);
  docs = json_object_get_array_member (json_node_get_object (root), "documents");
  g_assert_cmpuint (json_array_get_length (docs), >, 0);
  for (guint i = 0; i < json_array_get_length (docs); i++)
    {
      JsonObject *doc = json_object_get_object_member (json_array_get_object_element (docs, i), "document");

      g_assert_true (json_object_get_boolean_member (doc, "end"));
      g_assert_cmpuint (strlen (json_object_get_string_member (doc, "pad")), ==, 4000);
    }
}

static char *migrations_dir;

static void
work_migration (const char *path)
{
  g_autoptr(KariStore) store = kari_store_open (path, NULL);

  g_file_set_contents (marker_path, "", 0, NULL);
  kari_store_migrate (store, migrations_dir, NULL, NULL);
}

static void
test_kill_migration (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tables = NULL, *count = NULL;
  guint applied = 0;

  migrations_dir = g_build_filename (f->dir, "migrations", NULL);
  g_free (kari_test_write (migrations_dir, "001_init.sql", "CREATE TABLE a (x);\nINSERT INTO a VALUES (1);\n"));
  g_assert_true (kari_store_migrate (f->store, migrations_dir, &applied, &error));
  g_assert_cmpuint (applied, ==, 1);
  /* A long second migration: a table, then many rows. */
  g_free (kari_test_write (migrations_dir, "002_big.sql",
                           "CREATE TABLE b (x, pad);\n"
                           "INSERT INTO b WITH RECURSIVE c(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM c "
                           "LIMIT 100000000) SELECT value, randomblob(100) FROM c;\n"));
  g_clear_object (&f->store);
  marker_path = g_build_filename (f->dir, "migrating", NULL);
  kill_during (f->path, work_migration, marker_path);
  g_clear_pointer (&marker_path, g_free);

  f->store = kari_store_open (f->path, &error);
  g_assert_no_error (error);
  tables = sql_ok (f->store, "SELECT name FROM sqlite_schema WHERE name IN ('a', 'b') ORDER BY name", NULL);
  g_assert_cmpstr (tables, ==, "{\"columns\":[\"name\"],\"rows\":[[\"a\"]],\"changes\":0}");
  g_assert_cmpint (raw_count (f->path, "_kari_migrations"), ==, 1);

  /* A smaller second migration runs afresh. */
  g_free (kari_test_write (migrations_dir, "002_big.sql",
                           "CREATE TABLE b (x, pad);\nINSERT INTO b WITH RECURSIVE c(value) AS (SELECT 1 UNION ALL "
                           "SELECT value + 1 FROM c LIMIT 10) SELECT value, 0 FROM c;\n"));
  g_assert_true (kari_store_migrate (f->store, migrations_dir, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, 1);
  count = sql_ok (f->store, "SELECT count(*) FROM b", NULL);
  g_assert_cmpstr (count, ==, "{\"columns\":[\"count(*)\"],\"rows\":[[10]],\"changes\":0}");
  g_clear_pointer (&migrations_dir, g_free);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/store/path/names", test_path_names);
  ADD ("open/wal-private", test_open_wal);
  ADD ("open/corrupt-set-aside", test_open_corrupt);
  ADD ("open/damaged-pages-set-aside", test_open_damaged_pages);
  ADD ("open/symlink-refused", test_open_symlink);
  ADD ("sql/roundtrip", test_sql_roundtrip);
  ADD ("sql/one-statement", test_sql_one_statement);
  ADD ("sql/error-position", test_sql_error_position);
  ADD ("sql/attach-refused", test_attach_refused);
  ADD ("sql/pragmas", test_pragmas);
  ADD ("sql/functions", test_functions);
  ADD ("sql/internal-tables-refused", test_internal_tables);
  ADD ("sql/schema-and-temp-refused", test_schema_and_temp);
  ADD ("sql/time-cap", test_time_cap);
  ADD ("sql/result-cap", test_result_cap);
  ADD ("quota/full-keeps-data", test_quota);
  ADD ("kill/during-write", test_kill_write);
  ADD ("kill/during-migration", test_kill_migration);

  return g_test_run ();
}
