/* test-app-scripting.c — io.github.kari.Manager1 of the Control Room,
 * driven as another program would: `kari-control-room
 * --gapplication-service` on a private session bus, called with the
 * real `gdbus` and `kari-ext`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The service is GTK, so it needs a display even without a window: the
 * test runs itself again under xvfb-run when there is none
 * (kari-test-ui.h). Settings are in a keyfile in the test's folder, so
 * the role this process writes reaches the service through the file.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "kari-test-manager.h"
#include "kari-test-sandbox.h"
#include "kari-test-ui.h"

static char *test_root;
static GTestDBus *bus_daemon;
static GDBusConnection *bus;
static GSubprocess *service;
static GPtrArray *signals_seen;   /* "Signal name state-or-tenant" */

/* Wait for a signal recorded on the test's bus connection. */
static void
wait_seen (const char *signal)
{
  kari_test_manager_wait_signal (signals_seen, signal);
}

static void
on_name_appeared (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
test_introspection (void)
{
  const char *argv[] = { "gdbus", "introspect", "--session", "--dest", KARI_HOST_MANAGER_BUS_NAME,
                         "--object-path", KARI_HOST_MANAGER_PATH, NULL };
  g_auto(Run) r = run_argv (argv);
  const char *expected[] = { "interface " MANAGER, "ListExtensions(", "Inspect(", "Enable(", "Disable(",
                             "QueryAudit(", "Start(", "StateChanged(", "Enabled(",
                             "Disabled(", "ExtensionsChanged(", "interface org.gtk.Application" };

  g_assert_cmpint (r.status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_test_message ("introspection has %s", expected[i]);
      g_assert_nonnull (strstr (r.out, expected[i]));
    }
}

static void
test_list_and_inspect (void)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  gboolean found = FALSE;

  {
    g_auto(Run) r = gdbus_call ("ListExtensions", NULL, NULL, NULL);
    g_autoptr(GVariant) list = reply_value (&r);
    GVariantIter iter;
    const char *name, *state, *reason, *backend;
    guint n = 0;

    g_variant_iter_init (&iter, list);
    while (g_variant_iter_next (&iter, "(&s&s&s&s)", &name, &state, &reason, &backend))
      {
        n++;
        if (g_str_equal (name, "hello-c"))
          found = TRUE;
      }
    /* Every installed extension, running or not: hello-c and the other
     * bundled examples. */
    g_assert_true (found);
    g_assert_cmpuint (n, >, 1);
  }

  {
    g_auto(Run) r = gdbus_call ("Inspect", "hello-c", NULL, NULL);

    node = reply_json (&r);
  }
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "hello-c");
  g_assert_cmpstr (json_object_get_string_member (o, "version"), ==, "0.1.0");
  g_assert_cmpstr (json_object_get_string_member (o, "display_name"), ==, "Hello (C)");
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "service");
  g_assert_cmpstr (json_object_get_string_member (o, "tenant"), ==, "default");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o, "permissions"), 0), ==,
                   "notifications");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (o, "enabled"), "default"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "history")), >=, 1);
  g_assert_true (json_object_has_member (o, "grants"));

  {
    g_auto(Run) r = gdbus_call ("Inspect", "no-such-extension", NULL, NULL);

    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, KARI_HOST_MANAGER_DBUS_ERROR_NOT_FOUND));
    g_assert_nonnull (strstr (r.err, "No extension called “no-such-extension” is installed"));
  }
}

