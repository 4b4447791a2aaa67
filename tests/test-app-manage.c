/* test-app-manage.c — tenants, generated preferences and removal in the
 * Control Room's real window, under Xvfb, with a real keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * gnome-keyring-daemon runs on the test's private session bus
 * (kari-test-keyring.h), so secrets set on the preferences page go to a
 * real keyring and never to the person's own.
 */
#include "config.h"

#include <string.h>

#include "kari-app-private.h"
#include "kari-test-keyring.h"
#include "kari-test-ui.h"
#include "kari-window.h"

#define SECRET "hunter2-Kari-secret"

static char *test_root;
static AdwApplication *app;
static GTestDBus *bus;
static gboolean have_keyring;

static const char crm_extra[] =
  "\"display_name\": \"Customer Records\",\n"
  "  \"permissions\": [\"network:http:*.example.com\", \"secrets\"],\n"
  "  \"config\": {\n"
  "    \"schema\": {\n"
  "      \"type\": \"object\",\n"
  "      \"properties\": {\n"
  "        \"model\": { \"type\": \"string\", \"title\": \"Model\", \"minLength\": 3, \"default\": \"distilgpt2\" },\n"
  "        \"verbose\": { \"type\": \"boolean\", \"title\": \"Verbose Logs\", \"default\": false },\n"
  "        \"max_tokens\": { \"type\": \"integer\", \"title\": \"Maximum Tokens\", \"minimum\": 16, \"maximum\": 4096 },\n"
  "        \"colour\": { \"title\": \"Colour\", \"oneOf\": [ { \"const\": \"red\", \"title\": \"Red\" },\n"
  "                                                   { \"const\": \"blue\", \"title\": \"Blue\" } ] },\n"
  "        \"api_key\": { \"type\": \"string\", \"title\": \"API Key\", \"writeOnly\": true, \"minLength\": 4 },\n"
  "        \"proxy\": { \"type\": \"object\", \"title\": \"Proxy\", \"properties\": {\n"
  "          \"host\": { \"type\": \"string\", \"title\": \"Host\" },\n"
  "          \"port\": { \"type\": \"integer\", \"title\": \"Port\", \"minimum\": 1, \"maximum\": 65535 } } }\n"
  "      }\n"
  "    },\n"
  "    \"defaults\": { \"max_tokens\": 512 }\n"
  "  },\n"
  "  \"ui\": { \"pages\": [ { \"name\": \"Records\", \"path\": \"/records\" } ] }";

/* kari_test_ui_find() in a widget that may not have been found. */
static GtkWidget *
find (GtkWidget *root,
      GType      type,
      gboolean (*match) (GtkWidget *widget, gconstpointer data),
      gconstpointer data)
{
  return root != NULL ? kari_test_ui_find (root, type, match, data) : NULL;
}

typedef struct
{
  KariAppHost *host;
  GSettings   *settings;
  KariWindow  *window;
} Ui;

static void
install (const char *name,
         const char *extra)
{
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
  g_autofree char *dir = g_build_filename (folder, name, NULL);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_free (kari_test_write_extension (folder, name, name, "1.0.0", extra));
}

static void
ui_open (Ui *ui)
{
  g_autoptr(GError) error = NULL;

  install ("crm", crm_extra);
  ui->settings = g_settings_new (KARI_APP_ID);
  ui->host = kari_app_host_new ("default", &error);
  g_assert_no_error (error);
  ui->window = kari_window_new (app, ui->host, ui->settings);
  gtk_window_present (GTK_WINDOW (ui->window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui->window)));
}

