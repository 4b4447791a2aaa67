/* kari-permission-engine-admin.c — grants, revocations, policy and roles,
 * each allowed to admins only and audited with who asked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-permission-engine-private.h"
#include "kari-registry-private.h"

#define SETTING_POLICY_BASE  "policy.base"
#define SETTING_POLICY_RULES "policy.rules_path"
#define DEFAULT_POLICY       "balanced"

/* ------------------------------------------------------------------ */
/* Settings                                                            */

static char *
setting_get (KariRegistry *registry,
             const char   *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_mutex_lock (&registry->lock);
  if (sqlite3_prepare_v2 (registry->db, "SELECT value FROM settings WHERE key = ?1", -1,
                          &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  g_mutex_unlock (&registry->lock);
  return value;
}

/* Sets @key, or deletes it when @value is %NULL. */
static gboolean
setting_set (KariRegistry  *registry,
             const char    *key,
             const char    *value,
             GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  const char *sql = value != NULL
    ? "INSERT INTO settings (key, value) VALUES (?1, ?2) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    : "DELETE FROM settings WHERE key = ?1";
  int rc;

  g_mutex_lock (&registry->lock);
  rc = sqlite3_prepare_v2 (registry->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (value != NULL)
        sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE)
    _kari_registry_set_sqlite_error (error, registry->db, rc, "saving the policy choice");
  sqlite3_finalize (stmt);
  g_mutex_unlock (&registry->lock);
  return rc == SQLITE_DONE;
}

/* The saved policy; @saved_base and @saved_rules get the settings as
 * read (either may be %NULL), so a change to them can be noticed. */
KariPolicy *
_kari_permission_engine_load_policy (KariRegistry  *registry,
                                     char         **saved_base,
                                     char         **saved_rules,
                                     GError       **error)
{
  g_autofree char *base = setting_get (registry, SETTING_POLICY_BASE);
  g_autofree char *rules = setting_get (registry, SETTING_POLICY_RULES);

  g_autoptr(GError) local_error = NULL;
  KariPolicy *policy;

  *saved_base = g_strdup (base);
  *saved_rules = g_strdup (rules);

  policy = rules != NULL ? kari_policy_new_from_file (base != NULL ? base : DEFAULT_POLICY, rules,
                                                      NULL, &local_error)
                         : kari_policy_new_builtin (base != NULL ? base : DEFAULT_POLICY, &local_error);
  if (policy != NULL)
    return policy;

  /* A saved policy that no longer loads (its rules file was moved, say)
   * must neither lock the admin out of choosing another one nor fall
   * back to something more permissive: strict is in force until then. */
  g_warning ("The saved permission policy does not load (%s); the strict policy is in force "
             "until another is set", local_error->message);
  return kari_policy_new_builtin ("strict", error);
}

/* Puts in force the policy another process saved, when the settings
 * differ from what the policy in force was loaded from; returns whether
 * they did. */
gboolean
_kari_permission_engine_reload_policy (KariPermissionEngine *self)
{
  g_autofree char *base = setting_get (self->registry, SETTING_POLICY_BASE);
  g_autofree char *rules = setting_get (self->registry, SETTING_POLICY_RULES);
  g_autoptr(KariPolicy) policy = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->admin_lock);
  if (g_strcmp0 (base, self->policy_base) == 0 && g_strcmp0 (rules, self->policy_rules) == 0)
    {
      g_mutex_unlock (&self->admin_lock);
      return FALSE;
    }
  g_clear_pointer (&base, g_free);
  g_clear_pointer (&rules, g_free);
  policy = _kari_permission_engine_load_policy (self->registry, &base, &rules, &error);
  if (policy == NULL)
    {
      /* Not even strict loads: keep what is in force, try again next time */
      g_warning ("The permission policy saved by another program does not load: %s", error->message);
      g_mutex_unlock (&self->admin_lock);
      return FALSE;
    }
  g_free (self->policy_base);
  self->policy_base = g_steal_pointer (&base);
  g_free (self->policy_rules);
  self->policy_rules = g_steal_pointer (&rules);
  g_rw_lock_writer_lock (&self->lock);
  g_set_object (&self->policy, policy);
  _kari_permission_engine_bump (self);
  g_rw_lock_writer_unlock (&self->lock);
  g_mutex_unlock (&self->admin_lock);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Who may                                                             */

static gboolean
actor_may (KariPermissionEngine  *self,
           const char            *actor,
           const char            *tenant,
           KariAdminAction        action,
           KariAuditKind          kind,
           const char            *extension,
           const char            *permission,
           GError               **error)
{
  g_autoptr(GError) local_error = NULL;

  if (actor != NULL && kari_roles_may (self->roles, tenant, actor, action, &local_error))
    return TRUE;

  _kari_permission_engine_audit (self, kind, tenant, actor, extension, permission, NULL,
                                 FALSE, FALSE, "role",
                                 local_error != NULL ? local_error->message : "not an admin");
  g_set_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED,
               _("“%s” may not %s in tenant “%s”: the admin role is needed"),
               actor != NULL ? actor : "(nobody)", kari_admin_action_to_string (action), tenant);
  return FALSE;
}

static void
refuse (KariPermissionEngine  *self,
        KariAuditKind          kind,
        const char            *actor,
        const char            *tenant,
        const char            *extension,
        const char            *permission,
        const char            *decided_by,
        GError               **error,
        GError                *reason)
{
  _kari_permission_engine_audit (self, kind, tenant, actor, extension, permission, NULL,
                                 FALSE, FALSE, decided_by, reason->message);
  g_propagate_error (error, reason);
}

/* ------------------------------------------------------------------ */
/* Grants                                                              */

/* @extension's declared set, or %NULL with @error set when it is not
 * installed. */
static Declared *
lookup_installed (KariPermissionEngine  *self,
                  const char            *extension,
                  GError               **error)
{
  Declared *declared = _kari_declared_lookup (self, extension);

  if (declared == NULL)
    g_set_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_UNKNOWN_EXTENSION,
                 _("no extension “%s” is installed"), extension);
  return declared;
}

