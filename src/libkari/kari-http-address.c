/* kari-http-address.c — what URLs, addresses and headers the HTTP
 * service accepts, and which permission a URL needs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kari-http-fetch-private.h"

#define MAX_REQUEST_HEADERS       64
#define MAX_REQUEST_HEADER_BYTES  (64 * 1024)

/* Headers the host owns: framing, routing and hop-by-hop ones. */
static const char * const reserved_headers[] = {
  "host", "connection", "content-length", "transfer-encoding", "keep-alive",
  "upgrade", "te", "trailer", "expect", "proxy-authorization",
  "proxy-connection", "proxy-authenticate", NULL
};

typedef struct
{
  const char *network;   /* address/prefix */
  const char *kind;
} SpecialRange;

/* Everything but the public unicast Internet. An address in one of
 * these is only reached when a grant names the host literally. */
static const SpecialRange special_ranges[] = {
  { "0.0.0.0/8",          "unspecified" },
  { "10.0.0.0/8",         "private" },
  { "100.64.0.0/10",      "shared (carrier-grade NAT)" },
  { "127.0.0.0/8",        "loopback" },
  { "169.254.0.0/16",     "link-local" },
  { "172.16.0.0/12",      "private" },
  { "192.0.0.0/24",       "protocol-assignment" },
  { "192.0.2.0/24",       "documentation" },
  { "192.88.99.0/24",     "6to4 relay" },
  { "192.168.0.0/16",     "private" },
  { "198.18.0.0/15",      "benchmarking" },
  { "198.51.100.0/24",    "documentation" },
  { "203.0.113.0/24",     "documentation" },
  { "224.0.0.0/4",        "multicast" },
  { "240.0.0.0/4",        "reserved" },
  { "::/128",             "unspecified" },
  { "::1/128",            "loopback" },
  { "::ffff:0:0/96",      "IPv4-mapped" },
  { "::/96",              "IPv4-compatible" },
  { "64:ff9b::/96",       "NAT64" },
  { "64:ff9b:1::/48",     "NAT64" },
  { "100::/64",           "discard" },
  { "2001::/32",          "Teredo" },
  { "2001:db8::/32",      "documentation" },
  { "2002::/16",          "6to4" },
  { "fc00::/7",           "unique-local (private)" },
  { "fe80::/10",          "link-local" },
  { "fec0::/10",          "site-local" },
  { "ff00::/8",           "multicast" },
};

/**
 * _kari_http_address_kind:
 * @address: an address
 *
 * Returns: (nullable): what makes @address special ("loopback",
 *   "private", …), or %NULL for a public unicast address
 */
const char *
_kari_http_address_kind (GInetAddress *address)
{
  for (guint i = 0; i < G_N_ELEMENTS (special_ranges); i++)
    {
      g_autoptr(GInetAddressMask) mask = g_inet_address_mask_new_from_string (special_ranges[i].network, NULL);

      g_assert (mask != NULL);
      if (g_inet_address_mask_get_family (mask) == g_inet_address_get_family (address)
          && g_inet_address_mask_matches (mask, address))
        return special_ranges[i].kind;
    }
  return NULL;
}

static gboolean
ends_like_a_number (const char *host)
{
  const char *last = strrchr (host, '.');

  last = last != NULL ? last + 1 : host;
  if (*last == '\0')
    return FALSE;
  if (g_str_has_prefix (last, "0x"))
    return TRUE;
  for (const char *c = last; *c; c++)
    if (!g_ascii_isdigit (*c))
      return FALSE;
  return TRUE;
}

