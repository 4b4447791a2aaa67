/* test-metrics-run.c — metrics written by the supervisor of a real
 * sandboxed extension, and read back with kari-ext
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include "kari-test-metrics.h"

static char *root;

typedef struct
{
  gboolean done;
  gboolean running;
  char    *response;
} Waiter;

static void
on_state (KariSupervisor *supervisor,
          int             state,
          const char     *reason,
          Waiter         *w)
{
  if (state == KARI_STATE_RUNNING)
    w->running = TRUE;
}

static void
on_reply (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Waiter *w = user_data;
  g_autoptr(GError) error = NULL;

  g_free (w->response);
  w->response = kari_broker_call_handle_request_finish (KARI_BROKER (source), result, &error);
  g_assert_no_error (error);
  w->done = TRUE;
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Waiter *w = user_data;

  g_assert_true (kari_supervisor_stop_finish (KARI_SUPERVISOR (source), result, NULL));
  w->done = TRUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A real extension in its sandbox: its supervisor writes a row per
 * sample with memory, tasks and the calls made into it. */
static void
test_supervised (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAuditLog) audit = kari_audit_log_open (f->db, &error);
  g_autoptr(KariPermissionEngine) engine = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  g_autoptr(KariSupervisor) supervisor = NULL;
  g_autoptr(GArray) points = NULL;
  g_autofree char *app = NULL;
  Waiter w = { 0 };
  guint64 calls = 0, latency_n = 0, memory = 0;
  gboolean waited = FALSE;

  g_assert_no_error (error);
  engine = kari_permission_engine_new (f->registry, audit, NULL, &error);
  g_assert_no_error (error);
  app = kari_test_write_supervised_extension (root, "app-metered", "metered",
                                              "\"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]}");
  manifest = kari_test_install (f->registry, app);
  supervisor = kari_supervisor_new (manifest, app, "acme", engine, f->registry);
  kari_supervisor_set_handshake_timeout (supervisor, 20000);
  kari_supervisor_set_ping (supervisor, 0, 1000);
  kari_supervisor_set_metrics (supervisor, 100, 8);
  g_signal_connect (supervisor, "state-changed", G_CALLBACK (on_state), &w);
  kari_supervisor_start (supervisor, &error);
  g_assert_no_error (error);
  g_assert_no_error (error);
  g_assert_true (kari_test_wait_for (&w.running, 30));

  for (guint i = 0; i < 5; i++)
    {
      w.done = FALSE;
      kari_broker_call_handle_request_async (kari_supervisor_get_broker (supervisor), "echo", "{\"n\": 1}",
                                             5000, NULL, on_reply, &w);
      g_assert_true (kari_test_wait_for (&w.done, 30));
      g_assert_cmpstr (w.response, ==, "{\"n\": 1}");
    }
  /* A few sample intervals after the calls */
  g_timeout_add (500, on_timeout, &waited);
  g_assert_true (kari_test_wait_for (&waited, 30));

  w.done = FALSE;
  kari_supervisor_stop_async (supervisor, NULL, on_stopped, &w);
  g_assert_true (kari_test_wait_for (&w.done, 30));
  g_assert_true (kari_registry_flush_metrics (f->registry, &error));
  g_assert_no_error (error);

  points = kari_registry_query_metrics (f->registry, "metered", "acme", 0, 0, KARI_METRICS_RESOLUTION_RAW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, >=, 3);
  for (guint i = 0; i < points->len; i++)
    {
      const KariMetricsPoint *p = POINT (points, i);

      g_assert_cmpuint (p->resolution, ==, 0);
      g_assert_cmpfloat (p->cpu_percent, >=, 0.0);
      g_assert_cmpuint (p->tasks_max, >=, 1);
      calls += p->calls;
      latency_n += p->latency_n;
      memory = MAX (memory, p->memory_bytes_max);
      g_assert_cmpuint (p->call_errors, ==, 0);
      if (i > 0)
        g_assert_cmpint (p->time_usec, >, POINT (points, i - 1)->time_usec);
    }
  /* The handshake and the five requests at least; each answered. */
  g_assert_cmpuint (calls, >=, 6);
  g_assert_cmpuint (latency_n, >=, 6);
  g_assert_cmpuint (memory, >, 0);
  g_free (w.response);
}

