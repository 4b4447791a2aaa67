/* test-resolver.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "kari-resolver.h"

/* add (r, "crm", "2.0.0", "auth@^3", "p:time_query@^1", "s:postgres", NULL):
 * dependencies are extension specs, or plugins ("p:") and services ("s:"). */
static void
add (KariResolver *r,
     const char   *name,
     const char   *version,
     ...)
{
  g_autoptr(GPtrArray) deps = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_dependency_free);
  g_autoptr(KariVersion) v = kari_version_parse (version, NULL);
  const char *spec;
  va_list args;

  g_assert_nonnull (v);
  va_start (args, version);
  while ((spec = va_arg (args, const char *)) != NULL)
    {
      KariDependencyKind kind = KARI_DEPENDENCY_EXTENSION;
      g_autofree char *dep_name = NULL;
      g_autoptr(KariConstraint) c = NULL;
      g_autoptr(GError) error = NULL;

      if (g_str_has_prefix (spec, "p:") || g_str_has_prefix (spec, "s:"))
        {
          kind = spec[0] == 'p' ? KARI_DEPENDENCY_PLUGIN : KARI_DEPENDENCY_SERVICE;
          spec += 2;
        }
      kari_dependency_spec_parse (spec, &dep_name, &c, &error);
      g_assert_no_error (error);
      g_ptr_array_add (deps, kari_dependency_new (kind, dep_name, c));
    }
  va_end (args);

  kari_resolver_add_extension (r, name, v, deps);
}

/* "a@1.0.0 b@2.0.0" */
static char *
order_text (KariResolution *res)
{
  GPtrArray *order = kari_resolution_get_order (res);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < order->len; i++)
    {
      KariResolved *r = order->pdata[i];

      g_string_append_printf (s, "%s%s@%s", i ? " " : "", r->name, kari_version_to_string (r->version));
    }
  return g_string_free (s, FALSE);
}

static KariUnresolved *
unresolved (KariResolution *res,
            guint           i)
{
  GPtrArray *u = kari_resolution_get_unresolved (res);

  g_assert_cmpuint (i, <, u->len);
  return u->pdata[i];
}

static void
test_order_chain (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autofree char *order = NULL;
  KariResolved *last;

  add (r, "a", "1.0.0", "b@^1", NULL);
  add (r, "b", "1.0.0", "c", NULL);
  add (r, "c", "1.0.0", NULL);
  res = kari_resolver_resolve (r);
  order = order_text (res);
  g_assert_cmpstr (order, ==, "c@1.0.0 b@1.0.0 a@1.0.0");
  g_assert_cmpuint (kari_resolution_get_unresolved (res)->len, ==, 0);

  last = kari_resolution_get_order (res)->pdata[2];
  g_assert_cmpuint (g_strv_length (last->dependencies), ==, 1);
  g_assert_cmpstr (last->dependencies[0], ==, "b@1.0.0");
}

static void
test_order_ties_by_name (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autofree char *order = NULL;

  /* zeta needs beta; alpha and mu need nothing: beta's dependent comes
   * after it, everything else by name */
  add (r, "zeta", "1.0.0", "beta", NULL);
  add (r, "mu", "1.0.0", NULL);
  add (r, "beta", "1.0.0", "mu", NULL);
  add (r, "alpha", "1.0.0", NULL);
  res = kari_resolver_resolve (r);
  order = order_text (res);
  g_assert_cmpstr (order, ==, "alpha@1.0.0 mu@1.0.0 beta@1.0.0 zeta@1.0.0");
}

