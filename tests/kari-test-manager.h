/* kari-test-manager.h — calling io.github.kari.Manager1 as another
 * program would: `gdbus call` and `kari-ext`, run to the end with this
 * process's environment (the bus, the settings, the folders)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "kari-test-util.h"
#include "kari.h"

G_BEGIN_DECLS

#define MANAGER "io.github.kari.Manager1"

typedef struct
{
  int   status;
  char *out;
  char *err;
  GPid  pid;
} Run;

static inline void
run_clear (Run *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs @argv (NULL-terminated) to the end. */
static inline Run
run_argv (const char * const *argv)
{
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  const char *id;
  Run r = { 0 };

  p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  /* NULL once the child is reaped, which may come first for a quick one */
  id = g_subprocess_get_identifier (p);
  r.pid = id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
  g_subprocess_communicate_utf8 (p, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
  if (g_test_verbose ())
    g_printerr ("%s %s → %d\n%s%s", argv[0], argv[1] != NULL ? argv[1] : "", r.status, r.out, r.err);
  return r;
}

/* `gdbus call` of Manager1.@method with up to three arguments. */
static inline Run
gdbus_call (const char *method,
            const char *arg1,
            const char *arg2,
            const char *arg3)
{
  g_autofree char *full = g_strconcat (MANAGER ".", method, NULL);
  const char *argv[] = { "gdbus", "call", "--session", "--dest", KARI_HOST_MANAGER_BUS_NAME,
                         "--object-path", KARI_HOST_MANAGER_PATH, "--method", full,
                         arg1, arg2, arg3, NULL };

  return run_argv (argv);
}

/* The first member of what `gdbus call` printed. */
static inline GVariant *
reply_value (const Run *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  g_assert_cmpint (r->status, ==, 0);
  reply = g_variant_parse (NULL, r->out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (reply), >=, 1);
  return g_variant_get_child_value (reply, 0);
}

static inline JsonNode *
reply_json (const Run *r)
{
  g_autoptr(GVariant) value = reply_value (r);
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (g_variant_get_string (value, NULL), &error);

  g_assert_no_error (error);
  return node;
}

static inline char *
status_state (const char *name)
{
  g_auto(Run) r = gdbus_call ("Status", name, NULL, NULL);
  g_autoptr(GVariant) status = reply_value (&r);
  const char *state = NULL;

  g_assert_true (g_variant_lookup (status, "state", "&s", &state));
  return g_strdup (state);
}

/* Polls Status until @name is in @state; fails on a state it cannot
 * come back from. */
static inline void
wait_state (const char *name,
            const char *state)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *now = status_state (name);

      if (g_str_equal (now, state))
        return;
      g_assert_cmpstr (now, !=, "failed");
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50000);
    }
}

static inline void
kari_test_manager_on_signal (GDBusConnection *connection,
                             const char      *sender,
                             const char      *path,
                             const char      *interface,
                             const char      *signal,
                             GVariant        *parameters,
                             gpointer         user_data)
{
  GPtrArray *seen = user_data;
  const char *name = NULL, *second = NULL;

  if (g_str_equal (signal, "ExtensionsChanged"))
    {
      g_ptr_array_add (seen, g_strdup (signal));
      return;
    }
  if (g_str_equal (signal, "LogLine")
      || (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ss)"))
          && !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sss)"))))
    return;
  g_variant_get_child (parameters, 0, "&s", &name);
  g_variant_get_child (parameters, 1, "&s", &second);
  g_ptr_array_add (seen, g_strdup_printf ("%s %s %s", signal, name, second));
}

/* Records Manager1's signals on @bus into @seen as "Signal NAME SECOND"
 * (the state, or the tenant), ExtensionsChanged alone; LogLine not. */
static inline void
kari_test_manager_record_signals (GDBusConnection *bus,
                                  GPtrArray       *seen)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_dbus_connection_signal_subscribe (bus, KARI_HOST_MANAGER_BUS_NAME, MANAGER, NULL, KARI_HOST_MANAGER_PATH,
                                      NULL, G_DBUS_SIGNAL_FLAGS_NONE, kari_test_manager_on_signal, seen, NULL);
  /* The daemon answers in order: once this is answered, the match rule
   * sent before it is in place, and no signal after can be missed. */
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetId", NULL, G_VARIANT_TYPE ("(s)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static inline gboolean
kari_test_manager_seen (GPtrArray  *seen,
                        const char *signal)
{
  return g_ptr_array_find_with_equal_func (seen, signal, g_str_equal, NULL);
}

/* Runs the main loop until @signal is in @seen (30 s at most). */
static inline void
kari_test_manager_wait_signal (GPtrArray  *seen,
                               const char *signal)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!kari_test_manager_seen (seen, signal) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  if (!kari_test_manager_seen (seen, signal))
    for (guint i = 0; i < seen->len; i++)
      g_test_message ("seen: %s", (char *) g_ptr_array_index (seen, i));
  g_assert_true (kari_test_manager_seen (seen, signal));
}

G_END_DECLS
