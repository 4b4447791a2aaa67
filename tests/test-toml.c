/* test-toml.c: the TOML 1.0 parser against the conformance files under
 * data/toml/, then locations, error positions and limits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <kari-toml.h>

#include "json-equal.h"
#include "kari-test-util.h"

/* Conformance files */

static void
test_valid_file (gconstpointer data)
{
  const char *toml_path = data;
  g_autofree char *base = g_strndup (toml_path, strlen (toml_path) - strlen (".toml"));
  g_autofree char *json_path = g_strconcat (base, ".json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *exact = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) expected = json_parser_new ();
  g_autoptr(JsonNode) actual = NULL;
  KariPosition pos = { 0, 0 };

  g_assert_true (g_file_get_contents (toml_path, &text, &len, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (expected, json_path, &error));
  g_assert_no_error (error);

  /* An exact-size copy, so that the sanitizers see any read past the end. */
  exact = g_memdup2 (text, len);
  actual = kari_toml_parse (exact, (gssize) len, NULL, &pos, &error);
  if (error != NULL)
    g_test_message ("refused at %u:%u", pos.line, pos.column);
  g_assert_no_error (error);
  g_assert_nonnull (actual);
  assert_json_equal (json_parser_get_root (expected), actual);
}

static const struct
{
  const char    *name;
  KariTomlError  code;
} error_names[] = {
  { "encoding", KARI_TOML_ERROR_ENCODING },
  { "syntax", KARI_TOML_ERROR_SYNTAX },
  { "duplicate-key", KARI_TOML_ERROR_DUPLICATE_KEY },
  { "invalid-value", KARI_TOML_ERROR_INVALID_VALUE },
  { "too-deep", KARI_TOML_ERROR_TOO_DEEP },
  { "too-large", KARI_TOML_ERROR_TOO_LARGE },
};

/* Each invalid file starts with `# expect: CODE LINE:COLUMN`. */
static void
test_invalid_file (gconstpointer data)
{
  const char *path = data;
  g_autofree char *text = NULL;
  g_autofree char *exact = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *header = NULL;
  g_auto(GStrv) words = NULL;
  KariPosition pos = { 0, 0 };
  int code = -1;
  guint line = 0, column = 0;
  const char *nl;

  g_assert_true (g_file_get_contents (path, &text, &len, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "# expect: "));
  nl = strchr (text, '\n');
  g_assert_nonnull (nl);
  header = g_strndup (text + strlen ("# expect: "), (gsize) (nl - text) - strlen ("# expect: "));
  words = g_strsplit (header, " ", 2);
  for (guint i = 0; i < G_N_ELEMENTS (error_names); i++)
    if (g_str_equal (words[0], error_names[i].name))
      code = (int) error_names[i].code;
  g_assert_cmpint (code, >=, 0);
  if (words[1] != NULL)
    g_assert_cmpint (sscanf (words[1], "%u:%u", &line, &column), ==, 2);

  exact = g_memdup2 (text, len);
  node = kari_toml_parse (exact, (gssize) len, NULL, &pos, &error);
  g_assert_null (node);
  g_assert_nonnull (error);
  g_test_message ("%u:%u: %s", pos.line, pos.column, error->message);
  g_assert_error (error, KARI_TOML_ERROR, code);
  g_assert_cmpuint (strlen (error->message), >, 10);
  if (line != 0)
    {
      g_assert_cmpuint (pos.line, ==, line);
      g_assert_cmpuint (pos.column, ==, column);
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static guint
add_file_tests (const char *kind,
                GTestDataFunc func)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "toml", kind, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".toml"))
      g_ptr_array_add (names, g_strndup (name, strlen (name) - strlen (".toml")));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_autofree char *test_path = g_strdup_printf ("/toml/%s/%s", kind, n);
      g_autofree char *file = g_strconcat (n, ".toml", NULL);

      /* The path is kept for the whole run, like the test itself. */
      g_test_add_data_func_full (test_path, g_build_filename (dir_path, file, NULL),
                                 func, g_free);
    }
  return names->len;
}

/* Helpers */

