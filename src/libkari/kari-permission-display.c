/* kari-permission-display.c — permissions as a person reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a prompt shows must be exactly what is granted: every character
 * that is invisible, reorders the text around it or is not text at all
 * is shown as an escape instead.
 */
#include "config.h"

#include <string.h>

#include "kari-permission-pattern.h"
#include "kari-permission-private.h"

typedef struct
{
  gunichar first;
  gunichar last;
} Range;

/* Beyond the general categories checked below: characters that render
 * as nothing although their category says otherwise. */
static const Range hidden_ranges[] = {
  { 0x00AD, 0x00AD },   /* soft hyphen */
  { 0x034F, 0x034F },   /* combining grapheme joiner */
  { 0x061C, 0x061C },   /* Arabic letter mark */
  { 0x115F, 0x1160 },   /* Hangul fillers */
  { 0x180E, 0x180E },   /* Mongolian vowel separator */
  { 0x200B, 0x200F },   /* zero-width space, joiners, LRM, RLM */
  { 0x2028, 0x202E },   /* line and paragraph separators, bidi embeddings and overrides */
  { 0x2060, 0x206F },   /* word joiner, invisible operators, bidi isolates */
  { 0x2800, 0x2800 },   /* braille blank */
  { 0x3164, 0x3164 },   /* Hangul filler */
  { 0xFE00, 0xFE0F },   /* variation selectors */
  { 0xFEFF, 0xFEFF },   /* zero-width no-break space */
  { 0xFFA0, 0xFFA0 },   /* halfwidth Hangul filler */
  { 0xFFF9, 0xFFFB },   /* interlinear annotations */
  { 0xE0000, 0xE0FFF }, /* tags and variation selectors supplement */
};

/* Whether @c must be escaped to be seen: controls, format characters
 * (bidi, zero-width), separators other than the space, and the
 * fillers of hidden_ranges. */
gboolean
_kari_unichar_is_hidden (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SURROGATE:
      return TRUE;
    case G_UNICODE_SPACE_SEPARATOR:
      return c != ' ';
    default:
      break;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (hidden_ranges); i++)
    if (c >= hidden_ranges[i].first && c <= hidden_ranges[i].last)
      return TRUE;
  return FALSE;
}

/**
 * kari_permission_escape_for_display_len:
 * @text: text to show, possibly holding NULs
 * @length: its length in bytes, or -1 when it ends with a NUL
 *
 * As kari_permission_escape_for_display(), for text that may hold NULs.
 *
 * Returns: (transfer full): the escaped text, valid UTF-8
 */
char *
kari_permission_escape_for_display_len (const char *text,
                                        gssize      length)
{
  g_autoptr(GString) out = NULL;
  const char *p;
  const char *end;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length < 0)
    length = strlen (text);
  out = g_string_sized_new (length + 8);
  end = text + length;
  for (p = text; p < end;)
    {
      gunichar c = *p == '\0' ? 0 : g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02X", (guchar) *p);
          p++;
          continue;
        }
      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c == 0 || _kari_unichar_is_hidden (c))
        g_string_append_printf (out, "\\u{%04X}", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = c == 0 ? p + 1 : g_utf8_next_char (p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * kari_permission_escape_for_display:
 * @text: text to show a person, such as a permission or a resource
 *
 * Escapes what would make @text read differently from what it is:
 * control characters (C0, DEL, C1) and NULs as `\u{…}`, the Unicode
 * bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
 * U+061C), zero-width and other invisible characters (U+200B–U+200D,
 * U+2060, U+FEFF, fillers, separators other than the space) as
 * `\u{…}`, each byte of invalid UTF-8 as `\x..`, and the backslash
 * itself as `\\` so that an escape cannot be forged.
 *
 * Returns: (transfer full): the escaped text, valid UTF-8
 */
char *
kari_permission_escape_for_display (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);
  return kari_permission_escape_for_display_len (text, -1);
}

static gboolean
has_wildcard (const char *text)
{
  return strpbrk (text, "*?") != NULL;
}

/* A host pattern or request in words; the host as matched, so an IDN
 * shows in its ASCII form and cannot pass for another. */
static char *
describe_host (const char *resource)
{
  g_auto(KariHostSpec) spec = { 0 };
  const char *problem;
  gsize bad;
  g_autofree char *host = NULL;

  if (!_kari_host_pattern_parse (resource, &spec, &bad, &problem)
      && !_kari_host_request_parse (resource, &spec, &bad, &problem))
    return kari_permission_escape_for_display (resource);

  if (g_str_equal (spec.host, "*"))
    host = g_strdup ("any host");
  else if (spec.wildcard)
    host = g_strdup_printf ("any host under %s", spec.host);
  else
    host = g_strdup (spec.host);
  if (spec.port == 0)
    return g_steal_pointer (&host);
  return g_strdup_printf ("%s on port %u", host, spec.port);
}

/* The resource in words, to fill a rule's describe_one. */
static char *
describe_resource (KariResourceKind  kind,
                   const char       *resource)
{
  g_autofree char *shown = kari_permission_escape_for_display (resource);

  if (kind == KARI_RESOURCE_HOST)
    return describe_host (resource);
  if (kind != KARI_RESOURCE_PATH)
    return g_steal_pointer (&shown);

  if (g_str_equal (shown, "/**"))
    return g_strdup ("every file");
  if (g_str_has_suffix (shown, "/**"))
    {
      g_autofree char *folder = g_strndup (shown, strlen (shown) - 3);

      if (!has_wildcard (folder))
        return g_strdup_printf ("files in %s and below", folder);
    }
  if (has_wildcard (shown))
    return g_strdup_printf ("files matching %s", shown);
  return g_steal_pointer (&shown);
}

/**
 * kari_permission_describe:
 * @permission: a permission pattern or a concrete permission
 *
 * The permission in plain words for a prompt: “read files in
 * ~/Documents and below”, “connect to api.github.com over HTTP”. What
 * came from the permission is escaped as by
 * kari_permission_escape_for_display(). An invalid permission is
 * described as such, quoted and escaped.
 *
 * Returns: (transfer full): the description
 */
char *
kari_permission_describe (const char *permission)
{
  g_autoptr(KariPermissionPattern) pattern = NULL;
  g_auto(KariPermissionParts) parts = { 0 };
  const KariPermissionRule *rule = NULL;
  g_autofree char *resource = NULL;
  g_auto(GStrv) halves = NULL;

  g_return_val_if_fail (permission != NULL, NULL);

  pattern = kari_permission_pattern_parse (permission, NULL);
  if ((pattern == NULL && !kari_permission_split (permission, NULL, NULL, NULL, NULL))
      || !_kari_permission_cut (permission, pattern == NULL, &parts, &rule, NULL))
    {
      g_autofree char *shown = kari_permission_escape_for_display (permission);

      return g_strdup_printf ("an invalid permission, “%s”", shown);
    }

  if (parts.resource == NULL || g_str_equal (parts.resource, "*") || rule->describe_one == NULL)
    return g_strdup (rule->describe_any);

  resource = describe_resource (rule->resource, parts.resource);
  halves = g_strsplit (rule->describe_one, "%s", 2);
  return g_strconcat (halves[0], resource, halves[1], NULL);
}
