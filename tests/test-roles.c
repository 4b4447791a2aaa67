/* test-roles.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-test-util.h"

typedef struct
{
  char         *dir;
  char         *path;
  KariRegistry *registry;
  KariRoles    *roles;
} Fixture;

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->registry = kari_registry_open (f->path, NULL, NULL, &error);
  g_assert_no_error (error);
  f->roles = kari_roles_new (f->registry, "ann");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  kari_test_tmp_db ("kari-roles-XXXXXX", "registry.db", &f->dir, &f->path);
  fixture_open (f);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->roles);
  g_clear_object (&f->registry);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fixture_close (f);
  kari_test_tmp_db_clear (&f->dir, &f->path);
}

static char *
joined_roles (Fixture    *f,
              const char *tenant,
              const char *user)
{
  g_auto(GStrv) roles = kari_roles_get_user_roles (f->roles, tenant, user);

  return g_strjoinv (",", roles);
}

#define assert_roles(f, tenant, user, expected) \
  G_STMT_START { \
    g_autofree char *got_ = joined_roles ((f), (tenant), (user)); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } G_STMT_END

static void
test_local_user (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  KariTenantUser *u;

  g_assert_cmpstr (kari_roles_get_local_user (f->roles), ==, "ann");
  assert_roles (f, "default", "ann", "admin");
  assert_roles (f, "acme", "ann", "admin");
  assert_roles (f, "default", "bob", "");
  g_assert_true (kari_roles_may (f->roles, "acme", "ann", KARI_ADMIN_INSTALL, &error));
  g_assert_no_error (error);

  users = kari_roles_list_users (f->roles, "acme", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 1);
  u = g_ptr_array_index (users, 0);
  g_assert_cmpstr (u->user, ==, "ann");
  g_assert_true (u->implicit);
  g_assert_cmpstrv (u->roles, ((const char *[]) { "admin", NULL }));

  /* stored roles replace the implicit admin role */
  g_assert_true (kari_roles_assign (f->roles, "acme", "bob", "admin", &error));
  g_assert_true (kari_roles_assign (f->roles, "acme", "ann", "viewer", &error));
  g_assert_no_error (error);
  assert_roles (f, "acme", "ann", "viewer");
  assert_roles (f, "default", "ann", "admin");
  g_assert_false (kari_roles_may (f->roles, "acme", "ann", KARI_ADMIN_USERS, &error));
  g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_NOT_ALLOWED);
  g_assert_cmpstr (error->message, ==,
                   "user “ann” is a viewer in tenant “acme”; changing users and roles needs the admin role");
}

