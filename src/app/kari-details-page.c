/* kari-details-page.c — one extension: state and its history, CPU and
 * memory, permissions as switches, live logs, versions, removal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-private.h"

struct _KariDetailsPage
{
  AdwBin                parent_instance;

  KariAppHost          *host;
  KariAppExtension     *extension;
  KariSupervisor       *watched;      /* whose log lines are followed */
  guint                 refresh_id;
  guint                 refill_id;
  GPtrArray            *rows;         /* rows added to the groups below */

  GtkImage             *icon;
  GtkLabel             *title;
  GtkLabel             *description;
  GtkLabel             *state;
  GtkSwitch            *enabled_switch;
  GtkLabel             *cpu_label;
  KariUsageGraph       *cpu_graph;
  GtkLabel             *memory_label;
  KariUsageGraph       *memory_graph;
  AdwPreferencesGroup  *permissions_group;
  GtkTextView          *log_view;
  AdwPreferencesGroup  *history_group;
  AdwPreferencesGroup  *versions_group;
  GtkButton            *remove_button;
  AdwActionRow         *preferences_row;
};

G_DEFINE_FINAL_TYPE (KariDetailsPage, kari_details_page, ADW_TYPE_BIN)

enum {
  SIGNAL_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* How many log lines the view keeps. */
#define MAX_LOG_LINES 500

static char *
describe_scope (const KariGrant *grant)
{
  g_autofree char *until = NULL;

  switch (grant->scope)
    {
    case KARI_SCOPE_ONCE:
      return g_strdup (_("Once"));
    case KARI_SCOPE_SESSION:
      return g_strdup (_("For this session"));
    case KARI_SCOPE_PERSISTENT:
      return g_strdup (_("Always"));
    case KARI_SCOPE_UNTIL:
      until = kari_app_format_time (grant->until_usec);
      return g_strdup_printf (_("Until %s"), until);
    default:
      return g_strdup ("");
    }
}

static GtkWidget *
add_row (KariDetailsPage     *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, g_object_ref (row));
  return row;
}

