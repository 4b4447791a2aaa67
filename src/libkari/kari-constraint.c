/* kari-constraint.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Version ranges in the language of npm's `semver` (non-loose,
 * includePrerelease off). npm does not parse ranges with a grammar: it
 * rewrites the text in a fixed series of regular-expression passes
 * (classes/range.js) and only then reads comparators. Its quirks — which
 * spaces are allowed where, `~>`, `^*.1`, build metadata anywhere — all
 * come from those passes, so we run the same passes in the same order.
 * Each function below names the JavaScript function it follows.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-version.h"
#include "kari-version-private.h"
#include "kari-constraint-private.h"

typedef enum
{
  OP_EQ,
  OP_LT,
  OP_LE,
  OP_GT,
  OP_GE,
} Op;

static const char * const op_text[] = { "", "<", "<=", ">", ">=" };

typedef struct
{
  Op           op;
  KariVersion *version;   /* NULL: any version (npm's Comparator.ANY) */
  char        *value;     /* npm's comparator.value, e.g. ">=1.2.3-0" */
} Comparator;

struct _KariConstraint
{
  gatomicrefcount  ref_count;
  char            *text;
  char            *range;
  GPtrArray       *sets;  /* of GPtrArray of Comparator, OR of ANDs */
};

G_DEFINE_BOXED_TYPE (KariConstraint, kari_constraint, kari_constraint_ref, kari_constraint_unref)

static void
comparator_free (Comparator *c)
{
  g_clear_pointer (&c->version, kari_version_unref);
  g_free (c->value);
  g_free (c);
}

/* ---- parsing ------------------------------------------------------------ */

/* replaceCarets / replaceTildes / replaceXRanges: split on spaces, rewrite
 * each word, join. Only replaceXRanges does not trim first. */
static char *
replace_words (const char  *comp,
               gboolean     trim,
               KariRe       which,
               ReplaceFunc  func,
               GError     **error)
{
  g_autofree char *trimmed = trim ? _kari_js_trim (comp) : g_strdup (comp);
  g_autoptr(GPtrArray) words = _kari_constraint_js_split_space (trimmed);

  for (guint i = 0; i < words->len; i++)
    {
      /* replaceXRange trims its word and returns it whole when invalid */
      g_autofree char *word = which == KARI_RE_XRANGE ? _kari_js_trim (words->pdata[i])
                                                      : g_strdup (words->pdata[i]);
      char *rewritten = _kari_constraint_js_replace (which, word, FALSE, func, error);

      if (rewritten == NULL)
        return NULL;
      g_free (words->pdata[i]);
      words->pdata[i] = rewritten;
    }

  return _kari_constraint_js_join (words, " ");
}

/* parseComparator() */
static char *
parse_comparator (const char  *comp,
                  GError     **error)
{
  g_autofree char *s0 = _kari_constraint_js_replace (KARI_RE_BUILD, comp, FALSE, _kari_constraint_replace_nothing, error);
  g_autofree char *s1 = NULL;
  g_autofree char *s2 = NULL;
  g_autofree char *s3 = NULL;
  g_autofree char *s3t = NULL;

  if (s0 == NULL)
    return NULL;
  if ((s1 = replace_words (s0, TRUE, KARI_RE_CARET, _kari_constraint_replace_caret, error)) == NULL)
    return NULL;
  if ((s2 = replace_words (s1, TRUE, KARI_RE_TILDE, _kari_constraint_replace_tilde, error)) == NULL)
    return NULL;
  if ((s3 = replace_words (s2, FALSE, KARI_RE_XRANGE, _kari_constraint_replace_xrange, error)) == NULL)
    return NULL;
  /* replaceStars(): the first `*` (with its operator) goes */
  s3t = _kari_js_trim (s3);
  return _kari_constraint_js_replace (KARI_RE_STAR, s3t, FALSE, _kari_constraint_replace_nothing, error);
}

/* new Comparator(comp) */
static Comparator *
comparator_new (const char  *comp,
                GError     **error)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *op = NULL;
  g_autofree char *version_text = NULL;
  Comparator *c;

  if (!g_regex_match (_kari_re (KARI_RE_COMPARATOR), comp, 0, &match))
    {
      g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID_CONSTRAINT,
                   _("“%s” is not a comparator (an operator <, <=, >, >= or = and a full version)"),
                   comp);
      return NULL;
    }

  op = _kari_constraint_group (match, 1);
  version_text = _kari_constraint_group (match, 2);

  c = g_new0 (Comparator, 1);
  c->op = g_str_equal (op, "<") ? OP_LT : g_str_equal (op, "<=") ? OP_LE
        : g_str_equal (op, ">") ? OP_GT : g_str_equal (op, ">=") ? OP_GE : OP_EQ;

  if (*version_text != '\0')
    {
      c->version = _kari_version_parse_js (version_text, error);
      if (c->version == NULL)
        {
          g_free (c);
          return NULL;
        }
      c->value = g_strconcat (op_text[c->op], _kari_version_get_npm (c->version), NULL);
    }
  else
    c->value = g_strdup ("");

  return c;
}

