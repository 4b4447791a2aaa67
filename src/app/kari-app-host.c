/* kari-app-host.c — what the Control Room opens and runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same host `kari-ext run` builds (discovery, registry, audit log,
 * permission engine, one supervisor per running extension), owned by
 * the application and shown by its pages. No GTK here: the window only
 * asks this object.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kari-app-host-private.h"

struct _KariAppHost
{
  GObject               parent_instance;
  char                 *tenant;
  char                 *user;
  KariDiscovery        *discovery;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  GListStore           *extensions;   /* KariAppExtension, by title */
  GHashTable           *by_name;      /* name → KariAppExtension, borrowed */
  GPtrArray            *alerts;       /* KariAppAlert, oldest first */
  KariHostManager      *manager;      /* io.github.kari.Manager1 over the supervisors */
  GThread              *scan;         /* the first scan, while the registry opens */
};

/* The alerts kept for the Health page. */
#define MAX_ALERTS 20

static void
kari_app_alert_free (KariAppAlert *alert)
{
  g_free (alert->extension);
  g_free (alert->reason);
  g_free (alert);
}

G_DEFINE_FINAL_TYPE (KariAppHost, kari_app_host, G_TYPE_OBJECT)

enum {
  SIGNAL_ALERT,
  SIGNAL_TENANT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gpointer
scan_in_thread (gpointer data)
{
  kari_discovery_scan (data);
  return NULL;
}

/* Waits for the first scan: nothing reads the discovery before. */
static void
finish_scan (KariAppHost *self)
{
  if (self->scan != NULL)
    g_thread_join (g_steal_pointer (&self->scan));
}

/* A corrupt registry is set aside and rebuilt from what is installed. */
static gboolean
rebuild_registry (KariRegistry  *registry,
                  gpointer       user_data,
                  GError       **error)
{
  KariAppHost *self = user_data;

  finish_scan (self);
  return kari_catalog_sync (registry, self->discovery, NULL, error);
}

static int
compare_titles (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  return strcmp (kari_app_extension_get_sort_key ((KariAppExtension *) a),
                 kari_app_extension_get_sort_key ((KariAppExtension *) b));
}

/* g_ptr_array_sort_with_data() hands pointers to the elements. */
static int
compare_title_slots (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  return compare_titles (*(KariAppExtension * const *) a, *(KariAppExtension * const *) b, user_data);
}

/* What the last run of @ext left, shown until it moves again: a failed
 * start is re-resolved to installed by the catalog, a crash loop leaves
 * it disabled. Other states are this session's news already, and one
 * off in the tenant (@here false) shows no failure: no query for those,
 * so a hundred extensions that are off cost nothing at start. */
static void
remember_failure (KariAppHost      *self,
                  KariAppExtension *ext,
                  gboolean          here)
{
  KariState state = kari_app_extension_get_state (ext);
  g_autoptr(KariTransition) failure = NULL;
  g_autoptr(GError) local_error = NULL;

  if (here && (state == KARI_STATE_INSTALLED || state == KARI_STATE_DISABLED))
    {
      failure = kari_registry_get_last_failure (self->registry, kari_app_extension_get_name (ext),
                                                &local_error);
      if (local_error != NULL)
        g_debug ("No remembered failure of %s: %s", kari_app_extension_get_name (ext), local_error->message);
    }
  kari_app_extension_set_last_failure (ext, failure);
}

/* Brings the list in line with what discovery found: new extensions are
 * added, gone ones removed (unless running), and every state is read
 * again from the registry. Objects of extensions that stay are kept, so
 * rows and running supervisors survive a reload. */
static void
load_extensions (KariAppHost *self)
{
  GPtrArray *manifests = kari_discovery_get_extensions (self->discovery);
  g_autoptr(GPtrArray) entries = kari_registry_list (self->registry, NULL);
  g_autoptr(GHashTable) states = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) found = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  /* One query for all, not one for each of a hundred extensions. */
  g_autoptr(GHashTable) disabled = kari_registry_dup_disabled (self->registry, self->tenant, NULL);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      KariRegistryEntry *entry = g_ptr_array_index (entries, i);
      g_hash_table_insert (states, entry->name, GINT_TO_POINTER (entry->state + 1));
    }
  for (guint i = 0; i < manifests->len; i++)
    {
      KariManifest *m = g_ptr_array_index (manifests, i);
      gpointer stored = g_hash_table_lookup (states, kari_manifest_get_name (m));
      /* Found and valid, but not taken in: its dependencies are missing. */
      KariState state = stored != NULL ? GPOINTER_TO_INT (stored) - 1 : KARI_STATE_VALIDATED;
      KariAppExtension *ext = g_hash_table_lookup (self->by_name, kari_manifest_get_name (m));

      gboolean here = disabled != NULL && !g_hash_table_contains (disabled, kari_manifest_get_name (m));

      g_hash_table_add (found, (gpointer) kari_manifest_get_name (m));
      if (ext != NULL)
        {
          if (kari_app_extension_get_supervisor (ext) == NULL)
            {
              kari_app_extension_set_state (ext, state);
              remember_failure (self, ext, here);
            }
          kari_app_extension_set_tenant_enabled (ext, here);
          continue;
        }
      ext = kari_app_extension_new (m, state);
      remember_failure (self, ext, here);
      kari_app_extension_set_tenant_enabled (ext, here);
      g_hash_table_insert (self->by_name, (gpointer) kari_app_extension_get_name (ext), ext);
      g_ptr_array_add (added, ext);
    }

  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->extensions)); i > 0; i--)
    {
      g_autoptr(KariAppExtension) ext = g_list_model_get_item (G_LIST_MODEL (self->extensions), i - 1);

      if (!g_hash_table_contains (found, kari_app_extension_get_name (ext))
          && kari_app_extension_get_supervisor (ext) == NULL)
        {
          g_hash_table_remove (self->by_name, kari_app_extension_get_name (ext));
          g_list_store_remove (self->extensions, i - 1);
        }
    }

  if (g_list_model_get_n_items (G_LIST_MODEL (self->extensions)) == 0)
    {
      /* The first load is one splice, so a list bound to the model is
       * built once. */
      g_ptr_array_sort_with_data (added, compare_title_slots, NULL);
      g_list_store_splice (self->extensions, 0, 0, added->pdata, added->len);
      return;
    }
  for (guint i = 0; i < added->len; i++)
    g_list_store_insert_sorted (self->extensions, g_ptr_array_index (added, i), compare_titles, NULL);
}

