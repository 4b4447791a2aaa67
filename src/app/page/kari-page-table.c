/* kari-page-table.c: a table node as a GtkColumnView whose rows are
 * spliced, not replaced, so selection and scroll survive an update.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-page-view-private.h"

#define KARI_TYPE_PAGE_TABLE_ROW (kari_page_table_row_get_type ())
G_DECLARE_FINAL_TYPE (KariPageTableRow, kari_page_table_row, KARI, PAGE_TABLE_ROW, GObject)

struct _KariPageTableRow
{
  GObject   parent_instance;
  JsonNode *cells;   /* an array of scalars */
};

G_DEFINE_FINAL_TYPE (KariPageTableRow, kari_page_table_row, G_TYPE_OBJECT)

static void
kari_page_table_row_finalize (GObject *object)
{
  g_clear_pointer (&KARI_PAGE_TABLE_ROW (object)->cells, json_node_unref);
  G_OBJECT_CLASS (kari_page_table_row_parent_class)->finalize (object);
}

static void
kari_page_table_row_class_init (KariPageTableRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_page_table_row_finalize;
}

static void
kari_page_table_row_init (KariPageTableRow *self)
{
}

typedef struct
{
  GtkWidget   *view;      /* the GtkColumnView, inside the scrolled window */
  GListStore  *rows;
  JsonNode    *columns;   /* as last applied, nullable */
  guint        n_columns;
} Table;

static void
table_free (Table *t)
{
  g_clear_object (&t->rows);
  g_clear_pointer (&t->columns, json_node_unref);
  g_free (t);
}

static char *
cell_text (JsonArray *cells,
           guint      column)
{
  JsonNode *cell;

  if (column >= json_array_get_length (cells))
    return g_strdup ("");
  cell = json_array_get_element (cells, column);
  if (JSON_NODE_HOLDS_NULL (cell))
    return g_strdup ("");
  switch (json_node_get_value_type (cell))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (cell));
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (cell) ? _("Yes") : _("No"));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (cell));
    default:
      return g_strdup_printf ("%g", json_node_get_double (cell));
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  KariPageTableRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = cell_text (json_node_get_array (row->cells), GPOINTER_TO_UINT (data));

  _kari_page_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
on_activate (GtkColumnView *view,
             guint          position,
             KariPageEntry *e)
{
  JsonNode *value = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (value, position);
  _kari_page_view_emit (e->view, e->id, "activate", value);
}

GtkWidget *
_kari_page_table_new (KariPageEntry *e)
{
  Table *t = g_new0 (Table, 1);
  GtkSingleSelection *selection;
  GtkWidget *view, *scrolled;

  t->rows = g_list_store_new (KARI_TYPE_PAGE_TABLE_ROW);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (t->rows)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  view = gtk_column_view_new (GTK_SELECTION_MODEL (selection));
  gtk_column_view_set_show_column_separators (GTK_COLUMN_VIEW (view), FALSE);
  gtk_widget_add_css_class (view, "data-table");
  g_signal_connect (view, "activate", G_CALLBACK (on_activate), e);
  t->view = view;
  e->data = t;
  e->data_free = (GDestroyNotify) table_free;

  /* Its own scrolled window, so that only the rows in sight get widgets
   * however many rows the table has. */
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 400);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_add_css_class (scrolled, "card");
  return scrolled;
}

static void
sync_columns (KariPageEntry *e,
              Table         *t,
              JsonNode      *columns,
              guint          n_columns)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (t->view);
  GListModel *existing = gtk_column_view_get_columns (view);
  JsonArray *titles = columns != NULL ? json_node_get_array (columns) : NULL;

  if (n_columns == t->n_columns
      && (t->columns == columns || (t->columns && columns && json_node_equal (t->columns, columns))))
    return;
  while (g_list_model_get_n_items (existing) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (existing, 0);
      gtk_column_view_remove_column (view, column);
    }
  for (guint i = 0; i < n_columns; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      const char *title = titles != NULL && i < json_array_get_length (titles)
                          ? json_array_get_string_element (titles, i) : "";

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (title, factory);
      gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (view, column);
    }
  g_clear_pointer (&t->columns, json_node_unref);
  t->columns = columns != NULL ? json_node_ref (columns) : NULL;
  t->n_columns = n_columns;
}

static KariPageTableRow *
row_new (JsonArray *rows,
         guint      i)
{
  KariPageTableRow *row = g_object_new (KARI_TYPE_PAGE_TABLE_ROW, NULL);

  row->cells = json_node_ref (json_array_get_element (rows, i));
  return row;
}

void
_kari_page_table_sync (KariPageEntry *e,
                       KariPageNode  *node)
{
  Table *t = e->data;
  JsonNode *columns = kari_page_node_get_property (node, "columns");
  JsonNode *rows_node = kari_page_node_get_property (node, "rows");
  g_autoptr(JsonArray) empty = json_array_new ();
  JsonArray *rows = rows_node != NULL ? json_node_get_array (rows_node) : empty;
  JsonArray *old = e->synced != NULL ? json_node_get_array (e->synced) : empty;
  guint n_new = json_array_get_length (rows), n_old = json_array_get_length (old);
  guint n_columns = columns != NULL ? json_array_get_length (json_node_get_array (columns)) : 0;
  guint head = 0, tail = 0;
  g_autofree gpointer *added = NULL;

  if (columns == NULL)
    for (guint i = 0; i < n_new; i++)
      n_columns = MAX (n_columns, json_array_get_length (json_array_get_array_element (rows, i)));
  sync_columns (e, t, columns, n_columns);

  /* Only the rows between the unchanged head and tail are spliced. */
  while (head < n_new && head < n_old
         && json_node_equal (json_array_get_element (rows, head), json_array_get_element (old, head)))
    head++;
  while (tail < n_new - head && tail < n_old - head
         && json_node_equal (json_array_get_element (rows, n_new - 1 - tail),
                             json_array_get_element (old, n_old - 1 - tail)))
    tail++;
  if (head + tail < n_new || head + tail < n_old)
    {
      guint n_added = n_new - head - tail;

      added = g_new (gpointer, n_added + 1);
      for (guint i = 0; i < n_added; i++)
        added[i] = row_new (rows, head + i);
      g_list_store_splice (t->rows, head, n_old - head - tail, added, n_added);
      for (guint i = 0; i < n_added; i++)
        g_object_unref (added[i]);
    }
  g_clear_pointer (&e->synced, json_node_unref);
  e->synced = rows_node != NULL ? json_node_ref (rows_node) : NULL;

  /* A list view's natural height is not its rows': ask for room for
   * them (about 24 px each, under a header), up to the scrolled window's
   * maximum. */
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (e->widget), MIN (40 + 24 * (int) n_new, 400));
}
