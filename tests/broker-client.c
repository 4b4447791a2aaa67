/* broker-client.c — an extension process for test-broker, built on
 * libkari-extension; run as `broker-client MODE [ARG]` with
 * KARI_HOST_ADDRESS set, it prints what happened on stdout.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gio/gunixconnection.h>
#include <gio/gunixfdlist.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixsocketaddress.h>
#include <stdio.h>  /* printf: g_print would transliterate “” in the C locale */
#include <unistd.h>

#include "kari-extension.h"

typedef struct
{
  GMainLoop     *loop;
  KariExtension *extension;
  const char    *mode;
  const char    *arg;
  guint          pending;
  guint          ok;
  guint          limited;
  guint          other;
  int            status;
} Client;

static char *
handle_echo (KariExtension  *extension,
             const char     *endpoint,
             const char     *request,
             gpointer        user_data,
             GError        **error)
{
  return g_strdup (request);
}

static void
print_error (const char *what,
             GError     *error)
{
  g_autofree char *name = g_dbus_error_is_remote_error (error) ? g_dbus_error_get_remote_error (error)
                                                               : g_dbus_error_encode_gerror (error);

  g_dbus_error_strip_remote_error (error);
  printf ("%s=%s %s\n", what, name, error->message);
}

static void
on_notified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;

  if (kari_extension_notify_finish (c->extension, result, &error))
    printf ("notify=ok\n");
  else
    print_error ("notify", error);
  g_main_loop_quit (c->loop);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *decided_by = NULL;
  gboolean allowed = FALSE;

  if (kari_extension_check_permission_finish (c->extension, result, &allowed, &decided_by, &error))
    printf ("allowed=%d decided_by=%s\n", allowed, decided_by);
  else
    print_error ("check", error);
  g_main_loop_quit (c->loop);
}

static void
on_big_logged (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;

  if (kari_extension_log_finish (c->extension, result, &error))
    printf ("log=ok\n");
  else
    print_error ("log", error);
  g_main_loop_quit (c->loop);
}

static void
on_flood_logged (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;

  if (kari_extension_log_finish (c->extension, result, &error))
    c->ok++;
  else if (g_error_matches (error, KARI_EXTENSION_ERROR, KARI_EXTENSION_ERROR_LIMIT_EXCEEDED))
    c->limited++;
  else
    c->other++;
  if (--c->pending == 0)
    {
      GDBusConnection *connection = kari_extension_get_connection (c->extension);

      printf ("ok=%u limited=%u other=%u closed=%d\n", c->ok, c->limited, c->other,
               g_dbus_connection_is_closed (connection));
      g_main_loop_quit (c->loop);
    }
}

