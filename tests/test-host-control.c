/* test-host-control.c — `kari-ext start|stop|status|logs|call` against a
 * real `kari-ext run` over a private session bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <unistd.h>

#include "kari-test-cli.h"
#include "kari.h"

static gint64
status_pid (Fixture    *f,
            const char *name)
{
  g_auto(Result) r = run (f, "status", "--json", name);
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  return json_object_get_int_member (json_node_get_object (node), "pid");
}

/* `kari-ext logs sup -f` prints the lines a restart makes as they come;
 * its output is read line by line while it runs, then it is stopped. */
static void
follow_during_restart (Fixture *f)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) follower = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  HostWatch following = { text, "-- following", FALSE, FALSE };
  gint64 before = status_pid (f, "sup");

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  follower = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KARI_EXT"), "logs", "sup", "-f", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (follower));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, host_watch_on_line, &following);
  g_assert_true (kari_test_wait_for (&following.seen, 60));

  /* The lines the restart logs reach the follower, which is still
   * running: nothing of them was in the log when it started. */
  following.needle = "Asked to stop";
  following.seen = FALSE;
  {
    g_auto(Result) r = run (f, "restart", "--json", "sup");
    g_autoptr(JsonNode) node = NULL;

    g_assert_cmpint (r.status, ==, 0);
    node = parse_json (r.out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "name"), ==, "sup");
  }
  g_assert_true (kari_test_wait_for (&following.seen, 60));
  following.needle = "stdout: ready on stdout";
  following.seen = FALSE;
  g_assert_true (kari_test_wait_for (&following.seen, 60));
  g_assert_false (following.eof);

  wait_running (f, "sup");
  g_assert_cmpint (status_pid (f, "sup"), !=, before);
  g_assert_cmpint (status_pid (f, "sup"), >, 0);

  g_subprocess_send_signal (follower, SIGTERM);
  g_assert_true (kari_test_wait_for (&following.eof, 60));
  g_subprocess_wait (follower, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (follower));
  g_assert_cmpint (g_subprocess_get_exit_status (follower), ==, 0);
}

/* The audit entries of calls matching @permission, newest first. */
static JsonArray *
manager_audit (Fixture    *f,
               const char *permission,
               JsonNode  **node)
{
  g_auto(Result) r = run (f, "audit", "--permission", permission, "--json");

  g_assert_cmpint (r.status, ==, 0);
  *node = parse_json (r.out);
  return json_node_get_array (*node);
}

/* A call made from this process is audited with the uid, pid and unique
 * name the bus daemon gives for it, whatever its arguments say. */
static void
check_audited_identity (Fixture         *f,
                        GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("uid=%u pid=%d bus=%s", (guint) getuid (), (int) getpid (),
                                               g_dbus_connection_get_unique_name (bus));
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gboolean found = FALSE;

  reply = g_dbus_connection_call_sync (bus, KARI_HOST_MANAGER_BUS_NAME, KARI_HOST_MANAGER_PATH,
                                       "io.github.kari.Manager1", "Status", g_variant_new ("(s)", "sup"),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  g_test_message ("expecting %s", expected);
  /* The host's audit writer commits within 100 ms; this only waits. */
  while (!found && g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonNode) node = NULL;
      JsonArray *entries = manager_audit (f, "manager:Status", &node);

      for (guint i = 0; i < json_array_get_length (entries) && !found; i++)
        {
          JsonObject *e = json_array_get_object_element (entries, i);

          if (g_strcmp0 (json_object_get_string_member (e, "detail"), expected) != 0)
            continue;
          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (e, "kind"), ==, "manager");
          g_assert_cmpstr (json_object_get_string_member (e, "decision"), ==, "allow");
          g_assert_cmpstr (json_object_get_string_member (e, "extension"), ==, "sup");
          g_assert_cmpstr (json_object_get_string_member (e, "decided_by"), ==, "scripting-role:user");
        }
      if (!found)
        g_usleep (50000);
    }
  g_assert_true (found);
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
    const char *commands[] = { "start", "stop", "restart", "status", "logs" };

    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      {
        g_auto(Result) r = run (f, commands[i], "sup");
        g_assert_cmpint (r.status, ==, 1);
        g_assert_nonnull (strstr (r.err, "no Kari host is running: start one with kari-ext run"));
      }
  }
  /* metrics reads the registry's history then: of nothing installed yet. */
  {
    g_auto(Result) r = run (f, "metrics", "sup");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "No extension named “sup” is installed"));
  }
  {
    g_auto(Result) r = run (f, "metrics", "--since", "yesterday", "sup");
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "--since “yesterday” is not a duration"));
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
  /* status without NAME lists every extension of the host. */
  {
    g_auto(Result) r = run (f, "status", "--json");
    g_autoptr(JsonNode) node = NULL;
    JsonArray *list;

    g_assert_cmpint (r.status, ==, 0);
    node = parse_json (r.out);
    list = json_node_get_array (node);
    g_assert_cmpuint (json_array_get_length (list), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "name"), ==, "sup");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "state"), ==, "running");
  }
  {
    g_auto(Result) r = run (f, "status");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "NAME"));
    g_assert_nonnull (strstr (r.out, "sup "));
  }
  follow_during_restart (f);
  check_audited_identity (f, bus);
  /* With --since, the history from the registry even while a host runs. */
  {
    g_auto(Result) r = run (f, "metrics", "--since", "2h", "--json", "sup");
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

  host_quit (host, &w);

  g_bus_unwatch_name (watch);
  g_clear_object (&bus);
  g_test_dbus_down (bus_daemon);
}

