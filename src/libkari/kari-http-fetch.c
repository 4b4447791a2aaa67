/* kari-http-fetch.c — HTTP requests the host makes for an extension
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each hop of a request goes through the same steps: the URL is parsed
 * once; the permission `network:http:HOST:PORT` of that parsed URL is
 * checked (and audited) by the engine; the host resolves the name with
 * its own resolver and refuses special addresses (loopback, private,
 * link-local, …) unless the deciding grant names the host literally;
 * then it connects to the very address it checked (or, when that one
 * refuses the connection, the next it checked): each hop has its own
 * session whose remote-connectable is that address under the URL's host
 * name (kari-http-pinned.c), so no second lookup can move the
 * connection, while TLS still sends the name as SNI and verifies the
 * certificate for it, not for the address.
 * Redirects are never followed by libsoup: each Location starts a new
 * hop.
 */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "kari-http-fetch.h"
#include "kari-http-fetch-private.h"

#define MAX_RESPONSE_HEADERS      128
#define MAX_RESPONSE_HEADER_BYTES (64 * 1024)
#define MAX_URL_LENGTH            8192
#define READ_CHUNK                (64 * 1024)
#define MAX_FALLBACK_ADDRESSES    4

struct _KariHttpFetcher
{
  GObject               parent_instance;
  KariPermissionEngine *engine;
  char                 *extension;
  char                 *tenant;
  char                 *user;
  GResolver            *resolver;
  GTlsDatabase         *tls_database; /* NULL: the system's */
  gsize                 max_response;
  guint                 timeout_ms;
};

G_DEFINE_FINAL_TYPE (KariHttpFetcher, kari_http_fetcher, G_TYPE_OBJECT)

G_DEFINE_QUARK (kari-http-fetch-error-quark, kari_http_fetch_error)

static const char * const allowed_methods[] = {
  "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", NULL
};

typedef struct
{
  char           *method;
  GHashTable     *headers;       /* validated, name → value */
  GBytes         *body;
  GUri           *uri;           /* the current hop, as the extension sees it */
  char           *host;          /* its host, normalised */
  guint           port;
  gboolean        explicit_host; /* the deciding grant names the host literally */
  GQueue         *next_addresses; /* checked addresses left to try, GInetAddress* */
  guint           hops;
  SoupSession    *session;       /* this hop's, pinned to its address */
  SoupMessage    *message;
  GInputStream   *stream;
  GByteArray     *data;
  GCancellable   *cancellable;   /* ours: the time-out and the caller cancel it */
  GCancellable   *caller;
  gulong          caller_handler;
  GSource        *timeout;
  gboolean        timed_out;
  guint           timeout_ms;
  gsize           max_response;
} Fetch;

static void start_hop (GTask *task);

static void
fetch_free (Fetch *fetch)
{
  if (fetch->timeout != NULL)
    {
      g_source_destroy (fetch->timeout);
      g_source_unref (fetch->timeout);
    }
  if (fetch->caller != NULL)
    g_cancellable_disconnect (fetch->caller, fetch->caller_handler);
  g_clear_object (&fetch->caller);
  g_clear_object (&fetch->cancellable);
  g_free (fetch->method);
  g_clear_pointer (&fetch->headers, g_hash_table_unref);
  g_clear_pointer (&fetch->body, g_bytes_unref);
  g_clear_pointer (&fetch->uri, g_uri_unref);
  g_free (fetch->host);
  g_clear_object (&fetch->message);
  g_clear_object (&fetch->stream);
  g_clear_object (&fetch->session);
  g_clear_pointer (&fetch->data, g_byte_array_unref);
  if (fetch->next_addresses != NULL)
    g_queue_free_full (fetch->next_addresses, g_object_unref);
  g_free (fetch);
}

/**
 * kari_http_response_free:
 * @response: (transfer full): a #KariHttpResponse
 *
 * Frees @response.
 */
