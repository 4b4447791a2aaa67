/* test-grant-model.c — grants under concurrent use and a random walk
 * checked against a reference model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "grant-fixture.h"

/* Races */

#define N_THREADS 8
#define N_ONCE 400

typedef struct
{
  KariGrantStore *store;
  gint            ready;
  gint            go;
  GArray         *got[N_THREADS];
} Race;

static gpointer
race_thread (gpointer data)
{
  Race *race = ((gpointer *) data)[0];
  GArray *got = ((gpointer *) data)[1];
  KariGrant *grant;

  g_atomic_int_inc (&race->ready);
  while (!g_atomic_int_get (&race->go))
    g_thread_yield ();
  while ((grant = find_full (race->store, "ext", "default", "alice", "data:read", TRUE)) != NULL)
    {
      g_array_append_val (got, grant->id);
      kari_grant_free (grant);
    }
  return NULL;
}

static void
test_once_race (Fixture       *f,
                gconstpointer  data)
{
  Race race = { f->store, 0, 0, { NULL } };
  GThread *threads[N_THREADS];
  gpointer args[N_THREADS][2];
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) granted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint total = 0;

  for (guint i = 0; i < N_ONCE; i++)
    {
      g_autoptr(KariGrant) grant = add (f, "ext", i % 2 ? "alice" : NULL, "data:read", KARI_SCOPE_ONCE, 0);
      g_hash_table_add (granted, g_memdup2 (&grant->id, sizeof grant->id));
    }
  for (guint i = 0; i < N_THREADS; i++)
    {
      race.got[i] = g_array_new (FALSE, FALSE, sizeof (gint64));
      args[i][0] = &race;
      args[i][1] = race.got[i];
      threads[i] = g_thread_new ("race", race_thread, args[i]);
    }
  while (g_atomic_int_get (&race.ready) < N_THREADS)
    g_thread_yield ();
  g_atomic_int_set (&race.go, 1);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  /* Every once-grant used exactly once, by exactly one thread */
  for (guint i = 0; i < N_THREADS; i++)
    {
      for (guint j = 0; j < race.got[i]->len; j++)
        {
          gint64 id = g_array_index (race.got[i], gint64, j);

          g_assert_true (g_hash_table_contains (granted, &id));
          g_assert_true (g_hash_table_add (seen, g_memdup2 (&id, sizeof id)));
        }
      total += race.got[i]->len;
      g_array_unref (race.got[i]);
    }
  g_assert_cmpuint (total, ==, N_ONCE);
  g_assert_false (allows (f, "ext", "alice", "data:read"));
}

/* A random walk checked against a model simple enough to trust */

typedef struct
{
  gint64     id;
  char      *extension;
  char      *tenant;
  char      *user;
  char      *permission;
  KariScope  scope;
  gint64     deadline;
  gboolean   alive;
} ModelGrant;

static void
model_grant_free (gpointer data)
{
  ModelGrant *m = data;

  g_free (m->extension);
  g_free (m->tenant);
  g_free (m->user);
  g_free (m->permission);
  g_free (m);
}

static gboolean
model_in_force (const ModelGrant *m,
                gint64            now)
{
  return m->alive && (m->scope != KARI_SCOPE_UNTIL || now < m->deadline);
}

static const char *model_extensions[] = { "a", "b" };
static const char *model_tenants[] = { "default", "acme" };
static const char *model_users[] = { NULL, "alice", "bob" };
static const char *model_permissions[] = { "data:read", "data:write", "system:metrics", "system:logs" };

#define PICK(array) (array[g_rand_int_range (rand, 0, G_N_ELEMENTS (array))])

static const guint model_rank[] = { 0, 1, 3, 2 };   /* once, session, persistent, until */

static guint property_allowed, property_denied;

