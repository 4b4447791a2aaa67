/* test-permission-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <sqlite3.h>

#include <unistd.h>

#include "kari.h"

#include "kari-test-util.h"

/* Private: every check evaluated in full (kari-permission-engine-private.h). */
void _kari_permission_engine_set_cache_enabled (KariPermissionEngine *self, gboolean enabled);

/* ------------------------------------------------------------------ */
/* A clock the test moves                                              */

typedef struct
{
  gint64 now;   /* atomic */
} TestClock;

static gint64
test_now (gpointer user_data)
{
  /* Moved only by the test's main thread, between checks. */
  return ((TestClock *) user_data)->now;
}

static gint64
test_wall (gpointer user_data)
{
  return G_GINT64_CONSTANT (1700000000000000) + test_now (user_data);
}

/* ------------------------------------------------------------------ */
/* An agent that answers only when told                                */

#define TEST_TYPE_AGENT (test_agent_get_type ())
G_DECLARE_FINAL_TYPE (TestAgent, test_agent, TEST, AGENT, GObject)

struct _TestAgent
{
  GObject            parent_instance;
  GPtrArray         *tasks;
  guint              n_prompts;
  KariPromptRequest *last;
};

static void test_agent_iface_init (KariPromptAgentInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestAgent, test_agent, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KARI_TYPE_PROMPT_AGENT, test_agent_iface_init))

static void
test_agent_prompt_async (KariPromptAgent         *agent,
                         const KariPromptRequest *request,
                         GCancellable            *cancellable,
                         GAsyncReadyCallback      callback,
                         gpointer                 user_data)
{
  TestAgent *self = TEST_AGENT (agent);

  self->n_prompts++;
  g_clear_pointer (&self->last, kari_prompt_request_free);
  self->last = kari_prompt_request_copy (request);
  g_ptr_array_add (self->tasks, g_task_new (self, cancellable, callback, user_data));
}

static KariPromptAnswer
test_agent_prompt_finish (KariPromptAgent  *agent,
                          GAsyncResult     *result,
                          gint64           *until_usec,
                          GError          **error)
{
  gssize answer = g_task_propagate_int (G_TASK (result), error);

  return answer < 0 ? KARI_PROMPT_DENY : (KariPromptAnswer) answer;
}

static void
test_agent_iface_init (KariPromptAgentInterface *iface)
{
  iface->prompt_async = test_agent_prompt_async;
  iface->prompt_finish = test_agent_prompt_finish;
}

static void
test_agent_finalize (GObject *object)
{
  TestAgent *self = TEST_AGENT (object);

  g_ptr_array_unref (self->tasks);
  g_clear_pointer (&self->last, kari_prompt_request_free);
  G_OBJECT_CLASS (test_agent_parent_class)->finalize (object);
}

static void
test_agent_class_init (TestAgentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_agent_finalize;
}

static void
test_agent_init (TestAgent *self)
{
  self->tasks = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
test_agent_answer (TestAgent        *self,
                   KariPromptAnswer  answer)
{
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&self->tasks);

  self->tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_int (g_ptr_array_index (tasks, i), answer);
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

typedef struct
{
  char                 *dir;
  char                 *path;
  TestClock             clock_data;
  KariClock             clock;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
} Fixture;

static KariPermissionEngine *
engine_new (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  KariPermissionEngine *engine = kari_permission_engine_new (f->registry, f->audit, &f->clock, &error);

  g_assert_no_error (error);
  g_assert_nonnull (engine);
  return engine;
}

static const char * const declared_a[] = {
  "data:read", "data:write", "system:metrics", "network:http:api.example.com", NULL
};

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kari_test_tmp_db ("kari-engine-XXXXXX", "registry.db", &f->dir, &f->path);
  f->clock_data.now = 1000000;
  f->clock = (KariClock) { test_now, test_wall, &f->clock_data };
  f->registry = kari_registry_open (f->path, NULL, NULL, &error);
  g_assert_no_error (error);
  f->audit = kari_audit_log_open (f->path, &error);
  g_assert_no_error (error);
  f->engine = engine_new (f);
  g_assert_true (kari_permission_engine_set_declared (f->engine, "a", "Extension A", declared_a, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->engine);
  if (f->audit != NULL)
    g_assert_true (kari_audit_log_close (f->audit, NULL));
  g_clear_object (&f->audit);
  g_clear_object (&f->registry);
  kari_test_tmp_db_clear (&f->dir, &f->path);
}

static void
use_policy (Fixture    *f,
            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPolicy) policy = kari_policy_new_builtin (name, &error);

  g_assert_no_error (error);
  g_assert_true (kari_permission_engine_set_policy (f->engine, g_get_user_name (), "default", policy, &error));
  g_assert_no_error (error);
}

