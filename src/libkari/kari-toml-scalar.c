/* kari-toml-scalar.c: strings, numbers, booleans and date-times of TOML 1.0
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "kari-toml-private.h"

#define PEEK(n) _kari_toml_peek (p, (n))
/* The byte at an absolute offset, NUL past the end. */
#define AT(i) ((i) < p->len ? p->text[(i)] : '\0')

static gboolean
is_forbidden_control (guchar c)
{
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* Strings */

static gboolean
parse_escape (KariTomlParser *p,
              GString        *s)
{
  gsize start = p->pos;
  char c = PEEK (1);
  int ndigits;
  gunichar u = 0;

  switch (c)
    {
    case 'b': g_string_append_c (s, '\b'); p->pos += 2; return TRUE;
    case 't': g_string_append_c (s, '\t'); p->pos += 2; return TRUE;
    case 'n': g_string_append_c (s, '\n'); p->pos += 2; return TRUE;
    case 'f': g_string_append_c (s, '\f'); p->pos += 2; return TRUE;
    case 'r': g_string_append_c (s, '\r'); p->pos += 2; return TRUE;
    case '"': g_string_append_c (s, '"'); p->pos += 2; return TRUE;
    case '\\': g_string_append_c (s, '\\'); p->pos += 2; return TRUE;
    case 'u': ndigits = 4; break;
    case 'U': ndigits = 8; break;
    default:
      {
        g_autofree char *what = _kari_toml_describe (p, start + 1);
        return _kari_toml_fail (p, start, KARI_TOML_ERROR_INVALID_VALUE,
                                _("invalid escape sequence: backslash followed by %s "
                                "(valid escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)"),
                                what);
      }
    }

  for (int i = 0; i < ndigits; i++)
    {
      char h = PEEK (2 + i);

      if (!g_ascii_isxdigit (h))
        return _kari_toml_fail (p, start, KARI_TOML_ERROR_INVALID_VALUE,
                                _("escape “\\%c” must be followed by %d hexadecimal digits"),
                                c, ndigits);
      u = u * 16 + (gunichar) g_ascii_xdigit_value (h);
    }
  if (u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff))
    return _kari_toml_fail (p, start, KARI_TOML_ERROR_INVALID_VALUE,
                            _("escape “\\%c%.*s” is not a Unicode scalar value"),
                            c, ndigits, p->text + start + 2);
  if (u == 0)
    return _kari_toml_fail (p, start, KARI_TOML_ERROR_INVALID_VALUE,
                            _("the NUL character (U+0000) is not supported in strings"));
  g_string_append_unichar (s, u);
  p->pos += 2 + (gsize) ndigits;
  return TRUE;
}

/* A newline inside a multi-line string: LF or CRLF, stored as LF. */
static gboolean
take_newline (KariTomlParser *p,
              GString        *s)
{
  if (PEEK (0) == '\r')
    {
      if (PEEK (1) != '\n')
        return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_ENCODING,
                                _("carriage return not followed by a line feed"));
      p->pos++;
    }
  p->pos++;
  g_string_append_c (s, '\n');
  return TRUE;
}

/* In a multi-line basic string, a backslash that ends a line swallows
 * it and every following space and newline. */
static gboolean
try_line_ending_backslash (KariTomlParser *p)
{
  gsize i = 1;

  while (PEEK (i) == ' ' || PEEK (i) == '\t')
    i++;
  if (!(PEEK (i) == '\n' || (PEEK (i) == '\r' && PEEK (i + 1) == '\n')))
    return FALSE;
  p->pos += i;
  for (;;)
    {
      char c = PEEK (0);

      if (c == ' ' || c == '\t' || c == '\n')
        p->pos++;
      else if (c == '\r' && PEEK (1) == '\n')
        p->pos += 2;
      else
        return TRUE;
    }
}

