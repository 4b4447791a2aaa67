/* kari-permissions-page.c — every grant in the tenant, filterable and
 * revocable, and the policy in force
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kari-app-private.h"

struct _KariPermissionsPage
{
  AdwBin          parent_instance;

  KariAppHost    *host;
  char           *search;          /* case-folded */
  gboolean        setting_policy;  /* the combo is being filled, not chosen */
  guint           reload_id;

  AdwComboRow    *policy_row;
  GtkSearchEntry *search_entry;
  GtkStack       *grants_stack;
  GtkListBox     *list;
  AdwStatusPage  *empty_status;
};

G_DEFINE_FINAL_TYPE (KariPermissionsPage, kari_permissions_page, ADW_TYPE_BIN)

static char *
scope_words (const KariGrant *grant)
{
  g_autofree char *until = NULL;

  switch (grant->scope)
    {
    case KARI_SCOPE_ONCE:
      return g_strdup (_("once"));
    case KARI_SCOPE_SESSION:
      return g_strdup (_("for this session"));
    case KARI_SCOPE_PERSISTENT:
      return g_strdup (_("always"));
    case KARI_SCOPE_UNTIL:
    default:
      until = kari_app_format_time (grant->until_usec);
      return g_strdup_printf (_("until %s"), until);
    }
}

static gboolean
reload_idle (gpointer user_data)
{
  KariPermissionsPage *self = user_data;

  self->reload_id = 0;
  kari_permissions_page_reload (self);
  return G_SOURCE_REMOVE;
}

static void
on_revoke_clicked (GtkButton           *button,
                   KariPermissionsPage *self)
{
  const KariGrant *grant = g_object_get_data (G_OBJECT (button), "kari-grant");
  g_autoptr(GError) error = NULL;

  if (!kari_permission_engine_revoke (kari_app_host_get_engine (self->host), kari_app_host_get_user (self->host),
                                      grant->tenant, grant->extension, grant->user, grant->permission,
                                      NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not revoke “%s”: %s"), grant->permission,
                                                  error->message);
      kari_app_toast (GTK_WIDGET (self), message);
    }
  /* After the click: the reload replaces this very button. */
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  if (self->reload_id == 0)
    self->reload_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, reload_idle, g_object_ref (self), g_object_unref);
}

static GtkWidget *
grant_row_new (KariPermissionsPage *self,
               const KariGrant     *grant)
{
  KariAppExtension *ext = kari_app_host_lookup (self->host, grant->extension);
  g_autofree char *words = kari_app_sentence (kari_permission_describe (grant->permission));
  g_autofree char *shown = kari_permission_escape_for_display (grant->permission);
  g_autofree char *scope = scope_words (grant);
  g_autofree char *who = grant->user != NULL ? g_strdup_printf (_("for %s"), grant->user)
                                             : g_strdup (_("for everyone"));
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s, %s", ext != NULL ? kari_app_extension_get_title (ext)
                                                                              : grant->extension,
                                               shown, scope, who);
  g_autofree char *haystack = g_strconcat (grant->extension, " ", ext != NULL ? kari_app_extension_get_title (ext) : "",
                                           " ", grant->permission, " ", words != NULL ? words : "", NULL);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Revoke"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), words != NULL ? words : shown);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "kari-grant", kari_grant_copy (grant), (GDestroyNotify) kari_grant_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_revoke_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_object_set_data_full (G_OBJECT (row), "kari-haystack", g_utf8_casefold (haystack, -1), g_free);
  return row;
}

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       user_data)
{
  KariPermissionsPage *self = user_data;
  const char *haystack = g_object_get_data (G_OBJECT (row), "kari-haystack");

  return self->search == NULL || *self->search == '\0' || strstr (haystack, self->search) != NULL;
}

static void
update_view (KariPermissionsPage *self)
{
  guint n_shown = 0;
  guint n_all = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      n_all++;
      n_shown += filter_row (GTK_LIST_BOX_ROW (child), self);
    }
  adw_status_page_set_description (self->empty_status,
                                   n_all == 0 ? _("When you allow a permission an extension asks for, or switch one "
                                                  "on in an extension’s details, it is listed here.")
                                              : _("No grant matches the filter."));
  gtk_stack_set_visible_child_name (self->grants_stack, n_shown > 0 ? "list" : "empty");
}

