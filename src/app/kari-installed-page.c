/* kari-installed-page.c — every extension found, with a switch, a search
 * and an empty state that says where to put one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-private.h"

struct _KariInstalledPage
{
  AdwBin              parent_instance;

  KariAppHost        *host;
  GtkFilterListModel *filtered;
  GtkSliceListModel  *slice;
  gulong              after_paint_id;
  guint               grow_id;
  GtkCustomFilter    *filter;
  char               *search;     /* case-folded */
  char               *empty_description;

  GtkStack           *view_stack;
  GtkSearchEntry     *search_entry;
  GtkStack           *results_stack;
  GtkListView        *list;
};

G_DEFINE_FINAL_TYPE (KariInstalledPage, kari_installed_page, ADW_TYPE_BIN)

/* A list view (GTK 4.8) builds a row for every item (up to 200),
 * visible or not. The first frame gets as many rows as the window can
 * show (rows_on_screen()); the rest join after it is painted, a few at
 * a time in idles, so a hundred extensions start about as fast as ten
 * and the window answers while they come. MIN_ROW_HEIGHT is the least
 * a row takes (its 32 px icon, margins and border). */
#define MIN_ROW_HEIGHT 49
#define FIRST_FRAME_ROWS 16
#define ROWS_PER_IDLE 16

enum {
  SIGNAL_SHOW_DETAILS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define ROW_EXTENSION "kari-extension"

static void
update_row (GtkListItem *item)
{
  KariAppExtension *ext = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkSwitch *toggle = g_object_get_data (G_OBJECT (box), "kari-switch");
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", kari_app_extension_get_version (ext),
                                               kari_app_state_to_label (kari_app_extension_get_state (ext)));
  GtkWidget *problem = g_object_get_data (G_OBJECT (box), "kari-problem");
  const char *problem_text = NULL;

  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "kari-subtitle"), subtitle);
  /* The switch says whether it is on; what went wrong is said beside
   * it, with the supervisor's reason as the tooltip. */
  if (kari_app_extension_get_failed (ext))
    problem_text = kari_app_extension_get_crash_looped (ext) ? _("Switched off after crashing") : _("Failed");
  else if (kari_app_extension_get_state (ext) == KARI_STATE_CRASHED && kari_app_extension_get_active (ext))
    problem_text = _("Crashed");
  gtk_widget_set_visible (problem, problem_text != NULL);
  if (problem_text != NULL)
    {
      gtk_label_set_text (g_object_get_data (G_OBJECT (problem), "kari-label"), problem_text);
      if (kari_app_extension_get_failure_time (ext) != 0)
        {
          /* From an earlier session: when, too. */
          g_autofree char *ago = kari_app_format_ago (kari_app_extension_get_failure_time (ext));
          /* TRANSLATORS: "Failed" or "Switched off after crashing", "2 hours ago", the reason */
          g_autofree char *tip = g_strdup_printf (_("%s %s: %s"), problem_text, ago,
                                                  kari_app_extension_get_reason (ext) != NULL
                                                  ? kari_app_extension_get_reason (ext)
                                                  : _("no reason was recorded"));
          gtk_widget_set_tooltip_text (problem, tip);
        }
      else
        gtk_widget_set_tooltip_text (problem, kari_app_extension_get_reason (ext));
    }
  gtk_switch_set_state (toggle, kari_app_extension_get_active (ext));
  gtk_switch_set_active (toggle, kari_app_extension_get_active (ext));
}

/* The switch shows what happened, not what was asked: its state follows
 * the extension's. */
