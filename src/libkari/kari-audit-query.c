/* kari-audit-query.c — reading the audit log: queries, CSV and JSON Lines
 * exports, and retention
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here runs on the log's reading connection, under read_lock,
 * so a long export never holds up the writer thread.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <time.h>

#include "kari-audit-private.h"

#define DEFAULT_LIMIT     100
#define EXPORT_CHUNK      (64 * 1024)
#define RETENTION_BATCH   10000
#define USEC_PER_DAY      ((gint64) 86400 * G_USEC_PER_SEC)

/* Statements here are prepared for one use; the registry's own autoptr
 * for sqlite3_stmt only resets its cached ones. */
typedef sqlite3_stmt AuditStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AuditStmt, sqlite3_finalize)

/* Columns as selected, which is also the order of the exports' fields. */
typedef enum
{
  COL_ID,
  COL_TIME,
  COL_KIND,
  COL_EXTENSION,
  COL_TENANT,
  COL_USER,
  COL_PERMISSION,
  COL_RESOURCE,
  COL_DECISION,
  COL_CACHED,
  COL_DECIDED_BY,
  COL_DETAIL,
  N_COLS
} Column;

static const char * const column_names[N_COLS] = {
  "id", "time", "kind", "extension", "tenant", "user", "permission",
  "resource", "decision", "cached", "decided_by", "detail",
};

/* The equality filters of a query, walked by one loop. */
static const struct
{
  const char *column;
  gsize       offset;
} text_filters[] = {
  { "extension", G_STRUCT_OFFSET (KariAuditQuery, extension) },
  { "tenant",    G_STRUCT_OFFSET (KariAuditQuery, tenant) },
  { "user",      G_STRUCT_OFFSET (KariAuditQuery, user) },
};

#define QUERY_TEXT(query, i) \
  (G_STRUCT_MEMBER (const char *, (query), text_filters[i].offset))

/* Turns our glob, where only `*` is special, into an SQLite GLOB pattern
 * where `?`, `[` and `]` would be too: those become one-character
 * classes and so match only themselves. */
static char *
glob_to_sqlite (const char *glob)
{
  GString *out = g_string_sized_new (strlen (glob) + 8);

  for (const char *p = glob; *p != '\0'; p++)
    switch (*p)
      {
      case '?':
      case '[':
      case ']':
        g_string_append_c (out, '[');
        g_string_append_c (out, *p);
        g_string_append_c (out, ']');
        break;
      default:
        g_string_append_c (out, *p);
      }
  return g_string_free (out, FALSE);
}

static gboolean
check_open (KariAuditLog  *self,
            GError       **error)
{
  if (self->read_db == NULL)
    {
      g_set_error (error, KARI_AUDIT_ERROR, KARI_AUDIT_ERROR_CLOSED,
                   _("The audit log %s is closed"), self->path);
      return FALSE;
    }
  return TRUE;
}

/* Prepares the SELECT for @query on the reading connection (read_lock
 * held). @limit < 0 means no limit. */
static sqlite3_stmt *
prepare_query (KariAuditLog          *self,
               const KariAuditQuery  *query,
               gint64                 limit,
               GError               **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT id, time_usec, kind, extension, tenant, user,"
                                         " permission, resource, decision, cached, decided_by,"
                                         " detail FROM audit_log WHERE 1");
  g_autofree char *glob = NULL;
  sqlite3_stmt *stmt = NULL;
  int index = 1;
  int rc;

  if (query->decision < -1 || query->decision > 1)
    {
      g_set_error (error, KARI_AUDIT_ERROR, KARI_AUDIT_ERROR_INVALID,
                   _("The decision filter must be -1 (both), 0 (denials) or 1 (allowances), not %d"),
                   query->decision);
      return NULL;
    }
  if (!check_open (self, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (text_filters); i++)
    if (QUERY_TEXT (query, i) != NULL)
      g_string_append_printf (sql, " AND %s = ?", text_filters[i].column);
  if (query->permission != NULL)
    g_string_append (sql, " AND permission GLOB ?");
  if (query->decision >= 0)
    g_string_append (sql, " AND decision = ?");
  if (query->since_usec != 0)
    g_string_append (sql, " AND time_usec >= ?");
  if (query->until_usec != 0)
    g_string_append (sql, " AND time_usec < ?");
  g_string_append (sql, " ORDER BY time_usec DESC, id DESC LIMIT ? OFFSET ?");

  rc = sqlite3_prepare_v2 (self->read_db, sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _kari_audit_set_db_error (error, self->read_db, rc, "Preparing a query");
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (text_filters); i++)
    if (QUERY_TEXT (query, i) != NULL)
      sqlite3_bind_text (stmt, index++, QUERY_TEXT (query, i), -1, SQLITE_TRANSIENT);
  if (query->permission != NULL)
    {
      glob = glob_to_sqlite (query->permission);
      sqlite3_bind_text (stmt, index++, glob, -1, SQLITE_TRANSIENT);
    }
  if (query->decision >= 0)
    sqlite3_bind_text (stmt, index++, _kari_audit_decision_to_string (query->decision), -1,
                       SQLITE_STATIC);
  if (query->since_usec != 0)
    sqlite3_bind_int64 (stmt, index++, query->since_usec);
  if (query->until_usec != 0)
    sqlite3_bind_int64 (stmt, index++, query->until_usec);
  sqlite3_bind_int64 (stmt, index++, limit);
  sqlite3_bind_int64 (stmt, index++, query->offset);

  return stmt;
}

