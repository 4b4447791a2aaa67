/* test-registry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run as `test-registry --child-writer PATH`, this binary is the writer
 * the crash-safety test kills at random moments.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kari-registry.h"
#include "kari-test-sql.h"
#include "kari-test-util.h"

typedef struct
{
  char *dir;
  char *path;   /* dir/data/kari/registry.db: the parents do not exist yet */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  kari_test_tmp_db ("kari-registry-XXXXXX", "data/kari/registry.db", &f->dir, &f->path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  kari_test_rm_rf (f->dir);
  g_assert_false (g_file_test (f->dir, G_FILE_TEST_EXISTS));
  g_free (f->dir);
  g_free (f->path);
}

static KariRegistry *
open_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  KariRegistry *registry = kari_registry_open (path, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (registry);
  return registry;
}

static char *
manifest_for (const char *name,
              const char *version)
{
  return g_strdup_printf ("{\"name\":\"%s\",\"version\":\"%s\",\"type\":\"addon\"}", name, version);
}

static void
install_ok (KariRegistry *registry,
            const char   *name,
            const char   *version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("/ext/%s/%s", name, version);
  g_autofree char *json = manifest_for (name, version);

  g_assert_true (kari_registry_install_values (registry, name, version, path, json, NULL, &error));
  g_assert_no_error (error);
}

static void
set_state_ok (KariRegistry *registry,
              const char   *name,
              KariState     state)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kari_registry_set_state (registry, name, state, "test", &error));
  g_assert_no_error (error);
}

/* Checks the invariants no crash may break. */
static void
assert_consistent (const char *path)
{
  g_autofree char *check = sql_text (path, "PRAGMA quick_check");

  g_assert_cmpstr (check, ==, "ok");
  /* every extension has its current version kept … */
  g_assert_cmpint (sql_int (path,
    "SELECT count(*) FROM extensions e WHERE NOT EXISTS "
    "(SELECT 1 FROM extension_versions v WHERE v.name = e.name AND v.version = e.version)"), ==, 0);
  /* … a history that ends in its state … */
  g_assert_cmpint (sql_int (path,
    "SELECT count(*) FROM extensions e WHERE e.state IS NOT "
    "(SELECT to_state FROM state_history h WHERE h.name = e.name ORDER BY id DESC LIMIT 1)"), ==, 0);
  /* … and nothing outlives its extension */
  g_assert_cmpint (sql_int (path,
    "SELECT count(*) FROM extension_versions v WHERE NOT EXISTS "
    "(SELECT 1 FROM extensions e WHERE e.name = v.name)"), ==, 0);
  g_assert_cmpint (sql_int (path,
    "SELECT count(*) FROM state_history h WHERE NOT EXISTS "
    "(SELECT 1 FROM extensions e WHERE e.name = h.name)"), ==, 0);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
}

static void
test_open_creates (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autofree char *mode = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpstr (kari_registry_get_path (registry), ==, f->path);
  g_assert_null (kari_registry_get_recovered_path (registry));
  g_assert_cmpint (kari_registry_get_schema_version (registry), ==, KARI_REGISTRY_SCHEMA_VERSION);
  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), ==, KARI_REGISTRY_SCHEMA_VERSION);

  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  mode = sql_text (f->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");

  list = kari_registry_list (registry, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_default_path (void)
{
  g_autofree char *path = kari_registry_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "kari", "registry.db", NULL);
  g_autoptr(KariRegistry) registry = NULL;

  g_assert_cmpstr (path, ==, expected);

  /* main() points XDG_DATA_HOME at a temporary folder */
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));
  registry = open_ok (NULL);
  g_assert_cmpstr (kari_registry_get_path (registry), ==, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
}

static void
test_open_unwritable (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autofree char *file = g_build_filename (f->dir, "plain-file", NULL);
  g_autofree char *path = g_build_filename (file, "registry.db", NULL);

  /* a file where the folder should be */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  registry = kari_registry_open (path, NULL, NULL, &error);
  g_assert_null (registry);
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, file));
}

