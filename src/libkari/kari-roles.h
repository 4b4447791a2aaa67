/* kari-roles.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kari-registry.h"

G_BEGIN_DECLS

#define KARI_ROLES_ERROR (kari_roles_error_quark ())

/**
 * KariRolesError:
 * @KARI_ROLES_ERROR_INVALID_NAME: a user, tenant or role name is not acceptable
 * @KARI_ROLES_ERROR_UNKNOWN_ROLE: the role is not defined in the tenant
 * @KARI_ROLES_ERROR_BUILTIN: built-in roles cannot be redefined or removed
 * @KARI_ROLES_ERROR_LAST_ADMIN: the change would leave a tenant without an admin
 * @KARI_ROLES_ERROR_DB: the registry reported an error
 * @KARI_ROLES_ERROR_NOT_ALLOWED: the user lacks the role an action needs
 */
typedef enum
{
  KARI_ROLES_ERROR_INVALID_NAME,
  KARI_ROLES_ERROR_UNKNOWN_ROLE,
  KARI_ROLES_ERROR_BUILTIN,
  KARI_ROLES_ERROR_LAST_ADMIN,
  KARI_ROLES_ERROR_DB,
  KARI_ROLES_ERROR_NOT_ALLOWED,
} KariRolesError;

/**
 * KariRole:
 * @name: the role's name
 * @description: (nullable): what it is for
 * @builtin: whether it is admin, user or viewer
 *
 * A role a tenant knows. Boxed.
 */
typedef struct
{
  char     *name;
  char     *description;
  gboolean  builtin;
} KariRole;

/**
 * KariTenantUser:
 * @user: the user's name
 * @roles: (array zero-terminated=1): the user's roles in the tenant, sorted
 * @implicit: the local desktop user's admin role, not stored
 *
 * A user of a tenant and their roles. Boxed.
 */
typedef struct
{
  char     *user;
  GStrv     roles;
  gboolean  implicit;
} KariTenantUser;

#define KARI_TYPE_ROLE (kari_role_get_type ())
#define KARI_TYPE_TENANT_USER (kari_tenant_user_get_type ())

GType           kari_role_get_type         (void) G_GNUC_CONST;
KariRole       *kari_role_copy             (const KariRole       *self);
void            kari_role_free             (KariRole             *self);
GType           kari_tenant_user_get_type  (void) G_GNUC_CONST;
KariTenantUser *kari_tenant_user_copy      (const KariTenantUser *self);
void            kari_tenant_user_free      (KariTenantUser       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariRole, kari_role_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariTenantUser, kari_tenant_user_free)

gboolean    kari_roles_name_is_valid  (const char         *name);
gboolean    kari_roles_is_builtin     (const char         *name);

/**
 * KariAdminAction:
 * @KARI_ADMIN_INSTALL: install or update an extension
 * @KARI_ADMIN_REMOVE: remove an extension
 * @KARI_ADMIN_GRANT: grant or revoke a permission
 * @KARI_ADMIN_POLICY: change the policy
 * @KARI_ADMIN_USERS: change users and roles
 *
 * Actions that need the admin role.
 */
typedef enum
{
  KARI_ADMIN_INSTALL,
  KARI_ADMIN_REMOVE,
  KARI_ADMIN_GRANT,
  KARI_ADMIN_POLICY,
  KARI_ADMIN_USERS,
} KariAdminAction;

#define KARI_TYPE_ROLES (kari_roles_get_type ())
G_DECLARE_FINAL_TYPE (KariRoles, kari_roles, KARI, ROLES, GObject)

GQuark      kari_roles_error_quark    (void);
const char *kari_admin_action_to_string (KariAdminAction action);

KariRoles  *kari_roles_new            (KariRegistry       *registry,
                                       const char         *local_user);
const char *kari_roles_get_local_user (KariRoles          *self);
gboolean    kari_roles_define         (KariRoles          *self,
                                       const char         *tenant,
                                       const char         *role,
                                       const char         *description,
                                       GError            **error);
gboolean    kari_roles_undefine       (KariRoles          *self,
                                       const char         *tenant,
                                       const char         *role,
                                       GError            **error);
GPtrArray  *kari_roles_list_roles     (KariRoles          *self,
                                       const char         *tenant,
                                       GError            **error);
gboolean    kari_roles_assign         (KariRoles          *self,
                                       const char         *tenant,
                                       const char         *user,
                                       const char         *role,
                                       GError            **error);
gboolean    kari_roles_unassign       (KariRoles          *self,
                                       const char         *tenant,
                                       const char         *user,
                                       const char         *role,
                                       GError            **error);
gboolean    kari_roles_remove_user    (KariRoles          *self,
                                       const char         *tenant,
                                       const char         *user,
                                       GError            **error);
GStrv       kari_roles_get_user_roles (KariRoles          *self,
                                       const char         *tenant,
                                       const char         *user);
GPtrArray  *kari_roles_list_users     (KariRoles          *self,
                                       const char         *tenant,
                                       GError            **error);
gboolean    kari_roles_has_any        (KariRoles          *self,
                                       const char         *tenant,
                                       const char         *user,
                                       const char * const *required);
gboolean    kari_roles_may            (KariRoles          *self,
                                       const char         *tenant,
                                       const char         *user,
                                       KariAdminAction     action,
                                       GError            **error);

G_END_DECLS