static gboolean
parse_quoted (KariTomlParser *p,
              char            quote,
              gboolean        multiline,
              GString        *s)
{
  gsize open = p->pos;
  gboolean literal = quote == '\'';

  p->pos += multiline ? 3 : 1;
  if (multiline)
    {
      /* A newline right after the opening delimiter is trimmed. */
      if (PEEK (0) == '\n')
        p->pos++;
      else if (PEEK (0) == '\r' && PEEK (1) == '\n')
        p->pos += 2;
    }

  for (;;)
    {
      guchar c;

      if (p->pos >= p->len)
        return _kari_toml_fail (p, open, KARI_TOML_ERROR_SYNTAX,
                                _("unterminated string: the closing %s is missing"),
                                multiline ? (literal ? "'''" : "\"\"\"") : (literal ? "'" : "\""));
      c = (guchar) p->text[p->pos];

      if (c == (guchar) quote)
        {
          gsize n = 0;

          if (!multiline)
            {
              p->pos++;
              return TRUE;
            }
          while (PEEK (n) == quote)
            n++;
          if (n < 3)
            {
              g_string_append_len (s, p->text + p->pos, (gssize) n);
              p->pos += n;
              continue;
            }
          if (n > 5)
            return _kari_toml_fail (p, p->pos + 5, KARI_TOML_ERROR_SYNTAX,
                                    _("too many quotes at the end of a multi-line string"));
          g_string_append_len (s, p->text + p->pos, (gssize) n - 3);
          p->pos += n;
          return TRUE;
        }
      else if (c == '\\' && !literal)
        {
          if (multiline && try_line_ending_backslash (p))
            continue;
          if (!parse_escape (p, s))
            return FALSE;
        }
      else if (c == '\n' || c == '\r')
        {
          if (!multiline)
            return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_SYNTAX,
                                    _("unterminated string: a single-line string cannot hold "
                                    "a newline (use a multi-line string or \\n)"));
          if (!take_newline (p, s))
            return FALSE;
        }
      else if (is_forbidden_control (c))
        return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_ENCODING,
                                _("control character U+%04X is not allowed in a string%s"),
                                c, literal ? "" : "; write it as an escape");
      else
        {
          g_string_append_c (s, (char) c);
          p->pos++;
        }
    }
}

/**
 * _kari_toml_parse_string:
 * @is_key: whether the string is a key, which cannot be multi-line
 *
 * Parses a basic or literal string starting at the quote under the
 * cursor and leaves the cursor after its end.
 */
gboolean
_kari_toml_parse_string (KariTomlParser  *p,
                         gboolean         is_key,
                         char           **out)
{
  char quote = PEEK (0);
  gboolean multiline = PEEK (1) == quote && PEEK (2) == quote;
  g_autoptr(GString) s = g_string_new (NULL);

  g_assert (quote == '"' || quote == '\'');
  if (multiline && is_key)
    return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_SYNTAX,
                            _("a multi-line string cannot be used as a key"));
  if (!parse_quoted (p, quote, multiline, s))
    return FALSE;
  *out = g_string_free (g_steal_pointer (&s), FALSE);
  return TRUE;
}

/* Date-times */

static gboolean
read_digits (KariTomlParser *p,
             gsize           ahead,
             int             n,
             int            *value)
{
  *value = 0;
  for (int i = 0; i < n; i++)
    {
      char c = PEEK (ahead + (gsize) i);

      if (!g_ascii_isdigit (c))
        return FALSE;
      *value = *value * 10 + (c - '0');
    }
  return TRUE;
}

static int
days_in_month (int year,
               int month)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  gboolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

  return month == 2 && leap ? 29 : days[month - 1];
}

