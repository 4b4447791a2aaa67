/* kari-test-broker.h — a real registry, audit log and permission engine
 * in a temporary folder, brokers on it and broker-client runs against
 * them, for the broker tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-test-util.h"

G_BEGIN_DECLS

/* Makes a temporary folder from @tmpl with registry.db in it (@dir,
 * @path), and opens a registry, an audit log and a permission engine on
 * it, with the builtin strict policy for this user in “default”: strict
 * asks for everything not granted and nobody answers unless a test sets
 * an agent, so only a grant allows. */
static inline void
kari_test_engine_open (const char            *tmpl,
                       char                 **dir,
                       char                 **path,
                       KariRegistry         **registry,
                       KariAuditLog         **audit,
                       KariPermissionEngine **engine)
{
  g_autoptr(GError) error = NULL;

  kari_test_tmp_db (tmpl, "registry.db", dir, path);
  *registry = kari_registry_open (*path, NULL, NULL, &error);
  g_assert_no_error (error);
  *audit = kari_audit_log_open (*path, &error);
  g_assert_no_error (error);
  *engine = kari_permission_engine_new (*registry, *audit, NULL, &error);
  g_assert_no_error (error);
}

static inline void
kari_test_engine_set_strict (KariPermissionEngine *engine)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPolicy) policy = kari_policy_new_builtin ("strict", &error);

  g_assert_no_error (error);
  g_assert_true (kari_permission_engine_set_policy (engine, g_get_user_name (), "default", policy, &error));
  g_assert_no_error (error);
}

/* Undoes kari_test_engine_open (), closing the audit log cleanly. */
static inline void
kari_test_engine_close (char                 **dir,
                        char                 **path,
                        KariRegistry         **registry,
                        KariAuditLog         **audit,
                        KariPermissionEngine **engine)
{
  g_clear_object (engine);
  g_assert_true (kari_audit_log_close (*audit, NULL));
  g_clear_object (audit);
  g_clear_object (registry);
  kari_test_tmp_db_clear (dir, path);
}

/* A broker for @extension of this user in “default”, listening in @dir. */
static inline KariBroker *
kari_test_broker_start (KariPermissionEngine *engine,
                        const char           *extension,
                        const char           *dir)
{
  g_autoptr(GError) error = NULL;
  KariBroker *broker = kari_broker_new (engine, extension, "default", g_get_user_name ());

  g_assert_true (kari_broker_start (broker, dir, &error));
  g_assert_no_error (error);
  return broker;
}

/* Grants @permission to @extension for good. */
static inline void
kari_test_grant (KariPermissionEngine *engine,
                 const char           *extension,
                 const char           *permission)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariGrant) granted = kari_permission_engine_grant (engine, g_get_user_name (), "default",
                                                               extension, NULL, permission,
                                                               KARI_SCOPE_PERSISTENT, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (granted);
}

typedef struct
{
  gboolean  done;
  char     *out;
  int       status;
} KariTestRun;

static inline void
kari_test_run_on_communicated (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  KariTestRun *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, NULL, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (source));
  run->done = TRUE;
}

/* Runs broker-client MODE ARG against @broker while the host's main loop
 * runs, as `nobody` when @as_nobody; returns its stdout. */
static inline char *
kari_test_run_client_full (KariBroker *broker,
                 gboolean    as_nobody,
                 int        *status,
                 const char *mode,
                 const char *arg)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  KariTestRun run = { 0 };

  if (as_nobody)
    {
      g_ptr_array_add (argv, g_strdup ("setpriv"));
      g_ptr_array_add (argv, g_strdup ("--reuid=65534"));
      g_ptr_array_add (argv, g_strdup ("--regid=65534"));
      g_ptr_array_add (argv, g_strdup ("--clear-groups"));
    }
  g_ptr_array_add (argv, g_test_build_filename (G_TEST_BUILT, "broker-client", NULL));
  g_ptr_array_add (argv, g_strdup (mode));
  if (arg != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "KARI_HOST_ADDRESS", kari_broker_get_address (broker), TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, kari_test_run_on_communicated, &run);
  g_assert_true (kari_test_wait_for (&run.done, 120));
  if (status != NULL)
    *status = run.status;
  return run.out;
}

/* kari_test_run_client_full () as this user, asserting that broker-client exits 0. */
static inline char *
kari_test_run_client (KariBroker *broker,
            const char *mode,
            const char *arg)
{
  int status = -1;
  char *out = kari_test_run_client_full (broker, FALSE, &status, mode, arg);

  g_test_message ("broker-client %s: %s", mode, out);
  g_assert_cmpint (status, ==, 0);
  return out;
}

typedef struct
{
  gboolean  done;
  GVariant *reply;
  GError   *error;
} KariTestCall;

static inline void
kari_test_on_called (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  KariTestCall *call = user_data;

  call->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &call->error);
  call->done = TRUE;
}

/* Calls the extension's side of @broker's connection and waits. */
static inline void
kari_test_call_extension (KariBroker   *broker,
                          const char   *method,
                          GVariant     *parameters,
                          KariTestCall *call)
{
  *call = (KariTestCall) { 0 };
  g_dbus_connection_call (kari_broker_get_connection (broker), NULL, KARI_BROKER_EXTENSION_PATH,
                          "io.github.kari.Extension1", method, parameters, NULL,
                          G_DBUS_CALL_FLAGS_NONE, 30000, NULL, kari_test_on_called, call);
  g_assert_true (kari_test_wait_for (&call->done, 60));
}

static inline void
kari_test_call_clear (KariTestCall *call)
{
  g_clear_pointer (&call->reply, g_variant_unref);
  g_clear_error (&call->error);
}

G_END_DECLS
