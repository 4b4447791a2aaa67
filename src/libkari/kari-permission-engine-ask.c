/* kari-permission-engine-ask.c — asking the person, once per burst
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Identical requests waiting at the same time share one Pending and so
 * one prompt. Whatever ends the prompt first (the answer, the timeout,
 * the last waiter giving up) marks it done under prompt_lock and takes
 * its waiters; the others find it done and do nothing.
 */
#include "config.h"

#include "kari-permission-engine-private.h"

typedef struct
{
  gatomicrefcount       ref;
  KariPermissionEngine *engine;
  char                 *key;
  KariCheck             check;       /* owned copies */
  guint                 generation;
  guint64               grant_generation;
  GPtrArray            *waiters;     /* GTask* */
  GCancellable         *cancellable; /* cancels the agent's prompt */
  GSource              *timeout;
  gboolean              done;
} Pending;

typedef struct
{
  KariCheck check;                   /* owned copies */
  gulong    cancel_id;
} Waiter;

typedef struct
{
  KariVerdict verdict;
  char       *decided_by;
} Outcome;

static void ask (KariPermissionEngine *self, GTask *task);

static void
check_copy (KariCheck       *dest,
            const KariCheck *src)
{
  dest->tenant = g_strdup (src->tenant != NULL ? src->tenant : "default");
  dest->user = g_strdup (src->user);
  dest->extension = g_strdup (src->extension);
  dest->permission = g_strdup (src->permission != NULL ? src->permission : "");
}

static void
check_clear (KariCheck *check)
{
  g_free ((char *) check->tenant);
  g_free ((char *) check->user);
  g_free ((char *) check->extension);
  g_free ((char *) check->permission);
}

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  check_clear (&waiter->check);
  g_free (waiter);
}

static void
outcome_free (gpointer data)
{
  Outcome *outcome = data;

  g_free (outcome->decided_by);
  g_free (outcome);
}

static Pending *
pending_ref (Pending *pending)
{
  g_atomic_ref_count_inc (&pending->ref);
  return pending;
}

static void
pending_unref (Pending *pending)
{
  if (!g_atomic_ref_count_dec (&pending->ref))
    return;
  g_free (pending->key);
  check_clear (&pending->check);
  g_ptr_array_unref (pending->waiters);
  g_clear_object (&pending->cancellable);
  if (pending->timeout != NULL)
    g_source_unref (pending->timeout);
  g_object_unref (pending->engine);
  g_free (pending);
}

void
_kari_permission_engine_pending_free (gpointer data)
{
  pending_unref (data);
}

/* NUL can appear in none of the parts, so it separates them safely. */
static char *
pending_key (const KariCheck *check)
{
  GString *key = g_string_new (check->tenant);

  g_string_append_c (key, '\x1f');
  if (check->user != NULL)
    g_string_append (key, check->user);
  g_string_append_c (key, '\x1e');
  g_string_append (key, check->extension);
  g_string_append_c (key, '\x1f');
  g_string_append (key, check->permission);
  return g_string_free (key, FALSE);
}

/* Ends one waiter. Never called with prompt_lock held: the callback may
 * run at once, and disconnecting waits for a running cancel handler. */
static void
finish (GTask      *task,
        KariVerdict verdict,
        const char *decided_by,
        gboolean    audit)
{
  KariPermissionEngine *self = g_task_get_source_object (task);
  Waiter *waiter = g_task_get_task_data (task);
  Outcome *outcome = g_new0 (Outcome, 1);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (waiter->cancel_id != 0)
    g_cancellable_disconnect (cancellable, waiter->cancel_id);
  waiter->cancel_id = 0;

  if (audit)
    _kari_permission_engine_audit (self, KARI_AUDIT_CHECK, waiter->check.tenant, waiter->check.user,
                                   waiter->check.extension, waiter->check.permission,
                                   _kari_permission_resource_of (waiter->check.permission),
                                   verdict == KARI_VERDICT_ALLOW, FALSE, decided_by, NULL);
  outcome->verdict = verdict;
  outcome->decided_by = g_strdup (decided_by);
  g_task_return_pointer (task, outcome, outcome_free);
}

/* Marks @pending done and takes its waiters; NULL when it was done. */
static GPtrArray *
pending_take (KariPermissionEngine *self,
              Pending              *pending)
{
  GPtrArray *waiters = NULL;

  g_mutex_lock (&self->prompt_lock);
  if (!pending->done)
    {
      pending->done = TRUE;
      waiters = g_steal_pointer (&pending->waiters);
      pending->waiters = g_ptr_array_new_with_free_func (g_object_unref);
      if (g_hash_table_lookup (self->pending, pending->key) == pending)
        g_hash_table_remove (self->pending, pending->key);
    }
  g_mutex_unlock (&self->prompt_lock);

  if (waiters != NULL)
    {
      g_cancellable_cancel (pending->cancellable);
      if (pending->timeout != NULL)
        g_source_destroy (pending->timeout);
    }
  return waiters;
}