static gboolean
parse_time (KariTomlParser *p,
            GString        *s)
{
  int hour, minute, second;
  gsize start = p->pos;

  if (!read_digits (p, 0, 2, &hour) || PEEK (2) != ':'
      || !read_digits (p, 3, 2, &minute) || PEEK (5) != ':'
      || !read_digits (p, 6, 2, &second))
    return _kari_toml_fail (p, start, KARI_TOML_ERROR_INVALID_VALUE,
                            _("malformed time: expected HH:MM:SS with two digits each "
                            "(seconds are required)"));
  if (hour > 23)
    return _kari_toml_fail (p, start, KARI_TOML_ERROR_INVALID_VALUE,
                            _("hour %02d is out of range (00–23)"), hour);
  if (minute > 59)
    return _kari_toml_fail (p, start + 3, KARI_TOML_ERROR_INVALID_VALUE,
                            _("minute %02d is out of range (00–59)"), minute);
  if (second > 60)
    return _kari_toml_fail (p, start + 6, KARI_TOML_ERROR_INVALID_VALUE,
                            _("second %02d is out of range (00–60)"), second);
  g_string_append_len (s, p->text + start, 8);
  p->pos += 8;

  if (PEEK (0) == '.')
    {
      gsize n = 1;

      while (g_ascii_isdigit (PEEK (n)))
        n++;
      if (n == 1)
        return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_INVALID_VALUE,
                                _("fractional seconds need at least one digit after ‘.’"));
      g_string_append_len (s, p->text + p->pos, (gssize) n);
      p->pos += n;
    }
  return TRUE;
}

static gboolean
parse_offset (KariTomlParser *p,
              GString        *s)
{
  int hour, minute;
  char c = PEEK (0);

  if (c == 'Z' || c == 'z')
    {
      g_string_append_c (s, 'Z');
      p->pos++;
      return TRUE;
    }
  if (c != '+' && c != '-')
    return TRUE;
  if (!read_digits (p, 1, 2, &hour) || PEEK (3) != ':' || !read_digits (p, 4, 2, &minute))
    return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_INVALID_VALUE,
                            _("malformed time offset: expected Z or ±HH:MM"));
  if (hour > 23 || minute > 59)
    return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_INVALID_VALUE,
                            _("time offset %.6s is out of range"), p->text + p->pos);
  g_string_append_len (s, p->text + p->pos, 6);
  p->pos += 6;
  return TRUE;
}

static gboolean
parse_datetime (KariTomlParser  *p,
                gboolean         has_date,
                JsonNode       **out)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gsize start = p->pos;

  if (has_date)
    {
      int year, month, day;
      char c;

      if (!read_digits (p, 0, 4, &year) || PEEK (4) != '-'
          || !read_digits (p, 5, 2, &month) || PEEK (7) != '-'
          || !read_digits (p, 8, 2, &day) || g_ascii_isdigit (PEEK (10)))
        return _kari_toml_fail (p, start, KARI_TOML_ERROR_INVALID_VALUE,
                                _("malformed date: expected YYYY-MM-DD"));
      if (month < 1 || month > 12)
        return _kari_toml_fail (p, start + 5, KARI_TOML_ERROR_INVALID_VALUE,
                                _("month %02d is out of range (01–12)"), month);
      if (day < 1 || day > days_in_month (year, month))
        return _kari_toml_fail (p, start + 8, KARI_TOML_ERROR_INVALID_VALUE,
                                _("day %02d does not exist in %04d-%02d"), day, year, month);
      g_string_append_len (s, p->text + start, 10);
      p->pos += 10;

      c = PEEK (0);
      if (c == 'T' || c == 't'
          || (c == ' ' && g_ascii_isdigit (PEEK (1)) && g_ascii_isdigit (PEEK (2))
              && PEEK (3) == ':'))
        {
          g_string_append_c (s, 'T');
          p->pos++;
          if (!parse_time (p, s) || !parse_offset (p, s))
            return FALSE;
        }
    }
  else if (!parse_time (p, s))
    return FALSE;

  {
    char c = PEEK (0);

    if (g_ascii_isalnum (c) || c == ':' || c == '.' || c == '+' || c == '-' || c == '_')
      {
        g_autofree char *what = _kari_toml_describe (p, p->pos);
        return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_INVALID_VALUE,
                                _("unexpected %s in a date or time"), what);
      }
  }

  *out = json_node_init_string (json_node_alloc (), s->str);
  return TRUE;
}

/* Numbers */

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '+' || c == '-' || c == '.';
}

static gboolean
is_base_digit (char c,
               int  base)
{
  switch (base)
    {
    case 2: return c == '0' || c == '1';
    case 8: return c >= '0' && c <= '7';
    case 16: return g_ascii_isxdigit (c);
    default: return g_ascii_isdigit (c);
    }
}