static KariVerdict
check_full (Fixture         *f,
            const char      *extension,
            const char      *permission,
            KariCheckResult *result)
{
  KariCheck check = { "default", NULL, extension, permission };

  return kari_permission_engine_check (f->engine, &check, result);
}

static KariGrant *
grant_ok (Fixture    *f,
          const char *extension,
          const char *permission,
          KariScope   scope,
          gint64      until_usec)
{
  g_autoptr(GError) error = NULL;
  KariGrant *grant = kari_permission_engine_grant (f->engine, g_get_user_name (), "default", extension,
                                                   NULL, permission, scope, until_usec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (grant);
  return grant;
}

/* ------------------------------------------------------------------ */
/* Files are matched again on every check                              */

static void
test_filesystem_not_cached (Fixture       *f,
                            gconstpointer  data)
{
  static const char * const declared_fs[] = { "filesystem:read:$DATA/**", NULL };
  g_autofree char *name = g_strdup_printf ("fs-%08x", g_random_int ());
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "kari", "data", "default", name, NULL);
  g_autofree char *inside = g_build_filename (data_dir, "notes.txt", NULL);
  g_autofree char *outside_dir = g_dir_make_tmp ("kari-outside-XXXXXX", NULL);
  g_autofree char *outside = g_build_filename (outside_dir, "secret.txt", NULL);
  g_autofree char *link = g_build_filename (data_dir, "link", NULL);
  g_autofree char *permission = g_strconcat ("filesystem:read:", link, NULL);
  g_autoptr(GError) error = NULL;

  g_free (kari_test_write (data_dir, "notes.txt", "mine"));
  g_free (kari_test_write (outside_dir, "secret.txt", "not mine"));
  g_assert_cmpint (symlink (inside, link), ==, 0);
  g_assert_true (kari_permission_engine_set_declared (f->engine, name, NULL, declared_fs, &error));
  g_assert_no_error (error);
  use_policy (f, "balanced");

  {
    g_auto(KariCheckResult) result = { 0 };
    g_assert_cmpint (check_full (f, name, permission, &result), ==, KARI_VERDICT_ALLOW);
  }

  /* The extension points its link out of its folder: the same request,
   * word for word, must not be allowed from a cached answer. */
  g_assert_cmpint (g_unlink (link), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  {
    g_auto(KariCheckResult) result = { 0 };
    g_assert_cmpint (check_full (f, name, permission, &result), ==, KARI_VERDICT_DENY);
    g_assert_cmpstr (result.decided_by, ==, "undeclared");
    g_assert_false (result.cached);
  }

  kari_test_rm_rf (data_dir);
  kari_test_rm_rf (outside_dir);
}

/* ------------------------------------------------------------------ */
/* The order of a check                                                */

static void
test_invalid (Fixture       *f,
              gconstpointer  data)
{
  static const char *bad[] = { "", "data", ":read", "nonsense::", "data:read\n", NULL };

  use_policy (f, "permissive");
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_auto(KariCheckResult) result = { 0 };

      g_assert_cmpint (check_full (f, "a", bad[i], &result), ==, KARI_VERDICT_DENY);
      g_assert_cmpstr (result.decided_by, ==, "invalid");
    }
}

static void
test_undeclared_wins (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(KariCheckResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KariGrant) grant = NULL;

  use_policy (f, "permissive");
  /* Neither a declared extension asking beyond its manifest, nor one
   * that declared nothing, gets through a permissive policy. */
  g_assert_cmpint (check_full (f, "a", "system:logs", &result), ==, KARI_VERDICT_DENY);
  g_assert_cmpstr (result.decided_by, ==, "undeclared");
  kari_check_result_clear (&result);
  g_assert_cmpint (check_full (f, "nobody", "data:read", &result), ==, KARI_VERDICT_DENY);
  g_assert_cmpstr (result.decided_by, ==, "undeclared");

  /* Nor can a grant make it so. */
  grant = kari_permission_engine_grant (f->engine, g_get_user_name (), "default", "a", NULL,
                                        "system:logs", KARI_SCOPE_PERSISTENT, 0, &error);
  g_assert_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_UNDECLARED);
  g_assert_null (grant);
  g_clear_error (&error);
  grant = kari_permission_engine_grant (f->engine, g_get_user_name (), "default", "a", NULL,
                                        "network:http:evil.example.org", KARI_SCOPE_PERSISTENT, 0, &error);
  g_assert_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_UNDECLARED);
  g_assert_null (grant);
}

