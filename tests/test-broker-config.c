/* test-broker-config.c — io.github.kari.Config1 on a real broker, called
 * by broker-client through libkari-extension: reading the settings with
 * their defaults, writing them under data:write, refusing what breaks
 * the schema, the secrets permission, and Extension1.ConfigChanged after
 * a change made by the extension or by anyone else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "kari-test-broker.h"

static const char manifest_json[] =
  "{ \"name\": \"cfg\", \"version\": \"1.0.0\", \"description\": \"Config over D-Bus\",\n"
  "  \"permissions\": [\"data:write\", \"secrets\"],\n"
  "  \"config\": {\n"
  "    \"schema\": { \"type\": \"object\", \"properties\": {\n"
  "      \"max_tokens\": { \"type\": \"integer\", \"minimum\": 16, \"maximum\": 4096 },\n"
  "      \"colour\": { \"type\": \"string\", \"default\": \"blue\" },\n"
  "      \"token\": { \"type\": \"string\", \"format\": \"password\" } } },\n"
  "    \"defaults\": { \"max_tokens\": 512 } } }\n";

typedef struct
{
  char                 *dir;
  char                 *path;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  KariManifest         *manifest;
  KariConfig           *config;
  KariBroker           *broker;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char * const declared[] = { "data:write", "secrets", NULL };

  kari_test_engine_open ("kari-broker-config-XXXXXX", &f->dir, &f->path, &f->registry, &f->audit, &f->engine);
  kari_test_engine_set_strict (f->engine);
  g_assert_true (kari_permission_engine_set_declared (f->engine, "cfg", "Cfg", declared, &error));
  g_assert_no_error (error);
  f->manifest = kari_manifest_load_data (manifest_json, strlen (manifest_json), KARI_MANIFEST_FORMAT_JSON, "extension.json",
                                         NULL, &error);
  g_assert_no_error (error);
  f->config = kari_config_new (f->registry, f->manifest, "default", &error);
  g_assert_no_error (error);
  f->broker = kari_test_broker_start (f->engine, "cfg", f->dir);
  kari_broker_set_config (f->broker, f->config);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  kari_broker_stop (f->broker);
  g_clear_object (&f->broker);
  g_clear_object (&f->config);
  g_clear_object (&f->manifest);
  kari_test_engine_close (&f->dir, &f->path, &f->registry, &f->audit, &f->engine);
}

/* A broker takes one connection per run. */
static void
renew (Fixture *f)
{
  kari_broker_stop (f->broker);
  g_clear_object (&f->broker);
  f->broker = kari_test_broker_start (f->engine, "cfg", f->dir);
  kari_broker_set_config (f->broker, f->config);
}

static void
test_get (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *out = kari_test_run_client (f->broker, "config-get", NULL);

  /* No permission needed: the settings are its own, defaults applied. */
  g_assert_nonnull (strstr (out, "config={"));
  g_assert_nonnull (strstr (out, "\"max_tokens\":512"));
  g_assert_nonnull (strstr (out, "\"colour\":\"blue\""));
  g_assert_null (strstr (out, "\"token\""));
}

static void
test_set (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) value = NULL;

  const char * const only_secrets[] = { "secrets", NULL };
  const char * const both[] = { "data:write", "secrets", NULL };

  /* Without data:write in its manifest: refused, nothing stored. */
  g_assert_true (kari_permission_engine_set_declared (f->engine, "cfg", "Cfg", only_secrets, &error));
  g_assert_no_error (error);
  {
    g_autofree char *out = kari_test_run_client (f->broker, "config-set", "max_tokens=100");

    g_assert_nonnull (strstr (out, "set=io.github.kari.Error.PermissionDenied"));
    g_assert_nonnull (strstr (out, "data:write"));
  }
  value = kari_config_get_value (f->config, "max_tokens", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (value), ==, 512);
  g_clear_pointer (&value, json_node_unref);

  /* Declared, data:write is the extension's own data: allowed. */
  g_assert_true (kari_permission_engine_set_declared (f->engine, "cfg", "Cfg", both, &error));
  g_assert_no_error (error);
  renew (f);
  {
    /* Against the schema: refused with the path and the rule. */
    g_autofree char *out = kari_test_run_client (f->broker, "config-set", "max_tokens=9000");

    g_assert_nonnull (strstr (out, "set=org.freedesktop.DBus.Error.InvalidArgs"));
    g_assert_nonnull (strstr (out, "/max_tokens"));
    g_assert_nonnull (strstr (out, "maximum"));
  }
  /* The refused value left nothing behind, not even in the defaults the
   * host keeps in memory. */
  value = kari_config_get_value (f->config, "max_tokens", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (value), ==, 512);
  g_clear_pointer (&value, json_node_unref);
  renew (f);
  {
    g_autofree char *out = kari_test_run_client (f->broker, "config-set", "max_tokens={not json");
    g_assert_nonnull (strstr (out, "set=org.freedesktop.DBus.Error.InvalidArgs"));
  }
  renew (f);
  {
    /* Nesting past the JSON parser's limit is refused, not recursed into. */
    g_autofree char *deep = g_strnfill (20000, '[');
    g_autofree char *arg = g_strconcat ("max_tokens=", deep, NULL);
    g_autofree char *out = kari_test_run_client (f->broker, "config-set", arg);

    g_assert_nonnull (strstr (out, "set=org.freedesktop.DBus.Error.InvalidArgs"));
    g_assert_nonnull (strstr (out, "nested more than"));
  }
  renew (f);
  {
    /* Settings are kept small: a long value fills them up. */
    g_autofree char *long_text = g_strnfill (60 * 1024, 'x');
    g_autoptr(JsonNode) long_value = json_node_init_string (json_node_alloc (), long_text);
    guint stored = 0;

    for (guint i = 0; i < 8; i++)
      {
        g_autofree char *key = g_strdup_printf ("/extra%u", i);
        g_autoptr(GError) set_error = NULL;

        if (kari_config_set (f->config, key, long_value, &set_error))
          stored++;
        else
          {
            g_assert_error (set_error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_INVALID);
            g_assert_nonnull (strstr (set_error->message, "KiB"));
          }
      }
    g_assert_cmpuint (stored, ==, KARI_CONFIG_MAX_SIZE / (60 * 1024));
    g_assert_true (kari_config_reset (f->config, NULL, &error));
    g_assert_no_error (error);
  }
  {
    /* Stored, then announced to the extension. */
    g_autofree char *out = kari_test_run_client (f->broker, "config-set", "max_tokens=100");

    g_assert_nonnull (strstr (out, "set=ok"));
    g_assert_nonnull (strstr (out, "changed=default"));
  }
  value = kari_config_get_value (f->config, "/max_tokens", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (value), ==, 100);
  g_clear_pointer (&value, json_node_unref);

  renew (f);
  {
    /* A secret setting needs secrets, which strict asks for and nobody
     * answers here. */
    g_autofree char *out = kari_test_run_client (f->broker, "config-set", "token=\"abc\"");
    g_assert_nonnull (strstr (out, "set=io.github.kari.Error.PermissionDenied"));
    g_assert_nonnull (strstr (out, "secrets:write:config"));
  }
}

