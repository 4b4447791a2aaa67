/* kari-page-session.c — one open native page and the extension behind it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session asks the extension's broker for the page's first tree,
 * forwards the person's events, takes the trees the extension pushes,
 * and hands each new tree on with its diff from the one before, so a
 * view only patches what changed. It never blocks: every call into the
 * extension is asynchronous and has a deadline.
 *
 * A page without a runtime (declarative) is a JSON tree in the
 * extension's folder: kari_page_file_for_page() says which.
 *
 * Answers come back in any order and from runs that may have ended: each
 * call carries the run it was made for, and an answer from an older run
 * is dropped.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-page-session.h"

struct _KariPageSession
{
  GObject         parent_instance;

  KariSupervisor *supervisor;     /* NULL for a declarative page */
  KariManifest   *manifest;
  char           *app_dir;
  char           *page;
  guint           timeout_ms;

  KariBroker     *broker;         /* the current run's, while running */
  guint           run;            /* bumped at each attach and detach */
  gulong          state_id;
  gboolean        started;

  char           *file;           /* a declarative page's tree file, relative */
  GFileMonitor   *monitor;        /* on it: the page follows its file */

  KariPageTree   *tree;           /* the tree shown, NULL in an error state */
  GError         *error;          /* why the page shows an error state */
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (KariPageSession, kari_page_session, G_TYPE_OBJECT)

G_DEFINE_QUARK (kari-page-session-error-quark, kari_page_session_error)

enum {
  SIGNAL_TREE_CHANGED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void detach (KariPageSession *self);

static void
kari_page_session_dispose (GObject *object)
{
  KariPageSession *self = KARI_PAGE_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  detach (self);
  if (self->supervisor != NULL)
    g_clear_signal_handler (&self->state_id, self->supervisor);
  g_clear_object (&self->supervisor);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
    }
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (kari_page_session_parent_class)->dispose (object);
}

static void
kari_page_session_finalize (GObject *object)
{
  KariPageSession *self = KARI_PAGE_SESSION (object);

  g_clear_object (&self->manifest);
  g_clear_object (&self->tree);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_free (self->app_dir);
  g_free (self->page);
  g_free (self->file);

  G_OBJECT_CLASS (kari_page_session_parent_class)->finalize (object);
}

