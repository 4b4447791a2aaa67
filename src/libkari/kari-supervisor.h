/* kari-supervisor.h — runs one extension in its sandbox and watches it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kari-broker.h"
#include "kari-lifecycle.h"
#include "kari-manifest.h"
#include "kari-permission-engine.h"
#include "kari-registry.h"

G_BEGIN_DECLS

#define KARI_SUPERVISOR_ERROR (kari_supervisor_error_quark ())

/**
 * KariSupervisorError:
 * @KARI_SUPERVISOR_ERROR_STATE: the extension cannot be started from its
 *   current state (already running, or the registry refuses the move)
 * @KARI_SUPERVISOR_ERROR_FOLDER: a data, log or socket folder cannot be made
 * @KARI_SUPERVISOR_ERROR_QUOTA: the data folder is over its disk quota
 *   (no longer raised by kari_supervisor_start(): such an extension
 *   starts with /data read-only)
 * @KARI_SUPERVISOR_ERROR_SPAWN: the sandbox ended as soon as it was started
 *
 * Error codes in %KARI_SUPERVISOR_ERROR.
 */
typedef enum
{
  KARI_SUPERVISOR_ERROR_STATE,
  KARI_SUPERVISOR_ERROR_FOLDER,
  KARI_SUPERVISOR_ERROR_QUOTA,
  KARI_SUPERVISOR_ERROR_SPAWN,
} KariSupervisorError;

/**
 * KariSupervisorSample:
 * @time: when it was read, g_get_real_time()
 * @memory_bytes: memory in use by the extension's group
 * @cpu_usec: CPU time used by the group since it was made
 * @n_tasks: processes and threads in the group
 *
 * One reading of an extension's resource use.
 */
typedef struct
{
  gint64  time;
  guint64 memory_bytes;
  guint64 cpu_usec;
  guint   n_tasks;
} KariSupervisorSample;

#define KARI_TYPE_SUPERVISOR (kari_supervisor_get_type ())
G_DECLARE_FINAL_TYPE (KariSupervisor, kari_supervisor, KARI, SUPERVISOR, GObject)

GQuark          kari_supervisor_error_quark        (void);

KariSupervisor *kari_supervisor_new                (KariManifest         *manifest,
                                                    const char           *app_dir,
                                                    const char           *tenant,
                                                    KariPermissionEngine *engine,
                                                    KariRegistry         *registry);

void            kari_supervisor_set_grace_period   (KariSupervisor       *self,
                                                    guint                 msec);
void            kari_supervisor_set_handshake_timeout (KariSupervisor    *self,
                                                    guint                 msec);
void            kari_supervisor_set_backoff        (KariSupervisor       *self,
                                                    guint                 initial_msec,
                                                    guint                 max_msec);
void            kari_supervisor_set_crash_loop     (KariSupervisor       *self,
                                                    guint                 max_crashes,
                                                    guint                 window_msec);
void            kari_supervisor_set_ping           (KariSupervisor       *self,
                                                    guint                 interval_msec,
                                                    guint                 timeout_msec);
void            kari_supervisor_set_metrics        (KariSupervisor       *self,
                                                    guint                 interval_msec,
                                                    guint                 max_samples);
void            kari_supervisor_set_log_limits     (KariSupervisor       *self,
                                                    guint                 max_lines,
                                                    gsize                 max_bytes,
                                                    gsize                 rotate_bytes);

gboolean        kari_supervisor_start              (KariSupervisor       *self,
                                                    GError              **error);
void            kari_supervisor_stop_async         (KariSupervisor       *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean        kari_supervisor_stop_finish        (KariSupervisor       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

const char     *kari_supervisor_get_name           (KariSupervisor       *self);
KariState       kari_supervisor_get_state          (KariSupervisor       *self);
const char     *kari_supervisor_get_reason         (KariSupervisor       *self);
GPid            kari_supervisor_get_pid            (KariSupervisor       *self);
guint           kari_supervisor_get_n_starts       (KariSupervisor       *self);
const char     *kari_supervisor_get_limits_backend (KariSupervisor       *self);
const char     *kari_supervisor_get_limits_group   (KariSupervisor       *self);
KariBroker     *kari_supervisor_get_broker         (KariSupervisor       *self);
KariManifest   *kari_supervisor_get_manifest       (KariSupervisor       *self);
const char     *kari_supervisor_get_app_dir        (KariSupervisor       *self);
const char     *kari_supervisor_get_log_path       (KariSupervisor       *self);
char          **kari_supervisor_dup_log            (KariSupervisor       *self);
gsize           kari_supervisor_get_log_size       (KariSupervisor       *self);
GArray         *kari_supervisor_dup_samples        (KariSupervisor       *self);

void            kari_supervisor_set_disk_check     (KariSupervisor       *self,
                                                    guint                 interval_msec);
guint64         kari_supervisor_get_disk_usage     (KariSupervisor       *self);
gboolean        kari_supervisor_get_over_quota     (KariSupervisor       *self);
gboolean        kari_supervisor_get_data_read_only (KariSupervisor       *self);

G_END_DECLS
