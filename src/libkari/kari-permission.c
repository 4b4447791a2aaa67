/* kari-permission.c — the syntax of permission strings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A permission is `domain:action[:resource]`. Which domains and actions
 * exist, and what kind of resource each action takes, is the table
 * below; one loop reads it.
 */
#include "config.h"

#include <string.h>

#include "kari-permission.h"

G_DEFINE_QUARK (kari-permission-error-quark, kari_permission_error)

typedef enum
{
  RES_NONE,       /* no resource may follow */
  RES_NAME,       /* optional name pattern: plugin, extension, model, key… */
  RES_PATH,       /* required path pattern starting with /, ~ or $DATA */
  RES_HOST,       /* optional host[:port] pattern */
} ResourceKind;

typedef struct
{
  const char   *domain;
  const char   *action;    /* NULL: the domain alone */
  ResourceKind  resource;
} PermissionRule;

static const PermissionRule rules[] = {
  { "filesystem",    "read",      RES_PATH },
  { "filesystem",    "write",     RES_PATH },
  { "network",       "http",      RES_HOST },
  { "network",       "connect",   RES_HOST },
  { "network",       "full",      RES_NONE },
  { "system",        "metrics",   RES_NONE },
  { "system",        "logs",      RES_NONE },
  { "model",         "inference", RES_NAME },
  { "ipc",           "call",      RES_NAME },
  { "ipc",           "emit",      RES_NAME },
  { "ipc",           "subscribe", RES_NAME },
  { "extension",     "call",      RES_NAME },
  { "plugin",        "execute",   RES_NAME },
  { "data",          "read",      RES_NAME },
  { "data",          "write",     RES_NAME },
  { "secrets",       NULL,        RES_NONE },
  { "secrets",       "read",      RES_NAME },
  { "secrets",       "write",     RES_NAME },
  { "notifications", NULL,        RES_NONE },
  { "notifications", "send",      RES_NONE },
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

static gboolean
has_control_chars (const char *s)
{
  for (const guchar *c = (const guchar *) s; *c; c++)
    if (*c < 0x20 || *c == 0x7f)
      return TRUE;
  return FALSE;
}

/* Names of plugins, extensions, models, data collections, secrets:
 * letters, digits and `_-./@*`, no `..`. */
static gboolean
check_name_pattern (const char  *resource,
                    GError     **error)
{
  for (const char *c = resource; *c; c++)
    if (!g_ascii_isalnum (*c) && strchr ("_-./@*", *c) == NULL)
      {
        g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE,
                     "“%s” may only hold letters, digits and _ - . / @ *", resource);
        return FALSE;
      }
  if (strstr (resource, "..") != NULL)
    {
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE,
                   "“%s” must not contain “..”", resource);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_path_pattern (const char  *resource,
                    GError     **error)
{
  g_auto(GStrv) parts = NULL;

  if (resource[0] != '/' && resource[0] != '~' && !g_str_has_prefix (resource, "$DATA"))
    {
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE,
                   "path pattern “%s” must start with /, ~ or $DATA", resource);
      return FALSE;
    }
  if (resource[0] == '~' && resource[1] != '\0' && resource[1] != '/')
    {
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE,
                   "path pattern “%s”: only “~/” is understood, not another user’s home",
                   resource);
      return FALSE;
    }
  if (g_str_has_prefix (resource, "$DATA") && resource[5] != '\0' && resource[5] != '/')
    {
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE,
                   "path pattern “%s”: $DATA must be followed by / or end the pattern",
                   resource);
      return FALSE;
    }
  parts = g_strsplit (resource, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      {
        g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE,
                     "path pattern “%s” must not contain “..”", resource);
        return FALSE;
      }
  return TRUE;
}

/* host[:port], where host is `*`, `*.example.com`, `example.com` or an
 * IPv4 address, and port is 1–65535 or `*`. */
static gboolean
check_host_pattern (const char  *resource,
                    GError     **error)
{
  g_autofree char *host = NULL;
  const char *colon = strrchr (resource, ':');
  const char *h;

  host = colon != NULL ? g_strndup (resource, colon - resource) : g_strdup (resource);
  if (colon != NULL && !g_str_equal (colon + 1, "*"))
    {
      guint64 port = 0;

      if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
        {
          g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE,
                       "host pattern “%s”: the port must be a number from 1 to 65535 or *",
                       resource);
          return FALSE;
        }
    }

  if (g_str_equal (host, "*"))
    return TRUE;
  h = g_str_has_prefix (host, "*.") ? host + 2 : host;
  if (*h == '\0' || *h == '.' || *h == '-' || g_str_has_suffix (h, ".")
      || strstr (h, "..") != NULL || strlen (h) > 253)
    goto bad;
  for (const char *c = h; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '.')
      goto bad;
  return TRUE;

