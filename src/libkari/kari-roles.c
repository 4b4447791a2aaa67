/* kari-roles.c — who may do what in a tenant
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Roles live in the registry: custom roles in `roles`, who holds which
 * role in `tenant_users`. The built-in roles admin, user and viewer exist
 * in every tenant without being stored; admin satisfies every role, user
 * satisfies user and viewer, viewer only itself, and a custom role only
 * itself (and admin).
 *
 * The local desktop user is admin of every tenant in which nothing is
 * stored for them. Once a tenant has stored users, one of them must be
 * admin: a change that would leave none is refused. So that giving a
 * first role to someone else does not trip that rule, the local user's
 * implicit admin role is stored at the same time.
 *
 * Every call takes the registry's lock, so a KariRoles may be shared by
 * threads; changes run in one IMMEDIATE transaction with their check.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-registry-private.h"
#include "kari-roles-private.h"

G_DEFINE_QUARK (kari-roles-error-quark, kari_roles_error)

struct _KariRoles
{
  GObject       parent_instance;
  KariRegistry *registry;
  char         *local_user;
};

G_DEFINE_FINAL_TYPE (KariRoles, kari_roles, G_TYPE_OBJECT)


static const char *action_names[] = {
  [KARI_ADMIN_INSTALL] = "install",
  [KARI_ADMIN_REMOVE] = "remove",
  [KARI_ADMIN_GRANT] = "grant",
  [KARI_ADMIN_POLICY] = "policy",
  [KARI_ADMIN_USERS] = "users",
};

static const char *action_doing[] = {
  [KARI_ADMIN_INSTALL] = "installing extensions",
  [KARI_ADMIN_REMOVE] = "removing extensions",
  [KARI_ADMIN_GRANT] = "granting permissions",
  [KARI_ADMIN_POLICY] = "changing the policy",
  [KARI_ADMIN_USERS] = "changing users and roles",
};

/* ------------------------------------------------------------------ */
/* SQL                                                                */

static void
set_db_error (KariRoles   *self,
              GError     **error,
              const char  *doing)
{
  g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_DB, _("%s in the registry %s: %s"),
               doing, self->registry->path, sqlite3_errmsg (self->registry->db));
}

/* Prepares @sql and binds the strings that follow, up to a NULL. */
static sqlite3_stmt *
prepare (KariRoles   *self,
         GError     **error,
         const char  *doing,
         const char  *sql,
         ...)
{
  sqlite3_stmt *stmt = NULL;
  const char *text;
  va_list args;
  int i = 1;

  if (sqlite3_prepare_v2 (self->registry->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (self, error, doing);
      sqlite3_finalize (stmt);
      return NULL;
    }
  va_start (args, sql);
  while ((text = va_arg (args, const char *)) != NULL)
    sqlite3_bind_text (stmt, i++, text, -1, SQLITE_TRANSIENT);
  va_end (args);
  return stmt;
}

static void
stmt_finalize (sqlite3_stmt *stmt)
{
  sqlite3_finalize (stmt);
}

typedef sqlite3_stmt RolesStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RolesStmt, stmt_finalize)

/* Runs a statement that returns no rows. */
static gboolean
run (KariRoles   *self,
     GError     **error,
     const char  *doing,
     const char  *sql,
     const char  *a,
     const char  *b,
     const char  *c)
{
  g_autoptr(RolesStmt) stmt = prepare (self, error, doing, sql, a, b, c, NULL);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, doing);
      return FALSE;
    }
  return TRUE;
}

