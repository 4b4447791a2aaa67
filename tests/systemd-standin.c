/* systemd-standin.c — a stand-in for the systemd user manager, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is NOT systemd. It stands in for the one part of the limits path
 * that cannot run on this machine: systemd refuses to start as a user
 * instance here ("the system has not been booted with systemd"), so no
 * real user manager can own org.freedesktop.systemd1 on a session bus.
 * It owns that name on the bus of DBUS_SESSION_BUS_ADDRESS (a private
 * GTestDBus in the tests) and implements the subset of the documented
 * org.freedesktop.systemd1 API (man 5 org.freedesktop.systemd1, systemd
 * 252) that src/libkari/kari-limits-systemd.c uses, with systemd's real
 * signatures and the checks systemd makes:
 *
 * - the Manager methods GetUnit, StartTransientUnit, AttachProcessesToUnit,
 *   KillUnit, StopUnit and ResetFailedUnit, with their exact signatures
 *   (GDBus refuses any other with org.freedesktop.DBus.Error.InvalidArgs,
 *   as sd-bus does);
 * - StartTransientUnit: a valid ".scope" name, a valid job mode, a unit
 *   name not already loaded (org.freedesktop.systemd1.UnitExists), only
 *   known properties (an unknown one is refused as systemd's
 *   bus_unit_set_properties() does, with
 *   org.freedesktop.DBus.Error.PropertyReadOnly "Cannot set property %s,
 *   or unknown property."), each with its documented type (a wrong type is
 *   org.freedesktop.DBus.Error.InvalidArgs), and PIDs that exist;
 * - unit objects at systemd's escaped paths with the properties split as
 *   systemd splits them: ActiveState, SubState, LoadState, Id on
 *   org.freedesktop.systemd1.Unit; Result, ControlGroup, MemoryCurrent,
 *   MemoryPeak (systemd 255+), CPUUsageNSec, TasksCurrent and the cgroup
 *   settings on org.freedesktop.systemd1.Scope. "Unknown" readings are
 *   UINT64_MAX, as systemd reports them.
 *
 * What it enforces differs with the privileges it has. As root, with the
 * writable cgroup v1 memory, cpu, pids (and cpuacct) hierarchies this
 * machine has, it really enforces: a group per scope under its own group
 * in each, the PIDs moved in, MemoryMax (and MemorySwapMax=0 through
 * memsw), CPUQuotaPerSecUSec as a CFS quota, TasksMax as pids.max, the
 * readings from the groups, and Result "oom-kill" (then the scope stopped,
 * as systemd's default OOMPolicy=stop does) when the memory group's OOM
 * kill count rises. Without them it only records: the properties are
 * checked and kept, the PIDs are tracked by liveness, and the readings are
 * UINT64_MAX. Its own cgroup file helpers are libkari's (the kernel side),
 * not kari-limits-systemd.c (the side under test); the groups are in
 * systemd-standin-cgroup.c.
 *
 * Every Manager call is recorded; the tests read the record with
 * io.github.kari.Test.SystemdStandin.Calls() at
 * /io/github/kari/Test/SystemdStandin. Enforcing() says which mode runs.
 * It prints "ready" once it owns the name and exits when the bus goes.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "systemd-standin.h"

#define MANAGER_PATH "/org/freedesktop/systemd1"
#define TEST_PATH "/io/github/kari/Test/SystemdStandin"
#define ERR_UNIT_EXISTS "org.freedesktop.systemd1.UnitExists"
#define ERR_NO_SUCH_UNIT "org.freedesktop.systemd1.NoSuchUnit"
#define ERR_NO_SUCH_PROCESS "org.freedesktop.systemd1.NoSuchProcess"
#define ERR_INVALID_ARGS "org.freedesktop.DBus.Error.InvalidArgs"
#define ERR_READ_ONLY "org.freedesktop.DBus.Error.PropertyReadOnly"
#define STOP_KILL_USEC (2 * G_USEC_PER_SEC)

static const char introspection[] =
  "<node>"
  " <interface name='org.freedesktop.systemd1.Manager'>"
  "  <method name='GetUnit'><arg name='name' type='s' direction='in'/>"
  "   <arg name='unit' type='o' direction='out'/></method>"
  "  <method name='StartTransientUnit'><arg name='name' type='s' direction='in'/>"
  "   <arg name='mode' type='s' direction='in'/><arg name='properties' type='a(sv)' direction='in'/>"
  "   <arg name='aux' type='a(sa(sv))' direction='in'/><arg name='job' type='o' direction='out'/></method>"
  "  <method name='AttachProcessesToUnit'><arg name='unit_name' type='s' direction='in'/>"
  "   <arg name='subcgroup' type='s' direction='in'/><arg name='pids' type='au' direction='in'/></method>"
  "  <method name='KillUnit'><arg name='name' type='s' direction='in'/>"
  "   <arg name='whom' type='s' direction='in'/><arg name='signal' type='i' direction='in'/></method>"
  "  <method name='StopUnit'><arg name='name' type='s' direction='in'/>"
  "   <arg name='mode' type='s' direction='in'/><arg name='job' type='o' direction='out'/></method>"
  "  <method name='ResetFailedUnit'><arg name='name' type='s' direction='in'/></method>"
  " </interface>"
  " <interface name='org.freedesktop.systemd1.Unit'>"
  "  <property name='Id' type='s' access='read'/>"
  "  <property name='Description' type='s' access='read'/>"
  "  <property name='LoadState' type='s' access='read'/>"
  "  <property name='ActiveState' type='s' access='read'/>"
  "  <property name='SubState' type='s' access='read'/>"
  " </interface>"
  " <interface name='org.freedesktop.systemd1.Scope'>"
  "  <property name='Result' type='s' access='read'/>"
  "  <property name='ControlGroup' type='s' access='read'/>"
  "  <property name='MemoryCurrent' type='t' access='read'/>"
  "  <property name='MemoryPeak' type='t' access='read'/>"
  "  <property name='CPUUsageNSec' type='t' access='read'/>"
  "  <property name='TasksCurrent' type='t' access='read'/>"
  "  <property name='MemoryAccounting' type='b' access='read'/>"
  "  <property name='CPUAccounting' type='b' access='read'/>"
  "  <property name='TasksAccounting' type='b' access='read'/>"
  "  <property name='MemoryMax' type='t' access='read'/>"
  "  <property name='MemorySwapMax' type='t' access='read'/>"
  "  <property name='CPUQuotaPerSecUSec' type='t' access='read'/>"
  "  <property name='TasksMax' type='t' access='read'/>"
  " </interface>"
  " <interface name='io.github.kari.Test.SystemdStandin'>"
  "  <method name='Calls'><arg name='calls' type='as' direction='out'/></method>"
  "  <method name='Enforcing'><arg name='enforcing' type='b' direction='out'/></method>"
  " </interface>"
  "</node>";

/* The settable properties kari may send, with systemd's types. */
static const struct
{
  const char *name;
  const char *type;
} settable[] = {
  { "Description", "s" }, { "PIDs", "au" }, { "Slice", "s" },
  { "MemoryAccounting", "b" }, { "CPUAccounting", "b" }, { "TasksAccounting", "b" },
  { "MemoryMax", "t" }, { "MemorySwapMax", "t" }, { "CPUQuotaPerSecUSec", "t" },
  { "TasksMax", "t" }, { "Delegate", "b" },
};

