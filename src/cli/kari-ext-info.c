/* kari-ext-info.c — `kari-ext info NAME`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

static JsonNode *
history_to_json (GPtrArray *history)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; history != NULL && i < history->len; i++)
    {
      KariTransition *t = g_ptr_array_index (history, i);
      JsonObject *o = json_object_new ();
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (t->time_usec / G_USEC_PER_SEC);
      g_autofree char *iso = when ? g_date_time_format_iso8601 (when) : NULL;

      json_object_set_string_member (o, "from", kari_state_to_string (t->from));
      json_object_set_string_member (o, "to", kari_state_to_string (t->to));
      json_object_set_string_member (o, "reason", t->reason);
      json_object_set_string_member (o, "time", iso);
      json_array_add_object_element (array, o);
    }
  json_node_take_array (node, array);
  return node;
}

/* "last_failure": what its last run left (kari_lifecycle_find_failure()),
 * or null. */
static JsonNode *
failure_to_json (const KariTransition *failure)
{
  JsonObject *o;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *iso = NULL;

  if (failure == NULL)
    return json_node_new (JSON_NODE_NULL);
  o = json_object_new ();
  when = g_date_time_new_from_unix_utc (failure->time_usec / G_USEC_PER_SEC);
  iso = when ? g_date_time_format_iso8601 (when) : NULL;
  json_object_set_string_member (o, "kind", kari_transition_is_crash_loop (failure) ? "crash-loop" : "failed");
  json_object_set_string_member (o, "reason", failure->reason);
  json_object_set_string_member (o, "time", iso);
  json_object_set_int_member (o, "time_usec", failure->time_usec);
  return json_node_init_object (json_node_alloc (), o);
}

static JsonNode *
dependencies_to_json (GPtrArray *dependencies)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; dependencies != NULL && i < dependencies->len; i++)
    {
      KariDependency *d = g_ptr_array_index (dependencies, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "kind", kari_dependency_kind_to_string (d->kind));
      json_object_set_string_member (o, "name", d->name);
      json_object_set_string_member (o, "constraint", kari_constraint_get_text (d->constraint));
      json_array_add_object_element (array, o);
    }
  json_node_take_array (node, array);
  return node;
}

static void
print_list (const char         *title,
            const char * const *items)
{
  if (items == NULL || items[0] == NULL)
    return;
  printf ("%s\n", title);
  for (guint i = 0; items[i] != NULL; i++)
    printf ("  %s\n", items[i]);
}

