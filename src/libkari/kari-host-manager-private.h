/* kari-host-manager-private.h — what kari-host-manager-access.c shares
 * with kari-host-manager.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-audit.h"
#include "kari-dbus-generated.h"
#include "kari-host-manager.h"

G_BEGIN_DECLS

/* What a method does once allowed; @supervisor is the extension the
 * call names, NULL for ListExtensions. */
typedef void (*KariManagerAction) (KariHostManager       *self,
                                   KariSupervisor        *supervisor,
                                   GDBusMethodInvocation *invocation);

typedef struct
{
  KariHostManager   *self;
  KariManagerAction  action;
} KariManagerHandler;

#define KARI_MANAGER_N_METHODS 9

struct _KariHostManager
{
  GObject             parent_instance;

  KariDBusManager1   *skeleton;
  GHashTable         *supervisors;  /* name → KariSupervisor */
  GDBusConnection    *connection;
  guint               call_timeout_ms;
  char               *scripting_role;
  KariAuditLog       *audit;
  char               *tenant;
  KariManagerHandler  handlers[KARI_MANAGER_N_METHODS];
};

KariSupervisor *_kari_host_manager_lookup    (KariHostManager       *self,
                                              GDBusMethodInvocation *invocation,
                                              const char            *name);
void            _kari_host_manager_authorize (KariHostManager       *self,
                                              GDBusMethodInvocation *invocation,
                                              KariManagerAction      action);

G_END_DECLS
