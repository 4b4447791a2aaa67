/* kari-broker-accept.c — listening on an extension's socket, and who
 * gets through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The broker accepts on its unix socket itself rather than through a
 * GDBusServer, so that every byte an extension writes passes the guard
 * (kari-dbus-guard.c) before GDBus buffers it. A connection is taken
 * only from our own uid (the kernel's SO_PEERCRED, checked at accept),
 * at most two may be authenticating at once, and only the first that
 * authenticates, with EXTERNAL, becomes the extension's connection.
 * Every refusal is counted and audited.
 */

#include "config.h"

#include <errno.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "kari-broker-private.h"
#include "kari-permission-engine-private.h"

/* A unix socket path is at most 108 bytes with its NUL. */
#define SOCKET_PATH_MAX 107
/* Connections that may be authenticating at once: one is the
 * extension's, a second is tolerated, more are an attack. */
#define MAX_PENDING     2

/**
 * _kari_broker_refuse:
 * @self: a broker
 * @reason: why, for a person
 * @declared: the size the refused message declared, or 0
 *
 * Counts a refused connection or message and writes it to the audit log
 * as a `limit` entry of the extension.
 */
void
_kari_broker_refuse (KariBroker *self,
                     const char *reason,
                     guint64     declared)
{
  g_autofree char *detail = declared > 0
                            ? g_strdup_printf ("%s (%" G_GUINT64_FORMAT " bytes declared)", reason, declared)
                            : g_strdup (reason);

  g_atomic_int_inc (&self->n_refused);
  _kari_permission_engine_audit (self->engine, KARI_AUDIT_LIMIT, self->tenant, self->user, self->extension,
                                 NULL, "dbus", FALSE, FALSE, "broker", detail);
}

typedef struct
{
  KariBroker           *broker;
  KariDBusGuard        *relay;
  KariDBusGuardVerdict *verdict;
} Pending;

static void
pending_free (Pending *pending)
{
  pending->broker->n_pending--;
  g_object_unref (pending->broker);
  _kari_dbus_guard_unref (pending->relay);
  g_atomic_rc_box_release (pending->verdict);
  g_free (pending);
}

static void
on_connection_made (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Pending *pending = user_data;
  KariBroker *self = pending->broker;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = g_dbus_connection_new_finish (result, &error);

  if (connection == NULL)
    {
      const char *problem = g_atomic_pointer_get (&pending->verdict->problem);

      /* A stop cancels what is under way: that is no refusal. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _kari_broker_refuse (self, problem != NULL ? problem : "a failed authentication",
                             problem != NULL ? pending->verdict->declared : 0);
      g_debug ("A connection to %s failed: %s", self->extension, problem != NULL ? problem : error->message);
      _kari_dbus_guard_close (pending->relay);
    }
  else if (self->service == NULL || self->ever_connected)
    {
      /* One connection per run: a connection made after the first cannot
       * take its place. */
      if (self->service != NULL)
        _kari_broker_refuse (self, "a second connection", 0);
      g_dbus_connection_close (connection, NULL, NULL, NULL);
      _kari_dbus_guard_close (pending->relay);
    }
  else
    _kari_broker_take_connection (self, connection, pending->relay, pending->verdict);

  pending_free (pending);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *stream,
             GObject           *source,
             gpointer           user_data)
{
  KariBroker *self = user_data;
  GSocket *socket = g_socket_connection_get_socket (stream);
  g_autoptr(GCredentials) credentials = g_socket_get_credentials (socket, NULL);
  g_autoptr(GSocketConnection) inner = NULL;
  g_autoptr(GError) error = NULL;
  Pending *pending;

  if (credentials == NULL || g_credentials_get_unix_user (credentials, NULL) != getuid ())
    {
      _kari_broker_refuse (self, "a connection from another user", 0);
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      return TRUE;
    }
  if (self->ever_connected || self->n_pending >= MAX_PENDING)
    {
      _kari_broker_refuse (self, self->ever_connected ? "a second connection" : "too many connections at once", 0);
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      return TRUE;
    }

  pending = g_new0 (Pending, 1);
  pending->verdict = g_atomic_rc_box_new0 (KariDBusGuardVerdict);
  pending->relay = _kari_dbus_guard_new (stream, KARI_BROKER_MAX_MESSAGE_SIZE, pending->verdict, &error);
  if (pending->relay == NULL)
    {
      g_warning ("Cannot relay a connection to %s: %s", self->extension, error->message);
      g_atomic_rc_box_release (pending->verdict);
      g_free (pending);
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      return TRUE;
    }
  pending->broker = g_object_ref (self);
  self->n_pending++;
  _kari_dbus_guard_set_rate (pending->relay, self->read_bytes_per_second, self->read_messages_per_second);
  _kari_dbus_guard_start (pending->relay);

  /* GDBus gets a real unix socket, so descriptors and credentials pass;
   * processing waits until the broker's filter and objects are in place. */
  inner = _kari_dbus_guard_get_inner (pending->relay);
  g_dbus_connection_new (G_IO_STREAM (inner), self->guid,
                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER
                         | G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                         self->observer, self->cancellable, on_connection_made, pending);
  return TRUE;
}

/* Only EXTERNAL, which carries the peer's uid, and only our own uid. */
static gboolean
on_allow_mechanism (GDBusAuthObserver *observer,
                    const char        *mechanism,
                    gpointer           user_data)
{
  return g_strcmp0 (mechanism, "EXTERNAL") == 0;
}

