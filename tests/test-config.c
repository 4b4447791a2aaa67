/* test-config.c — config keys, kari-ext config get|set|reset against a
 * manifest's schema, and secrets in a real keyring: gnome-keyring-daemon
 * on a private D-Bus session (GTestDBus) with its own HOME and
 * XDG_RUNTIME_DIR, its login keyring unlocked with a password on stdin
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libsecret/secret.h>
#include <stdio.h>

#include "kari-test-cli.h"
#include "kari-test-keyring.h"

#define SECRET "hunter2-Kari-secret"

static const SecretSchema secret_schema = {
  "io.github.kari.ControlRoom.Secret", SECRET_SCHEMA_NONE,
  {
    { "extension", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "tenant", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "key", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static const char manifest_extra[] =
  "\"permissions\": [\"data:read\", \"secrets\"],\n"
  "  \"config\": {\n"
  "    \"schema\": {\n"
  "      \"type\": \"object\",\n"
  "      \"properties\": {\n"
  "        \"model\": { \"type\": \"string\", \"default\": \"distilgpt2\" },\n"
  "        \"max_tokens\": { \"type\": \"integer\", \"minimum\": 16, \"maximum\": 4096 },\n"
  "        \"colour\": { \"enum\": [\"red\", \"blue\"] },\n"
  "        \"api_key\": { \"type\": \"string\", \"writeOnly\": true, \"minLength\": 4 },\n"
  "        \"proxy\": { \"type\": \"object\", \"properties\": {\n"
  "          \"host\": { \"type\": \"string\" },\n"
  "          \"port\": { \"type\": \"integer\", \"minimum\": 1, \"maximum\": 65535 } } }\n"
  "      }\n"
  "    },\n"
  "    \"defaults\": { \"max_tokens\": 512 }\n"
  "  }";

static gboolean have_keyring;

static void
test_keys (void)
{
  static const struct { const char *key; const char *pointer; } good[] = {
    { "proxy.port", "/proxy/port" },
    { "model", "/model" },
    { "/proxy/port", "/proxy/port" },
    { "/a.b", "/a.b" },
    { "/a~1b/~0c", "/a~1b/~0c" },
    { "a/b.c~d", "/a~1b/c~0d" },
  };
  static const char * const bad[] = { "", "a..b", ".a", "a.", "/x~2", "/x~" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *pointer = kari_config_key_to_pointer (good[i].key, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (pointer, ==, good[i].pointer);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *pointer = kari_config_key_to_pointer (bad[i], &error);

      g_assert_null (pointer);
      g_assert_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_BAD_KEY);
    }
}

static void
write_crm (Fixture *f)
{
  g_autofree char *own = g_build_filename (f->data_home, "kari", "extensions", NULL);

  g_free (kari_test_write_extension (own, "crm", "crm", "1.0.0", manifest_extra));
}

static JsonObject *
config_of (Fixture    *f,
           const char *tenant)
{
  g_auto(Result) r = run (f, "config", "get", "crm", "--json", "--tenant", tenant);
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpint (r.status, ==, 0);
  root = parse_json (r.out);
  return json_object_ref (json_node_get_object (root));
}

static void
assert_refused (Fixture    *f,
                const char *key,
                const char *value,
                const char *path,
                const char *rule)
{
  g_auto(Result) r = run (f, "config", "set", "crm", key, value);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, path));
  g_assert_nonnull (strstr (r.err, rule));
}

static void
test_get_set_reset (Fixture       *f,
                    gconstpointer  data)
{
  write_crm (f);
  {
    g_autoptr(JsonObject) o = config_of (f, "default");
    JsonObject *config = json_object_get_object_member (o, "config");

    g_assert_cmpstr (json_object_get_string_member (o, "tenant"), ==, "default");
    g_assert_cmpstr (json_object_get_string_member (config, "model"), ==, "distilgpt2");
    g_assert_cmpint (json_object_get_int_member (config, "max_tokens"), ==, 512);
    g_assert_false (json_object_has_member (config, "api_key"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "secrets"), "/api_key"),
                     ==, "unset");
  }

  /* An extension without config.schema has no settings to change. */
  {
    g_autofree char *own = g_build_filename (f->data_home, "kari", "extensions", NULL);
    g_auto(Result) r = { 0 };

    g_free (kari_test_write_extension (own, "plain", "plain", "1.0.0", NULL));
    r = run (f, "config", "set", "plain", "colour", "red");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "declares no config.schema"));
  }

  /* Values that break a rule are refused with where and which rule. */
  assert_refused (f, "max_tokens", "9000", "/max_tokens", "maximum");
  assert_refused (f, "max_tokens", "\"12\"", "/max_tokens", "type");
  assert_refused (f, "proxy.port", "70000", "/proxy/port", "maximum");
  assert_refused (f, "/proxy/port", "0", "/proxy/port", "minimum");
  assert_refused (f, "colour", "green", "/colour", "enum");
  {
    g_auto(Result) r = run (f, "config", "set", "crm", "max_tokens", "not json");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "not a JSON value"));
  }
  {
    g_auto(Result) r = run (f, "config", "set", "crm", "a..b", "1");
    g_assert_cmpint (r.status, ==, 1);
  }
  {
    g_auto(Result) r = run (f, "config", "set", "crm", "max_tokens");
    g_assert_cmpint (r.status, ==, 2);
  }
  {
    g_auto(Result) r = run (f, "config", "get", "nobody");
    g_assert_cmpint (r.status, ==, 1);
  }
  {
    g_auto(Result) r = run (f, "config", "get", "crm", "--tenant", "nowhere");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "nowhere"));
  }

  /* Strings need no quotes when the schema says string; JSON otherwise. */
  {
    g_auto(Result) r = run (f, "config", "set", "crm", "colour", "blue");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "config", "set", "crm", "model", "123");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "config", "set", "crm", "proxy.port", "8080", "--json");
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "key"), ==, "/proxy/port");
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "value"), ==, 8080);
  }
  {
    g_auto(Result) r = run (f, "config", "set", "crm", "max_tokens", "100");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_autoptr(JsonObject) o = config_of (f, "default");
    JsonObject *config = json_object_get_object_member (o, "config");

    g_assert_cmpstr (json_object_get_string_member (config, "colour"), ==, "blue");
    g_assert_cmpstr (json_object_get_string_member (config, "model"), ==, "123");
    g_assert_cmpint (json_object_get_int_member (config, "max_tokens"), ==, 100);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (config, "proxy"), "port"), ==, 8080);
  }
  {
    g_auto(Result) r = run (f, "config", "get", "crm", "/proxy/port");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.out, ==, "8080\n");
  }

  /* Per tenant. */
  {
    g_auto(Result) r = run (f, "tenant", "create", "acme");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "config", "set", "crm", "colour", "red", "--tenant", "acme");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_autoptr(JsonObject) acme = config_of (f, "acme");
    g_autoptr(JsonObject) def = config_of (f, "default");

    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (acme, "config"), "colour"), ==, "red");
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (acme, "config"), "max_tokens"), ==, 512);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (def, "config"), "colour"), ==, "blue");
  }

  /* Reset one key, then all. */
  {
    g_auto(Result) r = run (f, "config", "reset", "crm", "max_tokens");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Result) r = run (f, "config", "get", "crm", "max_tokens");
    g_assert_cmpstr (r.out, ==, "512\n");
  }
  {
    g_auto(Result) r = run (f, "config", "reset", "crm");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_autoptr(JsonObject) o = config_of (f, "default");
    g_assert_false (json_object_has_member (json_object_get_object_member (o, "config"), "colour"));
  }
}