static void
test_secrets_permission (Fixture       *f,
                         gconstpointer  data)
{
  {
    g_autofree char *out = kari_test_run_client (f->broker, "config-secrets", NULL);
    g_assert_nonnull (strstr (out, "config=io.github.kari.Error.PermissionDenied"));
  }
  kari_test_grant (f->engine, "cfg", "secrets");
  renew (f);
  {
    /* No secret is set, so the keyring is not needed to answer. */
    g_autofree char *out = kari_test_run_client (f->broker, "config-secrets", NULL);
    g_assert_nonnull (strstr (out, "\"max_tokens\":512"));
  }
}

static void
on_handshake (KariBroker *broker,
              gpointer    user_data)
{
  Fixture *f = user_data;
  g_autoptr(JsonNode) value = json_from_string ("\"red\"", NULL);
  g_autoptr(GError) error = NULL;

  /* A change made by someone else (kari-ext config, the app). */
  g_assert_true (kari_config_set (f->config, "colour", value, &error));
  g_assert_no_error (error);
  kari_broker_notify_config_changed (broker);
}

static void
test_changed_by_others (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *out = NULL;

  g_signal_connect (f->broker, "handshake", G_CALLBACK (on_handshake), f);
  out = kari_test_run_client (f->broker, "config-wait", NULL);
  g_assert_nonnull (strstr (out, "changed=default"));
}

static const char python_extension[] =
  "import json, os\n"
  "import kari_extension\n"
  "ext = kari_extension.Extension()\n"
  "def on_changed(tenant):\n"
  "    print('changed', tenant, flush=True)\n"
  "    def got(finish):\n"
  "        print('config', json.dumps(finish(), sort_keys=True), flush=True)\n"
  "        os._exit(0)\n"
  "    ext.get_config(got)\n"
  "ext.on_config_changed = on_changed\n"
  "def on_ready(ext):\n"
  "    def refused(finish):\n"
  "        try:\n"
  "            finish()\n"
  "            print('accepted 9000', flush=True)\n"
  "        except kari_extension.KariError as error:\n"
  "            print('refused', error, flush=True)\n"
  "        ext.set_config('max_tokens', 100, stored)\n"
  "    def stored(finish):\n"
  "        finish()\n"
  "        print('stored', flush=True)\n"
  "    ext.set_config('max_tokens', 9000, refused)\n"
  "ext.run(on_ready)\n";

/* The Python SDK: a refused value raises, a stored one is announced. */
static void
test_python (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *script = kari_test_write (f->dir, "main.py", python_extension);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  KariTestRun run = { 0 };

  g_subprocess_launcher_setenv (launcher, "KARI_HOST_ADDRESS", kari_broker_get_address (f->broker), TRUE);
  g_subprocess_launcher_setenv (launcher, "PYTHONPATH", g_getenv ("KARI_PYTHON_SDK"), TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, kari_test_run_on_communicated, &run);
  g_assert_true (kari_test_wait_for (&run.done, 120));
  g_test_message ("%s", run.out);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "refused "));
  g_assert_nonnull (strstr (run.out, "/max_tokens"));
  g_assert_nonnull (strstr (run.out, "stored\nchanged default\nconfig {\"colour\": \"blue\", \"max_tokens\": 100}"));
  g_free (run.out);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/broker-config/get-with-defaults", test_get);
  ADD ("/broker-config/set-checked-validated-announced", test_set);
  ADD ("/broker-config/secrets-need-permission", test_secrets_permission);
  ADD ("/broker-config/changed-by-others", test_changed_by_others);
  ADD ("/broker-config/python-sdk", test_python);
#undef ADD

  return g_test_run ();
}
