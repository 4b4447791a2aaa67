/* kari-supervisor-metrics.c — a supervisor's samples, with its broker's
 * calls, into the registry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-metrics.h"
#include "kari-supervisor-private.h"

/* Queues one raw sample for @sample's interval: CPU use is the CPU time
 * the group used since the previous sample over the wall time between
 * them, and the calls are those the broker counted since. */
void
_kari_supervisor_record_metrics (KariSupervisor             *self,
                                 const KariSupervisorSample *sample)
{
  KariBrokerCallStats calls = { 0 };
  KariMetricsSample row = { 0 };
  gint64 elapsed = sample->time - self->metrics_time;
  guint64 used = sample->cpu_usec >= self->metrics_cpu_usec ? sample->cpu_usec - self->metrics_cpu_usec : 0;

  self->metrics_time = sample->time;
  self->metrics_cpu_usec = sample->cpu_usec;
  if (self->registry == NULL || self->run == NULL || self->run->broker == NULL)
    return;

  kari_broker_take_call_stats (self->run->broker, &calls);
  row.extension = self->name;
  row.tenant = self->tenant;
  row.time_usec = sample->time;
  row.cpu_percent = elapsed > 0 ? 100.0 * (double) used / (double) elapsed : 0.0;
  row.memory_bytes = sample->memory_bytes;
  row.tasks = sample->n_tasks;
  row.calls = calls.calls;
  row.call_errors = calls.call_errors;
  row.call_denied = calls.call_denied;
  row.latency_n = calls.latency_n;
  row.latency_sum_usec = calls.latency_sum_usec;
  row.latency_max_usec = calls.latency_max_usec;
  kari_registry_queue_metrics (self->registry, &row);
}
