/* bench-discovery.c — discover and validate 1,000 extensions; monitor latency
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints figures; never fails on time.
 */
#include <stdio.h>
#include <glib/gstdio.h>

#include "kari.h"
#include "../kari-test-util.h"
#include "kari-bench-util.h"

#define N_EXTENSIONS 1000
#define RUNS 9

static void
write_extension (const char *root, guint i, const char *version)
{
  g_autofree char *dir = g_strdup_printf ("%s/ext-%04u", root, i);
  g_autofree char *file = g_build_filename (dir, "extension.json", NULL);
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\n"
                          "  \"name\": \"ext-%04u\",\n"
                          "  \"version\": \"%s\",\n"
                          "  \"display_name\": \"Extension %u\",\n"
                          "  \"description\": \"A generated extension for the benchmark\",\n"
                          "  \"author\": \"Bench\",\n"
                          "  \"license\": \"MIT\",\n"
                          "  \"category\": \"utility\",\n"
                          "  \"tags\": [\"bench\", \"generated\"],\n"
                          "  \"dependencies\": {\"extensions\": [\"ext-%04u@^1.0.0\"]},\n"
                          "  \"permissions\": [\"data:read\", \"data:write\"],\n"
                          "  \"resources\": {\"max_memory_mb\": 256, \"max_cpu_percent\": 20, \"max_disk_mb\": 100}\n"
                          "}\n", i, version, i, i / 2);
  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (file, json, -1, NULL);
}

typedef struct
{
  gboolean fired;
} Flag;

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
on_added (KariDiscovery *d, KariManifest *m, Flag *flag)
{
  flag->fired = TRUE;
}

int
main (int argc, char **argv)
{
  g_autofree char *root = g_dir_make_tmp ("kari-bench-disc-XXXXXX", NULL);
  const char *paths[] = { root, NULL };
  double times[RUNS], latencies[RUNS];

  for (guint i = 0; i < N_EXTENSIONS; i++)
    write_extension (root, i, "1.0.0");

  for (guint r = 0; r < RUNS; r++)
    {
      g_autoptr(KariDiscovery) d = kari_discovery_new_for_paths (paths, NULL);
      gint64 start = g_get_monotonic_time ();

      kari_discovery_scan (d);
      times[r] = kari_bench_ms_since (start);
      if (kari_discovery_get_extensions (d)->len != N_EXTENSIONS)
        g_error ("expected %u extensions, found %u", N_EXTENSIONS, kari_discovery_get_extensions (d)->len);
    }
  kari_bench_sort (times, RUNS);
  printf ("discover+validate %u extensions: median %.1f ms (min %.1f, max %.1f); target < 100 ms\n",
           N_EXTENSIONS, times[RUNS / 2], times[0], times[RUNS - 1]);

  /* Monitor latency: time from writing a new manifest to the signal. */
  {
    const char *small[] = { NULL, NULL };
    g_autofree char *watch_root = g_dir_make_tmp ("kari-bench-mon-XXXXXX", NULL);
    g_autoptr(KariDiscovery) d = NULL;
    Flag flag = { FALSE };

    small[0] = watch_root;
    d = kari_discovery_new_for_paths (small, NULL);
    kari_discovery_scan (d);
    g_signal_connect (d, "extension-added", G_CALLBACK (on_added), &flag);
    kari_discovery_start_monitoring (d, NULL);
    g_timeout_add (50, tick, NULL);   /* so a lost event cannot block forever */
    for (guint r = 0; r < RUNS; r++)
      {
        gint64 start, deadline;

        flag.fired = FALSE;
        start = g_get_monotonic_time ();
        deadline = start + 10 * G_USEC_PER_SEC;
        write_extension (watch_root, 5000 + r, "1.0.0");
        while (!flag.fired && g_get_monotonic_time () < deadline)
          g_main_context_iteration (NULL, TRUE);
        latencies[r] = kari_bench_ms_since (start);
      }
    kari_bench_sort (latencies, RUNS);
    printf ("file monitor, new extension to signal: median %.0f ms (max %.0f); target < 1000 ms\n",
             latencies[RUNS / 2], latencies[RUNS - 1]);
    kari_discovery_stop_monitoring (d);
    kari_test_rm_rf (watch_root);
  }

  kari_test_rm_rf (root);
  return 0;
}
