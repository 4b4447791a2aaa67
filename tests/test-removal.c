/* test-removal.c — kari-ext remove and tenant deletion, end to end:
 * nothing left behind (every folder walked, every table of the registry
 * searched), --keep-data, and a removal killed at each step and finished
 * by the next command; plus the tenant commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kari-test-cli.h"

#define DECLARED "\"permissions\": [\"data:read\", \"data:write\"]"

static char *
kari_path (Fixture    *f,
           const char *first,
           ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *part;
  va_list args;

  g_ptr_array_add (parts, f->data_home);
  g_ptr_array_add (parts, (gpointer) "kari");
  va_start (args, first);
  for (part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

static void
write_file (const char *path,
            const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
sql_exec (Fixture    *f,
          const char *sql)
{
  g_autofree char *db_path = kari_path (f, "registry.db", NULL);
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* Rows naming @name in any column of any table but the audit log, and
 * the audit log's removal entries for it. */
static guint
count_rows_naming (Fixture    *f,
                   const char *name,
                   guint      *n_audited)
{
  g_autofree char *db_path = kari_path (f, "registry.db", NULL);
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  guint total = 0;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT m.name, c.name FROM sqlite_schema AS m "
                                       "JOIN pragma_table_info (m.name) AS c WHERE m.type = 'table'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);

      if (g_str_equal (table, "audit_log"))
        continue;
      g_ptr_array_add (queries, g_strdup_printf ("SELECT count(*), '%s.%s' FROM \"%s\" WHERE \"%s\" = ?1 "
                                                 "OR \"%s\" LIKE '%%\"' || ?1 || '\"%%'",
                                                 table, sqlite3_column_text (stmt, 1), table,
                                                 sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);

  for (guint i = 0; i < queries->len; i++)
    {
      g_assert_cmpint (sqlite3_prepare_v2 (db, g_ptr_array_index (queries, i), -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      if (sqlite3_column_int (stmt, 0) > 0)
        {
          if (g_test_verbose ())
            g_printerr ("%s holds %s\n", sqlite3_column_text (stmt, 1), name);
          total += sqlite3_column_int (stmt, 0);
        }
      sqlite3_finalize (stmt);
    }

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM audit_log WHERE kind = 'removal' "
                                       "AND (extension = ?1 OR tenant = ?1)", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *n_audited = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return total;
}

/* Every path under @root, relative, sorted, one per line. */
static void
walk (const char *root,
      const char *relative,
      GPtrArray  *out)
{
  g_autofree char *path = relative != NULL ? g_build_filename (root, relative, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = relative != NULL ? g_build_filename (relative, name, NULL) : g_strdup (name);
      g_autofree char *full = g_build_filename (root, child, NULL);

      g_ptr_array_add (out, g_strdup (child));
      if (g_file_test (full, G_FILE_TEST_IS_DIR) && !g_file_test (full, G_FILE_TEST_IS_SYMLINK))
        walk (root, child, out);
    }
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static char *
listing (Fixture    *f,
         const char *sub)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *root = kari_path (f, sub, NULL);

  walk (root, NULL, paths);
  g_ptr_array_sort (paths, compare_paths);
  g_ptr_array_add (paths, NULL);
  return g_strjoinv ("\n", (char **) paths->pdata);
}

/* Paths anywhere under XDG_DATA_HOME whose name mentions @name. */
static guint
count_paths_naming (Fixture    *f,
                    const char *name)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  guint n = 0;

  walk (f->data_home, NULL, paths);
  for (guint i = 0; i < paths->len; i++)
    if (strstr (g_ptr_array_index (paths, i), name) != NULL)
      {
        if (g_test_verbose ())
          g_printerr ("left behind: %s\n", (char *) g_ptr_array_index (paths, i));
        n++;
      }
  return n;
}

/* Installs @name in the user's own extensions folder and gives it
 * something everywhere: stores and /data in two tenants (a folder it
 * made unreadable, a symbolic link out of it), logs, grants,
 * enablement, config, a row in a table added later. */
static void
seed_extension (Fixture    *f,
                const char *name)
{
  g_autofree char *own = kari_path (f, "extensions", NULL);
  g_autofree char *outside = g_build_filename (f->root, "outside.txt", NULL);
  g_autofree char *sqlite_name = g_strconcat (name, ".sqlite", NULL);
  g_autofree char *wal_name = g_strconcat (name, ".sqlite-wal", NULL);
  g_autofree char *log_name = g_strconcat (name, ".log", NULL);
  g_autofree char *old_log_name = g_strconcat (name, ".log.1", NULL);
  g_autofree char *sql = NULL;
  const char * const tenants[] = { "default", "acme" };

  g_free (kari_test_write_extension (own, name, name, "1.0.0", DECLARED));
  write_file (outside, "not the extension's");

  for (guint i = 0; i < G_N_ELEMENTS (tenants); i++)
    {
      g_autofree char *store = kari_path (f, "stores", tenants[i], sqlite_name, NULL);
      g_autofree char *wal = kari_path (f, "stores", tenants[i], wal_name, NULL);
      g_autofree char *file = kari_path (f, "data", tenants[i], name, "docs", "a.txt", NULL);
      g_autofree char *locked = kari_path (f, "data", tenants[i], name, "locked", NULL);
      g_autofree char *locked_file = g_build_filename (locked, "inside", NULL);
      g_autofree char *link = kari_path (f, "data", tenants[i], name, "escape", NULL);

      write_file (store, "SQLite format 3");
      write_file (wal, "wal");
      write_file (file, "data");
      write_file (locked_file, "x");
      g_assert_cmpint (chmod (locked, 0500), ==, 0);
      g_assert_cmpint (symlink (outside, link), ==, 0);
    }
  {
    g_autofree char *log = kari_path (f, "logs", log_name, NULL);
    g_autofree char *old_log = kari_path (f, "logs", old_log_name, NULL);

    write_file (log, "line\n");
    write_file (old_log, "older line\n");
  }

  {
    g_auto(Result) r = run (f, "grant", name, "data:read", "--tenant", "acme");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "grant", name, "data:write");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "disable", name, "--tenant", "acme");
    g_assert_cmpint (r.status, ==, 0);
  }
  sql = g_strdup_printf ("INSERT INTO config VALUES ('%s', 'acme', '{\"colour\": \"blue\"}', 1);"
                         "CREATE TABLE IF NOT EXISTS test_later_table (extension TEXT, tenant TEXT, cron TEXT);"
                         "INSERT INTO test_later_table VALUES ('%s', 'default', '@daily');", name, name);
  sql_exec (f, sql);
}

