/* kari-registry-changes-private.h — noticing commits of other processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _KariRegistryChanges KariRegistryChanges;

struct _KariRegistryChanges
{
  /* The registry's WAL-index header in its -shm file, as SQLite maps it
   * for the probe's connection, which every commit of any process
   * rewrites. NULL when it is not mapped; then every probe reads the
   * serial. */
  const guint32 *header;

  GMutex         lock;     /* guards db and stmt */
  struct sqlite3      *db;
  struct sqlite3_stmt *stmt;
  char          *path;
};

KariRegistryChanges *_kari_registry_changes_new         (const char           *path,
                                                         GError              **error);
void                 _kari_registry_changes_free        (KariRegistryChanges  *self);
gboolean             _kari_registry_changes_read_serial (KariRegistryChanges  *self,
                                                         gint64               *serial,
                                                         GError              **error);

/* Where the WAL stands now: its salt (which changes whenever the WAL
 * starts over) and its last committed frame (which grows with every
 * commit in between), so two different states never read the same.
 * %FALSE when the header is not mapped. Two loads from shared memory:
 * cheap enough for every check. */
static inline gboolean
_kari_registry_changes_peek (const KariRegistryChanges *self,
                             guint64                   *state)
{
  guint32 frame, salt;

  if (self->header == NULL)
    return FALSE;
  frame = __atomic_load_n (&self->header[4], __ATOMIC_ACQUIRE);   /* mxFrame */
  salt = __atomic_load_n (&self->header[8], __ATOMIC_ACQUIRE);    /* aSalt[0] */
  *state = ((guint64) salt << 32) | frame;
  return TRUE;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariRegistryChanges, _kari_registry_changes_free)

G_END_DECLS
