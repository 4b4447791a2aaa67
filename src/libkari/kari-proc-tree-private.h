/* kari-proc-tree-private.h — a process and its descendants, from /proc
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What one process uses now, from /proc/PID/status and /proc/PID/stat. */
typedef struct
{
  guint64 memory_bytes;  /* resident anonymous and shared-memory pages, shares divided */
  guint64 cpu_usec;      /* its threads' and its reaped children's */
  guint   n_threads;
} KariProcUsage;

GPid      _kari_proc_parent_of    (GPid           pid);
gboolean  _kari_proc_is_running   (GPid           pid);
gboolean  _kari_proc_children     (GPid           pid,
                                   GArray        *out);
GArray   *_kari_proc_tree_list    (GPid           root);
gboolean  _kari_proc_read_usage   (GPid           pid,
                                   gboolean       with_cpu,
                                   KariProcUsage *usage);
guint     _kari_proc_tree_usage   (GPid           root,
                                   gboolean       with_cpu,
                                   KariProcUsage *total);
guint     _kari_proc_tree_memory  (GPid           root,
                                   gboolean       exact,
                                   guint64       *bytes);
guint     _kari_proc_tree_kill    (GPid           root);

G_END_DECLS
