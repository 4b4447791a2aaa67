/* kari-permission-pattern.c — permission patterns and concrete requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A pattern is what a manifest declares or a grant holds; a request is
 * what an extension asks for, with a concrete resource. Matching needs
 * the same domain and the same action (a bare `secrets` or
 * `notifications` stands for every action of its domain); a pattern
 * without a resource matches every resource. Each kind of resource has
 * its own matcher: paths (kari-permission-path.c), hosts
 * (kari-permission-host.c), and names here.
 *
 * Names (plugins, models, IPC methods and events, extension endpoints)
 * are globs: `*` within a `/`-separated segment, `?` one character, a
 * lone `*` everything. `extension:call:crm` matches the extension crm
 * and each of its endpoints (`crm/contacts`). Data collections and
 * secret keys are exact names or `*`.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-permission-pattern.h"
#include "kari-permission-private.h"
#include "kari-text-private.h"

struct _KariPermissionPattern
{
  char                     *text;
  KariPermissionParts       parts;
  const KariPermissionRule *rule;
  gboolean                  any_resource;   /* none, or one that stands for all */
  char                    **path;           /* KARI_RESOURCE_PATH, compiled */
  KariHostSpec              host;           /* KARI_RESOURCE_HOST */
};

static const char *const resource_nouns[] = {
  [KARI_RESOURCE_NONE] = "resource",
  [KARI_RESOURCE_NAME] = "name",
  [KARI_RESOURCE_EXACT] = "name",
  [KARI_RESOURCE_PATH] = "path",
  [KARI_RESOURCE_HOST] = "host",
};

/* Letters, digits and `_-.@:/`, plus the wildcards @wildcards allows;
 * no `..` and no empty segment. */
static gboolean
check_name (const char  *name,
            const char  *wildcards,
            gsize       *bad_offset,
            const char **problem)
{
  const char *dots = strstr (name, "..");

  for (const char *c = name; *c; c++)
    if (!g_ascii_isalnum (*c) && strchr ("_-.@:/", *c) == NULL && strchr (wildcards, *c) == NULL)
      {
        *bad_offset = c - name;
        *problem = *wildcards != '\0' ? "a name may only hold letters, digits, _ - . @ : / and * ?"
                                      : "a name may only hold letters, digits and _ - . @ : /";
        return FALSE;
      }
  if (dots != NULL)
    {
      *bad_offset = dots - name;
      *problem = "a name must not contain “..”";
      return FALSE;
    }
  if (name[0] == '/' || g_str_has_suffix (name, "/") || strstr (name, "//") != NULL)
    {
      *bad_offset = name[0] == '/' ? 0 : (gsize) (strstr (name, "/") - name);
      *problem = "empty segment: “/” separates names, as in crm/contacts";
      return FALSE;
    }
  return TRUE;
}