static void
clear_rows (KariDetailsPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void fill_permissions (KariDetailsPage *self);

static gboolean
refill_permissions (gpointer user_data)
{
  KariDetailsPage *self = user_data;

  self->refill_id = 0;
  if (self->extension != NULL && self->host != NULL)
    fill_permissions (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_permission_state_set (GtkSwitch       *toggle,
                         gboolean         state,
                         KariDetailsPage *self)
{
  const char *permission = g_object_get_data (G_OBJECT (toggle), "kari-permission");
  KariPermissionEngine *engine = kari_app_host_get_engine (self->host);
  const char *name = kari_app_extension_get_name (self->extension);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (state)
    {
      g_autoptr(KariGrant) grant = kari_permission_engine_grant (engine, kari_app_host_get_user (self->host),
                                                                 kari_app_host_get_tenant (self->host), name,
                                                                 NULL, permission, KARI_SCOPE_PERSISTENT, 0,
                                                                 &error);
      ok = grant != NULL;
    }
  else
    ok = kari_permission_engine_revoke (engine, kari_app_host_get_user (self->host),
                                        kari_app_host_get_tenant (self->host), name, NULL, permission,
                                        NULL, &error);
  if (!ok)
    {
      g_autofree char *message = g_strdup_printf (_("Could not change “%s”: %s"), permission, error->message);
      kari_app_toast (GTK_WIDGET (self), message);
    }
  /* Rebuilt from the grant store, so the switches show what is in force;
   * after this handler, as the rebuild replaces this very switch. */
  gtk_switch_set_state (toggle, ok ? state : !state);
  if (self->refill_id == 0)
    self->refill_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, refill_permissions, g_object_ref (self),
                                       g_object_unref);
  return TRUE;
}

static void
fill_permissions (KariDetailsPage *self)
{
  const char *name = kari_app_extension_get_name (self->extension);
  KariPermissionEngine *engine = kari_app_host_get_engine (self->host);
  const char * const *declared = kari_permission_engine_get_declared (engine, name);
  g_autoptr(GPtrArray) grants = kari_grant_store_list (kari_permission_engine_get_grants (engine), name,
                                                       kari_app_host_get_tenant (self->host));
  GtkWidget *child;

  /* The group's rows of a previous fill go first. */
  for (guint i = self->rows->len; i > 0; i--)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i - 1);

      if (g_object_get_data (G_OBJECT (row), "kari-permission-row") != NULL)
        {
          adw_preferences_group_remove (self->permissions_group, row);
          g_ptr_array_remove_index (self->rows, i - 1);
        }
    }

  for (guint i = 0; declared != NULL && declared[i] != NULL; i++)
    {
      g_autofree char *words = kari_app_sentence (kari_permission_describe (declared[i]));
      g_autofree char *shown = kari_permission_escape_for_display (declared[i]);
      g_autofree char *subtitle = NULL;
      g_autofree char *scope = NULL;
      GtkWidget *toggle = gtk_switch_new ();
      const KariGrant *found = NULL;
      GtkWidget *row;

      for (guint g = 0; grants != NULL && g < grants->len && found == NULL; g++)
        {
          const KariGrant *grant = g_ptr_array_index (grants, g);
          if (g_strcmp0 (grant->permission, declared[i]) == 0)
            found = grant;
        }
      scope = found != NULL ? describe_scope (found) : g_strdup (_("Not granted: asked or decided by the policy"));
      subtitle = g_strdup_printf ("%s · %s", shown, scope);
      row = add_row (self, self->permissions_group, words != NULL ? words : shown, subtitle);
      g_object_set_data (G_OBJECT (row), "kari-permission-row", GINT_TO_POINTER (1));
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_switch_set_state (GTK_SWITCH (toggle), found != NULL);
      gtk_switch_set_active (GTK_SWITCH (toggle), found != NULL);
      g_object_set_data_full (G_OBJECT (toggle), "kari-permission", g_strdup (declared[i]), g_free);
      g_signal_connect (toggle, "state-set", G_CALLBACK (on_permission_state_set), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
    }
  if (declared == NULL || declared[0] == NULL)
    {
      child = add_row (self, self->permissions_group, _("No permissions"),
                       _("This extension declares none: it can only use its own data."));
      g_object_set_data (G_OBJECT (child), "kari-permission-row", GINT_TO_POINTER (1));
    }
}

static void
fill_history_and_versions (KariDetailsPage *self)
{
  KariRegistry *registry = kari_app_host_get_registry (self->host);
  const char *name = kari_app_extension_get_name (self->extension);
  g_autoptr(GPtrArray) history = kari_registry_get_history (registry, name, NULL);
  g_autoptr(GPtrArray) versions = kari_registry_list_versions (registry, name, NULL);
  guint shown = 0;

  /* Newest first, the last twenty. */
  for (guint i = history != NULL ? history->len : 0; i > 0 && shown < 20; i--, shown++)
    {
      KariTransition *t = g_ptr_array_index (history, i - 1);
      g_autofree char *when = kari_app_format_time (t->time_usec);
      g_autofree char *title = g_strdup_printf ("%s → %s", kari_app_state_to_label (t->from),
                                                kari_app_state_to_label (t->to));
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", when, t->reason != NULL ? t->reason : "");
      add_row (self, self->history_group, title, subtitle);
    }
  if (shown == 0)
    add_row (self, self->history_group, _("No changes yet"),
             _("The extension has not been installed in the registry: its dependencies may be missing."));

  for (guint i = 0; versions != NULL && i < versions->len; i++)
    {
      KariRegistryEntry *entry = g_ptr_array_index (versions, i);
      g_autofree char *when = kari_app_format_time (entry->updated_usec);
      g_autofree char *subtitle = g_strdup_printf (entry->is_current ? _("In use · %s · %s") : _("Kept · %s · %s"),
                                                   when, entry->path);
      add_row (self, self->versions_group, entry->version, subtitle);
    }
  if (versions == NULL || versions->len == 0)
    add_row (self, self->versions_group, kari_app_extension_get_version (self->extension),
             kari_manifest_get_dir (kari_app_extension_get_manifest (self->extension)));
}

static void
append_log_line (KariDetailsPage *self,
                 const char      *line)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, line, -1);
  gtk_text_buffer_insert (buffer, &end, "\n", 1);
  if (gtk_text_buffer_get_line_count (buffer) > MAX_LOG_LINES)
    {
      GtkTextIter start, cut;

      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_get_iter_at_line (buffer, &cut, gtk_text_buffer_get_line_count (buffer) - MAX_LOG_LINES);
      gtk_text_buffer_delete (buffer, &start, &cut);
    }
}

static void
on_log_line (KariSupervisor  *supervisor,
             const char      *line,
             KariDetailsPage *self)
{
  append_log_line (self, line);
}

