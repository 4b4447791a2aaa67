/* kari-policy-load.c — custom rules files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A rules file is JSON:
 *
 *   {
 *     "base": "balanced",
 *     "description": "…",
 *     "rules": [
 *       { "id": "no-net-for-crm", "extension": "crm-*",
 *         "permission": "network:*", "tenant": "acme", "user": "*",
 *         "role": "viewer", "decision": "deny" },
 *       …
 *     ]
 *   }
 *
 * Every field but a rule's `decision` is optional; an absent match field
 * matches anything. `base` names the built-in that decides what no rule
 * matches (the file's `base` wins over the one the caller suggests, and
 * `strict` is used when neither says). A rule is reported as
 * `FILE:ID`, FILE being the file's base name and ID the rule's `id`, or
 * `rules[N]` when it has none.
 *
 * Every problem becomes a #KariDiagnostic with the file, line, column and
 * field path; unknown fields are warnings. The whole file is refused when
 * there is any error, never a part of it: a policy that silently dropped
 * a deny rule would be worse than none.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <glib/gstdio.h>

#include "kari-json.h"
#include "kari-manifest-validate-private.h"
#include "kari-permission-private.h"
#include "kari-policy-private.h"
#include "kari-roles.h"
#include "kari-text-private.h"

/* ------------------------------------------------------------------ */
/* Permissions in rules                                               */

/* The domains and actions a literal part of a rule may name are those of
 * kari-permission.c's table; a typo in a deny rule must not pass silently. */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The known domains in alphabetical order, joined by “, ”. */
static char *
join_domains (void)
{
  const char * const *domains = _kari_permission_get_domains ();
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  for (guint d = 0; domains[d] != NULL; d++)
    g_ptr_array_add (sorted, (gpointer) domains[d]);
  g_ptr_array_sort (sorted, compare_names);
  g_ptr_array_add (sorted, NULL);
  return g_strjoinv (", ", (char **) sorted->pdata);
}

static gboolean
check_domain_action (const KariGlob  *domain,
                     const KariGlob  *action,
                     char           **message)
{
  g_autofree char *known = NULL;

  if (domain->kind != KARI_GLOB_LITERAL)
    return TRUE;

  if (_kari_permission_domain_is_known (domain->text))
    {
      if (action->kind != KARI_GLOB_LITERAL
          || _kari_permission_domain_has_action (domain->text, action->text))
        return TRUE;
      known = _kari_permission_dup_actions (domain->text);
      *message = g_strdup_printf ("“%s” is not an action of %s; expected * or one of %s",
                                  action->text, domain->text, known);
      return FALSE;
    }

  known = join_domains ();
  *message = g_strdup_printf ("unknown domain “%s”; expected * or one of %s", domain->text, known);
  return FALSE;
}

static gboolean
compile_part (KariGlob    *glob,
              const char  *text,
              const char  *part,
              gboolean     anchors,
              char       **message)
{
  g_autofree char *why = NULL;

  if (_kari_glob_compile (glob, text, anchors, &why))
    return TRUE;
  *message = g_strdup_printf ("the %s: %s", part, why);
  return FALSE;
}

/*
 * _kari_policy_rule_set_permission:
 * @permission: (nullable): `*`, `domain`, `domain:action` or
 *   `domain:action:resource`; %NULL is `*`
 * @message: (out): what is wrong with @permission
 */
gboolean
_kari_policy_rule_set_permission (KariPolicyRule  *rule,
                                  const char      *permission,
                                  char           **message)
{
  g_autofree char *domain = NULL;
  g_autofree char *action = NULL;
  const char *resource = NULL;
  const char *c1, *c2;

  rule->permission = g_strdup (permission != NULL ? permission : "*");
  if (permission == NULL || g_str_equal (permission, "*") || g_str_equal (permission, "**"))
    {
      _kari_glob_compile (&rule->domain, NULL, FALSE, message);
      _kari_glob_compile (&rule->action, NULL, FALSE, message);
      _kari_glob_compile (&rule->resource, NULL, FALSE, message);
      return TRUE;
    }

  c1 = strchr (permission, ':');
  c2 = c1 != NULL ? strchr (c1 + 1, ':') : NULL;
  domain = c1 != NULL ? g_strndup (permission, c1 - permission) : g_strdup (permission);
  if (c1 != NULL)
    action = c2 != NULL ? g_strndup (c1 + 1, c2 - c1 - 1) : g_strdup (c1 + 1);
  if (c2 != NULL)
    resource = c2 + 1;

  return compile_part (&rule->domain, domain, "domain", FALSE, message)
         && compile_part (&rule->action, action, "action", FALSE, message)
         && compile_part (&rule->resource, resource, "resource", TRUE, message)
         && check_domain_action (&rule->domain, &rule->action, message);
}

