/* kari-host-manager-inspect.c — the Manager1 methods that read the
 * registry and the audit log: Inspect, Enable, Disable, QueryAudit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * They run once _kari_host_manager_authorize() has allowed the call and
 * found the extension installed. Everything they answer is JSON built
 * with JsonBuilder, so no byte of a manifest or an audit entry can break
 * out of its string.
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "kari-grant.h"
#include "kari-host-manager-private.h"
#include "kari-tenant.h"

#define DBUS_ERROR_FAILED        "io.github.kari.Error.Failed"
#define DBUS_ERROR_INVALID_ARGS  "org.freedesktop.DBus.Error.InvalidArgs"

/* The most QueryAudit answers at once, and what it answers for 0. */
#define AUDIT_LIMIT_MAX     1000
#define AUDIT_LIMIT_DEFAULT 100

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

/* The manifest's own words, from the copy the registry keeps. */
static void
add_manifest (JsonBuilder       *builder,
              KariRegistryEntry *entry)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = NULL;
  const char *members[] = { "display_name", "description", "type" };

  if (entry->manifest_json != NULL && json_parser_load_from_data (parser, entry->manifest_json, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    manifest = json_node_get_object (json_parser_get_root (parser));

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = manifest != NULL ? json_object_get_member (manifest, members[i]) : NULL;

      add_string (builder, members[i],
                  node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                    ? json_node_get_string (node) : NULL);
    }
  json_builder_set_member_name (builder, "permissions");
  {
    JsonNode *node = manifest != NULL ? json_object_get_member (manifest, "permissions") : NULL;

    if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
      json_builder_add_value (builder, json_node_copy (node));
    else
      {
        json_builder_begin_array (builder);
        json_builder_end_array (builder);
      }
  }
}

