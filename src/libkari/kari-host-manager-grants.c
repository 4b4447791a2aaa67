/* kari-host-manager-grants.c — Manager1.Grant and Manager1.Revoke: grants
 * made and ended by another program in the running host's own engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A lasting grant can be written to the registry by any program and
 * the host takes it in at its next check; a once or session grant lives
 * in the host's memory only, so another program (kari-ext) has to ask
 * the host to make or end it. The scripting role admin was checked
 * before these run (kari-host-manager-access.c); the engine checks
 * again that the host's user is an admin of the tenant, and audits.
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "kari-host-manager-private.h"

#define DBUS_ERROR_INVALID_ARGS "org.freedesktop.DBus.Error.InvalidArgs"
#define DBUS_ERROR_FAILED       "org.freedesktop.DBus.Error.Failed"

static const char *
error_name_for (const GError *error)
{
  if (g_error_matches (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED))
    return KARI_HOST_MANAGER_DBUS_ERROR_PERMISSION_DENIED;
  if (g_error_matches (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_UNKNOWN_EXTENSION))
    return KARI_HOST_MANAGER_DBUS_ERROR_NOT_FOUND;
  if (error->domain == KARI_PERMISSION_ENGINE_ERROR || error->domain == KARI_GRANT_ERROR)
    return DBUS_ERROR_INVALID_ARGS;
  return DBUS_ERROR_FAILED;
}

static char *
grant_to_json (const KariGrant *grant)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, grant->id);
  json_builder_set_member_name (b, "permission");
  json_builder_add_string_value (b, grant->permission);
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, kari_scope_to_string (grant->scope));
  json_builder_set_member_name (b, "tenant");
  json_builder_add_string_value (b, grant->tenant);
  json_builder_set_member_name (b, "user");
  if (grant->user != NULL)
    json_builder_add_string_value (b, grant->user);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "until_usec");
  json_builder_add_int_value (b, grant->until_usec);
  json_builder_set_member_name (b, "granted_by");
  json_builder_add_string_value (b, grant->granted_by);
  json_builder_set_member_name (b, "granted_usec");
  json_builder_add_int_value (b, grant->granted_usec);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The host's user acts: the caller runs as that user (checked), and
 * the scripting role admin lets it act for them. */
static const char *
actor_of (KariHostManager *self)
{
  return kari_roles_get_local_user (kari_permission_engine_get_roles (self->engine));
}

void
_kari_host_manager_do_grant (KariHostManager       *self,
                             KariSupervisor        *supervisor,
                             GDBusMethodInvocation *invocation)
{
  g_autoptr(KariGrant) grant = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const char *name, *permission, *scope_text, *tenant, *user;
  KariScope scope;
  gint64 until_usec = 0;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s&s&s&s&s)",
                 &name, &permission, &scope_text, &tenant, &user);
  if (self->engine == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, DBUS_ERROR_FAILED,
                                                  "This host keeps no permission engine");
      return;
    }
  if (!kari_scope_from_string (scope_text, &scope, &until_usec, &error))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, DBUS_ERROR_INVALID_ARGS, error->message);
      return;
    }
  grant = kari_permission_engine_grant (self->engine, actor_of (self),
                                        *tenant != '\0' ? tenant : _kari_host_manager_get_tenant (self),
                                        name, *user != '\0' ? user : NULL, permission, scope, until_usec,
                                        &error);
  if (grant == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, error_name_for (error), error->message);
      return;
    }
  json = grant_to_json (grant);
  kari_dbus_manager1_complete_grant (self->skeleton, invocation, json);
}

void
_kari_host_manager_do_revoke (KariHostManager       *self,
                              KariSupervisor        *supervisor,
                              GDBusMethodInvocation *invocation)
{
  g_autoptr(GError) error = NULL;
  const char *name, *permission, *tenant, *user;
  guint n = 0;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s&s&s&s)",
                 &name, &permission, &tenant, &user);
  if (self->engine == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, DBUS_ERROR_FAILED,
                                                  "This host keeps no permission engine");
      return;
    }
  if (!kari_permission_engine_revoke (self->engine, actor_of (self),
                                      *tenant != '\0' ? tenant : _kari_host_manager_get_tenant (self),
                                      name, *user != '\0' ? user : NULL,
                                      *permission != '\0' ? permission : NULL, &n, &error))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, error_name_for (error), error->message);
      return;
    }
  kari_dbus_manager1_complete_revoke (self->skeleton, invocation, n);
}
