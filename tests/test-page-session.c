/* test-page-session.c — native pages of real extensions in real
 * sandboxes, through the supervisor and the broker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include "kari-test-sandbox.h"

#define PAGE_EXTRA                                                                        \
  "\"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]},\n"                           \
  "  \"resources\": {\"max_memory_mb\": 256, \"max_cpu_percent\": 50},\n"                    \
  "  \"capabilities\": [\"ui.page\"],\n"                                                      \
  "  \"ui\": {\"pages\": [{\"name\": \"Main\", \"path\": \"/main\"}]}"

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
  guint                 n_trees;
  guint                 n_rebuilds;   /* trees that came without a patch */
  guint                 n_failed;
  GError               *error;
} Fixture;

static char *root;

static void
on_tree_changed (KariPageSession *session,
                 KariPageTree    *tree,
                 KariPagePatch   *patch,
                 Fixture         *f)
{
  f->n_trees++;
  if (patch == NULL)
    f->n_rebuilds++;
  g_assert_true (tree == kari_page_session_get_tree (session));
}

static void
on_failed (KariPageSession *session,
           const GError    *error,
           Fixture         *f)
{
  f->n_failed++;
  g_clear_error (&f->error);
  f->error = g_error_copy (error);
  g_assert_null (kari_page_session_get_tree (session));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kari_test_tmp_db ("kari-page-session-XXXXXX", "registry.db", &f->dir, &f->db);
  f->registry = kari_registry_open (f->db, NULL, NULL, &error);
  g_assert_no_error (error);
  f->audit = kari_audit_log_open (f->db, &error);
  g_assert_no_error (error);
  f->engine = kari_permission_engine_new (f->registry, f->audit, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  if (f->supervisor != NULL)
    {
      kari_test_supervisor_stop (f->supervisor);
      g_object_unref (f->supervisor);
    }
  g_clear_object (&f->engine);
  g_clear_object (&f->audit);
  g_clear_object (&f->registry);
  if (f->app != NULL)
    kari_test_rm_rf (f->app);
  g_free (f->app);
  kari_test_tmp_db_clear (&f->dir, &f->db);
  g_clear_error (&f->error);
}

static gboolean
wait_until (Fixture *f,
            guint   *counter,
            guint    value)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*counter < value && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return *counter >= value;
}

static gboolean
wait_line (Fixture    *f,
           const char *text)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_auto(GStrv) lines = kari_supervisor_dup_log (f->supervisor);

      for (guint i = 0; lines[i] != NULL; i++)
        if (strstr (lines[i], text) != NULL)
          return TRUE;
      g_main_context_iteration (NULL, TRUE);
    }
  return FALSE;
}

/* The text of node @id of the session's tree. */
static const char *
text_of (Fixture    *f,
         const char *id)
{
  KariPageTree *tree = kari_page_session_get_tree (f->session);
  KariPageNode *node;

  g_assert_nonnull (tree);
  node = kari_page_tree_lookup (tree, id);
  g_assert_nonnull (node);
  return kari_page_node_get_string (node, "text");
}

/* Starts supervisor-ext with a page "/main" and opens @page on it. */
static void
open_page (Fixture    *f,
           const char *name,
           const char *page)
{
  g_autoptr(KariManifest) manifest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_strdup_printf ("app-%s", name);

  f->app = kari_test_write_supervised_extension (root, folder, name, PAGE_EXTRA);
  manifest = kari_test_install (f->registry, f->app);
  f->supervisor = kari_supervisor_new (manifest, f->app, "acme", f->engine, f->registry);
  kari_supervisor_set_handshake_timeout (f->supervisor, 20000);
  kari_supervisor_set_grace_period (f->supervisor, 2000);
  kari_supervisor_set_ping (f->supervisor, 0, 1000);
  kari_supervisor_set_backoff (f->supervisor, 20, 200);
  g_assert_true (kari_supervisor_start (f->supervisor, &error));
  g_assert_no_error (error);

  /* Opened while the extension starts: the session waits for it. */
  f->session = kari_page_session_new (f->supervisor, page);
  g_signal_connect (f->session, "tree-changed", G_CALLBACK (on_tree_changed), f);
  g_signal_connect (f->session, "failed", G_CALLBACK (on_failed), f);
  kari_page_session_start (f->session);
}

