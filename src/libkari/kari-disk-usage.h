/* kari-disk-usage.h — what an extension's data folder holds on disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KARI_DISK_USAGE_ERROR (kari_disk_usage_error_quark ())

/**
 * KariDiskUsageError:
 * @KARI_DISK_USAGE_ERROR_OPEN: the folder or one below it cannot be opened
 * @KARI_DISK_USAGE_ERROR_TOO_DEEP: the tree is deeper than the bound
 * @KARI_DISK_USAGE_ERROR_TOO_MANY: the tree holds more entries than the bound
 *
 * Error codes in %KARI_DISK_USAGE_ERROR. The two bounds are quotas in
 * their own right: a tree past them is treated as over quota.
 */
typedef enum
{
  KARI_DISK_USAGE_ERROR_OPEN,
  KARI_DISK_USAGE_ERROR_TOO_DEEP,
  KARI_DISK_USAGE_ERROR_TOO_MANY,
} KariDiskUsageError;

/**
 * KariDiskUsage:
 * @bytes: the apparent size (st_size) of every regular file and symbolic
 *   link, each inode once however many hard links name it
 * @n_entries: entries seen, folders included, the root excluded
 *
 * The result of one walk.
 */
typedef struct
{
  guint64 bytes;
  guint64 n_entries;
} KariDiskUsage;

#define KARI_DISK_USAGE_DEFAULT_MAX_DEPTH   64
#define KARI_DISK_USAGE_DEFAULT_MAX_ENTRIES 100000

GQuark   kari_disk_usage_error_quark    (void);

gboolean kari_disk_usage_measure        (const char           *path,
                                         guint                 max_depth,
                                         guint64               max_entries,
                                         GCancellable         *cancellable,
                                         KariDiskUsage        *usage,
                                         GError              **error);
void     kari_disk_usage_measure_async  (const char           *path,
                                         guint                 max_depth,
                                         guint64               max_entries,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean kari_disk_usage_measure_finish (GAsyncResult         *result,
                                         KariDiskUsage        *usage,
                                         GError              **error);

G_END_DECLS
