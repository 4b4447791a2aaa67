/* test-cli.c — kari-ext end to end, on temporary folders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>

#include "kari-test-cli.h"

static char *
examples_dir (const char *sub)
{
  return g_build_filename (g_getenv ("KARI_SOURCE_DIR"), "examples", sub, NULL);
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  static const char *commands[] = { "validate", "list", "info", "resolve" };

  {
    g_auto(Result) r = run_with_paths (f, f->exts, f->plugins, NULL);
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "Usage: kari-ext"));
  }
  {
    g_auto(Result) r = run (f, "frobnicate");
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "unknown command “frobnicate”"));
  }
  {
    g_auto(Result) r = run (f, "--help");
    g_assert_cmpint (r.status, ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      g_assert_nonnull (strstr (r.out, commands[i]));
  }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Result) help = run (f, commands[i], "--help");
      g_auto(Result) bad = run (f, commands[i], "--no-such-option");

      g_assert_cmpint (help.status, ==, 0);
      g_assert_nonnull (strstr (help.out, "--json"));
      g_assert_cmpint (bad.status, ==, 2);
      g_assert_nonnull (strstr (bad.err, "Usage: kari-ext"));
    }
  {
    g_auto(Result) r = run (f, "validate");
    g_assert_cmpint (r.status, ==, 2);
  }
  {
    g_auto(Result) r = run (f, "info");
    g_assert_cmpint (r.status, ==, 2);
  }
  {
    g_auto(Result) r = run (f, "list", "extra");
    g_assert_cmpint (r.status, ==, 2);
  }
}

static void
test_validate_examples (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *dir = examples_dir ("extensions");
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_auto(Result) r = run (f, "validate", path);

      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "valid"));
      g_assert_null (strstr (r.err, "error:"));
      n++;
    }
  g_assert_cmpuint (n, >=, 2);
}

static void
test_validate_reports_position (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->root, "mine", NULL);
  g_autofree char *toml = kari_test_write (dir, "extension.toml",
                                           "name = \"mine\"\n"
                                           "version = \"1.0.0\"\n"
                                           "description = \"Mine\"\n"
                                           "\n"
                                           "[resources]\n"
                                           "max_memory_mb = \"lots\"\n");
  g_autofree char *expected = g_strdup_printf ("%s:6:1: error: resources.max_memory_mb: "
                                               "expected a positive integer, got \"lots\"", toml);
  g_auto(Result) text = run (f, "validate", dir);
  g_auto(Result) json = run (f, "validate", "--json", toml);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *result, *diag;
  JsonArray *diags;

  g_assert_cmpint (text.status, ==, 1);
  g_assert_nonnull (strstr (text.err, expected));

  g_assert_cmpint (json.status, ==, 1);
  root = parse_json (json.out);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "valid"));
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root),
                                                                        "results"), 0);
  g_assert_false (json_object_get_boolean_member (result, "valid"));
  diags = json_object_get_array_member (result, "diagnostics");
  g_assert_cmpuint (json_array_get_length (diags), >=, 1);
  diag = json_array_get_object_element (diags, 0);
  g_assert_cmpstr (json_object_get_string_member (diag, "severity"), ==, "error");
  g_assert_cmpstr (json_object_get_string_member (diag, "file"), ==, toml);
  g_assert_cmpint (json_object_get_int_member (diag, "line"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (diag, "column"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (diag, "path"), ==, "resources.max_memory_mb");
}

static void
test_validate_mixed (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *good = kari_test_write_extension (f->root, "good", "good", "1.0.0", NULL);
  g_autofree char *missing = g_build_filename (f->root, "does-not-exist", NULL);
  g_autofree char *bad_dir = g_build_filename (f->root, "bad", NULL);
  g_autofree char *bad = kari_test_write (bad_dir, "extension.json", "{\"name\": \"../etc\", \"version\": \"1.0.0\"}");
  g_auto(Result) ok = run (f, "validate", good);
  g_auto(Result) mixed = run (f, "validate", good, missing);
  g_auto(Result) path = run (f, "validate", "--json", bad_dir);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *diag;

  (void) bad;  /* held for its cleanup; the file is what counts */
  g_assert_cmpint (ok.status, ==, 0);
  g_assert_cmpint (mixed.status, ==, 1);
  g_assert_nonnull (strstr (mixed.err, "does-not-exist"));

  g_assert_cmpint (path.status, ==, 1);
  root = parse_json (path.out);
  diag = json_array_get_object_element (
      json_object_get_array_member (
          json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "results"), 0),
          "diagnostics"),
      0);
  g_assert_cmpstr (json_object_get_string_member (diag, "path"), ==, "name");
  g_assert_cmpint (json_object_get_int_member (diag, "line"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (diag, "column"), ==, 2);
}

