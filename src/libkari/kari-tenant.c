/* kari-tenant.c — tenants, the active tenant, and per-tenant enablement
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tenants are rows of the registry's `tenants` table; "default" is made
 * by the migration that adds the table and is never deleted. The active
 * tenant is the setting `active_tenant`; a value naming a tenant that is
 * gone reads as "default". Enablement is a row per extension and tenant,
 * or per extension and "*" for every tenant; the tenant's own row wins.
 * Deleting a tenant goes through kari-removal.c, which owns the journal.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-registry-private.h"
#include "kari-tenant.h"

#define ACTIVE_KEY   "active_tenant"
#define EVERY_TENANT "*"

G_DEFINE_BOXED_TYPE (KariTenant, kari_tenant, kari_tenant_copy, kari_tenant_free)

/**
 * kari_tenant_copy:
 * @self: a #KariTenant
 *
 * Returns: (transfer full): a deep copy of @self
 */
KariTenant *
kari_tenant_copy (const KariTenant *self)
{
  KariTenant *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (KariTenant, 1);
  copy->id = g_strdup (self->id);
  copy->display_name = g_strdup (self->display_name);
  copy->created_usec = self->created_usec;
  return copy;
}

/**
 * kari_tenant_free:
 * @self: (nullable): a #KariTenant
 */
void
kari_tenant_free (KariTenant *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->display_name);
  g_free (self);
}

/**
 * kari_tenant_id_is_valid:
 * @id: (nullable): a proposed tenant id
 * @error: return location for a #GError
 *
 * A tenant id names folders (`$XDG_DATA_HOME/kari/data/<tenant>`), so it
 * is 1 to %KARI_TENANT_ID_MAX lowercase ASCII letters, digits, “-” and
 * “_”, starting with a letter or a digit: never “.”, “..”, a slash or
 * anything a shell would mangle.
 *
 * Returns: %TRUE when valid; otherwise %FALSE with
 *   %KARI_REGISTRY_ERROR_INVALID saying what is wrong
 */
gboolean
kari_tenant_id_is_valid (const char  *id,
                         GError     **error)
{
  gsize length = id != NULL ? strlen (id) : 0;

  if (length == 0 || length > KARI_TENANT_ID_MAX)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("A tenant id is 1 to %d characters long, not %" G_GSIZE_FORMAT),
                   KARI_TENANT_ID_MAX, length);
      return FALSE;
    }
  for (gsize i = 0; i < length; i++)
    {
      char c = id[i];
      gboolean ok = g_ascii_islower (c) || g_ascii_isdigit (c) || (i > 0 && (c == '-' || c == '_'));

      if (!ok)
        {
          g_autofree char *shown = g_strescape (id, NULL);

          g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                       _("“%s” is not a tenant id: use lowercase letters, digits, “-” and “_”, "
                         "starting with a letter or digit (character %" G_GSIZE_FORMAT " is not allowed)"),
                       shown, i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

static KariTenant *
tenant_from_row (sqlite3_stmt *stmt)
{
  KariTenant *tenant = g_new0 (KariTenant, 1);

  tenant->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  tenant->display_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  tenant->created_usec = sqlite3_column_int64 (stmt, 2);
  return tenant;
}

static KariTenant *
lookup_locked (KariRegistry  *self,
               const char    *id,
               GError       **error)
{
  g_autoptr(KariSqlStmt) stmt = NULL;
  int rc;

  stmt = _kari_registry_prepare (self, "SELECT id, display_name, created_usec FROM tenants WHERE id = ?1",
                                 error, 1, id);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return tenant_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND,
                 _("There is no tenant “%s”"), id);
  else
    _kari_registry_set_sqlite_error (error, self->db, rc, "Looking a tenant up");
  return NULL;
}

static gboolean
check_display_name (const char  *display_name,
                    GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (display_name != NULL ? display_name : ""));

  if (*stripped == '\0')
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("A tenant’s name cannot be empty"));
      return FALSE;
    }
  if (strlen (display_name) > 256 || !g_utf8_validate (display_name, -1, NULL))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("A tenant’s name is UTF-8 text of at most 256 bytes"));
      return FALSE;
    }
  return TRUE;
}

/**
 * kari_registry_create_tenant:
 * @self: a #KariRegistry
 * @id: the new tenant's id (see kari_tenant_id_is_valid())
 * @display_name: (nullable): its name; @id when %NULL
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the new tenant, or %NULL with
 *   %KARI_REGISTRY_ERROR_INVALID for a bad id or name, or
 *   %KARI_REGISTRY_ERROR_EXISTS when @id is taken
 */
