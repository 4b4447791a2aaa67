/* kari-disk-usage.c — what an extension's data folder holds on disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kari-disk-usage.h"

/**
 * SECTION:kari-disk-usage
 * @title: Disk usage
 *
 * Walks a folder the extension writes to without ever following a
 * symbolic link (openat with O_NOFOLLOW, fstatat with
 * AT_SYMLINK_NOFOLLOW) and without leaving its file system, so a hostile
 * tree can neither send the walk elsewhere nor loop it.
 *
 * Files count by apparent size, not by allocated blocks: a sparse file
 * counts in full. That over-counts against the extension, never under,
 * and it is exact whatever the file system. Folders count as entries,
 * not bytes; their cost is bounded by the entry count instead.
 */

G_DEFINE_QUARK (kari-disk-usage-error-quark, kari_disk_usage_error)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DIR, closedir)

/* g_autofd is GLib 2.76; this is the same for 2.74. */
static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}
#define kari_autofd __attribute__ ((cleanup (close_fd)))

typedef struct
{
  dev_t          dev;
  guint          max_depth;
  guint64        max_entries;
  GCancellable  *cancellable;
  GHashTable    *linked;   /* "dev:ino" of files with more than one link */
  KariDiskUsage *usage;
} Walk;

static gboolean
walk_dir (Walk        *walk,
          int          fd,
          const char  *path,
          guint        depth,
          GError     **error)
{
  g_autoptr(DIR) dir = NULL;
  struct dirent *entry;
  int dup_fd = dup (fd);

  if (dup_fd < 0 || (dir = fdopendir (dup_fd)) == NULL)
    {
      int saved = errno;
      if (dup_fd >= 0)
        close (dup_fd);
      g_set_error (error, KARI_DISK_USAGE_ERROR, KARI_DISK_USAGE_ERROR_OPEN,
                   "Cannot read the folder %s: %s", path, g_strerror (saved));
      return FALSE;
    }

  while ((errno = 0, entry = readdir (dir)) != NULL)
    {
      struct stat st;
      g_autofree char *child = NULL;

      if (g_str_equal (entry->d_name, ".") || g_str_equal (entry->d_name, ".."))
        continue;
      if (g_cancellable_set_error_if_cancelled (walk->cancellable, error))
        return FALSE;
      if (++walk->usage->n_entries > walk->max_entries)
        {
          g_set_error (error, KARI_DISK_USAGE_ERROR, KARI_DISK_USAGE_ERROR_TOO_MANY,
                       "%s holds more than %" G_GUINT64_FORMAT " entries", path, walk->max_entries);
          return FALSE;
        }
      /* Gone since readdir: the extension is writing; not ours to count. */
      if (fstatat (fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;

      if (S_ISREG (st.st_mode) || S_ISLNK (st.st_mode))
        {
          if (st.st_nlink > 1 && S_ISREG (st.st_mode))
            {
              char *key = g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev, (uintmax_t) st.st_ino);

              if (!g_hash_table_add (walk->linked, key))
                continue;
            }
          walk->usage->bytes += (guint64) st.st_size;
        }
      else if (S_ISDIR (st.st_mode) && st.st_dev == walk->dev)
        {
          kari_autofd int child_fd = -1;

          child = g_build_filename (path, entry->d_name, NULL);
          if (depth + 1 > walk->max_depth)
            {
              g_set_error (error, KARI_DISK_USAGE_ERROR, KARI_DISK_USAGE_ERROR_TOO_DEEP,
                           "%s is deeper than %u folders", child, walk->max_depth);
              return FALSE;
            }
          child_fd = openat (fd, entry->d_name,
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
          if (child_fd < 0)
            {
              int saved = errno;
              if (saved == ENOENT)
                continue;
              g_set_error (error, KARI_DISK_USAGE_ERROR, KARI_DISK_USAGE_ERROR_OPEN,
                           "Cannot open the folder %s: %s", child, g_strerror (saved));
              return FALSE;
            }
          if (!walk_dir (walk, child_fd, child, depth + 1, error))
            return FALSE;
        }
    }
  if (errno != 0)
    {
      int saved = errno;
      g_set_error (error, KARI_DISK_USAGE_ERROR, KARI_DISK_USAGE_ERROR_OPEN,
                   "Cannot read the folder %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/**
 * kari_disk_usage_measure:
 * @path: the folder to walk; itself may not be a symbolic link
 * @max_depth: folders below @path the walk goes at most
 * @max_entries: entries the walk reads at most
 * @cancellable: (nullable): a #GCancellable
 * @usage: (out caller-allocates): where the counts go
 * @error: return location for a #GError
 *
 * Counts what @path holds, synchronously: use
 * kari_disk_usage_measure_async() from a main loop. A tree past
 * @max_depth or @max_entries is an error
 * (%KARI_DISK_USAGE_ERROR_TOO_DEEP, %KARI_DISK_USAGE_ERROR_TOO_MANY);
 * @usage then holds what was counted so far.
 *
 * Returns: %TRUE when the whole tree was counted
 */
gboolean
kari_disk_usage_measure (const char     *path,
                         guint           max_depth,
                         guint64         max_entries,
                         GCancellable   *cancellable,
                         KariDiskUsage  *usage,
                         GError        **error)
{
  g_autoptr(GHashTable) linked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  kari_autofd int fd = -1;
  struct stat st;
  Walk walk = { 0, max_depth, max_entries, cancellable, linked, usage };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (usage != NULL, FALSE);

  usage->bytes = 0;
  usage->n_entries = 0;
  fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, KARI_DISK_USAGE_ERROR, KARI_DISK_USAGE_ERROR_OPEN,
                   "Cannot open the folder %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  walk.dev = st.st_dev;
  return walk_dir (&walk, fd, path, 0, error);
}

typedef struct
{
  char          *path;
  guint          max_depth;
  guint64        max_entries;
  KariDiskUsage  usage;
} MeasureData;

static void
measure_data_free (MeasureData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
measure_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  MeasureData *data = task_data;
  GError *error = NULL;

  if (!kari_disk_usage_measure (data->path, data->max_depth, data->max_entries, cancellable,
                                &data->usage, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * kari_disk_usage_measure_async:
 * @path: the folder to walk
 * @max_depth: folders below @path the walk goes at most
 * @max_entries: entries the walk reads at most
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the thread-default main context when done
 * @user_data: data for @callback
 *
 * Runs kari_disk_usage_measure() in a worker thread.
 */
void
kari_disk_usage_measure_async (const char          *path,
                               guint                max_depth,
                               guint64              max_entries,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  MeasureData *data = g_new0 (MeasureData, 1);

  g_return_if_fail (path != NULL);

  data->path = g_strdup (path);
  data->max_depth = max_depth;
  data->max_entries = max_entries;
  g_task_set_source_tag (task, kari_disk_usage_measure_async);
  g_task_set_task_data (task, data, (GDestroyNotify) measure_data_free);
  g_task_run_in_thread (task, measure_thread);
}

/**
 * kari_disk_usage_measure_finish:
 * @result: the #GAsyncResult given to the callback
 * @usage: (out caller-allocates): where the counts go, set even on an
 *   error past a bound
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the whole tree was counted
 */
gboolean
kari_disk_usage_measure_finish (GAsyncResult   *result,
                                KariDiskUsage  *usage,
                                GError        **error)
{
  MeasureData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (usage != NULL, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  *usage = data->usage;
  return g_task_propagate_boolean (G_TASK (result), error);
}
