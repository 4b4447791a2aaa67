/* test-app-pages.c — extension pages in the real Control Room window,
 * under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * supervisor-ext renders "/main" in a real bwrap sandbox under the app
 * host's supervisor: the page offers to start it, draws its tree, sends
 * a click and patches the answer in place; killed, the page shows the
 * error state, and its restart button brings the page back. An
 * extension that fails to start, and one that crashes until its
 * supervisor switches it off, keep their pages, which say why and offer
 * a restart and the details; their Installed rows say what happened,
 * and so do a new host and window after a restart of the app.
 * quick-notes (no runtime) draws its tree file.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "kari-app-private.h"
#include "kari-page-view.h"
#include "kari-test-sandbox.h"
#include "kari-test-app.h"
#include "kari-test-ui.h"
#include "kari-window.h"

static GTestDBus *bus;
static AdwApplication *app;
static char *root;

/* Runs the main loop until @view has a node @id (a label reading @text
 * when @text is not %NULL). */
static GtkWidget *
wait_node (KariPageView *view,
           const char   *id,
           const char   *text)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      GtkWidget *w = kari_page_view_lookup (view, id);

      if (w != NULL && (text == NULL || (GTK_IS_LABEL (w)
                                         && g_strcmp0 (gtk_label_get_label (GTK_LABEL (w)), text) == 0)))
        return w;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return NULL;
}

static KariPageView *
open_page (KariWindow *window,
           const char *id)
{
  GtkWidget *page;

  kari_window_show_page (window, id);
  g_assert_cmpstr (kari_window_get_page (window), ==, id);
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  page = kari_window_get_page_widget (window, id);
  g_assert_nonnull (page);
  return KARI_PAGE_VIEW (kari_test_ui_find (page, KARI_TYPE_PAGE_VIEW, NULL, NULL));
}

static void
test_runtime_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAppHost) host = kari_app_host_new ("default", &error);
  g_autoptr(GSettings) settings = g_settings_new (KARI_APP_ID);
  KariAppExtension *ext;
  KariSupervisor *supervisor;
  KariWindow *window;
  KariPageView *view;
  GtkWidget *button, *label, *restart;
  GPid pid;

  g_assert_no_error (error);
  ext = kari_app_host_lookup (host, "sup-page");
  g_assert_nonnull (ext);
  /* Switched on elsewhere (kari-ext enable), not started: its page is in
   * the sidebar, its process is not. */
  g_assert_true (kari_registry_set_state (kari_app_host_get_registry (host), "sup-page", KARI_STATE_ENABLED,
                                          "test", &error));
  g_assert_no_error (error);
  g_assert_true (kari_app_host_reload (host, &error));
  g_assert_no_error (error);
  g_assert_true (kari_app_extension_get_active (ext));
  g_assert_null (kari_app_extension_get_supervisor (ext));

  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  view = open_page (window, "ext:sup-page:/main");
  g_assert_nonnull (view);

  /* Not running: a Start button, which starts it through the host. */
  g_assert_true (kari_test_ui_status_shown (GTK_WIDGET (window), "Not Running"));
  button = wait_node (view, "kari-page-start", NULL);
  g_assert_true (GTK_IS_BUTTON (button));
  gtk_widget_activate (button);
  label = wait_node (view, "count", "count: 0");
  g_assert_nonnull (label);
  supervisor = kari_app_extension_get_supervisor (ext);
  g_assert_nonnull (supervisor);
  g_assert_cmpint (kari_supervisor_get_state (supervisor), ==, KARI_STATE_RUNNING);
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));

  /* A click goes to the extension; its answer is patched in place. */
  button = kari_page_view_lookup (view, "inc");
  g_assert_true (GTK_IS_BUTTON (button));
  gtk_widget_activate (button);
  g_assert_true (wait_node (view, "count", "count: 1") == label);
  g_assert_true (kari_page_view_lookup (view, "inc") == button);
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));

  /* Killed: the page shows the error state. The back-off is long, so
   * only the restart button brings it back. */
  kari_supervisor_set_backoff (supervisor, 600000, 600000);
  pid = kari_supervisor_get_pid (supervisor);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  restart = wait_node (view, KARI_PAGE_SESSION_RESTART_ID, NULL);
  g_assert_true (GTK_IS_BUTTON (restart));
  g_assert_null (kari_page_view_lookup (view, "count"));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  g_assert_true (kari_test_ui_status_shown (GTK_WIDGET (window), "This page cannot be shown"));

  gtk_widget_activate (restart);
  g_assert_nonnull (wait_node (view, "count", "count: 0"));
  g_assert_null (kari_page_view_lookup (view, KARI_PAGE_SESSION_RESTART_ID));
  g_assert_cmpint (kari_supervisor_get_pid (kari_app_extension_get_supervisor (ext)), !=, pid);

  /* And it answers again. */
  gtk_widget_activate (kari_page_view_lookup (view, "inc"));
  label = wait_node (view, "count", "count: 1");
  g_assert_nonnull (label);

  /* Leaving the page and coming back finds it as it was: the same view
   * and widgets, not a new session starting from scratch. */
  kari_window_show_page (window, "installed");
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  g_assert_true (open_page (window, "ext:sup-page:/main") == view);
  g_assert_true (kari_page_view_lookup (view, "count") == label);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "count: 1");

  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (host);
}

