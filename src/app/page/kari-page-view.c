/* kari-page-view.c: renders a page tree to real GTK widgets and applies
 * patches in place, so widgets whose node keeps its id keep their
 * identity, focus, selection and scroll.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-page-view-private.h"

struct _KariPageView
{
  GtkWidget      parent_instance;
  GtkWidget     *scrolled;
  GtkWidget     *clamp;      /* the page's width and margins, as GNOME pages have */
  KariPageTree  *tree;
  KariPageEntry *root;
  GHashTable    *entries;    /* id → KariPageEntry, owned */
  char          *base_dir;
  char          *file;       /* the page's file in base_dir, when loaded from one */
  GFileMonitor  *monitor;
  char          *load_error;
  GCancellable  *cancellable;   /* cancelled when the view goes */
  guint          reloads;       /* how many file reloads were started */
  guint          applying;   /* > 0 while the view changes widgets itself */
};

G_DEFINE_FINAL_TYPE (KariPageView, kari_page_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BASE_DIR,
  PROP_LOAD_ERROR,
  N_PROPS
};

enum {
  SIGNAL_EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
entry_free (KariPageEntry *e)
{
  /* A widget may outlive its entry a little (a pending image load holds
   * it): it must not call back into a freed entry. */
  g_signal_handlers_disconnect_by_data (e->widget, e);
  if (e->data_free != NULL)
    g_clear_pointer (&e->data, e->data_free);
  g_clear_pointer (&e->synced, json_node_unref);
  g_clear_pointer (&e->children, g_ptr_array_unref);
  g_clear_object (&e->outer);
  g_clear_object (&e->widget);
  g_free (e->image_src);
  g_free (e->id);
  g_free (e);
}

gboolean
_kari_page_view_is_applying (KariPageView *self)
{
  return self->applying > 0;
}

void
_kari_page_view_emit (KariPageView *self,
                      const char   *id,
                      const char   *kind,
                      JsonNode     *value)
{
  g_autoptr(JsonNode) owned = value;

  if (self->applying > 0)
    return;
  if (owned == NULL)
    owned = json_node_new (JSON_NODE_NULL);
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, id, kind, owned);
}

/* Children of a card become rows: an AdwActionRow titled with the child's
 * `title`, or a plain row when it has none. Children of a list become
 * plain rows. Elsewhere the widget sits as it is. */
static GtkWidget *
wrap_for (KariPageEntry *parent,
          KariPageEntry *child,
          KariPageNode  *node)
{
  const char *title;
  GtkWidget *row;

  if (parent == NULL || (parent->type != KARI_PAGE_NODE_CARD && parent->type != KARI_PAGE_NODE_LIST))
    return g_object_ref (child->widget);
  title = node != NULL ? kari_page_node_get_string (node, "title") : "";
  if (parent->type == KARI_PAGE_NODE_CARD && *title != '\0')
    {
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_widget_set_valign (child->widget, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), child->widget);
      if (child->type == KARI_PAGE_NODE_SWITCH || child->type == KARI_PAGE_NODE_BUTTON)
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), child->widget);
    }
  else
    {
      /* A preferences row, so that a card puts it in its boxed list. */
      row = parent->type == KARI_PAGE_NODE_CARD ? adw_preferences_row_new () : gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), child->widget);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row),
                                        parent->type == KARI_PAGE_NODE_LIST
                                        && g_object_get_data (G_OBJECT (parent->container), "kari-activatable"));
    }
  if (!ADW_IS_ACTION_ROW (row))
    gtk_widget_add_css_class (row, "kari-row");
  g_object_set_data_full (G_OBJECT (row), "kari-page-id", g_strdup (child->id), g_free);
  return g_object_ref_sink (row);
}

static void
unwrap (KariPageEntry *child)
{
  if (child->outer == child->widget)
    return;
  if (ADW_IS_ACTION_ROW (child->outer))
    adw_action_row_remove (ADW_ACTION_ROW (child->outer), child->widget);
  else
    gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (child->outer), NULL);
}

static GtkWidget *
nth_outer (KariPageEntry *parent,
           guint          index)
{
  return ((KariPageEntry *) g_ptr_array_index (parent->children, index))->outer;
}