/* Whether one of @extension's declared patterns covers @pattern; sets
 * @error (unknown extension or undeclared) when none does. */
static gboolean
declared_covers (KariPermissionEngine         *self,
                 const char                   *extension,
                 const KariPermissionPattern  *pattern,
                 GError                      **error)
{
  g_autoptr(Declared) declared = lookup_installed (self, extension, error);

  if (declared == NULL)
    return FALSE;
  for (guint i = 0; i < declared->patterns->len; i++)
    if (kari_permission_pattern_covers (g_ptr_array_index (declared->patterns, i), pattern))
      return TRUE;
  g_set_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_UNDECLARED,
               _("“%s” does not declare “%s” in its manifest, so it can never be granted"),
               extension, kari_permission_pattern_get_text (pattern));
  return FALSE;
}

/**
 * kari_permission_engine_grant:
 * @self: a #KariPermissionEngine
 * @actor: who grants; needs the admin role in @tenant
 * @tenant: the tenant
 * @extension: the extension
 * @user: (nullable): the user it is for, %NULL for everyone in @tenant
 * @permission: a permission pattern the manifest declares (or one a
 *   declared pattern covers)
 * @scope: how long it lasts
 * @until_usec: for %KARI_SCOPE_UNTIL, the wall-clock end
 * @error: %KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED,
 *   %KARI_PERMISSION_ENGINE_ERROR_UNDECLARED, …
 *
 * Grants at once: the next check sees it. Audited, refusals too.
 *
 * Returns: (transfer full) (nullable): the grant made
 */
