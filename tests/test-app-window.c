/* test-app-window.c — the Control Room's real window, driven under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tests run in order on one set of temporary folders: first with no
 * extension at all, then with the bundled examples and one extension
 * declaring a page copied into $XDG_DATA_HOME/kari/extensions.
 */
#include "config.h"

#include <string.h>

#include "kari-app-private.h"
#include "kari-application.h"
#include "kari-test-app.h"
#include "kari-test-ui.h"
#include "kari-window.h"

static char *test_root;
static guint n_examples;
/* One application for the run: registered once on the private bus. */
static AdwApplication *app;
/* The private session bus. GTK keeps its own references to the session
 * bus connection until exit, so the bus is stopped at the end without
 * g_test_dbus_down(), which would wait 30 s for the connection to go,
 * and kept here (reachable) rather than unreferenced. */
static GTestDBus *bus;

typedef struct
{
  AdwApplication *app;
  KariAppHost    *host;
  GSettings      *settings;
  KariWindow     *window;
} Ui;

static void
ui_open (Ui *ui)
{
  g_autoptr(GError) error = NULL;

  ui->app = g_object_ref (app);
  ui->host = kari_app_host_new ("default", &error);
  g_assert_no_error (error);
  ui->settings = g_settings_new (KARI_APP_ID);
  ui->window = kari_window_new (ui->app, ui->host, ui->settings);
  gtk_window_present (GTK_WINDOW (ui->window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui->window)));
}

static void
ui_close (Ui *ui)
{
  gtk_window_close (GTK_WINDOW (ui->window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (ui->host);
  g_clear_object (&ui->settings);
  g_clear_object (&ui->host);
  g_clear_object (&ui->app);
}

static void
show (Ui         *ui,
      const char *page)
{
  kari_window_show_page (ui->window, page);
  kari_test_ui_settle ();
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui->window)));
  g_assert_cmpstr (kari_window_get_page (ui->window), ==, page);
}

static void
test_empty (void)
{
  Ui ui = { 0 };
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
  AdwStatusPage *status;

  ui_open (&ui);
  g_assert_cmpuint (g_list_model_get_n_items (kari_app_host_get_extensions (ui.host)), ==, 0);
  /* The sidebar has only Manage. */
  g_assert_cmpuint (kari_window_get_n_sidebar_rows (ui.window), ==, 4);

  show (&ui, "installed");
  g_assert_true (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "No Extensions"));
  /* The empty state says where to put one. */
  status = ADW_STATUS_PAGE (kari_test_ui_find (GTK_WIDGET (ui.window), ADW_TYPE_STATUS_PAGE,
                                               kari_test_ui_status_title_is, "No Extensions"));
  g_assert_nonnull (strstr (adw_status_page_get_description (status), folder));

  show (&ui, "permissions");
  g_assert_true (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "No Permissions Granted"));
  show (&ui, "activity");
  g_assert_true (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "No Activity"));
  show (&ui, "health");
  g_assert_true (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "Nothing Running"));
  ui_close (&ui);
}

#define PAGES_MANIFEST \
  "{\n" \
  "  \"name\": \"test-pages\",\n" \
  "  \"version\": \"2.1.0\",\n" \
  "  \"display_name\": \"Test Pages\",\n" \
  "  \"description\": \"Declares a page and asks for the network\",\n" \
  "  \"type\": \"addon\",\n" \
  "  \"permissions\": [\"network:http:*.example.com\", \"data:read\"],\n" \
  "  \"ui\": { \"pages\": [\n" \
  "    { \"name\": \"Overview\", \"path\": \"/overview\", \"icon\": \"view-grid-symbolic\", \"roles\": [\"user\", \"admin\"] },\n" \
  "    { \"name\": \"Audit\", \"path\": \"/audit\", \"roles\": [\"auditor\"] }\n" \
  "  ] }\n" \
  "}\n"

static void
install_examples (void)
{
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
  g_autofree char *pages = g_build_filename (folder, "test-pages", NULL);

  if (n_examples > 0)
    return;
  n_examples = kari_test_ui_copy_examples (folder);
  g_free (kari_test_write (pages, "extension.json", PAGES_MANIFEST));
  n_examples++;
}

