/* kari-toml-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-toml.h"
#include "kari-text-private.h"

G_BEGIN_DECLS

typedef struct
{
  const char     *text;
  gsize           len;
  gsize           pos;
  KariTextCursor  cursor;
  KariLocations  *locations;     /* never NULL while parsing */
  GHashTable     *flags;         /* JsonObject* / JsonArray* → ContainerFlags */
  GError         *error;
  gsize           error_offset;
} KariTomlParser;

/* The text has been checked to be UTF-8 without NUL bytes, so NUL
 * can stand for "past the end". */
static inline char
_kari_toml_peek (KariTomlParser *p,
                 gsize           ahead)
{
  return p->pos + ahead < p->len ? p->text[p->pos + ahead] : '\0';
}

gboolean _kari_toml_fail         (KariTomlParser  *p,
                                  gsize            offset,
                                  KariTomlError    code,
                                  const char      *format,
                                  ...) G_GNUC_PRINTF (4, 5);
char    *_kari_toml_describe     (KariTomlParser  *p,
                                  gsize            offset);
gboolean _kari_toml_parse_string (KariTomlParser  *p,
                                  gboolean         is_key,
                                  char           **out);
gboolean _kari_toml_parse_scalar (KariTomlParser  *p,
                                  JsonNode       **out);

G_END_DECLS
