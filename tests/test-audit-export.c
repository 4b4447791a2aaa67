/* test-audit-export.c — the audit log's hostile strings, CSV and JSON
 * Lines exports read back by real parsers, and retention
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "audit-test-util.h"

#define T0 ((gint64) 1700000000 * G_USEC_PER_SEC + 123456)
#define T0_TEXT "2023-11-14T22:13:20.123456Z"
#define N_STRINGS 7

/* What extensions might hand us, field by field in the order extension,
 * tenant, user, permission, resource, decided_by, detail. */
static const char *hostile[][N_STRINGS] = {
  { "ext,with \"quotes\"\r\nand lines", "=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-3",
    "@SUM(A1:A9)", "\tcmd", "\rcr" },
  { "bad\xff\xfe utf8", "\x01\x1b[31mred", "back\\slash \xe2\x80\xa8 sep", "ünïcödé ✓",
    NULL /* a long one, set below */, NULL, "" },
  { NULL, NULL, NULL, NULL, NULL, NULL, "\nline" },
};

static char *
long_string (void)
{
  GString *s = g_string_new ("/very/long/");

  while (s->len < 2000)
    g_string_append (s, "päth/");
  return g_string_free (s, FALSE);
}

static void
entry_strings (const KariAuditEntry *e,
               const char           *out[N_STRINGS])
{
  out[0] = e->extension;
  out[1] = e->tenant;
  out[2] = e->user;
  out[3] = e->permission;
  out[4] = e->resource;
  out[5] = e->decided_by;
  out[6] = e->detail;
}

static KariAuditLog *
open_with_hostile (Fixture  *f,
                   char    **long_value)
{
  g_autoptr(GError) error = NULL;
  KariAuditLog *log = open_log (f->path, 64);

  *long_value = long_string ();
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      KariAuditEntry e = { .time_usec = T0 + i, .kind = i == 2 ? KARI_AUDIT_REVOKE : KARI_AUDIT_CHECK,
                           .allowed = i == 0, .cached = i == 1 };

      e.extension = (char *) hostile[i][0];
      e.tenant = (char *) hostile[i][1];
      e.user = (char *) hostile[i][2];
      e.permission = (char *) hostile[i][3];
      e.resource = i == 1 ? *long_value : (char *) hostile[i][4];
      e.decided_by = (char *) hostile[i][5];
      e.detail = (char *) hostile[i][6];
      kari_audit_log_append (log, &e);
    }
  kari_audit_log_flush (log, &error);
  g_assert_no_error (error);
  return log;
}

/* The value of hostile entry @i, field @j, as the log keeps it. */
static char *
expected_value (guint       i,
                guint       j,
                const char *long_value)
{
  const char *raw = i == 1 && j == 4 ? long_value : hostile[i][j];

  return raw != NULL ? g_utf8_make_valid (raw, -1) : NULL;
}

static void
test_strings (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *long_value = NULL;
  g_autoptr(KariAuditLog) log = open_with_hostile (f, &long_value);
  g_autoptr(GError) error = NULL;
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  g_autoptr(GPtrArray) rows = kari_audit_log_query (log, &query, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (hostile));
  for (guint r = 0; r < rows->len; r++)
    {
      const KariAuditEntry *e = rows->pdata[r];
      guint i = rows->len - 1 - r;   /* newest first */
      const char *got[N_STRINGS];

      entry_strings (e, got);
      g_assert_cmpint (e->time_usec, ==, T0 + i);
      g_assert_cmpint (e->kind, ==, i == 2 ? KARI_AUDIT_REVOKE : KARI_AUDIT_CHECK);
      for (guint j = 0; j < N_STRINGS; j++)
        {
          g_autofree char *want = expected_value (i, j, long_value);

          g_assert_cmpstr (got[j], ==, want);
          if (got[j] != NULL)
            g_assert_true (g_utf8_validate (got[j], -1, NULL));
        }
    }
  /* invalid UTF-8 is replaced, not dropped and not passed on */
  g_assert_nonnull (strstr (((KariAuditEntry *) rows->pdata[1])->extension, "\xef\xbf\xbd"));
}

