/* test-catalog.c — the registry kept in step with the disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "kari-test-util.h"

typedef struct
{
  char          *root;
  char          *exts;
  KariRegistry  *registry;
  KariDiscovery *discovery;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  const char *paths[] = { NULL, NULL };

  f->root = g_dir_make_tmp ("kari-catalog-XXXXXX", NULL);
  f->exts = g_build_filename (f->root, "extensions", NULL);
  g_mkdir_with_parents (f->exts, 0700);
  db = g_build_filename (f->root, "registry.db", NULL);
  f->registry = kari_registry_open (db, NULL, NULL, &error);
  g_assert_no_error (error);
  paths[0] = f->exts;
  f->discovery = kari_discovery_new_for_paths (paths, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->discovery);
  g_clear_object (&f->registry);
  kari_test_rm_rf (f->root);
  g_free (f->root);
  g_free (f->exts);
}

static void
sync_catalog (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  kari_discovery_scan (f->discovery);
  kari_catalog_sync (f->registry, f->discovery, NULL, &error);
  g_assert_no_error (error);
}

static KariState
state_of (Fixture    *f,
          const char *name)
{
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  entry = kari_registry_lookup (f->registry, name, &error);
  g_assert_no_error (error);
  return entry->state;
}

static gboolean
is_registered (Fixture    *f,
               const char *name)
{
  g_autoptr(KariRegistryEntry) entry = kari_registry_lookup (f->registry, name, NULL);
  return entry != NULL;
}

static void
test_registers_resolvable (Fixture       *f,
                           gconstpointer  data)
{
  g_free (kari_test_write_extension (f->exts, "auth", "auth", "2.4.1", NULL));
  g_free (kari_test_write_extension (f->exts, "crm", "crm", "2.0.0",
                                     "\"dependencies\": {\"extensions\": [\"auth@^3\"]}"));
  sync_catalog (f);
  g_assert_true (is_registered (f, "auth"));
  g_assert_cmpint (state_of (f, "auth"), ==, KARI_STATE_INSTALLED);
  /* crm cannot be resolved: known to discovery, not installed. */
  g_assert_false (is_registered (f, "crm"));

  /* A second sync with nothing changed changes nothing. */
  {
    g_autoptr(GPtrArray) before = kari_registry_get_history (f->registry, "auth", NULL);
    g_autoptr(GPtrArray) after = NULL;

    sync_catalog (f);
    after = kari_registry_get_history (f->registry, "auth", NULL);
    g_assert_cmpuint (before->len, ==, after->len);
  }
}

static void
test_new_version_kept (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(KariRegistryEntry) entry = NULL;

  g_free (kari_test_write_extension (f->exts, "auth", "auth", "2.4.1", NULL));
  sync_catalog (f);
  g_free (kari_test_write_extension (f->exts, "auth", "auth", "2.5.0", NULL));
  sync_catalog (f);

  entry = kari_registry_lookup (f->registry, "auth", NULL);
  g_assert_cmpstr (entry->version, ==, "2.5.0");
  g_assert_cmpint (entry->state, ==, KARI_STATE_INSTALLED);
  versions = kari_registry_list_versions (f->registry, "auth", NULL);
  g_assert_cmpuint (versions->len, ==, 2);
}

static void
test_dependency_lost_and_found (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *auth = kari_test_write_extension (f->exts, "auth", "auth", "3.0.0", NULL);
  g_autoptr(GPtrArray) history = NULL;
  KariTransition *last;

  g_free (kari_test_write_extension (f->exts, "crm", "crm", "2.0.0",
                                     "\"dependencies\": {\"extensions\": [\"auth@^3\"]}"));
  sync_catalog (f);
  g_assert_cmpint (state_of (f, "crm"), ==, KARI_STATE_INSTALLED);

  /* auth goes away: crm fails with the resolver's reason, auth is forgotten. */
  kari_test_rm_rf (auth);
  sync_catalog (f);
  g_assert_false (is_registered (f, "auth"));
  g_assert_cmpint (state_of (f, "crm"), ==, KARI_STATE_FAILED);
  history = kari_registry_get_history (f->registry, "crm", NULL);
  last = g_ptr_array_index (history, history->len - 1);
  g_assert_cmpint (last->to, ==, KARI_STATE_FAILED);
  g_assert_nonnull (strstr (last->reason, "auth"));

  /* auth comes back: crm is installed again. */
  g_free (kari_test_write_extension (f->exts, "auth", "auth", "3.1.0", NULL));
  sync_catalog (f);
  g_assert_cmpint (state_of (f, "crm"), ==, KARI_STATE_INSTALLED);
  g_assert_cmpint (state_of (f, "auth"), ==, KARI_STATE_INSTALLED);
}

static void
set_state (Fixture    *f,
           const char *name,
           KariState   state,
           const char *reason)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kari_registry_set_state (f->registry, name, state, reason, &error));
  g_assert_no_error (error);
}

/* A failed start is re-resolved to installed at the next sync, yet the
 * registry still remembers it (kari_registry_get_last_failure()) until
 * it starts again, however long its history; a crash loop likewise; a
 * dependency lost while it was off is not a run's failure. */
