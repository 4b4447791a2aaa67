/* systemd-standin.h — the units of the systemd stand-in and their groups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See systemd-standin.c for what the stand-in is (and is not).
 */
#pragma once

#include <gio/gio.h>

#include "kari-limits-private.h"

/* systemd's "unknown" for a reading. */
#define STANDIN_UNKNOWN G_MAXUINT64

enum { C_MEMORY, C_CPU, C_PIDS, C_CPUACCT, C_N };

typedef struct
{
  char       *name;
  char       *path;
  GVariant   *props;      /* a{sv} of what was set */
  GArray     *pids;       /* recorded, for the record-only mode */
  char       *dirs[C_N];  /* the groups, when enforcing */
  const char *state;      /* "active", "deactivating", "failed" */
  const char *result;     /* "success", "oom-kill" */
  guint64     oom_base;
  gint64      stop_at;
  guint       reg_unit;
  guint       reg_scope;
} StandinUnit;

/* Where groups go in each cgroup v1 hierarchy, or all NULL when only recording. */
extern char *standin_parents[C_N];

gboolean  standin_find_parents  (void);
void      standin_clear_parents (void);
guint64   standin_prop_u64      (StandinUnit  *u,
                                 const char   *name,
                                 guint64       fallback);
GArray   *standin_group_procs   (StandinUnit  *u);
guint64   standin_read_u64      (StandinUnit  *u,
                                 guint         c,
                                 const char   *file);
guint64   standin_oom_kills     (StandinUnit  *u);
gboolean  standin_enforce       (StandinUnit  *u,
                                 GError      **error);
