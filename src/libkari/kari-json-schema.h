/* kari-json-schema.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KARI_JSON_SCHEMA_ERROR (kari_json_schema_error_quark ())

/**
 * KariJsonSchemaError:
 * @KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA: the schema itself is not valid
 *   (unknown type name, `$ref` that does not resolve, a regular expression
 *   that does not compile, a keyword with a value of the wrong type, …);
 *   the message names the schema location as a JSON Pointer
 * @KARI_JSON_SCHEMA_ERROR_INVALID_INSTANCE: an instance broke the schema;
 *   the message names the instance path and the rule broken
 * @KARI_JSON_SCHEMA_ERROR_UNSUPPORTED: the schema uses a keyword this
 *   validator does not implement and cannot ignore safely (remote `$ref`,
 *   `$dynamicRef`, …)
 */
typedef enum
{
  KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA,
  KARI_JSON_SCHEMA_ERROR_INVALID_INSTANCE,
  KARI_JSON_SCHEMA_ERROR_UNSUPPORTED,
} KariJsonSchemaError;

#define KARI_TYPE_JSON_SCHEMA_PROBLEM (kari_json_schema_problem_get_type ())

/**
 * KariJsonSchemaProblem:
 * @instance_path: where in the instance, as a JSON Pointer (`""` is the
 *   root, `/servers/2/port`)
 * @schema_path: the keyword that failed, as a JSON Pointer into the schema
 *   (`/properties/servers/items/properties/port/maximum`)
 * @keyword: the keyword, e.g. `maximum`, `required`, `format`
 * @message: a sentence a person can act on, e.g. “/servers/2/port: 70000
 *   is greater than the maximum 65535”
 *
 * One rule an instance broke.
 */
typedef struct
{
  char *instance_path;
  char *schema_path;
  char *keyword;
  char *message;
} KariJsonSchemaProblem;

GType                  kari_json_schema_problem_get_type (void) G_GNUC_CONST;
KariJsonSchemaProblem *kari_json_schema_problem_copy     (const KariJsonSchemaProblem *self);
void                   kari_json_schema_problem_free     (KariJsonSchemaProblem       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariJsonSchemaProblem, kari_json_schema_problem_free)

/**
 * KariJsonSchemaFieldKind:
 * @KARI_JSON_SCHEMA_FIELD_BOOLEAN: a switch
 * @KARI_JSON_SCHEMA_FIELD_INTEGER: a spin button with step 1
 * @KARI_JSON_SCHEMA_FIELD_NUMBER: a spin button
 * @KARI_JSON_SCHEMA_FIELD_STRING: an entry (a password entry when secret)
 * @KARI_JSON_SCHEMA_FIELD_ENUM: a drop-down of fixed choices
 * @KARI_JSON_SCHEMA_FIELD_OBJECT: a group of fields
 * @KARI_JSON_SCHEMA_FIELD_ARRAY: a list of values
 * @KARI_JSON_SCHEMA_FIELD_OTHER: anything else (shown as JSON text)
 */
typedef enum
{
  KARI_JSON_SCHEMA_FIELD_BOOLEAN,
  KARI_JSON_SCHEMA_FIELD_INTEGER,
  KARI_JSON_SCHEMA_FIELD_NUMBER,
  KARI_JSON_SCHEMA_FIELD_STRING,
  KARI_JSON_SCHEMA_FIELD_ENUM,
  KARI_JSON_SCHEMA_FIELD_OBJECT,
  KARI_JSON_SCHEMA_FIELD_ARRAY,
  KARI_JSON_SCHEMA_FIELD_OTHER,
} KariJsonSchemaFieldKind;

#define KARI_TYPE_JSON_SCHEMA_FIELD (kari_json_schema_field_get_type ())

