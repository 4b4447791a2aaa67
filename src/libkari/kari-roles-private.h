/* kari-roles-private.h — what the roles files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-roles.h"

G_BEGIN_DECLS

KariRole *_kari_role_new           (const char  *name,
                                    const char  *description,
                                    gboolean     builtin);
gboolean  _kari_roles_check_names  (const char  *tenant,
                                    const char  *user,
                                    const char  *role,
                                    GError     **error);
gboolean  _kari_roles_satisfies    (const char  *held,
                                    const char  *required);
void      _kari_roles_add_builtins (GPtrArray   *roles);

G_END_DECLS
