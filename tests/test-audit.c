/* test-audit.c — the audit log: completeness under threads, back-pressure
 * and a kill; queries; CSV and JSON Lines exports read back; retention
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit-test-util.h"
#include "kari-registry.h"

/* Checks that the rows are exactly n_threads × per_thread entries,
 * extension "t<thread>" and detail "<i>", each once and in each
 * thread's order. */
static void
assert_complete (const char *path,
                 guint       n_threads,
                 guint       per_thread)
{
  g_autofree guint *next = g_new0 (guint, n_threads);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint64 rows = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT extension, detail FROM audit_log ORDER BY id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *extension = (const char *) sqlite3_column_text (stmt, 0);
      guint64 thread, i;

      g_assert_true (extension[0] == 't');
      g_assert_true (g_ascii_string_to_unsigned (extension + 1, 10, 0, n_threads - 1, &thread, NULL));
      g_assert_true (g_ascii_string_to_unsigned ((const char *) sqlite3_column_text (stmt, 1), 10,
                                                 0, G_MAXUINT, &i, NULL));
      /* each thread's entries arrive once each, in order */
      g_assert_cmpuint (i, ==, next[thread]);
      next[thread]++;
      rows++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_assert_cmpuint (rows, ==, (guint64) n_threads * per_thread);
  for (guint t = 0; t < n_threads; t++)
    g_assert_cmpuint (next[t], ==, per_thread);
}

typedef struct
{
  KariAuditLog *log;
  guint         thread;
  guint         count;
} Producer;

static gpointer
produce (gpointer data)
{
  Producer *p = data;
  char extension[16], detail[16];
  KariAuditEntry entry = {
    .kind = KARI_AUDIT_CHECK,
    .extension = extension,
    .tenant = (char *) "default",
    .user = (char *) "alice",
    .permission = (char *) "filesystem:read",
    .resource = (char *) "/home/alice/Documents/report.odt",
    .decided_by = (char *) "grant:12",
    .detail = detail,
  };

  g_snprintf (extension, sizeof extension, "t%u", p->thread);
  for (guint i = 0; i < p->count; i++)
    {
      g_snprintf (detail, sizeof detail, "%u", i);
      entry.allowed = i % 3 != 0;
      entry.cached = i % 2 == 0;
      kari_audit_log_append (p->log, &entry);
    }
  return NULL;
}

static void
run_producers (KariAuditLog *log,
               guint         n_threads,
               guint         per_thread)
{
  Producer producers[N_THREADS];
  GThread *threads[N_THREADS];

  g_assert_cmpuint (n_threads, <=, N_THREADS);
  for (guint t = 0; t < n_threads; t++)
    {
      producers[t] = (Producer) { log, t, per_thread };
      threads[t] = g_thread_new ("producer", produce, &producers[t]);
    }
  for (guint t = 0; t < n_threads; t++)
    g_thread_join (threads[t]);
}

static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(KariAuditLog) log = open_log (f->path, KARI_AUDIT_DEFAULT_CAPACITY);
  g_autoptr(GError) error = NULL;
  guint per_thread = 10000;

  run_producers (log, N_THREADS, per_thread);
  g_assert_cmpuint (kari_audit_log_get_n_appended (log), ==, N_THREADS * per_thread);
  kari_audit_log_flush (log, &error);
  g_assert_no_error (error);
  assert_complete (f->path, N_THREADS, per_thread);
}

/* A gate the writer waits at before each batch. */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean open;
  guint    n_waits;
} Gate;

static void
gate_hook (gpointer data)
{
  Gate *gate = data;

  g_mutex_lock (&gate->mutex);
  gate->n_waits++;
  g_cond_broadcast (&gate->cond);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->mutex);
  g_mutex_unlock (&gate->mutex);
}

static void
test_back_pressure (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(KariAuditLog) log = open_log (f->path, 4);
  g_autoptr(GError) error = NULL;
  Gate gate = { 0 };
  Producer producer = { log, 0, 1000 };
  GThread *thread;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.cond);
  _kari_audit_log_set_write_hook (log, gate_hook, &gate);

  thread = g_thread_new ("producer", produce, &producer);

  /* The writer holds its first batch at the gate; the producer fills
   * the ring and then has to wait: it cannot get past 4 entries. */
  g_mutex_lock (&gate.mutex);
  while (gate.n_waits == 0)
    g_assert_true (g_cond_wait_until (&gate.cond, &gate.mutex, deadline));
  g_mutex_unlock (&gate.mutex);
  while (kari_audit_log_get_n_appended (log) < 4 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_cmpuint (kari_audit_log_get_n_appended (log), ==, 4);
  g_usleep (50 * 1000);
  g_assert_cmpuint (kari_audit_log_get_n_appended (log), ==, 4);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM audit_log"), ==, 0);

  g_mutex_lock (&gate.mutex);
  gate.open = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.mutex);

  g_thread_join (thread);
  kari_audit_log_flush (log, &error);
  g_assert_no_error (error);
  assert_complete (f->path, 1, 1000);

  kari_audit_log_close (log, &error);
  g_assert_no_error (error);
  g_mutex_clear (&gate.mutex);
  g_cond_clear (&gate.cond);
}

