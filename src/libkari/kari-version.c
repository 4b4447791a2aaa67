/* kari-version.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Semantic Versioning 2.0.0 as npm's `semver` package (non-loose) reads it.
 * People write constraints with npm's semantics in their heads, so we do not
 * reinvent the grammar: the regular expressions below are npm's own
 * (internal/re.js, the "safe" variants with bounded repetition), with
 * JavaScript's `\s` and `\d` spelt out because PCRE2 defines them
 * differently. tests/data/semver-cases.txt, generated from npm itself,
 * checks that we agree.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "kari-version.h"
#include "kari-version-private.h"

G_DEFINE_QUARK (kari-version-error-quark, kari_version_error)

struct _KariVersion
{
  gatomicrefcount   ref_count;
  guint64           major;
  guint64           minor;
  guint64           patch;
  char             *prerelease;    /* NULL when there is none */
  char            **pre_ids;       /* prerelease split on '.', or NULL */
  char             *build;         /* NULL when there is none */
  char             *npm;           /* M.m.p[-pre] */
  char             *text;          /* M.m.p[-pre][+build] */
};

G_DEFINE_BOXED_TYPE (KariVersion, kari_version, kari_version_ref, kari_version_unref)

/* JavaScript's WhiteSpace and LineTerminator: what `\s` and trim() mean. */
#define JS_SPACE "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}"
#define S  "[" JS_SPACE "]"

/* internal/re.js after makeSafeRegex(): \s* → \s{0,1}, \d* → \d{0,256},
 * [a-zA-Z0-9-]* → {0,250}, and the same for `+`. */
#define NUMERICIDENTIFIER       "0|[1-9][0-9]{0,256}"
#define NUMERICIDENTIFIERLOOSE  "[0-9]{1,256}"
#define NONNUMERICIDENTIFIER    "[0-9]{0,256}[a-zA-Z-][a-zA-Z0-9-]{0,250}"
#define MAINVERSION             "(" NUMERICIDENTIFIER ")\\.(" NUMERICIDENTIFIER ")\\.(" NUMERICIDENTIFIER ")"
#define MAINVERSIONLOOSE        "(" NUMERICIDENTIFIERLOOSE ")\\.(" NUMERICIDENTIFIERLOOSE ")\\.(" NUMERICIDENTIFIERLOOSE ")"
#define PRERELEASEIDENTIFIER    "(?:" NONNUMERICIDENTIFIER "|" NUMERICIDENTIFIER ")"
#define PRERELEASEIDENTIFIERLOOSE "(?:" NONNUMERICIDENTIFIER "|" NUMERICIDENTIFIERLOOSE ")"
#define PRERELEASE              "(?:-(" PRERELEASEIDENTIFIER "(?:\\." PRERELEASEIDENTIFIER ")*))"
#define PRERELEASELOOSE         "(?:-?(" PRERELEASEIDENTIFIERLOOSE "(?:\\." PRERELEASEIDENTIFIERLOOSE ")*))"
#define BUILDIDENTIFIER         "[a-zA-Z0-9-]{1,250}"
#define BUILD                   "(?:\\+(" BUILDIDENTIFIER "(?:\\." BUILDIDENTIFIER ")*))"
#define FULLPLAIN               "v?" MAINVERSION PRERELEASE "?" BUILD "?"
#define LOOSEPLAIN              "[v=" JS_SPACE "]*" MAINVERSIONLOOSE PRERELEASELOOSE "?" BUILD "?"
#define GTLT                    "((?:<|>)?=?)"
#define XRANGEIDENTIFIER        NUMERICIDENTIFIER "|x|X|\\*"
#define XRANGEPLAIN             "[v=" JS_SPACE "]*(" XRANGEIDENTIFIER ")(?:\\.(" XRANGEIDENTIFIER ")(?:\\.(" \
                                XRANGEIDENTIFIER ")(?:" PRERELEASE ")?" BUILD "?)?)?"
#define LONETILDE               "(?:~>?)"
#define LONECARET               "(?:\\^)"

