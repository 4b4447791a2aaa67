/* kari-app-extension.h — one installed extension as the app shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari.h"

G_BEGIN_DECLS

#define KARI_TYPE_APP_EXTENSION (kari_app_extension_get_type ())
G_DECLARE_FINAL_TYPE (KariAppExtension, kari_app_extension, KARI, APP_EXTENSION, GObject)

/**
 * KariAppPage:
 * @title: the page's name in the sidebar
 * @path: its path in the manifest (`/analytics`)
 * @icon: an icon name or a short text (an emoji) from the manifest
 * @roles: (nullable): the roles that may see it; %NULL for everyone
 *
 * A page an extension declares in `ui.control_room_pages`.
 */
typedef struct
{
  char  *title;
  char  *path;
  char  *icon;
  GStrv  roles;
} KariAppPage;

KariAppExtension *kari_app_extension_new              (KariManifest     *manifest,
                                                       KariState         state);
const char       *kari_app_extension_get_name         (KariAppExtension *self);
const char       *kari_app_extension_get_title        (KariAppExtension *self);
const char       *kari_app_extension_get_sort_key     (KariAppExtension *self);
const char       *kari_app_extension_get_description  (KariAppExtension *self);
const char       *kari_app_extension_get_version      (KariAppExtension *self);
const char       *kari_app_extension_get_icon_name    (KariAppExtension *self);
KariManifest     *kari_app_extension_get_manifest     (KariAppExtension *self);
KariState         kari_app_extension_get_state        (KariAppExtension *self);
void              kari_app_extension_set_state        (KariAppExtension *self,
                                                       KariState         state);
void              kari_app_extension_set_state_full   (KariAppExtension *self,
                                                       KariState         state,
                                                       const char       *reason);
const char       *kari_app_extension_get_reason       (KariAppExtension *self);
gboolean          kari_app_extension_get_failed       (KariAppExtension *self);
gboolean          kari_app_extension_get_crash_looped (KariAppExtension *self);
void              kari_app_extension_set_last_failure (KariAppExtension     *self,
                                                       const KariTransition *failure);
gint64            kari_app_extension_get_failure_time (KariAppExtension *self);
gboolean          kari_app_extension_get_active       (KariAppExtension *self);
gboolean          kari_app_extension_get_tenant_enabled (KariAppExtension *self);
void              kari_app_extension_set_tenant_enabled (KariAppExtension *self,
                                                       gboolean          enabled);
gboolean          kari_app_extension_has_runtime      (KariAppExtension *self);
GPtrArray        *kari_app_extension_get_pages        (KariAppExtension *self);
gboolean          kari_app_extension_matches          (KariAppExtension *self,
                                                       const char       *search);
KariSupervisor   *kari_app_extension_get_supervisor   (KariAppExtension *self);
void              kari_app_extension_set_supervisor   (KariAppExtension *self,
                                                       KariSupervisor   *supervisor);

const char       *kari_app_state_to_label             (KariState         state);

G_END_DECLS
