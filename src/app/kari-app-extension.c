/* kari-app-extension.c — one installed extension as the app shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list models of the Installed, Health and sidebar views hold these;
 * the state is kept here so a row can bind to "state" and "active".
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kari-app-extension.h"

struct _KariAppExtension
{
  GObject         parent_instance;
  KariManifest   *manifest;
  KariSupervisor *supervisor;
  KariState       state;
  char           *reason;           /* the supervisor's, for the state; nullable */
  gboolean        crash_looped;     /* disabled by its supervisor after a crash loop */
  gint64          remembered_usec;  /* a failure read from the registry, or 0 */
  gboolean        tenant_enabled;   /* in the host's tenant */
  GPtrArray      *pages;     /* KariAppPage */
  char           *search_text;
  char           *sort_key;  /* g_utf8_collate_key() of the title */
};

G_DEFINE_FINAL_TYPE (KariAppExtension, kari_app_extension, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ACTIVE,
  PROP_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* An icon for each extension type; extensions do not ship icons the host
 * would have to load from outside a sandbox. */
static const struct {
  const char *type;
  const char *icon;
} type_icons[] = {
  { "instrument",  "applications-science-symbolic" },
  { "operator",    "system-run-symbolic" },
  { "integration", "network-workgroup-symbolic" },
  { "dashboard",   "view-grid-symbolic" },
  { "addon",       "application-x-addon-symbolic" },
};

/* The states a person reads, in words. */
static const char * const state_labels[KARI_STATE_LAST] = {
  [KARI_STATE_DISCOVERED] = N_("Found"),
  [KARI_STATE_VALIDATED]  = N_("Missing dependencies"),
  [KARI_STATE_RESOLVED]   = N_("Ready to install"),
  [KARI_STATE_INSTALLED]  = N_("Installed"),
  [KARI_STATE_ENABLED]    = N_("Enabled"),
  [KARI_STATE_STARTING]   = N_("Starting"),
  [KARI_STATE_RUNNING]    = N_("Running"),
  [KARI_STATE_STOPPING]   = N_("Stopping"),
  [KARI_STATE_STOPPED]    = N_("Stopped"),
  [KARI_STATE_FAILED]     = N_("Failed"),
  [KARI_STATE_CRASHED]    = N_("Crashed"),
  [KARI_STATE_DISABLED]   = N_("Disabled"),
  [KARI_STATE_UPDATING]   = N_("Updating"),
};

const char *
kari_app_state_to_label (KariState state)
{
  if ((guint) state >= KARI_STATE_LAST)
    return _("Unknown");
  return _(state_labels[state]);
}

static void
kari_app_page_free (KariAppPage *page)
{
  g_free (page->title);
  g_free (page->path);
  g_free (page->icon);
  g_strfreev (page->roles);
  g_free (page);
}

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static GStrv
read_roles (JsonObject *page)
{
  /* `roles`, or `permissions` as the original specification names them. */
  const char *members[] = { "roles", "permissions" };

  for (guint m = 0; m < G_N_ELEMENTS (members); m++)
    {
      JsonNode *node = json_object_get_member (page, members[m]);
      g_autoptr(GStrvBuilder) builder = NULL;
      JsonArray *array;

      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        continue;
      builder = g_strv_builder_new ();
      array = json_node_get_array (node);
      for (guint r = 0; r < json_array_get_length (array); r++)
        {
          JsonNode *role = json_array_get_element (array, r);
          if (JSON_NODE_HOLDS_VALUE (role) && json_node_get_value_type (role) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (role));
        }
      return g_strv_builder_end (builder);
    }
  return NULL;
}

/* The manifest was validated, yet only strings are taken from it and
 * anything of another shape is skipped. */
static void
read_pages (KariAppExtension *self)
{
  const char *lists[] = { "pages", "control_room_pages" };
  JsonNode *root = kari_manifest_get_root (self->manifest);
  JsonNode *ui_node;
  JsonObject *ui;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  ui_node = json_object_get_member (json_node_get_object (root), "ui");
  if (ui_node == NULL || !JSON_NODE_HOLDS_OBJECT (ui_node))
    return;
  ui = json_node_get_object (ui_node);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      JsonNode *list = json_object_get_member (ui, lists[l]);
      JsonArray *pages;

      if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
        continue;
      pages = json_node_get_array (list);
      for (guint i = 0; i < json_array_get_length (pages); i++)
        {
          JsonNode *node = json_array_get_element (pages, i);
          JsonObject *object;
          KariAppPage *page;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          object = json_node_get_object (node);
          if (member_string (object, "name") == NULL || member_string (object, "path") == NULL)
            continue;
          page = g_new0 (KariAppPage, 1);
          page->title = kari_permission_escape_for_display (member_string (object, "name"));
          page->path = g_strdup (member_string (object, "path"));
          page->icon = g_strdup (member_string (object, "icon"));
          page->roles = read_roles (object);
          g_ptr_array_add (self->pages, page);
        }
    }
}