/* Measures a run of digits and underscores at @s and checks that each
 * underscore stands between two digits. Returns the run's length, or
 * -1 after reporting a misplaced underscore. */
static gssize
digit_run (KariTomlParser *p,
           gsize           offset,
           int             base)
{
  const char *s = p->text + offset;
  gsize n = 0;

  while (offset + n < p->len && (is_base_digit (s[n], base) || s[n] == '_'))
    n++;
  for (gsize i = 0; i < n; i++)
    if (s[i] == '_' && (i == 0 || i + 1 == n || s[i + 1] == '_'))
      {
        _kari_toml_fail (p, offset + i, KARI_TOML_ERROR_INVALID_VALUE,
                         _("an underscore in a number must stand between two digits"));
        return -1;
      }
  return (gssize) n;
}

/* Accumulates the digits of a run, skipping underscores; FALSE on overflow. */
static gboolean
accumulate (const char *s,
            gsize       n,
            int         base,
            guint64     limit,
            guint64    *value)
{
  guint64 v = 0;

  for (gsize i = 0; i < n; i++)
    {
      guint64 d;

      if (s[i] == '_')
        continue;
      d = (guint64) g_ascii_xdigit_value (s[i]);
      if (v > (limit - d) / (guint64) base)
        return FALSE;
      v = v * (guint64) base + d;
    }
  *value = v;
  return TRUE;
}

