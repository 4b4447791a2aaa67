/* kari-broker.c — one extension's private D-Bus door to the host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each running extension gets its own GDBusServer on a unix socket in a
 * private 0700 folder. The server accepts one connection, from our own
 * uid, authenticated with EXTERNAL; that connection is the extension's
 * identity: the broker was made for one extension, tenant and user, and
 * never reads them from what the extension sends. Every incoming message
 * is size-capped, every call rate-limited, bounded in flight, validated
 * and checked with the permission engine (kari-broker-host.c) before it
 * runs.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "kari-broker-private.h"

/* A unix socket path is at most 108 bytes with its NUL. */
#define SOCKET_PATH_MAX 107

G_DEFINE_FINAL_TYPE (KariBroker, kari_broker, G_TYPE_OBJECT)

enum {
  SIGNAL_CONNECTED,
  SIGNAL_HANDSHAKE,
  SIGNAL_DISCONNECTED,
  SIGNAL_LOG,
  SIGNAL_NOTIFY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (kari-broker-error-quark, kari_broker_error)

static void kari_broker_drop_connection (KariBroker *self,
                                         const char *reason);

static void
kari_broker_dispose (GObject *object)
{
  KariBroker *self = KARI_BROKER (object);

  kari_broker_stop (self);

  G_OBJECT_CLASS (kari_broker_parent_class)->dispose (object);
}

static void
kari_broker_finalize (GObject *object)
{
  KariBroker *self = KARI_BROKER (object);

  g_clear_object (&self->engine);
  g_clear_pointer (&self->extension, g_free);
  g_clear_pointer (&self->tenant, g_free);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->socket_path, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->endpoints, g_strfreev);
  g_clear_pointer (&self->pages, g_strfreev);
  g_clear_pointer (&self->tasks, g_strfreev);
  g_clear_pointer (&self->guard, g_atomic_rc_box_release);
  if (self->lookup_destroy != NULL)
    self->lookup_destroy (self->lookup_data);

  G_OBJECT_CLASS (kari_broker_parent_class)->finalize (object);
}

