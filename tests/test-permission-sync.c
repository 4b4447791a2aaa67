/* test-permission-sync.c — a running engine takes in what another
 * process (the real kari-ext) grants, revokes, sets as policy or gives
 * as roles in the same registry, and survives garbage on the way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include "kari-test-cli.h"

#define DECLARED "\"permissions\": [\"data:read\", \"system:metrics\"]"

/* How long a change may take to be seen; only guards against a hang */
#define WAIT_SECONDS 10

typedef struct
{
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  guint                 n_changed;
} Host;

static char *
registry_path (Fixture *f)
{
  return g_build_filename (f->data_home, "kari", "registry.db", NULL);
}

/* Writes "crm", has kari-ext register it under the strict policy, and
 * opens an engine on the same registry, as a running host would. */
static void
host_open (Fixture *f,
           Host    *host)
{
  g_autofree char *path = registry_path (f);
  g_autoptr(GError) error = NULL;

  g_free (kari_test_write_extension (f->exts, "crm", "crm", "1.0.0", DECLARED));
  {
    g_auto(Result) r = run (f, "policy", "set", "strict");
    g_assert_cmpint (r.status, ==, 0);
  }
  host->registry = kari_registry_open (path, NULL, NULL, &error);
  g_assert_no_error (error);
  host->audit = kari_audit_log_open (path, &error);
  g_assert_no_error (error);
  host->engine = kari_permission_engine_new (host->registry, host->audit, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kari_permission_engine_load_declared (host->engine, &error));
  g_assert_no_error (error);
}

static void
host_close (Host *host)
{
  g_clear_object (&host->engine);
  if (host->audit != NULL)
    g_assert_true (kari_audit_log_close (host->audit, NULL));
  g_clear_object (&host->audit);
  g_clear_object (&host->registry);
}

static KariVerdict
check_as (Host            *host,
          const char      *user,
          const char      *permission,
          KariCheckResult *result)
{
  KariCheck check = { "default", user, "crm", permission };

  kari_check_result_clear (result);
  return kari_permission_engine_check (host->engine, &check, result);
}

/* Checks until @verdict comes, running the main loop between; the first
 * answer must already be it (a change counts from the very next check),
 * the loop only keeps a failure from hanging. */
static void
assert_next_check (Host            *host,
                   const char      *user,
                   const char      *permission,
                   KariVerdict      verdict,
                   KariCheckResult *result)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  KariVerdict first = check_as (host, user, permission, result);
  KariVerdict now = first;

  while (now != verdict && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
      now = check_as (host, user, permission, result);
    }
  g_assert_cmpint (now, ==, verdict);
  g_assert_cmpint (first, ==, verdict);
  g_assert_false (result->cached);
}

static void
on_registry_changed (KariPermissionEngine *engine,
                     gpointer              user_data)
{
  Host *host = user_data;

  host->n_changed++;
}

