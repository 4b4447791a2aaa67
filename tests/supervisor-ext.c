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
 * In every mode it answers the endpoint "echo" with the request.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kari-extension.h>

static const char *mode = "hello";
static int exit_status;

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

  extension = kari_extension_new ();
  kari_extension_add_endpoint (extension, "echo", echo, NULL, NULL);
  if (!g_str_equal (mode, "stubborn"))
    g_signal_connect_swapped (extension, "shutdown", G_CALLBACK (g_main_loop_quit), loop);
  g_signal_connect_swapped (extension, "closed", G_CALLBACK (g_main_loop_quit), loop);
  g_signal_connect (extension, "config-changed", G_CALLBACK (on_config_changed), NULL);
  kari_extension_connect_async (extension, NULL, NULL, on_connected, loop);
  g_main_loop_run (loop);
  return 0;
}
