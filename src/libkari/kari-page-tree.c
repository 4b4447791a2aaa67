/* kari-page-tree.c: a page tree parsed and checked from JSON, with an
 * index by node id.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-json.h"
#include "kari-page-tree-private.h"

struct _KariPageTree
{
  GObject       parent_instance;
  KariPageNode *root;
  GHashTable   *index;     /* id → KariPageNode, borrowed from the tree */
  GHashTable   *parents;   /* id → the parent KariPageNode, borrowed */
};

G_DEFINE_FINAL_TYPE (KariPageTree, kari_page_tree, G_TYPE_OBJECT)

typedef struct
{
  KariLocations *locations;   /* nullable */
  GHashTable    *paths;       /* id → path of the node that has it */
  guint          n_nodes;
  PageBudget     budget;
  GError        *error;
} Parse;

static void
kari_page_tree_finalize (GObject *object)
{
  KariPageTree *self = KARI_PAGE_TREE (object);

  g_clear_pointer (&self->root, kari_page_node_unref);
  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->parents, g_hash_table_unref);

  G_OBJECT_CLASS (kari_page_tree_parent_class)->finalize (object);
}

static void
kari_page_tree_class_init (KariPageTreeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_page_tree_finalize;
}

static void
kari_page_tree_init (KariPageTree *self)
{
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
  self->parents = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
index_subtree (KariPageTree *self,
               KariPageNode *node,
               KariPageNode *parent)
{
  g_hash_table_insert (self->index, node->id, node);
  if (parent != NULL)
    g_hash_table_insert (self->parents, node->id, parent);
  for (guint i = 0; node->children != NULL && i < node->children->len; i++)
    index_subtree (self, g_ptr_array_index (node->children, i), node);
}

void
_kari_page_tree_set_root (KariPageTree *self,
                          KariPageNode *root)
{
  g_hash_table_remove_all (self->index);
  g_hash_table_remove_all (self->parents);
  g_clear_pointer (&self->root, kari_page_node_unref);
  self->root = root;
  index_subtree (self, root, NULL);
}

GHashTable *
_kari_page_tree_get_index (KariPageTree *self)
{
  return self->index;
}

GHashTable *
_kari_page_tree_get_parents (KariPageTree *self)
{
  return self->parents;
}

/* “children[1] (“save”)”, or “root” for the top node. */
static char *
describe_node (const char *path,
               const char *id)
{
  const char *where = *path != '\0' ? path : _("root");

  return id != NULL ? g_strdup_printf ("%s (“%s”)", where, id) : g_strdup (where);
}

/* Fails at the node at @path, or at its @member when not NULL (which
 * gives the line and column when the text's locations are known). */
static gboolean G_GNUC_PRINTF (6, 7)
fail (Parse      *p,
      const char *path,
      const char *id,
      const char *member,
      int         code,
      const char *format,
      ...)
{
  g_autofree char *what = NULL;
  g_autofree char *where = describe_node (path, id);
  g_autofree char *located_at = member != NULL ? kari_path_append_member (path, member) : g_strdup (path);
  KariPosition pos = { 0, 0 };
  va_list args;

  if (p->error != NULL)
    return FALSE;
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  if (p->locations != NULL && kari_locations_find (p->locations, located_at, &pos) && pos.line > 0)
    p->error = g_error_new (KARI_PAGE_TREE_ERROR, code, _("line %u, column %u: %s: %s"),
                            pos.line, pos.column, where, what);
  else
    p->error = g_error_new (KARI_PAGE_TREE_ERROR, code, "%s: %s", where, what);
  return FALSE;
}

static char *
type_names (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < KARI_PAGE_NODE_N_TYPES; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", kari_page_node_type_to_string (i));
  return g_string_free (s, FALSE);
}

static gboolean parse_node (Parse *p, JsonNode *json, const char *path, guint depth, KariPageNode **out);

static gboolean
parse_children (Parse        *p,
                KariPageNode *node,
                JsonNode     *value,
                const char   *path,
                guint         depth)
{
  g_autofree char *children_path = kari_path_append_member (path, "children");
  JsonArray *array;

  if (node->children == NULL)
    return fail (p, path, node->id, "children", KARI_PAGE_TREE_ERROR_INVALID,
                 _("a %s has no children; only box, list, card and status nodes do"),
                 kari_page_node_type_to_string (node->type));
  if (!JSON_NODE_HOLDS_ARRAY (value))
    return fail (p, path, node->id, "children", KARI_PAGE_TREE_ERROR_INVALID,
                 _("“children” must be an array of nodes, found %s"), _kari_page_json_kind (value));
  array = json_node_get_array (value);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child_path = kari_path_append_index (children_path, i);
      KariPageNode *child = NULL;

      if (!parse_node (p, json_array_get_element (array, i), child_path, depth + 1, &child))
        return FALSE;
      g_ptr_array_add (node->children, child);
    }
  return TRUE;
}