static void
watch_supervisor (KariDetailsPage *self)
{
  KariSupervisor *supervisor = self->extension != NULL ? kari_app_extension_get_supervisor (self->extension) : NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  g_auto(GStrv) lines = NULL;

  if (supervisor == self->watched)
    return;
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_data (self->watched, self);
  g_set_object (&self->watched, supervisor);
  gtk_text_buffer_set_text (buffer, "", 0);
  if (supervisor == NULL)
    {
      gtk_text_buffer_set_text (buffer, _("The extension is not running in this session; "
                                          "switch it on to see its logs here."), -1);
      return;
    }
  lines = kari_supervisor_dup_log (supervisor);
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    append_log_line (self, lines[i]);
  g_signal_connect (supervisor, "log-line", G_CALLBACK (on_log_line), self);
}

/* CPU in percent of one core between samples, and memory in MiB. */
static void
update_graphs (KariDetailsPage *self)
{
  KariSupervisor *supervisor = self->extension != NULL ? kari_app_extension_get_supervisor (self->extension) : NULL;
  g_autoptr(GArray) samples = supervisor != NULL ? kari_supervisor_dup_samples (supervisor) : NULL;
  guint n = samples != NULL ? samples->len : 0;
  g_autofree double *cpu = g_new0 (double, MAX (n, 1));
  g_autofree double *memory = g_new0 (double, MAX (n, 1));
  gint64 max_mb = self->extension != NULL
                  ? kari_manifest_get_max_memory_mb (kari_app_extension_get_manifest (self->extension)) : 0;
  double memory_max = max_mb > 0 ? (double) max_mb : 1;
  g_autofree char *cpu_text = NULL;
  g_autofree char *memory_text = NULL;

  for (guint i = 0; i < n; i++)
    {
      const KariSupervisorSample *s = &g_array_index (samples, KariSupervisorSample, i);

      memory[i] = (double) s->memory_bytes / (1024.0 * 1024.0);
      memory_max = MAX (memory_max, memory[i]);
      if (i > 0)
        {
          const KariSupervisorSample *p = &g_array_index (samples, KariSupervisorSample, i - 1);
          gint64 dt = s->time - p->time;

          if (dt > 0 && s->cpu_usec >= p->cpu_usec)
            cpu[i] = 100.0 * (double) (s->cpu_usec - p->cpu_usec) / (double) dt;
        }
    }
  kari_usage_graph_set_values (self->cpu_graph, cpu, n, 100.0);
  kari_usage_graph_set_values (self->memory_graph, memory, n, memory_max);
  cpu_text = n > 1 ? g_strdup_printf (_("CPU: %.1f %%"), cpu[n - 1]) : g_strdup (_("CPU: no samples yet"));
  memory_text = n > 0 ? g_strdup_printf (_("Memory: %.1f MiB"), memory[n - 1]) : g_strdup (_("Memory: no samples yet"));
  gtk_label_set_text (self->cpu_label, cpu_text);
  gtk_label_set_text (self->memory_label, memory_text);
}

static void
update_state (KariDetailsPage *self)
{
  KariState state = kari_app_extension_get_state (self->extension);
  g_autofree char *text = g_strdup_printf (_("Version %s · %s"), kari_app_extension_get_version (self->extension),
                                           kari_app_state_to_label (state));

  gtk_label_set_text (self->state, text);
  gtk_switch_set_state (self->enabled_switch, kari_app_extension_get_active (self->extension));
  gtk_switch_set_active (self->enabled_switch, kari_app_extension_get_active (self->extension));
  watch_supervisor (self);
}

static void
on_extension_state (KariDetailsPage *self)
{
  update_state (self);
  /* The history is short; reading it again keeps it true. */
  clear_rows (self);
  fill_permissions (self);
  fill_history_and_versions (self);
}

