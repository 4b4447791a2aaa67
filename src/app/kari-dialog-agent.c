/* kari-dialog-agent.c — run-time permission prompts as a dialog over
 * the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine hands over a request whose every string it has escaped for
 * display; the dialog shows them as plain text (never markup), so what
 * a person reads is exactly what will be granted.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-private.h"

struct _KariDialogAgent
{
  GObject           parent_instance;
  GtkApplication   *application;   /* weak */
  AdwMessageDialog *dialog;        /* the one open, weak */
  guint             n_prompts;
};

static void kari_dialog_agent_iface_init (KariPromptAgentInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KariDialogAgent, kari_dialog_agent, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KARI_TYPE_PROMPT_AGENT, kari_dialog_agent_iface_init))

/* The answers, in the order the dialog offers them. */
static const struct {
  const char       *id;
  const char       *label;
  KariPromptAnswer  answer;
  gint64            duration;
} responses[] = {
  { "deny",    N_("_Deny"),             KARI_PROMPT_DENY,    0 },
  { "once",    N_("Allow _Once"),       KARI_PROMPT_ONCE,    0 },
  { "hour",    N_("For an _Hour"),      KARI_PROMPT_UNTIL,   G_TIME_SPAN_HOUR },
  { "session", N_("For This _Session"), KARI_PROMPT_SESSION, 0 },
  { "always",  N_("_Always Allow"),     KARI_PROMPT_ALWAYS,  0 },
};

typedef struct
{
  KariPromptAnswer answer;
  gint64           until_usec;
} Answer;

typedef struct
{
  GTask        *task;           /* until answered */
  GCancellable *cancellable;
  gulong        cancelled_id;
} Prompt;

/* Answers once: the first of a response and the dialog's end wins. */
static void
prompt_answer (Prompt     *prompt,
               const char *response)
{
  Answer *answer;

  if (prompt->task == NULL)
    return;
  answer = g_new0 (Answer, 1);
  /* Closing the dialog, or anything unknown, is a refusal. */
  answer->answer = KARI_PROMPT_DENY;
  for (guint i = 0; response != NULL && i < G_N_ELEMENTS (responses); i++)
    if (g_str_equal (response, responses[i].id))
      {
        answer->answer = responses[i].answer;
        if (responses[i].duration > 0)
          answer->until_usec = g_get_real_time () + responses[i].duration;
      }
  g_task_return_pointer (prompt->task, answer, g_free);
  g_clear_object (&prompt->task);
}

static void
prompt_free (Prompt *prompt)
{
  /* Never from inside the cancellable's own handler: the dialog is
   * closed from an idle (see on_cancelled). */
  if (prompt->cancellable != NULL)
    g_cancellable_disconnect (prompt->cancellable, prompt->cancelled_id);
  g_clear_object (&prompt->cancellable);
  g_clear_object (&prompt->task);
  g_free (prompt);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             Prompt           *prompt)
{
  prompt_answer (prompt, response);
}

/* A dialog destroyed unanswered (its window went) is a refusal. */
static void
on_destroy (GtkWidget *dialog,
            Prompt    *prompt)
{
  prompt_answer (prompt, NULL);
}

static gboolean
close_dialog (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

/* The engine gave up waiting (or the host is stopping): the dialog goes
 * and the answer is a cancellation, never a guess. Closed from an idle,
 * as this runs inside the cancellation. */
static void
on_cancelled (GCancellable     *cancellable,
              AdwMessageDialog *dialog)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, close_dialog, g_object_ref (dialog), g_object_unref);
}

