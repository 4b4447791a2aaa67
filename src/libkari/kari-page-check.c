/* kari-page-check.c: the checks every property value of a page tree
 * passes, and what a safe image path is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "kari-json-schema.h"
#include "kari-page-tree-private.h"

static gboolean
is_string (JsonNode *value)
{
  return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING;
}

static gboolean
is_number (JsonNode *value)
{
  GType t;

  if (!JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  t = json_node_get_value_type (value);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static char *
check_string (JsonNode   *value,
              gsize       max,
              PageBudget *budget,
              int        *code)
{
  gsize len;

  if (!is_string (value))
    return g_strdup_printf (_("expected a string, found %s"), _kari_page_json_kind (value));
  len = strlen (json_node_get_string (value));
  budget->bytes += len;
  if (len > max)
    {
      *code = KARI_PAGE_TREE_ERROR_TOO_LARGE;
      return g_strdup_printf (_("a string of %" G_GSIZE_FORMAT " bytes is longer than the "
                                "limit of %" G_GSIZE_FORMAT), len, max);
    }
  return NULL;
}

/* Any JSON value, bounded in count and depth, for a form's schema and data. */
static char *
check_json (JsonNode   *value,
            guint       depth,
            guint      *count,
            PageBudget *budget,
            int        *code)
{
  if (++*count > PAGE_MAX_JSON_VALUES || depth > PAGE_MAX_JSON_DEPTH)
    {
      *code = KARI_PAGE_TREE_ERROR_TOO_LARGE;
      return g_strdup_printf (_("the value holds more than %d values or nests deeper than %d"),
                              PAGE_MAX_JSON_VALUES, PAGE_MAX_JSON_DEPTH);
    }
  if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (value));
      while (json_object_iter_next (&iter, &name, &member))
        {
          char *problem;

          budget->bytes += strlen (name);
          if ((problem = check_json (member, depth + 1, count, budget, code)) != NULL)
            return problem;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          char *problem = check_json (json_array_get_element (array, i), depth + 1, count,
                                      budget, code);
          if (problem != NULL)
            return problem;
        }
    }
  else if (is_string (value))
    return check_string (value, KARI_PAGE_TREE_MAX_STRING, budget, code);
  return NULL;
}

static char *
check_rows (JsonNode   *value,
            PageBudget *budget,
            int        *code)
{
  JsonArray *rows;
  guint n, cells = 0;

  if (!JSON_NODE_HOLDS_ARRAY (value))
    return g_strdup_printf (_("expected an array of rows, found %s"), _kari_page_json_kind (value));
  rows = json_node_get_array (value);
  n = json_array_get_length (rows);
  if (n > KARI_PAGE_TREE_MAX_ROWS)
    {
      *code = KARI_PAGE_TREE_ERROR_TOO_LARGE;
      return g_strdup_printf (_("%u rows are more than the limit of %d"), n, KARI_PAGE_TREE_MAX_ROWS);
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *row = json_array_get_element (rows, i);
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (row))
        return g_strdup_printf (_("row %u: expected an array of cells, found %s"), i,
                                _kari_page_json_kind (row));
      array = json_node_get_array (row);
      cells += json_array_get_length (array);
      if (cells > KARI_PAGE_TREE_MAX_CELLS)
        {
          *code = KARI_PAGE_TREE_ERROR_TOO_LARGE;
          return g_strdup_printf (_("more than %d cells in all"), KARI_PAGE_TREE_MAX_CELLS);
        }
      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          JsonNode *cell = json_array_get_element (array, j);
          char *problem;

          if (!JSON_NODE_HOLDS_VALUE (cell) && !JSON_NODE_HOLDS_NULL (cell))
            return g_strdup_printf (_("row %u, cell %u: expected a string, number, boolean or "
                                      "null, found %s"), i, j, _kari_page_json_kind (cell));
          if (is_string (cell) && (problem = check_string (cell, PAGE_MAX_CELL, budget, code)) != NULL)
            {
              char *full = g_strdup_printf (_("row %u, cell %u: %s"), i, j, problem);
              g_free (problem);
              return full;
            }
        }
    }
  return NULL;
}

