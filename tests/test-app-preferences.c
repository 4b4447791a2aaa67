/* test-app-preferences.c — the role scripts get: the preferences window,
 * the GSettings key, and the registry setting it falls back to, as the
 * real KariApplication's Manager1 sees them; and the state changes the
 * window makes without a supervisor, as scripts see them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-app-private.h"
#include "kari-application.h"
#include "kari-preferences.h"
#include "kari-test-manager.h"
#include "kari-test-ui.h"

static char *test_root;
static GTestDBus *bus;
/* One application, registered once on the private bus (its objects stay
 * exported on GTK's session connection until exit). */
static KariApplication *app;

/* Lets the settings' change reach the application, then reads the
 * role its manager acts with. */
static const char *
manager_role (const char *expected)
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

/* The registry's setting, as `kari-ext users scripting-role admin`
 * leaves it, before the application opens the registry. */
static void
set_registry_role (const char *role)
{
  g_autofree char *path = kari_registry_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KariRegistry) registry = kari_registry_open (path, NULL, NULL, &error);
  g_autoptr(KariRoles) roles = NULL;

  g_assert_no_error (error);
  roles = kari_roles_new (registry, g_get_user_name ());
  g_assert_true (kari_scripting_set_role (roles, registry, "default", role, &error));
  g_assert_no_error (error);
}

static void
test_role (void)
{
  g_autoptr(GSettings) settings = NULL;
  GtkWidget *window, *row;

  /* Registering exported Manager1 with the host opened for it. */
  g_assert_nonnull (kari_application_get_host (app));
  settings = g_object_ref (kari_application_get_settings (app));

  /* No choice in the preferences yet: the registry's. */
  g_assert_cmpstr (manager_role ("admin"), ==, "admin");

  g_settings_set_string (settings, "scripting-role", "viewer");
  g_assert_cmpstr (manager_role ("viewer"), ==, "viewer");

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
  g_assert_cmpstr (manager_role ("user"), ==, "user");
  g_settings_set_string (settings, "scripting-role", "admin");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 2);

  /* The choice withdrawn: the registry's again. */
  g_settings_set_string (settings, "scripting-role", "viewer");
  g_assert_cmpstr (manager_role ("viewer"), ==, "viewer");
  g_settings_reset (settings, "scripting-role");
  g_assert_cmpstr (manager_role ("admin"), ==, "admin");

  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
}

static void
on_switched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  gboolean switched = kari_app_host_set_enabled_finish (KARI_APP_HOST (source), result, &error);

  g_assert_no_error (error);
  g_assert_true (switched);
  *(gboolean *) user_data = TRUE;
}

/* “plain” has no process: switching it in the window moves the
 * registry's state only, and the bus hears of it all the same. */
static void
test_declarative_state (void)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  KariAppHost *host = kari_application_get_host (app);
  KariAppExtension *extension;
  gboolean done = FALSE;

  extension = kari_app_host_lookup (host, "plain");
  g_assert_nonnull (extension);
  g_assert_false (kari_app_extension_has_runtime (extension));

  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                       | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  kari_test_manager_record_signals (connection, seen);

  kari_app_host_set_enabled_async (host, extension, TRUE, NULL, on_switched, &done);
  g_assert_true (kari_test_wait_for (&done, 30));
  kari_test_manager_wait_signal (seen, "StateChanged plain enabled");
  done = FALSE;
  kari_app_host_set_enabled_async (host, extension, FALSE, NULL, on_switched, &done);
  g_assert_true (kari_test_wait_for (&done, 30));
  kari_test_manager_wait_signal (seen, "StateChanged plain disabled");
  g_dbus_connection_close_sync (connection, NULL, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  kari_test_gtk_ensure_display (argc, argv);
  test_root = g_dir_make_tmp ("kari-app-preferences-XXXXXX", &error);
  g_assert_no_error (error);
  kari_test_ui_setup_env (test_root);

  g_test_init (&argc, &argv, NULL);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  kari_test_ui_dbus_up (bus);

  {
    g_autofree char *extensions = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);

    g_assert_cmpuint (kari_test_ui_copy_examples (extensions), >, 1);
    g_free (kari_test_write_extension (extensions, "plain", "plain", "1.0.0", NULL));
  }
  set_registry_role ("admin");
  app = kari_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/app/preferences/scripting-role", test_role);
  g_test_add_func ("/app/manager/declarative-state", test_declarative_state);
  status = g_test_run ();

  /* As test-app-window: GTK keeps the session bus connection. */
  g_clear_object (&app);
  g_test_dbus_stop (bus);
  kari_test_rm_rf (test_root);
  g_free (test_root);
  return status;
}
