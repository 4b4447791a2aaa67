/* test-metrics.c — metrics in a real registry file: writing, rolling up
 * into minutes and hours, retention, migration (test-metrics-run.c has
 * the supervisor and kari-ext writing and reading them)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <sqlite3.h>

#include "kari-test-metrics.h"
#include "kari-test-sql.h"

/* What is written is read back, raw, oldest first; bad samples write
 * nothing. */
static void
test_add_query (Fixture       *f,
                gconstpointer  data)
{
  KariMetricsSample s[3] = {
    sample ("a", "t", NOW + SEC (10), 12.5, 1000, 3),
    sample ("a", "t", NOW, 50.0, 3000, 1),
    sample ("b", "t", NOW, 1.0, 1, 1),
  };
  g_autoptr(GArray) points = NULL;
  g_autoptr(GError) error = NULL;

  s[0].calls = 7;
  s[0].call_errors = 2;
  s[0].call_denied = 1;
  s[0].latency_n = 4;
  s[0].latency_sum_usec = 1000;
  s[0].latency_max_usec = 700;
  add (f, s, G_N_ELEMENTS (s));

  points = query (f, "a", "t", KARI_METRICS_RESOLUTION_RAW);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpint (POINT (points, 0)->time_usec, ==, NOW);
  g_assert_cmpfloat (POINT (points, 0)->cpu_percent, ==, 50.0);
  g_assert_cmpuint (POINT (points, 1)->resolution, ==, 0);
  g_assert_cmpuint (POINT (points, 1)->samples, ==, 1);
  g_assert_cmpfloat (POINT (points, 1)->cpu_percent, ==, 12.5);
  g_assert_cmpfloat (POINT (points, 1)->memory_bytes, ==, 1000);
  g_assert_cmpuint (POINT (points, 1)->memory_bytes_max, ==, 1000);
  g_assert_cmpuint (POINT (points, 1)->tasks_max, ==, 3);
  g_assert_cmpuint (POINT (points, 1)->calls, ==, 7);
  g_assert_cmpuint (POINT (points, 1)->call_errors, ==, 2);
  g_assert_cmpuint (POINT (points, 1)->call_denied, ==, 1);
  g_assert_cmpfloat (POINT (points, 1)->latency_mean_usec, ==, 250.0);
  g_assert_cmpint (POINT (points, 1)->latency_max_usec, ==, 700);
  g_clear_pointer (&points, g_array_unref);

  /* since is inclusive, until exclusive */
  points = kari_registry_query_metrics (f->registry, "a", "t", NOW, NOW + SEC (10),
                                        KARI_METRICS_RESOLUTION_AUTO, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 1);
  g_assert_cmpint (POINT (points, 0)->time_usec, ==, NOW);
  g_clear_pointer (&points, g_array_unref);

  points = query (f, "nosuch", "t", KARI_METRICS_RESOLUTION_AUTO);
  g_assert_cmpuint (points->len, ==, 0);
  g_clear_pointer (&points, g_array_unref);

  /* One bad sample in a batch: nothing of it is written. */
  {
    KariMetricsSample bad[2] = {
      sample ("a", "t", NOW + SEC (20), 1.0, 1, 1),
      sample ("a", "t", NOW + SEC (30), -1.0, 1, 1),
    };

    g_assert_false (kari_registry_add_metrics (f->registry, bad, 2, &error));
    g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "“a”"));
    g_clear_error (&error);
    bad[1] = sample (NULL, "t", NOW, 1.0, 1, 1);
    g_assert_false (kari_registry_add_metrics (f->registry, bad, 2, &error));
    g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
    g_clear_error (&error);
    bad[1] = sample ("a", "t", NOW, NAN, 1, 1);
    g_assert_false (kari_registry_add_metrics (f->registry, bad, 2, &error));
    g_clear_error (&error);
  }
  g_assert_cmpuint (count (f, -1), ==, 3);

  /* Not a resolution */
  g_assert_null (kari_registry_query_metrics (f->registry, "a", "t", 0, 0, 42, &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
}

/* Raw → minutes: means over samples, maxima of maxima, sums of calls,
 * whole minutes only, and a second pass changes nothing. */
static void
test_downsample_minutes (Fixture       *f,
                         gconstpointer  data)
{
  gint64 m1 = NOW - SEC (2 * 3600);
  KariMetricsSample s[] = {
    sample ("a", "t", m1, 10.0, 100, 1),
    sample ("a", "t", m1 + SEC (60) - 1, 30.0, 300, 3),   /* the last µs of m1 */
    sample ("a", "t", m1 + SEC (60), 5.0, 50, 2),          /* the first of m2 */
    sample ("a", "t", NOW - SEC (3600) - 1, 7.0, 70, 7),   /* just past the raw limit */
    sample ("a", "t", NOW - SEC (3600), 9.0, 90, 9),       /* exactly at it: stays raw */
    sample ("b", "t", m1, 1.0, 1, 1),
    sample ("a", "u", m1, 2.0, 2, 2),
  };
  g_autoptr(GArray) points = NULL;
  const KariMetricsPoint *p;

  s[0].calls = 2;
  s[0].call_errors = 1;
  s[0].latency_n = 2;
  s[0].latency_sum_usec = 30;
  s[0].latency_max_usec = 20;
  s[1].calls = 4;
  s[1].call_denied = 1;
  s[1].latency_n = 1;
  s[1].latency_sum_usec = 50;
  s[1].latency_max_usec = 50;
  add (f, s, G_N_ELEMENTS (s));

  downsample (f, NOW);
  g_assert_cmpuint (count (f, 0), ==, 1);
  g_assert_cmpuint (count (f, KARI_METRICS_MINUTE), ==, 5);

  points = query (f, "a", "t", KARI_METRICS_RESOLUTION_RAW);
  g_assert_cmpuint (points->len, ==, 4);
  p = POINT (points, 0);
  g_assert_cmpint (p->time_usec, ==, m1);
  g_assert_cmpuint (p->resolution, ==, 60);
  g_assert_cmpuint (p->samples, ==, 2);
  g_assert_cmpfloat_with_epsilon (p->cpu_percent, 20.0, 1e-9);
  g_assert_cmpfloat (p->cpu_percent_max, ==, 30.0);
  g_assert_cmpfloat_with_epsilon (p->memory_bytes, 200.0, 1e-9);
  g_assert_cmpuint (p->memory_bytes_max, ==, 300);
  g_assert_cmpfloat_with_epsilon (p->tasks, 2.0, 1e-9);
  g_assert_cmpuint (p->tasks_max, ==, 3);
  g_assert_cmpuint (p->calls, ==, 6);
  g_assert_cmpuint (p->call_errors, ==, 1);
  g_assert_cmpuint (p->call_denied, ==, 1);
  g_assert_cmpfloat_with_epsilon (p->latency_mean_usec, 80.0 / 3.0, 1e-9);
  g_assert_cmpint (p->latency_max_usec, ==, 50);
  p = POINT (points, 1);
  g_assert_cmpint (p->time_usec, ==, m1 + SEC (60));
  g_assert_cmpuint (p->samples, ==, 1);
  g_assert_cmpfloat (p->cpu_percent, ==, 5.0);
  g_assert_cmpfloat (p->latency_mean_usec, ==, 0.0);
  p = POINT (points, 2);
  g_assert_cmpint (p->time_usec, ==, NOW - SEC (3600) - SEC (60));
  g_assert_cmpuint (p->resolution, ==, 60);
  p = POINT (points, 3);
  g_assert_cmpint (p->time_usec, ==, NOW - SEC (3600));
  g_assert_cmpuint (p->resolution, ==, 0);
  g_clear_pointer (&points, g_array_unref);

  /* Idempotent */
  downsample (f, NOW);
  g_assert_cmpuint (count (f, 0), ==, 1);
  g_assert_cmpuint (count (f, KARI_METRICS_MINUTE), ==, 5);
  points = query (f, "a", "t", KARI_METRICS_RESOLUTION_RAW);
  g_assert_cmpuint (POINT (points, 0)->samples, ==, 2);
  g_assert_cmpfloat_with_epsilon (POINT (points, 0)->cpu_percent, 20.0, 1e-9);
  g_clear_pointer (&points, g_array_unref);

  /* A late sample for a minute already rolled is merged into it. */
  {
    KariMetricsSample late = sample ("a", "t", m1 + SEC (30), 80.0, 1000, 1);

    late.calls = 1;
    late.latency_n = 1;
    late.latency_sum_usec = 20;
    late.latency_max_usec = 20;
    add (f, &late, 1);
  }
  downsample (f, NOW);
  g_assert_cmpuint (count (f, KARI_METRICS_MINUTE), ==, 5);
  points = query (f, "a", "t", KARI_METRICS_RESOLUTION_RAW);
  p = POINT (points, 0);
  g_assert_cmpuint (p->samples, ==, 3);
  g_assert_cmpfloat_with_epsilon (p->cpu_percent, 40.0, 1e-9);
  g_assert_cmpfloat (p->cpu_percent_max, ==, 80.0);
  g_assert_cmpfloat_with_epsilon (p->memory_bytes, 1400.0 / 3.0, 1e-9);
  g_assert_cmpuint (p->memory_bytes_max, ==, 1000);
  g_assert_cmpuint (p->calls, ==, 7);
  g_assert_cmpfloat_with_epsilon (p->latency_mean_usec, 25.0, 1e-9);
  g_clear_pointer (&points, g_array_unref);

  /* Other extensions and tenants kept apart. */
  points = query (f, "a", "u", KARI_METRICS_RESOLUTION_RAW);
  g_assert_cmpuint (points->len, ==, 1);
  g_assert_cmpfloat (POINT (points, 0)->cpu_percent, ==, 2.0);
  g_clear_pointer (&points, g_array_unref);
  points = query (f, "b", "t", KARI_METRICS_RESOLUTION_RAW);
  g_assert_cmpuint (points->len, ==, 1);
  g_assert_cmpfloat (POINT (points, 0)->cpu_percent, ==, 1.0);
}

/* Minutes → hours weighted by samples, then hours expire after 30 days,
 * not a microsecond before. */
static void
test_downsample_hours (Fixture       *f,
                       gconstpointer  data)
{
  gint64 h = NOW - SEC (5 * 3600);
  /* 3 samples in one minute, 1 in another, 1 in the next hour */
  KariMetricsSample s[] = {
    sample ("a", "t", h, 10.0, 10, 1),
    sample ("a", "t", h + SEC (1), 20.0, 20, 1),
    sample ("a", "t", h + SEC (2), 30.0, 30, 1),
    sample ("a", "t", h + SEC (3599), 90.0, 90, 4),
    sample ("a", "t", h + SEC (3600), 1.0, 1, 1),
  };
  g_autoptr(GArray) points = NULL;
  const KariMetricsPoint *p;
  gint64 later;

  add (f, s, G_N_ELEMENTS (s));
  downsample (f, NOW);
  g_assert_cmpuint (count (f, KARI_METRICS_MINUTE), ==, 3);

  /* Minutes of h are over 24 hours old once h + 1 h + 24 h has passed;
   * those of h + 1 h are not yet. */
  later = h + SEC (3600) + SEC (24 * 3600);
  downsample (f, later);
  g_assert_cmpuint (count (f, KARI_METRICS_HOUR), ==, 1);
  g_assert_cmpuint (count (f, KARI_METRICS_MINUTE), ==, 1);
  points = query (f, "a", "t", KARI_METRICS_RESOLUTION_RAW);
  g_assert_cmpuint (points->len, ==, 2);
  p = POINT (points, 0);
  g_assert_cmpint (p->time_usec, ==, h);
  g_assert_cmpuint (p->resolution, ==, 3600);
  g_assert_cmpuint (p->samples, ==, 4);
  /* (10 + 20 + 30 + 90) / 4, not the mean of the minutes' means */
  g_assert_cmpfloat_with_epsilon (p->cpu_percent, 37.5, 1e-9);
  g_assert_cmpfloat (p->cpu_percent_max, ==, 90.0);
  g_assert_cmpfloat_with_epsilon (p->memory_bytes, 37.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (p->tasks, 7.0 / 4.0, 1e-9);
  g_assert_cmpuint (p->tasks_max, ==, 4);
  g_clear_pointer (&points, g_array_unref);

  /* The next hour is rolled an hour later; a second pass changes nothing. */
  downsample (f, later + SEC (3600));
  g_assert_cmpuint (count (f, KARI_METRICS_HOUR), ==, 2);
  downsample (f, later + SEC (3600));
  g_assert_cmpuint (count (f, KARI_METRICS_HOUR), ==, 2);

  /* Retention: the hour at h goes once it is over 30 days old. */
  downsample (f, h + SEC (KARI_METRICS_HOUR_KEEP_SEC));
  g_assert_cmpuint (count (f, KARI_METRICS_HOUR), ==, 2);
  downsample (f, h + SEC (KARI_METRICS_HOUR_KEEP_SEC) + 1);
  g_assert_cmpuint (count (f, KARI_METRICS_HOUR), ==, 1);
  points = query (f, "a", "t", KARI_METRICS_RESOLUTION_AUTO);
  g_assert_cmpuint (points->len, ==, 1);
  g_assert_cmpint (POINT (points, 0)->time_usec, ==, h + SEC (3600));
  g_clear_pointer (&points, g_array_unref);
  downsample (f, h + SEC (3600) + SEC (KARI_METRICS_HOUR_KEEP_SEC) + 1);
  g_assert_cmpuint (count (f, -1), ==, 0);
}

/* A query at a coarser resolution than the rows groups them exactly as
 * downsampling would. */
static void
test_query_grouped (Fixture       *f,
                    gconstpointer  data)
{
  KariMetricsSample s[] = {
    sample ("a", "t", NOW + SEC (1), 10.0, 100, 1),
    sample ("a", "t", NOW + SEC (2), 20.0, 300, 5),
    sample ("a", "t", NOW + SEC (61), 40.0, 50, 2),
  };
  g_autoptr(GArray) points = NULL;
  g_autoptr(GError) error = NULL;

  add (f, s, G_N_ELEMENTS (s));
  points = query (f, "a", "t", KARI_METRICS_RESOLUTION_MINUTE);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpint (POINT (points, 0)->time_usec, ==, NOW);
  g_assert_cmpuint (POINT (points, 0)->resolution, ==, 60);
  g_assert_cmpfloat_with_epsilon (POINT (points, 0)->cpu_percent, 15.0, 1e-9);
  g_assert_cmpuint (POINT (points, 0)->memory_bytes_max, ==, 300);
  g_clear_pointer (&points, g_array_unref);

  points = query (f, "a", "t", KARI_METRICS_RESOLUTION_HOUR);
  g_assert_cmpuint (points->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (POINT (points, 0)->cpu_percent, 70.0 / 3.0, 1e-9);
  g_clear_pointer (&points, g_array_unref);

  /* Auto: an hour's span is raw, a day's in minutes. */
  points = kari_registry_query_metrics (f->registry, "a", "t", NOW, NOW + SEC (3600),
                                        KARI_METRICS_RESOLUTION_AUTO, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 3);
  g_clear_pointer (&points, g_array_unref);
  points = kari_registry_query_metrics (f->registry, "a", "t", NOW, NOW + SEC (24 * 3600),
                                        KARI_METRICS_RESOLUTION_AUTO, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
}

/* Queued samples are written by the writer thread; a flush waits. */
static void
test_queue (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("ext-%u", i % 10);
      KariMetricsSample s = sample (name, "t", now + i, 1.0, i, 1);

      kari_registry_queue_metrics (f->registry, &s);
    }
  g_assert_true (kari_registry_flush_metrics (f->registry, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (f, 0), ==, 100);

  /* A bad one is dropped, and the flush says why. */
  {
    KariMetricsSample bad = sample ("ext-0", "t", now, -5.0, 1, 1);

    kari_registry_queue_metrics (f->registry, &bad);
    g_assert_false (kari_registry_flush_metrics (f->registry, &error));
    g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
    g_clear_error (&error);
  }
  /* What is queued when the registry goes is written before it closes. */
  {
    KariMetricsSample s = sample ("ext-0", "t", now + 1000, 1.0, 1, 1);

    kari_registry_queue_metrics (f->registry, &s);
    g_clear_object (&f->registry);
    g_assert_cmpint (sql_int (f->db, "SELECT count(*) FROM metrics"), ==, 101);
  }
}

/* The schema as Kari with registry version 5 wrote it: migrations 1 to 5. */
static const char v5_schema[] =
  "CREATE TABLE extension_versions (name TEXT NOT NULL REFERENCES extensions (name) ON DELETE CASCADE"
  "  DEFERRABLE INITIALLY DEFERRED, version TEXT NOT NULL, path TEXT NOT NULL, manifest TEXT NOT NULL,"
  "  installed_usec INTEGER NOT NULL, PRIMARY KEY (name, version));"
  "CREATE TABLE extensions (name TEXT NOT NULL PRIMARY KEY CHECK (name <> ''), version TEXT NOT NULL,"
  "  path TEXT NOT NULL, manifest TEXT NOT NULL, state TEXT NOT NULL, installed_usec INTEGER NOT NULL,"
  "  updated_usec INTEGER NOT NULL, FOREIGN KEY (name, version) REFERENCES extension_versions (name, version)"
  "  DEFERRABLE INITIALLY DEFERRED);"
  "CREATE TABLE state_history (id INTEGER PRIMARY KEY, name TEXT NOT NULL REFERENCES extensions (name)"
  "  ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, from_state TEXT NOT NULL, to_state TEXT NOT NULL,"
  "  reason TEXT, time_usec INTEGER NOT NULL);"
  "CREATE INDEX state_history_by_name ON state_history (name, id);"
  "CREATE TABLE roles (tenant TEXT NOT NULL, name TEXT NOT NULL, description TEXT, PRIMARY KEY (tenant, name));"
  "CREATE TABLE tenant_users (tenant TEXT NOT NULL, user TEXT NOT NULL, role TEXT NOT NULL,"
  "  PRIMARY KEY (tenant, user, role));"
  "CREATE TABLE settings (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, time_usec INTEGER NOT NULL, kind TEXT NOT NULL,"
  "  extension TEXT, tenant TEXT, user TEXT, permission TEXT, resource TEXT, decision TEXT NOT NULL,"
  "  cached INTEGER NOT NULL DEFAULT 0, decided_by TEXT, detail TEXT);"
  "CREATE INDEX audit_by_time ON audit_log (time_usec);"
  "CREATE INDEX audit_by_extension ON audit_log (extension, time_usec);"
  "CREATE INDEX audit_by_tenant ON audit_log (tenant, time_usec);"
  "CREATE INDEX audit_by_decision ON audit_log (decision, time_usec);"
  "CREATE TABLE grants (id INTEGER PRIMARY KEY AUTOINCREMENT, extension TEXT NOT NULL, tenant TEXT NOT NULL,"
  "  user TEXT, permission TEXT NOT NULL, scope TEXT NOT NULL, until_usec INTEGER, boot_id TEXT,"
  "  until_boottime_usec INTEGER, granted_by TEXT NOT NULL, granted_usec INTEGER NOT NULL);"
  "CREATE INDEX grants_by_extension ON grants (extension, tenant);"
  "INSERT INTO extension_versions VALUES ('crm', '1.0.0', '/x/crm', '{\"name\":\"crm\",\"version\":\"1.0.0\"}', 5);"
  "INSERT INTO extension_versions VALUES ('crm', '1.1.0', '/x/crm2', '{\"name\":\"crm\",\"version\":\"1.1.0\"}', 6);"
  "INSERT INTO extensions VALUES ('crm', '1.1.0', '/x/crm2', '{\"name\":\"crm\",\"version\":\"1.1.0\"}', 'enabled', 5, 6);"
  "INSERT INTO state_history (name, from_state, to_state, reason, time_usec) VALUES ('crm', 'installed', 'enabled', 'why', 6);"
  "INSERT INTO roles VALUES ('default', 'auditor', 'reads the log');"
  "INSERT INTO tenant_users VALUES ('default', 'ann', 'auditor');"
  "INSERT INTO settings VALUES ('policy', 'strict');"
  "INSERT INTO audit_log (time_usec, kind, extension, decision) VALUES (7, 'check', 'crm', 'deny');"
  "INSERT INTO grants (extension, tenant, permission, scope, granted_by, granted_usec)"
  "  VALUES ('crm', 'default', 'data:read', 'persistent', 'ann', 8);"
  "PRAGMA user_version = 5;";

/* Opening a version-5 registry adds the metrics table and keeps the rest. */
static void
test_migrate_from_5 (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GArray) points = NULL;
  g_autoptr(GError) error = NULL;
  KariMetricsSample s = sample ("crm", "default", NOW, 3.0, 4, 5);

  kari_test_tmp_db ("kari-metrics-v5-XXXXXX", "registry.db", &dir, &db);
  sql_exec (db, "PRAGMA journal_mode = WAL");
  sql_exec (db, v5_schema);

  registry = kari_registry_open (db, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (kari_registry_get_recovered_path (registry));
  g_assert_cmpint (sql_int (db, "PRAGMA user_version"), ==, KARI_REGISTRY_SCHEMA_VERSION);

  entry = kari_registry_lookup (registry, "crm", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (entry->version, ==, "1.1.0");
  g_assert_cmpint (entry->state, ==, KARI_STATE_ENABLED);
  versions = kari_registry_list_versions (registry, "crm", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 2);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM state_history WHERE reason = 'why'"), ==, 1);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM roles WHERE name = 'auditor'"), ==, 1);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM tenant_users WHERE user = 'ann'"), ==, 1);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM settings WHERE value = 'strict'"), ==, 1);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM audit_log WHERE decision = 'deny'"), ==, 1);
  g_assert_cmpint (sql_int (db, "SELECT id FROM grants WHERE permission = 'data:read'"), ==, 1);

  g_assert_true (kari_registry_add_metrics (registry, &s, 1, &error));
  g_assert_no_error (error);
  points = kari_registry_query_metrics (registry, "crm", "default", 0, 0, KARI_METRICS_RESOLUTION_RAW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 1);
  g_assert_cmpuint (POINT (points, 0)->tasks_max, ==, 5);

  g_clear_object (&registry);
  kari_test_tmp_db_clear (&dir, &db);
}

/* Removing an extension removes its metrics, and only its. */
static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KariMetricsSample s[] = {
    sample ("crm", "t", NOW, 1.0, 1, 1),
    sample ("crm", "u", NOW, 1.0, 1, 1),
    sample ("other", "t", NOW, 1.0, 1, 1),
  };

  g_assert_true (kari_registry_install_values (f->registry, "crm", "1.0.0", "/x/crm",
                                               "{\"name\": \"crm\", \"version\": \"1.0.0\"}", NULL, &error));
  g_assert_no_error (error);
  add (f, s, G_N_ELEMENTS (s));
  g_assert_true (kari_registry_remove (f->registry, "crm", "test", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (f, -1), ==, 1);
}

/* Another process writes the registry and closes it, as any kari-ext
 * command does. */
static void
write_from_another_process (const char *db)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self, NULL };
  g_autofree char *env_db = g_strconcat ("KARI_TEST_WRITE_REGISTRY=", db, NULL);
  const char *envp[] = { env_db, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, (char **) envp, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Opening the audit log of a registry this process has open must not
 * drop the registry's locks: else the other process, closing, takes
 * itself for the last one and deletes the WAL, and what is written here
 * afterwards is seen by no one until this process exits. */
static void
test_shared_wal (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAuditLog) audit = kari_audit_log_open (f->db, &error);
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  KariMetricsSample s = sample ("a", "t", NOW, 1.0, 1, 1);
  KariAuditEntry entry = { 0 };

  g_assert_no_error (error);
  entry.kind = KARI_AUDIT_CHECK;
  entry.permission = (char *) "data:read";
  kari_audit_log_append (audit, &entry);
  g_assert_true (kari_audit_log_flush (audit, &error));
  g_assert_no_error (error);

  write_from_another_process (f->db);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  kari_audit_log_append (audit, &entry);
  g_assert_true (kari_audit_log_flush (audit, &error));
  add (f, &s, 1);
  g_assert_cmpint (sql_int (f->db, "SELECT count(*) FROM audit_log"), ==, 2);
  g_assert_cmpint (sql_int (f->db, "SELECT count(*) FROM settings WHERE key = 'other'"), ==, 1);
  g_assert_cmpint (sql_int (f->db, "SELECT count(*) FROM metrics"), ==, 1);
  g_assert_true (kari_audit_log_close (audit, &error));
}

int
main (int    argc,
      char **argv)
{
  if (g_getenv ("KARI_TEST_WRITE_REGISTRY") != NULL)
    {
      sql_exec (g_getenv ("KARI_TEST_WRITE_REGISTRY"), "INSERT INTO settings VALUES ('other', 'x')");
      return 0;
    }
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/metrics/add-query", test_add_query);
  ADD ("/metrics/downsample/minutes", test_downsample_minutes);
  ADD ("/metrics/downsample/hours", test_downsample_hours);
  ADD ("/metrics/query/grouped", test_query_grouped);
  ADD ("/metrics/queue", test_queue);
  ADD ("/metrics/registry/shared-wal", test_shared_wal);
  ADD ("/metrics/remove", test_remove);
#undef ADD
  g_test_add_func ("/metrics/migrate-from-5", test_migrate_from_5);

  return g_test_run ();
}
