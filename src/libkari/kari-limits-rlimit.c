/* kari-limits-rlimit.c — rlimits and a userspace memory watch, the
 * backstop when no cgroup is ours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "kari-limits-private.h"
#include "kari-proc-tree-private.h"

/* No rlimit caps resident memory: RLIMIT_AS is address space, and a
 * GLib program reserves far more of it than it uses (64 MiB per malloc
 * arena, 8 MiB per thread stack, every library mapped). So memory is
 * held by a watch: one thread of the host samples the resident memory
 * of every process in each attached tree and kills a tree that goes
 * over its limit. RLIMIT_AS stays, the limit plus AS_HEADROOM, only to
 * bound how far a runaway can get should the watch ever fall behind.
 * RLIMIT_NPROC counts every process of the user. There is no rlimit for
 * a CPU share. */
#define AS_HEADROOM ((guint64) 2 << 30)

/* The watch samples a tree sooner the nearer it is to its limit: the time
 * it would take to fill what is left at twice the rate the tree grew at
 * since the previous sample, or at GROWTH bytes per second if more (a
 * quiet tree may start to touch pages at any time, and page faults run
 * at several GiB/s on one core), within these bounds. A new tree is
 * sampled at least every WATCH_NEW_MAX_USEC for WATCH_NEW_USEC, as a
 * program that allocates does so first at its start. */
#define GROWTH ((guint64) 2 << 30)
#define WATCH_MIN_USEC 500
#define WATCH_MAX_USEC 100000
#define WATCH_NEW_USEC 200000
#define WATCH_NEW_MAX_USEC 2000

/* One watched tree. Shared by the backend and the watch thread, so it
 * is counted; its mutable fields are under watch_lock. */
typedef struct
{
  gatomicrefcount ref;
  GPid            root;
  int             pidfd;     /* the root's, so a reused pid is never signalled */
  guint64         limit;
  guint64         peak;      /* the most the samples saw */
  gint64          due;       /* monotonic time of the next sample */
  gint64          started;   /* monotonic time the watch began */
  gint64          last_time; /* of the previous sample, 0 before the first */
  guint64         last_used; /* what it saw */
  gboolean        killed;    /* over its limit, and killed by the watch */
  gboolean        done;      /* the tree is gone, killed or no longer watched */
} Watch;

static GMutex     watch_lock;
static GCond      watch_cond;
static GPtrArray *watches;   /* Watch, each with a reference */
static GThread   *watch_thread;

static Watch *
watch_ref (Watch *watch)
{
  g_atomic_ref_count_inc (&watch->ref);
  return watch;
}

static void
watch_unref (Watch *watch)
{
  if (!g_atomic_ref_count_dec (&watch->ref))
    return;
  if (watch->pidfd >= 0)
    close (watch->pidfd);
  g_free (watch);
}

/* Whether @root has ended: its @pidfd reads as ready once it has (a
 * zombie included), whatever process has its pid since. */
static gboolean
root_ended (GPid root,
            int  pidfd)
{
  struct pollfd fd = { pidfd, POLLIN, 0 };

  if (pidfd < 0)
    return !_kari_proc_is_running (root);
  return poll (&fd, 1, 0) != 0;
}

/* The CPU time of the calling thread. */
static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* One sample of @watch, outside the lock (it reads /proc). Kills the tree
 * over its limit; returns the delay to the next sample, or -1 when the
 * watch is over. */
