/* kari-grant.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kari-permission-pattern.h"
#include "kari-registry.h"

G_BEGIN_DECLS

#define KARI_GRANT_ERROR (kari_grant_error_quark ())

/**
 * KariGrantError:
 * @KARI_GRANT_ERROR_INVALID: a bad scope, time, permission or name; the
 *   message points at the bad part
 * @KARI_GRANT_ERROR_EXPIRED: the end of an until-scope is not in the future
 * @KARI_GRANT_ERROR_NOT_FOUND: no grant with that id
 *
 * Why a grant could not be made or revoked. Failures to write the
 * registry are reported in the %KARI_REGISTRY_ERROR domain.
 */
typedef enum
{
  KARI_GRANT_ERROR_INVALID,
  KARI_GRANT_ERROR_EXPIRED,
  KARI_GRANT_ERROR_NOT_FOUND,
} KariGrantError;

GQuark kari_grant_error_quark (void);

/**
 * KariScope:
 * @KARI_SCOPE_ONCE: consumed by the first check it allows
 * @KARI_SCOPE_SESSION: until the host exits
 * @KARI_SCOPE_PERSISTENT: until revoked
 * @KARI_SCOPE_UNTIL: until a point in time
 *
 * How long a grant lasts.
 */
typedef enum
{
  KARI_SCOPE_ONCE,
  KARI_SCOPE_SESSION,
  KARI_SCOPE_PERSISTENT,
  KARI_SCOPE_UNTIL,
} KariScope;

const char *kari_scope_to_string      (KariScope    scope);
gboolean    kari_scope_from_string    (const char  *text,
                                       KariScope   *scope,
                                       gint64      *until_usec,
                                       GError     **error);
gboolean    kari_scope_from_string_at (const char  *text,
                                       gint64       wall_now_usec,
                                       KariScope   *scope,
                                       gint64      *until_usec,
                                       GError     **error);

/**
 * KariClock:
 * @now_usec: monotonic microseconds that keep counting through suspend
 *   (`CLOCK_BOOTTIME` by default)
 * @wall_usec: wall-clock microseconds since the epoch (g_get_real_time())
 * @user_data: closure for all three
 * @boottime_usec: (nullable): microseconds on `CLOCK_BOOTTIME`, which
 *   keeps counting across processes of one boot; %NULL reads the real
 *   `CLOCK_BOOTTIME`. Only used to carry an until-grant's deadline
 *   across a restart within the same boot.
 *
 * Time as the grant store sees it; tests inject their own. Expiry is
 * decided on the monotonic clock only, so setting the wall clock back
 * never revives a grant. A %NULL clock means the defaults.
 */
typedef struct
{
  gint64 (*now_usec)  (gpointer user_data);
  gint64 (*wall_usec) (gpointer user_data);
  gpointer user_data;
  gint64 (*boottime_usec) (gpointer user_data);
} KariClock;

#define KARI_TYPE_GRANT (kari_grant_get_type ())

/**
 * KariGrant:
 * @id: persistent and until-grants keep their registry row id (> 0,
 *   never given to another grant, even after a revocation); once and
 *   session grants get negative ids, unique while the store lives
 * @extension: the extension it is for
 * @tenant: the tenant it applies in
 * @user: (nullable): the user, or %NULL for every user of the tenant
 * @permission: the granted permission pattern, `domain:action[:resource]`
 * @scope: how long it lasts
 * @until_usec: for %KARI_SCOPE_UNTIL, the wall-clock end shown to people
 * @deadline_usec: for %KARI_SCOPE_UNTIL, the end on the store's
 *   monotonic clock (#KariClock.now_usec) that decides
 * @granted_by: who granted it
 * @granted_usec: when (wall clock)
 *
 * One grant. Boxed and immutable once in a store.
 */
typedef struct
{
  gint64     id;
  char      *extension;
  char      *tenant;
  char      *user;
  char      *permission;
  KariScope  scope;
  gint64     until_usec;
  gint64     deadline_usec;
  char      *granted_by;
  gint64     granted_usec;
} KariGrant;

GType      kari_grant_get_type (void) G_GNUC_CONST;
KariGrant *kari_grant_copy     (const KariGrant *self);
void       kari_grant_free     (KariGrant       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariGrant, kari_grant_free)

#define KARI_TYPE_GRANT_STORE (kari_grant_store_get_type ())
G_DECLARE_FINAL_TYPE (KariGrantStore, kari_grant_store, KARI, GRANT_STORE, GObject)

KariGrantStore *kari_grant_store_new        (KariRegistry     *registry,
                                             const KariClock  *clock,
                                             GError          **error);
guint64         kari_grant_store_get_generation (KariGrantStore *self);
KariGrant      *kari_grant_store_add        (KariGrantStore   *self,
                                             const char       *extension,
                                             const char       *tenant,
                                             const char       *user,
                                             const char       *permission,
                                             KariScope         scope,
                                             gint64            until_usec,
                                             const char       *granted_by,
                                             GError          **error);
gboolean        kari_grant_store_revoke     (KariGrantStore   *self,
                                             const char       *extension,
                                             const char       *tenant,
                                             const char       *user,
                                             const char       *permission,
                                             guint            *n_revoked,
                                             GError          **error);
gboolean        kari_grant_store_revoke_id  (KariGrantStore   *self,
                                             gint64            id,
                                             GError          **error);
gboolean        kari_grant_store_remove_extension (KariGrantStore *self,
                                             const char       *extension,
                                             GError          **error);
GPtrArray      *kari_grant_store_list       (KariGrantStore   *self,
                                             const char       *extension,
                                             const char       *tenant);
KariGrant      *kari_grant_store_find       (KariGrantStore   *self,
                                             const char       *extension,
                                             const char       *tenant,
                                             const char       *user,
                                             const char       *domain,
                                             const char       *action,
                                             const char       *resource,
                                             const KariPermissionContext *context,
                                             gboolean          consume_once);

G_END_DECLS