static GDBusConnection *bus;
static GDBusNodeInfo *info;
static GHashTable *units;   /* name → StandinUnit */
static GPtrArray *calls;
static gboolean enforcing;
static guint job_counter;
static GMainLoop *loop;

static void
unit_free (gpointer data)
{
  StandinUnit *u = data;

  if (u->reg_unit)
    g_dbus_connection_unregister_object (bus, u->reg_unit);
  if (u->reg_scope)
    g_dbus_connection_unregister_object (bus, u->reg_scope);
  for (guint c = 0; c < C_N; c++)
    if (u->dirs[c] != NULL)
      {
        _kari_limits_cgroup_kill_all (u->dirs[c], NULL);
        _kari_limits_cgroup_remove (u->dirs[c], NULL);
        g_free (u->dirs[c]);
      }
  g_clear_pointer (&u->props, g_variant_unref);
  g_array_unref (u->pids);
  g_free (u->name);
  g_free (u->path);
  g_free (u);
}

/* systemd's bus_label_escape(): alphanumerics kept, the rest _xx. */
static char *
unit_path (const char *name)
{
  GString *s = g_string_new ("/org/freedesktop/systemd1/unit/");

  for (const char *p = name; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (s, *p);
    else
      g_string_append_printf (s, "_%02x", (guchar) *p);
  return g_string_free (s, FALSE);
}

static gboolean
valid_unit_name (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 255 || !g_str_has_suffix (name, ".scope") || len == strlen (".scope"))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr (":-_.\\@", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
valid_job_mode (const char *mode)
{
  const char *const modes[] = { "replace", "fail", "isolate", "ignore-dependencies",
                                "ignore-requirements", "replace-irreversibly", "flush",
                                "triggering", NULL };

  return g_strv_contains (modes, mode);
}

static void
signal_unit (StandinUnit *u,
             int          sig)
{
  g_autoptr(GArray) pids = standin_group_procs (u);

  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, GPid, i), sig);
}

