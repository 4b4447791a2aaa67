/* kari-registry-sql.c — one-off statements on the registry's connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tenants, config and removal run a statement now and then, not in a
 * loop: they prepare it per call instead of growing the cache of
 * kari-registry.c. Every caller holds the registry's lock.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-registry-private.h"

static KariSqlStmt *
prepare_va (KariRegistry  *self,
            const char    *sql,
            GError       **error,
            guint          n_texts,
            va_list        args)
{
  g_autoptr(KariSqlStmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *doing = g_strdup_printf ("Preparing “%s”", sql);

      _kari_registry_set_sqlite_error (error, self->db, rc, doing);
      return NULL;
    }
  for (guint i = 0; i < n_texts; i++)
    sqlite3_bind_text (stmt, (int) i + 1, va_arg (args, const char *), -1, SQLITE_TRANSIENT);
  return g_steal_pointer (&stmt);
}

/*
 * _kari_registry_prepare:
 * @n_texts: how many text parameters follow, bound to ?1, ?2, …
 *   (a %NULL one binds SQL NULL)
 *
 * Returns: (transfer full): the statement, ready to step
 */
KariSqlStmt *
_kari_registry_prepare (KariRegistry  *self,
                        const char    *sql,
                        GError       **error,
                        guint          n_texts,
                        ...)
{
  KariSqlStmt *stmt;
  va_list args;

  va_start (args, n_texts);
  stmt = prepare_va (self, sql, error, n_texts, args);
  va_end (args);
  return stmt;
}

/* Runs @sql, which returns no rows, with @n_texts text parameters. */
gboolean
_kari_registry_run (KariRegistry  *self,
                    const char    *sql,
                    const char    *doing,
                    GError       **error,
                    guint          n_texts,
                    ...)
{
  g_autoptr(KariSqlStmt) stmt = NULL;
  va_list args;
  int rc;

  va_start (args, n_texts);
  stmt = prepare_va (self, sql, error, n_texts, args);
  va_end (args);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      _kari_registry_set_sqlite_error (error, self->db, rc, doing);
      return FALSE;
    }
  return TRUE;
}

gboolean
_kari_registry_table_exists (KariRegistry  *self,
                             const char    *table,
                             gboolean      *exists,
                             GError       **error)
{
  g_autoptr(KariSqlStmt) stmt = _kari_registry_prepare (self,
                                                        "SELECT 1 FROM sqlite_schema "
                                                        "WHERE type = 'table' AND name = ?1",
                                                        error, 1, table);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _kari_registry_set_sqlite_error (error, self->db, rc, "Looking for a table");
      return FALSE;
    }
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

/*
 * _kari_registry_tables_with_column:
 *
 * Every table of the registry that has a column named @column, so that
 * removal also reaches the tables added after it was written (scheduled
 * tasks, metrics) as long as they name the extension or tenant the same
 * way.
 *
 * Returns: (transfer full) (element-type utf8): the table names
 */
GPtrArray *
_kari_registry_tables_with_column (KariRegistry  *self,
                                   const char    *column,
                                   GError       **error)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(KariSqlStmt) stmt = NULL;
  int rc;

  stmt = _kari_registry_prepare (self,
                                 "SELECT m.name FROM sqlite_schema AS m "
                                 "JOIN pragma_table_info (m.name) AS c "
                                 "WHERE m.type = 'table' AND c.name = ?1 ORDER BY m.name",
                                 error, 1, column);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      _kari_registry_set_sqlite_error (error, self->db, rc, "Listing the tables");
      return NULL;
    }
  return g_steal_pointer (&tables);
}

/* Fails with NOT_FOUND naming @id when there is no such tenant. */
gboolean
_kari_registry_tenant_exists (KariRegistry  *self,
                              const char    *id,
                              GError       **error)
{
  g_autoptr(KariSqlStmt) stmt = _kari_registry_prepare (self, "SELECT 1 FROM tenants WHERE id = ?1",
                                                        error, 1, id);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND,
                 _("There is no tenant “%s”"), id);
  else
    _kari_registry_set_sqlite_error (error, self->db, rc, "Looking a tenant up");
  return FALSE;
}
