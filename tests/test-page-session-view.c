/* test-page-session-view.c — a page of a real sandboxed extension in a
 * real KariPageView: clicks go to the extension, its answers patch the
 * widgets in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "kari-page-view.h"
#include "kari-test-gtk.h"
#include "kari-test-sandbox.h"

typedef struct
{
  char                 *dir;
  char                 *db;
  char                 *app;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  KariSupervisor       *supervisor;
  KariPageSession      *session;
  GtkWidget            *window;
  KariPageView         *view;
  guint                 n_patches;
  guint                 n_failed;
} Fixture;

static char *root;

/* The glue a page of the app needs: trees in, events out. */
static void
on_tree_changed (KariPageSession *session,
                 KariPageTree    *tree,
                 KariPagePatch   *patch,
                 Fixture         *f)
{
  if (patch != NULL && kari_page_view_get_tree (f->view) != NULL)
    {
      kari_page_view_apply_patch (f->view, patch, tree);
      f->n_patches++;
    }
  else
    kari_page_view_set_tree (f->view, tree);
}

static void
on_failed (KariPageSession *session,
           const GError    *error,
           Fixture         *f)
{
  g_autoptr(KariPageTree) tree = kari_page_session_new_error_tree (error, TRUE);

  kari_page_view_set_tree (f->view, tree);
  f->n_failed++;
}

static void
on_view_event (KariPageView *view,
               const char   *node_id,
               const char   *kind,
               JsonNode     *value,
               Fixture      *f)
{
  kari_page_session_send_event (f->session, node_id, kind, value);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = NULL;

  kari_test_tmp_db ("kari-page-session-view-XXXXXX", "registry.db", &f->dir, &f->db);
  f->registry = kari_registry_open (f->db, NULL, NULL, &error);
  g_assert_no_error (error);
  f->audit = kari_audit_log_open (f->db, &error);
  g_assert_no_error (error);
  f->engine = kari_permission_engine_new (f->registry, f->audit, NULL, &error);
  g_assert_no_error (error);

  f->app = kari_test_write_supervised_extension (root, "app-viewed", "viewed",
                                                 "\"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]},\n"
                                                 "  \"resources\": {\"max_memory_mb\": 256},\n"
                                                 "  \"capabilities\": [\"ui.page\"],\n"
                                                 "  \"ui\": {\"pages\": [{\"name\": \"Main\", \"path\": \"/main\"}]}");
  manifest = kari_test_install (f->registry, f->app);
  f->supervisor = kari_supervisor_new (manifest, f->app, "acme", f->engine, f->registry);
  kari_supervisor_set_handshake_timeout (f->supervisor, 20000);
  kari_supervisor_set_ping (f->supervisor, 0, 1000);
  kari_supervisor_set_backoff (f->supervisor, 20, 200);
  g_assert_true (kari_supervisor_start (f->supervisor, &error));
  g_assert_no_error (error);

  f->view = KARI_PAGE_VIEW (kari_page_view_new ());
  f->window = kari_test_gtk_window (GTK_WIDGET (f->view), 600, 400);
  f->session = kari_page_session_new (f->supervisor, "/main");
  kari_page_view_set_base_dir (f->view, kari_page_session_get_base_dir (f->session));
  g_signal_connect (f->session, "tree-changed", G_CALLBACK (on_tree_changed), f);
  g_signal_connect (f->session, "failed", G_CALLBACK (on_failed), f);
  g_signal_connect (f->view, "event", G_CALLBACK (on_view_event), f);
  kari_page_session_start (f->session);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->session, f);
  g_clear_object (&f->session);
  gtk_window_destroy (GTK_WINDOW (f->window));
  kari_test_gtk_flush ();
  kari_test_supervisor_stop (f->supervisor);
  g_object_unref (f->supervisor);
  g_clear_object (&f->engine);
  g_clear_object (&f->audit);
  g_clear_object (&f->registry);
  kari_test_rm_rf (f->app);
  g_free (f->app);
  kari_test_tmp_db_clear (&f->dir, &f->db);
}

/* Runs the main loop until node @id of the view is a label reading @text. */
static gboolean
wait_label (Fixture    *f,
            const char *id,
            const char *text)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      GtkWidget *w = kari_page_view_lookup (f->view, id);

      if (w != NULL && GTK_IS_LABEL (w) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (w)), text) == 0)
        return TRUE;
      g_main_context_iteration (NULL, TRUE);
    }
  return FALSE;
}

static gboolean
wait_widget (Fixture    *f,
             const char *id)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (kari_page_view_lookup (f->view, id) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return kari_page_view_lookup (f->view, id) != NULL;
}

static void
test_click_round_trip (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *button;
  GtkWidget *label;

  g_assert_true (wait_label (f, "count", "count: 0"));
  kari_test_gtk_wait_frame (f->window);
  button = kari_page_view_lookup (f->view, "inc");
  label = kari_page_view_lookup (f->view, "count");
  g_assert_true (GTK_IS_BUTTON (button));

  /* A click as a person makes it: the extension answers with a new tree
   * and only the label changes. */
  gtk_widget_activate (button);
  g_assert_true (wait_label (f, "count", "count: 1"));
  g_assert_cmpuint (f->n_patches, ==, 1);
  g_assert_true (kari_page_view_lookup (f->view, "inc") == button);
  g_assert_true (kari_page_view_lookup (f->view, "count") == label);
  kari_test_gtk_wait_frame (f->window);

  /* A push lands in place too. */
  gtk_widget_activate (kari_page_view_lookup (f->view, "push"));
  g_assert_true (wait_label (f, "count", "pushed: 2"));
  g_assert_true (kari_page_view_lookup (f->view, "inc") == button);
  g_assert_cmpuint (f->n_failed, ==, 0);
}

static void
test_crash_error_state (Fixture       *f,
                        gconstpointer  data)
{
  g_assert_true (wait_label (f, "count", "count: 0"));

  /* The page of a crashed extension shows an error state with a restart
   * button; once the supervisor restarted it, the page is back. */
  kari_page_session_send_event (f->session, "crash", "click", NULL);
  g_assert_true (wait_widget (f, KARI_PAGE_SESSION_RESTART_ID));
  g_assert_cmpuint (f->n_failed, >=, 1);
  g_assert_true (wait_label (f, "count", "count: 0"));
  g_assert_null (kari_page_view_lookup (f->view, KARI_PAGE_SESSION_RESTART_ID));
  kari_test_gtk_wait_frame (f->window);
}

int
main (int    argc,
      char **argv)
{
  int status;

  kari_test_gtk_ensure_display (argc, argv);
  root = kari_test_supervisor_root ("kari-page-session-view-root-XXXXXX");
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/page-session-view/click-round-trip", test_click_round_trip);
  ADD ("/page-session-view/crash-error-state", test_crash_error_state);
#undef ADD

  status = g_test_run ();
  kari_test_rm_rf (root);
  g_free (root);
  return status;
}