static void
kari_page_session_class_init (KariPageSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kari_page_session_dispose;
  object_class->finalize = kari_page_session_finalize;

  /**
   * KariPageSession::tree-changed:
   * @tree: the page's new tree
   * @patch: (nullable): the steps from the tree before to @tree; %NULL
   *   when there was none shown (the first tree, or the first after an
   *   error state), so the view builds @tree afresh
   *
   * The page changed. Trees that change nothing are not announced.
   */
  signals[SIGNAL_TREE_CHANGED] =
    g_signal_new ("tree-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, KARI_TYPE_PAGE_TREE, KARI_TYPE_PAGE_PATCH);
  /**
   * KariPageSession::failed:
   * @error: why, a #KARI_PAGE_SESSION_ERROR
   *
   * The page cannot be shown: the extension crashed, timed out, sent a
   * tree that is not valid, or is not running. The session recovers by
   * itself when the extension is restarted or sends a valid tree.
   */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
kari_page_session_init (KariPageSession *self)
{
  self->timeout_ms = KARI_BROKER_PAGE_TIMEOUT_MS;
  self->cancellable = g_cancellable_new ();
}

static gboolean
manifest_declares (KariManifest *manifest,
                   const char   *page)
{
  return g_strv_contains (kari_manifest_get_page_paths (manifest), page);
}

/* ------------------------------------------------------------------ */
/* What the page shows                                                 */

static void
show_tree (KariPageSession *self,
           KariPageTree    *tree)
{
  g_autoptr(KariPagePatch) patch = NULL;

  if (self->tree != NULL)
    {
      patch = kari_page_diff (self->tree, tree);
      if (kari_page_patch_get_n_ops (patch) == 0)
        return;
    }
  g_clear_error (&self->error);
  g_set_object (&self->tree, tree);
  g_signal_emit (self, signals[SIGNAL_TREE_CHANGED], 0, tree, patch);
}

static void
show_error (KariPageSession *self,
            GError          *error)
{
  g_clear_object (&self->tree);
  g_clear_error (&self->error);
  self->error = error;
  g_debug ("Page %s: %s", self->page, error->message);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
}

/* Turns what a broker call failed with into a session error. */
static GError *
session_error_from (KariPageSession *self,
                    const GError    *error)
{
  KariPageSessionError code = KARI_PAGE_SESSION_ERROR_FAILED;

  if (error->domain == KARI_PAGE_TREE_ERROR)
    code = KARI_PAGE_SESSION_ERROR_INVALID_TREE;
  else if (g_error_matches (error, KARI_BROKER_ERROR, KARI_BROKER_ERROR_TIMED_OUT))
    code = KARI_PAGE_SESSION_ERROR_TIMED_OUT;
  else if (g_error_matches (error, KARI_BROKER_ERROR, KARI_BROKER_ERROR_NOT_CONNECTED))
    code = KARI_PAGE_SESSION_ERROR_CRASHED;
  return g_error_new (KARI_PAGE_SESSION_ERROR, code, "%s", error->message);
}

/* ------------------------------------------------------------------ */
/* Pages with a runtime                                                */

/* A call holds its session weakly: a session dropped by its owner is
 * disposed at once, which cancels the calls it made. */
typedef struct
{
  GWeakRef self;
  guint    run;
} Call;

static Call *
call_new (KariPageSession *self)
{
  Call *call = g_new (Call, 1);

  g_weak_ref_init (&call->self, self);
  call->run = self->run;
  return call;
}

static void
call_free (Call *call)
{
  g_weak_ref_clear (&call->self);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

/* The session an answer is for, or NULL when it is gone or the answer
 * is to a call of an older run. */
static KariPageSession *
call_dup_session (Call         *call,
                  const GError *error)
{
  KariPageSession *self = g_weak_ref_get (&call->self);

  if (self != NULL && (call->run != self->run || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    g_clear_object (&self);
  return self;
}

static void
on_rendered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPageTree) tree = kari_broker_render_page_finish (KARI_BROKER (source), result, &error);
  g_autoptr(KariPageSession) self = call_dup_session (call, error);

  if (self == NULL)
    return;
  if (tree != NULL)
    show_tree (self, tree);
  else
    show_error (self, session_error_from (self, error));
}

static void
on_event_answered (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPageTree) tree = kari_broker_handle_page_event_finish (KARI_BROKER (source), result, &error);
  g_autoptr(KariPageSession) self = call_dup_session (call, error);

  if (self == NULL)
    return;
  if (tree != NULL)
    show_tree (self, tree);
  else if (error != NULL)
    show_error (self, session_error_from (self, error));
}

static void
on_page_pushed (KariBroker      *broker,
                const char      *page,
                KariPageTree    *tree,
                const GError    *error,
                KariPageSession *self)
{
  if (!g_str_equal (page, self->page))
    return;
  if (tree != NULL)
    show_tree (self, tree);
  else
    show_error (self, g_error_new (KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_INVALID_TREE,
                                   "%s", error->message));
}

static char *
context_new (KariPageSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tenant");
  json_builder_add_string_value (builder, kari_broker_get_tenant (self->broker));
  json_builder_set_member_name (builder, "locale");
  json_builder_add_string_value (builder, g_get_language_names ()[0]);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
detach (KariPageSession *self)
{
  if (self->broker == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->broker, self);
  g_clear_object (&self->broker);
  self->run++;
}

/* The extension is running: takes its broker and asks for the page. */
static void
attach (KariPageSession *self,
        KariBroker      *broker)
{
  const char * const *offered = kari_broker_get_offered (broker, "pages");
  g_autofree char *context = NULL;

  detach (self);
  self->broker = g_object_ref (broker);
  self->run++;
  g_signal_connect (broker, "page-pushed", G_CALLBACK (on_page_pushed), self);

  if (offered == NULL || !g_strv_contains (offered, self->page))
    {
      show_error (self, g_error_new (KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_NOT_DECLARED,
                                     _("%s does not render the page %s"),
                                     kari_broker_get_extension (broker), self->page));
      return;
    }
  context = context_new (self);
  kari_broker_render_page_async (broker, self->page, context, (int) self->timeout_ms, self->cancellable,
                                 on_rendered, call_new (self));
}

static void
on_state_changed (KariSupervisor  *supervisor,
                  int              state,
                  const char      *reason,
                  KariPageSession *self)
{
  KariBroker *broker = kari_supervisor_get_broker (supervisor);

  if (state == KARI_STATE_RUNNING && broker != NULL)
    attach (self, broker);
  else if (state == KARI_STATE_CRASHED || state == KARI_STATE_FAILED || state == KARI_STATE_STOPPED)
    {
      gboolean was_attached = self->broker != NULL;

      detach (self);
      if (was_attached || self->tree != NULL)
        show_error (self, g_error_new (KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_CRASHED,
                                       state == KARI_STATE_STOPPED ? _("%s stopped: %s")
                                                                   : _("%s crashed: %s"),
                                       kari_supervisor_get_name (supervisor),
                                       reason != NULL ? reason : kari_state_to_string (state)));
    }
}

/* ------------------------------------------------------------------ */
/* Declarative pages                                                   */

/* What the loading thread reads: a file of the extension's folder. */
typedef struct
{
  char *app_dir;
  char *file;
} FileLoad;

static void
file_load_free (FileLoad *load)
{
  g_free (load->app_dir);
  g_free (load->file);
  g_free (load);
}

/* Reads the page's file, a regular file of at most
 * %KARI_BROKER_MAX_PAGE_SIZE bytes reached without following a link (a
 * link could lead out of the folder), in a thread. */
static void
load_file_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  FileLoad *load = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  KariPageTree *tree;
  gsize length = 0;
  const char *text;

  bytes = kari_page_file_read (load->app_dir, load->file, KARI_BROKER_MAX_PAGE_SIZE, &error);
  if (bytes == NULL)
    {
      g_task_return_new_error (task, KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_FILE,
                               _("The page file %s cannot be read: %s"), load->file, error->message);
      return;
    }
  text = g_bytes_get_data (bytes, &length);
  tree = kari_page_tree_new_from_data (text != NULL ? text : "", (gssize) length, &error);
  if (tree == NULL)
    g_task_return_new_error (task, KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_INVALID_TREE,
                             _("The page file %s is not valid: %s"), load->file, error->message);
  else
    g_task_return_pointer (task, tree, g_object_unref);
}

static void
on_file_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPageTree) tree = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(KariPageSession) self = call_dup_session (call, error);

  if (self == NULL)
    return;
  if (tree != NULL)
    show_tree (self, tree);
  else
    show_error (self, g_steal_pointer (&error));
}

