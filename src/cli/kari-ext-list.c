/* kari-ext-list.c — `kari-ext list`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

int
kari_ext_list (int    argc,
               char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("list");
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the list as JSON"), NULL },
    { NULL }
  };
  g_autoptr(KariDiscovery) discovery = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *extensions;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc > 1)
    return _kari_ext_usage_error (command, _("unexpected argument “%s”"), argv[1]);

  discovery = _kari_ext_discover ();
  _kari_ext_print_diagnostics (kari_discovery_get_diagnostics (discovery));
  registry = _kari_ext_open_registry (discovery, &error);
  if (registry == NULL)
    return _kari_ext_fail (NULL, error);
  if (!kari_catalog_sync (registry, discovery, NULL, &error))
    return _kari_ext_fail (NULL, error);

  extensions = kari_discovery_get_extensions (discovery);
  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < extensions->len; i++)
        {
          KariManifest *m = g_ptr_array_index (extensions, i);
          JsonObject *o = json_object_new ();

          json_object_set_string_member (o, "name", kari_manifest_get_name (m));
          json_object_set_string_member (o, "version",
                                         kari_version_to_string (kari_manifest_get_version (m)));
          json_object_set_string_member (o, "display_name", kari_manifest_get_display_name (m));
          json_object_set_string_member (o, "type", kari_manifest_get_extension_type (m));
          json_object_set_string_member (o, "state", _kari_ext_state_of (registry, kari_manifest_get_name (m)));
          json_object_set_string_member (o, "path", kari_manifest_get_dir (m));
          json_array_add_object_element (array, o);
        }
      json_node_take_array (root, array);
      _kari_ext_print_json (root);
      return KARI_EXIT_OK;
    }

  if (extensions->len == 0)
    {
      printf ("%s\n", _("No extensions found. Put an extension folder in one of the search paths, "
                        "or point KARI_EXTENSIONS_PATH at yours."));
      return KARI_EXIT_OK;
    }
  printf ("%-28s %-12s %-12s %-10s %s\n", _("NAME"), _("VERSION"), _("TYPE"), _("STATE"), _("PATH"));
  for (guint i = 0; i < extensions->len; i++)
    {
      KariManifest *m = g_ptr_array_index (extensions, i);

      printf ("%-28s %-12s %-12s %-10s %s\n", kari_manifest_get_name (m),
              kari_version_to_string (kari_manifest_get_version (m)),
              _kari_ext_or_dash (kari_manifest_get_extension_type (m)),
              _kari_ext_or_dash (_kari_ext_state_of (registry, kari_manifest_get_name (m))),
              kari_manifest_get_dir (m));
    }
  return KARI_EXIT_OK;
}

