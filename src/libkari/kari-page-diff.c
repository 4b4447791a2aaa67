/* kari-page-diff.c: the smallest patch between two page trees, by node id.
 *
 * A node of the new tree is kept when the old tree has its id with the
 * same type and its new parent is kept too: its widget lives on and only
 * its changed properties are set. A node whose type changed under the
 * same parent is replaced in place. Everything else of the old tree goes,
 * everything else of the new tree comes in as whole subtrees.
 *
 * The steps are computed on a shadow of the old tree (ids and children
 * only), so every index is the one the step will see when it runs:
 *   1. set the changed properties of kept nodes;
 *   2. move kept nodes out of subtrees that go (to the end of their new parent);
 *   3. remove what goes, then replace what changed type;
 *   4. per kept parent, in the new tree's order, keep the longest run of
 *      children already in order and move or insert the others.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kari-page-patch-private.h"

typedef struct _Shadow Shadow;
struct _Shadow
{
  const char *id;
  Shadow     *parent;
  GPtrArray  *children;   /* Shadow, not owned; NULL for leaves and new subtrees */
  guint       pos;        /* scratch: index in the parent's children */
};

typedef struct
{
  GHashTable    *a_index;
  GHashTable    *a_parents;
  GHashTable    *kept;       /* id set, filled only when the shape changed */
  guint          n_kept;
  GHashTable    *replaced;   /* id → the new node */
  gboolean       reshaped;   /* some kept node's children changed */
  GHashTable    *shadows;    /* id → Shadow of the tree as the steps leave it */
  GPtrArray     *owned;      /* every Shadow made */
  KariPagePatch *patch;
} Diff;

static void
shadow_free (Shadow *s)
{
  g_clear_pointer (&s->children, g_ptr_array_unref);
  g_free (s);
}

static Shadow *
shadow_new (Diff       *d,
            const char *id,
            Shadow     *parent,
            gboolean    has_children)
{
  Shadow *s = g_new0 (Shadow, 1);

  s->id = id;
  s->parent = parent;
  if (has_children)
    s->children = g_ptr_array_new ();
  g_ptr_array_add (d->owned, s);
  g_hash_table_insert (d->shadows, (gpointer) id, s);
  return s;
}

static Shadow *
shadow_build (Diff         *d,
              KariPageNode *node,
              Shadow       *parent)
{
  Shadow *s = shadow_new (d, node->id, parent, node->children != NULL);

  for (guint i = 0; node->children != NULL && i < node->children->len; i++)
    g_ptr_array_add (s->children, shadow_build (d, g_ptr_array_index (node->children, i), s));
  return s;
}

static void
shadow_forget (Diff   *d,
               Shadow *s)
{
  g_hash_table_remove (d->shadows, s->id);
  for (guint i = 0; s->children != NULL && i < s->children->len; i++)
    shadow_forget (d, g_ptr_array_index (s->children, i));
}

static guint
shadow_detach (Shadow *s)
{
  guint i = 0;

  g_ptr_array_find (s->parent->children, s, &i);
  g_ptr_array_remove_index (s->parent->children, i);
  s->parent = NULL;
  return i;
}

static void
shadow_attach (Shadow *s,
               Shadow *parent,
               guint   index)
{
  g_ptr_array_insert (parent->children, index, s);
  s->parent = parent;
}

static void
emit_move (Diff   *d,
           Shadow *s,
           Shadow *parent,
           guint   index)
{
  KariPageOp *op = _kari_page_patch_add (d->patch, KARI_PAGE_OP_MOVE, s->id);

  op->parent_id = g_strdup (parent->id);
  op->index = index;
  shadow_attach (s, parent, index);
}

static void
diff_props (Diff         *d,
            KariPageNode *a,
            KariPageNode *b)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, b->props);
  while (json_object_iter_next (&iter, &name, &value))
    {
      JsonNode *old = json_object_get_member (a->props, name);

      if (old == NULL || !json_node_equal (old, value))
        {
          KariPageOp *op = _kari_page_patch_add (d->patch, KARI_PAGE_OP_SET, b->id);
          op->property = g_strdup (name);
          op->value = json_node_ref (value);
        }
    }
  json_object_iter_init (&iter, a->props);
  while (json_object_iter_next (&iter, &name, &value))
    if (!json_object_has_member (b->props, name))
      {
        KariPageOp *op = _kari_page_patch_add (d->patch, KARI_PAGE_OP_SET, b->id);
        op->property = g_strdup (name);
      }
}

/* Marks what is kept and replaced under the kept node @b, and sets the
 * properties that changed, in the new tree's order. */
