/* kari-broker-pages.c — native pages on an extension's connection:
 * RenderPage and HandlePageEvent into the extension, PushPage from it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every tree an extension sends, whichever way, is hostile bytes: it is
 * size-capped, parsed and validated by kari-page-tree here, before
 * anything else in the host sees it, and a refused tree is logged
 * against the extension so its author can find out why the page shows
 * an error.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-broker-private.h"

#define DEFAULT_PUSH_RATE  30
#define DEFAULT_PUSH_BURST 60

void
_kari_broker_pages_init (KariBroker *self)
{
  self->push_rate = DEFAULT_PUSH_RATE;
  self->push_burst = DEFAULT_PUSH_BURST;
  self->push_tokens = DEFAULT_PUSH_BURST;
}

/**
 * kari_broker_set_declared_pages:
 * @self: a broker
 * @pages: (nullable) (array zero-terminated=1): the page paths the
 *   extension's manifest declares
 *
 * Sets the pages the extension may push. Without a declaration (%NULL,
 * the default), the pages it offered in its handshake are taken.
 */
void
kari_broker_set_declared_pages (KariBroker         *self,
                                const char * const *pages)
{
  g_return_if_fail (KARI_IS_BROKER (self));

  g_strfreev (self->declared_pages);
  self->declared_pages = g_strdupv ((char **) pages);
}

/**
 * kari_broker_set_push_limit:
 * @self: a broker
 * @pushes_per_second: the sustained rate of PushPage calls allowed
 * @burst: how many may come at once
 *
 * Limits PushPage on top of the broker's rate limit: a page is repainted
 * for each push, so the rate that matters is a frame rate's, not a
 * call rate's.
 */
void
kari_broker_set_push_limit (KariBroker *self,
                            guint       pushes_per_second,
                            guint       burst)
{
  g_return_if_fail (KARI_IS_BROKER (self));
  g_return_if_fail (pushes_per_second > 0 && burst > 0);

  self->push_rate = pushes_per_second;
  self->push_burst = burst;
  self->push_tokens = burst;
  self->push_refilled_usec = 0;
}

static gboolean
page_is_declared (KariBroker *self,
                  const char *page)
{
  const char * const *pages = self->declared_pages != NULL
                              ? (const char * const *) self->declared_pages
                              : kari_broker_get_offered (self, "pages");

  return pages != NULL && g_strv_contains (pages, page);
}

static gboolean
take_push_token (KariBroker *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->push_refilled_usec != 0)
    self->push_tokens = MIN ((double) self->push_burst,
                             self->push_tokens
                             + (now - self->push_refilled_usec) * (double) self->push_rate / G_USEC_PER_SEC);
  self->push_refilled_usec = now;
  if (self->push_tokens < 1.0)
    return FALSE;
  self->push_tokens -= 1.0;
  return TRUE;
}

/* Parses @text from the extension as the tree of @page; a refusal is
 * logged against the extension, @what naming the call it came from. */
static KariPageTree *
parse_tree (KariBroker  *self,
            const char  *what,
            const char  *page,
            const char  *text,
            gsize        length,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  KariPageTree *tree = NULL;

  if (length > KARI_BROKER_MAX_PAGE_SIZE)
    g_set_error (&local_error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_TOO_LARGE,
                 _("the tree is %" G_GSIZE_FORMAT " bytes, more than the %d allowed"),
                 length, KARI_BROKER_MAX_PAGE_SIZE);
  else
    tree = kari_page_tree_new_from_data (text, (gssize) length, &local_error);

  if (tree == NULL)
    {
      g_autofree char *line = g_strdup_printf (_("%s %s: the host refused the page tree: %s"),
                                               what, page, local_error->message);

      _kari_broker_emit_log (self, "warning", line);
      g_prefix_error (&local_error, _("The page %s of %s is not valid: "), page,
                      kari_broker_get_extension (self));
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return tree;
}

void
_kari_broker_push_page (KariBroker            *self,
                        GDBusMethodInvocation *invocation,
                        const char            *page,
                        const char            *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPageTree) tree = NULL;

  if (!page_is_declared (self, page))
    {
      g_autofree char *message =
        g_strdup_printf (_("PushPage: the manifest of %s declares no page “%s” in ui.pages"),
                         kari_broker_get_extension (self), page);

      g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED, message);
      return;
    }
  if (!take_push_token (self))
    {
      g_autofree char *message =
        g_strdup_printf (_("PushPage: more than %u pushes a second"), self->push_rate);

      g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_LIMIT_EXCEEDED, message);
      return;
    }

  tree = parse_tree (self, "PushPage", page, text, strlen (text), &error);
  /* The reply goes first: a handler of the signal may take its time. */
  if (tree == NULL)
    _kari_broker_return_invalid (invocation, "%s", error->message);
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
  _kari_broker_emit_page_pushed (self, page, tree, error);
}

