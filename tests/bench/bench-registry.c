/* bench-registry.c — kari_registry_lookup by name in a registry of 1,000
 * extensions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "kari-registry.h"
#include "../kari-test-util.h"
#include "kari-bench-util.h"

#define N_EXTENSIONS 1000
#define N_BATCHES    31
#define BATCH        5000
#define N_OPENS      11
#define N_AUDIT_ROWS 1000000

/* Median milliseconds to open the registry at @path (and close it). */
static double
open_ms (const char *path)
{
  double ms[N_OPENS];

  for (guint i = 0; i < N_OPENS; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(KariRegistry) registry = kari_registry_open (path, NULL, NULL, &error);

      if (registry == NULL)
        g_error ("%s", error->message);
      ms[i] = kari_bench_ms_since (t0);
    }
  kari_bench_sort (ms, N_OPENS);
  return ms[N_OPENS / 2];
}

/* Months of history: @n audit rows, written straight into the table. */
static void
fill_audit_log (const char *path,
                guint       n)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_open (path, &db) != SQLITE_OK
      || sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "INSERT INTO audit_log (time_usec, kind, extension, tenant, user, permission, "
                             "resource, decision, decided_by, detail) VALUES (?1, 'check', ?2, 'default', "
                             "'alice', 'network:http:api.example.com', 'https://api.example.com/v1', 'allow', "
                             "'grant:7', NULL)", -1, &stmt, NULL) != SQLITE_OK)
    g_error ("filling the audit log: %s", sqlite3_errmsg (db));
  for (guint i = 0; i < n; i++)
    {
      char extension[32];

      g_snprintf (extension, sizeof extension, "extension-%04u", i % 50);
      sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) i * 1000);
      sqlite3_bind_text (stmt, 2, extension, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_error ("filling the audit log: %s", sqlite3_errmsg (db));
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (sqlite3_exec (db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
    g_error ("filling the audit log: %s", sqlite3_errmsg (db));
  sqlite3_close (db);
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kari-bench-registry-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autofree char *padding = g_strnfill (1500, 'm');
  char **names = g_new0 (char *, N_EXTENSIONS + 1);
  double per_lookup[N_BATCHES];
  gint64 start;

  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  path = g_build_filename (dir, "registry.db", NULL);
  registry = kari_registry_open (path, NULL, NULL, &error);
  if (registry == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_EXTENSIONS; i++)
    {
      g_autofree char *json = NULL;

      names[i] = g_strdup_printf ("extension-%04u", i);
      /* a manifest of realistic size, ~1.5 kB */
      json = g_strdup_printf ("{\"name\":\"%s\",\"version\":\"1.0.0\",\"description\":\"%s\"}",
                              names[i], padding);
      if (!kari_registry_install_values (registry, names[i], "1.0.0", "/usr/share/kari/extensions/x",
                                         json, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
  printf ("registry: %d installs, %.1f µs each (one transaction each)\n", N_EXTENSIONS,
          (double) (g_get_monotonic_time () - start) / N_EXTENSIONS);

  for (guint b = 0; b < N_BATCHES; b++)
    {
      gint64 t0 = g_get_monotonic_time ();

      for (guint i = 0; i < BATCH; i++)
        {
          KariRegistryEntry *entry = kari_registry_lookup (registry, names[(i * 7919 + b) % N_EXTENSIONS], NULL);

          if (entry == NULL)
            {
              g_printerr ("lookup failed\n");
              return 1;
            }
          kari_registry_entry_free (entry);
        }
      per_lookup[b] = kari_bench_ns_per (t0, BATCH);
    }

  kari_bench_sort (per_lookup, N_BATCHES);
  printf ("registry: lookup by name among %d extensions: median %.0f ns/lookup "
          "(min %.0f, max %.0f over %d batches of %d), target < 5 µs\n",
          N_EXTENSIONS, per_lookup[N_BATCHES / 2], per_lookup[0], per_lookup[N_BATCHES - 1],
          N_BATCHES, BATCH);

  g_clear_object (&registry);

  /* Opening (every kari-ext command, every start of the app) must not
   * grow with the history the logs keep. */
  {
    double empty = open_ms (path);
    double full;
    GStatBuf st;

    fill_audit_log (path, N_AUDIT_ROWS);
    full = open_ms (path);
    printf ("registry: open with %d extensions: %.2f ms with an empty audit log, %.2f ms with %d audit rows "
            "(%.0f MB), ratio %.2f\n", N_EXTENSIONS, empty, full, N_AUDIT_ROWS,
            g_stat (path, &st) == 0 ? st.st_size / 1e6 : 0.0, full / empty);
  }
  g_strfreev (names);
  kari_test_rm_rf (dir);
  return 0;
}