static void
click (Fixture    *f,
       const char *id)
{
  kari_page_session_send_event (f->session, id, "click", NULL);
}

static void
test_render_event (Fixture       *f,
                   gconstpointer  data)
{
  KariPageTree *first;

  open_page (f, "render", "/main");
  g_assert_true (wait_until (f, &f->n_trees, 1));
  g_assert_cmpuint (f->n_rebuilds, ==, 1);
  g_assert_cmpstr (text_of (f, "count"), ==, "count: 0");
  g_assert_cmpstr (kari_page_session_get_base_dir (f->session), ==, f->app);
  first = kari_page_session_get_tree (f->session);
  g_assert_nonnull (kari_page_tree_lookup (first, "inc"));

  /* An answer with a new tree comes with its patch. */
  click (f, "inc");
  g_assert_true (wait_until (f, &f->n_trees, 2));
  g_assert_cmpuint (f->n_rebuilds, ==, 1);
  g_assert_cmpstr (text_of (f, "count"), ==, "count: 1");

  /* "" is no change, and no signal: the next answer is the third tree. */
  click (f, "nothing");
  click (f, "inc");
  g_assert_true (wait_until (f, &f->n_trees, 3));
  g_assert_cmpstr (text_of (f, "count"), ==, "count: 2");
  g_assert_cmpuint (f->n_trees, ==, 3);
  g_assert_cmpuint (f->n_failed, ==, 0);
}

static void
test_push (Fixture       *f,
           gconstpointer  data)
{
  open_page (f, "push", "/main");
  g_assert_true (wait_until (f, &f->n_trees, 1));

  click (f, "push");
  g_assert_true (wait_until (f, &f->n_trees, 2));
  g_assert_cmpstr (text_of (f, "count"), ==, "pushed: 1");
  g_assert_cmpuint (f->n_rebuilds, ==, 1);
  g_assert_true (wait_line (f, "push /main: ok"));
}

static void
test_invalid_tree (Fixture       *f,
                   gconstpointer  data)
{
  open_page (f, "invalid", "/main");
  g_assert_true (wait_until (f, &f->n_trees, 1));

  /* Answered garbage: an error state naming the node, logged against the
   * extension, and the extension (and the host) carry on. */
  click (f, "garbage");
  g_assert_true (wait_until (f, &f->n_failed, 1));
  g_assert_error (f->error, KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_INVALID_TREE);
  g_assert_nonnull (strstr (f->error->message, "rocket"));
  g_assert_true (wait_line (f, "HandlePageEvent /main: the host refused the page tree"));
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_RUNNING);

  /* A valid tree recovers the page, built afresh. */
  click (f, "inc");
  g_assert_true (wait_until (f, &f->n_trees, 2));
  g_assert_cmpuint (f->n_rebuilds, ==, 2);
  g_assert_cmpstr (text_of (f, "count"), ==, "count: 1");

  /* Pushed garbage: refused to the extension with the reason, and the
   * page shows the error. */
  click (f, "push-garbage");
  g_assert_true (wait_until (f, &f->n_failed, 2));
  g_assert_error (f->error, KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_INVALID_TREE);
  g_assert_true (wait_line (f, "push-garbage /main: The page /main of invalid is not valid"));
  g_assert_true (wait_line (f, "PushPage /main: the host refused the page tree"));
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_RUNNING);

  /* Over the size cap: refused before it is parsed; the page is as it was. */
  click (f, "inc");
  g_assert_true (wait_until (f, &f->n_trees, 3));
  click (f, "push-huge");
  g_assert_true (wait_line (f, "push-huge /main: PushPage: argument 2 is longer than 786432 bytes"));
  g_assert_cmpstr (text_of (f, "count"), ==, "count: 2");
  g_assert_cmpuint (f->n_failed, ==, 2);
}

