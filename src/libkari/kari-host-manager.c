/* kari-host-manager.c — io.github.kari.Manager1 over a host's supervisors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every call goes through _kari_host_manager_authorize()
 * (kari-host-manager-access.c) first: the caller's identity from the bus
 * daemon, the scripting role's verdict, an audit entry; only then does
 * one of the do_*() below run.
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "kari-host-manager-private.h"
#include "kari-scripting.h"
#include "kari-tenant.h"

#define DBUS_ERROR_FAILED            "io.github.kari.Error.Failed"
#define DBUS_ERROR_NOT_RUNNING       "io.github.kari.Error.NotRunning"

G_DEFINE_TYPE (KariHostManager, kari_host_manager, G_TYPE_OBJECT)

G_DEFINE_QUARK (kari-host-manager-error-quark, kari_host_manager_error)

#define return_printf _kari_host_manager_return_printf

void
_kari_host_manager_return_printf (GDBusMethodInvocation *invocation,
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

/**
 * kari_host_manager_lookup:
 * @self: a #KariHostManager
 * @name: an extension name
 *
 * The supervisor of @name: one given to kari_host_manager_add(), else
 * the one the supervisor function makes for an installed extension.
 *
 * Returns: (transfer none) (nullable): the supervisor, or %NULL
 */
KariSupervisor *
kari_host_manager_lookup (KariHostManager *self,
                          const char      *name)
{
  KariSupervisor *supervisor;

  g_return_val_if_fail (KARI_IS_HOST_MANAGER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  supervisor = g_hash_table_lookup (self->supervisors, name);
  if (supervisor == NULL && self->supervisor_func != NULL && self->registry != NULL)
    {
      g_autoptr(KariRegistryEntry) entry = kari_registry_lookup (self->registry, name, NULL);

      if (entry != NULL)
        supervisor = self->supervisor_func (self, name, self->supervisor_data);
    }
  return supervisor;
}

/* Finds the extension a call names, or answers the call with NotFound. */
KariSupervisor *
_kari_host_manager_lookup (KariHostManager       *self,
                           GDBusMethodInvocation *invocation,
                           const char            *name)
{
  KariSupervisor *supervisor = kari_host_manager_lookup (self, name);

  if (supervisor == NULL)
    return_printf (invocation, KARI_HOST_MANAGER_DBUS_ERROR_NOT_FOUND,
                   "This host runs no extension called “%s”", name);
  return supervisor;
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
  const char *name = kari_supervisor_get_name (supervisor);

  /* Disabled in the host's tenant: it may not run there (kari-ext run
   * leaves such an extension out for the same reason). */
  if (self != NULL && self->registry != NULL
      && !kari_registry_is_enabled (self->registry, name, _kari_host_manager_get_tenant (self), &error))
    {
      if (error != NULL)
        return_error (invocation, DBUS_ERROR_FAILED, error);
      else
        return_printf (invocation, DBUS_ERROR_FAILED,
                       "%s is disabled in the tenant “%s”: enable it there first (Enable)",
                       name, _kari_host_manager_get_tenant (self));
      return;
    }
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

static const char *
or_empty (const char *text)
{
  return text != NULL ? text : "";
}

static void
do_list (KariHostManager       *self,
         KariSupervisor        *unused,
         GDBusMethodInvocation *invocation)
{
  g_autoptr(GHashTable) states = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GList) names = g_hash_table_get_keys (self->supervisors);
  GVariantBuilder builder;

  /* A host that may run any installed extension lists them all, with
   * the registry's state for those it does not supervise yet. */
  if (self->supervisor_func != NULL && self->registry != NULL)
    entries = kari_registry_list (self->registry, NULL);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      KariRegistryEntry *entry = g_ptr_array_index (entries, i);

      if (g_hash_table_contains (self->supervisors, entry->name))
        continue;
      g_hash_table_insert (states, entry->name, (gpointer) kari_state_to_string (entry->state));
      names = g_list_prepend (names, entry->name);
    }
  names = g_list_sort (names, (GCompareFunc) g_strcmp0);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssss)"));
  for (GList *l = names; l != NULL; l = l->next)
    {
      KariSupervisor *s = g_hash_table_lookup (self->supervisors, l->data);

      if (s == NULL)
        g_variant_builder_add (&builder, "(ssss)", l->data, g_hash_table_lookup (states, l->data), "", "");
      else
        g_variant_builder_add (&builder, "(ssss)", kari_supervisor_get_name (s),
                               kari_state_to_string (kari_supervisor_get_state (s)),
                               or_empty (kari_supervisor_get_reason (s)),
                               or_empty (kari_supervisor_get_limits_backend (s)));
    }
  kari_dbus_manager1_complete_list_extensions (self->skeleton, invocation, g_variant_builder_end (&builder));
}

