/* kari-broker-host.c — io.github.kari.Host1, the host's services on an
 * extension's connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every handler starts with admit(), in the main context:
 * limits, the handshake, argument validation, then the permission check
 * with the broker's own identity (the engine audits it, and asks the
 * person when the policy says so: the invocation is completed once the
 * answer comes). Handlers only see calls that passed the first three and
 * check their permissions with _kari_broker_check_then().
 */

#include "config.h"

#include <limits.h>

#include "kari-broker-http-private.h"
#include "kari-broker-private.h"
#include "kari-dbus-generated.h"

#define HOST_INTERFACE_VERSION 1
#define MAX_OFFERED            256
#define MAX_NAME               128

typedef struct
{
  const char *method;
  gsize       max_length[3];  /* byte limits of the string arguments, in order */
} HostMethod;

static const HostMethod host_methods[] = {
  { "Handshake",       { 0 } },
  { "Log",             { 16, 16 * 1024 } },
  { "CheckPermission", { 256 } },
  { "Notify",          { 256, 4 * 1024 } },
  { "OpenFile",        { PATH_MAX, 8 } },
  { "CallExtension",   { 128, 128, 64 * 1024 } },
  { "HttpRequest",     { 16, 8192 } },
  { "PushPage",        { 256, KARI_BROKER_MAX_PAGE_SIZE } },   /* the URL is checked per hop: kari-broker-http.c */
};

static const char * const log_levels[] = {
  "debug", "info", "message", "warning", "critical", NULL
};

static const HostMethod *
find_method (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (host_methods); i++)
    if (g_str_equal (host_methods[i].method, name))
      return &host_methods[i];
  return NULL;
}

gboolean
_kari_broker_return_invalid (GDBusMethodInvocation *invocation,
                             const char            *format,
                             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.DBus.Error.InvalidArgs", message);
  return FALSE;
}

/* GDBus already refuses strings that are not UTF-8; this caps lengths. */
static gboolean
validate_strings (const HostMethod      *method,
                  GDBusMethodInvocation *invocation)
{
  GVariant *params = g_dbus_method_invocation_get_parameters (invocation);

  for (gsize i = 0; i < G_N_ELEMENTS (method->max_length) && method->max_length[i] > 0; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (params, i);
      gsize length = 0;
      const char *text = g_variant_get_string (child, &length);

      if (length > method->max_length[i] || !g_utf8_validate (text, length, NULL))
        return _kari_broker_return_invalid (invocation, "%s: argument %" G_GSIZE_FORMAT " is longer than %"
                               G_GSIZE_FORMAT " bytes or not UTF-8",
                               method->method, i + 1, method->max_length[i]);
    }
  return TRUE;
}

typedef struct
{
  KariBroker            *broker;
  GDBusMethodInvocation *invocation;
  char                  *permission;
  KariBrokerAllowed      allowed;
  gpointer               data;
  GDestroyNotify         destroy;
} PendingCheck;

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PendingCheck *pending = user_data;
  g_auto(KariCheckResult) checked = { 0 };
  g_autoptr(GError) error = NULL;

  if (kari_permission_engine_check_finish (KARI_PERMISSION_ENGINE (source), result, &checked, &error)
      == KARI_VERDICT_ALLOW)
    pending->allowed (pending->broker, pending->invocation, pending->data);
  else
    {
      g_autofree char *message =
        g_strdup_printf ("%s needs the permission “%s” (decided by %s)",
                         g_dbus_method_invocation_get_method_name (pending->invocation), pending->permission,
                         error != NULL ? error->message : checked.decided_by ? checked.decided_by : "default");

      g_dbus_method_invocation_return_dbus_error (pending->invocation, KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED,
                                                  message);
    }
  if (pending->destroy != NULL)
    pending->destroy (pending->data);
  g_object_unref (pending->broker);
  g_free (pending->permission);
  g_free (pending);
}

/* Checks @permission for the broker's extension, asking the person when
 * the policy says so, then runs @allowed or answers PermissionDenied. The
 * invocation is owned by whichever completes it. */
