/* kari-json-schema.c — the compiled schema object and the value helpers
 * the compiler and the validator share (numbers, equality, display)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "kari-json-schema-private.h"

G_DEFINE_QUARK (kari-json-schema-error-quark, kari_json_schema_error)

G_DEFINE_FINAL_TYPE (KariJsonSchema, kari_json_schema, G_TYPE_OBJECT)

/* ------------------------------------------------------------------ */
/* Boxed types                                                        */

KariJsonSchemaProblem *
kari_json_schema_problem_copy (const KariJsonSchemaProblem *self)
{
  KariJsonSchemaProblem *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (KariJsonSchemaProblem, 1);
  copy->instance_path = g_strdup (self->instance_path);
  copy->schema_path = g_strdup (self->schema_path);
  copy->keyword = g_strdup (self->keyword);
  copy->message = g_strdup (self->message);
  return copy;
}

void
kari_json_schema_problem_free (KariJsonSchemaProblem *self)
{
  if (self == NULL)
    return;
  g_free (self->instance_path);
  g_free (self->schema_path);
  g_free (self->keyword);
  g_free (self->message);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (KariJsonSchemaProblem, kari_json_schema_problem,
                     kari_json_schema_problem_copy, kari_json_schema_problem_free)

KariJsonSchemaField *
kari_json_schema_field_copy (const KariJsonSchemaField *self)
{
  KariJsonSchemaField *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (KariJsonSchemaField, 1);
  *copy = *self;
  copy->pointer = g_strdup (self->pointer);
  copy->key = g_strdup (self->key);
  copy->title = g_strdup (self->title);
  copy->description = g_strdup (self->description);
  copy->choices = self->choices != NULL ? json_array_ref (self->choices) : NULL;
  copy->choice_labels = g_strdupv (self->choice_labels);
  copy->default_value = self->default_value != NULL ? json_node_copy (self->default_value) : NULL;
  copy->format = g_strdup (self->format);
  return copy;
}

void
kari_json_schema_field_free (KariJsonSchemaField *self)
{
  if (self == NULL)
    return;
  g_free (self->pointer);
  g_free (self->key);
  g_free (self->title);
  g_free (self->description);
  g_clear_pointer (&self->choices, json_array_unref);
  g_strfreev (self->choice_labels);
  g_clear_pointer (&self->default_value, json_node_unref);
  g_free (self->format);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (KariJsonSchemaField, kari_json_schema_field,
                     kari_json_schema_field_copy, kari_json_schema_field_free)

/* ------------------------------------------------------------------ */
/* The object                                                         */

static void
kari_json_schema_finalize (GObject *object)
{
  KariJsonSchema *self = KARI_JSON_SCHEMA (object);

  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->document, json_node_unref);

  G_OBJECT_CLASS (kari_json_schema_parent_class)->finalize (object);
}

static void
kari_json_schema_class_init (KariJsonSchemaClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_json_schema_finalize;
}

static void
kari_json_schema_init (KariJsonSchema *self)
{
  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) _kari_json_schema_node_free);
}

/* Like kari_json_schema_new (), and on failure also gives the JSON
 * Pointer of the place in @schema that is wrong, for callers that can
 * turn it into a line and column. */
KariJsonSchema *
_kari_json_schema_new_full (JsonNode  *schema,
                            char     **error_pointer,
                            GError   **error)
{
  g_autoptr(KariJsonSchema) self = g_object_new (KARI_TYPE_JSON_SCHEMA, NULL);

  self->document = json_node_ref (schema);
  if (!_kari_json_schema_compile (self, error_pointer, error))
    return NULL;
  return g_steal_pointer (&self);
}

KariJsonSchema *
kari_json_schema_new (JsonNode  *schema,
                      GError   **error)
{
  g_return_val_if_fail (schema != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _kari_json_schema_new_full (schema, NULL, error);
}

JsonNode *
kari_json_schema_get_root (KariJsonSchema *self)
{
  g_return_val_if_fail (KARI_IS_JSON_SCHEMA (self), NULL);

  return self->document;
}

/* ------------------------------------------------------------------ */
/* Values                                                             */

gboolean
_kari_json_schema_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* Reads a JSON number; FALSE for anything else (booleans are not numbers). */
gboolean
_kari_json_schema_number (JsonNode     *node,
                          SchemaNumber *number)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      number->is_int = TRUE;
      number->i = json_node_get_int (node);
      number->d = (double) number->i;
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      number->is_int = FALSE;
      number->i = 0;
      number->d = json_node_get_double (node);
      return TRUE;
    }
  return FALSE;
}

