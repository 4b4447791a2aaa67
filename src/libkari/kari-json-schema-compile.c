/* kari-json-schema-compile.c — turns a schema document into SchemaNodes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One pass over the document builds a node per subschema, checking
 * every keyword's value. `$ref`s are queued and resolved afterwards (so
 * a chain of references never deepens the C stack), then the graph of
 * in-place applicators is walked once to refuse loops that would make
 * validation run forever.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "kari-json-schema-private.h"

typedef struct
{
  KariJsonSchema *self;
  GHashTable     *by_json;    /* JsonNode → SchemaNode */
  GHashTable     *anchors;    /* `$anchor` name → SchemaNode */
  GQueue          refs;       /* SchemaNode with a `$ref` to resolve */
  const char     *root_id;
  GError         *error;
  char           *error_pointer;   /* where in the schema @error is */
} Compiler;

void
_kari_json_schema_node_free (SchemaNode *node)
{
  g_free (node->path);
  g_clear_pointer (&node->pattern.regex, g_regex_unref);
  g_clear_pointer (&node->properties, g_array_unref);
  g_clear_pointer (&node->property_index, g_hash_table_unref);
  if (node->pattern_properties != NULL)
    {
      for (guint i = 0; i < node->pattern_properties->len; i++)
        g_regex_unref (g_array_index (node->pattern_properties, SchemaPattern, i).regex);
      g_array_unref (node->pattern_properties);
    }
  g_clear_pointer (&node->required, g_ptr_array_unref);
  if (node->dependent_required != NULL)
    {
      for (guint i = 0; i < node->dependent_required->len; i++)
        g_free (g_array_index (node->dependent_required, DependentRequired, i).names);
      g_array_unref (node->dependent_required);
    }
  g_clear_pointer (&node->dependent_schemas, g_array_unref);
  g_clear_pointer (&node->prefix_items, g_ptr_array_unref);
  g_clear_pointer (&node->all_of, g_ptr_array_unref);
  g_clear_pointer (&node->any_of, g_ptr_array_unref);
  g_clear_pointer (&node->one_of, g_ptr_array_unref);
  g_free (node);
}