void
_kari_broker_check_then (KariBroker            *broker,
                         GDBusMethodInvocation *invocation,
                         const char            *permission,
                         KariBrokerAllowed      allowed,
                         gpointer               data,
                         GDestroyNotify         destroy)
{
  PendingCheck *pending = g_new0 (PendingCheck, 1);
  KariCheck check = {
    kari_broker_get_tenant (broker),
    kari_broker_get_user (broker),
    kari_broker_get_extension (broker),
    permission,
  };

  *pending = (PendingCheck) { g_object_ref (broker), invocation, g_strdup (permission), allowed, data, destroy };
  kari_permission_engine_check_async (_kari_broker_get_engine (broker), &check, NULL, on_checked, pending);
}

static gboolean
check_permission (KariBroker      *broker,
                  const char      *permission,
                  KariCheckResult *result)
{
  KariCheck check = {
    kari_broker_get_tenant (broker),
    kari_broker_get_user (broker),
    kari_broker_get_extension (broker),
    permission,
  };

  /* CheckPermission answers at once: an ASK verdict is "not now". */
  return kari_permission_engine_check (_kari_broker_get_engine (broker), &check, result) == KARI_VERDICT_ALLOW;
}

/* Not a g-authorize-method handler: GDBus emits that signal in a thread
 * of its own per call, and the broker's counters and connection belong
 * to the main context. Every handler calls this first instead. */
static gboolean
admit (KariBroker            *broker,
       GDBusMethodInvocation *invocation)
{
  const char *name = g_dbus_method_invocation_get_method_name (invocation);
  const HostMethod *method = find_method (name);

  if (!_kari_broker_admit (broker, invocation))
    return FALSE;
  if (method == NULL)
    return _kari_broker_return_invalid (invocation, "No method %s", name);
  if (!_kari_broker_is_ready (broker) && !g_str_equal (name, "Handshake"))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_NOT_READY,
                                                  "Call Handshake first");
      return FALSE;
    }
  if (!validate_strings (method, invocation))
    return FALSE;
  return TRUE;
}

