/* test-page-view.c: page trees rendered to real GTK widgets on a real
 * display (Xvfb), patched in place, and the events people cause.
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
#include "page-tree-random.h"


static void
test_every_type (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (KARI_SOURCE_DIR, "tests", "data", "pages", "every-node.json", NULL);
  g_autofree char *json = NULL;
  GtkWidget *w;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &json, NULL, NULL));
  show (f, json);
  kari_test_gtk_wait_frame (f->window);

  g_assert_true (GTK_IS_BOX (find (f, "page")));
  g_assert_cmpint (gtk_box_get_spacing (GTK_BOX (find (f, "page"))), ==, 18);
  w = find (f, "a-heading");
  g_assert_true (GTK_IS_LABEL (w));
  g_assert_true (gtk_widget_has_css_class (w, "title-1"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (w)), ==, "Every node");
  w = find (f, "a-label");
  g_assert_true (gtk_widget_has_css_class (w, "dim-label"));
  g_assert_true (gtk_label_get_wrap (GTK_LABEL (w)));
  w = find (f, "a-button");
  g_assert_true (GTK_IS_BUTTON (w));
  g_assert_true (gtk_widget_has_css_class (w, "suggested-action"));
  g_assert_true (ADW_IS_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (w))));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (f, "a-entry"))), ==, "hello");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (find (f, "a-switch"))));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (find (f, "a-spin"))), ==, 3);
  w = find (f, "a-dropdown");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (w)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (w))), ==, 3);
  w = find (f, "a-list");
  g_assert_true (GTK_IS_LIST_BOX (w));
  g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (w), 1));
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (w), 2));
  g_assert_true (gtk_widget_get_ancestor (find (f, "row-2"), GTK_TYPE_LIST_BOX_ROW)
                 == GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (w), 1)));
  w = table_view (f, "a-table");
  g_assert_true (GTK_IS_COLUMN_VIEW (w));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (GTK_COLUMN_VIEW (w))), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (w)))), ==, 3);
  w = find (f, "a-card");
  g_assert_true (ADW_IS_PREFERENCES_GROUP (w));
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (w)), ==, "Settings");
  w = gtk_widget_get_ancestor (find (f, "card-switch"), ADW_TYPE_ACTION_ROW);
  g_assert_nonnull (w);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), ==, "Enabled");
  g_assert_true (gtk_widget_is_ancestor (w, find (f, "a-card")));
  g_assert_null (gtk_widget_get_ancestor (find (f, "card-label"), ADW_TYPE_ACTION_ROW));
  g_assert_nonnull (gtk_widget_get_ancestor (find (f, "card-label"), ADW_TYPE_PREFERENCES_ROW));
  g_assert_true (gtk_widget_is_ancestor (find (f, "card-label"), find (f, "a-card")));
  w = find (f, "a-chart");
  g_assert_true (KARI_IS_PAGE_CHART (w));
  g_assert_cmpuint (kari_page_chart_get_n_series (KARI_PAGE_CHART (w)), ==, 2);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (find (f, "a-progress"))), ==, 0.4);
  g_assert_true (GTK_IS_PICTURE (find (f, "a-image")));
  w = find (f, "a-text");
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (w)));
  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (GTK_TEXT_VIEW (w)), &start, &end);
  text = gtk_text_buffer_get_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (w)), &start, &end, FALSE);
  g_assert_cmpstr (text, ==, "Line one\nLine two");
  w = find (f, "a-status");
  g_assert_true (ADW_IS_STATUS_PAGE (w));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (w)), ==, "Nothing yet");
  g_assert_true (gtk_widget_is_ancestor (find (f, "status-button"), w));
  g_assert_true (GTK_IS_WIDGET (find (f, "a-form")));
  screenshot (f, GTK_WIDGET (f->view), "page-every-node.png");
}

/* The form: rows from the schema, the value and the defaults shown,
 * refused values kept from the extension with the reason on the row,
 * valid ones sent as one `submit`. */
