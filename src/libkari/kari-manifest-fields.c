/* kari-manifest-fields.c — the manifest schema as tables, and the
 * checkers for what a field's kind alone does not say
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keep data/io.github.kari.Manifest.schema.json in step with this file.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-cron.h"
#include "kari-manifest-validate-private.h"
#include "kari-permission.h"
#include "kari-text-private.h"

/* ------------------------------------------------------------------ */
/* Small predicates                                                   */

/* Extension, plugin and service names: they become folder and file
 * names, so no path separators, no `..`, no leading dot or dash. */
gboolean
_kari_manifest_is_valid_name (const char *s)
{
  gsize len = strlen (s);

  if (len == 0 || len > 64 || s[0] == '.' || s[0] == '-' || strstr (s, "..") != NULL)
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!g_ascii_islower (*c) && !g_ascii_isdigit (*c) && *c != '-' && *c != '_' && *c != '.')
      return FALSE;
  return TRUE;
}


/* `ui.reports`, `tasks.generate_daily_report` */
gboolean
_kari_manifest_is_dotted_identifier (const char *s)
{
  gboolean at_start = TRUE;

  if (*s == '\0')
    return FALSE;
  for (const char *c = s; *c; c++)
    {
      if (*c == '.')
        {
          if (at_start)
            return FALSE;
          at_start = TRUE;
        }
      else if (g_ascii_isalpha (*c) || *c == '_' || (!at_start && g_ascii_isdigit (*c)))
        at_start = FALSE;
      else
        return FALSE;
    }
  return !at_start;
}

gboolean
_kari_manifest_is_relative_path (const char *s)
{
  g_auto(GStrv) parts = NULL;

  if (*s == '\0' || s[0] == '/' || _kari_text_find_control (s, NULL) || strchr (s, '\\') != NULL)
    return FALSE;
  parts = g_strsplit (s, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], "..") || *parts[i] == '\0')
      return FALSE;
  return TRUE;
}

/* URL paths of pages, endpoints and webhooks: `/analytics/data`,
 * `/items/{id}`. */
gboolean
_kari_manifest_is_url_path (const char *s)
{
  if (s[0] != '/' || strstr (s, "..") != NULL || strstr (s, "//") != NULL)
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!g_ascii_isalnum (*c) && strchr ("/-_.~{}", *c) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
_kari_manifest_is_http_url (const char *s)
{
  g_autoptr(GUri) uri = g_uri_parse (s, G_URI_FLAGS_NONE, NULL);

  return uri != NULL
      && (g_str_equal (g_uri_get_scheme (uri), "https") || g_str_equal (g_uri_get_scheme (uri), "http"))
      && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

/* Adds `value` to the set called `set`; FALSE if it was there already. */
gboolean
_kari_manifest_add_unique (Validator  *v,
                           const char *set,
                           const char *value)
{
  return g_hash_table_add (v->unique, g_strconcat (set, "\x1f", value, NULL));
}

void
_kari_manifest_report_duplicate (Validator  *v,
                                 const char *path,
                                 const char *what,
                                 const char *value)
{
  _kari_validator_report (v, KARI_SEVERITY_ERROR, path, _("%s “%s” is declared twice"), what, value);
}

/* ------------------------------------------------------------------ */
/* Identity                                                           */

static void
check_name (Validator   *v,
            const Field *f,
            const char  *path,
            JsonNode    *node)
{
  const char *s = json_node_get_string (node);

  if (!_kari_manifest_is_valid_name (s))
    {
      _kari_validator_expected (v, path, NAME_EXPECTED, node);
      return;
    }
  g_free (v->info->name);
  v->info->name = g_strdup (s);
}

static void
check_version (Validator   *v,
               const Field *f,
               const char  *path,
               JsonNode    *node)
{
  g_autoptr(KariVersion) version = kari_version_parse (json_node_get_string (node), NULL);

  if (version == NULL)
    {
      _kari_validator_expected (v, path, _("a semantic version such as “1.2.0”"), node);
      return;
    }
  if (g_str_equal (f->name, "version"))
    {
      g_clear_pointer (&v->info->version, kari_version_unref);
      v->info->version = g_steal_pointer (&version);
    }
}

static const char * const extension_types[] = {
  "instrument",    /* an AI/ML model front-end */
  "operator",      /* a workflow utility */
  "addon",         /* a UI enhancement */
  "integration",   /* a bridge to an outside service */
  "dashboard",
  "workflow",
  "automation",
  "service",       /* background work without pages */
  "theme",
  "library",       /* code other extensions depend on */
  NULL
};

static void
check_type (Validator   *v,
            const Field *f,
            const char  *path,
            JsonNode    *node)
{
  if (!g_strv_contains (extension_types, json_node_get_string (node)))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) extension_types);
      g_autofree char *expected = g_strconcat ("one of ", list, NULL);

      _kari_validator_expected (v, path, expected, node);
      g_clear_pointer (&v->info->type, g_free);
    }
}

