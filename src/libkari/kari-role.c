/* kari-role.c — role and user names, the built-in roles, and the boxed
 * types KariRoles returns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-roles-private.h"

/* The built-in roles and the requirements each satisfies. */
static const struct
{
  const char *name;
  const char *description;
  const char *satisfies[3];   /* NULL-terminated; admin satisfies all */
} builtin_roles[] = {
  { "admin",  "Installs and removes extensions, grants permissions, sets the policy, manages users", { NULL } },
  { "user",   "Uses extensions",                                                                   { "user", "viewer", NULL } },
  { "viewer", "Looks without changing anything",                                                  { "viewer", NULL } },
};

/* ------------------------------------------------------------------ */
/* Boxed types                                                        */

G_DEFINE_BOXED_TYPE (KariRole, kari_role, kari_role_copy, kari_role_free)
G_DEFINE_BOXED_TYPE (KariTenantUser, kari_tenant_user, kari_tenant_user_copy, kari_tenant_user_free)

KariRole *
_kari_role_new (const char *name,
          const char *description,
          gboolean    builtin)
{
  KariRole *role = g_new0 (KariRole, 1);

  role->name = g_strdup (name);
  role->description = g_strdup (description);
  role->builtin = builtin;
  return role;
}

KariRole *
kari_role_copy (const KariRole *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return _kari_role_new (self->name, self->description, self->builtin);
}

void
kari_role_free (KariRole *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->description);
  g_free (self);
}

KariTenantUser *
kari_tenant_user_copy (const KariTenantUser *self)
{
  KariTenantUser *copy;

  g_return_val_if_fail (self != NULL, NULL);
  copy = g_new0 (KariTenantUser, 1);
  copy->user = g_strdup (self->user);
  copy->roles = g_strdupv (self->roles);
  copy->implicit = self->implicit;
  return copy;
}

void
kari_tenant_user_free (KariTenantUser *self)
{
  if (self == NULL)
    return;
  g_free (self->user);
  g_strfreev (self->roles);
  g_free (self);
}

/* ------------------------------------------------------------------ */
/* Names                                                              */

/**
 * kari_roles_name_is_valid:
 * @name: (nullable): a role name
 *
 * Returns: whether @name is 1 to 32 lowercase ASCII letters, digits,
 *   `-` and `_`
 */
gboolean
kari_roles_name_is_valid (const char *name)
{
  gsize len;

  if (name == NULL || (len = strlen (name)) == 0 || len > 32)
    return FALSE;
  for (const char *c = name; *c; c++)
    if (!g_ascii_islower (*c) && !g_ascii_isdigit (*c) && *c != '-' && *c != '_')
      return FALSE;
  return TRUE;
}

/**
 * kari_roles_is_builtin:
 * @name: (nullable): a role name
 *
 * Returns: whether @name is admin, user or viewer
 */
gboolean
kari_roles_is_builtin (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (builtin_roles); i++)
    if (g_str_equal (name, builtin_roles[i].name))
      return TRUE;
  return FALSE;
}

static gboolean
tenant_is_valid (const char *tenant)
{
  gsize len;

  if (tenant == NULL || (len = strlen (tenant)) == 0 || len > 64 || tenant[0] == '.')
    return FALSE;
  for (const char *c = tenant; *c; c++)
    if (!g_ascii_isalnum (*c) && strchr ("-_.", *c) == NULL)
      return FALSE;
  return TRUE;
}

/* User names come from people and from the network: printable UTF-8
 * without the invisible and direction-changing characters that would
 * let one name pose as another in a list. */
static gboolean
user_is_valid (const char *user)
{
  gsize len;

  if (user == NULL || (len = strlen (user)) == 0 || len > 256 || !g_utf8_validate (user, len, NULL))
    return FALSE;
  for (const char *c = user; *c; c = g_utf8_next_char (c))
    {
      gunichar ch = g_utf8_get_char (c);

      if (g_unichar_iscntrl (ch)
          || (ch >= 0x200B && ch <= 0x200F) || (ch >= 0x202A && ch <= 0x202E)
          || (ch >= 0x2060 && ch <= 0x2069) || ch == 0xFEFF)
        return FALSE;
    }
  return TRUE;
}

/* A refused name as a message may show it: escaped and cut short. */
static char *
show (const char *name)
{
  g_autofree char *escaped = g_strescape (name != NULL ? name : "", NULL);

  if (strlen (escaped) > 64)
    {
      escaped[61] = '\0';
      return g_strconcat (escaped, "…", NULL);
    }
  return g_steal_pointer (&escaped);
}

gboolean
_kari_roles_check_names (const char  *tenant,
             const char  *user,
             const char  *role,
             GError     **error)
{
  g_autofree char *shown = NULL;

  if (!tenant_is_valid (tenant))
    {
      shown = show (tenant);
      g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_INVALID_NAME,
                   _("“%s” is not a tenant id (1 to 64 letters, digits, “.”, “_” or “-”)"), shown);
      return FALSE;
    }
  if (user != NULL && !user_is_valid (user))
    {
      shown = show (user);
      g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_INVALID_NAME,
                   _("“%s” is not a user name (1 to 256 bytes of UTF-8 without control, "
                   "invisible or direction-changing characters)"), shown);
      return FALSE;
    }
  if (role != NULL && !kari_roles_name_is_valid (role))
    {
      shown = show (role);
      g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_INVALID_NAME,
                   _("“%s” is not a role name (1 to 32 lowercase letters, digits, “-” or “_”)"), shown);
      return FALSE;
    }
  return TRUE;
}


void
_kari_roles_add_builtins (GPtrArray *roles)
{
  for (guint i = 0; i < G_N_ELEMENTS (builtin_roles); i++)
    g_ptr_array_add (roles, _kari_role_new (builtin_roles[i].name, builtin_roles[i].description, TRUE));
}

/* Whether holding @held meets a requirement for @required. */
gboolean
_kari_roles_satisfies (const char *held,
           const char *required)
{
  if (g_str_equal (held, "admin") || g_str_equal (held, required))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (builtin_roles); i++)
    if (g_str_equal (held, builtin_roles[i].name))
      return g_strv_contains (builtin_roles[i].satisfies, required);
  return FALSE;
}