static void
slow_hook (gpointer data)
{
  g_usleep (200);
}

static void
test_slow_writer (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(KariAuditLog) log = open_log (f->path, 8);
  g_autoptr(GError) error = NULL;

  _kari_audit_log_set_write_hook (log, slow_hook, NULL);
  run_producers (log, N_THREADS, 300);
  /* close writes what is pending, as flush would */
  kari_audit_log_close (log, &error);
  g_assert_no_error (error);
  assert_complete (f->path, N_THREADS, 300);
}

static void
test_close (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KariAuditEntry entry = { .kind = KARI_AUDIT_GRANT, .extension = (char *) "t0", .detail = (char *) "0" };
  KariAuditLog *log = open_log (f->path, 64);
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;
  g_autoptr(GPtrArray) rows = NULL;

  kari_audit_log_append (log, &entry);
  /* dropping the last reference closes, and so writes */
  g_object_unref (log);
  assert_complete (f->path, 1, 1);

  log = open_log (f->path, 64);
  kari_audit_log_close (log, &error);
  g_assert_no_error (error);
  kari_audit_log_close (log, &error);
  g_assert_no_error (error);
  /* nothing is pending, so flush has nothing to wait for */
  g_assert_true (kari_audit_log_flush (log, &error));
  g_assert_no_error (error);

  rows = kari_audit_log_query (log, &query, &error);
  g_assert_error (error, KARI_AUDIT_ERROR, KARI_AUDIT_ERROR_CLOSED);
  g_assert_null (rows);
  g_clear_error (&error);

  g_test_expect_message ("Kari", G_LOG_LEVEL_CRITICAL, "*closed*");
  kari_audit_log_append (log, &entry);
  g_test_assert_expected_messages ();
  g_object_unref (log);
  assert_complete (f->path, 1, 1);
}

static void
test_coexists_with_registry (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariRegistry) registry = kari_registry_open (f->path, NULL, NULL, &error);
  g_autoptr(KariAuditLog) log = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_no_error (error);
  log = open_log (f->path, 64);
  run_producers (log, 2, 500);
  list = kari_registry_list (registry, &error);
  g_assert_no_error (error);
  kari_audit_log_flush (log, &error);
  g_assert_no_error (error);
  assert_complete (f->path, 2, 500);
  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), ==, KARI_REGISTRY_SCHEMA_VERSION);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name IN"
                                     " ('audit_by_tenant', 'audit_by_decision')"), ==, 2);
}

/* ---- a kill in the middle ---------------------------------------------- */

#define CHILD_FLUSH_EVERY 500

/* Appends entries numbered 1, 2, … for ever, a little at a time, and
 * after every flush writes how many are durable to DIR/flushed. */
static int
child_writer (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "registry.db", NULL);
  g_autofree char *flushed = g_build_filename (dir, "flushed", NULL);
  g_autoptr(KariAuditLog) log = kari_audit_log_open (path, &error);
  int fd = open (flushed, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  char number[32];
  KariAuditEntry entry = {
    .kind = KARI_AUDIT_CHECK, .extension = (char *) "crash", .permission = (char *) "data:read",
    .detail = number,
  };

  if (log == NULL || fd < 0)
    {
      g_printerr ("child: %s\n", error != NULL ? error->message : g_strerror (errno));
      return 1;
    }

  for (guint64 i = 1;; i++)
    {
      g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, i);
      kari_audit_log_append (log, &entry);
      if (i % 50 == 0)
        g_usleep (200);
      if (i % CHILD_FLUSH_EVERY == 0)
        {
          char line[32];
          int len;

          if (!kari_audit_log_flush (log, &error))
            {
              g_printerr ("child: %s\n", error->message);
              return 1;
            }
          len = g_snprintf (line, sizeof line, "%20" G_GUINT64_FORMAT "\n", i);
          if (pwrite (fd, line, len, 0) != len)
            return 1;
        }
    }
}

