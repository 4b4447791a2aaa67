/* bench-call.c — a host→extension→host round trip through the real
 * broker and the C SDK (broker-client serving "echo" in its own
 * process), against a bare GDBus peer call of the same payload over a
 * socket pair, served by a thread with its own main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include <glib/gstdio.h>

#include "kari.h"
#include "kari-bench-util.h"

#define N_CALLS  2000
#define N_WARMUP 100
#define PAYLOAD  256

static const char bare_xml[] =
  "<node><interface name='io.github.kari.Bench'>"
  "<method name='HandleRequest'><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='s' direction='out'/></method></interface></node>";

typedef struct
{
  gboolean  done;
  char     *reply;
  GError   *error;
} Call;

static void
on_reply (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Call *call = user_data;

  call->reply = kari_broker_call_handle_request_finish (KARI_BROKER (source), result, &call->error);
  call->done = TRUE;
}

/* Runs @n round trips through @broker, each timed on its own, into @ns. */
static void
run_broker (KariBroker *broker,
            const char *request,
            double     *ns,
            guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      Call call = { FALSE, NULL, NULL };
      gint64 start = g_get_monotonic_time ();

      kari_broker_call_handle_request_async (broker, "echo", request, 5000, NULL, on_reply, &call);
      while (!call.done)
        g_main_context_iteration (NULL, TRUE);
      if (ns != NULL)
        ns[i] = kari_bench_ns_per (start, 1);
      if (call.error != NULL)
        g_error ("HandleRequest: %s", call.error->message);
      if (g_strcmp0 (call.reply, request) != 0)
        g_error ("HandleRequest: the echo differs");
      g_free (call.reply);
    }
}

static void
bare_method (GDBusConnection       *connection,
             const char            *sender,
             const char            *path,
             const char            *interface,
             const char            *method,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  const char *endpoint, *request;

  g_variant_get (parameters, "(&s&s)", &endpoint, &request);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", request));
}

static const GDBusInterfaceVTable bare_vtable = { bare_method, NULL, NULL, { 0 } };

typedef struct
{
  int           fd;
  char         *guid;
  GMainLoop    *loop;
  GMutex        lock;
  GCond         ready;
  gboolean      serving;
} Server;

static gpointer
serve_bare (gpointer user_data)
{
  Server *server = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (bare_xml, NULL);

  g_main_context_push_thread_default (context);
  server->loop = g_main_loop_new (context, FALSE);
  socket = g_socket_new_from_fd (server->fd, &error);
  g_assert_no_error (error);
  stream = g_socket_connection_factory_create_connection (socket);
  connection = g_dbus_connection_new_sync (G_IO_STREAM (stream), server->guid,
                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER,
                                           NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (connection, "/io/github/kari/Bench", info->interfaces[0],
                                     &bare_vtable, NULL, NULL, &error);
  g_assert_no_error (error);

  g_mutex_lock (&server->lock);
  server->serving = TRUE;
  g_cond_signal (&server->ready);
  g_mutex_unlock (&server->lock);
  g_main_loop_run (server->loop);
  g_dbus_connection_close_sync (connection, NULL, NULL);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
run_bare (GDBusConnection *connection,
          const char      *request,
          double          *ns,
          guint            n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GVariant) reply = g_dbus_connection_call_sync (connection, NULL, "/io/github/kari/Bench",
                                                               "io.github.kari.Bench", "HandleRequest",
                                                               g_variant_new ("(ss)", "echo", request),
                                                               G_VARIANT_TYPE ("(s)"),
                                                               G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
      const char *echo;

      if (ns != NULL)
        ns[i] = kari_bench_ns_per (start, 1);
      if (reply == NULL)
        g_error ("bare call: %s", error->message);
      g_variant_get (reply, "(&s)", &echo);
      if (g_strcmp0 (echo, request) != 0)
        g_error ("bare call: the echo differs");
    }
}

static double
bench_bare (const char *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autofree double *ns = g_new (double, N_CALLS);
  Server server = { -1, g_dbus_generate_guid (), NULL, { 0 }, { 0 }, FALSE };
  GThread *thread;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    g_error ("socketpair: %s", g_strerror (errno));
  server.fd = fds[1];
  g_mutex_init (&server.lock);
  g_cond_init (&server.ready);
  thread = g_thread_new ("bare-server", serve_bare, &server);

  socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  stream = g_socket_connection_factory_create_connection (socket);
  connection = g_dbus_connection_new_sync (G_IO_STREAM (stream), NULL,
                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                           NULL, NULL, &error);
  g_assert_no_error (error);
  g_mutex_lock (&server.lock);
  while (!server.serving)
    g_cond_wait (&server.ready, &server.lock);
  g_mutex_unlock (&server.lock);

  run_bare (connection, request, NULL, N_WARMUP);
  run_bare (connection, request, ns, N_CALLS);

  g_main_loop_quit (server.loop);
  g_thread_join (thread);
  g_main_loop_unref (server.loop);
  g_free (server.guid);
  g_mutex_clear (&server.lock);
  g_cond_clear (&server.ready);
  kari_bench_sort (ns, N_CALLS);
  return ns[N_CALLS / 2];
}

/* The database and the broker's socket folder: one level of files. */
static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
  const char *name;

  while (entries != NULL && (name = g_dir_read_name (entries)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_remove (path) != 0)
        g_printerr ("Cannot remove %s: %s\n", path, g_strerror (errno));
    }
  g_rmdir (dir);
}