/* Puts @child's outer widget at @index among @parent's children. */
static void
place (KariPageEntry *parent,
       KariPageEntry *child,
       guint          index)
{
  child->parent = parent;
  g_ptr_array_insert (parent->children, index, child);
  switch (parent->type)
    {
    case KARI_PAGE_NODE_LIST:
      gtk_list_box_insert (GTK_LIST_BOX (parent->container), child->outer, index);
      break;

    case KARI_PAGE_NODE_CARD:
      /* A preferences group only appends: the rows after @index go and
       * come back behind the new one, keeping their identity. */
      for (guint i = index + 1; i < parent->children->len; i++)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (parent->container), nth_outer (parent, i));
      for (guint i = index; i < parent->children->len; i++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (parent->container), nth_outer (parent, i));
      break;

    default:
      gtk_box_insert_child_after (GTK_BOX (parent->container), child->outer,
                                  index > 0 ? nth_outer (parent, index - 1) : NULL);
      break;
    }
}

static void
unplace (KariPageEntry *child)
{
  KariPageEntry *parent = child->parent;

  if (parent == NULL)
    return;
  switch (parent->type)
    {
    case KARI_PAGE_NODE_LIST:
      gtk_list_box_remove (GTK_LIST_BOX (parent->container), child->outer);
      break;
    case KARI_PAGE_NODE_CARD:
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (parent->container), child->outer);
      break;
    default:
      gtk_box_remove (GTK_BOX (parent->container), child->outer);
      break;
    }
  g_ptr_array_remove (parent->children, child);
  child->parent = NULL;
}

static guint
index_in_parent (KariPageEntry *child)
{
  guint index = 0;

  g_ptr_array_find (child->parent->children, child, &index);
  return index;
}

/* A hidden node in a row hides the row; the widget inside stays visible,
 * so it shows again wherever it moves. */
static void
sync_visible (KariPageEntry *e,
              KariPageNode  *node)
{
  if (e->outer != e->widget)
    gtk_widget_set_visible (e->widget, TRUE);
  gtk_widget_set_visible (e->outer, kari_page_node_get_boolean (node, "visible"));
}

static void
sync_common (KariPageEntry *e,
             KariPageNode  *node)
{
  const char *tooltip = kari_page_node_get_string (node, "tooltip");

  sync_visible (e, node);
  gtk_widget_set_sensitive (e->widget, kari_page_node_get_boolean (node, "sensitive"));
  if (g_strcmp0 (gtk_widget_get_tooltip_text (e->widget), *tooltip ? tooltip : NULL) != 0)
    gtk_widget_set_tooltip_text (e->widget, *tooltip ? tooltip : NULL);

  /* In a card, the title is the row's: retitle, or rewrap when a row
   * gains or loses its title. */
  if (e->parent != NULL && e->parent->type == KARI_PAGE_NODE_CARD)
    {
      const char *title = kari_page_node_get_string (node, "title");
      gboolean titled = ADW_IS_ACTION_ROW (e->outer);

      if (titled && *title != '\0')
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (e->outer), title);
      else if (titled != (*title != '\0'))
        {
          KariPageEntry *parent = e->parent;
          guint index = index_in_parent (e);

          unplace (e);
          unwrap (e);
          g_clear_object (&e->outer);
          e->outer = wrap_for (parent, e, node);
          sync_visible (e, node);
          place (parent, e, index);
        }
    }
}

static void
sync_entry (KariPageEntry *e,
            KariPageNode  *node)
{
  _kari_page_renderer_for (e->type)->sync (e, node);
  sync_common (e, node);
}

static void
forget (KariPageView  *self,
        KariPageEntry *e)
{
  for (guint i = 0; e->children != NULL && i < e->children->len; i++)
    forget (self, g_ptr_array_index (e->children, i));
  if (e->children != NULL)
    g_ptr_array_set_size (e->children, 0);
  g_hash_table_remove (self->entries, e->id);
}

/* Makes the widgets of @node's subtree, placed under @parent (NULL for
 * the root) at @index. */
static KariPageEntry *
build (KariPageView  *self,
       KariPageNode  *node,
       KariPageEntry *parent,
       guint          index)
{
  KariPageEntry *e = g_new0 (KariPageEntry, 1);
  guint n = kari_page_node_get_n_children (node);

  e->view = self;
  e->id = g_strdup (kari_page_node_get_id (node));
  e->type = kari_page_node_get_node_type (node);
  if (kari_page_node_type_has_children (e->type))
    e->children = g_ptr_array_new ();
  e->widget = g_object_ref_sink (_kari_page_renderer_for (e->type)->create (e));
  g_hash_table_replace (self->entries, e->id, e);
  _kari_page_renderer_for (e->type)->sync (e, node);
  e->outer = wrap_for (parent, e, node);
  if (parent != NULL)
    place (parent, e, index);
  sync_common (e, node);
  for (guint i = 0; i < n; i++)
    build (self, kari_page_node_get_child (node, i), e, i);
  return e;
}

