/* kari-audit.c — the audit log: a ring of preallocated slots filled by
 * any thread, written to the registry in batches by one writer thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * append() must cost about a hundred nanoseconds, so it neither takes a
 * lock nor allocates: it claims the next slot with one compare-and-swap,
 * copies the entry's strings into the slot's own buffer (only strings
 * longer than the buffer go to the heap) and publishes the slot by
 * bumping its sequence number. The writer thread takes the published
 * slots in order, inserts them in one transaction and only then frees
 * the slots, so an entry leaves the ring only once it is committed: a
 * failed write is retried, never dropped, and a full ring makes
 * append() wait for room.
 *
 * The writer sleeps without a timeout only when the ring is empty (the
 * next append wakes it); with a few entries pending it dozes at most
 * DOZE_USEC to gather a larger batch, so what is appended is committed
 * well within 100 ms.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "kari-audit-private.h"
#include "kari-registry-private.h"

#define SLOT_BYTES  320
#define NO_STRING   G_MAXUINT32
#define DOZE_USEC   (20 * G_TIME_SPAN_MILLISECOND)
#define RETRY_USEC  (100 * G_TIME_SPAN_MILLISECOND)
#define MAX_FAILURES_ON_CLOSE 3

struct _AuditSlot
{
  guint64  seq;                  /* Vyukov's, less the slot's index (slot_seq()) */
  gint64   time_usec;
  char    *heap;                 /* the strings when they do not fit buf */
  guint32  offset[N_FIELDS];     /* where each string starts, or NO_STRING */
  guint8   kind;
  guint8   allowed;
  guint8   cached;
  char     buf[SLOT_BYTES - 2 * sizeof (guint64) - sizeof (char *)
               - N_FIELDS * sizeof (guint32) - 3];
};

G_STATIC_ASSERT (sizeof (AuditSlot) == SLOT_BYTES);
G_STATIC_ASSERT (SLOT_BYTES % 64 == 0);

typedef enum
{
  WRITER_AWAKE,
  WRITER_DOZING,    /* timed wait; woken only when the ring fills up */
  WRITER_ASLEEP,    /* the ring was empty: woken by the next append */
} WriterState;

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      const char  *doing,
      GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _kari_audit_set_db_error (error, db, rc, doing);
      return FALSE;
    }
  return TRUE;
}

static inline AuditSlot *
slot_at (KariAuditLog *self,
         guint64       pos)
{
  return &self->slots[pos & (self->capacity - 1)];
}

/* Vyukov's sequence of the slot at @pos: == pos free, == pos + 1
 * published. A slot stores it less its index, so the ring starts
 * zeroed: fresh pages from mmap() that no one need touch at open (a
 * loop writing every index would fault in the whole 2.6 MB ring, over a
 * millisecond of every program's start). */
#define slot_seq_load(self, pos, order) \
  (__atomic_load_n (&slot_at ((self), (pos))->seq, (order)) + ((pos) & ((self)->capacity - 1)))
#define slot_seq_store(self, pos, value, order) \
  __atomic_store_n (&slot_at ((self), (pos))->seq, (value) - ((pos) & ((self)->capacity - 1)), (order))

static inline const char *
slot_string (const AuditSlot *slot,
             AuditField       field)
{
  if (slot->offset[field] == NO_STRING)
    return NULL;
  return (slot->heap != NULL ? slot->heap : slot->buf) + slot->offset[field];
}

static inline gboolean
slot_published (KariAuditLog *self,
                guint64       pos)
{
  return slot_seq_load (self, pos, __ATOMIC_ACQUIRE) == pos + 1;
}

G_DEFINE_FINAL_TYPE (KariAuditLog, kari_audit_log, G_TYPE_OBJECT)

/* ---- the writer thread ------------------------------------------------ */

/* Extensions may hand us any bytes; the log stores valid UTF-8 only, so
 * invalid sequences become U+FFFD here, off the caller's thread. */
static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else if (g_utf8_validate (text, -1, NULL))
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_text (stmt, index, g_utf8_make_valid (text, -1), -1, g_free);
}

