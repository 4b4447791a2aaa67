/* test-app-instance.c — kari-control-room as a program: one instance per
 * session, D-Bus activation as a service, quitting through its action
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-test-ui.h"

static GTestDBus *bus;

static gboolean
name_has_owner (GDBusConnection *connection)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                           "org.freedesktop.DBus", "NameHasOwner",
                                                           g_variant_new ("(s)", "io.github.kari.ControlRoom"),
                                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                                           NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
wait_for_name (GDBusConnection *connection,
               gboolean         owned)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (name_has_owner (connection) != owned && g_get_monotonic_time () < deadline)
    g_usleep (20000);
  g_assert_cmpint (name_has_owner (connection), ==, owned);
}

static void
activate_action (GDBusConnection *connection,
                 const char      *action)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (connection, "io.github.kari.ControlRoom", "/io/github/kari/ControlRoom",
                                       "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", action, NULL, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
}

static void
test_single_instance (void)
{
  const char *app = g_getenv ("KARI_CONTROL_ROOM");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;

  g_assert_no_error (error);
  first = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, app, NULL);
  g_assert_no_error (error);
  wait_for_name (connection, TRUE);

  /* A second launch hands over to the first and exits at once. */
  second = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, app, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (second, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (second));
  /* The first runs on, still owning the name. */
  g_assert_nonnull (g_subprocess_get_identifier (first));
  g_assert_true (name_has_owner (connection));

  /* app.quit, as GNOME Shell would send it, ends the first. */
  activate_action (connection, "quit");
  g_assert_true (g_subprocess_wait (first, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (first));
  wait_for_name (connection, FALSE);
}

static void
test_service (void)
{
  const char *app = g_getenv ("KARI_CONTROL_ROOM");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GSubprocess) service = NULL;

  /* What the D-Bus service file runs: the name is taken with no window,
   * and the service answers until asked to quit. */
  service = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, app, "--gapplication-service", NULL);
  g_assert_no_error (error);
  wait_for_name (connection, TRUE);
  activate_action (connection, "quit");
  g_assert_true (g_subprocess_wait (service, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (service));
  wait_for_name (connection, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  int status;

  kari_test_gtk_ensure_display (argc, argv);
  root = g_dir_make_tmp ("kari-app-instance-XXXXXX", &error);
  g_assert_no_error (error);
  kari_test_ui_setup_env (root);

  g_test_init (&argc, &argv, NULL);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  kari_test_ui_dbus_up (bus);

  g_test_add_func ("/app/instance/single", test_single_instance);
  g_test_add_func ("/app/instance/service", test_service);
  status = g_test_run ();

  g_test_dbus_stop (bus);
  kari_test_rm_rf (root);
  return status;
}
