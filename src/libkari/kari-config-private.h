/* kari-config-private.h — JSON Pointers into config documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

GStrv     _kari_config_pointer_split  (const char          *pointer);
JsonNode *_kari_config_deep_copy      (JsonNode            *node);
JsonNode *_kari_config_lookup         (JsonNode            *root,
                                       const char * const  *segments);
gboolean  _kari_config_put            (JsonNode            *root,
                                       const char * const  *segments,
                                       JsonNode            *value,
                                       GError             **error);
gboolean  _kari_config_remove         (JsonNode            *root,
                                       const char * const  *segments);
void      _kari_config_merge          (JsonObject          *into,
                                       JsonObject          *from);

G_END_DECLS
