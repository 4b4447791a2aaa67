/* bench-metrics.c — writing metrics samples, and one downsampling pass
 * over 30 days of history for 50 extensions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "kari-metrics.h"
#include "../kari-test-util.h"
#include "kari-bench-util.h"

#define N_EXTENSIONS 50
#define N_BATCHES    101
#define SEC(s)       ((gint64) (s) * G_USEC_PER_SEC)
/* An hour boundary in the future, so opening the registry rolls nothing. */
#define NOW          SEC (1800000000)
#define N_PASSES     61

static int
fail (const char *what,
      const char *message)
{
  g_printerr ("bench-metrics: %s: %s\n", what, message);
  return 1;
}

/* The floor: the same rows inserted with one prepared statement in one
 * transaction straight into SQLite, no checks, no copies. */
static double
bare_batch_ms (const char *path,
               guint       batch)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  double per[N_BATCHES];

  sqlite3_open (path, &db);
  sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                    "CREATE TABLE bare AS SELECT * FROM metrics WHERE 0;"
                    "CREATE INDEX bare_a ON bare (extension, tenant, time_usec);"
                    "CREATE INDEX bare_b ON bare (resolution, time_usec);", NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO bare VALUES (?1, 'default', 0, ?2, 1, 1.5, 1.5, 1000, 1000, 2, 2, "
                          "3, 0, 0, 3, 300, 200)", -1, &stmt, NULL);
  for (guint b = 0; b < N_BATCHES; b++)
    {
      gint64 start = g_get_monotonic_time ();

      sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      for (guint i = 0; i < batch; i++)
        {
          char name[32];

          g_snprintf (name, sizeof name, "ext-%02u", i);
          sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 2, NOW + SEC (5 * b));
          sqlite3_step (stmt);
          sqlite3_reset (stmt);
        }
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
      per[b] = kari_bench_ms_since (start);
    }
  sqlite3_finalize (stmt);
  sqlite3_exec (db, "DROP TABLE bare", NULL, NULL, NULL);
  sqlite3_close (db);
  kari_bench_sort (per, N_BATCHES);
  return per[N_BATCHES / 2];
}

/* Steady state for 50 extensions: 30 days of hours, 23 hours of
 * minutes, an hour of raw samples every 5 s. */
static const char fill_sql[] =
  "BEGIN;"
  "WITH RECURSIVE e(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM e WHERE i < 49),"
  " k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 720)"
  " INSERT INTO metrics SELECT printf('ext-%02d', i), 'default', 3600, ?1 - 86400000000 - n * 3600000000,"
  "  720, 720 * 2.5, 9.0, 720 * 1000000, 2000000, 720 * 3, 5, 1000, 2, 1, 1000, 500000, 9000 FROM e, k;"
  "WITH RECURSIVE e(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM e WHERE i < 49),"
  " k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 1380)"
  " INSERT INTO metrics SELECT printf('ext-%02d', i), 'default', 60, ?1 - 3600000000 - n * 60000000,"
  "  12, 12 * 2.5, 9.0, 12 * 1000000, 2000000, 12 * 3, 5, 20, 0, 0, 20, 10000, 900 FROM e, k;"
  "WITH RECURSIVE e(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM e WHERE i < 49),"
  " k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 719)"
  " INSERT INTO metrics SELECT printf('ext-%02d', i), 'default', 0, ?1 - n * 5000000,"
  "  1, 2.5, 2.5, 1000000, 1000000, 3, 3, 2, 0, 0, 2, 1000, 600 FROM e, k;"
  "COMMIT;";

