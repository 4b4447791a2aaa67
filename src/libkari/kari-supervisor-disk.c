/* kari-supervisor-disk.c — an extension's data folder held to its quota
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The quota is the manifest's `resources.max_disk_mb`; without
 * privileges the kernel has no per-folder quota to enforce it, so:
 *
 *  - every process of the sandbox runs with RLIMIT_FSIZE at the quota
 *    (SIGXFSZ ignored): no single file grows past it between two counts,
 *    a write that would fails with EFBIG;
 *  - the host counts the folder off the main loop (kari-disk-usage.c)
 *    soon after anything changes in it or in one of its first 32
 *    folders (inotify monitors, debounced, one walk at a time) and every
 *    interval for deeper changes;
 *  - at 90 % the extension is told once (Extension1.Notify
 *    "disk-quota-warning");
 *  - past 100 % it is told ("disk-quota-exceeded") and restarted with
 *    /data bound read-only: reads work, writes fail with EROFS, nothing
 *    written is lost;
 *  - once the person frees space and usage is back under the quota, it
 *    is restarted with /data writable and told ("disk-quota-ok").
 *
 * Each restart goes through the lifecycle (stopping, stopped, starting,
 * running) with its reason.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "kari-disk-usage.h"
#include "kari-store.h"
#include "kari-supervisor-private.h"

/* After a change, wait this long for more before counting. */
#define DEBOUNCE_MSEC     200
/* Folders of /data watched besides /data itself. */
#define MAX_SUB_MONITORS  32
/* How long a notice may wait for the extension's answer. */
#define NOTICE_TIMEOUT_MS 2000

guint64
_kari_supervisor_quota_bytes (KariSupervisor *self)
{
  gint64 mb = kari_manifest_get_max_disk_mb (self->manifest);

  return mb > 0 ? (guint64) mb << 20 : 0;
}

/* The bytes of the extension's store in its tenant (file and WAL): the
 * quota covers /data and the store together. */
static guint64
store_bytes (KariSupervisor *self)
{
  g_autofree char *path = kari_store_dup_path (NULL, self->tenant, self->name, NULL);
  static const char * const suffixes[] = { "", "-wal" };
  guint64 total = 0;

  for (guint i = 0; path != NULL && i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      GStatBuf st;

      if (g_stat (file, &st) == 0)
        total += (guint64) st.st_size;
    }
  return total;
}

/* What the store may hold: what /data leaves of the quota (0: no quota). */
guint64
_kari_supervisor_store_quota (KariSupervisor *self)
{
  guint64 quota = _kari_supervisor_quota_bytes (self);

  if (quota == 0)
    return 0;
  return self->disk_bytes < quota ? quota - self->disk_bytes : 1;
}

static gboolean
is_warning_level (KariSupervisor *self,
                  guint64         bytes)
{
  guint64 quota = _kari_supervisor_quota_bytes (self);

  return quota > 0 && bytes / 9 >= quota / 10;
}

/* ------------------------------------------------------------------ */
/* Telling the extension                                               */

typedef struct
{
  Run  *run;
  char *reason;        /* when set, restart read-only once answered */
} Notice;

static void
on_notice_answered (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Notice *notice = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  KariSupervisor *self = notice->run->self;

  if (reply == NULL)
    g_debug ("A notice was not answered: %s", error->message);
  /* Told or not (it may not listen), the restart goes on. */
  if (notice->reason != NULL && self != NULL && self->run == notice->run)
    _kari_supervisor_restart (self, notice->reason, "Restarting with /data read-only: over the disk quota");
  _kari_supervisor_run_unref (notice->run);
  g_free (notice->reason);
  g_free (notice);
}

/* Sends Extension1.Notify to the current run; then, with @restart_reason,
 * restarts it read-only. Without a connection the restart is at once. */
static void
tell (KariSupervisor *self,
      const char     *kind,
      const char     *message,
      const char     *restart_reason)
{
  GDBusConnection *connection = self->run != NULL ? kari_broker_get_connection (self->run->broker) : NULL;
  Notice *notice;

  if (connection == NULL)
    {
      if (restart_reason != NULL)
        _kari_supervisor_restart (self, restart_reason, "Restarting with /data read-only: over the disk quota");
      return;
    }
  notice = g_new0 (Notice, 1);
  notice->run = _kari_supervisor_run_ref (self->run);
  notice->reason = g_strdup (restart_reason);
  g_dbus_connection_call (connection, NULL, KARI_BROKER_EXTENSION_PATH, "io.github.kari.Extension1", "Notify",
                          g_variant_new ("(ss)", kind, message), NULL, G_DBUS_CALL_FLAGS_NONE,
                          NOTICE_TIMEOUT_MS, NULL, on_notice_answered, notice);
}