/**
 * KariJsonSchemaField:
 * @pointer: the field's place in the config, as a JSON Pointer (`/proxy/port`)
 * @key: the last member name (`port`)
 * @kind: what widget suits it
 * @title: (nullable): `title`, or %NULL
 * @description: (nullable): `description`, or %NULL
 * @required: whether the enclosing object lists it in `required`
 * @secret: whether it holds a secret (`"writeOnly": true`, `"format":
 *   "password"` or `"x-kari-secret": true`): stored in the keyring, shown
 *   in a password entry, never echoed back
 * @has_minimum: whether @minimum is set (from minimum or exclusiveMinimum)
 * @minimum: the smallest allowed value
 * @has_maximum: whether @maximum is set
 * @maximum: the largest allowed value
 * @choices: (nullable): for %KARI_JSON_SCHEMA_FIELD_ENUM, the allowed
 *   values (from `enum`, or from a `oneOf` of `const` each with a `title`)
 * @choice_labels: (nullable): a label per choice (the `title`s, or the
 *   values as text), same length as @choices
 * @default_value: (nullable): `default`, or %NULL
 * @format: (nullable): `format`, or %NULL
 *
 * What a generated preferences page needs to know about one setting.
 */
typedef struct
{
  char                    *pointer;
  char                    *key;
  KariJsonSchemaFieldKind  kind;
  char                    *title;
  char                    *description;
  gboolean                 required;
  gboolean                 secret;
  gboolean                 has_minimum;
  double                   minimum;
  gboolean                 has_maximum;
  double                   maximum;
  JsonArray               *choices;
  GStrv                    choice_labels;
  JsonNode                *default_value;
  char                    *format;
} KariJsonSchemaField;

GType                kari_json_schema_field_get_type (void) G_GNUC_CONST;
KariJsonSchemaField *kari_json_schema_field_copy     (const KariJsonSchemaField *self);
void                 kari_json_schema_field_free     (KariJsonSchemaField       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariJsonSchemaField, kari_json_schema_field_free)

#define KARI_TYPE_JSON_SCHEMA (kari_json_schema_get_type ())
G_DECLARE_FINAL_TYPE (KariJsonSchema, kari_json_schema, KARI, JSON_SCHEMA, GObject)

GQuark          kari_json_schema_error_quark     (void);

/**
 * kari_json_schema_new:
 * @schema: a JSON Schema 2020-12 document (an object or a boolean)
 * @error: return location for a #KARI_JSON_SCHEMA_ERROR
 *
 * Compiles @schema once (patterns, `$ref`s, formats) so that validation
 * does no parsing. Only local references (`#/$defs/…`, `#/…`) are
 * followed; nothing is ever loaded from outside @schema.
 *
 * Returns: (transfer full): the compiled schema, or %NULL
 */
KariJsonSchema *kari_json_schema_new             (JsonNode        *schema,
                                                  GError         **error);

/**
 * kari_json_schema_validate:
 * @self: a compiled schema
 * @instance: the value to check
 * @problems: (out) (optional) (element-type KariJsonSchemaProblem) (transfer container):
 *   every rule broken, in document order
 * @error: return location for %KARI_JSON_SCHEMA_ERROR_INVALID_INSTANCE,
 *   whose message is the first problem's
 *
 * Returns: %TRUE if @instance is valid
 */
gboolean        kari_json_schema_validate        (KariJsonSchema  *self,
                                                  JsonNode        *instance,
                                                  GPtrArray      **problems,
                                                  GError         **error);

/**
 * kari_json_schema_apply_defaults:
 * @self: a compiled schema
 * @instance: (nullable): a config object, or %NULL for none
 *
 * Fills in `default` values of object properties that @instance lacks,
 * recursively through `properties`. @instance is not changed.
 *
 * Returns: (transfer full): a new node with the defaults applied
 */
JsonNode       *kari_json_schema_apply_defaults  (KariJsonSchema  *self,
                                                  JsonNode        *instance);

/**
 * kari_json_schema_list_fields:
 * @self: a compiled schema
 *
 * Describes the settings of an object schema for a generated preferences
 * page: every property, depth first, in the order the schema lists them
 * (objects are listed before their members).
 *
 * Returns: (transfer container) (element-type KariJsonSchemaField): the fields
 */
GPtrArray      *kari_json_schema_list_fields     (KariJsonSchema  *self);

/**
 * kari_json_schema_get_root:
 * @self: a compiled schema
 *
 * Returns: (transfer none): the schema document it was compiled from
 */
JsonNode       *kari_json_schema_get_root        (KariJsonSchema  *self);

G_END_DECLS