static void
test_install_lookup (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(KariRegistryEntry) copy = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = g_get_real_time ();

  install_ok (registry, "advanced-analytics", "1.2.0");

  entry = kari_registry_lookup (registry, "advanced-analytics", &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->name, ==, "advanced-analytics");
  g_assert_cmpstr (entry->version, ==, "1.2.0");
  g_assert_cmpstr (entry->path, ==, "/ext/advanced-analytics/1.2.0");
  g_assert_cmpstr (entry->manifest_json, ==,
                   "{\"name\":\"advanced-analytics\",\"version\":\"1.2.0\",\"type\":\"addon\"}");
  g_assert_cmpint (entry->state, ==, KARI_STATE_INSTALLED);
  g_assert_cmpint (entry->installed_usec, >=, before);
  g_assert_cmpint (entry->updated_usec, ==, entry->installed_usec);
  g_assert_true (entry->is_current);

  copy = g_boxed_copy (KARI_TYPE_REGISTRY_ENTRY, entry);
  g_assert_cmpstr (copy->manifest_json, ==, entry->manifest_json);
  g_assert_true (copy->name != entry->name);

  g_assert_null (kari_registry_lookup (registry, "advanced", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“advanced”"));
}

static void
test_install_invalid (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_false (kari_registry_install_values (registry, "", "1.0.0", "/x", "{}", NULL, &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kari_registry_install_values (registry, "x", "", "/x", "{}", NULL, &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);

  list = kari_registry_list (registry, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  static const char * const names[] = { "zeta", "alpha", "mid" };
  static const char * const sorted[] = { "alpha", "mid", "zeta" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    install_ok (registry, names[i], "0.1.0");

  list = kari_registry_list (registry, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  for (guint i = 0; i < list->len; i++)
    {
      KariRegistryEntry *e = g_ptr_array_index (list, i);
      g_assert_cmpstr (e->name, ==, sorted[i]);
      g_assert_cmpstr (e->version, ==, "0.1.0");
    }
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;

  install_ok (registry, "gone", "1.0.0");
  install_ok (registry, "gone", "2.0.0");
  install_ok (registry, "stays", "1.0.0");

  g_assert_true (kari_registry_remove (registry, "gone", "no longer wanted", &error));
  g_assert_no_error (error);

  entry = kari_registry_lookup (registry, "gone", &error);
  g_assert_null (entry);
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* every row that belonged to it went with it */
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM extension_versions WHERE name = 'gone'"), ==, 0);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM state_history WHERE name = 'gone'"), ==, 0);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM extension_versions WHERE name = 'stays'"), ==, 1);

  history = kari_registry_get_history (registry, "gone", &error);
  g_assert_null (history);
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (kari_registry_remove (registry, "gone", NULL, &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  assert_consistent (f->path);
}

static void
test_remove_running_refused (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  install_ok (registry, "busy", "1.0.0");
  set_state_ok (registry, "busy", KARI_STATE_ENABLED);
  set_state_ok (registry, "busy", KARI_STATE_STARTING);
  set_state_ok (registry, "busy", KARI_STATE_RUNNING);

  g_assert_false (kari_registry_remove (registry, "busy", NULL, &error));
  g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION);
  g_assert_cmpstr (error->message, ==, "Cannot remove busy: cannot remove it while it is running: stop it first");

  entry = kari_registry_lookup (registry, "busy", NULL);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->state, ==, KARI_STATE_RUNNING);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM state_history WHERE name = 'busy'"), ==, 4);
}

static void
assert_history (KariRegistry    *registry,
                const char      *name,
                const KariState *expected,
                guint            n_expected)
{
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  gint64 last = 0;

  history = kari_registry_get_history (registry, name, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, n_expected - 1);
  for (guint i = 0; i < history->len; i++)
    {
      KariTransition *t = g_ptr_array_index (history, i);

      g_assert_cmpstr (kari_state_to_string (t->from), ==, kari_state_to_string (expected[i]));
      g_assert_cmpstr (kari_state_to_string (t->to), ==, kari_state_to_string (expected[i + 1]));
      g_assert_cmpint (t->time_usec, >=, last);
      last = t->time_usec;
    }
}

static void
test_versions_kept (Fixture       *f,
                    gconstpointer  data)
{
  static const KariState expected[] = {
    KARI_STATE_RESOLVED, KARI_STATE_INSTALLED,
    KARI_STATE_UPDATING, KARI_STATE_INSTALLED,
    KARI_STATE_ENABLED,
    KARI_STATE_UPDATING, KARI_STATE_INSTALLED,
  };
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  static const char * const order[] = { "1.0.0", "1.1.0", "2.0.0" };

  install_ok (registry, "ext", "1.0.0");
  install_ok (registry, "ext", "1.1.0");
  set_state_ok (registry, "ext", KARI_STATE_ENABLED);
  install_ok (registry, "ext", "2.0.0");

  entry = kari_registry_lookup (registry, "ext", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (entry->version, ==, "2.0.0");
  g_assert_cmpstr (entry->path, ==, "/ext/ext/2.0.0");
  g_assert_cmpint (entry->state, ==, KARI_STATE_INSTALLED);
  g_assert_cmpint (entry->updated_usec, >=, entry->installed_usec);

  versions = kari_registry_list_versions (registry, "ext", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 3);
  for (guint i = 0; i < versions->len; i++)
    {
      KariRegistryEntry *v = g_ptr_array_index (versions, i);
      g_autofree char *path = g_strdup_printf ("/ext/ext/%s", order[i]);
      g_autofree char *json = manifest_for ("ext", order[i]);

      g_assert_cmpstr (v->name, ==, "ext");
      g_assert_cmpstr (v->version, ==, order[i]);
      g_assert_cmpstr (v->path, ==, path);
      g_assert_cmpstr (v->manifest_json, ==, json);
      g_assert_cmpint (v->is_current, ==, i == 2);
    }

  assert_history (registry, "ext", expected, G_N_ELEMENTS (expected));
  history = kari_registry_get_history (registry, "ext", &error);
  g_assert_cmpstr (((KariTransition *) history->pdata[0])->reason, ==, "installed 1.0.0");
  g_assert_cmpstr (((KariTransition *) history->pdata[1])->reason, ==, "updated from 1.0.0 to 1.1.0");
  g_assert_cmpstr (((KariTransition *) history->pdata[5])->reason, ==, "updated from 1.1.0 to 2.0.0");

  /* installing a kept version again replaces its path, keeps one row */
  g_assert_true (kari_registry_install_values (registry, "ext", "1.1.0", "/elsewhere", "{}", "repair", &error));
  g_assert_no_error (error);
  g_clear_pointer (&versions, g_ptr_array_unref);
  versions = kari_registry_list_versions (registry, "ext", &error);
  g_assert_cmpuint (versions->len, ==, 3);
  g_clear_pointer (&entry, kari_registry_entry_free);
  entry = kari_registry_lookup (registry, "ext", &error);
  g_assert_cmpstr (entry->version, ==, "1.1.0");
  g_assert_cmpstr (entry->path, ==, "/elsewhere");

  g_assert_null (kari_registry_list_versions (registry, "nope", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  assert_consistent (f->path);
}

static void
test_update_running_refused (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;

  install_ok (registry, "ext", "1.0.0");
  set_state_ok (registry, "ext", KARI_STATE_ENABLED);
  set_state_ok (registry, "ext", KARI_STATE_STARTING);
  set_state_ok (registry, "ext", KARI_STATE_RUNNING);

  g_assert_false (kari_registry_install_values (registry, "ext", "2.0.0", "/new", "{}", NULL, &error));
  g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION);
  g_assert_cmpstr (error->message, ==,
                   "Cannot change the version of ext: cannot go from running to updating: stop it first");

  /* nothing of 2.0.0 was kept */
  entry = kari_registry_lookup (registry, "ext", NULL);
  g_assert_cmpstr (entry->version, ==, "1.0.0");
  g_assert_cmpint (entry->state, ==, KARI_STATE_RUNNING);
  versions = kari_registry_list_versions (registry, "ext", NULL);
  g_assert_cmpuint (versions->len, ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM state_history"), ==, 4);
}

/* A caller that moved the extension to updating itself (while it
 * replaced the files) finishes with an install: only updating →
 * installed is added. */
static void
test_install_while_updating (Fixture       *f,
                             gconstpointer  data)
{
  static const KariState expected[] = {
    KARI_STATE_RESOLVED, KARI_STATE_INSTALLED, KARI_STATE_UPDATING, KARI_STATE_INSTALLED,
  };
  g_autoptr(KariRegistry) registry = open_ok (f->path);

  install_ok (registry, "ext", "1.0.0");
  set_state_ok (registry, "ext", KARI_STATE_UPDATING);
  install_ok (registry, "ext", "1.0.1");
  assert_history (registry, "ext", expected, G_N_ELEMENTS (expected));
}

static void
test_rollback (Fixture       *f,
               gconstpointer  data)
{
  static const KariState expected[] = {
    KARI_STATE_RESOLVED, KARI_STATE_INSTALLED,
    KARI_STATE_UPDATING, KARI_STATE_INSTALLED,
    KARI_STATE_DISABLED,
    KARI_STATE_UPDATING, KARI_STATE_INSTALLED,
  };
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;

  install_ok (registry, "ext", "1.0.0");
  install_ok (registry, "ext", "2.0.0");
  set_state_ok (registry, "ext", KARI_STATE_DISABLED);

  g_assert_true (kari_registry_rollback (registry, "ext", "1.0.0", &error));
  g_assert_no_error (error);

  entry = kari_registry_lookup (registry, "ext", &error);
  g_assert_cmpstr (entry->version, ==, "1.0.0");
  g_assert_cmpstr (entry->path, ==, "/ext/ext/1.0.0");
  g_assert_cmpstr (entry->manifest_json, ==, "{\"name\":\"ext\",\"version\":\"1.0.0\",\"type\":\"addon\"}");
  g_assert_cmpint (entry->state, ==, KARI_STATE_INSTALLED);

  /* the newer version is still kept, so the rollback can be undone */
  versions = kari_registry_list_versions (registry, "ext", &error);
  g_assert_cmpuint (versions->len, ==, 2);
  g_assert_true (((KariRegistryEntry *) versions->pdata[0])->is_current);
  g_assert_false (((KariRegistryEntry *) versions->pdata[1])->is_current);

  assert_history (registry, "ext", expected, G_N_ELEMENTS (expected));
  history = kari_registry_get_history (registry, "ext", &error);
  g_assert_cmpstr (((KariTransition *) history->pdata[history->len - 1])->reason, ==,
                   "rolled back from 2.0.0 to 1.0.0");

  g_assert_true (kari_registry_rollback (registry, "ext", "2.0.0", &error));
  g_assert_no_error (error);
  g_clear_pointer (&entry, kari_registry_entry_free);
  entry = kari_registry_lookup (registry, "ext", &error);
  g_assert_cmpstr (entry->version, ==, "2.0.0");
  assert_consistent (f->path);
}

static void
test_rollback_refused (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  gint64 history_rows;

  install_ok (registry, "ext", "1.0.0");
  install_ok (registry, "ext", "2.0.0");
  history_rows = sql_int (f->path, "SELECT count(*) FROM state_history");

  g_assert_false (kari_registry_rollback (registry, "ext", "0.9.0", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "never installed"));
  g_clear_error (&error);

  g_assert_false (kari_registry_rollback (registry, "ext", "2.0.0", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (kari_registry_rollback (registry, "other", "1.0.0", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  set_state_ok (registry, "ext", KARI_STATE_ENABLED);
  set_state_ok (registry, "ext", KARI_STATE_STARTING);
  history_rows += 2;
  g_assert_false (kari_registry_rollback (registry, "ext", "1.0.0", &error));
  g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION);
  g_assert_nonnull (strstr (error->message, "stop it first"));

  entry = kari_registry_lookup (registry, "ext", NULL);
  g_assert_cmpstr (entry->version, ==, "2.0.0");
  g_assert_cmpint (entry->state, ==, KARI_STATE_STARTING);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM state_history"), ==, history_rows);
}

static void
test_state_history (Fixture       *f,
                    gconstpointer  data)
{
  static const KariState line[] = {
    KARI_STATE_RESOLVED, KARI_STATE_INSTALLED, KARI_STATE_ENABLED, KARI_STATE_STARTING,
    KARI_STATE_RUNNING, KARI_STATE_CRASHED, KARI_STATE_STARTING, KARI_STATE_RUNNING,
    KARI_STATE_STOPPING, KARI_STATE_STOPPED, KARI_STATE_DISABLED,
  };
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  install_ok (registry, "ext", "1.0.0");
  for (guint i = 2; i < G_N_ELEMENTS (line); i++)
    {
      g_autofree char *reason = g_strdup_printf ("step %u", i);

      g_assert_true (kari_registry_set_state (registry, "ext", line[i], reason, &error));
      g_assert_no_error (error);
    }

  assert_history (registry, "ext", line, G_N_ELEMENTS (line));
  history = kari_registry_get_history (registry, "ext", &error);
  for (guint i = 1; i < history->len; i++)
    {
      g_autofree char *reason = g_strdup_printf ("step %u", i + 1);
      g_assert_cmpstr (((KariTransition *) history->pdata[i])->reason, ==, reason);
    }

  entry = kari_registry_lookup (registry, "ext", &error);
  g_assert_cmpint (entry->state, ==, KARI_STATE_DISABLED);
  g_assert_cmpint (entry->updated_usec, >=, entry->installed_usec);

  /* a NULL reason is kept as none */
  set_state_ok (registry, "ext", KARI_STATE_ENABLED);
  g_assert_true (kari_registry_set_state (registry, "ext", KARI_STATE_DISABLED, NULL, &error));
  g_clear_pointer (&history, g_ptr_array_unref);
  history = kari_registry_get_history (registry, "ext", &error);
  g_assert_null (((KariTransition *) history->pdata[history->len - 1])->reason);
}

static void
test_state_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;

  install_ok (registry, "ext", "1.0.0");

  g_assert_false (kari_registry_set_state (registry, "ext", KARI_STATE_RUNNING, "skip ahead", &error));
  g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION);
  g_assert_cmpstr (error->message, ==, "ext: cannot go from installed to running: enable it first");
  g_clear_error (&error);

  g_assert_false (kari_registry_set_state (registry, "ext", KARI_STATE_INSTALLED, NULL, &error));
  g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);

  g_assert_false (kari_registry_set_state (registry, "ghost", KARI_STATE_ENABLED, NULL, &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* nothing recorded */
  entry = kari_registry_lookup (registry, "ext", &error);
  g_assert_cmpint (entry->state, ==, KARI_STATE_INSTALLED);
  g_assert_cmpint (entry->updated_usec, ==, entry->installed_usec);
  history = kari_registry_get_history (registry, "ext", &error);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM state_history"), ==, 1);
}

static void
test_persists (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(KariRegistry) second = NULL;
  g_autoptr(KariRegistryEntry) entry = NULL;

  {
    g_autoptr(KariRegistry) first = open_ok (f->path);
    install_ok (first, "ext", "1.0.0");
    set_state_ok (first, "ext", KARI_STATE_ENABLED);
  }

  second = open_ok (f->path);
  entry = kari_registry_lookup (second, "ext", NULL);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->state, ==, KARI_STATE_ENABLED);
  g_assert_null (kari_registry_get_recovered_path (second));
}

static void
test_schema_newer (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  sql_exec (f->path, "CREATE TABLE future (x); PRAGMA user_version = 99");

  registry = kari_registry_open (f->path, NULL, NULL, &error);
  g_assert_null (registry);
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_SCHEMA);
  g_assert_nonnull (strstr (error->message, "schema version 99"));
  g_assert_nonnull (strstr (error->message, f->path));

  /* left where it is, untouched */
  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), ==, 99);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_schema WHERE name = 'future'"), ==, 1);
}

/* The schema as version 1 wrote it, data included. */
static const char v1_schema[] =
  "CREATE TABLE extension_versions ("
  "  name TEXT NOT NULL REFERENCES extensions (name) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,"
  "  version TEXT NOT NULL, path TEXT NOT NULL, manifest TEXT NOT NULL,"
  "  installed_usec INTEGER NOT NULL, PRIMARY KEY (name, version));"
  "CREATE TABLE extensions ("
  "  name TEXT NOT NULL PRIMARY KEY CHECK (name <> ''), version TEXT NOT NULL, path TEXT NOT NULL,"
  "  manifest TEXT NOT NULL, state TEXT NOT NULL, installed_usec INTEGER NOT NULL,"
  "  updated_usec INTEGER NOT NULL,"
  "  FOREIGN KEY (name, version) REFERENCES extension_versions (name, version)"
  "  DEFERRABLE INITIALLY DEFERRED);"
  "CREATE TABLE state_history ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL REFERENCES extensions (name) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,"
  "  from_state TEXT NOT NULL, to_state TEXT NOT NULL, reason TEXT, time_usec INTEGER NOT NULL);"
  "INSERT INTO extension_versions VALUES ('old', '0.1.0', '/old', '{}', 10);"
  "INSERT INTO extensions VALUES ('old', '0.1.0', '/old', '{}', 'enabled', 10, 20);"
  "INSERT INTO state_history (name, from_state, to_state, reason, time_usec) "
  "  VALUES ('old', 'resolved', 'installed', 'installed 0.1.0', 10),"
  "         ('old', 'installed', 'enabled', NULL, 20);"
  "PRAGMA user_version = 1;";

static void
test_schema_migrate (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  sql_exec (f->path, v1_schema);
  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), ==, 1);

  registry = open_ok (f->path);
  g_assert_cmpint (kari_registry_get_schema_version (registry), ==, KARI_REGISTRY_SCHEMA_VERSION);
  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), ==, KARI_REGISTRY_SCHEMA_VERSION);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_schema "
                                     "WHERE type = 'index' AND name = 'state_history_by_name'"), ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_schema "
                                     "WHERE type = 'table' AND name IN "
                                     "('grants', 'roles', 'tenant_users', 'settings', 'audit_log')"), ==, 5);
  g_assert_null (kari_registry_get_recovered_path (registry));

  entry = kari_registry_lookup (registry, "old", &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry->state, ==, KARI_STATE_ENABLED);
  history = kari_registry_get_history (registry, "old", &error);
  g_assert_cmpuint (history->len, ==, 2);

  set_state_ok (registry, "old", KARI_STATE_STARTING);
  install_ok (registry, "new", "1.0.0");
  assert_consistent (f->path);
}

