/* kari-json-schema-validate.c — checks a value against a compiled schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The walk allocates nothing while the value is valid: the instance path
 * is a stack of borrowed segments, turned into text only for a problem.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "kari-json-schema-validate-private.h"

/* ------------------------------------------------------------------ */
/* Problems                                                           */

char *
_kari_json_schema_instance_path (Ctx *ctx)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ctx->segments->len; i++)
    {
      Segment *seg = &g_array_index (ctx->segments, Segment, i);

      g_string_append_c (s, '/');
      if (seg->name == NULL)
        {
          g_string_append_printf (s, "%u", seg->index);
          continue;
        }
      for (const char *p = seg->name; *p != '\0'; p++)
        {
          if (*p == '~')
            g_string_append (s, "~0");
          else if (*p == '/')
            g_string_append (s, "~1");
          else
            g_string_append_c (s, *p);
        }
    }
  return g_string_free (s, FALSE);
}

gboolean
_kari_json_schema_report (Ctx        *ctx,
                          SchemaNode *node,
                          const char *keyword,
                          const char *format,
                          ...)
{
  KariJsonSchemaProblem *problem;
  g_autofree char *text = NULL;
  va_list args;

  if (ctx->problems == NULL)
    return FALSE;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  problem = g_new0 (KariJsonSchemaProblem, 1);
  problem->instance_path = _kari_json_schema_instance_path (ctx);
  problem->keyword = g_strdup (keyword);
  problem->schema_path = *keyword != '\0' ? g_strconcat (node->path, "/", keyword, NULL)
                                          : g_strdup (node->path);
  /* TRANSLATORS: the first %s is where in the value, as a JSON Pointer
   * such as /servers/2/port; the second says what is wrong there */
  problem->message = g_strdup_printf (_("%s: %s"),
                                      *problem->instance_path != '\0' ? problem->instance_path
                                                                      : _("(root)"),
                                      text);
  g_ptr_array_add (ctx->problems, problem);
  return FALSE;
}

void
_kari_json_schema_push_name (Ctx        *ctx,
                             const char *name)
{
  Segment seg = { name, 0 };

  g_array_append_val (ctx->segments, seg);
}

void
_kari_json_schema_push_index (Ctx   *ctx,
                              guint  index)
{
  Segment seg = { NULL, index };

  g_array_append_val (ctx->segments, seg);
}

void
_kari_json_schema_pop (Ctx *ctx)
{
  g_array_set_size (ctx->segments, ctx->segments->len - 1);
}

/* Evaluates without reporting, for anyOf, oneOf, not and if. */
gboolean
_kari_json_schema_validate_silently (Ctx        *ctx,
                                     SchemaNode *node,
                                     JsonNode   *inst)
{
  GPtrArray *problems = ctx->problems;
  gboolean stop_early = ctx->stop_early;
  gboolean valid;

  ctx->problems = NULL;
  ctx->stop_early = TRUE;
  valid = _kari_json_schema_validate_node (ctx, node, inst);
  ctx->problems = problems;
  ctx->stop_early = stop_early;
  return valid;
}

/* ------------------------------------------------------------------ */
/* Any value                                                          */

static gboolean
is_integer (const SchemaNumber *n)
{
  return n->is_int || (isfinite (n->d) && n->d == floor (n->d));
}

static guint
type_of (JsonNode *inst)
{
  SchemaNumber n;

  switch (JSON_NODE_TYPE (inst))
    {
    case JSON_NODE_NULL:
      return TYPE_NULL;
    case JSON_NODE_OBJECT:
      return TYPE_OBJECT;
    case JSON_NODE_ARRAY:
      return TYPE_ARRAY;
    case JSON_NODE_VALUE:
    default:
      break;
    }
  if (_kari_json_schema_number (inst, &n))
    return is_integer (&n) ? TYPE_NUMBER | TYPE_INTEGER : TYPE_NUMBER;
  if (json_node_get_value_type (inst) == G_TYPE_BOOLEAN)
    return TYPE_BOOLEAN;
  if (json_node_get_value_type (inst) == G_TYPE_STRING)
    return TYPE_STRING;
  return 0;
}

static char *
describe_types (guint types)
{
  static const struct { guint type; const char *name; } names[] = {
    { TYPE_OBJECT, N_("an object") }, { TYPE_ARRAY, N_("an array") },
    { TYPE_STRING, N_("a string") }, { TYPE_INTEGER, N_("an integer") },
    { TYPE_NUMBER, N_("a number") }, { TYPE_BOOLEAN, N_("true or false") },
    { TYPE_NULL, N_("null") },
  };
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (!(types & names[i].type))
        continue;
      if (names[i].type == TYPE_INTEGER && (types & TYPE_NUMBER))
        continue;
      if (s->len > 0)
        /* TRANSLATORS: joins alternatives, as in “a string or null” */
        g_string_append (s, _(" or "));
      g_string_append (s, _(names[i].name));
    }
  return g_string_free (s, FALSE);
}

