/* kari-activity-page.c — the audit log, filtered, and exported as CSV or
 * JSON Lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-private.h"

struct _KariActivityPage
{
  AdwBin          parent_instance;

  KariAppHost    *host;
  guint           n_shown;

  GtkSearchEntry *extension_entry;
  GtkDropDown    *decision_dropdown;
  GtkDropDown    *period_dropdown;
  GtkStack       *view_stack;
  GtkListBox     *list;
  AdwStatusPage  *empty_status;
};

G_DEFINE_FINAL_TYPE (KariActivityPage, kari_activity_page, ADW_TYPE_BIN)

/* How many entries the page shows; the export has them all. */
#define MAX_SHOWN 200

/* The period choices of the drop-down, in its order. */
static const gint64 periods[] = { 0, G_TIME_SPAN_HOUR, G_TIME_SPAN_DAY, 7 * G_TIME_SPAN_DAY };

static const struct {
  KariAuditKind  kind;
  const char    *words;
} kind_words[] = {
  { KARI_AUDIT_CHECK,  N_("Check") },
  { KARI_AUDIT_GRANT,  N_("Grant") },
  { KARI_AUDIT_REVOKE, N_("Revocation") },
  { KARI_AUDIT_POLICY, N_("Policy change") },
  { KARI_AUDIT_ROLE,   N_("Role change") },
};

/* The filters of the page as a query; the strings are borrowed from the
 * widgets. */
static void
build_query (KariActivityPage *self,
             KariAuditQuery   *query)
{
  const char *extension = gtk_editable_get_text (GTK_EDITABLE (self->extension_entry));
  guint decision = gtk_drop_down_get_selected (self->decision_dropdown);
  guint period = gtk_drop_down_get_selected (self->period_dropdown);

  *query = (KariAuditQuery) KARI_AUDIT_QUERY_INIT;
  query->tenant = kari_app_host_get_tenant (self->host);
  if (extension != NULL && *extension != '\0')
    query->extension = extension;
  query->decision = decision == 1 ? 1 : decision == 2 ? 0 : -1;
  if (period < G_N_ELEMENTS (periods) && periods[period] > 0)
    query->since_usec = g_get_real_time () - periods[period];
}