static gboolean
rebuild_cb (KariRegistry  *registry,
            gpointer       user_data,
            GError       **error)
{
  guint *calls = user_data;

  (*calls)++;
  return kari_registry_install_values (registry, "rebuilt", "3.0.0", "/ext/rebuilt", "{}",
                                       "found installed while rebuilding the registry", error);
}

static gboolean
rebuild_fails_cb (KariRegistry  *registry,
                  gpointer       user_data,
                  GError       **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "cannot read the extensions folder");
  return FALSE;
}

/* Creates a real registry with enough rows to span many pages. */
static void
make_real_registry (const char *path)
{
  g_autoptr(KariRegistry) registry = open_ok (path);
  g_autofree char *padding = g_strnfill (2000, 'p');

  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *name = g_strdup_printf ("ext-%02u", i);
      g_autofree char *json = g_strdup_printf ("{\"name\":\"%s\",\"pad\":\"%s\"}", name, padding);

      g_assert_true (kari_registry_install_values (registry, name, "1.0.0", "/p", json, NULL, NULL));
    }
}

static void
read_file (const char  *path,
           char       **contents,
           gsize       *length)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, contents, length, &error));
  g_assert_no_error (error);
}

/* Opens @path, expects it set aside with @expected_contents, and rebuilt. */
static void
assert_recovered (Fixture    *f,
                  const char *expected_contents,
                  gsize       expected_length)
{
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *prefix = g_strconcat (f->path, ".corrupt-", NULL);
  gsize moved_length;
  guint calls = 0;
  const char *recovered;

  registry = kari_registry_open (f->path, rebuild_cb, &calls, &error);
  g_assert_no_error (error);
  g_assert_nonnull (registry);
  g_assert_cmpuint (calls, ==, 1);

  recovered = kari_registry_get_recovered_path (registry);
  g_assert_nonnull (recovered);
  g_assert_true (g_str_has_prefix (recovered, prefix));
  /* YYYYMMDD-HHMMSS */
  g_assert_cmpuint (strlen (recovered), >=, strlen (prefix) + 15);
  g_assert_true (g_ascii_isdigit (recovered[strlen (prefix)]));
  g_assert_cmpint (recovered[strlen (prefix) + 8], ==, '-');

  /* moved, byte for byte, never deleted */
  read_file (recovered, &moved, &moved_length);
  g_assert_cmpmem (moved, moved_length, expected_contents, expected_length);

  list = kari_registry_list (registry, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((KariRegistryEntry *) list->pdata[0])->name, ==, "rebuilt");
  assert_consistent (f->path);
}

