/* kari-broker-calls.c — calls into an extension: from the host, with a
 * deadline, and from another extension through CallExtension
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The callee of CallExtension sees the request only, through its
 * Extension1.HandleRequest, as if the host asked: the caller's identity
 * is not passed on, because anything passed would be the callee's to
 * trust, and it has no way to check it. The host vouches for the call by
 * making it; the permission check audits who called whom.
 */

#include "config.h"

#include "kari-broker-private.h"

#define EXTENSION_INTERFACE "io.github.kari.Extension1"

/* Turns a failed call into a #KARI_BROKER_ERROR. */
static void
return_call_error (GTask  *task,
                   GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_task_return_new_error (task, KARI_BROKER_ERROR, KARI_BROKER_ERROR_TIMED_OUT,
                             "The extension did not answer in time");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED)
           || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED))
    g_task_return_new_error (task, KARI_BROKER_ERROR, KARI_BROKER_ERROR_NOT_CONNECTED,
                             "The extension disconnected");
  else
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_new_error (task, KARI_BROKER_ERROR, KARI_BROKER_ERROR_FAILED,
                               "The extension failed: %s", error->message);
    }
}

static void
on_extension_reply (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    return_call_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
}

/* Calls @method of the extension behind @self, answering @task with
 * the reply tuple of @reply_type. */
static void
call_extension (KariBroker         *self,
                GTask              *task,
                const char         *method,
                GVariant           *parameters,
                const GVariantType *reply_type,
                int                 timeout_ms)
{
  GDBusConnection *connection = kari_broker_get_connection (self);

  if (connection == NULL || !_kari_broker_is_ready (self))
    {
      if (parameters != NULL)
        g_variant_unref (g_variant_ref_sink (parameters));
      g_task_return_new_error (task, KARI_BROKER_ERROR, KARI_BROKER_ERROR_NOT_CONNECTED,
                               "%s is not connected", kari_broker_get_extension (self));
      g_object_unref (task);
      return;
    }
  g_dbus_connection_call (connection, NULL, KARI_BROKER_EXTENSION_PATH, EXTENSION_INTERFACE, method,
                          parameters, reply_type, G_DBUS_CALL_FLAGS_NO_AUTO_START, timeout_ms,
                          g_task_get_cancellable (task), on_extension_reply, task);
}

void
_kari_broker_call_method (KariBroker         *self,
                          GTask              *task,
                          const char         *method,
                          GVariant           *parameters,
                          const GVariantType *reply_type,
                          int                 timeout_ms)
{
  call_extension (self, task, method, parameters, reply_type, timeout_ms);
}

/**
 * kari_broker_call_handle_request_async:
 * @self: a broker
 * @endpoint: one of the endpoints the extension offered
 * @request: the request, JSON
 * @timeout_ms: how long to wait, in milliseconds; -1 for
 *   %KARI_BROKER_DEFAULT_CALL_TIMEOUT_MS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Calls the extension's Extension1.HandleRequest. An extension that does
 * not answer by the deadline fails the call with
 * %KARI_BROKER_ERROR_TIMED_OUT; the host's side is never blocked.
 */
void
kari_broker_call_handle_request_async (KariBroker          *self,
                                       const char          *endpoint,
                                       const char          *request,
                                       int                  timeout_ms,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (KARI_IS_BROKER (self));
  g_return_if_fail (endpoint != NULL && request != NULL);

  call_extension (self, g_task_new (self, cancellable, callback, user_data), "HandleRequest",
                  g_variant_new ("(ss)", endpoint, request), G_VARIANT_TYPE ("(s)"),
                  timeout_ms < 0 ? KARI_BROKER_DEFAULT_CALL_TIMEOUT_MS : timeout_ms);
}

/**
 * kari_broker_call_handle_request_finish:
 * @self: a broker
 * @result: the result given to the callback
 * @error: return location for a #KARI_BROKER_ERROR
 *
 * Returns: (transfer full) (nullable): the response, UTF-8 as the
 *   extension sent it (JSON, unchecked), or %NULL with @error set
 */
