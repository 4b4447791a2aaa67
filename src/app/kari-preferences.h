/* kari-preferences.h — the Control Room's preferences window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWidget *kari_preferences_window_new (GtkApplication *application,
                                        GSettings      *settings);

G_END_DECLS