static guint64
read_flushed (const char *file)
{
  g_autofree char *contents = NULL;
  guint64 n = 0;

  if (g_file_get_contents (file, &contents, NULL, NULL))
    g_ascii_string_to_unsigned (g_strstrip (contents), 10, 0, G_MAXUINT64, &n, NULL);
  return n;
}

static void
test_kill (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", &error);
  g_autofree char *flushed_file = g_build_filename (f->dir, "flushed", NULL);
  const char *argv[] = { self_exe, "--child-writer", f->dir, NULL };
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  g_autoptr(KariAuditLog) log = NULL;
  guint64 flushed, k = 0;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GPid pid;
  int status;

  g_assert_no_error (error);
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error);
  g_assert_no_error (error);

  /* let it write a good many, then kill it mid-stream */
  while (read_flushed (flushed_file) < 20 * CHILD_FLUSH_EVERY)
    {
      g_assert_cmpint (waitpid (pid, &status, WNOHANG), ==, 0);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (5000);
    }
  flushed = read_flushed (flushed_file);
  /* at some moment between two flushes, with entries in flight */
  g_usleep (g_test_rand_int_range (0, 30000));
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  g_spawn_close_pid (pid);

  /* it opens again after the crash, and holds exactly 1..k */
  log = open_log (f->path, 64);
  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT detail FROM audit_log ORDER BY id", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      guint64 n = 0;

      g_assert_true (g_ascii_string_to_unsigned ((const char *) sqlite3_column_text (stmt, 0), 10,
                                                 1, G_MAXUINT64, &n, NULL));
      g_assert_cmpuint (n, ==, k + 1);
      k = n;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_test_message ("child reported %" G_GUINT64_FORMAT " flushed; %" G_GUINT64_FORMAT " survived",
                  flushed, k);
  g_assert_cmpuint (k, >=, flushed);
}

/* ---- queries ----------------------------------------------------------- */

#define T0 ((gint64) 1700000000 * G_USEC_PER_SEC)

static const struct
{
  const char *extension, *tenant, *user, *permission;
  gboolean    allowed;
  gint64      seconds;
} sample[] = {
  { "org.a", "default", "alice", "filesystem:read:~/Documents/**", TRUE,  0 },
  { "org.a", "default", "bob",   "network:http:*.github.com",      FALSE, 10 },
  { "org.b", "acme",    "alice", "data:read",                      TRUE,  20 },
  { "org.b", "acme",    NULL,    "data:[x]?",                      FALSE, 30 },
  { "org.c", "default", "carol", "data:write",                     TRUE,  40 },
  { "org.a", "acme",    "alice", "secrets",                        FALSE, 50 },
  { "org.c", "default", "alice", "data:xx",                        TRUE,  50 },
};

static KariAuditLog *
open_with_sample (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  KariAuditLog *log = open_log (f->path, 64);

  for (guint i = 0; i < G_N_ELEMENTS (sample); i++)
    {
      KariAuditEntry entry = {
        .time_usec = T0 + sample[i].seconds * G_USEC_PER_SEC,
        .kind = KARI_AUDIT_CHECK,
        .extension = (char *) sample[i].extension,
        .tenant = (char *) sample[i].tenant,
        .user = (char *) sample[i].user,
        .permission = (char *) sample[i].permission,
        .allowed = sample[i].allowed,
        .cached = i % 2,
        .decided_by = (char *) "policy:balanced",
      };
      kari_audit_log_append (log, &entry);
    }
  kari_audit_log_flush (log, &error);
  g_assert_no_error (error);
  return log;
}

/* Runs @query and checks it returns the sample rows @expected (indices,
 * newest first), terminated by -1. */
