/* store-ext.c — an extension that uses its store through the SDK, for
 * the Storage1 tests and benchmark. It links the SDK's sources in, so it
 * runs in a sandbox that only has /usr.
 *
 * Its endpoint "storage" takes {"op": ..., arguments} and makes the
 * Storage1 call with the SDK, answering {"ok": true, "result": ...,
 * "version": N} or {"ok": false, "error": D-BUS ERROR NAME, "message"}:
 *
 *   put     collection, id, document, expected
 *   get     collection, id
 *   delete  collection, id, expected
 *   query   collection, query
 *   sql     sql, params
 *   index   collection, field
 *   declare kind, name
 *   raw     method, signature-free string arguments "args" (a Storage1
 *           call made by hand: for methods and arguments the SDK would
 *           not send)
 *   bench-put / bench-get   n: that many puts or gets one after another,
 *           answering {"ok": true, "usec": elapsed}
 *   bench-check   n: that many Host1.CheckPermission("data:read") calls,
 *           the same admission and audited check without the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include <kari-extension.h>

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

/* The SDK's calls are asynchronous and the endpoint answers at once:
 * the reply is awaited by iterating the main context. */
static GAsyncResult *
await (Wait *wait)
{
  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
  return wait->result;
}

static const char *
member (JsonObject *request,
        const char *name)
{
  return json_object_get_string_member_with_default (request, name, "");
}

static char *
answer (GError     *error,
        const char *result,
        gint64      version)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, error == NULL);
  if (error != NULL)
    {
      g_autofree char *name = g_dbus_error_encode_gerror (error);

      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, error->message);
    }
  else
    {
      json_builder_set_member_name (builder, "result");
      json_builder_add_string_value (builder, result != NULL ? result : "");
      json_builder_set_member_name (builder, "version");
      json_builder_add_int_value (builder, version);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
bench (KariExtension *extension,
       JsonObject    *request,
       gboolean       put,
       gboolean       check)
{
  gint64 n = json_object_get_int_member_with_default (request, "n", 1000);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;

  for (gint64 i = 0; i < n && error == NULL; i++)
    {
      g_autofree char *id = g_strdup_printf ("doc%" G_GINT64_FORMAT, i);
      Wait wait = { FALSE, NULL };
      g_autoptr(GAsyncResult) result = NULL;

      if (check)
        {
          gboolean allowed = FALSE;

          kari_extension_check_permission_async (extension, "data:read", NULL, on_done, &wait);
          result = await (&wait);
          kari_extension_check_permission_finish (extension, result, &allowed, NULL, &error);
        }
      else if (put)
        {
          g_autofree char *doc = g_strdup_printf ("{\"n\": %" G_GINT64_FORMAT ", \"name\": \"item %"
                                                  G_GINT64_FORMAT "\", \"tags\": [\"a\", \"b\"]}", i, i);

          kari_extension_storage_put_async (extension, "bench", id, doc, -1, NULL, on_done, &wait);
          result = await (&wait);
          kari_extension_storage_put_finish (extension, result, &error);
        }
      else
        {
          g_autofree char *doc = NULL;

          kari_extension_storage_get_async (extension, "bench", id, NULL, on_done, &wait);
          result = await (&wait);
          doc = kari_extension_storage_get_finish (extension, result, NULL, &error);
        }
    }
  if (error != NULL)
    return answer (error, NULL, 0);
  return g_strdup_printf ("{\"ok\": true, \"usec\": %" G_GINT64_FORMAT "}", g_get_monotonic_time () - start);
}

/* A call made by hand, for what the SDK never sends. */
static char *
raw (KariExtension *extension,
     JsonObject    *request)
{
  JsonArray *args = json_object_get_array_member (request, "args");
  g_autoptr(GVariantBuilder) builder = g_variant_builder_new (G_VARIANT_TYPE_TUPLE);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; args != NULL && i < json_array_get_length (args); i++)
    {
      JsonNode *node = json_array_get_element (args, i);

      if (json_node_get_value_type (node) == G_TYPE_INT64)
        g_variant_builder_add (builder, "x", json_node_get_int (node));
      else
        g_variant_builder_add (builder, "s", json_node_get_string (node));
    }
  reply = g_dbus_connection_call_sync (kari_extension_get_connection (extension), NULL,
                                       json_object_get_string_member_with_default (request, "path",
                                                                                   "/io/github/kari/Host"),
                                       "io.github.kari.Storage1", member (request, "method"),
                                       g_variant_builder_end (builder), NULL, G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, &error);
  if (reply == NULL)
    {
      g_autofree char *name = g_dbus_error_get_remote_error (error);
      g_autofree char *text = NULL;

      g_dbus_error_strip_remote_error (error);
      text = g_strdup_printf ("{\"ok\": false, \"error\": \"%s\"}", name != NULL ? name : "local");
      return g_steal_pointer (&text);
    }
  return g_strdup ("{\"ok\": true}");
}

