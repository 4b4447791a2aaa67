/* bench-fleet.c — 50 extensions started at once through the supervisor:
 * the wall time until every one is running and has answered a call,
 * and the host's memory per running extension
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include "config.h"

#include <malloc.h>

#include "kari.h"
#include "kari-bench-util.h"
#include "../kari-test-sandbox.h"

#define N_EXTENSIONS 50
#define TARGET_BYTES (1024 * 1024)

typedef struct
{
  guint64 rss_kib;
  guint64 private_dirty_kib;
  guint64 malloc_bytes;
} Memory;

/* @field's value in kB from a /proc file in "Name:   123 kB" form. */
static guint64
proc_kib (const char *path,
          const char *field)
{
  g_autofree char *text = NULL;
  const char *at;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (at = strstr (text, field)) == NULL)
    return 0;
  return g_ascii_strtoull (at + strlen (field), NULL, 10);
}

static Memory
memory_now (void)
{
  struct mallinfo2 info = mallinfo2 ();
  Memory memory = {
    proc_kib ("/proc/self/status", "VmRSS:"),
    proc_kib ("/proc/self/smaps_rollup", "Private_Dirty:"),
    info.uordblks + info.hblkhd,
  };

  return memory;
}

typedef struct
{
  guint n_answered;
  guint n_failed;
} Calls;

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Calls *calls = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = kari_broker_call_handle_request_finish (KARI_BROKER (source), result, &error);

  if (answer == NULL)
    {
      g_printerr ("call: %s\n", error->message);
      calls->n_failed++;
    }
  else
    calls->n_answered++;
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  (*(guint *) user_data)++;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("kari-bench-fleet-XXXXXX", &error);
  g_autofree char *db = g_build_filename (root, "registry.db", NULL);
  g_autofree char *runtime = g_build_filename (root, "run", NULL);
  g_autofree char *data_home = g_build_filename (root, "data", NULL);
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(KariAuditLog) audit = NULL;
  g_autoptr(KariPermissionEngine) engine = NULL;
  KariSupervisor *fleet[N_EXTENSIONS];
  KariManifest *manifests[N_EXTENSIONS];
  char *apps[N_EXTENSIONS];
  gboolean answered[N_EXTENSIONS] = { FALSE };
  Calls calls = { 0 };
  Memory before, after;
  double bare, all_ms, per_rss, per_dirty, per_malloc;
  gint64 start;
  guint n_running = 0, n_stopped = 0;

  g_assert_no_error (error);
  g_assert_nonnull (bwrap);
  g_mkdir (runtime, 0700);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_chmod (root, 0755);

  registry = kari_registry_open (db, NULL, NULL, &error);
  g_assert_no_error (error);
  audit = kari_audit_log_open (db, &error);
  g_assert_no_error (error);
  engine = kari_permission_engine_new (registry, audit, NULL, &error);
  g_assert_no_error (error);

  /* Folders, manifests and registry rows are not what is measured. */
  for (guint i = 0; i < N_EXTENSIONS; i++)
    {
      g_autofree char *name = g_strdup_printf ("fleet-%02u", i);
      g_autofree char *folder = g_strdup_printf ("app-%02u", i);
      g_autofree char *app = kari_test_write_supervised_extension (root, folder, name,
                                                                  "\"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]},"
                                                                  " \"resources\": {\"max_memory_mb\": 64, \"max_cpu_percent\": 20}");

      manifests[i] = kari_test_install (registry, app);
      apps[i] = g_steal_pointer (&app);
    }
  kari_bench_bare_bwrap_ms (bwrap);
  bare = kari_bench_bare_bwrap_ms (bwrap);
  malloc_trim (0);
  before = memory_now ();

  /* The supervisors count: they are host-side state of each extension. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_EXTENSIONS; i++)
    {
      fleet[i] = kari_supervisor_new (manifests[i], apps[i], "bench", engine, registry);
      kari_supervisor_set_handshake_timeout (fleet[i], 60000);
      /* Defaults otherwise: ping, metrics and disk checks stay on, as in the app. */
    }
  for (guint i = 0; i < N_EXTENSIONS; i++)
    if (!kari_supervisor_start (fleet[i], &error))
      g_error ("start %u: %s", i, error->message);
  while (calls.n_answered + calls.n_failed < N_EXTENSIONS)
    {
      g_main_context_iteration (NULL, TRUE);
      for (guint i = 0; i < N_EXTENSIONS; i++)
        if (!answered[i] && kari_supervisor_get_state (fleet[i]) == KARI_STATE_RUNNING)
          {
            answered[i] = TRUE;
            kari_broker_call_handle_request_async (kari_supervisor_get_broker (fleet[i]), "echo", "{}", 30000,
                                                   NULL, on_answer, &calls);
          }
        else if (!answered[i] && kari_supervisor_get_state (fleet[i]) == KARI_STATE_FAILED)
          g_error ("%s failed: %s", kari_supervisor_get_name (fleet[i]), kari_supervisor_get_reason (fleet[i]));
    }
  all_ms = kari_bench_ms_since (start);
  for (guint i = 0; i < N_EXTENSIONS; i++)
    n_running += kari_supervisor_get_state (fleet[i]) == KARI_STATE_RUNNING;
  after = memory_now ();

  per_rss = (double) (after.rss_kib - before.rss_kib) * 1024 / N_EXTENSIONS;
  per_dirty = (double) (after.private_dirty_kib - before.private_dirty_kib) * 1024 / N_EXTENSIONS;
  per_malloc = ((double) after.malloc_bytes - (double) before.malloc_bytes) / N_EXTENSIONS;

  printf ("%d extensions started at once through KariSupervisor (limits backend: %s):\n",
          N_EXTENSIONS, kari_supervisor_get_limits_backend (fleet[0]));
  printf ("  all running and answering a call:   %8.1f ms (%u running, %u answered, %u failed)\n",
          all_ms, n_running, calls.n_answered, calls.n_failed);
  printf ("  per extension:                      %8.2f ms; bare bwrap /bin/true %.2f ms, ratio %.2f×\n",
          all_ms / N_EXTENSIONS, bare, all_ms / N_EXTENSIONS / bare);
  printf ("host memory per running extension (target ≤ %d KiB):\n", TARGET_BYTES / 1024);
  printf ("  RSS:            %8.1f KiB (ratio to target %.2f)\n", per_rss / 1024, per_rss / TARGET_BYTES);
  printf ("  private dirty:  %8.1f KiB (ratio to target %.2f)\n", per_dirty / 1024, per_dirty / TARGET_BYTES);
  printf ("  malloc in use:  %8.1f KiB (ratio to target %.2f)\n", per_malloc / 1024, per_malloc / TARGET_BYTES);

  for (guint i = 0; i < N_EXTENSIONS; i++)
    kari_supervisor_stop_async (fleet[i], NULL, on_stopped, &n_stopped);
  while (n_stopped < N_EXTENSIONS)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < N_EXTENSIONS; i++)
    {
      g_object_unref (fleet[i]);
      g_object_unref (manifests[i]);
      g_free (apps[i]);
    }
  kari_test_rm_rf (root);
  return 0;
}