static gboolean
on_switch_state_set (GtkSwitch   *toggle,
                     gboolean     state,
                     GtkListItem *item)
{
  KariInstalledPage *self = KARI_INSTALLED_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (toggle),
                                                                           KARI_TYPE_INSTALLED_PAGE));
  KariAppExtension *ext = gtk_list_item_get_item (item);

  if (self != NULL && ext != NULL && state != kari_app_extension_get_active (ext))
    kari_app_set_enabled (GTK_WIDGET (toggle), self->host, ext, state);
  return TRUE;
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *toggle = gtk_switch_new ();
  GtkWidget *problem = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *problem_label = gtk_label_new (NULL);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_image_set_icon_size (GTK_IMAGE (icon), GTK_ICON_SIZE_LARGE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  kari_app_set_tooltip_text (toggle, _("Switch the extension on or off in this tenant"));
  g_signal_connect (toggle, "state-set", G_CALLBACK (on_switch_state_set), item);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_widget_add_css_class (problem, "error");
  gtk_widget_set_valign (problem, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (problem), gtk_image_new_from_icon_name ("dialog-error-symbolic"));
  gtk_box_append (GTK_BOX (problem), problem_label);
  gtk_widget_set_visible (problem, FALSE);
  g_object_set_data (G_OBJECT (problem), "kari-label", problem_label);
  gtk_box_append (GTK_BOX (box), problem);
  gtk_box_append (GTK_BOX (box), toggle);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("go-next-symbolic"));
  g_object_set_data (G_OBJECT (box), "kari-icon", icon);
  g_object_set_data (G_OBJECT (box), "kari-title", title);
  g_object_set_data (G_OBJECT (box), "kari-subtitle", subtitle);
  g_object_set_data (G_OBJECT (box), "kari-switch", toggle);
  g_object_set_data (G_OBJECT (box), "kari-problem", problem);
  gtk_list_item_set_child (item, box);
}

static void
on_item_state (KariAppExtension *ext,
               GParamSpec       *pspec,
               GtkListItem      *item)
{
  update_row (item);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  KariAppExtension *ext = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);

  /* Titles come from manifests: set as text, never markup. */
  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "kari-title"), kari_app_extension_get_title (ext));
  gtk_image_set_from_icon_name (g_object_get_data (G_OBJECT (box), "kari-icon"),
                                kari_app_extension_get_icon_name (ext));
  gtk_widget_set_name (box, kari_app_extension_get_name (ext));
  update_row (item);
  g_signal_connect (ext, "notify::state", G_CALLBACK (on_item_state), item);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (item), on_item_state, item);
}

/* A status page in @stack, made the first time it is shown: a start
 * with extensions needs neither, and each costs a few milliseconds of
 * styling even hidden. */
static void
show_status (GtkStack   *stack,
             const char *name,
             const char *icon,
             const char *title,
             const char *description)
{
  if (gtk_stack_get_child_by_name (stack, name) == NULL)
    {
      GtkWidget *status = adw_status_page_new ();

      adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), icon);
      adw_status_page_set_title (ADW_STATUS_PAGE (status), title);
      adw_status_page_set_description (ADW_STATUS_PAGE (status), description);
      gtk_stack_add_named (stack, status, name);
    }
  gtk_stack_set_visible_child_name (stack, name);
}

static void
update_view (KariInstalledPage *self)
{
  guint n_all = self->host != NULL ? g_list_model_get_n_items (kari_app_host_get_extensions (self->host)) : 0;
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  if (n_all == 0)
    show_status (self->view_stack, "empty", "application-x-addon-symbolic", _("No Extensions"),
                 self->empty_description);
  else
    gtk_stack_set_visible_child_name (self->view_stack, "list");
  if (n_all > 0 && n_shown == 0)
    show_status (self->results_stack, "no-results", "edit-find-symbolic", _("No Results"),
                 _("No installed extension matches the search. Try another word."));
  else
    gtk_stack_set_visible_child_name (self->results_stack, "results");
}

static gboolean
filter_extension (gpointer item,
                  gpointer user_data)
{
  KariInstalledPage *self = user_data;

  return kari_app_extension_matches (item, self->search);
}

static void
on_search_changed (KariInstalledPage *self)
{
  g_free (self->search);
  self->search = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  gtk_slice_list_model_set_size (self->slice, G_MAXUINT);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_view (self);
}

static void
on_row_activated (KariInstalledPage *self,
                  guint              position)
{
  g_autoptr(KariAppExtension) ext = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (ext == NULL)
    return;
  g_signal_emit (self, signals[SIGNAL_SHOW_DETAILS], 0, kari_app_extension_get_name (ext));
}