static char *
check_series (JsonNode   *value,
              PageBudget *budget,
              int        *code)
{
  JsonArray *series;
  guint points = 0;

  if (!JSON_NODE_HOLDS_ARRAY (value))
    return g_strdup_printf (_("expected an array of series, found %s"), _kari_page_json_kind (value));
  series = json_node_get_array (value);
  if (json_array_get_length (series) > PAGE_MAX_SERIES)
    {
      *code = KARI_PAGE_TREE_ERROR_TOO_LARGE;
      return g_strdup_printf (_("more than %d series"), PAGE_MAX_SERIES);
    }
  for (guint i = 0; i < json_array_get_length (series); i++)
    {
      JsonNode *one = json_array_get_element (series, i);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      if (!JSON_NODE_HOLDS_OBJECT (one))
        return g_strdup_printf (_("series %u: expected an object with “name” and “values”, "
                                  "found %s"), i, _kari_page_json_kind (one));
      json_object_iter_init (&iter, json_node_get_object (one));
      while (json_object_iter_next (&iter, &name, &member))
        {
          if (strcmp (name, "name") == 0)
            {
              char *problem = check_string (member, 256, budget, code);
              if (problem != NULL)
                {
                  char *full = g_strdup_printf (_("series %u, name: %s"), i, problem);
                  g_free (problem);
                  return full;
                }
            }
          else if (strcmp (name, "values") == 0)
            {
              JsonArray *values;

              if (!JSON_NODE_HOLDS_ARRAY (member))
                return g_strdup_printf (_("series %u, values: expected an array of numbers, "
                                          "found %s"), i, _kari_page_json_kind (member));
              values = json_node_get_array (member);
              points += json_array_get_length (values);
              if (points > PAGE_MAX_POINTS)
                {
                  *code = KARI_PAGE_TREE_ERROR_TOO_LARGE;
                  return g_strdup_printf (_("more than %d points in all"), PAGE_MAX_POINTS);
                }
              for (guint j = 0; j < json_array_get_length (values); j++)
                {
                  JsonNode *v = json_array_get_element (values, j);

                  if (!is_number (v) && !JSON_NODE_HOLDS_NULL (v))
                    return g_strdup_printf (_("series %u, value %u: expected a number or null "
                                              "(a gap), found %s"), i, j, _kari_page_json_kind (v));
                }
            }
          else
            return g_strdup_printf (_("series %u: unknown member “%s”; expected “name” or "
                                      "“values”"), i, name);
        }
    }
  return NULL;
}

static gboolean
is_icon_name (const char *name)
{
  gsize n = 0;

  if (!g_ascii_islower (*name) && !g_ascii_isdigit (*name))
    return FALSE;
  for (const char *c = name; *c; c++, n++)
    if (!g_ascii_islower (*c) && !g_ascii_isdigit (*c) && *c != '-' && *c != '_' && *c != '.')
      return FALSE;
  return n <= 128;
}

/* Checks @value against @spec. Returns NULL if it fits, or what was
 * expected (without the node's path) and sets @code. */