static void
test_start_stop (void)
{
  {
    g_auto(Run) r = gdbus_call ("Start", "hello-c", NULL, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  wait_state ("hello-c", "running");
  wait_seen ("StateChanged hello-c running");
  {
    g_auto(Run) r = gdbus_call ("Status", "hello-c", NULL, NULL);
    g_autoptr(GVariant) status = reply_value (&r);
    gint32 pid = 0;

    g_assert_true (g_variant_lookup (status, "pid", "i", &pid));
    g_assert_cmpint (pid, >, 0);
  }
  /* kari-ext drives the app as it drives `kari-ext run`. */
  {
    const char *argv[] = { g_getenv ("KARI_EXT"), "status", "--json", "hello-c", NULL };
    g_auto(Run) r = run_argv (argv);
    g_autoptr(JsonNode) node = NULL;

    g_assert_cmpint (r.status, ==, 0);
    node = json_from_string (r.out, NULL);
    g_assert_nonnull (node);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "state"), ==, "running");
  }
  {
    g_auto(Run) r = gdbus_call ("Inspect", "hello-c", NULL, NULL);
    g_autoptr(JsonNode) node = reply_json (&r);

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "state"), ==, "running");
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "pid"), >, 0);
  }
  /* Its endpoint, over the bus and with kari-ext. */
  {
    g_auto(Run) r = gdbus_call ("Call", "hello-c", "hello", "{}");
    g_autoptr(JsonNode) node = reply_json (&r);

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "greeting"), ==, "Hello from C");
  }
  {
    const char *argv[] = { g_getenv ("KARI_EXT"), "call", "hello-c", "hello", "{}", NULL };
    g_auto(Run) r = run_argv (argv);

    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "Hello from C"));
  }
  /* What it logged once connected, and its samples (one a second). */
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    gboolean logged = FALSE;

    while (!logged)
      {
        const char *argv[] = { g_getenv ("KARI_EXT"), "logs", "hello-c", NULL };
        g_auto(Run) r = run_argv (argv);

        g_assert_cmpint (r.status, ==, 0);
        logged = strstr (r.out, "hello-c is running") != NULL;
        if (!logged)
          {
            g_assert_cmpint (g_get_monotonic_time (), <, deadline);
            g_usleep (100000);
          }
      }
  }
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    gsize n = 0;

    while (n == 0)
      {
        g_auto(Run) r = gdbus_call ("Metrics", "hello-c", NULL, NULL);
        g_autoptr(GVariant) samples = reply_value (&r);

        n = g_variant_n_children (samples);
        if (n == 0)
          {
            g_assert_cmpint (g_get_monotonic_time (), <, deadline);
            g_usleep (200000);
          }
      }
  }
  {
    const char *argv[] = { g_getenv ("KARI_EXT"), "metrics", "--json", "hello-c", NULL };
    g_auto(Run) r = run_argv (argv);
    g_autoptr(JsonNode) node = NULL;

    g_assert_cmpint (r.status, ==, 0);
    node = json_from_string (r.out, NULL);
    g_assert_nonnull (node);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), >, 0);
  }
  {
    g_auto(Run) r = gdbus_call ("Stop", "hello-c", NULL, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_autofree char *state = status_state ("hello-c");
    g_assert_cmpstr (state, ==, "stopped");
  }
  wait_seen ("StateChanged hello-c stopped");

  /* The same with kari-ext start, restart and stop. */
  {
    const char *commands[] = { "start", "restart", "stop" };

    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      {
        const char *argv[] = { g_getenv ("KARI_EXT"), commands[i], "hello-c", NULL };
        g_auto(Run) r = run_argv (argv);

        g_assert_cmpint (r.status, ==, 0);
        if (i < 2)
          wait_state ("hello-c", "running");
      }
  }
  {
    g_autofree char *state = status_state ("hello-c");
    g_assert_cmpstr (state, ==, "stopped");
  }
}

