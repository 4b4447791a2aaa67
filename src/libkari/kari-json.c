/* kari-json.c: a strict RFC 8259 JSON parser that records where every
 * member and element was written and refuses duplicate members.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include "kari-json.h"
#include "kari-text-private.h"

typedef struct
{
  const char     *text;
  gsize           len;
  gsize           pos;
  KariTextCursor  cursor;
  KariLocations  *locations;   /* the caller's, or our own */
  GError         *error;
  gsize           error_offset;
} Parser;

G_DEFINE_QUARK (kari-json-error-quark, kari_json_error)

static gboolean parse_value (Parser *p, const char *path, guint depth, JsonNode **out);

/* The text has been checked to hold no NUL byte, so NUL means the end. */
static inline char
peek (Parser *p,
      gsize   ahead)
{
  return p->pos + ahead < p->len ? p->text[p->pos + ahead] : '\0';
}

static gboolean G_GNUC_PRINTF (4, 5)
fail (Parser        *p,
      gsize          offset,
      KariJsonError  code,
      const char    *format,
      ...)
{
  va_list args;

  if (p->error != NULL)
    return FALSE;
  va_start (args, format);
  p->error = g_error_new_valist (KARI_JSON_ERROR, (gint) code, format, args);
  va_end (args);
  p->error_offset = offset;
  return FALSE;
}

static gboolean
fail_unexpected (Parser     *p,
                 const char *expected)
{
  g_autofree char *what = _kari_text_describe_char (p->text, p->len, p->pos);

  return fail (p, p->pos, KARI_JSON_ERROR_SYNTAX, _("expected %s, found %s"), expected, what);
}

static void
record (Parser     *p,
        const char *path,
        gsize       offset)
{
  KariPosition pos;

  if (p->locations == NULL)
    return;
  _kari_text_cursor_position (&p->cursor, offset, &pos);
  kari_locations_set (p->locations, path, pos.line, pos.column);
}

static void
skip_ws (Parser *p)
{
  for (;;)
    {
      char c = peek (p, 0);

      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        return;
      p->pos++;
    }
}

static gboolean
read_hex4 (Parser   *p,
           gsize     ahead,
           gunichar *value)
{
  *value = 0;
  for (int i = 0; i < 4; i++)
    {
      char h = peek (p, ahead + (gsize) i);

      if (!g_ascii_isxdigit (h))
        return FALSE;
      *value = *value * 16 + (gunichar) g_ascii_xdigit_value (h);
    }
  return TRUE;
}

/* At a backslash followed by 'u'. */
static gboolean
parse_unicode_escape (Parser  *p,
                      GString *s)
{
  gsize start = p->pos;
  gunichar u, low;

  if (!read_hex4 (p, 2, &u))
    return fail (p, start, KARI_JSON_ERROR_SYNTAX,
                 _("escape “\\u” must be followed by 4 hexadecimal digits"));
  p->pos += 6;
  if (u >= 0xdc00 && u <= 0xdfff)
    return fail (p, start, KARI_JSON_ERROR_ENCODING,
                 _("escape “\\u%.4s” is a lone low surrogate"), p->text + start + 2);
  if (u >= 0xd800 && u <= 0xdbff)
    {
      if (peek (p, 0) != '\\' || peek (p, 1) != 'u' || !read_hex4 (p, 2, &low)
          || low < 0xdc00 || low > 0xdfff)
        return fail (p, start, KARI_JSON_ERROR_ENCODING,
                     _("escape “\\u%.4s” is a high surrogate not followed by a low "
                     "surrogate escape"), p->text + start + 2);
      u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
      p->pos += 6;
    }
  if (u == 0)
    return fail (p, start, KARI_JSON_ERROR_ENCODING,
                 _("the NUL character (\\u0000) is not supported in strings"));
  g_string_append_unichar (s, u);
  return TRUE;
}

