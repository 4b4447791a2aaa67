/* test-limits-systemd.c — the systemd limits backend end to end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The systemd backend talks to the systemd user manager over the session
 * bus. No user manager can run on this machine (systemd refuses to start
 * as a user instance: "the system has not been booted with systemd"), so
 * these tests run the real backend, unchanged, against tests/systemd-standin,
 * a STAND-IN for that one part: it owns org.freedesktop.systemd1 on a
 * private GTestDBus session bus and implements the documented subset of
 * the org.freedesktop.systemd1 API the backend uses, with systemd's real
 * signatures, property names and types, and errors (see its header
 * comment). As root it enforces the limits in real cgroup v1 groups and
 * reports real readings and OOM kills; otherwise it only records, and the
 * tests that need enforcement are skipped.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "kari-limits-private.h"
#include "kari-limits-probe.h"
#include "kari-test-sandbox.h"

#define MiB (1024 * 1024)
#define HOG_LIMIT (64 * MiB)

static GDBusConnection *test_bus;
static gboolean enforcing;
static char *root;

static GVariant *
standin_call (const char          *path,
              const char          *iface,
              const char          *method,
              GVariant            *args,
              const GVariantType  *reply_type,
              GError             **error)
{
  return g_dbus_connection_call_sync (test_bus, "org.freedesktop.systemd1", path, iface, method,
                                      args, reply_type, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
}

/* The Manager calls the stand-in saw for @unit, in order. */
static GStrv
calls_for (const char *unit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = standin_call ("/io/github/kari/Test/SystemdStandin",
                                            "io.github.kari.Test.SystemdStandin", "Calls", NULL,
                                            G_VARIANT_TYPE ("(as)"), &error);
  g_autoptr(GStrvBuilder) out = g_strv_builder_new ();
  g_autofree const char **all = NULL;
  g_autofree char *quoted = g_strdup_printf ("('%s'", unit);

  g_assert_no_error (error);
  g_variant_get (reply, "(^a&s)", &all);
  for (guint i = 0; all[i]; i++)
    if (strstr (all[i], quoted) != NULL)
      g_strv_builder_add (out, all[i]);
  return g_strv_builder_end (out);
}

static void
print_calls (GStrv calls)
{
  for (guint i = 0; calls[i]; i++)
    g_test_message ("call: %s", calls[i]);
}

static gboolean
has_call (GStrv       calls,
          const char *prefix)
{
  for (guint i = 0; calls[i]; i++)
    if (g_str_has_prefix (calls[i], prefix))
      return TRUE;
  return FALSE;
}

static gboolean
unit_loaded (const char *unit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = standin_call ("/org/freedesktop/systemd1",
                                            "org.freedesktop.systemd1.Manager", "GetUnit",
                                            g_variant_new ("(s)", unit), G_VARIANT_TYPE ("(o)"),
                                            &error);

  if (reply == NULL)
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (error);

      g_assert_cmpstr (remote, ==, "org.freedesktop.systemd1.NoSuchUnit");
    }
  return reply != NULL;
}

static void
test_picked (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariLimits) limits = NULL;
  g_auto(GStrv) calls = NULL;

  g_assert_cmpint (kari_limits_detect_backend (&error), ==, KARI_LIMITS_BACKEND_SYSTEMD);
  g_assert_no_error (error);
  limits = kari_limits_new ("test.systemd", 32 * MiB, 20, 8, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kari_limits_get_backend_name (limits), ==, "systemd");
  g_assert_true (g_str_has_prefix (kari_limits_get_group_path (limits), "kari-test.systemd-"));
  g_assert_true (g_str_has_suffix (kari_limits_get_group_path (limits), ".scope"));
  /* Nothing is made before the first process. */
  g_assert_true (kari_limits_destroy (limits, &error));
  g_assert_no_error (error);
  calls = calls_for (kari_limits_get_group_path (limits));
  g_assert_cmpuint (g_strv_length (calls), ==, 0);
}