static gboolean
on_stdin (GObject  *stream,
          gpointer  user_data)
{
  Client *c = user_data;
  char buffer[64];
  gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream), buffer,
                                                        sizeof buffer, NULL, NULL);

  if (n <= 0)
    {
      g_main_loop_quit (c->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Sends @method with a forged sender header on a raw connection. */
static GVariant *
forged_call (GDBusConnection  *connection,
             const char       *method,
             GVariant         *parameters,
             GError          **error)
{
  g_autoptr(GDBusMessage) message =
    g_dbus_message_new_method_call (NULL, "/io/github/kari/Host", "io.github.kari.Host1", method);
  g_autoptr(GDBusMessage) reply = NULL;

  g_dbus_message_set_sender (message, "io.github.kari.b");
  g_dbus_message_set_body (message, parameters);
  reply = g_dbus_connection_send_message_with_reply_sync (connection, message, G_DBUS_SEND_MESSAGE_FLAGS_NONE,
                                                          -1, NULL, NULL, error);
  if (reply == NULL || g_dbus_message_to_gerror (reply, error))
    return NULL;
  return g_variant_ref (g_dbus_message_get_body (reply));
}

/* A client that claims to be extension "b" in every way it can. */
static int
run_forge (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection =
    g_dbus_connection_new_for_address_sync (g_getenv ("KARI_HOST_ADDRESS"),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &error);
  g_autoptr(GVariant) info = NULL;
  g_autoptr(GVariant) host_info = NULL;
  g_autoptr(GVariant) check = NULL;
  g_autoptr(GVariant) notified = NULL;
  GVariantDict offered;
  const char *name = NULL;
  gboolean allowed = FALSE;

  if (connection == NULL)
    {
      print_error ("connect-error", error);
      return 3;
    }
  g_variant_dict_init (&offered, NULL);
  g_variant_dict_insert (&offered, "extension", "s", "b");
  g_variant_dict_insert (&offered, "tenant", "s", "other");
  info = forged_call (connection, "Handshake", g_variant_new ("(@a{sv})", g_variant_dict_end (&offered)), &error);
  if (info == NULL)
    {
      print_error ("handshake", error);
      return 4;
    }
  host_info = g_variant_get_child_value (info, 0);
  g_variant_lookup (host_info, "extension", "&s", &name);
  printf ("extension=%s\n", name);

  check = forged_call (connection, "CheckPermission", g_variant_new ("(s)", "notifications"), &error);
  if (check == NULL)
    print_error ("check", error);
  else
    {
      g_variant_get (check, "(b&s)", &allowed, NULL);
      printf ("allowed=%d\n", allowed);
    }
  g_clear_error (&error);
  notified = forged_call (connection, "Notify", g_variant_new ("(ss)", "b", "forged"), &error);
  if (notified == NULL)
    print_error ("notify", error);
  else
    printf ("notify=ok\n");
  return 0;
}

/* ------------------------------------------------------------------ */
/* Modes for test-broker-services                                      */

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;
  int fd = kari_extension_open_file_finish (c->extension, result, &error);

  if (fd < 0)
    print_error ("open", error);
  else
    {
      char buffer[256] = { 0 };
      ssize_t n = read (fd, buffer, sizeof buffer - 1);

      printf ("content=%s\n", n >= 0 ? buffer : "(unreadable)");
      close (fd);
    }
  g_main_loop_quit (c->loop);
}

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = kari_extension_call_extension_finish (c->extension, result, &error);

  if (response != NULL)
    printf ("response=%s\n", response);
  else
    print_error ("call", error);
  /* The host still answers its caller after whatever the callee did. */
  kari_extension_log_async (c->extension, "info", "after the call", NULL, on_big_logged, c);
}

/* Blocks the extension's main loop until the test closes stdin. */
static char *
handle_hang (KariExtension  *extension,
             const char     *endpoint,
             const char     *request,
             gpointer        user_data,
             GError        **error)
{
  char byte;

  while (read (STDIN_FILENO, &byte, 1) > 0)
    ;
  return g_strdup ("{}");
}

/* Sends Log with a body the host must refuse: @nested variants deep, or
 * with @n_fds descriptors attached. */
static void
send_hostile (Client *c,
              guint   nested,
              guint   n_fds)
{
  GDBusConnection *connection = kari_extension_get_connection (c->extension);
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariant *value = g_variant_new_string ("deep");

  for (guint i = 0; i < nested; i++)
    value = g_variant_new_variant (value);
  for (guint i = 0; i < n_fds; i++)
    g_unix_fd_list_append (fds, STDOUT_FILENO, NULL);
  reply = g_dbus_connection_call_with_unix_fd_list_sync (connection, NULL, "/io/github/kari/Host",
                                                         "io.github.kari.Host1", "Log",
                                                         nested > 0 ? g_variant_new ("(v)", value)
                                                                    : g_variant_new ("(ss)", "info", "fds"),
                                                         NULL, G_DBUS_CALL_FLAGS_NONE, 10000,
                                                         n_fds > 0 ? fds : NULL, NULL, NULL, &error);
  if (nested == 0)
    g_variant_unref (g_variant_ref_sink (value));
  if (reply != NULL)
    printf ("hostile=answered\n");
  else
    print_error ("hostile", error);
  printf ("closed=%d\n", g_dbus_connection_is_closed (connection));
  g_main_loop_quit (c->loop);
}

static void
on_config_changed (KariExtension *extension,
                   const char    *tenant,
                   Client        *c)
{
  printf ("changed=%s\n", tenant);
  g_main_loop_quit (c->loop);
}

static void
on_config (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *config = kari_extension_get_config_finish (c->extension, result, &error);

  if (config != NULL)
    printf ("config=%s\n", config);
  else
    print_error ("config", error);
  g_main_loop_quit (c->loop);
}

static void
on_config_set (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;

  if (kari_extension_set_config_finish (c->extension, result, &error))
    {
      /* The host announces the change: wait for it. */
      printf ("set=ok\n");
      fflush (stdout);
      return;
    }
  print_error ("set", error);
  g_main_loop_quit (c->loop);
}

