/* kari-page-patch.c: the steps between two page trees, and applying
 * them to a tree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-page-patch-private.h"

G_DEFINE_BOXED_TYPE (KariPagePatch, kari_page_patch, kari_page_patch_ref, kari_page_patch_unref)

static void
op_free (KariPageOp *op)
{
  g_free (op->node_id);
  g_free (op->parent_id);
  g_free (op->property);
  g_clear_pointer (&op->value, json_node_unref);
  g_clear_pointer (&op->node, kari_page_node_unref);
  g_free (op);
}

KariPagePatch *
_kari_page_patch_new (void)
{
  KariPagePatch *self = g_new0 (KariPagePatch, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) op_free);
  return self;
}

KariPageOp *
_kari_page_patch_add (KariPagePatch  *self,
                      KariPageOpKind  kind,
                      const char     *node_id)
{
  KariPageOp *op = g_new0 (KariPageOp, 1);

  op->kind = kind;
  op->node_id = g_strdup (node_id);
  g_ptr_array_add (self->ops, op);
  return op;
}

/**
 * kari_page_patch_ref:
 * @self: a patch
 *
 * Returns: (transfer full): @self
 */
KariPagePatch *
kari_page_patch_ref (KariPagePatch *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * kari_page_patch_unref:
 * @self: a patch
 *
 * Drops a reference; the last one frees the patch.
 */
void
kari_page_patch_unref (KariPagePatch *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_ptr_array_unref (self->ops);
  g_free (self);
}

/**
 * kari_page_patch_get_n_ops:
 * @self: a patch
 *
 * Returns: how many steps @self has (0 when the trees were equal)
 */
guint
kari_page_patch_get_n_ops (KariPagePatch *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->ops->len;
}

/**
 * kari_page_patch_get_op:
 * @self: a patch
 * @index: a step's position
 *
 * Returns: (transfer none): the step at @index
 */
const KariPageOp *
kari_page_patch_get_op (KariPagePatch *self,
                        guint          index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->ops->len, NULL);
  return g_ptr_array_index (self->ops, index);
}

/**
 * kari_page_op_kind_to_string:
 * @kind: a step kind
 *
 * Returns: `set`, `insert`, `remove`, `move` or `replace`
 */
const char *
kari_page_op_kind_to_string (KariPageOpKind kind)
{
  static const char * const names[] = { "set", "insert", "remove", "move", "replace" };

  g_return_val_if_fail (kind <= KARI_PAGE_OP_REPLACE, NULL);
  return names[kind];
}

/**
 * kari_page_patch_to_json:
 * @self: a patch
 *
 * Writes @self as an array of steps such as
 * `{"op": "set", "id": "n", "property": "text", "value": "hi"}`,
 * `{"op": "insert", "parent": "p", "index": 0, "node": {…}}` or
 * `{"op": "move", "id": "n", "parent": "p", "index": 2}`.
 *
 * Returns: (transfer full): the steps as JSON
 */
JsonNode *
kari_page_patch_to_json (KariPagePatch *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < self->ops->len; i++)
    {
      KariPageOp *op = g_ptr_array_index (self->ops, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "op");
      json_builder_add_string_value (builder, kari_page_op_kind_to_string (op->kind));
      if (op->node_id != NULL)
        {
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, op->node_id);
        }
      if (op->kind == KARI_PAGE_OP_INSERT || op->kind == KARI_PAGE_OP_MOVE)
        {
          json_builder_set_member_name (builder, "parent");
          json_builder_add_string_value (builder, op->parent_id);
          json_builder_set_member_name (builder, "index");
          json_builder_add_int_value (builder, op->index);
        }
      if (op->kind == KARI_PAGE_OP_SET)
        {
          json_builder_set_member_name (builder, "property");
          json_builder_add_string_value (builder, op->property);
          json_builder_set_member_name (builder, "value");
          if (op->value != NULL)
            json_builder_add_value (builder, json_node_copy (op->value));
          else
            json_builder_add_null_value (builder);
        }
      if (op->node != NULL)
        {
          json_builder_set_member_name (builder, "node");
          json_builder_add_value (builder, kari_page_node_to_json (op->node));
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

/* The tree a patch is applied to: a private copy, indexed, swapped in
 * only when every step fitted, so a bad patch leaves the tree as it was. */
typedef struct
{
  KariPageNode *root;
  GHashTable   *index;     /* id → node */
  GHashTable   *parents;   /* id → parent node */
  guint         n_nodes;
} Work;

static void
work_index (Work         *w,
            KariPageNode *node,
            KariPageNode *parent)
{
  g_hash_table_insert (w->index, node->id, node);
  if (parent != NULL)
    g_hash_table_insert (w->parents, node->id, parent);
  w->n_nodes++;
  for (guint i = 0; node->children != NULL && i < node->children->len; i++)
    work_index (w, g_ptr_array_index (node->children, i), node);
}

static void
work_unindex (Work         *w,
              KariPageNode *node)
{
  g_hash_table_remove (w->index, node->id);
  g_hash_table_remove (w->parents, node->id);
  w->n_nodes--;
  for (guint i = 0; node->children != NULL && i < node->children->len; i++)
    work_unindex (w, g_ptr_array_index (node->children, i));
}

static guint
depth_of (Work         *w,
          KariPageNode *node)
{
  guint depth = 1;

  while ((node = g_hash_table_lookup (w->parents, node->id)) != NULL)
    depth++;
  return depth;
}

static guint
height_of (KariPageNode *node)
{
  guint height = 0;

  for (guint i = 0; node->children != NULL && i < node->children->len; i++)
    height = MAX (height, height_of (g_ptr_array_index (node->children, i)));
  return height + 1;
}

/* The first id of @node's subtree already in the tree, or NULL. */
static const char *
find_clash (Work         *w,
            KariPageNode *node)
{
  if (g_hash_table_contains (w->index, node->id))
    return node->id;
  for (guint i = 0; node->children != NULL && i < node->children->len; i++)
    {
      const char *clash = find_clash (w, g_ptr_array_index (node->children, i));
      if (clash != NULL)
        return clash;
    }
  return NULL;
}

static guint
count_nodes (KariPageNode *node)
{
  guint n = 1;

  for (guint i = 0; node->children != NULL && i < node->children->len; i++)
    n += count_nodes (g_ptr_array_index (node->children, i));
  return n;
}

static gboolean G_GNUC_PRINTF (4, 5)
op_fail (GError     **error,
         guint        step,
         KariPageOp  *op,
         const char  *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_PATCH,
               _("step %u (%s): %s"), step, kari_page_op_kind_to_string (op->kind), what);
  return FALSE;
}

