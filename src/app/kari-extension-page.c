/* kari-extension-page.c — what a sidebar page of an extension shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is the one hook between the window and the native page renderer
 * (src/app/page, libkari_page): every declared page opens a KariPageView
 * fed by a KariPageSession (libkari). An extension with a runtime renders
 * its page through the supervisor the app host holds for it; when it is
 * not running the page offers to start it, and when it crashes the page
 * shows an error state whose restart button starts it again. A page
 * without a runtime is a tree file of the extension's folder
 * (kari_page_file_for_page()). Without the renderer a status page says
 * why nothing is drawn.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kari-app-private.h"
#include "kari-window.h"

#ifdef KARI_HAVE_PAGE_VIEW
#include "kari-page-view.h"
#endif

#ifndef KARI_HAVE_PAGE_VIEW
static GtkWidget *
status_page_new (KariAppExtension  *extension,
                 const KariAppPage *page)
{
  GtkWidget *status = adw_status_page_new ();
  g_autofree char *text =
    g_strdup_printf (_("“%s” is declared by %s, but this build of the Control Room cannot "
                       "draw extension pages yet. The extension’s endpoints and tasks work as usual."),
                     page->title, kari_app_extension_get_title (extension));
  /* The description is Pango markup. */
  g_autofree char *description = g_markup_escape_text (text, -1);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "view-grid-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("This Page Cannot Be Shown Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status), description);
  return status;
}
#endif

#ifdef KARI_HAVE_PAGE_VIEW

/* The button of the "not running" state; the error state's are
 * KARI_PAGE_SESSION_RESTART_ID and KARI_EXTENSION_PAGE_DETAILS_ID. */
#define START_ID "kari-page-start"
#define GLUE_KEY "kari-extension-page-glue"

/* Trees in, events out, between one page's session and its view. */
typedef struct
{
  KariAppHost      *host;
  KariAppExtension *extension;
  char             *page;
  KariPageView     *view;
  KariPageSession  *session;
  KariSupervisor   *supervisor;  /* the one the session renders through */
  gulong            state_id;
  gboolean          own_tree;    /* the view shows our state, not the page */
  gboolean          torn_down;
} Glue;

static void
glue_drop_session (Glue *glue)
{
  if (glue->session != NULL)
    g_signal_handlers_disconnect_by_data (glue->session, glue);
  g_clear_object (&glue->session);
  g_clear_object (&glue->supervisor);
}

static void
glue_teardown (Glue *glue)
{
  if (glue->torn_down)
    return;
  glue->torn_down = TRUE;
  glue_drop_session (glue);
  g_clear_signal_handler (&glue->state_id, glue->extension);
  g_signal_handlers_disconnect_by_data (glue->view, glue);
}

static void
glue_free (Glue *glue)
{
  glue_teardown (glue);
  g_clear_object (&glue->host);
  g_clear_object (&glue->extension);
  g_clear_object (&glue->view);
  g_free (glue->page);
  g_free (glue);
}

static void
show_own_tree (Glue         *glue,
               KariPageTree *tree)
{
  const char *buttons[] = { START_ID, KARI_PAGE_SESSION_RESTART_ID, KARI_EXTENSION_PAGE_DETAILS_ID };

  glue->own_tree = TRUE;
  kari_page_view_set_tree (glue->view, tree);
  /* A button clicked before may have been kept by the view: usable again. */
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    if (kari_page_view_lookup (glue->view, buttons[i]) != NULL)
      gtk_widget_set_sensitive (kari_page_view_lookup (glue->view, buttons[i]), TRUE);
}

/* The state of a page whose extension is not running: a Start button. */
static void
show_not_running (Glue       *glue,
                  const char *problem)
{
  g_autofree char *text = g_strdup_printf (_("%s is not running. Start it to see this page."),
                                           kari_app_extension_get_title (glue->extension));
  const char *actions[] = { START_ID, _("Start"), NULL };
  g_autoptr(KariPageTree) tree = kari_page_status_tree_new ("kari-page-not-running", "media-playback-stop-symbolic",
                                                            _("Not Running"), problem != NULL ? problem : text,
                                                            actions);

  show_own_tree (glue, tree);
}

/* The error state of a page whose extension crashed or failed: what
 * happened, in the supervisor's words, and what to do: restart it, or
 * read its log in its details. */
