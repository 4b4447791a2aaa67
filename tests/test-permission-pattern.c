/* test-permission-pattern.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Permission patterns against requests, on a real tree of files and
 * symbolic links in a temporary folder (`$T` in the tables below).
 */
#include "config.h"

#include <unistd.h>

#include "kari-test-util.h"

static char *base;   /* the temporary folder, its real path */

static char *
at (const char *text)
{
  g_auto(GStrv) pieces = g_strsplit (text, "$T", -1);

  return g_strjoinv (base, pieces);
}

static void
make_link (const char *target,
           const char *name)
{
  g_autofree char *t = at (target);
  g_autofree char *n = at (name);

  g_assert_cmpint (symlink (t, n), ==, 0);
}

static void
make_tree (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("kari-perm-XXXXXX", &error);
  const char *files[] = { "home/Documents/report.txt", "home/Documents/sub/deep.txt",
                          "home/.ssh/id_rsa", "data/cache/x", "outside/plain" };

  g_assert_no_error (error);
  base = realpath (tmp, NULL);   /* /tmp may itself be a link */
  g_assert_nonnull (base);
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    g_free (kari_test_write (base, files[i], "x"));
  {
    g_autofree char *prop = at ("$T/prop");

    g_assert_cmpint (g_mkdir_with_parents (prop, 0700), ==, 0);
  }
  make_link ("$T/home/.ssh", "$T/home/Documents/escape");
  make_link ("$T/home/.ssh/id_rsa", "$T/home/Documents/escape-file");
  make_link ("../.ssh/id_rsa", "$T/home/Documents/relative-escape");
  make_link ("$T/home/Documents/report.txt", "$T/outside/into");
  make_link ("$T/home/Documents", "$T/outside/intodir");
  make_link ("loop", "$T/home/Documents/loop");
  make_link ("$T/home/Documents/not-yet", "$T/home/Documents/dangling");
  make_link ("$T/outside/not-yet", "$T/home/Documents/dangling-out");
  make_link ("$T/home", "$T/homelink");
}

typedef struct
{
  const char *pattern;
  const char *domain;
  const char *action;
  const char *resource;   /* `$T` is the temporary folder */
  gboolean    matches;
} MatchCase;

#define READ(p, r, m) { "filesystem:read:" p, "filesystem", "read", r, m }
#define HTTP(p, r, m) { "network:http" p, "network", "http", r, m }