void
_kari_policy_rule_clear (KariPolicyRule *rule)
{
  g_clear_pointer (&rule->id, g_free);
  g_clear_pointer (&rule->decided_by, g_free);
  g_clear_pointer (&rule->permission, g_free);
  g_clear_pointer (&rule->role, g_free);
  _kari_glob_clear (&rule->extension);
  _kari_glob_clear (&rule->tenant);
  _kari_glob_clear (&rule->user);
  _kari_glob_clear (&rule->domain);
  _kari_glob_clear (&rule->action);
  _kari_glob_clear (&rule->resource);
}

/* ------------------------------------------------------------------ */
/* Reporting                                                          */

typedef struct
{
  const char    *filename;
  KariLocations *locations;
  GPtrArray     *diagnostics;
  guint          n_errors;
  char          *first_error;
} Loader;

static void G_GNUC_PRINTF (4, 5)
report (Loader       *l,
        KariSeverity  severity,
        const char   *path,
        const char   *format,
        ...)
{
  g_autofree char *message = NULL;
  KariPosition pos = { 0, 0 };
  KariDiagnostic *d;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (l->locations != NULL)
    kari_locations_lookup (l->locations, path != NULL ? path : "", &pos);
  d = kari_diagnostic_new (severity, l->filename, pos.line, pos.column, path, message);
  if (severity == KARI_SEVERITY_ERROR && l->n_errors++ == 0)
    l->first_error = kari_diagnostic_to_string (d);
  g_ptr_array_add (l->diagnostics, d);
}

/* Reports that @node, at @path, is not what was @expected. */
static void
report_expected (Loader     *l,
                 const char *path,
                 const char *expected,
                 JsonNode   *node)
{
  g_autofree char *got = _kari_describe_value (node);

  report (l, KARI_SEVERITY_ERROR, path, "expected %s, got %s", expected, got);
}

static const char *
get_string (Loader     *l,
            JsonNode   *node,
            const char *path)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  report_expected (l, path, "a string", node);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Rule fields                                                        */

typedef gboolean (*FieldFunc) (Loader         *l,
                               KariPolicyRule *rule,
                               const char     *value,
                               JsonNode       *node,
                               const char     *path);