/* The resource of a concrete request: what matching accepts at all. */
static gboolean
check_request_resource (KariResourceKind  kind,
                        const char       *resource,
                        gsize            *bad_offset,
                        const char      **problem)
{
  g_auto(KariHostSpec) host = { 0 };

  *bad_offset = 0;
  if (!g_utf8_validate (resource, -1, NULL))
    {
      *problem = "invalid UTF-8";
      return FALSE;
    }
  if (_kari_text_find_control (resource, bad_offset))
    {
      *problem = "a control character";
      return FALSE;
    }

  switch (kind)
    {
    case KARI_RESOURCE_NONE:
      *problem = "this permission takes no resource";
      return FALSE;
    case KARI_RESOURCE_PATH:
      *problem = "a requested path must be absolute";
      return resource[0] == '/';
    case KARI_RESOURCE_HOST:
      return _kari_host_request_parse (resource, &host, bad_offset, problem);
    case KARI_RESOURCE_NAME:
    case KARI_RESOURCE_EXACT:
      return check_name (resource, "", bad_offset, problem);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
compile_resource (KariPermissionPattern  *self,
                  gsize                  *bad_offset,
                  const char            **problem)
{
  const char *resource = self->parts.resource;
  const char *star;

  *bad_offset = 0;
  self->any_resource = resource == NULL;
  if (resource == NULL)
    return TRUE;

  switch (self->rule->resource)
    {
    case KARI_RESOURCE_PATH:
      self->path = _kari_path_pattern_compile (resource, bad_offset, problem);
      return self->path != NULL;
    case KARI_RESOURCE_HOST:
      if (!_kari_host_pattern_parse (resource, &self->host, bad_offset, problem))
        return FALSE;
      self->any_resource = g_str_equal (self->host.host, "*") && self->host.port == 0;
      return TRUE;
    case KARI_RESOURCE_NAME:
      self->any_resource = g_str_equal (resource, "*");
      return check_name (resource, "*?", bad_offset, problem);
    case KARI_RESOURCE_EXACT:
      self->any_resource = g_str_equal (resource, "*");
      star = strchr (resource, '*');
      if (!self->any_resource && star != NULL)
        {
          *bad_offset = star - resource;
          *problem = "only an exact name or a lone * is allowed here";
          return FALSE;
        }
      return self->any_resource || check_name (resource, "", bad_offset, problem);
    case KARI_RESOURCE_NONE:
    default:
      g_assert_not_reached ();
    }
}

/**
 * kari_permission_pattern_parse:
 * @text: a permission pattern, `domain:action[:resource-pattern]`
 * @error: return location for a #KARI_PERMISSION_ERROR
 *
 * Parses a permission as a manifest declares it or a grant holds it.
 * The domain and action come from a fixed table; there is no wildcard
 * action. The resource pattern depends on the domain: path globs for
 * `filesystem` (starting with `/`, `~/` or `$DATA`), host patterns for
 * `network`, name globs for `plugin`, `model`, `ipc` and `extension`,
 * exact names or `*` for `data` and `secrets`. Control characters,
 * invalid UTF-8 and invisible or bidirectional characters are refused
 * anywhere, spaces outside a path. The message of @error quotes @text,
 * names the bad part and gives its column.
 *
 * Returns: (transfer full) (nullable): the pattern, or %NULL with @error set
 */
KariPermissionPattern *
kari_permission_pattern_parse (const char  *text,
                               GError     **error)
{
  g_autoptr(KariPermissionPattern) self = NULL;
  const char *problem = NULL;
  gsize bad = 0;

  g_return_val_if_fail (text != NULL, NULL);

  self = g_new0 (KariPermissionPattern, 1);
  self->text = g_strdup (text);
  if (!_kari_permission_cut (text, FALSE, &self->parts, &self->rule, error))
    return NULL;
  if (!compile_resource (self, &bad, &problem))
    {
      _kari_permission_set_error (error, KARI_PERMISSION_ERROR_BAD_RESOURCE, text,
                                  self->parts.resource_offset + bad, "bad %s “%s” @: %s",
                                  resource_nouns[self->rule->resource], self->parts.resource,
                                  problem);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * kari_permission_pattern_free:
 * @self: (nullable): a pattern
 *
 * Frees @self.
 */
void
kari_permission_pattern_free (KariPermissionPattern *self)
{
  if (self == NULL)
    return;
  g_free (self->text);
  _kari_permission_parts_clear (&self->parts);
  g_strfreev (self->path);
  _kari_host_spec_clear (&self->host);
  g_free (self);
}

/**
 * kari_permission_pattern_get_domain:
 * @self: a pattern
 *
 * Returns: the domain, such as `filesystem`
 */
const char *
kari_permission_pattern_get_domain (const KariPermissionPattern *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->parts.domain;
}

/**
 * kari_permission_pattern_get_action:
 * @self: a pattern
 *
 * Returns: (nullable): the action, or %NULL for a bare `secrets` or
 *   `notifications`, which stand for every action of their domain
 */
const char *
kari_permission_pattern_get_action (const KariPermissionPattern *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->parts.action;
}

/**
 * kari_permission_pattern_get_resource:
 * @self: a pattern
 *
 * Returns: (nullable): the resource pattern as written, or %NULL
 */
const char *
kari_permission_pattern_get_resource (const KariPermissionPattern *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->parts.resource;
}

/**
 * kari_permission_pattern_get_text:
 * @self: a pattern
 *
 * Returns: the whole pattern as it was parsed
 */
const char *
kari_permission_pattern_get_text (const KariPermissionPattern *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->text;
}

static gboolean
name_matches (const char *pattern,
              const char *name,
              gboolean    extension)
{
  g_auto(GStrv) ps = g_strsplit (pattern, "/", -1);
  g_auto(GStrv) ns = g_strsplit (name, "/", -1);
  guint np = g_strv_length (ps);

  /* `extension:call:crm` is the extension and all its endpoints. */
  if (extension && np == 1)
    return _kari_glob_match (ps[0], ns[0]);
  if (np != g_strv_length (ns))
    return FALSE;
  for (guint i = 0; i < np; i++)
    if (!_kari_glob_match (ps[i], ns[i]))
      return FALSE;
  return TRUE;
}

static gboolean
name_covers (const char *self,
             const char *other,
             gboolean    extension)
{
  g_auto(GStrv) ss = g_strsplit (self, "/", -1);
  g_auto(GStrv) os = g_strsplit (other, "/", -1);
  guint ns = g_strv_length (ss);
  guint no = g_strv_length (os);

  if (extension && (no == 1 || ns == 1))
    return ns == 1 && _kari_glob_covers (ss[0], os[0]);
  if (ns != no)
    return FALSE;
  for (guint i = 0; i < ns; i++)
    if (!_kari_glob_covers (ss[i], os[i]))
      return FALSE;
  return TRUE;
}

/**
 * kari_permission_pattern_matches:
 * @self: a pattern
 * @domain: the requested domain
 * @action: the requested action
 * @resource: (nullable): the concrete resource requested
 * @context: (nullable): what `~` and `$DATA` stand for; without it,
 *   patterns using them match nothing
 *
 * Whether the request is within @self. The domain and the action must
 * be equal (a bare `secrets` or `notifications` pattern matches each
 * action of its domain); a pattern without a resource matches any
 * valid resource. A request whose resource is not valid for its kind
 * (a relative path, a control character, a host with a wildcard, a
 * name with `..`) matches nothing.
 *
 * For `filesystem`, the requested path is resolved against the real
 * filesystem first (`..` and symbolic links on the longest existing
 * prefix; a file not yet created through its existing parent), which
 * does blocking I/O: cache the decision, not the path. `~` and `$DATA`
 * are resolved too; the rest of a pattern is taken as written, so a
 * pattern must name real folders, not links to them.
 *
 * Returns: %TRUE if @self allows the request
 */
gboolean
kari_permission_pattern_matches (const KariPermissionPattern *self,
                                 const char                  *domain,
                                 const char                  *action,
                                 const char                  *resource,
                                 const KariPermissionContext *context)
{
  const KariPermissionRule *rule;
  g_auto(KariHostSpec) host = { 0 };
  const char *problem;
  gsize bad;

  g_return_val_if_fail (self != NULL, FALSE);

  if (domain == NULL || action == NULL || !g_str_equal (domain, self->parts.domain))
    return FALSE;
  if (self->parts.action != NULL && !g_str_equal (action, self->parts.action))
    return FALSE;
  rule = _kari_permission_lookup (domain, action);
  if (rule == NULL)
    return FALSE;
  if (resource == NULL)
    return rule->resource != KARI_RESOURCE_PATH && self->any_resource;
  if (!check_request_resource (rule->resource, resource, &bad, &problem))
    return FALSE;
  if (self->parts.action == NULL || self->any_resource)
    return TRUE;

  switch (rule->resource)
    {
    case KARI_RESOURCE_PATH:
      return _kari_path_pattern_matches ((const char * const *) self->path, resource,
                                         context != NULL ? context->home : NULL,
                                         context != NULL ? context->data : NULL);
    case KARI_RESOURCE_HOST:
      return _kari_host_request_parse (resource, &host, &bad, &problem)
             && _kari_host_matches (&self->host, &host);
    case KARI_RESOURCE_NAME:
      return name_matches (self->parts.resource, resource, g_str_equal (domain, "extension"));
    case KARI_RESOURCE_EXACT:
      return g_str_equal (self->parts.resource, resource);
    case KARI_RESOURCE_NONE:
    default:
      return FALSE;
    }
}

/**
 * kari_permission_pattern_covers:
 * @self: a pattern
 * @other: another pattern
 *
 * Whether every request @other matches is matched by @self too, as
 * when checking that a grant stays within what a manifest declares.
 * Conservative: %FALSE whenever that cannot be shown from the patterns
 * alone: `~/x` is not covered by a pattern naming the home folder by
 * its absolute path, since `~` is only known at match time; `**` covers
 * whatever `~` or `$DATA` stand for.
 *
 * Returns: %TRUE if @self covers @other
 */
gboolean
kari_permission_pattern_covers (const KariPermissionPattern *self,
                                const KariPermissionPattern *other)
{
  const char *other_action;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (other != NULL, FALSE);

  if (!g_str_equal (self->parts.domain, other->parts.domain))
    return FALSE;
  if (self->parts.action == NULL)
    return TRUE;
  /* A bare domain is covered by its action when it has only one. */
  other_action = other->parts.action != NULL ? other->parts.action
                                             : _kari_permission_sole_action (other->parts.domain);
  if (g_strcmp0 (self->parts.action, other_action) != 0)
    return FALSE;
  if (self->any_resource)
    return TRUE;
  if (other->any_resource)
    return FALSE;

  switch (self->rule->resource)
    {
    case KARI_RESOURCE_PATH:
      return _kari_path_pattern_covers ((const char * const *) self->path,
                                        (const char * const *) other->path);
    case KARI_RESOURCE_HOST:
      return _kari_host_covers (&self->host, &other->host);
    case KARI_RESOURCE_NAME:
      return name_covers (self->parts.resource, other->parts.resource,
                          g_str_equal (self->parts.domain, "extension"));
    case KARI_RESOURCE_EXACT:
      return g_str_equal (self->parts.resource, other->parts.resource);
    case KARI_RESOURCE_NONE:
    default:
      return TRUE;
    }
}

/**
 * kari_permission_split:
 * @permission: a concrete permission, as an extension requests it
 * @domain: (out) (optional) (transfer full): the domain
 * @action: (out) (optional) (transfer full): the action
 * @resource: (out) (optional) (nullable) (transfer full): the resource,
 *   or %NULL when there is none
 * @error: return location for a #KARI_PERMISSION_ERROR
 *
 * Splits @permission at its first two `:` (the resource may hold more:
 * paths, `host:port`, URLs) and checks each part: a known domain and
 * action (a bare `notifications` is `notifications:send`), and a
 * resource valid for a request — an absolute path, a host, `host:port`
 * or URL, a name without wildcards.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_permission_split (const char  *permission,
                       char       **domain,
                       char       **action,
                       char       **resource,
                       GError     **error)
{
  g_auto(KariPermissionParts) parts = { 0 };
  const KariPermissionRule *rule = NULL;
  const char *problem = NULL;
  gsize bad = 0;

  g_return_val_if_fail (permission != NULL, FALSE);

  if (!_kari_permission_cut (permission, TRUE, &parts, &rule, error))
    return FALSE;
  if (parts.resource != NULL
      && !check_request_resource (rule->resource, parts.resource, &bad, &problem))
    {
      _kari_permission_set_error (error, KARI_PERMISSION_ERROR_BAD_RESOURCE, permission,
                                  parts.resource_offset + bad, "bad %s “%s” @: %s",
                                  resource_nouns[rule->resource], parts.resource, problem);
      return FALSE;
    }
  if (domain != NULL)
    *domain = g_steal_pointer (&parts.domain);
  if (action != NULL)
    *action = g_steal_pointer (&parts.action);
  if (resource != NULL)
    *resource = g_steal_pointer (&parts.resource);
  return TRUE;
}

/**
 * kari_permission_resolve_path:
 * @path: an absolute path, as an extension requests it
 * @error: return location for a #KARI_PERMISSION_ERROR
 *
 * The real path kari_permission_pattern_matches() checks for @path:
 * `.` and `..` applied and symbolic links followed on the longest
 * prefix that exists, the rest appended. Whoever acts on an allowed
 * request should act on this path, not on @path.
 *
 * Returns: (transfer full) (nullable): the resolved path, or %NULL with
 *   @error set
 */
char *
kari_permission_resolve_path (const char  *path,
                              GError     **error)
{
  char *resolved;

  g_return_val_if_fail (path != NULL, NULL);

  resolved = _kari_path_resolve (path);
  if (resolved == NULL)
    {
      g_autofree char *shown = kari_permission_escape_for_display (path);

      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_BAD_RESOURCE,
                   _("“%s” cannot be resolved: it is relative, holds a control character, "
                   "loops, goes through a file or an unreadable folder, or uses “..” "
                   "below a folder that does not exist"), shown);
    }
  return resolved;
}