static void
wait_for_n_shown (KariInstalledPage *page,
                  guint              n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  /* The search entry waits a moment after typing before it filters. */
  while (kari_installed_page_get_n_shown (page) != n && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_cmpuint (kari_installed_page_get_n_shown (page), ==, n);
}

static gboolean
widget_name_is (GtkWidget     *widget,
                gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static void
test_installed (void)
{
  Ui ui = { 0 };
  KariInstalledPage *page;
  GtkEditable *search;

  install_examples ();
  ui_open (&ui);
  page = KARI_INSTALLED_PAGE (kari_window_get_page_widget (ui.window, "installed"));
  show (&ui, "installed");
  g_assert_cmpuint (g_list_model_get_n_items (kari_app_host_get_extensions (ui.host)), ==, n_examples);
  g_assert_cmpuint (kari_installed_page_get_n_shown (page), ==, n_examples);
  g_assert_false (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "No Extensions"));

  /* A row per extension on screen, named after it, with its switch. */
  {
    GtkWidget *row = kari_test_ui_find (GTK_WIDGET (page), GTK_TYPE_BOX, widget_name_is, "test-pages");
    g_assert_nonnull (row);
    g_assert_true (gtk_widget_get_mapped (row));
    g_assert_nonnull (kari_test_ui_find (row, GTK_TYPE_SWITCH, NULL, NULL));
  }

  search = kari_installed_page_get_search (page);
  /* Case does not matter; title, name and description are searched. */
  gtk_editable_set_text (search, "ANALYTICS");
  wait_for_n_shown (page, 2);
  gtk_editable_set_text (search, "dashboard");
  wait_for_n_shown (page, 1);
  gtk_editable_set_text (search, "declares a page");
  wait_for_n_shown (page, 1);
  gtk_editable_set_text (search, "no such extension anywhere");
  wait_for_n_shown (page, 0);
  kari_test_ui_settle ();
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  g_assert_true (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "No Results"));
  gtk_editable_set_text (search, "");
  wait_for_n_shown (page, n_examples);
  ui_close (&ui);
}

static void
set_enabled (Ui         *ui,
             const char *name,
             gboolean    enabled)
{
  KariAppExtension *ext = kari_app_host_lookup (ui->host, name);
  gboolean done = FALSE;

  g_assert_nonnull (ext);
  kari_app_host_set_enabled_async (ui->host, ext, enabled, NULL, kari_test_app_on_enabled, &done);
  g_assert_true (kari_test_wait_for (&done, 30));
  g_assert_cmpint (kari_app_extension_get_active (ext), ==, enabled);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_extension_pages (void)
{
  Ui ui = { 0 };
  g_autoptr(GPtrArray) history = NULL;

  install_examples ();
  ui_open (&ui);
  g_assert_cmpuint (kari_window_get_n_sidebar_rows (ui.window), ==, 4);

  /* Switched on, its pages join the sidebar (the local user is admin of
   * their own tenant, which satisfies every role). */
  set_enabled (&ui, "test-pages", TRUE);
  kari_test_ui_settle ();
  g_assert_cmpuint (kari_window_get_n_sidebar_rows (ui.window), ==, 6);
  show (&ui, "ext:test-pages:/overview");
  /* It ships no pages/overview.json: the page's error state says so. */
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    while (!kari_test_ui_status_shown (GTK_WIDGET (ui.window), "This page cannot be shown")
           && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "This page cannot be shown"));
  }

  /* A page the manifest does not declare cannot be opened by name. */
  kari_window_show_page (ui.window, "ext:test-pages:/undeclared");
  g_assert_cmpstr (kari_window_get_page (ui.window), ==, "installed");

  /* The switch went through the registry, with its reason kept. */
  history = kari_registry_get_history (kari_app_host_get_registry (ui.host), "test-pages", NULL);
  g_assert_nonnull (history);
  g_assert_cmpint (((KariTransition *) g_ptr_array_index (history, history->len - 1))->to, ==, KARI_STATE_ENABLED);

  /* One whose dependencies are missing cannot be switched on, and the
   * error says what to do. */
  {
    KariAppExtension *missing = kari_app_host_lookup (ui.host, "advanced-analytics");
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (kari_app_extension_get_state (missing), ==, KARI_STATE_VALIDATED);
    kari_app_host_set_enabled_async (ui.host, missing, TRUE, NULL, store_result, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (kari_app_host_set_enabled_finish (ui.host, result, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "Reload Extensions"));
    g_assert_false (kari_app_extension_get_active (missing));
  }

  /* Switched off, the page goes, and a window showing it falls back. */
  show (&ui, "ext:test-pages:/overview");
  set_enabled (&ui, "test-pages", FALSE);
  kari_test_ui_settle ();
  g_assert_cmpuint (kari_window_get_n_sidebar_rows (ui.window), ==, 4);
  g_assert_cmpstr (kari_window_get_page (ui.window), ==, "installed");
  ui_close (&ui);
}

