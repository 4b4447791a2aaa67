/* test-broker.c — the host's private D-Bus door, with real sockets, a
 * real client process built on libkari-extension, a real registry,
 * permission engine and audit log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <sys/stat.h>
#include <unistd.h>

#include "kari-test-broker.h"

typedef struct
{
  char                 *dir;
  char                 *path;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  KariBroker           *a;
  KariBroker           *b;
  guint                 connected;
  gboolean              disconnected;
  char                 *reason;
  char                 *notified;
} Fixture;

static const char * const declared[] = { "notifications", "data:read", NULL };

static void
on_connected (KariBroker *broker,
              Fixture    *f)
{
  f->connected++;
}

static void
on_disconnected (KariBroker *broker,
                 const char *reason,
                 Fixture    *f)
{
  f->disconnected = TRUE;
  g_free (f->reason);
  f->reason = g_strdup (reason);
}

static void
on_notify_user (KariBroker *broker,
                const char *title,
                const char *body,
                Fixture    *f)
{
  g_free (f->notified);
  f->notified = g_strdup_printf ("%s: %s", title, body);
}

static KariBroker *
broker_new (Fixture    *f,
            const char *extension)
{
  return kari_test_broker_start (f->engine, extension, f->dir);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kari_test_engine_open ("kari-broker-XXXXXX", &f->dir, &f->path, &f->registry, &f->audit, &f->engine);
  /* The unprivileged client must reach the socket folder inside. */
  g_assert_cmpint (g_chmod (f->dir, 0711), ==, 0);
  g_assert_true (kari_permission_engine_set_declared (f->engine, "a", "A", declared, &error));
  g_assert_true (kari_permission_engine_set_declared (f->engine, "b", "B", declared, &error));
  g_assert_no_error (error);
  /* strict asks for notifications, so only a grant allows them. */
  kari_test_engine_set_strict (f->engine);

  f->a = broker_new (f, "a");
  f->b = broker_new (f, "b");
  g_signal_connect (f->a, "connected", G_CALLBACK (on_connected), f);
  g_signal_connect (f->a, "disconnected", G_CALLBACK (on_disconnected), f);
  g_signal_connect (f->a, "notify-user", G_CALLBACK (on_notify_user), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->a);
  g_clear_object (&f->b);
  g_clear_pointer (&f->reason, g_free);
  g_clear_pointer (&f->notified, g_free);
  kari_test_engine_close (&f->dir, &f->path, &f->registry, &f->audit, &f->engine);
}

/* Counts the permission checks of `notifications` audited for @extension. */
static guint
count_audited (Fixture    *f,
               const char *extension,
               int         decision)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  guint n = 0;

  query.extension = extension;
  query.permission = "notifications";
  query.decision = decision;
  g_assert_true (kari_audit_log_flush (f->audit, &error));
  entries = kari_audit_log_query (f->audit, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    if (((KariAuditEntry *) entries->pdata[i])->kind == KARI_AUDIT_CHECK)
      n++;
  return n;
}

/* ------------------------------------------------------------------ */

static void
test_handshake (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *folder = g_path_get_dirname (kari_broker_get_socket_path (f->a));
  const char * const *endpoints;
  struct stat st;

  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_true (g_str_has_prefix (kari_broker_get_address (f->a), "unix:path="));

  out = kari_test_run_client (f->a, "handshake", NULL);
  g_assert_nonnull (strstr (out, "extension=a\n"));
  g_assert_cmpuint (f->connected, ==, 1);
  endpoints = kari_broker_get_offered (f->a, "endpoints");
  g_assert_nonnull (endpoints);
  g_assert_true (g_strv_contains (endpoints, "echo"));
  g_assert_true (g_strv_contains (kari_broker_get_offered (f->a, "pages"), "Main"));
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
}

static void
test_allowed (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *out = NULL;

  kari_test_grant (f->engine, "a", "notifications");
  out = kari_test_run_client (f->a, "notify", NULL);
  g_assert_nonnull (strstr (out, "notify=ok\n"));
  g_assert_cmpstr (f->notified, ==, "Hello: from the client");
  g_assert_cmpuint (count_audited (f, "a", 1), >=, 1);
}

static void
test_denied (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *out = kari_test_run_client (f->a, "notify", NULL);

  g_assert_nonnull (strstr (out, "notify=io.github.kari.Error.PermissionDenied "));
  g_assert_nonnull (strstr (out, "“notifications”"));
  g_assert_null (f->notified);
  g_assert_cmpuint (count_audited (f, "a", 0), >=, 1);
  g_assert_cmpuint (count_audited (f, "a", 1), ==, 0);
}

