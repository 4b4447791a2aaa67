/* test-http-tls.c — HTTPS through the HTTP service, pinned to the
 * address the host resolved: a real libsoup HTTPS server on 127.0.0.1
 * with certificates made by the openssl command at test time, trusted
 * through the fetcher's own TLS database, and a real `openssl s_server`
 * that only shows the right certificate to a client sending SNI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <libsoup/soup.h>

#include "kari-test-broker.h"

/* Names that only the test resolver knows (kari-test-resolver.h):
 * libsoup cannot look them up itself, so a fetch that works went to the
 * address the host chose. */
#include "kari-test-resolver.h"

/* ------------------------------------------------------------------ */

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
  guint                 n_served;
} Fixture;

static const char * const declared[] = { "network:http:*", NULL };

/* Makes a self-signed certificate for @name in the fixture's folder:
 * @name.crt and @name.key. */
static void
make_certificate (Fixture    *f,
                  const char *name)
{
  g_autofree char *crt = g_strdup_printf ("%s/%s.crt", f->dir, name);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", f->dir, name);
  g_autofree char *subject = g_strdup_printf ("/CN=%s", name);
  g_autofree char *san = g_strdup_printf ("subjectAltName=DNS:%s", name);
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-days", "2", "-subj", subject, "-addext", san, "-keyout", key, "-out", crt, NULL
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl req failed: %s", err);
}

static char *
path_of (Fixture    *f,
         const char *name,
         const char *ext)
{
  return g_strdup_printf ("%s/%s.%s", f->dir, name, ext);
}

/* Trusts the certificates of @names, and nothing else. */
static void
trust (Fixture            *f,
       const char * const *names)
{
  g_autofree char *bundle = g_build_filename (f->dir, "trusted.pem", NULL);
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *crt = path_of (f, names[i], "crt");
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (crt, &text, NULL, NULL));
      g_string_append (pem, text);
    }
  g_assert_true (g_file_set_contents (bundle, pem->str, pem->len, NULL));
  database = g_tls_file_database_new (bundle, &error);
  g_assert_no_error (error);
  kari_http_fetcher_set_tls_database (f->fetcher, database);
}

static void
serve (SoupServer        *server,
       SoupServerMessage *message,
       const char        *path,
       GHashTable        *query,
       gpointer           data)
{
  Fixture *f = data;
  const char *host = soup_message_headers_get_one (soup_server_message_get_request_headers (message), "Host");

  f->n_served++;
  soup_message_headers_append (soup_server_message_get_response_headers (message), "X-Seen-Host",
                               host ? host : "");
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, "hello", 5);
}

/* An HTTPS server on loopback (127.0.0.1, and ::1 where there is IPv6:
 * GResolver answers `localhost` itself, IPv6 first) showing the
 * certificate of @name. */
static void
serve_as (Fixture    *f,
          const char *name)
{
  g_autofree char *crt = path_of (f, name, "crt");
  g_autofree char *key = path_of (f, name, "key");
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  certificate = g_tls_certificate_new_from_files (crt, key, &error);
  g_assert_no_error (error);
  f->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (f->server, NULL, serve, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_HTTPS,
                                           &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GResolver) resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);

  kari_test_engine_open ("kari-tls-XXXXXX", &f->dir, &f->path, &f->registry, &f->audit, &f->engine);
  g_assert_true (kari_permission_engine_set_declared (f->engine, "a", "A", declared, &error));
  g_assert_no_error (error);
  kari_test_engine_set_strict (f->engine);
  f->fetcher = kari_http_fetcher_new (f->engine, "a", "default", NULL);
  kari_http_fetcher_set_resolver (f->fetcher, resolver);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->fetcher);
  if (f->server != NULL)
    soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  kari_test_engine_close (&f->dir, &f->path, &f->registry, &f->audit, &f->engine);
}

/* Loopback is refused unless a grant names the host: this one does. */
static void
grant_host (Fixture    *f,
            const char *host,
            guint       port)
{
  g_autofree char *permission = g_strdup_printf ("network:http:%s:%u", host, port);

  kari_test_grant (f->engine, "a", permission);
}

static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