static gboolean
button_label_is (GtkWidget     *widget,
                 gconstpointer  label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
row_subtitle_has (GtkWidget     *widget,
                  gconstpointer  text)
{
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));

  return subtitle != NULL && strstr (subtitle, text) != NULL;
}

static void
test_details (void)
{
  Ui ui = { 0 };
  KariDetailsPage *details;
  AdwMessageDialog *confirm;
  GtkWidget *remove;
  g_autofree char *body = NULL;

  install_examples ();
  ui_open (&ui);
  kari_window_show_details (ui.window, "test-pages");
  kari_test_ui_settle ();
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  g_assert_cmpstr (kari_window_get_page (ui.window), ==, "details");
  details = KARI_DETAILS_PAGE (kari_window_get_page_widget (ui.window, "details"));
  g_assert_true (kari_details_page_get_extension (details) == kari_app_host_lookup (ui.host, "test-pages"));

  /* In the person's own folder, it can be removed. */
  remove = kari_test_ui_find (GTK_WIDGET (details), GTK_TYPE_BUTTON, button_label_is, "_Remove…");
  g_assert_nonnull (remove);
  g_assert_true (gtk_widget_get_sensitive (remove));

  /* Its permissions are listed, with the network one not granted. */
  g_assert_nonnull (kari_test_ui_find (GTK_WIDGET (details), ADW_TYPE_ACTION_ROW, row_subtitle_has,
                                       "network:http:*.example.com"));

  /* The confirmation names the folder that would go. */
  confirm = kari_details_page_confirm_remove (details);
  g_object_get (confirm, "body", &body, NULL);
  g_assert_nonnull (strstr (body, "test-pages"));
  gtk_window_destroy (GTK_WINDOW (confirm));

  ui_close (&ui);
}

typedef struct
{
  gboolean    done;
  KariVerdict verdict;
} Checked;

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Checked *checked = user_data;
  g_auto(KariCheckResult) check_result = { 0 };
  g_autoptr(GError) error = NULL;

  checked->verdict = kari_permission_engine_check_finish (KARI_PERMISSION_ENGINE (source), result,
                                                          &check_result, &error);
  g_assert_no_error (error);
  checked->done = TRUE;
}

