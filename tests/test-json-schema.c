/* test-json-schema.c: the JSON Schema validator — the keyword tables in
 * tests/data/json-schema/ (JSON-Schema-Test-Suite format), error paths,
 * hostile schemas and values, fields for the preferences page, defaults.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A table file is [{description, schema, tests: [{description, data,
 * valid}]}] as in the official suite, so its files can be dropped in.
 * Two optional members go beyond it: a group's "compile_error"
 * ("invalid-schema" or "unsupported") says the schema must be refused,
 * and a case's "keyword" / "instance_path" name the first problem
 * expected.
 */
#include <string.h>

#include <kari-json-schema.h>
#include <kari-json.h>

#include "kari-test-util.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = kari_json_parse (text, -1, NULL, NULL, &error);

  g_assert_no_error (error);
  return node;
}

static KariJsonSchema *
compile (const char *text)
{
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  KariJsonSchema *schema = kari_json_schema_new (node, &error);

  g_assert_no_error (error);
  g_assert_nonnull (schema);
  return schema;
}

static void
assert_compile_error (const char          *text,
                      KariJsonSchemaError  code,
                      const char          *message_part)
{
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(KariJsonSchema) schema = kari_json_schema_new (node, &error);

  g_assert_null (schema);
  g_assert_error (error, KARI_JSON_SCHEMA_ERROR, (int) code);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, message_part);
}

/* ------------------------------------------------------------------ */
/* The tables                                                         */

static const char *
compile_error_name (const GError *error)
{
  if (error == NULL)
    return "none";
  if (error->code == KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA)
    return "invalid-schema";
  if (error->code == KARI_JSON_SCHEMA_ERROR_UNSUPPORTED)
    return "unsupported";
  return "other";
}

static void
run_case (KariJsonSchema *schema,
          const char     *group,
          JsonObject     *test,
          guint          *n_cases)
{
  const char *description = json_object_get_string_member (test, "description");
  gboolean expected = json_object_get_boolean_member (test, "valid");
  JsonNode *data = json_object_get_member (test, "data");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  gboolean valid, quick;
  KariJsonSchemaProblem *first;

  (*n_cases)++;
  valid = kari_json_schema_validate (schema, data, &problems, &error);
  /* The fast path (nothing collected) must agree with the full one. */
  quick = kari_json_schema_validate (schema, data, NULL, NULL);
  if (valid != expected || quick != expected)
    {
      g_test_message ("%s / %s: expected %s, got %s (quick %s)%s%s", group, description,
                      expected ? "valid" : "invalid", valid ? "valid" : "invalid",
                      quick ? "valid" : "invalid", error != NULL ? ": " : "",
                      error != NULL ? error->message : "");
      g_test_fail ();
      return;
    }
  if (valid)
    {
      g_assert_no_error (error);
      g_assert_cmpuint (problems->len, ==, 0);
      return;
    }

  /* Every refusal says where and why. */
  g_assert_error (error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_INSTANCE);
  g_assert_cmpuint (problems->len, >, 0);
  first = problems->pdata[0];
  g_assert_cmpstr (error->message, ==, first->message);
  g_assert_true (g_str_has_prefix (first->message, *first->instance_path != '\0' ? first->instance_path : "(root)"));
  if (json_object_has_member (test, "keyword")
      && g_strcmp0 (first->keyword, json_object_get_string_member (test, "keyword")) != 0)
    {
      g_test_message ("%s / %s: first problem is “%s” (%s), expected keyword %s", group, description,
                      first->keyword, first->message, json_object_get_string_member (test, "keyword"));
      g_test_fail ();
    }
  if (json_object_has_member (test, "instance_path")
      && g_strcmp0 (first->instance_path, json_object_get_string_member (test, "instance_path")) != 0)
    {
      g_test_message ("%s / %s: first problem at “%s” (%s), expected %s", group, description,
                      first->instance_path, first->message,
                      json_object_get_string_member (test, "instance_path"));
      g_test_fail ();
    }
  if (json_object_has_member (test, "schema_path")
      && g_strcmp0 (first->schema_path, json_object_get_string_member (test, "schema_path")) != 0)
    {
      g_test_message ("%s / %s: first problem from “%s”, expected %s", group, description,
                      first->schema_path, json_object_get_string_member (test, "schema_path"));
      g_test_fail ();
    }
}

