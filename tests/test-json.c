/* test-json.c: the strict JSON parser — valid and invalid documents,
 * locations, duplicates, surrogates and limits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <kari-json.h>

#include "json-equal.h"
#include "kari-test-util.h"

/* Each valid document, and the same tree written the way json-glib
 * reads it (json-glib is lenient, but these inputs are plain). */
static const struct
{
  const char *name;
  const char *text;
  const char *expected;
} valid_cases[] = {
  { "empty-object", "{}", "{}" },
  { "empty-array", "[]", "[]" },
  { "scalar-int", "42", "42" },
  { "scalar-string", "\"x\"", "\"x\"" },
  { "scalar-true", "true", "true" },
  { "scalar-false", "false", "false" },
  { "scalar-null", "null", "null" },
  { "whitespace", " \t\r\n{ \"a\" : [ 1 , 2 ] }\r\n ", "{\"a\":[1,2]}" },
  { "nested", "{\"a\":{\"b\":[{\"c\":null}]}}", "{\"a\":{\"b\":[{\"c\":null}]}}" },
  { "int-zero", "0", "0" },
  { "int-negative", "-17", "-17" },
  { "int-max", "9223372036854775807", "9223372036854775807" },
  { "int-min", "-9223372036854775808", "-9223372036854775808" },
  { "int-too-big-is-double", "9223372036854775808", "9223372036854775808.0" },
  { "float", "3.25", "3.25" },
  { "float-one", "1.0", "1.0" },
  { "float-exp", "1e3", "1000.0" },
  { "float-exp-upper-signed", "-2.5E-2", "-0.025" },
  { "float-exp-plus", "1E+2", "100.0" },
  { "float-negative-zero", "-0.0", "-0.0" },
  { "escapes", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\\"\\\\/\\b\\f\\n\\r\\t\"" },
  { "unicode-escape", "\"\\u00e9\\u20AC\"", "\"é€\"" },
  { "surrogate-pair", "\"\\ud83d\\ude00\"", "\"😀\"" },
  { "raw-unicode", "\"日本 🎉\"", "\"日本 🎉\"" },
  { "del-char", "\"\x7f\"", "\"\x7f\"" },
  { "bom", "\xef\xbb\xbf{\"a\":1}", "{\"a\":1}" },
  { "same-key-different-objects", "[{\"a\":1},{\"a\":2}]", "[{\"a\":1},{\"a\":2}]" },
  { "empty-key", "{\"\":1}", "{\"\":1}" },
  { "keys-differ-by-escape", "{\"a\":1,\"\\u0062\":2}", "{\"a\":1,\"b\":2}" },
};

