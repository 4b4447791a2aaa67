/* kari-host-manager.h — scripting a running host over D-Bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kari-audit.h"
#include "kari-supervisor.h"

G_BEGIN_DECLS

/**
 * KARI_HOST_MANAGER_BUS_NAME:
 *
 * The well-known name a running host owns on the session bus.
 */
#define KARI_HOST_MANAGER_BUS_NAME "io.github.kari.ControlRoom"
/**
 * KARI_HOST_MANAGER_PATH:
 *
 * The object path the host exports io.github.kari.Manager1 at.
 */
#define KARI_HOST_MANAGER_PATH "/io/github/kari/ControlRoom"
/**
 * KARI_HOST_MANAGER_DBUS_ERROR_NOT_FOUND:
 *
 * The D-Bus error a call naming an extension the host does not run
 * fails with.
 */
#define KARI_HOST_MANAGER_DBUS_ERROR_NOT_FOUND "io.github.kari.Error.NotFound"
/**
 * KARI_HOST_MANAGER_DBUS_ERROR_PERMISSION_DENIED:
 *
 * The D-Bus error a call fails with when the caller is another user, or
 * the scripting role may not do it; the message names the roles that may.
 */
#define KARI_HOST_MANAGER_DBUS_ERROR_PERMISSION_DENIED "io.github.kari.Error.PermissionDenied"

#define KARI_HOST_MANAGER_ERROR (kari_host_manager_error_quark ())

/**
 * KariHostManagerError:
 * @KARI_HOST_MANAGER_ERROR_NAME_TAKEN: another host owns the bus name
 * @KARI_HOST_MANAGER_ERROR_EXPORTED: the manager is already exported
 *
 * Error codes in %KARI_HOST_MANAGER_ERROR.
 */
typedef enum
{
  KARI_HOST_MANAGER_ERROR_NAME_TAKEN,
  KARI_HOST_MANAGER_ERROR_EXPORTED,
} KariHostManagerError;

#define KARI_TYPE_HOST_MANAGER (kari_host_manager_get_type ())
G_DECLARE_FINAL_TYPE (KariHostManager, kari_host_manager, KARI, HOST_MANAGER, GObject)

GQuark           kari_host_manager_error_quark (void);

KariHostManager *kari_host_manager_new          (void);
void             kari_host_manager_add          (KariHostManager *self,
                                                 KariSupervisor  *supervisor);
void             kari_host_manager_remove       (KariHostManager *self,
                                                 KariSupervisor  *supervisor);
gboolean         kari_host_manager_export       (KariHostManager *self,
                                                 GDBusConnection *connection,
                                                 GError         **error);
gboolean         kari_host_manager_own_name     (KariHostManager *self,
                                                 GError         **error);
void             kari_host_manager_unexport     (KariHostManager *self);
void             kari_host_manager_set_call_timeout (KariHostManager *self,
                                                 guint            timeout_ms);
void             kari_host_manager_set_scripting_role (KariHostManager *self,
                                                 const char      *role);
const char      *kari_host_manager_get_scripting_role (KariHostManager *self);
void             kari_host_manager_set_audit_log (KariHostManager *self,
                                                 KariAuditLog    *audit,
                                                 const char      *tenant);

G_END_DECLS
