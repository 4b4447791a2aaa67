/* hostile-ext.c — a supervised extension that attacks its host, for
 * test-hostile. It links the SDK's sources in (a sandbox has only /usr)
 * and is never sanitized. The first argument picks the attack, made
 * once the handshake is done; results go back over the extension's own
 * D-Bus connection as one Log line, "result: A: R; B: R; … :end", where
 * R is OK, an errno name or a D-Bus error name. Attacks that lose the
 * connection print on stdout instead, which the supervisor logs.
 *
 *   syscalls            every call of kari-probe-syscalls.h
 *   read PATH…          open(2) host paths
 *   write PATH…         create files
 *   connect PORT        a TCP connection to the host's loopback
 *   unix PATH…          connect(2) to unix sockets (another broker's)
 *   signal PID…         kill(2) and ptrace(2) those pids, then kill(-1)
 *   forge NAME          claim to be NAME with a forged sender, after the
 *                       SDK's handshake: Handshake again, CheckPermission,
 *                       Notify and CallExtension
 *   claim NAME          the same on a connection of its own, from the
 *                       first Handshake on, without the SDK
 *   open PATH…          Host1.OpenFile for reading
 *   http URL…           Host1.HttpRequest, one after another
 *   forkbomb            fork until refused; the children wait
 *   hog                 touch memory MiB by MiB until stopped
 *   spin SECONDS        two threads burning CPU
 *   fill                write /data/fill until refused
 *   fds                 open descriptors until refused, then call the host
 *   big MIB             one Log call of MIB mebibytes
 *   flood N             N Log calls at once
 *   hang                stop answering anything
 *   crash               die of SIGSEGV
 *
 * It always answers the endpoint "echo" with the request.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <kari-extension.h>

#include "kari-probe-syscalls.h"

#define HOST_PATH      "/io/github/kari/Host"
#define HOST_INTERFACE "io.github.kari.Host1"

static KariExtension *extension;
static GMainLoop *loop;
static GString *results;
static char **args;        /* after the mode */
static guint next_arg;
static guint pending;

static void
add (const char *name,
     const char *result)
{
  g_string_append_printf (results, "%s: %s; ", name, result);
}

static void
add_errno (const char *name,
           long        r)
{
  int saved = errno;

  add (name, r < 0 ? strerrorname_np (saved) : "OK");
}

static void
add_error (const char *name,
           GError     *error)
{
  g_autofree char *dbus_name = g_dbus_error_encode_gerror (error);

  add (name, dbus_name);
}

static void
on_logged (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kari_extension_log_finish (extension, result, &error))
    fprintf (stderr, "hostile-ext: cannot report: %s\n", error->message);
}

/* Sends the results; the extension keeps serving afterwards. */
static void
report (void)
{
  g_string_append (results, ":end");
  kari_extension_log_async (extension, "info", results->str, NULL, on_logged, NULL);
  printf ("reported\n");
  fflush (stdout);
}

static char *
echo (KariExtension  *self,
      const char     *endpoint,
      const char     *request,
      gpointer        user_data,
      GError        **error)
{
  return g_strdup (request);
}

/* ------------------------------------------------------------------ */
/* The kernel's side                                                   */

static void
attack_files (gboolean writing)
{
  for (guint i = 0; args[i] != NULL; i++)
    {
      int fd = open (args[i], writing ? O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0600);

      if (fd >= 0 && writing && write (fd, "written", 7) != 7)
        fd = -1;
      add_errno (args[i], fd);
      if (fd >= 0)
        close (fd);
    }
}

static void
attack_connect (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (atoi (args[0])) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  add_errno ("connect", fd < 0 ? fd : connect (fd, (struct sockaddr *) &addr, sizeof addr));
}

static void
attack_unix (void)
{
  for (guint i = 0; args[i] != NULL; i++)
    {
      struct sockaddr_un addr = { .sun_family = AF_UNIX };
      int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

      g_strlcpy (addr.sun_path, args[i], sizeof addr.sun_path);
      add_errno (args[i], fd < 0 ? fd : connect (fd, (struct sockaddr *) &addr, sizeof addr));
      if (fd >= 0)
        close (fd);
    }
}

