/* kari-ext-remove.c — `kari-ext remove NAME [--keep-data] [--yes]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An extension the running host supervises is stopped through the host
 * (io.github.kari.Manager1.Stop) before anything is removed; when no
 * host is on the session bus nothing can be running, and a running state
 * left in the registry by a host that died is stale.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

#define MANAGER_INTERFACE "io.github.kari.Manager1"

gboolean
_kari_ext_confirm (const char *format,
                   ...)
{
  g_autofree char *question = NULL;
  char answer[16] = "";
  va_list args;

  va_start (args, format);
  question = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "%s [y/N] ", question);
  fflush (stderr);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  g_strstrip (answer);
  return g_ascii_strcasecmp (answer, "y") == 0 || g_ascii_strcasecmp (answer, "yes") == 0;
}

static gboolean
is_active (const char *state)
{
  return g_str_equal (state, "starting") || g_str_equal (state, "running") || g_str_equal (state, "stopping");
}

/* The tenant the host runs its extensions in, from Inspect. */
static char *
host_tenant (GDBusConnection  *bus,
             const char       *name,
             GError          **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *json;
  JsonObject *object;

  reply = g_dbus_connection_call_sync (bus, KARI_HOST_MANAGER_BUS_NAME, KARI_HOST_MANAGER_PATH,
                                       MANAGER_INTERFACE, "Inspect", g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(&s)", &json);
  root = json_from_string (json, error);
  if (root == NULL)
    return NULL;
  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object == NULL || !json_object_has_member (object, "tenant")
      || json_node_get_value_type (json_object_get_member (object, "tenant")) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the host did not say which tenant it runs in"));
      return NULL;
    }
  return g_strdup (json_object_get_string_member (object, "tenant"));
}

/**
 * _kari_ext_running_in_host:
 * @name: (nullable): an extension, or %NULL for any
 * @tenant: (nullable): only in this tenant, or %NULL for any
 * @found: (out) (optional): the extension found running, or %NULL
 * @host_bus: (out) (optional): the bus the host is on, when it is found
 *   running there
 * @error: return location for a #GError
 *
 * Asks the host on the session bus, when one is there, whether it has
 * @name starting, running or stopping. Without a host nothing can run
 * (a running state left in the registry by a host that died is stale).
 *
 * Returns: %FALSE with @error when a host is there but did not answer
 */
gboolean
_kari_ext_running_in_host (const char        *name,
                           const char        *tenant,
                           char             **found,
                           GDBusConnection  **host_bus,
                           GError           **error)
{
  g_autoptr(GDBusConnection) bus = _kari_ext_find_host (TRUE);
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  const char *ext_name, *state, *reason, *backend;

  if (found != NULL)
    *found = NULL;
  if (host_bus != NULL)
    *host_bus = NULL;
  if (bus == NULL)
    return TRUE;
  list = g_dbus_connection_call_sync (bus, KARI_HOST_MANAGER_BUS_NAME, KARI_HOST_MANAGER_PATH,
                                      MANAGER_INTERFACE, "ListExtensions", NULL,
                                      G_VARIANT_TYPE ("(a(ssss))"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (list == NULL)
    {
      g_dbus_error_strip_remote_error (*error);
      g_prefix_error (error, _("Could not ask the running host what it runs: "));
      return FALSE;
    }
  g_variant_get (list, "(a(ssss))", &iter);
  while (g_variant_iter_loop (iter, "(&s&s&s&s)", &ext_name, &state, &reason, &backend))
    {
      g_autofree char *its_tenant = NULL;

      if ((name != NULL && !g_str_equal (ext_name, name)) || !is_active (state))
        continue;
      if (tenant != NULL)
        {
          its_tenant = host_tenant (bus, ext_name, error);
          if (its_tenant == NULL)
            {
              g_dbus_error_strip_remote_error (*error);
              g_prefix_error (error, _("Could not ask the running host about %s: "), ext_name);
              return FALSE;
            }
          if (!g_str_equal (its_tenant, tenant))
            continue;
        }
      if (found != NULL)
        *found = g_strdup (ext_name);
      if (host_bus != NULL)
        *host_bus = g_steal_pointer (&bus);
      return TRUE;
    }
  return TRUE;
}

/* Stops @name in the host on the session bus, if one runs it. */
static gboolean
stop_in_host (const char  *name,
              gboolean     json,
              GError     **error)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *running = NULL;

  if (!_kari_ext_running_in_host (name, NULL, &running, &bus, error))
    return FALSE;
  if (running == NULL)
    return TRUE;

  if (!json)
    printf (_("Stopping %s in the running host…\n"), name);
  reply = g_dbus_connection_call_sync (bus, KARI_HOST_MANAGER_BUS_NAME, KARI_HOST_MANAGER_PATH,
                                       MANAGER_INTERFACE, "Stop", g_variant_new ("(s)", name),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (*error);
      g_prefix_error (error, _("%s runs in the host and could not be stopped, so nothing was removed: "), name);
      return FALSE;
    }
  return TRUE;
}

int
kari_ext_remove (int    argc,
                 char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("remove");
  gboolean json = FALSE, yes = FALSE, keep_data = FALSE;
  GOptionEntry entries[] = {
    { "keep-data", 'k', 0, G_OPTION_ARG_NONE, &keep_data,
      N_("Keep its stores and /data folders in every tenant"), NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Remove without asking"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(KariDiscovery) discovery = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  KariRemovalFlags flags = KARI_REMOVAL_NOT_RUNNING;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc != 2)
    return _kari_ext_usage_error (command, "%s", argc < 2 ? _("no NAME given") : _("too many arguments"));

  discovery = _kari_ext_discover ();
  registry = _kari_ext_open_registry (discovery, &error);
  if (registry == NULL)
    return _kari_ext_fail (NULL, error);
  /* What is found is installed: one never synced before is known too. */
  if (!kari_catalog_sync (registry, discovery, NULL, &error))
    return _kari_ext_fail (NULL, error);
  /* Refused before anything is stopped or asked. */
  if (!kari_removal_check (registry, argv[1], flags, &error))
    return _kari_ext_fail (NULL, error);

  if (!yes && !_kari_ext_confirm (keep_data ? _("Remove %s, its config, secrets, grants and logs, keeping its data?")
                                            : _("Remove %s and all its data, config, secrets, grants and logs in every tenant?"),
                                  argv[1]))
    {
      fprintf (stderr, "%s\n", _("kari-ext: nothing removed; --yes removes without asking"));
      return KARI_EXIT_FAILURE;
    }

  if (!stop_in_host (argv[1], json, &error))
    return _kari_ext_fail (NULL, error);
  if (keep_data)
    flags |= KARI_REMOVAL_KEEP_DATA;
  if (!kari_removal_remove_extension (registry, argv[1], flags, g_get_user_name (), &error))
    return _kari_ext_fail (NULL, error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "removed");
      json_builder_add_string_value (b, argv[1]);
      json_builder_set_member_name (b, "kept_data");
      json_builder_add_boolean_value (b, keep_data);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      _kari_ext_print_json (root);
    }
  else
    printf (keep_data ? _("Removed %s; its data was kept.\n") : _("Removed %s.\n"), argv[1]);
  return KARI_EXIT_OK;
}