static void
add_history (JsonBuilder  *builder,
             KariRegistry *registry,
             const char   *name)
{
  g_autoptr(GPtrArray) history = kari_registry_get_history (registry, name, NULL);

  json_builder_set_member_name (builder, "history");
  json_builder_begin_array (builder);
  for (guint i = 0; history != NULL && i < history->len; i++)
    {
      KariTransition *t = g_ptr_array_index (history, i);

      json_builder_begin_object (builder);
      add_string (builder, "from", kari_state_to_string (t->from));
      add_string (builder, "to", kari_state_to_string (t->to));
      add_string (builder, "reason", t->reason);
      add_int (builder, "time_usec", t->time_usec);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* "last_failure": what the last run left (kari_registry_get_last_failure()),
 * or null. */
static void
add_last_failure (JsonBuilder  *builder,
                  KariRegistry *registry,
                  const char   *name)
{
  g_autoptr(KariTransition) failure = kari_registry_get_last_failure (registry, name, NULL);

  json_builder_set_member_name (builder, "last_failure");
  if (failure == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  add_string (builder, "kind", kari_transition_is_crash_loop (failure) ? "crash-loop" : "failed");
  add_string (builder, "reason", failure->reason);
  add_int (builder, "time_usec", failure->time_usec);
  json_builder_end_object (builder);
}

static void
add_grants (JsonBuilder          *builder,
            KariPermissionEngine *engine,
            const char           *name)
{
  g_autoptr(GPtrArray) grants = NULL;

  if (engine != NULL)
    grants = kari_grant_store_list (kari_permission_engine_get_grants (engine), name, NULL);
  json_builder_set_member_name (builder, "grants");
  json_builder_begin_array (builder);
  for (guint i = 0; grants != NULL && i < grants->len; i++)
    {
      KariGrant *g = g_ptr_array_index (grants, i);

      json_builder_begin_object (builder);
      add_int (builder, "id", g->id);
      add_string (builder, "permission", g->permission);
      add_string (builder, "scope", kari_scope_to_string (g->scope));
      add_string (builder, "tenant", g->tenant);
      add_string (builder, "user", g->user);
      add_int (builder, "until_usec", g->until_usec);
      add_string (builder, "granted_by", g->granted_by);
      add_int (builder, "granted_usec", g->granted_usec);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static gboolean
add_enablement (JsonBuilder   *builder,
                KariRegistry  *registry,
                const char    *name,
                GError       **error)
{
  g_autoptr(GPtrArray) tenants = kari_registry_list_tenants (registry, error);

  if (tenants == NULL)
    return FALSE;
  json_builder_set_member_name (builder, "enabled");
  json_builder_begin_object (builder);
  for (guint i = 0; i < tenants->len; i++)
    {
      KariTenant *tenant = g_ptr_array_index (tenants, i);
      g_autoptr(GError) local_error = NULL;
      gboolean enabled = kari_registry_is_enabled (registry, name, tenant->id, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      json_builder_set_member_name (builder, tenant->id);
      json_builder_add_boolean_value (builder, enabled);
    }
  json_builder_end_object (builder);
  return TRUE;
}

void
_kari_host_manager_do_inspect (KariHostManager       *self,
                               KariSupervisor        *supervisor,
                               GDBusMethodInvocation *invocation)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const char *name;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &name);
  entry = kari_registry_lookup (self->registry, name, &error);
  if (entry == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, KARI_HOST_MANAGER_DBUS_ERROR_NOT_FOUND,
                                                  error->message);
      return;
    }

  json_builder_begin_object (builder);
  add_string (builder, "name", entry->name);
  add_string (builder, "version", entry->version);
  add_string (builder, "path", entry->path);
  add_manifest (builder, entry);
  add_string (builder, "state", kari_state_to_string (supervisor != NULL ? kari_supervisor_get_state (supervisor)
                                                                          : entry->state));
  add_string (builder, "reason", supervisor != NULL ? kari_supervisor_get_reason (supervisor) : NULL);
  add_int (builder, "pid", supervisor != NULL ? kari_supervisor_get_pid (supervisor) : 0);
  add_int (builder, "starts", supervisor != NULL ? kari_supervisor_get_n_starts (supervisor) : 0);
  add_history (builder, self->registry, name);
  add_last_failure (builder, self->registry, name);
  add_grants (builder, self->engine, name);
  if (!add_enablement (builder, self->registry, name, &error))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, DBUS_ERROR_FAILED, error->message);
      return;
    }
  add_string (builder, "tenant", _kari_host_manager_get_tenant (self));
  json_builder_end_object (builder);

  json = builder_to_string (builder);
  kari_dbus_manager1_complete_inspect (self->skeleton, invocation, json);
}

static void
set_enabled (KariHostManager       *self,
             GDBusMethodInvocation *invocation,
             gboolean               enabled)
{
  g_autoptr(GError) error = NULL;
  const char *name, *tenant;
  gboolean every;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s&sb)", &name, &tenant, &every);
  if (every)
    tenant = NULL;
  else if (*tenant == '\0')
    tenant = _kari_host_manager_get_tenant (self);

  if (!kari_registry_set_enabled (self->registry, name, tenant, enabled, &error))
    {
      g_dbus_method_invocation_return_dbus_error (invocation,
                                                  g_error_matches (error, KARI_REGISTRY_ERROR,
                                                                   KARI_REGISTRY_ERROR_NOT_FOUND)
                                                    ? KARI_HOST_MANAGER_DBUS_ERROR_NOT_FOUND : DBUS_ERROR_FAILED,
                                                  error->message);
      return;
    }
  /* Before the answer, which frees the arguments @name points into. */
  if (enabled)
    kari_dbus_manager1_emit_enabled (self->skeleton, name, tenant != NULL ? tenant : "");
  else
    kari_dbus_manager1_emit_disabled (self->skeleton, name, tenant != NULL ? tenant : "");
  g_dbus_method_invocation_return_value (invocation, NULL);
}

void
_kari_host_manager_do_enable (KariHostManager       *self,
                              KariSupervisor        *supervisor,
                              GDBusMethodInvocation *invocation)
{
  set_enabled (self, invocation, TRUE);
}

void
_kari_host_manager_do_disable (KariHostManager       *self,
                               KariSupervisor        *supervisor,
                               GDBusMethodInvocation *invocation)
{
  set_enabled (self, invocation, FALSE);
}

