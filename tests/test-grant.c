/* test-grant.c — grants: scopes, expiry, restarts, revocation
 *
 * The race for once-grants and the model-checked random walk are in
 * test-grant-model.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "grant-fixture.h"

/* Scope text */

static void
test_scope_parse (void)
{
  static const struct
  {
    const char *text;
    KariScope   scope;
    gint64      until;
  } good[] = {
    { "once",                          KARI_SCOPE_ONCE,       0 },
    { "session",                       KARI_SCOPE_SESSION,    0 },
    { "persistent",                    KARI_SCOPE_PERSISTENT, 0 },
    { "until=+1h",                     KARI_SCOPE_UNTIL,      WALL_START + HOUR },
    { "until=+30m",                    KARI_SCOPE_UNTIL,      WALL_START + 30 * 60 * SEC },
    { "until=+2d",                     KARI_SCOPE_UNTIL,      WALL_START + 48 * HOUR },
    { "until=+1h30m",                  KARI_SCOPE_UNTIL,      WALL_START + 90 * 60 * SEC },
    { "for=1h",                        KARI_SCOPE_UNTIL,      WALL_START + HOUR },
    { "for=+45s",                      KARI_SCOPE_UNTIL,      WALL_START + 45 * SEC },
    { "until=2030-03-17T18:00:00Z",    KARI_SCOPE_UNTIL,      (gint64) 1900000800 * SEC },
    { "until=2030-03-17T19:00:00+01:00", KARI_SCOPE_UNTIL,    (gint64) 1900000800 * SEC },
  };
  static const struct
  {
    const char *text;
    int         code;
    const char *mentions;
  } bad[] = {
    { "forever",                    KARI_GRANT_ERROR_INVALID, "column 1: “forever”" },
    { "until",                      KARI_GRANT_ERROR_INVALID, "“until” is not a scope" },
    { "Once",                       KARI_GRANT_ERROR_INVALID, "“Once”" },
    { "until=+5x",                  KARI_GRANT_ERROR_INVALID, "column 9: “x” is not a unit" },
    { "until=+5",                   KARI_GRANT_ERROR_INVALID, "lacks a unit" },
    { "until=tomorrow",             KARI_GRANT_ERROR_INVALID, "column 7: “tomorrow” is not a time" },
    { "until=2030-03-17T18:00:00",  KARI_GRANT_ERROR_INVALID, "with an offset" },
    { "until=",                     KARI_GRANT_ERROR_INVALID, "is not a time" },
    { "for=",                       KARI_GRANT_ERROR_INVALID, "is empty" },
    { "for=-1h",                    KARI_GRANT_ERROR_INVALID, "column 5: “-1h” is not a number" },
    { "for=0h",                     KARI_GRANT_ERROR_EXPIRED, "no time at all" },
    { "for=99999999999999d",        KARI_GRANT_ERROR_INVALID, "too long" },
    { "for=9999999w",               KARI_GRANT_ERROR_INVALID, "too long" },
    { "until=2020-01-01T00:00:00Z", KARI_GRANT_ERROR_EXPIRED, "has already passed" },
    { "once\n",                     KARI_GRANT_ERROR_INVALID, "once\\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      KariScope scope = -1;
      gint64 until = -1;

      g_test_message ("%s", good[i].text);
      g_assert_true (kari_scope_from_string_at (good[i].text, WALL_START, &scope, &until, &error));
      g_assert_no_error (error);
      g_assert_cmpint (scope, ==, good[i].scope);
      g_assert_cmpint (until, ==, good[i].until);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      KariScope scope;
      gint64 until;

      g_assert_false (kari_scope_from_string_at (bad[i].text, WALL_START, &scope, &until, &error));
      g_assert_error (error, KARI_GRANT_ERROR, bad[i].code);
      g_test_message ("%s → %s", bad[i].text, error->message);
      g_assert_nonnull (strstr (error->message, bad[i].mentions));
    }

  for (KariScope s = KARI_SCOPE_ONCE; s <= KARI_SCOPE_PERSISTENT; s++)
    {
      KariScope back;
      gint64 until;

      g_assert_true (kari_scope_from_string (kari_scope_to_string (s), &back, &until, NULL));
      g_assert_cmpint (back, ==, s);
    }
  g_assert_cmpstr (kari_scope_to_string (KARI_SCOPE_UNTIL), ==, "until");
}

/* Scopes */

static void
test_once (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(KariGrant) grant = add (f, "ext", NULL, "data:read", KARI_SCOPE_ONCE, 0);
  g_autoptr(KariGrant) peek = NULL;
  g_autoptr(KariGrant) used = NULL;
  g_autoptr(KariGrant) again = NULL;

  g_assert_cmpint (grant->id, <, 0);
  peek = find_full (f->store, "ext", "default", NULL, "data:read", FALSE);
  g_assert_nonnull (peek);
  g_assert_cmpint (peek->id, ==, grant->id);
  used = find_full (f->store, "ext", "default", NULL, "data:read", TRUE);
  g_assert_nonnull (used);
  g_assert_cmpint (used->id, ==, grant->id);
  g_assert_cmpint (used->scope, ==, KARI_SCOPE_ONCE);
  again = find_full (f->store, "ext", "default", NULL, "data:read", TRUE);
  g_assert_null (again);
  g_assert_cmpint (count_rows (f), ==, 0);
}

static void
test_session (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(KariGrant) grant = add (f, "ext", NULL, "data:read", KARI_SCOPE_SESSION, 0);
  g_autoptr(KariGrant) same = add (f, "ext", NULL, "data:read", KARI_SCOPE_SESSION, 0);

  g_assert_cmpint (same->id, ==, grant->id);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(KariGrant) found = find_full (f->store, "ext", "default", NULL, "data:read", TRUE);
      g_assert_nonnull (found);
      g_assert_cmpint (found->scope, ==, KARI_SCOPE_SESSION);
    }
  g_assert_false (allows (f, "ext", NULL, "data:write"));
  g_assert_false (allows (f, "other", NULL, "data:read"));
  g_assert_cmpint (count_rows (f), ==, 0);

  restart (f, "boot-a");
  g_assert_false (allows (f, "ext", NULL, "data:read"));
}