static void
kari_broker_class_init (KariBrokerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kari_broker_dispose;
  object_class->finalize = kari_broker_finalize;

  /**
   * KariBroker::connected:
   *
   * The extension's connection was accepted.
   */
  signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * KariBroker::handshake:
   *
   * The extension made its handshake: it is ready for calls.
   */
  signals[SIGNAL_HANDSHAKE] =
    g_signal_new ("handshake", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * KariBroker::disconnected:
   * @reason: why, for a person
   *
   * The extension's connection closed, or the broker closed it.
   */
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * KariBroker::log:
   * @level: "debug", "info", "message", "warning" or "critical"
   * @message: the line, valid UTF-8
   *
   * The extension logged a line.
   */
  signals[SIGNAL_LOG] =
    g_signal_new ("log", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * KariBroker::notify-user:
   * @title: the title, valid UTF-8
   * @body: the body, valid UTF-8
   *
   * The extension, holding `notifications`, asked to show a notification.
   */
  signals[SIGNAL_NOTIFY] =
    g_signal_new ("notify-user", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
kari_broker_init (KariBroker *self)
{
  self->rate = 200;
  self->burst = 400;
  self->tokens = self->burst;
  self->max_in_flight = 64;
  self->guard = g_atomic_rc_box_new0 (Guard);
  self->max_queued = 1024;
  self->call_timeout_ms = KARI_BROKER_DEFAULT_CALL_TIMEOUT_MS;
}

/**
 * kari_broker_new:
 * @engine: the permission engine that judges every call
 * @extension: the extension this broker's connection belongs to
 * @tenant: its tenant
 * @user: (nullable): the user it runs for
 *
 * Makes the broker for one running extension. Whatever arrives on its
 * connection is judged as @extension in @tenant for @user.
 *
 * Returns: (transfer full): a new broker, not yet listening
 */
KariBroker *
kari_broker_new (KariPermissionEngine *engine,
                 const char           *extension,
                 const char           *tenant,
                 const char           *user)
{
  KariBroker *self;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (engine), NULL);
  g_return_val_if_fail (extension != NULL, NULL);
  g_return_val_if_fail (tenant != NULL, NULL);

  self = g_object_new (KARI_TYPE_BROKER, NULL);
  self->engine = g_object_ref (engine);
  self->extension = g_strdup (extension);
  self->tenant = g_strdup (tenant);
  self->user = g_strdup (user);
  self->refilled_usec = g_get_monotonic_time ();
  return self;
}

/* ------------------------------------------------------------------ */
/* The connection                                                      */

/* What an extension may send: calls to the host's interface, and replies
 * to the host's calls into it. Anything else (calls to other objects or
 * interfaces, Introspect, signals) is dropped unanswered, so it costs the
 * host no work and cannot slip past the rate limit, which only sees
 * calls to Host1. */
static gboolean
is_expected (GDBusMessage *message)
{
  switch (g_dbus_message_get_message_type (message))
    {
    case G_DBUS_MESSAGE_TYPE_METHOD_CALL:
      return g_strcmp0 (g_dbus_message_get_path (message), KARI_BROKER_HOST_PATH) == 0
             && g_strcmp0 (g_dbus_message_get_interface (message), "io.github.kari.Host1") == 0;
    case G_DBUS_MESSAGE_TYPE_METHOD_RETURN:
    case G_DBUS_MESSAGE_TYPE_ERROR:
      return TRUE;
    case G_DBUS_MESSAGE_TYPE_SIGNAL:
    case G_DBUS_MESSAGE_TYPE_INVALID:
    default:
      return FALSE;
    }
}

/* Runs in GDBus's worker thread for every incoming message. GDBus has
 * already read the whole message (up to its own 128 MiB limit), so the
 * caps (kari-broker-guard.c) bound what the host parses and keeps, not
 * what it reads. */
static GDBusMessage *
size_filter (GDBusConnection *connection,
             GDBusMessage    *message,
             gboolean         incoming,
             gpointer         user_data)
{
  Guard *guard = user_data;
  const char *problem;

  if (!incoming)
    {
      _kari_broker_stats_see (&guard->stats, message, FALSE);
      return message;
    }
  problem = _kari_broker_message_problem (message);
  if (problem != NULL)
    {
      g_atomic_pointer_set (&guard->problem, problem);
      g_dbus_connection_close (connection, NULL, NULL, NULL);
      g_object_unref (message);
      return NULL;
    }
  if (!is_expected (message))
    {
      g_object_unref (message);
      return NULL;
    }
  _kari_broker_stats_see (&guard->stats, message, TRUE);
  return message;
}

static void
on_closed (GDBusConnection *connection,
           gboolean         remote_peer_vanished,
           GError          *error,
           gpointer         user_data)
{
  KariBroker *self = user_data;

  const char *problem = g_atomic_pointer_get (&self->guard->problem);

  if (problem != NULL)
    kari_broker_drop_connection (self, problem);
  else
    kari_broker_drop_connection (self, remote_peer_vanished ? "the extension closed its connection"
                                                            : "the connection closed");
}

static void
kari_broker_drop_connection (KariBroker *self,
                             const char *reason)
{
  g_autoptr(GDBusConnection) connection = g_steal_pointer (&self->connection);

  if (connection == NULL)
    return;

  g_clear_signal_handler (&self->closed_id, connection);
  if (self->filter_id != 0)
    g_dbus_connection_remove_filter (connection, self->filter_id);
  self->filter_id = 0;
  if (self->host != NULL)
    g_dbus_interface_skeleton_unexport_from_connection (self->host, connection);
  g_clear_object (&self->host);
  if (!g_dbus_connection_is_closed (connection))
    g_dbus_connection_close (connection, NULL, NULL, NULL);
  self->ready = FALSE;

  g_debug ("Extension %s disconnected: %s", self->extension, reason);
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, reason);
}

static gboolean
on_new_connection (GDBusServer     *server,
                   GDBusConnection *connection,
                   gpointer         user_data)
{
  KariBroker *self = user_data;
  g_autoptr(GError) error = NULL;

  /* One connection per run: an extension cannot open a second, and a
   * connection made after it cannot take its place. */
  if (self->ever_connected)
    {
      g_atomic_int_inc (&self->n_refused);
      g_dbus_connection_close (connection, NULL, NULL, NULL);
      return TRUE;
    }

  self->ever_connected = TRUE;
  self->connection = g_object_ref (connection);
  /* Filters may still run after their removal, so the flag they set is
   * shared, not part of the broker. */
  self->filter_id = g_dbus_connection_add_filter (connection, size_filter,
                                                  g_atomic_rc_box_acquire (self->guard),
                                                  (GDestroyNotify) g_atomic_rc_box_release);
  self->closed_id = g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  self->host = _kari_broker_host_new (self);
  if (!g_dbus_interface_skeleton_export (self->host, connection, KARI_BROKER_HOST_PATH, &error))
    {
      g_warning ("Cannot export the host interface for %s: %s", self->extension, error->message);
      kari_broker_drop_connection (self, error->message);
      return TRUE;
    }

  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
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

static gboolean
on_authorize_peer (GDBusAuthObserver *observer,
                   GIOStream         *stream,
                   GCredentials      *credentials,
                   gpointer           user_data)
{
  KariBroker *self = user_data;
  gboolean same = credentials != NULL && g_credentials_get_unix_user (credentials, NULL) == getuid ();

  if (!same)
    g_atomic_int_inc (&self->n_refused);
  return same;
}

/* ------------------------------------------------------------------ */
/* Listening                                                           */

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
  g_autofree char *guid = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KARI_IS_BROKER (self), FALSE);

  if (self->server != NULL || self->ever_connected)
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
    self->address = g_strdup_printf ("unix:path=%s", escaped);
  }

  self->observer = g_dbus_auth_observer_new ();
  g_signal_connect (self->observer, "allow-mechanism", G_CALLBACK (on_allow_mechanism), self);
  g_signal_connect (self->observer, "authorize-authenticated-peer", G_CALLBACK (on_authorize_peer), self);

  guid = g_dbus_generate_guid ();
  self->server = g_dbus_server_new_sync (self->address,
                                         G_DBUS_SERVER_FLAGS_AUTHENTICATION_REQUIRE_SAME_USER,
                                         guid, self->observer, NULL, &local_error);
  if (self->server == NULL)
    {
      g_set_error (error, KARI_BROKER_ERROR, KARI_BROKER_ERROR_SOCKET,
                   "Cannot listen on %s: %s", self->socket_path, local_error->message);
      kari_broker_stop (self);
      return FALSE;
    }
  g_signal_connect (self->server, "new-connection", G_CALLBACK (on_new_connection), self);
  g_dbus_server_start (self->server);
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

  kari_broker_drop_connection (self, "the host stopped the extension");
  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      g_dbus_server_stop (self->server);
      g_clear_object (&self->server);
    }
  if (self->observer != NULL)
    g_signal_handlers_disconnect_by_data (self->observer, self);
  g_clear_object (&self->observer);
  if (self->socket_path != NULL)
    g_unlink (self->socket_path);
  if (self->folder != NULL)
    g_rmdir (self->folder);
  g_clear_pointer (&self->folder, g_free);
}

