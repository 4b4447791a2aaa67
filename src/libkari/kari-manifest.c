/* kari-manifest.c — loading an extension manifest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-json.h"
#include "kari-manifest-private.h"
#include "kari-text-private.h"
#include "kari-toml.h"

struct _KariManifest
{
  GObject             parent_instance;

  JsonNode           *root;
  KariLocations      *locations;
  char               *path;
  char               *dir;
  KariManifestFormat  format;
  KariManifestInfo    info;
};

G_DEFINE_FINAL_TYPE (KariManifest, kari_manifest, G_TYPE_OBJECT)

G_DEFINE_QUARK (kari-manifest-error-quark, kari_manifest_error)

static void
kari_manifest_finalize (GObject *object)
{
  KariManifest *self = KARI_MANIFEST (object);

  g_clear_pointer (&self->root, json_node_unref);
  g_clear_pointer (&self->locations, kari_locations_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->dir, g_free);
  _kari_manifest_info_clear (&self->info);

  G_OBJECT_CLASS (kari_manifest_parent_class)->finalize (object);
}

static void
kari_manifest_class_init (KariManifestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_manifest_finalize;
}

static void
kari_manifest_init (KariManifest *self)
{
  _kari_manifest_info_init (&self->info);
}

/* The 1-based line and column (in characters) of byte @offset. */
static KariPosition
position_of_offset (const char *data,
                    gsize       offset)
{
  KariPosition pos = { 1, 1 };
  const char *line_start = data;

  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      {
        pos.line++;
        line_start = data + i + 1;
      }
  pos.column = (guint) g_utf8_strlen (line_start, data + offset - line_start) + 1;
  return pos;
}

static void
add_diagnostic (GPtrArray    *diagnostics,
                const char   *filename,
                KariPosition  pos,
                const char   *message)
{
  if (diagnostics != NULL)
    g_ptr_array_add (diagnostics,
                     kari_diagnostic_new (KARI_SEVERITY_ERROR, filename, pos.line, pos.column,
                                          NULL, message));
}

/* Records the positions of a JSON manifest when first asked for. */
static void
fill_json_locations (KariLocations *locations,
                     gpointer       user_data)
{
  gsize length;
  const char *text = g_bytes_get_data (user_data, &length);
  g_autoptr(JsonNode) root = kari_json_parse (text, length, locations, NULL, NULL);

  (void) root;   /* parsed only for its positions */
}

/**
 * kari_manifest_load_data:
 * @data: the manifest text
 * @length: its length in bytes
 * @format: JSON or TOML
 * @filename: (nullable): the name diagnostics carry, such as `extension.toml`
 * @diagnostics: (nullable) (element-type KariDiagnostic): where every
 *   problem found is appended, warnings included
 * @error: return location for a #KARI_MANIFEST_ERROR
 *
 * Parses and validates a manifest. Text that is not UTF-8 or not
 * well formed fails with %KARI_MANIFEST_ERROR_PARSE; a manifest with any
 * error diagnostic fails with %KARI_MANIFEST_ERROR_INVALID. Warnings
 * (unknown fields, tasks that no capability announces) do not fail.
 *
 * Returns: (transfer full) (nullable): the manifest, or %NULL with @error set
 */
