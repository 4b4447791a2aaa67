/* kari-bench-util.h — small helpers the benchmarks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdlib.h>

#include <glib.h>

G_BEGIN_DECLS

static inline int
kari_bench_compare_double (const void *a,
                           const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Sorts @n samples in increasing order: then [n / 2] is the median,
 * [0] the least and [n - 1] the most. */
static inline void
kari_bench_sort (double *samples,
                 gsize   n)
{
  qsort (samples, n, sizeof samples[0], kari_bench_compare_double);
}

/* Nanoseconds per operation for @n operations begun at @start
 * (g_get_monotonic_time ()). */
static inline double
kari_bench_ns_per (gint64 start,
                   guint  n)
{
  return (double) (g_get_monotonic_time () - start) * 1000.0 / n;
}

/* Milliseconds since @start (g_get_monotonic_time ()). */
static inline double
kari_bench_ms_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / 1000.0;
}

/* Milliseconds that bare `bwrap … /bin/true` takes to run, the sandbox
 * benchmarks' yardstick. */
static inline double
kari_bench_bare_bwrap_ms (const char *bwrap)
{
  const char *argv[] = {
    bwrap, "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
    "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
    "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
    "--", "/bin/true", NULL,
  };
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, (char *[]) { NULL }, G_SPAWN_DEFAULT, NULL, NULL,
                     NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("bare bwrap: %s", error->message);
  return kari_bench_ms_since (start);
}

G_END_DECLS
