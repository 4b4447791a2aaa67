/* kari-ext-permissions.c — `kari-ext permissions|grant|revoke|check`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

static JsonNode *
grant_to_json (const KariGrant *g)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *granted = _kari_ext_format_time (g->granted_usec);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, g->id);
  json_builder_set_member_name (b, "permission");
  json_builder_add_string_value (b, g->permission);
  json_builder_set_member_name (b, "tenant");
  json_builder_add_string_value (b, g->tenant);
  json_builder_set_member_name (b, "user");
  if (g->user != NULL)
    json_builder_add_string_value (b, g->user);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, kari_scope_to_string (g->scope));
  json_builder_set_member_name (b, "until");
  if (g->scope == KARI_SCOPE_UNTIL)
    {
      g_autofree char *until = _kari_ext_format_time (g->until_usec);
      json_builder_add_string_value (b, until);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "granted_by");
  json_builder_add_string_value (b, g->granted_by);
  json_builder_set_member_name (b, "granted");
  json_builder_add_string_value (b, granted);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ------------------------------------------------------------------ */
/* Through the running host                                            */

/* Once and session grants live in the host's memory, so with a host
 * running (the Control Room, or kari-ext run) they are made and ended
 * by Manager1.Grant and Manager1.Revoke, which its scripting role must
 * allow (admin). */
static GVariant *
call_host (GDBusConnection    *bus,
           const char         *method,
           GVariant           *parameters,
           const GVariantType *reply_type,
           GError            **error)
{
  GVariant *reply = g_dbus_connection_call_sync (bus, KARI_HOST_MANAGER_BUS_NAME, KARI_HOST_MANAGER_PATH,
                                                 "io.github.kari.Manager1", method, parameters, reply_type,
                                                 G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);

  if (reply == NULL)
    g_dbus_error_strip_remote_error (*error);
  return reply;
}

/* The grant the host describes in @json (Manager1.Grant), or NULL */
static KariGrant *
grant_from_host (const char  *json,
                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(KariGrant) g = g_new0 (KariGrant, 1);
  gint64 until;
  JsonObject *o;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", _("the host described the grant oddly"));
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  g->id = json_object_get_int_member_with_default (o, "id", 0);
  g->permission = g_strdup (json_object_get_string_member_with_default (o, "permission", ""));
  g->tenant = g_strdup (json_object_get_string_member_with_default (o, "tenant", ""));
  g->user = g_strdup (json_object_get_string_member_with_default (o, "user", NULL));
  g->granted_by = g_strdup (json_object_get_string_member_with_default (o, "granted_by", ""));
  g->until_usec = json_object_get_int_member_with_default (o, "until_usec", 0);
  g->granted_usec = json_object_get_int_member_with_default (o, "granted_usec", 0);
  g->extension = g_strdup ("");
  if (!kari_scope_from_string (json_object_get_string_member_with_default (o, "scope", ""), &g->scope,
                               &until, NULL))
    g->scope = KARI_SCOPE_SESSION;
  return g_steal_pointer (&g);
}

static void
print_grant (const KariGrant *g)
{
  g_autofree char *until = g->scope == KARI_SCOPE_UNTIL ? _kari_ext_format_time (g->until_usec) : NULL;

  printf ("  %-40s %-10s %s%s%s %s\n", g->permission, kari_scope_to_string (g->scope),
          until ? _("until ") : "", until ? until : "", until ? "" : "",
          g->user ? g->user : _("(every user)"));
}

int
kari_ext_permissions (int    argc,
                      char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("permissions");
  g_autofree char *tenant = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("The tenant (default: the active one)"), N_("TENANT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print as JSON"), NULL },
    { NULL }
  };
  g_auto(KariExtHost) host = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  const char * const *declared;
  KariManifest *m;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc != 2)
    return _kari_ext_usage_error (command, "%s", argc < 2 ? _("no NAME given") : _("too many arguments"));
  if (tenant == NULL)
    tenant = g_strdup (_kari_ext_default_tenant ());

  if (!_kari_ext_host_open (&host, &error) || !_kari_ext_tenant_exists (&host, tenant, &error))
    return _kari_ext_fail (NULL, error);
  if ((m = _kari_ext_host_lookup (&host, argv[1])) == NULL)
    return KARI_EXIT_FAILURE;

  declared = kari_manifest_get_permissions (m);
  grants = kari_grant_store_list (kari_permission_engine_get_grants (host.engine), argv[1], tenant);

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      JsonObject *o = json_object_new ();
      JsonArray *ga = json_array_new ();
      JsonArray *da = json_array_new ();

      for (guint i = 0; declared != NULL && declared[i] != NULL; i++)
        {
          JsonObject *d = json_object_new ();
          g_autofree char *words = kari_permission_describe (declared[i]);

          json_object_set_string_member (d, "permission", declared[i]);
          json_object_set_string_member (d, "description", words);
          json_array_add_object_element (da, d);
        }
      for (guint i = 0; i < grants->len; i++)
        json_array_add_element (ga, grant_to_json (g_ptr_array_index (grants, i)));
      json_object_set_string_member (o, "extension", argv[1]);
      json_object_set_string_member (o, "tenant", tenant);
      json_object_set_array_member (o, "declared", da);
      json_object_set_array_member (o, "grants", ga);
      json_node_take_object (root, o);
      _kari_ext_print_json (root);
    }
  else
    {
      printf (_("%s may ask for:\n"), argv[1]);
      if (declared == NULL || declared[0] == NULL)
        printf ("  %s\n", _("nothing (it declares no permissions)"));
      for (guint i = 0; declared != NULL && declared[i] != NULL; i++)
        {
          g_autofree char *words = kari_permission_describe (declared[i]);
          printf ("  %-40s %s\n", declared[i], words);
        }
      printf (_("\nGranted in tenant “%s”:\n"), tenant);
      if (grants->len == 0)
        printf ("  %s\n", _("nothing yet; “kari-ext grant NAME PERMISSION” grants one"));
      for (guint i = 0; i < grants->len; i++)
        print_grant (g_ptr_array_index (grants, i));
    }

  return _kari_ext_finish (&host, KARI_EXIT_OK);
}

