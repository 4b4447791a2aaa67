/* kari-audit-private.h — what kari-audit.c and kari-audit-query.c share,
 * and the hooks the tests use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "kari-audit.h"

G_BEGIN_DECLS

#define KARI_AUDIT_DEFAULT_CAPACITY 8192
#define KARI_AUDIT_RETENTION_KEY    "audit.retention_days"
#define KARI_AUDIT_DEFAULT_RETENTION_DAYS 90

/* The strings of an entry, in the order a slot packs them. */
typedef enum
{
  FIELD_EXTENSION,
  FIELD_TENANT,
  FIELD_USER,
  FIELD_PERMISSION,
  FIELD_RESOURCE,
  FIELD_DECIDED_BY,
  FIELD_DETAIL,
  N_FIELDS
} AuditField;

typedef struct _AuditSlot AuditSlot;

/* Called by the writer thread before each batch it writes; tests use it
 * to make a slow writer or to hold it still. */
typedef void (*KariAuditWriteHook) (gpointer user_data);

struct _KariAuditLog
{
  GObject        parent_instance;

  /* The ring: a bounded multi-producer, single-consumer queue of slots
   * (Vyukov's sequence-numbered ring). Producers only touch
   * enqueue_pos and their slot, so it is padded onto a cache line of its
   * own. Padding rather than alignment: GObject instances are only
   * malloc-aligned, so a 64-byte aligned member would be misaligned. */
  char           pad_before[64];
  guint64        enqueue_pos;
  char           pad_after[56];
  guint64        committed;     /* entries durable so far (atomic) */
  int            writer_sleeping;
  int            n_space_waiters;
  int            closed;
  AuditSlot     *slots;
  guint          capacity;
  guint          batch_max;
  guint64        dequeue_pos;   /* the writer thread's alone */

  GMutex         mutex;         /* the conditions below and the fields they guard */
  GCond          writer_cond;
  GCond          space_cond;
  GCond          flush_cond;
  gboolean       stopping;
  GError        *writer_error;  /* the last failure to write, until a batch succeeds */
  guint          n_failures;    /* failures since the last success */
  guint          failure_serial;  /* counts every failure, for flush() */
  guint          n_flush_waiters;

  GThread       *writer;
  sqlite3       *write_db;
  sqlite3_stmt  *insert;
  KariAuditWriteHook write_hook;
  gpointer       write_hook_data;

  GMutex         read_lock;     /* guards read_db: queries, export, settings */
  sqlite3       *read_db;
  char          *path;
};

KariAuditLog *_kari_audit_log_open_full      (const char          *registry_path,
                                              guint                capacity,
                                              GError             **error);
void          _kari_audit_log_set_write_hook (KariAuditLog        *self,
                                              KariAuditWriteHook   hook,
                                              gpointer             user_data);
void          _kari_audit_set_db_error       (GError             **error,
                                              sqlite3             *db,
                                              int                  rc,
                                              const char          *doing);
const char   *_kari_audit_decision_to_string (gboolean             allowed);

G_END_DECLS
