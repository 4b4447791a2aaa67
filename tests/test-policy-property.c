/* test-policy-property.c — decide() against a naive reading of the rules
 * (included by test-policy.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Random rules files and random queries; for each query, a plain
 * recursive re-implementation of the documented semantics must name the
 * same rule and decision as kari_policy_decide().
 */

typedef struct
{
  char       *id;
  const char *extension;
  const char *tenant;
  const char *user;
  const char *role;
  char       *permission;
  const char *decision;
} NaiveRule;

/* The documented glob, read literally: `*` any run without `/`, `**`
 * any run, a trailing `/` + `**` also matches the empty rest, and `**`
 * between slashes (or at the start before one) may match no segment. */
static gboolean
naive_glob (const char *start,
            const char *p,
            const char *t,
            gboolean    fold)
{
  if (*p == '\0')
    return *t == '\0';
  if (p[0] == '*' && p[1] == '*')
    {
      if ((p == start || p[-1] == '/') && p[2] == '/' && naive_glob (start, p + 3, t, fold))
        return TRUE;
      for (const char *s = t;; s++)
        {
          if (naive_glob (start, p + 2, s, fold))
            return TRUE;
          if (*s == '\0')
            return FALSE;
        }
    }
  if (p[0] == '*')
    {
      for (const char *s = t;; s++)
        {
          if (naive_glob (start, p + 1, s, fold))
            return TRUE;
          if (*s == '\0' || *s == '/')
            return FALSE;
        }
    }
  if (g_str_equal (p, "/**") && *t == '\0')
    return TRUE;
  if (*t != '\0' && (*p == *t || (fold && g_ascii_tolower (*p) == g_ascii_tolower (*t))))
    return naive_glob (start, p + 1, t + 1, fold);
  return FALSE;
}

static gboolean
naive_field (const char *pattern,
             const char *value)
{
  if (pattern == NULL || g_str_equal (pattern, "*") || g_str_equal (pattern, "**"))
    return TRUE;
  return value != NULL && naive_glob (pattern, pattern, value, FALSE);
}

static gboolean
naive_resource (const char *pattern,
                const char *resource,
                gboolean    host)
{
  g_autofree char *expanded = NULL;
  const char *p = pattern;

  if (pattern == NULL || g_str_equal (pattern, "*") || g_str_equal (pattern, "**"))
    return TRUE;
  if (resource == NULL)
    return FALSE;
  if (g_str_has_prefix (pattern, "$DATA"))
    p = expanded = g_strconcat (context.data, pattern + 5, NULL);
  else if (pattern[0] == '~')
    p = expanded = g_strconcat (context.home, pattern + 1, NULL);

  /* anchors are matched as text here, the start of the expansion
   * counting as a segment start */
  if (naive_glob (expanded != NULL ? p + strlen (pattern[0] == '~' ? context.home : context.data) : p,
                  p, resource, host))
    return TRUE;
  if (host && strchr (pattern, ':') == NULL && strrchr (resource, ':') != NULL)
    {
      const char *colon = strrchr (resource, ':');
      g_autofree char *bare = g_strndup (resource, colon - resource);
      gboolean digits = colon[1] != '\0';

      for (const char *c = colon + 1; *c; c++)
        digits = digits && g_ascii_isdigit (*c);
      return digits && naive_glob (p, p, bare, TRUE);
    }
  return FALSE;
}

static gboolean
naive_matches (const NaiveRule       *r,
               const KariPolicyQuery *q)
{
  g_auto(GStrv) parts = g_strsplit (r->permission, ":", 3);
  const char *domain = parts[0];
  const char *action = parts[0] != NULL ? parts[1] : NULL;
  const char *resource = action != NULL ? parts[2] : NULL;

  if (g_str_equal (r->permission, "*"))
    domain = NULL;
  if (!naive_field (domain, q->domain)
      || !naive_field (action, q->action != NULL ? q->action : "")
      || !naive_field (r->extension, q->extension)
      || !naive_field (r->tenant, q->tenant)
      || !naive_field (r->user, q->user))
    return FALSE;
  if (r->role != NULL && (q->roles == NULL || !g_strv_contains (q->roles, r->role)))
    return FALSE;
  return naive_resource (resource, q->resource, g_str_equal (q->domain, "network"));
}

static const char *
pick (GRand              *rand,
      const char * const *choices,
      guint               n)
{
  return choices[g_rand_int_range (rand, 0, n)];
}

#define PICK(rand, array) pick ((rand), (array), G_N_ELEMENTS (array))

static const char * const names[] = { NULL, NULL, "*", "a", "ab", "a*", "*b", "c*m*", "b" };
static const char * const values[] = { NULL, "a", "ab", "b", "cm", "crm", "abab" };
static const char * const roles_choices[] = { NULL, NULL, "admin", "user", "viewer", "auditor" };
static const char * const decisions[] = { "allow", "ask", "deny" };
static const char * const segments[] = { "a", "b", "ab", "x.log" };
static const char * const pattern_segments[] = { "a", "*", "**", "a*", "*.log", "b" };
static const char * const hosts[] = { "a.example", "B.example", "a.b.example", "a.example:80", "example", "a.example:x" };
static const char * const host_patterns[] = { "*.example", "a.example", "a.example:80", "*", "example", "*.b.example" };

static char *
random_path (GRand      *rand,
             gboolean    pattern,
             const char *prefix)
{
  GString *s = g_string_new (prefix);
  guint n = g_rand_int_range (rand, pattern ? 0 : 1, 4);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "/%s", pattern ? PICK (rand, pattern_segments) : PICK (rand, segments));
  if (s->len == 0)
    g_string_append_c (s, '/');
  return g_string_free (s, FALSE);
}