static char *
storage (KariExtension  *extension,
         const char     *endpoint,
         const char     *body,
         gpointer        user_data,
         GError        **error)
{
  g_autoptr(JsonNode) root = json_from_string (body, error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *text = NULL;
  Wait wait = { FALSE, NULL };
  JsonObject *request;
  const char *op;
  gint64 version = 0;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  request = json_node_get_object (root);
  op = member (request, "op");

  if (g_str_equal (op, "bench-put") || g_str_equal (op, "bench-get") || g_str_equal (op, "bench-check"))
    return bench (extension, request, g_str_equal (op, "bench-put"), g_str_equal (op, "bench-check"));
  if (g_str_equal (op, "raw"))
    return raw (extension, request);

  if (g_str_equal (op, "put"))
    {
      kari_extension_storage_put_async (extension, member (request, "collection"), member (request, "id"),
                                        member (request, "document"),
                                        json_object_get_int_member_with_default (request, "expected", -1),
                                        NULL, on_done, &wait);
      version = kari_extension_storage_put_finish (extension, result = await (&wait), &local);
    }
  else if (g_str_equal (op, "get"))
    {
      kari_extension_storage_get_async (extension, member (request, "collection"), member (request, "id"),
                                        NULL, on_done, &wait);
      text = kari_extension_storage_get_finish (extension, result = await (&wait), &version, &local);
    }
  else if (g_str_equal (op, "delete"))
    {
      kari_extension_storage_delete_async (extension, member (request, "collection"), member (request, "id"),
                                           json_object_get_int_member_with_default (request, "expected", -1),
                                           NULL, on_done, &wait);
      kari_extension_storage_finish (extension, result = await (&wait), &local);
    }
  else if (g_str_equal (op, "query"))
    {
      kari_extension_storage_query_async (extension, member (request, "collection"), member (request, "query"),
                                          NULL, on_done, &wait);
      text = kari_extension_storage_sql_finish (extension, result = await (&wait), &local);
    }
  else if (g_str_equal (op, "sql"))
    {
      kari_extension_storage_sql_async (extension, member (request, "sql"), member (request, "params"),
                                        NULL, on_done, &wait);
      text = kari_extension_storage_sql_finish (extension, result = await (&wait), &local);
    }
  else if (g_str_equal (op, "index"))
    {
      kari_extension_storage_create_index_async (extension, member (request, "collection"),
                                                 member (request, "field"), NULL, on_done, &wait);
      kari_extension_storage_finish (extension, result = await (&wait), &local);
    }
  else if (g_str_equal (op, "declare"))
    {
      kari_extension_storage_declare_per_user_async (extension, member (request, "kind"),
                                                     member (request, "name"), NULL, on_done, &wait);
      kari_extension_storage_finish (extension, result = await (&wait), &local);
    }
  else
    {
      g_set_error (error, KARI_EXTENSION_ERROR, KARI_EXTENSION_ERROR_FAILED, "unknown op %s", op);
      return NULL;
    }
  return answer (local, text, version);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kari_extension_connect_finish (KARI_EXTENSION (source), result, &error))
    {
      g_printerr ("store-ext: %s\n", error->message);
      g_main_loop_quit (user_data);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(KariExtension) extension = kari_extension_new ();

  kari_extension_add_endpoint (extension, "storage", storage, NULL, NULL);
  g_signal_connect_swapped (extension, "shutdown", G_CALLBACK (g_main_loop_quit), loop);
  g_signal_connect_swapped (extension, "closed", G_CALLBACK (g_main_loop_quit), loop);
  kari_extension_connect_async (extension, NULL, NULL, on_connected, loop);
  g_main_loop_run (loop);
  return 0;
}
