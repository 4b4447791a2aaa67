/* kari-store-sql.c — an extension's own SQL: one statement, bound
 * parameters as JSON, results as JSON, and the scripts of migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "kari-json.h"
#include "kari-store-private.h"

/* Skips white space, semicolons and comments; what is left is another
 * statement. */
static const char *
skip_blank (const char *p)
{
  for (;;)
    {
      while (*p == ';' || g_ascii_isspace (*p))
        p++;
      if (p[0] == '-' && p[1] == '-')
        {
          while (*p != '\0' && *p != '\n')
            p++;
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          const char *end = strstr (p + 2, "*/");

          if (end == NULL)
            return p + strlen (p);
          p = end + 2;
        }
      else
        return p;
    }
}

/* Sets @error from a failed statement, with the line and column of the
 * place SQLite points at when it points at one. @base is where the
 * statement starts in @sql (a script), @file the script's name. */
void
_kari_store_set_statement_error (KariStore   *self,
                                 GError     **error,
                                 int          rc,
                                 const char  *sql,
                                 const char  *file,
                                 gsize        base)
{
  g_autoptr(GError) local = NULL;
  int offset = sqlite3_error_offset (self->db);
  g_autofree char *where = NULL;

  /* Without a place in the statement, a script's error is at least at
   * the start of its statement. */
  if (offset < 0 && file != NULL)
    offset = 0;

  if (offset >= 0 && sql != NULL && base + (gsize) offset <= strlen (sql))
    {
      int line = 1, column = 1;
      const char *p = sql;
      const char *end = sql + base + offset;

      while (p < end)
        {
          if (*p == '\n')
            {
              line++;
              column = 1;
            }
          else if ((*p & 0xc0) != 0x80)
            column++;
          p++;
        }
      where = file != NULL ? g_strdup_printf (_("%s, line %d, column %d"), file, line, column)
                           : g_strdup_printf (_("line %d, column %d"), line, column);
    }
  else if (file != NULL)
    where = g_strdup (file);

  _kari_store_set_sqlite_error (self, &local, rc, where != NULL ? where : _("The statement"));
  g_propagate_error (error, g_steal_pointer (&local));
}

gboolean
_kari_store_bind_json (KariStore     *self,
                       sqlite3_stmt  *stmt,
                       int            index,
                       JsonNode      *value,
                       GError       **error)
{
  int rc;

  switch (json_node_get_node_type (value))
    {
    case JSON_NODE_NULL:
      rc = sqlite3_bind_null (stmt, index);
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (value))
        {
        case G_TYPE_INT64:
          rc = sqlite3_bind_int64 (stmt, index, json_node_get_int (value));
          break;
        case G_TYPE_DOUBLE:
          rc = sqlite3_bind_double (stmt, index, json_node_get_double (value));
          break;
        case G_TYPE_BOOLEAN:
          rc = sqlite3_bind_int (stmt, index, json_node_get_boolean (value));
          break;
        default:
          rc = sqlite3_bind_text (stmt, index, json_node_get_string (value), -1, SQLITE_TRANSIENT);
          break;
        }
      break;
    default:
      {
        /* Objects and arrays go in as JSON text, for JSON columns. */
        g_autofree char *text = json_to_string (value, FALSE);

        rc = sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
      }
      break;
    }
  if (rc != SQLITE_OK)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                   _("Parameter %d cannot be bound: %s"), index, sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
parse_params (const char  *params_json,
              GError     **error)
{
  g_autoptr(GError) local = NULL;
  JsonNode *node;

  if (params_json == NULL || *params_json == '\0')
    return json_node_init_array (json_node_alloc (), json_array_new ());
  node = kari_json_parse (params_json, -1, NULL, NULL, &local);
  if (node == NULL)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID, _("The parameters are not JSON: %s"),
                   local->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      json_node_unref (node);
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                   _("The parameters must be a JSON array, one value for each “?”"));
      return NULL;
    }
  return node;
}