static void
property_step (Fixture   *f,
               GRand     *rand,
               GPtrArray *model)
{
  g_autoptr(GError) error = NULL;
  const char *extension = PICK (model_extensions);
  const char *tenant = PICK (model_tenants);
  const char *user = PICK (model_users);
  const char *permission = PICK (model_permissions);
  gint64 now = f->time.now;
  guint op = g_rand_int_range (rand, 0, 100);

  if (op < 30)
    {
      KariScope scope = g_rand_int_range (rand, KARI_SCOPE_ONCE, KARI_SCOPE_UNTIL + 1);
      gint64 until = f->time.wall + g_rand_int_range (rand, 1, 100) * SEC;
      g_autoptr(KariGrant) grant = kari_grant_store_add (f->store, extension, tenant, user, permission,
                                                         scope, until, "prop", &error);
      ModelGrant *m;

      g_assert_no_error (error);
      for (guint i = 0; i < model->len; i++)
        if (((ModelGrant *) model->pdata[i])->id == grant->id)
          {
            /* Only an identical session or persistent grant is shared */
            m = model->pdata[i];
            g_assert_true (model_in_force (m, now));
            g_assert_true (scope == KARI_SCOPE_SESSION || scope == KARI_SCOPE_PERSISTENT);
            g_assert_cmpint (m->scope, ==, scope);
            return;
          }
      m = g_new0 (ModelGrant, 1);
      m->id = grant->id;
      m->extension = g_strdup (extension);
      m->tenant = g_strdup (tenant);
      m->user = g_strdup (user);
      m->permission = g_strdup (permission);
      m->scope = scope;
      m->deadline = now + (until - f->time.wall);
      m->alive = TRUE;
      g_ptr_array_add (model, m);
    }
  else if (op < 40)
    {
      const char *which = g_rand_boolean (rand) ? permission : NULL;
      const char *whom = g_rand_boolean (rand) ? user : NULL;
      guint n = 0, expected = 0;

      g_assert_true (kari_grant_store_revoke (f->store, extension, tenant, whom, which, &n, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < model->len; i++)
        {
          ModelGrant *m = model->pdata[i];

          if (g_str_equal (m->extension, extension) && g_str_equal (m->tenant, tenant) &&
              (whom == NULL || g_strcmp0 (m->user, whom) == 0) &&
              (which == NULL || g_str_equal (m->permission, which)))
            {
              expected += model_in_force (m, now);
              m->alive = FALSE;
            }
        }
      g_assert_cmpuint (n, ==, expected);
    }
  else if (op < 45 && model->len > 0)
    {
      ModelGrant *m = model->pdata[g_rand_int_range (rand, 0, model->len)];
      gboolean ok = kari_grant_store_revoke_id (f->store, m->id, &error);

      g_assert_cmpint (ok, ==, model_in_force (m, now));
      m->alive = FALSE;
    }
  else if (op < 47)
    {
      g_assert_true (kari_grant_store_remove_extension (f->store, extension, &error));
      for (guint i = 0; i < model->len; i++)
        if (g_str_equal (((ModelGrant *) model->pdata[i])->extension, extension))
          ((ModelGrant *) model->pdata[i])->alive = FALSE;
    }
  else if (op < 57)
    {
      /* Time passes; the wall clock may jump either way and must not matter */
      advance (f, g_rand_int_range (rand, 0, 20) * SEC);
      if (g_rand_int_range (rand, 0, 4) == 0)
        f->time.wall += g_rand_int_range (rand, -3600, 3600) * SEC;
    }
  else if (op < 59)
    {
      /* Once and session grants end with the store, and so do their
       * ids, which a new store counts afresh */
      restart (f, "boot-a");
      for (guint i = model->len; i-- > 0;)
        {
          ModelGrant *m = model->pdata[i];

          if (m->scope == KARI_SCOPE_ONCE || m->scope == KARI_SCOPE_SESSION)
            g_ptr_array_remove_index_fast (model, i);
        }
    }
  else if (op < 62)
    {
      g_autoptr(GPtrArray) list = kari_grant_store_list (f->store, NULL, NULL);
      guint expected = 0;

      for (guint i = 0; i < model->len; i++)
        expected += model_in_force (model->pdata[i], now);
      g_assert_cmpuint (list->len, ==, expected);
      for (guint i = 0; i < list->len; i++)
        for (guint j = 0; j < model->len; j++)
          if (((ModelGrant *) model->pdata[j])->id == ((KariGrant *) list->pdata[i])->id)
            g_assert_true (model_in_force (model->pdata[j], now));
    }
  else
    {
      gboolean consume = g_rand_boolean (rand);
      g_autoptr(KariGrant) found = find_full (f->store, extension, tenant, user, permission, consume);
      ModelGrant *best = NULL;
      ModelGrant *chosen = NULL;

      for (guint i = 0; i < model->len; i++)
        {
          ModelGrant *m = model->pdata[i];

          if (model_in_force (m, now) && g_str_equal (m->extension, extension) &&
              g_str_equal (m->tenant, tenant) && g_str_equal (m->permission, permission) &&
              (m->user == NULL || g_strcmp0 (m->user, user) == 0) &&
              (best == NULL || model_rank[m->scope] > model_rank[best->scope]))
            best = m;
          if (found != NULL && m->id == found->id)
            chosen = m;
        }
      if (best == NULL)
        {
          /* Nothing revoked, ended or used up ever allows */
          g_assert_null (found);
          property_denied++;
          return;
        }
      g_assert_nonnull (found);
      g_assert_nonnull (chosen);
      g_assert_true (model_in_force (chosen, now));
      g_assert_cmpint (chosen->scope, ==, best->scope);
      if (consume && chosen->scope == KARI_SCOPE_ONCE)
        chosen->alive = FALSE;
      property_allowed++;
    }
}

static void
test_property (Fixture       *f,
               gconstpointer  data)
{
  guint32 seed = g_test_rand_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) model = g_ptr_array_new_with_free_func (model_grant_free);
  guint steps = g_test_slow () ? 50000 : 4000;

  g_test_message ("seed %u", seed);
  for (guint i = 0; i < steps; i++)
    property_step (f, rand, model);
  g_test_message ("%u checks allowed, %u denied", property_allowed, property_denied);
  /* The walk must exercise both outcomes to mean anything */
  g_assert_cmpuint (property_allowed, >, steps / 20);
  g_assert_cmpuint (property_denied, >, steps / 20);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/grant/once/race", test_once_race);
  ADD ("/grant/property/model", test_property);

  return g_test_run ();
}