static void
test_deterministic (void)
{
  static const char * const names[] = { "e", "d", "c", "b", "a" };
  g_autofree char *first = NULL;

  /* the same graph added in five different orders gives the same answer */
  for (guint shift = 0; shift < 5; shift++)
    {
      g_autoptr(KariResolver) r = kari_resolver_new ();
      g_autoptr(KariResolution) res = NULL;
      g_autoptr(JsonNode) json = NULL;
      g_autofree char *text = NULL;

      for (guint i = 0; i < 5; i++)
        {
          const char *n = names[(i + shift) % 5];

          if (g_str_equal (n, "a"))
            add (r, "a", "1.0.0", "c@^1", "b", NULL);
          else if (g_str_equal (n, "b"))
            {
              add (r, "b", "2.0.0", "c@^2", NULL);
              add (r, "b", "1.0.0", "c@^1", NULL);
            }
          else if (g_str_equal (n, "c"))
            {
              add (r, "c", "1.1.0", NULL);
              add (r, "c", "2.0.0", NULL);
            }
          else
            add (r, n, "1.0.0", NULL);
        }
      kari_resolver_add_root (r, "a");
      kari_resolver_add_root (r, "e");
      kari_resolver_add_root (r, "d");
      res = kari_resolver_resolve (r);
      json = kari_resolution_to_json (res);
      text = json_to_string (json, FALSE);
      if (first == NULL)
        first = g_steal_pointer (&text);
      else
        g_assert_cmpstr (text, ==, first);
    }

  g_assert_cmpstr (first, ==,
                   "{\"order\":[{\"name\":\"c\",\"version\":\"1.1.0\",\"dependencies\":[]},"
                   "{\"name\":\"b\",\"version\":\"1.0.0\",\"dependencies\":[\"c@1.1.0\"]},"
                   "{\"name\":\"a\",\"version\":\"1.0.0\",\"dependencies\":[\"c@1.1.0\",\"b@1.0.0\"]},"
                   "{\"name\":\"d\",\"version\":\"1.0.0\",\"dependencies\":[]},"
                   "{\"name\":\"e\",\"version\":\"1.0.0\",\"dependencies\":[]}],"
                   "\"unresolved\":[]}");
}

static void
test_diamond (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autofree char *order = NULL;

  add (r, "top", "1.0.0", "left", "right", NULL);
  add (r, "left", "1.0.0", "base@^1", NULL);
  add (r, "right", "1.0.0", "base@>=1.2", NULL);
  add (r, "base", "1.0.0", NULL);
  add (r, "base", "1.2.0", NULL);
  add (r, "base", "2.0.0", NULL);
  kari_resolver_add_root (r, "top");
  res = kari_resolver_resolve (r);
  order = order_text (res);
  g_assert_cmpstr (order, ==, "base@1.2.0 left@1.0.0 right@1.0.0 top@1.0.0");
  g_assert_cmpuint (kari_resolution_get_unresolved (res)->len, ==, 0);
}

static void
test_backtrack_dependency (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autofree char *order = NULL;

  /* lib 1.5.0 wants core 2, which tool cannot live with: lib 1.4.0 it is */
  add (r, "app", "1.0.0", "lib@^1", "tool", NULL);
  add (r, "lib", "1.5.0", "core@^2", NULL);
  add (r, "lib", "1.4.0", "core@^1", NULL);
  add (r, "tool", "1.0.0", "core@^1", NULL);
  add (r, "core", "1.0.0", NULL);
  add (r, "core", "2.0.0", NULL);
  kari_resolver_add_root (r, "app");
  res = kari_resolver_resolve (r);
  order = order_text (res);
  g_assert_cmpstr (order, ==, "core@1.0.0 lib@1.4.0 tool@1.0.0 app@1.0.0");
}

static void
test_backtrack_root_version (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autofree char *order = NULL;

  add (r, "app", "2.0.0", "p:time_query", NULL);
  add (r, "app", "1.0.0", "helper@^1", NULL);
  add (r, "app", "3.0.0-beta", "helper@^9", NULL);
  add (r, "helper", "1.0.0", NULL);
  kari_resolver_add_root (r, "app");
  res = kari_resolver_resolve (r);
  order = order_text (res);
  g_assert_cmpstr (order, ==, "helper@1.0.0 app@1.0.0");
}

static void
test_prerelease_root (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autofree char *order = NULL;

  /* a root is whatever is installed, pre-release or not */
  add (r, "beta", "0.1.0-rc.1", NULL);
  res = kari_resolver_resolve (r);
  order = order_text (res);
  g_assert_cmpstr (order, ==, "beta@0.1.0-rc.1");
}