static gboolean
insert_slot (KariAuditLog     *self,
             const AuditSlot  *slot,
             GError          **error)
{
  static const AuditField columns[] = {
    FIELD_EXTENSION, FIELD_TENANT, FIELD_USER, FIELD_PERMISSION, FIELD_RESOURCE,
  };
  sqlite3_stmt *stmt = self->insert;
  int rc;

  sqlite3_bind_int64 (stmt, 1, slot->time_usec);
  sqlite3_bind_text (stmt, 2, kari_audit_kind_to_string (slot->kind), -1, SQLITE_STATIC);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    bind_text (stmt, 3 + i, slot_string (slot, columns[i]));
  sqlite3_bind_text (stmt, 8, _kari_audit_decision_to_string (slot->allowed), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 9, slot->cached);
  bind_text (stmt, 10, slot_string (slot, FIELD_DECIDED_BY));
  bind_text (stmt, 11, slot_string (slot, FIELD_DETAIL));

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      _kari_audit_set_db_error (error, self->write_db, rc, "Writing an audit entry");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_batch (KariAuditLog  *self,
             guint          n,
             GError       **error)
{
  if (!exec (self->write_db, "BEGIN IMMEDIATE", "Starting to write audit entries", error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    if (!insert_slot (self, slot_at (self, self->dequeue_pos + i), error))
      {
        sqlite3_exec (self->write_db, "ROLLBACK", NULL, NULL, NULL);
        return FALSE;
      }

  if (!exec (self->write_db, "COMMIT", "Committing audit entries", error))
    {
      sqlite3_exec (self->write_db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

/* Frees the @n committed slots for the producers and tells whoever waits. */
static void
release_batch (KariAuditLog *self,
               guint         n)
{
  for (guint i = 0; i < n; i++)
    {
      guint64 pos = self->dequeue_pos + i;
      AuditSlot *slot = slot_at (self, pos);

      g_clear_pointer (&slot->heap, g_free);
      slot_seq_store (self, pos, pos + self->capacity, __ATOMIC_SEQ_CST);
    }
  self->dequeue_pos += n;
  __atomic_store_n (&self->committed, self->dequeue_pos, __ATOMIC_SEQ_CST);

  g_mutex_lock (&self->mutex);
  g_clear_error (&self->writer_error);
  self->n_failures = 0;
  g_cond_broadcast (&self->flush_cond);
  if (__atomic_load_n (&self->n_space_waiters, __ATOMIC_SEQ_CST) > 0)
    g_cond_broadcast (&self->space_cond);
  g_mutex_unlock (&self->mutex);
}

static guint
count_published (KariAuditLog *self)
{
  guint n = 0;

  while (n < self->batch_max && slot_published (self, self->dequeue_pos + n))
    n++;
  return n;
}

/* Called with the mutex held when nothing is published: sleeps until an
 * append, a flush or close wakes us. Returns FALSE when it is time to go. */
static gboolean
wait_for_entries (KariAuditLog *self)
{
  guint64 reserved;

  __atomic_store_n (&self->writer_sleeping, WRITER_ASLEEP, __ATOMIC_SEQ_CST);
  reserved = __atomic_load_n (&self->enqueue_pos, __ATOMIC_SEQ_CST);

  if (reserved == self->dequeue_pos)
    {
      if (self->stopping)
        return FALSE;
      g_cond_wait (&self->writer_cond, &self->mutex);
    }
  else if (!slot_published (self, self->dequeue_pos))
    {
      /* A producer is between claiming its slot and publishing it. */
      __atomic_store_n (&self->writer_sleeping, WRITER_DOZING, __ATOMIC_SEQ_CST);
      g_cond_wait_until (&self->writer_cond, &self->mutex,
                         g_get_monotonic_time () + G_TIME_SPAN_MILLISECOND);
    }
  __atomic_store_n (&self->writer_sleeping, WRITER_AWAKE, __ATOMIC_SEQ_CST);
  return TRUE;
}

static gpointer
writer_main (gpointer data)
{
  KariAuditLog *self = data;
  gboolean dozed = FALSE;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint n = count_published (self);

      if (n == 0)
        {
          gboolean go_on;

          g_mutex_lock (&self->mutex);
          go_on = wait_for_entries (self);
          g_mutex_unlock (&self->mutex);
          if (!go_on)
            break;
          continue;
        }

      /* A small batch is worth a short wait for more, unless someone is
       * waiting for it. */
      if (!dozed && n < self->batch_max / 4)
        {
          g_mutex_lock (&self->mutex);
          if (!self->stopping && self->n_flush_waiters == 0)
            {
              __atomic_store_n (&self->writer_sleeping, WRITER_DOZING, __ATOMIC_SEQ_CST);
              g_cond_wait_until (&self->writer_cond, &self->mutex,
                                 g_get_monotonic_time () + DOZE_USEC);
              __atomic_store_n (&self->writer_sleeping, WRITER_AWAKE, __ATOMIC_SEQ_CST);
            }
          g_mutex_unlock (&self->mutex);
          dozed = TRUE;
          continue;
        }
      dozed = FALSE;

      {
        KariAuditWriteHook hook = __atomic_load_n (&self->write_hook, __ATOMIC_ACQUIRE);

        if (hook != NULL)
          hook (self->write_hook_data);
      }

      if (write_batch (self, n, &error))
        {
          release_batch (self, n);
          continue;
        }

      /* Keep the entries and try again: nothing is dropped while the
       * database can be written at all. */
      g_mutex_lock (&self->mutex);
      g_clear_error (&self->writer_error);
      self->writer_error = g_steal_pointer (&error);
      self->n_failures++;
      self->failure_serial++;
      g_cond_broadcast (&self->flush_cond);
      if (self->stopping && self->n_failures >= MAX_FAILURES_ON_CLOSE)
        {
          g_mutex_unlock (&self->mutex);
          break;
        }
      g_cond_wait_until (&self->writer_cond, &self->mutex, g_get_monotonic_time () + RETRY_USEC);
      g_mutex_unlock (&self->mutex);
    }

  return NULL;
}

/* ---- producers -------------------------------------------------------- */

static void
wake_writer (KariAuditLog *self)
{
  g_mutex_lock (&self->mutex);
  g_cond_signal (&self->writer_cond);
  g_mutex_unlock (&self->mutex);
}

/* The ring is full at @pos: back-pressure, wait until the writer has
 * committed and freed that slot. */
static void
wait_for_space (KariAuditLog *self,
                guint64       pos)
{
  g_mutex_lock (&self->mutex);
  __atomic_add_fetch (&self->n_space_waiters, 1, __ATOMIC_SEQ_CST);
  g_cond_signal (&self->writer_cond);
  while ((gint64) (slot_seq_load (self, pos, __ATOMIC_SEQ_CST) - pos) < 0)
    g_cond_wait (&self->space_cond, &self->mutex);
  __atomic_sub_fetch (&self->n_space_waiters, 1, __ATOMIC_SEQ_CST);
  g_mutex_unlock (&self->mutex);
}

static guint64
claim_slot (KariAuditLog *self)
{
  guint64 pos = __atomic_load_n (&self->enqueue_pos, __ATOMIC_RELAXED);

  for (;;)
    {
      guint64 seq = slot_seq_load (self, pos, __ATOMIC_ACQUIRE);
      gint64 diff = (gint64) (seq - pos);

      if (diff == 0)
        {
          if (__atomic_compare_exchange_n (&self->enqueue_pos, &pos, pos + 1, TRUE,
                                           __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            return pos;
          /* pos now holds the current value; try again */
        }
      else
        {
          if (diff < 0)
            wait_for_space (self, pos);
          pos = __atomic_load_n (&self->enqueue_pos, __ATOMIC_RELAXED);
        }
    }
}

static void
fill_slot (AuditSlot            *slot,
           const KariAuditEntry *entry)
{
  const char *strings[N_FIELDS] = {
    [FIELD_EXTENSION]  = entry->extension,
    [FIELD_TENANT]     = entry->tenant,
    [FIELD_USER]       = entry->user,
    [FIELD_PERMISSION] = entry->permission,
    [FIELD_RESOURCE]   = entry->resource,
    [FIELD_DECIDED_BY] = entry->decided_by,
    [FIELD_DETAIL]     = entry->detail,
  };
  gsize lengths[N_FIELDS];
  gsize total = 0, at = 0;
  char *dest;

  for (guint i = 0; i < N_FIELDS; i++)
    {
      lengths[i] = strings[i] != NULL ? strlen (strings[i]) + 1 : 0;
      total += lengths[i];
    }

  dest = slot->buf;
  if (total > sizeof slot->buf)
    dest = slot->heap = g_malloc (total);

  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (strings[i] == NULL)
        {
          slot->offset[i] = NO_STRING;
          continue;
        }
      memcpy (dest + at, strings[i], lengths[i]);
      slot->offset[i] = (guint32) at;
      at += lengths[i];
    }

  slot->time_usec = entry->time_usec != 0 ? entry->time_usec : g_get_real_time ();
  slot->kind = (guint8) entry->kind;
  slot->allowed = entry->allowed != FALSE;
  slot->cached = entry->cached != FALSE;
}

/**
 * kari_audit_log_append:
 * @self: an open audit log
 * @entry: the decision; its @id is ignored, a @time_usec of 0 means now
 *
 * Queues @entry to be written. Cheap (no lock, no allocation unless the
 * strings are unusually long) and safe from any thread; entries are
 * written in the order their append() calls claimed their place, so
 * the entries of one thread keep their order. None is ever dropped:
 * when the queue is full this waits until the writer has made room.
 * The copy is taken before this returns. Invalid UTF-8 is stored with
 * U+FFFD in place of the bad bytes.
 *
 * Appending after kari_audit_log_close() is a programmer error.
 */
void
kari_audit_log_append (KariAuditLog         *self,
                       const KariAuditEntry *entry)
{
  guint64 pos;
  AuditSlot *slot;
  int state;

  g_return_if_fail (KARI_IS_AUDIT_LOG (self));
  g_return_if_fail (entry != NULL);
  g_return_if_fail (kari_audit_kind_to_string (entry->kind) != NULL);
  g_return_if_fail (!__atomic_load_n (&self->closed, __ATOMIC_RELAXED));

  pos = claim_slot (self);
  slot = slot_at (self, pos);
  fill_slot (slot, entry);
  slot_seq_store (self, pos, pos + 1, __ATOMIC_SEQ_CST);

  /* Wake the writer when it sleeps on an empty ring, or when it dozes
   * while the ring is half full. */
  state = __atomic_load_n (&self->writer_sleeping, __ATOMIC_SEQ_CST);
  if (G_UNLIKELY (state == WRITER_ASLEEP ||
                  (state == WRITER_DOZING &&
                   pos + 1 - __atomic_load_n (&self->committed, __ATOMIC_RELAXED) >= self->capacity / 2)))
    wake_writer (self);
}

/**
 * kari_audit_log_get_n_appended:
 * @self: an audit log
 *
 * Returns: how many entries have been appended since the log was
 *   opened, written or not
 */
guint64
kari_audit_log_get_n_appended (KariAuditLog *self)
{
  g_return_val_if_fail (KARI_IS_AUDIT_LOG (self), 0);

  return __atomic_load_n (&self->enqueue_pos, __ATOMIC_SEQ_CST);
}

/**
 * kari_audit_log_flush:
 * @self: an audit log
 * @error: return location for a #GError
 *
 * Waits until every entry appended before this call is committed to the
 * registry. Committed means safe from a crash of the program; as the
 * registry runs SQLite's WAL with `synchronous=NORMAL`, a power cut may
 * still lose the last commits, as for the rest of the registry.
 *
 * Returns: %TRUE once they are written, %FALSE if the writer failed to
 *   write them (it keeps trying; the entries are not dropped)
 */
gboolean
kari_audit_log_flush (KariAuditLog  *self,
                      GError       **error)
{
  guint64 target;
  guint serial;
  gboolean ok = TRUE;

  g_return_val_if_fail (KARI_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  target = __atomic_load_n (&self->enqueue_pos, __ATOMIC_SEQ_CST);
  if (__atomic_load_n (&self->committed, __ATOMIC_SEQ_CST) >= target)
    return TRUE;

  g_mutex_lock (&self->mutex);
  if (self->writer == NULL)
    {
      g_mutex_unlock (&self->mutex);
      g_set_error (error, KARI_AUDIT_ERROR, KARI_AUDIT_ERROR_CLOSED,
                   _("The audit log %s is closed and %" G_GUINT64_FORMAT " entries were never written"),
                   self->path, target - __atomic_load_n (&self->committed, __ATOMIC_SEQ_CST));
      return FALSE;
    }
  serial = self->failure_serial;
  self->n_flush_waiters++;
  g_cond_signal (&self->writer_cond);
  while (__atomic_load_n (&self->committed, __ATOMIC_SEQ_CST) < target)
    {
      if (self->failure_serial != serial && self->writer_error != NULL)
        {
          g_propagate_error (error, g_error_copy (self->writer_error));
          ok = FALSE;
          break;
        }
      g_cond_wait (&self->flush_cond, &self->mutex);
    }
  self->n_flush_waiters--;
  g_mutex_unlock (&self->mutex);
  return ok;
}

/**
 * kari_audit_log_close:
 * @self: an audit log
 * @error: return location for a #GError
 *
 * Writes every pending entry, stops the writer thread and closes the
 * database. Queries and exports fail with %KARI_AUDIT_ERROR_CLOSED
 * afterwards. Closing twice is harmless. Also done on dispose.
 *
 * Returns: %FALSE if pending entries could not be written
 */
gboolean
kari_audit_log_close (KariAuditLog  *self,
                      GError       **error)
{
  guint64 appended, committed;

  g_return_val_if_fail (KARI_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (__atomic_exchange_n (&self->closed, TRUE, __ATOMIC_SEQ_CST))
    return TRUE;

  if (self->writer != NULL)
    {
      GThread *writer = self->writer;

      g_mutex_lock (&self->mutex);
      self->stopping = TRUE;
      g_cond_signal (&self->writer_cond);
      g_mutex_unlock (&self->mutex);
      g_thread_join (writer);

      g_mutex_lock (&self->mutex);
      self->writer = NULL;
      g_mutex_unlock (&self->mutex);
    }

  appended = __atomic_load_n (&self->enqueue_pos, __ATOMIC_SEQ_CST);
  committed = __atomic_load_n (&self->committed, __ATOMIC_SEQ_CST);

  /* Only after a write failure can slots still hold strings. */
  for (guint64 pos = committed; pos < appended; pos++)
    g_clear_pointer (&slot_at (self, pos)->heap, g_free);

  g_clear_pointer (&self->insert, sqlite3_finalize);
  g_clear_pointer (&self->write_db, sqlite3_close);
  g_mutex_lock (&self->read_lock);
  g_clear_pointer (&self->read_db, sqlite3_close);
  g_mutex_unlock (&self->read_lock);

  if (committed < appended)
    {
      g_set_error (error, KARI_AUDIT_ERROR, KARI_AUDIT_ERROR_DB,
                   _("%" G_GUINT64_FORMAT " audit entries could not be written to %s: %s"),
                   appended - committed, self->path,
                   self->writer_error != NULL ? self->writer_error->message : "unknown error");
      return FALSE;
    }
  return TRUE;
}

void
_kari_audit_log_set_write_hook (KariAuditLog       *self,
                                KariAuditWriteHook  hook,
                                gpointer            user_data)
{
  self->write_hook_data = user_data;
  __atomic_store_n (&self->write_hook, hook, __ATOMIC_RELEASE);
}

/* ---- life cycle ------------------------------------------------------- */

static void
kari_audit_log_dispose (GObject *object)
{
  KariAuditLog *self = KARI_AUDIT_LOG (object);
  g_autoptr(GError) error = NULL;

  if (!kari_audit_log_close (self, &error))
    g_warning ("%s", error->message);

  G_OBJECT_CLASS (kari_audit_log_parent_class)->dispose (object);
}

static void
kari_audit_log_finalize (GObject *object)
{
  KariAuditLog *self = KARI_AUDIT_LOG (object);

  /* Only a log that failed to open still has its connections here. */
  g_clear_pointer (&self->insert, sqlite3_finalize);
  g_clear_pointer (&self->write_db, sqlite3_close);
  g_clear_pointer (&self->read_db, sqlite3_close);
  if (self->slots != NULL)
    munmap (self->slots, (gsize) self->capacity * sizeof (AuditSlot));
  self->slots = NULL;
  g_clear_error (&self->writer_error);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->mutex);
  g_mutex_clear (&self->read_lock);
  g_cond_clear (&self->writer_cond);
  g_cond_clear (&self->space_cond);
  g_cond_clear (&self->flush_cond);

  G_OBJECT_CLASS (kari_audit_log_parent_class)->finalize (object);
}

static void
kari_audit_log_class_init (KariAuditLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kari_audit_log_dispose;
  object_class->finalize = kari_audit_log_finalize;
}

static void
kari_audit_log_init (KariAuditLog *self)
{
  g_mutex_init (&self->mutex);
  g_mutex_init (&self->read_lock);
  g_cond_init (&self->writer_cond);
  g_cond_init (&self->space_cond);
  g_cond_init (&self->flush_cond);
}

/* The second connection, for queries, exports and settings, so that a
 * long export never holds up the writer (WAL lets both run). */
static sqlite3 *
open_reader (const char  *path,
             GError     **error)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, KARI_AUDIT_ERROR, KARI_AUDIT_ERROR_OPEN,
                   _("Could not open the audit log in %s: %s"),
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, 10000);
  if (!exec (db, "PRAGMA synchronous = NORMAL", "Setting up the connection", error))
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

KariAuditLog *
_kari_audit_log_open_full (const char  *registry_path,
                           guint        capacity,
                           GError     **error)
{
  g_autoptr(KariAuditLog) self = NULL;
  g_autoptr(GError) local_error = NULL;
  int rc;

  g_return_val_if_fail (registry_path != NULL, NULL);
  g_return_val_if_fail (capacity >= 2 && capacity <= (1u << 24), NULL);

  self = g_object_new (KARI_TYPE_AUDIT_LOG, NULL);
  self->path = g_strdup (registry_path);
  /* Closed until the writer runs, so dispose of a half-open log is quiet. */
  self->closed = TRUE;

  self->capacity = 1;
  while (self->capacity < capacity)
    self->capacity <<= 1;
  /* The writer holds a batch's slots until it commits, so producers
   * keep the other half to fill meanwhile. */
  self->batch_max = MAX (self->capacity / 2, 1);
  /* Zeroed, page-aligned, and only paid for as slots are used. */
  self->slots = mmap (NULL, (gsize) self->capacity * sizeof (AuditSlot), PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (self->slots == MAP_FAILED)
    {
      int saved_errno = errno;

      self->slots = NULL;
      g_set_error (error, KARI_AUDIT_ERROR, KARI_AUDIT_ERROR_OPEN,
                   _("Could not open the audit log: no memory for its %u entries in waiting: %s"),
                   self->capacity, g_strerror (saved_errno));
      return NULL;
    }

  self->write_db = _kari_registry_db_open (registry_path, NULL, &local_error);
  if (self->write_db == NULL)
    {
      g_set_error (error, KARI_AUDIT_ERROR, KARI_AUDIT_ERROR_OPEN,
                   _("Could not open the audit log: %s"), local_error->message);
      return NULL;
    }

  rc = sqlite3_prepare_v3 (self->write_db,
                           "INSERT INTO audit_log (time_usec, kind, extension, tenant, user,"
                           " permission, resource, decision, cached, decided_by, detail)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, SQLITE_PREPARE_PERSISTENT, &self->insert, NULL);
  if (rc != SQLITE_OK)
    {
      _kari_audit_set_db_error (error, self->write_db, rc, "Preparing to write");
      return NULL;
    }

  self->read_db = open_reader (registry_path, error);
  if (self->read_db == NULL)
    return NULL;

  self->writer = g_thread_try_new ("kari-audit", writer_main, self, error);
  if (self->writer == NULL)
    return NULL;
  self->closed = FALSE;

  return g_steal_pointer (&self);
}

/**
 * kari_audit_log_open:
 * @registry_path: the registry's database file
 * @error: return location for a #GError
 *
 * Opens the audit log of the registry at @registry_path with connections
 * of its own (the registry may be open in this process and others too),
 * bringing the schema up to date, and starts its writer thread.
 *
 * Returns: (transfer full): the log, or %NULL with @error set
 */
KariAuditLog *
kari_audit_log_open (const char  *registry_path,
                     GError     **error)
{
  return _kari_audit_log_open_full (registry_path, KARI_AUDIT_DEFAULT_CAPACITY, error);
}
