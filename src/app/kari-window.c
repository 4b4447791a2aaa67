/* kari-window.c — the Control Room's main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A leaflet: the sidebar lists the pages enabled extensions declare,
 * grouped by extension, then Manage (Installed, Permissions, Activity,
 * Health); the content is a stack of those pages. Size, maximized and
 * the last page are kept in GSettings.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-private.h"
#include "kari-app-resources.h"
#include "kari-window.h"

struct _KariWindow
{
  AdwApplicationWindow  parent_instance;

  KariAppHost          *host;
  GSettings            *settings;
  guint                 rebuild_id;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkListBox           *sidebar_list;
  GtkWidget            *content;
  GtkButton            *back_button;
  GtkMenuButton        *tenant_button;
  GtkMenuButton        *primary_button;
  GMenuModel           *primary_menu;
  AdwWindowTitle       *content_title;
  GtkStack             *stack;
  KariInstalledPage    *installed_page;
  KariPermissionsPage  *permissions_page;
  KariActivityPage     *activity_page;
  KariHealthPage       *health_page;
  KariDetailsPage      *details_page;
};

G_DEFINE_FINAL_TYPE (KariWindow, kari_window, ADW_TYPE_APPLICATION_WINDOW)

/* The Manage pages, in sidebar order, and the details page. */
static const struct {
  const char *id;
  const char *title;
  const char *icon;
} manage_pages[] = {
  { "installed",   N_("Installed"),   "application-x-addon-symbolic" },
  { "permissions", N_("Permissions"), "security-high-symbolic" },
  { "activity",    N_("Activity"),    "document-open-recent-symbolic" },
  { "health",      N_("Health"),      "power-profile-performance-symbolic" },
};

static void
select_current_row (KariWindow *self)
{
  const char *current = gtk_stack_get_visible_child_name (self->stack);
  GtkWidget *child;

  if (g_strcmp0 (current, "details") == 0)
    current = "installed";
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child)
        && g_strcmp0 (kari_sidebar_row_get_page (GTK_LIST_BOX_ROW (child)), current) == 0)
      {
        gtk_list_box_select_row (self->sidebar_list, GTK_LIST_BOX_ROW (child));
        return;
      }
}

/* An extension's pages are in the sidebar while it is on, and while it
 * failed, so they can say what happened and offer a restart. */
static gboolean
shows_pages (KariAppExtension *ext)
{
  return kari_app_extension_get_active (ext) || kari_app_extension_get_failed (ext);
}

static void
rebuild_sidebar (KariWindow *self)
{
  GListModel *extensions = kari_app_host_get_extensions (self->host);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list))) != NULL)
    gtk_list_box_remove (self->sidebar_list, child);

  for (guint i = 0; i < g_list_model_get_n_items (extensions); i++)
    {
      g_autoptr(KariAppExtension) ext = g_list_model_get_item (extensions, i);
      GPtrArray *pages = kari_app_extension_get_pages (ext);

      if (!shows_pages (ext))
        continue;
      for (guint p = 0; p < pages->len; p++)
        {
          const KariAppPage *page = g_ptr_array_index (pages, p);
          g_autofree char *id = NULL;

          if (!kari_app_host_may_see_page (self->host, page))
            continue;
          id = kari_sidebar_page_id (ext, page);
          gtk_list_box_append (self->sidebar_list,
                               kari_sidebar_row_new (id, kari_app_extension_get_title (ext), page->title,
                                                     kari_sidebar_page_icon_new (page->icon)));
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (manage_pages); i++)
    gtk_list_box_append (self->sidebar_list,
                         kari_sidebar_row_new (manage_pages[i].id, _("Manage"), _(manage_pages[i].title),
                                               gtk_image_new_from_icon_name (manage_pages[i].icon)));
  select_current_row (self);
}

static void prune_extension_pages (KariWindow *self);

static gboolean
rebuild_sidebar_idle (gpointer user_data)
{
  KariWindow *self = user_data;

  g_autofree char *shown = g_strdup (kari_window_get_page (self));

  self->rebuild_id = 0;
  rebuild_sidebar (self);
  prune_extension_pages (self);
  /* The page shown went with its extension, switched off. */
  if (gtk_stack_get_child_by_name (self->stack, shown) == NULL)
    kari_window_show_page (self, "installed");
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (KariWindow *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_sidebar_idle, self);
}

static void
on_extension_active (KariAppExtension *extension,
                     GParamSpec       *pspec,
                     KariWindow       *self)
{
  queue_rebuild (self);
}