static void
test_enablement (void)
{
  g_autoptr(JsonNode) node = NULL;

  {
    g_auto(Run) r = gdbus_call ("Disable", "hello-c", "", "false");
    g_assert_cmpint (r.status, ==, 0);
  }
  wait_seen ("Disabled hello-c default");
  {
    g_auto(Run) r = gdbus_call ("Inspect", "hello-c", NULL, NULL);
    node = reply_json (&r);
    g_assert_false (json_object_get_boolean_member (json_object_get_object_member (json_node_get_object (node),
                                                                                    "enabled"), "default"));
  }
  /* Disabled here, it may not start here. */
  {
    g_auto(Run) r = gdbus_call ("Start", "hello-c", NULL, NULL);
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, "hello-c is disabled in the tenant “default”"));
  }
  /* Every tenant, or another one, is for admin scripts only. */
  {
    g_auto(Run) r = gdbus_call ("Enable", "hello-c", "", "true");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, KARI_HOST_MANAGER_DBUS_ERROR_PERMISSION_DENIED));
    g_assert_nonnull (strstr (r.err, "Enable needs the role “admin”"));
  }
  {
    g_auto(Run) r = gdbus_call ("Enable", "hello-c", "default", "false");
    g_assert_cmpint (r.status, ==, 0);
  }
  wait_seen ("Enabled hello-c default");
  {
    g_auto(Run) r = gdbus_call ("Inspect", "hello-c", NULL, NULL);
    g_autoptr(JsonNode) again = reply_json (&r);
    g_assert_true (json_object_get_boolean_member (json_object_get_object_member (json_node_get_object (again),
                                                                                   "enabled"), "default"));
  }
  {
    g_auto(Run) r = gdbus_call ("Enable", "no-such-extension", "", "false");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, KARI_HOST_MANAGER_DBUS_ERROR_NOT_FOUND));
  }
}

static void
test_query_audit (void)
{
  g_autofree char *uid = g_strdup_printf ("uid:%u", (guint) getuid ());
  g_autofree char *expected = NULL;
  GPid status_pid;

  /* A call whose pid is known: that of this gdbus, which the shell
   * prints before it becomes gdbus (a GSubprocess may be reaped before
   * its pid is read). */
  {
    const char *argv[] = { "sh", "-c", "echo $$; exec \"$@\"", "sh",
                           "gdbus", "call", "--session", "--dest", KARI_HOST_MANAGER_BUS_NAME,
                           "--object-path", KARI_HOST_MANAGER_PATH, "--method", MANAGER ".Status",
                           "hello-c", NULL };
    g_auto(Run) r = run_argv (argv);

    g_assert_cmpint (r.status, ==, 0);
    status_pid = (GPid) g_ascii_strtoll (r.out, NULL, 10);
    g_assert_cmpint (status_pid, >, 0);
  }
  expected = g_strdup_printf ("uid=%u pid=%d ", (guint) getuid (), (int) status_pid);
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "{\"permission\": \"manager:Status\", \"decision\": \"allow\"}",
                                "1000", "0");
    g_autoptr(JsonNode) node = reply_json (&r);
    JsonArray *entries = json_node_get_array (node);
    gboolean found = FALSE;

    g_assert_cmpuint (json_array_get_length (entries), >=, 1);
    for (guint i = 0; i < json_array_get_length (entries); i++)
      {
        JsonObject *e = json_array_get_object_element (entries, i);

        g_assert_cmpstr (json_object_get_string_member (e, "permission"), ==, "manager:Status");
        g_assert_cmpstr (json_object_get_string_member (e, "decision"), ==, "allow");
        if (!g_str_has_prefix (json_object_get_string_member (e, "detail"), expected))
          continue;
        found = TRUE;
        g_assert_cmpstr (json_object_get_string_member (e, "user"), ==, uid);
        g_assert_cmpstr (json_object_get_string_member (e, "kind"), ==, "manager");
        g_assert_cmpstr (json_object_get_string_member (e, "extension"), ==, "hello-c");
        g_assert_cmpstr (json_object_get_string_member (e, "decided_by"), ==, "scripting-role:user");
      }
    g_assert_true (found);
  }
  /* The refused Enable of test_enablement() is there too. */
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "{\"permission\": \"manager:Enable\", \"decision\": \"deny\"}",
                                "0", "0");
    g_autoptr(JsonNode) node = reply_json (&r);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  }
  /* Paging: one at a time. */
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "{}", "1", "1");
    g_autoptr(JsonNode) node = reply_json (&r);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  }
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "{\"who\": \"me\"}", "10", "0");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, "There is no audit filter “who”"));
  }
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "[1, 2", "10", "0");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, "The filters are not JSON"));
  }
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "{\"decision\": \"maybe\"}", "10", "0");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, "“decision” must be"));
  }
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "{\"extension\": 5}", "10", "0");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, "The filter “extension” must be a string"));
  }
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "{\"since_usec\": -1}", "10", "0");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, "“since_usec” must be microseconds since the epoch"));
  }
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "[1]", "10", "0");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, "The filters must be a JSON object"));
  }
  /* Past the end: nothing, not an error. */
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "{}", "10", "4000000000");
    g_autoptr(JsonNode) node = reply_json (&r);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 0);
  }
  {
    g_auto(Run) r = gdbus_call ("Inspect", "../../etc/passwd", NULL, NULL);
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, KARI_HOST_MANAGER_DBUS_ERROR_NOT_FOUND));
  }
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "{}", "100000", "0");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, "page with the offset"));
  }
}

