/* kari-ext.c — the command line of Kari Control Room
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

static const KariExtCommand commands[] = {
  { "validate", N_("PATH…"), N_("Check extension folders or manifest files"), kari_ext_validate },
  { "list",     "",          N_("List the extensions found in the search paths"), kari_ext_list },
  { "info",     N_("NAME"),  N_("Show everything known about one extension"), kari_ext_info },
  { "resolve",  "",          N_("Show the load order and what cannot be resolved"), kari_ext_resolve },
  { "run",      N_("PATH|NAME…"), N_("Run extensions in sandboxes in the foreground, until interrupted"), kari_ext_run },
  { "permissions", N_("NAME"), N_("Show what an extension may ask for and what it was granted"), kari_ext_permissions },
  { "grant",    N_("NAME PERMISSION"), N_("Grant a declared permission"), kari_ext_grant },
  { "revoke",   N_("NAME [PERMISSION]"), N_("Revoke one permission, or all of an extension’s grants"), kari_ext_revoke },
  { "check",    N_("NAME PERMISSION"), N_("Ask the permission engine what it would decide"), kari_ext_check },
  { "policy",   N_("show|set [NAME]"), N_("Show or change the permission policy"), kari_ext_policy },
  { "audit",    "",          N_("Query and export the audit log"), kari_ext_audit },
  { "start",    N_("NAME"),  N_("Start an extension in the running host"), kari_ext_start },
  { "stop",     N_("NAME"),  N_("Stop an extension in the running host"), kari_ext_stop },
  { "restart",  N_("NAME"),  N_("Restart an extension in the running host"), kari_ext_restart },
  { "status",   N_("[NAME]"), N_("Show an extension’s state in the running host, or every extension’s"), kari_ext_status },
  { "logs",     N_("NAME"),  N_("Show (or follow) an extension’s log in the running host"), kari_ext_logs },
  { "metrics",  N_("NAME"),  N_("Show an extension’s resource use: live from the running host, or its history"), kari_ext_metrics },
  { "call",     N_("NAME ENDPOINT [JSON]"), N_("Send a request to an extension’s endpoint"), kari_ext_call },
  { "users",    N_("[ACTION]"), N_("List users and roles of a tenant, or change them"), kari_ext_users },
  { "tenant",   N_("[ACTION] [ID]"), N_("List, create, rename, switch or delete tenants"), kari_ext_tenant },
  { "enable",   N_("NAME"),  N_("Enable an extension in a tenant, or in every tenant"), kari_ext_enable },
  { "disable",  N_("NAME"),  N_("Disable an extension in a tenant, or in every tenant"), kari_ext_disable },
  { "config",   N_("ACTION NAME [KEY]"), N_("Settings of an extension in a tenant: get, set KEY VALUE, reset"), kari_ext_config },
  { "remove",   N_("NAME"),  N_("Remove an extension with its data, config, secrets, grants and logs"), kari_ext_remove },
  { "data",     N_("export|import NAME FILE"), N_("Back up or restore an extension’s data in a tenant"), kari_ext_data },
};

const KariExtCommand *
_kari_ext_lookup_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

static void
print_global_help (FILE *out)
{
  fprintf (out, "%s\n", _("Usage: kari-ext COMMAND [OPTION…]"));
  fprintf (out, "\n%s\n", _("Manage Kari Control Room extensions."));
  fprintf (out, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *parameter = _(commands[i].parameter);
      /* Pad by characters, not bytes: “PATH…” is not seven columns wide. */
      int pad = 20 - (int) g_utf8_strlen (parameter, -1);

      fprintf (out, "  %-12s %s%*s %s\n", commands[i].name, parameter, MAX (pad, 0), "",
               _(commands[i].summary));
    }
  fprintf (out, "\n%s\n", _("Run “kari-ext COMMAND --help” for the options of a command."));
  fprintf (out, "%s\n", _("Search paths: KARI_EXTENSIONS_PATH, then $XDG_DATA_HOME/kari/extensions, "
                          "then kari/extensions in $XDG_DATA_DIRS; the first folder to declare a name wins."));
}