static char *
dup_column (sqlite3_stmt *stmt,
            Column        column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static KariAuditEntry *
entry_from_row (sqlite3_stmt  *stmt,
                GError       **error)
{
  g_autoptr(KariAuditEntry) entry = g_new0 (KariAuditEntry, 1);
  const char *kind = (const char *) sqlite3_column_text (stmt, COL_KIND);

  entry->id = sqlite3_column_int64 (stmt, COL_ID);
  if (!kari_audit_kind_from_string (kind, &entry->kind))
    {
      g_set_error (error, KARI_AUDIT_ERROR, KARI_AUDIT_ERROR_DB,
                   _("Audit entry %" G_GINT64_FORMAT " has an unknown kind “%s”"),
                   entry->id, kind != NULL ? kind : "");
      return NULL;
    }
  entry->time_usec = sqlite3_column_int64 (stmt, COL_TIME);
  entry->extension = dup_column (stmt, COL_EXTENSION);
  entry->tenant = dup_column (stmt, COL_TENANT);
  entry->user = dup_column (stmt, COL_USER);
  entry->permission = dup_column (stmt, COL_PERMISSION);
  entry->resource = dup_column (stmt, COL_RESOURCE);
  entry->allowed = g_strcmp0 ((const char *) sqlite3_column_text (stmt, COL_DECISION), "allow") == 0;
  entry->cached = sqlite3_column_int (stmt, COL_CACHED) != 0;
  entry->decided_by = dup_column (stmt, COL_DECIDED_BY);
  entry->detail = dup_column (stmt, COL_DETAIL);
  return g_steal_pointer (&entry);
}

/**
 * kari_audit_log_query:
 * @self: an audit log
 * @query: the filter; see #KariAuditQuery
 * @error: return location for a #GError
 *
 * Reads committed entries matching @query, newest first (by time, then
 * by the order they were written), at most @query->limit of them (100
 * when it is 0) after skipping @query->offset. Call
 * kari_audit_log_flush() first to see what was just appended.
 *
 * Returns: (transfer full) (element-type KariAuditEntry): the entries,
 *   or %NULL with @error set
 */
GPtrArray *
kari_audit_log_query (KariAuditLog          *self,
                      const KariAuditQuery  *query,
                      GError               **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_audit_entry_free);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(AuditStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (KARI_IS_AUDIT_LOG (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->read_lock);
  stmt = prepare_query (self, query, query->limit != 0 ? query->limit : DEFAULT_LIMIT, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KariAuditEntry *entry = entry_from_row (stmt, error);

      if (entry == NULL)
        return NULL;
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      _kari_audit_set_db_error (error, self->read_db, rc, "Querying");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

/* ---- export ----------------------------------------------------------- */

static void
append_time (GString *out,
             gint64   usec)
{
  gint64 seconds = usec / G_USEC_PER_SEC;
  gint64 fraction = usec % G_USEC_PER_SEC;
  time_t t;
  struct tm tm;

  if (fraction < 0)
    {
      fraction += G_USEC_PER_SEC;
      seconds--;
    }
  t = (time_t) seconds;
  gmtime_r (&t, &tm);
  g_string_append_printf (out, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec, (int) fraction);
}

/* Rows written by other programs may hold any bytes. */
static const char *
valid_text (const char  *text,
            char       **owned)
{
  if (text == NULL || g_utf8_validate (text, -1, NULL))
    return text;
  return *owned = g_utf8_make_valid (text, -1);
}

/* RFC 4180: a field holding a comma, quote, CR or LF is quoted and its
 * quotes doubled. Against formula injection, a field starting with
 * = + - @ TAB CR or LF gets a leading apostrophe, which spreadsheets
 * show as text rather than run. */
static void
append_csv_field (GString    *out,
                  const char *raw)
{
  g_autofree char *owned = NULL;
  const char *text = valid_text (raw, &owned);
  gboolean quote;

  if (text == NULL)
    return;
  quote = strpbrk (text, ",\"\r\n") != NULL;
  if (quote)
    g_string_append_c (out, '"');
  if (text[0] != '\0' && strchr ("=+-@\t\r\n", text[0]) != NULL)
    g_string_append_c (out, '\'');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  if (quote)
    g_string_append_c (out, '"');
}

static void
append_json_string (GString    *out,
                    const char *raw)
{
  g_autofree char *owned = NULL;
  const char *text = valid_text (raw, &owned);

  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      /* U+2028 and U+2029 end lines in JavaScript */
      else if (c == 0xe2 && (guchar) p[1] == 0x80 && ((guchar) p[2] == 0xa8 || (guchar) p[2] == 0xa9))
        {
          g_string_append_printf (out, "\\u%04x", (guchar) p[2] == 0xa8 ? 0x2028 : 0x2029);
          p += 2;
        }
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
append_csv_row (GString      *out,
                sqlite3_stmt *stmt)
{
  for (int col = 0; col < N_COLS; col++)
    {
      if (col > 0)
        g_string_append_c (out, ',');
      switch (col)
        {
        case COL_ID:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, col));
          break;
        case COL_TIME:
          append_time (out, sqlite3_column_int64 (stmt, col));
          break;
        case COL_CACHED:
          g_string_append (out, sqlite3_column_int (stmt, col) ? "true" : "false");
          break;
        default:
          append_csv_field (out, (const char *) sqlite3_column_text (stmt, col));
        }
    }
  g_string_append (out, "\r\n");
}

static void
append_json_row (GString      *out,
                 sqlite3_stmt *stmt)
{
  g_string_append_c (out, '{');
  for (int col = 0; col < N_COLS; col++)
    {
      g_string_append_printf (out, "%s\"%s\":", col > 0 ? "," : "", column_names[col]);
      switch (col)
        {
        case COL_ID:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, col));
          break;
        case COL_TIME:
          g_string_append_c (out, '"');
          append_time (out, sqlite3_column_int64 (stmt, col));
          g_string_append_c (out, '"');
          break;
        case COL_CACHED:
          g_string_append (out, sqlite3_column_int (stmt, col) ? "true" : "false");
          break;
        default:
          append_json_string (out, (const char *) sqlite3_column_text (stmt, col));
        }
    }
  g_string_append (out, "}\n");
}

static gboolean
write_out (GOutputStream  *stream,
           GString        *buffer,
           GCancellable   *cancellable,
           GError        **error)
{
  /* Not every stream looks at its cancellable; a long export must stop. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !g_output_stream_write_all (stream, buffer->str, buffer->len, NULL, cancellable, error))
    return FALSE;
  g_string_truncate (buffer, 0);
  return TRUE;
}

/**
 * kari_audit_log_export:
 * @self: an audit log
 * @query: the filter; here a @limit of 0 means every matching entry
 * @format: CSV or JSON Lines
 * @stream: where to write
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes the entries matching @query, newest first, to @stream, reading
 * and writing them a chunk at a time (the whole log is never held in
 * memory). Both formats have the fields id, time (RFC 3339, UTC, with
 * microseconds), kind, extension, tenant, user, permission, resource,
 * decision (`allow` or `deny`), cached (`true` or `false`), decided_by
 * and detail.
 *
 * CSV follows RFC 4180 (a header line, CRLF line ends, fields holding a
 * comma, a quote or a line break quoted). As the values come from
 * extensions, a text field that starts with `=`, `+`, `-`, `@`, TAB, CR
 * or LF is written with a leading `'` so that a spreadsheet shows it
 * rather than evaluating it as a formula. JSON Lines has one object per
 * line, missing values as `null`. Invalid UTF-8 is written as U+FFFD.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_audit_log_export (KariAuditLog          *self,
                       const KariAuditQuery  *query,
                       KariAuditFormat        format,
                       GOutputStream         *stream,
                       GCancellable          *cancellable,
                       GError               **error)
{
  g_autoptr(GString) buffer = g_string_sized_new (EXPORT_CHUNK + 4096);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(AuditStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (KARI_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (format == KARI_AUDIT_FORMAT_CSV || format == KARI_AUDIT_FORMAT_JSON_LINES, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->read_lock);
  stmt = prepare_query (self, query, query->limit != 0 ? (gint64) query->limit : -1, error);
  if (stmt == NULL)
    return FALSE;

  if (format == KARI_AUDIT_FORMAT_CSV)
    {
      for (int col = 0; col < N_COLS; col++)
        g_string_append_printf (buffer, "%s%s", col > 0 ? "," : "", column_names[col]);
      g_string_append (buffer, "\r\n");
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (format == KARI_AUDIT_FORMAT_CSV)
        append_csv_row (buffer, stmt);
      else
        append_json_row (buffer, stmt);
      if (buffer->len >= EXPORT_CHUNK && !write_out (stream, buffer, cancellable, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _kari_audit_set_db_error (error, self->read_db, rc, "Exporting");
      return FALSE;
    }
  return write_out (stream, buffer, cancellable, error) &&
         g_output_stream_flush (stream, cancellable, error);
}

/* ---- retention -------------------------------------------------------- */

/**
 * kari_audit_log_set_retention_days:
 * @self: an audit log
 * @days: how many days entries are kept; 0 keeps them forever
 * @error: return location for a #GError
 *
 * Stores the retention in the registry's settings (key
 * `audit.retention_days`), where every process sharing the registry
 * reads it. kari_audit_log_apply_retention() applies it.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_audit_log_set_retention_days (KariAuditLog  *self,
                                   guint          days,
                                   GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(AuditStmt) stmt = NULL;
  g_autofree char *value = g_strdup_printf ("%u", days);
  int rc;

  g_return_val_if_fail (KARI_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->read_lock);
  if (!check_open (self, error))
    return FALSE;
  rc = sqlite3_prepare_v2 (self->read_db,
                           "INSERT INTO settings (key, value) VALUES (?, ?)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, KARI_AUDIT_RETENTION_KEY, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE)
    {
      _kari_audit_set_db_error (error, self->read_db, rc, "Setting the retention");
      return FALSE;
    }
  return TRUE;
}

/**
 * kari_audit_log_get_retention_days:
 * @self: an audit log
 *
 * Returns: the retention in days (0: forever); 90 when it was never set,
 *   or when the setting cannot be read or is not a number
 */
guint
kari_audit_log_get_retention_days (KariAuditLog *self)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(AuditStmt) stmt = NULL;
  guint64 days = KARI_AUDIT_DEFAULT_RETENTION_DAYS;

  g_return_val_if_fail (KARI_IS_AUDIT_LOG (self), KARI_AUDIT_DEFAULT_RETENTION_DAYS);

  locker = g_mutex_locker_new (&self->read_lock);
  if (self->read_db == NULL ||
      sqlite3_prepare_v2 (self->read_db, "SELECT value FROM settings WHERE key = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return KARI_AUDIT_DEFAULT_RETENTION_DAYS;

  sqlite3_bind_text (stmt, 1, KARI_AUDIT_RETENTION_KEY, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW &&
      !g_ascii_string_to_unsigned ((const char *) sqlite3_column_text (stmt, 0), 10,
                                   0, G_MAXUINT, &days, NULL))
    days = KARI_AUDIT_DEFAULT_RETENTION_DAYS;
  return (guint) days;
}

/**
 * kari_audit_log_apply_retention:
 * @self: an audit log
 * @n_deleted: (out) (optional): how many entries were deleted
 * @error: return location for a #GError
 *
 * Deletes the entries older than the retention, in batches of their own
 * transactions so that the writer and other readers are never held up
 * for long. Nothing is deleted when the retention is 0.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_audit_log_apply_retention (KariAuditLog  *self,
                                guint64       *n_deleted,
                                GError       **error)
{
  guint days;
  gint64 now = g_get_real_time ();
  guint64 total = 0;
  int changes;

  g_return_val_if_fail (KARI_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_deleted != NULL)
    *n_deleted = 0;
  days = kari_audit_log_get_retention_days (self);
  if (days == 0 || (gint64) days > now / USEC_PER_DAY)
    return TRUE;

  do
    {
      g_autoptr(GMutexLocker) locker = NULL;
      g_autoptr(AuditStmt) stmt = NULL;
      int rc;

      /* locked a batch at a time, so queries run in between */
      locker = g_mutex_locker_new (&self->read_lock);

      if (!check_open (self, error))
        return FALSE;
      rc = sqlite3_prepare_v2 (self->read_db,
                               "DELETE FROM audit_log WHERE id IN"
                               " (SELECT id FROM audit_log WHERE time_usec < ? LIMIT ?)",
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, now - (gint64) days * USEC_PER_DAY);
          sqlite3_bind_int (stmt, 2, RETENTION_BATCH);
          rc = sqlite3_step (stmt);
        }
      if (rc != SQLITE_DONE)
        {
          _kari_audit_set_db_error (error, self->read_db, rc, "Deleting old entries");
          return FALSE;
        }
      changes = sqlite3_changes (self->read_db);
      total += (guint64) changes;
      if (n_deleted != NULL)
        *n_deleted = total;
    }
  while (changes > 0);

  return TRUE;
}
