/* kari-discovery.c — finding extensions and plugins on disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Search paths are walked in order and the first folder to declare a
 * name wins: KARI_EXTENSIONS_PATH (a developer's own, colon-separated),
 * then $XDG_DATA_HOME/kari/extensions, then kari/extensions under each
 * of $XDG_DATA_DIRS. Later copies of a name are reported as shadowed.
 * Plugins follow the same rule with KARI_PLUGINS_PATH and kari/plugins.
 */
#include "config.h"

#include <string.h>

#include "kari-discovery.h"

/* Burst of file events (an editor saving, a copy) → one rescan. */
#define RESCAN_DELAY_MS 150

struct _KariDiscovery
{
  GObject     parent_instance;

  GStrv       extension_paths;
  GStrv       plugin_paths;

  GPtrArray  *extensions;   /* KariManifest, sorted by name */
  GHashTable *by_name;      /* name → KariManifest (borrowed from extensions) */
  GHashTable *fingerprints; /* name → manifest JSON + dir, to tell changes */
  GPtrArray  *plugins;      /* KariPluginInfo */
  GPtrArray  *diagnostics;  /* KariDiagnostic of the last scan */

  GPtrArray  *monitors;     /* GFileMonitor */
  guint       rescan_id;
};

G_DEFINE_FINAL_TYPE (KariDiscovery, kari_discovery, G_TYPE_OBJECT)

enum {
  EXTENSION_ADDED,
  EXTENSION_CHANGED,
  EXTENSION_REMOVED,
  PLUGINS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Services the host itself provides to extensions. The seed's names for
 * server-side stores map onto the per-extension SQLite store. */
static const char * const host_services[] = {
  "storage", "sqlite", "postgres", "postgresql", "redis", "cache",
  "http", "scheduler", "notifications", "secrets", "events", NULL,
};

/**
 * kari_host_services:
 *
 * Returns: (transfer none): the `system_services` a manifest may depend on
 */
const char * const *
kari_host_services (void)
{
  return host_services;
}

static void
kari_discovery_dispose (GObject *object)
{
  KariDiscovery *self = KARI_DISCOVERY (object);

  kari_discovery_stop_monitoring (self);

  G_OBJECT_CLASS (kari_discovery_parent_class)->dispose (object);
}

static void
kari_discovery_finalize (GObject *object)
{
  KariDiscovery *self = KARI_DISCOVERY (object);

  g_clear_pointer (&self->extension_paths, g_strfreev);
  g_clear_pointer (&self->plugin_paths, g_strfreev);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->fingerprints, g_hash_table_unref);
  g_clear_pointer (&self->extensions, g_ptr_array_unref);
  g_clear_pointer (&self->plugins, g_ptr_array_unref);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->monitors, g_ptr_array_unref);

  G_OBJECT_CLASS (kari_discovery_parent_class)->finalize (object);
}

