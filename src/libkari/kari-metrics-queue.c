/* kari-metrics-queue.c — samples queued by the supervisors, written to
 * the registry by one thread in batches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A supervisor samples on the main loop and must not wait for SQLite,
 * so kari_registry_queue_metrics() only copies the sample under a short
 * lock. The writer thread, started with the first sample and joined when
 * the registry goes, waits GATHER_USEC after the first sample of a batch
 * so that the samples of every running extension go in one transaction,
 * and downsamples every KARI_METRICS_DOWNSAMPLE_INTERVAL_SEC, samples or
 * not: it is the timer of whoever holds the registry. It holds no
 * reference on the registry: the registry joins it before closing.
 */
#include "config.h"

#include "kari-metrics-private.h"
#include "kari-registry-private.h"

#define GATHER_USEC (250 * G_TIME_SPAN_MILLISECOND)

/* A batch that cannot be written is dropped, not kept: metrics are
 * worth less than the host's memory. */
#define MAX_PENDING 10000

struct _KariMetricsQueue
{
  GMutex        lock;
  GCond         wake;       /* the writer: samples, a flush, the end */
  GCond         idle;       /* flushers: nothing pending or being written */
  GThread      *thread;
  KariRegistry *registry;   /* not a reference: it owns us */
  GArray       *pending;    /* KariMetricsSample with owned strings */
  gboolean      writing;
  gboolean      flushing;
  gboolean      stopping;
  gint64        downsampled_usec;  /* monotonic; read and written by the writer only */
  GError       *error;      /* the last write's, for the next flush */
  guint64       n_dropped;
};

static void
clear_sample (gpointer data)
{
  KariMetricsSample *s = data;

  g_free ((char *) s->extension);
  g_free ((char *) s->tenant);
}

static GArray *
new_pending (void)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (KariMetricsSample));

  g_array_set_clear_func (a, clear_sample);
  return a;
}

KariMetricsQueue *
_kari_metrics_queue_new (void)
{
  KariMetricsQueue *queue = g_new0 (KariMetricsQueue, 1);

  g_mutex_init (&queue->lock);
  g_cond_init (&queue->wake);
  g_cond_init (&queue->idle);
  queue->pending = new_pending ();
  return queue;
}

#define INTERVAL_USEC ((gint64) KARI_METRICS_DOWNSAMPLE_INTERVAL_SEC * G_USEC_PER_SEC)

/* Called without the lock. */
static void
downsample (KariMetricsQueue *queue)
{
  g_autoptr(GError) error = NULL;

  queue->downsampled_usec = g_get_monotonic_time ();
  if (!kari_registry_downsample_metrics (queue->registry, g_get_real_time (), &error))
    g_debug ("Downsampling metrics: %s", error->message);
}

static void
write_batch (KariMetricsQueue *queue,
             GArray           *batch)
{
  g_autoptr(GError) error = NULL;

  if (!kari_registry_add_metrics (queue->registry, (KariMetricsSample *) (void *) batch->data,
                                  batch->len, &error))
    g_debug ("Dropped %u metrics samples: %s", batch->len, error->message);
  else if (g_get_monotonic_time () - queue->downsampled_usec >= INTERVAL_USEC)
    downsample (queue);

  g_mutex_lock (&queue->lock);
  g_clear_error (&queue->error);
  queue->error = g_steal_pointer (&error);
  g_mutex_unlock (&queue->lock);
}

