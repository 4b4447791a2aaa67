/* kari-ext-audit.c — `kari-ext audit`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>

#include "kari-ext-private.h"

/* Changing how long the log keeps entries is an admin's decision, and
 * is itself kept in the log. */
static int
set_retention (KariRegistry *registry,
               KariAuditLog *audit,
               const char   *tenant,
               guint         days,
               gboolean      json)
{
  g_autoptr(KariRoles) roles = kari_roles_new (registry, g_get_user_name ());
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = g_strdup_printf ("audit retention %u days", days);
  KariAuditEntry entry = { 0 };
  guint64 n_deleted = 0;
  gboolean ok;

  tenant = tenant != NULL ? tenant : _kari_ext_default_tenant ();
  ok = kari_roles_may (roles, tenant, g_get_user_name (), KARI_ADMIN_POLICY, &error)
       && kari_audit_log_set_retention_days (audit, days, &error)
       && kari_audit_log_apply_retention (audit, &n_deleted, &error);

  entry.kind = KARI_AUDIT_POLICY;
  entry.tenant = (char *) tenant;
  entry.user = (char *) g_get_user_name ();
  entry.allowed = ok;
  entry.decided_by = (char *) "kari-ext audit --retention";
  entry.detail = detail;
  kari_audit_log_append (audit, &entry);
  if (!kari_audit_log_close (audit, ok ? &error : NULL))
    ok = FALSE;
  if (!ok)
    return _kari_ext_fail (NULL, error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "retention_days");
      json_builder_add_int_value (b, days);
      json_builder_set_member_name (b, "deleted");
      json_builder_add_int_value (b, (gint64) n_deleted);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      _kari_ext_print_json (node);
    }
  else if (days == 0)
    printf ("%s\n", _("Audit entries are kept forever."));
  else
    {
      printf (g_dngettext (GETTEXT_PACKAGE, "Audit entries are kept %u day; ",
                           "Audit entries are kept %u days; ", days), days);
      printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GUINT64_FORMAT " older entry was deleted.\n",
                           "%" G_GUINT64_FORMAT " older entries were deleted.\n", n_deleted), n_deleted);
    }
  return KARI_EXIT_OK;
}