KariAppExtension *
kari_app_extension_new (KariManifest *manifest,
                        KariState     state)
{
  KariAppExtension *self;
  g_autofree char *text = NULL;

  g_return_val_if_fail (KARI_IS_MANIFEST (manifest), NULL);

  self = g_object_new (KARI_TYPE_APP_EXTENSION, NULL);
  self->manifest = g_object_ref (manifest);
  self->state = state;
  self->tenant_enabled = TRUE;
  read_pages (self);
  text = g_strconcat (kari_app_extension_get_title (self), " ", kari_manifest_get_name (manifest), " ",
                      kari_app_extension_get_description (self), NULL);
  self->search_text = g_utf8_casefold (text, -1);
  self->sort_key = g_utf8_collate_key (kari_app_extension_get_title (self), -1);
  return self;
}

const char *
kari_app_extension_get_name (KariAppExtension *self)
{
  return kari_manifest_get_name (self->manifest);
}

/* Compared with strcmp(), it sorts titles as g_utf8_collate() does,
 * without collating the titles again at each comparison. */
const char *
kari_app_extension_get_sort_key (KariAppExtension *self)
{
  return self->sort_key;
}

const char *
kari_app_extension_get_title (KariAppExtension *self)
{
  const char *title = kari_manifest_get_display_name (self->manifest);

  return title != NULL && *title != '\0' ? title : kari_manifest_get_name (self->manifest);
}

const char *
kari_app_extension_get_description (KariAppExtension *self)
{
  const char *text = kari_manifest_get_description (self->manifest);

  return text != NULL ? text : "";
}

const char *
kari_app_extension_get_version (KariAppExtension *self)
{
  return kari_version_to_string (kari_manifest_get_version (self->manifest));
}

const char *
kari_app_extension_get_icon_name (KariAppExtension *self)
{
  const char *type = kari_manifest_get_extension_type (self->manifest);

  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (type_icons); i++)
    if (g_str_equal (type, type_icons[i].type))
      return type_icons[i].icon;
  return "application-x-addon-symbolic";
}

KariManifest *
kari_app_extension_get_manifest (KariAppExtension *self)
{
  return self->manifest;
}

KariState
kari_app_extension_get_state (KariAppExtension *self)
{
  return self->state;
}

static gboolean
state_is_active (KariState state)
{
  /* A crashed one is still switched on: its supervisor restarts it after
   * its back-off, and its pages stay (in their error state) meanwhile. A
   * failed one is still switched on too: it is what the person asked
   * for, and its pages say why it does not run. */
  return state == KARI_STATE_ENABLED || state == KARI_STATE_STARTING || state == KARI_STATE_RUNNING
         || state == KARI_STATE_CRASHED || state == KARI_STATE_FAILED;
}

