/* kari-policy.c — what is granted at install, asked at run time, or denied
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A policy is an ordered list of rules and, for a custom policy, a
 * built-in base. A query is decided by the first rule that matches it;
 * when none of a custom policy's rules matches, its base decides. Every
 * built-in ends with a rule that matches everything, so every query gets
 * a decision and the rule that made it. Nothing else is consulted: no
 * ordering by specificity, no merging of decisions, no state, so the same
 * query always gets the same answer. Undeclared permissions never reach
 * a policy (the engine denies them first).
 *
 * The built-in policies (the tables below):
 *
 * strict      allows the extension's own data (`data:*`); denies
 *             `system:*` and `network:full`; asks for everything else.
 * balanced    allows data, notifications, `plugin:execute` and files
 *             under `$DATA`; asks for other files, network, secrets,
 *             models, extension and IPC calls, system information and
 *             anything else.
 * permissive  allows everything the manifest declares.
 *
 * A rule's permission is `*`, `domain`, `domain:action` or
 * `domain:action:resource`; each part is a glob (see kari-policy-glob.c),
 * `domain` alone means any action, and a missing resource any resource.
 * Custom rules files are read in kari-policy-load.c.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-policy-private.h"

G_DEFINE_QUARK (kari-policy-error-quark, kari_policy_error)

G_DEFINE_FINAL_TYPE (KariPolicy, kari_policy, G_TYPE_OBJECT)

/* ------------------------------------------------------------------ */
/* The built-in policies                                              */

typedef struct
{
  const char         *name;
  const char         *permission;
  KariPolicyDecision  decision;
} BuiltinRule;

typedef struct
{
  const char        *name;
  const char        *summary;
  const BuiltinRule *rules;
  guint              n_rules;
} BuiltinPolicy;

static const BuiltinRule strict_rules[] = {
  { "own-data",        "data:*",       KARI_POLICY_ALLOW },
  { "system",          "system:*",     KARI_POLICY_DENY },
  { "network-full",    "network:full", KARI_POLICY_DENY },
  { "everything-else", "*",            KARI_POLICY_ASK },
};

static const BuiltinRule balanced_rules[] = {
  { "own-data",        "data:*",                 KARI_POLICY_ALLOW },
  { "notifications",   "notifications",          KARI_POLICY_ALLOW },
  { "plugins",         "plugin:execute",         KARI_POLICY_ALLOW },
  { "data-files",      "filesystem:*:$DATA/**",  KARI_POLICY_ALLOW },
  { "files",           "filesystem",             KARI_POLICY_ASK },
  { "network",         "network",                KARI_POLICY_ASK },
  { "secrets",         "secrets",                KARI_POLICY_ASK },
  { "models",          "model",                  KARI_POLICY_ASK },
  { "extension-calls", "extension",              KARI_POLICY_ASK },
  { "ipc",             "ipc",                    KARI_POLICY_ASK },
  { "system",          "system",                 KARI_POLICY_ASK },
  { "everything-else", "*",                      KARI_POLICY_ASK },
};

static const BuiltinRule permissive_rules[] = {
  { "everything",      "*",                      KARI_POLICY_ALLOW },
};

static const BuiltinPolicy builtins[] = {
  { "strict",
    "Allows the extension's own data; denies system information and full network access; asks for everything else.",
    strict_rules, G_N_ELEMENTS (strict_rules) },
  { "balanced",
    "Allows the extension's own data, notifications, plugins and files under $DATA; asks for other files, network, secrets, models, calls and system information.",
    balanced_rules, G_N_ELEMENTS (balanced_rules) },
  { "permissive",
    "Allows everything the manifest declares.",
    permissive_rules, G_N_ELEMENTS (permissive_rules) },
};

static const char * const builtin_names[] = { "strict", "balanced", "permissive", NULL };

static const char *decision_names[] = {
  [KARI_POLICY_ALLOW] = "allow",
  [KARI_POLICY_ASK] = "ask",
  [KARI_POLICY_DENY] = "deny",
};

/* Where the decision of an ill-formed query comes from. */
#define RULE_INVALID_QUERY "policy:invalid-query"
#define RULE_UNNORMALISED_PATH "policy:unnormalised-path"
#define RULE_NONE "policy:no-rule"

/* ------------------------------------------------------------------ */
/* Object                                                             */