static GtkWidget *
entry_row_new (const KariAuditEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  g_autofree char *when = kari_app_format_time (entry->time_usec);
  g_autofree char *permission = kari_permission_escape_for_display (entry->permission != NULL ? entry->permission : "");
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  const char *kind = "";

  for (guint i = 0; i < G_N_ELEMENTS (kind_words); i++)
    if (kind_words[i].kind == entry->kind)
      kind = _(kind_words[i].words);
  title = g_strdup_printf ("%s · %s", entry->extension != NULL ? entry->extension : "—", permission);
  subtitle = g_strdup_printf ("%s · %s · %s%s%s%s%s", when, kind,
                              entry->allowed ? _("allowed") : _("denied"),
                              entry->decided_by != NULL ? _(" by ") : "",
                              entry->decided_by != NULL ? entry->decided_by : "",
                              entry->user != NULL ? _(", user ") : "",
                              entry->user != NULL ? entry->user : "");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  icon = gtk_image_new_from_icon_name (entry->allowed ? "object-select-symbolic" : "action-unavailable-symbolic");
  gtk_widget_add_css_class (icon, entry->allowed ? "success" : "error");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

/**
 * kari_activity_page_reload:
 *
 * Queries the audit log again with the page's filters.
 */
void
kari_activity_page_reload (KariActivityPage *self)
{
  KariAuditQuery query;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  if (self->host == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  build_query (self, &query);
  query.limit = MAX_SHOWN;
  /* What the engine decided a moment ago is in the log's buffer. */
  if (kari_audit_log_flush (kari_app_host_get_audit (self->host), &error))
    entries = kari_audit_log_query (kari_app_host_get_audit (self->host), &query, &error);
  if (entries == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The activity log cannot be read: %s"), error->message);
      kari_app_toast (GTK_WIDGET (self), message);
    }
  self->n_shown = entries != NULL ? entries->len : 0;
  for (guint i = 0; i < self->n_shown; i++)
    gtk_list_box_append (self->list, entry_row_new (g_ptr_array_index (entries, i)));

  adw_status_page_set_description (self->empty_status,
                                   query.extension != NULL || query.decision >= 0 || query.since_usec > 0
                                   ? _("Nothing matches these filters. Clear the name or choose “All decisions” "
                                       "and “Any time”.")
                                   : _("Every permission an extension uses, and every grant, revocation and "
                                       "policy change, is recorded here."));
  gtk_stack_set_visible_child_name (self->view_stack, self->n_shown > 0 ? "list" : "empty");
}

guint
kari_activity_page_get_n_shown (KariActivityPage *self)
{
  return self->n_shown;
}

/**
 * kari_activity_page_export_to:
 * @file: where to write; replaced
 * @format: CSV or JSON Lines
 *
 * Writes every entry the page's filters select (not only those shown).
 */
gboolean
kari_activity_page_export_to (KariActivityPage  *self,
                              GFile             *file,
                              KariAuditFormat    format,
                              GError           **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  KariAuditQuery query;

  build_query (self, &query);
  if (!kari_audit_log_flush (kari_app_host_get_audit (self->host), error))
    return FALSE;
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, error);
  if (stream == NULL)
    return FALSE;
  if (!kari_audit_log_export (kari_app_host_get_audit (self->host), &query, format, G_OUTPUT_STREAM (stream),
                              NULL, error))
    return FALSE;
  return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}

static void
export_chosen (KariActivityPage *self,
               GFile            *file,
               KariAuditFormat   format)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = g_file_get_parse_name (file);

  if (!kari_activity_page_export_to (self, file, format, &error))
    message = g_strdup_printf (_("The activity log was not exported: %s. Choose a folder you can write to."),
                               error->message);
  else
    message = g_strdup_printf (_("Exported to %s"), name);
  kari_app_toast (GTK_WIDGET (self), message);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
on_save_finished (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KariActivityPage) self = user_data;
  g_autoptr(GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, NULL);

  if (file != NULL)
    export_chosen (self, file, GPOINTER_TO_INT (g_object_get_data (source, "kari-format")));
}
#else
static void
on_chooser_response (GtkNativeDialog  *chooser,
                     int               response,
                     KariActivityPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      export_chosen (self, file, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "kari-format")));
    }
  g_object_unref (chooser);
}
#endif

static void
on_export (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  KariActivityPage *self = KARI_ACTIVITY_PAGE (widget);
  gboolean json = g_strcmp0 (g_variant_get_string (parameter, NULL), "json") == 0;
  KariAuditFormat format = json ? KARI_AUDIT_FORMAT_JSON_LINES : KARI_AUDIT_FORMAT_CSV;
  const char *name = json ? "kari-activity.jsonl" : "kari-activity.csv";
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (widget));

#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_title (dialog, _("Export Activity"));
  gtk_file_dialog_set_initial_name (dialog, name);
  g_object_set_data (G_OBJECT (dialog), "kari-format", GINT_TO_POINTER (format));
  gtk_file_dialog_save (dialog, window, NULL, on_save_finished, g_object_ref (self));
#else
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Export Activity"), window,
                                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                                               _("_Export"), _("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "kari-format", GINT_TO_POINTER (format));
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
#endif
}

void
kari_activity_page_set_host (KariActivityPage *self,
                             KariAppHost      *host)
{
  /* Read when first shown (the window reloads a page it shows), not
   * at start-up. */
  g_set_object (&self->host, host);
}

static void
kari_activity_page_dispose (GObject *object)
{
  KariActivityPage *self = KARI_ACTIVITY_PAGE (object);

  /* The template's root is the bin's child: unparented once, here. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KARI_TYPE_ACTIVITY_PAGE);
  g_clear_object (&self->host);
  G_OBJECT_CLASS (kari_activity_page_parent_class)->dispose (object);
}

static void
kari_activity_page_class_init (KariActivityPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kari_activity_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kari/ControlRoom/kari-activity-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KariActivityPage, extension_entry);
  gtk_widget_class_bind_template_child (widget_class, KariActivityPage, decision_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KariActivityPage, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KariActivityPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KariActivityPage, list);
  gtk_widget_class_bind_template_child (widget_class, KariActivityPage, empty_status);
  gtk_widget_class_bind_template_callback (widget_class, kari_activity_page_reload);
  gtk_widget_class_install_action (widget_class, "activity.export", "s", on_export);
}

static void
kari_activity_page_init (KariActivityPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
