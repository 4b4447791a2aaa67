/* test-cli-permissions.c — kari-ext permissions, grant, revoke, check,
 * policy, audit and users, end to end on temporary folders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "kari-test-cli.h"

#define DECLARED "\"permissions\": [\"data:read\", \"network:http:*.github.com\", " \
                 "\"filesystem:read:~/Documents/**\"]"

static void
write_crm (Fixture *f)
{
  g_free (kari_test_write_extension (f->exts, "crm", "crm", "1.0.0", DECLARED));
}

static JsonObject *
object_of (JsonNode *node)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static guint
count_audit (Fixture    *f,
             const char *kind,
             const char *decision)
{
  g_auto(Result) r = run (f, "audit", "--json", "--limit", "1000");
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;
  guint n = 0;

  g_assert_cmpint (r.status, ==, 0);
  root = parse_json (r.out);
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *e = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (e, "kind"), kind) == 0
          && g_strcmp0 (json_object_get_string_member (e, "decision"), decision) == 0)
        n++;
    }
  return n;
}

static void
test_declared_and_granted (Fixture       *f,
                           gconstpointer  data)
{
  write_crm (f);

  {
    g_auto(Result) r = run (f, "permissions", "crm", "--json");
    g_autoptr(JsonNode) root = NULL;
    JsonObject *o;

    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    o = object_of (root);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "declared")), ==, 3);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "grants")), ==, 0);
    g_assert_cmpstr (json_object_get_string_member (o, "tenant"), ==, "default");
  }
  {
    g_auto(Result) r = run (f, "grant", "crm", "network:http:api.github.com", "--json");
    g_autoptr(JsonNode) root = NULL;
    JsonObject *o;

    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    o = object_of (root);
    g_assert_cmpstr (json_object_get_string_member (o, "permission"), ==, "network:http:api.github.com");
    g_assert_cmpstr (json_object_get_string_member (o, "scope"), ==, "persistent");
    g_assert_cmpstr (json_object_get_string_member (o, "granted_by"), ==, g_get_user_name ());
  }
  {
    g_auto(Result) r = run (f, "grant", "crm", "data:read", "--scope", "until=+1h", "--json");
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    g_assert_cmpstr (json_object_get_string_member (object_of (root), "scope"), ==, "until");
    g_assert_false (json_object_get_null_member (object_of (root), "until"));
  }
  {
    g_auto(Result) r = run (f, "permissions", "crm", "--json");
    g_autoptr(JsonNode) root = parse_json (r.out);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object_of (root), "grants")), ==, 2);
  }
  {
    g_auto(Result) r = run (f, "permissions", "crm");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "network:http:api.github.com"));
  }
  g_assert_cmpuint (count_audit (f, "grant", "allow"), ==, 2);
}

static void
test_grant_refused (Fixture       *f,
                    gconstpointer  data)
{
  write_crm (f);

  {
    /* Not declared: refused, and the refusal is audited. */
    g_auto(Result) r = run (f, "grant", "crm", "filesystem:write:/etc/passwd");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "filesystem:write:/etc/passwd"));
  }
  g_assert_cmpuint (count_audit (f, "grant", "deny"), ==, 1);
  {
    /* Broader than declared. */
    g_auto(Result) r = run (f, "grant", "crm", "network:http:*");
    g_assert_cmpint (r.status, ==, 1);
  }
  {
    /* A typo is pointed at. */
    g_auto(Result) r = run (f, "grant", "crm", "netwrok:http:api.github.com");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "netwrok"));
  }
  {
    g_auto(Result) r = run (f, "grant", "crm", "data:read", "--scope", "once");
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "Usage: kari-ext grant"));
  }
  {
    g_auto(Result) r = run (f, "grant", "crm", "data:read", "--scope", "sometimes");
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "sometimes"));
  }
  {
    g_auto(Result) r = run (f, "grant", "nobody", "data:read");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "no extension called “nobody”"));
  }
  {
    g_auto(Result) r = run (f, "permissions", "crm", "--json");
    g_autoptr(JsonNode) root = parse_json (r.out);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object_of (root), "grants")), ==, 0);
  }
}

static char *
check_verdict (Fixture    *f,
               const char *permission,
               int        *status)
{
  g_auto(Result) r = run (f, "check", "crm", permission, "--json");
  g_autoptr(JsonNode) root = NULL;

  *status = r.status;
  root = parse_json (r.out);
  return g_strdup (json_object_get_string_member (object_of (root), "verdict"));
}

