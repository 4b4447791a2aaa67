/* kari-extension.h — the C SDK for Kari extensions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * KARI_EXTENSION_ADDRESS_VARIABLE:
 *
 * The environment variable the host puts its private address in.
 */
#define KARI_EXTENSION_ADDRESS_VARIABLE "KARI_HOST_ADDRESS"

#define KARI_EXTENSION_ERROR (kari_extension_error_quark ())

/**
 * KariExtensionError:
 * @KARI_EXTENSION_ERROR_PERMISSION_DENIED: the extension lacks the
 *   permission the message names (`io.github.kari.Error.PermissionDenied`)
 * @KARI_EXTENSION_ERROR_LIMIT_EXCEEDED: too many calls, or too large
 *   (`io.github.kari.Error.LimitExceeded`)
 * @KARI_EXTENSION_ERROR_NOT_READY: a call came before the handshake
 *   (`io.github.kari.Error.NotReady`)
 * @KARI_EXTENSION_ERROR_FAILED: a request handler failed
 *   (`io.github.kari.Error.Failed`)
 * @KARI_EXTENSION_ERROR_NO_ADDRESS: `KARI_HOST_ADDRESS` is not set
 * @KARI_EXTENSION_ERROR_NOT_RUNNING: the extension called is not running
 *   or lacks the endpoint (`io.github.kari.Error.NotRunning`)
 * @KARI_EXTENSION_ERROR_TIMED_OUT: the extension called did not answer
 *   in time (`io.github.kari.Error.TimedOut`)
 * @KARI_EXTENSION_ERROR_NOT_FOUND: no such document
 *   (`io.github.kari.Error.NotFound`)
 * @KARI_EXTENSION_ERROR_CONFLICT: the stored version is not the one
 *   expected (`io.github.kari.Error.Conflict`)
 * @KARI_EXTENSION_ERROR_REFUSED: the statement reaches outside the
 *   extension's store (`io.github.kari.Error.Refused`)
 * @KARI_EXTENSION_ERROR_QUOTA_EXCEEDED: the store is full
 *   (`io.github.kari.Error.QuotaExceeded`)
 * @KARI_EXTENSION_ERROR_SQL_FAILED: SQLite refused the statement
 *   (`io.github.kari.Error.SqlFailed`)
 * @KARI_EXTENSION_ERROR_MIGRATION_FAILED: a migration the extension
 *   ships failed (`io.github.kari.Error.MigrationFailed`)
 *
 * Errors from the host, mapped from their D-Bus names.
 */
typedef enum
{
  KARI_EXTENSION_ERROR_PERMISSION_DENIED,
  KARI_EXTENSION_ERROR_LIMIT_EXCEEDED,
  KARI_EXTENSION_ERROR_NOT_READY,
  KARI_EXTENSION_ERROR_FAILED,
  KARI_EXTENSION_ERROR_NO_ADDRESS,
  KARI_EXTENSION_ERROR_NOT_RUNNING,
  KARI_EXTENSION_ERROR_TIMED_OUT,
  KARI_EXTENSION_ERROR_NOT_FOUND,
  KARI_EXTENSION_ERROR_CONFLICT,
  KARI_EXTENSION_ERROR_REFUSED,
  KARI_EXTENSION_ERROR_QUOTA_EXCEEDED,
  KARI_EXTENSION_ERROR_SQL_FAILED,
  KARI_EXTENSION_ERROR_MIGRATION_FAILED,
} KariExtensionError;

#define KARI_TYPE_EXTENSION (kari_extension_get_type ())
G_DECLARE_FINAL_TYPE (KariExtension, kari_extension, KARI, EXTENSION, GObject)

/**
 * KariRequestHandler:
 * @extension: the extension
 * @endpoint: the endpoint the request is for
 * @request: the request, JSON
 * @user_data: the data given with the handler
 * @error: return location for a #GError
 *
 * Answers a request to one of the extension's endpoints.
 *
 * Returns: (transfer full) (nullable): the response as JSON, or %NULL
 *   with @error set
 */
typedef char *(*KariRequestHandler) (KariExtension  *extension,
                                     const char     *endpoint,
                                     const char     *request,
                                     gpointer        user_data,
                                     GError        **error);

/**
 * KariPageRenderFunc:
 * @extension: the extension
 * @page: the page's path, as in the manifest's ui.pages
 * @context: a JSON object: "tenant" and "locale"
 * @user_data: the data given with the page
 * @error: return location for a #GError
 *
 * Renders a page: the host calls it when the page is opened and after the
 * extension restarted.
 *
 * Returns: (transfer full) (nullable): the page tree as JSON, or %NULL
 *   with @error set
 */
typedef char *(*KariPageRenderFunc) (KariExtension  *extension,
                                     const char     *page,
                                     const char     *context,
                                     gpointer        user_data,
                                     GError        **error);

/**
 * KariPageEventFunc:
 * @extension: the extension
 * @page: the page the event happened on
 * @node_id: the id of the node acted on
 * @kind: "click", "change", "submit" or "activate"
 * @value: the event's value as JSON ("null" for a click)
 * @user_data: the data given with the page
 * @error: return location for a #GError
 *
 * Answers a person's action on a page.
 *
 * Returns: (transfer full) (nullable): the page's new tree as JSON, or
 *   %NULL when nothing changes (or with @error set when it failed)
 */