static void
test_crash_restart (Fixture       *f,
                    gconstpointer  data)
{
  open_page (f, "crash", "/main");
  g_assert_true (wait_until (f, &f->n_trees, 1));
  click (f, "inc");
  g_assert_true (wait_until (f, &f->n_trees, 2));
  g_assert_cmpstr (text_of (f, "count"), ==, "count: 1");

  click (f, "crash");
  g_assert_true (wait_until (f, &f->n_failed, 1));
  g_assert_error (f->error, KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_CRASHED);
  g_assert_null (kari_page_session_get_tree (f->session));

  /* The supervisor restarts it; the page asks again and is built afresh
   * from the new run's tree. */
  g_assert_true (wait_until (f, &f->n_trees, 3));
  g_assert_cmpuint (f->n_rebuilds, ==, 2);
  g_assert_cmpstr (text_of (f, "count"), ==, "count: 0");
  g_assert_null (kari_page_session_get_error (f->session));
  g_assert_cmpuint (kari_supervisor_get_n_starts (f->supervisor), ==, 2);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  gint64 start;

  open_page (f, "timeout", "/main");
  kari_page_session_set_timeout (f->session, 500);
  g_assert_true (wait_until (f, &f->n_trees, 1));

  start = g_get_monotonic_time ();
  click (f, "slow");
  g_assert_true (wait_until (f, &f->n_failed, 1));
  g_assert_error (f->error, KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

/* A session dropped while the extension owes it an answer goes at once,
 * and the answer that never comes is not waited for. */
static void
test_dropped (Fixture       *f,
              gconstpointer  data)
{
  gpointer weak;
  guint failed;

  open_page (f, "dropped", "/main");
  g_assert_true (wait_until (f, &f->n_trees, 1));
  click (f, "slow");
  weak = f->session;
  g_object_add_weak_pointer (G_OBJECT (f->session), &weak);
  g_clear_object (&f->session);
  g_assert_null (weak);
  failed = f->n_failed;
  for (gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / 2; g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f->n_failed, ==, failed);
}

static void
test_not_declared (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(KariPageSession) other = NULL;

  open_page (f, "undeclared", "/nowhere");
  g_assert_true (wait_until (f, &f->n_failed, 1));
  g_assert_error (f->error, KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_NOT_DECLARED);
  g_assert_nonnull (strstr (f->error->message, "/nowhere"));

  /* The extension cannot push a page its manifest does not declare. */
  g_clear_object (&f->session);
  f->session = kari_page_session_new (f->supervisor, "/main");
  g_signal_connect (f->session, "tree-changed", G_CALLBACK (on_tree_changed), f);
  kari_page_session_start (f->session);
  g_assert_true (wait_until (f, &f->n_trees, 1));
  click (f, "undeclared");
  g_assert_true (wait_line (f, "push /nowhere: PushPage: the manifest of undeclared declares no page “/nowhere”"));
}

static void
test_push_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *line = NULL;

  open_page (f, "flood", "/main");
  g_assert_true (wait_until (f, &f->n_trees, 1));

  /* 200 pushes at once against 1 a second in bursts of 10: the burst
   * passes, and one more a second the flood lasts. */
  kari_broker_set_push_limit (kari_supervisor_get_broker (f->supervisor), 1, 10);
  click (f, "flood");
  g_assert_true (wait_line (f, "flood refused "));
  {
    g_auto(GStrv) lines = kari_supervisor_dup_log (f->supervisor);
    guint refused = 0;

    for (guint i = 0; lines[i] != NULL; i++)
      {
        const char *at = strstr (lines[i], "flood refused ");

        if (at != NULL)
          refused = (guint) g_ascii_strtoull (at + strlen ("flood refused "), NULL, 10);
      }
    g_assert_cmpuint (refused, >=, 170);
    g_assert_cmpuint (refused, <=, 190);
  }
  g_assert_cmpuint (f->n_failed, ==, 0);
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_RUNNING);
}

/* A declarative page: a tree in a file of an extension without runtime. */
static void
write_declarative (Fixture    *f,
                   const char *file_json)
{
  g_autofree char *extra = g_strdup_printf ("\"capabilities\": [\"ui.page\"],\n"
                                            "  \"ui\": {\"pages\": [{\"name\": \"Board\", \"path\": \"/board\"%s}]}",
                                            file_json);

  f->app = kari_test_write_extension (root, "app-board", "board", "1.0.0", extra);
}

