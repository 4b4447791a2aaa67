/* fuzz-dbus-guard.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any bytes as what an extension writes on its D-Bus socket, with and
 * without a valid authentication in front: the guard parser must never
 * read out of bounds, must accept no more than it is given, and must
 * reach the same state fed in one piece or split at arbitrary points
 * (the first byte picks the split), as the relay feeds it whatever each
 * read returns.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kari-dbus-guard-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (const uint8_t *data,
       size_t         size,
       guint          step)
{
  KariDBusGuardParser whole, split;
  guint64 unlimited = G_MAXUINT64;
  guint64 also = G_MAXUINT64;
  gsize taken, taken_split = 0;

  _kari_dbus_guard_parser_init (&whole, 1024);
  _kari_dbus_guard_parser_init (&split, 1024);
  taken = _kari_dbus_guard_parser_feed (&whole, data, size, &unlimited);
  g_assert_cmpuint (taken, <=, size);
  g_assert_true (taken == size || whole.problem != NULL);

  while (taken_split < size && split.problem == NULL)
    {
      gsize chunk = MIN ((gsize) step, size - taken_split);
      gsize got = _kari_dbus_guard_parser_feed (&split, data + taken_split, chunk, &also);

      g_assert_cmpuint (got, <=, chunk);
      taken_split += got;
      if (got < chunk)
        break;
    }
  g_assert_cmpuint (taken, ==, taken_split);
  g_assert_cmpint (whole.phase, ==, split.phase);
  g_assert_cmpstr (whole.problem, ==, split.problem);
  g_assert_cmpuint (whole.n_messages, ==, split.n_messages);
  g_assert_cmpuint (G_MAXUINT64 - unlimited, >=, whole.n_messages);

  /* With no message allowed to start, nothing past the authentication
   * is accepted. */
  {
    KariDBusGuardParser held;
    guint64 none = 0;

    _kari_dbus_guard_parser_init (&held, 1024);
    _kari_dbus_guard_parser_feed (&held, data, size, &none);
    g_assert_cmpuint (held.n_messages, ==, 0);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char sasl[] = "\0AUTH EXTERNAL 30\r\nBEGIN\r\n";
  g_autofree uint8_t *authed = NULL;
  guint step;

  if (size == 0)
    return 0;
  step = (guint) data[0] % 17 + 1;
  check (data + 1, size - 1, step);

  /* The same bytes after a valid authentication reach the header parser. */
  authed = g_malloc (sizeof sasl - 1 + size - 1);
  memcpy (authed, sasl, sizeof sasl - 1);
  memcpy (authed + sizeof sasl - 1, data + 1, size - 1);
  check (authed, sizeof sasl - 1 + size - 1, step);
  return 0;
}
