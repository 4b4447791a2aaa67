/* kari-grant.c — who may do what, and for how long
 *
 * Every grant lives in memory, indexed by (extension, tenant) with its
 * parsed pattern beside it, so that kari_grant_store_find() is a hash
 * lookup and a short walk. Persistent and until-grants are also rows of
 * the registry's `grants` table; a change is written to disk first, in
 * one transaction, and applied to memory only once it committed, so a
 * failed write changes nothing.
 *
 * Two locks: `write_lock` serialises the writers across their disk write
 * and memory update, `lock` guards the memory and is held only briefly,
 * so a check never waits for the disk.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-grant-index-private.h"
#include "kari-grant-private.h"
#include "kari-registry-private.h"

#define MAX_NAME_BYTES 256

G_DEFINE_QUARK (kari-grant-error-quark, kari_grant_error)

typedef enum
{
  SQL_SELECT,
  SQL_INSERT,
  SQL_DELETE,
  N_SQL
} SqlId;

static const char * const sql_text[N_SQL] = {
  [SQL_SELECT] = "SELECT id, extension, tenant, user, permission, scope, until_usec,"
                 " boot_id, until_boottime_usec, granted_by, granted_usec"
                 " FROM grants ORDER BY id",
  [SQL_INSERT] = "INSERT INTO grants (extension, tenant, user, permission, scope,"
                 " until_usec, boot_id, until_boottime_usec, granted_by, granted_usec)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
  [SQL_DELETE] = "DELETE FROM grants WHERE id = ?1",
};

struct _KariGrantStore
{
  GObject        parent_instance;

  KariRegistry  *registry;
  KariClock      clock;
  char          *boot_id;
  sqlite3_stmt  *stmts[N_SQL];   /* used under registry->lock */

  GMutex         write_lock;
  GMutex         lock;
  KariGrantIndex *index;
  gint64         next_memory_id; /* once and session grants count down from -1 */
  guint64        generation;
};

G_DEFINE_FINAL_TYPE (KariGrantStore, kari_grant_store, G_TYPE_OBJECT)

static inline void
bump_generation (KariGrantStore *self)
{
  __atomic_add_fetch (&self->generation, 1, __ATOMIC_RELEASE);
}

/* Disk, under registry->lock */

static sqlite3_stmt *
get_stmt (KariGrantStore  *self,
          SqlId            id,
          GError         **error)
{
  int rc;

  if (self->stmts[id] != NULL)
    return self->stmts[id];
  rc = sqlite3_prepare_v3 (self->registry->db, sql_text[id], -1,
                           SQLITE_PREPARE_PERSISTENT, &self->stmts[id], NULL);
  if (rc != SQLITE_OK)
    {
      _kari_registry_set_sqlite_error (error, self->registry->db, rc, "Preparing the grants");
      self->stmts[id] = NULL;
    }
  return self->stmts[id];
}

