/* kari-ext-control.c — `kari-ext start|stop|restart|status|logs|metrics|call`:
 * scripting the host `kari-ext run` started, over the session bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "kari-ext-private.h"

#define MANAGER_INTERFACE "io.github.kari.Manager1"

/* The bus with a host on it, or NULL (after saying there is none unless
 * @quiet). */
GDBusConnection *
_kari_ext_find_host (gboolean quiet)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (bus != NULL)
    reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "NameHasOwner",
                                         g_variant_new ("(s)", KARI_HOST_MANAGER_BUS_NAME),
                                         G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  if (!has_owner)
    {
      if (quiet)
        return NULL;
      fprintf (stderr, "%s\n", _("kari-ext: no Kari host is running: start one with kari-ext run PATH|NAME…"));
      return NULL;
    }
  return g_steal_pointer (&bus);
}

static GVariant *
call_manager (GDBusConnection    *bus,
              const char         *method,
              GVariant           *parameters,
              const GVariantType *reply_type,
              GError            **error)
{
  GVariant *reply = g_dbus_connection_call_sync (bus, KARI_HOST_MANAGER_BUS_NAME, KARI_HOST_MANAGER_PATH,
                                                 MANAGER_INTERFACE, method, parameters, reply_type,
                                                 G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, error);

  if (reply == NULL && error != NULL && *error != NULL)
    g_dbus_error_strip_remote_error (*error);
  return reply;
}

/* Prints the first value of @reply as JSON. */
static void
print_first_as_json (GVariant *reply)
{
  g_autoptr(GVariant) value = g_variant_get_child_value (reply, 0);
  g_autoptr(JsonNode) node = json_gvariant_serialize (value);

  _kari_ext_print_json (node);
}

static int
print_status (GDBusConnection *bus,
              const char      *name,
              gboolean         json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call_manager (bus, "Status", g_variant_new ("(s)", name),
                                            G_VARIANT_TYPE ("(a{sv})"), &error);
  g_autoptr(GVariant) dict = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (reply == NULL)
    return _kari_ext_fail (NULL, error);
  if (json)
    {
      print_first_as_json (reply);
      return KARI_EXIT_OK;
    }
  dict = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autofree char *text = g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                              ? g_variant_dup_string (value, NULL) : g_variant_print (value, FALSE);
      printf ("%-10s %s\n", key, _kari_ext_or_dash (*text != '\0' ? text : NULL));
      g_variant_unref (value);
    }
  return KARI_EXIT_OK;
}

/* `kari-ext status` with no NAME: every extension of the host. */
static int
print_list (GDBusConnection *bus,
            gboolean         json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call_manager (bus, "ListExtensions", NULL, G_VARIANT_TYPE ("(a(ssss))"), &error);
  g_autoptr(GVariantIter) iter = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *name, *state, *reason, *backend;

  if (reply == NULL)
    return _kari_ext_fail (NULL, error);
  g_variant_get (reply, "(a(ssss))", &iter);
  if (!json)
    printf ("%-24s %-10s %-10s %s\n", _("NAME"), _("STATE"), _("LIMITS"), _("REASON"));
  json_builder_begin_array (b);
  while (g_variant_iter_next (iter, "(&s&s&s&s)", &name, &state, &reason, &backend))
    {
      if (!json)
        {
          printf ("%-24s %-10s %-10s %s\n", name, state, _kari_ext_or_dash (*backend != '\0' ? backend : NULL),
                  _kari_ext_or_dash (*reason != '\0' ? reason : NULL));
          continue;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, state);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, reason);
      json_builder_set_member_name (b, "backend");
      json_builder_add_string_value (b, backend);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (json)
    {
      g_autoptr(JsonNode) node = json_builder_get_root (b);

      _kari_ext_print_json (node);
    }
  return KARI_EXIT_OK;
}

static void
on_log_line (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  const char *name, *line;

  g_variant_get (parameters, "(&s&s)", &name, &line);
  printf ("%s\n", line);
  fflush (stdout);
}

static void
on_name_vanished (GDBusConnection *bus,
                  const char      *name,
                  gpointer         user_data)
{
  fprintf (stderr, "%s\n", _("kari-ext: the host stopped"));
  g_main_loop_quit (user_data);
}