static void
test_hierarchy (Fixture       *f,
                gconstpointer  data)
{
  static const char *admin_only[] = { "admin", NULL };
  static const char *user_only[] = { "user", NULL };
  static const char *viewer_only[] = { "viewer", NULL };
  static const char *auditor_only[] = { "auditor", NULL };
  static const char *viewer_or_auditor[] = { "auditor", "viewer", NULL };
  static const char *none[] = { NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (kari_roles_define (f->roles, "acme", "auditor", "Reads the audit log", &error));
  g_assert_true (kari_roles_assign (f->roles, "acme", "al", "admin", &error));
  g_assert_true (kari_roles_assign (f->roles, "acme", "uma", "user", &error));
  g_assert_true (kari_roles_assign (f->roles, "acme", "vic", "viewer", &error));
  g_assert_true (kari_roles_assign (f->roles, "acme", "aud", "auditor", &error));
  g_assert_no_error (error);

  /* admin satisfies everything, custom roles included */
  g_assert_true (kari_roles_has_any (f->roles, "acme", "al", admin_only));
  g_assert_true (kari_roles_has_any (f->roles, "acme", "al", user_only));
  g_assert_true (kari_roles_has_any (f->roles, "acme", "al", viewer_only));
  g_assert_true (kari_roles_has_any (f->roles, "acme", "al", auditor_only));
  /* user satisfies user and viewer */
  g_assert_false (kari_roles_has_any (f->roles, "acme", "uma", admin_only));
  g_assert_true (kari_roles_has_any (f->roles, "acme", "uma", user_only));
  g_assert_true (kari_roles_has_any (f->roles, "acme", "uma", viewer_only));
  g_assert_false (kari_roles_has_any (f->roles, "acme", "uma", auditor_only));
  /* viewer only viewer */
  g_assert_false (kari_roles_has_any (f->roles, "acme", "vic", user_only));
  g_assert_true (kari_roles_has_any (f->roles, "acme", "vic", viewer_only));
  /* a custom role only itself */
  g_assert_true (kari_roles_has_any (f->roles, "acme", "aud", auditor_only));
  g_assert_false (kari_roles_has_any (f->roles, "acme", "aud", viewer_only));
  g_assert_true (kari_roles_has_any (f->roles, "acme", "aud", viewer_or_auditor));
  /* nobody, and no requirement */
  g_assert_false (kari_roles_has_any (f->roles, "acme", "zed", viewer_only));
  g_assert_false (kari_roles_has_any (f->roles, "acme", NULL, viewer_only));
  g_assert_true (kari_roles_has_any (f->roles, "acme", "zed", none));
  g_assert_true (kari_roles_has_any (f->roles, "acme", "zed", NULL));
  /* roles are per tenant */
  g_assert_false (kari_roles_has_any (f->roles, "other", "uma", viewer_only));

  g_assert_false (kari_roles_may (f->roles, "acme", "uma", KARI_ADMIN_GRANT, &error));
  g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_NOT_ALLOWED);
  g_assert_cmpstr (error->message, ==,
                   "user “uma” is a user in tenant “acme”; granting permissions needs the admin role");
  g_clear_error (&error);
  g_assert_false (kari_roles_may (f->roles, "acme", "aud", KARI_ADMIN_POLICY, &error));
  g_assert_cmpstr (error->message, ==,
                   "user “aud” is an auditor in tenant “acme”; changing the policy needs the admin role");
  g_clear_error (&error);
  g_assert_true (kari_roles_assign (f->roles, "acme", "aud", "viewer", &error));
  g_assert_false (kari_roles_may (f->roles, "acme", "aud", KARI_ADMIN_REMOVE, &error));
  g_assert_cmpstr (error->message, ==,
                   "user “aud” has the roles auditor and viewer in tenant “acme”; removing extensions "
                   "needs the admin role");
  g_clear_error (&error);
  g_assert_false (kari_roles_may (f->roles, "acme", "zed", KARI_ADMIN_INSTALL, &error));
  g_assert_cmpstr (error->message, ==,
                   "user “zed” has no role in tenant “acme”; installing extensions needs the admin role");
  g_clear_error (&error);
  g_assert_true (kari_roles_may (f->roles, "acme", "al", KARI_ADMIN_INSTALL, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (kari_admin_action_to_string (KARI_ADMIN_GRANT), ==, "grant");
}

static void
test_custom_roles (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  KariRole *r;

  g_assert_true (kari_roles_define (f->roles, "acme", "auditor", "Reads the audit log", &error));
  g_assert_true (kari_roles_define (f->roles, "acme", "billing_2", NULL, &error));
  /* defining again changes the description */
  g_assert_true (kari_roles_define (f->roles, "acme", "auditor", "Reads the log", &error));
  g_assert_no_error (error);

  roles = kari_roles_list_roles (f->roles, "acme", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roles->len, ==, 5);
  g_assert_cmpstr (((KariRole *) roles->pdata[0])->name, ==, "admin");
  g_assert_true (((KariRole *) roles->pdata[0])->builtin);
  g_assert_cmpstr (((KariRole *) roles->pdata[1])->name, ==, "user");
  g_assert_cmpstr (((KariRole *) roles->pdata[2])->name, ==, "viewer");
  r = roles->pdata[3];
  g_assert_cmpstr (r->name, ==, "auditor");
  g_assert_cmpstr (r->description, ==, "Reads the log");
  g_assert_false (r->builtin);
  g_assert_cmpstr (((KariRole *) roles->pdata[4])->name, ==, "billing_2");
  g_assert_null (((KariRole *) roles->pdata[4])->description);
  g_clear_pointer (&roles, g_ptr_array_unref);

  /* custom roles belong to their tenant */
  roles = kari_roles_list_roles (f->roles, "other", &error);
  g_assert_cmpuint (roles->len, ==, 3);
  g_assert_false (kari_roles_assign (f->roles, "other", "bob", "auditor", &error));
  g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_UNKNOWN_ROLE);
  g_assert_cmpstr (error->message, ==, "no role “auditor” is defined in tenant “other”; define it first");
  g_clear_error (&error);

  /* built-ins cannot be defined or removed */
  g_assert_false (kari_roles_define (f->roles, "acme", "admin", NULL, &error));
  g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_BUILTIN);
  g_assert_cmpstr (error->message, ==, "“admin” is a built-in role; it cannot be defined");
  g_clear_error (&error);
  g_assert_false (kari_roles_undefine (f->roles, "acme", "viewer", &error));
  g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_BUILTIN);
  g_assert_cmpstr (error->message, ==, "“viewer” is a built-in role; it cannot be removed");
  g_clear_error (&error);

  /* removing a role takes it from its holders */
  g_assert_true (kari_roles_assign (f->roles, "acme", "bob", "auditor", &error));
  g_assert_true (kari_roles_assign (f->roles, "acme", "bob", "user", &error));
  assert_roles (f, "acme", "bob", "auditor,user");
  g_assert_true (kari_roles_undefine (f->roles, "acme", "auditor", &error));
  g_assert_no_error (error);
  assert_roles (f, "acme", "bob", "user");
  g_assert_false (kari_roles_undefine (f->roles, "acme", "auditor", &error));
  g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_UNKNOWN_ROLE);
  g_assert_cmpstr (error->message, ==, "no role “auditor” is defined in tenant “acme”");
}