char *
kari_broker_call_handle_request_finish (KariBroker    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_autoptr(GVariant) reply = NULL;
  char *response = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  reply = g_task_propagate_pointer (G_TASK (result), error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(s)", &response);
  return response;
}

/**
 * kari_broker_ping_async:
 * @self: a broker
 * @timeout_ms: the deadline, in milliseconds; -1 for
 *   %KARI_BROKER_DEFAULT_CALL_TIMEOUT_MS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Pings the extension, to tell a hung one from a busy one: an extension
 * whose main loop runs answers at once.
 */
void
kari_broker_ping_async (KariBroker          *self,
                        int                  timeout_ms,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (KARI_IS_BROKER (self));

  call_extension (self, g_task_new (self, cancellable, callback, user_data), "Ping", NULL,
                  G_VARIANT_TYPE_UNIT, timeout_ms < 0 ? KARI_BROKER_DEFAULT_CALL_TIMEOUT_MS : timeout_ms);
}

/**
 * kari_broker_ping_finish:
 * @self: a broker
 * @result: the result given to the callback
 * @error: return location for a #KARI_BROKER_ERROR
 *
 * Returns: %TRUE when the extension answered in time
 */
gboolean
kari_broker_ping_finish (KariBroker    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(GVariant) reply = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  reply = g_task_propagate_pointer (G_TASK (result), error);
  return reply != NULL;
}

/* ------------------------------------------------------------------ */
/* CallExtension                                                       */

typedef struct
{
  char *extension;
  char *endpoint;
  char *request;
} Forward;

static void
forward_free (gpointer data)
{
  Forward *forward = data;

  g_free (forward->extension);
  g_free (forward->endpoint);
  g_free (forward->request);
  g_free (forward);
}

static void
on_forwarded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GDBusMethodInvocation *invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = kari_broker_call_handle_request_finish (KARI_BROKER (source), result, &error);

  if (response != NULL)
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", response));
  else if (g_error_matches (error, KARI_BROKER_ERROR, KARI_BROKER_ERROR_TIMED_OUT))
    g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_TIMED_OUT, error->message);
  else if (g_error_matches (error, KARI_BROKER_ERROR, KARI_BROKER_ERROR_NOT_CONNECTED))
    g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_NOT_RUNNING, error->message);
  else
    g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_FAILED, error->message);
}

static void
forward_allowed (KariBroker            *broker,
                 GDBusMethodInvocation *invocation,
                 gpointer               data)
{
  Forward *forward = data;
  KariBroker *target = _kari_broker_lookup (broker, forward->extension);
  const char * const *endpoints = target != NULL ? kari_broker_get_offered (target, "endpoints") : NULL;

  if (target == NULL || target == broker || endpoints == NULL
      || !g_strv_contains (endpoints, forward->endpoint))
    {
      g_autofree char *message =
        g_strdup_printf ("%s is not running or does not offer the endpoint “%s”",
                         forward->extension, forward->endpoint);

      g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_NOT_RUNNING, message);
      return;
    }
  kari_broker_call_handle_request_async (target, forward->endpoint, forward->request,
                                         (int) _kari_broker_get_call_timeout (broker), NULL,
                                         on_forwarded, invocation);
}

void
_kari_broker_call_extension (KariBroker            *self,
                             GDBusMethodInvocation *invocation,
                             const char            *extension,
                             const char            *endpoint,
                             const char            *request)
{
  g_autofree char *permission = NULL;
  Forward *forward;

  /* The names become part of a permission string: keep them to names. */
  if (*extension == '\0' || *endpoint == '\0' || strpbrk (extension, "/:*?[]{} ") != NULL
      || strpbrk (endpoint, "/:*?[]{} ") != NULL)
    {
      _kari_broker_return_invalid (invocation, "CallExtension: the extension or endpoint name is not a name");
      return;
    }
  forward = g_new0 (Forward, 1);
  forward->extension = g_strdup (extension);
  forward->endpoint = g_strdup (endpoint);
  forward->request = g_strdup (request);
  permission = g_strdup_printf ("extension:call:%s/%s", extension, endpoint);
  _kari_broker_check_then (self, invocation, permission, forward_allowed, forward, forward_free);
}
