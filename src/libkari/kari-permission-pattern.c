/* kari-permission-pattern.c — TEMPORARY minimal implementation
 *
 * TEMPORARY: written by the grants helper only so that kari-grant.c and
 * tests/test-grant.c build and run before the real pattern matcher lands.
 * It matches by exact string equality and a lone `*` per part, nothing
 * more (no globs, no `~`/`$DATA`, no hosts). The lead replaces this whole
 * file with the real implementation at merge; do not build on it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kari-permission.h"
#include "kari-permission-pattern.h"

struct _KariPermissionPattern
{
  char *text;
  char *domain;
  char *action;     /* NULL when the permission has only a domain */
  char *resource;   /* NULL when the permission has no resource */
};

KariPermissionPattern *
kari_permission_pattern_parse (const char  *text,
                               GError     **error)
{
  g_autoptr(KariPermissionPattern) self = NULL;
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  parts = g_strsplit (text, ":", 3);
  if (parts[0] == NULL || *parts[0] == '\0' || !g_utf8_validate (text, -1, NULL) ||
      (parts[1] != NULL && *parts[1] == '\0') ||
      (parts[1] != NULL && parts[2] != NULL && *parts[2] == '\0'))
    {
      g_set_error (error, KARI_PERMISSION_ERROR, KARI_PERMISSION_ERROR_SYNTAX,
                   "“%s” is not a permission: expected domain:action[:resource]", text);
      return NULL;
    }

  self = g_new0 (KariPermissionPattern, 1);
  self->text = g_strdup (text);
  self->domain = g_strdup (parts[0]);
  self->action = parts[1] != NULL ? g_strdup (parts[1]) : NULL;
  self->resource = parts[1] != NULL && parts[2] != NULL ? g_strdup (parts[2]) : NULL;
  return g_steal_pointer (&self);
}

void
kari_permission_pattern_free (KariPermissionPattern *self)
{
  if (self == NULL)
    return;
  g_free (self->text);
  g_free (self->domain);
  g_free (self->action);
  g_free (self->resource);
  g_free (self);
}

const char *
kari_permission_pattern_get_domain (const KariPermissionPattern *self)
{
  return self->domain;
}

const char *
kari_permission_pattern_get_action (const KariPermissionPattern *self)
{
  return self->action;
}

const char *
kari_permission_pattern_get_resource (const KariPermissionPattern *self)
{
  return self->resource;
}

const char *
kari_permission_pattern_get_text (const KariPermissionPattern *self)
{
  return self->text;
}

static gboolean
part_matches (const char *pattern,
              const char *value)
{
  if (pattern == NULL || strcmp (pattern, "*") == 0)
    return TRUE;
  return value != NULL && strcmp (pattern, value) == 0;
}

gboolean
kari_permission_pattern_matches (const KariPermissionPattern *self,
                                 const char                  *domain,
                                 const char                  *action,
                                 const char                  *resource,
                                 const KariPermissionContext *context)
{
  return g_strcmp0 (self->domain, domain) == 0 &&
         part_matches (self->action, action) &&
         part_matches (self->resource, resource);
}
