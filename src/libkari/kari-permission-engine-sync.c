/* kari-permission-engine-sync.c — following what other processes change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Grants and the policy are loaded into the engine and decisions are
 * cached, but `kari-ext revoke` runs in another process, on the same
 * registry, while the Control Room or `kari-ext run` keeps its engine
 * for hours. A revocation must still count from the very next check.
 *
 * So every check first compares where the WAL stands, read from the
 * shared WAL index (kari-registry-changes.c), with where it stood at the
 * last probe: two loads from memory when nothing was committed. When it
 * moved, the permission tables' change serial is read; only when that
 * moved too (a commit of the audit log or metrics leaves it alone) are
 * the grants read again, the saved policy put in force if it differs,
 * and the decision cache dropped by bumping the generation. Roles are
 * read from the registry at every uncached decision, so dropping the
 * cache is all they need.
 *
 * kari_permission_engine_watch_registry() adds a file monitor on the
 * registry, so a host also learns of a change when no check comes (to
 * show the new grants) and says so with ::registry-changed.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-grant-private.h"
#include "kari-permission-engine-private.h"

/* How soon after a burst of writes the watch looks; a check never waits
 * for it. */
#define WATCH_RATE_LIMIT_MS 100

enum
{
  SIGNAL_REGISTRY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_kari_permission_engine_sync_class_init (KariPermissionEngineClass *klass)
{
  /**
   * KariPermissionEngine::registry-changed:
   * @self: the engine
   *
   * Grants, roles or the policy changed in the registry (another
   * process changed them, typically; this engine's own changes count
   * too) and the engine now uses what is there. Emitted only once
   * kari_permission_engine_watch_registry() was called, in the main
   * context that was the thread default then.
   */
  signals[SIGNAL_REGISTRY_CHANGED] =
    g_signal_new ("registry-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

gboolean
_kari_permission_engine_sync_init (KariPermissionEngine  *self,
                                   GError               **error)
{
  guint64 wal = 0;

  self->changes = _kari_registry_changes_new (kari_registry_get_path (self->registry), error);
  if (self->changes == NULL)
    return FALSE;
  /* The WAL is read before the serial: a commit between the two is
   * seen again by the next check, never missed. */
  _kari_registry_changes_peek (self->changes, &wal);
  __atomic_store_n (&self->seen_wal, wal, __ATOMIC_RELEASE);
  return _kari_registry_changes_read_serial (self->changes, &self->serial, error);
}

static void
clear_monitors (KariPermissionEngine *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->monitors); i++)
    if (self->monitors[i] != NULL)
      {
        g_signal_handlers_disconnect_by_data (self->monitors[i], self);
        g_file_monitor_cancel (self->monitors[i]);
        g_clear_object (&self->monitors[i]);
      }
}

void
_kari_permission_engine_sync_clear (KariPermissionEngine *self)
{
  clear_monitors (self);
  g_clear_pointer (&self->changes, _kari_registry_changes_free);
  g_clear_pointer (&self->policy_base, g_free);
  g_clear_pointer (&self->policy_rules, g_free);
  g_mutex_clear (&self->sync_lock);
}

/* Probes, and reloads what another process changed. With @force the
 * serial is read even when no commit was counted. */
static gboolean
sync_registry (KariPermissionEngine  *self,
               gboolean               force,
               gboolean              *changed,
               GError               **error)
{
  gboolean have_header;
  guint64 wal = 0;
  gint64 serial;

  *changed = FALSE;
  if (self->changes == NULL)
    return TRUE;

  g_mutex_lock (&self->sync_lock);
  have_header = _kari_registry_changes_peek (self->changes, &wal);
  /* Another thread may have probed this very commit while we waited */
  if (!force && have_header && wal == self->seen_wal)
    {
      g_mutex_unlock (&self->sync_lock);
      return TRUE;
    }

  if (!_kari_registry_changes_read_serial (self->changes, &serial, error))
    {
      /* Whether a grant went is unknown: nothing cached may answer.
       * What was seen is left as it was, so the next check tries again. */
      _kari_permission_engine_bump (self);
      g_mutex_unlock (&self->sync_lock);
      return FALSE;
    }

  if (serial != self->serial)
    {
      if (!_kari_grant_store_reload (self->grants, error))
        {
          _kari_permission_engine_bump (self);
          g_mutex_unlock (&self->sync_lock);
          return FALSE;
        }
      _kari_permission_engine_reload_policy (self);
      self->serial = serial;
      _kari_permission_engine_bump (self);
      g_atomic_int_set (&self->notify_pending, 1);
      *changed = TRUE;
    }
  __atomic_store_n (&self->seen_wal, wal, __ATOMIC_RELEASE);
  g_mutex_unlock (&self->sync_lock);
  return TRUE;
}

/* The slow half of _kari_permission_engine_follow(), out of line so the
 * check's fast path stays small. A failure has already dropped the
 * cache; the check goes on with what is loaded. */
void
_kari_permission_engine_follow_slow (KariPermissionEngine *self)
{
  g_autoptr(GError) error = NULL;
  gboolean changed;

  if (!sync_registry (self, FALSE, &changed, &error))
    g_debug ("Following the registry's permission changes: %s", error->message);
}

/**
 * kari_permission_engine_refresh:
 * @self: a #KariPermissionEngine
 * @changed: (out) (optional): whether grants, roles or the policy had
 *   changed in the registry since the engine last looked (by another
 *   process, or by this engine's own writes)
 * @error: set when the registry cannot be read; cached decisions are
 *   dropped then all the same
 *
 * Reads again what another process changed in the registry: its lasting
 * grants (once and session grants live in this process and are kept),
 * the saved policy, and, by dropping cached decisions, roles. Checks do
 * this by themselves before answering, cheaply when nothing changed;
 * call this before listing grants to people.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_permission_engine_refresh (KariPermissionEngine  *self,
                                gboolean              *changed,
                                GError               **error)
{
  gboolean local_changed;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sync_registry (self, TRUE, &local_changed, error))
    return FALSE;
  if (changed != NULL)
    *changed = local_changed;
  return TRUE;
}

static void
on_registry_file_changed (GFileMonitor      *monitor,
                          GFile             *file,
                          GFile             *other,
                          GFileMonitorEvent  event,
                          gpointer           user_data)
{
  KariPermissionEngine *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean changed;

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  /* Whatever the file holds now (half a frame, garbage), only a commit
   * SQLite accepted moves the serial. */
  if (!sync_registry (self, FALSE, &changed, &error))
    {
      g_debug ("Following the registry's permission changes: %s", error->message);
      return;
    }
  if (g_atomic_int_compare_and_exchange (&self->notify_pending, 1, 0) || changed)
    g_signal_emit (self, signals[SIGNAL_REGISTRY_CHANGED], 0);
}

