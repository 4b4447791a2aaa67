/* kari-limits.c — resource limits for extension processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "kari-limits-private.h"

/**
 * SECTION:kari-limits
 * @title: KariLimits
 * @short_description: memory, CPU and task limits for one extension
 *
 * A #KariLimits is one limited group for one extension's processes. The
 * best backend present is chosen when it is made (a systemd user scope,
 * a delegated cgroup v2 subtree, writable cgroup v1 hierarchies, or
 * rlimits as a backstop) and kari_limits_get_backend_name() reports it.
 *
 * The caller starts the sandbox paused (bwrap's `--block-fd`), attaches
 * bwrap's pid with kari_limits_attach(), then lets it run: everything the
 * payload forks is then inside the group. After the processes are gone,
 * kari_limits_destroy() removes the group.
 *
 * Where groups live: cgroup backends make a child of this process's own
 * group (cgroup v1: `kari/<name>-<pid>-<n>` in the memory, cpu, pids and,
 * when mounted, cpuacct hierarchies; cgroup v2: `kari-<name>-<pid>-<n>`);
 * systemd makes the unit `kari-<name>-<pid>-<n>.scope`. The group's
 * control files belong to the host's user, so a sandbox must never see
 * /sys/fs/cgroup (bwrap mounts no /sys unless told to).
 *
 * Detection and the systemd backend make synchronous D-Bus calls (5 s
 * time-out each): call them at start or from a worker thread, not from
 * the main loop of a running host.
 *
 * The rlimit backend is a backstop only. No rlimit caps resident memory
 * (`RLIMIT_AS` caps address space, and a GLib program with a few threads
 * reserves hundreds of MiB of it while using a few), so the memory limit
 * is held in userspace: a thread of this process samples the resident
 * anonymous and shared-memory pages of every process in the attached
 * tree (the first pid attached and its descendants; pages that forks
 * share divided among them, as smaps_rollup's Pss does) and kills the tree
 * with SIGKILL once their sum is over the limit; kari_limits_was_oom_killed()
 * then says so, as for a cgroup. The watch samples sooner the nearer the
 * tree is to its limit and the faster it grows (every 0.5 to 100 ms; at
 * most 2 ms apart in a tree's first 200 ms), but it is a sampler: what a
 * process touches between two samples, or while this process's thread
 * waits for a CPU, goes over the limit before the kill. Against a hog
 * touching pages as fast as a core can, tests/bench/bench-limits.c
 * measures 1-2 % over a 128 MiB limit typically and up to 15 % on a
 * loaded machine; it also measures what the watch costs (its samples
 * are more frequent for small limits: about 0.3 % of a CPU per idle
 * tree under 16 MiB, 0.1 % under 256 MiB). File pages
 * (the binary, libraries, mapped files) are not counted, as the kernel
 * can drop them, and neither are files in the sandbox's tmpfs /tmp that
 * no process maps. `RLIMIT_AS` is kept at the limit plus 2 GiB, so a
 * runaway is bounded should the watch fall behind. `RLIMIT_NPROC` counts
 * every process of the user, so it cannot separate extensions and does
 * not bind root; there is no rlimit for a CPU share, so the CPU limit is
 * not enforced.
 */

struct _KariLimits
{
  GObject                     parent_instance;
  const KariLimitsBackendOps *ops;
  gpointer                    data;
  char                       *unique;
  guint64                     memory_bytes;
  guint                       cpu_percent;
  guint                       tasks_max;
  gboolean                    destroyed;
};

G_DEFINE_FINAL_TYPE (KariLimits, kari_limits, G_TYPE_OBJECT)

G_DEFINE_QUARK (kari-limits-error-quark, kari_limits_error)

/* In order of preference; indexed by KariLimitsBackend. */
static const KariLimitsBackendOps *const backends[] = {
  &_kari_limits_systemd_ops,
  &_kari_limits_cgroup2_ops,
  &_kari_limits_cgroup1_ops,
  &_kari_limits_rlimit_ops,
};

G_STATIC_ASSERT (G_N_ELEMENTS (backends) == KARI_LIMITS_BACKEND_AUTO);

#define NAME_MAX_LEN 64