static void
test_persistent (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(KariGrant) grant = add (f, "ext", NULL, "data:read", KARI_SCOPE_PERSISTENT, 0);
  g_autoptr(KariGrant) same = add (f, "ext", NULL, "data:read", KARI_SCOPE_PERSISTENT, 0);
  g_autoptr(KariGrant) found = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_cmpint (grant->id, >, 0);
  g_assert_cmpint (same->id, ==, grant->id);
  g_assert_cmpint (count_rows (f), ==, 1);
  g_assert_cmpstr (grant->granted_by, ==, "tester");
  g_assert_cmpint (grant->granted_usec, ==, WALL_START);

  advance (f, 1000 * 24 * HOUR);
  f->time.wall += 1000 * 24 * HOUR;
  restart (f, "boot-b");
  found = find_full (f->store, "ext", "default", NULL, "data:read", TRUE);
  g_assert_nonnull (found);
  g_assert_cmpint (found->id, ==, grant->id);
  g_assert_cmpstr (found->granted_by, ==, "tester");
  g_assert_cmpint (found->granted_usec, ==, WALL_START);
  list = kari_grant_store_list (f->store, NULL, NULL);
  g_assert_cmpuint (list->len, ==, 1);
}

static void
test_until_expires (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(KariGrant) grant = add (f, "ext", NULL, "data:read", KARI_SCOPE_UNTIL, WALL_START + HOUR);
  g_autoptr(GPtrArray) list = NULL;
  guint64 generation;

  g_assert_cmpint (grant->until_usec, ==, WALL_START + HOUR);
  g_assert_cmpint (grant->deadline_usec, ==, f->time.now + HOUR);
  g_assert_cmpint (count_rows (f), ==, 1);

  advance (f, HOUR - 1);
  g_assert_true (allows (f, "ext", NULL, "data:read"));
  generation = kari_grant_store_get_generation (f->store);
  advance (f, 1);
  g_assert_false (allows (f, "ext", NULL, "data:read"));
  /* Noticing the end is a change a cache must see */
  g_assert_cmpuint (kari_grant_store_get_generation (f->store), >, generation);
  list = kari_grant_store_list (f->store, "ext", "default");
  g_assert_cmpuint (list->len, ==, 0);

  /* The row goes with the next write */
  g_assert_cmpint (count_rows (f), ==, 1);
  g_assert_true (kari_grant_store_revoke (f->store, "nothing", "default", NULL, NULL, NULL, NULL));
  g_assert_cmpint (count_rows (f), ==, 0);
}

