/* kari-ext-metrics.c — `kari-ext metrics NAME [--since DURATION]`: live
 * figures from the running host, or the history kept in the registry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

#define DEFAULT_SINCE "1h"

/* DURATION is N followed by s, m, h or d, back from now; an RFC 3339
 * time is taken too. */
static gboolean
parse_since (const char  *text,
             gint64      *usec,
             GError     **error)
{
  gsize len = strlen (text);

  if (len >= 2 && strchr ("smhd", text[len - 1]) != NULL && g_ascii_isdigit (text[0]))
    {
      g_autofree char *back = g_strconcat ("-", text, NULL);

      if (_kari_ext_parse_time (back, usec, NULL))
        return TRUE;
    }
  if (_kari_ext_parse_time (text, usec, NULL) && text[0] != '+' && text[0] != '-')
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--since “%s” is not a duration: use N followed by s, m, h or d (30m, 6h, 7d), "
                 "or an RFC 3339 time"), text);
  return FALSE;
}

static JsonNode *
points_to_json (GArray *points)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < points->len; i++)
    {
      const KariMetricsPoint *p = &g_array_index (points, KariMetricsPoint, i);
      g_autofree char *when = _kari_ext_format_time (p->time_usec);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "time");
      json_builder_add_string_value (b, when);
      json_builder_set_member_name (b, "time_usec");
      json_builder_add_int_value (b, p->time_usec);
      json_builder_set_member_name (b, "resolution");
      json_builder_add_int_value (b, p->resolution);
      json_builder_set_member_name (b, "samples");
      json_builder_add_int_value (b, (gint64) p->samples);
      json_builder_set_member_name (b, "cpu_percent");
      json_builder_add_double_value (b, p->cpu_percent);
      json_builder_set_member_name (b, "cpu_percent_max");
      json_builder_add_double_value (b, p->cpu_percent_max);
      json_builder_set_member_name (b, "memory_bytes");
      json_builder_add_double_value (b, p->memory_bytes);
      json_builder_set_member_name (b, "memory_bytes_max");
      json_builder_add_int_value (b, (gint64) p->memory_bytes_max);
      json_builder_set_member_name (b, "tasks");
      json_builder_add_double_value (b, p->tasks);
      json_builder_set_member_name (b, "tasks_max");
      json_builder_add_int_value (b, p->tasks_max);
      json_builder_set_member_name (b, "calls");
      json_builder_add_int_value (b, (gint64) p->calls);
      json_builder_set_member_name (b, "call_errors");
      json_builder_add_int_value (b, (gint64) p->call_errors);
      json_builder_set_member_name (b, "call_denied");
      json_builder_add_int_value (b, (gint64) p->call_denied);
      json_builder_set_member_name (b, "latency_mean_usec");
      json_builder_add_double_value (b, p->latency_mean_usec);
      json_builder_set_member_name (b, "latency_max_usec");
      json_builder_add_int_value (b, p->latency_max_usec);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

static void
print_points (GArray *points)
{
  printf ("%-20s %5s %7s %7s %10s %10s %6s %6s %6s %6s %9s %9s\n", _("TIME"), _("RES"), _("CPU %"),
          _("MAX"), _("MEMORY"), _("MAX"), _("TASKS"), _("CALLS"), _("ERRORS"), _("DENIED"),
          _("LATENCY"), _("MAX"));
  for (guint i = 0; i < points->len; i++)
    {
      const KariMetricsPoint *p = &g_array_index (points, KariMetricsPoint, i);
      g_autofree char *when = _kari_ext_format_time (p->time_usec);
      g_autofree char *memory = g_format_size_full ((guint64) p->memory_bytes, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *memory_max = g_format_size_full (p->memory_bytes_max, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *res = p->resolution == 0 ? g_strdup ("raw")
                             : p->resolution < 3600 ? g_strdup_printf ("%um", p->resolution / 60)
                             : g_strdup_printf ("%uh", p->resolution / 3600);

      printf ("%-20s %5s %7.1f %7.1f %10s %10s %6.1f %6" G_GUINT64_FORMAT " %6" G_GUINT64_FORMAT
              " %6" G_GUINT64_FORMAT " %7.1fms %7.1fms\n",
              when, res, p->cpu_percent, p->cpu_percent_max, memory, memory_max, p->tasks,
              p->calls, p->call_errors, p->call_denied, p->latency_mean_usec / 1000.0,
              (double) p->latency_max_usec / 1000.0);
    }
}

static int
print_history (const char *name,
               const char *tenant,
               gint64      since,
               gboolean    json)
{
  g_autoptr(KariDiscovery) discovery = _kari_ext_discover ();
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GArray) points = NULL;
  g_autoptr(GError) error = NULL;

  registry = _kari_ext_open_registry (discovery, &error);
  if (registry == NULL)
    return _kari_ext_fail (NULL, error);
  entry = kari_registry_lookup (registry, name, &error);
  if (entry == NULL)
    return _kari_ext_fail (NULL, error);
  points = kari_registry_query_metrics (registry, name, tenant, since, 0, KARI_METRICS_RESOLUTION_AUTO,
                                        &error);
  if (points == NULL)
    return _kari_ext_fail (NULL, error);
  if (json)
    {
      g_autoptr(JsonNode) node = points_to_json (points);

      _kari_ext_print_json (node);
    }
  else
    print_points (points);
  return KARI_EXIT_OK;
}

int
kari_ext_metrics (int    argc,
                  char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("metrics");
  gboolean json = FALSE;
  g_autofree char *since_text = NULL;
  g_autofree char *tenant = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { "since", 's', 0, G_OPTION_ARG_STRING, &since_text,
      N_("History from the registry over this long back (default with no host: 1h)"), N_("DURATION") },
    { "tenant", 't', 0, G_OPTION_ARG_STRING, &tenant, N_("The tenant (default: “default”)"), N_("TENANT") },
    { NULL }
  };
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  gint64 since = 0;
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return _kari_ext_usage_error (command, "%s", _("no NAME given"));
  if (argc > 2)
    return _kari_ext_usage_error (command, _("unexpected argument “%s”"), argv[2]);
  if (!parse_since (since_text != NULL ? since_text : DEFAULT_SINCE, &since, &error))
    return _kari_ext_usage_error (command, "%s", error->message);

  /* Live figures are the host's; history is the registry's. */
  if (since_text == NULL && (bus = _kari_ext_find_host (TRUE)) != NULL)
    return _kari_ext_live_metrics (bus, argv[1], json);
  return print_history (argv[1], tenant != NULL ? tenant : _kari_ext_default_tenant (), since, json);
}
