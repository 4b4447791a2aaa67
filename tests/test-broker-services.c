/* test-broker-services.c — the broker's services and defences with real
 * sockets, real files, two real extension processes built on
 * libkari-extension, a real permission engine and audit log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "kari-test-broker.h"

typedef struct
{
  char                 *dir;
  char                 *path;
  char                 *files;        /* real path of the file tree */
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  KariBroker           *a;
  KariBroker           *b;
  gboolean              disconnected;
  char                 *reason;
  char                 *notified;
} Fixture;

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

/* The host's registry of running extensions: a and b. */
static KariBroker *
lookup (const char *tenant,
        const char *extension,
        gpointer    user_data)
{
  Fixture *f = user_data;

  if (!g_str_equal (tenant, "default"))
    return NULL;
  if (g_str_equal (extension, "a"))
    return f->a;
  if (g_str_equal (extension, "b"))
    return f->b;
  return NULL;
}

static KariBroker *
broker_new (Fixture    *f,
            const char *extension)
{
  KariBroker *broker = kari_test_broker_start (f->engine, extension, f->dir);

  kari_broker_set_lookup (broker, lookup, f, NULL);
  return broker;
}

/* A broker takes one connection per run: each client run gets a new a. */
static KariBroker *
renew_a (Fixture *f)
{
  g_clear_object (&f->a);
  f->a = broker_new (f, "a");
  g_signal_connect (f->a, "disconnected", G_CALLBACK (on_disconnected), f);
  g_signal_connect (f->a, "notify-user", G_CALLBACK (on_notify_user), f);
  return f->a;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *files = NULL;
  g_autofree char *granted = NULL;
  g_autofree char *outside = NULL;
  g_autofree char *declared_files = NULL;
  const char *declared[] = { "notifications", "extension:call:*", NULL, NULL };

  kari_test_engine_open ("kari-broker-XXXXXX", &f->dir, &f->path, &f->registry, &f->audit, &f->engine);
  files = g_build_filename (f->dir, "files", NULL);
  granted = g_build_filename (files, "granted", NULL);
  outside = g_build_filename (files, "outside", NULL);
  g_assert_cmpint (g_mkdir_with_parents (granted, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  f->files = realpath (files, NULL);
  g_assert_nonnull (f->files);
  declared_files = g_strconcat ("filesystem:read:", f->files, "/**", NULL);
  declared[2] = declared_files;

  g_assert_true (kari_permission_engine_set_declared (f->engine, "a", "A", declared, &error));
  g_assert_true (kari_permission_engine_set_declared (f->engine, "b", "B", declared, &error));
  g_assert_no_error (error);
  /* strict asks for everything not granted; nobody answers unless a test
   * sets an agent, so only a grant allows. */
  kari_test_engine_set_strict (f->engine);

  f->b = broker_new (f, "b");
  renew_a (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->a);
  g_clear_object (&f->b);
  g_clear_pointer (&f->reason, g_free);
  g_clear_pointer (&f->notified, g_free);
  g_clear_pointer (&f->files, free);
  kari_test_engine_close (&f->dir, &f->path, &f->registry, &f->audit, &f->engine);
}

/* Starts broker-client serving its endpoints on @broker until its stdin
 * closes, and waits for its handshake. */
static GSubprocess *
serve (KariBroker *broker)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *client = g_test_build_filename (G_TEST_BUILT, "broker-client", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "KARI_HOST_ADDRESS", kari_broker_get_address (broker), TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, client, "serve", NULL);
  g_assert_no_error (error);
  for (gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
       kari_broker_get_offered (broker, "endpoints") == NULL && g_get_monotonic_time () < deadline;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_nonnull (kari_broker_get_offered (broker, "endpoints"));
  return process;
}

static void
stop_serving (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, &error));
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
}

/* Counts audited checks of @permission, allowed or denied by @decision. */
static guint
count_audited (Fixture    *f,
               const char *extension,
               const char *permission,
               int         decision)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  guint n = 0;

  query.extension = extension;
  query.permission = permission;
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
/* OpenFile                                                            */