static void
test_prompt (void)
{
  Ui ui = { 0 };
  g_autoptr(KariPromptAgent) agent = NULL;
  KariPermissionEngine *engine;
  KariCheck check = { "default", NULL, "test-pages", "network:http:api.example.com" };
  Checked checked = { FALSE, KARI_VERDICT_DENY };
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  gint64 deadline;

  install_examples ();
  ui_open (&ui);
  agent = kari_dialog_agent_new (GTK_APPLICATION (ui.app));
  engine = kari_app_host_get_engine (ui.host);
  kari_permission_engine_set_prompt_agent (engine, agent);

  /* The balanced policy asks for the network. */
  kari_permission_engine_check_async (engine, &check, NULL, on_checked, &checked);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (kari_dialog_agent_get_dialog (KARI_DIALOG_AGENT (agent)) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  dialog = kari_dialog_agent_get_dialog (KARI_DIALOG_AGENT (agent));
  g_assert_nonnull (dialog);
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (ui.window));

  /* It names the extension, the permission in words and the resource,
   * and offers every scope. */
  g_object_get (dialog, "heading", &heading, "body", &body, NULL);
  g_assert_nonnull (strstr (heading, "Test Pages"));
  g_assert_nonnull (strstr (body, "network:http:api.example.com"));
  g_assert_nonnull (strstr (body, "api.example.com"));
  for (guint i = 0; i < 5; i++)
    {
      const char *ids[] = { "deny", "once", "hour", "session", "always" };
      g_assert_true (adw_message_dialog_has_response (dialog, ids[i]));
    }
  g_assert_false (checked.done);

  adw_message_dialog_response (dialog, "session");
  g_assert_true (kari_test_wait_for (&checked.done, 10));
  g_assert_cmpint (checked.verdict, ==, KARI_VERDICT_ALLOW);
  g_assert_cmpuint (kari_dialog_agent_get_n_prompts (KARI_DIALOG_AGENT (agent)), ==, 1);

  /* A session grant, listed on the Permissions page at once. */
  grants = kari_grant_store_list (kari_permission_engine_get_grants (engine), "test-pages", "default");
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_cmpint (((KariGrant *) g_ptr_array_index (grants, 0))->scope, ==, KARI_SCOPE_SESSION);
  show (&ui, "permissions");
  g_assert_false (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "No Permissions Granted"));

  /* And the decision is on the Activity page. */
  show (&ui, "activity");
  g_assert_false (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "No Activity"));
  g_assert_cmpuint (kari_activity_page_get_n_shown (KARI_ACTIVITY_PAGE (kari_window_get_page_widget (ui.window, "activity"))),
                    >, 0);

  /* A second ask is answered by the grant, without a dialog. */
  checked.done = FALSE;
  kari_permission_engine_check_async (engine, &check, NULL, on_checked, &checked);
  g_assert_true (kari_test_wait_for (&checked.done, 10));
  g_assert_cmpint (checked.verdict, ==, KARI_VERDICT_ALLOW);
  g_assert_cmpuint (kari_dialog_agent_get_n_prompts (KARI_DIALOG_AGENT (agent)), ==, 1);

  kari_permission_engine_set_prompt_agent (engine, NULL);
  ui_close (&ui);
}

static void
test_prompt_closed_is_deny (void)
{
  Ui ui = { 0 };
  g_autoptr(KariPromptAgent) agent = NULL;
  KariPermissionEngine *engine;
  KariCheck check = { "default", NULL, "test-pages", "network:http:other.example.com" };
  Checked checked = { FALSE, KARI_VERDICT_ALLOW };
  gint64 deadline;

  install_examples ();
  ui_open (&ui);
  agent = kari_dialog_agent_new (GTK_APPLICATION (ui.app));
  engine = kari_app_host_get_engine (ui.host);
  /* Revoked from the previous test's session grant, so the engine asks. */
  g_assert_true (kari_permission_engine_revoke (engine, kari_app_host_get_user (ui.host), "default",
                                                "test-pages", NULL, NULL, NULL, NULL));
  kari_permission_engine_set_prompt_agent (engine, agent);
  kari_permission_engine_check_async (engine, &check, NULL, on_checked, &checked);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (kari_dialog_agent_get_dialog (KARI_DIALOG_AGENT (agent)) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (kari_dialog_agent_get_dialog (KARI_DIALOG_AGENT (agent)));
  gtk_window_close (GTK_WINDOW (kari_dialog_agent_get_dialog (KARI_DIALOG_AGENT (agent))));
  g_assert_true (kari_test_wait_for (&checked.done, 10));
  g_assert_cmpint (checked.verdict, ==, KARI_VERDICT_DENY);
  kari_permission_engine_set_prompt_agent (engine, NULL);
  ui_close (&ui);
}

static gboolean
switch_of_row_with (GtkWidget     *widget,
                    gconstpointer  text)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW);
  const char *subtitle = row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;

  return subtitle != NULL && strstr (subtitle, text) != NULL;
}

static guint
n_grants (KariAppHost *host,
          const char  *extension)
{
  g_autoptr(GPtrArray) grants = kari_grant_store_list (kari_permission_engine_get_grants (kari_app_host_get_engine (host)),
                                                       extension, "default");
  return grants->len;
}

static void
on_ext_exited (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Runs the real kari-ext while the main loop turns, as it may ask this
 * very app over the bus */
static void
run_ext (const char *command,
         const char *permission)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) ext = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                 &error, g_getenv ("KARI_EXT"), command, "test-pages",
                                                 permission, NULL);
  gboolean exited = FALSE;

  g_assert_no_error (error);
  g_subprocess_wait_async (ext, NULL, on_ext_exited, &exited);
  g_assert_true (kari_test_wait_for (&exited, 60));
  g_assert_true (g_subprocess_get_if_exited (ext));
  g_assert_cmpint (g_subprocess_get_exit_status (ext), ==, 0);
}

