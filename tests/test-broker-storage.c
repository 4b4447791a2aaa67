/* test-broker-storage.c — io.github.kari.Storage1 from real extensions in
 * real sandboxes: tests/store-ext.c, built on the SDK, makes the calls;
 * the stores are real files under XDG_DATA_HOME.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include "kari-test-sandbox.h"

typedef struct
{
  char                 *dir;
  char                 *db;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  GPtrArray            *supervisors;
  GPtrArray            *apps;
} Fixture;

static char *root;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kari_test_tmp_db ("kari-broker-storage-XXXXXX", "registry.db", &f->dir, &f->db);
  f->registry = kari_registry_open (f->db, NULL, NULL, &error);
  g_assert_no_error (error);
  f->audit = kari_audit_log_open (f->db, &error);
  g_assert_no_error (error);
  f->engine = kari_permission_engine_new (f->registry, f->audit, NULL, &error);
  g_assert_no_error (error);
  f->supervisors = g_ptr_array_new ();
  f->apps = g_ptr_array_new_with_free_func (g_free);
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *stopped = user_data;

  kari_supervisor_stop_finish (KARI_SUPERVISOR (source), result, NULL);
  *stopped = TRUE;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *stores = g_build_filename (g_get_user_data_dir (), "kari", "stores", NULL);

  for (guint i = 0; i < f->supervisors->len; i++)
    {
      gboolean stopped = FALSE;

      kari_supervisor_stop_async (f->supervisors->pdata[i], NULL, on_stopped, &stopped);
      g_assert_true (kari_test_wait_for (&stopped, 30));
      g_object_unref (f->supervisors->pdata[i]);
    }
  g_ptr_array_unref (f->supervisors);
  for (guint i = 0; i < f->apps->len; i++)
    kari_test_rm_rf (f->apps->pdata[i]);
  g_ptr_array_unref (f->apps);
  kari_test_rm_rf (stores);
  g_clear_object (&f->engine);
  g_clear_object (&f->audit);
  g_clear_object (&f->registry);
  kari_test_tmp_db_clear (&f->dir, &f->db);
}

static void
grant (Fixture    *f,
       const char *tenant,
       const char *extension,
       const char *permission)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariGrant) granted = kari_permission_engine_grant (f->engine, g_get_user_name (), tenant, extension,
                                                               NULL, permission, KARI_SCOPE_PERSISTENT, 0, &error);

  g_assert_no_error (error);
}

/* Starts store-ext as @name in @tenant, with @extra in its manifest and
 * @migration (if any) as migrations/001_init.sql, declaring data:read
 * and data:write (strict policy: it allows an extension its own data,
 * what it declares). */
static const char *python_main;

static KariSupervisor *
start_declaring (Fixture            *f,
                 const char         *name,
                 const char         *tenant,
                 const char         *extra,
                 const char         *migration,
                 const char * const *declared)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPolicy) policy = kari_policy_new_builtin ("strict", &error);
  g_autoptr(KariManifest) manifest = NULL;
  g_autofree char *folder = g_strdup_printf ("app-%s-%s", name, tenant);
  g_autofree char *json = g_strdup_printf ("\"runtime\": {\"command\": %s},\n"
                                           "  \"permissions\": [\"data:read\", \"data:write\"]%s%s",
                                           python_main != NULL ? "[\"python3\", \"main.py\"]" : "[\"store-ext\"]",
                                           extra != NULL ? ",\n  " : "", extra != NULL ? extra : "");
  char *app = kari_test_write_extension (root, folder, name, "1.0.0", json);
  KariSupervisor *supervisor;
  gint64 deadline;

  g_assert_cmpint (g_chmod (app, 0755), ==, 0);
  g_free (kari_test_copy_binary (g_getenv ("KARI_STORE_EXT"), app, "store-ext"));
  if (python_main != NULL)
    {
      g_autofree char *module = g_build_filename (g_getenv ("KARI_PYTHON_SDK"), "kari_extension.py", NULL);

      g_free (kari_test_copy_binary (module, app, "kari_extension.py"));
      g_free (kari_test_write (app, "main.py", python_main));
    }
  if (migration != NULL)
    {
      g_autofree char *migrations = g_build_filename (app, "migrations", NULL);

      g_free (kari_test_write (migrations, "001_init.sql", migration));
      g_assert_cmpint (g_chmod (migrations, 0755), ==, 0);
    }
  g_ptr_array_add (f->apps, app);
  {
    g_autoptr(KariRegistryEntry) installed = kari_registry_lookup (f->registry, name, NULL);

    /* The same extension in a second tenant is installed once. */
    manifest = installed != NULL ? kari_manifest_load_dir (app, NULL, &error) : kari_test_install (f->registry, app);
    g_assert_no_error (error);
  }
  g_assert_true (kari_permission_engine_set_declared (f->engine, name, name, declared, &error));
  g_assert_no_error (error);
  g_assert_true (kari_permission_engine_set_policy (f->engine, g_get_user_name (), tenant, policy, &error));

  supervisor = kari_supervisor_new (manifest, app, tenant, f->engine, f->registry);
  kari_supervisor_set_handshake_timeout (supervisor, 20000);
  kari_supervisor_set_ping (supervisor, 0, 1000);
  kari_supervisor_start (supervisor, &error);
  g_assert_no_error (error);
  g_ptr_array_add (f->supervisors, supervisor);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (kari_supervisor_get_state (supervisor) != KARI_STATE_RUNNING && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (kari_supervisor_get_state (supervisor), ==, KARI_STATE_RUNNING);
  return supervisor;
}

