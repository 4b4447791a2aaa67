/* test-supervisor.c — real extensions in real sandboxes, supervised
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include "kari-test-sandbox.h"

typedef struct
{
  char                 *dir;      /* registry and audit database */
  char                 *db;
  char                 *app;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  KariSupervisor       *supervisor;
  GPtrArray            *states;   /* of KariState, as GINT_TO_POINTER */
  char                 *crash_loop;
  guint                 n_log_lines;
  gboolean              ticked;
} Fixture;

static char *root;

static void
on_state_changed (KariSupervisor *supervisor,
                  int             state,
                  const char     *reason,
                  Fixture        *f)
{
  g_ptr_array_add (f->states, GINT_TO_POINTER (state));
}

static void
on_crash_loop (KariSupervisor *supervisor,
               const char     *reason,
               Fixture        *f)
{
  g_free (f->crash_loop);
  f->crash_loop = g_strdup (reason);
}

static void
on_log_line (KariSupervisor *supervisor,
             const char     *line,
             Fixture        *f)
{
  f->n_log_lines++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kari_test_tmp_db ("kari-supervisor-XXXXXX", "registry.db", &f->dir, &f->db);
  f->registry = kari_registry_open (f->db, NULL, NULL, &error);
  g_assert_no_error (error);
  f->audit = kari_audit_log_open (f->db, &error);
  g_assert_no_error (error);
  f->engine = kari_permission_engine_new (f->registry, f->audit, NULL, &error);
  g_assert_no_error (error);
  f->states = g_ptr_array_new ();
}

static void
stop (Fixture *f)
{
  kari_test_supervisor_stop (f->supervisor);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->supervisor != NULL)
    {
      stop (f);
      g_object_unref (f->supervisor);
    }
  g_clear_object (&f->engine);
  g_clear_object (&f->audit);
  g_clear_object (&f->registry);
  if (f->app != NULL)
    kari_test_rm_rf (f->app);
  g_free (f->app);
  kari_test_tmp_db_clear (&f->dir, &f->db);
  g_ptr_array_unref (f->states);
  g_free (f->crash_loop);
}

/* An extension folder running supervisor-ext with @args_json, installed
 * in the registry, and its supervisor with short timings. */
static void
make_supervisor (Fixture    *f,
                 const char *name,
                 const char *args_json)
{
  g_autoptr(KariManifest) manifest = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *folder = g_strdup_printf ("app-%s", name);

  extra = g_strdup_printf ("\"runtime\": {\"command\": [\"supervisor-ext\", %s]},\n"
                           "  \"resources\": {\"max_memory_mb\": 256, \"max_cpu_percent\": 50}",
                           args_json);
  f->app = kari_test_write_supervised_extension (root, folder, name, extra);
  manifest = kari_test_install (f->registry, f->app);

  f->supervisor = kari_supervisor_new (manifest, f->app, "acme", f->engine, f->registry);
  kari_supervisor_set_handshake_timeout (f->supervisor, 20000);
  kari_supervisor_set_grace_period (f->supervisor, 2000);
  kari_supervisor_set_ping (f->supervisor, 0, 1000);
  kari_supervisor_set_backoff (f->supervisor, 20, 200);
  kari_supervisor_set_metrics (f->supervisor, 50, 8);
  g_signal_connect (f->supervisor, "state-changed", G_CALLBACK (on_state_changed), f);
  g_signal_connect (f->supervisor, "crash-loop", G_CALLBACK (on_crash_loop), f);
  g_signal_connect (f->supervisor, "log-line", G_CALLBACK (on_log_line), f);
}

/* Runs the main loop until the supervisor is in @state (a safety net,
 * not a measure). */
static gboolean
wait_state (Fixture   *f,
            KariState  state)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (kari_supervisor_get_state (f->supervisor) != state && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return kari_supervisor_get_state (f->supervisor) == state;
}

static gboolean
saw_state (Fixture   *f,
           KariState  state)
{
  for (guint i = 0; i < f->states->len; i++)
    if (GPOINTER_TO_INT (f->states->pdata[i]) == (int) state)
      return TRUE;
  return FALSE;
}

