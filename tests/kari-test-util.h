/* kari-test-util.h — small helpers the tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gstdio.h>

#include "kari.h"

G_BEGIN_DECLS

/* Writes @contents to @dir/@name, creating @dir; aborts the test on failure. */
static inline char *
kari_test_write (const char *dir,
                 const char *name,
                 const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* Writes an extension folder @root/@folder with a JSON manifest. */
static inline char *
kari_test_write_extension (const char *root,
                           const char *folder,
                           const char *name,
                           const char *version,
                           const char *extra_json)
{
  g_autofree char *dir = g_build_filename (root, folder, NULL);
  g_autofree char *json = g_strdup_printf ("{\n  \"name\": \"%s\",\n  \"version\": \"%s\",\n"
                                           "  \"description\": \"Test extension %s\"%s%s\n}\n",
                                           name, version, name,
                                           extra_json ? ",\n  " : "", extra_json ? extra_json : "");
  g_free (kari_test_write (dir, "extension.json", json));
  return g_steal_pointer (&dir);
}

static gboolean
kari_test_rm_rf_cb (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          kari_test_rm_rf_cb (child);
        else
          g_unlink (child);
      }
  return g_remove (path) == 0;
}

/* Removes a folder tree made by a test. */
static inline void
kari_test_rm_rf (const char *path)
{
  if (path != NULL)
    kari_test_rm_rf_cb (path);
}

/* Makes a temporary folder from @tmpl into *@dir and sets *@path to
 * @db_name inside it (the file is not created); aborts the test on
 * failure. */
static inline void
kari_test_tmp_db (const char  *tmpl,
                  const char  *db_name,
                  char       **dir,
                  char       **path)
{
  g_autoptr(GError) error = NULL;

  *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  *path = g_build_filename (*dir, db_name, NULL);
}

/* Removes the folder kari_test_tmp_db() made and frees both strings. */
static inline void
kari_test_tmp_db_clear (char **dir,
                        char **path)
{
  kari_test_rm_rf (*dir);
  g_clear_pointer (dir, g_free);
  g_clear_pointer (path, g_free);
}

/* Fails the test unless @path was recorded in @locations at @line:@column. */
static inline void
kari_test_assert_location (KariLocations *locations,
                           const char    *path,
                           guint          line,
                           guint          column)
{
  KariPosition pos = { 0, 0 };

  if (!kari_locations_find (locations, path, &pos))
    g_test_fail_printf ("no location recorded for “%s”", path);
  else if (pos.line != line || pos.column != column)
    g_test_fail_printf ("“%s” recorded at %u:%u, expected %u:%u",
                        path, pos.line, pos.column, line, column);
}

/* Runs the default main context until *@flag is set or @seconds pass;
 * returns whether it was set. Only a safety net against hangs, never a
 * measure of speed. */
static inline gboolean
kari_test_wait_for (gboolean *flag,
                    guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return *flag;
}

G_END_DECLS
