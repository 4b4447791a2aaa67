/* kari-registry-private.h — the database underneath KariRegistry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "kari-registry.h"

G_BEGIN_DECLS

/* The statements a registry prepares once and keeps (kari-registry.c) */
typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_LOOKUP,
  STMT_LIST,
  STMT_LIST_VERSIONS,
  STMT_GET_CURRENT,
  STMT_GET_VERSION,
  STMT_INSERT_EXTENSION,
  STMT_UPDATE_EXTENSION,
  STMT_UPSERT_VERSION,
  STMT_SET_STATE,
  STMT_INSERT_HISTORY,
  STMT_HISTORY,
  STMT_DELETE_EXTENSION,
  STMT_RECENT_HISTORY,
  N_STMTS
} StmtId;

struct _KariRegistry
{
  GObject       parent_instance;

  GMutex        lock;
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];
  char         *path;
  char         *recovered_path;   /* where a corrupt database went, or NULL */
  int           schema_version;
  struct _KariMetricsQueue *metrics_queue;  /* kari-metrics-queue.c */
};

sqlite3_stmt *_kari_registry_get_stmt           (KariRegistry   *self,
                                                 StmtId          id,
                                                 GError        **error);
void          _kari_registry_done_stmt          (sqlite3_stmt   *stmt);
gboolean      _kari_registry_step_done          (KariRegistry   *self,
                                                 sqlite3_stmt   *stmt,
                                                 const char     *doing,
                                                 GError        **error);
gboolean      _kari_registry_begin              (KariRegistry   *self,
                                                 const char     *doing,
                                                 GError        **error);
gboolean      _kari_registry_commit             (KariRegistry   *self,
                                                 const char     *doing,
                                                 GError        **error);
void          _kari_registry_rollback           (KariRegistry   *self);
gboolean      _kari_registry_state_from_column  (sqlite3_stmt   *stmt,
                                                 int             column,
                                                 KariState      *state,
                                                 GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, _kari_registry_done_stmt)

static inline void
_kari_registry_bind_text (sqlite3_stmt *stmt,
                          int           index,
                          const char   *text)
{
  /* SQLITE_STATIC: every caller steps and resets the statement while
   * the text is alive */
  sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

/* kari-registry-db.c */
int           _kari_registry_error_code_for     (int             rc);
void          _kari_registry_set_sqlite_error   (GError        **error,
                                                 sqlite3        *db,
                                                 int             rc,
                                                 const char     *doing);
gboolean      _kari_registry_exec               (sqlite3        *db,
                                                 const char     *sql,
                                                 const char     *doing,
                                                 GError        **error);
sqlite3      *_kari_registry_db_open            (const char     *path,
                                                 int            *schema_version,
                                                 GError        **error);
char         *_kari_registry_move_aside         (const char     *path,
                                                 GError        **error);

/* kari-registry-sql.c: statements of the parts of the registry that are
 * not on a hot path (tenants, config, removal), prepared per call and
 * finalized by g_autoptr(KariSqlStmt). The caller holds the lock. */
typedef sqlite3_stmt KariSqlStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariSqlStmt, sqlite3_finalize)

KariSqlStmt  *_kari_registry_prepare            (KariRegistry   *self,
                                                 const char     *sql,
                                                 GError        **error,
                                                 guint           n_texts,
                                                 ...);
gboolean      _kari_registry_run                (KariRegistry   *self,
                                                 const char     *sql,
                                                 const char     *doing,
                                                 GError        **error,
                                                 guint           n_texts,
                                                 ...);
gboolean      _kari_registry_table_exists       (KariRegistry   *self,
                                                 const char     *table,
                                                 gboolean       *exists,
                                                 GError        **error);
GPtrArray    *_kari_registry_tables_with_column (KariRegistry   *self,
                                                 const char     *column,
                                                 GError        **error);
gboolean      _kari_registry_tenant_exists      (KariRegistry   *self,
                                                 const char     *id,
                                                 GError        **error);

G_END_DECLS
