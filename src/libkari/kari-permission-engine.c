/* kari-permission-engine.c — every permission check, cached and audited
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A check runs: cache → parse → declared? → grant → policy. The cache
 * is looked up before parsing because only a string that parsed can be
 * in it, and parsing is deterministic, so the order of the outcome is
 * the documented one: parse, cache, declared, grant, policy.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <json-glib/json-glib.h>
#include <string.h>

#include "kari-grant-private.h"
#include "kari-permission-engine-private.h"
#include "kari-permission.h"
#include "kari-registry-private.h"

/* Longer requests are refused before they can fill the cache. */
#define MAX_PERMISSION_LEN 4096
#define CACHE_SHARD_MAX    4096

G_DEFINE_QUARK (kari-permission-engine-error-quark, kari_permission_engine_error)

G_DEFINE_FINAL_TYPE (KariPermissionEngine, kari_permission_engine, G_TYPE_OBJECT)

/**
 * kari_check_result_clear:
 * @result: a #KariCheckResult
 *
 * Frees what @result holds, not @result itself.
 */
void
kari_check_result_clear (KariCheckResult *result)
{
  g_clear_pointer (&result->decided_by, g_free);
}

/* ------------------------------------------------------------------ */
/* The decision cache                                                  */

typedef struct
{
  guint        hash;
  const char  *tenant;
  const char  *user;        /* NULL for no user */
  const char  *extension;
  const char  *permission;
  guint        generation;
  guint64      grant_generation;
  gint64       deadline_usec;  /* monotonic; 0 when the decision has no end */
  KariVerdict  verdict;
  char        *decided_by;
  char         storage[];
} CacheEntry;

/* FNV-1a over the four strings, a NUL between them and a marker for no
 * user, so ("a", "bc") and ("ab", "c") differ. */
static inline guint
hash_part (guint       h,
           const char *s)
{
  if (s == NULL)
    return (h ^ 0xffu) * 16777619u;
  for (; *s; s++)
    h = (h ^ (guchar) *s) * 16777619u;
  return h * 16777619u;
}

static guint
cache_hash (const char *tenant,
            const char *user,
            const char *extension,
            const char *permission)
{
  guint h = 2166136261u;

  h = hash_part (h, tenant);
  h = hash_part (h, user);
  h = hash_part (h, extension);
  return hash_part (h, permission);
}

static guint
cache_entry_hash (gconstpointer key)
{
  return ((const CacheEntry *) key)->hash;
}

static gboolean
cache_entry_equal (gconstpointer a,
                   gconstpointer b)
{
  const CacheEntry *x = a;
  const CacheEntry *y = b;

  return x->hash == y->hash &&
         strcmp (x->permission, y->permission) == 0 &&
         strcmp (x->extension, y->extension) == 0 &&
         strcmp (x->tenant, y->tenant) == 0 &&
         g_strcmp0 (x->user, y->user) == 0;
}

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  g_free (entry->decided_by);
  g_free (entry);
}

static CacheEntry *
cache_entry_new (const CacheEntry *probe)
{
  gsize lt = strlen (probe->tenant) + 1;
  gsize lu = probe->user != NULL ? strlen (probe->user) + 1 : 0;
  gsize le = strlen (probe->extension) + 1;
  gsize lp = strlen (probe->permission) + 1;
  CacheEntry *entry = g_malloc (sizeof (CacheEntry) + lt + lu + le + lp);
  char *p = entry->storage;

  *entry = *probe;
  entry->tenant = memcpy (p, probe->tenant, lt), p += lt;
  entry->user = probe->user != NULL ? memcpy (p, probe->user, lu) : NULL, p += lu;
  entry->extension = memcpy (p, probe->extension, le), p += le;
  entry->permission = memcpy (p, probe->permission, lp);
  entry->decided_by = g_strdup (probe->decided_by);
  return entry;
}

static gboolean
cache_lookup (KariPermissionEngine *self,
              CacheEntry           *probe,
              KariCheckResult      *result)
{
  CacheShard *shard = &self->shards[probe->hash % CACHE_SHARDS];
  guint generation = (guint) g_atomic_int_get (&self->generation);
  guint64 grant_generation = kari_grant_store_get_generation (self->grants);
  gboolean hit = FALSE;
  CacheEntry *entry;

  g_mutex_lock (&shard->lock);
  entry = g_hash_table_lookup (shard->table, probe);
  if (entry != NULL &&
      entry->generation == generation &&
      entry->grant_generation == grant_generation &&
      (entry->deadline_usec == 0 ||
       self->clock.now_usec (self->clock.user_data) < entry->deadline_usec))
    {
      result->verdict = entry->verdict;
      result->decided_by = g_strdup (entry->decided_by);
      result->cached = TRUE;
      hit = TRUE;
    }
  g_mutex_unlock (&shard->lock);

  return hit;
}

