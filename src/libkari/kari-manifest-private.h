/* kari-manifest-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-manifest.h"

G_BEGIN_DECLS

/* What validation learns about a manifest, handed to the KariManifest. */
typedef struct
{
  char        *name;
  KariVersion *version;
  char        *display_name;
  char        *description;
  char        *author;
  char        *license;
  char        *type;
  char        *category;
  GPtrArray   *tags;            /* char*, NULL-terminated after validation */
  GPtrArray   *capabilities;    /* char* */
  GPtrArray   *permissions;     /* char*, list form, grouped form expanded */
  GPtrArray   *dependencies;    /* KariDependency* */
  GPtrArray   *runtime;         /* char*, NULL when there is no runtime */
  GPtrArray   *page_paths;      /* char* */
  GPtrArray   *endpoint_paths;  /* char* */
  gint64       max_memory_mb;   /* 0 when not declared */
  gint64       max_cpu_percent;
  gint64       max_disk_mb;
} KariManifestInfo;

void _kari_manifest_info_init  (KariManifestInfo *info);
void _kari_manifest_info_clear (KariManifestInfo *info);

void _kari_manifest_validate   (JsonNode         *root,
                                KariLocations    *locations,
                                const char       *filename,
                                GPtrArray        *diagnostics,
                                KariManifestInfo *info);

void _kari_manifest_report     (GPtrArray        *diagnostics,
                                KariLocations    *locations,
                                const char       *filename,
                                KariSeverity      severity,
                                const char       *path,
                                const char       *message);

G_END_DECLS
