/* kari-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

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