static char *
describe_usage (KariSupervisor *self)
{
  guint64 quota = _kari_supervisor_quota_bytes (self);

  return g_strdup_printf ("%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes (%" G_GUINT64_FORMAT
                          " %%) used in %s", self->disk_bytes, quota,
                          quota > 0 ? self->disk_bytes * 100 / quota : 0, self->data_dir);
}

static void
warn (KariSupervisor *self)
{
  g_autofree char *usage = describe_usage (self);
  g_autofree char *message = g_strdup_printf ("Disk quota nearly reached: %s", usage);

  self->quota_warned = TRUE;
  _kari_supervisor_add_line (self, "supervisor", message, -1);
  tell (self, "disk-quota-warning", message, NULL);
}

/* Called once the run made its handshake: says what it runs with. */
void
_kari_supervisor_disk_handshake (KariSupervisor *self)
{
  g_autofree char *usage = NULL;
  g_autofree char *message = NULL;

  if (_kari_supervisor_quota_bytes (self) == 0)
    return;
  usage = describe_usage (self);
  if (self->data_read_only)
    {
      message = g_strdup_printf ("Disk quota exceeded: %s; /data is read-only until space is freed", usage);
      tell (self, "disk-quota-exceeded", message, NULL);
    }
  else if (self->quota_recovered)
    {
      self->quota_recovered = FALSE;
      message = g_strdup_printf ("Disk usage back under the quota: %s; /data is writable again", usage);
      tell (self, "disk-quota-ok", message, NULL);
    }
  if (!self->data_read_only && is_warning_level (self, self->disk_bytes))
    warn (self);
}

/* ------------------------------------------------------------------ */
/* Counting                                                            */

static void walk (KariSupervisor *self);
static void watch_folders (KariSupervisor *self);
static void stop_watching (KariSupervisor *self);

static void
on_measured (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  KariSupervisor *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  KariDiskUsage usage = { 0, 0 };
  gboolean counted = kari_disk_usage_measure_finish (result, &usage, &error);
  guint64 quota, total;

  /* Cancelled only at dispose: @self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->disk_walking = FALSE;
  quota = _kari_supervisor_quota_bytes (self);
  if (!counted && error->code == KARI_DISK_USAGE_ERROR_OPEN)
    {
      g_debug ("Cannot measure the data of %s: %s", self->name, error->message);
      return;
    }
  self->disk_bytes = usage.bytes;
  if (self->run != NULL && self->run->broker != NULL)
    kari_broker_set_store_quota (self->run->broker, _kari_supervisor_store_quota (self));
  total = usage.bytes + store_bytes (self);

  if (!counted)
    why = g_strdup_printf ("Disk quota exceeded: %s", error->message);
  else if (total > quota)
    why = g_strdup_printf ("Disk quota exceeded: %" G_GUINT64_FORMAT " bytes in %s and its store, the quota is %"
                           G_GUINT64_FORMAT, total, self->data_dir, quota);

  if (why != NULL)
    {
      if (!self->over_quota)
        _kari_supervisor_add_line (self, "supervisor", why, -1);
      self->over_quota = TRUE;
      if (self->run != NULL && !self->data_read_only && !self->restarting)
        {
          g_autofree char *reason = g_strdup_printf ("%s; restarting with /data read-only", why);

          self->data_read_only = TRUE;
          tell (self, "disk-quota-exceeded", reason, reason);
        }
    }
  else
    {
      if (self->over_quota)
        {
          g_autofree char *back = describe_usage (self);
          g_autofree char *line = g_strdup_printf ("Disk usage back under the quota: %s", back);

          self->over_quota = FALSE;
          _kari_supervisor_add_line (self, "supervisor", line, -1);
        }
      /* A restart under way finishes first; the next count sees this. */
      if (self->data_read_only && !self->restarting)
        {
          self->data_read_only = FALSE;
          self->quota_recovered = TRUE;
          if (self->run != NULL)
            _kari_supervisor_restart (self, "Disk usage back under the quota; restarting with /data writable",
                                      "Restarting with /data writable: back under the disk quota");
        }
      else if (!is_warning_level (self, total))
        self->quota_warned = FALSE;
      else if (!self->quota_warned && self->run != NULL && self->state == KARI_STATE_RUNNING)
        warn (self);
    }

  if (self->disk_again)
    {
      self->disk_again = FALSE;
      walk (self);
    }
  /* Past the run, the walk goes on only to see usage come back under. */
  else if (self->run == NULL && !self->over_quota && !self->data_read_only)
    {
      g_clear_handle_id (&self->disk_id, g_source_remove);
      stop_watching (self);
    }
  else
    watch_folders (self);
}

