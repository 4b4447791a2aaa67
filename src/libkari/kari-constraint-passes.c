/* kari-constraint-passes.c — the text passes npm's semver runs over a
 * range before it reads comparators (classes/range.js), each following
 * the JavaScript function it names; see kari-constraint.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-version.h"
#include "kari-constraint-private.h"

/* ---- JavaScript string primitives ------------------------------------ */

/* "…".split(/\s+/) */
GPtrArray *
_kari_constraint_js_split_space (const char *s)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const char *start = s;
  const char *p = s;

  while (*p != '\0')
    {
      gsize n = _kari_js_space_len (p);

      if (n == 0)
        {
          p = g_utf8_next_char (p);
          continue;
        }
      g_ptr_array_add (out, g_strndup (start, p - start));
      while ((n = _kari_js_space_len (p)) > 0)
        p += n;
      start = p;
    }
  g_ptr_array_add (out, g_strndup (start, p - start));

  return out;
}

char *
_kari_constraint_js_join (GPtrArray  *parts,
                          const char *sep)
{
  g_ptr_array_add (parts, NULL);
  {
    char *joined = g_strjoinv (sep, (char **) parts->pdata);
    g_ptr_array_remove_index (parts, parts->len - 1);
    return joined;
  }
}

/* "…".replace(re, fn): the first match, or every match when @global. */

char *
_kari_constraint_js_replace (KariRe        which,
                             const char   *subject,
                             gboolean      global,
                             ReplaceFunc   func,
                             GError      **error)
{
  GRegex *re = _kari_re (which);
  g_autoptr(GString) out = g_string_new (NULL);
  gsize len = strlen (subject);
  gsize pos = 0;

  while (pos <= len)
    {
      g_autoptr(GMatchInfo) match = NULL;
      g_autofree char *replacement = NULL;
      int start, end;

      if (!g_regex_match_full (re, subject, len, pos, 0, &match, NULL))
        break;
      g_match_info_fetch_pos (match, 0, &start, &end);
      g_string_append_len (out, subject + pos, start - pos);

      replacement = func (match, subject, error);
      if (replacement == NULL)
        return NULL;
      g_string_append (out, replacement);

      if (end == start)
        {
          /* An empty match: step over one character, as JavaScript does. */
          if ((gsize) end >= len)
            {
              pos = len + 1;
              break;
            }
          pos = g_utf8_next_char (subject + end) - subject;
          g_string_append_len (out, subject + end, pos - end);
        }
      else
        pos = end;

      if (!global)
        break;
    }

  if (pos < len)
    g_string_append (out, subject + pos);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
_kari_constraint_group (GMatchInfo *match,
                        int         n)
{
  char *s = g_match_info_fetch (match, n);

  return s != NULL ? s : g_strdup ("");
}

/* ---- the replacement callbacks ---------------------------------------- */

char *
_kari_constraint_replace_nothing (GMatchInfo  *match,
                                  const char  *subject,
                                  GError     **error)
{
  return g_strdup ("");
}

/* comparatorTrimReplace: '$1$2$3' */
char *
_kari_constraint_replace_comparator_trim (GMatchInfo  *match,
                                          const char  *subject,
                                          GError     **error)
{
  g_autofree char *a = _kari_constraint_group (match, 1);
  g_autofree char *b = _kari_constraint_group (match, 2);
  g_autofree char *c = _kari_constraint_group (match, 3);

  return g_strconcat (a, b, c, NULL);
}

/* tildeTrimReplace: '$1~' */
char *
_kari_constraint_replace_tilde_trim (GMatchInfo  *match,
                                     const char  *subject,
                                     GError     **error)
{
  g_autofree char *a = _kari_constraint_group (match, 1);

  return g_strconcat (a, "~", NULL);
}

/* caretTrimReplace: '$1^' */
char *
_kari_constraint_replace_caret_trim (GMatchInfo  *match,
                                     const char  *subject,
                                     GError     **error)
{
  g_autofree char *a = _kari_constraint_group (match, 1);

  return g_strconcat (a, "^", NULL);
}

static gboolean
is_x (const char *id)
{
  return *id == '\0' || g_str_equal (id, "x") || g_str_equal (id, "X") || g_str_equal (id, "*");
}

/* `${+n + 1}`. npm would go on to refuse a result above 2^53-1 when it
 * reads the comparator; we refuse it here, with a clearer message. */
static char *
plus_one (const char  *digits,
          GError     **error)
{
  guint64 v;

  if (!_kari_parse_number (digits, &v) || v + 1 > KARI_VERSION_MAX_SAFE_INTEGER)
    {
      g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID_CONSTRAINT,
                   _("the upper bound above %s is larger than %" G_GUINT64_FORMAT),
                   digits, KARI_VERSION_MAX_SAFE_INTEGER);
      return NULL;
    }

  return g_strdup_printf ("%" G_GUINT64_FORMAT, v + 1);
}

