/* kari-extension-services.c — the SDK's wrappers of the host's services
 * that hand back descriptors or wait on other extensions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gio/gunixfdlist.h>
#include <unistd.h>

#include "kari-extension.h"

#define HOST_PATH       "/io/github/kari/Host"
#define HOST_INTERFACE  "io.github.kari.Host1"
/* Longer than the host's own 10 s wait on the extension called. */
#define CALL_TIMEOUT_MS 30000

static GDBusConnection *
open_connection (KariExtension *self,
                 GTask         *task)
{
  GDBusConnection *connection = kari_extension_get_connection (self);

  if (connection == NULL || g_dbus_connection_is_closed (connection))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "Not connected to the host");
      g_object_unref (task);
      return NULL;
    }
  return connection;
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), &fds, result, &error);
  gint32 index = -1;
  int fd;

  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_variant_get (reply, "(h)", &index);
  if (fds == NULL || index < 0 || index >= g_unix_fd_list_get_length (fds))
    {
      g_task_return_new_error (task, KARI_EXTENSION_ERROR, KARI_EXTENSION_ERROR_FAILED,
                               "The host's reply holds no file descriptor");
      return;
    }
  fd = g_unix_fd_list_get (fds, index, &error);
  if (fd < 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, fd);
}

/**
 * kari_extension_open_file_async:
 * @self: an extension
 * @path: an absolute path
 * @mode: "r", "w" (created and emptied), "a" (appended, created) or "rw"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Asks the host to open @path; needs `filesystem:read:PATH` and/or
 * `filesystem:write:PATH`. The descriptor stays usable after the
 * permission is revoked.
 */
void
kari_extension_open_file_async (KariExtension       *self,
                                const char          *path,
                                const char          *mode,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  GDBusConnection *connection;

  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (path != NULL && mode != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  connection = open_connection (self, task);
  if (connection == NULL)
    return;
  g_dbus_connection_call_with_unix_fd_list (connection, NULL, HOST_PATH, HOST_INTERFACE, "OpenFile",
                                            g_variant_new ("(ss)", path, mode), G_VARIANT_TYPE ("(h)"),
                                            G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, NULL, cancellable,
                                            on_opened, task);
}

/**
 * kari_extension_open_file_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: the open descriptor, the caller's to close, or -1 with @error set
 */
int
kari_extension_open_file_finish (KariExtension  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return (int) g_task_propagate_int (G_TASK (result), error);
}

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  char *response = NULL;

  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_variant_get (reply, "(s)", &response);
  g_task_return_pointer (task, response, g_free);
}

/**
 * kari_extension_call_extension_async:
 * @self: an extension
 * @extension: the running extension to call
 * @endpoint: its endpoint
 * @request: the request, JSON
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Calls another extension through the host; needs
 * `extension:call:EXTENSION/ENDPOINT`. The callee is not told who calls.
 */
void
kari_extension_call_extension_async (KariExtension       *self,
                                     const char          *extension,
                                     const char          *endpoint,
                                     const char          *request,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  GDBusConnection *connection;

  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (extension != NULL && endpoint != NULL && request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  connection = open_connection (self, task);
  if (connection == NULL)
    return;
  g_dbus_connection_call (connection, NULL, HOST_PATH, HOST_INTERFACE, "CallExtension",
                          g_variant_new ("(sss)", extension, endpoint, request), G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, cancellable, on_called, task);
}

/**
 * kari_extension_call_extension_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the response, JSON, or %NULL with
 *   @error set (%KARI_EXTENSION_ERROR_NOT_RUNNING,
 *   %KARI_EXTENSION_ERROR_TIMED_OUT, …)
 */
char *
kari_extension_call_extension_finish (KariExtension  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
