/* kari-text-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the document parsers (TOML, JSON): turning byte
 * offsets into line and column, and checking the encoding up front.
 */
#pragma once

#include <gio/gio.h>

#include "kari-location.h"

G_BEGIN_DECLS

/* Maximum size of a document the parsers accept, in bytes. */
#define KARI_TEXT_MAX_SIZE (1024 * 1024)

typedef struct
{
  const char *text;
  gsize       len;
  gsize       origin;   /* byte where line 1, column 1 is (after a BOM) */
  gsize       offset;   /* last offset converted, to go on from there */
  guint       line;
  guint       column;
} KariTextCursor;

void     _kari_text_cursor_init     (KariTextCursor *cursor,
                                     const char     *text,
                                     gsize           len,
                                     gsize           origin);
void     _kari_text_cursor_position (KariTextCursor *cursor,
                                     gsize           offset,
                                     KariPosition   *position);
gboolean _kari_text_validate_utf8   (const char     *text,
                                     gsize           len,
                                     gsize          *bad_offset);
gsize    _kari_text_skip_bom        (const char     *text,
                                     gsize           len);
char    *_kari_text_describe_char   (const char     *text,
                                     gsize           len,
                                     gsize           offset);
gboolean _kari_text_find_control    (const char     *text,
                                     gsize          *offset);

gboolean _kari_text_check_size      (const char    **text,
                                     gssize          length,
                                     gsize          *len,
                                     GQuark          domain,
                                     int             too_large,
                                     GError        **error);
char    *_kari_text_encoding_problem (const char     *text,
                                     gsize           bad_offset);
gboolean _kari_text_read_file       (const char     *path,
                                     gsize           max_size,
                                     char          **contents,
                                     gsize          *length,
                                     GError        **error);

G_END_DECLS