/**
 * kari_permission_engine_watch_registry:
 * @self: a #KariPermissionEngine
 * @error: set when the registry's files cannot be watched
 *
 * Watches the registry's files in the thread-default main context, so
 * a change another process makes is taken in, and
 * #KariPermissionEngine::registry-changed emitted, even when no check
 * comes. Checks see changes without it. Calling it again does nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_permission_engine_watch_registry (KariPermissionEngine  *self,
                                       GError               **error)
{
  const char *path;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->monitors[0] != NULL)
    return TRUE;

  path = kari_registry_get_path (self->registry);
  for (guint i = 0; i < G_N_ELEMENTS (self->monitors); i++)
    {
      /* Commits land in the -wal file; checkpoints move them into the
       * database file. The -shm file changes only through mmap, which
       * inotify does not see. */
      g_autofree char *name = g_strconcat (path, i == 0 ? "-wal" : "", NULL);
      g_autoptr(GFile) file = g_file_new_for_path (name);
      GFileMonitor *monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, error);

      if (monitor == NULL)
        {
          clear_monitors (self);
          return FALSE;
        }
      g_file_monitor_set_rate_limit (monitor, WATCH_RATE_LIMIT_MS);
      g_signal_connect (monitor, "changed", G_CALLBACK (on_registry_file_changed), self);
      self->monitors[i] = monitor;
    }
  return TRUE;
}