static gboolean
is_id (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > 64)
    return FALSE;
  for (const char *c = id; *c; c++)
    if (!g_ascii_isalnum (*c) && strchr ("._-", *c) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
field_id (Loader         *l,
          KariPolicyRule *rule,
          const char     *value,
          JsonNode       *node,
          const char     *path)
{
  if (!is_id (value))
    {
      report_expected (l, path, "an id of 1 to 64 letters, digits, “.”, “_” or “-”", node);
      return FALSE;
    }
  g_free (rule->id);
  rule->id = g_strdup (value);
  return TRUE;
}

static gboolean
field_description (Loader         *l,
                   KariPolicyRule *rule,
                   const char     *value,
                   JsonNode       *node,
                   const char     *path)
{
  return TRUE;
}

static gboolean
field_glob (Loader         *l,
            KariGlob       *glob,
            const char     *value,
            const char     *path)
{
  g_autofree char *message = NULL;

  _kari_glob_clear (glob);
  if (_kari_glob_compile (glob, value, FALSE, &message))
    return TRUE;
  report (l, KARI_SEVERITY_ERROR, path, "%s", message);
  return FALSE;
}

static gboolean
field_extension (Loader *l, KariPolicyRule *rule, const char *value, JsonNode *node, const char *path)
{
  return field_glob (l, &rule->extension, value, path);
}

static gboolean
field_tenant (Loader *l, KariPolicyRule *rule, const char *value, JsonNode *node, const char *path)
{
  return field_glob (l, &rule->tenant, value, path);
}

static gboolean
field_user (Loader *l, KariPolicyRule *rule, const char *value, JsonNode *node, const char *path)
{
  return field_glob (l, &rule->user, value, path);
}

static gboolean
field_permission (Loader         *l,
                  KariPolicyRule *rule,
                  const char     *value,
                  JsonNode       *node,
                  const char     *path)
{
  g_autofree char *message = NULL;

  if (_kari_text_find_control (value, NULL))
    {
      report (l, KARI_SEVERITY_ERROR, path, "the permission holds a control character");
      return FALSE;
    }
  g_clear_pointer (&rule->permission, g_free);
  _kari_glob_clear (&rule->domain);
  _kari_glob_clear (&rule->action);
  _kari_glob_clear (&rule->resource);
  if (_kari_policy_rule_set_permission (rule, value, &message))
    return TRUE;
  report (l, KARI_SEVERITY_ERROR, path, "%s", message);
  return FALSE;
}

static gboolean
field_role (Loader         *l,
            KariPolicyRule *rule,
            const char     *value,
            JsonNode       *node,
            const char     *path)
{
  if (!kari_roles_name_is_valid (value))
    {
      report_expected (l, path, "a role name of 1 to 32 lowercase letters, digits, “-” or “_”", node);
      return FALSE;
    }
  g_free (rule->role);
  rule->role = g_strdup (value);
  return TRUE;
}

static gboolean
field_decision (Loader         *l,
                KariPolicyRule *rule,
                const char     *value,
                JsonNode       *node,
                const char     *path)
{
  if (!kari_policy_decision_from_string (value, &rule->decision))
    {
      report_expected (l, path, "one of allow, ask, deny", node);
      return FALSE;
    }
  return TRUE;
}

static const struct
{
  const char *name;
  FieldFunc   func;
} rule_fields[] = {
  { "id",          field_id },
  { "description", field_description },
  { "extension",   field_extension },
  { "permission",  field_permission },
  { "tenant",      field_tenant },
  { "user",        field_user },
  { "role",        field_role },
  { "decision",    field_decision },
};

/* Reads rules[@index] into @rule; returns whether it holds no error. */
static gboolean
load_rule (Loader         *l,
           JsonNode       *node,
           const char     *path,
           KariPolicyRule *rule)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;
  gboolean ok = TRUE, has_decision = FALSE;
  char *message = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      report_expected (l, path, "an object", node);
      return FALSE;
    }

  /* Absent fields match anything. */
  _kari_glob_compile (&rule->extension, NULL, FALSE, &message);
  _kari_glob_compile (&rule->tenant, NULL, FALSE, &message);
  _kari_glob_compile (&rule->user, NULL, FALSE, &message);
  _kari_policy_rule_set_permission (rule, NULL, &message);

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *m = members; m != NULL; m = m->next)
    {
      const char *name = m->data;
      JsonNode *value = json_object_get_member (object, name);
      g_autofree char *field_path = kari_path_append_member (path, name);
      guint f;

      for (f = 0; f < G_N_ELEMENTS (rule_fields); f++)
        if (g_str_equal (name, rule_fields[f].name))
          break;
      if (f == G_N_ELEMENTS (rule_fields))
        {
          report (l, KARI_SEVERITY_WARNING, field_path,
                  "unknown field, ignored (a rule has id, description, extension, "
                  "permission, tenant, user, role and decision)");
          continue;
        }

      {
        const char *text = get_string (l, value, field_path);

        if (text == NULL || !rule_fields[f].func (l, rule, text, value, field_path))
          ok = FALSE;
        else if (rule_fields[f].func == field_decision)
          has_decision = TRUE;
      }
    }

  if (!has_decision && json_object_get_member (object, "decision") == NULL)
    {
      report (l, KARI_SEVERITY_ERROR, path, "missing “decision” (allow, ask or deny)");
      ok = FALSE;
    }
  return ok;
}

/* ------------------------------------------------------------------ */
/* Files                                                              */