static gboolean
name_is (GtkWidget     *widget,
         gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

/* The Installed row of @name: its switch and its problem badge. */
static void
installed_row (KariWindow  *window,
               const char  *name,
               GtkSwitch  **toggle,
               GtkWidget  **problem)
{
  GtkWidget *installed, *row;

  kari_window_show_page (window, "installed");
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  installed = kari_window_get_page_widget (window, "installed");
  row = kari_test_ui_find (installed, GTK_TYPE_BOX, name_is, name);
  g_assert_nonnull (row);
  *toggle = g_object_get_data (G_OBJECT (row), "kari-switch");
  *problem = g_object_get_data (G_OBJECT (row), "kari-problem");
  g_assert_true (GTK_IS_SWITCH (*toggle));
  g_assert_true (GTK_IS_WIDGET (*problem));
}

static const char *
problem_text (GtkWidget *problem)
{
  return gtk_label_get_text (g_object_get_data (G_OBJECT (problem), "kari-label"));
}

/* The description of the error state shown in @view. */
static const char *
error_description (KariPageView *view)
{
  GtkWidget *status = kari_test_ui_find (GTK_WIDGET (view), ADW_TYPE_STATUS_PAGE, kari_test_ui_status_title_is,
                                         "This page cannot be shown");

  g_assert_nonnull (status);
  g_assert_true (gtk_widget_get_mapped (status));
  return adw_status_page_get_description (ADW_STATUS_PAGE (status));
}

static void
on_enable_failed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (kari_app_host_set_enabled_finish (KARI_APP_HOST (source), result, &error));
  g_assert_error (error, KARI_SUPERVISOR_ERROR, KARI_SUPERVISOR_ERROR_FOLDER);
  *(gboolean *) user_data = TRUE;
}

static gboolean
wait_failed (KariAppExtension *ext,
             gboolean          failed)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (kari_app_extension_get_failed (ext) != failed && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  return kari_app_extension_get_failed (ext) == failed;
}

/* An extension whose start fails (its data folder cannot be made) is
 * failed, not gone: its page says so in the supervisor's words, its
 * Installed row shows it on and failed, and once the cause is gone the
 * page's restart button brings the page up in a real sandbox. */
