/* test-policy.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kari-test-util.h"

static const KariPermissionContext context = { "/home/ann", "/home/ann/.local/share/kari/x" };

/* ------------------------------------------------------------------ */
/* Built-ins                                                          */

typedef struct
{
  const char         *policy;
  const char         *permission;   /* domain[:action[:resource]] */
  KariPolicyDecision  decision;
  const char         *rule;
} BuiltinCase;

static const BuiltinCase builtin_cases[] = {
  { "strict", "data:read", KARI_POLICY_ALLOW, "builtin:strict:own-data" },
  { "strict", "data:write:notes", KARI_POLICY_ALLOW, "builtin:strict:own-data" },
  { "strict", "system:metrics", KARI_POLICY_DENY, "builtin:strict:system" },
  { "strict", "system:logs", KARI_POLICY_DENY, "builtin:strict:system" },
  { "strict", "network:full", KARI_POLICY_DENY, "builtin:strict:network-full" },
  { "strict", "network:http:api.github.com", KARI_POLICY_ASK, "builtin:strict:everything-else" },
  { "strict", "filesystem:read:/home/ann/.local/share/kari/x/a", KARI_POLICY_ASK, "builtin:strict:everything-else" },
  { "strict", "notifications", KARI_POLICY_ASK, "builtin:strict:everything-else" },
  { "strict", "plugin:execute:time_query", KARI_POLICY_ASK, "builtin:strict:everything-else" },
  { "strict", "secrets", KARI_POLICY_ASK, "builtin:strict:everything-else" },

  { "balanced", "data:read", KARI_POLICY_ALLOW, "builtin:balanced:own-data" },
  { "balanced", "notifications", KARI_POLICY_ALLOW, "builtin:balanced:notifications" },
  { "balanced", "notifications:send", KARI_POLICY_ALLOW, "builtin:balanced:notifications" },
  { "balanced", "plugin:execute:time_query", KARI_POLICY_ALLOW, "builtin:balanced:plugins" },
  { "balanced", "filesystem:read:/home/ann/.local/share/kari/x", KARI_POLICY_ALLOW, "builtin:balanced:data-files" },
  { "balanced", "filesystem:write:/home/ann/.local/share/kari/x/a/b.txt", KARI_POLICY_ALLOW, "builtin:balanced:data-files" },
  { "balanced", "filesystem:read:/home/ann/.local/share/kari/xy", KARI_POLICY_ASK, "builtin:balanced:files" },
  { "balanced", "filesystem:read:/home/ann/Documents/a.txt", KARI_POLICY_ASK, "builtin:balanced:files" },
  { "balanced", "network:http:api.github.com", KARI_POLICY_ASK, "builtin:balanced:network" },
  { "balanced", "network:full", KARI_POLICY_ASK, "builtin:balanced:network" },
  { "balanced", "secrets:read:token", KARI_POLICY_ASK, "builtin:balanced:secrets" },
  { "balanced", "model:inference:llama", KARI_POLICY_ASK, "builtin:balanced:models" },
  { "balanced", "extension:call:crm/contacts", KARI_POLICY_ASK, "builtin:balanced:extension-calls" },
  { "balanced", "ipc:emit:user.created", KARI_POLICY_ASK, "builtin:balanced:ipc" },
  { "balanced", "system:metrics", KARI_POLICY_ASK, "builtin:balanced:system" },

  { "permissive", "network:full", KARI_POLICY_ALLOW, "builtin:permissive:everything" },
  { "permissive", "system:logs", KARI_POLICY_ALLOW, "builtin:permissive:everything" },
  { "permissive", "filesystem:write:/etc/passwd", KARI_POLICY_ALLOW, "builtin:permissive:everything" },
};

/* Splits "domain[:action[:resource]]" into a query, in @buf. */
static void
fill_query (KariPolicyQuery *q,
            char            *buf,
            const char      *permission)
{
  char *c;

  strcpy (buf, permission);
  q->domain = buf;
  q->action = NULL;
  q->resource = NULL;
  if ((c = strchr (buf, ':')) != NULL)
    {
      *c = '\0';
      q->action = c + 1;
      if ((c = strchr (c + 1, ':')) != NULL)
        {
          *c = '\0';
          q->resource = c + 1;
        }
    }
}

