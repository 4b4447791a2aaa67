/* kari-page-form.c: a form node, its rows generated from a JSON Schema;
 * submitted values are validated by the host before the extension sees
 * them, and what is wrong is shown on the rows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#include "kari-json-schema.h"
#include "kari-page-view-private.h"

typedef struct
{
  KariPageEntry  *entry;
  KariJsonSchema *schema;
  GPtrArray      *fields;    /* KariJsonSchemaField */
  GPtrArray      *editors;   /* per field: its editing widget, or NULL for a group */
  GPtrArray      *rows;      /* per field: its row in the group */
  GtkWidget      *group;
  GtkWidget      *errors;
  GtkWidget      *submit;
  JsonNode       *value;     /* the value last applied, nullable */
} Form;

static void
form_free (Form *f)
{
  g_signal_handlers_disconnect_by_data (f->submit, f);
  g_clear_object (&f->schema);
  g_clear_pointer (&f->fields, g_ptr_array_unref);
  g_clear_pointer (&f->editors, g_ptr_array_unref);
  g_clear_pointer (&f->rows, g_ptr_array_unref);
  g_clear_pointer (&f->value, json_node_unref);
  g_free (f);
}

/* The member names of a JSON Pointer, unescaped (`~1` is `/`, `~0` is `~`). */
static GStrv
pointer_parts (const char *pointer)
{
  g_auto(GStrv) raw = g_strsplit (*pointer == '/' ? pointer + 1 : pointer, "/", -1);
  GStrv parts = g_new0 (char *, g_strv_length (raw) + 1);

  for (guint i = 0; raw[i] != NULL; i++)
    {
      GString *s = g_string_new (NULL);

      for (const char *c = raw[i]; *c; c++)
        if (c[0] == '~' && c[1] == '1')
          g_string_append_c (s, '/'), c++;
        else if (c[0] == '~' && c[1] == '0')
          g_string_append_c (s, '~'), c++;
        else
          g_string_append_c (s, *c);
      parts[i] = g_string_free (s, FALSE);
    }
  return parts;
}

static JsonNode *
pointer_get (JsonNode   *root,
             const char *pointer)
{
  g_auto(GStrv) parts = pointer_parts (pointer);
  JsonNode *node = root;

  for (guint i = 0; node != NULL && parts[i] != NULL; i++)
    node = JSON_NODE_HOLDS_OBJECT (node) ? json_object_get_member (json_node_get_object (node), parts[i]) : NULL;
  return node;
}

static void
pointer_set (JsonObject *root,
             const char *pointer,
             JsonNode   *value)
{
  g_auto(GStrv) parts = pointer_parts (pointer);
  JsonObject *object = root;
  guint n = g_strv_length (parts);

  for (guint i = 0; i + 1 < n; i++)
    {
      if (!json_object_has_member (object, parts[i])
          || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, parts[i])))
        json_object_set_object_member (object, parts[i], json_object_new ());
      object = json_object_get_object_member (object, parts[i]);
    }
  if (n > 0)
    json_object_set_member (object, parts[n - 1], value);
  else
    json_node_unref (value);
}

static JsonNode *
editor_value (KariJsonSchemaField *field,
              GtkWidget           *editor)
{
  JsonNode *value = NULL;
  const char *text;
  guint selected;

  switch (field->kind)
    {
    case KARI_JSON_SCHEMA_FIELD_BOOLEAN:
      value = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (value, gtk_switch_get_active (GTK_SWITCH (editor)));
      break;
    case KARI_JSON_SCHEMA_FIELD_INTEGER:
      value = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (value, (gint64) llround (gtk_spin_button_get_value (GTK_SPIN_BUTTON (editor))));
      break;
    case KARI_JSON_SCHEMA_FIELD_NUMBER:
      value = json_node_new (JSON_NODE_VALUE);
      json_node_set_double (value, gtk_spin_button_get_value (GTK_SPIN_BUTTON (editor)));
      break;
    case KARI_JSON_SCHEMA_FIELD_ENUM:
      selected = adw_combo_row_get_selected (ADW_COMBO_ROW (editor));
      if (selected != GTK_INVALID_LIST_POSITION && field->choices != NULL
          && selected < json_array_get_length (field->choices))
        value = json_node_copy (json_array_get_element (field->choices, selected));
      break;
    case KARI_JSON_SCHEMA_FIELD_STRING:
      text = gtk_editable_get_text (GTK_EDITABLE (editor));
      if (*text != '\0')
        value = json_node_init_string (json_node_alloc (), text);
      break;
    default:
      /* Arrays and the rest are written as JSON; text that does not parse
       * is kept as a string, so the schema's message says what is wrong. */
      text = gtk_editable_get_text (GTK_EDITABLE (editor));
      if (*text != '\0' && (value = json_from_string (text, NULL)) == NULL)
        value = json_node_init_string (json_node_alloc (), text);
      break;
    }
  return value;
}

