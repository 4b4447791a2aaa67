/* bench-registry.c — kari_registry_lookup by name in a registry of 1,000
 * extensions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "kari-registry.h"
#include "../kari-test-util.h"
#include "kari-bench-util.h"

#define N_EXTENSIONS 1000
#define N_BATCHES    31
#define BATCH        5000

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kari-bench-registry-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autofree char *padding = g_strnfill (1500, 'm');
  char **names = g_new0 (char *, N_EXTENSIONS + 1);
  double per_lookup[N_BATCHES];
  gint64 start;

  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  path = g_build_filename (dir, "registry.db", NULL);
  registry = kari_registry_open (path, NULL, NULL, &error);
  if (registry == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_EXTENSIONS; i++)
    {
      g_autofree char *json = NULL;

      names[i] = g_strdup_printf ("extension-%04u", i);
      /* a manifest of realistic size, ~1.5 kB */
      json = g_strdup_printf ("{\"name\":\"%s\",\"version\":\"1.0.0\",\"description\":\"%s\"}",
                              names[i], padding);
      if (!kari_registry_install_values (registry, names[i], "1.0.0", "/usr/share/kari/extensions/x",
                                         json, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
  printf ("registry: %d installs, %.1f µs each (one transaction each)\n", N_EXTENSIONS,
          (double) (g_get_monotonic_time () - start) / N_EXTENSIONS);

  for (guint b = 0; b < N_BATCHES; b++)
    {
      gint64 t0 = g_get_monotonic_time ();

      for (guint i = 0; i < BATCH; i++)
        {
          KariRegistryEntry *entry = kari_registry_lookup (registry, names[(i * 7919 + b) % N_EXTENSIONS], NULL);

          if (entry == NULL)
            {
              g_printerr ("lookup failed\n");
              return 1;
            }
          kari_registry_entry_free (entry);
        }
      per_lookup[b] = kari_bench_ns_per (t0, BATCH);
    }

  kari_bench_sort (per_lookup, N_BATCHES);
  printf ("registry: lookup by name among %d extensions: median %.0f ns/lookup "
          "(min %.0f, max %.0f over %d batches of %d), target < 5 µs\n",
          N_EXTENSIONS, per_lookup[N_BATCHES / 2], per_lookup[0], per_lookup[N_BATCHES - 1],
          N_BATCHES, BATCH);

  g_clear_object (&registry);
  g_strfreev (names);
  kari_test_rm_rf (dir);
  return 0;
}