static gboolean
on_interrupt (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* Prints LogLine signals of @name until interrupted or the host goes. */
static int
follow_logs (GDBusConnection *bus,
             const char      *name)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint subscription, watch;

  subscription = g_dbus_connection_signal_subscribe (bus, KARI_HOST_MANAGER_BUS_NAME, MANAGER_INTERFACE,
                                                     "LogLine", KARI_HOST_MANAGER_PATH, name,
                                                     G_DBUS_SIGNAL_FLAGS_NONE, on_log_line, NULL, NULL);
  watch = g_bus_watch_name_on_connection (bus, KARI_HOST_MANAGER_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          NULL, on_name_vanished, loop, NULL);
  g_unix_signal_add (SIGINT, on_interrupt, loop);
  g_unix_signal_add (SIGTERM, on_interrupt, loop);
  printf ("%s\n", _("-- following; interrupt to stop --"));
  fflush (stdout);
  g_main_loop_run (loop);
  g_bus_unwatch_name (watch);
  g_dbus_connection_signal_unsubscribe (bus, subscription);
  return KARI_EXIT_OK;
}

/* The samples the host keeps in memory, as Manager1.Metrics gives them. */
static void
print_live_metrics (GVariant *reply,
                    gboolean  json)
{
  g_autoptr(GVariantIter) iter = NULL;
  GVariant *sample;

  if (json)
    {
      print_first_as_json (reply);
      return;
    }
  g_variant_get (reply, "(aa{sv})", &iter);
  printf ("%-20s %14s %14s %6s\n", _("TIME"), _("MEMORY"), _("CPU (µs)"), _("TASKS"));
  while ((sample = g_variant_iter_next_value (iter)) != NULL)
    {
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (sample);
      gint64 time = 0;
      guint64 memory = 0, cpu = 0;
      guint32 tasks = 0;
      g_autofree char *when = NULL;

      g_variant_dict_lookup (&dict, "time", "x", &time);
      g_variant_dict_lookup (&dict, "memory-bytes", "t", &memory);
      g_variant_dict_lookup (&dict, "cpu-usec", "t", &cpu);
      g_variant_dict_lookup (&dict, "tasks", "u", &tasks);
      when = _kari_ext_format_time (time);
      printf ("%-20s %14" G_GUINT64_FORMAT " %14" G_GUINT64_FORMAT " %6u\n", when, memory, cpu, tasks);
      g_variant_unref (sample);
    }
}

/* `kari-ext metrics NAME` while a host runs and no history is asked for. */
int
_kari_ext_live_metrics (GDBusConnection *bus,
                        const char      *name,
                        gboolean         json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call_manager (bus, "Metrics", g_variant_new ("(s)", name),
                                            G_VARIANT_TYPE ("(aa{sv})"), &error);

  if (reply == NULL)
    return _kari_ext_fail (NULL, error);
  print_live_metrics (reply, json);
  return KARI_EXIT_OK;
}

typedef enum
{
  CONTROL_START,
  CONTROL_STOP,
  CONTROL_RESTART,
  CONTROL_STATUS,
  CONTROL_LOGS,
  CONTROL_METRICS,
  CONTROL_CALL,
} ControlKind;

/* Command name, D-Bus method and its reply type, and how many
 * arguments after NAME. */
static const struct
{
  const char *command;
  const char *method;
  const char *reply_type;
  int         min_args;
  int         max_args;
} controls[] = {
  [CONTROL_START]   = { "start",   "Start",   NULL,       0, 0 },
  [CONTROL_STOP]    = { "stop",    "Stop",    NULL,       0, 0 },
  [CONTROL_RESTART] = { "restart", "Restart", NULL,       0, 0 },
  [CONTROL_STATUS]  = { "status",  NULL,      NULL,       0, 0 },
  [CONTROL_LOGS]    = { "logs",    "Logs",    "(as)",     0, 0 },
  [CONTROL_METRICS] = { "metrics", "Metrics", "(aa{sv})", 0, 0 },
  [CONTROL_CALL]    = { "call",    "Call",    "(s)",      1, 2 },
};