static GBytes *
export (KariAuditLog         *log,
        const KariAuditQuery *query,
        KariAuditFormat       format)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_assert_true (kari_audit_log_export (log, query, format, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* A strict RFC 4180 reader: records end with CRLF; a field is either
 * quoted (quotes doubled inside) or holds no quote, CR or LF. Returns
 * an array of records, each a NULL-terminated array of fields. */
static GPtrArray *
parse_csv (const char *text,
           gsize       len)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GPtrArray *record = g_ptr_array_new ();
  GString *field = g_string_new (NULL);
  gsize i = 0;

  while (i < len)
    {
      if (text[i] == '"')
        {
          for (i++;; i++)
            {
              g_assert_cmpuint (i, <, len);   /* an unterminated quote */
              if (text[i] == '"' && i + 1 < len && text[i + 1] == '"')
                g_string_append_c (field, text[i++]);
              else if (text[i] == '"')
                break;
              else
                g_string_append_c (field, text[i]);
            }
          i++;
        }
      else
        for (; i < len && text[i] != ',' && text[i] != '\r'; i++)
          {
            g_assert_true (text[i] != '"' && text[i] != '\n');
            g_string_append_c (field, text[i]);
          }

      g_ptr_array_add (record, g_strdup (field->str));
      g_string_truncate (field, 0);
      if (i < len && text[i] == ',')
        i++;
      else
        {
          g_assert_true (i + 1 < len && text[i] == '\r' && text[i + 1] == '\n');
          i += 2;
          g_ptr_array_add (record, NULL);
          g_ptr_array_add (records, g_ptr_array_free (record, FALSE));
          record = g_ptr_array_new ();
        }
    }
  g_assert_cmpuint (record->len, ==, 0);
  g_ptr_array_free (record, TRUE);
  g_string_free (field, TRUE);
  return records;
}

static const char * const fields[] = {
  "id", "time", "kind", "extension", "tenant", "user", "permission", "resource",
  "decision", "cached", "decided_by", "detail", NULL
};
#define N_EXPORT_FIELDS (G_N_ELEMENTS (fields) - 1)

static void
test_export_csv (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *long_value = NULL;
  g_autoptr(KariAuditLog) log = open_with_hostile (f, &long_value);
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  g_autoptr(GBytes) bytes = export (log, &query, KARI_AUDIT_FORMAT_CSV);
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);
  g_autoptr(GPtrArray) records = parse_csv (text, len);

  g_assert_true (g_utf8_validate (text, len, NULL));
  g_assert_cmpuint (records->len, ==, 1 + G_N_ELEMENTS (hostile));
  g_assert_cmpstrv (records->pdata[0], fields);

  for (guint r = 1; r < records->len; r++)
    {
      char **row = records->pdata[r];
      guint i = records->len - 1 - r;
      g_autofree char *id = g_strdup_printf ("%u", i + 1);
      g_autofree char *time = g_strdup_printf ("2023-11-14T22:13:20.12345%uZ", 6 + i);

      g_assert_cmpuint (g_strv_length (row), ==, N_EXPORT_FIELDS);
      g_assert_cmpstr (row[0], ==, id);
      g_assert_cmpstr (row[1], ==, time);
      g_assert_cmpstr (row[2], ==, i == 2 ? "revoke" : "check");
      g_assert_cmpstr (row[8], ==, i == 0 ? "allow" : "deny");
      g_assert_cmpstr (row[9], ==, i == 1 ? "true" : "false");
      for (guint j = 0; j < N_STRINGS; j++)
        {
          g_autofree char *want = expected_value (i, j, long_value);
          guint col = j < 5 ? 3 + j : 10 + (j - 5);

          if (want == NULL)
            g_assert_cmpstr (row[col], ==, "");
          else if (want[0] != '\0' && strchr ("=+-@\t\r\n", want[0]) != NULL)
            {
              /* a formula start is defused by an apostrophe */
              g_assert_cmpint (row[col][0], ==, '\'');
              g_assert_cmpstr (row[col] + 1, ==, want);
            }
          else
            g_assert_cmpstr (row[col], ==, want);
        }
    }
  g_assert_cmpstr (((char **) records->pdata[3])[1], ==, T0_TEXT);
}

static void
assert_json_string (JsonObject *object,
                    const char *member,
                    const char *want)
{
  JsonNode *node = json_object_get_member (object, member);

  g_assert_nonnull (node);
  if (want == NULL)
    g_assert_true (JSON_NODE_HOLDS_NULL (node));
  else
    g_assert_cmpstr (json_node_get_string (node), ==, want);
}

static void
test_export_json_lines (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *long_value = NULL;
  g_autoptr(KariAuditLog) log = open_with_hostile (f, &long_value);
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  g_autoptr(GBytes) bytes = export (log, &query, KARI_AUDIT_FORMAT_JSON_LINES);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  g_assert_true (g_str_has_suffix (text, "}\n"));
  /* a value's line breaks are escaped, so there is one object per line */
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (hostile) + 1);
  g_assert_cmpstr (lines[G_N_ELEMENTS (hostile)], ==, "");
  g_assert_null (strstr (text, "\xe2\x80\xa8"));

  for (guint r = 0; r < G_N_ELEMENTS (hostile); r++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      guint i = G_N_ELEMENTS (hostile) - 1 - r;
      const char *strings[] = { "extension", "tenant", "user", "permission", "resource",
                                "decided_by", "detail" };
      JsonObject *object;

      json_parser_load_from_data (parser, lines[r], -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpuint (json_object_get_size (object), ==, N_EXPORT_FIELDS);
      g_assert_cmpint (json_object_get_int_member (object, "id"), ==, i + 1);
      assert_json_string (object, "kind", i == 2 ? "revoke" : "check");
      assert_json_string (object, "decision", i == 0 ? "allow" : "deny");
      g_assert_cmpint (json_object_get_boolean_member (object, "cached"), ==, i == 1);
      if (i == 0)
        assert_json_string (object, "time", T0_TEXT);
      for (guint j = 0; j < N_STRINGS; j++)
        {
          g_autofree char *want = expected_value (i, j, long_value);

          assert_json_string (object, strings[j], want);
        }
    }
}

