/* kari-broker-config.c — io.github.kari.Config1: an extension's own
 * settings, and telling it when they change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The extension and tenant are the broker's, never an argument. Reading
 * is free (the settings are the extension's own), except the secret
 * ones, which need `secrets:read:config`; writing needs `data:write`, and
 * `secrets:write:config` for a secret setting (a manifest's bare
 * `secrets` covers both). The work (SQLite, and the keyring over D-Bus)
 * runs in a worker thread, so a slow keyring never stalls the host; the
 * reply and the ConfigChanged that follows a change come back to the
 * main context.
 */
#include "config.h"

#include <string.h>

#include "kari-broker-private.h"
#include "kari-dbus-generated.h"
#include "kari-json.h"

#define MAX_KEY   1024
#define MAX_VALUE (64 * 1024)

#define EXTENSION_INTERFACE "io.github.kari.Extension1"

typedef enum { OP_GET, OP_SET, OP_RESET } Op;

typedef struct
{
  Op        op;
  gboolean  with_secrets;
  char     *key;        /* NULL: every setting (reset) */
  JsonNode *value;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  g_free (request->key);
  g_clear_pointer (&request->value, json_node_unref);
  g_free (request);
}

/* In a worker thread: reading may wait on the keyring too. */
static void
run_get (GTask        *task,
         gpointer      source,
         gpointer      task_data,
         GCancellable *cancellable)
{
  Request *request = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) doc = kari_config_get (KARI_CONFIG (source), request->with_secrets, &error);

  if (doc == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, json_to_string (doc, FALSE), g_free);
}

typedef struct
{
  KariBroker            *broker;
  GDBusMethodInvocation *invocation;
  Op                     op;
} Reply;

static void
reply_done (Reply        *reply,
            const char   *text,
            const GError *error)
{
  if (error != NULL)
    {
      const char *name = g_error_matches (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_INVALID)
                         || g_error_matches (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_BAD_KEY)
                         || g_error_matches (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_NO_SCHEMA)
                         ? "org.freedesktop.DBus.Error.InvalidArgs" : KARI_BROKER_DBUS_ERROR_FAILED;

      g_dbus_method_invocation_return_dbus_error (reply->invocation, name, error->message);
    }
  else if (reply->op == OP_GET)
    g_dbus_method_invocation_return_value (reply->invocation, g_variant_new ("(s)", text));
  else
    {
      g_dbus_method_invocation_return_value (reply->invocation, NULL);
      kari_broker_notify_config_changed (reply->broker);
    }
  g_object_unref (reply->broker);
  g_free (reply);
}

static void
on_got (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_task_propagate_pointer (G_TASK (result), &error);

  reply_done (user_data, text, error);
}

static void
on_changed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GError) error = NULL;

  /* Changes go in order, with the app's own, on libkari's change queue. */
  if (reply->op == OP_SET)
    kari_config_set_finish (KARI_CONFIG (source), result, &error);
  else
    kari_config_reset_finish (KARI_CONFIG (source), result, &error);
  reply_done (reply, NULL, error);
}

static void
start_request (KariBroker            *broker,
               GDBusMethodInvocation *invocation,
               gpointer               data)
{
  Request *request = data;
  Reply *reply = g_new0 (Reply, 1);

  *reply = (Reply) { g_object_ref (broker), invocation, request->op };
  if (request->op == OP_SET)
    kari_config_set_async (broker->config, request->key, request->value, NULL, on_changed, reply);
  else if (request->op == OP_RESET)
    kari_config_reset_async (broker->config, request->key, NULL, on_changed, reply);
  else
    {
      g_autoptr(GTask) task = g_task_new (broker->config, NULL, on_got, reply);
      Request *copy = g_new0 (Request, 1);

      /* The check frees @data when it is done; the task keeps its own. */
      *copy = (Request) { request->op, request->with_secrets, NULL, NULL };
      g_task_set_task_data (task, copy, request_free);
      g_task_run_in_thread (task, run_get);
    }
}

/* Every handler starts here: limits, the handshake, argument sizes. */
static gboolean
admit (KariBroker            *broker,
       GDBusMethodInvocation *invocation,
       const char            *key,
       const char            *value)
{
  if (!_kari_broker_admit (broker, invocation))
    return FALSE;
  if (!_kari_broker_is_ready (broker))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_NOT_READY,
                                                  "Call Handshake first");
      return FALSE;
    }
  if (key != NULL && strlen (key) > MAX_KEY)
    return _kari_broker_return_invalid (invocation, "The key is longer than %d bytes", MAX_KEY);
  if (value != NULL && strlen (value) > MAX_VALUE)
    return _kari_broker_return_invalid (invocation, "The value is longer than %d bytes", MAX_VALUE);
  return TRUE;
}