int
kari_ext_audit (int    argc,
                char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("audit");
  g_autofree char *extension = NULL, *tenant = NULL, *user = NULL, *permission = NULL;
  g_autofree char *decision = NULL, *since = NULL, *until = NULL, *format = NULL;
  int limit = 0, offset = 0, retention = G_MININT;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "extension", 'e', 0, G_OPTION_ARG_STRING, &extension, N_("Only this extension"), N_("NAME") },
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("Only this tenant"), N_("TENANT") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("Only this user"), N_("USER") },
    { "permission", 'p', 0, G_OPTION_ARG_STRING, &permission, N_("Only permissions matching this pattern (* matches any run)"), N_("PATTERN") },
    { "decision", 'd', 0, G_OPTION_ARG_STRING, &decision, N_("Only “allow” or only “deny”"), N_("DECISION") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("From this time (RFC 3339, or -1h, -2d)"), N_("TIME") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Before this time"), N_("TIME") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("At most this many (default 100; 0 with --format: all)"), N_("N") },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip this many, for paging"), N_("N") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("Export as “csv” or “json” (JSON Lines)"), N_("FORMAT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the page as one JSON array"), NULL },
    { "retention", 0, 0, G_OPTION_ARG_INT, &retention,
      N_("Keep entries this many days (0: forever) and delete older ones now; needs the admin role"), N_("DAYS") },
    { NULL }
  };
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(KariAuditLog) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries_found = NULL;
  g_autofree char *path = NULL;
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc > 1)
    return _kari_ext_usage_error (command, _("unexpected argument “%s”"), argv[1]);
  if (retention != G_MININT && retention < 0)
    return _kari_ext_usage_error (command, "%s", _("--retention takes a number of days from 0 up"));
  if (limit < 0 || offset < 0)
    return _kari_ext_usage_error (command, "%s", _("--limit and --offset take a number from 0 up"));
  if (decision != NULL && strcmp (decision, "allow") != 0 && strcmp (decision, "deny") != 0)
    return _kari_ext_usage_error (command, _("--decision takes “allow” or “deny”, not “%s”"), decision);
  if (format != NULL && strcmp (format, "csv") != 0 && strcmp (format, "json") != 0)
    return _kari_ext_usage_error (command, _("--format takes “csv” or “json”, not “%s”"), format);
  if ((since != NULL && !_kari_ext_parse_time (since, &query.since_usec, &error))
      || (until != NULL && !_kari_ext_parse_time (until, &query.until_usec, &error)))
    return _kari_ext_usage_error (command, "%s", error->message);

  query.extension = extension;
  query.tenant = tenant;
  query.user = user;
  query.permission = permission;
  query.decision = decision == NULL ? -1 : strcmp (decision, "allow") == 0;
  query.limit = (guint) limit;
  query.offset = (guint) offset;

  /* Reading the log needs neither discovery nor the engine. */
  path = kari_registry_default_path ();
  registry = kari_registry_open (path, NULL, NULL, &error);
  if (registry != NULL)
    audit = kari_audit_log_open (path, &error);
  if (audit == NULL)
    return _kari_ext_fail (NULL, error);

  if (retention != G_MININT)
    return set_retention (registry, audit, tenant, (guint) retention, json);

  if (format != NULL)
    {
      g_autoptr(GOutputStream) out = g_unix_output_stream_new (1, FALSE);

      fflush (stdout);
      if (!kari_audit_log_export (audit, &query,
                                  strcmp (format, "csv") == 0 ? KARI_AUDIT_FORMAT_CSV
                                                              : KARI_AUDIT_FORMAT_JSON_LINES,
                                  out, NULL, &error))
        return _kari_ext_fail (NULL, error);
      kari_audit_log_close (audit, NULL);
      return KARI_EXIT_OK;
    }

  entries_found = kari_audit_log_query (audit, &query, &error);
  if (entries_found == NULL)
    return _kari_ext_fail (NULL, error);

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < entries_found->len; i++)
        {
          KariAuditEntry *e = g_ptr_array_index (entries_found, i);
          JsonObject *o = json_object_new ();
          g_autofree char *when = _kari_ext_format_time (e->time_usec);

          json_object_set_int_member (o, "id", e->id);
          json_object_set_string_member (o, "time", when);
          json_object_set_string_member (o, "kind", kari_audit_kind_to_string (e->kind));
          json_object_set_string_member (o, "extension", e->extension);
          json_object_set_string_member (o, "tenant", e->tenant);
          json_object_set_string_member (o, "user", e->user);
          json_object_set_string_member (o, "permission", e->permission);
          json_object_set_string_member (o, "resource", e->resource);
          json_object_set_string_member (o, "decision", e->allowed ? "allow" : "deny");
          json_object_set_boolean_member (o, "cached", e->cached);
          json_object_set_string_member (o, "decided_by", e->decided_by);
          json_object_set_string_member (o, "detail", e->detail);
          json_array_add_object_element (array, o);
        }
      json_node_take_array (root, array);
      _kari_ext_print_json (root);
    }
  else if (entries_found->len == 0)
    printf ("%s\n", _("No audit entries match. Decisions appear here as extensions ask for permissions."));
  else
    for (guint i = 0; i < entries_found->len; i++)
      {
        KariAuditEntry *e = g_ptr_array_index (entries_found, i);
        g_autofree char *when = _kari_ext_format_time (e->time_usec);
        g_autofree char *shown = kari_permission_escape_for_display (e->permission ? e->permission : "-");

        printf ("%s  %-6s %-5s %-20s %-12s %s  (%s)\n", when, kari_audit_kind_to_string (e->kind),
                e->allowed ? "allow" : "deny", _kari_ext_or_dash (e->extension),
                _kari_ext_or_dash (e->tenant), shown, _kari_ext_or_dash (e->decided_by));
      }

  kari_audit_log_close (audit, NULL);
  return KARI_EXIT_OK;
}