static gboolean
parse_string (Parser  *p,
              char   **out)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gsize open = p->pos;

  p->pos++;
  for (;;)
    {
      guchar c;

      if (p->pos >= p->len)
        return fail (p, open, KARI_JSON_ERROR_SYNTAX,
                     _("unterminated string: the closing quote is missing"));
      c = (guchar) p->text[p->pos];
      if (c == '"')
        break;
      if (c < 0x20)
        return fail (p, p->pos, KARI_JSON_ERROR_SYNTAX,
                     _("control character U+%04X must be escaped in a string"), c);
      if (c != '\\')
        {
          g_string_append_c (s, (char) c);
          p->pos++;
          continue;
        }
      switch (peek (p, 1))
        {
        case '"': g_string_append_c (s, '"'); break;
        case '\\': g_string_append_c (s, '\\'); break;
        case '/': g_string_append_c (s, '/'); break;
        case 'b': g_string_append_c (s, '\b'); break;
        case 'f': g_string_append_c (s, '\f'); break;
        case 'n': g_string_append_c (s, '\n'); break;
        case 'r': g_string_append_c (s, '\r'); break;
        case 't': g_string_append_c (s, '\t'); break;
        case 'u':
          if (!parse_unicode_escape (p, s))
            return FALSE;
          continue;
        default:
          {
            g_autofree char *what = _kari_text_describe_char (p->text, p->len, p->pos + 1);
            return fail (p, p->pos, KARI_JSON_ERROR_SYNTAX,
                         _("invalid escape: backslash followed by %s"), what);
          }
        }
      p->pos += 2;
    }
  p->pos++;
  *out = g_string_free (g_steal_pointer (&s), FALSE);
  return TRUE;
}

static gsize
count_digits (Parser *p,
              gsize   ahead)
{
  gsize n = 0;

  while (g_ascii_isdigit (peek (p, ahead + n)))
    n++;
  return n;
}

static gboolean
parse_number (Parser    *p,
              JsonNode **out)
{
  gsize start = p->pos, i = 0, n;
  gboolean is_float = FALSE;
  g_autofree char *token = NULL;

  if (peek (p, 0) == '-')
    i++;
  n = count_digits (p, i);
  if (n == 0)
    return fail (p, p->pos + i, KARI_JSON_ERROR_SYNTAX, _("expected a digit in the number"));
  if (peek (p, i) == '0' && n > 1)
    return fail (p, p->pos + i, KARI_JSON_ERROR_SYNTAX,
                 _("leading zeros are not allowed in a number"));
  i += n;
  if (peek (p, i) == '.')
    {
      n = count_digits (p, ++i);
      if (n == 0)
        return fail (p, p->pos + i, KARI_JSON_ERROR_SYNTAX,
                     _("a number needs a digit after the ‘.’"));
      i += n;
      is_float = TRUE;
    }
  if (peek (p, i) == 'e' || peek (p, i) == 'E')
    {
      i++;
      if (peek (p, i) == '+' || peek (p, i) == '-')
        i++;
      n = count_digits (p, i);
      if (n == 0)
        return fail (p, p->pos + i, KARI_JSON_ERROR_SYNTAX,
                     _("the exponent of a number needs a digit"));
      i += n;
      is_float = TRUE;
    }

  token = g_strndup (p->text + start, i);
  p->pos += i;
  if (!is_float)
    {
      gint64 v;
      char *end = NULL;

      errno = 0;
      v = g_ascii_strtoll (token, &end, 10);
      if (errno == 0 && *end == '\0')
        {
          *out = json_node_init_int (json_node_alloc (), v);
          return TRUE;
        }
    }
  {
    double d = g_ascii_strtod (token, NULL);

    if (isinf (d))
      return fail (p, start, KARI_JSON_ERROR_SYNTAX,
                   _("number %s is too large to represent"), token);
    *out = json_node_init_double (json_node_alloc (), d);
  }
  return TRUE;
}

static gboolean
check_depth (Parser *p,
             guint   depth)
{
  if (depth > KARI_JSON_MAX_DEPTH)
    return fail (p, p->pos, KARI_JSON_ERROR_TOO_DEEP,
                 _("objects and arrays are nested more than %d deep"), KARI_JSON_MAX_DEPTH);
  return TRUE;
}