static gboolean
on_get (KariDBusConfig1       *iface,
        GDBusMethodInvocation *invocation,
        gboolean               with_secrets,
        KariBroker            *broker)
{
  Request *request;

  if (!admit (broker, invocation, NULL, NULL))
    return TRUE;
  request = g_new0 (Request, 1);
  request->op = OP_GET;
  request->with_secrets = with_secrets;
  if (with_secrets)
    _kari_broker_check_then (broker, invocation, "secrets:read:config", start_request, request, request_free);
  else
    {
      start_request (broker, invocation, request);
      request_free (request);
    }
  return TRUE;
}

/* `secrets:write:config` for a secret setting (or for all of them at
 * once when there are any), `data:write` for any other. */
static const char *
permission_for (KariBroker *broker,
                const char *pointer)
{
  g_auto(GStrv) secrets = NULL;

  if (pointer != NULL)
    return kari_config_is_secret (broker->config, pointer) ? "secrets:write:config" : "data:write";
  secrets = kari_config_dup_secret_keys (broker->config);
  return secrets[0] != NULL ? "secrets:write:config" : "data:write";
}

static gboolean
on_set (KariDBusConfig1       *iface,
        GDBusMethodInvocation *invocation,
        const char            *key,
        const char            *value,
        KariBroker            *broker)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pointer = NULL;
  g_autoptr(JsonNode) node = NULL;
  Request *request;

  if (!admit (broker, invocation, key, value))
    return TRUE;
  pointer = kari_config_key_to_pointer (key, &error);
  if (pointer == NULL)
    {
      _kari_broker_return_invalid (invocation, "%s", error->message);
      return TRUE;
    }
  node = kari_json_parse (value, -1, NULL, NULL, &error);
  if (node == NULL)
    {
      _kari_broker_return_invalid (invocation, "%s: the value is not JSON: %s", pointer,
                                   error != NULL ? error->message : "empty");
      return TRUE;
    }

  request = g_new0 (Request, 1);
  request->op = OP_SET;
  request->key = g_steal_pointer (&pointer);
  request->value = g_steal_pointer (&node);
  _kari_broker_check_then (broker, invocation, permission_for (broker, request->key), start_request,
                           request, request_free);
  return TRUE;
}

static gboolean
on_reset (KariDBusConfig1       *iface,
          GDBusMethodInvocation *invocation,
          const char            *key,
          KariBroker            *broker)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pointer = NULL;
  Request *request;

  if (!admit (broker, invocation, key, NULL))
    return TRUE;
  if (*key != '\0')
    {
      pointer = kari_config_key_to_pointer (key, &error);
      if (pointer == NULL)
        {
          _kari_broker_return_invalid (invocation, "%s", error->message);
          return TRUE;
        }
    }
  request = g_new0 (Request, 1);
  request->op = OP_RESET;
  request->key = g_steal_pointer (&pointer);
  _kari_broker_check_then (broker, invocation, permission_for (broker, request->key), start_request,
                           request, request_free);
  return TRUE;
}

GDBusInterfaceSkeleton *
_kari_broker_config_new (KariBroker *broker)
{
  KariDBusConfig1 *iface = kari_dbus_config1_skeleton_new ();

  g_signal_connect_object (iface, "handle-get", G_CALLBACK (on_get), broker, 0);
  g_signal_connect_object (iface, "handle-set", G_CALLBACK (on_set), broker, 0);
  g_signal_connect_object (iface, "handle-reset", G_CALLBACK (on_reset), broker, 0);
  return G_DBUS_INTERFACE_SKELETON (iface);
}

/**
 * kari_broker_set_config:
 * @self: a broker, before its extension connects
 * @config: (nullable): the extension's settings in the broker's tenant
 *
 * Offers io.github.kari.Config1 on the extension's connection.
 */
void
kari_broker_set_config (KariBroker *self,
                        KariConfig *config)
{
  g_return_if_fail (KARI_IS_BROKER (self));
  g_return_if_fail (config == NULL || KARI_IS_CONFIG (config));

  g_set_object (&self->config, config);
}

static void
on_announced (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *extension = user_data;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    g_debug ("%s was not told its config changed: %s", extension, error->message);
}

/**
 * kari_broker_notify_config_changed:
 * @self: a broker
 *
 * Tells the connected extension that its settings changed, with
 * io.github.kari.Extension1.ConfigChanged. Nothing happens before the
 * handshake; an extension that does not answer is not waited for.
 */
void
kari_broker_notify_config_changed (KariBroker *self)
{
  g_return_if_fail (KARI_IS_BROKER (self));

  if (self->connection == NULL || !self->ready)
    return;
  g_dbus_connection_call (self->connection, NULL, KARI_BROKER_EXTENSION_PATH, EXTENSION_INTERFACE,
                          "ConfigChanged", g_variant_new ("(s)", self->tenant), NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, (int) self->call_timeout_ms, NULL,
                          on_announced, g_strdup (self->extension));
}