/* Returns the single integer a query yields, or -1 with @error set. */
static gint64
query_int (KariRoles   *self,
           GError     **error,
           const char  *doing,
           const char  *sql,
           const char  *a,
           const char  *b)
{
  g_autoptr(RolesStmt) stmt = prepare (self, error, doing, sql, a, b, NULL);

  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_db_error (self, error, doing);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/* The roles stored for @user in @tenant, sorted; %NULL with @error set
 * on failure. The lock is held. */
static GPtrArray *
stored_roles (KariRoles   *self,
              const char  *tenant,
              const char  *user,
              GError     **error)
{
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(RolesStmt) stmt = prepare (self, error, "Reading a user's roles",
                                       "SELECT role FROM tenant_users WHERE tenant = ?1 AND user = ?2 "
                                       "ORDER BY role", tenant, user, NULL);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (roles, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Reading a user's roles");
      return NULL;
    }
  return g_steal_pointer (&roles);
}

/* ------------------------------------------------------------------ */
/* Object                                                             */

static void
kari_roles_finalize (GObject *object)
{
  KariRoles *self = KARI_ROLES (object);

  g_clear_object (&self->registry);
  g_clear_pointer (&self->local_user, g_free);

  G_OBJECT_CLASS (kari_roles_parent_class)->finalize (object);
}

static void
kari_roles_class_init (KariRolesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_roles_finalize;
}

static void
kari_roles_init (KariRoles *self)
{
}

/**
 * kari_roles_new:
 * @registry: the registry that stores roles
 * @local_user: (nullable): the local desktop user, admin of every tenant
 *   that stores nothing for them; g_get_user_name() when %NULL
 *
 * Returns: (transfer full): the roles of @registry's tenants
 */
KariRoles *
kari_roles_new (KariRegistry *registry,
                const char   *local_user)
{
  KariRoles *self;

  g_return_val_if_fail (KARI_IS_REGISTRY (registry), NULL);

  self = g_object_new (KARI_TYPE_ROLES, NULL);
  self->registry = g_object_ref (registry);
  self->local_user = g_strdup (local_user != NULL ? local_user : g_get_user_name ());
  return self;
}

/**
 * kari_roles_get_local_user:
 * @self: roles
 *
 * Returns: the local desktop user
 */
const char *
kari_roles_get_local_user (KariRoles *self)
{
  g_return_val_if_fail (KARI_IS_ROLES (self), NULL);
  return self->local_user;
}

const char *
kari_admin_action_to_string (KariAdminAction action)
{
  g_return_val_if_fail ((guint) action < G_N_ELEMENTS (action_names), "users");
  return action_names[action];
}

/* ------------------------------------------------------------------ */
/* Changes                                                            */

typedef gboolean (*ChangeFunc) (KariRoles   *self,
                                const char  *tenant,
                                const char  *user,
                                const char  *role,
                                GError     **error);

/* Runs @change in a transaction and refuses its result when the tenant
 * is left with stored users and no admin among them. */
static gboolean
change (KariRoles   *self,
        const char  *tenant,
        const char  *user,
        const char  *role,
        ChangeFunc   func,
        GError     **error)
{
  KariRegistry *registry = self->registry;
  g_autoptr(GError) local_error = NULL;
  gint64 n_stored, n_admins;
  gboolean ok;

  g_mutex_lock (&registry->lock);
  ok = _kari_registry_begin (registry, "Changing roles", &local_error);
  if (ok)
    ok = func (self, tenant, user, role, &local_error);
  if (ok)
    {
      n_stored = query_int (self, &local_error, "Counting a tenant's users",
                            "SELECT COUNT(*) FROM tenant_users WHERE tenant = ?1", tenant, NULL);
      n_admins = query_int (self, &local_error, "Counting a tenant's admins",
                            "SELECT COUNT(*) FROM tenant_users WHERE tenant = ?1 AND role = 'admin'",
                            tenant, NULL);
      ok = n_stored >= 0 && n_admins >= 0;
      if (ok && n_stored > 0 && n_admins == 0)
        {
          g_set_error (&local_error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_LAST_ADMIN,
                       _("tenant “%s” would be left without an admin; make another user admin first"),
                       tenant);
          ok = FALSE;
        }
    }
  if (ok)
    ok = _kari_registry_commit (registry, "Changing roles", &local_error);
  else
    _kari_registry_rollback (registry);
  g_mutex_unlock (&registry->lock);

  if (!ok)
    {
      /* the registry's own errors become ours, so callers need one domain */
      if (local_error->domain != KARI_ROLES_ERROR)
        g_set_error_literal (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_DB, local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return ok;
}

static gboolean
do_define (KariRoles *self, const char *tenant, const char *description, const char *role, GError **error)
{
  return run (self, error, "Defining a role",
              "INSERT INTO roles (tenant, name, description) VALUES (?1, ?2, ?3) "
              "ON CONFLICT (tenant, name) DO UPDATE SET description = excluded.description",
              tenant, role, description);
}

static gboolean
do_undefine (KariRoles *self, const char *tenant, const char *user, const char *role, GError **error)
{
  if (!run (self, error, "Removing a role",
            "DELETE FROM roles WHERE tenant = ?1 AND name = ?2", tenant, role, NULL))
    return FALSE;
  if (sqlite3_changes (self->registry->db) == 0)
    {
      g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_UNKNOWN_ROLE,
                   _("no role “%s” is defined in tenant “%s”"), role, tenant);
      return FALSE;
    }
  return run (self, error, "Removing a role",
              "DELETE FROM tenant_users WHERE tenant = ?1 AND role = ?2", tenant, role, NULL);
}

static gboolean
do_assign (KariRoles *self, const char *tenant, const char *user, const char *role, GError **error)
{
  gint64 n;

  if (!kari_roles_is_builtin (role))
    {
      n = query_int (self, error, "Looking up a role",
                     "SELECT COUNT(*) FROM roles WHERE tenant = ?1 AND name = ?2", tenant, role);
      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_UNKNOWN_ROLE,
                       _("no role “%s” is defined in tenant “%s”; define it first"), role, tenant);
          return FALSE;
        }
    }

  /* The local user's implicit admin role becomes stored with the
   * tenant's first stored user, so the tenant keeps an admin. */
  n = query_int (self, error, "Counting a tenant's users",
                 "SELECT COUNT(*) FROM tenant_users WHERE tenant = ?1", tenant, NULL);
  if (n < 0)
    return FALSE;
  if (n == 0 && !g_str_equal (role, "admin") && !g_str_equal (user, self->local_user)
      && !run (self, error, "Assigning a role",
               "INSERT OR IGNORE INTO tenant_users (tenant, user, role) VALUES (?1, ?2, 'admin')",
               tenant, self->local_user, NULL))
    return FALSE;

  return run (self, error, "Assigning a role",
              "INSERT OR IGNORE INTO tenant_users (tenant, user, role) VALUES (?1, ?2, ?3)",
              tenant, user, role);
}