static void
set_root (KariPageView  *self,
          KariPageEntry *root)
{
  self->root = root;
  adw_clamp_set_child (ADW_CLAMP (self->clamp), root != NULL ? root->outer : NULL);
}

static void
clear (KariPageView *self)
{
  set_root (self, NULL);
  g_hash_table_remove_all (self->entries);
}

static KariPageEntry *
entry_for (KariPageView *self,
           const char   *id)
{
  KariPageEntry *e = id != NULL ? g_hash_table_lookup (self->entries, id) : NULL;

  /* The patch comes from kari_page_diff() of the tree shown: a step that
   * names an unknown node is a bug in this program, not bad input. */
  if (e == NULL)
    g_critical ("page patch names the unknown node “%s”", id ? id : "(null)");
  return e;
}

static void
apply_op (KariPageView     *self,
          const KariPageOp *op,
          KariPageTree     *new_tree,
          GHashTable       *to_sync)
{
  KariPageEntry *e, *parent;
  guint index;

  switch (op->kind)
    {
    case KARI_PAGE_OP_SET:
      g_hash_table_add (to_sync, op->node_id);
      break;

    case KARI_PAGE_OP_INSERT:
      if ((parent = entry_for (self, op->parent_id)) != NULL)
        build (self, op->node, parent, MIN (op->index, parent->children->len));
      break;

    case KARI_PAGE_OP_REMOVE:
      if ((e = entry_for (self, op->node_id)) != NULL && e->parent != NULL)
        {
          unplace (e);
          forget (self, e);
        }
      break;

    case KARI_PAGE_OP_MOVE:
      if ((e = entry_for (self, op->node_id)) == NULL || (parent = entry_for (self, op->parent_id)) == NULL)
        break;
      if (e->parent != NULL && e->parent->type == parent->type)
        unplace (e);   /* same kind of parent: the wrapper row moves along */
      else
        {
          KariPageNode *node = kari_page_tree_lookup (new_tree, e->id);

          unplace (e);
          unwrap (e);
          g_clear_object (&e->outer);
          e->outer = wrap_for (parent, e, node);
          sync_visible (e, node);
        }
      place (parent, e, MIN (op->index, parent->children->len));
      break;

    case KARI_PAGE_OP_REPLACE:
      if ((e = entry_for (self, op->node_id)) == NULL)
        break;
      parent = e->parent;
      if (parent == NULL)
        {
          clear (self);
          set_root (self, build (self, op->node, NULL, 0));
          break;
        }
      index = index_in_parent (e);
      unplace (e);
      forget (self, e);
      build (self, op->node, parent, index);
      break;

    default:
      break;
    }
}

/**
 * kari_page_view_apply_patch:
 * @self: a page view
 * @patch: the steps from the tree shown to @new_tree, from kari_page_diff()
 * @new_tree: the tree to show
 *
 * Changes only the widgets @patch names: kept nodes keep their widgets
 * (and with them focus, selection and scroll). No `event` is emitted for
 * the changes the view makes itself.
 */
void
kari_page_view_apply_patch (KariPageView  *self,
                            KariPagePatch *patch,
                            KariPageTree  *new_tree)
{
  g_autoptr(GHashTable) to_sync = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer id;

  g_return_if_fail (KARI_IS_PAGE_VIEW (self));
  g_return_if_fail (patch != NULL);
  g_return_if_fail (KARI_IS_PAGE_TREE (new_tree));
  g_return_if_fail (self->tree != NULL);

  self->applying++;
  for (guint i = 0; i < kari_page_patch_get_n_ops (patch); i++)
    apply_op (self, kari_page_patch_get_op (patch, i), new_tree, to_sync);
  g_hash_table_iter_init (&iter, to_sync);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      KariPageEntry *e = g_hash_table_lookup (self->entries, id);
      KariPageNode *node = kari_page_tree_lookup (new_tree, id);

      if (e != NULL && node != NULL && e->type == kari_page_node_get_node_type (node))
        sync_entry (e, node);
    }
  self->applying--;
  g_set_object (&self->tree, new_tree);
}

