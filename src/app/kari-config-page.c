/* kari-config-page.c — an extension's preferences, generated from the
 * `config.schema` of its manifest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row per setting (kari_json_schema_list_fields()): a switch for a
 * boolean, a spin button for a number, an entry for text, a password
 * entry for a secret, a combo for a choice; an object is a group of its
 * own. Every change goes through kari_config_set_async(), which validates
 * the whole document: a value that breaks a rule is not stored, and its
 * message is shown under the row's group, the row marked as an error.
 * Changes are stored off the main loop, in order: a secret goes to the
 * keyring, which may have to be unlocked first.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kari-app-private.h"

struct _KariConfigPage
{
  AdwPreferencesPage  parent_instance;

  KariAppHost        *host;
  KariAppExtension   *extension;
  KariConfig         *config;
  GPtrArray          *fields;     /* KariJsonSchemaField */
  GPtrArray          *groups;     /* AdwPreferencesGroup added to the page */
  GHashTable         *rows;       /* pointer → row, borrowed */
  GHashTable         *errors;     /* group → its error label, borrowed */
  GHashTable         *messages;   /* pointer → message shown */
  gboolean            loading;    /* widgets set from the config, not by a person */
  guint               pending;    /* changes being stored */
};

G_DEFINE_FINAL_TYPE (KariConfigPage, kari_config_page, ADW_TYPE_PREFERENCES_PAGE)

#define ROW_FIELD "kari-field"
#define ROW_GROUP "kari-group"

/* Spin buttons need bounds; a schema without them gets these. */
#define NO_LIMIT 1e9

static const char *
field_title (const KariJsonSchemaField *field)
{
  return field->title != NULL && *field->title != '\0' ? field->title : field->key;
}

static void
announce (KariConfigPage *self,
          const char     *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    {
      AdwToast *toast = adw_toast_new (message);
      adw_toast_set_timeout (toast, 3);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), toast);
    }
  else
    kari_app_toast (GTK_WIDGET (self), message);
}

/* The messages of a group's rows, under the group. */
static void
update_group_error (KariConfigPage *self,
                    GtkWidget      *group)
{
  GtkLabel *label = g_hash_table_lookup (self->errors, group);
  g_autoptr(GString) text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer pointer, row;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &pointer, &row))
    {
      const char *message = g_hash_table_lookup (self->messages, pointer);

      if (message == NULL || g_object_get_data (row, ROW_GROUP) != group)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, message);
    }
  gtk_label_set_text (label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (label), text->len > 0);
}

static void
show_problem (KariConfigPage *self,
              GtkWidget      *row,
              const char     *message)
{
  const KariJsonSchemaField *field = g_object_get_data (G_OBJECT (row), ROW_FIELD);

  if (message != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_widget_set_tooltip_text (row, message);
      g_hash_table_insert (self->messages, g_strdup (field->pointer), g_strdup (message));
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_widget_set_tooltip_text (row, field->description);
      g_hash_table_remove (self->messages, field->pointer);
    }
  update_group_error (self, g_object_get_data (G_OBJECT (row), ROW_GROUP));
}

static void load_row (KariConfigPage *self,
                      GtkWidget      *row);

typedef struct
{
  KariConfigPage *self;
  GtkWidget      *row;
  gboolean        reload_on_failure;
} Change;

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Change *change = user_data;
  KariConfigPage *self = change->self;
  const KariJsonSchemaField *field = g_object_get_data (G_OBJECT (change->row), ROW_FIELD);
  g_autoptr(GError) error = NULL;

  self->pending--;
  if (!kari_config_set_finish (KARI_CONFIG (source), result, &error))
    {
      show_problem (self, change->row, error->message);
      if (change->reload_on_failure)
        load_row (self, change->row);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("“%s” saved"), field_title (field));

      show_problem (self, change->row, NULL);
      announce (self, message);
      if (field->secret)
        load_row (self, change->row);
    }
  g_object_unref (change->row);
  g_object_unref (change->self);
  g_free (change);
}

/* Stores @value (taken) for @row's setting; says so, or why not, when it
 * is done. A row whose widget shows the refused value gets the stored
 * one back when @reload_on_failure. */
static void
store (KariConfigPage *self,
       GtkWidget      *row,
       JsonNode       *value,
       gboolean        reload_on_failure)
{
  g_autoptr(JsonNode) owned = value;
  const KariJsonSchemaField *field = g_object_get_data (G_OBJECT (row), ROW_FIELD);
  Change *change;

  if (self->loading)
    return;
  if (owned == NULL)
    {
      show_problem (self, row, _("This value cannot be read"));
      if (reload_on_failure)
        load_row (self, row);
      return;
    }
  change = g_new0 (Change, 1);
  change->self = g_object_ref (self);
  change->row = g_object_ref (row);
  change->reload_on_failure = reload_on_failure;
  self->pending++;
  kari_config_set_async (self->config, field->pointer, owned, NULL, on_stored, change);
}