static void
kari_dialog_agent_prompt_async (KariPromptAgent         *agent,
                                const KariPromptRequest *request,
                                GCancellable            *cancellable,
                                GAsyncReadyCallback      callback,
                                gpointer                 user_data)
{
  KariDialogAgent *self = KARI_DIALOG_AGENT (agent);
  GtkWindow *parent = self->application != NULL ? gtk_application_get_active_window (self->application) : NULL;
  const char *who = request->display_name != NULL && *request->display_name != '\0'
                    ? request->display_name : request->extension;
  g_autofree char *heading = g_strdup_printf (_("Allow %s to %s?"), who, request->description);
  g_autoptr(GString) body = g_string_new (NULL);
  Prompt *prompt = g_new0 (Prompt, 1);
  GtkWidget *dialog;

  prompt->task = g_task_new (self, cancellable, callback, user_data);
  prompt->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_task_set_source_tag (prompt->task, kari_dialog_agent_prompt_async);
  self->n_prompts++;

  g_string_append_printf (body, _("Extension: %s (%s)\n"), who, request->extension);
  g_string_append_printf (body, _("Permission: %s\n"), request->permission);
  if (request->resource != NULL)
    g_string_append_printf (body, _("Resource: %s\n"), request->resource);
  if (request->user != NULL)
    g_string_append_printf (body, _("Tenant: %s, for user %s"), request->tenant, request->user);
  else
    g_string_append_printf (body, _("Tenant: %s"), request->tenant);

  dialog = adw_message_dialog_new (parent, heading, body->str);
  for (guint i = 0; i < G_N_ELEMENTS (responses); i++)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), responses[i].id, _(responses[i].label));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "deny", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "deny");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "deny");
  gtk_window_set_modal (GTK_WINDOW (dialog), parent != NULL);
  g_object_set_data_full (G_OBJECT (dialog), "kari-prompt", prompt, (GDestroyNotify) prompt_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), prompt);
  g_signal_connect (dialog, "destroy", G_CALLBACK (on_destroy), prompt);
  if (cancellable != NULL)
    prompt->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), dialog, NULL);

  g_set_weak_pointer (&self->dialog, ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static KariPromptAnswer
kari_dialog_agent_prompt_finish (KariPromptAgent  *agent,
                                 GAsyncResult     *result,
                                 gint64           *until_usec,
                                 GError          **error)
{
  g_autofree Answer *answer = NULL;

  g_return_val_if_fail (g_task_is_valid (result, agent), KARI_PROMPT_DENY);

  /* A cancelled prompt propagates G_IO_ERROR_CANCELLED, whatever the
   * closed dialog answered. */
  answer = g_task_propagate_pointer (G_TASK (result), error);
  if (answer == NULL)
    return KARI_PROMPT_DENY;
  if (until_usec != NULL)
    *until_usec = answer->until_usec;
  return answer->answer;
}

static void
kari_dialog_agent_iface_init (KariPromptAgentInterface *iface)
{
  iface->prompt_async = kari_dialog_agent_prompt_async;
  iface->prompt_finish = kari_dialog_agent_prompt_finish;
}

/**
 * kari_dialog_agent_new:
 * @application: the application whose active window the dialogs are
 *   put over
 *
 * Returns: (transfer full): a prompt agent for
 *   kari_permission_engine_set_prompt_agent()
 */
KariPromptAgent *
kari_dialog_agent_new (GtkApplication *application)
{
  KariDialogAgent *self = g_object_new (KARI_TYPE_DIALOG_AGENT, NULL);

  g_set_weak_pointer (&self->application, application);
  return KARI_PROMPT_AGENT (self);
}

/**
 * kari_dialog_agent_get_dialog:
 *
 * Returns: (transfer none) (nullable): the prompt open now
 */
AdwMessageDialog *
kari_dialog_agent_get_dialog (KariDialogAgent *self)
{
  return self->dialog;
}

guint
kari_dialog_agent_get_n_prompts (KariDialogAgent *self)
{
  return self->n_prompts;
}

static void
kari_dialog_agent_finalize (GObject *object)
{
  KariDialogAgent *self = KARI_DIALOG_AGENT (object);

  g_clear_weak_pointer (&self->application);
  g_clear_weak_pointer (&self->dialog);
  G_OBJECT_CLASS (kari_dialog_agent_parent_class)->finalize (object);
}

static void
kari_dialog_agent_class_init (KariDialogAgentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_dialog_agent_finalize;
}

static void
kari_dialog_agent_init (KariDialogAgent *self)
{
}
