/* kari-tenants-dialog.c — Manage Tenants: create, rename and delete the
 * tenants of the registry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A tenant's id names its folders and never changes; a person types the
 * name, and the id is made from it. Deleting takes everything every
 * extension kept in the tenant (kari_removal_delete_tenant()), so it is
 * confirmed first, and the tenant the window works in cannot be deleted.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-private.h"

#define DIALOG_HOST  "kari-host"
#define DIALOG_GROUP "kari-tenants-group"
#define DIALOG_ROWS  "kari-tenant-rows"

static void fill (GtkWidget *dialog);

static KariAppHost *
dialog_host (GtkWidget *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), DIALOG_HOST);
}

/**
 * kari_tenant_id_from_name:
 * @name: what a person typed, e.g. “Acme Corp”
 *
 * Returns: (transfer full): an id for it: lowercase ASCII letters and
 *   digits, other runs of characters as one “-” (`acme-corp`); empty
 *   when @name has no letter or digit
 */
char *
kari_tenant_id_from_name (const char *name)
{
  g_autofree char *ascii = g_str_to_ascii (name, "C");
  GString *id = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0' && id->len < KARI_TENANT_ID_MAX; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (id, g_ascii_tolower (*p));
      else if (id->len > 0 && id->str[id->len - 1] != '-')
        g_string_append_c (id, '-');
    }
  while (id->len > 0 && id->str[id->len - 1] == '-')
    g_string_truncate (id, id->len - 1);
  return g_string_free (id, FALSE);
}

static void
show_error (GtkWidget  *dialog,
            const char *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (dialog), adw_toast_new (message));
}

static void
on_rename_apply (AdwEntryRow *row,
                 GtkWidget   *dialog)
{
  const char *id = g_object_get_data (G_OBJECT (row), "kari-tenant");
  g_autoptr(GError) error = NULL;

  if (!kari_registry_rename_tenant (kari_app_host_get_registry (dialog_host (dialog)), id,
                                    gtk_editable_get_text (GTK_EDITABLE (row)), &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      show_error (dialog, error->message);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  show_error (dialog, _("Renamed"));
}

static void
on_delete_response (AdwMessageDialog *confirm,
                    const char       *response,
                    GtkWidget        *dialog)
{
  const char *id = g_object_get_data (G_OBJECT (confirm), "kari-tenant");
  KariAppHost *host = dialog_host (dialog);
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0)
    return;
  if (!kari_removal_delete_tenant (kari_app_host_get_registry (host), id, kari_app_host_get_user (host), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not delete the tenant: %s"), error->message);
      show_error (dialog, message);
      return;
    }
  fill (dialog);
}

/**
 * kari_tenants_dialog_confirm_delete:
 * @dialog: a dialog from kari_tenants_dialog_new()
 * @tenant: the tenant's id
 *
 * Returns: (transfer floating): the confirmation deleting @tenant asks
 *   for, not yet shown; its "delete" response deletes
 */
AdwMessageDialog *
kari_tenants_dialog_confirm_delete (GtkWidget  *dialog,
                                    const char *tenant)
{
  g_autofree char *heading = g_strdup_printf (_("Delete the Tenant “%s”?"), tenant);
  g_autofree char *data = g_build_filename (g_get_user_data_dir (), "kari", "data", tenant, NULL);
  g_autofree char *body = g_strdup_printf (_("This deletes what every extension keeps in it: its stores "
                                             "and data folders (%s), settings, secrets, permissions and "
                                             "people’s roles there. The activity log keeps what was done."),
                                           data);
  GtkWidget *confirm = adw_message_dialog_new (GTK_WINDOW (dialog), heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (confirm), "cancel", _("_Cancel"),
                                    "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (confirm), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (confirm), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (confirm), "cancel");
  g_object_set_data_full (G_OBJECT (confirm), "kari-tenant", g_strdup (tenant), g_free);
  g_signal_connect_object (confirm, "response", G_CALLBACK (on_delete_response), dialog, 0);
  return ADW_MESSAGE_DIALOG (confirm);
}

static void
on_delete_clicked (GtkButton *button,
                   GtkWidget *dialog)
{
  gtk_window_present (GTK_WINDOW (kari_tenants_dialog_confirm_delete (dialog,
                                                                      g_object_get_data (G_OBJECT (button),
                                                                                         "kari-tenant"))));
}

static void
fill (GtkWidget *dialog)
{
  AdwPreferencesGroup *group = g_object_get_data (G_OBJECT (dialog), DIALOG_GROUP);
  GPtrArray *rows = g_object_get_data (G_OBJECT (dialog), DIALOG_ROWS);
  KariAppHost *host = dialog_host (dialog);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tenants = kari_registry_list_tenants (kari_app_host_get_registry (host), &error);

  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
  if (tenants == NULL)
    {
      show_error (dialog, error->message);
      return;
    }
  for (guint i = 0; i < tenants->len; i++)
    {
      KariTenant *tenant = g_ptr_array_index (tenants, i);
      GtkWidget *row = adw_entry_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *name = g_strdup_printf ("tenant-%s", tenant->id);
      gboolean current = g_strcmp0 (tenant->id, kari_app_host_get_tenant (host)) == 0;
      gboolean removable = !current && g_strcmp0 (tenant->id, KARI_TENANT_DEFAULT) != 0;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), tenant->id);
      gtk_editable_set_text (GTK_EDITABLE (row), tenant->display_name);
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      gtk_widget_set_name (row, name);
      g_object_set_data_full (G_OBJECT (row), "kari-tenant", g_strdup (tenant->id), g_free);
      g_signal_connect (row, "apply", G_CALLBACK (on_rename_apply), dialog);

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_sensitive (remove, removable);
      gtk_widget_set_tooltip_text (remove, removable ? _("Delete this tenant and its data…")
                                   : current ? _("The Control Room works in this tenant: switch to another to delete it")
                                   : _("The default tenant cannot be deleted"));
      g_object_set_data_full (G_OBJECT (remove), "kari-tenant", g_strdup (tenant->id), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_delete_clicked), dialog);
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), remove);
      adw_preferences_group_add (group, row);
      g_ptr_array_add (rows, row);
    }
}

