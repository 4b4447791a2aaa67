/* test-http-fetch.c — the HTTP service against a real SoupServer on
 * loopback, a real registry, permission engine and audit log, and a
 * resolver that answers test names without DNS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <libsoup/soup.h>

#include "kari-broker-http-private.h"
#include "kari-test-broker.h"
#include "kari-test-resolver.h"

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

typedef struct
{
  char                 *dir;
  char                 *path;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  KariHttpFetcher      *fetcher;
  SoupServer           *server;
  guint                 port;
  SoupServer           *server6;
  guint                 port6;
  GPtrArray            *paused;
  guint                 n_served;
} Fixture;

static const char * const declared[] = {
  "network:http:*", "network:http:127.0.0.1", "network:http:[::1]", "network:http:0.0.0.0",
  "network:http:169.254.169.254", NULL
};

static void
serve (SoupServer        *server,
       SoupServerMessage *message,
       const char        *path,
       GHashTable        *query,
       gpointer           data)
{
  Fixture *f = data;
  SoupMessageHeaders *out = soup_server_message_get_response_headers (message);
  const char *host = soup_message_headers_get_one (soup_server_message_get_request_headers (message), "Host");

  f->n_served++;
  if (g_str_equal (path, "/hello"))
    {
      soup_message_headers_append (out, "X-Seen-Host", host ? host : "");
      soup_message_headers_append (out, "X-Seen-Method", soup_server_message_get_method (message));
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, "hello", 5);
    }
  else if (g_str_equal (path, "/echo"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (message);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      const char *custom = soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                         "X-Custom");

      soup_message_headers_append (out, "X-Custom-Seen", custom ? custom : "");
      soup_server_message_set_status (message, 201, NULL);
      soup_server_message_set_response (message, "application/octet-stream", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  else if (g_str_equal (path, "/redirect") && query != NULL && g_hash_table_contains (query, "to"))
    soup_server_message_set_redirect (message, 302, g_hash_table_lookup (query, "to"));
  else if (g_str_has_prefix (path, "/chain/"))
    {
      guint64 n = g_ascii_strtoull (path + strlen ("/chain/"), NULL, 10);
      g_autofree char *next = g_strdup_printf ("/chain/%" G_GUINT64_FORMAT, n + 1);

      soup_server_message_set_redirect (message, 302, next);
    }
  else if (g_str_equal (path, "/big"))
    {
      gsize size = 20 * 1024 * 1024;

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/octet-stream", SOUP_MEMORY_TAKE,
                                        g_malloc0 (size), size);
    }
  else if (g_str_equal (path, "/slow"))
    {
      /* Answered at tear-down, long after the fetch gave up. */
      soup_server_message_pause (message);
      g_ptr_array_add (f->paused, g_object_ref (message));
    }
  else
    soup_server_message_set_status (message, 404, NULL);
}

static guint
listen_on (SoupServer             *server,
           SoupServerListenOptions options,
           GError                **error)
{
  g_autoptr(GSList) uris = NULL;
  guint port;

  if (!soup_server_listen_local (server, 0, options, error))
    return 0;
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return port;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GResolver) resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);

  kari_test_engine_open ("kari-http-XXXXXX", &f->dir, &f->path, &f->registry, &f->audit, &f->engine);
  g_assert_true (kari_permission_engine_set_declared (f->engine, "a", "A", declared, &error));
  g_assert_no_error (error);
  /* strict: only a grant allows. */
  kari_test_engine_set_strict (f->engine);

  f->fetcher = kari_http_fetcher_new (f->engine, "a", "default", NULL);
  kari_http_fetcher_set_resolver (f->fetcher, resolver);

  f->paused = g_ptr_array_new_with_free_func (g_object_unref);
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, serve, f, NULL);
  f->port = listen_on (f->server, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->port, >, 0);

  f->server6 = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server6, NULL, serve, f, NULL);
  f->port6 = listen_on (f->server6, SOUP_SERVER_LISTEN_IPV6_ONLY, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < f->paused->len; i++)
    {
      soup_server_message_set_status (f->paused->pdata[i], 503, NULL);
      soup_server_message_unpause (f->paused->pdata[i]);
    }
  g_clear_pointer (&f->paused, g_ptr_array_unref);
  g_clear_object (&f->fetcher);
  soup_server_disconnect (f->server);
  soup_server_disconnect (f->server6);
  g_clear_object (&f->server);
  g_clear_object (&f->server6);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  kari_test_engine_close (&f->dir, &f->path, &f->registry, &f->audit, &f->engine);
}