static void
kari_discovery_class_init (KariDiscoveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kari_discovery_dispose;
  object_class->finalize = kari_discovery_finalize;

  /**
   * KariDiscovery::extension-added:
   * @manifest: the new extension
   */
  signals[EXTENSION_ADDED] =
    g_signal_new ("extension-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, KARI_TYPE_MANIFEST);
  /**
   * KariDiscovery::extension-changed:
   * @manifest: the extension as it is now
   */
  signals[EXTENSION_CHANGED] =
    g_signal_new ("extension-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, KARI_TYPE_MANIFEST);
  /**
   * KariDiscovery::extension-removed:
   * @name: the name of the extension that is gone
   */
  signals[EXTENSION_REMOVED] =
    g_signal_new ("extension-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * KariDiscovery::plugins-changed:
   *
   * The set of plugins changed.
   */
  signals[PLUGINS_CHANGED] =
    g_signal_new ("plugins-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kari_discovery_init (KariDiscovery *self)
{
  self->extensions = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->fingerprints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->plugins = g_ptr_array_new_with_free_func (g_object_unref);
  self->diagnostics = kari_diagnostics_new ();
  self->monitors = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Appends the entries of a colon-separated variable, then @subdir under
 * the user's and the system's data dirs; each folder once. */
static GStrv
build_search_path (const char *variable,
                   const char *subdir)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  const char *env = g_getenv (variable);
  const char * const *system_dirs = g_get_system_data_dirs ();

  if (env != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
      for (guint i = 0; parts[i] != NULL; i++)
        if (*parts[i] != '\0')
          g_ptr_array_add (candidates, g_canonicalize_filename (parts[i], NULL));
    }
  g_ptr_array_add (candidates, g_build_filename (g_get_user_data_dir (), "kari", subdir, NULL));
  for (guint i = 0; system_dirs[i] != NULL; i++)
    g_ptr_array_add (candidates, g_build_filename (system_dirs[i], "kari", subdir, NULL));

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *dir = g_ptr_array_index (candidates, i);
      if (g_hash_table_add (seen, g_strdup (dir)))
        g_strv_builder_add (builder, dir);
    }
  return g_strv_builder_end (builder);
}

/**
 * kari_discovery_new:
 *
 * Creates a discovery over the standard search paths, read from the
 * environment now.
 *
 * Returns: (transfer full): a new #KariDiscovery; call kari_discovery_scan()
 */
KariDiscovery *
kari_discovery_new (void)
{
  KariDiscovery *self = g_object_new (KARI_TYPE_DISCOVERY, NULL);

  self->extension_paths = build_search_path ("KARI_EXTENSIONS_PATH", "extensions");
  self->plugin_paths = build_search_path ("KARI_PLUGINS_PATH", "plugins");
  return self;
}

/**
 * kari_discovery_new_for_paths:
 * @extension_paths: folders to search for extensions, first wins
 * @plugin_paths: (nullable): folders to search for plugins, first wins
 *
 * Returns: (transfer full): a new #KariDiscovery over exactly these paths
 */
KariDiscovery *
kari_discovery_new_for_paths (const char * const *extension_paths,
                              const char * const *plugin_paths)
{
  KariDiscovery *self = g_object_new (KARI_TYPE_DISCOVERY, NULL);
  const char *none[] = { NULL };

  self->extension_paths = g_strdupv ((GStrv) extension_paths);
  self->plugin_paths = g_strdupv ((GStrv) (plugin_paths ? plugin_paths : none));
  return self;
}

/**
 * kari_discovery_get_extension_paths:
 * @self: a #KariDiscovery
 *
 * Returns: (transfer none): the folders searched for extensions, first wins
 */
const char * const *
kari_discovery_get_extension_paths (KariDiscovery *self)
{
  g_return_val_if_fail (KARI_IS_DISCOVERY (self), NULL);
  return (const char * const *) self->extension_paths;
}

/**
 * kari_discovery_get_plugin_paths:
 * @self: a #KariDiscovery
 *
 * Returns: (transfer none): the folders searched for plugins, first wins
 */
const char * const *
kari_discovery_get_plugin_paths (KariDiscovery *self)
{
  g_return_val_if_fail (KARI_IS_DISCOVERY (self), NULL);
  return (const char * const *) self->plugin_paths;
}

static void
warn (GPtrArray  *diagnostics,
      const char *file,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

static void
warn (GPtrArray  *diagnostics,
      const char *file,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (diagnostics,
                   kari_diagnostic_new (KARI_SEVERITY_WARNING, file, 0, 0, NULL, message));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* Sorted entry names of @dir that are folders; empty when it is missing. */
static GPtrArray *
list_subdirs (const char *dir)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;

  if (d == NULL)
    return names;
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;

      if (entry[0] == '.')
        continue;
      path = g_build_filename (dir, entry, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (names, g_strdup (entry));
    }
  g_ptr_array_sort (names, compare_strings);
  return names;
}

static int
compare_manifests (gconstpointer a,
                   gconstpointer b)
{
  KariManifest *ma = *(KariManifest **) a;
  KariManifest *mb = *(KariManifest **) b;

  return g_strcmp0 (kari_manifest_get_name (ma), kari_manifest_get_name (mb));
}

static char *
fingerprint (KariManifest *manifest)
{
  g_autoptr(JsonNode) json = kari_manifest_to_json (manifest);
  g_autofree char *text = json_to_string (json, FALSE);

  return g_strconcat (kari_manifest_get_path (manifest), "\n", text, NULL);
}

static void
scan_extensions (KariDiscovery *self,
                 GPtrArray     *found,
                 GHashTable    *by_name,
                 GPtrArray     *diagnostics)
{
  for (guint p = 0; self->extension_paths[p] != NULL; p++)
    {
      const char *root = self->extension_paths[p];
      g_autoptr(GPtrArray) subdirs = list_subdirs (root);

      for (guint i = 0; i < subdirs->len; i++)
        {
          g_autofree char *dir = g_build_filename (root, g_ptr_array_index (subdirs, i), NULL);
          g_autoptr(GPtrArray) diags = kari_diagnostics_new ();
          g_autoptr(GError) error = NULL;
          g_autoptr(KariManifest) manifest = NULL;
          KariManifest *existing;

          manifest = kari_manifest_load_dir (dir, diags, &error);
          for (guint d = 0; d < diags->len; d++)
            g_ptr_array_add (diagnostics, kari_diagnostic_copy (g_ptr_array_index (diags, d)));

          if (manifest == NULL)
            {
              if (!g_error_matches (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_NOT_FOUND))
                warn (diagnostics, dir, "extension skipped: %s", error->message);
              continue;
            }

          existing = g_hash_table_lookup (by_name, kari_manifest_get_name (manifest));
          if (existing != NULL)
            {
              warn (diagnostics, kari_manifest_get_path (manifest),
                    "extension “%s” is shadowed by %s, which comes first in the search path",
                    kari_manifest_get_name (manifest), kari_manifest_get_dir (existing));
              continue;
            }
          g_hash_table_insert (by_name, (gpointer) kari_manifest_get_name (manifest), manifest);
          g_ptr_array_add (found, g_steal_pointer (&manifest));
        }
    }
  g_ptr_array_sort (found, compare_manifests);
}

static gboolean
scan_plugins (KariDiscovery *self,
              GPtrArray     *found,
              GPtrArray     *diagnostics)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean changed;

  for (guint p = 0; self->plugin_paths[p] != NULL; p++)
    {
      const char *root = self->plugin_paths[p];
      g_autoptr(GPtrArray) subdirs = list_subdirs (root);

      for (guint i = 0; i < subdirs->len; i++)
        {
          const char *id = g_ptr_array_index (subdirs, i);
          g_autofree char *dir = g_build_filename (root, id, NULL);
          g_autofree char *file = g_build_filename (dir, "plugin_manifest.json", NULL);
          g_autoptr(GError) error = NULL;
          g_autoptr(KariPluginInfo) plugin = NULL;

          if (!g_file_test (file, G_FILE_TEST_EXISTS))
            continue;
          if (g_hash_table_contains (ids, id))
            {
              warn (diagnostics, file, "plugin “%s” is shadowed by one earlier in the search path", id);
              continue;
            }
          plugin = kari_plugin_info_load_dir (dir, diagnostics, &error);
          if (plugin == NULL)
            {
              warn (diagnostics, dir, "plugin skipped: %s", error->message);
              continue;
            }
          g_hash_table_add (ids, (gpointer) kari_plugin_info_get_id (plugin));
          g_ptr_array_add (found, g_steal_pointer (&plugin));
        }
    }

  changed = found->len != self->plugins->len;
  for (guint i = 0; !changed && i < found->len; i++)
    changed = g_strcmp0 (kari_plugin_info_get_dir (g_ptr_array_index (found, i)),
                         kari_plugin_info_get_dir (g_ptr_array_index (self->plugins, i))) != 0;
  return changed;
}

/**
 * kari_discovery_scan:
 * @self: a #KariDiscovery
 *
 * Walks the search paths again. Invalid extensions are skipped and their
 * problems kept in kari_discovery_get_diagnostics(); the rest load. The
 * signals tell what changed since the previous scan.
 */
void
kari_discovery_scan (KariDiscovery *self)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) fingerprints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) plugins = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;
  gboolean plugins_changed;

  g_return_if_fail (KARI_IS_DISCOVERY (self));

  scan_extensions (self, found, by_name, diagnostics);
  plugins_changed = scan_plugins (self, plugins, diagnostics);

  for (guint i = 0; i < found->len; i++)
    {
      KariManifest *m = g_ptr_array_index (found, i);
      const char *name = kari_manifest_get_name (m);
      char *print = fingerprint (m);
      const char *old = g_hash_table_lookup (self->fingerprints, name);

      if (old == NULL)
        g_ptr_array_add (added, m);
      else if (g_strcmp0 (old, print) != 0)
        g_ptr_array_add (changed, m);
      g_hash_table_insert (fingerprints, g_strdup (name), print);
    }
  g_hash_table_iter_init (&iter, self->fingerprints);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (fingerprints, key))
      g_ptr_array_add (removed, g_strdup (key));
  g_ptr_array_sort (removed, compare_strings);

  /* Swap the new state in before anyone hears of it, so handlers that
   * look things up see the world the signal describes. */
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  self->by_name = g_steal_pointer (&by_name);
  g_clear_pointer (&self->fingerprints, g_hash_table_unref);
  self->fingerprints = g_steal_pointer (&fingerprints);
  g_clear_pointer (&self->plugins, g_ptr_array_unref);
  self->plugins = g_steal_pointer (&plugins);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = g_steal_pointer (&diagnostics);
  g_ptr_array_ref (found);
  g_clear_pointer (&self->extensions, g_ptr_array_unref);
  self->extensions = found;

  for (guint i = 0; i < removed->len; i++)
    g_signal_emit (self, signals[EXTENSION_REMOVED], 0, g_ptr_array_index (removed, i));
  for (guint i = 0; i < added->len; i++)
    g_signal_emit (self, signals[EXTENSION_ADDED], 0, g_ptr_array_index (added, i));
  for (guint i = 0; i < changed->len; i++)
    g_signal_emit (self, signals[EXTENSION_CHANGED], 0, g_ptr_array_index (changed, i));
  if (plugins_changed)
    g_signal_emit (self, signals[PLUGINS_CHANGED], 0);
}