static void
test_corrupt_garbage (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);
  g_autofree char *garbage = g_strnfill (10000, 'G');
  g_autoptr(KariRegistry) again = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint corrupt_files = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->path, garbage, 10000, NULL));
  g_assert_true (g_file_set_contents (wal, "stale wal", -1, NULL));
  g_assert_true (g_file_set_contents (shm, "stale shm", -1, NULL));

  assert_recovered (f, garbage, 10000);

  /* the -wal and -shm went along, under the same new name */
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      if (strstr (name, ".corrupt-") == NULL)
        continue;
      corrupt_files++;
      if (g_str_has_suffix (name, "-wal"))
        {
          g_autofree char *p = g_build_filename (dir, name, NULL);
          g_autofree char *contents = NULL;

          g_assert_true (g_file_get_contents (p, &contents, NULL, NULL));
          g_assert_cmpstr (contents, ==, "stale wal");
        }
    }
  g_assert_cmpuint (corrupt_files, ==, 3);

  /* a sound registry is not set aside again */
  again = open_ok (f->path);
  g_assert_null (kari_registry_get_recovered_path (again));
}

static void
test_corrupt_pages (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *contents = NULL;
  gsize length;

  make_real_registry (f->path);
  read_file (f->path, &contents, &length);
  g_assert_cmpuint (length, >, 4096 * 8);

  /* keep the header page, scribble over every table page */
  for (gsize i = 4096; i < length; i++)
    contents[i] = (char) (i * 7919 % 251);
  g_assert_true (g_file_set_contents (f->path, contents, length, NULL));

  assert_recovered (f, contents, length);
}

