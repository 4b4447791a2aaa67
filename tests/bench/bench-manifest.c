/* bench-manifest.c — parse and validate a typical manifest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loads the advanced-analytics example from memory many times and
 * prints the median time of one parse + validate.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "kari.h"
#include "kari-bench-util.h"

#define BATCH 50
#define BATCHES 200

int
main (void)
{
  const char *source = g_getenv ("KARI_SOURCE_DIR") ? g_getenv ("KARI_SOURCE_DIR") : KARI_SOURCE_DIR;
  g_autofree char *path = g_build_filename (source, "examples", "extensions", "advanced-analytics",
                                            "extension.json", NULL);
  g_autofree char *text = NULL;
  gsize length = 0;
  double per_call[BATCHES];
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &text, &length, &error))
    {
      fprintf (stderr, "bench-manifest: %s\n", error->message);
      return 1;
    }

  for (guint b = 0; b < BATCHES; b++)
    {
      gint64 start = g_get_monotonic_time ();

      for (guint i = 0; i < BATCH; i++)
        {
          g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
          g_autoptr(KariManifest) m = kari_manifest_load_data (text, length, KARI_MANIFEST_FORMAT_JSON,
                                                               "extension.json", diagnostics, &error);
          if (m == NULL)
            {
              fprintf (stderr, "bench-manifest: %s\n", error->message);
              return 1;
            }
        }
      per_call[b] = (double) (g_get_monotonic_time () - start) / BATCH;
    }

  kari_bench_sort (per_call, BATCHES);
  printf ("manifest parse+validate (advanced-analytics, %u bytes): median %.1f µs, "
          "p90 %.1f µs (target < 50 µs)\n",
          (guint) length, per_call[BATCHES / 2], per_call[BATCHES * 9 / 10]);
  return 0;
}