static void
mark (Diff         *d,
      KariPageNode *b)
{
  KariPageNode *a = g_hash_table_lookup (d->a_index, b->id);
  guint n = b->children != NULL ? b->children->len : 0;

  d->n_kept++;
  diff_props (d, a, b);
  if (n != (a->children != NULL ? a->children->len : 0))
    d->reshaped = TRUE;
  for (guint i = 0; i < n; i++)
    {
      KariPageNode *c = g_ptr_array_index (b->children, i);
      KariPageNode *old = g_hash_table_lookup (d->a_index, c->id);

      /* The same child at the same place is the same node of the old tree. */
      if (!d->reshaped && old != g_ptr_array_index (a->children, i))
        d->reshaped = TRUE;
      if (old != NULL && old->type == c->type)
        mark (d, c);
      else if (old != NULL && g_hash_table_lookup (d->a_parents, c->id) == a)
        {
          g_hash_table_insert (d->replaced, c->id, c);
          d->reshaped = TRUE;
        }
    }
}

/* The kept set, for when the shape changed: same walk as mark (). */
static void
mark_kept (Diff         *d,
           KariPageNode *b)
{
  g_hash_table_add (d->kept, b->id);
  for (guint i = 0; b->children != NULL && i < b->children->len; i++)
    {
      KariPageNode *c = g_ptr_array_index (b->children, i);
      KariPageNode *old = g_hash_table_lookup (d->a_index, c->id);

      if (old != NULL && old->type == c->type)
        mark_kept (d, c);
    }
}

static gboolean
is_doomed (Diff   *d,
           Shadow *s)
{
  return !g_hash_table_contains (d->kept, s->id);
}

/* Step 2: kept nodes that sit, in the old tree, under a node that goes. */
static void
rescue (Diff         *d,
        KariPageNode *b)
{
  for (guint i = 0; b->children != NULL && i < b->children->len; i++)
    {
      KariPageNode *c = g_ptr_array_index (b->children, i);
      Shadow *s;

      if (!g_hash_table_contains (d->kept, c->id))
        continue;
      s = g_hash_table_lookup (d->shadows, c->id);
      for (Shadow *up = s->parent; up != NULL; up = up->parent)
        if (is_doomed (d, up))
          {
            Shadow *parent = g_hash_table_lookup (d->shadows, b->id);

            shadow_detach (s);
            emit_move (d, s, parent, parent->children->len);
            break;
          }
      rescue (d, c);
    }
}

/* The top-most nodes that go, under kept nodes. */
static void
collect_doomed (Diff      *d,
                Shadow    *s,
                GPtrArray *out)
{
  for (guint i = 0; s->children != NULL && i < s->children->len; i++)
    {
      Shadow *c = g_ptr_array_index (s->children, i);

      if (is_doomed (d, c))
        g_ptr_array_add (out, c);
      else
        collect_doomed (d, c, out);
    }
}

static gboolean
is_inside (Shadow *s,
           Shadow *top)
{
  for (; s != NULL; s = s->parent)
    if (s == top)
      return TRUE;
  return FALSE;
}

/* Whether an id of the new subtree @b is still used outside @s. */
static gboolean
clashes (Diff         *d,
         KariPageNode *b,
         Shadow       *s)
{
  Shadow *other = g_hash_table_lookup (d->shadows, b->id);

  if (other != NULL && !is_inside (other, s))
    return TRUE;
  for (guint i = 0; b->children != NULL && i < b->children->len; i++)
    if (clashes (d, g_ptr_array_index (b->children, i), s))
      return TRUE;
  return FALSE;
}

static void
remove_doomed (Diff *d)
{
  g_autoptr(GPtrArray) doomed = g_ptr_array_new ();
  Shadow *root = g_ptr_array_index (d->owned, 0);

  collect_doomed (d, root, doomed);
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < doomed->len; i++)
      {
        Shadow *s = g_ptr_array_index (doomed, i);
        KariPageNode *b = g_hash_table_lookup (d->replaced, s->id);
        guint index;

        /* Removals first, so that a new subtree never meets an old id. */
        if ((pass == 0) != (b == NULL))
          continue;
        if (b != NULL && !clashes (d, b, s))
          {
            KariPageOp *op = _kari_page_patch_add (d->patch, KARI_PAGE_OP_REPLACE, s->id);
            Shadow *parent = s->parent;

            op->node = kari_page_node_ref (b);
            index = shadow_detach (s);
            shadow_forget (d, s);
            shadow_attach (shadow_new (d, b->id, NULL, FALSE), parent, index);
            continue;
          }
        /* A replacement whose new subtree reuses ids still in use elsewhere
         * goes and comes back as an insert, once those ids are gone. */
        _kari_page_patch_add (d->patch, KARI_PAGE_OP_REMOVE, s->id);
        shadow_detach (s);
        shadow_forget (d, s);
      }
}

/* Marks in @stay the longest increasing run of @positions (-1 = absent). */
static void
longest_run (const int *positions,
             guint      n,
             gboolean  *stay)
{
  g_autofree guint *tails = g_new (guint, n + 1);   /* index of the run's end, by length */
  g_autofree int *previous = g_new (int, n);
  guint length = 0;

  for (guint i = 0; i < n; i++)
    {
      guint lo = 0, hi = length;

      stay[i] = FALSE;
      if (positions[i] < 0)
        continue;
      while (lo < hi)
        {
          guint mid = (lo + hi) / 2;
          if (positions[tails[mid]] < positions[i])
            lo = mid + 1;
          else
            hi = mid;
        }
      previous[i] = lo > 0 ? (int) tails[lo - 1] : -1;
      tails[lo] = i;
      if (lo == length)
        length++;
    }
  for (int i = length > 0 ? (int) tails[length - 1] : -1; i >= 0; i = previous[i])
    stay[i] = TRUE;
}