static void
check_category (Validator   *v,
                const Field *f,
                const char  *path,
                JsonNode    *node)
{
  const char *s = json_node_get_string (node);
  gboolean ok = *s != '\0' && strlen (s) <= 32 && g_ascii_isalnum (s[0]);

  for (const char *c = s; ok && *c; c++)
    ok = g_ascii_islower (*c) || g_ascii_isdigit (*c) || *c == '-';
  if (!ok)
    _kari_validator_expected (v, path, _("a category of lowercase letters, digits and “-”"), node);
}

static void
check_tag (Validator   *v,
           const Field *f,
           const char  *path,
           JsonNode    *node)
{
  const char *s = json_node_get_string (node);

  if (*s == '\0' || g_utf8_strlen (s, -1) > 32 || _kari_text_find_control (s, NULL))
    {
      _kari_validator_expected (v, path, _("a tag of 1 to 32 printable characters"), node);
      return;
    }
  g_ptr_array_add (v->info->tags, g_strdup (s));
}

static void
check_email (Validator   *v,
             const Field *f,
             const char  *path,
             JsonNode    *node)
{
  const char *s = json_node_get_string (node);
  const char *at = strchr (s, '@');

  if (at == NULL || at == s || at[1] == '\0' || strchr (at + 1, '@') != NULL
      || strpbrk (s, " <>") != NULL || _kari_text_find_control (s, NULL))
    _kari_validator_expected (v, path, _("an e-mail address"), node);
}

void
_kari_manifest_check_url (Validator   *v,
                          const Field *f,
                          const char  *path,
                          JsonNode    *node)
{
  if (!_kari_manifest_is_http_url (json_node_get_string (node)))
    _kari_validator_expected (v, path, _("an http or https URL"), node);
}

static const Field author_fields[] = {
  { "name",  KIND_STRING, F_REQUIRED, .min = 1, .max = 128 },
  { "email", KIND_STRING, .check = check_email },
  { "url",   KIND_STRING, .check = _kari_manifest_check_url },
  { NULL }
};

static void
check_author (Validator   *v,
              const Field *f,
              const char  *path,
              JsonNode    *node)
{
  g_clear_pointer (&v->info->author, g_free);

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);

      if (*s == '\0' || g_utf8_strlen (s, -1) > 128)
        _kari_validator_expected (v, path, _("a name of 1 to 128 characters"), node);
      else
        v->info->author = g_strdup (s);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      const char *name = json_object_get_string_member_with_default (o, "name", NULL);
      const char *email = json_object_get_string_member_with_default (o, "email", NULL);

      _kari_validator_walk_object (v, author_fields, path, o);
      if (name != NULL)
        v->info->author = email != NULL ? g_strdup_printf ("%s <%s>", name, email) : g_strdup (name);
    }
  else
    _kari_validator_expected (v, path, _("a string or an object with name, email and url"), node);
}

static void
check_api_version (Validator   *v,
                   const Field *f,
                   const char  *path,
                   JsonNode    *node)
{
  const char *s = json_node_get_string (node);
  gboolean ok = g_str_has_prefix (s, "1.") && s[2] != '\0';

  if (ok && !g_str_equal (s + 2, "x"))
    for (const char *c = s + 2; ok && *c; c++)
      ok = g_ascii_isdigit (*c);
  if (!ok)
    _kari_validator_expected (v, path, _("an API version this host speaks, such as “1.0” or “1.x”"), node);
}

