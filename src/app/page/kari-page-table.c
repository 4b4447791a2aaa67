/* kari-page-table.c: a table node as a GtkColumnView whose rows are
 * spliced, not replaced, so selection and scroll survive an update. The
 * node's widget is a card (a GtkBox) holding a GtkScrolledWindow holding
 * the GtkColumnView.
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

/* The card a table sits in. Its corners are rounded as a card's are, but
 * it paints its background itself: a rectangle with rounded corners (a
 * rounded clip, as CSS draws it) makes a software renderer test every
 * pixel of the card against the corners each frame, about 4 ms for a
 * table of 400 px; here only the four corners are clipped. CSS still
 * draws the card's shadows. */
#define CARD_RADIUS 12.f

#define KARI_TYPE_PAGE_TABLE_CARD (kari_page_table_card_get_type ())
G_DECLARE_FINAL_TYPE (KariPageTableCard, kari_page_table_card, KARI, PAGE_TABLE_CARD, GtkWidget)

struct _KariPageTableCard
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (KariPageTableCard, kari_page_table_card, GTK_TYPE_WIDGET)

static void
kari_page_table_card_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  float w = (float) gtk_widget_get_width (widget), h = (float) gtk_widget_get_height (widget);
  float r = MIN (CARD_RADIUS, MIN (w, h) / 2);
  GskRoundedRect outline;
  GdkRGBA color;
  gboolean found;

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  found = gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "card_bg_color", &color);
G_GNUC_END_IGNORE_DEPRECATIONS
  if (found && w > 0 && h > 0)
    {
      const graphene_rect_t corners[] = {
        GRAPHENE_RECT_INIT (0, 0, r, r), GRAPHENE_RECT_INIT (w - r, 0, r, r),
        GRAPHENE_RECT_INIT (0, h - r, r, r), GRAPHENE_RECT_INIT (w - r, h - r, r, r),
      };

      gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (r, 0, w - 2 * r, h));
      gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (0, r, r, h - 2 * r));
      gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (w - r, r, r, h - 2 * r));
      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, w, h), r);
      for (guint i = 0; i < G_N_ELEMENTS (corners); i++)
        {
          gtk_snapshot_push_rounded_clip (snapshot, &outline);
          gtk_snapshot_append_color (snapshot, &color, &corners[i]);
          gtk_snapshot_pop (snapshot);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_snapshot_child (widget, child, snapshot);
}

static void
kari_page_table_card_css_changed (GtkWidget         *widget,
                                  GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (kari_page_table_card_parent_class)->css_changed (widget, change);
  /* The card's colour is the theme's, not this widget's style. */
  gtk_widget_queue_draw (widget);
}

static void
kari_page_table_card_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (kari_page_table_card_parent_class)->dispose (object);
}

static void
kari_page_table_card_class_init (KariPageTableCardClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kari_page_table_card_dispose;
  widget_class->snapshot = kari_page_table_card_snapshot;
  widget_class->css_changed = kari_page_table_card_css_changed;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kari-table-card");
}

static void
kari_page_table_card_init (KariPageTableCard *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
}

