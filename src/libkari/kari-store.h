/* kari-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KARI_STORE_ERROR (kari_store_error_quark ())

/**
 * KariStoreError:
 * @KARI_STORE_ERROR_INVALID: a name, id, path, parameter or query was
 *   refused before it reached SQLite
 * @KARI_STORE_ERROR_NOT_FOUND: no such document
 * @KARI_STORE_ERROR_CONFLICT: the stored version is not the expected one
 * @KARI_STORE_ERROR_DENIED: the statement reaches outside the store or
 *   into what only the host may touch
 * @KARI_STORE_ERROR_FULL: the store reached its quota; nothing was written
 * @KARI_STORE_ERROR_LIMIT: the statement ran too long or its result is
 *   too large
 * @KARI_STORE_ERROR_SQL: SQLite refused the statement
 * @KARI_STORE_ERROR_CORRUPT: the file is not a store, or is damaged
 * @KARI_STORE_ERROR_OPEN: the file cannot be opened or made
 * @KARI_STORE_ERROR_MIGRATION: a migration file failed; it was rolled back
 * @KARI_STORE_ERROR_BUSY: another process holds the store too long
 *
 * What went wrong in a #KariStore.
 */
typedef enum
{
  KARI_STORE_ERROR_INVALID,
  KARI_STORE_ERROR_NOT_FOUND,
  KARI_STORE_ERROR_CONFLICT,
  KARI_STORE_ERROR_DENIED,
  KARI_STORE_ERROR_FULL,
  KARI_STORE_ERROR_LIMIT,
  KARI_STORE_ERROR_SQL,
  KARI_STORE_ERROR_CORRUPT,
  KARI_STORE_ERROR_OPEN,
  KARI_STORE_ERROR_MIGRATION,
  KARI_STORE_ERROR_BUSY,
} KariStoreError;

/**
 * KARI_STORE_ANY_VERSION:
 *
 * The expected version that puts or deletes whatever is stored.
 */
#define KARI_STORE_ANY_VERSION (-1)

/**
 * KariStorePerUserKind:
 * @KARI_STORE_PER_USER_COLLECTION: a document collection
 * @KARI_STORE_PER_USER_TABLE: an SQL table the extension made
 *
 * What kari_store_declare_per_user() declares.
 */
typedef enum
{
  KARI_STORE_PER_USER_COLLECTION,
  KARI_STORE_PER_USER_TABLE,
} KariStorePerUserKind;

#define KARI_TYPE_STORE (kari_store_get_type ())
G_DECLARE_FINAL_TYPE (KariStore, kari_store, KARI, STORE, GObject)

GQuark      kari_store_error_quark       (void);

gboolean    kari_store_check_name        (const char   *what,
                                          const char   *name,
                                          GError      **error);
char       *kari_store_dup_path          (const char   *stores_dir,
                                          const char   *tenant,
                                          const char   *extension,
                                          GError      **error);

KariStore  *kari_store_open              (const char   *path,
                                          GError      **error);
const char *kari_store_get_path          (KariStore    *self);
const char *kari_store_get_recovered_path (KariStore   *self);
void        kari_store_set_quota         (KariStore    *self,
                                          guint64       max_bytes);
guint64     kari_store_get_size          (KariStore    *self);
void        kari_store_set_limits        (KariStore    *self,
                                          guint         max_msec,
                                          guint         max_rows,
                                          gsize         max_bytes);

char       *kari_store_sql               (KariStore    *self,
                                          const char   *user,
                                          const char   *sql,
                                          const char   *params_json,
                                          GError      **error);

gboolean    kari_store_sql_is_read_only  (KariStore    *self,
                                          const char   *sql);

gint64      kari_store_put               (KariStore    *self,
                                          const char   *user,
                                          const char   *collection,
                                          const char   *id,
                                          const char   *document_json,
                                          gint64        expected_version,
                                          GError      **error);
char       *kari_store_get               (KariStore    *self,
                                          const char   *user,
                                          const char   *collection,
                                          const char   *id,
                                          gint64       *version,
                                          GError      **error);
gboolean    kari_store_delete            (KariStore    *self,
                                          const char   *user,
                                          const char   *collection,
                                          const char   *id,
                                          gint64        expected_version,
                                          GError      **error);
char       *kari_store_query             (KariStore    *self,
                                          const char   *user,
                                          const char   *collection,
                                          const char   *query_json,
                                          GError      **error);
gboolean    kari_store_create_index      (KariStore    *self,
                                          const char   *collection,
                                          const char   *field,
                                          GError      **error);
gboolean    kari_store_declare_per_user  (KariStore            *self,
                                          KariStorePerUserKind  kind,
                                          const char           *name,
                                          GError              **error);

gboolean    kari_store_migrate           (KariStore    *self,
                                          const char   *folder,
                                          guint        *n_applied,
                                          GError      **error);
gboolean    kari_store_backup            (KariStore    *self,
                                          const char   *destination,
                                          GError      **error);
gboolean    kari_store_import            (const char   *path,
                                          const char   *source,
                                          GError      **error);
gboolean    kari_store_remove            (const char   *path,
                                          GError      **error);

G_END_DECLS
