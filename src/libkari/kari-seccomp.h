/* kari-seccomp.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int kari_seccomp_create_fd (GError **error);

G_END_DECLS