/* With the scripting role set to viewer in the registry, other programs
 * may read but not stop or call; each refusal names the roles that may
 * and is audited. */
static void
test_viewer_role (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GTestDBus) bus_daemon = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GSubprocess) host = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *app = NULL;
  HostWatch w = { text, "stdout: ready on stdout", FALSE, FALSE };

  g_test_dbus_up (bus_daemon);
  app = write_sup_extension (f);
  {
    g_autofree char *path = g_build_filename (f->data_home, "kari", "registry.db", NULL);
    g_autoptr(KariRegistry) registry = kari_registry_open (path, NULL, NULL, &error);
    g_autoptr(KariRoles) roles = NULL;

    g_assert_no_error (error);
    roles = kari_roles_new (registry, g_get_user_name ());
    g_assert_true (kari_scripting_set_role (roles, registry, "default", "viewer", &error));
    g_assert_no_error (error);
    g_assert_false (kari_scripting_set_role (roles, registry, "default", "nosuch", &error));
    g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_UNKNOWN_ROLE);
    g_clear_error (&error);
    g_autofree char *saved = kari_scripting_dup_role (registry);
    g_assert_cmpstr (saved, ==, "viewer");
  }

  {
    g_auto(Result) r = run (f, "users", "scripting-role");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.out, ==, "viewer\n");
  }
  {
    g_auto(Result) r = run (f, "users", "scripting-role", "nosuch");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "There is no role “nosuch”"));
  }

  host = spawn_host (f, app, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (host));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, host_watch_on_line, &w);
  g_assert_true (kari_test_wait_for (&w.seen, 60));
  wait_running (f, "sup");

  {
    g_auto(Result) r = run (f, "stop", "sup");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "Stop needs the role “user” or “admin”"));
    g_assert_nonnull (strstr (r.err, "scripting role “viewer”"));
  }
  {
    g_auto(Result) r = run (f, "call", "sup", "echo", "{}");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "Call needs the role “user” or “admin”"));
  }
  /* Reading is allowed, and the refused stop changed nothing. */
  {
    g_autofree char *state = status_state (f, "sup");
    g_assert_cmpstr (state, ==, "running");
  }
  {
    g_auto(Result) r = run (f, "logs", "sup");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    gboolean found = FALSE;

    while (!found && g_get_monotonic_time () < deadline)
      {
        g_autoptr(JsonNode) node = NULL;
        JsonArray *entries = manager_audit (f, "manager:Stop", &node);

        for (guint i = 0; i < json_array_get_length (entries) && !found; i++)
          {
            JsonObject *e = json_array_get_object_element (entries, i);

            found = TRUE;
            g_assert_cmpstr (json_object_get_string_member (e, "decision"), ==, "deny");
            g_assert_cmpstr (json_object_get_string_member (e, "decided_by"), ==, "scripting-role:viewer");
            g_assert_nonnull (strstr (json_object_get_string_member (e, "detail"), "uid="));
          }
        if (!found)
          g_usleep (50000);
      }
    g_assert_true (found);
  }

  host_quit (host, &w);

  /* A role the tenant does not have is a usage error. */
  {
    g_auto(Result) r = run (f, "run", "--scripting-role", "nosuch", app);
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "There is no role “nosuch” in the tenant “default”"));
  }
  g_test_dbus_down (bus_daemon);
}

