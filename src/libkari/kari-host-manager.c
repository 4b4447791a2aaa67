/* kari-host-manager.c — io.github.kari.Manager1 over a host's supervisors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any local program can reach the session bus, so the calls that change
 * something are checked against the caller's uid, which the bus daemon
 * vouches for: only the host's own user may start, stop or call
 * extensions. Roles (KariRoles) are not consulted yet: on a session bus
 * every caller with the same uid is the same person.
 */

#include "config.h"

#include <unistd.h>

#include <json-glib/json-glib.h>

#include "kari-dbus-generated.h"
#include "kari-host-manager.h"

#define DBUS_ERROR_PERMISSION_DENIED "io.github.kari.Error.PermissionDenied"
#define DBUS_ERROR_FAILED            "io.github.kari.Error.Failed"
#define DBUS_ERROR_NOT_RUNNING       "io.github.kari.Error.NotRunning"

struct _KariHostManager
{
  GObject           parent_instance;

  KariDBusManager1 *skeleton;
  GHashTable       *supervisors;  /* name → KariSupervisor */
  GDBusConnection  *connection;
  guint             call_timeout_ms;
};

G_DEFINE_TYPE (KariHostManager, kari_host_manager, G_TYPE_OBJECT)

G_DEFINE_QUARK (kari-host-manager-error-quark, kari_host_manager_error)

typedef void (*Action) (KariHostManager       *self,
                        KariSupervisor        *supervisor,
                        GDBusMethodInvocation *invocation);

typedef struct
{
  KariHostManager       *self;
  KariSupervisor        *supervisor;
  GDBusMethodInvocation *invocation;
  Action                 action;
} Pending;

/* The invocation is not freed: every path answers it, which frees it. */
static void
pending_free (Pending *p)
{
  g_object_unref (p->self);
  g_object_unref (p->supervisor);
  g_free (p);
}

static void
return_printf (GDBusMethodInvocation *invocation,
               const char            *dbus_error,
               const char            *format,
               ...) G_GNUC_PRINTF (3, 4);

static void
return_printf (GDBusMethodInvocation *invocation,
               const char            *dbus_error,
               const char            *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_dbus_method_invocation_return_dbus_error (invocation, dbus_error, message);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

/* Finds the extension a call names, or answers the call with NotFound. */
static KariSupervisor *
lookup (KariHostManager       *self,
        GDBusMethodInvocation *invocation,
        const char            *name)
{
  KariSupervisor *supervisor = g_hash_table_lookup (self->supervisors, name);

  if (supervisor == NULL)
    return_printf (invocation, KARI_HOST_MANAGER_DBUS_ERROR_NOT_FOUND,
                   "This host runs no extension called “%s”", name);
  return supervisor;
}

static void
on_unix_user (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Pending) p = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  guint32 uid;

  if (reply == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (p->invocation, DBUS_ERROR_PERMISSION_DENIED,
                                                  "The caller's user could not be checked");
      return;
    }
  g_variant_get (reply, "(u)", &uid);
  if (uid != getuid ())
    {
      g_dbus_method_invocation_return_dbus_error (p->invocation, DBUS_ERROR_PERMISSION_DENIED,
                                                  "Only the host's own user may do this");
      return;
    }
  p->action (p->self, p->supervisor, p->invocation);
}

/* Runs @action once the bus daemon has said who the caller is. */
static void
authorize (KariHostManager       *self,
           GDBusMethodInvocation *invocation,
           Action                 action)
{
  const char *name;
  KariSupervisor *supervisor;
  Pending *p;

  g_variant_get_child (g_dbus_method_invocation_get_parameters (invocation), 0, "&s", &name);
  if ((supervisor = lookup (self, invocation, name)) == NULL)
    return;
  p = g_new0 (Pending, 1);
  p->self = g_object_ref (self);
  p->supervisor = g_object_ref (supervisor);
  p->invocation = invocation;
  p->action = action;
  g_dbus_connection_call (g_dbus_method_invocation_get_connection (invocation),
                          "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "GetConnectionUnixUser",
                          g_variant_new ("(s)", g_dbus_method_invocation_get_sender (invocation)),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_unix_user, p);
}