/* Whether the Permissions page comes to say it has no grant (or some),
 * with no help from the test; only bounded so a failure cannot hang */
static gboolean
wait_page_empty (Ui       *ui,
                 gboolean  empty)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      gboolean shown;

      kari_test_ui_settle ();
      g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui->window)));
      shown = kari_test_ui_status_shown (GTK_WIDGET (ui->window), "No Permissions Granted");
      if (shown == empty)
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (10000);
    }
}

/* Whether the details' switch of the network permission comes to be
 * @active by itself; bounded so a failure cannot hang */
static gboolean
wait_switch (Ui       *ui,
             gboolean  active)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      GtkWidget *toggle;

      kari_test_ui_settle ();
      toggle = kari_test_ui_find (kari_window_get_page_widget (ui->window, "details"), GTK_TYPE_SWITCH,
                                  switch_of_row_with, "network:http:*.example.com");
      if (toggle != NULL && gtk_switch_get_active (GTK_SWITCH (toggle)) == active)
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (10000);
    }
}

static void
test_manage_permissions (void)
{
  Ui ui = { 0 };
  GtkWidget *details, *toggle, *permissions, *revoke, *policy_row;
  KariPermissionEngine *engine;
  KariCheck check = { "default", NULL, "test-pages", "network:http:api.example.com" };
  g_auto(KariCheckResult) result = { 0 };

  install_examples ();
  ui_open (&ui);
  engine = kari_app_host_get_engine (ui.host);
  g_assert_true (kari_permission_engine_revoke (engine, kari_app_host_get_user (ui.host), "default",
                                                "test-pages", NULL, NULL, NULL, NULL));

  /* The switch of a declared permission grants it, always. */
  kari_window_show_details (ui.window, "test-pages");
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  details = kari_window_get_page_widget (ui.window, "details");
  toggle = kari_test_ui_find (details, GTK_TYPE_SWITCH, switch_of_row_with, "network:http:*.example.com");
  g_assert_nonnull (toggle);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  g_assert_cmpuint (n_grants (ui.host, "test-pages"), ==, 1);
  g_assert_cmpint (kari_permission_engine_check (engine, &check, &result), ==, KARI_VERDICT_ALLOW);
  kari_check_result_clear (&result);

  /* The Permissions page lists it and revokes it: the next check no
   * longer finds a grant. */
  show (&ui, "permissions");
  permissions = kari_window_get_page_widget (ui.window, "permissions");
  revoke = kari_test_ui_find (permissions, GTK_TYPE_BUTTON, button_label_is, "_Revoke");
  g_assert_nonnull (revoke);
  g_signal_emit_by_name (revoke, "clicked");
  g_assert_cmpuint (n_grants (ui.host, "test-pages"), ==, 0);
  g_assert_cmpint (kari_permission_engine_check (engine, &check, &result), ==, KARI_VERDICT_ASK);
  kari_check_result_clear (&result);
  kari_test_ui_settle ();
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  g_assert_true (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "No Permissions Granted"));

  /* Granted and revoked by another program while the app runs: the
   * page follows by itself, and checks count it at once. */
  run_ext ("grant", "network:http:*.example.com");
  g_assert_cmpint (kari_permission_engine_check (engine, &check, &result), ==, KARI_VERDICT_ALLOW);
  kari_check_result_clear (&result);
  g_assert_true (wait_page_empty (&ui, FALSE));
  run_ext ("revoke", "network:http:*.example.com");
  g_assert_cmpint (kari_permission_engine_check (engine, &check, &result), ==, KARI_VERDICT_ASK);
  kari_check_result_clear (&result);
  g_assert_true (wait_page_empty (&ui, TRUE));

  /* The policy row puts another built-in policy in force. */
  policy_row = kari_test_ui_find (permissions, ADW_TYPE_COMBO_ROW, NULL, NULL);
  g_assert_cmpstr (kari_policy_get_name (kari_permission_engine_get_policy (engine)), ==, "balanced");
  for (guint i = 0; kari_policy_builtin_names ()[i] != NULL; i++)
    if (g_str_equal (kari_policy_builtin_names ()[i], "strict"))
      adw_combo_row_set_selected (ADW_COMBO_ROW (policy_row), i);
  g_assert_cmpstr (kari_policy_get_name (kari_permission_engine_get_policy (engine)), ==, "strict");
  for (guint i = 0; kari_policy_builtin_names ()[i] != NULL; i++)
    if (g_str_equal (kari_policy_builtin_names ()[i], "balanced"))
      adw_combo_row_set_selected (ADW_COMBO_ROW (policy_row), i);
  g_assert_cmpstr (kari_policy_get_name (kari_permission_engine_get_policy (engine)), ==, "balanced");

  /* The details' switches follow another program's grant and revoke */
  kari_window_show_details (ui.window, "test-pages");
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  run_ext ("grant", "network:http:*.example.com");
  g_assert_true (wait_switch (&ui, TRUE));
  run_ext ("revoke", "network:http:*.example.com");
  g_assert_true (wait_switch (&ui, FALSE));
  ui_close (&ui);
}