/* ------------------------------------------------------------------ */
/* Capabilities                                                       */

/* Both forms of `capabilities` and what each entry says is provided.
 * The object form's flags are listed by the id they stand for. */
typedef struct
{
  const char *flag;    /* object form member, or NULL */
  const char *id;      /* list form id */
  Provides    provides;
} CapabilityInfo;

static const CapabilityInfo capability_table[] = {
  { "provides_ui",               "ui.page",          PROVIDES_UI },
  { "provides_api",              "api.endpoints",    PROVIDES_API },
  { "provides_background_tasks", "tasks.background", PROVIDES_TASKS },
  { "provides_webhooks",         "webhooks.receive", PROVIDES_WEBHOOKS },
  { "provides_model",            "ai.inference",     PROVIDES_MODEL },
  { NULL,                        "ui.panel",         PROVIDES_UI },
  { NULL,                        "ui.widget",        PROVIDES_UI },
  { NULL,                        "ai.embedding",     PROVIDES_MODEL },
  { NULL,                        "ai.training",      PROVIDES_MODEL },
  { NULL,                        "model.inference",  PROVIDES_MODEL },
  { NULL,                        "data.store",       PROVIDES_NOTHING },
  { NULL,                        "events.emit",      PROVIDES_NOTHING },
  { NULL,                        "events.subscribe", PROVIDES_NOTHING },
  { NULL,                        "workflow.step",    PROVIDES_NOTHING },
  { NULL,                        "config.preferences", PROVIDES_NOTHING },
};

static void
check_capability_flag (Validator   *v,
                       const Field *f,
                       const char  *path,
                       JsonNode    *node)
{
  for (gsize i = 0; i < G_N_ELEMENTS (capability_table); i++)
    if (g_strcmp0 (capability_table[i].flag, f->name) == 0)
      {
        gboolean on = json_node_get_boolean (node);

        v->provides[capability_table[i].provides] = on ? PROVIDES_YES : PROVIDES_NO;
        if (on)
          g_ptr_array_add (v->info->capabilities, g_strdup (capability_table[i].id));
      }
}

static const Field capability_flag_fields[] = {
  { "provides_ui",               KIND_BOOLEAN, .check = check_capability_flag },
  { "provides_api",              KIND_BOOLEAN, .check = check_capability_flag },
  { "provides_background_tasks", KIND_BOOLEAN, .check = check_capability_flag },
  { "provides_webhooks",         KIND_BOOLEAN, .check = check_capability_flag },
  { "provides_model",            KIND_BOOLEAN, .check = check_capability_flag },
  { NULL }
};

static gboolean
is_capability_id (const char *s)
{
  const char *body = g_str_has_prefix (s, "x-") ? s + 2 : s;

  if (!g_ascii_islower (*body))
    return FALSE;
  for (const char *c = body; *c; c++)
    if (!g_ascii_islower (*c) && !g_ascii_isdigit (*c) && strchr ("._-", *c) == NULL)
      return FALSE;
  return TRUE;
}

static void
check_capability_list (Validator  *v,
                       const char *path,
                       JsonArray  *array)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* The list is exhaustive: what it does not name is not provided. */
  for (guint i = 0; i < N_PROVIDES; i++)
    v->provides[i] = PROVIDES_NO;
  v->capabilities_list_form = TRUE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *element_path = kari_path_append_index (path, i);
      const char *id;
      gboolean known = FALSE;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          _kari_validator_expected (v, element_path, _("a capability id such as “ui.panel”"), element);
          continue;
        }
      id = json_node_get_string (element);
      if (!g_hash_table_add (seen, (gpointer) id))
        {
          _kari_validator_report (v, KARI_SEVERITY_ERROR, element_path, _("“%s” is listed twice"), id);
          continue;
        }
      for (gsize j = 0; j < G_N_ELEMENTS (capability_table); j++)
        if (g_str_equal (capability_table[j].id, id))
          {
            known = TRUE;
            if (capability_table[j].provides != PROVIDES_NOTHING)
              v->provides[capability_table[j].provides] = PROVIDES_YES;
          }
      if (!known && !(g_str_has_prefix (id, "x-") && is_capability_id (id)))
        {
          _kari_validator_expected (v, element_path,
                                    _("a known capability id (ui.page, ui.panel, api.endpoints, "
                                    "tasks.background, webhooks.receive, ai.inference, …) "
                                    "or a custom one starting with “x-”"), element);
          continue;
        }
      g_ptr_array_add (v->info->capabilities, g_strdup (id));
    }
}