static void
load_declarative (KariPageSession *self)
{
  g_autoptr(GTask) task = NULL;
  FileLoad *load;

  /* Not the task's source: a session dropped by its owner must go at
   * once, not when the thread is done. The newest read wins. */
  self->run++;
  task = g_task_new (NULL, self->cancellable, on_file_loaded, call_new (self));
  load = g_new0 (FileLoad, 1);
  load->app_dir = g_strdup (self->app_dir);
  load->file = g_strdup (self->file);
  g_task_set_task_data (task, load, (GDestroyNotify) file_load_free);
  g_task_run_in_thread (task, load_file_thread);
}

/* A page whose data a plugin or a store writes to its file follows it. */
static void
on_file_changed (GFileMonitor      *monitor,
                 GFile             *file,
                 GFile             *other,
                 GFileMonitorEvent  event,
                 KariPageSession   *self)
{
  if (event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT || event == G_FILE_MONITOR_EVENT_CREATED
      || event == G_FILE_MONITOR_EVENT_DELETED || event == G_FILE_MONITOR_EVENT_MOVED_IN
      || event == G_FILE_MONITOR_EVENT_RENAMED)
    load_declarative (self);
}

static void
start_declarative (KariPageSession *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = kari_page_file_for_page (self->manifest, self->page, &error);
  g_autofree char *path = NULL;
  g_autoptr(GFile) gfile = NULL;

  if (file == NULL)
    {
      show_error (self, g_error_new (KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_FILE,
                                     _("The page %s of %s has no tree file: %s"), self->page,
                                     kari_manifest_get_name (self->manifest), error->message));
      return;
    }
  self->file = g_strdup (file);
  path = g_build_filename (self->app_dir, file, NULL);
  gfile = g_file_new_for_path (path);
  self->monitor = g_file_monitor_file (gfile, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->monitor != NULL)
    g_signal_connect (self->monitor, "changed", G_CALLBACK (on_file_changed), self);
  else
    g_debug ("Page %s: %s is not watched: %s", self->page, path, error->message);
  load_declarative (self);
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */

/**
 * kari_page_session_new:
 * @supervisor: the supervisor of the extension rendering the page
 * @page: the page's path, as its manifest's ui.pages declares it
 *
 * Makes a session for a page an extension renders; nothing happens
 * until kari_page_session_start().
 *
 * Returns: (transfer full): a new session
 */
KariPageSession *
kari_page_session_new (KariSupervisor *supervisor,
                       const char     *page)
{
  KariPageSession *self;

  g_return_val_if_fail (KARI_IS_SUPERVISOR (supervisor), NULL);
  g_return_val_if_fail (page != NULL, NULL);

  self = g_object_new (KARI_TYPE_PAGE_SESSION, NULL);
  self->supervisor = g_object_ref (supervisor);
  self->manifest = g_object_ref (kari_supervisor_get_manifest (supervisor));
  self->app_dir = g_strdup (kari_supervisor_get_app_dir (supervisor));
  self->page = g_strdup (page);
  return self;
}

/**
 * kari_page_session_new_declarative:
 * @manifest: the extension's manifest
 * @app_dir: the extension's folder
 * @page: the page's path, as @manifest's ui.pages declares it
 *
 * Makes a session for a page shipped as a JSON tree in the extension's
 * folder, for extensions without a runtime: the `file` of its ui.pages
 * entry, else `pages/<route>.json` (kari_page_file_for_page()). The
 * page follows the file:
 * when it is written again (by a plugin or a store filling it with
 * data), the page is updated by the diff.
 *
 * Returns: (transfer full): a new session
 */
KariPageSession *
kari_page_session_new_declarative (KariManifest *manifest,
                                   const char   *app_dir,
                                   const char   *page)
{
  KariPageSession *self;

  g_return_val_if_fail (KARI_IS_MANIFEST (manifest), NULL);
  g_return_val_if_fail (app_dir != NULL && page != NULL, NULL);

  self = g_object_new (KARI_TYPE_PAGE_SESSION, NULL);
  self->manifest = g_object_ref (manifest);
  self->app_dir = g_strdup (app_dir);
  self->page = g_strdup (page);
  return self;
}

/**
 * kari_page_session_set_timeout:
 * @self: a session
 * @timeout_ms: how long a render or an event waits for the extension
 *
 * Sets the deadline of calls into the extension; past it, the page shows
 * %KARI_PAGE_SESSION_ERROR_TIMED_OUT. The default is
 * %KARI_BROKER_PAGE_TIMEOUT_MS.
 */
void
kari_page_session_set_timeout (KariPageSession *self,
                               guint            timeout_ms)
{
  g_return_if_fail (KARI_IS_PAGE_SESSION (self));
  g_return_if_fail (timeout_ms > 0);

  self->timeout_ms = timeout_ms;
}

/**
 * kari_page_session_start:
 * @self: a session
 *
 * Loads the page: asks the extension for its tree when it runs (else
 * waits for it to start), or reads a declarative page's file. The
 * answer comes as #KariPageSession::tree-changed or
 * #KariPageSession::failed.
 */
void
kari_page_session_start (KariPageSession *self)
{
  KariBroker *broker;
  KariState state;

  g_return_if_fail (KARI_IS_PAGE_SESSION (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  if (!manifest_declares (self->manifest, self->page))
    {
      show_error (self, g_error_new (KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_NOT_DECLARED,
                                     _("The manifest of %s declares no page %s in ui.pages"),
                                     kari_manifest_get_name (self->manifest), self->page));
      return;
    }
  if (self->supervisor == NULL)
    {
      start_declarative (self);
      return;
    }

  self->state_id = g_signal_connect (self->supervisor, "state-changed", G_CALLBACK (on_state_changed), self);
  state = kari_supervisor_get_state (self->supervisor);
  broker = kari_supervisor_get_broker (self->supervisor);
  if (state == KARI_STATE_RUNNING && broker != NULL)
    attach (self, broker);
  else if (state != KARI_STATE_STARTING && state != KARI_STATE_ENABLED)
    show_error (self, g_error_new (KARI_PAGE_SESSION_ERROR, KARI_PAGE_SESSION_ERROR_NOT_RUNNING,
                                   _("%s is not running (%s)"), kari_manifest_get_name (self->manifest),
                                   kari_state_to_string (state)));
}

/**
 * kari_page_session_send_event:
 * @self: a session
 * @node_id: the id of the node acted on
 * @kind: "click", "change", "submit" or "activate"
 * @value: (nullable): the event's value, as #KariPageView::event gives it
 *
 * Hands a person's action to the extension; its answer, if it changes
 * the page, comes as #KariPageSession::tree-changed. Events on a
 * declarative page, or while the extension is not running, are dropped.
 */
void
kari_page_session_send_event (KariPageSession *self,
                              const char      *node_id,
                              const char      *kind,
                              JsonNode        *value)
{
  g_return_if_fail (KARI_IS_PAGE_SESSION (self));
  g_return_if_fail (node_id != NULL && kind != NULL);

  if (self->broker == NULL)
    {
      g_debug ("Page %s: event %s on %s dropped, no extension to answer it", self->page, kind, node_id);
      return;
    }
  kari_broker_handle_page_event_async (self->broker, self->page, node_id, kind, value, (int) self->timeout_ms,
                                       self->cancellable, on_event_answered, call_new (self));
}

/** kari_page_session_get_page: Returns: the page's path */
const char *
kari_page_session_get_page (KariPageSession *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_SESSION (self), NULL);
  return self->page;
}

/**
 * kari_page_session_get_base_dir:
 * @self: a session
 *
 * Returns: the extension's folder, where the page's images are
 */
const char *
kari_page_session_get_base_dir (KariPageSession *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_SESSION (self), NULL);
  return self->app_dir;
}

/**
 * kari_page_session_get_tree:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the tree shown, %NULL before the
 *   first or in an error state
 */
KariPageTree *
kari_page_session_get_tree (KariPageSession *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_SESSION (self), NULL);
  return self->tree;
}

