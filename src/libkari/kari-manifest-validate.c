/* kari-manifest-validate.c — what a valid manifest looks like
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The manifest schema is the tables of Field below: each names a member,
 * its kind, whether it is required, and a checker for what the kind
 * alone does not say. One walker reads them. The rules that tie fields
 * together (capabilities against what is declared, the type against
 * what it needs) are in kari-manifest-consistency.c.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-cron.h"
#include "kari-manifest-validate-private.h"
#include "kari-permission.h"

/* ------------------------------------------------------------------ */
/* Reporting                                                          */

void
_kari_manifest_report (GPtrArray     *diagnostics,
                       KariLocations *locations,
                       const char    *filename,
                       KariSeverity   severity,
                       const char    *path,
                       const char    *message)
{
  KariPosition pos = { 0, 0 };

  if (diagnostics == NULL)
    return;
  if (locations != NULL && path != NULL)
    kari_locations_lookup (locations, path, &pos);
  g_ptr_array_add (diagnostics,
                   kari_diagnostic_new (severity, filename, pos.line, pos.column, path, message));
}

void
_kari_validator_report (Validator    *v,
                        KariSeverity  severity,
                        const char   *path,
                        const char   *format,
                        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (severity == KARI_SEVERITY_ERROR)
    v->n_errors++;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  _kari_manifest_report (v->diagnostics, v->locations, v->filename, severity, path, message);
}

/* A value as the message shows it: JSON text for scalars, cut at about
 * 40 characters, and the kind for arrays and objects. */
char *
_kari_describe_value (JsonNode *node)
{
  g_autofree char *text = NULL;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return g_strdup ("an object");
    case JSON_NODE_ARRAY:
      return g_strdup ("an array");
    case JSON_NODE_NULL:
      return g_strdup ("null");
    case JSON_NODE_VALUE:
    default:
      break;
    }

  text = json_to_string (node, FALSE);
  if (g_utf8_strlen (text, -1) > 40)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, 39);
      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&text);
}

void
_kari_validator_expected (Validator  *v,
                          const char *path,
                          const char *expected,
                          JsonNode   *got)
{
  g_autofree char *described = _kari_describe_value (got);

  _kari_validator_report (v, KARI_SEVERITY_ERROR, path, _("expected %s, got %s"), expected, described);
}

/* ------------------------------------------------------------------ */
/* Kinds                                                              */

static gboolean
kind_matches (JsonNode *node,
              Kind      kind)
{
  switch (kind)
    {
    case KIND_ANY:
      return TRUE;
    case KIND_STRING:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
    case KIND_INTEGER:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
    case KIND_BOOLEAN:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
    case KIND_ARRAY:
      return JSON_NODE_HOLDS_ARRAY (node);
    case KIND_OBJECT:
      return JSON_NODE_HOLDS_OBJECT (node);
    default:
      g_assert_not_reached ();
    }
}

static const char *
kind_expected (Kind kind)
{
  static const char * const names[] = {
    [KIND_ANY] = "a value",
    [KIND_STRING] = "a string",
    [KIND_INTEGER] = "an integer",
    [KIND_BOOLEAN] = "true or false",
    [KIND_ARRAY] = "an array",
    [KIND_OBJECT] = "an object",
  };
  return names[kind];
}

/* ------------------------------------------------------------------ */
/* The walker                                                         */

