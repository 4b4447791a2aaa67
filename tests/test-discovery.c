/* test-discovery.c — search paths, shadowing, invalid folders, monitoring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/stat.h>

#include "kari-test-util.h"

typedef struct
{
  char *first;
  char *second;
  char *plugins;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->first = g_dir_make_tmp ("kari-disc-a-XXXXXX", NULL);
  f->second = g_dir_make_tmp ("kari-disc-b-XXXXXX", NULL);
  f->plugins = g_dir_make_tmp ("kari-disc-p-XXXXXX", NULL);
  g_assert_nonnull (f->first);
  g_assert_nonnull (f->second);
  g_assert_nonnull (f->plugins);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  kari_test_rm_rf (f->first);
  kari_test_rm_rf (f->second);
  kari_test_rm_rf (f->plugins);
  g_free (f->first);
  g_free (f->second);
  g_free (f->plugins);
}

static KariDiscovery *
discovery_for (Fixture *f)
{
  const char *ext[] = { f->first, f->second, NULL };
  const char *plug[] = { f->plugins, NULL };

  return kari_discovery_new_for_paths (ext, plug);
}

static gboolean
has_diagnostic (KariDiscovery *d,
                KariSeverity   severity,
                const char    *needle)
{
  GPtrArray *diags = kari_discovery_get_diagnostics (d);

  for (guint i = 0; i < diags->len; i++)
    {
      g_autofree char *line = kari_diagnostic_to_string (g_ptr_array_index (diags, i));
      if (((KariDiagnostic *) g_ptr_array_index (diags, i))->severity == severity
          && strstr (line, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_first_path_wins (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(KariDiscovery) d = discovery_for (f);
  g_autofree char *a = kari_test_write_extension (f->first, "alpha", "alpha", "1.0.0", NULL);
  g_autofree char *b = kari_test_write_extension (f->second, "alpha-copy", "alpha", "2.0.0", NULL);
  g_autofree char *c = kari_test_write_extension (f->second, "beta", "beta", "0.3.0", NULL);
  KariManifest *m;
  g_assert_nonnull (c);

  kari_discovery_scan (d);
  g_assert_cmpuint (kari_discovery_get_extensions (d)->len, ==, 2);
  m = kari_discovery_lookup (d, "alpha");
  g_assert_nonnull (m);
  g_assert_cmpstr (kari_version_to_string (kari_manifest_get_version (m)), ==, "1.0.0");
  g_assert_cmpstr (kari_manifest_get_dir (m), ==, a);
  g_assert_nonnull (kari_discovery_lookup (d, "beta"));

  /* The clash is reported, naming both places. */
  g_assert_true (has_diagnostic (d, KARI_SEVERITY_WARNING, "shadowed"));
  g_assert_true (has_diagnostic (d, KARI_SEVERITY_WARNING, a));
  g_assert_true (has_diagnostic (d, KARI_SEVERITY_WARNING, b));
}

static void
test_sorted_by_name (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(KariDiscovery) d = discovery_for (f);
  const char *names[] = { "zeta", "alpha", "mu", "beta" };
  GPtrArray *exts;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_free (kari_test_write_extension (i % 2 ? f->first : f->second, names[i], names[i], "1.0.0", NULL));
  kari_discovery_scan (d);
  exts = kari_discovery_get_extensions (d);
  g_assert_cmpuint (exts->len, ==, 4);
  g_assert_cmpstr (kari_manifest_get_name (g_ptr_array_index (exts, 0)), ==, "alpha");
  g_assert_cmpstr (kari_manifest_get_name (g_ptr_array_index (exts, 1)), ==, "beta");
  g_assert_cmpstr (kari_manifest_get_name (g_ptr_array_index (exts, 2)), ==, "mu");
  g_assert_cmpstr (kari_manifest_get_name (g_ptr_array_index (exts, 3)), ==, "zeta");
}

static void
test_invalid_skipped (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(KariDiscovery) d = discovery_for (f);
  g_autofree char *bad_dir = g_build_filename (f->first, "broken", NULL);
  g_autofree char *empty_dir = g_build_filename (f->first, "not-an-extension", NULL);

  g_free (kari_test_write_extension (f->first, "good", "good", "1.0.0", NULL));
  g_free (kari_test_write (bad_dir, "extension.json", "{\"name\": \"broken\", \"version\": }"));
  g_free (kari_test_write_extension (f->first, "badver", "badver", "one", NULL));
  g_assert_cmpint (g_mkdir_with_parents (empty_dir, 0700), ==, 0);
  g_free (kari_test_write (f->first, "stray-file.txt", "hello"));

  kari_discovery_scan (d);
  g_assert_cmpuint (kari_discovery_get_extensions (d)->len, ==, 1);
  g_assert_nonnull (kari_discovery_lookup (d, "good"));
  g_assert_null (kari_discovery_lookup (d, "broken"));
  g_assert_null (kari_discovery_lookup (d, "badver"));

  /* The parse error points into the file, and the folder is named as skipped. */
  g_assert_true (has_diagnostic (d, KARI_SEVERITY_ERROR, "extension.json:1:"));
  g_assert_true (has_diagnostic (d, KARI_SEVERITY_WARNING, "extension skipped"));
  g_assert_true (has_diagnostic (d, KARI_SEVERITY_ERROR, "version"));
  /* A folder without a manifest is simply not an extension. */
  g_assert_false (has_diagnostic (d, KARI_SEVERITY_WARNING, "not-an-extension"));
}