static gboolean
wait_changed (Host  *host,
              guint  n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (host->n_changed < n && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return host->n_changed >= n;
}

static void
run_ok (Fixture    *f,
        const char *a,
        const char *b,
        const char *c,
        const char *d)
{
  g_auto(Result) r = run (f, a, b, c, d);

  if (r.status != 0)
    g_printerr ("kari-ext %s %s %s %s: %s", a, b, c, d != NULL ? d : "", r.err);
  g_assert_cmpint (r.status, ==, 0);
}

/* The newest audit entry of @kind about system:metrics, or NULL */
static KariAuditEntry *
newest (Host          *host,
        KariAuditKind  kind,
        int            decision)
{
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  query.extension = "crm";
  query.permission = "system:metrics";
  query.decision = decision;
  query.limit = 1000;
  g_assert_true (kari_audit_log_flush (host->audit, &error));
  entries = kari_audit_log_query (host->audit, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      KariAuditEntry *e = g_ptr_array_index (entries, i);

      if (e->kind == kind)
        return kari_audit_entry_copy (e);
    }
  return NULL;
}

/* ------------------------------------------------------------------ */

static void
test_grant_revoke (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(KariCheckResult) result = { 0 };
  g_autoptr(KariAuditEntry) granted = NULL;
  g_autoptr(KariAuditEntry) revoked = NULL;
  g_autoptr(KariAuditEntry) allowed = NULL;
  g_autoptr(KariAuditEntry) denied = NULL;
  Host host = { 0 };

  host_open (f, &host);

  /* Strict denies system information; the denial is cached */
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_DENY, &result);
  g_assert_cmpint (check_as (&host, NULL, "system:metrics", &result), ==, KARI_VERDICT_DENY);
  g_assert_true (result.cached);

  /* Granted by another process: allowed from the next check on */
  run_ok (f, "grant", "crm", "system:metrics", NULL);
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_ALLOW, &result);
  g_assert_true (g_str_has_prefix (result.decided_by, "grant:"));
  g_assert_cmpint (check_as (&host, NULL, "system:metrics", &result), ==, KARI_VERDICT_ALLOW);
  g_assert_true (result.cached);

  /* Revoked by another process: the cached allowance is gone at once */
  run_ok (f, "revoke", "crm", "system:metrics", NULL);
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_DENY, &result);
  g_assert_true (g_str_has_prefix (result.decided_by, "policy:"));
  {
    g_autoptr(GPtrArray) list = kari_grant_store_list (kari_permission_engine_get_grants (host.engine),
                                                       "crm", NULL);

    g_assert_cmpuint (list->len, ==, 0);
  }

  /* Both processes wrote the story to the one audit log, in order */
  granted = newest (&host, KARI_AUDIT_GRANT, 1);
  revoked = newest (&host, KARI_AUDIT_REVOKE, 1);
  allowed = newest (&host, KARI_AUDIT_CHECK, 1);
  denied = newest (&host, KARI_AUDIT_CHECK, 0);
  g_assert_nonnull (granted);
  g_assert_nonnull (revoked);
  g_assert_nonnull (allowed);
  g_assert_nonnull (denied);
  g_assert_cmpstr (revoked->user, ==, g_get_user_name ());
  g_assert_cmpstr (revoked->detail, ==, "1 revoked");
  g_assert_cmpint (granted->time_usec, <=, allowed->time_usec);
  g_assert_cmpint (allowed->time_usec, <=, revoked->time_usec);
  g_assert_cmpint (revoked->time_usec, <=, denied->time_usec);
  g_assert_true (g_str_has_prefix (allowed->decided_by, "grant:"));

  host_close (&host);
}

/* A session grant lives in the process that made it: a reload for
 * another process's change keeps it */
static void
test_session_kept (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(KariCheckResult) result = { 0 };
  g_autoptr(KariGrant) session = NULL;
  g_autoptr(GError) error = NULL;
  Host host = { 0 };

  host_open (f, &host);
  session = kari_permission_engine_grant (host.engine, g_get_user_name (), "default", "crm", NULL,
                                          "system:metrics", KARI_SCOPE_SESSION, 0, &error);
  g_assert_no_error (error);
  run_ok (f, "grant", "crm", "data:read", NULL);
  run_ok (f, "revoke", "crm", "data:read", NULL);
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_ALLOW, &result);
  g_assert_cmpstr (result.decided_by, ==, "grant:-1");
  host_close (&host);
}

static void
test_policy_and_roles (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(KariCheckResult) result = { 0 };
  g_autofree char *rules = g_build_filename (f->root, "rules.json", NULL);
  Host host = { 0 };

  host_open (f, &host);
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_DENY, &result);

  run_ok (f, "policy", "set", "permissive", NULL);
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_ALLOW, &result);
  g_assert_cmpstr (kari_policy_get_name (kari_permission_engine_get_policy (host.engine)), ==, "permissive");
  run_ok (f, "policy", "set", "strict", NULL);
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_DENY, &result);

  /* Viewers may read metrics; bob becomes one in another process */
  g_free (kari_test_write (f->root, "rules.json",
                           "{\"rules\": [{\"id\": \"viewers\", \"role\": \"viewer\", "
                           "\"permission\": \"system:metrics\", \"decision\": \"allow\"}]}"));
  {
    g_auto(Result) r = run (f, "policy", "set", "--rules", rules, "--base", "strict");
    g_assert_cmpint (r.status, ==, 0);
  }
  assert_next_check (&host, "bob", "system:metrics", KARI_VERDICT_DENY, &result);
  g_assert_cmpint (check_as (&host, "bob", "system:metrics", &result), ==, KARI_VERDICT_DENY);
  g_assert_true (result.cached);
  run_ok (f, "users", "add", "bob", "viewer");
  assert_next_check (&host, "bob", "system:metrics", KARI_VERDICT_ALLOW, &result);
  g_assert_cmpstr (result.decided_by, ==, "policy:rules.json:viewers");
  run_ok (f, "users", "remove", "bob", "viewer");
  assert_next_check (&host, "bob", "system:metrics", KARI_VERDICT_DENY, &result);

  host_close (&host);
}

