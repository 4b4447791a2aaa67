/* test-manifest.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every field's checks, each with the exact diagnostic a person reads,
 * position included.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kari.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

static char *
join_diagnostics (GPtrArray *diagnostics)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      g_autofree char *line = kari_diagnostic_to_string (g_ptr_array_index (diagnostics, i));
      g_string_append_printf (s, "%s\n", line);
    }
  return g_string_free (s, FALSE);
}

static char *
join_expected (const char * const *expected)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; expected[i] != NULL; i++)
    g_string_append_printf (s, "%s\n", expected[i]);
  return g_string_free (s, FALSE);
}

/* Loads @text and checks the diagnostics are exactly @expected, in
 * order. Returns the manifest when it loaded. */
static KariManifest *
check_text (const char         *text,
            KariManifestFormat  format,
            const char * const *expected)
{
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;
  guint n_errors = 0;

  manifest = kari_manifest_load_data (text, strlen (text), format, NULL, diagnostics, &error);
  got = join_diagnostics (diagnostics);
  want = join_expected (expected);
  g_assert_cmpstr (got, ==, want);

  n_errors = kari_diagnostics_count (diagnostics, KARI_SEVERITY_ERROR);
  if (n_errors > 0)
    {
      g_autofree char *message = g_strdup_printf (n_errors == 1 ? "%u error in %s" : "%u errors in %s",
                                                  n_errors,
                                                  format == KARI_MANIFEST_FORMAT_JSON ? "extension.json"
                                                                                      : "extension.toml");
      g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, message);
      g_assert_null (manifest);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_nonnull (manifest);
    }
  return g_steal_pointer (&manifest);
}

static char *
example_path (const char *relative)
{
  return g_build_filename (g_getenv ("KARI_SOURCE_DIR") ? g_getenv ("KARI_SOURCE_DIR") : KARI_SOURCE_DIR,
                           "examples", relative, NULL);
}

/* ------------------------------------------------------------------ */
/* The field table                                                    */

/* The start of a valid manifest; what a case adds begins on line 4. */
#define HEAD "{\n  \"name\": \"demo\",\n  \"version\": \"1.0.0\",\n"
#define TAIL "\n}\n"
#define E(line_col, rest) "extension.json:" line_col ": error: " rest
#define W(line_col, rest) "extension.json:" line_col ": warning: " rest
#define NAME_RULE "a name of 1 to 64 lowercase letters, digits, “-”, “_” or “.”, not starting with “.” or “-”"
#define NAME_EXPECTED "expected " NAME_RULE

typedef struct
{
  const char *test;
  const char *text;
  const char *expected[6];
} FieldCase;