static void
test_no_version (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  KariUnresolved *u;

  add (r, "dashboard", "1.0.0", "crm@^2", NULL);
  add (r, "crm", "2.0.0", "auth@^3", NULL);
  add (r, "auth", "2.4.1", NULL);
  kari_resolver_add_root (r, "dashboard");
  res = kari_resolver_resolve (r);

  g_assert_cmpuint (kari_resolution_get_order (res)->len, ==, 0);
  u = unresolved (res, 0);
  g_assert_cmpstr (u->name, ==, "dashboard");
  g_assert_cmpstr (kari_version_to_string (u->version), ==, "1.0.0");
  g_assert_cmpstr (u->reason, ==,
                   "crm 2.0.0 needs auth ^3 but only auth 2.4.1 is available (required by crm ← dashboard)");
  g_assert_false (u->cycle);
}

static void
test_no_version_list (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;

  add (r, "app", "1.0.0", "auth@>=3 <4", NULL);
  add (r, "auth", "2.4.1", NULL);
  add (r, "auth", "1.0.0", NULL);
  add (r, "auth", "2.0.0", NULL);
  kari_resolver_add_root (r, "app");
  res = kari_resolver_resolve (r);
  g_assert_cmpstr (unresolved (res, 0)->reason, ==,
                   "app 1.0.0 needs auth >=3 <4 but only auth 2.4.1, 2.0.0 and 1.0.0 are available");
}

static void
test_conflict (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;

  add (r, "report", "1.0.0", "charts@^1", "export", NULL);
  add (r, "export", "1.0.0", "charts@^2", NULL);
  add (r, "charts", "1.5.0", NULL);
  add (r, "charts", "2.0.0", NULL);
  kari_resolver_add_root (r, "report");
  res = kari_resolver_resolve (r);
  g_assert_cmpuint (kari_resolution_get_order (res)->len, ==, 0);
  g_assert_cmpstr (unresolved (res, 0)->reason, ==,
                   "export 1.0.0 needs charts ^2 but charts 1.5.0 was already chosen because "
                   "report 1.0.0 needs charts ^1 (required by export ← report)");
}

static void
test_conflict_with_earlier_root (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autofree char *order = NULL;

  /* every extension is a root, in name order: charts goes first and takes
   * 2.0.0; old-report then cannot have charts 1 */
  add (r, "old-report", "1.0.0", "charts@^1", NULL);
  add (r, "charts", "1.5.0", NULL);
  add (r, "charts", "2.0.0", NULL);
  res = kari_resolver_resolve (r);
  order = order_text (res);
  g_assert_cmpstr (order, ==, "charts@2.0.0");
  g_assert_cmpstr (unresolved (res, 0)->reason, ==,
                   "old-report 1.0.0 needs charts ^1 but charts 2.0.0 was already chosen");
}

static void
test_no_version_after_earlier_root (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autofree char *order = NULL;

  /* auth is resolved first as a root, but no version of it would ever
   * do for crm: that is the reason, not auth's earlier choice. */
  add (r, "auth", "2.4.1", NULL);
  add (r, "crm", "2.0.0", "auth@^3", NULL);
  add (r, "dashboard", "1.0.0", "crm@^2", NULL);
  res = kari_resolver_resolve (r);
  order = order_text (res);
  g_assert_cmpstr (order, ==, "auth@2.4.1");
  g_assert_cmpstr (unresolved (res, 0)->reason, ==,
                   "crm 2.0.0 needs auth ^3 but only auth 2.4.1 is available");
  g_assert_cmpstr (unresolved (res, 1)->reason, ==,
                   "crm 2.0.0 needs auth ^3 but only auth 2.4.1 is available "
                   "(required by crm ← dashboard)");
}

static void
test_cycle_self (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  KariUnresolved *u;

  add (r, "ouroboros", "1.0.0", "ouroboros", NULL);
  res = kari_resolver_resolve (r);
  u = unresolved (res, 0);
  g_assert_cmpstr (u->reason, ==, "ouroboros 1.0.0: dependency cycle ouroboros → ouroboros");
  g_assert_true (u->cycle);
}