static void
return_error (GDBusMethodInvocation *invocation,
              const char            *dbus_error,
              const GError          *error)
{
  g_dbus_method_invocation_return_dbus_error (invocation, dbus_error, error->message);
}

static void
do_start (KariHostManager       *self,
          KariSupervisor        *supervisor,
          GDBusMethodInvocation *invocation)
{
  g_autoptr(GError) error = NULL;

  if (!kari_supervisor_start (supervisor, &error))
    return_error (invocation, DBUS_ERROR_FAILED, error);
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

/* Finishes a stop; when it failed, answers @invocation with the error. */
static gboolean
stop_finish (GObject               *source,
             GAsyncResult          *result,
             GDBusMethodInvocation *invocation)
{
  g_autoptr(GError) error = NULL;

  if (!kari_supervisor_stop_finish (KARI_SUPERVISOR (source), result, &error))
    {
      return_error (invocation, DBUS_ERROR_FAILED, error);
      return FALSE;
    }
  return TRUE;
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GDBusMethodInvocation *invocation = user_data;

  if (stop_finish (source, result, invocation))
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
do_stop (KariHostManager       *self,
         KariSupervisor        *supervisor,
         GDBusMethodInvocation *invocation)
{
  kari_supervisor_stop_async (supervisor, NULL, on_stopped, invocation);
}

static void
on_stopped_for_restart (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GDBusMethodInvocation *invocation = user_data;

  if (stop_finish (source, result, invocation))
    do_start (NULL, KARI_SUPERVISOR (source), invocation);
}

static void
do_restart (KariHostManager       *self,
            KariSupervisor        *supervisor,
            GDBusMethodInvocation *invocation)
{
  kari_supervisor_stop_async (supervisor, NULL, on_stopped_for_restart, invocation);
}

static void
on_call_reply (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GDBusMethodInvocation *invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = kari_broker_call_handle_request_finish (KARI_BROKER (source), result, &error);

  if (response == NULL)
    return_error (invocation,
                  g_error_matches (error, KARI_BROKER_ERROR, KARI_BROKER_ERROR_TIMED_OUT)
                    ? KARI_BROKER_DBUS_ERROR_TIMED_OUT : DBUS_ERROR_FAILED,
                  error);
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", response));
}

static void
do_call (KariHostManager       *self,
         KariSupervisor        *supervisor,
         GDBusMethodInvocation *invocation)
{
  KariBroker *broker = kari_supervisor_get_broker (supervisor);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char * const *endpoints;
  const char *endpoint, *request;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s&s&s)",
                 NULL, &endpoint, &request);
  if (!json_parser_load_from_data (parser, request, -1, &error))
    {
      return_printf (invocation, "org.freedesktop.DBus.Error.InvalidArgs",
                     "The request is not JSON: %s", error->message);
      return;
    }
  if (broker == NULL || !kari_broker_is_connected (broker))
    {
      return_printf (invocation, DBUS_ERROR_NOT_RUNNING, "%s is not running",
                     kari_supervisor_get_name (supervisor));
      return;
    }
  endpoints = kari_broker_get_offered (broker, "endpoints");
  if (endpoints == NULL || !g_strv_contains (endpoints, endpoint))
    {
      return_printf (invocation, DBUS_ERROR_NOT_RUNNING, "%s does not offer the endpoint “%s”",
                     kari_supervisor_get_name (supervisor), endpoint);
      return;
    }
  kari_broker_call_handle_request_async (broker, endpoint, request, (int) self->call_timeout_ms,
                                         NULL, on_call_reply, invocation);
}

static gboolean
on_handle_start (KariDBusManager1 *skeleton, GDBusMethodInvocation *invocation,
                 const char *name, KariHostManager *self)
{
  authorize (self, invocation, do_start);
  return TRUE;
}

static gboolean
on_handle_stop (KariDBusManager1 *skeleton, GDBusMethodInvocation *invocation,
                const char *name, KariHostManager *self)
{
  authorize (self, invocation, do_stop);
  return TRUE;
}

static gboolean
on_handle_restart (KariDBusManager1 *skeleton, GDBusMethodInvocation *invocation,
                   const char *name, KariHostManager *self)
{
  authorize (self, invocation, do_restart);
  return TRUE;
}