static const FieldCase field_cases[] = {
  /* identity */
  { "/manifest/field/name/missing", "{\n  \"version\": \"1.0.0\"\n}\n",
    { E ("1:1", "name: missing required field") } },
  { "/manifest/field/name/uppercase", "{\n  \"name\": \"Demo\",\n  \"version\": \"1.0.0\"\n}\n",
    { E ("2:3", "name: " NAME_EXPECTED ", got \"Demo\"") } },
  { "/manifest/field/name/traversal", "{\n  \"name\": \"../evil\",\n  \"version\": \"1.0.0\"\n}\n",
    { E ("2:3", "name: " NAME_EXPECTED ", got \"../evil\"") } },
  { "/manifest/field/name/slash", "{\n  \"name\": \"a/b\",\n  \"version\": \"1.0.0\"\n}\n",
    { E ("2:3", "name: " NAME_EXPECTED ", got \"a/b\"") } },
  { "/manifest/field/name/leading-dot", "{\n  \"name\": \".demo\",\n  \"version\": \"1.0.0\"\n}\n",
    { E ("2:3", "name: " NAME_EXPECTED ", got \".demo\"") } },
  { "/manifest/field/name/leading-dash", "{\n  \"name\": \"-demo\",\n  \"version\": \"1.0.0\"\n}\n",
    { E ("2:3", "name: " NAME_EXPECTED ", got \"-demo\"") } },
  { "/manifest/field/name/too-long",
    "{\n  \"name\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\n  \"version\": \"1.0.0\"\n}\n",
    { E ("2:3", "name: " NAME_EXPECTED ", got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…") } },
  { "/manifest/field/name/not-string", "{\n  \"name\": 7,\n  \"version\": \"1.0.0\"\n}\n",
    { E ("2:3", "name: expected a string, got 7") } },
  { "/manifest/field/version/missing", "{\n  \"name\": \"demo\"\n}\n",
    { E ("1:1", "version: missing required field") } },
  { "/manifest/field/version/two-parts", "{\n  \"name\": \"demo\",\n  \"version\": \"1.2\"\n}\n",
    { E ("3:3", "version: expected a semantic version such as “1.2.0”, got \"1.2\"") } },
  { "/manifest/field/version/number", "{\n  \"name\": \"demo\",\n  \"version\": 1\n}\n",
    { E ("3:3", "version: expected a string, got 1") } },
  { "/manifest/field/display-name/empty", HEAD "  \"display_name\": \"\"" TAIL,
    { E ("4:3", "display_name: expected a non-empty string, got \"\"") } },
  { "/manifest/field/description/not-string", HEAD "  \"description\": [\"a\"]" TAIL,
    { E ("4:3", "description: expected a string, got an array") } },
  { "/manifest/field/author/number", HEAD "  \"author\": 42" TAIL,
    { E ("4:3", "author: expected a string or an object with name, email and url, got 42") } },
  { "/manifest/field/author/object-without-name", HEAD "  \"author\": {\n    \"email\": \"a@b.example\"\n  }" TAIL,
    { E ("4:3", "author.name: missing required field") } },
  { "/manifest/field/author/bad-email", HEAD "  \"author\": {\n    \"name\": \"A\",\n    \"email\": \"nobody\"\n  }" TAIL,
    { E ("6:5", "author.email: expected an e-mail address, got \"nobody\"") } },
  { "/manifest/field/author/bad-url", HEAD "  \"author\": {\n    \"name\": \"A\",\n    \"url\": \"javascript:alert(1)\"\n  }" TAIL,
    { E ("6:5", "author.url: expected an http or https URL, got \"javascript:alert(1)\"") } },
  { "/manifest/field/license/null", HEAD "  \"license\": null" TAIL,
    { E ("4:3", "license: expected a string, got null") } },
  { "/manifest/field/type/unknown", HEAD "  \"type\": \"widget\"" TAIL,
    { E ("4:3", "type: expected one of instrument, operator, addon, integration, dashboard, "
                "workflow, automation, service, theme, library, got \"widget\"") } },
  { "/manifest/field/category/uppercase", HEAD "  \"category\": \"Analytics\"" TAIL,
    { E ("4:3", "category: expected a category of lowercase letters, digits and “-”, got \"Analytics\"") } },
  { "/manifest/field/tags/duplicate", HEAD "  \"tags\": [\"a\", \"a\"]" TAIL,
    { E ("4:17", "tags[1]: “a” is listed twice") } },
  { "/manifest/field/tags/not-array", HEAD "  \"tags\": \"a, b\"" TAIL,
    { E ("4:3", "tags: expected an array, got \"a, b\"") } },
  { "/manifest/field/tags/not-string", HEAD "  \"tags\": [\"a\", true]" TAIL,
    { E ("4:17", "tags[1]: expected a string, got true") } },
  { "/manifest/field/api-version/two", HEAD "  \"api_version\": \"2.0\"" TAIL,
    { E ("4:3", "api_version: expected an API version this host speaks, such as “1.0” or “1.x”, got \"2.0\"") } },
  { "/manifest/field/kari-min-version/word", HEAD "  \"kari_min_version\": \"soon\"" TAIL,
    { E ("4:3", "kari_min_version: expected a semantic version such as “1.2.0”, got \"soon\"") } },

  /* capabilities */
  { "/manifest/field/capabilities/number", HEAD "  \"capabilities\": 5" TAIL,
    { E ("4:3", "capabilities: expected an array of capability ids or an object of provides_* flags, got 5") } },
  { "/manifest/field/capabilities/flag-not-boolean", HEAD "  \"capabilities\": {\n    \"provides_ui\": \"yes\"\n  }" TAIL,
    { E ("5:5", "capabilities.provides_ui: expected true or false, got \"yes\"") } },
  { "/manifest/field/capabilities/unknown-flag", HEAD "  \"capabilities\": {\n    \"provides_magic\": true\n  }" TAIL,
    { W ("5:5", "capabilities.provides_magic: unknown field, ignored") } },
  { "/manifest/field/capabilities/unknown-id", HEAD "  \"capabilities\": [\"teleport\", \"x-teleport\"]" TAIL,
    { E ("4:20", "capabilities[0]: expected a known capability id (ui.page, ui.panel, api.endpoints, "
                 "tasks.background, webhooks.receive, ai.inference, …) or a custom one starting with “x-”, "
                 "got \"teleport\"") } },

  /* dependencies */
  { "/manifest/field/dependencies/bad-extension-name",
    HEAD "  \"dependencies\": {\n    \"extensions\": [\"Bad Name@^1.0.0\"]\n  }" TAIL,
    { E ("5:20", "dependencies.extensions[0]: expected “name” or “name@constraint” with " NAME_RULE
                 ", got \"Bad Name@^1.0.0\"") } },
  { "/manifest/field/dependencies/duplicate",
    HEAD "  \"dependencies\": {\n    \"plugins\": [\"time_query\", \"time_query@^1.0.0\"]\n  }" TAIL,
    { E ("5:31", "dependencies.plugins[1]: dependency “time_query” is declared twice") } },
  { "/manifest/field/dependencies/service-with-version",
    HEAD "  \"dependencies\": {\n    \"system_services\": [\"redis@7\"]\n  }" TAIL,
    { E ("5:25", "dependencies.system_services[0]: " NAME_EXPECTED ", got \"redis@7\"") } },
  { "/manifest/field/dependencies/not-object", HEAD "  \"dependencies\": [\"a\"]" TAIL,
    { E ("4:3", "dependencies: expected an object, got an array") } },
  { "/manifest/field/dependencies/unknown-kind",
    HEAD "  \"dependencies\": {\n    \"python\": [\"numpy\"]\n  }" TAIL,
    { W ("5:5", "dependencies.python: unknown field, ignored") } },

  /* permissions */
  { "/manifest/field/permissions/unknown-action", HEAD "  \"permissions\": [\"data:read\", \"network:telnet\"]" TAIL,
    { E ("4:32", "permissions[1]: “network:telnet”: unknown action “telnet” at column 9 (known for “network”: "
                 "http, connect, full)") } },
  { "/manifest/field/permissions/relative-path", HEAD "  \"permissions\": [\"filesystem:read:Documents\"]" TAIL,
    { E ("4:19", "permissions[0]: “filesystem:read:Documents”: bad path “Documents” at column 17: a path "
                 "pattern must start with /, ~ or $DATA") } },
  { "/manifest/field/permissions/unknown-domain", HEAD "  \"permissions\": [\"root\"]" TAIL,
    { E ("4:19", "permissions[0]: “root”: unknown domain “root” at column 1 (known: filesystem, network, "
                 "system, model, ipc, extension, plugin, data, secrets, notifications)") } },
  { "/manifest/field/permissions/unknown-group",
    HEAD "  \"permissions\": {\n    \"magic_access\": [\"read\", \"write\"]\n  }" TAIL,
    { E ("5:5", "permissions.magic_access: unknown permission group “magic_access” (known: data_access, "
                "plugin_access, system_access, network_access, model_access, extension_access, "
                "secrets_access, notification_access)") } },
  { "/manifest/field/permissions/unknown-group-value",
    HEAD "  \"permissions\": {\n    \"data_access\": [\"read\", \"delete\"]\n  }" TAIL,
    { E ("5:29", "permissions.data_access[1]: unknown value “delete” for “data_access” (known: read, write)") } },
  { "/manifest/field/permissions/group-not-array",
    HEAD "  \"permissions\": {\n    \"data_access\": \"read\"\n  }" TAIL,
    { E ("5:5", "permissions.data_access: expected an array of strings, got \"read\"") } },
  { "/manifest/field/permissions/string", HEAD "  \"permissions\": \"all\"" TAIL,
    { E ("4:3", "permissions: expected an array of permissions or an object of permission groups, got \"all\"") } },

  /* resources */
  { "/manifest/field/resources/memory-word", HEAD "  \"resources\": {\n    \"max_memory_mb\": \"lots\"\n  }" TAIL,
    { E ("5:5", "resources.max_memory_mb: expected a positive integer, got \"lots\"") } },
  { "/manifest/field/resources/memory-zero", HEAD "  \"resources\": {\n    \"max_memory_mb\": 0\n  }" TAIL,
    { E ("5:5", "resources.max_memory_mb: expected an integer from 1 to 65536, got 0") } },
  { "/manifest/field/resources/cpu-over", HEAD "  \"resources\": {\n    \"max_cpu_percent\": 400\n  }" TAIL,
    { E ("5:5", "resources.max_cpu_percent: expected an integer from 1 to 100, got 400") } },
  { "/manifest/field/resources/disk-fraction", HEAD "  \"resources\": {\n    \"max_disk_mb\": 1.5\n  }" TAIL,
    { E ("5:5", "resources.max_disk_mb: expected a positive integer, got 1.5") } },
  { "/manifest/field/resources/unknown", HEAD "  \"resources\": {\n    \"max_gpu\": 1\n  }" TAIL,
    { W ("5:5", "resources.max_gpu: unknown field, ignored") } },

  /* runtime */
  { "/manifest/field/runtime/no-command", HEAD "  \"runtime\": {\n    \"working_dir\": \"src\"\n  }" TAIL,
    { E ("4:3", "runtime.command: missing required field") } },
  { "/manifest/field/runtime/empty-command", HEAD "  \"runtime\": {\n    \"command\": []\n  }" TAIL,
    { E ("5:5", "runtime.command: expected at least one entry, got an empty array") } },
  { "/manifest/field/runtime/empty-program", HEAD "  \"runtime\": {\n    \"command\": [\"\", \"-x\"]\n  }" TAIL,
    { E ("5:17", "runtime.command[0]: expected a program to run, got \"\"") } },
  { "/manifest/field/runtime/command-string", HEAD "  \"runtime\": {\n    \"command\": \"python3 main.py\"\n  }" TAIL,
    { E ("5:5", "runtime.command: expected an array, got \"python3 main.py\"") } },
  { "/manifest/field/runtime/bad-env",
    HEAD "  \"runtime\": {\n    \"command\": [\"x\"],\n    \"env\": {\n      \"1BAD\": \"x\",\n      \"OK\": 1\n    }\n  }" TAIL,
    { E ("7:7", "runtime.env.1BAD: expected a variable name of letters, digits and “_”"),
      E ("8:7", "runtime.env.OK: expected a string, got 1") } },
  { "/manifest/field/runtime/working-dir-escape",
    HEAD "  \"runtime\": {\n    \"command\": [\"x\"],\n    \"working_dir\": \"../other\"\n  }" TAIL,
    { E ("6:5", "runtime.working_dir: expected a relative path inside the extension, without “..”, got \"../other\"") } },

  /* ui */
  { "/manifest/field/ui/page-path-relative",
    HEAD "  \"ui\": {\n    \"pages\": [\n      {\"name\": \"A\", \"path\": \"analytics\"}\n    ]\n  }" TAIL,
    { E ("6:21", "ui.pages[0].path: expected a path starting with “/”, such as “/analytics”, got \"analytics\"") } },
  { "/manifest/field/ui/page-path-duplicate",
    HEAD "  \"ui\": {\n    \"pages\": [\n      {\"name\": \"A\", \"path\": \"/a\"}\n    ],\n"
    "    \"control_room_pages\": [\n      {\"name\": \"B\", \"path\": \"/a\"}\n    ]\n  }" TAIL,
    { E ("9:21", "ui.control_room_pages[0].path: page path “/a” is declared twice") } },
  { "/manifest/field/ui/page-without-name",
    HEAD "  \"ui\": {\n    \"pages\": [\n      {\"path\": \"/a\"}\n    ]\n  }" TAIL,
    { E ("6:7", "ui.pages[0].name: missing required field") } },
  { "/manifest/field/ui/page-bad-role",
    HEAD "  \"ui\": {\n    \"pages\": [\n      {\"name\": \"A\", \"path\": \"/a\", \"roles\": [\"Admin\"]}\n    ]\n  }" TAIL,
    { E ("6:45", "ui.pages[0].roles[0]: expected a role name such as “admin” or “user”, got \"Admin\"") } },
  { "/manifest/field/ui/web-page-neither",
    HEAD "  \"ui\": {\n    \"web_pages\": [\n      {\"name\": \"A\"}\n    ]\n  }" TAIL,
    { E ("6:7", "ui.web_pages[0]: expected module or path, got neither") } },
  { "/manifest/field/ui/web-page-both",
    HEAD "  \"ui\": {\n    \"streamlit_pages\": [\n      {\"name\": \"A\", \"module\": \"ui.a\", \"path\": \"a.py\"}\n    ]\n  }" TAIL,
    { E ("6:7", "ui.streamlit_pages[0]: expected either module or path, got both") } },
  { "/manifest/field/ui/web-page-bad-module",
    HEAD "  \"ui\": {\n    \"web_pages\": [\n      {\"name\": \"A\", \"module\": \"ui/reports.py\"}\n    ]\n  }" TAIL,
    { E ("6:21", "ui.web_pages[0].module: expected a dotted module name such as “ui.reports”, got \"ui/reports.py\"") } },

  /* api */
  { "/manifest/field/api/bad-method",
    HEAD "  \"api\": {\n    \"endpoints\": [\n      {\"path\": \"/d\", \"methods\": [\"GET\", \"FETCH\"]}\n    ]\n  }" TAIL,
    { E ("6:41", "api.endpoints[0].methods[1]: expected one of GET, POST, PUT, PATCH, DELETE, got \"FETCH\"") } },
  { "/manifest/field/api/duplicate-path",
    HEAD "  \"api\": {\n    \"endpoints\": [\n      {\"path\": \"/d\", \"methods\": [\"GET\"]},\n"
    "      {\"path\": \"/d\", \"methods\": [\"POST\"]}\n    ]\n  }" TAIL,
    { E ("7:8", "api.endpoints[1].path: endpoint path “/d” is declared twice") } },
  { "/manifest/field/api/no-methods",
    HEAD "  \"api\": {\n    \"endpoints\": [\n      {\"path\": \"/d\"}\n    ]\n  }" TAIL,
    { E ("6:7", "api.endpoints[0].methods: missing required field") } },

  /* webhooks */
  { "/manifest/field/webhooks/duplicate-path",
    HEAD "  \"webhooks\": [\n    {\"name\": \"a\", \"path\": \"/h\"},\n    {\"name\": \"b\", \"path\": \"/h\"}\n  ]" TAIL,
    { E ("6:19", "webhooks[1].path: webhook path “/h” is declared twice") } },
  { "/manifest/field/webhooks/bad-secret-key",
    HEAD "  \"webhooks\": [\n    {\"name\": \"a\", \"path\": \"/h\", \"secret_config_key\": \"my key\"}\n  ]" TAIL,
    { E ("5:33", "webhooks[0].secret_config_key: expected a config key of letters, digits, “_”, “.” and “-”, got \"my key\"") } },

  /* background tasks */
  { "/manifest/field/tasks/bad-schedule",
    HEAD "  \"background_tasks\": [\n    {\"name\": \"t\", \"schedule\": \"0 25 * * *\", \"function\": \"tasks.t\"}\n  ]" TAIL,
    { E ("5:19", "background_tasks[0].schedule: hour: “25” is not a value from 0 to 23") } },
  { "/manifest/field/tasks/reboot",
    HEAD "  \"background_tasks\": [\n    {\"name\": \"t\", \"schedule\": \"@reboot\", \"function\": \"tasks.t\"}\n  ]" TAIL,
    { E ("5:19", "background_tasks[0].schedule: @reboot is not a schedule: use a start-up event trigger") } },
  { "/manifest/field/tasks/duplicate-name",
    HEAD "  \"background_tasks\": [\n    {\"name\": \"t\", \"schedule\": \"@daily\", \"function\": \"tasks.t\"},\n"
    "    {\"name\": \"t\", \"schedule\": \"@hourly\", \"function\": \"tasks.u\"}\n  ]" TAIL,
    { E ("6:6", "background_tasks[1].name: task “t” is declared twice") } },
  { "/manifest/field/tasks/function-and-command",
    HEAD "  \"background_tasks\": [\n    {\"name\": \"t\", \"schedule\": \"@daily\", \"function\": \"a.b\", \"command\": [\"x\"]}\n  ]" TAIL,
    { E ("5:5", "background_tasks[0]: expected either function or command, got both") } },
  { "/manifest/field/tasks/no-schedule",
    HEAD "  \"background_tasks\": [\n    {\"name\": \"t\", \"function\": \"a.b\"}\n  ]" TAIL,
    { E ("5:5", "background_tasks[0].schedule: missing required field") } },
  { "/manifest/field/tasks/zero-timeout",
    HEAD "  \"background_tasks\": [\n    {\"name\": \"t\", \"schedule\": \"@daily\", \"function\": \"a.b\", \"timeout_seconds\": 0}\n  ]" TAIL,
    { E ("5:60", "background_tasks[0].timeout_seconds: expected an integer from 1 to 86400, got 0") } },

  /* events, config, marketplace */
  { "/manifest/field/events/bad-name", HEAD "  \"events\": {\n    \"emits\": [\"User Created\", \"user.*\"]\n  }" TAIL,
    { E ("5:15", "events.emits[0]: expected an event name such as “user.created”, got \"User Created\""),
      E ("5:31", "events.emits[1]: expected an event name such as “user.created”, got \"user.*\"") } },
  { "/manifest/field/config/schema-not-object-type",
    HEAD "  \"config\": {\n    \"schema\": {\n      \"type\": \"array\"\n    }\n  }" TAIL,
    { E ("6:7", "config.schema.type: expected “object” (config is a set of named settings), got \"array\"") } },
  { "/manifest/field/config/defaults-array", HEAD "  \"config\": {\n    \"defaults\": []\n  }" TAIL,
    { E ("5:5", "config.defaults: expected an object, got an array") } },
  { "/manifest/field/config/schema-does-not-compile",
    HEAD "  \"config\": {\n    \"schema\": {\n      \"properties\": {\"port\": {\"minimum\": \"5\"}}\n    }\n  }" TAIL,
    { E ("6:31", "config.schema.properties.port.minimum: schema /properties/port/minimum: expected a number, got \"5\"") } },
  { "/manifest/field/config/schema-remote-ref",
    HEAD "  \"config\": {\n    \"schema\": {\"$ref\": \"https://example.com/s.json\"}\n  }" TAIL,
    { E ("5:16", "config.schema.\"$ref\": schema /$ref: the reference “https://example.com/s.json” leaves the schema; only references inside it (“#/$defs/…”) are supported") } },
  { "/manifest/field/config/defaults-follow-schema",
    HEAD "  \"config\": {\n    \"schema\": {\"properties\": {\"port\": {\"maximum\": 65535}, \"hosts\": {\"items\": {\"format\": \"ipv4\"}}}, \"required\": [\"name\"]},\n"
    "    \"defaults\": {\n      \"port\": 70000,\n      \"hosts\": [\"10.0.0.1\", \"10.0.0.300\"]\n    }\n  }" TAIL,
    { E ("6:5", "config.defaults: the defaults do not follow config.schema: (root): the member “name” is required"),
      E ("7:7", "config.defaults.port: the defaults do not follow config.schema: /port: 70000 is greater than the maximum 65535"),
      E ("8:29", "config.defaults.hosts[1]: the defaults do not follow config.schema: /hosts/1: \"10.0.0.300\" is not an IPv4 address") } },
  { "/manifest/field/config/defaults-valid",
    HEAD "  \"config\": {\n    \"schema\": {\"properties\": {\"port\": {\"maximum\": 65535}}},\n"
    "    \"defaults\": {\"port\": 8080}\n  }" TAIL,
    { NULL } },
  { "/manifest/field/marketplace/price", HEAD "  \"marketplace\": {\n    \"price\": \"cheap\"\n  }" TAIL,
    { E ("5:5", "marketplace.price: expected “free” or an amount and currency such as “4.99 EUR”, got \"cheap\"") } },
  { "/manifest/field/marketplace/url", HEAD "  \"marketplace\": {\n    \"support_url\": \"ftp://example.com\"\n  }" TAIL,
    { E ("5:5", "marketplace.support_url: expected an http or https URL, got \"ftp://example.com\"") } },
  { "/manifest/field/marketplace/screenshot-escape",
    HEAD "  \"marketplace\": {\n    \"screenshots\": [\"../../etc/passwd\"]\n  }" TAIL,
    { E ("5:21", "marketplace.screenshots[0]: expected a relative file path inside the extension or an https URL, "
                 "got \"../../etc/passwd\"") } },

  /* the document as a whole */
  { "/manifest/field/root-array", "[]\n",
    { "extension.json:1:1: error: expected an object at the top level, got an array" } },
  { "/manifest/field/unknown-top-level", HEAD "  \"colour\": \"blue\"" TAIL,
    { W ("4:3", "colour: unknown field, ignored") } },
  { "/manifest/field/several-errors",
    "{\n  \"name\": \"Demo\",\n  \"version\": \"x\",\n  \"colour\": 1\n}\n",
    { E ("2:3", "name: " NAME_EXPECTED ", got \"Demo\""),
      E ("3:3", "version: expected a semantic version such as “1.2.0”, got \"x\""),
      W ("4:3", "colour: unknown field, ignored") } },

  /* consistency */
  { "/manifest/consistency/ui-without-pages", HEAD "  \"capabilities\": {\n    \"provides_ui\": true\n  }" TAIL,
    { E ("5:5", "capabilities.provides_ui: provides_ui is true, but no pages are declared in ui") } },
  { "/manifest/consistency/pages-without-ui",
    HEAD "  \"capabilities\": {\n    \"provides_ui\": false\n  },\n"
    "  \"ui\": {\n    \"pages\": [\n      {\"name\": \"A\", \"path\": \"/a\"}\n    ]\n  }" TAIL,
    { E ("7:3", "ui: 1 pages declared, but provides_ui is false") } },
  { "/manifest/consistency/api-without-endpoints", HEAD "  \"capabilities\": {\n    \"provides_api\": true\n  }" TAIL,
    { E ("5:5", "capabilities.provides_api: provides_api is true, but no endpoints are declared in api") } },
  { "/manifest/consistency/endpoints-without-api",
    HEAD "  \"capabilities\": [\"ui.page\"],\n  \"ui\": {\n    \"pages\": [\n      {\"name\": \"A\", \"path\": \"/a\"}\n    ]\n  },\n"
    "  \"api\": {\n    \"endpoints\": [\n      {\"path\": \"/d\", \"methods\": [\"GET\"]}\n    ]\n  }" TAIL,
    { E ("10:3", "api: 1 endpoints declared, but capabilities do not list them") } },
  { "/manifest/consistency/tasks-without-capability",
    HEAD "  \"capabilities\": {\n    \"provides_background_tasks\": false\n  },\n"
    "  \"background_tasks\": [\n    {\"name\": \"t\", \"schedule\": \"@daily\", \"function\": \"a.b\"}\n  ]" TAIL,
    { W ("7:3", "background_tasks: 1 background tasks declared, but provides_background_tasks is false") } },
  { "/manifest/consistency/webhooks-without-capability",
    HEAD "  \"capabilities\": {\n    \"provides_webhooks\": false\n  },\n"
    "  \"webhooks\": [\n    {\"name\": \"a\", \"path\": \"/h\"}\n  ]" TAIL,
    { W ("7:3", "webhooks: 1 webhooks declared, but provides_webhooks is false") } },
  { "/manifest/consistency/webhooks-promised",
    HEAD "  \"capabilities\": [\"webhooks.receive\"]" TAIL,
    { E ("4:3", "capabilities: the capability is true, but no webhooks are declared in webhooks") } },
  { "/manifest/consistency/addon-without-ui", HEAD "  \"type\": \"addon\"" TAIL,
    { E ("4:3", "type: an addon must declare pages in ui (pages, control_room_pages, web_pages or streamlit_pages)") } },
  { "/manifest/consistency/instrument-without-model", HEAD "  \"type\": \"instrument\",\n  \"permissions\": [\"data:read\"]" TAIL,
    { E ("4:3", "type: an instrument must declare a model capability (ai.inference, ai.embedding, "
                "ai.training, model.inference or provides_model) or a model: permission") } },
  { "/manifest/consistency/instrument-with-model-permission",
    HEAD "  \"type\": \"instrument\",\n  \"permissions\": [\"model:inference:*\"]" TAIL,
    { NULL } },
  { "/manifest/consistency/instrument-with-capability",
    HEAD "  \"type\": \"instrument\",\n  \"capabilities\": [\"ai.embedding\", \"x-vector-search\"]" TAIL,
    { NULL } },
  { "/manifest/consistency/no-capabilities-no-rules",
    HEAD "  \"background_tasks\": [\n    {\"name\": \"t\", \"schedule\": \"*/5 * * * *\", \"command\": [\"x\"]}\n  ]" TAIL,
    { NULL } },
};