/* Adds column @i of the current row to @builder; returns its size. */
static gsize
add_value (JsonBuilder  *builder,
           sqlite3_stmt *stmt,
           int           i)
{
  switch (sqlite3_column_type (stmt, i))
    {
    case SQLITE_INTEGER:
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, i));
      return 20;
    case SQLITE_FLOAT:
      {
        double d = sqlite3_column_double (stmt, i);

        if (isfinite (d))
          json_builder_add_double_value (builder, d);
        else
          json_builder_add_null_value (builder);
        return 24;
      }
    case SQLITE_TEXT:
      {
        const char *text = (const char *) sqlite3_column_text (stmt, i);
        int length = sqlite3_column_bytes (stmt, i);
        g_autofree char *valid = g_utf8_make_valid (text, length);

        json_builder_add_string_value (builder, valid);
        return (gsize) length + 2;
      }
    case SQLITE_BLOB:
      {
        g_autofree char *encoded = g_base64_encode (sqlite3_column_blob (stmt, i),
                                                    (gsize) sqlite3_column_bytes (stmt, i));

        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "base64");
        json_builder_add_string_value (builder, encoded);
        json_builder_end_object (builder);
        return strlen (encoded) + 12;
      }
    default:
      json_builder_add_null_value (builder);
      return 4;
    }
}

/* Steps @stmt to the end, gathering its rows under the caps. */
static JsonNode *
collect (KariStore     *self,
         sqlite3_stmt  *stmt,
         const char    *sql,
         GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int n_columns = sqlite3_column_count (stmt);
  guint rows = 0;
  gsize bytes = 0;
  int rc;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "columns");
  json_builder_begin_array (builder);
  for (int i = 0; i < n_columns; i++)
    {
      const char *name = sqlite3_column_name (stmt, i);
      g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "", -1);

      json_builder_add_string_value (builder, valid);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "rows");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (++rows > self->max_rows)
        {
          g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_LIMIT,
                       _("The result has more than %u rows: add a LIMIT, or page with LIMIT and OFFSET"),
                       self->max_rows);
          return NULL;
        }
      json_builder_begin_array (builder);
      for (int i = 0; i < n_columns; i++)
        bytes += add_value (builder, stmt, i);
      json_builder_end_array (builder);
      if (bytes > self->max_bytes)
        {
          g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_LIMIT,
                       _("The result is larger than %" G_GSIZE_FORMAT " bytes: select fewer columns or rows"),
                       self->max_bytes);
          return NULL;
        }
    }
  if (rc != SQLITE_DONE)
    {
      _kari_store_set_statement_error (self, error, rc, sql, NULL, 0);
      return NULL;
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "changes");
  json_builder_add_int_value (builder, sqlite3_stmt_readonly (stmt) ? 0 : sqlite3_changes64 (self->db));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static char *
run_one (KariStore   *self,
         const char  *sql,
         JsonArray   *params,
         GError     **error)
{
  g_autoptr(JsonNode) result = NULL;
  sqlite3_stmt *stmt = NULL;
  const char *tail = NULL;
  guint n_params = json_array_get_length (params);
  int rc;

  self->statement = sql;
  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, &tail);
  self->statement = NULL;
  if (rc != SQLITE_OK)
    {
      _kari_store_set_statement_error (self, error, rc, sql, NULL, 0);
      return NULL;
    }
  if (stmt == NULL)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID, _("The SQL holds no statement"));
      return NULL;
    }
  if (*skip_blank (tail) != '\0')
    {
      sqlite3_finalize (stmt);
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                   _("Only one statement per call: more SQL follows at byte %d"), (int) (tail - sql));
      return NULL;
    }
  if ((guint) sqlite3_bind_parameter_count (stmt) != n_params)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                   _("The statement has %d parameters but %u values were given"),
                   sqlite3_bind_parameter_count (stmt), n_params);
      sqlite3_finalize (stmt);
      return NULL;
    }
  for (guint i = 0; i < n_params; i++)
    if (!_kari_store_bind_json (self, stmt, (int) i + 1, json_array_get_element (params, i), error))
      {
        sqlite3_finalize (stmt);
        return NULL;
      }

  result = collect (self, stmt, sql, error);
  sqlite3_finalize (stmt);
  return result != NULL ? json_to_string (result, FALSE) : NULL;
}