static gboolean
delete_row_locked (KariGrantStore  *self,
                   gint64           id,
                   GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = get_stmt (self, SQL_DELETE, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return _kari_registry_step_done (self->registry, stmt, "Deleting a grant", error);
}

/* Deletes the rows @ids (may be NULL) and @expired */
static gboolean
delete_rows_locked (KariGrantStore  *self,
                    GArray          *ids,
                    GArray          *expired,
                    GError         **error)
{
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (!delete_row_locked (self, g_array_index (ids, gint64, i), error))
      return FALSE;
  for (guint i = 0; i < expired->len; i++)
    if (!delete_row_locked (self, g_array_index (expired, gint64, i), error))
      return FALSE;
  return TRUE;
}

static GArray *
snapshot_expired (KariGrantStore *self)
{
  GArray *expired = g_array_new (FALSE, FALSE, sizeof (gint64));

  GArray *rows = _kari_grant_index_get_expired_rows (self->index);

  g_mutex_lock (&self->lock);
  g_array_append_vals (expired, rows->data, rows->len);
  g_mutex_unlock (&self->lock);
  return expired;
}

/* Only writers, serialised by write_lock, take from the front of the
 * expired rows; find() only appends. */
static void
forget_expired_locked (KariGrantStore *self,
                       GArray         *expired)
{
  if (expired->len > 0)
    g_array_remove_range (_kari_grant_index_get_expired_rows (self->index), 0, expired->len);
}

/* Runs one transaction: inserts @grant when not %NULL (setting its id),
 * deletes @ids and the expired rows. */
static gboolean
write_disk (KariGrantStore  *self,
            KariGrant       *grant,
            GArray          *ids,
            GArray          *expired,
            const char      *doing,
            GError         **error)
{
  KariRegistry *registry = self->registry;
  gboolean ok;

  g_mutex_lock (&registry->lock);
  ok = _kari_registry_begin (registry, doing, error) &&
       delete_rows_locked (self, ids, expired, error);
  if (ok && grant != NULL)
    {
      g_autoptr(sqlite3_stmt) stmt = get_stmt (self, SQL_INSERT, error);

      ok = stmt != NULL;
      if (ok)
        {
          _kari_registry_bind_text (stmt, 1, grant->extension);
          _kari_registry_bind_text (stmt, 2, grant->tenant);
          _kari_registry_bind_text (stmt, 3, grant->user);
          _kari_registry_bind_text (stmt, 4, grant->permission);
          _kari_registry_bind_text (stmt, 5, kari_scope_to_string (grant->scope));
          if (grant->scope == KARI_SCOPE_UNTIL)
            {
              gint64 now = self->clock.now_usec (self->clock.user_data);
              gint64 boottime = self->clock.boottime_usec (self->clock.user_data);

              sqlite3_bind_int64 (stmt, 6, grant->until_usec);
              _kari_registry_bind_text (stmt, 7, self->boot_id);
              sqlite3_bind_int64 (stmt, 8, add_clamped (boottime, sub_clamped (grant->deadline_usec, now)));
            }
          _kari_registry_bind_text (stmt, 9, grant->granted_by);
          sqlite3_bind_int64 (stmt, 10, grant->granted_usec);
          ok = _kari_registry_step_done (registry, stmt, doing, error);
          grant->id = sqlite3_last_insert_rowid (registry->db);
        }
    }
  ok = ok && _kari_registry_commit (registry, doing, error);
  if (!ok)
    _kari_registry_rollback (registry);
  g_mutex_unlock (&registry->lock);
  return ok;
}

/* Loading */

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Where an until-grant loaded from disk ends on our monotonic clock: in
 * the boot that wrote it, the boottime deadline (immune to the wall
 * clock being set); after a reboot, only the wall clock is left. */
static gint64
loaded_deadline (KariGrantStore *self,
                 sqlite3_stmt   *stmt,
                 gint64          now,
                 gint64          until_usec)
{
  const char *boot_id = (const char *) sqlite3_column_text (stmt, 7);
  gint64 remaining;

  if (self->boot_id != NULL && g_strcmp0 (boot_id, self->boot_id) == 0 &&
      sqlite3_column_type (stmt, 8) == SQLITE_INTEGER)
    remaining = sub_clamped (sqlite3_column_int64 (stmt, 8),
                             self->clock.boottime_usec (self->clock.user_data));
  else
    remaining = sub_clamped (until_usec, self->clock.wall_usec (self->clock.user_data));

  return remaining <= 0 ? now : add_clamped (now, remaining);
}

/* Reads the lasting grants into @index. Rows found to be over are
 * deleted at once when @delete_stale, else left to the next write. */
static gboolean
load (KariGrantStore  *self,
      KariGrantIndex  *index,
      gboolean         delete_stale,
      GError         **error)
{
  KariRegistry *registry = self->registry;
  gint64 now = self->clock.now_usec (self->clock.user_data);
  g_autoptr(GArray) stale = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) none = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean ok = TRUE;
  int rc;

  g_mutex_lock (&registry->lock);
  {
    g_autoptr(sqlite3_stmt) stmt = get_stmt (self, SQL_SELECT, error);

    if (stmt == NULL)
      {
        g_mutex_unlock (&registry->lock);
        return FALSE;
      }
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        g_autoptr(KariGrant) grant = g_new0 (KariGrant, 1);
        KariPermissionPattern *pattern;

        grant->id = sqlite3_column_int64 (stmt, 0);
        grant->extension = dup_column (stmt, 1);
        grant->tenant = dup_column (stmt, 2);
        grant->user = dup_column (stmt, 3);
        grant->permission = dup_column (stmt, 4);
        grant->granted_by = dup_column (stmt, 9);
        grant->granted_usec = sqlite3_column_int64 (stmt, 10);

        /* Once and session grants are never written, so such a row is
         * left over from a bug or a hand edit; neither outlives a restart */
        if (!_kari_scope_from_name ((const char *) sqlite3_column_text (stmt, 5), &grant->scope) ||
            grant->scope == KARI_SCOPE_ONCE || grant->scope == KARI_SCOPE_SESSION ||
            grant->extension == NULL || grant->tenant == NULL || grant->permission == NULL)
          {
            g_debug ("Dropping grant row %" G_GINT64_FORMAT ": not a lasting grant", grant->id);
            g_array_append_val (stale, grant->id);
            continue;
          }
        if (grant->scope == KARI_SCOPE_UNTIL)
          {
            grant->until_usec = sqlite3_column_int64 (stmt, 6);
            grant->deadline_usec = loaded_deadline (self, stmt, now, grant->until_usec);
            if (grant->deadline_usec <= now)
              {
                g_array_append_val (stale, grant->id);
                continue;
              }
          }
        /* A text that no longer parses stays listed and revocable but
         * never allows anything */
        pattern = kari_permission_pattern_parse (grant->permission, NULL);
        _kari_grant_index_insert (index, g_steal_pointer (&grant), pattern);
      }
    if (rc != SQLITE_DONE)
      {
        _kari_registry_set_sqlite_error (error, registry->db, rc, "Reading the grants");
        ok = FALSE;
      }
  }
  g_mutex_unlock (&registry->lock);

  /* Expired rows go now; if the disk refuses, they wait for the next write */
  if (ok && stale->len > 0 &&
      (!delete_stale || !write_disk (self, NULL, none, stale, "Deleting expired grants", NULL)))
    g_array_append_vals (_kari_grant_index_get_expired_rows (index), stale->data, stale->len);
  return ok;
}