static void
setup_two (Fixture *f)
{
  g_auto(Result) r = run (f, "tenant", "create", "acme", "--name", "Acme Corp");

  g_assert_cmpint (r.status, ==, 0);
  seed_extension (f, "crm");
  seed_extension (f, "notes");
}

static void
assert_untouched (Fixture    *f,
                  const char *name)
{
  guint n_audited = 99;

  /* 2 tenants × (store, wal, data folder, docs, a.txt, locked, inside,
   * escape) + folder + manifest + 2 logs */
  g_assert_cmpuint (count_paths_naming (f, name), ==, 2 * 8 + 2 + 2);
  g_assert_cmpuint (count_rows_naming (f, name, &n_audited), >, 0);
  g_assert_cmpuint (n_audited, ==, 0);
}

static void
assert_gone (Fixture    *f,
             const char *name,
             gboolean    kept_data)
{
  g_autofree char *outside = g_build_filename (f->root, "outside.txt", NULL);
  g_autofree char *stores = listing (f, "stores");
  g_autofree char *data = listing (f, "data");
  guint n_audited = 0;

  g_assert_cmpuint (count_rows_naming (f, name, &n_audited), ==, 0);
  g_assert_cmpuint (n_audited, ==, 1);
  /* What a symbolic link in its data pointed to is not its own. */
  g_assert_true (g_file_test (outside, G_FILE_TEST_IS_REGULAR));
  if (!kept_data)
    g_assert_cmpuint (count_paths_naming (f, name), ==, 0);
  else
    {
      g_autofree char *own = kari_path (f, "extensions", name, NULL);
      g_autofree char *log_name = g_strconcat (name, ".log", NULL);
      g_autofree char *log = kari_path (f, "logs", log_name, NULL);

      g_assert_false (g_file_test (own, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (log, G_FILE_TEST_EXISTS));
      g_assert_nonnull (strstr (stores, name));
      g_assert_nonnull (strstr (data, name));
    }
}

static void
test_remove_everything (Fixture       *f,
                        gconstpointer  data)
{
  setup_two (f);
  assert_untouched (f, "crm");
  {
    g_auto(Result) r = run (f, "remove", "crm", "--yes", "--json");
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "removed"), ==, "crm");
    g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "kept_data"));
  }
  assert_gone (f, "crm", FALSE);
  assert_untouched (f, "notes");

  /* It is gone for every command, and removing it again says so. */
  {
    g_auto(Result) r = run (f, "remove", "crm", "--yes");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "crm"));
  }
  {
    g_auto(Result) r = run (f, "list", "--json");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_null (strstr (r.out, "\"crm\""));
  }
}