static void
on_create (AdwEntryRow *entry,
           GtkWidget   *dialog)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *id = kari_tenant_id_from_name (name);
  g_autoptr(KariTenant) tenant = NULL;
  g_autoptr(GError) error = NULL;

  if (*id == '\0')
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      show_error (dialog, _("Give the tenant a name with at least one letter or digit"));
      return;
    }
  tenant = kari_registry_create_tenant (kari_app_host_get_registry (dialog_host (dialog)), id, name, &error);
  if (tenant == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      show_error (dialog, error->message);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  fill (dialog);
}

/**
 * kari_tenants_dialog_new:
 * @parent: the window it belongs to
 * @host: whose registry's tenants it manages
 *
 * Returns: (transfer floating): the Manage Tenants window, not yet shown
 */
GtkWidget *
kari_tenants_dialog_new (GtkWindow   *parent,
                         KariAppHost *host)
{
  GtkWidget *dialog = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *tenants = adw_preferences_group_new ();
  GtkWidget *create_group = adw_preferences_group_new ();
  GtkWidget *create = adw_entry_row_new ();

  gtk_window_set_title (GTK_WINDOW (dialog), _("Manage Tenants"));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), parent);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, 520);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (dialog), FALSE);
  g_object_set_data_full (G_OBJECT (dialog), DIALOG_HOST, g_object_ref (host), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), DIALOG_GROUP, g_object_ref (tenants), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), DIALOG_ROWS, g_ptr_array_new (), (GDestroyNotify) g_ptr_array_unref);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (tenants), _("Tenants"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (tenants),
                                         _("Each tenant keeps its own extension data, settings, permissions "
                                           "and choice of extensions. Edit a name and press Enter to rename."));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (create_group), _("New Tenant"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (create), _("Name"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (create), TRUE);
  gtk_widget_set_name (create, "new-tenant");
  g_signal_connect (create, "apply", G_CALLBACK (on_create), dialog);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (create_group), create);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (tenants));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (create_group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (dialog), ADW_PREFERENCES_PAGE (page));
  fill (dialog);
  return dialog;
}
