/* kari-manifest-surface.c — the manifest fields of what an extension
 * offers: pages, endpoints, webhooks, background tasks, events, config
 * and its marketplace listing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keep data/io.github.kari.Manifest.schema.json in step with this file.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-cron.h"
#include "kari-json-schema-private.h"
#include "kari-manifest-validate-private.h"
#include "kari-permission.h"

/* UI, API, webhooks                                                  */

static void
check_role (Validator   *v,
            const Field *f,
            const char  *path,
            JsonNode    *node)
{
  const char *s = json_node_get_string (node);
  gboolean ok = g_ascii_islower (*s) && strlen (s) <= 32;

  for (const char *c = s; ok && *c; c++)
    ok = g_ascii_islower (*c) || g_ascii_isdigit (*c) || *c == '_' || *c == '-';
  if (!ok)
    _kari_validator_expected (v, path, _("a role name such as “admin” or “user”"), node);
}

/* Page, endpoint and webhook paths are URL paths, unique in a manifest. */
static void
check_unique_url_path (Validator  *v,
                       const char *path,
                       JsonNode   *node,
                       const char *what,
                       const char *expected,
                       GPtrArray  *list)
{
  const char *s = json_node_get_string (node);

  if (!_kari_manifest_is_url_path (s))
    _kari_validator_expected (v, path, expected, node);
  else if (!_kari_manifest_add_unique (v, what, s))
    _kari_manifest_report_duplicate (v, path, what, s);
  else if (list != NULL)
    g_ptr_array_add (list, g_strdup (s));
}

static void
check_page_path (Validator   *v,
                 const Field *f,
                 const char  *path,
                 JsonNode    *node)
{
  check_unique_url_path (v, path, node, "page path",
                         "a path starting with “/”, such as “/analytics”", v->info->page_paths);
}

static void
count_page (Validator   *v,
            const Field *f,
            const char  *path,
            JsonNode    *node)
{
  v->n_pages++;
}

static void
check_module (Validator   *v,
              const Field *f,
              const char  *path,
              JsonNode    *node)
{
  if (!_kari_manifest_is_dotted_identifier (json_node_get_string (node)))
    _kari_validator_expected (v, path, _("a dotted module name such as “ui.reports”"), node);
}

static void
check_web_page (Validator   *v,
                const Field *f,
                const char  *path,
                JsonNode    *node)
{
  JsonObject *o = json_node_get_object (node);
  gboolean module = json_object_has_member (o, "module");
  gboolean file = json_object_has_member (o, "path");

  v->n_web_pages++;
  if (module == file)
    _kari_validator_report (v, KARI_SEVERITY_ERROR, path,
                            module ? "expected either module or path, got both"
                                   : "expected module or path, got neither");
}

static const Field page_fields[] = {
  { "name",        KIND_STRING, F_REQUIRED, .min = 1, .max = 64 },
  { "path",        KIND_STRING, F_REQUIRED, .check = check_page_path },
  { "file",        KIND_STRING, .check = _kari_manifest_check_relative_path },
  { "icon",        KIND_STRING, .min = 1, .max = 64 },
  { "description", KIND_STRING, .max = 1000 },
  { "permissions", KIND_ARRAY, F_UNIQUE, .item_kind = KIND_STRING, .check = check_role },
  { "roles",       KIND_ARRAY, F_UNIQUE, .item_kind = KIND_STRING, .check = check_role },
  { NULL }
};

/* A web page's `path` is the file of its source inside the extension. */
static const Field web_page_fields[] = {
  { "name",        KIND_STRING, F_REQUIRED, .min = 1, .max = 64 },
  { "module",      KIND_STRING, .check = check_module },
  { "path",        KIND_STRING, .check = _kari_manifest_check_relative_path },
  { "icon",        KIND_STRING, .min = 1, .max = 64 },
  { "permissions", KIND_ARRAY, F_UNIQUE, .item_kind = KIND_STRING, .check = check_role },
  { "roles",       KIND_ARRAY, F_UNIQUE, .item_kind = KIND_STRING, .check = check_role },
  { NULL }
};