static void
set_state (StandinUnit *u,
           const char  *state)
{
  g_auto(GVariantBuilder) changed = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{sv}"));

  if (g_strcmp0 (u->state, state) == 0)
    return;
  u->state = state;
  g_variant_builder_add (&changed, "{sv}", "ActiveState", g_variant_new_string (state));
  g_dbus_connection_emit_signal (bus, NULL, u->path, "org.freedesktop.DBus.Properties",
                                 "PropertiesChanged",
                                 g_variant_new ("(sa{sv}as)", "org.freedesktop.systemd1.Unit",
                                                &changed, NULL),
                                 NULL);
}

static GVariant *
get_property (GDBusConnection  *connection,
              const char       *sender,
              const char       *object_path,
              const char       *interface_name,
              const char       *property_name,
              GError          **error,
              gpointer          user_data)
{
  StandinUnit *u = g_hash_table_lookup (units, (const char *) user_data);
  gboolean b = FALSE;
  const char *s = NULL;

  if (u == NULL)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT, "Unit gone");
      return NULL;
    }
  if (g_str_equal (property_name, "Id"))
    return g_variant_new_string (u->name);
  if (g_str_equal (property_name, "Description"))
    return g_variant_new_string (g_variant_lookup (u->props, "Description", "&s", &s) ? s : u->name);
  if (g_str_equal (property_name, "LoadState"))
    return g_variant_new_string ("loaded");
  if (g_str_equal (property_name, "ActiveState"))
    return g_variant_new_string (u->state);
  if (g_str_equal (property_name, "SubState"))
    return g_variant_new_string (g_str_equal (u->state, "active") ? "running"
                                 : g_str_equal (u->state, "deactivating") ? "stop-sigterm"
                                 : "failed");
  if (g_str_equal (property_name, "Result"))
    return g_variant_new_string (u->result);
  if (g_str_equal (property_name, "ControlGroup"))
    return g_variant_new_string (u->dirs[C_MEMORY] ? u->dirs[C_MEMORY] : "");
  if (g_str_equal (property_name, "MemoryCurrent"))
    return g_variant_new_uint64 (standin_read_u64 (u, C_MEMORY, "memory.usage_in_bytes"));
  if (g_str_equal (property_name, "MemoryPeak"))
    return g_variant_new_uint64 (standin_read_u64 (u, C_MEMORY, "memory.max_usage_in_bytes"));
  if (g_str_equal (property_name, "CPUUsageNSec"))
    return g_variant_new_uint64 (standin_read_u64 (u, C_CPUACCT, "cpuacct.usage"));
  if (g_str_equal (property_name, "TasksCurrent"))
    return g_variant_new_uint64 (standin_read_u64 (u, C_PIDS, "pids.current"));
  if (g_str_has_suffix (property_name, "Accounting"))
    {
      g_variant_lookup (u->props, property_name, "b", &b);
      return g_variant_new_boolean (b);
    }
  return g_variant_new_uint64 (standin_prop_u64 (u, property_name, STANDIN_UNKNOWN));
}

static const GDBusInterfaceVTable unit_vtable = { NULL, get_property, NULL, { 0 } };

static void
record (const char *method,
        GVariant   *parameters)
{
  g_autofree char *args = g_variant_print (parameters, FALSE);

  g_ptr_array_add (calls, g_strdup_printf ("%s %s", method, args));
}

static void
return_error (GDBusMethodInvocation *invocation,
              const char            *name,
              const char            *format,
              ...) G_GNUC_PRINTF (3, 4);

static void
return_error (GDBusMethodInvocation *invocation,
              const char            *name,
              const char            *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_dbus_method_invocation_return_dbus_error (invocation, name, message);
}