/* The parameters of the method @kind calls for @name. */
static GVariant *
control_parameters (ControlKind   kind,
                    const char   *name,
                    int           lines,
                    int           argc,
                    char        **argv)
{
  switch (kind)
    {
    case CONTROL_LOGS:
      return g_variant_new ("(su)", name, (guint32) lines);
    case CONTROL_CALL:
      return g_variant_new ("(sss)", name, argv[2], argc > 3 ? argv[3] : "{}");
    case CONTROL_START:
    case CONTROL_STOP:
    case CONTROL_RESTART:
    case CONTROL_STATUS:
    case CONTROL_METRICS:
    default:
      return g_variant_new ("(s)", name);
    }
}

static int
control (ControlKind   kind,
         int           argc,
         char        **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command (controls[kind].command);
  gboolean json = FALSE, follow = FALSE;
  int lines = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  GOptionEntry logs_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { "follow", 'f', 0, G_OPTION_ARG_NONE, &follow, N_("Keep printing new lines until interrupted"), NULL },
    { "lines", 'n', 0, G_OPTION_ARG_INT, &lines, N_("Only the last N lines"), N_("N") },
    { NULL }
  };
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *name;
  int status;

  if ((status = _kari_ext_parse_options (command, kind == CONTROL_LOGS ? logs_entries : entries,
                                         &argc, &argv)) >= 0)
    return status;
  if (argc < 2 && kind == CONTROL_STATUS)
    {
      if ((bus = _kari_ext_find_host (FALSE)) == NULL)
        return KARI_EXIT_FAILURE;
      return print_list (bus, json);
    }
  if (argc < 2)
    return _kari_ext_usage_error (command, "%s", _("no NAME given"));
  if (argc - 2 < controls[kind].min_args)
    return _kari_ext_usage_error (command, "%s", _("missing arguments"));
  if (argc - 2 > controls[kind].max_args)
    return _kari_ext_usage_error (command, _("unexpected argument “%s”"), argv[2 + controls[kind].max_args]);
  if (lines < 0)
    return _kari_ext_usage_error (command, "%s", _("--lines must not be negative"));
  name = argv[1];

  if ((bus = _kari_ext_find_host (FALSE)) == NULL)
    return KARI_EXIT_FAILURE;
  if (controls[kind].method != NULL)
    {
      reply = call_manager (bus, controls[kind].method, control_parameters (kind, name, lines, argc, argv),
                            (const GVariantType *) controls[kind].reply_type, &error);
      if (reply == NULL)
        return _kari_ext_fail (NULL, error);
    }

  switch (kind)
    {
    case CONTROL_START:
    case CONTROL_STOP:
    case CONTROL_RESTART:
    case CONTROL_STATUS:
      return print_status (bus, name, json);

    case CONTROL_LOGS:
      if (json)
        print_first_as_json (reply);
      else
        {
          g_autofree const char **strv = NULL;

          g_variant_get (reply, "(^a&s)", &strv);
          for (guint i = 0; strv[i] != NULL; i++)
            printf ("%s\n", strv[i]);
        }
      return follow ? follow_logs (bus, name) : KARI_EXIT_OK;

    case CONTROL_METRICS:
      print_live_metrics (reply, json);
      return KARI_EXIT_OK;

    case CONTROL_CALL:
      {
        const char *response;

        g_variant_get (reply, "(&s)", &response);
        printf ("%s\n", response);
      }
      return KARI_EXIT_OK;
    }
  g_assert_not_reached ();
}

int kari_ext_start   (int argc, char **argv) { return control (CONTROL_START, argc, argv); }
int kari_ext_stop    (int argc, char **argv) { return control (CONTROL_STOP, argc, argv); }
int kari_ext_restart (int argc, char **argv) { return control (CONTROL_RESTART, argc, argv); }
int kari_ext_status  (int argc, char **argv) { return control (CONTROL_STATUS, argc, argv); }
int kari_ext_logs    (int argc, char **argv) { return control (CONTROL_LOGS, argc, argv); }
int kari_ext_call    (int argc, char **argv) { return control (CONTROL_CALL, argc, argv); }
