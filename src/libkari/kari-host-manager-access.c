/* kari-host-manager-access.c — who calls io.github.kari.Manager1, whether
 * the scripting role lets them, and the audit entry that says so
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The caller is who the bus daemon says: its unique name from the
 * message header (set by the daemon, not the caller), its uid and pid
 * from GetConnectionCredentials. Nothing in a call's arguments says who
 * made it. A caller running as another user is refused whatever the
 * role; for the host's own user, the scripting role decides
 * (kari-scripting.c). Every call, allowed or refused, is audited before
 * it runs or is answered.
 */
#include "config.h"

#include <unistd.h>

#include "kari-host-manager-private.h"
#include "kari-scripting.h"

typedef struct
{
  KariHostManager       *self;
  GDBusMethodInvocation *invocation;   /* answered on every path */
  KariManagerAction      action;
} Pending;

static void
pending_free (Pending *p)
{
  g_object_unref (p->self);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

/* The extension a call names: its first argument, for every method but
 * ListExtensions. */
static const char *
named_extension (GDBusMethodInvocation *invocation)
{
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  const char *name = NULL;

  if (g_variant_n_children (parameters) > 0)
    {
      g_autoptr(GVariant) first = g_variant_get_child_value (parameters, 0);

      if (g_variant_is_of_type (first, G_VARIANT_TYPE_STRING))
        name = g_variant_get_string (first, NULL);
    }
  return name;
}

static void
audit (KariHostManager       *self,
       GDBusMethodInvocation *invocation,
       gboolean               known,
       guint32                uid,
       guint32                pid,
       gboolean               allowed,
       const char            *decided_by)
{
  g_autofree char *permission = g_strconcat ("manager:", g_dbus_method_invocation_get_method_name (invocation),
                                             NULL);
  g_autofree char *user = known ? g_strdup_printf ("uid:%u", uid) : NULL;
  g_autofree char *detail = known
    ? g_strdup_printf ("uid=%u pid=%u bus=%s", uid, pid, g_dbus_method_invocation_get_sender (invocation))
    : g_strdup_printf ("bus=%s (credentials unavailable)", g_dbus_method_invocation_get_sender (invocation));
  KariAuditEntry entry = { 0 };

  if (self->audit == NULL)
    return;
  entry.kind = KARI_AUDIT_MANAGER;
  entry.extension = (char *) named_extension (invocation);
  entry.tenant = self->tenant;
  entry.user = user;
  entry.permission = permission;
  entry.resource = entry.extension;
  entry.allowed = allowed;
  entry.decided_by = (char *) decided_by;
  entry.detail = detail;
  kari_audit_log_append (self->audit, &entry);
}

static void
refuse (GDBusMethodInvocation *invocation,
        const char            *message)
{
  g_dbus_method_invocation_return_dbus_error (invocation, KARI_HOST_MANAGER_DBUS_ERROR_PERMISSION_DENIED,
                                              message);
}

static void
on_credentials (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Pending) p = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autoptr(GVariant) credentials = NULL;
  g_autofree char *decided_by = NULL;
  KariHostManager *self = p->self;
  const char *method = g_dbus_method_invocation_get_method_name (p->invocation);
  KariScriptingAccess access = kari_scripting_access_for_method (method);
  const char *name = named_extension (p->invocation);
  KariSupervisor *supervisor = NULL;
  guint32 uid = 0, pid = 0;

  if (reply == NULL)
    {
      audit (self, p->invocation, FALSE, 0, 0, FALSE, "credentials");
      refuse (p->invocation, "The caller could not be identified by the bus");
      return;
    }
  credentials = g_variant_get_child_value (reply, 0);
  if (!g_variant_lookup (credentials, "UnixUserID", "u", &uid))
    {
      audit (self, p->invocation, FALSE, 0, 0, FALSE, "credentials");
      refuse (p->invocation, "The bus did not say which user the caller runs as");
      return;
    }
  g_variant_lookup (credentials, "ProcessID", "u", &pid);

  if (uid != getuid ())
    {
      audit (self, p->invocation, TRUE, uid, pid, FALSE, "uid");
      refuse (p->invocation, "Only the host's own user may call it");
      return;
    }
  decided_by = g_strdup_printf ("scripting-role:%s", self->scripting_role);
  if (!kari_scripting_role_allows (self->scripting_role, access))
    {
      const char * const *may = kari_scripting_roles_for (access);
      g_autofree char *roles = g_strjoinv ("” or “", (char **) may);
      g_autofree char *message = g_strdup_printf ("%s needs the role “%s”; other programs act with the "
                                                  "scripting role “%s” (set with kari-ext run "
                                                  "--scripting-role ROLE or the setting %s)",
                                                  method, roles, self->scripting_role,
                                                  KARI_SCRIPTING_ROLE_SETTING);

      audit (self, p->invocation, TRUE, uid, pid, FALSE, decided_by);
      refuse (p->invocation, message);
      return;
    }
  audit (self, p->invocation, TRUE, uid, pid, TRUE, decided_by);

  if (name != NULL && (supervisor = _kari_host_manager_lookup (self, p->invocation, name)) == NULL)
    return;
  p->action (self, supervisor, p->invocation);
}

/* Runs @action once the bus daemon has said who the caller is and the
 * scripting role allows the call; answers the call otherwise. */
void
_kari_host_manager_authorize (KariHostManager       *self,
                              GDBusMethodInvocation *invocation,
                              KariManagerAction      action)
{
  Pending *p = g_new0 (Pending, 1);

  p->self = g_object_ref (self);
  p->invocation = invocation;
  p->action = action;
  g_dbus_connection_call (g_dbus_method_invocation_get_connection (invocation),
                          "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "GetConnectionCredentials",
                          g_variant_new ("(s)", g_dbus_method_invocation_get_sender (invocation)),
                          G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_credentials, p);
}