static gboolean
fill (const char *path)
{
  sqlite3 *db = NULL;
  const char *sql = fill_sql;
  gboolean ok = TRUE;

  sqlite3_open (path, &db);
  sqlite3_busy_timeout (db, 10000);
  while (ok && *sql != '\0')
    {
      sqlite3_stmt *stmt = NULL;
      const char *tail = NULL;

      if (sqlite3_prepare_v2 (db, sql, -1, &stmt, &tail) != SQLITE_OK)
        ok = FALSE;
      else if (stmt != NULL)
        {
          if (sqlite3_bind_parameter_count (stmt) > 0)
            sqlite3_bind_int64 (stmt, 1, NOW);
          ok = sqlite3_step (stmt) == SQLITE_DONE;
        }
      if (!ok)
        g_printerr ("bench-metrics: filling: %s\n", sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      sql = tail;
    }
  sqlite3_close (db);
  return ok;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kari-bench-metrics-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  KariMetricsSample samples[N_EXTENSIONS];
  char *names[N_EXTENSIONS];
  double per_batch[N_BATCHES], per_pass[N_PASSES];
  double floor_ms, catch_up_ms;
  guint64 rows;
  gint64 start;

  if (dir == NULL)
    return fail ("temporary folder", error->message);
  path = g_build_filename (dir, "registry.db", NULL);
  registry = kari_registry_open (path, NULL, NULL, &error);
  if (registry == NULL)
    return fail ("opening", error->message);

  for (guint i = 0; i < N_EXTENSIONS; i++)
    {
      names[i] = g_strdup_printf ("ext-%02u", i);
      samples[i] = (KariMetricsSample) { names[i], "default", 0, 1.5, 1000, 2, 3, 0, 0, 3, 300, 200 };
    }

  /* One batch as the writer thread makes it: a sample of every running
   * extension in one transaction. */
  for (guint b = 0; b < N_BATCHES; b++)
    {
      for (guint i = 0; i < N_EXTENSIONS; i++)
        samples[i].time_usec = NOW + SEC (5 * b);
      start = g_get_monotonic_time ();
      if (!kari_registry_add_metrics (registry, samples, N_EXTENSIONS, &error))
        return fail ("writing", error->message);
      per_batch[b] = kari_bench_ms_since (start);
    }
  kari_bench_sort (per_batch, N_BATCHES);
  floor_ms = bare_batch_ms (path, N_EXTENSIONS);
  printf ("metrics: a batch of %d samples in one transaction: median %.3f ms (%.1f µs a sample; "
          "min %.3f, max %.3f over %d batches), bare SQLite insert of the same rows %.3f ms, "
          "ratio %.2f, target ≤ 1.5\n",
          N_EXTENSIONS, per_batch[N_BATCHES / 2], per_batch[N_BATCHES / 2] * 1000.0 / N_EXTENSIONS,
          per_batch[0], per_batch[N_BATCHES - 1], N_BATCHES, floor_ms, per_batch[N_BATCHES / 2] / floor_ms);

  /* Start again from the steady state of 30 days. */
  g_clear_object (&registry);
  kari_test_rm_rf (dir);
  g_mkdir_with_parents (dir, 0700);
  registry = kari_registry_open (path, NULL, NULL, &error);
  if (registry == NULL)
    return fail ("opening", error->message);
  start = g_get_monotonic_time ();
  if (!fill (path))
    return 1;
  rows = kari_registry_count_metrics (registry, -1, NULL);
  printf ("metrics: %" G_GUINT64_FORMAT " rows of 30 days for %d extensions written in %.0f ms\n",
          rows, N_EXTENSIONS, kari_bench_ms_since (start));

  /* A pass a minute, as the writer runs them: each rolls a minute of raw
   * samples, and the one at the hour an hour of minutes. */
  for (guint p = 0; p < N_PASSES; p++)
    {
      start = g_get_monotonic_time ();
      if (!kari_registry_downsample_metrics (registry, NOW + SEC (60 * (p + 1)), &error))
        return fail ("downsampling", error->message);
      per_pass[p] = kari_bench_ms_since (start);
    }
  kari_bench_sort (per_pass, N_PASSES);
  printf ("metrics: one downsampling pass over 30 days × %d extensions (%" G_GUINT64_FORMAT " rows): "
          "median %.2f ms (min %.2f, max %.2f with an hour rolled, over %d passes a minute apart), "
          "target < 100 ms (it runs on the writer thread, not the main loop)\n",
          N_EXTENSIONS, rows, per_pass[N_PASSES / 2], per_pass[0], per_pass[N_PASSES - 1], N_PASSES);

  /* A registry left alone for a day catches up in one pass at open. */
  start = g_get_monotonic_time ();
  if (!kari_registry_downsample_metrics (registry, NOW + SEC (25 * 3600), &error))
    return fail ("downsampling", error->message);
  catch_up_ms = kari_bench_ms_since (start);
  printf ("metrics: catching up a day in one pass: %.1f ms, %" G_GUINT64_FORMAT " rows left\n",
          catch_up_ms, kari_registry_count_metrics (registry, -1, NULL));

  g_clear_object (&registry);
  for (guint i = 0; i < N_EXTENSIONS; i++)
    g_free (names[i]);
  kari_test_rm_rf (dir);
  return 0;
}