int
_kari_ext_usage_error (const KariExtCommand *command,
                       const char           *format,
                       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "kari-ext: %s\n", message);
  if (command != NULL)
    fprintf (stderr, _("Usage: kari-ext %s [OPTION…] %s\n"), command->name, _(command->parameter));
  else
    fprintf (stderr, "%s\n", _("Usage: kari-ext COMMAND [OPTION…]"));
  if (command != NULL)
    fprintf (stderr, _("Try “kari-ext %s --help” for more information.\n"), command->name);
  else
    fprintf (stderr, "%s\n", _("Try “kari-ext --help” for more information."));
  return KARI_EXIT_USAGE;
}

/* Parses the options of one command; returns -1 to go on, else an exit status. */
int
_kari_ext_parse_options (const KariExtCommand *command,
                         GOptionEntry         *entries,
                         int                  *argc,
                         char               ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("kari-ext %s", command->name);

  g_set_prgname (prgname);
  context = g_option_context_new (_(command->parameter));
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    return _kari_ext_usage_error (command, "%s", error->message);
  return -1;
}

void
_kari_ext_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

void
_kari_ext_print_diagnostics (GPtrArray *diagnostics)
{
  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      g_autofree char *line = kari_diagnostic_to_string (g_ptr_array_index (diagnostics, i));
      fprintf (stderr, "%s\n", line);
    }
}

JsonNode *
_kari_ext_strv_to_json (const char * const *strv)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  json_node_take_array (node, array);
  return node;
}

KariDiscovery *
_kari_ext_discover (void)
{
  KariDiscovery *discovery = kari_discovery_new ();

  kari_discovery_scan (discovery);
  return discovery;
}

/* Registers again what discovery finds; used when the registry was
 * rebuilt after corruption. */
static gboolean
rebuild_registry (KariRegistry  *registry,
                  gpointer       user_data,
                  GError       **error)
{
  return kari_catalog_sync (registry, user_data, NULL, error);
}

KariRegistry *
_kari_ext_open_registry (KariDiscovery  *discovery,
                         GError        **error)
{
  g_autofree char *path = kari_registry_default_path ();
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(GError) local_error = NULL;
  guint n_finished = 0;

  registry = kari_registry_open (path, rebuild_registry, discovery, error);
  if (registry == NULL)
    return NULL;
  /* A removal that was interrupted is finished before anything else
   * looks at what is installed. */
  if (!kari_removal_resume (registry, &n_finished, &local_error))
    fprintf (stderr, _("kari-ext: warning: %s\n"), local_error->message);
  else if (n_finished > 0)
    {
      fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "kari-ext: finished %u interrupted removal\n",
                                    "kari-ext: finished %u interrupted removals\n", n_finished), n_finished);
      /* The scan may have seen a folder the removal has deleted since. */
      kari_discovery_scan (discovery);
    }
  if (kari_registry_get_recovered_path (registry) != NULL)
    fprintf (stderr,
             _("kari-ext: warning: the registry %s was damaged; it was moved to %s "
               "and rebuilt from the installed extensions. Keep the old file if you "
               "need anything from it.\n"),
             path, kari_registry_get_recovered_path (registry));
  return g_steal_pointer (&registry);
}

/* The state a person sees. Discovery only yields valid manifests, so
 * one the registry has not taken in (its dependencies are not met) is
 * validated but not resolved. */
const char *
_kari_ext_state_of (KariRegistry *registry,
                    const char   *name)
{
  g_autoptr(KariRegistryEntry) entry = kari_registry_lookup (registry, name, NULL);

  return kari_state_to_string (entry != NULL ? entry->state : KARI_STATE_VALIDATED);
}

const char *
_kari_ext_or_dash (const char *s)
{
  return s != NULL && *s != '\0' ? s : "-";
}

int
main (int    argc,
      char **argv)
{
  const KariExtCommand *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    return _kari_ext_usage_error (NULL, "%s", _("no command given"));

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      if (argc > 2 && strcmp (argv[1], "help") == 0 && (command = _kari_ext_lookup_command (argv[2])) != NULL)
        {
          char *help_argv[] = { argv[0], (char *) "--help", NULL };
          return command->run (2, help_argv);
        }
      print_global_help (stdout);
      return KARI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("kari-ext %s\n", PACKAGE_VERSION);
      return KARI_EXIT_OK;
    }

  command = _kari_ext_lookup_command (argv[1]);
  if (command == NULL)
    return _kari_ext_usage_error (NULL, _("unknown command “%s”"), argv[1]);

  /* The command sees itself as argv[0]. */
  return command->run (argc - 1, argv + 1);
}
