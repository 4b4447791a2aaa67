/* kari-engine-temp-stubs.c — TEMPORARY crude stand-ins for patterns,
 * grants, policies, roles and the audit log, so the engine links and is
 * tested before those parts land. DELETE with its meson line as soon as
 * the real ones are in main.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kari-audit.h"
#include "kari-grant.h"
#include "kari-permission-pattern.h"
#include "kari-policy.h"
#include "kari-roles.h"

/* TEMPORARY: patterns */
struct _KariPermissionPattern { char *text, *domain, *action, *resource; };

gboolean
kari_permission_split (const char *permission, char **domain, char **action, char **resource, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (permission, ":", 3);

  if (g_strv_length (parts) < 2 || *parts[0] == '\0' || *parts[1] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad permission “%s”", permission);
      return FALSE;
    }
  for (const char *c = permission; *c; c++)
    if ((guchar) *c < 0x20)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "control character");
        return FALSE;
      }
  if (domain) *domain = g_strdup (parts[0]);
  if (action) *action = g_strdup (parts[1]);
  if (resource) *resource = g_strdup (parts[2]);
  return TRUE;
}

KariPermissionPattern *
kari_permission_pattern_parse (const char *text, GError **error)
{
  KariPermissionPattern *p = g_new0 (KariPermissionPattern, 1);

  if (!kari_permission_split (text, &p->domain, &p->action, &p->resource, error))
    {
      g_free (p);
      return NULL;
    }
  p->text = g_strdup (text);
  return p;
}

void
kari_permission_pattern_free (KariPermissionPattern *self)
{
  if (self == NULL)
    return;
  g_free (self->text); g_free (self->domain); g_free (self->action); g_free (self->resource);
  g_free (self);
}

const char *kari_permission_pattern_get_domain (const KariPermissionPattern *self) { return self->domain; }
const char *kari_permission_pattern_get_action (const KariPermissionPattern *self) { return self->action; }
const char *kari_permission_pattern_get_resource (const KariPermissionPattern *self) { return self->resource; }
const char *kari_permission_pattern_get_text (const KariPermissionPattern *self) { return self->text; }

gboolean
kari_permission_pattern_matches (const KariPermissionPattern *self, const char *domain, const char *action,
                                 const char *resource, const KariPermissionContext *context)
{
  if (!g_str_equal (self->domain, domain) || !g_str_equal (self->action, action))
    return FALSE;
  if (self->resource == NULL || g_str_equal (self->resource, "**") || g_str_equal (self->resource, "*"))
    return TRUE;
  return resource != NULL && g_pattern_match_simple (self->resource, resource);
}

gboolean
kari_permission_pattern_covers (const KariPermissionPattern *self, const KariPermissionPattern *other)
{
  return kari_permission_pattern_matches (self, other->domain, other->action, other->resource, NULL);
}

char *kari_permission_describe (const char *permission) { return g_strdup_printf ("use %s", permission); }

char *
kari_permission_escape_for_display (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *c = text; *c; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      g_string_append_printf (s, "\\x%02x", (guchar) *c);
    else
      g_string_append_c (s, *c);
  return g_string_free (s, FALSE);
}

/* TEMPORARY: grants, in memory */
const char *
kari_scope_to_string (KariScope scope)
{
  static const char *names[] = { "once", "session", "persistent", "until" };
  return names[scope];
}

KariGrant *
kari_grant_copy (const KariGrant *self)
{
  KariGrant *g = g_memdup2 (self, sizeof *self);
  g->extension = g_strdup (self->extension); g->tenant = g_strdup (self->tenant);
  g->user = g_strdup (self->user); g->permission = g_strdup (self->permission);
  g->granted_by = g_strdup (self->granted_by);
  return g;
}

void
kari_grant_free (KariGrant *self)
{
  if (self == NULL)
    return;
  g_free (self->extension); g_free (self->tenant); g_free (self->user);
  g_free (self->permission); g_free (self->granted_by); g_free (self);
}

G_DEFINE_BOXED_TYPE (KariGrant, kari_grant, kari_grant_copy, kari_grant_free)

struct _KariGrantStore { GObject parent; GMutex lock; GPtrArray *grants; guint64 gen; gint64 next_id; KariClock clock; };
G_DEFINE_FINAL_TYPE (KariGrantStore, kari_grant_store, G_TYPE_OBJECT)
static void kari_grant_store_class_init (KariGrantStoreClass *k) {}
static void kari_grant_store_init (KariGrantStore *s)
{
  g_mutex_init (&s->lock);
  s->grants = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_grant_free);
}

KariGrantStore *
kari_grant_store_new (KariRegistry *registry, const KariClock *clock, GError **error)
{
  KariGrantStore *s = g_object_new (KARI_TYPE_GRANT_STORE, NULL);
  s->clock = *clock;
  return s;
}

