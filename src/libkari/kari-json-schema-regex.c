/* kari-json-schema-regex.c — `pattern` and `patternProperties` as GRegex
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JSON Schema patterns are ECMA-262 regular expressions; GRegex is PCRE2.
 * The two agree on the common subset, so a pattern is copied through a
 * small scanner that rewrites the few ECMA spellings PCRE reads
 * differently (\d, \w and \uXXXX, `[^]`, `$`) and refuses the PCRE-only
 * syntax ECMA does not have (possessive quantifiers, verbs, inline
 * options, \A, \z, …), so a schema means the same here as in a browser.
 * Every pattern starts with PCRE2's match limits, so a catastrophic
 * pattern fails a match with an error instead of running for hours.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-json-schema-private.h"

static gboolean G_GNUC_PRINTF (3, 4)
refuse (GError     **error,
        gsize        offset,
        const char  *format,
        ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA,
               /* TRANSLATORS: %s says what is wrong, %zu is a byte offset */
               _("%s (at byte %zu)"), what, offset);
  return FALSE;
}

static gboolean
read_hex (const char *p,
          guint       n,
          gunichar   *value)
{
  *value = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isxdigit (p[i]))
        return FALSE;
      *value = *value * 16 + (gunichar) g_ascii_xdigit_value (p[i]);
    }
  return TRUE;
}

/* Translates the escape at @p (a backslash); returns the number of bytes
 * consumed, or 0 after setting @error. */
static gsize
translate_escape (const char  *pattern,
                  const char  *p,
                  gboolean     in_class,
                  GString     *out,
                  GError     **error)
{
  char c = p[1];
  gunichar u;

  switch (c)
    {
    case '\0':
      refuse (error, (gsize) (p - pattern), _("the pattern ends with a lone “\\”"));
      return 0;

    /* ECMA's classes are ASCII; PCRE's follow Unicode properties. */
    case 'd':
      g_string_append (out, in_class ? "0-9" : "[0-9]");
      return 2;
    case 'D':
      g_string_append (out, in_class ? "\\x{0}-/:-\\x{10FFFF}" : "[^0-9]");
      return 2;
    case 'w':
      g_string_append (out, in_class ? "A-Za-z0-9_" : "[A-Za-z0-9_]");
      return 2;
    case 'W':
      g_string_append (out, in_class ? "\\x{0}-/:-@\\[-^`{-\\x{10FFFF}" : "[^A-Za-z0-9_]");
      return 2;
    case 'v':
      g_string_append (out, "\\x{0B}");
      return 2;

    case 'u':
      if (p[2] == '{')
        {
          const char *end = strchr (p + 3, '}');

          if (end == NULL || end == p + 3 || end - (p + 3) > 6 || !read_hex (p + 3, (guint) (end - (p + 3)), &u)
              || u > 0x10FFFF)
            {
              refuse (error, (gsize) (p - pattern), _("“\\u{…}” must hold a code point in hexadecimal"));
              return 0;
            }
          g_string_append_printf (out, "\\x{%X}", u);
          return (gsize) (end + 1 - p);
        }
      if (!read_hex (p + 2, 4, &u))
        {
          refuse (error, (gsize) (p - pattern), _("“\\u” must be followed by 4 hexadecimal digits"));
          return 0;
        }
      g_string_append_printf (out, "\\x{%X}", u);
      return 6;

    case 'x':
      if (!read_hex (p + 2, 2, &u))
        {
          refuse (error, (gsize) (p - pattern), _("“\\x” must be followed by 2 hexadecimal digits"));
          return 0;
        }
      g_string_append_printf (out, "\\x{%X}", u);
      return 4;

    case 'c':
      if (!g_ascii_isalpha (p[2]))
        {
          refuse (error, (gsize) (p - pattern), _("“\\c” must be followed by a letter"));
          return 0;
        }
      g_string_append_len (out, p, 3);
      return 3;

    case 'p':
    case 'P':
      if (p[2] != '{' || strchr (p + 3, '}') == NULL)
        {
          refuse (error, (gsize) (p - pattern), _("“\\%c” must be followed by a property in braces"), c);
          return 0;
        }
      g_string_append_len (out, p, strchr (p + 3, '}') + 1 - p);
      return (gsize) (strchr (p + 3, '}') + 1 - p);

    case 'k':
      if (p[2] != '<')
        {
          refuse (error, (gsize) (p - pattern), _("“\\k” must be followed by a group name in “<>”"));
          return 0;
        }
      g_string_append (out, "\\k");
      return 2;

    case 's': case 'S': case 'b': case 'B': case 'n': case 'r': case 't': case 'f':
      g_string_append_len (out, p, 2);
      return 2;

    case '0':
      if (g_ascii_isdigit (p[2]))
        {
          refuse (error, (gsize) (p - pattern), _("octal escapes are not allowed"));
          return 0;
        }
      g_string_append (out, "\\x{0}");
      return 2;

    default:
      if (g_ascii_isdigit (c))
        {
          gsize n = 1;

          if (in_class)
            {
              refuse (error, (gsize) (p - pattern), _("a back-reference cannot be in a character class"));
              return 0;
            }
          while (g_ascii_isdigit (p[1 + n]))
            n++;
          g_string_append_len (out, p, (gssize) (n + 1));
          return n + 1;
        }
      if (g_ascii_isalpha (c))
        {
          refuse (error, (gsize) (p - pattern),
                  _("the escape “\\%c” is not part of ECMA-262 regular expressions"), c);
          return 0;
        }
      /* An escaped punctuation character, or an escaped non-ASCII
       * character, which stands for itself in both. */
      g_string_append_len (out, p, g_utf8_next_char (p + 1) - p);
      return (gsize) (g_utf8_next_char (p + 1) - p);
    }
}