static void
test_cycle_two (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;

  add (r, "dashboard", "1.0.0", "crm", NULL);
  add (r, "crm", "1.0.0", "dashboard@^1", NULL);
  kari_resolver_add_root (r, "dashboard");
  res = kari_resolver_resolve (r);
  g_assert_cmpstr (unresolved (res, 0)->reason, ==,
                   "dashboard 1.0.0: dependency cycle dashboard → crm → dashboard");
  g_assert_true (unresolved (res, 0)->cycle);
  g_assert_cmpuint (kari_resolution_get_order (res)->len, ==, 0);
}

static void
test_cycle_three_below_root (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;

  add (r, "app", "1.0.0", "a", NULL);
  add (r, "a", "1.0.0", "b", NULL);
  add (r, "b", "1.0.0", "c", NULL);
  add (r, "c", "1.0.0", "a", NULL);
  add (r, "solo", "1.0.0", NULL);
  kari_resolver_add_root (r, "app");
  kari_resolver_add_root (r, "solo");
  res = kari_resolver_resolve (r);
  g_assert_cmpstr (unresolved (res, 0)->reason, ==,
                   "a 1.0.0: dependency cycle a → b → c → a (required by a ← app)");

  json = kari_resolution_to_json (res);
  text = json_to_string (json, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"order\":[{\"name\":\"solo\",\"version\":\"1.0.0\",\"dependencies\":[]}],"
                   "\"unresolved\":[{\"name\":\"app\",\"version\":\"1.0.0\",\"reason\":"
                   "\"a 1.0.0: dependency cycle a → b → c → a (required by a ← app)\",\"cycle\":true}]}");
}

static void
test_cycle_avoided_by_backtracking (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autofree char *order = NULL;

  /* crm 2 would close a cycle; crm 1 does not need dashboard */
  add (r, "dashboard", "1.0.0", "crm", NULL);
  add (r, "crm", "2.0.0", "dashboard", NULL);
  add (r, "crm", "1.0.0", NULL);
  kari_resolver_add_root (r, "dashboard");
  res = kari_resolver_resolve (r);
  order = order_text (res);
  g_assert_cmpstr (order, ==, "crm@1.0.0 dashboard@1.0.0");
}

static void
test_missing_host_dependencies (void)
{
  static const struct {
    const char *dep;
    const char *reason;
  } cases[] = {
    { "p:time_query", "a 1.0.0 needs plugin time_query, which is not installed" },
    { "p:time_query@^2", "a 1.0.0 needs plugin time_query ^2, which is not installed" },
    { "p:clock@^2", "a 1.0.0 needs plugin clock ^2 but only plugin clock 1.4.0 is installed" },
    { "p:bare@^1", "a 1.0.0 needs plugin bare ^1 but plugin bare declares no version" },
    { "s:postgres", "a 1.0.0 needs service postgres, which is not available" },
    { "ghost@^1", "a 1.0.0 needs ghost ^1 but no extension ghost is available" },
    { "ghost", "a 1.0.0 needs ghost but no extension ghost is available" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KariResolver) r = kari_resolver_new ();
      g_autoptr(KariResolution) res = NULL;
      g_autoptr(KariVersion) v = kari_version_new (1, 4, 0);

      kari_resolver_add_plugin (r, "clock", v);
      kari_resolver_add_plugin (r, "bare", NULL);
      kari_resolver_add_service (r, "dbus");
      add (r, "a", "1.0.0", cases[i].dep, NULL);
      res = kari_resolver_resolve (r);
      g_assert_cmpuint (kari_resolution_get_order (res)->len, ==, 0);
      g_assert_cmpstr (unresolved (res, 0)->reason, ==, cases[i].reason);
      g_assert_false (unresolved (res, 0)->cycle);
    }
}

static void
test_host_dependencies_present (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autoptr(KariVersion) v = kari_version_new (1, 4, 0);
  g_autofree char *order = NULL;

  kari_resolver_add_plugin (r, "clock", v);
  kari_resolver_add_plugin (r, "bare", NULL);
  kari_resolver_add_service (r, "postgres");
  add (r, "a", "1.0.0", "p:clock@^1.2", "p:bare", "s:postgres", NULL);
  res = kari_resolver_resolve (r);
  order = order_text (res);
  g_assert_cmpstr (order, ==, "a@1.0.0");
  /* plugins and services are not part of the load order */
  g_assert_cmpuint (g_strv_length (((KariResolved *) kari_resolution_get_order (res)->pdata[0])->dependencies), ==, 0);
}