static void
walk (KariSupervisor *self)
{
  if (self->disk_walking)
    {
      self->disk_again = TRUE;
      return;
    }
  self->disk_walking = TRUE;
  kari_disk_usage_measure_async (self->data_dir, KARI_DISK_USAGE_DEFAULT_MAX_DEPTH,
                                 KARI_DISK_USAGE_DEFAULT_MAX_ENTRIES, self->disk_cancellable,
                                 on_measured, self);
}

static gboolean
on_disk_tick (gpointer user_data)
{
  KariSupervisor *self = user_data;

  if (self->run == NULL && !self->over_quota && !self->data_read_only)
    {
      self->disk_id = 0;
      stop_watching (self);
      return G_SOURCE_REMOVE;
    }
  if (!self->disk_walking)
    walk (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_disk_soon (gpointer user_data)
{
  KariSupervisor *self = user_data;

  self->disk_soon_id = 0;
  walk (self);
  return G_SOURCE_REMOVE;
}

/* Any change at the top of /data: count again soon, once however many
 * events come meanwhile. */
static void
on_data_changed (GFileMonitor      *monitor,
                 GFile             *file,
                 GFile             *other,
                 GFileMonitorEvent  event,
                 gpointer           user_data)
{
  KariSupervisor *self = user_data;

  if (self->disk_soon_id == 0)
    self->disk_soon_id = g_timeout_add (DEBOUNCE_MSEC, on_disk_soon, self);
}

static void
stop_watching (KariSupervisor *self)
{
  if (self->disk_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->disk_monitor, self);
      g_file_monitor_cancel (self->disk_monitor);
    }
  g_clear_object (&self->disk_monitor);
  for (guint i = 0; self->disk_sub_monitors != NULL && i < self->disk_sub_monitors->len; i++)
    {
      GFileMonitor *monitor = self->disk_sub_monitors->pdata[i];

      g_signal_handlers_disconnect_by_data (monitor, self);
      g_file_monitor_cancel (monitor);
    }
  g_clear_pointer (&self->disk_sub_monitors, g_ptr_array_unref);
}

static void
on_folders_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KariSupervisor *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autolist(GFileInfo) infos = g_file_enumerator_next_files_finish (G_FILE_ENUMERATOR (source), result, &error);
  GFile *data = g_file_enumerator_get_container (G_FILE_ENUMERATOR (source));

  /* Cancelled only at dispose: @self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->disk_listing = FALSE;
  if (self->disk_monitor == NULL)
    return;

  /* Watches are made again each time: folders come and go. */
  if (self->disk_sub_monitors != NULL)
    for (guint i = 0; i < self->disk_sub_monitors->len; i++)
      {
        g_signal_handlers_disconnect_by_data (self->disk_sub_monitors->pdata[i], self);
        g_file_monitor_cancel (self->disk_sub_monitors->pdata[i]);
      }
  g_clear_pointer (&self->disk_sub_monitors, g_ptr_array_unref);
  self->disk_sub_monitors = g_ptr_array_new_with_free_func (g_object_unref);
  for (GList *l = infos; l != NULL && self->disk_sub_monitors->len < MAX_SUB_MONITORS; l = l->next)
    {
      g_autoptr(GFile) folder = NULL;
      GFileMonitor *monitor;

      if (g_file_info_get_file_type (l->data) != G_FILE_TYPE_DIRECTORY)
        continue;
      folder = g_file_get_child (data, g_file_info_get_name (l->data));
      monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
      if (monitor == NULL)
        continue;
      g_file_monitor_set_rate_limit (monitor, DEBOUNCE_MSEC);
      g_signal_connect (monitor, "changed", G_CALLBACK (on_data_changed), self);
      g_ptr_array_add (self->disk_sub_monitors, monitor);
    }
}