void
kari_app_extension_set_state (KariAppExtension *self,
                              KariState         state)
{
  kari_app_extension_set_state_full (self, state, NULL);
}

/**
 * kari_app_extension_set_state_full:
 * @state: the new state
 * @reason: (nullable): why, as the supervisor said
 *
 * A move to disabled straight from crashed is the supervisor switching
 * the extension off after a crash loop: the extension is then "failed"
 * (kari_app_extension_get_failed()) until its next state.
 */
void
kari_app_extension_set_state_full (KariAppExtension *self,
                                   KariState         state,
                                   const char       *reason)
{
  gboolean was_active = kari_app_extension_get_active (self);
  gboolean was_failed = kari_app_extension_get_failed (self);

  if (self->state == state)
    {
      /* The same state said again (a registry refresh) keeps its reason. */
      if (reason != NULL && g_strcmp0 (self->reason, reason) != 0)
        {
          g_free (self->reason);
          self->reason = g_strdup (reason);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
        }
      return;
    }
  self->crash_looped = state == KARI_STATE_DISABLED && self->state == KARI_STATE_CRASHED;
  /* Any move is news that replaces what the registry remembered. */
  self->remembered_usec = 0;
  self->state = state;
  g_free (self->reason);
  self->reason = g_strdup (reason);
  /* "active" and "failed" first: a row bound to "state" then reads all
   * of them right. */
  if (was_active != kari_app_extension_get_active (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  if (was_failed != kari_app_extension_get_failed (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/**
 * kari_app_extension_get_reason:
 *
 * Returns: (nullable): why the extension is in its state, as its
 *   supervisor said (`Exited with status 3`, `No handshake within 10000
 *   ms`), or %NULL
 */
const char *
kari_app_extension_get_reason (KariAppExtension *self)
{
  return self->reason;
}

/**
 * kari_app_extension_get_crash_looped:
 *
 * Returns: whether its supervisor switched it off after it crashed too
 *   often (and nothing happened to it since)
 */
gboolean
kari_app_extension_get_crash_looped (KariAppExtension *self)
{
  return self->crash_looped && self->state == KARI_STATE_DISABLED;
}

/**
 * kari_app_extension_get_failed:
 *
 * Returns: whether it should run in the host's tenant and cannot until
 *   someone acts: failed (a start that failed, no handshake in time), or
 *   switched off by its supervisor after a crash loop. Its pages show
 *   why, with a restart button.
 */
gboolean
kari_app_extension_get_failed (KariAppExtension *self)
{
  return self->tenant_enabled
         && (self->state == KARI_STATE_FAILED || kari_app_extension_get_crash_looped (self)
             || self->remembered_usec != 0);
}

/**
 * kari_app_extension_set_last_failure:
 * @failure: (nullable): what the registry remembers of its last run
 *   (kari_registry_get_last_failure()), or %NULL
 *
 * Shows a failure or crash loop of an earlier session: the host
 * re-resolves a failed extension to installed when it loads, and a
 * crash loop leaves it disabled, so the state alone no longer says it.
 * The extension is failed (kari_app_extension_get_failed(), with
 * @failure's reason) until its next state.
 */
void
kari_app_extension_set_last_failure (KariAppExtension     *self,
                                     const KariTransition *failure)
{
  gboolean was_active = kari_app_extension_get_active (self);
  gboolean was_failed = kari_app_extension_get_failed (self);

  if (failure == NULL)
    {
      if (self->remembered_usec == 0)
        return;
      self->remembered_usec = 0;
      self->crash_looped = FALSE;
    }
  else
    {
      /* A time of 0 (a registry written by hand) is still a failure. */
      self->remembered_usec = MAX (failure->time_usec, 1);
      self->crash_looped = kari_transition_is_crash_loop (failure);
      g_free (self->reason);
      self->reason = g_strdup (failure->reason);
    }
  if (was_active != kari_app_extension_get_active (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  if (was_failed != kari_app_extension_get_failed (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/**
 * kari_app_extension_get_failure_time:
 *
 * Returns: when the failure kari_app_extension_set_last_failure() gave
 *   happened (µs since the epoch), or 0 when the failure shown, if any,
 *   is of this session
 */
gint64
kari_app_extension_get_failure_time (KariAppExtension *self)
{
  return self->remembered_usec;
}

/**
 * kari_app_extension_get_tenant_enabled:
 *
 * Returns: whether the extension is enabled in the host's tenant
 *   (kari_registry_is_enabled()), whatever its state
 */
gboolean
kari_app_extension_get_tenant_enabled (KariAppExtension *self)
{
  return self->tenant_enabled;
}

/* Set by the host from the registry when it loads or switches tenant.
 * "state" is notified too, so rows showing the switch refresh. */
void
kari_app_extension_set_tenant_enabled (KariAppExtension *self,
                                       gboolean          enabled)
{
  gboolean was_active = kari_app_extension_get_active (self);
  gboolean was_failed = kari_app_extension_get_failed (self);

  enabled = !!enabled;
  if (self->tenant_enabled == enabled)
    return;
  self->tenant_enabled = enabled;
  if (was_active != kari_app_extension_get_active (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  if (was_failed != kari_app_extension_get_failed (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/**
 * kari_app_extension_get_active:
 *
 * Returns: whether the extension is on in the host's tenant: enabled,
 *   starting, running, crashed (waiting to be restarted) or failed (on,
 *   but it cannot run, in this session or remembered from an earlier
 *   one), and enabled in that tenant
 */
gboolean
kari_app_extension_get_active (KariAppExtension *self)
{
  /* A failed start remembered from an earlier session is on, as it was
   * when it failed; a remembered crash loop is off, as its supervisor
   * left it. */
  return self->tenant_enabled
         && (state_is_active (self->state) || (self->remembered_usec != 0 && !self->crash_looped));
}

gboolean
kari_app_extension_has_runtime (KariAppExtension *self)
{
  return kari_manifest_get_runtime (self->manifest) != NULL;
}

/**
 * kari_app_extension_get_pages:
 *
 * Returns: (transfer none) (element-type KariAppPage): the pages the
 *   manifest declares, in its order
 */
GPtrArray *
kari_app_extension_get_pages (KariAppExtension *self)
{
  return self->pages;
}

/* Whether @search (already case-folded) is in the title, name or
 * description. */
gboolean
kari_app_extension_matches (KariAppExtension *self,
                            const char       *search)
{
  return search == NULL || *search == '\0' || strstr (self->search_text, search) != NULL;
}

KariSupervisor *
kari_app_extension_get_supervisor (KariAppExtension *self)
{
  return self->supervisor;
}

void
kari_app_extension_set_supervisor (KariAppExtension *self,
                                   KariSupervisor   *supervisor)
{
  g_set_object (&self->supervisor, supervisor);
}

static void
kari_app_extension_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KariAppExtension *self = KARI_APP_EXTENSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, kari_app_extension_get_active (self));
      break;
    case PROP_FAILED:
      g_value_set_boolean (value, kari_app_extension_get_failed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kari_app_extension_finalize (GObject *object)
{
  KariAppExtension *self = KARI_APP_EXTENSION (object);

  g_clear_object (&self->manifest);
  g_clear_object (&self->supervisor);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_pointer (&self->reason, g_free);
  g_clear_pointer (&self->sort_key, g_free);
  G_OBJECT_CLASS (kari_app_extension_parent_class)->finalize (object);
}

static void
kari_app_extension_class_init (KariAppExtensionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = kari_app_extension_get_property;
  object_class->finalize = kari_app_extension_finalize;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, 0, KARI_STATE_LAST - 1, KARI_STATE_INSTALLED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAILED] =
    g_param_spec_boolean ("failed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kari_app_extension_init (KariAppExtension *self)
{
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_app_page_free);
}
