/* test-disk-usage.c — data folders measured, and held to their quota
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include "kari-test-sandbox.h"

static char *root;

static char *
make_dir (const char *name)
{
  char *dir = g_build_filename (root, name, NULL);

  kari_test_rm_rf (dir);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

/* Writes @size bytes of 'x' to @dir/@name. */
static char *
write_bytes (const char *dir,
             const char *name,
             gsize       size)
{
  g_autofree char *contents = g_malloc (size + 1);

  memset (contents, 'x', size);
  contents[size] = '\0';
  return kari_test_write (dir, name, contents);
}

static void
measure (const char    *dir,
         KariDiskUsage *usage)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kari_disk_usage_measure (dir, 8, 1000, NULL, usage, &error));
  g_assert_no_error (error);
}

/* Sizes exact; a hard link once; a symbolic link by its own size, its
 * target not followed; a sparse file by its apparent size. */
static void
test_exact (void)
{
  g_autofree char *dir = make_dir ("exact");
  g_autofree char *outside = make_dir ("outside");
  g_autofree char *a = write_bytes (dir, "a", 1000);
  g_autofree char *big = write_bytes (outside, "big", 100000);
  g_autofree char *hard = g_build_filename (dir, "sub/hard", NULL);
  g_autofree char *sym = g_build_filename (dir, "sym", NULL);
  g_autofree char *sparse = g_build_filename (dir, "sparse", NULL);
  KariDiskUsage usage;
  int fd;

  g_free (write_bytes (dir, "sub/deeper/b", 234));
  g_assert_cmpint (link (a, hard), ==, 0);
  g_assert_cmpint (symlink (big, sym), ==, 0);
  fd = open (sparse, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 1 << 20), ==, 0);
  close (fd);

  measure (dir, &usage);
  /* a + b + the link's target path + the sparse file's size */
  g_assert_cmpuint (usage.bytes, ==, 1000 + 234 + strlen (big) + (1 << 20));
  /* a, sub, sub/deeper, sub/deeper/b, sub/hard, sym, sparse */
  g_assert_cmpuint (usage.n_entries, ==, 7);

  kari_test_rm_rf (dir);
  kari_test_rm_rf (outside);
}

/* Links that point at each other or at their own folder end nowhere. */
static void
test_symlink_loop (void)
{
  g_autofree char *dir = make_dir ("loop");
  g_autofree char *up = g_build_filename (dir, "sub/up", NULL);
  g_autofree char *loop = g_build_filename (dir, "self", NULL);
  g_autoptr(GError) error = NULL;
  KariDiskUsage usage;

  g_free (write_bytes (dir, "sub/f", 10));
  g_assert_cmpint (symlink ("..", up), ==, 0);
  g_assert_cmpint (symlink ("self", loop), ==, 0);
  measure (dir, &usage);
  g_assert_cmpuint (usage.bytes, ==, 10 + 2 + 4);
  g_assert_cmpuint (usage.n_entries, ==, 4);

  /* The folder itself given as a link is refused, not followed. */
  g_assert_false (kari_disk_usage_measure (up, 8, 1000, NULL, &usage, &error));
  g_assert_error (error, KARI_DISK_USAGE_ERROR, KARI_DISK_USAGE_ERROR_OPEN);
  kari_test_rm_rf (dir);
}

static void
test_bounds (void)
{
  g_autofree char *dir = make_dir ("deep");
  g_autoptr(GString) path = g_string_new (dir);
  g_autoptr(GError) error = NULL;
  KariDiskUsage usage;

  for (guint i = 0; i < 12; i++)
    {
      g_string_append (path, "/d");
      g_assert_cmpint (g_mkdir (path->str, 0755), ==, 0);
    }
  /* 12 levels: 12 is within, 11 is past. */
  g_assert_true (kari_disk_usage_measure (dir, 12, 1000, NULL, &usage, &error));
  g_assert_no_error (error);
  g_assert_false (kari_disk_usage_measure (dir, 11, 1000, NULL, &usage, &error));
  g_assert_error (error, KARI_DISK_USAGE_ERROR, KARI_DISK_USAGE_ERROR_TOO_DEEP);
  g_assert_nonnull (strstr (error->message, "deeper than 11"));
  g_clear_error (&error);

  g_assert_true (kari_disk_usage_measure (dir, 64, 12, NULL, &usage, &error));
  g_assert_no_error (error);
  g_assert_false (kari_disk_usage_measure (dir, 64, 11, NULL, &usage, &error));
  g_assert_error (error, KARI_DISK_USAGE_ERROR, KARI_DISK_USAGE_ERROR_TOO_MANY);
  kari_test_rm_rf (dir);
}

