/* bench-supervisor.c — a supervised start up to the extension's first
 * answered call (its Handshake) against bare `bwrap … /bin/true`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include "config.h"

#include <glib/gstdio.h>

#include "kari.h"
#include "kari-bench-util.h"
#include "../kari-test-sandbox.h"

#define RUNS 20

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Returns the milliseconds to the handshake, and in @blocked_ms how long
 * kari_supervisor_start() held the main loop. */
static double
supervised_ms (KariSupervisor *supervisor,
               double         *blocked_ms)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double ms;
  gboolean stopped = FALSE;

  if (!kari_supervisor_start (supervisor, &error))
    g_error ("start: %s", error->message);
  *blocked_ms = kari_bench_ms_since (start);
  while (kari_supervisor_get_state (supervisor) == KARI_STATE_STARTING)
    g_main_context_iteration (NULL, TRUE);
  ms = kari_bench_ms_since (start);
  if (kari_supervisor_get_state (supervisor) != KARI_STATE_RUNNING)
    g_error ("not running: %s", kari_supervisor_get_reason (supervisor));
  kari_supervisor_stop_async (supervisor, NULL, on_stopped, &stopped);
  if (!kari_test_wait_for (&stopped, 30))
    g_error ("did not stop");
  return ms;
}

/* Milliseconds from spawning /bin/true to its exit, no sandbox. */
static double
bare_process_ms (void)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GSubprocess) process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "/bin/true", NULL);

  if (process == NULL || !g_subprocess_wait_check (process, NULL, &error))
    g_error ("/bin/true: %s", error->message);
  return kari_bench_ms_since (start);
}