SchemaNode *
_kari_json_schema_property (SchemaNode *node,
                            const char *name)
{
  if (node->properties == NULL)
    return NULL;
  if (node->property_index != NULL)
    return g_hash_table_lookup (node->property_index, name);
  for (guint i = 0; i < node->properties->len; i++)
    {
      SchemaProperty *p = &g_array_index (node->properties, SchemaProperty, i);

      if (strcmp (p->name, name) == 0)
        return p->schema;
    }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Reporting                                                          */

static const char *
where (const char *path)
{
  return *path != '\0' ? path : _("(root)");
}

static gboolean G_GNUC_PRINTF (4, 5)
fail (Compiler   *c,
      int         code,
      const char *path,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (c->error != NULL)
    return FALSE;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* TRANSLATORS: the first %s is a place in a JSON Schema as a JSON
   * Pointer, e.g. /properties/port/minimum */
  c->error = g_error_new (KARI_JSON_SCHEMA_ERROR, code, _("schema %s: %s"), where (path), message);
  c->error_pointer = g_strdup (path);
  return FALSE;
}

static gboolean
fail_expected (Compiler   *c,
               const char *path,
               const char *expected,
               JsonNode   *got)
{
  g_autofree char *described = _kari_json_schema_describe (got);

  return fail (c, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, path,
               _("expected %s, got %s"), expected, described);
}

/* Appends one reference token, escaped as RFC 6901 says. */
static char *
child_path (const char *path,
            const char *token)
{
  GString *s = g_string_new (path);

  g_string_append_c (s, '/');
  for (const char *p = token; *p != '\0'; p++)
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

static char *
index_path (const char *path,
            const char *keyword,
            guint       index)
{
  return g_strdup_printf ("%s/%s/%u", path, keyword, index);
}

/* ------------------------------------------------------------------ */
/* Keyword values                                                     */

static SchemaNode *compile_node (Compiler   *c,
                                 JsonNode   *json,
                                 const char *path,
                                 guint       depth);

static gboolean
read_count (Compiler    *c,
            JsonObject  *o,
            const char  *path,
            const char  *keyword,
            gint64      *out)
{
  JsonNode *member = json_object_get_member (o, keyword);
  SchemaNumber n;
  g_autofree char *at = NULL;

  *out = -1;
  if (member == NULL)
    return TRUE;
  at = child_path (path, keyword);
  if (!_kari_json_schema_number (member, &n) || (!n.is_int && (n.d != floor (n.d) || !isfinite (n.d))))
    return fail_expected (c, at, _("a non-negative integer"), member);
  if (n.is_int ? n.i < 0 : n.d < 0)
    return fail_expected (c, at, _("a non-negative integer"), member);
  *out = n.is_int ? n.i : (n.d >= 9.2e18 ? G_MAXINT64 : (gint64) n.d);
  return TRUE;
}

static gboolean
read_number (Compiler     *c,
             JsonObject   *o,
             const char   *path,
             const char   *keyword,
             SchemaNumber *out,
             gboolean     *present)
{
  JsonNode *member = json_object_get_member (o, keyword);

  *present = FALSE;
  if (member == NULL)
    return TRUE;
  if (!_kari_json_schema_number (member, out) || !isfinite (out->d))
    {
      g_autofree char *at = child_path (path, keyword);

      return fail_expected (c, at, _("a number"), member);
    }
  *present = TRUE;
  return TRUE;
}

static const char *
read_string (Compiler   *c,
             JsonObject *o,
             const char *path,
             const char *keyword)
{
  JsonNode *member = json_object_get_member (o, keyword);

  if (member == NULL)
    return NULL;
  if (!_kari_json_schema_is_string (member))
    {
      g_autofree char *at = child_path (path, keyword);

      fail_expected (c, at, _("a string"), member);
      return NULL;
    }
  return json_node_get_string (member);
}

static SchemaNode *
read_schema (Compiler   *c,
             JsonObject *o,
             const char *path,
             const char *keyword,
             guint       depth)
{
  JsonNode *member = json_object_get_member (o, keyword);
  g_autofree char *at = NULL;

  if (member == NULL)
    return NULL;
  at = child_path (path, keyword);
  return compile_node (c, member, at, depth + 1);
}

/* A non-empty array of schemas (allOf, anyOf, oneOf, prefixItems). */
static GPtrArray *
read_schema_array (Compiler   *c,
                   JsonObject *o,
                   const char *path,
                   const char *keyword,
                   guint       depth)
{
  JsonNode *member = json_object_get_member (o, keyword);
  g_autoptr(GPtrArray) schemas = NULL;
  JsonArray *array;

  if (member == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (member) || json_array_get_length (json_node_get_array (member)) == 0)
    {
      g_autofree char *at = child_path (path, keyword);

      fail_expected (c, at, _("a non-empty array of schemas"), member);
      return NULL;
    }
  array = json_node_get_array (member);
  schemas = g_ptr_array_sized_new (json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *at = index_path (path, keyword, i);
      SchemaNode *child = compile_node (c, json_array_get_element (array, i), at, depth + 1);

      if (child == NULL)
        return NULL;
      g_ptr_array_add (schemas, child);
    }
  return g_steal_pointer (&schemas);
}

/* An object whose members are schemas (properties, $defs, …), in order. */
static GArray *
read_schema_map (Compiler   *c,
                 JsonObject *o,
                 const char *path,
                 const char *keyword,
                 guint       depth)
{
  JsonNode *member = json_object_get_member (o, keyword);
  g_autoptr(GArray) map = NULL;
  g_autofree char *at = NULL;
  JsonObject *members;
  g_autoptr(GList) names = NULL;

  if (member == NULL)
    return NULL;
  at = child_path (path, keyword);
  if (!JSON_NODE_HOLDS_OBJECT (member))
    {
      fail_expected (c, at, _("an object of schemas"), member);
      return NULL;
    }
  members = json_node_get_object (member);
  map = g_array_sized_new (FALSE, FALSE, sizeof (SchemaProperty), json_object_get_size (members));
  names = json_object_get_members (members);   /* in document order */
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *child_at = child_path (at, l->data);
      SchemaProperty p = { l->data, NULL };

      p.schema = compile_node (c, json_object_get_member (members, l->data), child_at, depth + 1);
      if (p.schema == NULL)
        return NULL;
      g_array_append_val (map, p);
    }
  return g_steal_pointer (&map);
}

static gboolean
read_types (Compiler   *c,
            SchemaNode *node,
            JsonObject *o)
{
  static const struct { const char *name; SchemaType type; } names[] = {
    { "null", TYPE_NULL }, { "boolean", TYPE_BOOLEAN }, { "object", TYPE_OBJECT },
    { "array", TYPE_ARRAY }, { "number", TYPE_NUMBER }, { "string", TYPE_STRING },
    { "integer", TYPE_INTEGER },
  };
  JsonNode *member = json_object_get_member (o, "type");
  g_autofree char *at = NULL;
  JsonArray *list = NULL;
  guint n = 1;

  if (member == NULL)
    return TRUE;
  at = child_path (node->path, "type");
  if (JSON_NODE_HOLDS_ARRAY (member))
    {
      list = json_node_get_array (member);
      n = json_array_get_length (list);
      if (n == 0)
        return fail_expected (c, at, _("a type name or a non-empty array of them"), member);
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = list != NULL ? json_array_get_element (list, i) : member;
      const char *name;
      gboolean found = FALSE;

      if (!_kari_json_schema_is_string (item))
        return fail_expected (c, at, _("a type name or a non-empty array of them"), item);
      name = json_node_get_string (item);
      for (gsize k = 0; k < G_N_ELEMENTS (names); k++)
        if (strcmp (names[k].name, name) == 0)
          {
            node->types |= names[k].type;
            found = TRUE;
          }
      if (!found)
        return fail (c, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, at,
                     _("unknown type “%s” (expected null, boolean, object, array, number, "
                       "string or integer)"), name);
    }
  return TRUE;
}

static gboolean
read_required (Compiler    *c,
               const char  *path,
               const char  *keyword,
               JsonNode    *member,
               GPtrArray  **out)
{
  JsonArray *array;

  *out = NULL;
  if (member == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (member))
    {
      g_autofree char *at = child_path (path, keyword);

      return fail_expected (c, at, _("an array of strings"), member);
    }
  array = json_node_get_array (member);
  *out = g_ptr_array_sized_new (json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!_kari_json_schema_is_string (item))
        {
          g_autofree char *at = child_path (path, keyword);

          g_clear_pointer (out, g_ptr_array_unref);
          return fail_expected (c, at, _("an array of strings"), item);
        }
      g_ptr_array_add (*out, (gpointer) json_node_get_string (item));
    }
  return TRUE;
}

