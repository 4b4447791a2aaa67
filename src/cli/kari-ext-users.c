/* kari-ext-users.c — `kari-ext users [list|add|remove|roles|define-role|undefine-role|scripting-role]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

typedef enum { LIST, ADD, REMOVE, ROLES, DEFINE, UNDEFINE, SCRIPTING } Action;

static const struct {
  const char *word;
  Action      action;
  int         n_args;   /* after the action word; -1: none or one */
} actions[] = {
  { "list",          LIST,     0 },
  { "add",           ADD,      2 },
  { "remove",        REMOVE,   2 },
  { "roles",         ROLES,    0 },
  { "define-role",   DEFINE,   1 },
  { "undefine-role", UNDEFINE, 1 },
  { "scripting-role", SCRIPTING, -1 },
};

static void
print_users (GPtrArray *users,
             gboolean   json)
{
  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < users->len; i++)
        {
          KariTenantUser *u = g_ptr_array_index (users, i);
          JsonObject *o = json_object_new ();

          json_object_set_string_member (o, "user", u->user);
          json_object_set_member (o, "roles", _kari_ext_strv_to_json ((const char * const *) u->roles));
          json_array_add_object_element (array, o);
        }
      json_node_take_array (root, array);
      _kari_ext_print_json (root);
      return;
    }
  for (guint i = 0; i < users->len; i++)
    {
      KariTenantUser *u = g_ptr_array_index (users, i);
      g_autofree char *roles = g_strjoinv (", ", u->roles);

      printf ("  %-24s %s\n", u->user, roles);
    }
}

static void
audit_role_change (KariAuditLog *audit,
                   const char   *tenant,
                   const char   *actor,
                   const char   *detail,
                   gboolean      allowed)
{
  KariAuditEntry entry = { 0 };

  entry.time_usec = g_get_real_time ();
  entry.kind = KARI_AUDIT_ROLE;
  entry.tenant = (char *) tenant;
  entry.user = (char *) actor;
  entry.allowed = allowed;
  entry.decided_by = (char *) "kari-ext users";
  entry.detail = (char *) detail;
  kari_audit_log_append (audit, &entry);
}

static void
print_roles (GPtrArray *list,
             gboolean   json)
{
  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < list->len; i++)
        {
          KariRole *role = g_ptr_array_index (list, i);
          JsonObject *o = json_object_new ();

          json_object_set_string_member (o, "name", role->name);
          json_object_set_string_member (o, "description", role->description);
          json_object_set_boolean_member (o, "builtin", role->builtin);
          json_array_add_object_element (array, o);
        }
      json_node_take_array (root, array);
      _kari_ext_print_json (root);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    {
      KariRole *role = g_ptr_array_index (list, i);
      printf ("  %-16s %s%s\n", role->name, role->description ? role->description : "",
              role->builtin ? _(" (built in)") : "");
    }
}

int
kari_ext_users (int    argc,
                char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("users");
  g_autofree char *tenant = NULL;
  g_autofree char *description = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("The tenant (default: the active one)"), N_("TENANT") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("With define-role: what the role is for"), N_("TEXT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print as JSON"), NULL },
    { NULL }
  };
  g_auto(KariExtHost) host = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  KariRoles *roles;
  Action action = LIST;
  int n_args = 0;
  gboolean ok = TRUE;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc >= 2)
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (actions); i++)
        if (strcmp (argv[1], actions[i].word) == 0)
          break;
      if (i == G_N_ELEMENTS (actions))
        return _kari_ext_usage_error (command, _("unknown action “%s”: say list, add, remove, roles, "
                                                 "define-role, undefine-role or scripting-role"), argv[1]);
      action = actions[i].action;
      n_args = actions[i].n_args;
    }
  if (n_args < 0 && argc - 2 > 1)
    return _kari_ext_usage_error (command, _("“users %s” takes at most one argument"), argv[1]);
  if (argc >= 2 && n_args >= 0 && argc - 2 != n_args)
    return _kari_ext_usage_error (command, _("“users %s” takes %d argument(s)"), argv[1], n_args);
  if (tenant == NULL)
    tenant = g_strdup (_kari_ext_default_tenant ());

  if (!_kari_ext_host_open (&host, &error) || !_kari_ext_tenant_exists (&host, tenant, &error))
    return _kari_ext_fail (NULL, error);
  roles = kari_permission_engine_get_roles (host.engine);

  switch (action)
    {
    case LIST:
      {
        g_autoptr(GPtrArray) users = kari_roles_list_users (roles, tenant, &error);
        if ((ok = users != NULL))
          {
            if (!json)
              printf (_("Users of tenant “%s”:\n"), tenant);
            print_users (users, json);
          }
      }
      break;
    case ROLES:
      {
        g_autoptr(GPtrArray) list = kari_roles_list_roles (roles, tenant, &error);
        if ((ok = list != NULL))
          print_roles (list, json);
      }
      break;
    case ADD:
      /* The engine checks the actor is an admin and audits the change. */
      ok = kari_permission_engine_assign_role (host.engine, host.actor, tenant, argv[2], argv[3], &error);
      break;
    case REMOVE:
      ok = kari_permission_engine_unassign_role (host.engine, host.actor, tenant, argv[2], argv[3], &error);
      break;
    case DEFINE:
    case UNDEFINE:
      detail = g_strjoinv (" ", argv + 1);
      ok = kari_roles_may (roles, tenant, host.actor, KARI_ADMIN_USERS, &error)
           && (action == DEFINE ? kari_roles_define (roles, tenant, argv[2], description, &error)
                                : kari_roles_undefine (roles, tenant, argv[2], &error));
      audit_role_change (host.audit, tenant, host.actor, detail, ok);
      break;
    case SCRIPTING:
      /* Shown, or set for the hosts started from now on. */
      if (argc == 2)
        {
          g_autofree char *role = kari_scripting_dup_role (host.registry);

          if (json)
            {
              g_autoptr(JsonBuilder) b = json_builder_new ();
              g_autoptr(JsonNode) node = NULL;

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "scripting_role");
              json_builder_add_string_value (b, role);
              json_builder_end_object (b);
              node = json_builder_get_root (b);
              _kari_ext_print_json (node);
            }
          else
            printf ("%s\n", role);
          return _kari_ext_finish (&host, KARI_EXIT_OK);
        }
      detail = g_strjoinv (" ", argv + 1);
      ok = kari_roles_may (roles, tenant, host.actor, KARI_ADMIN_USERS, &error)
           && kari_scripting_set_role (roles, host.registry, tenant, argv[2], &error);
      audit_role_change (host.audit, tenant, host.actor, detail, ok);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    return _kari_ext_fail (&host, error);
  if (!_kari_ext_host_close (&host, &error))
    return _kari_ext_fail (NULL, error);
  if (action != LIST && action != ROLES)
    {
      if (json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          g_autoptr(JsonNode) node = NULL;

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "ok");
          json_builder_add_boolean_value (b, TRUE);
          json_builder_end_object (b);
          node = json_builder_get_root (b);
          _kari_ext_print_json (node);
        }
      else
        printf ("%s\n", _("Done."));
    }
  return KARI_EXIT_OK;
}