/* Checks each property as systemd's bus_unit_set_properties() would. */
static gboolean
check_properties (GVariant               *props,
                  GVariant              **out,
                  GArray                 *pids,
                  GDBusMethodInvocation  *invocation)
{
  g_auto(GVariantBuilder) kept = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{sv}"));
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_variant_iter_init (&iter, props);
  while (g_variant_iter_next (&iter, "(&sv)", &name, &value))
    {
      g_autoptr(GVariant) owned = value;
      const char *type = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (settable); i++)
        if (g_str_equal (settable[i].name, name))
          type = settable[i].type;
      if (type == NULL)
        {
          return_error (invocation, ERR_READ_ONLY,
                                       "Cannot set property %s, or unknown property.", name);
          return FALSE;
        }
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE (type)))
        {
          return_error (invocation, ERR_INVALID_ARGS,
                                       "Invalid type %s for property %s, expected %s",
                                       g_variant_get_type_string (value), name, type);
          return FALSE;
        }
      if (g_str_equal (name, "PIDs"))
        {
          gsize n;
          const guint32 *p = g_variant_get_fixed_array (value, &n, sizeof (guint32));

          for (gsize i = 0; i < n; i++)
            {
              GPid pid = (GPid) p[i];

              if (p[i] == 0 || p[i] > G_MAXINT || (kill (pid, 0) != 0 && errno == ESRCH))
                {
                  return_error (invocation, ERR_INVALID_ARGS,
                                               "Failed to add PID %u: No such process", p[i]);
                  return FALSE;
                }
              g_array_append_val (pids, pid);
            }
        }
      g_variant_builder_add (&kept, "{sv}", name, value);
    }
  *out = g_variant_ref_sink (g_variant_builder_end (&kept));
  return TRUE;
}

/* The reply of a method that queues a job: "(o)". */
static GVariant *
new_job (void)
{
  g_autofree char *path = g_strdup_printf ("/org/freedesktop/systemd1/job/%u", ++job_counter);

  return g_variant_new ("(o)", path);
}

static StandinUnit *
lookup_unit (GDBusMethodInvocation *invocation,
             const char            *name)
{
  StandinUnit *u = g_hash_table_lookup (units, name);

  if (u == NULL)
    return_error (invocation, ERR_NO_SUCH_UNIT,
                                                "Unit %s not loaded.", name);
  return u;
}

static void
start_transient_unit (GDBusMethodInvocation *invocation,
                      GVariant              *parameters)
{
  const char *name, *mode;
  g_autoptr(GVariant) props = NULL;
  g_autoptr(GVariant) aux = NULL;
  g_autoptr(GError) error = NULL;
  StandinUnit *u;
  GDBusInterfaceInfo *iface;

  g_variant_get (parameters, "(&s&s@a(sv)@a(sa(sv)))", &name, &mode, &props, &aux);
  if (!valid_job_mode (mode))
    {
      return_error (invocation, ERR_INVALID_ARGS,
                                                  "Job mode %s invalid.", mode);
      return;
    }
  if (!valid_unit_name (name))
    {
      return_error (invocation, ERR_INVALID_ARGS,
                                                  "Unit name %s is not valid.", name);
      return;
    }
  if (g_hash_table_contains (units, name))
    {
      return_error (
          invocation, ERR_UNIT_EXISTS,
          "Unit %s was already loaded or has a fragment file.", name);
      return;
    }
  u = g_new0 (StandinUnit, 1);
  u->pids = g_array_new (FALSE, FALSE, sizeof (GPid));
  if (!check_properties (props, &u->props, u->pids, invocation))
    {
      g_array_unref (u->pids);
      g_free (u);
      return;
    }
  u->name = g_strdup (name);
  u->path = unit_path (name);
  u->result = "success";
  u->state = "active";
  g_hash_table_insert (units, u->name, u);
  if (u->pids->len == 0)
    {
      /* systemd refuses a scope with no processes when the job runs. */
      u->state = "failed";
      u->result = "resources";
    }
  else if (enforcing && !standin_enforce (u, &error))
    {
      g_warning ("systemd-standin: %s: %s", name, error->message);
      u->state = "failed";
      u->result = "resources";
    }
  iface = g_dbus_node_info_lookup_interface (info, "org.freedesktop.systemd1.Unit");
  u->reg_unit = g_dbus_connection_register_object (bus, u->path, iface, &unit_vtable,
                                                   u->name, NULL, NULL);
  iface = g_dbus_node_info_lookup_interface (info, "org.freedesktop.systemd1.Scope");
  u->reg_scope = g_dbus_connection_register_object (bus, u->path, iface, &unit_vtable,
                                                    u->name, NULL, NULL);
  g_dbus_method_invocation_return_value (invocation, new_job ());
}

