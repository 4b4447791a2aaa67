/* kari-limits-cgroup1.c — limits in writable cgroup v1 hierarchies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kari-limits-private.h"

/* The hierarchies used; cpuacct only reports, so it may be absent. */
typedef enum
{
  V1_MEMORY,
  V1_CPU,
  V1_PIDS,
  V1_CPUACCT,
  V1_N,
} V1Controller;

static const struct
{
  const char *name;
  gboolean    required;
} controllers[V1_N] = {
  [V1_MEMORY] = { "memory", TRUE },
  [V1_CPU] = { "cpu", TRUE },
  [V1_PIDS] = { "pids", TRUE },
  [V1_CPUACCT] = { "cpuacct", FALSE },
};

/* The scheduler period: short enough that a 1 s window sees ten of them. */
#define CFS_PERIOD_USEC 100000

typedef struct
{
  char *dirs[V1_N];   /* NULL for an absent optional hierarchy */
} Cgroup1;

/* Where groups go in @c's hierarchy: "kari" under this process's own
 * group, so they sit inside whatever limits apply to the host. */
static char *
parent_dir (V1Controller   c,
            GError       **error)
{
  g_autofree char *own = _kari_limits_cgroup_own_dir ("cgroup", controllers[c].name, error);

  if (own == NULL)
    return NULL;
  if (access (own, W_OK) != 0)
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_UNAVAILABLE,
                   "%s is not writable: %s", own, g_strerror (errno));
      return NULL;
    }
  return g_build_filename (own, "kari", NULL);
}