static void
kari_limits_finalize (GObject *object)
{
  KariLimits *self = KARI_LIMITS (object);

  /* Best effort: a group that still holds processes stays behind. */
  if (!self->destroyed && self->data != NULL)
    self->ops->destroy (self->data, NULL);
  if (self->data != NULL)
    self->ops->free (self->data);
  g_clear_pointer (&self->unique, g_free);

  G_OBJECT_CLASS (kari_limits_parent_class)->finalize (object);
}

static void
kari_limits_class_init (KariLimitsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_limits_finalize;
}

static void
kari_limits_init (KariLimits *self)
{
}

/**
 * kari_limits_backend_to_string:
 * @backend: a #KariLimitsBackend
 *
 * Returns: the backend's short name ("systemd", "cgroup2", "cgroup1",
 *   "rlimit" or "auto")
 */
const char *
kari_limits_backend_to_string (KariLimitsBackend backend)
{
  if (backend < KARI_LIMITS_BACKEND_AUTO)
    return backends[backend]->name;
  return "auto";
}

/**
 * kari_limits_backend_probe:
 * @backend: a backend other than %KARI_LIMITS_BACKEND_AUTO
 * @error: where to say why it is absent
 *
 * Checks whether @backend can be used by this process now.
 *
 * Returns: %TRUE if it can
 */
gboolean
kari_limits_backend_probe (KariLimitsBackend   backend,
                           GError            **error)
{
  g_return_val_if_fail (backend < KARI_LIMITS_BACKEND_AUTO, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return backends[backend]->probe (error);
}

/**
 * kari_limits_detect_backend:
 * @error: (nullable): where to put the reasons every backend was passed
 *   over, as one message, when the choice is rlimits
 *
 * Picks the best backend present, in the order of #KariLimitsBackend. The
 * rlimit backend is always present; @error is set, for a report, only when
 * it is the one chosen, with why each better one is absent.
 *
 * Returns: the backend kari_limits_new() would use
 */
KariLimitsBackend
kari_limits_detect_backend (GError **error)
{
  g_autoptr(GString) reasons = g_string_new (NULL);

  for (guint i = 0; i < KARI_LIMITS_BACKEND_RLIMIT; i++)
    {
      g_autoptr(GError) local = NULL;

      if (backends[i]->probe (&local))
        return backends[i]->id;
      g_string_append_printf (reasons, "%s%s: %s", reasons->len ? "; " : "",
                              backends[i]->name, local->message);
    }
  g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_UNAVAILABLE,
               "Only rlimits are available (%s)", reasons->str);
  return KARI_LIMITS_BACKEND_RLIMIT;
}

/* Extension names become folder and unit names: keep them to a safe set. */
static gboolean
check_name (const char  *name,
            GError     **error)
{
  gsize len = strlen (name);

  if (len == 0 || len > NAME_MAX_LEN || name[0] == '.' || name[0] == '-')
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_INVALID,
                   "Invalid group name “%s”: 1 to %d characters, not starting with “.” or “-”",
                   g_utf8_validate (name, -1, NULL) ? name : "(not UTF-8)", NAME_MAX_LEN);
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '.' && name[i] != '_' && name[i] != '-')
      {
        g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_INVALID,
                     "Invalid group name: character %zu is not a letter, digit, “.”, “_” or “-”",
                     i + 1);
        return FALSE;
      }
  return TRUE;
}

/**
 * kari_limits_new_with_backend:
 * @backend: the backend to use, or %KARI_LIMITS_BACKEND_AUTO for the best
 * @name: the extension's name: letters, digits, ".", "_" and "-"
 * @memory_bytes: the memory cap in bytes, swap included; 0 for none
 * @cpu_percent: the CPU share, in percent of one CPU over each period; 0 for none
 * @tasks_max: the most processes and threads at once; 0 for none
 * @error: where to report a failure
 *
 * Makes a new limited group named after @name and unique to this process.
 * Nothing is in it until kari_limits_attach().
 *
 * Returns: (transfer full): the group, or %NULL with @error set
 */
