/* kari-health-page.c — every running extension's state, CPU, memory and
 * restarts, with alerts for crash loops and limits hit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-private.h"

struct _KariHealthPage
{
  AdwBin       parent_instance;

  KariAppHost *host;
  guint        refresh_id;
  guint        n_alerts;

  GtkStack    *view_stack;
  GtkListBox  *alerts_list;
  GtkListBox  *list;
};

G_DEFINE_FINAL_TYPE (KariHealthPage, kari_health_page, ADW_TYPE_BIN)

enum {
  SIGNAL_SHOW_DETAILS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The last alerts kept on the page. */
#define MAX_ALERTS 20

static char *
describe_usage (KariSupervisor *supervisor)
{
  g_autoptr(GArray) samples = kari_supervisor_dup_samples (supervisor);
  g_autofree char *memory = NULL;
  double cpu = 0;
  guint restarts = kari_supervisor_get_n_starts (supervisor);

  restarts = restarts > 0 ? restarts - 1 : 0;
  if (samples == NULL || samples->len == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · no samples yet · %u restart",
                                         "%s · no samples yet · %u restarts", restarts),
                            kari_app_state_to_label (kari_supervisor_get_state (supervisor)), restarts);
  {
    const KariSupervisorSample *last = &g_array_index (samples, KariSupervisorSample, samples->len - 1);

    if (samples->len > 1)
      {
        const KariSupervisorSample *prev = &g_array_index (samples, KariSupervisorSample, samples->len - 2);
        if (last->time > prev->time && last->cpu_usec >= prev->cpu_usec)
          cpu = 100.0 * (double) (last->cpu_usec - prev->cpu_usec) / (double) (last->time - prev->time);
      }
    memory = kari_app_format_bytes (last->memory_bytes);
  }
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · CPU %.1f %% · %s · %u restart",
                                       "%s · CPU %.1f %% · %s · %u restarts", restarts),
                          kari_app_state_to_label (kari_supervisor_get_state (supervisor)), cpu, memory, restarts);
}

static void
refresh_rows (KariHealthPage *self)
{
  GListModel *extensions;
  GtkWidget *child;
  guint n = 0;

  if (self->host == NULL)
    return;
  extensions = kari_app_host_get_extensions (self->host);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint i = 0; i < g_list_model_get_n_items (extensions); i++)
    {
      g_autoptr(KariAppExtension) ext = g_list_model_get_item (extensions, i);
      KariSupervisor *supervisor = kari_app_extension_get_supervisor (ext);
      g_autofree char *subtitle = NULL;
      KariState state;
      GtkWidget *row;

      if (supervisor == NULL)
        continue;
      state = kari_supervisor_get_state (supervisor);
      subtitle = describe_usage (supervisor);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kari_app_extension_get_title (ext));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name (kari_app_extension_get_icon_name (ext)));
      if (state == KARI_STATE_CRASHED || state == KARI_STATE_FAILED || kari_supervisor_get_over_quota (supervisor))
        {
          GtkWidget *warning = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

          gtk_widget_add_css_class (warning, "warning");
          gtk_widget_set_tooltip_text (warning, kari_supervisor_get_over_quota (supervisor)
                                                ? _("Over its disk quota: it stays stopped until it is back under")
                                                : kari_supervisor_get_reason (supervisor));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), warning);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_name (row, kari_app_extension_get_name (ext));
      gtk_list_box_append (self->list, row);
      n++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->list), n > 0);
  gtk_stack_set_visible_child_name (self->view_stack, n > 0 || self->n_alerts > 0 ? "list" : "empty");
}

static void
add_alert (KariHealthPage     *self,
           const KariAppAlert *alert)
{
  KariAppExtension *extension = kari_app_host_lookup (self->host, alert->extension);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  g_autofree char *when = kari_app_format_time (alert->time_usec);
  g_autofree char *title = g_strdup_printf (_("%s was switched off after crashing repeatedly"),
                                            extension != NULL ? kari_app_extension_get_title (extension)
                                                              : alert->extension);
  g_autofree char *reason = kari_permission_escape_for_display (alert->reason);
  g_autofree char *escaped = g_strdup_printf ("%s · %s", when, reason);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  gtk_widget_add_css_class (icon, "error");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_prepend (self->alerts_list, row);
  if (++self->n_alerts > MAX_ALERTS)
    {
      gtk_list_box_remove (self->alerts_list, gtk_widget_get_last_child (GTK_WIDGET (self->alerts_list)));
      self->n_alerts--;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->alerts_list), TRUE);
}

static void
on_alert (KariAppHost      *host,
          KariAppExtension *extension,
          const char       *reason,
          KariHealthPage   *self)
{
  GPtrArray *alerts = kari_app_host_get_alerts (host);

  add_alert (self, g_ptr_array_index (alerts, alerts->len - 1));
  refresh_rows (self);
}

static gboolean
refresh (gpointer user_data)
{
  refresh_rows (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_row_activated (KariHealthPage *self,
                  GtkListBoxRow  *row)
{
  g_signal_emit (self, signals[SIGNAL_SHOW_DETAILS], 0, gtk_widget_get_name (GTK_WIDGET (row)));
}

void
kari_health_page_set_host (KariHealthPage *self,
                           KariAppHost    *host)
{
  GPtrArray *alerts = kari_app_host_get_alerts (host);

  g_set_object (&self->host, host);
  for (guint i = 0; i < alerts->len; i++)
    add_alert (self, g_ptr_array_index (alerts, i));
  g_signal_connect_object (host, "alert", G_CALLBACK (on_alert), self, 0);
  refresh_rows (self);
}

static void
kari_health_page_map (GtkWidget *widget)
{
  KariHealthPage *self = KARI_HEALTH_PAGE (widget);

  GTK_WIDGET_CLASS (kari_health_page_parent_class)->map (widget);
  refresh_rows (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (2, refresh, self);
}

static void
kari_health_page_unmap (GtkWidget *widget)
{
  KariHealthPage *self = KARI_HEALTH_PAGE (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (kari_health_page_parent_class)->unmap (widget);
}

static void
kari_health_page_dispose (GObject *object)
{
  KariHealthPage *self = KARI_HEALTH_PAGE (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  /* The template's root is the bin's child: unparented once, here. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KARI_TYPE_HEALTH_PAGE);
  g_clear_object (&self->host);
  G_OBJECT_CLASS (kari_health_page_parent_class)->dispose (object);
}

static void
kari_health_page_class_init (KariHealthPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kari_health_page_dispose;
  widget_class->map = kari_health_page_map;
  widget_class->unmap = kari_health_page_unmap;

  /**
   * KariHealthPage::show-details:
   * @name: the extension's name
   */
  signals[SIGNAL_SHOW_DETAILS] =
    g_signal_new ("show-details", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kari/ControlRoom/kari-health-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KariHealthPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KariHealthPage, alerts_list);
  gtk_widget_class_bind_template_child (widget_class, KariHealthPage, list);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
kari_health_page_init (KariHealthPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
