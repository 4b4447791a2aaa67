/* fuzz-config-key.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any bytes as a config key (kari-config-path.c): turning it into a JSON
 * Pointer, splitting that, and writing, reading and removing the value
 * it names in a document must never crash, and must hold together — a
 * value written is read back at the same place, and removing it leaves
 * nothing there.
 */
#include <stddef.h>
#include <stdint.h>

#include "kari-config.h"
#include "kari-config-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *key = g_strndup ((const char *) data, size);
  g_autofree char *pointer = kari_config_key_to_pointer (key, NULL);
  g_autofree char *again = NULL;
  g_auto(GStrv) segments = NULL;
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(JsonNode) value = NULL;

  if (pointer == NULL)
    return 0;
  g_assert_true (pointer[0] == '/');
  /* A pointer is its own canonical form. */
  again = kari_config_key_to_pointer (pointer, NULL);
  g_assert_cmpstr (again, ==, pointer);

  segments = _kari_config_pointer_split (pointer);
  g_assert_cmpuint (g_strv_length (segments), >, 0);
  doc = json_node_init_object (json_node_alloc (), json_object_new ());
  value = json_node_init_int (json_node_alloc (), 42);
  if (_kari_config_put (doc, (const char * const *) segments, value, NULL))
    {
      JsonNode *found = _kari_config_lookup (doc, (const char * const *) segments);

      g_assert_nonnull (found);
      g_assert_cmpint (json_node_get_int (found), ==, 42);
      g_assert_true (_kari_config_remove (doc, (const char * const *) segments));
      g_assert_null (_kari_config_lookup (doc, (const char * const *) segments));
    }
  return 0;
}