char *
_kari_page_prop_check (const PagePropSpec *spec,
                       JsonNode           *value,
                       PageBudget         *budget,
                       int                *code)
{
  g_autoptr(GError) error = NULL;
  char *problem;
  guint count = 0;

  *code = KARI_PAGE_TREE_ERROR_INVALID;
  switch (spec->kind)
    {
    case PAGE_PROP_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        return g_strdup_printf (_("expected true or false, found %s"), _kari_page_json_kind (value));
      return NULL;

    case PAGE_PROP_INT:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64
          || json_node_get_int (value) < spec->min || json_node_get_int (value) > spec->max)
        return g_strdup_printf (_("expected a whole number from %.0f to %.0f, found %s"),
                                spec->min, spec->max,
                                is_number (value) ? _("a number out of range") : _kari_page_json_kind (value));
      return NULL;

    case PAGE_PROP_NUMBER:
      if (!is_number (value) || !isfinite (json_node_get_double (value))
          || json_node_get_double (value) < spec->min || json_node_get_double (value) > spec->max)
        return g_strdup_printf (_("expected a number from %g to %g, found %s"), spec->min, spec->max,
                                is_number (value) ? _("a number out of range") : _kari_page_json_kind (value));
      return NULL;

    case PAGE_PROP_STRING:
      return check_string (value, (gsize) spec->max, budget, code);

    case PAGE_PROP_ENUM:
      if (is_string (value) && g_strv_contains ((const char * const *) spec->choices,
                                                json_node_get_string (value)))
        return NULL;
      {
        g_autofree char *choices = g_strjoinv (", ", (char **) spec->choices);
        return g_strdup_printf (_("expected one of %s, found %s"), choices,
                                is_string (value) ? json_node_get_string (value)
                                                  : _kari_page_json_kind (value));
      }

    case PAGE_PROP_STRINGS:
      {
        JsonArray *array;

        if (!JSON_NODE_HOLDS_ARRAY (value))
          return g_strdup_printf (_("expected an array of strings, found %s"), _kari_page_json_kind (value));
        array = json_node_get_array (value);
        if (json_array_get_length (array) > spec->max)
          {
            *code = KARI_PAGE_TREE_ERROR_TOO_LARGE;
            return g_strdup_printf (_("%u items are more than the limit of %.0f"),
                                    json_array_get_length (array), spec->max);
          }
        for (guint i = 0; i < json_array_get_length (array); i++)
          if ((problem = check_string (json_array_get_element (array, i), 1024, budget, code)) != NULL)
            {
              char *full = g_strdup_printf (_("item %u: %s"), i, problem);
              g_free (problem);
              return full;
            }
        return NULL;
      }

    case PAGE_PROP_ICON:
      if ((problem = check_string (value, 128, budget, code)) != NULL)
        return problem;
      if (!is_icon_name (json_node_get_string (value)))
        return g_strdup_printf (_("expected the name of a themed icon (lower-case letters, digits, "
                                  "“-”, “_” and “.”), found “%s”"), json_node_get_string (value));
      return NULL;

    case PAGE_PROP_PATH:
      if ((problem = check_string (value, (gsize) spec->max, budget, code)) != NULL)
        return problem;
      if (!kari_page_path_is_safe (json_node_get_string (value), &error))
        {
          *code = KARI_PAGE_TREE_ERROR_UNSAFE_PATH;
          return g_strdup (error->message);
        }
      return NULL;

    case PAGE_PROP_ROWS:
      return check_rows (value, budget, code);

    case PAGE_PROP_SERIES:
      return check_series (value, budget, code);

    case PAGE_PROP_OBJECT:
    case PAGE_PROP_SCHEMA:
      if (!JSON_NODE_HOLDS_OBJECT (value))
        return g_strdup_printf (_("expected an object, found %s"), _kari_page_json_kind (value));
      if ((problem = check_json (value, 0, &count, budget, code)) != NULL)
        return problem;
      if (spec->kind == PAGE_PROP_SCHEMA)
        {
          /* Compiled once here so a form never shows a schema that cannot work. */
          g_autoptr(KariJsonSchema) schema = kari_json_schema_new (value, &error);

          if (schema == NULL)
            return g_strdup_printf (_("not a usable JSON Schema: %s"), error->message);
        }
      return NULL;

    default:
      g_assert_not_reached ();
    }
}

/**
 * kari_page_path_is_safe:
 * @path: an image source from a page tree
 * @error: return location for %KARI_PAGE_TREE_ERROR_UNSAFE_PATH
 *
 * Checks that @path names a file inside the extension's folder by its
 * own words: relative, made of plain names (no `.`, `..` or empty
 * component), no backslash, no `:` (so no URL) and no control character.
 * The host still opens it without following symbolic links.
 *
 * Returns: %TRUE if @path is safe to resolve against the extension's folder
 */
gboolean
kari_page_path_is_safe (const char  *path,
                        GError     **error)
{
  g_auto(GStrv) parts = NULL;
  const char *why = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  if (*path == '\0')
    why = _("it is empty");
  else if (*path == '/')
    why = _("it is absolute; give a path relative to the extension’s folder");
  else if (strchr (path, ':') != NULL)
    why = _("it holds “:”; URLs and other schemes are not allowed, only the extension’s own files");
  else if (strchr (path, '\\') != NULL)
    why = _("it holds a backslash");
  else if (strlen (path) > PAGE_MAX_PATH)
    why = _("it is too long");
  for (const char *c = path; why == NULL && *c; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      why = _("it holds a control character");
  if (why == NULL)
    {
      parts = g_strsplit (path, "/", -1);
      for (guint i = 0; why == NULL && parts[i] != NULL; i++)
        if (*parts[i] == '\0')
          why = _("it has an empty component (“//” or a trailing “/”)");
        else if (strcmp (parts[i], ".") == 0 || strcmp (parts[i], "..") == 0)
          why = _("it has a “.” or “..” component; it must stay inside the extension’s folder");
    }
  if (why != NULL)
    {
      g_set_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_UNSAFE_PATH,
                   _("image source “%s” refused: %s"), path, why);
      return FALSE;
    }
  return TRUE;
}

