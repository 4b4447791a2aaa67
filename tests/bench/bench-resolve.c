/* bench-resolve.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kari_resolver_resolve on a seeded random DAG of 1,000 extensions, each
 * with a few versions and three dependencies on extensions later in the
 * list (so there are no cycles). Every extension has 1.0.0 and 1.1.0, some
 * also 1.2.0 and 1.3.0; dependencies ask for `^1` (70%), `>=1.1.0` (20%) or
 * `<1.2.0` (10%), so the newest version picked first often clashes with a
 * `<1.2.0` met later and the resolver has to go back.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kari-resolver.h"
#include "kari-bench-util.h"

#define N_EXTENSIONS 1000
#define N_DEPS 3
#define N_RUNS 20

int
main (void)
{
  g_autoptr(KariResolver) resolver = kari_resolver_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
  double times[N_RUNS];
  guint resolved = 0, unresolved = 0;

  for (guint i = 0; i < N_EXTENSIONS; i++)
    {
      g_autofree char *name = g_strdup_printf ("ext%04u", i);
      guint n_versions = g_rand_int_range (rand, 2, 5);

      for (guint v = 0; v < n_versions; v++)
        {
          g_autoptr(GPtrArray) deps = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_dependency_free);
          g_autoptr(KariVersion) version = kari_version_new (1, v, 0);

          for (guint d = 0; d < N_DEPS && i + 1 < N_EXTENSIONS; d++)
            {
              guint target = g_rand_int_range (rand, i + 1, MIN (N_EXTENSIONS, i + 50));
              g_autofree char *dep_name = g_strdup_printf ("ext%04u", target);
              guint pick = g_rand_int_range (rand, 0, 10);
              const char *range = pick < 7 ? "^1" : pick < 9 ? ">=1.1.0" : "<1.2.0";
              g_autoptr(KariConstraint) c = kari_constraint_parse (range, NULL);

              g_ptr_array_add (deps, kari_dependency_new (KARI_DEPENDENCY_EXTENSION, dep_name, c));
            }
          kari_resolver_add_extension (resolver, name, version, deps);
        }
    }

  for (guint run = 0; run < N_RUNS; run++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(KariResolution) res = kari_resolver_resolve (resolver);

      times[run] = kari_bench_ms_since (start);
      resolved = kari_resolution_get_order (res)->len;
      unresolved = kari_resolution_get_unresolved (res)->len;
    }

  kari_bench_sort (times, N_RUNS);
  printf ("resolve %u extensions x %u deps: %u resolved, %u unresolved\n",
          N_EXTENSIONS, N_DEPS, resolved, unresolved);
  printf ("median %.2f ms over %d runs (min %.2f, max %.2f); target < 50 ms\n",
          times[N_RUNS / 2], N_RUNS, times[0], times[N_RUNS - 1]);
  return 0;
}