static gboolean
read_dependent_required (Compiler   *c,
                         SchemaNode *node,
                         JsonObject *o)
{
  JsonNode *member = json_object_get_member (o, "dependentRequired");
  g_autofree char *at = NULL;
  g_autoptr(GList) names = NULL;
  JsonObject *map;

  if (member == NULL)
    return TRUE;
  at = child_path (node->path, "dependentRequired");
  if (!JSON_NODE_HOLDS_OBJECT (member))
    return fail_expected (c, at, _("an object of arrays of strings"), member);
  map = json_node_get_object (member);
  node->dependent_required = g_array_new (FALSE, FALSE, sizeof (DependentRequired));
  names = json_object_get_members (map);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autoptr(GPtrArray) list = NULL;
      DependentRequired d = { l->data, NULL };

      if (!read_required (c, at, l->data, json_object_get_member (map, l->data), &list))
        return FALSE;
      g_ptr_array_add (list, NULL);
      d.names = (const char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
      g_array_append_val (node->dependent_required, d);
    }
  return TRUE;
}

static gboolean
compile_pattern (Compiler      *c,
                 const char    *path,
                 const char    *source,
                 SchemaPattern *out)
{
  g_autoptr(GError) error = NULL;

  out->source = source;
  out->regex = _kari_json_schema_regex_new (source, &error);
  if (out->regex == NULL)
    return fail (c, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, path,
                 _("the regular expression “%s” cannot be used: %s"), source, error->message);
  return TRUE;
}