static void
check_capabilities (Validator   *v,
                    const Field *f,
                    const char  *path,
                    JsonNode    *node)
{
  g_free (v->capabilities_path);
  v->capabilities_path = g_strdup (path);

  if (JSON_NODE_HOLDS_OBJECT (node))
    _kari_validator_walk_object (v, capability_flag_fields, path, json_node_get_object (node));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    check_capability_list (v, path, json_node_get_array (node));
  else
    _kari_validator_expected (v, path,
                              _("an array of capability ids or an object of provides_* flags"), node);
}

/* ------------------------------------------------------------------ */
/* Dependencies                                                       */

static void
add_dependency (Validator          *v,
                const char         *path,
                JsonNode           *node,
                KariDependencyKind  kind,
                gboolean            allow_constraint)
{
  const char *spec = json_node_get_string (node);
  g_autofree char *name = NULL;
  g_autoptr(KariConstraint) constraint = NULL;
  g_autoptr(GError) error = NULL;

  if (allow_constraint)
    {
      if (!kari_dependency_spec_parse (spec, &name, &constraint, &error))
        {
          const char *at = strchr (spec, '@');
          g_autofree char *written_name = at ? g_strndup (spec, at - spec) : g_strdup (spec);

          /* Say which half is wrong: the name, or the version range. */
          if (!_kari_manifest_is_valid_name (written_name))
            _kari_validator_expected (v, path, _("“name” or “name@constraint” with " NAME_EXPECTED), node);
          else
            _kari_validator_report (v, KARI_SEVERITY_ERROR, path, _("%s"), error->message);
          return;
        }
    }
  else
    {
      name = g_strdup (spec);
      constraint = kari_constraint_parse ("*", NULL);
    }

  if (!_kari_manifest_is_valid_name (name))
    {
      _kari_validator_expected (v, path,
                                allow_constraint ? "“name” or “name@constraint” with " NAME_EXPECTED
                                                 : NAME_EXPECTED, node);
      return;
    }
  if (!_kari_manifest_add_unique (v, kari_dependency_kind_to_string (kind), name))
    {
      _kari_manifest_report_duplicate (v, path, "dependency", name);
      return;
    }
  g_ptr_array_add (v->info->dependencies, kari_dependency_new (kind, name, constraint));
}

static void
check_plugin_dependency (Validator   *v,
                         const Field *f,
                         const char  *path,
                         JsonNode    *node)
{
  add_dependency (v, path, node, KARI_DEPENDENCY_PLUGIN, TRUE);
}

static void
check_extension_dependency (Validator   *v,
                            const Field *f,
                            const char  *path,
                            JsonNode    *node)
{
  add_dependency (v, path, node, KARI_DEPENDENCY_EXTENSION, TRUE);
}

static void
check_service_dependency (Validator   *v,
                          const Field *f,
                          const char  *path,
                          JsonNode    *node)
{
  add_dependency (v, path, node, KARI_DEPENDENCY_SERVICE, FALSE);
}

static const Field dependency_fields[] = {
  { "plugins",         KIND_ARRAY, .item_kind = KIND_STRING, .check = check_plugin_dependency, .max_items = 256 },
  { "extensions",      KIND_ARRAY, .item_kind = KIND_STRING, .check = check_extension_dependency, .max_items = 256 },
  { "system_services", KIND_ARRAY, .item_kind = KIND_STRING, .check = check_service_dependency, .max_items = 64 },
  { NULL }
};