static void
on_search_changed (KariPermissionsPage *self)
{
  g_free (self->search);
  self->search = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  gtk_list_box_invalidate_filter (self->list);
  update_view (self);
}

static void
fill_policies (KariPermissionsPage *self)
{
  KariPolicy *current = kari_permission_engine_get_policy (kari_app_host_get_engine (self->host));
  const char * const *names = kari_policy_builtin_names ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  guint selected = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      gtk_string_list_append (model, names[i]);
      if (kari_policy_is_builtin (current) && g_strcmp0 (names[i], kari_policy_get_name (current)) == 0)
        selected = i;
    }
  if (!kari_policy_is_builtin (current))
    {
      /* Rules files are set with kari-ext; here they are only shown. */
      gtk_string_list_append (model, kari_policy_get_name (current));
      selected = g_list_model_get_n_items (G_LIST_MODEL (model)) - 1;
    }
  self->setting_policy = TRUE;
  adw_combo_row_set_model (self->policy_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->policy_row, selected);
  self->setting_policy = FALSE;
}

static void
on_policy_selected (KariPermissionsPage *self)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (self->policy_row);
  g_autoptr(KariPolicy) policy = NULL;
  g_autoptr(GError) error = NULL;

  if (self->setting_policy || item == NULL || self->host == NULL)
    return;
  policy = kari_policy_new_builtin (gtk_string_object_get_string (item), &error);
  if (policy == NULL
      || !kari_permission_engine_set_policy (kari_app_host_get_engine (self->host), kari_app_host_get_user (self->host),
                                             kari_app_host_get_tenant (self->host), policy, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The policy was not changed: %s"), error->message);
      kari_app_toast (GTK_WIDGET (self), message);
      fill_policies (self);
    }
}

/**
 * kari_permissions_page_reload:
 *
 * Reads the grants and the policy again.
 */
void
kari_permissions_page_reload (KariPermissionsPage *self)
{
  g_autoptr(GPtrArray) grants = NULL;
  GtkWidget *child;

  if (self->host == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  grants = kari_grant_store_list (kari_permission_engine_get_grants (kari_app_host_get_engine (self->host)), NULL,
                                  kari_app_host_get_tenant (self->host));
  for (guint i = 0; grants != NULL && i < grants->len; i++)
    gtk_list_box_append (self->list, grant_row_new (self, g_ptr_array_index (grants, i)));
  fill_policies (self);
  update_view (self);
}

void
kari_permissions_page_set_host (KariPermissionsPage *self,
                                KariAppHost         *host)
{
  /* Read when first shown (the window reloads a page it shows), not
   * at start-up. */
  if (!g_set_object (&self->host, host))
    return;
  /* A grant or revoke made by another program (kari-ext) shows at once */
  if (host != NULL)
    g_signal_connect_object (kari_app_host_get_engine (host), "registry-changed",
                             G_CALLBACK (kari_permissions_page_reload), self, G_CONNECT_SWAPPED);
}

static void
kari_permissions_page_dispose (GObject *object)
{
  KariPermissionsPage *self = KARI_PERMISSIONS_PAGE (object);

  /* The template's root is the bin's child: unparented once, here. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), KARI_TYPE_PERMISSIONS_PAGE);
  g_clear_object (&self->host);
  g_clear_pointer (&self->search, g_free);
  G_OBJECT_CLASS (kari_permissions_page_parent_class)->dispose (object);
}

static void
kari_permissions_page_class_init (KariPermissionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kari_permissions_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kari/ControlRoom/kari-permissions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KariPermissionsPage, policy_row);
  gtk_widget_class_bind_template_child (widget_class, KariPermissionsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KariPermissionsPage, grants_stack);
  gtk_widget_class_bind_template_child (widget_class, KariPermissionsPage, list);
  gtk_widget_class_bind_template_child (widget_class, KariPermissionsPage, empty_status);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
}

static void
kari_permissions_page_init (KariPermissionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_filter_func (self->list, filter_row, self, NULL);
  g_signal_connect_object (self->policy_row, "notify::selected", G_CALLBACK (on_policy_selected), self,
                           G_CONNECT_SWAPPED);
}