static void
test_field_case (gconstpointer data)
{
  const FieldCase *c = data;
  g_autoptr(KariManifest) manifest = check_text (c->text, KARI_MANIFEST_FORMAT_JSON, c->expected);
  (void) manifest;  /* held for its cleanup */
}

/* ------------------------------------------------------------------ */
/* TOML positions                                                     */

static void
test_toml_positions (void)
{
  static const char text[] =
    "name = \"demo\"\n"
    "version = \"1.0.0\"\n"
    "\n"
    "[resources]\n"
    "max_cpu_percent = 20\n"
    "max_memory_mb = \"lots\"\n"
    "\n"
    "[[background_tasks]]\n"
    "name = \"t\"\n"
    "schedule = \"61 * * * *\"\n"
    "command = [\"x\"]\n";
  static const char * const expected[] = {
    "extension.toml:6:1: error: resources.max_memory_mb: expected a positive integer, got \"lots\"",
    "extension.toml:10:1: error: background_tasks[0].schedule: minute: “61” is not a value from 0 to 59",
    NULL
  };

  g_assert_null (check_text (text, KARI_MANIFEST_FORMAT_TOML, expected));
}

/* ------------------------------------------------------------------ */
/* The seed example, the examples, TOML twins                         */

static void
test_seed_example (void)
{
  g_autofree char *path = example_path ("extensions/advanced-analytics/extension.json");
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) m = kari_manifest_load_file (path, diagnostics, &error);
  static const char * const permissions[] = {
    "data:read", "data:write", "plugin:execute", "system:metrics", "system:logs", "network:http", NULL
  };
  static const char * const capabilities[] = { "ui.page", "api.endpoints", "tasks.background", NULL };
  static const char * const deps[] = {
    "plugin time_query *", "plugin hf_llm *", "extension user-management ^2.0.0",
    "service postgres *", "service redis *", NULL
  };
  GPtrArray *dependencies;

  g_assert_no_error (error);
  g_assert_nonnull (m);
  g_assert_cmpuint (diagnostics->len, ==, 0);

  g_assert_cmpstr (kari_manifest_get_name (m), ==, "advanced-analytics");
  g_assert_cmpstr (kari_version_to_string (kari_manifest_get_version (m)), ==, "1.2.0");
  g_assert_cmpstr (kari_manifest_get_display_name (m), ==, "Advanced Analytics Dashboard");
  g_assert_cmpstr (kari_manifest_get_description (m), ==, "Comprehensive analytics and reporting extension");
  g_assert_cmpstr (kari_manifest_get_author (m), ==, "Analytics Corp");
  g_assert_cmpstr (kari_manifest_get_license (m), ==, "MIT");
  g_assert_null (kari_manifest_get_extension_type (m));
  g_assert_cmpstr (kari_manifest_get_category (m), ==, "analytics");
  g_assert_cmpstrv (kari_manifest_get_tags (m), ((const char * const[]) { "dashboard", "reporting", "charts", NULL }));
  g_assert_cmpstrv (kari_manifest_get_permissions (m), permissions);
  g_assert_cmpstrv (kari_manifest_get_capabilities (m), capabilities);
  g_assert_null (kari_manifest_get_runtime (m));
  g_assert_cmpint (kari_manifest_get_max_memory_mb (m), ==, 512);
  g_assert_cmpint (kari_manifest_get_max_cpu_percent (m), ==, 25);
  g_assert_cmpint (kari_manifest_get_max_disk_mb (m), ==, 1024);
  g_assert_cmpstrv (kari_manifest_get_page_paths (m), ((const char * const[]) { "/analytics", NULL }));
  g_assert_cmpstrv (kari_manifest_get_endpoint_paths (m), ((const char * const[]) { "/analytics/data", NULL }));
  g_assert_cmpint (kari_manifest_get_format (m), ==, KARI_MANIFEST_FORMAT_JSON);
  g_assert_cmpstr (kari_manifest_get_path (m), ==, path);
  g_assert_true (g_str_has_suffix (kari_manifest_get_dir (m), "examples/extensions/advanced-analytics"));

  dependencies = kari_manifest_get_dependencies (m);
  g_assert_cmpuint (dependencies->len, ==, g_strv_length ((char **) deps));
  for (guint i = 0; i < dependencies->len; i++)
    {
      KariDependency *d = g_ptr_array_index (dependencies, i);
      g_autofree char *s = g_strdup_printf ("%s %s %s", kari_dependency_kind_to_string (d->kind),
                                            d->name, kari_constraint_get_text (d->constraint));
      g_assert_cmpstr (s, ==, deps[i]);
    }
}

