/* test-scripting.c — which io.github.kari.Manager1 calls the scripting
 * role allows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "kari.h"

static void
test_table (void)
{
  const char *reads[] = { "ListExtensions", "Status", "Logs", "Metrics", "Inspect" };
  const char *operates[] = { "Start", "Stop", "Restart", "Call", "QueryAudit", "Enable", "Disable" };

  for (guint i = 0; i < G_N_ELEMENTS (reads); i++)
    g_assert_cmpint (kari_scripting_access_for_method (reads[i]), ==, KARI_SCRIPTING_READ);
  for (guint i = 0; i < G_N_ELEMENTS (operates); i++)
    g_assert_cmpint (kari_scripting_access_for_method (operates[i]), ==, KARI_SCRIPTING_OPERATE);
  /* A method not classified yet is the administrator's. */
  g_assert_cmpint (kari_scripting_access_for_method ("Install"), ==, KARI_SCRIPTING_ADMIN);
  g_assert_cmpint (kari_scripting_access_for_method (NULL), ==, KARI_SCRIPTING_ADMIN);

  /* The audit log is not a viewer's read. */
  g_assert_false (kari_scripting_role_allows ("viewer", kari_scripting_access_for_method ("QueryAudit")));
  g_assert_true (kari_scripting_role_allows ("viewer", kari_scripting_access_for_method ("Inspect")));
  g_assert_true (kari_scripting_role_allows ("user", kari_scripting_access_for_method ("QueryAudit")));
  /* A custom role only reads. */
  g_assert_true (kari_scripting_role_allows ("auditor", KARI_SCRIPTING_READ));
  g_assert_false (kari_scripting_role_allows ("auditor", KARI_SCRIPTING_OPERATE));
  g_assert_false (kari_scripting_role_allows ("Not A Role!", KARI_SCRIPTING_READ));
}

static KariScriptingAccess
enablement (const char *method,
            const char *tenant,
            gboolean    every)
{
  g_autoptr(GVariant) parameters = g_variant_ref_sink (g_variant_new ("(ssb)", "hello-c", tenant, every));

  return kari_scripting_access_for_call (method, parameters, "acme");
}

static void
test_enablement (void)
{
  g_autoptr(GVariant) wrong = g_variant_ref_sink (g_variant_new ("(s)", "hello-c"));
  g_autoptr(GVariant) stop = g_variant_ref_sink (g_variant_new ("(s)", "hello-c"));

  /* In the host's own tenant: a user's. */
  g_assert_cmpint (enablement ("Enable", "", FALSE), ==, KARI_SCRIPTING_OPERATE);
  g_assert_cmpint (enablement ("Disable", "acme", FALSE), ==, KARI_SCRIPTING_OPERATE);
  /* Elsewhere or everywhere: an administrator's. */
  g_assert_cmpint (enablement ("Enable", "other", FALSE), ==, KARI_SCRIPTING_ADMIN);
  g_assert_cmpint (enablement ("Disable", "", TRUE), ==, KARI_SCRIPTING_ADMIN);
  g_assert_cmpint (enablement ("Enable", "acme", TRUE), ==, KARI_SCRIPTING_ADMIN);
  /* Arguments of the wrong shape are never the lesser access. */
  g_assert_cmpint (kari_scripting_access_for_call ("Enable", wrong, "acme"), ==, KARI_SCRIPTING_ADMIN);
  g_assert_cmpint (kari_scripting_access_for_call ("Enable", NULL, "acme"), ==, KARI_SCRIPTING_ADMIN);
  /* Other methods are what the table says, whatever their arguments. */
  g_assert_cmpint (kari_scripting_access_for_call ("Stop", stop, "acme"), ==, KARI_SCRIPTING_OPERATE);
  g_assert_cmpint (kari_scripting_access_for_call ("Inspect", stop, NULL), ==, KARI_SCRIPTING_READ);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scripting/table", test_table);
  g_test_add_func ("/scripting/enablement", test_enablement);
  return g_test_run ();
}
