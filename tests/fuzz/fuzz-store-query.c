/* fuzz-store-query.c: feeds arbitrary bytes to kari_store_query() as a
 * query, and to kari_store_sql() as parameters, on a real store with a
 * few documents.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "kari-store.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static KariStore *store;
static char *folder;

/* The store lives for the whole run; its folder goes at exit. */
static void
remove_store (void)
{
  g_autofree char *path = g_build_filename (folder, "fuzz.sqlite", NULL);

  g_clear_object (&store);
  kari_store_remove (path, NULL);
  g_rmdir (folder);
}

static KariStore *
the_store (void)
{
  if (store == NULL)
    {
      g_autofree char *path = NULL;

      folder = g_dir_make_tmp ("kari-fuzz-store-XXXXXX", NULL);
      path = g_build_filename (folder, "fuzz.sqlite", NULL);
      store = kari_store_open (path, NULL);
      atexit (remove_store);
      if (store == NULL)
        __builtin_trap ();
      kari_store_put (store, NULL, "c", "a", "{\"x\": 1, \"y\": {\"z\": \"q\"}}", -1, NULL);
      kari_store_put (store, NULL, "c", "b", "{\"x\": 2, \"t\": [1, 2]}", -1, NULL);
      kari_store_create_index (store, "c", "x", NULL);
      g_free (kari_store_sql (store, NULL, "CREATE TABLE t (a, b)", NULL, NULL));
    }
  return store;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *page = kari_store_query (the_store (), NULL, "c", text, &error);
  g_autofree char *rows = NULL;

  /* Exactly one of a page or an error. */
  if ((page == NULL) == (error == NULL))
    __builtin_trap ();
  g_clear_error (&error);
  rows = kari_store_sql (the_store (), NULL, "SELECT ?, ? FROM t", text, &error);
  if ((rows == NULL) == (error == NULL))
    __builtin_trap ();
  return 0;
}