/* A name in lower-case ASCII, or an address in canonical form. */
static char *
normalise_host (const char  *raw,
                GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *ascii = NULL;
  g_autofree char *lower = NULL;
  gsize length;

  if (raw == NULL || *raw == '\0')
    {
      g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_URL, "The URL has no host");
      return NULL;
    }
  address = g_inet_address_new_from_string (raw);
  if (address != NULL)
    return g_inet_address_to_string (address);

  ascii = g_hostname_to_ascii (raw);
  lower = ascii != NULL ? g_ascii_strdown (ascii, -1) : NULL;
  length = lower != NULL ? strlen (lower) : 0;
  if (length > 0 && lower[length - 1] == '.')
    lower[--length] = '\0';
  if (length == 0 || length > 253)
    {
      g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_URL,
                   "“%.256s” is not a valid host name", raw);
      return NULL;
    }
  for (const char *c = lower; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '.')
      {
        g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_URL,
                     "“%.256s” is not a valid host name (letters, digits, hyphens and dots only)", raw);
        return NULL;
      }
  if (strstr (lower, "..") != NULL || lower[0] == '.')
    {
      g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_URL,
                   "“%.256s” has an empty label", raw);
      return NULL;
    }
  /* `2130706433`, `0x7f.1` or `127.1` are addresses a resolver would
   * invent; only the dotted-quad form is an address here. */
  if (ends_like_a_number (lower))
    {
      g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_URL,
                   "“%.256s” looks like a numeric address but is not a dotted-quad or IPv6 one", raw);
      return NULL;
    }
  return g_steal_pointer (&lower);
}

/**
 * _kari_http_check_url:
 * @uri: a parsed URL
 * @host: (out): its host, normalised
 * @port: (out): its port, the scheme's when none is written
 * @error: a #GError
 *
 * Accepts http and https URLs without user information.
 *
 * Returns: whether @uri may be fetched at all
 */
gboolean
_kari_http_check_url (GUri    *uri,
                      char   **host,
                      guint   *port,
                      GError **error)
{
  const char *scheme = g_uri_get_scheme (uri);
  gboolean https;

  if (scheme == NULL || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_URL,
                   "Only http and https URLs are fetched, not “%.32s”", scheme ? scheme : "");
      return FALSE;
    }
  https = g_ascii_strcasecmp (scheme, "https") == 0;
  /* `http://allowed.com@evil.com/` reads as allowed.com to people. */
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_URL,
                   "A URL with user information (“user@host”) is refused");
      return FALSE;
    }
  *host = normalise_host (g_uri_get_host (uri), error);
  if (*host == NULL)
    return FALSE;
  *port = g_uri_get_port (uri) > 0 ? (guint) g_uri_get_port (uri) : https ? 443 : 80;
  return TRUE;
}

/**
 * _kari_http_permission_for:
 * @host: a normalised host
 * @port: its port
 *
 * Returns: (transfer full): `network:http:HOST:PORT`, an IPv6 address
 *   in brackets
 */
char *
_kari_http_permission_for (const char *host,
                           guint       port)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("network:http:[%s]:%u", host, port);
  return g_strdup_printf ("network:http:%s:%u", host, port);
}

/* Whether @resource, a grant's `host[:port]`, names @host and @port
 * literally. */
static gboolean
resource_names (const char *resource,
                const char *host,
                guint       port)
{
  g_autofree char *granted_host = NULL;
  g_autofree char *normal = NULL;
  const char *port_text = NULL;

  if (strchr (resource, '*') != NULL)
    return FALSE;
  if (resource[0] == '[')
    {
      const char *close = strchr (resource, ']');

      if (close == NULL)
        return FALSE;
      granted_host = g_strndup (resource + 1, close - resource - 1);
      port_text = close[1] == ':' ? close + 2 : NULL;
    }
  else
    {
      const char *colon = strchr (resource, ':');

      granted_host = colon != NULL ? g_strndup (resource, colon - resource) : g_strdup (resource);
      port_text = colon != NULL ? colon + 1 : NULL;
    }
  normal = normalise_host (granted_host, NULL);
  if (normal == NULL || !g_str_equal (normal, host))
    return FALSE;
  return port_text == NULL || g_ascii_strtoull (port_text, NULL, 10) == port;
}

