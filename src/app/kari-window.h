/* kari-window.h — the Control Room's main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kari-app-host.h"

G_BEGIN_DECLS

#define KARI_TYPE_WINDOW (kari_window_get_type ())
G_DECLARE_FINAL_TYPE (KariWindow, kari_window, KARI, WINDOW, AdwApplicationWindow)

KariWindow *kari_window_new              (AdwApplication *application,
                                          KariAppHost    *host,
                                          GSettings      *settings);
void        kari_window_show_page        (KariWindow     *self,
                                          const char     *page);
const char *kari_window_get_page         (KariWindow     *self);
void        kari_window_show_details     (KariWindow     *self,
                                          const char     *extension);
GtkWidget  *kari_window_get_page_widget  (KariWindow     *self,
                                          const char     *page);
guint       kari_window_get_n_sidebar_rows (KariWindow   *self);
void        kari_window_add_toast        (KariWindow     *self,
                                          const char     *message);
void        kari_window_set_tenant       (KariWindow     *self,
                                          const char     *tenant);
GtkWidget  *kari_window_manage_tenants   (KariWindow     *self);
GMenuModel *kari_window_get_tenant_menu  (KariWindow     *self);

G_END_DECLS