static gboolean
parse_props (Parse        *p,
             KariPageNode *node,
             JsonObject   *object,
             const char   *path,
             guint         depth)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  const PagePropSpec *required;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    {
      g_autofree char *problem = NULL;
      const PagePropSpec *spec;
      int code;

      if (strcmp (name, "id") == 0 || strcmp (name, "type") == 0)
        continue;
      if (strcmp (name, "children") == 0)
        {
          if (!parse_children (p, node, value, path, depth))
            return FALSE;
          continue;
        }
      spec = _kari_page_prop_lookup (node->type, name);
      if (spec == NULL)
        {
          g_autofree char *known = _kari_page_prop_list (node->type);
          return fail (p, path, node->id, name, KARI_PAGE_TREE_ERROR_INVALID,
                       _("unknown property “%s” for a %s; expected one of %s"), name,
                       kari_page_node_type_to_string (node->type), known);
        }
      problem = _kari_page_prop_check (spec, value, &p->budget, &code);
      if (problem != NULL)
        return fail (p, path, node->id, name, code, _("property “%s”: %s"), name, problem);
      json_object_set_member (node->props, name, json_node_ref (value));
    }
  for (guint i = 0; (required = _kari_page_prop_required (node->type, i)) != NULL; i++)
    if (!json_object_has_member (object, required->name))
      return fail (p, path, node->id, NULL, KARI_PAGE_TREE_ERROR_INVALID,
                   _("property “%s” is required for a %s"), required->name,
                   kari_page_node_type_to_string (node->type));
  if (p->budget.bytes > KARI_PAGE_TREE_MAX_BYTES)
    return fail (p, path, node->id, NULL, KARI_PAGE_TREE_ERROR_TOO_LARGE,
                 _("the tree holds more than %d bytes of text"), KARI_PAGE_TREE_MAX_BYTES);
  return TRUE;
}

static gboolean
parse_node (Parse       *p,
            JsonNode    *json,
            const char  *path,
            guint        depth,
            KariPageNode **out)
{
  g_autoptr(KariPageNode) node = NULL;
  JsonObject *object;
  JsonNode *id_node, *type_node;
  const char *id, *other;
  KariPageNodeType type;

  if (depth > KARI_PAGE_TREE_MAX_DEPTH)
    return fail (p, path, NULL, NULL, KARI_PAGE_TREE_ERROR_TOO_LARGE,
                 _("nodes nest deeper than %d levels"), KARI_PAGE_TREE_MAX_DEPTH);
  if (++p->n_nodes > KARI_PAGE_TREE_MAX_NODES)
    return fail (p, path, NULL, NULL, KARI_PAGE_TREE_ERROR_TOO_LARGE,
                 _("the tree has more than %d nodes"), KARI_PAGE_TREE_MAX_NODES);
  if (!JSON_NODE_HOLDS_OBJECT (json))
    return fail (p, path, NULL, NULL, KARI_PAGE_TREE_ERROR_INVALID,
                 _("expected a node (an object with “id” and “type”), found %s"),
                 _kari_page_json_kind (json));
  object = json_node_get_object (json);

  id_node = json_object_get_member (object, "id");
  if (id_node == NULL)
    return fail (p, path, NULL, NULL, KARI_PAGE_TREE_ERROR_INVALID,
                 _("“id” is missing; every node needs an id that stays the same between updates"));
  if (!JSON_NODE_HOLDS_VALUE (id_node) || json_node_get_value_type (id_node) != G_TYPE_STRING)
    return fail (p, path, NULL, NULL, KARI_PAGE_TREE_ERROR_INVALID,
                 _("“id” must be a string, found %s"), _kari_page_json_kind (id_node));
  id = json_node_get_string (id_node);
  if (!_kari_page_id_is_valid (id))
    {
      g_autofree char *shown = g_utf8_make_valid (id, MIN (strlen (id), 80));
      return fail (p, path, NULL, NULL, KARI_PAGE_TREE_ERROR_INVALID,
                   _("id “%s” is not valid: expected 1 to %d ASCII letters, digits, “_”, “-”, "
                     "“.” or “:”"), shown, KARI_PAGE_TREE_MAX_ID);
    }
  if ((other = g_hash_table_lookup (p->paths, id)) != NULL)
    {
      g_autofree char *first = describe_node (other, NULL);
      return fail (p, path, id, NULL, KARI_PAGE_TREE_ERROR_DUPLICATE_ID,
                   _("id “%s” is already used by the node at %s; ids must be unique in a page"),
                   id, first);
    }
  g_hash_table_insert (p->paths, (gpointer) id, g_strdup (path));   /* @id lives in the JSON */

  type_node = json_object_get_member (object, "type");
  if (type_node == NULL)
    return fail (p, path, id, NULL, KARI_PAGE_TREE_ERROR_INVALID, _("“type” is missing"));
  if (!JSON_NODE_HOLDS_VALUE (type_node) || json_node_get_value_type (type_node) != G_TYPE_STRING
      || !kari_page_node_type_from_string (json_node_get_string (type_node), &type))
    {
      g_autofree char *names = type_names ();
      return fail (p, path, id, "type", KARI_PAGE_TREE_ERROR_INVALID,
                   _("unknown type %s; expected one of %s"),
                   JSON_NODE_HOLDS_VALUE (type_node) && json_node_get_value_type (type_node) == G_TYPE_STRING
                     ? json_node_get_string (type_node) : _kari_page_json_kind (type_node),
                   names);
    }

  node = _kari_page_node_new (id, type);
  if (!parse_props (p, node, object, path, depth))
    return FALSE;
  *out = g_steal_pointer (&node);
  return TRUE;
}

