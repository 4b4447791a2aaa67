/* kari-permission-host.c — host patterns and the host of a request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A host pattern is `*`, `*.example.com` (every sub-domain at any
 * depth, but not example.com itself: write both when both are meant),
 * `example.com`, an IPv4 address or an IPv6 address (`[::1]`, or bare
 * without a port), each with an optional `:port` (`*` or none: any
 * port). `*:443` is any host on port 443. Names are compared in ASCII
 * (IDN through g_hostname_to_ascii()), in lower case, without a
 * trailing dot; addresses in their canonical form. A wildcard never
 * matches an address.
 *
 * A request names a host, `host:port`, `[v6]:port` or a URL reduced to
 * its host and port (the scheme's default port when none is written).
 * A request without a port is only matched by patterns without one.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "kari-permission-private.h"

typedef struct
{
  const char *scheme;
  guint       port;
} DefaultPort;

static const DefaultPort default_ports[] = {
  { "http", 80 }, { "https", 443 }, { "ws", 80 }, { "wss", 443 }, { "ftp", 21 },
  { "ssh", 22 }, { "imap", 143 }, { "imaps", 993 }, { "smtp", 25 }, { "smtps", 465 },
};

void
_kari_host_spec_clear (KariHostSpec *spec)
{
  g_clear_pointer (&spec->host, g_free);
}

static gboolean
ends_like_a_number (const char *host)
{
  const char *last = strrchr (host, '.');

  last = last != NULL ? last + 1 : host;
  if (g_str_has_prefix (last, "0x"))
    return TRUE;
  for (const char *c = last; *c; c++)
    if (!g_ascii_isdigit (*c))
      return FALSE;
  return TRUE;
}

/* An address in canonical form, or a name in ASCII, lower case and
 * without its trailing dot; NULL with @problem when it is neither. */
static char *
normalise_host (const char  *host,
                gboolean     bracketed,
                gboolean    *is_ip,
                const char **problem)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  g_autofree char *trimmed = NULL;
  g_autofree char *ascii = NULL;
  g_auto(GStrv) labels = NULL;

  *is_ip = address != NULL;
  if (address != NULL)
    {
      if (bracketed != (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6))
        {
          *problem = "an IPv6 address is written in brackets, as in [::1]:8080, an IPv4 one is not";
          return NULL;
        }
      return g_inet_address_to_string (address);
    }
  if (bracketed || *host == '\0')
    {
      *problem = bracketed ? "not an IPv6 address" : "the host is empty";
      return NULL;
    }

  trimmed = g_str_has_suffix (host, ".") ? g_strndup (host, strlen (host) - 1) : g_strdup (host);
  ascii = *trimmed != '\0' ? g_hostname_to_ascii (trimmed) : NULL;
  if (ascii == NULL || strlen (ascii) > 253)
    {
      *problem = "not a valid host name";
      return NULL;
    }
  {
    g_autofree char *lower = g_ascii_strdown (ascii, -1);

    g_free (ascii);
    ascii = g_steal_pointer (&lower);
  }

  labels = g_strsplit (ascii, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      gsize len = strlen (labels[i]);

      if (len == 0 || len > 63 || labels[i][0] == '-' || labels[i][len - 1] == '-')
        {
          *problem = "not a valid host name (labels of 1 to 63 letters, digits or inner hyphens)";
          return NULL;
        }
      for (const char *c = labels[i]; *c; c++)
        if (!g_ascii_isalnum (*c) && *c != '-')
          {
            *problem = "a host name may only hold letters, digits, hyphens and dots";
            return NULL;
          }
    }
  /* `127.1` or `0x7f.1` would reach an address a resolver invents. */
  if (ends_like_a_number (ascii))
    {
      *problem = "looks like a numeric address but is not a valid IP address";
      return NULL;
    }
  return g_steal_pointer (&ascii);
}

static gboolean
parse_port (const char  *text,
            gboolean     allow_any,
            guint       *port)
{
  guint64 value = 0;

  if (allow_any && g_str_equal (text, "*"))
    {
      *port = 0;
      return TRUE;
    }
  for (const char *c = text; *c; c++)
    if (!g_ascii_isdigit (*c))
      return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &value, NULL))
    return FALSE;
  *port = value;
  return TRUE;
}

