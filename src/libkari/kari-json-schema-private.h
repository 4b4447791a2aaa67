/* kari-json-schema-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The compiled form of a JSON Schema, shared by the compiler, the
 * validator, the format checkers and the field lister. Every subschema
 * becomes one SchemaNode; a `$ref` points at the node of its target, so
 * validation never parses or resolves anything.
 */
#pragma once

#include "kari-json-schema.h"

G_BEGIN_DECLS

/* Subschemas nested deeper than this in the schema document are refused. */
#define KARI_JSON_SCHEMA_MAX_DEPTH 128
/* In-place applicators (`$ref`, `allOf`, …) chained deeper than this are
 * refused at compile time. */
#define KARI_JSON_SCHEMA_MAX_CHAIN 64
/* Validation descends at most this deep (instance nesting and in-place
 * applicators together) … */
#define KARI_JSON_SCHEMA_MAX_VALIDATION_DEPTH 256
/* … and evaluates at most this many (subschema, value) pairs. */
#define KARI_JSON_SCHEMA_MAX_STEPS 1000000
/* Backtracking steps one `pattern` match may take. */
#define KARI_JSON_SCHEMA_PATTERN_LIMIT 100000

typedef enum
{
  TYPE_NULL    = 1 << 0,
  TYPE_BOOLEAN = 1 << 1,
  TYPE_OBJECT  = 1 << 2,
  TYPE_ARRAY   = 1 << 3,
  TYPE_NUMBER  = 1 << 4,
  TYPE_STRING  = 1 << 5,
  TYPE_INTEGER = 1 << 6,
} SchemaType;

typedef enum
{
  FORMAT_NONE,       /* no `format`, or one only annotated */
  FORMAT_DATE_TIME,
  FORMAT_DATE,
  FORMAT_TIME,
  FORMAT_EMAIL,
  FORMAT_URI,
  FORMAT_HOSTNAME,
  FORMAT_IPV4,
  FORMAT_IPV6,
  FORMAT_UUID,
} SchemaFormat;

/* A JSON number kept exactly: integers as integers. */
typedef struct
{
  gboolean is_int;
  gint64   i;
  double   d;
} SchemaNumber;

typedef struct _SchemaNode SchemaNode;

typedef struct
{
  const char *name;
  SchemaNode *schema;
} SchemaProperty;

typedef struct
{
  GRegex     *regex;
  const char *source;
  SchemaNode *schema;   /* NULL for a bare `pattern` */
} SchemaPattern;

struct _SchemaNode
{
  JsonNode     *json;          /* borrowed from the schema document */
  char         *path;          /* JSON Pointer of this subschema */

  guint         is_bool : 1;
  guint         bool_value : 1;
  guint         unique_items : 1;
  guint         has_minimum : 1;
  guint         has_maximum : 1;
  guint         has_exclusive_minimum : 1;
  guint         has_exclusive_maximum : 1;
  guint         has_multiple_of : 1;
  guint         visit : 2;     /* cycle check: 0 new, 1 on stack, 2 done */

  guint         types;         /* SchemaType bits; 0 when `type` is absent */
  JsonArray    *enum_values;
  JsonNode     *const_value;
  JsonNode     *default_value;
  const char   *title;
  const char   *description;
  const char   *format_name;
  SchemaFormat  format;

  SchemaNumber  minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;
  gint64        min_length, max_length;        /* -1 when absent */
  gint64        min_items, max_items;
  gint64        min_properties, max_properties;
  gint64        min_contains, max_contains;
  SchemaPattern pattern;

  GArray       *properties;          /* SchemaProperty, schema order */
  GHashTable   *property_index;      /* name → SchemaNode, when many */
  GArray       *pattern_properties;  /* SchemaPattern */
  SchemaNode   *additional_properties;
  SchemaNode   *property_names;
  GPtrArray    *required;            /* const char * */
  GArray       *dependent_required;  /* DependentRequired */
  GArray       *dependent_schemas;   /* SchemaProperty */

  GPtrArray    *prefix_items;        /* SchemaNode * */
  SchemaNode   *items;
  SchemaNode   *contains;

  GPtrArray    *all_of;
  GPtrArray    *any_of;
  GPtrArray    *one_of;
  SchemaNode   *not;
  SchemaNode   *if_;
  SchemaNode   *then_;
  SchemaNode   *else_;

  const char   *ref;                 /* the `$ref` text */
  SchemaNode   *ref_target;
};

typedef struct
{
  const char  *name;
  const char **names;   /* NULL-terminated, borrowed */
} DependentRequired;

struct _KariJsonSchema
{
  GObject     parent_instance;
  JsonNode   *document;
  GPtrArray  *nodes;     /* every SchemaNode, owned */
  SchemaNode *root;
};

KariJsonSchema *_kari_json_schema_new_full   (JsonNode           *schema,
                                               char              **error_pointer,
                                               GError            **error);
gboolean     _kari_json_schema_compile        (KariJsonSchema     *self,
                                               char              **error_pointer,
                                               GError            **error);
void         _kari_json_schema_node_free      (SchemaNode         *node);
JsonNode    *_kari_json_schema_follow_pointer (JsonNode           *root,
                                               const char         *pointer);
gboolean     _kari_json_schema_check_loops    (KariJsonSchema     *self,
                                               char              **error_pointer,
                                               GError            **error);
SchemaNode  *_kari_json_schema_property       (SchemaNode         *node,
                                               const char         *name);

gboolean     _kari_json_schema_number         (JsonNode           *node,
                                               SchemaNumber       *number);
int          _kari_json_schema_number_compare (const SchemaNumber *a,
                                               const SchemaNumber *b);
gboolean     _kari_json_schema_equal          (JsonNode           *a,
                                               JsonNode           *b);
char        *_kari_json_schema_describe       (JsonNode           *node);
char        *_kari_json_schema_number_text    (const SchemaNumber *number);
gboolean     _kari_json_schema_is_string      (JsonNode           *node);

GRegex      *_kari_json_schema_regex_new      (const char         *ecma,
                                               GError            **error);

SchemaFormat _kari_json_schema_format_lookup  (const char         *name);
gboolean     _kari_json_schema_format_check   (SchemaFormat        format,
                                               const char         *text);
const char  *_kari_json_schema_format_what    (SchemaFormat        format);

G_END_DECLS