static void
test_corrupt_truncated (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *contents = NULL;
  gsize length;

  make_real_registry (f->path);
  read_file (f->path, &contents, &length);
  length = 4096 * 2 + 100;
  g_assert_true (g_file_set_contents (f->path, contents, length, NULL));

  assert_recovered (f, contents, length);
}

static void
test_corrupt_unique_names (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(KariRegistry) registry = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *garbage = g_strdup_printf ("not a database, round %u, padded to be long enough", i);
      g_autofree char *moved = NULL;

      g_assert_true (g_file_set_contents (f->path, garbage, -1, NULL));
      registry = kari_registry_open (f->path, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (kari_registry_get_recovered_path (registry));
      g_assert_false (g_hash_table_contains (seen, kari_registry_get_recovered_path (registry)));
      g_hash_table_add (seen, g_strdup (kari_registry_get_recovered_path (registry)));

      g_assert_true (g_file_get_contents (kari_registry_get_recovered_path (registry), &moved, NULL, NULL));
      g_assert_cmpstr (moved, ==, garbage);
    }
}

static void
test_corrupt_rebuild_fails (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->path, "garbage garbage garbage garbage garbage", -1, NULL));

  registry = kari_registry_open (f->path, rebuild_fails_cb, NULL, &error);
  g_assert_null (registry);
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, ".corrupt-"));
  g_assert_nonnull (strstr (error->message, "cannot read the extensions folder"));
}

