/* kari-permission-pattern.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * KariPermissionContext:
 * @home: the folder `~` stands for
 * @data: the folder `$DATA` stands for (the extension's data folder for
 *   the tenant)
 *
 * What a pattern's shorthands expand to when a permission is checked.
 */
typedef struct
{
  const char *home;
  const char *data;
} KariPermissionContext;

/**
 * KariPermissionPattern:
 *
 * A parsed permission, `domain:action[:resource-pattern]`, ready to be
 * matched against requests. Immutable.
 */
typedef struct _KariPermissionPattern KariPermissionPattern;

KariPermissionPattern *kari_permission_pattern_parse     (const char                  *text,
                                                          GError                     **error);
void                   kari_permission_pattern_free      (KariPermissionPattern       *self);
const char            *kari_permission_pattern_get_domain   (const KariPermissionPattern *self);
const char            *kari_permission_pattern_get_action   (const KariPermissionPattern *self);
const char            *kari_permission_pattern_get_resource (const KariPermissionPattern *self);
const char            *kari_permission_pattern_get_text     (const KariPermissionPattern *self);
gboolean               kari_permission_pattern_matches   (const KariPermissionPattern *self,
                                                          const char                  *domain,
                                                          const char                  *action,
                                                          const char                  *resource,
                                                          const KariPermissionContext *context);
gboolean               kari_permission_pattern_covers    (const KariPermissionPattern *self,
                                                          const KariPermissionPattern *other);

gboolean               kari_permission_split             (const char                  *permission,
                                                          char                       **domain,
                                                          char                       **action,
                                                          char                       **resource,
                                                          GError                     **error);
char                  *kari_permission_describe          (const char                  *permission);
char                  *kari_permission_escape_for_display (const char                 *text);
char                  *kari_permission_escape_for_display_len (const char             *text,
                                                          gssize                       length);
char                  *kari_permission_resolve_path      (const char                  *path,
                                                          GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariPermissionPattern, kari_permission_pattern_free)

G_END_DECLS