KariGrant *
kari_permission_engine_grant (KariPermissionEngine  *self,
                              const char            *actor,
                              const char            *tenant,
                              const char            *extension,
                              const char            *user,
                              const char            *permission,
                              KariScope              scope,
                              gint64                 until_usec,
                              GError               **error)
{
  g_autoptr(KariPermissionPattern) pattern = NULL;
  g_autoptr(GError) reason = NULL;
  g_autofree char *granted_by = NULL;
  g_autofree char *decided_by = NULL;
  KariGrant *grant;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), NULL);
  g_return_val_if_fail (extension != NULL && permission != NULL, NULL);

  tenant = tenant != NULL ? tenant : "default";
  if (!actor_may (self, actor, tenant, KARI_ADMIN_GRANT, KARI_AUDIT_GRANT, extension, permission, error))
    return NULL;

  pattern = kari_permission_pattern_parse (permission, &reason);
  if (pattern == NULL)
    {
      g_prefix_error (&reason, _("cannot grant: "));
      reason->domain = KARI_PERMISSION_ENGINE_ERROR;
      reason->code = KARI_PERMISSION_ENGINE_ERROR_INVALID;
      refuse (self, KARI_AUDIT_GRANT, actor, tenant, extension, permission, "invalid", error,
              g_steal_pointer (&reason));
      return NULL;
    }
  if (!declared_covers (self, extension, pattern, &reason))
    {
      refuse (self, KARI_AUDIT_GRANT, actor, tenant, extension, permission, "undeclared", error,
              g_steal_pointer (&reason));
      return NULL;
    }

  granted_by = g_strdup (actor);
  g_mutex_lock (&self->admin_lock);
  grant = kari_grant_store_add (self->grants, extension, tenant, user, permission, scope,
                                until_usec, granted_by, &reason);
  _kari_permission_engine_bump (self);
  g_mutex_unlock (&self->admin_lock);
  if (grant == NULL)
    {
      refuse (self, KARI_AUDIT_GRANT, actor, tenant, extension, permission, "invalid", error,
              g_steal_pointer (&reason));
      return NULL;
    }

  decided_by = g_strdup_printf ("grant:%" G_GINT64_FORMAT, grant->id);
  _kari_permission_engine_audit (self, KARI_AUDIT_GRANT, tenant, actor, extension, permission,
                                 _kari_permission_resource_of (permission), TRUE, FALSE, decided_by,
                                 kari_scope_to_string (scope));
  return grant;
}

/**
 * kari_permission_engine_revoke:
 * @self: a #KariPermissionEngine
 * @actor: who revokes; needs the admin role in @tenant
 * @tenant: the tenant
 * @extension: the extension
 * @user: (nullable): only this user's grants
 * @permission: (nullable): only grants of this permission; %NULL for all
 * @n_revoked: (out) (optional): how many grants went
 * @error: %KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED, …
 *
 * Revokes at once: the next check, and any prompt still open, sees it.
 *
 * Returns: %TRUE on success (even when nothing matched)
 */
gboolean
kari_permission_engine_revoke (KariPermissionEngine  *self,
                               const char            *actor,
                               const char            *tenant,
                               const char            *extension,
                               const char            *user,
                               const char            *permission,
                               guint                 *n_revoked,
                               GError               **error)
{
  g_autoptr(GError) reason = NULL;
  g_autofree char *detail = NULL;
  guint n = 0;
  gboolean ok;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), FALSE);
  g_return_val_if_fail (extension != NULL, FALSE);

  tenant = tenant != NULL ? tenant : "default";
  if (!actor_may (self, actor, tenant, KARI_ADMIN_GRANT, KARI_AUDIT_REVOKE, extension, permission, error))
    return FALSE;

  g_mutex_lock (&self->admin_lock);
  ok = kari_grant_store_revoke (self->grants, extension, tenant, user, permission, &n, &reason);
  _kari_permission_engine_bump (self);
  g_mutex_unlock (&self->admin_lock);
  if (!ok)
    {
      refuse (self, KARI_AUDIT_REVOKE, actor, tenant, extension, permission, "error", error,
              g_steal_pointer (&reason));
      return FALSE;
    }

  detail = g_strdup_printf ("%u revoked", n);
  _kari_permission_engine_audit (self, KARI_AUDIT_REVOKE, tenant, actor, extension, permission, NULL,
                                 TRUE, FALSE, "admin", detail);
  if (n_revoked != NULL)
    *n_revoked = n;
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Policy                                                              */