/**
 * kari_discovery_get_extensions:
 * @self: a #KariDiscovery
 *
 * Returns: (transfer none) (element-type KariManifest): the valid
 *   extensions of the last scan, sorted by name
 */
GPtrArray *
kari_discovery_get_extensions (KariDiscovery *self)
{
  g_return_val_if_fail (KARI_IS_DISCOVERY (self), NULL);
  return self->extensions;
}

/**
 * kari_discovery_get_plugins:
 * @self: a #KariDiscovery
 *
 * Returns: (transfer none) (element-type KariPluginInfo): the plugins found
 */
GPtrArray *
kari_discovery_get_plugins (KariDiscovery *self)
{
  g_return_val_if_fail (KARI_IS_DISCOVERY (self), NULL);
  return self->plugins;
}

/**
 * kari_discovery_lookup:
 * @self: a #KariDiscovery
 * @name: an extension name
 *
 * Returns: (transfer none) (nullable): the extension called @name
 */
KariManifest *
kari_discovery_lookup (KariDiscovery *self,
                       const char    *name)
{
  g_return_val_if_fail (KARI_IS_DISCOVERY (self), NULL);
  return g_hash_table_lookup (self->by_name, name);
}

/**
 * kari_discovery_get_diagnostics:
 * @self: a #KariDiscovery
 *
 * Returns: (transfer none) (element-type KariDiagnostic): the errors and
 *   warnings of the last scan, in the order met
 */
