/* kari-metrics.c — extensions' metrics in the registry: writing samples,
 * rolling them into minutes and hours, and reading history back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The table (migration 6 in kari-registry-db.c) keeps sums and maxima,
 * never means: a minute is the sum of its samples, an hour the sum of its
 * minutes, and a mean is only made when a point is read, as a sum over
 * the number of samples. So rolling up loses nothing a mean or a maximum
 * needs, and rolling twice gives what rolling once gives.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-metrics-private.h"
#include "kari-registry-private.h"

#define USEC(sec) ((gint64) (sec) * G_USEC_PER_SEC)

/* The columns after (extension, tenant, resolution, time_usec), in the
 * order every statement here names them. */
#define VALUE_COLUMNS \
  "samples, cpu_sum, cpu_max, memory_sum, memory_max, tasks_sum, tasks_max, " \
  "calls, call_errors, call_denied, latency_n, latency_sum_usec, latency_max_usec"

#define SUMMED_COLUMNS \
  "sum(samples), sum(cpu_sum), max(cpu_max), sum(memory_sum), max(memory_max), " \
  "sum(tasks_sum), max(tasks_max), sum(calls), sum(call_errors), sum(call_denied), " \
  "sum(latency_n), sum(latency_sum_usec), max(latency_max_usec)"

#define MERGE_CLAUSE \
  "ON CONFLICT (extension, tenant, resolution, time_usec) WHERE resolution > 0 DO UPDATE SET " \
  "samples = samples + excluded.samples, cpu_sum = cpu_sum + excluded.cpu_sum, " \
  "cpu_max = max(cpu_max, excluded.cpu_max), memory_sum = memory_sum + excluded.memory_sum, " \
  "memory_max = max(memory_max, excluded.memory_max), tasks_sum = tasks_sum + excluded.tasks_sum, " \
  "tasks_max = max(tasks_max, excluded.tasks_max), calls = calls + excluded.calls, " \
  "call_errors = call_errors + excluded.call_errors, " \
  "call_denied = call_denied + excluded.call_denied, latency_n = latency_n + excluded.latency_n, " \
  "latency_sum_usec = latency_sum_usec + excluded.latency_sum_usec, " \
  "latency_max_usec = max(latency_max_usec, excluded.latency_max_usec)"

static sqlite3_stmt *
prepare (KariRegistry  *self,
         const char    *sql,
         GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      _kari_registry_set_sqlite_error (error, self->db, rc, "Preparing a metrics statement");
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

/* A statement prepared for one use, finalized when it goes out of scope
 * (the registry's own cached ones are only reset). */
typedef sqlite3_stmt OwnedStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OwnedStmt, sqlite3_finalize)