static void
test_grant_before_policy (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(KariCheckResult) result = { 0 };
  g_autoptr(KariGrant) grant = NULL;
  g_autofree char *expected = NULL;

  use_policy (f, "strict");
  g_assert_cmpint (check_full (f, "a", "system:metrics", &result), ==, KARI_VERDICT_DENY);
  g_assert_true (g_str_has_prefix (result.decided_by, "policy:"));
  kari_check_result_clear (&result);

  grant = grant_ok (f, "a", "system:metrics", KARI_SCOPE_PERSISTENT, 0);
  expected = g_strdup_printf ("grant:%" G_GINT64_FORMAT, grant->id);
  g_assert_cmpint (check_full (f, "a", "system:metrics", &result), ==, KARI_VERDICT_ALLOW);
  g_assert_cmpstr (result.decided_by, ==, expected);
  g_assert_false (result.cached);
}

static void
test_policy_verdicts (Fixture       *f,
                      gconstpointer  data)
{
  static const struct { const char *policy; KariPolicyDecision decision; } cases[] = {
    { "strict", KARI_POLICY_DENY }, { "balanced", KARI_POLICY_ASK }, { "permissive", KARI_POLICY_ALLOW },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(KariCheckResult) result = { 0 };
      KariPolicyQuery query = { "a", "default", NULL, NULL, "network", "http", "api.example.com" };
      KariVerdict expected;

      use_policy (f, cases[i].policy);
      /* The engine says what the policy says, whatever that is for
       * this permission. */
      switch (kari_policy_decide (kari_permission_engine_get_policy (f->engine), &query, NULL))
        {
        case KARI_POLICY_ALLOW: expected = KARI_VERDICT_ALLOW; break;
        case KARI_POLICY_ASK: expected = KARI_VERDICT_ASK; break;
        default: expected = KARI_VERDICT_DENY; break;
        }
      g_assert_cmpint (check_full (f, "a", "network:http:api.example.com", &result), ==, expected);
    }
}

/* ------------------------------------------------------------------ */
/* The cache                                                           */

static void
assert_cached (Fixture    *f,
               const char *permission,
               gboolean    cached,
               KariVerdict verdict)
{
  g_auto(KariCheckResult) result = { 0 };

  g_assert_cmpint (check_full (f, "a", permission, &result), ==, verdict);
  g_assert_cmpint (result.cached, ==, cached);
}

static void
test_cache_invalidation (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariGrant) grant = NULL;
  g_autoptr(KariGrant) until = NULL;
  static const char * const fewer[] = { "data:read", NULL };

  use_policy (f, "strict");
  assert_cached (f, "system:metrics", FALSE, KARI_VERDICT_DENY);
  assert_cached (f, "system:metrics", TRUE, KARI_VERDICT_DENY);

  /* grant */
  grant = grant_ok (f, "a", "system:metrics", KARI_SCOPE_PERSISTENT, 0);
  assert_cached (f, "system:metrics", FALSE, KARI_VERDICT_ALLOW);
  assert_cached (f, "system:metrics", TRUE, KARI_VERDICT_ALLOW);

  /* revoke */
  g_assert_true (kari_permission_engine_revoke (f->engine, g_get_user_name (), "default", "a", NULL,
                                                "system:metrics", NULL, &error));
  g_assert_no_error (error);
  assert_cached (f, "system:metrics", FALSE, KARI_VERDICT_DENY);
  assert_cached (f, "system:metrics", TRUE, KARI_VERDICT_DENY);

  /* policy */
  use_policy (f, "strict");
  assert_cached (f, "system:metrics", FALSE, KARI_VERDICT_DENY);

  /* roles */
  assert_cached (f, "system:metrics", TRUE, KARI_VERDICT_DENY);
  g_assert_true (kari_permission_engine_assign_role (f->engine, g_get_user_name (), "default",
                                                     "bob", "viewer", &error));
  g_assert_no_error (error);
  assert_cached (f, "system:metrics", FALSE, KARI_VERDICT_DENY);

  /* a grant made straight on the store is seen through its generation */
  assert_cached (f, "system:metrics", TRUE, KARI_VERDICT_DENY);
  g_clear_pointer (&grant, kari_grant_free);
  grant = kari_grant_store_add (kari_permission_engine_get_grants (f->engine), "a", "default", NULL,
                                "system:metrics", KARI_SCOPE_SESSION, 0, "test", &error);
  g_assert_no_error (error);
  assert_cached (f, "system:metrics", FALSE, KARI_VERDICT_ALLOW);
  assert_cached (f, "system:metrics", TRUE, KARI_VERDICT_ALLOW);

  /* declared: taking the permission away denies it at once */
  g_assert_true (kari_permission_engine_set_declared (f->engine, "a", NULL, fewer, &error));
  g_assert_no_error (error);
  assert_cached (f, "system:metrics", FALSE, KARI_VERDICT_DENY);
  g_assert_true (kari_permission_engine_set_declared (f->engine, "a", NULL, declared_a, &error));

  /* expiry: a cached allowance from an until-grant ends with the grant */
  g_assert_true (kari_permission_engine_revoke (f->engine, g_get_user_name (), "default", "a", NULL,
                                                NULL, NULL, &error));
  until = grant_ok (f, "a", "system:metrics", KARI_SCOPE_UNTIL, test_wall (&f->clock_data) + 5000000);
  assert_cached (f, "system:metrics", FALSE, KARI_VERDICT_ALLOW);
  assert_cached (f, "system:metrics", TRUE, KARI_VERDICT_ALLOW);
  f->clock_data.now += 4999999;
  assert_cached (f, "system:metrics", TRUE, KARI_VERDICT_ALLOW);
  f->clock_data.now += 1;
  assert_cached (f, "system:metrics", FALSE, KARI_VERDICT_DENY);
}