static gboolean
on_handle_call (KariDBusManager1 *skeleton, GDBusMethodInvocation *invocation,
                const char *name, const char *endpoint, const char *json,
                KariHostManager *self)
{
  authorize (self, invocation, do_call);
  return TRUE;
}

static const char *
or_empty (const char *text)
{
  return text != NULL ? text : "";
}

static gboolean
on_handle_list (KariDBusManager1      *skeleton,
                GDBusMethodInvocation *invocation,
                KariHostManager       *self)
{
  g_autoptr(GList) names = g_list_sort (g_hash_table_get_keys (self->supervisors),
                                        (GCompareFunc) g_strcmp0);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssss)"));
  for (GList *l = names; l != NULL; l = l->next)
    {
      KariSupervisor *s = g_hash_table_lookup (self->supervisors, l->data);

      g_variant_builder_add (&builder, "(ssss)", kari_supervisor_get_name (s),
                             kari_state_to_string (kari_supervisor_get_state (s)),
                             or_empty (kari_supervisor_get_reason (s)),
                             or_empty (kari_supervisor_get_limits_backend (s)));
    }
  kari_dbus_manager1_complete_list_extensions (skeleton, invocation, g_variant_builder_end (&builder));
  return TRUE;
}

static gboolean
on_handle_status (KariDBusManager1      *skeleton,
                  GDBusMethodInvocation *invocation,
                  const char            *name,
                  KariHostManager       *self)
{
  KariSupervisor *s = lookup (self, invocation, name);
  GVariantDict dict;

  if (s == NULL)
    return TRUE;
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "name", "s", kari_supervisor_get_name (s));
  g_variant_dict_insert (&dict, "state", "s", kari_state_to_string (kari_supervisor_get_state (s)));
  g_variant_dict_insert (&dict, "reason", "s", or_empty (kari_supervisor_get_reason (s)));
  g_variant_dict_insert (&dict, "backend", "s", or_empty (kari_supervisor_get_limits_backend (s)));
  g_variant_dict_insert (&dict, "group", "s", or_empty (kari_supervisor_get_limits_group (s)));
  g_variant_dict_insert (&dict, "pid", "i", (gint32) kari_supervisor_get_pid (s));
  g_variant_dict_insert (&dict, "starts", "u", kari_supervisor_get_n_starts (s));
  g_variant_dict_insert (&dict, "log-path", "s", or_empty (kari_supervisor_get_log_path (s)));
  kari_dbus_manager1_complete_status (skeleton, invocation, g_variant_dict_end (&dict));
  return TRUE;
}

static gboolean
on_handle_logs (KariDBusManager1      *skeleton,
                GDBusMethodInvocation *invocation,
                const char            *name,
                guint                  max_lines,
                KariHostManager       *self)
{
  KariSupervisor *s = lookup (self, invocation, name);
  g_auto(GStrv) lines = NULL;
  guint n, first;

  if (s == NULL)
    return TRUE;
  lines = kari_supervisor_dup_log (s);
  n = g_strv_length (lines);
  first = max_lines > 0 && max_lines < n ? n - max_lines : 0;
  kari_dbus_manager1_complete_logs (skeleton, invocation, (const char * const *) lines + first);
  return TRUE;
}

static gboolean
on_handle_metrics (KariDBusManager1      *skeleton,
                   GDBusMethodInvocation *invocation,
                   const char            *name,
                   KariHostManager       *self)
{
  KariSupervisor *s = lookup (self, invocation, name);
  g_autoptr(GArray) samples = NULL;
  GVariantBuilder builder;

  if (s == NULL)
    return TRUE;
  samples = kari_supervisor_dup_samples (s);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < samples->len; i++)
    {
      const KariSupervisorSample *sample = &g_array_index (samples, KariSupervisorSample, i);
      GVariantDict dict;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, "time", "x", sample->time);
      g_variant_dict_insert (&dict, "memory-bytes", "t", sample->memory_bytes);
      g_variant_dict_insert (&dict, "cpu-usec", "t", sample->cpu_usec);
      g_variant_dict_insert (&dict, "tasks", "u", sample->n_tasks);
      g_variant_builder_add_value (&builder, g_variant_dict_end (&dict));
    }
  kari_dbus_manager1_complete_metrics (skeleton, invocation, g_variant_builder_end (&builder));
  return TRUE;
}