/* ------------------------------------------------------------------ */
/* Permissions                                                        */

static void
add_permission (Validator  *v,
                const char *permission)
{
  for (guint i = 0; i < v->info->permissions->len; i++)
    if (g_str_equal (g_ptr_array_index (v->info->permissions, i), permission))
      return;
  g_ptr_array_add (v->info->permissions, g_strdup (permission));
}

static void
check_permission_list (Validator  *v,
                       const char *path,
                       JsonArray  *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *element_path = kari_path_append_index (path, i);
      g_autoptr(GError) error = NULL;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          _kari_validator_expected (v, element_path, _("a permission such as “data:read”"), element);
          continue;
        }
      if (!kari_permission_check_syntax (json_node_get_string (element), &error))
        {
          _kari_validator_report (v, KARI_SEVERITY_ERROR, element_path, _("%s"), error->message);
          continue;
        }
      add_permission (v, json_node_get_string (element));
    }
}

/* The grouped form of the original specification:
 * `{"data_access": ["read", "write"], …}`. */
static void
check_permission_groups (Validator  *v,
                         const char *path,
                         JsonObject *object)
{
  JsonObjectIter iter;
  const char *group;
  JsonNode *values;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &group, &values))
    {
      g_autofree char *group_path = kari_path_append_member (path, group);
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (values))
        {
          _kari_validator_expected (v, group_path, _("an array of strings"), values);
          continue;
        }
      array = json_node_get_array (values);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autofree char *element_path = kari_path_append_index (group_path, i);
          g_autoptr(GError) error = NULL;
          g_auto(GStrv) expanded = NULL;

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            {
              _kari_validator_expected (v, element_path, _("a string"), element);
              continue;
            }
          expanded = kari_permission_expand_grouped (group, json_node_get_string (element), &error);
          if (expanded == NULL)
            {
              /* An unknown group is reported once, at the group. */
              _kari_validator_report (v, KARI_SEVERITY_ERROR,
                                      error->code == KARI_PERMISSION_ERROR_UNKNOWN_DOMAIN ? group_path
                                                                                          : element_path,
                                      _("%s"), error->message);
              if (error->code == KARI_PERMISSION_ERROR_UNKNOWN_DOMAIN)
                break;
              continue;
            }
          for (guint j = 0; expanded[j] != NULL; j++)
            add_permission (v, expanded[j]);
        }
    }
}

static void
check_permissions (Validator   *v,
                   const Field *f,
                   const char  *path,
                   JsonNode    *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    check_permission_list (v, path, json_node_get_array (node));
  else if (JSON_NODE_HOLDS_OBJECT (node))
    check_permission_groups (v, path, json_node_get_object (node));
  else
    _kari_validator_expected (v, path,
                              _("an array of permissions or an object of permission groups"), node);
}

/* ------------------------------------------------------------------ */
/* Resources and runtime                                              */

static const Field resource_fields[] = {
  { "max_memory_mb",   KIND_INTEGER, .expected = "a positive integer", .min = 1, .max = 65536,
    .store_offset = INFO_OFFSET (max_memory_mb) },
  /* A share of the whole machine, all cores together, so a manifest
   * means the same on every host. */
  { "max_cpu_percent", KIND_INTEGER, .expected = "a positive integer", .min = 1, .max = 100,
    .store_offset = INFO_OFFSET (max_cpu_percent) },
  { "max_disk_mb",     KIND_INTEGER, .expected = "a positive integer", .min = 1, .max = 1048576,
    .store_offset = INFO_OFFSET (max_disk_mb) },
  { NULL }
};

void
_kari_manifest_check_argv (Validator   *v,
                           const Field *f,
                           const char  *path,
                           JsonNode    *node)
{
  const char *s = json_node_get_string (node);

  if (g_str_has_suffix (path, "[0]") && *s == '\0')
    _kari_validator_expected (v, path, _("a program to run"), node);
  else if (_kari_text_find_control (s, NULL))
    _kari_validator_expected (v, path, _("an argument without control characters"), node);
}

