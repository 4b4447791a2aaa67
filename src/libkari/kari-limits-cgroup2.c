/* kari-limits-cgroup2.c — limits in a delegated cgroup v2 subtree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kari-limits-private.h"

#define CPU_PERIOD_USEC 100000

static const char *const needed_controllers[] = { "memory", "cpu", "pids" };

typedef struct
{
  char *dir;
} Cgroup2;

/* The delegated subtree is this process's own group, when it is writable
 * and hands memory, cpu and pids down to its children. */
static char *
subtree_dir (GError **error)
{
  g_autofree char *own = _kari_limits_cgroup_own_dir ("cgroup2", NULL, error);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) enabled = NULL;

  if (own == NULL)
    return NULL;
  path = g_build_filename (own, "cgroup.subtree_control", NULL);
  if (access (path, W_OK) != 0 || access (own, W_OK) != 0)
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_UNAVAILABLE,
                   "%s is not delegated to this process (not writable)", own);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    contents = g_strdup ("");
  enabled = g_strsplit_set (g_strstrip (contents), " \n", -1);
  for (guint i = 0; i < G_N_ELEMENTS (needed_controllers); i++)
    if (!g_strv_contains ((const char *const *) enabled, needed_controllers[i]))
      {
        g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_UNAVAILABLE,
                     "The %s controller is not enabled in %s", needed_controllers[i], path);
        return NULL;
      }
  return g_steal_pointer (&own);
}

static gboolean
cgroup2_probe (GError **error)
{
  g_autofree char *dir = subtree_dir (error);

  return dir != NULL;
}

static void
cgroup2_free (gpointer data)
{
  Cgroup2 *self = data;

  g_free (self->dir);
  g_free (self);
}

static gboolean
cgroup2_destroy (gpointer   data,
                 GError   **error)
{
  return _kari_limits_cgroup_remove (((Cgroup2 *) data)->dir, error);
}

static gpointer
cgroup2_create (const KariLimitsSpec  *spec,
                GError               **error)
{
  g_autofree char *parent = subtree_dir (error);
  g_autofree char *name = NULL;
  g_autofree char *swap = NULL;
  Cgroup2 *self;
  char mem[32], cpu[48], pids[32];

  if (parent == NULL)
    return NULL;
  name = g_strconcat ("kari-", spec->unique, NULL);
  self = g_new0 (Cgroup2, 1);
  self->dir = g_build_filename (parent, name, NULL);
  if (g_mkdir (self->dir, 0755) != 0)
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_FAILED,
                   "Cannot create %s: %s", self->dir, g_strerror (errno));
      cgroup2_free (self);
      return NULL;
    }

  if (spec->memory_bytes)
    g_snprintf (mem, sizeof mem, "%" G_GUINT64_FORMAT, spec->memory_bytes);
  else
    g_strlcpy (mem, "max", sizeof mem);
  if (spec->cpu_percent)
    g_snprintf (cpu, sizeof cpu, "%" G_GUINT64_FORMAT " %d",
                (guint64) spec->cpu_percent * CPU_PERIOD_USEC / 100, CPU_PERIOD_USEC);
  else
    g_snprintf (cpu, sizeof cpu, "max %d", CPU_PERIOD_USEC);
  if (spec->tasks_max)
    g_snprintf (pids, sizeof pids, "%u", spec->tasks_max);
  else
    g_strlcpy (pids, "max", sizeof pids);

  /* memory.swap.max is absent without swap accounting; then nothing swaps
   * past memory.max's charge anyway. */
  swap = g_build_filename (self->dir, "memory.swap.max", NULL);
  if (!_kari_limits_cgroup_write (self->dir, "memory.max", mem, error)
      || (g_file_test (swap, G_FILE_TEST_EXISTS)
          && !_kari_limits_cgroup_write (self->dir, "memory.swap.max",
                                         spec->memory_bytes ? "0" : "max", error))
      || !_kari_limits_cgroup_write (self->dir, "cpu.max", cpu, error)
      || !_kari_limits_cgroup_write (self->dir, "pids.max", pids, error))
    {
      cgroup2_destroy (self, NULL);
      cgroup2_free (self);
      return NULL;
    }
  return self;
}

static const char *
cgroup2_get_path (gpointer data)
{
  return ((Cgroup2 *) data)->dir;
}

static gboolean
cgroup2_attach (gpointer   data,
                GPid       pid,
                GError   **error)
{
  return _kari_limits_cgroup_attach (((Cgroup2 *) data)->dir, pid, error);
}

static gboolean
read_keyed (const char  *dir,
            const char  *file,
            const char  *key,
            guint64     *value,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL)
      || !_kari_limits_parse_keyed_u64 (contents, key, value))
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_FAILED,
                   "Cannot read “%s” in %s", key, path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
cgroup2_read_usage (gpointer          data,
                    KariLimitsUsage  *usage,
                    GError          **error)
{
  Cgroup2 *self = data;
  guint64 tasks = 0;

  if (!_kari_limits_cgroup_read_u64 (self->dir, "memory.current", &usage->memory_bytes, error)
      || !read_keyed (self->dir, "cpu.stat", "usage_usec", &usage->cpu_usec, error)
      || !_kari_limits_cgroup_read_u64 (self->dir, "pids.current", &tasks, error))
    return FALSE;
  /* memory.peak is Linux 5.19+; before it, the current figure is all there is. */
  if (!_kari_limits_cgroup_read_u64 (self->dir, "memory.peak", &usage->memory_peak, NULL))
    usage->memory_peak = usage->memory_bytes;
  usage->n_tasks = (guint) MIN (tasks, G_MAXUINT);
  return TRUE;
}

static gboolean
cgroup2_was_oom_killed (gpointer data)
{
  guint64 kills = 0;

  return read_keyed (((Cgroup2 *) data)->dir, "memory.events", "oom_kill", &kills, NULL)
         && kills > 0;
}

static gboolean
cgroup2_kill_all (gpointer   data,
                  GError   **error)
{
  Cgroup2 *self = data;
  g_autofree char *kill_file = g_build_filename (self->dir, "cgroup.kill", NULL);

  /* cgroup.kill (Linux 5.14) kills atomically, fork bombs included. */
  if (g_file_test (kill_file, G_FILE_TEST_EXISTS))
    return _kari_limits_cgroup_write (self->dir, "cgroup.kill", "1", error);
  return _kari_limits_cgroup_kill_all (self->dir, error);
}

const KariLimitsBackendOps _kari_limits_cgroup2_ops = {
  .id = KARI_LIMITS_BACKEND_CGROUP2,
  .name = "cgroup2",
  .probe = cgroup2_probe,
  .create = cgroup2_create,
  .get_path = cgroup2_get_path,
  .attach = cgroup2_attach,
  .read_usage = cgroup2_read_usage,
  .was_oom_killed = cgroup2_was_oom_killed,
  .kill_all = cgroup2_kill_all,
  .destroy = cgroup2_destroy,
  .free = cgroup2_free,
};