void
kari_http_response_free (KariHttpResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->headers, g_hash_table_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

static gboolean
fail (GTask              *task,
      KariHttpFetchError  code,
      const char         *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GTask              *task,
      KariHttpFetchError  code,
      const char         *format,
      ...)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (fetch->timed_out)
    g_task_return_new_error (task, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_TIMED_OUT,
                             "The request took longer than %u ms", fetch->timeout_ms);
  else
    g_task_return_new_error (task, KARI_HTTP_FETCH_ERROR, code, "%s", message);
  g_object_unref (task);
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* The hop                                                             */

static gboolean
check_permission (GTask *task)
{
  KariHttpFetcher *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *permission = _kari_http_permission_for (fetch->host, fetch->port);
  g_auto(KariCheckResult) result = { 0 };
  KariCheck check = { self->tenant, self->user, self->extension, permission };

  if (kari_permission_engine_check (self->engine, &check, &result) != KARI_VERDICT_ALLOW)
    return fail (task, KARI_HTTP_FETCH_ERROR_PERMISSION_DENIED,
                 "Fetching %s needs the permission “%s” (decided by %s)",
                 fetch->host, permission, result.decided_by ? result.decided_by : "default");

  fetch->explicit_host = _kari_http_grant_names_host (kari_permission_engine_get_grants (self->engine),
                                                      self->extension, self->tenant, self->user,
                                                      fetch->host, fetch->port);
  return TRUE;
}

static gboolean
on_timeout (gpointer data)
{
  Fetch *fetch = data;

  fetch->timed_out = TRUE;
  g_cancellable_cancel (fetch->cancellable);
  g_clear_pointer (&fetch->timeout, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *caller,
                     gpointer      data)
{
  g_cancellable_cancel (data);
}

static void
collect_header (const char *name,
                const char *value,
                gpointer    data)
{
  GHashTable *headers = data;
  g_autofree char *lower = g_ascii_strdown (name, -1);
  const char *before = g_hash_table_lookup (headers, lower);

  if (before != NULL)
    g_hash_table_insert (headers, g_steal_pointer (&lower), g_strconcat (before, ", ", value, NULL));
  else
    g_hash_table_insert (headers, g_steal_pointer (&lower), g_strdup (value));
}

static void
finish (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  KariHttpResponse *response = g_new0 (KariHttpResponse, 1);

  response->status = soup_message_get_status (fetch->message);
  response->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  soup_message_headers_foreach (soup_message_get_response_headers (fetch->message),
                                collect_header, response->headers);
  response->body = g_byte_array_free_to_bytes (g_steal_pointer (&fetch->data));
  g_task_return_pointer (task, response, (GDestroyNotify) kari_http_response_free);
  g_object_unref (task);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  GTask *task = data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    {
      fail (task, KARI_HTTP_FETCH_ERROR_FAILED, "Reading the response failed: %s", error->message);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      finish (task);
      return;
    }
  if (fetch->data->len + g_bytes_get_size (chunk) > fetch->max_response)
    {
      fail (task, KARI_HTTP_FETCH_ERROR_TOO_LARGE,
            "The response body is larger than the cap of %" G_GSIZE_FORMAT " bytes", fetch->max_response);
      return;
    }
  g_byte_array_append (fetch->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (fetch->stream, READ_CHUNK, G_PRIORITY_DEFAULT, fetch->cancellable,
                                   on_read, task);
}

static gboolean
response_headers_fit (SoupMessage *message)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  guint count = 0;
  gsize total = 0;

  soup_message_headers_iter_init (&iter, soup_message_get_response_headers (message));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      count++;
      total += strlen (name) + strlen (value) + 4;
    }
  return count <= MAX_RESPONSE_HEADERS && total <= MAX_RESPONSE_HEADER_BYTES;
}

static gboolean
is_redirect (guint status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static void
follow_redirect (GTask      *task,
                 const char *location)
{
  Fetch *fetch = g_task_get_task_data (task);
  guint status = soup_message_get_status (fetch->message);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) next = NULL;

  if (++fetch->hops > KARI_HTTP_FETCH_MAX_REDIRECTS)
    {
      fail (task, KARI_HTTP_FETCH_ERROR_TOO_MANY_REDIRECTS,
            "More than %d redirects", KARI_HTTP_FETCH_MAX_REDIRECTS);
      return;
    }
  next = strlen (location) > MAX_URL_LENGTH ? NULL
         : g_uri_parse_relative (fetch->uri, location, G_URI_FLAGS_ENCODED, &error);
  if (next == NULL)
    {
      fail (task, KARI_HTTP_FETCH_ERROR_INVALID_URL, "The redirect to “%.256s” is not a valid URL", location);
      return;
    }
  /* As browsers do: 303, and 301/302 after a POST, become a GET. */
  if (status == 303 || ((status == 301 || status == 302) && g_str_equal (fetch->method, "POST")))
    {
      const char *method = status == 303 && g_str_equal (fetch->method, "HEAD") ? "HEAD" : "GET";

      g_free (fetch->method);
      fetch->method = g_strdup (method);
      g_clear_pointer (&fetch->body, g_bytes_unref);
      g_hash_table_remove (fetch->headers, "content-type");
    }
  g_clear_object (&fetch->stream);
  g_clear_object (&fetch->message);
  g_clear_object (&fetch->session);
  g_clear_pointer (&fetch->uri, g_uri_unref);
  fetch->uri = g_steal_pointer (&next);
  start_hop (task);
}

static void send_to (GTask        *task,
                     GInetAddress *address);

/* Failures before any byte of the request left: another address of the
 * same name may answer (an IPv6 one first, a server on IPv4 only). */
static gboolean
is_connect_failure (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  GTask *task = data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *location;

  fetch->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (fetch->stream == NULL && is_connect_failure (error) && fetch->next_addresses != NULL
      && !g_queue_is_empty (fetch->next_addresses))
    {
      g_autoptr(GInetAddress) next = g_queue_pop_head (fetch->next_addresses);

      /* Nothing was sent: the next address the host checked. */
      g_clear_object (&fetch->message);
      g_clear_object (&fetch->session);
      send_to (task, next);
      return;
    }
  if (fetch->stream == NULL)
    {
      GTlsCertificateFlags flags = soup_message_get_tls_peer_certificate_errors (fetch->message);

      if (flags != 0 || error->domain == G_TLS_ERROR)
        {
          g_autofree char *why = _kari_http_describe_certificate_errors (flags);

          fail (task, KARI_HTTP_FETCH_ERROR_CERTIFICATE, "The TLS certificate of %s is not valid for it: %s",
                fetch->host, flags != 0 ? why : error->message);
        }
      else
        fail (task, KARI_HTTP_FETCH_ERROR_FAILED, "The request to %s failed: %s", fetch->host, error->message);
      return;
    }
  if (!response_headers_fit (fetch->message))
    {
      fail (task, KARI_HTTP_FETCH_ERROR_FAILED, "The response has more than %d headers or %d bytes of them",
            MAX_RESPONSE_HEADERS, MAX_RESPONSE_HEADER_BYTES);
      return;
    }
  location = soup_message_headers_get_one (soup_message_get_response_headers (fetch->message), "Location");
  if (is_redirect (soup_message_get_status (fetch->message)) && location != NULL)
    {
      follow_redirect (task, location);
      return;
    }
  fetch->data = g_byte_array_new ();
  g_input_stream_read_bytes_async (fetch->stream, READ_CHUNK, G_PRIORITY_DEFAULT, fetch->cancellable,
                                   on_read, task);
}

static void
send_to (GTask        *task,
         GInetAddress *address)
{
  KariHttpFetcher *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GSocketConnectable) pinned = _kari_http_pinned_address_new (fetch->host, fetch->port, address);
  g_autoptr(GUri) uri = NULL;
  SoupMessageHeaders *headers;
  GHashTableIter iter;
  gpointer key, value;

  /* No proxy from the environment either: the host connects where it
   * checked. */
  fetch->session = g_object_new (SOUP_TYPE_SESSION,
                                 "proxy-resolver", NULL,
                                 "remote-connectable", pinned,
                                 "user-agent", "KariControlRoom/" PACKAGE_VERSION,
                                 NULL);
  if (self->tls_database != NULL)
    soup_session_set_tls_database (fetch->session, self->tls_database);

  /* The URL keeps its host name, for the Host header and TLS; user
   * information and fragment never leave. */
  uri = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (fetch->uri), NULL, fetch->host, fetch->port,
                     g_uri_get_path (fetch->uri), g_uri_get_query (fetch->uri), NULL);
  fetch->message = soup_message_new_from_uri (fetch->method, uri);
  soup_message_add_flags (fetch->message, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (fetch->message);
  g_hash_table_iter_init (&iter, fetch->headers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_str_equal (key, "content-type"))
      soup_message_headers_append (headers, key, value);
  if (fetch->body != NULL)
    {
      const char *type = g_hash_table_lookup (fetch->headers, "content-type");

      soup_message_set_request_body_from_bytes (fetch->message, type ? type : "application/octet-stream",
                                                fetch->body);
    }
  soup_session_send_async (fetch->session, fetch->message, G_PRIORITY_DEFAULT, fetch->cancellable,
                           on_sent, task);
}

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  GTask *task = data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  GInetAddress *chosen = NULL;
  const char *refused = NULL;
  g_autofree char *refused_text = NULL;

  if (addresses == NULL)
    {
      fail (task, KARI_HTTP_FETCH_ERROR_RESOLVE, "Could not resolve %s: %s", fetch->host,
            error ? error->message : "no address");
      return;
    }
  fetch->next_addresses = g_queue_new ();
  for (GList *l = addresses; l != NULL; l = l->next)
    {
      const char *kind = _kari_http_address_kind (l->data);

      if (kind == NULL || fetch->explicit_host)
        {
          /* Each one checked; a few are kept to fall back on. */
          if (chosen == NULL)
            chosen = l->data;
          else if (g_queue_get_length (fetch->next_addresses) < MAX_FALLBACK_ADDRESSES)
            g_queue_push_tail (fetch->next_addresses, g_object_ref (l->data));
        }
      else if (refused == NULL)
        {
          refused = kind;
          refused_text = g_inet_address_to_string (l->data);
        }
    }
  if (chosen == NULL)
    fail (task, KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED,
          "%s resolves to %s, a special address (%s), and no grant names the host explicitly",
          fetch->host, refused_text, refused);
  else
    send_to (task, chosen);
  g_resolver_free_addresses (addresses);
}