static const MatchCase match_cases[] = {
  /* folders and below */
  READ ("~/Documents/**", "$T/home/Documents/report.txt", TRUE),
  READ ("~/Documents/**", "$T/home/Documents/sub/deep.txt", TRUE),
  READ ("~/Documents/**", "$T/home/Documents", TRUE),
  READ ("~/Documents/**", "$T/home/Documents/", TRUE),
  READ ("~/Documents/**", "$T/home//Documents/./sub//deep.txt", TRUE),
  READ ("~/Documents/**", "$T/home/DocumentsX/a", FALSE),
  READ ("~/Documents/**", "$T/home", FALSE),
  READ ("~/Documents/**/", "$T/home/Documents/report.txt", TRUE),
  /* traversal */
  READ ("~/Documents/**", "$T/home/Documents/../.ssh/id_rsa", FALSE),
  READ ("~/Documents/**", "$T/home/Documents/sub/../../.ssh/id_rsa", FALSE),
  READ ("~/Documents/**", "$T/home/Documents/sub/../report.txt", TRUE),
  READ ("~/Documents/**", "$T/home/Documents/new/../../.ssh/id_rsa", FALSE),
  READ ("~/Documents/**", "$T/home/.ssh/../Documents/report.txt", TRUE),
  /* symbolic links out of and into the allowed folder */
  READ ("~/Documents/**", "$T/home/Documents/escape/id_rsa", FALSE),
  READ ("~/Documents/**", "$T/home/Documents/escape", FALSE),
  READ ("~/Documents/**", "$T/home/Documents/escape-file", FALSE),
  READ ("~/Documents/**", "$T/home/Documents/relative-escape", FALSE),
  READ ("~/Documents/**", "$T/home/Documents/dangling", TRUE),
  READ ("~/Documents/**", "$T/home/Documents/dangling-out", FALSE),
  READ ("~/Documents/**", "$T/outside/into", TRUE),
  READ ("~/Documents/**", "$T/outside/intodir/sub/deep.txt", TRUE),
  READ ("~/Documents/**", "$T/outside/plain", FALSE),
  READ ("~/Documents/**", "$T/home/Documents/loop/x", FALSE),
  READ ("~/Documents/**", "$T/homelink/Documents/report.txt", TRUE),
  /* files that do not exist yet */
  READ ("~/Documents/**", "$T/home/Documents/new.txt", TRUE),
  READ ("~/Documents/**", "$T/home/Documents/new/newer/x.txt", TRUE),
  READ ("~/Documents/**", "$T/home/Documents/report.txt/x", FALSE),
  /* refused requests */
  READ ("~/Documents/**", "home/Documents/report.txt", FALSE),
  READ ("~/Documents/**", "$T/home/Documents/a\nb", FALSE),
  READ ("~/Documents/**", "$T/home/Documents/a\x7f", FALSE),
  READ ("~/Documents/**", "$T/home/Documents/\xff", FALSE),
  READ ("~/Documents/**", NULL, FALSE),
  /* case */
  READ ("~/Documents/**", "$T/home/documents/report.txt", FALSE),
  READ ("~/documents/**", "$T/home/Documents/report.txt", FALSE),
  /* globs and where ** stands */
  READ ("~/Documents", "$T/home/Documents/report.txt", FALSE),
  READ ("~/Documents", "$T/home/Documents/", TRUE),
  READ ("~/Documents/", "$T/home/Documents", TRUE),
  READ ("~/Documents/*", "$T/home/Documents/report.txt", TRUE),
  READ ("~/Documents/*", "$T/home/Documents/sub/deep.txt", FALSE),
  READ ("~/Documents/*.txt", "$T/home/Documents/report.txt", TRUE),
  READ ("~/Documents/*.txt", "$T/home/Documents/report.txt.bak", FALSE),
  READ ("~/Documents/?eport.txt", "$T/home/Documents/report.txt", TRUE),
  READ ("~/Documents/?report.txt", "$T/home/Documents/report.txt", FALSE),
  READ ("/**/deep.txt", "$T/home/Documents/sub/deep.txt", TRUE),
  READ ("/**/deep.txt", "$T/home/Documents/sub/deep.txt2", FALSE),
  READ ("/**", "$T/home/.ssh/id_rsa", TRUE),
  READ ("/**", "/", TRUE),
  READ ("/", "/", TRUE),
  READ ("/", "/etc", FALSE),
  READ ("~/**/sub/deep.txt", "$T/home/Documents/sub/deep.txt", TRUE),
  READ ("~/Documents/**/deep.txt", "$T/home/Documents/sub/deep.txt", TRUE),
  READ ("~/Documents/sub/**/deep.txt", "$T/home/Documents/sub/deep.txt", TRUE),
  READ ("~/Documents/**/sub/**", "$T/home/Documents/sub", TRUE),
  READ ("~/Documents/**/sub/**", "$T/home/Documents/report.txt", FALSE),
  READ ("~/*/report.txt", "$T/home/Documents/report.txt", TRUE),
  READ ("~/*/report.txt", "$T/home/Documents/sub/report.txt", FALSE),
  READ ("~/**", "$T/home/.ssh/id_rsa", TRUE),
  /* $DATA */
  READ ("$DATA/**", "$T/data/cache/x", TRUE),
  READ ("$DATA", "$T/data", TRUE),
  READ ("$DATA/**", "$T/home/Documents/report.txt", FALSE),
  READ ("$DATA/cache/*", "$T/data/cache/x", TRUE),
  /* the action must be the same */
  { "filesystem:write:~/Documents/**", "filesystem", "read", "$T/home/Documents/report.txt", FALSE },
  { "filesystem:write:~/Documents/**", "filesystem", "write", "$T/home/Documents/out.txt", TRUE },
  { "filesystem:read:~/Documents/**", "filesystem", "delete", "$T/home/Documents/out.txt", FALSE },
  { "filesystem:read:~/Documents/**", "network", "read", "$T/home/Documents/out.txt", FALSE },

  /* hosts */
  HTTP (":*.github.com", "api.github.com", TRUE),
  HTTP (":*.github.com", "a.b.github.com", TRUE),
  HTTP (":*.github.com", "github.com", FALSE),
  HTTP (":*.github.com", "evilgithub.com", FALSE),
  HTTP (":*.github.com", "api.github.com.evil.com", FALSE),
  HTTP (":*.github.com", "API.GitHub.COM", TRUE),
  HTTP (":*.github.com", "api.github.com.", TRUE),
  HTTP (":*.github.com", "api.github.com:443", TRUE),
  HTTP (":*.github.com", "https://api.github.com/repos/x", TRUE),
  HTTP (":*.github.com", "https://api.github.com@evil.com/", FALSE),
  HTTP (":*.github.com", "https://evil.com/api.github.com", FALSE),
  HTTP (":*.github.com", "*.github.com", FALSE),
  HTTP (":*.github.com", "api.github.com:0", FALSE),
  HTTP (":*.github.com", "api.github.com:", FALSE),
  HTTP (":*.github.com", "api..github.com", FALSE),
  HTTP (":*.github.com", "api.github.com\n", FALSE),
  HTTP (":api.github.com", "API.GITHUB.COM.", TRUE),
  HTTP (":api.github.com", "api.github.com:8080", TRUE),
  HTTP (":api.github.com", "x.api.github.com", FALSE),
  HTTP (":api.github.com.", "api.github.com", TRUE),
  HTTP (":api.github.com:443", "https://api.github.com/x", TRUE),
  HTTP (":api.github.com:443", "http://api.github.com/x", FALSE),
  HTTP (":api.github.com:443", "api.github.com", FALSE),
  HTTP (":api.github.com:443", "api.github.com:443", TRUE),
  HTTP (":api.github.com:*", "api.github.com:1", TRUE),
  HTTP (":localhost:11434", "http://localhost:11434/api/chat", TRUE),
  HTTP (":localhost:11434", "localhost:11435", FALSE),
  HTTP (":[::1]:8080", "[::1]:8080", TRUE),
  HTTP (":[::1]:8080", "http://[::1]:8080/", TRUE),
  HTTP (":[::1]:8080", "[0:0:0::1]:8080", TRUE),
  HTTP (":[::1]:8080", "[::1]:8081", FALSE),
  HTTP (":[::1]:8080", "[::2]:8080", FALSE),
  HTTP (":::1", "[::1]:9", TRUE),
  HTTP (":127.0.0.1", "127.0.0.1:80", TRUE),
  HTTP (":127.0.0.1", "http://127.0.0.1/", TRUE),
  HTTP (":127.0.0.1", "127.1", FALSE),
  HTTP (":127.0.0.1", "0x7f000001", FALSE),
  HTTP (":127.0.0.1", "[::ffff:127.0.0.1]:80", FALSE),
  HTTP (":*", "10.0.0.1:22", TRUE),
  HTTP (":*", "[fe80::1]:22", TRUE),
  HTTP (":*:443", "https://anything.example/", TRUE),
  HTTP (":*:443", "http://anything.example/", FALSE),
  HTTP ("", "example.com", TRUE),
  HTTP ("", "exa mple.com", FALSE),
  HTTP (":bücher.example", "xn--bcher-kva.example", TRUE),
  HTTP (":bücher.example", "BÜCHER.example", TRUE),
  HTTP (":bücher.example", "https://bücher.example/", TRUE),
  HTTP (":bücher.example", "bucher.example", FALSE),
  HTTP (":*.bücher.example", "www.xn--bcher-kva.example", TRUE),
  { "network:connect:*.github.com", "network", "http", "api.github.com", FALSE },
  { "network:full", "network", "full", NULL, TRUE },
  { "network:full", "network", "full", "example.com", FALSE },
  { "network:http:*", "network", "full", NULL, FALSE },
  { "network:http", "network", "full", NULL, FALSE },

  /* names */
  { "extension:call:crm/*", "extension", "call", "crm/contacts", TRUE },
  { "extension:call:crm/*", "extension", "call", "crm", FALSE },
  { "extension:call:crm/*", "extension", "call", "crm/contacts/x", FALSE },
  { "extension:call:crm/*", "extension", "call", "crmx/contacts", FALSE },
  { "extension:call:crm", "extension", "call", "crm/contacts", TRUE },
  { "extension:call:crm", "extension", "call", "crm", TRUE },
  { "extension:call:crm", "extension", "call", "crmx/contacts", FALSE },
  { "extension:call:crm/contacts", "extension", "call", "crm/contacts/../admin", FALSE },
  { "plugin:execute:time_query", "plugin", "execute", "time_query", TRUE },
  { "plugin:execute:time_query", "plugin", "execute", "time_query2", FALSE },
  { "plugin:execute:time_query", "plugin", "execute", "Time_query", FALSE },
  { "plugin:execute:time_query", "plugin", "execute", NULL, FALSE },
  { "plugin:execute:time_*", "plugin", "execute", "time_query", TRUE },
  { "plugin:execute:time_?uery", "plugin", "execute", "time_query", TRUE },
  { "plugin:execute:*", "plugin", "execute", "a/b", TRUE },
  { "plugin:execute:*", "plugin", "execute", "../x", FALSE },
  { "plugin:execute:*", "plugin", "execute", "a;b", FALSE },
  { "plugin:execute:*", "plugin", "execute", "*", FALSE },
  { "plugin:execute", "plugin", "execute", "x", TRUE },
  { "model:inference:llama3:*", "model", "inference", "llama3:8b", TRUE },
  { "model:inference:llama3:*", "model", "inference", "mistral:7b", FALSE },
  { "ipc:emit:user.*", "ipc", "emit", "user.created", TRUE },
  { "ipc:emit:user.*", "ipc", "subscribe", "user.created", FALSE },
  { "data:read", "data", "read", NULL, TRUE },
  { "data:read", "data", "read", "notes", TRUE },
  { "data:read:notes", "data", "read", "notes", TRUE },
  { "data:read:notes", "data", "read", "notes2", FALSE },
  { "data:read:notes", "data", "read", NULL, FALSE },
  { "data:read:*", "data", "read", "anything", TRUE },
  { "data:read:*", "data", "write", "anything", FALSE },
  { "secrets", "secrets", "read", "github_token", TRUE },
  { "secrets", "secrets", "write", NULL, TRUE },
  { "secrets", "secrets", "delete", NULL, FALSE },
  { "secrets", "secrets", "read", "../x", FALSE },
  { "secrets:read:github_token", "secrets", "write", "github_token", FALSE },
  { "secrets:read:github_token", "secrets", "read", "github_token", TRUE },
  { "notifications", "notifications", "send", NULL, TRUE },
  { "notifications:send", "notifications", "send", NULL, TRUE },
  { "notifications:send", "notifications", "send", "x", FALSE },
  { "system:metrics", "system", "metrics", NULL, TRUE },
  { "system:metrics", "system", "logs", NULL, FALSE },
  { "system:metrics", NULL, "metrics", NULL, FALSE },
  { "system:metrics", "system", NULL, NULL, FALSE },
};