static const char * const re_sources[KARI_RE_N] = {
  [KARI_RE_FULL] = "^" FULLPLAIN "$",
  [KARI_RE_XRANGE] = "^" GTLT S "{0,1}" XRANGEPLAIN "$",
  [KARI_RE_TILDE] = "^" LONETILDE XRANGEPLAIN "$",
  [KARI_RE_TILDETRIM] = "(" S "{0,1})" LONETILDE S "{1,1}",
  [KARI_RE_CARET] = "^" LONECARET XRANGEPLAIN "$",
  [KARI_RE_CARETTRIM] = "(" S "{0,1})" LONECARET S "{1,1}",
  [KARI_RE_COMPARATOR] = "^" GTLT S "{0,1}(" FULLPLAIN ")$|^$",
  [KARI_RE_COMPARATORTRIM] = "(" S "{0,1})" GTLT S "{0,1}(" LOOSEPLAIN "|" XRANGEPLAIN ")",
  [KARI_RE_HYPHENRANGE] = "^" S "{0,1}(" XRANGEPLAIN ")" S "{1,1}-" S "{1,1}(" XRANGEPLAIN ")" S "{0,1}$",
  [KARI_RE_STAR] = "(<|>)?=?" S "{0,1}\\*",
  [KARI_RE_GTE0] = "^" S "{0,1}>=" S "{0,1}0\\.0\\.0" S "{0,1}$",
  [KARI_RE_BUILD] = BUILD,
  /* Range.parseRange strips build metadata with the unbounded source. */
  [KARI_RE_BUILDSTRIP] = "(?:\\+([a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*))",
};

/* Each expression is compiled (and JIT-compiled) the first time it is
 * used: reading a manifest's version needs only KARI_RE_FULL, and a
 * program that starts by reading a hundred manifests should not wait
 * for the range expressions too. */
GRegex *
_kari_re (KariRe which)
{
  static GRegex *compiled[KARI_RE_N];

  if (g_once_init_enter (&compiled[which]))
    {
      g_autoptr(GError) error = NULL;
      /* DOLLAR_ENDONLY: in JavaScript `$` never matches before a final
       * newline. Inputs are validated as UTF-8 before they get here. */
      GRegex *re = g_regex_new (re_sources[which], G_REGEX_DOLLAR_ENDONLY | G_REGEX_OPTIMIZE, 0, &error);

      if (re == NULL)
        g_error ("semver expression %u does not compile: %s", which, error->message);
      g_once_init_leave (&compiled[which], re);
    }

  return compiled[which];
}

gsize
_kari_js_space_len (const char *p)
{
  gunichar c;

  if ((guchar) *p < 0x80)
    return strchr ("\t\n\v\f\r ", *p) != NULL && *p != '\0' ? 1 : 0;

  c = g_utf8_get_char (p);
  switch (c)
    {
    case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000: case 0xFEFF:
      return g_utf8_next_char (p) - p;
    default:
      if (c >= 0x2000 && c <= 0x200A)
        return g_utf8_next_char (p) - p;
      return 0;
    }
}

char *
_kari_js_trim (const char *text)
{
  const char *start = text;
  const char *end;
  const char *p;
  gsize n;

  while ((n = _kari_js_space_len (start)) > 0)
    start += n;

  end = start;
  for (p = start; *p != '\0'; p = g_utf8_next_char (p))
    if (_kari_js_space_len (p) == 0)
      end = g_utf8_next_char (p);

  return g_strndup (start, end - start);
}

gsize
_kari_js_length (const char *text)
{
  gsize n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    n += g_utf8_get_char (p) >= 0x10000 ? 2 : 1;

  return n;
}

/* Digits to a number no larger than Number.MAX_SAFE_INTEGER. */
gboolean
_kari_parse_number (const char *digits,
                    guint64    *value)
{
  guint64 v = 0;

  if (*digits == '\0')
    return FALSE;

  for (const char *p = digits; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      v = v * 10 + (guint64) (*p - '0');
      if (v > KARI_VERSION_MAX_SAFE_INTEGER)
        return FALSE;
    }

  *value = v;
  return TRUE;
}

static const char * const part_names[] = { "major", "minor", "patch" };

/* The regular expression says only yes or no; this says what is wrong, for
 * a person. @s is the trimmed text, @offset where it starts in the input. */