static void
show_problem (Glue       *glue,
              const char *what)
{
  g_autofree char *description = g_strdup_printf ("%s\n\n%s", what,
                                                  _("Restart it, or open its details to read its log."));
  const char *actions[] = { KARI_PAGE_SESSION_RESTART_ID, _("Restart"),
                            KARI_EXTENSION_PAGE_DETAILS_ID, _("Details and Log"), NULL };
  g_autoptr(KariPageTree) tree = kari_page_status_tree_new ("kari-page-error", "dialog-error-symbolic",
                                                            _("This page cannot be shown"), description,
                                                            actions);

  show_own_tree (glue, tree);
}

/* What a failed extension's page says. */
static void
show_failed (Glue *glue)
{
  const char *reason = kari_app_extension_get_reason (glue->extension);
  const char *title = kari_app_extension_get_title (glue->extension);
  g_autofree char *what = NULL;

  gint64 remembered = kari_app_extension_get_failure_time (glue->extension);

  if (reason == NULL)
    reason = _("no reason was recorded");
  /* One from an earlier session says when, since it is not news. */
  if (remembered != 0)
    {
      g_autofree char *ago = kari_app_format_ago (remembered);

      if (kari_app_extension_get_crash_looped (glue->extension))
        /* TRANSLATORS: "Switched off after crashing 2 hours ago: Crashed 5 times…" */
        what = g_strdup_printf (_("Switched off after crashing %s: %s"), ago, reason);
      else
        /* TRANSLATORS: "Failed 2 hours ago: No handshake within 10000 ms" */
        what = g_strdup_printf (_("Failed %s: %s"), ago, reason);
    }
  else if (kari_app_extension_get_crash_looped (glue->extension))
    what = g_strdup_printf (_("%s was switched off after crashing too often: %s"), title, reason);
  else
    what = g_strdup_printf (_("%s failed: %s"), title, reason);
  show_problem (glue, what);
}

static void
on_tree_changed (KariPageSession *session,
                 KariPageTree    *tree,
                 KariPagePatch   *patch,
                 Glue            *glue)
{
  /* A patch is from the session's last tree, which the view shows unless
   * it shows one of our states. */
  if (patch != NULL && !glue->own_tree && kari_page_view_get_tree (glue->view) != NULL)
    kari_page_view_apply_patch (glue->view, patch, tree);
  else
    kari_page_view_set_tree (glue->view, tree);
  glue->own_tree = FALSE;
}

static void
on_failed (KariPageSession *session,
           const GError    *error,
           Glue            *glue)
{
  g_autoptr(KariPageTree) tree = NULL;

  if (kari_app_extension_has_runtime (glue->extension))
    {
      show_problem (glue, error->message);
      return;
    }
  tree = kari_page_session_new_error_tree (error, FALSE);
  show_own_tree (glue, tree);
}

static void
glue_open_session (Glue           *glue,
                   KariSupervisor *supervisor)
{
  KariManifest *manifest = kari_app_extension_get_manifest (glue->extension);

  glue_drop_session (glue);
  if (supervisor != NULL)
    {
      glue->supervisor = g_object_ref (supervisor);
      glue->session = kari_page_session_new (supervisor, glue->page);
    }
  else
    glue->session = kari_page_session_new_declarative (manifest, kari_manifest_get_dir (manifest), glue->page);
  kari_page_view_set_base_dir (glue->view, kari_page_session_get_base_dir (glue->session));
  g_signal_connect (glue->session, "tree-changed", G_CALLBACK (on_tree_changed), glue);
  g_signal_connect (glue->session, "failed", G_CALLBACK (on_failed), glue);
  kari_page_session_start (glue->session);
}

/* Follows the extension's supervisor: the host drops it when the
 * extension stops and makes a new one when it starts. */
static void
glue_bind (Glue *glue)
{
  KariSupervisor *supervisor = kari_app_extension_get_supervisor (glue->extension);

  if (kari_app_extension_get_failed (glue->extension))
    {
      /* Its session would wait for a run that does not come. */
      glue_drop_session (glue);
      show_failed (glue);
    }
  else if (supervisor == NULL)
    {
      glue_drop_session (glue);
      show_not_running (glue, NULL);
    }
  else if (supervisor != glue->supervisor || glue->session == NULL)
    glue_open_session (glue, supervisor);
}

