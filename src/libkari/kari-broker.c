/* kari-broker.c — one extension's private D-Bus door to the host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each running extension gets its own unix socket in a private 0700
 * folder (kari-broker-accept.c). The broker accepts one connection, from
 * our own uid, authenticated with EXTERNAL; that connection is the
 * extension's identity: the broker was made for one extension, tenant
 * and user, and never reads them from what the extension sends. Every
 * byte passes the guard (kari-dbus-guard.c) before GDBus reads it, so a
 * message over the size cap is refused at its header and reading follows
 * a rate; every call is rate-limited, bounded in flight, validated and
 * checked with the permission engine (kari-broker-host.c) before it runs.
 */

#include "config.h"

#include "kari-broker-private.h"

G_DEFINE_FINAL_TYPE (KariBroker, kari_broker, G_TYPE_OBJECT)

enum {
  SIGNAL_CONNECTED,
  SIGNAL_HANDSHAKE,
  SIGNAL_DISCONNECTED,
  SIGNAL_LOG,
  SIGNAL_NOTIFY,
  SIGNAL_PAGE_PUSHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (kari-broker-error-quark, kari_broker_error)

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
  g_clear_object (&self->config);
  g_clear_pointer (&self->extension, g_free);
  g_clear_pointer (&self->tenant, g_free);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->socket_path, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->endpoints, g_strfreev);
  g_clear_pointer (&self->pages, g_strfreev);
  g_clear_pointer (&self->tasks, g_strfreev);
  g_clear_pointer (&self->verdict, g_atomic_rc_box_release);
  g_clear_pointer (&self->declared_pages, g_strfreev);
  g_clear_pointer (&self->guard, g_atomic_rc_box_release);
  g_clear_pointer (&self->guid, g_free);
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
  /**
   * KariBroker::page-pushed:
   * @page: the page's path, one the manifest declares
   * @tree: (nullable): the new tree, validated
   * @error: (nullable): why the tree pushed was refused
   *
   * The extension pushed a page with Host1.PushPage; either @tree or
   * @error is set.
   */
  signals[SIGNAL_PAGE_PUSHED] =
    g_signal_new ("page-pushed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, KARI_TYPE_PAGE_TREE, G_TYPE_ERROR);
}

static void
kari_broker_init (KariBroker *self)
{
  self->rate = 200;
  self->burst = 400;
  self->tokens = self->burst;
  self->max_in_flight = 64;
  self->verdict = g_atomic_rc_box_new0 (KariDBusGuardVerdict);
  self->guard = g_atomic_rc_box_new0 (Guard);
  self->read_bytes_per_second = KARI_BROKER_DEFAULT_READ_BYTES_PER_SECOND;
  self->read_messages_per_second = KARI_BROKER_DEFAULT_READ_MESSAGES_PER_SECOND;
  self->max_queued = 1024;
  self->call_timeout_ms = KARI_BROKER_DEFAULT_CALL_TIMEOUT_MS;
  _kari_broker_pages_init (self);
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
             && (g_strcmp0 (g_dbus_message_get_interface (message), "io.github.kari.Host1") == 0
                 || g_strcmp0 (g_dbus_message_get_interface (message), "io.github.kari.Storage1") == 0
                 || g_strcmp0 (g_dbus_message_get_interface (message), "io.github.kari.Config1") == 0);
    case G_DBUS_MESSAGE_TYPE_METHOD_RETURN:
    case G_DBUS_MESSAGE_TYPE_ERROR:
      return TRUE;
    case G_DBUS_MESSAGE_TYPE_SIGNAL:
    case G_DBUS_MESSAGE_TYPE_INVALID:
    default:
      return FALSE;
    }
}

/* Runs in GDBus's worker thread for every incoming message. The relay
 * (kari-dbus-guard.c) already refused any message declaring more than
 * the size cap before GDBus read it; this checks what only a parsed
 * message shows: nesting and descriptors (kari-broker-guard.c). */
typedef struct
{
  KariDBusGuardVerdict *verdict;
  Guard                *guard;
  KariDBusGuard        *relay;
  gint                  moved;     /* atomic */
} FilterData;

static void
filter_data_free (gpointer data)
{
  FilterData *filter = data;

  g_atomic_rc_box_release (filter->verdict);
  g_atomic_rc_box_release (filter->guard);
  _kari_dbus_guard_unref (filter->relay);
  g_free (filter);
}

static GDBusMessage *
size_filter (GDBusConnection *connection,
             GDBusMessage    *message,
             gboolean         incoming,
             gpointer         user_data)
{
  FilterData *filter = user_data;
  KariDBusGuardVerdict *verdict = filter->verdict;
  const char *problem;

  /* The first message comes in GDBus's worker thread: the relay moves
   * there (kari-dbus-guard.c). */
  if (g_atomic_int_compare_and_exchange (&filter->moved, FALSE, TRUE))
    _kari_dbus_guard_move_here (filter->relay);
  if (!incoming)
    {
      _kari_broker_stats_see (&filter->guard->stats, message, FALSE);
      return message;
    }
  problem = _kari_broker_message_problem (message);
  if (problem != NULL)
    {
      g_atomic_pointer_compare_and_exchange (&verdict->problem, NULL, problem);
      g_dbus_connection_close (connection, NULL, NULL, NULL);
      g_object_unref (message);
      return NULL;
    }
  if (!is_expected (message))
    {
      g_object_unref (message);
      return NULL;
    }
  _kari_broker_stats_see (&filter->guard->stats, message, TRUE);
  return message;
}

