/* kari-limits.h — resource limits for extension processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define KARI_LIMITS_ERROR (kari_limits_error_quark ())

/**
 * KariLimitsError:
 * @KARI_LIMITS_ERROR_UNAVAILABLE: the backend is absent on this system
 * @KARI_LIMITS_ERROR_INVALID: a bad name or limit
 * @KARI_LIMITS_ERROR_FAILED: the kernel or the service refused an operation
 * @KARI_LIMITS_ERROR_NO_PROCESS: the process to attach does not exist
 * @KARI_LIMITS_ERROR_BUSY: the group still holds processes
 */
typedef enum
{
  KARI_LIMITS_ERROR_UNAVAILABLE,
  KARI_LIMITS_ERROR_INVALID,
  KARI_LIMITS_ERROR_FAILED,
  KARI_LIMITS_ERROR_NO_PROCESS,
  KARI_LIMITS_ERROR_BUSY,
} KariLimitsError;

/**
 * KariLimitsBackend:
 * @KARI_LIMITS_BACKEND_SYSTEMD: a transient systemd user scope, over D-Bus
 * @KARI_LIMITS_BACKEND_CGROUP2: a child of the delegated cgroup v2 subtree
 * @KARI_LIMITS_BACKEND_CGROUP1: groups in writable cgroup v1 hierarchies
 * @KARI_LIMITS_BACKEND_RLIMIT: per-process rlimits and a userspace watch of
 *   resident memory, a backstop only
 * @KARI_LIMITS_BACKEND_AUTO: the best one present, in the order above
 *
 * How limits are enforced, best first.
 */
typedef enum
{
  KARI_LIMITS_BACKEND_SYSTEMD,
  KARI_LIMITS_BACKEND_CGROUP2,
  KARI_LIMITS_BACKEND_CGROUP1,
  KARI_LIMITS_BACKEND_RLIMIT,
  KARI_LIMITS_BACKEND_AUTO,
} KariLimitsBackend;

#define KARI_TYPE_LIMITS (kari_limits_get_type ())
G_DECLARE_FINAL_TYPE (KariLimits, kari_limits, KARI, LIMITS, GObject)

GQuark             kari_limits_error_quark         (void);

KariLimitsBackend  kari_limits_detect_backend      (GError           **error);
gboolean           kari_limits_backend_probe       (KariLimitsBackend  backend,
                                                    GError           **error);
const char        *kari_limits_backend_to_string   (KariLimitsBackend  backend);

KariLimits        *kari_limits_new                 (const char        *name,
                                                    guint64            memory_bytes,
                                                    guint              cpu_percent,
                                                    guint              tasks_max,
                                                    GError           **error);
KariLimits        *kari_limits_new_with_backend    (KariLimitsBackend  backend,
                                                    const char        *name,
                                                    guint64            memory_bytes,
                                                    guint              cpu_percent,
                                                    guint              tasks_max,
                                                    GError           **error);

KariLimitsBackend  kari_limits_get_backend         (KariLimits        *self);
const char        *kari_limits_get_backend_name    (KariLimits        *self);
const char        *kari_limits_get_group_path      (KariLimits        *self);
guint64            kari_limits_get_memory_bytes    (KariLimits        *self);
guint              kari_limits_get_cpu_percent     (KariLimits        *self);
guint              kari_limits_get_tasks_max       (KariLimits        *self);

gboolean           kari_limits_attach              (KariLimits        *self,
                                                    GPid               pid,
                                                    GError           **error);
gboolean           kari_limits_read_usage          (KariLimits        *self,
                                                    guint64           *memory_bytes,
                                                    guint64           *memory_peak,
                                                    guint64           *cpu_usec,
                                                    guint             *n_tasks,
                                                    GError           **error);
gboolean           kari_limits_was_oom_killed      (KariLimits        *self);
gboolean           kari_limits_kill_all            (KariLimits        *self,
                                                    GError           **error);
gboolean           kari_limits_destroy             (KariLimits        *self,
                                                    GError           **error);

G_END_DECLS