static void
test_until_wall_clock_back (Fixture       *f,
                            gconstpointer  data)
{
  kari_grant_free (add (f, "ext", NULL, "data:read", KARI_SCOPE_UNTIL, WALL_START + HOUR));

  /* Moving the wall clock changes nothing: the monotonic clock decides */
  f->time.wall += 2 * HOUR;
  g_assert_true (allows (f, "ext", NULL, "data:read"));
  f->time.wall -= 12 * HOUR;
  advance (f, HOUR);
  g_assert_false (allows (f, "ext", NULL, "data:read"));
  f->time.wall -= 12 * HOUR;
  g_assert_false (allows (f, "ext", NULL, "data:read"));

  /* Nor does a restart in the same boot revive it */
  restart (f, "boot-a");
  g_assert_false (allows (f, "ext", NULL, "data:read"));
  g_assert_cmpint (count_rows (f), ==, 0);
}

static void
test_until_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariGrant) grant = kari_grant_store_add (f->store, "ext", "default", NULL, "data:read",
                                                     KARI_SCOPE_UNTIL, WALL_START, "tester", &error);

  g_assert_error (error, KARI_GRANT_ERROR, KARI_GRANT_ERROR_EXPIRED);
  g_assert_null (grant);
  g_assert_cmpint (count_rows (f), ==, 0);
}

/* Restarts */

static void
test_reload (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(KariGrant) persistent = add (f, "ext", NULL, "data:read", KARI_SCOPE_PERSISTENT, 0);
  g_autoptr(KariGrant) until = add (f, "ext", "alice", "data:write", KARI_SCOPE_UNTIL, WALL_START + HOUR);
  kari_grant_free (add (f, "ext", NULL, "system:metrics", KARI_SCOPE_SESSION, 0));
  kari_grant_free (add (f, "ext", NULL, "system:logs", KARI_SCOPE_ONCE, 0));
  g_autoptr(GPtrArray) list = NULL;
  KariGrant *loaded;

  g_assert_cmpint (count_rows (f), ==, 2);
  restart (f, "boot-a");
  list = kari_grant_store_list (f->store, "ext", "default");
  g_assert_cmpuint (list->len, ==, 2);
  /* Sorted: tenant-wide first */
  loaded = g_ptr_array_index (list, 0);
  g_assert_cmpint (loaded->id, ==, persistent->id);
  g_assert_null (loaded->user);
  loaded = g_ptr_array_index (list, 1);
  g_assert_cmpint (loaded->id, ==, until->id);
  g_assert_cmpstr (loaded->user, ==, "alice");
  g_assert_cmpint (loaded->scope, ==, KARI_SCOPE_UNTIL);
  g_assert_cmpint (loaded->until_usec, ==, WALL_START + HOUR);
  g_assert_cmpint (loaded->deadline_usec, ==, until->deadline_usec);

  g_assert_true (allows (f, "ext", NULL, "data:read"));
  g_assert_true (allows (f, "ext", "alice", "data:write"));
  g_assert_false (allows (f, "ext", NULL, "system:metrics"));
  g_assert_false (allows (f, "ext", NULL, "system:logs"));
}

