/* kari-registry-changes.c — noticing what other processes commit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A host keeps grants and the policy in memory and answers most checks
 * from a cache, while another process (`kari-ext revoke`) writes the
 * same registry. Two reads tell the host when to look again:
 *
 * - SQLite's WAL-index header, at the start of the registry's -shm file
 *   that every connection of every process maps, says where the WAL
 *   stands: the last committed frame (mxFrame), which every commit moves
 *   on, and the salt (aSalt[0]), which goes up by one whenever the WAL
 *   starts over (https://sqlite.org/walformat.html, "The WAL-Index
 *   Header"). Read where SQLite maps it, "has anyone committed?" is two
 *   loads from memory, cheap enough to ask before every cached answer. (The
 *   header's iChange is no use: each writer bumps its own copy.) A read
 *   torn by a commit under way looks like a change, which costs one
 *   probe, or like the state before it, which is what it was.
 * - When it moved, the serial that the permission tables' triggers bump
 *   (migration 8) says whether the commit touched permissions at all;
 *   the audit log and metrics commit all the time and do not.
 *
 * The serial is read on a read-only connection of our own, so a probe
 * never waits for the registry's lock, and WAL readers never wait for
 * writers. The statement is reset after each read so no read
 * transaction stays open: a host runs for hours, and an open snapshot
 * would stop every checkpoint and let the WAL grow without end.
 *
 * The header is read through the mapping SQLite made for the probe's
 * own connection, so it stays valid exactly as long as that connection.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <sqlite3.h>

#include "kari-registry-changes-private.h"
#include "kari-registry-private.h"

/* SQLite's layout since 3.7.0: 32 KiB regions, the first starting with
 * the header */
#define WAL_INDEX_REGION_BYTES 32768
#define WAL_INDEX_VERSION      3007000u
#define WAL_INDEX_INIT_BYTE    12

static const char serial_sql[] = "SELECT serial FROM permission_changes WHERE id = 1";

/* Finds the WAL-index header in the -shm mapping SQLite made for our
 * own connection, or leaves self->header NULL (the probe then reads the
 * serial every time, slower but still exact).
 *
 * SQLite's own mapping, asked of the VFS (xShmMap), not one of ours: a
 * second descriptor on the -shm file, once closed, would drop every
 * POSIX lock this process holds on it, SQLite's included, and another
 * process could then truncate the file under every mapping of it. This
 * mapping lives exactly as long as the connection. */
static void
map_wal_index_header (KariRegistryChanges *self)
{
  sqlite3_file *file = NULL;
  volatile void *region = NULL;
  const guint32 *words;
  int rc;

  rc = sqlite3_file_control (self->db, "main", SQLITE_FCNTL_FILE_POINTER, &file);
  if (rc != SQLITE_OK || file == NULL || file->pMethods == NULL ||
      file->pMethods->iVersion < 2 || file->pMethods->xShmMap == NULL)
    {
      g_debug ("Not following %s: its VFS maps no WAL index", self->path);
      return;
    }
  rc = file->pMethods->xShmMap (file, 0, WAL_INDEX_REGION_BYTES, 0, &region);
  if (rc != SQLITE_OK || region == NULL)
    {
      g_debug ("Not following %s: its WAL index is not mapped (SQLite error %d)", self->path, rc);
      return;
    }
  words = (const guint32 *) region;
  if (words[0] != WAL_INDEX_VERSION || ((const guint8 *) region)[WAL_INDEX_INIT_BYTE] != 1)
    {
      g_debug ("Not following %s: an unknown WAL index version %u", self->path, words[0]);
      return;
    }
  self->header = words;
}

/*
 * _kari_registry_changes_new:
 * @path: the registry's database file, already open and migrated
 * @error: set when it cannot be opened for reading
 *
 * Returns: (transfer full): a probe of @path's permission changes
 */
KariRegistryChanges *
_kari_registry_changes_new (const char  *path,
                            GError     **error)
{
  g_autoptr(KariRegistryChanges) self = g_new0 (KariRegistryChanges, 1);
  gint64 serial;
  int rc;

  g_mutex_init (&self->lock);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (self->db, 1);
      /* Only a writer's recovery of the WAL holds readers back, briefly */
      sqlite3_busy_timeout (self->db, 2000);
      rc = sqlite3_prepare_v3 (self->db, serial_sql, -1, SQLITE_PREPARE_PERSISTENT, &self->stmt, NULL);
    }
  if (rc != SQLITE_OK)
    {
      _kari_registry_set_sqlite_error (error, self->db, rc, "Opening the registry to follow its changes");
      return NULL;
    }
  /* A first read makes sure the -shm file exists and is initialised */
  if (!_kari_registry_changes_read_serial (self, &serial, error))
    return NULL;
  g_mutex_lock (&self->lock);
  map_wal_index_header (self);
  g_mutex_unlock (&self->lock);
  return g_steal_pointer (&self);
}

void
_kari_registry_changes_free (KariRegistryChanges *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->stmt, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  g_free (self);
}

/*
 * _kari_registry_changes_read_serial:
 * @self: a probe
 * @serial: (out): the permission tables' change serial, as committed now
 * @error: set when it cannot be read
 *
 * Safe from any thread.
 */
gboolean
_kari_registry_changes_read_serial (KariRegistryChanges  *self,
                                    gint64               *serial,
                                    GError              **error)
{
  gboolean ok = FALSE;
  int rc;

  g_mutex_lock (&self->lock);
  rc = sqlite3_step (self->stmt);
  if (rc == SQLITE_ROW)
    {
      *serial = sqlite3_column_int64 (self->stmt, 0);
      ok = TRUE;
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_CORRUPT,
                 _("The registry %s has lost its permission change counter "
                 "(table permission_changes)"), self->path);
  else
    _kari_registry_set_sqlite_error (error, self->db, rc, "Reading the permission change counter");
  /* Ends the read transaction: an open snapshot would block checkpoints */
  sqlite3_reset (self->stmt);
  g_mutex_unlock (&self->lock);
  return ok;
}