static KariPolicy *
load (Loader      *l,
      const char  *default_base,
      JsonNode    *root,
      GError     **error)
{
  g_autoptr(KariPolicy) self = g_object_new (KARI_TYPE_POLICY, NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  const char *base = default_base;
  JsonObject *object;
  JsonNode *rules = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      report_expected (l, NULL, "an object", root);
      return NULL;
    }

  object = json_node_get_object (root);
  {
    g_autoptr(GList) members = json_object_get_members (object);

    for (GList *m = members; m != NULL; m = m->next)
      {
        const char *name = m->data;
        JsonNode *value = json_object_get_member (object, name);
        g_autofree char *path = kari_path_append_member ("", name);

        if (g_str_equal (name, "base"))
          {
            const char *text = get_string (l, value, path);

            if (text != NULL && g_strv_contains (kari_policy_builtin_names (), text))
              base = text;
            else if (text != NULL)
              report_expected (l, path, "one of strict, balanced, permissive", value);
          }
        else if (g_str_equal (name, "description"))
          {
            const char *text = get_string (l, value, path);

            if (text != NULL)
              self->description = g_strdup (text);
          }
        else if (g_str_equal (name, "rules"))
          rules = value;
        else
          report (l, KARI_SEVERITY_WARNING, path,
                  "unknown field, ignored (a rules file has base, description and rules)");
      }
  }

  if (rules != NULL && !JSON_NODE_HOLDS_ARRAY (rules))
    {
      report_expected (l, "rules", "an array", rules);
    }
  else if (rules != NULL)
    {
      JsonArray *array = json_node_get_array (rules);
      guint n = json_array_get_length (array);
      g_autofree char *file = g_path_get_basename (l->filename);

      if (n > KARI_POLICY_MAX_RULES)
        {
          report (l, KARI_SEVERITY_ERROR, "rules",
                  "%u rules are more than a policy may hold (%d)", n, KARI_POLICY_MAX_RULES);
          return NULL;
        }

      self->rules = g_new0 (KariPolicyRule, n);
      for (guint i = 0; i < n; i++)
        {
          KariPolicyRule *rule = &self->rules[self->n_rules];
          g_autofree char *path = kari_path_append_index ("rules", i);
          gpointer first;

          if (!load_rule (l, json_array_get_element (array, i), path, rule))
            {
              _kari_policy_rule_clear (rule);
              memset (rule, 0, sizeof *rule);
              continue;
            }
          if (rule->id == NULL)
            rule->id = g_strdup (path);
          else if ((first = g_hash_table_lookup (ids, rule->id)) != NULL)
            {
              g_autofree char *id_path = kari_path_append_member (path, "id");
              report (l, KARI_SEVERITY_ERROR, id_path, "“%s” is already the id of %s",
                      rule->id, (const char *) first);
              _kari_policy_rule_clear (rule);
              memset (rule, 0, sizeof *rule);
              continue;
            }
          rule->decided_by = g_strconcat (file, ":", rule->id, NULL);
          /* the path lives as long as the table: it is the rule's own */
          g_hash_table_insert (ids, rule->id, g_strdup (path));
          self->n_rules++;
        }
      /* the paths stored as values */
      {
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init (&iter, ids);
        while (g_hash_table_iter_next (&iter, NULL, &value))
          g_free (value);
      }
    }

  if (l->n_errors > 0)
    return NULL;

  self->filename = g_strdup (l->filename);
  self->name = g_path_get_basename (l->filename);
  self->base = kari_policy_new_builtin (base != NULL ? base : "strict", error);
  if (self->base == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

static void
fail (Loader  *l,
      GError **error)
{
  if (l->n_errors > 1)
    g_set_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_INVALID,
                 _("%s (and %u more errors)"), l->first_error, l->n_errors - 1);
  else
    g_set_error_literal (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_INVALID, l->first_error);
}

/**
 * kari_policy_new_from_data:
 * @base: (nullable): the built-in to fall back on when the file names none
 *   (`strict` when %NULL)
 * @rules_json: the rules file's text
 * @length: its length, or -1 when NUL-terminated
 * @filename: (nullable): the name diagnostics and rule names carry
 *   (`rules.json` when %NULL)
 * @diagnostics: (nullable) (element-type KariDiagnostic): where every
 *   problem is appended, warnings included
 * @error: return location for a #KARI_POLICY_ERROR
 *
 * Reads a custom policy (see the file's header for the format). Any error
 * refuses the whole file with %KARI_POLICY_ERROR_INVALID, whose message is
 * the first diagnostic; an unknown @base fails with
 * %KARI_POLICY_ERROR_UNKNOWN.
 *
 * Returns: (transfer full) (nullable): the policy, or %NULL with @error set
 */
KariPolicy *
kari_policy_new_from_data (const char  *base,
                           const char  *rules_json,
                           gssize       length,
                           const char  *filename,
                           GPtrArray   *diagnostics,
                           GError     **error)
{
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(KariLocations) locations = kari_locations_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *first_error = NULL;
  KariPosition pos = { 0, 0 };
  KariPolicy *policy;
  Loader l = { 0 };
  gsize len;

  g_return_val_if_fail (rules_json != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (base != NULL && !g_strv_contains (kari_policy_builtin_names (), base))
    {
      g_set_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_UNKNOWN,
                   _("no built-in policy is called “%s”; expected strict, balanced or permissive"),
                   base);
      return NULL;
    }

  l.filename = filename != NULL ? filename : "rules.json";
  l.diagnostics = diagnostics != NULL ? diagnostics : (own = kari_diagnostics_new ());
  len = length < 0 ? strlen (rules_json) : (gsize) length;

  if (len > KARI_POLICY_MAX_FILE_SIZE)
    report (&l, KARI_SEVERITY_ERROR, NULL,
            "the file is %" G_GSIZE_FORMAT " bytes long; a rules file may hold at most %d",
            len, KARI_POLICY_MAX_FILE_SIZE);
  else if ((root = kari_json_parse (rules_json, len, locations, &pos, &parse_error)) == NULL)
    {
      KariDiagnostic *d = kari_diagnostic_new (KARI_SEVERITY_ERROR, l.filename, pos.line,
                                               pos.column, NULL, parse_error->message);

      l.n_errors++;
      l.first_error = kari_diagnostic_to_string (d);
      g_ptr_array_add (l.diagnostics, d);
    }

  if (l.n_errors > 0)
    {
      fail (&l, error);
      g_free (l.first_error);
      return NULL;
    }

  l.locations = locations;
  policy = load (&l, base, root, error);
  first_error = l.first_error;
  if (policy == NULL && l.n_errors > 0)
    fail (&l, error);
  return policy;
}

/**
 * kari_policy_new_from_file:
 * @base: (nullable): the built-in to fall back on when the file names none
 * @rules_path: the rules file
 * @diagnostics: (nullable) (element-type KariDiagnostic): where problems go
 * @error: return location for a #KARI_POLICY_ERROR or #G_FILE_ERROR
 *
 * Reads a custom policy from @rules_path, refusing a file larger than
 * %KARI_POLICY_MAX_FILE_SIZE before reading it. See
 * kari_policy_new_from_data().
 *
 * Returns: (transfer full) (nullable): the policy, or %NULL with @error set
 */
KariPolicy *
kari_policy_new_from_file (const char  *base,
                           const char  *rules_path,
                           GPtrArray   *diagnostics,
                           GError     **error)
{
  g_autofree char *contents = NULL;
  GStatBuf st;
  gsize length;

  g_return_val_if_fail (rules_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_stat (rules_path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > KARI_POLICY_MAX_FILE_SIZE)
    {
      g_autoptr(GPtrArray) own = NULL;
      Loader l = { rules_path, NULL, diagnostics != NULL ? diagnostics : (own = kari_diagnostics_new ()), 0, NULL };

      report (&l, KARI_SEVERITY_ERROR, NULL,
              "the file is %" G_GINT64_FORMAT " bytes long; a rules file may hold at most %d",
              (gint64) st.st_size, KARI_POLICY_MAX_FILE_SIZE);
      fail (&l, error);
      g_free (l.first_error);
      return NULL;
    }

  if (!g_file_get_contents (rules_path, &contents, &length, error))
    return NULL;
  return kari_policy_new_from_data (base, contents, length, rules_path, diagnostics, error);
}