static void
test_examples_valid (void)
{
  static const char * const dirs[] = {
    "advanced-analytics", "user-management", "text-assistant", "data-exporter", "quick-notes",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *relative = g_build_filename ("extensions", dirs[i], NULL);
      g_autofree char *dir = example_path (relative);
      g_autofree char *found = kari_manifest_find_in_dir (dir, NULL);
      g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(KariManifest) m = NULL;
      g_autofree char *text = NULL;

      g_assert_nonnull (found);
      m = kari_manifest_load_dir (dir, diagnostics, &error);
      text = join_diagnostics (diagnostics);
      g_assert_cmpstr (text, ==, "");
      g_assert_no_error (error);
      g_assert_cmpstr (kari_manifest_get_name (m), ==, dirs[i]);
    }
}

static void
test_example_getters (void)
{
  g_autofree char *dir = example_path ("extensions/user-management");
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) m = kari_manifest_load_dir (dir, NULL, &error);
  static const char * const runtime[] = { "python3", "-m", "user_management", NULL };
  static const char * const capabilities[] = { "ui.page", "api.endpoints", "events.emit", "data.store", NULL };

  g_assert_no_error (error);
  g_assert_cmpstr (kari_version_to_string (kari_manifest_get_version (m)), ==, "2.1.0");
  g_assert_cmpstr (kari_manifest_get_author (m), ==, "Kari Project <team@kari.example>");
  g_assert_cmpstr (kari_manifest_get_extension_type (m), ==, "service");
  g_assert_cmpstrv (kari_manifest_get_runtime (m), runtime);
  g_assert_cmpstrv (kari_manifest_get_capabilities (m), capabilities);
  g_assert_cmpstrv (kari_manifest_get_endpoint_paths (m),
                    ((const char * const[]) { "/users", "/users/{id}", "/me", NULL }));
  g_assert_cmpuint (kari_manifest_get_dependencies (m)->len, ==, 0);
}

