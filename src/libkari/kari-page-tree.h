/* kari-page-tree.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KARI_PAGE_TREE_ERROR (kari_page_tree_error_quark ())

/**
 * KariPageTreeError:
 * @KARI_PAGE_TREE_ERROR_PARSE: the text is not well-formed JSON
 * @KARI_PAGE_TREE_ERROR_INVALID: a node or a property is not what the page
 *   tree schema allows; the message names the node's path, its id, the
 *   property and what was expected
 * @KARI_PAGE_TREE_ERROR_DUPLICATE_ID: two nodes share an id
 * @KARI_PAGE_TREE_ERROR_TOO_LARGE: a bound was passed (depth, node count,
 *   string size, table rows, chart points)
 * @KARI_PAGE_TREE_ERROR_UNSAFE_PATH: an image source is not a plain
 *   relative path inside the extension's folder
 * @KARI_PAGE_TREE_ERROR_PATCH: a patch does not fit the tree it is applied to
 *
 * Why a page tree or a patch was refused.
 */
typedef enum
{
  KARI_PAGE_TREE_ERROR_PARSE,
  KARI_PAGE_TREE_ERROR_INVALID,
  KARI_PAGE_TREE_ERROR_DUPLICATE_ID,
  KARI_PAGE_TREE_ERROR_TOO_LARGE,
  KARI_PAGE_TREE_ERROR_UNSAFE_PATH,
  KARI_PAGE_TREE_ERROR_PATCH,
} KariPageTreeError;

/** KARI_PAGE_TREE_MAX_NODES: most nodes a tree may hold (building that many
 * widgets takes the main loop about a second) */
#define KARI_PAGE_TREE_MAX_NODES 4000
/** KARI_PAGE_TREE_MAX_DEPTH: deepest nesting of nodes (the root is depth 1) */
#define KARI_PAGE_TREE_MAX_DEPTH 24
/** KARI_PAGE_TREE_MAX_ID: longest node id, in bytes */
#define KARI_PAGE_TREE_MAX_ID 64
/** KARI_PAGE_TREE_MAX_STRING: longest string property, in bytes (a text node's text may be 4 times longer) */
#define KARI_PAGE_TREE_MAX_STRING 65536
/** KARI_PAGE_TREE_MAX_BYTES: most string bytes in a whole tree */
#define KARI_PAGE_TREE_MAX_BYTES (4 * 1024 * 1024)
/** KARI_PAGE_TREE_MAX_ROWS: most rows in a table */
#define KARI_PAGE_TREE_MAX_ROWS 10000
/** KARI_PAGE_TREE_MAX_CELLS: most cells in a table */
#define KARI_PAGE_TREE_MAX_CELLS 100000

/**
 * KariPageNodeType:
 * @KARI_PAGE_NODE_BOX: a row or column of children
 * @KARI_PAGE_NODE_LABEL: a line or paragraph of text
 * @KARI_PAGE_NODE_HEADING: a title
 * @KARI_PAGE_NODE_BUTTON: a button (event `click`)
 * @KARI_PAGE_NODE_ENTRY: a text entry (events `change`, `submit`)
 * @KARI_PAGE_NODE_SWITCH: an on/off switch (event `change`)
 * @KARI_PAGE_NODE_SPIN: a number (event `change`)
 * @KARI_PAGE_NODE_DROPDOWN: one choice among options (event `change`)
 * @KARI_PAGE_NODE_LIST: a list of rows, one per child (event `activate`)
 * @KARI_PAGE_NODE_TABLE: rows of cells under column titles (event `activate`)
 * @KARI_PAGE_NODE_CARD: a titled group of rows, one per child
 * @KARI_PAGE_NODE_CHART: a line or bar chart
 * @KARI_PAGE_NODE_PROGRESS: a progress bar
 * @KARI_PAGE_NODE_IMAGE: a PNG or JPEG picture from the extension's own files
 * @KARI_PAGE_NODE_TEXT: a long read-only text
 * @KARI_PAGE_NODE_STATUS: an icon, a title and a description filling the page
 * @KARI_PAGE_NODE_FORM: fields generated from a JSON Schema (event `submit`)
 *
 * The kinds of node a page is made of.
 */
typedef enum
{
  KARI_PAGE_NODE_BOX,
  KARI_PAGE_NODE_LABEL,
  KARI_PAGE_NODE_HEADING,
  KARI_PAGE_NODE_BUTTON,
  KARI_PAGE_NODE_ENTRY,
  KARI_PAGE_NODE_SWITCH,
  KARI_PAGE_NODE_SPIN,
  KARI_PAGE_NODE_DROPDOWN,
  KARI_PAGE_NODE_LIST,
  KARI_PAGE_NODE_TABLE,
  KARI_PAGE_NODE_CARD,
  KARI_PAGE_NODE_CHART,
  KARI_PAGE_NODE_PROGRESS,
  KARI_PAGE_NODE_IMAGE,
  KARI_PAGE_NODE_TEXT,
  KARI_PAGE_NODE_STATUS,
  KARI_PAGE_NODE_FORM,
  KARI_PAGE_NODE_N_TYPES,
} KariPageNodeType;

#define KARI_TYPE_PAGE_NODE (kari_page_node_get_type ())

/**
 * KariPageNode:
 *
 * One node of a page tree: an id, a type, typed properties and, for
 * boxes, lists, cards and status pages, children. Reference counted.
 */
typedef struct _KariPageNode KariPageNode;

GQuark            kari_page_tree_error_quark        (void);

const char       *kari_page_node_type_to_string     (KariPageNodeType  type);
gboolean          kari_page_node_type_from_string   (const char       *name,
                                                     KariPageNodeType *type);
