/* kari-lifecycle.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define KARI_LIFECYCLE_ERROR (kari_lifecycle_error_quark ())

/**
 * KariLifecycleError:
 * @KARI_LIFECYCLE_ERROR_INVALID_TRANSITION: the state machine does not allow the move
 * @KARI_LIFECYCLE_ERROR_UNKNOWN_STATE: a state name that does not exist
 */
typedef enum
{
  KARI_LIFECYCLE_ERROR_INVALID_TRANSITION,
  KARI_LIFECYCLE_ERROR_UNKNOWN_STATE,
} KariLifecycleError;

/**
 * KariState:
 *
 * Where an extension is in its life. The main line is
 * discovered → validated → resolved → installed → enabled → starting →
 * running → stopping → stopped; failed, crashed, disabled and updating
 * branch off it.
 */
typedef enum
{
  KARI_STATE_DISCOVERED,
  KARI_STATE_VALIDATED,
  KARI_STATE_RESOLVED,
  KARI_STATE_INSTALLED,
  KARI_STATE_ENABLED,
  KARI_STATE_STARTING,
  KARI_STATE_RUNNING,
  KARI_STATE_STOPPING,
  KARI_STATE_STOPPED,
  KARI_STATE_FAILED,
  KARI_STATE_CRASHED,
  KARI_STATE_DISABLED,
  KARI_STATE_UPDATING,
} KariState;

#define KARI_STATE_LAST (KARI_STATE_UPDATING + 1)

/**
 * KariTransition:
 * @from: the state left
 * @to: the state entered
 * @reason: why, in words a person can read
 * @time_usec: wall-clock time of the move, microseconds since the epoch
 *
 * One recorded move of the state machine.
 */
typedef struct
{
  KariState  from;
  KariState  to;
  char      *reason;
  gint64     time_usec;
} KariTransition;

#define KARI_TYPE_TRANSITION (kari_transition_get_type ())

GQuark          kari_lifecycle_error_quark  (void);
const char     *kari_state_to_string        (KariState             state);
gboolean        kari_state_from_string      (const char           *name,
                                             KariState            *state,
                                             GError              **error);
gboolean        kari_lifecycle_check        (KariState             from,
                                             KariState             to,
                                             GError              **error);
gboolean        kari_lifecycle_is_allowed   (KariState             from,
                                             KariState             to);
gboolean        kari_lifecycle_check_removal (KariState            state,
                                             GError              **error);

GType           kari_transition_get_type    (void) G_GNUC_CONST;
KariTransition *kari_transition_new         (KariState             from,
                                             KariState             to,
                                             const char           *reason,
                                             gint64                time_usec);
KariTransition *kari_transition_copy        (const KariTransition *self);
void            kari_transition_free        (KariTransition       *self);
gboolean        kari_transition_is_crash_loop (const KariTransition *self);
gboolean        kari_transition_is_run_failure (const KariTransition *self);
const KariTransition *kari_lifecycle_find_failure (GPtrArray       *history);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariTransition, kari_transition_free)

G_END_DECLS
