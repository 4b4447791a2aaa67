/* test-sandbox.c — real bwrap sandboxes running a hostile probe
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kari-test-probe.h"
#include "kari-test-sandbox.h"

typedef struct
{
  char *root;
  char *app;
  char *data;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *probe_path = g_getenv ("KARI_SANDBOX_PROBE");

  g_assert_nonnull (probe_path);
  f->root = g_dir_make_tmp ("kari-sandbox-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (f->root, 0755), ==, 0);
  f->app = g_build_filename (f->root, "app", NULL);
  f->data = g_build_filename (f->root, "data", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->app, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (f->data, 0700), ==, 0);

  g_free (kari_test_copy_binary (probe_path, f->app, "sandbox-probe"));
  g_free (kari_test_write (f->root, "host-secret", "secret\n"));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  kari_test_rm_rf (f->root);
  g_free (f->root);
  g_free (f->app);
  g_free (f->data);
}

/* Writes the manifest with @runtime_json and @extra_json, and makes the
 * sandbox. */
static KariSandbox *
make_sandbox (Fixture    *f,
              const char *runtime_json,
              const char *extra_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  g_autofree char *json = g_strdup_printf ("{\"name\": \"probe\", \"version\": \"1.0.0\","
                                           " \"description\": \"A hostile probe\","
                                           " \"runtime\": %s%s%s}",
                                           runtime_json, extra_json ? ", " : "",
                                           extra_json ? extra_json : "");

  g_free (kari_test_write (f->app, "extension.json", json));
  manifest = kari_manifest_load_dir (f->app, NULL, &error);
  g_assert_no_error (error);
  return kari_sandbox_new (manifest, f->app, f->data, "acme");
}

/* Runs the sandbox to its end and returns its output. */
static char *
run (KariSandbox *sandbox)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  process = kari_sandbox_spawn (sandbox, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  kari_sandbox_release (sandbox);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_printerr ("sandbox failed: %s\n", err);
  g_assert_true (g_subprocess_get_successful (process));
  return g_steal_pointer (&out);
}

static char *
run_probe (Fixture    *f,
           const char *args_json,
           const char *extra_json)
{
  g_autofree char *runtime = g_strdup_printf ("{\"command\": [\"sandbox-probe\", %s]}", args_json);
  g_autoptr(KariSandbox) sandbox = make_sandbox (f, runtime, extra_json);

  return run (sandbox);
}

/* Asserts that @out holds exactly the line "@probe: @result". */
static void
assert_line (const char *out,
             const char *probe,
             const char *result)
{
  g_autofree char *line = g_strdup_printf ("%s: %s\n", probe, result);

  if (strstr (out, line) == NULL)
    g_error ("expected “%s: %s” in:\n%s", probe, result, out);
}

static void
test_syscalls (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *out = run_probe (f, "\"syscalls\"", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (kari_probe_expected); i++)
    assert_line (out, kari_probe_expected[i].probe, kari_probe_expected[i].result);
}

static void
test_files (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *secret = g_build_filename (f->root, "host-secret", NULL);
  g_autofree char *args = g_strdup_printf ("\"read\", \"/etc/shadow\", \"%s\", \"/etc/passwd\"", secret);
  g_autofree char *read_out = run_probe (f, args, NULL);
  g_autofree char *write_out = run_probe (f, "\"write\", \"/usr/x\", \"/app/x\", \"/x\", \"/etc/x\","
                                          " \"/data/ok\", \"/tmp/ok\"", NULL);
  g_autofree char *written = NULL;
  g_autofree char *ok_path = g_build_filename (f->data, "ok", NULL);
  g_autofree char *app_x = g_build_filename (f->app, "x", NULL);
  g_autofree char *line = g_strdup_printf ("read %s", secret);

  assert_line (read_out, "read /etc/shadow", "ENOENT");
  assert_line (read_out, "read /etc/passwd", "ENOENT");
  assert_line (read_out, line, "ENOENT");

  assert_line (write_out, "write /usr/x", "EROFS");
  assert_line (write_out, "write /app/x", "EROFS");
  assert_line (write_out, "write /x", "EROFS");
  assert_line (write_out, "write /etc/x", "EROFS");
  assert_line (write_out, "write /data/ok", "OK");
  assert_line (write_out, "write /tmp/ok", "OK");
  g_file_get_contents (ok_path, &written, NULL, NULL);
  g_assert_cmpstr (written, ==, "written");
  g_assert_false (g_file_test (app_x, G_FILE_TEST_EXISTS));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static void
test_env (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr(KariSandbox) sandbox = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) got = g_ptr_array_new ();
  const char *expected[] = {
    "GREETING=-hello", "HOME=/data", "KARI_EXTENSION=probe", "KARI_HOST_ADDRESS=unix:path=/run/kari/host.sock",
    "KARI_TENANT=acme", "LANG=C.UTF-8", "MALLOC_ARENA_MAX=2", "PATH=/usr/bin:/bin", "PWD=/app", "XDG_RUNTIME_DIR=/run/kari", NULL,
  };
  g_autofree char *sock = g_build_filename (f->root, "host.sock", NULL);

  g_free (kari_test_write (f->root, "host.sock", ""));
  sandbox = make_sandbox (f, "{\"command\": [\"sandbox-probe\", \"env\"], \"env\": {\"GREETING\": \"-hello\"}}", NULL);
  kari_sandbox_set_host_socket (sandbox, sock);
  out = run (sandbox);

  lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    if (g_str_has_prefix (*l, "env: "))
      g_ptr_array_add (got, *l + strlen ("env: "));
  g_ptr_array_sort (got, compare_strings);
  g_ptr_array_add (got, NULL);
  g_assert_cmpstrv ((char **) got->pdata, expected);
}

