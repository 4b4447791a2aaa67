/* systemd-standin-cgroup.c — the stand-in's units in real cgroup v1 groups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As root, with the writable memory, cpu and pids (and cpuacct)
 * hierarchies this machine has, each scope of the stand-in is a group in
 * each, below one group of the stand-in's own; see systemd-standin.c.
 * The file helpers are libkari's (the kernel side), not the systemd
 * backend under test.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "systemd-standin.h"

static const char *const controllers[C_N] = { "memory", "cpu", "pids", "cpuacct" };

char *standin_parents[C_N];

/* Enforce only when every required hierarchy is writable (as root here). */
gboolean
standin_find_parents (void)
{
  gboolean enforcing = TRUE;

  for (guint c = 0; c < C_N; c++)
    {
      g_autofree char *dir = _kari_limits_cgroup_own_dir ("cgroup", controllers[c], NULL);

      if (dir != NULL && access (dir, W_OK) == 0)
        standin_parents[c] = g_strdup_printf ("%s/systemd-standin-%d", dir, (int) getpid ());
      else if (c != C_CPUACCT)
        enforcing = FALSE;
    }
  if (!enforcing)
    standin_clear_parents ();
  return enforcing;
}

void
standin_clear_parents (void)
{
  for (guint c = 0; c < C_N; c++)
    if (standin_parents[c] != NULL)
      {
        g_rmdir (standin_parents[c]);
        g_clear_pointer (&standin_parents[c], g_free);
      }
}

guint64
standin_prop_u64 (StandinUnit *u,
                  const char  *name,
                  guint64      fallback)
{
  guint64 value = fallback;

  g_variant_lookup (u->props, name, "t", &value);
  return value;
}

GArray *
standin_group_procs (StandinUnit *u)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (GPid));

  if (u->dirs[C_PIDS] != NULL)
    {
      g_autofree char *path = g_build_filename (u->dirs[C_PIDS], "cgroup.procs", NULL);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL))
        {
          lines = g_strsplit (text, "\n", -1);
          for (guint i = 0; lines[i]; i++)
            if (*lines[i])
              {
                GPid pid = (GPid) g_ascii_strtoll (lines[i], NULL, 10);
                g_array_append_val (pids, pid);
              }
        }
      return pids;
    }
  /* Recording only: the recorded pids still alive (a zombie is not). */
  for (guint i = 0; i < u->pids->len; i++)
    {
      GPid pid = g_array_index (u->pids, GPid, i);
      g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
      g_autofree char *stat = NULL;
      const char *paren;

      if (g_file_get_contents (stat_path, &stat, NULL, NULL)
          && (paren = strrchr (stat, ')')) != NULL && paren[1] == ' ' && paren[2] != 'Z')
        g_array_append_val (pids, pid);
    }
  return pids;
}

guint64
standin_read_u64 (StandinUnit *u,
                  guint        c,
                  const char  *file)
{
  guint64 value = STANDIN_UNKNOWN;

  if (u->dirs[c] == NULL || !_kari_limits_cgroup_read_u64 (u->dirs[c], file, &value, NULL))
    return STANDIN_UNKNOWN;
  return value;
}

guint64
standin_oom_kills (StandinUnit *u)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  guint64 kills = 0;

  if (u->dirs[C_MEMORY] == NULL)
    return 0;
  path = g_build_filename (u->dirs[C_MEMORY], "memory.oom_control", NULL);
  if (g_file_get_contents (path, &text, NULL, NULL))
    _kari_limits_parse_keyed_u64 (text, "oom_kill", &kills);
  return kills;
}

/* Writes the limits and moves the pids in, or says what failed. */
gboolean
standin_enforce (StandinUnit  *u,
                 GError      **error)
{
  guint64 mem = standin_prop_u64 (u, "MemoryMax", STANDIN_UNKNOWN);
  guint64 quota = standin_prop_u64 (u, "CPUQuotaPerSecUSec", STANDIN_UNKNOWN);
  guint64 tasks = standin_prop_u64 (u, "TasksMax", STANDIN_UNKNOWN);
  g_autofree char *unit_dir = g_strdelimit (g_strdup (u->name), "\\", '_');

  for (guint c = 0; c < C_N; c++)
    {
      if (standin_parents[c] == NULL)
        continue;
      u->dirs[c] = g_build_filename (standin_parents[c], unit_dir, NULL);
      if (g_mkdir_with_parents (u->dirs[c], 0755) != 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot create %s: %s",
                       u->dirs[c], g_strerror (errno));
          return FALSE;
        }
    }
  if (mem != STANDIN_UNKNOWN)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GUINT64_FORMAT, mem);

      if (!_kari_limits_cgroup_write (u->dirs[C_MEMORY], "memory.limit_in_bytes", value, error))
        return FALSE;
      /* MemorySwapMax=0: memory plus swap capped at the memory limit. */
      if (standin_prop_u64 (u, "MemorySwapMax", STANDIN_UNKNOWN) == 0)
        _kari_limits_cgroup_write (u->dirs[C_MEMORY], "memory.memsw.limit_in_bytes", value, NULL);
    }
  if (quota != STANDIN_UNKNOWN)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GUINT64_FORMAT, MAX (quota / 10, 1000));

      if (!_kari_limits_cgroup_write (u->dirs[C_CPU], "cpu.cfs_period_us", "100000", error)
          || !_kari_limits_cgroup_write (u->dirs[C_CPU], "cpu.cfs_quota_us", value, error))
        return FALSE;
    }
  if (tasks != STANDIN_UNKNOWN)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GUINT64_FORMAT, tasks);

      if (!_kari_limits_cgroup_write (u->dirs[C_PIDS], "pids.max", value, error))
        return FALSE;
    }
  for (guint i = 0; i < u->pids->len; i++)
    for (guint c = 0; c < C_N; c++)
      if (u->dirs[c] != NULL
          && !_kari_limits_cgroup_attach (u->dirs[c], g_array_index (u->pids, GPid, i), error))
        return FALSE;
  u->oom_base = standin_oom_kills (u);
  return TRUE;
}
