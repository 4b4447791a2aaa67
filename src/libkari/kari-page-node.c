/* kari-page-node.c: the node types of a page tree, their properties as
 * data, and the checks every property value passes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "kari-json-schema.h"
#include "kari-page-tree-private.h"

#define MAX_TEXT (4 * KARI_PAGE_TREE_MAX_STRING)
#define MAX_OPTIONS 1000
#define MAX_COLUMNS 64
#define MAX_CELL 4096
#define MAX_SERIES 16
#define MAX_POINTS 10000
#define MAX_JSON_VALUES 10000
#define MAX_JSON_DEPTH 32
#define MAX_PATH 1024
#define BIG 1e15

static const char * const orientations[] = { "vertical", "horizontal", NULL };
static const char * const label_styles[] = { "body", "dim", "caption", "heading", "monospace",
                                             "error", "success", "warning", NULL };
static const char * const button_styles[] = { "default", "suggested", "destructive", "flat", "pill", NULL };
static const char * const selections[] = { "none", "single", NULL };
static const char * const list_styles[] = { "boxed", "plain", NULL };
static const char * const chart_kinds[] = { "line", "bar", NULL };

#define P_BOOL(n, d)            { n, PAGE_PROP_BOOL, 0, 0, NULL, NULL, d, FALSE }
#define P_INT(n, lo, hi, d)     { n, PAGE_PROP_INT, lo, hi, NULL, NULL, d, FALSE }
#define P_NUM(n, lo, hi, d)     { n, PAGE_PROP_NUMBER, lo, hi, NULL, NULL, d, FALSE }
#define P_STR(n, len)           { n, PAGE_PROP_STRING, 0, len, NULL, "", 0, FALSE }
#define P_ENUM(n, c)            { n, PAGE_PROP_ENUM, 0, 0, c, NULL, 0, FALSE }
#define P_KIND(n, k, hi)        { n, k, 0, hi, NULL, NULL, 0, FALSE }
#define P_END                   { NULL, 0, 0, 0, NULL, NULL, 0, FALSE }

/* Every node has these. `title` is the row title when the node sits in a
 * card, and the title of cards, status pages and forms. */
static const PagePropSpec common_props[] = {
  P_BOOL ("visible", TRUE),
  P_BOOL ("sensitive", TRUE),
  P_STR ("tooltip", 1024),
  P_STR ("title", 1024),
  P_END
};

