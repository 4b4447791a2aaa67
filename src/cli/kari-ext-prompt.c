/* kari-ext-prompt.c — the terminal's answer to a permission prompt
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>

#include "kari-ext-private.h"

struct _KariExtTerminalAgent
{
  GObject           parent_instance;
  GDataInputStream *input;
};

static void kari_ext_terminal_agent_iface_init (KariPromptAgentInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KariExtTerminalAgent, kari_ext_terminal_agent, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KARI_TYPE_PROMPT_AGENT,
                                                      kari_ext_terminal_agent_iface_init))

/* What a person may type, and what it means. */
static const struct {
  const char       *words[3];
  KariPromptAnswer  answer;
  gint64            duration;
} answers[] = {
  { { "o", "once", NULL },       KARI_PROMPT_ONCE,    0 },
  { { "s", "session", NULL },    KARI_PROMPT_SESSION, 0 },
  { { "a", "always", NULL },     KARI_PROMPT_ALWAYS,  0 },
  { { "h", "hour", NULL },       KARI_PROMPT_UNTIL,   G_TIME_SPAN_HOUR },
  { { "d", "deny", "" },         KARI_PROMPT_DENY,    0 },
};

typedef struct
{
  KariPromptAnswer answer;
  gint64           until_usec;
} Answer;

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, &error);
  Answer *answer = g_new0 (Answer, 1);

  /* End of input, or anything not understood, is a refusal. */
  answer->answer = KARI_PROMPT_DENY;
  if (line != NULL)
    {
      g_strstrip (line);
      for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
        for (guint w = 0; w < G_N_ELEMENTS (answers[i].words) && answers[i].words[w]; w++)
          if (g_ascii_strcasecmp (line, answers[i].words[w]) == 0)
            {
              answer->answer = answers[i].answer;
              if (answers[i].duration > 0)
                answer->until_usec = g_get_real_time () + answers[i].duration;
              goto found;
            }
      if (*line != '\0')
        fprintf (stderr, _("kari-ext: “%s” is not an answer; denied.\n"), line);
    }
found:
  g_task_return_pointer (task, answer, g_free);
}

static void
kari_ext_terminal_agent_prompt_async (KariPromptAgent         *agent,
                                      const KariPromptRequest *request,
                                      GCancellable            *cancellable,
                                      GAsyncReadyCallback      callback,
                                      gpointer                 user_data)
{
  KariExtTerminalAgent *self = KARI_EXT_TERMINAL_AGENT (agent);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  /* Every string here was escaped by the engine: what is shown is
   * exactly what will be granted. */
  fprintf (stderr, "\n");
  fprintf (stderr, _("%s (%s) asks to %s.\n"),
           request->display_name ? request->display_name : request->extension,
           request->extension, request->description);
  fprintf (stderr, _("  Permission: %s\n"), request->permission);
  if (request->resource != NULL)
    fprintf (stderr, _("  Resource:   %s\n"), request->resource);
  fprintf (stderr, _("  Tenant:     %s%s%s\n"), request->tenant,
           request->user ? _(", for user ") : "", request->user ? request->user : "");
  fprintf (stderr, "%s", _("Allow [o]nce, for this [s]ession, [a]lways, for an [h]our, or [d]eny? [d] "));
  fflush (stderr);

  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, cancellable,
                                       on_line_read, task);
}

static KariPromptAnswer
kari_ext_terminal_agent_prompt_finish (KariPromptAgent  *agent,
                                       GAsyncResult     *result,
                                       gint64           *until_usec,
                                       GError          **error)
{
  g_autofree Answer *answer = g_task_propagate_pointer (G_TASK (result), error);

  if (answer == NULL)
    return KARI_PROMPT_DENY;
  if (until_usec != NULL)
    *until_usec = answer->until_usec;
  return answer->answer;
}

static void
kari_ext_terminal_agent_iface_init (KariPromptAgentInterface *iface)
{
  iface->prompt_async = kari_ext_terminal_agent_prompt_async;
  iface->prompt_finish = kari_ext_terminal_agent_prompt_finish;
}

static void
kari_ext_terminal_agent_finalize (GObject *object)
{
  KariExtTerminalAgent *self = KARI_EXT_TERMINAL_AGENT (object);

  g_clear_object (&self->input);
  G_OBJECT_CLASS (kari_ext_terminal_agent_parent_class)->finalize (object);
}

static void
kari_ext_terminal_agent_class_init (KariExtTerminalAgentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_ext_terminal_agent_finalize;
}

static void
kari_ext_terminal_agent_init (KariExtTerminalAgent *self)
{
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (0, FALSE);

  self->input = g_data_input_stream_new (stdin_stream);
}

KariPromptAgent *
_kari_ext_terminal_agent_new (void)
{
  return g_object_new (KARI_EXT_TYPE_TERMINAL_AGENT, NULL);
}