static void
on_folders_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KariSupervisor *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children_finish (G_FILE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (children == NULL)
    {
      self->disk_listing = FALSE;
      g_debug ("Cannot list %s: %s", self->data_dir, error->message);
      return;
    }
  /* The first entries only: a folder of many is watched at its top. */
  g_file_enumerator_next_files_async (children, MAX_SUB_MONITORS * 4, G_PRIORITY_DEFAULT,
                                      self->disk_cancellable, on_folders_listed, self);
}

/* Watches the folders directly in /data too, at most MAX_SUB_MONITORS,
 * listed off the main loop after each count. */
static void
watch_folders (KariSupervisor *self)
{
  g_autoptr(GFile) data = NULL;

  if (self->disk_monitor == NULL || self->disk_listing)
    return;
  self->disk_listing = TRUE;
  data = g_file_new_for_path (self->data_dir);
  g_file_enumerate_children_async (data, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, G_PRIORITY_DEFAULT,
                                   self->disk_cancellable, on_folders_opened, self);
}

/* Called when a run starts: watches /data and walks at once, then after
 * each change and every interval. */
void
_kari_supervisor_disk_start (KariSupervisor *self)
{
  if (_kari_supervisor_quota_bytes (self) == 0 || self->disk_msec == 0)
    return;
  if (self->disk_cancellable == NULL)
    self->disk_cancellable = g_cancellable_new ();
  if (self->disk_monitor == NULL)
    {
      g_autoptr(GFile) data = g_file_new_for_path (self->data_dir);
      g_autoptr(GError) error = NULL;

      self->disk_monitor = g_file_monitor_directory (data, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
      if (self->disk_monitor == NULL)
        g_debug ("Cannot watch %s, counting every %u ms only: %s", self->data_dir, self->disk_msec,
                 error->message);
      else
        {
          g_file_monitor_set_rate_limit (self->disk_monitor, DEBOUNCE_MSEC);
          g_signal_connect (self->disk_monitor, "changed", G_CALLBACK (on_data_changed), self);
        }
    }
  if (self->disk_id == 0)
    self->disk_id = g_timeout_add (self->disk_msec, on_disk_tick, self);
  walk (self);
}

/* Called at dispose: no walk may call back into a gone supervisor. */
void
_kari_supervisor_disk_stop (KariSupervisor *self)
{
  g_clear_handle_id (&self->disk_id, g_source_remove);
  g_clear_handle_id (&self->disk_soon_id, g_source_remove);
  stop_watching (self);
  g_cancellable_cancel (self->disk_cancellable);
  g_clear_object (&self->disk_cancellable);
}

/**
 * kari_supervisor_set_disk_check:
 * @self: a #KariSupervisor
 * @interval_msec: time between walks of the data folder, 10000 by
 *   default, besides the walk soon after each change at its top; 0
 *   turns the quota off
 *
 * The quota is the manifest's `resources.max_disk_mb`; there is no check
 * without it. Takes effect at the next start.
 */
void
kari_supervisor_set_disk_check (KariSupervisor *self,
                                guint           interval_msec)
{
  g_return_if_fail (KARI_IS_SUPERVISOR (self));
  self->disk_msec = interval_msec;
}

/**
 * kari_supervisor_get_disk_usage:
 * @self: a #KariSupervisor
 *
 * Returns: the bytes the last walk counted in the data folder
 */
guint64
kari_supervisor_get_disk_usage (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), 0);
  return self->disk_bytes;
}

/**
 * kari_supervisor_get_over_quota:
 * @self: a #KariSupervisor
 *
 * Returns: %TRUE when the last walk found the data folder over its
 *   quota; the extension then runs with /data read-only until one finds
 *   it under
 */
gboolean
kari_supervisor_get_over_quota (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), FALSE);
  return self->over_quota;
}

/**
 * kari_supervisor_get_data_read_only:
 * @self: a #KariSupervisor
 *
 * Returns: whether the extension runs (or will next run) with /data
 *   read-only because it went over its disk quota
 */
gboolean
kari_supervisor_get_data_read_only (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), FALSE);
  return self->data_read_only;
}