KariLimits *
kari_limits_new_with_backend (KariLimitsBackend   backend,
                              const char         *name,
                              guint64             memory_bytes,
                              guint               cpu_percent,
                              guint               tasks_max,
                              GError            **error)
{
  static gint counter;
  g_autoptr(KariLimits) self = NULL;
  KariLimitsSpec spec;

  g_return_val_if_fail (backend <= KARI_LIMITS_BACKEND_AUTO, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name (name, error))
    return NULL;
  if (backend == KARI_LIMITS_BACKEND_AUTO)
    backend = kari_limits_detect_backend (NULL);
  else if (!backends[backend]->probe (error))
    return NULL;

  self = g_object_new (KARI_TYPE_LIMITS, NULL);
  self->ops = backends[backend];
  self->unique = g_strdup_printf ("%s-%d-%d", name, (int) getpid (),
                                  g_atomic_int_add (&counter, 1));
  self->memory_bytes = memory_bytes;
  self->cpu_percent = cpu_percent;
  self->tasks_max = tasks_max;

  spec = (KariLimitsSpec) { self->unique, memory_bytes, cpu_percent, tasks_max };
  self->data = self->ops->create (&spec, error);
  if (self->data == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * kari_limits_new:
 * @name: the extension's name: letters, digits, ".", "_" and "-"
 * @memory_bytes: the memory cap in bytes, swap included; 0 for none
 * @cpu_percent: the CPU share in percent of one CPU; 0 for none
 * @tasks_max: the most processes and threads at once; 0 for none
 * @error: where to report a failure
 *
 * Makes a limited group with the best backend present (see
 * kari_limits_detect_backend()).
 *
 * Returns: (transfer full): the group, or %NULL with @error set
 */
KariLimits *
kari_limits_new (const char  *name,
                 guint64      memory_bytes,
                 guint        cpu_percent,
                 guint        tasks_max,
                 GError     **error)
{
  return kari_limits_new_with_backend (KARI_LIMITS_BACKEND_AUTO, name, memory_bytes,
                                       cpu_percent, tasks_max, error);
}

/**
 * kari_limits_get_backend:
 * @self: a #KariLimits
 *
 * Returns: the backend enforcing the limits
 */
KariLimitsBackend
kari_limits_get_backend (KariLimits *self)
{
  g_return_val_if_fail (KARI_IS_LIMITS (self), KARI_LIMITS_BACKEND_RLIMIT);
  return self->ops->id;
}

/**
 * kari_limits_get_backend_name:
 * @self: a #KariLimits
 *
 * Returns: the backend's name, for reports: "systemd", "cgroup2",
 *   "cgroup1" or "rlimit"
 */
const char *
kari_limits_get_backend_name (KariLimits *self)
{
  g_return_val_if_fail (KARI_IS_LIMITS (self), NULL);
  return self->ops->name;
}

/**
 * kari_limits_get_group_path:
 * @self: a #KariLimits
 *
 * Returns: (nullable): where the group lives — a cgroup folder (the memory
 *   one for cgroup v1), a systemd unit name — or %NULL for rlimits
 */
const char *
kari_limits_get_group_path (KariLimits *self)
{
  g_return_val_if_fail (KARI_IS_LIMITS (self), NULL);
  return self->ops->get_path (self->data);
}

/**
 * kari_limits_get_memory_bytes:
 * @self: a #KariLimits
 *
 * Returns: the memory limit asked for, 0 for none
 */
guint64
kari_limits_get_memory_bytes (KariLimits *self)
{
  g_return_val_if_fail (KARI_IS_LIMITS (self), 0);
  return self->memory_bytes;
}

/**
 * kari_limits_get_cpu_percent:
 * @self: a #KariLimits
 *
 * Returns: the CPU share asked for, 0 for none
 */
guint
kari_limits_get_cpu_percent (KariLimits *self)
{
  g_return_val_if_fail (KARI_IS_LIMITS (self), 0);
  return self->cpu_percent;
}

/**
 * kari_limits_get_tasks_max:
 * @self: a #KariLimits
 *
 * Returns: the task limit asked for, 0 for none
 */
guint
kari_limits_get_tasks_max (KariLimits *self)
{
  g_return_val_if_fail (KARI_IS_LIMITS (self), 0);
  return self->tasks_max;
}

/**
 * kari_limits_attach:
 * @self: a #KariLimits
 * @pid: a running process, best one not yet running its payload
 * @error: where to report a failure
 *
 * Moves @pid into the group; its future children follow it. With the
 * rlimit backend the limits are set on @pid alone (prlimit(2)), and its
 * children inherit them; the first @pid attached is the root of the tree
 * the memory watch samples. With systemd this creates the scope (a scope
 * needs its first process) and waits, up to 5 s, for it to be active;
 * later processes join it with AttachProcessesToUnit.
 *
 * Returns: %TRUE on success; %KARI_LIMITS_ERROR_NO_PROCESS if @pid is gone
 */
gboolean
kari_limits_attach (KariLimits  *self,
                    GPid         pid,
                    GError     **error)
{
  g_return_val_if_fail (KARI_IS_LIMITS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (pid <= 0)
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_NO_PROCESS,
                   "Cannot attach process %d to %s: not a process id", (int) pid, self->unique);
      return FALSE;
    }
  return self->ops->attach (self->data, pid, error);
}

/**
 * kari_limits_read_usage:
 * @self: a #KariLimits
 * @memory_bytes: (out) (optional): memory in use now
 * @memory_peak: (out) (optional): the most memory used so far
 * @cpu_usec: (out) (optional): CPU time used, microseconds
 * @n_tasks: (out) (optional): processes and threads in the group now
 * @error: where to report a failure
 *
 * Samples the group's usage. Cgroup backends keep the counters after the
 * processes exit, until kari_limits_destroy(); the rlimit backend adds up
 * the attached tree in /proc (memory as its watch counts it), and once
 * the tree is gone reports nothing in use with the last CPU time and the
 * peak its samples saw.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_limits_read_usage (KariLimits  *self,
                        guint64     *memory_bytes,
                        guint64     *memory_peak,
                        guint64     *cpu_usec,
                        guint       *n_tasks,
                        GError     **error)
{
  KariLimitsUsage usage = { 0, };

  g_return_val_if_fail (KARI_IS_LIMITS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!self->ops->read_usage (self->data, &usage, error))
    return FALSE;
  if (memory_bytes != NULL)
    *memory_bytes = usage.memory_bytes;
  if (memory_peak != NULL)
    *memory_peak = usage.memory_peak;
  if (cpu_usec != NULL)
    *cpu_usec = usage.cpu_usec;
  if (n_tasks != NULL)
    *n_tasks = usage.n_tasks;
  return TRUE;
}

/**
 * kari_limits_was_oom_killed:
 * @self: a #KariLimits
 *
 * Returns: %TRUE if a process of the group was killed for going over its
 *   memory limit: by the kernel for a cgroup, by the memory watch for the
 *   rlimit backend
 */
gboolean
kari_limits_was_oom_killed (KariLimits *self)
{
  g_return_val_if_fail (KARI_IS_LIMITS (self), FALSE);
  return self->ops->was_oom_killed (self->data);
}

/**
 * kari_limits_kill_all:
 * @self: a #KariLimits
 * @error: where to report a failure
 *
 * Sends SIGKILL to every process in the group (for the rlimit backend, to
 * the first attached process and its descendants). The caller still reaps
 * its own children.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_limits_kill_all (KariLimits  *self,
                      GError     **error)
{
  g_return_val_if_fail (KARI_IS_LIMITS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return self->ops->kill_all (self->data, error);
}

/**
 * kari_limits_destroy:
 * @self: a #KariLimits
 * @error: where to report a failure
 *
 * Removes the group. Its processes must be gone (and reaped) first;
 * otherwise this fails with %KARI_LIMITS_ERROR_BUSY and can be retried.
 * Finalizing @self tries this too, silently.
 *
 * Returns: %TRUE once the group is removed
 */
gboolean
kari_limits_destroy (KariLimits  *self,
                     GError     **error)
{
  g_return_val_if_fail (KARI_IS_LIMITS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->destroyed)
    return TRUE;
  if (!self->ops->destroy (self->data, error))
    return FALSE;
  self->destroyed = TRUE;
  return TRUE;
}