static gboolean
check_sample (const KariMetricsSample  *s,
              GError                  **error)
{
  const char *problem = NULL;

  if (s->extension == NULL || *s->extension == '\0')
    problem = "no extension";
  else if (s->tenant == NULL || *s->tenant == '\0')
    problem = "no tenant";
  else if (!(s->cpu_percent >= 0.0) || s->cpu_percent > 1e9)
    problem = "a CPU use that is negative or not a number";
  else if (s->latency_sum_usec < 0 || s->latency_max_usec < 0)
    problem = "a negative latency";
  else if (s->memory_bytes > G_MAXINT64 || s->calls > G_MAXINT64 || s->call_errors > G_MAXINT64
           || s->call_denied > G_MAXINT64 || s->latency_n > G_MAXINT64)
    problem = "a count too large to store";
  if (problem != NULL)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("A metrics sample of “%s” has %s"), s->extension != NULL ? s->extension : "",
                   problem);
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_locked (KariRegistry             *self,
               const KariMetricsSample  *samples,
               guint                     n_samples,
               GError                  **error)
{
  g_autoptr(OwnedStmt) stmt = prepare (
    self, "INSERT INTO metrics (extension, tenant, resolution, time_usec, " VALUE_COLUMNS ") "
          "VALUES (?1, ?2, 0, ?3, 1, ?4, ?4, ?5, ?5, ?6, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_samples; i++)
    {
      const KariMetricsSample *s = &samples[i];
      sqlite3_stmt *st = stmt;

      _kari_registry_bind_text (st, 1, s->extension);
      _kari_registry_bind_text (st, 2, s->tenant);
      sqlite3_bind_int64 (st, 3, s->time_usec);
      sqlite3_bind_double (st, 4, s->cpu_percent);
      sqlite3_bind_int64 (st, 5, (gint64) s->memory_bytes);
      sqlite3_bind_int64 (st, 6, s->tasks);
      sqlite3_bind_int64 (st, 7, (gint64) s->calls);
      sqlite3_bind_int64 (st, 8, (gint64) s->call_errors);
      sqlite3_bind_int64 (st, 9, (gint64) s->call_denied);
      sqlite3_bind_int64 (st, 10, (gint64) s->latency_n);
      sqlite3_bind_int64 (st, 11, s->latency_sum_usec);
      sqlite3_bind_int64 (st, 12, s->latency_max_usec);
      if (!_kari_registry_step_done (self, st, "Writing metrics", error))
        return FALSE;
      sqlite3_reset (st);
    }
  return TRUE;
}

/**
 * kari_registry_add_metrics:
 * @self: a #KariRegistry
 * @samples: (array length=n_samples): raw samples
 * @n_samples: how many
 * @error: return location for a #GError
 *
 * Writes @samples in one transaction: all of them or, on any error
 * (a sample with no extension, a negative CPU use), none.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_registry_add_metrics (KariRegistry             *self,
                           const KariMetricsSample  *samples,
                           guint                     n_samples,
                           GError                  **error)
{
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (samples != NULL || n_samples == 0, FALSE);

  for (guint i = 0; i < n_samples; i++)
    if (!check_sample (&samples[i], error))
      return FALSE;
  if (n_samples == 0)
    return TRUE;

  g_mutex_lock (&self->lock);
  ok = _kari_registry_begin (self, "Writing metrics", error)
       && insert_locked (self, samples, n_samples, error)
       && _kari_registry_commit (self, "Writing metrics", error);
  if (!ok)
    _kari_registry_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* Rolls every row of @from older than @cutoff into rows of @to seconds,
 * merging with rows already there, then deletes what it rolled. */
static gboolean
roll_locked (KariRegistry  *self,
             int            from,
             int            to,
             gint64         cutoff,
             GError       **error)
{
  g_autoptr(OwnedStmt) roll = prepare (
    self, "INSERT INTO metrics (extension, tenant, resolution, time_usec, " VALUE_COLUMNS ") "
          "SELECT extension, tenant, ?3, (time_usec / ?4) * ?4 AS bucket, " SUMMED_COLUMNS " "
          "FROM metrics WHERE resolution = ?1 AND time_usec < ?2 "
          "GROUP BY extension, tenant, bucket " MERGE_CLAUSE, error);
  g_autoptr(OwnedStmt) drop = NULL;

  if (roll == NULL)
    return FALSE;
  sqlite3_bind_int (roll, 1, from);
  sqlite3_bind_int64 (roll, 2, cutoff);
  sqlite3_bind_int (roll, 3, to);
  sqlite3_bind_int64 (roll, 4, USEC (to));
  if (!_kari_registry_step_done (self, roll, "Rolling metrics up", error))
    return FALSE;

  drop = prepare (self, "DELETE FROM metrics WHERE resolution = ?1 AND time_usec < ?2",
                                         error);
  if (drop == NULL)
    return FALSE;
  sqlite3_bind_int (drop, 1, from);
  sqlite3_bind_int64 (drop, 2, cutoff);
  return _kari_registry_step_done (self, drop, "Rolling metrics up", error);
}

/* The start of the bucket of @seconds that holds @usec. */
static gint64
floor_to (gint64 usec,
          int    seconds)
{
  gint64 width = USEC (seconds);

  return usec >= 0 ? usec / width * width : -((-usec + width - 1) / width) * width;
}

/*
 * Downsampling with the registry's lock held; one transaction.
 */
gboolean
_kari_registry_downsample_locked (KariRegistry  *self,
                                  gint64         now_usec,
                                  GError       **error)
{
  /* Only whole buckets move: a minute is rolled once all of it is older
   * than the raw limit, so a later pass never splits one. */
  gint64 raw_cutoff = floor_to (now_usec - USEC (KARI_METRICS_RAW_KEEP_SEC), KARI_METRICS_MINUTE);
  gint64 minute_cutoff = floor_to (now_usec - USEC (KARI_METRICS_MINUTE_KEEP_SEC), KARI_METRICS_HOUR);
  gint64 hour_cutoff = now_usec - USEC (KARI_METRICS_HOUR_KEEP_SEC);
  g_autoptr(OwnedStmt) expire = NULL;
  gboolean ok;

  if (!_kari_registry_begin (self, "Downsampling metrics", error))
    return FALSE;
  expire = prepare (self, "DELETE FROM metrics WHERE resolution = ?1 AND time_usec < ?2",
                                           error);
  ok = expire != NULL
       && roll_locked (self, 0, KARI_METRICS_MINUTE, raw_cutoff, error)
       && roll_locked (self, KARI_METRICS_MINUTE, KARI_METRICS_HOUR, minute_cutoff, error);
  if (ok)
    {
      sqlite3_bind_int (expire, 1, KARI_METRICS_HOUR);
      sqlite3_bind_int64 (expire, 2, hour_cutoff);
      ok = _kari_registry_step_done (self, expire, "Expiring metrics", error);
    }
  ok = ok && _kari_registry_commit (self, "Downsampling metrics", error);
  if (!ok)
    _kari_registry_rollback (self);
  return ok;
}

/**
 * kari_registry_downsample_metrics:
 * @self: a #KariRegistry
 * @now_usec: the present, µs since the epoch (g_get_real_time())
 * @error: return location for a #GError
 *
 * In one transaction: rolls raw samples older than
 * %KARI_METRICS_RAW_KEEP_SEC into one-minute rows, minutes older than
 * %KARI_METRICS_MINUTE_KEEP_SEC into one-hour rows, and deletes hours
 * older than %KARI_METRICS_HOUR_KEEP_SEC. Sums and maxima are carried,
 * so means and maxima read back are those of the raw samples. Running
 * it again at the same @now_usec changes nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_registry_downsample_metrics (KariRegistry  *self,
                                  gint64         now_usec,
                                  GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = _kari_registry_downsample_locked (self, now_usec, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

static int
auto_resolution (gint64 since_usec,
                 gint64 until_usec)
{
  gint64 span = until_usec - since_usec;

  if (since_usec > 0 && span <= USEC (2 * 60 * 60))
    return 0;
  if (since_usec > 0 && span <= USEC (48 * 60 * 60))
    return KARI_METRICS_MINUTE;
  return KARI_METRICS_HOUR;
}

static void
point_from_row (sqlite3_stmt     *stmt,
                int               resolution,
                KariMetricsPoint *p)
{
  p->time_usec = sqlite3_column_int64 (stmt, 0);
  p->resolution = MAX (resolution, sqlite3_column_int (stmt, 1));
  p->samples = (guint64) sqlite3_column_int64 (stmt, 2);
  p->cpu_percent = p->samples > 0 ? sqlite3_column_double (stmt, 3) / (double) p->samples : 0.0;
  p->cpu_percent_max = sqlite3_column_double (stmt, 4);
  p->memory_bytes = p->samples > 0 ? (double) sqlite3_column_int64 (stmt, 5) / (double) p->samples : 0.0;
  p->memory_bytes_max = (guint64) sqlite3_column_int64 (stmt, 6);
  p->tasks = p->samples > 0 ? (double) sqlite3_column_int64 (stmt, 7) / (double) p->samples : 0.0;
  p->tasks_max = (guint) sqlite3_column_int64 (stmt, 8);
  p->calls = (guint64) sqlite3_column_int64 (stmt, 9);
  p->call_errors = (guint64) sqlite3_column_int64 (stmt, 10);
  p->call_denied = (guint64) sqlite3_column_int64 (stmt, 11);
  p->latency_n = (guint64) sqlite3_column_int64 (stmt, 12);
  p->latency_mean_usec = p->latency_n > 0
                         ? (double) sqlite3_column_int64 (stmt, 13) / (double) p->latency_n : 0.0;
  p->latency_max_usec = sqlite3_column_int64 (stmt, 14);
}

/**
 * kari_registry_query_metrics:
 * @self: a #KariRegistry
 * @name: an extension
 * @tenant: the tenant it ran for
 * @since_usec: 0, or only points at or after this time
 * @until_usec: 0, or only points before this time
 * @resolution: the points' resolution, or %KARI_METRICS_RESOLUTION_AUTO
 *   to choose one from the span from @since_usec to @until_usec (or
 *   now): raw up to 2 hours, minutes up to 48 hours, hours beyond or
 *   without @since_usec
 * @error: return location for a #GError
 *
 * Reads @name's history, oldest first. Rows finer than @resolution are
 * summarised into its buckets (means weighted by samples, maxima of
 * maxima); coarser ones come as stored, with their own resolution.
 *
 * Returns: (transfer full) (element-type KariMetricsPoint): the points,
 *   possibly none, or %NULL with @error set
 */
GArray *
kari_registry_query_metrics (KariRegistry           *self,
                             const char             *name,
                             const char             *tenant,
                             gint64                  since_usec,
                             gint64                  until_usec,
                             KariMetricsResolution   resolution,
                             GError                **error)
{
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (KariMetricsPoint));
  g_autoptr(OwnedStmt) stmt = NULL;
  gint64 span_end;
  int width;
  int rc = SQLITE_OK;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (name != NULL && tenant != NULL, NULL);

  /* No end is now, for choosing a resolution; rows stamped later (a
   * clock set back) are still shown. */
  span_end = until_usec > 0 ? until_usec : g_get_real_time ();
  if (until_usec <= 0)
    until_usec = G_MAXINT64;
  if (resolution != KARI_METRICS_RESOLUTION_AUTO && resolution != KARI_METRICS_RESOLUTION_RAW
      && resolution != KARI_METRICS_RESOLUTION_MINUTE && resolution != KARI_METRICS_RESOLUTION_HOUR)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("%d s is not a metrics resolution: use raw, %d s or %d s"), (int) resolution,
                   KARI_METRICS_MINUTE, KARI_METRICS_HOUR);
      return NULL;
    }
  width = resolution == KARI_METRICS_RESOLUTION_AUTO ? auto_resolution (since_usec, span_end)
                                                     : (int) resolution;

  g_mutex_lock (&self->lock);
  /* A raw query groups by the microsecond: rows as stored. */
  stmt = prepare (
    self, "SELECT (time_usec / ?5) * ?5 AS bucket, max(resolution), " SUMMED_COLUMNS " "
          "FROM metrics WHERE extension = ?1 AND tenant = ?2 AND time_usec >= ?3 AND time_usec < ?4 "
          "GROUP BY bucket ORDER BY bucket", error);
  if (stmt != NULL)
    {
      sqlite3_stmt *st = stmt;

      _kari_registry_bind_text (st, 1, name);
      _kari_registry_bind_text (st, 2, tenant);
      sqlite3_bind_int64 (st, 3, since_usec);
      sqlite3_bind_int64 (st, 4, until_usec);
      sqlite3_bind_int64 (st, 5, width > 0 ? USEC (width) : 1);
      while ((rc = sqlite3_step (st)) == SQLITE_ROW)
        {
          KariMetricsPoint p = { 0 };

          point_from_row (st, width, &p);
          g_array_append_val (points, p);
        }
      if (rc != SQLITE_DONE)
        _kari_registry_set_sqlite_error (error, self->db, rc, "Reading metrics");
    }
  g_mutex_unlock (&self->lock);

  if (stmt == NULL || rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&points);
}

/**
 * kari_registry_count_metrics:
 * @self: a #KariRegistry
 * @resolution: count only rows of this resolution, or -1 for every row
 * @error: return location for a #GError
 *
 * Returns: how many metrics rows the registry holds, 0 with @error set
 *   on failure
 */
guint64
kari_registry_count_metrics (KariRegistry  *self,
                             int            resolution,
                             GError       **error)
{
  g_autoptr(OwnedStmt) stmt = NULL;
  guint64 n = 0;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), 0);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT count(*) FROM metrics WHERE ?1 < 0 OR resolution = ?1",
                                         error);
  if (stmt != NULL)
    {
      sqlite3_bind_int (stmt, 1, resolution);
      int rc = sqlite3_step (stmt);

      if (rc == SQLITE_ROW)
        n = (guint64) sqlite3_column_int64 (stmt, 0);
      else
        _kari_registry_set_sqlite_error (error, self->db, rc, "Counting metrics");
    }
  g_mutex_unlock (&self->lock);
  return n;
}