static void
test_reload_same_boot (Fixture       *f,
                       gconstpointer  data)
{
  kari_grant_free (add (f, "ext", NULL, "data:read", KARI_SCOPE_UNTIL, WALL_START + HOUR));

  /* A new process in the same boot: its monotonic clock starts elsewhere,
   * half an hour went by, and someone set the wall clock back a day */
  f->time.now = 7 * SEC;
  f->time.boottime += HOUR / 2;
  f->time.wall -= 24 * HOUR;
  restart (f, "boot-a");
  g_assert_true (allows (f, "ext", NULL, "data:read"));
  advance (f, HOUR / 2 - 1);
  g_assert_true (allows (f, "ext", NULL, "data:read"));
  advance (f, 1);
  g_assert_false (allows (f, "ext", NULL, "data:read"));

  /* Gone for good, whatever the wall clock says at the next start */
  restart (f, "boot-a");
  g_assert_false (allows (f, "ext", NULL, "data:read"));
  g_assert_cmpint (count_rows (f), ==, 0);
}

static void
test_reload_other_boot (Fixture       *f,
                        gconstpointer  data)
{
  kari_grant_free (add (f, "ext", NULL, "data:read", KARI_SCOPE_UNTIL, WALL_START + HOUR));
  kari_grant_free (add (f, "ext", NULL, "data:write", KARI_SCOPE_UNTIL, WALL_START + 3 * HOUR));

  /* After a reboot the boot-time clock restarts near zero, so only the
   * wall clock can tell: 2 hours later, the first has ended */
  f->time.now = 3 * SEC;
  f->time.boottime = 3 * SEC;
  f->time.wall += 2 * HOUR;
  restart (f, "boot-b");
  g_assert_false (allows (f, "ext", NULL, "data:read"));
  g_assert_cmpint (count_rows (f), ==, 1);
  g_assert_true (allows (f, "ext", NULL, "data:write"));
  f->time.now += HOUR - 1;
  g_assert_true (allows (f, "ext", NULL, "data:write"));
  f->time.now += 1;
  g_assert_false (allows (f, "ext", NULL, "data:write"));
}

static void
test_reload_stale_rows (Fixture       *f,
                        gconstpointer  data)
{
  /* Once and session rows are never written; if one appears, it does
   * not outlive the restart, nor does a row of an unknown scope */
  exec_sql (f, "INSERT INTO grants (extension, tenant, permission, scope, granted_by, granted_usec)"
               " VALUES ('ext', 'default', 'data:read', 'session', 'x', 0),"
               "        ('ext', 'default', 'data:read', 'forever', 'x', 0);"
               "INSERT INTO grants (extension, tenant, permission, scope, granted_by, granted_usec)"
               " VALUES ('ext', 'default', 'not a permission', 'persistent', 'x', 0);");
  restart (f, "boot-a");
  g_assert_false (allows (f, "ext", NULL, "data:read"));
  g_assert_cmpint (count_rows (f), ==, 1);
  {
    g_autoptr(GPtrArray) list = kari_grant_store_list (f->store, NULL, NULL);
    guint n = 0;

    /* A text that no longer parses is listed and revocable, never allows */
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpstr (((KariGrant *) list->pdata[0])->permission, ==, "not a permission");
    g_assert_true (kari_grant_store_revoke (f->store, "ext", "default", NULL, "not a permission", &n, NULL));
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpint (count_rows (f), ==, 0);
  }
}

/* Revocation */