static void
cache_store (KariPermissionEngine *self,
             const CacheEntry     *probe)
{
  CacheShard *shard = &self->shards[probe->hash % CACHE_SHARDS];
  CacheEntry *entry = cache_entry_new (probe);

  g_mutex_lock (&shard->lock);
  /* Bounded: a hostile extension asking for ever new resources must not
   * grow the cache without end. Starting over is cheap and correct. */
  if (g_hash_table_size (shard->table) >= CACHE_SHARD_MAX)
    g_hash_table_remove_all (shard->table);
  g_hash_table_add (shard->table, entry);
  g_mutex_unlock (&shard->lock);
}

void
_kari_permission_engine_bump (KariPermissionEngine *self)
{
  g_atomic_int_inc (&self->generation);
}

/* For benchmarks and tests: every check evaluated in full. */
void
_kari_permission_engine_set_cache_enabled (KariPermissionEngine *self,
                                           gboolean              enabled)
{
  self->cache_enabled = enabled;
}

/* ------------------------------------------------------------------ */
/* Declared permissions                                                */

static Declared *
declared_ref (Declared *declared)
{
  g_atomic_ref_count_inc (&declared->ref);
  return declared;
}

void
_kari_declared_unref (Declared *declared)
{
  if (declared == NULL || !g_atomic_ref_count_dec (&declared->ref))
    return;
  g_free (declared->display_name);
  g_strfreev (declared->texts);
  g_ptr_array_unref (declared->patterns);
  g_free (declared);
}

Declared *
_kari_declared_lookup (KariPermissionEngine *self,
                       const char           *extension)
{
  Declared *declared;

  g_rw_lock_reader_lock (&self->lock);
  declared = g_hash_table_lookup (self->declared, extension);
  if (declared != NULL)
    declared_ref (declared);
  g_rw_lock_reader_unlock (&self->lock);
  return declared;
}

static Declared *
declared_new (const char         *display_name,
              const char * const *permissions,
              GError            **error)
{
  g_autoptr(Declared) declared = g_new0 (Declared, 1);
  g_autoptr(GStrvBuilder) texts = g_strv_builder_new ();

  g_atomic_ref_count_init (&declared->ref);
  declared->display_name = g_strdup (display_name);
  declared->patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_permission_pattern_free);
  for (guint i = 0; permissions != NULL && permissions[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      KariPermissionPattern *pattern = kari_permission_pattern_parse (permissions[i], &local_error);

      if (pattern == NULL)
        {
          g_set_error (error, KARI_PERMISSION_ENGINE_ERROR, KARI_PERMISSION_ENGINE_ERROR_INVALID,
                       _("declared permission %u: %s"), i + 1, local_error->message);
          return NULL;
        }
      g_ptr_array_add (declared->patterns, pattern);
      g_strv_builder_add (texts, permissions[i]);
    }
  declared->texts = g_strv_builder_end (texts);
  return g_steal_pointer (&declared);
}

/**
 * kari_permission_engine_set_declared:
 * @self: a #KariPermissionEngine
 * @extension: the extension
 * @display_name: (nullable): its display name, for prompts
 * @permissions: (nullable) (array zero-terminated=1): what its manifest
 *   declares, list form; %NULL or empty declares nothing
 * @error: set when a permission does not parse
 *
 * Sets what @extension may ever ask for. The next check sees it.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_permission_engine_set_declared (KariPermissionEngine *self,
                                     const char           *extension,
                                     const char           *display_name,
                                     const char * const   *permissions,
                                     GError              **error)
{
  Declared *declared;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), FALSE);
  g_return_val_if_fail (extension != NULL, FALSE);

  declared = declared_new (display_name, permissions, error);
  if (declared == NULL)
    return FALSE;

  g_mutex_lock (&self->admin_lock);
  g_rw_lock_writer_lock (&self->lock);
  g_hash_table_replace (self->declared, g_strdup (extension), declared);
  _kari_permission_engine_bump (self);
  g_rw_lock_writer_unlock (&self->lock);
  g_mutex_unlock (&self->admin_lock);
  return TRUE;
}

/* The manifest's `permissions`, list or grouped form. Manifests in the
 * registry were validated at install; an entry that no longer reads is
 * left out, which can only take permissions away. */