/* ------------------------------------------------------------------ */
/* Limits                                                              */

static void
release_call (gpointer  data,
              GObject  *where_the_invocation_was)
{
  KariBroker *self = data;

  self->in_flight--;
  g_object_unref (self);
}

typedef struct
{
  KariBroker *broker;
  gint        snapshot;
} Flush;

static void
on_flushed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Flush *flush = user_data;

  /* Closed or not, what was queued before the flush is no longer ours. */
  g_dbus_connection_flush_finish (G_DBUS_CONNECTION (source), result, NULL);
  flush->broker->flushed = flush->snapshot;
  flush->broker->flushing = FALSE;
  g_object_unref (flush->broker);
  g_free (flush);
}

/* GDBus queues what the peer does not read without a bound; an extension
 * that never reads its replies is disconnected once more than
 * @max_queued of them wait. Every call gets one reply, so replies are
 * counted as calls arrive; a flush tells which were written (replies
 * still to come for calls in flight may count as written early, an error
 * bounded by the in-flight limit). */
static gboolean
outgoing_bounded (KariBroker *self)
{
  gint queued = ++self->replies;
  gint waiting = queued - self->flushed;

  self->queued_peak = MAX (self->queued_peak, waiting);
  if (waiting > (gint) self->max_queued)
    {
      GIOStream *stream = g_dbus_connection_get_stream (self->connection);

      /* GDBus closes only once its pending write ends, which a peer that
       * never reads never lets happen: shut the socket down under it. */
      if (G_IS_SOCKET_CONNECTION (stream))
        g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)), TRUE, TRUE, NULL);
      g_debug ("%s: %d replies unread, over %u", self->extension, waiting, self->max_queued);
      kari_broker_drop_connection (self, "the extension does not read its replies");
      return FALSE;
    }
  if (!self->flushing && waiting > 0)
    {
      Flush *flush = g_new0 (Flush, 1);

      flush->broker = g_object_ref (self);
      flush->snapshot = queued;
      self->flushing = TRUE;
      g_dbus_connection_flush (self->connection, NULL, on_flushed, flush);
    }
  return TRUE;
}

