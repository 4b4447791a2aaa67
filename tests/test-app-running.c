/* test-app-running.c — the Control Room switching a real sandboxed
 * extension on and off, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The switch of the Installed list starts supervisor-ext in its bwrap
 * sandbox under the host's supervisor; Health lists it, its details
 * follow its log, and the switch stops it again.
 */
#include "config.h"

#include <string.h>

#include "kari-app-private.h"
#include "kari-test-sandbox.h"
#include "kari-test-app.h"
#include "kari-test-ui.h"
#include "kari-window.h"

static GTestDBus *bus;
static AdwApplication *app;

static gboolean
widget_name_is (GtkWidget     *widget,
                gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static gboolean
wait_for_state (KariAppExtension *ext,
                KariState         state,
                guint             seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (kari_app_extension_get_state (ext) != state && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  return kari_app_extension_get_state (ext) == state;
}

static char *
dup_log_text (GtkWidget *details)
{
  GtkWidget *view = kari_test_ui_find (details, GTK_TYPE_TEXT_VIEW, NULL, NULL);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
test_switch_on_and_off (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAppHost) host = kari_app_host_new ("default", &error);
  g_autoptr(GSettings) settings = g_settings_new (KARI_APP_ID);
  g_autoptr(KariRegistryEntry) entry = NULL;
  KariAppExtension *ext;
  KariWindow *window;
  GtkWidget *installed, *row, *toggle, *health, *details;
  gint64 deadline;

  g_assert_no_error (error);
  g_settings_set_string (settings, "last-page", "installed");
  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  ext = kari_app_host_lookup (host, "sup-hello");
  g_assert_nonnull (ext);
  g_assert_false (kari_app_extension_get_active (ext));

  /* A person flips the switch in its row. */
  installed = kari_window_get_page_widget (window, "installed");
  row = kari_test_ui_find (installed, GTK_TYPE_BOX, widget_name_is, "sup-hello");
  g_assert_nonnull (row);
  toggle = kari_test_ui_find (row, GTK_TYPE_SWITCH, NULL, NULL);
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  g_assert_true (wait_for_state (ext, KARI_STATE_RUNNING, 60));
  g_assert_nonnull (kari_app_extension_get_supervisor (ext));
  g_assert_cmpint (kari_supervisor_get_pid (kari_app_extension_get_supervisor (ext)), >, 0);
  g_assert_true (gtk_switch_get_state (GTK_SWITCH (toggle)));

  /* Health lists it. */
  kari_window_show_page (window, "health");
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  health = kari_window_get_page_widget (window, "health");
  g_assert_nonnull (kari_test_ui_find (health, ADW_TYPE_ACTION_ROW, widget_name_is, "sup-hello"));
  g_assert_false (kari_test_ui_status_shown (GTK_WIDGET (window), "Nothing Running"));

  /* Its details follow its log as it writes. */
  kari_window_show_details (window, "sup-hello");
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  details = kari_window_get_page_widget (window, "details");
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *text = dup_log_text (details);

      if (strstr (text, "over the broker") != NULL)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("the log never showed the extension's line:\n%s", text);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }

  /* The graphs draw its samples, one a second. */
  {
    KariUsageGraph *memory = KARI_USAGE_GRAPH (kari_test_ui_find (details, KARI_TYPE_USAGE_GRAPH, NULL, NULL));

    deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    while (kari_usage_graph_get_n_values (memory) < 2 && g_get_monotonic_time () < deadline)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    g_assert_cmpuint (kari_usage_graph_get_n_values (memory), >=, 2);
  }

  /* Switched off, it stops, and the registry says it was switched off. */
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  g_assert_true (wait_for_state (ext, KARI_STATE_DISABLED, 60));
  g_assert_null (kari_app_extension_get_supervisor (ext));
  g_assert_false (gtk_switch_get_state (GTK_SWITCH (toggle)));
  entry = kari_registry_lookup (kari_app_host_get_registry (host), "sup-hello", &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry->state, ==, KARI_STATE_DISABLED);

  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (host);
}

static gboolean
row_title_has (GtkWidget     *widget,
               gconstpointer  text)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

  return title != NULL && strstr (title, text) != NULL;
}

static void
test_crash_loop (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAppHost) host = kari_app_host_new ("default", &error);
  g_autoptr(GSettings) settings = g_settings_new (KARI_APP_ID);
  KariAppExtension *ext;
  KariSupervisor *supervisor;
  KariWindow *window;
  GtkWidget *health;
  gboolean enabled = FALSE;

  g_assert_no_error (error);
  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  ext = kari_app_host_lookup (host, "sup-crash");
  g_assert_nonnull (ext);

  /* It crashes after each handshake; two crashes make a loop here. */
  kari_app_host_set_enabled_async (host, ext, TRUE, NULL, kari_test_app_on_enabled, &enabled);
  supervisor = kari_app_extension_get_supervisor (ext);
  g_assert_nonnull (supervisor);
  kari_supervisor_set_backoff (supervisor, 50, 100);
  kari_supervisor_set_crash_loop (supervisor, 2, 60000);
  g_assert_true (kari_test_wait_for (&enabled, 10));
  g_assert_true (wait_for_state (ext, KARI_STATE_DISABLED, 60));
  g_assert_false (kari_app_extension_get_active (ext));

  /* Health shows the alert, with the reason. */
  g_assert_cmpuint (kari_app_host_get_alerts (host)->len, ==, 1);
  kari_window_show_page (window, "health");
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  health = kari_window_get_page_widget (window, "health");
  g_assert_nonnull (kari_test_ui_find (health, ADW_TYPE_ACTION_ROW, row_title_has, "crashing repeatedly"));
  g_assert_false (kari_test_ui_status_shown (GTK_WIDGET (window), "Nothing Running"));

  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (host);
}