/* kari-ext config changed a setting: the extension hears of it when it
 * runs here for that tenant. Nothing is changed, so nothing to refuse. */
static gboolean
on_handle_config_changed (KariDBusManager1      *skeleton,
                          GDBusMethodInvocation *invocation,
                          const char            *name,
                          const char            *tenant,
                          KariHostManager       *self)
{
  KariSupervisor *s = g_hash_table_lookup (self->supervisors, name);
  KariBroker *broker = s != NULL ? kari_supervisor_get_broker (s) : NULL;

  if (broker != NULL && g_strcmp0 (kari_broker_get_tenant (broker), tenant) == 0)
    kari_broker_notify_config_changed (broker);
  kari_dbus_manager1_complete_config_changed (skeleton, invocation);
  return TRUE;
}

/* What the skeleton answers, by signal. */
static const struct
{
  const char *signal;
  GCallback   handler;
} handlers[] = {
  { "handle-list-extensions", G_CALLBACK (on_handle_list) },
  { "handle-start",           G_CALLBACK (on_handle_start) },
  { "handle-stop",            G_CALLBACK (on_handle_stop) },
  { "handle-restart",         G_CALLBACK (on_handle_restart) },
  { "handle-status",          G_CALLBACK (on_handle_status) },
  { "handle-logs",            G_CALLBACK (on_handle_logs) },
  { "handle-metrics",         G_CALLBACK (on_handle_metrics) },
  { "handle-call",            G_CALLBACK (on_handle_call) },
  { "handle-config-changed",  G_CALLBACK (on_handle_config_changed) },
};

static void
on_state_changed (KariSupervisor  *supervisor,
                  int              state,
                  const char      *reason,
                  KariHostManager *self)
{
  kari_dbus_manager1_emit_state_changed (self->skeleton, kari_supervisor_get_name (supervisor),
                                         kari_state_to_string (state), or_empty (reason));
}

static void
on_log_line (KariSupervisor  *supervisor,
             const char      *line,
             KariHostManager *self)
{
  kari_dbus_manager1_emit_log_line (self->skeleton, kari_supervisor_get_name (supervisor), line);
}

static void
disconnect_supervisor (gpointer data,
                       gpointer self)
{
  g_signal_handlers_disconnect_by_data (data, self);
}

static void
kari_host_manager_dispose (GObject *object)
{
  KariHostManager *self = KARI_HOST_MANAGER (object);

  kari_host_manager_unexport (self);
  if (self->supervisors != NULL)
    {
      g_autoptr(GList) values = g_hash_table_get_values (self->supervisors);

      g_list_foreach (values, disconnect_supervisor, self);
      g_clear_pointer (&self->supervisors, g_hash_table_unref);
    }
  g_clear_object (&self->skeleton);
  G_OBJECT_CLASS (kari_host_manager_parent_class)->dispose (object);
}

static void
kari_host_manager_class_init (KariHostManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kari_host_manager_dispose;
}

static void
kari_host_manager_init (KariHostManager *self)
{
  self->skeleton = kari_dbus_manager1_skeleton_new ();
  self->supervisors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->call_timeout_ms = KARI_BROKER_DEFAULT_CALL_TIMEOUT_MS;
  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_connect (self->skeleton, handlers[i].signal, handlers[i].handler, self);
}

/**
 * kari_host_manager_new:
 *
 * Makes a manager with no extensions, not yet exported.
 *
 * Returns: (transfer full): a new #KariHostManager
 */
KariHostManager *
kari_host_manager_new (void)
{
  return g_object_new (KARI_TYPE_HOST_MANAGER, NULL);
}

/**
 * kari_host_manager_add:
 * @self: a #KariHostManager
 * @supervisor: an extension's supervisor
 *
 * Makes @supervisor's extension reachable by name; one of the same name
 * is replaced.
 */
void
kari_host_manager_add (KariHostManager *self,
                       KariSupervisor  *supervisor)
{
  KariSupervisor *old;

  g_return_if_fail (KARI_IS_HOST_MANAGER (self));
  g_return_if_fail (KARI_IS_SUPERVISOR (supervisor));

  old = g_hash_table_lookup (self->supervisors, kari_supervisor_get_name (supervisor));
  if (old != NULL)
    kari_host_manager_remove (self, old);
  g_signal_connect (supervisor, "state-changed", G_CALLBACK (on_state_changed), self);
  g_signal_connect (supervisor, "log-line", G_CALLBACK (on_log_line), self);
  g_hash_table_insert (self->supervisors, g_strdup (kari_supervisor_get_name (supervisor)),
                       g_object_ref (supervisor));
}