KariTenant *
kari_registry_create_tenant (KariRegistry  *self,
                             const char    *id,
                             const char    *display_name,
                             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  KariTenant *tenant = NULL;
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());

  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);

  if (display_name == NULL)
    display_name = id;
  if (!kari_tenant_id_is_valid (id, error) || !check_display_name (display_name, error))
    return NULL;

  g_mutex_lock (&self->lock);
  if (_kari_registry_begin (self, "Creating a tenant", error))
    {
      g_autoptr(KariTenant) existing = lookup_locked (self, id, &local_error);

      if (existing != NULL)
        g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_EXISTS,
                     _("The tenant “%s” exists already (“%s”)"), id, existing->display_name);
      else if (!g_error_matches (local_error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (_kari_registry_run (self, "INSERT INTO tenants (id, display_name, created_usec) "
                                   "VALUES (?1, ?2, CAST (?3 AS INTEGER))",
                                   "Creating a tenant", error, 3, id, display_name, now)
               && _kari_registry_commit (self, "Creating a tenant", error))
        tenant = lookup_locked (self, id, error);
      _kari_registry_rollback (self);
    }
  g_mutex_unlock (&self->lock);
  return tenant;
}

/**
 * kari_registry_rename_tenant:
 * @self: a #KariRegistry
 * @id: a tenant
 * @display_name: its new name
 * @error: return location for a #GError
 *
 * Changes what a person sees; the id, and so every folder, stays.
 *
 * Returns: %TRUE when renamed, or %FALSE with
 *   %KARI_REGISTRY_ERROR_NOT_FOUND or %KARI_REGISTRY_ERROR_INVALID
 */
gboolean
kari_registry_rename_tenant (KariRegistry  *self,
                             const char    *id,
                             const char    *display_name,
                             GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!check_display_name (display_name, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  ok = _kari_registry_begin (self, "Renaming a tenant", error)
       && _kari_registry_tenant_exists (self, id, error)
       && _kari_registry_run (self, "UPDATE tenants SET display_name = ?2 WHERE id = ?1",
                              "Renaming a tenant", error, 2, id, display_name)
       && _kari_registry_commit (self, "Renaming a tenant", error);
  _kari_registry_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * kari_registry_lookup_tenant:
 * @self: a #KariRegistry
 * @id: a tenant id
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the tenant, or %NULL with
 *   %KARI_REGISTRY_ERROR_NOT_FOUND
 */
KariTenant *
kari_registry_lookup_tenant (KariRegistry  *self,
                             const char    *id,
                             GError       **error)
{
  KariTenant *tenant;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  g_mutex_lock (&self->lock);
  tenant = lookup_locked (self, id, error);
  g_mutex_unlock (&self->lock);
  return tenant;
}

/**
 * kari_registry_list_tenants:
 * @self: a #KariRegistry
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KariTenant): every tenant,
 *   by id
 */
GPtrArray *
kari_registry_list_tenants (KariRegistry  *self,
                            GError       **error)
{
  g_autoptr(GPtrArray) tenants = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_tenant_free);
  g_autoptr(KariSqlStmt) stmt = NULL;
  int rc = SQLITE_ERROR;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = _kari_registry_prepare (self, "SELECT id, display_name, created_usec FROM tenants ORDER BY id",
                                 error, 0);
  if (stmt != NULL)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (tenants, tenant_from_row (stmt));
      if (rc != SQLITE_DONE)
        _kari_registry_set_sqlite_error (error, self->db, rc, "Listing the tenants");
    }
  g_mutex_unlock (&self->lock);

  return rc == SQLITE_DONE ? g_steal_pointer (&tenants) : NULL;
}

/**
 * kari_registry_dup_active_tenant:
 * @self: a #KariRegistry
 * @error: return location for a #GError
 *
 * The tenant commands act in when none is named. When the one chosen has
 * been deleted since, it is %KARI_TENANT_DEFAULT.
 *
 * Returns: (transfer full): the active tenant's id, or %NULL on a
 *   database error
 */
char *
kari_registry_dup_active_tenant (KariRegistry  *self,
                                 GError       **error)
{
  g_autoptr(KariSqlStmt) stmt = NULL;
  char *active = NULL;
  int rc;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = _kari_registry_prepare (self,
                                 "SELECT t.id FROM settings AS s JOIN tenants AS t ON t.id = s.value "
                                 "WHERE s.key = ?1", error, 1, ACTIVE_KEY);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        active = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else if (rc == SQLITE_DONE)
        active = g_strdup (KARI_TENANT_DEFAULT);
      else
        _kari_registry_set_sqlite_error (error, self->db, rc, "Reading the active tenant");
    }
  g_mutex_unlock (&self->lock);
  return active;
}

/**
 * kari_registry_set_active_tenant:
 * @self: a #KariRegistry
 * @id: an existing tenant
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @id is now the active tenant, or %FALSE with
 *   %KARI_REGISTRY_ERROR_NOT_FOUND
 */
gboolean
kari_registry_set_active_tenant (KariRegistry  *self,
                                 const char    *id,
                                 GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = _kari_registry_begin (self, "Switching the tenant", error)
       && _kari_registry_tenant_exists (self, id, error)
       && _kari_registry_run (self, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                              "Switching the tenant", error, 2, ACTIVE_KEY, id)
       && _kari_registry_commit (self, "Switching the tenant", error);
  _kari_registry_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
check_extension_name (const char  *extension,
                      GError     **error)
{
  if (extension == NULL || *extension == '\0' || strlen (extension) > 64
      || strchr (extension, '/') != NULL || !g_utf8_validate (extension, -1, NULL))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("“%s” is not an extension name"), extension != NULL ? extension : "");
      return FALSE;
    }
  return TRUE;
}

