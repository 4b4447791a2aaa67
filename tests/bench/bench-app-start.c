/* bench-app-start.c — the Control Room's start to its first frame with
 * 100 installed extensions, against a bare AdwApplicationWindow on the
 * same display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figure the target is about is a start as a person sees it: from
 * spawning a process to its window's first painted frame (the frame
 * clock's after-paint), the program run again with --child=bare or
 * --child=control-room, so both pay for starting GTK and libadwaita
 * alike. For the Control Room that adds opening the registry, discovery
 * of the 100 extensions, the audit log, the permission engine, the
 * sidebar and the Installed page. Beside it, the same two windows built
 * again in one warm process, which shows what the app itself adds.
 * Runs under Xvfb (started by the program when there is no display),
 * with the software renderer.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
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
  window = kari_window_new (app, host, settings);

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

static double
cpu_ms (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

/* In a child: gtk_init() to first frame of one window, printed as ms
 * since KARI_BENCH_SPAWNED (the parent's g_get_monotonic_time() just
 * before the spawn). */
static int
child_main (const char *mode)
{
  gint64 spawned = g_ascii_strtoll (g_getenv ("KARI_BENCH_SPAWNED"), NULL, 10);
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAppHost) host = NULL;
  g_autoptr(GSettings) settings = NULL;
  GtkWidget *window;

  gtk_init ();
  adw_init ();
  app = adw_application_new (KARI_APP_ID, G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("register: %s", error->message);
  if (g_str_equal (mode, "bare"))
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

      window = adw_application_window_new (GTK_APPLICATION (app));
      gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
      gtk_box_append (GTK_BOX (box), gtk_label_new ("Control Room"));
      adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
      gtk_window_set_default_size (GTK_WINDOW (window), 1000, 680);
    }
  else
    {
      host = kari_app_host_new ("default", &error);
      if (host == NULL)
        g_error ("host: %s", error->message);
      settings = g_settings_new (KARI_APP_ID);
      window = GTK_WIDGET (kari_window_new (app, host, settings));
    }
  gtk_window_present (GTK_WINDOW (window));
  if (!kari_test_ui_wait_for_frame (window))
    g_error ("no frame");
  printf ("%.3f %.3f\n", (double) (g_get_monotonic_time () - spawned) / 1000.0, cpu_ms (RUSAGE_SELF));
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

/* Wall-clock ms from spawn to first frame; *@cpu gets the CPU time the
 * child had used by then, which a loaded machine disturbs less. */
static double
spawn_ms (const char *self_path,
          const char *mode,
          double     *cpu)
{
  char *end = NULL;
  double wall;
  g_autofree char *arg = g_strconcat ("--child=", mode, NULL);
  const char *argv[] = { self_path, arg, NULL };
  g_autofree char *spawned = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_monotonic_time ());
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  g_setenv ("KARI_BENCH_SPAWNED", spawned, TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", mode, error->message);
  wall = g_ascii_strtod (out, &end);
  if (cpu != NULL)
    *cpu = g_ascii_strtod (end, NULL);
  return wall;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  double bare[RUNS], ours[RUNS], bare_proc[RUNS], ours_proc[RUNS], bare_cpu[RUNS], ours_cpu[RUNS];
  g_autofree char *self_path = NULL;

  if (argc == 2 && g_str_has_prefix (argv[1], "--child="))
    return child_main (argv[1] + strlen ("--child="));
  kari_test_gtk_ensure_display (argc, argv);
  self_path = g_canonicalize_filename (argv[0], NULL);
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
  /* One of each first: the page cache holds the libraries and fonts. */
  spawn_ms (self_path, "bare", NULL);
  spawn_ms (self_path, "control-room", NULL);
  for (guint i = 0; i < RUNS; i++)
    {
      bare_proc[i] = spawn_ms (self_path, "bare", &bare_cpu[i]);
      ours_proc[i] = spawn_ms (self_path, "control-room", &ours_cpu[i]);
    }
  bare_ms (app);
  control_room_ms (app, settings);
  for (guint i = 0; i < RUNS; i++)
    {
      bare[i] = bare_ms (app);
      ours[i] = control_room_ms (app, settings);
    }
  kari_bench_sort (bare_cpu, RUNS);
  kari_bench_sort (ours_cpu, RUNS);
  kari_bench_sort (bare_proc, RUNS);
  kari_bench_sort (ours_proc, RUNS);
  kari_bench_sort (bare, RUNS);
  kari_bench_sort (ours, RUNS);

  printf ("start to first frame, %d runs each (median, min–max), renderer %s:\n", RUNS,
          g_getenv ("GSK_RENDERER"));
  printf ("  process spawned to first frame:\n");
  printf ("    bare AdwApplicationWindow:           %7.2f ms (%.2f–%.2f)\n", bare_proc[RUNS / 2], bare_proc[0],
          bare_proc[RUNS - 1]);
  printf ("    Control Room, %d extensions:        %7.2f ms (%.2f–%.2f)\n", N_EXTENSIONS, ours_proc[RUNS / 2],
          ours_proc[0], ours_proc[RUNS - 1]);
  printf ("    ratio: %.2f× (target ≤ 1.3×)\n", ours_proc[RUNS / 2] / bare_proc[RUNS / 2]);
  printf ("  CPU time each process had used at its first frame (user + system; steadier on a busy machine):\n");
  printf ("    bare AdwApplicationWindow:           %7.2f ms (%.2f–%.2f)\n", bare_cpu[RUNS / 2], bare_cpu[0],
          bare_cpu[RUNS - 1]);
  printf ("    Control Room, %d extensions:        %7.2f ms (%.2f–%.2f)\n", N_EXTENSIONS, ours_cpu[RUNS / 2],
          ours_cpu[0], ours_cpu[RUNS - 1]);
  printf ("    ratio: %.2f×\n", ours_cpu[RUNS / 2] / bare_cpu[RUNS / 2]);
  printf ("  window only, in a warm process (what the app itself adds):\n");
  printf ("    bare AdwApplicationWindow:           %7.2f ms (%.2f–%.2f)\n", bare[RUNS / 2], bare[0], bare[RUNS - 1]);
  printf ("    Control Room, %d extensions:        %7.2f ms (%.2f–%.2f)\n", N_EXTENSIONS, ours[RUNS / 2], ours[0],
          ours[RUNS - 1]);
  printf ("    ratio: %.2f×\n", ours[RUNS / 2] / bare[RUNS / 2]);

  g_clear_object (&settings);
  g_clear_object (&app);
  g_test_dbus_stop (bus);
  kari_test_rm_rf (root);
  return 0;
}