static gboolean
parse_object (Parser      *p,
              const char  *path,
              guint        depth,
              JsonNode   **out)
{
  g_autoptr(JsonObject) object = json_object_new ();

  p->pos++;
  skip_ws (p);
  if (peek (p, 0) != '}')
    for (;;)
      {
        g_autofree char *name = NULL;
        g_autofree char *member_path = NULL;
        JsonNode *value = NULL;
        gsize key_offset = p->pos;

        if (peek (p, 0) != '"')
          return fail_unexpected (p, _("a member name in double quotes"));
        if (!parse_string (p, &name))
          return FALSE;
        /* Paths are only needed to record where things are. */
        if (p->locations != NULL)
          member_path = kari_path_append_member (path, name);
        if (json_object_has_member (object, name))
          {
            KariPosition pos = { 0, 0 };

            /* The first one was recorded where it was written; without
             * locations, kari_json_parse() parses again to say where. */
            if (p->locations == NULL)
              return fail (p, key_offset, KARI_JSON_ERROR_DUPLICATE_KEY, _("duplicate member “%s”"), name);
            kari_locations_find (p->locations, member_path, &pos);
            return fail (p, key_offset, KARI_JSON_ERROR_DUPLICATE_KEY,
                         _("duplicate member “%s” (first written at line %u, column %u)"),
                         name, pos.line, pos.column);
          }
        skip_ws (p);
        if (peek (p, 0) != ':')
          return fail_unexpected (p, _("‘:’ after the member name"));
        p->pos++;
        skip_ws (p);

        /* Recorded before the value so the cursor only moves forward. */
        record (p, member_path, key_offset);
        if (!parse_value (p, member_path, depth, &value))
          return FALSE;
        json_object_set_member (object, name, value);

        skip_ws (p);
        if (peek (p, 0) == '}')
          break;
        if (peek (p, 0) != ',')
          return fail_unexpected (p, _("‘,’ or ‘}’ in the object"));
        p->pos++;
        skip_ws (p);
        if (peek (p, 0) == '}')
          return fail (p, p->pos, KARI_JSON_ERROR_SYNTAX,
                       _("a trailing comma is not allowed before ‘}’"));
      }
  p->pos++;
  *out = json_node_init_object (json_node_alloc (), object);
  return TRUE;
}

static gboolean
parse_array (Parser      *p,
             const char  *path,
             guint        depth,
             JsonNode   **out)
{
  g_autoptr(JsonArray) array = json_array_new ();

  p->pos++;
  skip_ws (p);
  if (peek (p, 0) != ']')
    for (;;)
      {
        g_autofree char *element_path = p->locations != NULL
                                         ? kari_path_append_index (path, json_array_get_length (array))
                                         : NULL;
        JsonNode *element = NULL;
        gsize offset = p->pos;

        record (p, element_path, offset);
        if (!parse_value (p, element_path, depth, &element))
          return FALSE;
        json_array_add_element (array, element);

        skip_ws (p);
        if (peek (p, 0) == ']')
          break;
        if (peek (p, 0) != ',')
          return fail_unexpected (p, _("‘,’ or ‘]’ in the array"));
        p->pos++;
        skip_ws (p);
        if (peek (p, 0) == ']')
          return fail (p, p->pos, KARI_JSON_ERROR_SYNTAX,
                       _("a trailing comma is not allowed before ‘]’"));
      }
  p->pos++;
  *out = json_node_init_array (json_node_alloc (), array);
  return TRUE;
}

static gboolean
try_literal (Parser     *p,
             const char *word)
{
  gsize n = strlen (word);

  if (p->pos + n > p->len || memcmp (p->text + p->pos, word, n) != 0
      || g_ascii_isalnum (peek (p, n)))
    return FALSE;
  p->pos += n;
  return TRUE;
}

