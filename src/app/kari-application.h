/* kari-application.h — the Control Room application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kari-app-host.h"

G_BEGIN_DECLS

#define KARI_TYPE_APPLICATION (kari_application_get_type ())
G_DECLARE_FINAL_TYPE (KariApplication, kari_application, KARI, APPLICATION, AdwApplication)

KariApplication *kari_application_new         (void);
KariAppHost     *kari_application_get_host    (KariApplication *self);
GSettings       *kari_application_get_settings (KariApplication *self);
KariPromptAgent *kari_application_get_prompt_agent (KariApplication *self);

G_END_DECLS