static void
test_activity_export (void)
{
  Ui ui = { 0 };
  KariActivityPage *activity;
  g_autofree char *csv_path = g_build_filename (test_root, "activity.csv", NULL);
  g_autofree char *json_path = g_build_filename (test_root, "activity.jsonl", NULL);
  g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
  g_autoptr(GFile) json = g_file_new_for_path (json_path);
  g_autoptr(GFile) nowhere = g_file_new_for_path ("/proc/kari-no-such-dir/activity.csv");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  GtkEditable *filter;

  install_examples ();
  ui_open (&ui);
  show (&ui, "activity");
  activity = KARI_ACTIVITY_PAGE (kari_window_get_page_widget (ui.window, "activity"));
  g_assert_cmpuint (kari_activity_page_get_n_shown (activity), >, 0);

  /* Filtered to an extension with no activity: the empty state says
   * how to widen the filters. */
  filter = GTK_EDITABLE (kari_test_ui_find (GTK_WIDGET (activity), GTK_TYPE_SEARCH_ENTRY, NULL, NULL));
  gtk_editable_set_text (filter, "quick-notes");
  kari_activity_page_reload (activity);
  g_assert_cmpuint (kari_activity_page_get_n_shown (activity), ==, 0);
  gtk_editable_set_text (filter, "test-pages");
  kari_activity_page_reload (activity);
  g_assert_cmpuint (kari_activity_page_get_n_shown (activity), >, 0);

  /* The export writes what the filters select. */
  g_assert_true (kari_activity_page_export_to (activity, csv, KARI_AUDIT_FORMAT_CSV, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "id,time,kind,extension"));
  g_assert_nonnull (strstr (contents, "test-pages"));
  g_assert_null (strstr (contents, "quick-notes"));
  g_clear_pointer (&contents, g_free);
  g_assert_true (kari_activity_page_export_to (activity, json, KARI_AUDIT_FORMAT_JSON_LINES, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (json_path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "{"));

  /* A folder that cannot be written is an error saying so. */
  g_assert_false (kari_activity_page_export_to (activity, nowhere, KARI_AUDIT_FORMAT_CSV, &error));
  g_assert_nonnull (error);
  ui_close (&ui);
}

static void
test_prompt_timeout (void)
{
  Ui ui = { 0 };
  g_autoptr(KariPromptAgent) agent = NULL;
  KariPermissionEngine *engine;
  KariCheck check = { "default", NULL, "test-pages", "network:http:slow.example.com" };
  Checked checked = { FALSE, KARI_VERDICT_ALLOW };
  gint64 deadline;

  install_examples ();
  ui_open (&ui);
  agent = kari_dialog_agent_new (GTK_APPLICATION (ui.app));
  engine = kari_app_host_get_engine (ui.host);
  g_assert_true (kari_permission_engine_revoke (engine, kari_app_host_get_user (ui.host), "default",
                                                "test-pages", NULL, NULL, NULL, NULL));
  kari_permission_engine_set_prompt_agent (engine, agent);
  kari_permission_engine_set_prompt_timeout (engine, 300);

  /* Nobody answers: the engine gives up, the answer is a refusal and
   * the dialog goes away by itself. */
  kari_permission_engine_check_async (engine, &check, NULL, on_checked, &checked);
  g_assert_true (kari_test_wait_for (&checked.done, 20));
  g_assert_cmpint (checked.verdict, ==, KARI_VERDICT_DENY);
  g_assert_cmpuint (kari_dialog_agent_get_n_prompts (KARI_DIALOG_AGENT (agent)), ==, 1);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (kari_dialog_agent_get_dialog (KARI_DIALOG_AGENT (agent)) != NULL && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_null (kari_dialog_agent_get_dialog (KARI_DIALOG_AGENT (agent)));

  kari_permission_engine_set_prompt_agent (engine, NULL);
  ui_close (&ui);
}

static void
test_reload (void)
{
  Ui ui = { 0 };
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
  g_autofree char *late = NULL;
  g_autoptr(GError) error = NULL;
  KariInstalledPage *page;
  KariAppExtension *kept;

  install_examples ();
  ui_open (&ui);
  page = KARI_INSTALLED_PAGE (kari_window_get_page_widget (ui.window, "installed"));
  show (&ui, "installed");
  kept = kari_app_host_lookup (ui.host, "test-pages");
  g_assert_cmpuint (kari_installed_page_get_n_shown (page), ==, n_examples);

  /* A folder put there while the window is open shows after a reload;
   * the objects of those already there are kept. */
  late = kari_test_write_extension (folder, "late-comer", "late-comer", "0.1.0", "\"display_name\": \"Late Comer\"");
  g_assert_true (kari_app_host_reload (ui.host, &error));
  g_assert_no_error (error);
  kari_test_ui_settle ();
  g_assert_cmpuint (kari_installed_page_get_n_shown (page), ==, n_examples + 1);
  g_assert_nonnull (kari_app_host_lookup (ui.host, "late-comer"));
  g_assert_true (kari_app_host_lookup (ui.host, "test-pages") == kept);

  /* Its folder deleted, it goes at the next reload. */
  kari_test_rm_rf (late);
  g_assert_true (kari_app_host_reload (ui.host, &error));
  g_assert_no_error (error);
  kari_test_ui_settle ();
  g_assert_cmpuint (kari_installed_page_get_n_shown (page), ==, n_examples);
  g_assert_null (kari_app_host_lookup (ui.host, "late-comer"));
  ui_close (&ui);
}

static void
test_settings (void)
{
  Ui ui = { 0 };
  g_autoptr(GSettings) settings = g_settings_new (KARI_APP_ID);
  int width = 0, height = 0;

  install_examples ();
  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 700);
  g_settings_set_string (settings, "last-page", "activity");
  ui_open (&ui);
  gtk_window_get_default_size (GTK_WINDOW (ui.window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 700);
  g_assert_cmpstr (kari_window_get_page (ui.window), ==, "activity");

  /* Closing keeps the page it was on. */
  show (&ui, "health");
  ui_close (&ui);
  {
    g_autofree char *last = g_settings_get_string (settings, "last-page");
    g_assert_cmpstr (last, ==, "health");
  }
  /* A page that is not there any more opens Installed. */
  g_settings_set_string (settings, "last-page", "ext:gone:/away");
  ui_open (&ui);
  g_assert_cmpstr (kari_window_get_page (ui.window), ==, "installed");
  ui_close (&ui);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  kari_test_gtk_ensure_display (argc, argv);
  test_root = g_dir_make_tmp ("kari-app-window-XXXXXX", &error);
  g_assert_no_error (error);
  kari_test_ui_setup_env (test_root);

  g_test_init (&argc, &argv, NULL);
  app = kari_test_ui_app_start (KARI_APP_ID, &bus);

  g_test_add_func ("/app/window/empty", test_empty);
  g_test_add_func ("/app/window/installed", test_installed);
  g_test_add_func ("/app/window/extension-pages", test_extension_pages);
  g_test_add_func ("/app/window/details", test_details);
  g_test_add_func ("/app/prompt/answered", test_prompt);
  g_test_add_func ("/app/prompt/closed-is-deny", test_prompt_closed_is_deny);
  g_test_add_func ("/app/prompt/timeout", test_prompt_timeout);
  g_test_add_func ("/app/window/manage-permissions", test_manage_permissions);
  g_test_add_func ("/app/window/activity-export", test_activity_export);
  g_test_add_func ("/app/window/reload", test_reload);
  g_test_add_func ("/app/window/settings", test_settings);
  status = g_test_run ();

  g_clear_object (&app);
  g_test_dbus_stop (bus);
  kari_test_rm_rf (test_root);
  g_free (test_root);
  return status;
}