static GStrv
permissions_from_manifest (JsonObject  *manifest,
                           char       **display_name)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (manifest, "permissions");
  JsonNode *name = json_object_get_member (manifest, "display_name");

  if (name != NULL && JSON_NODE_HOLDS_VALUE (name) && json_node_get_value_type (name) == G_TYPE_STRING)
    *display_name = g_strdup (json_node_get_string (name));

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *e = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING &&
              kari_permission_check_syntax (json_node_get_string (e), NULL))
            g_strv_builder_add (b, json_node_get_string (e));
        }
    }
  else if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *group;
      JsonNode *values;

      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &group, &values))
        {
          JsonArray *array = JSON_NODE_HOLDS_ARRAY (values) ? json_node_get_array (values) : NULL;

          for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
            {
              JsonNode *e = json_array_get_element (array, i);
              g_auto(GStrv) expanded = NULL;

              if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
                expanded = kari_permission_expand_grouped (group, json_node_get_string (e), NULL);
              if (expanded != NULL)
                g_strv_builder_addv (b, (const char **) expanded);
            }
        }
    }
  return g_strv_builder_end (b);
}

/**
 * kari_permission_engine_load_declared:
 * @self: a #KariPermissionEngine
 * @error: set when the registry cannot be read
 *
 * Replaces every declared set with what the installed extensions'
 * manifests in the registry declare. Extensions no longer installed
 * declare nothing afterwards.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_permission_engine_load_declared (KariPermissionEngine *self,
                                      GError              **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) fresh = NULL;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), FALSE);

  entries = kari_registry_list (self->registry, error);
  if (entries == NULL)
    return FALSE;

  fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) _kari_declared_unref);
  for (guint i = 0; i < entries->len; i++)
    {
      KariRegistryEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *display_name = NULL;
      g_auto(GStrv) permissions = NULL;
      Declared *declared;

      if (!json_parser_load_from_data (parser, entry->manifest_json, -1, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      permissions = permissions_from_manifest (json_node_get_object (json_parser_get_root (parser)),
                                               &display_name);
      declared = declared_new (display_name, (const char * const *) permissions, NULL);
      if (declared != NULL)
        g_hash_table_replace (fresh, g_strdup (entry->name), declared);
    }

  g_mutex_lock (&self->admin_lock);
  g_rw_lock_writer_lock (&self->lock);
  g_clear_pointer (&self->declared, g_hash_table_unref);
  self->declared = g_steal_pointer (&fresh);
  _kari_permission_engine_bump (self);
  g_rw_lock_writer_unlock (&self->lock);
  g_mutex_unlock (&self->admin_lock);
  return TRUE;
}

/**
 * kari_permission_engine_get_declared:
 * @self: a #KariPermissionEngine
 * @extension: the extension
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): what
 *   @extension declares, or %NULL when nothing was set for it; valid
 *   until its declared set is next replaced
 */
const char * const *
kari_permission_engine_get_declared (KariPermissionEngine *self,
                                     const char           *extension)
{
  Declared *declared;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), NULL);
  g_return_val_if_fail (extension != NULL, NULL);

  g_rw_lock_reader_lock (&self->lock);
  declared = g_hash_table_lookup (self->declared, extension);
  g_rw_lock_reader_unlock (&self->lock);
  return declared != NULL ? (const char * const *) declared->texts : NULL;
}

/* ------------------------------------------------------------------ */
/* Auditing                                                            */

void
_kari_permission_engine_audit (KariPermissionEngine *self,
                               KariAuditKind         kind,
                               const char           *tenant,
                               const char           *user,
                               const char           *extension,
                               const char           *permission,
                               const char           *resource,
                               gboolean              allowed,
                               gboolean              cached,
                               const char           *decided_by,
                               const char           *detail)
{
  /* The log copies what it keeps, so the entry lives on the stack. */
  KariAuditEntry entry = {
    .time_usec = self->clock.wall_usec (self->clock.user_data),
    .kind = kind,
    .extension = (char *) extension,
    .tenant = (char *) tenant,
    .user = (char *) user,
    .permission = (char *) permission,
    .resource = (char *) resource,
    .allowed = allowed,
    .cached = cached,
    .decided_by = (char *) decided_by,
    .detail = (char *) detail,
  };

  if (self->audit != NULL)
    kari_audit_log_append (self->audit, &entry);
}