static gboolean
read_pattern_properties (Compiler   *c,
                         SchemaNode *node,
                         JsonObject *o,
                         guint       depth)
{
  g_autoptr(GArray) map = read_schema_map (c, o, node->path, "patternProperties", depth);
  g_autofree char *at = NULL;

  if (map == NULL)
    return c->error == NULL;
  at = child_path (node->path, "patternProperties");
  node->pattern_properties = g_array_sized_new (FALSE, TRUE, sizeof (SchemaPattern), map->len);
  for (guint i = 0; i < map->len; i++)
    {
      SchemaProperty *p = &g_array_index (map, SchemaProperty, i);
      g_autofree char *child_at = child_path (at, p->name);
      SchemaPattern pattern = { NULL, NULL, p->schema };

      if (!compile_pattern (c, child_at, p->name, &pattern))
        return FALSE;
      g_array_append_val (node->pattern_properties, pattern);
    }
  return TRUE;
}

/* Keywords this validator cannot honour and must not silently skip, as
 * skipping them would let values through that the author meant to
 * refuse, or resolve references differently. */
static const char *const unsupported_keywords[] = {
  "$dynamicRef", "$recursiveRef", "unevaluatedProperties", "unevaluatedItems",
};

static gboolean
compile_keywords (Compiler   *c,
                  SchemaNode *node,
                  JsonObject *o,
                  guint       depth)
{
  const char *path = node->path;
  JsonNode *member;
  gboolean present;
  g_autoptr(GArray) defs = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (unsupported_keywords); i++)
    if (json_object_has_member (o, unsupported_keywords[i]))
      {
        g_autofree char *at = child_path (path, unsupported_keywords[i]);

        return fail (c, KARI_JSON_SCHEMA_ERROR_UNSUPPORTED, at,
                     _("the keyword “%s” is not supported"), unsupported_keywords[i]);
      }
  if (depth > 0 && json_object_has_member (o, "$id"))
    {
      g_autofree char *at = child_path (path, "$id");

      return fail (c, KARI_JSON_SCHEMA_ERROR_UNSUPPORTED, at,
                   _("“$id” is only supported at the top of the schema, as nested "
                     "resources change what references mean"));
    }

  /* Metadata */
  node->title = read_string (c, o, path, "title");
  node->description = read_string (c, o, path, "description");
  node->default_value = json_object_get_member (o, "default");
  node->format_name = read_string (c, o, path, "format");
  if (c->error != NULL)
    return FALSE;
  if (node->format_name != NULL)
    node->format = _kari_json_schema_format_lookup (node->format_name);

  if (json_object_has_member (o, "$anchor"))
    {
      const char *anchor = read_string (c, o, path, "$anchor");

      if (anchor == NULL)
        return FALSE;
      if (g_hash_table_contains (c->anchors, anchor))
        return fail (c, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, path,
                     _("the anchor “%s” is defined twice"), anchor);
      g_hash_table_insert (c->anchors, (gpointer) anchor, node);
    }
  if (json_object_has_member (o, "$ref"))
    {
      node->ref = read_string (c, o, path, "$ref");
      if (node->ref == NULL)
        return FALSE;
      g_queue_push_tail (&c->refs, node);
    }

  /* Any instance */
  if (!read_types (c, node, o))
    return FALSE;
  if ((member = json_object_get_member (o, "enum")) != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          g_autofree char *at = child_path (path, "enum");

          return fail_expected (c, at, _("an array"), member);
        }
      node->enum_values = json_node_get_array (member);
    }
  node->const_value = json_object_get_member (o, "const");

  /* Numbers */
  if (!read_number (c, o, path, "minimum", &node->minimum, &present))
    return FALSE;
  node->has_minimum = present;
  if (!read_number (c, o, path, "maximum", &node->maximum, &present))
    return FALSE;
  node->has_maximum = present;
  if (!read_number (c, o, path, "exclusiveMinimum", &node->exclusive_minimum, &present))
    return FALSE;
  node->has_exclusive_minimum = present;
  if (!read_number (c, o, path, "exclusiveMaximum", &node->exclusive_maximum, &present))
    return FALSE;
  node->has_exclusive_maximum = present;
  if (!read_number (c, o, path, "multipleOf", &node->multiple_of, &present))
    return FALSE;
  node->has_multiple_of = present;
  if (present && node->multiple_of.d <= 0)
    {
      g_autofree char *at = child_path (path, "multipleOf");

      return fail_expected (c, at, _("a number greater than 0"), json_object_get_member (o, "multipleOf"));
    }

  /* Strings */
  if (!read_count (c, o, path, "minLength", &node->min_length)
      || !read_count (c, o, path, "maxLength", &node->max_length))
    return FALSE;
  if (json_object_has_member (o, "pattern"))
    {
      const char *source = read_string (c, o, path, "pattern");
      g_autofree char *at = child_path (path, "pattern");

      if (source == NULL || !compile_pattern (c, at, source, &node->pattern))
        return FALSE;
    }

  /* Arrays */
  if (!read_count (c, o, path, "minItems", &node->min_items)
      || !read_count (c, o, path, "maxItems", &node->max_items)
      || !read_count (c, o, path, "minContains", &node->min_contains)
      || !read_count (c, o, path, "maxContains", &node->max_contains))
    return FALSE;
  if ((member = json_object_get_member (o, "uniqueItems")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          g_autofree char *at = child_path (path, "uniqueItems");

          return fail_expected (c, at, _("true or false"), member);
        }
      node->unique_items = json_node_get_boolean (member);
    }
  if ((member = json_object_get_member (o, "items")) != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      g_autofree char *at = child_path (path, "items");

      return fail (c, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, at,
                   _("“items” must be a schema in JSON Schema 2020-12; a list of schemas "
                     "for the first items is written “prefixItems”"));
    }
  node->prefix_items = read_schema_array (c, o, path, "prefixItems", depth);
  node->items = read_schema (c, o, path, "items", depth);
  node->contains = read_schema (c, o, path, "contains", depth);
  if (c->error != NULL)
    return FALSE;

  /* Objects */
  if (!read_count (c, o, path, "minProperties", &node->min_properties)
      || !read_count (c, o, path, "maxProperties", &node->max_properties)
      || !read_required (c, path, "required", json_object_get_member (o, "required"),
                         &node->required)
      || !read_dependent_required (c, node, o))
    return FALSE;
  node->properties = read_schema_map (c, o, path, "properties", depth);
  if (c->error != NULL)
    return FALSE;
  if (node->properties != NULL && node->properties->len > 8)
    {
      node->property_index = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < node->properties->len; i++)
        {
          SchemaProperty *p = &g_array_index (node->properties, SchemaProperty, i);

          g_hash_table_insert (node->property_index, (gpointer) p->name, p->schema);
        }
    }
  if (!read_pattern_properties (c, node, o, depth))
    return FALSE;
  node->additional_properties = read_schema (c, o, path, "additionalProperties", depth);
  node->property_names = read_schema (c, o, path, "propertyNames", depth);
  node->dependent_schemas = read_schema_map (c, o, path, "dependentSchemas", depth);
  if (c->error != NULL)
    return FALSE;

  /* Applicators on the same value */
  node->all_of = read_schema_array (c, o, path, "allOf", depth);
  node->any_of = read_schema_array (c, o, path, "anyOf", depth);
  node->one_of = read_schema_array (c, o, path, "oneOf", depth);
  node->not = read_schema (c, o, path, "not", depth);
  node->if_ = read_schema (c, o, path, "if", depth);
  node->then_ = read_schema (c, o, path, "then", depth);
  node->else_ = read_schema (c, o, path, "else", depth);
  if (c->error != NULL)
    return FALSE;

  /* Compiled so that mistakes in unused definitions are found too. */
  defs = read_schema_map (c, o, path, "$defs", depth);
  if (c->error != NULL)
    return FALSE;
  return TRUE;
}

