/* kari-secret-private.h — config secrets in the user's keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The libsecret schema name of every item Kari stores; its attributes
 * are `extension`, `tenant` and `key` (the setting's JSON Pointer). */
#define KARI_SECRET_SCHEMA_NAME "io.github.kari.ControlRoom.Secret"

gboolean  _kari_secret_store   (const char  *extension,
                                const char  *tenant,
                                const char  *key,
                                const char  *value,
                                GError     **error);
char     *_kari_secret_lookup  (const char  *extension,
                                const char  *tenant,
                                const char  *key,
                                GError     **error);
gboolean  _kari_secret_clear   (const char  *extension,
                                const char  *tenant,
                                const char  *key,
                                GError     **error);

G_END_DECLS
