/* kari-prompt.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * KariPromptAnswer:
 * @KARI_PROMPT_DENY: refuse
 * @KARI_PROMPT_ONCE: allow this one time
 * @KARI_PROMPT_SESSION: allow until the host exits
 * @KARI_PROMPT_ALWAYS: allow until revoked
 * @KARI_PROMPT_UNTIL: allow until a time (an hour, say)
 */
typedef enum
{
  KARI_PROMPT_DENY,
  KARI_PROMPT_ONCE,
  KARI_PROMPT_SESSION,
  KARI_PROMPT_ALWAYS,
  KARI_PROMPT_UNTIL,
} KariPromptAnswer;

#define KARI_TYPE_PROMPT_REQUEST (kari_prompt_request_get_type ())

/**
 * KariPromptRequest:
 * @extension: the extension's name, escaped for display
 * @display_name: its display name, escaped for display
 * @tenant: the tenant
 * @user: (nullable): the user it acts for
 * @permission: the exact permission that will be granted, escaped
 * @resource: (nullable): the concrete resource, escaped
 * @description: the permission in plain words, escaped
 *
 * What a prompt shows. Every string has had control characters, bidi
 * overrides and NULs escaped, and the grant made from the answer is
 * exactly @permission.
 */
typedef struct
{
  char *extension;
  char *display_name;
  char *tenant;
  char *user;
  char *permission;
  char *resource;
  char *description;
} KariPromptRequest;

GType              kari_prompt_request_get_type (void) G_GNUC_CONST;
KariPromptRequest *kari_prompt_request_copy     (const KariPromptRequest *self);
void               kari_prompt_request_free     (KariPromptRequest       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariPromptRequest, kari_prompt_request_free)

#define KARI_TYPE_PROMPT_AGENT (kari_prompt_agent_get_type ())
G_DECLARE_INTERFACE (KariPromptAgent, kari_prompt_agent, KARI, PROMPT_AGENT, GObject)

/**
 * KariPromptAgentInterface:
 * @prompt_async: show @request and answer when the person does
 * @prompt_finish: the answer; for %KARI_PROMPT_UNTIL, @until_usec is set
 *
 * Who asks the person: a dialog in the app, the terminal in kari-ext, a
 * fixed answer when nobody can be asked.
 */
struct _KariPromptAgentInterface
{
  GTypeInterface parent_iface;

  void             (*prompt_async)  (KariPromptAgent          *self,
                                     const KariPromptRequest  *request,
                                     GCancellable             *cancellable,
                                     GAsyncReadyCallback       callback,
                                     gpointer                  user_data);
  KariPromptAnswer (*prompt_finish) (KariPromptAgent          *self,
                                     GAsyncResult             *result,
                                     gint64                   *until_usec,
                                     GError                  **error);
};

void             kari_prompt_agent_prompt_async  (KariPromptAgent          *self,
                                                  const KariPromptRequest  *request,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
KariPromptAnswer kari_prompt_agent_prompt_finish (KariPromptAgent          *self,
                                                  GAsyncResult             *result,
                                                  gint64                   *until_usec,
                                                  GError                  **error);

#define KARI_TYPE_HEADLESS_AGENT (kari_headless_agent_get_type ())
G_DECLARE_FINAL_TYPE (KariHeadlessAgent, kari_headless_agent, KARI, HEADLESS_AGENT, GObject)

KariPromptAgent *kari_headless_agent_new       (KariPromptAnswer answer,
                                                gint64           until_usec);
guint            kari_headless_agent_get_n_prompts (KariHeadlessAgent *self);

G_END_DECLS