static void
do_status (KariHostManager       *self,
           KariSupervisor        *s,
           GDBusMethodInvocation *invocation)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "name", "s", kari_supervisor_get_name (s));
  g_variant_dict_insert (&dict, "state", "s", kari_state_to_string (kari_supervisor_get_state (s)));
  g_variant_dict_insert (&dict, "reason", "s", or_empty (kari_supervisor_get_reason (s)));
  g_variant_dict_insert (&dict, "backend", "s", or_empty (kari_supervisor_get_limits_backend (s)));
  g_variant_dict_insert (&dict, "group", "s", or_empty (kari_supervisor_get_limits_group (s)));
  g_variant_dict_insert (&dict, "pid", "i", (gint32) kari_supervisor_get_pid (s));
  g_variant_dict_insert (&dict, "starts", "u", kari_supervisor_get_n_starts (s));
  g_variant_dict_insert (&dict, "log-path", "s", or_empty (kari_supervisor_get_log_path (s)));
  /* What the last run left (kept across restarts of the host), for
   * scripts as the Control Room shows it. */
  if (self->registry != NULL)
    {
      g_autoptr(KariTransition) failure = kari_registry_get_last_failure (self->registry,
                                                                          kari_supervisor_get_name (s), NULL);
      if (failure != NULL)
        {
          GVariantDict last;

          g_variant_dict_init (&last, NULL);
          g_variant_dict_insert (&last, "kind", "s",
                                 kari_transition_is_crash_loop (failure) ? "crash-loop" : "failed");
          g_variant_dict_insert (&last, "reason", "s", or_empty (failure->reason));
          g_variant_dict_insert (&last, "time-usec", "x", failure->time_usec);
          g_variant_dict_insert_value (&dict, "last-failure", g_variant_dict_end (&last));
        }
    }
  kari_dbus_manager1_complete_status (self->skeleton, invocation, g_variant_dict_end (&dict));
}

static void
do_logs (KariHostManager       *self,
         KariSupervisor        *s,
         GDBusMethodInvocation *invocation)
{
  g_auto(GStrv) lines = kari_supervisor_dup_log (s);
  guint n = g_strv_length (lines), first, max_lines;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&su)", NULL, &max_lines);
  first = max_lines > 0 && max_lines < n ? n - max_lines : 0;
  kari_dbus_manager1_complete_logs (self->skeleton, invocation, (const char * const *) lines + first);
}

static void
do_metrics (KariHostManager       *self,
            KariSupervisor        *s,
            GDBusMethodInvocation *invocation)
{
  g_autoptr(GArray) samples = kari_supervisor_dup_samples (s);
  GVariantBuilder builder;

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
  kari_dbus_manager1_complete_metrics (self->skeleton, invocation, g_variant_builder_end (&builder));
}

/* kari-ext config changed a setting: the extension hears of it when it
 * runs here for that tenant. */
static void
do_config_changed (KariHostManager       *self,
                   KariSupervisor        *s,
                   GDBusMethodInvocation *invocation)
{
  KariBroker *broker = kari_supervisor_get_broker (s);
  const char *tenant = NULL;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s&s)", NULL, &tenant);
  if (broker != NULL && g_strcmp0 (kari_broker_get_tenant (broker), tenant) == 0)
    kari_broker_notify_config_changed (broker);
  kari_dbus_manager1_complete_config_changed (self->skeleton, invocation);
}