/* The app's reload (app.reload) finds a new extension and says so. */
static void
test_extensions_changed (void)
{
  g_autofree char *extensions = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
  const char *argv[] = { "gdbus", "call", "--session", "--dest", KARI_HOST_MANAGER_BUS_NAME,
                         "--object-path", KARI_HOST_MANAGER_PATH, "--method", "org.gtk.Actions.Activate",
                         "reload", "[]", "{}", NULL };
  gboolean found = FALSE;

  g_free (kari_test_write_extension (extensions, "late-one", "late-one", "1.0.0", NULL));
  g_ptr_array_set_size (signals_seen, 0);
  {
    g_auto(Run) r = run_argv (argv);
    g_assert_cmpint (r.status, ==, 0);
  }
  wait_seen ("ExtensionsChanged");
  {
    g_auto(Run) r = gdbus_call ("ListExtensions", NULL, NULL, NULL);
    g_autoptr(GVariant) list = reply_value (&r);
    GVariantIter iter;
    const char *name, *state;

    g_variant_iter_init (&iter, list);
    while (g_variant_iter_next (&iter, "(&s&s&s&s)", &name, &state, NULL, NULL))
      found |= g_str_equal (name, "late-one");
  }
  g_assert_true (found);
}

/* kari-ext grant and revoke open the registry themselves; the app
 * holding it open does not stand in their way. */
static void
test_grant_beside_app (void)
{
  {
    const char *argv[] = { g_getenv ("KARI_EXT"), "grant", "--json", "hello-c", "notifications", NULL };
    g_auto(Run) r = run_argv (argv);
    g_autoptr(JsonNode) node = NULL;

    g_assert_cmpint (r.status, ==, 0);
    node = json_from_string (r.out, NULL);
    g_assert_nonnull (node);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "permission"), ==,
                     "notifications");
  }
  {
    const char *argv[] = { g_getenv ("KARI_EXT"), "revoke", "hello-c", "notifications", NULL };
    g_auto(Run) r = run_argv (argv);

    g_assert_cmpint (r.status, ==, 0);
  }
  /* And the service still answers. */
  {
    g_auto(Run) r = gdbus_call ("Inspect", "hello-c", NULL, NULL);
    g_autoptr(JsonNode) node = reply_json (&r);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "name"), ==, "hello-c");
  }
}

/* The person gives scripts the viewer role in the preferences: reads
 * go on, Stop and QueryAudit are refused. */
