/* kari-grant-index-private.h — the grant store's memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-grant.h"

G_BEGIN_DECLS

/* Grants in memory, indexed by (extension, tenant) and by id, each with
 * its parsed pattern. Not locked: KariGrantStore holds its lock around
 * every call. */
typedef struct _KariGrantIndex KariGrantIndex;

/* Which grants a revoke or list is about; NULL fields match anything */
typedef struct
{
  const char *extension;
  const char *tenant;
  const char *user;
  const char *permission;
  const char *canonical;    /* @permission as the pattern writes it */
} KariGrantFilter;

KariGrantIndex  *_kari_grant_index_new           (void);
void             _kari_grant_index_free          (KariGrantIndex        *self);
void             _kari_grant_index_insert        (KariGrantIndex        *self,
                                                  KariGrant             *grant,
                                                  KariPermissionPattern *pattern);
gboolean         _kari_grant_index_remove_id     (KariGrantIndex        *self,
                                                  gint64                 id);
const KariGrant *_kari_grant_index_lookup        (KariGrantIndex        *self,
                                                  gint64                 id,
                                                  gint64                 now);
KariGrant       *_kari_grant_index_dup_same      (KariGrantIndex        *self,
                                                  const KariGrant       *grant);
gboolean         _kari_grant_index_collect       (KariGrantIndex        *self,
                                                  const KariGrantFilter *filter,
                                                  gint64                 now,
                                                  GArray                *row_ids,
                                                  GPtrArray             *copies);
guint            _kari_grant_index_remove_memory_only (KariGrantIndex   *self,
                                                  const KariGrantFilter *filter);
KariGrant       *_kari_grant_index_find          (KariGrantIndex        *self,
                                                  const char            *extension,
                                                  const char            *tenant,
                                                  const char            *user,
                                                  const char            *domain,
                                                  const char            *action,
                                                  const char            *resource,
                                                  const KariPermissionContext *context,
                                                  gboolean               consume_once,
                                                  gint64                 now,
                                                  gboolean              *changed);
void             _kari_grant_index_carry_over    (KariGrantIndex        *from,
                                                  KariGrantIndex        *to);
GArray          *_kari_grant_index_get_expired_rows (KariGrantIndex     *self);
int              _kari_grant_compare             (gconstpointer          a,
                                                  gconstpointer          b);

G_END_DECLS