static gboolean
check_any (Ctx        *ctx,
           SchemaNode *node,
           JsonNode   *inst)
{
  gboolean ok = TRUE;

  if (node->types != 0 && !(type_of (inst) & node->types))
    {
      g_autofree char *expected = describe_types (node->types);
      g_autofree char *got = _kari_json_schema_describe (inst);

      ok = _kari_json_schema_report (ctx, node, "type", _("expected %s, got %s"), expected, got);
      if (ctx->stop_early)
        return FALSE;
    }

  if (node->const_value != NULL && !_kari_json_schema_equal (node->const_value, inst))
    {
      g_autofree char *expected = _kari_json_schema_describe (node->const_value);

      ok = _kari_json_schema_report (ctx, node, "const", _("must be %s"), expected);
      if (ctx->stop_early)
        return FALSE;
    }

  if (node->enum_values != NULL)
    {
      guint n = json_array_get_length (node->enum_values);
      gboolean found = FALSE;

      for (guint i = 0; i < n && !found; i++)
        found = _kari_json_schema_equal (json_array_get_element (node->enum_values, i), inst);
      if (!found)
        {
          GString *choices = g_string_new (NULL);
          g_autofree char *got = _kari_json_schema_describe (inst);

          for (guint i = 0; i < n && i < 10; i++)
            {
              g_autofree char *choice = _kari_json_schema_describe (json_array_get_element (node->enum_values, i));

              if (i > 0)
                g_string_append (choices, ", ");
              g_string_append (choices, choice);
            }
          if (n > 10)
            g_string_append (choices, ", …");
          ok = _kari_json_schema_report (ctx, node, "enum", _("%s is not one of the allowed values (%s)"), got,
                       choices->str);
          g_string_free (choices, TRUE);
        }
    }
  return ok;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                            */

static gboolean
is_integer_value (double d)
{
  return isfinite (d) && d == floor (d);
}

/* Whether @x is a multiple of @m, exactly for integers and, for
 * fractions, within the rounding of a decimal written in binary (0.3 is
 * a multiple of 0.1 although 0.3 / 0.1 is 2.9999999999999996). */
static gboolean
is_multiple (const SchemaNumber *x,
             const SchemaNumber *m)
{
  double q;

  if (x->is_int && m->is_int)
    return m->i == 0 ? FALSE : (m->i == -1 ? TRUE : x->i % m->i == 0);
  q = x->d / m->d;
  if (!isfinite (q) || fabs (q) >= 9007199254740992.0)
    {
      /* The quotient is past a double's integers: an integer is a
       * multiple of any 1/k, otherwise only fmod () is still exact. */
      double k = 1.0 / m->d;

      if (is_integer_value (x->d) && m->d < 1.0 && fabs (k - round (k)) <= 1e-9 * k)
        return TRUE;
      return fmod (x->d, m->d) == 0.0;
    }
  return fabs (q - round (q)) <= 1e-9 * fmax (1.0, fabs (q));
}

static gboolean
check_number (Ctx        *ctx,
              SchemaNode *node,
              JsonNode   *inst)
{
  SchemaNumber n;
  gboolean ok = TRUE;
  g_autofree char *got = NULL;
  struct {
    gboolean      present;
    SchemaNumber *bound;
    int           refuse_sign;   /* compare result that is refused … */
    gboolean      refuse_equal;  /* … and whether equality is */
  } bounds[] = {
    { node->has_minimum, &node->minimum, -1, FALSE },
    { node->has_maximum, &node->maximum, 1, FALSE },
    { node->has_exclusive_minimum, &node->exclusive_minimum, -1, TRUE },
    { node->has_exclusive_maximum, &node->exclusive_maximum, 1, TRUE },
  };

  if (!_kari_json_schema_number (inst, &n))
    return TRUE;

  for (gsize i = 0; i < G_N_ELEMENTS (bounds); i++)
    {
      int cmp;

      if (!bounds[i].present)
        continue;
      cmp = _kari_json_schema_number_compare (&n, bounds[i].bound);
      if (cmp == bounds[i].refuse_sign || (cmp == 0 && bounds[i].refuse_equal))
        {
          g_autofree char *limit = _kari_json_schema_number_text (bounds[i].bound);

          if (got == NULL)
            got = _kari_json_schema_number_text (&n);
          if (i == 0)
            ok = _kari_json_schema_report (ctx, node, "minimum", _("%s is less than the minimum %s"), got, limit);
          else if (i == 1)
            ok = _kari_json_schema_report (ctx, node, "maximum", _("%s is greater than the maximum %s"), got, limit);
          else if (i == 2)
            ok = _kari_json_schema_report (ctx, node, "exclusiveMinimum", _("%s must be greater than %s"), got, limit);
          else
            ok = _kari_json_schema_report (ctx, node, "exclusiveMaximum", _("%s must be less than %s"), got, limit);
          if (ctx->stop_early)
            return FALSE;
        }
    }

  if (node->has_multiple_of && !is_multiple (&n, &node->multiple_of))
    {
      g_autofree char *m = _kari_json_schema_number_text (&node->multiple_of);

      if (got == NULL)
        got = _kari_json_schema_number_text (&n);
      ok = _kari_json_schema_report (ctx, node, "multipleOf", _("%s is not a multiple of %s"), got, m);
    }
  return ok;
}

/* ------------------------------------------------------------------ */
/* Strings                                                            */

static gboolean
check_string (Ctx        *ctx,
              SchemaNode *node,
              JsonNode   *inst)
{
  const char *s;
  gboolean ok = TRUE;

  if (!_kari_json_schema_is_string (inst))
    return TRUE;
  s = json_node_get_string (inst);
  if (!g_utf8_validate (s, -1, NULL))
    return _kari_json_schema_report (ctx, node, "type", _("the string is not valid UTF-8"));

  if (node->min_length >= 0 || node->max_length >= 0)
    {
      gint64 length = g_utf8_strlen (s, -1);

      if (node->min_length >= 0 && length < node->min_length)
        {
          ok = _kari_json_schema_report (ctx, node, "minLength",
                       g_dngettext (GETTEXT_PACKAGE, "must be at least %" G_GINT64_FORMAT " character long",
                                    "must be at least %" G_GINT64_FORMAT " characters long",
                                    (gulong) node->min_length),
                       node->min_length);
          if (ctx->stop_early)
            return FALSE;
        }
      if (node->max_length >= 0 && length > node->max_length)
        {
          ok = _kari_json_schema_report (ctx, node, "maxLength",
                       g_dngettext (GETTEXT_PACKAGE, "must be at most %" G_GINT64_FORMAT " character long",
                                    "must be at most %" G_GINT64_FORMAT " characters long",
                                    (gulong) node->max_length),
                       node->max_length);
          if (ctx->stop_early)
            return FALSE;
        }
    }

  if (node->pattern.regex != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!g_regex_match_full (node->pattern.regex, s, -1, 0, 0, NULL, &error))
        {
          g_autofree char *got = _kari_json_schema_describe (inst);

          if (error != NULL)
            ok = _kari_json_schema_report (ctx, node, "pattern",
                         _("%s could not be checked against the pattern “%s”: %s"),
                         got, node->pattern.source, error->message);
          else
            ok = _kari_json_schema_report (ctx, node, "pattern", _("%s does not match the pattern “%s”"), got,
                         node->pattern.source);
          if (ctx->stop_early)
            return FALSE;
        }
    }

  if (node->format != FORMAT_NONE && !_kari_json_schema_format_check (node->format, s))
    {
      g_autofree char *got = _kari_json_schema_describe (inst);

      ok = _kari_json_schema_report (ctx, node, "format", _("%s is not %s"), got,
                   _kari_json_schema_format_what (node->format));
    }
  return ok;
}