static void
test_failure_remembered (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *auth = kari_test_write_extension (f->exts, "auth", "auth", "3.0.0", NULL);
  g_autoptr(GError) error = NULL;

  g_free (kari_test_write_extension (f->exts, "crm", "crm", "2.0.0",
                                     "\"dependencies\": {\"extensions\": [\"auth@^3\"]}"));
  sync_catalog (f);
  g_assert_null (kari_registry_get_last_failure (f->registry, "auth", &error));
  g_assert_no_error (error);

  /* Many runs, then a start that fails. */
  set_state (f, "auth", KARI_STATE_ENABLED, NULL);
  for (guint i = 0; i < 20; i++)
    {
      set_state (f, "auth", KARI_STATE_STARTING, NULL);
      set_state (f, "auth", KARI_STATE_RUNNING, NULL);
      set_state (f, "auth", KARI_STATE_STOPPING, NULL);
      set_state (f, "auth", KARI_STATE_STOPPED, NULL);
    }
  set_state (f, "auth", KARI_STATE_STARTING, NULL);
  set_state (f, "auth", KARI_STATE_FAILED, "No handshake within 10000 ms");
  sync_catalog (f);
  g_assert_cmpint (state_of (f, "auth"), ==, KARI_STATE_INSTALLED);
  {
    g_autoptr(KariTransition) last = kari_registry_get_last_failure (f->registry, "auth", &error);

    g_assert_no_error (error);
    g_assert_nonnull (last);
    g_assert_true (kari_transition_is_run_failure (last));
    g_assert_false (kari_transition_is_crash_loop (last));
    g_assert_cmpstr (last->reason, ==, "No handshake within 10000 ms");
    g_assert_cmpint (last->time_usec, >, 0);
  }
  /* A sync more leaves it; a start clears it. */
  sync_catalog (f);
  {
    g_autoptr(KariTransition) last = kari_registry_get_last_failure (f->registry, "auth", &error);
    g_assert_nonnull (last);
  }
  set_state (f, "auth", KARI_STATE_ENABLED, "Switched on");
  g_assert_null (kari_registry_get_last_failure (f->registry, "auth", &error));
  g_assert_no_error (error);

  /* A crash loop. */
  set_state (f, "auth", KARI_STATE_STARTING, NULL);
  set_state (f, "auth", KARI_STATE_CRASHED, "Exited with status 3");
  set_state (f, "auth", KARI_STATE_DISABLED, "Crashed 5 times within 300 s; disabled");
  sync_catalog (f);
  {
    g_autoptr(KariTransition) last = kari_registry_get_last_failure (f->registry, "auth", &error);

    g_assert_nonnull (last);
    g_assert_true (kari_transition_is_crash_loop (last));
    g_assert_cmpstr (last->reason, ==, "Crashed 5 times within 300 s; disabled");
  }

  /* crm, off, loses auth: failed, but no run failed. */
  kari_test_rm_rf (auth);
  sync_catalog (f);
  g_assert_cmpint (state_of (f, "crm"), ==, KARI_STATE_FAILED);
  g_assert_null (kari_registry_get_last_failure (f->registry, "crm", &error));
  g_assert_no_error (error);

  /* Not installed: an error, not a crash. */
  g_assert_null (kari_registry_get_last_failure (f->registry, "no-such", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
}

static void
test_busy_extension_untouched (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariRegistryEntry) entry = NULL;
  const KariState to_running[] = { KARI_STATE_ENABLED, KARI_STATE_STARTING, KARI_STATE_RUNNING };

  g_free (kari_test_write_extension (f->exts, "auth", "auth", "1.0.0", NULL));
  sync_catalog (f);
  for (guint i = 0; i < G_N_ELEMENTS (to_running); i++)
    {
      kari_registry_set_state (f->registry, "auth", to_running[i], "test", &error);
      g_assert_no_error (error);
    }

  /* A new version on disk does not replace a running extension's files. */
  g_free (kari_test_write_extension (f->exts, "auth", "auth", "1.1.0", NULL));
  sync_catalog (f);
  entry = kari_registry_lookup (f->registry, "auth", NULL);
  g_assert_cmpstr (entry->version, ==, "1.0.0");
  g_assert_cmpint (entry->state, ==, KARI_STATE_RUNNING);
}

/* Another process may search other folders: an extension this one does
 * not see but whose folder is still on the disk stays installed; one
 * whose folder is gone is forgotten. */
static void
test_other_search_paths (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *elsewhere = g_build_filename (f->root, "elsewhere", NULL);
  g_autofree char *notes = NULL;
  const char *paths[] = { elsewhere, NULL };
  g_autoptr(KariDiscovery) other = NULL;
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (elsewhere, 0700);
  notes = kari_test_write_extension (elsewhere, "notes", "notes", "1.0.0", NULL);
  other = kari_discovery_new_for_paths (paths, NULL);
  kari_discovery_scan (other);
  kari_catalog_sync (f->registry, other, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (is_registered (f, "notes"));

  /* this fixture's discovery does not search "elsewhere" */
  sync_catalog (f);
  g_assert_true (is_registered (f, "notes"));

  kari_test_rm_rf (notes);
  sync_catalog (f);
  g_assert_false (is_registered (f, "notes"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/catalog/registers-resolvable", test_registers_resolvable);
  ADD ("/catalog/new-version-kept", test_new_version_kept);
  ADD ("/catalog/dependency-lost-and-found", test_dependency_lost_and_found);
  ADD ("/catalog/busy-extension-untouched", test_busy_extension_untouched);
  ADD ("/catalog/other-search-paths", test_other_search_paths);
  ADD ("/catalog/failure-remembered", test_failure_remembered);
#undef ADD

  return g_test_run ();
}