const Field _kari_manifest_ui_fields[] = {
  { "pages",              KIND_ARRAY, .item_kind = KIND_OBJECT, .members = page_fields,
    .check = count_page, .max_items = 64 },
  { "control_room_pages", KIND_ARRAY, .item_kind = KIND_OBJECT, .members = page_fields,
    .check = count_page, .max_items = 64 },
  { "web_pages",          KIND_ARRAY, .item_kind = KIND_OBJECT, .members = web_page_fields,
    .check = check_web_page, .max_items = 64 },
  { "streamlit_pages",    KIND_ARRAY, .item_kind = KIND_OBJECT, .members = web_page_fields,
    .check = check_web_page, .max_items = 64 },
  { NULL }
};

static void
check_endpoint_path (Validator   *v,
                     const Field *f,
                     const char  *path,
                     JsonNode    *node)
{
  check_unique_url_path (v, path, node, "endpoint path",
                         "a path starting with “/”, such as “/analytics/data”", v->info->endpoint_paths);
}

static void
check_method (Validator   *v,
              const Field *f,
              const char  *path,
              JsonNode    *node)
{
  static const char * const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", NULL };

  if (!g_strv_contains (methods, json_node_get_string (node)))
    _kari_validator_expected (v, path, _("one of GET, POST, PUT, PATCH, DELETE"), node);
}

static void
count_endpoint (Validator   *v,
                const Field *f,
                const char  *path,
                JsonNode    *node)
{
  v->n_endpoints++;
}

static const Field endpoint_fields[] = {
  { "path",        KIND_STRING, F_REQUIRED, .check = check_endpoint_path },
  { "methods",     KIND_ARRAY, F_REQUIRED | F_NONEMPTY | F_UNIQUE, .item_kind = KIND_STRING,
    .check = check_method },
  { "description", KIND_STRING, .max = 1000 },
  { "permissions", KIND_ARRAY, F_UNIQUE, .item_kind = KIND_STRING, .check = check_role },
  { "roles",       KIND_ARRAY, F_UNIQUE, .item_kind = KIND_STRING, .check = check_role },
  { NULL }
};

const Field _kari_manifest_api_fields[] = {
  { "endpoints", KIND_ARRAY, .item_kind = KIND_OBJECT, .members = endpoint_fields,
    .check = count_endpoint, .max_items = 256 },
  { NULL }
};

static void
check_config_key (Validator   *v,
                  const Field *f,
                  const char  *path,
                  JsonNode    *node)
{
  const char *s = json_node_get_string (node);
  gboolean ok = g_ascii_isalpha (*s) || *s == '_';

  for (const char *c = s; ok && *c; c++)
    ok = g_ascii_isalnum (*c) || *c == '_' || *c == '.' || *c == '-';
  if (!ok)
    _kari_validator_expected (v, path, _("a config key of letters, digits, “_”, “.” and “-”"), node);
}

/* `user.created`; subscriptions may end in `*`: `user-management.*`. */
static void
check_event_name (Validator   *v,
                  const Field *f,
                  const char  *path,
                  JsonNode    *node)
{
  const char *s = json_node_get_string (node);
  gboolean wildcard_ok = g_str_equal (f->name, "subscribes") || g_str_equal (f->name, "events");
  gboolean ok = g_ascii_isalnum (*s) || (wildcard_ok && g_str_equal (s, "*"));

  for (const char *c = s; ok && *c; c++)
    {
      if (*c == '*')
        ok = wildcard_ok && c[1] == '\0' && (c == s || c[-1] == '.');
      else
        ok = g_ascii_islower (*c) || g_ascii_isdigit (*c) || strchr ("._-", *c) != NULL;
    }
  if (!ok)
    _kari_validator_expected (v, path,
                              wildcard_ok ? "an event name such as “user.created”, optionally ending in “.*”"
                                          : "an event name such as “user.created”", node);
}

static void
check_webhook_path (Validator   *v,
                    const Field *f,
                    const char  *path,
                    JsonNode    *node)
{
  check_unique_url_path (v, path, node, "webhook path",
                         "a path starting with “/”, such as “/hooks/github”", NULL);
}

void
_kari_manifest_count_webhook (Validator   *v,
                              const Field *f,
                              const char  *path,
                              JsonNode    *node)
{
  v->n_webhooks++;
}

const Field _kari_manifest_webhook_fields[] = {
  { "name",              KIND_STRING, F_REQUIRED, .min = 1, .max = 64 },
  { "path",              KIND_STRING, F_REQUIRED, .check = check_webhook_path },
  { "secret_config_key", KIND_STRING, .check = check_config_key },
  { "events",            KIND_ARRAY, F_UNIQUE, .item_kind = KIND_STRING, .check = check_event_name },
  { "description",       KIND_STRING, .max = 1000 },
  { NULL }
};

