/* kari-supervisor.c — runs one extension in its sandbox and watches it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <signal.h>
#include <glib/gstdio.h>

#include "kari-broker.h"
#include "kari-limits.h"
#include "kari-sandbox.h"
#include "kari-supervisor.h"
#include "kari-supervisor-private.h"

/**
 * KariSupervisor:
 *
 * Runs one extension: builds its sandbox, starts its broker, puts it in
 * a limited group before it runs a single instruction, waits for its
 * handshake, logs its output, pings it, samples its resource use,
 * restarts it with back-off after a crash and disables it after a crash
 * loop. Nothing here blocks the main loop for longer than a read: the
 * group is made and the sandbox moved into it in a worker thread.
 */

G_DEFINE_TYPE (KariSupervisor, kari_supervisor, G_TYPE_OBJECT)
G_DEFINE_QUARK (kari-supervisor-error-quark, kari_supervisor_error)

enum {
  SIGNAL_STATE_CHANGED,
  SIGNAL_LOG_LINE,
  SIGNAL_CRASH_LOOP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void run_end (KariSupervisor *self);

/* Frees what the run holds; async calls may still hold the box. */
static void
run_close (Run *run)
{
  g_cancellable_cancel (run->cancellable);
  if (run->broker != NULL)
    {
      g_signal_handlers_disconnect_by_data (run->broker, run);
      kari_broker_stop (run->broker);
    }
  g_clear_object (&run->broker);
  g_clear_object (&run->sandbox);
  g_clear_object (&run->process);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->kill_reason, g_free);
  if (run->limits != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!kari_limits_kill_all (run->limits, &error)
          || !kari_limits_destroy (run->limits, &error))
        g_debug ("Cannot remove the group %s: %s",
                 kari_limits_get_group_path (run->limits), error->message);
    }
  g_clear_object (&run->limits);
}

static Run *
run_ref (Run *run)
{
  return g_rc_box_acquire (run);
}

static void
run_unref (Run *run)
{
  g_rc_box_release_full (run, (GDestroyNotify) run_close);
}

Run *
_kari_supervisor_run_ref (Run *run)
{
  return run_ref (run);
}

void
_kari_supervisor_run_unref (Run *run)
{
  run_unref (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_unref)

/* Ends the supervisor's hold on the run. */
static void
run_free (Run *run)
{
  run_close (run);
  run_unref (run);
}

void
_kari_supervisor_add_line (KariSupervisor *self,
                           const char     *stream,
                           const char     *text,
                           gssize          len)
{
  g_autofree char *line = _kari_log_ring_add (self->log, stream, text, len);

  g_signal_emit (self, signals[SIGNAL_LOG_LINE], 0, line);
}

/* Moves to @state, through the registry when there is one. A refusal
 * there is logged, not fatal: the process's truth wins. */
void
_kari_supervisor_set_state (KariSupervisor *self,
           KariState       state,
           const char     *reason)
{
  g_autoptr(GError) error = NULL;

  if (self->registry != NULL
      && !kari_registry_set_state (self->registry, self->name, state, reason, &error))
    g_debug ("Registry refused %s → %s for %s: %s", kari_state_to_string (self->state),
             kari_state_to_string (state), self->name, error->message);

  self->state = state;
  g_free (self->reason);
  self->reason = g_strdup (reason);
  _kari_supervisor_add_line (self, "supervisor", kari_state_to_string (state), -1);
  if (reason != NULL)
    _kari_supervisor_add_line (self, "supervisor", reason, -1);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, state, reason);
}

/* Ends the run at once: the whole group, then bwrap. */
static void
kill_run (KariSupervisor *self,
          const char     *reason)
{
  g_autoptr(GError) error = NULL;
  Run *run = self->run;

  if (run == NULL || run->process == NULL)
    return;
  if (reason != NULL && run->kill_reason == NULL)
    run->kill_reason = g_strdup (reason);
  if (run->limits != NULL && !kari_limits_kill_all (run->limits, &error))
    g_debug ("kill_all for %s: %s", self->name, error->message);
  g_subprocess_force_exit (run->process);
}

void
_kari_supervisor_kill (KariSupervisor *self,
                       const char     *reason)
{
  kill_run (self, reason);
}

