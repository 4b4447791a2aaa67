/* fuzz-manifest.c — kari_manifest_load_data on arbitrary bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte picks the format (even: JSON, odd: TOML); the rest is
 * the manifest. Whatever the input, loading must return a manifest or
 * an error, with diagnostics that print.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "kari.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  KariManifestFormat format;

  if (size < 1)
    return 0;
  format = (data[0] & 1) ? KARI_MANIFEST_FORMAT_TOML : KARI_MANIFEST_FORMAT_JSON;
  manifest = kari_manifest_load_data ((const char *) data + 1, size - 1, format, "fuzz",
                                      diagnostics, &error);
  g_assert ((manifest == NULL) == (error != NULL));
  if (manifest != NULL)
    {
      g_autoptr(JsonNode) copy = kari_manifest_to_json (manifest);
      g_assert (copy != NULL);
      g_assert (kari_manifest_get_name (manifest) != NULL);
      g_assert (kari_manifest_get_version (manifest) != NULL);
    }
  for (guint i = 0; i < diagnostics->len; i++)
    g_free (kari_diagnostic_to_string (diagnostics->pdata[i]));
  return 0;
}
