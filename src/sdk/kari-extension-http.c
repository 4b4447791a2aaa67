/* kari-extension-http.c — Host1.HttpRequest from the extension's side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "kari-extension.h"

#define HOST_PATH       "/io/github/kari/Host"
#define HOST_INTERFACE  "io.github.kari.Host1"
/* Longer than the host's own 30 s cap, so its error arrives first. */
#define HTTP_TIMEOUT_MS 40000

static void
on_http_reply (GObject      *source,
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

/**
 * kari_extension_http_request_async:
 * @self: a connected extension
 * @method: GET, HEAD, POST, PUT, PATCH or DELETE
 * @url: an http or https URL
 * @headers: (nullable) (element-type utf8 utf8): request headers
 * @body: (nullable): the request body, at most 1 MiB
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Asks the host to make an HTTP request. The host needs the permission
 * `network:http:HOST[:PORT]` for the URL's host and refuses private and
 * loopback addresses unless a grant names them; a refusal fails with
 * %KARI_EXTENSION_ERROR_PERMISSION_DENIED, a cap (size, time,
 * redirects) with %KARI_EXTENSION_ERROR_LIMIT_EXCEEDED, a bad request
 * with %G_DBUS_ERROR_INVALID_ARGS.
 */
void
kari_extension_http_request_async (KariExtension       *self,
                                   const char          *method,
                                   const char          *url,
                                   GHashTable          *headers,
                                   GBytes              *body,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  GDBusConnection *connection;
  GVariantBuilder header_builder;
  GVariantBuilder options;
  GHashTableIter iter;
  gpointer key, value;
  gconstpointer data = body != NULL ? g_bytes_get_data (body, NULL) : NULL;
  gsize size = body != NULL ? g_bytes_get_size (body) : 0;

  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (method != NULL && url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kari_extension_http_request_async);
  connection = kari_extension_get_connection (self);
  if (connection == NULL || g_dbus_connection_is_closed (connection))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "Not connected to the host");
      g_object_unref (task);
      return;
    }

  g_variant_builder_init (&header_builder, G_VARIANT_TYPE ("a{ss}"));
  if (headers != NULL)
    {
      g_hash_table_iter_init (&iter, headers);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_variant_builder_add (&header_builder, "{ss}", key, value);
    }
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_dbus_connection_call (connection, NULL, HOST_PATH, HOST_INTERFACE, "HttpRequest",
                          g_variant_new ("(ssa{ss}@aya{sv})", method, url, &header_builder,
                                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, size ? data : "", size, 1),
                                         &options),
                          G_VARIANT_TYPE ("(qa{ss}ay)"), G_DBUS_CALL_FLAGS_NONE, HTTP_TIMEOUT_MS,
                          cancellable, on_http_reply, task);
}

/**
 * kari_extension_http_request_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @status: (out) (optional): the HTTP status
 * @headers: (out) (optional) (transfer full) (element-type utf8 utf8):
 *   the response headers, names in lower case
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the response body, or %NULL with @error
 */
GBytes *
kari_extension_http_request_finish (KariExtension  *self,
                                    GAsyncResult   *result,
                                    guint          *status,
                                    GHashTable    **headers,
                                    GError        **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) header_dict = NULL;
  g_autoptr(GVariant) body = NULL;
  guint16 code = 0;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  reply = g_task_propagate_pointer (G_TASK (result), error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(q@a{ss}@ay)", &code, &header_dict, &body);
  if (status != NULL)
    *status = code;
  if (headers != NULL)
    {
      GVariantIter iter;
      const char *name, *value;

      *headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_variant_iter_init (&iter, header_dict);
      while (g_variant_iter_next (&iter, "{&s&s}", &name, &value))
        g_hash_table_replace (*headers, g_strdup (name), g_strdup (value));
    }
  return g_variant_get_data_as_bytes (body);
}