static gboolean
declare_permissions (KariAppHost  *self,
                     GError      **error)
{
  GPtrArray *manifests = kari_discovery_get_extensions (self->discovery);

  /* What an extension may ever ask for is what its manifest declares. */
  for (guint i = 0; i < manifests->len; i++)
    {
      KariManifest *m = g_ptr_array_index (manifests, i);

      if (!kari_permission_engine_set_declared (self->engine, kari_manifest_get_name (m),
                                                kari_manifest_get_display_name (m),
                                                kari_manifest_get_permissions (m), error))
        return FALSE;
    }
  return TRUE;
}

/**
 * kari_app_host_reload:
 * @error: set when the registry cannot be brought in line
 *
 * Scans the search paths again and shows what was added or removed.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_app_host_reload (KariAppHost  *self,
                      GError      **error)
{
  kari_discovery_scan (self->discovery);
  if (!kari_catalog_sync (self->registry, self->discovery, NULL, error)
      || !declare_permissions (self, error))
    return FALSE;
  load_extensions (self);
  kari_host_manager_emit_extensions_changed (self->manager);
  return TRUE;
}

static KariSupervisor *ensure_supervisor (KariAppHost      *self,
                                          KariAppExtension *extension);

/* Manager1 names an extension no one started here yet. */
static KariSupervisor *
supervisor_for_manager (KariHostManager *manager,
                        const char      *name,
                        gpointer         user_data)
{
  KariAppHost *self = user_data;
  KariAppExtension *extension = g_hash_table_lookup (self->by_name, name);

  if (extension == NULL || !kari_app_extension_has_runtime (extension))
    return NULL;
  return ensure_supervisor (self, extension);
}

/**
 * kari_app_host_new:
 * @tenant: the tenant the window works in
 * @error: set when the registry or the audit log cannot be opened
 *
 * Scans the search paths, opens (or rebuilds) the registry, brings it in
 * line with what is found, and opens the audit log and the permission
 * engine on it.
 *
 * Returns: (transfer full) (nullable): the host
 */
