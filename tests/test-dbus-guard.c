/* test-dbus-guard.c — the guard in front of an extension's D-Bus
 * connection, driven by a raw socket client that writes exactly the
 * bytes a hostile extension would: real broker, real GDBus, real
 * registry and audit log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gio/gunixsocketaddress.h>
#include <unistd.h>

#include "kari-test-broker.h"

typedef struct
{
  char                 *dir;
  char                 *path;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  KariBroker           *a;
  KariBroker           *b;
  gboolean              disconnected;
  char                 *reason;
} Fixture;

static void
on_disconnected (KariBroker *broker,
                 const char *reason,
                 Fixture    *f)
{
  f->disconnected = TRUE;
  g_free (f->reason);
  f->reason = g_strdup (reason);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  kari_test_engine_open ("kari-guard-XXXXXX", &f->dir, &f->path, &f->registry, &f->audit, &f->engine);
  f->a = kari_test_broker_start (f->engine, "a", f->dir);
  f->b = kari_test_broker_start (f->engine, "b", f->dir);
  g_signal_connect (f->a, "disconnected", G_CALLBACK (on_disconnected), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  /* A flush under way may keep the broker past the fixture. */
  g_signal_handlers_disconnect_by_data (f->a, f);
  g_clear_object (&f->a);
  g_clear_object (&f->b);
  g_clear_pointer (&f->reason, g_free);
  kari_test_engine_close (&f->dir, &f->path, &f->registry, &f->audit, &f->engine);
}

/* ------------------------------------------------------------------ */
/* A raw client: every read and write turns the host's main loop, which
 * accepts connections and answers calls. */

typedef struct
{
  GSocket    *socket;
  GByteArray *in;
  gboolean    closed;
} Raw;

static void
raw_free (Raw *raw)
{
  g_clear_object (&raw->socket);
  g_byte_array_unref (raw->in);
  g_free (raw);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Raw, raw_free)

static Raw *
raw_connect (KariBroker *broker)
{
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (kari_broker_get_socket_path (broker));
  g_autoptr(GError) error = NULL;
  Raw *raw = g_new0 (Raw, 1);

  raw->in = g_byte_array_new ();
  raw->socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_connect (raw->socket, address, NULL, &error));
  g_assert_no_error (error);
  g_socket_set_blocking (raw->socket, FALSE);
  return raw;
}

static void
turn (void)
{
  if (!g_main_context_iteration (NULL, FALSE))
    g_usleep (500);
}

/* Sends all of @data, or stops at the first error; returns the bytes
 * sent. */
static gsize
raw_send (Raw          *raw,
          const guint8 *data,
          gsize         length)
{
  gsize done = 0;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (done < length && g_get_monotonic_time () < deadline)
    {
      g_autoptr(GError) error = NULL;
      gssize sent = g_socket_send (raw->socket, (const char *) data + done, length - done, NULL, &error);

      if (sent > 0)
        done += sent;
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        turn ();
      else
        {
          raw->closed = TRUE;
          break;
        }
    }
  return done;
}

static void
raw_send_text (Raw        *raw,
               const char *text,
               gsize       length)
{
  g_assert_cmpuint (raw_send (raw, (const guint8 *) text, length), ==, length);
}

/* Reads what is there into raw->in; FALSE once the host closed. */
static gboolean
raw_fill (Raw *raw)
{
  guint8 buffer[4096];
  g_autoptr(GError) error = NULL;
  gssize got = g_socket_receive (raw->socket, (char *) buffer, sizeof buffer, NULL, &error);

  if (got > 0)
    g_byte_array_append (raw->in, buffer, got);
  else if (got == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    raw->closed = TRUE;
  else
    turn ();
  return !raw->closed;
}

static char *
raw_read_line (Raw *raw)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      for (guint i = 0; i + 1 < raw->in->len; i++)
        if (raw->in->data[i] == '\r' && raw->in->data[i + 1] == '\n')
          {
            char *line = g_strndup ((const char *) raw->in->data, i);

            g_byte_array_remove_range (raw->in, 0, i + 2);
            return line;
          }
      if (!raw_fill (raw))
        return NULL;
    }
  return NULL;
}

static GDBusMessage *
raw_read_message (Raw *raw)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      if (raw->in->len >= 16)
        {
          g_autoptr(GError) error = NULL;
          gssize needed = g_dbus_message_bytes_needed (raw->in->data, raw->in->len, &error);

          g_assert_no_error (error);
          if (needed > 0 && (gsize) needed <= raw->in->len)
            {
              GDBusMessage *message = g_dbus_message_new_from_blob (raw->in->data, needed, 0, &error);

              g_assert_no_error (error);
              g_byte_array_remove_range (raw->in, 0, needed);
              return message;
            }
        }
      if (!raw_fill (raw))
        return NULL;
    }
  return NULL;
}