static void
test_last_admin (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;

  /* the local user cannot demote themself in a tenant with no admin */
  g_assert_false (kari_roles_assign (f->roles, "acme", "ann", "viewer", &error));
  g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_LAST_ADMIN);
  g_assert_cmpstr (error->message, ==,
                   "tenant “acme” would be left without an admin; make another user admin first");
  g_clear_error (&error);
  assert_roles (f, "acme", "ann", "admin");

  /* a first non-admin user stores the local user's admin role */
  g_assert_true (kari_roles_assign (f->roles, "acme", "bob", "viewer", &error));
  g_assert_no_error (error);
  users = kari_roles_list_users (f->roles, "acme", &error);
  g_assert_cmpuint (users->len, ==, 2);
  g_assert_cmpstr (((KariTenantUser *) users->pdata[0])->user, ==, "ann");
  g_assert_false (((KariTenantUser *) users->pdata[0])->implicit);
  g_assert_cmpstr (((KariTenantUser *) users->pdata[1])->user, ==, "bob");
  g_assert_cmpstrv (((KariTenantUser *) users->pdata[1])->roles, ((const char *[]) { "viewer", NULL }));

  /* the last admin stays */
  g_assert_false (kari_roles_unassign (f->roles, "acme", "ann", "admin", &error));
  g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_LAST_ADMIN);
  g_clear_error (&error);
  g_assert_false (kari_roles_remove_user (f->roles, "acme", "ann", &error));
  g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_LAST_ADMIN);
  g_clear_error (&error);
  assert_roles (f, "acme", "ann", "admin");

  /* with a second admin, the first may go */
  g_assert_true (kari_roles_assign (f->roles, "acme", "bob", "admin", &error));
  g_assert_true (kari_roles_unassign (f->roles, "acme", "ann", "admin", &error));
  g_assert_no_error (error);
  /* nothing stored for ann any more: implicit admin again */
  assert_roles (f, "acme", "ann", "admin");
  g_assert_false (kari_roles_unassign (f->roles, "acme", "bob", "admin", &error));
  g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_LAST_ADMIN);
  g_clear_error (&error);

  /* removing every stored user empties the tenant, which is allowed */
  g_assert_true (kari_roles_unassign (f->roles, "acme", "bob", "viewer", &error));
  g_assert_true (kari_roles_remove_user (f->roles, "acme", "bob", &error));
  g_assert_no_error (error);
  g_clear_pointer (&users, g_ptr_array_unref);
  users = kari_roles_list_users (f->roles, "acme", &error);
  g_assert_cmpuint (users->len, ==, 1);
  g_assert_true (((KariTenantUser *) users->pdata[0])->implicit);
}