static void
test_matches (gconstpointer data)
{
  const MatchCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPermissionPattern) pattern = kari_permission_pattern_parse (c->pattern, &error);
  g_autofree char *home = at ("$T/homelink");
  g_autofree char *data_dir = at ("$T/data");
  g_autofree char *resource = c->resource != NULL ? at (c->resource) : NULL;
  KariPermissionContext context = { home, data_dir };

  g_assert_no_error (error);
  if (kari_permission_pattern_matches (pattern, c->domain, c->action, resource, &context) != c->matches)
    g_error ("%s should %s %s:%s:%s", c->pattern, c->matches ? "match" : "refuse", c->domain,
             c->action, resource);
}

static void
test_no_context (void)
{
  g_autoptr(KariPermissionPattern) home = kari_permission_pattern_parse ("filesystem:read:~/**", NULL);
  g_autoptr(KariPermissionPattern) data = kari_permission_pattern_parse ("filesystem:read:$DATA/**", NULL);
  g_autofree char *file = at ("$T/home/Documents/report.txt");
  KariPermissionContext relative = { "home", "data" };

  g_assert_false (kari_permission_pattern_matches (home, "filesystem", "read", file, NULL));
  g_assert_false (kari_permission_pattern_matches (data, "filesystem", "read", file, NULL));
  g_assert_false (kari_permission_pattern_matches (home, "filesystem", "read", file, &relative));
}