static void
kari_policy_finalize (GObject *object)
{
  KariPolicy *self = KARI_POLICY (object);

  for (guint i = 0; i < self->n_rules; i++)
    _kari_policy_rule_clear (&self->rules[i]);
  g_clear_pointer (&self->rules, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->filename, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (kari_policy_parent_class)->finalize (object);
}

static void
kari_policy_class_init (KariPolicyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_policy_finalize;
}

static void
kari_policy_init (KariPolicy *self)
{
}

/**
 * kari_policy_builtin_names:
 *
 * Returns: (transfer none): the names of the built-in policies, from the
 *   most to the least restrictive, %NULL-terminated
 */
const char * const *
kari_policy_builtin_names (void)
{
  return builtin_names;
}

/**
 * kari_policy_new_builtin:
 * @name: `strict`, `balanced` or `permissive`
 * @error: return location for a %KARI_POLICY_ERROR_UNKNOWN
 *
 * Returns: (transfer full) (nullable): the policy, or %NULL with @error set
 */
KariPolicy *
kari_policy_new_builtin (const char  *name,
                         GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (builtins); i++)
    if (g_str_equal (name, builtins[i].name))
      {
        const BuiltinPolicy *b = &builtins[i];
        KariPolicy *self = g_object_new (KARI_TYPE_POLICY, NULL);

        self->builtin = TRUE;
        self->name = g_strdup (b->name);
        self->description = g_strdup (b->summary);
        self->rules = g_new0 (KariPolicyRule, b->n_rules);
        self->n_rules = b->n_rules;
        for (guint r = 0; r < b->n_rules; r++)
          {
            KariPolicyRule *rule = &self->rules[r];
            g_autofree char *message = NULL;

            rule->id = g_strdup (b->rules[r].name);
            rule->decided_by = g_strconcat ("builtin:", b->name, ":", b->rules[r].name, NULL);
            rule->decision = b->rules[r].decision;
            _kari_glob_compile (&rule->extension, NULL, FALSE, &message);
            _kari_glob_compile (&rule->tenant, NULL, FALSE, &message);
            _kari_glob_compile (&rule->user, NULL, FALSE, &message);
            if (!_kari_policy_rule_set_permission (rule, b->rules[r].permission, &message))
              g_error ("built-in rule %s: %s", rule->decided_by, message);
          }
        return self;
      }

  g_set_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_UNKNOWN,
               _("no built-in policy is called “%s”; expected strict, balanced or permissive"),
               name != NULL ? name : "(null)");
  return NULL;
}

/**
 * kari_policy_get_name:
 * @self: a policy
 *
 * Returns: the built-in's name, or the rules file's base name
 */
const char *
kari_policy_get_name (KariPolicy *self)
{
  g_return_val_if_fail (KARI_IS_POLICY (self), NULL);
  return self->name;
}

/**
 * kari_policy_get_base:
 * @self: a policy
 *
 * Returns: (transfer none) (nullable): the built-in that decides what a
 *   custom policy's rules leave open, or %NULL for a built-in
 */
KariPolicy *
kari_policy_get_base (KariPolicy *self)
{
  g_return_val_if_fail (KARI_IS_POLICY (self), NULL);
  return self->base;
}

/**
 * kari_policy_is_builtin:
 * @self: a policy
 *
 * Returns: whether @self is one of the built-in policies
 */
gboolean
kari_policy_is_builtin (KariPolicy *self)
{
  g_return_val_if_fail (KARI_IS_POLICY (self), FALSE);
  return self->builtin;
}

/**
 * kari_policy_get_n_rules:
 * @self: a policy
 *
 * Returns: the number of @self's own rules, not counting its base's
 */
guint
kari_policy_get_n_rules (KariPolicy *self)
{
  g_return_val_if_fail (KARI_IS_POLICY (self), 0);
  return self->n_rules;
}

/* ------------------------------------------------------------------ */
/* Deciding                                                           */

/* Paths reach the policy resolved; anything else (`..`, `.`, `//`, a
 * trailing slash, a relative path) could slip past a rule's folder. */
static gboolean
path_is_normal (const char *path)
{
  if (path[0] != '/')
    return FALSE;
  if (path[1] == '\0')
    return TRUE;
  for (const char *seg = path + 1;; )
    {
      const char *end = strchr (seg, '/');
      gsize len = end != NULL ? (gsize) (end - seg) : strlen (seg);

      if (len == 0
          || (len == 1 && seg[0] == '.')
          || (len == 2 && seg[0] == '.' && seg[1] == '.'))
        return FALSE;
      if (end == NULL)
        return TRUE;
      seg = end + 1;
    }
}

static inline gboolean
rule_matches (const KariPolicyRule  *rule,
              const KariPolicyQuery *query,
              const char            *action,
              gboolean               host)
{
  if (!_kari_policy_glob_match (&rule->domain, query->domain, FALSE)
      || !_kari_policy_glob_match (&rule->action, action, FALSE)
      || !_kari_policy_glob_match (&rule->extension, query->extension, FALSE)
      || !_kari_policy_glob_match (&rule->tenant, query->tenant, FALSE)
      || !_kari_policy_glob_match (&rule->user, query->user, FALSE))
    return FALSE;

  if (rule->role != NULL)
    {
      gboolean has = FALSE;

      for (guint i = 0; query->roles != NULL && query->roles[i] != NULL && !has; i++)
        has = strcmp (query->roles[i], rule->role) == 0;
      if (!has)
        return FALSE;
    }

  return _kari_policy_glob_match_resource (&rule->resource, query->resource, query->context, host);
}

