/* kari-manifest-validate-private.h — the table-driven validator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-manifest-private.h"

G_BEGIN_DECLS

typedef enum
{
  KIND_ANY,       /* the checker decides (fields with two accepted forms) */
  KIND_STRING,
  KIND_INTEGER,
  KIND_BOOLEAN,
  KIND_ARRAY,
  KIND_OBJECT,
} Kind;

typedef enum
{
  F_REQUIRED = 1 << 0,
  F_UNIQUE   = 1 << 1,   /* array of strings: no entry twice */
  F_NONEMPTY = 1 << 2,   /* array: at least one entry */
} FieldFlags;

/* What the capabilities say an extension provides. */
typedef enum
{
  PROVIDES_UI,
  PROVIDES_API,
  PROVIDES_TASKS,
  PROVIDES_WEBHOOKS,
  PROVIDES_MODEL,
  N_PROVIDES,
  PROVIDES_NOTHING = N_PROVIDES,
} Provides;

typedef enum
{
  PROVIDES_UNSET = -1,   /* not said either way */
  PROVIDES_NO = 0,
  PROVIDES_YES = 1,
} ProvidesState;

typedef struct _Validator Validator;
typedef struct _Field Field;

typedef void (*CheckFunc) (Validator   *v,
                           const Field *f,
                           const char  *path,
                           JsonNode    *node);

/*
 * One member of an object. For arrays, @check runs on every element
 * that has @item_kind, after @members (for elements that are objects).
 * For strings, @min/@max bound the length in characters; for integers,
 * the value (both 0: unbounded). @store_offset, when not 0, is where in
 * KariManifestInfo a string or integer is copied.
 */
struct _Field
{
  const char  *name;
  Kind         kind;
  guint        flags;
  const char  *expected;
  CheckFunc    check;
  const Field *members;
  Kind         item_kind;
  const char  *item_expected;
  guint        max_items;
  gint64       min;
  gint64       max;
  gsize        store_offset;
};

struct _Validator
{
  KariLocations    *locations;
  const char       *filename;
  GPtrArray        *diagnostics;
  KariManifestInfo *info;
  guint             n_errors;

  GHashTable       *unique;           /* "set\x1fvalue" of values that must be unique */
  ProvidesState     provides[N_PROVIDES];
  char             *capabilities_path; /* where provides[] was said */
  gboolean          capabilities_list_form;
  guint             n_pages;
  guint             n_web_pages;
  guint             n_endpoints;
  guint             n_tasks;
  guint             n_webhooks;
};

#define INFO_OFFSET(member) (G_STRUCT_OFFSET (KariManifestInfo, member))

extern const Field _kari_manifest_root_fields[];

/* Shared by kari-manifest-fields.c and kari-manifest-surface.c */
#define NAME_EXPECTED \
  "a name of 1 to 64 lowercase letters, digits, “-”, “_” or “.”, " \
  "not starting with “.” or “-”"
gboolean _kari_manifest_is_relative_path         (const char  *s);
gboolean _kari_manifest_add_unique               (Validator   *v,
                                                  const char  *set,
                                                  const char  *value);
gboolean _kari_manifest_is_http_url              (const char  *s);
void     _kari_manifest_check_url                (Validator   *v,
                                                  const Field *f,
                                                  const char  *path,
                                                  JsonNode    *node);
void     _kari_manifest_check_argv               (Validator   *v,
                                                  const Field *f,
                                                  const char  *path,
                                                  JsonNode    *node);
gboolean _kari_manifest_is_valid_name            (const char  *s);
void     _kari_manifest_check_relative_path      (Validator   *v,
                                                  const Field *f,
                                                  const char  *path,
                                                  JsonNode    *node);
gboolean _kari_manifest_is_url_path              (const char  *s);
void     _kari_manifest_report_duplicate         (Validator   *v,
                                                  const char  *path,
                                                  const char  *what,
                                                  const char  *value);
gboolean _kari_manifest_is_dotted_identifier     (const char  *s);
void     _kari_manifest_count_webhook            (Validator   *v,
                                                  const Field *f,
                                                  const char  *path,
                                                  JsonNode    *node);
void     _kari_manifest_check_config             (Validator   *v,
                                                  const Field *f,
                                                  const char  *path,
                                                  JsonNode    *node);
void     _kari_manifest_check_task               (Validator   *v,
                                                  const Field *f,
                                                  const char  *path,
                                                  JsonNode    *node);
extern const Field _kari_manifest_ui_fields[];
extern const Field _kari_manifest_webhook_fields[];
extern const Field _kari_manifest_config_fields[];
extern const Field _kari_manifest_marketplace_fields[];
extern const Field _kari_manifest_task_fields[];
extern const Field _kari_manifest_api_fields[];
extern const Field _kari_manifest_event_fields[];


void  _kari_validator_report            (Validator    *v,
                                         KariSeverity  severity,
                                         const char   *path,
                                         const char   *format,
                                         ...) G_GNUC_PRINTF (4, 5);
void  _kari_validator_expected          (Validator    *v,
                                         const char   *path,
                                         const char   *expected,
                                         JsonNode     *got);
void  _kari_validator_walk_object       (Validator    *v,
                                         const Field  *table,
                                         const char   *path,
                                         JsonObject   *object);
void  _kari_validator_check_consistency (Validator    *v,
                                         JsonObject   *root);
char *_kari_describe_value              (JsonNode     *node);

G_END_DECLS