static void
test_pattern_parts (void)
{
  g_autoptr(KariPermissionPattern) p = kari_permission_pattern_parse ("network:connect:db.example.com:5432", NULL);
  g_autoptr(KariPermissionPattern) bare = kari_permission_pattern_parse ("secrets", NULL);

  g_assert_cmpstr (kari_permission_pattern_get_domain (p), ==, "network");
  g_assert_cmpstr (kari_permission_pattern_get_action (p), ==, "connect");
  g_assert_cmpstr (kari_permission_pattern_get_resource (p), ==, "db.example.com:5432");
  g_assert_cmpstr (kari_permission_pattern_get_text (p), ==, "network:connect:db.example.com:5432");
  g_assert_cmpstr (kari_permission_pattern_get_domain (bare), ==, "secrets");
  g_assert_null (kari_permission_pattern_get_action (bare));
  g_assert_null (kari_permission_pattern_get_resource (bare));
}

static void
test_resolve_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *request = at ("$T/outside/intodir/sub/../new.txt");
  g_autofree char *expected = at ("$T/home/Documents/new.txt");
  g_autofree char *resolved = kari_permission_resolve_path (request, &error);
  g_autofree char *refused = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (resolved, ==, expected);

  refused = kari_permission_resolve_path ("relative/path", &error);
  g_assert_null (refused);
  g_assert_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE);
  g_assert_nonnull (strstr (error->message, "“relative/path” cannot be resolved"));
}

typedef struct
{
  const char *self;
  const char *other;
  gboolean    covers;
} CoverCase;

static const CoverCase cover_cases[] = {
  { "filesystem:read:~/Documents/**", "filesystem:read:~/Documents/sub/*.txt", TRUE },
  { "filesystem:read:~/Documents/**", "filesystem:read:~/Documents", TRUE },
  { "filesystem:read:~/Documents/**", "filesystem:read:~/Documents/**", TRUE },
  { "filesystem:read:~/Documents/*", "filesystem:read:~/Documents/**", FALSE },
  { "filesystem:read:~/Documents/*", "filesystem:read:~/Documents/*/x", FALSE },
  { "filesystem:read:~/Documents/**", "filesystem:read:~/Documents2/x", FALSE },
  { "filesystem:read:~/Documents/**", "filesystem:read:~/**", FALSE },
  { "filesystem:read:/**", "filesystem:read:~/x", TRUE },
  { "filesystem:read:/**", "filesystem:read:$DATA/**", TRUE },
  { "filesystem:read:/*/**", "filesystem:read:~/x", FALSE },
  { "filesystem:read:/home/**", "filesystem:read:~/x", FALSE },
  { "filesystem:read:~/**", "filesystem:read:/home/a/x", FALSE },
  { "filesystem:read:$DATA/**", "filesystem:read:~/x", FALSE },
  { "filesystem:read:~/Documents/**", "filesystem:write:~/Documents/x", FALSE },
  { "filesystem:read:~/a*", "filesystem:read:~/ab*", TRUE },
  { "filesystem:read:~/ab*", "filesystem:read:~/a*", FALSE },
  { "filesystem:read:~/a?c", "filesystem:read:~/a?c", TRUE },
  { "filesystem:read:~/a?c", "filesystem:read:~/a*c", FALSE },
  { "filesystem:read:~/a*c", "filesystem:read:~/a?c", TRUE },
  { "filesystem:read:~/abc", "filesystem:read:~/a?c", FALSE },
  { "filesystem:read:~/**/x", "filesystem:read:~/a/**/x", TRUE },
  { "filesystem:read:~/a/**/x", "filesystem:read:~/**/x", FALSE },
  { "network:http:*.github.com", "network:http:api.github.com", TRUE },
  { "network:http:*.github.com", "network:http:github.com", FALSE },
  { "network:http:*.github.com", "network:http:*.api.github.com", TRUE },
  { "network:http:*.api.github.com", "network:http:*.github.com", FALSE },
  { "network:http:*.github.com", "network:http:*.github.com:443", TRUE },
  { "network:http:*.github.com:443", "network:http:*.github.com", FALSE },
  { "network:http:*.github.com", "network:http:evilgithub.com", FALSE },
  { "network:http", "network:http:x.com", TRUE },
  { "network:http:x.com", "network:http", FALSE },
  { "network:http:*", "network:http:*:443", TRUE },
  { "network:http:*:443", "network:http:*", FALSE },
  { "network:http:*:443", "network:http:x.com:443", TRUE },
  { "network:http:*.com", "network:http:1.2.3.4", FALSE },
  { "network:http:API.example.com", "network:http:api.example.com.", TRUE },
  { "network:http:[::1]", "network:http:::1", TRUE },
  { "network:http:*", "network:full", FALSE },
  { "network:http", "network:connect:x.com", FALSE },
  { "extension:call:crm", "extension:call:crm/*", TRUE },
  { "extension:call:crm/*", "extension:call:crm", FALSE },
  { "extension:call:*", "extension:call:crm", TRUE },
  { "extension:call:c*", "extension:call:crm/contacts", TRUE },
  { "extension:call:crm/contacts", "extension:call:crm/*", FALSE },
  { "plugin:execute:time_*", "plugin:execute:time_query", TRUE },
  { "plugin:execute:time_query", "plugin:execute:time_*", FALSE },
  { "plugin:execute:*", "plugin:execute", TRUE },
  { "plugin:execute:a/*", "plugin:execute:*", FALSE },
  { "data:read", "data:read:notes", TRUE },
  { "data:read:notes", "data:read", FALSE },
  { "data:read:*", "data:read", TRUE },
  { "data:read:notes", "data:read:notes", TRUE },
  { "data:read:notes", "data:write:notes", FALSE },
  { "secrets", "secrets:read:x", TRUE },
  { "secrets:read", "secrets", FALSE },
  { "notifications:send", "notifications", TRUE },
  { "notifications", "notifications:send", TRUE },
  { "system:metrics", "system:logs", FALSE },
};

