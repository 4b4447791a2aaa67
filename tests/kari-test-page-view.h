/* kari-test-page-view.h — a KariPageView in a window on the test display,
 * the events it emits, and looking up its widgets, for the page tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari.h"
#include "kari-page-view.h"
#include "kari-test-gtk.h"

G_BEGIN_DECLS

/* A label node, as JSON text. */
#define L(id, text) "{\"id\": \"" id "\", \"type\": \"label\", \"text\": \"" text "\"}"

typedef struct
{
  char     *node_id;
  char     *kind;
  JsonNode *value;
} Event;

static inline void
event_free (Event *e)
{
  g_free (e->node_id);
  g_free (e->kind);
  json_node_unref (e->value);
  g_free (e);
}

static inline void
on_event (KariPageView *view,
          const char   *node_id,
          const char   *kind,
          JsonNode     *value,
          GPtrArray    *events)
{
  Event *e = g_new0 (Event, 1);

  e->node_id = g_strdup (node_id);
  e->kind = g_strdup (kind);
  e->value = json_node_copy (value);
  g_ptr_array_add (events, e);
}

typedef struct
{
  GtkWidget    *window;
  KariPageView *view;
  GPtrArray    *events;
} Fixture;

static inline KariPageTree *
tree_of (const char *json)
{
  g_autoptr(GError) error = NULL;
  KariPageTree *tree = kari_page_tree_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  return tree;
}

static inline void
show (Fixture    *f,
      const char *json)
{
  g_autoptr(KariPageTree) tree = tree_of (json);

  kari_page_view_set_tree (f->view, tree);
  kari_test_gtk_flush ();
}

static inline void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->view = KARI_PAGE_VIEW (kari_page_view_new ());
  f->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  g_signal_connect (f->view, "event", G_CALLBACK (on_event), f->events);
  f->window = kari_test_gtk_window (GTK_WIDGET (f->view), 800, 600);
}

static inline void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  kari_test_gtk_flush ();
  g_ptr_array_unref (f->events);
}

static inline GtkWidget *
find (Fixture    *f,
      const char *id)
{
  GtkWidget *w = kari_page_view_lookup (f->view, id);

  if (w == NULL)
    g_error ("no widget for node “%s”", id);
  return w;
}

/* A table node's GtkColumnView: in a scrolled window, in the node's card. */
static inline GtkWidget *
table_view (Fixture    *f,
            const char *id)
{
  GtkWidget *card = kari_page_view_lookup (f->view, id);
  GtkWidget *scrolled;

  g_assert_nonnull (card);
  scrolled = gtk_widget_get_first_child (card);
  g_assert_true (GTK_IS_SCROLLED_WINDOW (scrolled));
  return gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
}

static inline Event *
last_event (Fixture *f)
{
  g_assert_cmpuint (f->events->len, >, 0);
  return g_ptr_array_index (f->events, f->events->len - 1);
}

/* Saves what @widget shows as a PNG in the build folder's screenshots/. */
static inline void
screenshot (Fixture    *f,
            GtkWidget  *widget,
            const char *name)
{
  const char *builddir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
  g_autofree char *dir = g_build_filename (builddir, "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (f->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

G_END_DECLS