/**
 * kari_host_manager_remove:
 * @self: a #KariHostManager
 * @supervisor: a supervisor given to kari_host_manager_add()
 *
 * Makes @supervisor's extension unreachable; it keeps running.
 */
void
kari_host_manager_remove (KariHostManager *self,
                          KariSupervisor  *supervisor)
{
  const char *name;

  g_return_if_fail (KARI_IS_HOST_MANAGER (self));
  g_return_if_fail (KARI_IS_SUPERVISOR (supervisor));

  name = kari_supervisor_get_name (supervisor);
  if (g_hash_table_lookup (self->supervisors, name) != supervisor)
    return;
  g_signal_handlers_disconnect_by_data (supervisor, self);
  g_hash_table_remove (self->supervisors, name);
}

/**
 * kari_host_manager_set_call_timeout:
 * @self: a #KariHostManager
 * @timeout_ms: how long Call waits for the extension's answer
 */
void
kari_host_manager_set_call_timeout (KariHostManager *self,
                                    guint            timeout_ms)
{
  g_return_if_fail (KARI_IS_HOST_MANAGER (self));
  self->call_timeout_ms = timeout_ms;
}

/**
 * kari_host_manager_export:
 * @self: a #KariHostManager
 * @connection: a connection to a message bus
 * @error: return location for a #GError
 *
 * Exports io.github.kari.Manager1 at %KARI_HOST_MANAGER_PATH on
 * @connection. The caller checks need the bus daemon: @connection must
 * be a bus connection, not a peer-to-peer one.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_host_manager_export (KariHostManager  *self,
                          GDBusConnection  *connection,
                          GError          **error)
{
  g_return_val_if_fail (KARI_IS_HOST_MANAGER (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);

  if (self->connection != NULL)
    {
      g_set_error_literal (error, KARI_HOST_MANAGER_ERROR, KARI_HOST_MANAGER_ERROR_EXPORTED,
                           "The manager is already exported");
      return FALSE;
    }
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                         KARI_HOST_MANAGER_PATH, error))
    return FALSE;
  self->connection = g_object_ref (connection);
  return TRUE;
}

/**
 * kari_host_manager_own_name:
 * @self: an exported #KariHostManager
 * @error: return location for a #GError
 *
 * Asks the bus for %KARI_HOST_MANAGER_BUS_NAME without queueing: it
 * fails with %KARI_HOST_MANAGER_ERROR_NAME_TAKEN when another host has
 * it. The name is the manager's until its connection closes.
 *
 * Returns: %TRUE when the name is ours
 */
gboolean
kari_host_manager_own_name (KariHostManager  *self,
                            GError          **error)
{
  g_autoptr(GVariant) reply = NULL;
  guint32 result;

  g_return_val_if_fail (KARI_IS_HOST_MANAGER (self), FALSE);
  g_return_val_if_fail (self->connection != NULL, FALSE);

  /* 0x4: DBUS_NAME_FLAG_DO_NOT_QUEUE */
  reply = g_dbus_connection_call_sync (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", KARI_HOST_MANAGER_BUS_NAME, 0x4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(u)", &result);
  /* 1: primary owner, 4: already the owner */
  if (result != 1 && result != 4)
    {
      g_set_error (error, KARI_HOST_MANAGER_ERROR, KARI_HOST_MANAGER_ERROR_NAME_TAKEN,
                   "Another Kari host already owns %s", KARI_HOST_MANAGER_BUS_NAME);
      return FALSE;
    }
  return TRUE;
}

/**
 * kari_host_manager_unexport:
 * @self: a #KariHostManager
 *
 * Stops answering on the connection given to kari_host_manager_export().
 */
void
kari_host_manager_unexport (KariHostManager *self)
{
  g_return_if_fail (KARI_IS_HOST_MANAGER (self));

  if (self->connection == NULL)
    return;
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
  g_clear_object (&self->connection);
}
