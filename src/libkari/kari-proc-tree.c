/* kari-proc-tree.c — a process and its descendants, from /proc: what the
 * supervisor puts in a group, and what the rlimit backend watches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "kari-proc-tree-private.h"

/* Reads the start of /proc/@pid/@file into @buf, NUL-terminated; FALSE
 * once the process is gone. The watch reads these files hundreds of times
 * a second, so with one read into the caller's buffer. */
static gboolean
read_proc_buf (GPid        pid,
               const char *file,
               char       *buf,
               gsize       size)
{
  char path[64];
  gssize n;
  int fd;

  g_snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, file);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  do
    n = read (fd, buf, size - 1);
  while (n < 0 && errno == EINTR);
  close (fd);
  if (n <= 0)
    return FALSE;
  buf[n] = '\0';
  return TRUE;
}

/* Reads /proc/@pid/@file; NULL once the process is gone. */
static char *
read_proc (GPid        pid,
           const char *file)
{
  char buf[1024];

  if (!read_proc_buf (pid, file, buf, sizeof buf))
    return NULL;
  return g_strdup (buf);
}

/* The fields of /proc/PID/stat after the command name, which may hold
 * spaces and ")": they count from the last ")". */
static const char *
stat_after_comm (const char *stat)
{
  const char *end = stat != NULL ? strrchr (stat, ')') : NULL;

  if (end == NULL || strlen (end) < 3)
    return NULL;
  return end + 2;
}

/* The parent of @pid from /proc, or 0. */
GPid
_kari_proc_parent_of (GPid pid)
{
  g_autofree char *stat = read_proc (pid, "stat");
  const char *fields = stat_after_comm (stat);

  /* "S PPID …" */
  if (fields == NULL || strlen (fields) < 3)
    return 0;
  return (GPid) g_ascii_strtoll (fields + 2, NULL, 10);
}

/* Whether @pid still runs: not gone, and not a zombie waiting to be
 * reaped (bwrap that failed before forking is one until the main loop
 * reaps it). */
gboolean
_kari_proc_is_running (GPid pid)
{
  g_autofree char *stat = read_proc (pid, "stat");
  const char *fields = stat_after_comm (stat);

  return fields != NULL && fields[0] != 'Z' && fields[0] != 'X';
}

/* Appends the children of every thread of @pid, from
 * /proc/PID/task/TID/children, to @out. Returns FALSE when the kernel
 * does not list children (CONFIG_PROC_CHILDREN) and TRUE otherwise,
 * also when @pid is already gone (it has no children to take then). */
gboolean
_kari_proc_children (GPid    pid,
                     GArray *out)
{
  g_autofree char *task_dir = g_strdup_printf ("/proc/%d/task", (int) pid);
  g_autoptr(GDir) tasks = g_dir_open (task_dir, 0, NULL);
  const char *tid;

  /* Gone: no children to take. Unreadable: let the caller walk. */
  if (tasks == NULL)
    return !g_file_test (task_dir, G_FILE_TEST_EXISTS);
  while ((tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *path = g_build_filename (task_dir, tid, "children", NULL);
      g_autofree char *text = NULL;
      char *next;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        {
          g_autofree char *thread = g_build_filename (task_dir, tid, NULL);

          /* A thread that just ended has no children either. */
          if (!g_file_test (thread, G_FILE_TEST_EXISTS))
            continue;
          return FALSE;
        }
      for (const char *at = text; *at != '\0'; at = next)
        {
          GPid child = (GPid) g_ascii_strtoll (at, &next, 10);

          if (next == at)
            break;
          if (child > 0)
            g_array_append_val (out, child);
        }
    }
  return TRUE;
}

/* The slow way, for kernels without children lists: every process in
 * /proc whose parent is already in @tree, until none is left. */
static void
list_by_walking (GArray *tree)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  gboolean grew = TRUE;

  for (guint i = 0; i < tree->len; i++)
    g_hash_table_add (seen, GINT_TO_POINTER (g_array_index (tree, GPid, i)));
  while (grew)
    {
      g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
      const char *name;

      grew = FALSE;
      while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
        {
          GPid pid = (GPid) g_ascii_strtoll (name, NULL, 10);

          if (pid <= 0 || g_hash_table_contains (seen, GINT_TO_POINTER (pid))
              || !g_hash_table_contains (seen, GINT_TO_POINTER (_kari_proc_parent_of (pid))))
            continue;
          g_hash_table_add (seen, GINT_TO_POINTER (pid));
          g_array_append_val (tree, pid);
          grew = TRUE;
        }
    }
}

/* @root and every descendant of it now, @root first and parents before
 * their children. A process that forks while this reads may be missed
 * until the next call. */
GArray *
_kari_proc_tree_list (GPid root)
{
  GArray *tree = g_array_new (FALSE, FALSE, sizeof (GPid));

  g_array_append_val (tree, root);
  for (guint i = 0; i < tree->len; i++)
    if (!_kari_proc_children (g_array_index (tree, GPid, i), tree))
      {
        g_array_set_size (tree, 1);
        list_by_walking (tree);
        break;
      }
  return tree;
}


/* "RssAnon:\t  1234 kB" in /proc/PID/status, in bytes. */
static guint64
status_bytes (const char *status,
              const char *key)
{
  const char *line = strstr (status, key);

  if (line == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen (key), NULL, 10) * 1024;
}

