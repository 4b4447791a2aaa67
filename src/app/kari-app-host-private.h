/* kari-app-host-private.h — what kari-app-host.c shares with the files
 * that extend the host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-app-host.h"

G_BEGIN_DECLS

gboolean  _kari_app_host_drop_supervisor (KariAppHost       *self,
                                          KariAppExtension  *extension,
                                          GError           **error);
void      _kari_app_host_use_tenant      (KariAppHost       *self,
                                          const char        *tenant);

G_END_DECLS
