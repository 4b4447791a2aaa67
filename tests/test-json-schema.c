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

/* The file names outlive add_tables (): the tests get them as data. */
static GPtrArray *table_names;

static void
add_tables (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "json-schema", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = table_names = g_ptr_array_new_with_free_func (g_free);
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

/* With only an error asked for, validation stops at the first problem,
 * and it is the same first problem as the full list's. */
static void
test_problem_first_only (void)
{
  g_autoptr(KariJsonSchema) schema = compile ("{\"properties\": {\"a\": {\"type\": \"string\"}, "
                                            "\"b\": {\"minimum\": 3}}, \"additionalProperties\": false}");
  g_autoptr(JsonNode) value = parse ("{\"a\": 1, \"b\": 2, \"c\": 3}");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) full_error = NULL;
  g_autoptr(KariJsonSchemaProblem) copy = NULL;

  g_assert_false (kari_json_schema_validate (schema, value, NULL, &error));
  g_assert_false (kari_json_schema_validate (schema, value, &problems, &full_error));
  g_assert_cmpuint (problems->len, ==, 3);
  g_assert_cmpstr (error->message, ==, full_error->message);
  g_assert_cmpstr (error->message, ==, "/a: expected a string, got 1");
  g_assert_cmpstr (((KariJsonSchemaProblem *) problems->pdata[1])->message, ==,
                   "/b: 2 is less than the minimum 3");
  g_assert_cmpstr (((KariJsonSchemaProblem *) problems->pdata[2])->message, ==,
                   "(root): the member “c” is not allowed");

  {
    g_autoptr(KariJsonSchema) money = compile ("{\"multipleOf\": 0.2, \"maximum\": 0.1}");
    g_autoptr(JsonNode) amount = parse ("0.3");
    g_autoptr(KariJsonSchema) text = compile ("{\"type\": \"string\"}");
    g_autoptr(GPtrArray) found = NULL;
    g_autoptr(GError) type_error = NULL;

    /* Numbers as people write them, not as binary doubles print. */
    g_assert_false (kari_json_schema_validate (money, amount, &found, NULL));
    g_assert_cmpuint (found->len, ==, 2);
    g_assert_cmpstr (((KariJsonSchemaProblem *) found->pdata[0])->message, ==,
                     "(root): 0.3 is greater than the maximum 0.1");
    g_assert_cmpstr (((KariJsonSchemaProblem *) found->pdata[1])->message, ==,
                     "(root): 0.3 is not a multiple of 0.2");
    g_assert_false (kari_json_schema_validate (text, amount, NULL, &type_error));
    g_assert_cmpstr (type_error->message, ==, "(root): expected a string, got 0.3");
  }

  copy = kari_json_schema_problem_copy (problems->pdata[2]);
  g_ptr_array_set_size (problems, 0);
  g_assert_cmpstr (copy->keyword, ==, "additionalProperties");
  g_assert_cmpstr (copy->schema_path, ==, "/additionalProperties");
  g_assert_cmpstr (copy->instance_path, ==, "");
}

static void
test_problem_bad_utf8 (void)
{
  g_autoptr(KariJsonSchema) schema = compile ("{\"maxLength\": 5, \"pattern\": \"^a\"}");
  g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), "a\xff\xfe");
  g_autoptr(GError) error = NULL;

  /* Built by hand: a parser would not let such a string through. */
  g_assert_false (kari_json_schema_validate (schema, value, NULL, &error));
  g_assert_error (error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_INSTANCE);
  g_assert_nonnull (strstr (error->message, "not valid UTF-8"));
}

static void
test_root (void)
{
  g_autoptr(JsonNode) node = parse ("{\"type\": \"object\"}");
  g_autoptr(KariJsonSchema) schema = kari_json_schema_new (node, NULL);

  g_assert_true (kari_json_schema_get_root (schema) == node);
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
/* Hostile schemas and values                                         */

/* {"items": {"items": … {} …}} nested @depth deep, built directly: the
 * strict parser would refuse it before it reached the validator. (Not
 * much deeper than 2000: json-glib frees trees recursively.) */
static JsonNode *
nested_schema (guint depth)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), json_object_new ());

  json_object_unref (json_node_get_object (node));
  for (guint i = 0; i < depth; i++)
    {
      JsonObject *o = json_object_new ();
      JsonNode *outer;

      json_object_set_member (o, "items", node);
      outer = json_node_init_object (json_node_alloc (), o);
      json_object_unref (o);
      node = outer;
    }
  return node;
}

