/* kari-metrics-private.h — the registry's metrics writer, for
 * kari-registry.c and kari-metrics*.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-metrics.h"

G_BEGIN_DECLS

typedef struct _KariMetricsQueue KariMetricsQueue;

/* kari-metrics.c; the caller holds the registry's lock. */
gboolean          _kari_registry_downsample_locked (KariRegistry     *self,
                                                    gint64            now_usec,
                                                    GError          **error);

/* kari-metrics-queue.c */
KariMetricsQueue *_kari_metrics_queue_new          (void);
void              _kari_metrics_queue_free         (KariMetricsQueue *queue);

G_END_DECLS
