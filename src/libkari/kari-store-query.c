/* kari-store-query.c — queries over a collection: field filters,
 * ordering and paging
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A query is JSON:
 *
 *   {"where": [{"field": "status", "op": "eq", "value": "open"},
 *              {"field": "size", "op": "ge", "value": 3},
 *              {"field": "tags", "op": "exists"}],
 *    "order_by": [{"field": "size", "desc": true}],
 *    "limit": 100, "offset": 0}
 *
 * Fields are checked paths (_kari_store_check_field()) quoted by
 * SQLite's %q into json_extract (body, '$.PATH'), the same expression
 * kari_store_create_index() indexes, so the planner uses the index;
 * every value is bound. Results are ordered by the fields, then by id.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-json.h"
#include "kari-store-private.h"

#define DEFAULT_LIMIT 100
#define MAX_LIMIT     1000
#define MAX_FILTERS   16
#define MAX_IN        100

typedef struct
{
  const char *op;
  const char *sql;     /* between the field's expression and the value */
} Operator;

static const Operator operators[] = {
  { "eq", "=" },
  { "ne", "IS NOT" },
  { "lt", "<" },
  { "le", "<=" },
  { "gt", ">" },
  { "ge", ">=" },
  { "in", NULL },
  { "exists", NULL },
};

static const Operator *
find_operator (const char *op)
{
  for (guint i = 0; op != NULL && i < G_N_ELEMENTS (operators); i++)
    if (g_str_equal (operators[i].op, op))
      return &operators[i];
  return NULL;
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID, format, args);
  va_end (args);
  return FALSE;
}

static char *
field_expression (const char  *field,
                  GError     **error)
{
  char *quoted;
  char *expression;

  if (!_kari_store_check_field (field, error))
    return NULL;
  quoted = sqlite3_mprintf ("json_extract (body, '$.%q')", field);
  expression = g_strdup (quoted);
  sqlite3_free (quoted);
  return expression;
}

static gboolean
is_scalar (JsonNode *node)
{
  return node != NULL && (JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node));
}

/* Adds one filter to @sql and its values to @values. */
static gboolean
add_filter (GString    *sql,
            GPtrArray  *values,
            JsonNode   *filter,
            guint       i,
            GError    **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (filter) ? json_node_get_object (filter) : NULL;
  const char *field = object != NULL ? json_object_get_string_member_with_default (object, "field", NULL) : NULL;
  const char *op = object != NULL ? json_object_get_string_member_with_default (object, "op", NULL) : NULL;
  JsonNode *value = object != NULL ? json_object_get_member (object, "value") : NULL;
  const Operator *operator = find_operator (op);
  g_autofree char *expression = NULL;

  if (object == NULL)
    return invalid (error, _("where[%u] must be an object with “field”, “op” and “value”"), i);
  if (operator == NULL)
    return invalid (error, _("where[%u].op must be eq, ne, lt, le, gt, ge, in or exists"), i);
  expression = field_expression (field, error);
  if (expression == NULL)
    {
      g_prefix_error (error, "where[%u].field: ", i);
      return FALSE;
    }

  g_string_append (sql, " AND ");
  if (g_str_equal (op, "exists"))
    {
      gboolean want = value == NULL || (JSON_NODE_HOLDS_VALUE (value) && json_node_get_boolean (value));
      char *type = sqlite3_mprintf ("json_type (body, '$.%q')", field);

      g_string_append_printf (sql, "%s %s", type, want ? "IS NOT NULL" : "IS NULL");
      sqlite3_free (type);
      return TRUE;
    }
  if (g_str_equal (op, "in"))
    {
      JsonArray *array = value != NULL && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;
      guint n = array != NULL ? json_array_get_length (array) : 0;

      if (n == 0 || n > MAX_IN)
        return invalid (error, _("where[%u].value must be an array of 1 to %d values for “in”"), i, MAX_IN);
      g_string_append_printf (sql, "%s IN (", expression);
      for (guint k = 0; k < n; k++)
        {
          JsonNode *item = json_array_get_element (array, k);

          if (!is_scalar (item))
            return invalid (error, _("where[%u].value[%u] must be a string, number, boolean or null"), i, k);
          g_string_append (sql, k == 0 ? "?" : ", ?");
          g_ptr_array_add (values, json_node_ref (item));
        }
      g_string_append_c (sql, ')');
      return TRUE;
    }
  if (!is_scalar (value))
    return invalid (error, _("where[%u].value must be a string, number, boolean or null"), i);
  if (JSON_NODE_HOLDS_NULL (value) && g_str_equal (op, "eq"))
    {
      g_string_append_printf (sql, "%s IS NULL", expression);
      return TRUE;
    }
  g_string_append_printf (sql, "%s %s ?", expression, operator->sql);
  g_ptr_array_add (values, json_node_ref (value));
  return TRUE;
}

