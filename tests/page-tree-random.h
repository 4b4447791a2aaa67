/* page-tree-random.h — random page trees and random edits of them, for
 * the diff tests and the page benchmark; seeded, so a failure is
 * reproduced from its seed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari.h"

G_BEGIN_DECLS

typedef struct _RNode RNode;
struct _RNode
{
  char       *id;
  const char *type;
  JsonObject *props;
  GPtrArray  *children;   /* RNode, NULL for leaves */
};

typedef struct
{
  GRand      *rand;
  guint       next_id;
  GPtrArray  *dead_ids;    /* ids no longer in the tree, to be reused */
  guint       max_depth;
} RGen;

static const char * const rnode_containers[] = { "box", "list", "card", "status" };
static const char * const rnode_leaves[] = { "label", "button", "switch", "spin", "progress" };

static void
rnode_free (RNode *n)
{
  g_free (n->id);
  json_object_unref (n->props);
  g_clear_pointer (&n->children, g_ptr_array_unref);
  g_free (n);
}

static inline gboolean
rnode_is_container (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (rnode_containers); i++)
    if (g_str_equal (type, rnode_containers[i]))
      return TRUE;
  return FALSE;
}

static inline const char *
rgen_pick (RGen               *g,
           const char * const *from,
           guint               n)
{
  return from[g_rand_int_range (g->rand, 0, (gint32) n)];
}

/* Sets or changes one valid property of @n. */
static inline void
rgen_set_prop (RGen  *g,
               RNode *n)
{
  static const char * const words[] = { "alpha", "beta", "gamma", "delta" };
  guint pick = g_rand_int_range (g->rand, 0, 4);

  if (pick == 0)
    {
      json_object_set_boolean_member (n->props, "visible", g_rand_boolean (g->rand));
      return;
    }
  if (pick == 1)
    {
      json_object_set_string_member (n->props, "tooltip", rgen_pick (g, words, 4));
      return;
    }
  if (g_str_equal (n->type, "box"))
    json_object_set_int_member (n->props, "spacing", g_rand_int_range (g->rand, 0, 12));
  else if (g_str_equal (n->type, "list"))
    json_object_set_string_member (n->props, "selection", g_rand_boolean (g->rand) ? "none" : "single");
  else if (g_str_equal (n->type, "card") || g_str_equal (n->type, "status"))
    json_object_set_string_member (n->props, "description", rgen_pick (g, words, 4));
  else if (g_str_equal (n->type, "label"))
    json_object_set_string_member (n->props, "text", rgen_pick (g, words, 4));
  else if (g_str_equal (n->type, "button"))
    json_object_set_string_member (n->props, "label", rgen_pick (g, words, 4));
  else if (g_str_equal (n->type, "switch"))
    json_object_set_boolean_member (n->props, "active", g_rand_boolean (g->rand));
  else if (g_str_equal (n->type, "spin"))
    json_object_set_double_member (n->props, "value", g_rand_int_range (g->rand, 0, 8) / 2.0);
  else
    json_object_set_double_member (n->props, "fraction", g_rand_int_range (g->rand, 0, 5) / 4.0);
}

static inline char *
rgen_id (RGen *g)
{
  if (g->dead_ids->len > 0 && g_rand_int_range (g->rand, 0, 3) == 0)
    return g_ptr_array_steal_index_fast (g->dead_ids,
                                         g_rand_int_range (g->rand, 0, (gint32) g->dead_ids->len));
  return g_strdup_printf ("n%u", g->next_id++);
}

static inline RNode *
rgen_node (RGen  *g,
           guint  depth,
           guint *budget)
{
  RNode *n = g_new0 (RNode, 1);
  gboolean container = depth < g->max_depth && g_rand_int_range (g->rand, 0, 10) < 4;

  n->id = rgen_id (g);
  n->type = container ? rgen_pick (g, rnode_containers, G_N_ELEMENTS (rnode_containers))
                      : rgen_pick (g, rnode_leaves, G_N_ELEMENTS (rnode_leaves));
  n->props = json_object_new ();
  for (guint i = g_rand_int_range (g->rand, 0, 3); i > 0; i--)
    rgen_set_prop (g, n);
  if (container)
    {
      n->children = g_ptr_array_new_with_free_func ((GDestroyNotify) rnode_free);
      for (guint i = g_rand_int_range (g->rand, 0, 6); i > 0 && *budget > 0; i--)
        {
          (*budget)--;
          g_ptr_array_add (n->children, rgen_node (g, depth + 1, budget));
        }
    }
  return n;
}

