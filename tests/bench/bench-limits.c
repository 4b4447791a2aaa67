/* bench-limits.c — how closely each backend present holds its limits
 *
 * For every backend available here: a memory hog under a 128 MiB limit
 * (the peak recorded against the limit), and a CPU spinner for 5 s under
 * a 25 % quota (the share of a CPU in each 1 s window). The hog touches
 * memory as fast as one core can (no pause between MiB), the worst case
 * for the rlimit backend's watch, which samples the tree's resident
 * memory: its figure is the peak the watch saw against the limit, over
 * several runs, as a sampler's overshoot varies with scheduling.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "kari.h"
#include "kari-bench-util.h"
#include "../kari-limits-probe.h"

#define MiB (1024 * 1024)
#define MEMORY_LIMIT (128 * MiB)
#define CPU_QUOTA 25
#define SPIN_SECONDS 5

/* One hog under @backend: the peak recorded, in @peak; returns FALSE on
 * a failure it has printed. */
static gboolean
hog_once (KariLimitsBackend  backend,
          guint64           *peak,
          guint64           *allocated,
          const char       **outcome)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariLimits) limits = kari_limits_new_with_backend (backend, "bench.memory",
                                                               MEMORY_LIMIT, 0, 0, &error);
  g_autoptr(KariLimitsProbe) probe = NULL;
  g_autofree char *cap = g_strdup_printf ("%d", 8 * MEMORY_LIMIT);
  gboolean failed = FALSE;
  char *line;

  *peak = *allocated = 0;
  if (limits == NULL || (probe = kari_limits_probe_start (limits, "hog", cap, &error)) == NULL)
    {
      printf ("  memory: failed: %s\n", error->message);
      return FALSE;
    }
  while (!failed && (line = kari_limits_probe_read_line (probe)) != NULL)
    {
      const char *space = strchr (line, ' ');

      failed = g_str_has_prefix (line, "failed ");
      *allocated = space ? g_ascii_strtoull (space + 1, NULL, 10) : 0;
      g_free (line);
    }
  kari_limits_probe_finish (probe);
  kari_limits_read_usage (limits, NULL, peak, NULL, NULL, &error);
  *outcome = kari_limits_was_oom_killed (limits)
             ? (backend == KARI_LIMITS_BACKEND_RLIMIT ? "killed by the watch" : "OOM-killed")
             : failed ? "allocation refused" : "not stopped";
  return TRUE;
}

#define HOG_RUNS 5

static void
bench_memory (KariLimitsBackend backend)
{
  double over[HOG_RUNS], touched[HOG_RUNS];
  guint64 peak = 0, allocated = 0;
  const char *outcome = NULL;

  for (guint i = 0; i < HOG_RUNS; i++)
    {
      if (!hog_once (backend, &peak, &allocated, &outcome))
        return;
      over[i] = 100.0 * ((double) peak - MEMORY_LIMIT) / MEMORY_LIMIT;
      touched[i] = 100.0 * ((double) allocated - MEMORY_LIMIT) / MEMORY_LIMIT;
    }
  kari_bench_sort (over, HOG_RUNS);
  kari_bench_sort (touched, HOG_RUNS);
  /* The last MiB the hog said it touched can be past the peak recorded:
   * a sampler's kill lands a moment after the sample that decided it. */
  printf ("  memory: limit %d MiB, %s; peak recorded vs the limit over %d runs: median %+.1f %%, "
          "worst %+.1f %% (target within 10 %%); last MiB the hog touched: median %+.1f %%, "
          "worst %+.1f %%; last run: peak %.1f MiB, last allocation reported %.0f MiB%s\n",
          MEMORY_LIMIT / MiB, outcome, HOG_RUNS, over[HOG_RUNS / 2], over[HOG_RUNS - 1],
          touched[HOG_RUNS / 2], touched[HOG_RUNS - 1], (double) peak / MiB, (double) allocated / MiB,
          backend == KARI_LIMITS_BACKEND_RLIMIT
          ? " (a userspace watch of the tree's resident memory, sampled every 0.5-100 ms)" : "");
}