static void
test_list_info_resolve (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) info = NULL;
  g_autoptr(JsonNode) resolve = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array, *order, *unresolved;
  JsonObject *first, *u;

  g_free (kari_test_write_extension (f->exts, "auth", "auth", "2.4.1", NULL));
  g_free (kari_test_write_extension (f->exts, "crm", "crm", "2.0.0",
                                     "\"dependencies\": {\"extensions\": [\"auth@^3\"]}"));
  g_free (kari_test_write_extension (f->exts, "dashboard", "dashboard", "1.0.0",
                                     "\"dependencies\": {\"extensions\": [\"crm@^2\"]}"));
  g_free (kari_test_write_extension (f->exts, "notes", "notes", "0.1.0",
                                     "\"dependencies\": {\"extensions\": [\"auth@>=2.0.0 <3\"]}"));

  {
    g_auto(Result) r = run (f, "list", "--json");
    g_assert_cmpint (r.status, ==, 0);
    list = parse_json (r.out);
    array = json_node_get_array (list);
    g_assert_cmpuint (json_array_get_length (array), ==, 4);
    first = json_array_get_object_element (array, 0);
    g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "auth");
    g_assert_cmpstr (json_object_get_string_member (first, "version"), ==, "2.4.1");
    g_assert_false (json_object_get_null_member (first, "state"));
  }
  {
    g_auto(Result) r = run (f, "list");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "dashboard"));
    g_assert_nonnull (strstr (r.out, "2.4.1"));
  }
  {
    g_auto(Result) r = run (f, "resolve", "--json");
    g_assert_cmpint (r.status, ==, 1);
    resolve = parse_json (r.out);
    order = json_object_get_array_member (json_node_get_object (resolve), "order");
    unresolved = json_object_get_array_member (json_node_get_object (resolve), "unresolved");
    g_assert_cmpuint (json_array_get_length (order), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (order, 0), "name"), ==, "auth");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (order, 1), "name"), ==, "notes");
    g_assert_cmpuint (json_array_get_length (unresolved), ==, 2);
    u = json_array_get_object_element (unresolved, 0);
    g_assert_cmpstr (json_object_get_string_member (u, "name"), ==, "crm");
    g_assert_cmpstr (json_object_get_string_member (u, "reason"), ==,
                     "crm 2.0.0 needs auth ^3 but only auth 2.4.1 is available");
    u = json_array_get_object_element (unresolved, 1);
    g_assert_cmpstr (json_object_get_string_member (u, "name"), ==, "dashboard");
    g_assert_cmpstr (json_object_get_string_member (u, "reason"), ==,
                     "crm 2.0.0 needs auth ^3 but only auth 2.4.1 is available "
                     "(required by crm ← dashboard)");
  }
  {
    g_auto(Result) r = run (f, "resolve");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.out, "Load order:"));
    g_assert_nonnull (strstr (r.out, "(required by crm ← dashboard)"));
  }
  {
    g_auto(Result) r = run (f, "info", "crm", "--json");
    JsonObject *o;

    g_assert_cmpint (r.status, ==, 0);
    info = parse_json (r.out);
    o = json_node_get_object (info);
    g_assert_false (json_object_get_boolean_member (o, "resolved"));
    g_assert_nonnull (strstr (json_object_get_string_member (o, "unresolved_reason"), "auth ^3"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "manifest"), "name"),
                     ==, "crm");
    /* Valid but unresolvable: known, not installed, so no history yet. */
    g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "validated");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "history")), ==, 0);
  }
  {
    g_auto(Result) r = run (f, "info", "auth", "--json");
    g_autoptr(JsonNode) auth = parse_json (r.out);
    JsonObject *o = json_node_get_object (auth);
    JsonArray *history = json_object_get_array_member (o, "history");
    JsonObject *last;

    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "installed");
    g_assert_true (json_object_get_boolean_member (o, "resolved"));
    g_assert_cmpuint (json_array_get_length (history), >=, 1);
    last = json_array_get_object_element (history, json_array_get_length (history) - 1);
    g_assert_cmpstr (json_object_get_string_member (last, "to"), ==, "installed");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "versions")), ==, 1);
    g_assert_true (json_object_get_null_member (o, "last_failure"));
  }
  {
    g_auto(Result) r = run (f, "info", "auth");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "auth 2.4.1"));
    g_assert_nonnull (strstr (r.out, "History:"));
    g_assert_null (strstr (r.out, "Last run:"));
  }
  /* A start that failed: re-resolved to installed by the next command,
   * and still said, for scripts too. */
  {
    g_autofree char *db = g_build_filename (f->data_home, "kari", "registry.db", NULL);
    g_autoptr(KariRegistry) registry = kari_registry_open (db, NULL, NULL, &error);
    const KariState moves[] = { KARI_STATE_ENABLED, KARI_STATE_STARTING, KARI_STATE_FAILED };

    g_assert_no_error (error);
    for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
      {
        g_assert_true (kari_registry_set_state (registry, "auth", moves[i],
                                                i == 2 ? "No handshake within 10000 ms" : NULL, &error));
        g_assert_no_error (error);
      }
  }
  {
    g_auto(Result) r = run (f, "info", "auth", "--json");
    g_autoptr(JsonNode) auth = parse_json (r.out);
    JsonObject *o = json_node_get_object (auth);
    JsonObject *last = json_object_get_object_member (o, "last_failure");

    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "installed");
    g_assert_nonnull (last);
    g_assert_cmpstr (json_object_get_string_member (last, "kind"), ==, "failed");
    g_assert_cmpstr (json_object_get_string_member (last, "reason"), ==, "No handshake within 10000 ms");
    g_assert_cmpint (json_object_get_int_member (last, "time_usec"), >, 0);
  }
  {
    g_auto(Result) r = run (f, "info", "auth");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "Last run:    failed "));
    g_assert_nonnull (strstr (r.out, ": No handshake within 10000 ms"));
  }
  {
    g_auto(Result) r = run (f, "info", "nobody");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "no extension called “nobody”"));
  }
}

