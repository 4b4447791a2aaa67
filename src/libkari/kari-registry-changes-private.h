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
  /* In the registry's -shm file, mapped read-only: SQLite's count of
   * commits, by any connection of any process. NULL when it could not
   * be mapped; then every probe reads the serial. */
  const guint32 *commits;
  void          *map;
  gsize          map_len;

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

/* What SQLite's commit counter reads now; %FALSE when it is not mapped.
 * One load from shared memory: cheap enough for every check. */
static inline gboolean
_kari_registry_changes_peek (const KariRegistryChanges *self,
                             guint32                   *commits)
{
  if (self->commits == NULL)
    return FALSE;
  *commits = __atomic_load_n (self->commits, __ATOMIC_ACQUIRE);
  return TRUE;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariRegistryChanges, _kari_registry_changes_free)

G_END_DECLS
