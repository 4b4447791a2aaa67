/* kari-store-user.c — SQL tables whose rows belong to users
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Declaring the extension's table T per-user (it must be empty and have
 * a rowid) moves its rows where its SQL cannot reach them, and puts a
 * view in its place:
 *
 *   T                 renamed _kari_user_T, with a column _kari_owner
 *   view T            SELECT rowid AS rowid, COLUMNS… FROM _kari_user_T
 *                     WHERE _kari_owner = kari_user ()
 *   _kari_ins_T …     INSTEAD OF INSERT / UPDATE / DELETE triggers on
 *                     the view that write _kari_user_T for kari_user ()
 *
 * kari_user () is the calling user of the running call, set by the host
 * (kari-store-guard.c). The guard refuses every access to a `_kari_`
 * table except from inside these views and triggers, and refuses
 * changing or dropping them or adding triggers on them, so the
 * extension's SQL reads and writes only the caller's rows whatever it
 * writes: there is no WHERE clause to forget and no table to name
 * instead. An INSERT OR REPLACE (or UPDATE OR REPLACE) on the view
 * passes its conflict policy to our triggers, and REPLACE deletes the
 * conflicting row, whoever's it is: a BEFORE DELETE trigger on the
 * hidden table (_kari_keep_T, run for REPLACE because the store turns
 * recursive_triggers on) aborts any deletion of another user's row.
 * What stays visible across users: a UNIQUE constraint still
 * spans every user's rows (an insert can fail because of a row the
 * caller cannot see), rowids and AUTOINCREMENT values are shared (their
 * size hints at how many rows exist), and a view does not apply column
 * defaults, so an INSERT should name every column it means to fill.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-store-private.h"

static gboolean
check_table_name (const char  *name,
                  GError     **error)
{
  gsize length = name != NULL ? strlen (name) : 0;

  if (length == 0 || length > 64 || !(g_ascii_isalpha (name[0]) || name[0] == '_')
      || g_ascii_strncasecmp (name, KARI_STORE_PREFIX, strlen (KARI_STORE_PREFIX)) == 0
      || g_ascii_strncasecmp (name, "sqlite_", 7) == 0)
    goto bad;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '_')
      goto bad;
  return TRUE;

bad:
  g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
               _("The table name “%.64s” is not 1 to 64 letters, digits or “_”, or starts with “%s” or "
                 "“sqlite_”"), name != NULL && g_utf8_validate (name, -1, NULL) ? name : "?",
               KARI_STORE_PREFIX);
  return FALSE;
}

static gboolean
exec_free (KariStore  *self,
           char       *sql,
           GError    **error)
{
  gboolean ok = _kari_store_exec (self, sql, _("Making the per-user table"), error);

  sqlite3_free (sql);
  return ok;
}

/* The table's columns, checked to be a plain, empty rowid table. */
static GPtrArray *
read_columns (KariStore   *self,
              const char  *table,
              GError     **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  char *sql;
  int rc;

  stmt = _kari_store_prepare (self, "SELECT type, wr FROM pragma_table_list WHERE schema = 'main' AND name = ?",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW || !g_str_equal ((const char *) sqlite3_column_text (stmt, 0), "table")
      || sqlite3_column_int (stmt, 1) != 0)
    {
      sqlite3_finalize (stmt);
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                   _("“%s” is not a table with a rowid in the store: create it first (not WITHOUT ROWID, "
                     "not virtual)"), table);
      return NULL;
    }
  sqlite3_finalize (stmt);

  sql = sqlite3_mprintf ("SELECT 1 FROM \"%w\" LIMIT 1", table);
  stmt = _kari_store_prepare (self, sql, error);
  sqlite3_free (sql);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                   _("The table “%s” already holds rows: declare it per-user while it is empty"), table);
      return NULL;
    }

  stmt = _kari_store_prepare (self, "SELECT name FROM pragma_table_info (?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);

      if (g_ascii_strcasecmp (name, "rowid") == 0 || g_ascii_strncasecmp (name, KARI_STORE_PREFIX, 6) == 0)
        {
          sqlite3_finalize (stmt);
          g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                       _("The table “%s” has a column “%s”, a name the per-user view needs"), table, name);
          return NULL;
        }
      g_ptr_array_add (columns, g_strdup (name));
    }
  sqlite3_finalize (stmt);
  return g_steal_pointer (&columns);
}