/* ------------------------------------------------------------------ */
/* Applicators on the same value                                      */

static gboolean
check_applicators (Ctx        *ctx,
                   SchemaNode *node,
                   JsonNode   *inst)
{
  gboolean ok = TRUE;

  if (node->ref_target != NULL && !_kari_json_schema_validate_node (ctx, node->ref_target, inst))
    {
      ok = FALSE;
      if (ctx->stop_early)
        return FALSE;
    }

  for (guint i = 0; node->all_of != NULL && i < node->all_of->len; i++)
    if (!_kari_json_schema_validate_node (ctx, node->all_of->pdata[i], inst))
      {
        ok = FALSE;
        if (ctx->stop_early)
          return FALSE;
      }

  if (node->any_of != NULL)
    {
      gboolean any = FALSE;

      for (guint i = 0; i < node->any_of->len && !any; i++)
        any = _kari_json_schema_validate_silently (ctx, node->any_of->pdata[i], inst);
      if (!any)
        {
          ok = _kari_json_schema_report (ctx, node, "anyOf",
                       g_dngettext (GETTEXT_PACKAGE, "does not match the %u schema of “anyOf”",
                                    "matches none of the %u schemas of “anyOf”", node->any_of->len),
                       node->any_of->len);
          if (ctx->stop_early)
            return FALSE;
        }
    }

  if (node->one_of != NULL)
    {
      guint first = 0, matches = 0;

      for (guint i = 0; i < node->one_of->len && matches < 2; i++)
        if (_kari_json_schema_validate_silently (ctx, node->one_of->pdata[i], inst))
          {
            if (matches++ == 0)
              first = i;
            else
              {
                ok = _kari_json_schema_report (ctx, node, "oneOf",
                             _("matches both schema %u and schema %u of “oneOf”, but must match "
                               "exactly one"), first, i);
              }
          }
      if (matches == 0)
        ok = _kari_json_schema_report (ctx, node, "oneOf",
                     g_dngettext (GETTEXT_PACKAGE, "does not match the %u schema of “oneOf”",
                                  "matches none of the %u schemas of “oneOf”", node->one_of->len),
                     node->one_of->len);
      if (!ok && ctx->stop_early)
        return FALSE;
    }

  if (node->not != NULL && _kari_json_schema_validate_silently (ctx, node->not, inst))
    {
      ok = _kari_json_schema_report (ctx, node, "not", _("must not match the schema of “not”"));
      if (ctx->stop_early)
        return FALSE;
    }

  if (node->if_ != NULL && (node->then_ != NULL || node->else_ != NULL))
    {
      SchemaNode *next = _kari_json_schema_validate_silently (ctx, node->if_, inst) ? node->then_ : node->else_;

      if (next != NULL && !_kari_json_schema_validate_node (ctx, next, inst))
        ok = FALSE;
    }
  return ok;
}

