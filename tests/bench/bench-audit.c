/* bench-audit.c — the audit log: sustained throughput with nothing lost,
 * append() latency, and a query over 1,000,000 rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "kari-audit.h"
#include "../kari-test-util.h"
#include "kari-bench-util.h"

#define N_PRODUCERS      2
#define SUSTAIN_SECONDS  3
#define LATENCY_BATCHES  101
#define LATENCY_BATCH    1000
#define N_ROWS           1000000
#define N_EXTENSIONS     100
#define QUERY_RUNS       51

static void
die (const char *what,
     GError     *error)
{
  g_printerr ("%s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

/* A typical decision: strings of the lengths the engine passes. */
static KariAuditEntry
typical_entry (char *extension)
{
  KariAuditEntry entry = {
    .kind = KARI_AUDIT_CHECK,
    .extension = extension,
    .tenant = (char *) "default",
    .user = (char *) "alice",
    .permission = (char *) "filesystem:read:~/Documents/**",
    .resource = (char *) "/home/alice/Documents/reports/2024/q3.odt",
    .allowed = TRUE,
    .cached = TRUE,
    .decided_by = (char *) "grant:12",
  };
  return entry;
}

typedef struct
{
  KariAuditLog *log;
  gint64        deadline;
  guint64       count;
} Producer;

static gpointer
produce (gpointer data)
{
  Producer *p = data;
  char extension[] = "io.github.example.weather";
  KariAuditEntry entry = typical_entry (extension);

  while (g_get_monotonic_time () < p->deadline)
    for (guint i = 0; i < 1024; i++)
      {
        entry.allowed = i & 1;
        kari_audit_log_append (p->log, &entry);
        p->count++;
      }
  return NULL;
}

static gint64
count_rows (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, "SELECT count(*) FROM audit_log", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
bench_throughput (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAuditLog) log = kari_audit_log_open (path, &error);
  Producer producers[N_PRODUCERS];
  GThread *threads[N_PRODUCERS];
  guint64 total = 0;
  gint64 start, elapsed, rows;
  double rate;

  if (log == NULL)
    die ("open", error);

  start = g_get_monotonic_time ();
  for (guint t = 0; t < N_PRODUCERS; t++)
    {
      producers[t] = (Producer) { log, start + SUSTAIN_SECONDS * G_USEC_PER_SEC, 0 };
      threads[t] = g_thread_new ("producer", produce, &producers[t]);
    }
  for (guint t = 0; t < N_PRODUCERS; t++)
    {
      g_thread_join (threads[t]);
      total += producers[t].count;
    }
  if (!kari_audit_log_flush (log, &error))
    die ("flush", error);
  elapsed = g_get_monotonic_time () - start;

  rows = count_rows (path);
  rate = (double) total / ((double) elapsed / G_USEC_PER_SEC);
  printf ("audit sustained throughput (%d threads, %.1f s incl. final flush): %.0f decisions/s "
          "(target >= 100000) %s\n",
          N_PRODUCERS, (double) elapsed / G_USEC_PER_SEC, rate, rate >= 100000 ? "OK" : "MISSED");
  printf ("  appended %" G_GUINT64_FORMAT ", rows written %" G_GINT64_FORMAT ": %s\n",
          total, rows, rows == (gint64) total ? "nothing lost" : "MISMATCH");
  if (rows != (gint64) total)
    exit (1);
}

static void
bench_latency (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAuditLog) log = kari_audit_log_open (path, &error);
  char extension[] = "io.github.example.weather";
  KariAuditEntry entry = typical_entry (extension);
  double per_append[LATENCY_BATCHES];

  if (log == NULL)
    die ("open", error);

  for (guint b = 0; b < LATENCY_BATCHES; b++)
    {
      gint64 t0 = g_get_monotonic_time ();

      for (guint i = 0; i < LATENCY_BATCH; i++)
        kari_audit_log_append (log, &entry);
      per_append[b] = kari_bench_ns_per (t0, LATENCY_BATCH);
      /* a realistic pace: the writer keeps up, no back-pressure */
      g_usleep (2000);
    }
  if (!kari_audit_log_flush (log, &error))
    die ("flush", error);

  kari_bench_sort (per_append, LATENCY_BATCHES);
  printf ("audit append() latency, median of %d batches of %d: %.0f ns (aim 100-200 ns; "
          "the cached check's whole budget is 500 ns) %s\n",
          LATENCY_BATCHES, LATENCY_BATCH, per_append[LATENCY_BATCHES / 2],
          per_append[LATENCY_BATCHES / 2] <= 200 ? "OK" : "MISSED");
}

