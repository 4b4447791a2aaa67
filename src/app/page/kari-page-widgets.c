/* kari-page-widgets.c: one widget per node type, made once and then kept
 * in step with its node; and the events people cause on them.
 *
 * Every sync sets a widget property only when it differs, so that an
 * unchanged entry keeps its cursor and a list its selection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-page-chart.h"
#include "kari-page-view-private.h"

static JsonNode *
string_value (const char *s)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, s);
  return node;
}

static void
set_classes (GtkWidget          *widget,
             const char * const *all,
             const char         *wanted)
{
  for (guint i = 0; all[i] != NULL; i++)
    if (g_strcmp0 (all[i], wanted) != 0)
      gtk_widget_remove_css_class (widget, all[i]);
  if (wanted != NULL)
    gtk_widget_add_css_class (widget, wanted);
}

/* box and the children area of a status page */

static GtkWidget *
box_create (KariPageEntry *e)
{
  e->container = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  return e->container;
}

static void
box_sync (KariPageEntry *e,
          KariPageNode  *node)
{
  GtkBox *box = GTK_BOX (e->widget);
  GtkOrientation orientation = g_str_equal (kari_page_node_get_string (node, "orientation"), "horizontal")
                               ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL;

  if (gtk_orientable_get_orientation (GTK_ORIENTABLE (box)) != orientation)
    gtk_orientable_set_orientation (GTK_ORIENTABLE (box), orientation);
  gtk_box_set_spacing (box, (int) kari_page_node_get_int (node, "spacing"));
  gtk_box_set_homogeneous (box, kari_page_node_get_boolean (node, "homogeneous"));
}

/* label */

static GtkWidget *
label_create (KariPageEntry *e)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  return label;
}

static void
label_sync (KariPageEntry *e,
            KariPageNode  *node)
{
  static const char * const styles[] = { "dim-label", "caption", "heading", "monospace",
                                          "error", "success", "warning", NULL };
  GtkLabel *label = GTK_LABEL (e->widget);
  const char *style = kari_page_node_get_string (node, "style");

  _kari_page_set_label (label, kari_page_node_get_string (node, "text"));
  gtk_label_set_wrap (label, kari_page_node_get_boolean (node, "wrap"));
  gtk_label_set_selectable (label, kari_page_node_get_boolean (node, "selectable"));
  gtk_label_set_xalign (label, (float) kari_page_node_get_double (node, "xalign"));
  set_classes (e->widget, styles,
               g_str_equal (style, "body") ? NULL : g_str_equal (style, "dim") ? "dim-label" : style);
}

/* heading */

static GtkWidget *
heading_create (KariPageEntry *e)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  return label;
}

static void
heading_sync (KariPageEntry *e,
              KariPageNode  *node)
{
  static const char * const levels[] = { "title-1", "title-2", "title-3", "title-4", NULL };

  _kari_page_set_label (GTK_LABEL (e->widget), kari_page_node_get_string (node, "text"));
  set_classes (e->widget, levels, levels[kari_page_node_get_int (node, "level") - 1]);
}

/* button */

static void
on_button_clicked (GtkButton     *button,
                   KariPageEntry *e)
{
  _kari_page_view_emit (e->view, e->id, "click", NULL);
}

static GtkWidget *
button_create (KariPageEntry *e)
{
  GtkWidget *button = gtk_button_new ();

  gtk_widget_set_halign (button, GTK_ALIGN_START);
  g_signal_connect (button, "clicked", G_CALLBACK (on_button_clicked), e);
  return button;
}