static void
test_failed_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAppHost) host = kari_app_host_new ("default", &error);
  g_autoptr(GSettings) settings = g_settings_new (KARI_APP_ID);
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "kari", "data", "default", "fail-page", NULL);
  g_autofree char *tenant_dir = g_path_get_dirname (data_dir);
  KariAppExtension *ext;
  KariWindow *window;
  KariPageView *view;
  GtkWidget *restart, *details, *problem;
  GtkSwitch *toggle;
  gboolean done = FALSE;

  g_assert_no_error (error);
  ext = kari_app_host_lookup (host, "fail-page");
  g_assert_nonnull (ext);
  g_assert_cmpint (g_mkdir_with_parents (tenant_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (data_dir, "in the way", -1, &error));
  g_assert_no_error (error);

  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  kari_app_host_set_enabled_async (host, ext, TRUE, NULL, on_enable_failed, &done);
  g_assert_true (kari_test_wait_for (&done, 30));
  g_assert_cmpint (kari_app_extension_get_state (ext), ==, KARI_STATE_FAILED);
  g_assert_true (kari_app_extension_get_failed (ext));
  g_assert_nonnull (strstr (kari_app_extension_get_reason (ext), data_dir));

  /* Its page stays, with what happened and what to do. */
  kari_test_ui_settle ();
  view = open_page (window, "ext:fail-page:/main");
  g_assert_nonnull (view);
  restart = wait_node (view, KARI_PAGE_SESSION_RESTART_ID, NULL);
  g_assert_true (GTK_IS_BUTTON (restart));
  details = kari_page_view_lookup (view, KARI_EXTENSION_PAGE_DETAILS_ID);
  g_assert_true (GTK_IS_BUTTON (details));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  g_assert_nonnull (strstr (error_description (view), "Failed Page failed: "));
  g_assert_nonnull (strstr (error_description (view), data_dir));
  g_assert_nonnull (strstr (error_description (view), "Restart it, or open its details"));

  /* Installed: still on, and marked failed with the reason. */
  installed_row (window, "fail-page", &toggle, &problem);
  g_assert_true (gtk_switch_get_active (toggle));
  g_assert_true (gtk_widget_get_mapped (problem));
  g_assert_cmpstr (problem_text (problem), ==, "Failed");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (problem), data_dir));

  /* Details opens its details page. */
  g_assert_true (open_page (window, "ext:fail-page:/main") == view);
  gtk_widget_activate (details);   /* clicked once its press is drawn */
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (g_strcmp0 (kari_window_get_page (window), "details") != 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpstr (kari_window_get_page (window), ==, "details");

  /* The cause gone, Restart starts it for real. */
  g_assert_cmpint (g_unlink (data_dir), ==, 0);
  g_assert_true (open_page (window, "ext:fail-page:/main") == view);
  gtk_widget_activate (restart);
  g_assert_nonnull (wait_node (view, "count", "count: 0"));
  g_assert_false (kari_app_extension_get_failed (ext));
  g_assert_cmpint (kari_app_extension_get_state (ext), ==, KARI_STATE_RUNNING);
  installed_row (window, "fail-page", &toggle, &problem);
  g_assert_true (gtk_switch_get_active (toggle));
  g_assert_false (gtk_widget_get_visible (problem));

  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (host);
}

/* An extension that exits before its handshake every time is switched
 * off by its supervisor after a crash loop: its page stays with the
 * supervisor's reason, its Installed row shows it off and why, and
 * Restart gives it another real run (which loops again). */