static JsonNode *
parse_ok (const char    *text,
          KariLocations *locations)
{
  g_autoptr(GError) error = NULL;
  KariPosition pos = { 0, 0 };
  JsonNode *node = kari_toml_parse (text, -1, locations, &pos, &error);

  if (error != NULL)
    g_test_message ("refused at %u:%u", pos.line, pos.column);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
assert_refused (const char    *text,
                gssize         len,
                KariTomlError  code,
                guint          line,
                guint          column)
{
  g_autoptr(GError) error = NULL;
  KariPosition pos = { 99, 99 };
  g_autoptr(JsonNode) node = kari_toml_parse (text, len, NULL, &pos, &error);

  g_assert_null (node);
  g_assert_error (error, KARI_TOML_ERROR, (int) code);
  g_assert_cmpuint (pos.line, ==, line);
  g_assert_cmpuint (pos.column, ==, column);
}

/* Locations */

static void
test_locations_keys (void)
{
  g_autoptr(KariLocations) loc = kari_locations_new ();
  g_autoptr(JsonNode) node = parse_ok ("# header\n"
                                       "name = \"x\"\n"
                                       "  physical.color = 1\n"
                                       "\"a.b\" = 2\n"
                                       "[dependencies]\n"
                                       "extensions = [\"a\", \"b\",\n"
                                       "   \"c\"]\n"
                                       "[ t . 'u' ]\n",
                                       loc);
  (void) node;  /* held for its cleanup */

  kari_test_assert_location (loc, "", 1, 1);
  kari_test_assert_location (loc, "name", 2, 1);
  kari_test_assert_location (loc, "physical", 3, 3);
  kari_test_assert_location (loc, "physical.color", 3, 12);
  kari_test_assert_location (loc, "\"a.b\"", 4, 1);
  kari_test_assert_location (loc, "dependencies", 5, 2);
  kari_test_assert_location (loc, "dependencies.extensions", 6, 1);
  kari_test_assert_location (loc, "dependencies.extensions[0]", 6, 15);
  kari_test_assert_location (loc, "dependencies.extensions[1]", 6, 20);
  kari_test_assert_location (loc, "dependencies.extensions[2]", 7, 4);
  kari_test_assert_location (loc, "t", 8, 3);
  kari_test_assert_location (loc, "t.u", 8, 7);
}

static void
test_locations_nested (void)
{
  g_autoptr(KariLocations) loc = kari_locations_new ();
  g_autoptr(JsonNode) node = parse_ok ("a = [[1, 2], {b = [3, {c = 4}]}]\n"
                                       "[[p]]\n"
                                       "x = 1\n"
                                       "[[p]]\n"
                                       "  [p.q]\n"
                                       "  y = 2\n",
                                       loc);
  (void) node;  /* held for its cleanup */

  kari_test_assert_location (loc, "a", 1, 1);
  kari_test_assert_location (loc, "a[0]", 1, 6);
  kari_test_assert_location (loc, "a[0][1]", 1, 10);
  kari_test_assert_location (loc, "a[1]", 1, 14);
  kari_test_assert_location (loc, "a[1].b", 1, 15);
  kari_test_assert_location (loc, "a[1].b[0]", 1, 20);
  kari_test_assert_location (loc, "a[1].b[1]", 1, 23);
  kari_test_assert_location (loc, "a[1].b[1].c", 1, 24);
  kari_test_assert_location (loc, "p", 2, 3);
  kari_test_assert_location (loc, "p[0]", 2, 3);
  kari_test_assert_location (loc, "p[0].x", 3, 1);
  kari_test_assert_location (loc, "p[1]", 4, 3);
  kari_test_assert_location (loc, "p[1].q", 5, 6);
  kari_test_assert_location (loc, "p[1].q.y", 6, 3);
}

static void
test_locations_after_multiline (void)
{
  g_autoptr(KariLocations) loc = kari_locations_new ();
  g_autoptr(JsonNode) node = parse_ok ("a = \"\"\"\n"
                                        "one\n"
                                        "two\"\"\" # c\n"
                                        "b = '''x\n"
                                        "y'''\n"
                                        "c = [\"\"\"\n"
                                        "\"\"\", 5]\n",
                                        loc);
  (void) node;  /* held for its cleanup */

  kari_test_assert_location (loc, "a", 1, 1);
  kari_test_assert_location (loc, "b", 4, 1);
  kari_test_assert_location (loc, "c", 6, 1);
  kari_test_assert_location (loc, "c[0]", 6, 6);
  kari_test_assert_location (loc, "c[1]", 7, 6);
}

static void
test_locations_non_ascii (void)
{
  g_autoptr(KariLocations) loc = kari_locations_new ();
  g_autoptr(JsonNode) node = parse_ok ("\"ünï\" = [\"日本\", \"🎉\", 3]\n"
                                       "t = { \"é\" = 1, k = 2 }\n",
                                       loc);
  (void) node;  /* held for its cleanup */

  kari_test_assert_location (loc, "\"ünï\"", 1, 1);
  kari_test_assert_location (loc, "\"ünï\"[0]", 1, 10);
  kari_test_assert_location (loc, "\"ünï\"[1]", 1, 16);
  kari_test_assert_location (loc, "\"ünï\"[2]", 1, 21);
  kari_test_assert_location (loc, "t.\"é\"", 2, 7);
  kari_test_assert_location (loc, "t.k", 2, 16);
}

static void
test_locations_bom_crlf (void)
{
  g_autoptr(KariLocations) loc = kari_locations_new ();
  g_autoptr(JsonNode) node = parse_ok ("\xef\xbb\xbf" "a = 1\r\n"
                                       "[t]\r\n"
                                       "  b = [1,\r\n"
                                       "  2]\r\n",
                                       loc);

  kari_test_assert_location (loc, "a", 1, 1);
  kari_test_assert_location (loc, "t", 2, 2);
  kari_test_assert_location (loc, "t.b", 3, 3);
  kari_test_assert_location (loc, "t.b[1]", 4, 3);
  g_assert_cmpint (json_node_get_int (json_object_get_member (json_node_get_object (node), "a")),
                   ==, 1);
}

static void
test_locations_implicit_then_defined (void)
{
  g_autoptr(KariLocations) loc = kari_locations_new ();
  g_autoptr(JsonNode) node = parse_ok ("[a.b]\n"
                                       "[a]\n",
                                       loc);
  (void) node;  /* held for its cleanup */

  /* The explicit definition is where a person would look. */
  kari_test_assert_location (loc, "a", 2, 2);
  kari_test_assert_location (loc, "a.b", 1, 4);
}

/* Error positions */

static void
test_error_positions (void)
{
  assert_refused ("a = 1\n\nb = 2\na = 3\n", -1, KARI_TOML_ERROR_DUPLICATE_KEY, 4, 1);
  assert_refused ("ünï = 1\n", -1, KARI_TOML_ERROR_SYNTAX, 1, 1);
  assert_refused ("\"ünï\" = 1 x\n", -1, KARI_TOML_ERROR_SYNTAX, 1, 11);
  assert_refused ("a = \"\"\"\nline\n\"\"\"\nb = \"\\q\"\n", -1, KARI_TOML_ERROR_INVALID_VALUE, 4, 6);
  assert_refused ("a = \"日本\\q\"\n", -1, KARI_TOML_ERROR_INVALID_VALUE, 1, 8);
  assert_refused ("a = [\n  1,\n  2 3]\n", -1, KARI_TOML_ERROR_SYNTAX, 3, 5);
  assert_refused ("a = 1\r\nb = 2\r\nb = 3\r\n", -1, KARI_TOML_ERROR_DUPLICATE_KEY, 3, 1);
  assert_refused ("\xef\xbb\xbf" "a = 1\na = 2\n", -1, KARI_TOML_ERROR_DUPLICATE_KEY, 2, 1);
  assert_refused ("a = 1\nb = \"\xff\"\n", -1, KARI_TOML_ERROR_ENCODING, 2, 6);
  assert_refused ("a = 1\nb = 2\0", 13, KARI_TOML_ERROR_ENCODING, 2, 6);
}

static void
test_error_message_names_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kari_toml_parse ("[server]\nport = 1\nport = 2\n", -1,
                                              NULL, NULL, &error);

  g_assert_null (node);
  g_assert_error (error, KARI_TOML_ERROR, KARI_TOML_ERROR_DUPLICATE_KEY);
  g_assert_nonnull (strstr (error->message, "server.port"));
  g_assert_nonnull (strstr (error->message, "line 2"));
}