static void
test_broken_examples (void)
{
  g_autofree char *dir = example_path ("broken/bad-values");
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) m = kari_manifest_load_dir (dir, diagnostics, &error);

  g_assert_null (m);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_INVALID);
  g_assert_cmpuint (kari_diagnostics_count (diagnostics, KARI_SEVERITY_ERROR), ==, 8);
  g_assert_cmpuint (kari_diagnostics_count (diagnostics, KARI_SEVERITY_WARNING), ==, 1);
  g_assert_true (g_str_has_prefix (error->message, "8 errors in "));
  g_assert_true (g_str_has_suffix (error->message, "broken/bad-values/extension.json"));

  {
      g_autofree char *dir2 = example_path ("broken/capability-mismatch");
      g_autoptr(GPtrArray) diagnostics2 = kari_diagnostics_new ();
      g_autoptr(GError) error2 = NULL;
      g_autoptr(KariManifest) m2 = kari_manifest_load_dir (dir2, diagnostics2, &error2);

      g_assert_null (m2);
      g_assert_error (error2, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_INVALID);
      /* provides_ui, provides_api, the addon rule, the duplicate dependency */
      g_assert_cmpuint (kari_diagnostics_count (diagnostics2, KARI_SEVERITY_ERROR), ==, 4);
  }
}