static void
button_sync (KariPageEntry *e,
             KariPageNode  *node)
{
  static const char * const styles[] = { "suggested-action", "destructive-action", "flat", "pill", NULL };
  GtkButton *button = GTK_BUTTON (e->widget);
  const char *label = kari_page_node_get_string (node, "label");
  const char *icon = kari_page_node_get_string (node, "icon");
  const char *style = kari_page_node_get_string (node, "style");
  GtkWidget *child = gtk_button_get_child (button);

  if (icon != NULL && *label != '\0')
    {
      if (!ADW_IS_BUTTON_CONTENT (child))
        gtk_button_set_child (button, (child = adw_button_content_new ()));
      adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (child), icon);
      adw_button_content_set_label (ADW_BUTTON_CONTENT (child), label);
    }
  else if (icon != NULL)
    {
      if (g_strcmp0 (gtk_button_get_icon_name (button), icon) != 0)
        gtk_button_set_icon_name (button, icon);
    }
  else if (g_strcmp0 (gtk_button_get_label (button), label) != 0 || !GTK_IS_LABEL (child))
    gtk_button_set_label (button, label);
  set_classes (e->widget, styles,
               g_str_equal (style, "suggested") ? "suggested-action"
               : g_str_equal (style, "destructive") ? "destructive-action"
               : g_str_equal (style, "default") ? NULL : style);
}

/* entry */

static void
on_entry_changed (GtkEditable   *editable,
                  KariPageEntry *e)
{
  _kari_page_view_emit (e->view, e->id, "change", string_value (gtk_editable_get_text (editable)));
}

static void
on_entry_activate (GtkWidget     *entry,
                   KariPageEntry *e)
{
  _kari_page_view_emit (e->view, e->id, "submit", string_value (gtk_editable_get_text (GTK_EDITABLE (entry))));
}

static GtkWidget *
entry_create (KariPageEntry *e)
{
  GtkWidget *entry = gtk_entry_new ();

  g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed), e);
  g_signal_connect (entry, "activate", G_CALLBACK (on_entry_activate), e);
  return entry;
}

static void
entry_sync (KariPageEntry *e,
            KariPageNode  *node)
{
  GtkEntry *entry = GTK_ENTRY (e->widget);
  const char *text = kari_page_node_get_string (node, "text");
  const char *placeholder = kari_page_node_get_string (node, "placeholder");

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (entry), text);
  if (g_strcmp0 (gtk_entry_get_placeholder_text (entry), placeholder) != 0)
    gtk_entry_set_placeholder_text (entry, placeholder);
  gtk_entry_set_visibility (entry, !kari_page_node_get_boolean (node, "password"));
  gtk_entry_set_max_length (entry, (int) kari_page_node_get_int (node, "max_length"));
}

/* switch */

static void
on_switch_active (GObject       *object,
                  GParamSpec    *pspec,
                  KariPageEntry *e)
{
  JsonNode *value = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (value, gtk_switch_get_active (GTK_SWITCH (object)));
  _kari_page_view_emit (e->view, e->id, "change", value);
}

static GtkWidget *
switch_create (KariPageEntry *e)
{
  GtkWidget *widget = gtk_switch_new ();

  gtk_widget_set_halign (widget, GTK_ALIGN_START);
  g_signal_connect (widget, "notify::active", G_CALLBACK (on_switch_active), e);
  return widget;
}

static void
switch_sync (KariPageEntry *e,
             KariPageNode  *node)
{
  gboolean active = kari_page_node_get_boolean (node, "active");

  if (gtk_switch_get_active (GTK_SWITCH (e->widget)) != active)
    gtk_switch_set_active (GTK_SWITCH (e->widget), active);
}

/* spin */

static void
on_spin_changed (GtkSpinButton *spin,
                 KariPageEntry *e)
{
  JsonNode *value = json_node_new (JSON_NODE_VALUE);

  json_node_set_double (value, gtk_spin_button_get_value (spin));
  _kari_page_view_emit (e->view, e->id, "change", value);
}

static GtkWidget *
spin_create (KariPageEntry *e)
{
  GtkWidget *spin = gtk_spin_button_new (gtk_adjustment_new (0, 0, 100, 1, 10, 0), 1, 0);

  gtk_widget_set_halign (spin, GTK_ALIGN_START);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed), e);
  return spin;
}