int
kari_ext_info (int    argc,
               char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("info");
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the information as JSON"), NULL },
    { NULL }
  };
  g_autoptr(KariDiscovery) discovery = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(KariResolver) resolver = NULL;
  g_autoptr(KariResolution) resolution = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  const char *unresolved_reason = NULL;
  const char *state;
  KariManifest *m;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return _kari_ext_usage_error (command, "%s", _("no NAME given"));
  if (argc > 2)
    return _kari_ext_usage_error (command, _("unexpected argument “%s”"), argv[2]);

  discovery = _kari_ext_discover ();
  m = kari_discovery_lookup (discovery, argv[1]);
  if (m == NULL)
    {
      _kari_ext_print_diagnostics (kari_discovery_get_diagnostics (discovery));
      fprintf (stderr, _("kari-ext: no extension called “%s” in the search paths; "
                         "“kari-ext list” shows what there is\n"), argv[1]);
      return KARI_EXIT_FAILURE;
    }

  resolver = kari_discovery_create_resolver (discovery);
  resolution = kari_resolver_resolve (resolver);
  registry = _kari_ext_open_registry (discovery, &error);
  if (registry == NULL || !kari_catalog_sync (registry, discovery, resolution, &error))
    return _kari_ext_fail (NULL, error);
  history = kari_registry_get_history (registry, argv[1], NULL);
  versions = kari_registry_list_versions (registry, argv[1], NULL);
  state = _kari_ext_state_of (registry, argv[1]);

  for (guint i = 0; i < kari_resolution_get_unresolved (resolution)->len; i++)
    {
      KariUnresolved *u = g_ptr_array_index (kari_resolution_get_unresolved (resolution), i);
      if (g_strcmp0 (u->name, argv[1]) == 0)
        unresolved_reason = u->reason;
    }

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      JsonObject *o = json_object_new ();
      JsonArray *vs = json_array_new ();

      json_object_set_member (o, "manifest", kari_manifest_to_json (m));
      json_object_set_string_member (o, "path", kari_manifest_get_path (m));
      json_object_set_string_member (o, "state", state);
      json_object_set_boolean_member (o, "resolved", unresolved_reason == NULL);
      json_object_set_string_member (o, "unresolved_reason", unresolved_reason);
      json_object_set_member (o, "permissions",
                              _kari_ext_strv_to_json (kari_manifest_get_permissions (m)));
      json_object_set_member (o, "dependencies",
                              dependencies_to_json (kari_manifest_get_dependencies (m)));
      json_object_set_member (o, "history", history_to_json (history));
      json_object_set_member (o, "last_failure", failure_to_json (kari_lifecycle_find_failure (history)));
      for (guint i = 0; versions != NULL && i < versions->len; i++)
        json_array_add_string_element (vs, ((KariRegistryEntry *) g_ptr_array_index (versions, i))->version);
      json_object_set_array_member (o, "versions", vs);
      json_node_take_object (root, o);
      _kari_ext_print_json (root);
      return KARI_EXIT_OK;
    }

  printf ("%s %s\n", kari_manifest_get_name (m), kari_version_to_string (kari_manifest_get_version (m)));
  if (kari_manifest_get_display_name (m))
    printf ("  %s\n", kari_manifest_get_display_name (m));
  if (kari_manifest_get_description (m))
    printf ("  %s\n", kari_manifest_get_description (m));
  printf ("\n");
  printf (_("Type:        %s\n"), _kari_ext_or_dash (kari_manifest_get_extension_type (m)));
  printf (_("Author:      %s\n"), _kari_ext_or_dash (kari_manifest_get_author (m)));
  printf (_("License:     %s\n"), _kari_ext_or_dash (kari_manifest_get_license (m)));
  printf (_("Manifest:    %s\n"), kari_manifest_get_path (m));
  printf (_("State:       %s\n"), _kari_ext_or_dash (state));
  printf (_("Runtime:     %s\n"), kari_manifest_get_runtime (m) ? _("sandboxed process")
                                                               : _("declarative only"));
  if (unresolved_reason != NULL)
    printf (_("Unresolved:  %s\n"), unresolved_reason);
  {
    const KariTransition *failure = kari_lifecycle_find_failure (history);

    if (failure != NULL)
      {
        g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (failure->time_usec / G_USEC_PER_SEC);
        g_autofree char *stamp = when ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");

        printf (kari_transition_is_crash_loop (failure) ? _("Last run:    switched off after crashing %s: %s\n")
                                                        : _("Last run:    failed %s: %s\n"),
                stamp, _kari_ext_or_dash (failure->reason));
      }
  }
  printf ("\n");

  {
    GPtrArray *deps = kari_manifest_get_dependencies (m);
    if (deps != NULL && deps->len > 0)
      {
        printf ("%s\n", _("Dependencies:"));
        for (guint i = 0; i < deps->len; i++)
          {
            KariDependency *dep = g_ptr_array_index (deps, i);
            g_autofree char *d = kari_dependency_to_string (dep);

            printf ("  %-10s %s\n", kari_dependency_kind_to_string (dep->kind), d);
          }
      }
  }
  print_list (_("Permissions:"), kari_manifest_get_permissions (m));
  print_list (_("Pages:"), kari_manifest_get_page_paths (m));
  print_list (_("Endpoints:"), kari_manifest_get_endpoint_paths (m));

  if (versions != NULL && versions->len > 0)
    {
      printf ("%s\n", _("Versions kept:"));
      for (guint i = 0; i < versions->len; i++)
        printf ("  %s\n", ((KariRegistryEntry *) g_ptr_array_index (versions, i))->version);
    }
  if (history != NULL && history->len > 0)
    {
      printf ("%s\n", _("History:"));
      for (guint i = 0; i < history->len; i++)
        {
          KariTransition *t = g_ptr_array_index (history, i);
          g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (t->time_usec / G_USEC_PER_SEC);
          g_autofree char *stamp = when ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");

          printf ("  %s  %s → %s  %s\n", stamp, kari_state_to_string (t->from),
                  kari_state_to_string (t->to), t->reason);
        }
    }
  return KARI_EXIT_OK;
}
