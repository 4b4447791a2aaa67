/* kari-grant-private.h — what tests and other libkari files may use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-grant.h"

G_BEGIN_DECLS

/* kari_grant_store_new() with the boot id given instead of read from
 * /proc/sys/kernel/random/boot_id, so tests can play a reboot. */
KariGrantStore *_kari_grant_store_new_with_boot_id (KariRegistry     *registry,
                                                    const KariClock  *clock,
                                                    const char       *boot_id,
                                                    GError          **error);

gboolean        _kari_grant_store_reload           (KariGrantStore   *self,
                                                    GError          **error);

/* kari-grant-time.c */
gboolean        _kari_scope_from_name              (const char       *name,
                                                    KariScope        *scope);
void            _kari_clock_fill_defaults          (KariClock        *clock);
const char     *_kari_system_boot_id               (void);

/* a + b, saturating, so a far-off end cannot wrap round into the past */
static inline gint64
add_clamped (gint64 a,
             gint64 b)
{
  gint64 sum;

  if (__builtin_add_overflow (a, b, &sum))
    return b > 0 ? G_MAXINT64 : G_MININT64;
  return sum;
}

static inline gint64
sub_clamped (gint64 a,
             gint64 b)
{
  gint64 difference;

  if (__builtin_sub_overflow (a, b, &difference))
    return b < 0 ? G_MAXINT64 : G_MININT64;
  return difference;
}

G_END_DECLS