static void
grant (Fixture    *f,
       const char *permission)
{
  kari_test_grant (f->engine, "a", permission);
}

static void
grant_port (Fixture    *f,
            const char *host,
            guint       port)
{
  g_autofree char *permission = g_strdup_printf ("network:http:%s:%u", host, port);

  grant (f, permission);
}

static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

/* Runs one fetch to its end on the test's main context. */
static KariHttpResponse *
fetch_full (Fixture     *f,
            const char  *method,
            const char  *url,
            GHashTable  *headers,
            GBytes      *body,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kari_http_fetcher_fetch_async (f->fetcher, method, url, headers, body, NULL, on_fetched, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return kari_http_fetcher_fetch_finish (f->fetcher, result, error);
}

static void
assert_refused (Fixture            *f,
                const char         *url,
                KariHttpFetchError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariHttpResponse) response = fetch_full (f, "GET", url, NULL, NULL, &error);

  if (response != NULL)
    g_error ("%s was fetched (status %u) but should be refused", url, response->status);
  g_assert_error (error, KARI_HTTP_FETCH_ERROR, (int) code);
  g_test_message ("%s: %s", url, error->message);
}

/* Counts audited checks of @extension whose permission names @needle. */
static guint
count_audited (Fixture    *f,
               const char *needle,
               gboolean    allowed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  guint n = 0;

  query.extension = "a";
  query.decision = allowed ? 1 : 0;
  query.limit = 1000;
  g_assert_true (kari_audit_log_flush (f->audit, &error));
  entries = kari_audit_log_query (f->audit, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      KariAuditEntry *entry = entries->pdata[i];
      g_autofree char *text = g_strconcat (entry->permission ? entry->permission : "", ":",
                                           entry->resource ? entry->resource : "", NULL);

      if (entry->kind == KARI_AUDIT_CHECK && entry->allowed == allowed && strstr (text, needle) != NULL)
        n++;
    }
  return n;
}

/* ------------------------------------------------------------------ */

static void
test_get_allowed_and_denied (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariHttpResponse) response = NULL;
  g_autofree char *url = g_strdup_printf ("http://allowed.test:%u/hello#fragment", f->port);
  g_autofree char *host = g_strdup_printf ("allowed.test:%u", f->port);

  /* Without a grant: denied, audited, nothing reaches the server. */
  assert_refused (f, url, KARI_HTTP_FETCH_ERROR_PERMISSION_DENIED);
  g_assert_cmpuint (count_audited (f, "allowed.test", FALSE), ==, 1);
  g_assert_cmpuint (f->n_served, ==, 0);

  grant_port (f, "allowed.test", f->port);
  response = fetch_full (f, "GET", url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body), "hello", 5);
  /* The server saw the name the extension asked for, not the address. */
  g_assert_cmpstr (g_hash_table_lookup (response->headers, "x-seen-host"), ==, host);
  g_assert_cmpuint (count_audited (f, "allowed.test", TRUE), ==, 1);
}

static void
test_post_with_headers (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariHttpResponse) response = NULL;
  g_autoptr(GHashTable) headers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GBytes) body = g_bytes_new_static ("a\0b\r\nc", 6);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/echo", f->port);

  grant_port (f, "127.0.0.1", f->port);
  g_hash_table_insert (headers, "X-Custom", "value");
  g_hash_table_insert (headers, "Content-Type", "application/x-test");
  response = fetch_full (f, "POST", url, headers, body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 201);
  g_assert_cmpstr (g_hash_table_lookup (response->headers, "x-custom-seen"), ==, "value");
  g_assert_cmpmem (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body), "a\0b\r\nc", 6);
}

