/* kari-json-schema-fields.c — what a settings page and a fresh config
 * need from a schema: the list of fields, and the defaults filled in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both follow `$ref`s: a field written {"$ref": "#/$defs/port",
 * "title": "Port"} takes its title from where it is used and everything
 * else from the definition.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "kari-json-schema-private.h"

/* Objects nested deeper than this are shown as JSON text and get no
 * defaults filled in; it also stops recursive schemas. */
#define MAX_FIELD_DEPTH 16

/* The nodes that describe one value: the node itself, then the targets
 * of its `$ref`s, nearest first. */
typedef struct
{
  SchemaNode *nodes[KARI_JSON_SCHEMA_MAX_CHAIN + 1];
  guint       n;
} Chain;

static void
chain_init (Chain      *chain,
            SchemaNode *node)
{
  chain->n = 0;
  while (node != NULL && chain->n < G_N_ELEMENTS (chain->nodes))
    {
      chain->nodes[chain->n++] = node;
      node = node->ref_target;
    }
}

#define CHAIN_FIRST(chain, member, unset) \
  ({ __typeof__ ((chain)->nodes[0]->member) _v = (unset); \
     for (guint _i = 0; _i < (chain)->n; _i++) \
       if ((chain)->nodes[_i]->member != (unset)) { _v = (chain)->nodes[_i]->member; break; } \
     _v; })

static SchemaNode *
chain_with_properties (Chain *chain)
{
  for (guint i = 0; i < chain->n; i++)
    if (chain->nodes[i]->properties != NULL)
      return chain->nodes[i];
  return NULL;
}

static gboolean
chain_lists_required (Chain      *chain,
                      const char *name)
{
  for (guint i = 0; i < chain->n; i++)
    {
      GPtrArray *required = chain->nodes[i]->required;

      for (guint k = 0; required != NULL && k < required->len; k++)
        if (strcmp (required->pdata[k], name) == 0)
          return TRUE;
    }
  return FALSE;
}

static gboolean
member_is_true (SchemaNode *node,
                const char *name)
{
  JsonNode *member;

  if (node->is_bool)
    return FALSE;
  member = json_object_get_member (json_node_get_object (node->json), name);
  return member != NULL && JSON_NODE_HOLDS_VALUE (member)
         && json_node_get_value_type (member) == G_TYPE_BOOLEAN && json_node_get_boolean (member);
}

/* A deep copy: json_node_copy () shares objects and arrays. */
static JsonNode *
deep_copy (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *from = json_node_get_object (node), *to = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered (&iter, from);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          json_object_set_member (to, name, deep_copy (member));
        copy = json_node_init_object (json_node_alloc (), to);
        json_object_unref (to);
        return copy;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *from = json_node_get_array (node), *to = json_array_new ();

        for (guint i = 0; i < json_array_get_length (from); i++)
          json_array_add_element (to, deep_copy (json_array_get_element (from, i)));
        copy = json_node_init_array (json_node_alloc (), to);
        json_array_unref (to);
        return copy;
      }
    case JSON_NODE_NULL:
    case JSON_NODE_VALUE:
    default:
      return json_node_copy (node);
    }
}

/* ------------------------------------------------------------------ */
/* Fields                                                             */

static char *
child_pointer (const char *prefix,
               const char *name)
{
  GString *s = g_string_new (prefix);

  g_string_append_c (s, '/');
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '~')
        g_string_append (s, "~0");
      else if (*p == '/')
        g_string_append (s, "~1");
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

/* Choices from a `oneOf` (or `anyOf`) whose every member is a `const`,
 * labelled by their titles. */
static gboolean
const_choices (GPtrArray   *alternatives,
               JsonArray  **choices,
               GStrv       *labels)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (alternatives == NULL)
    return FALSE;
  for (guint i = 0; i < alternatives->len; i++)
    {
      SchemaNode *alt = alternatives->pdata[i];

      if (alt->is_bool || alt->const_value == NULL)
        return FALSE;
    }
  *choices = json_array_new ();
  builder = g_strv_builder_new ();
  for (guint i = 0; i < alternatives->len; i++)
    {
      SchemaNode *alt = alternatives->pdata[i];
      g_autofree char *label = NULL;

      json_array_add_element (*choices, deep_copy (alt->const_value));
      if (alt->title != NULL)
        label = g_strdup (alt->title);
      else if (_kari_json_schema_is_string (alt->const_value))
        label = g_strdup (json_node_get_string (alt->const_value));
      else
        label = _kari_json_schema_describe (alt->const_value);
      g_strv_builder_add (builder, label);
    }
  *labels = g_strv_builder_end (builder);
  return TRUE;
}