static void
spin_sync (KariPageEntry *e,
           KariPageNode  *node)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (e->widget);
  double lo = kari_page_node_get_double (node, "min");
  double hi = MAX (lo, kari_page_node_get_double (node, "max"));
  double step = kari_page_node_get_double (node, "step");
  double value = CLAMP (kari_page_node_get_double (node, "value"), lo, hi);

  gtk_spin_button_set_digits (spin, (guint) kari_page_node_get_int (node, "digits"));
  gtk_spin_button_set_range (spin, lo, hi);
  gtk_spin_button_set_increments (spin, step, step * 10);
  if (gtk_spin_button_get_value (spin) != value)
    gtk_spin_button_set_value (spin, value);
}

/* dropdown */

static void
on_dropdown_selected (GObject       *object,
                      GParamSpec    *pspec,
                      KariPageEntry *e)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (object));
  JsonNode *value = json_node_new (JSON_NODE_VALUE);

  if (selected == GTK_INVALID_LIST_POSITION)
    {
      json_node_unref (value);
      return;
    }
  json_node_set_int (value, selected);
  _kari_page_view_emit (e->view, e->id, "change", value);
}

static GtkWidget *
dropdown_create (KariPageEntry *e)
{
  GtkWidget *dropdown = gtk_drop_down_new (G_LIST_MODEL (gtk_string_list_new (NULL)), NULL);

  gtk_widget_set_halign (dropdown, GTK_ALIGN_START);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_dropdown_selected), e);
  return dropdown;
}

static void
dropdown_sync (KariPageEntry *e,
               KariPageNode  *node)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (e->widget);
  JsonNode *options = kari_page_node_get_property (node, "options");
  guint selected = (guint) kari_page_node_get_int (node, "selected");

  if (e->synced == NULL ? options != NULL : options == NULL || !json_node_equal (e->synced, options))
    {
      GtkStringList *list = GTK_STRING_LIST (gtk_drop_down_get_model (dropdown));
      JsonArray *array = options != NULL ? json_node_get_array (options) : NULL;
      guint n = array != NULL ? json_array_get_length (array) : 0;
      g_autofree const char **strings = g_new0 (const char *, n + 1);

      for (guint i = 0; i < n; i++)
        strings[i] = json_array_get_string_element (array, i);
      gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)), strings);
      g_clear_pointer (&e->synced, json_node_unref);
      e->synced = options != NULL ? json_node_ref (options) : NULL;
    }
  if (selected >= g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)))
    selected = GTK_INVALID_LIST_POSITION;
  if (gtk_drop_down_get_selected (dropdown) != selected)
    gtk_drop_down_set_selected (dropdown, selected);
}

/* list */

static void
on_row_activated (GtkListBox    *list,
                  GtkListBoxRow *row,
                  KariPageEntry *e)
{
  const char *id = g_object_get_data (G_OBJECT (row), "kari-page-id");

  if (id != NULL)
    _kari_page_view_emit (e->view, e->id, "activate", string_value (id));
}

static GtkWidget *
list_create (KariPageEntry *e)
{
  e->container = gtk_list_box_new ();
  g_signal_connect (e->container, "row-activated", G_CALLBACK (on_row_activated), e);
  return e->container;
}