static void
test_once (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(KariGrant) grant = NULL;

  use_policy (f, "strict");
  grant = grant_ok (f, "a", "system:metrics", KARI_SCOPE_ONCE, 0);
  assert_cached (f, "system:metrics", FALSE, KARI_VERDICT_ALLOW);
  assert_cached (f, "system:metrics", FALSE, KARI_VERDICT_DENY);
  assert_cached (f, "system:metrics", TRUE, KARI_VERDICT_DENY);
}

static void
test_load_declared (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char * const *declared;

  g_assert_true (kari_registry_install_values (
    f->registry, "listed", "1.0.0", "/ext/listed",
    "{\"name\":\"listed\",\"version\":\"1.0.0\",\"type\":\"addon\",\"display_name\":\"Listed\","
    "\"permissions\":[\"data:read\",\"network:http:*.github.com\"]}", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kari_registry_install_values (
    f->registry, "grouped", "1.0.0", "/ext/grouped",
    "{\"name\":\"grouped\",\"version\":\"1.0.0\",\"type\":\"addon\","
    "\"permissions\":{\"data_access\":[\"read\",\"write\"],\"system_access\":[\"metrics\"]}}",
    NULL, &error));
  g_assert_no_error (error);

  g_assert_true (kari_permission_engine_load_declared (f->engine, &error));
  g_assert_no_error (error);

  declared = kari_permission_engine_get_declared (f->engine, "listed");
  g_assert_nonnull (declared);
  g_assert_true (g_strv_contains (declared, "data:read"));
  g_assert_true (g_strv_contains (declared, "network:http:*.github.com"));
  declared = kari_permission_engine_get_declared (f->engine, "grouped");
  g_assert_nonnull (declared);
  g_assert_cmpuint (g_strv_length ((GStrv) declared), ==, 3);
  g_assert_true (g_strv_contains (declared, "data:write"));
  g_assert_true (g_strv_contains (declared, "system:metrics"));
  /* "a" was set by hand, not installed: loading replaces it with nothing */
  g_assert_null (kari_permission_engine_get_declared (f->engine, "a"));

  use_policy (f, "permissive");
  assert_cached (f, "data:read", FALSE, KARI_VERDICT_DENY);
  {
    g_auto(KariCheckResult) result = { 0 };
    g_assert_cmpint (check_full (f, "grouped", "system:logs", &result), ==, KARI_VERDICT_DENY);
    g_assert_cmpstr (result.decided_by, ==, "undeclared");
  }
}

/* ------------------------------------------------------------------ */
/* Prompts                                                             */

typedef struct
{
  guint       n_done;
  guint       n_allowed;
  guint       n_cancelled;
  char       *decided_by;
} Waits;

static void
on_checked (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  Waits *w = user_data;
  g_auto(KariCheckResult) result = { 0 };
  g_autoptr(GError) error = NULL;

  if (kari_permission_engine_check_finish (KARI_PERMISSION_ENGINE (source), res, &result, &error) ==
      KARI_VERDICT_ALLOW)
    w->n_allowed++;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    w->n_cancelled++;
  g_free (w->decided_by);
  w->decided_by = g_strdup (result.decided_by);
  w->n_done++;
}

static void
check_async (Fixture      *f,
             const char   *permission,
             GCancellable *cancellable,
             Waits        *w)
{
  KariCheck check = { "default", NULL, "a", permission };

  kari_permission_engine_check_async (f->engine, &check, cancellable, on_checked, w);
}

static void
wait_for (Waits *w,
          guint  n)
{
  while (w->n_done < n)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_prompt_dedup (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TestAgent) agent = g_object_new (TEST_TYPE_AGENT, NULL);
  g_autoptr(GPtrArray) grants = NULL;
  Waits w = { 0 };

  use_policy (f, "balanced");
  if (check_full (f, "a", "network:http:api.example.com", NULL) != KARI_VERDICT_ASK)
    {
      g_test_skip ("the balanced policy does not ask for network:http");
      return;
    }
  kari_permission_engine_set_prompt_agent (f->engine, KARI_PROMPT_AGENT (agent));
  for (guint i = 0; i < 100; i++)
    check_async (f, "network:http:api.example.com", NULL, &w);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (agent->n_prompts, ==, 1);
  g_assert_cmpuint (w.n_done, ==, 0);

  /* What is shown is what will be granted. */
  g_assert_cmpstr (agent->last->permission, ==, "network:http:api.example.com");
  g_assert_cmpstr (agent->last->resource, ==, "api.example.com");
  g_assert_cmpstr (agent->last->display_name, ==, "Extension A");
  g_assert_nonnull (agent->last->description);

  test_agent_answer (agent, KARI_PROMPT_ALWAYS);
  wait_for (&w, 100);
  g_assert_cmpuint (w.n_allowed, ==, 100);
  g_assert_cmpstr (w.decided_by, ==, "prompt:always");

  grants = kari_grant_store_list (kari_permission_engine_get_grants (f->engine), "a", "default");
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_cmpstr (((KariGrant *) grants->pdata[0])->permission, ==, "network:http:api.example.com");
  g_assert_cmpint (((KariGrant *) grants->pdata[0])->scope, ==, KARI_SCOPE_PERSISTENT);
  g_assert_true (g_str_has_prefix (((KariGrant *) grants->pdata[0])->granted_by, "prompt:"));
  g_assert_cmpint (check_full (f, "a", "network:http:api.example.com", NULL), ==, KARI_VERDICT_ALLOW);
  g_free (w.decided_by);
}

static void
test_prompt_timeout (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(TestAgent) agent = g_object_new (TEST_TYPE_AGENT, NULL);
  g_autoptr(GPtrArray) grants = NULL;
  Waits w = { 0 };

  use_policy (f, "balanced");
  if (check_full (f, "a", "network:http:api.example.com", NULL) != KARI_VERDICT_ASK)
    {
      g_test_skip ("the balanced policy does not ask for network:http");
      return;
    }
  kari_permission_engine_set_prompt_agent (f->engine, KARI_PROMPT_AGENT (agent));
  kari_permission_engine_set_prompt_timeout (f->engine, 10);
  check_async (f, "network:http:api.example.com", NULL, &w);
  check_async (f, "network:http:api.example.com", NULL, &w);
  wait_for (&w, 2);
  g_assert_cmpuint (w.n_allowed, ==, 0);
  g_assert_cmpstr (w.decided_by, ==, "prompt:timeout");
  g_assert_cmpuint (agent->n_prompts, ==, 1);

  /* The agent was told to close it; a late answer changes nothing. */
  g_assert_true (g_cancellable_is_cancelled (g_task_get_cancellable (agent->tasks->pdata[0])));
  test_agent_answer (agent, KARI_PROMPT_ALWAYS);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  grants = kari_grant_store_list (kari_permission_engine_get_grants (f->engine), "a", "default");
  g_assert_cmpuint (grants->len, ==, 0);
  g_free (w.decided_by);
}

static void
test_prompt_discarded (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TestAgent) agent = g_object_new (TEST_TYPE_AGENT, NULL);
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;
  Waits w = { 0 };

  use_policy (f, "balanced");
  if (check_full (f, "a", "system:metrics", NULL) != KARI_VERDICT_ASK)
    {
      g_test_skip ("the balanced policy does not ask for system:metrics");
      return;
    }
  kari_permission_engine_set_prompt_agent (f->engine, KARI_PROMPT_AGENT (agent));
  check_async (f, "system:metrics", NULL, &w);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (agent->n_prompts, ==, 1);

  /* Revoked while the person looked: the answer is not trusted, the
   * question is asked again. */
  g_assert_true (kari_permission_engine_revoke (f->engine, g_get_user_name (), "default", "a", NULL,
                                                NULL, NULL, &error));
  g_assert_no_error (error);
  test_agent_answer (agent, KARI_PROMPT_ALWAYS);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (w.n_done, ==, 0);
  g_assert_cmpuint (agent->n_prompts, ==, 2);
  grants = kari_grant_store_list (kari_permission_engine_get_grants (f->engine), "a", "default");
  g_assert_cmpuint (grants->len, ==, 0);
  g_clear_pointer (&grants, g_ptr_array_unref);

  /* The policy turned strict while the second prompt was open: the
   * answer is discarded and the re-evaluation denies. */
  use_policy (f, "strict");
  test_agent_answer (agent, KARI_PROMPT_ALWAYS);
  wait_for (&w, 1);
  g_assert_cmpuint (w.n_allowed, ==, 0);
  g_assert_true (g_str_has_prefix (w.decided_by, "policy:"));
  grants = kari_grant_store_list (kari_permission_engine_get_grants (f->engine), "a", "default");
  g_assert_cmpuint (grants->len, ==, 0);
  g_free (w.decided_by);
}