/* Compares by value, exactly when both are integers and without the
 * rounding of a large integer to a double deciding a tie. */
int
_kari_json_schema_number_compare (const SchemaNumber *a,
                                  const SchemaNumber *b)
{
  if (a->is_int && b->is_int)
    return (a->i > b->i) - (a->i < b->i);
  if (a->d != b->d)
    return (a->d > b->d) - (a->d < b->d);
  /* Equal as doubles: an integer may still differ from the double it
   * rounds to (2^53 + 1 against 2^53). */
  if (a->is_int != b->is_int)
    {
      const SchemaNumber *n = a->is_int ? a : b;
      double d = a->is_int ? b->d : a->d;
      int sign = a->is_int ? 1 : -1;

      if (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
        {
          gint64 di = (gint64) d;

          return sign * ((n->i > di) - (n->i < di));
        }
    }
  return 0;
}

/* Deep equality as JSON Schema means it: numbers by value (1 == 1.0),
 * objects whatever the member order. */
gboolean
_kari_json_schema_equal (JsonNode *a,
                         JsonNode *b)
{
  SchemaNumber na, nb;

  if (_kari_json_schema_number (a, &na))
    return _kari_json_schema_number (b, &nb) && _kari_json_schema_number_compare (&na, &nb) == 0;
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;

  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_NULL:
      return TRUE;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (a) != json_node_get_value_type (b))
        return FALSE;
      if (json_node_get_value_type (a) == G_TYPE_BOOLEAN)
        return json_node_get_boolean (a) == json_node_get_boolean (b);
      if (json_node_get_value_type (a) == G_TYPE_STRING)
        return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
      return FALSE;

    case JSON_NODE_ARRAY:
      {
        JsonArray *x = json_node_get_array (a), *y = json_node_get_array (b);
        guint n = json_array_get_length (x);

        if (n != json_array_get_length (y))
          return FALSE;
        for (guint i = 0; i < n; i++)
          if (!_kari_json_schema_equal (json_array_get_element (x, i), json_array_get_element (y, i)))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *x = json_node_get_object (a), *y = json_node_get_object (b);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        if (json_object_get_size (x) != json_object_get_size (y))
          return FALSE;
        json_object_iter_init (&iter, x);
        while (json_object_iter_next (&iter, &name, &member))
          {
            JsonNode *other = json_object_get_member (y, name);

            if (other == NULL || !_kari_json_schema_equal (member, other))
              return FALSE;
          }
        return TRUE;
      }

    default:
      return FALSE;
    }
}

char *
_kari_json_schema_number_text (const SchemaNumber *number)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (number->is_int)
    return g_strdup_printf ("%" G_GINT64_FORMAT, number->i);
  /* The shortest form that reads back the same: 0.1, not
   * 0.10000000000000001. */
  g_ascii_formatd (buf, sizeof buf, "%.15g", number->d);
  if (g_ascii_strtod (buf, NULL) != number->d)
    g_ascii_formatd (buf, sizeof buf, "%.17g", number->d);
  return g_strdup (buf);
}

/* A value as a message shows it: JSON text cut at about 40 characters
 * for scalars, the kind for arrays and objects. */
char *
_kari_json_schema_describe (JsonNode *node)
{
  g_autofree char *text = NULL;
  SchemaNumber number;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return g_strdup (_("an object"));
    case JSON_NODE_ARRAY:
      return g_strdup (_("an array"));
    case JSON_NODE_NULL:
      return g_strdup ("null");
    case JSON_NODE_VALUE:
    default:
      break;
    }

  if (_kari_json_schema_number (node, &number))
    return _kari_json_schema_number_text (&number);
  text = json_to_string (node, FALSE);
  if (g_utf8_strlen (text, -1) > 40)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, 39);

      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&text);
}
