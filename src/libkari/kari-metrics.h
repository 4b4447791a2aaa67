/* kari-metrics.h — extensions' resource use and calls, kept in the
 * registry and downsampled over time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kari-registry.h"

G_BEGIN_DECLS

/*
 * How long each resolution is kept, in one place. A raw sample older
 * than %KARI_METRICS_RAW_KEEP_SEC is rolled into its minute; a minute
 * older than %KARI_METRICS_MINUTE_KEEP_SEC into its hour; an hour older
 * than %KARI_METRICS_HOUR_KEEP_SEC is deleted. Rolling happens by whole
 * buckets: a minute is rolled only once all of it is past the limit.
 */

/**
 * KARI_METRICS_RAW_KEEP_SEC:
 *
 * Raw samples are kept one hour.
 */
#define KARI_METRICS_RAW_KEEP_SEC    (60 * 60)
/**
 * KARI_METRICS_MINUTE_KEEP_SEC:
 *
 * One-minute rows are kept 24 hours.
 */
#define KARI_METRICS_MINUTE_KEEP_SEC (24 * 60 * 60)
/**
 * KARI_METRICS_HOUR_KEEP_SEC:
 *
 * One-hour rows are kept 30 days.
 */
#define KARI_METRICS_HOUR_KEEP_SEC   (30 * 24 * 60 * 60)
/**
 * KARI_METRICS_MINUTE:
 *
 * The resolution, in seconds, of the rows raw samples are rolled into.
 */
#define KARI_METRICS_MINUTE          60
/**
 * KARI_METRICS_HOUR:
 *
 * The resolution, in seconds, of the rows minutes are rolled into.
 */
#define KARI_METRICS_HOUR            3600
/**
 * KARI_METRICS_DOWNSAMPLE_INTERVAL_SEC:
 *
 * How often the registry's metrics writer downsamples while samples
 * come in; the registry also downsamples when it is opened.
 */
#define KARI_METRICS_DOWNSAMPLE_INTERVAL_SEC 60

/**
 * KariMetricsSample:
 * @extension: the extension
 * @tenant: the tenant it ran for
 * @time_usec: when it was read, µs since the epoch
 * @cpu_percent: CPU use since the previous sample, 100 for one core
 * @memory_bytes: memory in use
 * @tasks: processes and threads
 * @calls: calls through its broker since the previous sample, both ways
 * @call_errors: of them, answered with an error other than a denial
 * @call_denied: of them, refused for a missing permission
 * @latency_n: calls whose latency was measured
 * @latency_sum_usec: their latencies added up
 * @latency_max_usec: the longest
 *
 * One raw sample, as the supervisor writes it.
 */
typedef struct
{
  const char *extension;
  const char *tenant;
  gint64      time_usec;
  double      cpu_percent;
  guint64     memory_bytes;
  guint       tasks;
  guint64     calls;
  guint64     call_errors;
  guint64     call_denied;
  guint64     latency_n;
  gint64      latency_sum_usec;
  gint64      latency_max_usec;
} KariMetricsSample;

/**
 * KariMetricsPoint:
 * @time_usec: the sample's time, or the start of its bucket
 * @resolution: 0 for a raw sample, else the seconds the point covers
 * @samples: raw samples the point summarises
 * @cpu_percent: their mean CPU use
 * @cpu_percent_max: the highest
 * @memory_bytes: their mean memory use
 * @memory_bytes_max: the highest
 * @tasks: their mean number of tasks
 * @tasks_max: the highest
 * @calls: calls in the point's time
 * @call_errors: of them, failed
 * @call_denied: of them, denied
 * @latency_n: calls whose latency was measured
 * @latency_mean_usec: the mean latency of the measured calls, 0 when none
 * @latency_max_usec: the longest
 *
 * A point of an extension's history.
 */
typedef struct
{
  gint64  time_usec;
  guint   resolution;
  guint64 samples;
  double  cpu_percent;
  double  cpu_percent_max;
  double  memory_bytes;
  guint64 memory_bytes_max;
  double  tasks;
  guint   tasks_max;
  guint64 calls;
  guint64 call_errors;
  guint64 call_denied;
  guint64 latency_n;
  double  latency_mean_usec;
  gint64  latency_max_usec;
} KariMetricsPoint;

/**
 * KariMetricsResolution:
 * @KARI_METRICS_RESOLUTION_AUTO: raw up to 2 hours, minutes up to 2
 *   days, hours beyond
 * @KARI_METRICS_RESOLUTION_RAW: every row as stored
 * @KARI_METRICS_RESOLUTION_MINUTE: one point a minute
 * @KARI_METRICS_RESOLUTION_HOUR: one point an hour
 *
 * The resolution a query answers in; rows coarser than it come as they
 * are.
 */
typedef enum
{
  KARI_METRICS_RESOLUTION_AUTO = -1,
  KARI_METRICS_RESOLUTION_RAW = 0,
  KARI_METRICS_RESOLUTION_MINUTE = KARI_METRICS_MINUTE,
  KARI_METRICS_RESOLUTION_HOUR = KARI_METRICS_HOUR,
} KariMetricsResolution;

gboolean  kari_registry_add_metrics        (KariRegistry             *self,
                                            const KariMetricsSample  *samples,
                                            guint                     n_samples,
                                            GError                  **error);
void      kari_registry_queue_metrics      (KariRegistry             *self,
                                            const KariMetricsSample  *sample);
gboolean  kari_registry_flush_metrics      (KariRegistry             *self,
                                            GError                  **error);
gboolean  kari_registry_downsample_metrics (KariRegistry             *self,
                                            gint64                    now_usec,
                                            GError                  **error);
GArray   *kari_registry_query_metrics      (KariRegistry             *self,
                                            const char               *name,
                                            const char               *tenant,
                                            gint64                    since_usec,
                                            gint64                    until_usec,
                                            KariMetricsResolution     resolution,
                                            GError                  **error);
guint64   kari_registry_count_metrics      (KariRegistry             *self,
                                            int                       resolution,
                                            GError                  **error);

G_END_DECLS
