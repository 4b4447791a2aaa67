/* kari-broker-files.c — OpenFile: files handed to an extension by
 * descriptor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The path string is checked before any syscall (absolute, no NUL, no
 * "..", under PATH_MAX), then resolved the way the permission engine
 * matches it (kari_permission_resolve_path()): the check and the open
 * both use the resolved path. Its folder is opened with openat2() and
 * RESOLVE_NO_SYMLINKS, then the file beneath it with RESOLVE_BENEATH too:
 * the resolved path holds no symbolic link, so meeting one means the
 * folder changed after the check, and the open fails rather than follow
 * it. Without openat2() (Linux < 5.6) the call is refused: there is no
 * safe fallback.
 *
 * A descriptor handed out stays valid after the permission is revoked;
 * revoking stops new opens only.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kari-broker-private.h"
#include "kari-permission-pattern.h"

typedef struct
{
  const char *mode;
  int         flags;
  gboolean    read;
  gboolean    write;
} FileMode;

static const FileMode file_modes[] = {
  { "r",  O_RDONLY,                      TRUE,  FALSE },
  { "w",  O_WRONLY | O_CREAT | O_TRUNC,  FALSE, TRUE },
  { "a",  O_WRONLY | O_CREAT | O_APPEND, FALSE, TRUE },
  { "rw", O_RDWR | O_CREAT,              TRUE,  TRUE },
};

typedef struct
{
  char           *resolved;
  const FileMode *mode;
} OpenRequest;

static void
open_request_free (gpointer data)
{
  OpenRequest *request = data;

  g_free (request->resolved);
  g_free (request);
}

static const FileMode *
find_mode (const char *mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (file_modes); i++)
    if (g_str_equal (file_modes[i].mode, mode))
      return &file_modes[i];
  return NULL;
}

/* What is wrong with the path string itself, before it is resolved. */
static const char *
path_problem (const char *path,
              gsize       length)
{
  const char *component = path;

  if (length != strlen (path))
    return "holds a NUL byte";
  if (length >= PATH_MAX)
    return "is longer than PATH_MAX";
  if (path[0] != '/')
    return "is not absolute";
  while (component != NULL)
    {
      const char *end = strchr (component, '/');
      gsize size = end != NULL ? (gsize) (end - component) : strlen (component);

      if (size == 2 && component[0] == '.' && component[1] == '.')
        return "has a “..” component";
      component = end != NULL ? end + 1 : NULL;
    }
  return NULL;
}

static int
openat2_fd (int         dirfd,
            const char *path,
            guint64     flags,
            guint64     mode,
            guint64     resolve)
{
  struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };

  return (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
}

static const char *
open_failure (int saved)
{
  switch (saved)
    {
    case ENOSYS:
      return "the kernel lacks openat2(), which the host needs to open files safely";
    case ELOOP:
    case EXDEV:
      return "a symbolic link appeared on the way after the permission check";
    default:
      return g_strerror (saved);
    }
}

/* Opens @resolved, which holds no symbolic link, beneath its folder. */
static int
open_beneath (const char      *resolved,
              const FileMode  *mode,
              const char     **problem)
{
  g_autofree char *folder = g_path_get_dirname (resolved);
  g_autofree char *name = g_path_get_basename (resolved);
  const guint64 no_links = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  struct stat st;
  int saved;
  int dir;
  int fd;

  dir = openat2_fd (AT_FDCWD, folder, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, no_links);
  if (dir < 0)
    {
      *problem = open_failure (errno);
      return -1;
    }
  fd = openat2_fd (dir, name, (guint64) mode->flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
                   (mode->flags & O_CREAT) ? 0600 : 0, no_links | RESOLVE_BENEATH);
  saved = errno;
  close (dir);
  if (fd < 0)
    {
      *problem = open_failure (saved);
      return -1;
    }
  /* Devices, sockets and FIFOs are not files to hand out. */
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      *problem = "not a regular file";
      return -1;
    }
  return fd;
}

static void
open_allowed (KariBroker            *broker,
              GDBusMethodInvocation *invocation,
              gpointer               data)
{
  OpenRequest *request = data;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  const char *problem = NULL;
  int fd;
  int index;

  fd = open_beneath (request->resolved, request->mode, &problem);
  if (fd < 0)
    {
      shown = kari_permission_escape_for_display (request->resolved);
      g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_FAILED,
                                                  problem != NULL ? problem : "cannot open");
      g_debug ("OpenFile %s for %s: %s", shown, kari_broker_get_extension (broker), problem);
      return;
    }
  fds = g_unix_fd_list_new ();
  index = g_unix_fd_list_append (fds, fd, &error);
  close (fd);
  if (index < 0)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_FAILED, error->message);
      return;
    }
  g_dbus_method_invocation_return_value_with_unix_fd_list (invocation, g_variant_new ("(h)", index), fds);
}

static void
read_allowed (KariBroker            *broker,
              GDBusMethodInvocation *invocation,
              gpointer               data)
{
  OpenRequest *request = data;
  g_autofree char *permission = NULL;
  OpenRequest *copy;

  if (!request->mode->write)
    {
      open_allowed (broker, invocation, request);
      return;
    }
  permission = g_strconcat ("filesystem:write:", request->resolved, NULL);
  copy = g_new0 (OpenRequest, 1);
  copy->resolved = g_strdup (request->resolved);
  copy->mode = request->mode;
  _kari_broker_check_then (broker, invocation, permission, open_allowed, copy, open_request_free);
}

void
_kari_broker_open_file (KariBroker            *self,
                        GDBusMethodInvocation *invocation,
                        const char            *path,
                        const char            *mode)
{
  GVariant *params = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr(GVariant) path_value = g_variant_get_child_value (params, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *permission = NULL;
  OpenRequest *request;
  const FileMode *file_mode = find_mode (mode);
  const char *problem;
  gsize length = 0;

  g_variant_get_string (path_value, &length);
  problem = path_problem (path, length);
  if (problem != NULL)
    {
      _kari_broker_return_invalid (invocation, "OpenFile: the path %s", problem);
      return;
    }
  if (file_mode == NULL)
    {
      _kari_broker_return_invalid (invocation, "OpenFile: the mode must be “r”, “w”, “a” or “rw”");
      return;
    }

  request = g_new0 (OpenRequest, 1);
  request->mode = file_mode;
  request->resolved = kari_permission_resolve_path (path, &error);
  if (request->resolved == NULL)
    {
      open_request_free (request);
      _kari_broker_return_invalid (invocation, "OpenFile: %s", error->message);
      return;
    }
  permission = g_strconcat (file_mode->read ? "filesystem:read:" : "filesystem:write:",
                            request->resolved, NULL);
  _kari_broker_check_then (self, invocation, permission,
                           file_mode->read ? read_allowed : open_allowed, request, open_request_free);
}