static void
test_viewer_role (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.kari.ControlRoom");
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gboolean refused = FALSE;

  g_assert_true (g_settings_set_string (settings, "scripting-role", "viewer"));
  g_settings_sync ();
  /* The service reads the keyfile when it changes: wait for that. */
  while (!refused && g_get_monotonic_time () < deadline)
    {
      g_auto(Run) r = gdbus_call ("Stop", "hello-c", NULL, NULL);

      refused = r.status != 0;
      if (refused)
        {
          g_assert_nonnull (strstr (r.err, KARI_HOST_MANAGER_DBUS_ERROR_PERMISSION_DENIED));
          g_assert_nonnull (strstr (r.err, "Stop needs the role “user” or “admin”"));
          g_assert_nonnull (strstr (r.err, "scripting role “viewer”"));
        }
      else
        g_usleep (100000);
    }
  g_assert_true (refused);
  {
    g_auto(Run) r = gdbus_call ("QueryAudit", "{}", "10", "0");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, "QueryAudit needs the role “user” or “admin”"));
  }
  {
    g_auto(Run) r = gdbus_call ("Disable", "hello-c", "", "false");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, KARI_HOST_MANAGER_DBUS_ERROR_PERMISSION_DENIED));
  }
  {
    g_auto(Run) r = gdbus_call ("Inspect", "hello-c", NULL, NULL);
    g_autoptr(JsonNode) node = reply_json (&r);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "name"), ==, "hello-c");
  }
  {
    const char *argv[] = { g_getenv ("KARI_EXT"), "stop", "hello-c", NULL };
    g_auto(Run) r = run_argv (argv);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "Stop needs the role"));
  }
  /* The refusal is audited with the role that decided. */
  g_assert_true (g_settings_set_string (settings, "scripting-role", "admin"));
  g_settings_sync ();
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      g_auto(Run) r = gdbus_call ("QueryAudit", "{\"permission\": \"manager:Stop\", \"decision\": \"deny\"}",
                                  "10", "0");

      if (r.status == 0)
        {
          g_autoptr(JsonNode) node = reply_json (&r);
          JsonArray *entries = json_node_get_array (node);

          g_assert_cmpuint (json_array_get_length (entries), >=, 1);
          g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0),
                                                          "decided_by"), ==, "scripting-role:viewer");
          break;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (100000);
    }

  /* An admin script may decide for every tenant, and is told of a
   * tenant that does not exist. */
  {
    g_auto(Run) r = gdbus_call ("Disable", "hello-c", "nowhere", "false");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, KARI_HOST_MANAGER_DBUS_ERROR_NOT_FOUND));
    g_assert_nonnull (strstr (r.err, "nowhere"));
  }
  {
    g_auto(Run) r = gdbus_call ("Disable", "hello-c", "", "true");
    g_assert_cmpint (r.status, ==, 0);
  }
  wait_seen ("Disabled hello-c ");
  {
    g_auto(Run) r = gdbus_call ("Enable", "hello-c", "", "true");
    g_assert_cmpint (r.status, ==, 0);
  }
  wait_seen ("Enabled hello-c ");
}

/* The whole run again as nobody, with its own Xvfb, bus and folders:
 * the service needs no privilege. Starting hello-c is left out there:
 * without a delegated cgroup the limits fall back to rlimits, and
 * RLIMIT_NPROC counts every thread of the uid, the service's GTK and
 * GDBus threads included, so hello-c's GDBus worker cannot be created
 * ("creating thread 'gmain': Resource temporarily unavailable"). That is
 * the rlimit backend's, not the bus's; test-host-control covers
 * sandboxes as nobody. */