static void
attack_signal (void)
{
  for (guint i = 0; args[i] != NULL; i++)
    {
      pid_t pid = atoi (args[i]);
      g_autofree char *kill_name = g_strdup_printf ("kill %s", args[i]);
      g_autofree char *trace_name = g_strdup_printf ("ptrace %s", args[i]);

      add_errno (kill_name, kill (pid, SIGKILL));
      add_errno (trace_name, ptrace (PTRACE_ATTACH, pid, NULL, NULL));
    }
  /* Everything it can reach: in its own pid namespace, only itself,
   * which kill(-1) spares. */
  add_errno ("kill -1", kill (-1, SIGTERM));
}

static void
attack_forkbomb (void)
{
  guint n = 0;

  for (;;)
    {
      pid_t pid = fork ();

      if (pid == 0)
        {
          pause ();
          _exit (0);
        }
      if (pid < 0)
        break;
      n++;
    }
  g_string_append_printf (results, "forks: %u; ", n);
  add_errno ("fork", -1);
}

static void
attack_hog (void)
{
  /* Bounded, so a hog that escaped its limit ends the test quickly. */
  for (guint mib = 1; mib <= 1024; mib++)
    {
      char *chunk = malloc (1 << 20);

      if (chunk == NULL)
        {
          printf ("hog: ENOMEM after %u MiB\n", mib - 1);
          fflush (stdout);
          g_string_append_printf (results, "hog: ENOMEM after %u MiB; ", mib - 1);
          return;
        }
      memset (chunk, mib & 0xff, 1 << 20);
      printf ("hog: %u MiB\n", mib);
      fflush (stdout);
      /* Slow enough for the host's samples to see it grow. */
      g_usleep (5000);
    }
  printf ("hog: ENOMEM never came\n");
  fflush (stdout);
  add ("hog", "no limit");
}

static gpointer
spin (gpointer data)
{
  gint64 end = g_get_monotonic_time () + GPOINTER_TO_INT (data) * G_USEC_PER_SEC;
  volatile guint64 n = 0;

  while (g_get_monotonic_time () < end)
    n++;
  return NULL;
}

static void
attack_spin (void)
{
  int seconds = atoi (args[0]);
  GThread *other = g_thread_new ("spin", spin, GINT_TO_POINTER (seconds));

  spin (GINT_TO_POINTER (seconds));
  g_thread_join (other);
  add ("spin", "OK");
}

static void
attack_fill (void)
{
  static char block[64 * 1024];
  int fd = open ("/data/fill", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  gsize total = 0;

  memset (block, 'f', sizeof block);
  /* The host polls the folder; slow enough for it to notice, and
   * bounded so a host that never stops it still ends the test. */
  while (fd >= 0 && total < 64 * 1024 * 1024)
    {
      if (write (fd, block, sizeof block) != sizeof block)
        {
          add_errno ("fill", -1);
          break;
        }
      total += sizeof block;
      g_usleep (2000);
    }
  g_string_append_printf (results, "filled: %" G_GSIZE_FORMAT "; ", total);
}

static void
attack_fds (void)
{
  guint n = 0;

  while (open ("/dev/null", O_RDONLY | O_CLOEXEC) >= 0)
    n++;
  g_string_append_printf (results, "fds: %u; ", n);
  add_errno ("open", -1);
  /* Report while still full: the host must not care. */
}

/* ------------------------------------------------------------------ */
/* The broker's side                                                   */

static void next_http (void);

static void
on_http (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree char *url = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  body = kari_extension_http_request_finish (extension, result, &status, NULL, &error);
  if (body == NULL)
    add_error (url, error);
  else
    {
      g_autofree char *code = g_strdup_printf ("HTTP %u", status);
      add (url, code);
    }
  next_http ();
}

static void
next_http (void)
{
  const char *url = args[next_arg];

  if (url == NULL)
    {
      report ();
      return;
    }
  next_arg++;
  kari_extension_http_request_async (extension, "GET", url, NULL, NULL, NULL, on_http, g_strdup (url));
}

static void next_open (void);

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree char *path = user_data;
  g_autoptr(GError) error = NULL;
  int fd = kari_extension_open_file_finish (extension, result, &error);

  if (fd < 0)
    add_error (path, error);
  else
    {
      add (path, "OK");
      close (fd);
    }
  next_open ();
}

static void
next_open (void)
{
  const char *path = args[next_arg];

  if (path == NULL)
    {
      report ();
      return;
    }
  next_arg++;
  kari_extension_open_file_async (extension, path, "r", NULL, on_opened, g_strdup (path));
}