/* Limits */

static char *
nested (const char *prefix,
        guint       n,
        char        open,
        char        close)
{
  GString *s = g_string_new (prefix);

  for (guint i = 0; i < n; i++)
    g_string_append_c (s, open);
  for (guint i = 0; i < n; i++)
    g_string_append_c (s, close);
  g_string_append_c (s, '\n');
  return g_string_free (s, FALSE);
}

static void
test_depth_arrays (void)
{
  g_autofree char *ok = nested ("a = ", KARI_TOML_MAX_DEPTH, '[', ']');
  g_autofree char *deep = nested ("a = ", KARI_TOML_MAX_DEPTH + 1, '[', ']');
  g_autofree char *very_deep = nested ("a = ", 100000, '[', ']');
  g_autoptr(JsonNode) node = parse_ok (ok, NULL);
  (void) node;  /* held for its cleanup */

  /* The root table is depth 0, so the array under "a" is depth 1. */
  assert_refused (deep, -1, KARI_TOML_ERROR_TOO_DEEP, 1, 5 + KARI_TOML_MAX_DEPTH);
  assert_refused (very_deep, -1, KARI_TOML_ERROR_TOO_DEEP, 1, 5 + KARI_TOML_MAX_DEPTH);
}

static void
test_depth_inline_tables (void)
{
  GString *s = g_string_new ("a = ");
  g_autofree char *text = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append (s, "{b = ");
  g_string_append (s, "1");
  for (guint i = 0; i < 100000; i++)
    g_string_append (s, "}");
  text = g_string_free (s, FALSE);
  /* The table under "a" is at depth 1: the 64th brace is the last allowed. */
  assert_refused (text, -1, KARI_TOML_ERROR_TOO_DEEP, 1, 5 + 5 * KARI_TOML_MAX_DEPTH);
}

