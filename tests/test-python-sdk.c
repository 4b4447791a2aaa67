/* test-python-sdk.c — the Python SDK and examples/extensions/hello-python
 * against a real KariBroker (real registry, permission engine, audit log
 * and unix socket), run plainly and inside a real KariSandbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <unistd.h>

#include "kari-test-broker.h"
#include "kari-test-sandbox.h"

typedef struct
{
  char                 *dir;
  char                 *path;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  KariBroker           *broker;
  GString              *logs;
  gboolean              warned;
  gboolean              disconnected;
  char                 *notified;
  gboolean              has_notified;
} Fixture;

static const char * const declared[] = { "notifications", NULL };

static void
on_disconnected (KariBroker *broker,
                 const char *reason,
                 Fixture    *f)
{
  f->disconnected = TRUE;
}

static void
on_notify_user (KariBroker *broker,
                const char *title,
                const char *body,
                Fixture    *f)
{
  g_free (f->notified);
  f->notified = g_strdup_printf ("%s: %s", title, body);
  f->has_notified = TRUE;
}

static void
on_log (KariBroker *broker,
        const char *level,
        const char *message,
        Fixture    *f)
{
  g_string_append_printf (f->logs, "%s: %s\n", level, message);
  if (g_str_equal (level, "warning"))
    f->warned = TRUE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kari_test_engine_open ("kari-python-sdk-XXXXXX", &f->dir, &f->path, &f->registry, &f->audit, &f->engine);
  g_assert_cmpint (g_chmod (f->dir, 0755), ==, 0);
  g_assert_true (kari_permission_engine_set_declared (f->engine, "hello-python", "Hello (Python)",
                                                      declared, &error));
  g_assert_no_error (error);
  /* strict asks for notifications, so only a grant allows them. */
  kari_test_engine_set_strict (f->engine);

  f->broker = kari_test_broker_start (f->engine, "hello-python", f->dir);
  f->logs = g_string_new (NULL);
  g_signal_connect (f->broker, "disconnected", G_CALLBACK (on_disconnected), f);
  g_signal_connect (f->broker, "notify-user", G_CALLBACK (on_notify_user), f);
  g_signal_connect (f->broker, "log", G_CALLBACK (on_log), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->broker);
  g_string_free (f->logs, TRUE);
  g_clear_pointer (&f->notified, g_free);
  kari_test_engine_close (&f->dir, &f->path, &f->registry, &f->audit, &f->engine);
}

static void
grant_notifications (Fixture *f)
{
  kari_test_grant (f->engine, "hello-python", "notifications");
}

static KariManifest *
load_example (const char *dir)
{
  g_autoptr(GError) error = NULL;
  KariManifest *manifest = kari_manifest_load_dir (dir, NULL, &error);

  g_assert_no_error (error);
  return manifest;
}

/* Runs hello-python outside any sandbox, as its manifest says; a bare
 * command resolves in /usr/bin as in the sandbox, never through PATH. */