static gboolean
do_unassign (KariRoles *self, const char *tenant, const char *user, const char *role, GError **error)
{
  return run (self, error, "Removing a role from a user",
              "DELETE FROM tenant_users WHERE tenant = ?1 AND user = ?2 AND role = ?3",
              tenant, user, role);
}

static gboolean
do_remove_user (KariRoles *self, const char *tenant, const char *user, const char *role, GError **error)
{
  return run (self, error, "Removing a user",
              "DELETE FROM tenant_users WHERE tenant = ?1 AND user = ?2", tenant, user, NULL);
}

/**
 * kari_roles_define:
 * @self: roles
 * @tenant: the tenant
 * @role: the new role's name: 1 to 32 lowercase letters, digits, `-`, `_`
 * @description: (nullable): what it is for
 * @error: return location for a #KARI_ROLES_ERROR
 *
 * Defines a custom role in @tenant, or changes its description. A custom
 * role satisfies only requirements for itself (and admin satisfies it).
 *
 * Returns: whether the role is defined
 */
gboolean
kari_roles_define (KariRoles   *self,
                   const char  *tenant,
                   const char  *role,
                   const char  *description,
                   GError     **error)
{
  g_return_val_if_fail (KARI_IS_ROLES (self), FALSE);

  if (!_kari_roles_check_names (tenant, NULL, role, error))
    return FALSE;
  if (kari_roles_is_builtin (role))
    {
      g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_BUILTIN,
                   _("“%s” is a built-in role; it cannot be defined"), role);
      return FALSE;
    }
  if (description != NULL && !g_utf8_validate (description, -1, NULL))
    {
      g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_INVALID_NAME,
                   _("the description of role “%s” is not valid UTF-8"), role);
      return FALSE;
    }
  /* the description travels in the user argument's place */
  return change (self, tenant, description, role, do_define, error);
}