static void
test_covers (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cover_cases); i++)
    {
      const CoverCase *c = &cover_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(KariPermissionPattern) self = kari_permission_pattern_parse (c->self, &error);
      g_autoptr(KariPermissionPattern) other = NULL;

      g_assert_no_error (error);
      other = kari_permission_pattern_parse (c->other, &error);
      g_assert_no_error (error);
      if (kari_permission_pattern_covers (self, other) != c->covers)
        g_error ("covers (%s, %s) should be %s", c->self, c->other, c->covers ? "TRUE" : "FALSE");
      /* Everything covers itself. */
      g_assert_true (kari_permission_pattern_covers (self, self));
    }
}

typedef struct
{
  const char *permission;
  const char *domain;     /* NULL: refused with code */
  const char *action;
  const char *resource;
  int         code;
  const char *message;
} SplitCase;

static const SplitCase split_cases[] = {
  { "filesystem:read:/a:b/c", "filesystem", "read", "/a:b/c" },
  { "network:http:https://x.com:8080/a", "network", "http", "https://x.com:8080/a" },
  { "network:connect:[::1]:5432", "network", "connect", "[::1]:5432" },
  { "model:inference:llama3:8b", "model", "inference", "llama3:8b" },
  { "notifications", "notifications", "send", NULL },
  { "data:read", "data", "read", NULL },
  { "secrets", NULL, NULL, NULL, KARI_PERMISSION_ERROR_UNKNOWN_ACTION,
    "“secrets”: missing action at column 8 (known for “secrets”: read, write)" },
  { "filesystem:read:rel/x", NULL, NULL, NULL, KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“filesystem:read:rel/x”: bad path “rel/x” at column 17: a requested path must be absolute" },
  { "plugin:execute:*", NULL, NULL, NULL, KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“plugin:execute:*”: bad name “*” at column 16: a name may only hold letters, digits and "
    "_ - . @ : /" },
  { "network:http:x.com:99999", NULL, NULL, NULL, KARI_PERMISSION_ERROR_BAD_RESOURCE,
    "“network:http:x.com:99999”: bad host “x.com:99999” at column 20: the port must be a number "
    "from 1 to 65535" },
  { "filesytem:read:/x", NULL, NULL, NULL, KARI_PERMISSION_ERROR_UNKNOWN_DOMAIN,
    "“filesytem:read:/x”: unknown domain “filesytem” at column 1 (known: filesystem, network, "
    "system, model, ipc, extension, plugin, data, secrets, notifications; did you mean "
    "“filesystem”?)" },
  { "filesystem:read:/home/a/\xe2\x80\xaetxt.exe", NULL, NULL, NULL, KARI_PERMISSION_ERROR_SYNTAX,
    "“filesystem:read:/home/a/\\u{202E}txt.exe”: invisible or bidirectional character U+202E "
    "at column 25" },
  { "data:read\xff", NULL, NULL, NULL, KARI_PERMISSION_ERROR_SYNTAX,
    "“data:read\\xFF”: invalid UTF-8 at byte 10" },
};

static void
test_split (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (split_cases); i++)
    {
      const SplitCase *c = &split_cases[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *domain = NULL;
      g_autofree char *action = NULL;
      g_autofree char *resource = NULL;
      gboolean ok = kari_permission_split (c->permission, &domain, &action, &resource, &error);

      if (c->domain == NULL)
        {
          if (ok)
            g_error ("%s should be refused", c->permission);
          g_assert_error (error, KARI_PERMISSION_ERROR, c->code);
          g_assert_cmpstr (error->message, ==, c->message);
          continue;
        }
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpstr (domain, ==, c->domain);
      g_assert_cmpstr (action, ==, c->action);
      g_assert_cmpstr (resource, ==, c->resource);
    }
}

static void
test_escape (void)
{
  static const struct { const char *in; gssize len; const char *out; } cases[] = {
    { "plain text, é, 日本", -1, "plain text, é, 日本" },
    { "a\nb\tc\rd", -1, "a\\u{000A}b\\u{0009}c\\u{000D}d" },
    { "a\0b", 3, "a\\u{0000}b" },
    { "\x1b[31mred", -1, "\\u{001B}[31mred" },
    { "del\x7f", -1, "del\\u{007F}" },
    { "c1\xc2\x85\xc2\x9b", -1, "c1\\u{0085}\\u{009B}" },
    { "~/Documents/\xe2\x80\xae" "exe.txt", -1, "~/Documents/\\u{202E}exe.txt" },
    { "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", -1, "\\u{202A}\\u{202B}\\u{202C}\\u{202D}" },
    { "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", -1, "\\u{2066}\\u{2067}\\u{2068}\\u{2069}" },
    { "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", -1, "\\u{200E}\\u{200F}\\u{061C}" },
    { "a\xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d\xe2\x81\xa0\xef\xbb\xbf" "b", -1,
      "a\\u{200B}\\u{200C}\\u{200D}\\u{2060}\\u{FEFF}b" },
    { "nb\xc2\xa0sp", -1, "nb\\u{00A0}sp" },
    { "tag\xf3\xa0\x80\x81", -1, "tag\\u{E0001}" },
    { "bad\xff\xfe", -1, "bad\\xFF\\xFE" },
    { "trunc\xe2\x80", -1, "trunc\\xE2\\x80" },
    { "overlong\xc0\xaf", -1, "overlong\\xC0\\xAF" },
    { "forged \\u{202E}", -1, "forged \\\\u{202E}" },
    { "", -1, "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = kari_permission_escape_for_display_len (cases[i].in, cases[i].len);

      g_assert_cmpstr (out, ==, cases[i].out);
      if (cases[i].len < 0)
        {
          g_autofree char *again = kari_permission_escape_for_display (cases[i].in);

          g_assert_cmpstr (again, ==, cases[i].out);
        }
    }
}

/* Whatever the bytes, the result is valid UTF-8 with nothing hidden. */
static void
test_escape_random (void)
{
  for (guint n = 0; n < 2000; n++)
    {
      guchar bytes[24];
      guint len = g_test_rand_int_range (0, sizeof bytes);
      g_autofree char *out = NULL;

      for (guint i = 0; i < len; i++)
        bytes[i] = g_test_rand_int_range (0, 3) == 0 ? g_test_rand_int_range (0x20, 0x7f)
                                                      : g_test_rand_int_range (0, 256);
      out = kari_permission_escape_for_display_len ((const char *) bytes, len);
      g_assert_true (g_utf8_validate (out, -1, NULL));
      for (const char *c = out; *c; c = g_utf8_next_char (c))
        {
          gunichar u = g_utf8_get_char (c);
          GUnicodeType t = g_unichar_type (u);

          g_assert_true (u >= 0x20 && u != 0x7f);
          g_assert_true (t != G_UNICODE_CONTROL && t != G_UNICODE_FORMAT);
        }
    }
}

static void
test_describe (void)
{
  static const struct { const char *permission; const char *words; } cases[] = {
    { "filesystem:read:~/Documents/**", "read files in ~/Documents and below" },
    { "filesystem:read:/**", "read every file" },
    { "filesystem:write:/tmp/out", "create and change /tmp/out" },
    { "filesystem:read:/x/*.txt", "read files matching /x/*.txt" },
    { "filesystem:read:/x/**/y", "read files matching /x/**/y" },
    { "network:http:api.github.com", "connect to api.github.com over HTTP" },
    { "network:http:*.github.com", "connect to any host under github.com over HTTP" },
    { "network:http:*:443", "connect to any host on port 443 over HTTP" },
    { "network:http:https://API.github.com/x", "connect to api.github.com on port 443 over HTTP" },
    { "network:http:bücher.example", "connect to xn--bcher-kva.example over HTTP" },
    { "network:http", "connect to any host over HTTP" },
    { "network:connect:localhost:11434", "open network connections to localhost on port 11434" },
    { "network:full", "use the network without restriction" },
    { "plugin:execute:time_query", "run the plugin time_query" },
    { "plugin:execute", "run any plugin" },
    { "extension:call:crm/contacts", "call the extension endpoint crm/contacts" },
    { "model:inference:*", "run any AI model" },
    { "data:read:*", "read its stored data" },
    { "data:write:notes", "change its stored data in notes" },
    { "secrets", "read and store secrets" },
    { "secrets:read:github_token", "read the secret github_token" },
    { "notifications", "show notifications" },
    { "system:logs", "read the system logs" },
    { "bogus\xe2\x80\xae", "an invalid permission, “bogus\\u{202E}”" },
    { "data:read\n", "an invalid permission, “data:read\\u{000A}”" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *words = kari_permission_describe (cases[i].permission);

      g_assert_cmpstr (words, ==, cases[i].words);
    }
}

/* The property tests: random patterns and requests against a reference
 * simple enough to be obviously right. */

static const char *const path_pattern_parts[] = { "a", "b", "ab", "*", "?", "**", "a*", "*b", "?b" };
static const char *const path_request_parts[] = { "a", "b", "ab", "ba", "aa", "abb" };

/* The reference: a pattern is a regular expression over the normalised
 * path; `..` is refused (every request here goes below a folder that
 * does not exist). */
static gboolean
reference_path_match (GPtrArray  *pattern,
                      const char *request)
{
  g_autoptr(GString) re = g_string_new ("^");
  g_auto(GStrv) parts = g_strsplit (request, "/", -1);
  g_autoptr(GString) normal = g_string_new (NULL);

  for (guint i = 0; i < pattern->len; i++)
    {
      const char *part = g_ptr_array_index (pattern, i);

      if (g_str_equal (part, "**"))
        {
          g_string_append (re, "(/[^/]+)*");
          continue;
        }
      g_string_append_c (re, '/');
      for (const char *c = part; *c; c++)
        if (*c == '*')
          g_string_append (re, "[^/]*");
        else if (*c == '?')
          g_string_append (re, "[^/]");
        else
          {
            g_autofree char *lit = g_regex_escape_string (c, 1);

            g_string_append (re, lit);
          }
    }
  g_string_append_c (re, '$');

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], ".."))
        return FALSE;
      if (*parts[i] != '\0' && !g_str_equal (parts[i], "."))
        g_string_append_printf (normal, "/%s", parts[i]);
    }
  return g_regex_match_simple (re->str, normal->str, 0, 0);
}

