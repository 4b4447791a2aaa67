/* bench-sandbox.c — our sandbox's start against bare bwrap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include "config.h"

#include <glib/gstdio.h>

#include "kari.h"
#include "kari-bench-util.h"

#define RUNS 30

/* Returns the milliseconds to the payload's exit, and in @spawn_ms how
 * long kari_sandbox_spawn() held the caller (building the command line,
 * opening the folders and the filter, forking bwrap). */
static double
sandbox_ms (KariManifest *manifest,
            const char   *app,
            const char   *data,
            double       *spawn_ms)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(KariSandbox) sandbox = kari_sandbox_new (manifest, app, data, "bench");
  g_autoptr(GSubprocess) process = kari_sandbox_spawn (sandbox, G_SUBPROCESS_FLAGS_NONE, &error);

  if (process == NULL)
    g_error ("sandbox: %s", error->message);
  *spawn_ms = kari_bench_ms_since (start);
  kari_sandbox_release (sandbox);
  if (!g_subprocess_wait_check (process, NULL, &error))
    g_error ("sandbox: %s", error->message);
  return kari_bench_ms_since (start);
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("kari-bench-sandbox-XXXXXX", &error);
  g_autofree char *app = g_build_filename (root, "app", NULL);
  g_autofree char *data = g_build_filename (root, "data", NULL);
  g_autofree char *manifest_path = g_build_filename (app, "extension.json", NULL);
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");
  g_autoptr(KariManifest) manifest = NULL;
  double bare[RUNS], ours[RUNS], spawn[RUNS];

  g_assert_no_error (error);
  g_assert_nonnull (bwrap);
  g_mkdir_with_parents (app, 0755);
  g_mkdir_with_parents (data, 0700);
  g_file_set_contents (manifest_path,
                       "{\"name\": \"bench\", \"version\": \"1.0.0\", \"description\": \"Bench\","
                       " \"runtime\": {\"command\": [\"true\"]}}", -1, &error);
  g_assert_no_error (error);
  manifest = kari_manifest_load_dir (app, NULL, &error);
  g_assert_no_error (error);

  /* Warm both paths once (page cache, bwrap version check). */
  kari_bench_bare_bwrap_ms (bwrap);
  sandbox_ms (manifest, app, data, &spawn[0]);
  for (guint i = 0; i < RUNS; i++)
    {
      bare[i] = kari_bench_bare_bwrap_ms (bwrap);
      ours[i] = sandbox_ms (manifest, app, data, &spawn[i]);
    }
  kari_bench_sort (bare, RUNS);
  kari_bench_sort (ours, RUNS);
  kari_bench_sort (spawn, RUNS);

  printf ("sandbox start, %d runs each (median, min–max):\n", RUNS);
  printf ("  bare bwrap /bin/true:     %6.2f ms (%.2f–%.2f)\n", bare[RUNS / 2], bare[0], bare[RUNS - 1]);
  printf ("  KariSandbox running true: %6.2f ms (%.2f–%.2f)\n", ours[RUNS / 2], ours[0], ours[RUNS - 1]);
  printf ("  ratio: %.2f× (target ≤ 1.5×)\n", ours[RUNS / 2] / bare[RUNS / 2]);
  printf ("  of which kari_sandbox_spawn() held the caller: %.2f ms (%.2f–%.2f)\n",
          spawn[RUNS / 2], spawn[0], spawn[RUNS - 1]);

  g_unlink (manifest_path);
  g_rmdir (app);
  g_rmdir (data);
  g_rmdir (root);
  return 0;
}
