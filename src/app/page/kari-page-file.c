/* kari-page-file.c: reading a file of the extension's folder without
 * leaving it, and pages declared as files (no runtime needed), shown and
 * updated when the file changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-page-view-private.h"

/* Reads @path beneath @base_dir without following links:
 * kari_page_file_read() of libkari, which the page sessions use too. */
GBytes *
_kari_page_read_beneath (const char  *base_dir,
                         const char  *path,
                         gsize        max_size,
                         GError     **error)
{
  return kari_page_file_read (base_dir, path, max_size, error);
}

/* Which file a declared page is: kari_page_file_for_page() and
 * kari_page_file_for_route() of libkari (kari-page-route.c). */

/**
 * kari_page_tree_load_beneath:
 * @extension_dir: the extension's folder
 * @path: a relative path in it, such as `pages/analytics.json`
 * @error: return location for a #GIOError or a #KARI_PAGE_TREE_ERROR
 *
 * Reads and parses a page tree from the extension's folder without
 * leaving it (see kari_page_path_is_safe()); errors name the file.
 *
 * Returns: (transfer full): the tree, or %NULL
 */
KariPageTree *
kari_page_tree_load_beneath (const char  *extension_dir,
                             const char  *path,
                             GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  KariPageTree *tree;
  gsize size;
  const char *text;

  g_return_val_if_fail (extension_dir != NULL && path != NULL, NULL);

  bytes = _kari_page_read_beneath (extension_dir, path, 1024 * 1024, error);
  if (bytes == NULL)
    return NULL;
  text = g_bytes_get_data (bytes, &size);
  tree = kari_page_tree_new_from_data (text != NULL ? text : "", size, &local_error);
  if (tree == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", path, local_error->message);
      return NULL;
    }
  return tree;
}

typedef struct
{
  char  *dir;
  char  *path;
  guint  reload;
} Reload;

static void
reload_free (Reload *r)
{
  g_free (r->dir);
  g_free (r->path);
  g_free (r);
}

static void
reload_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Reload *r = task_data;
  GError *error = NULL;
  KariPageTree *tree = kari_page_tree_load_beneath (r->dir, r->path, &error);

  if (tree == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tree, g_object_unref);
}

static void
on_reloaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  KariPageView *self = KARI_PAGE_VIEW (source);
  Reload *r = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPageTree) tree = g_task_propagate_pointer (G_TASK (result), &error);

  /* The view went, or a newer change of the file is being read. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || !_kari_page_view_is_latest_reload (self, r->reload))
    return;
  /* A bad edit keeps the last good page on screen and says what is wrong. */
  _kari_page_view_set_load_error (self, error != NULL ? error->message : NULL);
  if (tree != NULL)
    kari_page_view_set_tree (self, tree);
}

/* Reads and parses the file again in a worker thread: a big page never
 * holds the main loop. */
static void
reload (KariPageView *self)
{
  g_autoptr(GTask) task = NULL;
  Reload *r;

  if (kari_page_view_get_base_dir (self) == NULL || _kari_page_view_get_file (self) == NULL)
    return;
  r = g_new0 (Reload, 1);
  r->dir = g_strdup (kari_page_view_get_base_dir (self));
  r->path = g_strdup (_kari_page_view_get_file (self));
  r->reload = _kari_page_view_start_reload (self);
  task = g_task_new (self, _kari_page_view_get_cancellable (self), on_reloaded, NULL);
  g_task_set_source_tag (task, reload);
  g_task_set_task_data (task, r, (GDestroyNotify) reload_free);
  g_task_run_in_thread (task, reload_in_thread);
}

static void
on_file_changed (GFileMonitor      *monitor,
                 GFile             *file,
                 GFile             *other,
                 GFileMonitorEvent  event,
                 KariPageView      *self)
{
  if (event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT || event == G_FILE_MONITOR_EVENT_CREATED
      || event == G_FILE_MONITOR_EVENT_MOVED_IN || event == G_FILE_MONITOR_EVENT_RENAMED)
    reload (self);
}

/**
 * kari_page_view_load_file:
 * @self: a page view
 * @extension_dir: the extension's folder
 * @path: the page's file in it, as kari_page_file_for_page() finds it
 * @error: return location for a #GIOError or a #KARI_PAGE_TREE_ERROR
 *
 * Shows a page declared as a file of the extension (no runtime needed),
 * its images read from @extension_dir, and shows it again, patched in
 * place, whenever the file changes. A change that does not parse keeps
 * the page as it was and sets #KariPageView:load-error.
 *
 * Returns: %TRUE if the page could be read and shown
 */
gboolean
kari_page_view_load_file (KariPageView  *self,
                          const char    *extension_dir,
                          const char    *path,
                          GError       **error)
{
  g_autoptr(KariPageTree) tree = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileMonitor) monitor = NULL;

  g_return_val_if_fail (KARI_IS_PAGE_VIEW (self), FALSE);
  g_return_val_if_fail (extension_dir != NULL && path != NULL, FALSE);

  tree = kari_page_tree_load_beneath (extension_dir, path, error);
  if (tree == NULL)
    return FALSE;
  kari_page_view_set_base_dir (self, extension_dir);
  kari_page_view_set_tree (self, tree);
  _kari_page_view_set_load_error (self, NULL);

  file = g_file_new_build_filename (extension_dir, path, NULL);
  monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (monitor != NULL)
    g_signal_connect_object (monitor, "changed", G_CALLBACK (on_file_changed), self, 0);
  _kari_page_view_set_file (self, path, monitor);
  return TRUE;
}