static SchemaNode *
compile_node (Compiler   *c,
              JsonNode   *json,
              const char *path,
              guint       depth)
{
  SchemaNode *node;

  if (c->error != NULL)
    return NULL;
  if ((node = g_hash_table_lookup (c->by_json, json)) != NULL)
    return node;
  if (depth > KARI_JSON_SCHEMA_MAX_DEPTH)
    {
      fail (c, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, path,
            _("subschemas nest more than %d deep"), KARI_JSON_SCHEMA_MAX_DEPTH);
      return NULL;
    }

  if (JSON_NODE_HOLDS_VALUE (json) && json_node_get_value_type (json) == G_TYPE_BOOLEAN)
    {
      node = g_new0 (SchemaNode, 1);
      node->is_bool = TRUE;
      node->bool_value = json_node_get_boolean (json);
    }
  else if (JSON_NODE_HOLDS_OBJECT (json))
    {
      node = g_new0 (SchemaNode, 1);
    }
  else
    {
      fail_expected (c, path, _("a schema (an object, true or false)"), json);
      return NULL;
    }

  node->json = json;
  node->path = g_strdup (path);
  node->min_length = node->max_length = node->min_items = node->max_items = -1;
  node->min_properties = node->max_properties = node->min_contains = node->max_contains = -1;
  g_ptr_array_add (c->self->nodes, node);
  /* Registered before the members are compiled, so a subschema that
   * reaches back here by `$ref` finds it. */
  g_hash_table_insert (c->by_json, json, node);

  if (!node->is_bool && !compile_keywords (c, node, json_node_get_object (json), depth))
    return NULL;
  return node;
}