KariManifest *
kari_manifest_load_data (const char          *data,
                         gsize                length,
                         KariManifestFormat   format,
                         const char          *filename,
                         GPtrArray           *diagnostics,
                         GError             **error)
{
  g_autoptr(KariManifest) self = NULL;
  g_autoptr(GPtrArray) own_diagnostics = NULL;
  g_autoptr(GError) parse_error = NULL;
  KariPosition error_pos = { 0, 0 };
  const char *end = NULL;
  const char *name;
  guint n_errors;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = filename != NULL ? filename
                          : format == KARI_MANIFEST_FORMAT_TOML ? "extension.toml" : "extension.json";

  if (length > KARI_MANIFEST_MAX_SIZE)
    {
      g_set_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_TOO_LARGE,
                   _("%s: %" G_GSIZE_FORMAT " bytes is more than a manifest may hold (%d)"),
                   name, length, KARI_MANIFEST_MAX_SIZE);
      return NULL;
    }

  if (!g_utf8_validate_len (data, length, &end))
    {
      KariPosition pos = position_of_offset (data, end - data);
      g_autofree char *message = g_strdup_printf ("not valid UTF-8 (byte 0x%02x)", (guchar) *end);

      add_diagnostic (diagnostics, name, pos, message);
      g_set_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_PARSE,
                   _("%s:%u:%u: %s"), name, pos.line, pos.column, message);
      return NULL;
    }

  self = g_object_new (KARI_TYPE_MANIFEST, NULL);
  self->format = format;
  self->path = g_strdup (filename);
  if (format == KARI_MANIFEST_FORMAT_TOML)
    {
      self->locations = kari_locations_new ();
      self->root = kari_toml_parse (data, length, self->locations, &error_pos, &parse_error);
    }
  else
    {
      /* Positions are only needed for diagnostics, which valid manifests
       * do not have: the text is parsed again, with positions, the first
       * time one is asked for. */
      self->locations = kari_locations_new_deferred (fill_json_locations,
                                                     g_bytes_new (data, length),
                                                     (GDestroyNotify) g_bytes_unref);
      self->root = kari_json_parse (data, length, NULL, &error_pos, &parse_error);
    }

  if (self->root == NULL)
    {
      const char *message = parse_error != NULL ? parse_error->message : "not well formed";

      add_diagnostic (diagnostics, name, error_pos, message);
      if (error_pos.line > 0)
        g_set_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_PARSE,
                     _("%s:%u:%u: %s"), name, error_pos.line, error_pos.column, message);
      else
        g_set_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_PARSE,
                     _("%s: %s"), name, message);
      return NULL;
    }

  /* Validation needs a list even when the caller does not want one. */
  if (diagnostics == NULL)
    diagnostics = own_diagnostics = kari_diagnostics_new ();

  {
    guint before = kari_diagnostics_count (diagnostics, KARI_SEVERITY_ERROR);

    _kari_manifest_validate (self->root, self->locations, name, diagnostics, &self->info);
    n_errors = kari_diagnostics_count (diagnostics, KARI_SEVERITY_ERROR) - before;
  }

  if (n_errors > 0)
    {
      g_set_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_INVALID,
                   n_errors == 1 ? "%u error in %s" : "%u errors in %s", n_errors, name);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* The reader's errors in this file's terms. */
static gboolean
read_limited (const char  *path,
              char       **contents,
              gsize       *length,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  KariManifestError code = KARI_MANIFEST_ERROR_READ;

  if (_kari_text_read_file (path, KARI_MANIFEST_MAX_SIZE, contents, length, &local_error))
    return TRUE;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    code = KARI_MANIFEST_ERROR_NOT_FOUND;
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    code = KARI_MANIFEST_ERROR_TOO_LARGE;
  g_set_error (error, KARI_MANIFEST_ERROR, code, _("%s: %s"), path, local_error->message);
  return FALSE;
}

/**
 * kari_manifest_load_file:
 * @path: an `extension.json` or `extension.toml` (any name ending in
 *   `.json` or `.toml`)
 * @diagnostics: (nullable) (element-type KariDiagnostic): where problems are appended
 * @error: return location for a #KARI_MANIFEST_ERROR
 *
 * Reads, parses and validates a manifest; see kari_manifest_load_data().
 * Files larger than %KARI_MANIFEST_MAX_SIZE are refused without being read.
 *
 * Returns: (transfer full) (nullable): the manifest, or %NULL with @error set
 */
KariManifest *
kari_manifest_load_file (const char  *path,
                         GPtrArray   *diagnostics,
                         GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  KariManifestFormat format;
  KariManifest *self;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_str_has_suffix (path, ".json"))
    format = KARI_MANIFEST_FORMAT_JSON;
  else if (g_str_has_suffix (path, ".toml"))
    format = KARI_MANIFEST_FORMAT_TOML;
  else
    {
      g_set_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_READ,
                   _("%s: a manifest file name ends in .json or .toml"), path);
      return NULL;
    }

  if (!read_limited (path, &contents, &length, error))
    return NULL;

  self = kari_manifest_load_data (contents, length, format, path, diagnostics, error);
  if (self == NULL)
    return NULL;

  dir = g_path_get_dirname (path);
  self->dir = g_canonicalize_filename (dir, NULL);
  return self;
}