static void
test_builtins (void)
{
  const char * const *names = kari_policy_builtin_names ();

  g_assert_cmpstr (names[0], ==, "strict");
  g_assert_cmpstr (names[1], ==, "balanced");
  g_assert_cmpstr (names[2], ==, "permissive");
  g_assert_null (names[3]);

  for (guint i = 0; i < G_N_ELEMENTS (builtin_cases); i++)
    {
      const BuiltinCase *c = &builtin_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(KariPolicy) policy = kari_policy_new_builtin (c->policy, &error);
      KariPolicyQuery q = { "ext", "default", "ann", NULL, NULL, NULL, NULL, &context };
      char buf[256];
      const char *rule = NULL;

      g_assert_no_error (error);
      g_assert_true (kari_policy_is_builtin (policy));
      g_assert_null (kari_policy_get_base (policy));
      fill_query (&q, buf, c->permission);
      g_test_message ("%s: %s", c->policy, c->permission);
      g_assert_cmpstr (kari_policy_decision_to_string (kari_policy_decide (policy, &q, &rule)), ==,
                       kari_policy_decision_to_string (c->decision));
      g_assert_cmpstr (rule, ==, c->rule);
    }
}

static void
test_builtin_unknown (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPolicy) policy = kari_policy_new_builtin ("lenient", &error);

  g_assert_null (policy);
  g_assert_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_UNKNOWN);
  g_assert_cmpstr (error->message, ==,
                   "no built-in policy is called “lenient”; expected strict, balanced or permissive");
}

/* Without a context, $DATA means nothing: the balanced data rule cannot
 * match, and files are asked for. */
static void
test_builtin_no_context (void)
{
  g_autoptr(KariPolicy) policy = kari_policy_new_builtin ("balanced", NULL);
  KariPolicyQuery q = { "ext", "default", NULL, NULL, "filesystem", "read",
                        "/home/ann/.local/share/kari/x/a", NULL };
  const char *rule = NULL;

  g_assert_cmpint (kari_policy_decide (policy, &q, &rule), ==, KARI_POLICY_ASK);
  g_assert_cmpstr (rule, ==, "builtin:balanced:files");
}

static void
test_unnormalised (void)
{
  static const char *paths[] = {
    "/home/ann/.local/share/kari/x/../../../../.ssh/id_rsa",
    "/home/ann/.local/share/kari/x/./a",
    "/home/ann/.local/share/kari/x//a",
    "/home/ann/.local/share/kari/x/",
    "home/ann/.local/share/kari/x/a",
    "",
    "/..",
  };
  g_autoptr(KariPolicy) policy = kari_policy_new_builtin ("permissive", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      KariPolicyQuery q = { "ext", "default", NULL, NULL, "filesystem", "read", paths[i], &context };
      const char *rule = NULL;

      g_assert_cmpint (kari_policy_decide (policy, &q, &rule), ==, KARI_POLICY_DENY);
      g_assert_cmpstr (rule, ==, "policy:unnormalised-path");
    }

  {
    KariPolicyQuery q = { "ext", "default", NULL, NULL, NULL, "read", NULL, &context };
    const char *rule = NULL;

    g_assert_cmpint (kari_policy_decide (policy, &q, &rule), ==, KARI_POLICY_DENY);
    g_assert_cmpstr (rule, ==, "policy:invalid-query");
  }
}

static void
test_to_json (void)
{
  g_autoptr(KariPolicy) policy = kari_policy_new_builtin ("strict", NULL);
  g_autoptr(JsonNode) node = kari_policy_to_json (policy);
  JsonObject *o = json_node_get_object (node);
  JsonArray *rules = json_object_get_array_member (o, "rules");

  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "strict");
  g_assert_true (json_object_get_boolean_member (o, "builtin"));
  g_assert_nonnull (json_object_get_string_member (o, "description"));
  g_assert_nonnull (json_object_get_string_member (o, "precedence"));
  g_assert_cmpuint (json_array_get_length (rules), ==, kari_policy_get_n_rules (policy));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rules, 2), "decided_by"),
                   ==, "builtin:strict:network-full");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rules, 2), "decision"),
                   ==, "deny");
}

