/* bench-policy.c — kari_policy_decide() through a custom policy of 100
 * rules, uncached: once where the last rule matches, once where none
 * does and the base decides. Target: under 20 µs per decision.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "kari-policy.h"
#include "kari-bench-util.h"

#define N_RULES   100
#define N_BATCHES 31
#define BATCH     20000

/* Rules that look like a real site's: globs on every field, and each
 * one close to the query, so none fails on its first field only. */
static KariPolicy *
make_policy (void)
{
  g_autoptr(GString) json = g_string_new ("{\"base\": \"balanced\", \"rules\": [\n");
  g_autoptr(GError) error = NULL;
  KariPolicy *policy;

  for (guint i = 0; i < N_RULES - 1; i++)
    g_string_append_printf (json,
                            "{\"id\": \"r%u\", \"extension\": \"crm-*\", \"tenant\": \"acme\", "
                            "\"role\": \"user\", \"permission\": \"filesystem:read:$DATA/projects/p%u/**/*.txt\", "
                            "\"decision\": \"%s\"},\n", i, i, i % 2 ? "allow" : "deny");
  g_string_append (json, "{\"id\": \"last\", \"extension\": \"crm-*\", \"tenant\": \"acme\", \"role\": \"user\", "
                         "\"permission\": \"filesystem:read:$DATA/projects/**/*.txt\", \"decision\": \"allow\"}\n]}");
  policy = kari_policy_new_from_data (NULL, json->str, -1, "bench.json", NULL, &error);
  if (policy == NULL)
    g_error ("%s", error->message);
  return policy;
}

static double
median_ns (KariPolicy            *policy,
           const KariPolicyQuery *query,
           const char            *expected_rule)
{
  double samples[N_BATCHES];
  const char *rule = NULL;

  kari_policy_decide (policy, query, &rule);
  if (g_strcmp0 (rule, expected_rule) != 0)
    g_error ("decided by %s, not %s", rule, expected_rule);

  for (guint b = 0; b < N_BATCHES; b++)
    {
      gint64 start = g_get_monotonic_time ();

      for (guint i = 0; i < BATCH; i++)
        kari_policy_decide (policy, query, &rule);
      samples[b] = kari_bench_ns_per (start, BATCH);
    }
  kari_bench_sort (samples, N_BATCHES);
  return samples[N_BATCHES / 2];
}

int
main (void)
{
  g_autoptr(KariPolicy) policy = make_policy ();
  static const char *roles[] = { "user", NULL };
  KariPermissionContext context = { "/home/ann", "/home/ann/.local/share/kari/crm-sync" };
  KariPolicyQuery last = { "crm-sync", "acme", "ann", roles, "filesystem", "read",
                           "/home/ann/.local/share/kari/crm-sync/projects/q/notes/2024/a.txt", &context };
  KariPolicyQuery none = { "crm-sync", "acme", "ann", roles, "filesystem", "read",
                           "/home/ann/.local/share/kari/crm-sync/projects/q/notes/2024/a.pdf", &context };
  double t_last = median_ns (policy, &last, "bench.json:last");
  double t_none = median_ns (policy, &none, "builtin:balanced:data-files");

  printf ("policy decide, %u rules, last rule matches: median %.0f ns (target < 20000 ns)\n", N_RULES, t_last);
  printf ("policy decide, %u rules, none matches (base decides): median %.0f ns (target < 20000 ns)\n",
          N_RULES, t_none);
  return 0;
}