static void
bench_cpu (KariLimitsBackend backend)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariLimits) limits = kari_limits_new_with_backend (backend, "bench.cpu", 0,
                                                               CPU_QUOTA, 0, &error);
  g_autoptr(KariLimitsProbe) probe = NULL;
  g_autofree char *seconds = g_strdup_printf ("%d", SPIN_SECONDS);
  g_autoptr(GString) shares = g_string_new (NULL);
  double worst = 0;
  guint64 last_cpu = 0;
  gint64 start, last;

  if (limits == NULL
      || (probe = kari_limits_probe_start (limits, "spin", seconds, &error)) == NULL)
    {
      printf ("  cpu: failed: %s\n", error->message);
      return;
    }
  start = last = g_get_monotonic_time ();
  for (int w = 1; w < SPIN_SECONDS; w++)
    {
      guint64 cpu = 0;
      gint64 now;
      double share;

      g_usleep (start + w * G_USEC_PER_SEC - g_get_monotonic_time ());
      now = g_get_monotonic_time ();
      if (!kari_limits_read_usage (limits, NULL, NULL, &cpu, NULL, &error))
        {
          printf ("  cpu: cannot sample: %s\n", error->message);
          break;
        }
      share = 100.0 * (double) (cpu - last_cpu) / (double) (now - last);
      worst = MAX (worst, ABS (share - CPU_QUOTA) / CPU_QUOTA * 100);
      g_string_append_printf (shares, " %.1f", share);
      last_cpu = cpu;
      last = now;
    }
  kari_limits_probe_finish (probe);
  printf ("  cpu: quota %d %%, share per 1 s window (%%):%s; worst window %.1f %% off%s\n",
           CPU_QUOTA, shares->str, worst,
           backend == KARI_LIMITS_BACKEND_RLIMIT ? " (rlimits cannot cap a share)" : "");
}

/* CPU time of this process's thread named @comm, in microseconds, from
 * schedstat (nanoseconds; stat counts clock ticks). */
static guint64
thread_cpu_usec (const char *comm)
{
  g_autoptr(GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  while (tasks != NULL && (tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *sched_path = g_build_filename ("/proc/self/task", tid, "schedstat", NULL);
      g_autofree char *name = NULL;
      g_autofree char *sched = NULL;

      if (!g_file_get_contents (comm_path, &name, NULL, NULL) || !g_str_has_prefix (name, comm)
          || !g_file_get_contents (sched_path, &sched, NULL, NULL))
        continue;
      return g_ascii_strtoull (sched, NULL, 10) / 1000;
    }
  return 0;
}

#define IDLE_TREES 10
#define IDLE_SECONDS 3

/* What the rlimit backend's watch costs the host: its thread's CPU time
 * while it watches idle trees far under @limit_mib. It samples a tree
 * sooner the nearer it is to its limit, so a small limit (16 MiB, like
 * hello-c) costs the most. */
static void
bench_watch_cost (guint limit_mib)
{
  KariLimits *limits[IDLE_TREES] = { NULL, };
  KariLimitsProbe *probes[IDLE_TREES] = { NULL, };
  g_autoptr(GError) error = NULL;
  guint64 before, after;

  for (guint i = 0; i < IDLE_TREES; i++)
    {
      limits[i] = kari_limits_new_with_backend (KARI_LIMITS_BACKEND_RLIMIT, "bench.idle",
                                                (guint64) limit_mib * MiB, 0, 0, &error);
      probes[i] = limits[i] ? kari_limits_probe_start (limits[i], "forkbomb", "0", &error) : NULL;
      if (probes[i] == NULL)
        {
          printf ("  watch cost: failed: %s\n", error->message);
          return;
        }
      g_free (kari_limits_probe_read_line (probes[i]));
    }
  before = thread_cpu_usec ("kari-mem-watch");
  g_usleep (IDLE_SECONDS * G_USEC_PER_SEC);
  after = thread_cpu_usec ("kari-mem-watch");
  printf ("  watch cost: %d idle trees under %u MiB limits: the watch thread used %.2f %% of a CPU "
          "(%.0f µs per tree per second)\n", IDLE_TREES, limit_mib,
          100.0 * (double) (after - before) / (IDLE_SECONDS * G_USEC_PER_SEC),
          (double) (after - before) / IDLE_SECONDS / IDLE_TREES);
  for (guint i = 0; i < IDLE_TREES; i++)
    {
      kari_limits_probe_finish (probes[i]);
      kari_limits_probe_free (probes[i]);
      g_object_unref (limits[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) detect_error = NULL;
  KariLimitsBackend best = kari_limits_detect_backend (&detect_error);

  printf ("limits: best backend here: %s\n", kari_limits_backend_to_string (best));
  for (KariLimitsBackend b = 0; b < KARI_LIMITS_BACKEND_AUTO; b++)
    {
      g_autoptr(GError) error = NULL;

      if (!kari_limits_backend_probe (b, &error))
        {
          printf ("%s: absent (%s)\n", kari_limits_backend_to_string (b), error->message);
          continue;
        }
      printf ("%s:\n", kari_limits_backend_to_string (b));
      bench_memory (b);
      bench_cpu (b);
      if (b == KARI_LIMITS_BACKEND_RLIMIT)
        {
          bench_watch_cost (16);
          bench_watch_cost (256);
        }
    }
  return 0;
}