#define PLUS_ONE(var, digits) \
  g_autofree char *var = plus_one (digits, error); \
  if (var == NULL) \
    return NULL;

/* replaceTilde(), groups M m p pr */
char *
_kari_constraint_replace_tilde (GMatchInfo  *match,
                                const char  *subject,
                                GError     **error)
{
  g_autofree char *M = _kari_constraint_group (match, 1);
  g_autofree char *m = _kari_constraint_group (match, 2);
  g_autofree char *p = _kari_constraint_group (match, 3);
  g_autofree char *pr = _kari_constraint_group (match, 4);

  if (is_x (M))
    return g_strdup ("");
  if (is_x (m))
    {
      PLUS_ONE (M1, M);
      return g_strdup_printf (">=%s.0.0 <%s.0.0-0", M, M1);
    }

  {
    PLUS_ONE (m1, m);
    if (is_x (p))
      return g_strdup_printf (">=%s.%s.0 <%s.%s.0-0", M, m, M, m1);
    if (*pr != '\0')
      return g_strdup_printf (">=%s.%s.%s-%s <%s.%s.0-0", M, m, p, pr, M, m1);
    return g_strdup_printf (">=%s.%s.%s <%s.%s.0-0", M, m, p, M, m1);
  }
}

/* replaceCaret(), groups M m p pr */
char *
_kari_constraint_replace_caret (GMatchInfo  *match,
                                const char  *subject,
                                GError     **error)
{
  g_autofree char *M = _kari_constraint_group (match, 1);
  g_autofree char *m = _kari_constraint_group (match, 2);
  g_autofree char *p = _kari_constraint_group (match, 3);
  g_autofree char *pr = _kari_constraint_group (match, 4);
  g_autofree char *dash_pr = *pr != '\0' ? g_strconcat ("-", pr, NULL) : g_strdup ("");

  if (is_x (M))
    return g_strdup ("");
  if (is_x (m))
    {
      PLUS_ONE (M1, M);
      return g_strdup_printf (">=%s.0.0 <%s.0.0-0", M, M1);
    }
  if (is_x (p))
    {
      if (g_str_equal (M, "0"))
        {
          PLUS_ONE (m1, m);
          return g_strdup_printf (">=%s.%s.0 <%s.%s.0-0", M, m, M, m1);
        }
      else
        {
          PLUS_ONE (M1, M);
          return g_strdup_printf (">=%s.%s.0 <%s.0.0-0", M, m, M1);
        }
    }
  if (g_str_equal (M, "0"))
    {
      if (g_str_equal (m, "0"))
        {
          PLUS_ONE (p1, p);
          return g_strdup_printf (">=%s.%s.%s%s <%s.%s.%s-0", M, m, p, dash_pr, M, m, p1);
        }
      else
        {
          PLUS_ONE (m1, m);
          return g_strdup_printf (">=%s.%s.%s%s <%s.%s.0-0", M, m, p, dash_pr, M, m1);
        }
    }
  {
    PLUS_ONE (M1, M);
    return g_strdup_printf (">=%s.%s.%s%s <%s.0.0-0", M, m, p, dash_pr, M1);
  }
}