static void
on_closed (GDBusConnection *connection,
           gboolean         remote_peer_vanished,
           GError          *error,
           gpointer         user_data)
{
  KariBroker *self = user_data;
  const char *problem = g_atomic_pointer_get (&self->verdict->problem);

  if (problem != NULL)
    {
      _kari_broker_refuse (self, problem, self->verdict->declared);
      _kari_broker_drop_connection (self, problem);
    }
  else
    _kari_broker_drop_connection (self, remote_peer_vanished ? "the extension closed its connection"
                                                             : "the connection closed");
}

void
_kari_broker_drop_connection (KariBroker *self,
                              const char *reason)
{
  g_autoptr(GDBusConnection) connection = g_steal_pointer (&self->connection);
  g_autoptr(KariDBusGuard) relay = g_steal_pointer (&self->relay);

  if (relay != NULL)
    _kari_dbus_guard_close (relay);
  if (connection == NULL)
    return;

  g_clear_signal_handler (&self->closed_id, connection);
  if (self->filter_id != 0)
    g_dbus_connection_remove_filter (connection, self->filter_id);
  self->filter_id = 0;
  if (self->host != NULL)
    g_dbus_interface_skeleton_unexport_from_connection (self->host, connection);
  g_clear_object (&self->host);
  if (self->storage != NULL)
    g_dbus_interface_skeleton_unexport_from_connection (self->storage, connection);
  g_clear_object (&self->storage);
  if (self->config_iface != NULL)
    g_dbus_interface_skeleton_unexport_from_connection (self->config_iface, connection);
  g_clear_object (&self->config_iface);
  if (!g_dbus_connection_is_closed (connection))
    g_dbus_connection_close (connection, NULL, NULL, NULL);
  self->ready = FALSE;

  g_debug ("Extension %s disconnected: %s", self->extension, reason);
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, reason);
}

/* Called by kari-broker-accept.c once @connection, behind @relay, made
 * its authentication; message processing is still delayed. */
void
_kari_broker_take_connection (KariBroker           *self,
                              GDBusConnection      *connection,
                              KariDBusGuard        *relay,
                              KariDBusGuardVerdict *verdict)
{
  g_autoptr(GError) error = NULL;
  FilterData *filter;

  self->ever_connected = TRUE;
  self->connection = g_object_ref (connection);
  self->relay = _kari_dbus_guard_ref (relay);
  g_clear_pointer (&self->verdict, g_atomic_rc_box_release);
  self->verdict = g_atomic_rc_box_acquire (verdict);
  /* Filters may still run after their removal, so the verdict they set
   * is shared, not part of the broker. */
  filter = g_new0 (FilterData, 1);
  filter->verdict = g_atomic_rc_box_acquire (verdict);
  filter->guard = g_atomic_rc_box_acquire (self->guard);
  filter->relay = _kari_dbus_guard_ref (relay);
  self->filter_id = g_dbus_connection_add_filter (connection, size_filter, filter, filter_data_free);
  self->closed_id = g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  self->host = _kari_broker_host_new (self);
  self->storage = _kari_broker_storage_new (self);
  if (!g_dbus_interface_skeleton_export (self->host, connection, KARI_BROKER_HOST_PATH, &error)
      || !g_dbus_interface_skeleton_export (self->storage, connection, KARI_BROKER_HOST_PATH, &error))
    {
      g_warning ("Cannot export the host interface for %s: %s", self->extension, error->message);
      _kari_broker_drop_connection (self, error->message);
      return;
    }
  if (self->config != NULL)
    {
      self->config_iface = _kari_broker_config_new (self);
      if (!g_dbus_interface_skeleton_export (self->config_iface, connection, KARI_BROKER_HOST_PATH, &error))
        {
          g_warning ("Cannot export the config interface for %s: %s", self->extension, error->message);
          _kari_broker_drop_connection (self, error->message);
          return;
        }
    }

  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
  g_dbus_connection_start_message_processing (connection);
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
      _kari_broker_drop_connection (self, "the extension does not read its replies");
      return FALSE;
    }
  /* A flush per call cost each call a trip through GDBus's worker and
   * back (~60 us of a ~300 us Storage1 call from a sandbox); one per
   * quarter of the bound keeps the count as bounded, only less fresh. */
  if (!self->flushing && waiting > (gint) self->max_queued / 4)
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
        _kari_broker_drop_connection (self, "calls far past the rate limit");
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
 *   once, as counted when calls arrive; an upper bound, as writes are
 *   confirmed by a flush once a quarter of the bound waits
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

void
_kari_broker_emit_page_pushed (KariBroker   *self,
                               const char   *page,
                               KariPageTree *tree,
                               const GError *error)
{
  g_signal_emit (self, signals[SIGNAL_PAGE_PUSHED], 0, page, tree, error);
}