static JsonNode *
nested_array (guint depth)
{
  JsonNode *node = json_node_init_int (json_node_alloc (), 1);

  for (guint i = 0; i < depth; i++)
    {
      JsonArray *a = json_array_new ();
      JsonNode *outer;

      json_array_add_element (a, node);
      outer = json_node_init_array (json_node_alloc (), a);
      json_array_unref (a);
      node = outer;
    }
  return node;
}

static void
test_hostile_schema_depth (void)
{
  g_autoptr(JsonNode) ok_node = nested_schema (100);
  g_autoptr(JsonNode) deep_node = nested_schema (2000);
  g_autoptr(KariJsonSchema) ok = NULL;
  g_autoptr(KariJsonSchema) deep = NULL;
  g_autoptr(GError) error = NULL;

  ok = kari_json_schema_new (ok_node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);

  deep = kari_json_schema_new (deep_node, &error);
  g_assert_null (deep);
  g_assert_error (error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA);
  g_assert_nonnull (strstr (error->message, "nest more than"));
}

static void
test_hostile_instance_depth (void)
{
  g_autoptr(KariJsonSchema) schema = compile ("{\"items\": {\"$ref\": \"#\"}}");
  g_autoptr(JsonNode) shallow = nested_array (50);
  g_autoptr(JsonNode) deep = nested_array (2000);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  KariJsonSchemaProblem *p;

  g_assert_true (kari_json_schema_validate (schema, shallow, NULL, NULL));
  g_assert_false (kari_json_schema_validate (schema, deep, NULL, NULL));
  g_assert_false (kari_json_schema_validate (schema, deep, &problems, &error));
  g_assert_error (error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_INSTANCE);
  g_assert_cmpuint (problems->len, ==, 1);
  p = problems->pdata[0];
  g_assert_cmpstr (p->instance_path, ==, "");
  g_assert_nonnull (strstr (p->message, "too deeply nested or too costly"));
}

/* Thirty levels of anyOf with two branches each reach the same failing
 * leaf 2^30 times; the step limit ends it. */
static void
test_hostile_exponential (void)
{
  GString *text = g_string_new ("{\"$defs\": {");
  g_autoptr(KariJsonSchema) schema = NULL;
  g_autoptr(JsonNode) value = json_node_init_int (json_node_alloc (), 1);
  g_autoptr(GError) error = NULL;
  gint64 start;

  for (guint i = 0; i < 30; i++)
    g_string_append_printf (text, "\"d%u\": {\"anyOf\": [{\"$ref\": \"#/$defs/d%u\"}, "
                            "{\"$ref\": \"#/$defs/d%u\"}]}, ", i, i + 1, i + 1);
  g_string_append (text, "\"d30\": {\"type\": \"string\"}}, \"$ref\": \"#/$defs/d0\"}");
  schema = compile (text->str);
  g_string_free (text, TRUE);

  start = g_get_monotonic_time ();
  g_assert_false (kari_json_schema_validate (schema, value, NULL, &error));
  g_assert_error (error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_INSTANCE);
  g_assert_nonnull (strstr (error->message, "too costly"));
  /* A million steps, not a billion: well under a minute even under ASan. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
}

static void
test_hostile_unique_items (void)
{
  g_autoptr(KariJsonSchema) schema = compile ("{\"uniqueItems\": true}");
  g_autoptr(JsonArray) small = json_array_new ();
  g_autoptr(JsonArray) large = json_array_new ();
  g_autoptr(JsonNode) small_node = NULL;
  g_autoptr(JsonNode) large_node = NULL;

  for (gint64 i = 0; i < 1000; i++)
    json_array_add_int_element (small, i);
  for (gint64 i = 0; i < 5000; i++)
    json_array_add_int_element (large, i);
  small_node = json_node_init_array (json_node_alloc (), small);
  large_node = json_node_init_array (json_node_alloc (), large);

  g_assert_true (kari_json_schema_validate (schema, small_node, NULL, NULL));
  g_assert_false (kari_json_schema_validate (schema, large_node, NULL, NULL));
}

static void
test_hostile_long_chain (void)
{
  GString *text = g_string_new ("{\"$defs\": {");

  /* A chain of 200 references that never descends into the value. */
  for (guint i = 0; i < 200; i++)
    g_string_append_printf (text, "\"d%u\": {\"$ref\": \"#/$defs/d%u\"}, ", i, i + 1);
  g_string_append (text, "\"d200\": {}}, \"$ref\": \"#/$defs/d0\"}");
  assert_compile_error (text->str, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, "chain more than");
  g_string_free (text, TRUE);
}

