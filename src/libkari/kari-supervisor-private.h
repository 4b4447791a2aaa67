/* kari-supervisor-private.h — the supervisor's log, for kari-supervisor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

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

G_END_DECLS