/* Reads @key of @offered as a bounded list of short names. */
static gboolean
read_names (GVariant    *offered,
            const char  *key,
            GStrv       *out,
            char       **problem)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (offered, key, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GVariantIter iter;
  const char *name;

  if (value == NULL)
    {
      *out = g_new0 (char *, 1);
      return TRUE;
    }
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      *problem = g_strdup_printf ("“%s” must be an array of strings (as), not %s",
                                  key, g_variant_get_type_string (value));
      return FALSE;
    }
  if (g_variant_n_children (value) > MAX_OFFERED)
    {
      *problem = g_strdup_printf ("“%s” has more than %d names", key, MAX_OFFERED);
      return FALSE;
    }
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "&s", &name))
    {
      if (*name == '\0' || strlen (name) > MAX_NAME)
        {
          *problem = g_strdup_printf ("a name in “%s” is empty or longer than %d bytes", key, MAX_NAME);
          return FALSE;
        }
      g_strv_builder_add (builder, name);
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
on_handshake (KariDBusHost1         *host,
              GDBusMethodInvocation *invocation,
              GVariant              *offered,
              gpointer               user_data)
{
  KariBroker *broker = user_data;
  g_auto(GStrv) endpoints = NULL;
  g_auto(GStrv) pages = NULL;
  g_auto(GStrv) tasks = NULL;
  g_autofree char *problem = NULL;
  GVariantDict info;

  if (!admit (user_data, invocation))
    return TRUE;

  if (_kari_broker_is_ready (broker))
    {
      _kari_broker_return_invalid (invocation, "Handshake was already made");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (!read_names (offered, "endpoints", &endpoints, &problem)
      || !read_names (offered, "pages", &pages, &problem)
      || !read_names (offered, "tasks", &tasks, &problem))
    {
      _kari_broker_return_invalid (invocation, "Handshake: %s", problem);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  _kari_broker_set_offered (broker, g_steal_pointer (&endpoints), g_steal_pointer (&pages),
                            g_steal_pointer (&tasks));

  /* The identity comes from the broker, whatever the extension offered. */
  g_variant_dict_init (&info, NULL);
  g_variant_dict_insert (&info, "host-version", "s", PACKAGE_VERSION);
  g_variant_dict_insert (&info, "interface-version", "u", HOST_INTERFACE_VERSION);
  g_variant_dict_insert (&info, "extension", "s", kari_broker_get_extension (broker));
  g_variant_dict_insert (&info, "tenant", "s", kari_broker_get_tenant (broker));
  kari_dbus_host1_complete_handshake (host, invocation, g_variant_dict_end (&info));
  return TRUE;
}

static gboolean
on_log (KariDBusHost1         *host,
        GDBusMethodInvocation *invocation,
        const char            *level,
        const char            *message,
        gpointer               user_data)
{
  if (!admit (user_data, invocation))
    return TRUE;
  if (!g_strv_contains (log_levels, level))
    {
      _kari_broker_return_invalid (invocation, "Log: unknown level “%s”", level);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  _kari_broker_emit_log (user_data, level, message);
  kari_dbus_host1_complete_log (host, invocation);
  return TRUE;
}

static gboolean
on_check_permission (KariDBusHost1         *host,
                     GDBusMethodInvocation *invocation,
                     const char            *permission,
                     gpointer               user_data)
{
  g_auto(KariCheckResult) result = { 0 };
  gboolean allowed;

  if (!admit (user_data, invocation))
    return TRUE;
  allowed = check_permission (user_data, permission, &result);
  kari_dbus_host1_complete_check_permission (host, invocation, allowed,
                                             result.decided_by ? result.decided_by : "");
  return TRUE;
}

static void
notify_allowed (KariBroker            *broker,
                GDBusMethodInvocation *invocation,
                gpointer               data)
{
  const char *title;
  const char *body;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s&s)", &title, &body);
  _kari_broker_emit_notify (broker, title, body);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static gboolean
on_notify (KariDBusHost1         *host,
           GDBusMethodInvocation *invocation,
           const char            *title,
           const char            *body,
           gpointer               user_data)
{
  if (!admit (user_data, invocation))
    return TRUE;
  _kari_broker_check_then (user_data, invocation, "notifications", notify_allowed, NULL, NULL);
  return TRUE;
}

static gboolean
on_open_file (KariDBusHost1         *host,
              GDBusMethodInvocation *invocation,
              GUnixFDList           *fds,
              const char            *path,
              const char            *mode,
              gpointer               user_data)
{
  if (!admit (user_data, invocation))
    return TRUE;
  _kari_broker_open_file (user_data, invocation, path, mode);
  return TRUE;
}

static gboolean
on_http_request (KariDBusHost1         *host,
                 GDBusMethodInvocation *invocation,
                 const char            *method,
                 const char            *url,
                 GVariant              *headers,
                 GVariant              *body,
                 GVariant              *options,
                 gpointer               user_data)
{
  if (!admit (user_data, invocation))
    return TRUE;
  return _kari_broker_http_request (host, invocation, method, url, headers, body, options, user_data);
}

static gboolean
on_call_extension (KariDBusHost1         *host,
                   GDBusMethodInvocation *invocation,
                   const char            *extension,
                   const char            *endpoint,
                   const char            *request,
                   gpointer               user_data)
{
  if (!admit (user_data, invocation))
    return TRUE;
  _kari_broker_call_extension (user_data, invocation, extension, endpoint, request);
  return TRUE;
}

static gboolean
on_push_page (KariDBusHost1         *host,
              GDBusMethodInvocation *invocation,
              const char            *page,
              const char            *tree,
              gpointer               user_data)
{
  if (!admit (user_data, invocation))
    return TRUE;
  _kari_broker_push_page (user_data, invocation, page, tree);
  return TRUE;
}

GDBusInterfaceSkeleton *
_kari_broker_host_new (KariBroker *broker)
{
  KariDBusHost1 *host = kari_dbus_host1_skeleton_new ();

  g_signal_connect_object (host, "handle-handshake", G_CALLBACK (on_handshake), broker, 0);
  g_signal_connect_object (host, "handle-log", G_CALLBACK (on_log), broker, 0);
  g_signal_connect_object (host, "handle-check-permission", G_CALLBACK (on_check_permission), broker, 0);
  g_signal_connect_object (host, "handle-notify", G_CALLBACK (on_notify), broker, 0);
  g_signal_connect_object (host, "handle-open-file", G_CALLBACK (on_open_file), broker, 0);
  g_signal_connect_object (host, "handle-call-extension", G_CALLBACK (on_call_extension), broker, 0);
  g_signal_connect_object (host, "handle-http-request", G_CALLBACK (on_http_request), broker, 0);
  g_signal_connect_object (host, "handle-push-page", G_CALLBACK (on_push_page), broker, 0);
  return G_DBUS_INTERFACE_SKELETON (host);
}
