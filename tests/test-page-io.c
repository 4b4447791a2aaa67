/* test-page-io.c: what a page view takes in and gives out on a real
 * display (Xvfb): the events people cause, images from the extension's
 * own files only, declared page files followed live, and the example
 * dashboard as a person sees it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "kari.h"
#include "kari-page-chart.h"
#include "kari-page-view.h"
#include "kari-test-gtk.h"
#include "kari-test-page-view.h"
#include "kari-test-util.h"

static void
test_events (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *w;
  Event *e;

  show (f, "{\"id\": \"page\", \"type\": \"box\", \"children\": ["
           "{\"id\": \"go\", \"type\": \"button\", \"label\": \"Go\"},"
           "{\"id\": \"name\", \"type\": \"entry\"},"
           "{\"id\": \"on\", \"type\": \"switch\"},"
           "{\"id\": \"n\", \"type\": \"spin\", \"value\": 1},"
           "{\"id\": \"pick\", \"type\": \"dropdown\", \"options\": [\"a\", \"b\"]},"
           "{\"id\": \"list\", \"type\": \"list\", \"children\": [" L ("row", "Row") "]},"
           "{\"id\": \"t\", \"type\": \"table\", \"rows\": [[1], [2]]}]}");

  /* What a click ends in (gtk_widget_activate() only animates a press first). */
  g_signal_emit_by_name (find (f, "go"), "clicked");
  e = last_event (f);
  g_assert_cmpstr (e->node_id, ==, "go");
  g_assert_cmpstr (e->kind, ==, "click");
  g_assert_true (JSON_NODE_HOLDS_NULL (e->value));

  gtk_editable_set_text (GTK_EDITABLE (find (f, "name")), "Ada");
  e = last_event (f);
  g_assert_cmpstr (e->kind, ==, "change");
  g_assert_cmpstr (json_node_get_string (e->value), ==, "Ada");
  g_signal_emit_by_name (find (f, "name"), "activate");   /* what Enter ends in */
  e = last_event (f);
  g_assert_cmpstr (e->node_id, ==, "name");
  g_assert_cmpstr (e->kind, ==, "submit");
  g_assert_cmpstr (json_node_get_string (e->value), ==, "Ada");

  gtk_switch_set_active (GTK_SWITCH (find (f, "on")), TRUE);
  e = last_event (f);
  g_assert_cmpstr (e->node_id, ==, "on");
  g_assert_true (json_node_get_boolean (e->value));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find (f, "n")), 7);
  e = last_event (f);
  g_assert_cmpstr (e->node_id, ==, "n");
  g_assert_cmpfloat (json_node_get_double (e->value), ==, 7);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (f, "pick")), 1);
  e = last_event (f);
  g_assert_cmpstr (e->node_id, ==, "pick");
  g_assert_cmpint (json_node_get_int (e->value), ==, 1);

  w = gtk_widget_get_ancestor (find (f, "row"), GTK_TYPE_LIST_BOX_ROW);
  g_signal_emit_by_name (find (f, "list"), "row-activated", w);
  e = last_event (f);
  g_assert_cmpstr (e->node_id, ==, "list");
  g_assert_cmpstr (e->kind, ==, "activate");
  g_assert_cmpstr (json_node_get_string (e->value), ==, "row");

  g_signal_emit_by_name (table_view (f, "t"), "activate", 1);
  e = last_event (f);
  g_assert_cmpstr (e->node_id, ==, "t");
  g_assert_cmpint (json_node_get_int (e->value), ==, 1);

  /* The extension's answer changes the same widgets: no echo. */
  g_ptr_array_set_size (f->events, 0);
  show (f, "{\"id\": \"page\", \"type\": \"box\", \"children\": ["
           "{\"id\": \"go\", \"type\": \"button\", \"label\": \"Again\"},"
           "{\"id\": \"name\", \"type\": \"entry\", \"text\": \"Grace\"},"
           "{\"id\": \"on\", \"type\": \"switch\", \"active\": false},"
           "{\"id\": \"n\", \"type\": \"spin\", \"value\": 2},"
           "{\"id\": \"pick\", \"type\": \"dropdown\", \"options\": [\"x\", \"y\", \"z\"], \"selected\": 2},"
           "{\"id\": \"list\", \"type\": \"list\", \"children\": [" L ("row", "Row") "]},"
           "{\"id\": \"t\", \"type\": \"table\", \"rows\": [[3], [2]]}]}");
  g_assert_cmpuint (f->events->len, ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (f, "name"))), ==, "Grace");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (find (f, "on"))));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (find (f, "pick"))), ==, 2);
}