static void
on_state_notify (KariAppExtension *extension,
                 GParamSpec       *pspec,
                 Glue             *glue)
{
  glue_bind (glue);
}

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkWidget) page = user_data;
  Glue *glue = g_object_get_data (G_OBJECT (page), GLUE_KEY);
  g_autoptr(GError) error = NULL;

  if (kari_app_host_set_enabled_finish (KARI_APP_HOST (source), result, &error) || glue->torn_down)
    return;
  glue_drop_session (glue);
  show_not_running (glue, error->message);
}

static void
restart (Glue *glue)
{
  g_autoptr(GError) error = NULL;
  KariSupervisor *supervisor;

  if (kari_app_host_restart (glue->host, glue->extension, &error))
    {
      glue_bind (glue);
      return;
    }
  /* It runs but its page failed (a tree that is not valid, a timeout):
   * ask it for the page again. */
  supervisor = kari_app_extension_get_supervisor (glue->extension);
  if (supervisor != NULL && kari_supervisor_get_state (supervisor) == KARI_STATE_RUNNING)
    {
      glue_open_session (glue, supervisor);
      return;
    }
  show_problem (glue, error->message);
}

static void
on_view_event (KariPageView *view,
               const char   *node_id,
               const char   *kind,
               JsonNode     *value,
               Glue         *glue)
{
  GtkWidget *page = gtk_widget_get_parent (GTK_WIDGET (view));
  gboolean ours = glue->own_tree && (g_str_equal (node_id, START_ID)
                                     || g_str_equal (node_id, KARI_PAGE_SESSION_RESTART_ID)
                                     || g_str_equal (node_id, KARI_EXTENSION_PAGE_DETAILS_ID));

  if (!ours)
    {
      if (!glue->own_tree && glue->session != NULL)
        kari_page_session_send_event (glue->session, node_id, kind, value);
      return;
    }
  if (g_str_equal (node_id, KARI_EXTENSION_PAGE_DETAILS_ID))
    {
      GtkWidget *window = gtk_widget_get_ancestor (page, KARI_TYPE_WINDOW);

      if (window != NULL)
        kari_window_show_details (KARI_WINDOW (window), kari_app_extension_get_name (glue->extension));
      return;
    }
  /* One click is enough: the page changes when the extension is up. */
  gtk_widget_set_sensitive (kari_page_view_lookup (view, node_id), FALSE);
  if (g_str_equal (node_id, START_ID))
    kari_app_host_set_enabled_async (glue->host, glue->extension, TRUE, NULL, on_started, g_object_ref (page));
  else if (kari_app_extension_has_runtime (glue->extension))
    restart (glue);
}

static void
on_destroy (GtkWidget *page,
            Glue      *glue)
{
  glue_teardown (glue);
}

#endif /* KARI_HAVE_PAGE_VIEW */

/**
 * kari_extension_page_new:
 * @host: the host the extension runs in
 * @extension: the extension declaring @page
 * @page: one of its `ui.pages` or `ui.control_room_pages`
 *
 * Returns: (transfer floating): the widget the window's stack shows
 *   for @page: a box holding the page's #KariPageView
 */
GtkWidget *
kari_extension_page_new (KariAppHost       *host,
                         KariAppExtension  *extension,
                         const KariAppPage *page)
{
#ifdef KARI_HAVE_PAGE_VIEW
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  Glue *glue = g_new0 (Glue, 1);

  glue->host = g_object_ref (host);
  glue->extension = g_object_ref (extension);
  glue->page = g_strdup (page->path);
  glue->view = g_object_ref (KARI_PAGE_VIEW (kari_page_view_new ()));
  gtk_widget_set_hexpand (GTK_WIDGET (glue->view), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (glue->view), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (glue->view));
  g_object_set_data_full (G_OBJECT (box), GLUE_KEY, glue, (GDestroyNotify) glue_free);
  g_signal_connect (box, "destroy", G_CALLBACK (on_destroy), glue);
  g_signal_connect (glue->view, "event", G_CALLBACK (on_view_event), glue);

  if (kari_app_extension_has_runtime (extension))
    {
      glue->state_id = g_signal_connect (extension, "notify::state", G_CALLBACK (on_state_notify), glue);
      glue_bind (glue);
    }
  else
    glue_open_session (glue, NULL);
  return box;
#else
  return status_page_new (extension, page);
#endif
}