/* ------------------------------------------------------------------ */
/* Calls into the extension                                            */

typedef struct
{
  char *method;
  char *page;
} PageCall;

static void
page_call_free (gpointer data)
{
  PageCall *call = data;

  g_free (call->method);
  g_free (call->page);
  g_free (call);
}

static GTask *
page_task_new (KariBroker          *self,
               const char          *method,
               const char          *page,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PageCall *call = g_new0 (PageCall, 1);

  call->method = g_strdup (method);
  call->page = g_strdup (page);
  g_task_set_task_data (task, call, page_call_free);
  return task;
}

/* The reply tuple to a tree: NULL without an error for "" (no change),
 * which only HandlePageEvent may answer. */
static KariPageTree *
finish_tree (KariBroker    *self,
             GAsyncResult  *result,
             gboolean       empty_allowed,
             GError       **error)
{
  PageCall *call = g_task_get_task_data (G_TASK (result));
  g_autoptr(GVariant) reply = g_task_propagate_pointer (G_TASK (result), error);
  const char *text;
  gsize length = 0;

  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(&s)", &text);
  length = strlen (text);
  if (length == 0 && empty_allowed)
    return NULL;
  return parse_tree (self, call->method, call->page, text, length, error);
}

/**
 * kari_broker_render_page_async:
 * @self: a broker
 * @page: the page's path, as the manifest declares it
 * @context: the context, a JSON object
 * @timeout_ms: how long to wait; -1 for %KARI_BROKER_PAGE_TIMEOUT_MS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the tree
 * @user_data: data for @callback
 *
 * Asks the extension for the tree of @page with Extension1.RenderPage.
 */
void
kari_broker_render_page_async (KariBroker          *self,
                               const char          *page,
                               const char          *context,
                               int                  timeout_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KARI_IS_BROKER (self));
  g_return_if_fail (page != NULL && context != NULL);

  _kari_broker_call_method (self, page_task_new (self, "RenderPage", page, cancellable, callback, user_data),
                            "RenderPage", g_variant_new ("(ss)", page, context), G_VARIANT_TYPE ("(s)"),
                            timeout_ms < 0 ? KARI_BROKER_PAGE_TIMEOUT_MS : timeout_ms);
}

/**
 * kari_broker_render_page_finish:
 * @self: a broker
 * @result: the result given to the callback
 * @error: return location for a #KARI_BROKER_ERROR, or a
 *   #KARI_PAGE_TREE_ERROR when the extension answered with a tree that is
 *   not valid (which is also logged against it)
 *
 * Returns: (transfer full) (nullable): the page's tree, validated
 */
KariPageTree *
kari_broker_render_page_finish (KariBroker    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  KariPageTree *tree;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  tree = finish_tree (self, result, FALSE, &local_error);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return tree;
}

/**
 * kari_broker_handle_page_event_async:
 * @self: a broker
 * @page: the page the event happened on
 * @node_id: the node's id
 * @kind: "click", "change", "submit" or "activate"
 * @value: (nullable): the event's value; %NULL for none
 * @timeout_ms: how long to wait; -1 for %KARI_BROKER_PAGE_TIMEOUT_MS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Hands an event to the extension with Extension1.HandlePageEvent.
 */
void
kari_broker_handle_page_event_async (KariBroker          *self,
                                     const char          *page,
                                     const char          *node_id,
                                     const char          *kind,
                                     JsonNode            *value,
                                     int                  timeout_ms,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *json = NULL;

  g_return_if_fail (KARI_IS_BROKER (self));
  g_return_if_fail (page != NULL && node_id != NULL && kind != NULL);

  json = value != NULL ? json_to_string (value, FALSE) : g_strdup ("null");
  _kari_broker_call_method (self, page_task_new (self, "HandlePageEvent", page, cancellable, callback, user_data),
                            "HandlePageEvent", g_variant_new ("(ssss)", page, node_id, kind, json),
                            G_VARIANT_TYPE ("(s)"), timeout_ms < 0 ? KARI_BROKER_PAGE_TIMEOUT_MS : timeout_ms);
}

/**
 * kari_broker_handle_page_event_finish:
 * @self: a broker
 * @result: the result given to the callback
 * @error: return location for a #KARI_BROKER_ERROR or a #KARI_PAGE_TREE_ERROR
 *
 * Returns: (transfer full) (nullable): the page's new tree, validated; or
 *   %NULL with @error unset when the extension answered that nothing
 *   changes
 */
KariPageTree *
kari_broker_handle_page_event_finish (KariBroker    *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return finish_tree (self, result, TRUE, error);
}
