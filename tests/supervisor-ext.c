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
 * It also renders the page "/main": a label "count: N" and buttons whose clicks
 * do what their id says:
 *
 *   inc          answers with the count one higher
 *   nothing      answers "" (no change)
 *   push         pushes a tree with "pushed: N" instead of answering one
 *   garbage      answers a tree that is not valid
 *   push-garbage pushes a tree that is not valid, logs what the host said
 *   push-huge    pushes a tree of 800 KiB, logs what the host said
 *   flood        pushes 200 trees at once, logs how many were refused
 *   undeclared   pushes "/nowhere", logs what the host said
 *   crash        dies of SIGSEGV
 *   slow         answers after 20 s
 *   stamp        pushes a dashboard (a chart of 30 points, a table of 20
 *                rows) whose label "stamp" holds g_get_monotonic_time()
 *                when it was pushed, for bench-page-update
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

static int count;

static char *
main_tree (const char *text)
{
  return g_strdup_printf ("{\"id\": \"root\", \"type\": \"box\", \"children\": ["
                          "{\"id\": \"count\", \"type\": \"label\", \"text\": \"%s\"},"
                          "{\"id\": \"inc\", \"type\": \"button\", \"label\": \"More\"},"
                          "{\"id\": \"push\", \"type\": \"button\", \"label\": \"Push\"}]}",
                          text);
}

static char *
stamp_tree (int n)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "{\"id\": \"root\", \"type\": \"box\", \"children\": ["
                          "{\"id\": \"stamp\", \"type\": \"label\", \"text\": \"%" G_GINT64_FORMAT "\"},"
                          "{\"id\": \"chart\", \"type\": \"chart\", \"kind\": \"line\", \"labels\": [",
                          g_get_monotonic_time ());
  for (int i = 0; i < 30; i++)
    g_string_append_printf (s, "%s\"%d\"", i ? "," : "", n + i);
  g_string_append (s, "], \"series\": [{\"name\": \"Load\", \"values\": [");
  for (int i = 0; i < 30; i++)
    g_string_append_printf (s, "%s%d", i ? "," : "", (n + i) * 7 % 100);
  g_string_append (s, "]}]}, {\"id\": \"table\", \"type\": \"table\", \"columns\": [\"Tick\", \"Load\"], \"rows\": [");
  for (int i = 0; i < 20; i++)
    g_string_append_printf (s, "%s[%d, %d]", i ? "," : "", n - i, (n - i) * 7 % 100);
  g_string_append (s, "]}]}");
  return g_string_free (s, FALSE);
}

static char *
render_main (KariExtension  *extension,
             const char     *page,
             const char     *context,
             gpointer        user_data,
             GError        **error)
{
  g_autofree char *text = g_strdup_printf ("count: %d", count);

  return main_tree (text);
}

static void
on_push_logged (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  kari_extension_push_page_finish (KARI_EXTENSION (source), result, &error);
  line = g_strdup_printf ("%s: %s", (char *) user_data, error != NULL ? error->message : "ok");
  kari_extension_log_async (KARI_EXTENSION (source), "info", line, NULL, NULL, NULL);
  g_free (user_data);
}

static void
on_flooded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  static int refused, answered;
  g_autoptr(GError) error = NULL;

  if (!kari_extension_push_page_finish (KARI_EXTENSION (source), result, &error)
      && g_error_matches (error, KARI_EXTENSION_ERROR, KARI_EXTENSION_ERROR_LIMIT_EXCEEDED))
    refused++;
  if (++answered == 200)
    {
      g_autofree char *line = g_strdup_printf ("flood refused %d", refused);

      kari_extension_log_async (KARI_EXTENSION (source), "info", line, NULL, NULL, NULL);
    }
}

static char *
on_main_event (KariExtension  *extension,
               const char     *page,
               const char     *node_id,
               const char     *kind,
               const char     *value,
               gpointer        user_data,
               GError        **error)
{
  g_autofree char *text = NULL;

  if (g_str_equal (node_id, "inc"))
    {
      text = g_strdup_printf ("count: %d", ++count);
      return main_tree (text);
    }
  if (g_str_equal (node_id, "push"))
    {
      g_autofree char *tree = NULL;

      text = g_strdup_printf ("pushed: %d", ++count);
      tree = main_tree (text);
      kari_extension_push_page_async (extension, "/main", tree, NULL, on_push_logged, g_strdup ("push /main"));
      return NULL;
    }
  if (g_str_equal (node_id, "garbage"))
    return g_strdup ("{\"id\": \"root\", \"type\": \"box\", \"children\": [{\"id\": \"x\", \"type\": \"rocket\"}]}");
  if (g_str_equal (node_id, "stamp"))
    {
      g_autofree char *tree = stamp_tree (++count);

      kari_extension_push_page_async (extension, "/main", tree, NULL, NULL, NULL);
      return NULL;
    }
  if (g_str_equal (node_id, "push-huge"))
    {
      g_autofree char *filler = g_strnfill (800 * 1024, 'x');
      g_autofree char *tree = main_tree (filler);

      kari_extension_push_page_async (extension, "/main", tree, NULL, on_push_logged, g_strdup ("push-huge /main"));
      return NULL;
    }
  if (g_str_equal (node_id, "push-garbage"))
    {
      kari_extension_push_page_async (extension, "/main", "{\"id\": \"root\", \"type\": \"box\", \"children\": 7}",
                                      NULL, on_push_logged, g_strdup ("push-garbage /main"));
      return NULL;
    }
  if (g_str_equal (node_id, "flood"))
    {
      for (int i = 0; i < 200; i++)
        {
          g_autofree char *tree = NULL;

          text = g_strdup_printf ("flood: %d", i);
          tree = main_tree (text);
          g_clear_pointer (&text, g_free);
          kari_extension_push_page_async (extension, "/main", tree, NULL, on_flooded, NULL);
        }
      return NULL;
    }
  if (g_str_equal (node_id, "undeclared"))
    {
      kari_extension_push_page_async (extension, "/nowhere", "{\"id\": \"a\", \"type\": \"label\", \"text\": \"x\"}",
                                      NULL, on_push_logged, g_strdup ("push /nowhere"));
      return NULL;
    }
  if (g_str_equal (node_id, "crash"))
    raise (SIGSEGV);
  if (g_str_equal (node_id, "slow"))
    g_usleep (20 * G_USEC_PER_SEC);   /* deaf to the host meanwhile, like a stuck extension */
  return NULL;
}

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

  kari_extension_add_page (extension, "/main", render_main, on_main_event, NULL, NULL);
  if (!g_str_equal (mode, "stubborn"))
    g_signal_connect_swapped (extension, "shutdown", G_CALLBACK (g_main_loop_quit), loop);
  g_signal_connect_swapped (extension, "closed", G_CALLBACK (g_main_loop_quit), loop);
  g_signal_connect (extension, "config-changed", G_CALLBACK (on_config_changed), NULL);
  kari_extension_connect_async (extension, NULL, NULL, on_connected, loop);
  g_main_loop_run (loop);
  return 0;
}