static gboolean
policy_replace (KariPermissionEngine  *self,
                const char            *actor,
                const char            *tenant,
                KariPolicy            *policy,
                const char            *rules_path,
                GError               **error)
{
  g_autoptr(GError) reason = NULL;
  const char *name = kari_policy_get_name (policy);
  /* What is saved must load again: a built-in by its name, a rules
   * file by its path over the built-in it falls back to. */
  const char *base = kari_policy_is_builtin (policy) ? name
                                                     : kari_policy_get_name (kari_policy_get_base (policy));
  gboolean ok;

  g_mutex_lock (&self->admin_lock);
  ok = setting_set (self->registry, SETTING_POLICY_BASE, base, &reason) &&
       setting_set (self->registry, SETTING_POLICY_RULES, rules_path, &reason);
  if (ok)
    {
      g_free (self->policy_base);
      self->policy_base = g_strdup (base);
      g_free (self->policy_rules);
      self->policy_rules = g_strdup (rules_path);
      g_rw_lock_writer_lock (&self->lock);
      g_set_object (&self->policy, policy);
      _kari_permission_engine_bump (self);
      g_rw_lock_writer_unlock (&self->lock);
    }
  g_mutex_unlock (&self->admin_lock);

  if (!ok)
    {
      refuse (self, KARI_AUDIT_POLICY, actor, tenant, NULL, NULL, "error", error,
              g_steal_pointer (&reason));
      return FALSE;
    }
  _kari_permission_engine_audit (self, KARI_AUDIT_POLICY, tenant, actor, NULL, NULL, NULL,
                                 TRUE, FALSE, "admin", rules_path != NULL ? rules_path : name);
  return TRUE;
}

/**
 * kari_permission_engine_set_policy:
 * @self: a #KariPermissionEngine
 * @actor: who changes it; needs the admin role in @tenant
 * @tenant: the tenant the actor acts in
 * @policy: the new policy
 * @error: %KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED, …
 *
 * Puts @policy in force at once and saves its name as `policy.base`.
 * A policy with custom rules is saved with its file only when set with
 * kari_permission_engine_set_policy_from_file().
 *
 * Returns: %TRUE on success
 */
gboolean
kari_permission_engine_set_policy (KariPermissionEngine  *self,
                                   const char            *actor,
                                   const char            *tenant,
                                   KariPolicy            *policy,
                                   GError               **error)
{
  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), FALSE);
  g_return_val_if_fail (KARI_IS_POLICY (policy), FALSE);

  tenant = tenant != NULL ? tenant : "default";
  if (!actor_may (self, actor, tenant, KARI_ADMIN_POLICY, KARI_AUDIT_POLICY, NULL, NULL, error))
    return FALSE;
  /* Only a built-in can be saved by name and found again next time. */
  if (!kari_policy_is_builtin (policy))
    {
      g_set_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_INVALID,
                   _("the policy “%s” comes from a rules file; put it in force with "
                   "kari_permission_engine_set_policy_from_file () so it is loaded again "
                   "next time"), kari_policy_get_name (policy));
      return FALSE;
    }
  return policy_replace (self, actor, tenant, policy, NULL, error);
}

