/* kari-http-fetch.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kari-permission-engine.h"

G_BEGIN_DECLS

#define KARI_HTTP_FETCH_ERROR (kari_http_fetch_error_quark ())

/**
 * KariHttpFetchError:
 * @KARI_HTTP_FETCH_ERROR_INVALID_URL: not an http(s) URL, or one with
 *   user information or a numeric host in a disguised form
 * @KARI_HTTP_FETCH_ERROR_INVALID_REQUEST: a refused method, header or body
 * @KARI_HTTP_FETCH_ERROR_PERMISSION_DENIED: the extension lacks
 *   `network:http:HOST[:PORT]`
 * @KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED: the host is or resolves to a
 *   loopback, private, link-local or other special address no explicit
 *   grant names
 * @KARI_HTTP_FETCH_ERROR_RESOLVE: the host name could not be resolved
 * @KARI_HTTP_FETCH_ERROR_TOO_LARGE: the response is over the size cap
 * @KARI_HTTP_FETCH_ERROR_TIMED_OUT: the request took longer than allowed
 * @KARI_HTTP_FETCH_ERROR_TOO_MANY_REDIRECTS: more redirects than allowed
 * @KARI_HTTP_FETCH_ERROR_FAILED: the connection or the exchange failed
 * @KARI_HTTP_FETCH_ERROR_CERTIFICATE: the server's TLS certificate is not
 *   valid for the URL's host name (another name, an unknown authority,
 *   expired, …); the message says which
 */
typedef enum
{
  KARI_HTTP_FETCH_ERROR_INVALID_URL,
  KARI_HTTP_FETCH_ERROR_INVALID_REQUEST,
  KARI_HTTP_FETCH_ERROR_PERMISSION_DENIED,
  KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED,
  KARI_HTTP_FETCH_ERROR_RESOLVE,
  KARI_HTTP_FETCH_ERROR_TOO_LARGE,
  KARI_HTTP_FETCH_ERROR_TIMED_OUT,
  KARI_HTTP_FETCH_ERROR_TOO_MANY_REDIRECTS,
  KARI_HTTP_FETCH_ERROR_FAILED,
  KARI_HTTP_FETCH_ERROR_CERTIFICATE,
} KariHttpFetchError;

/**
 * KARI_HTTP_FETCH_MAX_REQUEST_BODY:
 *
 * The largest request body, in bytes.
 */
#define KARI_HTTP_FETCH_MAX_REQUEST_BODY (1024 * 1024)
/**
 * KARI_HTTP_FETCH_MAX_RESPONSE_BODY:
 *
 * The default cap on a response body, in bytes.
 */
#define KARI_HTTP_FETCH_MAX_RESPONSE_BODY (8 * 1024 * 1024)
/**
 * KARI_HTTP_FETCH_TIMEOUT_MS:
 *
 * The default cap on a request's total time, redirects included.
 */
#define KARI_HTTP_FETCH_TIMEOUT_MS 30000
/**
 * KARI_HTTP_FETCH_MAX_REDIRECTS:
 *
 * How many redirects a request may follow.
 */
#define KARI_HTTP_FETCH_MAX_REDIRECTS 5

/**
 * KariHttpResponse:
 * @status: the HTTP status of the last hop
 * @headers: (element-type utf8 utf8): its headers, names in lower case,
 *   repeated headers joined with ", "
 * @body: the body, at most the cap
 *
 * What a fetch returns.
 */
typedef struct
{
  guint       status;
  GHashTable *headers;
  GBytes     *body;
} KariHttpResponse;

void kari_http_response_free (KariHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariHttpResponse, kari_http_response_free)

#define KARI_TYPE_HTTP_FETCHER (kari_http_fetcher_get_type ())
G_DECLARE_FINAL_TYPE (KariHttpFetcher, kari_http_fetcher, KARI, HTTP_FETCHER, GObject)

GQuark            kari_http_fetch_error_quark        (void);

KariHttpFetcher  *kari_http_fetcher_new              (KariPermissionEngine *engine,
                                                      const char           *extension,
                                                      const char           *tenant,
                                                      const char           *user);
void              kari_http_fetcher_set_resolver     (KariHttpFetcher      *self,
                                                      GResolver            *resolver);
void              kari_http_fetcher_set_tls_database (KariHttpFetcher      *self,
                                                      GTlsDatabase         *database);
void              kari_http_fetcher_set_max_response_size (KariHttpFetcher *self,
                                                      gsize                 max_bytes);
void              kari_http_fetcher_set_timeout      (KariHttpFetcher      *self,
                                                      guint                 timeout_ms);
gsize             kari_http_fetcher_get_max_response_size (KariHttpFetcher *self);
guint             kari_http_fetcher_get_timeout      (KariHttpFetcher      *self);
void              kari_http_fetcher_fetch_async      (KariHttpFetcher      *self,
                                                      const char           *method,
                                                      const char           *url,
                                                      GHashTable           *headers,
                                                      GBytes               *body,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
KariHttpResponse *kari_http_fetcher_fetch_finish     (KariHttpFetcher      *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
