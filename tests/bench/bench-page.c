/* bench-page.c — a 1,000-node page updated in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A page of 1,000 nodes (sections of cards, boxes and lists holding
 * labels, switches, progress bars, spin buttons and buttons) is shown in
 * a real window, then updated by trees that each change 10 nodes:
 *   - diff + patch: kari_page_diff() and kari_page_view_apply_patch()
 *     (target < 2 ms), with a full rebuild of every widget beside it;
 *   - to pixels: from handing the view the new tree to the frame clock's
 *     next after-paint, in frames at 60 Hz. The one-frame target
 *     is for an extension's page update (bench-page-update); this page is
 *     its stress case, a whole window of widgets repainted (Xvfb's GL has
 *     no buffer age, so every frame repaints the whole window).
 * Runs on the display there is, or under a private Xvfb it starts.
 */
#include "config.h"

#include <stdio.h>

#include "kari.h"
#include "kari-bench-util.h"
#include "kari-page-view.h"
#include "../kari-test-gtk.h"

#define SECTIONS 27
#define PER_SECTION 36   /* 1 + 27 + 27 × 36 = 1,000 nodes */
#define CHANGED 10
#define STEPS 60
#define REBUILDS 10

static const char * const section_types[] = { "card", "box", "list" };

/* Leaf @i of the page as of @step: the same CHANGED leaves take values
 * of the step, so consecutive steps differ in exactly those. */
static void
append_leaf (GString *s,
             guint    i,
             guint    step)
{
  guint v = 0;

  for (guint k = 0; k < CHANGED; k++)
    if ((k * 97) % (SECTIONS * PER_SECTION) == i)
      v = step;
  switch (i % 5)
    {
    case 0:
      g_string_append_printf (s, "{\"id\": \"n%u\", \"type\": \"label\", \"title\": \"Item %u\", "
                                 "\"text\": \"Value %u of item %u\"}", i, i, v, i);
      break;
    case 1:
      g_string_append_printf (s, "{\"id\": \"n%u\", \"type\": \"switch\", \"title\": \"Switch %u\", "
                                 "\"active\": %s}", i, i, v % 2 ? "true" : "false");
      break;
    case 2:
      g_string_append_printf (s, "{\"id\": \"n%u\", \"type\": \"progress\", \"fraction\": %.1f}",
                              i, (v % 10) / 10.0);
      break;
    case 3:
      g_string_append_printf (s, "{\"id\": \"n%u\", \"type\": \"spin\", \"title\": \"Count %u\", "
                                 "\"value\": %u}", i, i, v);
      break;
    default:
      g_string_append_printf (s, "{\"id\": \"n%u\", \"type\": \"button\", \"label\": \"Run %u\"}", i, v);
      break;
    }
}

/* When each phase of the next frame ended (GTK's own handlers run first,
 * so a handler here sees its phase done). */
typedef struct
{
  gint64 before_paint;
  gint64 layout;
  gint64 paint;
  gint64 after_paint;
} Phases;

static void
on_before_paint (GdkFrameClock *clock,
                 Phases        *p)
{
  if (p->before_paint == 0)
    p->before_paint = g_get_monotonic_time ();
}

static void
on_layout (GdkFrameClock *clock,
           Phases        *p)
{
  if (p->layout == 0)
    p->layout = g_get_monotonic_time ();
}

static void
on_paint (GdkFrameClock *clock,
          Phases        *p)
{
  if (p->paint == 0)
    p->paint = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Phases        *p)
{
  if (p->after_paint == 0)
    p->after_paint = g_get_monotonic_time ();
}

static void
idle_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, kari_test_gtk_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static char *
page_text (guint step)
{
  GString *s = g_string_new ("{\"id\": \"page\", \"type\": \"box\", \"children\": [");

  for (guint sec = 0; sec < SECTIONS; sec++)
    {
      g_string_append_printf (s, "%s{\"id\": \"s%u\", \"type\": \"%s\", \"title\": \"Section %u\", "
                                 "\"children\": [", sec ? "," : "", sec,
                              section_types[sec % G_N_ELEMENTS (section_types)], sec);
      for (guint j = 0; j < PER_SECTION; j++)
        {
          if (j > 0)
            g_string_append_c (s, ',');
          append_leaf (s, sec * PER_SECTION + j, step);
        }
      g_string_append (s, "]}");
    }
  g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}