static void
watch_extensions (KariWindow *self,
                  guint       position,
                  guint       n)
{
  GListModel *extensions = kari_app_host_get_extensions (self->host);

  for (guint i = position; i < position + n; i++)
    {
      g_autoptr(KariAppExtension) ext = g_list_model_get_item (extensions, i);
      g_signal_connect_object (ext, "notify::active", G_CALLBACK (on_extension_active), self, 0);
      g_signal_connect_object (ext, "notify::failed", G_CALLBACK (on_extension_active), self, 0);
    }
}

static void
on_extensions_changed (GListModel *model,
                       guint       position,
                       guint       removed,
                       guint       added,
                       KariWindow *self)
{
  watch_extensions (self, position, added);
  queue_rebuild (self);
}

/* The extension and page behind the sidebar id @id, when that page may
 * be shown now: its extension active and the person's roles allowing it. */
static gboolean
lookup_extension_page (KariWindow         *self,
                       const char         *id,
                       KariAppExtension  **found_ext,
                       const KariAppPage **found_page)
{
  GListModel *extensions = kari_app_host_get_extensions (self->host);

  for (guint i = 0; i < g_list_model_get_n_items (extensions); i++)
    {
      g_autoptr(KariAppExtension) ext = g_list_model_get_item (extensions, i);
      GPtrArray *pages = kari_app_extension_get_pages (ext);

      if (!shows_pages (ext))
        continue;
      for (guint p = 0; p < pages->len; p++)
        {
          const KariAppPage *page = g_ptr_array_index (pages, p);
          g_autofree char *page_id = kari_sidebar_page_id (ext, page);

          if (g_str_equal (page_id, id) && kari_app_host_may_see_page (self->host, page))
            {
              if (found_ext != NULL)
                *found_ext = g_steal_pointer (&ext);
              if (found_page != NULL)
                *found_page = page;
              return TRUE;
            }
        }
    }
  return FALSE;
}

static GtkWidget *
find_extension_page (KariWindow *self,
                     const char *id)
{
  g_autoptr(KariAppExtension) ext = NULL;
  const KariAppPage *page = NULL;
  GtkStackPage *stack_page;

  if (!lookup_extension_page (self, id, &ext, &page))
    return NULL;
  stack_page = gtk_stack_add_titled (self->stack, kari_extension_page_new (self->host, ext, page),
                                     id, page->title);
  return gtk_stack_page_get_child (stack_page);
}

/* Pages of extensions switched off or hidden go, with their sessions;
 * the others stay as they are, scroll, focus and all. */
static void
prune_extension_pages (KariWindow *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);
      const char *name = gtk_stack_page_get_name (gtk_stack_get_page (self->stack, child));

      if (name != NULL && g_str_has_prefix (name, "ext:") && !lookup_extension_page (self, name, NULL, NULL))
        gtk_stack_remove (self->stack, child);
      child = next;
    }
}

static void on_show_details (KariWindow *self,
                             const char *extension);

static void
on_extension_removed (KariWindow *self)
{
  kari_window_show_page (self, "installed");
}

/* Makes the page @name the first time it is wanted. */
static GtkWidget *
ensure_page (KariWindow *self,
             const char *name)
{
  GtkWidget *child = gtk_stack_get_child_by_name (self->stack, name);
  const char *title = NULL;

  if (child != NULL || g_str_has_prefix (name, "ext:"))
    return child;
  for (guint i = 0; i < G_N_ELEMENTS (manage_pages); i++)
    if (g_str_equal (name, manage_pages[i].id))
      title = _(manage_pages[i].title);

  if (g_str_equal (name, "installed"))
    {
      self->installed_page = g_object_new (KARI_TYPE_INSTALLED_PAGE, NULL);
      kari_installed_page_set_host (self->installed_page, self->host);
      g_signal_connect_object (self->installed_page, "show-details", G_CALLBACK (on_show_details), self,
                               G_CONNECT_SWAPPED);
      child = GTK_WIDGET (self->installed_page);
    }
  else if (g_str_equal (name, "permissions"))
    {
      self->permissions_page = g_object_new (KARI_TYPE_PERMISSIONS_PAGE, NULL);
      kari_permissions_page_set_host (self->permissions_page, self->host);
      child = GTK_WIDGET (self->permissions_page);
    }
  else if (g_str_equal (name, "activity"))
    {
      self->activity_page = g_object_new (KARI_TYPE_ACTIVITY_PAGE, NULL);
      kari_activity_page_set_host (self->activity_page, self->host);
      child = GTK_WIDGET (self->activity_page);
    }
  else if (g_str_equal (name, "health"))
    {
      self->health_page = g_object_new (KARI_TYPE_HEALTH_PAGE, NULL);
      kari_health_page_set_host (self->health_page, self->host);
      g_signal_connect_object (self->health_page, "show-details", G_CALLBACK (on_show_details), self,
                               G_CONNECT_SWAPPED);
      child = GTK_WIDGET (self->health_page);
    }
  else if (g_str_equal (name, "details"))
    {
      self->details_page = g_object_new (KARI_TYPE_DETAILS_PAGE, NULL);
      kari_details_page_set_host (self->details_page, self->host);
      g_signal_connect_object (self->details_page, "removed", G_CALLBACK (on_extension_removed), self,
                               G_CONNECT_SWAPPED);
      child = GTK_WIDGET (self->details_page);
    }
  else
    return NULL;
  gtk_stack_add_titled (self->stack, child, name, title);
  return child;
}

