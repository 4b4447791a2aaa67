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

G_END_DECLS
