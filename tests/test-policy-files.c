/* test-policy-files.c — malformed rules files (included by test-policy.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

typedef struct
{
  const char *name;
  const char *json;
  const char *diagnostic;   /* the first diagnostic, as kari_diagnostic_to_string() writes it */
} BadFileCase;

static const BadFileCase bad_files[] = {
  { "syntax", "{\n  \"rules\": [,]\n}",
    "team.json:2:13: error: expected a value, found ‘,’" },
  { "not-object", "[]",
    "team.json:1:1: error: expected an object, got an array" },
  { "base", "{\"base\": \"lenient\"}",
    "team.json:1:2: error: base: expected one of strict, balanced, permissive, got \"lenient\"" },
  { "base-type", "{\"base\": 3}",
    "team.json:1:2: error: base: expected a string, got 3" },
  { "rules-type", "{\n \"rules\": {}\n}",
    "team.json:2:2: error: rules: expected an array, got an object" },
  { "rule-type", "{\"rules\": [\n  \"deny\"\n]}",
    "team.json:2:3: error: rules[0]: expected an object, got \"deny\"" },
  { "decision", "{\"rules\": [\n  {\"decision\": \"allow\"},\n  {\"decision\": \"ask\"},\n  {\"decision\": \"deny\"},\n"
                "  {\"id\": \"x\",\n   \"decision\": \"maybe\"}\n]}",
    "team.json:6:4: error: rules[3].decision: expected one of allow, ask, deny, got \"maybe\"" },
  { "decision-missing", "{\"rules\": [{\"permission\": \"data\"}]}",
    "team.json:1:12: error: rules[0]: missing “decision” (allow, ask or deny)" },
  { "decision-type", "{\"rules\": [{\"decision\": true}]}",
    "team.json:1:13: error: rules[0].decision: expected a string, got true" },
  { "id", "{\"rules\": [{\"id\": \"no net\", \"decision\": \"deny\"}]}",
    "team.json:1:13: error: rules[0].id: expected an id of 1 to 64 letters, digits, “.”, “_” or “-”, got \"no net\"" },
  { "id-duplicate", "{\"rules\": [{\"id\": \"a\", \"decision\": \"deny\"},\n"
                    "           {\"id\": \"a\", \"decision\": \"allow\"}]}",
    "team.json:2:13: error: rules[1].id: “a” is already the id of rules[0]" },
  { "domain", "{\"rules\": [{\"permission\": \"filesytem:read\", \"decision\": \"deny\"}]}",
    "team.json:1:13: error: rules[0].permission: unknown domain “filesytem”; expected * or one of data, "
    "extension, filesystem, ipc, model, network, notifications, plugin, secrets, system" },
  { "action", "{\"rules\": [{\"permission\": \"filesystem:raed\", \"decision\": \"deny\"}]}",
    "team.json:1:13: error: rules[0].permission: “raed” is not an action of filesystem; expected * or one of read, write" },
  { "action-empty", "{\"rules\": [{\"permission\": \"network:\", \"decision\": \"deny\"}]}",
    "team.json:1:13: error: rules[0].permission: the action: the pattern is empty" },
  { "resource-anchor", "{\"rules\": [{\"permission\": \"filesystem:read:$DATAX/**\", \"decision\": \"deny\"}]}",
    "team.json:1:13: error: rules[0].permission: the resource: “$DATA” must be followed by “/” or end the pattern" },
  { "resource-stars", "{\"rules\": [{\"permission\": \"filesystem:read:/a/***\", \"decision\": \"deny\"}]}",
    "team.json:1:13: error: rules[0].permission: the resource: “***” means nothing; use * (within a path "
    "segment) or ** (across them)" },
  { "control", "{\"rules\": [{\"permission\": \"data:read\\u0001\", \"decision\": \"deny\"}]}",
    "team.json:1:13: error: rules[0].permission: the permission holds a control character" },
  { "extension-control", "{\"rules\": [{\"extension\": \"a\\nb\", \"decision\": \"deny\"}]}",
    "team.json:1:13: error: rules[0].extension: the pattern holds a control character (byte 2)" },
  { "role", "{\"rules\": [{\"role\": \"Admin\", \"decision\": \"deny\"}]}",
    "team.json:1:13: error: rules[0].role: expected a role name of 1 to 32 lowercase letters, digits, “-” or “_”, got \"Admin\"" },
  { "tenant-empty", "{\"rules\": [{\"tenant\": \"\", \"decision\": \"deny\"}]}",
    "team.json:1:13: error: rules[0].tenant: the pattern is empty" },
};

static void
test_bad_file (gconstpointer data)
{
  const BadFileCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(KariPolicy) policy = kari_policy_new_from_data ("balanced", c->json, -1, "team.json",
                                                            diagnostics, &error);
  g_autofree char *first = NULL;

  g_assert_null (policy);
  g_assert_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_INVALID);
  g_assert_cmpuint (kari_diagnostics_count (diagnostics, KARI_SEVERITY_ERROR), ==, 1);
  first = kari_diagnostic_to_string (g_ptr_array_index (diagnostics, 0));
  g_assert_cmpstr (first, ==, c->diagnostic);
  g_assert_cmpstr (error->message, ==, c->diagnostic);
}