/* ------------------------------------------------------------------ */
/* Fields and defaults                                                */

static KariJsonSchema *
settings_schema (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "json-schema-settings",
                                                 "settings.schema.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  return compile (text);
}

static KariJsonSchemaField *
field_at (GPtrArray  *fields,
          guint       index,
          const char *pointer,
          KariJsonSchemaFieldKind kind)
{
  KariJsonSchemaField *field;

  g_assert_cmpuint (index, <, fields->len);
  field = fields->pdata[index];
  g_assert_cmpstr (field->pointer, ==, pointer);
  g_assert_cmpint (field->kind, ==, kind);
  return field;
}

static void
assert_json (JsonNode   *node,
             const char *expected)
{
  g_autoptr(JsonNode) want = parse (expected);

  if (!json_node_equal (node, want))
    {
      g_autofree char *got = json_to_string (node, FALSE);

      g_error ("got %s, expected %s", got, expected);
    }
}

static void
test_fields (void)
{
  g_autoptr(KariJsonSchema) schema = settings_schema ();
  g_autoptr(GPtrArray) fields = kari_json_schema_list_fields (schema);
  g_autoptr(KariJsonSchemaField) copy = NULL;
  KariJsonSchemaField *f;

  g_assert_cmpuint (fields->len, ==, 20);

  f = field_at (fields, 0, "/city", KARI_JSON_SCHEMA_FIELD_STRING);
  g_assert_cmpstr (f->key, ==, "city");
  g_assert_cmpstr (f->title, ==, "City");
  g_assert_cmpstr (f->description, ==, "Where the forecast is for");
  g_assert_true (f->required);
  g_assert_false (f->secret);
  assert_json (f->default_value, "\"Helsinki\"");

  f = field_at (fields, 1, "/units", KARI_JSON_SCHEMA_FIELD_ENUM);
  g_assert_false (f->required);
  g_assert_cmpuint (json_array_get_length (f->choices), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (f->choices, 1), ==, "imperial");
  g_assert_cmpuint (g_strv_length (f->choice_labels), ==, 2);
  g_assert_cmpstr (f->choice_labels[0], ==, "Metric (°C, km/h)");
  g_assert_cmpstr (f->choice_labels[1], ==, "Imperial (°F, mph)");
  assert_json (f->default_value, "\"metric\"");

  f = field_at (fields, 2, "/refresh_minutes", KARI_JSON_SCHEMA_FIELD_INTEGER);
  g_assert_true (f->has_minimum && f->has_maximum);
  g_assert_cmpfloat (f->minimum, ==, 5);
  g_assert_cmpfloat (f->maximum, ==, 1440);

  f = field_at (fields, 3, "/threshold", KARI_JSON_SCHEMA_FIELD_NUMBER);
  g_assert_true (f->has_minimum && f->has_maximum);
  g_assert_cmpfloat (f->minimum, ==, 0);
  g_assert_cmpfloat (f->maximum, ==, 100);
  g_assert_null (f->default_value);

  /* Exclusive integer bounds become the nearest allowed values. */
  f = field_at (fields, 4, "/retries", KARI_JSON_SCHEMA_FIELD_INTEGER);
  g_assert_cmpfloat (f->minimum, ==, 1);
  g_assert_cmpfloat (f->maximum, ==, 9);

  f = field_at (fields, 5, "/api_key", KARI_JSON_SCHEMA_FIELD_STRING);
  g_assert_true (f->secret);
  f = field_at (fields, 6, "/password", KARI_JSON_SCHEMA_FIELD_STRING);
  g_assert_true (f->secret);
  g_assert_cmpstr (f->format, ==, "password");
  f = field_at (fields, 7, "/token", KARI_JSON_SCHEMA_FIELD_STRING);
  g_assert_true (f->secret);

  f = field_at (fields, 8, "/notify", KARI_JSON_SCHEMA_FIELD_BOOLEAN);
  g_assert_false (f->secret);
  assert_json (f->default_value, "true");

  f = field_at (fields, 9, "/level", KARI_JSON_SCHEMA_FIELD_ENUM);
  g_assert_cmpuint (json_array_get_length (f->choices), ==, 4);
  g_assert_cmpstr (f->choice_labels[0], ==, "low");
  g_assert_cmpstr (f->choice_labels[3], ==, "3");

  f = field_at (fields, 10, "/endpoint", KARI_JSON_SCHEMA_FIELD_STRING);
  g_assert_cmpstr (f->format, ==, "uri");
  field_at (fields, 11, "/contact", KARI_JSON_SCHEMA_FIELD_STRING);
  field_at (fields, 12, "/since", KARI_JSON_SCHEMA_FIELD_STRING);

  /* Through a $ref: the title where it is used, the rest from $defs. */
  f = field_at (fields, 13, "/server", KARI_JSON_SCHEMA_FIELD_STRING);
  g_assert_cmpstr (f->title, ==, "Server");
  g_assert_cmpstr (f->description, ==, "A host name");
  g_assert_cmpstr (f->format, ==, "hostname");
  assert_json (f->default_value, "\"localhost\"");

  field_at (fields, 14, "/tags", KARI_JSON_SCHEMA_FIELD_ARRAY);

  /* An object, then its members. */
  f = field_at (fields, 15, "/proxy", KARI_JSON_SCHEMA_FIELD_OBJECT);
  g_assert_cmpstr (f->title, ==, "Proxy");
  f = field_at (fields, 16, "/proxy/host", KARI_JSON_SCHEMA_FIELD_STRING);
  g_assert_true (f->required);
  f = field_at (fields, 17, "/proxy/port", KARI_JSON_SCHEMA_FIELD_INTEGER);
  g_assert_false (f->required);
  f = field_at (fields, 18, "/proxy/a~1b~0c", KARI_JSON_SCHEMA_FIELD_STRING);
  g_assert_cmpstr (f->key, ==, "a/b~c");
  field_at (fields, 19, "/extra", KARI_JSON_SCHEMA_FIELD_OTHER);

  /* The boxed copy is deep. */
  copy = kari_json_schema_field_copy (fields->pdata[1]);
  g_ptr_array_set_size (fields, 0);
  g_assert_cmpstr (copy->choice_labels[0], ==, "Metric (°C, km/h)");
  g_assert_cmpstr (json_array_get_string_element (copy->choices, 0), ==, "metric");
}