/* ---- crash safety ---- */

static int
child_writer (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariRegistry) registry = kari_registry_open (path, NULL, NULL, &error);
  g_autofree char *padding = g_strnfill (3000, 'w');

  if (registry == NULL)
    {
      g_printerr ("child: %s\n", error->message);
      return 1;
    }

  for (guint i = 0; ; i++)
    {
      g_autofree char *name = g_strdup_printf ("ext-%02u", g_random_int_range (0, 30));
      g_autofree char *version = g_strdup_printf ("1.%u.%u", i / 100, i % 100);
      g_autofree char *json = g_strdup_printf ("{\"name\":\"%s\",\"v\":\"%s\",\"pad\":\"%s\"}",
                                               name, version, padding);
      g_autoptr(GError) local_error = NULL;

      /* an install, a state change, a removal or a rollback; each may be
       * refused by the lifecycle, which must leave nothing behind either */
      switch (g_random_int_range (0, 6))
        {
        case 0:
          kari_registry_remove (registry, name, NULL, &local_error);
          break;
        case 1:
          kari_registry_set_state (registry, name, KARI_STATE_ENABLED, "child", &local_error);
          break;
        case 2:
          kari_registry_rollback (registry, name, "1.0.1", &local_error);
          break;
        default:
          if (!kari_registry_install_values (registry, name, version, "/child", json, NULL, &local_error))
            {
              g_printerr ("child: %s\n", local_error->message);
              return 1;
            }
          break;
        }

      if (i == 20)
        {
          g_print ("ready\n");
          fflush (stdout);
        }
    }
  return 0;
}