static void
start_hop (GTask *task)
{
  KariHttpFetcher *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  const char *kind;

  g_clear_pointer (&fetch->host, g_free);
  /* Fallbacks belong to the hop that resolved them. */
  if (fetch->next_addresses != NULL)
    g_queue_free_full (g_steal_pointer (&fetch->next_addresses), g_object_unref);
  if (!_kari_http_check_url (fetch->uri, &fetch->host, &fetch->port, &error))
    {
      fail (task, error->code, "%s", error->message);
      return;
    }
  if (!check_permission (task))
    return;

  literal = g_inet_address_new_from_string (fetch->host);
  if (literal == NULL)
    {
      g_resolver_lookup_by_name_async (self->resolver, fetch->host, fetch->cancellable, on_resolved, task);
      return;
    }
  kind = _kari_http_address_kind (literal);
  if (kind != NULL && !fetch->explicit_host)
    {
      fail (task, KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED,
            "%s is a special address (%s) and no grant names it explicitly", fetch->host, kind);
      return;
    }
  send_to (task, literal);
}

/* ------------------------------------------------------------------ */
/* The object                                                          */

static void
kari_http_fetcher_finalize (GObject *object)
{
  KariHttpFetcher *self = KARI_HTTP_FETCHER (object);

  g_clear_object (&self->engine);
  g_clear_object (&self->resolver);
  g_clear_object (&self->tls_database);
  g_free (self->extension);
  g_free (self->tenant);
  g_free (self->user);
  G_OBJECT_CLASS (kari_http_fetcher_parent_class)->finalize (object);
}