static void
on_switch_active (GtkSwitch      *toggle,
                  GParamSpec     *pspec,
                  KariConfigPage *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (toggle), ADW_TYPE_ACTION_ROW);

  store (self, row, json_node_init_boolean (json_node_alloc (), gtk_switch_get_active (toggle)), TRUE);
}

static void
on_spin_value (GtkSpinButton  *spin,
               KariConfigPage *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (spin), ADW_TYPE_ACTION_ROW);
  const KariJsonSchemaField *field = g_object_get_data (G_OBJECT (row), ROW_FIELD);
  JsonNode *value = field->kind == KARI_JSON_SCHEMA_FIELD_INTEGER
                    ? json_node_init_int (json_node_alloc (), (gint64) gtk_spin_button_get_value (spin))
                    : json_node_init_double (json_node_alloc (), gtk_spin_button_get_value (spin));

  store (self, row, value, TRUE);
}

static void
on_combo_selected (AdwComboRow    *combo,
                   GParamSpec     *pspec,
                   KariConfigPage *self)
{
  const KariJsonSchemaField *field = g_object_get_data (G_OBJECT (combo), ROW_FIELD);
  guint selected = adw_combo_row_get_selected (combo);

  if (selected >= json_array_get_length (field->choices))
    return;
  store (self, GTK_WIDGET (combo), json_node_copy (json_array_get_element (field->choices, selected)), TRUE);
}

/* Text, secret or not: read as the schema says (kari_config_parse_value()). */
static void
on_entry_apply (AdwEntryRow    *entry,
                KariConfigPage *self)
{
  const KariJsonSchemaField *field = g_object_get_data (G_OBJECT (entry), ROW_FIELD);
  g_autoptr(GError) error = NULL;
  JsonNode *value = kari_config_parse_value (self->config, field->pointer,
                                             gtk_editable_get_text (GTK_EDITABLE (entry)), &error);

  if (value == NULL)
    {
      show_problem (self, GTK_WIDGET (entry), error->message);
      return;
    }
  /* The entry keeps what was typed, to be corrected. */
  store (self, GTK_WIDGET (entry), value, FALSE);
}

/* Shows what is stored (never a secret's value: only whether it is set). */
static void
load_row (KariConfigPage *self,
          GtkWidget      *row)
{
  const KariJsonSchemaField *field = g_object_get_data (G_OBJECT (row), ROW_FIELD);
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(GError) error = NULL;

  self->loading = TRUE;
  if (field->secret)
    {
      gboolean set = kari_config_secret_is_set (self->config, field->pointer, &error);
      GtkLabel *state = g_object_get_data (G_OBJECT (row), "kari-secret-state");

      gtk_editable_set_text (GTK_EDITABLE (row), "");
      gtk_label_set_text (state, error != NULL ? _("Unknown") : set ? _("Set") : _("Not set"));
      self->loading = FALSE;
      return;
    }
  value = kari_config_get_value (self->config, field->pointer, FALSE, &error);
  switch (field->kind)
    {
    case KARI_JSON_SCHEMA_FIELD_BOOLEAN:
      gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "kari-switch"),
                             value != NULL && JSON_NODE_HOLDS_VALUE (value)
                             && json_node_get_value_type (value) == G_TYPE_BOOLEAN && json_node_get_boolean (value));
      break;
    case KARI_JSON_SCHEMA_FIELD_INTEGER:
    case KARI_JSON_SCHEMA_FIELD_NUMBER:
      if (value != NULL && JSON_NODE_HOLDS_VALUE (value))
        gtk_spin_button_set_value (g_object_get_data (G_OBJECT (row), "kari-spin"), json_node_get_double (value));
      break;
    case KARI_JSON_SCHEMA_FIELD_ENUM:
      {
        guint selected = GTK_INVALID_LIST_POSITION;

        /* Not set and no default: no choice is shown as made. */
        for (guint i = 0; value != NULL && i < json_array_get_length (field->choices); i++)
          if (json_node_equal (value, json_array_get_element (field->choices, i)))
            selected = i;
        adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
      }
      break;
    case KARI_JSON_SCHEMA_FIELD_STRING:
      gtk_editable_set_text (GTK_EDITABLE (row),
                             value != NULL && JSON_NODE_HOLDS_VALUE (value)
                             && json_node_get_value_type (value) == G_TYPE_STRING ? json_node_get_string (value) : "");
      break;
    default:
      {
        g_autofree char *text = value != NULL ? json_to_string (value, FALSE) : g_strdup ("");
        gtk_editable_set_text (GTK_EDITABLE (row), text);
      }
      break;
    }
  self->loading = FALSE;
}

