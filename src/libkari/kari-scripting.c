/* kari-scripting.c — the scripting role: which io.github.kari.Manager1
 * methods other programs may call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the session bus every program of the person's runs with their uid,
 * so a program's identity says nothing about whether the person wanted
 * it to act. The person chooses one role for scripting (a registry
 * setting, or `kari-ext run --scripting-role`), and every Manager1 call
 * is checked against it with this table:
 *
 *   method                               access   roles that may
 *   ListExtensions, Status, Logs, Metrics, read     any (viewer, user, admin, custom)
 *   Inspect
 *   Start, Stop, Restart, Call,            operate  user, admin
 *   QueryAudit, Enable/Disable in the
 *   host's own tenant
 *   Enable/Disable in another tenant or    admin    admin
 *   in every tenant; anything else
 *   (install, remove, grant, policy)
 *
 * QueryAudit only reads, yet a viewer may not: the audit log says what
 * every extension and person did, with the files and hosts they touched,
 * which is more than a viewer sees anywhere else. Switching an extension
 * on or off where the host runs is what a user does in the window;
 * deciding for other tenants is an administrator's.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-registry-private.h"
#include "kari-scripting.h"

static const struct
{
  const char          *method;
  KariScriptingAccess  access;
} methods[] = {
  { "ListExtensions", KARI_SCRIPTING_READ },
  { "Status",         KARI_SCRIPTING_READ },
  { "Logs",           KARI_SCRIPTING_READ },
  { "Metrics",        KARI_SCRIPTING_READ },
  { "Start",          KARI_SCRIPTING_OPERATE },
  { "Stop",           KARI_SCRIPTING_OPERATE },
  { "Restart",        KARI_SCRIPTING_OPERATE },
  { "Call",           KARI_SCRIPTING_OPERATE },
  { "ConfigChanged",  KARI_SCRIPTING_OPERATE },
  { "Inspect",        KARI_SCRIPTING_READ },
  { "QueryAudit",     KARI_SCRIPTING_OPERATE },
  { "Enable",         KARI_SCRIPTING_OPERATE },
  { "Disable",        KARI_SCRIPTING_OPERATE },
  { "Grant",          KARI_SCRIPTING_ADMIN },
  { "Revoke",         KARI_SCRIPTING_ADMIN },
};

static const char * const read_roles[] = { "viewer", "user", "admin", NULL };
static const char * const operate_roles[] = { "user", "admin", NULL };
static const char * const admin_roles[] = { "admin", NULL };

/**
 * kari_scripting_access_for_method:
 * @method: a Manager1 method name
 *
 * Returns: what @method does; %KARI_SCRIPTING_ADMIN for a method not in
 *   the table, so a new method is refused until it is classified
 */
KariScriptingAccess
kari_scripting_access_for_method (const char *method)
{
  for (guint i = 0; method != NULL && i < G_N_ELEMENTS (methods); i++)
    if (g_str_equal (methods[i].method, method))
      return methods[i].access;
  return KARI_SCRIPTING_ADMIN;
}

/**
 * kari_scripting_access_for_call:
 * @method: a Manager1 method name
 * @parameters: (nullable): the call's arguments
 * @tenant: (nullable): the tenant the host runs for
 *
 * Like kari_scripting_access_for_method(), with what the arguments
 * change: Enable and Disable (`(ssb)`) for another tenant than @tenant,
 * or for every tenant, are %KARI_SCRIPTING_ADMIN.
 *
 * Returns: what the call does
 */
KariScriptingAccess
kari_scripting_access_for_call (const char *method,
                                GVariant   *parameters,
                                const char *tenant)
{
  KariScriptingAccess access = kari_scripting_access_for_method (method);
  const char *target = NULL;
  gboolean every = FALSE;

  if (g_strcmp0 (method, "Enable") != 0 && g_strcmp0 (method, "Disable") != 0)
    return access;
  if (parameters == NULL || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ssb)")))
    return KARI_SCRIPTING_ADMIN;
  g_variant_get (parameters, "(&s&sb)", NULL, &target, &every);
  if (every || (*target != '\0' && g_strcmp0 (target, tenant) != 0))
    return KARI_SCRIPTING_ADMIN;
  return access;
}

/**
 * kari_scripting_access_to_string:
 * @access: a #KariScriptingAccess
 *
 * Returns: `read`, `operate` or `admin`
 */
const char *
kari_scripting_access_to_string (KariScriptingAccess access)
{
  switch (access)
    {
    case KARI_SCRIPTING_READ:
      return "read";
    case KARI_SCRIPTING_OPERATE:
      return "operate";
    case KARI_SCRIPTING_ADMIN:
    default:
      return "admin";
    }
}