typedef struct
{
  gboolean      done;
  gboolean      counted;
  KariDiskUsage usage;
} Async;

static void
on_measured (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Async *a = user_data;
  g_autoptr(GError) error = NULL;

  a->counted = kari_disk_usage_measure_finish (result, &a->usage, &error);
  g_assert_no_error (error);
  a->done = TRUE;
}

static void
test_async (void)
{
  g_autofree char *dir = make_dir ("async");
  Async a = { FALSE, FALSE, { 0, 0 } };

  g_free (write_bytes (dir, "f", 4321));
  kari_disk_usage_measure_async (dir, 8, 100, NULL, on_measured, &a);
  g_assert_true (kari_test_wait_for (&a.done, 30));
  g_assert_true (a.counted);
  g_assert_cmpuint (a.usage.bytes, ==, 4321);
  kari_test_rm_rf (dir);
}

/* A supervisor of supervisor-ext with a 1 MiB quota. */
typedef struct
{
  char                 *dir;
  char                 *db;
  char                 *app;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  KariSupervisor       *supervisor;
} Fixture;

static void
on_state_changed (KariSupervisor *supervisor,
                  KariState       state,
                  const char     *reason,
                  GPtrArray      *changes)
{
  g_ptr_array_add (changes, g_strdup_printf ("%s: %s", kari_state_to_string (state), reason ? reason : ""));
}

