/* supervisor-ext.c — an extension that misbehaves on demand, for the
 * supervisor tests. It links the SDK's sources in, so it runs in a
 * sandbox that only has /usr. The first argument picks what it does
 * once the handshake is made:
 *
 *   hello        logs a line on stdout, stderr and over the broker, then serves
 *   exit N       exits with status N (before the handshake with "exit-early N")
 *   crash        dies of SIGSEGV
 *   hang         stops answering anything, Ping included
 *   spam         floods stdout with long lines and invalid UTF-8, forever
 *   stubborn     ignores Shutdown and SIGTERM
 *
 * In every mode it answers the endpoint "echo" with the request, and, for
 * the disk quota tests, "write" ("NAME SIZE": appends SIZE bytes to
 * /data/NAME, NAME being FILE or FOLDER/FILE, answers "ok N" or "error: WHY after N"), "read" ("NAME":
 * answers "size N" or "error: WHY") and "notices" (the kinds of the host's
 * notices so far, one per line).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kari-extension.h>

static const char *mode = "hello";
static int exit_status;
static GString *notices;

static void
spam (void)
{
  char line[10000];

  memset (line, 'x', sizeof line - 1);
  line[sizeof line - 1] = '\0';
  for (;;)
    {
      printf ("short line\n");
      printf ("bad utf-8 \xff\xfe here\n");
      printf ("%s\n", line);
    }
}

static char *
echo (KariExtension  *extension,
      const char     *endpoint,
      const char     *request,
      gpointer        user_data,
      GError        **error)
{
  return g_strdup (request);
}

/* NAME or FOLDER/NAME in /data. */
static char *
path_in_data (const char *name)
{
  const char *slash = strchr (name, '/');

  if (*name == '\0' || *name == '/' || strstr (name, "..") != NULL
      || (slash != NULL && (slash[1] == '\0' || strchr (slash + 1, '/') != NULL)))
    return NULL;
  return g_build_filename ("/data", name, NULL);
}

static char *
write_file (KariExtension  *extension,
            const char     *endpoint,
            const char     *request,
            gpointer        user_data,
            GError        **error)
{
  g_auto(GStrv) parts = g_strsplit (request, " ", 2);
  g_autofree char *path = parts[0] != NULL ? path_in_data (parts[0]) : NULL;
  char chunk[65536];
  guint64 size = parts[0] != NULL && parts[1] != NULL ? g_ascii_strtoull (parts[1], NULL, 10) : 0;
  guint64 done = 0;
  int fd;

  if (path == NULL)
    return g_strdup ("error: bad request");
  fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    return g_strdup_printf ("error: %s after 0", g_strerror (errno));
  memset (chunk, 'x', sizeof chunk);
  while (done < size)
    {
      ssize_t n = write (fd, chunk, (size_t) MIN (size - done, sizeof chunk));

      if (n < 0)
        {
          int saved = errno;

          close (fd);
          return g_strdup_printf ("error: %s after %" G_GUINT64_FORMAT, g_strerror (saved), done);
        }
      done += (guint64) n;
    }
  close (fd);
  return g_strdup_printf ("ok %" G_GUINT64_FORMAT, done);
}

static char *
read_file (KariExtension  *extension,
           const char     *endpoint,
           const char     *request,
           gpointer        user_data,
           GError        **error)
{
  g_autofree char *path = path_in_data (request);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  if (path == NULL)
    return g_strdup ("error: bad request");
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    return g_strdup_printf ("error: %s", local_error->message);
  return g_strdup_printf ("size %" G_GSIZE_FORMAT, length);
}

static char *
list_notices (KariExtension  *extension,
              const char     *endpoint,
              const char     *request,
              gpointer        user_data,
              GError        **error)
{
  return g_strdup (notices->str);
}

static void
on_notice (KariExtension *extension,
           const char    *kind,
           const char    *message,
           gpointer       user_data)
{
  g_string_append_printf (notices, "%s\n", kind);
  printf ("notice %s: %s\n", kind, message);
  fflush (stdout);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KariExtension *extension = KARI_EXTENSION (source);
  GMainLoop *loop = user_data;
  g_autoptr(GError) error = NULL;

  if (!kari_extension_connect_finish (extension, result, &error))
    {
      fprintf (stderr, "supervisor-ext: %s\n", error->message);
      g_main_loop_quit (loop);
      return;
    }
  printf ("ready on stdout\n");
  fflush (stdout);
  fprintf (stderr, "ready on stderr\n");

  if (g_str_equal (mode, "exit"))
    exit (exit_status);
  else if (g_str_equal (mode, "crash"))
    raise (SIGSEGV);
  else if (g_str_equal (mode, "hang"))
    for (;;)
      pause ();
  else if (g_str_equal (mode, "spam"))
    spam ();
  kari_extension_log_async (extension, "info", "over the broker", NULL, NULL, NULL);
}

/* Says on stdout (so in the host's log) that the host announced a
 * change of its settings. */
static void
on_config_changed (KariExtension *extension,
                   const char    *tenant,
                   gpointer       user_data)
{
  printf ("config changed in %s\n", tenant);
  fflush (stdout);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(KariExtension) extension = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  if (argc > 1)
    mode = argv[1];
  if (argc > 2)
    exit_status = atoi (argv[2]);
  if (g_str_equal (mode, "exit-early"))
    return exit_status;
  if (g_str_equal (mode, "stubborn"))
    signal (SIGTERM, SIG_IGN);

  notices = g_string_new (NULL);
  extension = kari_extension_new ();
  kari_extension_add_endpoint (extension, "echo", echo, NULL, NULL);
  kari_extension_add_endpoint (extension, "write", write_file, NULL, NULL);
  kari_extension_add_endpoint (extension, "read", read_file, NULL, NULL);
  kari_extension_add_endpoint (extension, "notices", list_notices, NULL, NULL);
  g_signal_connect (extension, "notice", G_CALLBACK (on_notice), NULL);
  if (!g_str_equal (mode, "stubborn"))
    g_signal_connect_swapped (extension, "shutdown", G_CALLBACK (g_main_loop_quit), loop);
  g_signal_connect_swapped (extension, "closed", G_CALLBACK (g_main_loop_quit), loop);
  g_signal_connect (extension, "config-changed", G_CALLBACK (on_config_changed), NULL);
  kari_extension_connect_async (extension, NULL, NULL, on_connected, loop);
  g_main_loop_run (loop);
  return 0;
}
