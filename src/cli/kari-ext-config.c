/* kari-ext-config.c — `kari-ext config get NAME [KEY] | set NAME KEY VALUE
 * | reset NAME [KEY]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KEY is a JSON Pointer (`/proxy/port`) or a dotted path (`proxy.port`).
 * VALUE is JSON; for a setting the schema says is a string, text that is
 * not a JSON string is taken as it is. Secrets are never printed: `get`
 * says whether they are set.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

typedef enum { GET, SET, RESET } Action;

static const struct
{
  const char *word;
  Action      action;
  int         min_args;   /* after the action: NAME … */
  int         max_args;
} config_actions[] = {
  { "get",   GET,   1, 2 },
  { "set",   SET,   3, 3 },
  { "reset", RESET, 1, 2 },
};

static char *
to_text (JsonNode *node,
         gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  json_generator_set_pretty (generator, pretty);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static void
begin_result (JsonBuilder *b,
              KariConfig  *config)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "extension");
  json_builder_add_string_value (b, kari_config_get_extension (config));
  json_builder_set_member_name (b, "tenant");
  json_builder_add_string_value (b, kari_config_get_tenant (config));
}

static void
print_result (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_object (b);
  root = json_builder_get_root (b);
  _kari_ext_print_json (root);
}

static int
get_all (KariConfig *config,
         gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) doc = kari_config_get (config, FALSE, &error);
  g_auto(GStrv) secrets = kari_config_dup_secret_keys (config);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (doc == NULL)
    return _kari_ext_fail (NULL, error);

  if (json)
    {
      begin_result (b, config);
      json_builder_set_member_name (b, "config");
      json_builder_add_value (b, json_node_copy (doc));
      json_builder_set_member_name (b, "secrets");
      json_builder_begin_object (b);
    }
  else
    {
      g_autofree char *text = to_text (doc, TRUE);
      printf ("%s\n", text);
    }

  for (guint i = 0; secrets[i] != NULL; i++)
    {
      gboolean set = kari_config_secret_is_set (config, secrets[i], &error);

      if (error != NULL)
        return _kari_ext_fail (NULL, error);
      if (json)
        {
          json_builder_set_member_name (b, secrets[i]);
          json_builder_add_string_value (b, set ? "set" : "unset");
        }
      else
        printf (_("secret %s: %s\n"), secrets[i], set ? _("set") : _("unset"));
    }

  if (json)
    {
      json_builder_end_object (b);
      print_result (b);
    }
  return KARI_EXIT_OK;
}

static int
get_one (KariConfig *config,
         const char *key,
         gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pointer = kari_config_key_to_pointer (key, &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) value = NULL;

  if (pointer == NULL)
    return _kari_ext_fail (NULL, error);

  if (kari_config_is_secret (config, pointer))
    {
      gboolean set = kari_config_secret_is_set (config, pointer, &error);

      if (error != NULL)
        return _kari_ext_fail (NULL, error);
      if (!json)
        {
          printf ("%s\n", set ? _("set") : _("unset"));
          return KARI_EXIT_OK;
        }
      begin_result (b, config);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, pointer);
      json_builder_set_member_name (b, "secret");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "set");
      json_builder_add_boolean_value (b, set);
      print_result (b);
      return KARI_EXIT_OK;
    }

  value = kari_config_get_value (config, pointer, FALSE, &error);
  if (error != NULL)
    return _kari_ext_fail (NULL, error);
  if (!json)
    {
      g_autofree char *text = value != NULL ? to_text (value, TRUE) : NULL;

      if (text == NULL)
        fprintf (stderr, _("kari-ext: %s is not set and has no default\n"), pointer);
      else
        printf ("%s\n", text);
      return value != NULL ? KARI_EXIT_OK : KARI_EXIT_FAILURE;
    }
  begin_result (b, config);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, pointer);
  json_builder_set_member_name (b, "secret");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "value");
  if (value != NULL)
    json_builder_add_value (b, g_steal_pointer (&value));
  else
    json_builder_add_null_value (b);
  print_result (b);
  return KARI_EXIT_OK;
}

static int
set_one (KariConfig *config,
         const char *key,
         const char *text,
         gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pointer = kari_config_key_to_pointer (key, &error);
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gboolean secret;

  if (pointer == NULL)
    return _kari_ext_fail (NULL, error);
  secret = kari_config_is_secret (config, pointer);
  value = kari_config_parse_value (config, pointer, text, &error);
  if (value == NULL || !kari_config_set (config, pointer, value, &error))
    return _kari_ext_fail (NULL, error);

  if (!json)
    {
      if (secret)
        printf (_("Stored the secret %s of %s (tenant %s) in the keyring.\n"), pointer,
                kari_config_get_extension (config), kari_config_get_tenant (config));
      else
        printf (_("Set %s of %s (tenant %s).\n"), pointer, kari_config_get_extension (config),
                kari_config_get_tenant (config));
      return KARI_EXIT_OK;
    }
  begin_result (b, config);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, pointer);
  json_builder_set_member_name (b, "secret");
  json_builder_add_boolean_value (b, secret);
  if (!secret)
    {
      json_builder_set_member_name (b, "value");
      json_builder_add_value (b, g_steal_pointer (&value));
    }
  print_result (b);
  return KARI_EXIT_OK;
}

