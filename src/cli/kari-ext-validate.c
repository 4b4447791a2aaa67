/* kari-ext-validate.c — `kari-ext validate PATH…`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

static JsonNode *
diagnostics_to_json (GPtrArray *diagnostics)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < diagnostics->len; i++)
    json_array_add_element (array, kari_diagnostic_to_json (g_ptr_array_index (diagnostics, i)));
  json_node_take_array (node, array);
  return node;
}

/* Validates one PATH; adds its result to @results. */
static gboolean
validate_one (const char *path,
              gboolean    json,
              JsonArray  *results)
{
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  JsonObject *result = json_object_new ();

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    manifest = kari_manifest_load_dir (path, diagnostics, &error);
  else
    manifest = kari_manifest_load_file (path, diagnostics, &error);

  /* A failure the loader did not itemise (file missing, unreadable)
   * still has to reach the user as a diagnostic. */
  if (manifest == NULL && kari_diagnostics_count (diagnostics, KARI_SEVERITY_ERROR) == 0)
    g_ptr_array_add (diagnostics,
                     kari_diagnostic_new (KARI_SEVERITY_ERROR, path, 0, 0, NULL, error->message));

  if (!json)
    {
      _kari_ext_print_diagnostics (diagnostics);
      if (manifest != NULL)
        printf (_("%s: valid: %s %s\n"), kari_manifest_get_path (manifest),
                kari_manifest_get_name (manifest),
                kari_version_to_string (kari_manifest_get_version (manifest)));
    }

  json_object_set_string_member (result, "path", manifest ? kari_manifest_get_path (manifest) : path);
  json_object_set_boolean_member (result, "valid", manifest != NULL);
  if (manifest != NULL)
    {
      json_object_set_string_member (result, "name", kari_manifest_get_name (manifest));
      json_object_set_string_member (result, "version",
                                     kari_version_to_string (kari_manifest_get_version (manifest)));
    }
  json_object_set_member (result, "diagnostics", diagnostics_to_json (diagnostics));
  json_array_add_object_element (results, result);

  return manifest != NULL;
}

int
kari_ext_validate (int    argc,
                   char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("validate");
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the diagnostics as JSON"), NULL },
    { NULL }
  };
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;
  gboolean all_valid = TRUE;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return _kari_ext_usage_error (command, "%s", _("no PATH given"));

  for (int i = 1; i < argc; i++)
    all_valid &= validate_one (argv[i], json, results);

  if (json)
    {
      obj = json_object_new ();
      json_object_set_boolean_member (obj, "valid", all_valid);
      json_object_set_array_member (obj, "results", json_array_ref (results));
      root = json_node_init_object (json_node_alloc (), obj);
      json_object_unref (obj);
      _kari_ext_print_json (root);
    }
  return all_valid ? KARI_EXIT_OK : KARI_EXIT_FAILURE;
}
