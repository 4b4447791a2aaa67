/* kari-limits-rlimit.c — rlimits, the backstop when no cgroup is ours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sys/stat.h>

#include "kari-limits-private.h"

/* Only what prlimit(2) can do on a running process: RLIMIT_AS is address
 * space, not resident memory, and RLIMIT_NPROC counts every process of
 * the user. There is no rlimit for a CPU share. */
typedef struct
{
  guint64 memory_bytes;
  guint   tasks_max;
  GPid    pid;
} Rlimit;

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
  if (self->memory_bytes && !set_one (pid, RLIMIT_AS, "RLIMIT_AS", self->memory_bytes, error))
    return FALSE;
  if (self->tasks_max)
    {
      g_autofree char *dir = g_strdup_printf ("/proc/%d", (int) pid);
      struct stat st;
      struct rlimit now;
      guint64 others = 0, value;

      /* RLIMIT_NPROC counts every task of the user, so the limit is what
       * the user runs now (the sandbox's first process included) plus
       * the extension's share: otherwise the host's own threads, or a
       * second extension, would eat into it. */
      if (stat (dir, &st) == 0)
        others = count_user_tasks (st.st_uid);
      value = others + self->tasks_max;
      /* an unprivileged host cannot raise the hard limit it has */
      if (prlimit (pid, RLIMIT_NPROC, NULL, &now) == 0 && now.rlim_max != RLIM_INFINITY)
        value = MIN (value, (guint64) now.rlim_max);
      if (!set_one (pid, RLIMIT_NPROC, "RLIMIT_NPROC", value, error))
        return FALSE;
    }
  self->pid = pid;
  return TRUE;
}

static gboolean
read_proc (GPid         pid,
           const char  *file,
           char       **contents,
           GError     **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/%s", (int) pid, file);

  if (g_file_get_contents (path, contents, NULL, NULL))
    return TRUE;
  g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_NO_PROCESS,
               "Cannot read %s: the process is gone", path);
  return FALSE;
}

/* "VmHWM:\t  1234 kB" in /proc/PID/status. */
static guint64
status_kb (const char *status,
           const char *key)
{
  const char *line = strstr (status, key);
  guint64 value = 0;

  if (line != NULL)
    value = g_ascii_strtoull (line + strlen (key), NULL, 10);
  return value;
}

static gboolean
rlimit_read_usage (gpointer          data,
                   KariLimitsUsage  *usage,
                   GError          **error)
{
  Rlimit *self = data;
  g_autofree char *status = NULL;
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;
  long ticks = sysconf (_SC_CLK_TCK);

  if (self->pid <= 0)
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_NO_PROCESS,
                   "No process is attached");
      return FALSE;
    }
  if (!read_proc (self->pid, "status", &status, error)
      || !read_proc (self->pid, "stat", &stat, error))
    return FALSE;
  usage->memory_bytes = status_kb (status, "\nVmRSS:") * 1024;
  usage->memory_peak = status_kb (status, "\nVmHWM:") * 1024;
  usage->n_tasks = (guint) status_kb (status, "\nThreads:");

  /* The command name may hold spaces and ")": fields count from the last ")". */
  after_comm = strrchr (stat, ')');
  fields = g_strsplit (after_comm ? after_comm + 2 : "", " ", -1);
  if (g_strv_length (fields) < 13 || ticks <= 0)
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_FAILED,
                   "Cannot parse /proc/%d/stat", (int) self->pid);
      return FALSE;
    }
  /* utime and stime are fields 14 and 15, so 11 and 12 after the state. */
  usage->cpu_usec = (g_ascii_strtoull (fields[11], NULL, 10)
                     + g_ascii_strtoull (fields[12], NULL, 10)) * G_USEC_PER_SEC / ticks;
  return TRUE;
}

static gboolean
rlimit_was_oom_killed (gpointer data)
{
  return FALSE;
}

static gboolean
rlimit_kill_all (gpointer   data,
                 GError   **error)
{
  Rlimit *self = data;

  if (self->pid > 0)
    kill (self->pid, SIGKILL);
  return TRUE;
}

static gboolean
rlimit_destroy (gpointer   data,
                GError   **error)
{
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
  .free = g_free,
};