/* Waits until the host closes the connection; returns whether it did. */
static gboolean
raw_wait_closed (Raw *raw)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!raw->closed && g_get_monotonic_time () < deadline)
    {
      g_byte_array_set_size (raw->in, 0);
      raw_fill (raw);
    }
  return raw->closed;
}

/* EXTERNAL with our uid, one byte at a time when @fragmented. */
static void
raw_authenticate (Raw      *raw,
                  gboolean  fragmented)
{
  g_autofree char *uid = g_strdup_printf ("%u", (guint) getuid ());
  g_autoptr(GString) hello = g_string_new_len ("\0AUTH EXTERNAL ", 15);
  g_autofree char *line = NULL;

  for (const char *p = uid; *p != '\0'; p++)
    g_string_append_printf (hello, "%02x", (guint) (guchar) *p);
  g_string_append (hello, "\r\n");
  if (fragmented)
    for (gsize i = 0; i < hello->len; i++)
      {
        raw_send_text (raw, hello->str + i, 1);
        g_usleep (1000);
        turn ();
      }
  else
    raw_send_text (raw, hello->str, hello->len);

  line = raw_read_line (raw);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "OK "));
  raw_send_text (raw, "BEGIN\r\n", 7);
}

static GBytes *
call_blob (const char *method,
           GVariant   *body,
           guint32     serial)
{
  g_autoptr(GDBusMessage) message = g_dbus_message_new_method_call (NULL, KARI_BROKER_HOST_PATH,
                                                                    "io.github.kari.Host1", method);
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  guchar *blob;

  g_dbus_message_set_body (message, body);
  g_dbus_message_set_serial (message, serial);
  blob = g_dbus_message_to_blob (message, &size, 0, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (blob, size);
}

static GBytes *
handshake_blob (guint32 serial)
{
  return call_blob ("Handshake", g_variant_new_parsed ("(@a{sv} {},)"), serial);
}

static GBytes *
log_blob (const char *text,
          guint32     serial)
{
  return call_blob ("Log", g_variant_new ("(ss)", "info", text), serial);
}

static void
raw_send_bytes (Raw    *raw,
                GBytes *bytes)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  g_assert_cmpuint (raw_send (raw, data, length), ==, length);
}

static GDBusMessage *
raw_call (Raw    *raw,
          GBytes *blob)
{
  raw_send_bytes (raw, blob);
  return raw_read_message (raw);
}

static void
raw_handshake (Raw *raw)
{
  g_autoptr(GBytes) blob = handshake_blob (1);
  g_autoptr(GDBusMessage) reply = raw_call (raw, blob);

  g_assert_nonnull (reply);
  g_assert_cmpint (g_dbus_message_get_message_type (reply), ==, G_DBUS_MESSAGE_TYPE_METHOD_RETURN);
}

static guint64
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

/* The detail of the newest `limit` entry of @extension in the audit log. */
static char *
audited_limit (Fixture    *f,
               const char *extension)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;

  query.extension = extension;
  query.decision = 0;
  g_assert_true (kari_audit_log_flush (f->audit, &error));
  entries = kari_audit_log_query (f->audit, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      KariAuditEntry *entry = entries->pdata[i];

      if (entry->kind == KARI_AUDIT_LIMIT)
        return g_strdup (entry->detail);
    }
  return NULL;
}

static void
wait_refused (KariBroker *broker,
              guint64     n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (kari_broker_get_n_refused (broker) < n && g_get_monotonic_time () < deadline)
    turn ();
  g_assert_cmpuint (kari_broker_get_n_refused (broker), ==, n);
}

/* ------------------------------------------------------------------ */

/* A header declaring a 100 MiB body: the connection closes at the
 * header, long before the body could be sent, and the host never holds
 * it. */
