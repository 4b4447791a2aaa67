/* kari-page-node.c: one node of a page tree: its id, type, properties
 * with their defaults, and children.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kari-page-tree-private.h"

KariPageNode *
_kari_page_node_new (const char       *id,
                     KariPageNodeType  type)
{
  KariPageNode *self = g_new0 (KariPageNode, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->id = g_strdup (id);
  self->type = type;
  self->props = json_object_new ();
  if (kari_page_node_type_has_children (type))
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
    g_critical ("a %s node has no property “%s”", kari_page_node_type_to_string (self->type), name);
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
  json_object_set_string_member (object, "type", kari_page_node_type_to_string (self->type));
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
