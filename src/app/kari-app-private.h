/* kari-app-private.h — what the Control Room's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kari-app-host.h"

G_BEGIN_DECLS

#define KARI_APP_ID "io.github.kari.ControlRoom"

/* The pages of the window; each has its template in the GResource. */
#define KARI_TYPE_INSTALLED_PAGE (kari_installed_page_get_type ())
G_DECLARE_FINAL_TYPE (KariInstalledPage, kari_installed_page, KARI, INSTALLED_PAGE, AdwBin)
void        kari_installed_page_set_host    (KariInstalledPage   *self,
                                             KariAppHost         *host);
guint       kari_installed_page_get_n_shown (KariInstalledPage   *self);
GtkEditable *kari_installed_page_get_search (KariInstalledPage   *self);

#define KARI_TYPE_DETAILS_PAGE (kari_details_page_get_type ())
G_DECLARE_FINAL_TYPE (KariDetailsPage, kari_details_page, KARI, DETAILS_PAGE, AdwBin)
void        kari_details_page_set_host      (KariDetailsPage     *self,
                                             KariAppHost         *host);
void        kari_details_page_set_extension (KariDetailsPage     *self,
                                             KariAppExtension    *extension);
KariAppExtension *kari_details_page_get_extension (KariDetailsPage *self);
AdwMessageDialog *kari_details_page_confirm_remove (KariDetailsPage *self);

#define KARI_TYPE_PERMISSIONS_PAGE (kari_permissions_page_get_type ())
G_DECLARE_FINAL_TYPE (KariPermissionsPage, kari_permissions_page, KARI, PERMISSIONS_PAGE, AdwBin)
void        kari_permissions_page_set_host  (KariPermissionsPage *self,
                                             KariAppHost         *host);
void        kari_permissions_page_reload    (KariPermissionsPage *self);

#define KARI_TYPE_ACTIVITY_PAGE (kari_activity_page_get_type ())
G_DECLARE_FINAL_TYPE (KariActivityPage, kari_activity_page, KARI, ACTIVITY_PAGE, AdwBin)
void        kari_activity_page_set_host     (KariActivityPage    *self,
                                             KariAppHost         *host);
void        kari_activity_page_reload       (KariActivityPage    *self);
guint       kari_activity_page_get_n_shown  (KariActivityPage    *self);
gboolean    kari_activity_page_export_to    (KariActivityPage    *self,
                                             GFile               *file,
                                             KariAuditFormat      format,
                                             GError             **error);

#define KARI_TYPE_HEALTH_PAGE (kari_health_page_get_type ())
G_DECLARE_FINAL_TYPE (KariHealthPage, kari_health_page, KARI, HEALTH_PAGE, AdwBin)
void        kari_health_page_set_host       (KariHealthPage      *self,
                                             KariAppHost         *host);

/* A bar graph of recent samples, drawn with GtkSnapshot. */
#define KARI_TYPE_USAGE_GRAPH (kari_usage_graph_get_type ())
G_DECLARE_FINAL_TYPE (KariUsageGraph, kari_usage_graph, KARI, USAGE_GRAPH, GtkWidget)
GtkWidget  *kari_usage_graph_new            (void);
void        kari_usage_graph_set_values     (KariUsageGraph      *self,
                                             const double        *values,
                                             guint                n_values,
                                             double               max);
guint       kari_usage_graph_get_n_values   (KariUsageGraph      *self);

/* The run-time permission prompt, as a dialog over the window. */
#define KARI_TYPE_DIALOG_AGENT (kari_dialog_agent_get_type ())
G_DECLARE_FINAL_TYPE (KariDialogAgent, kari_dialog_agent, KARI, DIALOG_AGENT, GObject)
KariPromptAgent *kari_dialog_agent_new      (GtkApplication      *application);
AdwMessageDialog *kari_dialog_agent_get_dialog (KariDialogAgent  *self);
guint       kari_dialog_agent_get_n_prompts (KariDialogAgent     *self);

/* An extension's preferences, generated from its config.schema. */
#define KARI_TYPE_CONFIG_PAGE (kari_config_page_get_type ())
G_DECLARE_FINAL_TYPE (KariConfigPage, kari_config_page, KARI, CONFIG_PAGE, AdwPreferencesPage)
GtkWidget  *kari_config_page_new            (KariAppHost         *host,
                                             KariAppExtension    *extension,
                                             GError             **error);
void        kari_config_page_reload         (KariConfigPage      *self);
KariConfig *kari_config_page_get_config     (KariConfigPage      *self);
GtkWidget  *kari_config_page_get_row        (KariConfigPage      *self,
                                             const char          *pointer);
const char *kari_config_page_get_message    (KariConfigPage      *self,
                                             const char          *pointer);
gboolean    kari_config_page_is_storing    (KariConfigPage      *self);
GtkWidget  *kari_details_page_open_preferences (KariDetailsPage  *self);

/* kari-tenants-dialog.c: Manage Tenants. */
char       *kari_tenant_id_from_name        (const char          *name);
GtkWidget  *kari_tenants_dialog_new         (GtkWindow           *parent,
                                             KariAppHost         *host);
AdwMessageDialog *kari_tenants_dialog_confirm_delete (GtkWidget  *dialog,
                                             const char          *tenant);

/* kari-extension-page.c: what a sidebar page of an extension shows. Its
 * error state's second button opens the extension's details. */
#define KARI_EXTENSION_PAGE_DETAILS_ID "kari-page-details"
GtkWidget  *kari_extension_page_new         (KariAppHost         *host,
                                             KariAppExtension    *extension,
                                             const KariAppPage   *page);

/* kari-window-sidebar.c: the sidebar's rows. */
char       *kari_sidebar_page_id            (KariAppExtension    *extension,
                                             const KariAppPage   *page);
GtkWidget  *kari_sidebar_page_icon_new      (const char          *icon);
GtkWidget  *kari_sidebar_row_new            (const char          *id,
                                             const char          *group,
                                             const char          *title,
                                             GtkWidget           *icon);
const char *kari_sidebar_row_get_page       (GtkListBoxRow       *row);
void        kari_sidebar_header             (GtkListBoxRow       *row,
                                             GtkListBoxRow       *before,
                                             gpointer             user_data);

/* kari-app-util.c */
void        kari_app_toast                  (GtkWidget           *widget,
                                             const char          *message);
char       *kari_app_format_time            (gint64               usec);
char       *kari_app_format_ago             (gint64               usec);
char       *kari_app_sentence               (char                *words);
char       *kari_app_format_bytes           (guint64              bytes);
GtkWidget  *kari_app_state_label_new        (void);
void        kari_app_state_label_update     (GtkWidget           *label,
                                             KariState            state);
void        kari_app_set_tooltip_text       (GtkWidget           *widget,
                                             const char          *text);
void        kari_app_set_enabled            (GtkWidget           *widget,
                                             KariAppHost         *host,
                                             KariAppExtension    *extension,
                                             gboolean             enabled);

G_END_DECLS