static void
check_scalar (Validator   *v,
              const Field *f,
              const char  *path,
              JsonNode    *node)
{
  if (f->kind == KIND_INTEGER && (f->min != 0 || f->max != 0))
    {
      gint64 n = json_node_get_int (node);

      if (n < f->min || n > f->max)
        {
          g_autofree char *what = g_strdup_printf ("an integer from %" G_GINT64_FORMAT
                                                   " to %" G_GINT64_FORMAT, f->min, f->max);
          _kari_validator_expected (v, path, what, node);
          return;
        }
    }
  else if (f->kind == KIND_STRING && (f->min != 0 || f->max != 0))
    {
      glong len = g_utf8_strlen (json_node_get_string (node), -1);

      if (len < f->min || len > f->max)
        {
          g_autofree char *what = NULL;

          if (f->min > 0 && len < f->min)
            what = g_strdup ("a non-empty string");
          else
            what = g_strdup_printf ("a string of at most %" G_GINT64_FORMAT " characters", f->max);
          _kari_validator_expected (v, path, what, node);
          return;
        }
    }

  if (f->store_offset != 0)
    {
      gpointer slot = G_STRUCT_MEMBER_P (v->info, f->store_offset);

      if (f->kind == KIND_STRING)
        {
          g_free (*(char **) slot);
          *(char **) slot = g_strdup (json_node_get_string (node));
        }
      else if (f->kind == KIND_INTEGER)
        *(gint64 *) slot = json_node_get_int (node);
    }

  if (f->check != NULL)
    f->check (v, f, path, node);
}

static void
walk_array (Validator   *v,
            const Field *f,
            const char  *path,
            JsonArray   *array)
{
  guint n = json_array_get_length (array);
  g_autoptr(GHashTable) seen = NULL;

  if ((f->flags & F_NONEMPTY) && n == 0)
    {
      _kari_validator_report (v, KARI_SEVERITY_ERROR, path, _("expected at least one entry, got an empty array"));
      return;
    }
  if (f->max_items > 0 && n > f->max_items)
    {
      _kari_validator_report (v, KARI_SEVERITY_ERROR, path,
                              _("expected at most %u entries, got %u"), f->max_items, n);
      return;
    }

  if (f->flags & F_UNIQUE)
    seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *element_path = kari_path_append_index (path, i);

      if (!kind_matches (element, f->item_kind))
        {
          _kari_validator_expected (v, element_path,
                                    f->item_expected ? f->item_expected : kind_expected (f->item_kind),
                                    element);
          continue;
        }
      if (seen != NULL && f->item_kind == KIND_STRING)
        {
          const char *s = json_node_get_string (element);

          if (!g_hash_table_add (seen, (gpointer) s))
            {
              _kari_validator_report (v, KARI_SEVERITY_ERROR, element_path,
                                      _("“%s” is listed twice"), s);
              continue;
            }
        }
      if (f->item_kind == KIND_OBJECT && f->members != NULL)
        _kari_validator_walk_object (v, f->members, element_path, json_node_get_object (element));
      if (f->check != NULL)
        f->check (v, f, element_path, element);
    }
}

static void
walk_field (Validator   *v,
            const Field *f,
            const char  *path,
            JsonNode    *node)
{
  if (!kind_matches (node, f->kind))
    {
      _kari_validator_expected (v, path, f->expected ? f->expected : kind_expected (f->kind), node);
      return;
    }

  switch (f->kind)
    {
    case KIND_ARRAY:
      walk_array (v, f, path, json_node_get_array (node));
      break;
    case KIND_OBJECT:
      if (f->members != NULL)
        _kari_validator_walk_object (v, f->members, path, json_node_get_object (node));
      if (f->check != NULL)
        f->check (v, f, path, node);
      break;
    case KIND_ANY:
      if (f->check != NULL)
        f->check (v, f, path, node);
      break;
    case KIND_STRING:
    case KIND_INTEGER:
    case KIND_BOOLEAN:
    default:
      check_scalar (v, f, path, node);
      break;
    }
}

static const Field *
find_field (const Field *table,
            const char  *name)
{
  for (const Field *f = table; f->name != NULL; f++)
    if (g_str_equal (f->name, name))
      return f;
  return NULL;
}