static void
list_sync (KariPageEntry *e,
           KariPageNode  *node)
{
  GtkListBox *list = GTK_LIST_BOX (e->widget);
  gboolean boxed = g_str_equal (kari_page_node_get_string (node, "style"), "boxed");
  const char *placeholder = kari_page_node_get_string (node, "placeholder");
  GtkSelectionMode mode = g_str_equal (kari_page_node_get_string (node, "selection"), "single")
                          ? GTK_SELECTION_SINGLE : GTK_SELECTION_NONE;

  gboolean activatable = kari_page_node_get_boolean (node, "activatable");

  if (gtk_list_box_get_selection_mode (list) != mode)
    gtk_list_box_set_selection_mode (list, mode);
  /* Rows added later read the flag from the list. */
  g_object_set_data (G_OBJECT (list), "kari-activatable", GINT_TO_POINTER (activatable));
  for (guint i = 0; i < e->children->len; i++)
    {
      KariPageEntry *child = g_ptr_array_index (e->children, i);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (child->outer), activatable);
    }
  if (boxed)
    gtk_widget_add_css_class (e->widget, "boxed-list");
  else
    gtk_widget_remove_css_class (e->widget, "boxed-list");
  if (*placeholder == '\0')
    gtk_list_box_set_placeholder (list, NULL);
  else
    {
      GtkWidget *label = g_object_get_data (G_OBJECT (list), "kari-placeholder");

      if (label == NULL)
        {
          label = gtk_label_new (NULL);
          gtk_widget_add_css_class (label, "dim-label");
          gtk_widget_set_margin_top (label, 12);
          gtk_widget_set_margin_bottom (label, 12);
          g_object_set_data (G_OBJECT (list), "kari-placeholder", label);
          gtk_list_box_set_placeholder (list, label);
        }
      _kari_page_set_label (GTK_LABEL (label), placeholder);
    }
}

/* card */

static GtkWidget *
card_create (KariPageEntry *e)
{
  e->container = adw_preferences_group_new ();
  return e->container;
}

static void
card_sync (KariPageEntry *e,
           KariPageNode  *node)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (e->widget);
  /* A group's title and description are Pango markup: the extension's
   * text is shown as written, never interpreted. */
  g_autofree char *title = g_markup_escape_text (kari_page_node_get_string (node, "title"), -1);
  g_autofree char *description = g_markup_escape_text (kari_page_node_get_string (node, "description"), -1);

  if (g_strcmp0 (adw_preferences_group_get_title (group), title) != 0)
    adw_preferences_group_set_title (group, title);
  if (g_strcmp0 (adw_preferences_group_get_description (group), *description ? description : NULL) != 0)
    adw_preferences_group_set_description (group, *description ? description : NULL);
}

/* chart */

static GtkWidget *
chart_create (KariPageEntry *e)
{
  return kari_page_chart_new ();
}

static void
chart_sync (KariPageEntry *e,
            KariPageNode  *node)
{
  KariPageChart *chart = KARI_PAGE_CHART (e->widget);

  gtk_widget_set_size_request (e->widget, -1, (int) kari_page_node_get_int (node, "height"));
  kari_page_chart_set_data (chart,
                            g_str_equal (kari_page_node_get_string (node, "kind"), "bar"),
                            kari_page_node_get_property (node, "labels"),
                            kari_page_node_get_property (node, "series"),
                            kari_page_node_has_property (node, "min"),
                            kari_page_node_get_double (node, "min"),
                            kari_page_node_has_property (node, "max"),
                            kari_page_node_get_double (node, "max"));
}

/* progress */

static GtkWidget *
progress_create (KariPageEntry *e)
{
  GtkWidget *bar = gtk_progress_bar_new ();

  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  return bar;
}

static void
progress_sync (KariPageEntry *e,
               KariPageNode  *node)
{
  GtkProgressBar *bar = GTK_PROGRESS_BAR (e->widget);
  const char *text = kari_page_node_get_string (node, "text");

  gtk_progress_bar_set_fraction (bar, kari_page_node_get_double (node, "fraction"));
  if (g_strcmp0 (gtk_progress_bar_get_text (bar), *text ? text : NULL) != 0)
    gtk_progress_bar_set_text (bar, *text ? text : NULL);
  gtk_progress_bar_set_show_text (bar, kari_page_node_get_boolean (node, "show_text"));
}

/* image */

static GtkWidget *
image_create (KariPageEntry *e)
{
  GtkWidget *picture = gtk_picture_new ();

  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  return picture;
}