/* The resource is the text after the second colon, a suffix of the
 * string, so no copy is needed to log it. */
const char *
_kari_permission_resource_of (const char *permission)
{
  const char *colon = strchr (permission, ':');

  colon = colon != NULL ? strchr (colon + 1, ':') : NULL;
  return colon != NULL ? colon + 1 : NULL;
}

void
_kari_permission_engine_context (const char            *tenant,
                                 const char            *extension,
                                 KariPermissionContext *context,
                                 char                 **data_dir)
{
  *data_dir = g_build_filename (g_get_user_data_dir (), "kari", "data", tenant, extension, NULL);
  context->home = g_get_home_dir ();
  context->data = *data_dir;
}

/* ------------------------------------------------------------------ */
/* The check                                                           */

static KariVerdict
evaluate (KariPermissionEngine *self,
          const CacheEntry     *key,
          const char           *domain,
          const char           *action,
          const char           *resource,
          gint64               *deadline_usec,
          gboolean             *cacheable,
          char                **decided_by)
{
  g_autoptr(Declared) declared = _kari_declared_lookup (self, key->extension);
  g_autofree char *data_dir = NULL;
  g_autoptr(KariGrant) grant = NULL;
  g_autoptr(KariPolicy) policy = NULL;
  g_auto(GStrv) roles = NULL;
  KariPermissionContext context;
  KariPolicyQuery query;
  KariPolicyDecision decision;
  const char *rule = NULL;
  gboolean is_declared = FALSE;

  _kari_permission_engine_context (key->tenant, key->extension, &context, &data_dir);

  for (guint i = 0; declared != NULL && i < declared->patterns->len && !is_declared; i++)
    is_declared = kari_permission_pattern_matches (g_ptr_array_index (declared->patterns, i),
                                                   domain, action, resource, &context);
  if (!is_declared)
    {
      *decided_by = g_strdup ("undeclared");
      return KARI_VERDICT_DENY;
    }

  grant = kari_grant_store_find (self->grants, key->extension, key->tenant, key->user,
                                 domain, action, resource, &context, TRUE);
  if (grant != NULL)
    {
      /* A consumed once-grant must not allow the next check too. */
      *cacheable = grant->scope != KARI_SCOPE_ONCE;
      if (grant->scope == KARI_SCOPE_UNTIL)
        *deadline_usec = grant->deadline_usec;
      *decided_by = g_strdup_printf ("grant:%" G_GINT64_FORMAT, grant->id);
      return KARI_VERDICT_ALLOW;
    }

  if (key->user != NULL)
    roles = kari_roles_get_user_roles (self->roles, key->tenant, key->user);
  g_rw_lock_reader_lock (&self->lock);
  policy = g_object_ref (self->policy);
  g_rw_lock_reader_unlock (&self->lock);

  query = (KariPolicyQuery) {
    .extension = key->extension,
    .tenant = key->tenant,
    .user = key->user,
    .roles = (const char * const *) roles,
    .domain = domain,
    .action = action,
    .resource = resource,
    .context = &context,
  };
  decision = kari_policy_decide (policy, &query, &rule);
  *decided_by = g_strconcat ("policy:", rule != NULL ? rule : kari_policy_get_name (policy), NULL);

  switch (decision)
    {
    case KARI_POLICY_ALLOW:
      return KARI_VERDICT_ALLOW;
    case KARI_POLICY_ASK:
      *cacheable = FALSE;
      return KARI_VERDICT_ASK;
    case KARI_POLICY_DENY:
    default:
      return KARI_VERDICT_DENY;
    }
}

/**
 * kari_permission_engine_check:
 * @self: a #KariPermissionEngine
 * @check: what is asked
 * @result: (out caller-allocates) (optional): the decision and who made it;
 *   clear it with kari_check_result_clear()
 *
 * Decides at once, without asking anyone; %KARI_VERDICT_ASK means the
 * policy wants the person asked (see kari_permission_engine_check_async()).
 * Anything the extension's manifest does not declare is denied. Every
 * decision is audited. Safe to call from any thread.
 *
 * Returns: the verdict
 */