/**
 * kari_page_view_set_tree:
 * @self: a page view
 * @tree: the page to show
 *
 * Shows @tree: the first time by building its widgets, afterwards by
 * applying kari_page_diff() of the tree shown and @tree.
 */
void
kari_page_view_set_tree (KariPageView *self,
                         KariPageTree *tree)
{
  g_autoptr(KariPagePatch) patch = NULL;

  g_return_if_fail (KARI_IS_PAGE_VIEW (self));
  g_return_if_fail (KARI_IS_PAGE_TREE (tree));

  if (self->tree == NULL)
    {
      g_set_object (&self->tree, tree);
      kari_page_view_rebuild (self);
      return;
    }
  patch = kari_page_diff (self->tree, tree);
  kari_page_view_apply_patch (self, patch, tree);
}

/**
 * kari_page_view_rebuild:
 * @self: a page view
 *
 * Throws every widget away and builds the tree shown again.
 */
void
kari_page_view_rebuild (KariPageView *self)
{
  g_return_if_fail (KARI_IS_PAGE_VIEW (self));

  self->applying++;
  clear (self);
  if (self->tree != NULL)
    set_root (self, build (self, kari_page_tree_get_root (self->tree), NULL, 0));
  self->applying--;
}

/**
 * kari_page_view_get_tree:
 * @self: a page view
 *
 * Returns: (transfer none) (nullable): the tree shown
 */
KariPageTree *
kari_page_view_get_tree (KariPageView *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_VIEW (self), NULL);
  return self->tree;
}

/**
 * kari_page_view_lookup:
 * @self: a page view
 * @id: a node id
 *
 * Returns: (transfer none) (nullable): the widget of the node @id (a
 *   #GtkBox for a box, a #GtkSwitch for a switch, for a table a card
 *   holding a #GtkScrolledWindow holding a #GtkColumnView, …), or %NULL
 */
GtkWidget *
kari_page_view_lookup (KariPageView *self,
                       const char   *id)
{
  KariPageEntry *e;

  g_return_val_if_fail (KARI_IS_PAGE_VIEW (self), NULL);
  e = g_hash_table_lookup (self->entries, id);
  return e != NULL ? e->widget : NULL;
}

/**
 * kari_page_view_get_scrolled:
 * @self: a page view
 *
 * Returns: (transfer none): the scrolled window the page sits in
 */
GtkWidget *
kari_page_view_get_scrolled (KariPageView *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_VIEW (self), NULL);
  return self->scrolled;
}

/**
 * kari_page_view_set_base_dir:
 * @self: a page view
 * @dir: (nullable): the extension's folder, where image sources are found
 *
 * Images are read from @dir only, by relative paths checked with
 * kari_page_path_is_safe() and opened without following symbolic links;
 * with no folder, images stay empty.
 */
void
kari_page_view_set_base_dir (KariPageView *self,
                             const char   *dir)
{
  g_return_if_fail (KARI_IS_PAGE_VIEW (self));

  if (g_strcmp0 (self->base_dir, dir) == 0)
    return;
  g_free (self->base_dir);
  self->base_dir = g_strdup (dir);

  /* Images shown come again from the new folder. */
  if (self->tree != NULL)
    {
      GHashTableIter iter;
      KariPageEntry *e;

      g_hash_table_iter_init (&iter, self->entries);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &e))
        if (e->type == KARI_PAGE_NODE_IMAGE)
          {
            KariPageNode *node = kari_page_tree_lookup (self->tree, e->id);

            g_clear_pointer (&e->image_src, g_free);
            if (node != NULL)
              _kari_page_image_load (e, kari_page_node_get_string (node, "src"));
          }
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_DIR]);
}

/**
 * kari_page_view_get_base_dir:
 * @self: a page view
 *
 * Returns: (nullable): the extension's folder images are read from
 */
const char *
kari_page_view_get_base_dir (KariPageView *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_VIEW (self), NULL);
  return self->base_dir;
}

const char *
_kari_page_view_get_file (KariPageView *self)
{
  return self->file;
}

GCancellable *
_kari_page_view_get_cancellable (KariPageView *self)
{
  return self->cancellable;
}

/* Starts a reload: returns its number, so that only the latest applies. */
guint
_kari_page_view_start_reload (KariPageView *self)
{
  return ++self->reloads;
}

gboolean
_kari_page_view_is_latest_reload (KariPageView *self,
                                  guint         reload)
{
  return reload == self->reloads;
}