static void
test_property_paths (void)
{
  g_autofree char *root = at ("$T/prop");
  guint seen[2] = { 0, 0 };

  for (guint n = 0; n < 3000; n++)
    {
      g_autoptr(GPtrArray) pattern = g_ptr_array_new ();
      g_autoptr(GString) text = g_string_new ("filesystem:read:");
      g_autoptr(GString) request = g_string_new (root);
      g_autoptr(GString) relative = g_string_new (NULL);
      g_autoptr(KariPermissionPattern) p = NULL;
      guint np = g_test_rand_int_range (0, 5);
      guint nr = g_test_rand_int_range (0, 5);
      g_auto(GStrv) root_parts = g_strsplit (root + 1, "/", -1);
      gboolean expected;
      gboolean got;

      for (guint i = 0; root_parts[i] != NULL; i++)
        g_ptr_array_add (pattern, root_parts[i]);
      g_string_append (text, root);
      for (guint i = 0; i < np; i++)
        {
          const char *part = path_pattern_parts[g_test_rand_int_range (0, G_N_ELEMENTS (path_pattern_parts))];

          g_ptr_array_add (pattern, (gpointer) part);
          g_string_append_printf (text, "/%s", part);
        }
      for (guint i = 0; i < nr; i++)
        {
          switch (g_test_rand_int_range (0, 8))
            {
            case 0: g_string_append (relative, "/."); break;
            case 1: g_string_append_c (relative, '/'); break;
            case 2:
              if (i > 0)
                g_string_append (relative, "/..");
              break;
            default: break;
            }
          g_string_append_printf (relative, "/%s",
                                  path_request_parts[g_test_rand_int_range (0, G_N_ELEMENTS (path_request_parts))]);
        }
      if (g_test_rand_bit ())
        g_string_append_c (relative, '/');
      g_string_append (request, relative->str);

      p = kari_permission_pattern_parse (text->str, NULL);
      g_assert_nonnull (p);
      expected = reference_path_match (pattern, request->str);
      got = kari_permission_pattern_matches (p, "filesystem", "read", request->str, NULL);
      if (expected != got)
        g_error ("%s against %s: reference says %d, matcher %d", text->str, request->str, expected, got);
      seen[got]++;
    }
  /* Both answers were exercised. */
  g_assert_cmpuint (seen[FALSE], >, 100);
  g_assert_cmpuint (seen[TRUE], >, 100);
}