KariAppHost *
kari_app_host_new (const char  *tenant,
                   GError     **error)
{
  g_autoptr(KariAppHost) self = g_object_new (KARI_TYPE_APP_HOST, NULL);
  g_autofree char *path = kari_registry_default_path ();
  g_autoptr(GError) local_error = NULL;
  guint n_finished = 0;

  g_return_val_if_fail (tenant != NULL, NULL);

  self->user = g_strdup (g_get_user_name ());
  self->discovery = kari_discovery_new ();
  /* Reading a hundred manifests takes as long as opening the registry
   * and the audit log: the two overlap. */
  self->scan = g_thread_try_new ("kari-scan", scan_in_thread, self->discovery, NULL);
  if (self->scan == NULL)
    kari_discovery_scan (self->discovery);
  self->registry = kari_registry_open (path, rebuild_registry, self, error);
  if (self->registry == NULL)
    return NULL;
  /* A tenant deleted since (by kari-ext) is the default one. */
  {
    g_autoptr(KariTenant) known = kari_registry_lookup_tenant (self->registry, tenant, NULL);
    self->tenant = g_strdup (known != NULL ? tenant : KARI_TENANT_DEFAULT);
  }
  self->audit = kari_audit_log_open (kari_registry_get_path (self->registry), error);
  if (self->audit == NULL)
    return NULL;
  finish_scan (self);
  /* A removal that was interrupted is finished before anything looks at
   * what is installed; one that cannot finish yet (no keyring) waits. */
  if (!kari_removal_resume (self->registry, &n_finished, &local_error))
    g_warning ("%s", local_error->message);
  else if (n_finished > 0)
    kari_discovery_scan (self->discovery);
  if (!kari_catalog_sync (self->registry, self->discovery, NULL, error))
    return NULL;
  self->engine = kari_permission_engine_new (self->registry, self->audit, NULL, error);
  if (self->engine == NULL)
    return NULL;
  /* kari-ext grants and revokes while the app runs: shown at once.
   * Checks see them without the watch. */
  if (!kari_permission_engine_watch_registry (self->engine, &local_error))
    {
      g_debug ("Not watching the registry for permission changes: %s", local_error->message);
      g_clear_error (&local_error);
    }

  if (!declare_permissions (self, error))
    return NULL;
  load_extensions (self);

  /* Other programs reach the same supervisors the window shows. */
  self->manager = kari_host_manager_new ();
  kari_host_manager_set_registry (self->manager, self->registry, self->engine);
  kari_host_manager_set_audit_log (self->manager, self->audit, self->tenant);
  kari_host_manager_set_supervisor_func (self->manager, supervisor_for_manager, self, NULL);
  return g_steal_pointer (&self);
}

/**
 * kari_app_host_get_manager:
 *
 * Returns: (transfer none): io.github.kari.Manager1 over this host's
 *   extensions, for the application to export
 */
KariHostManager *
kari_app_host_get_manager (KariAppHost *self)
{
  return self->manager;
}

/**
 * kari_app_host_get_extensions:
 *
 * Returns: (transfer none): a #GListModel of #KariAppExtension, every
 *   extension found, by title
 */
GListModel *
kari_app_host_get_extensions (KariAppHost *self)
{
  return G_LIST_MODEL (self->extensions);
}

KariAppExtension *
kari_app_host_lookup (KariAppHost *self,
                      const char  *name)
{
  return g_hash_table_lookup (self->by_name, name);
}

KariDiscovery *
kari_app_host_get_discovery (KariAppHost *self)
{
  return self->discovery;
}

KariRegistry *
kari_app_host_get_registry (KariAppHost *self)
{
  return self->registry;
}

KariAuditLog *
kari_app_host_get_audit (KariAppHost *self)
{
  return self->audit;
}

KariPermissionEngine *
kari_app_host_get_engine (KariAppHost *self)
{
  return self->engine;
}

const char *
kari_app_host_get_tenant (KariAppHost *self)
{
  return self->tenant;
}

const char *
kari_app_host_get_user (KariAppHost *self)
{
  return self->user;
}

/**
 * kari_app_host_dup_user_extensions_dir:
 *
 * Returns: (transfer full): the folder a person puts an extension in,
 *   `$XDG_DATA_HOME/kari/extensions`
 */
char *
kari_app_host_dup_user_extensions_dir (KariAppHost *self)
{
  return g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
}

/* A page that names roles is shown to those who hold one of them. */
gboolean
kari_app_host_may_see_page (KariAppHost       *self,
                            const KariAppPage *page)
{
  if (page->roles == NULL || page->roles[0] == NULL)
    return TRUE;
  return kari_roles_has_any (kari_permission_engine_get_roles (self->engine), self->tenant,
                             self->user, (const char * const *) page->roles);
}

static void
refresh_state (KariAppHost      *self,
               KariAppExtension *extension)
{
  g_autoptr(KariRegistryEntry) entry = kari_registry_lookup (self->registry,
                                                             kari_app_extension_get_name (extension),
                                                             NULL);

  if (entry != NULL)
    kari_app_extension_set_state (extension, entry->state);
}