static void
manager_call (GDBusConnection       *connection,
              const char            *sender,
              const char            *object_path,
              const char            *interface_name,
              const char            *method_name,
              GVariant              *parameters,
              GDBusMethodInvocation *invocation,
              gpointer               user_data)
{
  const char *name = NULL;
  StandinUnit *u;

  if (g_str_equal (interface_name, "io.github.kari.Test.SystemdStandin"))
    {
      if (g_str_equal (method_name, "Calls"))
        {
          g_auto(GVariantBuilder) list = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("as"));

          for (guint i = 0; i < calls->len; i++)
            g_variant_builder_add (&list, "s", (const char *) calls->pdata[i]);
          g_dbus_method_invocation_return_value (invocation, g_variant_new ("(as)", &list));
        }
      else
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", enforcing));
      return;
    }
  record (method_name, parameters);
  g_variant_get_child (parameters, 0, "&s", &name);
  if (g_str_equal (method_name, "StartTransientUnit"))
    {
      start_transient_unit (invocation, parameters);
      return;
    }
  if ((u = lookup_unit (invocation, name)) == NULL)
    return;
  if (g_str_equal (method_name, "GetUnit"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", u->path));
  else if (g_str_equal (method_name, "AttachProcessesToUnit"))
    {
      const char *sub;
      g_autoptr(GVariant) pids = NULL;
      g_autofree char *refusal = NULL;
      gboolean delegate = FALSE;
      const guint32 *p;
      gsize n;

      g_variant_get (parameters, "(&s&s@au)", NULL, &sub, &pids);
      g_variant_lookup (u->props, "Delegate", "b", &delegate);
      /* The checks of systemd's bus_unit_method_attach_processes(). */
      if (*sub != '\0' && *sub != '/')
        refusal = g_strdup_printf ("Control group path is not absolute: %s", sub);
      else if (*sub != '\0' && !g_str_equal (sub, "/"))
        refusal = g_strdup_printf ("The stand-in has no subgroups: %s", sub);
      else if (!delegate)
        refusal = g_strdup ("Process migration not available on non-delegated units.");
      else if (!g_str_equal (u->state, "active") && !g_str_equal (u->state, "deactivating"))
        refusal = g_strdup ("Unit is not active, refusing.");
      if (refusal != NULL)
        {
          return_error (invocation, ERR_INVALID_ARGS, "%s", refusal);
          return;
        }
      p = g_variant_get_fixed_array (pids, &n, sizeof (guint32));
      for (gsize i = 0; i < n; i++)
        {
          GPid pid = (GPid) p[i];
          g_autoptr(GError) error = NULL;

          if (p[i] == 0 || p[i] > G_MAXINT || (kill (pid, 0) != 0 && errno == ESRCH))
            {
              return_error (
                  invocation, ERR_NO_SUCH_PROCESS, "PID %u does not exist.", p[i]);
              return;
            }
          g_array_append_val (u->pids, pid);
          for (guint c = 0; c < C_N; c++)
            if (u->dirs[c] != NULL && !_kari_limits_cgroup_attach (u->dirs[c], pid, &error))
              {
                return_error (invocation, "org.freedesktop.DBus.Error.Failed", "%s",
                              error->message);
                return;
              }
        }
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "KillUnit"))
    {
      const char *whom;
      gint32 sig;

      g_variant_get (parameters, "(&s&si)", NULL, &whom, &sig);
      if (sig <= 0 || sig >= _NSIG)
        return_error (invocation, ERR_INVALID_ARGS,
                                                    "Signal number out of range.");
      else if (g_str_equal (whom, "main") || g_str_equal (whom, "control"))
        return_error (invocation, ERR_NO_SUCH_PROCESS,
                                                    "No %s process to kill", whom);
      else if (!g_str_equal (whom, "all"))
        return_error (invocation, ERR_INVALID_ARGS,
                                                    "Invalid who argument %s", whom);
      else
        {
          signal_unit (u, sig);
          g_dbus_method_invocation_return_value (invocation, NULL);
        }
    }
  else if (g_str_equal (method_name, "StopUnit"))
    {
      const char *mode;

      g_variant_get (parameters, "(&s&s)", NULL, &mode);
      if (!valid_job_mode (mode))
        {
          return_error (invocation, ERR_INVALID_ARGS,
                                                      "Job mode %s invalid.", mode);
          return;
        }
      if (g_str_equal (u->state, "active"))
        {
          signal_unit (u, SIGTERM);
          signal_unit (u, SIGCONT);
          u->stop_at = g_get_monotonic_time () + STOP_KILL_USEC;
          set_state (u, "deactivating");
        }
      g_dbus_method_invocation_return_value (invocation, new_job ());
    }
  else /* ResetFailedStandinUnit */
    {
      if (g_str_equal (u->state, "failed"))
        g_hash_table_remove (units, name);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
}

static const GDBusInterfaceVTable manager_vtable = { manager_call, NULL, NULL, { 0 } };

/* What the manager does on its own: OOM kills, empty scopes, stop time-outs. */
static gboolean
watch_units (gpointer data)
{
  GHashTableIter iter;
  StandinUnit *u;

  g_hash_table_iter_init (&iter, units);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &u))
    {
      g_autoptr(GArray) procs = NULL;

      if (g_str_equal (u->state, "failed"))
        continue;
      if (g_str_equal (u->state, "active") && standin_oom_kills (u) > u->oom_base)
        {
          /* OOMPolicy=stop, the default: the rest of the scope goes too. */
          u->result = "oom-kill";
          signal_unit (u, SIGKILL);
        }
      if (g_str_equal (u->state, "deactivating") && g_get_monotonic_time () > u->stop_at)
        signal_unit (u, SIGKILL);
      procs = standin_group_procs (u);
      if (procs->len > 0)
        continue;
      if (!g_str_equal (u->result, "success"))
        set_state (u, "failed");
      else
        {
          /* An inactive transient unit is garbage-collected. */
          set_state (u, "inactive");
          g_hash_table_iter_remove (&iter);
        }
    }
  return G_SOURCE_CONTINUE;
}