/**
 * kari_roles_undefine:
 * @self: roles
 * @tenant: the tenant
 * @role: a custom role
 * @error: return location for a #KARI_ROLES_ERROR
 *
 * Removes a custom role and takes it from every user who held it.
 *
 * Returns: whether the role was removed
 */
gboolean
kari_roles_undefine (KariRoles   *self,
                     const char  *tenant,
                     const char  *role,
                     GError     **error)
{
  g_return_val_if_fail (KARI_IS_ROLES (self), FALSE);

  if (!_kari_roles_check_names (tenant, NULL, role, error))
    return FALSE;
  if (kari_roles_is_builtin (role))
    {
      g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_BUILTIN,
                   _("“%s” is a built-in role; it cannot be removed"), role);
      return FALSE;
    }
  return change (self, tenant, NULL, role, do_undefine, error);
}

/**
 * kari_roles_assign:
 * @self: roles
 * @tenant: the tenant
 * @user: the user
 * @role: a built-in role or one defined in @tenant
 * @error: return location for a #KARI_ROLES_ERROR
 *
 * Gives @user @role in @tenant; giving it again changes nothing. When
 * @tenant stores no user yet and @role is not admin, the local user's
 * admin role is stored too; if @user is the local user, that would leave
 * no admin and fails with %KARI_ROLES_ERROR_LAST_ADMIN.
 *
 * Returns: whether @user holds @role
 */
gboolean
kari_roles_assign (KariRoles   *self,
                   const char  *tenant,
                   const char  *user,
                   const char  *role,
                   GError     **error)
{
  g_return_val_if_fail (KARI_IS_ROLES (self), FALSE);

  if (!_kari_roles_check_names (tenant, user == NULL ? "" : user, role, error))
    return FALSE;
  return change (self, tenant, user, role, do_assign, error);
}

/**
 * kari_roles_unassign:
 * @self: roles
 * @tenant: the tenant
 * @user: the user
 * @role: the role to take away
 * @error: return location for a #KARI_ROLES_ERROR
 *
 * Takes @role from @user; taking a role the user does not hold changes
 * nothing. Fails with %KARI_ROLES_ERROR_LAST_ADMIN when the tenant would
 * keep stored users and no admin.
 *
 * Returns: whether @user no longer holds @role
 */
gboolean
kari_roles_unassign (KariRoles   *self,
                     const char  *tenant,
                     const char  *user,
                     const char  *role,
                     GError     **error)
{
  g_return_val_if_fail (KARI_IS_ROLES (self), FALSE);

  if (!_kari_roles_check_names (tenant, user == NULL ? "" : user, role, error))
    return FALSE;
  return change (self, tenant, user, role, do_unassign, error);
}

/**
 * kari_roles_remove_user:
 * @self: roles
 * @tenant: the tenant
 * @user: the user
 * @error: return location for a #KARI_ROLES_ERROR
 *
 * Takes every role from @user in @tenant, under the same last-admin rule
 * as kari_roles_unassign().
 *
 * Returns: whether @user holds no stored role any more
 */
gboolean
kari_roles_remove_user (KariRoles   *self,
                        const char  *tenant,
                        const char  *user,
                        GError     **error)
{
  g_return_val_if_fail (KARI_IS_ROLES (self), FALSE);

  if (!_kari_roles_check_names (tenant, user == NULL ? "" : user, NULL, error))
    return FALSE;
  return change (self, tenant, user, NULL, do_remove_user, error);
}

/* ------------------------------------------------------------------ */
/* Questions                                                          */

/**
 * kari_roles_list_roles:
 * @self: roles
 * @tenant: the tenant
 * @error: return location for a #KARI_ROLES_ERROR
 *
 * Returns: (transfer full) (element-type KariRole) (nullable): the
 *   built-in roles, then @tenant's custom roles by name
 */
