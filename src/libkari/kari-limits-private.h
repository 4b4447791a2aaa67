/* kari-limits-private.h — the backends behind KariLimits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-limits.h"

G_BEGIN_DECLS

/* What the caller asked for; 0 means "no limit" for each field. */
typedef struct
{
  const char *unique;        /* "<name>-<pid>-<n>", safe as a file and unit name */
  guint64     memory_bytes;
  guint       cpu_percent;   /* of one CPU; may exceed 100 */
  guint       tasks_max;
} KariLimitsSpec;

typedef struct
{
  guint64 memory_bytes;
  guint64 memory_peak;
  guint64 cpu_usec;
  guint   n_tasks;
} KariLimitsUsage;

/* One backend: a table row, so KariLimits dispatches by data. */
typedef struct
{
  KariLimitsBackend  id;
  const char        *name;
  gboolean  (*probe)          (GError              **error);
  gpointer  (*create)         (const KariLimitsSpec *spec,
                               GError              **error);
  const char *(*get_path)     (gpointer              data);
  gboolean  (*attach)         (gpointer              data,
                               GPid                  pid,
                               GError              **error);
  gboolean  (*read_usage)     (gpointer              data,
                               KariLimitsUsage      *usage,
                               GError              **error);
  gboolean  (*was_oom_killed) (gpointer              data);
  gboolean  (*kill_all)       (gpointer              data,
                               GError              **error);
  gboolean  (*destroy)        (gpointer              data,
                               GError              **error);
  void      (*free)           (gpointer              data);
} KariLimitsBackendOps;

extern const KariLimitsBackendOps _kari_limits_systemd_ops;
extern const KariLimitsBackendOps _kari_limits_cgroup2_ops;
extern const KariLimitsBackendOps _kari_limits_cgroup1_ops;
extern const KariLimitsBackendOps _kari_limits_rlimit_ops;

/* Shared by the cgroup backends (kari-limits-cgroup.c). */
char     *_kari_limits_cgroup_own_dir     (const char  *fstype,
                                           const char  *controller,
                                           GError     **error);
gboolean  _kari_limits_cgroup_write       (const char  *dir,
                                           const char  *file,
                                           const char  *value,
                                           GError     **error);
gboolean  _kari_limits_cgroup_read_u64    (const char  *dir,
                                           const char  *file,
                                           guint64     *value,
                                           GError     **error);
gboolean  _kari_limits_parse_keyed_u64    (const char  *text,
                                           const char  *key,
                                           guint64     *value);
gboolean  _kari_limits_cgroup_attach      (const char  *dir,
                                           GPid         pid,
                                           GError     **error);
guint     _kari_limits_cgroup_count_procs (const char  *dir);
gboolean  _kari_limits_cgroup_kill_all    (const char  *dir,
                                           GError     **error);
gboolean  _kari_limits_cgroup_remove      (const char  *dir,
                                           GError     **error);

/* The systemd scope's properties, for StartTransientUnit; floating. */
GVariant *_kari_limits_systemd_properties (const KariLimitsSpec *spec,
                                           GPid                  pid);

G_END_DECLS
