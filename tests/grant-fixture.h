/* grant-fixture.h — what the grant tests share: a registry in a
 * temporary folder, a fake clock and a store on both
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "kari.h"
#include "kari-grant-private.h"
#include "kari-test-util.h"

#define SEC ((gint64) G_USEC_PER_SEC)
#define HOUR (3600 * SEC)
#define WALL_START ((gint64) 1900000000 * SEC)   /* 2030-03-17 */

typedef struct
{
  gint64 now;
  gint64 wall;
  gint64 boottime;
} FakeTime;

typedef struct
{
  char         *dir;
  char         *path;
  KariRegistry *registry;
  FakeTime      time;
  KariClock     clock;
  KariGrantStore *store;
} Fixture;

static inline gint64 fake_now (gpointer data) { return ((FakeTime *) data)->now; }
static inline gint64 fake_wall (gpointer data) { return ((FakeTime *) data)->wall; }
static inline gint64 fake_boottime (gpointer data) { return ((FakeTime *) data)->boottime; }

/* Advances the monotonic and boot-time clocks together, as a running
 * machine does; the wall clock is moved on its own. */
static inline void
advance (Fixture *f,
         gint64   usec)
{
  f->time.now += usec;
  f->time.boottime += usec;
}

static inline KariGrantStore *
store_new (Fixture    *f,
           const char *boot_id)
{
  g_autoptr(GError) error = NULL;
  KariGrantStore *store = _kari_grant_store_new_with_boot_id (f->registry, &f->clock, boot_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/* A new store on the same registry, as after a restart */
static inline void
restart (Fixture    *f,
         const char *boot_id)
{
  g_clear_object (&f->store);
  f->store = store_new (f, boot_id);
}

static inline void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kari_test_tmp_db ("kari-grant-XXXXXX", "registry.db", &f->dir, &f->path);
  f->registry = kari_registry_open (f->path, NULL, NULL, &error);
  g_assert_no_error (error);
  f->time = (FakeTime) { 1000 * SEC, WALL_START, 5000 * SEC };
  f->clock = (KariClock) { fake_now, fake_wall, &f->time, fake_boottime };
  f->store = store_new (f, "boot-a");
}

static inline void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->registry);
  kari_test_tmp_db_clear (&f->dir, &f->path);
}

static inline KariGrant *
add (Fixture    *f,
     const char *extension,
     const char *user,
     const char *permission,
     KariScope   scope,
     gint64      until_usec)
{
  g_autoptr(GError) error = NULL;
  KariGrant *grant = kari_grant_store_add (f->store, extension, "default", user, permission,
                                           scope, until_usec, "tester", &error);

  g_assert_no_error (error);
  g_assert_nonnull (grant);
  return grant;
}

/* The grant that allows @permission, split as a request, or NULL */
static inline KariGrant *
find_full (KariGrantStore *store,
           const char     *extension,
           const char     *tenant,
           const char     *user,
           const char     *permission,
           gboolean        consume)
{
  g_auto(GStrv) parts = g_strsplit (permission, ":", 3);

  return kari_grant_store_find (store, extension, tenant, user, parts[0], parts[1],
                                parts[1] != NULL ? parts[2] : NULL, NULL, consume);
}

static inline gboolean
allows (Fixture    *f,
        const char *extension,
        const char *user,
        const char *permission)
{
  g_autoptr(KariGrant) grant = find_full (f->store, extension, "default", user, permission, FALSE);

  return grant != NULL;
}

/* Rows of the grants table, read through a connection of our own */
static inline int
count_rows (Fixture *f)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int n;

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM grants", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static inline void
exec_sql (Fixture    *f,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}