static void
test_ipv6_loopback (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariHttpResponse) response = NULL;
  g_autofree char *url = NULL;
  g_autofree char *permission = NULL;

  if (f->port6 == 0)
    {
      g_test_skip ("no IPv6 loopback");
      return;
    }
  url = g_strdup_printf ("http://[::1]:%u/hello", f->port6);
  /* A `*` grant does not name the address. */
  grant (f, "network:http:*");
  assert_refused (f, url, KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED);

  permission = g_strdup_printf ("network:http:[::1]:%u", f->port6);
  grant (f, permission);
  response = fetch_full (f, "GET", url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
}

/* `*` covers every name, so the permission passes; the address filter
 * still refuses loopback without a grant that names the host. */
static void
test_loopback_needs_explicit_grant (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("http://allowed.test:%u/hello", f->port);
  g_autoptr(GError) error = NULL;
  g_autoptr(KariHttpResponse) response = NULL;

  grant (f, "network:http:*");
  assert_refused (f, url, KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED);
  assert_refused (f, "http://evil.test/latest/meta-data/", KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED);
  assert_refused (f, "http://private.test/", KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED);
  g_assert_cmpuint (count_audited (f, "allowed.test", TRUE), ==, 1);
  g_assert_cmpuint (f->n_served, ==, 0);

  /* The explicit grant for the name opens it. */
  grant (f, "network:http:allowed.test");
  response = fetch_full (f, "GET", url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
}

static void
test_host_outside_grant (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("http://other.test:%u/hello", f->port);

  grant_port (f, "allowed.test", f->port);
  assert_refused (f, url, KARI_HTTP_FETCH_ERROR_PERMISSION_DENIED);
  assert_refused (f, "http://public.test/", KARI_HTTP_FETCH_ERROR_PERMISSION_DENIED);
  /* The port is part of the grant. */
  assert_refused (f, "http://allowed.test:1/hello", KARI_HTTP_FETCH_ERROR_PERMISSION_DENIED);
  g_assert_cmpuint (f->n_served, ==, 0);
}

static void
test_special_addresses_refused (Fixture       *f,
                                gconstpointer  data)
{
  static const struct
  {
    const char         *url;
    KariHttpFetchError  code;
  } cases[] = {
    { "http://127.0.0.1/",                      KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED },
    { "http://169.254.169.254/latest/",         KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED },
    { "http://[::1]/",                          KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED },
    { "http://0.0.0.0/",                        KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED },
    { "http://2130706433/",                     KARI_HTTP_FETCH_ERROR_INVALID_URL },
    { "http://0x7f.1/",                         KARI_HTTP_FETCH_ERROR_INVALID_URL },
    { "http://0177.0.0.1/",                     KARI_HTTP_FETCH_ERROR_INVALID_URL },
    { "http://127.1/",                          KARI_HTTP_FETCH_ERROR_INVALID_URL },
    { "http://allowed.example@127.0.0.1/",      KARI_HTTP_FETCH_ERROR_INVALID_URL },
    { "http://allowed.test@evil.test/",         KARI_HTTP_FETCH_ERROR_INVALID_URL },
    { "ftp://allowed.test/",                    KARI_HTTP_FETCH_ERROR_INVALID_URL },
    { "file:///etc/passwd",                     KARI_HTTP_FETCH_ERROR_INVALID_URL },
    { "http://[::ffff:127.0.0.1]/",             KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED },
    /* Decoded once: checked, resolved and refused as allowed.test. */
    { "http://allowed%2etest/",                 KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED },
  };

  /* As wide as a grant gets: names on every port. */
  grant (f, "network:http:*");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_refused (f, cases[i].url, cases[i].code);
  g_assert_cmpuint (f->n_served, ==, 0);
}

/* A special address with a grant for another one is still refused by
 * the filter, not only by the permission. */
static void
test_metadata_address_needs_its_own_grant (Fixture       *f,
                                           gconstpointer  data)
{
  grant (f, "network:http:127.0.0.1");
  assert_refused (f, "http://169.254.169.254/", KARI_HTTP_FETCH_ERROR_PERMISSION_DENIED);
}

static void
test_redirects_refused (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *to_other_port = g_strdup_printf ("http://allowed.test:%u/redirect?to=http://127.0.0.1:%u/hello",
                                                    f->port, f->port == 65535 ? 1 : f->port + 1);
  g_autofree char *to_metadata = g_strdup_printf ("http://allowed.test:%u/redirect?to=http://169.254.169.254/",
                                                  f->port);
  g_autofree char *to_evil = g_strdup_printf ("http://allowed.test:%u/redirect?to=http://evil.test/", f->port);
  g_autofree char *to_userinfo = g_strdup_printf ("http://allowed.test:%u/redirect?to=http://allowed.test@127.0.0.1:%u/hello",
                                                  f->port, f->port);
  g_autofree char *chain = g_strdup_printf ("http://allowed.test:%u/chain/0", f->port);
  g_autofree char *within = g_strdup_printf ("http://allowed.test:%u/redirect?to=/hello", f->port);
  g_autoptr(GError) error = NULL;
  g_autoptr(KariHttpResponse) response = NULL;

  grant_port (f, "allowed.test", f->port);
  grant (f, "network:http:*");

  /* A redirect inside the grant is followed. */
  response = fetch_full (f, "GET", within, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);

  /* `*` allows the permission; the address filter refuses. */
  assert_refused (f, to_other_port, KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED);
  assert_refused (f, to_metadata, KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED);
  assert_refused (f, to_evil, KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED);
  assert_refused (f, to_userinfo, KARI_HTTP_FETCH_ERROR_INVALID_URL);
  f->n_served = 0;
  assert_refused (f, chain, KARI_HTTP_FETCH_ERROR_TOO_MANY_REDIRECTS);
  /* The first request and five redirects, not one more. */
  g_assert_cmpuint (f->n_served, ==, KARI_HTTP_FETCH_MAX_REDIRECTS + 1);
}

static void
test_response_cap (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("http://allowed.test:%u/big", f->port);
  g_autoptr(GError) error = NULL;
  g_autoptr(KariHttpResponse) response = NULL;

  grant_port (f, "allowed.test", f->port);
  g_assert_cmpuint (kari_http_fetcher_get_max_response_size (f->fetcher), ==, 8 * 1024 * 1024);
  assert_refused (f, url, KARI_HTTP_FETCH_ERROR_TOO_LARGE);

  /* Settable, both ways. */
  kari_http_fetcher_set_max_response_size (f->fetcher, 32 * 1024 * 1024);
  response = fetch_full (f, "GET", url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (response->body), ==, 20 * 1024 * 1024);
  kari_http_fetcher_set_max_response_size (f->fetcher, 4);
  url[strlen (url) - strlen ("big")] = '\0';
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("http://allowed.test:%u/hello", f->port);
  assert_refused (f, url, KARI_HTTP_FETCH_ERROR_TOO_LARGE);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("http://allowed.test:%u/slow", f->port);

  grant_port (f, "allowed.test", f->port);
  g_assert_cmpuint (kari_http_fetcher_get_timeout (f->fetcher), ==, 30000);
  kari_http_fetcher_set_timeout (f->fetcher, 200);
  assert_refused (f, url, KARI_HTTP_FETCH_ERROR_TIMED_OUT);
  g_assert_cmpuint (f->paused->len, ==, 1);
}

static void
test_bad_requests (Fixture       *f,
                   gconstpointer  data)
{
  static const char * const bad_headers[][2] = {
    { "X-Injected", "a\r\nHost: evil.test" },
    { "X-Injected", "a\nb" },
    { "Host", "evil.test" },
    { "host", "evil.test" },
    { "Connection", "keep-alive" },
    { "Content-Length", "5" },
    { "Transfer-Encoding", "chunked" },
    { "Bad Name", "x" },
    { "Bad:Name", "x" },
    { "X-Nul", "a\x01" },
  };
  static const char * const bad_methods[] = { "CONNECT", "TRACE", "OPTIONS", "get", "GET ", "" };
  g_autofree char *url = g_strdup_printf ("http://allowed.test:%u/hello", f->port);
  g_autoptr(GBytes) big = NULL;

  grant_port (f, "allowed.test", f->port);
  for (guint i = 0; i < G_N_ELEMENTS (bad_headers); i++)
    {
      g_autoptr(GHashTable) headers = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GError) error = NULL;
      g_autoptr(KariHttpResponse) response = NULL;

      g_hash_table_insert (headers, (char *) bad_headers[i][0], (char *) bad_headers[i][1]);
      response = fetch_full (f, "GET", url, headers, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_REQUEST);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_methods); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KariHttpResponse) response = fetch_full (f, bad_methods[i], url, NULL, NULL, &error);

      g_assert_null (response);
      g_assert_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_REQUEST);
    }
  big = g_bytes_new_take (g_malloc0 (KARI_HTTP_FETCH_MAX_REQUEST_BODY + 1), KARI_HTTP_FETCH_MAX_REQUEST_BODY + 1);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KariHttpResponse) response = fetch_full (f, "POST", url, NULL, big, &error);

    g_assert_null (response);
    g_assert_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_REQUEST);
  }
  g_assert_cmpuint (f->n_served, ==, 0);
}