/**
 * kari_window_show_page:
 * @page: `installed`, `permissions`, `activity`, `health`, `details`
 *   or `ext:NAME:PATH`
 *
 * Shows @page; one that is not there (any more) shows Installed.
 */
void
kari_window_show_page (KariWindow *self,
                       const char *page)
{
  GtkWidget *child = ensure_page (self, page);

  if (g_str_has_prefix (page, "ext:"))
    {
      child = gtk_stack_get_child_by_name (self->stack, page);
      /* Kept while it may be shown; dropped once its extension is off. */
      if (child != NULL && !lookup_extension_page (self, page, NULL, NULL))
        {
          gtk_stack_remove (self->stack, child);
          child = NULL;
        }
      if (child == NULL)
        child = find_extension_page (self, page);
    }
  if (child == NULL)
    child = ensure_page (self, "installed");
  gtk_stack_set_visible_child (self->stack, child);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

const char *
kari_window_get_page (KariWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  return name != NULL ? name : "installed";
}

GtkWidget *
kari_window_get_page_widget (KariWindow *self,
                             const char *page)
{
  return ensure_page (self, page);
}

guint
kari_window_get_n_sidebar_rows (KariWindow *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += GTK_IS_LIST_BOX_ROW (child);
  return n;
}

void
kari_window_show_details (KariWindow *self,
                          const char *extension)
{
  KariAppExtension *ext = kari_app_host_lookup (self->host, extension);

  if (ext == NULL)
    return;
  ensure_page (self, "details");
  kari_details_page_set_extension (self->details_page, ext);
  gtk_stack_set_visible_child_name (self->stack, "details");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

void
kari_window_add_toast (KariWindow *self,
                       const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
on_sidebar_row_activated (KariWindow    *self,
                          GtkListBoxRow *row)
{
  kari_window_show_page (self, kari_sidebar_row_get_page (row));
}

static void
on_show_details (KariWindow *self,
                 const char *extension)
{
  kari_window_show_details (self, extension);
}

static void
on_back_clicked (KariWindow *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "details") == 0)
    kari_window_show_page (self, "installed");
  else
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
update_header (KariWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);
  gboolean details = g_strcmp0 (name, "details") == 0;
  const char *title;

  if (details && self->details_page != NULL && kari_details_page_get_extension (self->details_page) != NULL)
    title = kari_app_extension_get_title (kari_details_page_get_extension (self->details_page));
  else
    title = child != NULL ? gtk_stack_page_get_title (gtk_stack_get_page (self->stack, child)) : NULL;
  adw_window_title_set_title (self->content_title, title != NULL ? title : "");
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), details || adw_leaflet_get_folded (self->leaflet));
}

static void
on_visible_child (KariWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  /* The permission and activity pages read what changed since. */
  if (g_strcmp0 (name, "permissions") == 0 && self->permissions_page != NULL)
    kari_permissions_page_reload (self->permissions_page);
  else if (g_strcmp0 (name, "activity") == 0 && self->activity_page != NULL)
    kari_activity_page_reload (self->activity_page);
  select_current_row (self);
  update_header (self);
}

/* The tenant menu: a radio item per tenant of the registry (read again
 * each time it opens, so tenants made elsewhere show), then Manage. */
GMenuModel *
kari_window_get_tenant_menu (KariWindow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) tenants_section = g_menu_new ();
  g_autoptr(GMenu) manage_section = g_menu_new ();
  g_autoptr(GPtrArray) tenants = kari_registry_list_tenants (kari_app_host_get_registry (self->host), NULL);

  for (guint i = 0; tenants != NULL && i < tenants->len; i++)
    {
      KariTenant *tenant = g_ptr_array_index (tenants, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (tenant->display_name, NULL);

      g_menu_item_set_action_and_target_value (item, "win.tenant", g_variant_new_string (tenant->id));
      g_menu_append_item (tenants_section, item);
    }
  g_menu_append (manage_section, _("_Manage Tenants…"), "win.manage-tenants");
  g_menu_append_section (menu, _("Tenant"), G_MENU_MODEL (tenants_section));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (manage_section));
  return G_MENU_MODEL (g_steal_pointer (&menu));
}

