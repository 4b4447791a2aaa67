/* bench-app-start.c — the Control Room's start to its first frame with
 * 100 installed extensions, against a bare AdwApplicationWindow on the
 * same display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both are timed in the same process after gtk_init(), from nothing to
 * the window's first painted frame (the frame clock's after-paint): for
 * the Control Room that is opening the registry, discovery of the 100
 * extensions, the audit log and the permission engine, the sidebar, the
 * Installed list and every page's template. Runs under Xvfb (started by
 * the program when there is no display), with the software renderer.
 */
#include <stdio.h>
#include "config.h"

#include "kari-app-private.h"
#include "kari-window.h"
#include "kari-bench-util.h"
#include "../kari-test-ui.h"

#define RUNS 15
#define N_EXTENSIONS 100
/* Every tenth one declares a page and is switched on, so the sidebar
 * has ten extension pages. */
#define EVERY_PAGE 10

static GTestDBus *bus;

static double
bare_ms (AdwApplication *app)
{
  gint64 start = g_get_monotonic_time ();
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  double ms;

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new ("Control Room"));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 680);
  gtk_window_present (GTK_WINDOW (window));
  if (!kari_test_ui_wait_for_frame (window))
    g_error ("the bare window never painted");
  ms = kari_bench_ms_since (start);
  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  return ms;
}

static double
control_room_ms (AdwApplication *app,
                 GSettings      *settings)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(KariAppHost) host = kari_app_host_new ("default", &error);
  KariWindow *window;
  double ms;

  if (host == NULL)
    g_error ("host: %s", error->message);
  if (g_getenv ("BENCH_SPLIT")) g_printerr ("host %.1f\n", kari_bench_ms_since (start));
  window = kari_window_new (app, host, settings);
  if (g_getenv ("BENCH_SPLIT")) g_printerr ("window %.1f\n", kari_bench_ms_since (start));
  gtk_window_present (GTK_WINDOW (window));
  if (!kari_test_ui_wait_for_frame (GTK_WIDGET (window)))
    g_error ("the Control Room never painted");
  ms = kari_bench_ms_since (start);
  if (g_list_model_get_n_items (kari_app_host_get_extensions (host)) != N_EXTENSIONS)
    g_error ("expected %d extensions, found %u", N_EXTENSIONS,
             g_list_model_get_n_items (kari_app_host_get_extensions (host)));
  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  return ms;
}

static void
write_extensions (void)
{
  g_autofree char *root = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);

  for (guint i = 0; i < N_EXTENSIONS; i++)
    {
      g_autofree char *name = g_strdup_printf ("bench-%03u", i);
      g_autofree char *extra = g_strdup_printf ("\"display_name\": \"Bench Extension %u\",\n"
                                                "  \"type\": \"addon\",\n"
                                                "  \"permissions\": [\"data:read\", \"network:http:*.example.com\"],\n"
                                                "  \"ui\": { \"pages\": [ { \"name\": \"Page %u\", \"path\": \"/p%u\" } ] }",
                                                i, i, i);
      g_free (kari_test_write_extension (root, name, name, "1.0.0", extra));
    }
}

static void
on_enabled (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kari_app_host_set_enabled_finish (KARI_APP_HOST (source), result, &error))
    g_error ("switch on: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

/* The first start registers the 100 extensions; a person's every later
 * start finds them registered, which is what is measured. */
static void
install (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAppHost) host = kari_app_host_new ("default", &error);

  if (host == NULL)
    g_error ("host: %s", error->message);
  for (guint i = 0; i < N_EXTENSIONS; i += EVERY_PAGE)
    {
      g_autofree char *name = g_strdup_printf ("bench-%03u", i);
      gboolean done = FALSE;

      kari_app_host_set_enabled_async (host, kari_app_host_lookup (host, name), TRUE, NULL, on_enabled, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  double bare[RUNS], ours[RUNS];

  kari_test_ui_ensure_display (argc, argv);
  root = g_dir_make_tmp ("kari-bench-app-XXXXXX", &error);
  g_assert_no_error (error);
  kari_test_ui_setup_env (root);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  kari_test_ui_dbus_up (bus);
  gtk_init ();
  adw_init ();
  app = adw_application_new (KARI_APP_ID, G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("register: %s", error->message);
  settings = g_settings_new (KARI_APP_ID);

  write_extensions ();
  install ();
  /* One of each first: fonts, icons and the CSS are loaded once. */
  bare_ms (app);
  control_room_ms (app, settings);
  for (guint i = 0; i < RUNS; i++)
    {
      bare[i] = bare_ms (app);
      ours[i] = control_room_ms (app, settings);
    }
  kari_bench_sort (bare, RUNS);
  kari_bench_sort (ours, RUNS);

  printf ("start to first frame, %d runs each (median, min–max), renderer %s:\n", RUNS,
          g_getenv ("GSK_RENDERER"));
  printf ("  bare AdwApplicationWindow:             %7.2f ms (%.2f–%.2f)\n", bare[RUNS / 2], bare[0], bare[RUNS - 1]);
  printf ("  Control Room, %d extensions:          %7.2f ms (%.2f–%.2f)\n", N_EXTENSIONS, ours[RUNS / 2], ours[0],
          ours[RUNS - 1]);
  printf ("  ratio: %.2f× (target ≤ 1.3×)\n", ours[RUNS / 2] / bare[RUNS / 2]);

  g_clear_object (&settings);
  g_clear_object (&app);
  g_test_dbus_stop (bus);
  kari_test_rm_rf (root);
  return 0;
}