/**
 * kari_page_session_get_error:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): why the page shows an error state
 */
const GError *
kari_page_session_get_error (KariPageSession *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_SESSION (self), NULL);
  return self->error;
}

/**
 * kari_page_status_tree_new:
 * @id: the status node's id
 * @icon_name: a symbolic icon's name
 * @title: the title
 * @description: what happened and what to do; any bytes, made valid
 *   UTF-8 and cut at 4 KiB as a page's strings are
 * @actions: (nullable) (array zero-terminated=1): button ids and labels,
 *   alternating, for a row of buttons under the text
 *
 * Builds a tree the host shows in place of a page: a status node, and
 * the buttons in a horizontal box with the id `@id-actions`.
 *
 * Returns: (transfer full): the tree
 */
KariPageTree *
kari_page_status_tree_new (const char         *id,
                           const char         *icon_name,
                           const char         *title,
                           const char         *description,
                           const char * const *actions)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = g_utf8_make_valid (description, -1);
  g_autofree char *actions_id = g_strconcat (id, "-actions", NULL);
  KariPageTree *tree;

  /* Bounded as a page's strings are: it may quote the extension. */
  if (strlen (text) > 4096)
    text[g_utf8_find_prev_char (text, text + 4096) - text] = '\0';
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "status");
  json_builder_set_member_name (builder, "icon");
  json_builder_add_string_value (builder, icon_name);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, title);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "children");
  json_builder_begin_array (builder);
  if (actions != NULL && actions[0] != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, actions_id);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "box");
      json_builder_set_member_name (builder, "orientation");
      json_builder_add_string_value (builder, "horizontal");
      json_builder_set_member_name (builder, "spacing");
      json_builder_add_int_value (builder, 12);
      json_builder_set_member_name (builder, "children");
      json_builder_begin_array (builder);
      for (guint i = 0; actions[i] != NULL && actions[i + 1] != NULL; i += 2)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, actions[i]);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, "button");
          json_builder_set_member_name (builder, "label");
          json_builder_add_string_value (builder, actions[i + 1]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  tree = kari_page_tree_new_from_json (root, NULL);
  g_assert (tree != NULL);
  return tree;
}

/**
 * kari_page_session_new_error_tree:
 * @error: why the page cannot be shown
 * @can_restart: whether to offer a button with id
 *   %KARI_PAGE_SESSION_RESTART_ID
 *
 * Builds the error state a view shows in place of a page: a status node
 * with the message, and a restart button when the extension can be
 * restarted.
 *
 * Returns: (transfer full): the tree
 */
KariPageTree *
kari_page_session_new_error_tree (const GError *error,
                                  gboolean      can_restart)
{
  const char *restart[] = { KARI_PAGE_SESSION_RESTART_ID, _("Restart"), NULL };

  return kari_page_status_tree_new ("kari-page-error", "dialog-error-symbolic", _("This page cannot be shown"),
                                    error->message, can_restart ? restart : NULL);
}
