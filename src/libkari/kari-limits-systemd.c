/* kari-limits-systemd.c — limits as a transient systemd user scope
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>

#include <gio/gio.h>

#include "kari-limits-private.h"

#define SYSTEMD_BUS_NAME "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER "org.freedesktop.systemd1.Manager"
#define SYSTEMD_SCOPE "org.freedesktop.systemd1.Scope"
#define SYSTEMD_UNIT "org.freedesktop.systemd1.Unit"
#define CALL_TIMEOUT_MSEC 5000
#define START_TIMEOUT_USEC (5 * G_USEC_PER_SEC)

typedef struct
{
  GDBusConnection *bus;
  KariLimitsSpec   spec;
  char            *unique;
  char            *unit;       /* "kari-<unique>.scope" */
  gboolean         started;
} Systemd;

/* A scope needs its first process when it is made, so the properties
 * carry the pid: kari_limits_attach() creates the unit. */
GVariant *
_kari_limits_systemd_properties (const KariLimitsSpec *spec,
                                 GPid                  pid)
{
  g_auto(GVariantBuilder) props = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(sv)"));
  g_autofree char *description = g_strdup_printf ("Kari extension %s", spec->unique);
  guint32 pids[1] = { (guint32) pid };

  g_variant_builder_add (&props, "(sv)", "Description", g_variant_new_string (description));
  g_variant_builder_add (&props, "(sv)", "PIDs",
                         g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, pids, 1,
                                                    sizeof pids[0]));
  g_variant_builder_add (&props, "(sv)", "MemoryAccounting", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&props, "(sv)", "CPUAccounting", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&props, "(sv)", "TasksAccounting", g_variant_new_boolean (TRUE));
  /* systemd moves later processes in (AttachProcessesToUnit) only into
   * a delegated unit: "Process migration not available on non-delegated
   * units." */
  g_variant_builder_add (&props, "(sv)", "Delegate", g_variant_new_boolean (TRUE));
  if (spec->memory_bytes)
    {
      g_variant_builder_add (&props, "(sv)", "MemoryMax", g_variant_new_uint64 (spec->memory_bytes));
      g_variant_builder_add (&props, "(sv)", "MemorySwapMax", g_variant_new_uint64 (0));
    }
  /* CPUQuota=25% is CPUQuotaPerSecUSec=250000 on the bus. */
  if (spec->cpu_percent)
    g_variant_builder_add (&props, "(sv)", "CPUQuotaPerSecUSec",
                           g_variant_new_uint64 ((guint64) spec->cpu_percent * 10000));
  if (spec->tasks_max)
    g_variant_builder_add (&props, "(sv)", "TasksMax", g_variant_new_uint64 (spec->tasks_max));
  return g_variant_builder_end (&props);
}

/* GLib would try dbus-launch without an address; a host with no session
 * bus must say so at once. */
static GDBusConnection *
session_bus (GError **error)
{
  g_autofree char *runtime_bus = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL
      && !g_file_test (runtime_bus, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_UNAVAILABLE,
                   "No session bus (DBUS_SESSION_BUS_ADDRESS is unset and %s is absent)",
                   runtime_bus);
      return NULL;
    }
  return g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
}

static GDBusConnection *
manager_bus (GError **error)
{
  g_autoptr(GDBusConnection) bus = session_bus (error);
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (bus == NULL)
    return NULL;
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", SYSTEMD_BUS_NAME),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                       CALL_TIMEOUT_MSEC, NULL, error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(b)", &has_owner);
  if (!has_owner)
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_UNAVAILABLE,
                   "No systemd user manager on the session bus");
      return NULL;
    }
  return g_steal_pointer (&bus);
}

static gboolean
systemd_probe (GError **error)
{
  g_autoptr(GDBusConnection) bus = manager_bus (error);

  return bus != NULL;
}

static gpointer
systemd_create (const KariLimitsSpec  *spec,
                GError               **error)
{
  g_autoptr(GDBusConnection) bus = manager_bus (error);
  Systemd *self;

  if (bus == NULL)
    return NULL;
  self = g_new0 (Systemd, 1);
  self->bus = g_steal_pointer (&bus);
  self->spec = *spec;
  self->unique = g_strdup (spec->unique);
  self->spec.unique = self->unique;
  self->unit = g_strdup_printf ("kari-%s.scope", spec->unique);
  return self;
}

static void
systemd_free (gpointer data)
{
  Systemd *self = data;

  g_clear_object (&self->bus);
  g_free (self->unique);
  g_free (self->unit);
  g_free (self);
}