static GSubprocess *
spawn_sleep (GPid *pid)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *proc = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "sleep", "60", NULL);

  g_assert_no_error (error);
  *pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (proc), NULL, 10);
  return proc;
}

static void
test_attach (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariLimits) limits = kari_limits_new_with_backend (KARI_LIMITS_BACKEND_SYSTEMD,
                                                               "test.attach", 64 * MiB, 50, 16,
                                                               &error);
  g_autoptr(KariLimitsProbe) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autofree char *forks = NULL;
  g_auto(GStrv) calls = NULL;
  g_autofree char *start = NULL;
  g_autofree char *attach = NULL;
  g_autofree char *kill_call = NULL;
  const char *unit;
  guint64 memory = 0, peak = 0, cpu = 0;
  guint tasks = 0;
  GPid pid, pid2;

  g_assert_no_error (error);
  unit = kari_limits_get_group_path (limits);
  /* A probe that forks three sleeping children once it is in the scope. */
  first = kari_limits_probe_start (limits, "forkbomb", "3", &error);
  g_assert_no_error (error);
  forks = kari_limits_probe_read_line (first);
  g_assert_cmpstr (forks, ==, "forks 3");
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (first->proc), NULL, 10);

  /* The scope was asked for as systemd wants it, with our limits. */
  calls = calls_for (unit);
  start = g_strdup_printf ("StartTransientUnit ('%s', 'fail', [('Description', <'Kari extension ", unit);
  g_test_message ("%s", calls[0]);
  g_assert_true (g_str_has_prefix (calls[0], start));
  {
    g_autofree char *pids = g_strdup_printf ("('PIDs', <[uint32 %d]>)", (int) pid);

    g_assert_nonnull (strstr (calls[0], pids));
  }
  g_assert_nonnull (strstr (calls[0], "('MemoryMax', <uint64 67108864>)"));
  g_assert_nonnull (strstr (calls[0], "('MemorySwapMax', <uint64 0>)"));
  g_assert_nonnull (strstr (calls[0], "('CPUQuotaPerSecUSec', <uint64 500000>)"));
  g_assert_nonnull (strstr (calls[0], "('TasksMax', <uint64 16>)"));
  g_assert_true (g_str_has_suffix (calls[0], "], [])"));
  g_assert_true (has_call (calls, "GetUnit"));
  g_clear_pointer (&calls, g_strfreev);

  /* A later process joins with AttachProcessesToUnit. */
  second = spawn_sleep (&pid2);
  g_assert_true (kari_limits_attach (limits, pid2, &error));
  g_assert_no_error (error);
  calls = calls_for (unit);
  print_calls (calls);
  attach = g_strdup_printf ("AttachProcessesToUnit ('%s', '', [%d])", unit, (int) pid2);
  g_assert_true (g_strv_contains ((const char *const *) calls, attach));
  g_clear_pointer (&calls, g_strfreev);

  g_assert_true (kari_limits_read_usage (limits, &memory, &peak, &cpu, &tasks, &error));
  g_assert_no_error (error);
  g_test_message ("usage: %" G_GUINT64_FORMAT " bytes, peak %" G_GUINT64_FORMAT ", %"
                  G_GUINT64_FORMAT " µs, %u tasks", memory, peak, cpu, tasks);
  if (enforcing)
    {
      g_autofree char *cgroup_path = g_strdup_printf ("/proc/%d/cgroup", (int) pid2);
      g_autofree char *cgroup = NULL;

      /* Real readings of the probe, its children and the sleep in the
       * stand-in's real group (what the children touched is charged). */
      g_assert_cmpuint (tasks, ==, 5);
      g_assert_cmpuint (memory, >, 0);
      g_assert_cmpuint (peak, >=, memory);
      g_assert_true (g_file_get_contents (cgroup_path, &cgroup, NULL, NULL));
      g_assert_nonnull (strstr (cgroup, unit));
    }
  else
    {
      /* Recording only: systemd's "unknown" reads as 0. */
      g_assert_cmpuint (tasks, ==, 0);
      g_assert_cmpuint (memory, ==, 0);
    }

  g_assert_true (kari_limits_kill_all (limits, &error));
  g_assert_no_error (error);
  kari_limits_probe_finish (first);
  g_subprocess_wait (second, NULL, NULL);
  g_assert_cmpint (g_subprocess_get_term_sig (first->proc), ==, SIGKILL);
  g_assert_cmpint (g_subprocess_get_term_sig (second), ==, SIGKILL);
  g_assert_false (kari_limits_was_oom_killed (limits));

  g_assert_true (kari_limits_destroy (limits, &error));
  g_assert_no_error (error);
  calls = calls_for (unit);
  kill_call = g_strdup_printf ("KillUnit ('%s', 'all', %d)", unit, SIGKILL);
  g_assert_true (g_strv_contains ((const char *const *) calls, kill_call));
  {
    g_autofree char *stop = g_strdup_printf ("StopUnit ('%s', 'fail')", unit);
    g_autofree char *reset = g_strdup_printf ("ResetFailedUnit ('%s',)", unit);

    g_assert_true (g_strv_contains ((const char *const *) calls, stop));
    g_assert_true (g_strv_contains ((const char *const *) calls, reset));
  }
  g_assert_false (unit_loaded (unit));
}

