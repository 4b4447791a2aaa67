/* kari-limits-probe.h — drives limits-probe for test-limits and bench-limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kari.h"

G_BEGIN_DECLS

typedef struct
{
  GSubprocess      *proc;
  GDataInputStream *out;
} KariLimitsProbe;

static inline void
kari_limits_probe_free (KariLimitsProbe *probe)
{
  g_clear_object (&probe->out);
  g_clear_object (&probe->proc);
  g_free (probe);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariLimitsProbe, kari_limits_probe_free)

/* Starts limits-probe @mode @arg paused, attaches it to @limits, then lets
 * it run: the same order as a sandbox started with --block-fd. */
static inline KariLimitsProbe *
kari_limits_probe_start (KariLimits  *limits,
                         const char  *mode,
                         const char  *arg,
                         GError     **error)
{
  const char *dir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *path = dir ? g_build_filename (dir, "limits-probe", NULL)
                              : g_test_build_filename (G_TEST_BUILT, "limits-probe", NULL);
  g_autoptr(KariLimitsProbe) probe = g_new0 (KariLimitsProbe, 1);
  GPid pid;

  probe->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                  error, path, mode, arg, NULL);
  if (probe->proc == NULL)
    return NULL;
  probe->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (probe->proc));
  /* The probe waits on stdin, so it is alive and its identifier set. */
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (probe->proc), NULL, 10);
  if (!kari_limits_attach (limits, pid, error))
    {
      g_subprocess_force_exit (probe->proc);
      g_subprocess_wait (probe->proc, NULL, NULL);
      return NULL;
    }
  if (!g_output_stream_write_all (g_subprocess_get_stdin_pipe (probe->proc), "x", 1,
                                  NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&probe);
}

/* The next line the probe printed, or NULL at its end. */
static inline char *
kari_limits_probe_read_line (KariLimitsProbe *probe)
{
  return g_data_input_stream_read_line (probe->out, NULL, NULL, NULL);
}

/* Closes the probe's stdin and waits for it to end. */
static inline void
kari_limits_probe_finish (KariLimitsProbe *probe)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (probe->proc), NULL, NULL);
  g_subprocess_wait (probe->proc, NULL, NULL);
}

G_END_DECLS
