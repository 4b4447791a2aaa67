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
 * call names, NULL for a method that names none or names an installed
 * extension the host does not supervise. */
typedef void (*KariManagerAction) (KariHostManager       *self,
                                   KariSupervisor        *supervisor,
                                   GDBusMethodInvocation *invocation);

/* What a method's first argument is. */
typedef enum
{
  KARI_MANAGER_NAMES_NOTHING,     /* ListExtensions, QueryAudit */
  KARI_MANAGER_NAMES_SUPERVISED,  /* an extension the host runs */
  KARI_MANAGER_NAMES_INSTALLED,   /* one in the registry, running or not */
} KariManagerTarget;

typedef struct
{
  KariHostManager   *self;
  KariManagerAction  action;
  KariManagerTarget  target;
} KariManagerHandler;

#define KARI_MANAGER_N_METHODS 15

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
  KariRegistry       *registry;
  KariPermissionEngine *engine;
  KariHostManagerSupervisorFunc supervisor_func;
  gpointer            supervisor_data;
  GDestroyNotify      supervisor_destroy;
  KariManagerHandler  handlers[KARI_MANAGER_N_METHODS];
};

KariSupervisor *_kari_host_manager_lookup    (KariHostManager       *self,
                                              GDBusMethodInvocation *invocation,
                                              const char            *name);
void            _kari_host_manager_authorize (KariHostManager       *self,
                                              GDBusMethodInvocation *invocation,
                                              const KariManagerHandler *handler);
const char     *_kari_host_manager_get_tenant (KariHostManager      *self);
void            _kari_host_manager_return_printf (GDBusMethodInvocation *invocation,
                                              const char            *dbus_error,
                                              const char            *format,
                                              ...) G_GNUC_PRINTF (3, 4);

/* kari-host-manager-grants.c */
void            _kari_host_manager_do_grant   (KariHostManager       *self,
                                              KariSupervisor        *supervisor,
                                              GDBusMethodInvocation *invocation);
void            _kari_host_manager_do_revoke  (KariHostManager       *self,
                                              KariSupervisor        *supervisor,
                                              GDBusMethodInvocation *invocation);

/* kari-host-manager-inspect.c */
void            _kari_host_manager_do_inspect (KariHostManager       *self,
                                              KariSupervisor        *supervisor,
                                              GDBusMethodInvocation *invocation);
void            _kari_host_manager_do_enable  (KariHostManager       *self,
                                              KariSupervisor        *supervisor,
                                              GDBusMethodInvocation *invocation);
void            _kari_host_manager_do_disable (KariHostManager       *self,
                                              KariSupervisor        *supervisor,
                                              GDBusMethodInvocation *invocation);
void            _kari_host_manager_do_query_audit (KariHostManager   *self,
                                              KariSupervisor        *supervisor,
                                              GDBusMethodInvocation *invocation);

G_END_DECLS