GPtrArray *
kari_discovery_get_diagnostics (KariDiscovery *self)
{
  g_return_val_if_fail (KARI_IS_DISCOVERY (self), NULL);
  return self->diagnostics;
}

/**
 * kari_discovery_create_resolver:
 * @self: a #KariDiscovery
 *
 * Returns: (transfer full): a resolver that knows every extension and
 *   plugin found, and the services the host provides
 */
KariResolver *
kari_discovery_create_resolver (KariDiscovery *self)
{
  KariResolver *resolver = kari_resolver_new ();

  g_return_val_if_fail (KARI_IS_DISCOVERY (self), NULL);

  for (guint i = 0; i < self->extensions->len; i++)
    kari_resolver_add_manifest (resolver, g_ptr_array_index (self->extensions, i));
  for (guint i = 0; i < self->plugins->len; i++)
    {
      KariPluginInfo *plugin = g_ptr_array_index (self->plugins, i);
      const char *names[] = {
        kari_plugin_info_get_id (plugin),
        kari_plugin_info_get_name (plugin),
        kari_plugin_info_get_intent (plugin),
      };

      for (guint n = 0; n < G_N_ELEMENTS (names); n++)
        if (names[n] != NULL)
          kari_resolver_add_plugin (resolver, names[n], kari_plugin_info_get_version (plugin));
    }
  for (guint i = 0; host_services[i] != NULL; i++)
    kari_resolver_add_service (resolver, host_services[i]);
  return resolver;
}