static gboolean
already_declared (KariStore   *self,
                  const char  *table,
                  gboolean    *declared,
                  GError     **error)
{
  sqlite3_stmt *stmt = _kari_store_prepare (self, "SELECT 1 FROM _kari_user_tables WHERE name = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  *declared = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return TRUE;
}

/*
 * _kari_store_rebuild_user_views:
 *
 * (Re)makes the view and triggers of per-user table @table from the
 * columns of _kari_user_@table, dropping whatever stood under those
 * names: an imported file brings no view of its own in their place.
 */
gboolean
_kari_store_rebuild_user_views (KariStore   *self,
                                const char  *table,
                                GError     **error)
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(GString) news = g_string_new (NULL);
  g_autoptr(GString) sets = g_string_new (NULL);
  g_autofree char *hidden = g_strconcat (KARI_STORE_PREFIX, "user_", table, NULL);
  g_autofree char *cols = NULL;
  gboolean owner = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  if (!check_table_name (table, error))
    return FALSE;
  stmt = _kari_store_prepare (self, "SELECT name FROM pragma_table_info (?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hidden, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      char *quoted;

      if (g_str_equal (name, "_kari_owner"))
        {
          owner = TRUE;
          continue;
        }
      quoted = sqlite3_mprintf ("\"%w\"", name);
      g_string_append_printf (list, "%s, ", quoted);
      g_string_append_printf (news, "NEW.%s, ", quoted);
      g_string_append_printf (sets, "%s%s = NEW.%s", sets->len > 0 ? ", " : "", quoted, quoted);
      sqlite3_free (quoted);
    }
  sqlite3_finalize (stmt);
  if (!owner || list->len < 2)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CORRUPT,
                   _("The per-user table “%s” has lost its hidden table or owner column"), table);
      return FALSE;
    }
  cols = g_strndup (list->str, list->len - 2);

  return exec_free (self, sqlite3_mprintf ("DROP VIEW IF EXISTS \"%w\"; DROP TRIGGER IF EXISTS \"_kari_ins_%w\"; "
                                           "DROP TRIGGER IF EXISTS \"_kari_upd_%w\"; "
                                           "DROP TRIGGER IF EXISTS \"_kari_del_%w\"; "
                                           "DROP TRIGGER IF EXISTS \"_kari_keep_%w\"",
                                           table, table, table, table, table), error)
         && exec_free (self, sqlite3_mprintf ("CREATE TRIGGER \"_kari_keep_%w\" BEFORE DELETE ON \"%w\" "
                                              "WHEN OLD._kari_owner IS NOT kari_user () BEGIN "
                                              "SELECT RAISE (ABORT, 'that row belongs to another user'); END",
                                              table, hidden), error)
         && exec_free (self, sqlite3_mprintf ("CREATE VIEW \"%w\" AS SELECT rowid AS rowid, %s FROM \"%w\" "
                                              "WHERE _kari_owner = kari_user ()", table, cols, hidden), error)
         && exec_free (self, sqlite3_mprintf ("CREATE TRIGGER \"_kari_ins_%w\" INSTEAD OF INSERT ON \"%w\" BEGIN "
                                              "INSERT INTO \"%w\" (%s_kari_owner) VALUES (%skari_user ()); END",
                                              table, table, hidden, list->str, news->str), error)
         && exec_free (self, sqlite3_mprintf ("CREATE TRIGGER \"_kari_upd_%w\" INSTEAD OF UPDATE ON \"%w\" BEGIN "
                                              "UPDATE \"%w\" SET %s WHERE rowid = OLD.rowid "
                                              "AND _kari_owner = kari_user (); END",
                                              table, table, hidden, sets->str), error)
         && exec_free (self, sqlite3_mprintf ("CREATE TRIGGER \"_kari_del_%w\" INSTEAD OF DELETE ON \"%w\" BEGIN "
                                              "DELETE FROM \"%w\" WHERE rowid = OLD.rowid "
                                              "AND _kari_owner = kari_user (); END", table, table, hidden), error);
}

/* Runs in the caller's transaction, trusted. */
gboolean
_kari_store_make_user_views (KariStore   *self,
                             const char  *table,
                             GError     **error)
{
  g_autoptr(GPtrArray) columns = NULL;
  gboolean declared = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  if (!check_table_name (table, error) || !already_declared (self, table, &declared, error))
    return FALSE;
  if (declared)
    return TRUE;
  columns = read_columns (self, table, error);
  if (columns == NULL)
    return FALSE;
  /* The guard trusts what runs inside a view or trigger named @table:
   * no trigger of the extension's may have that name; and a trigger on
   * the table would follow it, renamed, onto every user's rows. */
  stmt = _kari_store_prepare (self, "SELECT 1 FROM sqlite_schema WHERE type = 'trigger' "
                                    "AND (name = ?1 COLLATE NOCASE OR tbl_name = ?1 COLLATE NOCASE)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                   _("A trigger is named like the table “%s” or is on it: drop it before declaring the table "
                     "per-user"),
                   table);
      return FALSE;
    }

  if (!exec_free (self, sqlite3_mprintf ("ALTER TABLE \"%w\" RENAME TO \"_kari_user_%w\"", table, table), error)
      || !exec_free (self, sqlite3_mprintf ("ALTER TABLE \"_kari_user_%w\" ADD COLUMN _kari_owner TEXT NOT NULL "
                                            "DEFAULT ''", table), error)
      || !exec_free (self, sqlite3_mprintf ("CREATE INDEX \"_kari_owner_%w\" ON \"_kari_user_%w\" (_kari_owner)",
                                            table, table), error)
      || !_kari_store_rebuild_user_views (self, table, error))
    return FALSE;

  stmt = _kari_store_prepare (self, "INSERT INTO _kari_user_tables (name) VALUES (?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _kari_store_set_sqlite_error (self, error, rc, _("Recording the per-user table"));
      return FALSE;
    }
  return TRUE;
}
