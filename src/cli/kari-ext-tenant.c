/* kari-ext-tenant.c — `kari-ext tenant list|create|rename|switch|delete`
 * and `kari-ext enable|disable NAME [--tenant T | --global]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

static JsonNode *
tenant_to_json (KariTenant *tenant,
                gboolean    active)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *created = _kari_ext_format_time (tenant->created_usec);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, tenant->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, tenant->display_name);
  json_builder_set_member_name (b, "created");
  json_builder_add_string_value (b, created);
  json_builder_set_member_name (b, "active");
  json_builder_add_boolean_value (b, active);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static int
list_tenants (KariRegistry *registry,
              gboolean      json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tenants = kari_registry_list_tenants (registry, &error);
  g_autofree char *active = tenants != NULL ? kari_registry_dup_active_tenant (registry, &error) : NULL;

  if (active == NULL)
    return _kari_ext_fail (NULL, error);

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < tenants->len; i++)
        {
          KariTenant *t = g_ptr_array_index (tenants, i);
          json_array_add_element (array, tenant_to_json (t, g_str_equal (t->id, active)));
        }
      json_node_take_array (root, array);
      _kari_ext_print_json (root);
      return KARI_EXIT_OK;
    }

  for (guint i = 0; i < tenants->len; i++)
    {
      KariTenant *t = g_ptr_array_index (tenants, i);
      g_autofree char *created = _kari_ext_format_time (t->created_usec);

      printf ("%s %-20s %-30s %s\n", g_str_equal (t->id, active) ? "*" : " ", t->id, t->display_name, created);
    }
  return KARI_EXIT_OK;
}

/* Prints one tenant after a change, when JSON is wanted. */
static int
print_tenant (KariRegistry *registry,
              const char   *id,
              gboolean      json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariTenant) tenant = NULL;
  g_autofree char *active = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (!json)
    return KARI_EXIT_OK;
  tenant = kari_registry_lookup_tenant (registry, id, &error);
  active = tenant != NULL ? kari_registry_dup_active_tenant (registry, &error) : NULL;
  if (active == NULL)
    return _kari_ext_fail (NULL, error);
  node = tenant_to_json (tenant, g_str_equal (active, id));
  _kari_ext_print_json (node);
  return KARI_EXIT_OK;
}

static const struct
{
  const char *action;
  int         n_args;   /* after the action */
} tenant_actions[] = {
  { "list", 0 }, { "create", 1 }, { "rename", 2 }, { "switch", 1 }, { "delete", 1 },
};

int
kari_ext_tenant (int    argc,
                 char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("tenant");
  gboolean json = FALSE, yes = FALSE;
  g_autofree char *name = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_("The tenant’s name, for create"), N_("NAME") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Delete without asking, for delete"), NULL },
    { NULL }
  };
  g_autoptr(KariDiscovery) discovery = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  const char *action;
  guint i;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  action = argc >= 2 ? argv[1] : "list";
  for (i = 0; i < G_N_ELEMENTS (tenant_actions); i++)
    if (g_str_equal (tenant_actions[i].action, action))
      break;
  if (i == G_N_ELEMENTS (tenant_actions))
    return _kari_ext_usage_error (command, _("unknown action “%s”: say list, create, rename, switch or delete"),
                                  action);
  if (argc >= 2 && argc - 2 != tenant_actions[i].n_args)
    return _kari_ext_usage_error (command, _("“tenant %s” takes %d argument(s)"), action,
                                  tenant_actions[i].n_args);
  if (name != NULL && !g_str_equal (action, "create"))
    return _kari_ext_usage_error (command, "%s", _("--name goes with “tenant create”"));
  if (yes && !g_str_equal (action, "delete"))
    return _kari_ext_usage_error (command, "%s", _("--yes goes with “tenant delete”"));
  /* A bad id is a usage error, found before anything is opened. */
  if (argc >= 3 && !kari_tenant_id_is_valid (argv[2], &error))
    return _kari_ext_usage_error (command, "%s", error->message);

  discovery = _kari_ext_discover ();
  registry = _kari_ext_open_registry (discovery, &error);
  if (registry == NULL)
    return _kari_ext_fail (NULL, error);

  if (g_str_equal (action, "list"))
    return list_tenants (registry, json);

  if (g_str_equal (action, "create"))
    {
      g_autoptr(KariTenant) tenant = kari_registry_create_tenant (registry, argv[2], name, &error);

      if (tenant == NULL)
        return _kari_ext_fail (NULL, error);
      if (!json)
        printf (_("Created the tenant %s (“%s”).\n"), tenant->id, tenant->display_name);
      return print_tenant (registry, argv[2], json);
    }
  if (g_str_equal (action, "rename"))
    {
      if (!kari_registry_rename_tenant (registry, argv[2], argv[3], &error))
        return _kari_ext_fail (NULL, error);
      if (!json)
        printf (_("The tenant %s is now called “%s”.\n"), argv[2], argv[3]);
      return print_tenant (registry, argv[2], json);
    }
  if (g_str_equal (action, "switch"))
    {
      if (!kari_registry_set_active_tenant (registry, argv[2], &error))
        return _kari_ext_fail (NULL, error);
      if (!json)
        printf (_("Switched to the tenant %s.\n"), argv[2]);
      return print_tenant (registry, argv[2], json);
    }

  /* delete */
  if (!yes && !_kari_ext_confirm (_("Delete the tenant “%s” and every extension’s data, config, secrets "
                                    "and grants in it?"), argv[2]))
    {
      fprintf (stderr, "%s\n", _("kari-ext: nothing deleted; --yes deletes without asking"));
      return KARI_EXIT_FAILURE;
    }
  {
    g_autofree char *running = NULL;

    if (!_kari_ext_running_in_host (NULL, argv[2], &running, NULL, &error))
      return _kari_ext_fail (NULL, error);
    if (running != NULL)
      {
        fprintf (stderr, _("kari-ext: the running host has %s running in the tenant “%s”; nothing was deleted. "
                           "Switch the host to another tenant or quit it, then delete again.\n"), running, argv[2]);
        return KARI_EXIT_FAILURE;
      }
  }
  if (!kari_removal_delete_tenant (registry, argv[2], g_get_user_name (), &error))
    return _kari_ext_fail (NULL, error);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "deleted");
      json_builder_add_string_value (b, argv[2]);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      _kari_ext_print_json (root);
    }
  else
    printf (_("Deleted the tenant %s.\n"), argv[2]);
  return KARI_EXIT_OK;
}