static void
finish_all (GPtrArray  *waiters,
            KariVerdict verdict,
            const char *decided_by)
{
  for (guint i = 0; i < waiters->len; i++)
    finish (g_ptr_array_index (waiters, i), verdict, decided_by, TRUE);
}

static gboolean
on_timeout (gpointer user_data)
{
  Pending *pending = user_data;
  g_autoptr(GPtrArray) waiters = pending_take (pending->engine, pending);

  if (waiters != NULL)
    finish_all (waiters, KARI_VERDICT_DENY, "prompt:timeout");
  return G_SOURCE_REMOVE;
}

static const struct
{
  KariPromptAnswer answer;
  KariScope        scope;
  const char      *decided_by;
} answers[] = {
  { KARI_PROMPT_ONCE,    KARI_SCOPE_ONCE,       "prompt:once" },
  { KARI_PROMPT_SESSION, KARI_SCOPE_SESSION,    "prompt:session" },
  { KARI_PROMPT_ALWAYS,  KARI_SCOPE_PERSISTENT, "prompt:always" },
  { KARI_PROMPT_UNTIL,   KARI_SCOPE_UNTIL,      "prompt:until" },
};

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Pending *pending = user_data;
  KariPermissionEngine *self = pending->engine;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiters = NULL;
  g_autoptr(KariGrant) grant = NULL;
  g_autofree char *granted_by = NULL;
  gint64 until_usec = 0;
  KariPromptAnswer answer;
  gboolean moved;
  guint i;

  answer = kari_prompt_agent_prompt_finish (KARI_PROMPT_AGENT (source), result, &until_usec, &error);
  waiters = pending_take (self, pending);
  if (waiters == NULL)
    goto out;   /* timed out, or nobody waits any more */
  if (error != NULL)
    {
      finish_all (waiters, KARI_VERDICT_DENY, "prompt:error");
      goto out;
    }

  /* The generation check and the grant happen under admin_lock, so a
   * revocation lands either before (and the answer is discarded) or
   * after (and revokes this grant too); one made by another process is
   * taken in first. */
  _kari_permission_engine_follow (self);
  g_mutex_lock (&self->admin_lock);
  moved = (guint) g_atomic_int_get (&self->generation) != pending->generation ||
          kari_grant_store_get_generation (self->grants) != pending->grant_generation;
  for (i = 0; i < G_N_ELEMENTS (answers) && answers[i].answer != answer; i++)
    ;
  if (!moved && i < G_N_ELEMENTS (answers))
    {
      granted_by = g_strconcat ("prompt:", pending->check.user != NULL ? pending->check.user
                                           : kari_roles_get_local_user (self->roles), NULL);
      grant = kari_grant_store_add (self->grants, pending->check.extension, pending->check.tenant,
                                    pending->check.user, pending->check.permission, answers[i].scope,
                                    until_usec, granted_by, &error);
      /* This answer is the one use of a once-grant. */
      if (grant != NULL && answers[i].scope == KARI_SCOPE_ONCE)
        kari_grant_store_revoke_id (self->grants, grant->id, NULL);
      _kari_permission_engine_bump (self);
    }
  g_mutex_unlock (&self->admin_lock);

  if (moved)
    {
      /* Something changed while the person looked: the question may no
       * longer be the right one. Ask the engine again. */
      for (guint j = 0; j < waiters->len; j++)
        ask (self, g_ptr_array_index (waiters, j));
    }
  else if (i == G_N_ELEMENTS (answers))
    finish_all (waiters, KARI_VERDICT_DENY, "prompt:deny");
  else if (grant == NULL)
    finish_all (waiters, KARI_VERDICT_DENY, "prompt:error");
  else
    {
      g_autofree char *grant_by = g_strdup_printf ("grant:%" G_GINT64_FORMAT, grant->id);

      _kari_permission_engine_audit (self, KARI_AUDIT_GRANT, pending->check.tenant, granted_by,
                                     pending->check.extension, pending->check.permission,
                                     _kari_permission_resource_of (pending->check.permission),
                                     TRUE, FALSE, grant_by, kari_scope_to_string (answers[i].scope));
      finish_all (waiters, KARI_VERDICT_ALLOW, answers[i].decided_by);
    }

out:
  pending_unref (pending);
}

