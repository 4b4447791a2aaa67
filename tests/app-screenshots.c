/* app-screenshots.c — renders each main view of the Control Room to PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by `meson test app-screenshots` (under Xvfb, started by the
 * program itself when there is no display): the real window, on the
 * bundled examples with a few grants and decisions, each view drawn by
 * the window's own renderer into KARI_SCREENSHOT_DIR (the build's
 * tests/screenshots). The best of them are copied by hand into
 * docs/screenshots/ for the README and the metainfo.
 */
#include "config.h"

#include "kari-app-private.h"
#include "kari-test-ui.h"
#include "kari-window.h"

static GTestDBus *bus;

/* Draws @widget with its window's renderer into @dir/@name.png. */
static void
save_png (GtkWidget  *widget,
          GtkNative  *native,
          const char *dir,
          const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (native), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_print ("%s\n", path);
}

static void
shoot (KariWindow *window,
       const char *page,
       const char *dir,
       const char *name)
{
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));

  if (page != NULL)
    kari_window_show_page (window, page);
  /* Let the crossfade finish and the lists fill. */
  for (int i = 0; i < 30; i++)
    {
      kari_test_ui_settle ();
      g_usleep (10000);
    }
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  save_png (content, GTK_NATIVE (window), dir, name);
}

/* Some grants and decisions, so the Permissions and Activity views
 * have something to show. */
static void
populate (KariAppHost *host)
{
  KariPermissionEngine *engine = kari_app_host_get_engine (host);
  const char *grants[][2] = {
    { "data-exporter", "filesystem:write:~/Documents/Kari/**" },
    { "user-management", "system:logs" },
    { "text-assistant", "plugin:execute:hf_llm" },
  };
  const char *checks[][2] = {
    { "quick-notes", "data:read" },
    { "user-management", "notifications" },
    { "data-exporter", "extension:call:advanced-analytics/reports" },
    { "hello-python", "notifications" },
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (grants); i++)
    {
      g_autoptr(KariGrant) grant = kari_permission_engine_grant (engine, kari_app_host_get_user (host), "default",
                                                                 grants[i][0], NULL, grants[i][1],
                                                                 KARI_SCOPE_PERSISTENT, 0, &error);
      if (grant == NULL)
        g_printerr ("not granted: %s\n", error->message);
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      KariCheck check = { "default", NULL, checks[i][0], checks[i][1] };
      g_auto(KariCheckResult) result = { 0 };

      kari_permission_engine_check (engine, &check, &result);
    }
}

