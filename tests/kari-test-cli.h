/* kari-test-cli.h — running kari-ext on temporary folders, for the CLI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <signal.h>

#include <string.h>

#include "kari-test-sandbox.h"

G_BEGIN_DECLS

typedef struct
{
  char *root;       /* everything this test makes */
  char *exts;       /* KARI_EXTENSIONS_PATH */
  char *plugins;    /* KARI_PLUGINS_PATH */
  char *data_home;  /* XDG_DATA_HOME */
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Result;

static inline void
result_clear (Result *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static inline void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->root = g_dir_make_tmp ("kari-cli-XXXXXX", NULL);
  f->exts = g_build_filename (f->root, "extensions", NULL);
  f->plugins = g_build_filename (f->root, "plugins", NULL);
  f->data_home = g_build_filename (f->root, "data", NULL);
  g_mkdir_with_parents (f->exts, 0700);
  g_mkdir_with_parents (f->plugins, 0700);
  g_mkdir_with_parents (f->data_home, 0700);
}

static inline void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  kari_test_rm_rf (f->root);
  g_free (f->root);
  g_free (f->exts);
  g_free (f->plugins);
  g_free (f->data_home);
}

/* Runs kari-ext with the fixture's folders and nothing of the caller's,
 * @input (or nothing) on its standard input. */
static inline Result
run_va (Fixture    *f,
        const char *exts,
        const char *plugins,
        const char *input,
        va_list     args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sys = g_build_filename (f->root, "system", NULL);
  Result r = { 0 };
  const char *arg;

  g_ptr_array_add (argv, (gpointer) g_getenv ("KARI_EXT"));
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "KARI_EXTENSIONS_PATH", exts, TRUE);
  g_subprocess_launcher_setenv (launcher, "KARI_PLUGINS_PATH", plugins, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", sys, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input != NULL ? input : "", NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r.status = g_subprocess_get_exit_status (proc);
  if (g_test_verbose ())
    g_printerr ("status %d\n--stdout--\n%s--stderr--\n%s", r.status, r.out, r.err);
  return r;
}

static inline Result
run_with_paths (Fixture    *f,
                const char *exts,
                const char *plugins,
                ...)
{
  Result r;
  va_list args;

  va_start (args, plugins);
  r = run_va (f, exts, plugins, NULL, args);
  va_end (args);
  return r;
}

static inline Result
run_with_input (Fixture    *f,
                const char *input,
                ...)
{
  Result r;
  va_list args;

  va_start (args, input);
  r = run_va (f, f->exts, f->plugins, input, args);
  va_end (args);
  return r;
}

#define run(f, ...) run_with_paths ((f), (f)->exts, (f)->plugins, __VA_ARGS__, NULL)
#define run_input(f, input, ...) run_with_input ((f), (input), __VA_ARGS__, NULL)

static inline JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Follows a `kari-ext run` host's merged output line by line into @out,
 * setting @seen once a line holds @needle and @eof at its end. */
typedef struct
{
  GString    *out;
  const char *needle;
  gboolean    seen;
  gboolean    eof;
} HostWatch;

static inline void
host_watch_on_line (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  HostWatch *w = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, NULL);

  if (line == NULL)
    {
      w->eof = TRUE;
      return;
    }
  g_string_append_printf (w->out, "%s\n", line);
  if (strstr (line, w->needle) != NULL)
    w->seen = TRUE;
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT, NULL,
                                       host_watch_on_line, w);
}

/* Starts `kari-ext run @app` with the fixture's folders and a runtime
 * folder under its root, standard error merged into standard output, in
 * @tenant (or the active one when %NULL). */
static inline GSubprocess *
spawn_host_in (Fixture     *f,
               const char  *app,
               const char  *tenant,
               GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autofree char *runtime_dir = g_build_filename (f->root, "run", NULL);

  g_mkdir (runtime_dir, 0700);
  g_subprocess_launcher_setenv (launcher, "KARI_EXTENSIONS_PATH", f->exts, TRUE);
  g_subprocess_launcher_setenv (launcher, "KARI_PLUGINS_PATH", f->plugins, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  if (tenant != NULL)
    return g_subprocess_launcher_spawn (launcher, error, g_getenv ("KARI_EXT"), "run", "--tenant", tenant, app,
                                        NULL);
  return g_subprocess_launcher_spawn (launcher, error, g_getenv ("KARI_EXT"), "run", app, NULL);
}

static inline GSubprocess *
spawn_host (Fixture     *f,
            const char  *app,
            GError     **error)
{
  return spawn_host_in (f, app, NULL, error);
}

/* Writes the extension “sup” that runs a copy of supervisor-ext, with the
 * folders open to the sandbox's user; returns its folder. */
static inline char *
write_sup_extension (Fixture *f)
{
  char *app = kari_test_write_supervised_extension (f->root, "sup", "sup",
                                                    "\"runtime\": {\"command\": [\"supervisor-ext\", \"hello\"]},\n"
                                                    "  \"config\": {\"schema\": {\"type\": \"object\", "
                                                    "\"properties\": {\"colour\": {\"type\": \"string\"}}}}");

  g_assert_cmpint (g_chmod (f->root, 0755), ==, 0);
  return app;
}

/* For g_bus_watch_name(): sets the gboolean at @user_data. */
static inline void
on_name_appeared (GDBusConnection *bus,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* The state `kari-ext status` gives @name in the running host. */
static inline char *
status_state (Fixture    *f,
              const char *name)
{
  g_auto(Result) r = run (f, "status", "--json", name);
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "state"));
}

/* Waits until the running host says @name runs; fails on failed or
 * stopped, or after a minute. */
static inline void
wait_running (Fixture    *f,
              const char *name)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gboolean running = FALSE;

  while (!running && g_get_monotonic_time () < deadline)
    {
      g_autofree char *state = status_state (f, name);

      g_assert_cmpstr (state, !=, "failed");
      g_assert_cmpstr (state, !=, "stopped");
      running = g_str_equal (state, "running");
      if (!running)
        g_usleep (10000);
    }
  g_assert_true (running);
}

/* Ends `kari-ext run` with SIGINT, as a person's Ctrl+C, waits for its
 * output to end and checks that it exited cleanly. */
static inline void
host_quit (GSubprocess *host,
           HostWatch   *w)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (host, SIGINT);
  g_assert_true (kari_test_wait_for (&w->eof, 60));
  g_subprocess_wait (host, NULL, &error);
  g_assert_no_error (error);
  if (g_test_verbose ())
    g_printerr ("%s", w->out->str);
  g_assert_true (g_subprocess_get_if_exited (host));
  g_assert_cmpint (g_subprocess_get_exit_status (host), ==, 0);
}

G_END_DECLS