KariVerdict
kari_permission_engine_check (KariPermissionEngine *self,
                              const KariCheck      *check,
                              KariCheckResult      *result)
{
  KariCheckResult local = { KARI_VERDICT_DENY, FALSE, NULL };
  KariCheckResult *out = result != NULL ? result : &local;
  CacheEntry probe = { 0 };
  g_autofree char *domain = NULL;
  g_autofree char *action = NULL;
  g_autofree char *resource = NULL;
  gboolean cacheable = TRUE;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), KARI_VERDICT_DENY);
  g_return_val_if_fail (check != NULL && check->extension != NULL, KARI_VERDICT_DENY);

  *out = (KariCheckResult) { KARI_VERDICT_DENY, FALSE, NULL };
  probe.tenant = check->tenant != NULL ? check->tenant : "default";
  probe.user = check->user;
  probe.extension = check->extension;
  probe.permission = check->permission != NULL ? check->permission : "";

  /* Checked before the cache so a hostile string is never hashed whole
   * nor kept. */
  if (strnlen (probe.permission, MAX_PERMISSION_LEN + 1) > MAX_PERMISSION_LEN)
    {
      out->decided_by = g_strdup ("invalid");
      goto done;
    }

  probe.hash = cache_hash (probe.tenant, probe.user, probe.extension, probe.permission);
  /* Another process may have revoked since: that must count at once */
  _kari_permission_engine_follow (self);
  if (self->cache_enabled && cache_lookup (self, &probe, out))
    goto done;

  probe.generation = (guint) g_atomic_int_get (&self->generation);
  probe.grant_generation = kari_grant_store_get_generation (self->grants);

  if (!kari_permission_split (probe.permission, &domain, &action, &resource, NULL))
    {
      out->decided_by = g_strdup ("invalid");
      goto done;
    }
  out->verdict = evaluate (self, &probe, domain, action, resource,
                           &probe.deadline_usec, &cacheable, &out->decided_by);
  /* A path's meaning changes with the filesystem (a link inside $DATA
   * can be pointed elsewhere between two checks), so it is resolved and
   * matched again every time. */
  if (g_strcmp0 (domain, "filesystem") == 0)
    cacheable = FALSE;
  if (self->cache_enabled && cacheable)
    {
      probe.verdict = out->verdict;
      probe.decided_by = out->decided_by;
      cache_store (self, &probe);
    }

done:
  _kari_permission_engine_audit (self, KARI_AUDIT_CHECK, probe.tenant, probe.user, probe.extension,
                                 probe.permission, _kari_permission_resource_of (probe.permission),
                                 out->verdict == KARI_VERDICT_ALLOW, out->cached, out->decided_by,
                                 out->verdict == KARI_VERDICT_ASK ? "ask" : NULL);
  kari_check_result_clear (&local);
  return out->verdict;
}

/* ------------------------------------------------------------------ */
/* The object                                                          */

static void
kari_permission_engine_finalize (GObject *object)
{
  KariPermissionEngine *self = KARI_PERMISSION_ENGINE (object);

  _kari_permission_engine_sync_clear (self);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_object (&self->agent);
  for (guint i = 0; i < CACHE_SHARDS; i++)
    {
      g_clear_pointer (&self->shards[i].table, g_hash_table_unref);
      g_mutex_clear (&self->shards[i].lock);
    }
  g_clear_pointer (&self->declared, g_hash_table_unref);
  g_clear_object (&self->policy);
  g_clear_object (&self->roles);
  g_clear_object (&self->grants);
  g_clear_object (&self->audit);
  g_clear_object (&self->registry);
  g_rw_lock_clear (&self->lock);
  g_mutex_clear (&self->admin_lock);
  g_mutex_clear (&self->prompt_lock);

  G_OBJECT_CLASS (kari_permission_engine_parent_class)->finalize (object);
}

static void
kari_permission_engine_class_init (KariPermissionEngineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_permission_engine_finalize;
  _kari_permission_engine_sync_class_init (klass);
}

static void
kari_permission_engine_init (KariPermissionEngine *self)
{
  g_rw_lock_init (&self->lock);
  g_mutex_init (&self->admin_lock);
  g_mutex_init (&self->prompt_lock);
  g_mutex_init (&self->sync_lock);
  self->cache_enabled = TRUE;
  self->prompt_timeout_ms = 60 * 1000;
  self->declared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) _kari_declared_unref);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         _kari_permission_engine_pending_free);
  for (guint i = 0; i < CACHE_SHARDS; i++)
    {
      g_mutex_init (&self->shards[i].lock);
      self->shards[i].table = g_hash_table_new_full (cache_entry_hash, cache_entry_equal,
                                                     cache_entry_free, NULL);
    }
}