static gboolean
is_null_set (const Comparator *c)
{
  return g_str_equal (c->value, "<0.0.0-0");
}

/* Range.parseRange(): one `||` alternative to its comparators */
static GPtrArray *
parse_range (const char  *range,
             GError     **error)
{
  g_autofree char *s0 = NULL, *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL;
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) comparators = g_ptr_array_new_with_free_func ((GDestroyNotify) comparator_free);
  g_autoptr(GPtrArray) result = NULL;
  g_autofree char *joined = NULL;
  gboolean has_any = FALSE;

  if ((s0 = _kari_constraint_js_replace (KARI_RE_BUILDSTRIP, range, TRUE, _kari_constraint_replace_nothing, error)) == NULL ||
      (s1 = _kari_constraint_js_replace (KARI_RE_HYPHENRANGE, s0, FALSE, _kari_constraint_replace_hyphen, error)) == NULL ||
      (s2 = _kari_constraint_js_replace (KARI_RE_COMPARATORTRIM, s1, TRUE, _kari_constraint_replace_comparator_trim, error)) == NULL ||
      (s3 = _kari_constraint_js_replace (KARI_RE_TILDETRIM, s2, TRUE, _kari_constraint_replace_tilde_trim, error)) == NULL ||
      (s4 = _kari_constraint_js_replace (KARI_RE_CARETTRIM, s3, TRUE, _kari_constraint_replace_caret_trim, error)) == NULL)
    return NULL;

  /* .split(' ') — a plain space, not \s+ */
  {
    g_auto(GStrv) parts = g_strsplit (s4, " ", -1);

    words = g_ptr_array_new_with_free_func (g_free);
    if (parts[0] == NULL)
      g_ptr_array_add (words, g_strdup (""));
    for (guint i = 0; parts[i] != NULL; i++)
      {
        char *c = parse_comparator (parts[i], error);

        if (c == NULL)
          return NULL;
        g_ptr_array_add (words, c);
      }
  }

  joined = _kari_constraint_js_join (words, " ");
  list = _kari_constraint_js_split_space (joined);

  for (guint i = 0; i < list->len; i++)
    {
      g_autofree char *t = _kari_js_trim (list->pdata[i]);
      g_autofree char *word = _kari_constraint_js_replace (KARI_RE_GTE0, t, FALSE, _kari_constraint_replace_nothing, error);
      g_autofree char *norm = NULL;
      g_autoptr(GPtrArray) sub = NULL;
      Comparator *c;

      if (word == NULL)
        return NULL;
      /* new Comparator(): comp.trim().split(/\s+/).join(' ') */
      norm = _kari_js_trim (word);
      sub = _kari_constraint_js_split_space (norm);
      g_free (norm);
      norm = _kari_constraint_js_join (sub, " ");

      c = comparator_new (norm, error);
      if (c == NULL)
        return NULL;
      g_ptr_array_add (comparators, c);
    }

  /* A null set wins; otherwise drop repeats (keeping the first place) and
   * drop `any` when something else is there. */
  result = g_ptr_array_new_with_free_func ((GDestroyNotify) comparator_free);
  for (guint i = 0; i < comparators->len; i++)
    {
      Comparator *c = comparators->pdata[i];
      gboolean seen = FALSE;

      if (is_null_set (c))
        {
          g_ptr_array_set_size (result, 0);
          g_ptr_array_add (result, g_ptr_array_steal_index (comparators, i));
          return g_steal_pointer (&result);
        }
      for (guint k = 0; k < result->len && !seen; k++)
        seen = g_str_equal (((Comparator *) result->pdata[k])->value, c->value);
      if (seen)
        continue;
      if (*c->value == '\0')
        has_any = TRUE;
      g_ptr_array_add (result, g_ptr_array_steal_index (comparators, i));
      i--;
    }

  if (has_any && result->len > 1)
    for (guint k = 0; k < result->len; k++)
      if (*((Comparator *) result->pdata[k])->value == '\0')
        {
          g_ptr_array_remove_index (result, k);
          break;
        }

  return g_steal_pointer (&result);
}

