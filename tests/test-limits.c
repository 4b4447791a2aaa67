/* test-limits.c — KariLimits on real processes and real cgroups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kari-limits-private.h"
#include "kari-limits-probe.h"
#include "kari-test-util.h"

#define MiB (1024 * 1024)
#define HOG_LIMIT (64 * MiB)

static const char *test_argv0;

/* A group on @backend, or NULL with the test skipped when the backend is
 * absent here (and only then). */
static KariLimits *
make_limits (KariLimitsBackend backend,
             guint64           memory_bytes,
             guint             cpu_percent,
             guint             tasks_max)
{
  g_autoptr(GError) error = NULL;
  KariLimits *limits;

  if (!kari_limits_backend_probe (backend, &error))
    {
      g_autofree char *reason = g_strdup_printf ("%s backend absent: %s",
                                                 kari_limits_backend_to_string (backend),
                                                 error->message);
      g_assert_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_UNAVAILABLE);
      g_test_skip (reason);
      return NULL;
    }
  limits = kari_limits_new_with_backend (backend, "test.limits", memory_bytes, cpu_percent,
                                         tasks_max, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kari_limits_get_backend (limits), ==, backend);
  g_assert_cmpstr (kari_limits_get_backend_name (limits), ==,
                   kari_limits_backend_to_string (backend));
  return limits;
}

static void
test_detect (void)
{
  g_autoptr(GError) error = NULL;
  KariLimitsBackend best = kari_limits_detect_backend (&error);

  g_test_message ("best backend: %s%s%s", kari_limits_backend_to_string (best),
                  error ? " — " : "", error ? error->message : "");
  g_assert_true (kari_limits_backend_probe (best, NULL));
  for (KariLimitsBackend b = 0; b < best; b++)
    g_assert_false (kari_limits_backend_probe (b, NULL));
  g_assert_true (best == KARI_LIMITS_BACKEND_RLIMIT
                 ? error != NULL : error == NULL);
  /* kari_limits_new() uses the same choice, and reports it. */
  {
    g_autoptr(GError) new_error = NULL;
    g_autoptr(KariLimits) limits = kari_limits_new ("test.auto", 32 * MiB, 10, 4, &new_error);

    g_assert_no_error (new_error);
    g_assert_cmpint (kari_limits_get_backend (limits), ==, best);
    g_assert_cmpstr (kari_limits_get_backend_name (limits), ==,
                     kari_limits_backend_to_string (best));
    g_assert_cmpuint (kari_limits_get_memory_bytes (limits), ==, 32 * MiB);
    g_assert_cmpuint (kari_limits_get_cpu_percent (limits), ==, 10);
    g_assert_cmpuint (kari_limits_get_tasks_max (limits), ==, 4);
    g_assert_true (kari_limits_destroy (limits, &new_error));
    g_assert_no_error (new_error);
  }
  /* CI runs as root with writable v1 hierarchies: never fall to rlimits there. */
  if (kari_limits_backend_probe (KARI_LIMITS_BACKEND_CGROUP1, NULL))
    g_assert_cmpint (best, <=, KARI_LIMITS_BACKEND_CGROUP1);
}

static void
test_invalid_names (void)
{
  const char *bad[] = { "", ".hidden", "-x", "../etc", "a/b", "a b", "x\n", "é",
                        "0123456789012345678901234567890123456789012345678901234567890123456789" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KariLimits) limits = kari_limits_new_with_backend (KARI_LIMITS_BACKEND_RLIMIT,
                                                                   bad[i], 0, 0, 0, &error);

      g_assert_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_INVALID);
      g_assert_null (limits);
    }
}

static void
test_parse_keyed (void)
{
  const char *events = "low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\n";
  guint64 value = 0;

  g_assert_true (_kari_limits_parse_keyed_u64 (events, "oom_kill", &value));
  g_assert_cmpuint (value, ==, 2);
  g_assert_true (_kari_limits_parse_keyed_u64 (events, "oom", &value));
  g_assert_cmpuint (value, ==, 3);
  g_assert_false (_kari_limits_parse_keyed_u64 (events, "oom_group_kill", &value));
  g_assert_false (_kari_limits_parse_keyed_u64 ("oom_kill x\n", "oom_kill", &value));
  g_assert_false (_kari_limits_parse_keyed_u64 ("oom_kill -1\n", "oom_kill", &value));
}

