/* kari-ext-run.c — `kari-ext run PATH|NAME…`: a headless host in the
 * foreground, supervising extensions exactly as the app will
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "kari-ext-private.h"

typedef struct
{
  GPtrArray *supervisors;   /* KariSupervisor, in load order */
  guint      n_stopping;
  gboolean   stopping;
  GMainLoop *loop;
} Run;

static void
on_log_line (KariSupervisor *supervisor,
             const char     *line,
             gpointer        user_data)
{
  /* State changes come through the log too; the supervisor has already
   * escaped what the extension wrote. */
  printf ("[%s] %s\n", kari_supervisor_get_name (supervisor), line);
  fflush (stdout);
}

static void
on_crash_loop (KariSupervisor *supervisor,
               const char     *reason,
               gpointer        user_data)
{
  fprintf (stderr, _("kari-ext: %s was disabled after crashing repeatedly: %s\n"),
           kari_supervisor_get_name (supervisor), reason);
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!kari_supervisor_stop_finish (KARI_SUPERVISOR (source), result, &error))
    fprintf (stderr, "kari-ext: %s: %s\n", kari_supervisor_get_name (KARI_SUPERVISOR (source)),
             error->message);
  if (--run->n_stopping == 0)
    g_main_loop_quit (run->loop);
}

/* Stops in reverse load order, so nothing loses a dependency first. */
static gboolean
on_signal (gpointer user_data)
{
  Run *run = user_data;

  if (run->stopping)
    return G_SOURCE_CONTINUE;
  run->stopping = TRUE;
  fprintf (stderr, "%s\n", _("kari-ext: stopping…"));
  run->n_stopping = run->supervisors->len;
  if (run->n_stopping == 0)
    g_main_loop_quit (run->loop);
  for (guint i = run->supervisors->len; i > 0; i--)
    kari_supervisor_stop_async (g_ptr_array_index (run->supervisors, i - 1), NULL, on_stopped, run);
  return G_SOURCE_CONTINUE;
}

/* PATH is an extension folder; NAME one found in the search paths. */
static KariManifest *
manifest_for (KariExtHost *host,
              const char  *arg,
              GError     **error)
{
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  KariManifest *m;

  if (!g_file_test (arg, G_FILE_TEST_IS_DIR))
    {
      m = kari_discovery_lookup (host->discovery, arg);
      if (m == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     _("“%s” is neither an extension folder nor an extension in the search paths"), arg);
      return m != NULL ? g_object_ref (m) : NULL;
    }
  m = kari_manifest_load_dir (arg, diagnostics, error);
  _kari_ext_print_diagnostics (diagnostics);
  return m;
}