static void
on_tenant_changed (KariAppHost *host,
                   const char  *tenant,
                   gboolean    *changed)
{
  *changed = TRUE;
}

/* A running extension is stopped when the window switches tenant (it
 * runs on the old tenant's data) and starts again in the new one, where
 * it is on too. */
static void
test_switch_tenant_restarts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAppHost) host = kari_app_host_new ("default", &error);
  g_autoptr(GSettings) settings = g_settings_new (KARI_APP_ID);
  g_autoptr(KariTenant) acme = NULL;
  g_autoptr(KariSupervisor) before = NULL;
  KariAppExtension *ext;
  KariWindow *window;
  gboolean enabled = FALSE, changed = FALSE;

  g_assert_no_error (error);
  acme = kari_registry_create_tenant (kari_app_host_get_registry (host), "acme", "Acme", &error);
  g_assert_no_error (error);
  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  ext = kari_app_host_lookup (host, "sup-hello");
  kari_app_host_set_enabled_async (host, ext, TRUE, NULL, kari_test_app_on_enabled, &enabled);
  g_assert_true (kari_test_wait_for (&enabled, 10));
  g_assert_true (wait_for_state (ext, KARI_STATE_RUNNING, 60));
  before = g_object_ref (kari_app_extension_get_supervisor (ext));

  g_signal_connect (host, "tenant-changed", G_CALLBACK (on_tenant_changed), &changed);
  kari_window_set_tenant (window, "acme");
  g_assert_true (kari_test_wait_for (&changed, 60));
  g_assert_cmpstr (kari_app_host_get_tenant (host), ==, "acme");
  g_assert_true (wait_for_state (ext, KARI_STATE_RUNNING, 60));
  g_assert_nonnull (kari_app_extension_get_supervisor (ext));
  g_assert_true (kari_app_extension_get_supervisor (ext) != before);
  g_assert_cmpint (kari_supervisor_get_state (before), !=, KARI_STATE_RUNNING);

  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (host);
}

/* Removing a running extension stops it first, then removes it. */
static void
test_remove_running (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAppHost) host = kari_app_host_new ("default", &error);
  g_autoptr(GSettings) settings = g_settings_new (KARI_APP_ID);
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "kari", "extensions", "sup-doomed", NULL);
  g_autoptr(KariSupervisor) supervisor = NULL;
  KariAppExtension *ext;
  KariWindow *window;
  KariDetailsPage *details;
  gboolean enabled = FALSE;
  gint64 deadline;

  g_assert_no_error (error);
  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  ext = kari_app_host_lookup (host, "sup-doomed");
  g_assert_nonnull (ext);
  kari_app_host_set_enabled_async (host, ext, TRUE, NULL, kari_test_app_on_enabled, &enabled);
  g_assert_true (kari_test_wait_for (&enabled, 10));
  g_assert_true (wait_for_state (ext, KARI_STATE_RUNNING, 60));
  supervisor = g_object_ref (kari_app_extension_get_supervisor (ext));

  kari_window_show_details (window, "sup-doomed");
  kari_test_ui_settle ();
  details = KARI_DETAILS_PAGE (kari_window_get_page_widget (window, "details"));
  adw_message_dialog_response (kari_details_page_confirm_remove (details), "remove");
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (kari_app_host_lookup (host, "sup-doomed") != NULL && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  g_assert_null (kari_app_host_lookup (host, "sup-doomed"));
  g_assert_cmpint (kari_supervisor_get_state (supervisor), !=, KARI_STATE_RUNNING);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  g_assert_null (kari_registry_lookup (kari_app_host_get_registry (host), "sup-doomed", NULL));

  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (host);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *extensions = NULL;
  int status;

  root = kari_test_ui_setup_sandbox_env (argc, argv, "kari-app-running-XXXXXX");

  /* supervisor-ext in its folder, open to the sandbox. */
  extensions = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
  g_free (kari_test_write_supervised_extension (extensions, "sup-hello", "sup-hello",
                                                "\"display_name\": \"Supervised Hello\",\n"
                                                "  \"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]},\n"
                                                "  \"resources\": {\"max_memory_mb\": 256, \"max_cpu_percent\": 50}"));

  g_free (kari_test_write_supervised_extension (extensions, "sup-crash", "sup-crash",
                                                "\"display_name\": \"Supervised Crash\",\n"
                                                "  \"runtime\": {\"command\": [\"supervisor-ext\", \"crash\"]}"));

  g_free (kari_test_write_supervised_extension (extensions, "sup-doomed", "sup-doomed",
                                                "\"display_name\": \"Supervised Doomed\",\n"
                                                "  \"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]}"));

  g_test_init (&argc, &argv, NULL);
  app = kari_test_ui_app_start (KARI_APP_ID, &bus);

  g_test_add_func ("/app/running/switch-on-and-off", test_switch_on_and_off);
  g_test_add_func ("/app/running/crash-loop", test_crash_loop);
  g_test_add_func ("/app/running/switch-tenant-restarts", test_switch_tenant_restarts);
  g_test_add_func ("/app/running/remove-running", test_remove_running);
  status = g_test_run ();

  g_clear_object (&app);
  g_test_dbus_stop (bus);
  kari_test_rm_rf (root);
  return status;
}