static void
test_systemd_properties (void)
{
  KariLimitsSpec spec = { "demo-12-0", 64 * MiB, 25, 16 };
  KariLimitsSpec none = { "demo-12-1", 0, 0, 0 };
  g_autoptr(GVariant) props = g_variant_ref_sink (_kari_limits_systemd_properties (&spec, 4242));
  g_autoptr(GVariant) bare = g_variant_ref_sink (_kari_limits_systemd_properties (&none, 7));
  g_autofree char *text = g_variant_print (props, TRUE);
  g_autofree char *bare_text = g_variant_print (bare, FALSE);

  g_assert_cmpstr (g_variant_get_type_string (props), ==, "a(sv)");
  g_assert_cmpstr (text, ==,
                   "[('Description', <'Kari extension demo-12-0'>), ('PIDs', <[uint32 4242]>), "
                   "('MemoryAccounting', <true>), ('CPUAccounting', <true>), "
                   "('TasksAccounting', <true>), ('Delegate', <true>), "
                   "('MemoryMax', <uint64 67108864>), "
                   "('MemorySwapMax', <uint64 0>), ('CPUQuotaPerSecUSec', <uint64 250000>), "
                   "('TasksMax', <uint64 16>)]");
  /* No limit asked, no limit property sent (systemd would read 0 as 0). */
  g_assert_cmpstr (bare_text, ==,
                   "[('Description', <'Kari extension demo-12-1'>), ('PIDs', <[uint32 7]>), "
                   "('MemoryAccounting', <true>), ('CPUAccounting', <true>), "
                   "('TasksAccounting', <true>), ('Delegate', <true>)]");
}

static void
test_systemd_no_session_bus (void)
{
  g_autofree char *runtime = g_dir_make_tmp ("kari-limits-XXXXXX", NULL);
  g_autofree char *old_address = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  g_autofree char *old_runtime = g_strdup (g_getenv ("XDG_RUNTIME_DIR"));
  g_autoptr(GError) error = NULL;

  /* An empty runtime dir and no address: there is no session bus to find. */
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_assert_false (kari_limits_backend_probe (KARI_LIMITS_BACKEND_SYSTEMD, &error));
  g_assert_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "No session bus"));

  if (old_address)
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", old_address, TRUE);
  if (old_runtime)
    g_setenv ("XDG_RUNTIME_DIR", old_runtime, TRUE);
  else
    g_unsetenv ("XDG_RUNTIME_DIR");
  kari_test_rm_rf (runtime);
}

/* A real session bus with no systemd on it: the backend says so. Runs last,
 * as GDBus keeps the session connection for the process. */
static void
test_systemd_bus_without_manager (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *address = NULL;

  if (!g_file_test ("/usr/bin/dbus-daemon", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }
  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                             &error, "/usr/bin/dbus-daemon", "--session", "--nofork",
                             "--print-address=1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon));
  address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);

  g_assert_false (kari_limits_backend_probe (KARI_LIMITS_BACKEND_SYSTEMD, &error));
  g_assert_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "No systemd user manager"));

  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_send_signal (daemon, SIGTERM);
  g_subprocess_wait (daemon, NULL, NULL);
}