static inline RNode *
rgen_tree (RGen  *g,
           guint  nodes)
{
  RNode *root = g_new0 (RNode, 1);
  guint budget = nodes;

  root->id = g_strdup ("root");
  root->type = "box";
  root->props = json_object_new ();
  root->children = g_ptr_array_new_with_free_func ((GDestroyNotify) rnode_free);
  while (budget > 0)
    {
      budget--;
      g_ptr_array_add (root->children, rgen_node (g, 2, &budget));
    }
  return root;
}

static inline RNode *
rnode_copy (RNode *n)
{
  RNode *c = g_new0 (RNode, 1);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  c->id = g_strdup (n->id);
  c->type = n->type;
  /* json_node_copy() shares objects; the values are scalars, copied one by one. */
  c->props = json_object_new ();
  json_object_iter_init (&iter, n->props);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (c->props, name, json_node_copy (value));
  if (n->children != NULL)
    {
      c->children = g_ptr_array_new_with_free_func ((GDestroyNotify) rnode_free);
      for (guint i = 0; i < n->children->len; i++)
        g_ptr_array_add (c->children, rnode_copy (g_ptr_array_index (n->children, i)));
    }
  return c;
}

/* Every node with its parent (NULL for the root), in pre-order. */
static inline void
rnode_collect (RNode     *n,
               RNode     *parent,
               GPtrArray *nodes,
               GPtrArray *parents)
{
  g_ptr_array_add (nodes, n);
  g_ptr_array_add (parents, parent);
  for (guint i = 0; n->children != NULL && i < n->children->len; i++)
    rnode_collect (g_ptr_array_index (n->children, i), n, nodes, parents);
}

static inline void
rgen_bury (RGen  *g,
           RNode *n)
{
  g_ptr_array_add (g->dead_ids, g_strdup (n->id));
  for (guint i = 0; n->children != NULL && i < n->children->len; i++)
    rgen_bury (g, g_ptr_array_index (n->children, i));
}

static inline gboolean
rnode_contains (RNode *top,
                RNode *n)
{
  if (top == n)
    return TRUE;
  for (guint i = 0; top->children != NULL && i < top->children->len; i++)
    if (rnode_contains (g_ptr_array_index (top->children, i), n))
      return TRUE;
  return FALSE;
}

static inline guint
rnode_count (RNode *n)
{
  guint count = 1;

  for (guint i = 0; n->children != NULL && i < n->children->len; i++)
    count += rnode_count (g_ptr_array_index (n->children, i));
  return count;
}

/* One random edit: a property, an insert, a removal, a move, a type
 * change or a shuffle. Returns how many patch steps the edit may take at
 * most (a removed id may come back elsewhere, so a removal may cost its
 * subtree). */