static gboolean
add_order (GString   *sql,
           JsonArray *order,
           GError   **error)
{
  guint n = order != NULL ? json_array_get_length (order) : 0;

  if (n > 4)
    return invalid (error, _("order_by holds at most 4 fields"));
  g_string_append (sql, " ORDER BY ");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (order, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      const char *field = object != NULL ? json_object_get_string_member_with_default (object, "field", NULL) : NULL;
      g_autofree char *expression = NULL;
      gboolean desc;

      if (object == NULL)
        return invalid (error, _("order_by[%u] must be an object with “field” and “desc”"), i);
      expression = field_expression (field, error);
      if (expression == NULL)
        {
          g_prefix_error (error, "order_by[%u].field: ", i);
          return FALSE;
        }
      desc = json_object_get_boolean_member_with_default (object, "desc", FALSE);
      g_string_append_printf (sql, "%s %s, ", expression, desc ? "DESC" : "ASC");
    }
  g_string_append (sql, "id");
  return TRUE;
}

static gboolean
read_count (JsonObject  *query,
            const char  *name,
            gint64       fallback,
            gint64       max,
            gint64      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (query, name);

  if (node == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 0 || json_node_get_int (node) > max)
    return invalid (error, _("%s must be a whole number from 0 to %" G_GINT64_FORMAT), name, max);
  *out = json_node_get_int (node);
  return TRUE;
}

/* Builds the SELECT; the collection and owner are parameters 1 and 2. */
static gboolean
build (const char  *query_json,
       GString     *sql,
       GPtrArray   *values,
       gint64      *limit,
       gint64      *offset,
       GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local = NULL;
  JsonObject *query;
  JsonNode *where, *order;

  root = kari_json_parse (query_json != NULL && *query_json != '\0' ? query_json : "{}", -1, NULL, NULL, &local);
  if (root == NULL)
    return invalid (error, _("The query is not JSON: %s"), local->message);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return invalid (error, _("The query must be a JSON object"));
  query = json_node_get_object (root);

  {
    g_autoptr(GList) members = json_object_get_members (query);
    static const char * const known[] = { "where", "order_by", "limit", "offset", NULL };

    for (GList *l = members; l != NULL; l = l->next)
      if (!g_strv_contains (known, l->data))
        return invalid (error, _("Unknown query member “%.64s”: use where, order_by, limit and offset"),
                        (const char *) l->data);
  }

  if (!read_count (query, "limit", DEFAULT_LIMIT, MAX_LIMIT, limit, error) ||
      !read_count (query, "offset", 0, G_MAXINT32, offset, error))
    return FALSE;

  g_string_append (sql, "SELECT id, version, body FROM _kari_documents WHERE collection = ?1 AND owner = ?2");
  where = json_object_get_member (query, "where");
  if (where != NULL)
    {
      JsonArray *filters = JSON_NODE_HOLDS_ARRAY (where) ? json_node_get_array (where) : NULL;

      if (filters == NULL || json_array_get_length (filters) > MAX_FILTERS)
        return invalid (error, _("where must be an array of at most %d filters"), MAX_FILTERS);
      for (guint i = 0; i < json_array_get_length (filters); i++)
        if (!add_filter (sql, values, json_array_get_element (filters, i), i, error))
          return FALSE;
    }
  order = json_object_get_member (query, "order_by");
  if (order != NULL && !JSON_NODE_HOLDS_ARRAY (order))
    return invalid (error, _("order_by must be an array"));
  if (!add_order (sql, order != NULL ? json_node_get_array (order) : NULL, error))
    return FALSE;
  g_string_append (sql, " LIMIT ? OFFSET ?");
  return TRUE;
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
  g_autofree char *quoted = json_to_string (node, FALSE);

  g_string_append (out, quoted);
}

