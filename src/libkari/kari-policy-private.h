/* kari-policy-private.h — what the policy files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-policy.h"
#include "kari-policy-glob-private.h"

G_BEGIN_DECLS

/* One compiled rule; a field that was not written is a KARI_GLOB_ANY
 * glob with no text, and a NULL role. */
typedef struct
{
  char               *id;
  char               *decided_by;   /* what kari_policy_decide() reports */
  char               *permission;   /* as written */
  KariGlob            extension;
  KariGlob            tenant;
  KariGlob            user;
  KariGlob            domain;
  KariGlob            action;
  KariGlob            resource;
  char               *role;
  KariPolicyDecision  decision;
} KariPolicyRule;

struct _KariPolicy
{
  GObject         parent_instance;

  char           *name;
  char           *filename;     /* custom policies: the rules file */
  char           *description;
  gboolean        builtin;
  KariPolicy     *base;         /* custom policies: decides what the rules leave */
  KariPolicyRule *rules;
  guint           n_rules;
};

/* kari-policy-load.c */
gboolean _kari_policy_rule_set_permission (KariPolicyRule  *rule,
                                           const char      *permission,
                                           char           **message);
void     _kari_policy_rule_clear          (KariPolicyRule  *rule);

G_END_DECLS