/* ------------------------------------------------------------------ */
/* Background tasks, events, config, marketplace                      */

static void
check_task_name (Validator   *v,
                 const Field *f,
                 const char  *path,
                 JsonNode    *node)
{
  const char *s = json_node_get_string (node);

  if (!_kari_manifest_is_valid_name (s))
    _kari_validator_expected (v, path, NAME_EXPECTED, node);
  else if (!_kari_manifest_add_unique (v, "task", s))
    _kari_manifest_report_duplicate (v, path, "task", s);
}

static void
check_schedule (Validator   *v,
                const Field *f,
                const char  *path,
                JsonNode    *node)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariCron) cron = kari_cron_parse (json_node_get_string (node), &error);

  if (cron == NULL)
    _kari_validator_report (v, KARI_SEVERITY_ERROR, path, _("%s"), error->message);
}

void
_kari_manifest_check_task (Validator   *v,
                           const Field *f,
                           const char  *path,
                           JsonNode    *node)
{
  JsonObject *o = json_node_get_object (node);
  gboolean function = json_object_has_member (o, "function");
  gboolean command = json_object_has_member (o, "command");

  v->n_tasks++;
  if (function == command)
    _kari_validator_report (v, KARI_SEVERITY_ERROR, path,
                            function ? "expected either function or command, got both"
                                     : "expected function or command, got neither");
}

const Field _kari_manifest_task_fields[] = {
  { "name",            KIND_STRING, F_REQUIRED, .check = check_task_name },
  { "schedule",        KIND_STRING, F_REQUIRED, .check = check_schedule },
  { "function",        KIND_STRING, .check = check_module },
  { "command",         KIND_ARRAY, F_NONEMPTY, .item_kind = KIND_STRING, .check = _kari_manifest_check_argv },
  { "timeout_seconds", KIND_INTEGER, .expected = "a positive integer", .min = 1, .max = 86400 },
  { "description",     KIND_STRING, .max = 1000 },
  { NULL }
};

const Field _kari_manifest_event_fields[] = {
  { "emits",      KIND_ARRAY, F_UNIQUE, .item_kind = KIND_STRING, .check = check_event_name },
  { "subscribes", KIND_ARRAY, F_UNIQUE, .item_kind = KIND_STRING, .check = check_event_name },
  { NULL }
};

static void
check_config_schema (Validator   *v,
                     const Field *f,
                     const char  *path,
                     JsonNode    *node)
{
  JsonNode *type = json_object_get_member (json_node_get_object (node), "type");

  if (type != NULL && g_strcmp0 (json_node_get_string (type), "object") != 0)
    {
      g_autofree char *child = kari_path_append_member (path, "type");
      _kari_validator_expected (v, child, _("“object” (config is a set of named settings)"), type);
    }
}

/* A JSON Pointer into @node as a manifest field path under @base, so
 * that the diagnostic gets the line and column. */
static char *
pointer_to_field_path (const char *base,
                       JsonNode   *node,
                       const char *pointer)
{
  g_auto(GStrv) tokens = NULL;
  char *path = g_strdup (base);

  if (pointer == NULL || *pointer != '/')
    return path;
  tokens = g_strsplit (pointer + 1, "/", -1);
  for (guint i = 0; tokens[i] != NULL && node != NULL; i++)
    {
      g_autofree char *token = NULL;
      g_autofree char *parent = path;
      g_auto(GStrv) tilde = g_strsplit (tokens[i], "~1", -1);
      g_autofree char *slashed = g_strjoinv ("/", tilde);
      g_auto(GStrv) zero = g_strsplit (slashed, "~0", -1);
      guint64 index;

      token = g_strjoinv ("~", zero);
      if (JSON_NODE_HOLDS_ARRAY (node)
          && g_ascii_string_to_unsigned (token, 10, 0, G_MAXUINT, &index, NULL))
        {
          path = kari_path_append_index (parent, (guint) index);
          node = index < json_array_get_length (json_node_get_array (node))
                 ? json_array_get_element (json_node_get_array (node), (guint) index) : NULL;
        }
      else
        {
          path = kari_path_append_member (parent, token);
          node = JSON_NODE_HOLDS_OBJECT (node)
                 ? json_object_get_member (json_node_get_object (node), token) : NULL;
        }
    }
  return path;
}

