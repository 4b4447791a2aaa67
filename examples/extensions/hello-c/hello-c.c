/* hello-c.c — a minimal Kari extension in C
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Build it beside its manifest (the host runs ./hello-c from this folder):
 *
 *   cc -o hello-c hello-c.c $(pkg-config --cflags --libs kari-extension-1)
 *
 * or take the one meson builds in _build/examples/extensions/hello-c/.
 * The host starts it with KARI_HOST_ADDRESS set; kari_extension_connect_async()
 * reads it.
 *
 * Its page "/dashboard" is live: once the host has asked for it, the
 * extension pushes a new tree every second (a line chart of the last 30
 * samples and a table of the latest ones); the host diffs each push and
 * updates only the chart's values and the table's rows.
 */

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <kari-extension.h>

#define N_SAMPLES 30

typedef struct
{
  double samples[N_SAMPLES];
  guint  n_samples;
  guint  ticks;
  guint  timer;
} Dashboard;

/* A made-up load: a slow wave and some noise, so the chart moves. */
static void
dashboard_sample (Dashboard *board)
{
  double value = 50 + 30 * sin (board->ticks / 5.0) + g_random_double_range (-8, 8);

  if (board->n_samples == N_SAMPLES)
    memmove (board->samples, board->samples + 1, (N_SAMPLES - 1) * sizeof (double));
  else
    board->n_samples++;
  board->samples[board->n_samples - 1] = value;
  board->ticks++;
}

static char *
dashboard_tree (Dashboard *board)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "dashboard");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "box");
  json_builder_set_member_name (b, "spacing");
  json_builder_add_int_value (b, 12);
  json_builder_set_member_name (b, "children");
  json_builder_begin_array (b);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "title");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "heading");
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, "Load");
  json_builder_end_object (b);

  /* The chart: one series of the last samples. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "load-chart");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "chart");
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "line");
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (guint i = 0; i < board->n_samples; i++)
    {
      g_autofree char *label = g_strdup_printf ("%u", board->ticks - board->n_samples + i);

      json_builder_add_string_value (b, label);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "series");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "Load");
  json_builder_set_member_name (b, "values");
  json_builder_begin_array (b);
  for (guint i = 0; i < board->n_samples; i++)
    json_builder_add_double_value (b, board->samples[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);

  /* The table: the five latest samples, newest first. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "load-table");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "table");
  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "Tick");
  json_builder_add_string_value (b, "Load");
  json_builder_add_string_value (b, "High");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < MIN (5, board->n_samples); i++)
    {
      guint at = board->n_samples - 1 - i;

      json_builder_begin_array (b);
      json_builder_add_int_value (b, board->ticks - 1 - i);
      json_builder_add_double_value (b, round (board->samples[at] * 10) / 10);
      json_builder_add_boolean_value (b, board->samples[at] > 70);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
on_pushed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kari_extension_push_page_finish (KARI_EXTENSION (source), result, &error))
    kari_extension_log_async (KARI_EXTENSION (source), "warning", error->message, NULL, NULL, NULL);
}

static gboolean
dashboard_tick (gpointer user_data)
{
  KariExtension *extension = user_data;
  Dashboard *board = g_object_get_data (G_OBJECT (extension), "dashboard");
  g_autofree char *tree = NULL;

  dashboard_sample (board);
  tree = dashboard_tree (board);
  kari_extension_push_page_async (extension, "/dashboard", tree, NULL, on_pushed, NULL);
  return G_SOURCE_CONTINUE;
}

/* The host asks when the page opens: answer at once, then keep pushing. */
static char *
render_dashboard (KariExtension  *extension,
                  const char     *page,
                  const char     *context,
                  gpointer        user_data,
                  GError        **error)
{
  Dashboard *board = user_data;

  if (board->n_samples == 0)
    dashboard_sample (board);
  if (board->timer == 0)
    board->timer = g_timeout_add_seconds (1, dashboard_tick, extension);
  return dashboard_tree (board);
}

static char *
handle_hello (KariExtension  *extension,
              const char     *endpoint,
              const char     *request,
              gpointer        user_data,
              GError        **error)
{
  return g_strdup ("{\"greeting\": \"Hello from C\"}");
}

static void
on_notified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kari_extension_notify_finish (KARI_EXTENSION (source), result, &error))
    kari_extension_log_async (KARI_EXTENSION (source), "warning", error->message, NULL, NULL, NULL);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KariExtension *extension = KARI_EXTENSION (source);
  GMainLoop *loop = user_data;
  g_autoptr(GError) error = NULL;

  if (!kari_extension_connect_finish (extension, result, &error))
    {
      g_printerr ("hello-c: %s\n", error->message);
      g_main_loop_quit (loop);
      return;
    }
  kari_extension_log_async (extension, "info", "hello-c is running", NULL, NULL, NULL);
  kari_extension_notify_async (extension, "Hello", "hello-c started", NULL, on_notified, NULL);
}

int
main (void)
{
  g_autoptr(KariExtension) extension = kari_extension_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Dashboard board = { 0 };

  kari_extension_add_endpoint (extension, "hello", handle_hello, NULL, NULL);
  g_object_set_data (G_OBJECT (extension), "dashboard", &board);
  kari_extension_add_page (extension, "/dashboard", render_dashboard, NULL, &board, NULL);
  g_signal_connect_swapped (extension, "shutdown", G_CALLBACK (g_main_loop_quit), loop);
  g_signal_connect_swapped (extension, "closed", G_CALLBACK (g_main_loop_quit), loop);
  kari_extension_connect_async (extension, NULL, NULL, on_connected, loop);
  g_main_loop_run (loop);
  g_clear_handle_id (&board.timer, g_source_remove);
  return 0;
}