guint64 kari_grant_store_get_generation (KariGrantStore *self) { return __atomic_load_n (&self->gen, __ATOMIC_ACQUIRE); }

KariGrant *
kari_grant_store_add (KariGrantStore *self, const char *extension, const char *tenant, const char *user,
                      const char *permission, KariScope scope, gint64 until_usec, const char *granted_by,
                      GError **error)
{
  KariGrant g = { 0, (char *) extension, (char *) tenant, (char *) user, (char *) permission, scope,
                  until_usec, 0, (char *) granted_by, 0 };
  KariGrant *copy;

  g_mutex_lock (&self->lock);
  g.id = ++self->next_id;
  if (scope == KARI_SCOPE_UNTIL)
    g.deadline_usec = self->clock.now_usec (self->clock.user_data) +
                      (until_usec - self->clock.wall_usec (self->clock.user_data));
  copy = kari_grant_copy (&g);
  g_ptr_array_add (self->grants, copy);
  __atomic_add_fetch (&self->gen, 1, __ATOMIC_RELEASE);
  g_mutex_unlock (&self->lock);
  return kari_grant_copy (copy);
}

gboolean
kari_grant_store_revoke (KariGrantStore *self, const char *extension, const char *tenant, const char *user,
                         const char *permission, guint *n_revoked, GError **error)
{
  guint n = 0;

  g_mutex_lock (&self->lock);
  for (guint i = self->grants->len; i-- > 0;)
    {
      KariGrant *g = g_ptr_array_index (self->grants, i);
      if (g_str_equal (g->extension, extension) && g_str_equal (g->tenant, tenant) &&
          (user == NULL || g_strcmp0 (g->user, user) == 0) &&
          (permission == NULL || g_str_equal (g->permission, permission)))
        {
          g_ptr_array_remove_index (self->grants, i);
          n++;
        }
    }
  __atomic_add_fetch (&self->gen, 1, __ATOMIC_RELEASE);
  g_mutex_unlock (&self->lock);
  if (n_revoked)
    *n_revoked = n;
  return TRUE;
}

gboolean
kari_grant_store_revoke_id (KariGrantStore *self, gint64 id, GError **error)
{
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->grants->len; i++)
    if (((KariGrant *) g_ptr_array_index (self->grants, i))->id == id)
      {
        g_ptr_array_remove_index (self->grants, i);
        break;
      }
  __atomic_add_fetch (&self->gen, 1, __ATOMIC_RELEASE);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

GPtrArray *
kari_grant_store_list (KariGrantStore *self, const char *extension, const char *tenant)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_grant_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->grants->len; i++)
    {
      KariGrant *g = g_ptr_array_index (self->grants, i);
      if ((extension == NULL || g_str_equal (g->extension, extension)) &&
          (tenant == NULL || g_str_equal (g->tenant, tenant)))
        g_ptr_array_add (out, kari_grant_copy (g));
    }
  g_mutex_unlock (&self->lock);
  return out;
}

KariGrant *
kari_grant_store_find (KariGrantStore *self, const char *extension, const char *tenant, const char *user,
                       const char *domain, const char *action, const char *resource,
                       const KariPermissionContext *context, gboolean consume_once)
{
  KariGrant *found = NULL;
  gint64 now = self->clock.now_usec (self->clock.user_data);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->grants->len && found == NULL; i++)
    {
      KariGrant *g = g_ptr_array_index (self->grants, i);
      g_autoptr(KariPermissionPattern) p = NULL;

      if (!g_str_equal (g->extension, extension) || !g_str_equal (g->tenant, tenant) ||
          (g->user != NULL && g_strcmp0 (g->user, user) != 0) ||
          (g->scope == KARI_SCOPE_UNTIL && now >= g->deadline_usec))
        continue;
      p = kari_permission_pattern_parse (g->permission, NULL);
      if (p == NULL || !kari_permission_pattern_matches (p, domain, action, resource, context))
        continue;
      found = kari_grant_copy (g);
      if (consume_once && g->scope == KARI_SCOPE_ONCE)
        {
          g_ptr_array_remove_index (self->grants, i);
          __atomic_add_fetch (&self->gen, 1, __ATOMIC_RELEASE);
        }
    }
  g_mutex_unlock (&self->lock);
  return found;
}

/* TEMPORARY: policies — the three built-ins decide one way each */
struct _KariPolicy { GObject parent; char *name; KariPolicyDecision decision; };
G_DEFINE_FINAL_TYPE (KariPolicy, kari_policy, G_TYPE_OBJECT)
static void kari_policy_finalize (GObject *o) { g_free (((KariPolicy *) o)->name); G_OBJECT_CLASS (kari_policy_parent_class)->finalize (o); }
static void kari_policy_class_init (KariPolicyClass *k) { G_OBJECT_CLASS (k)->finalize = kari_policy_finalize; }
static void kari_policy_init (KariPolicy *p) {}
G_DEFINE_QUARK (kari-policy-error-quark, kari_policy_error)