/*
 * _kari_grant_store_reload:
 * @self: a #KariGrantStore
 * @error: set when the grants cannot be read; nothing changed then
 *
 * Reads the lasting grants again, for when another process changed
 * the registry (kari-ext grant or revoke while a host runs). Once and
 * session grants, which live in this process only, are kept. The
 * generation moves, so cached decisions go stale. No disk is written.
 */
gboolean
_kari_grant_store_reload (KariGrantStore  *self,
                          GError         **error)
{
  KariGrantIndex *fresh = _kari_grant_index_new ();
  KariGrantIndex *old;

  g_return_val_if_fail (KARI_IS_GRANT_STORE (self), FALSE);

  /* Writers wait, so none applies to the index being replaced */
  g_mutex_lock (&self->write_lock);
  if (!load (self, fresh, FALSE, error))
    {
      g_mutex_unlock (&self->write_lock);
      _kari_grant_index_free (fresh);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  old = self->index;
  _kari_grant_index_carry_over (old, fresh);
  self->index = fresh;
  bump_generation (self);
  g_mutex_unlock (&self->lock);
  g_mutex_unlock (&self->write_lock);
  _kari_grant_index_free (old);
  return TRUE;
}

/* GObject */

static void
kari_grant_store_finalize (GObject *object)
{
  KariGrantStore *self = KARI_GRANT_STORE (object);

  if (self->registry != NULL)
    {
      g_mutex_lock (&self->registry->lock);
      for (guint i = 0; i < N_SQL; i++)
        g_clear_pointer (&self->stmts[i], sqlite3_finalize);
      g_mutex_unlock (&self->registry->lock);
    }
  g_clear_object (&self->registry);
  g_clear_pointer (&self->boot_id, g_free);
  g_clear_pointer (&self->index, _kari_grant_index_free);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->write_lock);

  G_OBJECT_CLASS (kari_grant_store_parent_class)->finalize (object);
}