/**
 * kari_store_sql:
 * @self: a #KariStore
 * @user: (nullable): the calling user, for per-user tables
 * @sql: one SQL statement, with `?` for parameters
 * @params_json: (nullable): a JSON array of the parameters' values
 *   (null, numbers, strings, booleans as 0/1; objects and arrays bound as
 *   JSON text)
 * @error: return location for a #GError
 *
 * Runs one statement of the extension's under the store's guard and
 * caps, in a transaction of its own: when it fails or goes past a cap,
 * nothing it wrote stays. Errors point at the line and column SQLite
 * names, when it names one.
 *
 * Returns: (transfer full): `{"columns": [...], "rows": [[...]],
 *   "changes": N}` as JSON (blobs as `{"base64": ...}`), or %NULL
 */
char *
kari_store_sql (KariStore   *self,
                const char  *user,
                const char  *sql,
                const char  *params_json,
                GError     **error)
{
  g_autoptr(JsonNode) params = NULL;
  char *result;

  g_return_val_if_fail (KARI_IS_STORE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  params = parse_params (params_json, error);
  if (params == NULL)
    return NULL;

  g_mutex_lock (&self->lock);
  self->user = user;
  self->trusted = TRUE;
  if (!_kari_store_exec (self, "BEGIN", _("Starting a transaction"), error))
    {
      self->trusted = FALSE;
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  self->trusted = FALSE;
  _kari_store_deadline_start (self);
  result = run_one (self, sql, json_node_get_array (params), error);
  _kari_store_deadline_stop (self);
  self->trusted = TRUE;
  if (result == NULL)
    _kari_store_rollback (self);
  else if (!_kari_store_commit (self, error))
    g_clear_pointer (&result, g_free);
  self->trusted = FALSE;
  self->user = NULL;
  g_mutex_unlock (&self->lock);
  return result;
}

/*
 * _kari_store_run_script:
 *
 * Runs every statement of @script under the guard (for migrations, in
 * the caller's transaction); errors name @file with the line and column.
 */
gboolean
_kari_store_run_script (KariStore   *self,
                        const char  *script,
                        const char  *file,
                        GError     **error)
{
  const char *p = script;

  while (*(p = skip_blank (p)) != '\0')
    {
      sqlite3_stmt *stmt = NULL;
      const char *tail = NULL;
      int rc;

      self->statement = p;
      rc = sqlite3_prepare_v2 (self->db, p, -1, &stmt, &tail);
      self->statement = NULL;

      if (rc == SQLITE_OK && stmt != NULL)
        {
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            ;
          if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        }
      if (rc != SQLITE_OK)
        {
          _kari_store_set_statement_error (self, error, rc, script, file, (gsize) (p - script));
          sqlite3_finalize (stmt);
          return FALSE;
        }
      sqlite3_finalize (stmt);
      if (tail == NULL || tail == p)
        break;
      p = tail;
    }
  return TRUE;
}

/**
 * kari_store_sql_is_read_only:
 * @self: a #KariStore
 * @sql: one SQL statement
 *
 * Whether @sql only reads, as SQLite sees it once prepared under the
 * guard. SQL that does not prepare counts as read-only: running it
 * reports why it fails.
 *
 * Returns: %FALSE when @sql writes
 */
gboolean
kari_store_sql_is_read_only (KariStore  *self,
                             const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gboolean read_only = TRUE;

  g_return_val_if_fail (KARI_IS_STORE (self), TRUE);
  g_return_val_if_fail (sql != NULL, TRUE);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->denied, g_free);
  self->statement = sql;
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK && stmt != NULL)
    read_only = sqlite3_stmt_readonly (stmt);
  self->statement = NULL;
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  return read_only;
}
