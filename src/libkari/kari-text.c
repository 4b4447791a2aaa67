/* kari-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kari-text-private.h"

void
_kari_text_cursor_init (KariTextCursor *cursor,
                        const char     *text,
                        gsize           len,
                        gsize           origin)
{
  cursor->text = text;
  cursor->len = len;
  cursor->origin = origin;
  cursor->offset = origin;
  cursor->line = 1;
  cursor->column = 1;
}

/* Positions are asked for mostly in increasing order, so the cursor
 * goes on from the last answer; that keeps a long single line linear
 * rather than quadratic. Going backwards restarts from the top. */
void
_kari_text_cursor_position (KariTextCursor *cursor,
                            gsize           offset,
                            KariPosition   *position)
{
  if (offset > cursor->len)
    offset = cursor->len;
  if (offset < cursor->origin)
    offset = cursor->origin;
  if (offset < cursor->offset)
    {
      cursor->offset = cursor->origin;
      cursor->line = 1;
      cursor->column = 1;
    }

  for (gsize i = cursor->offset; i < offset; i++)
    {
      guchar c = (guchar) cursor->text[i];

      if (c == '\n')
        {
          cursor->line++;
          cursor->column = 1;
        }
      else if ((c & 0xc0) != 0x80)
        cursor->column++;
    }
  cursor->offset = offset;

  position->line = cursor->line;
  position->column = cursor->column;
}

/* Returns FALSE with the offset of the first bad byte when @text is not
 * UTF-8 or holds a NUL byte. */
gboolean
_kari_text_validate_utf8 (const char *text,
                          gsize       len,
                          gsize      *bad_offset)
{
  const char *end = NULL;

  if (g_utf8_validate_len (text, len, &end))
    return TRUE;
  *bad_offset = (gsize) (end - text);
  return FALSE;
}

gsize
_kari_text_skip_bom (const char *text,
                     gsize       len)
{
  if (len >= 3 && (guchar) text[0] == 0xef && (guchar) text[1] == 0xbb
      && (guchar) text[2] == 0xbf)
    return 3;
  return 0;
}

/* A character quoted for an error message: ‘x’, or U+000A for the
 * invisible ones, or “end of input”. The text must be valid UTF-8. */
char *
_kari_text_describe_char (const char *text,
                          gsize       len,
                          gsize       offset)
{
  gunichar c;

  if (offset >= len)
    return g_strdup ("end of input");
  c = g_utf8_get_char (text + offset);
  if (c == '\n')
    return g_strdup ("end of line");
  if (c <= 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || !g_unichar_isprint (c))
    return g_strdup_printf ("U+%04X", c);
  return g_strdup_printf ("‘%.*s’", (int) (g_utf8_next_char (text + offset) - (text + offset)),
                          text + offset);
}

/* Whether the NUL-terminated @text holds an ASCII control character
 * (U+0000 to U+001F, or DEL); @offset, when given, gets the byte offset of
 * the first. Names, paths and patterns all refuse these the same way. */
gboolean
_kari_text_find_control (const char *text,
                         gsize      *offset)
{
  for (const guchar *c = (const guchar *) text; *c; c++)
    if (*c < 0x20 || *c == 0x7f)
      {
        if (offset != NULL)
          *offset = (const char *) c - text;
        return TRUE;
      }
  return FALSE;
}

/* Reads a small file that someone else wrote (a manifest, a rules
 * file): only a regular file, never more than @max_size bytes, and
 * never blocking on a FIFO or device that was put in its place.
 * Errors are G_IO_ERROR_NOT_FOUND, _NOT_REGULAR_FILE,
 * _MESSAGE_TOO_LARGE or _FAILED, with a message naming no path. */
gboolean
_kari_text_read_file (const char  *path,
                      gsize        max_size,
                      char       **contents,
                      gsize       *length,
                      GError     **error)
{
  g_autofree char *buffer = NULL;
  struct stat st;
  gsize got = 0, want;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error_literal (error, G_IO_ERROR,
                           saved == ENOENT ? G_IO_ERROR_NOT_FOUND : g_io_error_from_errno (saved),
                           g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, _("not a regular file"));
      close (fd);
      return FALSE;
    }
  if ((guint64) st.st_size > max_size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("%" G_GUINT64_FORMAT " bytes is more than the %" G_GSIZE_FORMAT " allowed"),
                   (guint64) st.st_size, max_size);
      close (fd);
      return FALSE;
    }

  /* One byte past what fstat said, to notice a file that grows while
   * it is read; never past the limit plus one. */
  want = MIN ((gsize) st.st_size + 1, max_size + 1);
  buffer = g_malloc (want + 1);
  while (got < want)
    {
      gssize n = read (fd, buffer + got, want - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      got += n;
    }
  close (fd);

  if (got > max_size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("more than the %" G_GSIZE_FORMAT " bytes allowed"), max_size);
      return FALSE;
    }
  buffer[got] = '\0';
  *length = got;
  *contents = g_steal_pointer (&buffer);
  return TRUE;
}

/* The start every document parser shares: works out the length, refuses
 * a text over KARI_TEXT_MAX_SIZE with @domain's @too_large code, and
 * makes a NULL text of length 0 an empty one. */
gboolean
_kari_text_check_size (const char **text,
                       gssize       length,
                       gsize       *len,
                       GQuark       domain,
                       int          too_large,
                       GError     **error)
{
  *len = length < 0 ? strlen (*text) : (gsize) length;
  if (*len > KARI_TEXT_MAX_SIZE)
    {
      g_set_error (error, domain, too_large,
                   _("the document is %" G_GSIZE_FORMAT " bytes long; at most %d are accepted"),
                   *len, KARI_TEXT_MAX_SIZE);
      return FALSE;
    }
  if (*text == NULL)
    *text = "";
  return TRUE;
}

/* What is wrong at @bad_offset, which _kari_text_validate_utf8() found. */
char *
_kari_text_encoding_problem (const char *text,
                             gsize       bad_offset)
{
  if (text[bad_offset] == '\0')
    return g_strdup (_("the document holds a NUL byte"));
  return g_strdup_printf (_("the document is not valid UTF-8 (byte 0x%02X)"), (guchar) text[bad_offset]);
}
