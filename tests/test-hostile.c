/* test-hostile.c — a hostile extension attacks its host through the real
 * supervisor (sandbox, limits, broker, permission engine, registry,
 * audit) while a well-behaved neighbour runs beside it. After each
 * attack the host's loop kept turning, the neighbour answers, and the
 * registry is whole (kari-test-hostile.h); broker-level refusals are in
 * the audit log, kernel-level ones in the attacker's own report, which
 * comes back over its D-Bus connection into the supervisor's log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kari-test-hostile.h"
#include "kari-test-probe.h"
#include "kari-test-resolver.h"

typedef struct
{
  char           *name;
  char           *app;
  KariSupervisor *hostile;
  GPtrArray      *reasons;   /* "state: reason", in order */
  char           *disconnected;
} Fixture;

static KariTestHost host;

static void
on_state_changed (KariSupervisor *supervisor,
                  int             state,
                  const char     *reason,
                  Fixture        *f)
{
  g_ptr_array_add (f->reasons, g_strdup_printf ("%s: %s", kari_state_to_string (state), reason ? reason : ""));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->reasons = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->hostile != NULL)
    kari_test_supervisor_stop (f->hostile);
  g_clear_object (&f->hostile);
  kari_test_rm_rf (f->app);
  g_free (f->app);
  g_free (f->name);
  g_free (f->disconnected);
  g_ptr_array_unref (f->reasons);
}

/* Installs the hostile extension @name running `hostile-ext @args_json`
 * with @extra_json in its manifest (128 MiB and 50 % of a CPU unless
 * it has its own resources), and its supervisor. */
static void
make_hostile (Fixture    *f,
              const char *name,
              const char *args_json,
              const char *extra_json)
{
  g_autoptr(KariManifest) manifest = NULL;
  g_autofree char *folder = g_strdup_printf ("app-%s", name);
  g_autofree char *extra = NULL;

  if (extra_json == NULL || strstr (extra_json, "\"resources\"") == NULL)
    extra = g_strdup_printf ("\"runtime\": {\"command\": [\"hostile-ext\", %s]},\n"
                             "  \"resources\": {\"max_memory_mb\": 128, \"max_cpu_percent\": 50}%s%s",
                             args_json, extra_json ? ",\n  " : "", extra_json ? extra_json : "");
  else
    extra = g_strdup_printf ("\"runtime\": {\"command\": [\"hostile-ext\", %s]},\n  %s", args_json, extra_json);
  f->name = g_strdup (name);
  f->app = kari_test_write_extension_with (host.root, folder, name, extra, "KARI_HOSTILE_EXT", "hostile-ext");
  manifest = kari_test_host_install (&host, f->app);
  f->hostile = kari_supervisor_new (manifest, f->app, "default", host.engine, host.registry);
  kari_test_host_tune (f->hostile);
  g_signal_connect (f->hostile, "state-changed", G_CALLBACK (on_state_changed), f);
}

static void
on_disconnected (KariBroker *broker,
                 const char *reason,
                 Fixture    *f)
{
  /* The first reason: stopping the run afterwards reports again. */
  if (f->disconnected == NULL)
    f->disconnected = g_strdup (reason);
}

static void
start (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  kari_test_host_beat_start (&host);
  g_assert_true (kari_supervisor_start (f->hostile, &error));
  g_assert_no_error (error);
  g_signal_connect (kari_supervisor_get_broker (f->hostile), "disconnected", G_CALLBACK (on_disconnected), f);
}

/* The line of the hostile's log that holds @text, or NULL. */
static char *
find_line (Fixture    *f,
           const char *text)
{
  g_auto(GStrv) lines = kari_supervisor_dup_log (f->hostile);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], text) != NULL)
      return g_strdup (lines[i]);
  return NULL;
}