/* host[:port], [v6][:port] or a bare v6 address. */
static gboolean
parse_host_port (const char  *resource,
                 gboolean     pattern,
                 KariHostSpec *spec,
                 gsize       *bad_offset,
                 const char **problem)
{
  g_autofree char *host = NULL;
  const char *port = NULL;
  gboolean bracketed = FALSE;
  const char *name;

  *bad_offset = 0;
  if (resource[0] == '[')
    {
      const char *close = strchr (resource, ']');

      if (close == NULL)
        {
          *problem = "“[” opens an IPv6 address that no “]” closes";
          return FALSE;
        }
      bracketed = TRUE;
      host = g_strndup (resource + 1, close - resource - 1);
      if (close[1] == ':')
        port = close + 2;
      else if (close[1] != '\0')
        {
          *bad_offset = close + 1 - resource;
          *problem = "only “:port” may follow an IPv6 address";
          return FALSE;
        }
    }
  else
    {
      const char *colon = strchr (resource, ':');

      if (colon != NULL && strchr (colon + 1, ':') != NULL)
        {
          host = g_strdup (resource);   /* a bare IPv6 address, without a port */
          bracketed = TRUE;
        }
      else if (colon != NULL)
        {
          host = g_strndup (resource, colon - resource);
          port = colon + 1;
        }
      else
        host = g_strdup (resource);
    }

  if (port != NULL && !parse_port (port, pattern, &spec->port))
    {
      *bad_offset = port - resource;
      *problem = pattern ? "the port must be a number from 1 to 65535 or *"
                         : "the port must be a number from 1 to 65535";
      return FALSE;
    }

  name = host;
  if (pattern && g_str_equal (host, "*"))
    {
      spec->host = g_strdup ("*");
      return TRUE;
    }
  if (pattern && g_str_has_prefix (host, "*."))
    {
      spec->wildcard = TRUE;
      name = host + 2;
    }
  if (strchr (name, '*') != NULL)
    {
      *bad_offset = (strchr (name, '*') - host) + (bracketed ? 1 : 0);
      *problem = pattern ? "a wildcard is only allowed as the whole first label, as in *.example.com"
                         : "a requested host cannot hold a wildcard";
      return FALSE;
    }

  spec->host = normalise_host (name, bracketed, &spec->is_ip, problem);
  if (spec->host == NULL)
    return FALSE;
  if (spec->wildcard && spec->is_ip)
    {
      *problem = "a wildcard is for host names, not addresses";
      return FALSE;
    }
  return TRUE;
}

gboolean
_kari_host_pattern_parse (const char   *resource,
                          KariHostSpec *spec,
                          gsize        *bad_offset,
                          const char  **problem)
{
  memset (spec, 0, sizeof *spec);
  if (parse_host_port (resource, TRUE, spec, bad_offset, problem))
    return TRUE;
  _kari_host_spec_clear (spec);
  return FALSE;
}

static gboolean
parse_url (const char   *resource,
           KariHostSpec *spec,
           const char  **problem)
{
  g_autoptr(GUri) uri = g_uri_parse (resource, G_URI_FLAGS_NONE, NULL);
  const char *host;
  gint port;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL || *host == '\0')
    {
      *problem = "not a URL with a host";
      return FALSE;
    }
  port = g_uri_get_port (uri);
  if (port == -1)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (default_ports); i++)
        if (g_ascii_strcasecmp (default_ports[i].scheme, g_uri_get_scheme (uri)) == 0)
          port = default_ports[i].port;
    }
  spec->port = port > 0 ? (guint) port : 0;
  if (strchr (host, '*') != NULL)
    {
      *problem = "a requested host cannot hold a wildcard";
      return FALSE;
    }
  spec->host = normalise_host (host, strchr (host, ':') != NULL, &spec->is_ip, problem);
  return spec->host != NULL;
}

gboolean
_kari_host_request_parse (const char   *resource,
                          KariHostSpec *spec,
                          gsize        *bad_offset,
                          const char  **problem)
{
  gboolean ok;

  memset (spec, 0, sizeof *spec);
  *bad_offset = 0;
  if (strstr (resource, "://") != NULL)
    ok = parse_url (resource, spec, problem);
  else
    ok = parse_host_port (resource, FALSE, spec, bad_offset, problem);
  if (!ok)
    _kari_host_spec_clear (spec);
  return ok;
}

static gboolean
is_strict_subdomain (const char *host,
                     const char *domain)
{
  gsize lh = strlen (host);
  gsize ld = strlen (domain);

  return lh > ld + 1 && host[lh - ld - 1] == '.' && g_str_equal (host + lh - ld, domain);
}

gboolean
_kari_host_matches (const KariHostSpec *pattern,
                    const KariHostSpec *request)
{
  if (pattern->port != 0 && pattern->port != request->port)
    return FALSE;
  if (g_str_equal (pattern->host, "*"))
    return TRUE;
  if (pattern->wildcard)
    return !request->is_ip && is_strict_subdomain (request->host, pattern->host);
  return pattern->is_ip == request->is_ip && g_str_equal (pattern->host, request->host);
}

gboolean
_kari_host_covers (const KariHostSpec *self,
                   const KariHostSpec *other)
{
  if (self->port != 0 && self->port != other->port)
    return FALSE;
  if (g_str_equal (self->host, "*"))
    return TRUE;
  if (g_str_equal (other->host, "*"))
    return FALSE;
  if (self->wildcard)
    return !other->is_ip
           && (g_str_equal (other->host, self->host) ? other->wildcard
                                                     : is_strict_subdomain (other->host, self->host));
  return !other->wildcard && self->is_ip == other->is_ip && g_str_equal (self->host, other->host);
}