static gpointer
writer_main (gpointer data)
{
  KariMetricsQueue *queue = data;

  g_mutex_lock (&queue->lock);
  for (;;)
    {
      g_autoptr(GArray) batch = NULL;

      if (queue->pending->len == 0)
        {
          queue->writing = FALSE;
          g_cond_broadcast (&queue->idle);
          if (queue->stopping)
            break;
          /* Idle, the writer is the timer: a pass every interval, so
           * history rolls up while no extension runs. */
          if (!g_cond_wait_until (&queue->wake, &queue->lock, queue->downsampled_usec + INTERVAL_USEC)
              && queue->pending->len == 0 && !queue->stopping)
            {
              queue->writing = TRUE;
              g_mutex_unlock (&queue->lock);
              downsample (queue);
              g_mutex_lock (&queue->lock);
            }
          continue;
        }
      queue->writing = TRUE;
      if (!queue->stopping && !queue->flushing)
        {
          gint64 until = g_get_monotonic_time () + GATHER_USEC;

          while (!queue->stopping && !queue->flushing
                 && g_cond_wait_until (&queue->wake, &queue->lock, until))
            ;
        }
      batch = g_steal_pointer (&queue->pending);
      queue->pending = new_pending ();
      g_mutex_unlock (&queue->lock);
      write_batch (queue, batch);
      g_mutex_lock (&queue->lock);
    }
  g_mutex_unlock (&queue->lock);
  return NULL;
}

/* Writes what is queued and ends the writer; the registry still works. */
void
_kari_metrics_queue_free (KariMetricsQueue *queue)
{
  if (queue == NULL)
    return;
  g_mutex_lock (&queue->lock);
  queue->stopping = TRUE;
  g_cond_signal (&queue->wake);
  g_mutex_unlock (&queue->lock);
  if (queue->thread != NULL)
    g_thread_join (queue->thread);
  g_array_unref (queue->pending);
  g_clear_error (&queue->error);
  g_mutex_clear (&queue->lock);
  g_cond_clear (&queue->wake);
  g_cond_clear (&queue->idle);
  g_free (queue);
}

/**
 * kari_registry_queue_metrics:
 * @self: a #KariRegistry
 * @sample: a raw sample; its strings are copied
 *
 * Queues @sample for the registry's writer thread, which writes what is
 * queued in one transaction within a quarter of a second and downsamples
 * every %KARI_METRICS_DOWNSAMPLE_INTERVAL_SEC. Never waits for the
 * database: call it from the main loop. A sample that cannot be stored
 * is dropped (with a debug message), as are samples past 10,000 waiting.
 */
void
kari_registry_queue_metrics (KariRegistry            *self,
                             const KariMetricsSample *sample)
{
  KariMetricsQueue *queue;
  KariMetricsSample copy;

  g_return_if_fail (KARI_IS_REGISTRY (self));
  g_return_if_fail (sample != NULL);

  queue = self->metrics_queue;
  copy = *sample;
  copy.extension = g_strdup (sample->extension);
  copy.tenant = g_strdup (sample->tenant);

  g_mutex_lock (&queue->lock);
  if (queue->pending->len >= MAX_PENDING || queue->stopping)
    {
      queue->n_dropped++;
      g_mutex_unlock (&queue->lock);
      clear_sample (&copy);
      return;
    }
  g_array_append_val (queue->pending, copy);
  if (queue->thread == NULL)
    {
      queue->registry = self;
      queue->thread = g_thread_new ("kari-metrics", writer_main, queue);
    }
  g_cond_signal (&queue->wake);
  g_mutex_unlock (&queue->lock);
}

/**
 * kari_registry_flush_metrics:
 * @self: a #KariRegistry
 * @error: return location for a #GError
 *
 * Waits until every sample queued with kari_registry_queue_metrics() is
 * written (or dropped). May block: not for the main loop of a host.
 *
 * Returns: %TRUE when the last batch was written, %FALSE with the error
 *   that made it fail
 */
gboolean
kari_registry_flush_metrics (KariRegistry  *self,
                             GError       **error)
{
  KariMetricsQueue *queue;
  gboolean ok = TRUE;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);

  queue = self->metrics_queue;
  g_mutex_lock (&queue->lock);
  queue->flushing = TRUE;
  g_cond_signal (&queue->wake);
  while (queue->thread != NULL && (queue->pending->len > 0 || queue->writing))
    g_cond_wait (&queue->idle, &queue->lock);
  queue->flushing = FALSE;
  if (queue->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&queue->error));
      ok = FALSE;
    }
  g_mutex_unlock (&queue->lock);
  return ok;
}