static double
bench_broker (const char *request)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kari-bench-call-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(KariAuditLog) audit = NULL;
  g_autoptr(KariPermissionEngine) engine = NULL;
  g_autoptr(KariBroker) broker = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) client = NULL;
  g_autofree double *ns = g_new (double, N_CALLS);
  const char *client_path = g_getenv ("KARI_BROKER_CLIENT");
  double median;

  g_assert_no_error (error);
  db = g_build_filename (dir, "registry.db", NULL);
  registry = kari_registry_open (db, NULL, NULL, &error);
  g_assert_no_error (error);
  audit = kari_audit_log_open (db, &error);
  g_assert_no_error (error);
  engine = kari_permission_engine_new (registry, audit, NULL, &error);
  g_assert_no_error (error);
  broker = kari_broker_new (engine, "bench", "default", g_get_user_name ());
  if (!kari_broker_start (broker, dir, &error))
    g_error ("broker: %s", error->message);

  g_subprocess_launcher_setenv (launcher, "KARI_HOST_ADDRESS", kari_broker_get_address (broker), TRUE);
  client = g_subprocess_launcher_spawn (launcher, &error, client_path, "serve", NULL);
  g_assert_no_error (error);
  while (kari_broker_get_offered (broker, "endpoints") == NULL)
    g_main_context_iteration (NULL, TRUE);

  run_broker (broker, request, NULL, N_WARMUP);
  run_broker (broker, request, ns, N_CALLS);

  g_output_stream_close (g_subprocess_get_stdin_pipe (client), NULL, NULL);
  g_subprocess_wait (client, NULL, NULL);
  kari_broker_stop (broker);
  kari_audit_log_close (audit, NULL);
  remove_dir (dir);
  kari_bench_sort (ns, N_CALLS);
  median = ns[N_CALLS / 2];
  return median;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *request = NULL;
  double bare, broker;

  if (g_getenv ("KARI_BROKER_CLIENT") == NULL)
    g_error ("KARI_BROKER_CLIENT is not set: run through meson test --benchmark");
  /* JSON, as HandleRequest carries. */
  request = g_strdup_printf ("{\"data\": \"%0*d\"}", PAYLOAD - 12, 0);
  bare = bench_bare (request);
  broker = bench_broker (request);

  g_print ("payload %zu bytes, %u calls each, median of single calls\n", strlen (request), N_CALLS);
  g_print ("bare GDBus peer call (socket pair, thread):  %8.1f us  %8.0f calls/s\n",
           bare / 1000.0, 1e9 / bare);
  g_print ("host->extension->host (broker + SDK, process): %8.1f us  %8.0f calls/s\n",
           broker / 1000.0, 1e9 / broker);
  g_print ("ratio broker/bare: %.2fx (target <= 1.30x)\n", broker / bare);
  return 0;
}
