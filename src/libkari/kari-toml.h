/* kari-toml.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "kari-location.h"

G_BEGIN_DECLS

#define KARI_TOML_ERROR (kari_toml_error_quark ())

/**
 * KariTomlError:
 * @KARI_TOML_ERROR_ENCODING: the text is not valid UTF-8 or holds a forbidden control character
 * @KARI_TOML_ERROR_SYNTAX: the text is not TOML 1.0
 * @KARI_TOML_ERROR_DUPLICATE_KEY: a key or table is defined twice
 * @KARI_TOML_ERROR_INVALID_VALUE: a value is malformed (number out of range, bad date, bad escape)
 * @KARI_TOML_ERROR_TOO_DEEP: nesting passes the limit
 * @KARI_TOML_ERROR_TOO_LARGE: the text passes the size limit
 *
 * Why a TOML document was refused.
 */
typedef enum
{
  KARI_TOML_ERROR_ENCODING,
  KARI_TOML_ERROR_SYNTAX,
  KARI_TOML_ERROR_DUPLICATE_KEY,
  KARI_TOML_ERROR_INVALID_VALUE,
  KARI_TOML_ERROR_TOO_DEEP,
  KARI_TOML_ERROR_TOO_LARGE,
} KariTomlError;

/** KARI_TOML_MAX_DEPTH: deepest nesting of tables and arrays accepted */
#define KARI_TOML_MAX_DEPTH 64

GQuark    kari_toml_error_quark (void);

JsonNode *kari_toml_parse       (const char     *text,
                                 gssize          length,
                                 KariLocations  *locations,
                                 KariPosition   *error_position,
                                 GError        **error);

G_END_DECLS
