/* kari-page-patch-private.h — building a patch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-page-tree-private.h"

G_BEGIN_DECLS

struct _KariPagePatch
{
  gatomicrefcount  ref_count;
  GPtrArray       *ops;   /* KariPageOp */
};

KariPagePatch *_kari_page_patch_new (void);
KariPageOp    *_kari_page_patch_add (KariPagePatch  *self,
                                     KariPageOpKind  kind,
                                     const char     *node_id);

G_END_DECLS