static void
test_check_grant_revoke (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *granted = NULL;
  g_autofree char *revoked = NULL;
  g_autofree char *undeclared = NULL;
  int status;

  write_crm (f);

  /* The default policy asks before letting an extension on the network. */
  before = check_verdict (f, "network:http:api.github.com", &status);
  g_assert_cmpstr (before, ==, "ask");
  g_assert_cmpint (status, ==, 1);

  {
    g_auto(Result) r = run (f, "grant", "crm", "network:http:api.github.com");
    g_assert_cmpint (r.status, ==, 0);
  }
  granted = check_verdict (f, "network:http:api.github.com", &status);
  g_assert_cmpstr (granted, ==, "allow");
  g_assert_cmpint (status, ==, 0);

  {
    g_auto(Result) r = run (f, "revoke", "crm", "network:http:api.github.com", "--json");
    g_autoptr(JsonNode) root = parse_json (r.out);

    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpint (json_object_get_int_member (object_of (root), "revoked"), ==, 1);
  }
  revoked = check_verdict (f, "network:http:api.github.com", &status);
  g_assert_cmpstr (revoked, ==, "ask");

  /* Whatever is granted, what the manifest does not declare is denied. */
  undeclared = check_verdict (f, "network:full", &status);
  g_assert_cmpstr (undeclared, ==, "deny");
  {
    g_auto(Result) r = run (f, "check", "crm", "network:full");
    g_assert_nonnull (strstr (r.out, "undeclared"));
  }
  g_assert_cmpuint (count_audit (f, "check", "deny"), >=, 3);
  g_assert_cmpuint (count_audit (f, "check", "allow"), ==, 1);
  g_assert_cmpuint (count_audit (f, "revoke", "allow"), ==, 1);
}

static void
test_check_ask_on_terminal (Fixture       *f,
                            gconstpointer  data)
{
  write_crm (f);

  {
    g_auto(Result) r = run_input (f, "o\n", "check", "crm", "network:http:api.github.com", "--ask");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.err, "network:http:api.github.com"));
    g_assert_nonnull (strstr (r.err, "[o]nce"));
    g_assert_true (g_str_has_prefix (r.out, "allow"));
  }
  {
    g_auto(Result) r = run_input (f, "d\n", "check", "crm", "network:http:api.github.com", "--ask");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_true (g_str_has_prefix (r.out, "deny"));
  }
  {
    /* No answer at all (end of input) is a refusal. */
    g_auto(Result) r = run_input (f, "", "check", "crm", "network:http:api.github.com", "--ask");
    g_assert_cmpint (r.status, ==, 1);
  }
}

static void
test_policy (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *rules_dir = g_build_filename (f->root, "rules", NULL);
  g_autofree char *bad = kari_test_write (rules_dir, "bad.json",
                                          "{\n  \"base\": \"balanced\",\n  \"rules\": [\n"
                                          "    {\"permission\": \"network:*\", \"decision\": \"maybe\"}\n"
                                          "  ]\n}\n");
  g_autofree char *good = kari_test_write (rules_dir, "good.json",
                                           "{\"base\": \"strict\", \"rules\": ["
                                           "{\"id\": \"crm-net\", \"extension\": \"crm\", "
                                           "\"permission\": \"network:http:*\", \"decision\": \"allow\"}]}\n");
  g_autofree char *expected_bad = g_strdup_printf ("%s:4:", bad);
  int status;

  write_crm (f);
  {
    g_auto(Result) r = run (f, "policy", "show", "--json");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "balanced"));
  }
  {
    g_auto(Result) r = run (f, "policy", "set", "--rules", bad);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, expected_bad));
    g_assert_nonnull (strstr (r.err, "maybe"));
  }
  {
    g_auto(Result) r = run (f, "policy", "set", "lenient");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "lenient"));
  }
  {
    g_auto(Result) r = run (f, "policy", "bogus");
    g_assert_cmpint (r.status, ==, 2);
  }
  {
    g_auto(Result) r = run (f, "policy", "set", "--rules", good);
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_autofree char *v = check_verdict (f, "network:http:api.github.com", &status);
    g_assert_cmpstr (v, ==, "allow");
  }
  {
    g_auto(Result) r = run (f, "policy", "set", "strict");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "policy", "show", "--json");
    g_assert_nonnull (strstr (r.out, "strict"));
  }
  g_assert_cmpuint (count_audit (f, "policy", "allow"), ==, 2);
}