static char *
wait_line (Fixture    *f,
           const char *text)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  char *line = NULL;

  while ((line = find_line (f, text)) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (line == NULL)
    {
      g_auto(GStrv) lines = kari_supervisor_dup_log (f->hostile);
      g_autofree char *all = g_strjoinv ("\n", lines);
      g_error ("no “%s” in the log of %s:\n%s", text, f->name, all);
    }
  return line;
}

/* Starts the hostile extension and returns its report,
 * "; A: R; B: R; :end". */
static char *
run_report (Fixture *f)
{
  g_autofree char *line = NULL;
  g_autofree char *kept = NULL;

  start (f);
  line = wait_line (f, ":end");
  g_test_message ("%s", line);
  g_assert_nonnull (strstr (line, "result: "));
  /* What the kernel refused is never seen by the audit log; the report
   * is kept on disk with the extension's log instead. */
  g_assert_true (g_file_get_contents (kari_supervisor_get_log_path (f->hostile), &kept, NULL, NULL));
  g_assert_nonnull (strstr (kept, line));
  return g_strconcat ("; ", strstr (line, "result: ") + strlen ("result: "), NULL);
}

/* Runs the attack (see make_hostile) and returns its report. */
static char *
attack (Fixture    *f,
        const char *name,
        const char *args_json,
        const char *extra_json)
{
  make_hostile (f, name, args_json, extra_json);
  return run_report (f);
}

static void
assert_result (const char *report,
               const char *what,
               const char *result)
{
  g_autofree char *item = g_strdup_printf ("; %s: %s;", what, result);

  if (strstr (report, item) == NULL)
    g_error ("expected “%s: %s” in %s", what, result, report);
}