static void
test_prompt_headless (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(KariPromptAgent) agent = kari_headless_agent_new (KARI_PROMPT_ONCE, 0);
  g_autoptr(GPtrArray) grants = NULL;
  Waits w = { 0 };

  use_policy (f, "balanced");
  if (check_full (f, "a", "network:http:api.example.com", NULL) != KARI_VERDICT_ASK)
    {
      g_test_skip ("the balanced policy does not ask for network:http");
      return;
    }
  kari_permission_engine_set_prompt_agent (f->engine, agent);
  check_async (f, "network:http:api.example.com", NULL, &w);
  wait_for (&w, 1);
  check_async (f, "network:http:api.example.com", NULL, &w);
  wait_for (&w, 2);
  g_assert_cmpuint (w.n_allowed, ==, 2);
  g_assert_cmpstr (w.decided_by, ==, "prompt:once");
  g_assert_cmpuint (kari_headless_agent_get_n_prompts (KARI_HEADLESS_AGENT (agent)), ==, 2);
  /* Each once-grant was used by its own answer. */
  grants = kari_grant_store_list (kari_permission_engine_get_grants (f->engine), "a", "default");
  g_assert_cmpuint (grants->len, ==, 0);
  g_free (w.decided_by);
}

static void
test_prompt_cancel (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(TestAgent) agent = g_object_new (TEST_TYPE_AGENT, NULL);
  g_autoptr(GCancellable) one = g_cancellable_new ();
  g_autoptr(GCancellable) two = g_cancellable_new ();
  Waits w = { 0 };

  use_policy (f, "balanced");
  if (check_full (f, "a", "network:http:api.example.com", NULL) != KARI_VERDICT_ASK)
    {
      g_test_skip ("the balanced policy does not ask for network:http");
      return;
    }
  kari_permission_engine_set_prompt_agent (f->engine, KARI_PROMPT_AGENT (agent));
  check_async (f, "network:http:api.example.com", one, &w);
  check_async (f, "network:http:api.example.com", two, &w);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_cancellable_cancel (one);
  wait_for (&w, 1);
  g_assert_cmpuint (w.n_cancelled, ==, 1);
  g_assert_false (g_cancellable_is_cancelled (g_task_get_cancellable (agent->tasks->pdata[0])));
  /* The last waiter gone, the prompt closes. */
  g_cancellable_cancel (two);
  wait_for (&w, 2);
  g_assert_cmpuint (w.n_cancelled, ==, 2);
  g_assert_true (g_cancellable_is_cancelled (g_task_get_cancellable (agent->tasks->pdata[0])));
  test_agent_answer (agent, KARI_PROMPT_DENY);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_free (w.decided_by);
}

