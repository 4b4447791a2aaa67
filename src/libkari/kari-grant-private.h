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

/* kari-grant-scope.c */
gboolean        _kari_scope_from_name              (const char       *name,
                                                    KariScope        *scope);

G_END_DECLS