typedef struct
{
  Host    *host;
  gint     stop;
  guint64  n_checks;
} Hammer;

static gpointer
hammer_main (gpointer data)
{
  Hammer *h = data;
  KariCheck check = { "default", NULL, "crm", "system:metrics" };
  guint64 n = 0;

  while (!g_atomic_int_get (&h->stop))
    {
      g_auto(KariCheckResult) result = { 0 };
      KariVerdict verdict = kari_permission_engine_check (h->host->engine, &check, &result);

      g_assert_true (verdict == KARI_VERDICT_ALLOW || verdict == KARI_VERDICT_DENY);
      n++;
    }
  __atomic_add_fetch (&h->n_checks, n, __ATOMIC_RELAXED);
  return NULL;
}

/* Checks on several threads while another process grants and revokes,
 * so grants are read again under them many times: never a wrong kind of
 * answer, never a crash (run under ASan), and the last change holds */
static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  g_auto(KariCheckResult) result = { 0 };
  GThread *threads[2];
  Hammer hammer = { 0 };
  Host host = { 0 };

  host_open (f, &host);
  hammer.host = &host;
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("hammer", hammer_main, &hammer);
  for (guint i = 0; i < 2; i++)
    {
      run_ok (f, "grant", "crm", "system:metrics", NULL);
      run_ok (f, "revoke", "crm", "system:metrics", NULL);
    }
  run_ok (f, "grant", "crm", "system:metrics", NULL);
  g_atomic_int_set (&hammer.stop, 1);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (hammer.n_checks, >, 0);
  g_assert_cmpint (check_as (&host, NULL, "system:metrics", &result), ==, KARI_VERDICT_ALLOW);
  run_ok (f, "revoke", "crm", "system:metrics", NULL);
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_DENY, &result);
  host_close (&host);
}

/* With the watch, a change is taken in, and announced, with no check */
static void
test_watch (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KariGrantStore *grants;
  Host host = { 0 };

  host_open (f, &host);
  grants = kari_permission_engine_get_grants (host.engine);
  g_assert_true (kari_permission_engine_watch_registry (host.engine, &error));
  g_assert_no_error (error);
  g_assert_true (kari_permission_engine_watch_registry (host.engine, &error));
  g_signal_connect (host.engine, "registry-changed", G_CALLBACK (on_registry_changed), &host);

  run_ok (f, "grant", "crm", "system:metrics", NULL);
  g_assert_true (wait_changed (&host, 1));
  {
    g_autoptr(GPtrArray) list = kari_grant_store_list (grants, "crm", NULL);

    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpstr (((KariGrant *) g_ptr_array_index (list, 0))->permission, ==, "system:metrics");
  }
  run_ok (f, "revoke", "crm", "system:metrics", NULL);
  g_assert_true (wait_changed (&host, 2));
  {
    g_autoptr(GPtrArray) list = kari_grant_store_list (grants, "crm", NULL);

    g_assert_cmpuint (list->len, ==, 0);
  }
  host_close (&host);
}

