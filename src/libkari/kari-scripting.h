/* kari-scripting.h — what other programs may do over D-Bus, by the role
 * the person gives scripting
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kari-roles.h"

G_BEGIN_DECLS

/**
 * KARI_SCRIPTING_DEFAULT_ROLE:
 *
 * The role other programs act with unless the person chose another:
 * they may read and operate, not administer.
 */
#define KARI_SCRIPTING_DEFAULT_ROLE "user"

/**
 * KARI_SCRIPTING_ROLE_SETTING:
 *
 * The registry setting that holds the scripting role.
 */
#define KARI_SCRIPTING_ROLE_SETTING "scripting.role"

/**
 * KariScriptingAccess:
 * @KARI_SCRIPTING_READ: list extensions, read their status, logs and
 *   metrics; any role may (a custom role may only read)
 * @KARI_SCRIPTING_OPERATE: start, stop, restart and call endpoints;
 *   needs `user` or `admin`
 * @KARI_SCRIPTING_ADMIN: install, remove, grant, change policy, and
 *   any method not listed; needs `admin`
 *
 * What a io.github.kari.Manager1 method does, and so which roles may
 * call it.
 */
typedef enum
{
  KARI_SCRIPTING_READ,
  KARI_SCRIPTING_OPERATE,
  KARI_SCRIPTING_ADMIN,
} KariScriptingAccess;

KariScriptingAccess  kari_scripting_access_for_method (const char           *method);
const char          *kari_scripting_access_to_string  (KariScriptingAccess   access);
const char * const  *kari_scripting_roles_for         (KariScriptingAccess   access);
gboolean             kari_scripting_role_allows       (const char           *role,
                                                       KariScriptingAccess   access);
char                *kari_scripting_dup_role          (KariRegistry         *registry);
gboolean             kari_scripting_check_role        (KariRoles            *roles,
                                                       const char           *tenant,
                                                       const char           *role,
                                                       GError              **error);
gboolean             kari_scripting_set_role          (KariRoles            *roles,
                                                       KariRegistry         *registry,
                                                       const char           *tenant,
                                                       const char           *role,
                                                       GError              **error);

G_END_DECLS