static void
ui_close (Ui *ui)
{
  gtk_window_destroy (GTK_WINDOW (ui->window));
  kari_test_ui_settle ();
  kari_app_host_stop_all (ui->host);
  g_clear_object (&ui->settings);
  g_clear_object (&ui->host);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kari_app_host_set_enabled_finish (KARI_APP_HOST (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
set_enabled (Ui         *ui,
             const char *name,
             gboolean    enabled)
{
  gboolean done = FALSE;

  kari_app_host_set_enabled_async (ui->host, kari_app_host_lookup (ui->host, name), enabled, NULL, on_done, &done);
  g_assert_true (kari_test_wait_for (&done, 30));
  kari_test_ui_settle ();
}

static void
on_tenant_changed (KariAppHost *host,
                   const char  *tenant,
                   gboolean    *changed)
{
  *changed = TRUE;
}

static void
switch_tenant (Ui         *ui,
               const char *tenant)
{
  gboolean changed = FALSE;
  gulong id = g_signal_connect (ui->host, "tenant-changed", G_CALLBACK (on_tenant_changed), &changed);

  /* As the header bar's menu does it. */
  g_action_group_activate_action (G_ACTION_GROUP (ui->window), "tenant", g_variant_new_string (tenant));
  g_assert_true (kari_test_wait_for (&changed, 30));
  g_signal_handler_disconnect (ui->host, id);
  kari_test_ui_settle ();
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui->window)));
  g_assert_cmpstr (kari_app_host_get_tenant (ui->host), ==, tenant);
}

static gboolean
widget_name_is (GtkWidget     *widget,
                gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static gboolean
installed_switch_on (Ui         *ui,
                     const char *name)
{
  GtkWidget *page = kari_window_get_page_widget (ui->window, "installed");
  GtkWidget *row = find (page, GTK_TYPE_BOX, widget_name_is, name);

  g_assert_nonnull (row);
  return gtk_switch_get_active (GTK_SWITCH (find (row, GTK_TYPE_SWITCH, NULL, NULL)));
}

static gboolean
switch_of_row_with (GtkWidget     *widget,
                    gconstpointer  text)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW);
  const char *subtitle = row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;

  return subtitle != NULL && strstr (subtitle, text) != NULL;
}

static gboolean
menu_button_label_is (GtkWidget     *widget,
                      gconstpointer  label)
{
  return g_strcmp0 (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)), label) == 0;
}

static gboolean
network_granted_shown (Ui *ui)
{
  GtkWidget *details;
  GtkWidget *toggle;

  kari_window_show_details (ui->window, "crm");
  kari_test_ui_settle ();
  details = kari_window_get_page_widget (ui->window, "details");
  toggle = find (details, GTK_TYPE_SWITCH, switch_of_row_with, "network:http:*.example.com");
  g_assert_nonnull (toggle);
  return gtk_switch_get_active (GTK_SWITCH (toggle));
}

