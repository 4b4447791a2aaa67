/* kari-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-json.h"

/* STUB: to be written. */
G_DEFINE_QUARK (kari-json-error-quark, kari_json_error)
JsonNode *
kari_json_parse (const char *text, gssize length, KariLocations *locations,
                 KariPosition *error_position, GError **error)
{
  g_autoptr(JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, text, length, error))
    return NULL;
  return json_node_copy (json_parser_get_root (p));
}