static void
test_form (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *path = g_build_filename (KARI_SOURCE_DIR, "tests", "data", "pages", "every-node.json", NULL);
  g_autofree char *json = NULL;
  GtkWidget *form, *host = NULL, *port = NULL, *tls = NULL, *submit = NULL, *errors = NULL;
  g_autofree char *sent = NULL;
  Event *e;

  g_assert_true (g_file_get_contents (path, &json, NULL, NULL));
  show (f, json);
  form = find (f, "a-form");
  for (GtkWidget *w = form; w != NULL; )
    {
      if (ADW_IS_ENTRY_ROW (w) && host == NULL)
        host = w;
      else if (GTK_IS_SPIN_BUTTON (w) && port == NULL)
        port = w;
      else if (GTK_IS_SWITCH (w) && tls == NULL)
        tls = w;
      else if (GTK_IS_BUTTON (w) && gtk_widget_has_css_class (w, "suggested-action"))
        submit = w;
      else if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "error") && gtk_widget_get_parent (w) == form)
        errors = w;
      /* Depth-first walk of the form's widgets. */
      if (gtk_widget_get_first_child (w) != NULL && !GTK_IS_SPIN_BUTTON (w) && !ADW_IS_ENTRY_ROW (w))
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != form && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w == form ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_nonnull (host);
  g_assert_nonnull (port);
  g_assert_nonnull (tls);
  g_assert_nonnull (submit);
  g_assert_nonnull (errors);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (host)), ==, "example.org");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (port)), ==, 8443);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (tls)));   /* the schema's default */
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (submit)), ==, "Connect");

  /* Host is required: emptied, the form refuses and says why. */
  gtk_editable_set_text (GTK_EDITABLE (host), "");
  g_signal_emit_by_name (submit, "clicked");
  g_assert_cmpuint (f->events->len, ==, 0);
  g_assert_true (gtk_widget_get_visible (errors));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (errors)), "host"));

  gtk_editable_set_text (GTK_EDITABLE (host), "kari.example");
  gtk_switch_set_active (GTK_SWITCH (tls), FALSE);
  g_signal_emit_by_name (submit, "clicked");
  g_assert_cmpuint (f->events->len, ==, 1);
  g_assert_false (gtk_widget_get_visible (errors));
  e = last_event (f);
  g_assert_cmpstr (e->node_id, ==, "a-form");
  g_assert_cmpstr (e->kind, ==, "submit");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (e->value));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (e->value), "host"), ==, "kari.example");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (e->value), "port"), ==, 8443);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (e->value), "tls"));
  sent = json_to_string (e->value, FALSE);
  g_assert_null (strstr (sent, "mode"));   /* nothing chosen, nothing sent */
}