/* ------------------------------------------------------------------ */
/* Host1.HttpRequest over a real private D-Bus connection              */

static GVariant *
call_host (GDBusConnection  *connection,
           const char       *method,
           GVariant         *parameters,
           GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_dbus_connection_call (connection, NULL, KARI_BROKER_HOST_PATH, "io.github.kari.Host1", method,
                          parameters, NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, on_fetched, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_dbus_connection_call_finish (connection, result, error);
}

static GVariant *
http_request (GDBusConnection  *connection,
              const char       *method,
              const char       *url,
              const char       *header,
              const char       *value,
              guint             timeout_ms,
              GError          **error)
{
  GVariantBuilder headers, options;

  g_variant_builder_init (&headers, G_VARIANT_TYPE ("a{ss}"));
  if (header != NULL)
    g_variant_builder_add (&headers, "{ss}", header, value);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (timeout_ms > 0)
    g_variant_builder_add (&options, "{sv}", "timeout-ms", g_variant_new_uint32 (timeout_ms));
  return call_host (connection, "HttpRequest",
                    g_variant_new ("(ssa{ss}@aya{sv})", method, url, &headers,
                                   g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1), &options),
                    error);
}

static void
assert_dbus_error (GError     *error,
                   const char *name,
                   const char *needle)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, name);
  g_test_message ("%s: %s", remote, error->message);
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_dbus_http_request (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariBroker) broker = kari_broker_new (f->engine, "a", "default", g_get_user_name ());
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) headers = NULL;
  g_autoptr(GVariant) body = NULL;
  g_autoptr(GResolver) resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  g_autofree char *url = g_strdup_printf ("http://allowed.test:%u/hello", f->port);
  g_autofree char *slow = g_strdup_printf ("http://allowed.test:%u/slow", f->port);
  const char *seen = NULL;
  guint16 status = 0;

  g_assert_true (kari_broker_start (broker, f->dir, &error));
  g_assert_no_error (error);
  kari_http_fetcher_set_resolver (_kari_broker_http_get_fetcher (broker), resolver);
  /* Async: the broker authenticates on this same main context. */
  g_dbus_connection_new_for_address (kari_broker_get_address (broker),
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                     NULL, NULL, on_fetched, &connected);
  while (connected == NULL)
    g_main_context_iteration (NULL, TRUE);
  connection = g_dbus_connection_new_for_address_finish (connected, &error);
  g_assert_no_error (error);
  reply = call_host (connection, "Handshake", g_variant_new_parsed ("(@a{sv} {},)"), &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);

  /* Without a grant: PermissionDenied naming the permission. */
  reply = http_request (connection, "GET", url, NULL, NULL, 0, &error);
  g_assert_null (reply);
  assert_dbus_error (error, KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED, "network:http:allowed.test:");
  g_clear_error (&error);

  /* `*` is not enough for loopback. */
  grant (f, "network:http:*");
  reply = http_request (connection, "GET", url, NULL, NULL, 0, &error);
  g_assert_null (reply);
  assert_dbus_error (error, KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED, "loopback");
  g_clear_error (&error);

  grant_port (f, "allowed.test", f->port);
  reply = http_request (connection, "GET", url, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(q@a{ss}@ay)", &status, &headers, &body);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_variant_lookup (headers, "x-seen-method", "&s", &seen));
  g_assert_cmpstr (seen, ==, "GET");
  g_assert_cmpmem (g_variant_get_data (body), g_variant_get_size (body), "hello", 5);
  g_clear_pointer (&reply, g_variant_unref);

  reply = http_request (connection, "GET", url, "X-Evil", "a\r\nHost: evil.test", 0, &error);
  g_assert_null (reply);
  assert_dbus_error (error, "org.freedesktop.DBus.Error.InvalidArgs", "control character");
  g_clear_error (&error);

  reply = http_request (connection, "GET", url, "Host", "evil.test", 0, &error);
  g_assert_null (reply);
  assert_dbus_error (error, "org.freedesktop.DBus.Error.InvalidArgs", "host");
  g_clear_error (&error);

  reply = http_request (connection, "TRACE", url, NULL, NULL, 0, &error);
  g_assert_null (reply);
  assert_dbus_error (error, "org.freedesktop.DBus.Error.InvalidArgs", "TRACE");
  g_clear_error (&error);

  /* An option can only lower the host's time cap. */
  reply = http_request (connection, "GET", slow, NULL, NULL, 100, &error);
  g_assert_null (reply);
  assert_dbus_error (error, KARI_BROKER_DBUS_ERROR_LIMIT_EXCEEDED, "100 ms");
  g_clear_error (&error);

  g_dbus_connection_close_sync (connection, NULL, NULL);
  kari_broker_stop (broker);
}

