/* test-app-start.c — what the Control Room leaves for after its first
 * frame still comes, and the first frame lacks nothing it shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window builds at start only what its first frame shows (the
 * Installed rows on screen; no menu popover, no status page) and the
 * rest later. These tests run the real window under Xvfb with sixty
 * extensions and check both halves: the first frame's list has no gap
 * at its bottom, and then every extension gets its row; the menus, the
 * tooltips and the status pages are there when a person reaches them.
 */
#include "config.h"

#include <string.h>

#include "kari-app-private.h"
#include "kari-test-ui.h"
#include "kari-window.h"

#define N_EXTENSIONS 60

static char *test_root;
static AdwApplication *app;
/* See test-app-window.c: stopped without g_test_dbus_down(). */
static GTestDBus *bus;

typedef struct
{
  KariAppHost *host;
  GSettings   *settings;
  KariWindow  *window;
} Ui;

static void
ui_open (Ui *ui)
{
  g_autoptr(GError) error = NULL;

  ui->host = kari_app_host_new ("default", &error);
  g_assert_no_error (error);
  ui->settings = g_settings_new (KARI_APP_ID);
  g_settings_set_string (ui->settings, "last-page", "installed");
  ui->window = kari_window_new (app, ui->host, ui->settings);
  gtk_window_present (GTK_WINDOW (ui->window));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui->window)));
}

static void
ui_close (Ui *ui)
{
  gtk_window_close (GTK_WINDOW (ui->window));
  kari_test_ui_settle ();
  g_clear_object (&ui->settings);
  g_clear_object (&ui->host);
}

static void
install_extensions (void)
{
  g_autofree char *root = g_build_filename (g_get_user_data_dir (), "kari", "extensions", NULL);

  for (guint i = 0; i < N_EXTENSIONS; i++)
    {
      g_autofree char *name = g_strdup_printf ("start-%02u", i);
      g_autofree char *extra = g_strdup_printf ("\"display_name\": \"Start Extension %02u\",\n"
                                                "  \"type\": \"addon\",\n"
                                                "  \"ui\": { \"pages\": [ { \"name\": \"Page %02u\", "
                                                "\"path\": \"/p%02u\" } ] }", i, i, i);

      g_free (kari_test_write_extension (root, name, name, "1.0.0", extra));
    }
}

/* The Installed list, which the window has made at start. */
static GtkWidget *
installed_list (KariWindow *window)
{
  GtkWidget *list = kari_test_ui_find (kari_window_get_page_widget (window, "installed"), GTK_TYPE_LIST_VIEW,
                                       NULL, NULL);

  if (list == NULL)
    g_error ("Installed has no list");
  return list;
}

/* @widget, which must have been found. */
static GtkWidget *
found (GtkWidget  *widget,
       const char *what)
{
  if (widget == NULL)
    g_error ("%s was not found", what);
  return widget;
}

static guint
count_rows (GtkWidget *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

static gboolean
widget_name_is (GtkWidget     *widget,
                gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static gboolean
menu_button_with_icon (GtkWidget     *widget,
                       gconstpointer  icon)
{
  return g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)), icon) == 0;
}

/* The first frame fills the list's height; every extension gets its
 * row after it, and rows are not made twice. */
static void
test_installed_rows (void)
{
  Ui ui = { 0 };
  GtkWidget *list;
  GtkAdjustment *adjustment;
  guint first_frame;
  gint64 deadline;

  ui_open (&ui);
  g_assert_cmpstr (kari_window_get_page (ui.window), ==, "installed");
  list = installed_list (ui.window);
  g_assert_cmpuint (g_list_model_get_n_items (kari_app_host_get_extensions (ui.host)), ==, N_EXTENSIONS);

  /* Only what fits was made for the first frame… */
  first_frame = count_rows (list);
  g_assert_cmpuint (first_frame, >, 0);
  g_assert_cmpuint (first_frame, <, N_EXTENSIONS);
  /* …and it fills the list: no gap below the last row. */
  {
    graphene_rect_t bounds;

    g_assert_true (gtk_widget_compute_bounds (gtk_widget_get_last_child (list), list, &bounds));
    g_assert_cmpfloat (bounds.origin.y + bounds.size.height, >=, gtk_widget_get_height (list));
  }
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));

  /* The others come in idles after it. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (count_rows (list) < N_EXTENSIONS && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count_rows (list), ==, N_EXTENSIONS);
  for (guint i = 0; i < N_EXTENSIONS; i++)
    {
      g_autofree char *name = g_strdup_printf ("start-%02u", i);
      GtkWidget *row = found (kari_test_ui_find (list, GTK_TYPE_BOX, widget_name_is, name), name);
      GtkWidget *toggle = found (kari_test_ui_find (row, GTK_TYPE_SWITCH, NULL, NULL), "its switch");

      g_assert_cmpstr (gtk_widget_get_tooltip_text (toggle), ==, "Switch the extension on or off in this tenant");
      g_assert_true (gtk_widget_get_visible (toggle));
    }

  /* Scrolled to its end, the list shows its last extension. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  {
    GtkWidget *last = found (kari_test_ui_find (list, GTK_TYPE_BOX, widget_name_is, "start-59"), "start-59");
    graphene_rect_t bounds;

    g_assert_true (gtk_widget_compute_bounds (last, list, &bounds));
    g_assert_cmpfloat (bounds.origin.y, >=, 0);
    g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (list));
  }
  ui_close (&ui);
}

/* A page left before its first frame still gets all its rows. */
static void
test_installed_left_early (void)
{
  g_autoptr(GError) error = NULL;
  Ui ui = { 0 };
  GtkWidget *list;
  gint64 deadline;

  ui.host = kari_app_host_new ("default", &error);
  g_assert_no_error (error);
  ui.settings = g_settings_new (KARI_APP_ID);
  g_settings_set_string (ui.settings, "last-page", "installed");
  ui.window = kari_window_new (app, ui.host, ui.settings);
  gtk_window_present (GTK_WINDOW (ui.window));
  list = installed_list (ui.window);
  g_assert_cmpuint (count_rows (list), <, N_EXTENSIONS);
  kari_window_show_page (ui.window, "health");
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  g_assert_cmpstr (kari_window_get_page (ui.window), ==, "health");

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (count_rows (list) < N_EXTENSIONS && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count_rows (list), ==, N_EXTENSIONS);
  ui_close (&ui);
}