static void
test_missing_root (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;

  kari_resolver_add_root (r, "nowhere");
  res = kari_resolver_resolve (r);
  g_assert_null (unresolved (res, 0)->version);
  json = kari_resolution_to_json (res);
  text = json_to_string (json, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"order\":[],\"unresolved\":[{\"name\":\"nowhere\",\"version\":null,"
                   "\"reason\":\"no extension nowhere is available\",\"cycle\":false}]}");
}

static void
test_unresolvable_root_does_not_stop_others (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autofree char *order = NULL;

  /* "broken" (first by name) gets as far as choosing shared 2.0.0 and
   * helper before "late" fails; none of that may stay, so "fine" can still
   * have shared 1.0.0 */
  add (r, "broken", "1.0.0", "shared@^2", "helper", "late", NULL);
  add (r, "late", "1.0.0", "p:missing", NULL);
  add (r, "fine", "1.0.0", "shared@^1", NULL);
  add (r, "helper", "1.0.0", NULL);
  add (r, "shared", "1.0.0", NULL);
  add (r, "shared", "2.0.0", NULL);
  kari_resolver_add_root (r, "fine");
  kari_resolver_add_root (r, "broken");
  res = kari_resolver_resolve (r);
  order = order_text (res);
  g_assert_cmpstr (order, ==, "shared@1.0.0 fine@1.0.0");
  g_assert_cmpuint (kari_resolution_get_unresolved (res)->len, ==, 1);
  g_assert_cmpstr (unresolved (res, 0)->name, ==, "broken");
  g_assert_cmpstr (kari_version_to_string (unresolved (res, 0)->version), ==, "1.0.0");
  g_assert_cmpstr (unresolved (res, 0)->reason, ==,
                   "late 1.0.0 needs plugin missing, which is not installed (required by late ← broken)");
}

static void
test_doomed_deep_chain (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autoptr(GString) expected = g_string_new ("l05 1.7.0 needs plugin never, which is not installed (required by l05");

  /* 6 levels of 8 versions, and nothing at the bottom can load: an
   * exhaustive search would try 8^6 combinations; the resolver sees that
   * no version of l05 can ever load, so none of l04, and so on up */
  for (int level = 0; level < 6; level++)
    for (guint v = 0; v < 8; v++)
      {
        g_autofree char *name = g_strdup_printf ("l%02d", level);
        g_autofree char *next = g_strdup_printf ("l%02d", level + 1);
        g_autofree char *version = g_strdup_printf ("1.%u.0", v);

        if (level < 5)
          add (r, name, version, next, NULL);
        else
          add (r, name, version, "p:never", NULL);
      }
  for (int level = 4; level >= 0; level--)
    g_string_append_printf (expected, " ← l%02d", level);
  g_string_append_c (expected, ')');

  kari_resolver_add_root (r, "l00");
  res = kari_resolver_resolve (r);
  g_assert_cmpstr (unresolved (res, 0)->reason, ==, expected->str);
  g_assert_cmpstr (kari_version_to_string (unresolved (res, 0)->version), ==, "1.7.0");
}

static void
build_pin_trap_named (KariResolver *r,
                      const char   *prefix,
                      guint         levels)
{
  g_autofree char *app = g_strconcat (prefix, "app", NULL);
  g_autofree char *pin = g_strconcat (prefix, "pin", NULL);
  g_autofree char *needs_pin1 = g_strconcat (pin, "@^1", NULL);
  g_autofree char *needs_pin2 = g_strconcat (pin, "@^2", NULL);
  g_autofree char *top = g_strdup_printf ("%sl00", prefix);

  /* app takes pin 1; levels of 8 versions below it all end in needing
   * pin 2. Every version taken alone could load, so only a search finds
   * out, and a naive one would try 8^levels combinations. */
  add (r, app, "1.0.0", needs_pin1, top, NULL);
  add (r, pin, "1.0.0", NULL);
  add (r, pin, "2.0.0", NULL);
  for (guint level = 0; level < levels; level++)
    for (guint v = 0; v < 8; v++)
      {
        g_autofree char *name = g_strdup_printf ("%sl%02u", prefix, level);
        g_autofree char *next = g_strdup_printf ("%sl%02u", prefix, level + 1);
        g_autofree char *version = g_strdup_printf ("1.%u.0", v);

        if (level + 1 < levels)
          add (r, name, version, next, NULL);
        else
          add (r, name, version, needs_pin2, NULL);
      }
  kari_resolver_add_root (r, app);
}

