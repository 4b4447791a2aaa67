/* kari-audit-entry.c — audit entries, kinds and errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-audit-private.h"

static const char * const kind_names[] = {
  [KARI_AUDIT_CHECK]  = "check",
  [KARI_AUDIT_GRANT]  = "grant",
  [KARI_AUDIT_REVOKE] = "revoke",
  [KARI_AUDIT_POLICY] = "policy",
  [KARI_AUDIT_ROLE]   = "role",
  [KARI_AUDIT_MANAGER] = "manager",
  [KARI_AUDIT_REMOVAL] = "removal",
  [KARI_AUDIT_LIMIT]  = "limit",
};

G_DEFINE_QUARK (kari-audit-error-quark, kari_audit_error)
G_DEFINE_BOXED_TYPE (KariAuditEntry, kari_audit_entry, kari_audit_entry_copy, kari_audit_entry_free)

/**
 * kari_audit_kind_to_string:
 * @kind: a #KariAuditKind
 *
 * Returns: the name stored in the log and shown in exports (`check`,
 *   `grant`, `revoke`, `policy`, `role`, `manager`, `removal`, `limit`), or %NULL for an
 *   unknown kind
 */
const char *
kari_audit_kind_to_string (KariAuditKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (kind_names))
    return NULL;
  return kind_names[kind];
}

/**
 * kari_audit_kind_from_string:
 * @name: a kind's name
 * @kind: (out): where to store the kind
 *
 * Returns: whether @name is the name of a kind
 */
gboolean
kari_audit_kind_from_string (const char    *name,
                             KariAuditKind *kind)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (name, kind_names[i]))
      {
        *kind = (KariAuditKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
_kari_audit_decision_to_string (gboolean allowed)
{
  return allowed ? "allow" : "deny";
}

/**
 * kari_audit_entry_copy:
 * @self: an entry
 *
 * Returns: (transfer full): a deep copy of @self
 */
KariAuditEntry *
kari_audit_entry_copy (const KariAuditEntry *self)
{
  KariAuditEntry *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new (KariAuditEntry, 1);
  *copy = *self;
  copy->extension = g_strdup (self->extension);
  copy->tenant = g_strdup (self->tenant);
  copy->user = g_strdup (self->user);
  copy->permission = g_strdup (self->permission);
  copy->resource = g_strdup (self->resource);
  copy->decided_by = g_strdup (self->decided_by);
  copy->detail = g_strdup (self->detail);
  return copy;
}

/**
 * kari_audit_entry_free:
 * @self: (nullable): an entry made by kari_audit_entry_copy() or a query
 */
void
kari_audit_entry_free (KariAuditEntry *self)
{
  if (self == NULL)
    return;
  g_free (self->extension);
  g_free (self->tenant);
  g_free (self->user);
  g_free (self->permission);
  g_free (self->resource);
  g_free (self->decided_by);
  g_free (self->detail);
  g_free (self);
}

void
_kari_audit_set_db_error (GError     **error,
                          sqlite3     *db,
                          int          rc,
                          const char  *doing)
{
  const char *file = db != NULL ? sqlite3_db_filename (db, "main") : NULL;

  g_set_error (error, KARI_AUDIT_ERROR, KARI_AUDIT_ERROR_DB,
               _("%s in the audit log %s: %s (SQLite error %d)"),
               doing, file != NULL ? file : "",
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc), rc);
}
