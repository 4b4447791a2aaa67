/* kari-config.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "kari-json-schema.h"
#include "kari-manifest.h"
#include "kari-registry.h"

G_BEGIN_DECLS

#define KARI_CONFIG_ERROR (kari_config_error_quark ())

/**
 * KARI_CONFIG_MAX_SIZE:
 *
 * The most an extension's stored settings in one tenant may take, as
 * compact JSON, in bytes; a change past it is refused.
 */
#define KARI_CONFIG_MAX_SIZE (256 * 1024)

/**
 * KariConfigError:
 * @KARI_CONFIG_ERROR_NO_SCHEMA: the extension declares no `config.schema`,
 *   so it has no settings to change
 * @KARI_CONFIG_ERROR_BAD_SCHEMA: its `config.schema` is not a valid schema
 * @KARI_CONFIG_ERROR_BAD_KEY: the key is not a JSON Pointer or dotted path,
 *   or goes through a value that is not an object
 * @KARI_CONFIG_ERROR_INVALID: the value breaks the schema; the message
 *   names the instance path and the rule
 * @KARI_CONFIG_ERROR_STORED: what is stored is not a JSON object (the
 *   registry was edited by hand)
 */
typedef enum
{
  KARI_CONFIG_ERROR_NO_SCHEMA,
  KARI_CONFIG_ERROR_BAD_SCHEMA,
  KARI_CONFIG_ERROR_BAD_KEY,
  KARI_CONFIG_ERROR_INVALID,
  KARI_CONFIG_ERROR_STORED,
} KariConfigError;

#define KARI_TYPE_CONFIG (kari_config_get_type ())
G_DECLARE_FINAL_TYPE (KariConfig, kari_config, KARI, CONFIG, GObject)

GQuark          kari_config_error_quark       (void);

char           *kari_config_key_to_pointer    (const char    *key,
                                               GError       **error);

KariConfig     *kari_config_new               (KariRegistry  *registry,
                                               KariManifest  *manifest,
                                               const char    *tenant,
                                               GError       **error);
const char     *kari_config_get_extension     (KariConfig    *self);
const char     *kari_config_get_tenant        (KariConfig    *self);
KariJsonSchema *kari_config_get_schema        (KariConfig    *self);
gboolean        kari_config_is_secret         (KariConfig    *self,
                                               const char    *pointer);
GStrv           kari_config_dup_secret_keys   (KariConfig    *self);

JsonNode       *kari_config_get               (KariConfig    *self,
                                               gboolean       with_secrets,
                                               GError       **error);
JsonNode       *kari_config_get_value         (KariConfig    *self,
                                               const char    *key,
                                               gboolean       with_secrets,
                                               GError       **error);
gboolean        kari_config_secret_is_set     (KariConfig    *self,
                                               const char    *key,
                                               GError       **error);
JsonNode       *kari_config_parse_value       (KariConfig    *self,
                                               const char    *key,
                                               const char    *text,
                                               GError       **error);
gboolean        kari_config_set               (KariConfig    *self,
                                               const char    *key,
                                               JsonNode      *value,
                                               GError       **error);
gboolean        kari_config_reset             (KariConfig    *self,
                                               const char    *key,
                                               GError       **error);
void            kari_config_set_async         (KariConfig          *self,
                                               const char          *key,
                                               JsonNode            *value,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        kari_config_set_finish        (KariConfig          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void            kari_config_reset_async       (KariConfig          *self,
                                               const char          *key,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        kari_config_reset_finish      (KariConfig          *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