void
kari_installed_page_set_host (KariInstalledPage *self,
                              KariAppHost       *host)
{
  g_autofree char *folder = NULL;
  GtkWidget *empty;

  g_set_object (&self->host, host);
  folder = kari_app_host_dup_user_extensions_dir (host);
  g_free (self->empty_description);
  self->empty_description = g_strdup_printf (_("Put an extension’s folder, with its extension.json or "
                                               "extension.toml, in %s, then choose Reload Extensions "
                                               "in the main menu."), folder);
  empty = gtk_stack_get_child_by_name (self->view_stack, "empty");
  if (empty != NULL)
    adw_status_page_set_description (ADW_STATUS_PAGE (empty), self->empty_description);
  gtk_filter_list_model_set_model (self->filtered, kari_app_host_get_extensions (host));
  update_view (self);
}

/* How many rows the search leaves. */
guint
kari_installed_page_get_n_shown (KariInstalledPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}

GtkEditable *
kari_installed_page_get_search (KariInstalledPage *self)
{
  return GTK_EDITABLE (self->search_entry);
}

static gboolean
grow_slice (gpointer user_data)
{
  KariInstalledPage *self = user_data;
  guint size = gtk_slice_list_model_get_size (self->slice);

  if (size < g_list_model_get_n_items (G_LIST_MODEL (self->filtered)))
    {
      gtk_slice_list_model_set_size (self->slice, size + ROWS_PER_IDLE);
      return G_SOURCE_CONTINUE;
    }
  gtk_slice_list_model_set_size (self->slice, G_MAXUINT);
  self->grow_id = 0;
  return G_SOURCE_REMOVE;
}

static void
queue_grow (KariInstalledPage *self)
{
  if (self->grow_id == 0 && gtk_slice_list_model_get_size (self->slice) != G_MAXUINT)
    self->grow_id = g_idle_add (grow_slice, self);
}

static void
on_after_paint (GdkFrameClock     *clock,
                KariInstalledPage *self)
{
  g_clear_signal_handler (&self->after_paint_id, clock);
  queue_grow (self);
}

/* The height the list may take on screen: the window's (the monitor's
 * when maximized or fullscreen), less what vertical boxes put above or
 * below it (the search, the window's header bar) and the margins above
 * it. */
static int
list_height_on_screen (KariInstalledPage *self)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
  int width = 0, height = 0;

  if (!GTK_IS_WINDOW (root))
    return 0;
  gtk_window_get_default_size (GTK_WINDOW (root), &width, &height);
  height = MAX (height, gtk_widget_get_height (root));
  if (gtk_window_is_maximized (GTK_WINDOW (root)) || gtk_window_is_fullscreen (GTK_WINDOW (root)))
    {
      GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (root));
      GdkMonitor *monitor = surface != NULL ? gdk_display_get_monitor_at_surface (gdk_surface_get_display (surface),
                                                                                  surface)
                                            : NULL;
      GdkRectangle geometry = { 0 };

      if (monitor != NULL)
        gdk_monitor_get_geometry (monitor, &geometry);
      height = MAX (height, geometry.height);
    }
  for (GtkWidget *child = GTK_WIDGET (self->list); child != root; child = gtk_widget_get_parent (child))
    {
      GtkWidget *box = gtk_widget_get_parent (child);

      height -= gtk_widget_get_margin_top (child);
      if (!GTK_IS_BOX (box) || gtk_orientable_get_orientation (GTK_ORIENTABLE (box)) != GTK_ORIENTATION_VERTICAL)
        continue;
      for (GtkWidget *sibling = gtk_widget_get_first_child (box); sibling != NULL;
           sibling = gtk_widget_get_next_sibling (sibling))
        {
          int sibling_height = 0;

          if (sibling == child || !gtk_widget_get_visible (sibling))
            continue;
          gtk_widget_measure (sibling, GTK_ORIENTATION_VERTICAL, -1, &sibling_height, NULL, NULL, NULL);
          height -= sibling_height;
        }
    }
  return height;
}

/* How many rows fill that height, measured on the first row (made
 * here), else counted at the least a row takes. */
static guint
rows_on_screen (KariInstalledPage *self)
{
  int height = list_height_on_screen (self);
  int row_height = 0;
  GtkWidget *row;

  if (height <= 0)
    return FIRST_FRAME_ROWS;
  if (gtk_slice_list_model_get_size (self->slice) == 0)
    gtk_slice_list_model_set_size (self->slice, 1);
  row = gtk_widget_get_first_child (GTK_WIDGET (self->list));
  while (row != NULL && !gtk_widget_should_layout (row))
    row = gtk_widget_get_next_sibling (row);
  if (row != NULL)
    gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, -1, NULL, &row_height, NULL, NULL);
  if (row_height <= 0)
    row_height = MIN_ROW_HEIGHT;
  return (height + row_height - 1) / row_height;
}