/* Every method, and what runs once the call is allowed. */
static const struct
{
  const char        *signal;
  KariManagerAction  action;
  KariManagerTarget  target;
} handlers[] = {
  { "handle-list-extensions", do_list,     KARI_MANAGER_NAMES_NOTHING },
  { "handle-start",           do_start,    KARI_MANAGER_NAMES_SUPERVISED },
  { "handle-stop",            do_stop,     KARI_MANAGER_NAMES_SUPERVISED },
  { "handle-restart",         do_restart,  KARI_MANAGER_NAMES_SUPERVISED },
  { "handle-status",          do_status,   KARI_MANAGER_NAMES_SUPERVISED },
  { "handle-logs",            do_logs,     KARI_MANAGER_NAMES_SUPERVISED },
  { "handle-metrics",         do_metrics,  KARI_MANAGER_NAMES_SUPERVISED },
  { "handle-call",            do_call,     KARI_MANAGER_NAMES_SUPERVISED },
  { "handle-inspect",         _kari_host_manager_do_inspect,     KARI_MANAGER_NAMES_INSTALLED },
  { "handle-enable",          _kari_host_manager_do_enable,      KARI_MANAGER_NAMES_INSTALLED },
  { "handle-disable",         _kari_host_manager_do_disable,     KARI_MANAGER_NAMES_INSTALLED },
  { "handle-query-audit",     _kari_host_manager_do_query_audit, KARI_MANAGER_NAMES_NOTHING },
  { "handle-config-changed",  do_config_changed, KARI_MANAGER_NAMES_SUPERVISED },
  { "handle-grant",           _kari_host_manager_do_grant,       KARI_MANAGER_NAMES_INSTALLED },
  { "handle-revoke",          _kari_host_manager_do_revoke,      KARI_MANAGER_NAMES_INSTALLED },
};

/* One handler for every method's signal, connected swapped so that
 * the invocation comes right after our data and the method's own
 * arguments, read again from the invocation, can be left out. */
static gboolean
on_handle (KariManagerHandler    *handler,
           GDBusMethodInvocation *invocation)
{
  _kari_host_manager_authorize (handler->self, invocation, handler);
  return TRUE;
}

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
kari_host_manager_finalize (GObject *object)
{
  KariHostManager *self = KARI_HOST_MANAGER (object);

  if (self->supervisor_destroy != NULL)
    self->supervisor_destroy (self->supervisor_data);
  g_clear_object (&self->engine);
  g_clear_object (&self->registry);
  g_clear_object (&self->audit);
  g_free (self->tenant);
  g_free (self->scripting_role);
  G_OBJECT_CLASS (kari_host_manager_parent_class)->finalize (object);
}

static void
kari_host_manager_class_init (KariHostManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kari_host_manager_dispose;
  G_OBJECT_CLASS (klass)->finalize = kari_host_manager_finalize;
}

static void
kari_host_manager_init (KariHostManager *self)
{
  self->skeleton = kari_dbus_manager1_skeleton_new ();
  self->supervisors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->call_timeout_ms = KARI_BROKER_DEFAULT_CALL_TIMEOUT_MS;
  G_STATIC_ASSERT (G_N_ELEMENTS (handlers) == G_N_ELEMENTS (self->handlers));

  self->scripting_role = g_strdup (KARI_SCRIPTING_DEFAULT_ROLE);
  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    {
      self->handlers[i] = (KariManagerHandler) { self, handlers[i].action, handlers[i].target };
      g_signal_connect_swapped (self->skeleton, handlers[i].signal, G_CALLBACK (on_handle),
                                &self->handlers[i]);
    }
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
  if (old == supervisor)
    return;
  if (old != NULL)
    {
      g_signal_handlers_disconnect_by_data (old, self);
      g_hash_table_remove (self->supervisors, kari_supervisor_get_name (supervisor));
    }
  g_signal_connect (supervisor, "state-changed", G_CALLBACK (on_state_changed), self);
  g_signal_connect (supervisor, "log-line", G_CALLBACK (on_log_line), self);
  g_hash_table_insert (self->supervisors, g_strdup (kari_supervisor_get_name (supervisor)),
                       g_object_ref (supervisor));
  /* With a supervisor function every installed extension is listed
   * already; otherwise the list just grew. */
  if (old == NULL && self->supervisor_func == NULL)
    kari_host_manager_emit_extensions_changed (self);
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
  if (self->supervisor_func == NULL)
    kari_host_manager_emit_extensions_changed (self);
}

/**
 * kari_host_manager_emit_extensions_changed:
 * @self: a #KariHostManager
 *
 * Tells the bus that ListExtensions would answer differently: called by
 * a host that found extensions added or removed.
 */
void
kari_host_manager_emit_extensions_changed (KariHostManager *self)
{
  g_return_if_fail (KARI_IS_HOST_MANAGER (self));
  kari_dbus_manager1_emit_extensions_changed (self->skeleton);
}

/**
 * kari_host_manager_emit_state_changed:
 * @self: a #KariHostManager
 * @name: an extension
 * @state: the state it is in now
 * @reason: (nullable): why, for a person
 *
 * Tells the bus of a state change no supervisor made: a host that
 * switches an extension without a process on or off in the registry.
 */