int
kari_ext_grant (int    argc,
                char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("grant");
  g_autofree char *tenant = NULL;
  g_autofree char *user = NULL;
  g_autofree char *scope_text = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "scope", 's', 0, G_OPTION_ARG_STRING, &scope_text,
      N_("persistent (default), until=TIME (RFC 3339 or +1h, +30m, +2d), or once or session "
         "in the running host"), N_("SCOPE") },
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("The tenant (default: the active one)"), N_("TENANT") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("Only for this user (default: every user)"), N_("USER") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the grant as JSON"), NULL },
    { NULL }
  };
  g_auto(KariExtHost) host = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KariGrant) grant = NULL;
  KariScope scope = KARI_SCOPE_PERSISTENT;
  gint64 until = 0;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc != 3)
    return _kari_ext_usage_error (command, "%s", argc < 3 ? _("NAME and PERMISSION are needed")
                                                         : _("too many arguments"));
  if (scope_text != NULL && !kari_scope_from_string (scope_text, &scope, &until, &error))
    return _kari_ext_usage_error (command, "%s", error->message);
  if (tenant == NULL)
    tenant = g_strdup (_kari_ext_default_tenant ());

  if (!_kari_ext_host_open (&host, &error) || !_kari_ext_tenant_exists (&host, tenant, &error))
    return _kari_ext_fail (NULL, error);
  if (_kari_ext_host_lookup (&host, argv[1]) == NULL)
    return KARI_EXIT_FAILURE;

  /* The grant has to outlive this command to mean anything: it is made
   * in the running host, or not at all. */
  if (scope == KARI_SCOPE_ONCE || scope == KARI_SCOPE_SESSION)
    {
      g_autoptr(GDBusConnection) bus = _kari_ext_find_host (TRUE);
      g_autoptr(GVariant) reply = NULL;
      const char *described;

      if (bus == NULL)
        {
          _kari_ext_host_close (&host, NULL);
          return _kari_ext_usage_error (command,
                                        _("a %s grant lives only as long as the program that holds it, "
                                          "and no Kari host is running; use --scope persistent or "
                                          "--scope until=TIME, or start the Control Room or kari-ext run "
                                          "first"),
                                        kari_scope_to_string (scope));
        }
      reply = call_host (bus, "Grant", g_variant_new ("(sssss)", argv[1], argv[2], scope_text, tenant,
                                                      user != NULL ? user : ""),
                         G_VARIANT_TYPE ("(s)"), &error);
      if (reply != NULL)
        {
          g_variant_get (reply, "(&s)", &described);
          grant = grant_from_host (described, &error);
        }
      if (grant == NULL)
        {
          g_prefix_error (&error, _("The running host did not grant it: "));
          return _kari_ext_fail (&host, error);
        }
      if (json)
        {
          g_autoptr(JsonNode) node = grant_to_json (grant);
          _kari_ext_print_json (node);
        }
      else
        printf (_("Granted %s to %s in tenant “%s” (%s, in the running host).\n"), grant->permission,
                argv[1], grant->tenant, kari_scope_to_string (grant->scope));
      return _kari_ext_finish (&host, KARI_EXIT_OK);
    }

  grant = kari_permission_engine_grant (host.engine, host.actor, tenant, argv[1], user, argv[2],
                                        scope, until, &error);
  if (grant == NULL)
    {
      return _kari_ext_fail (&host, error);
    }

  if (json)
    {
      g_autoptr(JsonNode) node = grant_to_json (grant);
      _kari_ext_print_json (node);
    }
  else
    printf (_("Granted %s to %s in tenant “%s” (%s).\n"), grant->permission, argv[1], tenant,
            kari_scope_to_string (grant->scope));

  return _kari_ext_finish (&host, KARI_EXIT_OK);
}

