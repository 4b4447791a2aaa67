/* kari-broker-http.c — io.github.kari.Host1.HttpRequest: the host makes
 * HTTP requests for its extension
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fetcher does the checking (permission of the parsed URL, address
 * filter, redirects, caps); this file turns D-Bus arguments into a fetch
 * and its errors into D-Bus errors that name the reason.
 */
#include "config.h"

#include "kari-broker-http-private.h"
#include "kari-broker-private.h"
#include "kari-dbus-generated.h"
#include "kari-http-fetch-private.h"

#define FETCHER_KEY           "kari-broker-http-fetcher"
#define DBUS_ERROR_HTTP       "io.github.kari.Error.HttpFailed"
#define DBUS_ERROR_INVALID    "org.freedesktop.DBus.Error.InvalidArgs"

typedef struct
{
  KariHttpFetchError  code;
  const char         *dbus_error;
} ErrorMapping;

static const ErrorMapping error_mappings[] = {
  { KARI_HTTP_FETCH_ERROR_INVALID_URL,        DBUS_ERROR_INVALID },
  { KARI_HTTP_FETCH_ERROR_INVALID_REQUEST,    DBUS_ERROR_INVALID },
  { KARI_HTTP_FETCH_ERROR_PERMISSION_DENIED,  KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED },
  { KARI_HTTP_FETCH_ERROR_ADDRESS_REFUSED,    KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED },
  { KARI_HTTP_FETCH_ERROR_TOO_LARGE,          KARI_BROKER_DBUS_ERROR_LIMIT_EXCEEDED },
  { KARI_HTTP_FETCH_ERROR_TIMED_OUT,          KARI_BROKER_DBUS_ERROR_LIMIT_EXCEEDED },
  { KARI_HTTP_FETCH_ERROR_TOO_MANY_REDIRECTS, KARI_BROKER_DBUS_ERROR_LIMIT_EXCEEDED },
};

/**
 * _kari_broker_http_get_fetcher:
 * @broker: a #KariBroker
 *
 * The fetcher of @broker's extension, made on first use with the
 * broker's identity; the host may set its resolver and caps.
 *
 * Returns: (transfer none): the fetcher
 */
KariHttpFetcher *
_kari_broker_http_get_fetcher (KariBroker *broker)
{
  KariHttpFetcher *fetcher = g_object_get_data (G_OBJECT (broker), FETCHER_KEY);

  if (fetcher == NULL)
    {
      fetcher = kari_http_fetcher_new (_kari_broker_get_engine (broker), kari_broker_get_extension (broker),
                                       kari_broker_get_tenant (broker), kari_broker_get_user (broker));
      g_object_set_data_full (G_OBJECT (broker), FETCHER_KEY, fetcher, g_object_unref);
    }
  return fetcher;
}

static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GDBusMethodInvocation) invocation = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KariHttpResponse) response = kari_http_fetcher_fetch_finish (KARI_HTTP_FETCHER (source),
                                                                         result, &error);
  GVariantBuilder headers;
  GHashTableIter iter;
  gpointer key, value;

  if (response == NULL)
    {
      const char *name = DBUS_ERROR_HTTP;

      for (guint i = 0; i < G_N_ELEMENTS (error_mappings); i++)
        if (error->domain == KARI_HTTP_FETCH_ERROR && error->code == (int) error_mappings[i].code)
          name = error_mappings[i].dbus_error;
      g_dbus_method_invocation_return_dbus_error (invocation, name, error->message);
      return;
    }

  g_variant_builder_init (&headers, G_VARIANT_TYPE ("a{ss}"));
  g_hash_table_iter_init (&iter, response->headers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_utf8_validate (key, -1, NULL) && g_utf8_validate (value, -1, NULL))
      g_variant_builder_add (&headers, "{ss}", key, value);
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(q@a{ss}@ay)", (guint16) response->status,
                                                        g_variant_builder_end (&headers),
                                                        g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                                                                  response->body, TRUE)));
}

static gboolean
read_options (GVariant  *options,
              guint     *timeout_ms,
              guint64   *max_response,
              char     **problem)
{
  g_autoptr(GVariant) timeout = g_variant_lookup_value (options, "timeout-ms", NULL);
  g_autoptr(GVariant) max = g_variant_lookup_value (options, "max-response-size", NULL);
  GVariantIter iter;
  const char *key;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    if (!g_str_equal (key, "timeout-ms") && !g_str_equal (key, "max-response-size"))
      {
        *problem = g_strdup_printf ("HttpRequest: unknown option “%.64s”", key);
        return FALSE;
      }
  if ((timeout != NULL && !g_variant_is_of_type (timeout, G_VARIANT_TYPE_UINT32))
      || (max != NULL && !g_variant_is_of_type (max, G_VARIANT_TYPE_UINT64)))
    {
      *problem = g_strdup ("HttpRequest: “timeout-ms” is a u and “max-response-size” a t");
      return FALSE;
    }
  *timeout_ms = timeout != NULL ? g_variant_get_uint32 (timeout) : 0;
  *max_response = max != NULL ? g_variant_get_uint64 (max) : 0;
  return TRUE;
}

/* The handler of Host1.HttpRequest; @host is the skeleton. */
gboolean
_kari_broker_http_request (gpointer               host,
                           GDBusMethodInvocation *invocation,
                           const char            *method,
                           const char            *url,
                           GVariant              *headers,
                           GVariant              *body,
                           GVariant              *options,
                           gpointer               broker)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *problem = NULL;
  GVariantIter iter;
  const char *name, *value;
  guint timeout_ms = 0;
  guint64 max_response = 0;

  if (!read_options (options, &timeout_ms, &max_response, &problem))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, DBUS_ERROR_INVALID, problem);
      return TRUE;
    }
  g_variant_iter_init (&iter, headers);
  while (g_variant_iter_next (&iter, "{&s&s}", &name, &value))
    g_hash_table_replace (table, g_strdup (name), g_strdup (value));
  bytes = g_variant_get_data_as_bytes (body);

  _kari_http_fetcher_fetch_full (_kari_broker_http_get_fetcher (broker), method, url, table, bytes,
                                 timeout_ms, (gsize) MIN (max_response, G_MAXSIZE), NULL, on_fetched,
                                 g_object_ref (invocation));
  return TRUE;
}