static void
kari_http_fetcher_class_init (KariHttpFetcherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_http_fetcher_finalize;
}

static void
kari_http_fetcher_init (KariHttpFetcher *self)
{
  self->max_response = KARI_HTTP_FETCH_MAX_RESPONSE_BODY;
  self->timeout_ms = KARI_HTTP_FETCH_TIMEOUT_MS;
  self->resolver = g_resolver_get_default ();
}

/**
 * kari_http_fetcher_new:
 * @engine: the permission engine that decides and audits
 * @extension: the extension the requests are made for
 * @tenant: its tenant
 * @user: (nullable): the user it acts for
 *
 * Makes a fetcher for one extension. The identity is fixed here, from
 * what the host knows, never from a request.
 *
 * Returns: (transfer full): a new #KariHttpFetcher
 */
KariHttpFetcher *
kari_http_fetcher_new (KariPermissionEngine *engine,
                       const char           *extension,
                       const char           *tenant,
                       const char           *user)
{
  KariHttpFetcher *self;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (engine), NULL);
  g_return_val_if_fail (extension != NULL, NULL);

  self = g_object_new (KARI_TYPE_HTTP_FETCHER, NULL);
  self->engine = g_object_ref (engine);
  self->extension = g_strdup (extension);
  self->tenant = g_strdup (tenant != NULL ? tenant : "default");
  self->user = g_strdup (user);
  return self;
}