static void
open_declarative (Fixture *f)
{
  g_autoptr(KariManifest) manifest = NULL;
  g_autoptr(GError) error = NULL;

  manifest = kari_manifest_load_dir (f->app, NULL, &error);
  g_assert_no_error (error);
  f->session = kari_page_session_new_declarative (manifest, f->app, "/board");
  g_signal_connect (f->session, "tree-changed", G_CALLBACK (on_tree_changed), f);
  g_signal_connect (f->session, "failed", G_CALLBACK (on_failed), f);
  kari_page_session_start (f->session);
}

static void
test_declarative (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *pages = NULL;

  write_declarative (f, ", \"file\": \"pages/board.json\"");
  pages = g_build_filename (f->app, "pages", NULL);
  g_free (kari_test_write (pages, "board.json",
                           "{\"id\": \"b\", \"type\": \"box\", \"children\": ["
                           "{\"id\": \"t\", \"type\": \"label\", \"text\": \"Static\"}]}"));
  open_declarative (f);
  g_assert_true (wait_until (f, &f->n_trees, 1));
  g_assert_cmpstr (text_of (f, "t"), ==, "Static");
  /* No runtime to answer events: they are dropped, nothing breaks. */
  click (f, "t");
  g_assert_cmpuint (f->n_failed, ==, 0);

  /* The file written again (as a plugin filling it would): the page
   * follows, by a patch. */
  g_free (kari_test_write (pages, "board.json",
                           "{\"id\": \"b\", \"type\": \"box\", \"children\": ["
                           "{\"id\": \"t\", \"type\": \"label\", \"text\": \"Updated\"}]}"));
  g_assert_true (wait_until (f, &f->n_trees, 2));
  g_assert_cmpuint (f->n_rebuilds, ==, 1);
  g_assert_cmpstr (text_of (f, "t"), ==, "Updated");
}

static void
test_declarative_refused (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *target = NULL;
  g_autofree char *link = NULL;

  /* A page file that is not a tree. */
  write_declarative (f, ", \"file\": \"board.json\"");
  g_free (kari_test_write (f->app, "board.json", "{\"id\": \"b\", \"type\": \"box\", \"children\": 3}"));
  open_declarative (f);
  g_assert_true (wait_until (f, &f->n_failed, 1));
  g_assert_error (f->error, KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_INVALID_TREE);
  g_assert_nonnull (strstr (f->error->message, "board.json"));
  g_clear_object (&f->session);
  kari_test_rm_rf (f->app);
  g_clear_pointer (&f->app, g_free);

  /* A link, which could lead out of the extension's folder. */
  write_declarative (f, ", \"file\": \"link.json\"");
  target = kari_test_write (root, "outside.json", "{\"id\": \"x\", \"type\": \"label\", \"text\": \"secret\"}");
  link = g_build_filename (f->app, "link.json", NULL);
  g_assert_cmpint (symlink (target, link), ==, 0);
  open_declarative (f);
  g_assert_true (wait_until (f, &f->n_failed, 2));
  g_assert_error (f->error, KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_FILE);
  g_assert_cmpuint (f->n_trees, ==, 0);
  g_unlink (target);
  g_clear_object (&f->session);
  kari_test_rm_rf (f->app);
  g_clear_pointer (&f->app, g_free);

  /* A page with no file at all. */
  write_declarative (f, "");
  open_declarative (f);
  g_assert_true (wait_until (f, &f->n_failed, 3));
  g_assert_error (f->error, KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_FILE);
}

/* No `file`: the page is pages/<route>.json (kari_page_file_for_page()),
 * read without following links, a folder's included. */
static void
test_declarative_by_route (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *pages = NULL;
  g_autofree char *outside = NULL;
  g_autofree char *link = NULL;

  write_declarative (f, "");
  pages = g_build_filename (f->app, "pages", NULL);
  g_free (kari_test_write (pages, "board.json", "{\"id\": \"t\", \"type\": \"label\", \"text\": \"By route\"}"));
  open_declarative (f);
  g_assert_true (wait_until (f, &f->n_trees, 1));
  g_assert_cmpstr (text_of (f, "t"), ==, "By route");
  g_clear_object (&f->session);
  kari_test_rm_rf (f->app);
  g_clear_pointer (&f->app, g_free);

  /* pages/ a link to a folder outside the extension's. */
  write_declarative (f, "");
  outside = g_build_filename (root, "outside-pages", NULL);
  g_free (kari_test_write (outside, "board.json", "{\"id\": \"t\", \"type\": \"label\", \"text\": \"secret\"}"));
  link = g_build_filename (f->app, "pages", NULL);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  open_declarative (f);
  g_assert_true (wait_until (f, &f->n_failed, 1));
  g_assert_error (f->error, KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_FILE);
  g_assert_nonnull (strstr (f->error->message, "pages/board.json"));
  g_assert_cmpuint (f->n_trees, ==, 1);
  kari_test_rm_rf (outside);
}