static void
on_state_changed (KariSupervisor *supervisor,
                  int             state,
                  const char     *reason,
                  gpointer        user_data)
{
  kari_app_extension_set_state_full (user_data, state, reason);
}

static void
on_crash_loop (KariSupervisor *supervisor,
               const char     *reason,
               gpointer        user_data)
{
  KariAppHost *self = user_data;
  KariAppExtension *extension = kari_app_host_lookup (self, kari_supervisor_get_name (supervisor));

  KariAppAlert *alert;

  if (extension == NULL)
    return;
  alert = g_new0 (KariAppAlert, 1);
  alert->extension = g_strdup (kari_supervisor_get_name (supervisor));
  alert->reason = g_strdup (reason);
  alert->time_usec = g_get_real_time ();
  g_ptr_array_add (self->alerts, alert);
  if (self->alerts->len > MAX_ALERTS)
    g_ptr_array_remove_index (self->alerts, 0);
  g_signal_emit (self, signals[SIGNAL_ALERT], 0, extension, reason);
}

/**
 * kari_app_host_get_alerts:
 *
 * Returns: (transfer none) (element-type KariAppAlert): the last crash
 *   loops of this session, oldest first
 */
GPtrArray *
kari_app_host_get_alerts (KariAppHost *self)
{
  return self->alerts;
}

static gboolean
move_registry_state (KariAppHost       *self,
                     KariAppExtension  *extension,
                     KariState          to,
                     GError           **error)
{
  KariState from = kari_app_extension_get_state (extension);
  g_autoptr(GError) local_error = NULL;
  const char *reason = to == KARI_STATE_ENABLED ? _("Switched on in the Control Room")
                                                : _("Switched off in the Control Room");

  if (from == to)
    return TRUE;
  /* Not taken in, or failed: its dependencies are what to fix. */
  if (to == KARI_STATE_ENABLED && (from == KARI_STATE_VALIDATED || from == KARI_STATE_FAILED))
    {
      g_set_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION,
                   _("%s cannot be switched on: what it depends on is missing or failed. Install its "
                     "dependencies, then choose Reload Extensions in the main menu."),
                   kari_app_extension_get_title (extension));
      return FALSE;
    }
  if (!kari_lifecycle_check (from, to, &local_error)
      || !kari_registry_set_state (self->registry, kari_app_extension_get_name (extension), to,
                                   reason, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("%s cannot be switched %s while it is %s: %s"),
                   kari_app_extension_get_title (extension),
                   to == KARI_STATE_ENABLED ? _("on") : _("off"),
                   kari_app_state_to_label (from), local_error->message);
      return FALSE;
    }
  refresh_state (self, extension);
  /* No supervisor tells the bus of this one. */
  kari_host_manager_emit_state_changed (self->manager, kari_app_extension_get_name (extension), to, reason);
  return TRUE;
}

/* Disabled is the state of an extension no tenant has on; one switched
 * off in this tenant only stays enabled for the others. */
static gboolean
enabled_anywhere (KariAppHost *self,
                  const char  *name)
{
  g_autoptr(GPtrArray) tenants = kari_registry_list_tenants (self->registry, NULL);

  for (guint i = 0; tenants != NULL && i < tenants->len; i++)
    {
      KariTenant *tenant = g_ptr_array_index (tenants, i);
      if (kari_registry_is_enabled (self->registry, name, tenant->id, NULL))
        return TRUE;
    }
  return FALSE;
}