static void
collect_rows (GtkWidget *w,
              GPtrArray *rows)
{
  if (ADW_IS_PREFERENCES_ROW (w))
    {
      g_ptr_array_add (rows, w);
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_rows (c, rows);
}

static GtkWidget *
descendant_of_type (GtkWidget *w,
                    GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (w), type))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = descendant_of_type (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every kind of field: a secret in a password row, choices with titles,
 * a nested object's member with its default, an array written as JSON. */
static void
test_form_fields (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *submit, *port;
  JsonObject *sent;
  Event *e;

  show (f, "{\"id\": \"f\", \"type\": \"form\", \"schema\": {\"type\": \"object\", \"properties\": {"
           "\"name\": {\"type\": \"string\", \"title\": \"Name\"},"
           "\"token\": {\"type\": \"string\", \"writeOnly\": true, \"title\": \"Token\"},"
           "\"level\": {\"title\": \"Level\", \"oneOf\": [{\"const\": \"low\", \"title\": \"Low\"}, {\"const\": \"high\", \"title\": \"High\"}]},"
           "\"proxy\": {\"type\": \"object\", \"title\": \"Proxy\", \"properties\": {"
           "  \"port\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 65535, \"default\": 8080}}},"
           "\"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}}}");
  collect_rows (find (f, "f"), rows);
  g_assert_cmpuint (rows->len, ==, 6);   /* name, token, level, proxy, port, tags */
  g_assert_true (ADW_IS_ENTRY_ROW (rows->pdata[0]) && !ADW_IS_PASSWORD_ENTRY_ROW (rows->pdata[0]));
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (rows->pdata[1]));
  g_assert_true (ADW_IS_COMBO_ROW (rows->pdata[2]));
  g_assert_cmpuint (adw_combo_row_get_selected (rows->pdata[2]), ==, GTK_INVALID_LIST_POSITION);
  {
    g_autoptr(GtkStringObject) high = g_list_model_get_item (adw_combo_row_get_model (rows->pdata[2]), 1);
    g_assert_cmpstr (gtk_string_object_get_string (high), ==, "High");
  }
  g_assert_cmpstr (adw_preferences_row_get_title (rows->pdata[3]), ==, "Proxy");
  port = descendant_of_type (rows->pdata[4], GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (port);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (port)), ==, 8080);
  g_assert_true (ADW_IS_ENTRY_ROW (rows->pdata[5]));
  /* The form is its group, the problems, then the submit button. */
  submit = gtk_widget_get_last_child (find (f, "f"));
  g_assert_true (GTK_IS_BUTTON (submit));
  g_assert_true (gtk_widget_has_css_class (submit, "suggested-action"));

  /* An array that is not one is refused with the field named. */
  gtk_editable_set_text (GTK_EDITABLE (rows->pdata[5]), "[1,");
  g_signal_emit_by_name (submit, "clicked");

  g_assert_cmpuint (f->events->len, ==, 0);
  g_assert_true (gtk_widget_has_css_class (rows->pdata[5], "error"));

  gtk_editable_set_text (GTK_EDITABLE (rows->pdata[0]), "Ada");
  gtk_editable_set_text (GTK_EDITABLE (rows->pdata[1]), "s3cret");
  adw_combo_row_set_selected (rows->pdata[2], 1);
  gtk_editable_set_text (GTK_EDITABLE (rows->pdata[5]), "[\"a\", \"b\"]");
  g_signal_emit_by_name (submit, "clicked");
  g_assert_cmpuint (f->events->len, ==, 1);
  g_assert_false (gtk_widget_has_css_class (rows->pdata[5], "error"));
  e = last_event (f);
  sent = json_node_get_object (e->value);
  g_assert_cmpstr (json_object_get_string_member (sent, "name"), ==, "Ada");
  g_assert_cmpstr (json_object_get_string_member (sent, "token"), ==, "s3cret");
  g_assert_cmpstr (json_object_get_string_member (sent, "level"), ==, "high");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (sent, "proxy"), "port"), ==, 8080);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sent, "tags")), ==, 2);
}


/* A sequence of trees: widgets whose node keeps its id and type are the
 * same GtkWidget throughout; a type change gives a new one. */
