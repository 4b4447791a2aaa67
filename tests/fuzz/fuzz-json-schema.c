/* fuzz-json-schema.c: compiles a schema and validates an instance, both
 * from the input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is SCHEMA, a NUL byte, INSTANCE; without a NUL byte the
 * document is both schema and instance. Whatever the bytes, compiling
 * gives a schema or an error, validating gives a verdict, problems
 * agree with it, and listing fields and filling defaults do not crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kari-json-schema.h"
#include "kari-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  const char *nul = memchr (data, '\0', size);
  size_t schema_len = nul != NULL ? (size_t) (nul - text) : size;
  const char *instance_text = nul != NULL ? nul + 1 : text;
  size_t instance_len = nul != NULL ? size - schema_len - 1 : size;
  g_autoptr(JsonNode) schema_node = NULL;
  g_autoptr(JsonNode) instance = NULL;
  g_autoptr(KariJsonSchema) schema = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(JsonNode) filled = NULL;
  g_autoptr(GError) error = NULL;
  gboolean valid;

  schema_node = kari_json_parse (text, (gssize) schema_len, NULL, NULL, NULL);
  if (schema_node == NULL)
    return 0;
  schema = kari_json_schema_new (schema_node, &error);
  if ((schema == NULL) == (error == NULL))
    __builtin_trap ();
  if (schema == NULL)
    return 0;

  fields = kari_json_schema_list_fields (schema);
  filled = kari_json_schema_apply_defaults (schema, NULL);
  instance = kari_json_parse (instance_text, (gssize) instance_len, NULL, NULL, NULL);
  if (instance == NULL)
    return 0;

  valid = kari_json_schema_validate (schema, instance, &problems, &error);
  if (valid != (problems->len == 0) || valid != (error == NULL))
    __builtin_trap ();
  if (valid != kari_json_schema_validate (schema, instance, NULL, NULL))
    __builtin_trap ();
  return 0;
}