static const struct
{
  const char    *name;
  const char    *text;
  KariJsonError  code;
  guint          line;
  guint          column;
} invalid_cases[] = {
  { "empty", "", KARI_JSON_ERROR_SYNTAX, 1, 1 },
  { "only-whitespace", "  \n ", KARI_JSON_ERROR_SYNTAX, 2, 2 },
  { "trailing-comma-array", "[1,]", KARI_JSON_ERROR_SYNTAX, 1, 4 },
  { "trailing-comma-object", "{\"a\":1,}", KARI_JSON_ERROR_SYNTAX, 1, 8 },
  { "leading-comma", "[,1]", KARI_JSON_ERROR_SYNTAX, 1, 2 },
  { "double-comma", "[1,,2]", KARI_JSON_ERROR_SYNTAX, 1, 4 },
  { "missing-comma", "[1 2]", KARI_JSON_ERROR_SYNTAX, 1, 4 },
  { "missing-colon", "{\"a\" 1}", KARI_JSON_ERROR_SYNTAX, 1, 6 },
  { "unquoted-key", "{a:1}", KARI_JSON_ERROR_SYNTAX, 1, 2 },
  { "single-quotes", "['a']", KARI_JSON_ERROR_SYNTAX, 1, 2 },
  { "comment-line", "{} // c", KARI_JSON_ERROR_SYNTAX, 1, 4 },
  { "comment-block", "[/* c */ 1]", KARI_JSON_ERROR_SYNTAX, 1, 2 },
  { "leading-zero", "01", KARI_JSON_ERROR_SYNTAX, 1, 1 },
  { "leading-zero-negative", "[-012]", KARI_JSON_ERROR_SYNTAX, 1, 3 },
  { "plus-sign", "+1", KARI_JSON_ERROR_SYNTAX, 1, 1 },
  { "dot-no-digit", "1.", KARI_JSON_ERROR_SYNTAX, 1, 3 },
  { "dot-first", ".5", KARI_JSON_ERROR_SYNTAX, 1, 1 },
  { "exp-no-digit", "1e", KARI_JSON_ERROR_SYNTAX, 1, 3 },
  { "minus-alone", "-", KARI_JSON_ERROR_SYNTAX, 1, 2 },
  { "hex", "0x10", KARI_JSON_ERROR_SYNTAX, 1, 2 },
  { "nan", "NaN", KARI_JSON_ERROR_SYNTAX, 1, 1 },
  { "infinity", "[Infinity]", KARI_JSON_ERROR_SYNTAX, 1, 2 },
  { "huge-number", "1e400", KARI_JSON_ERROR_SYNTAX, 1, 1 },
  { "true-capital", "True", KARI_JSON_ERROR_SYNTAX, 1, 1 },
  { "truex", "truex", KARI_JSON_ERROR_SYNTAX, 1, 1 },
  { "nul-literal-partial", "nul", KARI_JSON_ERROR_SYNTAX, 1, 1 },
  { "trailing-garbage", "{} x", KARI_JSON_ERROR_SYNTAX, 1, 4 },
  { "two-documents", "{}{}", KARI_JSON_ERROR_SYNTAX, 1, 3 },
  { "unclosed-array", "[1", KARI_JSON_ERROR_SYNTAX, 1, 3 },
  { "unclosed-object", "{\"a\":1", KARI_JSON_ERROR_SYNTAX, 1, 7 },
  { "unclosed-string", "\"abc", KARI_JSON_ERROR_SYNTAX, 1, 1 },
  { "control-in-string", "\"a\tb\"", KARI_JSON_ERROR_SYNTAX, 1, 3 },
  { "newline-in-string", "[\"a\nb\"]", KARI_JSON_ERROR_SYNTAX, 1, 4 },
  { "bad-escape", "\"\\x41\"", KARI_JSON_ERROR_SYNTAX, 1, 2 },
  { "bad-escape-single-quote", "\"\\'\"", KARI_JSON_ERROR_SYNTAX, 1, 2 },
  { "short-unicode-escape", "\"\\u12\"", KARI_JSON_ERROR_SYNTAX, 1, 2 },
  { "lone-high-surrogate", "\"\\ud800\"", KARI_JSON_ERROR_ENCODING, 1, 2 },
  { "lone-low-surrogate", "\"x\\udc00\"", KARI_JSON_ERROR_ENCODING, 1, 3 },
  { "high-then-high", "\"\\ud800\\ud800\"", KARI_JSON_ERROR_ENCODING, 1, 2 },
  { "high-then-char", "\"\\ud800x\"", KARI_JSON_ERROR_ENCODING, 1, 2 },
  { "nul-escape", "\"\\u0000\"", KARI_JSON_ERROR_ENCODING, 1, 2 },
  { "invalid-utf8", "[\"\xff\"]", KARI_JSON_ERROR_ENCODING, 1, 3 },
  { "overlong-utf8", "\"\xc0\xaf\"", KARI_JSON_ERROR_ENCODING, 1, 2 },
  { "utf8-surrogate", "\"\xed\xa0\x80\"", KARI_JSON_ERROR_ENCODING, 1, 2 },
  { "duplicate", "{\"a\":1,\"a\":2}", KARI_JSON_ERROR_DUPLICATE_KEY, 1, 8 },
  { "duplicate-by-escape", "{\"a\":1,\n \"\\u0061\":2}", KARI_JSON_ERROR_DUPLICATE_KEY, 2, 2 },
  { "duplicate-nested", "{\"o\":{\"x\":[],\"y\":0,\"x\":{}}}", KARI_JSON_ERROR_DUPLICATE_KEY, 1, 20 },
  { "bom-twice", "\xef\xbb\xbf\xef\xbb\xbf{}", KARI_JSON_ERROR_SYNTAX, 1, 1 },
  { "bom-in-middle", "[1,\xef\xbb\xbf" "2]", KARI_JSON_ERROR_SYNTAX, 1, 4 },
  { "non-ascii-then-error", "[\"日本\", x]", KARI_JSON_ERROR_SYNTAX, 1, 8 },
  { "vertical-tab", "[\v1]", KARI_JSON_ERROR_SYNTAX, 1, 2 },
};