/**
 * kari_registry_set_enabled:
 * @self: a #KariRegistry
 * @extension: an extension name
 * @tenant: (nullable): a tenant, or %NULL for every tenant
 * @enabled: whether @extension may run and show its pages there
 * @error: return location for a #GError
 *
 * With a @tenant, the choice holds in that tenant only, whatever the
 * choice for every tenant is. With %NULL it holds in every tenant, and
 * the choices made per tenant before are forgotten.
 *
 * Returns: %TRUE when recorded, or %FALSE with
 *   %KARI_REGISTRY_ERROR_NOT_FOUND for an unknown tenant
 */
gboolean
kari_registry_set_enabled (KariRegistry  *self,
                           const char    *extension,
                           const char    *tenant,
                           gboolean       enabled,
                           GError       **error)
{
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
  const char *doing = enabled ? "Enabling an extension" : "Disabling an extension";
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);

  if (!check_extension_name (extension, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  ok = _kari_registry_begin (self, doing, error)
       && (tenant == NULL || _kari_registry_tenant_exists (self, tenant, error))
       && (tenant != NULL || _kari_registry_run (self, "DELETE FROM enablement WHERE extension = ?1",
                                                 doing, error, 1, extension))
       && _kari_registry_run (self, "INSERT INTO enablement (extension, tenant, enabled, changed_usec) "
                              "VALUES (?1, ?2, CAST (?3 AS INTEGER), CAST (?4 AS INTEGER)) "
                              "ON CONFLICT (extension, tenant) DO UPDATE SET enabled = excluded.enabled, "
                              "  changed_usec = excluded.changed_usec",
                              doing, error, 4, extension, tenant != NULL ? tenant : EVERY_TENANT,
                              enabled ? "1" : "0", now)
       && _kari_registry_commit (self, doing, error);
  _kari_registry_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * kari_registry_is_enabled:
 * @self: a #KariRegistry
 * @extension: an extension name
 * @tenant: a tenant
 * @error: return location for a #GError
 *
 * The choice made for @tenant, else the one made for every tenant. An
 * extension nobody chose for is enabled, as every extension found was
 * before tenants existed.
 *
 * Returns: %TRUE when enabled; %FALSE when disabled (@error unset), or
 *   with @error set on a database error
 */
gboolean
kari_registry_is_enabled (KariRegistry  *self,
                          const char    *extension,
                          const char    *tenant,
                          GError       **error)
{
  g_autoptr(KariSqlStmt) stmt = NULL;
  gboolean enabled = FALSE;
  int rc;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (extension != NULL && tenant != NULL, FALSE);

  g_mutex_lock (&self->lock);
  stmt = _kari_registry_prepare (self,
                                 "SELECT enabled FROM enablement WHERE extension = ?1 AND tenant IN (?2, ?3) "
                                 "ORDER BY tenant = ?3 LIMIT 1",
                                 error, 3, extension, tenant, EVERY_TENANT);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        enabled = sqlite3_column_int (stmt, 0) != 0;
      else if (rc == SQLITE_DONE)
        enabled = TRUE;
      else
        _kari_registry_set_sqlite_error (error, self->db, rc, "Reading whether an extension is enabled");
    }
  g_mutex_unlock (&self->lock);
  return enabled;
}

/**
 * kari_registry_dup_disabled:
 * @self: a #KariRegistry
 * @tenant: a tenant
 * @error: return location for a #GError
 *
 * Every extension kari_registry_is_enabled() calls disabled in @tenant,
 * read in one query: what a start asks of many extensions at once.
 *
 * Returns: (transfer full) (element-type utf8 utf8): a set of the names
 *   of the extensions disabled in @tenant (any other is enabled), or
 *   %NULL with @error set on a database error
 */
GHashTable *
kari_registry_dup_disabled (KariRegistry  *self,
                            const char    *tenant,
                            GError       **error)
{
  g_autoptr(KariSqlStmt) stmt = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GHashTable) disabled = NULL;
  int rc = SQLITE_ERROR;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (tenant != NULL, NULL);

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  disabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_lock (&self->lock);
  /* The tenant's own choice first, as in kari_registry_is_enabled(). */
  stmt = _kari_registry_prepare (self,
                                 "SELECT extension, enabled FROM enablement WHERE tenant IN (?1, ?2) "
                                 "ORDER BY extension, tenant = ?2",
                                 error, 2, tenant, EVERY_TENANT);
  while (stmt != NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);

      if (name == NULL || g_hash_table_contains (seen, name))
        continue;
      g_hash_table_add (seen, g_strdup (name));
      if (sqlite3_column_int (stmt, 1) == 0)
        g_hash_table_add (disabled, g_strdup (name));
    }
  if (stmt != NULL && rc != SQLITE_DONE)
    _kari_registry_set_sqlite_error (error, self->db, rc, "Reading which extensions are enabled");
  g_mutex_unlock (&self->lock);
  if (stmt == NULL || rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&disabled);
}
