/* kari-catalog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-discovery.h"
#include "kari-registry.h"
#include "kari-resolver.h"

G_BEGIN_DECLS

gboolean kari_catalog_sync (KariRegistry    *registry,
                            KariDiscovery   *discovery,
                            KariResolution  *resolution,
                            GError         **error);

G_END_DECLS
