/* kari-permission.c — the syntax of permission strings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A permission is `domain:action[:resource]`. Which domains and actions
 * exist, what kind of resource each action takes and how it reads in
 * plain words is the table below; one loop reads it. Only the first two
 * `:` separate parts: a resource may hold more (host:port, URLs, model
 * tags such as `llama3:8b`).
 *
 * Actions are always named: there is no `domain:*`, so that a domain
 * gaining an action later does not silently widen what was granted. The
 * bare `secrets` and `notifications` stand for every action of their
 * domain, as the table spells out.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdarg.h>
#include <string.h>

#include "kari-permission-pattern.h"
#include "kari-permission-private.h"

G_DEFINE_QUARK (kari-permission-error-quark, kari_permission_error)

static const KariPermissionRule rules[] = {
  { "filesystem",    "read",      KARI_RESOURCE_PATH,
    "read any file", "read %s" },
  { "filesystem",    "write",     KARI_RESOURCE_PATH,
    "create and change any file", "create and change %s" },
  { "network",       "http",      KARI_RESOURCE_HOST,
    "connect to any host over HTTP", "connect to %s over HTTP" },
  { "network",       "connect",   KARI_RESOURCE_HOST,
    "open network connections to any host", "open network connections to %s" },
  { "network",       "full",      KARI_RESOURCE_NONE,
    "use the network without restriction", NULL },
  { "system",        "metrics",   KARI_RESOURCE_NONE,
    "read system metrics (processor, memory, disks)", NULL },
  { "system",        "logs",      KARI_RESOURCE_NONE,
    "read the system logs", NULL },
  { "model",         "inference", KARI_RESOURCE_NAME,
    "run any AI model", "run the AI model %s" },
  { "ipc",           "call",      KARI_RESOURCE_NAME,
    "call any method of other programs", "call the method %s of other programs" },
  { "ipc",           "emit",      KARI_RESOURCE_NAME,
    "send any event", "send the event %s" },
  { "ipc",           "subscribe", KARI_RESOURCE_NAME,
    "receive any event", "receive the event %s" },
  { "extension",     "call",      KARI_RESOURCE_NAME,
    "call any other extension", "call the extension endpoint %s" },
  { "plugin",        "execute",   KARI_RESOURCE_NAME,
    "run any plugin", "run the plugin %s" },
  { "data",          "read",      KARI_RESOURCE_EXACT,
    "read its stored data", "read its stored data in %s" },
  { "data",          "write",     KARI_RESOURCE_EXACT,
    "change its stored data", "change its stored data in %s" },
  { "secrets",       NULL,        KARI_RESOURCE_NONE,
    "read and store secrets", NULL },
  { "secrets",       "read",      KARI_RESOURCE_EXACT,
    "read secrets", "read the secret %s" },
  { "secrets",       "write",     KARI_RESOURCE_EXACT,
    "store secrets", "store the secret %s" },
  { "notifications", NULL,        KARI_RESOURCE_NONE,
    "show notifications", NULL },
  { "notifications", "send",      KARI_RESOURCE_NONE,
    "show notifications", NULL },
};

static const char * const domains[] = {
  "filesystem", "network", "system", "model", "ipc", "extension", "plugin", "data",
  "secrets", "notifications", NULL
};
/* The grouped form of the original specification
 * (`"permissions": {"data_access": ["read"]}`) and what each entry means
 * in the list form. */
typedef struct
{
  const char *group;
  const char *value;
  const char *permission;
} GroupedRule;

static const GroupedRule grouped_rules[] = {
  { "data_access",         "read",          "data:read" },
  { "data_access",         "write",         "data:write" },
  { "plugin_access",       "execute",       "plugin:execute" },
  { "system_access",       "metrics",       "system:metrics" },
  { "system_access",       "logs",          "system:logs" },
  { "network_access",      "outbound_http", "network:http" },
  { "network_access",      "full",          "network:full" },
  { "model_access",        "inference",     "model:inference" },
  { "extension_access",    "call",          "extension:call" },
  { "secrets_access",      "read",          "secrets:read" },
  { "secrets_access",      "write",         "secrets:write" },
  { "notification_access", "send",          "notifications:send" },
};

void
_kari_permission_parts_clear (KariPermissionParts *parts)
{
  g_clear_pointer (&parts->domain, g_free);
  g_clear_pointer (&parts->action, g_free);
  g_clear_pointer (&parts->resource, g_free);
}