static void
test_crash_loop_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAppHost) host = kari_app_host_new ("default", &error);
  g_autoptr(GSettings) settings = g_settings_new (KARI_APP_ID);
  KariAppExtension *ext;
  KariSupervisor *supervisor;
  KariWindow *window;
  KariPageView *view;
  GtkWidget *restart, *problem;
  GtkSwitch *toggle;
  gboolean enabled = FALSE;

  g_assert_no_error (error);
  ext = kari_app_host_lookup (host, "loop-page");
  g_assert_nonnull (ext);
  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));

  /* Two crashes make a loop here. */
  kari_app_host_set_enabled_async (host, ext, TRUE, NULL, kari_test_app_on_enabled, &enabled);
  supervisor = kari_app_extension_get_supervisor (ext);
  g_assert_nonnull (supervisor);
  kari_supervisor_set_backoff (supervisor, 50, 100);
  kari_supervisor_set_crash_loop (supervisor, 2, 60000);
  g_assert_true (kari_test_wait_for (&enabled, 30));
  g_assert_true (wait_failed (ext, TRUE));
  g_assert_cmpint (kari_app_extension_get_state (ext), ==, KARI_STATE_DISABLED);
  g_assert_true (kari_app_extension_get_crash_looped (ext));
  g_assert_false (kari_app_extension_get_active (ext));

  kari_test_ui_settle ();
  view = open_page (window, "ext:loop-page:/main");
  g_assert_nonnull (view);
  restart = wait_node (view, KARI_PAGE_SESSION_RESTART_ID, NULL);
  g_assert_true (GTK_IS_BUTTON (restart));
  g_assert_true (GTK_IS_BUTTON (kari_page_view_lookup (view, KARI_EXTENSION_PAGE_DETAILS_ID)));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  g_assert_nonnull (strstr (error_description (view), "Loop Page was switched off after crashing too often: "));
  g_assert_nonnull (strstr (error_description (view), "Exited with status 3"));

  installed_row (window, "loop-page", &toggle, &problem);
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_true (gtk_widget_get_mapped (problem));
  g_assert_cmpstr (problem_text (problem), ==, "Switched off after crashing");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (problem), "Exited with status 3"));

  /* Restart: a new run, at once; it loops again and says so again. */
  g_assert_true (open_page (window, "ext:loop-page:/main") == view);
  gtk_widget_activate (restart);
  g_assert_true (wait_failed (ext, FALSE));
  g_assert_true (wait_failed (ext, TRUE));
  restart = wait_node (view, KARI_PAGE_SESSION_RESTART_ID, NULL);
  g_assert_true (GTK_IS_BUTTON (restart));
  g_assert_true (gtk_widget_get_sensitive (restart));

  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (host);
}

typedef struct
{
  char     *out;
  gboolean  successful;
  gboolean  done;
} Ran;

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Ran *ran = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &ran->out, NULL, &error);
  g_assert_no_error (error);
  ran->successful = g_subprocess_get_successful (G_SUBPROCESS (source));
  ran->done = TRUE;
}

/* `kari-ext status --json NAME`, answered by this process's host: the
 * main loop runs while it does. */
static JsonObject *
kari_ext_status (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("KARI_EXT"),
                                                   "status", "--json", name, NULL);
  g_autoptr(JsonNode) node = NULL;
  Ran ran = { NULL, FALSE, FALSE };

  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (child, NULL, NULL, on_communicated, &ran);
  g_assert_true (kari_test_wait_for (&ran.done, 60));
  g_assert_true (ran.successful);
  node = json_from_string (ran.out, &error);
  g_assert_no_error (error);
  g_free (ran.out);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* "last-failure" of `kari-ext status --json NAME`: its kind and reason. */
static void
assert_status_failure (const char *name,
                       const char *kind,
                       const char *in_reason)
{
  g_autoptr(JsonObject) status = kari_ext_status (name);
  JsonObject *last;

  g_assert_true (json_object_has_member (status, "last-failure"));
  last = json_object_get_object_member (status, "last-failure");
  g_assert_nonnull (last);
  g_assert_cmpstr (json_object_get_string_member (last, "kind"), ==, kind);
  g_assert_nonnull (strstr (json_object_get_string_member (last, "reason"), in_reason));
  g_assert_cmpint (json_object_get_int_member (last, "time-usec"), >, g_get_real_time () - 600 * G_USEC_PER_SEC);
}

static void
on_inspected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GVariant **reply = user_data;
  g_autoptr(GError) error = NULL;

  *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_assert_no_error (error);
}