static void
on_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Calls @endpoint of the running extension with @request. */
static char *
call (Fixture    *f,
      const char *endpoint,
      const char *request)
{
  KariBroker *broker = kari_supervisor_get_broker (f->supervisor);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *answer;

  g_assert_nonnull (broker);
  kari_broker_call_handle_request_async (broker, endpoint, request, 20000, NULL, on_answered, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  answer = kari_broker_call_handle_request_finish (broker, result, &error);
  g_assert_no_error (error);
  g_test_message ("%s %s → %s", endpoint, request, answer);
  return answer;
}

/* Waits until the extension has heard a notice of @kind. */
static void
wait_notice (Fixture    *f,
             const char *kind)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_autofree char *line = g_strdup_printf ("%s\n", kind);

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *notices = call (f, "notices", "");

      if (strstr (notices, line) != NULL)
        return;
      g_usleep (50 * 1000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_error ("The extension was never told %s", kind);
}

/* Waits until run @n is running. */
static void
wait_run (Fixture *f,
          guint    n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while ((kari_supervisor_get_n_starts (f->supervisor) < n
          || kari_supervisor_get_state (f->supervisor) != KARI_STATE_RUNNING)
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (kari_supervisor_get_n_starts (f->supervisor), ==, n);
  g_assert_cmpint (kari_supervisor_get_state (f->supervisor), ==, KARI_STATE_RUNNING);
}

static gboolean
changes_have (GPtrArray  *changes,
              const char *prefix,
              const char *needle)
{
  for (guint i = 0; i < changes->len; i++)
    if (g_str_has_prefix (changes->pdata[i], prefix) && strstr (changes->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

/* A 1 MiB quota in a real sandbox: no file grows past it, the extension
 * is told at 90 %, runs with /data read-only past 100 % (reads work,
 * nothing is lost), and gets it writable back once space is freed. The
 * interval walk is 5 minutes: only the watches on /data make it prompt. */
static void
test_supervisor_quota (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariManifest) manifest = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *data = NULL;
  g_autofree char *big = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *answer = NULL;
  Fixture fx = { 0 }, *f = &fx;

  kari_test_tmp_db ("kari-disk-XXXXXX", "registry.db", &f->dir, &f->db);
  f->registry = kari_registry_open (f->db, NULL, NULL, &error);
  g_assert_no_error (error);
  f->audit = kari_audit_log_open (f->db, &error);
  g_assert_no_error (error);
  f->engine = kari_permission_engine_new (f->registry, f->audit, NULL, &error);
  g_assert_no_error (error);

  f->app = kari_test_write_supervised_extension (root, "app-quota", "quota",
                                                 "\"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]},\n"
                                                 "  \"resources\": {\"max_disk_mb\": 1}");
  manifest = kari_test_install (f->registry, f->app);
  data = g_build_filename (g_get_user_data_dir (), "kari", "data", "acme", "quota", NULL);
  kari_test_rm_rf (data);
  sub = g_build_filename (data, "sub", NULL);
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);

  f->supervisor = kari_supervisor_new (manifest, f->app, "acme", f->engine, f->registry);
  g_signal_connect (f->supervisor, "state-changed", G_CALLBACK (on_state_changed), changes);
  kari_supervisor_set_handshake_timeout (f->supervisor, 20000);
  kari_supervisor_set_ping (f->supervisor, 0, 1000);
  kari_supervisor_set_backoff (f->supervisor, 20, 200);
  kari_supervisor_set_disk_check (f->supervisor, 300000);
  g_assert_true (kari_supervisor_start (f->supervisor, &error));
  g_assert_no_error (error);
  wait_run (f, 1);

  /* RLIMIT_FSIZE: one file stops at the quota with EFBIG, the writer
   * lives; exactly the quota is not over it, but past 90 %. */
  answer = call (f, "write", "big 1100000");
  g_assert_cmpstr (answer, ==, "error: File too large after 1048576");
  g_clear_pointer (&answer, g_free);
  wait_notice (f, "disk-quota-warning");
  g_assert_cmpuint (kari_supervisor_get_disk_usage (f->supervisor), ==, 1 << 20);
  g_assert_false (kari_supervisor_get_over_quota (f->supervisor));
  g_assert_cmpuint (kari_supervisor_get_n_starts (f->supervisor), ==, 1);

  /* One more file, in a folder, goes past: told, then restarted with
   * /data read-only. The folder is watched too. */
  answer = call (f, "write", "sub/small 100");
  g_assert_cmpstr (answer, ==, "ok 100");
  g_clear_pointer (&answer, g_free);
  wait_run (f, 2);
  g_assert_true (kari_supervisor_get_over_quota (f->supervisor));
  g_assert_true (kari_supervisor_get_data_read_only (f->supervisor));
  g_assert_true (changes_have (changes, "stopping: ", "Disk quota exceeded"));
  g_assert_true (changes_have (changes, "starting: ", "Restarting with /data read-only"));
  g_assert_false (changes_have (changes, "crashed", ""));
  wait_notice (f, "disk-quota-exceeded");

  /* Writes fail, reads work, nothing written is lost. */
  answer = call (f, "write", "more 10");
  g_assert_cmpstr (answer, ==, "error: Read-only file system after 0");
  g_clear_pointer (&answer, g_free);
  answer = call (f, "read", "big");
  g_assert_cmpstr (answer, ==, "size 1048576");
  g_clear_pointer (&answer, g_free);
  answer = call (f, "read", "sub/small");
  g_assert_cmpstr (answer, ==, "size 100");
  g_clear_pointer (&answer, g_free);

  /* The person frees space: writable again, and told so. */
  big = g_build_filename (data, "big", NULL);
  g_assert_cmpint (g_unlink (big), ==, 0);
  wait_run (f, 3);
  g_assert_false (kari_supervisor_get_over_quota (f->supervisor));
  g_assert_false (kari_supervisor_get_data_read_only (f->supervisor));
  g_assert_true (changes_have (changes, "starting: ", "Restarting with /data writable"));
  wait_notice (f, "disk-quota-ok");
  answer = call (f, "write", "more 10");
  g_assert_cmpstr (answer, ==, "ok 10");
  g_clear_pointer (&answer, g_free);
  answer = call (f, "read", "sub/small");
  g_assert_cmpstr (answer, ==, "size 100");
  g_clear_pointer (&answer, g_free);

  kari_test_supervisor_stop (f->supervisor);
  g_clear_object (&f->supervisor);
  g_clear_object (&f->engine);
  g_clear_object (&f->audit);
  g_clear_object (&f->registry);
  kari_test_rm_rf (f->app);
  g_free (f->app);
  kari_test_rm_rf (data);
  kari_test_tmp_db_clear (&f->dir, &f->db);
}

/* As root, the supervisor test again as nobody. */
static void
test_unprivileged (void)
{
  gboolean successful = FALSE;
  g_autofree char *out = kari_test_rerun_as_nobody ("KARI_DISK_UNPRIVILEGED", TRUE, &successful,
                                                     "-p", "/disk-usage/supervisor-quota", NULL);

  if (!successful)
    g_printerr ("as nobody:\n%s\n", out);
  g_assert_true (successful);
  g_assert_nonnull (strstr (out, "ok 1 /disk-usage/supervisor-quota"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* Before GLib caches them: everything of the supervisor goes here. */
  root = kari_test_supervisor_root ("kari-disk-root-XXXXXX");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/disk-usage/exact", test_exact);
  g_test_add_func ("/disk-usage/symlink-loop", test_symlink_loop);
  g_test_add_func ("/disk-usage/bounds", test_bounds);
  g_test_add_func ("/disk-usage/async", test_async);
  g_test_add_func ("/disk-usage/supervisor-quota", test_supervisor_quota);
  if (geteuid () == 0 && g_getenv ("KARI_DISK_UNPRIVILEGED") == NULL)
    g_test_add_func ("/disk-usage/unprivileged", test_unprivileged);

  status = g_test_run ();
  kari_test_rm_rf (root);
  g_free (root);
  return status;
}