/* systemd refuses a name that is loaded: so does the backend, clearly. */
static void
test_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariLimits) limits = kari_limits_new_with_backend (KARI_LIMITS_BACKEND_SYSTEMD,
                                                               "test.refused", 0, 0, 0, &error);
  g_autoptr(GSubprocess) squatter = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) props = NULL;
  const char *unit;
  GPid pid;

  g_assert_no_error (error);
  unit = kari_limits_get_group_path (limits);
  squatter = spawn_sleep (&pid);
  props = g_variant_ref_sink (_kari_limits_systemd_properties (
      &(KariLimitsSpec) { .unique = "squatter" }, pid));
  reply = standin_call ("/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                        "StartTransientUnit",
                        g_variant_new ("(ss@a(sv)a(sa(sv)))", unit, "fail", props, NULL),
                        G_VARIANT_TYPE ("(o)"), &error);
  g_assert_no_error (error);

  child = spawn_sleep (&pid);
  g_assert_false (kari_limits_attach (limits, pid, &error));
  g_assert_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, unit));
  g_assert_nonnull (strstr (error->message, "org.freedesktop.systemd1.UnitExists"));
  g_assert_null (strstr (error->message, "GDBus.Error"));
  /* The squatter's scope is not ours: destroy leaves it alone. */
  g_assert_true (kari_limits_destroy (limits, NULL));
  g_assert_true (unit_loaded (unit));

  g_subprocess_force_exit (child);
  g_subprocess_force_exit (squatter);
  g_subprocess_wait (child, NULL, NULL);
  g_subprocess_wait (squatter, NULL, NULL);
}

static void
assert_start_refused (GVariant   *props,
                      const char *remote_name,
                      const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *remote = NULL;

  reply = standin_call ("/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                        "StartTransientUnit",
                        g_variant_new ("(ss@a(sv)a(sa(sv)))", "kari-check.scope", "fail", props,
                                       NULL),
                        G_VARIANT_TYPE ("(o)"), &error);
  g_assert_null (reply);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, remote_name);
  g_assert_nonnull (strstr (error->message, what));
}