/* Manager1 Inspect's "last_failure" of @name, through the bus. */
static void
assert_inspect_failure (GDBusConnection *connection,
                        const char      *name,
                        const char      *kind)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  JsonObject *last;
  const char *json;

  g_dbus_connection_call (connection, KARI_HOST_MANAGER_BUS_NAME, KARI_HOST_MANAGER_PATH,
                          "io.github.kari.Manager1", "Inspect", g_variant_new ("(s)", name),
                          G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_inspected, &reply);
  while (reply == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (reply);
  g_variant_get (reply, "(&s)", &json);
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  last = json_object_get_object_member (json_node_get_object (node), "last_failure");
  g_assert_nonnull (last);
  g_assert_cmpstr (json_object_get_string_member (last, "kind"), ==, kind);
  g_assert_cmpint (json_object_get_int_member (last, "time_usec"), >, 0);
}

/* A failed start and a crash loop outlive the host: a new host and
 * window on the same registry show the failure with its time, on the
 * page and the Installed row, and kari-ext status says it; the catalog
 * still re-resolves the failed one to installed. Restart clears it. */
static void
test_remembered_failure (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (KARI_APP_ID);
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "kari", "data", "default", "fail-page", NULL);
  g_autofree char *tenant_dir = g_path_get_dirname (data_dir);
  g_autoptr(GDBusConnection) connection = NULL;
  KariAppHost *host;
  KariAppExtension *failed, *looped;
  KariWindow *window;
  KariPageView *view;
  GtkWidget *restart, *problem;
  GtkSwitch *toggle;
  gboolean done = FALSE, enabled = FALSE;

  /* The first session: a start that fails, and a crash loop. */
  host = kari_app_host_new ("default", &error);
  g_assert_no_error (error);
  failed = kari_app_host_lookup (host, "fail-page");
  looped = kari_app_host_lookup (host, "loop-page");
  g_assert_cmpint (g_mkdir_with_parents (tenant_dir, 0700), ==, 0);
  /* The folder an earlier run made is in the way of the file. */
  kari_test_rm_rf (data_dir);
  g_assert_true (g_file_set_contents (data_dir, "in the way", -1, &error));
  g_assert_no_error (error);
  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  kari_app_host_set_enabled_async (host, failed, TRUE, NULL, on_enable_failed, &done);
  g_assert_true (kari_test_wait_for (&done, 30));
  g_assert_cmpint (kari_app_extension_get_state (failed), ==, KARI_STATE_FAILED);
  g_assert_cmpint (kari_app_extension_get_failure_time (failed), ==, 0);
  kari_app_host_set_enabled_async (host, looped, TRUE, NULL, kari_test_app_on_enabled, &enabled);
  kari_supervisor_set_backoff (kari_app_extension_get_supervisor (looped), 50, 100);
  kari_supervisor_set_crash_loop (kari_app_extension_get_supervisor (looped), 2, 60000);
  g_assert_true (kari_test_wait_for (&enabled, 30));
  g_assert_true (wait_failed (looped, TRUE));
  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (host);
  g_assert_true (kari_app_host_close (host, &error));
  g_assert_no_error (error);
  g_object_unref (host);

  /* The second: re-resolved to installed, the failure remembered. */
  host = kari_app_host_new ("default", &error);
  g_assert_no_error (error);
  failed = kari_app_host_lookup (host, "fail-page");
  looped = kari_app_host_lookup (host, "loop-page");
  g_assert_cmpint (kari_app_extension_get_state (failed), ==, KARI_STATE_INSTALLED);
  g_assert_true (kari_app_extension_get_failed (failed));
  g_assert_true (kari_app_extension_get_active (failed));
  g_assert_false (kari_app_extension_get_crash_looped (failed));
  g_assert_cmpint (kari_app_extension_get_failure_time (failed), >, 0);
  g_assert_nonnull (strstr (kari_app_extension_get_reason (failed), data_dir));
  g_assert_cmpint (kari_app_extension_get_state (looped), ==, KARI_STATE_DISABLED);
  g_assert_true (kari_app_extension_get_failed (looped));
  g_assert_true (kari_app_extension_get_crash_looped (looped));
  g_assert_false (kari_app_extension_get_active (looped));
  g_assert_nonnull (strstr (kari_app_extension_get_reason (looped), "Exited with status 3"));

  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  view = open_page (window, "ext:loop-page:/main");
  g_assert_nonnull (wait_node (view, KARI_PAGE_SESSION_RESTART_ID, NULL));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  g_assert_nonnull (strstr (error_description (view), "Switched off after crashing just now: "));
  g_assert_nonnull (strstr (error_description (view), "Exited with status 3"));
  installed_row (window, "loop-page", &toggle, &problem);
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_true (gtk_widget_get_mapped (problem));
  g_assert_cmpstr (problem_text (problem), ==, "Switched off after crashing");

  view = open_page (window, "ext:fail-page:/main");
  restart = wait_node (view, KARI_PAGE_SESSION_RESTART_ID, NULL);
  g_assert_true (GTK_IS_BUTTON (restart));
  g_assert_true (GTK_IS_BUTTON (kari_page_view_lookup (view, KARI_EXTENSION_PAGE_DETAILS_ID)));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  g_assert_nonnull (strstr (error_description (view), "Failed just now: "));
  g_assert_nonnull (strstr (error_description (view), data_dir));
  installed_row (window, "fail-page", &toggle, &problem);
  g_assert_true (gtk_switch_get_active (toggle));   /* on, as when it failed */
  g_assert_true (gtk_widget_get_mapped (problem));
  g_assert_cmpstr (problem_text (problem), ==, "Failed");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (problem), "Failed just now: "));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (problem), data_dir));

  /* Scripts see it too. */
  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kari_host_manager_export (kari_app_host_get_manager (host), connection, &error));
  g_assert_no_error (error);
  g_assert_true (kari_host_manager_own_name (kari_app_host_get_manager (host), &error));
  g_assert_no_error (error);
  assert_status_failure ("fail-page", "failed", data_dir);
  assert_status_failure ("loop-page", "crash-loop", "Exited with status 3");
  assert_inspect_failure (connection, "loop-page", "crash-loop");
  assert_inspect_failure (connection, "fail-page", "failed");

  /* Restart, the cause gone: it runs, and nothing is remembered. */
  g_assert_cmpint (g_unlink (data_dir), ==, 0);
  g_assert_true (open_page (window, "ext:fail-page:/main") == view);
  gtk_widget_activate (restart);
  g_assert_nonnull (wait_node (view, "count", "count: 0"));
  g_assert_false (kari_app_extension_get_failed (failed));
  g_assert_cmpint (kari_app_extension_get_failure_time (failed), ==, 0);
  installed_row (window, "fail-page", &toggle, &problem);
  g_assert_false (gtk_widget_get_visible (problem));
  {
    g_autoptr(KariTransition) last = kari_registry_get_last_failure (kari_app_host_get_registry (host),
                                                                     "fail-page", &error);
    g_autoptr(JsonObject) status = kari_ext_status ("fail-page");

    g_assert_no_error (error);
    g_assert_null (last);
    g_assert_false (json_object_has_member (status, "last-failure"));
    g_assert_cmpstr (json_object_get_string_member (status, "state"), ==, "running");
  }

  /* Switched off by the person, the crash loop is no longer news. */
  enabled = FALSE;
  kari_app_host_set_enabled_async (host, looped, FALSE, NULL, kari_test_app_on_enabled, &enabled);
  g_assert_true (kari_test_wait_for (&enabled, 30));
  g_assert_false (kari_app_extension_get_failed (looped));
  installed_row (window, "loop-page", &toggle, &problem);
  g_assert_false (gtk_widget_get_visible (problem));

  kari_host_manager_unexport (kari_app_host_get_manager (host));
  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (host);
  g_assert_true (kari_app_host_close (host, &error));
  g_assert_no_error (error);
  g_object_unref (host);
}