/**
 * kari_permission_engine_set_policy_from_file:
 * @self: a #KariPermissionEngine
 * @actor: who changes it; needs the admin role in @tenant
 * @tenant: the tenant the actor acts in
 * @base: the built-in policy the rules fall back to
 * @rules_path: (nullable): a custom rules file, or %NULL for @base alone
 * @diagnostics: (nullable) (element-type KariDiagnostic): where a bad
 *   rules file's problems go
 * @error: set when the actor may not, or the policy does not load
 *
 * Loads a policy, puts it in force and saves both settings, so the
 * next engine created on this registry starts with it.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_permission_engine_set_policy_from_file (KariPermissionEngine  *self,
                                             const char            *actor,
                                             const char            *tenant,
                                             const char            *base,
                                             const char            *rules_path,
                                             GPtrArray             *diagnostics,
                                             GError               **error)
{
  g_autoptr(KariPolicy) policy = NULL;
  g_autoptr(GError) reason = NULL;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), FALSE);
  g_return_val_if_fail (base != NULL, FALSE);

  tenant = tenant != NULL ? tenant : "default";
  if (!actor_may (self, actor, tenant, KARI_ADMIN_POLICY, KARI_AUDIT_POLICY, NULL, NULL, error))
    return FALSE;

  policy = rules_path != NULL ? kari_policy_new_from_file (base, rules_path, diagnostics, &reason)
                              : kari_policy_new_builtin (base, &reason);
  if (policy == NULL)
    {
      refuse (self, KARI_AUDIT_POLICY, actor, tenant, NULL, NULL, "invalid", error,
              g_steal_pointer (&reason));
      return FALSE;
    }
  return policy_replace (self, actor, tenant, policy, rules_path, error);
}

/**
 * kari_permission_engine_install_grants:
 * @self: a #KariPermissionEngine
 * @actor: who installs; needs the admin role in @tenant
 * @tenant: the tenant
 * @extension: the extension just installed (its declared set loaded)
 * @error: set when the actor may not or a grant cannot be stored
 *
 * Applies the policy at install: every declared permission the policy
 * allows for the tenant (no user, no roles) becomes a persistent grant.
 * What it would ask about is left to be asked at run time.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_permission_engine_install_grants (KariPermissionEngine  *self,
                                       const char            *actor,
                                       const char            *tenant,
                                       const char            *extension,
                                       GError               **error)
{
  g_autoptr(Declared) declared = NULL;
  g_autoptr(KariPolicy) policy = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GError) reason = NULL;
  g_autofree char *granted_by = NULL;
  g_autofree char *data_dir = NULL;
  KariPermissionContext context;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), FALSE);
  g_return_val_if_fail (extension != NULL, FALSE);

  tenant = tenant != NULL ? tenant : "default";
  if (!actor_may (self, actor, tenant, KARI_ADMIN_INSTALL, KARI_AUDIT_GRANT, extension, NULL, error))
    return FALSE;

  declared = lookup_installed (self, extension, &reason);
  if (declared == NULL)
    {
      refuse (self, KARI_AUDIT_GRANT, actor, tenant, extension, NULL, "unknown", error,
              g_steal_pointer (&reason));
      return FALSE;
    }

  g_rw_lock_reader_lock (&self->lock);
  policy = g_object_ref (self->policy);
  g_rw_lock_reader_unlock (&self->lock);
  existing = kari_grant_store_list (self->grants, extension, tenant);
  granted_by = g_strconcat ("install:", actor, NULL);
  _kari_permission_engine_context (tenant, extension, &context, &data_dir);

  for (guint i = 0; i < declared->patterns->len; i++)
    {
      const KariPermissionPattern *pattern = g_ptr_array_index (declared->patterns, i);
      const char *text = kari_permission_pattern_get_text (pattern);
      KariPolicyQuery query = {
        .extension = extension,
        .tenant = tenant,
        .domain = kari_permission_pattern_get_domain (pattern),
        .action = kari_permission_pattern_get_action (pattern),
        .resource = kari_permission_pattern_get_resource (pattern),
        .context = &context,
      };
      const char *rule = NULL;
      g_autofree char *decided_by = NULL;
      g_autoptr(KariGrant) grant = NULL;
      gboolean have = FALSE;

      if (kari_policy_decide (policy, &query, &rule) != KARI_POLICY_ALLOW)
        continue;
      for (guint j = 0; existing != NULL && j < existing->len && !have; j++)
        {
          KariGrant *g = g_ptr_array_index (existing, j);
          have = g->scope == KARI_SCOPE_PERSISTENT && g->user == NULL && g_str_equal (g->permission, text);
        }
      if (have)
        continue;

      g_mutex_lock (&self->admin_lock);
      grant = kari_grant_store_add (self->grants, extension, tenant, NULL, text,
                                    KARI_SCOPE_PERSISTENT, 0, granted_by, &reason);
      _kari_permission_engine_bump (self);
      g_mutex_unlock (&self->admin_lock);
      if (grant == NULL)
        {
          refuse (self, KARI_AUDIT_GRANT, actor, tenant, extension, text, "error", error,
                  g_steal_pointer (&reason));
          return FALSE;
        }
      decided_by = g_strconcat ("policy:", rule != NULL ? rule : kari_policy_get_name (policy), NULL);
      _kari_permission_engine_audit (self, KARI_AUDIT_GRANT, tenant, actor, extension, text,
                                     kari_permission_pattern_get_resource (pattern), TRUE, FALSE,
                                     decided_by, "persistent, at install");
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Roles                                                               */