static gboolean
run_config_mode (Client *c)
{
  if (g_str_equal (c->mode, "config-get") || g_str_equal (c->mode, "config-secrets"))
    kari_extension_get_config_async (c->extension, g_str_equal (c->mode, "config-secrets"), NULL, on_config, c);
  else if (g_str_equal (c->mode, "config-set"))
    {
      g_auto(GStrv) parts = g_strsplit (c->arg, "=", 2);

      kari_extension_set_config_async (c->extension, parts[0], parts[1] != NULL ? parts[1] : "",
                                       NULL, on_config_set, c);
    }
  else if (g_str_equal (c->mode, "config-wait"))
    {
      printf ("waiting\n");
      fflush (stdout);
    }
  else
    return FALSE;
  return TRUE;
}

static gboolean
run_services_mode (Client *c)
{
  if (run_config_mode (c))
    return TRUE;
  if (g_str_equal (c->mode, "open"))
    kari_extension_open_file_async (c->extension, c->arg, "r", NULL, on_opened, c);
  else if (g_str_equal (c->mode, "call"))
    {
      g_auto(GStrv) parts = g_strsplit (c->arg, "/", 2);

      kari_extension_call_extension_async (c->extension, parts[0], parts[1] != NULL ? parts[1] : "",
                                           "{\"n\":1}", NULL, on_called, c);
    }
  else if (g_str_equal (c->mode, "nest"))
    send_hostile (c, (guint) g_ascii_strtoull (c->arg, NULL, 10), 0);
  else if (g_str_equal (c->mode, "fds"))
    send_hostile (c, 0, (guint) g_ascii_strtoull (c->arg, NULL, 10));
  else
    return FALSE;
  return TRUE;
}

/* A raw client that makes its handshake, then sends @count Log calls and
 * never reads a reply. */
static int
run_noread (const char *count)
{
  const char *address = g_getenv ("KARI_HOST_ADDRESS");
  g_autofree char *path = address != NULL && g_str_has_prefix (address, "unix:path=")
                          ? g_uri_unescape_string (address + strlen ("unix:path="), NULL) : NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) where = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *uid = g_strdup_printf ("%u", (guint) getuid ());
  GOutputStream *out;
  GDataInputStream *in;
  g_autofree char *line = NULL;
  guint n = (guint) g_ascii_strtoull (count, NULL, 10);
  guint sent = 0;

  if (path == NULL)
    return 2;
  where = g_unix_socket_address_new (path);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (where), NULL, &error);
  if (connection == NULL
      || !g_unix_connection_send_credentials (G_UNIX_CONNECTION (connection), NULL, &error))
    {
      print_error ("connect-error", error);
      return 3;
    }
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  {
    GString *hex = g_string_new ("AUTH EXTERNAL ");

    for (const char *p = uid; *p != '\0'; p++)
      g_string_append_printf (hex, "%02x", (guint) *p);
    g_string_append (hex, "\r\n");
    auth = g_string_free (hex, FALSE);
  }
  if (!g_output_stream_write_all (out, auth, strlen (auth), NULL, NULL, &error)
      || (line = g_data_input_stream_read_line (in, NULL, NULL, &error)) == NULL
      || !g_str_has_prefix (line, "OK ")
      || !g_output_stream_write_all (out, "BEGIN\r\n", 7, NULL, NULL, &error))
    {
      printf ("auth=failed\n");
      g_object_unref (in);
      return 4;
    }
  g_object_unref (in);

  for (guint i = 0; i <= n; i++)
    {
      g_autoptr(GDBusMessage) message =
        g_dbus_message_new_method_call (NULL, "/io/github/kari/Host", "io.github.kari.Host1",
                                        i == 0 ? "Handshake" : "Log");
      g_autofree guchar *blob = NULL;
      gsize size = 0;

      g_dbus_message_set_body (message, i == 0 ? g_variant_new ("(@a{sv})", g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0))
                                               : g_variant_new ("(ss)", "debug", "unread"));
      g_dbus_message_set_serial (message, i + 1);
      blob = g_dbus_message_to_blob (message, &size, G_DBUS_CAPABILITY_FLAGS_NONE, NULL);
      if (blob == NULL || !g_output_stream_write_all (out, blob, size, NULL, NULL, NULL))
        break;
      sent++;
    }
  printf ("sent=%u of %u\n", sent, n + 1);
  return 0;
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;

  if (!kari_extension_connect_finish (c->extension, result, &error))
    {
      print_error ("connect-error", error);
      c->status = 3;
      g_main_loop_quit (c->loop);
      return;
    }
  printf ("extension=%s\n", kari_extension_get_name (c->extension));

  if (run_services_mode (c))
    return;
  if (g_str_equal (c->mode, "handshake"))
    g_main_loop_quit (c->loop);
  else if (g_str_equal (c->mode, "notify"))
    kari_extension_notify_async (c->extension, "Hello", "from the client", NULL, on_notified, c);
  else if (g_str_equal (c->mode, "check"))
    kari_extension_check_permission_async (c->extension, c->arg, NULL, on_checked, c);
  else if (g_str_equal (c->mode, "big"))
    {
      g_autofree char *big = g_malloc (2 * 1024 * 1024 + 1);

      memset (big, 'x', 2 * 1024 * 1024);
      big[2 * 1024 * 1024] = '\0';
      kari_extension_log_async (c->extension, "info", big, NULL, on_big_logged, c);
    }
  else if (g_str_equal (c->mode, "flood"))
    {
      c->pending = (guint) g_ascii_strtoull (c->arg, NULL, 10);
      for (guint i = 0, n = c->pending; i < n; i++)
        kari_extension_log_async (c->extension, "debug", "flood", NULL, on_flood_logged, c);
    }
  else if (g_str_equal (c->mode, "midcall"))
    {
      GDBusConnection *connection = kari_extension_get_connection (c->extension);

      for (guint i = 0; i < 20; i++)
        kari_extension_check_permission_async (c->extension, "notifications", NULL, NULL, NULL);
      g_dbus_connection_flush_sync (connection, NULL, NULL);
      fflush (stdout);
      _exit (0);
    }
  else if (g_str_equal (c->mode, "stray"))
    {
      GDBusConnection *connection = kari_extension_get_connection (c->extension);
      g_autoptr(GError) stray_error = NULL;
      g_autoptr(GVariant) reply =
        g_dbus_connection_call_sync (connection, NULL, "/io/github/kari/Host", "org.freedesktop.DBus.Introspectable",
                                     "Introspect", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, 2000, NULL, &stray_error);

      if (reply != NULL)
        printf ("introspect=answered\n");
      else if (g_error_matches (stray_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        printf ("introspect=unanswered\n");
      else
        print_error ("introspect", stray_error);
      kari_extension_log_async (c->extension, "info", "after the stray call", NULL, on_big_logged, c);
    }
  else if (g_str_equal (c->mode, "hold") || g_str_equal (c->mode, "serve"))
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      g_autoptr(GSource) watch = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (in), NULL);

      g_source_set_callback (watch, (GSourceFunc) (void (*) (void)) on_stdin, c, NULL);
      g_source_attach (watch, NULL);
      printf ("holding\n");
      fflush (stdout);
    }
  else
    {
      g_printerr ("unknown mode %s\n", c->mode);
      c->status = 2;
      g_main_loop_quit (c->loop);
    }
}

