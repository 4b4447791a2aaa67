/* kari-broker-private.h — what the kari-broker-*.c files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-broker.h"
#include "kari-dbus-guard-private.h"
#include "kari-page-tree.h"

G_BEGIN_DECLS

/* A call in flight on the connection, for its latency. */
typedef struct
{
  guint32 serial;        /* 0: free */
  guint32 outgoing;      /* made by the host, answered by the extension */
  gint64  start_usec;
} CallSlot;

#define CALL_SLOTS 128

/* Calls counted by the filter (kari-broker-stats.c): the slots belong
 * to GDBus's worker thread, the counters are atomic and taken by the
 * main thread. */
typedef struct
{
  CallSlot slots[CALL_SLOTS];
  guint    next_slot;
  guint64  calls;
  guint64  errors;
  guint64  denied;
  guint64  latency_n;
  guint64  latency_sum_usec;
  guint64  latency_max_usec;
} CallStats;

/* What the filter, in GDBus's worker thread, shares with the broker
 * beside the guard's verdict: an atomic rc box. */
typedef struct
{
  CallStats   stats;
} Guard;

struct _KariBroker
{
  GObject               parent_instance;

  KariPermissionEngine *engine;
  char                 *extension;
  char                 *tenant;
  char                 *user;

  char                 *folder;        /* private 0700 folder we made */
  char                 *socket_path;
  char                 *address;
  GSocketService       *service;       /* accepts on the socket, same user only */
  GDBusAuthObserver    *observer;
  char                 *guid;
  GCancellable         *cancellable;   /* authentications under way */
  guint                 n_pending;
  KariDBusGuard        *relay;         /* between the socket and the connection */
  guint64               read_bytes_per_second;
  guint                 read_messages_per_second;

  GDBusConnection      *connection;    /* the one connection, once made */
  GDBusInterfaceSkeleton *host;
  GDBusInterfaceSkeleton *storage;     /* io.github.kari.Storage1, beside host */
  gboolean              ever_connected;
  gboolean              ready;         /* the handshake was made */
  gulong                closed_id;
  guint                 filter_id;
  KariDBusGuardVerdict *verdict;       /* atomic rc box shared with the filter and relay threads */
  Guard                *guard;         /* call counts, shared with the filter */
  guint                 max_queued;
  gint                  replies;       /* replies owed: one per call admitted or refused */
  gint                  flushed;       /* of them, known written */
  gint                  queued_peak;
  gboolean              flushing;

  GStrv                 endpoints;
  GStrv                 pages;
  GStrv                 tasks;

  /* Token bucket: @rate tokens a second up to @burst. */
  double                tokens;
  gint64                refilled_usec;
  guint                 rate;
  guint                 burst;
  guint                 strikes;       /* calls refused since the last admitted one */
  guint                 in_flight;
  guint                 max_in_flight;
  gint                  n_refused;     /* atomic: the auth observer runs in a thread */

  KariConfig           *config;        /* NULL: no Config1 */
  GDBusInterfaceSkeleton *config_iface;

  KariBrokerLookup      lookup;
  gpointer              lookup_data;
  GDestroyNotify        lookup_destroy;
  guint                 call_timeout_ms;

  /* Pages (kari-broker-pages.c): what the manifest declares, and the
   * token bucket of PushPage. */
  GStrv                 declared_pages;
  double                push_tokens;
  gint64                push_refilled_usec;
  guint                 push_rate;
  guint                 push_burst;
};

/* Parts of an extension's broker the interface implementations read. */
KariPermissionEngine *_kari_broker_get_engine  (KariBroker            *self);
gboolean              _kari_broker_admit       (KariBroker            *self,
                                                GDBusMethodInvocation *invocation);
gboolean              _kari_broker_is_ready    (KariBroker            *self);
void                  _kari_broker_set_offered (KariBroker            *self,
                                                GStrv                  endpoints,
                                                GStrv                  pages,
                                                GStrv                  tasks);
void                  _kari_broker_emit_log    (KariBroker            *self,
                                                const char            *level,
                                                const char            *message);
void                  _kari_broker_emit_notify (KariBroker            *self,
                                                const char            *title,
                                                const char            *body);

/* kari-broker-host.c: io.github.kari.Host1 on one connection. */
GDBusInterfaceSkeleton *_kari_broker_host_new  (KariBroker            *self);

/* Called once a permission check allowed the call; the invocation is
 * still to be completed. */
typedef void (*KariBrokerAllowed)             (KariBroker            *self,
                                                GDBusMethodInvocation *invocation,
                                                gpointer               data);
void                  _kari_broker_check_then  (KariBroker            *self,
                                                GDBusMethodInvocation *invocation,
                                                const char            *permission,
                                                KariBrokerAllowed      allowed,
                                                gpointer               data,
                                                GDestroyNotify         destroy);
gboolean              _kari_broker_return_invalid (GDBusMethodInvocation *invocation,
                                                const char            *format,
                                                ...) G_GNUC_PRINTF (2, 3);

/* kari-broker-storage.c: io.github.kari.Storage1 on one connection. */
GDBusInterfaceSkeleton *_kari_broker_storage_new (KariBroker          *self);

/* kari-broker-files.c */
void                  _kari_broker_open_file   (KariBroker            *self,
                                                GDBusMethodInvocation *invocation,
                                                const char            *path,
                                                const char            *mode);

KariBroker           *_kari_broker_lookup      (KariBroker            *self,
                                                const char            *extension);
guint                 _kari_broker_get_call_timeout (KariBroker       *self);

/* kari-broker-calls.c */
void                  _kari_broker_call_extension (KariBroker         *self,
                                                GDBusMethodInvocation *invocation,
                                                const char            *extension,
                                                const char            *endpoint,
                                                const char            *request);

/* kari-broker.c */
void                  _kari_broker_drop_connection (KariBroker        *self,
                                                const char            *reason);
void                  _kari_broker_take_connection (KariBroker        *self,
                                                GDBusConnection       *connection,
                                                KariDBusGuard         *relay,
                                                KariDBusGuardVerdict  *verdict);

/* kari-broker-accept.c */
void                  _kari_broker_refuse      (KariBroker            *self,
                                                const char            *reason,
                                                guint64                declared);
/* kari-broker-config.c: io.github.kari.Config1 on one connection. */
GDBusInterfaceSkeleton *_kari_broker_config_new (KariBroker          *self);

/* kari-broker-guard.c: why an incoming message must close the
 * connection, or NULL when it may pass. */
const char           *_kari_broker_message_problem (GDBusMessage      *message);

/* kari-broker-stats.c: counts a message the filter let through. */
void                  _kari_broker_stats_see   (CallStats             *stats,
                                                GDBusMessage          *message,
                                                gboolean               incoming);

/* kari-broker-calls.c: calls @method of the extension, answering @task
 * (which it takes) with the reply tuple of @reply_type. */
void                  _kari_broker_call_method (KariBroker            *self,
                                                GTask                 *task,
                                                const char            *method,
                                                GVariant              *parameters,
                                                const GVariantType    *reply_type,
                                                int                    timeout_ms);

/* kari-broker-pages.c */
void                  _kari_broker_pages_init  (KariBroker            *self);
void                  _kari_broker_push_page   (KariBroker            *self,
                                                GDBusMethodInvocation *invocation,
                                                const char            *page,
                                                const char            *tree);
void                  _kari_broker_emit_page_pushed (KariBroker       *self,
                                                const char            *page,
                                                KariPageTree          *tree,
                                                const GError          *error);

G_END_DECLS
