/* kari-supervisor-config.c — the supervisor's settings and readings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-supervisor.h"
#include "kari-supervisor-private.h"

/**
 * kari_supervisor_set_grace_period:
 * @self: a #KariSupervisor
 * @msec: how long a stop waits before killing, 5000 by default
 */
void
kari_supervisor_set_grace_period (KariSupervisor *self,
                                  guint           msec)
{
  g_return_if_fail (KARI_IS_SUPERVISOR (self));
  self->grace_msec = MAX (msec, 1);
}

/**
 * kari_supervisor_set_handshake_timeout:
 * @self: a #KariSupervisor
 * @msec: how long a start waits for the handshake, 10000 by default;
 *   0 waits for ever
 */
void
kari_supervisor_set_handshake_timeout (KariSupervisor *self,
                                       guint           msec)
{
  g_return_if_fail (KARI_IS_SUPERVISOR (self));
  self->handshake_msec = msec;
}

/**
 * kari_supervisor_set_backoff:
 * @self: a #KariSupervisor
 * @initial_msec: the wait before the first restart, 1000 by default
 * @max_msec: the longest wait, 60000 by default
 *
 * The wait doubles with each crash within the crash-loop window.
 */
void
kari_supervisor_set_backoff (KariSupervisor *self,
                             guint           initial_msec,
                             guint           max_msec)
{
  g_return_if_fail (KARI_IS_SUPERVISOR (self));
  self->backoff_msec = MAX (initial_msec, 1);
  self->backoff_max_msec = MAX (max_msec, self->backoff_msec);
}

/**
 * kari_supervisor_set_crash_loop:
 * @self: a #KariSupervisor
 * @max_crashes: crashes that disable the extension, 5 by default
 * @window_msec: within this time, 5 minutes by default
 */
void
kari_supervisor_set_crash_loop (KariSupervisor *self,
                                guint           max_crashes,
                                guint           window_msec)
{
  g_return_if_fail (KARI_IS_SUPERVISOR (self));
  self->crash_max = MAX (max_crashes, 1);
  self->crash_window_msec = window_msec;
}

/**
 * kari_supervisor_set_ping:
 * @self: a #KariSupervisor
 * @interval_msec: time between Pings, 10000 by default; 0 turns them off
 * @timeout_msec: the deadline of an answer, 5000 by default
 *
 * A Ping without an answer in time counts as a crash. Takes effect at
 * the next start.
 */
void
kari_supervisor_set_ping (KariSupervisor *self,
                          guint           interval_msec,
                          guint           timeout_msec)
{
  g_return_if_fail (KARI_IS_SUPERVISOR (self));
  self->ping_msec = interval_msec;
  self->ping_timeout_msec = MAX (timeout_msec, 1);
}

/**
 * kari_supervisor_set_metrics:
 * @self: a #KariSupervisor
 * @interval_msec: time between samples, 5000 by default; 0 turns them off
 * @max_samples: samples kept, 120 by default
 *
 * Takes effect at the next start.
 */
void
kari_supervisor_set_metrics (KariSupervisor *self,
                             guint           interval_msec,
                             guint           max_samples)
{
  g_return_if_fail (KARI_IS_SUPERVISOR (self));
  self->metrics_msec = interval_msec;
  self->max_samples = MAX (max_samples, 1);
}

/**
 * kari_supervisor_set_log_limits:
 * @self: a #KariSupervisor
 * @max_lines: lines kept in memory, 1000 by default
 * @max_bytes: bytes kept in memory, 256 KiB by default
 * @rotate_bytes: the size the log file is rotated at, 1 MiB by default
 */
void
kari_supervisor_set_log_limits (KariSupervisor *self,
                                guint           max_lines,
                                gsize           max_bytes,
                                gsize           rotate_bytes)
{
  g_return_if_fail (KARI_IS_SUPERVISOR (self));
  _kari_log_ring_set_limits (self->log, max_lines, max_bytes, rotate_bytes);
}

/**
 * kari_supervisor_get_name:
 * @self: a #KariSupervisor
 *
 * Returns: the extension's name
 */
