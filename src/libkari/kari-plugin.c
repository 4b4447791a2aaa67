/* kari-plugin.c — plugins as the plugin specification describes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A plugin is a folder with a plugin_manifest.json. Here we only read
 * what discovery and the resolver need: the plugin can be named by its
 * folder, its `name` or its `intent`, since manifests in the wild use all
 * three (the seed's analytics example depends on "time_query").
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-json.h"
#include "kari-manifest.h"
#include "kari-plugin.h"
#include "kari-text-private.h"

struct _KariPluginInfo
{
  GObject      parent_instance;
  char        *id;        /* folder name */
  char        *name;
  char        *intent;
  char        *dir;
  KariVersion *version;
};

G_DEFINE_FINAL_TYPE (KariPluginInfo, kari_plugin_info, G_TYPE_OBJECT)
G_DEFINE_QUARK (kari-plugin-error-quark, kari_plugin_error)

static void
kari_plugin_info_finalize (GObject *object)
{
  KariPluginInfo *self = KARI_PLUGIN_INFO (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->intent, g_free);
  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->version, kari_version_unref);

  G_OBJECT_CLASS (kari_plugin_info_parent_class)->finalize (object);
}

static void
kari_plugin_info_class_init (KariPluginInfoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_plugin_info_finalize;
}

static void
kari_plugin_info_init (KariPluginInfo *self)
{
}

static void
add_diagnostic (GPtrArray     *diagnostics,
                const char    *file,
                KariLocations *locations,
                const char    *path,
                const char    *message)
{
  KariPosition pos = { 0, 0 };

  if (diagnostics == NULL)
    return;
  if (locations != NULL)
    kari_locations_lookup (locations, path, &pos);
  g_ptr_array_add (diagnostics,
                   kari_diagnostic_new (KARI_SEVERITY_ERROR, file, pos.line,
                                        pos.column, path, message));
}

/* Reads an optional string member; a member of another type is an error. */
static gboolean
read_string (JsonObject     *obj,
             const char     *member,
             gboolean        required,
             char          **out,
             const char     *file,
             KariLocations  *locations,
             GPtrArray      *diagnostics)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL)
    {
      if (required)
        {
          g_autofree char *msg = g_strdup_printf ("required field “%s” is missing", member);
          add_diagnostic (diagnostics, file, locations, "", msg);
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || *json_node_get_string (node) == '\0')
    {
      add_diagnostic (diagnostics, file, locations, member, "expected a non-empty string");
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/**
 * kari_plugin_info_load_dir:
 * @dir: a plugin folder holding plugin_manifest.json
 * @diagnostics: (nullable) (element-type KariDiagnostic): where problems go
 * @error: set when the plugin cannot be used
 *
 * Returns: (transfer full): the plugin, or %NULL
 */
KariPluginInfo *
kari_plugin_info_load_dir (const char  *dir,
                           GPtrArray   *diagnostics,
                           GError     **error)
{
  g_autofree char *file = g_build_filename (dir, "plugin_manifest.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(KariLocations) locations = kari_locations_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(KariPluginInfo) self = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GError) local_error = NULL;
  KariPosition pos = { 0, 0 };
  JsonObject *obj;
  gsize length;
  gboolean ok = TRUE;

  g_return_val_if_fail (dir != NULL, NULL);

  if (!_kari_text_read_file (file, KARI_MANIFEST_MAX_SIZE, &text, &length, &local_error))
    {
      g_set_error (error, KARI_PLUGIN_ERROR, KARI_PLUGIN_ERROR_INVALID,
                   _("%s: %s"), file, local_error->message);
      return NULL;
    }

  root = kari_json_parse (text, length, locations, &pos, &local_error);
  if (root == NULL)
    {
      if (diagnostics != NULL)
        g_ptr_array_add (diagnostics,
                         kari_diagnostic_new (KARI_SEVERITY_ERROR, file, pos.line,
                                              pos.column, NULL, local_error->message));
      g_set_error (error, KARI_PLUGIN_ERROR, KARI_PLUGIN_ERROR_INVALID,
                   _("%s:%u:%u: %s"), file, pos.line, pos.column, local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      add_diagnostic (diagnostics, file, locations, "", "expected an object");
      g_set_error (error, KARI_PLUGIN_ERROR, KARI_PLUGIN_ERROR_INVALID,
                   _("%s: expected an object"), file);
      return NULL;
    }

  obj = json_node_get_object (root);
  self = g_object_new (KARI_TYPE_PLUGIN_INFO, NULL);
  self->id = g_path_get_basename (dir);
  self->dir = g_strdup (dir);

  ok &= read_string (obj, "name", TRUE, &self->name, file, locations, diagnostics);
  ok &= read_string (obj, "intent", FALSE, &self->intent, file, locations, diagnostics);
  ok &= read_string (obj, "version", FALSE, &version, file, locations, diagnostics);
  if (version != NULL)
    {
      self->version = kari_version_parse (version, &local_error);
      if (self->version == NULL)
        {
          add_diagnostic (diagnostics, file, locations, "version", local_error->message);
          ok = FALSE;
        }
    }

  if (!ok)
    {
      g_set_error (error, KARI_PLUGIN_ERROR, KARI_PLUGIN_ERROR_INVALID,
                   _("%s is not a valid plugin manifest"), file);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/** kari_plugin_info_get_id: Returns: the folder name */
const char *
kari_plugin_info_get_id (KariPluginInfo *self)
{
  g_return_val_if_fail (KARI_IS_PLUGIN_INFO (self), NULL);
  return self->id;
}

/** kari_plugin_info_get_name: Returns: the manifest's `name` */
const char *
kari_plugin_info_get_name (KariPluginInfo *self)
{
  g_return_val_if_fail (KARI_IS_PLUGIN_INFO (self), NULL);
  return self->name;
}

/** kari_plugin_info_get_intent: Returns: (nullable): the intent it handles */
const char *
kari_plugin_info_get_intent (KariPluginInfo *self)
{
  g_return_val_if_fail (KARI_IS_PLUGIN_INFO (self), NULL);
  return self->intent;
}

/** kari_plugin_info_get_version: Returns: (nullable) (transfer none): its version */
KariVersion *
kari_plugin_info_get_version (KariPluginInfo *self)
{
  g_return_val_if_fail (KARI_IS_PLUGIN_INFO (self), NULL);
  return self->version;
}

/** kari_plugin_info_get_dir: Returns: the plugin's folder */
const char *
kari_plugin_info_get_dir (KariPluginInfo *self)
{
  g_return_val_if_fail (KARI_IS_PLUGIN_INFO (self), NULL);
  return self->dir;
}

/**
 * kari_plugin_info_provides:
 * @self: a plugin
 * @name: a name a manifest depends on
 *
 * Returns: whether @name names this plugin by folder, name or intent
 */
gboolean
kari_plugin_info_provides (KariPluginInfo *self,
                           const char     *name)
{
  g_return_val_if_fail (KARI_IS_PLUGIN_INFO (self), FALSE);
  return g_strcmp0 (name, self->id) == 0
      || g_strcmp0 (name, self->name) == 0
      || g_strcmp0 (name, self->intent) == 0;
}
