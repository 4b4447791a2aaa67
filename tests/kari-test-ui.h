/* kari-test-ui.h — what the Control Room's UI tests, screenshots and
 * start-up benchmark share: a display, a private session bus, temporary
 * data folders, and waiting for frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A UI test needs an X display. When neither DISPLAY nor WAYLAND_DISPLAY
 * is set (or both are empty), kari_test_gtk_ensure_display() runs the program again under
 * `xvfb-run -a` (a private Xvfb on a free display number), so
 * `meson test` works on a headless machine and in CI without a wrapper.
 */
#pragma once

#include <unistd.h>

#include <adwaita.h>

#include "kari-test-gtk.h"
#include "kari-test-util.h"

G_BEGIN_DECLS

/* The environment every UI program sets before GTK starts: settings in
 * memory from the build's compiled schema, no portals or accessibility
 * bus, the software renderer (an Xvfb has no GPU), and data folders in
 * @root. */
static inline void
kari_test_ui_setup_env (const char *root)
{
  g_autofree char *data = g_build_filename (root, "data", NULL);
  g_autofree char *config = g_build_filename (root, "config", NULL);
  g_autofree char *cache = g_build_filename (root, "cache", NULL);
  g_autofree char *share = g_build_filename (root, "share", NULL);
  g_autofree char *data_dirs = g_strconcat (share, ":/usr/share", NULL);
  const char *schemas = g_getenv ("KARI_APP_SCHEMA_DIR");

  g_mkdir_with_parents (data, 0700);
  g_mkdir_with_parents (config, 0700);
  g_mkdir_with_parents (cache, 0700);
  g_mkdir_with_parents (share, 0700);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_DIRS", data_dirs, TRUE);
  g_unsetenv ("KARI_EXTENSIONS_PATH");
  g_unsetenv ("KARI_PLUGINS_PATH");
  if (schemas != NULL)
    g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("ADW_DISABLE_PORTAL", "1", TRUE);
  g_setenv ("GTK_USE_PORTAL", "0", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
}

/* For UI tests that run sandboxes: a display, a temporary root (0755, so
 * an unprivileged sandbox may enter it) holding the data folders of
 * kari_test_ui_setup_env() and a private XDG_RUNTIME_DIR for the
 * brokers' sockets. Returns the root, for kari_test_rm_rf() at the end. */
static inline char *
kari_test_ui_setup_sandbox_env (int          argc,
                                char       **argv,
                                const char  *template)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *runtime = NULL;
  char *root;

  kari_test_gtk_ensure_display (argc, argv);
  root = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (root, 0755), ==, 0);
  kari_test_ui_setup_env (root);
  runtime = g_build_filename (root, "run", NULL);
  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  return root;
}

/* Lets nobody use this test's display, for a test that runs itself
 * again as nobody (kari_test_rerun_as_nobody(), which passes the
 * environment on): xvfb-run keeps the display's cookie where only its
 * owner reads it, so nobody gets its own copy in @root, and XAUTHORITY
 * names it from now on. Nothing to do for a display without a cookie. */
static inline void
kari_test_ui_share_display (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cookie = NULL;
  g_autofree char *copy = NULL;
  const char *xauthority = g_getenv ("XAUTHORITY");
  gsize length = 0;

  if (xauthority == NULL || *xauthority == '\0')
    return;
  g_file_get_contents (xauthority, &cookie, &length, &error);
  g_assert_no_error (error);
  copy = g_build_filename (root, "nobody.Xauthority", NULL);
  g_file_set_contents_full (copy, cookie, length, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chown (copy, 65534, 65534), ==, 0);
  g_setenv ("XAUTHORITY", copy, TRUE);
}

/* A private session bus for the application; GTestDBus unsets DISPLAY
 * (against X11 autolaunch), which a UI test needs back. */
static inline void
kari_test_ui_dbus_up (GTestDBus *bus)
{
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));

  g_test_dbus_up (bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
}

/* What every app test starts with: a private session bus (*@bus, for
 * g_test_dbus_stop() at the end), GTK and libadwaita, and the application
 * @app_id registered on that bus. */
static inline AdwApplication *
kari_test_ui_app_start (const char  *app_id,
                        GTestDBus  **bus)
{
  g_autoptr(GError) error = NULL;
  AdwApplication *app;

  *bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  kari_test_ui_dbus_up (*bus);
  gtk_init ();
  adw_init ();
  app = adw_application_new (app_id, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  return app;
}

/* Copies the top-level files of each folder of the bundled examples
 * into @dest (the manifests and scripts; nothing is built). Returns how
 * many extension folders were copied. */
static inline guint
kari_test_ui_copy_examples (const char *dest)
{
  g_autofree char *root = g_build_filename (g_getenv ("KARI_SOURCE_DIR"), "examples", "extensions", NULL);
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (root, name, NULL);
      g_autofree char *to = g_build_filename (dest, name, NULL);
      g_autoptr(GDir) files = g_dir_open (from, 0, NULL);
      const char *file;

      if (files == NULL)
        continue;
      while ((file = g_dir_read_name (files)) != NULL)
        {
          g_autofree char *path = g_build_filename (from, file, NULL);
          g_autofree char *contents = NULL;
          gsize length = 0;

          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
            continue;
          g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
          g_free (kari_test_write (to, file, contents));
        }
      n++;
    }
  return n;
}

static inline void
kari_test_ui_on_after_paint (GdkFrameClock *clock,
                             gboolean      *painted)
{
  *painted = TRUE;
}

/* Runs the main loop until @widget's window has painted a frame. */
static inline gboolean
kari_test_ui_wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;

  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (widget);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (kari_test_ui_on_after_paint), &painted);
  gtk_widget_queue_draw (widget);
  kari_test_wait_for (&painted, 30);
  g_signal_handler_disconnect (clock, id);
  return painted;
}

/* Lets idle work (a rebuilt sidebar, a filter) run. */
static inline void
kari_test_ui_settle (void)
{
  for (int i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

/* The first descendant of @root of @type for which @match (when given)
 * returns TRUE. */
static inline GtkWidget *
kari_test_ui_find (GtkWidget *root,
                   GType      type,
                   gboolean (*match) (GtkWidget *widget, gconstpointer data),
                   gconstpointer data)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type) && (match == NULL || match (root, data)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = kari_test_ui_find (child, type, match, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static inline gboolean
kari_test_ui_status_title_is (GtkWidget     *widget,
                              gconstpointer  title)
{
  return g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), title) == 0;
}

/* Whether a status page titled @title is on screen inside @root. */
static inline gboolean
kari_test_ui_status_shown (GtkWidget  *root,
                           const char *title)
{
  GtkWidget *status = kari_test_ui_find (root, ADW_TYPE_STATUS_PAGE, kari_test_ui_status_title_is, title);

  return status != NULL && gtk_widget_get_mapped (status);
}

G_END_DECLS