/* Reads @filters into @query; the strings stay owned by @object. */
static gboolean
parse_filters (JsonObject      *object,
               KariAuditQuery  *query,
               char           **problem)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *member = l->data;
      JsonNode *node = json_object_get_member (object, member);
      gboolean is_string = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
      gboolean is_int = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
      const char **target = NULL;

      if (g_str_equal (member, "extension"))
        target = &query->extension;
      else if (g_str_equal (member, "tenant"))
        target = &query->tenant;
      else if (g_str_equal (member, "user"))
        target = &query->user;
      else if (g_str_equal (member, "permission"))
        target = &query->permission;

      if (target != NULL)
        {
          if (!is_string)
            {
              *problem = g_strdup_printf ("The filter “%s” must be a string", member);
              return FALSE;
            }
          *target = json_node_get_string (node);
        }
      else if (g_str_equal (member, "decision"))
        {
          const char *decision = is_string ? json_node_get_string (node) : NULL;

          if (g_strcmp0 (decision, "allow") != 0 && g_strcmp0 (decision, "deny") != 0)
            {
              *problem = g_strdup ("The filter “decision” must be \"allow\" or \"deny\"");
              return FALSE;
            }
          query->decision = g_str_equal (decision, "allow") ? 1 : 0;
        }
      else if (g_str_equal (member, "since_usec") || g_str_equal (member, "until_usec"))
        {
          if (!is_int || json_node_get_int (node) < 0)
            {
              *problem = g_strdup_printf ("The filter “%s” must be microseconds since the epoch, a "
                                          "whole number ≥ 0", member);
              return FALSE;
            }
          if (member[0] == 's')
            query->since_usec = json_node_get_int (node);
          else
            query->until_usec = json_node_get_int (node);
        }
      else
        {
          *problem = g_strdup_printf ("There is no audit filter “%s”: use extension, tenant, user, "
                                      "permission, decision, since_usec or until_usec", member);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
entries_to_json (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      KariAuditEntry *e = g_ptr_array_index (entries, i);

      json_builder_begin_object (builder);
      add_int (builder, "id", e->id);
      add_int (builder, "time_usec", e->time_usec);
      add_string (builder, "kind", kari_audit_kind_to_string (e->kind));
      add_string (builder, "extension", e->extension);
      add_string (builder, "tenant", e->tenant);
      add_string (builder, "user", e->user);
      add_string (builder, "permission", e->permission);
      add_string (builder, "resource", e->resource);
      add_string (builder, "decision", e->allowed ? "allow" : "deny");
      json_builder_set_member_name (builder, "cached");
      json_builder_add_boolean_value (builder, e->cached);
      add_string (builder, "decided_by", e->decided_by);
      add_string (builder, "detail", e->detail);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return builder_to_string (builder);
}

void
_kari_host_manager_do_query_audit (KariHostManager       *self,
                                   KariSupervisor        *unused,
                                   GDBusMethodInvocation *invocation)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *json = NULL;
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  const char *filters;
  guint limit, offset;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&suu)", &filters, &limit, &offset);
  if (self->audit == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, DBUS_ERROR_FAILED,
                                                  "This host keeps no audit log to answer from");
      return;
    }
  if (limit > AUDIT_LIMIT_MAX)
    {
      _kari_host_manager_return_printf (invocation, DBUS_ERROR_INVALID_ARGS,
                                        "The limit %u is more than the %u entries QueryAudit answers at "
                                        "once: page with the offset", limit, AUDIT_LIMIT_MAX);
      return;
    }
  if (!json_parser_load_from_data (parser, *filters != '\0' ? filters : "{}", -1, &error))
    {
      _kari_host_manager_return_printf (invocation, DBUS_ERROR_INVALID_ARGS,
                                        "The filters are not JSON: %s", error->message);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, DBUS_ERROR_INVALID_ARGS,
                                                  "The filters must be a JSON object, such as "
                                                  "{\"extension\": \"hello-c\"}");
      return;
    }
  if (!parse_filters (json_node_get_object (json_parser_get_root (parser)), &query, &problem))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, DBUS_ERROR_INVALID_ARGS, problem);
      return;
    }
  query.limit = limit > 0 ? limit : AUDIT_LIMIT_DEFAULT;
  query.offset = offset;

  /* This call's own entry, and those just before it, are in the log. */
  if (!kari_audit_log_flush (self->audit, &error)
      || (entries = kari_audit_log_query (self->audit, &query, &error)) == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, DBUS_ERROR_FAILED, error->message);
      return;
    }
  json = entries_to_json (entries);
  kari_dbus_manager1_complete_query_audit (self->skeleton, invocation, json);
}