static void
test_identity (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *page, *title, *name, *list, *a, *b, *c, *go, *go2;

  show (f, "{\"id\": \"page\", \"type\": \"box\", \"children\": [" L ("title", "One") ","
           "{\"id\": \"name\", \"type\": \"entry\"},"
           "{\"id\": \"list\", \"type\": \"list\", \"children\": [" L ("a", "A") "," L ("b", "B") "," L ("c", "C") "]},"
           "{\"id\": \"go\", \"type\": \"button\", \"label\": \"Go\"}]}");
  page = find (f, "page");
  title = find (f, "title");
  name = find (f, "name");
  list = find (f, "list");
  a = find (f, "a");
  b = find (f, "b");
  c = find (f, "c");
  go = find (f, "go");

  /* Text changes, c moves to the front, a new row, the button becomes a switch. */
  show (f, "{\"id\": \"page\", \"type\": \"box\", \"children\": [" L ("title", "Two") ","
           "{\"id\": \"name\", \"type\": \"entry\", \"placeholder\": \"Name\"},"
           "{\"id\": \"list\", \"type\": \"list\", \"children\": [" L ("c", "C") "," L ("a", "A") "," L ("d", "D") "," L ("b", "B!") "]},"
           "{\"id\": \"go\", \"type\": \"switch\"}]}");
  g_assert_true (find (f, "page") == page);
  g_assert_true (find (f, "title") == title);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (title)), ==, "Two");
  g_assert_true (find (f, "name") == name);
  g_assert_cmpstr (gtk_entry_get_placeholder_text (GTK_ENTRY (name)), ==, "Name");
  g_assert_true (find (f, "list") == list);
  g_assert_true (find (f, "a") == a && find (f, "b") == b && find (f, "c") == c);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (b)), ==, "B!");
  g_assert_true (gtk_widget_get_ancestor (c, GTK_TYPE_LIST_BOX_ROW)
                 == GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0)));
  g_assert_true (gtk_widget_get_ancestor (b, GTK_TYPE_LIST_BOX_ROW)
                 == GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 3)));
  go2 = find (f, "go");
  g_assert_true (go2 != go);
  g_assert_true (GTK_IS_SWITCH (go2));

  /* Rows leave and one moves out of the list into the page. */
  show (f, "{\"id\": \"page\", \"type\": \"box\", \"children\": [" L ("title", "Two") "," L ("a", "A") ","
           "{\"id\": \"name\", \"type\": \"entry\", \"placeholder\": \"Name\"},"
           "{\"id\": \"list\", \"type\": \"list\", \"children\": [" L ("b", "B!") "]},"
           "{\"id\": \"go\", \"type\": \"switch\"}]}");
  g_assert_true (find (f, "a") == a);
  g_assert_true (gtk_widget_get_parent (a) == page);
  g_assert_null (gtk_widget_get_ancestor (a, GTK_TYPE_LIST_BOX_ROW));
  g_assert_null (kari_page_view_lookup (f->view, "c"));
  g_assert_null (kari_page_view_lookup (f->view, "d"));
  g_assert_true (find (f, "b") == b && find (f, "name") == name && find (f, "go") == go2);
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));

  /* The widgets stand in the page's order. */
  g_assert_true (gtk_widget_get_first_child (page) == title);
  g_assert_true (gtk_widget_get_next_sibling (title) == a);
  g_assert_true (gtk_widget_get_next_sibling (a) == name);

  /* The patches made no events. */
  g_assert_cmpuint (f->events->len, ==, 0);
}

static GtkWidget *
row_of (GtkWidget *w)
{
  return gtk_widget_get_ancestor (w, GTK_TYPE_LIST_BOX_ROW);
}

/* Card rows: inserted before others, retitled, gaining a title (a new
 * row around the same widget), and a widget moving from a card to a list. */
static void
test_card_rows (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *s1, *l1, *list;

  show (f, "{\"id\": \"page\", \"type\": \"box\", \"children\": ["
           "{\"id\": \"c\", \"type\": \"card\", \"children\": ["
           "{\"id\": \"s1\", \"type\": \"switch\", \"title\": \"One\"}," L ("l1", "Plain") "]},"
           "{\"id\": \"lst\", \"type\": \"list\"}]}");
  s1 = find (f, "s1");
  l1 = find (f, "l1");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_of (s1))), ==, "One");

  show (f, "{\"id\": \"page\", \"type\": \"box\", \"children\": ["
           "{\"id\": \"c\", \"type\": \"card\", \"children\": ["
           "{\"id\": \"b0\", \"type\": \"button\", \"title\": \"Zero\", \"label\": \"Go\"},"
           "{\"id\": \"s1\", \"type\": \"switch\", \"title\": \"Uno\"},"
           "{\"id\": \"l1\", \"type\": \"label\", \"text\": \"Plain\", \"title\": \"Label\"}]},"
           "{\"id\": \"lst\", \"type\": \"list\"}]}");
  g_assert_true (find (f, "s1") == s1 && find (f, "l1") == l1);
  list = gtk_widget_get_parent (row_of (s1));
  g_assert_true (GTK_IS_LIST_BOX (list));
  g_assert_true (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0)) == row_of (find (f, "b0")));
  g_assert_true (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1)) == row_of (s1));
  g_assert_true (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 2)) == row_of (l1));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_of (s1))), ==, "Uno");
  g_assert_true (ADW_IS_ACTION_ROW (row_of (l1)));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_of (l1))), ==, "Label");

  show (f, "{\"id\": \"page\", \"type\": \"box\", \"children\": ["
           "{\"id\": \"c\", \"type\": \"card\", \"children\": ["
           "{\"id\": \"b0\", \"type\": \"button\", \"title\": \"Zero\", \"label\": \"Go\"},"
           "{\"id\": \"l1\", \"type\": \"label\", \"text\": \"Plain\", \"title\": \"Label\"}]},"
           "{\"id\": \"lst\", \"type\": \"list\", \"children\": ["
           "{\"id\": \"s1\", \"type\": \"switch\", \"title\": \"Uno\"}]}]}");
  g_assert_true (find (f, "s1") == s1);
  g_assert_true (gtk_widget_get_parent (row_of (s1)) == find (f, "lst"));
  g_assert_false (ADW_IS_PREFERENCES_ROW (row_of (s1)));
  g_assert_cmpuint (f->events->len, ==, 0);
}