static void
test_declarative_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariAppHost) host = kari_app_host_new ("default", &error);
  g_autoptr(GSettings) settings = g_settings_new (KARI_APP_ID);
  KariAppExtension *ext;
  KariWindow *window;
  KariPageView *view;
  GtkWidget *title;
  gboolean enabled = FALSE;

  g_assert_no_error (error);
  ext = kari_app_host_lookup (host, "quick-notes");
  g_assert_nonnull (ext);
  g_assert_false (kari_app_extension_has_runtime (ext));
  kari_app_host_set_enabled_async (host, ext, TRUE, NULL, kari_test_app_on_enabled, &enabled);
  g_assert_true (kari_test_wait_for (&enabled, 30));

  window = kari_window_new (app, host, settings);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  view = open_page (window, "ext:quick-notes:/notes");
  g_assert_nonnull (view);

  /* Its ui.pages entry names file = "pages/notes.json". */
  title = wait_node (view, "title", NULL);
  g_assert_nonnull (title);
  g_assert_nonnull (kari_page_view_lookup (view, "note-welcome"));
  g_assert_null (kari_page_view_lookup (view, KARI_PAGE_SESSION_RESTART_ID));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (window)));
  g_assert_true (gtk_widget_get_mapped (title));

  /* Written again (as a store filling it would), the page follows in
   * place. */
  {
    KariManifest *manifest = kari_app_extension_get_manifest (ext);
    g_autofree char *path = g_build_filename (kari_manifest_get_dir (manifest), "pages", "notes.json", NULL);
    g_autofree char *contents = NULL;
    g_autofree char *edited = NULL;
    GString *text;

    g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
    g_assert_no_error (error);
    text = g_string_new (contents);
    g_assert_cmpuint (g_string_replace (text, "\"text\": \"Notes\"", "\"text\": \"Edited notes\"", 1), ==, 1);
    edited = g_string_free (text, FALSE);
    g_assert_true (g_file_set_contents (path, edited, -1, &error));
    g_assert_no_error (error);
    g_assert_true (wait_node (view, "title", "Edited notes") == title);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  kari_test_ui_settle ();
}