/* ------------------------------------------------------------------ */
/* Admins                                                              */

static void
test_admin_roles (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariGrant) grant = NULL;
  g_autoptr(KariPolicy) strict = kari_policy_new_builtin ("strict", NULL);
  guint64 before = kari_audit_log_get_n_appended (f->audit);

  grant = kari_permission_engine_grant (f->engine, "mallory", "default", "a", NULL, "data:read",
                                        KARI_SCOPE_PERSISTENT, 0, &error);
  g_assert_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED);
  g_assert_null (grant);
  g_clear_error (&error);
  g_assert_false (kari_permission_engine_revoke (f->engine, "mallory", "default", "a", NULL, NULL, NULL, &error));
  g_assert_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_false (kari_permission_engine_set_policy (f->engine, "mallory", "default", strict, &error));
  g_assert_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_false (kari_permission_engine_install_grants (f->engine, "mallory", "default", "a", &error));
  g_assert_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_false (kari_permission_engine_assign_role (f->engine, "mallory", "default", "mallory", "admin", &error));
  g_assert_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  /* Every refusal is audited. */
  g_assert_cmpuint (kari_audit_log_get_n_appended (f->audit), ==, before + 5);

  /* The local user is admin by default and can make mallory one. */
  g_assert_true (kari_permission_engine_assign_role (f->engine, g_get_user_name (), "default",
                                                     "mallory", "admin", &error));
  g_assert_no_error (error);
  grant = kari_permission_engine_grant (f->engine, "mallory", "default", "a", NULL, "data:read",
                                        KARI_SCOPE_PERSISTENT, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (grant);
  g_assert_cmpstr (grant->granted_by, ==, "mallory");
}