/**
 * kari_store_query:
 * @self: a #KariStore
 * @user: (nullable): the calling user; needed in a per-user collection
 * @collection: the collection
 * @query_json: (nullable): the query (see above); %NULL or "" for the
 *   first page of everything
 * @error: return location for a #GError
 *
 * Finds documents with field filters (eq, ne, lt, le, gt, ge, in,
 * exists), ordered, a page at a time (limit up to 1000, 100 by default).
 *
 * Returns: (transfer full): `{"documents": [{"id", "version",
 *   "document"}], "next_offset": N or null}` as JSON, or %NULL
 */
char *
kari_store_query (KariStore   *self,
                  const char  *user,
                  const char  *collection,
                  const char  *query_json,
                  GError     **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GString) out = NULL;
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 limit = 0, offset = 0, rows = 0;
  gint64 per_user = 0;
  const char *owner = "";
  int rc;

  g_return_val_if_fail (KARI_IS_STORE (self), NULL);

  if (!_kari_store_check_collection (collection, error))
    return NULL;
  if (!build (query_json, sql, values, &limit, &offset, error))
    return NULL;

  g_mutex_lock (&self->lock);
  self->trusted = TRUE;
  _kari_store_deadline_start (self);

  stmt = _kari_store_prepare (self, "SELECT per_user FROM _kari_collections WHERE name = ?", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    per_user = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (per_user)
    {
      if (user == NULL || *user == '\0')
        {
          g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                       _("The collection “%s” is per-user, and no user is known for this call"), collection);
          goto out;
        }
      owner = user;
    }

  stmt = _kari_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, owner, -1, SQLITE_STATIC);
  for (guint i = 0; i < values->len; i++)
    if (!_kari_store_bind_json (self, stmt, (int) i + 3, g_ptr_array_index (values, i), error))
      goto out;
  sqlite3_bind_int64 (stmt, (int) values->len + 3, limit + 1);
  sqlite3_bind_int64 (stmt, (int) values->len + 4, offset);

  out = g_string_new ("{\"documents\":[");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (rows == limit)
        break;
      if (rows++ > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"id\":");
      append_json_string (out, (const char *) sqlite3_column_text (stmt, 0));
      g_string_append_printf (out, ",\"version\":%" G_GINT64_FORMAT ",\"document\":",
                              (gint64) sqlite3_column_int64 (stmt, 1));
      g_string_append (out, (const char *) sqlite3_column_text (stmt, 2));
      g_string_append_c (out, '}');
      if (out->len > self->max_bytes)
        {
          g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_LIMIT,
                       _("The page is larger than %" G_GSIZE_FORMAT " bytes: ask for a smaller limit"),
                       self->max_bytes);
          goto out;
        }
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _kari_store_set_sqlite_error (self, error, rc, _("Querying the collection"));
      goto out;
    }
  if (rc == SQLITE_ROW)
    g_string_append_printf (out, "],\"next_offset\":%" G_GINT64_FORMAT "}", offset + limit);
  else
    g_string_append (out, "],\"next_offset\":null}");
  text = g_string_free (g_steal_pointer (&out), FALSE);

out:
  sqlite3_finalize (stmt);
  _kari_store_deadline_stop (self);
  self->trusted = FALSE;
  g_mutex_unlock (&self->lock);
  return g_steal_pointer (&text);
}