static gint64
watch_sample (Watch *watch)
{
  guint64 used = 0, rate = 0;
  gint64 delay, now, cost = thread_cpu_usec ();

  /* The cheap upper bound first; the exact figure, which walks page
   * tables, only when the bound is over (forks sharing their pages). */
  if (root_ended (watch->root, watch->pidfd) || _kari_proc_tree_memory (watch->root, FALSE, &used) == 0
      || (used > watch->limit && _kari_proc_tree_memory (watch->root, TRUE, &used) == 0))
    return -1;
  g_mutex_lock (&watch_lock);
  watch->peak = MAX (watch->peak, used);
  g_mutex_unlock (&watch_lock);
  if (used > watch->limit)
    {
      /* Said before it is done: whoever reaps the root asks at once. */
      g_mutex_lock (&watch_lock);
      watch->killed = TRUE;
      g_mutex_unlock (&watch_lock);
      /* The root by its pidfd first: bwrap's pid 1 takes the sandbox's
       * whole pid namespace with it. Then every descendant listed. */
      if (watch->pidfd >= 0)
        pidfd_send_signal (watch->pidfd, SIGKILL, NULL, 0);
      _kari_proc_tree_kill (watch->root);
      return -1;
    }
  /* Only the watch thread reads and writes these three. */
  now = g_get_monotonic_time ();
  if (watch->last_time > 0 && now > watch->last_time && used > watch->last_used)
    rate = (used - watch->last_used) * G_USEC_PER_SEC / (guint64) (now - watch->last_time);
  watch->last_time = now;
  watch->last_used = used;
  rate = MAX (2 * rate, GROWTH);
  delay = (gint64) ((watch->limit - used) * G_USEC_PER_SEC / rate);
  delay = CLAMP (delay, WATCH_MIN_USEC,
                 now - watch->started < WATCH_NEW_USEC ? WATCH_NEW_MAX_USEC : WATCH_MAX_USEC);
  /* A tree of many processes and threads, sitting just under its limit,
   * must not take the thread (and the host's CPU) for itself: its samples
   * are spaced to take at most a tenth of a CPU. CPU time, not wall time,
   * so a sample that waited for a CPU does not space the next out. */
  cost = thread_cpu_usec () - cost;
  return MAX (delay, 10 * cost);
}

static gpointer
watch_main (gpointer data)
{
  /* Named for top -H and the benchmark, which measures its cost. */
  pthread_setname_np (pthread_self (), "kari-mem-watch");
  g_mutex_lock (&watch_lock);
  for (;;)
    {
      g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func ((GDestroyNotify) watch_unref);
      gint64 now = g_get_monotonic_time ();
      gint64 next = G_MAXINT64;

      for (guint i = 0; i < watches->len; i++)
        {
          Watch *watch = g_ptr_array_index (watches, i);

          /* Those due soon too: one wake-up for several trees. */
          if (watch->due <= now + WATCH_MIN_USEC)
            g_ptr_array_add (due, watch_ref (watch));
          else
            next = MIN (next, watch->due);
        }
      if (due->len == 0)
        {
          if (next == G_MAXINT64)
            g_cond_wait (&watch_cond, &watch_lock);
          else
            g_cond_wait_until (&watch_cond, &watch_lock, next);
          continue;
        }
      g_mutex_unlock (&watch_lock);
      for (guint i = 0; i < due->len; i++)
        {
          Watch *watch = g_ptr_array_index (due, i);
          gint64 delay = watch_sample (watch);

          g_mutex_lock (&watch_lock);
          if (delay < 0 || watch->done)
            {
              watch->done = TRUE;
              g_ptr_array_remove (watches, watch);
            }
          else
            watch->due = g_get_monotonic_time () + delay;
          g_mutex_unlock (&watch_lock);
        }
      g_mutex_lock (&watch_lock);
    }
  return NULL;
}

/* Starts watching the tree of @root; the thread is made on first use and
 * lives as long as the process. */
static Watch *
watch_start (GPid    root,
             int     pidfd,
             guint64 limit)
{
  Watch *watch = g_new0 (Watch, 1);

  g_atomic_ref_count_init (&watch->ref);
  watch->root = root;
  watch->limit = limit;
  watch->pidfd = pidfd;
  watch->started = g_get_monotonic_time ();
  g_mutex_lock (&watch_lock);
  if (watches == NULL)
    watches = g_ptr_array_new_with_free_func ((GDestroyNotify) watch_unref);
  if (watch_thread == NULL)
    watch_thread = g_thread_new ("kari-memory-watch", watch_main, NULL);
  g_ptr_array_add (watches, watch_ref (watch));
  g_cond_signal (&watch_cond);
  g_mutex_unlock (&watch_lock);
  return watch;
}