static int
reset (KariConfig *config,
       const char *key,
       gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pointer = key != NULL ? kari_config_key_to_pointer (key, &error) : NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (key != NULL && pointer == NULL)
    return _kari_ext_fail (NULL, error);
  if (!kari_config_reset (config, pointer, &error))
    return _kari_ext_fail (NULL, error);
  if (!json)
    {
      if (pointer != NULL)
        printf (_("Reset %s of %s (tenant %s) to its default.\n"), pointer,
                kari_config_get_extension (config), kari_config_get_tenant (config));
      else
        printf (_("Reset every setting of %s (tenant %s) to its default.\n"),
                kari_config_get_extension (config), kari_config_get_tenant (config));
      return KARI_EXIT_OK;
    }
  begin_result (b, config);
  json_builder_set_member_name (b, "reset");
  if (pointer != NULL)
    json_builder_add_string_value (b, pointer);
  else
    json_builder_add_null_value (b);
  print_result (b);
  return KARI_EXIT_OK;
}

/* Tells the running host, if there is one, so that it tells the
 * extension (Extension1.ConfigChanged). A host that is not there, or
 * does not run it, is not an error: the extension reads its config when
 * it starts. */
void
_kari_ext_announce_config (const char *extension,
                           const char *tenant)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (bus == NULL)
    return;
  reply = g_dbus_connection_call_sync (bus, KARI_HOST_MANAGER_BUS_NAME, KARI_HOST_MANAGER_PATH,
                                       "io.github.kari.Manager1", "ConfigChanged",
                                       g_variant_new ("(ss)", extension, tenant), NULL,
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000, NULL, &error);
  if (reply == NULL)
    g_debug ("The host was not told of the change: %s", error->message);
}

int
kari_ext_config (int    argc,
                 char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("config");
  gboolean json = FALSE;
  g_autofree char *tenant = NULL;
  GOptionEntry entries[] = {
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("The tenant (default: the active one)"), N_("TENANT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(KariDiscovery) discovery = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(KariConfig) config = NULL;
  g_autoptr(KariTenant) found = NULL;
  g_autoptr(GError) error = NULL;
  KariManifest *manifest;
  guint i;
  int status, n_args;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return _kari_ext_usage_error (command, "%s", _("say get, set or reset"));
  for (i = 0; i < G_N_ELEMENTS (config_actions); i++)
    if (g_str_equal (config_actions[i].word, argv[1]))
      break;
  if (i == G_N_ELEMENTS (config_actions))
    return _kari_ext_usage_error (command, _("unknown action “%s”: say get, set or reset"), argv[1]);
  n_args = argc - 2;
  if (n_args < config_actions[i].min_args || n_args > config_actions[i].max_args)
    return _kari_ext_usage_error (command, "%s",
                                  config_actions[i].action == SET ? _("“config set” takes NAME KEY VALUE")
                                  : config_actions[i].action == GET ? _("“config get” takes NAME [KEY]")
                                  : _("“config reset” takes NAME [KEY]"));
  if (tenant != NULL && !kari_tenant_id_is_valid (tenant, &error))
    return _kari_ext_usage_error (command, "%s", error->message);

  discovery = _kari_ext_discover ();
  manifest = kari_discovery_lookup (discovery, argv[2]);
  if (manifest == NULL)
    {
      fprintf (stderr, _("kari-ext: no extension called “%s” in the search paths; "
                         "“kari-ext list” shows what there is\n"), argv[2]);
      return KARI_EXIT_FAILURE;
    }
  registry = _kari_ext_open_registry (discovery, &error);
  if (registry == NULL)
    return _kari_ext_fail (NULL, error);
  if (tenant == NULL)
    tenant = kari_registry_dup_active_tenant (registry, &error);
  if (tenant != NULL)
    found = kari_registry_lookup_tenant (registry, tenant, &error);
  if (found == NULL)
    return _kari_ext_fail (NULL, error);

  config = kari_config_new (registry, manifest, tenant, &error);
  if (config == NULL)
    return _kari_ext_fail (NULL, error);

  switch (config_actions[i].action)
    {
    case GET:
      return n_args == 2 ? get_one (config, argv[3], json) : get_all (config, json);
    case SET:
      status = set_one (config, argv[3], argv[4], json);
      break;
    case RESET:
    default:
      status = reset (config, n_args == 2 ? argv[3] : NULL, json);
      break;
    }
  if (status == KARI_EXIT_OK)
    _kari_ext_announce_config (kari_config_get_extension (config), tenant);
  return status;
}