/* Checks that @subtree (copied) may go under @parent, at depth and in count. */
static gboolean
check_fits (Work          *w,
            KariPageNode  *parent,
            KariPageNode  *subtree,
            guint          step,
            KariPageOp    *op,
            GError       **error)
{
  const char *clash = find_clash (w, subtree);

  if (clash != NULL)
    return op_fail (error, step, op, _("id “%s” is already in the tree"), clash);
  if ((parent != NULL ? depth_of (w, parent) : 0) + height_of (subtree) > KARI_PAGE_TREE_MAX_DEPTH)
    return op_fail (error, step, op, _("nodes would nest deeper than %d levels"),
                    KARI_PAGE_TREE_MAX_DEPTH);
  if (w->n_nodes + count_nodes (subtree) > KARI_PAGE_TREE_MAX_NODES)
    return op_fail (error, step, op, _("the tree would have more than %d nodes"),
                    KARI_PAGE_TREE_MAX_NODES);
  return TRUE;
}

static KariPageNode *
find_node (Work        *w,
           const char  *id,
           guint        step,
           KariPageOp  *op,
           GError     **error)
{
  KariPageNode *node = id != NULL ? g_hash_table_lookup (w->index, id) : NULL;

  if (node == NULL)
    op_fail (error, step, op, _("no node has the id “%s”"), id != NULL ? id : "");
  return node;
}

static KariPageNode *
find_parent (Work        *w,
             KariPageOp  *op,
             guint        step,
             guint        extra,
             GError     **error)
{
  KariPageNode *parent = find_node (w, op->parent_id, step, op, error);

  if (parent == NULL)
    return NULL;
  if (parent->children == NULL)
    {
      op_fail (error, step, op, _("a %s (“%s”) has no children"),
               kari_page_node_type_to_string (parent->type), parent->id);
      return NULL;
    }
  if (op->index > parent->children->len + extra)
    {
      op_fail (error, step, op, _("index %u is past the %u children of “%s”"), op->index,
               parent->children->len, parent->id);
      return NULL;
    }
  return parent;
}

/* Takes @node out of its parent; returns the reference the parent held. */
static KariPageNode *
detach (Work         *w,
        KariPageNode *node)
{
  KariPageNode *parent = g_hash_table_lookup (w->parents, node->id);
  guint i;

  g_assert (parent != NULL);
  g_ptr_array_find (parent->children, node, &i);
  g_hash_table_remove (w->parents, node->id);
  return g_ptr_array_steal_index (parent->children, i);
}

static gboolean
apply_set (Work        *w,
           KariPageOp  *op,
           guint        step,
           GError     **error)
{
  KariPageNode *node = find_node (w, op->node_id, step, op, error);
  const PagePropSpec *spec;
  g_autofree char *problem = NULL;
  PageBudget budget = { 0 };
  int code;

  if (node == NULL)
    return FALSE;
  spec = op->property != NULL ? _kari_page_prop_lookup (node->type, op->property) : NULL;
  if (spec == NULL)
    return op_fail (error, step, op, _("a %s has no property “%s”"),
                    kari_page_node_type_to_string (node->type), op->property ? op->property : "");
  if (op->value == NULL)
    {
      if (spec->required)
        return op_fail (error, step, op, _("property “%s” is required for a %s"), spec->name,
                        kari_page_node_type_to_string (node->type));
      json_object_remove_member (node->props, spec->name);
      return TRUE;
    }
  problem = _kari_page_prop_check (spec, op->value, &budget, &code);
  if (problem != NULL)
    return op_fail (error, step, op, _("“%s” (“%s”): property “%s”: %s"), node->id,
                    kari_page_node_type_to_string (node->type), spec->name, problem);
  json_object_set_member (node->props, spec->name, json_node_copy (op->value));
  return TRUE;
}

