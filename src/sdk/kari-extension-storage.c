/* kari-extension-storage.c — the SDK's calls of io.github.kari.Storage1,
 * the extension's own store on the host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each call hands back the host's reply; the finish functions unpack it.
 * Failures are KARI_EXTENSION_ERROR codes (…_NOT_FOUND, …_CONFLICT,
 * …_REFUSED, …_QUOTA_EXCEEDED, …_SQL_FAILED, …) or
 * G_DBUS_ERROR_INVALID_ARGS for a name, id or query the host refused.
 */

#include "kari-extension.h"
#include "kari-extension-private.h"

#define STORAGE_INTERFACE "io.github.kari.Storage1"
/* Longer than the host's 2 s cap on a statement, and its queue. */
#define STORAGE_TIMEOUT_MS 30000

static void
call_storage (KariExtension       *self,
              const char          *method,
              GVariant            *parameters,
              const char          *reply_type,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, call_storage);
  _kari_extension_call (self, task, STORAGE_INTERFACE, method, parameters, G_VARIANT_TYPE (reply_type),
                        STORAGE_TIMEOUT_MS);
}

static GVariant *
finish_reply (KariExtension  *self,
              GAsyncResult   *result,
              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kari_extension_storage_sql_async:
 * @self: an extension
 * @sql: one SQL statement with `?` for parameters
 * @params_json: (nullable): a JSON array of the parameters' values
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Runs one statement on the extension's own tables; needs `data:read`,
 * and `data:write` when it writes.
 */
void
kari_extension_storage_sql_async (KariExtension       *self,
                                  const char          *sql,
                                  const char          *params_json,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (sql != NULL);

  call_storage (self, "Sql", g_variant_new ("(ss)", sql, params_json != NULL ? params_json : "[]"), "(s)",
                cancellable, callback, user_data);
}

/**
 * kari_extension_storage_sql_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): `{"columns", "rows", "changes"}`
 *   as JSON, or %NULL with @error set
 */
char *
kari_extension_storage_sql_finish (KariExtension  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_autoptr(GVariant) reply = finish_reply (self, result, error);
  char *text = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(s)", &text);
  return text;
}

/**
 * kari_extension_storage_put_async:
 * @self: an extension
 * @collection: the collection
 * @id: the document's id
 * @document: the document, a JSON object
 * @expected_version: the version last read, 0 for a new document, -1
 *   for any
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Stores a document; needs `data:write`.
 */
void
kari_extension_storage_put_async (KariExtension       *self,
                                  const char          *collection,
                                  const char          *id,
                                  const char          *document,
                                  gint64               expected_version,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (collection != NULL && id != NULL && document != NULL);

  call_storage (self, "Put", g_variant_new ("(sssx)", collection, id, document, expected_version), "(x)",
                cancellable, callback, user_data);
}

/**
 * kari_extension_storage_put_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: the document's new version, or 0 with @error set
 *   (%KARI_EXTENSION_ERROR_CONFLICT when another writer came first)
 */
gint64
kari_extension_storage_put_finish (KariExtension  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_autoptr(GVariant) reply = finish_reply (self, result, error);
  gint64 version = 0;

  if (reply != NULL)
    g_variant_get (reply, "(x)", &version);
  return version;
}

/**
 * kari_extension_storage_get_async:
 * @self: an extension
 * @collection: the collection
 * @id: the document's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Reads a document; needs `data:read`.
 */
void
kari_extension_storage_get_async (KariExtension       *self,
                                  const char          *collection,
                                  const char          *id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (collection != NULL && id != NULL);

  call_storage (self, "Get", g_variant_new ("(ss)", collection, id), "(sx)", cancellable, callback, user_data);
}

/**
 * kari_extension_storage_get_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @version: (out) (optional): the document's version
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the document as JSON, or %NULL
 *   with @error set (%KARI_EXTENSION_ERROR_NOT_FOUND, …)
 */
char *
kari_extension_storage_get_finish (KariExtension  *self,
                                   GAsyncResult   *result,
                                   gint64         *version,
                                   GError        **error)
{
  g_autoptr(GVariant) reply = finish_reply (self, result, error);
  char *text = NULL;
  gint64 v = 0;

  if (reply != NULL)
    g_variant_get (reply, "(sx)", &text, &v);
  if (version != NULL)
    *version = v;
  return text;
}

/**
 * kari_extension_storage_delete_async:
 * @self: an extension
 * @collection: the collection
 * @id: the document's id
 * @expected_version: the version last read, or -1
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Deletes a document; needs `data:write`.
 */
void
kari_extension_storage_delete_async (KariExtension       *self,
                                     const char          *collection,
                                     const char          *id,
                                     gint64               expected_version,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (collection != NULL && id != NULL);

  call_storage (self, "Delete", g_variant_new ("(ssx)", collection, id, expected_version), "()",
                cancellable, callback, user_data);
}

/**
 * kari_extension_storage_query_async:
 * @self: an extension
 * @collection: the collection
 * @query: (nullable): the query as JSON (`where`, `order_by`, `limit`,
 *   `offset`)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Finds documents; needs `data:read`. Finish with
 * kari_extension_storage_sql_finish(), which returns
 * `{"documents", "next_offset"}` as JSON.
 */
void
kari_extension_storage_query_async (KariExtension       *self,
                                    const char          *collection,
                                    const char          *query,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (collection != NULL);

  call_storage (self, "Query", g_variant_new ("(ss)", collection, query != NULL ? query : ""), "(s)",
                cancellable, callback, user_data);
}

/**
 * kari_extension_storage_create_index_async:
 * @self: an extension
 * @collection: the collection
 * @field: a field path such as `status` or `address.city`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Indexes a field for queries; needs `data:write`.
 */
void
kari_extension_storage_create_index_async (KariExtension       *self,
                                           const char          *collection,
                                           const char          *field,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (collection != NULL && field != NULL);

  call_storage (self, "CreateIndex", g_variant_new ("(ss)", collection, field), "()",
                cancellable, callback, user_data);
}

/**
 * kari_extension_storage_declare_per_user_async:
 * @self: an extension
 * @kind: "collection" or "table"
 * @name: its name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Makes the documents of a collection, or the rows of an (empty) SQL
 * table, belong to the user who writes them; needs `data:write`.
 */
void
kari_extension_storage_declare_per_user_async (KariExtension       *self,
                                               const char          *kind,
                                               const char          *name,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (kind != NULL && name != NULL);

  call_storage (self, "DeclarePerUser", g_variant_new ("(ss)", kind, name), "()",
                cancellable, callback, user_data);
}

/**
 * kari_extension_storage_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes the storage calls that answer nothing (delete, create index,
 * declare per-user).
 *
 * Returns: %TRUE when the host did it
 */
gboolean
kari_extension_storage_finish (KariExtension  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_autoptr(GVariant) reply = finish_reply (self, result, error);

  return reply != NULL;
}