static KariPageTree *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  KariPageTree *tree = kari_page_tree_new_from_data (text, -1, &error);

  if (tree == NULL)
    g_error ("bench-page: %s", error->message);
  g_assert_cmpuint (kari_page_tree_get_n_nodes (tree), ==, 1000);
  return tree;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) trees = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  double diff_ms[STEPS], patch_ms[STEPS], both_ms[STEPS], pixels_ms[STEPS];
  double rebuild_ms[REBUILDS], rebuild_pixels_ms[REBUILDS], parse_ms[STEPS];
  double wait_ms[STEPS], layout_ms[STEPS], paint_ms[STEPS], after_frame_ms[STEPS];
  GtkWidget *view, *window;
  GdkFrameClock *clock;

  kari_test_gtk_ensure_display (argc, argv);
  gtk_init ();
  adw_init ();

  for (guint i = 0; i <= STEPS; i++)
    {
      gint64 start;

      g_ptr_array_add (texts, page_text (i));
      start = g_get_monotonic_time ();
      g_ptr_array_add (trees, parse (texts->pdata[i]));
      if (i > 0)
        parse_ms[i - 1] = kari_bench_ms_since (start);
    }
  {
    g_autoptr(KariPagePatch) check = kari_page_diff (trees->pdata[0], trees->pdata[1]);
    printf ("page: 1,000 nodes, %u changed per update: %u patch steps\n", CHANGED,
            kari_page_patch_get_n_ops (check));
  }

  view = kari_page_view_new ();
  kari_page_view_set_tree (KARI_PAGE_VIEW (view), trees->pdata[0]);
  window = kari_test_gtk_window (view, 1000, 800);
  clock = gtk_widget_get_frame_clock (window);

  /* Diff + patch, the frame left to settle between updates. */
  for (guint i = 0; i < STEPS; i++)
    {
      KariPageTree *next = trees->pdata[i + 1];
      g_autoptr(KariPagePatch) patch = NULL;
      gint64 start, mid;

      kari_test_gtk_wait_frame (window);
      start = g_get_monotonic_time ();
      patch = kari_page_diff (kari_page_view_get_tree (KARI_PAGE_VIEW (view)), next);
      mid = g_get_monotonic_time ();
      kari_page_view_apply_patch (KARI_PAGE_VIEW (view), patch, next);
      both_ms[i] = kari_bench_ms_since (start);
      diff_ms[i] = (double) (mid - start) / 1000.0;
      patch_ms[i] = kari_bench_ms_since (mid);
    }

  /* To pixels: from the new tree's JSON text (as an extension sends it)
   * to the next frame's after-paint; the time splits into parsing, the
   * wait until the frame starts, update + layout, and paint. */
  for (guint i = 0; i < STEPS; i++)
    {
      g_autoptr(KariPageTree) next = NULL;
      Phases p = { 0 };
      gulong ids[4];
      gint64 start;

      /* The update comes when the clock is idle, as one from an extension
       * would most of the time: not right after a frame, which would add
       * the wait for the next slot (printed by the second loop below). */
      kari_test_gtk_wait_frame (window);
      idle_for (25);
      ids[0] = g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &p);
      ids[1] = g_signal_connect (clock, "layout", G_CALLBACK (on_layout), &p);
      ids[2] = g_signal_connect (clock, "paint", G_CALLBACK (on_paint), &p);
      ids[3] = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &p);
      start = g_get_monotonic_time ();
      next = parse (texts->pdata[STEPS - i - 1]);
      kari_page_view_set_tree (KARI_PAGE_VIEW (view), next);
      while (p.after_paint == 0)
        g_main_context_iteration (NULL, TRUE);
      pixels_ms[i] = (double) (p.after_paint - start) / 1000.0;
      wait_ms[i] = (double) (p.before_paint - start) / 1000.0;
      layout_ms[i] = (double) (p.layout - p.before_paint) / 1000.0;
      paint_ms[i] = (double) (p.after_paint - p.layout) / 1000.0;
      for (guint k = 0; k < G_N_ELEMENTS (ids); k++)
        g_signal_handler_disconnect (clock, ids[k]);
    }

  /* The same, the update coming right after a frame. */
  for (guint i = 0; i < STEPS; i++)
    {
      KariPageTree *next = trees->pdata[i + 1];
      gboolean painted = FALSE;
      gulong id;
      gint64 start;

      kari_test_gtk_wait_frame (window);
      id = g_signal_connect (clock, "after-paint", G_CALLBACK (kari_test_gtk_after_paint_cb), &painted);
      start = g_get_monotonic_time ();
      kari_page_view_set_tree (KARI_PAGE_VIEW (view), next);
      kari_test_gtk_wait_for (&painted, 10, "a frame");
      after_frame_ms[i] = kari_bench_ms_since (start);
      g_signal_handler_disconnect (clock, id);
    }

  /* A full rebuild of every widget, alone and to pixels. */
  for (guint i = 0; i < REBUILDS; i++)
    {
      gboolean painted = FALSE;
      gulong id;
      gint64 start;

      kari_test_gtk_wait_frame (window);
      start = g_get_monotonic_time ();
      kari_page_view_rebuild (KARI_PAGE_VIEW (view));
      rebuild_ms[i] = kari_bench_ms_since (start);
      kari_test_gtk_wait_frame (window);
      id = g_signal_connect (clock, "after-paint", G_CALLBACK (kari_test_gtk_after_paint_cb), &painted);
      start = g_get_monotonic_time ();
      kari_page_view_rebuild (KARI_PAGE_VIEW (view));
      kari_test_gtk_wait_for (&painted, 10, "a frame");
      rebuild_pixels_ms[i] = kari_bench_ms_since (start);
      g_signal_handler_disconnect (clock, id);
    }

  kari_bench_sort (parse_ms, STEPS);
  kari_bench_sort (diff_ms, STEPS);
  kari_bench_sort (patch_ms, STEPS);
  kari_bench_sort (both_ms, STEPS);
  kari_bench_sort (pixels_ms, STEPS);
  kari_bench_sort (wait_ms, STEPS);
  kari_bench_sort (after_frame_ms, STEPS);
  kari_bench_sort (layout_ms, STEPS);
  kari_bench_sort (paint_ms, STEPS);
  kari_bench_sort (rebuild_ms, REBUILDS);
  kari_bench_sort (rebuild_pixels_ms, REBUILDS);
  printf ("page parse + check (1,000 nodes): median %.2f ms\n", parse_ms[STEPS / 2]);
  printf ("page diff + patch (1,000 nodes, 10 changed): median %.3f ms (diff %.3f, patch %.3f), "
          "p90 %.3f ms (target < 2 ms)\n",
          both_ms[STEPS / 2], diff_ms[STEPS / 2], patch_ms[STEPS / 2], both_ms[STEPS * 9 / 10]);
  printf ("page full rebuild (1,000 nodes): median %.2f ms; diff + patch is %.3f× of it\n",
          rebuild_ms[REBUILDS / 2], both_ms[STEPS / 2] / rebuild_ms[REBUILDS / 2]);
  printf ("page update from JSON text to pixels (%s, %s): median %.2f ms, p90 %.2f ms (%.2f frames at 60 Hz; "
          "the one-frame target is bench-page-update's); full rebuild to pixels %.2f ms\n",
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))),
          G_OBJECT_TYPE_NAME (gdk_display_get_default ()),
          pixels_ms[STEPS / 2], pixels_ms[STEPS * 9 / 10], pixels_ms[STEPS / 2] / (1000.0 / 60),
          rebuild_pixels_ms[REBUILDS / 2]);
  printf ("page update to pixels, medians: parse + diff + patch + until the frame starts %.2f ms, update + layout %.2f ms, "
          "paint %.2f ms; an update right after a frame waits for the next slot: %.2f ms\n",
          wait_ms[STEPS / 2], layout_ms[STEPS / 2], paint_ms[STEPS / 2], after_frame_ms[STEPS / 2]);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