static void
image_sync (KariPageEntry *e,
            KariPageNode  *node)
{
  const char *alt = kari_page_node_get_string (node, "alt");
  int width = (int) kari_page_node_get_int (node, "width");
  int height = (int) kari_page_node_get_int (node, "height");

  gtk_picture_set_alternative_text (GTK_PICTURE (e->widget), *alt ? alt : NULL);
  gtk_widget_set_size_request (e->widget, width > 0 ? width : -1, height > 0 ? height : -1);
  _kari_page_image_load (e, kari_page_node_get_string (node, "src"));
}

/* text */

static GtkWidget *
text_create (KariPageEntry *e)
{
  GtkWidget *view = gtk_text_view_new ();

  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  return view;
}

static void
text_sync (KariPageEntry *e,
           KariPageNode  *node)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (e->widget));
  const char *text = kari_page_node_get_string (node, "text");
  g_autofree char *shown = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  shown = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
  if (g_strcmp0 (shown, text) != 0)
    gtk_text_buffer_set_text (buffer, text, -1);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (e->widget), kari_page_node_get_boolean (node, "monospace"));
}

/* status */

static GtkWidget *
status_create (KariPageEntry *e)
{
  GtkWidget *page = adw_status_page_new ();

  e->container = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_halign (e->container, GTK_ALIGN_CENTER);
  adw_status_page_set_child (ADW_STATUS_PAGE (page), e->container);
  return page;
}

static void
status_sync (KariPageEntry *e,
             KariPageNode  *node)
{
  AdwStatusPage *page = ADW_STATUS_PAGE (e->widget);
  const char *title = kari_page_node_get_string (node, "title");
  /* The description is Pango markup: shown as written, never interpreted. */
  g_autofree char *description = g_markup_escape_text (kari_page_node_get_string (node, "description"), -1);
  const char *icon = kari_page_node_get_string (node, "icon");

  if (g_strcmp0 (adw_status_page_get_title (page), title) != 0)
    adw_status_page_set_title (page, title);
  if (g_strcmp0 (adw_status_page_get_description (page), *description ? description : NULL) != 0)
    adw_status_page_set_description (page, *description ? description : NULL);
  if (g_strcmp0 (adw_status_page_get_icon_name (page), icon) != 0)
    adw_status_page_set_icon_name (page, icon);
}

static const KariPageRenderer renderers[KARI_PAGE_NODE_N_TYPES] = {
  [KARI_PAGE_NODE_BOX] = { box_create, box_sync },
  [KARI_PAGE_NODE_LABEL] = { label_create, label_sync },
  [KARI_PAGE_NODE_HEADING] = { heading_create, heading_sync },
  [KARI_PAGE_NODE_BUTTON] = { button_create, button_sync },
  [KARI_PAGE_NODE_ENTRY] = { entry_create, entry_sync },
  [KARI_PAGE_NODE_SWITCH] = { switch_create, switch_sync },
  [KARI_PAGE_NODE_SPIN] = { spin_create, spin_sync },
  [KARI_PAGE_NODE_DROPDOWN] = { dropdown_create, dropdown_sync },
  [KARI_PAGE_NODE_LIST] = { list_create, list_sync },
  [KARI_PAGE_NODE_TABLE] = { _kari_page_table_new, _kari_page_table_sync },
  [KARI_PAGE_NODE_CARD] = { card_create, card_sync },
  [KARI_PAGE_NODE_CHART] = { chart_create, chart_sync },
  [KARI_PAGE_NODE_PROGRESS] = { progress_create, progress_sync },
  [KARI_PAGE_NODE_IMAGE] = { image_create, image_sync },
  [KARI_PAGE_NODE_TEXT] = { text_create, text_sync },
  [KARI_PAGE_NODE_STATUS] = { status_create, status_sync },
  [KARI_PAGE_NODE_FORM] = { _kari_page_form_new, _kari_page_form_sync },
};

const KariPageRenderer *
_kari_page_renderer_for (KariPageNodeType type)
{
  g_assert (type < KARI_PAGE_NODE_N_TYPES);
  return &renderers[type];
}
