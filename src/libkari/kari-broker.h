/* kari-broker.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kari-config.h"
#include "kari-page-tree.h"
#include "kari-permission-engine.h"

G_BEGIN_DECLS

/**
 * KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED:
 *
 * The D-Bus error a call fails with when the calling extension lacks a
 * permission; the message names the permission.
 */
#define KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED "io.github.kari.Error.PermissionDenied"
/**
 * KARI_BROKER_DBUS_ERROR_LIMIT_EXCEEDED:
 *
 * The D-Bus error a call fails with when it goes over a rate, size or
 * in-flight limit.
 */
#define KARI_BROKER_DBUS_ERROR_LIMIT_EXCEEDED "io.github.kari.Error.LimitExceeded"
/**
 * KARI_BROKER_DBUS_ERROR_NOT_READY:
 *
 * The D-Bus error a call fails with when it comes before the handshake.
 */
#define KARI_BROKER_DBUS_ERROR_NOT_READY "io.github.kari.Error.NotReady"

/**
 * KARI_BROKER_DBUS_ERROR_FAILED:
 *
 * The D-Bus error a call fails with when the host could not do it (a
 * file that cannot be opened, a request the callee failed).
 */
#define KARI_BROKER_DBUS_ERROR_FAILED "io.github.kari.Error.Failed"
/**
 * KARI_BROKER_DBUS_ERROR_NOT_RUNNING:
 *
 * The D-Bus error CallExtension fails with when the target is not
 * running or does not offer the endpoint.
 */
#define KARI_BROKER_DBUS_ERROR_NOT_RUNNING "io.github.kari.Error.NotRunning"
/**
 * KARI_BROKER_DBUS_ERROR_TIMED_OUT:
 *
 * The D-Bus error a call fails with when the extension it waited for did
 * not answer in time.
 */
#define KARI_BROKER_DBUS_ERROR_TIMED_OUT "io.github.kari.Error.TimedOut"

/**
 * KARI_BROKER_HOST_PATH:
 *
 * The object path the host exports io.github.kari.Host1 at.
 */
#define KARI_BROKER_HOST_PATH "/io/github/kari/Host"
/**
 * KARI_BROKER_EXTENSION_PATH:
 *
 * The object path an extension exports io.github.kari.Extension1 at.
 */
#define KARI_BROKER_EXTENSION_PATH "/io/github/kari/Extension"

/**
 * KARI_BROKER_MAX_MESSAGE_SIZE:
 *
 * The largest message body, in bytes, the host accepts from an extension.
 * A message declaring more closes the connection before any of it is
 * read past its 16-byte header.
 */
#define KARI_BROKER_MAX_MESSAGE_SIZE (1024 * 1024)

/**
 * KARI_BROKER_DEFAULT_READ_BYTES_PER_SECOND:
 *
 * How many bytes a second the host reads from one extension by default;
 * see kari_broker_set_read_limit().
 */
#define KARI_BROKER_DEFAULT_READ_BYTES_PER_SECOND (32 * 1024 * 1024)

/**
 * KARI_BROKER_DEFAULT_READ_MESSAGES_PER_SECOND:
 *
 * How many messages a second the host reads from one extension by
 * default; see kari_broker_set_read_limit().
 */
#define KARI_BROKER_DEFAULT_READ_MESSAGES_PER_SECOND 10000

/**
 * KARI_BROKER_MAX_PAGE_SIZE:
 *
 * The largest page tree, in bytes of JSON, the host takes from an
 * extension (pushed, rendered or answered to an event).
 */
#define KARI_BROKER_MAX_PAGE_SIZE (768 * 1024)

/**
 * KARI_BROKER_PAGE_TIMEOUT_MS:
 *
 * How long RenderPage and HandlePageEvent wait for the extension by default.
 */
#define KARI_BROKER_PAGE_TIMEOUT_MS 5000

#define KARI_BROKER_ERROR (kari_broker_error_quark ())

/**
 * KARI_BROKER_DEFAULT_CALL_TIMEOUT_MS:
 *
 * How long a call into an extension waits for its answer by default.
 */
#define KARI_BROKER_DEFAULT_CALL_TIMEOUT_MS 10000

/**
 * KariBrokerError:
 * @KARI_BROKER_ERROR_SOCKET: the private socket folder could not be made
 * @KARI_BROKER_ERROR_STARTED: the broker was already started
 * @KARI_BROKER_ERROR_NOT_CONNECTED: the extension is not connected, or
 *   not past its handshake
 * @KARI_BROKER_ERROR_TIMED_OUT: the extension did not answer in time
 * @KARI_BROKER_ERROR_FAILED: the extension answered with an error, or
 *   with something malformed
 */
typedef enum
{
  KARI_BROKER_ERROR_SOCKET,
  KARI_BROKER_ERROR_STARTED,
  KARI_BROKER_ERROR_NOT_CONNECTED,
  KARI_BROKER_ERROR_TIMED_OUT,
  KARI_BROKER_ERROR_FAILED,
} KariBrokerError;