/* Sends @method on the extension's own connection with a forged sender. */
static void
forged_call (GDBusConnection *connection,
             const char      *name,
             const char      *method,
             GVariant        *parameters)
{
  g_autoptr(GDBusMessage) message = g_dbus_message_new_method_call (NULL, HOST_PATH, HOST_INTERFACE, method);
  g_autoptr(GDBusMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sender = g_strdup_printf ("io.github.kari.%s", name);
  GVariant *body;

  g_dbus_message_set_sender (message, sender);
  g_dbus_message_set_body (message, parameters);
  reply = g_dbus_connection_send_message_with_reply_sync (connection, message, G_DBUS_SEND_MESSAGE_FLAGS_NONE,
                                                          5000, NULL, NULL, &error);
  if (reply == NULL || g_dbus_message_to_gerror (reply, &error))
    {
      add_error (method, error);
      return;
    }
  body = g_dbus_message_get_body (reply);
  if (g_str_equal (method, "Handshake"))
    {
      g_autoptr(GVariant) info = g_variant_get_child_value (body, 0);
      const char *who = "?";

      g_variant_lookup (info, "extension", "&s", &who);
      add ("Handshake", who);
    }
  else if (g_str_equal (method, "CheckPermission"))
    {
      gboolean allowed = FALSE;

      g_variant_get (body, "(b&s)", &allowed, NULL);
      add ("CheckPermission", allowed ? "allowed" : "refused");
    }
  else
    add (method, "OK");
}

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = kari_extension_call_extension_finish (extension, result, &error);

  if (answer == NULL)
    add_error ("CallExtension", error);
  else
    add ("CallExtension", "OK");
  report ();
}

static void
attack_forge (void)
{
  const char *name = args[0];
  GDBusConnection *connection = kari_extension_get_connection (extension);
  GVariantDict offered;

  g_variant_dict_init (&offered, NULL);
  g_variant_dict_insert (&offered, "extension", "s", name);
  g_variant_dict_insert (&offered, "tenant", "s", "other");
  forged_call (connection, name, "Handshake", g_variant_new ("(@a{sv})", g_variant_dict_end (&offered)));
  forged_call (connection, name, "CheckPermission", g_variant_new ("(s)", "notifications"));
  forged_call (connection, name, "Notify", g_variant_new ("(ss)", name, "forged"));
  kari_extension_call_extension_async (extension, name, "echo", "{}", NULL, on_called, NULL);
}

/* Before the SDK: a connection of its own whose first Handshake, with
 * a forged sender, offers another extension's name and tenant. The
 * results go back over that same connection. */
static void
attack_claim (void)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection =
    g_dbus_connection_new_for_address_sync (g_getenv (KARI_EXTENSION_ADDRESS_VARIABLE),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &error);
  g_autoptr(GVariant) logged = NULL;
  GVariantDict offered;

  if (connection == NULL)
    {
      printf ("claim: %s\n", error->message);
      fflush (stdout);
      return;
    }
  g_variant_dict_init (&offered, NULL);
  g_variant_dict_insert (&offered, "extension", "s", args[0]);
  g_variant_dict_insert (&offered, "tenant", "s", "other");
  forged_call (connection, args[0], "Handshake", g_variant_new ("(@a{sv})", g_variant_dict_end (&offered)));
  forged_call (connection, args[0], "CheckPermission", g_variant_new ("(s)", "notifications"));
  forged_call (connection, args[0], "CallExtension", g_variant_new ("(sss)", args[0], "echo", "{}"));
  g_string_append (results, ":end");
  logged = g_dbus_connection_call_sync (connection, NULL, HOST_PATH, HOST_INTERFACE, "Log",
                                        g_variant_new ("(ss)", "info", results->str), NULL,
                                        G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  printf ("claim: %s\n", logged != NULL ? "reported" : error->message);
  fflush (stdout);
  /* Held open: the connection is its one way in. */
  g_object_set_data_full (G_OBJECT (extension), "claim", connection, g_object_unref);
}

static void
on_big (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  printf ("big: %s\n", reply != NULL ? "answered" : error->message);
  fflush (stdout);
}

