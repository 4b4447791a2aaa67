/* kari-page-tree-private.h — what the page tree files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-page-tree.h"

G_BEGIN_DECLS

struct _KariPageNode
{
  gatomicrefcount   ref_count;
  char             *id;
  KariPageNodeType  type;
  JsonObject       *props;      /* only properties the node's type knows, checked */
  GPtrArray        *children;   /* KariPageNode, NULL for types without children */
};

/* Bounds of property values, beside those in kari-page-tree.h. */
#define PAGE_MAX_TEXT (4 * KARI_PAGE_TREE_MAX_STRING)
#define PAGE_MAX_OPTIONS 1000
#define PAGE_MAX_COLUMNS 64
#define PAGE_MAX_CELL 4096
#define PAGE_MAX_SERIES 16
#define PAGE_MAX_POINTS 10000
#define PAGE_MAX_JSON_VALUES 10000
#define PAGE_MAX_JSON_DEPTH 32
#define PAGE_MAX_PATH 1024
#define PAGE_BIG 1e15

typedef enum
{
  PAGE_PROP_BOOL,
  PAGE_PROP_INT,
  PAGE_PROP_NUMBER,
  PAGE_PROP_STRING,
  PAGE_PROP_ENUM,
  PAGE_PROP_STRINGS,
  PAGE_PROP_ICON,
  PAGE_PROP_PATH,
  PAGE_PROP_ROWS,
  PAGE_PROP_SERIES,
  PAGE_PROP_OBJECT,
  PAGE_PROP_SCHEMA,
} PagePropKind;

typedef struct
{
  const char          *name;
  PagePropKind         kind;
  double               min;        /* INT, NUMBER */
  double               max;        /* INT, NUMBER; STRING bytes; STRINGS items */
  const char * const  *choices;    /* ENUM, the first is the default */
  const char          *def_str;
  double               def_num;    /* also the default of a BOOL */
  gboolean             required;
} PagePropSpec;

/* Bytes of strings a value holds, to bound a whole tree. */
typedef struct
{
  gsize bytes;
} PageBudget;

const PagePropSpec *_kari_page_prop_lookup     (KariPageNodeType     type,
                                                const char          *name);
char               *_kari_page_prop_list       (KariPageNodeType     type);
const PagePropSpec *_kari_page_prop_required   (KariPageNodeType     type,
                                                guint                i);
char               *_kari_page_prop_check      (const PagePropSpec  *spec,
                                                JsonNode            *value,
                                                PageBudget          *budget,
                                                int                 *code);
gboolean            _kari_page_id_is_valid     (const char          *id);
const char         *_kari_page_json_kind       (JsonNode            *value);

KariPageNode       *_kari_page_node_new        (const char          *id,
                                                KariPageNodeType     type);

/* The tree's own state, for the patch code. */
GHashTable         *_kari_page_tree_get_index  (KariPageTree        *self);
GHashTable         *_kari_page_tree_get_parents (KariPageTree       *self);
void                _kari_page_tree_set_root   (KariPageTree        *self,
                                                KariPageNode        *root);

G_END_DECLS