static KariState
registry_state (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariRegistryEntry) entry = kari_registry_lookup (f->registry,
                                                             kari_supervisor_get_name (f->supervisor),
                                                             &error);
  g_assert_no_error (error);
  return entry->state;
}

/* The line of the log that holds @text, or NULL. */
static char *
find_line (KariSupervisor *supervisor,
           const char     *text)
{
  g_auto(GStrv) lines = kari_supervisor_dup_log (supervisor);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], text) != NULL)
      return g_strdup (lines[i]);
  return NULL;
}

static gboolean
has_line (KariSupervisor *supervisor,
          const char     *text)
{
  g_autofree char *line = find_line (supervisor, text);

  return line != NULL;
}

static gboolean
wait_line (Fixture    *f,
           const char *text)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_autofree char *line = NULL;

  while ((line = find_line (f->supervisor, text)) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return line != NULL;
}

static void
assert_timestamped (const char *line)
{
  g_autofree char *stamp = g_strndup (line, strcspn (line, " "));
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (stamp, NULL);

  g_assert_nonnull (time);
}

static void
test_start_stop (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *file = NULL;

  make_supervisor (f, "hello", "\"hello\"");
  kari_supervisor_start (f->supervisor, &error);
  g_assert_no_error (error);
  g_assert_no_error (error);
  g_assert_true (wait_state (f, KARI_STATE_RUNNING));
  g_assert_true (saw_state (f, KARI_STATE_ENABLED));
  g_assert_true (saw_state (f, KARI_STATE_STARTING));
  g_assert_cmpint (registry_state (f), ==, KARI_STATE_RUNNING);
  g_assert_nonnull (kari_supervisor_get_limits_backend (f->supervisor));
  g_test_message ("limits backend: %s", kari_supervisor_get_limits_backend (f->supervisor));

  /* Output and the broker's Log, each line stamped. */
  g_assert_true (wait_line (f, "stdout: ready on stdout"));
  g_assert_true (wait_line (f, "stderr: ready on stderr"));
  g_assert_true (wait_line (f, "info: over the broker"));
  line = find_line (f->supervisor, "stdout: ready on stdout");
  assert_timestamped (line);
  g_assert_cmpuint (f->n_log_lines, >, 3);

  stop (f);
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_STOPPED);
  g_assert_cmpint (registry_state (f), ==, KARI_STATE_STOPPED);
  g_assert_cmpint (kari_supervisor_get_pid (f->supervisor), ==, 0);

  g_file_get_contents (kari_supervisor_get_log_path (f->supervisor), &file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (file, "stdout: ready on stdout"));
}

/* The payload runs inside the limited group from its first instruction. */
static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *procs = NULL;
  g_autofree char *path = NULL;
  g_autofree char *pid = NULL;
  g_autoptr(GArray) samples = NULL;
  const char *group;

  make_supervisor (f, "limited", "\"hello\"");
  kari_supervisor_start (f->supervisor, &error);
  g_assert_no_error (error);
  g_assert_no_error (error);
  g_assert_true (wait_state (f, KARI_STATE_RUNNING));

  group = kari_supervisor_get_limits_group (f->supervisor);
  pid = g_strdup_printf ("%d", kari_supervisor_get_pid (f->supervisor));
  if (group != NULL)
    {
      g_auto(GStrv) lines = NULL;
      path = g_build_filename (group, "cgroup.procs", NULL);
      g_file_get_contents (path, &procs, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("%s: %s", path, procs);
      lines = g_strsplit (procs, "\n", -1);
      g_assert_true (g_strv_contains ((const char * const *) lines, pid));
      /* bwrap, its child in the sandbox and the extension at least. */
      g_assert_cmpuint (g_strv_length (lines), >=, 3);
    }
  else
    {
      path = g_strdup_printf ("/proc/%s/limits", pid);
      g_file_get_contents (path, &procs, NULL, &error);
      g_assert_no_error (error);
      /* Address space is not memory: the limit (256 MiB) plus 2 GiB of
       * room for what a runtime reserves; the watch holds the memory. */
      g_assert_nonnull (strstr (procs, "Max address space         2415919104"));
    }

  /* Samples come from the same group. */
  while (samples == NULL || samples->len < 2)
    {
      g_clear_pointer (&samples, g_array_unref);
      g_main_context_iteration (NULL, TRUE);
      samples = kari_supervisor_dup_samples (f->supervisor);
    }
  g_assert_cmpuint (g_array_index (samples, KariSupervisorSample, 1).n_tasks, >, 0);
}

