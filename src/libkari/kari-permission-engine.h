/* kari-permission-engine.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kari-audit.h"
#include "kari-grant.h"
#include "kari-policy.h"
#include "kari-prompt.h"
#include "kari-roles.h"

G_BEGIN_DECLS

#define KARI_PERMISSION_ENGINE_ERROR (kari_permission_engine_error_quark ())

/**
 * KariPermissionEngineError:
 * @KARI_PERMISSION_ENGINE_ERROR_UNDECLARED: the manifest does not declare the permission
 * @KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED: the acting user lacks the role
 * @KARI_PERMISSION_ENGINE_ERROR_INVALID: a bad permission string, scope or name
 * @KARI_PERMISSION_ENGINE_ERROR_UNKNOWN_EXTENSION: no such extension
 */
typedef enum
{
  KARI_PERMISSION_ENGINE_ERROR_UNDECLARED,
  KARI_PERMISSION_ENGINE_ERROR_NOT_ALLOWED,
  KARI_PERMISSION_ENGINE_ERROR_INVALID,
  KARI_PERMISSION_ENGINE_ERROR_UNKNOWN_EXTENSION,
} KariPermissionEngineError;

/**
 * KariCheck:
 * @tenant: the tenant the call is made in
 * @user: (nullable): the user it is made for
 * @extension: the extension asking (taken from its connection, never its words)
 * @permission: `domain:action[:resource]`, the resource concrete
 *
 * One permission check.
 */
typedef struct
{
  const char *tenant;
  const char *user;
  const char *extension;
  const char *permission;
} KariCheck;

/**
 * KariVerdict:
 * @KARI_VERDICT_DENY: refused
 * @KARI_VERDICT_ALLOW: allowed
 * @KARI_VERDICT_ASK: the policy wants the person asked (only from the
 *   synchronous check; the asynchronous one asks)
 */
typedef enum
{
  KARI_VERDICT_DENY,
  KARI_VERDICT_ALLOW,
  KARI_VERDICT_ASK,
} KariVerdict;

/**
 * KariCheckResult:
 * @verdict: the decision
 * @cached: whether it came from the cache
 * @decided_by: (transfer full): the rule or grant that decided
 */
typedef struct
{
  KariVerdict  verdict;
  gboolean     cached;
  char        *decided_by;
} KariCheckResult;

void kari_check_result_clear (KariCheckResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KariCheckResult, kari_check_result_clear)

#define KARI_TYPE_PERMISSION_ENGINE (kari_permission_engine_get_type ())
G_DECLARE_FINAL_TYPE (KariPermissionEngine, kari_permission_engine, KARI, PERMISSION_ENGINE, GObject)

GQuark                kari_permission_engine_error_quark (void);

KariPermissionEngine *kari_permission_engine_new       (KariRegistry          *registry,
                                                        KariAuditLog          *audit,
                                                        const KariClock       *clock,
                                                        GError               **error);
KariGrantStore       *kari_permission_engine_get_grants (KariPermissionEngine *self);
KariRoles            *kari_permission_engine_get_roles  (KariPermissionEngine *self);
KariPolicy           *kari_permission_engine_get_policy (KariPermissionEngine *self);
void                  kari_permission_engine_set_prompt_agent (KariPermissionEngine *self,
                                                        KariPromptAgent       *agent);
void                  kari_permission_engine_set_prompt_timeout (KariPermissionEngine *self,
                                                        guint                  timeout_ms);
gboolean              kari_permission_engine_set_declared (KariPermissionEngine *self,
                                                        const char            *extension,
                                                        const char            *display_name,
                                                        const char * const    *permissions,
                                                        GError               **error);
gboolean              kari_permission_engine_load_declared (KariPermissionEngine *self,
                                                        GError               **error);
const char * const   *kari_permission_engine_get_declared (KariPermissionEngine *self,
                                                        const char            *extension);

KariVerdict           kari_permission_engine_check     (KariPermissionEngine  *self,
                                                        const KariCheck       *check,
                                                        KariCheckResult       *result);
void                  kari_permission_engine_check_async (KariPermissionEngine *self,
                                                        const KariCheck       *check,
                                                        GCancellable          *cancellable,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               user_data);
KariVerdict           kari_permission_engine_check_finish (KariPermissionEngine *self,
                                                        GAsyncResult          *result,
                                                        KariCheckResult       *check_result,
                                                        GError               **error);

KariGrant            *kari_permission_engine_grant     (KariPermissionEngine  *self,
                                                        const char            *actor,
                                                        const char            *tenant,
                                                        const char            *extension,
                                                        const char            *user,
                                                        const char            *permission,
                                                        KariScope              scope,
                                                        gint64                 until_usec,
                                                        GError               **error);
gboolean              kari_permission_engine_revoke    (KariPermissionEngine  *self,
                                                        const char            *actor,
                                                        const char            *tenant,
                                                        const char            *extension,
                                                        const char            *user,
                                                        const char            *permission,
                                                        guint                 *n_revoked,
                                                        GError               **error);
gboolean              kari_permission_engine_set_policy (KariPermissionEngine *self,
                                                        const char            *actor,
                                                        const char            *tenant,
                                                        KariPolicy            *policy,
                                                        GError               **error);
gboolean              kari_permission_engine_install_grants (KariPermissionEngine *self,
                                                        const char            *actor,
                                                        const char            *tenant,
                                                        const char            *extension,
                                                        GError               **error);
gboolean              kari_permission_engine_set_policy_from_file (KariPermissionEngine *self,
                                                        const char            *actor,
                                                        const char            *tenant,
                                                        const char            *base,
                                                        const char            *rules_path,
                                                        GPtrArray             *diagnostics,
                                                        GError               **error);
gboolean              kari_permission_engine_assign_role (KariPermissionEngine *self,
                                                        const char            *actor,
                                                        const char            *tenant,
                                                        const char            *user,
                                                        const char            *role,
                                                        GError               **error);
gboolean              kari_permission_engine_unassign_role (KariPermissionEngine *self,
                                                        const char            *actor,
                                                        const char            *tenant,
                                                        const char            *user,
                                                        const char            *role,
                                                        GError               **error);
void                  kari_permission_engine_invalidate (KariPermissionEngine *self);
gboolean              kari_permission_engine_refresh    (KariPermissionEngine *self,
                                                        gboolean              *changed,
                                                        GError               **error);
gboolean              kari_permission_engine_watch_registry (KariPermissionEngine *self,
                                                        GError               **error);
guint                 kari_permission_engine_get_generation (KariPermissionEngine *self);

G_END_DECLS
