/* kari-store-guard.c — what an extension's SQL may do in its store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every statement an extension sends is prepared under an authorizer
 * that refuses:
 *
 *  - ATTACH and DETACH (also: no attached database is allowed at all,
 *    SQLITE_LIMIT_ATTACHED is 0, which stops VACUUM INTO too);
 *  - transactions and savepoints: each call is a transaction of its own;
 *  - functions that load code or reach files (load_extension,
 *    fts3_tokenizer, readfile, writefile, edit);
 *  - PRAGMAs other than the harmless ones of pragma_rules[] below, and
 *    any PRAGMA on another schema than main;
 *  - temporary tables, views and triggers (a TEMP trigger can sit on a
 *    main table and would run with whoever writes it next);
 *  - every table, index, view or trigger whose name starts with
 *    `_kari_` (any case), except when the access comes from inside a
 *    view or trigger we made for a per-user table (kari-store-user.c):
 *    our documents, migrations and the rows of per-user tables are only
 *    reached through our code;
 *  - changing or dropping those views, or adding triggers on them, and
 *    making a view or trigger whose SQL names a `_kari_` table;
 *  - the raw page table (sqlite_dbpage) and page statistics (dbstat),
 *    which would show other users' rows, and writing the planner's
 *    statistics (sqlite_stat*) other than by ANALYZE;
 *  - virtual tables other than fts4, fts5 and rtree.
 *
 * Writes to sqlite_schema are refused by SQLITE_DBCONFIG_DEFENSIVE.
 *
 * Our own SQL runs with `trusted` set and passes. A progress handler
 * stops a statement past its deadline; sqlite3_limit() bounds string
 * and SQL length, columns, expression depth and the like.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-store-private.h"

typedef struct
{
  const char *name;
  gboolean    with_value;   /* may be given a value or argument */
} PragmaRule;

/* Harmless: they read the schema or the file's state, or set the
 * extension's own version number. */
static const PragmaRule pragma_rules[] = {
  { "table_info",        TRUE },
  { "table_xinfo",       TRUE },
  { "table_list",        TRUE },
  { "index_list",        TRUE },
  { "index_info",        TRUE },
  { "index_xinfo",       TRUE },
  { "foreign_key_list",  TRUE },
  { "foreign_key_check", TRUE },
  { "integrity_check",   TRUE },
  { "quick_check",       TRUE },
  { "user_version",      TRUE },
  { "optimize",          TRUE },
  { "application_id",    FALSE },
  { "page_count",        FALSE },
  { "page_size",         FALSE },
  { "freelist_count",    FALSE },
  { "data_version",      FALSE },
  { "schema_version",    FALSE },
  { "encoding",          FALSE },
  { "foreign_keys",      FALSE },
  { "collation_list",    FALSE },
  { "function_list",     FALSE },
  { "module_list",       FALSE },
  { "pragma_list",       FALSE },
  { "compile_options",   FALSE },
};

static const char * const denied_functions[] = {
  "load_extension", "fts3_tokenizer", "readfile", "writefile", "edit", "fsdir", NULL
};

static const char * const denied_tables[] = {
  "sqlite_dbpage", "dbstat", NULL
};

static const char * const allowed_modules[] = {
  "fts4", "fts5", "rtree", NULL
};

typedef struct
{
  int         limit;
  int         value;
} Limit;

static const Limit limits[] = {
  { SQLITE_LIMIT_LENGTH,              8 * 1024 * 1024 },
  { SQLITE_LIMIT_SQL_LENGTH,          256 * 1024 },
  { SQLITE_LIMIT_COLUMN,              500 },
  { SQLITE_LIMIT_EXPR_DEPTH,          100 },
  { SQLITE_LIMIT_COMPOUND_SELECT,     50 },
  { SQLITE_LIMIT_VDBE_OP,             250000 },
  { SQLITE_LIMIT_FUNCTION_ARG,        64 },
  { SQLITE_LIMIT_ATTACHED,            0 },
  { SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000 },
  { SQLITE_LIMIT_VARIABLE_NUMBER,     999 },
  { SQLITE_LIMIT_TRIGGER_DEPTH,       10 },
};

static gboolean
is_ours (const char *name)
{
  return name != NULL && g_ascii_strncasecmp (name, KARI_STORE_PREFIX, strlen (KARI_STORE_PREFIX)) == 0;
}