static void
assert_query (KariAuditLog         *log,
              const KariAuditQuery *query,
              const int            *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = kari_audit_log_query (log, query, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (; expected[n] >= 0; n++)
    {
      const KariAuditEntry *e;

      g_assert_cmpuint (n, <, rows->len);
      e = g_ptr_array_index (rows, n);
      g_assert_cmpint (e->id, ==, expected[n] + 1);
      g_assert_cmpstr (e->extension, ==, sample[expected[n]].extension);
      g_assert_cmpstr (e->user, ==, sample[expected[n]].user);
      g_assert_cmpstr (e->permission, ==, sample[expected[n]].permission);
      g_assert_cmpint (e->allowed, ==, sample[expected[n]].allowed);
      g_assert_cmpint (e->cached, ==, expected[n] % 2);
      g_assert_cmpint (e->time_usec, ==, T0 + sample[expected[n]].seconds * G_USEC_PER_SEC);
      g_assert_cmpint (e->kind, ==, KARI_AUDIT_CHECK);
      g_assert_cmpstr (e->decided_by, ==, "policy:balanced");
    }
  g_assert_cmpuint (rows->len, ==, n);
}

static void
test_query (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(KariAuditLog) log = open_with_sample (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  KariAuditQuery q;

#define Q(...) (q = (KariAuditQuery) KARI_AUDIT_QUERY_INIT, __VA_ARGS__, &q)
  /* newest first; equal times by the order written */
  assert_query (log, Q (q.limit = 0), (int[]) { 6, 5, 4, 3, 2, 1, 0, -1 });
  assert_query (log, Q (q.extension = "org.a"), (int[]) { 5, 1, 0, -1 });
  assert_query (log, Q (q.tenant = "acme"), (int[]) { 5, 3, 2, -1 });
  assert_query (log, Q (q.user = "alice"), (int[]) { 6, 5, 2, 0, -1 });
  assert_query (log, Q (q.decision = 0), (int[]) { 5, 3, 1, -1 });
  assert_query (log, Q (q.decision = 1), (int[]) { 6, 4, 2, 0, -1 });
  assert_query (log, Q (q.since_usec = T0 + 20 * G_USEC_PER_SEC), (int[]) { 6, 5, 4, 3, 2, -1 });
  assert_query (log, Q (q.until_usec = T0 + 20 * G_USEC_PER_SEC), (int[]) { 1, 0, -1 });
  assert_query (log, Q (q.since_usec = T0 + 10 * G_USEC_PER_SEC, q.until_usec = T0 + 41 * G_USEC_PER_SEC),
                (int[]) { 4, 3, 2, 1, -1 });
  assert_query (log, Q (q.extension = "org.a", q.tenant = "acme", q.user = "alice", q.decision = 0),
                (int[]) { 5, -1 });
  assert_query (log, Q (q.extension = "org.none"), (int[]) { -1 });

  /* the permission glob: only * is special */
  assert_query (log, Q (q.permission = "data:*"), (int[]) { 6, 4, 3, 2, -1 });
  assert_query (log, Q (q.permission = "*github*"), (int[]) { 1, -1 });
  assert_query (log, Q (q.permission = "data:[x]?"), (int[]) { 3, -1 });
  assert_query (log, Q (q.permission = "data:??"), (int[]) { -1 });
  assert_query (log, Q (q.permission = "data:[x]*"), (int[]) { 3, -1 });
  assert_query (log, Q (q.permission = "DATA:*"), (int[]) { -1 });
  assert_query (log, Q (q.permission = "secrets"), (int[]) { 5, -1 });
  assert_query (log, Q (q.permission = "' OR 1=1 --"), (int[]) { -1 });

  /* paging */
  assert_query (log, Q (q.limit = 3), (int[]) { 6, 5, 4, -1 });
  assert_query (log, Q (q.limit = 3, q.offset = 3), (int[]) { 3, 2, 1, -1 });
  assert_query (log, Q (q.limit = 3, q.offset = 6), (int[]) { 0, -1 });
  assert_query (log, Q (q.limit = 3, q.offset = 7), (int[]) { -1 });
  assert_query (log, Q (q.user = "alice", q.limit = 2, q.offset = 1), (int[]) { 5, 2, -1 });

  rows = kari_audit_log_query (log, Q (q.decision = 2), &error);
  g_assert_error (error, KARI_AUDIT_ERROR, KARI_AUDIT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "decision"));
  g_assert_null (rows);
#undef Q
}

static void
test_query_default_limit (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(KariAuditLog) log = open_log (f->path, 64);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  KariAuditQuery query = KARI_AUDIT_QUERY_INIT;

  run_producers (log, 1, 250);
  kari_audit_log_flush (log, &error);
  g_assert_no_error (error);
  rows = kari_audit_log_query (log, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 100);
  g_assert_cmpstr (((KariAuditEntry *) rows->pdata[0])->detail, ==, "249");
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--child-writer"))
    return child_writer (argv[2]);

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/audit/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("append/threads", test_threads);
  ADD ("append/back-pressure", test_back_pressure);
  ADD ("append/slow-writer", test_slow_writer);
  ADD ("close", test_close);
  ADD ("coexists-with-registry", test_coexists_with_registry);
  ADD ("kill", test_kill);
  ADD ("query/filters", test_query);
  ADD ("query/default-limit", test_query_default_limit);
#undef ADD

  return g_test_run ();
}