GPtrArray *
kari_roles_list_roles (KariRoles   *self,
                       const char  *tenant,
                       GError     **error)
{
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_role_free);
  g_autoptr(RolesStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (KARI_IS_ROLES (self), NULL);

  if (!_kari_roles_check_names (tenant, NULL, NULL, error))
    return NULL;
  _kari_roles_add_builtins (roles);

  g_mutex_lock (&self->registry->lock);
  stmt = prepare (self, error, "Listing roles",
                  "SELECT name, description FROM roles WHERE tenant = ?1 ORDER BY name", tenant, NULL);
  while (stmt != NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (roles, _kari_role_new ((const char *) sqlite3_column_text (stmt, 0),
                                      (const char *) sqlite3_column_text (stmt, 1), FALSE));
  if (stmt != NULL && rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Listing roles");
      g_clear_pointer (&stmt, stmt_finalize);
    }
  g_mutex_unlock (&self->registry->lock);

  return stmt != NULL ? g_steal_pointer (&roles) : NULL;
}

static GStrv
user_roles (KariRoles   *self,
            const char  *tenant,
            const char  *user,
            GError     **error)
{
  g_autoptr(GPtrArray) roles = NULL;

  if (!_kari_roles_check_names (tenant, user != NULL ? user : "", NULL, error))
    return NULL;

  g_mutex_lock (&self->registry->lock);
  roles = stored_roles (self, tenant, user, error);
  g_mutex_unlock (&self->registry->lock);
  if (roles == NULL)
    return NULL;

  if (roles->len == 0 && g_str_equal (user, self->local_user))
    g_ptr_array_add (roles, g_strdup ("admin"));
  g_ptr_array_add (roles, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&roles), FALSE);
}

/**
 * kari_roles_get_user_roles:
 * @self: roles
 * @tenant: the tenant
 * @user: the user
 *
 * The roles @user holds in @tenant: those stored, or admin for the local
 * user when none are stored. A name that is not acceptable, or a registry
 * that cannot be read, holds no role.
 *
 * Returns: (transfer full): the roles, sorted; empty when none
 */
GStrv
kari_roles_get_user_roles (KariRoles  *self,
                           const char *tenant,
                           const char *user)
{
  g_autoptr(GError) error = NULL;
  GStrv roles;

  g_return_val_if_fail (KARI_IS_ROLES (self), NULL);

  roles = user_roles (self, tenant, user, &error);
  if (roles == NULL)
    {
      if (error->code == KARI_ROLES_ERROR_DB)
        g_warning ("%s", error->message);
      roles = g_new0 (char *, 1);
    }
  return roles;
}

/**
 * kari_roles_list_users:
 * @self: roles
 * @tenant: the tenant
 * @error: return location for a #KARI_ROLES_ERROR
 *
 * Lists @tenant's users with their roles, by name, including the local
 * user when their admin role is implicit.
 *
 * Returns: (transfer full) (element-type KariTenantUser) (nullable): the users
 */
GPtrArray *
kari_roles_list_users (KariRoles   *self,
                       const char  *tenant,
                       GError     **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_tenant_user_free);
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(RolesStmt) stmt = NULL;
  KariTenantUser *user = NULL;
  gboolean local_stored = FALSE;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (KARI_IS_ROLES (self), NULL);

  if (!_kari_roles_check_names (tenant, NULL, NULL, error))
    return NULL;

  g_mutex_lock (&self->registry->lock);
  stmt = prepare (self, error, "Listing users",
                  "SELECT user, role FROM tenant_users WHERE tenant = ?1 ORDER BY user, role",
                  tenant, NULL);
  while (stmt != NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);

      if (user == NULL || !g_str_equal (user->user, name))
        {
          if (current != NULL)
            {
              g_ptr_array_add (current, NULL);
              user->roles = (GStrv) g_ptr_array_free (g_steal_pointer (&current), FALSE);
            }
          user = g_new0 (KariTenantUser, 1);
          user->user = g_strdup (name);
          g_ptr_array_add (users, user);
          current = g_ptr_array_new ();
          local_stored |= g_str_equal (name, self->local_user);
        }
      g_ptr_array_add (current, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  if (stmt != NULL && rc != SQLITE_DONE)
    set_db_error (self, error, "Listing users");
  g_mutex_unlock (&self->registry->lock);

  if (current != NULL)
    {
      g_ptr_array_add (current, NULL);
      user->roles = (GStrv) g_ptr_array_free (g_steal_pointer (&current), FALSE);
    }
  if (stmt == NULL || rc != SQLITE_DONE)
    return NULL;

  if (!local_stored)
    {
      KariTenantUser *local = g_new0 (KariTenantUser, 1);
      guint at = 0;

      local->user = g_strdup (self->local_user);
      local->roles = g_strsplit ("admin", ",", -1);
      local->implicit = TRUE;
      while (at < users->len && strcmp (((KariTenantUser *) users->pdata[at])->user, local->user) < 0)
        at++;
      g_ptr_array_insert (users, (int) at, local);
    }
  return g_steal_pointer (&users);
}

