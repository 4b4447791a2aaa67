/* test-cli-page.c: `kari-ext page check` and `kari-ext page diff`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-test-cli.h"

#define PAGE_A "{\"id\": \"p\", \"type\": \"box\", \"children\": [{\"id\": \"t\", \"type\": \"label\", \"text\": \"a\"}]}"
#define PAGE_B "{\"id\": \"p\", \"type\": \"box\", \"children\": [{\"id\": \"t\", \"type\": \"label\", \"text\": \"b\"}," \
               "{\"id\": \"go\", \"type\": \"button\"}]}"

static void
test_check (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *good = kari_test_write (f->root, "good.json", PAGE_A);
  g_autofree char *bad = kari_test_write (f->root, "bad.json",
                                          "{\"id\": \"p\", \"type\": \"box\",\n \"spacing\": \"wide\"}");
  g_auto(Result) ok = run (f, "page", "check", good);
  g_auto(Result) refused = run (f, "page", "check", good, bad);
  g_auto(Result) json = run (f, "page", "check", "--json", good, bad);
  g_autoptr(JsonNode) parsed = NULL;
  JsonArray *results;

  g_assert_cmpint (ok.status, ==, 0);
  g_assert_nonnull (strstr (ok.out, "valid: 2 nodes"));

  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.err, "bad.json: line 2, column 2: root (“p”): property “spacing”"));

  g_assert_cmpint (json.status, ==, 1);
  parsed = parse_json (json.out);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (parsed), "valid"));
  results = json_object_get_array_member (json_node_get_object (parsed), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (results, 0), "nodes"), ==, 2);
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (results, 1), "error"),
                            "spacing"));
}

static void
test_diff (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *a = kari_test_write (f->root, "a.json", PAGE_A);
  g_autofree char *b = kari_test_write (f->root, "b.json", PAGE_B);
  g_auto(Result) text = run (f, "page", "diff", a, b);
  g_auto(Result) json = run (f, "page", "diff", "--json", a, b);
  g_auto(Result) same = run (f, "page", "diff", a, a);
  g_autoptr(JsonNode) steps = NULL;

  g_assert_cmpint (text.status, ==, 0);
  g_assert_cmpstr (text.out, ==, "set t.text = \"b\"\ninsert go (button) into p at 1\n");
  g_assert_cmpint (json.status, ==, 0);
  steps = parse_json (json.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (steps)), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (steps), 1), "op"),
                   ==, "insert");
  g_assert_cmpint (same.status, ==, 0);
  g_assert_cmpstr (same.out, ==, "");
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *a = kari_test_write (f->root, "a.json", PAGE_A);
  g_auto(Result) none = run (f, "page");
  g_auto(Result) unknown = run (f, "page", "render", a);
  g_auto(Result) one = run (f, "page", "diff", a);
  g_autofree char *missing = g_build_filename (f->root, "missing.json", NULL);
  g_auto(Result) absent = run (f, "page", "diff", a, missing);

  g_assert_cmpint (none.status, ==, 2);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "unknown action “render”"));
  g_assert_cmpint (one.status, ==, 2);
  g_assert_cmpint (absent.status, ==, 1);
  g_assert_nonnull (strstr (absent.err, "missing.json"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/page/check", Fixture, NULL, fixture_setup, test_check, fixture_teardown);
  g_test_add ("/cli/page/diff", Fixture, NULL, fixture_setup, test_diff, fixture_teardown);
  g_test_add ("/cli/page/usage", Fixture, NULL, fixture_setup, test_usage, fixture_teardown);

  return g_test_run ();
}
