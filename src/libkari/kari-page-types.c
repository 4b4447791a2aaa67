/* kari-page-types.c: the node types of a page tree and their
 * properties, as data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-page-tree-private.h"


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
  P_NUM ("value", -PAGE_BIG, PAGE_BIG, 0),
  P_NUM ("min", -PAGE_BIG, PAGE_BIG, 0),
  P_NUM ("max", -PAGE_BIG, PAGE_BIG, 100),
  P_NUM ("step", 0, PAGE_BIG, 1),
  P_INT ("digits", 0, 10, 0),
  P_END
};
static const PagePropSpec dropdown_props[] = {
  P_KIND ("options", PAGE_PROP_STRINGS, PAGE_MAX_OPTIONS),
  P_INT ("selected", 0, PAGE_MAX_OPTIONS - 1, 0),
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
  P_KIND ("columns", PAGE_PROP_STRINGS, PAGE_MAX_COLUMNS),
  P_KIND ("rows", PAGE_PROP_ROWS, KARI_PAGE_TREE_MAX_ROWS),
  P_END
};
static const PagePropSpec card_props[] = {
  P_STR ("description", 4096),
  P_END
};
static const PagePropSpec chart_props[] = {
  P_ENUM ("kind", chart_kinds),
  P_KIND ("labels", PAGE_PROP_STRINGS, PAGE_MAX_POINTS),
  P_KIND ("series", PAGE_PROP_SERIES, PAGE_MAX_SERIES),
  P_NUM ("min", -PAGE_BIG, PAGE_BIG, 0),
  P_NUM ("max", -PAGE_BIG, PAGE_BIG, 0),
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
  { "src", PAGE_PROP_PATH, 0, PAGE_MAX_PATH, NULL, NULL, 0, TRUE },
  P_STR ("alt", 1024),
  P_INT ("width", 0, 4096, 0),
  P_INT ("height", 0, 4096, 0),
  P_END
};
static const PagePropSpec text_props[] = {
  P_STR ("text", PAGE_MAX_TEXT),
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