/* The stand-in checks what systemd checks, or the tests above prove less. */
static void
test_standin_checks (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *remote = NULL;
  g_auto(GVariantBuilder) unknown = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(sv)"));
  g_auto(GVariantBuilder) wrong = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(sv)"));

  reply = standin_call ("/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                        "StartTransientUnit", g_variant_new ("(ss)", "kari-check.scope", "fail"),
                        NULL, &error);
  g_assert_null (reply);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, "org.freedesktop.DBus.Error.InvalidArgs");

  g_variant_builder_add (&unknown, "(sv)", "MemoryLimitPlease", g_variant_new_uint64 (1));
  assert_start_refused (g_variant_builder_end (&unknown), "org.freedesktop.DBus.Error.PropertyReadOnly",
                        "MemoryLimitPlease");
  g_variant_builder_add (&wrong, "(sv)", "MemoryMax", g_variant_new_uint32 (1));
  assert_start_refused (g_variant_builder_end (&wrong), "org.freedesktop.DBus.Error.InvalidArgs",
                        "MemoryMax");
  g_assert_false (unit_loaded ("kari-check.scope"));

  /* A later process joins only a delegated scope, which is why the
   * backend asks for Delegate=yes. */
  {
    g_auto(GVariantBuilder) plain = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(sv)"));
    g_autoptr(GSubprocess) first = NULL;
    g_autoptr(GSubprocess) second = NULL;
    g_autoptr(GVariant) started = NULL;
    g_autoptr(GVariant) attached = NULL;
    g_autofree char *attach_remote = NULL;
    g_autoptr(GError) attach_error = NULL;
    guint32 pids[1];
    GPid pid;

    first = spawn_sleep (&pid);
    pids[0] = (guint32) pid;
    g_variant_builder_add (&plain, "(sv)", "PIDs",
                           g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, pids, 1, sizeof pids[0]));
    started = standin_call ("/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                            "StartTransientUnit",
                            g_variant_new ("(ss@a(sv)a(sa(sv)))", "kari-plain.scope", "fail",
                                           g_variant_builder_end (&plain), NULL),
                            G_VARIANT_TYPE ("(o)"), &attach_error);
    g_assert_no_error (attach_error);
    second = spawn_sleep (&pid);
    pids[0] = (guint32) pid;
    attached = standin_call ("/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                             "AttachProcessesToUnit",
                             g_variant_new ("(ss@au)", "kari-plain.scope", "",
                                            g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, pids,
                                                                       1, sizeof pids[0])),
                             NULL, &attach_error);
    g_assert_null (attached);
    attach_remote = g_dbus_error_get_remote_error (attach_error);
    g_assert_cmpstr (attach_remote, ==, "org.freedesktop.DBus.Error.InvalidArgs");
    g_assert_nonnull (strstr (attach_error->message, "non-delegated"));
        g_subprocess_force_exit (first);
    g_subprocess_force_exit (second);
    g_subprocess_wait (first, NULL, NULL);
    g_subprocess_wait (second, NULL, NULL);
  }
}