static void
build_pin_trap (KariResolver *r,
                guint         levels)
{
  build_pin_trap_named (r, "", levels);
  add (r, "other", "1.0.0", NULL);
  kari_resolver_add_root (r, "other");
}

static void
test_hostile_graph_learns (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autoptr(GString) expected = g_string_new ("l29 1.7.0 needs pin ^2 but pin 1.0.0 was already chosen "
                                              "because app 1.0.0 needs pin ^1 (required by l29");

  /* learning from failures (backjumping, nogoods) makes this quick */
  build_pin_trap (r, 30);
  for (int level = 28; level >= 0; level--)
    g_string_append_printf (expected, " ← l%02d", level);
  g_string_append (expected, " ← app)");
  res = kari_resolver_resolve (r);
  g_assert_cmpstr (unresolved (res, 0)->name, ==, "app");
  g_assert_cmpstr (unresolved (res, 0)->reason, ==, expected->str);
  g_assert_cmpuint (kari_resolution_get_order (res)->len, ==, 1);
}

static void
test_step_cap (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  g_autofree char *order = NULL;

  build_pin_trap (r, 30);
  kari_resolver_set_max_steps (r, 20);
  res = kari_resolver_resolve (r);
  g_assert_cmpstr (unresolved (res, 0)->reason, ==,
                   "gave up after 20 steps looking for versions that work together");
  g_assert_false (unresolved (res, 0)->cycle);
  /* nothing of the abandoned search stays, and the next root resolves */
  order = order_text (res);
  g_assert_cmpstr (order, ==, "other@1.0.0");
}

/* Many roots that each fail just under the per-root cap cannot add up to
 * an unbounded resolve: the whole resolve has a budget too. */
static void
test_total_step_cap (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  GPtrArray *failed;
  guint n_budget = 0;

  /* each trap needs a real search, shorter than the per-root cap */
  for (guint k = 0; k < 40; k++)
    {
      g_autofree char *prefix = g_strdup_printf ("t%02u", k);

      build_pin_trap_named (r, prefix, 3);
    }
  kari_resolver_set_max_steps (r, 40);
  res = kari_resolver_resolve (r);

  failed = kari_resolution_get_unresolved (res);
  g_assert_cmpuint (failed->len, ==, 40);
  for (guint i = 0; i < failed->len; i++)
    {
      KariUnresolved *u = failed->pdata[i];

      if (g_strcmp0 (u->reason, "gave up: resolving every extension took more than 400 steps in all") == 0)
        n_budget++;
      else
        g_assert_true (strstr (u->reason, "was already chosen because") != NULL);
    }
  /* the first roots are told why they fail; the rest are cut off */
  g_assert_cmpuint (n_budget, >, 0);
  g_assert_cmpuint (n_budget, <, 40);
}

static void
test_boxed_copies (void)
{
  g_autoptr(KariResolver) r = kari_resolver_new ();
  g_autoptr(KariResolution) res = NULL;
  KariResolved *copy;
  KariUnresolved *ucopy;

  add (r, "a", "1.0.0", "b", NULL);
  add (r, "b", "1.0.0", NULL);
  add (r, "c", "1.0.0", "p:x", NULL);
  res = kari_resolver_resolve (r);

  copy = g_boxed_copy (KARI_TYPE_RESOLVED, kari_resolution_get_order (res)->pdata[1]);
  g_assert_cmpstr (copy->name, ==, "a");
  g_assert_cmpstr (copy->dependencies[0], ==, "b@1.0.0");
  g_boxed_free (KARI_TYPE_RESOLVED, copy);

  ucopy = g_boxed_copy (KARI_TYPE_UNRESOLVED, unresolved (res, 0));
  g_assert_cmpstr (ucopy->reason, ==, "c 1.0.0 needs plugin x, which is not installed");
  g_boxed_free (KARI_TYPE_UNRESOLVED, ucopy);
}

