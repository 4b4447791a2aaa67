/* kari-registry-private.h — the database underneath KariRegistry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "kari-registry.h"

G_BEGIN_DECLS

int       _kari_registry_error_code_for   (int          rc);
void      _kari_registry_set_sqlite_error (GError     **error,
                                           sqlite3     *db,
                                           int          rc,
                                           const char  *doing);
gboolean  _kari_registry_exec             (sqlite3     *db,
                                           const char  *sql,
                                           const char  *doing,
                                           GError     **error);
sqlite3  *_kari_registry_db_open          (const char  *path,
                                           int         *schema_version,
                                           GError     **error);
char     *_kari_registry_move_aside       (const char  *path,
                                           GError     **error);

G_END_DECLS