static void
test_revoke (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  kari_grant_free (add (f, "ext", NULL, "data:read", KARI_SCOPE_PERSISTENT, 0));
  kari_grant_free (add (f, "ext", NULL, "data:write", KARI_SCOPE_SESSION, 0));
  kari_grant_free (add (f, "ext", "alice", "data:read", KARI_SCOPE_UNTIL, WALL_START + HOUR));
  g_autoptr(KariGrant) d = add (f, "ext", "bob", "system:logs", KARI_SCOPE_ONCE, 0);
  g_autoptr(KariGrant) other = add (f, "other", NULL, "data:read", KARI_SCOPE_PERSISTENT, 0);
  g_autoptr(KariGrant) e = NULL;
  g_autoptr(GPtrArray) list = NULL;
  guint n = 99;

  e = kari_grant_store_add (f->store, "ext", "acme", NULL, "data:read", KARI_SCOPE_PERSISTENT, 0, "t", &error);
  g_assert_no_error (error);

  /* One user's grant: the tenant-wide one of the same text stays */
  g_assert_true (kari_grant_store_revoke (f->store, "ext", "default", "alice", "data:read", &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (allows (f, "ext", "alice", "data:read"));
  g_assert_cmpint (count_rows (f), ==, 3);

  /* Exactly that text */
  g_assert_true (kari_grant_store_revoke (f->store, "ext", "default", NULL, "data:write", &n, &error));
  g_assert_cmpuint (n, ==, 1);
  g_assert_false (allows (f, "ext", NULL, "data:write"));
  g_assert_true (allows (f, "ext", NULL, "data:read"));
  g_assert_true (kari_grant_store_revoke (f->store, "ext", "default", NULL, "data:write", &n, &error));
  g_assert_cmpuint (n, ==, 0);

  /* Everything of the extension in the tenant; other tenants stay */
  g_assert_true (kari_grant_store_revoke (f->store, "ext", "default", NULL, NULL, &n, &error));
  g_assert_cmpuint (n, ==, 2);
  g_assert_false (allows (f, "ext", NULL, "data:read"));
  g_assert_false (allows (f, "ext", "bob", "system:logs"));
  list = kari_grant_store_list (f->store, NULL, NULL);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((KariGrant *) list->pdata[0])->tenant, ==, "acme");
  g_assert_cmpstr (((KariGrant *) list->pdata[1])->extension, ==, "other");

  restart (f, "boot-a");
  g_assert_false (allows (f, "ext", NULL, "data:read"));
  g_assert_true (allows (f, "other", NULL, "data:read"));

  /* By id, then unknown ids */
  g_assert_true (kari_grant_store_revoke_id (f->store, other->id, &error));
  g_assert_no_error (error);
  g_assert_false (allows (f, "other", NULL, "data:read"));
  g_assert_false (kari_grant_store_revoke_id (f->store, other->id, &error));
  g_assert_error (error, KARI_GRANT_ERROR, KARI_GRANT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (kari_grant_store_revoke_id (f->store, d->id, &error));
  g_assert_error (error, KARI_GRANT_ERROR, KARI_GRANT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (f), ==, 1);
}

static void
test_revoke_id_memory (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariGrant) once = add (f, "ext", NULL, "data:read", KARI_SCOPE_ONCE, 0);
  g_autoptr(KariGrant) until = add (f, "ext", NULL, "data:write", KARI_SCOPE_UNTIL, WALL_START + HOUR);

  g_assert_true (kari_grant_store_revoke_id (f->store, once->id, &error));
  g_assert_no_error (error);
  g_assert_false (allows (f, "ext", NULL, "data:read"));

  /* An ended grant is not in force, so there is nothing to revoke */
  advance (f, HOUR);
  g_assert_false (kari_grant_store_revoke_id (f->store, until->id, &error));
  g_assert_error (error, KARI_GRANT_ERROR, KARI_GRANT_ERROR_NOT_FOUND);
}

static void
test_remove_extension (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *tenants[] = { "default", "acme", "umbrella" };
  g_autoptr(GPtrArray) list = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (tenants); i++)
    for (KariScope s = KARI_SCOPE_ONCE; s <= KARI_SCOPE_UNTIL; s++)
      {
        kari_grant_free (kari_grant_store_add (f->store, "ext", tenants[i], NULL, "data:read",
                                               s, WALL_START + HOUR, "t", &error));
        g_assert_no_error (error);
        kari_grant_free (kari_grant_store_add (f->store, "ext-2", tenants[i], NULL, "data:read",
                                               s, WALL_START + HOUR, "t", &error));
        g_assert_no_error (error);
      }
  g_assert_true (kari_grant_store_remove_extension (f->store, "ext", &error));
  g_assert_no_error (error);
  list = kari_grant_store_list (f->store, "ext", NULL);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = kari_grant_store_list (f->store, "ext-2", NULL);
  g_assert_cmpuint (list->len, ==, 12);
  g_assert_cmpint (count_rows (f), ==, 6);
  for (guint i = 0; i < G_N_ELEMENTS (tenants); i++)
    {
      g_autoptr(KariGrant) none = find_full (f->store, "ext", tenants[i], NULL, "data:read", TRUE);
      g_assert_null (none);
    }
}