static GtkWidget *
label_showing (GtkWidget  *w,
               const char *text)
{
  if (GTK_IS_LABEL (w) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (w)), text) == 0)
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = label_showing (c, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Text an extension writes is shown as written: the titles and
 * descriptions libadwaita treats as Pango markup are escaped. */
static void
test_no_markup (Fixture       *f,
                gconstpointer  data)
{
  const char *hostile[] = { "<b>bold", "a & b", "<span size=\"999999\">x</span>", "</markup>" };

  show (f, "{\"id\": \"page\", \"type\": \"box\", \"children\": ["
           "{\"id\": \"c\", \"type\": \"card\", \"title\": \"<b>bold\", \"description\": \"a & b\", "
           "\"children\": [{\"id\": \"s\", \"type\": \"switch\", \"title\": \"</markup>\"}]},"
           "{\"id\": \"st\", \"type\": \"status\", \"title\": \"t\", "
           "\"description\": \"<span size=\\\"999999\\\">x</span>\"}]}");
  kari_test_gtk_wait_frame (f->window);
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    if (label_showing (GTK_WIDGET (f->view), hostile[i]) == NULL)
      g_error ("“%s” is not shown as written", hostile[i]);
}

/* Focus, selection and scroll survive updates around them. */
static void
test_focus_selection_scroll (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GString) json = g_string_new (NULL);
  GtkWidget *entry, *list, *table;
  GtkListBoxRow *selected;
  GtkSelectionModel *model;
  GtkAdjustment *adjustment;
  GtkWidget *focus;

  for (guint round = 0; round < 3; round++)
    {
      g_string_assign (json, "{\"id\": \"page\", \"type\": \"box\", \"children\": [");
      /* Each round inserts a label before the entry and changes the rows. */
      for (guint i = 0; i < round; i++)
        g_string_append_printf (json, "{\"id\": \"pre%u\", \"type\": \"label\", \"text\": \"round %u\"},", i, round);
      g_string_append (json, "{\"id\": \"entry\", \"type\": \"entry\"},"
                             "{\"id\": \"tall\", \"type\": \"box\", \"spacing\": 256, \"children\": ["
                             L ("t1", "1") "," L ("t2", "2") "," L ("t3", "3") "," L ("t4", "4") "]},"
                             "{\"id\": \"list\", \"type\": \"list\", \"selection\": \"single\", \"children\": [");
      if (round > 0)
        g_string_append (json, L ("new", "New") ",");
      g_string_append_printf (json, L ("r1", "One") ",{\"id\": \"r2\", \"type\": \"label\", \"text\": \"Two %u\"}]},"
                                    "{\"id\": \"t\", \"type\": \"table\", \"columns\": [\"N\"], \"rows\": [", round);
      for (guint i = 0; i < 200; i++)
        g_string_append_printf (json, "%s[%u]", i ? "," : "", i == 150 ? 1000 + round : i);
      g_string_append (json, "]}]}");
      show (f, json->str);

      entry = find (f, "entry");
      list = find (f, "list");
      table = table_view (f, "t");
      model = gtk_column_view_get_model (GTK_COLUMN_VIEW (table));
      adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (kari_page_view_get_scrolled (f->view)));
      if (round == 0)
        {
          gtk_widget_grab_focus (entry);
          gtk_editable_set_text (GTK_EDITABLE (entry), "typed");
          gtk_editable_set_position (GTK_EDITABLE (entry), 2);
          gtk_list_box_select_row (GTK_LIST_BOX (list), gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));
          gtk_selection_model_select_item (model, 5, TRUE);
          kari_test_gtk_wait_frame (f->window);
          g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment), >, 120);
          gtk_adjustment_set_value (adjustment, 120);
          g_ptr_array_set_size (f->events, 0);
          continue;
        }
      kari_test_gtk_wait_frame (f->window);
      focus = gtk_root_get_focus (GTK_ROOT (f->window));
      g_assert_nonnull (focus);
      g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "typed");
      g_assert_cmpint (gtk_editable_get_position (GTK_EDITABLE (entry)), ==, 2);
      selected = gtk_list_box_get_selected_row (GTK_LIST_BOX (list));
      g_assert_nonnull (selected);
      g_assert_true (gtk_widget_get_ancestor (find (f, "r2"), GTK_TYPE_LIST_BOX_ROW) == GTK_WIDGET (selected));
      g_assert_true (gtk_selection_model_is_selected (model, 5));
      g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 120);
      g_assert_cmpuint (f->events->len, ==, 0);
    }
}