static void
test_open_file (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *granted = g_build_filename (f->files, "granted", NULL);
  g_autofree char *outside = g_build_filename (f->files, "outside", NULL);
  g_autofree char *inside = g_build_filename (granted, "note.txt", NULL);
  g_autofree char *secret = g_build_filename (outside, "secret.txt", NULL);
  g_autofree char *link = g_build_filename (f->files, "granted", "link.txt", NULL);
  g_autofree char *dotdot = g_build_filename (f->files, "granted", "..", "outside", "secret.txt", NULL);
  g_autofree char *rule = g_strconcat ("filesystem:read:", f->files, "/granted/**", NULL);
  g_autofree char *long_path = g_strnfill (PATH_MAX + 16, 'a');
  g_autofree char *out = NULL;

  g_free (kari_test_write (granted, "note.txt", "hello from the host"));
  g_free (kari_test_write (outside, "secret.txt", "do not read"));
  g_assert_cmpint (symlink (secret, link), ==, 0);
  long_path[0] = '/';
  kari_test_grant (f->engine, "a", rule);

  out = kari_test_run_client (renew_a (f), "open", inside);
  g_assert_nonnull (strstr (out, "content=hello from the host\n"));
  g_clear_pointer (&out, g_free);

  out = kari_test_run_client (renew_a (f), "open", secret);
  g_assert_nonnull (strstr (out, "open=io.github.kari.Error.PermissionDenied "));
  g_clear_pointer (&out, g_free);

  /* The string looks inside; the link leads out. */
  out = kari_test_run_client (renew_a (f), "open", link);
  g_assert_nonnull (strstr (out, "open=io.github.kari.Error.PermissionDenied "));
  g_assert_null (strstr (out, "do not read"));
  g_clear_pointer (&out, g_free);

  out = kari_test_run_client (renew_a (f), "open", dotdot);
  g_assert_nonnull (strstr (out, "open=org.freedesktop.DBus.Error.InvalidArgs "));
  g_assert_nonnull (strstr (out, "“..”"));
  g_clear_pointer (&out, g_free);

  out = kari_test_run_client (renew_a (f), "open", "granted/note.txt");
  g_assert_nonnull (strstr (out, "open=org.freedesktop.DBus.Error.InvalidArgs "));
  g_clear_pointer (&out, g_free);

  out = kari_test_run_client (renew_a (f), "open", long_path);
  g_assert_nonnull (strstr (out, "open=org.freedesktop.DBus.Error.InvalidArgs "));
  g_clear_pointer (&out, g_free);

  /* Every check was audited: one allowed, the two outside denied. */
  g_assert_cmpuint (count_audited (f, "a", NULL, 1), >=, 1);
  g_assert_cmpuint (count_audited (f, "a", NULL, 0), >=, 2);
}

/* ------------------------------------------------------------------ */
/* CallExtension                                                       */

static void
test_call_extension (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GSubprocess) b = serve (f->b);
  g_autofree char *out = NULL;

  kari_test_grant (f->engine, "a", "extension:call:b/echo");
  kari_test_grant (f->engine, "a", "extension:call:c/*");

  out = kari_test_run_client (renew_a (f), "call", "b/echo");
  g_assert_nonnull (strstr (out, "response={\"n\":1}\n"));
  g_assert_nonnull (strstr (out, "log=ok\n"));
  g_clear_pointer (&out, g_free);

  /* Not granted: strict asks, and nobody answers. */
  out = kari_test_run_client (renew_a (f), "call", "b/hang");
  g_assert_nonnull (strstr (out, "call=io.github.kari.Error.PermissionDenied "));
  g_clear_pointer (&out, g_free);

  out = kari_test_run_client (renew_a (f), "call", "c/echo");
  g_assert_nonnull (strstr (out, "call=io.github.kari.Error.NotRunning "));
  g_clear_pointer (&out, g_free);

  g_assert_cmpuint (count_audited (f, "a", "extension:call:b/echo", 1), ==, 1);
  g_assert_cmpuint (count_audited (f, "a", "extension:call:b/hang", 0), >=, 1);
  stop_serving (b);

  /* b is gone now. */
  out = kari_test_run_client (renew_a (f), "call", "b/echo");
  g_assert_nonnull (strstr (out, "call=io.github.kari.Error.NotRunning "));
}

