/* kari-store-private.h — what the files of KariStore share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "kari-store.h"

G_BEGIN_DECLS

/* Our own tables, views and triggers start with this; the extension's
 * SQL never reaches them except through the views we made. */
#define KARI_STORE_PREFIX "_kari_"

#define KARI_STORE_DEFAULT_MAX_MSEC  2000
#define KARI_STORE_DEFAULT_MAX_ROWS  10000
#define KARI_STORE_DEFAULT_MAX_BYTES (4 * 1024 * 1024)

struct _KariStore
{
  GObject     parent_instance;

  GMutex      lock;            /* one call at a time: the fields below */
  sqlite3    *db;
  char       *path;
  char       *recovered_path;
  guint64     quota_bytes;     /* 0: none */

  gboolean    trusted;         /* our own SQL is running: the authorizer allows */
  const char *user;            /* the caller of the running statement, or NULL */
  GHashTable *our_views;       /* names of views and triggers we made (per-user tables) */
  GHashTable *cached;          /* our hot statements by their (static) SQL text */
  char       *denied;          /* why the authorizer refused, for the error */
  const char *statement;       /* the extension's SQL being prepared, or NULL */

  guint       writes;          /* documents written since open */
  gint64      deadline_usec;   /* monotonic; 0: no deadline */
  guint       max_msec;
  guint       max_rows;
  gsize       max_bytes;
};

/* kari-store.c */
#define KARI_STORE_APPLICATION_ID 0x4b415249   /* "KARI" */
extern const char _kari_store_schema_sql[];
sqlite3  *_kari_store_open_db          (const char   *path,
                                        int           flags,
                                        GError      **error);
gboolean  _kari_store_check_header     (const char   *path,
                                        GError      **error);
gboolean  _kari_store_check_file       (sqlite3      *db,
                                        const char   *path,
                                        GError      **error);
void      _kari_store_set_sqlite_error (KariStore    *self,
                                        GError      **error,
                                        int           rc,
                                        const char   *doing);
gboolean  _kari_store_exec             (KariStore    *self,
                                        const char   *sql,
                                        const char   *doing,
                                        GError      **error);
gboolean  _kari_store_begin            (KariStore    *self,
                                        GError      **error);
gboolean  _kari_store_commit           (KariStore    *self,
                                        GError      **error);
void      _kari_store_rollback         (KariStore    *self);
void      _kari_store_note_writes      (KariStore    *self,
                                        guint         n);
sqlite3_stmt *_kari_store_prepare      (KariStore    *self,
                                        const char   *sql,
                                        GError      **error);
sqlite3_stmt *_kari_store_cached       (KariStore    *self,
                                        const char   *static_sql,
                                        GError      **error);
void      _kari_store_release          (sqlite3_stmt *stmt);
void      _kari_store_apply_quota      (KariStore    *self);

/* kari-store-guard.c */
void      _kari_store_guard_install    (KariStore    *self);
void      _kari_store_deadline_start   (KariStore    *self);
void      _kari_store_deadline_stop    (KariStore    *self);
gboolean  _kari_store_load_views       (KariStore    *self,
                                        GError      **error);

/* kari-store-sql.c */
gboolean  _kari_store_bind_json        (KariStore    *self,
                                        sqlite3_stmt *stmt,
                                        int           index,
                                        JsonNode     *value,
                                        GError      **error);
gboolean  _kari_store_run_script       (KariStore    *self,
                                        const char   *script,
                                        const char   *file,
                                        GError      **error);
void      _kari_store_set_statement_error (KariStore  *self,
                                        GError      **error,
                                        int           rc,
                                        const char   *sql,
                                        const char   *file,
                                        gsize         base);

/* kari-store-docs.c */
gboolean  _kari_store_check_collection (const char   *name,
                                        GError      **error);
gboolean  _kari_store_check_field      (const char   *field,
                                        GError      **error);

/* kari-store-user.c */
gboolean  _kari_store_rebuild_user_views (KariStore  *self,
                                        const char   *table,
                                        GError      **error);
gboolean  _kari_store_make_user_views  (KariStore    *self,
                                        const char   *table,
                                        GError      **error);

G_END_DECLS