static void
test_crash_safety (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(GPtrArray) list = NULL;
  guint rounds = g_test_slow () ? 30 : 8;

  g_assert_nonnull (self_exe);

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autofree char *line = NULL;

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                self_exe, "--child-writer", f->path, NULL);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
      line = g_data_input_stream_read_line (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (line, ==, "ready");

      /* kill it at a random moment, mid-transaction more often than not */
      g_usleep (g_random_int_range (0, 40000));
      g_subprocess_force_exit (child);
      g_assert_true (g_subprocess_wait (child, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (child));
      g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

      /* the next opener sees a whole database: no recovery, no half change */
      {
        g_autoptr(KariRegistry) reopened = open_ok (f->path);
        g_assert_null (kari_registry_get_recovered_path (reopened));
      }
      assert_consistent (f->path);
    }

  registry = open_ok (f->path);
  list = kari_registry_list (registry, NULL);
  g_assert_cmpuint (list->len, >, 0);
  for (guint i = 0; i < list->len; i++)
    {
      KariRegistryEntry *e = g_ptr_array_index (list, i);
      g_autoptr(GPtrArray) history = kari_registry_get_history (registry, e->name, NULL);
      g_autoptr(GPtrArray) versions = kari_registry_list_versions (registry, e->name, NULL);

      g_assert_nonnull (history);
      g_assert_nonnull (versions);
      g_assert_cmpint (((KariTransition *) history->pdata[history->len - 1])->to, ==, e->state);
    }
}

/* ---- concurrency ---- */

static void
test_two_registries (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(KariRegistry) a = open_ok (f->path);
  g_autoptr(KariRegistry) b = open_ok (f->path);
  g_autoptr(KariRegistryEntry) seen = NULL;
  g_autoptr(GError) error = NULL;

  install_ok (a, "shared", "1.0.0");
  seen = kari_registry_lookup (b, "shared", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (seen->version, ==, "1.0.0");

  set_state_ok (b, "shared", KARI_STATE_ENABLED);
  g_clear_pointer (&seen, kari_registry_entry_free);
  seen = kari_registry_lookup (a, "shared", &error);
  g_assert_cmpint (seen->state, ==, KARI_STATE_ENABLED);

  /* a's view of the state is never stale: its check reads inside the transaction */
  g_assert_false (kari_registry_set_state (a, "shared", KARI_STATE_ENABLED, NULL, &error));
  g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION);
}

