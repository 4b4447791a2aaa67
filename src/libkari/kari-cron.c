/* kari-cron.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-cron.h"

/* STUB: to be written. */
G_DEFINE_QUARK (kari-cron-error-quark, kari_cron_error)
struct _KariCron { int dummy; };
KariCron *kari_cron_parse (const char *text, GError **error) { return g_new0 (KariCron, 1); }
void kari_cron_free (KariCron *self) { g_free (self); }
gboolean kari_cron_matches (KariCron *self, GDateTime *time) { return FALSE; }
GDateTime *kari_cron_next (KariCron *self, GDateTime *after) { return NULL; }