void
_kari_page_view_set_file (KariPageView *self,
                          const char   *path,
                          GFileMonitor *monitor)
{
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_set_object (&self->monitor, monitor);
  g_free (self->file);
  self->file = g_strdup (path);
}

void
_kari_page_view_set_load_error (KariPageView *self,
                                const char   *message)
{
  if (g_strcmp0 (self->load_error, message) == 0)
    return;
  g_free (self->load_error);
  self->load_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOAD_ERROR]);
}

/**
 * kari_page_view_get_load_error:
 * @self: a page view
 *
 * Returns: (nullable): why the page's file could not be shown again after
 *   it changed, or %NULL
 */
const char *
kari_page_view_get_load_error (KariPageView *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_VIEW (self), NULL);
  return self->load_error;
}

/**
 * kari_page_view_new:
 *
 * Returns: (transfer floating): a new, empty page view
 */
GtkWidget *
kari_page_view_new (void)
{
  return g_object_new (KARI_TYPE_PAGE_VIEW, NULL);
}

static void
kari_page_view_dispose (GObject *object)
{
  KariPageView *self = KARI_PAGE_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  if (self->entries != NULL)
    clear (self);
  g_clear_pointer (&self->scrolled, gtk_widget_unparent);

  G_OBJECT_CLASS (kari_page_view_parent_class)->dispose (object);
}

static void
kari_page_view_finalize (GObject *object)
{
  KariPageView *self = KARI_PAGE_VIEW (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_object (&self->tree);
  g_free (self->base_dir);
  g_free (self->file);
  g_free (self->load_error);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kari_page_view_parent_class)->finalize (object);
}

static void
kari_page_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KariPageView *self = KARI_PAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_BASE_DIR:
      g_value_set_string (value, self->base_dir);
      break;
    case PROP_LOAD_ERROR:
      g_value_set_string (value, self->load_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kari_page_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KariPageView *self = KARI_PAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_BASE_DIR:
      kari_page_view_set_base_dir (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kari_page_view_class_init (KariPageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kari_page_view_dispose;
  object_class->finalize = kari_page_view_finalize;
  object_class->get_property = kari_page_view_get_property;
  object_class->set_property = kari_page_view_set_property;

  /**
   * KariPageView:base-dir:
   *
   * The extension's folder, where image sources are found.
   */
  properties[PROP_BASE_DIR] =
    g_param_spec_string ("base-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * KariPageView:load-error:
   *
   * Why the page's file could not be shown again after it changed, or
   * %NULL (see kari_page_view_load_file()).
   */
  properties[PROP_LOAD_ERROR] =
    g_param_spec_string ("load-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KariPageView::event:
   * @self: the view
   * @node_id: the node the person acted on
   * @kind: `click`, `change`, `submit` or `activate`
   * @value: the value: null for a click, the new text, state, number or
   *   index for a change, the text or the form's values for a submit,
   *   the row's id (list) or index (table) for an activate
   *
   * A person acted on the page. Not emitted for changes the view makes
   * itself while it applies a tree.
   */
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, JSON_TYPE_NODE);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kari-page");
}

/* Plain rows get the padding libadwaita gives its own rows. A table's
 * card paints its own background (kari-page-table.c), with the radius
 * given here; the table shows it through its own background and its
 * list's, rather than painting the same colour twice more over its area
 * every frame. */
static void
install_css (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || g_object_get_data (G_OBJECT (display), "kari-page-css") != NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider,
                                   "kari-page row.kari-row { padding: 8px 12px; min-height: 34px; }\n"
                                   "kari-page kari-table-card.card { background: none; border-radius: 12px; }\n"
                                   "kari-page kari-table-card > scrolledwindow > columnview.data-table,\n"
                                   "kari-page kari-table-card > scrolledwindow > columnview.data-table > listview"
                                   " { background: none; }", -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data (G_OBJECT (display), "kari-page-css", GINT_TO_POINTER (TRUE));
}

static void
kari_page_view_init (KariPageView *self)
{
  install_css (gdk_display_get_default ());
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  self->cancellable = g_cancellable_new ();
  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  self->clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (self->clamp), 1000);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (self->clamp), 800);
  gtk_widget_set_margin_top (self->clamp, 24);
  gtk_widget_set_margin_bottom (self->clamp, 24);
  gtk_widget_set_margin_start (self->clamp, 12);
  gtk_widget_set_margin_end (self->clamp, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), self->clamp);
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));
}
