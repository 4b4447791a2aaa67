/* test-host-control.c — `kari-ext start|stop|status|logs|call` against a
 * real `kari-ext run` over a private session bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>

#include "kari-test-cli.h"
#include "kari.h"

static void
on_name_appeared (GDBusConnection *bus,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static char *
status_state (Fixture    *f,
              const char *name)
{
  g_auto(Result) r = run (f, "status", "--json", name);
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "state"));
}

static void
test_control (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GTestDBus) bus_daemon = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GSubprocess) host = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *app = NULL;
  HostWatch w = { text, "stdout: ready on stdout", FALSE, FALSE };
  gboolean appeared = FALSE;
  guint watch;

  /* With no host, every command says how to start one. */
  g_test_dbus_up (bus_daemon);
  {
    const char *commands[] = { "start", "stop", "restart", "status", "logs", "metrics" };

    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      {
        g_auto(Result) r = run (f, commands[i], "sup");
        g_assert_cmpint (r.status, ==, 1);
        g_assert_nonnull (strstr (r.err, "no Kari host is running: start one with kari-ext run"));
      }
  }

  app = write_sup_extension (f);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  watch = g_bus_watch_name_on_connection (bus, KARI_HOST_MANAGER_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          on_name_appeared, NULL, &appeared, NULL);
  host = spawn_host (f, app, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (host));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, host_watch_on_line, &w);
  /* The waits only guard against a hang. */
  g_assert_true (kari_test_wait_for (&appeared, 60));
  g_assert_true (kari_test_wait_for (&w.seen, 60));

  /* A second host in the same session is refused. */
  {
    g_autoptr(GSubprocess) second = spawn_host (f, app, &error);
    g_autoptr(GBytes) second_out = NULL;

    g_assert_no_error (error);
    g_subprocess_communicate (second, NULL, NULL, &second_out, NULL, &error);
    g_assert_no_error (error);
    if (g_test_verbose ())
      g_printerr ("%.*s", (int) g_bytes_get_size (second_out), (const char *) g_bytes_get_data (second_out, NULL));
    g_assert_true (g_subprocess_get_if_exited (second));
    g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 1);
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (second_out, NULL), g_bytes_get_size (second_out),
                                    "already running"));
  }

  {
    g_autofree char *state = status_state (f, "sup");
    g_assert_cmpstr (state, ==, "running");
  }
  {
    g_auto(Result) r = run (f, "logs", "sup");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "stdout: ready on stdout"));
  }
  {
    g_auto(Result) r = run (f, "call", "sup", "echo", "{\"hello\": [1, 2]}");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.out, ==, "{\"hello\": [1, 2]}\n");
  }
  {
    g_auto(Result) r = run (f, "call", "sup", "no-such-endpoint", "{}");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "does not offer the endpoint “no-such-endpoint”"));
  }
  {
    g_auto(Result) r = run (f, "call", "sup", "echo", "not json");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "not JSON"));
  }
  {
    /* A change made with kari-ext config reaches the running extension
     * (Manager1.ConfigChanged → Extension1.ConfigChanged). */
    g_auto(Result) r = run_with_paths (f, f->root, f->plugins, "config", "set", "sup", "colour", "red", NULL);

    g_assert_cmpint (r.status, ==, 0);
    w.needle = "config changed in default";
    w.seen = FALSE;
    g_assert_true (kari_test_wait_for (&w.seen, 60));
  }
  {
    /* Not Kari's folder: refused, and the extension is left running. */
    g_auto(Result) r = run_with_paths (f, f->root, f->plugins, "remove", "sup", "--yes", NULL);
    g_autofree char *state = NULL;

    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "outside your own extensions folder"));
    state = status_state (f, "sup");
    g_assert_cmpstr (state, ==, "running");
  }
  {
    g_auto(Result) r = run (f, "metrics", "--json", "sup");
    g_autoptr(JsonNode) node = NULL;
    g_assert_cmpint (r.status, ==, 0);
    node = parse_json (r.out);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  }
  {
    g_auto(Result) r = run (f, "stop", "--json", "sup");
    g_autoptr(JsonNode) node = NULL;
    g_assert_cmpint (r.status, ==, 0);
    node = parse_json (r.out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "state"), ==, "stopped");
  }
  {
    g_autofree char *state = status_state (f, "sup");
    g_assert_cmpstr (state, ==, "stopped");
  }
  {
    g_auto(Result) r = run (f, "call", "sup", "echo", "{}");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "sup is not running"));
  }
  {
    g_auto(Result) r = run (f, "start", "sup");
    g_assert_cmpint (r.status, ==, 0);
  }
  /* Start returns once the process is spawned; the handshake follows. */
  {
    gboolean running = FALSE;

    while (!running)
      {
        g_autofree char *state = status_state (f, "sup");

        g_assert_cmpstr (state, !=, "failed");
        g_assert_cmpstr (state, !=, "stopped");
        running = g_str_equal (state, "running");
        if (!running)
          g_usleep (10000);
      }
  }
  {
    g_auto(Result) r = run (f, "status", "nosuch");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "This host runs no extension called “nosuch”"));
  }
  {
    g_auto(Result) r = run (f, "stop", "nosuch");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "This host runs no extension called “nosuch”"));
  }

  g_subprocess_send_signal (host, SIGINT);
  g_assert_true (kari_test_wait_for (&w.eof, 60));
  g_subprocess_wait (host, NULL, &error);
  g_assert_no_error (error);
  if (g_test_verbose ())
    g_printerr ("%s", text->str);
  g_assert_true (g_subprocess_get_if_exited (host));
  g_assert_cmpint (g_subprocess_get_exit_status (host), ==, 0);

  g_bus_unwatch_name (watch);
  g_clear_object (&bus);
  g_test_dbus_down (bus_daemon);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/host-control/commands", Fixture, NULL, fixture_setup, test_control, fixture_teardown);
  return g_test_run ();
}
