/* test-cli-data.c — `kari-ext data export|import`, the real binary on
 * real stores
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "kari-test-cli.h"

static char *
store_path (Fixture    *f,
            const char *tenant,
            const char *name)
{
  g_autofree char *file = g_strconcat (name, ".sqlite", NULL);

  return g_build_filename (f->data_home, "kari", "stores", tenant, file, NULL);
}

static void
put (const char *path,
     const char *id,
     const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariStore) store = kari_store_open (path, &error);

  g_assert_no_error (error);
  kari_store_put (store, NULL, "things", id, json, KARI_STORE_ANY_VERSION, &error);
  g_assert_no_error (error);
}

static char *
get (const char *path,
     const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariStore) store = kari_store_open (path, &error);

  g_assert_no_error (error);
  return kari_store_get (store, NULL, "things", id, NULL, NULL);
}

static void
test_roundtrip (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = store_path (f, "default", "crm");
  g_autofree char *other = store_path (f, "acme", "crm");
  g_autofree char *file = g_build_filename (f->root, "crm-backup.sqlite", NULL);
  g_autofree char *before = NULL, *after = NULL, *copied = NULL;
  g_autoptr(JsonNode) node = NULL;

  put (path, "a", "{\"v\": 1}");
  {
    g_auto(Result) r = run (f, "data", "export", "crm", file, "--json");

    g_assert_cmpint (r.status, ==, 0);
    node = parse_json (r.out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "action"), ==, "export");
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "bytes"), >, 0);
  }
  put (path, "a", "{\"v\": 2}");
  before = get (path, "a");
  g_assert_cmpstr (before, ==, "{\"v\":2}");
  {
    g_auto(Result) r = run (f, "data", "import", "crm", file);

    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "Imported"));
  }
  after = get (path, "a");
  g_assert_cmpstr (after, ==, "{\"v\":1}");
  {
    g_auto(Result) r = run (f, "data", "import", "crm", file, "--tenant", "acme");

    /* Not a tenant yet */
    g_assert_cmpint (r.status, ==, 1);
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(Result) created = run (f, "tenant", "create", "acme");
    g_auto(Result) r = run (f, "data", "import", "crm", file, "--tenant", "acme");

    g_assert_cmpint (created.status, ==, 0);
    g_assert_cmpint (r.status, ==, 0);
  }
  copied = get (other, "a");
  g_assert_cmpstr (copied, ==, "{\"v\":1}");
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *path = store_path (f, "default", "crm");
  g_autofree char *junk = kari_test_write (f->root, "junk.sqlite", "not a database");
  g_autofree char *file = g_build_filename (f->root, "out.sqlite", NULL);
  g_autofree char *kept = NULL;
  static const char * const usage[][5] = {
    { "data", NULL },
    { "data", "export", "crm", NULL },
    { "data", "copy", "crm", "x", NULL },
    { "data", "export", "../crm", "x", NULL },
    { "data", "import", "crm/..", "x", NULL },
  };

  put (path, "a", "{\"v\": 1}");
  for (guint i = 0; i < G_N_ELEMENTS (usage); i++)
    {
      g_auto(Result) r = run_with_paths (f, f->exts, f->plugins, usage[i][0], usage[i][1], usage[i][2],
                                         usage[i][3], NULL);

      g_assert_cmpint (r.status, ==, 2);
    }
  {
    g_auto(Result) r = run (f, "data", "export", "crm", file, "--tenant", "../etc");

    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "tenant"));
  }
  {
    g_auto(Result) r = run (f, "data", "import", "crm", junk);

    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "not an SQLite database"));
  }
  {
    g_auto(Result) r = run (f, "data", "export", "nobody", file);

    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "no data"));
  }
  kept = get (path, "a");
  g_assert_cmpstr (kept, ==, "{\"v\":1}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli-data/roundtrip", Fixture, NULL, fixture_setup, test_roundtrip, fixture_teardown);
  g_test_add ("/cli-data/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);
  return g_test_run ();
}