/* Removing an extension the host runs stops it through the host first. */
static void
test_remove_running (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GTestDBus) bus_daemon = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GSubprocess) host = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *kari = g_build_filename (f->data_home, "kari", NULL);
  g_autofree char *own = g_build_filename (kari, "extensions", NULL);
  g_autofree char *data_dir = g_build_filename (kari, "data", "default", "sup2", NULL);
  g_autofree char *app = NULL;
  HostWatch w = { text, "stdout: ready on stdout", FALSE, FALSE };

  g_test_dbus_up (bus_daemon);
  app = kari_test_write_supervised_extension (own, "sup2", "sup2",
                                              "\"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]}");
  g_assert_cmpint (g_chmod (f->root, 0755), ==, 0);
  g_assert_cmpint (g_chmod (f->data_home, 0755), ==, 0);
  g_assert_cmpint (g_chmod (kari, 0755), ==, 0);
  g_assert_cmpint (g_chmod (own, 0755), ==, 0);

  /* By name: found in the user's own extensions folder. */
  host = spawn_host (f, "sup2", &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (host));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, host_watch_on_line, &w);
  g_assert_true (kari_test_wait_for (&w.seen, 60));
  wait_running (f, "sup2");
  g_assert_true (g_file_test (data_dir, G_FILE_TEST_IS_DIR));

  {
    g_auto(Result) r = run (f, "remove", "sup2", "--yes");

    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "Stopping sup2 in the running host"));
  }
  {
    g_autofree char *state = status_state (f, "sup2");
    g_assert_cmpstr (state, ==, "stopped");
  }
  g_assert_false (g_file_test (app, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (data_dir, G_FILE_TEST_EXISTS));

  host_quit (host, &w);
  g_test_dbus_down (bus_daemon);
}

/* What would pull data from under a running extension is refused while
 * the host runs it, and only in the tenant it runs in. */
static void
test_data_while_running (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GTestDBus) bus_daemon = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GSubprocess) host = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *backup = g_build_filename (f->root, "backup.db", NULL);
  g_autofree char *app = write_sup_extension (f);
  HostWatch w = { text, "stdout: ready on stdout", FALSE, FALSE };

  {
    g_autofree char *path = g_build_filename (f->root, "source.db", NULL);
    g_autoptr(KariStore) store = kari_store_open (path, &error);

    g_assert_no_error (error);
    g_assert_true (kari_store_backup (store, backup, &error));
    g_assert_no_error (error);
  }
  {
    g_auto(Result) r = run (f, "tenant", "create", "acme");
    g_assert_cmpint (r.status, ==, 0);
  }
  g_test_dbus_up (bus_daemon);
  host = spawn_host_in (f, app, "acme", &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (host));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, host_watch_on_line, &w);
  g_assert_true (kari_test_wait_for (&w.seen, 60));
  wait_running (f, "sup");

  {
    g_autofree char *store = kari_store_dup_path (NULL, "acme", "sup", &error);
    g_auto(Result) r = run (f, "data", "import", "sup", backup, "--tenant", "acme");

    g_assert_no_error (error);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "sup is running in tenant “acme”; nothing was imported"));
    g_assert_nonnull (strstr (r.err, "kari-ext stop sup"));
    g_assert_false (g_file_test (store, G_FILE_TEST_EXISTS));
  }
  {
    /* It does not run in the default tenant, whose data it is free to take. */
    g_auto(Result) r = run (f, "data", "import", "sup", backup, "--json");

    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "tenant", "delete", "acme", "--yes");

    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "the running host has sup running in the tenant “acme”; nothing was deleted"));
  }
  {
    g_auto(Result) r = run (f, "tenant", "list", "--json");

    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "\"acme\""));
  }

  host_quit (host, &w);

  /* Without a host, nothing runs. */
  {
    g_auto(Result) r = run (f, "tenant", "delete", "acme", "--yes");

    g_assert_cmpint (r.status, ==, 0);
  }
  g_test_dbus_down (bus_daemon);
}

/* As root, the same again as nobody. */
static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = kari_test_rerun_as_nobody ("KARI_HOST_CONTROL_UNPRIVILEGED", TRUE, &successful,
                                                     "-p", "/host-control/commands",
                                                     "-p", "/host-control/viewer-role",
                                                     "-p", "/host-control/remove-running",
                                                     "-p", "/host-control/data-while-running", NULL);

  if (!successful)
    g_printerr ("as nobody:\n%s\n", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "ok 1 /host-control/commands"));
  g_assert_nonnull (strstr (out, "ok 2 /host-control/viewer-role"));
  g_assert_nonnull (strstr (out, "ok 3 /host-control/remove-running"));
  g_assert_nonnull (strstr (out, "ok 4 /host-control/data-while-running"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/host-control/commands", Fixture, NULL, fixture_setup, test_control, fixture_teardown);
  g_test_add ("/host-control/viewer-role", Fixture, NULL, fixture_setup, test_viewer_role, fixture_teardown);
  g_test_add ("/host-control/remove-running", Fixture, NULL, fixture_setup, test_remove_running, fixture_teardown);
  g_test_add ("/host-control/data-while-running", Fixture, NULL, fixture_setup, test_data_while_running,
              fixture_teardown);
  if (geteuid () == 0 && g_getenv ("KARI_HOST_CONTROL_UNPRIVILEGED") == NULL)
    g_test_add_func ("/host-control/unprivileged", test_unprivileged);
  return g_test_run ();
}
