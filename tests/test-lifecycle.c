/* test-lifecycle.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "kari-lifecycle.h"

#define D KARI_STATE_DISCOVERED
#define V KARI_STATE_VALIDATED
#define R KARI_STATE_RESOLVED
#define I KARI_STATE_INSTALLED
#define E KARI_STATE_ENABLED
#define SG KARI_STATE_STARTING
#define RN KARI_STATE_RUNNING
#define SP KARI_STATE_STOPPING
#define ST KARI_STATE_STOPPED
#define F KARI_STATE_FAILED
#define C KARI_STATE_CRASHED
#define DI KARI_STATE_DISABLED
#define U KARI_STATE_UPDATING

/* The table written out independently of the library's, so a change to
 * one without the other fails here. */
static const struct { KariState from, to; } allowed[] = {
  { D, V }, { D, F },
  { V, R }, { V, F },
  { R, I }, { R, F },
  { I, E }, { I, DI }, { I, U }, { I, F },
  { E, SG }, { E, DI }, { E, U }, { E, F },
  { SG, RN }, { SG, SP }, { SG, F }, { SG, C },
  { RN, SP }, { RN, C }, { RN, F },
  { SP, ST }, { SP, C }, { SP, F },
  { ST, SG }, { ST, E }, { ST, DI }, { ST, U },
  { F, D }, { F, V }, { F, DI }, { F, U },
  { C, SG }, { C, ST }, { C, DI }, { C, F },
  { DI, E }, { DI, U }, { DI, F },
  { U, I }, { U, F },
};

static gboolean
expected_allowed (KariState from,
                  KariState to)
{
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    if (allowed[i].from == from && allowed[i].to == to)
      return TRUE;
  return FALSE;
}

static void
test_allowed (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s → %s", kari_state_to_string (allowed[i].from),
                      kari_state_to_string (allowed[i].to));
      g_assert_true (kari_lifecycle_check (allowed[i].from, allowed[i].to, &error));
      g_assert_no_error (error);
      g_assert_true (kari_lifecycle_is_allowed (allowed[i].from, allowed[i].to));
    }
}

/* Every pair not in the table is refused, with a message naming both states. */
static void
test_refused_all (void)
{
  guint refused = 0;

  for (guint from = 0; from < KARI_STATE_LAST; from++)
    for (guint to = 0; to < KARI_STATE_LAST; to++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *prefix = NULL;
        gboolean ok;

        if (expected_allowed (from, to))
          continue;

        ok = kari_lifecycle_check (from, to, &error);
        g_assert_false (ok);
        g_assert_false (kari_lifecycle_is_allowed (from, to));
        g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION);
        prefix = g_strdup_printf ("cannot go from %s to %s: ",
                                  kari_state_to_string (from), kari_state_to_string (to));
        g_assert_true (g_str_has_prefix (error->message, prefix));
        /* something to act on follows the prefix */
        g_assert_cmpuint (strlen (error->message), >, strlen (prefix) + 5);
        refused++;
      }

  g_assert_cmpuint (refused, ==, KARI_STATE_LAST * KARI_STATE_LAST - G_N_ELEMENTS (allowed));
}