/* How many of declared_a the engine's policy allows at install. */
static guint
count_allowed (Fixture *f)
{
  KariPolicy *policy = kari_permission_engine_get_policy (f->engine);
  guint n = 0;

  for (guint i = 0; declared_a[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (declared_a[i], ":", 3);
      KariPolicyQuery query = { "a", "default", NULL, NULL, parts[0], parts[1], parts[2] };

      n += kari_policy_decide (policy, &query, NULL) == KARI_POLICY_ALLOW;
    }
  return n;
}

static void
test_install_grants (Fixture       *f,
                     gconstpointer  data)
{
  static const char *policies[] = { "permissive", "strict" };

  for (guint p = 0; p < G_N_ELEMENTS (policies); p++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) grants = NULL;

      g_assert_true (kari_permission_engine_revoke (f->engine, g_get_user_name (), "default", "a", NULL,
                                                    NULL, NULL, &error));
      use_policy (f, policies[p]);
      g_assert_true (kari_permission_engine_install_grants (f->engine, g_get_user_name (), "default", "a", &error));
      g_assert_no_error (error);
      /* Twice changes nothing. */
      g_assert_true (kari_permission_engine_install_grants (f->engine, g_get_user_name (), "default", "a", &error));
      g_assert_no_error (error);
      grants = kari_grant_store_list (kari_permission_engine_get_grants (f->engine), "a", "default");
      g_assert_cmpuint (grants->len, ==, count_allowed (f));
      for (guint i = 0; i < grants->len; i++)
        g_assert_cmpint (((KariGrant *) grants->pdata[i])->scope, ==, KARI_SCOPE_PERSISTENT);
      /* permissive allows all four; strict not the system or network ones */
      g_assert_cmpuint (grants->len, ==, p == 0 ? 4 : count_allowed (f));
      if (p == 1)
        g_assert_cmpuint (grants->len, <, 4);
    }
}

static void
test_policy_persisted (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(KariPermissionEngine) second = NULL;

  use_policy (f, "strict");
  second = engine_new (f);
  g_assert_cmpstr (kari_policy_get_name (kari_permission_engine_get_policy (second)), ==, "strict");
  g_clear_object (&second);
  use_policy (f, "permissive");
  second = engine_new (f);
  g_assert_cmpstr (kari_policy_get_name (kari_permission_engine_get_policy (second)), ==, "permissive");
}

/* ------------------------------------------------------------------ */
/* Audit and threads                                                   */

typedef struct
{
  Fixture *f;
  guint    n;
} Worker;

static gpointer
worker (gpointer data)
{
  Worker *w = data;
  static const char *perms[] = { "data:read", "data:write", "system:logs", "system:metrics" };

  for (guint i = 0; i < w->n; i++)
    {
      KariCheck check = { "default", i % 3 == 0 ? "bob" : NULL, "a", perms[i % G_N_ELEMENTS (perms)] };
      g_auto(KariCheckResult) result = { 0 };
      KariVerdict verdict = kari_permission_engine_check (w->f->engine, &check, &result);

      /* Undeclared stays denied, whatever the other threads do. */
      if (i % G_N_ELEMENTS (perms) == 2)
        g_assert_cmpint (verdict, ==, KARI_VERDICT_DENY);
    }
  return NULL;
}