static KariPageTree *
parse_tree (JsonNode       *json,
            KariLocations  *locations,
            GError        **error)
{
  g_autoptr(KariPageTree) self = NULL;
  Parse p = { 0 };
  KariPageNode *root = NULL;

  p.locations = locations;
  p.paths = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  if (!parse_node (&p, json, "", 1, &root))
    {
      g_hash_table_unref (p.paths);
      g_propagate_error (error, p.error);
      return NULL;
    }
  g_hash_table_unref (p.paths);
  self = g_object_new (KARI_TYPE_PAGE_TREE, NULL);
  _kari_page_tree_set_root (self, root);
  return g_steal_pointer (&self);
}

/**
 * kari_page_tree_new_from_data:
 * @text: a page tree written as JSON
 * @length: the length of @text in bytes, or -1 if it ends with a NUL
 * @error: return location for a #KARI_PAGE_TREE_ERROR
 *
 * Parses and checks a page tree against the page tree schema
 * (io.github.kari.PageTree.schema.json). Errors name the line and
 * column, the node's path and id, the property and what was expected.
 *
 * Returns: (transfer full): the tree, or %NULL
 */
KariPageTree *
kari_page_tree_new_from_data (const char  *text,
                              gssize       length,
                              GError     **error)
{
  g_autoptr(KariLocations) locations = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) json = NULL;
  KariPageTree *tree;
  KariPosition pos = { 0, 0 };

  g_return_val_if_fail (text != NULL, NULL);

  json = kari_json_parse (text, length, NULL, &pos, &local_error);
  if (json == NULL)
    {
      int code = g_error_matches (local_error, KARI_JSON_ERROR, KARI_JSON_ERROR_TOO_LARGE)
                 || g_error_matches (local_error, KARI_JSON_ERROR, KARI_JSON_ERROR_TOO_DEEP)
                 ? KARI_PAGE_TREE_ERROR_TOO_LARGE : KARI_PAGE_TREE_ERROR_PARSE;

      if (pos.line > 0)
        g_set_error (error, KARI_PAGE_TREE_ERROR, code, _("line %u, column %u: %s"),
                     pos.line, pos.column, local_error->message);
      else
        g_set_error_literal (error, KARI_PAGE_TREE_ERROR, code, local_error->message);
      return NULL;
    }
  /* Where every member was written is worth recording only to say where
   * a tree went wrong: parsed again then. */
  if ((tree = parse_tree (json, NULL, &local_error)) != NULL)
    return tree;
  g_clear_pointer (&json, json_node_unref);
  locations = kari_locations_new ();
  json = kari_json_parse (text, length, locations, &pos, NULL);
  if (json == NULL || (tree = parse_tree (json, locations, error)) == NULL)
    {
      if (error != NULL && *error == NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* Cannot happen: the same text gave an error the first time. */
  return tree;
}

/**
 * kari_page_tree_new_from_json:
 * @root: the top node of a page tree, as JSON
 * @error: return location for a #KARI_PAGE_TREE_ERROR
 *
 * Like kari_page_tree_new_from_data() for a tree already parsed. The tree
 * keeps references to @root's values, so @root is sealed (made
 * immutable, see json_node_seal()): what was checked cannot change after.
 *
 * Returns: (transfer full): the tree, or %NULL
 */
KariPageTree *
kari_page_tree_new_from_json (JsonNode  *root,
                              GError   **error)
{
  g_return_val_if_fail (root != NULL, NULL);
  json_node_seal (root);
  return parse_tree (root, NULL, error);
}

static void
parse_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GBytes *bytes = task_data;
  GError *error = NULL;
  gsize size;
  const char *text = g_bytes_get_data (bytes, &size);
  KariPageTree *tree = kari_page_tree_new_from_data (text != NULL ? text : "", size, &error);

  if (tree == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tree, g_object_unref);
}