static void
test_valid (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) actual = NULL;
  g_autofree char *exact = NULL;
  KariPosition pos;

  g_assert_true (json_parser_load_from_data (parser, valid_cases[i].expected, -1, &error));
  g_assert_no_error (error);
  /* Exact-size copies, so that the sanitizers see any read past the end. */
  exact = g_memdup2 (valid_cases[i].text, strlen (valid_cases[i].text));
  actual = kari_json_parse (exact, (gssize) strlen (valid_cases[i].text), NULL, &pos, &error);
  g_assert_no_error (error);
  g_assert_nonnull (actual);
  assert_json_equal (json_parser_get_root (parser), actual);
}

static void
test_invalid (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *exact = NULL;
  KariPosition pos = { 0, 0 };

  exact = g_memdup2 (invalid_cases[i].text, strlen (invalid_cases[i].text));
  node = kari_json_parse (exact, (gssize) strlen (invalid_cases[i].text), NULL, &pos, &error);
  g_assert_null (node);
  g_assert_nonnull (error);
  g_test_message ("%u:%u: %s", pos.line, pos.column, error->message);
  g_assert_error (error, KARI_JSON_ERROR, (int) invalid_cases[i].code);
  g_assert_cmpuint (pos.line, ==, invalid_cases[i].line);
  g_assert_cmpuint (pos.column, ==, invalid_cases[i].column);
}

static void
test_locations (void)
{
  g_autoptr(KariLocations) loc = kari_locations_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kari_json_parse ("\xef\xbb\xbf{\n"
                                              "  \"name\": \"x\",\r\n"
                                              "  \"dependencies\": {\"extensions\": [\"a\",\n"
                                              "     \"b\", {\"é\": [true]}]},\n"
                                              "\t\"日本\": 1, \"a.b\": null\n"
                                              "}\n",
                                              -1, loc, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  kari_test_assert_location (loc, "", 1, 1);
  kari_test_assert_location (loc, "name", 2, 3);
  kari_test_assert_location (loc, "dependencies", 3, 3);
  kari_test_assert_location (loc, "dependencies.extensions", 3, 20);
  kari_test_assert_location (loc, "dependencies.extensions[0]", 3, 35);
  kari_test_assert_location (loc, "dependencies.extensions[1]", 4, 6);
  kari_test_assert_location (loc, "dependencies.extensions[2]", 4, 11);
  kari_test_assert_location (loc, "dependencies.extensions[2].\"é\"", 4, 12);
  kari_test_assert_location (loc, "dependencies.extensions[2].\"é\"[0]", 4, 18);
  kari_test_assert_location (loc, "\"日本\"", 5, 2);
  kari_test_assert_location (loc, "\"a.b\"", 5, 11);
  g_assert_cmpuint (kari_locations_get_size (loc), ==, 11);
}

static void
test_duplicate_message (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kari_json_parse ("{\n\"version\": 1,\n\"version\": 2}", -1,
                                              NULL, NULL, &error);

  g_assert_null (node);
  g_assert_error (error, KARI_JSON_ERROR, KARI_JSON_ERROR_DUPLICATE_KEY);
  g_assert_nonnull (strstr (error->message, "version"));
  g_assert_nonnull (strstr (error->message, "line 2"));
}

static void
test_types (void)
{
  g_autoptr(JsonNode) node = kari_json_parse ("[1, 1.0, 1e0, 99999999999999999999]", -1,
                                              NULL, NULL, NULL);
  JsonArray *a = json_node_get_array (node);

  g_assert_cmpuint (json_node_get_value_type (json_array_get_element (a, 0)), ==, G_TYPE_INT64);
  g_assert_cmpuint (json_node_get_value_type (json_array_get_element (a, 1)), ==, G_TYPE_DOUBLE);
  g_assert_cmpuint (json_node_get_value_type (json_array_get_element (a, 2)), ==, G_TYPE_DOUBLE);
  g_assert_cmpuint (json_node_get_value_type (json_array_get_element (a, 3)), ==, G_TYPE_DOUBLE);
}

static char *
nested (guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, "{\"a\":[");
  for (guint i = 0; i < n; i++)
    g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}

