/* test-page-table.c: a table node's rows and a chart node on a real
 * display (Xvfb) across updates: rows that only moved keep their items,
 * and every kind of splice leaves the model equal to the tree's rows. A
 * bar chart is drawn with rectangles alone, a line chart uploads only its
 * plot through cairo.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kari.h"
#include "kari-page-chart.h"
#include "kari-page-view-private.h"
#include "kari-test-gtk.h"
#include "kari-test-page-view.h"

/* Shows a table whose rows are [[rows[0]], [rows[1]], …]. */
static void
show_rows (Fixture     *f,
           const guint *rows,
           guint        n_rows)
{
  g_autoptr(GString) json = g_string_new ("{\"id\": \"page\", \"type\": \"box\", \"children\": ["
                                          "{\"id\": \"t\", \"type\": \"table\", \"columns\": [\"N\"], \"rows\": [");
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPageTree) tree = NULL;

  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (json, "%s[%u]", i ? "," : "", rows[i]);
  g_string_append (json, "]}]}");
  tree = kari_page_tree_new_from_data (json->str, -1, &error);
  g_assert_no_error (error);
  kari_page_view_set_tree (f->view, tree);
}

static GListModel *
model_of (Fixture *f)
{
  GtkWidget *table = table_view (f, "t");

  return G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (table)));
}

/* The model's items, borrowed (the model keeps them). */
static GPtrArray *
items_of (Fixture *f)
{
  GListModel *model = model_of (f);
  GPtrArray *items = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_ptr_array_add (items, item);
    }
  return items;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *changed)
{
  *changed += MAX (removed, added);
}

/* A feed: a row comes at the top, the last one goes. Only those two
 * change; the others keep their items, so their cells are not bound
 * again and a selection on them stays. */
static void
test_shift (Fixture       *f,
            gconstpointer  data)
{
  guint rows[21];
  g_autoptr(GPtrArray) before = NULL, after = NULL;
  guint changed = 0;

  for (guint i = 0; i < 20; i++)
    rows[i + 1] = 100 - i;
  show_rows (f, rows + 1, 20);
  before = items_of (f);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (model_of (f)), 3, TRUE);
  g_signal_connect (model_of (f), "items-changed", G_CALLBACK (on_items_changed), &changed);

  rows[0] = 101;
  show_rows (f, rows, 20);
  after = items_of (f);
  g_assert_cmpuint (after->len, ==, 20);
  g_assert_cmpuint (changed, ==, 2);
  for (guint i = 1; i < 20; i++)
    g_assert_true (g_ptr_array_index (after, i) == g_ptr_array_index (before, i - 1));
  g_assert_true (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (model_of (f)), 4));
  kari_test_gtk_wait_frame (f->window);
}

/* Random edits of a table: whatever the splices, the rows shown are the
 * tree's, in its order. */
static void
test_random_splices (Fixture       *f,
                     gconstpointer  data)
{
  GRand *rand = g_rand_new_with_seed (6);
  guint rows[40], n_rows = 0;

  for (guint round = 0; round < 200; round++)
    {
      guint op = g_rand_int_range (rand, 0, 5), at = n_rows > 0 ? g_rand_int_range (rand, 0, n_rows) : 0;
      g_autoptr(GPtrArray) items = NULL;
      GListModel *model;

      if ((op == 0 || n_rows == 0) && n_rows < G_N_ELEMENTS (rows))
        {
          memmove (rows + at + 1, rows + at, (n_rows - at) * sizeof rows[0]);
          rows[at] = g_rand_int_range (rand, 0, 12);   /* repeats on purpose */
          n_rows++;
        }
      else if (op == 1)
        {
          memmove (rows + at, rows + at + 1, (n_rows - at - 1) * sizeof rows[0]);
          n_rows--;
        }
      else if (op == 2)
        rows[at] = g_rand_int_range (rand, 0, 12);
      else if (op == 3 && n_rows > 1)
        {
          guint k = g_rand_int_range (rand, 1, n_rows), first = rows[0];

          /* a rotation by k: every row moves */
          memmove (rows, rows + 1, (n_rows - 1) * sizeof rows[0]);
          rows[n_rows - 1] = first;
          for (guint r = 1; r < k; r++)
            {
              first = rows[0];
              memmove (rows, rows + 1, (n_rows - 1) * sizeof rows[0]);
              rows[n_rows - 1] = first;
            }
        }
      else if (n_rows > 2)
        {
          guint other = g_rand_int_range (rand, 0, n_rows), tmp = rows[at];

          rows[at] = rows[other];
          rows[other] = tmp;
        }
      show_rows (f, rows, n_rows);
      model = model_of (f);
      items = items_of (f);
      g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_rows);
      for (guint i = 0; i < n_rows; i++)
        {
          g_autofree char *want = g_strdup_printf ("%u", rows[i]);
          g_autofree char *shown = _kari_page_table_dup_cell (g_ptr_array_index (items, i), 0);

          g_assert_cmpstr (shown, ==, want);
        }
    }
  g_rand_free (rand);
}

/* How many times @what occurs in the serialized render nodes of @widget. */
static guint
count_nodes (GtkWidget  *widget,
             const char *what)
{
  g_autoptr(GBytes) serialized = NULL;
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  const char *text, *at;
  guint n = 0;
  gsize length;

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  serialized = gsk_render_node_serialize (node);
  text = g_bytes_get_data (serialized, &length);
  for (at = g_strstr_len (text, length, what); at != NULL;
       at = g_strstr_len (at + 1, length - (at + 1 - text), what))
    n++;
  return n;
}

static void
test_chart_nodes (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPageTree) tree = kari_page_tree_new_from_data (
    "{\"id\": \"page\", \"type\": \"box\", \"children\": ["
    "{\"id\": \"bars\", \"type\": \"chart\", \"kind\": \"bar\", \"labels\": [\"a\", \"b\", \"c\"],"
    " \"series\": [{\"name\": \"n\", \"values\": [3, 5, 2]}]},"
    "{\"id\": \"lines\", \"type\": \"chart\", \"kind\": \"line\", \"labels\": [\"a\", \"b\", \"c\"],"
    " \"series\": [{\"name\": \"n\", \"values\": [3, 5, 2]}]}]}", -1, &error);
  GtkWidget *chart;

  g_assert_no_error (error);
  kari_page_view_set_tree (f->view, tree);
  kari_test_gtk_wait_frame (f->window);

  /* Three bars and two axes, no cairo. */
  chart = kari_page_view_lookup (f->view, "bars");
  g_assert_cmpint (gtk_widget_get_width (chart), >, 100);
  g_assert_cmpuint (count_nodes (chart, "cairo {"), ==, 0);
  g_assert_cmpuint (count_nodes (chart, "color {"), >=, 5);

  /* One cairo surface for the line, inside the plot. */
  chart = kari_page_view_lookup (f->view, "lines");
  g_assert_cmpuint (count_nodes (chart, "cairo {"), ==, 1);
  g_assert_cmpuint (count_nodes (chart, "color {"), >=, 2);
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
  ADD ("/page-table/patch/shifted-rows-kept", test_shift);
  ADD ("/page-table/patch/random-splices", test_random_splices);
  ADD ("/page-table/chart/snapshot-nodes", test_chart_nodes);

  return g_test_run ();
}