static KariSupervisor *
start (Fixture    *f,
       const char *name,
       const char *tenant,
       const char *extra,
       const char *migration)
{
  static const char * const declared[] = { "data:read", "data:write", NULL };

  return start_declaring (f, name, tenant, extra, migration, declared);
}

typedef struct
{
  gboolean  done;
  char     *response;
  GError   *error;
} Call;

static void
on_response (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;

  call->response = kari_broker_call_handle_request_finish (KARI_BROKER (source), result, &call->error);
  call->done = TRUE;
}

/* Has the extension make one Storage1 call; returns its answer. */
static JsonObject *
ask (KariSupervisor *supervisor,
     const char     *request)
{
  g_autoptr(JsonNode) root_node = NULL;
  g_autoptr(GError) error = NULL;
  Call call = { FALSE, NULL, NULL };

  kari_broker_call_handle_request_async (kari_supervisor_get_broker (supervisor), "storage", request, 60000,
                                         NULL, on_response, &call);
  g_assert_true (kari_test_wait_for (&call.done, 90));
  g_assert_no_error (call.error);
  root_node = json_from_string (call.response, &error);
  g_assert_no_error (error);
  g_free (call.response);
  return json_object_ref (json_node_get_object (root_node));
}

/* Asks and expects success; returns the result text. */
static char *
ask_ok (KariSupervisor *supervisor,
        const char     *request,
        gint64         *version)
{
  g_autoptr(JsonObject) answer = ask (supervisor, request);

  if (!json_object_get_boolean_member (answer, "ok"))
    g_error ("%s failed: %s: %s", request, json_object_get_string_member (answer, "error"),
             json_object_get_string_member_with_default (answer, "message", ""));
  if (version != NULL)
    *version = json_object_get_int_member (answer, "version");
  return g_strdup (json_object_get_string_member (answer, "result"));
}

/* Asks and expects the D-Bus error @name; returns the message. */
static char *
ask_fails (KariSupervisor *supervisor,
           const char     *request,
           const char     *name)
{
  g_autoptr(JsonObject) answer = ask (supervisor, request);

  if (json_object_get_boolean_member (answer, "ok"))
    g_error ("%s succeeded, expected %s", request, name);
  g_assert_cmpstr (json_object_get_string_member (answer, "error"), ==, name);
  return g_strdup (json_object_get_string_member_with_default (answer, "message", ""));
}