static void
test_crash_restart (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  make_supervisor (f, "crasher", "\"crash\"");
  kari_supervisor_set_crash_loop (f->supervisor, 100, 60000);
  kari_supervisor_start (f->supervisor, &error);
  g_assert_no_error (error);
  g_assert_no_error (error);
  while (kari_supervisor_get_n_starts (f->supervisor) < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (saw_state (f, KARI_STATE_RUNNING));
  g_assert_true (saw_state (f, KARI_STATE_CRASHED));
  g_assert_true (has_line (f->supervisor, "Restarting after a crash"));
}

static void
test_crash_loop (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  make_supervisor (f, "looper", "\"exit-early\", \"3\"");
  kari_supervisor_set_crash_loop (f->supervisor, 3, 60000);
  kari_supervisor_start (f->supervisor, &error);
  g_assert_no_error (error);
  g_assert_no_error (error);
  g_assert_true (wait_state (f, KARI_STATE_DISABLED));
  g_assert_cmpuint (kari_supervisor_get_n_starts (f->supervisor), ==, 3);
  g_assert_nonnull (f->crash_loop);
  g_assert_nonnull (strstr (f->crash_loop, "Crashed 3 times"));
  g_assert_nonnull (strstr (kari_supervisor_get_reason (f->supervisor), "status 3"));
  g_assert_false (saw_state (f, KARI_STATE_RUNNING));
  g_assert_cmpint (registry_state (f), ==, KARI_STATE_DISABLED);
}

static void
test_hang (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  make_supervisor (f, "hanger", "\"hang\"");
  kari_supervisor_set_ping (f->supervisor, 100, 300);
  kari_supervisor_set_crash_loop (f->supervisor, 100, 60000);
  kari_supervisor_start (f->supervisor, &error);
  g_assert_no_error (error);
  g_assert_no_error (error);
  while (kari_supervisor_get_n_starts (f->supervisor) < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (saw_state (f, KARI_STATE_CRASHED));
  g_assert_true (has_line (f->supervisor, "No answer to Ping within 300 ms"));
}

static gboolean
on_tick (gpointer user_data)
{
  Fixture *f = user_data;

  f->ticked = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_flood (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *bad = NULL;
  GStatBuf st;

  make_supervisor (f, "spammer", "\"spam\"");
  kari_supervisor_set_log_limits (f->supervisor, 100, 64 * 1024, 128 * 1024);
  kari_supervisor_set_grace_period (f->supervisor, 300);
  kari_supervisor_start (f->supervisor, &error);
  g_assert_no_error (error);
  g_assert_no_error (error);
  g_assert_true (wait_state (f, KARI_STATE_RUNNING));
  g_assert_true (wait_line (f, "bad utf-8"));

  /* The loop keeps turning under the flood. */
  g_timeout_add (200, on_tick, f);
  g_assert_true (kari_test_wait_for (&f->ticked, 30));
  while (f->n_log_lines < 5000)
    g_main_context_iteration (NULL, TRUE);

  lines = kari_supervisor_dup_log (f->supervisor);
  g_assert_cmpuint (g_strv_length (lines), <=, 100);
  g_assert_cmpuint (kari_supervisor_get_log_size (f->supervisor), <=, 64 * 1024);
  cut = find_line (f->supervisor, "xxxx [cut]");
  g_assert_nonnull (cut);
  g_assert_cmpuint (strlen (cut), <, 4096 + 200);
  bad = find_line (f->supervisor, "bad utf-8");
  g_assert_nonnull (strstr (bad, "bad utf-8 \\xff\\xfe here"));
  g_assert_true (g_utf8_validate (bad, -1, NULL));

  g_assert_cmpint (g_stat (kari_supervisor_get_log_path (f->supervisor), &st), ==, 0);
  g_assert_cmpint (st.st_size, <=, 128 * 1024);

  stop (f);
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_STOPPED);
}

/* One that ignores Shutdown and SIGTERM is killed after the grace period. */
static void
test_stubborn (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  make_supervisor (f, "stubborn", "\"stubborn\"");
  kari_supervisor_set_grace_period (f->supervisor, 300);
  kari_supervisor_start (f->supervisor, &error);
  g_assert_no_error (error);
  g_assert_no_error (error);
  g_assert_true (wait_state (f, KARI_STATE_RUNNING));
  stop (f);
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_STOPPED);
  g_assert_nonnull (strstr (kari_supervisor_get_reason (f->supervisor), "signal 9"));
}

/* The C example as shipped, 16 MiB and all, starts and answers: a GLib
 * program reserves far more address space than 16 MiB (a malloc arena
 * per thread, its threads' stacks), so this holds only if the limit is
 * on resident memory. Run as nobody too, where it is the rlimit backend's
 * watch that holds it. */
static void
test_hello_c_small (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *source = g_build_filename (g_getenv ("KARI_SOURCE_DIR"), "examples", "extensions",
                                              "hello-c", "extension.toml", NULL);
  g_autofree char *toml = NULL;
  g_autofree char *app = g_build_filename (root, "app-hello-c", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autofree char *pid = NULL;
  guint64 most = 0;

  g_file_get_contents (source, &toml, NULL, &error);
  g_assert_no_error (error);
  g_free (kari_test_write (app, "extension.toml", toml));
  g_assert_cmpint (g_chmod (app, 0755), ==, 0);
  g_free (kari_test_copy_binary (g_getenv ("KARI_HELLO_C_NOSAN"), app, "hello-c"));
  f->app = g_strdup (app);
  manifest = kari_test_install (f->registry, app);
  g_assert_cmpint (kari_manifest_get_max_memory_mb (manifest), ==, 16);

  f->supervisor = kari_supervisor_new (manifest, app, "acme", f->engine, f->registry);
  kari_supervisor_set_handshake_timeout (f->supervisor, 20000);
  kari_supervisor_set_grace_period (f->supervisor, 2000);
  kari_supervisor_set_ping (f->supervisor, 0, 1000);
  kari_supervisor_set_metrics (f->supervisor, 50, 8);
  g_signal_connect (f->supervisor, "state-changed", G_CALLBACK (on_state_changed), f);
  g_signal_connect (f->supervisor, "log-line", G_CALLBACK (on_log_line), f);
  kari_supervisor_start (f->supervisor, &error);
  g_assert_no_error (error);
  g_assert_true (wait_state (f, KARI_STATE_RUNNING));
  g_test_message ("hello-c runs with the %s backend", kari_supervisor_get_limits_backend (f->supervisor));

  /* Samples of the whole tree, under the limit, while it stays up. */
  while (samples == NULL || samples->len < 4)
    {
      g_clear_pointer (&samples, g_array_unref);
      g_main_context_iteration (NULL, TRUE);
      samples = kari_supervisor_dup_samples (f->supervisor);
    }
  for (guint i = 0; i < samples->len; i++)
    most = MAX (most, g_array_index (samples, KariSupervisorSample, i).memory_bytes);
  g_test_message ("most memory sampled: %" G_GUINT64_FORMAT " KiB of 16384", most >> 10);
  g_assert_cmpuint (most, >, 0);
  g_assert_cmpuint (most, <, 16 << 20);
  /* bwrap, its pid 1 and hello-c with its GLib threads. */
  g_assert_cmpuint (g_array_index (samples, KariSupervisorSample, samples->len - 1).n_tasks, >=, 3);
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_RUNNING);
  stop (f);
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_STOPPED);
  g_assert_false (has_line (f->supervisor, "Out of memory"));
}