static inline guint
rgen_edit (RGen  *g,
           RNode *root)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GPtrArray) parents = g_ptr_array_new ();
  g_autoptr(GPtrArray) containers = g_ptr_array_new ();
  guint pick, which;
  RNode *n, *parent;

  rnode_collect (root, NULL, nodes, parents);
  for (guint i = 0; i < nodes->len; i++)
    if (((RNode *) g_ptr_array_index (nodes, i))->children != NULL)
      g_ptr_array_add (containers, g_ptr_array_index (nodes, i));
  which = g_rand_int_range (g->rand, 0, (gint32) nodes->len);
  n = g_ptr_array_index (nodes, which);
  parent = g_ptr_array_index (parents, which);
  pick = g_rand_int_range (g->rand, 0, 8);

  if (pick <= 1 || parent == NULL)
    {
      if (pick == 1 && json_object_get_size (n->props) > 0)
        {
          g_autoptr(GList) names = json_object_get_members (n->props);
          json_object_remove_member (n->props, names->data);
        }
      else
        rgen_set_prop (g, n);
      return 1;
    }
  else if (pick == 2)
    {
      guint cost = rnode_count (n);

      rgen_bury (g, n);
      g_ptr_array_remove (parent->children, n);
      return cost;
    }
  else if (pick == 3)
    {
      RNode *into = g_ptr_array_index (containers, g_rand_int_range (g->rand, 0, (gint32) containers->len));
      guint budget = 4;
      RNode *fresh = rgen_node (g, 3, &budget);

      g_ptr_array_insert (into->children, g_rand_int_range (g->rand, 0, (gint32) into->children->len + 1), fresh);
      return rnode_count (fresh);
    }
  else if (pick == 4)
    {
      RNode *into = g_ptr_array_index (containers, g_rand_int_range (g->rand, 0, (gint32) containers->len));

      if (!rnode_contains (n, into) && g_ptr_array_find (parent->children, n, &which))
        {
          g_ptr_array_steal_index (parent->children, which);
          g_ptr_array_insert (into->children, g_rand_int_range (g->rand, 0, (gint32) into->children->len + 1), n);
        }
      return 1;
    }
  else if (pick == 5)
    {
      const char *type = g_rand_boolean (g->rand)
                         ? rgen_pick (g, rnode_containers, G_N_ELEMENTS (rnode_containers))
                         : rgen_pick (g, rnode_leaves, G_N_ELEMENTS (rnode_leaves));

      guint cost = rnode_count (n);

      if (!g_str_equal (type, n->type))
        {
          json_object_unref (n->props);
          n->props = json_object_new ();
          if (!rnode_is_container (type) && n->children != NULL)
            {
              for (guint i = 0; i < n->children->len; i++)
                rgen_bury (g, g_ptr_array_index (n->children, i));
              g_clear_pointer (&n->children, g_ptr_array_unref);
            }
          else if (rnode_is_container (type) && n->children == NULL)
            n->children = g_ptr_array_new_with_free_func ((GDestroyNotify) rnode_free);
          n->type = type;
        }
      return cost;
    }
  else if (parent->children->len > 1)
    {
      /* Shuffle the node's siblings. */
      for (guint i = parent->children->len - 1; i > 0; i--)
        {
          guint j = g_rand_int_range (g->rand, 0, (gint32) i + 1);
          gpointer t = parent->children->pdata[i];

          parent->children->pdata[i] = parent->children->pdata[j];
          parent->children->pdata[j] = t;
        }
      return parent->children->len;
    }
  return 0;
}

static inline JsonNode *
rnode_to_json (RNode *n)
{
  JsonObject *object = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  JsonNode *node;

  json_object_iter_init (&iter, n->props);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (object, name, json_node_copy (value));
  json_object_set_string_member (object, "id", n->id);
  json_object_set_string_member (object, "type", n->type);
  if (n->children != NULL)
    {
      JsonArray *children = json_array_new ();

      for (guint i = 0; i < n->children->len; i++)
        json_array_add_element (children, rnode_to_json (g_ptr_array_index (n->children, i)));
      json_object_set_array_member (object, "children", children);
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

static inline KariPageTree *
rnode_to_tree (RNode *n)
{
  g_autoptr(JsonNode) json = rnode_to_json (n);
  g_autoptr(GError) error = NULL;
  KariPageTree *tree = kari_page_tree_new_from_json (json, &error);

  if (tree == NULL)
    g_error ("a random tree was refused: %s", error->message);
  return tree;
}

static inline void
rgen_init (RGen    *g,
           guint32  seed)
{
  g->rand = g_rand_new_with_seed (seed);
  g->next_id = 0;
  g->dead_ids = g_ptr_array_new_with_free_func (g_free);
  g->max_depth = 6;
}

static inline void
rgen_clear (RGen *g)
{
  g_rand_free (g->rand);
  g_ptr_array_unref (g->dead_ids);
}

G_END_DECLS