static void
test_threads_audited (Fixture       *f,
                      gconstpointer  data)
{
  GThread *threads[4];
  Worker w = { f, 5000 };
  guint64 before;

  use_policy (f, "permissive");
  before = kari_audit_log_get_n_appended (f->audit);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("checker", worker, &w);
  /* Changes race the checks. */
  for (guint i = 0; i < 50; i++)
    {
      kari_grant_free (grant_ok (f, "a", "data:write", KARI_SCOPE_SESSION, 0));
      kari_permission_engine_revoke (f->engine, g_get_user_name (), "default", "a", NULL, NULL, NULL, NULL);
      use_policy (f, i % 2 ? "strict" : "permissive");
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  /* checks + 50 × (grant, revoke, policy) */
  g_assert_cmpuint (kari_audit_log_get_n_appended (f->audit) - before, ==,
                    G_N_ELEMENTS (threads) * w.n + 150);
}

/* ------------------------------------------------------------------ */
/* Property: random changes against a reference model                   */

#define N_EXT 2
#define N_PERM 5

static const char *prop_ext[N_EXT] = { "a", "b" };
static const char *prop_perm[N_PERM] = {
  "data:read", "data:write", "system:metrics", "network:http:api.example.com", "model:inference:llama",
};

typedef struct
{
  gboolean declared[N_EXT][N_PERM];
  gboolean lasting[N_EXT][N_PERM];          /* a session or persistent grant */
  gint64   until[N_EXT][N_PERM];            /* latest until-grant deadline, 0 none */
  guint    once[N_EXT][N_PERM];             /* at most this many once-grants left */
} Model;

static void
test_property (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  static const char *policies[] = { "strict", "balanced", "permissive" };
  Model m = { 0 };

  /* The fixture declared declared_a for "a". */
  for (guint i = 0; i < N_PERM; i++)
    m.declared[0][i] = g_strv_contains (declared_a, prop_perm[i]);

  for (guint step = 0; step < 3000; step++)
    {
      guint e = g_rand_int_range (rand, 0, N_EXT);
      guint p = g_rand_int_range (rand, 0, N_PERM);
      g_autoptr(GError) error = NULL;

      switch (g_rand_int_range (rand, 0, 8))
        {
        case 0: /* grant */
          {
            KariScope scope = g_rand_int_range (rand, 0, 4);
            gint64 until = test_wall (&f->clock_data) + g_rand_int_range (rand, 1, 5000);
            g_autoptr(KariGrant) grant =
              kari_permission_engine_grant (f->engine, g_get_user_name (), "default", prop_ext[e], NULL,
                                            prop_perm[p], scope, until, &error);

            if (!m.declared[e][p])
              {
                g_assert_null (grant);
                break;
              }
            g_assert_no_error (error);
            if (scope == KARI_SCOPE_ONCE)
              m.once[e][p]++;
            else if (scope == KARI_SCOPE_UNTIL)
              m.until[e][p] = MAX (m.until[e][p], f->clock_data.now + (until - test_wall (&f->clock_data)));
            else
              m.lasting[e][p] = TRUE;
            break;
          }
        case 1: /* revoke */
          g_assert_true (kari_permission_engine_revoke (f->engine, g_get_user_name (), "default",
                                                        prop_ext[e], NULL, prop_perm[p], NULL, &error));
          m.lasting[e][p] = FALSE;
          m.until[e][p] = 0;
          m.once[e][p] = 0;
          break;
        case 2: /* policy */
          use_policy (f, policies[g_rand_int_range (rand, 0, 3)]);
          break;
        case 3: /* declared */
          {
            const char *perms[N_PERM + 1] = { NULL };
            guint n = 0;

            for (guint i = 0; i < N_PERM; i++)
              if ((m.declared[e][i] = g_rand_boolean (rand)))
                perms[n++] = prop_perm[i];
            g_assert_true (kari_permission_engine_set_declared (f->engine, prop_ext[e], NULL, perms, &error));
            break;
          }
        case 4: /* time */
          f->clock_data.now += g_rand_int_range (rand, 0, 3000);
          break;
        default: /* check */
          {
            g_auto(KariCheckResult) result = { 0 };
            KariPolicyQuery query = { prop_ext[e], "default", NULL, NULL, NULL, NULL, NULL };
            g_auto(GStrv) parts = g_strsplit (prop_perm[p], ":", 3);
            gboolean live = m.lasting[e][p] || f->clock_data.now < m.until[e][p];
            KariVerdict verdict = check_full (f, prop_ext[e], prop_perm[p], &result);
            KariPolicyDecision decision;

            query.domain = parts[0];
            query.action = parts[1];
            query.resource = parts[2];
            decision = kari_policy_decide (kari_permission_engine_get_policy (f->engine), &query, NULL);

            if (!m.declared[e][p])
              {
                g_assert_cmpint (verdict, ==, KARI_VERDICT_DENY);
                g_assert_cmpstr (result.decided_by, ==, "undeclared");
              }
            else if (live)
              g_assert_cmpint (verdict, ==, KARI_VERDICT_ALLOW);
            else if (verdict == KARI_VERDICT_ALLOW && g_str_has_prefix (result.decided_by, "grant:"))
              {
                /* Only a once-grant not yet used may allow now. */
                g_assert_cmpuint (m.once[e][p], >, 0);
                m.once[e][p]--;
              }
            else
              g_assert_cmpint (verdict, ==, decision == KARI_POLICY_ALLOW ? KARI_VERDICT_ALLOW
                                            : decision == KARI_POLICY_ASK ? KARI_VERDICT_ASK
                                                                         : KARI_VERDICT_DENY);
            break;
          }
        }
    }
}


int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/permission-engine/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("order/invalid", test_invalid);
  ADD ("filesystem-not-cached", test_filesystem_not_cached);
  ADD ("order/undeclared-wins", test_undeclared_wins);
  ADD ("order/grant-before-policy", test_grant_before_policy);
  ADD ("order/policy", test_policy_verdicts);
  ADD ("cache/invalidation", test_cache_invalidation);
  ADD ("cache/once-consumed-once", test_once);
  ADD ("declared/from-registry", test_load_declared);
  ADD ("prompt/one-per-burst", test_prompt_dedup);
  ADD ("prompt/timeout", test_prompt_timeout);
  ADD ("prompt/discarded-after-change", test_prompt_discarded);
  ADD ("prompt/headless", test_prompt_headless);
  ADD ("prompt/cancel", test_prompt_cancel);
  ADD ("admin/roles", test_admin_roles);
  ADD ("admin/install-grants", test_install_grants);
  ADD ("admin/policy-persisted", test_policy_persisted);
  ADD ("audit/threads", test_threads_audited);
  ADD ("property/never-undeclared-never-revoked", test_property);
#undef ADD

  return g_test_run ();
}