static char *
explain_invalid (const char *s,
                 gsize       offset)
{
  const char *p = s;

#define AT(q) ((gsize) ((q) - s) + offset + 1)

  if (*p == '\0')
    return g_strdup ("it is empty");
  if (*p == '=')
    return g_strdup ("a leading ‘=’ is allowed in a constraint, not in a version");
  if (*p == 'v')
    p++;

  for (guint i = 0; i < 3; i++)
    {
      const char *start = p;

      if (i > 0)
        {
          if (*p != '.')
            return g_strdup_printf ("expected ‘.’ and the %s number at position %" G_GSIZE_FORMAT,
                                    part_names[i], AT (p));
          p++;
          start = p;
        }
      while (g_ascii_isdigit (*p))
        p++;
      if (p == start)
        return g_strdup_printf ("expected the %s number at position %" G_GSIZE_FORMAT,
                                part_names[i], AT (p));
      if (*start == '0' && p - start > 1)
        return g_strdup_printf ("the %s number “%.*s” has a leading zero", part_names[i],
                                (int) (p - start), start);
      {
        g_autofree char *digits = g_strndup (start, p - start);
        guint64 v;

        if (!_kari_parse_number (digits, &v))
          return g_strdup_printf ("the %s number %s is larger than %" G_GUINT64_FORMAT,
                                  part_names[i], digits, KARI_VERSION_MAX_SAFE_INTEGER);
      }
    }

  for (guint part = 0; part < 2; part++)
    {
      char lead = part == 0 ? '-' : '+';
      const char *what = part == 0 ? "pre-release" : "build";

      if (*p != lead)
        continue;
      p++;
      for (;;)
        {
          const char *start = p;
          gboolean numeric = TRUE;

          while (g_ascii_isalnum (*p) || *p == '-')
            {
              numeric = numeric && g_ascii_isdigit (*p);
              p++;
            }
          if (p == start)
            return g_strdup_printf ("empty %s identifier at position %" G_GSIZE_FORMAT, what, AT (p));
          if (part == 0 && numeric && *start == '0' && p - start > 1)
            return g_strdup_printf ("the numeric pre-release identifier “%.*s” has a leading zero",
                                    (int) (p - start), start);
          if (*p != '.')
            break;
          p++;
        }
    }

  if (*p == '.')
    return g_strdup_printf ("unexpected ‘.’ at position %" G_GSIZE_FORMAT
                            " (a version has three numbers)", AT (p));
  if (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      char buf[8] = { 0 };

      g_unichar_to_utf8 (c, buf);
      return g_strdup_printf ("unexpected ‘%s’ at position %" G_GSIZE_FORMAT, buf, AT (p));
    }

  return g_strdup ("it is not a semantic version");
#undef AT
}

static KariVersion *
version_alloc (guint64     major,
               guint64     minor,
               guint64     patch,
               const char *prerelease,
               const char *build)
{
  KariVersion *self = g_new0 (KariVersion, 1);
  GString *s;

  g_atomic_ref_count_init (&self->ref_count);
  self->major = major;
  self->minor = minor;
  self->patch = patch;
  if (prerelease != NULL && *prerelease != '\0')
    {
      self->prerelease = g_strdup (prerelease);
      self->pre_ids = g_strsplit (prerelease, ".", -1);
    }
  if (build != NULL && *build != '\0')
    self->build = g_strdup (build);

  s = g_string_new (NULL);
  g_string_append_printf (s, "%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT,
                          major, minor, patch);
  if (self->prerelease != NULL)
    g_string_append_printf (s, "-%s", self->prerelease);
  self->npm = g_strdup (s->str);
  if (self->build != NULL)
    g_string_append_printf (s, "+%s", self->build);
  self->text = g_string_free (s, FALSE);

  return self;
}

KariVersion *
_kari_version_parse_js (const char  *text,
                        GError     **error)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *major = NULL, *minor = NULL, *patch = NULL, *pre = NULL, *build = NULL;
  char **parts[5] = { &major, &minor, &patch, &pre, &build };
  guint64 numbers[3];

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID,
                   _("“%s” is not a valid version: it is not valid UTF-8"), text);
      return NULL;
    }

  if (_kari_js_length (text) > KARI_VERSION_MAX_LENGTH)
    {
      g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID,
                   _("“%.40s…” is not a valid version: it is longer than %d characters"),
                   text, KARI_VERSION_MAX_LENGTH);
      return NULL;
    }

  trimmed = _kari_js_trim (text);
  if (!g_regex_match (_kari_re (KARI_RE_FULL), trimmed, 0, &match))
    {
      const char *start = strstr (text, trimmed);
      g_autofree char *why = explain_invalid (trimmed, start ? (gsize) (start - text) : 0);

      g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID,
                   _("“%s” is not a valid version: %s"), text, why);
      return NULL;
    }

  for (guint i = 0; i < 5; i++)
    *parts[i] = g_match_info_fetch (match, i + 1);

  for (guint i = 0; i < 3; i++)
    if (!_kari_parse_number (*parts[i], &numbers[i]))
      {
        g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID,
                     _("“%s” is not a valid version: the %s number %s is larger than %"
                     G_GUINT64_FORMAT), text, part_names[i], *parts[i],
                     KARI_VERSION_MAX_SAFE_INTEGER);
        return NULL;
      }

  return version_alloc (numbers[0], numbers[1], numbers[2], pre, build);
}