static void
test_toml_twin (void)
{
  g_autofree char *json_path = example_path ("extensions/advanced-analytics/extension.json");
  g_autofree char *toml_path = example_path ("manifests/advanced-analytics.toml");
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) json = NULL;
  g_autoptr(KariManifest) toml = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;

  json = kari_manifest_load_file (json_path, NULL, &error);
  g_assert_no_error (error);
  toml = kari_manifest_load_file (toml_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kari_manifest_get_format (toml), ==, KARI_MANIFEST_FORMAT_TOML);

  a = kari_manifest_to_json (json);
  b = kari_manifest_to_json (toml);
  g_assert_true (json_node_equal (a, b));
  g_assert_cmpstrv (kari_manifest_get_permissions (json), kari_manifest_get_permissions (toml));
}

/* ------------------------------------------------------------------ */
/* Unknown fields, grouped permissions                                */

static void
test_unknown_kept (void)
{
  static const char text[] = HEAD "  \"colour\": \"blue\",\n  \"resources\": {\n    \"max_gpu\": 2\n  }" TAIL;
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) m = kari_manifest_load_data (text, strlen (text), KARI_MANIFEST_FORMAT_JSON,
                                                       "x/extension.json", diagnostics, &error);
  JsonObject *root;

  g_assert_no_error (error);
  g_assert_nonnull (m);
  g_assert_cmpuint (kari_diagnostics_count (diagnostics, KARI_SEVERITY_WARNING), ==, 2);
  g_assert_cmpuint (kari_diagnostics_count (diagnostics, KARI_SEVERITY_ERROR), ==, 0);
  g_assert_cmpstr (((KariDiagnostic *) diagnostics->pdata[0])->file, ==, "x/extension.json");
  root = json_node_get_object (kari_manifest_get_root (m));
  g_assert_cmpstr (json_object_get_string_member (root, "colour"), ==, "blue");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "resources"), "max_gpu"), ==, 2);
}