static KariPromptRequest *
request_new (KariPermissionEngine *self,
             const KariCheck      *check)
{
  g_autoptr(Declared) declared = _kari_declared_lookup (self, check->extension);
  g_autofree char *description = kari_permission_describe (check->permission);
  const char *resource = _kari_permission_resource_of (check->permission);
  KariPromptRequest *request = g_new0 (KariPromptRequest, 1);

  request->extension = kari_permission_escape_for_display (check->extension);
  request->display_name = kari_permission_escape_for_display (
    declared != NULL && declared->display_name != NULL ? declared->display_name : check->extension);
  request->tenant = kari_permission_escape_for_display (check->tenant);
  request->user = check->user != NULL ? kari_permission_escape_for_display (check->user) : NULL;
  request->permission = kari_permission_escape_for_display (check->permission);
  request->resource = resource != NULL ? kari_permission_escape_for_display (resource) : NULL;
  request->description = kari_permission_escape_for_display (description);
  return request;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  KariPermissionEngine *self = g_task_get_source_object (task);
  Waiter *waiter = g_task_get_task_data (task);
  g_autofree char *key = pending_key (&waiter->check);
  Pending *pending;
  Pending *closed = NULL;
  gboolean found = FALSE;
  guint index;

  g_mutex_lock (&self->prompt_lock);
  pending = g_hash_table_lookup (self->pending, key);
  if (pending != NULL && !pending->done && g_ptr_array_find (pending->waiters, task, &index))
    {
      /* The list's reference is now ours, dropped below. */
      g_ptr_array_steal_index (pending->waiters, index);
      found = TRUE;
      if (pending->waiters->len == 0)
        {
          /* Nobody waits: close the prompt rather than leave it up. */
          pending->done = TRUE;
          closed = pending_ref (pending);
          g_hash_table_remove (self->pending, key);
        }
    }
  g_mutex_unlock (&self->prompt_lock);

  /* Outside the lock: cancelling may run the agent's callback at once. */
  if (closed != NULL)
    {
      g_cancellable_cancel (closed->cancellable);
      if (closed->timeout != NULL)
        g_source_destroy (closed->timeout);
      pending_unref (closed);
    }

  if (found)
    {
      /* Cannot disconnect from inside the handler; the task's own
       * cancellable check turns any result into the cancellation. */
      waiter->cancel_id = 0;
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);   /* the ref the waiters list held */
    }
}

static void
ask (KariPermissionEngine *self,
     GTask                *task)
{
  Waiter *waiter = g_task_get_task_data (task);
  g_auto(KariCheckResult) result = { KARI_VERDICT_DENY, FALSE, NULL };
  g_autofree char *shown = NULL;
  g_autofree char *key = NULL;
  g_autoptr(KariPromptRequest) request = NULL;
  g_autoptr(GMainContext) context = NULL;
  guint generation;
  guint64 grant_generation;
  KariPromptAgent *agent;
  Pending *pending;
  gboolean is_new = FALSE;

  /* Taken in before the generations are noted, so that the check below
   * does not move them and make the answer look stale */
  _kari_permission_engine_follow (self);
  generation = (guint) g_atomic_int_get (&self->generation);
  grant_generation = kari_grant_store_get_generation (self->grants);
  if (kari_permission_engine_check (self, &waiter->check, &result) != KARI_VERDICT_ASK)
    {
      finish (task, result.verdict, result.decided_by, FALSE);
      return;
    }
  /* What is granted is exactly what is shown; if showing it needed
   * escaping, the two would differ, so nothing is granted. */
  shown = kari_permission_escape_for_display (waiter->check.permission);
  if (g_strcmp0 (shown, waiter->check.permission) != 0)
    {
      finish (task, KARI_VERDICT_DENY, "invalid", TRUE);
      return;
    }

  key = pending_key (&waiter->check);
  g_mutex_lock (&self->prompt_lock);
  agent = self->agent != NULL ? g_object_ref (self->agent) : NULL;
  pending = agent != NULL ? g_hash_table_lookup (self->pending, key) : NULL;
  if (agent != NULL && pending == NULL)
    {
      is_new = TRUE;
      pending = g_new0 (Pending, 1);
      g_atomic_ref_count_init (&pending->ref);
      pending->engine = g_object_ref (self);
      pending->key = g_strdup (key);
      check_copy (&pending->check, &waiter->check);
      pending->generation = generation;
      pending->grant_generation = grant_generation;
      pending->waiters = g_ptr_array_new_with_free_func (g_object_unref);
      pending->cancellable = g_cancellable_new ();
      pending->timeout = g_timeout_source_new (self->prompt_timeout_ms);
      g_source_set_callback (pending->timeout, on_timeout, pending_ref (pending),
                             (GDestroyNotify) pending_unref);
      g_source_set_static_name (pending->timeout, "[kari] permission prompt timeout");
      g_hash_table_insert (self->pending, pending->key, pending);
    }
  if (pending != NULL)
    g_ptr_array_add (pending->waiters, g_object_ref (task));
  if (is_new)
    {
      context = g_main_context_ref_thread_default ();
      g_source_attach (pending->timeout, context);
      pending_ref (pending);   /* for on_answer */
    }
  g_mutex_unlock (&self->prompt_lock);

  if (agent == NULL)
    {
      finish (task, KARI_VERDICT_DENY, "prompt:no-agent", TRUE);
      return;
    }
  if (is_new)
    {
      request = request_new (self, &waiter->check);
      kari_prompt_agent_prompt_async (agent, request, pending->cancellable, on_answer, pending);
    }
  g_object_unref (agent);
}