static void
update_tenant_button (KariWindow *self)
{
  const char *id = kari_app_host_get_tenant (self->host);
  g_autoptr(KariTenant) tenant = kari_registry_lookup_tenant (kari_app_host_get_registry (self->host), id, NULL);
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "tenant");

  /* Its menu is made as it opens (on_tenant_popup()), with the tenants
   * of that moment. */
  gtk_menu_button_set_label (self->tenant_button, tenant != NULL ? tenant->display_name : id);
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (id));
}

static void
on_tenant_popup (GtkMenuButton *button,
                 gpointer       user_data)
{
  g_autoptr(GMenuModel) menu = kari_window_get_tenant_menu (user_data);

  gtk_menu_button_set_menu_model (button, menu);
}

static void
on_primary_popup (GtkMenuButton *button,
                  gpointer       user_data)
{
  KariWindow *self = user_data;

  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->primary_menu);
}

/* Pages, switches, grants and activity are the new tenant's. */
static void
on_tenant_changed (KariAppHost *host,
                   const char  *tenant,
                   KariWindow  *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));

  /* Extension pages show a tenant's data: made again when shown. */
  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);
      const char *name = gtk_stack_page_get_name (gtk_stack_get_page (self->stack, child));

      if (name != NULL && g_str_has_prefix (name, "ext:") && child != gtk_stack_get_visible_child (self->stack))
        gtk_stack_remove (self->stack, child);
      child = next;
    }
  if (self->permissions_page != NULL)
    kari_permissions_page_reload (self->permissions_page);
  if (self->activity_page != NULL)
    kari_activity_page_reload (self->activity_page);
  if (self->details_page != NULL && kari_details_page_get_extension (self->details_page) != NULL)
    kari_details_page_set_extension (self->details_page, kari_details_page_get_extension (self->details_page));
  g_settings_set_string (self->settings, "tenant", tenant);
  update_tenant_button (self);
  queue_rebuild (self);
}

static void
on_tenant_set (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KariWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kari_app_host_set_tenant_finish (KARI_APP_HOST (source), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not switch tenant: %s"), error->message);
      kari_window_add_toast (self, message);
      update_tenant_button (self);
    }
}

/**
 * kari_window_set_tenant:
 * @tenant: a tenant of the registry
 *
 * Switches the host to @tenant; the window follows on "tenant-changed",
 * and the choice is kept in GSettings.
 */
void
kari_window_set_tenant (KariWindow *self,
                        const char *tenant)
{
  kari_app_host_set_tenant_async (self->host, tenant, NULL, on_tenant_set, g_object_ref (self));
}

static void
on_tenant_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  KariWindow *self = user_data;

  if (g_strcmp0 (g_variant_get_string (parameter, NULL), kari_app_host_get_tenant (self->host)) != 0)
    kari_window_set_tenant (self, g_variant_get_string (parameter, NULL));
}

static void
on_tenants_dialog_destroy (KariWindow *self)
{
  update_tenant_button (self);
}

/**
 * kari_window_manage_tenants:
 *
 * Opens Manage Tenants over the window.
 *
 * Returns: (transfer none): the dialog
 */