static const char *const host_labels[] = { "a", "b", "ab", "xn--bcher-kva", "github", "com" };
static const guint ports[] = { 0, 80, 443 };

static char *
random_host (guint min_labels)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint n = g_test_rand_int_range (min_labels, 4);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? "." : "",
                            host_labels[g_test_rand_int_range (0, G_N_ELEMENTS (host_labels))]);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_property_hosts (void)
{
  guint seen[2] = { 0, 0 };

  for (guint n = 0; n < 3000; n++)
    {
      g_autofree char *host = random_host (1);
      g_autofree char *shown_host = g_strdup (host);
      g_autofree char *suffix = random_host (1);
      guint kind = g_test_rand_int_range (0, 3);   /* any, wildcard, exact */
      guint pattern_port = ports[g_test_rand_int_range (0, G_N_ELEMENTS (ports))];
      guint request_port = ports[g_test_rand_int_range (0, G_N_ELEMENTS (ports))];
      g_autofree char *pattern_host = kind == 0 ? g_strdup ("*")
                                      : kind == 1 ? g_strdup_printf ("*.%s", suffix)
                                      : g_strdup (g_test_rand_bit () ? host : suffix);
      g_autofree char *text = NULL;
      g_autofree char *request = NULL;
      g_autoptr(KariPermissionPattern) p = NULL;
      g_autofree char *dotted = g_strdup_printf (".%s", suffix);
      gboolean expected;
      gboolean got;

      /* Requests come in any case and with a trailing dot or not. */
      for (char *c = shown_host; *c; c++)
        if (g_test_rand_bit ())
          *c = g_ascii_toupper (*c);
      if (g_test_rand_bit ())
        {
          char *dot = g_strconcat (shown_host, ".", NULL);

          g_free (shown_host);
          shown_host = dot;
        }
      request = request_port != 0 ? g_strdup_printf ("%s:%u", shown_host, request_port)
                                  : g_strdup (shown_host);
      text = pattern_port != 0 ? g_strdup_printf ("network:http:%s:%u", pattern_host, pattern_port)
                               : g_strdup_printf ("network:http:%s", pattern_host);

      expected = (pattern_port == 0 || pattern_port == request_port)
                 && (kind == 0
                     || (kind == 1 && g_str_has_suffix (host, dotted))
                     || (kind == 2 && g_str_equal (pattern_host, host)));
      p = kari_permission_pattern_parse (text, NULL);
      g_assert_nonnull (p);
      got = kari_permission_pattern_matches (p, "network", "http", request, NULL);
      if (expected != got)
        g_error ("%s against %s: reference says %d, matcher %d", text, request, expected, got);
      seen[got]++;
    }
  g_assert_cmpuint (seen[FALSE], >, 100);
  g_assert_cmpuint (seen[TRUE], >, 100);
}