static char *
format_range (GPtrArray *sets)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < sets->len; i++)
    {
      GPtrArray *set = sets->pdata[i];

      if (i > 0)
        g_string_append (s, "||");
      for (guint k = 0; k < set->len; k++)
        {
          if (k > 0)
            g_string_append_c (s, ' ');
          g_string_append (s, ((Comparator *) set->pdata[k])->value);
        }
    }

  return g_string_free (s, FALSE);
}

static KariConstraint *
constraint_parse_uncached (const char  *text,
                           GError     **error)
{
  g_autoptr(GPtrArray) sets = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) words = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *raw = NULL;
  g_auto(GStrv) alternatives = NULL;
  KariConstraint *self;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (strlen (text) > KARI_CONSTRAINT_MAX_LENGTH)
    {
      g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID_CONSTRAINT,
                   _("“%.40s…” is not a valid constraint: it is longer than %d bytes"),
                   text, KARI_CONSTRAINT_MAX_LENGTH);
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID_CONSTRAINT,
                   _("“%s” is not a valid constraint: it is not valid UTF-8"), text);
      return NULL;
    }

  /* range.trim().replace(/\s+/g, ' ') */
  trimmed = _kari_js_trim (text);
  words = _kari_constraint_js_split_space (trimmed);
  raw = _kari_constraint_js_join (words, " ");

  sets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  alternatives = g_strsplit (raw, "||", -1);
  if (alternatives[0] == NULL)
    {
      g_strfreev (alternatives);
      alternatives = g_new0 (char *, 2);
      alternatives[0] = g_strdup ("");
    }

  for (guint i = 0; alternatives[i] != NULL; i++)
    {
      g_autofree char *alt = _kari_js_trim (alternatives[i]);
      GPtrArray *set = parse_range (alt, &local_error);

      if (set == NULL)
        {
          g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID_CONSTRAINT,
                       _("“%s” is not a valid constraint: %s"), text, local_error->message);
          return NULL;
        }
      g_ptr_array_add (sets, set);
    }

  /* Drop null sets when something else is left; `*` anywhere makes it `*`. */
  if (sets->len > 1)
    {
      GPtrArray *first = g_ptr_array_ref (sets->pdata[0]);

      for (guint i = 0; i < sets->len;)
        {
          GPtrArray *set = sets->pdata[i];

          if (is_null_set (set->pdata[0]))
            g_ptr_array_remove_index (sets, i);
          else
            i++;
        }
      if (sets->len == 0)
        g_ptr_array_add (sets, g_ptr_array_ref (first));
      else if (sets->len > 1)
        for (guint i = 0; i < sets->len; i++)
          {
            GPtrArray *set = sets->pdata[i];

            if (set->len == 1 && *((Comparator *) set->pdata[0])->value == '\0')
              {
                g_ptr_array_ref (set);
                g_ptr_array_set_size (sets, 0);
                g_ptr_array_add (sets, set);
                break;
              }
          }
      g_ptr_array_unref (first);
    }

  self = g_new0 (KariConstraint, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->text = g_strdup (text);
  self->sets = g_steal_pointer (&sets);
  self->range = format_range (self->sets);

  return self;
}

/* Manifests repeat a handful of ranges ("*", "^1.0.0"), and npm's
 * rewriting passes are costly, so parsed constraints are shared. They
 * are immutable and atomically counted, so threads may share them; the
 * cache is bounded so that hostile manifests cannot grow it. */
#define CACHE_MAX_ENTRIES 512
#define CACHE_MAX_TEXT    128

static GMutex      cache_lock;
static GHashTable *cache;   /* text → KariConstraint */

/**
 * kari_constraint_parse:
 * @text: a range such as `^1.2`, `>=1.0.0 <2 || 3.x`, `1.2 - 2.3.4`
 * @error: return location for a #GError
 *
 * Parses a version range exactly as npm's `new semver.Range (text)` does
 * without `loose` or `includePrerelease`. The empty string and `*` mean
 * any version. Text longer than %KARI_CONSTRAINT_MAX_LENGTH bytes is
 * refused: npm has no limit, but its rewriting passes are quadratic on
 * hostile input and a manifest must not be able to stall the host.
 *
 * Returns: (transfer full): the constraint, or %NULL with @error set
 */