static void
test_refused_reasons (void)
{
  static const struct { KariState from, to; const char *message; } cases[] = {
    { RN, I, "cannot go from running to installed: stop it first" },
    { RN, U, "cannot go from running to updating: stop it first" },
    { SG, DI, "cannot go from starting to disabled: stop it first" },
    { RN, RN, "cannot go from running to running: it is already running" },
    { DI, SG, "cannot go from disabled to starting: enable it first" },
    { I, SG, "cannot go from installed to starting: enable it first" },
    { SP, SG, "cannot go from stopping to starting: wait until it has stopped" },
    { U, E, "cannot go from updating to enabled: wait until the update has finished (it ends installed or failed)" },
    { F, RN, "cannot go from failed to running: fix the cause and validate it again, or update it" },
    { C, RN, "cannot go from crashed to running: start it again first" },
    { ST, RN, "cannot go from stopped to running: start it first" },
    { D, I, "cannot go from discovered to installed: it has to follow the main line first (discovered → validated → resolved → installed)" },
    { RN, ST, "cannot go from running to stopped: from running it can only go to stopping, failed, crashed" },
    { E, I, "cannot go from enabled to installed: from enabled it can only go to starting, failed, disabled, updating" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (kari_lifecycle_check (cases[i].from, cases[i].to, &error));
      g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_out_of_range (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (kari_lifecycle_check (KARI_STATE_LAST, KARI_STATE_RUNNING, &error));
  g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_UNKNOWN_STATE);
  g_clear_error (&error);
  g_assert_false (kari_lifecycle_check (KARI_STATE_RUNNING, (KariState) 99, &error));
  g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_UNKNOWN_STATE);
  g_assert_false (kari_lifecycle_is_allowed ((KariState) 99, KARI_STATE_RUNNING));
  g_assert_cmpstr (kari_state_to_string ((KariState) 99), ==, "unknown");
}

static void
test_names_round_trip (void)
{
  static const char * const names[] = {
    "discovered", "validated", "resolved", "installed", "enabled", "starting", "running",
    "stopping", "stopped", "failed", "crashed", "disabled", "updating",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == KARI_STATE_LAST);

  for (guint i = 0; i < KARI_STATE_LAST; i++)
    {
      g_autoptr(GError) error = NULL;
      KariState state = KARI_STATE_LAST;

      g_assert_cmpstr (kari_state_to_string (i), ==, names[i]);
      g_assert_true (kari_state_from_string (names[i], &state, &error));
      g_assert_no_error (error);
      g_assert_cmpint (state, ==, i);
    }
}

static void
test_names_unknown (void)
{
  static const char * const bad[] = { "", "Running", "runnin", "running ", "unknown" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      KariState state = KARI_STATE_RUNNING;

      g_assert_false (kari_state_from_string (bad[i], &state, &error));
      g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_UNKNOWN_STATE);
      g_assert_nonnull (strstr (error->message, "is not a lifecycle state"));
      g_assert_cmpint (state, ==, KARI_STATE_RUNNING);
    }
}

static void
test_removal (void)
{
  static const struct { KariState state; const char *message; } cases[] = {
    { I, NULL }, { E, NULL }, { ST, NULL }, { F, NULL }, { C, NULL }, { DI, NULL },
    { D, NULL }, { V, NULL }, { R, NULL },
    { RN, "cannot remove it while it is running: stop it first" },
    { SG, "cannot remove it while it is starting: stop it first" },
    { SP, "cannot remove it while it is stopping: wait until it has stopped" },
    { U, "cannot remove it while it is updating: wait until the update has finished" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = kari_lifecycle_check_removal (cases[i].state, &error);

      if (cases[i].message == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION);
          g_assert_cmpstr (error->message, ==, cases[i].message);
        }
    }
}

/* The main line is walkable end to end, then round again from stopped. */
static void
test_main_line (void)
{
  static const KariState line[] = { D, V, R, I, E, SG, RN, SP, ST, SG, RN, C, SG, RN, SP, ST, U, I };

  for (guint i = 0; i + 1 < G_N_ELEMENTS (line); i++)
    g_assert_true (kari_lifecycle_check (line[i], line[i + 1], NULL));
}

static void
test_transition_boxed (void)
{
  g_autoptr(KariTransition) t = kari_transition_new (RN, C, "exit status 139", 1234);
  g_autoptr(KariTransition) copy = NULL;
  KariTransition *boxed;

  copy = kari_transition_copy (t);
  g_assert_cmpint (copy->from, ==, RN);
  g_assert_cmpint (copy->to, ==, C);
  g_assert_cmpstr (copy->reason, ==, "exit status 139");
  g_assert_true (copy->reason != t->reason);
  g_assert_cmpint (copy->time_usec, ==, 1234);

  g_assert_true (G_TYPE_IS_BOXED (KARI_TYPE_TRANSITION));
  boxed = g_boxed_copy (KARI_TYPE_TRANSITION, t);
  g_assert_cmpstr (boxed->reason, ==, "exit status 139");
  g_boxed_free (KARI_TYPE_TRANSITION, boxed);

  kari_transition_free (NULL);
  {
    g_autoptr(KariTransition) no_reason = kari_transition_new (I, E, NULL, 0);
    g_autoptr(KariTransition) no_reason_copy = kari_transition_copy (no_reason);
    g_assert_null (no_reason_copy->reason);
  }
}

/* Builds a history from (from, to) pairs, oldest first. */
static GPtrArray *
history_of (const KariState *moves,
            guint            n_moves)
{
  GPtrArray *history = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_transition_free);

  for (guint i = 0; i + 1 < n_moves; i += 2)
    g_ptr_array_add (history, kari_transition_new (moves[i], moves[i + 1], "why", 1000 + i));
  return history;
}