static void
test_env_refused (Fixture       *f,
                  gconstpointer  data)
{
  const char *envs[] = { "{\"LD_PRELOAD\": \"/app/x.so\"}", "{\"KARI_TENANT\": \"other\"}",
                         "{\"HOME\": \"/\"}", "{\"lower\": \"x\"}" };

  for (gsize i = 0; i < G_N_ELEMENTS (envs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *runtime = g_strdup_printf ("{\"command\": [\"sandbox-probe\", \"env\"], \"env\": %s}", envs[i]);
      g_autoptr(KariSandbox) sandbox = make_sandbox (f, runtime, NULL);
      g_autoptr(GSubprocess) process = kari_sandbox_spawn (sandbox, G_SUBPROCESS_FLAGS_NONE, &error);

      g_assert_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_RUNTIME);
      g_assert_null (process);
    }
}

static int
listen_loopback (guint16 *port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (fd, 4), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  *port = ntohs (addr.sin_port);
  return fd;
}

static void
test_network (Fixture       *f,
              gconstpointer  data)
{
  guint16 port;
  int fd = listen_loopback (&port);
  g_autofree char *args = g_strdup_printf ("\"connect\", \"%u\"", port);
  g_autofree char *closed = run_probe (f, args, NULL);
  g_autofree char *full = run_probe (f, args, "\"permissions\": [\"network:full\"]");

  g_assert_null (strstr (closed, "connect: OK"));
  g_assert_nonnull (strstr (closed, "connect: E"));
  assert_line (full, "connect", "OK");
  close (fd);
}

static void
test_data_symlink (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariSandbox) sandbox = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *elsewhere = g_build_filename (f->root, "elsewhere", NULL);

  g_assert_cmpint (g_mkdir (elsewhere, 0700), ==, 0);
  g_assert_cmpint (g_rmdir (f->data), ==, 0);
  g_assert_cmpint (symlink (elsewhere, f->data), ==, 0);

  sandbox = make_sandbox (f, "{\"command\": [\"sandbox-probe\", \"write\", \"/data/x\"]}", NULL);
  process = kari_sandbox_spawn (sandbox, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_FOLDER);
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_assert_null (process);
}

static void
test_dash_arguments (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *out = run_probe (f, "\"argv\", \"--bind\", \"/\", \"/host\", \"--\"", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KariSandbox) dash = make_sandbox (f, "{\"command\": [\"--help\"]}", NULL);
  g_autoptr(GSubprocess) process = kari_sandbox_spawn (dash, G_SUBPROCESS_FLAGS_NONE, &error);

  g_assert_cmpstr (out, ==, "argv: /app/sandbox-probe\nargv: argv\nargv: --bind\nargv: /\n"
                            "argv: /host\nargv: --\n");
  g_assert_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_RUNTIME);
  g_assert_null (process);
}

/* The parent of a sandbox, killed by the test (see main()). */
static int
run_spawner (const char *app,
             const char *data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = kari_manifest_load_dir (app, NULL, &error);
  g_autoptr(KariSandbox) sandbox = NULL;
  g_autoptr(GSubprocess) process = NULL;

  g_assert_no_error (error);
  sandbox = kari_sandbox_new (manifest, app, data, "acme");
  process = kari_sandbox_spawn (sandbox, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  kari_sandbox_release (sandbox);
  g_subprocess_wait (process, NULL, NULL);
  return 1;
}

static void
test_die_with_parent (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) spawner = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *line = NULL;
  g_autofree char *rest = NULL;

  /* Only the manifest is wanted here: the spawner makes its own sandbox. */
  g_object_unref (make_sandbox (f, "{\"command\": [\"sandbox-probe\", \"hold\"]}", NULL));
  spawner = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              "/proc/self/exe", "--spawner", f->app, f->data, NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (spawner));
  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "hold: ready");

  g_subprocess_send_signal (spawner, SIGKILL);
  g_subprocess_wait (spawner, NULL, &error);
  g_assert_no_error (error);
  /* The pipe ends only when bwrap and the probe, which hold it, are gone. */
  rest = g_data_input_stream_read_upto (in, "", 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rest, ==, NULL);
}

/* As root, the whole suite runs again as nobody: sandboxes must work
 * for an unprivileged user too. */
static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = kari_test_rerun_as_nobody ("KARI_SANDBOX_UNPRIVILEGED", FALSE, &successful, NULL);

  if (!successful)
    g_printerr ("as nobody:\n%s\n", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "/sandbox/syscalls"));
}

int
main (int    argc,
      char **argv)
{
  if (argc == 4 && g_str_equal (argv[1], "--spawner"))
    return run_spawner (argv[2], argv[3]);

  /* A host secret that must not reach any sandbox (see test_env). */
  g_setenv ("KARI_TEST_SECRET", "leaked", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sandbox/syscalls", test_syscalls);
  ADD ("/sandbox/files", test_files);
  ADD ("/sandbox/env", test_env);
  ADD ("/sandbox/env-refused", test_env_refused);
  ADD ("/sandbox/network", test_network);
  ADD ("/sandbox/data-symlink", test_data_symlink);
  ADD ("/sandbox/dash-arguments", test_dash_arguments);
  ADD ("/sandbox/die-with-parent", test_die_with_parent);
#undef ADD
  if (geteuid () == 0 && g_getenv ("KARI_SANDBOX_UNPRIVILEGED") == NULL)
    g_test_add_func ("/sandbox/unprivileged", test_unprivileged);

  return g_test_run ();
}