static void
wait_image (Fixture    *f,
            const char *id)
{
  GtkWidget *picture = find (f, id);
  gboolean done = FALSE;
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!(done = g_object_get_data (G_OBJECT (picture), "kari-page-loaded") != NULL)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (done);
}

/* Images come from the extension's folder only: a link out of it, a file
 * that is not PNG or JPEG, or a missing file shows nothing. */
static void
test_images (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kari-page-XXXXXX", &error);
  g_autofree char *outside = g_dir_make_tmp ("kari-outside-XXXXXX", &error);
  g_autofree char *icons = g_build_filename (dir, "icons", NULL);
  g_autofree char *link = g_build_filename (dir, "out", NULL);
  g_autofree char *file_link = g_build_filename (dir, "logo-link.png", NULL);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  GdkPaintable *shown;
  guchar pixels[4 * 4 * 4];

  g_assert_no_error (error);
  memset (pixels, 0x80, sizeof pixels);
  {
    g_autoptr(GBytes) raw = g_bytes_new (pixels, sizeof pixels);
    texture = gdk_memory_texture_new (4, 4, GDK_MEMORY_R8G8B8A8, raw, 16);
  }
  png = gdk_texture_save_to_png_bytes (texture);
  g_free (kari_test_write (icons, "logo.png", ""));
  {
    g_autofree char *p = g_build_filename (icons, "logo.png", NULL);
    g_autofree char *q = g_build_filename (outside, "secret.png", NULL);
    g_assert_true (g_file_set_contents (p, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL));
    g_assert_true (g_file_set_contents (q, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL));
    g_assert_cmpint (symlink (q, file_link), ==, 0);
  }
  g_free (kari_test_write (dir, "fake.png", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
  g_assert_cmpint (symlink (outside, link), ==, 0);

  kari_page_view_set_base_dir (f->view, dir);
  show (f, "{\"id\": \"page\", \"type\": \"box\", \"children\": ["
           "{\"id\": \"ok\", \"type\": \"image\", \"src\": \"icons/logo.png\"},"
           "{\"id\": \"escape\", \"type\": \"image\", \"src\": \"out/secret.png\"},"
           "{\"id\": \"linked\", \"type\": \"image\", \"src\": \"logo-link.png\"},"
           "{\"id\": \"fake\", \"type\": \"image\", \"src\": \"fake.png\"},"
           "{\"id\": \"missing\", \"type\": \"image\", \"src\": \"nope.png\"}]}");
  for (guint i = 0; i < 5; i++)
    wait_image (f, (const char *[]) { "ok", "escape", "linked", "fake", "missing" }[i]);

  shown = gtk_picture_get_paintable (GTK_PICTURE (find (f, "ok")));
  g_assert_nonnull (shown);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (shown), ==, 4);
  g_assert_null (g_object_get_data (G_OBJECT (find (f, "ok")), "kari-page-error"));
  for (guint i = 0; i < 4; i++)
    {
      const char *id = (const char *[]) { "escape", "linked", "fake", "missing" }[i];
      g_assert_null (gtk_picture_get_paintable (GTK_PICTURE (find (f, id))));
      g_assert_nonnull (g_object_get_data (G_OBJECT (find (f, id)), "kari-page-error"));
    }
  g_assert_nonnull (strstr (g_object_get_data (G_OBJECT (find (f, "fake")), "kari-page-error"), "not a PNG or JPEG"));

  /* Another folder (an update of the extension): the images come from it. */
  {
    g_autofree char *dir2 = g_dir_make_tmp ("kari-page-XXXXXX", &error);
    g_autofree char *icons2 = g_build_filename (dir2, "icons", NULL);
    g_autofree char *p = g_build_filename (icons2, "logo.png", NULL);
    g_autoptr(GBytes) raw = g_bytes_new (pixels, sizeof pixels);
    g_autoptr(GdkTexture) wide = gdk_memory_texture_new (8, 2, GDK_MEMORY_R8G8B8A8, raw, 32);
    g_autoptr(GBytes) wide_png = gdk_texture_save_to_png_bytes (wide);

    g_assert_no_error (error);
    g_assert_cmpint (g_mkdir_with_parents (icons2, 0700), ==, 0);
    g_assert_true (g_file_set_contents (p, g_bytes_get_data (wide_png, NULL), g_bytes_get_size (wide_png), NULL));
    kari_page_view_set_base_dir (f->view, dir2);
    wait_image (f, "ok");
    shown = gtk_picture_get_paintable (GTK_PICTURE (find (f, "ok")));
    g_assert_nonnull (shown);
    g_assert_cmpint (gdk_paintable_get_intrinsic_width (shown), ==, 8);
    kari_test_rm_rf (dir2);
  }

  kari_test_rm_rf (dir);
  kari_test_rm_rf (outside);
}

static gboolean
label_is (GtkWidget  *label,
          const char *text)
{
  return g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), text) == 0;
}