static char *
random_permission (GRand *rand)
{
  switch (g_rand_int_range (rand, 0, 7))
    {
    case 0:
      return g_strdup ("*");
    case 1:
      return g_strdup (g_rand_boolean (rand) ? "filesystem" : "network");
    case 2:
      return g_strdup (g_rand_boolean (rand) ? "filesystem:read" : "data:*");
    case 3:
    case 4:
      {
        const char *prefixes[] = { "", "$DATA", "~", "/srv" };
        g_autofree char *path = random_path (rand, TRUE, PICK (rand, prefixes));
        return g_strconcat (g_rand_boolean (rand) ? "filesystem:read:" : "filesystem:*:", path, NULL);
      }
    default:
      return g_strconcat ("network:http:", PICK (rand, host_patterns), NULL);
    }
}

static void
random_query (GRand           *rand,
              KariPolicyQuery *q,
              char           **resource)
{
  static const char * const query_roles[][3] = {
    { NULL }, { "admin", NULL }, { "user", "viewer", NULL }, { "auditor", NULL },
  };
  const char *data_prefixes[] = { "", "/srv", "/home/ann", "/home/ann/.local/share/kari/x" };

  q->extension = PICK (rand, values);
  if (q->extension == NULL)
    q->extension = "e";
  q->tenant = PICK (rand, values);
  if (q->tenant == NULL)
    q->tenant = "default";
  q->user = PICK (rand, values);
  q->roles = query_roles[g_rand_int_range (rand, 0, G_N_ELEMENTS (query_roles))];
  q->context = &context;
  switch (g_rand_int_range (rand, 0, 3))
    {
    case 0:
      q->domain = "data";
      q->action = "read";
      *resource = NULL;
      break;
    case 1:
      q->domain = "filesystem";
      q->action = g_rand_boolean (rand) ? "read" : "write";
      *resource = random_path (rand, FALSE, PICK (rand, data_prefixes));
      break;
    default:
      q->domain = "network";
      q->action = "http";
      *resource = g_strdup (PICK (rand, hosts));
      break;
    }
  q->resource = *resource;
}

static void
test_property (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *json = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(KariPolicy) policy = NULL;
      g_autoptr(KariPolicy) base = kari_policy_new_builtin ("balanced", NULL);
      guint n = g_rand_int_range (rand, 0, 12);
      NaiveRule rules[12] = { { 0 } };

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "base");
      json_builder_add_string_value (b, "balanced");
      json_builder_set_member_name (b, "rules");
      json_builder_begin_array (b);
      for (guint i = 0; i < n; i++)
        {
          NaiveRule *r = &rules[i];
          struct { const char *name; const char *value; } fields[5];

          r->id = g_strdup_printf ("r%u", i);
          r->extension = PICK (rand, names);
          r->tenant = PICK (rand, names);
          r->user = g_rand_int_range (rand, 0, 3) == 0 ? PICK (rand, names) : NULL;
          r->role = PICK (rand, roles_choices);
          r->permission = random_permission (rand);
          r->decision = PICK (rand, decisions);
          fields[0].name = "extension"; fields[0].value = r->extension;
          fields[1].name = "tenant"; fields[1].value = r->tenant;
          fields[2].name = "user"; fields[2].value = r->user;
          fields[3].name = "role"; fields[3].value = r->role;
          fields[4].name = "permission"; fields[4].value = r->permission;

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, r->id);
          for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
            if (fields[f].value != NULL)
              {
                json_builder_set_member_name (b, fields[f].name);
                json_builder_add_string_value (b, fields[f].value);
              }
          json_builder_set_member_name (b, "decision");
          json_builder_add_string_value (b, r->decision);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json = json_generator_to_data (gen, NULL);

      policy = kari_policy_new_from_data (NULL, json, -1, "p.json", NULL, &error);
      g_assert_no_error (error);

      for (guint k = 0; k < 200; k++)
        {
          KariPolicyQuery q = { 0 };
          g_autofree char *resource = NULL;
          const char *rule = NULL, *base_rule = NULL;
          KariPolicyDecision got, expected;
          g_autofree char *expected_rule = NULL;
          guint i;

          random_query (rand, &q, &resource);
          got = kari_policy_decide (policy, &q, &rule);
          for (i = 0; i < n; i++)
            if (naive_matches (&rules[i], &q))
              break;
          if (i < n)
            {
              g_assert_true (kari_policy_decision_from_string (rules[i].decision, &expected));
              expected_rule = g_strconcat ("p.json:", rules[i].id, NULL);
            }
          else
            {
              expected = kari_policy_decide (base, &q, &base_rule);
              expected_rule = g_strdup (base_rule);
            }
          if (g_strcmp0 (rule, expected_rule) != 0 || got != expected)
            g_test_message ("rules %s; query %s %s %s %s ext=%s tenant=%s user=%s",
                            json, q.domain, q.action, q.resource, q.roles[0] ? q.roles[0] : "-",
                            q.extension, q.tenant, q.user ? q.user : "-");
          g_assert_cmpstr (rule, ==, expected_rule);
          g_assert_cmpint (got, ==, expected);
        }

      for (guint i = 0; i < n; i++)
        {
          g_free (rules[i].id);
          g_free (rules[i].permission);
        }
    }
}

static void
add_property_tests (void)
{
  g_test_add_func ("/policy/property/naive", test_property);
}