static gboolean
refresh (gpointer user_data)
{
  update_graphs (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_switch_state_set (KariDetailsPage *self,
                     gboolean         state)
{
  if (self->extension != NULL && state != kari_app_extension_get_active (self->extension))
    kari_app_set_enabled (GTK_WIDGET (self->enabled_switch), self->host, self->extension, state);
  return TRUE;
}

/**
 * kari_details_page_confirm_remove:
 *
 * The confirmation removal asks for: it names everything that goes.
 *
 * Returns: (transfer floating): the dialog, not yet shown
 */
static void update_remove_button (KariDetailsPage *self);

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KariDetailsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = g_strdup (g_object_get_data (G_OBJECT (self), "kari-removing"));
  g_autofree char *message = NULL;

  g_object_set_data (G_OBJECT (self), "kari-removing", NULL);
  gtk_button_set_label (self->remove_button, _("_Remove…"));
  if (!kari_app_host_remove_finish (KARI_APP_HOST (source), result, &error))
    {
      message = g_strdup_printf (_("%s could not be removed: %s. Choose Reload Extensions in the main menu "
                                   "and try again; what was started is finished at the next removal."),
                                 title, error->message);
      kari_app_toast (GTK_WIDGET (self), message);
      if (self->extension != NULL)
        update_remove_button (self);
      return;
    }
  message = g_strdup_printf (_("%s was removed"), title);
  kari_app_toast (GTK_WIDGET (self), message);
  g_signal_emit (self, signals[SIGNAL_REMOVED], 0, title);
}

static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     KariDetailsPage  *self)
{
  gboolean keep_data = g_strcmp0 (response, "keep-data") == 0;

  if (self->extension == NULL || (!keep_data && g_strcmp0 (response, "remove") != 0))
    return;
  /* Progress: the button says what is going on until it is done. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->remove_button), FALSE);
  gtk_button_set_label (self->remove_button, _("Removing…"));
  g_object_set_data_full (G_OBJECT (self), "kari-removing",
                          g_strdup (kari_app_extension_get_title (self->extension)), g_free);
  kari_app_host_remove_async (self->host, self->extension, keep_data, NULL, on_removed, g_object_ref (self));
}

/**
 * kari_details_page_confirm_remove:
 *
 * The confirmation removal asks for: it names everything that goes, and
 * offers to keep the data. Its "remove" and "keep-data" responses
 * remove.
 *
 * Returns: (transfer floating): the dialog, not yet shown
 */
AdwMessageDialog *
kari_details_page_confirm_remove (KariDetailsPage *self)
{
  KariManifest *m = kari_app_extension_get_manifest (self->extension);
  const char *name = kari_app_extension_get_name (self->extension);
  g_autofree char *heading = g_strdup_printf (_("Remove %s?"), kari_app_extension_get_title (self->extension));
  g_autofree char *stores = g_build_filename (g_get_user_data_dir (), "kari", "stores", "TENANT", NULL);
  g_autofree char *data = g_build_filename (g_get_user_data_dir (), "kari", "data", "TENANT", name, NULL);
  g_autofree char *store = g_strdup_printf ("%s/%s.sqlite", stores, name);
  g_autofree char *body = g_strdup_printf (_("This deletes, in every tenant:\n"
                                             "• the extension’s folder, %s, and every kept version;\n"
                                             "• its stores, %s;\n"
                                             "• its data folders, %s;\n"
                                             "• its settings and its secrets in the keyring;\n"
                                             "• the permissions granted to it, its logs and its metrics.\n"
                                             "Keep Data removes everything but the stores and data folders. "
                                             "The activity log keeps what it did."),
                                           kari_manifest_get_dir (m), store, data);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "keep-data", _("_Keep Data"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response), self, 0);
  return ADW_MESSAGE_DIALOG (dialog);
}

/**
 * kari_details_page_open_preferences:
 *
 * Opens the extension's generated preferences in a window over the
 * app's.
 *
 * Returns: (transfer none) (nullable): the window, or %NULL (with a
 *   toast saying why) when the extension has no preferences
 */
GtkWidget *
kari_details_page_open_preferences (KariDetailsPage *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *page, *window;
  g_autofree char *title = NULL;

  if (self->extension == NULL)
    return NULL;
  page = kari_config_page_new (self->host, self->extension, &error);
  if (page == NULL)
    {
      kari_app_toast (GTK_WIDGET (self), error->message);
      return NULL;
    }
  window = adw_preferences_window_new ();
  title = g_strdup_printf (_("%s Preferences"), kari_app_extension_get_title (self->extension));
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (window), FALSE);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
on_preferences_activated (KariDetailsPage *self)
{
  kari_details_page_open_preferences (self);
}

static void
update_preferences_row (KariDetailsPage *self)
{
  JsonNode *root = kari_manifest_get_root (kari_app_extension_get_manifest (self->extension));
  JsonObject *config = NULL;
  gboolean has;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root)
      && json_object_has_member (json_node_get_object (root), "config")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (root), "config")))
    config = json_object_get_object_member (json_node_get_object (root), "config");
  has = config != NULL && json_object_has_member (config, "schema");

  gtk_widget_set_sensitive (GTK_WIDGET (self->preferences_row), has);
  adw_action_row_set_subtitle (self->preferences_row,
                               has ? _("Settings and secrets of this extension in this tenant")
                                   : _("This extension has no settings"));
}

static void
on_remove_clicked (KariDetailsPage *self)
{
  /* Only reached when the host can remove; see update_remove_button(). */
  gtk_window_present (GTK_WINDOW (kari_details_page_confirm_remove (self)));
}