KariConstraint *
kari_constraint_parse (const char  *text,
                       GError     **error)
{
  KariConstraint *self;
  gboolean cacheable;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  cacheable = strlen (text) <= CACHE_MAX_TEXT;
  if (cacheable)
    {
      g_mutex_lock (&cache_lock);
      self = cache != NULL ? g_hash_table_lookup (cache, text) : NULL;
      if (self != NULL)
        kari_constraint_ref (self);
      g_mutex_unlock (&cache_lock);
      if (self != NULL)
        return self;
    }

  self = constraint_parse_uncached (text, error);
  if (self != NULL && cacheable)
    {
      g_mutex_lock (&cache_lock);
      if (cache == NULL || g_hash_table_size (cache) >= CACHE_MAX_ENTRIES)
        {
          g_clear_pointer (&cache, g_hash_table_unref);
          cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) kari_constraint_unref);
        }
      g_hash_table_replace (cache, g_strdup (text), kari_constraint_ref (self));
      g_mutex_unlock (&cache_lock);
    }
  return self;
}

/**
 * kari_constraint_ref:
 * @self: a #KariConstraint
 *
 * Returns: (transfer full): @self
 */
KariConstraint *
kari_constraint_ref (KariConstraint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * kari_constraint_unref:
 * @self: (transfer full): a #KariConstraint
 */
void
kari_constraint_unref (KariConstraint *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->text);
  g_free (self->range);
  g_ptr_array_unref (self->sets);
  g_free (self);
}

static gboolean
comparator_test (const Comparator  *c,
                 const KariVersion *v)
{
  int cmp;

  if (c->version == NULL)
    return TRUE;

  cmp = kari_version_compare (v, c->version);
  switch (c->op)
    {
    case OP_EQ: return cmp == 0;
    case OP_LT: return cmp < 0;
    case OP_LE: return cmp <= 0;
    case OP_GT: return cmp > 0;
    case OP_GE: return cmp >= 0;
    default: g_assert_not_reached ();
    }
}

/* testSet(): every comparator holds, and a pre-release only passes when a
 * comparator of the set names a pre-release of the same major.minor.patch. */
static gboolean
test_set (GPtrArray         *set,
          const KariVersion *v)
{
  for (guint i = 0; i < set->len; i++)
    if (!comparator_test (set->pdata[i], v))
      return FALSE;

  if (!kari_version_is_prerelease (v))
    return TRUE;

  for (guint i = 0; i < set->len; i++)
    {
      const Comparator *c = set->pdata[i];

      if (c->version != NULL && kari_version_is_prerelease (c->version) &&
          kari_version_get_major (c->version) == kari_version_get_major (v) &&
          kari_version_get_minor (c->version) == kari_version_get_minor (v) &&
          kari_version_get_patch (c->version) == kari_version_get_patch (v))
        return TRUE;
    }

  return FALSE;
}

/**
 * kari_constraint_is_satisfied_by:
 * @self: a #KariConstraint
 * @version: a #KariVersion
 *
 * Whether @version is in the range, as npm's `semver.satisfies()`: some
 * `||` alternative has all its comparators hold, and a pre-release version
 * only matches an alternative that mentions a pre-release of its own
 * major.minor.patch (`>=1.2.3-alpha` admits `1.2.3-beta`, not `1.2.4-beta`).
 *
 * Returns: %TRUE if @version satisfies @self
 */
gboolean
kari_constraint_is_satisfied_by (const KariConstraint *self,
                                 const KariVersion    *version)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);

  for (guint i = 0; i < self->sets->len; i++)
    if (test_set (self->sets->pdata[i], version))
      return TRUE;

  return FALSE;
}

/**
 * kari_constraint_is_any:
 * @self: a #KariConstraint
 *
 * Returns: whether @self normalises to `*` (any release version)
 */
gboolean
kari_constraint_is_any (const KariConstraint *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return *self->range == '\0';
}

/**
 * kari_constraint_get_text:
 * @self: a #KariConstraint
 *
 * Returns: the text it was parsed from
 */
const char *
kari_constraint_get_text (const KariConstraint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->text;
}

/**
 * kari_constraint_to_range_string:
 * @self: a #KariConstraint
 *
 * The normalised form, identical to npm's `new Range (text).range`:
 * comparators only, `||` between alternatives, e.g. `^1.2` gives
 * `>=1.2.0 <2.0.0-0`, and `*` gives the empty string. Normalising can
 * make a long range longer than %KARI_CONSTRAINT_MAX_LENGTH, which
 * kari_constraint_parse() would then refuse; store the original text.
 *
 * Returns: (transfer full): the normalised range
 */
char *
kari_constraint_to_range_string (const KariConstraint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_strdup (self->range);
}