static void
test_huge_message (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_connect (f->a);
  g_autoptr(GBytes) blob = log_blob ("x", 2);
  g_autofree guint8 *header = g_bytes_unref_to_data (g_steal_pointer (&blob), &(gsize) { 0 });
  g_autofree guint8 *zeros = g_malloc0 (64 * 1024);
  g_autofree char *detail = NULL;
  g_autofree char *other = NULL;
  const guint32 declared = 100 * 1024 * 1024;
  guint64 before, after, sent = 0;
  gint64 started;

  raw_authenticate (raw, FALSE);
  raw_handshake (raw);
  before = rss_kib ();

  if (header[0] == 'l')
    {
      header[4] = declared & 0xff;
      header[5] = (declared >> 8) & 0xff;
      header[6] = (declared >> 16) & 0xff;
      header[7] = (declared >> 24) & 0xff;
    }
  else
    {
      header[7] = declared & 0xff;
      header[6] = (declared >> 8) & 0xff;
      header[5] = (declared >> 16) & 0xff;
      header[4] = (declared >> 24) & 0xff;
    }
  started = g_get_monotonic_time ();
  sent = raw_send (raw, header, 16);
  while (!raw->closed && sent < declared)
    sent += raw_send (raw, zeros, 64 * 1024);
  g_assert_true (raw_wait_closed (raw));
  after = rss_kib ();
  g_test_message ("closed after %" G_GUINT64_FORMAT " bytes in %" G_GINT64_FORMAT " ms; RSS %"
                  G_GUINT64_FORMAT " → %" G_GUINT64_FORMAT " KiB", sent,
                  (g_get_monotonic_time () - started) / 1000, before, after);

  /* What got through before the close is what the kernel buffers, not
   * the body. */
  g_assert_cmpuint (sent, <, declared / 4);
  g_assert_cmpuint (after, <, before + 16 * 1024);
  g_assert_true (kari_test_wait_for (&f->disconnected, 60));
  g_assert_cmpstr (f->reason, ==, "a message over the size limit");
  g_assert_cmpuint (kari_broker_get_n_refused (f->a), ==, 1);
  detail = audited_limit (f, "a");
  g_assert_nonnull (detail);
  g_assert_nonnull (strstr (detail, "a message over the size limit"));
  g_assert_nonnull (strstr (detail, "104857"));

  /* The other extension is untouched. */
  other = kari_test_run_client (f->b, "handshake", NULL);
  g_assert_nonnull (strstr (other, "extension=b\n"));
}

/* The authentication and a call one byte at a time, then two calls in
 * one write: the guard keeps its place across any fragmentation. */
static void
test_fragmented (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_connect (f->a);
  g_autoptr(GBytes) handshake = handshake_blob (1);
  g_autoptr(GBytes) first = log_blob ("one", 2);
  g_autoptr(GBytes) second = log_blob ("two", 3);
  g_autoptr(GDBusMessage) reply = NULL;
  g_autoptr(GByteArray) both = g_byte_array_new ();
  g_autoptr(GVariant) info = NULL;
  const char *extension = NULL;
  gsize length = 0;
  const guint8 *bytes;

  raw_authenticate (raw, TRUE);
  bytes = g_bytes_get_data (handshake, &length);
  for (gsize i = 0; i < length; i++)
    {
      raw_send (raw, bytes + i, 1);
      g_usleep (500);
      turn ();
    }
  reply = raw_read_message (raw);
  g_assert_nonnull (reply);
  g_assert_cmpint (g_dbus_message_get_message_type (reply), ==, G_DBUS_MESSAGE_TYPE_METHOD_RETURN);
  g_assert_cmpuint (g_dbus_message_get_reply_serial (reply), ==, 1);
  info = g_variant_get_child_value (g_dbus_message_get_body (reply), 0);
  g_assert_true (g_variant_lookup (info, "extension", "&s", &extension));
  g_assert_cmpstr (extension, ==, "a");

  bytes = g_bytes_get_data (first, &length);
  g_byte_array_append (both, bytes, length);
  bytes = g_bytes_get_data (second, &length);
  g_byte_array_append (both, bytes, length);
  g_assert_cmpuint (raw_send (raw, both->data, both->len), ==, both->len);
  for (guint32 serial = 2; serial <= 3; serial++)
    {
      g_autoptr(GDBusMessage) answer = raw_read_message (raw);

      g_assert_nonnull (answer);
      g_assert_cmpint (g_dbus_message_get_message_type (answer), ==, G_DBUS_MESSAGE_TYPE_METHOD_RETURN);
      g_assert_cmpuint (g_dbus_message_get_reply_serial (answer), ==, serial);
    }
  g_assert_cmpuint (kari_broker_get_n_refused (f->a), ==, 0);
  g_assert_true (kari_broker_is_connected (f->a));
}

/* 900 KiB is under the 1 MiB cap: the guard passes it, GDBus parses it
 * and Log's own argument check answers it, and the connection stays. */