static void
test_switch_tenant (void)
{
  Ui ui = { 0 };
  KariRegistry *registry;
  KariAppExtension *crm;
  g_autoptr(KariTenant) acme = NULL;
  g_autoptr(KariGrant) grant = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;

  ui_open (&ui);
  registry = kari_app_host_get_registry (ui.host);
  acme = kari_registry_create_tenant (registry, "acme", "Acme Corp", &error);
  g_assert_no_error (error);
  crm = kari_app_host_lookup (ui.host, "crm");
  kari_window_show_page (ui.window, "installed");

  /* On in default: its page is in the sidebar, its switch on. */
  set_enabled (&ui, "crm", TRUE);
  g_assert_cmpuint (kari_window_get_n_sidebar_rows (ui.window), ==, 5);
  g_assert_true (installed_switch_on (&ui, "crm"));
  grant = kari_permission_engine_grant (kari_app_host_get_engine (ui.host), kari_app_host_get_user (ui.host),
                                        "default", "crm", NULL, "network:http:*.example.com",
                                        KARI_SCOPE_PERSISTENT, 0, &error);
  g_assert_no_error (error);
  g_assert_true (network_granted_shown (&ui));

  /* In acme, switched off there: its page and switch follow, and the
   * grant of default is not acme's. */
  switch_tenant (&ui, "acme");
  {
    g_autofree char *saved = g_settings_get_string (ui.settings, "tenant");
    g_assert_cmpstr (saved, ==, "acme");
  }
  g_assert_false (network_granted_shown (&ui));
  /* The header bar names the tenant; Permissions lists acme's grants:
   * none. */
  g_assert_nonnull (find (GTK_WIDGET (ui.window), GTK_TYPE_MENU_BUTTON, menu_button_label_is, "Acme Corp"));
  kari_window_show_page (ui.window, "permissions");
  kari_test_ui_settle ();
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  g_assert_true (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "No Permissions Granted"));
  kari_window_show_page (ui.window, "installed");
  set_enabled (&ui, "crm", FALSE);
  g_assert_false (kari_app_extension_get_active (crm));
  g_assert_false (installed_switch_on (&ui, "crm"));
  g_assert_cmpuint (kari_window_get_n_sidebar_rows (ui.window), ==, 4);
  g_assert_false (kari_registry_is_enabled (registry, "crm", "acme", NULL));
  /* Still on in default, so not disabled as a whole. */
  g_assert_true (kari_registry_is_enabled (registry, "crm", "default", NULL));
  g_assert_cmpint (kari_app_extension_get_state (crm), ==, KARI_STATE_ENABLED);

  /* Back in default it is on again, page and all. */
  switch_tenant (&ui, "default");
  g_assert_true (kari_app_extension_get_active (crm));
  g_assert_true (installed_switch_on (&ui, "crm"));
  g_assert_cmpuint (kari_window_get_n_sidebar_rows (ui.window), ==, 5);
  g_assert_true (network_granted_shown (&ui));
  g_assert_nonnull (find (GTK_WIDGET (ui.window), GTK_TYPE_MENU_BUTTON, menu_button_label_is, "Default"));
  kari_window_show_page (ui.window, "permissions");
  kari_test_ui_settle ();
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  g_assert_false (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "No Permissions Granted"));

  /* The details page's menu switches it on for every tenant. */
  g_assert_true (gtk_widget_activate_action (kari_window_get_page_widget (ui.window, "details"),
                                             "details.every-tenant", "b", TRUE));
  kari_test_ui_settle ();
  g_assert_true (kari_registry_is_enabled (registry, "crm", "acme", NULL));
  switch_tenant (&ui, "acme");
  g_assert_true (kari_app_extension_get_active (crm));

  /* A tenant that does not exist is refused, and nothing changes. */
  kari_window_set_tenant (ui.window, "no-such-tenant");
  kari_test_ui_settle ();
  g_assert_cmpstr (kari_app_host_get_tenant (ui.host), ==, "acme");
  switch_tenant (&ui, "default");

  /* The menu lists the tenants by name. */
  {
    g_autoptr(GMenuModel) menu = kari_window_get_tenant_menu (ui.window);
    GMenuModel *tenants = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
    g_autofree char *label = NULL;

    g_assert_cmpint (g_menu_model_get_n_items (tenants), ==, 2);
    g_assert_true (g_menu_model_get_item_attribute (tenants, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));
    g_assert_cmpstr (label, ==, "Acme Corp");
    g_object_unref (tenants);
  }

  kept = g_settings_get_string (ui.settings, "tenant");
  g_assert_cmpstr (kept, ==, "default");

  /* A host opens in the tenant it is given; one deleted since (by
   * kari-ext) is the default tenant. */
  {
    g_autoptr(KariAppHost) in_acme = kari_app_host_new ("acme", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (kari_app_host_get_tenant (in_acme), ==, "acme");
    /* Switched on for every tenant above. */
    g_assert_true (kari_app_extension_get_active (kari_app_host_lookup (in_acme, "crm")));
  }
  g_assert_true (kari_removal_delete_tenant (registry, "acme", NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(KariAppHost) gone = kari_app_host_new ("acme", &error);
    KariWindow *window;
    g_autofree char *saved = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (kari_app_host_get_tenant (gone), ==, "default");
    /* A window on it keeps the tenant it really works in. */
    g_settings_set_string (ui.settings, "tenant", "acme");
    window = kari_window_new (app, gone, ui.settings);
    saved = g_settings_get_string (ui.settings, "tenant");
    g_assert_cmpstr (saved, ==, "default");
    gtk_window_destroy (GTK_WINDOW (window));
  }
  ui_close (&ui);
}

static gboolean
has_error_class (GtkWidget *widget)
{
  return gtk_widget_has_css_class (widget, "error");
}

static gboolean
is_error_label (GtkWidget     *widget,
                gconstpointer  data)
{
  return gtk_widget_has_css_class (widget, "error");
}

static gboolean
label_text_is (GtkWidget     *widget,
               gconstpointer  text)
{
  return g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
button_icon_is (GtkWidget     *widget,
                gconstpointer  icon)
{
  return g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon) == 0;
}

static void
test_manage_tenants (void)
{
  Ui ui = { 0 };
  KariRegistry *registry;
  GtkWidget *dialog, *create, *row, *remove;
  AdwMessageDialog *confirm;
  g_autoptr(KariTenant) tenant = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = g_build_filename (g_get_user_data_dir (), "kari", "data", "north-east", "crm", NULL);
  g_autofree char *body = NULL;

  ui_open (&ui);
  registry = kari_app_host_get_registry (ui.host);
  dialog = kari_window_manage_tenants (ui.window);
  g_assert_true (kari_test_ui_wait_for_frame (dialog));

  /* Created from a name; the id is made from it. */
  create = find (dialog, ADW_TYPE_ENTRY_ROW, widget_name_is, "new-tenant");
  g_assert_nonnull (create);
  gtk_editable_set_text (GTK_EDITABLE (create), "North East");
  g_signal_emit_by_name (create, "apply");
  tenant = kari_registry_lookup_tenant (registry, "north-east", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tenant->display_name, ==, "North East");
  g_clear_pointer (&tenant, kari_tenant_free);
  g_assert_false (has_error_class (create));

  /* The same again is refused, inline. */
  gtk_editable_set_text (GTK_EDITABLE (create), "North-East");
  g_signal_emit_by_name (create, "apply");
  g_assert_true (has_error_class (create));
  gtk_editable_set_text (GTK_EDITABLE (create), "?!");
  g_signal_emit_by_name (create, "apply");
  g_assert_true (has_error_class (create));
  {
    g_autoptr(GPtrArray) tenants = kari_registry_list_tenants (registry, NULL);
    g_assert_cmpuint (tenants->len, ==, 2);
  }

  /* Renamed in its row; the id stays. */
  row = find (dialog, ADW_TYPE_ENTRY_ROW, widget_name_is, "tenant-north-east");
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), "North-East Region");
  g_signal_emit_by_name (row, "apply");
  tenant = kari_registry_lookup_tenant (registry, "north-east", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tenant->display_name, ==, "North-East Region");
  g_clear_pointer (&tenant, kari_tenant_free);

  /* The tenant the window is in cannot be deleted; another can. */
  row = find (dialog, ADW_TYPE_ENTRY_ROW, widget_name_is, "tenant-default");
  remove = find (row, GTK_TYPE_BUTTON, button_icon_is, "user-trash-symbolic");
  g_assert_nonnull (remove);
  g_assert_false (gtk_widget_get_sensitive (remove));
  row = find (dialog, ADW_TYPE_ENTRY_ROW, widget_name_is, "tenant-north-east");
  remove = find (row, GTK_TYPE_BUTTON, button_icon_is, "user-trash-symbolic");
  g_assert_nonnull (remove);
  g_assert_true (gtk_widget_get_sensitive (remove));

  /* Deleted after a confirmation naming its data, which goes with it. */
  g_free (kari_test_write (data, "notes.txt", "kept in north-east"));
  confirm = kari_tenants_dialog_confirm_delete (dialog, "north-east");
  g_object_get (confirm, "body", &body, NULL);
  g_assert_nonnull (strstr (body, "north-east"));
  g_assert_nonnull (strstr (body, "secrets"));
  adw_message_dialog_response (confirm, "cancel");
  g_assert_nonnull ((tenant = kari_registry_lookup_tenant (registry, "north-east", NULL)));
  g_clear_pointer (&tenant, kari_tenant_free);
  confirm = kari_tenants_dialog_confirm_delete (dialog, "north-east");
  adw_message_dialog_response (confirm, "delete");
  tenant = kari_registry_lookup_tenant (registry, "north-east", &error);
  g_assert_null (tenant);
  g_assert_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (data, G_FILE_TEST_EXISTS));
  g_assert_null (find (dialog, ADW_TYPE_ENTRY_ROW, widget_name_is, "tenant-north-east"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_close (&ui);
}

/* Changes are stored off the main loop: waits until the page's are. */
static void
wait_stored (KariConfigPage *page)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (kari_config_page_is_storing (page) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (kari_config_page_is_storing (page));
}

static KariConfigPage *
open_preferences (Ui         *ui,
                  GtkWidget **window)
{
  KariDetailsPage *details;

  kari_window_show_details (ui->window, "crm");
  kari_test_ui_settle ();
  details = KARI_DETAILS_PAGE (kari_window_get_page_widget (ui->window, "details"));
  *window = kari_details_page_open_preferences (details);
  g_assert_nonnull (*window);
  g_assert_true (kari_test_ui_wait_for_frame (*window));
  return KARI_CONFIG_PAGE (find (*window, KARI_TYPE_CONFIG_PAGE, NULL, NULL));
}

/* What is stored, read by a KariConfig of its own. */
static char *
stored_value (Ui         *ui,
              const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariConfig) config = kari_config_new (kari_app_host_get_registry (ui->host),
                                                  kari_app_extension_get_manifest (kari_app_host_lookup (ui->host, "crm")),
                                                  "default", &error);
  g_autoptr(JsonNode) value = NULL;

  g_assert_no_error (error);
  value = kari_config_get_value (config, key, FALSE, &error);
  g_assert_no_error (error);
  return value != NULL ? json_to_string (value, FALSE) : NULL;
}