/* The one rule for a declarative page's file, as the manifest says it. */
static void
test_file_rule (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  g_autofree char *explicit_file = NULL;
  g_autofree char *by_route = NULL;
  g_autofree char *unsafe = NULL;
  const char *json =
    "{\"name\": \"rule\", \"version\": \"1.0.0\", \"type\": \"addon\", \"description\": \"Pages\","
    " \"ui\": {\"pages\": [{\"name\": \"A\", \"path\": \"/a\", \"file\": \"trees/a.json\"},"
    "                      {\"name\": \"B\", \"path\": \"/b\"}]}}";

  manifest = kari_manifest_load_data (json, strlen (json), KARI_MANIFEST_FORMAT_JSON, "extension.json", NULL, &error);
  g_assert_no_error (error);
  explicit_file = kari_page_file_for_page (manifest, "/a", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (explicit_file, ==, "trees/a.json");
  by_route = kari_page_file_for_page (manifest, "/b", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_route, ==, "pages/b.json");
  /* A route that makes no file inside the folder is refused. */
  unsafe = kari_page_file_for_route ("/../etc/passwd", &error);
  g_assert_null (unsafe);
  g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_UNSAFE_PATH);
}

/* The same pages with the app and its sandboxes run by nobody, on the
 * same display. */
static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = NULL;

  kari_test_ui_share_display (root);
  out = kari_test_rerun_as_nobody ("KARI_APP_PAGES_UNPRIVILEGED", TRUE, &successful,
                                   "-p", "/app/pages/runtime-page", "-p", "/app/pages/failed-page",
                                   "-p", "/app/pages/crash-loop-page", "-p", "/app/pages/remembered-failure", NULL);
  if (!successful)
    g_printerr ("as nobody:\n%s\n", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "ok 1 /app/pages/runtime-page"));
  g_assert_nonnull (strstr (out, "ok 2 /app/pages/failed-page"));
  g_assert_nonnull (strstr (out, "ok 3 /app/pages/crash-loop-page"));
  g_assert_nonnull (strstr (out, "ok 4 /app/pages/remembered-failure"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *extensions = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *notes_from = NULL;
  g_autofree char *notes_pages = NULL;
  int status;

  root = kari_test_ui_setup_sandbox_env (argc, argv, "kari-app-pages-XXXXXX");

  /* supervisor-ext, rendering "/main", in its folder open to the sandbox. */
  extensions = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
  g_free (kari_test_write_supervised_extension (extensions, "sup-page", "sup-page",
                                                "\"display_name\": \"Supervised Page\",\n"
                                                "  \"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]},\n"
                                                "  \"resources\": {\"max_memory_mb\": 256},\n"
                                                "  \"capabilities\": [\"ui.page\"],\n"
                                                "  \"ui\": {\"pages\": [{\"name\": \"Main\", \"path\": \"/main\"}]}"));

  /* One whose start fails (test_failed_page() blocks its data folder),
   * and one that exits before its handshake every time. */
  g_free (kari_test_write_supervised_extension (extensions, "fail-page", "fail-page",
                                                "\"display_name\": \"Failed Page\",\n"
                                                "  \"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]},\n"
                                                "  \"capabilities\": [\"ui.page\"],\n"
                                                "  \"ui\": {\"pages\": [{\"name\": \"Main\", \"path\": \"/main\"}]}"));
  g_free (kari_test_write_supervised_extension (extensions, "loop-page", "loop-page",
                                                "\"display_name\": \"Loop Page\",\n"
                                                "  \"runtime\": {\"command\": [\"supervisor-ext\", \"exit-early\", \"3\"]},\n"
                                                "  \"capabilities\": [\"ui.page\"],\n"
                                                "  \"ui\": {\"pages\": [{\"name\": \"Main\", \"path\": \"/main\"}]}"));

  /* quick-notes as it ships. */
  notes = g_build_filename (extensions, "quick-notes", NULL);
  notes_pages = g_build_filename (notes, "pages", NULL);
  g_assert_cmpint (g_mkdir_with_parents (notes_pages, 0755), ==, 0);
  notes_from = g_build_filename (g_getenv ("KARI_SOURCE_DIR"), "examples", "extensions", "quick-notes", NULL);
  {
    const char *files[] = { "extension.toml", "pages/notes.json" };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *from = g_build_filename (notes_from, files[i], NULL);
        g_autofree char *to = g_build_filename (notes, files[i], NULL);
        g_autofree char *contents = NULL;
        gsize length;

        g_assert_true (g_file_get_contents (from, &contents, &length, &error));
        g_assert_no_error (error);
        g_assert_true (g_file_set_contents (to, contents, length, &error));
        g_assert_no_error (error);
      }
  }

  g_test_init (&argc, &argv, NULL);
  app = kari_test_ui_app_start (KARI_APP_ID, &bus);

  g_test_add_func ("/app/pages/runtime-page", test_runtime_page);
  g_test_add_func ("/app/pages/failed-page", test_failed_page);
  g_test_add_func ("/app/pages/crash-loop-page", test_crash_loop_page);
  g_test_add_func ("/app/pages/remembered-failure", test_remembered_failure);
  g_test_add_func ("/app/pages/declarative-page", test_declarative_page);
  g_test_add_func ("/app/pages/file-rule", test_file_rule);
  if (geteuid () == 0 && g_getenv ("KARI_APP_PAGES_UNPRIVILEGED") == NULL)
    g_test_add_func ("/app/pages/unprivileged", test_unprivileged);
  status = g_test_run ();

  g_clear_object (&app);
  g_test_dbus_stop (bus);
  kari_test_rm_rf (root);
  g_free (root);
  return status;
}