static void
number_widgets (GtkWidget  *w,
                GHashTable *order)
{
  g_hash_table_insert (order, w, GUINT_TO_POINTER (g_hash_table_size (order) + 1));
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    number_widgets (c, order);
}

static gboolean
expect_visible (RNode *n)
{
  JsonNode *v = json_object_get_member (n->props, "visible");

  return v == NULL || json_node_get_boolean (v);
}

/* The widgets stand as the tree says: one per node, inside its parent's,
 * in order, with the node's values, shown or hidden as the node and its
 * ancestors are. */
static void
check_view (Fixture    *f,
            RNode      *n,
            RNode      *parent,
            gboolean    parent_visible,
            GHashTable *order,
            guint32     seed)
{
  GtkWidget *w = kari_page_view_lookup (f->view, n->id);
  JsonNode *v;
  gboolean visible = parent_visible && expect_visible (n);
  const char *tooltip;

  if (w == NULL)
    g_error ("seed %u: no widget for “%s”", seed, n->id);
  if (parent != NULL && !gtk_widget_is_ancestor (w, kari_page_view_lookup (f->view, parent->id)))
    g_error ("seed %u: “%s” is not inside “%s”", seed, n->id, parent->id);
  if (gtk_widget_is_visible (w) != visible)
    g_error ("seed %u: “%s” should be %s", seed, n->id, visible ? "visible" : "hidden");
  v = json_object_get_member (n->props, "tooltip");
  tooltip = gtk_widget_get_tooltip_text (w);
  g_assert_cmpstr (tooltip, ==, v != NULL ? json_node_get_string (v) : NULL);
  if (g_str_equal (n->type, "label"))
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (w)), ==,
                     (v = json_object_get_member (n->props, "text")) ? json_node_get_string (v) : "");
  else if (g_str_equal (n->type, "switch"))
    g_assert_true (gtk_switch_get_active (GTK_SWITCH (w))
                   == ((v = json_object_get_member (n->props, "active")) && json_node_get_boolean (v)));
  else if (g_str_equal (n->type, "spin"))
    g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (w)), ==,
                       (v = json_object_get_member (n->props, "value")) ? json_node_get_double (v) : 0);
  else if (g_str_equal (n->type, "progress"))
    g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (w)), ==,
                       (v = json_object_get_member (n->props, "fraction")) ? json_node_get_double (v) : 0);
  else if (g_str_equal (n->type, "box"))
    g_assert_cmpint (gtk_box_get_spacing (GTK_BOX (w)), ==,
                     (v = json_object_get_member (n->props, "spacing")) ? json_node_get_int (v) : 6);
  for (guint i = 0; n->children != NULL && i < n->children->len; i++)
    {
      RNode *c = g_ptr_array_index (n->children, i);

      check_view (f, c, n, visible, order, seed);
      if (i > 0)
        {
          RNode *before = g_ptr_array_index (n->children, i - 1);
          guint a = GPOINTER_TO_UINT (g_hash_table_lookup (order, kari_page_view_lookup (f->view, before->id)));
          guint b = GPOINTER_TO_UINT (g_hash_table_lookup (order, kari_page_view_lookup (f->view, c->id)));

          if (a == 0 || b == 0 || a >= b)
            g_error ("seed %u: “%s” should come before “%s”", seed, before->id, c->id);
        }
    }
}

