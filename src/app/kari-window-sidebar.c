/* kari-window-sidebar.c — the rows of the window's sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each row keeps the id of the page it shows (kari_window_show_page())
 * and the group it is listed under: an extension's title, or Manage.
 */
#include "config.h"

#include "kari-app-private.h"

#define ROW_PAGE  "kari-page"
#define ROW_GROUP "kari-group"

/* The sidebar id of @page of @extension: `ext:NAME:PATH`. */
char *
kari_sidebar_page_id (KariAppExtension  *extension,
                      const KariAppPage *page)
{
  return g_strconcat ("ext:", kari_app_extension_get_name (extension), ":", page->path, NULL);
}

/* An icon name from the theme, or the manifest's text (an emoji) as is. */
GtkWidget *
kari_sidebar_page_icon_new (const char *icon)
{
  GtkWidget *label;

  if (icon == NULL || *icon == '\0')
    return gtk_image_new_from_icon_name ("view-grid-symbolic");
  if (g_str_has_suffix (icon, "-symbolic"))
    return gtk_image_new_from_icon_name (icon);
  label = gtk_label_new (NULL);
  {
    g_autofree char *shown = kari_permission_escape_for_display_len (icon, 16);
    gtk_label_set_text (GTK_LABEL (label), shown);
  }
  gtk_widget_set_size_request (label, 16, -1);
  return label;
}

GtkWidget *
kari_sidebar_row_new (const char *id,
                      const char *group,
                      const char *title,
                      GtkWidget  *icon)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  kari_app_set_tooltip_text (row, title);
  g_object_set_data_full (G_OBJECT (row), ROW_PAGE, g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (row), ROW_GROUP, g_strdup (group), g_free);
  return row;
}

/* The id of the page @row shows. */
const char *
kari_sidebar_row_get_page (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), ROW_PAGE);
}

/* A GtkListBoxUpdateHeaderFunc: the group's name above its first row. */
void
kari_sidebar_header (GtkListBoxRow *row,
                     GtkListBoxRow *before,
                     gpointer       user_data)
{
  const char *group = g_object_get_data (G_OBJECT (row), ROW_GROUP);
  GtkWidget *label;

  if (before != NULL && g_strcmp0 (group, g_object_get_data (G_OBJECT (before), ROW_GROUP)) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  label = gtk_label_new (group);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, before != NULL ? 12 : 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_list_box_row_set_header (row, label);
}