static const char *
systemd_get_path (gpointer data)
{
  return ((Systemd *) data)->unit;
}

static GVariant *
manager_call (Systemd             *self,
              const char          *method,
              GVariant            *args,
              const GVariantType  *reply_type,
              GError             **error)
{
  return g_dbus_connection_call_sync (self->bus, SYSTEMD_BUS_NAME, SYSTEMD_PATH, SYSTEMD_MANAGER,
                                      method, args, reply_type, G_DBUS_CALL_FLAGS_NONE,
                                      CALL_TIMEOUT_MSEC, NULL, error);
}

/* All the unit's properties on @iface (SYSTEMD_SCOPE has the cgroup
 * readings and Result, SYSTEMD_UNIT the states), or NULL when the unit
 * is not loaded. */
static GVariant *
unit_properties (Systemd     *self,
                 const char  *iface,
                 GError     **error)
{
  g_autoptr(GVariant) unit = manager_call (self, "GetUnit", g_variant_new ("(s)", self->unit),
                                           G_VARIANT_TYPE ("(o)"), error);
  g_autoptr(GVariant) all = NULL;
  const char *path;

  if (unit == NULL)
    return NULL;
  g_variant_get (unit, "(&o)", &path);
  all = g_dbus_connection_call_sync (self->bus, SYSTEMD_BUS_NAME, path,
                                     "org.freedesktop.DBus.Properties", "GetAll",
                                     g_variant_new ("(s)", iface),
                                     G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE,
                                     CALL_TIMEOUT_MSEC, NULL, error);
  return all ? g_variant_get_child_value (all, 0) : NULL;
}

static GVariant *
scope_properties (Systemd  *self,
                  GError  **error)
{
  return unit_properties (self, SYSTEMD_SCOPE, error);
}

static gboolean
systemd_attach (gpointer   data,
                GPid       pid,
                GError   **error)
{
  Systemd *self = data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local = NULL;
  gint64 deadline;

  if (kill (pid, 0) != 0 && errno == ESRCH)
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_NO_PROCESS,
                   "Cannot attach process %d to %s: no such process", (int) pid, self->unit);
      return FALSE;
    }
  /* A later process joins the running scope (systemd 238+); an empty
   * subcgroup is the scope's own group. */
  if (self->started)
    {
      guint32 pids[1] = { (guint32) pid };

      reply = manager_call (self, "AttachProcessesToUnit",
                            g_variant_new ("(ss@au)", self->unit, "",
                                           g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, pids,
                                                                      1, sizeof pids[0])),
                            NULL, error);
      return reply != NULL;
    }
  reply = manager_call (self, "StartTransientUnit",
                        g_variant_new ("(ss@a(sv)a(sa(sv)))", self->unit, "fail",
                                       _kari_limits_systemd_properties (&self->spec, pid), NULL),
                        G_VARIANT_TYPE ("(o)"), &local);
  if (reply == NULL)
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (local);

      g_dbus_error_strip_remote_error (local);
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_FAILED,
                   "systemd refused the scope %s%s%s%s: %s", self->unit,
                   remote ? " (" : "", remote ? remote : "", remote ? ")" : "", local->message);
      return FALSE;
    }
  self->started = TRUE;

  /* The pid moves when the job runs: wait until the scope is active.
   * ActiveState is a property of org.freedesktop.systemd1.Unit, not of
   * the Scope interface. */
  deadline = g_get_monotonic_time () + START_TIMEOUT_USEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GVariant) props = unit_properties (self, SYSTEMD_UNIT, NULL);
      const char *state = NULL;

      if (props != NULL && g_variant_lookup (props, "ActiveState", "&s", &state))
        {
          if (g_strcmp0 (state, "active") == 0)
            return TRUE;
          if (g_strcmp0 (state, "failed") == 0)
            break;
        }
      g_usleep (10 * 1000);
    }
  g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_FAILED,
               "The scope %s for process %d did not become active", self->unit, (int) pid);
  return FALSE;
}

static guint64
lookup_u64 (GVariant   *props,
            const char *name)
{
  guint64 value = 0;

  /* systemd says "unknown" with UINT64_MAX */
  if (!g_variant_lookup (props, name, "t", &value) || value == G_MAXUINT64)
    return 0;
  return value;
}