gboolean
_kari_json_schema_validate_node (Ctx        *ctx,
                                 SchemaNode *node,
                                 JsonNode   *inst)
{
  gboolean ok;

  if (node->is_bool)
    return node->bool_value ? TRUE : _kari_json_schema_report (ctx, node, "", _("no value is allowed here"));
  if (ctx->exhausted)
    return FALSE;
  if (++ctx->steps > KARI_JSON_SCHEMA_MAX_STEPS || ctx->depth >= KARI_JSON_SCHEMA_MAX_VALIDATION_DEPTH)
    {
      ctx->exhausted = TRUE;
      return FALSE;
    }

  ctx->depth++;
  ok = check_any (ctx, node, inst);
  if (ok || !ctx->stop_early)
    ok = check_number (ctx, node, inst) && ok;
  if (ok || !ctx->stop_early)
    ok = check_string (ctx, node, inst) && ok;
  if (ok || !ctx->stop_early)
    ok = _kari_json_schema_check_array (ctx, node, inst) && ok;
  if (ok || !ctx->stop_early)
    ok = _kari_json_schema_check_object (ctx, node, inst) && ok;
  if (ok || !ctx->stop_early)
    ok = check_applicators (ctx, node, inst) && ok;
  ctx->depth--;
  return ok && !ctx->exhausted;
}

gboolean
kari_json_schema_validate (KariJsonSchema  *self,
                           JsonNode        *instance,
                           GPtrArray      **problems,
                           GError         **error)
{
  g_autoptr(GPtrArray) found = NULL;
  Ctx ctx = { NULL, TRUE, FALSE, 0, 0, NULL };
  gboolean valid;

  g_return_val_if_fail (KARI_IS_JSON_SCHEMA (self), FALSE);
  g_return_val_if_fail (instance != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (problems != NULL || error != NULL)
    {
      found = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_json_schema_problem_free);
      ctx.problems = found;
      ctx.stop_early = problems == NULL;
    }
  ctx.segments = g_array_sized_new (FALSE, FALSE, sizeof (Segment), 8);

  valid = _kari_json_schema_validate_node (&ctx, self->root, instance);
  if (ctx.exhausted)
    {
      /* What was found on the way may be an effect of stopping (an
       * anyOf whose branches were cut short): the limit is the news. */
      if (found != NULL)
        g_ptr_array_set_size (found, 0);
      g_array_set_size (ctx.segments, 0);
      valid = _kari_json_schema_report (&ctx, self->root, "",
                      _("the value is too deeply nested or too costly to check against the "
                        "schema (more than %d levels or %d steps)"),
                      KARI_JSON_SCHEMA_MAX_VALIDATION_DEPTH, KARI_JSON_SCHEMA_MAX_STEPS);
    }
  g_array_unref (ctx.segments);

  if (!valid && found != NULL && found->len > 0 && error != NULL)
    {
      KariJsonSchemaProblem *first = found->pdata[0];

      g_set_error_literal (error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_INSTANCE,
                           first->message);
    }
  else if (!valid && error != NULL)
    g_set_error_literal (error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_INSTANCE,
                         _("the value does not match the schema"));
  if (problems != NULL)
    *problems = g_steal_pointer (&found);
  return valid;
}