/* Admits a call under the rate, in-flight and outgoing-queue limits, or
 * answers it with LimitExceeded; a client that keeps calling past the
 * limit is disconnected. */
gboolean
_kari_broker_admit (KariBroker            *self,
                    GDBusMethodInvocation *invocation)
{
  gint64 now = g_get_monotonic_time ();

  if (self->connection == NULL || !outgoing_bounded (self))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_LIMIT_EXCEEDED,
                                                  "The extension does not read its replies");
      return FALSE;
    }

  self->tokens = MIN ((double) self->burst,
                      self->tokens + (double) (now - self->refilled_usec) * self->rate / G_USEC_PER_SEC);
  self->refilled_usec = now;

  if (self->tokens < 1.0 || self->in_flight >= self->max_in_flight)
    {
      gboolean rate = self->tokens < 1.0;

      g_atomic_int_inc (&self->n_refused);
      g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_LIMIT_EXCEEDED,
                                                  rate ? "Too many calls: the limit is reached"
                                                       : "Too many calls in flight");
      if (++self->strikes > 4 * MAX (self->burst, 1))
        kari_broker_drop_connection (self, "calls far past the rate limit");
      return FALSE;
    }

  self->tokens -= 1.0;
  self->strikes = 0;
  self->in_flight++;
  g_object_weak_ref (G_OBJECT (invocation), release_call, g_object_ref (self));
  return TRUE;
}

/**
 * kari_broker_set_rate_limit:
 * @self: a broker
 * @calls_per_second: calls the extension may make each second, on average
 * @burst: calls it may make at once
 *
 * Sets the token bucket every call is taken from (200 a second, bursts of
 * 400 by default). A call over it fails with LimitExceeded; an extension
 * that keeps calling, four bursts past the limit, is disconnected.
 */
void
kari_broker_set_rate_limit (KariBroker *self,
                            guint       calls_per_second,
                            guint       burst)
{
  g_return_if_fail (KARI_IS_BROKER (self));
  g_return_if_fail (burst >= 1);

  self->rate = calls_per_second;
  self->burst = burst;
  self->tokens = MIN (self->tokens, (double) burst);
}

/**
 * kari_broker_set_max_in_flight:
 * @self: a broker
 * @max_in_flight: calls that may wait for an answer at once (64 by default)
 *
 * Bounds the extension's calls that have not been answered yet.
 */