static gboolean
change_role (KariPermissionEngine  *self,
             const char            *actor,
             const char            *tenant,
             const char            *user,
             const char            *role,
             gboolean               assign,
             GError               **error)
{
  g_autoptr(GError) reason = NULL;
  g_autofree char *detail = NULL;
  gboolean ok;

  tenant = tenant != NULL ? tenant : "default";
  if (!actor_may (self, actor, tenant, KARI_ADMIN_USERS, KARI_AUDIT_ROLE, NULL, NULL, error))
    return FALSE;

  detail = g_strdup_printf ("%s %s %s", assign ? "assign" : "unassign", role, user);
  g_mutex_lock (&self->admin_lock);
  ok = assign ? kari_roles_assign (self->roles, tenant, user, role, &reason)
              : kari_roles_unassign (self->roles, tenant, user, role, &reason);
  _kari_permission_engine_bump (self);
  g_mutex_unlock (&self->admin_lock);
  if (!ok)
    {
      refuse (self, KARI_AUDIT_ROLE, actor, tenant, NULL, NULL, "error", error,
              g_steal_pointer (&reason));
      return FALSE;
    }
  _kari_permission_engine_audit (self, KARI_AUDIT_ROLE, tenant, actor, NULL, NULL, NULL,
                                 TRUE, FALSE, "admin", detail);
  return TRUE;
}

/**
 * kari_permission_engine_assign_role:
 * @self: a #KariPermissionEngine
 * @actor: who changes it; needs the admin role in @tenant
 * @tenant: the tenant
 * @user: the user
 * @role: the role to give
 * @error: set when the actor may not or the role is unknown
 *
 * kari_roles_assign() through the engine: checked, audited, and cached
 * decisions that depended on the user's roles are dropped.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_permission_engine_assign_role (KariPermissionEngine  *self,
                                    const char            *actor,
                                    const char            *tenant,
                                    const char            *user,
                                    const char            *role,
                                    GError               **error)
{
  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), FALSE);
  g_return_val_if_fail (user != NULL && role != NULL, FALSE);
  return change_role (self, actor, tenant, user, role, TRUE, error);
}

/**
 * kari_permission_engine_unassign_role:
 * @self: a #KariPermissionEngine
 * @actor: who changes it; needs the admin role in @tenant
 * @tenant: the tenant
 * @user: the user
 * @role: the role to take away
 * @error: set when the actor may not, or it would leave no admin
 *
 * Returns: %TRUE on success
 */
gboolean
kari_permission_engine_unassign_role (KariPermissionEngine  *self,
                                      const char            *actor,
                                      const char            *tenant,
                                      const char            *user,
                                      const char            *role,
                                      GError               **error)
{
  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), FALSE);
  g_return_val_if_fail (user != NULL && role != NULL, FALSE);
  return change_role (self, actor, tenant, user, role, FALSE, error);
}
