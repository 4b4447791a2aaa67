/* kari-preferences.c — the Control Room's preferences: the role other
 * programs act with over D-Bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The combo row is bound to the GSettings key `scripting-role`; the
 * application follows the key (kari-application.c), so a change holds
 * from the next call a script makes.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-private.h"
#include "kari-preferences.h"

/* In the order the combo row shows them, least first. */
static const char * const roles[] = { "viewer", "user", "admin" };

static gboolean
role_to_selected (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char *role = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_str_equal (roles[i], role))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
selected_to_role (const GValue       *value,
                  const GVariantType *type,
                  gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (roles))
    return NULL;
  return g_variant_new_string (roles[selected]);
}

/**
 * kari_preferences_window_new:
 * @application: (nullable): the application, for the window's parent
 * @settings: the application's settings
 *
 * Returns: (transfer floating): the preferences window, not yet shown
 */
GtkWidget *
kari_preferences_window_new (GtkApplication *application,
                             GSettings      *settings)
{
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *row = adw_combo_row_new ();
  const char *labels[] = {
    /* Translators: what scripts may do with each role */
    _("Viewer: list and read"),
    _("User: also start, stop and call"),
    _("Administrator: also decide for every tenant"),
    NULL,
  };
  g_autoptr(GtkStringList) model = gtk_string_list_new (labels);

  gtk_widget_set_name (row, "scripting-role");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Role Given to Scripts"));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  g_settings_bind_with_mapping (settings, "scripting-role", row, "selected", G_SETTINGS_BIND_DEFAULT,
                                role_to_selected, selected_to_role, NULL, NULL);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Scripting"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Other programs you run can drive the Control Room over "
                                           "D-Bus with this role. Every call is in the activity log."));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("General"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "preferences-system-symbolic");
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));

  if (application != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (window), gtk_application_get_active_window (application));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  return window;
}