/**
 * kari_version_parse:
 * @text: a version such as `1.2.3`, `v2.0.0-rc.1` or `1.0.0+build.5`
 * @error: return location for a #GError
 *
 * Parses a Semantic Versioning 2.0.0 version exactly as npm's
 * `semver.parse()` does without `loose`: surrounding whitespace and one
 * leading `v` are accepted, `=` is not; numeric parts have no leading
 * zeros and are at most 2^53-1; the whole text is at most 256 characters.
 *
 * Returns: (transfer full): the version, or %NULL with @error set
 */
KariVersion *
kari_version_parse (const char  *text,
                    GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _kari_version_parse_js (text, error);
}

/**
 * kari_version_new:
 * @major: major number, at most 2^53-1
 * @minor: minor number, at most 2^53-1
 * @patch: patch number, at most 2^53-1
 *
 * Returns: (transfer full): the release version @major.@minor.@patch
 */
KariVersion *
kari_version_new (guint64 major,
                  guint64 minor,
                  guint64 patch)
{
  g_return_val_if_fail (major <= KARI_VERSION_MAX_SAFE_INTEGER, NULL);
  g_return_val_if_fail (minor <= KARI_VERSION_MAX_SAFE_INTEGER, NULL);
  g_return_val_if_fail (patch <= KARI_VERSION_MAX_SAFE_INTEGER, NULL);

  return version_alloc (major, minor, patch, NULL, NULL);
}

/**
 * kari_version_ref:
 * @self: a #KariVersion
 *
 * Returns: (transfer full): @self
 */
KariVersion *
kari_version_ref (KariVersion *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * kari_version_unref:
 * @self: (transfer full): a #KariVersion
 */
void
kari_version_unref (KariVersion *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->prerelease);
  g_strfreev (self->pre_ids);
  g_free (self->build);
  g_free (self->npm);
  g_free (self->text);
  g_free (self);
}

/** kari_version_get_major: @self: a #KariVersion  Returns: the major number */
guint64
kari_version_get_major (const KariVersion *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->major;
}

/** kari_version_get_minor: @self: a #KariVersion  Returns: the minor number */
guint64
kari_version_get_minor (const KariVersion *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->minor;
}

/** kari_version_get_patch: @self: a #KariVersion  Returns: the patch number */
guint64
kari_version_get_patch (const KariVersion *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->patch;
}

/**
 * kari_version_get_prerelease:
 * @self: a #KariVersion
 *
 * Returns: (nullable): the pre-release part without its `-`, e.g. `rc.1`
 */
const char *
kari_version_get_prerelease (const KariVersion *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->prerelease;
}

/**
 * kari_version_get_build:
 * @self: a #KariVersion
 *
 * Returns: (nullable): the build metadata without its `+`
 */
const char *
kari_version_get_build (const KariVersion *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->build;
}

/** kari_version_is_prerelease: @self: a #KariVersion  Returns: whether it has a pre-release part */
gboolean
kari_version_is_prerelease (const KariVersion *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->prerelease != NULL;
}

static gboolean
is_numeric (const char *id)
{
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return *id != '\0';
}

/* npm's compareIdentifiers(): numeric identifiers compare as JavaScript
 * numbers (so beyond 2^53 as doubles, like npm) and sort below the rest. */
static int
compare_identifiers (const char *a,
                     const char *b)
{
  gboolean anum = is_numeric (a);
  gboolean bnum = is_numeric (b);

  if (anum && bnum)
    {
      double x = g_ascii_strtod (a, NULL);
      double y = g_ascii_strtod (b, NULL);

      return x == y ? 0 : x < y ? -1 : 1;
    }
  if (anum != bnum)
    return anum ? -1 : 1;

  return strcmp (a, b) < 0 ? -1 : strcmp (a, b) > 0 ? 1 : 0;
}

/**
 * kari_version_compare:
 * @a: a #KariVersion
 * @b: a #KariVersion
 *
 * Compares by Semantic Versioning precedence: major, minor and patch
 * numerically, a pre-release below its release, pre-release identifiers
 * one by one (numeric ones numerically and below alphanumeric ones, a
 * shorter set below a longer one it starts). Build metadata is ignored.
 *
 * Returns: -1, 0 or 1
 */