static const PagePropSpec box_props[] = {
  P_ENUM ("orientation", orientations),
  P_INT ("spacing", 0, 256, 6),
  P_BOOL ("homogeneous", FALSE),
  P_END
};
static const PagePropSpec label_props[] = {
  P_STR ("text", KARI_PAGE_TREE_MAX_STRING),
  P_BOOL ("wrap", TRUE),
  P_BOOL ("selectable", FALSE),
  P_ENUM ("style", label_styles),
  P_NUM ("xalign", 0, 1, 0),
  P_END
};
static const PagePropSpec heading_props[] = {
  P_STR ("text", 4096),
  P_INT ("level", 1, 4, 2),
  P_END
};
static const PagePropSpec button_props[] = {
  P_STR ("label", 1024),
  P_KIND ("icon", PAGE_PROP_ICON, 0),
  P_ENUM ("style", button_styles),
  P_END
};
static const PagePropSpec entry_props[] = {
  P_STR ("text", KARI_PAGE_TREE_MAX_STRING),
  P_STR ("placeholder", 1024),
  P_BOOL ("password", FALSE),
  P_INT ("max_length", 0, KARI_PAGE_TREE_MAX_STRING, 0),
  P_END
};
static const PagePropSpec switch_props[] = {
  P_BOOL ("active", FALSE),
  P_END
};
static const PagePropSpec spin_props[] = {
  P_NUM ("value", -BIG, BIG, 0),
  P_NUM ("min", -BIG, BIG, 0),
  P_NUM ("max", -BIG, BIG, 100),
  P_NUM ("step", 0, BIG, 1),
  P_INT ("digits", 0, 10, 0),
  P_END
};
static const PagePropSpec dropdown_props[] = {
  P_KIND ("options", PAGE_PROP_STRINGS, MAX_OPTIONS),
  P_INT ("selected", 0, MAX_OPTIONS - 1, 0),
  P_END
};
static const PagePropSpec list_props[] = {
  P_ENUM ("selection", selections),
  P_BOOL ("activatable", TRUE),
  P_ENUM ("style", list_styles),
  P_STR ("placeholder", 1024),
  P_END
};
static const PagePropSpec table_props[] = {
  P_KIND ("columns", PAGE_PROP_STRINGS, MAX_COLUMNS),
  P_KIND ("rows", PAGE_PROP_ROWS, KARI_PAGE_TREE_MAX_ROWS),
  P_END
};
static const PagePropSpec card_props[] = {
  P_STR ("description", 4096),
  P_END
};
static const PagePropSpec chart_props[] = {
  P_ENUM ("kind", chart_kinds),
  P_KIND ("labels", PAGE_PROP_STRINGS, MAX_POINTS),
  P_KIND ("series", PAGE_PROP_SERIES, MAX_SERIES),
  P_NUM ("min", -BIG, BIG, 0),
  P_NUM ("max", -BIG, BIG, 0),
  P_INT ("height", 40, 2000, 200),
  P_END
};
static const PagePropSpec progress_props[] = {
  P_NUM ("fraction", 0, 1, 0),
  P_STR ("text", 1024),
  P_BOOL ("show_text", FALSE),
  P_END
};
static const PagePropSpec image_props[] = {
  { "src", PAGE_PROP_PATH, 0, MAX_PATH, NULL, NULL, 0, TRUE },
  P_STR ("alt", 1024),
  P_INT ("width", 0, 4096, 0),
  P_INT ("height", 0, 4096, 0),
  P_END
};
static const PagePropSpec text_props[] = {
  P_STR ("text", MAX_TEXT),
  P_BOOL ("monospace", FALSE),
  P_END
};
static const PagePropSpec status_props[] = {
  P_STR ("description", 4096),
  P_KIND ("icon", PAGE_PROP_ICON, 0),
  P_END
};
static const PagePropSpec form_props[] = {
  P_KIND ("schema", PAGE_PROP_SCHEMA, 0),
  P_KIND ("value", PAGE_PROP_OBJECT, 0),
  P_STR ("submit_label", 1024),
  P_END
};

typedef struct
{
  const char         *name;
  gboolean            has_children;
  const PagePropSpec *props;
} PageTypeSpec;

static const PageTypeSpec types[KARI_PAGE_NODE_N_TYPES] = {
  [KARI_PAGE_NODE_BOX] = { "box", TRUE, box_props },
  [KARI_PAGE_NODE_LABEL] = { "label", FALSE, label_props },
  [KARI_PAGE_NODE_HEADING] = { "heading", FALSE, heading_props },
  [KARI_PAGE_NODE_BUTTON] = { "button", FALSE, button_props },
  [KARI_PAGE_NODE_ENTRY] = { "entry", FALSE, entry_props },
  [KARI_PAGE_NODE_SWITCH] = { "switch", FALSE, switch_props },
  [KARI_PAGE_NODE_SPIN] = { "spin", FALSE, spin_props },
  [KARI_PAGE_NODE_DROPDOWN] = { "dropdown", FALSE, dropdown_props },
  [KARI_PAGE_NODE_LIST] = { "list", TRUE, list_props },
  [KARI_PAGE_NODE_TABLE] = { "table", FALSE, table_props },
  [KARI_PAGE_NODE_CARD] = { "card", TRUE, card_props },
  [KARI_PAGE_NODE_CHART] = { "chart", FALSE, chart_props },
  [KARI_PAGE_NODE_PROGRESS] = { "progress", FALSE, progress_props },
  [KARI_PAGE_NODE_IMAGE] = { "image", FALSE, image_props },
  [KARI_PAGE_NODE_TEXT] = { "text", FALSE, text_props },
  [KARI_PAGE_NODE_STATUS] = { "status", TRUE, status_props },
  [KARI_PAGE_NODE_FORM] = { "form", FALSE, form_props },
};