static void
sql (sqlite3    *db,
     const char *statement)
{
  char *message = NULL;

  if (sqlite3_exec (db, statement, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", statement, message);
}

/* Runs the main loop for @ms, so the watch sees what was written */
static void
spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* Garbage in the WAL, a write half done, rows and settings no program
 * would write: the watch and the checks carry on with what holds */
static void
test_garbage (Fixture       *f,
              gconstpointer  data)
{
  g_auto(KariCheckResult) result = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  Host host = { 0 };

  host_open (f, &host);
  path = registry_path (f);
  wal = g_strconcat (path, "-wal", NULL);
  g_assert_true (kari_permission_engine_watch_registry (host.engine, &error));
  g_assert_no_error (error);
  run_ok (f, "grant", "crm", "system:metrics", NULL);
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_ALLOW, &result);

  /* Bytes past the last frame, as a writer killed mid-frame leaves */
  {
    g_autoptr(GRand) rand = g_rand_new_with_seed (6);
    guint32 junk[1024];
    FILE *file = fopen (wal, "ab");

    for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
      junk[i] = g_rand_int (rand);
    g_assert_nonnull (file);
    g_assert_cmpuint (fwrite (junk, 1, sizeof junk, file), ==, sizeof junk);
    g_assert_cmpint (fclose (file), ==, 0);
  }
  spin (300);
  g_assert_cmpint (check_as (&host, NULL, "system:metrics", &result), ==, KARI_VERDICT_ALLOW);

  /* A revocation not yet committed does not count, and does not block */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  sql (db, "BEGIN IMMEDIATE; DELETE FROM grants;");
  spin (300);
  g_assert_cmpint (check_as (&host, NULL, "system:metrics", &result), ==, KARI_VERDICT_ALLOW);
  g_assert_true (kari_permission_engine_refresh (host.engine, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (check_as (&host, NULL, "system:metrics", &result), ==, KARI_VERDICT_ALLOW);
  sql (db, "ROLLBACK");

  /* Rows a hand edit left: an unknown scope, a once-grant on disk, a
   * permission that does not parse. None allows anything. */
  sql (db, "INSERT INTO grants (extension, tenant, permission, scope, granted_by, granted_usec)"
           " VALUES ('crm', 'default', 'data:read', 'forever', 'hand', 0),"
           "        ('crm', 'default', 'data:read', 'once', 'hand', 0),"
           "        ('crm', 'default', 'data:::read[', 'persistent', 'hand', 0),"
           "        ('crm', 'default', 'data:read', 'until', 'hand', 0)");
  spin (300);
  assert_next_check (&host, NULL, "data:read", KARI_VERDICT_ALLOW, &result);
  g_assert_true (g_str_has_prefix (result.decided_by, "policy:"));
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_ALLOW, &result);

  /* A saved policy that does not load: strict, never something looser.
   * It is warned about (structured logging, which the test's expected
   * messages do not see), so warnings are not fatal meanwhile. */
  run_ok (f, "policy", "set", "permissive", NULL);
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_ALLOW, &result);
  sql (db, "UPDATE settings SET value = 'no-such-policy' WHERE key = 'policy.base'");
  {
    GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);

    g_assert_true (kari_permission_engine_refresh (host.engine, NULL, &error));
    g_log_set_always_fatal (fatal);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (kari_policy_get_name (kari_permission_engine_get_policy (host.engine)), ==, "strict");
  sql (db, "UPDATE settings SET value = 'strict' WHERE key = 'policy.base'");
  sqlite3_close (db);

  /* And a real revocation still counts at once */
  spin (300);
  run_ok (f, "revoke", "crm", "system:metrics", NULL);
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_DENY, &result);
  host_close (&host);
}

/* ------------------------------------------------------------------ */
/* A real host: kari-ext run, a sandboxed extension, Storage1          */

/* What the extension got when it read from its store: the D-Bus error
 * name, or "ok" */
static char *
read_store (Fixture *f)
{
  g_auto(Result) r = run (f, "call", "store", "storage", "{\"op\": \"get\", \"collection\": \"c\", \"id\": \"x\"}");
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  if (r.status != 0)
    g_printerr ("kari-ext call: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  o = json_node_get_object (node);
  if (json_object_get_boolean_member (o, "ok"))
    return g_strdup ("ok");
  return g_strdup (json_object_get_string_member (o, "error"));
}

/* The first read after a change must give @expected; the loop only
 * keeps a failure from hanging. */
static void
assert_next_read (Fixture    *f,
                  const char *expected)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  g_autofree char *first = read_store (f);
  g_autofree char *now = g_strdup (first);

  while (g_strcmp0 (now, expected) != 0 && g_get_monotonic_time () < deadline)
    {
      g_usleep (50000);
      g_free (now);
      now = read_store (f);
    }
  g_assert_cmpstr (now, ==, expected);
  g_assert_cmpstr (first, ==, expected);
}

typedef struct
{
  GTestDBus       *bus_daemon;
  GDBusConnection *bus;
  GSubprocess     *host;
  guint            watch;
} RunningHost;

/* Writes "store", which may read its store only with a grant (a rule
 * denies what strict allows), grants it, and starts kari-ext run. */