static void
test_depth (void)
{
  /* Each step nests an object and an array: 32 steps reach depth 64. */
  g_autofree char *ok = nested (KARI_JSON_MAX_DEPTH / 2);
  g_autofree char *deep = g_strconcat ("[", ok, "]", NULL);
  g_autofree char *very_deep = nested (100000);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kari_json_parse (ok, -1, NULL, NULL, &error);
  KariPosition pos;

  g_assert_no_error (error);
  g_assert_nonnull (node);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(JsonNode) refused = kari_json_parse (i ? very_deep : deep, -1, NULL, &pos, &e);

      g_assert_null (refused);
      g_assert_error (e, KARI_JSON_ERROR, KARI_JSON_ERROR_TOO_DEEP);
      g_assert_cmpuint (pos.line, ==, 1);
      g_assert_cmpuint (pos.column, ==, i ? 6 * 32 + 1 : 6 * 32 + 1);
    }
}

static void
test_size (void)
{
  gsize limit = 1024 * 1024;
  g_autofree char *big = g_malloc (limit + 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) refused = NULL;

  /* A string filling exactly 1 MiB is accepted, one byte more is not. */
  memset (big, 'x', limit + 1);
  big[0] = '"';
  big[limit - 1] = '"';
  big[limit] = ' ';
  big[limit + 1] = '\0';
  node = kari_json_parse (big, (gssize) limit, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_cmpuint (strlen (json_node_get_string (node)), ==, limit - 2);

  refused = kari_json_parse (big, -1, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, KARI_JSON_ERROR, KARI_JSON_ERROR_TOO_LARGE);
}

static void
test_embedded_nul (void)
{
  g_autoptr(GError) error = NULL;
  KariPosition pos;
  g_autoptr(JsonNode) node = kari_json_parse ("[1,\n 2]\0", 8, NULL, &pos, &error);

  g_assert_null (node);
  g_assert_error (error, KARI_JSON_ERROR, KARI_JSON_ERROR_ENCODING);
  g_assert_cmpuint (pos.line, ==, 2);
  g_assert_cmpuint (pos.column, ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/json/valid/%s", valid_cases[i].name);
      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_valid);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/json/invalid/%s", invalid_cases[i].name);
      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_invalid);
    }
  g_test_add_func ("/json/locations", test_locations);
  g_test_add_func ("/json/duplicate-message", test_duplicate_message);
  g_test_add_func ("/json/types", test_types);
  g_test_add_func ("/json/limits/depth", test_depth);
  g_test_add_func ("/json/limits/size", test_size);
  g_test_add_func ("/json/embedded-nul", test_embedded_nul);

  return g_test_run ();
}