static void
test_call_extension_hang (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GSubprocess) b = serve (f->b);
  g_autofree char *out = NULL;

  kari_test_grant (f->engine, "a", "extension:call:b/hang");
  kari_broker_set_call_timeout (f->a, 200);
  out = kari_test_run_client (renew_a (f), "call", "b/hang");
  g_assert_nonnull (strstr (out, "call=io.github.kari.Error.TimedOut "));
  /* The caller's broker answered the call made after it. */
  g_assert_nonnull (strstr (out, "log=ok\n"));
  stop_serving (b);
}

/* ------------------------------------------------------------------ */
/* Defences                                                            */

static void
test_nested (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *out = kari_test_run_client (f->a, "nest", "20");

  g_assert_nonnull (strstr (out, "closed=1\n"));
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
  g_assert_cmpstr (f->reason, ==, "a message nested too deeply");
}

/* Deeper than GVariant's own limit: GDBus fails to decode it, warns and
 * closes the connection before the broker's filter sees it. */
static void
test_nested_200 (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;

  g_test_expect_message ("GLib-GIO", G_LOG_LEVEL_WARNING, "Error decoding D-Bus message*");
  out = kari_test_run_client (f->a, "nest", "200");
  g_assert_nonnull (strstr (out, "closed=1\n"));
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
  g_test_assert_expected_messages ();
}

static void
test_many_fds (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *out = kari_test_run_client (f->a, "fds", "100");

  g_assert_nonnull (strstr (out, "closed=1\n"));
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
  g_assert_cmpstr (f->reason, ==, "a message with too many file descriptors");
}

static void
test_never_reads (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;

  kari_broker_set_rate_limit (f->a, 10000000, 10000000);
  kari_broker_set_max_queued (f->a, 256);
  out = kari_test_run_client (f->a, "noread", "100000");
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
  g_assert_cmpstr (f->reason, ==, "the extension does not read its replies");
  /* What the host kept for it stayed under the cap, plus the one reply
   * that crossed it. */
  g_assert_cmpuint (kari_broker_get_queued_peak (f->a), <=, 257);
  g_assert_cmpuint (kari_broker_get_queued_peak (f->a), >, 0);
}

/* An ASK verdict waits for the person: the call completes once the
 * agent answers. */
static void
test_ask (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(KariPromptAgent) agent = kari_headless_agent_new (KARI_PROMPT_ONCE, 0);
  g_autofree char *out = NULL;

  kari_permission_engine_set_prompt_agent (f->engine, agent);
  out = kari_test_run_client (f->a, "notify", NULL);
  g_assert_nonnull (strstr (out, "notify=ok\n"));
  g_assert_cmpstr (f->notified, ==, "Hello: from the client");
  g_assert_cmpuint (kari_headless_agent_get_n_prompts (KARI_HEADLESS_AGENT (agent)), ==, 1);
}

static void
test_ask_denied (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(KariPromptAgent) agent = kari_headless_agent_new (KARI_PROMPT_DENY, 0);
  g_autofree char *out = NULL;

  kari_permission_engine_set_prompt_agent (f->engine, agent);
  out = kari_test_run_client (f->a, "notify", NULL);
  g_assert_nonnull (strstr (out, "notify=io.github.kari.Error.PermissionDenied "));
  g_assert_null (f->notified);
  g_assert_cmpuint (kari_headless_agent_get_n_prompts (KARI_HEADLESS_AGENT (agent)), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/broker-services/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("open-file", test_open_file);
  ADD ("call-extension", test_call_extension);
  ADD ("call-extension-hang", test_call_extension_hang);
  ADD ("nested", test_nested);
  ADD ("nested-200", test_nested_200);
  ADD ("many-fds", test_many_fds);
  ADD ("never-reads", test_never_reads);
  ADD ("ask", test_ask);
  ADD ("ask-denied", test_ask_denied);
#undef ADD

  return g_test_run ();
}
