/* kari-test-keyring.h — a real keyring for tests that store secrets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * gnome-keyring-daemon on the test's private session bus (GTestDBus),
 * with its own HOME and XDG_RUNTIME_DIR: the keyring of the person
 * running the tests is never touched.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Starts gnome-keyring-daemon on the test's own bus, with a fresh login
 * keyring unlocked by a password on its stdin. */
static inline GSubprocess *
kari_test_start_keyring (const char *root)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autofree char *home = g_build_filename (root, "home", NULL);
  g_autofree char *runtime = g_build_filename (root, "runtime", NULL);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  g_mkdir_with_parents (home, 0700);
  g_mkdir_with_parents (runtime, 0700);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  daemon = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground",
                                        "--unlock", "--components=secrets", NULL);
  if (daemon == NULL)
    {
      g_printerr ("# cannot start gnome-keyring-daemon: %s\n", error->message);
      return NULL;
    }
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (daemon), "test-password", 13, NULL, NULL, NULL);
  g_output_stream_close (g_subprocess_get_stdin_pipe (daemon), NULL, NULL);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                               "org.freedesktop.DBus", "NameHasOwner",
                                                               g_variant_new ("(s)", "org.freedesktop.secrets"),
                                                               G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                                               -1, NULL, NULL);
      gboolean owned = FALSE;

      if (reply != NULL)
        g_variant_get (reply, "(b)", &owned);
      if (owned)
        return g_steal_pointer (&daemon);
      g_usleep (50 * 1000);
    }
  g_printerr ("# gnome-keyring-daemon did not appear on the bus\n");
  g_subprocess_force_exit (daemon);
  return NULL;
}

G_END_DECLS