static void
test_special_files_skipped (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(KariDiscovery) d = discovery_for (f);
  g_autofree char *fifo_dir = g_build_filename (f->first, "fifo", NULL);
  g_autofree char *fifo = g_build_filename (fifo_dir, "extension.json", NULL);
  g_autofree char *plugin_dir = g_build_filename (f->plugins, "fifo_plugin", NULL);
  g_autofree char *plugin_fifo = g_build_filename (plugin_dir, "plugin_manifest.json", NULL);

  g_free (kari_test_write_extension (f->first, "good", "good", "1.0.0", NULL));
  g_assert_cmpint (g_mkdir_with_parents (fifo_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (plugin_dir, 0700), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (mkfifo (plugin_fifo, 0600), ==, 0);

  /* A FIFO in place of a manifest would block a naive reader forever. */
  kari_discovery_scan (d);
  g_assert_cmpuint (kari_discovery_get_extensions (d)->len, ==, 1);
  g_assert_cmpuint (kari_discovery_get_plugins (d)->len, ==, 0);
  g_assert_true (has_diagnostic (d, KARI_SEVERITY_WARNING, "not a regular file"));
}

static void
test_missing_paths (void)
{
  const char *ext[] = { "/nonexistent/kari/a", "/nonexistent/kari/b", NULL };
  g_autoptr(KariDiscovery) d = kari_discovery_new_for_paths (ext, NULL);

  kari_discovery_scan (d);
  g_assert_cmpuint (kari_discovery_get_extensions (d)->len, ==, 0);
  g_assert_cmpuint (kari_discovery_get_plugins (d)->len, ==, 0);
}

static void
test_env_search_path (void)
{
  g_autofree char *dev1 = g_dir_make_tmp ("kari-dev1-XXXXXX", NULL);
  g_autofree char *dev2 = g_dir_make_tmp ("kari-dev2-XXXXXX", NULL);
  g_autofree char *sys = g_dir_make_tmp ("kari-sys-XXXXXX", NULL);
  g_autofree char *env = g_strdup_printf ("%s:%s", dev1, dev2);
  g_autofree char *user_dir = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
  g_autofree char *sys_dir = g_build_filename (sys, "kari", "extensions", NULL);
  g_autoptr(KariDiscovery) d = NULL;
  const char * const *paths;

  g_free (kari_test_write_extension (dev2, "x", "shared", "3.0.0", NULL));
  g_free (kari_test_write_extension (user_dir, "x", "shared", "2.0.0", NULL));
  g_free (kari_test_write_extension (sys_dir, "x", "shared", "1.0.0", NULL));
  g_free (kari_test_write_extension (sys_dir, "y", "system-only", "1.0.0", NULL));
  g_free (kari_test_write_extension (user_dir, "z", "user-only", "1.0.0", NULL));

  g_setenv ("KARI_EXTENSIONS_PATH", env, TRUE);
  g_setenv ("XDG_DATA_DIRS", sys, TRUE);
  d = kari_discovery_new ();
  g_unsetenv ("KARI_EXTENSIONS_PATH");

  paths = kari_discovery_get_extension_paths (d);
  g_assert_cmpstr (paths[0], ==, dev1);
  g_assert_cmpstr (paths[1], ==, dev2);
  g_assert_cmpstr (paths[2], ==, user_dir);
  g_assert_cmpstr (paths[3], ==, sys_dir);
  g_assert_null (paths[4]);

  kari_discovery_scan (d);
  g_assert_cmpuint (kari_discovery_get_extensions (d)->len, ==, 3);
  g_assert_cmpstr (kari_version_to_string (kari_manifest_get_version (kari_discovery_lookup (d, "shared"))),
                   ==, "3.0.0");
  g_assert_nonnull (kari_discovery_lookup (d, "system-only"));
  g_assert_nonnull (kari_discovery_lookup (d, "user-only"));

  kari_test_rm_rf (dev1);
  kari_test_rm_rf (dev2);
  kari_test_rm_rf (sys);
}

static void
test_plugins_feed_resolver (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(KariDiscovery) d = discovery_for (f);
  g_autofree char *pdir = g_build_filename (f->plugins, "time_query", NULL);
  g_autoptr(KariResolver) resolver = NULL;
  g_autoptr(KariResolution) resolution = NULL;
  GPtrArray *unresolved;

  g_free (kari_test_write (pdir, "plugin_manifest.json",
                           "{\"name\": \"time-query\", \"version\": \"1.0.0\", \"intent\": \"time_query\","
                           " \"module\": \"handler\", \"entry_point\": \"run\"}"));
  g_free (kari_test_write_extension (f->first, "uses", "uses", "1.0.0",
                                     "\"dependencies\": {\"plugins\": [\"time_query\"], "
                                     "\"system_services\": [\"postgres\"]}"));
  g_free (kari_test_write_extension (f->first, "lacks", "lacks", "1.0.0",
                                     "\"dependencies\": {\"plugins\": [\"weather\"]}"));

  kari_discovery_scan (d);
  g_assert_cmpuint (kari_discovery_get_plugins (d)->len, ==, 1);
  g_assert_true (kari_plugin_info_provides (g_ptr_array_index (kari_discovery_get_plugins (d), 0),
                                            "time_query"));

  resolver = kari_discovery_create_resolver (d);
  resolution = kari_resolver_resolve (resolver);
  g_assert_cmpuint (kari_resolution_get_order (resolution)->len, ==, 1);
  g_assert_cmpstr (((KariResolved *) g_ptr_array_index (kari_resolution_get_order (resolution), 0))->name,
                   ==, "uses");
  unresolved = kari_resolution_get_unresolved (resolution);
  g_assert_cmpuint (unresolved->len, ==, 1);
  g_assert_cmpstr (((KariUnresolved *) g_ptr_array_index (unresolved, 0))->name, ==, "lacks");
  g_assert_nonnull (strstr (((KariUnresolved *) g_ptr_array_index (unresolved, 0))->reason, "weather"));
}

typedef struct
{
  gboolean  fired;
  char     *name;
} Seen;

static void
on_added (KariDiscovery *d, KariManifest *m, Seen *seen)
{
  seen->fired = TRUE;
  g_free (seen->name);
  seen->name = g_strdup (kari_manifest_get_name (m));
}

static void
on_removed (KariDiscovery *d, const char *name, Seen *seen)
{
  seen->fired = TRUE;
  g_free (seen->name);
  seen->name = g_strdup (name);
}

static void
test_monitor (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(KariDiscovery) d = discovery_for (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  Seen added = { 0 }, changed = { 0 }, removed = { 0 };

  g_free (kari_test_write_extension (f->first, "existing", "existing", "1.0.0", NULL));
  kari_discovery_scan (d);
  g_signal_connect (d, "extension-added", G_CALLBACK (on_added), &added);
  g_signal_connect (d, "extension-changed", G_CALLBACK (on_added), &changed);
  g_signal_connect (d, "extension-removed", G_CALLBACK (on_removed), &removed);
  g_assert_true (kari_discovery_start_monitoring (d, &error));
  g_assert_no_error (error);

  /* Added in the second path. The waits are a guard against hangs;
   * the latency is measured by bench-discovery. */
  dir = kari_test_write_extension (f->second, "fresh", "fresh", "1.0.0", NULL);
  g_assert_true (kari_test_wait_for (&added.fired, 10));
  g_assert_cmpstr (added.name, ==, "fresh");
  g_assert_false (changed.fired);
  g_assert_false (removed.fired);

  /* Changed: a new version written into the folder now being watched. */
  g_free (kari_test_write_extension (f->second, "fresh", "fresh", "1.1.0", NULL));
  g_assert_true (kari_test_wait_for (&changed.fired, 10));
  g_assert_cmpstr (changed.name, ==, "fresh");
  g_assert_cmpstr (kari_version_to_string (kari_manifest_get_version (kari_discovery_lookup (d, "fresh"))),
                   ==, "1.1.0");

  /* Removed. */
  kari_test_rm_rf (dir);
  g_assert_true (kari_test_wait_for (&removed.fired, 10));
  g_assert_cmpstr (removed.name, ==, "fresh");
  g_assert_null (kari_discovery_lookup (d, "fresh"));
  g_assert_nonnull (kari_discovery_lookup (d, "existing"));

  kari_discovery_stop_monitoring (d);
  g_free (added.name);
  g_free (changed.name);
  g_free (removed.name);
}

int
main (int argc, char **argv)
{
  /* Our own XDG_DATA_HOME: GLib 2.74's G_TEST_OPTION_ISOLATE_DIRS leaks,
   * which the sanitizer build would report. */
  g_autofree char *home = g_dir_make_tmp ("kari-disc-home-XXXXXX", NULL);
  int status;

  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/discovery/first-path-wins", test_first_path_wins);
  ADD ("/discovery/sorted-by-name", test_sorted_by_name);
  ADD ("/discovery/invalid-skipped", test_invalid_skipped);
  ADD ("/discovery/plugins-feed-resolver", test_plugins_feed_resolver);
  ADD ("/discovery/monitor", test_monitor);
  ADD ("/discovery/special-files-skipped", test_special_files_skipped);
#undef ADD
  g_test_add_func ("/discovery/missing-paths", test_missing_paths);
  g_test_add_func ("/discovery/env-search-path", test_env_search_path);

  status = g_test_run ();
  kari_test_rm_rf (home);
  return status;
}
