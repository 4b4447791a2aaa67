/* test-location.c — field paths and their positions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "kari.h"

static void
test_paths (void)
{
  static const struct {
    const char *parent;
    const char *member;
    const char *expected;
  } cases[] = {
    { "", "name", "name" },
    { "dependencies", "extensions", "dependencies.extensions" },
    { "config", "a.b", "config.\"a.b\"" },
    { "config", "", "config.\"\"" },
    { "", "say \"hi\"", "\"say \\\"hi\\\"\"" },
    { "x", "tab\there", "x.\"tab\\u0009here\"" },
    { "x", "max_memory-mb", "x.max_memory-mb" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = kari_path_append_member (cases[i].parent, cases[i].member);
      g_assert_cmpstr (path, ==, cases[i].expected);
    }

  {
    g_autofree char *p = kari_path_append_index ("dependencies.extensions", 1);
    g_autofree char *zero = kari_path_append_index ("", 0);
    g_autofree char *ten = kari_path_append_index ("a", 10);
    g_autofree char *max = kari_path_append_index ("a.b", G_MAXUINT);
    g_autofree char *expected_max = g_strdup_printf ("a.b[%u]", G_MAXUINT);

    g_assert_cmpstr (p, ==, "dependencies.extensions[1]");
    g_assert_cmpstr (zero, ==, "[0]");
    g_assert_cmpstr (ten, ==, "a[10]");
    g_assert_cmpstr (max, ==, expected_max);
  }
}

static void
test_lookup_falls_back (void)
{
  g_autoptr(KariLocations) loc = kari_locations_new ();
  KariPosition pos = { 0, 0 };

  kari_locations_set (loc, "", 1, 1);
  kari_locations_set (loc, "resources", 10, 3);
  kari_locations_set (loc, "config.\"a.b\"", 20, 5);
  kari_locations_set (loc, "list[2]", 30, 7);
  g_assert_cmpuint (kari_locations_get_size (loc), ==, 4);

  g_assert_true (kari_locations_find (loc, "resources", &pos));
  g_assert_cmpuint (pos.line, ==, 10);
  g_assert_cmpuint (pos.column, ==, 3);

  /* A missing field is reported where its parent is. */
  g_assert_false (kari_locations_find (loc, "resources.max_memory_mb", NULL));
  g_assert_true (kari_locations_lookup (loc, "resources.max_memory_mb", &pos));
  g_assert_cmpuint (pos.line, ==, 10);

  /* A dot inside a quoted member is not a separator. */
  g_assert_true (kari_locations_lookup (loc, "config.\"a.b\".c", &pos));
  g_assert_cmpuint (pos.line, ==, 20);

  g_assert_true (kari_locations_lookup (loc, "list[2].name", &pos));
  g_assert_cmpuint (pos.line, ==, 30);
  g_assert_true (kari_locations_lookup (loc, "list[3]", &pos));
  g_assert_cmpuint (pos.line, ==, 1);

  g_assert_true (kari_locations_lookup (loc, "unknown.deep[4].x", &pos));
  g_assert_cmpuint (pos.line, ==, 1);
  g_assert_cmpuint (pos.column, ==, 1);

  /* Setting again replaces. */
  kari_locations_set (loc, "resources", 11, 4);
  g_assert_true (kari_locations_find (loc, "resources", &pos));
  g_assert_cmpuint (pos.line, ==, 11);
  g_assert_cmpuint (pos.column, ==, 4);
  g_assert_cmpuint (kari_locations_get_size (loc), ==, 4);
}

static void
test_lookup_empty (void)
{
  g_autoptr(KariLocations) loc = kari_locations_new ();
  KariPosition pos = { 7, 7 };

  g_assert_false (kari_locations_lookup (loc, "a.b", &pos));
  g_assert_false (kari_locations_lookup (loc, "", &pos));
}

static void
fill_counting (KariLocations *loc,
               gpointer       user_data)
{
  guint *calls = user_data;

  (*calls)++;
  kari_locations_set (loc, "", 1, 1);
  kari_locations_set (loc, "name", 2, 3);
}

static void
test_deferred (void)
{
  guint calls = 0;
  g_autoptr(KariLocations) loc = kari_locations_new_deferred (fill_counting, &calls, NULL);
  KariPosition pos = { 0, 0 };

  /* Nothing is recorded until a position is asked for, then once. */
  g_assert_cmpuint (calls, ==, 0);
  g_assert_true (kari_locations_lookup (loc, "name.first", &pos));
  g_assert_cmpuint (calls, ==, 1);
  g_assert_cmpuint (pos.line, ==, 2);
  g_assert_cmpuint (pos.column, ==, 3);
  g_assert_true (kari_locations_find (loc, "", NULL));
  g_assert_cmpuint (kari_locations_get_size (loc), ==, 2);
  g_assert_cmpuint (calls, ==, 1);
}

static void
test_diagnostic_format (void)
{
  g_autoptr(KariDiagnostic) d = NULL;
  g_autoptr(KariDiagnostic) copy = NULL;
  g_autofree char *text = NULL;
  g_autofree char *no_pos = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GPtrArray) list = kari_diagnostics_new ();
  JsonObject *o;

  d = kari_diagnostic_new (KARI_SEVERITY_ERROR, "extension.toml", 12, 9,
                           "resources.max_memory_mb",
                           "expected a positive integer, got \"lots\"");
  text = kari_diagnostic_to_string (d);
  g_assert_cmpstr (text, ==,
                   "extension.toml:12:9: error: resources.max_memory_mb: "
                   "expected a positive integer, got \"lots\"");

  copy = kari_diagnostic_new (KARI_SEVERITY_WARNING, "x.json", 0, 0, "", "unknown field");
  no_pos = kari_diagnostic_to_string (copy);
  g_assert_cmpstr (no_pos, ==, "x.json: warning: unknown field");

  json = kari_diagnostic_to_json (d);
  o = json_node_get_object (json);
  g_assert_cmpstr (json_object_get_string_member (o, "severity"), ==, "error");
  g_assert_cmpint (json_object_get_int_member (o, "line"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (o, "column"), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (o, "path"), ==, "resources.max_memory_mb");

  g_ptr_array_add (list, kari_diagnostic_copy (d));
  g_ptr_array_add (list, kari_diagnostic_copy (copy));
  g_ptr_array_add (list, kari_diagnostic_copy (copy));
  g_assert_cmpuint (kari_diagnostics_count (list, KARI_SEVERITY_ERROR), ==, 1);
  g_assert_cmpuint (kari_diagnostics_count (list, KARI_SEVERITY_WARNING), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/location/paths", test_paths);
  g_test_add_func ("/location/lookup/falls-back-to-ancestor", test_lookup_falls_back);
  g_test_add_func ("/location/lookup/empty", test_lookup_empty);
  g_test_add_func ("/location/deferred", test_deferred);
  g_test_add_func ("/diagnostic/format", test_diagnostic_format);

  return g_test_run ();
}