/* Copies a character class from the `[` at @p; returns the bytes
 * consumed, or 0 after setting @error. */
static gsize
translate_class (const char  *pattern,
                 const char  *p,
                 GString     *out,
                 GError     **error)
{
  const char *q = p + 1;

  /* `[]` matches nothing and `[^]` anything in ECMA; PCRE would read the
   * `]` as a member. */
  if (q[0] == ']')
    {
      g_string_append (out, "(?!)");
      return 2;
    }
  if (q[0] == '^' && q[1] == ']')
    {
      g_string_append (out, "[\\s\\S]");
      return 3;
    }

  g_string_append_c (out, '[');
  if (*q == '^')
    g_string_append_c (out, *q++);
  while (*q != ']')
    {
      if (*q == '\0')
        {
          refuse (error, (gsize) (p - pattern), _("the character class “[” is not closed"));
          return 0;
        }
      if (*q == '\\')
        {
          gsize n = translate_escape (pattern, q, TRUE, out, error);

          if (n == 0)
            return 0;
          q += n;
          continue;
        }
      /* A `[` inside a class is a plain character in ECMA; in PCRE it
       * may start a POSIX class like [:alpha:]. */
      if (*q == '[')
        g_string_append (out, "\\[");
      else
        g_string_append_c (out, *q);
      q++;
    }
  g_string_append_c (out, ']');
  return (gsize) (q + 1 - p);
}

/* Copies the group opening at @p (a `(`); returns the bytes consumed. */
static gsize
translate_group (const char  *pattern,
                 const char  *p,
                 GString     *out,
                 GError     **error)
{
  static const char *const allowed[] = { "(?:", "(?=", "(?!", "(?<=", "(?<!" };

  if (p[1] == '*')
    {
      refuse (error, (gsize) (p - pattern), _("“(*” is not part of ECMA-262 regular expressions"));
      return 0;
    }
  if (p[1] != '?')
    {
      g_string_append_c (out, '(');
      return 1;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (allowed); i++)
    if (g_str_has_prefix (p, allowed[i]))
      {
        g_string_append (out, allowed[i]);
        return strlen (allowed[i]);
      }
  if (p[2] == '<' && (g_ascii_isalpha (p[3]) || p[3] == '_' || p[3] == '$'))
    {
      g_string_append (out, "(?<");
      return 3;
    }
  refuse (error, (gsize) (p - pattern), _("the group “%.3s” is not part of ECMA-262 regular expressions"), p);
  return 0;
}

static gsize
quantifier_length (const char *p)
{
  const char *q = p + 1;

  if (!g_ascii_isdigit (*q))
    return 0;
  while (g_ascii_isdigit (*q))
    q++;
  if (*q == ',')
    {
      q++;
      while (g_ascii_isdigit (*q))
        q++;
    }
  return *q == '}' ? (gsize) (q + 1 - p) : 0;
}

static char *
translate (const char  *pattern,
           GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean after_quantifier = FALSE;

  for (const char *p = pattern; *p != '\0';)
    {
      gsize n = 1;
      gboolean quantifier = FALSE;

      switch (*p)
        {
        case '\\':
          n = translate_escape (pattern, p, FALSE, out, error);
          break;
        case '[':
          n = translate_class (pattern, p, out, error);
          break;
        case '(':
          n = translate_group (pattern, p, out, error);
          break;
        case '*':
        case '+':
        case '?':
          /* `a+?` is lazy in both; `a++` is possessive in PCRE alone. */
          if (after_quantifier && *p == '+')
            {
              refuse (error, (gsize) (p - pattern),
                      _("possessive quantifiers are not part of ECMA-262 regular expressions"));
              return NULL;
            }
          quantifier = !after_quantifier;
          g_string_append_c (out, *p);
          break;
        case '{':
          /* A quantifier {n}, {n,} or {n,m}; any other brace is a
           * character in both. */
          n = quantifier_length (p);
          quantifier = n > 0 && !after_quantifier;
          if (n == 0)
            n = 1;
          g_string_append_len (out, p, (gssize) n);
          break;
        default:
          n = (gsize) (g_utf8_next_char (p) - p);
          g_string_append_len (out, p, (gssize) n);
          break;
        }
      if (n == 0)
        return NULL;
      after_quantifier = quantifier;
      p += n;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

GRegex *
_kari_json_schema_regex_new (const char  *ecma,
                             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *pcre = NULL;
  g_autofree char *limited = NULL;
  GRegex *regex;

  if (!g_utf8_validate (ecma, -1, NULL))
    {
      g_set_error_literal (error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA,
                           _("the pattern is not valid UTF-8"));
      return NULL;
    }
  pcre = translate (ecma, error);
  if (pcre == NULL)
    return NULL;
  /* The limits only ever lower PCRE2's own and must come first. `$`
   * matches only at the very end, as in ECMA (PCRE also allows a final
   * newline). */
  limited = g_strdup_printf ("(*LIMIT_MATCH=%d)(*LIMIT_DEPTH=%d)%s", KARI_JSON_SCHEMA_PATTERN_LIMIT,
                             KARI_JSON_SCHEMA_PATTERN_LIMIT / 10, pcre);
  regex = g_regex_new (limited, G_REGEX_DOLLAR_ENDONLY | G_REGEX_OPTIMIZE, 0, NULL);
  if (regex == NULL)
    {
      /* Compiled again without the limits for a message whose offsets
       * match what the author wrote. */
      GRegex *plain = g_regex_new (pcre, G_REGEX_DOLLAR_ENDONLY, 0, &local_error);

      g_clear_pointer (&plain, g_regex_unref);
      g_set_error_literal (error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA,
                           local_error != NULL ? local_error->message : _("the pattern does not compile"));
      return NULL;
    }
  return regex;
}
