/* kari-removal.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-registry.h"

G_BEGIN_DECLS

/**
 * KariRemovalFlags:
 * @KARI_REMOVAL_NONE: remove everything
 * @KARI_REMOVAL_KEEP_DATA: keep the extension's data: its stores
 *   (`$XDG_DATA_HOME/kari/stores/<tenant>/<name>.sqlite`) and its /data
 *   folders (`$XDG_DATA_HOME/kari/data/<tenant>/<name>`); config,
 *   secrets, grants, logs and the rest still go
 * @KARI_REMOVAL_NOT_RUNNING: the caller has made sure the extension is
 *   not running (it asked the host, or no host runs), so a running state
 *   left in the registry by a host that died is stale
 *
 * How kari_removal_remove_extension() goes about it.
 */
typedef enum
{
  KARI_REMOVAL_NONE        = 0,
  KARI_REMOVAL_KEEP_DATA   = 1 << 0,
  KARI_REMOVAL_NOT_RUNNING = 1 << 1,
} KariRemovalFlags;

char     *kari_removal_extensions_dir     (void);

gboolean  kari_removal_check              (KariRegistry      *registry,
                                           const char        *name,
                                           KariRemovalFlags   flags,
                                           GError           **error);
gboolean  kari_removal_remove_extension   (KariRegistry      *registry,
                                           const char        *name,
                                           KariRemovalFlags   flags,
                                           const char        *actor,
                                           GError           **error);
gboolean  kari_removal_delete_tenant      (KariRegistry      *registry,
                                           const char        *tenant,
                                           const char        *actor,
                                           GError           **error);
gboolean  kari_removal_resume             (KariRegistry      *registry,
                                           guint             *n_finished,
                                           GError           **error);

G_END_DECLS