static void
test_hog (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariLimits) limits = NULL;
  g_autoptr(KariLimitsProbe) probe = NULL;
  g_autofree char *cap = g_strdup_printf ("%d", 8 * HOG_LIMIT);
  g_autofree char *reset = NULL;
  g_auto(GStrv) calls = NULL;
  guint64 allocated = 0;
  gboolean failed = FALSE;
  char *line;

  if (!enforcing)
    {
      g_test_skip ("the stand-in enforces only as root with writable cgroup v1 hierarchies");
      return;
    }
  limits = kari_limits_new ("test.hog", HOG_LIMIT, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kari_limits_get_backend_name (limits), ==, "systemd");
  probe = kari_limits_probe_start (limits, "hog", cap, &error);
  g_assert_no_error (error);
  while (!failed && (line = kari_limits_probe_read_line (probe)) != NULL)
    {
      const char *space = strchr (line, ' ');

      failed = g_str_has_prefix (line, "failed ");
      allocated = space ? g_ascii_strtoull (space + 1, NULL, 10) : 0;
      g_free (line);
    }
  kari_limits_probe_finish (probe);
  g_test_message ("allocated %" G_GUINT64_FORMAT " MiB of %d", allocated / MiB, HOG_LIMIT / MiB);
  g_assert_false (failed);
  g_assert_cmpint (g_subprocess_get_term_sig (probe->proc), ==, SIGKILL);
  g_assert_cmpuint (allocated, <=, HOG_LIMIT + HOG_LIMIT / 10);
  g_assert_cmpuint (allocated, >=, HOG_LIMIT / 2);
  /* The scope's Result says why: asked at once, before the manager may
   * have seen the kill, the backend waits for the scope to settle. */
  g_assert_true (kari_limits_was_oom_killed (limits));
  /* A failed scope stays loaded until destroy resets it. */
  g_assert_true (kari_limits_destroy (limits, &error));
  g_assert_no_error (error);
  calls = calls_for (kari_limits_get_group_path (limits));
  reset = g_strdup_printf ("ResetFailedUnit ('%s',)", kari_limits_get_group_path (limits));
  g_assert_true (g_strv_contains ((const char *const *) calls, reset));
  g_assert_false (unit_loaded (kari_limits_get_group_path (limits)));
}

