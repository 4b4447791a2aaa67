/* kari-broker-props.c — what a broker tells about itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kari-broker-private.h"

/* ------------------------------------------------------------------ */
/* Getters                                                             */

/**
 * kari_broker_get_address:
 * @self: a broker
 *
 * Returns: (nullable): the D-Bus address to give the extension in
 *   `KARI_HOST_ADDRESS`, once started
 */
const char *
kari_broker_get_address (KariBroker *self)
{
  g_return_val_if_fail (KARI_IS_BROKER (self), NULL);
  return self->service != NULL ? self->address : NULL;
}

/**
 * kari_broker_get_socket_path:
 * @self: a broker
 *
 * Returns: (nullable): the path of the listening socket, once started
 */
const char *
kari_broker_get_socket_path (KariBroker *self)
{
  g_return_val_if_fail (KARI_IS_BROKER (self), NULL);
  return self->service != NULL ? self->socket_path : NULL;
}

/**
 * kari_broker_get_extension:
 * @self: a broker
 *
 * Returns: the extension every call on this broker is judged as
 */
const char *
kari_broker_get_extension (KariBroker *self)
{
  g_return_val_if_fail (KARI_IS_BROKER (self), NULL);
  return self->extension;
}

/**
 * kari_broker_get_tenant:
 * @self: a broker
 *
 * Returns: the tenant every call on this broker is judged in
 */
const char *
kari_broker_get_tenant (KariBroker *self)
{
  g_return_val_if_fail (KARI_IS_BROKER (self), NULL);
  return self->tenant;
}

/**
 * kari_broker_get_user:
 * @self: a broker
 *
 * Returns: (nullable): the user every call on this broker is judged for
 */
const char *
kari_broker_get_user (KariBroker *self)
{
  g_return_val_if_fail (KARI_IS_BROKER (self), NULL);
  return self->user;
}

/**
 * kari_broker_get_connection:
 * @self: a broker
 *
 * Returns: (nullable) (transfer none): the extension's connection, while
 *   it is open
 */
GDBusConnection *
kari_broker_get_connection (KariBroker *self)
{
  g_return_val_if_fail (KARI_IS_BROKER (self), NULL);
  return self->connection;
}

/**
 * kari_broker_is_connected:
 * @self: a broker
 *
 * Returns: whether the extension's connection is open
 */
gboolean
kari_broker_is_connected (KariBroker *self)
{
  g_return_val_if_fail (KARI_IS_BROKER (self), FALSE);
  return self->connection != NULL;
}

/**
 * kari_broker_get_offered:
 * @self: a broker
 * @kind: "endpoints", "pages" or "tasks"
 *
 * Returns: (nullable) (transfer none): the names the extension offered in
 *   its handshake, or %NULL before it
 */
const char * const *
kari_broker_get_offered (KariBroker *self,
                         const char *kind)
{
  g_return_val_if_fail (KARI_IS_BROKER (self), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  if (g_str_equal (kind, "endpoints"))
    return (const char * const *) self->endpoints;
  if (g_str_equal (kind, "pages"))
    return (const char * const *) self->pages;
  if (g_str_equal (kind, "tasks"))
    return (const char * const *) self->tasks;
  return NULL;
}

/**
 * kari_broker_get_n_refused:
 * @self: a broker
 *
 * Returns: how many connections and calls the broker refused: other
 *   users, second connections, calls over the limits
 */
guint64
kari_broker_get_n_refused (KariBroker *self)
{
  g_return_val_if_fail (KARI_IS_BROKER (self), 0);
  return (guint64) g_atomic_int_get (&self->n_refused);
}