static JsonNode *
collect (Form *f)
{
  JsonObject *object = json_object_new ();

  for (guint i = 0; i < f->fields->len; i++)
    {
      GtkWidget *editor = g_ptr_array_index (f->editors, i);
      JsonNode *value = editor != NULL ? editor_value (g_ptr_array_index (f->fields, i), editor) : NULL;

      if (value != NULL)
        pointer_set (object, ((KariJsonSchemaField *) g_ptr_array_index (f->fields, i))->pointer, value);
    }
  return json_node_init_object (json_node_alloc (), object);
}

static void
show_problems (Form      *f,
               GPtrArray *problems)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; f->fields != NULL && i < f->fields->len; i++)
    {
      GtkWidget *editor = g_ptr_array_index (f->editors, i);
      const char *pointer = ((KariJsonSchemaField *) g_ptr_array_index (f->fields, i))->pointer;
      gboolean wrong = FALSE;

      for (guint k = 0; problems != NULL && k < problems->len; k++)
        wrong |= g_str_equal (((KariJsonSchemaProblem *) g_ptr_array_index (problems, k))->instance_path, pointer);
      if (editor == NULL)
        continue;
      if (wrong)
        gtk_widget_add_css_class (editor, "error");
      else
        gtk_widget_remove_css_class (editor, "error");
    }
  for (guint k = 0; problems != NULL && k < problems->len; k++)
    g_string_append_printf (text, "%s%s", k ? "\n" : "",
                            ((KariJsonSchemaProblem *) g_ptr_array_index (problems, k))->message);
  gtk_label_set_label (GTK_LABEL (f->errors), text->str);
  gtk_widget_set_visible (f->errors, text->len > 0);
}

static void
on_submit (GtkButton *button,
           Form      *f)
{
  g_autoptr(JsonNode) value = collect (f);
  g_autoptr(GPtrArray) problems = NULL;

  if (f->schema == NULL)
    return;
  if (!kari_json_schema_validate (f->schema, value, &problems, NULL))
    {
      show_problems (f, problems);
      return;
    }
  show_problems (f, NULL);
  _kari_page_view_emit (f->entry->view, f->entry->id, "submit", g_steal_pointer (&value));
}

static GtkWidget *
field_row (Form                *f,
           KariJsonSchemaField *field,
           GtkWidget          **editor)
{
  const char *title = field->title != NULL ? field->title : field->key;
  GtkWidget *row = NULL;

  *editor = NULL;
  switch (field->kind)
    {
    case KARI_JSON_SCHEMA_FIELD_OBJECT:
      row = adw_action_row_new ();
      gtk_widget_add_css_class (row, "heading");
      break;
    case KARI_JSON_SCHEMA_FIELD_BOOLEAN:
      row = adw_action_row_new ();
      *editor = gtk_switch_new ();
      gtk_widget_set_valign (*editor, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), *editor);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), *editor);
      break;
    case KARI_JSON_SCHEMA_FIELD_INTEGER:
    case KARI_JSON_SCHEMA_FIELD_NUMBER:
      row = adw_action_row_new ();
      *editor = gtk_spin_button_new_with_range (field->has_minimum ? field->minimum : -1e9,
                                                field->has_maximum ? field->maximum : 1e9,
                                                field->kind == KARI_JSON_SCHEMA_FIELD_INTEGER ? 1 : 0.1);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (*editor), field->kind == KARI_JSON_SCHEMA_FIELD_INTEGER ? 0 : 2);
      gtk_widget_set_valign (*editor, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), *editor);
      break;
    case KARI_JSON_SCHEMA_FIELD_ENUM:
      {
        g_autoptr(GtkStringList) labels = gtk_string_list_new ((const char * const *) field->choice_labels);

        row = *editor = adw_combo_row_new ();
        adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
        /* Nothing is chosen until the value, the default or the person chooses. */
        adw_combo_row_set_selected (ADW_COMBO_ROW (row), GTK_INVALID_LIST_POSITION);
        break;
      }
    default:
      row = *editor = field->secret ? adw_password_entry_row_new () : adw_entry_row_new ();
      break;
    }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (field->description != NULL && ADW_IS_ACTION_ROW (row))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), field->description);
  if (field->description != NULL)
    gtk_widget_set_tooltip_text (row, field->description);
  return row;
}

static void
set_editor (KariJsonSchemaField *field,
            GtkWidget           *editor,
            JsonNode            *value)
{
  g_autofree char *text = NULL;

  if (editor == NULL || value == NULL)
    return;
  switch (field->kind)
    {
    case KARI_JSON_SCHEMA_FIELD_BOOLEAN:
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
        gtk_switch_set_active (GTK_SWITCH (editor), json_node_get_boolean (value));
      break;
    case KARI_JSON_SCHEMA_FIELD_INTEGER:
    case KARI_JSON_SCHEMA_FIELD_NUMBER:
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) != G_TYPE_STRING
          && json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), json_node_get_double (value));
      break;
    case KARI_JSON_SCHEMA_FIELD_ENUM:
      for (guint i = 0; field->choices != NULL && i < json_array_get_length (field->choices); i++)
        if (json_node_equal (json_array_get_element (field->choices, i), value))
          adw_combo_row_set_selected (ADW_COMBO_ROW (editor), i);
      break;
    case KARI_JSON_SCHEMA_FIELD_STRING:
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING
          && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (editor)), json_node_get_string (value)) != 0)
        gtk_editable_set_text (GTK_EDITABLE (editor), json_node_get_string (value));
      break;
    default:
      text = json_to_string (value, FALSE);
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (editor)), text) != 0)
        gtk_editable_set_text (GTK_EDITABLE (editor), text);
      break;
    }
}