gboolean          kari_page_node_type_has_children  (KariPageNodeType  type);

GType             kari_page_node_get_type           (void) G_GNUC_CONST;
KariPageNode     *kari_page_node_ref                (KariPageNode     *self);
void              kari_page_node_unref              (KariPageNode     *self);
KariPageNode     *kari_page_node_copy               (KariPageNode     *self);
const char       *kari_page_node_get_id             (KariPageNode     *self);
KariPageNodeType  kari_page_node_get_node_type      (KariPageNode     *self);
guint             kari_page_node_get_n_children     (KariPageNode     *self);
KariPageNode     *kari_page_node_get_child          (KariPageNode     *self,
                                                     guint             index);
gboolean          kari_page_node_has_property       (KariPageNode     *self,
                                                     const char       *name);
JsonNode         *kari_page_node_get_property       (KariPageNode     *self,
                                                     const char       *name);
const char       *kari_page_node_get_string         (KariPageNode     *self,
                                                     const char       *name);
gboolean          kari_page_node_get_boolean        (KariPageNode     *self,
                                                     const char       *name);
gint64            kari_page_node_get_int            (KariPageNode     *self,
                                                     const char       *name);
double            kari_page_node_get_double         (KariPageNode     *self,
                                                     const char       *name);
gboolean          kari_page_node_equal              (KariPageNode     *a,
                                                     KariPageNode     *b);
JsonNode         *kari_page_node_to_json            (KariPageNode     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariPageNode, kari_page_node_unref)

#define KARI_TYPE_PAGE_TREE (kari_page_tree_get_type ())
G_DECLARE_FINAL_TYPE (KariPageTree, kari_page_tree, KARI, PAGE_TREE, GObject)

KariPageTree     *kari_page_tree_new_from_data      (const char       *text,
                                                     gssize            length,
                                                     GError          **error);
KariPageTree     *kari_page_tree_new_from_json      (JsonNode         *root,
                                                     GError          **error);
void              kari_page_tree_new_from_bytes_async (GBytes         *bytes,
                                                     GCancellable     *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer          user_data);
KariPageTree     *kari_page_tree_new_from_bytes_finish (GAsyncResult  *result,
                                                     GError          **error);
KariPageTree     *kari_page_tree_copy               (KariPageTree     *self);
KariPageNode     *kari_page_tree_get_root           (KariPageTree     *self);
KariPageNode     *kari_page_tree_lookup             (KariPageTree     *self,
                                                     const char       *id);
KariPageNode     *kari_page_tree_get_parent         (KariPageTree     *self,
                                                     const char       *id);
guint             kari_page_tree_get_n_nodes        (KariPageTree     *self);
JsonNode         *kari_page_tree_to_json            (KariPageTree     *self);
gboolean          kari_page_tree_equal              (KariPageTree     *a,
                                                     KariPageTree     *b);

/**
 * KariPageOpKind:
 * @KARI_PAGE_OP_SET: set (or, with no value, unset) one property of a node
 * @KARI_PAGE_OP_INSERT: insert a new subtree as a child of a node
 * @KARI_PAGE_OP_REMOVE: remove a node and its subtree
 * @KARI_PAGE_OP_MOVE: move a node (with its subtree) under a parent at an index
 * @KARI_PAGE_OP_REPLACE: replace a node and its subtree in place by a new
 *   subtree (when its type changed)
 *
 * The kinds of step a patch is made of.
 */
typedef enum
{
  KARI_PAGE_OP_SET,
  KARI_PAGE_OP_INSERT,
  KARI_PAGE_OP_REMOVE,
  KARI_PAGE_OP_MOVE,
  KARI_PAGE_OP_REPLACE,
} KariPageOpKind;

/**
 * KariPageOp:
 * @kind: what the step does
 * @node_id: the node changed, moved, removed or replaced (%NULL for an insert)
 * @parent_id: for an insert or a move, the new parent
 * @index: for an insert or a move, the position among the parent's
 *   children when the step runs (a moved node is taken out first)
 * @property: for a set, the property's name
 * @value: (nullable): for a set, the new value; %NULL unsets the property
 *   (it goes back to its default)
 * @node: (nullable): for an insert or a replace, the new subtree
 *
 * One step of a #KariPagePatch. Steps run in order.
 */
typedef struct
{
  KariPageOpKind  kind;
  char           *node_id;
  char           *parent_id;
  guint           index;
  char           *property;
  JsonNode       *value;
  KariPageNode   *node;
} KariPageOp;

#define KARI_TYPE_PAGE_PATCH (kari_page_patch_get_type ())

/**
 * KariPagePatch:
 *
 * The steps that turn one page tree into another, from kari_page_diff().
 * Reference counted.
 */
typedef struct _KariPagePatch KariPagePatch;

GType             kari_page_patch_get_type          (void) G_GNUC_CONST;
KariPagePatch    *kari_page_patch_ref               (KariPagePatch    *self);
void              kari_page_patch_unref             (KariPagePatch    *self);
guint             kari_page_patch_get_n_ops         (KariPagePatch    *self);
const KariPageOp *kari_page_patch_get_op            (KariPagePatch    *self,
                                                     guint             index);
JsonNode         *kari_page_patch_to_json           (KariPagePatch    *self);
const char       *kari_page_op_kind_to_string       (KariPageOpKind    kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariPagePatch, kari_page_patch_unref)

KariPagePatch    *kari_page_diff                    (KariPageTree     *old_tree,
                                                     KariPageTree     *new_tree);
gboolean          kari_page_tree_apply              (KariPageTree     *self,
                                                     KariPagePatch    *patch,
                                                     GError          **error);

gboolean          kari_page_path_is_safe            (const char       *path,
                                                     GError          **error);

G_END_DECLS