/* ------------------------------------------------------------------ */
/* Custom rules                                                       */

static KariPolicy *
load (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  KariPolicy *policy = kari_policy_new_from_data (NULL, json, -1, "team.json", diagnostics, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (diagnostics->len, ==, 0);
  return policy;
}

typedef struct
{
  const char         *extension;
  const char         *tenant;
  const char         *user;
  const char         *roles;        /* comma-separated */
  const char         *permission;
  KariPolicyDecision  decision;
  const char         *rule;
} CustomCase;

static void
check_cases (KariPolicy       *policy,
             const CustomCase *cases,
             guint             n)
{
  for (guint i = 0; i < n; i++)
    {
      const CustomCase *c = &cases[i];
      g_auto(GStrv) roles = c->roles != NULL ? g_strsplit (c->roles, ",", -1) : NULL;
      KariPolicyQuery q = { c->extension, c->tenant, c->user, (const char * const *) roles,
                            NULL, NULL, NULL, &context };
      char buf[256];
      const char *rule = NULL;

      fill_query (&q, buf, c->permission);
      g_test_message ("case %u: %s", i, c->permission);
      g_assert_cmpstr (kari_policy_decision_to_string (kari_policy_decide (policy, &q, &rule)), ==,
                       kari_policy_decision_to_string (c->decision));
      g_assert_cmpstr (rule, ==, c->rule);
    }
}

static void
test_custom_order (void)
{
  g_autoptr(KariPolicy) policy = load (
    "{\n"
    "  \"base\": \"balanced\",\n"
    "  \"rules\": [\n"
    "    {\"id\": \"crm-net\", \"extension\": \"crm-*\", \"permission\": \"network:http:*.crm.example\", \"decision\": \"allow\"},\n"
    "    {\"id\": \"no-net\", \"permission\": \"network\", \"decision\": \"deny\"},\n"
    "    {\"id\": \"never-reached\", \"extension\": \"crm-*\", \"permission\": \"network:http\", \"decision\": \"allow\"},\n"
    "    {\"permission\": \"filesystem:read:~/Documents/**\", \"decision\": \"allow\"},\n"
    "    {\"id\": \"home-star\", \"permission\": \"filesystem:*:~/*\", \"decision\": \"deny\"}\n"
    "  ]\n"
    "}\n");
  static const CustomCase cases[] = {
    { "crm-sync", "default", NULL, NULL, "network:http:api.crm.example", KARI_POLICY_ALLOW, "team.json:crm-net" },
    /* hosts compare without case, and any port matches a pattern without one */
    { "crm-sync", "default", NULL, NULL, "network:http:API.CRM.example:443", KARI_POLICY_ALLOW, "team.json:crm-net" },
    /* first match wins: never-reached is never reached */
    { "crm-sync", "default", NULL, NULL, "network:http:evil.example", KARI_POLICY_DENY, "team.json:no-net" },
    { "crm-sync", "default", NULL, NULL, "network:http:crm.example", KARI_POLICY_DENY, "team.json:no-net" },
    { "notes", "default", NULL, NULL, "network:full", KARI_POLICY_DENY, "team.json:no-net" },
    /* a rule without an id is named by its place */
    { "notes", "default", NULL, NULL, "filesystem:read:/home/ann/Documents", KARI_POLICY_ALLOW, "team.json:rules[3]" },
    { "notes", "default", NULL, NULL, "filesystem:read:/home/ann/Documents/a/b.txt", KARI_POLICY_ALLOW, "team.json:rules[3]" },
    { "notes", "default", NULL, NULL, "filesystem:read:/home/ann/Documents2", KARI_POLICY_DENY, "team.json:home-star" },
    /* `*` stays within a segment */
    { "notes", "default", NULL, NULL, "filesystem:write:/home/ann/x.txt", KARI_POLICY_DENY, "team.json:home-star" },
    { "notes", "default", NULL, NULL, "filesystem:write:/home/ann/a/x.txt", KARI_POLICY_ASK, "builtin:balanced:files" },
    /* the base decides what no rule matches */
    { "notes", "default", NULL, NULL, "data:read", KARI_POLICY_ALLOW, "builtin:balanced:own-data" },
    { "notes", "default", NULL, NULL, "secrets", KARI_POLICY_ASK, "builtin:balanced:secrets" },
  };

  g_assert_cmpstr (kari_policy_get_name (policy), ==, "team.json");
  g_assert_false (kari_policy_is_builtin (policy));
  g_assert_cmpstr (kari_policy_get_name (kari_policy_get_base (policy)), ==, "balanced");
  g_assert_cmpuint (kari_policy_get_n_rules (policy), ==, 5);
  check_cases (policy, cases, G_N_ELEMENTS (cases));
}

static void
test_custom_tenant_role_user (void)
{
  g_autoptr(KariPolicy) policy = load (
    "{\"base\": \"strict\", \"rules\": [\n"
    "  {\"id\": \"viewers\", \"role\": \"viewer\", \"decision\": \"deny\"},\n"
    "  {\"id\": \"acme-models\", \"tenant\": \"acme\", \"permission\": \"model:inference:*\", \"decision\": \"allow\"},\n"
    "  {\"id\": \"lab-tenants\", \"tenant\": \"lab-*\", \"permission\": \"model\", \"decision\": \"allow\"},\n"
    "  {\"id\": \"bob\", \"user\": \"bob\", \"permission\": \"notifications\", \"decision\": \"allow\"},\n"
    "  {\"id\": \"auditors\", \"role\": \"auditor\", \"permission\": \"system:logs\", \"decision\": \"allow\"}\n"
    "]}");
  static const CustomCase cases[] = {
    { "x", "acme", "ann", "viewer", "data:read", KARI_POLICY_DENY, "team.json:viewers" },
    { "x", "acme", "ann", "user,viewer", "model:inference:llama", KARI_POLICY_DENY, "team.json:viewers" },
    /* no hierarchy: an admin does not match a viewer rule */
    { "x", "acme", "ann", "admin", "model:inference:llama", KARI_POLICY_ALLOW, "team.json:acme-models" },
    { "x", "acme", "ann", NULL, "model:inference", KARI_POLICY_ALLOW, "team.json:acme-models" },
    { "x", "acme2", "ann", NULL, "model:inference:llama", KARI_POLICY_ASK, "builtin:strict:everything-else" },
    { "x", "lab-1", "ann", NULL, "model:inference:llama", KARI_POLICY_ALLOW, "team.json:lab-tenants" },
    { "x", "default", "bob", NULL, "notifications:send", KARI_POLICY_ALLOW, "team.json:bob" },
    { "x", "default", "bobby", NULL, "notifications:send", KARI_POLICY_ASK, "builtin:strict:everything-else" },
    /* a rule that names a user does not match a query for nobody */
    { "x", "default", NULL, NULL, "notifications:send", KARI_POLICY_ASK, "builtin:strict:everything-else" },
    { "x", "default", "cy", "user,auditor", "system:logs", KARI_POLICY_ALLOW, "team.json:auditors" },
    { "x", "default", "cy", "user", "system:logs", KARI_POLICY_DENY, "builtin:strict:system" },
  };

  check_cases (policy, cases, G_N_ELEMENTS (cases));
}

static void
test_custom_base (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPolicy) from_arg = kari_policy_new_from_data ("permissive", "{}", -1, NULL, NULL, &error);
  g_autoptr(KariPolicy) from_file = NULL;
  g_autoptr(KariPolicy) defaulted = NULL;
  g_autoptr(KariPolicy) bad = NULL;
  g_autoptr(JsonNode) json = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (kari_policy_get_name (kari_policy_get_base (from_arg)), ==, "permissive");
  g_assert_cmpstr (kari_policy_get_name (from_arg), ==, "rules.json");

  /* the file's base wins over the caller's */
  from_file = kari_policy_new_from_data ("permissive", "{\"base\": \"balanced\"}", -1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kari_policy_get_name (kari_policy_get_base (from_file)), ==, "balanced");

  defaulted = kari_policy_new_from_data (NULL, "{\"rules\": []}", -1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kari_policy_get_name (kari_policy_get_base (defaulted)), ==, "strict");

  bad = kari_policy_new_from_data ("lenient", "{}", -1, NULL, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_UNKNOWN);

  json = kari_policy_to_json (from_file);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (json), "base"),
                                                  "name"), ==, "balanced");
}

