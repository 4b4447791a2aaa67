/* kari-json-schema-format.c — the `format`s that are asserted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each checker follows its RFC's grammar by hand. Choices made where the
 * RFCs leave room:
 *  - date-time, date, time: RFC 3339 §5.6; “T” and “Z” in either case;
 *    no space instead of “T”; a leap second (:60) only where the time in
 *    UTC is 23:59:60; an offset is required on times.
 *  - email: RFC 5321 Mailbox, ASCII only (dot-atom or quoted local part
 *    of at most 64 bytes; a hostname or an [IPv4] / [IPv6:…] literal).
 *  - hostname: RFC 1123 labels of ASCII letters, digits and “-”, at most
 *    63 bytes each and 253 in all, no trailing dot. Internationalized
 *    names are refused unless written as A-labels (“xn--…”), whose
 *    punycode is not decoded; other labels with “--” in the third and
 *    fourth place are reserved (RFC 5891) and refused.
 *  - ipv4: four decimal numbers 0–255 without leading zeros.
 *  - ipv6: RFC 4291 §2.2 text forms, with an embedded IPv4 at the end;
 *    a zone (“%eth0”) is not part of an address and is refused.
 *  - uri: RFC 3986 absolute URI (scheme required), ASCII only.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-json-schema-private.h"

static const struct
{
  const char   *name;
  SchemaFormat  format;
  const char   *what;
} formats[] = {
  { "date-time", FORMAT_DATE_TIME, N_("a date and time as in RFC 3339 (2024-05-01T12:30:00Z)") },
  { "date",      FORMAT_DATE,      N_("a date as in RFC 3339 (2024-05-01)") },
  { "time",      FORMAT_TIME,      N_("a time with offset as in RFC 3339 (12:30:00Z)") },
  { "email",     FORMAT_EMAIL,     N_("an e-mail address") },
  { "uri",       FORMAT_URI,       N_("an absolute URI") },
  { "hostname",  FORMAT_HOSTNAME,  N_("a host name") },
  { "ipv4",      FORMAT_IPV4,      N_("an IPv4 address") },
  { "ipv6",      FORMAT_IPV6,      N_("an IPv6 address") },
  { "uuid",      FORMAT_UUID,      N_("a UUID") },
};

SchemaFormat
_kari_json_schema_format_lookup (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    if (strcmp (formats[i].name, name) == 0)
      return formats[i].format;
  return FORMAT_NONE;
}

const char *
_kari_json_schema_format_what (SchemaFormat format)
{
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].format == format)
      return _(formats[i].what);
  return "";
}

/* ------------------------------------------------------------------ */
/* Dates and times                                                    */

/* Reads exactly @n ASCII digits. */
static gboolean
digits (const char **p,
        guint        n,
        guint       *value)
{
  *value = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      *value = *value * 10 + (guint) ((*p)[i] - '0');
    }
  *p += n;
  return TRUE;
}

static gboolean
parse_date (const char **p)
{
  static const guint days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  guint year, month, day, max;

  if (!digits (p, 4, &year) || *(*p)++ != '-' || !digits (p, 2, &month) || *(*p)++ != '-'
      || !digits (p, 2, &day))
    return FALSE;
  if (month < 1 || month > 12 || day < 1)
    return FALSE;
  max = days[month - 1];
  if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
    max = 29;
  return day <= max;
}