/* Ends the watch of @watch's tree; the thread drops it at its next look. */
static void
watch_stop (Watch *watch)
{
  g_mutex_lock (&watch_lock);
  watch->done = TRUE;
  if (g_ptr_array_remove (watches, watch))
    g_cond_signal (&watch_cond);
  g_mutex_unlock (&watch_lock);
}

typedef struct
{
  guint64  memory_bytes;
  guint    tasks_max;
  GPid     pid;      /* the first attached: the root of the tree */
  int      pidfd;    /* the root's, or -1 */
  Watch   *watch;    /* NULL without a memory limit */
  guint64  peak;     /* without a watch, what read_usage saw */
  guint64  cpu_usec;
} Rlimit;

static void
rlimit_free (gpointer data)
{
  Rlimit *self = data;

  if (self->watch != NULL)
    {
      watch_stop (self->watch);
      watch_unref (self->watch);
    }
  if (self->pidfd >= 0)
    close (self->pidfd);
  g_free (self);
}

static gboolean
rlimit_probe (GError **error)
{
  return TRUE;
}

static gpointer
rlimit_create (const KariLimitsSpec  *spec,
               GError               **error)
{
  Rlimit *self = g_new0 (Rlimit, 1);

  self->memory_bytes = spec->memory_bytes;
  self->tasks_max = spec->tasks_max;
  self->pidfd = -1;
  return self;
}

static const char *
rlimit_get_path (gpointer data)
{
  return NULL;
}

static gboolean
set_one (GPid         pid,
         int          resource,
         const char  *name,
         guint64      value,
         GError     **error)
{
  struct rlimit limit = { (rlim_t) value, (rlim_t) value };

  if (prlimit (pid, resource, &limit, NULL) == 0)
    return TRUE;
  g_set_error (error, KARI_LIMITS_ERROR,
               errno == ESRCH ? KARI_LIMITS_ERROR_NO_PROCESS : KARI_LIMITS_ERROR_FAILED,
               "Cannot set %s on process %d: %s", name, (int) pid,
               errno == ESRCH ? "no such process" : g_strerror (errno));
  return FALSE;
}

/* Threads and processes that @uid runs now, all of which RLIMIT_NPROC
 * counts: the host's own, other extensions', other programs'. */
static guint
count_user_tasks (uid_t uid)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;

  if (proc == NULL)
    return 0;
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *task = NULL;
      g_autoptr(GDir) tasks = NULL;
      struct stat st;

      if (!g_ascii_isdigit (name[0]))
        continue;
      task = g_build_filename ("/proc", name, "task", NULL);
      if (stat (task, &st) != 0 || st.st_uid != uid)
        continue;
      tasks = g_dir_open (task, 0, NULL);
      while (tasks != NULL && g_dir_read_name (tasks) != NULL)
        n++;
    }
  return n;
}

