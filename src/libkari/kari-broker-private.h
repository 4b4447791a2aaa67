/* kari-broker-private.h — what kari-broker-host.c shares with kari-broker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-broker.h"

G_BEGIN_DECLS

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

/* kari-broker-guard.c: why an incoming message must close the
 * connection, or NULL when it may pass. */
const char           *_kari_broker_message_problem (GDBusMessage      *message);

G_END_DECLS