static void
test_fields_recursive (void)
{
  g_autoptr(KariJsonSchema) schema = compile (
    "{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"}, "
    "\"child\": {\"$ref\": \"#\"}}}");
  g_autoptr(GPtrArray) fields = kari_json_schema_list_fields (schema);
  g_autoptr(KariJsonSchema) scalar = compile ("{\"type\": \"integer\"}");
  g_autoptr(GPtrArray) none = kari_json_schema_list_fields (scalar);

  /* The object is listed, its members are not listed again forever. */
  g_assert_cmpuint (fields->len, ==, 2);
  field_at (fields, 0, "/name", KARI_JSON_SCHEMA_FIELD_STRING);
  field_at (fields, 1, "/child", KARI_JSON_SCHEMA_FIELD_OBJECT);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_defaults (void)
{
  g_autoptr(KariJsonSchema) schema = settings_schema ();
  g_autoptr(JsonNode) empty = kari_json_schema_apply_defaults (schema, NULL);
  g_autoptr(JsonNode) partial = parse ("{\"city\": \"Oulu\", \"notify\": false, \"proxy\": {\"host\": \"p.example\"}}");
  g_autoptr(JsonNode) filled = NULL;
  g_autoptr(JsonNode) filled_again = NULL;
  g_autoptr(GError) error = NULL;

  /* The proxy object is left out: it would lack its required host. */
  assert_json (empty, "{\"city\": \"Helsinki\", \"units\": \"metric\", \"refresh_minutes\": 30, "
               "\"notify\": true, \"endpoint\": \"https://api.example.com/v1\", \"server\": \"localhost\"}");
  g_assert_true (kari_json_schema_validate (schema, empty, NULL, &error));
  g_assert_no_error (error);

  filled = kari_json_schema_apply_defaults (schema, partial);
  assert_json (filled, "{\"city\": \"Oulu\", \"notify\": false, \"proxy\": {\"host\": \"p.example\", "
               "\"port\": 8080}, \"units\": \"metric\", \"refresh_minutes\": 30, "
               "\"endpoint\": \"https://api.example.com/v1\", \"server\": \"localhost\"}");
  g_assert_true (kari_json_schema_validate (schema, filled, NULL, &error));
  g_assert_no_error (error);
  /* The input is untouched, and so is the schema. */
  assert_json (partial, "{\"city\": \"Oulu\", \"notify\": false, \"proxy\": {\"host\": \"p.example\"}}");
  json_object_set_int_member (json_node_get_object (filled), "refresh_minutes", 5);
  filled_again = kari_json_schema_apply_defaults (schema, NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (filled_again), "refresh_minutes"), ==, 30);
}