/**
 * kari_permission_engine_new:
 * @registry: the registry grants, roles and settings live in
 * @audit: (nullable): where every decision is written
 * @clock: (nullable): time for grant expiry; %NULL for the system clocks
 * @error: set when the grant store or the saved policy cannot be loaded
 *
 * Creates the engine with the policy saved in the registry's settings
 * (`policy.base`, `policy.rules_path`; `balanced` when none is saved).
 * Grants, roles and the policy that other processes change in the
 * registry count from the next check on (see
 * kari_permission_engine_refresh()).
 * Nothing is declared until kari_permission_engine_load_declared() or
 * kari_permission_engine_set_declared().
 *
 * Returns: (transfer full): a new engine, or %NULL with @error set
 */
KariPermissionEngine *
kari_permission_engine_new (KariRegistry     *registry,
                            KariAuditLog     *audit,
                            const KariClock  *clock,
                            GError          **error)
{
  g_autoptr(KariPermissionEngine) self = NULL;

  g_return_val_if_fail (KARI_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (audit == NULL || KARI_IS_AUDIT_LOG (audit), NULL);

  self = g_object_new (KARI_TYPE_PERMISSION_ENGINE, NULL);
  self->registry = g_object_ref (registry);
  self->audit = audit != NULL ? g_object_ref (audit) : NULL;
  if (clock != NULL)
    self->clock = *clock;
  _kari_clock_fill_defaults (&self->clock);

  self->grants = kari_grant_store_new (registry, &self->clock, error);
  if (self->grants == NULL)
    return NULL;
  self->roles = kari_roles_new (registry, g_get_user_name ());
  self->policy = _kari_permission_engine_load_policy (registry, &self->policy_base,
                                                      &self->policy_rules, error);
  if (self->policy == NULL || !_kari_permission_engine_sync_init (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * kari_permission_engine_get_grants:
 * @self: a #KariPermissionEngine
 *
 * Changes made straight on the store are seen by the next check (the
 * engine follows its generation), but are not audited: prefer
 * kari_permission_engine_grant() and kari_permission_engine_revoke().
 *
 * Returns: (transfer none): the grant store
 */
KariGrantStore *
kari_permission_engine_get_grants (KariPermissionEngine *self)
{
  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), NULL);
  return self->grants;
}

/**
 * kari_permission_engine_get_roles:
 * @self: a #KariPermissionEngine
 *
 * Change roles through kari_permission_engine_assign_role() so cached
 * decisions are dropped, or call kari_permission_engine_invalidate().
 *
 * Returns: (transfer none): the roles
 */
KariRoles *
kari_permission_engine_get_roles (KariPermissionEngine *self)
{
  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), NULL);
  return self->roles;
}

/**
 * kari_permission_engine_get_policy:
 * @self: a #KariPermissionEngine
 *
 * Returns: (transfer none): the policy in force; valid until the next
 *   kari_permission_engine_set_policy()
 */
KariPolicy *
kari_permission_engine_get_policy (KariPermissionEngine *self)
{
  KariPolicy *policy;

  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), NULL);

  g_rw_lock_reader_lock (&self->lock);
  policy = self->policy;
  g_rw_lock_reader_unlock (&self->lock);
  return policy;
}

/**
 * kari_permission_engine_invalidate:
 * @self: a #KariPermissionEngine
 *
 * Drops every cached decision, for changes the engine cannot see (roles
 * changed directly on the #KariRoles, say).
 */
void
kari_permission_engine_invalidate (KariPermissionEngine *self)
{
  g_return_if_fail (KARI_IS_PERMISSION_ENGINE (self));
  _kari_permission_engine_bump (self);
}

/**
 * kari_permission_engine_get_generation:
 * @self: a #KariPermissionEngine
 *
 * Returns: a number that changes whenever a grant, revocation, policy,
 *   declared set or role changes through the engine, or is found to
 *   have been changed in the registry by another process
 */
guint
kari_permission_engine_get_generation (KariPermissionEngine *self)
{
  g_return_val_if_fail (KARI_IS_PERMISSION_ENGINE (self), 0);
  return (guint) g_atomic_int_get (&self->generation);
}