static gboolean
in_list (const char * const *list,
         const char         *name)
{
  for (guint i = 0; name != NULL && list[i] != NULL; i++)
    if (g_ascii_strcasecmp (list[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* Whether @name is one of the views or triggers we made. */
static gboolean
is_our_view (KariStore  *self,
             const char *name)
{
  g_autofree char *folded = NULL;

  if (name == NULL)
    return FALSE;
  folded = g_ascii_strdown (name, -1);
  return g_hash_table_contains (self->our_views, folded);
}

static int
deny (KariStore  *self,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static int
deny (KariStore  *self,
      const char *format,
      ...)
{
  va_list args;

  /* Only the first reason of a statement is kept: it is the one the
   * person needs, and later ones are consequences. */
  if (self->denied == NULL)
    {
      va_start (args, format);
      self->denied = g_strdup_vprintf (format, args);
      va_end (args);
    }
  return SQLITE_DENY;
}

static int
check_pragma (KariStore  *self,
              const char *name,
              const char *value,
              const char *schema)
{
  if (schema != NULL && g_ascii_strcasecmp (schema, "main") != 0)
    return deny (self, _("PRAGMA %s on the schema “%s”: only the store's main schema may be asked"),
                 name, schema);
  for (guint i = 0; i < G_N_ELEMENTS (pragma_rules); i++)
    if (g_ascii_strcasecmp (pragma_rules[i].name, name) == 0)
      {
        if (value != NULL && !pragma_rules[i].with_value)
          return deny (self, _("PRAGMA %s may be read but not set in a store"), name);
        return SQLITE_OK;
      }
  return deny (self, _("PRAGMA %s is not allowed in a store: it reaches outside the file or changes its "
                       "safety settings"), name);
}

/* A view or trigger the extension makes is checked when it is used, but
 * one that names our tables is refused as it is made: nothing in SQL
 * spells `_kari_` other than as those letters, in any case. */
static gboolean
mentions_ours (KariStore *self)
{
  g_autofree char *lower = self->statement != NULL ? g_ascii_strdown (self->statement, -1) : NULL;

  return lower != NULL && strstr (lower, KARI_STORE_PREFIX) != NULL;
}

/* Objects named @name (and, for indexes and triggers, on table @table). */
static int
check_object (KariStore  *self,
              const char *what,
              const char *name,
              const char *table)
{
  if (is_ours (name) || is_ours (table))
    return deny (self, _("%s “%s”: names starting with “%s” belong to the host"), what,
                 is_ours (name) ? name : table, KARI_STORE_PREFIX);
  if (is_our_view (self, name) || is_our_view (self, table))
    return deny (self, _("%s “%s”: it is a per-user table, which only the host may change"), what,
                 is_our_view (self, name) ? name : table);
  return SQLITE_OK;
}

/* Writes to sqlite_schema are SQLite's own when a table is made (the
 * authorizer sees them too); the extension's are refused by
 * SQLITE_DBCONFIG_DEFENSIVE, writable_schema being a refused PRAGMA. */
static int
check_table_access (KariStore  *self,
                    const char *table,
                    const char *inner)
{
  if (in_list (denied_tables, table))
    return deny (self, _("The table %s is not allowed in a store: it shows raw pages"), table);
  if (is_ours (table) && !is_our_view (self, inner))
    return deny (self, _("The table %s belongs to the host: use the document calls, or the per-user "
                         "table's own name"), table);
  return SQLITE_OK;
}

static int
authorize (void       *data,
           int         action,
           const char *arg1,
           const char *arg2,
           const char *schema,
           const char *inner)
{
  KariStore *self = data;

  if (self->trusted)
    return SQLITE_OK;

  /* "CREATE TABLE temp.x" is no TEMP statement to SQLite. */
  if (schema != NULL && g_ascii_strcasecmp (schema, "main") != 0
      && (action == SQLITE_CREATE_TABLE || action == SQLITE_CREATE_VIEW || action == SQLITE_CREATE_INDEX
          || action == SQLITE_CREATE_TRIGGER || action == SQLITE_CREATE_VTABLE))
    return deny (self, _("Temporary tables, views, indexes and triggers are not allowed in a store"));

  switch (action)
    {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      return deny (self, _("ATTACH and DETACH are not allowed: a store reaches only its own file"));
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
      return deny (self, _("BEGIN, COMMIT, ROLLBACK and SAVEPOINT are not allowed: each call is a "
                           "transaction of its own"));
    case SQLITE_PRAGMA:
      return check_pragma (self, arg1, arg2, schema);
    case SQLITE_FUNCTION:
      if (in_list (denied_functions, arg2))
        return deny (self, _("The function %s() is not allowed in a store"), arg2);
      return SQLITE_OK;
    case SQLITE_READ:
      return check_table_access (self, arg1, inner);
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
      /* Whatever is made in temp is written to sqlite_temp_schema:
       * this catches "CREATE TRIGGER temp.x ON main.t", which SQLite
       * announces as a trigger of main. */
      if (schema != NULL && g_ascii_strcasecmp (schema, "temp") == 0)
        return deny (self, _("Temporary tables, views, indexes and triggers are not allowed in a store"));
      /* The planner's statistics are ANALYZE's to write: made up ones
       * would steer our own queries. */
      if (arg1 != NULL && g_ascii_strncasecmp (arg1, "sqlite_stat", 11) == 0 && !is_our_view (self, inner))
        return deny (self, _("The table %s is written by ANALYZE only"), arg1);
      return check_table_access (self, arg1, inner);
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
      return deny (self, _("Temporary tables, views, indexes and triggers are not allowed in a store"));
    case SQLITE_CREATE_TABLE:
    case SQLITE_DROP_TABLE:
      return check_object (self, _("Table"), arg1, NULL);
    case SQLITE_CREATE_VIEW:
      if (mentions_ours (self))
        return deny (self, _("View “%s” names a table that belongs to the host"), arg1);
      return check_object (self, _("View"), arg1, NULL);
    case SQLITE_DROP_VIEW:
      return check_object (self, _("View"), arg1, NULL);
    case SQLITE_CREATE_INDEX:
    case SQLITE_DROP_INDEX:
      return check_object (self, _("Index"), arg1, arg2);
    case SQLITE_CREATE_TRIGGER:
      if (mentions_ours (self))
        return deny (self, _("Trigger “%s” names a table that belongs to the host"), arg1);
      return check_object (self, _("Trigger"), arg1, arg2);
    case SQLITE_DROP_TRIGGER:
      return check_object (self, _("Trigger"), arg1, arg2);
    case SQLITE_ALTER_TABLE:
      return check_object (self, _("Table"), arg2, NULL);
    case SQLITE_REINDEX:
      return check_object (self, _("Index"), arg1, NULL);
    case SQLITE_ANALYZE:
      /* Statistics of every table, ours too: they only help the planner. */
      return SQLITE_OK;
    case SQLITE_CREATE_VTABLE:
      if (!in_list (allowed_modules, arg2))
        return deny (self, _("Virtual tables of the module “%s” are not allowed: only fts4, fts5 and rtree"),
                     arg2 != NULL ? arg2 : "?");
      return check_object (self, _("Table"), arg1, NULL);
    case SQLITE_DROP_VTABLE:
      return check_object (self, _("Table"), arg1, NULL);
    default:
      return SQLITE_OK;
    }
}

static int
on_progress (void *data)
{
  KariStore *self = data;

  return self->deadline_usec != 0 && g_get_monotonic_time () > self->deadline_usec;
}

/* kari_user(): the user of the running call, for per-user views. */
static void
current_user (sqlite3_context  *context,
              int               argc,
              sqlite3_value   **argv)
{
  KariStore *self = sqlite3_user_data (context);

  if (self->user != NULL)
    sqlite3_result_text (context, self->user, -1, SQLITE_TRANSIENT);
  else
    sqlite3_result_null (context);
}

void
_kari_store_guard_install (KariStore *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    sqlite3_limit (self->db, limits[i].limit, limits[i].value);
  sqlite3_set_authorizer (self->db, authorize, self);
  sqlite3_progress_handler (self->db, 1000, on_progress, self);
  /* Innocuous so the per-user views may call it with the schema
   * untrusted; it reads nothing but the running call's user. */
  sqlite3_create_function_v2 (self->db, "kari_user", 0, SQLITE_UTF8 | SQLITE_INNOCUOUS, self,
                              current_user, NULL, NULL, NULL);
}

void
_kari_store_deadline_start (KariStore *self)
{
  self->deadline_usec = g_get_monotonic_time () + (gint64) self->max_msec * 1000;
  g_clear_pointer (&self->denied, g_free);
}

void
_kari_store_deadline_stop (KariStore *self)
{
  self->deadline_usec = 0;
}

static void
add_view_names (KariStore  *self,
                const char *table)
{
  static const char * const prefixes[] = { "", "_kari_ins_", "_kari_upd_", "_kari_del_", "_kari_keep_" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *name = g_strconcat (prefixes[i], table, NULL);

      g_hash_table_add (self->our_views, g_ascii_strdown (name, -1));
    }
}

/* Reads which views and triggers are ours from _kari_user_tables. */
gboolean
_kari_store_load_views (KariStore  *self,
                        GError    **error)
{
  sqlite3_stmt *stmt = _kari_store_prepare (self, "SELECT name FROM _kari_user_tables", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  g_hash_table_remove_all (self->our_views);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    add_view_names (self, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _kari_store_set_sqlite_error (self, error, rc, _("Reading the per-user tables"));
      return FALSE;
    }
  return TRUE;
}