static gboolean
systemd_read_usage (gpointer          data,
                    KariLimitsUsage  *usage,
                    GError          **error)
{
  Systemd *self = data;
  g_autoptr(GVariant) props = scope_properties (self, error);

  if (props == NULL)
    return FALSE;
  usage->memory_bytes = lookup_u64 (props, "MemoryCurrent");
  /* MemoryPeak is systemd 255+. */
  usage->memory_peak = lookup_u64 (props, "MemoryPeak");
  if (usage->memory_peak == 0)
    usage->memory_peak = usage->memory_bytes;
  usage->cpu_usec = lookup_u64 (props, "CPUUsageNSec") / 1000;
  usage->n_tasks = (guint) MIN (lookup_u64 (props, "TasksCurrent"), G_MAXUINT);
  return TRUE;
}

#define SETTLE_TIMEOUT_USEC (G_USEC_PER_SEC / 2)

/* The manager learns of an OOM kill from the kernel on its own time: the
 * caller, told its process died, may ask before the scope's Result says
 * so. An active scope with no task left has not been seen empty yet, so
 * wait (briefly) until it has settled. */
static gboolean
systemd_was_oom_killed (gpointer data)
{
  Systemd *self = data;
  gint64 deadline = g_get_monotonic_time () + SETTLE_TIMEOUT_USEC;

  for (;;)
    {
      /* The state first: once it has settled, the Result read after it
       * is final. */
      g_autoptr(GVariant) unit = unit_properties (self, SYSTEMD_UNIT, NULL);
      g_autoptr(GVariant) props = NULL;
      const char *result = NULL;
      const char *state = NULL;
      guint64 tasks = G_MAXUINT64;

      if (unit == NULL || !g_variant_lookup (unit, "ActiveState", "&s", &state))
        return FALSE;
      props = scope_properties (self, NULL);
      if (props == NULL)
        return FALSE;
      if (g_variant_lookup (props, "Result", "&s", &result) && g_strcmp0 (result, "oom-kill") == 0)
        return TRUE;
      g_variant_lookup (props, "TasksCurrent", "t", &tasks);
      if ((g_strcmp0 (state, "active") != 0 && g_strcmp0 (state, "deactivating") != 0)
          || tasks != 0 || g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (5 * 1000);
    }
}

static gboolean
systemd_kill_all (gpointer   data,
                  GError   **error)
{
  Systemd *self = data;
  g_autoptr(GVariant) reply = NULL;

  if (!self->started)
    return TRUE;
  reply = manager_call (self, "KillUnit", g_variant_new ("(ssi)", self->unit, "all", SIGKILL),
                        NULL, error);
  return reply != NULL;
}

static gboolean
systemd_destroy (gpointer   data,
                 GError   **error)
{
  Systemd *self = data;
  g_autoptr(GVariant) stop = NULL;
  g_autoptr(GVariant) reset = NULL;
  g_autoptr(GError) local = NULL;
  gint64 deadline;

  if (!self->started)
    return TRUE;
  stop = manager_call (self, "StopUnit", g_variant_new ("(ss)", self->unit, "fail"),
                       NULL, &local);
  if (stop == NULL && !g_dbus_error_is_remote_error (local))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* StopUnit only queues a job: a scope whose processes an OOM kill took
   * turns "failed" when the job has run, and a reset sent before that is
   * a no-op that leaves a failed unit loaded for good. So wait until the
   * unit is gone or has settled, then reset. */
  deadline = g_get_monotonic_time () + START_TIMEOUT_USEC;
  while (stop != NULL && g_get_monotonic_time () < deadline)
    {
      g_autoptr(GVariant) props = unit_properties (self, SYSTEMD_UNIT, NULL);
      const char *state = NULL;

      if (props == NULL || !g_variant_lookup (props, "ActiveState", "&s", &state)
          || g_strcmp0 (state, "inactive") == 0 || g_strcmp0 (state, "failed") == 0)
        break;
      g_usleep (5 * 1000);
    }
  /* A failed scope (an OOM kill) stays loaded until its failure is reset. */
  reset = manager_call (self, "ResetFailedUnit", g_variant_new ("(s)", self->unit), NULL, NULL);
  self->started = FALSE;
  return TRUE;
}

const KariLimitsBackendOps _kari_limits_systemd_ops = {
  .id = KARI_LIMITS_BACKEND_SYSTEMD,
  .name = "systemd",
  .probe = systemd_probe,
  .create = systemd_create,
  .get_path = systemd_get_path,
  .attach = systemd_attach,
  .read_usage = systemd_read_usage,
  .was_oom_killed = systemd_was_oom_killed,
  .kill_all = systemd_kill_all,
  .destroy = systemd_destroy,
  .free = systemd_free,
};
