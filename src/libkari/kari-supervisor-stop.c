/* kari-supervisor-stop.c — ending a run: asked, forced after a grace
 * period, or restarted by the host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include "kari-supervisor-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, _kari_supervisor_run_unref)

static void begin_stop (KariSupervisor *self,
                        const char     *reason);

static gboolean
on_grace_over (gpointer user_data)
{
  KariSupervisor *self = user_data;

  self->grace_id = 0;
  _kari_supervisor_kill (self, NULL);
  return G_SOURCE_REMOVE;
}

/* Restarts the run through `stopping`, as the host decided (its data
 * went over or back under the quota); @start_reason is the reason of
 * the `starting` that follows. */
void
_kari_supervisor_restart (KariSupervisor *self,
                          const char     *reason,
                          const char     *start_reason)
{
  if (self->run == NULL || self->state == KARI_STATE_STOPPING)
    return;
  self->restarting = TRUE;
  g_free (self->start_reason);
  self->start_reason = g_strdup (start_reason);
  begin_stop (self, reason);
}

static void
on_shutdown_reply (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL && run->self != NULL && run->process != NULL
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_subprocess_send_signal (run->process, SIGTERM);
}

/**
 * kari_supervisor_stop_async:
 * @self: a #KariSupervisor
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the extension is stopped
 * @user_data: data for @callback
 *
 * Asks the extension to stop (its Shutdown method, or SIGTERM to its
 * sandbox), then kills its whole group once the grace period is over.
 * A pending restart is dropped.
 */
void
kari_supervisor_stop_async (KariSupervisor      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (KARI_IS_SUPERVISOR (self));
  g_task_set_source_tag (task, kari_supervisor_stop_async);

  g_clear_handle_id (&self->restart_id, g_source_remove);
  if (self->run == NULL)
    {
      if (self->state == KARI_STATE_CRASHED)
        _kari_supervisor_set_state (self, KARI_STATE_STOPPED, "Stopped while waiting to restart");
      g_task_return_boolean (task, TRUE);
      return;
    }

  self->stop_tasks = g_list_prepend (self->stop_tasks, g_steal_pointer (&task));
  /* A stop wins over a restart under way. */
  self->restarting = FALSE;
  if (self->state == KARI_STATE_STOPPING)
    return;
  begin_stop (self, "Asked to stop");
}

/* Asks the run to end (Shutdown, or SIGTERM) and kills it after the
 * grace period; on_exited () takes it from there. */
static void
begin_stop (KariSupervisor *self,
            const char     *reason)
{
  GDBusConnection *connection;

  _kari_supervisor_set_state (self, KARI_STATE_STOPPING, reason);
  g_clear_handle_id (&self->handshake_id, g_source_remove);
  g_clear_handle_id (&self->ping_id, g_source_remove);
  connection = kari_broker_get_connection (self->run->broker);
  if (connection != NULL && kari_broker_is_connected (self->run->broker))
    g_dbus_connection_call (connection, NULL, KARI_BROKER_EXTENSION_PATH,
                            "io.github.kari.Extension1", "Shutdown", NULL, NULL,
                            G_DBUS_CALL_FLAGS_NONE, self->grace_msec, self->run->cancellable,
                            on_shutdown_reply, _kari_supervisor_run_ref (self->run));
  else
    g_subprocess_send_signal (self->run->process, SIGTERM);
  self->grace_id = g_timeout_add (self->grace_msec, on_grace_over, self);
}

/**
 * kari_supervisor_stop_finish:
 * @self: a #KariSupervisor
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the extension is stopped
 */
gboolean
kari_supervisor_stop_finish (KariSupervisor  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