GtkWidget *
kari_window_manage_tenants (KariWindow *self)
{
  GtkWidget *dialog = kari_tenants_dialog_new (GTK_WINDOW (self), self->host);

  g_signal_connect_object (dialog, "destroy", G_CALLBACK (on_tenants_dialog_destroy), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
on_manage_tenants_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  kari_window_manage_tenants (user_data);
}

static const GActionEntry win_actions[] = {
  { "tenant", on_tenant_action, "s", "'default'", NULL, { 0 } },
  { "manage-tenants", on_manage_tenants_action, NULL, NULL, NULL, { 0 } },
};

static void
on_alert (KariAppHost      *host,
          KariAppExtension *extension,
          const char       *reason,
          KariWindow       *self)
{
  g_autofree char *message = g_strdup_printf (_("%s was switched off after crashing repeatedly; "
                                                "see its logs in Installed before switching it on again"),
                                              kari_app_extension_get_title (extension));
  kari_window_add_toast (self, message);
}

static gboolean
kari_window_close_request (GtkWindow *window)
{
  KariWindow *self = KARI_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_set_string (self->settings, "last-page",
                         g_strcmp0 (kari_window_get_page (self), "details") == 0
                         ? "installed" : kari_window_get_page (self));
  g_settings_apply (self->settings);
  return GTK_WINDOW_CLASS (kari_window_parent_class)->close_request (window);
}

static void
kari_window_dispose (GObject *object)
{
  KariWindow *self = KARI_WINDOW (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->host != NULL)
    g_signal_handlers_disconnect_by_data (kari_app_host_get_extensions (self->host), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KARI_TYPE_WINDOW);
  G_OBJECT_CLASS (kari_window_parent_class)->dispose (object);
}

static void
kari_window_finalize (GObject *object)
{
  KariWindow *self = KARI_WINDOW (object);

  g_clear_object (&self->host);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (kari_window_parent_class)->finalize (object);
}

static void
kari_window_class_init (KariWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kari_window_dispose;
  object_class->finalize = kari_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = kari_window_close_request;

  /* Linked from a static library, the resource must be referenced to be
   * kept (it registers itself when loaded). */
  (void) kari_app_get_resource ();

  /* The template's types, registered here: GtkBuilder would look each
   * one it does not know yet up with dlsym() through every library
   * loaded, most of a millisecond at start. */
  g_type_ensure (ADW_TYPE_TOAST_OVERLAY);
  g_type_ensure (ADW_TYPE_LEAFLET);
  g_type_ensure (ADW_TYPE_LEAFLET_PAGE);
  g_type_ensure (ADW_TYPE_HEADER_BAR);
  g_type_ensure (ADW_TYPE_WINDOW_TITLE);
  g_type_ensure (GTK_TYPE_MENU_BUTTON);
  g_type_ensure (GTK_TYPE_LIST_BOX);
  g_type_ensure (GTK_TYPE_SCROLLED_WINDOW);
  g_type_ensure (GTK_TYPE_SEPARATOR);
  g_type_ensure (GTK_TYPE_STACK);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kari/ControlRoom/kari-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KariWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KariWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KariWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, KariWindow, content);
  gtk_widget_class_bind_template_child (widget_class, KariWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, KariWindow, tenant_button);
  gtk_widget_class_bind_template_child (widget_class, KariWindow, primary_button);
  gtk_widget_class_bind_template_child (widget_class, KariWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, KariWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, KariWindow, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
}

static void
kari_window_init (KariWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  gtk_menu_button_set_create_popup_func (self->tenant_button, on_tenant_popup, self, NULL);
  gtk_menu_button_set_create_popup_func (self->primary_button, on_primary_popup, self, NULL);
  kari_app_set_tooltip_text (GTK_WIDGET (self->tenant_button), _("Tenant"));
  kari_app_set_tooltip_text (GTK_WIDGET (self->primary_button), _("Main Menu"));
  gtk_list_box_set_header_func (self->sidebar_list, kari_sidebar_header, NULL, NULL);
  g_signal_connect_object (self->stack, "notify::visible-child", G_CALLBACK (on_visible_child),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (update_header),
                           self, G_CONNECT_SWAPPED);
}

/**
 * kari_window_new:
 * @application: the application
 * @host: what the window shows
 * @settings: the application's settings: size, maximized, last page
 *
 * Returns: (transfer full): a new window, sized and on the page it was
 *   closed on
 */
KariWindow *
kari_window_new (AdwApplication *application,
                 KariAppHost    *host,
                 GSettings      *settings)
{
  KariWindow *self = g_object_new (KARI_TYPE_WINDOW, "application", application, NULL);
  g_autofree char *last_page = g_settings_get_string (settings, "last-page");
  GListModel *extensions = kari_app_host_get_extensions (host);

  self->host = g_object_ref (host);
  self->settings = g_object_ref (settings);
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));


  watch_extensions (self, 0, g_list_model_get_n_items (extensions));
  g_signal_connect (extensions, "items-changed", G_CALLBACK (on_extensions_changed), self);
  g_signal_connect_object (host, "alert", G_CALLBACK (on_alert), self, 0);
  g_signal_connect_object (host, "tenant-changed", G_CALLBACK (on_tenant_changed), self, 0);
  /* A tenant deleted since it was kept opened the default one. */
  {
    g_autofree char *kept = g_settings_get_string (settings, "tenant");
    if (g_strcmp0 (kept, kari_app_host_get_tenant (host)) != 0)
      g_settings_set_string (settings, "tenant", kari_app_host_get_tenant (host));
  }
  update_tenant_button (self);
  rebuild_sidebar (self);
  kari_window_show_page (self, last_page);
  update_header (self);
  return self;
}