static void
check_runtime_argv (Validator   *v,
                    const Field *f,
                    const char  *path,
                    JsonNode    *node)
{
  _kari_manifest_check_argv (v, f, path, node);
  if (v->info->runtime == NULL)
    v->info->runtime = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (v->info->runtime, g_strdup (json_node_get_string (node)));
}

static void
check_env (Validator   *v,
           const Field *f,
           const char  *path,
           JsonNode    *node)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, json_node_get_object (node));
  while (json_object_iter_next_ordered (&iter, &key, &value))
    {
      g_autofree char *child = kari_path_append_member (path, key);
      gboolean ok = g_ascii_isalpha (*key) || *key == '_';

      for (const char *c = key; ok && *c; c++)
        ok = g_ascii_isalnum (*c) || *c == '_';
      if (!ok)
        _kari_validator_report (v, KARI_SEVERITY_ERROR, child,
                                _("expected a variable name of letters, digits and “_”"));
      else if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        _kari_validator_expected (v, child, _("a string"), value);
    }
}

void
_kari_manifest_check_relative_path (Validator   *v,
                                    const Field *f,
                                    const char  *path,
                                    JsonNode    *node)
{
  if (!_kari_manifest_is_relative_path (json_node_get_string (node)))
    _kari_validator_expected (v, path, _("a relative path inside the extension, without “..”"), node);
}

static const Field runtime_fields[] = {
  { "command",     KIND_ARRAY, F_REQUIRED | F_NONEMPTY, .item_kind = KIND_STRING,
    .check = check_runtime_argv, .max_items = 256 },
  { "env",         KIND_OBJECT, .check = check_env },
  { "working_dir", KIND_STRING, .check = _kari_manifest_check_relative_path },
  { NULL }
};

/* ------------------------------------------------------------------ */

/* The root                                                           */

const Field _kari_manifest_root_fields[] = {
  { "$schema",          KIND_STRING },
  { "name",             KIND_STRING, F_REQUIRED, .check = check_name },
  { "version",          KIND_STRING, F_REQUIRED, .check = check_version },
  { "display_name",     KIND_STRING, .min = 1, .max = 128, .store_offset = INFO_OFFSET (display_name) },
  { "description",      KIND_STRING, .max = 4000, .store_offset = INFO_OFFSET (description) },
  { "author",           KIND_ANY, .check = check_author },
  { "license",          KIND_STRING, .min = 1, .max = 64, .store_offset = INFO_OFFSET (license) },
  { "type",             KIND_STRING, .check = check_type, .store_offset = INFO_OFFSET (type) },
  { "category",         KIND_STRING, .check = check_category, .store_offset = INFO_OFFSET (category) },
  { "tags",             KIND_ARRAY, F_UNIQUE, .item_kind = KIND_STRING, .check = check_tag, .max_items = 32 },
  { "api_version",      KIND_STRING, .check = check_api_version },
  { "kari_min_version", KIND_STRING, .check = check_version },
  { "capabilities",     KIND_ANY, .check = check_capabilities },
  { "dependencies",     KIND_OBJECT, .members = dependency_fields },
  { "permissions",      KIND_ANY, .check = check_permissions },
  { "resources",        KIND_OBJECT, .members = resource_fields },
  { "runtime",          KIND_OBJECT, .members = runtime_fields },
  { "ui",               KIND_OBJECT, .members = _kari_manifest_ui_fields },
  { "api",              KIND_OBJECT, .members = _kari_manifest_api_fields },
  { "webhooks",         KIND_ARRAY, .item_kind = KIND_OBJECT, .members = _kari_manifest_webhook_fields,
    .check = _kari_manifest_count_webhook, .max_items = 64 },
  { "background_tasks", KIND_ARRAY, .item_kind = KIND_OBJECT, .members = _kari_manifest_task_fields,
    .check = _kari_manifest_check_task, .max_items = 64 },
  { "events",           KIND_OBJECT, .members = _kari_manifest_event_fields },
  { "config",           KIND_OBJECT, .members = _kari_manifest_config_fields,
    .check = _kari_manifest_check_config },
  { "marketplace",      KIND_OBJECT, .members = _kari_manifest_marketplace_fields },
  { NULL }
};