static void
test_audit_export (Fixture       *f,
                   gconstpointer  data)
{
  int status;

  write_crm (f);
  g_free (check_verdict (f, "network:full", &status));
  g_free (check_verdict (f, "data:read", &status));

  {
    g_auto(Result) r = run (f, "audit", "--format", "json");
    g_auto(GStrv) lines = g_strsplit (r.out, "\n", -1);
    guint n = 0;

    g_assert_cmpint (r.status, ==, 0);
    for (guint i = 0; lines[i] != NULL; i++)
      if (*lines[i] != '\0')
        {
          g_autoptr(JsonNode) line = parse_json (lines[i]);
          g_assert_true (JSON_NODE_HOLDS_OBJECT (line));
          n++;
        }
    g_assert_cmpuint (n, ==, 2);
  }
  {
    g_auto(Result) r = run (f, "audit", "--format", "csv", "--decision", "deny");
    g_auto(GStrv) lines = g_strsplit (r.out, "\n", -1);

    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (lines[0], "permission"));
    g_assert_nonnull (lines[1]);
    g_assert_nonnull (strstr (lines[1], "network:full"));
    g_assert_true (lines[2] == NULL || *lines[2] == '\0');
  }
  {
    g_auto(Result) r = run (f, "audit", "--extension", "nobody", "--json");
    g_autoptr(JsonNode) root = parse_json (r.out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 0);
  }
  {
    g_auto(Result) r = run (f, "audit", "--since", "yesterday-ish");
    g_assert_cmpint (r.status, ==, 2);
  }
  {
    g_auto(Result) r = run (f, "audit", "--format", "xml");
    g_assert_cmpint (r.status, ==, 2);
  }
  {
    g_auto(Result) r = run (f, "audit", "--retention", "-3");
    g_assert_cmpint (r.status, ==, 2);
  }
  {
    /* Recent entries survive a retention of a day; the change is audited. */
    g_auto(Result) r = run (f, "audit", "--retention", "1", "--json");
    g_autoptr(JsonNode) root = parse_json (r.out);

    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpint (json_object_get_int_member (object_of (root), "retention_days"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (object_of (root), "deleted"), ==, 0);
  }
  g_assert_cmpuint (count_audit (f, "check", "deny"), ==, 1);
  g_assert_cmpuint (count_audit (f, "policy", "allow"), ==, 1);
}

static void
test_users (Fixture       *f,
            gconstpointer  data)
{
  {
    g_auto(Result) r = run (f, "users", "roles", "--json");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "admin"));
    g_assert_nonnull (strstr (r.out, "viewer"));
  }
  {
    g_auto(Result) r = run (f, "users", "add", "bob", "viewer");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "users", "define-role", "auditor", "--description", "Reads the audit log");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "users", "add", "bob", "auditor");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "users", "add", "bob", "wizard");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "wizard"));
  }
  {
    g_auto(Result) r = run (f, "users", "list", "--json");
    g_autoptr(JsonNode) root = parse_json (r.out);
    JsonArray *users = json_node_get_array (root);
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (users); i++)
      {
        JsonObject *u = json_array_get_object_element (users, i);
        if (g_strcmp0 (json_object_get_string_member (u, "user"), "bob") == 0)
          {
            found = TRUE;
            g_assert_cmpuint (json_array_get_length (json_object_get_array_member (u, "roles")), ==, 2);
          }
      }
    g_assert_true (found);
  }
  {
    g_auto(Result) r = run (f, "users", "frobnicate");
    g_assert_cmpint (r.status, ==, 2);
  }
  g_assert_cmpuint (count_audit (f, "role", "allow"), ==, 3);
  g_assert_cmpuint (count_audit (f, "role", "deny"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cli/permissions/declared-and-granted", test_declared_and_granted);
  ADD ("/cli/permissions/grant-refused", test_grant_refused);
  ADD ("/cli/permissions/check-grant-revoke", test_check_grant_revoke);
  ADD ("/cli/permissions/check-ask-on-terminal", test_check_ask_on_terminal);
  ADD ("/cli/permissions/policy", test_policy);
  ADD ("/cli/permissions/audit-export", test_audit_export);
  ADD ("/cli/permissions/users", test_users);
#undef ADD

  return g_test_run ();
}
