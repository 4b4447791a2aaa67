/* kari-lifecycle.c — the state machine every extension moves through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main line is
 *
 *   discovered → validated → resolved → installed → enabled → starting →
 *   running → stopping → stopped
 *
 * and these are all the moves allowed (the table below is the truth,
 * this comment is its picture):
 *
 *   from        allowed to
 *   ----------  -------------------------------------------------------
 *   discovered  validated, failed
 *   validated   resolved, failed
 *   resolved    installed, failed
 *   installed   enabled, disabled, updating, failed
 *   enabled     starting, disabled, updating, failed
 *   starting    running, stopping, failed, crashed
 *   running     stopping, crashed, failed
 *   stopping    stopped, crashed, failed
 *   stopped     starting, enabled, disabled, updating
 *   failed      discovered, validated, disabled, updating
 *   crashed     starting, stopped, disabled, failed
 *   disabled    enabled, updating, failed
 *   updating    installed, failed
 *
 * Why the branches look like this:
 *
 * - Anything that does work can fail: a manifest that no longer
 *   validates, a dependency that disappeared, a runtime that will not
 *   start. Only stopped does not fail on its own (it does nothing), and
 *   updating fails by its own edge.
 * - A failed extension is looked at again from the start (discovered)
 *   or re-validated directly (validated) once fixed, updated to a
 *   version that works, or put away (disabled).
 * - A crash is not final: the supervisor restarts it (crashed →
 *   starting), gives up after a crash loop (crashed → disabled, or
 *   failed when it cannot even be started), or the person acknowledges
 *   it (crashed → stopped).
 * - An update or rollback starts from a quiet state (installed, enabled,
 *   stopped, disabled, failed) and ends installed, or failed. A running
 *   extension is stopped first, so its files never change under it.
 * - Nothing moves to the state it is already in.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-lifecycle.h"

G_DEFINE_QUARK (kari-lifecycle-error-quark, kari_lifecycle_error)

#define S(x) (1u << KARI_STATE_##x)

static const char * const state_names[KARI_STATE_LAST] = {
  [KARI_STATE_DISCOVERED] = "discovered",
  [KARI_STATE_VALIDATED]  = "validated",
  [KARI_STATE_RESOLVED]   = "resolved",
  [KARI_STATE_INSTALLED]  = "installed",
  [KARI_STATE_ENABLED]    = "enabled",
  [KARI_STATE_STARTING]   = "starting",
  [KARI_STATE_RUNNING]    = "running",
  [KARI_STATE_STOPPING]   = "stopping",
  [KARI_STATE_STOPPED]    = "stopped",
  [KARI_STATE_FAILED]     = "failed",
  [KARI_STATE_CRASHED]    = "crashed",
  [KARI_STATE_DISABLED]   = "disabled",
  [KARI_STATE_UPDATING]   = "updating",
};

/* from → the set of states it may move to, as a bit mask */
static const guint transitions[KARI_STATE_LAST] = {
  [KARI_STATE_DISCOVERED] = S (VALIDATED) | S (FAILED),
  [KARI_STATE_VALIDATED]  = S (RESOLVED) | S (FAILED),
  [KARI_STATE_RESOLVED]   = S (INSTALLED) | S (FAILED),
  [KARI_STATE_INSTALLED]  = S (ENABLED) | S (DISABLED) | S (UPDATING) | S (FAILED),
  [KARI_STATE_ENABLED]    = S (STARTING) | S (DISABLED) | S (UPDATING) | S (FAILED),
  [KARI_STATE_STARTING]   = S (RUNNING) | S (STOPPING) | S (FAILED) | S (CRASHED),
  [KARI_STATE_RUNNING]    = S (STOPPING) | S (CRASHED) | S (FAILED),
  [KARI_STATE_STOPPING]   = S (STOPPED) | S (CRASHED) | S (FAILED),
  [KARI_STATE_STOPPED]    = S (STARTING) | S (ENABLED) | S (DISABLED) | S (UPDATING),
  [KARI_STATE_FAILED]     = S (DISCOVERED) | S (VALIDATED) | S (DISABLED) | S (UPDATING),
  [KARI_STATE_CRASHED]    = S (STARTING) | S (STOPPED) | S (DISABLED) | S (FAILED),
  [KARI_STATE_DISABLED]   = S (ENABLED) | S (UPDATING) | S (FAILED),
  [KARI_STATE_UPDATING]   = S (INSTALLED) | S (FAILED),
};

#define ANY_STATE G_MAXUINT

/* What to do instead of a refused move, first match wins. A mask of
 * ANY_STATE matches every state. */