/* The keyring is read from a child (this program, re-run): libsecret
 * keeps proxies on the session connection for the life of the process,
 * which the private bus must see closed at the end. */
static char *
keyring_child (const char *what,
               const char *tenant)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/proc/self/exe", what, tenant, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (child));
  return g_steal_pointer (&out);
}

static char *
keyring_lookup (const char *tenant)
{
  g_autofree char *out = keyring_child ("--keyring-lookup", tenant);

  return *out == '\0' ? NULL : g_strdup (out);
}

static guint
keyring_count (void)
{
  g_autofree char *out = keyring_child ("--keyring-count", "");

  return (guint) g_ascii_strtoull (out, NULL, 10);
}

/* In the child: prints the secret of crm's /api_key in @tenant, or the
 * number of items crm has. */
static int
keyring_main (const char *what,
              const char *tenant)
{
  g_autoptr(GError) error = NULL;

  if (g_str_equal (what, "--keyring-lookup"))
    {
      char *secret = secret_password_lookup_sync (&secret_schema, NULL, &error, "extension", "crm",
                                                  "tenant", tenant, "key", "/api_key", NULL);

      if (error != NULL)
        return 1;
      printf ("%s", secret != NULL ? secret : "");
      secret_password_free (secret);
      return 0;
    }
  else
    {
      g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
      GList *items;

      g_hash_table_insert (attributes, (gpointer) "extension", (gpointer) "crm");
      items = secret_password_searchv_sync (&secret_schema, attributes, SECRET_SEARCH_ALL, NULL, &error);
      if (error != NULL)
        return 1;
      printf ("%u", g_list_length (items));
      g_list_free_full (items, g_object_unref);
      return 0;
    }
}