static void
test_remove_keep_data (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *stores_before = NULL, *data_before = NULL;
  g_autofree char *stores_after = NULL, *data_after = NULL;

  setup_two (f);
  stores_before = listing (f, "stores");
  data_before = listing (f, "data");
  {
    g_auto(Result) r = run (f, "remove", "crm", "--yes", "--keep-data");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "kept"));
  }
  stores_after = listing (f, "stores");
  data_after = listing (f, "data");
  /* Exactly the data: every store and /data file stays, nothing else does. */
  g_assert_cmpstr (stores_after, ==, stores_before);
  g_assert_cmpstr (data_after, ==, data_before);
  assert_gone (f, "crm", TRUE);
  assert_untouched (f, "notes");
}

/* An extension whose folder was deleted by hand is forgotten by the
 * catalog, but what it left is still removed by name. */
static void
test_remove_leftovers (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *folder = kari_path (f, "extensions", "crm", NULL);

  setup_two (f);
  kari_test_rm_rf (folder);
  {
    g_auto(Result) r = run (f, "list", "--json");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_null (strstr (r.out, "\"crm\""));
  }
  {
    g_auto(Result) r = run (f, "remove", "crm", "--yes");
    g_assert_cmpint (r.status, ==, 0);
  }
  assert_gone (f, "crm", FALSE);
  assert_untouched (f, "notes");
  {
    /* Nothing left: now it is unknown. */
    g_auto(Result) r = run (f, "remove", "crm", "--yes");
    g_assert_cmpint (r.status, ==, 1);
  }
  {
    g_auto(Result) r = run (f, "remove", "../notes", "--yes");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "not an extension name"));
  }
  assert_untouched (f, "notes");
}

static void
test_remove_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_free (kari_test_write_extension (f->exts, "dev", "dev", "1.0.0", DECLARED));
  setup_two (f);
  {
    /* Development folders are not Kari's to delete. */
    g_auto(Result) r = run (f, "remove", "dev", "--yes");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "KARI_EXTENSIONS_PATH"));
  }
  {
    g_auto(Result) r = run (f, "remove", "nothing-here", "--yes");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "nothing-here"));
  }
  {
    /* No --yes and no answer: nothing happens. */
    g_auto(Result) r = run_input (f, "", "remove", "crm");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "nothing removed"));
  }
  {
    g_auto(Result) r = run_input (f, "n\n", "remove", "crm");
    g_assert_cmpint (r.status, ==, 1);
  }
  {
    g_auto(Result) r = run (f, "remove");
    g_assert_cmpint (r.status, ==, 2);
  }
  assert_untouched (f, "crm");
  {
    g_auto(Result) r = run_input (f, "y\n", "remove", "crm");
    g_assert_cmpint (r.status, ==, 0);
  }
  assert_gone (f, "crm", FALSE);
}

/* Runs kari-ext with KARI_REMOVAL_KILL_AFTER=@step and checks that it
 * died of SIGKILL. */
static void
run_killed (Fixture    *f,
            const char *step,
            ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sys = g_build_filename (f->root, "system", NULL);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("KARI_EXT"));
  va_start (args, step);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "KARI_EXTENSIONS_PATH", f->exts, TRUE);
  g_subprocess_launcher_setenv (launcher, "KARI_PLUGINS_PATH", f->plugins, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", sys, TRUE);
  g_subprocess_launcher_setenv (launcher, "KARI_REMOVAL_KILL_AFTER", step, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (proc));
  g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
}