static void
test_check_permission (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *denied = NULL;
  g_autofree char *allowed = NULL;

  denied = kari_test_run_client (f->a, "check", "notifications");
  g_assert_nonnull (strstr (denied, "allowed=0 "));
  g_clear_object (&f->a);
  kari_test_grant (f->engine, "a", "notifications");
  f->a = broker_new (f, "a");
  allowed = kari_test_run_client (f->a, "check", "notifications");
  g_assert_nonnull (strstr (allowed, "allowed=1 "));
}

/* Extension a claims to be b in its handshake and its sender header; b
 * holds the permission, a does not. */
static void
test_forged_identity (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *out = NULL;

  kari_test_grant (f->engine, "b", "notifications");
  out = kari_test_run_client (f->a, "forge", NULL);
  g_assert_nonnull (strstr (out, "extension=a\n"));
  g_assert_nonnull (strstr (out, "allowed=0\n"));
  g_assert_nonnull (strstr (out, "notify=io.github.kari.Error.PermissionDenied "));
  g_assert_null (f->notified);
  g_assert_cmpuint (count_audited (f, "a", 0), >=, 2);
  g_assert_cmpuint (count_audited (f, "b", -1), ==, 0);
}

static void
on_second_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GDBusConnection **connection = user_data;

  /* Authentication may succeed; the broker closes the connection after. */
  *connection = g_dbus_connection_new_for_address_finish (result, NULL);
  if (*connection == NULL)
    *connection = (GDBusConnection *) g_object_new (G_TYPE_OBJECT, NULL);
}

static void
on_second_reply (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, error);

  if (reply != NULL)
    {
      g_variant_unref (reply);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the second connection was answered");
    }
}