static GtkWidget *
row_new (KariConfigPage      *self,
         KariJsonSchemaField *field)
{
  GtkWidget *row;

  if (field->kind == KARI_JSON_SCHEMA_FIELD_BOOLEAN && !field->secret)
    {
      GtkWidget *toggle = gtk_switch_new ();

      row = adw_action_row_new ();
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      g_object_set_data (G_OBJECT (row), "kari-switch", toggle);
      g_signal_connect (toggle, "notify::active", G_CALLBACK (on_switch_active), self);
    }
  else if ((field->kind == KARI_JSON_SCHEMA_FIELD_INTEGER || field->kind == KARI_JSON_SCHEMA_FIELD_NUMBER)
           && !field->secret)
    {
      gboolean integer = field->kind == KARI_JSON_SCHEMA_FIELD_INTEGER;
      double lower = field->has_minimum ? field->minimum : -NO_LIMIT;
      double upper = field->has_maximum ? field->maximum : NO_LIMIT;
      GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, integer ? 1 : 0.1);

      row = adw_action_row_new ();
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), integer ? 0 : 2);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
      g_object_set_data (G_OBJECT (row), "kari-spin", spin);
      g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_value), self);
    }
  else if (field->kind == KARI_JSON_SCHEMA_FIELD_ENUM && !field->secret)
    {
      g_autoptr(GtkStringList) labels = gtk_string_list_new ((const char * const *) field->choice_labels);

      row = adw_combo_row_new ();
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
      g_object_set_data (G_OBJECT (row), ROW_FIELD, field);
      g_signal_connect (row, "notify::selected", G_CALLBACK (on_combo_selected), self);
    }
  else
    {
      /* Text, a secret of any kind, or JSON for lists and the rest. */
      row = field->secret ? adw_password_entry_row_new () : adw_entry_row_new ();
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      if (field->secret)
        {
          GtkWidget *state = gtk_label_new (NULL);

          gtk_widget_add_css_class (state, "dim-label");
          gtk_widget_add_css_class (state, "caption");
          adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), state);
          g_object_set_data (G_OBJECT (row), "kari-secret-state", state);
        }
      g_signal_connect (row, "apply", G_CALLBACK (on_entry_apply), self);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), field_title (field));
  if (ADW_IS_ACTION_ROW (row) && field->description != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), field->description);
  gtk_widget_set_tooltip_text (row, field->description);
  gtk_widget_set_name (row, field->pointer);
  g_object_set_data (G_OBJECT (row), ROW_FIELD, field);
  return row;
}

static GtkWidget *
group_new (KariConfigPage *self,
           const char     *title,
           const char     *description)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *error = gtk_label_new (NULL);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  /* Not a row: placed under the group's list. */
  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_widget_set_margin_top (error, 6);
  gtk_widget_add_css_class (error, "error");
  gtk_widget_set_visible (error, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), error);
  g_hash_table_insert (self->errors, group, error);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (group));
  g_ptr_array_add (self->groups, group);
  return group;
}

static void
on_reset (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KariConfigPage) self = user_data;
  g_autoptr(GError) error = NULL;

  self->pending--;
  if (!kari_config_reset_finish (KARI_CONFIG (source), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not reset the preferences: %s"), error->message);
      announce (self, message);
      return;
    }
  kari_config_page_reload (self);
  announce (self, _("Preferences reset to their defaults"));
}

static void
on_reset_clicked (KariConfigPage *self)
{
  self->pending++;
  kari_config_reset_async (self->config, NULL, NULL, on_reset, g_object_ref (self));
}