static void
test_remove_killed_then_resumed (Fixture       *f,
                                 gconstpointer  data)
{
  static const char * const steps[] = { "secrets", "stores", "data", "logs", "folder" };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *stores_before = NULL;
      guint n_audited = 0;

      if (g_test_verbose ())
        g_printerr ("killed after %s\n", steps[i]);
      setup_two (f);
      stores_before = listing (f, "stores");
      run_killed (f, steps[i], "remove", "crm", "--yes", NULL);

      /* Half done: the rows are all still there, and the journal says
       * what is left to do. */
      g_assert_cmpuint (count_rows_naming (f, "crm", &n_audited), >, 0);
      g_assert_cmpuint (n_audited, ==, 0);
      if (i == 0)
        {
          g_autofree char *stores_after = listing (f, "stores");
          g_assert_cmpstr (stores_after, ==, stores_before);
        }
      else
        {
          g_autofree char *stores_after = listing (f, "stores");
          g_assert_null (strstr (stores_after, "crm"));
        }

      /* The next command, whatever it is, finishes it. */
      {
        g_auto(Result) r = run (f, "list");
        g_assert_cmpint (r.status, ==, 0);
        g_assert_nonnull (strstr (r.err, "finished 1 interrupted removal"));
        g_assert_null (strstr (r.out, "crm"));
      }
      assert_gone (f, "crm", FALSE);
      assert_untouched (f, "notes");

      /* Start the next round afresh. */
      {
        g_autofree char *kari = g_build_filename (f->data_home, "kari", NULL);
        g_autofree char *outside = g_build_filename (f->root, "outside.txt", NULL);
        g_auto(Result) r = run (f, "remove", "notes", "--yes");

        g_assert_cmpint (r.status, ==, 0);
        kari_test_rm_rf (kari);
        g_unlink (outside);
      }
    }
}

static void
test_tenant_delete (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *acme_stores = kari_path (f, "stores", "acme", NULL);
  g_autofree char *acme_data = kari_path (f, "data", "acme", NULL);
  g_autofree char *default_store = kari_path (f, "stores", "default", "crm.sqlite", NULL);
  guint n_audited = 0;

  setup_two (f);
  {
    g_auto(Result) r = run (f, "users", "add", "alice", "viewer", "--tenant", "acme");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "tenant", "switch", "acme", "--json");
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    g_assert_true (json_object_get_boolean_member (json_node_get_object (root), "active"));
  }
  {
    /* Every command that takes a tenant now acts in acme by default. */
    g_auto(Result) r = run (f, "permissions", "crm", "--json");
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "tenant"), ==, "acme");
  }
  {
    g_auto(Result) r = run (f, "tenant", "switch", "nowhere");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "nowhere"));
  }
  {
    g_auto(Result) r = run (f, "tenant", "create", "Not/An/Id");
    g_assert_cmpint (r.status, ==, 2);
  }
  {
    g_auto(Result) r = run (f, "grant", "crm", "data:read", "--tenant", "nowhere");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "nowhere"));
  }
  {
    g_auto(Result) r = run (f, "tenant", "delete", "acme", "--yes");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "active"));
  }
  {
    g_auto(Result) r = run (f, "tenant", "delete", "default", "--yes");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "cannot be deleted"));
  }
  {
    g_auto(Result) r = run (f, "tenant", "switch", "default");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "tenant", "delete", "acme", "--yes", "--json");
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "deleted"), ==, "acme");
  }
  g_assert_false (g_file_test (acme_stores, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (acme_data, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (default_store, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_rows_naming (f, "acme", &n_audited), ==, 0);
  g_assert_cmpuint (n_audited, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/removal/everything", test_remove_everything);
  ADD ("/removal/keep-data", test_remove_keep_data);
  ADD ("/removal/refused", test_remove_refused);
  ADD ("/removal/leftovers", test_remove_leftovers);
  ADD ("/removal/killed-then-resumed", test_remove_killed_then_resumed);
  ADD ("/removal/tenant-delete", test_tenant_delete);
#undef ADD

  return g_test_run ();
}