/* ---- against brute force --------------------------------------------------- */

#define BF_NAMES 5
#define BF_VERSIONS 3
#define BF_DEPS 2

typedef struct
{
  int   n_versions[BF_NAMES];
  int   dep_target[BF_NAMES][BF_VERSIONS][BF_DEPS];   /* -1: none */
  int   dep_range[BF_NAMES][BF_VERSIONS][BF_DEPS];
} Graph;

static const char * const bf_ranges[] = { "*", "^1", ">=1.1.0", "<1.1.0", "1.2.0", "~1.0" };

static gboolean
bf_fits (int range,
         int version)   /* version v is 1.v.0 */
{
  switch (range)
    {
    case 0: case 1: return TRUE;
    case 2: return version >= 1;
    case 3: case 5: return version == 0;
    case 4: return version == 2;
    default: g_assert_not_reached ();
    }
}

/* Is there an assignment (version or absent per name) with the root
 * present, every dependency present and fitting, and no cycle? */
static gboolean
bf_solvable (const Graph *g,
             int          root)
{
  int choice[BF_NAMES];
  int total = 1;

  for (int i = 0; i < BF_NAMES; i++)
    total *= g->n_versions[i] + 1;

  for (int code = 0; code < total; code++)
    {
      int rest = code;
      gboolean ok = TRUE;

      for (int i = 0; i < BF_NAMES; i++)
        {
          choice[i] = rest % (g->n_versions[i] + 1) - 1;   /* -1: absent */
          rest /= g->n_versions[i] + 1;
        }
      if (choice[root] < 0)
        continue;
      for (int i = 0; i < BF_NAMES && ok; i++)
        for (int d = 0; choice[i] >= 0 && d < BF_DEPS && ok; d++)
          {
            int t = g->dep_target[i][choice[i]][d];

            if (t >= 0)
              ok = choice[t] >= 0 && bf_fits (g->dep_range[i][choice[i]][d], choice[t]);
          }
      if (!ok)
        continue;
      /* acyclic: peel off extensions whose dependencies are all peeled */
      {
        gboolean done[BF_NAMES] = { FALSE, };
        gboolean progress = TRUE;

        while (progress)
          {
            progress = FALSE;
            for (int i = 0; i < BF_NAMES; i++)
              {
                gboolean ready = !done[i];

                for (int d = 0; ready && choice[i] >= 0 && d < BF_DEPS; d++)
                  {
                    int t = g->dep_target[i][choice[i]][d];

                    ready = t < 0 || done[t];
                  }
                if (ready)
                  done[i] = progress = TRUE;
              }
          }
        for (int i = 0; i < BF_NAMES; i++)
          ok = ok && done[i];
      }
      if (ok)
        return TRUE;
    }

  return FALSE;
}