static void
test_export_all (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(KariAuditLog) log = open_log (f->path, 64);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) all = NULL, page = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  g_autofree char *padding = g_strnfill (300, 'x');

  /* enough rows that the export goes out in several chunks */
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *detail = g_strdup_printf ("%u", i);
      KariAuditEntry e = { .kind = KARI_AUDIT_CHECK, .extension = (char *) (i % 2 ? "odd" : "even"),
                           .resource = padding, .detail = detail, .time_usec = T0 + i };

      kari_audit_log_append (log, &e);
    }
  kari_audit_log_flush (log, &error);
  g_assert_no_error (error);

  /* limit 0: everything, not a page of 100 */
  all = export (log, &query, KARI_AUDIT_FORMAT_CSV);
  records = parse_csv (g_bytes_get_data (all, NULL), g_bytes_get_size (all));
  g_assert_cmpuint (records->len, ==, 1001);
  g_assert_cmpstr (((char **) records->pdata[1])[11], ==, "999");
  g_assert_cmpstr (((char **) records->pdata[1000])[11], ==, "0");
  g_clear_pointer (&records, g_ptr_array_unref);

  query.extension = "odd";
  query.limit = 5;
  query.offset = 2;
  page = export (log, &query, KARI_AUDIT_FORMAT_CSV);
  records = parse_csv (g_bytes_get_data (page, NULL), g_bytes_get_size (page));
  g_assert_cmpuint (records->len, ==, 6);
  g_assert_cmpstr (((char **) records->pdata[1])[11], ==, "995");
  g_assert_cmpstr (((char **) records->pdata[5])[11], ==, "987");

  g_cancellable_cancel (cancellable);
  query = (KariAuditQuery) KARI_AUDIT_QUERY_INIT;
  g_assert_false (kari_audit_log_export (log, &query, KARI_AUDIT_FORMAT_JSON_LINES, out,
                                         cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
append_at (KariAuditLog *log,
           gint64        time_usec,
           guint         count)
{
  KariAuditEntry e = { .kind = KARI_AUDIT_CHECK, .extension = (char *) "old", .time_usec = time_usec };

  for (guint i = 0; i < count; i++)
    kari_audit_log_append (log, &e);
}

static void
test_retention (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(KariAuditLog) log = open_log (f->path, 1024);
  g_autoptr(KariAuditLog) other = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  gint64 day = (gint64) 86400 * G_USEC_PER_SEC;
  guint64 n_deleted = 99;
  sqlite3 *db = NULL;

  g_assert_cmpuint (kari_audit_log_get_retention_days (log), ==, 90);

  append_at (log, now - 100 * day, 25000);   /* more than one batch of deletes */
  append_at (log, now - 40 * day, 1);
  append_at (log, now - 10 * day, 1);
  append_at (log, now, 1);
  kari_audit_log_flush (log, &error);
  g_assert_no_error (error);

  /* 0 keeps everything */
  g_assert_true (kari_audit_log_set_retention_days (log, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kari_audit_log_get_retention_days (log), ==, 0);
  g_assert_true (kari_audit_log_apply_retention (log, &n_deleted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_deleted, ==, 0);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM audit_log"), ==, 25003);

  g_assert_true (kari_audit_log_set_retention_days (log, 90, &error));
  g_assert_true (kari_audit_log_apply_retention (log, &n_deleted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_deleted, ==, 25000);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM audit_log"), ==, 3);

  /* the setting lives in the registry, for every process */
  g_assert_true (kari_audit_log_set_retention_days (log, 30, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->path, "SELECT value FROM settings WHERE key = 'audit.retention_days'"),
                   ==, 30);
  other = open_log (f->path, 64);
  g_assert_cmpuint (kari_audit_log_get_retention_days (other), ==, 30);
  g_assert_true (kari_audit_log_apply_retention (other, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM audit_log"), ==, 2);
  g_assert_cmpint (sql_int (f->path, "SELECT min(time_usec) FROM audit_log"), ==, now - 10 * day);

  /* a setting that is not a number reads as the default */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE settings SET value = 'soon' WHERE key = 'audit.retention_days'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpuint (kari_audit_log_get_retention_days (log), ==, 90);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/audit/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("append/strings", test_strings);
  ADD ("export/csv", test_export_csv);
  ADD ("export/json-lines", test_export_json_lines);
  ADD ("export/all", test_export_all);
  ADD ("retention", test_retention);
#undef ADD

  return g_test_run ();
}
