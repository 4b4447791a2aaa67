/* kari-test-sandbox.h — extension folders with real binaries in them, and
 * running a test binary again as nobody, for the sandbox and supervisor
 * tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-test-util.h"

G_BEGIN_DECLS

/* Copies the binary at @from to @dir/@name, executable by anyone;
 * returns the copy's path. */
static inline char *
kari_test_copy_binary (const char *from,
                       const char *dir,
                       const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *binary = NULL;
  char *copy;
  gsize len = 0;

  g_file_get_contents (from, &binary, &len, &error);
  g_assert_no_error (error);
  copy = g_build_filename (dir, name, NULL);
  g_file_set_contents (copy, binary, len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (copy, 0755), ==, 0);
  return copy;
}

/* Writes the extension @name in @root/@folder with @extra_json in its
 * manifest, open to anyone, and a copy of the binary named by the
 * environment variable @binary_variable in it as @binary; returns its
 * folder. */
static inline char *
kari_test_write_extension_with (const char *root,
                                const char *folder,
                                const char *name,
                                const char *extra_json,
                                const char *binary_variable,
                                const char *binary)
{
  char *app = kari_test_write_extension (root, folder, name, "1.0.0", extra_json);

  g_assert_nonnull (g_getenv (binary_variable));
  g_assert_cmpint (g_chmod (app, 0755), ==, 0);
  g_free (kari_test_copy_binary (g_getenv (binary_variable), app, binary));
  return app;
}

/* Writes the extension @name in @root/@folder with @extra_json in its
 * manifest, open to anyone, and a copy of supervisor-ext in it; returns
 * its folder. */
static inline char *
kari_test_write_supervised_extension (const char *root,
                                      const char *folder,
                                      const char *name,
                                      const char *extra_json)
{
  return kari_test_write_extension_with (root, folder, name, extra_json,
                                         "KARI_SUPERVISOR_EXT", "supervisor-ext");
}

/* Loads the manifest in @app and installs it in @registry. */
static inline KariManifest *
kari_test_install (KariRegistry *registry,
                   const char   *app)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = kari_manifest_load_dir (app, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (kari_registry_install (registry, manifest, "test", &error));
  g_assert_no_error (error);
  return g_steal_pointer (&manifest);
}

/* Makes a temporary root open to anyone from @tmpl, with XDG_DATA_HOME
 * and XDG_RUNTIME_DIR inside it: call before GLib caches them. */
static inline char *
kari_test_supervisor_root (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *runtime = NULL;
  char *root = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (root, 0755), ==, 0);
  data_home = g_build_filename (root, "data", NULL);
  runtime = g_build_filename (root, "run", NULL);
  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  return root;
}

/* Runs this test binary again as nobody with @flag set in its
 * environment (and XDG_DATA_HOME and XDG_RUNTIME_DIR unset when
 * @unset_xdg), the NULL-terminated arguments after it; returns its
 * output, standard error merged, and whether it succeeded. */
static inline char *
kari_test_rerun_as_nobody (const char *flag,
                           gboolean    unset_xdg,
                           gboolean   *successful,
                           ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  char *out = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "setpriv");
  g_ptr_array_add (argv, (gpointer) "--reuid=65534");
  g_ptr_array_add (argv, (gpointer) "--regid=65534");
  g_ptr_array_add (argv, (gpointer) "--clear-groups");
  g_ptr_array_add (argv, self);
  va_start (args, successful);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, flag, "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "TMPDIR", "/tmp", TRUE);
  if (unset_xdg)
    {
      g_subprocess_launcher_unsetenv (launcher, "XDG_DATA_HOME");
      g_subprocess_launcher_unsetenv (launcher, "XDG_RUNTIME_DIR");
    }
  child = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  *successful = g_subprocess_get_successful (child);
  return out;
}

static inline void
kari_test_supervisor_on_stopped (GObject      *source,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kari_supervisor_stop_finish (KARI_SUPERVISOR (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Stops @supervisor and waits for it (a minute at most). */
static inline void
kari_test_supervisor_stop (KariSupervisor *supervisor)
{
  gboolean stopped = FALSE;

  kari_supervisor_stop_async (supervisor, NULL, kari_test_supervisor_on_stopped, &stopped);
  g_assert_true (kari_test_wait_for (&stopped, 60));
}

G_END_DECLS
