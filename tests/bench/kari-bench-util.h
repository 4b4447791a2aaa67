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

/* Milliseconds that bare `bwrap … COMMAND` takes to run, with @app_dir
 * (if any) at /app: the same few options as the yardstick below. */
static inline double
kari_bench_bare_bwrap_run_ms (const char         *bwrap,
                              const char         *app_dir,
                              const char * const *command)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *options[] = {
    "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
    "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
    "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
  };
  g_autoptr(GError) error = NULL;
  gint64 start;
  int status = 0;

  g_ptr_array_add (argv, (char *) bwrap);
  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    g_ptr_array_add (argv, (char *) options[i]);
  if (app_dir != NULL)
    {
      g_ptr_array_add (argv, (char *) "--ro-bind");
      g_ptr_array_add (argv, (char *) app_dir);
      g_ptr_array_add (argv, (char *) "/app");
    }
  g_ptr_array_add (argv, (char *) "--");
  for (guint i = 0; command[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) command[i]);
  g_ptr_array_add (argv, NULL);

  start = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv->pdata, (char *[]) { NULL }, G_SPAWN_DEFAULT, NULL, NULL,
                     NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("bare bwrap: %s", error->message);
  return kari_bench_ms_since (start);
}

/* Milliseconds that bare `bwrap … /bin/true` takes to run, the sandbox
 * benchmarks' yardstick. */
static inline double
kari_bench_bare_bwrap_ms (const char *bwrap)
{
  return kari_bench_bare_bwrap_run_ms (bwrap, NULL, (const char * const []) { "/bin/true", NULL });
}

G_END_DECLS