typedef char *(*KariPageEventFunc)  (KariExtension  *extension,
                                     const char     *page,
                                     const char     *node_id,
                                     const char     *kind,
                                     const char     *value,
                                     gpointer        user_data,
                                     GError        **error);

GQuark           kari_extension_error_quark   (void);

KariExtension   *kari_extension_new           (void);
void             kari_extension_add_endpoint  (KariExtension        *self,
                                               const char           *endpoint,
                                               KariRequestHandler    handler,
                                               gpointer              user_data,
                                               GDestroyNotify        destroy);
void             kari_extension_add_page      (KariExtension        *self,
                                               const char           *page,
                                               KariPageRenderFunc    render_func,
                                               KariPageEventFunc     event_func,
                                               gpointer              user_data,
                                               GDestroyNotify        destroy);
void             kari_extension_add_task      (KariExtension        *self,
                                               const char           *task);

void             kari_extension_connect_async (KariExtension        *self,
                                               const char           *address,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean         kari_extension_connect_finish (KariExtension       *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void             kari_extension_close         (KariExtension        *self);

GDBusConnection *kari_extension_get_connection (KariExtension       *self);
GVariant        *kari_extension_get_host_info (KariExtension        *self);
const char      *kari_extension_get_name      (KariExtension        *self);

void             kari_extension_log_async     (KariExtension        *self,
                                               const char           *level,
                                               const char           *message,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean         kari_extension_log_finish    (KariExtension        *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void             kari_extension_check_permission_async (KariExtension *self,
                                               const char           *permission,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean         kari_extension_check_permission_finish (KariExtension *self,
                                               GAsyncResult         *result,
                                               gboolean             *allowed,
                                               char                **decided_by,
                                               GError              **error);
void             kari_extension_notify_async  (KariExtension        *self,
                                               const char           *title,
                                               const char           *body,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean         kari_extension_notify_finish (KariExtension        *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void             kari_extension_http_request_async (KariExtension  *self,
                                               const char           *method,
                                               const char           *url,
                                               GHashTable           *headers,
                                               GBytes               *body,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GBytes          *kari_extension_http_request_finish (KariExtension *self,
                                               GAsyncResult         *result,
                                               guint                *status,
                                               GHashTable          **headers,
                                               GError              **error);

void             kari_extension_open_file_async (KariExtension      *self,
                                               const char           *path,
                                               const char           *mode,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
int              kari_extension_open_file_finish (KariExtension     *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void             kari_extension_call_extension_async (KariExtension *self,
                                               const char           *extension,
                                               const char           *endpoint,
                                               const char           *request,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char            *kari_extension_call_extension_finish (KariExtension *self,
                                               GAsyncResult         *result,
                                               GError              **error);

void             kari_extension_storage_sql_async (KariExtension    *self,
                                               const char           *sql,
                                               const char           *params_json,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char            *kari_extension_storage_sql_finish (KariExtension   *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void             kari_extension_storage_put_async (KariExtension    *self,
                                               const char           *collection,
                                               const char           *id,
                                               const char           *document,
                                               gint64                expected_version,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gint64           kari_extension_storage_put_finish (KariExtension   *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void             kari_extension_storage_get_async (KariExtension    *self,
                                               const char           *collection,
                                               const char           *id,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char            *kari_extension_storage_get_finish (KariExtension   *self,
                                               GAsyncResult         *result,
                                               gint64               *version,
                                               GError              **error);
void             kari_extension_storage_delete_async (KariExtension *self,
                                               const char           *collection,
                                               const char           *id,
                                               gint64                expected_version,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
void             kari_extension_storage_query_async (KariExtension  *self,
                                               const char           *collection,
                                               const char           *query,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
void             kari_extension_storage_create_index_async (KariExtension *self,
                                               const char           *collection,
                                               const char           *field,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
void             kari_extension_storage_declare_per_user_async (KariExtension *self,
                                               const char           *kind,
                                               const char           *name,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean         kari_extension_storage_finish (KariExtension       *self,
                                               GAsyncResult         *result,
                                               GError              **error);
/* kari-extension-config.c: io.github.kari.Config1 */
void             kari_extension_get_config_async (KariExtension     *self,
                                                  gboolean           with_secrets,
                                                  GCancellable      *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer           user_data);
char            *kari_extension_get_config_finish (KariExtension    *self,
                                                  GAsyncResult      *result,
                                                  GError           **error);
void             kari_extension_set_config_async (KariExtension     *self,
                                                  const char        *key,
                                                  const char        *value_json,
                                                  GCancellable      *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer           user_data);
gboolean         kari_extension_set_config_finish (KariExtension    *self,
                                                  GAsyncResult      *result,
                                                  GError           **error);
void             kari_extension_push_page_async (KariExtension      *self,
                                               const char           *page,
                                               const char           *tree,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean         kari_extension_push_page_finish (KariExtension     *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
