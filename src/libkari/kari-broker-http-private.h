/* kari-broker-http-private.h — Host1.HttpRequest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-broker.h"
#include "kari-http-fetch.h"

G_BEGIN_DECLS

gboolean         _kari_broker_http_request     (gpointer               host,
                                                GDBusMethodInvocation *invocation,
                                                const char            *method,
                                                const char            *url,
                                                GVariant              *headers,
                                                GVariant              *body,
                                                GVariant              *options,
                                                gpointer               broker);
KariHttpFetcher *_kari_broker_http_get_fetcher (KariBroker            *broker);

G_END_DECLS
