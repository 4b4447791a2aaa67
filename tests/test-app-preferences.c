/* test-app-preferences.c — the role scripts get: the preferences window,
 * the GSettings key, and the registry setting it falls back to, as the
 * real KariApplication's Manager1 sees them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-app-private.h"
#include "kari-application.h"
#include "kari-preferences.h"
#include "kari-test-ui.h"

static char *test_root;
static GTestDBus *bus;

/* Lets the settings' change reach the application, then reads the
 * role its manager acts with. */
static const char *
manager_role (KariApplication *app,
              const char      *expected)
{
  KariHostManager *manager = kari_app_host_get_manager (kari_application_get_host (app));
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_strcmp0 (kari_host_manager_get_scripting_role (manager), expected) != 0
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  return kari_host_manager_get_scripting_role (manager);
}

static GtkWidget *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_PREFERENCES_WINDOW (window))
        return window;
    }
  return NULL;
}

static void
test_role (void)
{
  g_autoptr(KariApplication) app = kari_application_new ();
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *row;

  /* The registry's setting, as `kari-ext users scripting-role admin`
   * leaves it. */
  {
    g_autofree char *path = kari_registry_default_path ();
    g_autoptr(KariRegistry) registry = kari_registry_open (path, NULL, NULL, &error);
    g_autoptr(KariRoles) roles = NULL;

    g_assert_no_error (error);
    roles = kari_roles_new (registry, g_get_user_name ());
    g_assert_true (kari_scripting_set_role (roles, registry, "default", "admin", &error));
    g_assert_no_error (error);
  }

  /* Registering exports Manager1 with the host opened for it. */
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kari_application_get_host (app));
  settings = g_object_ref (kari_application_get_settings (app));

  /* No choice in the preferences yet: the registry's. */
  g_assert_cmpstr (manager_role (app, "admin"), ==, "admin");

  g_settings_set_string (settings, "scripting-role", "viewer");
  g_assert_cmpstr (manager_role (app, "viewer"), ==, "viewer");

  /* The window, from the application's action, shows and sets it. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  window = find_preferences ();
  g_assert_nonnull (window);
  g_assert_true (kari_test_ui_wait_for_frame (window));
  row = kari_test_ui_find (window, ADW_TYPE_COMBO_ROW, NULL, NULL);
  g_assert_nonnull (row);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 0);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 1);
  {
    g_autofree char *saved = g_settings_get_string (settings, "scripting-role");
    g_assert_cmpstr (saved, ==, "user");
  }
  g_assert_cmpstr (manager_role (app, "user"), ==, "user");
  g_settings_set_string (settings, "scripting-role", "admin");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 2);

  /* The choice withdrawn: the registry's again. */
  g_settings_set_string (settings, "scripting-role", "viewer");
  g_assert_cmpstr (manager_role (app, "viewer"), ==, "viewer");
  g_settings_reset (settings, "scripting-role");
  g_assert_cmpstr (manager_role (app, "admin"), ==, "admin");

  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  kari_test_ui_ensure_display (argc, argv);
  test_root = g_dir_make_tmp ("kari-app-preferences-XXXXXX", &error);
  g_assert_no_error (error);
  kari_test_ui_setup_env (test_root);

  g_test_init (&argc, &argv, NULL);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  kari_test_ui_dbus_up (bus);

  g_test_add_func ("/app/preferences/scripting-role", test_role);
  status = g_test_run ();

  /* As test-app-window: GTK keeps the session bus connection. */
  g_test_dbus_stop (bus);
  kari_test_rm_rf (test_root);
  g_free (test_root);
  return status;
}
