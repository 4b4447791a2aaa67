/* kari-json-schema-validate-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The validation walk, shared by the checks on single values
 * (kari-json-schema-validate.c) and on arrays and objects
 * (kari-json-schema-containers.c).
 */
#pragma once

#include "kari-json-schema-private.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;    /* a member name, or NULL for an array index */
  guint       index;
} Segment;

typedef struct
{
  GPtrArray *problems;     /* NULL when problems are not wanted */
  gboolean   stop_early;   /* the first problem decides */
  gboolean   exhausted;    /* a depth or step limit was hit */
  guint      depth;
  guint64    steps;
  GArray    *segments;
} Ctx;

gboolean _kari_json_schema_validate_node     (Ctx        *ctx,
                                             SchemaNode *node,
                                             JsonNode   *inst);
gboolean _kari_json_schema_validate_silently (Ctx        *ctx,
                                             SchemaNode *node,
                                             JsonNode   *inst);
gboolean _kari_json_schema_report            (Ctx        *ctx,
                                             SchemaNode *node,
                                             const char *keyword,
                                             const char *format,
                                             ...) G_GNUC_PRINTF (4, 5);
char    *_kari_json_schema_instance_path     (Ctx        *ctx);
void     _kari_json_schema_push_name         (Ctx        *ctx,
                                             const char *name);
void     _kari_json_schema_push_index        (Ctx        *ctx,
                                             guint       index);
void     _kari_json_schema_pop               (Ctx        *ctx);
gboolean _kari_json_schema_check_array       (Ctx        *ctx,
                                             SchemaNode *node,
                                             JsonNode   *inst);
gboolean _kari_json_schema_check_object      (Ctx        *ctx,
                                             SchemaNode *node,
                                             JsonNode   *inst);

G_END_DECLS
