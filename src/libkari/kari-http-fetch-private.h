/* kari-http-fetch-private.h — URL and address rules of the HTTP service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-grant.h"
#include "kari-http-fetch.h"

G_BEGIN_DECLS

gboolean    _kari_http_check_url        (GUri            *uri,
                                         char           **host,
                                         guint           *port,
                                         GError         **error);
char       *_kari_http_permission_for   (const char      *host,
                                         guint            port);
const char *_kari_http_address_kind     (GInetAddress    *address);
gboolean    _kari_http_grant_names_host (KariGrantStore *grants,
                                         const char      *extension,
                                         const char      *tenant,
                                         const char      *user,
                                         const char      *host,
                                         guint            port);
gboolean    _kari_http_validate_headers (GHashTable     *headers,
                                         GHashTable     **out,
                                         GError         **error);
char       *_kari_http_describe_certificate_errors (GTlsCertificateFlags flags);
GSocketConnectable *_kari_http_pinned_address_new (const char   *host,
                                         guint            port,
                                         GInetAddress    *address);
void        _kari_http_fetcher_fetch_full (KariHttpFetcher    *self,
                                         const char          *method,
                                         const char          *url,
                                         GHashTable          *headers,
                                         GBytes              *body,
                                         guint                timeout_ms,
                                         gsize                max_response,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);

G_END_DECLS