/**
 * kari_roles_has_any:
 * @self: roles
 * @tenant: the tenant
 * @user: (nullable): the user; %NULL holds no role
 * @required: (nullable) (array zero-terminated=1): the roles a page or
 *   endpoint accepts; none means anyone
 *
 * Returns: whether one of @user's roles satisfies one of @required
 *   (admin satisfies all; user satisfies user and viewer)
 */
gboolean
kari_roles_has_any (KariRoles          *self,
                    const char         *tenant,
                    const char         *user,
                    const char * const *required)
{
  g_auto(GStrv) held = NULL;

  g_return_val_if_fail (KARI_IS_ROLES (self), FALSE);

  if (required == NULL || required[0] == NULL)
    return TRUE;
  if (user == NULL)
    return FALSE;
  held = kari_roles_get_user_roles (self, tenant, user);
  for (guint h = 0; held[h] != NULL; h++)
    for (guint r = 0; required[r] != NULL; r++)
      if (_kari_roles_satisfies (held[h], required[r]))
        return TRUE;
  return FALSE;
}

/* “is a viewer”, “is an auditor” (“a user”: u sounds “you”), “has the roles user and auditor”,
 * “has no role” */
static char *
describe_roles (const char * const *roles)
{
  guint n = roles != NULL ? g_strv_length ((GStrv) roles) : 0;
  g_autoptr(GString) s = NULL;

  if (n == 0)
    return g_strdup ("has no role");
  if (n == 1)
    return g_strdup_printf ("is %s %s", strchr ("aeio", roles[0][0]) != NULL ? "an" : "a", roles[0]);
  s = g_string_new ("has the roles ");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", roles[i]);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/**
 * kari_roles_may:
 * @self: roles
 * @tenant: the tenant
 * @user: the user who acts
 * @action: what they want to do
 * @error: return location for a #KARI_ROLES_ERROR
 *
 * Admin actions need the admin role. When @user lacks it, fails with
 * %KARI_ROLES_ERROR_NOT_ALLOWED and a message that says who lacks what:
 * “user “bob” is a viewer in tenant “acme”; granting permissions needs
 * the admin role”.
 *
 * Returns: whether @user may do @action in @tenant
 */
gboolean
kari_roles_may (KariRoles        *self,
                const char       *tenant,
                const char       *user,
                KariAdminAction   action,
                GError          **error)
{
  g_auto(GStrv) held = NULL;
  g_autofree char *described = NULL;

  g_return_val_if_fail (KARI_IS_ROLES (self), FALSE);
  g_return_val_if_fail ((guint) action < G_N_ELEMENTS (action_doing), FALSE);

  held = user_roles (self, tenant, user, error);
  if (held == NULL)
    return FALSE;
  if (g_strv_contains ((const char * const *) held, "admin"))
    return TRUE;

  described = describe_roles ((const char * const *) held);
  g_set_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_NOT_ALLOWED,
               _("user “%s” %s in tenant “%s”; %s needs the admin role"),
               user, described, tenant, action_doing[action]);
  return FALSE;
}