/**
 * kari_scripting_roles_for:
 * @access: a #KariScriptingAccess
 *
 * Returns: (array zero-terminated=1) (transfer none): the built-in roles
 *   that may do @access
 */
const char * const *
kari_scripting_roles_for (KariScriptingAccess access)
{
  switch (access)
    {
    case KARI_SCRIPTING_READ:
      return read_roles;
    case KARI_SCRIPTING_OPERATE:
      return operate_roles;
    case KARI_SCRIPTING_ADMIN:
    default:
      return admin_roles;
    }
}

/**
 * kari_scripting_role_allows:
 * @role: the scripting role
 * @access: what a call does
 *
 * A built-in role may do what the table gives it; a custom role may
 * only read, since nothing says what more it was made for.
 *
 * Returns: whether programs acting with @role may do @access
 */
gboolean
kari_scripting_role_allows (const char          *role,
                            KariScriptingAccess  access)
{
  if (role == NULL || !kari_roles_name_is_valid (role))
    return FALSE;
  if (!kari_roles_is_builtin (role))
    return access == KARI_SCRIPTING_READ;
  return g_strv_contains (kari_scripting_roles_for (access), role);
}

/**
 * kari_scripting_dup_role:
 * @registry: the registry
 *
 * Returns: (transfer full): the role saved in the registry's setting
 *   %KARI_SCRIPTING_ROLE_SETTING, or %KARI_SCRIPTING_DEFAULT_ROLE
 */
char *
kari_scripting_dup_role (KariRegistry *registry)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_return_val_if_fail (KARI_IS_REGISTRY (registry), NULL);

  g_mutex_lock (&registry->lock);
  if (sqlite3_prepare_v2 (registry->db, "SELECT value FROM settings WHERE key = ?1", -1,
                          &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, KARI_SCRIPTING_ROLE_SETTING, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  g_mutex_unlock (&registry->lock);
  return value != NULL ? value : g_strdup (KARI_SCRIPTING_DEFAULT_ROLE);
}

/**
 * kari_scripting_check_role:
 * @roles: the roles of the registry
 * @tenant: the tenant the host runs for
 * @role: a role name
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @role is built in or defined in @tenant, else
 *   %FALSE with %KARI_ROLES_ERROR_UNKNOWN_ROLE naming the roles there are
 */
gboolean
kari_scripting_check_role (KariRoles   *roles,
                           const char  *tenant,
                           const char  *role,
                           GError     **error)
{
  g_autoptr(GPtrArray) known = NULL;
  g_autoptr(GString) names = g_string_new (NULL);

  g_return_val_if_fail (KARI_IS_ROLES (roles), FALSE);

  if (role == NULL || !kari_roles_name_is_valid (role))
    {
      g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_INVALID_NAME,
                   _("“%s” is not a role name"), role != NULL ? role : "");
      return FALSE;
    }
  known = kari_roles_list_roles (roles, tenant, error);
  if (known == NULL)
    return FALSE;
  for (guint i = 0; i < known->len; i++)
    {
      KariRole *r = g_ptr_array_index (known, i);

      if (g_str_equal (r->name, role))
        return TRUE;
      g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", r->name);
    }
  g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_UNKNOWN_ROLE,
               _("There is no role “%s” in the tenant “%s”: use one of %s"), role, tenant, names->str);
  return FALSE;
}

/**
 * kari_scripting_set_role:
 * @roles: the roles of the registry
 * @registry: the registry
 * @tenant: the tenant @role must exist in
 * @role: the role other programs act with from now on
 * @error: return location for a #GError
 *
 * Saves @role in %KARI_SCRIPTING_ROLE_SETTING; a host reads it when it
 * starts.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_scripting_set_role (KariRoles     *roles,
                         KariRegistry  *registry,
                         const char    *tenant,
                         const char    *role,
                         GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (KARI_IS_REGISTRY (registry), FALSE);

  if (!kari_scripting_check_role (roles, tenant, role, error))
    return FALSE;
  g_mutex_lock (&registry->lock);
  rc = sqlite3_prepare_v2 (registry->db, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, KARI_SCRIPTING_ROLE_SETTING, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, role, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE)
    _kari_registry_set_sqlite_error (error, registry->db, rc, "Saving the scripting role");
  sqlite3_finalize (stmt);
  g_mutex_unlock (&registry->lock);
  return rc == SQLITE_DONE;
}