/* Runs in GDBus's authentication thread: only atomics here. */
static gboolean
on_authorize_peer (GDBusAuthObserver *observer,
                   GIOStream         *stream,
                   GCredentials      *credentials,
                   gpointer           user_data)
{
  return credentials != NULL && g_credentials_get_unix_user (credentials, NULL) == getuid ();
}

static char *
default_socket_base (void)
{
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");

  if (runtime != NULL && g_path_is_absolute (runtime) && g_file_test (runtime, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *base = g_build_filename (runtime, "kari", NULL);

      if (g_mkdir_with_parents (base, 0700) == 0)
        return g_steal_pointer (&base);
    }
  return g_strdup (g_get_tmp_dir ());
}

/**
 * kari_broker_start:
 * @self: a broker
 * @socket_dir: (nullable): where to make the private socket folder;
 *   %NULL for `$XDG_RUNTIME_DIR/kari`, or the temporary folder
 * @error: return location for a #GError
 *
 * Makes a private 0700 folder in @socket_dir and listens on a unix socket
 * in it. The address to give the extension is kari_broker_get_address().
 *
 * Returns: %TRUE when listening
 */
gboolean
kari_broker_start (KariBroker  *self,
                   const char  *socket_dir,
                   GError     **error)
{
  g_autofree char *base = NULL;
  g_autofree char *tmpl = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KARI_IS_BROKER (self), FALSE);

  if (self->service != NULL || self->ever_connected)
    {
      g_set_error (error, KARI_BROKER_ERROR, KARI_BROKER_ERROR_STARTED,
                   "The broker of %s was already started", self->extension);
      return FALSE;
    }

  base = socket_dir != NULL ? g_strdup (socket_dir) : default_socket_base ();
  tmpl = g_build_filename (base, "kari-XXXXXX", NULL);
  if (g_mkdtemp_full (tmpl, 0700) == NULL)
    {
      int saved = errno;
      g_set_error (error, KARI_BROKER_ERROR, KARI_BROKER_ERROR_SOCKET,
                   "Cannot make a socket folder in %s: %s", base, g_strerror (saved));
      return FALSE;
    }
  self->folder = g_steal_pointer (&tmpl);
  self->socket_path = g_build_filename (self->folder, "bus", NULL);
  if (strlen (self->socket_path) > SOCKET_PATH_MAX)
    {
      g_set_error (error, KARI_BROKER_ERROR, KARI_BROKER_ERROR_SOCKET,
                   "The socket path %s is longer than %d bytes", self->socket_path, SOCKET_PATH_MAX);
      kari_broker_stop (self);
      return FALSE;
    }

  {
    g_autofree char *escaped = g_dbus_address_escape_value (self->socket_path);
    g_free (self->address);
    self->address = g_strdup_printf ("unix:path=%s", escaped);
  }

  self->observer = g_dbus_auth_observer_new ();
  g_signal_connect (self->observer, "allow-mechanism", G_CALLBACK (on_allow_mechanism), self);
  g_signal_connect (self->observer, "authorize-authenticated-peer", G_CALLBACK (on_authorize_peer), self);
  g_free (self->guid);
  self->guid = g_dbus_generate_guid ();
  self->cancellable = g_cancellable_new ();

  self->service = g_socket_service_new ();
  address = g_unix_socket_address_new (self->socket_path);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL, &local_error))
    {
      g_set_error (error, KARI_BROKER_ERROR, KARI_BROKER_ERROR_SOCKET,
                   "Cannot listen on %s: %s", self->socket_path, local_error->message);
      kari_broker_stop (self);
      return FALSE;
    }
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (self->service);
  return TRUE;
}

/**
 * kari_broker_stop:
 * @self: a broker
 *
 * Closes the extension's connection, stops listening and removes the
 * socket folder. Safe to call more than once.
 */
void
kari_broker_stop (KariBroker *self)
{
  g_return_if_fail (KARI_IS_BROKER (self));

  _kari_broker_drop_connection (self, "the host stopped the extension");
  if (self->service != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->observer != NULL)
    g_signal_handlers_disconnect_by_data (self->observer, self);
  g_clear_object (&self->observer);
  if (self->socket_path != NULL)
    g_unlink (self->socket_path);
  if (self->folder != NULL)
    g_rmdir (self->folder);
  g_clear_pointer (&self->folder, g_free);
}

/**
 * kari_broker_set_read_limit:
 * @self: a broker
 * @bytes_per_second: bytes the extension may write a second, on average
 *   (0: no limit)
 * @messages_per_second: messages it may write a second (0: no limit)
 *
 * Bounds how fast the host reads from the extension's socket
 * (%KARI_BROKER_DEFAULT_READ_BYTES_PER_SECOND and
 * %KARI_BROKER_DEFAULT_READ_MESSAGES_PER_SECOND by default); a second's
 * worth may come at once. Past it the host stops reading, so the
 * extension's own writes block instead of host memory growing. Applies
 * to connections made from now on, and to the current one.
 */
void
kari_broker_set_read_limit (KariBroker *self,
                            guint64     bytes_per_second,
                            guint       messages_per_second)
{
  g_return_if_fail (KARI_IS_BROKER (self));

  self->read_bytes_per_second = bytes_per_second;
  self->read_messages_per_second = messages_per_second;
  if (self->relay != NULL)
    _kari_dbus_guard_set_rate (self->relay, bytes_per_second, messages_per_second);
}
