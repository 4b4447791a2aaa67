/* kari-extension-pages.c — the pages an extension renders natively in
 * the Control Room: RenderPage and HandlePageEvent from the host,
 * PushPage to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kari-extension-private.h"

#define HOST_PATH       "/io/github/kari/Host"
#define HOST_INTERFACE  "io.github.kari.Host1"
#define CALL_TIMEOUT_MS 30000

struct _KariExtensionPage
{
  KariPageRenderFunc render;
  KariPageEventFunc  event;
  gpointer           user_data;
  GDestroyNotify     destroy;
};

void
_kari_extension_page_free (gpointer data)
{
  KariExtensionPage *page = data;

  if (page->destroy != NULL)
    page->destroy (page->user_data);
  g_free (page);
}

/**
 * kari_extension_add_page:
 * @self: an extension
 * @page: the page's path, as in the manifest's ui.pages ("/dashboard")
 * @render_func: (scope notified): renders the page's tree
 * @event_func: (scope notified) (nullable): answers events on the page;
 *   %NULL for a page that ignores them
 * @user_data: data for the functions
 * @destroy: (nullable): frees @user_data
 *
 * Offers a page the extension renders; the page is offered to the host
 * in the handshake. Call it before connecting. The trees the functions
 * return are JSON as data/io.github.kari.PageTree.schema.json describes;
 * the host validates them and shows an error state instead of a tree
 * that is not valid.
 */
void
kari_extension_add_page (KariExtension      *self,
                         const char         *page,
                         KariPageRenderFunc  render_func,
                         KariPageEventFunc   event_func,
                         gpointer            user_data,
                         GDestroyNotify      destroy)
{
  KariExtensionPage *entry;

  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (page != NULL && *page != '\0');
  g_return_if_fail (render_func != NULL);

  entry = g_new0 (KariExtensionPage, 1);
  entry->render = render_func;
  entry->event = event_func;
  entry->user_data = user_data;
  entry->destroy = destroy;
  g_hash_table_replace (_kari_extension_get_pages (self), g_strdup (page), entry);
}

static KariExtensionPage *
lookup_page (KariExtension         *self,
             GDBusMethodInvocation *invocation,
             const char            *page)
{
  KariExtensionPage *entry = g_hash_table_lookup (_kari_extension_get_pages (self), page);

  if (entry == NULL)
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No page “%s”", page);
  return entry;
}

gboolean
_kari_extension_on_render_page (KariExtDBusExtension1 *skeleton,
                                GDBusMethodInvocation *invocation,
                                const char            *page,
                                const char            *context,
                                gpointer               user_data)
{
  KariExtension *self = user_data;
  KariExtensionPage *entry = lookup_page (self, invocation, page);
  g_autoptr(GError) error = NULL;
  g_autofree char *tree = NULL;

  if (entry == NULL)
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  tree = entry->render (self, page, context, entry->user_data, &error);
  if (tree == NULL)
    g_dbus_method_invocation_return_error (invocation, KARI_EXTENSION_ERROR, KARI_EXTENSION_ERROR_FAILED,
                                           "%s", error != NULL ? error->message : "The page could not be rendered");
  else
    kari_ext_dbus_extension1_complete_render_page (skeleton, invocation, tree);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
_kari_extension_on_handle_page_event (KariExtDBusExtension1 *skeleton,
                                      GDBusMethodInvocation *invocation,
                                      const char            *page,
                                      const char            *node_id,
                                      const char            *kind,
                                      const char            *value,
                                      gpointer               user_data)
{
  KariExtension *self = user_data;
  KariExtensionPage *entry = lookup_page (self, invocation, page);
  g_autoptr(GError) error = NULL;
  g_autofree char *tree = NULL;

  if (entry == NULL)
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  if (entry->event != NULL)
    tree = entry->event (self, page, node_id, kind, value, entry->user_data, &error);
  if (error != NULL)
    g_dbus_method_invocation_return_error (invocation, KARI_EXTENSION_ERROR, KARI_EXTENSION_ERROR_FAILED,
                                           "%s", error->message);
  else
    kari_ext_dbus_extension1_complete_handle_page_event (skeleton, invocation, tree != NULL ? tree : "");
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_pushed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * kari_extension_push_page_async:
 * @self: a connected extension
 * @page: a page the manifest declares in ui.pages
 * @tree: the page's whole new tree, JSON, at most 768 KiB
 * @cancellable: (nullable): a #GCancellable
 * @callback: (nullable): called with the result
 * @user_data: data for @callback
 *
 * Replaces what the page shows, if it is open; the host updates only
 * the widgets whose nodes changed. The host takes up to 30 pushes a
 * second (bursts of 60) and refuses a tree that is not valid
 * (%G_DBUS_ERROR_INVALID_ARGS, naming the node), or a page the manifest
 * does not declare (%KARI_EXTENSION_ERROR_PERMISSION_DENIED).
 */
void
kari_extension_push_page_async (KariExtension       *self,
                                const char          *page,
                                const char          *tree,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GDBusConnection *connection;
  GTask *task;

  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (page != NULL && tree != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kari_extension_push_page_async);
  connection = kari_extension_get_connection (self);
  if (connection == NULL || g_dbus_connection_is_closed (connection))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "Not connected to the host");
      g_object_unref (task);
      return;
    }
  g_dbus_connection_call (connection, NULL, HOST_PATH, HOST_INTERFACE, "PushPage",
                          g_variant_new ("(ss)", page, tree), G_VARIANT_TYPE_UNIT, G_DBUS_CALL_FLAGS_NONE,
                          CALL_TIMEOUT_MS, cancellable, on_pushed, task);
}

/**
 * kari_extension_push_page_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the host took the tree
 */
gboolean
kari_extension_push_page_finish (KariExtension  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