const KariPermissionRule *
_kari_permission_lookup (const char *domain,
                         const char *action)
{
  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_str_equal (rules[i].domain, domain) && g_strcmp0 (rules[i].action, action) == 0)
      return &rules[i];
  return NULL;
}

/* Whether @action is one of @domain's named actions. */
gboolean
_kari_permission_domain_has_action (const char *domain,
                                    const char *action)
{
  return action != NULL && _kari_permission_lookup (domain, action) != NULL;
}

/* The one named action of a domain that may be written alone and has
 * only one (`notifications` → `send`), so a request for the bare domain
 * is concrete. */
const char *
_kari_permission_sole_action (const char *domain)
{
  const char *sole = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_str_equal (rules[i].domain, domain) && rules[i].action != NULL)
      {
        if (sole != NULL)
          return NULL;
        sole = rules[i].action;
      }
  return sole;
}

/* 1-based column of a byte offset, counting characters. */
static guint
column_of (const char *text,
           gsize       offset)
{
  guint column = 1;

  for (gsize i = 0; i < offset && text[i] != '\0'; i++)
    if (((guchar) text[i] & 0xc0) != 0x80)
      column++;
  return column;
}

/* Every message starts with the permission as written, escaped, then
 * says which part is wrong and at which column. */
void
_kari_permission_set_error (GError              **error,
                            KariPermissionError   code,
                            const char           *permission,
                            gsize                 offset,
                            const char           *format,
                            ...)
{
  g_autofree char *shown = kari_permission_escape_for_display (permission);
  g_autofree char *message = NULL;
  g_autofree char *with_column = NULL;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* `@` in the message stands for “at column N”. */
  if (strstr (message, "@") != NULL)
    {
      g_autofree char *at = g_strdup_printf ("at column %u", column_of (permission, offset));
      g_auto(GStrv) pieces = g_strsplit (message, "@", 2);

      with_column = g_strconcat (pieces[0], at, pieces[1], NULL);
    }
  g_set_error (error, KARI_PERMISSION_ERROR, code, _("“%s”: %s"), shown,
               with_column != NULL ? with_column : message);
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }
  return row[lb];
}

/* `known: a, b, c; did you mean “b”?` over the names in @names. */
static char *
known_list (const char         *label,
            const char * const *names,
            gsize               n_names,
            const char         *word)
{
  g_autoptr(GString) s = g_string_new (label);
  const char *best = NULL;
  guint best_distance = G_MAXUINT;

  for (gsize i = 0; i < n_names; i++)
    {
      guint d;

      g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", names[i]);
      if (word == NULL || strlen (word) > 64)
        continue;
      d = edit_distance (word, names[i]);
      if (d < best_distance)
        {
          best_distance = d;
          best = names[i];
        }
    }
  if (best != NULL && best_distance > 0 && best_distance <= MAX (1, strlen (best) / 3))
    g_string_append_printf (s, "; did you mean “%s”?", best);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Fills @names with @domain's named actions in the table's order;
 * returns how many. */
static gsize
collect_actions (const char  *domain,
                 const char **names)
{
  gsize n = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_str_equal (rules[i].domain, domain) && rules[i].action != NULL)
      names[n++] = rules[i].action;
  return n;
}

static char *
known_actions (const char *domain,
               const char *word)
{
  const char *names[G_N_ELEMENTS (rules)];
  g_autofree char *label = g_strdup_printf ("known for “%s”: ", domain);
  gsize n = collect_actions (domain, names);

  return known_list (label, names, n, word);
}

/* The domains the table knows, %NULL-terminated, in the table's order. */
const char * const *
_kari_permission_get_domains (void)
{
  return domains;
}

/* Whether @domain is one of the table's domains. */
gboolean
_kari_permission_domain_is_known (const char *domain)
{
  return g_strv_contains (domains, domain);
}

/* @domain's named actions, in the table's order, joined by “, ”. */
char *
_kari_permission_dup_actions (const char *domain)
{
  const char *names[G_N_ELEMENTS (rules)];
  gsize n = collect_actions (domain, names);

  return known_list ("", names, n, NULL);
}