static void
test_bad_names (Fixture       *f,
                gconstpointer  data)
{
  static const struct
  {
    const char *tenant;
    const char *user;
    const char *role;
    const char *message;
  } cases[] = {
    { "", "bob", "user", "“” is not a tenant id (1 to 64 letters, digits, “.”, “_” or “-”)" },
    { "a b", "bob", "user", "“a b” is not a tenant id (1 to 64 letters, digits, “.”, “_” or “-”)" },
    { "../x", "bob", "user", "“../x” is not a tenant id (1 to 64 letters, digits, “.”, “_” or “-”)" },
    { "acme", "", "user", "“” is not a user name (1 to 256 bytes of UTF-8 without control, invisible or "
      "direction-changing characters)" },
    { "acme", "bob\n", "user", "“bob\\n” is not a user name (1 to 256 bytes of UTF-8 without control, "
      "invisible or direction-changing characters)" },
    { "acme", "bob\xe2\x80\xae", "user", "“bob\\342\\200\\256” is not a user name (1 to 256 bytes of UTF-8 "
      "without control, invisible or direction-changing characters)" },
    { "acme", "\xff", "user", "“\\377” is not a user name (1 to 256 bytes of UTF-8 without control, "
      "invisible or direction-changing characters)" },
    { "acme", "bob", "Admin", "“Admin” is not a role name (1 to 32 lowercase letters, digits, “-” or “_”)" },
    { "acme", "bob", "", "“” is not a role name (1 to 32 lowercase letters, digits, “-” or “_”)" },
    { "acme", "bob", "abcdefghijklmnopqrstuvwxyz0123456", "“abcdefghijklmnopqrstuvwxyz0123456” is not a role "
      "name (1 to 32 lowercase letters, digits, “-” or “_”)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (kari_roles_assign (f->roles, cases[i].tenant, cases[i].user, cases[i].role, &error));
      g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_INVALID_NAME);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  g_assert_true (kari_roles_name_is_valid ("a"));
  g_assert_true (kari_roles_name_is_valid ("abcdefghijklmnopqrstuvwxyz012345"));
  g_assert_true (kari_roles_name_is_valid ("ops-2_x"));
  g_assert_false (kari_roles_name_is_valid ("ops.x"));
  g_assert_false (kari_roles_name_is_valid (NULL));

  /* questions about bad names answer no */
  {
    static const char *viewer[] = { "viewer", NULL };
    g_auto(GStrv) roles = kari_roles_get_user_roles (f->roles, "a b", "ann");
    g_autoptr(GError) error = NULL;

    g_assert_cmpuint (g_strv_length (roles), ==, 0);
    g_assert_false (kari_roles_has_any (f->roles, "acme", "ann\x1b", viewer));
    g_assert_false (kari_roles_may (f->roles, "acme", NULL, KARI_ADMIN_INSTALL, &error));
    g_assert_error (error, KARI_ROLES_ERROR, KARI_ROLES_ERROR_INVALID_NAME);
  }

  /* names that are fine */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (kari_roles_assign (f->roles, "tenant-1.eu", "Zoë O’Brien", "admin", &error));
    g_assert_no_error (error);
    assert_roles (f, "tenant-1.eu", "Zoë O’Brien", "admin");
  }
}

static void
test_persistence (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GPtrArray) roles = NULL;

  g_assert_true (kari_roles_define (f->roles, "acme", "auditor", "Reads", &error));
  g_assert_true (kari_roles_assign (f->roles, "acme", "bob", "auditor", &error));
  g_assert_true (kari_roles_assign (f->roles, "acme", "cy", "user", &error));
  g_assert_no_error (error);

  fixture_close (f);
  fixture_open (f);

  assert_roles (f, "acme", "bob", "auditor");
  assert_roles (f, "acme", "cy", "user");
  assert_roles (f, "acme", "ann", "admin");
  roles = kari_roles_list_roles (f->roles, "acme", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roles->len, ==, 4);
  users = kari_roles_list_users (f->roles, "acme", &error);
  g_assert_cmpuint (users->len, ==, 3);
  g_assert_false (((KariTenantUser *) users->pdata[0])->implicit);

  /* another local user is admin too where nothing is stored for them */
  g_clear_object (&f->roles);
  f->roles = kari_roles_new (f->registry, "dan");
  assert_roles (f, "acme", "dan", "admin");
  assert_roles (f, "acme", "ann", "admin");
}

/* Threads assigning and reading at once keep the last-admin rule. */
typedef struct
{
  KariRoles *roles;
  guint      index;
} ThreadData;

static gpointer
assign_thread (gpointer data)
{
  ThreadData *t = data;

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *user = g_strdup_printf ("u%u-%u", t->index, i);
      g_autoptr(GError) error = NULL;
      static const char *viewer[] = { "viewer", NULL };

      if (!kari_roles_assign (t->roles, "acme", user, i % 2 ? "admin" : "user", &error))
        return GINT_TO_POINTER (FALSE);
      if (!kari_roles_has_any (t->roles, "acme", user, viewer))
        return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  GThread *threads[4];
  ThreadData td[4];
  g_autoptr(GPtrArray) users = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      td[i].roles = f->roles;
      td[i].index = i;
      threads[i] = g_thread_new ("roles", assign_thread, &td[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
  users = kari_roles_list_users (f->roles, "acme", NULL);
  /* 200 users and the local user, whose admin role was stored with the first */
  g_assert_cmpuint (users->len, ==, 201);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/roles/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("local-user", test_local_user);
  ADD ("hierarchy", test_hierarchy);
  ADD ("custom", test_custom_roles);
  ADD ("last-admin", test_last_admin);
  ADD ("bad-names", test_bad_names);
  ADD ("persistence", test_persistence);
  ADD ("threads", test_threads);
#undef ADD

  return g_test_run ();
}
