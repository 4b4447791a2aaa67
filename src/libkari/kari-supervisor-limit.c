/* kari-supervisor-limit.c — making a run's limited group, moving the
 * paused sandbox into it and releasing it, in a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-supervisor-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, _kari_supervisor_run_unref)

/* What the worker needs, copied or referenced: it never touches the Run,
 * which the main thread may close while the worker runs. */
typedef struct
{
  KariSandbox *sandbox;
  char        *name;
  guint64      memory_bytes;
  guint        cpu_percent;
  guint        tasks_max;
  GPid         pid;
} LimitData;

static void
limit_data_free (LimitData *data)
{
  g_clear_object (&data->sandbox);
  g_free (data->name);
  g_free (data);
}

/* A group that is not to be used: its processes killed, then removed
 * (which waits for them to be reaped; finalizing retries quietly). */
static void
discard (KariLimits *limits)
{
  g_autoptr(GError) error = NULL;

  if (!kari_limits_kill_all (limits, &error) || !kari_limits_destroy (limits, &error))
    g_debug ("Cannot remove the group %s: %s", kari_limits_get_group_path (limits), error->message);
}

/* cgroup writes, systemd calls over D-Bus, and with rlimits a wait for
 * bwrap's child: all off the main loop. The release comes only after
 * the whole tree is in the group, so the payload never runs unlimited;
 * a run stopped or dropped meanwhile is never released. */
static void
limit_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  LimitData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KariLimits) limits = kari_limits_new (data->name, data->memory_bytes,
                                                  data->cpu_percent, data->tasks_max, &error);

  if (limits == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!_kari_supervisor_attach_tree (limits, data->pid, cancellable, &error)
      || g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      discard (limits);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  kari_sandbox_release (data->sandbox);
  g_task_return_pointer (task, g_steal_pointer (&limits), g_object_unref);
}

static void
on_limited (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  KariSupervisor *self = run->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(KariLimits) limits = g_task_propagate_pointer (G_TASK (result), &error);

  run->limiting = FALSE;
  /* The run ended while the worker ran (stopped, exited, the supervisor
   * dropped): its group goes with it. */
  if (self == NULL || self->run != run)
    {
      if (limits != NULL)
        discard (limits);
      return;
    }
  if (limits == NULL)
    {
      g_autofree char *why = NULL;

      /* A stop under way ends the run through on_exited (). */
      if (self->state == KARI_STATE_STOPPING)
        return;
      why = g_strdup_printf (_("Cannot put the sandbox of %s in its resource limits: %s"),
                             self->name, error->message);
      _kari_supervisor_fail_run (self, why);
      return;
    }

  run->limits = g_steal_pointer (&limits);
  g_free (self->backend);
  self->backend = g_strdup (kari_limits_get_backend_name (run->limits));
  g_free (self->group);
  self->group = g_strdup (kari_limits_get_group_path (run->limits));
  _kari_supervisor_add_line (self, "supervisor", self->backend, -1);
  _kari_supervisor_start_metrics (self);
  /* `running` says the limits are in place too. */
  if (run->early_handshake)
    _kari_supervisor_handshake_done (self);
}

/* Makes @run's group, attaches bwrap (@pid, paused on --block-fd) and
 * every descendant to it and releases the sandbox, in a worker thread;
 * the result comes back to the main context this is called from. */
void
_kari_supervisor_limit_run (KariSupervisor *self,
                            Run            *run,
                            GPid            pid)
{
  g_autoptr(GTask) task = g_task_new (NULL, run->cancellable, on_limited,
                                      _kari_supervisor_run_ref (run));
  LimitData *data = g_new0 (LimitData, 1);
  gint64 memory_mb = kari_manifest_get_max_memory_mb (self->manifest);
  gint64 cpu = kari_manifest_get_max_cpu_percent (self->manifest);

  data->sandbox = g_object_ref (run->sandbox);
  data->name = g_strdup (self->name);
  data->memory_bytes = memory_mb > 0 ? (guint64) memory_mb << 20 : 0;
  data->cpu_percent = cpu > 0 ? (guint) cpu : 0;
  data->tasks_max = KARI_SUPERVISOR_TASKS_MAX;
  data->pid = pid;
  g_task_set_source_tag (task, _kari_supervisor_limit_run);
  g_task_set_task_data (task, data, (GDestroyNotify) limit_data_free);
  /* The group comes back even when the run was cancelled meanwhile, so
   * on_limited () kills and removes it rather than a finalizer leaving
   * it behind. */
  g_task_set_check_cancellable (task, FALSE);
  run->limiting = TRUE;
  run->early_handshake = FALSE;
  g_task_run_in_thread (task, limit_thread);
}