/* TasksMax and CPUQuotaPerSecUSec hold in the stand-in's groups. */
static void
test_tasks_and_cpu (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariLimits) limits = NULL;
  g_autoptr(KariLimitsProbe) bomb = NULL;
  g_autoptr(KariLimitsProbe) spin = NULL;
  g_autoptr(GSubprocess) sleeper = NULL;
  GPid sleeper_pid;
  g_autofree char *line = NULL;
  g_autofree char *spun = NULL;
  guint64 forks, cpu_usec = 0;
  guint tasks = 0;
  gint64 start;
  double share;

  if (!enforcing)
    {
      g_test_skip ("the stand-in enforces only as root with writable cgroup v1 hierarchies");
      return;
    }
  limits = kari_limits_new ("test.tasks", 0, 20, 8, &error);
  g_assert_no_error (error);
  bomb = kari_limits_probe_start (limits, "forkbomb", "200", &error);
  g_assert_no_error (error);
  line = kari_limits_probe_read_line (bomb);
  g_assert_true (g_str_has_prefix (line, "forks "));
  forks = g_ascii_strtoull (line + 6, NULL, 10);
  g_test_message ("%" G_GUINT64_FORMAT " forks of 200 with TasksMax=8", forks);
  g_assert_cmpuint (forks, ==, 7);
  g_assert_true (kari_limits_read_usage (limits, NULL, NULL, NULL, &tasks, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tasks, ==, 8);
  g_assert_true (kari_limits_kill_all (limits, &error));
  g_assert_no_error (error);
  kari_limits_probe_finish (bomb);
  g_assert_true (kari_limits_destroy (limits, &error));
  g_assert_no_error (error);
  g_clear_object (&limits);

  /* The scope goes when its last process does, and its readings with it:
   * a sleep keeps it while the spinner ends. */
  limits = kari_limits_new ("test.cpu", 0, 20, 0, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  spin = kari_limits_probe_start (limits, "spin", "2", &error);
  g_assert_no_error (error);
  sleeper = spawn_sleep (&sleeper_pid);
  g_assert_true (kari_limits_attach (limits, sleeper_pid, &error));
  g_assert_no_error (error);
  spun = kari_limits_probe_read_line (spin);
  g_assert_cmpstr (spun, ==, "spun");
  g_assert_true (kari_limits_read_usage (limits, NULL, NULL, &cpu_usec, NULL, &error));
  g_assert_no_error (error);
  share = (double) cpu_usec / (double) (g_get_monotonic_time () - start);
  g_test_message ("%.1f %% of a CPU with CPUQuota=20%%", share * 100);
  g_assert_cmpuint (cpu_usec, >, 0);
  g_assert_cmpfloat (share, <, 0.2 * 1.2 + 0.05);
  kari_limits_probe_finish (spin);
  g_assert_true (kari_limits_kill_all (limits, &error));
  g_assert_no_error (error);
  g_subprocess_wait (sleeper, NULL, NULL);
  g_assert_true (kari_limits_destroy (limits, &error));
  g_assert_no_error (error);
}

/* A registry, an audit log and a permission engine for a supervisor. */
typedef struct
{
  char                 *dir;
  char                 *db;
  char                 *app;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  KariSupervisor       *supervisor;
  GPtrArray            *reasons;
} Host;

static void
on_state_changed (KariSupervisor *supervisor,
                  int             state,
                  const char     *reason,
                  Host           *host)
{
  g_ptr_array_add (host->reasons, g_strdup (reason ? reason : ""));
}

static void
host_start (Host       *host,
            const char *name,
            const char *extra_json,
            const char *binary_variable,
            const char *binary,
            const char *run_sh)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  g_autofree char *folder = g_strdup_printf ("app-%s", name);

  kari_test_tmp_db ("kari-limits-systemd-XXXXXX", "registry.db", &host->dir, &host->db);
  host->registry = kari_registry_open (host->db, NULL, NULL, &error);
  g_assert_no_error (error);
  host->audit = kari_audit_log_open (host->db, &error);
  g_assert_no_error (error);
  host->engine = kari_permission_engine_new (host->registry, host->audit, NULL, &error);
  g_assert_no_error (error);
  host->reasons = g_ptr_array_new_with_free_func (g_free);
  host->app = kari_test_write_extension_with (root, folder, name, extra_json, binary_variable, binary);
  if (run_sh != NULL)
    {
      g_autofree char *script = g_build_filename (host->app, "run.sh", NULL);

      g_assert_true (g_file_set_contents (script, run_sh, -1, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_chmod (script, 0644), ==, 0);
    }
  manifest = kari_test_install (host->registry, host->app);
  host->supervisor = kari_supervisor_new (manifest, host->app, "acme", host->engine, host->registry);
  kari_supervisor_set_handshake_timeout (host->supervisor, 20000);
  kari_supervisor_set_grace_period (host->supervisor, 2000);
  kari_supervisor_set_ping (host->supervisor, 0, 1000);
  kari_supervisor_set_backoff (host->supervisor, 5000, 5000);
  g_signal_connect (host->supervisor, "state-changed", G_CALLBACK (on_state_changed), host);
  kari_supervisor_start (host->supervisor, &error);
  g_assert_no_error (error);
}

static void
host_stop (Host *host)
{
  kari_test_supervisor_stop (host->supervisor);
  g_clear_object (&host->supervisor);
  g_clear_object (&host->engine);
  g_clear_object (&host->audit);
  g_clear_object (&host->registry);
  kari_test_rm_rf (host->app);
  g_free (host->app);
  kari_test_tmp_db_clear (&host->dir, &host->db);
  g_ptr_array_unref (host->reasons);
}

static gboolean
wait_state (Host      *host,
            KariState  state)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (kari_supervisor_get_state (host->supervisor) != state && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return kari_supervisor_get_state (host->supervisor) == state;
}

/* The scope's group in the stand-in's memory hierarchy. */
static char *
control_group (const char *unit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) path = standin_call ("/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "GetUnit",
                                           g_variant_new ("(s)", unit), G_VARIANT_TYPE ("(o)"),
                                           &error);
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) inner = NULL;
  const char *object;

  g_assert_no_error (error);
  g_variant_get (path, "(&o)", &object);
  value = standin_call (object, "org.freedesktop.DBus.Properties", "Get",
                        g_variant_new ("(ss)", "org.freedesktop.systemd1.Scope", "ControlGroup"),
                        G_VARIANT_TYPE ("(v)"), &error);
  g_assert_no_error (error);
  g_variant_get (value, "(v)", &inner);
  g_assert_true (g_variant_is_of_type (inner, G_VARIANT_TYPE_STRING));
  return g_variant_dup_string (inner, NULL);
}