/* Makes at least the rows the window can show (a window maximized
 * since may show more). */
static void
show_rows_on_screen (KariInstalledPage *self)
{
  guint wanted = rows_on_screen (self);

  if (gtk_slice_list_model_get_size (self->slice) < wanted)
    gtk_slice_list_model_set_size (self->slice, wanted);
}

static void
kari_installed_page_map (GtkWidget *widget)
{
  KariInstalledPage *self = KARI_INSTALLED_PAGE (widget);
  GdkFrameClock *clock;

  show_rows_on_screen (self);
  GTK_WIDGET_CLASS (kari_installed_page_parent_class)->map (widget);
  clock = gtk_widget_get_frame_clock (widget);
  if (gtk_slice_list_model_get_size (self->slice) != G_MAXUINT && self->grow_id == 0
      && clock != NULL && self->after_paint_id == 0)
    self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), self);
}

/* The first rows are made as soon as the page is in its window, so
 * the window's first measure and layout count them once, rather than
 * again when they come at map. */
static void
kari_installed_page_root (GtkWidget *widget)
{
  KariInstalledPage *self = KARI_INSTALLED_PAGE (widget);

  GTK_WIDGET_CLASS (kari_installed_page_parent_class)->root (widget);
  show_rows_on_screen (self);
}

static void
kari_installed_page_unmap (GtkWidget *widget)
{
  KariInstalledPage *self = KARI_INSTALLED_PAGE (widget);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  if (clock != NULL && self->after_paint_id != 0)
    {
      g_clear_signal_handler (&self->after_paint_id, clock);
      queue_grow (self);
    }
  GTK_WIDGET_CLASS (kari_installed_page_parent_class)->unmap (widget);
}

static void
kari_installed_page_dispose (GObject *object)
{
  KariInstalledPage *self = KARI_INSTALLED_PAGE (object);

  g_clear_handle_id (&self->grow_id, g_source_remove);
  /* The template's root is the bin's child: unparented once, here. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KARI_TYPE_INSTALLED_PAGE);
  g_clear_object (&self->slice);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->host);
  G_OBJECT_CLASS (kari_installed_page_parent_class)->dispose (object);
}

static void
kari_installed_page_finalize (GObject *object)
{
  KariInstalledPage *self = KARI_INSTALLED_PAGE (object);

  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->empty_description, g_free);
  G_OBJECT_CLASS (kari_installed_page_parent_class)->finalize (object);
}

static void
kari_installed_page_class_init (KariInstalledPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kari_installed_page_dispose;
  object_class->finalize = kari_installed_page_finalize;
  widget_class->map = kari_installed_page_map;
  widget_class->unmap = kari_installed_page_unmap;
  widget_class->root = kari_installed_page_root;

  /**
   * KariInstalledPage::show-details:
   * @name: the extension's name
   */
  signals[SIGNAL_SHOW_DETAILS] =
    g_signal_new ("show-details", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /* Known before GtkBuilder looks for them (see kari_window_class_init()). */
  g_type_ensure (GTK_TYPE_STACK);
  g_type_ensure (GTK_TYPE_STACK_PAGE);
  g_type_ensure (ADW_TYPE_CLAMP);
  g_type_ensure (ADW_TYPE_CLAMP_SCROLLABLE);
  g_type_ensure (GTK_TYPE_SEARCH_ENTRY);
  g_type_ensure (GTK_TYPE_SCROLLED_WINDOW);
  g_type_ensure (GTK_TYPE_LIST_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kari/ControlRoom/kari-installed-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KariInstalledPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KariInstalledPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KariInstalledPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, KariInstalledPage, list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
kari_installed_page_init (KariInstalledPage *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->filter = gtk_custom_filter_new (filter_extension, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->filter)));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  gtk_list_view_set_factory (self->list, factory);
  self->slice = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)), 0, 0);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->slice)));
  gtk_list_view_set_model (self->list, GTK_SELECTION_MODEL (selection));
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_view), self, G_CONNECT_SWAPPED);
}
