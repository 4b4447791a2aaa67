/* test-tenant.c — tenants, the active tenant and per-tenant enablement
 * (kari-tenant.c) on temporary registries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "kari-test-util.h"

typedef struct
{
  char         *dir;
  char         *path;
  KariRegistry *registry;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kari_test_tmp_db ("kari-tenant-XXXXXX", "registry.db", &f->dir, &f->path);
  f->registry = kari_registry_open (f->path, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->registry);
  kari_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
test_default_exists (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tenants = kari_registry_list_tenants (f->registry, &error);
  g_autofree char *active = kari_registry_dup_active_tenant (f->registry, &error);
  KariTenant *t;

  g_assert_no_error (error);
  g_assert_cmpuint (tenants->len, ==, 1);
  t = g_ptr_array_index (tenants, 0);
  g_assert_cmpstr (t->id, ==, KARI_TENANT_DEFAULT);
  g_assert_cmpstr (t->display_name, ==, "Default");
  g_assert_cmpint (t->created_usec, >, 0);
  g_assert_cmpint (t->created_usec, <=, g_get_real_time ());
  g_assert_cmpstr (active, ==, KARI_TENANT_DEFAULT);
}

static void
test_create_rename_list (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariTenant) acme = kari_registry_create_tenant (f->registry, "acme", "Acme Corp", &error);
  g_autoptr(KariTenant) home = NULL;
  g_autoptr(KariTenant) again = NULL;
  g_autoptr(KariTenant) renamed = NULL;
  g_autoptr(GPtrArray) tenants = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (acme->id, ==, "acme");
  g_assert_cmpstr (acme->display_name, ==, "Acme Corp");

  /* Without a name, the id is the name. */
  home = kari_registry_create_tenant (f->registry, "home-2", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (home->display_name, ==, "home-2");

  again = kari_registry_create_tenant (f->registry, "acme", "Other", &error);
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_EXISTS);
  g_assert_null (again);
  g_assert_nonnull (strstr (error->message, "Acme Corp"));
  g_clear_error (&error);

  g_assert_true (kari_registry_rename_tenant (f->registry, "acme", "ACME Inc.", &error));
  g_assert_no_error (error);
  renamed = kari_registry_lookup_tenant (f->registry, "acme", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (renamed->display_name, ==, "ACME Inc.");
  g_assert_cmpint (renamed->created_usec, ==, acme->created_usec);

  g_assert_false (kari_registry_rename_tenant (f->registry, "nobody", "X", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (kari_registry_rename_tenant (f->registry, "acme", "   ", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);

  tenants = kari_registry_list_tenants (f->registry, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tenants->len, ==, 3);
  g_assert_cmpstr (((KariTenant *) g_ptr_array_index (tenants, 0))->id, ==, "acme");
  g_assert_cmpstr (((KariTenant *) g_ptr_array_index (tenants, 1))->id, ==, "default");
  g_assert_cmpstr (((KariTenant *) g_ptr_array_index (tenants, 2))->id, ==, "home-2");
}

static void
test_invalid_ids (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const bad[] = {
    "", ".", "..", "../etc", "a/b", "Acme", "-x", "_x", "a.b", "*", "a b", "é", "a\nb",
    "0123456789012345678901234567890123456789012345678901234567890123x",
  };
  static const char * const good[] = {
    "a", "0", "acme", "acme-corp_2", "0123456789012345678901234567890123456789012345678901234567890123",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KariTenant) t = kari_registry_create_tenant (f->registry, bad[i], "X", &error);

      g_assert_null (t);
      g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (kari_tenant_id_is_valid (good[i], &error));
      g_assert_no_error (error);
    }
  g_assert_false (kari_tenant_id_is_valid (NULL, NULL));
}

static void
test_active (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariTenant) acme = kari_registry_create_tenant (f->registry, "acme", NULL, &error);
  g_autofree char *active = NULL;

  g_assert_no_error (error);
  g_assert_false (kari_registry_set_active_tenant (f->registry, "nobody", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (kari_registry_set_active_tenant (f->registry, "acme", &error));
  g_assert_no_error (error);
  active = kari_registry_dup_active_tenant (f->registry, &error);
  g_assert_cmpstr (active, ==, "acme");
  g_clear_pointer (&active, g_free);

  /* The choice is kept in the file. */
  g_clear_object (&f->registry);
  f->registry = kari_registry_open (f->path, NULL, NULL, &error);
  g_assert_no_error (error);
  active = kari_registry_dup_active_tenant (f->registry, &error);
  g_assert_cmpstr (active, ==, "acme");
  g_clear_pointer (&active, g_free);

  /* The active tenant cannot be deleted, nor the default one. */
  g_assert_false (kari_removal_delete_tenant (f->registry, "acme", "tester", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "active"));
  g_clear_error (&error);
  g_assert_false (kari_removal_delete_tenant (f->registry, KARI_TENANT_DEFAULT, "tester", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kari_removal_delete_tenant (f->registry, "nobody", "tester", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (kari_registry_set_active_tenant (f->registry, KARI_TENANT_DEFAULT, &error));
  g_assert_true (kari_removal_delete_tenant (f->registry, "acme", "tester", &error));
  g_assert_no_error (error);
  g_assert_null (kari_registry_lookup_tenant (f->registry, "acme", &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* kari_registry_dup_disabled() agrees with kari_registry_is_enabled()
 * for each of @names in @tenant. */
static void
assert_disabled_set (KariRegistry *registry,
                     const char   *tenant,
                     const char   *names[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) disabled = kari_registry_dup_disabled (registry, tenant, &error);
  guint n_disabled = 0;

  g_assert_no_error (error);
  g_assert_nonnull (disabled);
  for (guint i = 0; names[i] != NULL; i++)
    {
      gboolean enabled = kari_registry_is_enabled (registry, names[i], tenant, &error);

      g_assert_no_error (error);
      g_assert_cmpint (enabled, ==, !g_hash_table_contains (disabled, names[i]));
      n_disabled += !enabled;
    }
  g_assert_cmpuint (g_hash_table_size (disabled), ==, n_disabled);
}

static void
test_enablement (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariTenant) acme = kari_registry_create_tenant (f->registry, "acme", NULL, &error);
  g_autoptr(KariTenant) home = kari_registry_create_tenant (f->registry, "home", NULL, &error);

  g_assert_no_error (error);

  /* Nobody chose: enabled everywhere. */
  g_assert_true (kari_registry_is_enabled (f->registry, "crm", "acme", &error));
  g_assert_no_error (error);

  /* Per tenant. */
  g_assert_true (kari_registry_set_enabled (f->registry, "crm", "acme", FALSE, &error));
  g_assert_false (kari_registry_is_enabled (f->registry, "crm", "acme", &error));
  g_assert_no_error (error);
  g_assert_true (kari_registry_is_enabled (f->registry, "crm", "home", &error));
  g_assert_true (kari_registry_is_enabled (f->registry, "other", "acme", &error));

  /* Globally off; a tenant's own choice still wins. */
  g_assert_true (kari_registry_set_enabled (f->registry, "other", NULL, FALSE, &error));
  g_assert_true (kari_registry_set_enabled (f->registry, "other", "home", TRUE, &error));
  g_assert_false (kari_registry_is_enabled (f->registry, "other", "acme", &error));
  g_assert_false (kari_registry_is_enabled (f->registry, "other", KARI_TENANT_DEFAULT, &error));
  g_assert_true (kari_registry_is_enabled (f->registry, "other", "home", &error));
  g_assert_no_error (error);

  /* Read all at once, the same answers. */
  {
    const char *names[] = { "crm", "other", NULL };

    assert_disabled_set (f->registry, "acme", names);
    assert_disabled_set (f->registry, "home", names);
    assert_disabled_set (f->registry, KARI_TENANT_DEFAULT, names);
  }

  /* Globally on replaces the choices made per tenant. */
  g_assert_true (kari_registry_set_enabled (f->registry, "crm", NULL, TRUE, &error));
  g_assert_true (kari_registry_is_enabled (f->registry, "crm", "acme", &error));
  g_assert_true (kari_registry_set_enabled (f->registry, "other", NULL, FALSE, &error));
  g_assert_false (kari_registry_is_enabled (f->registry, "other", "home", &error));
  g_assert_no_error (error);
  {
    const char *names[] = { "crm", "other", NULL };

    assert_disabled_set (f->registry, "acme", names);
    assert_disabled_set (f->registry, "home", names);
  }

  /* Unknown tenants and bad names are refused. */
  g_assert_false (kari_registry_set_enabled (f->registry, "crm", "nobody", TRUE, &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (kari_registry_set_enabled (f->registry, "../crm", "acme", TRUE, &error));
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);

  /* A deleted tenant's choices go with it. */
  g_assert_true (kari_registry_set_enabled (f->registry, "crm", "home", FALSE, &error));
  g_assert_true (kari_removal_delete_tenant (f->registry, "home", "tester", &error));
  g_assert_no_error (error);
  g_clear_pointer (&home, kari_tenant_free);
  home = kari_registry_create_tenant (f->registry, "home", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kari_registry_is_enabled (f->registry, "crm", "home", &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = g_dir_make_tmp ("kari-tenant-data-XXXXXX", NULL);
  int status;

  /* Tenant deletion removes folders under XDG_DATA_HOME: never the real one. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tenant/default-exists", Fixture, NULL, fixture_setup, test_default_exists, fixture_teardown);
  g_test_add ("/tenant/create-rename-list", Fixture, NULL, fixture_setup, test_create_rename_list, fixture_teardown);
  g_test_add ("/tenant/invalid-ids", Fixture, NULL, fixture_setup, test_invalid_ids, fixture_teardown);
  g_test_add ("/tenant/active", Fixture, NULL, fixture_setup, test_active, fixture_teardown);
  g_test_add ("/tenant/enablement", Fixture, NULL, fixture_setup, test_enablement, fixture_teardown);

  status = g_test_run ();
  kari_test_rm_rf (data_home);
  return status;
}
