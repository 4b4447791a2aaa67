/* kari-test-gtk.h — a window on the test display and waiting for it, for
 * the tests and benchmarks that run real GTK (under a private Xvfb when
 * there is no display: kari_test_gtk_ensure_display())
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <errno.h>
#include <unistd.h>

#include <adwaita.h>

G_BEGIN_DECLS

/* Re-executes @argv under xvfb-run when there is no display; returns
 * only when there is one (or aborts saying why there cannot be). */
static inline void
kari_test_gtk_ensure_display (int    argc,
                              char **argv)
{
  g_autoptr(GPtrArray) args = NULL;
  g_autofree char *xvfb_run = NULL;
  const char *display = g_getenv ("DISPLAY");
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");

  if ((display != NULL && *display != '\0') || (wayland != NULL && *wayland != '\0'))
    return;
  if (g_getenv ("KARI_TEST_XVFB") != NULL)
    g_error ("xvfb-run started this program, yet DISPLAY is not set");
  xvfb_run = g_find_program_in_path ("xvfb-run");
  if (xvfb_run == NULL)
    g_error ("No display, and xvfb-run is not installed (Debian package xvfb): "
             "set DISPLAY or install xvfb to run the UI tests");

  args = g_ptr_array_new ();
  g_ptr_array_add (args, xvfb_run);
  g_ptr_array_add (args, (char *) "-a");
  g_ptr_array_add (args, (char *) "-s");
  g_ptr_array_add (args, (char *) "-screen 0 1280x1024x24 -nolisten tcp");
  for (int i = 0; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  g_setenv ("KARI_TEST_XVFB", "1", TRUE);
  execv (xvfb_run, (char **) args->pdata);
  g_error ("Could not run %s: %s", xvfb_run, g_strerror (errno));
}


static inline gboolean
kari_test_gtk_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *@flag is set, failing the test after
 * @seconds. */
static inline void
kari_test_gtk_wait_for (const gboolean *flag,
                        guint           seconds,
                        const char     *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, kari_test_gtk_timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  if (!*flag)
    g_error ("timed out waiting for %s", what);
}

static inline void
kari_test_gtk_after_paint_cb (GdkFrameClock *clock,
                              gboolean      *painted)
{
  *painted = TRUE;
}

/* Waits for the next frame of @widget's window to be painted. */
static inline void
kari_test_gtk_wait_frame (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (kari_test_gtk_after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  kari_test_gtk_wait_for (&painted, 10, "a frame");
  g_signal_handler_disconnect (clock, id);
}

static inline void
kari_test_gtk_mapped_cb (GtkWidget *widget,
                         gboolean  *mapped)
{
  *mapped = TRUE;
}

/* A window holding @child, shown, mapped and painted once. */
static inline GtkWidget *
kari_test_gtk_window (GtkWidget *child,
                      int        width,
                      int        height)
{
  GtkWidget *window = gtk_window_new ();
  gboolean mapped = FALSE;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  g_signal_connect (window, "map", G_CALLBACK (kari_test_gtk_mapped_cb), &mapped);
  gtk_window_present (GTK_WINDOW (window));
  kari_test_gtk_wait_for (&mapped, 10, "the window to be mapped");
  g_signal_handlers_disconnect_by_func (window, kari_test_gtk_mapped_cb, &mapped);
  kari_test_gtk_wait_frame (window);
  return window;
}

/* Lets pending idles and layout run. */
static inline void
kari_test_gtk_flush (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

G_END_DECLS