static void
test_documents (Fixture       *f,
                gconstpointer  data)
{
  KariSupervisor *s = start (f, "notes", "acme", NULL, NULL);
  g_autofree char *doc = NULL, *page = NULL, *conflict = NULL;
  g_autofree char *path = NULL;
  gint64 version = 0;

  grant (f, "acme", "notes", "data:read");
  grant (f, "acme", "notes", "data:write");
  g_free (ask_ok (s, "{\"op\": \"put\", \"collection\": \"todo\", \"id\": \"t1\", "
                     "\"document\": \"{\\\"title\\\": \\\"milk\\\", \\\"n\\\": 1}\", \"expected\": 0}", &version));
  g_assert_cmpint (version, ==, 1);
  doc = ask_ok (s, "{\"op\": \"get\", \"collection\": \"todo\", \"id\": \"t1\"}", &version);
  g_assert_cmpstr (doc, ==, "{\"title\":\"milk\",\"n\":1}");
  g_assert_cmpint (version, ==, 1);
  g_free (ask_ok (s, "{\"op\": \"put\", \"collection\": \"todo\", \"id\": \"t1\", "
                     "\"document\": \"{\\\"title\\\": \\\"oat milk\\\", \\\"n\\\": 2}\", \"expected\": 1}", &version));
  g_assert_cmpint (version, ==, 2);
  conflict = ask_fails (s, "{\"op\": \"put\", \"collection\": \"todo\", \"id\": \"t1\", "
                           "\"document\": \"{}\", \"expected\": 1}", "io.github.kari.Error.Conflict");
  g_assert_nonnull (strstr (conflict, "expected version 1, the stored version is 2"));
  g_free (ask_ok (s, "{\"op\": \"index\", \"collection\": \"todo\", \"field\": \"n\"}", NULL));
  page = ask_ok (s, "{\"op\": \"query\", \"collection\": \"todo\", \"query\": "
                    "\"{\\\"where\\\": [{\\\"field\\\": \\\"n\\\", \\\"op\\\": \\\"ge\\\", \\\"value\\\": 2}]}\"}", NULL);
  g_assert_cmpstr (page, ==, "{\"documents\":[{\"id\":\"t1\",\"version\":2,"
                             "\"document\":{\"title\":\"oat milk\",\"n\":2}}],\"next_offset\":null}");
  g_free (ask_ok (s, "{\"op\": \"delete\", \"collection\": \"todo\", \"id\": \"t1\", \"expected\": 2}", NULL));
  g_free (ask_fails (s, "{\"op\": \"get\", \"collection\": \"todo\", \"id\": \"t1\"}",
                     "io.github.kari.Error.NotFound"));
  /* Crafted names and ids are refused by the host. */
  g_free (ask_fails (s, "{\"op\": \"put\", \"collection\": \"../../x\", \"id\": \"a\", \"document\": \"{}\"}",
                     "org.freedesktop.DBus.Error.InvalidArgs"));
  g_free (ask_fails (s, "{\"op\": \"put\", \"collection\": \"_kari_documents\", \"id\": \"a\", \"document\": \"{}\"}",
                     "org.freedesktop.DBus.Error.InvalidArgs"));
  g_free (ask_fails (s, "{\"op\": \"get\", \"collection\": \"todo\", \"id\": \"a' OR '1'='1\"}",
                     "org.freedesktop.DBus.Error.InvalidArgs"));

  /* The store is the file of this extension in this tenant. */
  path = g_build_filename (g_get_user_data_dir (), "kari", "stores", "acme", "notes.sqlite", NULL);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
test_sql (Fixture       *f,
          gconstpointer  data)
{
  KariSupervisor *s = start (f, "ledger", "acme", NULL, NULL);
  g_autofree char *rows = NULL, *message = NULL;

  grant (f, "acme", "ledger", "data:read");
  grant (f, "acme", "ledger", "data:write");
  g_free (ask_ok (s, "{\"op\": \"sql\", \"sql\": \"CREATE TABLE entries (amount INTEGER, memo TEXT)\"}", NULL));
  g_free (ask_ok (s, "{\"op\": \"sql\", \"sql\": \"INSERT INTO entries VALUES (?, ?)\", "
                     "\"params\": \"[42, \\\"coffee\\\"]\"}", NULL));
  rows = ask_ok (s, "{\"op\": \"sql\", \"sql\": \"SELECT amount, memo FROM entries\"}", NULL);
  g_assert_cmpstr (rows, ==, "{\"columns\":[\"amount\",\"memo\"],\"rows\":[[42,\"coffee\"]],\"changes\":0}");
  message = ask_fails (s, "{\"op\": \"sql\", \"sql\": \"ATTACH '/etc/passwd' AS x\"}", "io.github.kari.Error.Refused");
  g_assert_nonnull (strstr (message, "ATTACH"));
  g_free (ask_fails (s, "{\"op\": \"sql\", \"sql\": \"SELECT * FROM main._kari_documents\"}",
                     "io.github.kari.Error.Refused"));
  g_free (ask_fails (s, "{\"op\": \"sql\", \"sql\": \"PRAGMA journal_mode = OFF\"}", "io.github.kari.Error.Refused"));
  g_free (ask_fails (s, "{\"op\": \"sql\", \"sql\": \"SELECT 1; DELETE FROM entries\"}",
                     "org.freedesktop.DBus.Error.InvalidArgs"));
  g_free (ask_fails (s, "{\"op\": \"sql\", \"sql\": \"SELEC 1\"}", "io.github.kari.Error.SqlFailed"));
  /* What the SDK never sends: unknown methods and wrong paths. */
  {
    g_autoptr(JsonObject) unknown = ask (s, "{\"op\": \"raw\", \"method\": \"DropEverything\", \"args\": []}");
    g_autoptr(JsonObject) wrong = ask (s, "{\"op\": \"raw\", \"method\": \"Put\", \"args\": [\"c\", \"x\"]}");

    g_assert_false (json_object_get_boolean_member (unknown, "ok"));
    g_assert_cmpstr (json_object_get_string_member (unknown, "error"), ==, "org.freedesktop.DBus.Error.UnknownMethod");
    g_assert_false (json_object_get_boolean_member (wrong, "ok"));
    g_assert_cmpstr (json_object_get_string_member (wrong, "error"), ==, "org.freedesktop.DBus.Error.InvalidArgs");
  }
  {
    /* Over the length cap of an argument: refused before any SQL. */
    g_autofree char *long_sql = g_strnfill (300 * 1024, ' ');
    g_autofree char *request = g_strdup_printf ("{\"op\": \"raw\", \"method\": \"Sql\", \"args\": [\"%s\", \"[]\"]}",
                                                long_sql);
    g_autoptr(JsonObject) answer = ask (s, request);

    g_assert_false (json_object_get_boolean_member (answer, "ok"));
    g_assert_cmpstr (json_object_get_string_member (answer, "error"), ==, "org.freedesktop.DBus.Error.InvalidArgs");
  }
}

static void
test_permissions (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const nothing[] = { NULL };
  static const char * const read_only[] = { "data:read", NULL };
  KariSupervisor *none = start_declaring (f, "nothing", "acme", NULL, NULL, nothing);
  KariSupervisor *reader = start_declaring (f, "reader", "acme", NULL, NULL, read_only);
  g_autofree char *denied = NULL, *write = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;

  /* Nothing declared: nothing. */
  denied = ask_fails (none, "{\"op\": \"get\", \"collection\": \"c\", \"id\": \"x\"}",
                      "io.github.kari.Error.PermissionDenied");
  g_assert_nonnull (strstr (denied, "data:read"));
  /* Reading only: reads work, writes, SQL ones included, do not. */
  g_free (ask_fails (reader, "{\"op\": \"get\", \"collection\": \"c\", \"id\": \"x\"}",
                     "io.github.kari.Error.NotFound"));
  g_free (ask_fails (reader, "{\"op\": \"put\", \"collection\": \"c\", \"id\": \"x\", \"document\": \"{}\"}",
                     "io.github.kari.Error.PermissionDenied"));
  g_free (ask_ok (reader, "{\"op\": \"sql\", \"sql\": \"SELECT 1\"}", NULL));
  write = ask_fails (reader, "{\"op\": \"sql\", \"sql\": \"CREATE TABLE t (x)\"}",
                     "io.github.kari.Error.PermissionDenied");
  g_assert_nonnull (strstr (write, "data:write"));

  /* Every decision is in the audit log. */
  query.extension = "reader";
  query.permission = "data:write";
  g_assert_true (kari_audit_log_flush (f->audit, &error));
  entries = kari_audit_log_query (f->audit, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >=, 2);
}

static void
test_isolation (Fixture       *f,
                gconstpointer  data)
{
  KariSupervisor *a = start (f, "alpha", "acme", NULL, NULL);
  KariSupervisor *b = start (f, "beta", "acme", NULL, NULL);
  KariSupervisor *a2 = start (f, "alpha", "other", NULL, NULL);
  g_autofree char *mine = NULL;

  grant (f, "acme", "alpha", "data:read");
  grant (f, "acme", "alpha", "data:write");
  grant (f, "acme", "beta", "data:read");
  grant (f, "acme", "beta", "data:write");
  grant (f, "other", "alpha", "data:read");
  grant (f, "other", "alpha", "data:write");

  g_free (ask_ok (a, "{\"op\": \"put\", \"collection\": \"c\", \"id\": \"secret\", \"document\": \"{\\\"v\\\": 1}\"}",
                  NULL));
  g_free (ask_ok (a, "{\"op\": \"sql\", \"sql\": \"CREATE TABLE private (x)\"}", NULL));
  g_free (ask_fails (b, "{\"op\": \"get\", \"collection\": \"c\", \"id\": \"secret\"}", "io.github.kari.Error.NotFound"));
  g_free (ask_fails (a2, "{\"op\": \"get\", \"collection\": \"c\", \"id\": \"secret\"}", "io.github.kari.Error.NotFound"));
  g_free (ask_fails (b, "{\"op\": \"sql\", \"sql\": \"SELECT * FROM private\"}", "io.github.kari.Error.SqlFailed"));
  {
    g_autofree char *path = g_build_filename (g_get_user_data_dir (), "kari", "stores", "acme", "alpha.sqlite", NULL);
    g_autofree char *attach = g_strdup_printf ("{\"op\": \"sql\", \"sql\": \"ATTACH '%s' AS a\"}", path);

    g_free (ask_fails (b, attach, "io.github.kari.Error.Refused"));
  }
  mine = ask_ok (a, "{\"op\": \"get\", \"collection\": \"c\", \"id\": \"secret\"}", NULL);
  g_assert_cmpstr (mine, ==, "{\"v\":1}");
}

static void
test_per_user (Fixture       *f,
               gconstpointer  data)
{
  KariSupervisor *s = start (f, "diary", "acme", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KariStore) store = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "kari", "stores", "acme", "diary.sqlite", NULL);
  g_autofree char *own = NULL, *others = NULL, *rows = NULL;

  grant (f, "acme", "diary", "data:read");
  grant (f, "acme", "diary", "data:write");
  g_free (ask_ok (s, "{\"op\": \"declare\", \"kind\": \"collection\", \"name\": \"entries\"}", NULL));
  g_free (ask_ok (s, "{\"op\": \"put\", \"collection\": \"entries\", \"id\": \"e1\", \"document\": \"{}\"}", NULL));
  g_free (ask_ok (s, "{\"op\": \"sql\", \"sql\": \"CREATE TABLE moods (mood TEXT)\"}", NULL));
  g_free (ask_ok (s, "{\"op\": \"declare\", \"kind\": \"table\", \"name\": \"moods\"}", NULL));
  g_free (ask_ok (s, "{\"op\": \"sql\", \"sql\": \"INSERT INTO moods (mood) VALUES ('fine')\"}", NULL));
  g_free (ask_fails (s, "{\"op\": \"declare\", \"kind\": \"nonsense\", \"name\": \"x\"}",
                     "org.freedesktop.DBus.Error.InvalidArgs"));

  /* The rows belong to the user the host runs the extension for. */
  store = kari_store_open (path, &error);
  g_assert_no_error (error);
  own = kari_store_get (store, g_get_user_name (), "entries", "e1", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (kari_store_get (store, "mallory", "entries", "e1", NULL, &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  others = kari_store_sql (store, "mallory", "SELECT count(*) FROM moods", NULL, &error);
  g_assert_cmpstr (others, ==, "{\"columns\":[\"count(*)\"],\"rows\":[[0]],\"changes\":0}");
  rows = ask_ok (s, "{\"op\": \"sql\", \"sql\": \"SELECT mood FROM moods\"}", NULL);
  g_assert_cmpstr (rows, ==, "{\"columns\":[\"mood\"],\"rows\":[[\"fine\"]],\"changes\":0}");
  g_free (ask_fails (s, "{\"op\": \"sql\", \"sql\": \"SELECT * FROM _kari_user_moods\"}",
                     "io.github.kari.Error.Refused"));
}

static void
test_migrations (Fixture       *f,
                 gconstpointer  data)
{
  KariSupervisor *good = start (f, "migrated", "acme", NULL,
                                "CREATE TABLE seeds (name TEXT);\nINSERT INTO seeds VALUES ('first');\n");
  KariSupervisor *bad = start (f, "broken", "acme", NULL, "CREATE TABLE t (x);\nINSERT INTO nowhere VALUES (1);\n");
  g_autofree char *rows = NULL, *message = NULL;

  grant (f, "acme", "migrated", "data:read");
  grant (f, "acme", "broken", "data:read");
  rows = ask_ok (good, "{\"op\": \"sql\", \"sql\": \"SELECT name FROM seeds\"}", NULL);
  g_assert_cmpstr (rows, ==, "{\"columns\":[\"name\"],\"rows\":[[\"first\"]],\"changes\":0}");
  message = ask_fails (bad, "{\"op\": \"sql\", \"sql\": \"SELECT 1\"}", "io.github.kari.Error.MigrationFailed");
  g_assert_nonnull (strstr (message, "001_init.sql"));
  g_assert_nonnull (strstr (message, "line 2"));
}

static void
test_quota (Fixture       *f,
            gconstpointer  data)
{
  KariSupervisor *s = start (f, "hoarder", "acme", "\"resources\": {\"max_disk_mb\": 1}", NULL);
  g_autofree char *count = NULL, *full = NULL;
  guint stored = 0;

  grant (f, "acme", "hoarder", "data:read");
  grant (f, "acme", "hoarder", "data:write");
  g_free (ask_ok (s, "{\"op\": \"sql\", \"sql\": \"CREATE TABLE blobs (data BLOB)\"}", NULL));
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(JsonObject) answer = ask (s, "{\"op\": \"sql\", \"sql\": \"INSERT INTO blobs VALUES (randomblob(50000))\"}");

      if (!json_object_get_boolean_member (answer, "ok"))
        {
          g_assert_cmpstr (json_object_get_string_member (answer, "error"), ==, "io.github.kari.Error.QuotaExceeded");
          full = g_strdup (json_object_get_string_member (answer, "message"));
          break;
        }
      stored++;
    }
  g_assert_nonnull (full);
  g_assert_nonnull (strstr (full, "quota"));
  g_assert_cmpuint (stored, >, 5);
  g_assert_cmpuint (stored, <, 21);
  count = ask_ok (s, "{\"op\": \"sql\", \"sql\": \"SELECT count(*) FROM blobs\"}", NULL);
  {
    g_autofree char *expected = g_strdup_printf ("{\"columns\":[\"count(*)\"],\"rows\":[[%u]],\"changes\":0}", stored);

    g_assert_cmpstr (count, ==, expected);
  }
}

static const char python_storage[] =
  "import sys\n"
  "import kari_extension as k\n"
  "\n"
  "def on_ready(ext):\n"
  "    def fail(e):\n"
  "        ext.log('warning', 'storage-failed %s %s' % (type(e).__name__, e))\n"
  "    def step1(finish):\n"
  "        try: finish()\n"
  "        except Exception as e: return fail(e)\n"
  "        ext.storage_get('py', 'a', step2)\n"
  "    def step2(finish):\n"
  "        try: doc, v = finish()\n"
  "        except Exception as e: return fail(e)\n"
  "        if doc != {'x': 1} or v != 1: return fail(Exception('got %r %r' % (doc, v)))\n"
  "        ext.storage_put('py', 'a', {'x': 2}, 5, step3)\n"
  "    def step3(finish):\n"
  "        try:\n"
  "            finish()\n"
  "            return fail(Exception('no conflict'))\n"
  "        except k.Conflict: pass\n"
  "        except Exception as e: return fail(e)\n"
  "        ext.storage_sql('SELECT ? + 1 AS n', [41], step4)\n"
  "    def step4(finish):\n"
  "        try: r = finish()\n"
  "        except Exception as e: return fail(e)\n"
  "        if r['rows'] != [[42]]: return fail(Exception(repr(r)))\n"
  "        ext.storage_sql(\"ATTACH 'x' AS y\", None, step5)\n"
  "    def step5(finish):\n"
  "        try:\n"
  "            finish()\n"
  "            return fail(Exception('ATTACH allowed'))\n"
  "        except k.Refused: pass\n"
  "        except Exception as e: return fail(e)\n"
  "        ext.storage_query('py', {'where': [{'field': 'x', 'op': 'eq', 'value': 1}]}, step6)\n"
  "    def step6(finish):\n"
  "        try: r = finish()\n"
  "        except Exception as e: return fail(e)\n"
  "        if [d['id'] for d in r['documents']] != ['a']: return fail(Exception(repr(r)))\n"
  "        ext.log('info', 'storage-done')\n"
  "    ext.storage_put('py', 'a', {'x': 1}, 0, step1)\n"
  "\n"
  "sys.exit(k.Extension().run(on_ready))\n";

/* The Python SDK in a sandbox: the same service, from python3. */
static void
test_python (Fixture       *f,
             gconstpointer  data)
{
  KariSupervisor *s;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  g_autofree char *outcome = NULL;

  python_main = python_storage;
  s = start (f, "pyext", "acme", NULL, NULL);
  python_main = NULL;
  while (outcome == NULL && g_get_monotonic_time () < deadline)
    {
      g_auto(GStrv) lines = kari_supervisor_dup_log (s);

      for (guint i = 0; lines[i] != NULL && outcome == NULL; i++)
        if (strstr (lines[i], "storage-") != NULL)
          outcome = g_strdup (lines[i]);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_nonnull (outcome);
  g_test_message ("%s", outcome);
  g_assert_nonnull (strstr (outcome, "storage-done"));
}

/* The quota covers /data and the store together: what /data holds, the
 * store cannot. */
static void
test_quota_shared (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "kari", "data", "acme", "sharer", NULL);
  g_autofree char *filler = g_strnfill (700 * 1024, 'x');
  KariSupervisor *s;
  gint64 deadline;
  guint stored = 0;

  g_free (kari_test_write (data_dir, "filler.bin", filler));
  s = start (f, "sharer", "acme", "\"resources\": {\"max_disk_mb\": 1}", NULL);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (kari_supervisor_get_disk_usage (s) < 700 * 1024 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (kari_supervisor_get_disk_usage (s), >=, 700 * 1024);

  g_free (ask_ok (s, "{\"op\": \"sql\", \"sql\": \"CREATE TABLE blobs (data BLOB)\"}", NULL));
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(JsonObject) answer = ask (s, "{\"op\": \"sql\", \"sql\": \"INSERT INTO blobs VALUES (randomblob(50000))\"}");

      if (!json_object_get_boolean_member (answer, "ok"))
        {
          g_assert_cmpstr (json_object_get_string_member (answer, "error"), ==, "io.github.kari.Error.QuotaExceeded");
          break;
        }
      stored++;
    }
  /* About 300 KiB are left for the store: six blobs, give or take the
   * pages of the schema. */
  g_assert_cmpuint (stored, >=, 3);
  g_assert_cmpuint (stored, <=, 7);
  kari_test_rm_rf (data_dir);
}

static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = kari_test_rerun_as_nobody ("KARI_BROKER_STORAGE_UNPRIVILEGED", TRUE, &successful,
                                                     "-p", "/broker-storage/documents", NULL);

  if (!successful)
    g_printerr ("as nobody:\n%s\n", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "ok 1 /broker-storage/documents"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  root = kari_test_supervisor_root ("kari-broker-storage-root-XXXXXX");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/broker-storage/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("documents", test_documents);
  ADD ("sql", test_sql);
  ADD ("permissions", test_permissions);
  ADD ("isolation", test_isolation);
  ADD ("per-user", test_per_user);
  ADD ("migrations", test_migrations);
  ADD ("quota", test_quota);
  ADD ("python", test_python);
  ADD ("quota-shared-with-data", test_quota_shared);
#undef ADD
  if (geteuid () == 0 && g_getenv ("KARI_BROKER_STORAGE_UNPRIVILEGED") == NULL)
    g_test_add_func ("/broker-storage/unprivileged", test_unprivileged);

  status = g_test_run ();
  kari_test_rm_rf (root);
  g_free (root);
  return status;
}
