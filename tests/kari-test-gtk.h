/* kari-test-gtk.h — a window on the test display and waiting for it, for
 * the tests and benchmarks that run real GTK (under Xvfb when there is
 * no display: see tests/xvfb-run-test.sh)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

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