static void
on_handshake (KariBroker *broker,
              gpointer    user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Milliseconds from spawning the same extension with a broker of its own
 * but no sandbox (no bwrap, no limits) to its handshake: what the
 * extension's start, its connection and authentication cost alone. */
static double
unsandboxed_ms (KariPermissionEngine *engine,
                const char           *socket_dir,
                const char           *program)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariBroker) broker = kari_broker_new (engine, "bench", "bench", g_get_user_name ());
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  gboolean done = FALSE;
  gint64 start;
  double ms;

  if (!kari_broker_start (broker, socket_dir, &error))
    g_error ("broker: %s", error->message);
  g_signal_connect (broker, "handshake", G_CALLBACK (on_handshake), &done);
  g_subprocess_launcher_setenv (launcher, "KARI_HOST_ADDRESS", kari_broker_get_address (broker), TRUE);
  start = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawn (launcher, &error, program, "hello", NULL);
  if (process == NULL)
    g_error ("%s: %s", program, error->message);
  if (!kari_test_wait_for (&done, 30))
    g_error ("no handshake from %s", program);
  ms = kari_bench_ms_since (start);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  kari_broker_stop (broker);
  return ms;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("kari-bench-supervisor-XXXXXX", &error);
  g_autofree char *db = g_build_filename (root, "registry.db", NULL);
  g_autofree char *runtime = g_build_filename (root, "run", NULL);
  g_autofree char *data_home = g_build_filename (root, "data", NULL);
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");
  g_autofree char *app = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(KariAuditLog) audit = NULL;
  g_autoptr(KariPermissionEngine) engine = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  g_autoptr(KariSupervisor) supervisor = NULL;
  double bare[RUNS], ours[RUNS], blocked[RUNS], process[RUNS], plain[RUNS], alone[RUNS];
  const char * const exit_at_once[] = { "/app/supervisor-ext", "exit-early", "0", NULL };

  g_assert_no_error (error);
  g_assert_nonnull (bwrap);
  g_mkdir (runtime, 0700);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_chmod (root, 0755);

  app = kari_test_write_supervised_extension (root, "app", "bench",
                                              "\"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]},"
                                              " \"resources\": {\"max_memory_mb\": 256}");
  manifest = kari_manifest_load_dir (app, NULL, &error);
  g_assert_no_error (error);

  registry = kari_registry_open (db, NULL, NULL, &error);
  g_assert_no_error (error);
  audit = kari_audit_log_open (db, &error);
  g_assert_no_error (error);
  engine = kari_permission_engine_new (registry, audit, NULL, &error);
  g_assert_no_error (error);
  supervisor = kari_supervisor_new (manifest, app, "bench", engine, NULL);
  kari_supervisor_set_ping (supervisor, 0, 1000);
  kari_supervisor_set_metrics (supervisor, 0, 1);

  /* Warm both paths once (page cache, bwrap version check). */
  kari_bench_bare_bwrap_ms (bwrap);
  supervised_ms (supervisor, &blocked[0]);
  for (guint i = 0; i < RUNS; i++)
    {
      bare[i] = kari_bench_bare_bwrap_ms (bwrap);
      process[i] = kari_bench_bare_bwrap_run_ms (bwrap, app, exit_at_once);
      ours[i] = supervised_ms (supervisor, &blocked[i]);
    }
  /* Apart, after: a broker's teardown would weigh on the next run. */
  for (guint i = 0; i < RUNS; i++)
    {
      plain[i] = bare_process_ms ();
      alone[i] = unsandboxed_ms (engine, runtime, g_getenv ("KARI_SUPERVISOR_EXT"));
    }
  kari_bench_sort (bare, RUNS);
  kari_bench_sort (ours, RUNS);
  kari_bench_sort (blocked, RUNS);
  kari_bench_sort (process, RUNS);
  kari_bench_sort (plain, RUNS);
  kari_bench_sort (alone, RUNS);

  printf ("supervised start to the first answered call, %d runs each (median, min–max):\n", RUNS);
  printf ("  limits backend: %s\n", kari_supervisor_get_limits_backend (supervisor));
  printf ("  bare bwrap /bin/true:          %7.2f ms (%.2f–%.2f)\n", bare[RUNS / 2], bare[0], bare[RUNS - 1]);
  printf ("  KariSupervisor to Handshake:   %7.2f ms (%.2f–%.2f)\n", ours[RUNS / 2], ours[0], ours[RUNS - 1]);
  printf ("  ratio: %.2f× (target ≤ 1.5×); of the fastest runs %.2f×\n", ours[RUNS / 2] / bare[RUNS / 2],
          ours[0] / bare[0]);
  /* Where the time over the floor goes: what the extension's own
   * process costs to start and end (GLib and GIO loaded, in the same
   * bare sandbox), and the rest: the sandbox's further options, limits,
   * the D-Bus connection with its authentication, and the handshake. */
  printf ("  breakdown: bare bwrap running the extension to exit at once %.2f ms, so its own process start "
          "+%.2f ms; sandbox options, limits, connection, authentication and handshake +%.2f ms\n",
          process[RUNS / 2], process[RUNS / 2] - bare[RUNS / 2], ours[RUNS / 2] - process[RUNS / 2]);
  /* The lowest a sandboxed extension could reach: bwrap's own cost
   * (bare bwrap less a bare process) added to the extension's start,
   * connection and handshake without any sandbox. */
  printf ("  floor of any GDBus extension: spawn to handshake without a sandbox %.2f ms (/bin/true %.2f ms), "
          "so at best %.2f ms with bwrap, %.2f× of bare bwrap\n",
          alone[RUNS / 2], plain[RUNS / 2], alone[RUNS / 2] + bare[RUNS / 2] - plain[RUNS / 2],
          (alone[RUNS / 2] + bare[RUNS / 2] - plain[RUNS / 2]) / bare[RUNS / 2]);
  printf ("  of which the host's main loop was held by kari_supervisor_start(): %.2f ms (%.2f–%.2f)\n",
          blocked[RUNS / 2], blocked[0], blocked[RUNS - 1]);

  g_clear_object (&supervisor);
  kari_test_rm_rf (root);
  return 0;
}