/* Runs the SDK client against a new broker (one connection each) and
 * returns what it printed. */
static char *
run_client (Fixture     *f,
            const char  *method,
            const char  *url,
            const char  *header,
            const char  *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KariBroker) broker = kari_broker_new (f->engine, "a", "default", g_get_user_name ());
  g_autoptr(GResolver) resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  const char *client = g_getenv ("KARI_HTTP_CLIENT");
  char *out = NULL;

  g_assert_nonnull (client);
  g_assert_true (kari_broker_start (broker, f->dir, &error));
  g_assert_no_error (error);
  kari_http_fetcher_set_resolver (_kari_broker_http_get_fetcher (broker), resolver);
  g_subprocess_launcher_setenv (launcher, "KARI_HOST_ADDRESS", kari_broker_get_address (broker), TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, client, method, url, header, value, NULL);
  g_assert_no_error (error);
  /* The broker answers on this main context while the client waits. */
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_fetched, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_communicate_utf8_finish (process, result, &out, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("client: %s", out);
  kari_broker_stop (broker);
  return out;
}

static void
test_sdk_http_request (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("http://allowed.test:%u/hello", f->port);
  g_autofree char *other = g_strdup_printf ("http://other.test:%u/hello", f->port);
  g_autofree char *expected = g_strdup_printf ("status=200 host=allowed.test:%u body=hello\n", f->port);
  g_autofree char *ok = NULL;
  g_autofree char *denied = NULL;
  g_autofree char *injected = NULL;

  grant_port (f, "allowed.test", f->port);

  ok = run_client (f, "GET", url, NULL, NULL);
  g_assert_cmpstr (ok, ==, expected);
  denied = run_client (f, "GET", other, NULL, NULL);
  g_assert_true (g_str_has_prefix (denied, "error=kari-extension-error-quark:0 "));
  g_assert_nonnull (strstr (denied, "network:http:other.test:"));
  injected = run_client (f, "GET", url, "X-Evil", "a\r\nHost: evil.test");
  g_assert_true (g_str_has_prefix (injected, "error=g-dbus-error-quark:"));
  g_assert_nonnull (strstr (injected, "control character"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/http-fetch/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("get-allowed-and-denied", test_get_allowed_and_denied);
  ADD ("post-with-headers", test_post_with_headers);
  ADD ("ipv6-loopback", test_ipv6_loopback);
  ADD ("loopback-needs-explicit-grant", test_loopback_needs_explicit_grant);
  ADD ("host-outside-grant", test_host_outside_grant);
  ADD ("special-addresses-refused", test_special_addresses_refused);
  ADD ("metadata-address-needs-its-own-grant", test_metadata_address_needs_its_own_grant);
  ADD ("redirects-refused", test_redirects_refused);
  ADD ("response-cap", test_response_cap);
  ADD ("timeout", test_timeout);
  ADD ("bad-requests", test_bad_requests);
  ADD ("dbus-http-request", test_dbus_http_request);
  ADD ("sdk-http-request", test_sdk_http_request);

#undef ADD
  return g_test_run ();
}