int
kari_version_compare (const KariVersion *a,
                      const KariVersion *b)
{
  g_return_val_if_fail (a != NULL, 0);
  g_return_val_if_fail (b != NULL, 0);

  if (a->major != b->major)
    return a->major < b->major ? -1 : 1;
  if (a->minor != b->minor)
    return a->minor < b->minor ? -1 : 1;
  if (a->patch != b->patch)
    return a->patch < b->patch ? -1 : 1;

  if (a->pre_ids == NULL || b->pre_ids == NULL)
    return a->pre_ids == b->pre_ids ? 0 : a->pre_ids == NULL ? 1 : -1;

  for (guint i = 0;; i++)
    {
      const char *x = a->pre_ids[i];
      const char *y = b->pre_ids[i];

      if (x == NULL || y == NULL)
        return x == y ? 0 : x == NULL ? -1 : 1;
      /* Like npm, the first identifiers that differ as text decide, even
       * when they compare equal as numbers. */
      if (strcmp (x, y) != 0)
        return compare_identifiers (x, y);
    }
}

/**
 * kari_version_equal:
 * @a: a #KariVersion
 * @b: a #KariVersion
 *
 * Returns: whether @a and @b have the same precedence (build metadata is
 *   ignored, as in kari_version_compare())
 */
gboolean
kari_version_equal (const KariVersion *a,
                    const KariVersion *b)
{
  return kari_version_compare (a, b) == 0;
}

/**
 * kari_version_to_string:
 * @self: a #KariVersion
 *
 * Returns: the canonical text, `M.m.p[-pre][+build]`, without a `v` prefix
 */
const char *
kari_version_to_string (const KariVersion *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->text;
}

const char *
_kari_version_get_npm (const KariVersion *self)
{
  return self->npm;
}

/* Extension and plugin names: [a-z0-9_.-], not starting with '.', no "..". */
static gboolean
check_name (const char  *spec,
            const char  *name,
            GError     **error)
{
  const char *why = NULL;
  gsize bad = 0;

  if (*name == '\0')
    why = "the name is empty";
  else if (*name == '.')
    why = "a name cannot start with ‘.’";
  else if (strstr (name, "..") != NULL)
    why = "a name cannot contain ‘..’";
  else
    for (const char *p = name; *p != '\0'; p++)
      if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-' || *p == '_' || *p == '.'))
        {
          bad = (gsize) (p - name) + 1;
          why = "a name may only contain lower-case letters, digits, ‘-’, ‘_’ and ‘.’";
          break;
        }

  if (why == NULL)
    return TRUE;

  if (bad > 0)
    {
      gunichar c = g_utf8_validate (name + bad - 1, -1, NULL) ? g_utf8_get_char (name + bad - 1)
                                                              : (guchar) name[bad - 1];
      char buf[8] = { 0 };

      g_unichar_to_utf8 (c, buf);
      g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID_DEPENDENCY,
                   _("“%s” is not a valid dependency: unexpected ‘%s’ at position %" G_GSIZE_FORMAT
                   " (%s)"), spec, buf, bad, why);
    }
  else
    g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID_DEPENDENCY,
                 _("“%s” is not a valid dependency: %s"), spec, why);
  return FALSE;
}

/**
 * kari_dependency_spec_parse:
 * @spec: `name` or `name@constraint`
 * @name: (out) (transfer full): the name
 * @constraint: (out) (transfer full): the constraint, `*` when there is none
 * @error: return location for a #GError
 *
 * Splits a dependency at its first `@`. Names are lower-case letters,
 * digits, `-`, `_` and `.`, do not start with `.` and contain no `..`
 * (scoped npm names like `@scope/name` are not names here). An empty
 * constraint (`name@`) means any version, as in npm.
 *
 * Returns: %TRUE, or %FALSE with @error set (and the out values untouched)
 */
gboolean
kari_dependency_spec_parse (const char      *spec,
                            char           **name,
                            KariConstraint **constraint,
                            GError         **error)
{
  g_autofree char *n = NULL;
  g_autoptr(KariConstraint) c = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *at;

  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (constraint != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  at = strchr (spec, '@');
  n = at != NULL ? g_strndup (spec, at - spec) : g_strdup (spec);
  if (!check_name (spec, n, error))
    return FALSE;

  c = kari_constraint_parse (at != NULL ? at + 1 : "*", &local_error);
  if (c == NULL)
    {
      g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID_DEPENDENCY,
                   _("“%s” is not a valid dependency: %s"), spec, local_error->message);
      return FALSE;
    }

  *name = g_steal_pointer (&n);
  *constraint = g_steal_pointer (&c);
  return TRUE;
}