const char *
kari_supervisor_get_name (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), NULL);
  return self->name;
}

/**
 * kari_supervisor_get_state:
 * @self: a #KariSupervisor
 *
 * Returns: the extension's state as the supervisor last set it
 */
KariState
kari_supervisor_get_state (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), KARI_STATE_FAILED);
  return self->state;
}

/**
 * kari_supervisor_get_reason:
 * @self: a #KariSupervisor
 *
 * Returns: (nullable): why the state last changed
 */
const char *
kari_supervisor_get_reason (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), NULL);
  return self->reason;
}

/**
 * kari_supervisor_get_pid:
 * @self: a #KariSupervisor
 *
 * Returns: the pid of the sandbox's bwrap, or 0 when it is not running
 */
GPid
kari_supervisor_get_pid (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), 0);
  if (self->run == NULL || self->run->process == NULL
      || g_subprocess_get_identifier (self->run->process) == NULL)
    return 0;
  return (GPid) g_ascii_strtoll (g_subprocess_get_identifier (self->run->process), NULL, 10);
}

/**
 * kari_supervisor_get_n_starts:
 * @self: a #KariSupervisor
 *
 * Returns: how many times the sandbox was started since
 *   kari_supervisor_start(), restarts included
 */
guint
kari_supervisor_get_n_starts (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), 0);
  return self->n_starts;
}

/**
 * kari_supervisor_get_limits_backend:
 * @self: a #KariSupervisor
 *
 * Returns: (nullable): the limits backend of the last start whose group
 *   was made (known by the time the extension is `running`)
 */
const char *
kari_supervisor_get_limits_backend (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), NULL);
  return self->backend;
}

/**
 * kari_supervisor_get_limits_group:
 * @self: a #KariSupervisor
 *
 * Returns: (nullable): the limited group of the last start, as
 *   kari_limits_get_group_path() gives it
 */
const char *
kari_supervisor_get_limits_group (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), NULL);
  return self->group;
}

/**
 * kari_supervisor_get_broker:
 * @self: a #KariSupervisor
 *
 * Returns: (transfer none) (nullable): the broker of the current run, or
 *   %NULL when the extension is not running
 */
KariBroker *
kari_supervisor_get_broker (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), NULL);
  return self->run != NULL ? self->run->broker : NULL;
}

/**
 * kari_supervisor_get_log_path:
 * @self: a #KariSupervisor
 *
 * Returns: the log file
 */
const char *
kari_supervisor_get_log_path (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), NULL);
  return self->log_path;
}

/**
 * kari_supervisor_dup_log:
 * @self: a #KariSupervisor
 *
 * Returns: (transfer full): the lines kept in memory, oldest first
 */
char **
kari_supervisor_dup_log (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), NULL);
  return _kari_log_ring_dup (self->log);
}

/**
 * kari_supervisor_get_log_size:
 * @self: a #KariSupervisor
 *
 * Returns: the bytes of the lines kept in memory
 */
gsize
kari_supervisor_get_log_size (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), 0);
  return _kari_log_ring_get_size (self->log);
}

/**
 * kari_supervisor_dup_samples:
 * @self: a #KariSupervisor
 *
 * The samples live in memory only for now.
 *
 * Returns: (transfer full) (element-type KariSupervisorSample): the
 *   last samples, oldest first
 */
GArray *
kari_supervisor_dup_samples (KariSupervisor *self)
{
  GArray *copy;

  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), NULL);
  copy = g_array_sized_new (FALSE, FALSE, sizeof (KariSupervisorSample), self->samples->len);
  g_array_append_vals (copy, self->samples->data, self->samples->len);
  return copy;
}

/**
 * kari_supervisor_get_manifest:
 * @self: a #KariSupervisor
 *
 * Returns: (transfer none): the manifest of the extension supervised
 */
KariManifest *
kari_supervisor_get_manifest (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), NULL);
  return self->manifest;
}

/**
 * kari_supervisor_get_app_dir:
 * @self: a #KariSupervisor
 *
 * Returns: the extension's folder
 */
const char *
kari_supervisor_get_app_dir (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), NULL);
  return self->app_dir;
}