static void
test_bad_file_several (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(KariPolicy) policy = kari_policy_new_from_data (
    NULL,
    "{\"rules\": [\n"
    "  {\"decision\": \"maybe\"},\n"
    "  {\"decision\": \"allow\", \"role\": \"\"},\n"
    "  {\"decision\": \"deny\", \"colour\": \"red\"}\n"
    "]}", -1, "team.json", diagnostics, &error);
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  g_assert_null (policy);
  g_assert_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "team.json:2:4: error: rules[0].decision: expected one of allow, ask, deny, got \"maybe\""
                   " (and 1 more errors)");
  g_assert_cmpuint (diagnostics->len, ==, 3);
  second = kari_diagnostic_to_string (g_ptr_array_index (diagnostics, 1));
  g_assert_cmpstr (second, ==, "team.json:3:25: error: rules[1].role: expected a role name of 1 to 32 "
                   "lowercase letters, digits, “-” or “_”, got \"\"");
  third = kari_diagnostic_to_string (g_ptr_array_index (diagnostics, 2));
  g_assert_cmpstr (third, ==, "team.json:4:24: warning: rules[2].colour: unknown field, ignored (a rule has "
                   "id, description, extension, permission, tenant, user, role and decision)");
}

static void
test_unknown_fields_warn (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(KariPolicy) policy = kari_policy_new_from_data (
    NULL, "{\"version\": 2, \"rules\": [{\"decision\": \"deny\", \"why\": \"because\"}]}", -1,
    "team.json", diagnostics, &error);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (policy);
  g_assert_cmpuint (diagnostics->len, ==, 2);
  g_assert_cmpuint (kari_diagnostics_count (diagnostics, KARI_SEVERITY_WARNING), ==, 2);
  first = kari_diagnostic_to_string (g_ptr_array_index (diagnostics, 0));
  g_assert_cmpstr (first, ==, "team.json:1:2: warning: version: unknown field, ignored (a rules file has "
                   "base, description and rules)");
  second = kari_diagnostic_to_string (g_ptr_array_index (diagnostics, 1));
  g_assert_cmpstr (second, ==, "team.json:1:47: warning: rules[0].why: unknown field, ignored (a rule has "
                   "id, description, extension, permission, tenant, user, role and decision)");
}

static void
test_too_many_rules (void)
{
  g_autoptr(GString) json = g_string_new ("{\"rules\": [\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPolicy) policy = NULL;
  g_autoptr(KariPolicy) at_limit = NULL;

  for (guint i = 0; i < KARI_POLICY_MAX_RULES; i++)
    g_string_append_printf (json, "%s{\"decision\":\"deny\"}\n", i > 0 ? "," : "");
  g_string_append (json, "]}");
  at_limit = kari_policy_new_from_data (NULL, json->str, -1, "team.json", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kari_policy_get_n_rules (at_limit), ==, KARI_POLICY_MAX_RULES);

  g_string_truncate (json, json->len - 2);
  g_string_append (json, ",{\"decision\":\"deny\"}]}");
  policy = kari_policy_new_from_data (NULL, json->str, -1, "team.json", NULL, &error);
  g_assert_null (policy);
  g_assert_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "team.json:1:2: error: rules: 10001 rules are more than a policy may hold (10000)");
}

static void
test_too_large (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kari-policy-XXXXXX", NULL);
  g_autofree char *big = g_malloc (KARI_POLICY_MAX_FILE_SIZE + 2);
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(KariPolicy) policy = NULL;
  g_autoptr(KariPolicy) from_data = NULL;

  /* valid JSON, only too long */
  memset (big, ' ', KARI_POLICY_MAX_FILE_SIZE + 1);
  big[0] = '{';
  big[KARI_POLICY_MAX_FILE_SIZE] = '}';
  big[KARI_POLICY_MAX_FILE_SIZE + 1] = '\0';
  path = kari_test_write (dir, "big.json", big);

  policy = kari_policy_new_from_file (NULL, path, diagnostics, &error);
  g_assert_null (policy);
  g_assert_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_INVALID);
  expected = g_strdup_printf ("%s: error: the file is 1048577 bytes long; a rules file may hold at most 1048576",
                              path);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpuint (diagnostics->len, ==, 1);
  g_clear_error (&error);

  from_data = kari_policy_new_from_data (NULL, big, -1, "big.json", NULL, &error);
  g_assert_null (from_data);
  g_assert_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "big.json: error: the file is 1048577 bytes long; a rules file may hold at most 1048576");
  kari_test_rm_rf (dir);
}

static void
test_long_pattern (void)
{
  g_autofree char *host = g_strnfill (256, 'a');
  g_autofree char *json = g_strdup_printf ("{\"rules\": [{\"permission\": \"network:http:%s\", \"decision\": \"deny\"}]}",
                                           host);
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPolicy) policy = kari_policy_new_from_data (NULL, json, -1, "team.json", NULL, &error);

  g_assert_null (policy);
  g_assert_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "team.json:1:13: error: rules[0].permission: the resource: the pattern "
                   "is 256 bytes long; at most 255 are accepted");
}

static void
add_file_tests (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *path = g_strconcat ("/policy/file/bad/", bad_files[i].name, NULL);
      g_test_add_data_func (path, &bad_files[i], test_bad_file);
    }
  g_test_add_func ("/policy/file/several-errors", test_bad_file_several);
  g_test_add_func ("/policy/file/unknown-fields", test_unknown_fields_warn);
  g_test_add_func ("/policy/file/too-many-rules", test_too_many_rules);
  g_test_add_func ("/policy/file/too-large", test_too_large);
  g_test_add_func ("/policy/file/long-pattern", test_long_pattern);
}