/* A stale id (from a list, an audit entry) must never name a newer grant */
static void
test_ids_not_reused (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(KariGrant) first = add (f, "ext", NULL, "data:read", KARI_SCOPE_PERSISTENT, 0);
  g_autoptr(KariGrant) second = NULL;
  g_autoptr(KariGrant) third = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (kari_grant_store_revoke_id (f->store, first->id, NULL));
  second = add (f, "ext", NULL, "data:read", KARI_SCOPE_UNTIL, G_MAXINT64);
  g_assert_cmpint (second->id, >, first->id);
  /* The far-off end does not wrap round into the past */
  g_assert_cmpint (second->deadline_usec, >, f->time.now);
  advance (f, 1000 * 24 * HOUR);
  g_assert_true (allows (f, "ext", NULL, "data:read"));
  g_assert_true (kari_grant_store_revoke_id (f->store, second->id, NULL));
  restart (f, "boot-a");
  third = add (f, "ext", NULL, "data:read", KARI_SCOPE_PERSISTENT, 0);
  g_assert_cmpint (third->id, >, second->id);
  g_assert_false (kari_grant_store_revoke_id (f->store, second->id, &error));
  g_assert_error (error, KARI_GRANT_ERROR, KARI_GRANT_ERROR_NOT_FOUND);
  g_assert_true (allows (f, "ext", NULL, "data:read"));
}