static void
name_acquired (GDBusConnection *connection,
               const char      *name,
               gpointer         user_data)
{
  printf ("ready\n");
  fflush (stdout);
}

static void
name_lost (GDBusConnection *connection,
           const char      *name,
           gpointer         user_data)
{
  g_main_loop_quit (loop);
}

static gboolean
quit (gpointer data)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) main_loop = g_main_loop_new (NULL, FALSE);
  loop = main_loop;
  /* A test that aborts leaves no stand-in behind. */
  g_unix_signal_add (SIGTERM, quit, NULL);
  g_unix_signal_add (SIGINT, quit, NULL);
  prctl (PR_SET_PDEATHSIG, SIGTERM);
  if (getppid () == 1)
    return 1;
  units = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, unit_free);
  calls = g_ptr_array_new_with_free_func (g_free);
  info = g_dbus_node_info_new_for_xml (introspection, &error);
  g_assert_no_error (error);

  enforcing = standin_find_parents ();

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("systemd-standin: %s\n", error->message);
      return 1;
    }
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  g_signal_connect_swapped (bus, "closed", G_CALLBACK (g_main_loop_quit), loop);
  g_dbus_connection_register_object (bus, MANAGER_PATH,
                                     g_dbus_node_info_lookup_interface (info, "org.freedesktop.systemd1.Manager"),
                                     &manager_vtable, NULL, NULL, NULL);
  g_dbus_connection_register_object (bus, TEST_PATH,
                                     g_dbus_node_info_lookup_interface (info, "io.github.kari.Test.SystemdStandin"),
                                     &manager_vtable, NULL, NULL, NULL);
  g_bus_own_name_on_connection (bus, "org.freedesktop.systemd1", G_BUS_NAME_OWNER_FLAGS_NONE,
                                name_acquired, name_lost, NULL, NULL);
  g_timeout_add (10, watch_units, NULL);
  g_main_loop_run (loop);

  g_hash_table_destroy (units);
  standin_clear_parents ();
  g_ptr_array_unref (calls);
  g_dbus_node_info_unref (info);
  g_clear_object (&bus);
  return 0;
}
