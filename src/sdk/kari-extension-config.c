/* kari-extension-config.c — the extension's settings, over the host's
 * io.github.kari.Config1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kari-extension.h"
#include "kari-extension-private.h"

#define CONFIG_INTERFACE "io.github.kari.Config1"
/* The host may wait on the keyring. */
#define CONFIG_TIMEOUT_MS 30000

static void
call_config (KariExtension       *self,
             const char          *method,
             GVariant            *parameters,
             const GVariantType  *reply_type,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  _kari_extension_call (self, g_task_new (self, cancellable, callback, user_data), CONFIG_INTERFACE, method,
                        parameters, reply_type, CONFIG_TIMEOUT_MS);
}

/**
 * kari_extension_get_config_async:
 * @self: an extension
 * @with_secrets: also read the secret settings (needs `secrets:read:config`)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Reads the extension's settings in the tenant it runs for, defaults
 * applied. #KariExtension::config-changed says when to read them again.
 */
void
kari_extension_get_config_async (KariExtension       *self,
                                 gboolean             with_secrets,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  call_config (self, "Get", g_variant_new ("(b)", with_secrets), G_VARIANT_TYPE ("(s)"),
               cancellable, callback, user_data);
}

/**
 * kari_extension_get_config_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the settings as a JSON object, or %NULL
 */
char *
kari_extension_get_config_finish (KariExtension  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_autoptr(GVariant) reply = NULL;
  char *config = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  reply = g_task_propagate_pointer (G_TASK (result), error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(s)", &config);
  return config;
}

/**
 * kari_extension_set_config_async:
 * @self: an extension
 * @key: a JSON Pointer (`/proxy/port`) or dotted path (`proxy.port`)
 * @value_json: the value, as JSON
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Changes one setting; needs `data:write`, or `secrets:write:config` for a secret
 * one. A value that breaks the manifest's config.schema is refused with
 * the instance path and the rule.
 */
void
kari_extension_set_config_async (KariExtension       *self,
                                 const char          *key,
                                 const char          *value_json,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (KARI_IS_EXTENSION (self));
  g_return_if_fail (key != NULL && value_json != NULL);
  call_config (self, "Set", g_variant_new ("(ss)", key, value_json), NULL, cancellable, callback, user_data);
}

/**
 * kari_extension_set_config_finish:
 * @self: an extension
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the setting was stored
 */
gboolean
kari_extension_set_config_finish (KariExtension  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_autoptr(GVariant) reply = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  reply = g_task_propagate_pointer (G_TASK (result), error);
  return reply != NULL;
}