static KariState
state_when_off (KariAppHost      *self,
                KariAppExtension *extension)
{
  return enabled_anywhere (self, kari_app_extension_get_name (extension)) ? KARI_STATE_ENABLED
                                                                          : KARI_STATE_DISABLED;
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KariAppHost *self = g_task_get_source_object (task);
  KariAppExtension *extension = g_task_get_task_data (task);
  KariSupervisor *supervisor = KARI_SUPERVISOR (source);
  GError *error = NULL;

  if (!kari_supervisor_stop_finish (supervisor, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!_kari_app_host_drop_supervisor (self, extension, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The extension's supervisor, made (not started) when it has none; the
 * window and Manager1 share it. */
static KariSupervisor *
ensure_supervisor (KariAppHost      *self,
                   KariAppExtension *extension)
{
  KariManifest *m = kari_app_extension_get_manifest (extension);
  g_autoptr(KariSupervisor) fresh = NULL;

  if (kari_app_extension_get_supervisor (extension) != NULL)
    return kari_app_extension_get_supervisor (extension);
  fresh = kari_supervisor_new (m, kari_manifest_get_dir (m), self->tenant, self->engine, self->registry);
  /* A sample a second, five minutes of them: what the details page's
   * graphs show. */
  kari_supervisor_set_metrics (fresh, 1000, 300);
  g_signal_connect_object (fresh, "state-changed", G_CALLBACK (on_state_changed), extension, 0);
  g_signal_connect_object (fresh, "crash-loop", G_CALLBACK (on_crash_loop), self, 0);
  kari_app_extension_set_supervisor (extension, fresh);
  kari_host_manager_add (self->manager, fresh);
  return fresh;
}

/* A stopped supervisor is dropped: the next start makes a fresh one
 * from the registry's state, which becomes enabled (still on in a
 * tenant) or disabled (on in none). */
gboolean
_kari_app_host_drop_supervisor (KariAppHost       *self,
                                KariAppExtension  *extension,
                                GError           **error)
{
  KariSupervisor *supervisor = kari_app_extension_get_supervisor (extension);
  KariState to = state_when_off (self, extension);

  if (supervisor != NULL)
    {
      g_signal_handlers_disconnect_by_data (supervisor, extension);
      g_signal_handlers_disconnect_by_data (supervisor, self);
      kari_host_manager_remove (self->manager, supervisor);
      kari_app_extension_set_supervisor (extension, NULL);
    }
  refresh_state (self, extension);
  if (to == KARI_STATE_ENABLED && kari_app_extension_get_state (extension) != KARI_STATE_STOPPED)
    return TRUE;
  return move_registry_state (self, extension, to, error);
}

/* Works in @tenant from now on; see kari_app_host_set_tenant_async(). */
void
_kari_app_host_use_tenant (KariAppHost *self,
                           const char  *tenant)
{
  g_free (self->tenant);
  self->tenant = g_strdup (tenant);
  /* Scripts act in the tenant the window is in, and are audited there. */
  kari_host_manager_set_audit_log (self->manager, self->audit, self->tenant);
  load_extensions (self);
  g_signal_emit (self, signals[SIGNAL_TENANT_CHANGED], 0, self->tenant);
}

/**
 * kari_app_host_set_enabled_async:
 * @extension: an extension of this host
 * @enabled: on or off
 *
 * kari_app_host_set_enabled_full_async() in the host's tenant only.
 */
void
kari_app_host_set_enabled_async (KariAppHost         *self,
                                 KariAppExtension    *extension,
                                 gboolean             enabled,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  kari_app_host_set_enabled_full_async (self, extension, enabled, FALSE, cancellable, callback, user_data);
}

/**
 * kari_app_host_set_enabled_full_async:
 * @extension: an extension of this host
 * @enabled: on or off
 * @every_tenant: for every tenant (kari_registry_set_enabled() with no
 *   tenant), rather than the host's
 *
 * The one place the app switches an extension on or off: the choice is
 * recorded for the tenant (or all of them); an extension with a process
 * is started (or stopped) under a supervisor the host holds; a
 * declarative one is marked enabled in the registry, and disabled once
 * no tenant has it on. The extension's "state" and "active" follow.
 * Finish with kari_app_host_set_enabled_finish().
 */
void
kari_app_host_set_enabled_full_async (KariAppHost         *self,
                                      KariAppExtension    *extension,
                                      gboolean             enabled,
                                      gboolean             every_tenant,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  KariSupervisor *supervisor = kari_app_extension_get_supervisor (extension);
  KariState from = kari_app_extension_get_state (extension);
  GError *error = NULL;

  g_task_set_source_tag (task, kari_app_host_set_enabled_async);
  g_task_set_task_data (task, g_object_ref (extension), g_object_unref);

  /* Missing dependencies are said before anything is recorded. */
  if (enabled && (from == KARI_STATE_VALIDATED || from == KARI_STATE_FAILED))
    {
      if (!move_registry_state (self, extension, KARI_STATE_ENABLED, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  if (!kari_registry_set_enabled (self->registry, kari_app_extension_get_name (extension),
                                  every_tenant ? NULL : self->tenant, enabled, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  kari_app_extension_set_tenant_enabled (extension, enabled);

  if (!enabled)
    {
      if (supervisor != NULL)
        {
          kari_supervisor_stop_async (supervisor, cancellable, on_stopped, g_steal_pointer (&task));
          return;
        }
      /* Still on in another tenant: its state stays as it is. */
      if (state_when_off (self, extension) == KARI_STATE_DISABLED
          && !move_registry_state (self, extension, KARI_STATE_DISABLED, &error))
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  if (!kari_app_extension_has_runtime (extension))
    {
      if (!move_registry_state (self, extension, KARI_STATE_ENABLED, &error))
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  supervisor = ensure_supervisor (self, extension);
  if (!kari_supervisor_start (supervisor, &error))
    {
      refresh_state (self, extension);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

gboolean
kari_app_host_set_enabled_finish (KariAppHost   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * kari_app_host_restart:
 * @extension: an extension of this host with a runtime
 *
 * Starts @extension again at once under its supervisor (made if it has
 * none), as a page's restart button asks: a crashed one does not wait
 * for its back-off.
 *
 * Returns: %TRUE when it was started; %FALSE with @error when it runs
 *   already or cannot be started
 */
gboolean
kari_app_host_restart (KariAppHost       *self,
                       KariAppExtension  *extension,
                       GError           **error)
{
  KariSupervisor *supervisor = ensure_supervisor (self, extension);

  if (!kari_supervisor_start (supervisor, error))
    {
      refresh_state (self, extension);
      return FALSE;
    }
  return TRUE;
}

static void
on_stopped_at_exit (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  guint *n_stopping = user_data;
  g_autoptr(GError) error = NULL;

  if (!kari_supervisor_stop_finish (KARI_SUPERVISOR (source), result, &error))
    g_warning ("%s: %s", kari_supervisor_get_name (KARI_SUPERVISOR (source)), error->message);
  (*n_stopping)--;
}

/**
 * kari_app_host_stop_all:
 *
 * Stops every running extension and waits for them (each at most its
 * grace period): used when the application quits.
 */
void
kari_app_host_stop_all (KariAppHost *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->extensions));
  guint n_stopping = 0;

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(KariAppExtension) ext = g_list_model_get_item (G_LIST_MODEL (self->extensions), i - 1);
      KariSupervisor *supervisor = kari_app_extension_get_supervisor (ext);

      if (supervisor == NULL)
        continue;
      n_stopping++;
      kari_supervisor_stop_async (supervisor, NULL, on_stopped_at_exit, &n_stopping);
    }
  while (n_stopping > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KariAppExtension) ext = g_list_model_get_item (G_LIST_MODEL (self->extensions), i);
      KariSupervisor *supervisor = kari_app_extension_get_supervisor (ext);

      if (supervisor != NULL)
        kari_host_manager_remove (self->manager, supervisor);
      kari_app_extension_set_supervisor (ext, NULL);
    }
}

gboolean
kari_app_host_close (KariAppHost  *self,
                     GError      **error)
{
  if (self->audit == NULL)
    return TRUE;
  return kari_audit_log_close (self->audit, error);
}

static void
kari_app_host_finalize (GObject *object)
{
  KariAppHost *self = KARI_APP_HOST (object);

  /* A host that failed to open may still be scanning. */
  finish_scan (self);
  if (self->manager != NULL)
    kari_host_manager_set_supervisor_func (self->manager, NULL, NULL, NULL);
  g_clear_object (&self->manager);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  g_clear_object (&self->extensions);
  g_clear_object (&self->engine);
  if (self->audit != NULL)
    kari_audit_log_close (self->audit, NULL);
  g_clear_object (&self->audit);
  g_clear_object (&self->registry);
  g_clear_object (&self->discovery);
  g_clear_pointer (&self->tenant, g_free);
  g_clear_pointer (&self->user, g_free);
  G_OBJECT_CLASS (kari_app_host_parent_class)->finalize (object);
}

static void
kari_app_host_class_init (KariAppHostClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_app_host_finalize;

  /**
   * KariAppHost::alert:
   * @extension: the #KariAppExtension
   * @reason: what happened, for a person
   *
   * An extension crashed too often and was disabled.
   */
  signals[SIGNAL_ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, KARI_TYPE_APP_EXTENSION, G_TYPE_STRING);

  /**
   * KariAppHost::tenant-changed:
   * @tenant: the tenant the host works in now
   *
   * After kari_app_host_set_tenant_async(): pages, grants and activity
   * are the new tenant's.
   */
  signals[SIGNAL_TENANT_CHANGED] =
    g_signal_new ("tenant-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kari_app_host_init (KariAppHost *self)
{
  self->extensions = g_list_store_new (KARI_TYPE_APP_EXTENSION);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_app_alert_free);
}