static void
running_host_start (Fixture     *f,
                    RunningHost *h)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *app = NULL;
  g_autofree char *rules = g_build_filename (f->root, "rules.json", NULL);
  gboolean appeared = FALSE;

  app = kari_test_write_extension (f->exts, "store", "store", "1.0.0",
                                   "\"runtime\": {\"command\": [\"store-ext\"]},\n"
                                   "  \"permissions\": [\"data:read\", \"data:write\"]");
  g_free (kari_test_copy_binary (g_getenv ("KARI_STORE_EXT"), app, "store-ext"));
  g_assert_cmpint (g_chmod (app, 0755), ==, 0);
  g_assert_cmpint (g_chmod (f->exts, 0755), ==, 0);
  g_assert_cmpint (g_chmod (f->root, 0755), ==, 0);
  g_free (kari_test_write (f->root, "rules.json",
                           "{\"rules\": [{\"id\": \"no-reading\", \"extension\": \"store\", "
                           "\"permission\": \"data:read\", \"decision\": \"deny\"}]}"));
  {
    g_auto(Result) r = run (f, "policy", "set", "--rules", rules, "--base", "strict");
    g_assert_cmpint (r.status, ==, 0);
  }
  run_ok (f, "grant", "store", "data:read", NULL);

  h->bus_daemon = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (h->bus_daemon);
  h->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  h->watch = g_bus_watch_name_on_connection (h->bus, KARI_HOST_MANAGER_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                             on_name_appeared, NULL, &appeared, NULL);
  h->host = spawn_host (f, "store", &error);
  g_assert_no_error (error);
  g_assert_true (kari_test_wait_for (&appeared, 60));
  g_bus_unwatch_name (h->watch);
  wait_running (f, "store");
}

static void
running_host_stop (RunningHost *h)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (h->host, SIGINT);
  g_subprocess_wait (h->host, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (h->host));
  g_assert_cmpint (g_subprocess_get_exit_status (h->host), ==, 0);
  g_clear_object (&h->host);
  g_clear_object (&h->bus);
  g_test_dbus_down (h->bus_daemon);
  g_clear_object (&h->bus_daemon);
}

static void
test_running_host (Fixture       *f,
                   gconstpointer  data)
{
  RunningHost h = { 0 };

  running_host_start (f, &h);

  /* Granted: the read gets through to the (empty) store */
  assert_next_read (f, "io.github.kari.Error.NotFound");
  /* Revoked from another process (the host's scripting role, user, may
   * not revoke, so kari-ext writes the registry itself): the very next
   * read is refused */
  {
    g_auto(Result) r = run (f, "revoke", "store", "data:read");

    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.err, "the running host did not revoke"));
    g_assert_nonnull (strstr (r.err, "Revoke needs the role “admin”"));
  }
  assert_next_read (f, "io.github.kari.Error.PermissionDenied");
  /* And granted again */
  run_ok (f, "grant", "store", "data:read", NULL);
  assert_next_read (f, "io.github.kari.Error.NotFound");

  /* The host audited its refusal, decided by the rule */
  {
    g_auto(Result) r = run (f, "audit", "--json", "--limit", "1000");
    g_autoptr(JsonNode) root = NULL;
    JsonArray *array;
    guint n_denied = 0;

    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    array = json_node_get_array (root);
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonObject *e = json_array_get_object_element (array, i);

        if (g_strcmp0 (json_object_get_string_member (e, "kind"), "check") == 0 &&
            g_strcmp0 (json_object_get_string_member (e, "extension"), "store") == 0 &&
            g_strcmp0 (json_object_get_string_member (e, "decision"), "deny") == 0 &&
            g_strcmp0 (json_object_get_string_member (e, "decided_by"), "policy:rules.json:no-reading") == 0)
          n_denied++;
      }
    g_assert_cmpuint (n_denied, >=, 1);
  }

  /* A session grant needs the host, whose role does not allow it */
  {
    g_auto(Result) r = run (f, "grant", "store", "data:read", "--scope", "session");

    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "Grant needs the role “admin”"));
  }
  running_host_stop (&h);

  /* With no host at all, it cannot be made */
  {
    g_auto(Result) r = run (f, "grant", "store", "data:read", "--scope", "session");

    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "no Kari host is running"));
  }
}

/* Once and session grants live in the host: with the scripting role
 * admin, kari-ext makes and ends them there */