/* Characters no part may hold: invalid UTF-8, controls, and the
 * invisible and bidirectional characters that make a string read
 * differently from what it is. A space is only allowed in a path. */
static gboolean
check_characters (const char  *permission,
                  GError     **error)
{
  const char *end = NULL;
  const char *path_start = NULL;

  if (!g_utf8_validate (permission, -1, &end))
    {
      _kari_permission_set_error (error, KARI_PERMISSION_ERROR_SYNTAX, permission, 0,
                                  "invalid UTF-8 at byte %zu", (gsize) (end - permission) + 1);
      return FALSE;
    }
  if (g_str_has_prefix (permission, "filesystem:"))
    {
      path_start = strchr (permission + strlen ("filesystem:"), ':');
    }

  for (const char *c = permission; *c; c = g_utf8_next_char (c))
    {
      gunichar u = g_utf8_get_char (c);

      if (u < 0x20 || (u >= 0x7f && u < 0xa0))
        {
          _kari_permission_set_error (error, KARI_PERMISSION_ERROR_SYNTAX, permission,
                                      c - permission, "control character U+%04X @", u);
          return FALSE;
        }
      if (_kari_unichar_is_hidden (u))
        {
          _kari_permission_set_error (error, KARI_PERMISSION_ERROR_SYNTAX, permission,
                                      c - permission,
                                      "invisible or bidirectional character U+%04X @", u);
          return FALSE;
        }
      if (u == ' ' && (path_start == NULL || c < path_start))
        {
          _kari_permission_set_error (error, KARI_PERMISSION_ERROR_SYNTAX, permission,
                                      c - permission, "a space @: only a path may hold spaces");
          return FALSE;
        }
    }
  return TRUE;
}

/* Cuts @permission at its first two colons and checks the domain and
 * the action against the table. With @concrete, a bare domain that
 * has only one action gets that action (`notifications` is
 * `notifications:send`). */
gboolean
_kari_permission_cut (const char                *permission,
                      gboolean                   concrete,
                      KariPermissionParts       *parts,
                      const KariPermissionRule **rule_out,
                      GError                   **error)
{
  const KariPermissionRule *rule;
  const char *first;
  const char *second = NULL;
  g_autofree char *domains_known = NULL;

  memset (parts, 0, sizeof *parts);
  if (*permission == '\0')
    {
      g_set_error_literal (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_SYNTAX,
                           _("an empty string is not a permission: write domain:action[:resource]"));
      return FALSE;
    }
  if (!check_characters (permission, error))
    return FALSE;

  first = strchr (permission, ':');
  parts->domain = first != NULL ? g_strndup (permission, first - permission) : g_strdup (permission);
  if (first != NULL)
    {
      second = strchr (first + 1, ':');
      parts->action_offset = first + 1 - permission;
      parts->action = second != NULL ? g_strndup (first + 1, second - first - 1) : g_strdup (first + 1);
      if (second != NULL)
        {
          parts->resource_offset = second + 1 - permission;
          parts->resource = g_strdup (second + 1);
        }
    }

  if (*parts->domain == '\0')
    {
      _kari_permission_set_error (error, KARI_PERMISSION_ERROR_SYNTAX, permission, 0,
                                  "empty domain @: write domain:action[:resource]");
      return FALSE;
    }
  if (parts->action != NULL && *parts->action == '\0')
    {
      _kari_permission_set_error (error, KARI_PERMISSION_ERROR_SYNTAX, permission,
                                  parts->action_offset,
                                  "empty action @: write domain:action[:resource]");
      return FALSE;
    }
  if (parts->resource != NULL && *parts->resource == '\0')
    {
      _kari_permission_set_error (error, KARI_PERMISSION_ERROR_SYNTAX, permission,
                                  parts->resource_offset,
                                  "empty resource @: leave out the second “:” for none");
      return FALSE;
    }

  if (!_kari_permission_domain_is_known (parts->domain))
    {
      domains_known = known_list ("known: ", domains, G_N_ELEMENTS (domains) - 1, parts->domain);
      _kari_permission_set_error (error, KARI_PERMISSION_ERROR_UNKNOWN_DOMAIN, permission, 0,
                                  "unknown domain “%s” @ (%s)", parts->domain, domains_known);
      return FALSE;
    }

  if (parts->action == NULL && concrete && _kari_permission_lookup (parts->domain, NULL) != NULL)
    parts->action = g_strdup (_kari_permission_sole_action (parts->domain));

  /* A request names one action: a bare `secrets` is not one. */
  rule = concrete && parts->action == NULL ? NULL
                                           : _kari_permission_lookup (parts->domain, parts->action);
  if (rule == NULL)
    {
      g_autofree char *known = known_actions (parts->domain, parts->action);

      if (parts->action == NULL)
        _kari_permission_set_error (error, KARI_PERMISSION_ERROR_UNKNOWN_ACTION, permission,
                                    strlen (permission), "missing action @ (%s)", known);
      else
        _kari_permission_set_error (error, KARI_PERMISSION_ERROR_UNKNOWN_ACTION, permission,
                                    parts->action_offset,
                                    "unknown action “%s” @ (%s)", parts->action, known);
      return FALSE;
    }

  if (rule->resource == KARI_RESOURCE_NONE && parts->resource != NULL)
    {
      _kari_permission_set_error (error, KARI_PERMISSION_ERROR_BAD_RESOURCE, permission,
                                  parts->resource_offset,
                                  "“%s%s%s” takes no resource, found one @", parts->domain,
                                  parts->action != NULL ? ":" : "",
                                  parts->action != NULL ? parts->action : "");
      return FALSE;
    }
  if (rule->resource == KARI_RESOURCE_PATH && parts->resource == NULL)
    {
      _kari_permission_set_error (error, KARI_PERMISSION_ERROR_BAD_RESOURCE, permission,
                                  strlen (permission),
                                  "missing path @ (such as %s:%s:~/Documents/**)",
                                  parts->domain, parts->action);
      return FALSE;
    }

  if (rule_out != NULL)
    *rule_out = rule;
  return TRUE;
}