static KariJsonSchemaFieldKind
kind_of (Chain *chain)
{
  guint types = CHAIN_FIRST (chain, types, 0u) & ~TYPE_NULL;

  switch (types)
    {
    case TYPE_BOOLEAN:
      return KARI_JSON_SCHEMA_FIELD_BOOLEAN;
    case TYPE_INTEGER:
      return KARI_JSON_SCHEMA_FIELD_INTEGER;
    case TYPE_NUMBER:
    case TYPE_NUMBER | TYPE_INTEGER:
      return KARI_JSON_SCHEMA_FIELD_NUMBER;
    case TYPE_STRING:
      return KARI_JSON_SCHEMA_FIELD_STRING;
    case TYPE_OBJECT:
      return KARI_JSON_SCHEMA_FIELD_OBJECT;
    case TYPE_ARRAY:
      return KARI_JSON_SCHEMA_FIELD_ARRAY;
    case 0:
      return chain_with_properties (chain) != NULL ? KARI_JSON_SCHEMA_FIELD_OBJECT
                                                    : KARI_JSON_SCHEMA_FIELD_OTHER;
    default:
      return KARI_JSON_SCHEMA_FIELD_OTHER;
    }
}

static void
fill_choices (KariJsonSchemaField *field,
              Chain               *chain)
{
  JsonArray *values = CHAIN_FIRST (chain, enum_values, NULL);

  for (guint i = 0; i < chain->n && field->choices == NULL; i++)
    if (!const_choices (chain->nodes[i]->one_of, &field->choices, &field->choice_labels))
      const_choices (chain->nodes[i]->any_of, &field->choices, &field->choice_labels);
  if (field->choices == NULL && values != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      field->choices = json_array_new ();
      for (guint i = 0; i < json_array_get_length (values); i++)
        {
          JsonNode *value = json_array_get_element (values, i);
          g_autofree char *label = _kari_json_schema_is_string (value)
                                   ? g_strdup (json_node_get_string (value))
                                   : _kari_json_schema_describe (value);

          json_array_add_element (field->choices, deep_copy (value));
          g_strv_builder_add (builder, label);
        }
      field->choice_labels = g_strv_builder_end (builder);
    }
  if (field->choices != NULL)
    field->kind = KARI_JSON_SCHEMA_FIELD_ENUM;
}

static void
fill_bounds (KariJsonSchemaField *field,
             Chain               *chain)
{
  gboolean integer = field->kind == KARI_JSON_SCHEMA_FIELD_INTEGER;

  for (guint i = 0; i < chain->n; i++)
    {
      SchemaNode *n = chain->nodes[i];

      if (!field->has_minimum && (n->has_minimum || n->has_exclusive_minimum))
        {
          field->has_minimum = TRUE;
          if (n->has_minimum && n->has_exclusive_minimum)
            field->minimum = MAX (n->minimum.d, n->exclusive_minimum.d);
          else
            field->minimum = n->has_minimum ? n->minimum.d : n->exclusive_minimum.d;
          if (!n->has_minimum || field->minimum != n->minimum.d)
            field->minimum = integer ? floor (field->minimum) + 1 : field->minimum;
        }
      if (!field->has_maximum && (n->has_maximum || n->has_exclusive_maximum))
        {
          field->has_maximum = TRUE;
          if (n->has_maximum && n->has_exclusive_maximum)
            field->maximum = MIN (n->maximum.d, n->exclusive_maximum.d);
          else
            field->maximum = n->has_maximum ? n->maximum.d : n->exclusive_maximum.d;
          if (!n->has_maximum || field->maximum != n->maximum.d)
            field->maximum = integer ? ceil (field->maximum) - 1 : field->maximum;
        }
    }
}