bad:
  g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE,
               "“%s” is not a host pattern (host, *.domain or *, with an optional :port)",
               resource);
  return FALSE;
}

/**
 * kari_permission_check_syntax:
 * @permission: a permission string, such as `filesystem:read:~/Documents/…`
 * @error: return location for a #KARI_PERMISSION_ERROR
 *
 * Checks that @permission is `domain:action[:resource]` with a known
 * domain, an action that domain has, and a resource that makes sense
 * for it. `secrets` and `notifications` are valid alone.
 *
 * Returns: %TRUE if @permission is well formed
 */
gboolean
kari_permission_check_syntax (const char  *permission,
                              GError     **error)
{
  g_autofree char *domain = NULL;
  g_autofree char *action = NULL;
  const char *resource = NULL;
  const char *colon;
  gboolean domain_known = FALSE;

  g_return_val_if_fail (permission != NULL, FALSE);

  if (*permission == '\0' || has_control_chars (permission)
      || strchr (permission, ' ') != NULL)
    {
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_SYNTAX,
                   "a permission is domain:action[:resource] without spaces or control characters");
      return FALSE;
    }

  colon = strchr (permission, ':');
  domain = colon != NULL ? g_strndup (permission, colon - permission) : g_strdup (permission);
  if (colon != NULL)
    {
      const char *second = strchr (colon + 1, ':');

      action = second != NULL ? g_strndup (colon + 1, second - colon - 1) : g_strdup (colon + 1);
      if (second != NULL)
        resource = second + 1;
      if (*action == '\0' || (resource != NULL && *resource == '\0'))
        {
          g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_SYNTAX,
                       "“%s” has an empty part: write domain:action[:resource]", permission);
          return FALSE;
        }
    }

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      const PermissionRule *rule = &rules[i];

      if (!g_str_equal (rule->domain, domain))
        continue;
      domain_known = TRUE;
      if (g_strcmp0 (rule->action, action) != 0)
        continue;

      switch (rule->resource)
        {
        case RES_NONE:
          if (resource != NULL)
            {
              g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE,
                           "“%s:%s” takes no resource", domain, action);
              return FALSE;
            }
          return TRUE;
        case RES_NAME:
          return resource == NULL || check_name_pattern (resource, error);
        case RES_HOST:
          return resource == NULL || check_host_pattern (resource, error);
        case RES_PATH:
          if (resource == NULL)
            {
              g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE,
                           "“%s:%s” needs a path pattern, such as %s:%s:~/Documents/**",
                           domain, action, domain, action);
              return FALSE;
            }
          return check_path_pattern (resource, error);
        default:
          g_assert_not_reached ();
        }
    }

  if (!domain_known)
    {
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_UNKNOWN_DOMAIN,
                   "unknown permission domain “%s” (known: filesystem, network, system, "
                   "model, ipc, extension, plugin, data, secrets, notifications)", domain);
      return FALSE;
    }

  {
    g_autoptr(GString) known = g_string_new (NULL);

    for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
      if (g_str_equal (rules[i].domain, domain) && rules[i].action != NULL)
        g_string_append_printf (known, "%s%s", known->len > 0 ? ", " : "", rules[i].action);
    if (action == NULL)
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_UNKNOWN_ACTION,
                   "“%s” needs an action (%s)", domain, known->str);
    else
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_UNKNOWN_ACTION,
                   "unknown action “%s” for “%s” (known: %s)", action, domain, known->str);
  }
  return FALSE;
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
                   "unknown permission group “%s” (known: data_access, plugin_access, "
                   "system_access, network_access, model_access, extension_access, "
                   "secrets_access, notification_access)", group);
      return NULL;
    }
  if (!found)
    {
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_UNKNOWN_ACTION,
                   "unknown value “%s” for “%s” (known: %s)", value, group, known->str);
      return NULL;
    }
  return g_strv_builder_end (b);
}
