/* kari-ext-resolve.c — `kari-ext resolve`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

int
kari_ext_resolve (int    argc,
                  char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("resolve");
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print {\"order\": […], \"unresolved\": [{\"name\", \"reason\"}…]}"), NULL },
    { NULL }
  };
  g_autoptr(KariDiscovery) discovery = NULL;
  g_autoptr(KariResolver) resolver = NULL;
  g_autoptr(KariResolution) resolution = NULL;
  GPtrArray *order, *unresolved;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc > 1)
    return _kari_ext_usage_error (command, _("unexpected argument “%s”"), argv[1]);

  discovery = _kari_ext_discover ();
  _kari_ext_print_diagnostics (kari_discovery_get_diagnostics (discovery));
  resolver = kari_discovery_create_resolver (discovery);
  resolution = kari_resolver_resolve (resolver);
  order = kari_resolution_get_order (resolution);
  unresolved = kari_resolution_get_unresolved (resolution);

  if (json)
    {
      g_autoptr(JsonNode) root = kari_resolution_to_json (resolution);
      _kari_ext_print_json (root);
    }
  else
    {
      if (order->len == 0 && unresolved->len == 0)
        printf ("%s\n", _("No extensions found. Put an extension folder in one of the search "
                          "paths, or point KARI_EXTENSIONS_PATH at yours."));
      if (order->len > 0)
        printf ("%s\n", _("Load order:"));
      for (guint i = 0; i < order->len; i++)
        {
          KariResolved *r = g_ptr_array_index (order, i);
          printf ("  %2u. %s %s\n", i + 1, r->name, kari_version_to_string (r->version));
        }
      if (unresolved->len > 0)
        printf ("%s\n", _("Unresolved:"));
      for (guint i = 0; i < unresolved->len; i++)
        {
          KariUnresolved *u = g_ptr_array_index (unresolved, i);
          printf ("  %s: %s\n", u->name, u->reason);
        }
    }
  /* Like validate: scripts can tell a clean graph by the status alone. */
  return unresolved->len == 0 ? KARI_EXIT_OK : KARI_EXIT_FAILURE;
}