static void
test_against_brute_force (void)
{
  for (guint round = 0; round < 400; round++)
    {
      g_autoptr(KariResolver) r = kari_resolver_new ();
      g_autoptr(KariResolution) res = NULL;
      Graph g;
      int root = g_test_rand_int_range (0, BF_NAMES);
      g_autofree char *root_name = g_strdup_printf ("e%d", root);
      GPtrArray *order;

      for (int i = 0; i < BF_NAMES; i++)
        {
          g.n_versions[i] = g_test_rand_int_range (0, BF_VERSIONS + 1);
          for (int v = 0; v < g.n_versions[i]; v++)
            {
              g_autoptr(GPtrArray) deps = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_dependency_free);
              g_autofree char *version = g_strdup_printf ("1.%d.0", v);
              g_autoptr(KariVersion) kv = kari_version_parse (version, NULL);

              for (int d = 0; d < BF_DEPS; d++)
                {
                  /* cycles allowed; a name at most once per version */
                  int t = g_test_rand_int_range (-1, BF_NAMES);

                  if (d == 1 && t == g.dep_target[i][v][0])
                    t = -1;
                  g.dep_target[i][v][d] = t;
                  g.dep_range[i][v][d] = g_test_rand_int_range (0, G_N_ELEMENTS (bf_ranges));
                  if (t >= 0)
                    {
                      g_autofree char *name = g_strdup_printf ("e%d", t);
                      g_autoptr(KariConstraint) c = kari_constraint_parse (bf_ranges[g.dep_range[i][v][d]], NULL);

                      g_ptr_array_add (deps, kari_dependency_new (KARI_DEPENDENCY_EXTENSION, name, c));
                    }
                }
              {
                g_autofree char *name = g_strdup_printf ("e%d", i);

                kari_resolver_add_extension (r, name, kv, deps);
              }
            }
        }

      kari_resolver_add_root (r, root_name);
      res = kari_resolver_resolve (r);
      order = kari_resolution_get_order (res);
      g_assert_cmpint (order->len > 0, ==, bf_solvable (&g, root));

      /* and what it found is valid: every dependency is loaded before
       * its dependent, in a version that fits */
      for (guint i = 0; i < order->len; i++)
        {
          KariResolved *x = order->pdata[i];
          int xi = x->name[1] - '0';
          int xv = (int) kari_version_get_minor (x->version);

          for (int d = 0; d < BF_DEPS; d++)
            {
              int t = g.dep_target[xi][xv][d];
              gboolean found = FALSE;

              if (t < 0)
                continue;
              for (guint k = 0; k < i; k++)
                {
                  KariResolved *y = order->pdata[k];

                  if (y->name[1] - '0' == t)
                    {
                      found = TRUE;
                      g_assert_true (bf_fits (g.dep_range[xi][xv][d], (int) kari_version_get_minor (y->version)));
                    }
                }
              g_assert_true (found);
            }
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/resolver/order/chain", test_order_chain);
  g_test_add_func ("/resolver/order/ties-by-name", test_order_ties_by_name);
  g_test_add_func ("/resolver/order/deterministic", test_deterministic);
  g_test_add_func ("/resolver/diamond", test_diamond);
  g_test_add_func ("/resolver/backtrack/dependency", test_backtrack_dependency);
  g_test_add_func ("/resolver/backtrack/root-version", test_backtrack_root_version);
  g_test_add_func ("/resolver/backtrack/avoids-cycle", test_cycle_avoided_by_backtracking);
  g_test_add_func ("/resolver/root/prerelease", test_prerelease_root);
  g_test_add_func ("/resolver/root/missing", test_missing_root);
  g_test_add_func ("/resolver/root/unresolvable-does-not-stop-others", test_unresolvable_root_does_not_stop_others);
  g_test_add_func ("/resolver/reason/no-version", test_no_version);
  g_test_add_func ("/resolver/reason/no-version-list", test_no_version_list);
  g_test_add_func ("/resolver/reason/conflict", test_conflict);
  g_test_add_func ("/resolver/reason/conflict-with-earlier-root", test_conflict_with_earlier_root);
  g_test_add_func ("/resolver/reason/no-version-after-earlier-root", test_no_version_after_earlier_root);
  g_test_add_func ("/resolver/reason/missing-host-dependencies", test_missing_host_dependencies);
  g_test_add_func ("/resolver/host-dependencies-present", test_host_dependencies_present);
  g_test_add_func ("/resolver/cycle/self", test_cycle_self);
  g_test_add_func ("/resolver/cycle/two", test_cycle_two);
  g_test_add_func ("/resolver/cycle/three-below-root", test_cycle_three_below_root);
  g_test_add_func ("/resolver/doomed/deep-chain", test_doomed_deep_chain);
  g_test_add_func ("/resolver/hostile/learns", test_hostile_graph_learns);
  g_test_add_func ("/resolver/hostile/step-cap", test_step_cap);
  g_test_add_func ("/resolver/hostile/total-step-cap", test_total_step_cap);
  g_test_add_func ("/resolver/boxed", test_boxed_copies);
  g_test_add_func ("/resolver/property/against-brute-force", test_against_brute_force);

  return g_test_run ();
}