static int
set_enabled (const char *command_name,
             gboolean    enabled,
             int         argc,
             char      **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command (command_name);
  gboolean json = FALSE, global = FALSE;
  g_autofree char *tenant = NULL;
  GOptionEntry entries[] = {
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("The tenant (default: the active one)"), N_("TENANT") },
    { "global", 'g', 0, G_OPTION_ARG_NONE, &global, N_("In every tenant, replacing the choices made per tenant"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(KariDiscovery) discovery = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc != 2)
    return _kari_ext_usage_error (command, "%s", argc < 2 ? _("no NAME given") : _("too many arguments"));
  if (global && tenant != NULL)
    return _kari_ext_usage_error (command, "%s", _("--tenant and --global do not go together"));
  if (tenant != NULL && !kari_tenant_id_is_valid (tenant, &error))
    return _kari_ext_usage_error (command, "%s", error->message);

  discovery = _kari_ext_discover ();
  if (kari_discovery_lookup (discovery, argv[1]) == NULL)
    {
      fprintf (stderr, _("kari-ext: no extension called “%s” in the search paths; "
                         "“kari-ext list” shows what there is\n"), argv[1]);
      return KARI_EXIT_FAILURE;
    }
  registry = _kari_ext_open_registry (discovery, &error);
  if (registry == NULL)
    return _kari_ext_fail (NULL, error);
  if (!global && tenant == NULL)
    {
      tenant = kari_registry_dup_active_tenant (registry, &error);
      if (tenant == NULL)
        return _kari_ext_fail (NULL, error);
    }
  if (!kari_registry_set_enabled (registry, argv[1], global ? NULL : tenant, enabled, &error))
    return _kari_ext_fail (NULL, error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "extension");
      json_builder_add_string_value (b, argv[1]);
      json_builder_set_member_name (b, "tenant");
      if (global)
        json_builder_add_null_value (b);
      else
        json_builder_add_string_value (b, tenant);
      json_builder_set_member_name (b, "enabled");
      json_builder_add_boolean_value (b, enabled);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      _kari_ext_print_json (root);
    }
  else if (global)
    printf (enabled ? _("Enabled %s in every tenant.\n") : _("Disabled %s in every tenant.\n"), argv[1]);
  else
    printf (enabled ? _("Enabled %s in the tenant %s.\n") : _("Disabled %s in the tenant %s.\n"),
            argv[1], tenant);
  return KARI_EXIT_OK;
}

int
kari_ext_enable (int    argc,
                 char **argv)
{
  return set_enabled ("enable", TRUE, argc, argv);
}

int
kari_ext_disable (int    argc,
                  char **argv)
{
  return set_enabled ("disable", FALSE, argc, argv);
}
