/* kari-application.c — the Control Room application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One instance per session (GApplication's uniqueness); a second launch
 * raises the window of the first. The host is opened on first
 * activation, not at start-up, so `--gapplication-service` costs nothing
 * until something asks.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-private.h"
#include "kari-application.h"
#include "kari-window.h"

struct _KariApplication
{
  AdwApplication   parent_instance;
  GSettings       *settings;
  KariAppHost     *host;
  KariPromptAgent *agent;
};

G_DEFINE_FINAL_TYPE (KariApplication, kari_application, ADW_TYPE_APPLICATION)

KariApplication *
kari_application_new (void)
{
  return g_object_new (KARI_TYPE_APPLICATION,
                       "application-id", KARI_APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/kari/ControlRoom",
                       NULL);
}

KariAppHost *
kari_application_get_host (KariApplication *self)
{
  return self->host;
}

GSettings *
kari_application_get_settings (KariApplication *self)
{
  return self->settings;
}

KariPromptAgent *
kari_application_get_prompt_agent (KariApplication *self)
{
  return self->agent;
}

/* When the registry cannot be opened the window says why instead. */
static GtkWindow *
error_window_new (KariApplication *self,
                  const GError    *error)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (self));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *status = adw_status_page_new ();
  g_autofree char *description = g_strdup_printf (_("%s\n\nCheck that the folder is writable and "
                                                    "has free space, then start the Control Room again."),
                                                  error->message);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "dialog-error-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("The Control Room Cannot Start"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status), description);
  gtk_widget_set_vexpand (status, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), status);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 400);
  return GTK_WINDOW (window);
}

static void
kari_application_activate (GApplication *app)
{
  KariApplication *self = KARI_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autoptr(GError) error = NULL;

  if (window == NULL && self->host == NULL)
    {
      g_autofree char *tenant = g_settings_get_string (self->settings, "tenant");

      self->host = kari_app_host_new (tenant, &error);
      if (self->host != NULL)
        kari_permission_engine_set_prompt_agent (kari_app_host_get_engine (self->host), self->agent);
    }
  if (window == NULL)
    window = self->host != NULL
             ? GTK_WINDOW (kari_window_new (ADW_APPLICATION (app), self->host, self->settings))
             : error_window_new (self, error);
  gtk_window_present (window);
}

static void
on_reload (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  KariApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GError) error = NULL;

  if (self->host == NULL)
    return;
  if (!kari_app_host_reload (self->host, &error) && KARI_IS_WINDOW (window))
    {
      g_autofree char *message = g_strdup_printf (_("Could not reload the extensions: %s"), error->message);
      kari_window_add_toast (KARI_WINDOW (window), message);
    }
}

static void
on_help (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  gtk_show_uri (gtk_application_get_active_window (user_data), "help:kari-control-room", GDK_CURRENT_TIME);
}

static void
on_about (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  const char *developers[] = { "The Kari Control Room authors", NULL };
  GtkWidget *about = adw_about_window_new ();

  g_object_set (about,
                "transient-for", gtk_application_get_active_window (user_data),
                "application-name", _("Control Room"),
                "application-icon", KARI_APP_ID,
                "version", PACKAGE_VERSION,
                "developer-name", _("The Kari Control Room authors"),
                "developers", developers,
                "license-type", GTK_LICENSE_GPL_3_0,
                "comments", _("Run extensions in their own sandboxes and decide what each may do."),
                NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (user_data);

  /* Through close-request, so the window's size and page are kept. */
  if (window != NULL)
    gtk_window_close (window);
  g_application_quit (user_data);
}

static const GActionEntry app_actions[] = {
  { "reload", on_reload, NULL, NULL, NULL, { 0 } },
  { "help",   on_help,   NULL, NULL, NULL, { 0 } },
  { "about",  on_about,  NULL, NULL, NULL, { 0 } },
  { "quit",   on_quit,   NULL, NULL, NULL, { 0 } },
};

static void
kari_application_startup (GApplication *app)
{
  KariApplication *self = KARI_APPLICATION (app);
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *reload_accels[] = { "<Control>r", NULL };
  const char *help_accels[] = { "F1", NULL };

  G_APPLICATION_CLASS (kari_application_parent_class)->startup (app);

  self->settings = g_settings_new (KARI_APP_ID);
  self->agent = kari_dialog_agent_new (GTK_APPLICATION (app));
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.reload", reload_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.help", help_accels);
}

static void
kari_application_shutdown (GApplication *app)
{
  KariApplication *self = KARI_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (self->host != NULL)
    {
      kari_app_host_stop_all (self->host);
      if (!kari_app_host_close (self->host, &error))
        g_warning ("The audit log could not be written before quitting: %s", error->message);
    }
  G_APPLICATION_CLASS (kari_application_parent_class)->shutdown (app);
}

static void
kari_application_finalize (GObject *object)
{
  KariApplication *self = KARI_APPLICATION (object);

  g_clear_object (&self->host);
  g_clear_object (&self->agent);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (kari_application_parent_class)->finalize (object);
}

static void
kari_application_class_init (KariApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_application_finalize;
  G_APPLICATION_CLASS (klass)->activate = kari_application_activate;
  G_APPLICATION_CLASS (klass)->startup = kari_application_startup;
  G_APPLICATION_CLASS (klass)->shutdown = kari_application_shutdown;
}

static void
kari_application_init (KariApplication *self)
{
}