/* covers() is sound: whatever the covered pattern matches, the
 * covering one matches too. */
static void
test_property_covers (void)
{
  g_autofree char *root = at ("$T/prop");
  guint covered = 0;

  for (guint n = 0; n < 3000; n++)
    {
      g_autoptr(KariPermissionPattern) self = NULL;
      g_autoptr(KariPermissionPattern) other = NULL;
      g_auto(GStrv) texts = g_new0 (char *, 3);

      for (guint k = 0; k < 2; k++)
        {
          g_autoptr(GString) t = g_string_new ("filesystem:read:");
          guint np = g_test_rand_int_range (0, 4);

          g_string_append (t, root);
          for (guint i = 0; i < np; i++)
            g_string_append_printf (t, "/%s", path_pattern_parts[g_test_rand_int_range (0, G_N_ELEMENTS (path_pattern_parts))]);
          texts[k] = g_string_free (g_steal_pointer (&t), FALSE);
        }
      self = kari_permission_pattern_parse (texts[0], NULL);
      other = kari_permission_pattern_parse (texts[1], NULL);
      if (!kari_permission_pattern_covers (self, other))
        continue;
      covered++;
      for (guint m = 0; m < 20; m++)
        {
          g_autoptr(GString) request = g_string_new (root);
          guint nr = g_test_rand_int_range (0, 5);

          for (guint i = 0; i < nr; i++)
            g_string_append_printf (request, "/%s", path_request_parts[g_test_rand_int_range (0, G_N_ELEMENTS (path_request_parts))]);
          if (kari_permission_pattern_matches (other, "filesystem", "read", request->str, NULL)
              && !kari_permission_pattern_matches (self, "filesystem", "read", request->str, NULL))
            g_error ("%s covers %s but not %s", texts[0], texts[1], request->str);
        }
    }
  g_assert_cmpuint (covered, >, 100);
}

int
main (int argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_tree ();

  for (gsize i = 0; i < G_N_ELEMENTS (match_cases); i++)
    {
      const MatchCase *c = &match_cases[i];
      g_autofree char *path = g_strdup_printf ("/permission-pattern/match/%s/%s/%03zu",
                                               c->domain != NULL ? c->domain : "none",
                                               c->matches ? "allowed" : "refused", i);
      g_test_add_data_func (path, &match_cases[i], test_matches);
    }
  g_test_add_func ("/permission-pattern/match/no-context", test_no_context);
  g_test_add_func ("/permission-pattern/parts", test_pattern_parts);
  g_test_add_func ("/permission-pattern/resolve-path", test_resolve_path);
  g_test_add_func ("/permission-pattern/covers", test_covers);
  g_test_add_func ("/permission-pattern/split", test_split);
  g_test_add_func ("/permission-pattern/escape/table", test_escape);
  g_test_add_func ("/permission-pattern/escape/random", test_escape_random);
  g_test_add_func ("/permission-pattern/describe", test_describe);
  g_test_add_func ("/permission-pattern/property/paths", test_property_paths);
  g_test_add_func ("/permission-pattern/property/hosts", test_property_hosts);
  g_test_add_func ("/permission-pattern/property/covers", test_property_covers);

  status = g_test_run ();
  kari_test_rm_rf (base);
  free (base);
  return status;
}