static void
test_unprivileged (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *out = NULL;
  const char *unset[] = { "DISPLAY", "XAUTHORITY", "KARI_TEST_XVFB", "DBUS_SESSION_BUS_ADDRESS",
                          "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR",
                          "XDG_DATA_DIRS", "GSETTINGS_BACKEND" };

  for (guint i = 0; i < G_N_ELEMENTS (unset); i++)
    g_subprocess_launcher_unsetenv (launcher, unset[i]);
  g_subprocess_launcher_setenv (launcher, "KARI_APP_SCRIPTING_UNPRIVILEGED", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "TMPDIR", "/tmp", TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, "setpriv", "--reuid=65534", "--regid=65534",
                                       "--clear-groups", self, "--tap", "-s", "/app/scripting/start-stop",
                                       NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (g_test_verbose () || !g_subprocess_get_successful (child))
    g_printerr ("%s", out);
  g_assert_true (g_subprocess_get_successful (child));
  g_assert_nonnull (strstr (out, "ok 8 /app/scripting/viewer-role"));
}

static void
write_hello_c (void)
{
  g_autofree char *extensions = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
  g_autofree char *hello = g_build_filename (extensions, "hello-c", NULL);
  g_autofree char *toml = g_build_filename (g_getenv ("KARI_SOURCE_DIR"), "examples", "extensions", "hello-c",
                                            "extension.toml", NULL);
  g_autofree char *contents = NULL;

  g_assert_cmpint (g_mkdir_with_parents (extensions, 0755), ==, 0);
  g_assert_cmpuint (kari_test_ui_copy_examples (extensions), >, 1);
  g_assert_true (g_file_get_contents (toml, &contents, NULL, NULL));
  g_free (kari_test_write (hello, "extension.toml", contents));
  g_assert_cmpint (g_chmod (hello, 0755), ==, 0);
  g_free (kari_test_copy_binary (g_getenv ("KARI_HELLO_C_SANDBOXED"), hello, "hello-c"));
}

static void
start_service (void)
{
  g_autoptr(GError) error = NULL;
  gboolean appeared = FALSE;
  guint watch;

  bus = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus_daemon),
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  kari_test_manager_record_signals (bus, signals_seen);
  watch = g_bus_watch_name_on_connection (bus, KARI_HOST_MANAGER_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          on_name_appeared, NULL, &appeared, NULL);
  service = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, g_getenv ("KARI_CONTROL_ROOM"),
                              "--gapplication-service", NULL);
  g_assert_no_error (error);
  g_assert_true (kari_test_wait_for (&appeared, 60));
  g_bus_unwatch_name (watch);
}

/* app.quit, as the session would end it: every extension is stopped. */
static void
stop_service (void)
{
  const char *argv[] = { "gdbus", "call", "--session", "--dest", KARI_HOST_MANAGER_BUS_NAME,
                         "--object-path", KARI_HOST_MANAGER_PATH, "--method", "org.gtk.Actions.Activate",
                         "quit", "[]", "{}", NULL };
  g_autoptr(GError) error = NULL;
  g_auto(Run) r = run_argv (argv);

  g_assert_cmpint (r.status, ==, 0);
  g_subprocess_wait (service, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (service));
  g_assert_cmpint (g_subprocess_get_exit_status (service), ==, 0);
}