/**
 * kari_permission_check_syntax:
 * @permission: a permission string, such as `network:http:*.github.com`
 * @error: return location for a #KARI_PERMISSION_ERROR
 *
 * Checks that @permission is `domain:action[:resource]` with a known
 * domain, an action that domain has, and a resource pattern that makes
 * sense for it; see kari_permission_pattern_parse(). `secrets` and
 * `notifications` are valid alone. The message of @error quotes
 * @permission (escaped for display) and names the bad part and its
 * column.
 *
 * Returns: %TRUE if @permission is well formed
 */
gboolean
kari_permission_check_syntax (const char  *permission,
                              GError     **error)
{
  g_autoptr(KariPermissionPattern) pattern = NULL;

  g_return_val_if_fail (permission != NULL, FALSE);

  pattern = kari_permission_pattern_parse (permission, error);
  return pattern != NULL;
}

/**
 * kari_permission_expand_grouped:
 * @group: a key of the grouped form, such as `data_access`
 * @value: one of its values, such as `read`
 * @error: return location for a #KARI_PERMISSION_ERROR
 *
 * Translates one entry of the grouped permission form of the original
 * specification into list-form permissions: `data_access: read` is
 * `data:read`, `network_access: outbound_http` is `network:http`.
 *
 * Returns: (transfer full) (nullable): the permissions, or %NULL with
 *   @error set when @group or @value is unknown
 */
char **
kari_permission_expand_grouped (const char  *group,
                                const char  *value,
                                GError     **error)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  gboolean group_known = FALSE;
  gboolean found = FALSE;
  g_autoptr(GString) known = g_string_new (NULL);

  g_return_val_if_fail (group != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (grouped_rules); i++)
    {
      if (!g_str_equal (grouped_rules[i].group, group))
        continue;
      group_known = TRUE;
      g_string_append_printf (known, "%s%s", known->len > 0 ? ", " : "", grouped_rules[i].value);
      if (g_str_equal (grouped_rules[i].value, value))
        {
          g_strv_builder_add (b, grouped_rules[i].permission);
          found = TRUE;
        }
    }

  if (!group_known)
    {
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_UNKNOWN_DOMAIN,
                   _("unknown permission group “%s” (known: data_access, plugin_access, "
                   "system_access, network_access, model_access, extension_access, "
                   "secrets_access, notification_access)"), group);
      return NULL;
    }
  if (!found)
    {
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_UNKNOWN_ACTION,
                   _("unknown value “%s” for “%s” (known: %s)"), value, group, known->str);
      return NULL;
    }
  return g_strv_builder_end (b);
}
