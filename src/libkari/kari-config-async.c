/* kari-config-async.c — changing settings without waiting on the keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A change may wait on the keyring over D-Bus, and the keyring may ask
 * the person to unlock it: a window's main loop must not wait for that.
 * Changes run one at a time, in the order they were asked for, on one
 * worker thread shared by the process, so a switch flipped twice quickly
 * ends where the person left it.
 */
#include "config.h"

#include "kari-config.h"

typedef struct
{
  char     *key;     /* NULL: every setting (reset) */
  JsonNode *value;   /* NULL: a reset */
} Change;

static void
change_free (gpointer data)
{
  Change *change = data;

  g_free (change->key);
  g_clear_pointer (&change->value, json_node_unref);
  g_free (change);
}

static void
run_change (gpointer data,
            gpointer unused)
{
  g_autoptr(GTask) task = data;
  KariConfig *config = g_task_get_source_object (task);
  Change *change = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_task_return_error_if_cancelled (task))
    return;
  ok = change->value != NULL ? kari_config_set (config, change->key, change->value, &error)
                             : kari_config_reset (config, change->key, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
queue_change (GTask  *task,
              Change *change)
{
  static GThreadPool *changes;
  static gsize init = 0;

  if (g_once_init_enter (&init))
    {
      /* One thread, never exclusive: it ends when idle and a push
       * starts it again. */
      changes = g_thread_pool_new (run_change, NULL, 1, FALSE, NULL);
      g_once_init_leave (&init, 1);
    }
  g_task_set_task_data (task, change, change_free);
  g_thread_pool_push (changes, task, NULL);
}

/**
 * kari_config_set_async:
 * @self: a #KariConfig
 * @key: a JSON Pointer or dotted path
 * @value: the new value
 * @cancellable: (nullable): a #GCancellable, checked before the change
 *   starts
 * @callback: called in the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * Does what kari_config_set() does in a worker thread, after the changes
 * asked for before it in this process.
 */
void
kari_config_set_async (KariConfig          *self,
                       const char          *key,
                       JsonNode            *value,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;
  Change *change;

  g_return_if_fail (KARI_IS_CONFIG (self));
  g_return_if_fail (key != NULL && value != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kari_config_set_async);
  change = g_new0 (Change, 1);
  change->key = g_strdup (key);
  change->value = json_node_copy (value);
  queue_change (task, change);
}

/**
 * kari_config_set_finish:
 * @self: a #KariConfig
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when stored, as kari_config_set()
 */
gboolean
kari_config_set_finish (KariConfig    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * kari_config_reset_async:
 * @self: a #KariConfig
 * @key: (nullable): one setting, or %NULL for all of them
 * @cancellable: (nullable): a #GCancellable, checked before the change
 *   starts
 * @callback: called in the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * Does what kari_config_reset() does in a worker thread, after the
 * changes asked for before it in this process.
 */
void
kari_config_reset_async (KariConfig          *self,
                         const char          *key,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  Change *change;

  g_return_if_fail (KARI_IS_CONFIG (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kari_config_reset_async);
  change = g_new0 (Change, 1);
  change->key = g_strdup (key);
  queue_change (task, change);
}

/**
 * kari_config_reset_finish:
 * @self: a #KariConfig
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success, as kari_config_reset()
 */
gboolean
kari_config_reset_finish (KariConfig    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