static char *
stored_document (Ui *ui)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariConfig) config = kari_config_new (kari_app_host_get_registry (ui->host),
                                                  kari_app_extension_get_manifest (kari_app_host_lookup (ui->host, "crm")),
                                                  "default", &error);
  g_autoptr(JsonNode) doc = kari_config_get (config, FALSE, &error);

  g_assert_no_error (error);
  return json_to_string (doc, FALSE);
}

static void
test_preferences (void)
{
  Ui ui = { 0 };
  GtkWidget *window, *row, *group, *label;
  KariConfigPage *page;
  GtkSpinButton *spin;
  GtkAdjustment *adjustment;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *value = NULL;

  ui_open (&ui);
  page = open_preferences (&ui, &window);
  g_assert_nonnull (page);

  /* A widget per kind, with the schema's titles and limits. */
  row = kari_config_page_get_row (page, "/verbose");
  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Verbose Logs");
  g_assert_nonnull (find (row, GTK_TYPE_SWITCH, NULL, NULL));
  spin = GTK_SPIN_BUTTON (find (kari_config_page_get_row (page, "/max_tokens"), GTK_TYPE_SPIN_BUTTON, NULL, NULL));
  adjustment = gtk_spin_button_get_adjustment (spin);
  g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, 16);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, 4096);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 512);
  g_assert_true (ADW_IS_COMBO_ROW (kari_config_page_get_row (page, "/colour")));
  /* Not set and without a default: no choice shown as made. */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (kari_config_page_get_row (page, "/colour"))), ==,
                    GTK_INVALID_LIST_POSITION);
  g_assert_true (ADW_IS_ENTRY_ROW (kari_config_page_get_row (page, "/model")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kari_config_page_get_row (page, "/model"))), ==, "distilgpt2");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (kari_config_page_get_row (page, "/api_key")));
  /* A nested object is a group of its own. */
  group = gtk_widget_get_ancestor (kari_config_page_get_row (page, "/proxy/port"), ADW_TYPE_PREFERENCES_GROUP);
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==, "Proxy");

  /* Valid changes are stored at once. */
  gtk_switch_set_active (GTK_SWITCH (find (row, GTK_TYPE_SWITCH, NULL, NULL)), TRUE);
  wait_stored (page);
  value = stored_value (&ui, "/verbose");
  g_assert_cmpstr (value, ==, "true");
  g_clear_pointer (&value, g_free);
  gtk_spin_button_set_value (spin, 1024);
  wait_stored (page);
  value = stored_value (&ui, "/max_tokens");
  g_assert_cmpstr (value, ==, "1024");
  g_clear_pointer (&value, g_free);
  adw_combo_row_set_selected (ADW_COMBO_ROW (kari_config_page_get_row (page, "/colour")), 1);
  wait_stored (page);
  value = stored_value (&ui, "/colour");
  g_assert_cmpstr (value, ==, "\"blue\"");
  g_clear_pointer (&value, g_free);
  row = kari_config_page_get_row (page, "/proxy/host");
  gtk_editable_set_text (GTK_EDITABLE (row), "proxy.example.com");
  g_signal_emit_by_name (row, "apply");
  wait_stored (page);
  value = stored_value (&ui, "proxy.host");
  g_assert_cmpstr (value, ==, "\"proxy.example.com\"");
  g_clear_pointer (&value, g_free);

  /* An invalid one is refused: nothing written, the message inline
   * under its group, the row marked. */
  before = stored_document (&ui);
  row = kari_config_page_get_row (page, "/model");
  gtk_editable_set_text (GTK_EDITABLE (row), "ab");
  g_signal_emit_by_name (row, "apply");
  wait_stored (page);
  after = stored_document (&ui);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (has_error_class (row));
  g_assert_nonnull (kari_config_page_get_message (page, "/model"));
  g_assert_nonnull (strstr (kari_config_page_get_message (page, "/model"), "/model"));
  group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
  label = find (group, GTK_TYPE_LABEL, is_error_label, NULL);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, kari_config_page_get_message (page, "/model"));
  /* Corrected, it is stored and the message goes. */
  gtk_editable_set_text (GTK_EDITABLE (row), "gpt-small");
  g_signal_emit_by_name (row, "apply");
  wait_stored (page);
  g_assert_false (has_error_class (row));
  g_assert_null (kari_config_page_get_message (page, "/model"));
  g_assert_false (gtk_widget_get_visible (label));
  value = stored_value (&ui, "/model");
  g_assert_cmpstr (value, ==, "\"gpt-small\"");
  g_clear_pointer (&value, g_free);

  /* Reset to Defaults forgets it all. */
  g_signal_emit_by_name (find (window, GTK_TYPE_BUTTON, widget_name_is, "reset"), "clicked");
  wait_stored (page);
  value = stored_value (&ui, "/model");
  g_assert_cmpstr (value, ==, "\"distilgpt2\"");
  g_clear_pointer (&value, g_free);
  value = stored_value (&ui, "/max_tokens");
  g_assert_cmpstr (value, ==, "512");
  g_clear_pointer (&value, g_free);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (find (kari_config_page_get_row (page, "/verbose"),
                                                                        GTK_TYPE_SWITCH, NULL, NULL))));

  gtk_window_destroy (GTK_WINDOW (window));
  ui_close (&ui);
}