static const struct
{
  guint       from;
  guint       to;
  const char *hint;
} refusal_hints[] = {
  { S (STARTING) | S (RUNNING), S (UPDATING) | S (INSTALLED) | S (DISABLED) | S (ENABLED),
    "stop it first" },
  { S (STOPPING), ANY_STATE, "wait until it has stopped" },
  { S (UPDATING), ANY_STATE, "wait until the update has finished (it ends installed or failed)" },
  { S (DISABLED), S (STARTING) | S (RUNNING), "enable it first" },
  { S (INSTALLED), S (STARTING) | S (RUNNING), "enable it first" },
  { S (FAILED), ANY_STATE & ~(S (DISCOVERED) | S (VALIDATED)),
    "fix the cause and validate it again, or update it" },
  { S (CRASHED), S (RUNNING), "start it again first" },
  { S (STOPPED), S (RUNNING), "start it first" },
  { S (DISCOVERED) | S (VALIDATED) | S (RESOLVED), ANY_STATE,
    "it has to follow the main line first (discovered → validated → resolved → installed)" },
};

/**
 * kari_state_to_string:
 * @state: a #KariState
 *
 * Returns: the state's name as stored and shown (`running`), or `unknown`
 *   for a value outside the enumeration
 */
const char *
kari_state_to_string (KariState state)
{
  if ((guint) state >= KARI_STATE_LAST)
    return "unknown";
  return state_names[state];
}

/**
 * kari_state_from_string:
 * @name: a state name, as kari_state_to_string() returns
 * @state: (out): where to put the state
 * @error: set when @name is no state
 *
 * Returns: %TRUE when @name is a state
 */
gboolean
kari_state_from_string (const char  *name,
                        KariState   *state,
                        GError     **error)
{
  g_return_val_if_fail (state != NULL, FALSE);

  for (guint i = 0; name != NULL && i < KARI_STATE_LAST; i++)
    {
      if (g_str_equal (name, state_names[i]))
        {
          *state = (KariState) i;
          return TRUE;
        }
    }

  g_set_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_UNKNOWN_STATE,
               _("“%s” is not a lifecycle state (expected one of discovered, validated, "
               "resolved, installed, enabled, starting, running, stopping, stopped, "
               "failed, crashed, disabled, updating)"),
               name != NULL ? name : "(null)");
  return FALSE;
}

static char *
allowed_targets (KariState from)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < KARI_STATE_LAST; i++)
    {
      if (transitions[from] & (1u << i))
        {
          if (s->len > 0)
            g_string_append (s, ", ");
          g_string_append (s, state_names[i]);
        }
    }
  return g_string_free (s, FALSE);
}

/**
 * kari_lifecycle_is_allowed:
 * @from: the current state
 * @to: the wanted state
 *
 * Returns: %TRUE when the state machine allows the move; %FALSE for a
 *   refused move or a value outside the enumeration
 */
gboolean
kari_lifecycle_is_allowed (KariState from,
                           KariState to)
{
  if ((guint) from >= KARI_STATE_LAST || (guint) to >= KARI_STATE_LAST)
    return FALSE;
  return (transitions[from] & (1u << to)) != 0;
}

/**
 * kari_lifecycle_check:
 * @from: the current state
 * @to: the wanted state
 * @error: set when the move is refused
 *
 * Checks a move against the transition table. A refusal says what to do
 * instead, for example “cannot go from running to installed: stop it
 * first”.
 *
 * Returns: %TRUE when the move is allowed
 */
gboolean
kari_lifecycle_check (KariState   from,
                      KariState   to,
                      GError    **error)
{
  g_autofree char *allowed = NULL;

  if ((guint) from >= KARI_STATE_LAST || (guint) to >= KARI_STATE_LAST)
    {
      g_set_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_UNKNOWN_STATE,
                   _("cannot go from state %d to state %d: no such state"),
                   (int) from, (int) to);
      return FALSE;
    }

  if (kari_lifecycle_is_allowed (from, to))
    return TRUE;

  if (from == to)
    {
      g_set_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION,
                   _("cannot go from %s to %s: it is already %s"),
                   state_names[from], state_names[to], state_names[to]);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (refusal_hints); i++)
    {
      if ((refusal_hints[i].from & (1u << from)) && (refusal_hints[i].to & (1u << to)))
        {
          g_set_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION,
                       _("cannot go from %s to %s: %s"),
                       state_names[from], state_names[to], refusal_hints[i].hint);
          return FALSE;
        }
    }

  allowed = allowed_targets (from);
  g_set_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION,
               _("cannot go from %s to %s: from %s it can only go to %s"),
               state_names[from], state_names[to], state_names[from], allowed);
  return FALSE;
}

/**
 * kari_lifecycle_check_removal:
 * @state: the current state
 * @error: set when removal is refused
 *
 * An extension may be removed unless it is doing something: starting,
 * running, stopping or updating.
 *
 * Returns: %TRUE when an extension in @state may be removed
 */