static void
test_table (gconstpointer data)
{
  const char *file = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "json-schema", file, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *groups;
  guint n_cases = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  root = kari_json_parse (text, -1, NULL, NULL, &error);
  g_assert_no_error (error);
  groups = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (groups), >, 0);

  for (guint g = 0; g < json_array_get_length (groups); g++)
    {
      JsonObject *group = json_array_get_object_element (groups, g);
      const char *description = json_object_get_string_member (group, "description");
      const char *want_error = json_object_get_string_member_with_default (group, "compile_error", "none");
      g_autoptr(GError) compile_error = NULL;
      g_autoptr(KariJsonSchema) schema = NULL;
      JsonArray *tests;

      schema = kari_json_schema_new (json_object_get_member (group, "schema"), &compile_error);
      if (g_strcmp0 (compile_error_name (compile_error), want_error) != 0)
        {
          g_test_message ("%s: %s: compile error expected %s, got %s%s%s", file, description,
                          want_error, compile_error_name (compile_error),
                          compile_error != NULL ? ": " : "",
                          compile_error != NULL ? compile_error->message : "");
          g_test_fail ();
          continue;
        }
      if (schema == NULL)
        {
          n_cases++;
          g_assert_nonnull (compile_error);
          g_assert_cmpstr (compile_error->message, !=, "");
          continue;
        }

      tests = json_object_get_array_member (group, "tests");
      for (guint t = 0; t < json_array_get_length (tests); t++)
        run_case (schema, description, json_array_get_object_element (tests, t), &n_cases);
    }
  g_test_message ("%s: %u cases", file, n_cases);
  g_assert_cmpuint (n_cases, >, 0);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
add_tables (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "json-schema", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *stem = g_strndup (names->pdata[i], strlen (names->pdata[i]) - 5);
      g_autofree char *test_path = g_strconcat ("/json-schema/table/", stem, NULL);

      /* The name lives as long as the test program. */
      g_test_add_data_func (test_path, names->pdata[i], test_table);
    }
}

/* ------------------------------------------------------------------ */
/* Errors                                                             */

static void
test_problem_paths (void)
{
  g_autoptr(KariJsonSchema) schema = compile (
    "{\"type\": \"object\", \"properties\": {\"servers\": {\"type\": \"array\", \"items\": "
    "{\"type\": \"object\", \"properties\": {\"port\": {\"type\": \"integer\", \"maximum\": 65535}},"
    " \"required\": [\"port\"]}}}}");
  g_autoptr(JsonNode) value = parse ("{\"servers\": [{\"port\": 1}, {}, {\"port\": 70000}]}");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  KariJsonSchemaProblem *p;

  g_assert_false (kari_json_schema_validate (schema, value, &problems, &error));
  g_assert_error (error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_INSTANCE);
  g_assert_cmpuint (problems->len, ==, 2);

  p = problems->pdata[0];
  g_assert_cmpstr (p->instance_path, ==, "/servers/1");
  g_assert_cmpstr (p->keyword, ==, "required");
  g_assert_cmpstr (p->schema_path, ==, "/properties/servers/items/required");
  g_assert_cmpstr (p->message, ==, "/servers/1: the member “port” is required");

  p = problems->pdata[1];
  g_assert_cmpstr (p->instance_path, ==, "/servers/2/port");
  g_assert_cmpstr (p->keyword, ==, "maximum");
  g_assert_cmpstr (p->schema_path, ==, "/properties/servers/items/properties/port/maximum");
  g_assert_cmpstr (p->message, ==, "/servers/2/port: 70000 is greater than the maximum 65535");
  g_assert_cmpstr (error->message, ==, "/servers/1: the member “port” is required");
}

static void
test_compile_errors (void)
{
  assert_compile_error ("3", KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, "expected a schema");
  assert_compile_error ("{\"properties\": {\"a\": {\"minimum\": \"5\"}}}",
                        KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, "schema /properties/a/minimum:");
  assert_compile_error ("{\"$ref\": \"https://example.com/schema.json\"}",
                        KARI_JSON_SCHEMA_ERROR_UNSUPPORTED, "leaves the schema");
  assert_compile_error ("{\"$dynamicRef\": \"#meta\"}", KARI_JSON_SCHEMA_ERROR_UNSUPPORTED,
                        "$dynamicRef");
  assert_compile_error ("{\"$ref\": \"#/$defs/missing\"}", KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA,
                        "does not lead to anything");
}

static void
test_ref_cycles (void)
{
  g_autoptr(KariJsonSchema) tree = NULL;
  g_autoptr(JsonNode) deep = NULL;

  assert_compile_error ("{\"$ref\": \"#\"}", KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, "never ends");
  assert_compile_error ("{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"allOf\": "
                        "[{\"$ref\": \"#/$defs/a\"}]}}, \"$ref\": \"#/$defs/a\"}",
                        KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, "never ends");
  assert_compile_error ("{\"not\": {\"anyOf\": [true, {\"$ref\": \"#\"}]}}",
                        KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, "never ends");

  /* Recursion through a member ends with the value: allowed. */
  tree = compile ("{\"type\": \"object\", \"properties\": {\"children\": {\"type\": \"array\", "
                  "\"items\": {\"$ref\": \"#\"}}}}");
  deep = parse ("{\"children\": [{\"children\": []}, {\"children\": [{\"children\": [3]}]}]}");
  g_assert_false (kari_json_schema_validate (tree, deep, NULL, NULL));
}

/* ------------------------------------------------------------------ */
/* Main                                                               */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_tables ();
  g_test_add_func ("/json-schema/problem/paths", test_problem_paths);
  g_test_add_func ("/json-schema/compile/errors", test_compile_errors);
  g_test_add_func ("/json-schema/compile/ref-cycles", test_ref_cycles);
  return g_test_run ();
}
