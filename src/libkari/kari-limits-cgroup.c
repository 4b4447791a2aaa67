/* kari-limits-cgroup.c — what the cgroup v1 and v2 backends share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kari-limits-private.h"

static gboolean
list_contains (const char *list,
               const char *item)
{
  g_auto(GStrv) items = g_strsplit (list, ",", -1);

  return g_strv_contains ((const char *const *) items, item);
}

/* The mount point and mount root of the hierarchy of @fstype ("cgroup" or
 * "cgroup2") holding @controller (NULL for cgroup2). */
static gboolean
find_mount (const char  *fstype,
            const char  *controller,
            char       **mount_point,
            char       **mount_root)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/mountinfo", &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) halves = g_strsplit (lines[i], " - ", 2);
      g_auto(GStrv) left = NULL;
      g_auto(GStrv) right = NULL;

      if (g_strv_length (halves) != 2)
        continue;
      left = g_strsplit (halves[0], " ", -1);
      right = g_strsplit (halves[1], " ", -1);
      if (g_strv_length (left) < 5 || g_strv_length (right) < 3
          || strcmp (right[0], fstype) != 0)
        continue;
      if (controller != NULL && !list_contains (right[2], controller))
        continue;
      /* mountinfo escapes spaces and backslashes in octal */
      *mount_root = g_strcompress (left[3]);
      *mount_point = g_strcompress (left[4]);
      return TRUE;
    }
  return FALSE;
}

/* This process's path in the hierarchy holding @controller, from
 * /proc/self/cgroup ("N:controllers:path"; "0::path" for cgroup2). */
static char *
own_path (const char *controller)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/cgroup", &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ":", 3);

      if (g_strv_length (fields) != 3)
        continue;
      if (controller == NULL ? strcmp (fields[0], "0") == 0 && fields[1][0] == '\0'
                             : list_contains (fields[1], controller))
        return g_strdup (fields[2]);
    }
  return NULL;
}

char *
_kari_limits_cgroup_own_dir (const char  *fstype,
                             const char  *controller,
                             GError     **error)
{
  g_autofree char *mount_point = NULL;
  g_autofree char *mount_root = NULL;
  g_autofree char *path = NULL;
  const char *rel;

  if (!find_mount (fstype, controller, &mount_point, &mount_root))
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_UNAVAILABLE,
                   "No %s hierarchy%s%s is mounted", fstype,
                   controller ? " for " : "", controller ? controller : "");
      return NULL;
    }
  path = own_path (controller);
  if (path == NULL || path[0] != '/')
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_UNAVAILABLE,
                   "This process has no %s group in /proc/self/cgroup",
                   controller ? controller : fstype);
      return NULL;
    }
  /* A hierarchy mounted from a sub-folder shows paths relative to its root. */
  rel = path;
  if (strcmp (mount_root, "/") != 0 && g_str_has_prefix (path, mount_root))
    rel = path + strlen (mount_root);
  return g_build_filename (mount_point, rel, NULL);
}

static void
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what,
                 const char  *path)
{
  KariLimitsError code = KARI_LIMITS_ERROR_FAILED;

  if (saved_errno == ESRCH)
    code = KARI_LIMITS_ERROR_NO_PROCESS;
  else if (saved_errno == EBUSY)
    code = KARI_LIMITS_ERROR_BUSY;
  g_set_error (error, KARI_LIMITS_ERROR, code, "Cannot %s %s: %s",
               what, path, g_strerror (saved_errno));
}

gboolean
_kari_limits_cgroup_write (const char  *dir,
                           const char  *file,
                           const char  *value,
                           GError     **error)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  gsize len = strlen (value);
  int fd;
  gssize n;

  fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      set_errno_error (error, errno, "open", path);
      return FALSE;
    }
  n = write (fd, value, len);
  if (n != (gssize) len)
    {
      int saved_errno = n < 0 ? errno : EIO;

      close (fd);
      set_errno_error (error, saved_errno, "write to", path);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

gboolean
_kari_limits_cgroup_read_u64 (const char  *dir,
                              const char  *file,
                              guint64     *value,
                              GError     **error)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &local))
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_FAILED,
                   "Cannot read %s: %s", path, local->message);
      return FALSE;
    }
  g_strchomp (contents);
  if (strcmp (contents, "max") == 0)
    {
      *value = G_MAXUINT64;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (contents, 10, 0, G_MAXUINT64, value, &local))
    {
      g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_FAILED,
                   "Cannot read %s: %s", path, local->message);
      return FALSE;
    }
  return TRUE;
}

/* Finds "@key N" on its own line of @text (memory.events, cpu.stat,
 * memory.oom_control). */
gboolean
_kari_limits_parse_keyed_u64 (const char *text,
                              const char *key,
                              guint64    *value)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gsize key_len = strlen (key);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strncmp (lines[i], key, key_len) == 0 && lines[i][key_len] == ' ')
      return g_ascii_string_to_unsigned (lines[i] + key_len + 1, 10, 0, G_MAXUINT64,
                                         value, NULL);
  return FALSE;
}

gboolean
_kari_limits_cgroup_attach (const char  *dir,
                            GPid         pid,
                            GError     **error)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%d", (int) pid);
  if (!_kari_limits_cgroup_write (dir, "cgroup.procs", buf, error))
    {
      if (g_error_matches (*error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_NO_PROCESS))
        {
          g_clear_error (error);
          g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_NO_PROCESS,
                       "Cannot attach process %d to %s: no such process", (int) pid, dir);
        }
      return FALSE;
    }
  return TRUE;
}

static GArray *
read_procs (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "cgroup.procs", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (GPid));

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return pids;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 pid;

      if (g_ascii_string_to_unsigned (lines[i], 10, 1, G_MAXINT, &pid, NULL))
        {
          GPid p = (GPid) pid;
          g_array_append_val (pids, p);
        }
    }
  return pids;
}

guint
_kari_limits_cgroup_count_procs (const char *dir)
{
  g_autoptr(GArray) pids = read_procs (dir);

  return pids->len;
}

gboolean
_kari_limits_cgroup_kill_all (const char  *dir,
                              GError     **error)
{
  /* A fork bomb may add processes while we kill: go round until empty. */
  for (guint round = 0; round < 1000; round++)
    {
      g_autoptr(GArray) pids = read_procs (dir);

      if (pids->len == 0)
        return TRUE;
      for (guint i = 0; i < pids->len; i++)
        kill (g_array_index (pids, GPid, i), SIGKILL);
      g_usleep (1000);
    }
  g_set_error (error, KARI_LIMITS_ERROR, KARI_LIMITS_ERROR_BUSY,
               "Processes of %s outlived 1000 rounds of SIGKILL", dir);
  return FALSE;
}

gboolean
_kari_limits_cgroup_remove (const char  *dir,
                            GError     **error)
{
  if (g_rmdir (dir) != 0 && errno != ENOENT)
    {
      set_errno_error (error, errno, "remove", dir);
      return FALSE;
    }
  return TRUE;
}