/* The example without a runtime: examples/extensions/quick-notes. */
static void
test_declarative_example (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *app = g_build_filename (g_getenv ("KARI_SOURCE_DIR"), "examples", "extensions", "quick-notes",
                                           NULL);
  g_autoptr(KariManifest) manifest = NULL;
  g_autoptr(GError) error = NULL;

  manifest = kari_manifest_load_dir (app, NULL, &error);
  g_assert_no_error (error);
  f->session = kari_page_session_new_declarative (manifest, app, "/notes");
  g_signal_connect (f->session, "tree-changed", G_CALLBACK (on_tree_changed), f);
  g_signal_connect (f->session, "failed", G_CALLBACK (on_failed), f);
  kari_page_session_start (f->session);
  g_assert_true (wait_until (f, &f->n_trees, 1));
  g_assert_cmpstr (text_of (f, "title"), ==, "Notes");
  g_assert_cmpint (kari_page_node_get_node_type (kari_page_tree_lookup (kari_page_session_get_tree (f->session),
                                                                        "recent")), ==, KARI_PAGE_NODE_TABLE);
  g_assert_cmpuint (f->n_failed, ==, 0);
}

static void
test_error_tree (void)
{
  g_autoptr(GError) error = g_error_new (KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_CRASHED,
                                         "it crashed \xff");
  g_autoptr(KariPageTree) tree = kari_page_session_new_error_tree (error, TRUE);
  g_autoptr(KariPageTree) plain = kari_page_session_new_error_tree (error, FALSE);

  g_assert_nonnull (kari_page_tree_lookup (tree, KARI_PAGE_SESSION_RESTART_ID));
  g_assert_null (kari_page_tree_lookup (plain, KARI_PAGE_SESSION_RESTART_ID));
  g_assert_true (g_str_has_prefix (kari_page_node_get_string (kari_page_tree_get_root (tree), "description"),
                                   "it crashed"));
}

/* As root, the same again as nobody. */
static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = kari_test_rerun_as_nobody ("KARI_PAGE_SESSION_UNPRIVILEGED", TRUE, &successful,
                                                     "-p", "/page-session/render-event",
                                                     "-p", "/page-session/crash-restart", NULL);

  if (!successful)
    g_printerr ("as nobody:\n%s\n", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "ok 1 /page-session/render-event"));
  g_assert_nonnull (strstr (out, "ok 2 /page-session/crash-restart"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  root = kari_test_supervisor_root ("kari-page-session-root-XXXXXX");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/page-session/render-event", test_render_event);
  ADD ("/page-session/crash-restart", test_crash_restart);
  ADD ("/page-session/push", test_push);
  ADD ("/page-session/invalid-tree", test_invalid_tree);
  ADD ("/page-session/timeout", test_timeout);
  ADD ("/page-session/dropped", test_dropped);
  ADD ("/page-session/not-declared", test_not_declared);
  ADD ("/page-session/push-limit", test_push_limit);
  ADD ("/page-session/declarative", test_declarative);
  ADD ("/page-session/declarative-refused", test_declarative_refused);
  ADD ("/page-session/declarative-example", test_declarative_example);
  ADD ("/page-session/declarative-by-route", test_declarative_by_route);
#undef ADD
  g_test_add_func ("/page-session/error-tree", test_error_tree);
  if (geteuid () == 0 && g_getenv ("KARI_PAGE_SESSION_UNPRIVILEGED") == NULL)
    g_test_add_func ("/page-session/unprivileged", test_unprivileged);

  status = g_test_run ();
  kari_test_rm_rf (root);
  g_free (root);
  return status;
}