/* The schema must compile and the defaults must follow it; each broken
 * rule is reported where it was written. */
void
_kari_manifest_check_config (Validator   *v,
                             const Field *f,
                             const char  *path,
                             JsonNode    *node)
{
  JsonObject *config = json_node_get_object (node);
  JsonNode *schema_node = json_object_get_member (config, "schema");
  JsonNode *defaults = json_object_get_member (config, "defaults");
  g_autofree char *schema_path = NULL;
  g_autofree char *defaults_path = NULL;
  g_autofree char *error_pointer = NULL;
  g_autoptr(KariJsonSchema) schema = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  /* A schema that is not an object was reported by the member walk. */
  if (schema_node == NULL || !JSON_NODE_HOLDS_OBJECT (schema_node))
    return;
  schema_path = kari_path_append_member (path, "schema");
  schema = _kari_json_schema_new_full (schema_node, &error_pointer, &error);
  if (schema == NULL)
    {
      g_autofree char *where = pointer_to_field_path (schema_path, schema_node, error_pointer);

      _kari_validator_report (v, KARI_SEVERITY_ERROR, where, "%s", error->message);
      return;
    }

  if (defaults == NULL || !JSON_NODE_HOLDS_OBJECT (defaults))
    return;
  defaults_path = kari_path_append_member (path, "defaults");
  if (kari_json_schema_validate (schema, defaults, &problems, NULL))
    return;
  for (guint i = 0; i < problems->len; i++)
    {
      KariJsonSchemaProblem *problem = problems->pdata[i];
      g_autofree char *where = pointer_to_field_path (defaults_path, defaults, problem->instance_path);

      _kari_validator_report (v, KARI_SEVERITY_ERROR, where,
                              _("the defaults do not follow config.schema: %s"), problem->message);
    }
}

const Field _kari_manifest_config_fields[] = {
  { "schema",   KIND_OBJECT, .expected = "a JSON Schema object", .check = check_config_schema },
  { "defaults", KIND_OBJECT },
  { NULL }
};

/* "free", or an amount and an ISO 4217 currency: "4.99 EUR". */
static void
check_price (Validator   *v,
             const Field *f,
             const char  *path,
             JsonNode    *node)
{
  const char *s = json_node_get_string (node);
  const char *c = s;
  gboolean ok;

  if (g_str_equal (s, "free"))
    return;
  while (g_ascii_isdigit (*c))
    c++;
  ok = c > s;
  if (ok && *c == '.')
    {
      const char *cents = ++c;
      while (g_ascii_isdigit (*c))
        c++;
      ok = c - cents >= 1 && c - cents <= 2;
    }
  ok = ok && c[0] == ' ' && g_ascii_isupper (c[1]) && g_ascii_isupper (c[2])
       && g_ascii_isupper (c[3]) && c[4] == '\0';
  if (!ok)
    _kari_validator_expected (v, path, _("“free” or an amount and currency such as “4.99 EUR”"), node);
}

/* Icons and screenshots: a file in the package or an https URL. */
static void
check_asset (Validator   *v,
             const Field *f,
             const char  *path,
             JsonNode    *node)
{
  const char *s = json_node_get_string (node);

  if (g_str_has_prefix (s, "https://") ? !_kari_manifest_is_http_url (s) : !_kari_manifest_is_relative_path (s))
    _kari_validator_expected (v, path, _("a relative file path inside the extension or an https URL"), node);
}

const Field _kari_manifest_marketplace_fields[] = {
  { "price",             KIND_STRING, .check = check_price },
  { "icon",              KIND_STRING, .check = check_asset },
  { "screenshots",       KIND_ARRAY, F_UNIQUE, .item_kind = KIND_STRING, .check = check_asset, .max_items = 20 },
  { "support_url",       KIND_STRING, .check = _kari_manifest_check_url },
  { "documentation_url", KIND_STRING, .check = _kari_manifest_check_url },
  { "homepage_url",      KIND_STRING, .check = _kari_manifest_check_url },
  { "repository_url",    KIND_STRING, .check = _kari_manifest_check_url },
  { NULL }
};

/* ------------------------------------------------------------------ */