static void
test_defaults_nested (void)
{
  g_autoptr(KariJsonSchema) schema = compile (
    "{\"properties\": {\"a\": {\"properties\": {\"b\": {\"properties\": {\"c\": {\"default\": 1}}}}}, "
    "\"loop\": {\"$ref\": \"#\"}, \"n\": {\"type\": \"integer\"}}}");
  g_autoptr(KariJsonSchema) rooted = compile ("{\"type\": \"object\", \"default\": {\"x\": 1}, "
                                            "\"properties\": {\"y\": {\"default\": 2}}}");
  g_autoptr(KariJsonSchema) scalar = compile ("{\"type\": \"integer\"}");
  g_autoptr(JsonNode) value = parse ("7");
  g_autoptr(JsonNode) a = kari_json_schema_apply_defaults (schema, NULL);
  g_autoptr(JsonNode) b = kari_json_schema_apply_defaults (rooted, NULL);
  g_autoptr(JsonNode) c = kari_json_schema_apply_defaults (scalar, value);

  /* Missing objects are made to hold nested defaults; the recursive
   * "loop" member stops. */
  g_assert_true (json_node_get_node_type (a) == JSON_NODE_OBJECT);
  g_assert_cmpint (json_object_get_int_member (
    json_object_get_object_member (json_object_get_object_member (json_node_get_object (a), "a"), "b"),
    "c"), ==, 1);
  g_assert_false (json_object_has_member (json_node_get_object (a), "loop"));
  assert_json (b, "{\"x\": 1, \"y\": 2}");
  assert_json (c, "7");
}

/* ------------------------------------------------------------------ */
/* Threads                                                            */

typedef struct
{
  KariJsonSchema *schema;
  JsonNode       *valid;
  JsonNode       *invalid;
} ThreadData;

static gpointer
validate_many (gpointer user_data)
{
  ThreadData *data = user_data;

  for (guint i = 0; i < 500; i++)
    {
      g_autoptr(GPtrArray) problems = NULL;

      if (!kari_json_schema_validate (data->schema, data->valid, NULL, NULL))
        return GINT_TO_POINTER (FALSE);
      if (kari_json_schema_validate (data->schema, data->invalid, &problems, NULL)
          || problems->len != 3)
        return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

/* A compiled schema is read-only: threads may share it (a D-Bus service
 * validates in worker threads). */
static void
test_threads (void)
{
  g_autoptr(KariJsonSchema) schema = settings_schema ();
  g_autoptr(JsonNode) valid = parse ("{\"city\": \"Oulu\", \"api_key\": \"0123456789abcdef0123456789ABCDEF\", "
                                     "\"since\": \"2024-05-01T12:30:00Z\", \"proxy\": {\"host\": \"p.example\"}}");
  g_autoptr(JsonNode) invalid = parse ("{\"city\": \"Oulu\", \"api_key\": \"short\", "
                                       "\"since\": \"yesterday\", \"proxy\": {\"host\": \"p_example\"}}");
  ThreadData data = { schema, valid, invalid };
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("validate", validate_many, &data);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

/* ------------------------------------------------------------------ */
/* Main                                                               */

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  add_tables ();
  g_test_add_func ("/json-schema/problem/paths", test_problem_paths);
  g_test_add_func ("/json-schema/problem/first-only", test_problem_first_only);
  g_test_add_func ("/json-schema/problem/bad-utf8", test_problem_bad_utf8);
  g_test_add_func ("/json-schema/root", test_root);
  g_test_add_func ("/json-schema/compile/errors", test_compile_errors);
  g_test_add_func ("/json-schema/compile/ref-cycles", test_ref_cycles);
  g_test_add_func ("/json-schema/hostile/schema-depth", test_hostile_schema_depth);
  g_test_add_func ("/json-schema/hostile/instance-depth", test_hostile_instance_depth);
  g_test_add_func ("/json-schema/hostile/exponential", test_hostile_exponential);
  g_test_add_func ("/json-schema/hostile/unique-items", test_hostile_unique_items);
  g_test_add_func ("/json-schema/hostile/long-chain", test_hostile_long_chain);
  g_test_add_func ("/json-schema/fields/settings", test_fields);
  g_test_add_func ("/json-schema/fields/recursive", test_fields_recursive);
  g_test_add_func ("/json-schema/defaults/settings", test_defaults);
  g_test_add_func ("/json-schema/defaults/nested", test_defaults_nested);
  g_test_add_func ("/json-schema/threads", test_threads);
  status = g_test_run ();
  g_ptr_array_unref (table_names);
  return status;
}
