/* bench-json-schema.c — validate a typical settings value against a
 * compiled schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The schema is tests/data/json-schema-settings/settings.schema.json:
 * twenty settings with a nested object, labelled choices, an enum,
 * patterns, formats and a $ref. Issue 5 sets the target: one validation
 * under 20 µs. Prints the median of batches for a valid value, for an
 * invalid one with every problem collected, and the one-off compile.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "kari.h"
#include "kari-bench-util.h"

#define BATCH 200
#define BATCHES 200
#define TARGET_US 20.0

static const char valid_text[] =
  "{\"city\": \"Tampere\", \"units\": \"metric\", \"refresh_minutes\": 15, \"threshold\": 12.5,"
  " \"retries\": 3, \"api_key\": \"0123456789abcdef0123456789ABCDEF\", \"notify\": true,"
  " \"level\": \"medium\", \"endpoint\": \"https://api.example.com/v1/forecast?days=3\","
  " \"contact\": \"ops@example.com\", \"since\": \"2024-05-01T12:30:00+03:00\","
  " \"server\": \"weather.example.com\", \"tags\": [\"home\", \"cabin\", \"office\"],"
  " \"proxy\": {\"host\": \"proxy.example.com\", \"port\": 3128, \"a/b~c\": null}}";

static const char invalid_text[] =
  "{\"city\": \"\", \"units\": \"kelvin\", \"refresh_minutes\": 2, \"threshold\": 12.25,"
  " \"api_key\": \"short\", \"endpoint\": \"not a uri\", \"contact\": \"@example.com\","
  " \"since\": \"2024-02-30T12:30:00Z\", \"tags\": [\"a\", \"a\"],"
  " \"proxy\": {\"port\": 70000, \"other\": 1}, \"unknown\": true}";

static double
median_us (KariJsonSchema *schema,
           JsonNode       *value,
           gboolean        collect,
           gboolean        expected)
{
  double per_call[BATCHES];

  for (guint b = 0; b < BATCHES; b++)
    {
      gint64 start = g_get_monotonic_time ();

      for (guint i = 0; i < BATCH; i++)
        {
          g_autoptr(GPtrArray) problems = NULL;
          g_autoptr(GError) error = NULL;

          if (kari_json_schema_validate (schema, value, collect ? &problems : NULL,
                                         collect ? &error : NULL) != expected)
            {
              fprintf (stderr, "bench-json-schema: unexpected result%s%s\n",
                       error != NULL ? ": " : "", error != NULL ? error->message : "");
              exit (1);
            }
        }
      per_call[b] = kari_bench_ns_per (start, BATCH) / 1000.0;
    }
  kari_bench_sort (per_call, BATCHES);
  return per_call[BATCHES / 2];
}

int
main (void)
{
  const char *source = g_getenv ("KARI_SOURCE_DIR") ? g_getenv ("KARI_SOURCE_DIR") : KARI_SOURCE_DIR;
  g_autofree char *path = g_build_filename (source, "tests", "data", "json-schema-settings",
                                            "settings.schema.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(JsonNode) valid = NULL;
  g_autoptr(JsonNode) invalid = NULL;
  g_autoptr(KariJsonSchema) schema = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  double compile_us[BATCHES], valid_us, quick_us, invalid_us;

  if (!g_file_get_contents (path, &text, NULL, &error)
      || (document = kari_json_parse (text, -1, NULL, NULL, &error)) == NULL
      || (valid = kari_json_parse (valid_text, -1, NULL, NULL, &error)) == NULL
      || (invalid = kari_json_parse (invalid_text, -1, NULL, NULL, &error)) == NULL)
    {
      fprintf (stderr, "bench-json-schema: %s\n", error->message);
      return 1;
    }

  for (guint b = 0; b < BATCHES; b++)
    {
      gint64 start = g_get_monotonic_time ();

      g_clear_object (&schema);
      schema = kari_json_schema_new (document, &error);
      if (schema == NULL)
        {
          fprintf (stderr, "bench-json-schema: %s\n", error->message);
          return 1;
        }
      compile_us[b] = (double) (g_get_monotonic_time () - start);
    }
  kari_bench_sort (compile_us, BATCHES);

  kari_json_schema_validate (schema, invalid, &problems, NULL);
  valid_us = median_us (schema, valid, TRUE, TRUE);
  quick_us = median_us (schema, valid, FALSE, TRUE);
  invalid_us = median_us (schema, invalid, TRUE, FALSE);

  printf ("json-schema validate, settings value (20 settings, nested object, enum, "
          "patterns, formats): median %.2f µs (target < %.0f µs, ratio %.2f)\n",
          valid_us, TARGET_US, valid_us / TARGET_US);
  printf ("json-schema validate, same value, no problems collected: median %.2f µs (ratio %.2f)\n",
          quick_us, quick_us / TARGET_US);
  printf ("json-schema validate, invalid value, all %u problems collected: median %.2f µs "
          "(ratio %.2f)\n", problems->len, invalid_us, invalid_us / TARGET_US);
  printf ("json-schema compile of the settings schema (once per extension): median %.1f µs\n",
          compile_us[BATCHES / 2]);
  return 0;
}