void
_kari_validator_walk_object (Validator   *v,
                             const Field *table,
                             const char  *path,
                             JsonObject  *object)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  for (const Field *f = table; f->name != NULL; f++)
    {
      JsonNode *node = json_object_get_member (object, f->name);
      g_autofree char *child = NULL;

      /* Most fields are absent: build their path only when needed. */
      if (node == NULL && !(f->flags & F_REQUIRED))
        continue;
      child = kari_path_append_member (path, f->name);
      if (node == NULL)
        {
          _kari_validator_report (v, KARI_SEVERITY_ERROR, child, _("missing required field"));
          continue;
        }
      walk_field (v, f, child, node);
    }

  /* Unknown members stay in the tree (a newer host may know them) but
   * are pointed out, since they are often typos. */
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    if (find_field (table, member) == NULL)
      {
        g_autofree char *child = kari_path_append_member (path, member);
        _kari_validator_report (v, KARI_SEVERITY_WARNING, child, _("unknown field, ignored"));
      }
}

/* ------------------------------------------------------------------ */
/* Entry point                                                        */

void
_kari_manifest_info_init (KariManifestInfo *info)
{
  memset (info, 0, sizeof *info);
  info->tags = g_ptr_array_new_with_free_func (g_free);
  info->capabilities = g_ptr_array_new_with_free_func (g_free);
  info->permissions = g_ptr_array_new_with_free_func (g_free);
  info->dependencies = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_dependency_free);
  info->page_paths = g_ptr_array_new_with_free_func (g_free);
  info->endpoint_paths = g_ptr_array_new_with_free_func (g_free);
}

void
_kari_manifest_info_clear (KariManifestInfo *info)
{
  g_clear_pointer (&info->name, g_free);
  g_clear_pointer (&info->version, kari_version_unref);
  g_clear_pointer (&info->display_name, g_free);
  g_clear_pointer (&info->description, g_free);
  g_clear_pointer (&info->author, g_free);
  g_clear_pointer (&info->license, g_free);
  g_clear_pointer (&info->type, g_free);
  g_clear_pointer (&info->category, g_free);
  g_clear_pointer (&info->tags, g_ptr_array_unref);
  g_clear_pointer (&info->capabilities, g_ptr_array_unref);
  g_clear_pointer (&info->permissions, g_ptr_array_unref);
  g_clear_pointer (&info->dependencies, g_ptr_array_unref);
  g_clear_pointer (&info->runtime, g_ptr_array_unref);
  g_clear_pointer (&info->page_paths, g_ptr_array_unref);
  g_clear_pointer (&info->endpoint_paths, g_ptr_array_unref);
}

static void
terminate (GPtrArray *array)
{
  if (array != NULL)
    g_ptr_array_add (array, NULL);
}

/**
 * _kari_manifest_validate:
 * @root: the parsed manifest
 * @locations: where each field was written
 * @filename: the file name diagnostics carry
 * @diagnostics: (element-type KariDiagnostic): where problems are appended
 * @info: filled with what the manifest declares, initialised by the caller
 *
 * Checks @root against the manifest schema. Whether it is valid is
 * whether any error diagnostic was appended.
 */
void
_kari_manifest_validate (JsonNode         *root,
                         KariLocations    *locations,
                         const char       *filename,
                         GPtrArray        *diagnostics,
                         KariManifestInfo *info)
{
  Validator v = { 0 };

  v.locations = locations;
  v.filename = filename;
  v.diagnostics = diagnostics;
  v.info = info;
  v.unique = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < N_PROVIDES; i++)
    v.provides[i] = PROVIDES_UNSET;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    _kari_validator_expected (&v, "", _("an object at the top level"), root);
  else
    {
      _kari_validator_walk_object (&v, _kari_manifest_root_fields, "", json_node_get_object (root));
      _kari_validator_check_consistency (&v, json_node_get_object (root));
    }

  terminate (info->tags);
  terminate (info->capabilities);
  terminate (info->permissions);
  terminate (info->runtime);
  terminate (info->page_paths);
  terminate (info->endpoint_paths);

  g_hash_table_unref (v.unique);
  g_free (v.capabilities_path);
}