GtkWidget *
_kari_page_form_new (KariPageEntry *e)
{
  Form *f = g_new0 (Form, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  f->entry = e;
  f->group = adw_preferences_group_new ();
  f->errors = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (f->errors), TRUE);
  gtk_label_set_xalign (GTK_LABEL (f->errors), 0);
  gtk_widget_add_css_class (f->errors, "error");
  gtk_widget_set_visible (f->errors, FALSE);
  f->submit = gtk_button_new_with_label (_("Submit"));
  gtk_widget_set_halign (f->submit, GTK_ALIGN_END);
  gtk_widget_add_css_class (f->submit, "suggested-action");
  g_signal_connect (f->submit, "clicked", G_CALLBACK (on_submit), f);
  gtk_box_append (GTK_BOX (box), f->group);
  gtk_box_append (GTK_BOX (box), f->errors);
  gtk_box_append (GTK_BOX (box), f->submit);
  e->data = f;
  e->data_free = (GDestroyNotify) form_free;
  return box;
}

static void
rebuild_fields (Form     *f,
                JsonNode *schema_node)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; f->rows != NULL && i < f->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (f->group), g_ptr_array_index (f->rows, i));
  g_clear_pointer (&f->rows, g_ptr_array_unref);
  g_clear_pointer (&f->fields, g_ptr_array_unref);
  g_clear_pointer (&f->editors, g_ptr_array_unref);
  g_clear_object (&f->schema);
  g_clear_pointer (&f->value, json_node_unref);
  show_problems (f, NULL);

  f->rows = g_ptr_array_new ();
  f->editors = g_ptr_array_new ();
  if (schema_node == NULL)
    {
      f->fields = g_ptr_array_new ();
      return;
    }
  /* The page tree compiled the schema already; this cannot fail but for a
   * bug, which the form then shows rather than hides. */
  f->schema = kari_json_schema_new (schema_node, &error);
  if (f->schema == NULL)
    {
      f->fields = g_ptr_array_new ();
      gtk_label_set_label (GTK_LABEL (f->errors), error->message);
      gtk_widget_set_visible (f->errors, TRUE);
      return;
    }
  f->fields = kari_json_schema_list_fields (f->schema);
  for (guint i = 0; i < f->fields->len; i++)
    {
      GtkWidget *editor;
      GtkWidget *row = field_row (f, g_ptr_array_index (f->fields, i), &editor);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (f->group), row);
      g_ptr_array_add (f->rows, row);
      g_ptr_array_add (f->editors, editor);
    }
}

void
_kari_page_form_sync (KariPageEntry *e,
                      KariPageNode  *node)
{
  Form *f = e->data;
  JsonNode *schema = kari_page_node_get_property (node, "schema");
  JsonNode *value = kari_page_node_get_property (node, "value");
  g_autofree char *title = g_markup_escape_text (kari_page_node_get_string (node, "title"), -1);
  const char *submit = kari_page_node_get_string (node, "submit_label");
  gboolean rebuilt = FALSE;

  if (g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (f->group)), title) != 0)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (f->group), title);
  gtk_button_set_label (GTK_BUTTON (f->submit), *submit ? submit : _("Submit"));

  if (f->fields == NULL || (e->synced == NULL) != (schema == NULL)
      || (schema != NULL && !json_node_equal (e->synced, schema)))
    {
      rebuild_fields (f, schema);
      g_clear_pointer (&e->synced, json_node_unref);
      e->synced = schema != NULL ? json_node_ref (schema) : NULL;
      rebuilt = TRUE;
    }
  gtk_widget_set_sensitive (f->submit, f->schema != NULL);

  /* Values the person typed stay until the extension sends other ones. */
  if (f->schema != NULL
      && (rebuilt || (f->value == NULL) != (value == NULL) || (value != NULL && !json_node_equal (f->value, value))))
    {
      g_autoptr(JsonNode) filled = kari_json_schema_apply_defaults (f->schema, value);

      for (guint i = 0; i < f->fields->len; i++)
        {
          KariJsonSchemaField *field = g_ptr_array_index (f->fields, i);
          set_editor (field, g_ptr_array_index (f->editors, i), pointer_get (filled, field->pointer));
        }
      g_clear_pointer (&f->value, json_node_unref);
      f->value = value != NULL ? json_node_ref (value) : NULL;
    }
}