typedef struct
{
  GtkWidget   *view;      /* the GtkColumnView, inside the scrolled window */
  GtkWidget   *scrolled;  /* inside the card, the node's widget */
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

/* The text a table row shows in @column: for tests. */
char *
_kari_page_table_dup_cell (gpointer row,
                           guint    column)
{
  g_return_val_if_fail (KARI_IS_PAGE_TABLE_ROW (row), NULL);
  return cell_text (json_node_get_array (KARI_PAGE_TABLE_ROW (row)->cells), column);
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
  GtkWidget *view, *scrolled, *card;

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
  t->scrolled = scrolled;

  card = g_object_new (KARI_TYPE_PAGE_TABLE_CARD, NULL);
  gtk_widget_set_parent (scrolled, card);
  return card;
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

/* Replaces the store's rows [@old_from, @old_to) (at @position) by
 * @rows[@new_from, @new_to). */
static void
splice (GListStore *store,
        JsonArray  *rows,
        guint       old_from,
        guint       old_to,
        guint       new_from,
        guint       new_to,
        guint       position)
{
  guint n_added = new_to - new_from;
  g_autofree gpointer *added = g_new (gpointer, n_added + 1);

  if (old_to == old_from && n_added == 0)
    return;
  for (guint i = 0; i < n_added; i++)
    added[i] = row_new (rows, new_from + i);
  g_list_store_splice (store, position, old_to - old_from, added, n_added);
  for (guint i = 0; i < n_added; i++)
    g_object_unref (added[i]);
}

/* The longest run of equal rows between @rows[@new_from, @new_to) and
 * @old[@old_from, @old_to): each new row is looked up among the old ones
 * by hash, so this costs about one pass over each. */
static void
longest_run (JsonArray *rows,
             guint      new_from,
             guint      new_to,
             JsonArray *old,
             guint      old_from,
             guint      old_to,
             guint     *run_new,
             guint     *run_old,
             guint     *run_len)
{
  g_autoptr(GHashTable) first = g_hash_table_new ((GHashFunc) json_node_hash, (GEqualFunc) json_node_equal);

  *run_len = 0;
  for (guint j = old_to; j-- > old_from; )
    g_hash_table_insert (first, json_array_get_element (old, j), GUINT_TO_POINTER (j));
  for (guint i = new_from; i < new_to && new_to - i > *run_len; )
    {
      gpointer found;
      guint j, len = 0;

      if (!g_hash_table_lookup_extended (first, json_array_get_element (rows, i), NULL, &found))
        {
          i++;
          continue;
        }
      j = GPOINTER_TO_UINT (found);
      while (i + len < new_to && j + len < old_to
             && json_node_equal (json_array_get_element (rows, i + len), json_array_get_element (old, j + len)))
        len++;
      if (len > *run_len)
        {
          *run_new = i;
          *run_old = j;
          *run_len = len;
        }
      i += MAX (len, 1);
    }
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

  if (columns == NULL)
    for (guint i = 0; i < n_new; i++)
      n_columns = MAX (n_columns, json_array_get_length (json_array_get_array_element (rows, i)));
  sync_columns (e, t, columns, n_columns);

  /* Only the rows between the unchanged head and tail are spliced, and
   * of those, the longest run of rows that only moved stays (a table
   * that gains a row at the top and drops one at the bottom, as a feed
   * or a log does, changes two rows, not all of them). */
  while (head < n_new && head < n_old
         && json_node_equal (json_array_get_element (rows, head), json_array_get_element (old, head)))
    head++;
  while (tail < n_new - head && tail < n_old - head
         && json_node_equal (json_array_get_element (rows, n_new - 1 - tail),
                             json_array_get_element (old, n_old - 1 - tail)))
    tail++;
  if (head + tail < n_new || head + tail < n_old)
    {
      guint run_new = head, run_old = head, run_len = 0;

      longest_run (rows, head, n_new - tail, old, head, n_old - tail, &run_new, &run_old, &run_len);
      if (run_len == 0)
        splice (t->rows, rows, head, n_old - tail, head, n_new - tail, head);
      else
        {
          /* The part after the run first, so the positions before it hold. */
          splice (t->rows, rows, run_old + run_len, n_old - tail, run_new + run_len, n_new - tail,
                  run_old + run_len);
          splice (t->rows, rows, head, run_old, head, run_new, head);
        }
    }
  g_clear_pointer (&e->synced, json_node_unref);
  e->synced = rows_node != NULL ? json_node_ref (rows_node) : NULL;

  /* A list view's natural height is not its rows': ask for room for
   * them (about 24 px each, under a header), up to the scrolled window's
   * maximum. */
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (t->scrolled), MIN (40 + 24 * (int) n_new, 400));
}
