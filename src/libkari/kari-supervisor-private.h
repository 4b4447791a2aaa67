/* kari-supervisor-private.h — the supervisor's log, for kari-supervisor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kari-broker.h"
#include "kari-limits.h"
#include "kari-sandbox.h"
#include "kari-supervisor.h"

G_BEGIN_DECLS

/* The most processes and threads of one extension at once. */
#define KARI_SUPERVISOR_TASKS_MAX 256

/* Bytes of one line kept; the rest is cut. */
#define KARI_LOG_MAX_LINE 4096

typedef struct _KariLogRing KariLogRing;

KariLogRing *_kari_log_ring_new      (const char   *file_path,
                                      guint         max_lines,
                                      gsize         max_bytes,
                                      gsize         rotate_bytes);
void         _kari_log_ring_free     (KariLogRing  *self);
void         _kari_log_ring_set_limits (KariLogRing *self,
                                      guint         max_lines,
                                      gsize         max_bytes,
                                      gsize         rotate_bytes);
char        *_kari_log_ring_add      (KariLogRing  *self,
                                      const char   *stream,
                                      const char   *text,
                                      gssize        len);
char       **_kari_log_ring_dup      (KariLogRing  *self);
gsize        _kari_log_ring_get_size (KariLogRing  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariLogRing, _kari_log_ring_free)

/* One run of the extension: what a restart replaces. */
typedef struct
{
  KariSupervisor *self;        /* NULL once the supervisor is gone */
  KariSandbox    *sandbox;
  KariBroker     *broker;
  KariLimits     *limits;
  GSubprocess    *process;
  GCancellable   *cancellable;
  char           *kill_reason; /* why the host killed it: a hang, a timeout */
  gboolean        limiting;    /* a worker makes its group and releases it */
  gboolean        early_handshake; /* made before the group was reported */
} Run;

struct _KariSupervisor
{
  GObject               parent_instance;

  KariManifest         *manifest;
  KariPermissionEngine *engine;
  KariRegistry         *registry;
  char                 *name;
  char                 *tenant;
  char                 *app_dir;
  char                 *data_dir;
  char                 *log_path;
  char                 *socket_dir;

  KariState             state;
  char                 *reason;
  Run                  *run;
  guint                 n_starts;
  GArray               *crash_times;   /* gint64 monotonic, within the window */
  GList                *stop_tasks;
  KariLogRing          *log;
  GArray               *samples;
  char                 *backend;
  char                 *group;

  guint                 grace_msec;
  guint                 handshake_msec;
  guint                 backoff_msec;
  guint                 backoff_max_msec;
  guint                 crash_max;
  guint                 crash_window_msec;
  guint                 ping_msec;
  guint                 ping_timeout_msec;
  guint                 metrics_msec;
  guint                 max_samples;

  guint                 restart_id;
  guint                 handshake_id;
  guint                 grace_id;
  guint                 ping_id;
  guint                 metrics_id;
  gboolean              ping_in_flight;
  guint                 disk_msec;
  guint                 disk_id;
  GCancellable         *disk_cancellable;
  gboolean              disk_walking;
  gboolean              over_quota;
  guint64               disk_bytes;
  gboolean              data_read_only; /* this run's /data, and the next's */
  gboolean              quota_warned;   /* told of 90 % since usage was last under it */
  gboolean              quota_recovered; /* to tell at the next handshake */
  gboolean              restarting;     /* the run ends to start again at once */
  char                 *start_reason;
  GFileMonitor         *disk_monitor;
  GPtrArray            *disk_sub_monitors; /* GFileMonitor of /data's folders, bounded */
  gboolean              disk_listing;
  guint                 disk_soon_id;   /* a walk soon, after a change */
  gboolean              disk_again;     /* a change came during the walk */
  GCancellable         *cancellable;   /* output readers, until dispose */
  gint64                metrics_time;  /* the previous sample's, for CPU use */
  guint64               metrics_cpu_usec;
};

void         _kari_supervisor_add_line   (KariSupervisor *self,
                                          const char     *stream,
                                          const char     *text,
                                          gssize          len);
void         _kari_supervisor_kill       (KariSupervisor *self,
                                          const char     *reason);
void         _kari_supervisor_set_state  (KariSupervisor *self,
                                          KariState       state,
                                          const char     *reason);
void         _kari_supervisor_complete_stops (KariSupervisor *self);
void         _kari_supervisor_disk_start (KariSupervisor *self);
void         _kari_supervisor_disk_handshake (KariSupervisor *self);
guint64      _kari_supervisor_quota_bytes (KariSupervisor *self);
void         _kari_supervisor_restart    (KariSupervisor *self,
                                          const char     *reason,
                                          const char     *start_reason);
Run         *_kari_supervisor_run_ref    (Run            *run);
void         _kari_supervisor_run_unref  (Run            *run);
guint64      _kari_supervisor_store_quota (KariSupervisor *self);
void         _kari_supervisor_disk_stop  (KariSupervisor *self);
void         _kari_supervisor_read_lines (KariSupervisor *self,
                                          GInputStream   *stream,
                                          const char     *name);
/* kari-supervisor-metrics.c */
void         _kari_supervisor_record_metrics (KariSupervisor             *self,
                                          const KariSupervisorSample *sample);
gboolean     _kari_supervisor_attach_tree (KariLimits    *limits,
                                           GPid           pid,
                                           GCancellable  *cancellable,
                                           GError       **error);
/* kari-supervisor-limit.c */
void         _kari_supervisor_limit_run  (KariSupervisor *self,
                                          Run            *run,
                                          GPid            pid);
void         _kari_supervisor_handshake_done (KariSupervisor *self);
void         _kari_supervisor_fail_run   (KariSupervisor *self,
                                          const char     *reason);
void         _kari_supervisor_start_metrics (KariSupervisor *self);

G_END_DECLS