#define FIND(...) find_in ((const KariState[]) { __VA_ARGS__ }, \
                           sizeof ((const KariState[]) { __VA_ARGS__ }) / sizeof (KariState))

/* The index in the history of the failure found, or -1. */
static int
find_in (const KariState *moves,
         guint            n_moves)
{
  g_autoptr(GPtrArray) history = history_of (moves, n_moves);
  const KariTransition *found = kari_lifecycle_find_failure (history);

  for (guint i = 0; i < history->len; i++)
    if (g_ptr_array_index (history, i) == found)
      return i;
  g_assert_null (found);
  return -1;
}

/* What a host remembers of a run: the failure of one that was on, or the
 * supervisor's crash loop, through the catalog's walk back to installed
 * and until anything else happens. */
static void
test_find_failure (void)
{
  g_assert_null (kari_lifecycle_find_failure (NULL));
  /* A start that failed, then re-resolved at the next load. */
  g_assert_cmpint (FIND (KARI_STATE_INSTALLED, KARI_STATE_ENABLED,
                         KARI_STATE_ENABLED, KARI_STATE_FAILED,
                         KARI_STATE_FAILED, KARI_STATE_VALIDATED,
                         KARI_STATE_VALIDATED, KARI_STATE_RESOLVED,
                         KARI_STATE_RESOLVED, KARI_STATE_INSTALLED), ==, 1);
  g_assert_cmpint (FIND (KARI_STATE_ENABLED, KARI_STATE_STARTING,
                         KARI_STATE_STARTING, KARI_STATE_FAILED), ==, 1);
  /* Started again since: nothing to remember. */
  g_assert_cmpint (FIND (KARI_STATE_STARTING, KARI_STATE_FAILED,
                         KARI_STATE_FAILED, KARI_STATE_VALIDATED,
                         KARI_STATE_VALIDATED, KARI_STATE_RESOLVED,
                         KARI_STATE_RESOLVED, KARI_STATE_INSTALLED,
                         KARI_STATE_INSTALLED, KARI_STATE_ENABLED), ==, -1);
  /* The crash loop; a person's switch-off goes through stopped. */
  g_assert_cmpint (FIND (KARI_STATE_RUNNING, KARI_STATE_CRASHED,
                         KARI_STATE_CRASHED, KARI_STATE_DISABLED), ==, 1);
  g_assert_cmpint (FIND (KARI_STATE_CRASHED, KARI_STATE_STOPPED,
                         KARI_STATE_STOPPED, KARI_STATE_DISABLED), ==, -1);
  g_assert_cmpint (FIND (KARI_STATE_CRASHED, KARI_STATE_DISABLED,
                         KARI_STATE_DISABLED, KARI_STATE_ENABLED), ==, -1);
  /* A dependency missing for one that was off is not a run's failure. */
  g_assert_cmpint (FIND (KARI_STATE_INSTALLED, KARI_STATE_FAILED), ==, -1);
  g_assert_cmpint (FIND (KARI_STATE_DISABLED, KARI_STATE_FAILED,
                         KARI_STATE_FAILED, KARI_STATE_VALIDATED), ==, -1);
  /* An update since clears it too. */
  g_assert_cmpint (FIND (KARI_STATE_CRASHED, KARI_STATE_DISABLED,
                         KARI_STATE_DISABLED, KARI_STATE_UPDATING,
                         KARI_STATE_UPDATING, KARI_STATE_INSTALLED), ==, -1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lifecycle/transitions/allowed", test_allowed);
  g_test_add_func ("/lifecycle/transitions/refused-all", test_refused_all);
  g_test_add_func ("/lifecycle/transitions/refused-reasons", test_refused_reasons);
  g_test_add_func ("/lifecycle/transitions/out-of-range", test_out_of_range);
  g_test_add_func ("/lifecycle/transitions/main-line", test_main_line);
  g_test_add_func ("/lifecycle/removal", test_removal);
  g_test_add_func ("/lifecycle/names/round-trip", test_names_round_trip);
  g_test_add_func ("/lifecycle/names/unknown", test_names_unknown);
  g_test_add_func ("/lifecycle/transition/boxed", test_transition_boxed);
  g_test_add_func ("/lifecycle/find-failure", test_find_failure);

  return g_test_run ();
}