/* A page declared as a file of the extension: shown, shown again patched
 * in place when the file changes, kept when a change does not parse, and
 * refused when the file is a link out of the folder. */
static void
test_declared_file (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kari-page-XXXXXX", &error);
  g_autofree char *path = kari_page_file_for_route ("/dash", &error);
  g_autofree char *file = NULL;
  g_autofree char *evil = NULL;
  GtkWidget *title;
  gint64 end;

  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "pages/dash.json");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) refused = NULL;
      g_autofree char *none = kari_page_file_for_route ((const char *[]) { "/../etc/x", "/", "/a:b" }[i], &refused);

      g_assert_null (none);
      g_assert_error (refused, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_UNSAFE_PATH);
    }

  file = kari_test_write (dir, path, "{\"id\": \"p\", \"type\": \"box\", \"children\": [" L ("title", "Before") "]}");
  g_assert_true (kari_page_view_load_file (f->view, dir, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kari_page_view_get_base_dir (f->view), ==, dir);
  title = find (f, "title");
  g_assert_true (label_is (title, "Before"));

  g_assert_true (g_file_set_contents (file, "{\"id\": \"p\", \"type\": \"box\", \"children\": [" L ("title", "After") "]}", -1, NULL));
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!label_is (title, "After") && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (label_is (title, "After"));
  g_assert_true (find (f, "title") == title);
  g_assert_null (kari_page_view_get_load_error (f->view));

  g_assert_true (g_file_set_contents (file, "{\"id\": \"p\", \"type\": \"box\", \"spacing\": \"wide\"}", -1, NULL));
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (kari_page_view_get_load_error (f->view) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (kari_page_view_get_load_error (f->view));
  g_assert_nonnull (strstr (kari_page_view_get_load_error (f->view), "pages/dash.json"));
  g_assert_nonnull (strstr (kari_page_view_get_load_error (f->view), "spacing"));
  g_assert_true (find (f, "title") == title && label_is (title, "After"));

  evil = g_build_filename (dir, "pages", "evil.json", NULL);
  g_assert_cmpint (symlink (file, evil), ==, 0);
  g_assert_false (kari_page_view_load_file (f->view, dir, "pages/evil.json", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (kari_page_view_load_file (f->view, dir, "../x.json", &error));
  g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_UNSAFE_PATH);
  g_assert_cmpuint (f->events->len, ==, 0);
  kari_test_rm_rf (dir);
}

/* The example extension's dashboard, as a person sees it. */
static void
test_example_page (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (KARI_SOURCE_DIR, "examples", "extensions", "advanced-analytics", NULL);
  g_autofree char *path = kari_page_file_for_route ("/analytics", &error);

  g_assert_no_error (error);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 1000);
  g_assert_true (kari_page_view_load_file (f->view, dir, path, &error));
  g_assert_no_error (error);
  g_assert_true (KARI_IS_PAGE_CHART (find (f, "traffic")));
  g_assert_cmpuint (kari_page_chart_get_n_series (KARI_PAGE_CHART (find (f, "traffic"))), ==, 2);
  kari_test_gtk_wait_frame (f->window);
  kari_test_gtk_wait_frame (f->window);
  screenshot (f, GTK_WIDGET (f->view), "page-analytics.png");
}

int
main (int   argc,
      char *argv[])
{
  kari_test_gtk_ensure_display (argc, argv);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/page-view/events/emitted-not-echoed", test_events);
  ADD ("/page-view/image/extension-files-only", test_images);
  ADD ("/page-view/file/declared-page-live", test_declared_file);
  ADD ("/page-view/file/example-dashboard", test_example_page);

  return g_test_run ();
}
