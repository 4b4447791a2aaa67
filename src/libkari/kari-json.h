/* kari-json.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "kari-location.h"

G_BEGIN_DECLS

#define KARI_JSON_ERROR (kari_json_error_quark ())

/**
 * KariJsonError:
 * @KARI_JSON_ERROR_ENCODING: not valid UTF-8
 * @KARI_JSON_ERROR_SYNTAX: not RFC 8259 JSON
 * @KARI_JSON_ERROR_DUPLICATE_KEY: an object has the same member twice
 * @KARI_JSON_ERROR_TOO_DEEP: nesting passes the limit
 * @KARI_JSON_ERROR_TOO_LARGE: the text passes the size limit
 *
 * Why a JSON document was refused.
 */
typedef enum
{
  KARI_JSON_ERROR_ENCODING,
  KARI_JSON_ERROR_SYNTAX,
  KARI_JSON_ERROR_DUPLICATE_KEY,
  KARI_JSON_ERROR_TOO_DEEP,
  KARI_JSON_ERROR_TOO_LARGE,
} KariJsonError;

#define KARI_JSON_MAX_DEPTH 64

GQuark    kari_json_error_quark (void);

JsonNode *kari_json_parse       (const char     *text,
                                 gssize          length,
                                 KariLocations  *locations,
                                 KariPosition   *error_position,
                                 GError        **error);

G_END_DECLS