/**
 * _kari_http_grant_names_host:
 * @grants: the engine's grants
 * @extension: the extension
 * @tenant: its tenant
 * @user: (nullable): the user it acts for
 * @host: a normalised host
 * @port: its port
 *
 * Special addresses are reached only through a grant that names the
 * host without a wildcard (`network:http:localhost:11434`); a policy
 * or a wildcard grant never opens them.
 *
 * Returns: whether a live grant of @extension names @host literally
 */
gboolean
_kari_http_grant_names_host (KariGrantStore *grants,
                             const char     *extension,
                             const char     *tenant,
                             const char     *user,
                             const char     *host,
                             guint           port)
{
  g_autoptr(GPtrArray) list = kari_grant_store_list (grants, extension, tenant);
  const char *prefix = "network:http:";

  for (guint i = 0; i < list->len; i++)
    {
      const KariGrant *grant = g_ptr_array_index (list, i);

      if (grant->user != NULL && g_strcmp0 (grant->user, user) != 0)
        continue;
      if (g_str_has_prefix (grant->permission, prefix)
          && resource_names (grant->permission + strlen (prefix), host, port))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_token (const char *name)
{
  static const char separators[] = "()<>@,;:\\\"/[]?={} \t";

  if (*name == '\0')
    return FALSE;
  for (const char *c = name; *c; c++)
    if (*c <= 0x20 || *c >= 0x7f || strchr (separators, *c) != NULL)
      return FALSE;
  return TRUE;
}

/**
 * _kari_http_validate_headers:
 * @headers: (nullable): request headers as the extension gave them
 * @out: (out): a copy, names in lower case
 * @error: a #GError
 *
 * Refuses framing and routing headers, names that are not tokens,
 * control characters (CR, LF, …) in values, and too many or too large
 * headers.
 *
 * Returns: whether @headers may be sent
 */
gboolean
_kari_http_validate_headers (GHashTable  *headers,
                             GHashTable **out,
                             GError     **error)
{
  g_autoptr(GHashTable) copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;
  gsize total = 0;

  if (headers != NULL && g_hash_table_size (headers) > MAX_REQUEST_HEADERS)
    {
      g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_REQUEST,
                   "More than %d request headers", MAX_REQUEST_HEADERS);
      return FALSE;
    }
  if (headers != NULL)
    g_hash_table_iter_init (&iter, headers);
  while (headers != NULL && g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *lower = g_ascii_strdown (key, -1);

      total += strlen (key) + strlen (value) + 4;
      if (!is_token (key) || strlen (key) > 256)
        {
          g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_REQUEST,
                       "“%.64s” is not a valid header name", (const char *) key);
          return FALSE;
        }
      if (g_strv_contains (reserved_headers, lower))
        {
          g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_REQUEST,
                       "The header “%s” is set by the host and may not be sent", lower);
          return FALSE;
        }
      for (const char *c = value; *c; c++)
        if (*c == '\r' || *c == '\n' || (*c < 0x20 && *c != '\t') || *c == 0x7f)
          {
            g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_REQUEST,
                         "The value of the header “%s” holds a control character (CR, LF, …)", lower);
            return FALSE;
          }
      if (g_hash_table_contains (copy, lower))
        {
          g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_REQUEST,
                       "The header “%s” is given twice", lower);
          return FALSE;
        }
      g_hash_table_insert (copy, g_steal_pointer (&lower), g_strdup (value));
    }
  if (total > MAX_REQUEST_HEADER_BYTES)
    {
      g_set_error (error, KARI_HTTP_FETCH_ERROR, KARI_HTTP_FETCH_ERROR_INVALID_REQUEST,
                   "The request headers are larger than %d bytes", MAX_REQUEST_HEADER_BYTES);
      return FALSE;
    }
  *out = g_steal_pointer (&copy);
  return TRUE;
}
