/* kari-page-route.c — where a declarative page's tree is in its
 * extension's folder: the one rule the renderer, the page sessions and
 * the app share, and reading it without leaving the folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kari-page-session.h"

/**
 * kari_page_file_for_route:
 * @route: a page's path in the manifest, such as `/analytics`
 * @error: return location for %KARI_PAGE_TREE_ERROR_UNSAFE_PATH
 *
 * Where a declared page's tree is found in the extension's folder when
 * its ui.pages entry names no `file`: `pages/analytics.json` for
 * `/analytics`.
 *
 * Returns: (transfer full): the relative path, or %NULL if @route does not
 *   make a safe one
 */
char *
kari_page_file_for_route (const char  *route,
                          GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (route != NULL, NULL);

  while (*route == '/')
    route++;
  path = g_strconcat ("pages/", route, ".json", NULL);
  if (*route == '\0' || !kari_page_path_is_safe (path, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_UNSAFE_PATH,
                     _("the page path “%s” names no file"), route);
      return NULL;
    }
  return g_steal_pointer (&path);
}

/* The `file` of the ui.pages (or ui.control_room_pages) entry of @page:
 * NULL when there is no such entry or it names no file. */
static const char *
declared_file (KariManifest *manifest,
               const char   *page)
{
  static const char * const lists[] = { "pages", "control_room_pages" };
  JsonNode *root = kari_manifest_get_root (manifest);
  JsonObject *ui;
  JsonNode *ui_node;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (ui_node = json_object_get_member (json_node_get_object (root), "ui")) == NULL
      || !JSON_NODE_HOLDS_OBJECT (ui_node))
    return NULL;
  ui = json_node_get_object (ui_node);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      JsonNode *node = json_object_get_member (ui, lists[i]);
      JsonArray *entries = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      for (guint j = 0; entries != NULL && j < json_array_get_length (entries); j++)
        {
          JsonNode *entry = json_array_get_element (entries, j);
          JsonObject *object = JSON_NODE_HOLDS_OBJECT (entry) ? json_node_get_object (entry) : NULL;
          JsonNode *path = object != NULL ? json_object_get_member (object, "path") : NULL;
          JsonNode *file = object != NULL ? json_object_get_member (object, "file") : NULL;

          if (path == NULL || !JSON_NODE_HOLDS_VALUE (path)
              || json_node_get_value_type (path) != G_TYPE_STRING
              || g_strcmp0 (json_node_get_string (path), page) != 0)
            continue;
          if (file != NULL && JSON_NODE_HOLDS_VALUE (file) && json_node_get_value_type (file) == G_TYPE_STRING)
            return json_node_get_string (file);
          return NULL;
        }
    }
  return NULL;
}

/**
 * kari_page_file_for_page:
 * @manifest: the extension's manifest
 * @page: the page's path, as its ui.pages (or ui.control_room_pages)
 *   entry declares it
 * @error: return location for %KARI_PAGE_TREE_ERROR_UNSAFE_PATH
 *
 * The rule for a declarative page's tree file: the `file` its entry
 * names wins; without one it is kari_page_file_for_route() of @page
 * (`pages/<route>.json`). Either way the path must stay inside the
 * extension's folder.
 *
 * Returns: (transfer full): the path relative to the extension's folder,
 *   or %NULL with @error set
 */
char *
kari_page_file_for_page (KariManifest  *manifest,
                         const char    *page,
                         GError       **error)
{
  const char *file;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KARI_IS_MANIFEST (manifest), NULL);
  g_return_val_if_fail (page != NULL, NULL);

  file = declared_file (manifest, page);
  if (file == NULL)
    return kari_page_file_for_route (page, error);
  if (!kari_page_path_is_safe (file, &local_error))
    {
      g_set_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_UNSAFE_PATH,
                   _("the file “%s” of page %s: %s"), file, page, local_error->message);
      return NULL;
    }
  return g_strdup (file);
}

static gboolean
fail_errno (GError    **error,
            const char *path,
            const char *what)
{
  int saved = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Could not open “%s” of the extension: %s: %s"), path, what, g_strerror (saved));
  return FALSE;
}

/**
 * kari_page_file_read:
 * @base_dir: the extension's folder
 * @path: a file in it, relative, as kari_page_path_is_safe() allows
 * @max_size: the largest file accepted, in bytes
 * @error: return location for a #GIOError or a #KARI_PAGE_TREE_ERROR
 *
 * Reads @path one component at a time without following symbolic links,
 * so a link planted in the folder cannot lead outside it; only a regular
 * file of at most @max_size bytes. Safe to call from a thread.
 *
 * Returns: (transfer full): the file's bytes (NUL-terminated past the
 *   end), or %NULL
 */
GBytes *
kari_page_file_read (const char  *base_dir,
                     const char  *path,
                     gsize        max_size,
                     GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *data = NULL;
  int dir, fd;
  struct stat st;
  gsize done = 0;

  if (!kari_page_path_is_safe (path, error))
    return NULL;
  if ((dir = open (base_dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    return fail_errno (error, path, _("the extension’s folder")), NULL;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i + 1] != NULL; i++)
    {
      /* O_NOFOLLOW with O_PATH opens a link itself, which O_DIRECTORY refuses. */
      int next = openat (dir, parts[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      close (dir);
      if (next < 0)
        return fail_errno (error, path, parts[i]), NULL;
      dir = next;
    }
  /* O_NONBLOCK: a FIFO planted there must not hang the open. */
  fd = openat (dir, parts[g_strv_length (parts) - 1], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  close (dir);
  if (fd < 0)
    return fail_errno (error, path, _("the file")), NULL;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || (gsize) st.st_size > max_size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” of the extension is not a regular file of at most %" G_GSIZE_FORMAT " bytes"),
                   path, max_size);
      close (fd);
      return NULL;
    }
  data = g_malloc (st.st_size + 1);
  while (done < (gsize) st.st_size)
    {
      gssize n = read (fd, data + done, st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }
  close (fd);
  data[done] = '\0';
  return g_bytes_new_take (g_steal_pointer (&data), done);
}
