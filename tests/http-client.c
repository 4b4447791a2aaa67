/* http-client.c — an extension process for test-http-fetch, built on
 * libkari-extension; run as `http-client METHOD URL [HEADER VALUE]` with
 * KARI_HOST_ADDRESS set, it prints the response or the error on stdout.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>

#include "kari-extension.h"

typedef struct
{
  GMainLoop     *loop;
  KariExtension *extension;
  char         **argv;
  int            argc;
  int            status;
} Client;

static void
on_response (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) headers = NULL;
  guint status = 0;
  g_autoptr(GBytes) body = kari_extension_http_request_finish (c->extension, result, &status, &headers, &error);

  if (body == NULL)
    printf ("error=%s:%d %s\n", g_quark_to_string (error->domain), error->code, error->message);
  else
    printf ("status=%u host=%s body=%.*s\n", status, (const char *) g_hash_table_lookup (headers, "x-seen-host"),
            (int) g_bytes_get_size (body), (const char *) g_bytes_get_data (body, NULL));
  g_main_loop_quit (c->loop);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) headers = g_hash_table_new (g_str_hash, g_str_equal);

  if (!kari_extension_connect_finish (c->extension, result, &error))
    {
      printf ("connect=%s\n", error->message);
      c->status = 1;
      g_main_loop_quit (c->loop);
      return;
    }
  if (c->argc > 4)
    g_hash_table_insert (headers, c->argv[3], c->argv[4]);
  kari_extension_http_request_async (c->extension, c->argv[1], c->argv[2], headers, NULL, NULL,
                                     on_response, c);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KariExtension) extension = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  Client c = { 0 };

  if (argc < 3)
    {
      g_printerr ("usage: http-client METHOD URL [HEADER VALUE]\n");
      return 2;
    }
  extension = kari_extension_new ();
  loop = g_main_loop_new (NULL, FALSE);
  c = (Client) { loop, extension, argv, argc, 0 };
  kari_extension_connect_async (extension, NULL, NULL, on_connected, &c);
  g_main_loop_run (loop);
  fflush (stdout);
  return c.status;
}