/* @depth is that of the object or array holding the value. */
static gboolean
parse_value (Parser      *p,
             const char  *path,
             guint        depth,
             JsonNode   **out)
{
  char c = peek (p, 0);

  switch (c)
    {
    case '{':
      return check_depth (p, depth + 1) && parse_object (p, path, depth + 1, out);
    case '[':
      return check_depth (p, depth + 1) && parse_array (p, path, depth + 1, out);
    case '"':
      {
        g_autofree char *s = NULL;

        if (!parse_string (p, &s))
          return FALSE;
        *out = json_node_init_string (json_node_alloc (), s);
        return TRUE;
      }
    case '/':
      return fail (p, p->pos, KARI_JSON_ERROR_SYNTAX, _("comments are not allowed in JSON"));
    default:
      break;
    }
  if (c == '-' || g_ascii_isdigit (c))
    return parse_number (p, out);
  if (try_literal (p, "true") || try_literal (p, "false"))
    {
      *out = json_node_init_boolean (json_node_alloc (), p->text[p->pos - 1] == 'e'
                                     && p->text[p->pos - 2] == 'u');
      return TRUE;
    }
  if (try_literal (p, "null"))
    {
      *out = json_node_init_null (json_node_alloc ());
      return TRUE;
    }
  return fail_unexpected (p, _("a value"));
}

/**
 * kari_json_parse:
 * @text: a JSON document (RFC 8259), UTF-8, a BOM allowed
 * @length: length of @text in bytes, or -1 when it is NUL-terminated
 * @locations: (nullable): where to record the position of every member
 *   (its key's opening quote) and array element
 * @error_position: (out) (optional): where the problem is, on failure
 * @error: return location for a #KARI_JSON_ERROR
 *
 * Parses @text strictly: no comments, trailing commas, leading zeros,
 * duplicate members, lone surrogates or trailing text. Integers that fit
 * in 64 bits become int nodes, other numbers double nodes. Strings
 * holding U+0000 are refused, since JSON-GLib cannot hold them.
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
kari_json_parse (const char     *text,
                 gssize          length,
                 KariLocations  *locations,
                 KariPosition   *error_position,
                 GError        **error)
{
  Parser parser = { 0 };
  Parser *p = &parser;
  JsonNode *root = NULL;
  g_autoptr(KariLocations) own_locations = NULL;
  gsize len, bad;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (error_position != NULL)
    error_position->line = error_position->column = 0;
  if (!_kari_text_check_size (&text, length, &len, KARI_JSON_ERROR, KARI_JSON_ERROR_TOO_LARGE, error))
    return NULL;

  p->text = text;
  p->len = len;
  p->pos = _kari_text_skip_bom (text, len);
  p->locations = locations;
  _kari_text_cursor_init (&p->cursor, text, len, p->pos);

  if (!_kari_text_validate_utf8 (text, len, &bad))
    {
      g_autofree char *problem = _kari_text_encoding_problem (text, bad);
      fail (p, bad, KARI_JSON_ERROR_ENCODING, "%s", problem);
    }
  else
    {
      skip_ws (p);
      if (p->pos < p->len)
        record (p, "", p->pos);
      if (p->pos >= p->len)
        fail (p, p->pos, KARI_JSON_ERROR_SYNTAX, _("the document is empty"));
      else if (parse_value (p, "", 0, &root))
        {
          skip_ws (p);
          if (p->pos < p->len)
            {
              g_autofree char *what = _kari_text_describe_char (p->text, p->len, p->pos);
              fail (p, p->pos, KARI_JSON_ERROR_SYNTAX,
                    _("unexpected %s after the end of the document"), what);
            }
        }
    }

  if (p->error != NULL && locations == NULL
      && g_error_matches (p->error, KARI_JSON_ERROR, KARI_JSON_ERROR_DUPLICATE_KEY))
    {
      /* Rare: parse again, recording positions, to say where the first
       * of the two members was written. */
      g_clear_error (&p->error);
      g_clear_pointer (&root, json_node_unref);
      own_locations = kari_locations_new ();
      return kari_json_parse (text, length, own_locations, error_position, error);
    }
  if (p->error != NULL)
    {
      g_clear_pointer (&root, json_node_unref);
      if (error_position != NULL)
        _kari_text_cursor_position (&p->cursor, p->error_offset, error_position);
      g_propagate_error (error, p->error);
      return NULL;
    }
  return root;
}
