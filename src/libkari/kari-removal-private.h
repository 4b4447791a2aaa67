/* kari-removal-private.h — the files side of kari-removal.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*KariRemovalEach) (const char  *tenant_dir,
                                     gpointer     data,
                                     GError     **error);

char     *_kari_removal_dir                  (const char       *what);
gboolean  _kari_removal_remove_tree          (const char       *path,
                                              GError          **error);
gboolean  _kari_removal_for_each_tenant_dir  (const char       *root,
                                              KariRemovalEach   each,
                                              gpointer          data,
                                              GError          **error);
gboolean  _kari_removal_in_any_tenant        (const char       *what,
                                              const char       *name,
                                              const char       *suffix);

G_END_DECLS
