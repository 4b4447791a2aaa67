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

/* Stops @name in the host on the session bus, if one runs it. */
static gboolean
stop_in_host (const char  *name,
              gboolean     json,
              GError     **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) owner = NULL;
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  const char *ext_name, *state, *reason, *backend;
  gboolean has_owner = FALSE, running = FALSE;

  if (bus != NULL)
    owner = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "NameHasOwner",
                                         g_variant_new ("(s)", KARI_HOST_MANAGER_BUS_NAME),
                                         G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (owner != NULL)
    g_variant_get (owner, "(b)", &has_owner);
  if (!has_owner)
    return TRUE;

  list = g_dbus_connection_call_sync (bus, KARI_HOST_MANAGER_BUS_NAME, KARI_HOST_MANAGER_PATH,
                                      MANAGER_INTERFACE, "ListExtensions", NULL,
                                      G_VARIANT_TYPE ("(a(ssss))"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
  if (list == NULL)
    {
      g_prefix_error (error, _("Could not ask the running host whether %s runs: "), name);
      return FALSE;
    }
  g_variant_get (list, "(a(ssss))", &iter);
  while (g_variant_iter_loop (iter, "(&s&s&s&s)", &ext_name, &state, &reason, &backend))
    if (g_str_equal (ext_name, name)
        && (g_str_equal (state, "starting") || g_str_equal (state, "running")
            || g_str_equal (state, "stopping")))
      running = TRUE;
  if (!running)
    return TRUE;

  if (!json)
    printf (_("Stopping %s in the running host…\n"), name);
  g_clear_pointer (&list, g_variant_unref);
  list = g_dbus_connection_call_sync (bus, KARI_HOST_MANAGER_BUS_NAME, KARI_HOST_MANAGER_PATH,
                                      MANAGER_INTERFACE, "Stop", g_variant_new ("(s)", name),
                                      NULL, G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, error);
  if (list == NULL)
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