/* `kari-ext metrics NAME --since` reads the history with no host. */
static void
test_cli_history (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *data_home = g_build_filename (f->dir, "home", NULL);
  g_autofree char *db = g_build_filename (data_home, "kari", "registry.db", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "none", NULL);
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  KariMetricsSample s[] = {
    sample ("crm", "default", now - SEC (600), 12.5, 3 << 20, 4),
    sample ("crm", "default", now - SEC (300), 37.5, 1 << 20, 2),
    sample ("crm", "default", now - SEC (3 * 3600), 99.0, 1, 1),
  };
  const char *argv_sets[][7] = {
    { g_getenv ("KARI_EXT"), "metrics", "crm", "--since", "30m", "--json", NULL },
    { g_getenv ("KARI_EXT"), "metrics", "crm", "--since", "30m", NULL },
  };

  registry = kari_registry_open (db, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kari_registry_install_values (registry, "crm", "1.0.0", "/x/crm",
                                               "{\"name\": \"crm\", \"version\": \"1.0.0\"}", NULL, &error));
  s[1].calls = 3;
  s[1].call_denied = 1;
  s[1].latency_n = 3;
  s[1].latency_sum_usec = 6000;
  s[1].latency_max_usec = 4000;
  g_assert_true (kari_registry_add_metrics (registry, s, G_N_ELEMENTS (s), &error));
  g_assert_no_error (error);
  g_clear_object (&registry);

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "KARI_EXTENSIONS_PATH", empty, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", empty, TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (argv_sets); i++)
    {
      g_autoptr(GSubprocess) proc = g_subprocess_launcher_spawnv (launcher, argv_sets[i], &error);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      if (g_test_verbose ())
        g_printerr ("%s%s", out, err);
      g_assert_true (g_subprocess_get_successful (proc));
      if (i == 0)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          JsonArray *points;
          JsonObject *p;

          g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
          points = json_node_get_array (json_parser_get_root (parser));
          /* The sample of 3 hours ago is outside the 30 minutes. */
          g_assert_cmpuint (json_array_get_length (points), ==, 2);
          p = json_array_get_object_element (points, 1);
          g_assert_cmpfloat (json_object_get_double_member (p, "cpu_percent"), ==, 37.5);
          g_assert_cmpint (json_object_get_int_member (p, "calls"), ==, 3);
          g_assert_cmpint (json_object_get_int_member (p, "call_denied"), ==, 1);
          g_assert_cmpfloat (json_object_get_double_member (p, "latency_mean_usec"), ==, 2000.0);
          g_assert_cmpint (json_object_get_int_member (p, "resolution"), ==, 0);
        }
      else
        {
          g_assert_nonnull (strstr (out, "LATENCY"));
          g_assert_nonnull (strstr (out, "37.5"));
          g_assert_nonnull (strstr (out, "3.0"));
          g_assert_nonnull (strstr (out, "MiB"));
          g_assert_nonnull (strstr (out, "2.0ms"));
        }
    }
}

/* As root, the supervised run again as nobody. */
static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = kari_test_rerun_as_nobody ("KARI_METRICS_UNPRIVILEGED", TRUE, &successful,
                                                     "-p", "/metrics/supervised", NULL);

  if (!successful)
    g_printerr ("as nobody:\n%s\n", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "ok 1 /metrics/supervised"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  root = kari_test_supervisor_root ("kari-metrics-root-XXXXXX");
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/metrics/supervised", Fixture, NULL, fixture_set_up, test_supervised, fixture_tear_down);
  g_test_add ("/metrics/cli/history", Fixture, NULL, fixture_set_up, test_cli_history, fixture_tear_down);
  if (geteuid () == 0 && g_getenv ("KARI_METRICS_UNPRIVILEGED") == NULL)
    g_test_add_func ("/metrics/unprivileged", test_unprivileged);
  status = g_test_run ();
  kari_test_rm_rf (root);
  g_free (root);
  return status;
}
