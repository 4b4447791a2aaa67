/* kari-supervisor-log.c — an extension's log: the last lines in memory
 * and a file rotated at a size
 *
 * Every byte comes from the sandbox, so lines are cut to
 * KARI_LOG_MAX_LINE bytes and whatever is not printable UTF-8 is written
 * as \xNN.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "kari-supervisor-private.h"

#define READ_CHUNK 4096

struct _KariLogRing
{
  GQueue  lines;        /* of char*, oldest first */
  gsize   bytes;        /* sum of the lines' lengths */
  guint   max_lines;
  gsize   max_bytes;
  char   *file_path;    /* NULL: memory only */
  int     fd;
  gsize   file_size;
  gsize   rotate_bytes;
};

KariLogRing *
_kari_log_ring_new (const char *file_path,
                    guint       max_lines,
                    gsize       max_bytes,
                    gsize       rotate_bytes)
{
  KariLogRing *self = g_new0 (KariLogRing, 1);

  g_queue_init (&self->lines);
  self->file_path = g_strdup (file_path);
  self->fd = -1;
  _kari_log_ring_set_limits (self, max_lines, max_bytes, rotate_bytes);
  return self;
}

void
_kari_log_ring_free (KariLogRing *self)
{
  if (self->fd >= 0)
    g_close (self->fd, NULL);
  g_queue_clear_full (&self->lines, g_free);
  g_free (self->file_path);
  g_free (self);
}

static void
trim (KariLogRing *self)
{
  while (self->lines.length > 0
         && (self->lines.length > self->max_lines || self->bytes > self->max_bytes))
    {
      g_autofree char *old = g_queue_pop_head (&self->lines);
      self->bytes -= strlen (old);
    }
}

void
_kari_log_ring_set_limits (KariLogRing *self,
                           guint        max_lines,
                           gsize        max_bytes,
                           gsize        rotate_bytes)
{
  self->max_lines = MAX (max_lines, 1);
  self->max_bytes = MAX (max_bytes, KARI_LOG_MAX_LINE);
  self->rotate_bytes = MAX (rotate_bytes, KARI_LOG_MAX_LINE);
  trim (self);
}

/* Printable UTF-8 stays; tabs become spaces, anything else is \xNN. */
static void
append_escaped (GString    *out,
                const char *text,
                gsize       len)
{
  const char *p = text;
  const char *end = text + len;

  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2 || (c < 0x20 && c != '\t') || c == 0x7f)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
        }
      else
        {
          const char *next = g_utf8_next_char (p);
          if (c == '\t')
            g_string_append_c (out, ' ');
          else
            g_string_append_len (out, p, next - p);
          p = next;
        }
    }
}

static void
write_file (KariLogRing *self,
            const char  *line)
{
  gsize len = strlen (line);

  if (self->file_path == NULL)
    return;
  if (self->fd >= 0 && self->file_size + len + 1 > self->rotate_bytes)
    {
      g_autofree char *old = g_strconcat (self->file_path, ".1", NULL);

      g_close (self->fd, NULL);
      self->fd = -1;
      if (g_rename (self->file_path, old) != 0)
        g_debug ("Cannot rotate %s: %s", self->file_path, g_strerror (errno));
    }
  if (self->fd < 0)
    {
      struct stat st;

      self->fd = g_open (self->file_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (self->fd < 0)
        return;
      self->file_size = fstat (self->fd, &st) == 0 ? (gsize) st.st_size : 0;
    }
  /* A short write loses a line of the file, never the host. */
  if (write (self->fd, line, len) == (gssize) len && write (self->fd, "\n", 1) == 1)
    self->file_size += len + 1;
}

/* Adds one line from @stream ("stdout", "stderr", or a log level) and
 * returns it as stored: a UTC timestamp, the stream, the cut and escaped
 * text. */
char *
_kari_log_ring_add (KariLogRing *self,
                    const char  *stream,
                    const char  *text,
                    gssize       len)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  GString *line = g_string_new (stamp);
  gsize n = len < 0 ? strlen (text) : (gsize) len;
  gboolean cut = n > KARI_LOG_MAX_LINE;

  g_string_append_printf (line, " %s: ", stream);
  append_escaped (line, text, MIN (n, KARI_LOG_MAX_LINE));
  if (cut)
    g_string_append (line, " [cut]");

  write_file (self, line->str);
  g_queue_push_tail (&self->lines, g_strdup (line->str));
  self->bytes += line->len;
  trim (self);
  return g_string_free (line, FALSE);
}

char **
_kari_log_ring_dup (KariLogRing *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **lines;

  for (GList *l = self->lines.head; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);
  lines = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return lines;
}

gsize
_kari_log_ring_get_size (KariLogRing *self)
{
  return self->bytes;
}

/* Output, read in chunks so a flood yields to the main loop. */
typedef struct
{
  KariSupervisor *self;
  GInputStream   *stream;
  GCancellable   *cancellable;
  const char     *name;
  GByteArray     *pending;
  gboolean        cut;           /* dropping the rest of an overlong line */
} Reader;

static void
reader_free (Reader *reader)
{
  g_object_unref (reader->stream);
  g_object_unref (reader->cancellable);
  g_byte_array_unref (reader->pending);
  g_free (reader);
}

static void
reader_flush (Reader   *reader,
              gboolean  final)
{
  GByteArray *p = reader->pending;
  guint start = 0;

  for (guint i = 0; i < p->len; i++)
    if (p->data[i] == '\n')
      {
        if (!reader->cut)
          _kari_supervisor_add_line (reader->self, reader->name, (const char *) p->data + start, i - start);
        reader->cut = FALSE;
        start = i + 1;
      }
  g_byte_array_remove_range (p, 0, start);
  if (p->len > KARI_LOG_MAX_LINE || (final && p->len > 0))
    {
      if (!reader->cut)
        _kari_supervisor_add_line (reader->self, reader->name, (const char *) p->data, p->len);
      reader->cut = !final;
      g_byte_array_set_size (p, 0);
    }
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reader *reader = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (g_cancellable_is_cancelled (reader->cancellable))
    {
      reader_free (reader);
      return;
    }
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      reader_flush (reader, TRUE);
      reader_free (reader);
      return;
    }
  g_byte_array_append (reader->pending, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  reader_flush (reader, FALSE);
  g_input_stream_read_bytes_async (reader->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   reader->cancellable, on_read, reader);
}

void
_kari_supervisor_read_lines (KariSupervisor *self,
                             GInputStream   *stream,
                             const char     *name)
{
  Reader *reader = g_new0 (Reader, 1);

  reader->self = self;
  reader->stream = g_object_ref (stream);
  reader->cancellable = g_object_ref (self->cancellable);
  reader->name = name;
  reader->pending = g_byte_array_new ();
  g_input_stream_read_bytes_async (stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   reader->cancellable, on_read, reader);
}