static KariHttpResponse *
fetch (Fixture     *f,
       const char  *host,
       guint        port,
       GError     **error)
{
  g_autofree char *url = g_strdup_printf ("https://%s:%u/hello", host, port);
  g_autoptr(GAsyncResult) result = NULL;

  kari_http_fetcher_fetch_async (f->fetcher, "GET", url, NULL, NULL, NULL, on_fetched, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return kari_http_fetcher_fetch_finish (f->fetcher, result, error);
}

/* ------------------------------------------------------------------ */

static void
test_right_name (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(KariHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_host = NULL;

  make_certificate (f, "localhost");
  trust (f, (const char * const[]) { "localhost", NULL });
  serve_as (f, "localhost");
  grant_host (f, "localhost", f->port);

  response = fetch (f, "localhost", f->port, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body), "hello", 5);
  expected_host = g_strdup_printf ("localhost:%u", f->port);
  g_assert_cmpstr (g_hash_table_lookup (response->headers, "x-seen-host"), ==, expected_host);
}

/* A name nothing but the host's resolver knows: the certificate is
 * checked for the name, the connection goes to the resolved address. */
static void
test_pinned_name (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(KariHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  make_certificate (f, "pinned.test");
  trust (f, (const char * const[]) { "pinned.test", NULL });
  serve_as (f, "pinned.test");
  grant_host (f, "pinned.test", f->port);

  response = fetch (f, "pinned.test", f->port, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (f->n_served, ==, 1);
}

/* A trusted certificate, but for another name: refused before any
 * request is sent, with an error that says so. */
static void
test_wrong_name (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(KariHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  make_certificate (f, "other.example");
  trust (f, (const char * const[]) { "other.example", NULL });
  serve_as (f, "other.example");
  grant_host (f, "localhost", f->port);

  response = fetch (f, "localhost", f->port, &error);
  g_assert_null (response);
  g_assert_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_CERTIFICATE);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (error->message, ==, "The TLS certificate of localhost is not valid for it: "
                                       "it was issued for another name");
  g_assert_cmpuint (f->n_served, ==, 0);
}

/* The right name, signed by nobody the fetcher trusts. */
static void
test_unknown_authority (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(KariHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  make_certificate (f, "localhost");
  make_certificate (f, "pinned.test");
  trust (f, (const char * const[]) { "pinned.test", NULL });
  serve_as (f, "localhost");
  grant_host (f, "localhost", f->port);

  response = fetch (f, "localhost", f->port, &error);
  g_assert_null (response);
  g_assert_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_CERTIFICATE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not signed by a trusted authority"));
  g_assert_cmpuint (f->n_served, ==, 0);
}

/* The first address refuses the connection: the next one the host
 * checked is tried, with the same name for TLS. */
static void
test_fallback (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(KariHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  make_certificate (f, "fallback.test");
  trust (f, (const char * const[]) { "fallback.test", NULL });
  serve_as (f, "fallback.test");
  grant_host (f, "fallback.test", f->port);

  response = fetch (f, "fallback.test", f->port, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (f->n_served, ==, 1);
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* openssl s_server shows the certificate of pinned.test only to a client
 * whose SNI says pinned.test, and that of other.example otherwise: the
 * fetch works only if SNI carries the URL's name although the
 * connection goes to an address. */
static void
test_sni (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *other_crt = NULL, *other_key = NULL, *sni_crt = NULL, *sni_key = NULL;
  g_autofree char *accept = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(KariHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  guint port = free_port ();

  make_certificate (f, "other.example");
  make_certificate (f, "pinned.test");
  trust (f, (const char * const[]) { "other.example", "pinned.test", NULL });
  other_crt = path_of (f, "other.example", "crt");
  other_key = path_of (f, "other.example", "key");
  sni_crt = path_of (f, "pinned.test", "crt");
  sni_key = path_of (f, "pinned.test", "key");
  accept = g_strdup_printf ("127.0.0.1:%u", port);
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                             "openssl", "s_server", "-accept", accept, "-www",
                             "-cert", other_crt, "-key", other_key,
                             "-servername", "pinned.test", "-cert2", sni_crt, "-key2", sni_key, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "ACCEPT"))
        break;
    }

  grant_host (f, "pinned.test", port);
  response = fetch (f, "pinned.test", port, &error);
  g_subprocess_force_exit (server);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
}

/* Under ASan: GCC 12's LeakSanitizer misreads the dynamic TLS of the
 * threads GnuTLS runs in on glibc 2.36 and its tracer crashes at exit;
 * not intercepting __tls_get_addr avoids that and keeps leak checking. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "intercept_tls_get_addr=0";
}

int
main (int   argc,
      char *argv[])
{
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    g_error ("No TLS backend: install glib-networking");
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/http-tls/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("right-name", test_right_name);
  ADD ("pinned-name", test_pinned_name);
  ADD ("wrong-name", test_wrong_name);
  ADD ("unknown-authority", test_unknown_authority);
  ADD ("sni", test_sni);
  ADD ("fallback", test_fallback);
#undef ADD

  return g_test_run ();
}