/* Whether any file under @dir holds @needle. */
static gboolean
files_hold (const char *dir,
            const char *needle)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (files_hold (path, needle))
            return TRUE;
          continue;
        }
      if (g_file_get_contents (path, &contents, &length, NULL)
          && g_strstr_len (contents, length, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
on_changed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GString *order = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = kari_config_set_finish (KARI_CONFIG (source), result, &error);

  /* Back in the caller's context, one letter per change: o(k) or r(efused). */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_string_append_c (order, ok ? 'o' : 'r');
  if (!ok)
    g_assert_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_INVALID);
}

static void
on_reset (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kari_config_reset_finish (KARI_CONFIG (source), result, &error));
  g_assert_no_error (error);
  g_string_append_c (user_data, 'x');
}

/* Changes made without waiting are stored in the order they were asked
 * for, off the caller's thread, each answered in the caller's context. */
static void
test_async_in_order (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *app = g_build_filename (f->data_home, "kari", "extensions", "crm", NULL);
  g_autofree char *db = g_build_filename (f->data_home, "kari", "registry.db", NULL);
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KariRegistry) registry = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  g_autoptr(KariConfig) config = NULL;
  g_autoptr(JsonNode) value = NULL;
  gint64 deadline;

  write_crm (f);
  {
    /* Installed in the registry by kari-ext's catalog sync. */
    g_auto(Result) r = run (f, "config", "get", "crm");
    g_assert_cmpint (r.status, ==, 0);
  }
  registry = kari_registry_open (db, NULL, NULL, &error);
  g_assert_no_error (error);
  manifest = kari_manifest_load_dir (app, NULL, &error);
  g_assert_no_error (error);
  config = kari_config_new (registry, manifest, "default", &error);
  g_assert_no_error (error);

  for (int i = 0; i < 20; i++)
    {
      g_autoptr(JsonNode) tokens = json_node_init_int (json_node_alloc (), 100 + i);

      kari_config_set_async (config, "max_tokens", tokens, NULL, on_changed, order);
    }
  {
    g_autoptr(JsonNode) bad = json_node_init_int (json_node_alloc (), 5);
    g_autoptr(JsonNode) colour = json_node_init_string (json_node_alloc (), "blue");

    kari_config_set_async (config, "max_tokens", bad, NULL, on_changed, order);
    kari_config_reset_async (config, "colour", NULL, on_reset, order);
    kari_config_set_async (config, "colour", colour, NULL, on_changed, order);
  }
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (order->len < 23 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (order->str, ==, "oooooooooooooooooooorxo");

  /* The last good value of each stands. */
  value = kari_config_get_value (config, "/max_tokens", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (value), ==, 119);
  g_clear_pointer (&value, json_node_unref);
  value = kari_config_get_value (config, "/colour", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (value), ==, "blue");
}