/* Ids the diff keeps: in both trees with the same type, under a kept parent. */
static void
collect_kept (RNode      *b,
              GHashTable *a_types,
              GHashTable *kept)
{
  g_hash_table_add (kept, b->id);
  for (guint i = 0; b->children != NULL && i < b->children->len; i++)
    {
      RNode *c = g_ptr_array_index (b->children, i);

      if (g_strcmp0 (g_hash_table_lookup (a_types, c->id), c->type) == 0)
        collect_kept (c, a_types, kept);
    }
}

static void
collect_types (RNode      *n,
               GHashTable *types)
{
  g_hash_table_insert (types, n->id, (gpointer) n->type);
  for (guint i = 0; n->children != NULL && i < n->children->len; i++)
    collect_types (g_ptr_array_index (n->children, i), types);
}

/* Random trees edited at random: after every patch the widgets match the
 * tree, and every kept node kept its widget. */
static void
test_random_trees (Fixture       *f,
                   gconstpointer  data)
{
  guint n_seeds = g_test_slow () ? 400 : 60;

  for (guint32 seed = 1; seed <= n_seeds; seed++)
    {
      RGen g;
      RNode *tree;

      rgen_init (&g, seed);
      tree = rgen_tree (&g, g_rand_int_range (g.rand, 1, 40));
      {
        g_autoptr(KariPageTree) first = rnode_to_tree (tree);
        kari_page_view_set_tree (f->view, first);
      }
      for (guint round = 0; round < 4; round++)
        {
          g_autoptr(GHashTable) widgets = g_hash_table_new (g_str_hash, g_str_equal);
          g_autoptr(GHashTable) a_types = g_hash_table_new (g_str_hash, g_str_equal);
          g_autoptr(GHashTable) kept = g_hash_table_new (g_str_hash, g_str_equal);
          g_autoptr(GHashTable) order = g_hash_table_new (NULL, NULL);
          g_autoptr(KariPageTree) next = NULL;
          RNode *edited = rnode_copy (tree);
          GHashTableIter iter;
          gpointer id;

          collect_types (tree, a_types);
          g_hash_table_iter_init (&iter, a_types);
          while (g_hash_table_iter_next (&iter, &id, NULL))
            g_hash_table_insert (widgets, id, kari_page_view_lookup (f->view, id));
          for (guint i = g_rand_int_range (g.rand, 1, 6); i > 0; i--)
            rgen_edit (&g, edited);
          next = rnode_to_tree (edited);
          kari_page_view_set_tree (f->view, next);

          number_widgets (GTK_WIDGET (f->view), order);
          check_view (f, edited, NULL, TRUE, order, seed);
          collect_kept (edited, a_types, kept);
          g_hash_table_iter_init (&iter, kept);
          while (g_hash_table_iter_next (&iter, &id, NULL))
            if (kari_page_view_lookup (f->view, id) != g_hash_table_lookup (widgets, id))
              g_error ("seed %u: “%s” was kept but got a new widget", seed, (char *) id);
          g_hash_table_iter_init (&iter, widgets);
          while (g_hash_table_iter_next (&iter, &id, NULL))
            if (kari_page_tree_lookup (next, id) == NULL && kari_page_view_lookup (f->view, id) != NULL)
              g_error ("seed %u: “%s” left the tree but has a widget", seed, (char *) id);

          /* The widgets of gone ids were dropped (the table above held ids
           * of the old tree, freed with it). */
          g_hash_table_remove_all (widgets);
          rnode_free (tree);
          tree = edited;
        }
      rnode_free (tree);
      rgen_clear (&g);
      g_assert_cmpuint (f->events->len, ==, 0);
    }
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
  ADD ("/page-view/render/every-type", test_every_type);
  ADD ("/page-view/render/form", test_form);
  ADD ("/page-view/render/form-fields", test_form_fields);
  ADD ("/page-view/patch/identity-kept", test_identity);
  ADD ("/page-view/patch/focus-selection-scroll-kept", test_focus_selection_scroll);
  ADD ("/page-view/patch/card-rows", test_card_rows);
  ADD ("/page-view/render/text-not-markup", test_no_markup);
  ADD ("/page-view/patch/random-trees", test_random_trees);

  return g_test_run ();
}