void
kari_broker_set_max_in_flight (KariBroker *self,
                               guint       max_in_flight)
{
  g_return_if_fail (KARI_IS_BROKER (self));
  g_return_if_fail (max_in_flight >= 1);

  self->max_in_flight = max_in_flight;
}

/**
 * kari_broker_set_max_queued:
 * @self: a broker
 * @max_queued: replies and calls to the extension that may wait unread
 *   (1024 by default)
 *
 * Bounds what the host keeps for an extension that does not read: past
 * it, the extension is disconnected.
 */
void
kari_broker_set_max_queued (KariBroker *self,
                            guint       max_queued)
{
  g_return_if_fail (KARI_IS_BROKER (self));
  g_return_if_fail (max_queued >= 1 && max_queued <= G_MAXINT / 2);

  self->max_queued = max_queued;
}

/**
 * kari_broker_get_queued_peak:
 * @self: a broker
 *
 * Returns: the most messages to the extension seen waiting unwritten at
 *   once, as counted when calls arrive
 */
guint
kari_broker_get_queued_peak (KariBroker *self)
{
  g_return_val_if_fail (KARI_IS_BROKER (self), 0);
  return (guint) self->queued_peak;
}

/**
 * kari_broker_set_lookup:
 * @self: a broker
 * @lookup: (nullable): finds the broker of a running extension
 * @user_data: data for @lookup
 * @destroy: (nullable): frees @user_data
 *
 * Lets the extension call other running extensions (CallExtension, when
 * it holds `extension:call:NAME/ENDPOINT`); without a lookup every such
 * call fails with NotRunning.
 */
void
kari_broker_set_lookup (KariBroker       *self,
                        KariBrokerLookup  lookup,
                        gpointer          user_data,
                        GDestroyNotify    destroy)
{
  g_return_if_fail (KARI_IS_BROKER (self));

  if (self->lookup_destroy != NULL)
    self->lookup_destroy (self->lookup_data);
  self->lookup = lookup;
  self->lookup_data = user_data;
  self->lookup_destroy = destroy;
}

/**
 * kari_broker_set_call_timeout:
 * @self: a broker
 * @timeout_ms: how long the extension's CallExtension waits for the
 *   callee, in milliseconds (%KARI_BROKER_DEFAULT_CALL_TIMEOUT_MS by default)
 */
void
kari_broker_set_call_timeout (KariBroker *self,
                              guint       timeout_ms)
{
  g_return_if_fail (KARI_IS_BROKER (self));
  g_return_if_fail (timeout_ms >= 1 && timeout_ms <= G_MAXINT);

  self->call_timeout_ms = timeout_ms;
}

/* ------------------------------------------------------------------ */
/* For kari-broker-host.c                                              */

KariBroker *
_kari_broker_lookup (KariBroker *self,
                     const char *extension)
{
  return self->lookup != NULL ? self->lookup (self->tenant, extension, self->lookup_data) : NULL;
}

guint
_kari_broker_get_call_timeout (KariBroker *self)
{
  return self->call_timeout_ms;
}

KariPermissionEngine *
_kari_broker_get_engine (KariBroker *self)
{
  return self->engine;
}

gboolean
_kari_broker_is_ready (KariBroker *self)
{
  return self->ready;
}

void
_kari_broker_set_offered (KariBroker *self,
                          GStrv       endpoints,
                          GStrv       pages,
                          GStrv       tasks)
{
  g_strfreev (self->endpoints);
  g_strfreev (self->pages);
  g_strfreev (self->tasks);
  self->endpoints = endpoints;
  self->pages = pages;
  self->tasks = tasks;
  self->ready = TRUE;
  g_signal_emit (self, signals[SIGNAL_HANDSHAKE], 0);
}

void
_kari_broker_emit_log (KariBroker *self,
                       const char *level,
                       const char *message)
{
  g_signal_emit (self, signals[SIGNAL_LOG], 0, level, message);
}

void
_kari_broker_emit_notify (KariBroker *self,
                          const char *title,
                          const char *body)
{
  g_signal_emit (self, signals[SIGNAL_NOTIFY], 0, title, body);
}
