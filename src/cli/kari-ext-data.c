/* kari-ext-data.c — `kari-ext data export|import NAME FILE [--tenant T]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Backs up or restores one extension's store in one tenant. An import
 * checks the file is a store of the right shape before it replaces the
 * store in one rename; an extension the running host runs in that tenant
 * is refused, since the host would go on writing to the store it has open.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kari-ext-private.h"

static void
print_result (const char *action,
              const char *name,
              const char *tenant,
              const char *file,
              gboolean    json)
{
  GStatBuf st;
  gint64 bytes = g_stat (file, &st) == 0 ? (gint64) st.st_size : -1;

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "action");
      json_builder_add_string_value (b, action);
      json_builder_set_member_name (b, "extension");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "tenant");
      json_builder_add_string_value (b, tenant);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, file);
      json_builder_set_member_name (b, "bytes");
      json_builder_add_int_value (b, bytes);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      _kari_ext_print_json (node);
    }
  else if (g_str_equal (action, "export"))
    printf (_("Exported the data of %s in tenant “%s” to %s (%" G_GINT64_FORMAT " bytes).\n"),
            name, tenant, file, bytes);
  else
    printf (_("Imported %s as the data of %s in tenant “%s”.\n"), file, name, tenant);
}

int
kari_ext_data (int    argc,
               char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("data");
  g_autofree char *tenant = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("The tenant (default: “default”)"), N_("TENANT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *action, *name, *file;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc != 4)
    return _kari_ext_usage_error (command, _("say “data export NAME FILE” or “data import NAME FILE”"));
  action = argv[1];
  name = argv[2];
  file = argv[3];
  if (!g_str_equal (action, "export") && !g_str_equal (action, "import"))
    return _kari_ext_usage_error (command, _("unknown action “%s”: say export or import"), action);
  if (tenant == NULL)
    tenant = g_strdup (_kari_ext_default_tenant ());

  path = kari_store_dup_path (NULL, tenant, name, &error);
  if (path == NULL)
    return _kari_ext_usage_error (command, "%s", error->message);
  {
    g_autoptr(KariDiscovery) discovery = _kari_ext_discover ();
    g_autoptr(KariRegistry) registry = _kari_ext_open_registry (discovery, &error);
    g_autoptr(KariTenant) known = registry != NULL ? kari_registry_lookup_tenant (registry, tenant, &error) : NULL;

    /* Data goes only where a tenant is: see `kari-ext tenant list`. */
    if (known == NULL)
      return _kari_ext_fail (NULL, error);
  }

  if (g_str_equal (action, "export"))
    {
      g_autoptr(KariStore) store = NULL;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          fprintf (stderr, _("kari-ext: %s has no data in tenant “%s” (no store at %s)\n"), name, tenant, path);
          return KARI_EXIT_FAILURE;
        }
      store = kari_store_open (path, &error);
      if (store == NULL || !kari_store_backup (store, file, &error))
        return _kari_ext_fail (NULL, error);
    }
  else
    {
      g_autofree char *running = NULL;

      /* The host would go on writing to the store it has open. */
      if (!_kari_ext_running_in_host (name, tenant, &running, NULL, &error))
        return _kari_ext_fail (NULL, error);
      if (running != NULL)
        {
          fprintf (stderr, _("kari-ext: %s is running in tenant “%s”; nothing was imported. "
                             "Stop it first (kari-ext stop %s), then import again.\n"), name, tenant, name);
          return KARI_EXIT_FAILURE;
        }
      if (!kari_store_import (path, file, &error))
        return _kari_ext_fail (NULL, error);
    }

  print_result (action, name, tenant, file, json);
  return KARI_EXIT_OK;
}