static void
test_secrets (Fixture       *f,
              gconstpointer  data)
{
  if (!have_keyring)
    {
      g_test_skip ("gnome-keyring-daemon could not be started here");
      return;
    }
  write_crm (f);
  {
    g_auto(Result) r = run (f, "tenant", "create", "acme");
    g_assert_cmpint (r.status, ==, 0);
  }
  assert_refused (f, "api_key", "abc", "/api_key", "minLength");
  {
    g_auto(Result) r = run (f, "config", "set", "crm", "api_key", SECRET, "--json");

    g_assert_cmpint (r.status, ==, 0);
    g_assert_null (strstr (r.out, SECRET));
  }
  {
    g_auto(Result) r = run (f, "config", "set", "crm", "api_key", SECRET "-acme", "--tenant", "acme");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_autofree char *stored = keyring_lookup ("default");
    g_autofree char *stored_acme = keyring_lookup ("acme");

    g_assert_cmpstr (stored, ==, SECRET);
    g_assert_cmpstr (stored_acme, ==, SECRET "-acme");
  }
  /* Never echoed, never in the registry's files. */
  {
    g_auto(Result) r = run (f, "config", "get", "crm", "api_key");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.out, ==, "set\n");
  }
  {
    g_auto(Result) r = run (f, "config", "get", "crm");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_null (strstr (r.out, SECRET));
    g_assert_nonnull (strstr (r.out, "/api_key: set"));
  }
  g_assert_false (files_hold (f->data_home, SECRET));

  /* Reset removes it from the keyring. */
  {
    g_auto(Result) r = run (f, "config", "reset", "crm", "api_key");
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_autofree char *stored = keyring_lookup ("default");
    g_assert_null (stored);
  }
  g_assert_cmpuint (keyring_count (), ==, 1);
  {
    g_auto(Result) r = run (f, "config", "set", "crm", "api_key", SECRET);
    g_assert_cmpint (r.status, ==, 0);
  }
  g_assert_cmpuint (keyring_count (), ==, 2);

  /* Deleting a tenant takes its secrets; removing the extension the rest. */
  {
    g_auto(Result) r = run (f, "tenant", "delete", "acme", "--yes");
    g_assert_cmpint (r.status, ==, 0);
  }
  g_assert_cmpuint (keyring_count (), ==, 1);
  {
    g_auto(Result) r = run (f, "remove", "crm", "--yes");
    g_assert_cmpint (r.status, ==, 0);
  }
  g_assert_cmpuint (keyring_count (), ==, 0);
  g_assert_false (files_hold (f->data_home, SECRET));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *root = g_dir_make_tmp ("kari-keyring-XXXXXX", NULL);
  g_autoptr(GTestDBus) bus_daemon = NULL;
  g_autoptr(GSubprocess) keyring = NULL;
  int status;

  if (argc == 3 && g_str_has_prefix (argv[1], "--keyring-"))
    {
      kari_test_rm_rf (root);
      return keyring_main (argv[1], argv[2]);
    }
  g_test_init (&argc, &argv, NULL);

  /* A private session bus: the keyring of the person running the tests
   * is never touched. */
  bus_daemon = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus_daemon);
  keyring = kari_test_start_keyring (root);
  have_keyring = keyring != NULL;

  g_test_add_func ("/config/keys", test_keys);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/config/get-set-reset", test_get_set_reset);
  ADD ("/config/secrets-in-keyring", test_secrets);
  ADD ("/config/async-in-order", test_async_in_order);
#undef ADD

  status = g_test_run ();

  if (keyring != NULL)
    {
      g_subprocess_force_exit (keyring);
      g_subprocess_wait (keyring, NULL, NULL);
    }
  g_test_dbus_down (bus_daemon);
  kari_test_rm_rf (root);
  return status;
}
