/* hello-c.c — a minimal Kari extension in C
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Build it beside its manifest (the host runs ./hello-c from this folder):
 *
 *   cc -o hello-c hello-c.c $(pkg-config --cflags --libs kari-extension-1)
 *
 * or take the one meson builds in _build/examples/extensions/hello-c/.
 * The host starts it with KARI_HOST_ADDRESS set; kari_extension_connect_async()
 * reads it.
 */

#include <kari-extension.h>

static char *
handle_hello (KariExtension  *extension,
              const char     *endpoint,
              const char     *request,
              gpointer        user_data,
              GError        **error)
{
  return g_strdup ("{\"greeting\": \"Hello from C\"}");
}

static void
on_notified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kari_extension_notify_finish (KARI_EXTENSION (source), result, &error))
    kari_extension_log_async (KARI_EXTENSION (source), "warning", error->message, NULL, NULL, NULL);
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
      g_printerr ("hello-c: %s\n", error->message);
      g_main_loop_quit (loop);
      return;
    }
  kari_extension_log_async (extension, "info", "hello-c is running", NULL, NULL, NULL);
  kari_extension_notify_async (extension, "Hello", "hello-c started", NULL, on_notified, NULL);
}

int
main (void)
{
  g_autoptr(KariExtension) extension = kari_extension_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  kari_extension_add_endpoint (extension, "hello", handle_hello, NULL, NULL);
  g_signal_connect_swapped (extension, "shutdown", G_CALLBACK (g_main_loop_quit), loop);
  g_signal_connect_swapped (extension, "closed", G_CALLBACK (g_main_loop_quit), loop);
  kari_extension_connect_async (extension, NULL, NULL, on_connected, loop);
  g_main_loop_run (loop);
  return 0;
}