static void
test_examples_resolve (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *exts = examples_dir ("extensions");
  g_autofree char *plugins = examples_dir ("plugins");
  g_auto(Result) r = run_with_paths (f, exts, plugins, "resolve", "--json", NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *order;
  gint analytics = -1, users = -1;

  g_assert_cmpint (r.status, ==, 0);
  root = parse_json (r.out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root),
                                                                         "unresolved")), ==, 0);
  order = json_object_get_array_member (json_node_get_object (root), "order");
  for (guint i = 0; i < json_array_get_length (order); i++)
    {
      const char *name = json_object_get_string_member (json_array_get_object_element (order, i), "name");
      if (g_strcmp0 (name, "advanced-analytics") == 0)
        analytics = i;
      if (g_strcmp0 (name, "user-management") == 0)
        users = i;
    }
  g_assert_cmpint (users, >=, 0);
  g_assert_cmpint (analytics, >, users);
}

static void
test_corrupt_registry (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->data_home, "kari", NULL);
  g_autofree char *db = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;
  gboolean kept = FALSE;

  g_free (kari_test_write_extension (f->exts, "auth", "auth", "2.4.1", NULL));
  {
    g_auto(Result) r = run (f, "list", "--json");
    g_assert_cmpint (r.status, ==, 0);
  }
  db = g_build_filename (dir, "registry.db", NULL);
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
  g_free (kari_test_write (dir, "registry.db", "this is not a database, it is a haiku\nabout lost state\n"));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *side = g_strconcat (db, i == 0 ? "-wal" : "-shm", NULL);
      g_unlink (side);
    }

  {
    g_auto(Result) r = run (f, "list", "--json");
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.err, "damaged"));
    g_assert_nonnull (strstr (r.err, "rebuilt"));
    root = parse_json (r.out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  }

  /* The damaged file was set aside, not deleted. */
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "registry.db.corrupt-"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *contents = NULL;
        g_file_get_contents (path, &contents, NULL, NULL);
        kept = contents != NULL && g_str_has_prefix (contents, "this is not a database");
      }
  g_assert_true (kept);
}

static void
test_run (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *app = NULL;
  g_autofree char *runtime_dir = g_build_filename (f->root, "run", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  HostWatch w = { text, "supervisor: running", FALSE, FALSE };

  /* A real extension in a real sandbox, as an author would try one. */
  app = write_sup_extension (f);
  g_assert_cmpint (g_mkdir (runtime_dir, 0700), ==, 0);

  proc = spawn_host (f, app, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, host_watch_on_line, &w);

  /* The waits only guard against a hang. */
  g_assert_true (kari_test_wait_for (&w.seen, 60));
  g_subprocess_send_signal (proc, SIGINT);
  g_assert_true (kari_test_wait_for (&w.eof, 60));
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  if (g_test_verbose ())
    g_printerr ("%s", text->str);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_nonnull (strstr (text->str, "[sup] "));
  g_assert_nonnull (strstr (text->str, "stdout: ready on stdout"));
  g_assert_nonnull (strstr (text->str, "supervisor: stopped"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cli/usage", test_usage);
  ADD ("/cli/validate/examples", test_validate_examples);
  ADD ("/cli/validate/reports-position", test_validate_reports_position);
  ADD ("/cli/validate/mixed", test_validate_mixed);
  ADD ("/cli/list-info-resolve", test_list_info_resolve);
  ADD ("/cli/examples-resolve", test_examples_resolve);
  ADD ("/cli/corrupt-registry", test_corrupt_registry);
  ADD ("/cli/run", test_run);
#undef ADD

  return g_test_run ();
}