static void
test_large_valid (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_connect (f->a);
  g_autofree char *text = g_malloc (900 * 1024 + 1);
  g_autoptr(GBytes) big = NULL;
  g_autoptr(GBytes) small = log_blob ("after", 3);
  g_autoptr(GDBusMessage) reply = NULL;
  g_autoptr(GDBusMessage) after = NULL;

  memset (text, 'x', 900 * 1024);
  text[900 * 1024] = '\0';
  big = log_blob (text, 2);
  g_assert_cmpuint (g_bytes_get_size (big), >, 900 * 1024);

  raw_authenticate (raw, FALSE);
  raw_handshake (raw);
  reply = raw_call (raw, big);
  g_assert_nonnull (reply);
  g_assert_cmpint (g_dbus_message_get_message_type (reply), ==, G_DBUS_MESSAGE_TYPE_ERROR);
  g_assert_cmpstr (g_dbus_message_get_error_name (reply), ==, "org.freedesktop.DBus.Error.InvalidArgs");

  after = raw_call (raw, small);
  g_assert_nonnull (after);
  g_assert_cmpint (g_dbus_message_get_message_type (after), ==, G_DBUS_MESSAGE_TYPE_METHOD_RETURN);
  g_assert_cmpuint (kari_broker_get_n_refused (f->a), ==, 0);
}

/* Not a D-Bus client at all. */
static void
test_garbage (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_connect (f->a);
  g_autofree char *detail = NULL;
  const char *http = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

  raw_send (raw, (const guint8 *) http, strlen (http));
  g_assert_true (raw_wait_closed (raw));
  wait_refused (f->a, 1);
  detail = audited_limit (f, "a");
  g_assert_cmpstr (detail, ==, "not a D-Bus authentication");
  g_assert_false (kari_broker_is_connected (f->a));

  /* A failed attempt does not use up the extension's one connection. */
  {
    g_autofree char *out = kari_test_run_client (f->a, "handshake", NULL);

    g_assert_nonnull (strstr (out, "extension=a\n"));
  }
}

/* An authentication line with no end: GDBus's reader would grow it
 * without bound; the guard stops it at 512 bytes. */
static void
test_endless_line (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_connect (f->a);
  g_autofree char *line = g_strnfill (64 * 1024, 'A');
  g_autofree char *detail = NULL;

  raw_send (raw, (const guint8 *) "\0AUTH ", 6);
  raw_send (raw, (const guint8 *) line, strlen (line));
  g_assert_true (raw_wait_closed (raw));
  wait_refused (f->a, 1);
  detail = audited_limit (f, "a");
  g_assert_cmpstr (detail, ==, "an authentication line over its size limit");
}

/* A flood is read at the extension's rate: the host holds back, the
 * extension's writes wait in its own socket, and another extension is
 * answered meanwhile. */
static void
test_flood (Fixture       *f,
            gconstpointer  data)
{
  const guint n = 100, rate = 20;
  g_autoptr(Raw) raw = raw_connect (f->a);
  g_autoptr(GByteArray) calls = g_byte_array_new ();
  g_autofree char *other = NULL;
  gint64 started, b_done, a_done;
  double seconds;

  kari_broker_set_read_limit (f->a, 0, rate);
  raw_authenticate (raw, FALSE);
  raw_handshake (raw);
  for (guint32 serial = 2; serial < n + 2; serial++)
    {
      g_autoptr(GBytes) blob = log_blob ("flood", serial);
      gsize length = 0;
      const guint8 *bytes = g_bytes_get_data (blob, &length);

      g_byte_array_append (calls, bytes, length);
    }

  started = g_get_monotonic_time ();
  g_assert_cmpuint (raw_send (raw, calls->data, calls->len), ==, calls->len);
  other = kari_test_run_client (f->b, "handshake", NULL);
  g_assert_nonnull (strstr (other, "extension=b\n"));
  b_done = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GDBusMessage) reply = raw_read_message (raw);

      g_assert_nonnull (reply);
      g_assert_cmpint (g_dbus_message_get_message_type (reply), ==, G_DBUS_MESSAGE_TYPE_METHOD_RETURN);
    }
  a_done = g_get_monotonic_time ();
  seconds = (double) (a_done - started) / G_USEC_PER_SEC;
  g_test_message ("%u calls at %u/s took %.2f s; the other extension was answered after %.2f s", n, rate,
                  seconds, (double) (b_done - started) / G_USEC_PER_SEC);

  /* Less the second's burst the handshake began, the rest waits its
   * turn: (100 - 19) / 20 s at the least. */
  g_assert_cmpfloat (seconds, >=, 0.9 * (n - (rate - 1)) / rate);
  g_assert_cmpint (b_done, <, a_done);
  g_assert_cmpuint (kari_broker_get_n_refused (f->a), ==, 0);
  g_assert_true (kari_broker_is_connected (f->a));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/dbus-guard/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("huge-message", test_huge_message);
  ADD ("fragmented", test_fragmented);
  ADD ("large-valid", test_large_valid);
  ADD ("garbage", test_garbage);
  ADD ("endless-line", test_endless_line);
  ADD ("flood", test_flood);
#undef ADD

  return g_test_run ();
}