G_DEFINE_QUARK (kari-page-tree-error-quark, kari_page_tree_error)

/**
 * kari_page_node_type_to_string:
 * @type: a node type
 *
 * Returns: the name a tree uses for @type, such as `box`
 */
const char *
kari_page_node_type_to_string (KariPageNodeType type)
{
  g_return_val_if_fail (type < KARI_PAGE_NODE_N_TYPES, NULL);
  return types[type].name;
}

/**
 * kari_page_node_type_from_string:
 * @name: a type name such as `box`
 * @type: (out): where to store the type
 *
 * Returns: %TRUE if @name is a node type
 */
gboolean
kari_page_node_type_from_string (const char       *name,
                                 KariPageNodeType *type)
{
  for (guint i = 0; i < KARI_PAGE_NODE_N_TYPES; i++)
    if (g_strcmp0 (name, types[i].name) == 0)
      {
        *type = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * kari_page_node_type_has_children:
 * @type: a node type
 *
 * Returns: whether nodes of @type hold children
 */
gboolean
kari_page_node_type_has_children (KariPageNodeType type)
{
  g_return_val_if_fail (type < KARI_PAGE_NODE_N_TYPES, FALSE);
  return types[type].has_children;
}

const PagePropSpec *
_kari_page_prop_lookup (KariPageNodeType  type,
                        const char       *name)
{
  for (const PagePropSpec *p = common_props; p->name != NULL; p++)
    if (strcmp (p->name, name) == 0)
      return p;
  for (const PagePropSpec *p = types[type].props; p->name != NULL; p++)
    if (strcmp (p->name, name) == 0)
      return p;
  return NULL;
}

/* The @i-th required property of @type, or NULL past the last. */
const PagePropSpec *
_kari_page_prop_required (KariPageNodeType type,
                          guint            i)
{
  for (const PagePropSpec *p = types[type].props; p->name != NULL; p++)
    if (p->required && i-- == 0)
      return p;
  return NULL;
}

/* “visible, sensitive, …, text, wrap”, for a message about an unknown property. */
char *
_kari_page_prop_list (KariPageNodeType type)
{
  GString *s = g_string_new ("id, type");

  if (types[type].has_children)
    g_string_append (s, ", children");
  for (const PagePropSpec *p = common_props; p->name != NULL; p++)
    g_string_append_printf (s, ", %s", p->name);
  for (const PagePropSpec *p = types[type].props; p->name != NULL; p++)
    g_string_append_printf (s, ", %s", p->name);
  return g_string_free (s, FALSE);
}

gboolean
_kari_page_id_is_valid (const char *id)
{
  gsize n = 0;

  for (const char *c = id; *c; c++, n++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-' && *c != '.' && *c != ':')
      return FALSE;
  return n > 0 && n <= KARI_PAGE_TREE_MAX_ID;
}

const char *
_kari_page_json_kind (JsonNode *value)
{
  switch (JSON_NODE_TYPE (value))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }
  switch (json_node_get_value_type (value))
    {
    case G_TYPE_BOOLEAN:
      return _("a boolean");
    case G_TYPE_STRING:
      return _("a string");
    default:
      return _("a number");
    }
}

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
  if (++*count > MAX_JSON_VALUES || depth > MAX_JSON_DEPTH)
    {
      *code = KARI_PAGE_TREE_ERROR_TOO_LARGE;
      return g_strdup_printf (_("the value holds more than %d values or nests deeper than %d"),
                              MAX_JSON_VALUES, MAX_JSON_DEPTH);
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
          if (is_string (cell) && (problem = check_string (cell, MAX_CELL, budget, code)) != NULL)
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
  if (json_array_get_length (series) > MAX_SERIES)
    {
      *code = KARI_PAGE_TREE_ERROR_TOO_LARGE;
      return g_strdup_printf (_("more than %d series"), MAX_SERIES);
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
              if (points > MAX_POINTS)
                {
                  *code = KARI_PAGE_TREE_ERROR_TOO_LARGE;
                  return g_strdup_printf (_("more than %d points in all"), MAX_POINTS);
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
  else if (strlen (path) > MAX_PATH)
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

KariPageNode *
_kari_page_node_new (const char       *id,
                     KariPageNodeType  type)
{
  KariPageNode *self = g_new0 (KariPageNode, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->id = g_strdup (id);
  self->type = type;
  self->props = json_object_new ();
  if (types[type].has_children)
    self->children = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_page_node_unref);
  return self;
}

G_DEFINE_BOXED_TYPE (KariPageNode, kari_page_node, kari_page_node_ref, kari_page_node_unref)

/**
 * kari_page_node_ref:
 * @self: a node
 *
 * Returns: (transfer full): @self
 */
KariPageNode *
kari_page_node_ref (KariPageNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * kari_page_node_unref:
 * @self: a node
 *
 * Drops a reference; the last one frees the node and its children.
 */
void
kari_page_node_unref (KariPageNode *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->id);
  json_object_unref (self->props);
  g_clear_pointer (&self->children, g_ptr_array_unref);
  g_free (self);
}

/**
 * kari_page_node_copy:
 * @self: a node
 *
 * Returns: (transfer full): a deep copy of @self and its subtree
 */
KariPageNode *
kari_page_node_copy (KariPageNode *self)
{
  KariPageNode *copy;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_return_val_if_fail (self != NULL, NULL);

  copy = _kari_page_node_new (self->id, self->type);
  json_object_iter_init (&iter, self->props);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (copy->props, name, json_node_copy (value));
  for (guint i = 0; self->children != NULL && i < self->children->len; i++)
    g_ptr_array_add (copy->children, kari_page_node_copy (g_ptr_array_index (self->children, i)));
  return copy;
}

/**
 * kari_page_node_get_id:
 * @self: a node
 *
 * Returns: the node's id, unique in its tree
 */
const char *
kari_page_node_get_id (KariPageNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

/**
 * kari_page_node_get_node_type:
 * @self: a node
 *
 * Returns: the node's type
 */
KariPageNodeType
kari_page_node_get_node_type (KariPageNode *self)
{
  g_return_val_if_fail (self != NULL, KARI_PAGE_NODE_BOX);
  return self->type;
}

/**
 * kari_page_node_get_n_children:
 * @self: a node
 *
 * Returns: how many children @self has (0 for types without children)
 */
guint
kari_page_node_get_n_children (KariPageNode *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->children != NULL ? self->children->len : 0;
}

/**
 * kari_page_node_get_child:
 * @self: a node
 * @index: a child's position
 *
 * Returns: (transfer none): the child at @index
 */
KariPageNode *
kari_page_node_get_child (KariPageNode *self,
                          guint         index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < kari_page_node_get_n_children (self), NULL);
  return g_ptr_array_index (self->children, index);
}

/**
 * kari_page_node_has_property:
 * @self: a node
 * @name: a property name
 *
 * Returns: whether the tree set @name on @self (rather than leaving the default)
 */
gboolean
kari_page_node_has_property (KariPageNode *self,
                             const char   *name)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return json_object_has_member (self->props, name);
}

/**
 * kari_page_node_get_property:
 * @self: a node
 * @name: a property name
 *
 * Returns: (transfer none) (nullable): the value the tree set, or %NULL
 */
JsonNode *
kari_page_node_get_property (KariPageNode *self,
                             const char   *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  return json_object_get_member (self->props, name);
}

static const PagePropSpec *
spec_or_warn (KariPageNode *self,
              const char   *name)
{
  const PagePropSpec *spec = _kari_page_prop_lookup (self->type, name);

  if (spec == NULL)
    g_critical ("a %s node has no property “%s”", types[self->type].name, name);
  return spec;
}

/**
 * kari_page_node_get_string:
 * @self: a node
 * @name: a string, enum, icon or path property of @self's type
 *
 * Returns: the value, or the default (`""` for strings, the first choice
 *   of an enum, %NULL for an icon)
 */
const char *
kari_page_node_get_string (KariPageNode *self,
                           const char   *name)
{
  const PagePropSpec *spec = spec_or_warn (self, name);
  JsonNode *value = json_object_get_member (self->props, name);

  if (value != NULL)
    return json_node_get_string (value);
  if (spec == NULL)
    return NULL;
  return spec->kind == PAGE_PROP_ENUM ? spec->choices[0] : spec->def_str;
}

/**
 * kari_page_node_get_boolean:
 * @self: a node
 * @name: a boolean property of @self's type
 *
 * Returns: the value, or the default
 */
gboolean
kari_page_node_get_boolean (KariPageNode *self,
                            const char   *name)
{
  const PagePropSpec *spec = spec_or_warn (self, name);
  JsonNode *value = json_object_get_member (self->props, name);

  if (value != NULL)
    return json_node_get_boolean (value);
  return spec != NULL && spec->def_num != 0;
}

/**
 * kari_page_node_get_int:
 * @self: a node
 * @name: a whole-number property of @self's type
 *
 * Returns: the value, or the default
 */
gint64
kari_page_node_get_int (KariPageNode *self,
                        const char   *name)
{
  const PagePropSpec *spec = spec_or_warn (self, name);
  JsonNode *value = json_object_get_member (self->props, name);

  if (value != NULL)
    return json_node_get_int (value);
  return spec != NULL ? (gint64) spec->def_num : 0;
}

/**
 * kari_page_node_get_double:
 * @self: a node
 * @name: a number property of @self's type
 *
 * Returns: the value, or the default
 */
double
kari_page_node_get_double (KariPageNode *self,
                           const char   *name)
{
  const PagePropSpec *spec = spec_or_warn (self, name);
  JsonNode *value = json_object_get_member (self->props, name);

  if (value != NULL)
    return json_node_get_double (value);
  return spec != NULL ? spec->def_num : 0;
}

static gboolean
props_equal (JsonObject *a,
             JsonObject *b)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (json_object_get_size (a) != json_object_get_size (b))
    return FALSE;
  json_object_iter_init (&iter, a);
  while (json_object_iter_next (&iter, &name, &value))
    {
      JsonNode *other = json_object_get_member (b, name);

      if (other == NULL || !json_node_equal (value, other))
        return FALSE;
    }
  return TRUE;
}

/**
 * kari_page_node_equal:
 * @a: a node
 * @b: another node
 *
 * Returns: whether @a and @b have the same id, type, properties and,
 *   recursively, children in the same order
 */
gboolean
kari_page_node_equal (KariPageNode *a,
                      KariPageNode *b)
{
  guint n;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a == b)
    return TRUE;
  if (a->type != b->type || strcmp (a->id, b->id) != 0 || !props_equal (a->props, b->props))
    return FALSE;
  n = kari_page_node_get_n_children (a);
  if (n != kari_page_node_get_n_children (b))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!kari_page_node_equal (g_ptr_array_index (a->children, i), g_ptr_array_index (b->children, i)))
      return FALSE;
  return TRUE;
}

/**
 * kari_page_node_to_json:
 * @self: a node
 *
 * Returns: (transfer full): @self and its subtree as the JSON a tree is written in
 */
JsonNode *
kari_page_node_to_json (KariPageNode *self)
{
  JsonObject *object;
  JsonNode *node;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_return_val_if_fail (self != NULL, NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "id", self->id);
  json_object_set_string_member (object, "type", types[self->type].name);
  json_object_iter_init (&iter, self->props);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (object, name, json_node_copy (value));
  if (self->children != NULL && self->children->len > 0)
    {
      JsonArray *children = json_array_sized_new (self->children->len);

      for (guint i = 0; i < self->children->len; i++)
        json_array_add_element (children, kari_page_node_to_json (g_ptr_array_index (self->children, i)));
      json_object_set_array_member (object, "children", children);
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}
