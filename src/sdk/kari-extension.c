/* kari-extension.c — an extension's side of its private connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The host gives each extension one D-Bus address in KARI_HOST_ADDRESS.
 * The SDK connects to it, exports io.github.kari.Extension1 (Ping,
 * HandleRequest, Shutdown) and performs the Handshake with the endpoints,
 * pages and tasks registered before connecting. Every call is
 * asynchronous on the caller's main context.
 */

#include "kari-extension.h"
#include "kari-ext-dbus-generated.h"
#include "kari-extension-private.h"

#define HOST_PATH       "/io/github/kari/Host"
#define HOST_INTERFACE  "io.github.kari.Host1"
#define EXTENSION_PATH  "/io/github/kari/Extension"
#define CALL_TIMEOUT_MS 30000

static const GDBusErrorEntry error_entries[] = {
  { KARI_EXTENSION_ERROR_PERMISSION_DENIED, "io.github.kari.Error.PermissionDenied" },
  { KARI_EXTENSION_ERROR_LIMIT_EXCEEDED, "io.github.kari.Error.LimitExceeded" },
  { KARI_EXTENSION_ERROR_NOT_READY, "io.github.kari.Error.NotReady" },
  { KARI_EXTENSION_ERROR_FAILED, "io.github.kari.Error.Failed" },
  { KARI_EXTENSION_ERROR_NOT_RUNNING, "io.github.kari.Error.NotRunning" },
  { KARI_EXTENSION_ERROR_TIMED_OUT, "io.github.kari.Error.TimedOut" },
  { KARI_EXTENSION_ERROR_NOT_FOUND, "io.github.kari.Error.NotFound" },
  { KARI_EXTENSION_ERROR_CONFLICT, "io.github.kari.Error.Conflict" },
  { KARI_EXTENSION_ERROR_REFUSED, "io.github.kari.Error.Refused" },
  { KARI_EXTENSION_ERROR_QUOTA_EXCEEDED, "io.github.kari.Error.QuotaExceeded" },
  { KARI_EXTENSION_ERROR_SQL_FAILED, "io.github.kari.Error.SqlFailed" },
  { KARI_EXTENSION_ERROR_MIGRATION_FAILED, "io.github.kari.Error.MigrationFailed" },
};

/**
 * kari_extension_error_quark:
 *
 * Returns: the error domain of the SDK, whose codes the host's D-Bus
 *   errors are mapped to
 */
GQuark
kari_extension_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("kari-extension-error-quark", &quark,
                                      error_entries, G_N_ELEMENTS (error_entries));
  return (GQuark) quark;
}

typedef struct
{
  KariRequestHandler handler;
  gpointer           user_data;
  GDestroyNotify     destroy;
} Endpoint;

static void
endpoint_free (gpointer data)
{
  Endpoint *endpoint = data;

  if (endpoint->destroy != NULL)
    endpoint->destroy (endpoint->user_data);
  g_free (endpoint);
}

struct _KariExtension
{
  GObject                   parent_instance;

  GHashTable               *endpoints;   /* name → Endpoint */
  GHashTable               *pages;       /* path → KariExtensionPage */
  GPtrArray                *tasks;

  GDBusConnection          *connection;
  KariExtDBusExtension1    *skeleton;
  GVariant                 *host_info;
  gulong                    closed_id;
};

G_DEFINE_FINAL_TYPE (KariExtension, kari_extension, G_TYPE_OBJECT)