gboolean
kari_lifecycle_check_removal (KariState   state,
                              GError    **error)
{
  static const guint busy = S (STARTING) | S (RUNNING) | S (STOPPING) | S (UPDATING);

  if ((guint) state >= KARI_STATE_LAST)
    {
      g_set_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_UNKNOWN_STATE,
                   _("cannot remove an extension in state %d: no such state"), (int) state);
      return FALSE;
    }

  if (busy & (1u << state))
    {
      g_set_error (error, KARI_LIFECYCLE_ERROR, KARI_LIFECYCLE_ERROR_INVALID_TRANSITION,
                   _("cannot remove it while it is %s: %s"),
                   state_names[state],
                   state == KARI_STATE_UPDATING ? "wait until the update has finished"
                   : state == KARI_STATE_STOPPING ? "wait until it has stopped"
                   : "stop it first");
      return FALSE;
    }
  return TRUE;
}

G_DEFINE_BOXED_TYPE (KariTransition, kari_transition,
                     kari_transition_copy, kari_transition_free)

/**
 * kari_transition_new:
 * @from: the state left
 * @to: the state entered
 * @reason: (nullable): why
 * @time_usec: when, µs since the epoch
 *
 * Returns: (transfer full): a new #KariTransition
 */
KariTransition *
kari_transition_new (KariState   from,
                     KariState   to,
                     const char *reason,
                     gint64      time_usec)
{
  KariTransition *self = g_new0 (KariTransition, 1);

  self->from = from;
  self->to = to;
  self->reason = g_strdup (reason);
  self->time_usec = time_usec;
  return self;
}

/**
 * kari_transition_copy:
 * @self: a #KariTransition
 *
 * Returns: (transfer full): a deep copy of @self
 */
KariTransition *
kari_transition_copy (const KariTransition *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return kari_transition_new (self->from, self->to, self->reason, self->time_usec);
}

/**
 * kari_transition_free:
 * @self: (nullable): a #KariTransition
 *
 * Frees @self and its reason.
 */
void
kari_transition_free (KariTransition *self)
{
  if (self == NULL)
    return;
  g_free (self->reason);
  g_free (self);
}

/**
 * kari_transition_is_crash_loop:
 * @self: a #KariTransition
 *
 * Crashed → disabled is the supervisor switching an extension off after
 * a crash loop, and nothing else: a person's switch goes through
 * stopping or stopped first (kari_supervisor_stop_async()).
 *
 * Returns: whether @self is a supervisor's crash-loop switch-off
 */
gboolean
kari_transition_is_crash_loop (const KariTransition *self)
{
  return self->from == KARI_STATE_CRASHED && self->to == KARI_STATE_DISABLED;
}

/**
 * kari_transition_is_run_failure:
 * @self: a #KariTransition
 *
 * A move to failed from a state in which the extension was on (enabled,
 * starting, running, stopping, crashed): a start refused, no handshake
 * in time, or (from enabled) a dependency that went missing while it was
 * switched on. A move to failed from installed or disabled is the
 * catalog finding a dependency missing of one that was off: not a run.
 *
 * Returns: whether @self is the failure of an extension that was on
 */
gboolean
kari_transition_is_run_failure (const KariTransition *self)
{
  return self->to == KARI_STATE_FAILED
         && (self->from == KARI_STATE_ENABLED
             || self->from == KARI_STATE_STARTING || self->from == KARI_STATE_RUNNING
             || self->from == KARI_STATE_STOPPING || self->from == KARI_STATE_CRASHED);
}

/* The catalog's way back from failed (kari_catalog_sync()) is
 * bookkeeping, not something a person did. */
static gboolean
is_recovery (const KariTransition *t)
{
  return (t->from == KARI_STATE_FAILED && t->to == KARI_STATE_VALIDATED)
         || (t->from == KARI_STATE_VALIDATED && t->to == KARI_STATE_RESOLVED)
         || (t->from == KARI_STATE_RESOLVED && t->to == KARI_STATE_INSTALLED);
}

/**
 * kari_lifecycle_find_failure:
 * @history: (element-type KariTransition): a state history, oldest first
 *   (kari_registry_get_history())
 *
 * Finds what to remember of the last run: its failure
 * (kari_transition_is_run_failure()) or its crash loop
 * (kari_transition_is_crash_loop()), when that is the newest move other
 * than the catalog's walk back from failed to installed. Any other move
 * since (enabled, a start, an update) clears it.
 *
 * Returns: (transfer none) (nullable): the transition in @history, or
 *   %NULL when the last run did not fail or someone acted since
 */
const KariTransition *
kari_lifecycle_find_failure (GPtrArray *history)
{
  for (guint i = history != NULL ? history->len : 0; i > 0; i--)
    {
      const KariTransition *t = g_ptr_array_index (history, i - 1);

      if (kari_transition_is_run_failure (t) || kari_transition_is_crash_loop (t))
        return t;
      if (!is_recovery (t))
        return NULL;
    }
  return NULL;
}