static void
list_fields (SchemaNode *object,
             const char *prefix,
             GPtrArray  *fields,
             GPtrArray  *stack)
{
  Chain parent;
  SchemaNode *with_properties;

  chain_init (&parent, object);
  with_properties = chain_with_properties (&parent);
  if (with_properties == NULL || stack->len >= MAX_FIELD_DEPTH
      || g_ptr_array_find (stack, with_properties, NULL))
    return;
  g_ptr_array_add (stack, with_properties);

  for (guint i = 0; i < with_properties->properties->len; i++)
    {
      SchemaProperty *p = &g_array_index (with_properties->properties, SchemaProperty, i);
      KariJsonSchemaField *field = g_new0 (KariJsonSchemaField, 1);
      JsonNode *default_value;
      Chain chain;

      chain_init (&chain, p->schema);
      field->key = g_strdup (p->name);
      field->pointer = child_pointer (prefix, p->name);
      field->kind = kind_of (&chain);
      field->title = g_strdup (CHAIN_FIRST (&chain, title, NULL));
      field->description = g_strdup (CHAIN_FIRST (&chain, description, NULL));
      field->format = g_strdup (CHAIN_FIRST (&chain, format_name, NULL));
      field->required = chain_lists_required (&parent, p->name);
      default_value = CHAIN_FIRST (&chain, default_value, NULL);
      field->default_value = default_value != NULL ? deep_copy (default_value) : NULL;
      for (guint k = 0; k < chain.n && !field->secret; k++)
        field->secret = member_is_true (chain.nodes[k], "writeOnly")
                        || member_is_true (chain.nodes[k], "x-kari-secret");
      if (g_strcmp0 (field->format, "password") == 0)
        field->secret = TRUE;
      fill_choices (field, &chain);
      fill_bounds (field, &chain);
      g_ptr_array_add (fields, field);

      if (field->kind == KARI_JSON_SCHEMA_FIELD_OBJECT)
        {
          g_autofree char *pointer = g_strdup (field->pointer);

          list_fields (p->schema, pointer, fields, stack);
        }
    }
  g_ptr_array_set_size (stack, stack->len - 1);
}

GPtrArray *
kari_json_schema_list_fields (KariJsonSchema *self)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  GPtrArray *fields;

  g_return_val_if_fail (KARI_IS_JSON_SCHEMA (self), NULL);

  fields = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_json_schema_field_free);
  list_fields (self->root, "", fields, stack);
  return fields;
}

/* ------------------------------------------------------------------ */
/* Defaults                                                           */

static gboolean
has_required (Chain      *chain,
              JsonObject *object)
{
  for (guint i = 0; i < chain->n; i++)
    {
      GPtrArray *required = chain->nodes[i]->required;

      for (guint k = 0; required != NULL && k < required->len; k++)
        if (!json_object_has_member (object, required->pdata[k]))
          return FALSE;
    }
  return TRUE;
}

static void
fill_defaults (SchemaNode *schema,
               JsonObject *object,
               GPtrArray  *stack)
{
  Chain chain;
  SchemaNode *with_properties;

  chain_init (&chain, schema);
  with_properties = chain_with_properties (&chain);
  if (with_properties == NULL || stack->len >= MAX_FIELD_DEPTH
      || g_ptr_array_find (stack, with_properties, NULL))
    return;
  g_ptr_array_add (stack, with_properties);

  for (guint i = 0; i < with_properties->properties->len; i++)
    {
      SchemaProperty *p = &g_array_index (with_properties->properties, SchemaProperty, i);
      JsonNode *member = json_object_get_member (object, p->name);
      JsonNode *default_value;
      Chain member_chain;

      chain_init (&member_chain, p->schema);
      default_value = CHAIN_FIRST (&member_chain, default_value, NULL);
      if (member == NULL && default_value != NULL)
        {
          json_object_set_member (object, p->name, deep_copy (default_value));
          member = json_object_get_member (object, p->name);
        }

      if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
        fill_defaults (p->schema, json_node_get_object (member), stack);
      else if (member == NULL && chain_with_properties (&member_chain) != NULL)
        {
          /* An object left out is added when its members have defaults,
           * unless it would then lack a required member: a config that
           * was valid stays valid. */
          g_autoptr(JsonObject) inner = json_object_new ();

          fill_defaults (p->schema, inner, stack);
          if (json_object_get_size (inner) > 0 && has_required (&member_chain, inner))
            json_object_set_object_member (object, p->name, g_steal_pointer (&inner));
        }
    }
  g_ptr_array_set_size (stack, stack->len - 1);
}

JsonNode *
kari_json_schema_apply_defaults (KariJsonSchema *self,
                                 JsonNode       *instance)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  JsonNode *result;
  Chain chain;

  g_return_val_if_fail (KARI_IS_JSON_SCHEMA (self), NULL);

  chain_init (&chain, self->root);
  if (instance != NULL)
    result = deep_copy (instance);
  else if (CHAIN_FIRST (&chain, default_value, NULL) != NULL)
    result = deep_copy (CHAIN_FIRST (&chain, default_value, NULL));
  else
    result = json_node_init_object (json_node_alloc (), NULL);

  if (JSON_NODE_HOLDS_OBJECT (result))
    {
      if (json_node_get_object (result) == NULL)
        {
          g_autoptr(JsonObject) empty = json_object_new ();

          json_node_set_object (result, empty);
        }
      fill_defaults (self->root, json_node_get_object (result), stack);
    }
  return result;
}