/* Step 4 for the kept node @b and, recursively, its kept children. */
static void
order_children (Diff         *d,
                KariPageNode *b)
{
  Shadow *ps = g_hash_table_lookup (d->shadows, b->id);
  guint n = b->children != NULL ? b->children->len : 0;
  g_autofree int *positions = NULL;
  g_autofree gboolean *stay = NULL;
  Shadow *previous = NULL;

  if (n == 0 && (ps->children == NULL || ps->children->len == 0))
    return;
  positions = g_new (int, n);
  stay = g_new (gboolean, n);
  for (guint i = 0; i < ps->children->len; i++)
    ((Shadow *) g_ptr_array_index (ps->children, i))->pos = i;
  for (guint i = 0; i < n; i++)
    {
      KariPageNode *c = g_ptr_array_index (b->children, i);
      Shadow *s = g_hash_table_lookup (d->shadows, c->id);

      positions[i] = s != NULL && s->parent == ps ? (int) s->pos : -1;
    }
  longest_run (positions, n, stay);

  for (guint i = 0; i < n; i++)
    {
      KariPageNode *c = g_ptr_array_index (b->children, i);
      Shadow *s = g_hash_table_lookup (d->shadows, c->id);
      guint index = 0;

      if (!stay[i])
        {
          if (s != NULL)
            shadow_detach (s);
          if (previous != NULL)
            {
              g_ptr_array_find (ps->children, previous, &index);
              index++;
            }
          if (s != NULL)
            emit_move (d, s, ps, index);
          else
            {
              KariPageOp *op = _kari_page_patch_add (d->patch, KARI_PAGE_OP_INSERT, NULL);

              op->parent_id = g_strdup (b->id);
              op->index = index;
              op->node = kari_page_node_ref (c);
              s = shadow_new (d, c->id, NULL, FALSE);
              shadow_attach (s, ps, index);
            }
        }
      previous = s;
    }
  for (guint i = 0; i < n; i++)
    {
      KariPageNode *c = g_ptr_array_index (b->children, i);

      if (g_hash_table_contains (d->kept, c->id))
        order_children (d, c);
    }
}

/**
 * kari_page_diff:
 * @old_tree: the tree shown now
 * @new_tree: the tree to show
 *
 * Computes the steps that turn @old_tree into @new_tree, matching nodes
 * by id: changed properties are set, nodes that moved are moved, new
 * subtrees inserted, gone ones removed, and a node whose type changed is
 * replaced. Nodes that stay in place cost nothing, so a page can be
 * updated many times a second without rebuilding its widgets. The patch
 * holds references to @new_tree's nodes.
 *
 * Returns: (transfer full): the patch, with no steps when the trees are equal
 */
KariPagePatch *
kari_page_diff (KariPageTree *old_tree,
                KariPageTree *new_tree)
{
  KariPageNode *a_root, *b_root;
  Diff d = { 0 };

  g_return_val_if_fail (KARI_IS_PAGE_TREE (old_tree), NULL);
  g_return_val_if_fail (KARI_IS_PAGE_TREE (new_tree), NULL);

  d.patch = _kari_page_patch_new ();
  a_root = kari_page_tree_get_root (old_tree);
  b_root = kari_page_tree_get_root (new_tree);
  if (a_root->type != b_root->type || strcmp (a_root->id, b_root->id) != 0)
    {
      KariPageOp *op = _kari_page_patch_add (d.patch, KARI_PAGE_OP_REPLACE, a_root->id);
      op->node = kari_page_node_ref (b_root);
      return d.patch;
    }

  d.a_index = _kari_page_tree_get_index (old_tree);
  d.a_parents = _kari_page_tree_get_parents (old_tree);
  d.kept = g_hash_table_new (g_str_hash, g_str_equal);
  d.replaced = g_hash_table_new (g_str_hash, g_str_equal);
  mark (&d, b_root);
  if (d.reshaped || d.n_kept != g_hash_table_size (d.a_index))
    {
      mark_kept (&d, b_root);
      d.shadows = g_hash_table_new (g_str_hash, g_str_equal);
      d.owned = g_ptr_array_new_with_free_func ((GDestroyNotify) shadow_free);
      shadow_build (&d, a_root, NULL);
      rescue (&d, b_root);
      remove_doomed (&d);
      order_children (&d, b_root);
      g_hash_table_unref (d.shadows);
      g_ptr_array_unref (d.owned);
    }
  g_hash_table_unref (d.kept);
  g_hash_table_unref (d.replaced);
  return d.patch;
}