static void
test_depth_headers_and_keys (void)
{
  GString *header = g_string_new ("[");
  GString *dotted = g_string_new ("");
  g_autofree char *h = NULL, *d = NULL, *h_ok = NULL;

  for (guint i = 0; i < KARI_TOML_MAX_DEPTH; i++)
    g_string_append (header, i ? ".k" : "k");
  h_ok = g_strconcat (header->str, "]\n", NULL);
  g_string_append (header, ".k]\n");
  for (guint i = 0; i < 1000; i++)
    g_string_append (dotted, "k.");
  g_string_append (dotted, "k = 1\n");
  h = g_string_free (header, FALSE);
  d = g_string_free (dotted, FALSE);

  {
    g_autoptr(JsonNode) node = parse_ok (h_ok, NULL);
    (void) node;  /* held for its cleanup */
  }
  assert_refused (h, -1, KARI_TOML_ERROR_TOO_DEEP, 1, 2 + 2 * KARI_TOML_MAX_DEPTH);
  assert_refused (d, -1, KARI_TOML_ERROR_TOO_DEEP, 1, 1 + 2 * KARI_TOML_MAX_DEPTH);
}

static void
test_depth_array_of_tables (void)
{
  /* [[a.a…]]: each level holds an array and a table. */
  GString *s = g_string_new ("");
  g_autofree char *text = NULL;

  for (guint i = 1; i <= KARI_TOML_MAX_DEPTH; i++)
    {
      g_string_append (s, "[[");
      for (guint j = 0; j < i; j++)
        g_string_append (s, j ? ".a" : "a");
      g_string_append (s, "]]\n");
    }
  text = g_string_free (s, FALSE);
  /* Line 32 reaches depth 64; line 33's array would be at 65. */
  assert_refused (text, -1, KARI_TOML_ERROR_TOO_DEEP, KARI_TOML_MAX_DEPTH / 2 + 1,
                  3 + KARI_TOML_MAX_DEPTH);
}

static void
test_size_limit (void)
{
  gsize limit = 1024 * 1024;
  g_autofree char *big = g_malloc (limit + 2);
  g_autoptr(JsonNode) node = NULL;

  /* A comment of exactly 1 MiB is accepted, one byte more is not. */
  memset (big, 'x', limit + 1);
  big[0] = '#';
  big[limit + 1] = '\0';
  {
    g_autoptr(GError) error = NULL;

    node = kari_toml_parse (big, (gssize) limit, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (node);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) refused = kari_toml_parse (big, -1, NULL, NULL, &error);

    g_assert_null (refused);
    g_assert_error (error, KARI_TOML_ERROR, KARI_TOML_ERROR_TOO_LARGE);
  }
}