static void
test_permissions_list_dedup (void)
{
  static const char text[] =
    HEAD "  \"permissions\": [\"data:read\", \"filesystem:read:~/Documents/**\", \"data:read\", "
    "\"network:http:*.github.com\", \"secrets\"]" TAIL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) m = kari_manifest_load_data (text, strlen (text), KARI_MANIFEST_FORMAT_JSON,
                                                       NULL, NULL, &error);
  static const char * const expected[] = {
    "data:read", "filesystem:read:~/Documents/**", "network:http:*.github.com", "secrets", NULL
  };

  g_assert_no_error (error);
  g_assert_cmpstrv (kari_manifest_get_permissions (m), expected);
  g_assert_cmpuint (kari_manifest_get_dependencies (m)->len, ==, 0);
  g_assert_null (kari_manifest_get_runtime (m));
  g_assert_cmpint (kari_manifest_get_max_memory_mb (m), ==, 0);
  g_assert_cmpstr (kari_manifest_get_display_name (m), ==, "demo");
}

/* ------------------------------------------------------------------ */
/* Size, encoding, depth, parse errors, files and folders             */

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-manifest-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

static void
test_too_large (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "extension.json", NULL);
  g_autofree char *big = g_malloc (KARI_MANIFEST_MAX_SIZE + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) m = NULL;
  FILE *f;

  /* One byte over, as a real file. */
  memset (big, ' ', KARI_MANIFEST_MAX_SIZE + 1);
  g_assert_true (g_file_set_contents (path, big, KARI_MANIFEST_MAX_SIZE + 1, NULL));
  m = kari_manifest_load_file (path, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* A huge sparse file is refused by its size, without reading it. */
  f = fopen (path, "w");
  g_assert_nonnull (f);
  g_assert_cmpint (ftruncate (fileno (f), (off_t) 8 * 1024 * 1024 * 1024), ==, 0);
  fclose (f);
  m = kari_manifest_load_file (path, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* And from memory. */
  m = kari_manifest_load_data (big, KARI_MANIFEST_MAX_SIZE + 1, KARI_MANIFEST_FORMAT_JSON, NULL, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_TOO_LARGE);

  remove_tree (dir);
}

static void
test_not_utf8 (void)
{
  static const char text[] = "{\n  \"name\": \"d\xc3\xa9\xff" "mo\",\n  \"version\": \"1.0.0\"\n}\n";
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) m = kari_manifest_load_data (text, strlen (text), KARI_MANIFEST_FORMAT_JSON,
                                                       NULL, diagnostics, &error);
  g_autofree char *line = NULL;

  g_assert_null (m);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_PARSE);
  /* é is one column: d at 12, é at 13, the bad byte at 14. */
  g_assert_cmpstr (error->message, ==, "extension.json:2:14: not valid UTF-8 (byte 0xff)");
  g_assert_cmpuint (diagnostics->len, ==, 1);
  line = kari_diagnostic_to_string (diagnostics->pdata[0]);
  g_assert_cmpstr (line, ==, "extension.json:2:14: error: not valid UTF-8 (byte 0xff)");
}

