/* kari-test-metrics.h — a registry in a temporary folder and samples
 * at synthetic times, for the metrics tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-test-sandbox.h"

G_BEGIN_DECLS

#define SEC(s)  ((gint64) (s) * G_USEC_PER_SEC)
/* An hour boundary, so minutes and hours start where the test says. */
#define NOW     SEC (1800000000)

typedef struct
{
  char         *dir;
  char         *db;
  KariRegistry *registry;
} Fixture;

static inline void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kari_test_tmp_db ("kari-metrics-XXXXXX", "registry.db", &f->dir, &f->db);
  f->registry = kari_registry_open (f->db, NULL, NULL, &error);
  g_assert_no_error (error);
}

static inline void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->registry);
  kari_test_tmp_db_clear (&f->dir, &f->db);
}

static inline KariMetricsSample
sample (const char *extension,
        const char *tenant,
        gint64      time_usec,
        double      cpu,
        guint64     memory,
        guint       tasks)
{
  KariMetricsSample s = { extension, tenant, time_usec, cpu, memory, tasks, 0, 0, 0, 0, 0, 0 };

  return s;
}

static inline void
add (Fixture                 *f,
     const KariMetricsSample *samples,
     guint                    n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kari_registry_add_metrics (f->registry, samples, n, &error));
  g_assert_no_error (error);
}

static inline void
downsample (Fixture *f,
            gint64   now)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kari_registry_downsample_metrics (f->registry, now, &error));
  g_assert_no_error (error);
}

static inline GArray *
query (Fixture               *f,
       const char            *name,
       const char            *tenant,
       KariMetricsResolution  resolution)
{
  g_autoptr(GError) error = NULL;
  GArray *points = kari_registry_query_metrics (f->registry, name, tenant, 0, 0, resolution, &error);

  g_assert_no_error (error);
  g_assert_nonnull (points);
  return points;
}

static inline guint64
count (Fixture *f,
       int      resolution)
{
  g_autoptr(GError) error = NULL;
  guint64 n = kari_registry_count_metrics (f->registry, resolution, &error);

  g_assert_no_error (error);
  return n;
}

#define POINT(a, i) (&g_array_index ((a), KariMetricsPoint, (i)))

G_END_DECLS
