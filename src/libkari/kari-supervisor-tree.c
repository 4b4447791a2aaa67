/* kari-supervisor-tree.c — putting a sandbox's whole process tree in its
 * limits before it is released
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-proc-tree-private.h"
#include "kari-supervisor-private.h"

/* The slow way, for kernels without children lists: every process in
 * /proc whose parent is already in @tree, until none is left. */
static gboolean
attach_by_walking (KariLimits  *limits,
                   GHashTable  *tree,
                   GError     **error)
{
  gboolean grew = TRUE;

  while (grew)
    {
      g_autoptr(GDir) proc = g_dir_open ("/proc", 0, error);
      const char *name;

      if (proc == NULL)
        return FALSE;
      grew = FALSE;
      while ((name = g_dir_read_name (proc)) != NULL)
        {
          GPid child = (GPid) g_ascii_strtoll (name, NULL, 10);

          if (child <= 0 || g_hash_table_contains (tree, GINT_TO_POINTER (child))
              || !g_hash_table_contains (tree, GINT_TO_POINTER (_kari_proc_parent_of (child))))
            continue;
          if (!kari_limits_attach (limits, child, error))
            return FALSE;
          g_hash_table_add (tree, GINT_TO_POINTER (child));
          grew = TRUE;
        }
    }
  return TRUE;
}

/* bwrap forks its sandbox child before it blocks, so the group must take
 * the whole tree: @pid first, then every descendant, until a pass finds
 * none new. A cgroup takes a fork that races the move with its parent;
 * an rlimit set while bwrap is inside clone() does not reach the child,
 * which is not listed yet either, so with rlimits the passes go on until
 * that child is there to be limited itself. The children lists keep
 * this cheap: a walk of all /proc costs milliseconds with a few hundred
 * processes. Runs in a worker thread (kari-supervisor-limit.c). */
gboolean
_kari_supervisor_attach_tree (KariLimits    *limits,
                              GPid           pid,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GHashTable) tree = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (GPid));
  gboolean wait_child = kari_limits_get_backend (limits) == KARI_LIMITS_BACKEND_RLIMIT;
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  gboolean grew = TRUE;

  if (!kari_limits_attach (limits, pid, error))
    return FALSE;
  g_hash_table_add (tree, GINT_TO_POINTER (pid));
  g_array_append_val (members, pid);
  while (grew || (wait_child && members->len < 2 && _kari_proc_is_running (pid)
                  && g_get_monotonic_time () < deadline))
    {
      g_autoptr(GArray) children = g_array_new (FALSE, FALSE, sizeof (GPid));

      /* Stopped or dropped meanwhile: no need to wait for the child. */
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!grew)
        g_usleep (100);
      grew = FALSE;
      for (guint i = 0; i < members->len; i++)
        if (!_kari_proc_children (g_array_index (members, GPid, i), children))
          return attach_by_walking (limits, tree, error);
      for (guint i = 0; i < children->len; i++)
        {
          GPid child = g_array_index (children, GPid, i);

          if (g_hash_table_contains (tree, GINT_TO_POINTER (child)))
            continue;
          if (!kari_limits_attach (limits, child, error))
            return FALSE;
          g_hash_table_add (tree, GINT_TO_POINTER (child));
          g_array_append_val (members, child);
          grew = TRUE;
        }
    }
  return TRUE;
}