static gboolean
cgroup1_probe (GError **error)
{
  for (guint c = 0; c < V1_N; c++)
    {
      g_autofree char *dir = NULL;

      if (!controllers[c].required)
        continue;
      dir = parent_dir (c, error);
      if (dir == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
cgroup1_free (gpointer data)
{
  Cgroup1 *self = data;

  for (guint c = 0; c < V1_N; c++)
    g_free (self->dirs[c]);
  g_free (self);
}

static gboolean
cgroup1_destroy (gpointer   data,
                 GError   **error)
{
  Cgroup1 *self = data;
  gboolean ok = TRUE;

  for (guint c = 0; c < V1_N; c++)
    if (self->dirs[c] != NULL)
      ok &= _kari_limits_cgroup_remove (self->dirs[c], ok ? error : NULL);
  return ok;
}

static gboolean
set_limits (Cgroup1               *self,
            const KariLimitsSpec  *spec,
            GError               **error)
{
  g_autofree char *memsw = g_build_filename (self->dirs[V1_MEMORY],
                                             "memory.memsw.limit_in_bytes", NULL);
  char mem[32], quota[32], period[32], pids[32];

  g_snprintf (mem, sizeof mem, "%" G_GINT64_FORMAT,
              spec->memory_bytes ? (gint64) MIN (spec->memory_bytes, G_MAXINT64) : -1);
  g_snprintf (period, sizeof period, "%d", CFS_PERIOD_USEC);
  g_snprintf (quota, sizeof quota, "%" G_GINT64_FORMAT,
              spec->cpu_percent ? (gint64) spec->cpu_percent * CFS_PERIOD_USEC / 100 : -1);
  if (spec->tasks_max)
    g_snprintf (pids, sizeof pids, "%u", spec->tasks_max);
  else
    g_strlcpy (pids, "max", sizeof pids);

  /* memsw must stay ≥ the memory limit: set memory first. memsw exists
   * only with swap accounting; without it swap is not capped. */
  return _kari_limits_cgroup_write (self->dirs[V1_MEMORY], "memory.limit_in_bytes", mem, error)
         && (!g_file_test (memsw, G_FILE_TEST_EXISTS)
             || _kari_limits_cgroup_write (self->dirs[V1_MEMORY],
                                           "memory.memsw.limit_in_bytes", mem, error))
         && _kari_limits_cgroup_write (self->dirs[V1_CPU], "cpu.cfs_period_us", period, error)
         && _kari_limits_cgroup_write (self->dirs[V1_CPU], "cpu.cfs_quota_us", quota, error)
         && _kari_limits_cgroup_write (self->dirs[V1_PIDS], "pids.max", pids, error);
}

static gpointer
cgroup1_create (const KariLimitsSpec  *spec,
                GError               **error)
{
  Cgroup1 *self = g_new0 (Cgroup1, 1);

  for (guint c = 0; c < V1_N; c++)
    {
      g_autoptr(GError) local = NULL;
      g_autofree char *parent = parent_dir (c, &local);

      if (parent == NULL)
        {
          if (!controllers[c].required)
            continue;
          g_propagate_error (error, g_steal_pointer (&local));
          goto fail;
        }
      if (g_mkdir (parent, 0755) != 0 && errno != EEXIST)
        {
          g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_FAILED,
                       "Cannot create %s: %s", parent, g_strerror (errno));
          goto fail;
        }
      self->dirs[c] = g_build_filename (parent, spec->unique, NULL);
      if (g_mkdir (self->dirs[c], 0755) != 0)
        {
          g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_FAILED,
                       "Cannot create %s: %s", self->dirs[c], g_strerror (errno));
          g_clear_pointer (&self->dirs[c], g_free);
          goto fail;
        }
    }
  if (!set_limits (self, spec, error))
    goto fail;
  return self;

fail:
  cgroup1_destroy (self, NULL);
  cgroup1_free (self);
  return NULL;
}

static const char *
cgroup1_get_path (gpointer data)
{
  return ((Cgroup1 *) data)->dirs[V1_MEMORY];
}

static gboolean
cgroup1_attach (gpointer   data,
                GPid       pid,
                GError   **error)
{
  Cgroup1 *self = data;

  for (guint c = 0; c < V1_N; c++)
    if (self->dirs[c] != NULL && !_kari_limits_cgroup_attach (self->dirs[c], pid, error))
      return FALSE;
  return TRUE;
}

static gboolean
cgroup1_read_usage (gpointer          data,
                    KariLimitsUsage  *usage,
                    GError          **error)
{
  Cgroup1 *self = data;
  guint64 tasks = 0, cpu_nsec = 0;

  if (!_kari_limits_cgroup_read_u64 (self->dirs[V1_MEMORY], "memory.usage_in_bytes",
                                     &usage->memory_bytes, error)
      || !_kari_limits_cgroup_read_u64 (self->dirs[V1_MEMORY], "memory.max_usage_in_bytes",
                                        &usage->memory_peak, error)
      || !_kari_limits_cgroup_read_u64 (self->dirs[V1_PIDS], "pids.current", &tasks, error))
    return FALSE;
  if (self->dirs[V1_CPUACCT] != NULL
      && !_kari_limits_cgroup_read_u64 (self->dirs[V1_CPUACCT], "cpuacct.usage", &cpu_nsec, error))
    return FALSE;
  usage->cpu_usec = cpu_nsec / 1000;
  usage->n_tasks = (guint) MIN (tasks, G_MAXUINT);
  return TRUE;
}

static gboolean
cgroup1_was_oom_killed (gpointer data)
{
  Cgroup1 *self = data;
  g_autofree char *path = g_build_filename (self->dirs[V1_MEMORY], "memory.oom_control", NULL);
  g_autofree char *contents = NULL;
  guint64 kills = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  /* "oom_kill" appeared in Linux 4.13; before it, hitting memsw is the sign. */
  if (_kari_limits_parse_keyed_u64 (contents, "oom_kill", &kills))
    return kills > 0;
  return _kari_limits_cgroup_read_u64 (self->dirs[V1_MEMORY], "memory.memsw.failcnt",
                                       &kills, NULL) && kills > 0;
}

static gboolean
cgroup1_kill_all (gpointer   data,
                  GError   **error)
{
  return _kari_limits_cgroup_kill_all (((Cgroup1 *) data)->dirs[V1_PIDS], error);
}

const KariLimitsBackendOps _kari_limits_cgroup1_ops = {
  .id = KARI_LIMITS_BACKEND_CGROUP1,
  .name = "cgroup1",
  .probe = cgroup1_probe,
  .create = cgroup1_create,
  .get_path = cgroup1_get_path,
  .attach = cgroup1_attach,
  .read_usage = cgroup1_read_usage,
  .was_oom_killed = cgroup1_was_oom_killed,
  .kill_all = cgroup1_kill_all,
  .destroy = cgroup1_destroy,
  .free = cgroup1_free,
};