static void
test_hog (gconstpointer data)
{
  KariLimitsBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(KariLimits) limits = make_limits (backend, HOG_LIMIT, 0, 0);
  g_autoptr(KariLimitsProbe) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cap = g_strdup_printf ("%d", 8 * HOG_LIMIT);
  guint64 allocated = 0, peak = 0;
  gboolean failed = FALSE;
  char *line;

  if (limits == NULL)
    return;
  probe = kari_limits_probe_start (limits, "hog", cap, &error);
  g_assert_no_error (error);
  while (!failed && (line = kari_limits_probe_read_line (probe)) != NULL)
    {
      const char *space = strchr (line, ' ');

      failed = g_str_has_prefix (line, "failed ");
      allocated = space ? g_ascii_strtoull (space + 1, NULL, 10) : 0;
      g_free (line);
    }
  g_test_message ("%s: allocated %" G_GUINT64_FORMAT " MiB of a %d MiB limit",
                  kari_limits_get_backend_name (limits), allocated / MiB, HOG_LIMIT / MiB);

  /* Every backend kills the hog near its limit: the kernel for a cgroup,
   * the host's watch of the tree's resident memory for rlimits (whose
   * RLIMIT_AS, far above the limit, never fails an allocation first). */
  kari_limits_probe_finish (probe);
  g_assert_false (failed);
  g_assert_true (g_subprocess_get_if_signaled (probe->proc));
  g_assert_cmpint (g_subprocess_get_term_sig (probe->proc), ==, SIGKILL);
  g_assert_true (kari_limits_was_oom_killed (limits));
  /* The peak outlives the processes (the rlimit backend keeps its own). */
  g_assert_true (kari_limits_read_usage (limits, NULL, &peak, NULL, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("peak %" G_GUINT64_FORMAT " bytes, limit %d", peak, HOG_LIMIT);
  if (backend == KARI_LIMITS_BACKEND_RLIMIT)
    {
      /* The watch kills on a sample over the limit, so that is what it
       * saw; the hog touches pages as fast as a core can (GiB/s), so what
       * it adds between two samples (or while the host's thread waits for
       * a CPU on a busy machine) goes over: bench-limits measures how far,
       * typically 1-2 %, and the bound here is the documented worst case
       * of a sampler rather than the kernel's 10 %. */
      g_assert_cmpuint (peak, >, HOG_LIMIT);
      g_assert_cmpuint (allocated, <=, HOG_LIMIT + HOG_LIMIT / 4);
      g_assert_cmpuint (peak, <=, HOG_LIMIT + HOG_LIMIT / 4);
    }
  else
    {
      g_assert_cmpuint (allocated, <=, HOG_LIMIT + HOG_LIMIT / 10);
      g_assert_cmpuint (peak, <=, HOG_LIMIT + HOG_LIMIT / 10);
    }
  /* The limit, not something else, stopped it: it got near. */
  g_assert_cmpuint (allocated, >=, HOG_LIMIT / 2);
  g_assert_true (kari_limits_destroy (limits, &error));
  g_assert_no_error (error);
}

static void
test_forkbomb (gconstpointer data)
{
  KariLimitsBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(KariLimits) limits = NULL;
  g_autoptr(KariLimitsProbe) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  guint64 forks;
  guint tasks = 0;

  if (backend == KARI_LIMITS_BACKEND_RLIMIT && geteuid () == 0)
    {
      g_test_skip ("RLIMIT_NPROC does not bind root; the unprivileged run covers it");
      return;
    }
  limits = make_limits (backend, 0, 0, 8);
  if (limits == NULL)
    return;
  probe = kari_limits_probe_start (limits, "forkbomb", "200", &error);
  g_assert_no_error (error);
  line = kari_limits_probe_read_line (probe);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "forks "));
  forks = g_ascii_strtoull (line + 6, NULL, 10);
  g_test_message ("%s: %" G_GUINT64_FORMAT " forks of 200 succeeded with tasks_max 8",
                  kari_limits_get_backend_name (limits), forks);
  g_assert_cmpuint (forks, <=, 8);
  g_assert_true (kari_limits_read_usage (limits, NULL, NULL, NULL, &tasks, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tasks, <=, 8);
  g_assert_cmpuint (tasks, >=, 1);

  if (backend == KARI_LIMITS_BACKEND_RLIMIT)
    {
      /* The probe reaps its children once stdin closes. */
      kari_limits_probe_finish (probe);
      g_assert_true (g_subprocess_get_if_exited (probe->proc));
      g_assert_cmpint (g_subprocess_get_exit_status (probe->proc), ==, 0);
      return;
    }
  /* A group ends the bomb in one call, its orphans included. */
  g_assert_true (kari_limits_kill_all (limits, &error));
  g_assert_no_error (error);
  kari_limits_probe_finish (probe);
  g_assert_true (g_subprocess_get_if_signaled (probe->proc));
  /* The orphans are uncharged when init reaps them: allow it time, not a deadline. */
  for (guint i = 0; i < 10000; i++)
    {
      g_assert_true (kari_limits_read_usage (limits, NULL, NULL, NULL, &tasks, &error));
      g_assert_no_error (error);
      if (tasks == 0)
        break;
      g_usleep (1000);
    }
  g_assert_cmpuint (tasks, ==, 0);
  g_assert_true (kari_limits_destroy (limits, &error));
  g_assert_no_error (error);
}

static void
test_spin (gconstpointer data)
{
  KariLimitsBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(KariLimits) limits = NULL;
  g_autoptr(KariLimitsProbe) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  guint64 cpu_usec = 0;
  gint64 start;
  double share;

  if (backend == KARI_LIMITS_BACKEND_RLIMIT)
    {
      g_test_skip ("No rlimit caps a CPU share (RLIMIT_CPU caps total seconds)");
      return;
    }
  limits = make_limits (backend, 0, 20, 0);
  if (limits == NULL)
    return;
  start = g_get_monotonic_time ();
  probe = kari_limits_probe_start (limits, "spin", "3", &error);
  g_assert_no_error (error);
  line = kari_limits_probe_read_line (probe);
  g_assert_cmpstr (line, ==, "spun");
  kari_limits_probe_finish (probe);
  g_assert_true (kari_limits_read_usage (limits, NULL, NULL, &cpu_usec, NULL, &error));
  g_assert_no_error (error);

  share = (double) cpu_usec / (double) (g_get_monotonic_time () - start);
  g_test_message ("%s: %.1f %% of a CPU with a 20 %% quota",
                  kari_limits_get_backend_name (limits), share * 100);
  g_assert_cmpuint (cpu_usec, >, 0);
  g_assert_cmpfloat (share, <, 0.5);
}

static void
test_destroy (gconstpointer data)
{
  KariLimitsBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(KariLimits) limits = make_limits (backend, 64 * MiB, 50, 16);
  g_autoptr(KariLimitsProbe) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (limits == NULL)
    return;
  if (kari_limits_get_group_path (limits) == NULL)
    {
      g_test_skip ("rlimits make no group to remove");
      return;
    }
  path = g_strdup (kari_limits_get_group_path (limits));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  probe = kari_limits_probe_start (limits, "spin", "60", &error);
  g_assert_no_error (error);

  /* Not while a process is inside. */
  g_assert_false (kari_limits_destroy (limits, &error));
  g_assert_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));

  g_assert_true (kari_limits_kill_all (limits, &error));
  g_assert_no_error (error);
  kari_limits_probe_finish (probe);
  g_assert_true (g_subprocess_get_if_signaled (probe->proc));

  g_assert_true (kari_limits_destroy (limits, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* Twice is harmless. */
  g_assert_true (kari_limits_destroy (limits, &error));
  g_assert_no_error (error);
}

static void
test_dead_pid (gconstpointer data)
{
  KariLimitsBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(KariLimits) limits = make_limits (backend, 64 * MiB, 0, 0);
  const char *argv[] = { "true", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *pid_text = NULL;
  GPid pid;

  if (limits == NULL)
    return;
  /* Reaped by us, so the pid is known to be dead and not yet reused. */
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (waitpid (pid, NULL, 0), ==, pid);
  pid_text = g_strdup_printf ("%d", (int) pid);

  g_assert_false (kari_limits_attach (limits, pid, &error));
  g_assert_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_NO_PROCESS);
  g_assert_nonnull (strstr (error->message, pid_text));
  g_clear_error (&error);
  g_assert_false (kari_limits_attach (limits, 0, &error));
  g_assert_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_NO_PROCESS);
}