int
kari_ext_revoke (int    argc,
                 char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("revoke");
  g_autofree char *tenant = NULL;
  g_autofree char *user = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("The tenant (default: the active one)"), N_("TENANT") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("Only this user’s grants"), N_("USER") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print how many were revoked as JSON"), NULL },
    { NULL }
  };
  g_auto(KariExtHost) host = { 0 };
  g_autoptr(GError) error = NULL;
  guint n = 0;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc < 2 || argc > 3)
    return _kari_ext_usage_error (command, "%s", argc < 2 ? _("no NAME given") : _("too many arguments"));
  if (tenant == NULL)
    tenant = g_strdup (_kari_ext_default_tenant ());

  if (!_kari_ext_host_open (&host, &error) || !_kari_ext_tenant_exists (&host, tenant, &error))
    return _kari_ext_fail (NULL, error);
  if (_kari_ext_host_lookup (&host, argv[1]) == NULL)
    return KARI_EXIT_FAILURE;

  /* A running host also ends the once and session grants it holds;
   * with no host, or one whose scripting role may not revoke, the
   * registry is changed directly and the host takes that in. */
  {
    g_autoptr(GDBusConnection) bus = _kari_ext_find_host (TRUE);
    g_autoptr(GVariant) reply = NULL;

    if (bus != NULL)
      reply = call_host (bus, "Revoke", g_variant_new ("(ssss)", argv[1], argc == 3 ? argv[2] : "", tenant,
                                                       user != NULL ? user : ""),
                         G_VARIANT_TYPE ("(u)"), &error);
    if (reply != NULL)
      g_variant_get (reply, "(u)", &n);
    else if (bus != NULL)
      fprintf (stderr, _("kari-ext: the running host did not revoke (%s); revoking in the registry, "
                         "which leaves the once and session grants the host holds\n"), error->message);
    g_clear_error (&error);
    if (reply == NULL &&
        !kari_permission_engine_revoke (host.engine, host.actor, tenant, argv[1], user,
                                        argc == 3 ? argv[2] : NULL, &n, &error))
      return _kari_ext_fail (&host, error);
  }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "revoked");
      json_builder_add_int_value (b, n);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      _kari_ext_print_json (node);
    }
  else if (n == 0)
    printf (_("%s held no such grant in tenant “%s”; nothing changed.\n"), argv[1], tenant);
  else
    printf (g_dngettext (GETTEXT_PACKAGE, "Revoked %u grant of %s.\n", "Revoked %u grants of %s.\n", n),
            n, argv[1]);

  return _kari_ext_finish (&host, KARI_EXIT_OK);
}

int
kari_ext_check (int    argc,
                char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("check");
  g_autofree char *tenant = NULL;
  g_autofree char *user = NULL;
  gboolean json = FALSE;
  gboolean ask = FALSE;
  GOptionEntry entries[] = {
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("The tenant (default: the active one)"), N_("TENANT") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("The user the extension acts for"), N_("USER") },
    { "ask", 'a', 0, G_OPTION_ARG_NONE, &ask, N_("When the policy says ask, ask here on the terminal"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the decision as JSON"), NULL },
    { NULL }
  };
  g_auto(KariExtHost) host = { 0 };
  g_auto(KariCheckResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  KariCheck check = { 0 };
  KariVerdict verdict;
  const char *word;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc != 3)
    return _kari_ext_usage_error (command, "%s", argc < 3 ? _("NAME and PERMISSION are needed")
                                                         : _("too many arguments"));
  if (tenant == NULL)
    tenant = g_strdup (_kari_ext_default_tenant ());

  if (!_kari_ext_host_open (&host, &error) || !_kari_ext_tenant_exists (&host, tenant, &error))
    return _kari_ext_fail (NULL, error);
  if (_kari_ext_host_lookup (&host, argv[1]) == NULL)
    return KARI_EXIT_FAILURE;

  check.tenant = tenant;
  check.user = user;
  check.extension = argv[1];
  check.permission = argv[2];
  verdict = kari_permission_engine_check (host.engine, &check, &result);
  if (verdict == KARI_VERDICT_ASK && ask)
    {
      g_autoptr(KariPromptAgent) agent = _kari_ext_terminal_agent_new ();
      g_autoptr(GAsyncResult) async_result = NULL;

      kari_check_result_clear (&result);
      kari_permission_engine_set_prompt_agent (host.engine, agent);
      kari_permission_engine_check_async (host.engine, &check, NULL, _kari_ext_store_result, &async_result);
      while (async_result == NULL)
        g_main_context_iteration (NULL, TRUE);
      verdict = kari_permission_engine_check_finish (host.engine, async_result, &result, &error);
      if (error != NULL)
        {
          return _kari_ext_fail (&host, error);
        }
    }
  word = verdict == KARI_VERDICT_ALLOW ? "allow" : verdict == KARI_VERDICT_ASK ? "ask" : "deny";

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "verdict");
      json_builder_add_string_value (b, word);
      json_builder_set_member_name (b, "decided_by");
      json_builder_add_string_value (b, result.decided_by);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      _kari_ext_print_json (node);
    }
  else
    printf ("%s (%s)\n", word, result.decided_by ? result.decided_by : "-");

  /* A script can tell allowed from the status alone. */
  return _kari_ext_finish (&host, verdict == KARI_VERDICT_ALLOW ? KARI_EXIT_OK : KARI_EXIT_FAILURE);
}