static void
on_enabled_everywhere (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(KariDetailsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kari_app_host_set_enabled_finish (KARI_APP_HOST (source), result, &error))
    kari_app_toast (GTK_WIDGET (self), error->message);
}

/* details.every-tenant(b): on or off in every tenant at once. */
static void
on_every_tenant (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KariDetailsPage *self = KARI_DETAILS_PAGE (widget);

  if (self->extension == NULL)
    return;
  kari_app_host_set_enabled_full_async (self->host, self->extension, g_variant_get_boolean (parameter), TRUE,
                                        NULL, on_enabled_everywhere, g_object_ref (self));
}

static void
update_remove_button (KariDetailsPage *self)
{
  g_autofree char *why_not = NULL;
  gboolean can = kari_app_host_can_remove (self->host, self->extension, &why_not);

  gtk_widget_set_sensitive (GTK_WIDGET (self->remove_button), can);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->remove_button), can ? NULL : why_not);
}

/* Another program (kari-ext) granted or revoked: the switches follow */
static void
on_registry_changed (KariDetailsPage *self)
{
  if (self->refill_id == 0)
    self->refill_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, refill_permissions, g_object_ref (self),
                                       g_object_unref);
}

void
kari_details_page_set_host (KariDetailsPage *self,
                            KariAppHost     *host)
{
  if (!g_set_object (&self->host, host) || host == NULL)
    return;
  g_signal_connect_object (kari_app_host_get_engine (host), "registry-changed",
                           G_CALLBACK (on_registry_changed), self, G_CONNECT_SWAPPED);
}

KariAppExtension *
kari_details_page_get_extension (KariDetailsPage *self)
{
  return self->extension;
}

void
kari_details_page_set_extension (KariDetailsPage  *self,
                                 KariAppExtension *extension)
{
  if (self->extension != NULL)
    g_signal_handlers_disconnect_by_data (self->extension, self);
  g_set_object (&self->extension, extension);
  if (extension == NULL)
    return;

  gtk_image_set_from_icon_name (self->icon, kari_app_extension_get_icon_name (extension));
  gtk_label_set_text (self->title, kari_app_extension_get_title (extension));
  gtk_label_set_text (self->description, kari_app_extension_get_description (extension));
  g_signal_connect_swapped (extension, "notify::state", G_CALLBACK (on_extension_state), self);
  update_remove_button (self);
  update_preferences_row (self);
  on_extension_state (self);
  update_graphs (self);
}

static void
kari_details_page_map (GtkWidget *widget)
{
  KariDetailsPage *self = KARI_DETAILS_PAGE (widget);

  GTK_WIDGET_CLASS (kari_details_page_parent_class)->map (widget);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (1, refresh, self);
}

static void
kari_details_page_unmap (GtkWidget *widget)
{
  KariDetailsPage *self = KARI_DETAILS_PAGE (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (kari_details_page_parent_class)->unmap (widget);
}

static void
kari_details_page_dispose (GObject *object)
{
  KariDetailsPage *self = KARI_DETAILS_PAGE (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->refill_id, g_source_remove);
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_data (self->watched, self);
  g_clear_object (&self->watched);
  if (self->extension != NULL)
    g_signal_handlers_disconnect_by_data (self->extension, self);
  g_clear_object (&self->extension);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  /* The template's root is the bin's child: unparented once, here. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KARI_TYPE_DETAILS_PAGE);
  g_clear_object (&self->host);
  G_OBJECT_CLASS (kari_details_page_parent_class)->dispose (object);
}

static void
kari_details_page_class_init (KariDetailsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kari_details_page_dispose;
  widget_class->map = kari_details_page_map;
  widget_class->unmap = kari_details_page_unmap;

  /**
   * KariDetailsPage::removed:
   * @title: the removed extension's title
   */
  signals[SIGNAL_REMOVED] =
    g_signal_new ("removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_install_action (widget_class, "details.every-tenant", "b", on_every_tenant);

  g_type_ensure (KARI_TYPE_USAGE_GRAPH);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kari/ControlRoom/kari-details-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, icon);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, title);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, description);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, state);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, cpu_label);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, cpu_graph);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, memory_label);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, memory_graph);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, permissions_group);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, log_view);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, history_group);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, versions_group);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, remove_button);
  gtk_widget_class_bind_template_child (widget_class, KariDetailsPage, preferences_row);
  gtk_widget_class_bind_template_callback (widget_class, on_preferences_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_switch_state_set);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
}

static void
kari_details_page_init (KariDetailsPage *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
}