int
kari_ext_run (int    argc,
              char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("run");
  g_autofree char *tenant = NULL;
  g_autofree char *scripting_role = NULL;
  GOptionEntry entries[] = {
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("The tenant (default: the active one)"), N_("TENANT") },
    { "scripting-role", 0, 0, G_OPTION_ARG_STRING, &scripting_role,
      N_("The role other programs act with over D-Bus (viewer, user, admin or a custom role; "
         "default: the registry setting, else “user”)"), N_("ROLE") },
    { NULL }
  };
  g_auto(KariExtHost) host = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) manifests = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KariResolver) resolver = NULL;
  g_autoptr(KariResolution) resolution = NULL;
  g_autoptr(KariPromptAgent) agent = NULL;
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(KariHostManager) manager = kari_host_manager_new ();
  g_autoptr(GDBusConnection) bus = NULL;
  Run run = { 0 };
  GPtrArray *order;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return _kari_ext_usage_error (command, "%s", _("no PATH or NAME given"));
  if (tenant == NULL)
    tenant = g_strdup (_kari_ext_default_tenant ());

  /* Scripting over the session bus, when there is one; one host at a
   * time, checked before the registry is touched. */
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      fprintf (stderr, _("kari-ext: no session bus (%s): running without scripting\n"), error->message);
      g_clear_error (&error);
    }
  else if (!kari_host_manager_export (manager, bus, &error)
           || !kari_host_manager_own_name (manager, &error))
    {
      if (g_error_matches (error, KARI_HOST_MANAGER_ERROR, KARI_HOST_MANAGER_ERROR_NAME_TAKEN))
        {
          fprintf (stderr, "%s\n", _("kari-ext: another kari-ext run is already running in this session"));
          g_clear_error (&error);
        }
      return _kari_ext_fail (NULL, error);
    }

  if (!_kari_ext_host_open (&host, &error))
    return _kari_ext_fail (NULL, error);
  {
    g_autoptr(KariTenant) found = kari_registry_lookup_tenant (host.registry, tenant, &error);

    if (found == NULL)
      return _kari_ext_fail (&host, error);
  }

  /* What other programs may do over the bus, and every call audited. */
  {
    g_autoptr(KariRoles) roles = kari_roles_new (host.registry, g_get_user_name ());

    if (scripting_role == NULL)
      scripting_role = kari_scripting_dup_role (host.registry);
    else if (!kari_scripting_check_role (roles, tenant, scripting_role, &error))
      {
        _kari_ext_host_close (&host, NULL);
        return _kari_ext_usage_error (command, "--scripting-role: %s", error->message);
      }
    /* A kari-ext revoke from another terminal is taken in by the next
     * check anyway; the watch also takes it in while none comes. */
    if (!kari_permission_engine_watch_registry (host.engine, &error))
      {
        g_debug ("Not watching the registry: %s", error->message);
        g_clear_error (&error);
      }
    kari_host_manager_set_scripting_role (manager, scripting_role);
    kari_host_manager_set_audit_log (manager, host.audit, tenant);
    kari_host_manager_set_registry (manager, host.registry, host.engine);
  }

  /* Extensions named by folder join the search paths' for this run. */
  resolver = kari_discovery_create_resolver (host.discovery);
  for (int i = 1; i < argc; i++)
    {
      KariManifest *m = manifest_for (&host, argv[i], &error);

      if (m == NULL)
        return _kari_ext_fail (&host, error);
      g_ptr_array_add (manifests, m);
      g_hash_table_add (wanted, (gpointer) kari_manifest_get_name (m));
      if (kari_discovery_lookup (host.discovery, kari_manifest_get_name (m)) != m)
        {
          g_autoptr(KariRegistryEntry) entry = kari_registry_lookup (host.registry,
                                                                     kari_manifest_get_name (m), NULL);

          kari_resolver_add_manifest (resolver, m);
          if (!kari_permission_engine_set_declared (host.engine, kari_manifest_get_name (m),
                                                    kari_manifest_get_display_name (m),
                                                    kari_manifest_get_permissions (m), &error)
              || (entry == NULL
                  && !kari_registry_install (host.registry, m, _("run by kari-ext run"), &error)))
            return _kari_ext_fail (&host, error);
        }
      if (!kari_registry_is_enabled (host.registry, kari_manifest_get_name (m), tenant, &error))
        {
          if (error == NULL)
            fprintf (stderr, _("kari-ext: %s is disabled in the tenant %s; “kari-ext enable %s --tenant %s” "
                               "enables it\n"), kari_manifest_get_name (m), tenant,
                     kari_manifest_get_name (m), tenant);
          return _kari_ext_fail (&host, error);
        }
      kari_resolver_add_root (resolver, kari_manifest_get_name (m));
    }

  resolution = kari_resolver_resolve (resolver);
  for (guint i = 0; i < kari_resolution_get_unresolved (resolution)->len; i++)
    {
      KariUnresolved *u = g_ptr_array_index (kari_resolution_get_unresolved (resolution), i);
      fprintf (stderr, _("kari-ext: %s cannot run: %s\n"), u->name, u->reason);
    }
  if (kari_resolution_get_unresolved (resolution)->len > 0)
    return _kari_ext_fail (&host, NULL);

  /* Questions the policy leaves to a person are asked on the terminal. */
  agent = _kari_ext_terminal_agent_new ();
  kari_permission_engine_set_prompt_agent (host.engine, agent);

  run.supervisors = g_ptr_array_new_with_free_func (g_object_unref);
  run.loop = g_main_loop_new (NULL, FALSE);
  order = kari_resolution_get_order (resolution);
  for (guint i = 0; i < order->len; i++)
    {
      KariResolved *r = g_ptr_array_index (order, i);
      KariManifest *m = NULL;
      KariSupervisor *supervisor;

      for (guint j = 0; j < manifests->len && m == NULL; j++)
        if (g_strcmp0 (kari_manifest_get_name (g_ptr_array_index (manifests, j)), r->name) == 0)
          m = g_ptr_array_index (manifests, j);
      if (m == NULL)
        m = kari_discovery_lookup (host.discovery, r->name);
      /* Declarative extensions (and plugins' hosts) have no process. */
      if (m == NULL || kari_manifest_get_runtime (m) == NULL)
        {
          if (g_hash_table_contains (wanted, r->name))
            printf (_("[%s] declarative: no process to run\n"), r->name);
          continue;
        }

      supervisor = kari_supervisor_new (m, kari_manifest_get_dir (m), tenant, host.engine, host.registry);
      g_signal_connect (supervisor, "log-line", G_CALLBACK (on_log_line), &run);
      g_signal_connect (supervisor, "crash-loop", G_CALLBACK (on_crash_loop), &run);
      g_ptr_array_add (run.supervisors, supervisor);
      kari_host_manager_add (manager, supervisor);
      if (!kari_supervisor_start (supervisor, &error))
        {
          fprintf (stderr, "kari-ext: %s: %s\n", r->name, error->message);
          g_clear_error (&error);
        }
    }

  if (run.supervisors->len == 0)
    {
      g_ptr_array_unref (run.supervisors);
      g_main_loop_unref (run.loop);
      fprintf (stderr, "%s\n", _("kari-ext: nothing to run: none of these extensions has a runtime"));
      return _kari_ext_finish (&host, KARI_EXIT_FAILURE);
    }

  g_unix_signal_add (SIGINT, on_signal, &run);
  g_unix_signal_add (SIGTERM, on_signal, &run);
  g_main_loop_run (run.loop);

  kari_host_manager_unexport (manager);
  g_clear_object (&manager);
  g_ptr_array_unref (run.supervisors);
  g_main_loop_unref (run.loop);
  return _kari_ext_finish (&host, KARI_EXIT_OK);
}
