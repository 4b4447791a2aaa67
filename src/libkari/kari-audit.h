/* kari-audit.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KARI_AUDIT_ERROR (kari_audit_error_quark ())

typedef enum
{
  KARI_AUDIT_ERROR_OPEN,
  KARI_AUDIT_ERROR_DB,
  KARI_AUDIT_ERROR_CLOSED,
  KARI_AUDIT_ERROR_INVALID,
} KariAuditError;

/**
 * KariAuditKind:
 * @KARI_AUDIT_CHECK: a permission check
 * @KARI_AUDIT_GRANT: a grant was made (or refused)
 * @KARI_AUDIT_REVOKE: a grant was revoked
 * @KARI_AUDIT_POLICY: the policy was changed
 * @KARI_AUDIT_ROLE: users or roles were changed
 * @KARI_AUDIT_MANAGER: another program called io.github.kari.Manager1
 * @KARI_AUDIT_REMOVAL: an extension was removed or a tenant deleted
 *   (kari-removal.h)
 * @KARI_AUDIT_LIMIT: something an extension sent was refused by a limit
 *   (a message over the size cap, a malformed stream, a connection from
 *   another user) and its connection closed
 */
typedef enum
{
  KARI_AUDIT_CHECK,
  KARI_AUDIT_GRANT,
  KARI_AUDIT_REVOKE,
  KARI_AUDIT_POLICY,
  KARI_AUDIT_ROLE,
  KARI_AUDIT_MANAGER,
  KARI_AUDIT_REMOVAL,
  KARI_AUDIT_LIMIT,
} KariAuditKind;

#define KARI_TYPE_AUDIT_ENTRY (kari_audit_entry_get_type ())

/**
 * KariAuditEntry:
 * @id: row id (0 before it is written)
 * @time_usec: wall-clock time of the decision, µs since the epoch
 * @kind: what was decided
 * @extension: (nullable): the extension concerned
 * @tenant: (nullable): the tenant
 * @user: (nullable): the user acting or acted for
 * @permission: (nullable): the permission
 * @resource: (nullable): the concrete resource
 * @allowed: the decision
 * @cached: whether it came from the decision cache
 * @decided_by: (nullable): the rule or grant that decided, e.g. `grant:12`,
 *   `policy:balanced:data`, `undeclared`, `prompt:once`, `prompt:timeout`
 * @detail: (nullable): anything else worth keeping
 */
typedef struct
{
  gint64         id;
  gint64         time_usec;
  KariAuditKind  kind;
  char          *extension;
  char          *tenant;
  char          *user;
  char          *permission;
  char          *resource;
  gboolean       allowed;
  gboolean       cached;
  char          *decided_by;
  char          *detail;
} KariAuditEntry;

/**
 * KariAuditQuery:
 * @extension: (nullable): only this extension
 * @tenant: (nullable): only this tenant
 * @user: (nullable): only this user
 * @permission: (nullable): only permissions matching this glob (`*` any run)
 * @decision: -1 for both, 0 only denials, 1 only allowances
 * @since_usec: 0, or only entries at or after this time
 * @until_usec: 0, or only entries before this time
 * @limit: at most this many (0: 100)
 * @offset: skip this many, for paging
 *
 * A filter over the audit log; results come newest first.
 */
typedef struct
{
  const char *extension;
  const char *tenant;
  const char *user;
  const char *permission;
  int         decision;
  gint64      since_usec;
  gint64      until_usec;
  guint       limit;
  guint       offset;
} KariAuditQuery;

#define KARI_AUDIT_QUERY_INIT { NULL, NULL, NULL, NULL, -1, 0, 0, 0, 0 }

/**
 * KariAuditFormat:
 * @KARI_AUDIT_FORMAT_CSV: RFC 4180 CSV with a header line
 * @KARI_AUDIT_FORMAT_JSON_LINES: one JSON object per line
 */
typedef enum
{
  KARI_AUDIT_FORMAT_CSV,
  KARI_AUDIT_FORMAT_JSON_LINES,
} KariAuditFormat;

GQuark          kari_audit_error_quark    (void);
const char     *kari_audit_kind_to_string (KariAuditKind kind);
gboolean        kari_audit_kind_from_string (const char    *name,
                                             KariAuditKind *kind);
GType           kari_audit_entry_get_type (void) G_GNUC_CONST;
KariAuditEntry *kari_audit_entry_copy     (const KariAuditEntry *self);
void            kari_audit_entry_free     (KariAuditEntry       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariAuditEntry, kari_audit_entry_free)

#define KARI_TYPE_AUDIT_LOG (kari_audit_log_get_type ())
G_DECLARE_FINAL_TYPE (KariAuditLog, kari_audit_log, KARI, AUDIT_LOG, GObject)

KariAuditLog *kari_audit_log_open       (const char            *registry_path,
                                         GError               **error);
void          kari_audit_log_append     (KariAuditLog          *self,
                                         const KariAuditEntry  *entry);
gboolean      kari_audit_log_flush      (KariAuditLog          *self,
                                         GError               **error);
gboolean      kari_audit_log_close      (KariAuditLog          *self,
                                         GError               **error);
guint64       kari_audit_log_get_n_appended (KariAuditLog      *self);
GPtrArray    *kari_audit_log_query      (KariAuditLog          *self,
                                         const KariAuditQuery  *query,
                                         GError               **error);
gboolean      kari_audit_log_export     (KariAuditLog          *self,
                                         const KariAuditQuery  *query,
                                         KariAuditFormat        format,
                                         GOutputStream         *stream,
                                         GCancellable          *cancellable,
                                         GError               **error);
gboolean      kari_audit_log_set_retention_days (KariAuditLog  *self,
                                         guint                  days,
                                         GError               **error);
guint         kari_audit_log_get_retention_days (KariAuditLog  *self);
gboolean      kari_audit_log_apply_retention (KariAuditLog     *self,
                                         guint64               *n_deleted,
                                         GError               **error);

G_END_DECLS