static gboolean
saw_reason (Fixture    *f,
            const char *text)
{
  for (guint i = 0; i < f->reasons->len; i++)
    if (strstr (f->reasons->pdata[i], text) != NULL)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* The kernel's refusals                                               */

static void
test_syscalls (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *report = attack (f, "h-syscalls", "\"syscalls\"", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (kari_probe_expected); i++)
    assert_result (report, kari_probe_expected[i].probe, kari_probe_expected[i].result);
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_tiocsti (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *report = attack (f, "h-tiocsti", "\"syscalls\"", NULL);

  assert_result (report, "ioctl-tiocsti", "EPERM");
  assert_result (report, "ioctl-tiocsti-high", "EPERM");
  assert_result (report, "ioctl-tioclinux", "EPERM");
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_host_files (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *secret = kari_test_write (host.root, "host-secret", "secret\n");
  g_autofree char *precious = g_build_filename (host.neighbour_data, "precious", NULL);
  g_autofree char *args = g_strdup_printf ("\"read\", \"/etc/shadow\", \"/etc/passwd\", \"%s\", \"%s\", \"%s\","
                                           " \"/proc/1/root/etc/passwd\"",
                                           secret, host.db, precious);
  g_autofree char *report = attack (f, "h-files", args, NULL);

  assert_result (report, "/etc/shadow", "ENOENT");
  assert_result (report, "/etc/passwd", "ENOENT");
  assert_result (report, secret, "ENOENT");
  assert_result (report, host.db, "ENOENT");
  assert_result (report, precious, "ENOENT");
  g_assert_null (strstr (report, "/proc/1/root/etc/passwd: OK"));
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_write_outside_data (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *precious = g_build_filename (host.neighbour_data, "precious", NULL);
  g_autofree char *args = g_strdup_printf ("\"write\", \"/usr/x\", \"/app/x\", \"/x\", \"/etc/x\", \"%s\","
                                           " \"/data/ok\"", precious);
  g_autofree char *report = attack (f, "h-write", args, NULL);
  g_autofree char *app_x = g_build_filename (f->app, "x", NULL);
  g_autofree char *written = g_strdup_printf ("; %s: OK", precious);

  assert_result (report, "/usr/x", "EROFS");
  assert_result (report, "/app/x", "EROFS");
  assert_result (report, "/x", "EROFS");
  assert_result (report, "/etc/x", "EROFS");
  g_assert_null (strstr (report, written));
  assert_result (report, "/data/ok", "OK");
  g_assert_false (g_file_test (app_x, G_FILE_TEST_EXISTS));
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static int
listen_loopback (guint16 *port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (fd, 4), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  *port = ntohs (addr.sin_port);
  return fd;
}

static void
test_network_socket (Fixture       *f,
                     gconstpointer  data)
{
  guint16 port;
  int fd = listen_loopback (&port);
  g_autofree char *args = g_strdup_printf ("\"connect\", \"%u\"", port);
  g_autofree char *report = attack (f, "h-socket", args, NULL);

  g_assert_nonnull (strstr (report, "; connect: E"));
  /* Nothing reached the host's listener. */
  g_assert_cmpint (accept (fd, NULL, NULL), <, 0);
  g_assert_cmpint (errno, ==, EAGAIN);
  close (fd);
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_signal_host (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *args = g_strdup_printf ("\"signal\", \"%d\", \"%d\"", getpid (), host.neighbour_pid);
  g_autofree char *report = attack (f, "h-signal", args, NULL);
  g_autofree char *kill_host = g_strdup_printf ("kill %d", getpid ());
  g_autofree char *kill_neighbour = g_strdup_printf ("kill %d", host.neighbour_pid);

  assert_result (report, kill_host, "ESRCH");
  assert_result (report, kill_neighbour, "ESRCH");
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_ptrace_host (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *args = g_strdup_printf ("\"signal\", \"%d\"", getpid ());
  g_autofree char *report = attack (f, "h-ptrace", args, NULL);
  g_autofree char *trace_host = g_strdup_printf ("ptrace %d", getpid ());

  assert_result (report, trace_host, "EPERM");
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_neighbour_socket (Fixture       *f,
                       gconstpointer  data)
{
  const char *socket = kari_broker_get_socket_path (kari_supervisor_get_broker (host.neighbour));
  g_autofree char *args = g_strdup_printf ("\"unix\", \"%s\", \"/run/kari/host.sock\"", socket);
  g_autofree char *report = attack (f, "h-unix", args, NULL);

  assert_result (report, socket, "ENOENT");
  /* Its own socket is there: the probe itself works. The broker takes
   * one connection, so this one is turned away once accepted. */
  assert_result (report, "/run/kari/host.sock", "OK");
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_data_symlink (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *report = attack (f, "h-symlink", "\"write\", \"/data/first-run\"", NULL);
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "kari", "data", "default", f->name, NULL);
  g_autofree char *first = g_build_filename (data_dir, "first-run", NULL);

  assert_result (report, "/data/first-run", "OK");
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));
  kari_test_supervisor_stop (f->hostile);

  /* Between runs, the data folder becomes a link to the neighbour's. */
  kari_test_rm_rf (data_dir);
  g_assert_cmpint (symlink (host.neighbour_data, data_dir), ==, 0);
  kari_test_host_beat_start (&host);
  g_assert_false (kari_supervisor_start (f->hostile, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_assert_cmpint (kari_supervisor_get_state (f->hostile), ==, KARI_STATE_FAILED);
  g_assert_cmpint (kari_supervisor_get_pid (f->hostile), ==, 0);
  g_assert_cmpint (g_unlink (data_dir), ==, 0);
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_FAILED);
}

/* ------------------------------------------------------------------ */
/* The broker's refusals                                               */

static void
test_forged_sender (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *report = attack (f, "h-forge", "\"forge\", \"neighbour\"", NULL);

  /* The neighbour holds `notifications`; a forged sender gets none of
   * it, and a second Handshake cannot rename the connection. */
  assert_result (report, "Handshake", "org.freedesktop.DBus.Error.InvalidArgs");
  assert_result (report, "CheckPermission", "refused");
  assert_result (report, "Notify", KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED);
  g_assert_cmpuint (kari_test_host_count_denials (&host, f->name, "notifications"), >=, 2);
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_claim_identity (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *report = attack (f, "h-claim", "\"claim\", \"neighbour\"", NULL);

  /* From its first Handshake, the host names it by its connection,
   * whatever it offered or put in the sender field. */
  assert_result (report, "Handshake", "h-claim");
  assert_result (report, "CheckPermission", "refused");
  assert_result (report, "CallExtension", KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED);
  g_assert_cmpint (kari_supervisor_get_state (f->hostile), ==, KARI_STATE_RUNNING);
  g_assert_cmpuint (kari_test_host_count_denials (&host, f->name, "notifications"), >=, 1);
  g_assert_cmpuint (kari_test_host_count_denials (&host, f->name, "extension:call:neighbour/*"), >=, 1);
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_open_outside_grant (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *shared = g_build_filename (host.root, "shared", NULL);
  g_autofree char *ok = kari_test_write (shared, "ok.txt", "granted\n");
  g_autofree char *escape = g_build_filename (shared, "escape", NULL);
  g_autofree char *dotdot = g_build_filename (shared, "..", "host-secret", NULL);
  g_autofree char *permission = g_strdup_printf ("filesystem:read:%s/**", shared);
  g_autofree char *declared = g_strdup_printf ("\"permissions\": [\"%s\"]", permission);
  g_autofree char *args = NULL;
  g_autofree char *report = NULL;

  g_free (kari_test_write (host.root, "host-secret", "secret\n"));
  g_assert_cmpint (symlink (host.db, escape), ==, 0);
  args = g_strdup_printf ("\"open\", \"%s\", \"/etc/passwd\", \"%s\", \"%s\", \"%s\"",
                          ok, host.db, dotdot, escape);
  make_hostile (f, "h-open", args, declared);
  kari_test_grant (host.engine, f->name, permission);
  report = run_report (f);

  /* The grant works, and reaches no further than its folder. */
  assert_result (report, ok, "OK");
  assert_result (report, "/etc/passwd", KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED);
  assert_result (report, host.db, KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED);
  assert_result (report, dotdot, "org.freedesktop.DBus.Error.InvalidArgs");
  /* A link in the granted folder to the registry is not followed out. */
  assert_result (report, escape, KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED);
  g_assert_cmpuint (kari_test_host_count_denials (&host, f->name, "filesystem:*"), >=, 2);
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
  g_assert_cmpint (g_unlink (escape), ==, 0);
}

static void
test_http_special (Fixture       *f,
                   gconstpointer  data)
{
  KariTestWeb web = { 0 };
  g_autofree char *ok = NULL, *loop = NULL, *to_loop = NULL, *to_meta = NULL, *args = NULL;
  g_autofree char *grant = NULL, *report = NULL;
  const char *refused[] = { NULL, "http://169.254.169.254/latest/meta-data/", NULL, NULL,
                            "http://allowed.com@evil.com/", "http://allowed.test@evil.test/" };

  kari_test_web_start (&web);
  ok = g_strdup_printf ("http://allowed.test:%u/hello", web.port);
  loop = g_strdup_printf ("http://127.0.0.1:%u/hello", web.port);
  to_loop = g_strdup_printf ("http://allowed.test:%u/redirect?to=http://127.0.0.1:%u/hello", web.port, web.port);
  to_meta = g_strdup_printf ("http://allowed.test:%u/redirect?to=http://169.254.169.254/", web.port);
  args = g_strdup_printf ("\"http\", \"%s\", \"%s\", \"http://169.254.169.254/latest/meta-data/\", \"%s\", \"%s\","
                          " \"http://allowed.com@evil.com/\", \"http://allowed.test@evil.test/\"",
                          ok, loop, to_loop, to_meta);
  /* Only the name is granted, on the server's port: it resolves to
   * loopback, which the grant names on purpose. */
  grant = g_strdup_printf ("network:http:allowed.test:%u", web.port);
  make_hostile (f, "h-http", args, "\"permissions\": [\"network:http:*\"]");
  kari_test_grant (host.engine, f->name, grant);
  report = run_report (f);

  assert_result (report, ok, "HTTP 200");
  g_assert_null (strstr (report, "HTTP 302"));
  refused[0] = loop;
  refused[2] = to_loop;
  refused[3] = to_meta;
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *item = g_strdup_printf ("; %s: HTTP", refused[i]);
      g_assert_null (strstr (report, item));
    }
  /* Only the allowed fetch reached /hello; the redirects were stopped
   * at the host, before their target. */
  g_assert_cmpuint (web.n_hello, ==, 1);
  g_assert_cmpuint (kari_test_host_count_denials (&host, f->name, "network:http:*"), >=, 2);
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
  soup_server_disconnect (web.server);
  g_object_unref (web.server);
}

static void
test_http_outside_grant (Fixture       *f,
                         gconstpointer  data)
{
  KariTestWeb web = { 0 };
  g_autofree char *other = NULL, *args = NULL, *grant = NULL, *report = NULL;

  kari_test_web_start (&web);
  other = g_strdup_printf ("http://other.test:%u/hello", web.port);
  args = g_strdup_printf ("\"http\", \"%s\", \"http://public.test/\"", other);
  grant = g_strdup_printf ("network:http:allowed.test:%u", web.port);
  make_hostile (f, "h-http-grant", args, "\"permissions\": [\"network:http:*\"]");
  kari_test_grant (host.engine, f->name, grant);
  report = run_report (f);

  assert_result (report, other, KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED);
  assert_result (report, "http://public.test/", KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED);
  g_assert_cmpuint (web.n_hello, ==, 0);
  g_assert_cmpuint (kari_test_host_count_denials (&host, f->name, "network:http:*"), >=, 2);
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
  soup_server_disconnect (web.server);
  g_object_unref (web.server);
}

/* ------------------------------------------------------------------ */
/* Exhaustion                                                          */

static gboolean
backend_limits (Fixture *f)
{
  return g_strcmp0 (kari_supervisor_get_limits_backend (f->hostile), "rlimit") != 0;
}

/* The soft "Max processes" of @pid, from /proc/PID/limits. */
static guint64
read_max_processes (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/limits", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, "Max processes");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("Max processes"), NULL, 10);
}

static void
test_fork_bomb (Fixture       *f,
                gconstpointer  data)
{
  guint before = kari_test_count_own_tasks ();
  g_autofree char *report = attack (f, "h-forkbomb", "\"forkbomb\"", NULL);
  const char *forks = strstr (report, "; forks: ");
  gint64 stopped;

  guint64 bound = 256;

  g_test_message ("backend %s", kari_supervisor_get_limits_backend (f->hostile));
  g_assert_nonnull (forks);
  /* Stopped by the task limit (256 with bwrap and the extension), not by
   * the machine running out. RLIMIT_NPROC counts every task of the user,
   * so the rlimit backend sets what the user ran at start plus 256: the
   * bound is the limit the sandbox really has. */
  if (!backend_limits (f))
    {
      bound = read_max_processes (kari_supervisor_get_pid (f->hostile));
      g_assert_cmpuint (bound, >=, 256);
    }
  g_assert_cmpuint (g_ascii_strtoull (forks + strlen ("; forks: "), NULL, 10), <, bound);
  assert_result (report, "fork", "EAGAIN");
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);

  /* Stopping it takes every fork with it. With rlimits the user's task
   * count is shared by every extension (and the host): until the
   * orphans are reaped, nothing else of this user can start. */
  kari_test_supervisor_stop (f->hostile);
  stopped = g_get_monotonic_time ();
  while (kari_test_count_own_tasks () > before + 8 && g_get_monotonic_time () - stopped < 30 * G_USEC_PER_SEC)
    g_usleep (10000);
  g_test_message ("tasks of this user: %u before, %u after the stop (%.0f ms later)", before,
                  kari_test_count_own_tasks (), (g_get_monotonic_time () - stopped) / 1000.0);
  g_assert_cmpuint (kari_test_count_own_tasks (), <=, before + 8);
}

static void
test_memory_hog (Fixture       *f,
                 gconstpointer  data)
{
  const guint64 limit = 64 << 20;
  g_autoptr(GArray) samples = NULL;
  guint64 peak = 0;
  guint last = 0;
  g_auto(GStrv) lines = NULL;

  make_hostile (f, "h-hog", "\"hog\"", "\"resources\": {\"max_memory_mb\": 64}");
  kari_supervisor_set_crash_loop (f->hostile, 1, 60000);
  start (f);
  /* Killed on every backend: by the kernel in a cgroup, by the host's
   * watch of the tree's resident memory with rlimits. */
  g_assert_true (kari_test_host_wait_state (f->hostile, KARI_STATE_DISABLED, 60));
  for (guint i = 0; i < f->reasons->len; i++)
    g_test_message ("%s", (char *) f->reasons->pdata[i]);
  /* g_format_size() puts a no-break space before the unit. */
  g_assert_true (saw_reason (f, "crashed: Out of memory: over its memory limit of 64.0\u00a0MiB, peak "));

  lines = kari_supervisor_dup_log (f->hostile);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "stdout: hog: ") != NULL && g_ascii_isdigit (strstr (lines[i], "hog: ")[5]))
      last = MAX (last, (guint) g_ascii_strtoull (strstr (lines[i], "hog: ") + 5, NULL, 10));
  samples = kari_supervisor_dup_samples (f->hostile);
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    peak = MAX (peak, g_array_index (samples, KariSupervisorSample, i).memory_bytes);
  g_test_message ("backend %s: touched %u MiB before the end, peak sample %" G_GUINT64_FORMAT " KiB of %"
                  G_GUINT64_FORMAT, kari_supervisor_get_limits_backend (f->hostile), last, peak >> 10, limit >> 10);

  /* What it touched never passed the limit (a cgroup's kernel charges
   * each page as it is touched), or passed it by what a sampler lets
   * through (the rlimit backend's watch: at 1 MiB per 5 ms, a millisecond
   * or a few of a busy machine), and came near it. */
  if (backend_limits (f))
    g_assert_cmpuint ((guint64) last << 20, <=, limit);
  else
    g_assert_cmpuint ((guint64) last << 20, <=, limit + limit / 10);
  g_assert_null (find_line (f, "hog: ENOMEM never came"));
  g_assert_cmpuint ((guint64) last << 20, >=, limit * 8 / 10);
  /* The samples count the whole tree (bwrap and the extension), not bwrap alone. */
  g_assert_cmpuint (peak, <=, limit * 11 / 10);
  /* Sampled every 50 ms while it grew by 1 MiB every 5 ms. */
  g_assert_cmpuint (peak, >=, limit / 2);
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_DISABLED);
}

static void
test_cpu_spinner (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *report = attack (f, "h-spin", "\"spin\", \"3\"", NULL);
  g_autoptr(GArray) samples = kari_supervisor_dup_samples (f->hostile);
  double most = 0;

  assert_result (report, "spin", "OK");
  /* The busiest second, from the supervisor's own samples. */
  for (guint i = 0; i < samples->len; i++)
    for (guint j = i + 1; j < samples->len; j++)
      {
        KariSupervisorSample *a = &g_array_index (samples, KariSupervisorSample, i);
        KariSupervisorSample *b = &g_array_index (samples, KariSupervisorSample, j);

        if (b->time - a->time >= G_USEC_PER_SEC)
          {
            most = MAX (most, (double) (b->cpu_usec - a->cpu_usec) / (b->time - a->time));
            break;
          }
      }
  g_test_message ("backend %s: busiest second used %.2f CPUs, quota 0.50",
                  kari_supervisor_get_limits_backend (f->hostile), most);
  if (backend_limits (f))
    g_assert_cmpfloat (most, <=, 0.5 * 1.2);
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_fill_data (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *report = NULL;
  gint64 deadline;

  make_hostile (f, "h-fill", "\"fill\"", "\"resources\": {\"max_disk_mb\": 1}");
  kari_supervisor_set_disk_check (f->hostile, 50);
  report = run_report (f);
  /* No file grows past the quota: the write that would fails and the
   * writer lives on (RLIMIT_FSIZE, SIGXFSZ ignored). */
  assert_result (report, "fill", "EFBIG");
  g_assert_nonnull (strstr (report, "; filled: 1048576;"));
  /* The host counts it; at the quota, not past it, the extension runs. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (kari_supervisor_get_disk_usage (f->hostile) < (1 << 20) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("%" G_GUINT64_FORMAT " bytes counted", kari_supervisor_get_disk_usage (f->hostile));
  g_assert_cmpuint (kari_supervisor_get_disk_usage (f->hostile), ==, 1 << 20);
  g_assert_false (kari_supervisor_get_over_quota (f->hostile));
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_descriptors (Fixture       *f,
                  gconstpointer  data)
{
  /* The report itself is a call made with every descriptor taken. */
  g_autofree char *report = attack (f, "h-fds", "\"fds\"", NULL);

  assert_result (report, "open", "EMFILE");
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_big_message (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *line = NULL;
  guint64 before, grown;

  make_hostile (f, "h-big", "\"big\", \"100\"", "\"resources\": {\"max_memory_mb\": 1024}");
  start (f);
  g_assert_true (kari_test_host_wait_state (f->hostile, KARI_STATE_RUNNING, 30));
  /* From here the peak counts only what the message costs. */
  kari_test_reset_peak ();
  before = kari_test_status_kib ("VmRSS:");
  line = wait_line (f, "stdout: big: ");
  g_test_message ("%s", line);
  while (f->disconnected == NULL)
    g_main_context_iteration (NULL, TRUE);
  grown = kari_test_status_kib ("VmHWM:") - before;
  g_test_message ("disconnected: %s; host peak grew by %" G_GUINT64_FORMAT " KiB", f->disconnected, grown);
  /* The size cap's reason, unless the host saw the extension exit
   * (after the cap closed its connection) before it saw the close. */
  if (strstr (f->disconnected, "size limit") == NULL)
    g_assert_cmpstr (f->disconnected, ==, "the host stopped the extension");
  g_assert_null (find_line (f, "stdout: big: answered"));
  /* Cut off, it ends by itself: nothing killed it. */
  g_assert_true (kari_test_host_wait_state (f->hostile, KARI_STATE_STOPPED, 30));
  g_assert_true (saw_reason (f, "The extension exited by itself"));
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_STOPPED);
  /* the cap is read from the message's header, before any of it is kept */
  g_assert_cmpuint (grown, <, 32 * 1024);
}

static void
test_flood (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *line = NULL;
  guint ok = 0, limited = 0, other = 0;
  int closed = 0;

  make_hostile (f, "h-flood", "\"flood\", \"20000\"", NULL);
  start (f);
  line = wait_line (f, "stdout: flood: ");
  g_test_message ("%s", line);
  g_assert_cmpint (sscanf (strstr (line, "flood: "), "flood: ok=%u limited=%u other=%u closed=%d",
                           &ok, &limited, &other, &closed), ==, 4);
  g_assert_cmpuint (ok + limited + other, ==, 20000);
  /* The rate limit answered most of them, or the broker cut it off. */
  g_assert_cmpuint (ok, <, 20000 / 2);
  g_assert_true (limited > 0 || closed);
  /* Cut off, it ends by itself; otherwise it keeps running. */
  g_assert_true (kari_test_host_wait_state (f->hostile, closed ? KARI_STATE_STOPPED : KARI_STATE_RUNNING, 30));
  kari_test_host_assert_intact (&host, f->name, closed ? KARI_STATE_STOPPED : KARI_STATE_RUNNING);
}

static void
test_hang (Fixture       *f,
           gconstpointer  data)
{
  make_hostile (f, "h-hang", "\"hang\"", NULL);
  kari_supervisor_set_ping (f->hostile, 100, 300);
  kari_supervisor_set_crash_loop (f->hostile, 100, 60000);
  start (f);
  while (kari_supervisor_get_n_starts (f->hostile) < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (saw_reason (f, "No answer to Ping within 300 ms"));
  g_assert_true (kari_test_host_wait_state (f->hostile, KARI_STATE_RUNNING, 30));
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_RUNNING);
}

static void
test_crash_loop (Fixture       *f,
                 gconstpointer  data)
{
  make_hostile (f, "h-crash", "\"crash\"", NULL);
  kari_supervisor_set_crash_loop (f->hostile, 3, 60000);
  start (f);
  g_assert_true (kari_test_host_wait_state (f->hostile, KARI_STATE_DISABLED, 60));
  g_assert_cmpuint (kari_supervisor_get_n_starts (f->hostile), ==, 3);
  for (guint i = 0; i < f->reasons->len; i++)
    g_test_message ("%s", (char *) f->reasons->pdata[i]);
  g_assert_true (saw_reason (f, "Crashed 3 times"));
  /* bwrap passes on its child's death by SIGSEGV as 128 + 11. */
  g_assert_true (saw_reason (f, "Exited with status 139"));
  kari_test_host_assert_intact (&host, f->name, KARI_STATE_DISABLED);
}

/* As root, the whole suite again as nobody. */
static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = kari_test_rerun_as_nobody ("KARI_HOSTILE_UNPRIVILEGED", TRUE, &successful, NULL);

  g_test_message ("as nobody:\n%s", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "ok 1 /hostile/syscalls"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GResolver) resolver = NULL;
  g_autofree char *root = NULL;
  int status;

  /* Before GLib caches them: everything of the supervisor goes here. */
  root = kari_test_supervisor_root ("kari-hostile-root-XXXXXX");
  g_test_init (&argc, &argv, NULL);
  /* Test names for the HTTP service, which resolves names itself. */
  resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  g_resolver_set_default (resolver);

#define ADD(path, func) \
  g_test_add ("/hostile/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("syscalls", test_syscalls);
  ADD ("tiocsti", test_tiocsti);
  ADD ("host-files", test_host_files);
  ADD ("data-symlink", test_data_symlink);
  ADD ("forged-sender", test_forged_sender);
  ADD ("claim-identity", test_claim_identity);
  ADD ("open-outside-grant", test_open_outside_grant);
  ADD ("http-special-addresses", test_http_special);
  ADD ("http-outside-grant", test_http_outside_grant);
  ADD ("write-outside-data", test_write_outside_data);
  ADD ("network-socket", test_network_socket);
  ADD ("ptrace-host", test_ptrace_host);
  ADD ("signal-host", test_signal_host);
  ADD ("neighbour-socket", test_neighbour_socket);
  ADD ("fork-bomb", test_fork_bomb);
  ADD ("memory-hog", test_memory_hog);
  ADD ("cpu-spinner", test_cpu_spinner);
  ADD ("fill-data", test_fill_data);
  ADD ("descriptors", test_descriptors);
  ADD ("big-message", test_big_message);
  ADD ("flood", test_flood);
  ADD ("hang", test_hang);
  ADD ("crash-loop", test_crash_loop);
#undef ADD
  if (geteuid () == 0 && g_getenv ("KARI_HOSTILE_UNPRIVILEGED") == NULL)
    g_test_add_func ("/hostile/unprivileged", test_unprivileged);

  kari_test_host_open (&host, root);
  status = g_test_run ();
  kari_test_host_close (&host);
  kari_test_rm_rf (root);
  return status;
}