static void
on_enabled (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kari_app_host_set_enabled_finish (KARI_APP_HOST (source), result, &error))
    g_printerr ("not switched on: %s\n", error->message);
  *(gboolean *) user_data = TRUE;
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_auto(KariCheckResult) check_result = { 0 };

  kari_permission_engine_check_finish (KARI_PERMISSION_ENGINE (source), result, &check_result, NULL);
  *(gboolean *) user_data = TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *folder = NULL;
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(KariAppHost) host = NULL;
  g_autoptr(GSettings) settings = NULL;
  const char *dir = g_getenv ("KARI_SCREENSHOT_DIR");
  KariWindow *window;
  gboolean done = FALSE;

  kari_test_gtk_ensure_display (argc, argv);
  if (dir == NULL)
    dir = ".";
  g_mkdir_with_parents (dir, 0755);
  root = g_dir_make_tmp ("kari-screenshots-XXXXXX", &error);
  g_assert_no_error (error);
  kari_test_ui_setup_env (root);
  app = kari_test_ui_app_start (KARI_APP_ID, &bus);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  settings = g_settings_new (KARI_APP_ID);
  g_settings_set_int (settings, "window-width", 1100);
  g_settings_set_int (settings, "window-height", 720);

  /* The empty state first, then the examples. */
  host = kari_app_host_new ("default", &error);
  g_assert_no_error (error);
  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));
  shoot (window, "installed", dir, "empty");
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&host);

  folder = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
  kari_test_ui_copy_examples (folder);
  host = kari_app_host_new ("default", &error);
  g_assert_no_error (error);
  populate (host);
  kari_app_host_set_enabled_async (host, kari_app_host_lookup (host, "quick-notes"), TRUE, NULL, on_enabled, &done);
  kari_test_wait_for (&done, 10);
  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));

  shoot (window, "installed", dir, "installed");
  kari_window_show_details (window, "user-management");
  shoot (window, NULL, dir, "details");
  shoot (window, "permissions", dir, "permissions");
  shoot (window, "activity", dir, "activity");
  shoot (window, "health", dir, "health");
  shoot (window, "ext:quick-notes:/notes", dir, "extension-page");

  /* A permission prompt over the window, as the broker's check raises
   * it; answered with Deny once drawn. */
  {
    g_autoptr(KariPromptAgent) agent = kari_dialog_agent_new (GTK_APPLICATION (app));
    KariPermissionEngine *engine = kari_app_host_get_engine (host);
    KariCheck check = { "default", NULL, "text-assistant", "model:inference:summarise-small" };
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    AdwMessageDialog *dialog;
    gboolean answered = FALSE;

    kari_window_show_page (window, "installed");
    kari_permission_engine_set_prompt_agent (engine, agent);
    kari_permission_engine_check_async (engine, &check, NULL, on_checked, &answered);
    while ((dialog = kari_dialog_agent_get_dialog (KARI_DIALOG_AGENT (agent))) == NULL)
      {
        if (g_get_monotonic_time () > deadline)
          g_error ("the engine never asked");
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (1000);
      }
    for (int i = 0; i < 30; i++)
      {
        kari_test_ui_settle ();
        g_usleep (10000);
      }
    g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (dialog)));
    save_png (GTK_WIDGET (dialog), GTK_NATIVE (dialog), dir, "prompt");
    adw_message_dialog_response (dialog, "deny");
    kari_test_wait_for (&answered, 10);
    kari_permission_engine_set_prompt_agent (engine, NULL);
  }

  /* An extension's preferences, generated from its config.schema. */
  {
    GtkWidget *preferences;

    /* One setting of each kind; added for this view only. */
    g_free (kari_test_write_extension (folder, "support-desk", "support-desk", "1.2.0",
      "\"display_name\": \"Support Desk\", \"type\": \"integration\",\n"
      "  \"config\": { \"schema\": { \"type\": \"object\", \"properties\": {\n"
      "    \"mailbox\": { \"type\": \"string\", \"title\": \"Mailbox\", \"format\": \"email\", \"default\": \"help@example.com\" },\n"
      "    \"api_token\": { \"type\": \"string\", \"title\": \"API Token\", \"writeOnly\": true },\n"
      "    \"auto_reply\": { \"type\": \"boolean\", \"title\": \"Automatic Replies\", \"description\": \"Acknowledge each new ticket\", \"default\": true },\n"
      "    \"priority\": { \"title\": \"Default Priority\", \"oneOf\": [ { \"const\": \"low\", \"title\": \"Low\" }, { \"const\": \"normal\", \"title\": \"Normal\" }, { \"const\": \"urgent\", \"title\": \"Urgent\" } ], \"default\": \"normal\" },\n"
      "    \"sla\": { \"type\": \"object\", \"title\": \"Service Level\", \"description\": \"When tickets escalate\", \"properties\": {\n"
      "      \"first_response_hours\": { \"type\": \"integer\", \"title\": \"First Response (hours)\", \"minimum\": 1, \"maximum\": 72, \"default\": 4 },\n"
      "      \"escalate\": { \"type\": \"boolean\", \"title\": \"Escalate When Late\", \"default\": false } } } } } }"));
    g_assert_true (kari_app_host_reload (host, &error));
    kari_window_show_details (window, "support-desk");
    kari_test_ui_settle ();
    preferences = kari_details_page_open_preferences (KARI_DETAILS_PAGE (kari_window_get_page_widget (window, "details")));
    g_assert_nonnull (preferences);
    gtk_window_set_default_size (GTK_WINDOW (preferences), 640, 640);
    gtk_window_set_focus (GTK_WINDOW (preferences), NULL);
    for (int i = 0; i < 30; i++)
      {
        kari_test_ui_settle ();
        g_usleep (10000);
      }
    g_assert_true (kari_test_ui_wait_for_frame (preferences));
    save_png (preferences, GTK_NATIVE (preferences), dir, "preferences");
    gtk_window_destroy (GTK_WINDOW (preferences));
  }

  /* Manage Tenants, with a second tenant. */
  {
    g_autoptr(KariTenant) acme = kari_registry_create_tenant (kari_app_host_get_registry (host), "acme",
                                                              "Acme Corp", NULL);
    GtkWidget *tenants;

    kari_window_show_page (window, "installed");
    tenants = kari_window_manage_tenants (window);
    gtk_window_set_focus (GTK_WINDOW (tenants), NULL);
    for (int i = 0; i < 30; i++)
      {
        kari_test_ui_settle ();
        g_usleep (10000);
      }
    g_assert_true (kari_test_ui_wait_for_frame (tenants));
    save_png (tenants, GTK_NATIVE (tenants), dir, "tenants");
    gtk_window_destroy (GTK_WINDOW (tenants));
  }

  /* The narrow, folded layout. */
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 720);
  kari_window_show_page (window, "installed");
  shoot (window, NULL, dir, "narrow");

  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (host);
  g_clear_object (&host);
  g_clear_object (&app);
  g_test_dbus_stop (bus);
  kari_test_rm_rf (root);
  return 0;
}