static void
kari_grant_store_class_init (KariGrantStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_grant_store_finalize;
}

static void
kari_grant_store_init (KariGrantStore *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->write_lock);
  self->index = _kari_grant_index_new ();
  self->next_memory_id = -1;
}

KariGrantStore *
_kari_grant_store_new_with_boot_id (KariRegistry     *registry,
                                    const KariClock  *clock,
                                    const char       *boot_id,
                                    GError          **error)
{
  g_autoptr(KariGrantStore) self = NULL;

  g_return_val_if_fail (KARI_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (KARI_TYPE_GRANT_STORE, NULL);
  self->registry = g_object_ref (registry);
  if (clock != NULL)
    self->clock = *clock;
  _kari_clock_fill_defaults (&self->clock);
  self->boot_id = g_strdup (boot_id);

  if (!load (self, self->index, TRUE, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * kari_grant_store_new:
 * @registry: the registry whose `grants` table keeps lasting grants
 * @clock: (nullable): the clock to use, %NULL for the system's
 * @error: set when the grants cannot be read
 *
 * Loads the persistent grants and the until-grants that have not ended.
 * An until-grant written in this boot ends at its `CLOCK_BOOTTIME`
 * deadline, whatever the wall clock says now; one from an earlier boot
 * ends at its wall-clock time. Ended rows are deleted.
 *
 * The store is safe to use from any thread.
 *
 * Returns: (transfer full): a new #KariGrantStore, or %NULL
 */
KariGrantStore *
kari_grant_store_new (KariRegistry     *registry,
                      const KariClock  *clock,
                      GError          **error)
{
  return _kari_grant_store_new_with_boot_id (registry, clock, _kari_system_boot_id (), error);
}

/**
 * kari_grant_store_get_generation:
 * @self: a #KariGrantStore
 *
 * A counter bumped by every change: a grant made, revoked, consumed or
 * found to have ended. A decision cached under one generation is stale
 * under another. A decision that an until-grant allowed must also be
 * dropped at that grant's @deadline_usec (the counter only moves when
 * the store notices the end), and one a once-grant allowed must not be
 * cached at all.
 *
 * Returns: the generation
 */
guint64
kari_grant_store_get_generation (KariGrantStore *self)
{
  g_return_val_if_fail (KARI_IS_GRANT_STORE (self), 0);

  return __atomic_load_n (&self->generation, __ATOMIC_ACQUIRE);
}

/* Names come from extensions and people alike and end up on screen and
 * in SQL: refuse what cannot be shown safely. */
static gboolean
check_name (const char  *what,
            const char  *value,
            GError     **error)
{
  const char *p;

  if (*value == '\0' || strlen (value) > MAX_NAME_BYTES || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, KARI_GRANT_ERROR, KARI_GRANT_ERROR_INVALID,
                   _("The %s of a grant must be 1 to %d bytes of UTF-8"), what, MAX_NAME_BYTES);
      return FALSE;
    }
  for (p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        {
          g_set_error (error, KARI_GRANT_ERROR, KARI_GRANT_ERROR_INVALID,
                       _("The %s of a grant has a control or format character "
                       "(U+%04X) at byte %ld"), what, c, (long) (p - value));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * kari_grant_store_add:
 * @self: a #KariGrantStore
 * @extension: the extension granted to
 * @tenant: the tenant it applies in
 * @user: (nullable): the only user it applies to, or %NULL for all the
 *   tenant's users
 * @permission: the permission pattern, `domain:action[:resource]`
 * @scope: how long it lasts
 * @until_usec: for %KARI_SCOPE_UNTIL, the wall-clock end; ignored otherwise
 * @granted_by: who grants it
 * @error: set on failure
 *
 * Grants @permission. The next kari_grant_store_find() sees it. Lasting
 * grants (persistent, until) are written to the registry before they
 * take effect; once and session grants are kept in memory only and get
 * negative ids. Adding a session or persistent grant that is already
 * held returns the one held and changes nothing. An until-grant ends
 * @until_usec − now later on the monotonic clock.
 *
 * Errors of kari_permission_pattern_parse() are passed on as they are.
 *
 * Returns: (transfer full): a copy of the grant held, or %NULL
 */
KariGrant *
kari_grant_store_add (KariGrantStore  *self,
                      const char      *extension,
                      const char      *tenant,
                      const char      *user,
                      const char      *permission,
                      KariScope        scope,
                      gint64           until_usec,
                      const char      *granted_by,
                      GError         **error)
{
  g_autoptr(KariGrant) grant = NULL;
  g_autoptr(KariPermissionPattern) pattern = NULL;
  g_autoptr(GArray) expired = NULL;
  KariGrant *result;
  gint64 now, wall;

  g_return_val_if_fail (KARI_IS_GRANT_STORE (self), NULL);
  g_return_val_if_fail (extension != NULL && tenant != NULL, NULL);
  g_return_val_if_fail (permission != NULL && granted_by != NULL, NULL);
  g_return_val_if_fail (scope <= KARI_SCOPE_UNTIL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name ("extension", extension, error) ||
      !check_name ("tenant", tenant, error) ||
      (user != NULL && !check_name ("user", user, error)) ||
      !check_name ("grantor", granted_by, error))
    return NULL;
  pattern = kari_permission_pattern_parse (permission, error);
  if (pattern == NULL)
    return NULL;

  now = self->clock.now_usec (self->clock.user_data);
  wall = self->clock.wall_usec (self->clock.user_data);
  if (scope == KARI_SCOPE_UNTIL && until_usec <= wall)
    {
      g_set_error (error, KARI_GRANT_ERROR, KARI_GRANT_ERROR_EXPIRED,
                   _("A grant of %s until %" G_GINT64_FORMAT " µs would already have ended"),
                   kari_permission_pattern_get_text (pattern), until_usec);
      return NULL;
    }

  grant = g_new0 (KariGrant, 1);
  grant->extension = g_strdup (extension);
  grant->tenant = g_strdup (tenant);
  grant->user = g_strdup (user);
  grant->permission = g_strdup (kari_permission_pattern_get_text (pattern));
  grant->scope = scope;
  grant->granted_by = g_strdup (granted_by);
  grant->granted_usec = wall;
  if (scope == KARI_SCOPE_UNTIL)
    {
      grant->until_usec = until_usec;
      grant->deadline_usec = add_clamped (now, sub_clamped (until_usec, wall));
    }

  if (scope == KARI_SCOPE_ONCE || scope == KARI_SCOPE_SESSION)
    {
      g_mutex_lock (&self->lock);
      result = scope == KARI_SCOPE_SESSION ? _kari_grant_index_dup_same (self->index, grant) : NULL;
      if (result == NULL)
        {
          grant->id = self->next_memory_id--;
          result = kari_grant_copy (grant);
          _kari_grant_index_insert (self->index, g_steal_pointer (&grant), g_steal_pointer (&pattern));
          bump_generation (self);
        }
      g_mutex_unlock (&self->lock);
      return result;
    }

  g_mutex_lock (&self->write_lock);
  if (scope == KARI_SCOPE_PERSISTENT)
    {
      g_mutex_lock (&self->lock);
      result = _kari_grant_index_dup_same (self->index, grant);
      g_mutex_unlock (&self->lock);
      if (result != NULL)
        {
          g_mutex_unlock (&self->write_lock);
          return result;
        }
    }

  expired = snapshot_expired (self);
  if (!write_disk (self, grant, NULL, expired, "Granting a permission", error))
    {
      g_mutex_unlock (&self->write_lock);
      return NULL;
    }

  result = kari_grant_copy (grant);
  g_mutex_lock (&self->lock);
  forget_expired_locked (self, expired);
  _kari_grant_index_insert (self->index, g_steal_pointer (&grant), g_steal_pointer (&pattern));
  bump_generation (self);
  g_mutex_unlock (&self->lock);
  g_mutex_unlock (&self->write_lock);
  return result;
}

/* Revokes what @filter selects: rows first, in one transaction, then
 * memory. */
static gboolean
revoke_filtered (KariGrantStore  *self,
                 const KariGrantFilter *filter,
                 guint           *n_revoked,
                 GError         **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) expired = NULL;
  guint n = 0;
  gboolean dropped;

  g_mutex_lock (&self->write_lock);
  g_mutex_lock (&self->lock);
  dropped = _kari_grant_index_collect (self->index, filter,
                                       self->clock.now_usec (self->clock.user_data), ids, NULL);
  if (dropped)
    bump_generation (self);
  g_mutex_unlock (&self->lock);

  expired = snapshot_expired (self);
  if ((ids->len > 0 || expired->len > 0) &&
      !write_disk (self, NULL, ids, expired, "Revoking grants", error))
    {
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  forget_expired_locked (self, expired);
  for (guint i = 0; i < ids->len; i++)
    n += _kari_grant_index_remove_id (self->index, g_array_index (ids, gint64, i));
  n += _kari_grant_index_remove_memory_only (self->index, filter);
  if (n > 0)
    bump_generation (self);
  g_mutex_unlock (&self->lock);
  g_mutex_unlock (&self->write_lock);

  if (n_revoked != NULL)
    *n_revoked = n;
  return TRUE;
}

/**
 * kari_grant_store_revoke:
 * @self: a #KariGrantStore
 * @extension: the extension
 * @tenant: (nullable): the tenant, or %NULL for every tenant
 * @user: (nullable): only the grants made to this user, or %NULL for
 *   all grants whoever they apply to
 * @permission: (nullable): only the grants of exactly this permission
 *   text, or %NULL for all
 * @n_revoked: (out) (optional): how many grants ended
 * @error: set when the registry cannot be written; nothing changed then
 *
 * Revokes grants; the next kari_grant_store_find() no longer sees them.
 * Revoking a user's grant leaves a tenant-wide grant of the same
 * permission in force. Revoking nothing is not an error.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_grant_store_revoke (KariGrantStore  *self,
                         const char      *extension,
                         const char      *tenant,
                         const char      *user,
                         const char      *permission,
                         guint           *n_revoked,
                         GError         **error)
{
  g_autoptr(KariPermissionPattern) pattern = NULL;
  KariGrantFilter filter = { extension, tenant, user, permission, NULL };

  g_return_val_if_fail (KARI_IS_GRANT_STORE (self), FALSE);
  g_return_val_if_fail (extension != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A text the parser would write differently still names the grant */
  if (permission != NULL)
    pattern = kari_permission_pattern_parse (permission, NULL);
  if (pattern != NULL)
    filter.canonical = kari_permission_pattern_get_text (pattern);

  return revoke_filtered (self, &filter, n_revoked, error);
}

/**
 * kari_grant_store_remove_extension:
 * @self: a #KariGrantStore
 * @extension: the extension being uninstalled
 * @error: set when the registry cannot be written; nothing changed then
 *
 * Revokes every grant of @extension in every tenant.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_grant_store_remove_extension (KariGrantStore  *self,
                                   const char      *extension,
                                   GError         **error)
{
  KariGrantFilter filter = { extension, NULL, NULL, NULL, NULL };

  g_return_val_if_fail (KARI_IS_GRANT_STORE (self), FALSE);
  g_return_val_if_fail (extension != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return revoke_filtered (self, &filter, NULL, error);
}

/**
 * kari_grant_store_revoke_id:
 * @self: a #KariGrantStore
 * @id: a grant's id
 * @error: set with %KARI_GRANT_ERROR_NOT_FOUND when no such grant is in
 *   force, or when the registry cannot be written
 *
 * Revokes one grant.
 *
 * Returns: %TRUE when it was revoked
 */
gboolean
kari_grant_store_revoke_id (KariGrantStore  *self,
                            gint64           id,
                            GError         **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) expired = NULL;
  gint64 now;
  gboolean found;

  g_return_val_if_fail (KARI_IS_GRANT_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->write_lock);
  g_mutex_lock (&self->lock);
  now = self->clock.now_usec (self->clock.user_data);
  found = _kari_grant_index_lookup (self->index, id, now) != NULL;
  g_mutex_unlock (&self->lock);
  if (!found)
    {
      g_mutex_unlock (&self->write_lock);
      g_set_error (error, KARI_GRANT_ERROR, KARI_GRANT_ERROR_NOT_FOUND,
                   _("No grant %" G_GINT64_FORMAT " is in force"), id);
      return FALSE;
    }

  if (id > 0)
    {
      g_array_append_val (ids, id);
      expired = snapshot_expired (self);
      if (!write_disk (self, NULL, ids, expired, "Revoking a grant", error))
        {
          g_mutex_unlock (&self->write_lock);
          return FALSE;
        }
    }

  g_mutex_lock (&self->lock);
  if (expired != NULL)
    forget_expired_locked (self, expired);
  /* A once-grant may have been consumed meanwhile; it is gone either way */
  _kari_grant_index_remove_id (self->index, id);
  bump_generation (self);
  g_mutex_unlock (&self->lock);
  g_mutex_unlock (&self->write_lock);
  return TRUE;
}

/**
 * kari_grant_store_list:
 * @self: a #KariGrantStore
 * @extension: (nullable): only this extension's grants, or %NULL for all
 * @tenant: (nullable): only this tenant's grants, or %NULL for all
 *
 * The grants in force, sorted by extension, tenant, user (tenant-wide
 * first), permission, scope and id.
 *
 * Returns: (transfer container) (element-type KariGrant): copies
 */
GPtrArray *
kari_grant_store_list (KariGrantStore *self,
                       const char     *extension,
                       const char     *tenant)
{
  KariGrantFilter filter = { extension, tenant, NULL, NULL, NULL };
  GPtrArray *out;

  g_return_val_if_fail (KARI_IS_GRANT_STORE (self), NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_grant_free);
  g_mutex_lock (&self->lock);
  if (_kari_grant_index_collect (self->index, &filter,
                                 self->clock.now_usec (self->clock.user_data), NULL, out))
    bump_generation (self);
  g_mutex_unlock (&self->lock);
  g_ptr_array_sort (out, _kari_grant_compare);
  return out;
}

/**
 * kari_grant_store_find:
 * @self: a #KariGrantStore
 * @extension: the extension asking
 * @tenant: the tenant it acts in
 * @user: (nullable): the user it acts for; %NULL matches only tenant-wide
 *   grants
 * @domain: the requested permission's domain
 * @action: the requested action
 * @resource: (nullable): the requested resource
 * @context: (nullable): what `~` and `$DATA` stand for
 * @consume_once: whether a once-grant that decides is used up
 *
 * Finds a grant in force that allows the request. Any matching grant
 * allows; when several do, the longest-lasting decides (persistent,
 * then until, then session, then once), so a once-grant is consumed
 * only when nothing else allows. With @consume_once, a once-grant that
 * decides is removed before this returns: of any number of concurrent
 * callers, exactly one gets it. Ended grants are dropped on the way.
 * No disk is touched.
 *
 * Returns: (transfer full) (nullable): a copy of the deciding grant, or
 *   %NULL when none allows
 */
KariGrant *
kari_grant_store_find (KariGrantStore              *self,
                       const char                  *extension,
                       const char                  *tenant,
                       const char                  *user,
                       const char                  *domain,
                       const char                  *action,
                       const char                  *resource,
                       const KariPermissionContext *context,
                       gboolean                     consume_once)
{
  KariGrant *result;
  gboolean changed;

  g_return_val_if_fail (KARI_IS_GRANT_STORE (self), NULL);
  g_return_val_if_fail (extension != NULL && tenant != NULL, NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  g_mutex_lock (&self->lock);
  result = _kari_grant_index_find (self->index, extension, tenant, user, domain, action,
                                   resource, context, consume_once,
                                   self->clock.now_usec (self->clock.user_data), &changed);
  if (changed)
    bump_generation (self);
  g_mutex_unlock (&self->lock);
  return result;
}