static void
on_name_vanished (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
stop_bus (void)
{
  if (service != NULL)
    {
      stop_service ();
      g_clear_object (&service);
    }
  if (bus != NULL)
    {
      g_dbus_connection_close_sync (bus, NULL, NULL);
      g_clear_object (&bus);
    }
  if (bus_daemon != NULL)
    {
      g_test_dbus_down (bus_daemon);
      g_clear_object (&bus_daemon);
    }
}

/* The activation file the build makes from data/: a call to the name
 * starts the service, as a script in a session would. */
static void
test_activation (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("KARI_APP_SCHEMA_DIR"),
                                            KARI_HOST_MANAGER_BUS_NAME ".service", NULL);
  g_autofree char *services = g_build_filename (test_root, "services", NULL);
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *ours = NULL;
  g_autofree char *environment = NULL;
  g_auto(GStrv) args = NULL;
  gboolean vanished = FALSE;
  guint watch;

  g_assert_true (g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  name = g_key_file_get_string (file, "D-BUS Service", "Name", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, KARI_HOST_MANAGER_BUS_NAME);
  exec = g_key_file_get_string (file, "D-BUS Service", "Exec", &error);
  g_assert_no_error (error);
  g_assert_true (g_shell_parse_argv (exec, NULL, &args, &error));
  g_assert_true (g_path_is_absolute (args[0]));
  g_assert_true (g_str_has_suffix (args[0], "/kari-control-room"));
  g_assert_cmpstr (args[1], ==, "--gapplication-service");
  g_assert_null (args[2]);

  /* The same file, with the program from the build folder. */
  ours = g_strdup_printf ("[D-BUS Service]\nName=%s\nExec=%s --gapplication-service\n", name,
                          g_getenv ("KARI_CONTROL_ROOM"));
  g_free (kari_test_write (services, KARI_HOST_MANAGER_BUS_NAME ".service", ours));

  stop_bus ();
  bus_daemon = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_add_service_dir (bus_daemon, services);
  kari_test_ui_dbus_up (bus_daemon);
  /* GTestDBus starts its daemon without DISPLAY; a session passes it to
   * what the bus activates the same way. */
  environment = g_strdup_printf ("{'DISPLAY': '%s'}", display != NULL ? display : "");
  {
    const char *argv[] = { "gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                           "--object-path", "/org/freedesktop/DBus", "--method",
                           "org.freedesktop.DBus.UpdateActivationEnvironment", environment, NULL };
    g_auto(Run) r = run_argv (argv);
    g_assert_cmpint (r.status, ==, 0);
  }

  /* Nothing owns the name: the call starts the service. */
  {
    g_auto(Run) r = gdbus_call ("ListExtensions", NULL, NULL, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "'hello-c'"));
  }

  bus = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus_daemon),
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  watch = g_bus_watch_name_on_connection (bus, KARI_HOST_MANAGER_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          NULL, on_name_vanished, &vanished, NULL);
  {
    const char *argv[] = { "gdbus", "call", "--session", "--dest", KARI_HOST_MANAGER_BUS_NAME,
                           "--object-path", KARI_HOST_MANAGER_PATH, "--method", "org.gtk.Actions.Activate",
                           "quit", "[]", "{}", NULL };
    g_auto(Run) r = run_argv (argv);
    g_assert_cmpint (r.status, ==, 0);
  }
  g_assert_true (kari_test_wait_for (&vanished, 60));
  g_bus_unwatch_name (watch);
}

int
main (int    argc,
      char **argv)
{
  int result;

  kari_test_gtk_ensure_display (argc, argv);
  g_test_init (&argc, &argv, NULL);

  test_root = kari_test_supervisor_root ("kari-app-scripting-XXXXXX");
  kari_test_ui_setup_env (test_root);
  /* A keyfile both processes read and write, in the test's folder. */
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  write_hello_c ();
  signals_seen = g_ptr_array_new_with_free_func (g_free);

  bus_daemon = g_test_dbus_new (G_TEST_DBUS_NONE);
  kari_test_ui_dbus_up (bus_daemon);
  start_service ();

  g_test_add_func ("/app/scripting/introspection", test_introspection);
  g_test_add_func ("/app/scripting/list-and-inspect", test_list_and_inspect);
  g_test_add_func ("/app/scripting/start-stop", test_start_stop);
  g_test_add_func ("/app/scripting/enablement", test_enablement);
  g_test_add_func ("/app/scripting/query-audit", test_query_audit);
  g_test_add_func ("/app/scripting/extensions-changed", test_extensions_changed);
  g_test_add_func ("/app/scripting/grant-beside-app", test_grant_beside_app);
  g_test_add_func ("/app/scripting/viewer-role", test_viewer_role);
  if (geteuid () == 0 && g_getenv ("KARI_APP_SCRIPTING_UNPRIVILEGED") == NULL)
    g_test_add_func ("/app/scripting/unprivileged", test_unprivileged);
  /* Last: it stops the service above and starts a bus of its own. */
  g_test_add_func ("/app/scripting/activation", test_activation);
  result = g_test_run ();

  stop_bus ();
  g_ptr_array_unref (signals_seen);
  kari_test_rm_rf (test_root);
  g_free (test_root);
  return result;
}
