/* kari-test-hostile.h — the host of test-hostile: a real registry, audit
 * log and permission engine, a well-behaved neighbour extension running
 * for the whole suite, a heartbeat on the host's main loop, and the
 * checks made after every attack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <libsoup/soup.h>
#include <sqlite3.h>

#include "kari-test-broker.h"
#include "kari-test-sandbox.h"

G_BEGIN_DECLS

typedef struct
{
  char                 *root;     /* XDG folders and extension folders */
  char                 *dir;      /* registry.db */
  char                 *db;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  KariSupervisor       *neighbour;
  GPid                  neighbour_pid;
  char                 *neighbour_data;
  guint                 n_calls;
  /* The heartbeat: a 10 ms timer, and the longest it went unserved. */
  guint                 beat_id;
  gint64                last_beat;
  gint64                longest_gap;
  guint                 n_beats;
} KariTestHost;

static inline gboolean
kari_test_host_wait_state (KariSupervisor *supervisor,
                           KariState       state,
                           guint           seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (kari_supervisor_get_state (supervisor) != state && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return kari_supervisor_get_state (supervisor) == state;
}

/* Short timings for a test: a quick ping, back-off and metrics. */
static inline void
kari_test_host_tune (KariSupervisor *supervisor)
{
  kari_supervisor_set_handshake_timeout (supervisor, 20000);
  kari_supervisor_set_grace_period (supervisor, 1000);
  kari_supervisor_set_ping (supervisor, 0, 1000);
  kari_supervisor_set_backoff (supervisor, 20, 200);
  kari_supervisor_set_metrics (supervisor, 50, 400);
}

static gboolean
kari_test_host_on_beat (gpointer user_data)
{
  KariTestHost *host = user_data;
  gint64 now = g_get_monotonic_time ();

  host->longest_gap = MAX (host->longest_gap, now - host->last_beat);
  host->last_beat = now;
  host->n_beats++;
  return G_SOURCE_CONTINUE;
}

/* Starts measuring how long the main loop goes without serving a timer. */
static inline void
kari_test_host_beat_start (KariTestHost *host)
{
  g_clear_handle_id (&host->beat_id, g_source_remove);
  host->last_beat = g_get_monotonic_time ();
  host->longest_gap = 0;
  host->beat_id = g_timeout_add (10, kari_test_host_on_beat, host);
}

/* Installs the extension in @app and lets the engine know what it
 * declares. */
static inline KariManifest *
kari_test_host_install (KariTestHost *host,
                        const char   *app)
{
  g_autoptr(GError) error = NULL;
  KariManifest *manifest = kari_test_install (host->registry, app);

  g_assert_true (kari_permission_engine_load_declared (host->engine, &error));
  g_assert_no_error (error);
  return manifest;
}

/* Opens the registry and engine in a new folder and starts the
 * neighbour, which holds `notifications`, in tenant “default”. */
static inline void
kari_test_host_open (KariTestHost *host,
                     const char   *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  g_autofree char *app = NULL;

  host->root = g_strdup (root);
  kari_test_engine_open ("kari-hostile-XXXXXX", &host->dir, &host->db, &host->registry, &host->audit,
                         &host->engine);
  kari_test_engine_set_strict (host->engine);
  app = kari_test_write_supervised_extension (root, "app-neighbour", "neighbour",
                                              "\"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]},\n"
                                              "  \"permissions\": [\"notifications\"],\n"
                                              "  \"resources\": {\"max_memory_mb\": 128, \"max_cpu_percent\": 50}");
  manifest = kari_test_host_install (host, app);
  kari_test_grant (host->engine, "neighbour", "notifications");
  host->neighbour = kari_supervisor_new (manifest, app, "default", host->engine, host->registry);
  kari_test_host_tune (host->neighbour);
  g_assert_true (kari_supervisor_start (host->neighbour, &error));
  g_assert_no_error (error);
  g_assert_true (kari_test_host_wait_state (host->neighbour, KARI_STATE_RUNNING, 30));
  host->neighbour_pid = kari_supervisor_get_pid (host->neighbour);
  host->neighbour_data = g_build_filename (g_get_user_data_dir (), "kari", "data", "default", "neighbour", NULL);
  g_free (kari_test_write (host->neighbour_data, "precious", "the neighbour's data\n"));
  kari_test_host_beat_start (host);
}

static inline void
kari_test_host_close (KariTestHost *host)
{
  g_clear_handle_id (&host->beat_id, g_source_remove);
  if (host->neighbour != NULL)
    kari_test_supervisor_stop (host->neighbour);
  g_clear_object (&host->neighbour);
  g_free (host->neighbour_data);
  kari_test_engine_close (&host->dir, &host->db, &host->registry, &host->audit, &host->engine);
  g_free (host->root);
}

typedef struct
{
  char     *answer;
  GError   *error;
  gboolean  done;
} KariTestAnswer;

static void
kari_test_host_on_answer (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  KariTestAnswer *answer = user_data;

  answer->answer = kari_broker_call_handle_request_finish (KARI_BROKER (source), result, &answer->error);
  answer->done = TRUE;
}

/* The neighbour answers a call, from the same process it had at the
 * start: nothing killed or restarted it. */
static inline void
kari_test_host_assert_neighbour (KariTestHost *host)
{
  KariTestAnswer answer = { 0 };
  g_autofree char *request = g_strdup_printf ("{\"call\": %u}", ++host->n_calls);
  g_autofree char *precious = g_build_filename (host->neighbour_data, "precious", NULL);
  g_autofree char *contents = NULL;

  g_assert_cmpint (kari_supervisor_get_state (host->neighbour), ==, KARI_STATE_RUNNING);
  g_assert_cmpint (kari_supervisor_get_pid (host->neighbour), ==, host->neighbour_pid);
  kari_broker_call_handle_request_async (kari_supervisor_get_broker (host->neighbour), "echo", request,
                                         10000, NULL, kari_test_host_on_answer, &answer);
  g_assert_true (kari_test_wait_for (&answer.done, 30));
  g_assert_no_error (answer.error);
  g_assert_cmpstr (answer.answer, ==, request);
  g_free (answer.answer);
  g_assert_true (g_file_get_contents (precious, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "the neighbour's data\n");
}

/* `PRAGMA integrity_check` on the registry file, from a connection of
 * its own. */
static inline void
kari_test_host_assert_integrity (KariTestHost *host)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (host->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* @name is installed at 1.0.0 and in a state the supervisor put it in. */
static inline void
kari_test_host_assert_entry (KariTestHost *host,
                             const char   *name,
                             KariState     state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariRegistryEntry) entry = kari_registry_lookup (host->registry, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->name, ==, name);
  g_assert_cmpstr (entry->version, ==, "1.0.0");
  g_assert_cmpint (entry->state, ==, state);
}

/* Denials of @extension in the audit log, for permissions matching
 * @permission (a glob, or NULL for any). */
static inline guint
kari_test_host_count_denials (KariTestHost *host,
                              const char   *extension,
                              const char   *permission)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;

  query.extension = extension;
  query.permission = permission;
  query.decision = 0;
  query.limit = 1000;
  g_assert_true (kari_audit_log_flush (host->audit, &error));
  g_assert_no_error (error);
  entries = kari_audit_log_query (host->audit, &query, &error);
  g_assert_no_error (error);
  return entries->len;
}

/* What must hold after every attack: the main loop kept serving its
 * timer, the neighbour answers with its data intact, and the registry
 * file and both entries are whole. */
static inline void
kari_test_host_assert_intact (KariTestHost *host,
                              const char   *attacker,
                              KariState     attacker_state)
{
  guint n_beats = host->n_beats;
  gint64 asked = g_get_monotonic_time ();

  /* A heartbeat gap, not a speed measure: a loop that blocked on the
   * attacker for seconds fails here, and so does one that no longer
   * serves its timers at all. */
  while (host->n_beats < n_beats + 2 && g_get_monotonic_time () - asked < 10 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (host->n_beats, >=, n_beats + 2);
  g_test_message ("longest main-loop gap: %" G_GINT64_FORMAT " ms", host->longest_gap / 1000);
  g_assert_cmpint (host->longest_gap, <, 2 * G_USEC_PER_SEC);
  kari_test_host_assert_neighbour (host);
  kari_test_host_assert_integrity (host);
  kari_test_host_assert_entry (host, "neighbour", KARI_STATE_RUNNING);
  kari_test_host_assert_entry (host, attacker, attacker_state);
  /* Nothing the attacker did was judged as the neighbour. */
  g_assert_cmpuint (kari_test_host_count_denials (host, "neighbour", NULL), ==, 0);
}

/* A web server on 127.0.0.1: /hello answers, /redirect?to=URL redirects. */
typedef struct
{
  SoupServer *server;
  guint       port;
  guint       n_hello;
} KariTestWeb;

static void
kari_test_web_serve (SoupServer        *server,
       SoupServerMessage *message,
       const char        *path,
       GHashTable        *query,
       gpointer           data)
{
  KariTestWeb *web = data;
  const char *to = query != NULL ? g_hash_table_lookup (query, "to") : NULL;

  if (g_str_equal (path, "/hello"))
    {
      web->n_hello++;
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, "hello", 5);
    }
  else if (g_str_equal (path, "/redirect") && to != NULL)
    soup_server_message_set_redirect (message, 302, to);
  else
    soup_server_message_set_status (message, 404, NULL);
}

static inline void
kari_test_web_start (KariTestWeb *web)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  web->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (web->server, NULL, kari_test_web_serve, web, NULL);
  g_assert_true (soup_server_listen_local (web->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (web->server);
  web->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

/* Processes and threads of this user, as RLIMIT_NPROC counts them. */
static inline guint
kari_test_count_own_tasks (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *uid = g_strdup_printf ("\nUid:\t%u\t", (guint) getuid ());
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "status", NULL);
      g_autofree char *status = NULL;
      const char *threads;

      if (g_ascii_isdigit (name[0]) && g_file_get_contents (path, &status, NULL, NULL)
          && strstr (status, uid) != NULL && (threads = strstr (status, "\nThreads:")) != NULL)
        n += (guint) g_ascii_strtoull (threads + strlen ("\nThreads:"), NULL, 10);
    }
  return n;
}

static inline guint64
kari_test_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *at;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  at = strstr (status, field);
  g_assert_nonnull (at);
  return g_ascii_strtoull (at + strlen (field), NULL, 10);
}

/* Resets VmHWM to the current RSS (see proc(5), clear_refs). */
static inline void
kari_test_reset_peak (void)
{
  int fd = open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "5", 1), ==, 1);
  close (fd);
}

G_END_DECLS
