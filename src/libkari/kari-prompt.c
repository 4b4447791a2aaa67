/* kari-prompt.c — who asks the person, and the agent for when nobody can
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-prompt.h"

/**
 * kari_prompt_request_copy:
 * @self: a #KariPromptRequest
 *
 * Returns: (transfer full): a deep copy of @self
 */
KariPromptRequest *
kari_prompt_request_copy (const KariPromptRequest *self)
{
  KariPromptRequest *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (KariPromptRequest, 1);
  copy->extension = g_strdup (self->extension);
  copy->display_name = g_strdup (self->display_name);
  copy->tenant = g_strdup (self->tenant);
  copy->user = g_strdup (self->user);
  copy->permission = g_strdup (self->permission);
  copy->resource = g_strdup (self->resource);
  copy->description = g_strdup (self->description);
  return copy;
}

/**
 * kari_prompt_request_free:
 * @self: (nullable): a #KariPromptRequest
 *
 * Frees @self and its strings.
 */
void
kari_prompt_request_free (KariPromptRequest *self)
{
  if (self == NULL)
    return;
  g_free (self->extension);
  g_free (self->display_name);
  g_free (self->tenant);
  g_free (self->user);
  g_free (self->permission);
  g_free (self->resource);
  g_free (self->description);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (KariPromptRequest, kari_prompt_request,
                     kari_prompt_request_copy, kari_prompt_request_free)

G_DEFINE_INTERFACE (KariPromptAgent, kari_prompt_agent, G_TYPE_OBJECT)

static void
kari_prompt_agent_default_init (KariPromptAgentInterface *iface)
{
}

/**
 * kari_prompt_agent_prompt_async:
 * @self: a #KariPromptAgent
 * @request: what to show; the agent copies what it keeps
 * @cancellable: (nullable): cancels the prompt (the engine does so when it
 *   times out or nobody waits any more)
 * @callback: called with the answer
 * @user_data: closure for @callback
 *
 * Asks the person. The callback runs on the thread-default main context
 * of the caller.
 */
void
kari_prompt_agent_prompt_async (KariPromptAgent         *self,
                                const KariPromptRequest *request,
                                GCancellable            *cancellable,
                                GAsyncReadyCallback      callback,
                                gpointer                 user_data)
{
  g_return_if_fail (KARI_IS_PROMPT_AGENT (self));
  g_return_if_fail (request != NULL);

  KARI_PROMPT_AGENT_GET_IFACE (self)->prompt_async (self, request, cancellable, callback, user_data);
}

/**
 * kari_prompt_agent_prompt_finish:
 * @self: a #KariPromptAgent
 * @result: the result given to the callback
 * @until_usec: (out) (optional): for %KARI_PROMPT_UNTIL, the wall-clock end
 * @error: set when the prompt failed or was cancelled
 *
 * Returns: the answer; %KARI_PROMPT_DENY with @error set on failure
 */
KariPromptAnswer
kari_prompt_agent_prompt_finish (KariPromptAgent  *self,
                                 GAsyncResult     *result,
                                 gint64           *until_usec,
                                 GError          **error)
{
  gint64 until = 0;
  KariPromptAnswer answer;

  g_return_val_if_fail (KARI_IS_PROMPT_AGENT (self), KARI_PROMPT_DENY);

  answer = KARI_PROMPT_AGENT_GET_IFACE (self)->prompt_finish (self, result, &until, error);
  if (until_usec != NULL)
    *until_usec = until;
  return answer;
}

/* ------------------------------------------------------------------ */

struct _KariHeadlessAgent
{
  GObject          parent_instance;
  KariPromptAnswer answer;
  gint64           until_usec;
  guint            n_prompts;   /* atomic: prompts may come from any thread */
};

static void kari_headless_agent_iface_init (KariPromptAgentInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KariHeadlessAgent, kari_headless_agent, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KARI_TYPE_PROMPT_AGENT,
                                                      kari_headless_agent_iface_init))

static void
kari_headless_agent_prompt_async (KariPromptAgent         *agent,
                                  const KariPromptRequest *request,
                                  GCancellable            *cancellable,
                                  GAsyncReadyCallback      callback,
                                  gpointer                 user_data)
{
  KariHeadlessAgent *self = KARI_HEADLESS_AGENT (agent);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kari_headless_agent_prompt_async);
  g_atomic_int_inc (&self->n_prompts);
  g_task_return_int (task, self->answer);
}

static KariPromptAnswer
kari_headless_agent_prompt_finish (KariPromptAgent  *agent,
                                   GAsyncResult     *result,
                                   gint64           *until_usec,
                                   GError          **error)
{
  KariHeadlessAgent *self = KARI_HEADLESS_AGENT (agent);
  gssize answer = g_task_propagate_int (G_TASK (result), error);

  if (answer < 0)
    return KARI_PROMPT_DENY;
  *until_usec = answer == KARI_PROMPT_UNTIL ? self->until_usec : 0;
  return (KariPromptAnswer) answer;
}

static void
kari_headless_agent_iface_init (KariPromptAgentInterface *iface)
{
  iface->prompt_async = kari_headless_agent_prompt_async;
  iface->prompt_finish = kari_headless_agent_prompt_finish;
}

static void
kari_headless_agent_class_init (KariHeadlessAgentClass *klass)
{
}

static void
kari_headless_agent_init (KariHeadlessAgent *self)
{
}

/**
 * kari_headless_agent_new:
 * @answer: what every prompt is answered
 * @until_usec: for %KARI_PROMPT_UNTIL, the wall-clock end of the grant
 *
 * An agent for when nobody can be asked: a service, a script, CI. It
 * answers at once, the same every time.
 *
 * Returns: (transfer full): a new agent
 */
KariPromptAgent *
kari_headless_agent_new (KariPromptAnswer answer,
                         gint64           until_usec)
{
  KariHeadlessAgent *self = g_object_new (KARI_TYPE_HEADLESS_AGENT, NULL);

  self->answer = answer;
  self->until_usec = until_usec;
  return KARI_PROMPT_AGENT (self);
}

/**
 * kari_headless_agent_get_n_prompts:
 * @self: a #KariHeadlessAgent
 *
 * Returns: how many prompts it has answered
 */
guint
kari_headless_agent_get_n_prompts (KariHeadlessAgent *self)
{
  g_return_val_if_fail (KARI_IS_HEADLESS_AGENT (self), 0);

  return (guint) g_atomic_int_get (&self->n_prompts);
}