static void
test_custom_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kari-policy-XXXXXX", NULL);
  g_autofree char *path = kari_test_write (dir, "site.json",
                                           "{\"rules\": [{\"id\": \"a\", \"permission\": \"data\", \"decision\": \"deny\"}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPolicy) policy = kari_policy_new_from_file ("balanced", path, NULL, &error);
  g_autoptr(KariPolicy) missing = NULL;
  g_autofree char *missing_path = g_build_filename (dir, "nope.json", NULL);
  KariPolicyQuery q = { "x", "default", NULL, NULL, "data", "read", NULL, NULL };
  const char *rule = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (kari_policy_decide (policy, &q, &rule), ==, KARI_POLICY_DENY);
  g_assert_cmpstr (rule, ==, "site.json:a");

  missing = kari_policy_new_from_file ("balanced", missing_path, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  kari_test_rm_rf (dir);
}

static void
test_determinism (void)
{
  g_autoptr(KariPolicy) policy = load (
    "{\"base\": \"balanced\", \"rules\": ["
    "{\"id\": \"a\", \"extension\": \"e*\", \"permission\": \"filesystem:read:$DATA/**\", \"decision\": \"deny\"},"
    "{\"id\": \"b\", \"permission\": \"filesystem:read:/srv/**/*.log\", \"decision\": \"allow\"}]}");
  KariPolicyQuery q1 = { "notes", "default", NULL, NULL, "filesystem", "read", "/srv/a/b/c.log", &context };
  KariPolicyQuery q2 = { "editor", "default", NULL, NULL, "filesystem", "read",
                         "/home/ann/.local/share/kari/x/f", &context };

  for (guint i = 0; i < 1000; i++)
    {
      const char *r1 = NULL, *r2 = NULL;

      g_assert_cmpint (kari_policy_decide (policy, &q1, &r1), ==, KARI_POLICY_ALLOW);
      g_assert_cmpstr (r1, ==, "team.json:b");
      g_assert_cmpint (kari_policy_decide (policy, &q2, &r2), ==, KARI_POLICY_DENY);
      g_assert_cmpstr (r2, ==, "team.json:a");
    }
}

/* Many threads deciding through one policy get the same answers. */
static gpointer
decide_thread (gpointer data)
{
  KariPolicy *policy = data;
  KariPolicyQuery q = { "crm", "acme", "ann", NULL, "network", "http", "api.crm.example", &context };

  for (guint i = 0; i < 20000; i++)
    {
      const char *rule = NULL;

      if (kari_policy_decide (policy, &q, &rule) != KARI_POLICY_ALLOW
          || strcmp (rule, "team.json:net") != 0)
        return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

static void
test_threads (void)
{
  g_autoptr(KariPolicy) policy = load (
    "{\"rules\": [{\"id\": \"x\", \"permission\": \"data\", \"decision\": \"deny\"},"
    "{\"id\": \"net\", \"tenant\": \"acme\", \"permission\": \"network:*:*.crm.example\", \"decision\": \"allow\"}]}");
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("decide", decide_thread, policy);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

#include "test-policy-files.c"
#include "test-policy-property.c"

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/policy/builtin/table", test_builtins);
  g_test_add_func ("/policy/builtin/unknown", test_builtin_unknown);
  g_test_add_func ("/policy/builtin/no-context", test_builtin_no_context);
  g_test_add_func ("/policy/query/unnormalised", test_unnormalised);
  g_test_add_func ("/policy/to-json", test_to_json);
  g_test_add_func ("/policy/custom/order", test_custom_order);
  g_test_add_func ("/policy/custom/tenant-role-user", test_custom_tenant_role_user);
  g_test_add_func ("/policy/custom/base", test_custom_base);
  g_test_add_func ("/policy/custom/file", test_custom_file);
  g_test_add_func ("/policy/determinism", test_determinism);
  g_test_add_func ("/policy/threads", test_threads);
  add_file_tests ();
  add_property_tests ();

  return g_test_run ();
}