static void
test_nul_byte (void)
{
  static const char text[] = "{\n  \"name\": \"demo\"\0,\n  \"version\": \"1.0.0\"\n}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) m = kari_manifest_load_data (text, sizeof text - 1, KARI_MANIFEST_FORMAT_JSON,
                                                       NULL, NULL, &error);

  g_assert_null (m);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "extension.json:2:17: not valid UTF-8 (byte 0x00)");
}

static void
test_too_deep (void)
{
  GString *text = g_string_new (HEAD "  \"config\": {\n    \"defaults\": {\"a\": ");
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) m = NULL;
  g_autofree char *s = NULL;

  for (guint i = 0; i < 200; i++)
    g_string_append (text, "[");
  for (guint i = 0; i < 200; i++)
    g_string_append (text, "]");
  g_string_append (text, "}\n  }" TAIL);
  s = g_string_free (text, FALSE);

  m = kari_manifest_load_data (s, strlen (s), KARI_MANIFEST_FORMAT_JSON, NULL, diagnostics, &error);
  g_assert_null (m);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_PARSE);
  g_assert_cmpuint (diagnostics->len, ==, 1);
  g_assert_cmpuint (((KariDiagnostic *) diagnostics->pdata[0])->line, ==, 5);
}

static void
test_parse_error (void)
{
  static const char text[] = "{\n  \"name\": \"demo\",\n  \"version\": \n}\n";
  g_autoptr(GPtrArray) diagnostics = kari_diagnostics_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) m = kari_manifest_load_data (text, strlen (text), KARI_MANIFEST_FORMAT_JSON,
                                                       NULL, diagnostics, &error);
  KariDiagnostic *d;

  g_assert_null (m);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "extension.json:"));
  g_assert_cmpuint (diagnostics->len, ==, 1);
  d = diagnostics->pdata[0];
  g_assert_cmpint (d->severity, ==, KARI_SEVERITY_ERROR);
  /* The value is missing where the closing brace stands. */
  g_assert_cmpuint (d->line, ==, 4);
  g_assert_cmpuint (d->column, ==, 1);
}

static void
test_dir (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *json = g_build_filename (dir, "extension.json", NULL);
  g_autofree char *toml = g_build_filename (dir, "extension.toml", NULL);
  g_autofree char *yaml = g_build_filename (dir, "extension.yaml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) m = NULL;
  g_autofree char *found = NULL;
  static const char text[] = "{\"name\": \"demo\", \"version\": \"1.0.0\"}";

  m = kari_manifest_load_dir (dir, NULL, &error);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (json, text, -1, NULL));
  m = kari_manifest_load_dir (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kari_manifest_get_name (m), ==, "demo");
  g_assert_cmpstr (kari_manifest_get_path (m), ==, json);
  g_clear_object (&m);

  g_assert_true (g_file_set_contents (toml, "name = \"demo\"\nversion = \"1.0.0\"\n", -1, NULL));
  found = kari_manifest_find_in_dir (dir, &error);
  g_assert_null (found);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_AMBIGUOUS);
  g_clear_error (&error);
  m = kari_manifest_load_dir (dir, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_AMBIGUOUS);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (yaml, "name: demo\n", -1, NULL));
  m = kari_manifest_load_file (yaml, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_READ);
  g_clear_error (&error);

  g_remove (json);
  g_remove (toml);
  m = kari_manifest_load_file (json, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, KARI_MANIFEST_ERROR, KARI_MANIFEST_ERROR_NOT_FOUND);

  remove_tree (dir);
}

static void
test_long_value_truncated (void)
{
  static const char text[] =
    HEAD "  \"category\": \"THIS-IS-A-VERY-LONG-CATEGORY-NAME-THAT-GOES-ON-AND-ON\"" TAIL;
  static const char * const expected[] = {
    E ("4:3", "category: expected a category of lowercase letters, digits and “-”, "
              "got \"THIS-IS-A-VERY-LONG-CATEGORY-NAME-THAT…"),
    NULL
  };
  g_autoptr(KariManifest) m = check_text (text, KARI_MANIFEST_FORMAT_JSON, expected);
  (void) m;  /* held for its cleanup */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (field_cases); i++)
    g_test_add_data_func (field_cases[i].test, &field_cases[i], test_field_case);

  g_test_add_func ("/manifest/toml/positions", test_toml_positions);
  g_test_add_func ("/manifest/example/seed", test_seed_example);
  g_test_add_func ("/manifest/example/all-valid", test_examples_valid);
  g_test_add_func ("/manifest/example/getters", test_example_getters);
  g_test_add_func ("/manifest/example/broken", test_broken_examples);
  g_test_add_func ("/manifest/example/toml-twin", test_toml_twin);
  g_test_add_func ("/manifest/unknown/kept", test_unknown_kept);
  g_test_add_func ("/manifest/permissions/list-dedup", test_permissions_list_dedup);
  g_test_add_func ("/manifest/limits/too-large", test_too_large);
  g_test_add_func ("/manifest/limits/not-utf8", test_not_utf8);
  g_test_add_func ("/manifest/limits/nul-byte", test_nul_byte);
  g_test_add_func ("/manifest/limits/too-deep", test_too_deep);
  g_test_add_func ("/manifest/parse-error", test_parse_error);
  g_test_add_func ("/manifest/dir", test_dir);
  g_test_add_func ("/manifest/message/truncated", test_long_value_truncated);

  return g_test_run ();
}
