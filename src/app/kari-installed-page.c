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
  GtkCustomFilter    *filter;
  char               *search;     /* case-folded */

  GtkStack           *view_stack;
  AdwStatusPage      *empty_status;
  GtkSearchEntry     *search_entry;
  GtkStack           *results_stack;
  GtkListBox         *list;
};

G_DEFINE_FINAL_TYPE (KariInstalledPage, kari_installed_page, ADW_TYPE_BIN)

enum {
  SIGNAL_SHOW_DETAILS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define ROW_EXTENSION "kari-extension"

static void
update_subtitle (AdwActionRow     *row,
                 KariAppExtension *ext)
{
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", kari_app_extension_get_version (ext),
                                               kari_app_state_to_label (kari_app_extension_get_state (ext)));
  adw_action_row_set_subtitle (row, subtitle);
}

static void
on_state (KariAppExtension *ext,
          GParamSpec       *pspec,
          AdwActionRow     *row)
{
  GtkSwitch *toggle = g_object_get_data (G_OBJECT (row), "kari-switch");

  update_subtitle (row, ext);
  gtk_switch_set_state (toggle, kari_app_extension_get_active (ext));
  gtk_switch_set_active (toggle, kari_app_extension_get_active (ext));
}

/* The switch shows what happened, not what was asked: its state follows
 * the extension's. */
static gboolean
on_switch_state_set (GtkSwitch         *toggle,
                     gboolean           state,
                     KariInstalledPage *self)
{
  KariAppExtension *ext = g_object_get_data (G_OBJECT (toggle), ROW_EXTENSION);

  if (state != kari_app_extension_get_active (ext))
    kari_app_set_enabled (GTK_WIDGET (toggle), self->host, ext, state);
  return TRUE;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  KariInstalledPage *self = user_data;
  KariAppExtension *ext = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (kari_app_extension_get_icon_name (ext));

  /* Titles come from manifests: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kari_app_extension_get_title (ext));
  gtk_image_set_icon_size (GTK_IMAGE (icon), GTK_ICON_SIZE_LARGE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_state (GTK_SWITCH (toggle), kari_app_extension_get_active (ext));
  gtk_switch_set_active (GTK_SWITCH (toggle), kari_app_extension_get_active (ext));
  gtk_widget_set_tooltip_text (toggle, _("Switch the extension on or off"));
  g_object_set_data (G_OBJECT (toggle), ROW_EXTENSION, ext);
  g_signal_connect (toggle, "state-set", G_CALLBACK (on_switch_state_set), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "kari-switch", toggle);
  g_object_set_data_full (G_OBJECT (row), ROW_EXTENSION, g_object_ref (ext), g_object_unref);
  gtk_widget_set_name (row, kari_app_extension_get_name (ext));
  update_subtitle (ADW_ACTION_ROW (row), ext);
  g_signal_connect_object (ext, "notify::state", G_CALLBACK (on_state), row, 0);
  return row;
}

static void
update_view (KariInstalledPage *self)
{
  guint n_all = self->host != NULL ? g_list_model_get_n_items (kari_app_host_get_extensions (self->host)) : 0;
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  gtk_stack_set_visible_child_name (self->view_stack, n_all > 0 ? "list" : "empty");
  gtk_stack_set_visible_child_name (self->results_stack, n_shown > 0 ? "results" : "no-results");
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
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_view (self);
}

static void
on_row_activated (KariInstalledPage *self,
                  GtkListBoxRow     *row)
{
  KariAppExtension *ext = g_object_get_data (G_OBJECT (row), ROW_EXTENSION);

  g_signal_emit (self, signals[SIGNAL_SHOW_DETAILS], 0, kari_app_extension_get_name (ext));
}

void
kari_installed_page_set_host (KariInstalledPage *self,
                              KariAppHost       *host)
{
  g_autofree char *folder = NULL;
  g_autofree char *description = NULL;

  g_set_object (&self->host, host);
  gtk_filter_list_model_set_model (self->filtered, kari_app_host_get_extensions (host));
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->filtered), create_row, self, NULL);

  folder = kari_app_host_dup_user_extensions_dir (host);
  description = g_strdup_printf (_("Put an extension’s folder, with its extension.json or "
                                   "extension.toml, in %s, then choose Reload Extensions "
                                   "in the main menu."), folder);
  adw_status_page_set_description (self->empty_status, description);
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

static void
kari_installed_page_dispose (GObject *object)
{
  KariInstalledPage *self = KARI_INSTALLED_PAGE (object);

  /* The template's root is the bin's child: unparented once, here. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KARI_TYPE_INSTALLED_PAGE);
  g_clear_object (&self->filtered);
  g_clear_object (&self->host);
  G_OBJECT_CLASS (kari_installed_page_parent_class)->dispose (object);
}

static void
kari_installed_page_finalize (GObject *object)
{
  KariInstalledPage *self = KARI_INSTALLED_PAGE (object);

  g_clear_pointer (&self->search, g_free);
  G_OBJECT_CLASS (kari_installed_page_parent_class)->finalize (object);
}

static void
kari_installed_page_class_init (KariInstalledPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kari_installed_page_dispose;
  object_class->finalize = kari_installed_page_finalize;

  /**
   * KariInstalledPage::show-details:
   * @name: the extension's name
   */
  signals[SIGNAL_SHOW_DETAILS] =
    g_signal_new ("show-details", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kari/ControlRoom/kari-installed-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KariInstalledPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KariInstalledPage, empty_status);
  gtk_widget_class_bind_template_child (widget_class, KariInstalledPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KariInstalledPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, KariInstalledPage, list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
kari_installed_page_init (KariInstalledPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->filter = gtk_custom_filter_new (filter_extension, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_view), self, G_CONNECT_SWAPPED);
}