static void
test_second_connection (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *client = g_test_build_filename (G_TEST_BUILT, "broker-client", NULL);
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) call_error = NULL;
  g_autoptr(GObject) second = NULL;
  gboolean have_second = FALSE;
  guint64 refused = kari_broker_get_n_refused (f->a);

  g_subprocess_launcher_setenv (launcher, "KARI_HOST_ADDRESS", kari_broker_get_address (f->a), TRUE);
  holder = g_subprocess_launcher_spawn (launcher, &error, client, "hold", NULL);
  g_assert_no_error (error);
  g_assert_true (kari_test_wait_for ((gboolean *) &f->connected, 60));

  g_dbus_connection_new_for_address (kari_broker_get_address (f->a), G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                     NULL, NULL, on_second_connected, &second);
  while (second == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (G_IS_DBUS_CONNECTION (second))
    {
      g_dbus_connection_call (G_DBUS_CONNECTION (second), NULL, KARI_BROKER_HOST_PATH, "io.github.kari.Host1",
                              "Handshake", g_variant_new_parsed ("(@a{sv} {},)"), NULL,
                              G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_second_reply, &call_error);
      while (call_error == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_test_message ("second connection: %s", call_error->message);
      g_assert_false (g_error_matches (call_error, G_IO_ERROR, G_IO_ERROR_FAILED));
      have_second = TRUE;
    }
  g_test_message ("second connection %s", have_second ? "authenticated, then closed" : "refused");
  g_assert_cmpuint (kari_broker_get_n_refused (f->a), >, refused);
  g_assert_true (kari_broker_is_connected (f->a));
  g_assert_cmpuint (f->connected, ==, 1);

  g_output_stream_close (g_subprocess_get_stdin_pipe (holder), NULL, NULL);
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
  g_subprocess_wait (holder, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (holder), ==, 0);
}

/* The SDK's side: Ping, HandleRequest to a registered endpoint and to an
 * unknown one, and Shutdown, which ends the process. */
static void
test_extension_side (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *client = g_test_build_filename (G_TEST_BUILT, "broker-client", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *response = NULL;
  KariTestCall call;

  g_subprocess_launcher_setenv (launcher, "KARI_HOST_ADDRESS", kari_broker_get_address (f->a), TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, client, "hold", NULL);
  g_assert_no_error (error);
  /* The handshake makes the offer; the extension is exported before it. */
  for (gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
       kari_broker_get_offered (f->a, "endpoints") == NULL && g_get_monotonic_time () < deadline;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_nonnull (kari_broker_get_offered (f->a, "endpoints"));

  kari_test_call_extension (f->a, "Ping", NULL, &call);
  g_assert_no_error (call.error);
  kari_test_call_clear (&call);

  kari_test_call_extension (f->a, "HandleRequest", g_variant_new ("(ss)", "echo", "{\"x\": 1}"), &call);
  g_assert_no_error (call.error);
  g_variant_get (call.reply, "(&s)", &response);
  g_assert_cmpstr (response, ==, "{\"x\": 1}");
  kari_test_call_clear (&call);

  kari_test_call_extension (f->a, "HandleRequest", g_variant_new ("(ss)", "nope", "{}"), &call);
  g_assert_error (call.error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
  kari_test_call_clear (&call);

  kari_test_call_extension (f->a, "Shutdown", NULL, &call);
  g_assert_no_error (call.error);
  kari_test_call_clear (&call);
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
on_dashboard_rendered (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  KariPageTree **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = kari_broker_render_page_finish (KARI_BROKER (source), result, &error);
  g_assert_no_error (error);
}

static void
on_dashboard_pushed (KariBroker    *broker,
                     const char    *page,
                     KariPageTree  *tree,
                     const GError  *error,
                     KariPageTree **out)
{
  g_assert_no_error (error);
  g_assert_cmpstr (page, ==, "/dashboard");
  g_set_object (out, tree);
}

/* hello-c's live dashboard: rendered on demand, then pushed every second
 * with the chart and the table changed. */
static void
assert_dashboard (Fixture *f)
{
  g_autoptr(KariPageTree) rendered = NULL;
  g_autoptr(KariPageTree) pushed = NULL;
  g_autoptr(KariPagePatch) patch = NULL;
  gulong id = g_signal_connect (f->a, "page-pushed", G_CALLBACK (on_dashboard_pushed), &pushed);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  kari_broker_render_page_async (f->a, "/dashboard", "{}", -1, NULL, on_dashboard_rendered, &rendered);
  while ((rendered == NULL || pushed == NULL) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (f->a, id);
  g_assert_nonnull (rendered);
  g_assert_nonnull (pushed);
  g_assert_cmpint (kari_page_node_get_node_type (kari_page_tree_lookup (pushed, "load-chart")), ==,
                   KARI_PAGE_NODE_CHART);
  g_assert_cmpint (kari_page_node_get_node_type (kari_page_tree_lookup (pushed, "load-table")), ==,
                   KARI_PAGE_NODE_TABLE);
  patch = kari_page_diff (rendered, pushed);
  g_assert_cmpuint (kari_page_patch_get_n_ops (patch), >, 0);
  for (guint i = 0; i < kari_page_patch_get_n_ops (patch); i++)
    g_assert_cmpint (kari_page_patch_get_op (patch, i)->kind, ==, KARI_PAGE_OP_SET);
}

/* The example in examples/extensions/hello-c, run as the host will. */
static void
test_hello_c (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *response = NULL;
  KariTestCall call;

  kari_test_grant (f->engine, "a", "notifications");
  g_subprocess_launcher_setenv (launcher, "KARI_HOST_ADDRESS", kari_broker_get_address (f->a), TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KARI_HELLO_C"), NULL);
  g_assert_no_error (error);
  for (gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
       f->notified == NULL && g_get_monotonic_time () < deadline;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_cmpstr (f->notified, ==, "Hello: hello-c started");

  kari_test_call_extension (f->a, "HandleRequest", g_variant_new ("(ss)", "hello", "{}"), &call);
  g_assert_no_error (call.error);
  g_variant_get (call.reply, "(&s)", &response);
  g_assert_cmpstr (response, ==, "{\"greeting\": \"Hello from C\"}");
  kari_test_call_clear (&call);
  assert_dashboard (f);

  kari_test_call_extension (f->a, "Shutdown", NULL, &call);
  g_assert_no_error (call.error);
  kari_test_call_clear (&call);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_other_user (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *folder = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  if (getuid () != 0)
    {
      g_test_skip ("Needs root to run the client as another user");
      return;
    }

  /* Open the folder and socket so that only authentication stands in the
   * way; the real folder is 0700 (see /broker/handshake). */
  folder = g_path_get_dirname (kari_broker_get_socket_path (f->a));
  g_assert_cmpint (g_chmod (folder, 0711), ==, 0);
  g_assert_cmpint (g_chmod (kari_broker_get_socket_path (f->a), 0777), ==, 0);

  out = kari_test_run_client_full (f->a, TRUE, &status, "handshake", NULL);
  g_test_message ("as nobody: %s", out);
  g_assert_cmpint (status, ==, 3);
  g_assert_nonnull (strstr (out, "connect-error="));
  g_assert_cmpuint (f->connected, ==, 0);
  /* The broker reads the peer's uid from the kernel at accept and closes
   * the socket before any authentication; the refusal is counted. */
  g_assert_false (kari_broker_is_connected (f->a));
  g_assert_cmpuint (kari_broker_get_n_refused (f->a), ==, 1);

  /* The owner can still connect after the refusal. */
  g_free (out);
  out = kari_test_run_client (f->a, "handshake", NULL);
  g_assert_nonnull (strstr (out, "extension=a\n"));
}

static void
test_oversized (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = kari_test_run_client (f->a, "big", NULL);
  g_autofree char *other = NULL;

  g_assert_nonnull (strstr (out, "extension=a\n"));
  g_assert_null (strstr (out, "log=ok"));
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
  g_assert_cmpstr (f->reason, ==, "a message over the size limit");

  other = kari_test_run_client (f->b, "handshake", NULL);
  g_assert_nonnull (strstr (other, "extension=b\n"));
}

static void
on_log (KariBroker *broker,
        const char *level,
        const char *message,
        char      **logged)
{
  g_free (*logged);
  *logged = g_strdup_printf ("%s: %s", level, message);
}

/* Calls to anything but Host1 are dropped unanswered: they would
 * otherwise bypass the rate limit. */
static void
test_stray_call (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *logged = NULL;
  g_autofree char *out = NULL;

  g_signal_connect (f->a, "log", G_CALLBACK (on_log), &logged);
  out = kari_test_run_client (f->a, "stray", NULL);
  g_assert_nonnull (strstr (out, "introspect=unanswered\n"));
  g_assert_nonnull (strstr (out, "log=ok\n"));
  g_assert_cmpstr (logged, ==, "info: after the stray call");
}

static void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  guint ok = 0, limited = 0, other = 0;
  int closed = -1;
  const char *line;

  /* One call a second with bursts of 20: 60 calls at once cannot all fit. */
  kari_broker_set_rate_limit (f->a, 1, 20);
  out = kari_test_run_client (f->a, "flood", "60");
  line = strstr (out, "ok=");
  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (line, "ok=%u limited=%u other=%u closed=%d", &ok, &limited, &other, &closed), ==, 4);
  g_assert_cmpuint (ok + limited, ==, 60);
  g_assert_cmpuint (ok, >=, 20 - 1);   /* the handshake took one token */
  g_assert_cmpuint (limited, >=, 1);
  g_assert_cmpint (closed, ==, 0);
  g_assert_cmpuint (kari_broker_get_n_refused (f->a), ==, limited);
}

static void
test_rate_abuse (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *other = NULL;

  /* Far past the limit: four bursts of refusals in a row disconnect. */
  kari_broker_set_rate_limit (f->a, 1, 20);
  out = kari_test_run_client (f->a, "flood", "300");
  g_assert_nonnull (strstr (out, "closed=1\n"));
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
  g_assert_cmpstr (f->reason, ==, "calls far past the rate limit");

  other = kari_test_run_client (f->b, "handshake", NULL);
  g_assert_nonnull (strstr (other, "extension=b\n"));
}

static void
test_disconnect_mid_call (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *out = kari_test_run_client (f->a, "midcall", NULL);
  g_autofree char *other = NULL;

  g_assert_nonnull (strstr (out, "extension=a\n"));
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
  g_assert_false (kari_broker_is_connected (f->a));
  g_assert_null (kari_broker_get_connection (f->a));

  other = kari_test_run_client (f->b, "handshake", NULL);
  g_assert_nonnull (strstr (other, "extension=b\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/broker/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("handshake", test_handshake);
  ADD ("allowed", test_allowed);
  ADD ("denied", test_denied);
  ADD ("check-permission", test_check_permission);
  ADD ("forged-identity", test_forged_identity);
  ADD ("second-connection", test_second_connection);
  ADD ("extension-side", test_extension_side);
  ADD ("hello-c", test_hello_c);
  ADD ("other-user", test_other_user);
  ADD ("oversized", test_oversized);
  ADD ("stray-call", test_stray_call);
  ADD ("rate-limit", test_rate_limit);
  ADD ("rate-abuse", test_rate_abuse);
  ADD ("disconnect-mid-call", test_disconnect_mid_call);
#undef ADD

  return g_test_run ();
}
