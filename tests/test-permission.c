/* test-permission.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari.h"

typedef struct
{
  const char *permission;
  int         code;      /* -1: valid */
  const char *message;   /* for invalid ones: the exact message, or NULL */
} SyntaxCase;

static const SyntaxCase syntax_cases[] = {
  /* every example of DESIGN.md */
  { "filesystem:read:~/Documents/**", -1 },
  { "network:http:*.github.com", -1 },
  { "network:full", -1 },
  { "plugin:execute:time_query", -1 },
  { "extension:call:crm/*", -1 },
  { "data:read", -1 },
  { "data:write", -1 },
  { "secrets", -1 },
  { "notifications", -1 },
  { "system:metrics", -1 },
  { "system:logs", -1 },
  { "model:inference:*", -1 },
  { "ipc:emit:user.created", -1 },
  /* more valid ones */
  { "filesystem:write:/tmp/out", -1 },
  { "filesystem:read:$DATA/cache/**", -1 },
  { "filesystem:read:$DATA", -1 },
  { "filesystem:read:~", -1 },
  { "network:http", -1 },
  { "network:connect:db.example.com:5432", -1 },
  { "network:http:*", -1 },
  { "network:http:api.example.com:*", -1 },
  { "network:connect:127.0.0.1:8080", -1 },
  { "model:inference", -1 },
  { "notifications:send", -1 },
  { "secrets:read:github_token", -1 },
  { "filesystem:read:~/My Documents/**", -1 },
  { "filesystem:read:/srv/a:b/**", -1 },
  { "filesystem:read:/**/*.txt", -1 },
  { "network:http:[::1]:8080", -1 },
  { "network:http:::1", -1 },
  { "network:http:*:443", -1 },
  { "network:http:bücher.example", -1 },
  { "network:http:api.github.com.", -1 },
  { "network:http:API.GitHub.com", -1 },
  { "model:inference:llama3:8b", -1 },
  { "extension:call:crm", -1 },
  { "data:read:*", -1 },
  { "secrets:read:*", -1 },
  /* syntax */
  { "", KARI_PERMISSION_ERROR_SYNTAX, NULL },
  { "data:", KARI_PERMISSION_ERROR_SYNTAX, "“data:”: empty action at column 6: write domain:action[:resource]" },
  { "data:read:", KARI_PERMISSION_ERROR_SYNTAX,
    "“data:read:”: empty resource at column 11: leave out the second “:” for none" },
  { "data: read", KARI_PERMISSION_ERROR_SYNTAX, NULL },
  { "data:read\n", KARI_PERMISSION_ERROR_SYNTAX, NULL },
  { "data:read\x7f", KARI_PERMISSION_ERROR_SYNTAX, NULL },
  /* domains and actions */
  { "root", KARI_PERMISSION_ERROR_UNKNOWN_DOMAIN,
    "“root”: unknown domain “root” at column 1 (known: filesystem, network, system, model, ipc, "
    "extension, plugin, data, secrets, notifications)" },
  { "data", KARI_PERMISSION_ERROR_UNKNOWN_ACTION, "“data”: missing action at column 5 (known for “data”: read, write)" },
  { "network:telnet", KARI_PERMISSION_ERROR_UNKNOWN_ACTION,
    "“network:telnet”: unknown action “telnet” at column 9 (known for “network”: http, connect, full)" },
  { "secrets:delete", KARI_PERMISSION_ERROR_UNKNOWN_ACTION, NULL },
  { "filesystem", KARI_PERMISSION_ERROR_UNKNOWN_ACTION, NULL },
  /* resources */
  { "filesystem:read", KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“filesystem:read”: missing path at column 16 (such as filesystem:read:~/Documents/**)" },
  { "filesystem:read:Documents", KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“filesystem:read:Documents”: bad path “Documents” at column 17: a path pattern must start with "
    "/, ~ or $DATA" },
  { "filesystem:read:/home/../etc", KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“filesystem:read:/home/../etc”: bad path “/home/../etc” at column 23: “..” is not allowed in a "
    "path pattern" },
  { "filesystem:read:~root/x", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "filesystem:read:$DATAX", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "network:full:example.com", KARI_PERMISSION_ERROR_BAD_RESOURCE, "“network:full:example.com”: “network:full” takes no resource, found one at column 14" },
  { "system:logs:all", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "secrets:x", KARI_PERMISSION_ERROR_UNKNOWN_ACTION, NULL },
  { "network:http:exa mple.com", KARI_PERMISSION_ERROR_SYNTAX, NULL },
  { "network:http:exa_mple.com", KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“network:http:exa_mple.com”: bad host “exa_mple.com” at column 14: a host name may only hold "
    "letters, digits, hyphens and dots" },
  { "network:http:example..com", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "network:http:*example.com", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "network:http:a.*.com", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "network:connect:example.com:0", KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“network:connect:example.com:0”: bad host “example.com:0” at column 29: the port must be a "
    "number from 1 to 65535 or *" },
  { "network:connect:example.com:70000", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "plugin:execute:../x", KARI_PERMISSION_ERROR_BAD_RESOURCE, "“plugin:execute:../x”: bad name “../x” at column 16: a name must not contain “..”" },
  { "Data:read", KARI_PERMISSION_ERROR_UNKNOWN_DOMAIN,
    "“Data:read”: unknown domain “Data” at column 1 (known: filesystem, network, system, model, ipc, "
    "extension, plugin, data, secrets, notifications; did you mean “data”?)" },
  { "filesytem:read:/x", KARI_PERMISSION_ERROR_UNKNOWN_DOMAIN,
    "“filesytem:read:/x”: unknown domain “filesytem” at column 1 (known: filesystem, network, system, "
    "model, ipc, extension, plugin, data, secrets, notifications; did you mean “filesystem”?)" },
  { "secrets:reed:x", KARI_PERMISSION_ERROR_UNKNOWN_ACTION,
    "“secrets:reed:x”: unknown action “reed” at column 9 (known for “secrets”: read, write; did you "
    "mean “read”?)" },
  { ":read", KARI_PERMISSION_ERROR_SYNTAX, "“:read”: empty domain at column 1: write domain:action[:resource]" },
  { "data:re\x01" "ad", KARI_PERMISSION_ERROR_SYNTAX, "“data:re\\u{0001}ad”: control character U+0001 at column 8" },
  { "plugin:execute:a\xc2\x85", KARI_PERMISSION_ERROR_SYNTAX, NULL },
  { "plugin:execute:\xe2\x80\xae" "abc", KARI_PERMISSION_ERROR_SYNTAX,
    "“plugin:execute:\\u{202E}abc”: invisible or bidirectional character U+202E at column 16" },
  { "plugin:execute:a\xe2\x80\x8b", KARI_PERMISSION_ERROR_SYNTAX, NULL },
  { "filesystem:read:/x\xef\xbb\xbf", KARI_PERMISSION_ERROR_SYNTAX, NULL },
  { "data:read\xff", KARI_PERMISSION_ERROR_SYNTAX, "“data:read\\xFF”: invalid UTF-8 at byte 10" },
  { "network: http", KARI_PERMISSION_ERROR_SYNTAX,
    "“network: http”: a space at column 9: only a path may hold spaces" },
  { "filesystem:read:/a/b**", KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“filesystem:read:/a/b**”: bad path “/a/b**” at column 21: “**” must be a whole path component, "
    "as in /a/**/b" },
  { "network:http:*.0.0.1", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "network:http:127.1", KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“network:http:127.1”: bad host “127.1” at column 14: looks like a numeric address but is not a "
    "valid IP address" },
  { "network:http:0x7f000001", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "network:http:[127.0.0.1]:80", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "network:http:[::1", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "network:http:[::1]x", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "network:http:-a.com", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "network:http:*.*.com", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "data:read:no*", KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“data:read:no*”: bad name “no*” at column 13: only an exact name or a lone * is allowed here" },
  { "extension:call:crm//x", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "extension:call:/x", KARI_PERMISSION_ERROR_BAD_RESOURCE, NULL },
  { "data:*", KARI_PERMISSION_ERROR_UNKNOWN_ACTION, NULL },
  { "plugin:execute:a;b", KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“plugin:execute:a;b”: bad name “a;b” at column 17: a name may only hold letters, digits, "
    "_ - . @ : / and * ?" },
};

static void
test_syntax (gconstpointer data)
{
  const SyntaxCase *c = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = kari_permission_check_syntax (c->permission, &error);

  if (c->code < 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      return;
    }
  g_assert_false (ok);
  g_assert_error (error, KARI_PERMISSION_ERROR, c->code);
  if (c->message != NULL)
    g_assert_cmpstr (error->message, ==, c->message);
}

typedef struct
{
  const char *group;
  const char *value;
  const char *expansion;   /* NULL: refused */
  int         code;
} GroupedCase;

static const GroupedCase grouped_cases[] = {
  { "data_access", "read", "data:read" },
  { "data_access", "write", "data:write" },
  { "plugin_access", "execute", "plugin:execute" },
  { "system_access", "metrics", "system:metrics" },
  { "system_access", "logs", "system:logs" },
  { "network_access", "outbound_http", "network:http" },
  { "network_access", "full", "network:full" },
  { "model_access", "inference", "model:inference" },
  { "extension_access", "call", "extension:call" },
  { "secrets_access", "read", "secrets:read" },
  { "notification_access", "send", "notifications:send" },
  { "data_access", "delete", NULL, KARI_PERMISSION_ERROR_UNKNOWN_ACTION },
  { "magic_access", "read", NULL, KARI_PERMISSION_ERROR_UNKNOWN_DOMAIN },
};

static void
test_grouped (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (grouped_cases); i++)
    {
      const GroupedCase *c = &grouped_cases[i];
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) expanded = kari_permission_expand_grouped (c->group, c->value, &error);

      if (c->expansion == NULL)
        {
          g_assert_null (expanded);
          g_assert_error (error, KARI_PERMISSION_ERROR, c->code);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpstrv (expanded, ((const char * const[]) { c->expansion, NULL }));
      /* What the grouped form expands to is itself valid list form. */
      g_assert_true (kari_permission_check_syntax (expanded[0], NULL));
    }
}

static void
test_grouped_message (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) expanded = kari_permission_expand_grouped ("data_access", "delete", &error);

  g_assert_null (expanded);
  g_assert_cmpstr (error->message, ==, "unknown value “delete” for “data_access” (known: read, write)");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (syntax_cases); i++)
    {
      g_autofree char *escaped = g_strescape (syntax_cases[i].permission, NULL);
      g_autofree char *path = g_strdup_printf ("/permission/syntax/%s/%s",
                                               syntax_cases[i].code < 0 ? "valid" : "invalid",
                                               *escaped ? escaped : "(empty)");
      g_test_add_data_func (path, &syntax_cases[i], test_syntax);
    }
  g_test_add_func ("/permission/grouped/table", test_grouped);
  g_test_add_func ("/permission/grouped/message", test_grouped_message);

  return g_test_run ();
}