/* Whether @pid is gone or a zombie (reaped or about to be). */
static gboolean
pid_gone (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
    return TRUE;
  return end[1] != '\0' && (end[2] == 'Z' || end[2] == 'X');
}

/* kari_supervisor_start() leaves the group, the move into it and the
 * release to a worker: it is `starting` with bwrap spawned at once, and
 * a stop asked before the worker is back ends the run cleanly (no
 * `failed`), after which it starts again as usual. */
static void
test_stop_while_limiting (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GPid pid;

  make_supervisor (f, "early-stop", "\"hello\"");
  g_assert_true (kari_supervisor_start (f->supervisor, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_STARTING);
  pid = kari_supervisor_get_pid (f->supervisor);
  g_assert_cmpint (pid, >, 0);
  stop (f);
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_STOPPED);
  g_assert_false (saw_state (f, KARI_STATE_FAILED));
  g_assert_true (pid_gone (pid));

  g_assert_true (kari_supervisor_start (f->supervisor, &error));
  g_assert_no_error (error);
  g_assert_true (wait_state (f, KARI_STATE_RUNNING));
  /* `running` comes with the limits in place and reported. */
  g_assert_nonnull (kari_supervisor_get_limits_backend (f->supervisor));
  stop (f);
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_STOPPED);
}