void
kari_host_manager_emit_state_changed (KariHostManager *self,
                                      const char      *name,
                                      KariState        state,
                                      const char      *reason)
{
  g_return_if_fail (KARI_IS_HOST_MANAGER (self));
  g_return_if_fail (name != NULL);

  kari_dbus_manager1_emit_state_changed (self->skeleton, name, kari_state_to_string (state), or_empty (reason));
}

/**
 * kari_host_manager_set_registry:
 * @self: a #KariHostManager
 * @registry: (nullable): the registry the host runs from
 * @engine: (nullable): the permission engine on it
 *
 * Inspect, Enable, Disable and the enablement check of Start need
 * @registry; Inspect lists grants when @engine is given. Without a
 * registry those calls fail saying so.
 */
void
kari_host_manager_set_registry (KariHostManager      *self,
                                KariRegistry         *registry,
                                KariPermissionEngine *engine)
{
  g_return_if_fail (KARI_IS_HOST_MANAGER (self));
  g_return_if_fail (registry == NULL || KARI_IS_REGISTRY (registry));
  g_return_if_fail (engine == NULL || KARI_IS_PERMISSION_ENGINE (engine));

  g_set_object (&self->registry, registry);
  g_set_object (&self->engine, engine);
}

/**
 * kari_host_manager_set_supervisor_func:
 * @self: a #KariHostManager
 * @func: (nullable): makes the supervisor of an installed extension on
 *   first use, or %NULL
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * For a host that may run any installed extension (the Control Room):
 * a call naming one it does not supervise yet asks @func for its
 * supervisor, and ListExtensions lists every installed extension. Needs
 * kari_host_manager_set_registry().
 */
void
kari_host_manager_set_supervisor_func (KariHostManager               *self,
                                       KariHostManagerSupervisorFunc  func,
                                       gpointer                       user_data,
                                       GDestroyNotify                 destroy)
{
  g_return_if_fail (KARI_IS_HOST_MANAGER (self));

  if (self->supervisor_destroy != NULL)
    self->supervisor_destroy (self->supervisor_data);
  self->supervisor_func = func;
  self->supervisor_data = user_data;
  self->supervisor_destroy = destroy;
}

/* The tenant calls act in: the host's, else the default one. */
const char *
_kari_host_manager_get_tenant (KariHostManager *self)
{
  return self->tenant != NULL ? self->tenant : KARI_TENANT_DEFAULT;
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
 * kari_host_manager_set_scripting_role:
 * @self: a #KariHostManager
 * @role: the role other programs act with (kari-scripting.h): `viewer`
 *   may only read, `user` (the default) may also start, stop, restart
 *   and call, `admin` may do everything; a custom role may only read
 *
 * Takes effect on the next call.
 */
void
kari_host_manager_set_scripting_role (KariHostManager *self,
                                      const char      *role)
{
  g_return_if_fail (KARI_IS_HOST_MANAGER (self));
  g_return_if_fail (role != NULL);

  g_free (self->scripting_role);
  self->scripting_role = g_strdup (role);
}

/**
 * kari_host_manager_get_scripting_role:
 * @self: a #KariHostManager
 *
 * Returns: the role other programs act with
 */
const char *
kari_host_manager_get_scripting_role (KariHostManager *self)
{
  g_return_val_if_fail (KARI_IS_HOST_MANAGER (self), NULL);
  return self->scripting_role;
}

/**
 * kari_host_manager_set_audit_log:
 * @self: a #KariHostManager
 * @audit: (nullable): where every call is recorded with its caller and
 *   the decision, or %NULL to record nothing
 * @tenant: (nullable): the tenant the host runs for, recorded with them
 */
void
kari_host_manager_set_audit_log (KariHostManager *self,
                                 KariAuditLog    *audit,
                                 const char      *tenant)
{
  g_return_if_fail (KARI_IS_HOST_MANAGER (self));
  g_return_if_fail (audit == NULL || KARI_IS_AUDIT_LOG (audit));

  g_set_object (&self->audit, audit);
  g_free (self->tenant);
  self->tenant = g_strdup (tenant);
}

/**
 * kari_host_manager_export:
 * @self: a #KariHostManager
 * @connection: a connection to a message bus
 * @error: return location for a #GError
 *
 * Exports io.github.kari.Manager1 at %KARI_HOST_MANAGER_PATH on
 * @connection. The caller checks need the bus daemon (its
 * GetConnectionCredentials): @connection must be a bus connection, not
 * a peer-to-peer one.
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
