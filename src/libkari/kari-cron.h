/* kari-cron.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KARI_CRON_ERROR (kari_cron_error_quark ())

typedef enum
{
  KARI_CRON_ERROR_INVALID,
} KariCronError;

/**
 * KariCron:
 *
 * A parsed cron schedule: five fields (minute hour day-of-month month
 * day-of-week) with lists, ranges, steps and names, or one of the
 * @-names (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
 * `@midnight`, `@hourly`).
 */
typedef struct _KariCron KariCron;

GQuark     kari_cron_error_quark (void);
KariCron  *kari_cron_parse       (const char *text,
                                  GError    **error);
void       kari_cron_free        (KariCron  *self);
gboolean   kari_cron_matches     (KariCron  *self,
                                  GDateTime *time);
GDateTime *kari_cron_next        (KariCron  *self,
                                  GDateTime *after);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariCron, kari_cron_free)

G_END_DECLS