/* The main menu and the tenant menu are made as they open, and the
 * header's buttons and the sidebar's rows keep their tooltips. */
static void
test_menus_and_tooltips (void)
{
  Ui ui = { 0 };
  GtkWidget *primary, *tenant;
  GMenuModel *menu;
  g_autofree char *label = NULL;
  guint n_sidebar_rows = 0;

  ui_open (&ui);
  primary = kari_test_ui_find (GTK_WIDGET (ui.window), GTK_TYPE_MENU_BUTTON, menu_button_with_icon,
                               "open-menu-symbolic");
  g_assert_nonnull (primary);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (primary), ==, "Main Menu");
  g_assert_true (gtk_widget_get_sensitive (primary));
  gtk_menu_button_popup (GTK_MENU_BUTTON (primary));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (primary));
  g_assert_nonnull (menu);
  g_assert_nonnull (gtk_menu_button_get_popover (GTK_MENU_BUTTON (primary)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (primary)))));
  /* Its one section: Reload Extensions, Preferences, Help, About. */
  menu = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  g_assert_nonnull (menu);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 4);
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_ACTION, "s", &label));
  g_assert_cmpstr (label, ==, "app.reload");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (primary));
  g_object_unref (menu);

  tenant = kari_test_ui_find (GTK_WIDGET (ui.window), GTK_TYPE_MENU_BUTTON, menu_button_with_icon, NULL);
  g_assert_nonnull (tenant);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (tenant), ==, "Tenant");
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (tenant)), ==, "Default");
  gtk_menu_button_popup (GTK_MENU_BUTTON (tenant));
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  g_assert_nonnull (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (tenant)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (tenant)))));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (tenant));

  /* Every sidebar row says its page's name as its tooltip. */
  for (GtkWidget *row = gtk_widget_get_first_child (kari_test_ui_find (GTK_WIDGET (ui.window), GTK_TYPE_LIST_BOX,
                                                                       NULL, NULL));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row))
      {
        GtkWidget *title = kari_test_ui_find (row, GTK_TYPE_LABEL, NULL, NULL);

        g_assert_cmpstr (gtk_widget_get_tooltip_text (row), ==, gtk_label_get_text (GTK_LABEL (title)));
        g_assert_true (gtk_widget_get_visible (row));
        n_sidebar_rows++;
      }
  g_assert_cmpuint (n_sidebar_rows, ==, kari_window_get_n_sidebar_rows (ui.window));
  ui_close (&ui);
}

/* The status pages of Installed are made when first shown. */
static void
test_status_pages (void)
{
  Ui ui = { 0 };
  KariInstalledPage *page;
  AdwStatusPage *status;
  gint64 deadline;

  ui_open (&ui);
  page = KARI_INSTALLED_PAGE (kari_window_get_page_widget (ui.window, "installed"));
  g_assert_null (kari_test_ui_find (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, NULL, NULL));

  gtk_editable_set_text (kari_installed_page_get_search (page), "nothing matches this");
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (kari_installed_page_get_n_shown (page) != 0 && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_true (kari_test_ui_wait_for_frame (GTK_WIDGET (ui.window)));
  g_assert_true (kari_test_ui_status_shown (GTK_WIDGET (ui.window), "No Results"));
  status = ADW_STATUS_PAGE (kari_test_ui_find (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE,
                                               kari_test_ui_status_title_is, "No Results"));
  g_assert_cmpstr (adw_status_page_get_description (status), ==,
                   "No installed extension matches the search. Try another word.");
  g_assert_cmpstr (adw_status_page_get_icon_name (status), ==, "edit-find-symbolic");
  /* The empty state is not made while there are extensions. */
  g_assert_null (kari_test_ui_find (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE,
                                    kari_test_ui_status_title_is, "No Extensions"));
  gtk_editable_set_text (kari_installed_page_get_search (page), "");
  ui_close (&ui);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  kari_test_gtk_ensure_display (argc, argv);
  test_root = g_dir_make_tmp ("kari-app-start-XXXXXX", &error);
  g_assert_no_error (error);
  kari_test_ui_setup_env (test_root);

  g_test_init (&argc, &argv, NULL);
  app = kari_test_ui_app_start (KARI_APP_ID, &bus);
  install_extensions ();

  g_test_add_func ("/app/start/installed-rows", test_installed_rows);
  g_test_add_func ("/app/start/installed-left-early", test_installed_left_early);
  g_test_add_func ("/app/start/menus-and-tooltips", test_menus_and_tooltips);
  g_test_add_func ("/app/start/status-pages", test_status_pages);
  status = g_test_run ();

  g_clear_object (&app);
  g_test_dbus_stop (bus);
  kari_test_rm_rf (test_root);
  g_free (test_root);
  return status;
}
