/* kari-broker-guard.c — what an incoming message may hold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs in GDBus's worker thread on every message from an extension,
 * before anything parses its arguments: a body over the size cap, values
 * nested deeper than the cap (variants nest without a bound in the type
 * string), or more file descriptors than any Host1 call takes close the
 * connection.
 */

#include "config.h"

#include <gio/gunixfdlist.h>

#include "kari-broker-private.h"

/* Deeper than any Host1 argument needs (Handshake's a{sv} of as is 4). */
#define MAX_DEPTH 16

/* No Host1 call takes descriptors; a few are tolerated, a pile is not. */
#define MAX_FDS   4

/* Whether @value nests deeper than @budget levels; the walk stops at the
 * first level past it, so its cost is bounded by the size cap. */
static gboolean
too_deep (GVariant *value,
          guint     budget)
{
  const GVariantType *type = g_variant_get_type (value);
  GVariantIter iter;
  GVariant *child;

  if (!g_variant_type_is_container (type))
    return FALSE;
  if (budget == 0)
    return TRUE;
  /* Arrays of basic values hold nothing deeper. */
  if (g_variant_type_is_array (type) && g_variant_type_is_basic (g_variant_type_element (type)))
    return FALSE;

  g_variant_iter_init (&iter, value);
  while ((child = g_variant_iter_next_value (&iter)) != NULL)
    {
      gboolean deep = too_deep (child, budget - 1);

      g_variant_unref (child);
      if (deep)
        return TRUE;
    }
  return FALSE;
}

const char *
_kari_broker_message_problem (GDBusMessage *message)
{
  GVariant *body = g_dbus_message_get_body (message);
  GUnixFDList *fds = g_dbus_message_get_unix_fd_list (message);

  if (fds != NULL && g_unix_fd_list_get_length (fds) > MAX_FDS)
    return "a message with too many file descriptors";
  if (body == NULL)
    return NULL;
  if (g_variant_get_size (body) > KARI_BROKER_MAX_MESSAGE_SIZE)
    return "a message over the size limit";
  if (too_deep (body, MAX_DEPTH))
    return "a message nested too deeply";
  return NULL;
}