static gboolean
apply_op (Work        *w,
          KariPageOp  *op,
          guint        step,
          GError     **error)
{
  KariPageNode *node, *parent;

  switch (op->kind)
    {
    case KARI_PAGE_OP_SET:
      return apply_set (w, op, step, error);

    case KARI_PAGE_OP_INSERT:
      if (op->node == NULL || (parent = find_parent (w, op, step, 0, error)) == NULL)
        return op->node != NULL ? FALSE : op_fail (error, step, op, _("no node to insert"));
      if (!check_fits (w, parent, op->node, step, op, error))
        return FALSE;
      node = kari_page_node_copy (op->node);
      g_ptr_array_insert (parent->children, op->index, node);
      work_index (w, node, parent);
      return TRUE;

    case KARI_PAGE_OP_REMOVE:
      if ((node = find_node (w, op->node_id, step, op, error)) == NULL)
        return FALSE;
      if (node == w->root)
        return op_fail (error, step, op, _("the root node cannot be removed, only replaced"));
      node = detach (w, node);
      work_unindex (w, node);
      kari_page_node_unref (node);
      return TRUE;

    case KARI_PAGE_OP_MOVE:
      if ((node = find_node (w, op->node_id, step, op, error)) == NULL)
        return FALSE;
      if (node == w->root)
        return op_fail (error, step, op, _("the root node cannot be moved"));
      if ((parent = find_parent (w, op, step, 1, error)) == NULL)
        return FALSE;
      for (KariPageNode *up = parent; up != NULL; up = g_hash_table_lookup (w->parents, up->id))
        if (up == node)
          return op_fail (error, step, op, _("“%s” cannot move inside itself"), node->id);
      node = detach (w, node);
      if (op->index > parent->children->len
          || depth_of (w, parent) + height_of (node) > KARI_PAGE_TREE_MAX_DEPTH)
        {
          kari_page_node_unref (node);
          return op_fail (error, step, op, _("the node does not fit at index %u of “%s”"),
                          op->index, parent->id);
        }
      g_ptr_array_insert (parent->children, op->index, node);
      g_hash_table_insert (w->parents, node->id, parent);
      return TRUE;

    case KARI_PAGE_OP_REPLACE:
      if (op->node == NULL || (node = find_node (w, op->node_id, step, op, error)) == NULL)
        return op->node != NULL ? FALSE : op_fail (error, step, op, _("no node to put in"));
      parent = g_hash_table_lookup (w->parents, node->id);
      {
        guint i = 0;
        KariPageNode *copy;

        if (parent != NULL)
          g_ptr_array_find (parent->children, node, &i);
        work_unindex (w, node);
        if (!check_fits (w, parent, op->node, step, op, error))
          {
            work_index (w, node, parent);
            return FALSE;
          }
        copy = kari_page_node_copy (op->node);
        if (parent != NULL)
          {
            g_ptr_array_insert (parent->children, i + 1, copy);
            g_ptr_array_remove_index (parent->children, i);
          }
        else
          {
            kari_page_node_unref (w->root);
            w->root = copy;
          }
        work_index (w, copy, parent);
        return TRUE;
      }

    default:
      return op_fail (error, step, op, _("unknown step"));
    }
}

/**
 * kari_page_tree_apply:
 * @self: a tree
 * @patch: the steps to apply, usually from kari_page_diff()
 * @error: return location for %KARI_PAGE_TREE_ERROR_PATCH
 *
 * Applies @patch to @self, step by step. Every step is checked (the node
 * exists, the property belongs to its type and its value fits, ids stay
 * unique, bounds hold); if one does not fit, @self is left as it was.
 *
 * Returns: %TRUE if every step applied
 */
gboolean
kari_page_tree_apply (KariPageTree   *self,
                      KariPagePatch  *patch,
                      GError        **error)
{
  Work w = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (KARI_IS_PAGE_TREE (self), FALSE);
  g_return_val_if_fail (patch != NULL, FALSE);

  if (patch->ops->len == 0)
    return TRUE;
  w.root = kari_page_node_copy (kari_page_tree_get_root (self));
  w.index = g_hash_table_new (g_str_hash, g_str_equal);
  w.parents = g_hash_table_new (g_str_hash, g_str_equal);
  work_index (&w, w.root, NULL);
  for (guint i = 0; ok && i < patch->ops->len; i++)
    ok = apply_op (&w, g_ptr_array_index (patch->ops, i), i, error);
  g_hash_table_unref (w.index);
  g_hash_table_unref (w.parents);
  if (!ok)
    {
      kari_page_node_unref (w.root);
      return FALSE;
    }
  _kari_page_tree_set_root (self, w.root);
  return TRUE;
}