/* replaceXRange(), groups gtlt M m p pr; @subject is the trimmed comparator */
char *
_kari_constraint_replace_xrange (GMatchInfo  *match,
                                 const char  *subject,
                                 GError     **error)
{
  g_autofree char *gtlt = _kari_constraint_group (match, 1);
  g_autofree char *M = _kari_constraint_group (match, 2);
  g_autofree char *m = _kari_constraint_group (match, 3);
  g_autofree char *p = _kari_constraint_group (match, 4);
  gboolean xM, xm, xp;

  /* invalidXRangeOrder(): `x.1`, `1.x.2` stay as they are (and fail later) */
  if ((is_x (M) && !is_x (m)) || (is_x (m) && *p != '\0' && !is_x (p)))
    return g_strdup (subject);

  xM = is_x (M);
  xm = xM || is_x (m);
  xp = xm || is_x (p);

  if (g_str_equal (gtlt, "=") && xp)
    gtlt[0] = '\0';

  if (xM)
    {
      if (g_str_equal (gtlt, ">") || g_str_equal (gtlt, "<"))
        return g_strdup ("<0.0.0-0");
      return g_strdup ("*");
    }

  if (*gtlt != '\0' && xp)
    {
      g_autofree char *M_out = g_strdup (M);
      g_autofree char *m_out = xm ? g_strdup ("0") : g_strdup (m);
      const char *op = gtlt;

      if (g_str_equal (gtlt, ">"))
        {
          /* >1 → >=2.0.0, >1.2 → >=1.3.0 */
          op = ">=";
          if (xm)
            {
              g_free (M_out);
              M_out = plus_one (M, error);
              if (M_out == NULL)
                return NULL;
            }
          else
            {
              g_free (m_out);
              m_out = plus_one (m, error);
              if (m_out == NULL)
                return NULL;
            }
        }
      else if (g_str_equal (gtlt, "<="))
        {
          /* <=0.7.x is really <0.8.0-0 */
          op = "<";
          if (xm)
            {
              g_free (M_out);
              M_out = plus_one (M, error);
              if (M_out == NULL)
                return NULL;
            }
          else
            {
              g_free (m_out);
              m_out = plus_one (m, error);
              if (m_out == NULL)
                return NULL;
            }
        }

      return g_strdup_printf ("%s%s.%s.0%s", op, M_out, m_out,
                              g_str_equal (op, "<") ? "-0" : "");
    }

  if (xm)
    {
      PLUS_ONE (M1, M);
      return g_strdup_printf (">=%s.0.0 <%s.0.0-0", M, M1);
    }
  if (xp)
    {
      PLUS_ONE (m1, m);
      return g_strdup_printf (">=%s.%s.0 <%s.%s.0-0", M, m, M, m1);
    }

  return g_match_info_fetch (match, 0);
}

/* hyphenReplace(), groups from fM fm fp fpr fb to tM tm tp tpr tb */
char *
_kari_constraint_replace_hyphen (GMatchInfo  *match,
                                 const char  *subject,
                                 GError     **error)
{
  g_autofree char *from = _kari_constraint_group (match, 1);
  g_autofree char *fM = _kari_constraint_group (match, 2);
  g_autofree char *fm = _kari_constraint_group (match, 3);
  g_autofree char *fp = _kari_constraint_group (match, 4);
  g_autofree char *fpr = _kari_constraint_group (match, 5);
  g_autofree char *to = _kari_constraint_group (match, 7);
  g_autofree char *tM = _kari_constraint_group (match, 8);
  g_autofree char *tm = _kari_constraint_group (match, 9);
  g_autofree char *tp = _kari_constraint_group (match, 10);
  g_autofree char *tpr = _kari_constraint_group (match, 11);
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;
  g_autofree char *both = NULL;

  if (is_x (fM))
    lo = g_strdup ("");
  else if (is_x (fm))
    lo = g_strdup_printf (">=%s.0.0", fM);
  else if (is_x (fp))
    lo = g_strdup_printf (">=%s.%s.0", fM, fm);
  else
    lo = g_strdup_printf (">=%s", from);

  (void) fpr;

  if (is_x (tM))
    hi = g_strdup ("");
  else if (is_x (tm))
    {
      PLUS_ONE (tM1, tM);
      hi = g_strdup_printf ("<%s.0.0-0", tM1);
    }
  else if (is_x (tp))
    {
      PLUS_ONE (tm1, tm);
      hi = g_strdup_printf ("<%s.%s.0-0", tM, tm1);
    }
  else if (*tpr != '\0')
    hi = g_strdup_printf ("<=%s.%s.%s-%s", tM, tm, tp, tpr);
  else
    hi = g_strdup_printf ("<=%s", to);

  both = g_strdup_printf ("%s %s", lo, hi);
  return g_strstrip (g_steal_pointer (&both));
}
