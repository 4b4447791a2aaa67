/* bench-store.c — the extension store: document put and get by id over
 * D-Bus from a sandboxed extension (tests/store-ext.c on the C SDK,
 * under the real supervisor and broker) against the same calls on the
 * host alone, and a filtered query over 100,000 documents with and
 * without an index (target < 20 ms with one).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "kari.h"
#include "kari-bench-util.h"

#define N_OPS      2000
#define N_ROUNDS   5
#define N_DOCS     100000
#define N_QUERIES  30
#define QUERY_MS_TARGET 20.0

typedef struct
{
  gboolean  done;
  char     *response;
  GError   *error;
} Call;

static void
on_response (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;

  call->response = kari_broker_call_handle_request_finish (KARI_BROKER (source), result, &call->error);
  call->done = TRUE;
}

/* Has store-ext make @n puts or gets one after another; returns the
 * microseconds it measured inside the sandbox. */
static double
run_in_extension (KariSupervisor *supervisor,
                  const char     *op,
                  guint           n)
{
  g_autofree char *request = g_strdup_printf ("{\"op\": \"%s\", \"n\": %u}", op, n);
  g_autoptr(JsonNode) root = NULL;
  Call call = { FALSE, NULL, NULL };

  kari_broker_call_handle_request_async (kari_supervisor_get_broker (supervisor), "storage", request, 600000,
                                         NULL, on_response, &call);
  while (!call.done)
    g_main_context_iteration (NULL, TRUE);
  if (call.error != NULL)
    g_error ("%s: %s", op, call.error->message);
  root = json_from_string (call.response, NULL);
  if (root == NULL || !json_object_get_boolean_member (json_node_get_object (root), "ok"))
    g_error ("%s: %s", op, call.response);
  g_free (call.response);
  return (double) json_object_get_int_member (json_node_get_object (root), "usec");
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  kari_supervisor_stop_finish (KARI_SUPERVISOR (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static double
run_on_host (KariStore *store,
             gboolean   put,
             guint      n)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("doc%u", i);
      g_autoptr(GError) error = NULL;

      if (put)
        {
          g_autofree char *doc = g_strdup_printf ("{\"n\": %u, \"name\": \"item %u\", \"tags\": [\"a\", \"b\"]}", i, i);

          kari_store_put (store, NULL, "bench", id, doc, -1, &error);
        }
      else
        g_free (kari_store_get (store, NULL, "bench", id, NULL, &error));
      if (error != NULL)
        g_error ("host: %s", error->message);
    }
  return (double) (g_get_monotonic_time () - start);
}

static KariSupervisor *
start_extension (const char           *root,
                 KariRegistry         *registry,
                 KariPermissionEngine *engine)
{
  static const char * const declared[] = { "data:read", "data:write", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  g_autofree char *app = g_build_filename (root, "app", NULL);
  g_autofree char *json = g_strdup_printf ("{\"name\": \"bench\", \"version\": \"1.0.0\", \"description\": \"b\", "
                                           "\"runtime\": {\"command\": [\"store-ext\"]}, "
                                           "\"permissions\": [\"data:read\", \"data:write\"]}");
  g_autofree char *manifest_path = g_build_filename (app, "extension.json", NULL);
  g_autofree char *binary = NULL, *copy = NULL;
  gsize length = 0;
  KariSupervisor *supervisor;
  gint64 deadline;

  g_mkdir_with_parents (app, 0755);
  g_chmod (root, 0755);
  if (!g_file_set_contents (manifest_path, json, -1, &error)
      || !g_file_get_contents (g_getenv ("KARI_STORE_EXT"), &binary, &length, &error))
    g_error ("%s", error->message);
  copy = g_build_filename (app, "store-ext", NULL);
  if (!g_file_set_contents (copy, binary, length, &error))
    g_error ("%s", error->message);
  g_chmod (copy, 0755);
  manifest = kari_manifest_load_dir (app, NULL, &error);
  if (manifest == NULL || !kari_registry_install (registry, manifest, "bench", &error)
      || !kari_permission_engine_set_declared (engine, "bench", "bench", declared, &error))
    g_error ("%s", error->message);

  supervisor = kari_supervisor_new (manifest, app, "default", engine, registry);
  kari_supervisor_set_handshake_timeout (supervisor, 30000);
  kari_supervisor_set_ping (supervisor, 0, 1000);
  if (!kari_supervisor_start (supervisor, &error))
    g_error ("%s", error->message);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (kari_supervisor_get_state (supervisor) != KARI_STATE_RUNNING && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (kari_supervisor_get_state (supervisor) != KARI_STATE_RUNNING)
    g_error ("store-ext did not start");
  return supervisor;
}

static void
bench_dbus (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (root, "registry.db", NULL);
  g_autofree char *host_path = g_build_filename (root, "host.sqlite", NULL);
  g_autoptr(KariRegistry) registry = kari_registry_open (db, NULL, NULL, &error);
  g_autoptr(KariAuditLog) audit = kari_audit_log_open (db, &error);
  g_autoptr(KariPermissionEngine) engine = kari_permission_engine_new (registry, audit, NULL, &error);
  g_autoptr(KariSupervisor) supervisor = start_extension (root, registry, engine);
  g_autoptr(KariStore) host = kari_store_open (host_path, &error);
  double dbus_put[N_ROUNDS], dbus_get[N_ROUNDS], host_put[N_ROUNDS], host_get[N_ROUNDS], check[N_ROUNDS];
  gboolean stopped = FALSE;

  if (host == NULL)
    g_error ("%s", error->message);
  /* The rate limit is policy, not cost: measured without it. */
  kari_broker_set_rate_limit (kari_supervisor_get_broker (supervisor), 10000000, 10000000);
  run_in_extension (supervisor, "bench-put", 200);
  run_on_host (host, TRUE, 200);
  for (guint r = 0; r < N_ROUNDS; r++)
    {
      dbus_put[r] = N_OPS / (run_in_extension (supervisor, "bench-put", N_OPS) / G_USEC_PER_SEC);
      dbus_get[r] = N_OPS / (run_in_extension (supervisor, "bench-get", N_OPS) / G_USEC_PER_SEC);
      host_put[r] = N_OPS / (run_on_host (host, TRUE, N_OPS) / G_USEC_PER_SEC);
      host_get[r] = N_OPS / (run_on_host (host, FALSE, N_OPS) / G_USEC_PER_SEC);
      check[r] = N_OPS / (run_in_extension (supervisor, "bench-check", N_OPS) / G_USEC_PER_SEC);
    }
  kari_bench_sort (dbus_put, N_ROUNDS);
  kari_bench_sort (dbus_get, N_ROUNDS);
  kari_bench_sort (host_put, N_ROUNDS);
  kari_bench_sort (host_get, N_ROUNDS);
  kari_bench_sort (check, N_ROUNDS);

  g_print ("put by id, sandboxed extension over D-Bus: median %.0f ops/s (%.1f us each)\n",
           dbus_put[N_ROUNDS / 2], 1e6 / dbus_put[N_ROUNDS / 2]);
  g_print ("put by id, host alone:                     median %.0f ops/s (%.1f us each)\n",
           host_put[N_ROUNDS / 2], 1e6 / host_put[N_ROUNDS / 2]);
  g_print ("put ratio D-Bus / host: %.2f\n", dbus_put[N_ROUNDS / 2] / host_put[N_ROUNDS / 2]);
  g_print ("get by id, sandboxed extension over D-Bus: median %.0f ops/s (%.1f us each)\n",
           dbus_get[N_ROUNDS / 2], 1e6 / dbus_get[N_ROUNDS / 2]);
  g_print ("get by id, host alone:                     median %.0f ops/s (%.1f us each)\n",
           host_get[N_ROUNDS / 2], 1e6 / host_get[N_ROUNDS / 2]);
  g_print ("get ratio D-Bus / host: %.2f\n", dbus_get[N_ROUNDS / 2] / host_get[N_ROUNDS / 2]);
  g_print ("floor: Host1.CheckPermission from the same extension (same admission, audited check, no "
           "worker, no store): median %.0f ops/s (%.1f us each)\n", check[N_ROUNDS / 2], 1e6 / check[N_ROUNDS / 2]);
  g_print ("put ratio to that floor: %.2f, get: %.2f\n", dbus_put[N_ROUNDS / 2] / check[N_ROUNDS / 2],
           dbus_get[N_ROUNDS / 2] / check[N_ROUNDS / 2]);
  g_print ("(the broker's rate limit, 200 calls/s by default, is lifted for these runs)\n");
  /* Measured once with timestamps in kari-broker-storage.c (session 8,
   * 2 shared cores): not recomputed here. */
  g_print ("where a Storage1 call's time went when measured (us, put / get): arrival to worker queue "
           "(admission, audited permission check) ~7 / ~7 (~20 while the broker flushed after every call); "
           "queue to worker thread ~15 / ~15; the store ~37 / ~13; worker to main context ~15 / ~15; "
           "sending the reply ~20 / ~20: ~75-115 in the broker, the rest is D-Bus transport and the SDK "
           "in the sandbox, as for any Host1 call (the floor above; it swings 90-270 us with the load "
           "on a shared machine)\n");

  kari_supervisor_stop_async (supervisor, NULL, on_stopped, &stopped);
  while (!stopped)
    g_main_context_iteration (NULL, TRUE);
}

static double
time_query (KariStore  *store,
            const char *query,
            guint      *n_found)
{
  double samples[N_QUERIES];

  for (guint i = 0; i < N_QUERIES; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      g_autofree char *page = kari_store_query (store, NULL, "people", query, &error);

      samples[i] = kari_bench_ms_since (start);
      if (page == NULL)
        g_error ("query: %s", error->message);
      if (n_found != NULL)
        {
          g_autoptr(JsonNode) root = json_from_string (page, NULL);

          *n_found = json_array_get_length (json_object_get_array_member (json_node_get_object (root),
                                                                          "documents"));
        }
    }
  kari_bench_sort (samples, N_QUERIES);
  return samples[N_QUERIES / 2];
}

static void
bench_query (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (root, "query.sqlite", NULL);
  g_autoptr(KariStore) store = kari_store_open (path, &error);
  const char *query = "{\"where\": [{\"field\": \"address.city\", \"op\": \"eq\", \"value\": \"city-123\"},"
                      " {\"field\": \"age\", \"op\": \"ge\", \"value\": 30}], \"limit\": 100}";
  gint64 start = g_get_monotonic_time ();
  double without, with;
  guint found = 0;

  if (store == NULL)
    g_error ("%s", error->message);
  kari_store_set_limits (store, 60000, 10000, 4 << 20);
  for (guint i = 0; i < N_DOCS; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%06u", i);
      g_autofree char *doc = g_strdup_printf ("{\"name\": \"person %u\", \"age\": %u, \"address\": "
                                              "{\"city\": \"city-%u\", \"zip\": \"%05u\"}}",
                                              i, 18 + i % 60, i % 1000, i);

      if (kari_store_put (store, NULL, "people", id, doc, -1, &error) == 0)
        g_error ("%s", error->message);
    }
  g_print ("stored %d documents in %.0f ms (one transaction each)\n", N_DOCS, kari_bench_ms_since (start));

  without = time_query (store, query, &found);
  g_print ("filtered query (city eq, age ge) over %d documents, no index: median %.2f ms, %u found\n",
           N_DOCS, without, found);
  if (!kari_store_create_index (store, "people", "address.city", &error))
    g_error ("%s", error->message);
  with = time_query (store, query, &found);
  g_print ("filtered query over %d documents with an index on address.city: median %.2f ms, %u found "
           "(target < %.0f ms: %s)\n", N_DOCS, with, found, QUERY_MS_TARGET,
           with < QUERY_MS_TARGET ? "met" : "NOT met");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("kari-bench-store-XXXXXX", &error);
  g_autofree char *data_home = NULL;
  g_autofree char *runtime = NULL;
  g_autofree char *rm = NULL;

  if (root == NULL)
    g_error ("%s", error->message);
  /* Before GLib caches them: the stores and sockets go here. */
  data_home = g_build_filename (root, "data", NULL);
  runtime = g_build_filename (root, "run", NULL);
  g_mkdir (runtime, 0700);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);

  bench_query (root);
  bench_dbus (root);

  rm = g_strdup_printf ("rm -rf '%s'", root);
  if (system (rm) != 0)
    g_printerr ("could not remove %s\n", root);
  return 0;
}
