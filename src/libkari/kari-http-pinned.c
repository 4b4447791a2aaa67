/* kari-http-pinned.c — a host name that connects to one checked address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The HTTP service resolves a name itself and checks the address before
 * connecting, so libsoup must not look the name up again. Giving libsoup
 * the address as the URL loses the name TLS needs: no SNI is sent and
 * the certificate is checked against the IP. Instead the session gets
 * this connectable as its remote-connectable: it is a #GNetworkAddress
 * of the URL's host name, which is what TLS sends as SNI and verifies
 * the certificate against, and it enumerates to the one checked address
 * only, so no second lookup can move the connection.
 */
#include "config.h"

#include "kari-http-fetch-private.h"

#define KARI_TYPE_PINNED_ADDRESS (kari_pinned_address_get_type ())
G_DECLARE_FINAL_TYPE (KariPinnedAddress, kari_pinned_address, KARI, PINNED_ADDRESS, GNetworkAddress)

struct _KariPinnedAddress
{
  GNetworkAddress  parent_instance;
  GSocketAddress  *address;   /* the checked address and port */
};

static void kari_pinned_address_connectable_init (GSocketConnectableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KariPinnedAddress, kari_pinned_address, G_TYPE_NETWORK_ADDRESS,
                               G_IMPLEMENT_INTERFACE (G_TYPE_SOCKET_CONNECTABLE,
                                                      kari_pinned_address_connectable_init))

static GSocketAddressEnumerator *
kari_pinned_address_enumerate (GSocketConnectable *connectable)
{
  KariPinnedAddress *self = KARI_PINNED_ADDRESS (connectable);

  /* A socket address enumerates to itself, once. */
  return g_socket_connectable_enumerate (G_SOCKET_CONNECTABLE (self->address));
}

static char *
kari_pinned_address_to_string (GSocketConnectable *connectable)
{
  KariPinnedAddress *self = KARI_PINNED_ADDRESS (connectable);
  g_autofree char *address = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (self->address));

  return g_strdup_printf ("%s (pinned to %s)", g_network_address_get_hostname (G_NETWORK_ADDRESS (self)),
                          address);
}

static void
kari_pinned_address_connectable_init (GSocketConnectableIface *iface)
{
  iface->enumerate = kari_pinned_address_enumerate;
  /* No proxy either: the connection goes where the address was checked. */
  iface->proxy_enumerate = kari_pinned_address_enumerate;
  iface->to_string = kari_pinned_address_to_string;
}

static void
kari_pinned_address_finalize (GObject *object)
{
  KariPinnedAddress *self = KARI_PINNED_ADDRESS (object);

  g_clear_object (&self->address);
  G_OBJECT_CLASS (kari_pinned_address_parent_class)->finalize (object);
}

static void
kari_pinned_address_class_init (KariPinnedAddressClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_pinned_address_finalize;
}

static void
kari_pinned_address_init (KariPinnedAddress *self)
{
}

/**
 * _kari_http_pinned_address_new:
 * @host: the host name of the URL, as TLS must see it
 * @port: the port
 * @address: the address that was checked, the only one connected to
 *
 * Returns: (transfer full): a connectable named @host that connects to
 *   @address only
 */
GSocketConnectable *
_kari_http_pinned_address_new (const char   *host,
                               guint         port,
                               GInetAddress *address)
{
  KariPinnedAddress *self = g_object_new (KARI_TYPE_PINNED_ADDRESS,
                                          "hostname", host,
                                          "port", port,
                                          NULL);

  self->address = g_inet_socket_address_new (address, (guint16) port);
  return G_SOCKET_CONNECTABLE (self);
}

typedef struct
{
  GTlsCertificateFlags  flag;
  const char           *text;
} CertificateProblem;

static const CertificateProblem certificate_problems[] = {
  { G_TLS_CERTIFICATE_BAD_IDENTITY,  "it was issued for another name" },
  { G_TLS_CERTIFICATE_UNKNOWN_CA,    "it is not signed by a trusted authority" },
  { G_TLS_CERTIFICATE_NOT_ACTIVATED, "it is not valid yet" },
  { G_TLS_CERTIFICATE_EXPIRED,       "it has expired" },
  { G_TLS_CERTIFICATE_REVOKED,       "it was revoked" },
  { G_TLS_CERTIFICATE_INSECURE,      "it uses an insecure algorithm" },
  { G_TLS_CERTIFICATE_GENERIC_ERROR, "it could not be verified" },
};

/**
 * _kari_http_describe_certificate_errors:
 * @flags: what TLS verification found
 *
 * Returns: (transfer full): the problems in @flags, for a person
 */
char *
_kari_http_describe_certificate_errors (GTlsCertificateFlags flags)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (certificate_problems); i++)
    if (flags & certificate_problems[i].flag)
      g_string_append_printf (text, "%s%s", text->len > 0 ? "; " : "", certificate_problems[i].text);
  if (text->len == 0)
    g_string_append (text, "it could not be verified");
  return g_string_free (g_steal_pointer (&text), FALSE);
}