static void
clear_timers (KariSupervisor *self)
{
  g_clear_handle_id (&self->handshake_id, g_source_remove);
  g_clear_handle_id (&self->grace_id, g_source_remove);
  g_clear_handle_id (&self->ping_id, g_source_remove);
  g_clear_handle_id (&self->metrics_id, g_source_remove);
}

static gboolean
on_metrics (gpointer user_data)
{
  KariSupervisor *self = user_data;
  KariSupervisorSample sample = { g_get_real_time (), 0, 0, 0 };
  g_autoptr(GError) error = NULL;

  if (self->run == NULL || self->run->limits == NULL)
    return G_SOURCE_CONTINUE;
  if (!kari_limits_read_usage (self->run->limits, &sample.memory_bytes, NULL,
                               &sample.cpu_usec, &sample.n_tasks, &error))
    {
      g_debug ("Cannot read the usage of %s: %s", self->name, error->message);
      return G_SOURCE_CONTINUE;
    }
  g_array_append_val (self->samples, sample);
  if (self->samples->len > self->max_samples)
    g_array_remove_range (self->samples, 0, self->samples->len - self->max_samples);
  _kari_supervisor_record_metrics (self, &sample);
  return G_SOURCE_CONTINUE;
}

/* The group is new: its CPU time counts from here. */
void
_kari_supervisor_start_metrics (KariSupervisor *self)
{
  self->metrics_time = g_get_real_time ();
  self->metrics_cpu_usec = 0;
  g_clear_handle_id (&self->metrics_id, g_source_remove);
  if (self->metrics_msec > 0)
    self->metrics_id = g_timeout_add (self->metrics_msec, on_metrics, self);
}

static void
on_ping_reply (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  KariSupervisor *self = run->self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self == NULL || self->run != run)
    return;
  self->ping_in_flight = FALSE;
  if (reply == NULL && self->state == KARI_STATE_RUNNING)
    {
      g_autofree char *why = g_strdup_printf ("No answer to Ping within %u ms: %s",
                                              self->ping_timeout_msec, error->message);
      kill_run (self, why);
    }
}

static gboolean
on_ping (gpointer user_data)
{
  KariSupervisor *self = user_data;
  GDBusConnection *connection;

  if (self->run == NULL || self->ping_in_flight)
    return G_SOURCE_CONTINUE;
  connection = kari_broker_get_connection (self->run->broker);
  if (connection == NULL)
    return G_SOURCE_CONTINUE;
  self->ping_in_flight = TRUE;
  g_dbus_connection_call (connection, NULL, KARI_BROKER_EXTENSION_PATH,
                          "io.github.kari.Extension1", "Ping", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NONE, self->ping_timeout_msec,
                          self->run->cancellable, on_ping_reply, run_ref (self->run));
  return G_SOURCE_CONTINUE;
}

static void
on_handshake (KariBroker *broker,
              gpointer    user_data)
{
  Run *run = user_data;
  KariSupervisor *self = run->self;

  if (self == NULL || self->run != run || self->state != KARI_STATE_STARTING)
    return;
  /* Before the worker's result is back (it released the sandbox just
   * before): `running` waits for the group to be reported. */
  if (run->limiting)
    {
      run->early_handshake = TRUE;
      return;
    }
  _kari_supervisor_handshake_done (self);
}

/* The run made its handshake and its limits are in place. */
void
_kari_supervisor_handshake_done (KariSupervisor *self)
{
  if (self->run == NULL || self->state != KARI_STATE_STARTING)
    return;
  g_clear_handle_id (&self->handshake_id, g_source_remove);
  _kari_supervisor_set_state (self, KARI_STATE_RUNNING, "The extension made its handshake");
  if (self->ping_msec > 0)
    self->ping_id = g_timeout_add (self->ping_msec, on_ping, self);
  _kari_supervisor_disk_handshake (self);
}

static void
on_broker_log (KariBroker *broker,
               const char *level,
               const char *message,
               gpointer    user_data)
{
  Run *run = user_data;

  if (run->self != NULL)
    _kari_supervisor_add_line (run->self, level, message, -1);
}

static gboolean
on_handshake_timeout (gpointer user_data)
{
  KariSupervisor *self = user_data;
  g_autofree char *why = g_strdup_printf ("No handshake within %u ms", self->handshake_msec);

  self->handshake_id = 0;
  _kari_supervisor_set_state (self, KARI_STATE_FAILED, why);
  kill_run (self, why);
  return G_SOURCE_REMOVE;
}