static void
test_long_line_is_fast (void)
{
  /* A long single-line array with locations must stay linear. */
  GString *s = g_string_new ("a = [");
  g_autoptr(KariLocations) loc = kari_locations_new ();
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append (s, "1,");
  g_string_append (s, "2]\n");
  text = g_string_free (s, FALSE);
  node = parse_ok (text, loc);
  kari_test_assert_location (loc, "a[100000]", 1, 6 + 2 * 100000);
}

/* Odds and ends */

static void
test_bom_only (void)
{
  g_autoptr(JsonNode) node = parse_ok ("\xef\xbb\xbf", NULL);

  g_assert_cmpuint (json_object_get_size (json_node_get_object (node)), ==, 0);
}

static void
test_nul_escape_refused (void)
{
  assert_refused ("a = \"x\\u0000\"\n", -1, KARI_TOML_ERROR_INVALID_VALUE, 1, 7);
  assert_refused ("\"\\u0000\" = 1\n", -1, KARI_TOML_ERROR_INVALID_VALUE, 1, 2);
}

static void
test_types (void)
{
  g_autoptr(JsonNode) node = parse_ok ("i = 1\nf = 1.0\nd = 1979-05-27\n", NULL);
  JsonObject *o = json_node_get_object (node);

  g_assert_cmpuint (json_node_get_value_type (json_object_get_member (o, "i")), ==, G_TYPE_INT64);
  g_assert_cmpuint (json_node_get_value_type (json_object_get_member (o, "f")), ==, G_TYPE_DOUBLE);
  g_assert_cmpuint (json_node_get_value_type (json_object_get_member (o, "d")), ==, G_TYPE_STRING);
}

static void
test_json_equal_distinguishes_int_and_double (void)
{
  g_autoptr(JsonNode) one = json_node_init_int (json_node_alloc (), 1);
  g_autoptr(JsonNode) one_dot_zero = json_node_init_double (json_node_alloc (), 1.0);
  g_autofree char *where = NULL;

  g_assert_false (json_equal (one, one_dot_zero, "", &where));
  g_assert_cmpstr (where, ==, "(root)");
}

int
main (int   argc,
      char *argv[])
{
  guint n_valid, n_invalid;

  g_test_init (&argc, &argv, NULL);

  n_valid = add_file_tests ("valid", test_valid_file);
  n_invalid = add_file_tests ("invalid", test_invalid_file);
  g_assert_cmpuint (n_valid, >=, 80);
  g_assert_cmpuint (n_invalid, >=, 120);

  g_test_add_func ("/toml/locations/keys", test_locations_keys);
  g_test_add_func ("/toml/locations/nested", test_locations_nested);
  g_test_add_func ("/toml/locations/after-multiline-strings", test_locations_after_multiline);
  g_test_add_func ("/toml/locations/non-ascii", test_locations_non_ascii);
  g_test_add_func ("/toml/locations/bom-crlf", test_locations_bom_crlf);
  g_test_add_func ("/toml/locations/implicit-then-defined", test_locations_implicit_then_defined);
  g_test_add_func ("/toml/errors/positions", test_error_positions);
  g_test_add_func ("/toml/errors/message-names-key", test_error_message_names_key);
  g_test_add_func ("/toml/limits/depth-arrays", test_depth_arrays);
  g_test_add_func ("/toml/limits/depth-inline-tables", test_depth_inline_tables);
  g_test_add_func ("/toml/limits/depth-headers-and-keys", test_depth_headers_and_keys);
  g_test_add_func ("/toml/limits/depth-array-of-tables", test_depth_array_of_tables);
  g_test_add_func ("/toml/limits/size", test_size_limit);
  g_test_add_func ("/toml/limits/long-line", test_long_line_is_fast);
  g_test_add_func ("/toml/misc/bom-only", test_bom_only);
  g_test_add_func ("/toml/misc/nul-escape-refused", test_nul_escape_refused);
  g_test_add_func ("/toml/misc/types", test_types);
  g_test_add_func ("/toml/misc/json-equal-int-vs-double", test_json_equal_distinguishes_int_and_double);

  return g_test_run ();
}