/**
 * kari_http_fetcher_set_tls_database:
 * @self: a #KariHttpFetcher
 * @database: (nullable): the certificate authorities HTTPS servers are
 *   verified with; %NULL for the system's
 *
 * Replaces the trust store (for tests, or a host with its own
 * authorities). Certificates are always verified for the URL's host
 * name, which is also sent as SNI, whatever address it resolved to.
 */
void
kari_http_fetcher_set_tls_database (KariHttpFetcher *self,
                                    GTlsDatabase    *database)
{
  g_return_if_fail (KARI_IS_HTTP_FETCHER (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  g_set_object (&self->tls_database, database);
}

/**
 * kari_http_fetcher_set_resolver:
 * @self: a #KariHttpFetcher
 * @resolver: the resolver host names go through
 *
 * Replaces the default resolver (for tests, or a host's own).
 */
void
kari_http_fetcher_set_resolver (KariHttpFetcher *self,
                                GResolver       *resolver)
{
  g_return_if_fail (KARI_IS_HTTP_FETCHER (self));
  g_return_if_fail (G_IS_RESOLVER (resolver));

  g_set_object (&self->resolver, resolver);
}

/**
 * kari_http_fetcher_set_max_response_size:
 * @self: a #KariHttpFetcher
 * @max_bytes: the largest response body, in bytes
 *
 * Sets the cap past which a fetch stops reading and fails with
 * %KARI_HTTP_FETCH_ERROR_TOO_LARGE.
 */
void
kari_http_fetcher_set_max_response_size (KariHttpFetcher *self,
                                         gsize            max_bytes)
{
  g_return_if_fail (KARI_IS_HTTP_FETCHER (self));

  self->max_response = max_bytes;
}

/**
 * kari_http_fetcher_get_max_response_size:
 * @self: a #KariHttpFetcher
 *
 * Returns: the response body cap, in bytes
 */
gsize
kari_http_fetcher_get_max_response_size (KariHttpFetcher *self)
{
  g_return_val_if_fail (KARI_IS_HTTP_FETCHER (self), 0);

  return self->max_response;
}

/**
 * kari_http_fetcher_set_timeout:
 * @self: a #KariHttpFetcher
 * @timeout_ms: the longest a fetch may take, redirects included
 *
 * Sets the total time cap; a fetch past it fails with
 * %KARI_HTTP_FETCH_ERROR_TIMED_OUT.
 */
void
kari_http_fetcher_set_timeout (KariHttpFetcher *self,
                               guint            timeout_ms)
{
  g_return_if_fail (KARI_IS_HTTP_FETCHER (self));
  g_return_if_fail (timeout_ms > 0);

  self->timeout_ms = timeout_ms;
}

/**
 * kari_http_fetcher_get_timeout:
 * @self: a #KariHttpFetcher
 *
 * Returns: the total time cap, in milliseconds
 */
guint
kari_http_fetcher_get_timeout (KariHttpFetcher *self)
{
  g_return_val_if_fail (KARI_IS_HTTP_FETCHER (self), 0);

  return self->timeout_ms;
}

/**
 * kari_http_fetcher_fetch_async:
 * @self: a #KariHttpFetcher
 * @method: GET, HEAD, POST, PUT, PATCH or DELETE
 * @url: an http or https URL without user information
 * @headers: (nullable) (element-type utf8 utf8): request headers; Host,
 *   Connection, Content-Length and other framing headers are refused
 * @body: (nullable): the request body, at most
 *   %KARI_HTTP_FETCH_MAX_REQUEST_BODY bytes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the response is read or the fetch failed
 * @user_data: for @callback
 *
 * Checks, resolves, connects and reads, hop by hop; see the file's
 * comment for the rules.
 */
void
kari_http_fetcher_fetch_async (KariHttpFetcher     *self,
                               const char          *method,
                               const char          *url,
                               GHashTable          *headers,
                               GBytes              *body,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  _kari_http_fetcher_fetch_full (self, method, url, headers, body, 0, 0, cancellable, callback, user_data);
}

/* @timeout_ms and @max_response lower the fetcher's caps for one fetch
 * (0: the fetcher's). */
void
_kari_http_fetcher_fetch_full (KariHttpFetcher     *self,
                               const char          *method,
                               const char          *url,
                               GHashTable          *headers,
                               GBytes              *body,
                               guint                timeout_ms,
                               gsize                max_response,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Fetch *fetch;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KARI_IS_HTTP_FETCHER (self));
  g_return_if_fail (method != NULL && url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _kari_http_fetcher_fetch_full);
  fetch = g_new0 (Fetch, 1);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  fetch->cancellable = g_cancellable_new ();
  fetch->timeout_ms = timeout_ms > 0 ? MIN (timeout_ms, self->timeout_ms) : self->timeout_ms;
  fetch->max_response = max_response > 0 ? MIN (max_response, self->max_response) : self->max_response;

  if (!g_strv_contains (allowed_methods, method))
    {
      fail (task, KARI_HTTP_FETCH_ERROR_INVALID_REQUEST,
            "The method “%.16s” is not one of GET, HEAD, POST, PUT, PATCH and DELETE", method);
      return;
    }
  fetch->method = g_strdup (method);
  if (body != NULL && g_bytes_get_size (body) > KARI_HTTP_FETCH_MAX_REQUEST_BODY)
    {
      fail (task, KARI_HTTP_FETCH_ERROR_INVALID_REQUEST, "The request body is larger than %d bytes",
            KARI_HTTP_FETCH_MAX_REQUEST_BODY);
      return;
    }
  fetch->body = body != NULL && g_bytes_get_size (body) > 0 ? g_bytes_ref (body) : NULL;
  if (!_kari_http_validate_headers (headers, &fetch->headers, &error))
    {
      fail (task, error->code, "%s", error->message);
      return;
    }
  fetch->uri = strlen (url) > MAX_URL_LENGTH ? NULL : g_uri_parse (url, G_URI_FLAGS_ENCODED, &error);
  if (fetch->uri == NULL)
    {
      fail (task, KARI_HTTP_FETCH_ERROR_INVALID_URL, "“%.256s” is not a valid URL%s%s", url,
            error ? ": " : "", error ? error->message : "");
      return;
    }

  if (cancellable != NULL)
    {
      fetch->caller = g_object_ref (cancellable);
      fetch->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                     fetch->cancellable, NULL);
    }
  fetch->timeout = g_timeout_source_new (fetch->timeout_ms);
  g_source_set_callback (fetch->timeout, on_timeout, fetch, NULL);
  g_source_attach (fetch->timeout, g_main_context_get_thread_default ());
  start_hop (task);
}

/**
 * kari_http_fetcher_fetch_finish:
 * @self: a #KariHttpFetcher
 * @result: the #GAsyncResult
 * @error: a #GError, in %KARI_HTTP_FETCH_ERROR
 *
 * Returns: (transfer full): the response, or %NULL with @error
 */
KariHttpResponse *
kari_http_fetcher_fetch_finish (KariHttpFetcher  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