/* The rlimit backend is the one an unprivileged host gets: run its tests
 * again as nobody, where RLIMIT_NPROC binds. */
static void
test_rlimit_as_nobody (void)
{
  const char *paths[] = { "/limits/rlimit/hog", "/limits/rlimit/forkbomb",
                          "/limits/rlimit/dead-pid" };

  if (geteuid () != 0)
    {
      g_test_skip ("Already unprivileged: the rlimit tests ran as this user");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      const char *argv[] = { "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             test_argv0, "-p", paths[i], NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      int status = -1;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                    &out, &err, &status, &error);
      g_assert_no_error (error);
      g_test_message ("as nobody, %s:\n%s%s", paths[i], out, err);
      g_assert_true (g_spawn_check_wait_status (status, &error));
      g_assert_no_error (error);
      g_assert_null (strstr (out, "SKIP"));
      g_assert_nonnull (strstr (out, "ok 1 "));
    }
}

int
main (int   argc,
      char *argv[])
{
  static const KariLimitsBackend backends[] = {
    KARI_LIMITS_BACKEND_SYSTEMD, KARI_LIMITS_BACKEND_CGROUP2,
    KARI_LIMITS_BACKEND_CGROUP1, KARI_LIMITS_BACKEND_RLIMIT,
  };
  static const struct
  {
    const char    *name;
    GTestDataFunc  func;
  } cases[] = {
    { "hog", test_hog },
    { "forkbomb", test_forkbomb },
    { "spin", test_spin },
    { "destroy", test_destroy },
    { "dead-pid", test_dead_pid },
  };

  g_test_init (&argc, &argv, NULL);
  test_argv0 = argv[0];

  g_test_add_func ("/limits/detect", test_detect);
  g_test_add_func ("/limits/name/invalid", test_invalid_names);
  g_test_add_func ("/limits/cgroup/parse-keyed", test_parse_keyed);
  g_test_add_func ("/limits/systemd/properties", test_systemd_properties);
  g_test_add_func ("/limits/systemd/no-session-bus", test_systemd_no_session_bus);
  for (guint b = 0; b < G_N_ELEMENTS (backends); b++)
    for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
      {
        g_autofree char *path = g_strdup_printf ("/limits/%s/%s",
                                                 kari_limits_backend_to_string (backends[b]),
                                                 cases[c].name);
        g_test_add_data_func (path, GINT_TO_POINTER (backends[b]), cases[c].func);
      }
  g_test_add_func ("/limits/rlimit/as-nobody", test_rlimit_as_nobody);
  g_test_add_func ("/limits/systemd/bus-without-manager", test_systemd_bus_without_manager);
  return g_test_run ();
}