/* Dropped while its worker runs: the sandbox is killed, and the worker's
 * result, when it comes, finds no supervisor (run under ASan). */
static void
test_dispose_while_limiting (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  GPid pid;

  make_supervisor (f, "early-drop", "\"hello\"");
  g_assert_true (kari_supervisor_start (f->supervisor, &error));
  g_assert_no_error (error);
  pid = kari_supervisor_get_pid (f->supervisor);
  g_assert_cmpint (pid, >, 0);
  g_clear_object (&f->supervisor);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!pid_gone (pid) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_true (pid_gone (pid));
  /* Let the worker's result arrive and clean up after itself. */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* As root, start and stop run again as nobody. */
static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = kari_test_rerun_as_nobody ("KARI_SUPERVISOR_UNPRIVILEGED", TRUE, &successful,
                                                     "-p", "/supervisor/start-stop",
                                                     "-p", "/supervisor/limits",
                                                     "-p", "/supervisor/hello-c-16mib",
                                                     "-p", "/supervisor/stop-while-limiting",
                                                     "-p", "/supervisor/dispose-while-limiting", NULL);

  if (!successful)
    g_printerr ("as nobody:\n%s\n", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "ok 1 /supervisor/start-stop"));
  g_assert_nonnull (strstr (out, "ok 3 /supervisor/hello-c-16mib"));
  g_assert_nonnull (strstr (out, "hello-c runs with the rlimit backend"));
  g_assert_nonnull (strstr (out, "ok 4 /supervisor/stop-while-limiting"));
  g_assert_nonnull (strstr (out, "ok 5 /supervisor/dispose-while-limiting"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* Before GLib caches them: everything of the supervisor goes here. */
  root = kari_test_supervisor_root ("kari-supervisor-root-XXXXXX");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/supervisor/start-stop", test_start_stop);
  ADD ("/supervisor/limits", test_limits);
  ADD ("/supervisor/hello-c-16mib", test_hello_c_small);
  ADD ("/supervisor/stop-while-limiting", test_stop_while_limiting);
  ADD ("/supervisor/dispose-while-limiting", test_dispose_while_limiting);
  ADD ("/supervisor/crash-restart", test_crash_restart);
  ADD ("/supervisor/crash-loop", test_crash_loop);
  ADD ("/supervisor/hang", test_hang);
  ADD ("/supervisor/flood", test_flood);
  ADD ("/supervisor/stubborn", test_stubborn);
#undef ADD
  if (geteuid () == 0 && g_getenv ("KARI_SUPERVISOR_UNPRIVILEGED") == NULL)
    g_test_add_func ("/supervisor/unprivileged", test_unprivileged);

  status = g_test_run ();
  kari_test_rm_rf (root);
  g_free (root);
  return status;
}