/* The memory @pid itself made and the kernel cannot drop: its resident
 * anonymous and shared-memory pages, each shared page divided among the
 * processes that share it (Pss_Anon and Pss_Shmem of smaps_rollup). A
 * fork's copy-on-write pages then count once over the tree, as a memory
 * cgroup charges them, and not once per fork (a fork bomb of a 1 MiB
 * process is not 256 MiB). File pages (the binary, the libraries, files
 * it maps) are left out: they are shared with every other process that
 * maps the same files, and the kernel reclaims them under pressure
 * rather than killing for them, as a memory cgroup at its limit does.
 * Summing smaps_rollup walks the page tables, so @exact asks for it;
 * otherwise, and on kernels without the two fields, it is the resident
 * pages of /proc/PID/status, undivided: never less than the exact
 * figure, and the same for a process that shares none. */
static gboolean
read_memory (GPid      pid,
             gboolean  exact,
             guint64  *bytes)
{
  char text[4096];

  if (exact && read_proc_buf (pid, "smaps_rollup", text, sizeof text)
      && strstr (text, "\nPss_Anon:") != NULL)
    {
      *bytes = status_bytes (text, "\nPss_Anon:") + status_bytes (text, "\nPss_Shmem:");
      return TRUE;
    }
  if (!read_proc_buf (pid, "status", text, sizeof text))
    return FALSE;
  *bytes = status_bytes (text, "\nRssAnon:") + status_bytes (text, "\nRssShmem:");
  return TRUE;
}

/* What @pid uses now (read_memory(), exact); its threads and CPU time
 * too when @with_cpu. Returns FALSE once @pid is gone. */
gboolean
_kari_proc_read_usage (GPid           pid,
                       gboolean       with_cpu,
                       KariProcUsage *usage)
{
  char status[4096];
  char stat[1024];
  g_auto(GStrv) fields = NULL;
  const char *after;
  long ticks;
  guint64 sum = 0;

  memset (usage, 0, sizeof *usage);
  if (!read_memory (pid, TRUE, &usage->memory_bytes))
    return FALSE;
  if (!with_cpu)
    return TRUE;
  if (!read_proc_buf (pid, "status", status, sizeof status))
    return FALSE;
  usage->n_threads = (guint) (status_bytes (status, "\nThreads:") / 1024);
  ticks = sysconf (_SC_CLK_TCK);
  if (!read_proc_buf (pid, "stat", stat, sizeof stat) || (after = stat_after_comm (stat)) == NULL
      || ticks <= 0)
    return FALSE;
  /* utime, stime, cutime and cstime are fields 14 to 17: 11 to 14 after
   * the state. Reaped children count, so the CPU of a process that ended
   * inside the tree stays in its parent's figure. */
  fields = g_strsplit (after, " ", 16);
  if (g_strv_length (fields) < 15)
    return FALSE;
  for (guint i = 11; i <= 14; i++)
    sum += g_ascii_strtoull (fields[i], NULL, 10);
  usage->cpu_usec = sum * G_USEC_PER_SEC / (guint64) ticks;
  return TRUE;
}

/* Adds up what @root and its descendants use now into @total (CPU time
 * when @with_cpu); returns how many processes it read, 0 once @root is
 * gone. */
guint
_kari_proc_tree_usage (GPid           root,
                       gboolean       with_cpu,
                       KariProcUsage *total)
{
  g_autoptr(GArray) tree = _kari_proc_tree_list (root);
  guint n = 0;

  memset (total, 0, sizeof *total);
  for (guint i = 0; i < tree->len; i++)
    {
      KariProcUsage one = { 0, };

      if (!_kari_proc_read_usage (g_array_index (tree, GPid, i), with_cpu, &one))
        {
          /* The root gone: nothing of the tree is ours to count. */
          if (i == 0)
            return 0;
          continue;
        }
      total->memory_bytes += one.memory_bytes;
      total->cpu_usec += one.cpu_usec;
      total->n_threads += one.n_threads;
      n++;
    }
  return n;
}

/* The memory of @root and its descendants now (see read_memory()), in
 * @bytes; the undivided upper bound unless @exact. Returns how many
 * processes it read, 0 once @root is gone. */
guint
_kari_proc_tree_memory (GPid      root,
                        gboolean  exact,
                        guint64  *bytes)
{
  g_autoptr(GArray) tree = _kari_proc_tree_list (root);
  guint n = 0;

  *bytes = 0;
  for (guint i = 0; i < tree->len; i++)
    {
      guint64 one = 0;

      if (!read_memory (g_array_index (tree, GPid, i), exact, &one))
        {
          if (i == 0)
            return 0;
          continue;
        }
      *bytes += one;
      n++;
    }
  return n;
}

/* Sends SIGKILL to @root and every descendant of it, the leaves first so
 * that none is reparented out of reach while this runs; returns how many
 * it signalled. */
guint
_kari_proc_tree_kill (GPid root)
{
  g_autoptr(GArray) tree = _kari_proc_tree_list (root);
  guint n = 0;

  for (guint i = tree->len; i > 0; i--)
    if (kill (g_array_index (tree, GPid, i - 1), SIGKILL) == 0)
      n++;
  return n;
}
