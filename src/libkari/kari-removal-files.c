/* kari-removal-files.c — deleting what an extension or a tenant left on
 * disk, never following a symbolic link out of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#include "kari-removal-private.h"

/* `$XDG_DATA_HOME/kari/@what` */
char *
_kari_removal_dir (const char *what)
{
  return g_build_filename (g_get_user_data_dir (), "kari", what, NULL);
}

/* A macro, so that the format stays a literal the compiler checks. */
#define IO_FAIL(error, saved_errno, format, path) \
  (g_set_error ((error), G_IO_ERROR, g_io_error_from_errno (saved_errno), (format), (path), \
                g_strerror (saved_errno)), FALSE)

/* Removes @name beneath @dirfd and everything under it, never following
 * a symbolic link: one met is removed, not what it points to. Gone
 * already is success. */
static gboolean
remove_tree_at (int          parent_fd,
                const char  *name,
                const char  *shown,
                GError     **error)
{
  struct stat st;
  struct dirent *entry;
  DIR *dir;
  int fd;

  if (fstatat (parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return errno == ENOENT ? TRUE : IO_FAIL (error, errno, _("Could not look at %s: %s"), shown);
  if (!S_ISDIR (st.st_mode))
    {
      if (unlinkat (parent_fd, name, 0) != 0 && errno != ENOENT)
        return IO_FAIL (error, errno, _("Could not remove %s: %s"), shown);
      return TRUE;
    }

  /* A folder the extension made unreadable is still its own. */
  if ((st.st_mode & S_IRWXU) != S_IRWXU)
    fchmodat (parent_fd, name, (st.st_mode & 07777) | S_IRWXU, 0);

  fd = openat (parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? TRUE : IO_FAIL (error, errno, _("Could not open %s: %s"), shown);
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      int saved_errno = errno;

      close (fd);
      return IO_FAIL (error, saved_errno, _("Could not read %s: %s"), shown);
    }
  while ((entry = readdir (dir)) != NULL)
    {
      g_autofree char *child = NULL;

      if (g_str_equal (entry->d_name, ".") || g_str_equal (entry->d_name, ".."))
        continue;
      child = g_build_filename (shown, entry->d_name, NULL);
      if (!remove_tree_at (dirfd (dir), entry->d_name, child, error))
        {
          closedir (dir);
          return FALSE;
        }
    }
  closedir (dir);

  if (unlinkat (parent_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
    return IO_FAIL (error, errno, _("Could not remove %s: %s"), shown);
  return TRUE;
}

gboolean
_kari_removal_remove_tree (const char  *path,
             GError     **error)
{
  return remove_tree_at (AT_FDCWD, path, path, error);
}

/* Calls @each for every folder directly under @root (a tenant's folder
 * of stores or data); a missing @root has none. */
gboolean
_kari_removal_for_each_tenant_dir (const char  *root,
                                   KariRemovalEach   each,
                                   gpointer          data,
                     GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  dir = g_dir_open (root, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK)
          && !each (path, data, error))
        return FALSE;
    }
  return TRUE;
}

/* Whether @name has a folder under @what/<tenant>/ or a file
 * @what/<tenant>/@name@suffix, in any tenant. */
gboolean
_kari_removal_in_any_tenant (const char *what,
               const char *name,
               const char *suffix)
{
  g_autofree char *root = _kari_removal_dir (what);
  g_autofree char *file = g_strconcat (name, suffix, NULL);
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  const char *tenant;

  while (dir != NULL && (tenant = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, tenant, file, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        return TRUE;
    }
  return FALSE;
}