static void
test_session_through_host (Fixture       *f,
                           gconstpointer  data)
{
  RunningHost h = { 0 };

  run_ok (f, "users", "scripting-role", "admin", NULL);
  running_host_start (f, &h);
  assert_next_read (f, "io.github.kari.Error.NotFound");

  /* Revoked through the host */
  {
    g_auto(Result) r = run (f, "revoke", "store", "data:read", "--json");
    g_autoptr(JsonNode) node = NULL;

    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
    node = parse_json (r.out);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "revoked"), ==, 1);
  }
  assert_next_read (f, "io.github.kari.Error.PermissionDenied");

  /* A session grant, made in the host */
  {
    g_auto(Result) r = run (f, "grant", "store", "data:read", "--scope", "session", "--json");
    g_autoptr(JsonNode) node = NULL;
    JsonObject *o;

    g_assert_cmpint (r.status, ==, 0);
    node = parse_json (r.out);
    o = json_node_get_object (node);
    g_assert_cmpstr (json_object_get_string_member (o, "scope"), ==, "session");
    g_assert_cmpint (json_object_get_int_member (o, "id"), <, 0);
    g_assert_cmpstr (json_object_get_string_member (o, "granted_by"), ==, g_get_user_name ());
  }
  assert_next_read (f, "io.github.kari.Error.NotFound");
  /* Not in the registry: a program of its own does not see it */
  {
    g_auto(Result) r = run (f, "permissions", "store", "--json");
    g_autoptr(JsonNode) node = parse_json (r.out);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node),
                                                                           "grants")), ==, 0);
  }
  /* And ended in the host */
  {
    g_auto(Result) r = run (f, "revoke", "store", "data:read", "--json");
    g_autoptr(JsonNode) node = NULL;

    g_assert_cmpint (r.status, ==, 0);
    node = parse_json (r.out);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "revoked"), ==, 1);
  }
  assert_next_read (f, "io.github.kari.Error.PermissionDenied");
  running_host_stop (&h);
}

static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = kari_test_rerun_as_nobody ("KARI_PERMISSION_SYNC_UNPRIVILEGED", TRUE, &successful,
                                                     "-p", "/permission-sync/host/revoke-while-running",
                                                     "-p", "/permission-sync/host/session-through-host", NULL);

  if (!successful)
    g_printerr ("as nobody:\n%s\n", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "ok 1 /permission-sync/host/revoke-while-running"));
  g_assert_nonnull (strstr (out, "ok 2 /permission-sync/host/session-through-host"));
}

/* A host runs for hours: nothing it keeps open may stop a checkpoint,
 * and a WAL started over (truncated) is followed like any other */
static void
test_checkpoint (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(KariCheckResult) result = { 0 };
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  Host host = { 0 };

  host_open (f, &host);
  path = registry_path (f);
  g_assert_true (kari_permission_engine_watch_registry (host.engine, &error));
  g_assert_no_error (error);
  run_ok (f, "grant", "crm", "system:metrics", NULL);
  assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_ALLOW, &result);
  g_assert_true (kari_audit_log_flush (host.audit, &error));
  g_assert_no_error (error);
  spin (200);

  for (guint round = 0; round < 2; round++)
    {
      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      sqlite3_busy_timeout (db, 10000);
      g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      /* busy, frames in the WAL, frames moved: 0 when no reader held
       * the WAL back, and then it is empty */
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
      g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 0);
      sqlite3_finalize (stmt);
      sqlite3_close (db);

      /* The WAL starts over, from the first frame again */
      run_ok (f, "revoke", "crm", "system:metrics", NULL);
      assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_DENY, &result);
      run_ok (f, "grant", "crm", "system:metrics", NULL);
      assert_next_check (&host, NULL, "system:metrics", KARI_VERDICT_ALLOW, &result);
      g_assert_true (kari_audit_log_flush (host.audit, &error));
      g_assert_no_error (error);
      spin (200);
    }
  host_close (&host);
}

#define ADD(path, func) g_test_add ("/permission-sync/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("engine/grant-revoke", test_grant_revoke);
  ADD ("engine/session-kept", test_session_kept);
  ADD ("engine/policy-and-roles", test_policy_and_roles);
  ADD ("engine/threads", test_threads);
  ADD ("watch/announced", test_watch);
  ADD ("watch/garbage", test_garbage);
  ADD ("wal/checkpoint", test_checkpoint);
  ADD ("host/revoke-while-running", test_running_host);
  ADD ("host/session-through-host", test_session_through_host);
  if (geteuid () == 0 && g_getenv ("KARI_PERMISSION_SYNC_UNPRIVILEGED") == NULL)
    g_test_add_func ("/permission-sync/host/unprivileged", test_unprivileged);
  return g_test_run ();
}