static void
attack_big (void)
{
  gsize size = (gsize) atoi (args[0]) << 20;
  char *text = g_malloc (size + 1);

  memset (text, 'b', size);
  text[size] = '\0';
  /* Past the SDK, which would refuse it: straight on the connection. */
  g_dbus_connection_call (kari_extension_get_connection (extension), NULL, HOST_PATH, HOST_INTERFACE,
                          "Log", g_variant_new ("(s@s)", "info", g_variant_new_take_string (text)), NULL,
                          G_DBUS_CALL_FLAGS_NONE, 60000, NULL, on_big, NULL);
}

static guint n_ok, n_limited, n_other;

static void
on_flooded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (kari_extension_log_finish (extension, result, &error))
    n_ok++;
  else if (g_error_matches (error, KARI_EXTENSION_ERROR, KARI_EXTENSION_ERROR_LIMIT_EXCEEDED))
    n_limited++;
  else
    n_other++;
  if (--pending == 0)
    {
      printf ("flood: ok=%u limited=%u other=%u closed=%d\n", n_ok, n_limited, n_other,
              g_dbus_connection_is_closed (kari_extension_get_connection (extension)));
      fflush (stdout);
    }
}

static void
attack_flood (void)
{
  guint n = (guint) atoi (args[0]);

  pending = n;
  for (guint i = 0; i < n; i++)
    kari_extension_log_async (extension, "debug", "flood", NULL, on_flooded, NULL);
}

/* ------------------------------------------------------------------ */

typedef struct
{
  const char *mode;
  void      (*attack) (void);
  gboolean    reports;   /* whether the results go back at once */
} Attack;

static void
attack_syscalls (void)
{
  kari_probe_syscalls (add_errno);
}

static void attack_read (void) { attack_files (FALSE); }
static void attack_write (void) { attack_files (TRUE); }
static void attack_http (void) { next_http (); }
static void attack_open (void) { next_open (); }
static void attack_hang (void) { for (;;) pause (); }
static void attack_crash (void) { raise (SIGSEGV); }

static const Attack attacks[] = {
  { "syscalls", attack_syscalls, TRUE },
  { "read",     attack_read,     TRUE },
  { "write",    attack_write,    TRUE },
  { "connect",  attack_connect,  TRUE },
  { "unix",     attack_unix,     TRUE },
  { "signal",   attack_signal,   TRUE },
  { "forkbomb", attack_forkbomb, TRUE },
  { "hog",      attack_hog,      TRUE },
  { "spin",     attack_spin,     TRUE },
  { "fill",     attack_fill,     TRUE },
  { "fds",      attack_fds,      TRUE },
  { "forge",    attack_forge,    FALSE },
  { "open",     attack_open,     FALSE },
  { "http",     attack_http,     FALSE },
  { "big",      attack_big,      FALSE },
  { "flood",    attack_flood,    FALSE },
  { "hang",     attack_hang,     FALSE },
  { "crash",    attack_crash,    FALSE },
};

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  const char *mode = user_data;
  g_autoptr(GError) error = NULL;

  if (!kari_extension_connect_finish (extension, result, &error))
    {
      fprintf (stderr, "hostile-ext: %s\n", error->message);
      g_main_loop_quit (loop);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (attacks); i++)
    if (g_str_equal (attacks[i].mode, mode))
      {
        attacks[i].attack ();
        if (attacks[i].reports)
          report ();
        return;
      }
  fprintf (stderr, "hostile-ext: no attack called “%s”\n", mode);
}

int
main (int    argc,
      char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";

  args = argc > 1 ? argv + 2 : argv + argc;
  results = g_string_new ("result: ");
  loop = g_main_loop_new (NULL, FALSE);
  extension = kari_extension_new ();
  if (g_str_equal (mode, "claim") && args[0] != NULL)
    {
      attack_claim ();
      g_main_loop_run (loop);
      return 0;
    }
  kari_extension_add_endpoint (extension, "echo", echo, NULL, NULL);
  g_signal_connect_swapped (extension, "shutdown", G_CALLBACK (g_main_loop_quit), loop);
  g_signal_connect_swapped (extension, "closed", G_CALLBACK (g_main_loop_quit), loop);
  kari_extension_connect_async (extension, NULL, NULL, on_connected, (gpointer) mode);
  g_main_loop_run (loop);
  g_object_unref (extension);
  g_main_loop_unref (loop);
  g_string_free (results, TRUE);
  return 0;
}