void
_kari_supervisor_complete_stops (KariSupervisor *self)
{
  GList *tasks = g_steal_pointer (&self->stop_tasks);

  for (GList *l = tasks; l != NULL; l = l->next)
    g_task_return_boolean (l->data, TRUE);
  g_list_free_full (tasks, g_object_unref);
}

static gboolean start_run (KariSupervisor *self, GError **error);

static gboolean
on_restart (gpointer user_data)
{
  KariSupervisor *self = user_data;
  g_autoptr(GError) error = NULL;

  self->restart_id = 0;
  if (self->state != KARI_STATE_CRASHED)
    return G_SOURCE_REMOVE;
  if (!start_run (self, &error))
    _kari_supervisor_set_state (self, KARI_STATE_FAILED, error->message);
  return G_SOURCE_REMOVE;
}

/* Counts the crash and either schedules a restart or, past the limit,
 * disables the extension. */
static void
handle_crash (KariSupervisor *self,
              const char     *why)
{
  gint64 now = g_get_monotonic_time ();
  gint64 window = (gint64) self->crash_window_msec * 1000;
  guint delay;

  while (self->crash_times->len > 0
         && now - g_array_index (self->crash_times, gint64, 0) > window)
    g_array_remove_index (self->crash_times, 0);
  g_array_append_val (self->crash_times, now);

  _kari_supervisor_set_state (self, KARI_STATE_CRASHED, why);
  if (self->crash_times->len >= self->crash_max)
    {
      g_autofree char *loop = g_strdup_printf ("Crashed %u times within %u s; disabled (last: %s)",
                                               self->crash_times->len,
                                               self->crash_window_msec / 1000, why);
      g_array_set_size (self->crash_times, 0);
      _kari_supervisor_set_state (self, KARI_STATE_DISABLED, loop);
      g_signal_emit (self, signals[SIGNAL_CRASH_LOOP], 0, loop);
      return;
    }

  delay = self->backoff_msec;
  for (guint i = 1; i < self->crash_times->len && delay < self->backoff_max_msec; i++)
    delay *= 2;
  delay = MIN (delay, self->backoff_max_msec);
  self->restart_id = g_timeout_add (delay, on_restart, self);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  KariSupervisor *self = run->self;
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;

  g_subprocess_wait_finish (process, result, &error);
  if (self == NULL || self->run != run)
    return;

  if (g_subprocess_get_if_signaled (process))
    why = g_strdup_printf ("Killed by signal %d", g_subprocess_get_term_sig (process));
  else
    why = g_strdup_printf ("Exited with status %d", g_subprocess_get_exit_status (process));
  if (run->kill_reason != NULL)
    {
      g_autofree char *own = g_steal_pointer (&why);
      why = g_strdup_printf ("%s (%s)", run->kill_reason, own);
    }
  if (run->limits != NULL && kari_limits_was_oom_killed (run->limits))
    {
      g_autofree char *own = g_steal_pointer (&why);
      g_autofree char *limit = g_format_size_full (kari_limits_get_memory_bytes (run->limits),
                                                   G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *peak = NULL;
      guint64 peak_bytes = 0;

      /* The kernel (a cgroup) or the host's watch (rlimits) killed it;
       * either way the peak says how far past the limit it got. */
      if (kari_limits_read_usage (run->limits, NULL, &peak_bytes, NULL, NULL, NULL) && peak_bytes > 0)
        peak = g_format_size_full (peak_bytes, G_FORMAT_SIZE_IEC_UNITS);
      if (peak != NULL)
        why = g_strdup_printf (_("Out of memory: over its memory limit of %s, peak %s (%s)"),
                               limit, peak, own);
      else
        why = g_strdup_printf (_("Out of memory: over its memory limit of %s (%s)"), limit, own);
    }

  run_end (self);
  switch (self->state)
    {
    case KARI_STATE_STOPPING:
      _kari_supervisor_set_state (self, KARI_STATE_STOPPED, why);
      if (self->restarting)
        {
          g_autoptr(GError) start_error = NULL;

          /* A restart the host asked for (the disk quota): no crash. */
          self->restarting = FALSE;
          if (!start_run (self, &start_error))
            _kari_supervisor_set_state (self, KARI_STATE_FAILED, start_error->message);
        }
      else
        _kari_supervisor_complete_stops (self);
      break;
    case KARI_STATE_STARTING:
    case KARI_STATE_RUNNING:
      if (g_subprocess_get_successful (process) && run->kill_reason == NULL)
        {
          _kari_supervisor_set_state (self, KARI_STATE_STOPPING, "The extension exited by itself");
          _kari_supervisor_set_state (self, KARI_STATE_STOPPED, why);
        }
      else
        handle_crash (self, why);
      break;
    default:
      break;
    }
  run_free (run);
}

/* Detaches the run from the supervisor; its process is gone. */
static void
run_end (KariSupervisor *self)
{
  Run *run = self->run;

  clear_timers (self);
  self->ping_in_flight = FALSE;
  self->run = NULL;
  run->self = NULL;
}

/* The run cannot go on (its limits failed): it is killed and ended, and
 * the extension is `failed` with @reason. */
void
_kari_supervisor_fail_run (KariSupervisor *self,
                           const char     *reason)
{
  Run *run = self->run;

  if (run == NULL)
    return;
  kill_run (self, reason);
  run_end (self);
  run_free (run);
  _kari_supervisor_set_state (self, KARI_STATE_FAILED, reason);
  _kari_supervisor_complete_stops (self);
}

static gboolean
make_private_dir (const char  *path,
                  GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, KARI_SUPERVISOR_ERROR, KARI_SUPERVISOR_ERROR_FOLDER,
                   "Cannot make %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* bwrap first, since it takes longest and waits for the release; then
 * limits, then release, in a worker: the payload never runs unlimited. */
static gboolean
start_run (KariSupervisor  *self,
           GError         **error)
{
  Run *run = g_rc_box_new0 (Run);
  GPid pid;

  /* Over the quota, it runs with its data read-only. */
  if (self->over_quota)
    self->data_read_only = TRUE;
  if (self->start_reason != NULL)
    {
      g_autofree char *reason = g_steal_pointer (&self->start_reason);

      _kari_supervisor_set_state (self, KARI_STATE_STARTING, reason);
    }
  else
    _kari_supervisor_set_state (self, KARI_STATE_STARTING,
               self->data_read_only ? "Starting with /data read-only: over the disk quota"
               : self->n_starts == 0 ? "Starting" : "Restarting after a crash");
  self->n_starts++;
  run->self = self;
  run->cancellable = g_cancellable_new ();
  self->run = run;

  if (!make_private_dir (self->data_dir, error) || !make_private_dir (self->socket_dir, error))
    goto fail;
  /* The socket is bound into the sandbox, so it exists first. */
  run->broker = kari_broker_new (self->engine, self->name, self->tenant, g_get_user_name ());
  if (!kari_broker_start (run->broker, self->socket_dir, error))
    goto fail;
  g_signal_connect (run->broker, "handshake", G_CALLBACK (on_handshake), run);
  g_signal_connect (run->broker, "log", G_CALLBACK (on_broker_log), run);

  run->sandbox = kari_sandbox_new (self->manifest, self->app_dir, self->data_dir, self->tenant);
  kari_sandbox_set_host_socket (run->sandbox, kari_broker_get_socket_path (run->broker));
  kari_sandbox_set_data_read_only (run->sandbox, self->data_read_only);
  kari_sandbox_set_max_file_size (run->sandbox, _kari_supervisor_quota_bytes (self));
  run->process = kari_sandbox_spawn (run->sandbox, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                     | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (run->process == NULL)
    goto fail;
  /* bwrap waits on --block-fd, so it is alive unless it failed at once
   * (and was reaped, which clears the identifier). */
  if (g_subprocess_get_identifier (run->process) == NULL)
    {
      g_set_error (error, KARI_SUPERVISOR_ERROR, KARI_SUPERVISOR_ERROR_SPAWN,
                   _("The sandbox of %s ended as soon as it started (see its log)"), self->name);
      goto fail;
    }
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (run->process), NULL, 10);
  /* While bwrap builds the sandbox (milliseconds), a worker makes the
   * group, moves bwrap's tree into it and releases it; from here on,
   * errors come back through the state machine. */
  _kari_supervisor_limit_run (self, run, pid);

  /* The rest of the broker's setup runs before the main loop can hand it
   * the extension's first message. Its settings in its tenant, over
   * io.github.kari.Config1: */
  if (self->registry != NULL)
    {
      g_autoptr(GError) config_error = NULL;
      g_autoptr(KariConfig) config = kari_config_new (self->registry, self->manifest, self->tenant,
                                                      &config_error);

      if (config == NULL)
        g_warning ("%s gets no config service: %s", self->name, config_error->message);
      kari_broker_set_config (run->broker, config);
    }
  kari_broker_set_declared_pages (run->broker, kari_manifest_get_page_paths (self->manifest));
  {
    /* Storage1: the store in $XDG_DATA_HOME/kari/stores, the migrations
     * the extension ships, the quota /data leaves. */
    g_autofree char *migrations = g_build_filename (self->app_dir, "migrations", NULL);

    kari_broker_set_store_options (run->broker, NULL, migrations);
    kari_broker_set_store_quota (run->broker, _kari_supervisor_store_quota (self));
  }

  _kari_supervisor_read_lines (self, g_subprocess_get_stdout_pipe (run->process), "stdout");
  _kari_supervisor_read_lines (self, g_subprocess_get_stderr_pipe (run->process), "stderr");
  g_subprocess_wait_async (run->process, run->cancellable, on_exited, run_ref (run));
  if (self->handshake_msec > 0)
    self->handshake_id = g_timeout_add (self->handshake_msec, on_handshake_timeout, self);
  _kari_supervisor_disk_start (self);
  return TRUE;

fail:
  run_end (self);
  run_free (run);
  return FALSE;
}

/**
 * kari_supervisor_start:
 * @self: a #KariSupervisor
 * @error: return location for a #GError
 *
 * Starts the extension: the state moves to `starting` at once and to
 * `running` when the extension makes its handshake (or `failed` when it
 * does not in time). An installed or disabled extension is enabled first.
 *
 * This returns once bwrap is spawned, paused: making the limited group,
 * moving the sandbox's processes into it and letting the extension run
 * happen in a worker thread, so the caller's main loop is not held. An
 * error there (the group cannot be made or joined) ends the run with
 * `failed` and its reason; `running` comes only after the limits are in
 * place, and kari_supervisor_get_limits_backend() reports them from then.
 *
 * Returns: %TRUE when the sandbox was spawned; %FALSE with @error (and
 *   `failed`) when it could not be
 */
gboolean
kari_supervisor_start (KariSupervisor  *self,
                       GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), FALSE);

  if (self->run != NULL || self->state == KARI_STATE_STOPPING)
    {
      g_set_error (error, KARI_SUPERVISOR_ERROR, KARI_SUPERVISOR_ERROR_STATE,
                   "%s is already %s", self->name, kari_state_to_string (self->state));
      return FALSE;
    }
  g_clear_handle_id (&self->restart_id, g_source_remove);
  g_array_set_size (self->crash_times, 0);
  if (self->state == KARI_STATE_INSTALLED || self->state == KARI_STATE_DISABLED)
    _kari_supervisor_set_state (self, KARI_STATE_ENABLED, "Enabled to start");
  self->n_starts = 0;
  if (!start_run (self, &local_error))
    {
      _kari_supervisor_set_state (self, KARI_STATE_FAILED, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * kari_supervisor_new:
 * @manifest: the extension's manifest
 * @app_dir: the extension's folder
 * @tenant: the tenant it runs for
 * @engine: the permission engine its broker checks calls with
 * @registry: (nullable): where state changes are recorded; the
 *   extension must be installed in it
 *
 * Its data folder is `$XDG_DATA_HOME/kari/data/<tenant>/<name>` and its
 * log `$XDG_DATA_HOME/kari/logs/<name>.log`.
 *
 * Returns: (transfer full): a new supervisor, not started
 */
KariSupervisor *
kari_supervisor_new (KariManifest         *manifest,
                     const char           *app_dir,
                     const char           *tenant,
                     KariPermissionEngine *engine,
                     KariRegistry         *registry)
{
  KariSupervisor *self;
  g_autofree char *log_dir = NULL;
  g_autofree char *log_name = NULL;

  g_return_val_if_fail (KARI_IS_MANIFEST (manifest), NULL);
  g_return_val_if_fail (app_dir != NULL && tenant != NULL, NULL);
  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (engine), NULL);

  self = g_object_new (KARI_TYPE_SUPERVISOR, NULL);
  self->manifest = g_object_ref (manifest);
  self->engine = g_object_ref (engine);
  self->registry = registry != NULL ? g_object_ref (registry) : NULL;
  self->name = g_strdup (kari_manifest_get_name (manifest));
  self->tenant = g_strdup (tenant);
  self->app_dir = g_strdup (app_dir);
  self->data_dir = g_build_filename (g_get_user_data_dir (), "kari", "data", tenant, self->name, NULL);
  self->socket_dir = g_build_filename (g_get_user_runtime_dir (), "kari", NULL);
  log_dir = g_build_filename (g_get_user_data_dir (), "kari", "logs", NULL);
  log_name = g_strconcat (self->name, ".log", NULL);
  self->log_path = g_build_filename (log_dir, log_name, NULL);
  /* Without the folder the log stays in memory only. */
  if (g_mkdir_with_parents (log_dir, 0700) != 0)
    g_debug ("Cannot make %s: %s", log_dir, g_strerror (errno));
  self->log = _kari_log_ring_new (self->log_path, 1000, 256 * 1024, 1024 * 1024);

  if (registry != NULL)
    {
      g_autoptr(KariRegistryEntry) entry = kari_registry_lookup (registry, self->name, NULL);
      if (entry != NULL)
        self->state = entry->state;
    }
  return self;
}

static void
kari_supervisor_dispose (GObject *object)
{
  KariSupervisor *self = KARI_SUPERVISOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->restart_id, g_source_remove);
  _kari_supervisor_disk_stop (self);
  if (self->run != NULL)
    {
      Run *run = self->run;

      kill_run (self, NULL);
      run_end (self);
      run_free (run);
    }
  _kari_supervisor_complete_stops (self);
  G_OBJECT_CLASS (kari_supervisor_parent_class)->dispose (object);
}

static void
kari_supervisor_finalize (GObject *object)
{
  KariSupervisor *self = KARI_SUPERVISOR (object);

  g_clear_object (&self->manifest);
  g_clear_object (&self->engine);
  g_clear_object (&self->registry);
  g_clear_object (&self->cancellable);
  g_free (self->name);
  g_free (self->tenant);
  g_free (self->app_dir);
  g_free (self->data_dir);
  g_free (self->log_path);
  g_free (self->socket_dir);
  g_free (self->reason);
  g_free (self->start_reason);
  g_free (self->backend);
  g_free (self->group);
  g_array_unref (self->crash_times);
  g_array_unref (self->samples);
  g_clear_pointer (&self->log, _kari_log_ring_free);

  G_OBJECT_CLASS (kari_supervisor_parent_class)->finalize (object);
}

static void
kari_supervisor_class_init (KariSupervisorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kari_supervisor_dispose;
  object_class->finalize = kari_supervisor_finalize;

  /**
   * KariSupervisor::state-changed:
   * @state: the new #KariState
   * @reason: (nullable): why, for a person
   */
  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
  /**
   * KariSupervisor::log-line:
   * @line: the line as logged: timestamp, stream, text
   */
  signals[SIGNAL_LOG_LINE] =
    g_signal_new ("log-line", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * KariSupervisor::crash-loop:
   * @reason: what happened, for a person
   *
   * The extension crashed too often and was disabled.
   */
  signals[SIGNAL_CRASH_LOOP] =
    g_signal_new ("crash-loop", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kari_supervisor_init (KariSupervisor *self)
{
  self->state = KARI_STATE_INSTALLED;
  self->cancellable = g_cancellable_new ();
  self->crash_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->samples = g_array_new (FALSE, FALSE, sizeof (KariSupervisorSample));
  self->grace_msec = 5000;
  self->handshake_msec = 10000;
  self->backoff_msec = 1000;
  self->backoff_max_msec = 60000;
  self->crash_max = 5;
  self->crash_window_msec = 5 * 60 * 1000;
  self->ping_msec = 10000;
  self->ping_timeout_msec = 5000;
  self->metrics_msec = 5000;
  self->disk_msec = 10000;
  self->max_samples = 120;
}