static gboolean
rlimit_attach (gpointer   data,
               GPid       pid,
               GError   **error)
{
  Rlimit *self = data;

  /* Probe first, so a dead pid fails the same way with no limits asked. */
  if (kill (pid, 0) != 0 && errno == ESRCH)
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_NO_PROCESS,
                   "Cannot attach process %d: no such process", (int) pid);
      return FALSE;
    }
  if (self->memory_bytes
      && !set_one (pid, RLIMIT_AS, "RLIMIT_AS", self->memory_bytes + AS_HEADROOM, error))
    return FALSE;
  if (self->tasks_max)
    {
      g_autofree char *dir = g_strdup_printf ("/proc/%d", (int) pid);
      struct stat st;
      struct rlimit now;
      KariProcUsage own = { 0, };
      guint64 others = 0, value;

      /* RLIMIT_NPROC counts every task of the user, so the limit is what
       * the user runs now (the sandbox's first process included) plus
       * the extension's share: otherwise the host's own threads, or a
       * second extension, would eat into it. */
      if (stat (dir, &st) == 0)
        others = count_user_tasks (st.st_uid);
      /* …less @pid's own threads, which are the extension's. */
      if (_kari_proc_read_usage (pid, TRUE, &own) && others >= own.n_threads)
        others -= own.n_threads;
      value = others + self->tasks_max;
      /* an unprivileged host cannot raise the hard limit it has */
      if (prlimit (pid, RLIMIT_NPROC, NULL, &now) == 0 && now.rlim_max != RLIM_INFINITY)
        value = MIN (value, (guint64) now.rlim_max);
      if (!set_one (pid, RLIMIT_NPROC, "RLIMIT_NPROC", value, error))
        return FALSE;
    }
  /* The first process attached is the root: bwrap, whose tree holds
   * the sandbox. The others are its descendants, already watched. */
  if (self->pid <= 0)
    {
      self->pid = pid;
      self->pidfd = pidfd_open (pid, 0);
      if (self->memory_bytes)
        self->watch = watch_start (pid, self->pidfd >= 0 ? dup (self->pidfd) : -1,
                                   self->memory_bytes);
    }
  return TRUE;
}

/* The sum over the tree, so the payload counts and not bwrap alone; once
 * the tree is gone, nothing in use, and the last CPU time and the peak
 * seen. */
static gboolean
rlimit_read_usage (gpointer          data,
                   KariLimitsUsage  *usage,
                   GError          **error)
{
  Rlimit *self = data;
  KariProcUsage total = { 0, };

  if (self->pid <= 0)
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_NO_PROCESS,
                   "No process is attached");
      return FALSE;
    }
  /* Once the root has ended its pid may be another process's. */
  if (!root_ended (self->pid, self->pidfd) && _kari_proc_tree_usage (self->pid, TRUE, &total) > 0)
    self->cpu_usec = MAX (self->cpu_usec, total.cpu_usec);
  self->peak = MAX (self->peak, total.memory_bytes);
  if (self->watch != NULL)
    {
      g_mutex_lock (&watch_lock);
      self->watch->peak = MAX (self->watch->peak, total.memory_bytes);
      self->peak = self->watch->peak;
      g_mutex_unlock (&watch_lock);
    }
  usage->memory_bytes = total.memory_bytes;
  usage->memory_peak = self->peak;
  usage->n_tasks = total.n_threads;
  usage->cpu_usec = self->cpu_usec;
  return TRUE;
}

static gboolean
rlimit_was_oom_killed (gpointer data)
{
  Rlimit *self = data;
  gboolean killed = FALSE;

  if (self->watch != NULL)
    {
      g_mutex_lock (&watch_lock);
      killed = self->watch->killed;
      g_mutex_unlock (&watch_lock);
    }
  return killed;
}

static gboolean
rlimit_kill_all (gpointer   data,
                 GError   **error)
{
  Rlimit *self = data;

  /* Not a pid that ended and may be another process's now. */
  if (self->pid <= 0 || root_ended (self->pid, self->pidfd))
    return TRUE;
  if (self->pidfd >= 0)
    pidfd_send_signal (self->pidfd, SIGKILL, NULL, 0);
  _kari_proc_tree_kill (self->pid);
  return TRUE;
}

static gboolean
rlimit_destroy (gpointer   data,
                GError   **error)
{
  Rlimit *self = data;

  if (self->watch != NULL)
    watch_stop (self->watch);
  return TRUE;
}

const KariLimitsBackendOps _kari_limits_rlimit_ops = {
  .id = KARI_LIMITS_BACKEND_RLIMIT,
  .name = "rlimit",
  .probe = rlimit_probe,
  .create = rlimit_create,
  .get_path = rlimit_get_path,
  .attach = rlimit_attach,
  .read_usage = rlimit_read_usage,
  .was_oom_killed = rlimit_was_oom_killed,
  .kill_all = rlimit_kill_all,
  .destroy = rlimit_destroy,
  .free = rlimit_free,
};