/**
 * kari_permission_engine_check_async:
 * @self: a #KariPermissionEngine
 * @check: what is asked; copied
 * @cancellable: (nullable): gives up waiting
 * @callback: called with the decision
 * @user_data: closure for @callback
 *
 * Like kari_permission_engine_check(), but where the policy says ask,
 * the prompt agent asks the person. Identical requests waiting at the
 * same time share one prompt. An unanswered prompt is denied after the
 * prompt timeout; an answer given after the grants, policy or declared
 * permissions changed is discarded and the check made again.
 */
void
kari_permission_engine_check_async (KariPermissionEngine *self,
                                    const KariCheck      *check,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  Waiter *waiter;

  g_return_if_fail (KARI_IS_PERMISSION_ENGINE (self));
  g_return_if_fail (check != NULL && check->extension != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kari_permission_engine_check_async);
  waiter = g_new0 (Waiter, 1);
  check_copy (&waiter->check, check);
  g_task_set_task_data (task, waiter, waiter_free);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (cancellable != NULL)
    waiter->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                               g_object_ref (task), g_object_unref);
  if (g_cancellable_is_cancelled (cancellable))
    {
      /* Cancelled between the two lines above: the handler found no
       * prompt to leave, so end the task here. */
      g_cancellable_disconnect (cancellable, waiter->cancel_id);
      waiter->cancel_id = 0;
      g_task_return_error_if_cancelled (task);
      return;
    }
  ask (self, task);
}

/**
 * kari_permission_engine_check_finish:
 * @self: a #KariPermissionEngine
 * @result: the result given to the callback
 * @check_result: (out caller-allocates) (optional): the decision and who
 *   made it
 * @error: set when the check was cancelled
 *
 * Returns: the verdict: %KARI_VERDICT_ALLOW or %KARI_VERDICT_DENY
 */
KariVerdict
kari_permission_engine_check_finish (KariPermissionEngine  *self,
                                     GAsyncResult          *result,
                                     KariCheckResult       *check_result,
                                     GError               **error)
{
  Outcome *outcome;
  KariVerdict verdict;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), KARI_VERDICT_DENY);
  g_return_val_if_fail (g_task_is_valid (result, self), KARI_VERDICT_DENY);

  outcome = g_task_propagate_pointer (G_TASK (result), error);
  if (check_result != NULL)
    *check_result = (KariCheckResult) { KARI_VERDICT_DENY, FALSE, NULL };
  if (outcome == NULL)
    return KARI_VERDICT_DENY;
  verdict = outcome->verdict;
  if (check_result != NULL)
    {
      check_result->verdict = verdict;
      check_result->decided_by = g_steal_pointer (&outcome->decided_by);
    }
  outcome_free (outcome);
  return verdict;
}

/**
 * kari_permission_engine_set_prompt_agent:
 * @self: a #KariPermissionEngine
 * @agent: (nullable): who asks; %NULL denies whatever would be asked
 */
void
kari_permission_engine_set_prompt_agent (KariPermissionEngine *self,
                                         KariPromptAgent      *agent)
{
  g_return_if_fail (KARI_IS_PERMISSION_ENGINE (self));
  g_return_if_fail (agent == NULL || KARI_IS_PROMPT_AGENT (agent));

  g_mutex_lock (&self->prompt_lock);
  g_set_object (&self->agent, agent);
  g_mutex_unlock (&self->prompt_lock);
}

/**
 * kari_permission_engine_set_prompt_timeout:
 * @self: a #KariPermissionEngine
 * @timeout_ms: how long a prompt waits for an answer before it is
 *   denied (60 000 by default); applies to prompts opened afterwards
 */
void
kari_permission_engine_set_prompt_timeout (KariPermissionEngine *self,
                                           guint                 timeout_ms)
{
  g_return_if_fail (KARI_IS_PERMISSION_ENGINE (self));

  g_mutex_lock (&self->prompt_lock);
  self->prompt_timeout_ms = timeout_ms;
  g_mutex_unlock (&self->prompt_lock);
}
