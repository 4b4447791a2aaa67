/* kari-permission.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-permission.h"

/* STUB: to be written. */
G_DEFINE_QUARK (kari-permission-error-quark, kari_permission_error)
gboolean kari_permission_check_syntax (const char *permission, GError **error) { return TRUE; }
char **kari_permission_expand_grouped (const char *group, const char *value, GError **error) { return g_new0 (char *, 1); }