static char *
render_main (KariExtension  *extension,
             const char     *page,
             const char     *context,
             gpointer        user_data,
             GError        **error)
{
  return g_strdup ("{\"type\": \"label\", \"id\": \"main\", \"text\": \"Main\"}");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KariExtension) extension = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  Client c = { 0 };

  if (argc < 2)
    {
      g_printerr ("usage: broker-client MODE [ARG]\n");
      return 2;
    }
  if (g_str_equal (argv[1], "forge"))
    return run_forge ();
  if (g_str_equal (argv[1], "noread"))
    return run_noread (argc > 2 ? argv[2] : "100000");

  extension = kari_extension_new ();
  loop = g_main_loop_new (NULL, FALSE);
  c = (Client) { loop, extension, argv[1], argc > 2 ? argv[2] : "", 0, 0, 0, 0, 0 };
  kari_extension_add_endpoint (extension, "echo", handle_echo, NULL, NULL);
  kari_extension_add_endpoint (extension, "hang", handle_hang, NULL, NULL);
  kari_extension_add_page (extension, "Main", render_main, NULL, NULL, NULL);
  g_signal_connect_swapped (extension, "shutdown", G_CALLBACK (g_main_loop_quit), loop);
  /* Before connecting: the host may announce a change right after the
   * handshake, before the connect callback runs. */
  if (g_str_equal (c.mode, "config-set") || g_str_equal (c.mode, "config-wait"))
    g_signal_connect (extension, "config-changed", G_CALLBACK (on_config_changed), &c);
  kari_extension_connect_async (extension, NULL, NULL, on_connected, &c);
  g_main_loop_run (loop);
  fflush (stdout);
  return c.status;
}
