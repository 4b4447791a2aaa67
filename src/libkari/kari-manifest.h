/* kari-manifest.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "kari-diagnostic.h"
#include "kari-version.h"

G_BEGIN_DECLS

#define KARI_MANIFEST_ERROR (kari_manifest_error_quark ())

/**
 * KariManifestError:
 * @KARI_MANIFEST_ERROR_NOT_FOUND: no manifest file where one was expected
 * @KARI_MANIFEST_ERROR_READ: the file could not be read
 * @KARI_MANIFEST_ERROR_TOO_LARGE: over %KARI_MANIFEST_MAX_SIZE bytes
 * @KARI_MANIFEST_ERROR_PARSE: not well-formed JSON or TOML
 * @KARI_MANIFEST_ERROR_INVALID: well-formed, but not a valid manifest;
 *   the diagnostics say why
 * @KARI_MANIFEST_ERROR_AMBIGUOUS: a folder holds both extension.json and extension.toml
 */
typedef enum
{
  KARI_MANIFEST_ERROR_NOT_FOUND,
  KARI_MANIFEST_ERROR_READ,
  KARI_MANIFEST_ERROR_TOO_LARGE,
  KARI_MANIFEST_ERROR_PARSE,
  KARI_MANIFEST_ERROR_INVALID,
  KARI_MANIFEST_ERROR_AMBIGUOUS,
} KariManifestError;

/** KARI_MANIFEST_MAX_SIZE: largest manifest accepted, in bytes (1 MiB) */
#define KARI_MANIFEST_MAX_SIZE (1024 * 1024)

/**
 * KariManifestFormat:
 * @KARI_MANIFEST_FORMAT_JSON: extension.json
 * @KARI_MANIFEST_FORMAT_TOML: extension.toml
 */
typedef enum
{
  KARI_MANIFEST_FORMAT_JSON,
  KARI_MANIFEST_FORMAT_TOML,
} KariManifestFormat;

/**
 * KariDependencyKind:
 * @KARI_DEPENDENCY_EXTENSION: another extension, with a version constraint
 * @KARI_DEPENDENCY_PLUGIN: a plugin, optionally with a version constraint
 * @KARI_DEPENDENCY_SERVICE: a system service the host provides
 */
typedef enum
{
  KARI_DEPENDENCY_EXTENSION,
  KARI_DEPENDENCY_PLUGIN,
  KARI_DEPENDENCY_SERVICE,
} KariDependencyKind;

#define KARI_TYPE_DEPENDENCY (kari_dependency_get_type ())

/**
 * KariDependency:
 * @kind: what is depended on
 * @name: its name
 * @constraint: the accepted versions; never %NULL (`*` when unconstrained)
 *
 * One entry of a manifest's `dependencies`.
 */
typedef struct
{
  KariDependencyKind  kind;
  char               *name;
  KariConstraint     *constraint;
} KariDependency;

GType           kari_dependency_get_type  (void) G_GNUC_CONST;
KariDependency *kari_dependency_new       (KariDependencyKind    kind,
                                           const char           *name,
                                           KariConstraint       *constraint);
KariDependency *kari_dependency_copy      (const KariDependency *self);
void            kari_dependency_free      (KariDependency       *self);
char           *kari_dependency_to_string (const KariDependency *self);
const char     *kari_dependency_kind_to_string (KariDependencyKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariDependency, kari_dependency_free)

#define KARI_TYPE_MANIFEST (kari_manifest_get_type ())
G_DECLARE_FINAL_TYPE (KariManifest, kari_manifest, KARI, MANIFEST, GObject)

GQuark              kari_manifest_error_quark        (void);

KariManifest       *kari_manifest_load_file          (const char          *path,
                                                      GPtrArray           *diagnostics,
                                                      GError             **error);
KariManifest       *kari_manifest_load_dir           (const char          *dir,
                                                      GPtrArray           *diagnostics,
                                                      GError             **error);
KariManifest       *kari_manifest_load_data          (const char          *data,
                                                      gsize                length,
                                                      KariManifestFormat   format,
                                                      const char          *filename,
                                                      GPtrArray           *diagnostics,
                                                      GError             **error);
char               *kari_manifest_find_in_dir        (const char          *dir,
                                                      GError             **error);

const char         *kari_manifest_get_name           (KariManifest        *self);
KariVersion        *kari_manifest_get_version        (KariManifest        *self);
const char         *kari_manifest_get_display_name   (KariManifest        *self);
const char         *kari_manifest_get_description    (KariManifest        *self);
const char         *kari_manifest_get_author         (KariManifest        *self);
const char         *kari_manifest_get_license        (KariManifest        *self);
const char         *kari_manifest_get_extension_type (KariManifest        *self);
const char         *kari_manifest_get_category       (KariManifest        *self);
const char * const *kari_manifest_get_tags           (KariManifest        *self);
const char * const *kari_manifest_get_capabilities   (KariManifest        *self);
const char * const *kari_manifest_get_permissions    (KariManifest        *self);
GPtrArray          *kari_manifest_get_dependencies   (KariManifest        *self);
const char * const *kari_manifest_get_runtime        (KariManifest        *self);
gint64              kari_manifest_get_max_memory_mb  (KariManifest        *self);
gint64              kari_manifest_get_max_cpu_percent (KariManifest       *self);
gint64              kari_manifest_get_max_disk_mb    (KariManifest        *self);
const char * const *kari_manifest_get_page_paths     (KariManifest        *self);
const char * const *kari_manifest_get_endpoint_paths (KariManifest        *self);
JsonNode           *kari_manifest_get_root           (KariManifest        *self);
KariLocations      *kari_manifest_get_locations      (KariManifest        *self);
const char         *kari_manifest_get_path           (KariManifest        *self);
const char         *kari_manifest_get_dir            (KariManifest        *self);
KariManifestFormat  kari_manifest_get_format         (KariManifest        *self);
JsonNode           *kari_manifest_to_json            (KariManifest        *self);

G_END_DECLS