static GSubprocess *
spawn_plain (Fixture *f)
{
  const char *example = g_getenv ("KARI_HELLO_PYTHON");
  g_autoptr(KariManifest) manifest = load_example (example);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *program = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *command = kari_manifest_get_runtime (manifest);
  GSubprocess *process;

  g_assert_nonnull (command);
  g_assert_cmpstr (command[0], ==, "python3");
  program = g_build_filename ("/usr/bin", command[0], NULL);
  g_strv_builder_add (builder, program);
  g_strv_builder_addv (builder, (const char **) command + 1);
  argv = g_strv_builder_end (builder);

  g_subprocess_launcher_set_cwd (launcher, example);
  g_subprocess_launcher_setenv (launcher, "KARI_HOST_ADDRESS", kari_broker_get_address (f->broker), TRUE);
  g_subprocess_launcher_setenv (launcher, "PYTHONPATH", g_getenv ("KARI_PYTHON_SDK"), TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  return process;
}

static void
assert_offered (Fixture *f)
{
  const char * const *endpoints = kari_broker_get_offered (f->broker, "endpoints");

  g_assert_nonnull (endpoints);
  g_assert_cmpstrv (endpoints, ((const char * const []) { "/hello", NULL }));
  g_assert_cmpstrv (kari_broker_get_offered (f->broker, "pages"), ((const char * const []) { "/form", NULL }));
}

/* Renders the form page, then submits it: the answer is a new tree. */
static void
on_page_tree (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KariPageTree **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = kari_broker_handle_page_event_finish (KARI_BROKER (source), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*out);
}

static void
on_page_rendered (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KariPageTree **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = kari_broker_render_page_finish (KARI_BROKER (source), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*out);
}

static void
on_page_no_change (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (kari_broker_handle_page_event_finish (KARI_BROKER (source), result, &error));
  g_assert_no_error (error);
}

static void
on_form_pushed (KariBroker    *broker,
                const char    *page,
                KariPageTree  *tree,
                const GError  *error,
                KariPageTree **out)
{
  g_assert_no_error (error);
  g_assert_cmpstr (page, ==, "/form");
  g_set_object (out, tree);
}

static gboolean
wait_tree (KariPageTree **tree)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (*tree == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return *tree != NULL;
}

static void
assert_form_page (Fixture *f)
{
  g_autoptr(KariPageTree) first = NULL;
  g_autoptr(KariPageTree) answered = NULL;
  g_autoptr(KariPagePatch) patch = NULL;
  g_autoptr(JsonNode) value = json_from_string ("{\"name\": \"Ada\", \"times\": 2}", NULL);
  KariPageNode *greeting;

  kari_broker_render_page_async (f->broker, "/form", "{\"tenant\": \"default\", \"locale\": \"C\"}", -1, NULL,
                                 on_page_rendered, &first);
  g_assert_true (wait_tree (&first));
  g_assert_cmpint (kari_page_node_get_node_type (kari_page_tree_lookup (first, "form")), ==, KARI_PAGE_NODE_FORM);

  kari_broker_handle_page_event_async (f->broker, "/form", "form", "submit", value, -1, NULL,
                                       on_page_tree, &answered);
  g_assert_true (wait_tree (&answered));
  greeting = kari_page_tree_lookup (answered, "greeting");
  g_assert_cmpstr (kari_page_node_get_string (greeting, "text"), ==, "Hello, Ada! Hello, Ada!");

  /* Only the greeting and the form's value changed. */
  patch = kari_page_diff (first, answered);
  g_assert_cmpuint (kari_page_patch_get_n_ops (patch), ==, 2);

  /* "Start over" is answered by a push of the first tree. */
  {
    g_autoptr(KariPageTree) none = NULL;
    g_autoptr(KariPageTree) pushed = NULL;
    gulong id = g_signal_connect (f->broker, "page-pushed", G_CALLBACK (on_form_pushed), &pushed);

    kari_broker_handle_page_event_async (f->broker, "/form", "clear", "click", NULL, -1, NULL,
                                         on_page_no_change, &none);
    g_assert_true (wait_tree (&pushed));
    g_signal_handler_disconnect (f->broker, id);
    g_assert_true (kari_page_tree_equal (pushed, first));
  }
}

/* Ping, /hello, an unknown endpoint, then Shutdown: the process exits 0. */
static void
assert_serves_then_exits (Fixture     *f,
                          GSubprocess *process)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *remote = NULL;
  const char *response = NULL;
  JsonObject *object;
  KariTestCall call;

  assert_form_page (f);

  /* A bad request fails the call, with the handler's exception, and
   * the extension keeps answering. */
  kari_test_call_extension (f->broker, "HandleRequest", g_variant_new ("(ss)", "/hello", "[1, "), &call);
  g_assert_nonnull (call.error);
  remote = g_dbus_error_get_remote_error (call.error);
  g_assert_cmpstr (remote, ==, "io.github.kari.Error.Failed");
  kari_test_call_clear (&call);
  kari_test_call_extension (f->broker, "HandleRequest", g_variant_new ("(ss)", "/hello", "[]"), &call);
  g_assert_nonnull (call.error);
  g_assert_nonnull (strstr (call.error->message, "/hello expects a JSON object"));
  kari_test_call_clear (&call);

  kari_test_call_extension (f->broker, "Ping", NULL, &call);
  g_assert_no_error (call.error);
  kari_test_call_clear (&call);

  /* The host's notices reach on_notice, which the example logs. */
  kari_test_call_extension (f->broker, "Notify", g_variant_new ("(ss)", "disk-quota-warning", "90 % used"), &call);
  g_assert_no_error (call.error);
  kari_test_call_clear (&call);
  {
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

    while (strstr (f->logs->str, "info: notice disk-quota-warning: 90 % used\n") == NULL
           && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (strstr (f->logs->str, "info: notice disk-quota-warning: 90 % used\n"));
  }

  kari_test_call_extension (f->broker, "HandleRequest", g_variant_new ("(ss)", "/hello", "{}"), &call);
  g_assert_no_error (call.error);
  g_variant_get (call.reply, "(&s)", &response);
  g_assert_true (json_parser_load_from_data (parser, response, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "greeting"), ==, "Hello from Python");
  kari_test_call_clear (&call);

  kari_test_call_extension (f->broker, "HandleRequest", g_variant_new ("(ss)", "/nope", "{}"), &call);
  g_assert_error (call.error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
  kari_test_call_clear (&call);

  kari_test_call_extension (f->broker, "Shutdown", NULL, &call);
  g_assert_no_error (call.error);
  kari_test_call_clear (&call);
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_allowed (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GSubprocess) process = NULL;

  grant_notifications (f);
  process = spawn_plain (f);
  g_assert_true (kari_test_wait_for (&f->has_notified, 60));
  g_test_message ("logs:\n%s", f->logs->str);
  g_assert_cmpstr (f->notified, ==, "Hello: hello-python started");
  g_assert_nonnull (strstr (f->logs->str, "info: notifications allowed=True by "));
  g_assert_false (f->warned);
  assert_offered (f);
  assert_serves_then_exits (f, process);
}

/* Without a grant, Notify fails with PermissionDenied, which reaches the
 * example as kari_extension.PermissionDenied; it logs it and runs on. */
static void
test_denied (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GSubprocess) process = spawn_plain (f);

  g_assert_true (kari_test_wait_for (&f->warned, 60));
  g_test_message ("logs:\n%s", f->logs->str);
  g_assert_nonnull (strstr (f->logs->str, "info: notifications allowed=False by "));
  g_assert_nonnull (strstr (f->logs->str, "warning: Notify: PermissionDenied: "));
  g_assert_nonnull (strstr (f->logs->str, "“notifications”"));
  g_assert_null (f->notified);
  assert_offered (f);
  assert_serves_then_exits (f, process);
}

/* Started by hand, without the host's address: a clear message, exit 1. */
static void
test_no_address (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autofree char *main_path = g_build_filename (g_getenv ("KARI_HELLO_PYTHON"), "main.py", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_subprocess_launcher_unsetenv (launcher, "KARI_HOST_ADDRESS");
  g_subprocess_launcher_setenv (launcher, "PYTHONPATH", g_getenv ("KARI_PYTHON_SDK"), TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", main_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "KARI_HOST_ADDRESS is not set"));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
}

static void
copy_file (const char *from,
           const char *to_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *base = g_path_get_basename (from);
  g_autofree char *to = g_build_filename (to_dir, base, NULL);
  gsize len = 0;

  g_file_get_contents (from, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (to, 0644), ==, 0);
}

/* The example in a real bwrap sandbox with seccomp: python3 and gi come
 * from the read-only /usr, the module sits beside main.py in /app, and
 * the broker's socket is bound at /run/kari/host.sock. */
static void
test_sandboxed (Fixture       *f,
                gconstpointer  data)
{
  const char *example = g_getenv ("KARI_HELLO_PYTHON");
  g_autofree char *app = g_build_filename (f->dir, "app", NULL);
  g_autofree char *home = g_build_filename (f->dir, "data", NULL);
  g_autofree char *manifest_path = g_build_filename (example, "extension.json", NULL);
  g_autofree char *main_path = g_build_filename (example, "main.py", NULL);
  g_autofree char *module = g_build_filename (g_getenv ("KARI_PYTHON_SDK"), "kari_extension.py", NULL);
  g_autoptr(KariManifest) manifest = NULL;
  g_autoptr(KariSandbox) sandbox = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (app, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  copy_file (manifest_path, app);
  copy_file (main_path, app);
  copy_file (module, app);
  manifest = load_example (app);

  grant_notifications (f);
  sandbox = kari_sandbox_new (manifest, app, home, "default");
  kari_sandbox_set_host_socket (sandbox, kari_broker_get_socket_path (f->broker));
  process = kari_sandbox_spawn (sandbox, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  kari_sandbox_release (sandbox);

  g_assert_true (kari_test_wait_for (&f->has_notified, 120));
  g_test_message ("logs:\n%s", f->logs->str);
  g_assert_cmpstr (f->notified, ==, "Hello: hello-python started");
  assert_offered (f);
  assert_serves_then_exits (f, process);
}

/* As root, the sandboxed test runs again as nobody. */
static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = kari_test_rerun_as_nobody ("KARI_PYTHON_SDK_UNPRIVILEGED", FALSE, &successful,
                                                     "-p", "/python-sdk/sandboxed", NULL);

  g_test_message ("as nobody:\n%s", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "/python-sdk/sandboxed"));
  g_assert_null (strstr (out, "SKIP"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/python-sdk/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("allowed", test_allowed);
  ADD ("denied", test_denied);
  ADD ("sandboxed", test_sandboxed);
#undef ADD
  g_test_add_func ("/python-sdk/no-address", test_no_address);
  if (geteuid () == 0 && g_getenv ("KARI_PYTHON_SDK_UNPRIVILEGED") == NULL)
    g_test_add_func ("/python-sdk/unprivileged", test_unprivileged);

  return g_test_run ();
}
