/* kari-ext-policy.c — `kari-ext policy show|set`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

static int
policy_show (KariExtHost *host,
             gboolean     json)
{
  KariPolicy *policy = kari_permission_engine_get_policy (host->engine);
  g_autoptr(JsonNode) node = kari_policy_to_json (policy);

  if (json)
    _kari_ext_print_json (node);
  else
    {
      const char * const *names = kari_policy_builtin_names ();

      if (kari_policy_is_builtin (policy))
        printf (_("Policy: %s (built in)\n"), kari_policy_get_name (policy));
      else
        printf (g_dngettext (GETTEXT_PACKAGE, "Policy: %s (%u custom rule over %s)\n",
                             "Policy: %s (%u custom rules over %s)\n", kari_policy_get_n_rules (policy)),
                kari_policy_get_name (policy),
                kari_policy_get_n_rules (policy), kari_policy_get_name (kari_policy_get_base (policy)));
      printf ("%s", _("Built-in policies:"));
      for (guint i = 0; names[i] != NULL; i++)
        printf (" %s", names[i]);
      printf ("\n%s\n", _("Change it with “kari-ext policy set NAME” or “kari-ext policy set --rules FILE”."));
    }
  return KARI_EXIT_OK;
}

int
kari_ext_policy (int    argc,
                 char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("policy");
  g_autofree char *tenant = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *base = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "rules", 'r', 0, G_OPTION_ARG_FILENAME, &rules, N_("With set: a JSON file of custom rules"), N_("FILE") },
    { "base", 'b', 0, G_OPTION_ARG_STRING, &base, N_("With set --rules: the built-in policy under the rules"), N_("NAME") },
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("The tenant whose admin makes the change"), N_("TENANT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print as JSON"), NULL },
    { NULL }
  };
  g_auto(KariExtHost) host = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return _kari_ext_usage_error (command, "%s", _("say “show” or “set”"));
  if (strcmp (argv[1], "show") == 0)
    {
      if (argc > 2)
        return _kari_ext_usage_error (command, _("unexpected argument “%s”"), argv[2]);
    }
  else if (strcmp (argv[1], "set") == 0)
    {
      if ((rules == NULL) == (argc != 3) || argc > 3)
        return _kari_ext_usage_error (command, "%s", _("“policy set” takes a built-in NAME or --rules FILE"));
    }
  else
    return _kari_ext_usage_error (command, _("unknown action “%s”: say “show” or “set”"), argv[1]);
  if (tenant == NULL)
    tenant = g_strdup (_kari_ext_default_tenant ());

  if (!_kari_ext_host_open (&host, &error) || !_kari_ext_tenant_exists (&host, tenant, &error))
    return _kari_ext_fail (NULL, error);

  if (strcmp (argv[1], "set") == 0)
    {
      /* Saved as an absolute path: the next command may run elsewhere. */
      g_autofree char *rules_path = rules != NULL ? g_canonicalize_filename (rules, NULL) : NULL;
      const char *base_name = rules != NULL ? (base != NULL ? base : "balanced") : argv[2];

      if (!kari_permission_engine_set_policy_from_file (host.engine, host.actor, tenant, base_name,
                                                        rules_path, diagnostics, &error))
        {
          _kari_ext_print_diagnostics (diagnostics);
          /* The diagnostics already say what is wrong with the file. */
          return _kari_ext_fail (&host, diagnostics->len == 0 ? error : NULL);
        }
      _kari_ext_print_diagnostics (diagnostics);
      if (!json)
        printf (_("The policy is now %s.\n"),
                kari_policy_get_name (kari_permission_engine_get_policy (host.engine)));
    }
  if (strcmp (argv[1], "show") == 0 || json)
    status = policy_show (&host, json);
  else
    status = KARI_EXIT_OK;

  return _kari_ext_finish (&host, status);
}