static void
test_preferences_secret (void)
{
  Ui ui = { 0 };
  GtkWidget *window, *row;
  KariConfigPage *page;
  g_autoptr(JsonNode) secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *doc = NULL;

  if (!have_keyring)
    {
      g_test_skip ("gnome-keyring-daemon could not be started here");
      return;
    }
  ui_open (&ui);
  page = open_preferences (&ui, &window);
  row = kari_config_page_get_row (page, "/api_key");
  g_assert_false (kari_config_secret_is_set (kari_config_page_get_config (page), "/api_key", NULL));

  /* Too short: refused, not in the keyring. */
  gtk_editable_set_text (GTK_EDITABLE (row), "abc");
  g_signal_emit_by_name (row, "apply");
  wait_stored (page);
  g_assert_true (has_error_class (row));
  g_assert_false (kari_config_secret_is_set (kari_config_page_get_config (page), "/api_key", NULL));

  /* Set: in the keyring, never in the registry, and the entry does not
   * show it again. */
  gtk_editable_set_text (GTK_EDITABLE (row), SECRET);
  g_signal_emit_by_name (row, "apply");
  wait_stored (page);
  g_assert_false (has_error_class (row));
  g_assert_true (kari_config_secret_is_set (kari_config_page_get_config (page), "/api_key", NULL));
  secret = kari_config_get_value (kari_config_page_get_config (page), "/api_key", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (secret), ==, SECRET);
  doc = stored_document (&ui);
  g_assert_null (strstr (doc, SECRET));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  /* It says it is set, not what it is. */
  g_assert_nonnull (find (row, GTK_TYPE_LABEL, label_text_is, "Set"));

  /* Reset to Defaults takes it out of the keyring. */
  g_signal_emit_by_name (find (window, GTK_TYPE_BUTTON, widget_name_is, "reset"), "clicked");
  wait_stored (page);
  g_assert_false (kari_config_secret_is_set (kari_config_page_get_config (page), "/api_key", NULL));
  g_clear_pointer (&secret, json_node_unref);
  secret = kari_config_get_value (kari_config_page_get_config (page), "/api_key", TRUE, &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_close (&ui);
}

static gboolean
button_label_is (GtkWidget     *widget,
                 gconstpointer  label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
remove_through_dialog (Ui         *ui,
                       const char *name,
                       const char *response)
{
  KariDetailsPage *details;
  AdwMessageDialog *confirm;
  gint64 deadline;

  kari_window_show_details (ui->window, name);
  kari_test_ui_settle ();
  details = KARI_DETAILS_PAGE (kari_window_get_page_widget (ui->window, "details"));
  confirm = kari_details_page_confirm_remove (details);
  adw_message_dialog_response (confirm, response);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (kari_app_host_lookup (ui->host, name) != NULL && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_null (kari_app_host_lookup (ui->host, name));
  kari_test_ui_settle ();
}

static void
test_remove (void)
{
  Ui ui = { 0 };
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);
  g_autofree char *doomed_dir = g_build_filename (folder, "doomed", NULL);
  g_autofree char *kept_dir = g_build_filename (folder, "kept", NULL);
  g_autofree char *doomed_data = g_build_filename (g_get_user_data_dir (), "kari", "data", "default", "doomed", NULL);
  g_autofree char *kept_data = g_build_filename (g_get_user_data_dir (), "kari", "data", "default", "kept", NULL);
  g_autofree char *body = NULL;
  g_autofree char *system_dir = g_build_filename (test_root, "share", "kari", "extensions", NULL);
  KariDetailsPage *details;
  AdwMessageDialog *confirm;
  g_autoptr(GError) error = NULL;

  g_free (kari_test_write_extension (system_dir, "system-wide", "system-wide", "1.0.0", NULL));
  install ("doomed", "\"display_name\": \"Doomed\"");
  install ("kept", "\"display_name\": \"Kept\"");
  g_free (kari_test_write (doomed_data, "notes.txt", "doomed"));
  g_free (kari_test_write (kept_data, "notes.txt", "kept"));
  ui_open (&ui);
  set_enabled (&ui, "doomed", TRUE);

  /* The confirmation says exactly what goes, and offers to keep data. */
  kari_window_show_details (ui.window, "doomed");
  kari_test_ui_settle ();
  details = KARI_DETAILS_PAGE (kari_window_get_page_widget (ui.window, "details"));
  confirm = kari_details_page_confirm_remove (details);
  g_object_get (confirm, "body", &body, NULL);
  for (guint i = 0; i < 7; i++)
    {
      const char *named[] = { doomed_dir, "doomed.sqlite", "data folders", "settings", "secrets", "logs", "metrics" };
      g_assert_nonnull (strstr (body, named[i]));
    }
  g_assert_true (adw_message_dialog_has_response (confirm, "keep-data"));
  /* Cancelled, nothing goes. */
  adw_message_dialog_response (confirm, "cancel");
  kari_test_ui_settle ();
  g_assert_nonnull (kari_app_host_lookup (ui.host, "doomed"));
  g_assert_true (g_file_test (doomed_dir, G_FILE_TEST_IS_DIR));

  /* Removed: its folder, its data and its registry rows go, and the
   * window goes back to Installed. */
  remove_through_dialog (&ui, "doomed", "remove");
  g_assert_false (g_file_test (doomed_dir, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (doomed_data, G_FILE_TEST_EXISTS));
  g_assert_null (kari_registry_lookup (kari_app_host_get_registry (ui.host), "doomed", &error));
  g_clear_error (&error);
  g_assert_cmpstr (kari_window_get_page (ui.window), ==, "installed");

  /* Keep Data keeps its data folder. */
  remove_through_dialog (&ui, "kept", "keep-data");
  g_assert_false (g_file_test (kept_dir, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept_data, G_FILE_TEST_IS_DIR));

  /* One installed by the system is not the person's to remove: the
   * button says why, and asking anyway is refused with nothing gone. */
  {
    KariAppExtension *system = kari_app_host_lookup (ui.host, "system-wide");
    g_autoptr(GAsyncResult) result = NULL;
    GtkWidget *remove;

    g_assert_nonnull (system);
    kari_window_show_details (ui.window, "system-wide");
    kari_test_ui_settle ();
    details = KARI_DETAILS_PAGE (kari_window_get_page_widget (ui.window, "details"));
    remove = find (GTK_WIDGET (details), GTK_TYPE_BUTTON, button_label_is, "_Remove…");
    g_assert_nonnull (remove);
    g_assert_false (gtk_widget_get_sensitive (remove));
    g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (remove), system_dir));
    kari_app_host_remove_async (ui.host, system, FALSE, NULL, store_result, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (kari_app_host_remove_finish (ui.host, result, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    {
      g_autofree char *manifest = g_build_filename (system_dir, "system-wide", "extension.json", NULL);
      g_assert_true (g_file_test (manifest, G_FILE_TEST_IS_REGULAR));
    }
    g_assert_nonnull (kari_app_host_lookup (ui.host, "system-wide"));
  }
  ui_close (&ui);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) keyring = NULL;
  g_autofree char *keyring_root = NULL;
  int status;

  kari_test_gtk_ensure_display (argc, argv);
  test_root = g_dir_make_tmp ("kari-app-manage-XXXXXX", &error);
  g_assert_no_error (error);
  kari_test_ui_setup_env (test_root);
  keyring_root = g_build_filename (test_root, "keyring", NULL);

  g_test_init (&argc, &argv, NULL);
  app = kari_test_ui_app_start (KARI_APP_ID, &bus);
  keyring = kari_test_start_keyring (keyring_root);
  have_keyring = keyring != NULL;

  g_test_add_func ("/app/manage/switch-tenant", test_switch_tenant);
  g_test_add_func ("/app/manage/tenants-dialog", test_manage_tenants);
  g_test_add_func ("/app/manage/preferences", test_preferences);
  g_test_add_func ("/app/manage/preferences-secret", test_preferences_secret);
  g_test_add_func ("/app/manage/remove", test_remove);
  status = g_test_run ();

  g_clear_object (&app);
  if (keyring != NULL)
    {
      g_subprocess_force_exit (keyring);
      g_subprocess_wait (keyring, NULL, NULL);
    }
  g_test_dbus_stop (bus);
  kari_test_rm_rf (test_root);
  g_free (test_root);
  return status;
}