typedef struct
{
  const char *path;
  guint       id;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  g_autoptr(KariRegistry) registry = open_ok (w->path);

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("w%u-%02u", w->id, i);
      g_autoptr(GError) error = NULL;

      if (!kari_registry_install_values (registry, name, "1.0.0", "/t", "{}", NULL, &error) ||
          !kari_registry_set_state (registry, name, KARI_STATE_ENABLED, NULL, &error))
        return g_steal_pointer (&error);
    }
  return NULL;
}

static void
test_concurrent_writers (Fixture       *f,
                         gconstpointer  data)
{
  Writer writers[3];
  GThread *threads[3];
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(GPtrArray) list = NULL;

  /* create it once first, so the writers race on writes, not on creation */
  g_clear_object (&registry);
  registry = open_ok (f->path);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      writers[i].path = f->path;
      writers[i].id = i;
      threads[i] = g_thread_new ("writer", writer_thread, &writers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_autoptr(GError) error = g_thread_join (threads[i]);
      g_assert_no_error (error);
    }

  list = kari_registry_list (registry, NULL);
  g_assert_cmpuint (list->len, ==, 120);
  assert_consistent (f->path);
}

/* One registry shared by threads: its mutex serialises them. */
static gpointer
shared_thread (gpointer data)
{
  KariRegistry *registry = data;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(KariRegistryEntry) e = kari_registry_lookup (registry, "shared", NULL);
      if (e == NULL || !g_str_equal (e->name, "shared"))
        return GINT_TO_POINTER (1);
    }
  return NULL;
}

static void
test_shared_between_threads (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(KariRegistry) registry = open_ok (f->path);
  GThread *threads[4];

  install_ok (registry, "shared", "1.0.0");
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("reader", shared_thread, registry);
  for (guint i = 0; i < 50; i++)
    {
      set_state_ok (registry, "shared", KARI_STATE_DISABLED);
      set_state_ok (registry, "shared", KARI_STATE_ENABLED);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_null (g_thread_join (threads[i]));
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "--child-writer"))
    return child_writer (argv[2]);

  g_autofree char *data_home = NULL;
  int status;

  /* The default path must not touch the real data dir. (GLib 2.74's
   * G_TEST_OPTION_ISOLATE_DIRS leaks, which fails the sanitizer build.) */
  data_home = g_dir_make_tmp ("kari-registry-data-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  ADD ("/registry/open/creates", test_open_creates);
  ADD ("/registry/open/unwritable", test_open_unwritable);
  g_test_add_func ("/registry/open/default-path", test_default_path);
  ADD ("/registry/open/persists", test_persists);
  ADD ("/registry/install/lookup", test_install_lookup);
  ADD ("/registry/install/invalid", test_install_invalid);
  ADD ("/registry/install/while-updating", test_install_while_updating);
  ADD ("/registry/list", test_list);
  ADD ("/registry/remove/all-rows", test_remove);
  ADD ("/registry/remove/running-refused", test_remove_running_refused);
  ADD ("/registry/versions/kept", test_versions_kept);
  ADD ("/registry/versions/update-running-refused", test_update_running_refused);
  ADD ("/registry/rollback/switches", test_rollback);
  ADD ("/registry/rollback/refused", test_rollback_refused);
  ADD ("/registry/state/history", test_state_history);
  ADD ("/registry/state/refused", test_state_refused);
  ADD ("/registry/schema/newer-refused", test_schema_newer);
  ADD ("/registry/schema/migrate-from-v1", test_schema_migrate);
  ADD ("/registry/corrupt/garbage", test_corrupt_garbage);
  ADD ("/registry/corrupt/pages", test_corrupt_pages);
  ADD ("/registry/corrupt/truncated", test_corrupt_truncated);
  ADD ("/registry/corrupt/unique-names", test_corrupt_unique_names);
  ADD ("/registry/corrupt/rebuild-fails", test_corrupt_rebuild_fails);
  ADD ("/registry/crash-safety/sigkill", test_crash_safety);
  ADD ("/registry/concurrent/two-registries", test_two_registries);
  ADD ("/registry/concurrent/writers", test_concurrent_writers);
  ADD ("/registry/concurrent/shared-object", test_shared_between_threads);

  status = g_test_run ();
  kari_test_rm_rf (data_home);
  return status;
}