/**
 * KariBrokerCallStats:
 * @calls: method calls on the connection, both ways (the host's pings
 *   excepted)
 * @call_errors: of them, answered with an error other than a denial
 * @call_denied: of them, answered with
 *   %KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED
 * @latency_n: answers whose latency was measured
 * @latency_sum_usec: their latencies, from the call to its answer
 *   passing the host's side of the connection, added up
 * @latency_max_usec: the longest
 *
 * What kari_broker_take_call_stats() hands over.
 */
typedef struct
{
  guint64 calls;
  guint64 call_errors;
  guint64 call_denied;
  guint64 latency_n;
  gint64  latency_sum_usec;
  gint64  latency_max_usec;
} KariBrokerCallStats;

#define KARI_TYPE_BROKER (kari_broker_get_type ())
G_DECLARE_FINAL_TYPE (KariBroker, kari_broker, KARI, BROKER, GObject)

/**
 * KariBrokerLookup:
 * @tenant: the tenant of the calling extension
 * @extension: the extension it wants to call
 * @user_data: the data given with the function
 *
 * Finds the broker of a running extension for CallExtension.
 *
 * Returns: (transfer none) (nullable): its broker, or %NULL when it is
 *   not running
 */
typedef KariBroker *(*KariBrokerLookup) (const char *tenant,
                                         const char *extension,
                                         gpointer    user_data);

GQuark           kari_broker_error_quark      (void);

KariBroker      *kari_broker_new              (KariPermissionEngine *engine,
                                               const char           *extension,
                                               const char           *tenant,
                                               const char           *user);
gboolean         kari_broker_start            (KariBroker           *self,
                                               const char           *socket_dir,
                                               GError              **error);
void             kari_broker_stop             (KariBroker           *self);
const char      *kari_broker_get_address      (KariBroker           *self);
const char      *kari_broker_get_socket_path  (KariBroker           *self);
const char      *kari_broker_get_extension    (KariBroker           *self);
const char      *kari_broker_get_tenant       (KariBroker           *self);
const char      *kari_broker_get_user         (KariBroker           *self);
GDBusConnection *kari_broker_get_connection   (KariBroker           *self);
gboolean         kari_broker_is_connected     (KariBroker           *self);
const char * const *kari_broker_get_offered   (KariBroker           *self,
                                               const char           *kind);
void             kari_broker_set_rate_limit   (KariBroker           *self,
                                               guint                 calls_per_second,
                                               guint                 burst);
void             kari_broker_set_read_limit   (KariBroker           *self,
                                               guint64               bytes_per_second,
                                               guint                 messages_per_second);
void             kari_broker_set_max_in_flight (KariBroker          *self,
                                               guint                 max_in_flight);
guint64          kari_broker_get_n_refused    (KariBroker           *self);
void             kari_broker_set_lookup       (KariBroker           *self,
                                               KariBrokerLookup      lookup,
                                               gpointer              user_data,
                                               GDestroyNotify        destroy);
void             kari_broker_set_call_timeout (KariBroker           *self,
                                               guint                 timeout_ms);
void             kari_broker_set_max_queued   (KariBroker           *self,
                                               guint                 max_queued);
guint            kari_broker_get_queued_peak  (KariBroker           *self);
void             kari_broker_take_call_stats  (KariBroker           *self,
                                               KariBrokerCallStats  *stats);

void             kari_broker_call_handle_request_async (KariBroker  *self,
                                               const char           *endpoint,
                                               const char           *request,
                                               int                   timeout_ms,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char            *kari_broker_call_handle_request_finish (KariBroker *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void             kari_broker_ping_async       (KariBroker           *self,
                                               int                   timeout_ms,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean         kari_broker_ping_finish      (KariBroker           *self,
                                               GAsyncResult         *result,
                                               GError              **error);
/* kari-broker-config.c: io.github.kari.Config1 */
void             kari_broker_set_config       (KariBroker           *self,
                                               KariConfig           *config);
void             kari_broker_notify_config_changed (KariBroker      *self);

void             kari_broker_set_store_options (KariBroker          *self,
                                               const char           *stores_dir,
                                               const char           *migrations_dir);
void             kari_broker_set_store_quota  (KariBroker           *self,
                                               guint64               max_bytes);

void             kari_broker_set_declared_pages (KariBroker         *self,
                                               const char * const   *pages);
void             kari_broker_set_push_limit   (KariBroker           *self,
                                               guint                 pushes_per_second,
                                               guint                 burst);
void             kari_broker_render_page_async (KariBroker          *self,
                                               const char           *page,
                                               const char           *context,
                                               int                   timeout_ms,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
KariPageTree    *kari_broker_render_page_finish (KariBroker         *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void             kari_broker_handle_page_event_async (KariBroker    *self,
                                               const char           *page,
                                               const char           *node_id,
                                               const char           *kind,
                                               JsonNode             *value,
                                               int                   timeout_ms,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
KariPageTree    *kari_broker_handle_page_event_finish (KariBroker   *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