KariPolicy *
kari_policy_new_builtin (const char *name, GError **error)
{
  static const struct { const char *name; KariPolicyDecision d; } table[] = {
    { "strict", KARI_POLICY_DENY }, { "balanced", KARI_POLICY_ASK }, { "permissive", KARI_POLICY_ALLOW },
  };
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (table[i].name, name))
      {
        KariPolicy *p = g_object_new (KARI_TYPE_POLICY, NULL);
        p->name = g_strdup (name);
        p->decision = table[i].d;
        return p;
      }
  g_set_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_UNKNOWN, "no policy “%s”", name);
  return NULL;
}

KariPolicy *
kari_policy_new_from_file (const char *base, const char *rules_path, GPtrArray *diagnostics, GError **error)
{
  if (!g_file_test (rules_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, KARI_POLICY_ERROR, KARI_POLICY_ERROR_INVALID, "%s: missing", rules_path);
      return NULL;
    }
  return kari_policy_new_builtin (base, error);
}

const char *kari_policy_get_name (KariPolicy *self) { return self->name; }

KariPolicyDecision
kari_policy_decide (KariPolicy *self, const KariPolicyQuery *query, const char **rule)
{
  if (rule)
    *rule = self->name;
  return self->decision;
}

/* TEMPORARY: roles — the local user is admin, others have what is assigned */
struct _KariRoles { GObject parent; char *local; GMutex lock; GHashTable *assigned; };
G_DEFINE_FINAL_TYPE (KariRoles, kari_roles, G_TYPE_OBJECT)
static void kari_roles_finalize (GObject *o) { g_free (((KariRoles *) o)->local); g_hash_table_unref (((KariRoles *) o)->assigned); G_OBJECT_CLASS (kari_roles_parent_class)->finalize (o); }
static void kari_roles_class_init (KariRolesClass *k) { G_OBJECT_CLASS (k)->finalize = kari_roles_finalize; }
static void kari_roles_init (KariRoles *r)
{
  g_mutex_init (&r->lock);
  r->assigned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

KariRoles *
kari_roles_new (KariRegistry *registry, const char *local_user)
{
  KariRoles *r = g_object_new (KARI_TYPE_ROLES, NULL);
  r->local = g_strdup (local_user);
  return r;
}

const char *kari_roles_get_local_user (KariRoles *self) { return self->local; }
const char *kari_admin_action_to_string (KariAdminAction action) { return "administer"; }

gboolean
kari_roles_assign (KariRoles *self, const char *tenant, const char *user, const char *role, GError **error)
{
  g_mutex_lock (&self->lock);
  g_hash_table_add (self->assigned, g_strjoin ("\x1f", tenant, user, role, NULL));
  g_mutex_unlock (&self->lock);
  return TRUE;
}

gboolean
kari_roles_unassign (KariRoles *self, const char *tenant, const char *user, const char *role, GError **error)
{
  g_autofree char *key = g_strjoin ("\x1f", tenant, user, role, NULL);
  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->assigned, key);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

GStrv
kari_roles_get_user_roles (KariRoles *self, const char *tenant, const char *user)
{
  static const char *all[] = { "admin", "user", "viewer" };
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      g_autofree char *key = g_strjoin ("\x1f", tenant, user, all[i], NULL);
      if (g_hash_table_contains (self->assigned, key) || (i == 0 && g_strcmp0 (user, self->local) == 0))
        g_strv_builder_add (b, all[i]);
    }
  g_mutex_unlock (&self->lock);
  return g_strv_builder_end (b);
}

gboolean
kari_roles_may (KariRoles *self, const char *tenant, const char *user, KariAdminAction action, GError **error)
{
  g_auto(GStrv) roles = kari_roles_get_user_roles (self, tenant, user);
  return g_strv_contains ((const char * const *) roles, "admin");
}

/* TEMPORARY: audit — counts */
struct _KariAuditLog { GObject parent; guint64 n; };
G_DEFINE_FINAL_TYPE (KariAuditLog, kari_audit_log, G_TYPE_OBJECT)
static void kari_audit_log_class_init (KariAuditLogClass *k) {}
static void kari_audit_log_init (KariAuditLog *a) {}

KariAuditLog *
kari_audit_log_open (const char *registry_path, GError **error)
{
  return g_object_new (KARI_TYPE_AUDIT_LOG, NULL);
}

void kari_audit_log_append (KariAuditLog *self, const KariAuditEntry *entry) { __atomic_add_fetch (&self->n, 1, __ATOMIC_RELAXED); }
guint64 kari_audit_log_get_n_appended (KariAuditLog *self) { return __atomic_load_n (&self->n, __ATOMIC_RELAXED); }
gboolean kari_audit_log_flush (KariAuditLog *self, GError **error) { return TRUE; }
gboolean kari_audit_log_close (KariAuditLog *self, GError **error) { return TRUE; }