/* A real extension in a real sandbox, its whole tree in the scope (as
 * root; as nobody the stand-in records the scope it was asked for). */
static void
test_supervised (void)
{
  Host host = { 0 };
  g_autofree char *group = NULL;
  g_autofree char *procs_path = NULL;
  g_autofree char *procs = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *unit = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) calls = NULL;
  g_autofree char *stop = NULL;

  host_start (&host, "hello",
              "\"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]},\n"
              "  \"resources\": {\"max_memory_mb\": 256, \"max_cpu_percent\": 50}",
              "KARI_SUPERVISOR_EXT", "supervisor-ext", NULL);
  g_assert_true (wait_state (&host, KARI_STATE_RUNNING));
  g_assert_cmpstr (kari_supervisor_get_limits_backend (host.supervisor), ==, "systemd");
  unit = g_strdup (kari_supervisor_get_limits_group (host.supervisor));
  g_assert_true (g_str_has_suffix (unit, ".scope"));

  calls = calls_for (unit);
  pid = g_strdup_printf ("('PIDs', <[uint32 %d]>)", kari_supervisor_get_pid (host.supervisor));
  g_assert_nonnull (strstr (calls[0], pid));
  if (enforcing)
    {
      group = control_group (unit);
      procs_path = g_build_filename (group, "cgroup.procs", NULL);
      g_assert_true (g_file_get_contents (procs_path, &procs, NULL, NULL));
      g_test_message ("%s: %s", procs_path, procs);
      lines = g_strsplit (procs, "\n", -1);
      g_clear_pointer (&pid, g_free);
      pid = g_strdup_printf ("%d", kari_supervisor_get_pid (host.supervisor));
      g_assert_true (g_strv_contains ((const char *const *) lines, pid));
      /* bwrap, its child in the sandbox and the extension at least. */
      g_assert_cmpuint (g_strv_length (lines), >=, 3);
    }
  g_assert_nonnull (strstr (calls[0], "('MemoryMax', <uint64 268435456>)"));
  g_assert_nonnull (strstr (calls[0], "('CPUQuotaPerSecUSec', <uint64 500000>)"));
  g_clear_pointer (&calls, g_strfreev);

  host_stop (&host);
  calls = calls_for (unit);
  stop = g_strdup_printf ("StopUnit ('%s', 'fail')", unit);
  g_assert_true (g_strv_contains ((const char *const *) calls, stop));
  g_assert_false (unit_loaded (unit));
}