static gboolean
rescan_cb (gpointer user_data)
{
  KariDiscovery *self = user_data;

  self->rescan_id = 0;
  kari_discovery_scan (self);
  /* New extension folders need monitors of their own. */
  kari_discovery_stop_monitoring (self);
  kari_discovery_start_monitoring (self, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_monitor_changed (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other_file,
                    GFileMonitorEvent  event,
                    KariDiscovery     *self)
{
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  if (self->rescan_id == 0)
    self->rescan_id = g_timeout_add (RESCAN_DELAY_MS, rescan_cb, self);
}

static gboolean
watch (KariDiscovery *self,
       const char    *path,
       GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileMonitor) monitor = NULL;

  monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (monitor == NULL)
    return FALSE;
  g_file_monitor_set_rate_limit (monitor, RESCAN_DELAY_MS);
  g_signal_connect (monitor, "changed", G_CALLBACK (on_monitor_changed), self);
  g_ptr_array_add (self->monitors, g_steal_pointer (&monitor));
  return TRUE;
}

static gboolean
watch_tree (KariDiscovery      *self,
            const char * const *roots,
            GError            **error)
{
  for (guint p = 0; roots[p] != NULL; p++)
    {
      g_autoptr(GPtrArray) subdirs = list_subdirs (roots[p]);

      if (!watch (self, roots[p], error))
        return FALSE;
      for (guint i = 0; i < subdirs->len; i++)
        {
          g_autofree char *dir = g_build_filename (roots[p], g_ptr_array_index (subdirs, i), NULL);
          if (!watch (self, dir, error))
            return FALSE;
        }
    }
  return TRUE;
}

/**
 * kari_discovery_start_monitoring:
 * @self: a #KariDiscovery
 * @error: set when a folder cannot be watched
 *
 * Watches every search path and extension folder; a change is picked up
 * by a rescan on the thread-default main context within a fraction of a
 * second, and reported with the signals.
 *
 * Returns: %TRUE when watching
 */
gboolean
kari_discovery_start_monitoring (KariDiscovery  *self,
                                 GError        **error)
{
  g_return_val_if_fail (KARI_IS_DISCOVERY (self), FALSE);

  if (self->monitors->len > 0)
    return TRUE;
  if (!watch_tree (self, (const char * const *) self->extension_paths, error)
      || !watch_tree (self, (const char * const *) self->plugin_paths, error))
    {
      kari_discovery_stop_monitoring (self);
      return FALSE;
    }
  return TRUE;
}

/**
 * kari_discovery_stop_monitoring:
 * @self: a #KariDiscovery
 *
 * Stops watching; a pending rescan is dropped.
 */
void
kari_discovery_stop_monitoring (KariDiscovery *self)
{
  g_return_if_fail (KARI_IS_DISCOVERY (self));

  g_clear_handle_id (&self->rescan_id, g_source_remove);
  for (guint i = 0; i < self->monitors->len; i++)
    {
      GFileMonitor *monitor = g_ptr_array_index (self->monitors, i);
      g_signal_handlers_disconnect_by_data (monitor, self);
      g_file_monitor_cancel (monitor);
    }
  g_ptr_array_set_size (self->monitors, 0);
}