/**
 * kari_policy_decide:
 * @self: a policy
 * @query: what to decide
 * @rule: (out) (optional) (transfer none): the rule that decided, as
 *   `builtin:POLICY:NAME` or `FILE:ID`, owned by @self
 *
 * Decides @query: the first of @self's rules that matches it decides;
 * when none does, @self's base decides. A rule's absent fields match
 * anything; a rule that names a role matches when @query's roles hold
 * that very role (no hierarchy: `admin` does not match a `user` rule).
 * A query without a domain, or for a filesystem path that is not
 * absolute and normalised, is denied by `policy:invalid-query` or
 * `policy:unnormalised-path`.
 *
 * Thread-safe, allocates nothing, and deterministic.
 *
 * Returns: the decision
 */
KariPolicyDecision
kari_policy_decide (KariPolicy            *self,
                    const KariPolicyQuery *query,
                    const char           **rule)
{
  const char *action;
  gboolean host, files;

  g_return_val_if_fail (KARI_IS_POLICY (self), KARI_POLICY_DENY);
  g_return_val_if_fail (query != NULL, KARI_POLICY_DENY);

  if (query->domain == NULL || query->domain[0] == '\0')
    {
      if (rule != NULL)
        *rule = RULE_INVALID_QUERY;
      return KARI_POLICY_DENY;
    }
  files = strcmp (query->domain, "filesystem") == 0;
  if (files && query->resource != NULL && !path_is_normal (query->resource))
    {
      if (rule != NULL)
        *rule = RULE_UNNORMALISED_PATH;
      return KARI_POLICY_DENY;
    }
  host = strcmp (query->domain, "network") == 0;
  action = query->action != NULL ? query->action : "";

  for (KariPolicy *p = self; p != NULL; p = p->base)
    for (guint i = 0; i < p->n_rules; i++)
      if (rule_matches (&p->rules[i], query, action, host))
        {
          if (rule != NULL)
            *rule = p->rules[i].decided_by;
          return p->rules[i].decision;
        }

  /* Unreachable with a built-in base, whose last rule matches all. */
  if (rule != NULL)
    *rule = RULE_NONE;
  return KARI_POLICY_DENY;
}

/* ------------------------------------------------------------------ */
/* Describing                                                         */

const char *
kari_policy_decision_to_string (KariPolicyDecision decision)
{
  g_return_val_if_fail ((guint) decision < G_N_ELEMENTS (decision_names), "deny");
  return decision_names[decision];
}

/**
 * kari_policy_decision_from_string:
 * @text: `allow`, `ask` or `deny`
 * @decision: (out): the decision
 *
 * Returns: whether @text names a decision
 */
gboolean
kari_policy_decision_from_string (const char         *text,
                                  KariPolicyDecision *decision)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (decision_names); i++)
    if (g_str_equal (text, decision_names[i]))
      {
        *decision = (KariPolicyDecision) i;
        return TRUE;
      }
  return FALSE;
}

static void
add_optional (JsonBuilder    *b,
              const char     *member,
              const KariGlob *glob)
{
  if (glob->text == NULL)
    return;
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, glob->text);
}

/**
 * kari_policy_to_json:
 * @self: a policy
 *
 * Describes @self for people and tools: `name`, `builtin`, `description`,
 * `precedence` (how a decision is reached, in a sentence), `file` and
 * `base` (the base policy, described the same way) for a custom policy,
 * and `rules`, in order, each with `id`, `decided_by` (what
 * kari_policy_decide() reports), its match fields and `decision`.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
kari_policy_to_json (KariPolicy *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (KARI_IS_POLICY (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->name);
  json_builder_set_member_name (b, "builtin");
  json_builder_add_boolean_value (b, self->builtin);
  if (self->description != NULL)
    {
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, self->description);
    }
  json_builder_set_member_name (b, "precedence");
  json_builder_add_string_value (b, self->base != NULL
                                 ? "Rules are tried in order and the first that matches decides; when none matches, the base policy decides."
                                 : "Rules are tried in order and the first that matches decides; the last matches everything.");
  if (self->filename != NULL)
    {
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, self->filename);
    }
  if (self->base != NULL)
    {
      json_builder_set_member_name (b, "base");
      json_builder_add_value (b, kari_policy_to_json (self->base));
    }

  json_builder_set_member_name (b, "rules");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->n_rules; i++)
    {
      const KariPolicyRule *rule = &self->rules[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, rule->id);
      json_builder_set_member_name (b, "decided_by");
      json_builder_add_string_value (b, rule->decided_by);
      add_optional (b, "extension", &rule->extension);
      json_builder_set_member_name (b, "permission");
      json_builder_add_string_value (b, rule->permission);
      add_optional (b, "tenant", &rule->tenant);
      add_optional (b, "user", &rule->user);
      if (rule->role != NULL)
        {
          json_builder_set_member_name (b, "role");
          json_builder_add_string_value (b, rule->role);
        }
      json_builder_set_member_name (b, "decision");
      json_builder_add_string_value (b, kari_policy_decision_to_string (rule->decision));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