/* ------------------------------------------------------------------ */
/* References                                                         */

static gboolean
resolve_ref (Compiler   *c,
             SchemaNode *node)
{
  const char *ref = node->ref;
  g_autofree char *at = child_path (node->path, "$ref");
  g_autofree char *pointer = NULL;
  JsonNode *target;

  if (c->root_id != NULL && g_str_has_prefix (ref, c->root_id) && ref[strlen (c->root_id)] == '#')
    ref += strlen (c->root_id);
  if (c->root_id != NULL && strcmp (ref, c->root_id) == 0)
    ref = "#";
  if (ref[0] != '#')
    return fail (c, KARI_JSON_SCHEMA_ERROR_UNSUPPORTED, at,
                 _("the reference “%s” leaves the schema; only references inside it "
                   "(“#/$defs/…”) are supported"), node->ref);

  if (ref[1] != '\0' && ref[1] != '/')
    {
      node->ref_target = g_hash_table_lookup (c->anchors, ref + 1);
      if (node->ref_target == NULL)
        return fail (c, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, at,
                     _("the reference “%s” names no “$anchor” of the schema"), node->ref);
      return TRUE;
    }

  pointer = g_uri_unescape_string (ref + 1, NULL);
  if (pointer == NULL || (target = _kari_json_schema_follow_pointer (c->self->document, pointer)) == NULL)
    return fail (c, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA, at,
                 _("the reference “%s” does not lead to anything in the schema"), node->ref);
  node->ref_target = compile_node (c, target, pointer, 0);
  return node->ref_target != NULL;
}

gboolean
_kari_json_schema_compile (KariJsonSchema  *self,
                           char           **error_pointer,
                           GError         **error)
{
  Compiler c = { self, NULL, NULL, G_QUEUE_INIT, NULL, NULL, NULL };
  JsonNode *root = self->document;
  SchemaNode *node;

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *id = json_object_get_member (json_node_get_object (root), "$id");

      if (id != NULL && _kari_json_schema_is_string (id))
        c.root_id = json_node_get_string (id);
    }

  c.by_json = g_hash_table_new (NULL, NULL);
  c.anchors = g_hash_table_new (g_str_hash, g_str_equal);
  self->root = compile_node (&c, root, "", 0);
  while (c.error == NULL && (node = g_queue_pop_head (&c.refs)) != NULL)
    resolve_ref (&c, node);
  if (c.error == NULL)
    _kari_json_schema_check_loops (self, &c.error_pointer, &c.error);

  g_queue_clear (&c.refs);
  g_hash_table_unref (c.by_json);
  g_hash_table_unref (c.anchors);
  if (c.error != NULL)
    {
      self->root = NULL;
      g_propagate_error (error, c.error);
      if (error_pointer != NULL)
        *error_pointer = g_steal_pointer (&c.error_pointer);
      g_free (c.error_pointer);
      return FALSE;
    }
  return TRUE;
}