/* Failures writing the registry leave memory as the disk is */
static void
test_write_failure (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariGrant) kept = add (f, "ext", NULL, "data:read", KARI_SCOPE_PERSISTENT, 0);
  g_autoptr(KariGrant) refused = NULL;
  g_autoptr(GPtrArray) list = NULL;
  guint64 generation = kari_grant_store_get_generation (f->store);
  guint n = 99;

  exec_sql (f, "CREATE TRIGGER no_insert BEFORE INSERT ON grants BEGIN SELECT RAISE (ABORT, 'disk says no'); END;"
               "CREATE TRIGGER no_delete BEFORE DELETE ON grants BEGIN SELECT RAISE (ABORT, 'disk says no'); END;");

  refused = kari_grant_store_add (f->store, "ext", "default", NULL, "data:write",
                                  KARI_SCOPE_PERSISTENT, 0, "t", &error);
  g_assert_null (refused);
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_SQL);
  g_assert_nonnull (strstr (error->message, "disk says no"));
  g_clear_error (&error);
  g_assert_false (allows (f, "ext", NULL, "data:write"));

  g_assert_false (kari_grant_store_revoke (f->store, "ext", "default", NULL, NULL, &n, &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_SQL);
  g_clear_error (&error);
  g_assert_cmpuint (n, ==, 99);
  g_assert_true (allows (f, "ext", NULL, "data:read"));
  g_assert_false (kari_grant_store_revoke_id (f->store, kept->id, &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_SQL);
  g_clear_error (&error);
  g_assert_false (kari_grant_store_remove_extension (f->store, "ext", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_SQL);
  g_clear_error (&error);
  g_assert_true (allows (f, "ext", NULL, "data:read"));
  g_assert_cmpuint (kari_grant_store_get_generation (f->store), ==, generation);
  list = kari_grant_store_list (f->store, NULL, NULL);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (count_rows (f), ==, 1);

  /* Memory-only grants need no disk */
  g_clear_pointer (&refused, kari_grant_free);
  refused = add (f, "ext", NULL, "data:write", KARI_SCOPE_SESSION, 0);

  exec_sql (f, "DROP TRIGGER no_insert; DROP TRIGGER no_delete;");
  g_assert_true (kari_grant_store_revoke (f->store, "ext", "default", NULL, NULL, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (count_rows (f), ==, 0);
}

static void
test_invalid (Fixture       *f,
              gconstpointer  data)
{
  static const struct
  {
    const char *extension;
    const char *tenant;
    const char *user;
    const char *permission;
    GQuark      domain;
    int         code;
  } cases[] = {
    { "ext", "default", NULL, "",                      0, 0 },
    { "",    "default", NULL, "data:read",             0, KARI_GRANT_ERROR_INVALID },
    { "ext", "",        NULL, "data:read",             0, KARI_GRANT_ERROR_INVALID },
    { "ext", "default", "",   "data:read",             0, KARI_GRANT_ERROR_INVALID },
    { "e\033[2Jxt", "default", NULL, "data:read",      0, KARI_GRANT_ERROR_INVALID },
    { "ext\u202e", "default", NULL, "data:read",       0, KARI_GRANT_ERROR_INVALID },
    { "ext", "def\nault", NULL, "data:read",           0, KARI_GRANT_ERROR_INVALID },
    { "ext", "default", "bo\xff" "b", "data:read",        0, KARI_GRANT_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KariGrant) grant = kari_grant_store_add (f->store, cases[i].extension, cases[i].tenant,
                                                         cases[i].user, cases[i].permission,
                                                         KARI_SCOPE_PERSISTENT, 0, "t", &error);
      g_assert_null (grant);
      g_assert_nonnull (error);
      g_test_message ("%u: %s", i, error->message);
      if (i == 0)
        g_assert_true (error->domain == KARI_PERMISSION_ERROR);
      else
        g_assert_error (error, KARI_GRANT_ERROR, cases[i].code);
    }
  g_assert_cmpint (count_rows (f), ==, 0);
}

/* Who a grant applies to */

static void
test_user_specific (Fixture       *f,
                    gconstpointer  data)
{
  kari_grant_free (add (f, "ext", "alice", "data:read", KARI_SCOPE_PERSISTENT, 0));
  kari_grant_free (add (f, "ext", NULL, "data:write", KARI_SCOPE_PERSISTENT, 0));

  g_assert_true (allows (f, "ext", "alice", "data:read"));
  g_assert_false (allows (f, "ext", "bob", "data:read"));
  g_assert_false (allows (f, "ext", NULL, "data:read"));
  g_assert_true (allows (f, "ext", "alice", "data:write"));
  g_assert_true (allows (f, "ext", "bob", "data:write"));
  g_assert_true (allows (f, "ext", NULL, "data:write"));
  {
    g_autoptr(KariGrant) elsewhere = find_full (f->store, "ext", "acme", "alice", "data:read", FALSE);
    g_assert_null (elsewhere);
  }
}

static void
test_precedence (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(KariGrant) once = add (f, "ext", NULL, "data:read", KARI_SCOPE_ONCE, 0);
  g_autoptr(KariGrant) session = add (f, "ext", NULL, "data:read", KARI_SCOPE_SESSION, 0);
  kari_grant_free (add (f, "ext", "alice", "data:read", KARI_SCOPE_UNTIL, WALL_START + HOUR));
  g_autoptr(KariGrant) persistent = add (f, "ext", "alice", "data:read", KARI_SCOPE_PERSISTENT, 0);
  const struct { const char *user; gint64 id; } expect[] = {
    { "alice", persistent->id },
    { NULL,    session->id },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    for (guint round = 0; round < 3; round++)
      {
        g_autoptr(KariGrant) found = find_full (f->store, "ext", "default", expect[i].user, "data:read", TRUE);
        g_assert_nonnull (found);
        g_assert_cmpint (found->id, ==, expect[i].id);
      }
  /* The once-grant was never needed, so never consumed */
  g_assert_true (kari_grant_store_revoke_id (f->store, once->id, NULL));
}

static void
test_generation (Fixture       *f,
                 gconstpointer  data)
{
  KariGrantStore *store = f->store;
  guint64 g = kari_grant_store_get_generation (store);
  kari_grant_free (add (f, "ext", NULL, "data:read", KARI_SCOPE_PERSISTENT, 0));
  g_autoptr(KariGrant) again = NULL;
  g_autoptr(KariGrant) once = NULL;
  g_autoptr(KariGrant) used = NULL;

#define BUMPED() G_STMT_START { guint64 n = kari_grant_store_get_generation (store); \
                                g_assert_cmpuint (n, >, g); g = n; } G_STMT_END
#define SAME() g_assert_cmpuint (kari_grant_store_get_generation (store), ==, g)

  BUMPED ();
  again = add (f, "ext", NULL, "data:read", KARI_SCOPE_PERSISTENT, 0);
  SAME ();
  g_assert_true (allows (f, "ext", NULL, "data:read"));
  SAME ();
  once = add (f, "ext", NULL, "data:write", KARI_SCOPE_ONCE, 0);
  BUMPED ();
  used = find_full (store, "ext", "default", NULL, "data:write", FALSE);
  SAME ();
  g_clear_pointer (&used, kari_grant_free);
  used = find_full (store, "ext", "default", NULL, "data:write", TRUE);
  g_assert_nonnull (used);
  BUMPED ();
  g_assert_true (kari_grant_store_revoke (store, "ext", "default", NULL, "data:nothing", NULL, NULL));
  SAME ();
  g_assert_true (kari_grant_store_revoke (store, "ext", "default", NULL, "data:read", NULL, NULL));
  BUMPED ();
#undef BUMPED
#undef SAME
}

/* A reload (another process changed the registry) keeps what only this
 * store knows: its session grants, the ends of its until-grants by its
 * own clock (even where the boot clock says otherwise), and drops what
 * was revoked on disk. */
static void
test_reload_from_disk (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(KariGrant) until = add (f, "ext", NULL, "data:read", KARI_SCOPE_UNTIL, WALL_START + 10 * SEC);
  g_autoptr(KariGrant) session = add (f, "ext", NULL, "data:write", KARI_SCOPE_SESSION, 0);
  g_autoptr(KariGrant) lasting = add (f, "ext", NULL, "system:metrics", KARI_SCOPE_PERSISTENT, 0);
  g_autoptr(GError) error = NULL;
  guint64 generation = kari_grant_store_get_generation (f->store);
  sqlite3 *db = NULL;
  g_autofree char *sql = g_strdup_printf ("DELETE FROM grants WHERE id = %" G_GINT64_FORMAT, lasting->id);

  /* The boot clock ran on, the store's clock did not */
  f->time.boottime += 60 * SEC;
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_true (_kari_grant_store_reload (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kari_grant_store_get_generation (f->store), >, generation);
  g_assert_true (allows (f, "ext", NULL, "data:read"));
  g_assert_true (allows (f, "ext", NULL, "data:write"));
  g_assert_false (allows (f, "ext", NULL, "system:metrics"));
  /* And the until-grant still ends when the store's clock says */
  f->time.now += 10 * SEC;
  g_assert_false (allows (f, "ext", NULL, "data:read"));
  g_assert_true (allows (f, "ext", NULL, "data:write"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/grant/scope/parse", test_scope_parse);
  ADD ("/grant/scope/once", test_once);
  ADD ("/grant/scope/session", test_session);
  ADD ("/grant/scope/persistent", test_persistent);
  ADD ("/grant/scope/until/expires", test_until_expires);
  ADD ("/grant/scope/until/wall-clock-back", test_until_wall_clock_back);
  ADD ("/grant/scope/until/refused", test_until_refused);
  ADD ("/grant/reload/survivors", test_reload);
  ADD ("/grant/reload/same-boot", test_reload_same_boot);
  ADD ("/grant/reload/other-boot", test_reload_other_boot);
  ADD ("/grant/reload/stale-rows", test_reload_stale_rows);
  ADD ("/grant/revoke/variants", test_revoke);
  ADD ("/grant/revoke/id-memory", test_revoke_id_memory);
  ADD ("/grant/revoke/remove-extension", test_remove_extension);
  ADD ("/grant/revoke/write-failure", test_write_failure);
  ADD ("/grant/revoke/ids-not-reused", test_ids_not_reused);
  ADD ("/grant/add/invalid", test_invalid);
  ADD ("/grant/find/user-specific", test_user_specific);
  ADD ("/grant/find/precedence", test_precedence);
  ADD ("/grant/generation", test_generation);
  ADD ("/grant/reload/keeps-what-only-memory-knows", test_reload_from_disk);

  return g_test_run ();
}