/**
 * kari_page_tree_new_from_bytes_async:
 * @bytes: a page tree written as JSON
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context when done
 * @user_data: closure for @callback
 *
 * Parses and checks a page tree in a worker thread, so that a large
 * page never holds the main loop; a tree is not tied to a thread.
 */
void
kari_page_tree_new_from_bytes_async (GBytes              *bytes,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (bytes != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kari_page_tree_new_from_bytes_async);
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, parse_in_thread);
}

/**
 * kari_page_tree_new_from_bytes_finish:
 * @result: the result given to the callback
 * @error: return location for a #KARI_PAGE_TREE_ERROR
 *
 * Returns: (transfer full): the tree, or %NULL
 */
KariPageTree *
kari_page_tree_new_from_bytes_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kari_page_tree_copy:
 * @self: a tree
 *
 * Returns: (transfer full): a deep copy of @self
 */
KariPageTree *
kari_page_tree_copy (KariPageTree *self)
{
  KariPageTree *copy;

  g_return_val_if_fail (KARI_IS_PAGE_TREE (self), NULL);
  copy = g_object_new (KARI_TYPE_PAGE_TREE, NULL);
  _kari_page_tree_set_root (copy, kari_page_node_copy (self->root));
  return copy;
}

/**
 * kari_page_tree_get_root:
 * @self: a tree
 *
 * Returns: (transfer none): the top node
 */
KariPageNode *
kari_page_tree_get_root (KariPageTree *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_TREE (self), NULL);
  return self->root;
}

/**
 * kari_page_tree_lookup:
 * @self: a tree
 * @id: a node id
 *
 * Returns: (transfer none) (nullable): the node with @id, or %NULL
 */
KariPageNode *
kari_page_tree_lookup (KariPageTree *self,
                       const char   *id)
{
  g_return_val_if_fail (KARI_IS_PAGE_TREE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return g_hash_table_lookup (self->index, id);
}

/**
 * kari_page_tree_get_parent:
 * @self: a tree
 * @id: a node id
 *
 * Returns: (transfer none) (nullable): the parent of the node with @id,
 *   or %NULL for the root or an unknown id
 */
KariPageNode *
kari_page_tree_get_parent (KariPageTree *self,
                           const char   *id)
{
  g_return_val_if_fail (KARI_IS_PAGE_TREE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return g_hash_table_lookup (self->parents, id);
}

/**
 * kari_page_tree_get_n_nodes:
 * @self: a tree
 *
 * Returns: how many nodes @self holds
 */
guint
kari_page_tree_get_n_nodes (KariPageTree *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_TREE (self), 0);
  return g_hash_table_size (self->index);
}

/**
 * kari_page_tree_to_json:
 * @self: a tree
 *
 * Returns: (transfer full): @self written as JSON, which
 *   kari_page_tree_new_from_json() reads back to an equal tree
 */
JsonNode *
kari_page_tree_to_json (KariPageTree *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_TREE (self), NULL);
  return kari_page_node_to_json (self->root);
}

/**
 * kari_page_tree_equal:
 * @a: a tree
 * @b: another tree
 *
 * Returns: whether @a and @b hold the same nodes, properties and order
 */
gboolean
kari_page_tree_equal (KariPageTree *a,
                      KariPageTree *b)
{
  g_return_val_if_fail (KARI_IS_PAGE_TREE (a) && KARI_IS_PAGE_TREE (b), FALSE);
  return kari_page_node_equal (a->root, b->root);
}