enum {
  SIGNAL_SHUTDOWN,
  SIGNAL_CLOSED,
  SIGNAL_NOTICE,
  SIGNAL_CONFIG_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
kari_extension_dispose (GObject *object)
{
  kari_extension_close (KARI_EXTENSION (object));

  G_OBJECT_CLASS (kari_extension_parent_class)->dispose (object);
}

static void
kari_extension_finalize (GObject *object)
{
  KariExtension *self = KARI_EXTENSION (object);

  g_clear_pointer (&self->endpoints, g_hash_table_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->tasks, g_ptr_array_unref);
  g_clear_pointer (&self->host_info, g_variant_unref);

  G_OBJECT_CLASS (kari_extension_parent_class)->finalize (object);
}

static void
kari_extension_class_init (KariExtensionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kari_extension_dispose;
  object_class->finalize = kari_extension_finalize;

  /* Registers the D-Bus error names before the first reply. */
  (void) KARI_EXTENSION_ERROR;

  /**
   * KariExtension::shutdown:
   *
   * The host asked the extension to finish its work and exit.
   */
  signals[SIGNAL_SHUTDOWN] =
    g_signal_new ("shutdown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * KariExtension::closed:
   *
   * The connection to the host closed; no call will succeed again.
   */
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * KariExtension::notice:
   * @kind: what it is about: "disk-quota-warning" (/data at 90 % of the
   *   quota), "disk-quota-exceeded" (over it: /data is read-only until
   *   space is freed), "disk-quota-ok" (writable again); ignore kinds you
   *   do not know
   * @message: the same for a person, with the figures
   *
   * The host told the extension something it should act on.
   */
  signals[SIGNAL_NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * KariExtension::config-changed:
   * @tenant: the tenant whose settings changed
   *
   * The extension's settings were changed (by itself, `kari-ext config`
   * or the app); kari_extension_get_config_async() reads them again.
   */
  signals[SIGNAL_CONFIG_CHANGED] =
    g_signal_new ("config-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kari_extension_init (KariExtension *self)
{
  self->endpoints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, endpoint_free);
  self->pages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, _kari_extension_page_free);
  self->tasks = g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

/**
 * kari_extension_new:
 *
 * Makes the extension object; register endpoints, pages and tasks, then
 * call kari_extension_connect_async().
 *
 * Returns: (transfer full): a new extension, not connected
 */
KariExtension *
kari_extension_new (void)
{
  return g_object_new (KARI_TYPE_EXTENSION, NULL);
}

/**
 * kari_extension_add_endpoint:
 * @self: an extension
 * @endpoint: the endpoint's name, as in the manifest
 * @handler: (scope notified): answers its requests
 * @user_data: data for @handler
 * @destroy: (nullable): frees @user_data
 *
 * Registers the handler of an endpoint; the endpoint is offered to the
 * host in the handshake. Call it before connecting.
 */
void
kari_extension_add_endpoint (KariExtension      *self,
                             const char         *endpoint,
                             KariRequestHandler  handler,
                             gpointer            user_data,
                             GDestroyNotify      destroy)
{
  Endpoint *entry;

  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (endpoint != NULL && *endpoint != '\0');
  g_return_if_fail (handler != NULL);

  entry = g_new0 (Endpoint, 1);
  entry->handler = handler;
  entry->user_data = user_data;
  entry->destroy = destroy;
  g_hash_table_replace (self->endpoints, g_strdup (endpoint), entry);
}

/**
 * kari_extension_add_task:
 * @self: an extension
 * @task: the task's name, as in the manifest
 *
 * Offers a task the extension runs. Call it before connecting.
 */
void
kari_extension_add_task (KariExtension *self,
                         const char    *task)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (task != NULL);

  g_ptr_array_add (self->tasks, g_strdup (task));
}

/* ------------------------------------------------------------------ */
/* io.github.kari.Extension1                                           */

static gboolean
on_ping (KariExtDBusExtension1 *skeleton,
         GDBusMethodInvocation *invocation,
         gpointer               user_data)
{
  kari_ext_dbus_extension1_complete_ping (skeleton, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_request (KariExtDBusExtension1 *skeleton,
                   GDBusMethodInvocation *invocation,
                   const char            *endpoint,
                   const char            *request,
                   gpointer               user_data)
{
  KariExtension *self = user_data;
  Endpoint *entry = g_hash_table_lookup (self->endpoints, endpoint);
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;

  if (entry == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                             "No endpoint “%s”", endpoint);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  response = entry->handler (self, endpoint, request, entry->user_data, &error);
  if (response == NULL)
    g_dbus_method_invocation_return_error (invocation, KARI_EXTENSION_ERROR, KARI_EXTENSION_ERROR_FAILED,
                                           "%s", error != NULL ? error->message : "The request failed");
  else
    kari_ext_dbus_extension1_complete_handle_request (skeleton, invocation, response);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_shutdown_flushed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KariExtension) self = user_data;

  g_dbus_connection_flush_finish (G_DBUS_CONNECTION (source), result, NULL);
  g_signal_emit (self, signals[SIGNAL_SHUTDOWN], 0);
}

/* The reply is flushed before ::shutdown, so a handler that exits at
 * once does not leave the host waiting for it. */
static gboolean
on_shutdown (KariExtDBusExtension1 *skeleton,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  GDBusConnection *connection = g_dbus_method_invocation_get_connection (invocation);

  kari_ext_dbus_extension1_complete_shutdown (skeleton, invocation);
  g_dbus_connection_flush (connection, NULL, on_shutdown_flushed, g_object_ref (user_data));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_notify (KariExtDBusExtension1 *skeleton,
           GDBusMethodInvocation *invocation,
           const char            *kind,
           const char            *message,
           gpointer               user_data)
{
  kari_ext_dbus_extension1_complete_notify (skeleton, invocation);
  g_signal_emit (user_data, signals[SIGNAL_NOTICE], 0, kind, message);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_config_changed (KariExtDBusExtension1 *skeleton,
                   GDBusMethodInvocation *invocation,
                   const char            *tenant,
                   gpointer               user_data)
{
  kari_ext_dbus_extension1_complete_config_changed (skeleton, invocation);
  g_signal_emit (user_data, signals[SIGNAL_CONFIG_CHANGED], 0, tenant);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ------------------------------------------------------------------ */
/* Calling the host                                                    */

static void
on_host_reply (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
}

/* Calls @method of the host; the task's result is the reply tuple. */
/**
 * _kari_extension_call: (skip)
 *
 * Calls @method of @interface on the host's object; @task's result is
 * the reply tuple (a #GVariant), or the host's error with its D-Bus name
 * stripped. Takes @task and sinks @parameters.
 */
void
_kari_extension_call (KariExtension      *self,
                      GTask              *task,
                      const char         *interface,
                      const char         *method,
                      GVariant           *parameters,
                      const GVariantType *reply_type,
                      int                 timeout_ms)
{
  if (self->connection == NULL || g_dbus_connection_is_closed (self->connection))
    {
      g_variant_unref (g_variant_ref_sink (parameters));
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "Not connected to the host");
      g_object_unref (task);
      return;
    }
  g_dbus_connection_call (self->connection, NULL, HOST_PATH, interface, method, parameters,
                          reply_type, G_DBUS_CALL_FLAGS_NONE, timeout_ms,
                          g_task_get_cancellable (task), on_host_reply, task);
}

/* Calls @method of io.github.kari.Host1. */
static void
call_host (KariExtension      *self,
           GTask              *task,
           const char         *method,
           GVariant           *parameters,
           const GVariantType *reply_type)
{
  _kari_extension_call (self, task, HOST_INTERFACE, method, parameters, reply_type, CALL_TIMEOUT_MS);
}

/* Finishes a call_host() whose reply is empty: %TRUE when it succeeded. */
static gboolean
finish_unit (GAsyncResult  *result,
             GError       **error)
{
  g_autoptr(GVariant) reply = g_task_propagate_pointer (G_TASK (result), error);

  return reply != NULL;
}

static void
on_closed (GDBusConnection *connection,
           gboolean         remote_peer_vanished,
           GError          *error,
           gpointer         user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_CLOSED], 0);
}

/* An empty null-terminated GPtrArray may have no pdata at all. */
static GVariant *
strv_variant_new (GPtrArray *names)
{
  return g_variant_new_strv (names->len > 0 ? (const char * const *) names->pdata : NULL, names->len);
}

static GVariant *
offered_new (KariExtension *self)
{
  g_autofree const char **endpoints = (const char **) g_hash_table_get_keys_as_array (self->endpoints, NULL);
  g_autofree const char **pages = (const char **) g_hash_table_get_keys_as_array (self->pages, NULL);
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert_value (&dict, "endpoints", g_variant_new_strv (endpoints, -1));
  g_variant_dict_insert_value (&dict, "pages", g_variant_new_strv (pages, -1));
  g_variant_dict_insert_value (&dict, "tasks", strv_variant_new (self->tasks));
  return g_variant_dict_end (&dict);
}

static void
on_handshake (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KariExtension *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_task_propagate_pointer (G_TASK (result), &error);

  if (reply == NULL)
    {
      g_prefix_error (&error, "Handshake: ");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&self->host_info, g_variant_unref);
  g_variant_get (reply, "(@a{sv})", &self->host_info);
  g_task_return_boolean (task, TRUE);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KariExtension *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = g_dbus_connection_new_for_address_finish (result, &error);

  if (connection == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Export our side first: the host may ping as soon as it has our offer. */
  self->skeleton = kari_ext_dbus_extension1_skeleton_new ();
  g_signal_connect_object (self->skeleton, "handle-ping", G_CALLBACK (on_ping), self, 0);
  g_signal_connect_object (self->skeleton, "handle-handle-request", G_CALLBACK (on_handle_request), self, 0);
  g_signal_connect_object (self->skeleton, "handle-shutdown", G_CALLBACK (on_shutdown), self, 0);
  g_signal_connect_object (self->skeleton, "handle-notify", G_CALLBACK (on_notify), self, 0);
  g_signal_connect_object (self->skeleton, "handle-config-changed", G_CALLBACK (on_config_changed), self, 0);
  g_signal_connect_object (self->skeleton, "handle-render-page", G_CALLBACK (_kari_extension_on_render_page),
                           self, 0);
  g_signal_connect_object (self->skeleton, "handle-handle-page-event",
                           G_CALLBACK (_kari_extension_on_handle_page_event), self, 0);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                         EXTENSION_PATH, &error))
    {
      g_clear_object (&self->skeleton);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->connection = g_steal_pointer (&connection);
  self->closed_id = g_signal_connect (self->connection, "closed", G_CALLBACK (on_closed), self);

  call_host (self, g_task_new (self, g_task_get_cancellable (task), on_handshake, g_object_ref (task)),
             "Handshake", g_variant_new ("(@a{sv})", offered_new (self)), G_VARIANT_TYPE ("(a{sv})"));
}

/**
 * kari_extension_connect_async:
 * @self: an extension
 * @address: (nullable): the host's D-Bus address; %NULL reads
 *   `KARI_HOST_ADDRESS`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when connected and the handshake is made, or on error
 * @user_data: data for @callback
 *
 * Connects to the host, exports the extension's side and makes the
 * handshake, offering the endpoints, pages and tasks registered so far.
 */
void
kari_extension_connect_async (KariExtension       *self,
                              const char          *address,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (self->connection == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kari_extension_connect_async);
  if (address == NULL)
    address = g_getenv (KARI_EXTENSION_ADDRESS_VARIABLE);
  if (address == NULL || *address == '\0')
    {
      g_task_return_new_error (task, KARI_EXTENSION_ERROR, KARI_EXTENSION_ERROR_NO_ADDRESS,
                               "%s is not set: the extension must be started by the Kari host",
                               KARI_EXTENSION_ADDRESS_VARIABLE);
      return;
    }
  g_dbus_connection_new_for_address (address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                     NULL, cancellable, on_connected, g_steal_pointer (&task));
}

/**
 * kari_extension_connect_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when connected and the handshake is made
 */
gboolean
kari_extension_connect_finish (KariExtension  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * kari_extension_close:
 * @self: an extension
 *
 * Closes the connection to the host. Safe to call more than once.
 */
void
kari_extension_close (KariExtension *self)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));

  if (self->skeleton != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
  g_clear_object (&self->skeleton);
  if (self->connection != NULL)
    {
      g_clear_signal_handler (&self->closed_id, self->connection);
      g_dbus_connection_close (self->connection, NULL, NULL, NULL);
    }
  g_clear_object (&self->connection);
}

/**
 * kari_extension_get_connection:
 * @self: an extension
 *
 * Returns: (nullable) (transfer none): the connection to the host
 */
GDBusConnection *
kari_extension_get_connection (KariExtension *self)
{
  g_return_val_if_fail (KARI_IS_EXTENSION (self), NULL);
  return self->connection;
}

/**
 * kari_extension_get_host_info:
 * @self: an extension
 *
 * Returns: (nullable) (transfer none): what the host answered to the
 *   handshake (`a{sv}`: host-version, interface-version, extension,
 *   tenant)
 */
GVariant *
kari_extension_get_host_info (KariExtension *self)
{
  g_return_val_if_fail (KARI_IS_EXTENSION (self), NULL);
  return self->host_info;
}

/**
 * kari_extension_get_name:
 * @self: an extension
 *
 * Returns: (nullable): the extension's name as the host knows it, after
 *   the handshake
 */
const char *
kari_extension_get_name (KariExtension *self)
{
  const char *name = NULL;

  g_return_val_if_fail (KARI_IS_EXTENSION (self), NULL);
  if (self->host_info != NULL)
    g_variant_lookup (self->host_info, "extension", "&s", &name);
  return name;
}

GHashTable *
_kari_extension_get_pages (KariExtension *self)
{
  return self->pages;
}

/* ------------------------------------------------------------------ */
/* Host services                                                       */

/**
 * kari_extension_log_async:
 * @self: a connected extension
 * @level: "debug", "info", "message", "warning" or "critical"
 * @message: the line, UTF-8, at most 16 KiB
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Writes a line in the extension's log on the host.
 */
void
kari_extension_log_async (KariExtension       *self,
                          const char          *level,
                          const char          *message,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (level != NULL && message != NULL);

  call_host (self, g_task_new (self, cancellable, callback, user_data), "Log",
             g_variant_new ("(ss)", level, message), G_VARIANT_TYPE_UNIT);
}

/**
 * kari_extension_log_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the host took the line
 */
gboolean
kari_extension_log_finish (KariExtension  *self,
                           GAsyncResult   *result,
                           GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return finish_unit (result, error);
}

/**
 * kari_extension_check_permission_async:
 * @self: a connected extension
 * @permission: a permission, such as "notifications"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Asks the host whether the extension holds @permission now. The host
 * audits the check.
 */
void
kari_extension_check_permission_async (KariExtension       *self,
                                       const char          *permission,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (permission != NULL);

  call_host (self, g_task_new (self, cancellable, callback, user_data), "CheckPermission",
             g_variant_new ("(s)", permission), G_VARIANT_TYPE ("(bs)"));
}

/**
 * kari_extension_check_permission_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @allowed: (out) (optional): whether the permission is held
 * @decided_by: (out) (optional) (transfer full): what decided
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the host answered
 */
gboolean
kari_extension_check_permission_finish (KariExtension  *self,
                                        GAsyncResult   *result,
                                        gboolean       *allowed,
                                        char          **decided_by,
                                        GError        **error)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean held = FALSE;
  const char *by = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  reply = g_task_propagate_pointer (G_TASK (result), error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(b&s)", &held, &by);
  if (allowed != NULL)
    *allowed = held;
  if (decided_by != NULL)
    *decided_by = g_strdup (by);
  return TRUE;
}

/**
 * kari_extension_notify_async:
 * @self: a connected extension
 * @title: the title, at most 256 bytes
 * @body: the body, at most 4 KiB
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Asks the host to show a notification; needs the `notifications`
 * permission, else fails with %KARI_EXTENSION_ERROR_PERMISSION_DENIED.
 */
void
kari_extension_notify_async (KariExtension       *self,
                             const char          *title,
                             const char          *body,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (title != NULL && body != NULL);

  call_host (self, g_task_new (self, cancellable, callback, user_data), "Notify",
             g_variant_new ("(ss)", title, body), G_VARIANT_TYPE_UNIT);
}

/**
 * kari_extension_notify_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the host showed the notification
 */
gboolean
kari_extension_notify_finish (KariExtension  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return finish_unit (result, error);
}