static void
build (KariConfigPage *self)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GtkWidget *reset_group, *reset;

  for (guint i = 0; i < self->fields->len; i++)
    {
      KariJsonSchemaField *field = g_ptr_array_index (self->fields, i);
      g_autofree char *parent = g_strndup (field->pointer, strrchr (field->pointer, '/') - field->pointer);
      GtkWidget *group, *row;

      if (field->kind == KARI_JSON_SCHEMA_FIELD_OBJECT && !field->secret)
        {
          g_hash_table_insert (groups, g_strdup (field->pointer),
                               group_new (self, field_title (field), field->description));
          continue;
        }
      group = g_hash_table_lookup (groups, parent);
      if (group == NULL)
        {
          group = group_new (self, *parent == '\0' ? _("General") : parent, NULL);
          g_hash_table_insert (groups, g_strdup (parent), group);
        }
      row = row_new (self, field);
      g_object_set_data (G_OBJECT (row), ROW_GROUP, group);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      g_hash_table_insert (self->rows, field->pointer, row);
      load_row (self, row);
    }

  reset_group = adw_preferences_group_new ();
  reset = gtk_button_new_with_mnemonic (_("_Reset to Defaults"));
  gtk_widget_set_halign (reset, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (reset, "pill");
  gtk_widget_set_name (reset, "reset");
  g_signal_connect_swapped (reset, "clicked", G_CALLBACK (on_reset_clicked), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (reset_group), reset);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (reset_group));
  g_ptr_array_add (self->groups, reset_group);
}

/**
 * kari_config_page_reload:
 *
 * Builds the rows again from what is stored, dropping the messages shown.
 */
void
kari_config_page_reload (KariConfigPage *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self), g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_hash_table_remove_all (self->rows);
  g_hash_table_remove_all (self->errors);
  g_hash_table_remove_all (self->messages);
  build (self);
}

/**
 * kari_config_page_new:
 * @host: the host, for its registry and tenant
 * @extension: an extension declaring `config.schema`
 * @error: set when it declares none, or its schema does not compile
 *
 * Returns: (transfer floating) (nullable): the extension's preferences
 *   in the host's tenant
 */
GtkWidget *
kari_config_page_new (KariAppHost       *host,
                      KariAppExtension  *extension,
                      GError           **error)
{
  g_autoptr(KariConfig) config = kari_config_new (kari_app_host_get_registry (host),
                                                  kari_app_extension_get_manifest (extension),
                                                  kari_app_host_get_tenant (host), error);
  KariConfigPage *self;

  if (config == NULL)
    return NULL;
  if (kari_config_get_schema (config) == NULL)
    {
      g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_NO_SCHEMA,
                   _("%s has no preferences: its manifest declares no config.schema"),
                   kari_app_extension_get_title (extension));
      return NULL;
    }
  self = g_object_new (KARI_TYPE_CONFIG_PAGE, NULL);
  self->host = g_object_ref (host);
  self->extension = g_object_ref (extension);
  self->config = g_steal_pointer (&config);
  self->fields = kari_json_schema_list_fields (kari_config_get_schema (self->config));
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (self), _("Preferences"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (self), "preferences-system-symbolic");
  build (self);
  return GTK_WIDGET (self);
}

KariConfig *
kari_config_page_get_config (KariConfigPage *self)
{
  return self->config;
}

/* The row of the setting at @pointer (its widget name is @pointer too). */
GtkWidget *
kari_config_page_get_row (KariConfigPage *self,
                          const char     *pointer)
{
  return g_hash_table_lookup (self->rows, pointer);
}

/* The message shown for @pointer, or %NULL. */
const char *
kari_config_page_get_message (KariConfigPage *self,
                              const char     *pointer)
{
  return g_hash_table_lookup (self->messages, pointer);
}

static void
kari_config_page_dispose (GObject *object)
{
  KariConfigPage *self = KARI_CONFIG_PAGE (object);

  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->errors, g_hash_table_unref);
  g_clear_pointer (&self->messages, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  G_OBJECT_CLASS (kari_config_page_parent_class)->dispose (object);
}

static void
kari_config_page_finalize (GObject *object)
{
  KariConfigPage *self = KARI_CONFIG_PAGE (object);

  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_object (&self->config);
  g_clear_object (&self->extension);
  g_clear_object (&self->host);
  G_OBJECT_CLASS (kari_config_page_parent_class)->finalize (object);
}

static void
kari_config_page_class_init (KariConfigPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kari_config_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = kari_config_page_finalize;
}

static void
kari_config_page_init (KariConfigPage *self)
{
  self->rows = g_hash_table_new (g_str_hash, g_str_equal);
  self->errors = g_hash_table_new (NULL, NULL);
  self->messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->groups = g_ptr_array_new ();
}

/**
 * kari_config_page_is_storing:
 * @self: a #KariConfigPage
 *
 * Returns: whether changes made on the page are still being stored
 */
gboolean
kari_config_page_is_storing (KariConfigPage *self)
{
  g_return_val_if_fail (KARI_IS_CONFIG_PAGE (self), FALSE);
  return self->pending > 0;
}
