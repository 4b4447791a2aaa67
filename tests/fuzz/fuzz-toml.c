/* fuzz-toml.c: feeds arbitrary bytes to kari_toml_parse().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>
#include <stdint.h>

#include "kari-toml.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(KariLocations) locations = kari_locations_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  KariPosition position;

  node = kari_toml_parse ((const char *) data, (gssize) size, locations, &position, &error);

  /* Exactly one of a tree or an error, and an error always has a place. */
  if ((node == NULL) == (error == NULL))
    __builtin_trap ();
  if (error != NULL && error->code != KARI_TOML_ERROR_TOO_LARGE && position.line == 0)
    __builtin_trap ();
  return 0;
}