static void
fill_rows (const char *path,
           gint64      t0)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GRand *rand = g_rand_new_with_seed (42);

  if (sqlite3_open (path, &db) != SQLITE_OK ||
      sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "INSERT INTO audit_log (time_usec, kind, extension, tenant, user,"
                              " permission, resource, decision, cached, decided_by)"
                              " VALUES (?, 'check', ?, ?, ?, 'data:read', ?, ?, ?, 'grant:1')",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_printerr ("filling: %s\n", sqlite3_errmsg (db));
      exit (1);
    }

  for (guint i = 0; i < N_ROWS; i++)
    {
      char extension[32], user[16], resource[64];

      g_snprintf (extension, sizeof extension, "io.github.ext%u", g_rand_int_range (rand, 0, N_EXTENSIONS));
      g_snprintf (user, sizeof user, "user%u", g_rand_int_range (rand, 0, 20));
      g_snprintf (resource, sizeof resource, "/home/user/file-%u", i);
      /* one row a second, a million seconds */
      sqlite3_bind_int64 (stmt, 1, t0 + (gint64) i * G_USEC_PER_SEC);
      sqlite3_bind_text (stmt, 2, extension, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, i % 4 ? "default" : "acme", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, user, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, resource, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, i % 7 ? "allow" : "deny", -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 7, i % 2);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          g_printerr ("filling: %s\n", sqlite3_errmsg (db));
          exit (1);
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (sqlite3_exec (db, "COMMIT; ANALYZE", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_printerr ("filling: %s\n", sqlite3_errmsg (db));
      exit (1);
    }
  sqlite3_close (db);
  g_rand_free (rand);
}

static void
bench_query (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAuditLog) log = NULL;
  gint64 t0 = (gint64) 1700000000 * G_USEC_PER_SEC;
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  double ms[QUERY_RUNS];
  guint n_rows = 0;

  /* the log creates the schema, then the rows go in directly */
  log = kari_audit_log_open (path, &error);
  if (log == NULL)
    die ("open", error);
  fill_rows (path, t0);

  /* one extension (~1% of rows) over a tenth of the time span */
  query.extension = "io.github.ext42";
  query.since_usec = t0 + (gint64) 400000 * G_USEC_PER_SEC;
  query.until_usec = t0 + (gint64) 500000 * G_USEC_PER_SEC;

  for (guint r = 0; r < QUERY_RUNS; r++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) rows = kari_audit_log_query (log, &query, &error);

      if (rows == NULL)
        die ("query", error);
      ms[r] = kari_bench_ms_since (start);
      n_rows = rows->len;
    }
  kari_bench_sort (ms, QUERY_RUNS);
  printf ("audit query over %d rows by extension and time range (first page, %u rows): "
          "median %.3f ms (target < 50 ms) %s\n",
          N_ROWS, n_rows, ms[QUERY_RUNS / 2], ms[QUERY_RUNS / 2] < 50 ? "OK" : "MISSED");
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kari-bench-audit-XXXXXX", &error);
  const char *names[] = { "throughput.db", "latency.db", "query.db" };
  void (*benches[]) (const char *) = { bench_throughput, bench_latency, bench_query };

  if (dir == NULL)
    die ("temporary folder", error);

  for (guint i = 0; i < G_N_ELEMENTS (benches); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      benches[i] (path);
    }
  kari_test_rm_rf (dir);
  return 0;
}