/**
 * kari_manifest_find_in_dir:
 * @dir: an extension folder
 * @error: return location for a #KARI_MANIFEST_ERROR
 *
 * Finds the folder's manifest: `extension.json` or `extension.toml`.
 * Both at once is %KARI_MANIFEST_ERROR_AMBIGUOUS, neither
 * %KARI_MANIFEST_ERROR_NOT_FOUND.
 *
 * Returns: (transfer full) (nullable): the manifest's path
 */
char *
kari_manifest_find_in_dir (const char  *dir,
                           GError     **error)
{
  g_autofree char *json = NULL;
  g_autofree char *toml = NULL;
  gboolean has_json, has_toml;

  g_return_val_if_fail (dir != NULL, NULL);

  json = g_build_filename (dir, "extension.json", NULL);
  toml = g_build_filename (dir, "extension.toml", NULL);
  has_json = g_file_test (json, G_FILE_TEST_EXISTS);
  has_toml = g_file_test (toml, G_FILE_TEST_EXISTS);

  if (has_json && has_toml)
    {
      g_set_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_AMBIGUOUS,
                   _("%s: both extension.json and extension.toml are present; keep one"), dir);
      return NULL;
    }
  if (!has_json && !has_toml)
    {
      g_set_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_NOT_FOUND,
                   _("%s: no extension.json or extension.toml"), dir);
      return NULL;
    }
  if (has_json)
    return g_steal_pointer (&json);
  return g_steal_pointer (&toml);
}

/**
 * kari_manifest_load_dir:
 * @dir: an extension folder
 * @diagnostics: (nullable) (element-type KariDiagnostic): where problems are appended
 * @error: return location for a #KARI_MANIFEST_ERROR
 *
 * Finds the folder's manifest with kari_manifest_find_in_dir() and loads it.
 *
 * Returns: (transfer full) (nullable): the manifest, or %NULL with @error set
 */
KariManifest *
kari_manifest_load_dir (const char  *dir,
                        GPtrArray   *diagnostics,
                        GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  path = kari_manifest_find_in_dir (dir, error);
  if (path == NULL)
    return NULL;
  return kari_manifest_load_file (path, diagnostics, error);
}

#define STRV(array) ((const char * const *) (array)->pdata)

/**
 * kari_manifest_get_name:
 * @self: a manifest
 *
 * Returns: the extension's name, unique among installed extensions
 */
const char *
kari_manifest_get_name (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->info.name;
}

/**
 * kari_manifest_get_version:
 * @self: a manifest
 *
 * Returns: (transfer none): the extension's version
 */
KariVersion *
kari_manifest_get_version (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->info.version;
}

/**
 * kari_manifest_get_display_name:
 * @self: a manifest
 *
 * Returns: (nullable): the name shown to people
 */
const char *
kari_manifest_get_display_name (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->info.display_name != NULL ? self->info.display_name : self->info.name;
}

/**
 * kari_manifest_get_description:
 * @self: a manifest
 *
 * Returns: (nullable): the one-paragraph description
 */
const char *
kari_manifest_get_description (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->info.description;
}

/**
 * kari_manifest_get_author:
 * @self: a manifest
 *
 * Returns: (nullable): the author; for the object form, `name <email>`
 */
const char *
kari_manifest_get_author (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->info.author;
}

/**
 * kari_manifest_get_license:
 * @self: a manifest
 *
 * Returns: (nullable): the licence, as written
 */
const char *
kari_manifest_get_license (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->info.license;
}

/**
 * kari_manifest_get_extension_type:
 * @self: a manifest
 *
 * Returns: (nullable): `instrument`, `operator`, `addon`, … or %NULL when not declared
 */
const char *
kari_manifest_get_extension_type (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->info.type;
}

/**
 * kari_manifest_get_category:
 * @self: a manifest
 *
 * Returns: (nullable): the marketplace category
 */
const char *
kari_manifest_get_category (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->info.category;
}

/**
 * kari_manifest_get_tags:
 * @self: a manifest
 *
 * Returns: (transfer none) (array zero-terminated=1): the tags, possibly empty
 */
const char * const *
kari_manifest_get_tags (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return STRV (self->info.tags);
}

