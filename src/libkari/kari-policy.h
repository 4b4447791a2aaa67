/* kari-policy.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kari-diagnostic.h"
#include "kari-permission-pattern.h"

G_BEGIN_DECLS

#define KARI_POLICY_ERROR (kari_policy_error_quark ())

/**
 * KariPolicyError:
 * @KARI_POLICY_ERROR_UNKNOWN: no built-in policy of that name
 * @KARI_POLICY_ERROR_INVALID: a rules file is malformed; the diagnostics say where
 */
typedef enum
{
  KARI_POLICY_ERROR_UNKNOWN,
  KARI_POLICY_ERROR_INVALID,
} KariPolicyError;

/**
 * KariPolicyDecision:
 * @KARI_POLICY_ALLOW: granted without asking (at install, or whenever asked)
 * @KARI_POLICY_ASK: ask the person at run time
 * @KARI_POLICY_DENY: refused
 */
typedef enum
{
  KARI_POLICY_ALLOW,
  KARI_POLICY_ASK,
  KARI_POLICY_DENY,
} KariPolicyDecision;

/**
 * KariPolicyQuery:
 * @extension: the extension asking
 * @tenant: the tenant it acts in
 * @user: (nullable): the user it acts for
 * @roles: (nullable): that user's roles in the tenant
 * @domain: the permission's domain, e.g. `filesystem`
 * @action: its action, e.g. `read`
 * @resource: (nullable): the concrete resource, e.g. `/home/a/x.txt`;
 *   a path must already be absolute and normalised (the engine resolves
 *   it), or the policy denies
 * @context: (nullable): what `~` and `$DATA` in rules stand for; without
 *   it, rules anchored at them never match
 *
 * What a policy decides about. A permission without an action, such as
 * `secrets`, has a %NULL or empty @action.
 */
typedef struct
{
  const char         *extension;
  const char         *tenant;
  const char         *user;
  const char * const *roles;
  const char         *domain;
  const char         *action;
  const char         *resource;
  const KariPermissionContext *context;
} KariPolicyQuery;

/** KARI_POLICY_MAX_FILE_SIZE: largest rules file accepted, in bytes (1 MiB) */
#define KARI_POLICY_MAX_FILE_SIZE (1024 * 1024)
/** KARI_POLICY_MAX_RULES: most rules a rules file may hold */
#define KARI_POLICY_MAX_RULES 10000

#define KARI_TYPE_POLICY (kari_policy_get_type ())
G_DECLARE_FINAL_TYPE (KariPolicy, kari_policy, KARI, POLICY, GObject)

GQuark              kari_policy_error_quark     (void);
const char * const *kari_policy_builtin_names   (void);
KariPolicy         *kari_policy_new_builtin     (const char            *name,
                                                 GError               **error);
KariPolicy         *kari_policy_new_from_file   (const char            *base,
                                                 const char            *rules_path,
                                                 GPtrArray             *diagnostics,
                                                 GError               **error);
KariPolicy         *kari_policy_new_from_data   (const char            *base,
                                                 const char            *rules_json,
                                                 gssize                 length,
                                                 const char            *filename,
                                                 GPtrArray             *diagnostics,
                                                 GError               **error);
const char         *kari_policy_get_name        (KariPolicy            *self);
KariPolicy         *kari_policy_get_base        (KariPolicy            *self);
gboolean            kari_policy_is_builtin      (KariPolicy            *self);
guint               kari_policy_get_n_rules     (KariPolicy            *self);
KariPolicyDecision  kari_policy_decide          (KariPolicy            *self,
                                                 const KariPolicyQuery *query,
                                                 const char           **rule);
JsonNode           *kari_policy_to_json         (KariPolicy            *self);
const char         *kari_policy_decision_to_string (KariPolicyDecision decision);
gboolean            kari_policy_decision_from_string (const char        *text,
                                                 KariPolicyDecision    *decision);

G_END_DECLS
