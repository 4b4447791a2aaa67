/* kari-supervisor-disk.c — an extension's data folder against its quota
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "kari-disk-usage.h"
#include "kari-store.h"
#include "kari-supervisor-private.h"

/* Without privileges nothing stops a write at the quota: the host walks
 * the data folder off the main loop, stops an extension over it and
 * refuses to start it again until a later walk finds it back under. */

static guint64
quota_bytes (KariSupervisor *self)
{
  gint64 mb = kari_manifest_get_max_disk_mb (self->manifest);

  return mb > 0 ? (guint64) mb << 20 : 0;
}

/* The bytes of the extension's store in its tenant (file and WAL). */
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

/* What the store may hold: the quota covers /data and the store
 * together, so the store gets what /data leaves (0: no quota). */
guint64
_kari_supervisor_store_quota (KariSupervisor *self)
{
  guint64 quota = quota_bytes (self);

  if (quota == 0)
    return 0;
  return self->disk_bytes < quota ? quota - self->disk_bytes : 1;
}

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

  /* Cancelled only at dispose: @self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->disk_walking = FALSE;
  self->disk_bytes = usage.bytes;
  if (self->run != NULL && self->run->broker != NULL)
    kari_broker_set_store_quota (self->run->broker, _kari_supervisor_store_quota (self));
  if (!counted && error->code == KARI_DISK_USAGE_ERROR_OPEN)
    {
      g_debug ("Cannot measure the data of %s: %s", self->name, error->message);
      return;
    }

  if (!counted)
    why = g_strdup_printf ("Disk quota exceeded: %s", error->message);
  else if (usage.bytes + store_bytes (self) > quota_bytes (self))
    why = g_strdup_printf ("Disk quota exceeded: %" G_GUINT64_FORMAT " bytes in %s and its store, the quota is %"
                           G_GUINT64_FORMAT, usage.bytes + store_bytes (self), self->data_dir, quota_bytes (self));

  if (why != NULL)
    {
      if (!self->over_quota)
        _kari_supervisor_add_line (self, "supervisor", why, -1);
      self->over_quota = TRUE;
      _kari_supervisor_kill (self, why);
    }
  else if (self->over_quota)
    {
      self->over_quota = FALSE;
      _kari_supervisor_add_line (self, "supervisor", "Disk usage back under the quota", -1);
    }
  /* Past the run, the walk goes on only to see usage come back under. */
  if (self->run == NULL && !self->over_quota)
    g_clear_handle_id (&self->disk_id, g_source_remove);
}

static gboolean
on_disk_tick (gpointer user_data)
{
  KariSupervisor *self = user_data;

  if (self->run == NULL && !self->over_quota)
    {
      self->disk_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (!self->disk_walking)
    {
      self->disk_walking = TRUE;
      kari_disk_usage_measure_async (self->data_dir, KARI_DISK_USAGE_DEFAULT_MAX_DEPTH,
                                     KARI_DISK_USAGE_DEFAULT_MAX_ENTRIES, self->disk_cancellable,
                                     on_measured, self);
    }
  return G_SOURCE_CONTINUE;
}

/* Called when a run starts: walks at once, then every interval. */
void
_kari_supervisor_disk_start (KariSupervisor *self)
{
  if (quota_bytes (self) == 0 || self->disk_msec == 0 || self->disk_id != 0)
    return;
  if (self->disk_cancellable == NULL)
    self->disk_cancellable = g_cancellable_new ();
  self->disk_id = g_timeout_add (self->disk_msec, on_disk_tick, self);
  on_disk_tick (self);
}

/* Called at dispose: no walk may call back into a gone supervisor. */
void
_kari_supervisor_disk_stop (KariSupervisor *self)
{
  g_clear_handle_id (&self->disk_id, g_source_remove);
  g_cancellable_cancel (self->disk_cancellable);
  g_clear_object (&self->disk_cancellable);
}

/**
 * kari_supervisor_set_disk_check:
 * @self: a #KariSupervisor
 * @interval_msec: time between walks of the data folder, 10000 by
 *   default; 0 turns the quota off
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
 *   quota; the extension cannot be started until one finds it under
 */
gboolean
kari_supervisor_get_over_quota (KariSupervisor *self)
{
  g_return_val_if_fail (KARI_IS_SUPERVISOR (self), FALSE);
  return self->over_quota;
}