static gboolean
parse_number (KariTomlParser  *p,
              JsonNode       **out)
{
  gsize start = p->pos, end = p->pos, q;
  gboolean negative = FALSE, is_float = FALSE;
  g_autofree char *token = NULL;
  gssize n_int;
  guint64 value;

  while (end < p->len && is_token_char (p->text[end]))
    end++;
  if (end == start)
    {
      g_autofree char *what = _kari_toml_describe (p, start);
      return _kari_toml_fail (p, start, KARI_TOML_ERROR_SYNTAX,
                              _("expected a value, found %s"), what);
    }
  token = g_strndup (p->text + start, end - start);
  q = start;
  if (AT (q) == '+' || AT (q) == '-')
    negative = p->text[q++] == '-';

  if (strcmp (p->text[start] == '+' || p->text[start] == '-' ? token + 1 : token, "inf") == 0)
    {
      *out = json_node_init_double (json_node_alloc (), negative ? -INFINITY : INFINITY);
      p->pos = end;
      return TRUE;
    }
  if (strcmp (p->text[start] == '+' || p->text[start] == '-' ? token + 1 : token, "nan") == 0)
    {
      *out = json_node_init_double (json_node_alloc (), negative ? -NAN : NAN);
      p->pos = end;
      return TRUE;
    }

  if (AT (q) == '0' && q + 1 < end
      && (AT (q + 1) == 'x' || AT (q + 1) == 'o' || AT (q + 1) == 'b'))
    {
      int base = AT (q + 1) == 'x' ? 16 : AT (q + 1) == 'o' ? 8 : 2;
      gssize n;

      if (q != start)
        return _kari_toml_fail (p, start, KARI_TOML_ERROR_INVALID_VALUE,
                                _("hexadecimal, octal and binary integers cannot have a sign: “%s”"),
                                token);
      q += 2;
      n = digit_run (p, q, base);
      if (n < 0)
        return FALSE;
      if (n == 0 || q + (gsize) n != end)
        return _kari_toml_fail (p, n == 0 ? q : q + (gsize) n, KARI_TOML_ERROR_INVALID_VALUE,
                                "invalid base-%d integer “%s”", base, token);
      if (!accumulate (p->text + q, (gsize) n, base, G_MAXINT64, &value))
        return _kari_toml_fail (p, start, KARI_TOML_ERROR_INVALID_VALUE,
                                _("integer “%s” does not fit in 64 bits"), token);
      *out = json_node_init_int (json_node_alloc (), (gint64) value);
      p->pos = end;
      return TRUE;
    }

  n_int = digit_run (p, q, 10);
  if (n_int < 0)
    return FALSE;
  if (n_int == 0)
    {
      if (AT (q) == '.')
        return _kari_toml_fail (p, q, KARI_TOML_ERROR_INVALID_VALUE,
                                _("a float needs a digit before the ‘.’: “%s”"), token);
      return _kari_toml_fail (p, start, KARI_TOML_ERROR_SYNTAX,
                              _("invalid value “%s” (strings must be quoted)"), token);
    }
  if (AT (q) == '0' && n_int > 1)
    return _kari_toml_fail (p, q, KARI_TOML_ERROR_INVALID_VALUE,
                            _("leading zeros are not allowed in “%s”"), token);
  {
    gsize int_start = q;
    gsize int_len = (gsize) n_int;

    q += int_len;
    if (q < end && AT (q) == '.')
      {
        gssize n = digit_run (p, ++q, 10);

        if (n < 0)
          return FALSE;
        if (n == 0)
          return _kari_toml_fail (p, q, KARI_TOML_ERROR_INVALID_VALUE,
                                  _("a float needs a digit after the ‘.’: “%s”"), token);
        q += (gsize) n;
        is_float = TRUE;
      }
    if (q < end && (AT (q) == 'e' || AT (q) == 'E'))
      {
        gssize n;

        q++;
        if (q < end && (AT (q) == '+' || AT (q) == '-'))
          q++;
        n = digit_run (p, q, 10);
        if (n < 0)
          return FALSE;
        if (n == 0)
          return _kari_toml_fail (p, q, KARI_TOML_ERROR_INVALID_VALUE,
                                  _("the exponent of “%s” has no digits"), token);
        q += (gsize) n;
        is_float = TRUE;
      }
    if (q != end)
      return _kari_toml_fail (p, q, KARI_TOML_ERROR_INVALID_VALUE,
                              _("invalid number “%s”"), token);

    if (is_float)
      {
        g_autoptr(GString) clean = g_string_new (NULL);
        double d;

        for (const char *c = token; *c; c++)
          if (*c != '_')
            g_string_append_c (clean, *c);
        d = g_ascii_strtod (clean->str, NULL);
        if (isinf (d))
          return _kari_toml_fail (p, start, KARI_TOML_ERROR_INVALID_VALUE,
                                  _("float “%s” is out of range"), token);
        *out = json_node_init_double (json_node_alloc (), d);
      }
    else
      {
        guint64 limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;

        if (!accumulate (p->text + int_start, int_len, 10, limit, &value))
          return _kari_toml_fail (p, start, KARI_TOML_ERROR_INVALID_VALUE,
                                  _("integer “%s” does not fit in 64 bits"), token);
        *out = json_node_init_int (json_node_alloc (),
                                   negative ? (gint64) (0 - value) : (gint64) value);
      }
  }
  p->pos = end;
  return TRUE;
}

static gboolean
try_keyword (KariTomlParser *p,
             const char     *word)
{
  gsize n = strlen (word);

  return p->pos + n <= p->len && memcmp (p->text + p->pos, word, n) == 0
         && !is_token_char (PEEK (n));
}

/**
 * _kari_toml_parse_scalar:
 *
 * Parses a boolean, number or date-time under the cursor.
 */
gboolean
_kari_toml_parse_scalar (KariTomlParser  *p,
                         JsonNode       **out)
{
  if (try_keyword (p, "true") || try_keyword (p, "false"))
    {
      gboolean value = PEEK (0) == 't';

      p->pos += value ? 4 : 5;
      *out = json_node_init_boolean (json_node_alloc (), value);
      return TRUE;
    }
  if (g_ascii_isdigit (PEEK (0)) && g_ascii_isdigit (PEEK (1)))
    {
      if (g_ascii_isdigit (PEEK (2)) && g_ascii_isdigit (PEEK (3)) && PEEK (4) == '-')
        return parse_datetime (p, TRUE, out);
      if (PEEK (2) == ':')
        return parse_datetime (p, FALSE, out);
    }
  return parse_number (p, out);
}