/* A supervised memory hog: killed in the scope, and the reason says so. */
static void
test_supervised_hog (void)
{
  Host host = { 0 };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  const char *oom = NULL;

  if (!enforcing)
    {
      g_test_skip ("the stand-in enforces only as root with writable cgroup v1 hierarchies");
      return;
    }
  /* The probe waits for a byte on stdin, then hogs up to 1 GiB. */
  host_start (&host, "hog",
              "\"runtime\": {\"command\": [\"sh\", \"run.sh\"]},\n"
              "  \"resources\": {\"max_memory_mb\": 64}",
              "KARI_LIMITS_PROBE", "limits-probe",
              "echo x | /app/limits-probe hog 1073741824\n");
  while (oom == NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
      for (guint i = 0; i < host.reasons->len && oom == NULL; i++)
        if (g_str_has_prefix (host.reasons->pdata[i], "Out of memory"))
          oom = host.reasons->pdata[i];
    }
  for (guint i = 0; i < host.reasons->len; i++)
    g_test_message ("reason: %s", (const char *) host.reasons->pdata[i]);
  g_assert_nonnull (oom);
  {
    g_autofree char *size = g_format_size_full (HOG_LIMIT, G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *limit = g_strdup_printf ("over its memory limit of %s", size);

    g_assert_nonnull (strstr (oom, limit));
    /* The kernel kills the probe, the scope's stop takes sh: whichever
     * the supervisor saw end, the reason is the OOM kill. */
    g_assert_true (strstr (oom, "(Killed by signal 9)") != NULL
                   || strstr (oom, "(Exited with status 137)") != NULL);
  }
  g_assert_cmpstr (kari_supervisor_get_limits_backend (host.supervisor), ==, "systemd");
  host_stop (&host);
}

/* As root, the tests that need no enforcement run again as nobody: an
 * unprivileged host, its own private bus, a stand-in that only records. */
static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = kari_test_rerun_as_nobody ("KARI_LIMITS_SYSTEMD_UNPRIVILEGED", TRUE,
                                                     &successful,
                                                     "-p", "/limits/systemd/picked",
                                                     "-p", "/limits/systemd/attach",
                                                     "-p", "/limits/systemd/refused",
                                                     "-p", "/limits/systemd/standin-checks",
                                                     "-p", "/limits/systemd/supervised", NULL);

  if (!successful)
    g_printerr ("as nobody:\n%s\n", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "the stand-in only records"));
  g_assert_nonnull (strstr (out, "ok 5 /limits/systemd/supervised"));
  g_assert_null (strstr (out, "not ok"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GTestDBus) dbus = NULL;
  g_autoptr(GSubprocess) standin = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *ready = NULL;
  const char *path = g_getenv ("KARI_SYSTEMD_STANDIN");
  int ret;

  /* Before GLib caches them: everything of the supervisor goes here. */
  root = kari_test_supervisor_root ("kari-limits-systemd-root-XXXXXX");
  {
    /* As nobody, HOME's cache is not ours to write. */
    g_autofree char *cache = g_build_filename (root, "cache", NULL);

    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }
  g_test_init (&argc, &argv, NULL);
  if (path == NULL)
    g_error ("KARI_SYSTEMD_STANDIN is unset: run this test with meson test");

  dbus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (dbus);
  standin = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (standin));
  ready = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ready, ==, "ready");
  test_bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  reply = standin_call ("/io/github/kari/Test/SystemdStandin", "io.github.kari.Test.SystemdStandin",
                        "Enforcing", NULL, G_VARIANT_TYPE ("(b)"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &enforcing);
  g_test_message ("the stand-in %s", enforcing ? "enforces in cgroup v1 groups" : "only records");

  g_test_add_func ("/limits/systemd/picked", test_picked);
  g_test_add_func ("/limits/systemd/attach", test_attach);
  g_test_add_func ("/limits/systemd/refused", test_refused);
  g_test_add_func ("/limits/systemd/standin-checks", test_standin_checks);
  g_test_add_func ("/limits/systemd/hog", test_hog);
  g_test_add_func ("/limits/systemd/tasks-and-cpu", test_tasks_and_cpu);
  g_test_add_func ("/limits/systemd/supervised", test_supervised);
  g_test_add_func ("/limits/systemd/supervised-hog", test_supervised_hog);
  if (geteuid () == 0 && g_getenv ("KARI_LIMITS_SYSTEMD_UNPRIVILEGED") == NULL)
    g_test_add_func ("/limits/systemd/unprivileged", test_unprivileged);
  ret = g_test_run ();

  g_subprocess_send_signal (standin, SIGTERM);
  g_subprocess_wait (standin, NULL, NULL);
  /* It cleans up and exits 0 (and, under ASan, leaks nothing). */
  g_assert_true (g_subprocess_get_if_exited (standin));
  g_assert_cmpint (g_subprocess_get_exit_status (standin), ==, 0);
  g_dbus_connection_close_sync (test_bus, NULL, NULL);
  g_clear_object (&test_bus);
  g_test_dbus_down (dbus);
  kari_test_rm_rf (root);
  g_free (root);
  return ret;
}