/**
 * kari_manifest_get_capabilities:
 * @self: a manifest
 *
 * The capabilities as ids, whichever form the manifest used: the
 * object form's `provides_ui: true` is `ui.page`, `provides_api` is
 * `api.endpoints`, `provides_background_tasks` is `tasks.background`,
 * `provides_webhooks` is `webhooks.receive`, `provides_model` is `ai.inference`.
 *
 * Returns: (transfer none) (array zero-terminated=1): the capability ids
 */
const char * const *
kari_manifest_get_capabilities (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return STRV (self->info.capabilities);
}

/**
 * kari_manifest_get_permissions:
 * @self: a manifest
 *
 * Returns: (transfer none) (array zero-terminated=1): the permissions in
 *   list form (`data:read`), the grouped form expanded, without duplicates
 */
const char * const *
kari_manifest_get_permissions (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return STRV (self->info.permissions);
}

/**
 * kari_manifest_get_dependencies:
 * @self: a manifest
 *
 * Returns: (transfer none) (element-type KariDependency): plugins,
 *   extensions and system services, in that order as written; each
 *   has a constraint, `*` where none was written
 */
GPtrArray *
kari_manifest_get_dependencies (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->info.dependencies;
}

/**
 * kari_manifest_get_runtime:
 * @self: a manifest
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): the
 *   command started in the sandbox, or %NULL for a declarative-only extension
 */
const char * const *
kari_manifest_get_runtime (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->info.runtime != NULL ? STRV (self->info.runtime) : NULL;
}

/** kari_manifest_get_max_memory_mb: Returns: the limit, 0 when not declared */
gint64
kari_manifest_get_max_memory_mb (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), 0);
  return self->info.max_memory_mb;
}

/** kari_manifest_get_max_cpu_percent: Returns: the share of the whole machine, 0 when not declared */
gint64
kari_manifest_get_max_cpu_percent (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), 0);
  return self->info.max_cpu_percent;
}

/** kari_manifest_get_max_disk_mb: Returns: the limit, 0 when not declared */
gint64
kari_manifest_get_max_disk_mb (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), 0);
  return self->info.max_disk_mb;
}

/**
 * kari_manifest_get_page_paths:
 * @self: a manifest
 *
 * Returns: (transfer none) (array zero-terminated=1): the paths of the
 *   native pages (`ui.pages` and `ui.control_room_pages`)
 */
const char * const *
kari_manifest_get_page_paths (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return STRV (self->info.page_paths);
}

/**
 * kari_manifest_get_endpoint_paths:
 * @self: a manifest
 *
 * Returns: (transfer none) (array zero-terminated=1): the paths of `api.endpoints`
 */
const char * const *
kari_manifest_get_endpoint_paths (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return STRV (self->info.endpoint_paths);
}

/**
 * kari_manifest_get_root:
 * @self: a manifest
 *
 * Returns: (transfer none): the manifest as parsed, unknown fields included
 */
JsonNode *
kari_manifest_get_root (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->root;
}

/**
 * kari_manifest_get_locations:
 * @self: a manifest
 *
 * Returns: (transfer none): where each field of the manifest was written
 */
KariLocations *
kari_manifest_get_locations (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->locations;
}

/**
 * kari_manifest_get_path:
 * @self: a manifest
 *
 * Returns: (nullable): the file it was loaded from, or the name given
 *   to kari_manifest_load_data()
 */
const char *
kari_manifest_get_path (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->path;
}

/**
 * kari_manifest_get_dir:
 * @self: a manifest
 *
 * Returns: (nullable): the absolute folder of the manifest file, %NULL
 *   when it was loaded from memory
 */
const char *
kari_manifest_get_dir (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return self->dir;
}

/**
 * kari_manifest_get_format:
 * @self: a manifest
 *
 * Returns: whether it was written as JSON or TOML
 */
KariManifestFormat
kari_manifest_get_format (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), KARI_MANIFEST_FORMAT_JSON);
  return self->format;
}

/**
 * kari_manifest_to_json:
 * @self: a manifest
 *
 * Returns: (transfer full): a copy of the manifest tree, the same for
 *   the JSON and TOML forms of one manifest
 */
JsonNode *
kari_manifest_to_json (KariManifest *self)
{
  g_return_val_if_fail (KARI_IS_MANIFEST (self), NULL);
  return json_node_copy (self->root);
}
