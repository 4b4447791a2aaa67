/* kari-toml.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-toml.h"

/* STUB: to be written. */
G_DEFINE_QUARK (kari-toml-error-quark, kari_toml_error)
JsonNode *
kari_toml_parse (const char *text, gssize length, KariLocations *locations,
                 KariPosition *error_position, GError **error)
{
  g_set_error_literal (error, KARI_TOML_ERROR, KARI_TOML_ERROR_SYNTAX, "TOML parser not written yet");
  return NULL;
}