static gboolean
parse_time (const char **p)
{
  guint hour, minute, second, off_hour = 0, off_minute = 0;
  int sign = 0, utc_minutes;

  if (!digits (p, 2, &hour) || *(*p)++ != ':' || !digits (p, 2, &minute) || *(*p)++ != ':'
      || !digits (p, 2, &second))
    return FALSE;
  if (hour > 23 || minute > 59 || second > 60)
    return FALSE;
  if (**p == '.')
    {
      (*p)++;
      if (!g_ascii_isdigit (**p))
        return FALSE;
      while (g_ascii_isdigit (**p))
        (*p)++;
    }
  if (**p == 'Z' || **p == 'z')
    (*p)++;
  else if (**p == '+' || **p == '-')
    {
      sign = *(*p)++ == '+' ? 1 : -1;
      if (!digits (p, 2, &off_hour) || *(*p)++ != ':' || !digits (p, 2, &off_minute)
          || off_hour > 23 || off_minute > 59)
        return FALSE;
    }
  else
    return FALSE;

  if (second == 60)
    {
      /* A leap second is inserted at 23:59:60 UTC only. */
      utc_minutes = (int) (hour * 60 + minute) - sign * (int) (off_hour * 60 + off_minute);
      utc_minutes = ((utc_minutes % 1440) + 1440) % 1440;
      if (utc_minutes != 23 * 60 + 59)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_date_time (const char *s)
{
  if (!parse_date (&s) || (*s != 'T' && *s != 't'))
    return FALSE;
  s++;
  return parse_time (&s) && *s == '\0';
}

static gboolean
check_date (const char *s)
{
  return parse_date (&s) && *s == '\0';
}

static gboolean
check_time (const char *s)
{
  return parse_time (&s) && *s == '\0';
}

/* ------------------------------------------------------------------ */
/* Addresses and names                                                */

static gboolean
check_ipv4_len (const char *s,
                gsize       len)
{
  const char *end = s + len;
  guint parts = 0;

  while (s < end)
    {
      guint value = 0, n = 0;

      while (s < end && g_ascii_isdigit (*s))
        {
          if (n > 0 && value == 0)
            return FALSE;   /* a leading zero: octal to some parsers */
          value = value * 10 + (guint) (*s++ - '0');
          if (++n > 3)
            return FALSE;
        }
      if (n == 0 || value > 255)
        return FALSE;
      if (++parts < 4)
        {
          if (s >= end || *s++ != '.')
            return FALSE;
        }
      else if (s != end)
        return FALSE;
    }
  return parts == 4;
}

static gboolean
check_ipv4 (const char *s)
{
  return check_ipv4_len (s, strlen (s));
}

static gboolean
check_ipv6_len (const char *s,
                gsize       len)
{
  const char *end = s + len;
  guint groups = 0;
  gboolean compressed = FALSE;

  if (len >= 2 && s[0] == ':' && s[1] == ':')
    {
      compressed = TRUE;
      s += 2;
      if (s == end)
        return TRUE;
    }
  else if (len > 0 && s[0] == ':')
    return FALSE;

  while (s < end)
    {
      const char *start = s;
      guint n = 0;

      while (s < end && g_ascii_isxdigit (*s) && n < 5)
        {
          s++;
          n++;
        }
      if (s < end && *s == '.')
        {
          /* The last 32 bits as an IPv4 address. */
          return groups + 2 <= (compressed ? 7u : 8u) && check_ipv4_len (start, (gsize) (end - start))
                 && (compressed || groups + 2 == 8);
        }
      if (n == 0 || n > 4)
        return FALSE;
      groups++;
      if (s == end)
        break;
      if (*s++ != ':')
        return FALSE;
      if (s < end && *s == ':')
        {
          if (compressed)
            return FALSE;
          compressed = TRUE;
          s++;
          if (s == end)
            break;
        }
      else if (s == end)
        return FALSE;   /* a single trailing colon */
    }
  return compressed ? groups <= 7 : groups == 8;
}

static gboolean
check_ipv6 (const char *s)
{
  return check_ipv6_len (s, strlen (s));
}

static gboolean
check_hostname_len (const char *s,
                    gsize       len)
{
  const char *end = s + len;

  if (len == 0 || len > 253)
    return FALSE;
  while (s < end)
    {
      const char *dot = memchr (s, '.', (gsize) (end - s));
      gsize n = dot != NULL ? (gsize) (dot - s) : (gsize) (end - s);

      if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return FALSE;
      for (gsize i = 0; i < n; i++)
        if (!g_ascii_isalnum (s[i]) && s[i] != '-')
          return FALSE;
      if (n >= 4 && s[2] == '-' && s[3] == '-' && g_ascii_strncasecmp (s, "xn", 2) != 0)
        return FALSE;
      if (dot == NULL)
        return TRUE;
      s = dot + 1;
      if (s == end)
        return FALSE;   /* a trailing dot */
    }
  return TRUE;
}

static gboolean
check_hostname (const char *s)
{
  return check_hostname_len (s, strlen (s));
}

static gboolean
is_atext (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static gboolean
check_email (const char *s)
{
  const char *at, *domain;
  gsize local_len;

  if (strlen (s) > 254)
    return FALSE;
  if (s[0] == '"')
    {
      const char *p = s + 1;

      for (; *p != '"'; p++)
        {
          if (*p == '\\')
            p++;
          /* qtextSMTP and quoted pairs: printable ASCII and space */
          if (*p < 32 || *p > 126)
            return FALSE;
        }
      at = p + 1;
      if (*at != '@')
        return FALSE;
    }
  else
    {
      const char *p = s;

      for (;;)
        {
          if (!is_atext (*p))
            return FALSE;   /* an empty atom: leading or double dot */
          while (is_atext (*p))
            p++;
          if (*p != '.')
            break;
          p++;
        }
      at = p;
      if (*at != '@')
        return FALSE;
    }

  local_len = (gsize) (at - s);
  if (local_len > 64)
    return FALSE;
  domain = at + 1;
  if (domain[0] == '[')
    {
      gsize n = strlen (domain);

      if (n < 3 || domain[n - 1] != ']')
        return FALSE;
      if (g_str_has_prefix (domain, "[IPv6:"))
        return check_ipv6_len (domain + 6, n - 7);
      return check_ipv4_len (domain + 1, n - 2);
    }
  return check_hostname (domain);
}

static gboolean
check_uuid (const char *s)
{
  static const guint groups[] = { 8, 4, 4, 4, 12 };

  for (gsize g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      for (guint i = 0; i < groups[g]; i++)
        if (!g_ascii_isxdigit (*s++))
          return FALSE;
      if (*s++ != (g + 1 < G_N_ELEMENTS (groups) ? '-' : '\0'))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* URIs (RFC 3986)                                                    */

static gboolean
is_unreserved (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static gboolean
is_sub_delim (char c)
{
  return c != '\0' && strchr ("!$&'()*+,;=", c) != NULL;
}

/* Skips characters that are unreserved, sub-delims, percent-encoded or
 * in @extra; returns FALSE on a malformed percent escape. */
static gboolean
skip_chars (const char **p,
            const char  *extra)
{
  for (;;)
    {
      char c = **p;

      if (c == '%')
        {
          if (!g_ascii_isxdigit ((*p)[1]) || !g_ascii_isxdigit ((*p)[2]))
            return FALSE;
          *p += 3;
        }
      else if (is_unreserved (c) || is_sub_delim (c) || (c != '\0' && strchr (extra, c) != NULL))
        (*p)++;
      else
        return TRUE;
    }
}

static gboolean
check_authority (const char *s,
                 gsize       len)
{
  g_autofree char *authority = g_strndup (s, len);
  const char *at = strrchr (authority, '@');
  const char *host = authority, *p;

  if (at != NULL)
    {
      p = authority;
      if (!skip_chars (&p, ":") || p != at)
        return FALSE;
      host = at + 1;
    }
  p = host;
  if (*p == '[')
    {
      const char *close = strchr (p, ']');

      if (close == NULL)
        return FALSE;
      if (p[1] == 'v' || p[1] == 'V')
        {
          /* IPvFuture: "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) */
          const char *q = p + 2;

          if (!g_ascii_isxdigit (*q))
            return FALSE;
          while (g_ascii_isxdigit (*q))
            q++;
          if (*q++ != '.' || q == close)
            return FALSE;
          for (; q < close; q++)
            if (!is_unreserved (*q) && !is_sub_delim (*q) && *q != ':')
              return FALSE;
        }
      else if (!check_ipv6_len (p + 1, (gsize) (close - p - 1)))
        return FALSE;
      p = close + 1;
    }
  else if (!skip_chars (&p, ""))
    return FALSE;
  if (*p == ':')
    {
      p++;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

static gboolean
check_uri (const char *s)
{
  const char *p = s;

  if (!g_ascii_isalpha (*p))
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  if (*p++ != ':')
    return FALSE;

  if (p[0] == '/' && p[1] == '/')
    {
      const char *start = p + 2;
      gsize n = strcspn (start, "/?#");

      if (!check_authority (start, n))
        return FALSE;
      p = start + n;
    }
  if (!skip_chars (&p, ":@/"))
    return FALSE;
  if (*p == '?')
    {
      p++;
      if (!skip_chars (&p, ":@/?"))
        return FALSE;
    }
  if (*p == '#')
    {
      p++;
      if (!skip_chars (&p, ":@/?"))
        return FALSE;
    }
  return *p == '\0';
}

gboolean
_kari_json_schema_format_check (SchemaFormat  format,
                                const char   *text)
{
  switch (format)
    {
    case FORMAT_DATE_TIME:
      return check_date_time (text);
    case FORMAT_DATE:
      return check_date (text);
    case FORMAT_TIME:
      return check_time (text);
    case FORMAT_EMAIL:
      return check_email (text);
    case FORMAT_URI:
      return check_uri (text);
    case FORMAT_HOSTNAME:
      return check_hostname (text);
    case FORMAT_IPV4:
      return check_ipv4 (text);
    case FORMAT_IPV6:
      return check_ipv6 (text);
    case FORMAT_UUID:
      return check_uuid (text);
    case FORMAT_NONE:
    default:
      return TRUE;
    }
}
