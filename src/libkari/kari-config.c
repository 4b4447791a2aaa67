/* kari-config.c — an extension's settings in one tenant
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a person set is one JSON object per extension and tenant in the
 * registry's `config` table; what they did not set comes from the
 * manifest's `config.defaults`, then from the schema's `default`s. The
 * fields the schema marks secret (kari_json_schema_list_fields()) are
 * never written there: their values go to the keyring (kari-secret.c)
 * and `config_secrets` only records which are set.
 *
 * A change is validated against `config.schema` as the whole document it
 * makes, defaults included. A `required` setting that is not set yet
 * does not block setting another (settings are given one at a time);
 * every other rule does.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-config-private.h"
#include "kari-config.h"
#include "kari-json.h"
#include "kari-registry-private.h"
#include "kari-secret-private.h"

struct _KariConfig
{
  GObject         parent_instance;

  KariRegistry   *registry;
  char           *extension;
  char           *tenant;
  KariJsonSchema *schema;      /* NULL: the manifest declares none */
  JsonNode       *defaults;    /* config.defaults, an object */
  GPtrArray      *secrets;     /* of KariJsonSchemaField, the secret ones */
};

G_DEFINE_FINAL_TYPE (KariConfig, kari_config, G_TYPE_OBJECT)
G_DEFINE_QUARK (kari-config-error-quark, kari_config_error)

static void
kari_config_finalize (GObject *object)
{
  KariConfig *self = KARI_CONFIG (object);

  g_clear_object (&self->registry);
  g_clear_object (&self->schema);
  g_clear_pointer (&self->defaults, json_node_unref);
  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  g_free (self->extension);
  g_free (self->tenant);

  G_OBJECT_CLASS (kari_config_parent_class)->finalize (object);
}

static void
kari_config_class_init (KariConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_config_finalize;
}

static void
kari_config_init (KariConfig *self)
{
}

static JsonNode *
member_of (JsonNode   *node,
           const char *name)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_get_member (json_node_get_object (node), name);
}

/**
 * kari_config_new:
 * @registry: the registry the settings are kept in
 * @manifest: the extension's manifest, for `config.schema` and
 *   `config.defaults`
 * @tenant: the tenant whose settings these are
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the extension's settings in @tenant, or
 *   %NULL with %KARI_CONFIG_ERROR_BAD_SCHEMA when its schema does not
 *   compile
 */
KariConfig *
kari_config_new (KariRegistry  *registry,
                 KariManifest  *manifest,
                 const char    *tenant,
                 GError       **error)
{
  g_autoptr(KariConfig) self = NULL;
  JsonNode *config, *schema, *defaults;

  g_return_val_if_fail (KARI_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (KARI_IS_MANIFEST (manifest), NULL);
  g_return_val_if_fail (tenant != NULL, NULL);

  self = g_object_new (KARI_TYPE_CONFIG, NULL);
  self->registry = g_object_ref (registry);
  self->extension = g_strdup (kari_manifest_get_name (manifest));
  self->tenant = g_strdup (tenant);
  self->secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_json_schema_field_free);

  config = member_of (kari_manifest_get_root (manifest), "config");
  schema = member_of (config, "schema");
  defaults = member_of (config, "defaults");
  self->defaults = defaults != NULL && JSON_NODE_HOLDS_OBJECT (defaults)
                   ? _kari_config_deep_copy (defaults) : json_node_init_object (json_node_alloc (), json_object_new ());

  if (schema != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GPtrArray) fields = NULL;

      self->schema = kari_json_schema_new (schema, &local_error);
      if (self->schema == NULL)
        {
          g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_BAD_SCHEMA,
                       _("The config.schema of %s is not a schema Kari can use: %s"),
                       self->extension, local_error->message);
          return NULL;
        }
      fields = kari_json_schema_list_fields (self->schema);
      for (guint i = 0; i < fields->len; i++)
        {
          KariJsonSchemaField *field = g_ptr_array_index (fields, i);

          if (field->secret)
            g_ptr_array_add (self->secrets, kari_json_schema_field_copy (field));
        }
    }
  return g_steal_pointer (&self);
}

/**
 * kari_config_get_extension:
 * @self: a #KariConfig
 *
 * Returns: the extension's name
 */
const char *
kari_config_get_extension (KariConfig *self)
{
  g_return_val_if_fail (KARI_IS_CONFIG (self), NULL);
  return self->extension;
}

/**
 * kari_config_get_tenant:
 * @self: a #KariConfig
 *
 * Returns: the tenant
 */
const char *
kari_config_get_tenant (KariConfig *self)
{
  g_return_val_if_fail (KARI_IS_CONFIG (self), NULL);
  return self->tenant;
}

/**
 * kari_config_get_schema:
 * @self: a #KariConfig
 *
 * Returns: (transfer none) (nullable): the compiled `config.schema`, or
 *   %NULL when the manifest declares none
 */
KariJsonSchema *
kari_config_get_schema (KariConfig *self)
{
  g_return_val_if_fail (KARI_IS_CONFIG (self), NULL);
  return self->schema;
}

static KariJsonSchemaField *
find_secret (KariConfig *self,
             const char *pointer)
{
  for (guint i = 0; i < self->secrets->len; i++)
    {
      KariJsonSchemaField *field = g_ptr_array_index (self->secrets, i);

      if (g_str_equal (field->pointer, pointer))
        return field;
    }
  return NULL;
}

/**
 * kari_config_is_secret:
 * @self: a #KariConfig
 * @pointer: a setting, as a JSON Pointer
 *
 * Returns: whether the schema marks that setting secret
 */
gboolean
kari_config_is_secret (KariConfig *self,
                       const char *pointer)
{
  g_return_val_if_fail (KARI_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (pointer != NULL, FALSE);
  return find_secret (self, pointer) != NULL;
}

/**
 * kari_config_dup_secret_keys:
 * @self: a #KariConfig
 *
 * Returns: (transfer full): the JSON Pointers of the secret settings, in
 *   schema order
 */
GStrv
kari_config_dup_secret_keys (KariConfig *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (KARI_IS_CONFIG (self), NULL);

  for (guint i = 0; i < self->secrets->len; i++)
    g_strv_builder_add (builder, ((KariJsonSchemaField *) g_ptr_array_index (self->secrets, i))->pointer);
  return g_strv_builder_end (builder);
}

/* What a person set (secrets aside), as an object node. */
static JsonNode *
load_stored (KariConfig  *self,
             GError     **error)
{
  g_autoptr(KariSqlStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  JsonNode *node;
  int rc = SQLITE_ERROR;

  g_mutex_lock (&self->registry->lock);
  stmt = _kari_registry_prepare (self->registry, "SELECT document FROM config WHERE extension = ?1 AND tenant = ?2",
                                 error, 2, self->extension, self->tenant);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else if (rc != SQLITE_DONE)
        _kari_registry_set_sqlite_error (error, self->registry->db, rc, "Reading the config");
    }
  g_mutex_unlock (&self->registry->lock);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return NULL;

  if (text == NULL)
    return json_node_init_object (json_node_alloc (), json_object_new ());
  node = kari_json_parse (text, -1, NULL, NULL, &local_error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&node, json_node_unref);
      g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_STORED,
                   _("The stored config of %s in the tenant %s is not a JSON object; "
                     "“kari-ext config reset %s” starts afresh"), self->extension, self->tenant, self->extension);
    }
  return node;
}

static gboolean
save_stored (KariConfig  *self,
             JsonNode    *stored,
             GError     **error)
{
  g_autofree char *text = json_to_string (stored, FALSE);
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
  gboolean ok;

  g_mutex_lock (&self->registry->lock);
  ok = _kari_registry_run (self->registry,
                           "INSERT INTO config (extension, tenant, document, updated_usec) "
                           "VALUES (?1, ?2, ?3, CAST (?4 AS INTEGER)) "
                           "ON CONFLICT (extension, tenant) DO UPDATE SET document = excluded.document, "
                           "  updated_usec = excluded.updated_usec",
                           "Saving the config", error, 4, self->extension, self->tenant, text, now);
  g_mutex_unlock (&self->registry->lock);
  return ok;
}

/* The document without secrets: defaults, then what was set, then the
 * schema's defaults for what is still missing. */
static JsonNode *
effective (KariConfig  *self,
           JsonNode    *stored,
           GError     **error)
{
  g_autoptr(JsonNode) merged = _kari_config_deep_copy (self->defaults);

  _kari_config_merge (json_node_get_object (merged), json_node_get_object (stored));
  if (self->schema == NULL)
    return g_steal_pointer (&merged);
  return kari_json_schema_apply_defaults (self->schema, merged);
}

static char *
secret_text (JsonNode *value)
{
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (value));
  return json_to_string (value, FALSE);
}

static JsonNode *
secret_node (KariJsonSchemaField *field,
             const char          *text)
{
  JsonNode *node = NULL;

  if (field->kind != KARI_JSON_SCHEMA_FIELD_STRING)
    node = kari_json_parse (text, -1, NULL, NULL, NULL);
  if (node == NULL)
    node = json_node_init_string (json_node_alloc (), text);
  return node;
}

static gboolean
secret_row_exists (KariConfig  *self,
                   const char  *pointer,
                   gboolean    *exists,
                   GError     **error)
{
  g_autoptr(KariSqlStmt) stmt = NULL;
  int rc = SQLITE_ERROR;

  g_mutex_lock (&self->registry->lock);
  stmt = _kari_registry_prepare (self->registry,
                                 "SELECT 1 FROM config_secrets WHERE extension = ?1 AND tenant = ?2 AND key = ?3",
                                 error, 3, self->extension, self->tenant, pointer);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        _kari_registry_set_sqlite_error (error, self->registry->db, rc, "Reading which secrets are set");
    }
  g_mutex_unlock (&self->registry->lock);
  *exists = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Puts the secrets that are set into @doc, from the keyring. */
static gboolean
add_secrets (KariConfig  *self,
             JsonNode    *doc,
             GError     **error)
{
  for (guint i = 0; i < self->secrets->len; i++)
    {
      KariJsonSchemaField *field = g_ptr_array_index (self->secrets, i);
      g_auto(GStrv) segments = _kari_config_pointer_split (field->pointer);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) value = NULL;
      gboolean set = FALSE;

      if (!secret_row_exists (self, field->pointer, &set, error))
        return FALSE;
      if (!set)
        continue;
      text = _kari_secret_lookup (self->extension, self->tenant, field->pointer, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (text == NULL)
        continue;   /* recorded but gone from the keyring: unset */
      value = secret_node (field, text);
      _kari_config_put (doc, (const char * const *) segments, value, NULL);
    }
  return TRUE;
}

/**
 * kari_config_get:
 * @self: a #KariConfig
 * @with_secrets: whether to read the secrets from the keyring too
 * @error: return location for a #GError
 *
 * The settings as the extension sees them: what was set, else the
 * manifest's `config.defaults`, else the schema's `default`s. Without
 * @with_secrets the secret settings are left out.
 *
 * Returns: (transfer full): the settings, a JSON object
 */
JsonNode *
kari_config_get (KariConfig  *self,
                 gboolean     with_secrets,
                 GError     **error)
{
  g_autoptr(JsonNode) stored = NULL;
  g_autoptr(JsonNode) doc = NULL;

  g_return_val_if_fail (KARI_IS_CONFIG (self), NULL);

  stored = load_stored (self, error);
  if (stored == NULL)
    return NULL;
  doc = effective (self, stored, error);
  if (doc == NULL)
    return NULL;
  /* Defaults never carry a secret out. */
  for (guint i = 0; i < self->secrets->len; i++)
    {
      g_auto(GStrv) segments = _kari_config_pointer_split (((KariJsonSchemaField *) g_ptr_array_index (self->secrets, i))->pointer);
      _kari_config_remove (doc, (const char * const *) segments);
    }
  if (with_secrets && !add_secrets (self, doc, error))
    return NULL;
  return g_steal_pointer (&doc);
}

/**
 * kari_config_get_value:
 * @self: a #KariConfig
 * @key: a JSON Pointer or dotted path
 * @with_secrets: whether a secret setting may be read
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when it is not
 *   set and has no default (@error unset), or on failure
 */
JsonNode *
kari_config_get_value (KariConfig  *self,
                       const char  *key,
                       gboolean     with_secrets,
                       GError     **error)
{
  g_autofree char *pointer = NULL;
  g_auto(GStrv) segments = NULL;
  g_autoptr(JsonNode) doc = NULL;
  JsonNode *value;

  g_return_val_if_fail (KARI_IS_CONFIG (self), NULL);

  pointer = kari_config_key_to_pointer (key, error);
  if (pointer == NULL)
    return NULL;
  doc = kari_config_get (self, with_secrets, error);
  if (doc == NULL)
    return NULL;
  segments = _kari_config_pointer_split (pointer);
  value = _kari_config_lookup (doc, (const char * const *) segments);
  return value != NULL ? _kari_config_deep_copy (value) : NULL;
}

/**
 * kari_config_secret_is_set:
 * @self: a #KariConfig
 * @key: a secret setting
 * @error: return location for a #GError
 *
 * Says whether a secret is set, without reading it from the keyring.
 *
 * Returns: %TRUE when set; %FALSE when not (@error unset) or on failure
 */
gboolean
kari_config_secret_is_set (KariConfig  *self,
                           const char  *key,
                           GError     **error)
{
  g_autofree char *pointer = NULL;
  gboolean set = FALSE;

  g_return_val_if_fail (KARI_IS_CONFIG (self), FALSE);

  pointer = kari_config_key_to_pointer (key, error);
  if (pointer == NULL)
    return FALSE;
  return secret_row_exists (self, pointer, &set, error) && set;
}

static gboolean
expects_string (KariConfig *self,
                const char *pointer)
{
  g_autoptr(GPtrArray) fields = NULL;

  if (self->schema == NULL)
    return FALSE;
  fields = kari_json_schema_list_fields (self->schema);
  for (guint i = 0; i < fields->len; i++)
    {
      KariJsonSchemaField *field = g_ptr_array_index (fields, i);

      if (!g_str_equal (field->pointer, pointer))
        continue;
      if (field->kind == KARI_JSON_SCHEMA_FIELD_STRING)
        return TRUE;
      if (field->kind == KARI_JSON_SCHEMA_FIELD_ENUM && field->choices != NULL)
        {
          for (guint j = 0; j < json_array_get_length (field->choices); j++)
            {
              JsonNode *choice = json_array_get_element (field->choices, j);

              if (!JSON_NODE_HOLDS_VALUE (choice) || json_node_get_value_type (choice) != G_TYPE_STRING)
                return FALSE;
            }
          return TRUE;
        }
      return FALSE;
    }
  return FALSE;
}

/**
 * kari_config_parse_value:
 * @self: a #KariConfig
 * @key: the setting the text is for
 * @text: a value typed by a person
 * @error: return location for a #GError
 *
 * @text is read as JSON (`8080`, `true`, `"text"`, `{"a": 1}`). When the
 * schema says the setting is a string (or a choice of strings), text
 * that is not a JSON string is taken as it is, so `blue` and `8080`
 * both set a string without quotes.
 *
 * Returns: (transfer full): the value, or %NULL with
 *   %KARI_CONFIG_ERROR_INVALID when @text is not JSON, or
 *   %KARI_CONFIG_ERROR_NO_SCHEMA when the extension has no settings
 */
JsonNode *
kari_config_parse_value (KariConfig  *self,
                         const char  *key,
                         const char  *text,
                         GError     **error)
{
  g_autofree char *pointer = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KARI_IS_CONFIG (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (self->schema == NULL)
    {
      g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_NO_SCHEMA,
                   _("%s declares no config.schema, so it has no settings to change"), self->extension);
      return NULL;
    }
  pointer = kari_config_key_to_pointer (key, error);
  if (pointer == NULL)
    return NULL;
  node = kari_json_parse (text, -1, NULL, NULL, &local_error);
  if (expects_string (self, pointer)
      && (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING))
    {
      g_clear_pointer (&node, json_node_unref);
      return json_node_init_string (json_node_alloc (), text);
    }
  if (node == NULL)
    {
      g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_INVALID,
                   _("%s: “%s” is not a JSON value (%s); quote text as \"…\""),
                   pointer, text, local_error != NULL ? local_error->message : _("empty"));
      return NULL;
    }
  return g_steal_pointer (&node);
}

/* Validates @doc; `required` problems alone do not fail it. */
static gboolean
validate (KariConfig  *self,
          JsonNode    *doc,
          GError     **error)
{
  g_autoptr(GPtrArray) problems = NULL;

  if (kari_json_schema_validate (self->schema, doc, &problems, NULL))
    return TRUE;
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      KariJsonSchemaProblem *problem = g_ptr_array_index (problems, i);

      if (g_strcmp0 (problem->keyword, "required") == 0)
        continue;
      g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_INVALID,
                   _("%s (rule “%s” at %s in config.schema)"), problem->message, problem->keyword,
                   *problem->schema_path != '\0' ? problem->schema_path : "/");
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_secret_row (KariConfig  *self,
                const char  *pointer,
                gboolean     set,
                GError     **error)
{
  gboolean ok;

  g_mutex_lock (&self->registry->lock);
  ok = set
       ? _kari_registry_run (self->registry,
                             "INSERT OR IGNORE INTO config_secrets (extension, tenant, key) VALUES (?1, ?2, ?3)",
                             "Recording a secret", error, 3, self->extension, self->tenant, pointer)
       : _kari_registry_run (self->registry,
                             "DELETE FROM config_secrets WHERE extension = ?1 AND tenant = ?2 AND key = ?3",
                             "Forgetting a secret", error, 3, self->extension, self->tenant, pointer);
  g_mutex_unlock (&self->registry->lock);
  return ok;
}

/* Writes in this process take turns: a change is a read, a change and a
 * write of the stored document (another process can still interleave). */
G_LOCK_DEFINE_STATIC (writes);

static gboolean
set_locked (KariConfig  *self,
            const char  *key,
            JsonNode    *value,
            GError     **error)
{
  g_autofree char *pointer = NULL;
  g_auto(GStrv) segments = NULL;
  g_autoptr(JsonNode) stored = NULL;
  g_autoptr(JsonNode) candidate = NULL;
  g_autoptr(JsonNode) doc = NULL;
  KariJsonSchemaField *secret;

  if (self->schema == NULL)
    {
      g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_NO_SCHEMA,
                   _("%s declares no config.schema, so it has no settings to change"), self->extension);
      return FALSE;
    }
  pointer = kari_config_key_to_pointer (key, error);
  if (pointer == NULL)
    return FALSE;
  segments = _kari_config_pointer_split (pointer);
  secret = find_secret (self, pointer);

  stored = load_stored (self, error);
  if (stored == NULL)
    return FALSE;
  candidate = _kari_config_deep_copy (stored);
  if (!_kari_config_put (candidate, (const char * const *) segments, value, error))
    {
      g_prefix_error (error, "%s: ", pointer);
      return FALSE;
    }
  /* The other secrets are not read from the keyring to check this one:
   * they were checked when they were set. */
  doc = effective (self, candidate, error);
  if (doc == NULL || !validate (self, doc, error))
    return FALSE;

  if (secret == NULL)
    {
      g_autofree char *text = json_to_string (candidate, FALSE);

      /* The registry, and a Config1.Get reply, stay small. */
      if (strlen (text) > KARI_CONFIG_MAX_SIZE)
        {
          g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_INVALID,
                       _("%s: the settings of %s would take more than %d KiB"), pointer, self->extension,
                       KARI_CONFIG_MAX_SIZE / 1024);
          return FALSE;
        }
      return save_stored (self, candidate, error);
    }

  {
    g_autofree char *text = secret_text (value);
    g_autoptr(GError) local_error = NULL;

    /* The row first: a removal then knows to look in the keyring even
     * when this process dies right after storing there. */
    if (!set_secret_row (self, pointer, TRUE, error))
      return FALSE;
    if (!_kari_secret_store (self->extension, self->tenant, pointer, text, &local_error))
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return FALSE;
      }
    /* A value stored in the registry before the schema called it
     * secret must not stay there. */
    if (_kari_config_remove (stored, (const char * const *) segments))
      return save_stored (self, stored, error);
  }
  return TRUE;
}

static gboolean
reset_locked (KariConfig  *self,
              const char  *key,
              GError     **error)
{
  g_autofree char *pointer = NULL;
  g_auto(GStrv) segments = NULL;
  g_autoptr(JsonNode) stored = NULL;
  gboolean ok;

  if (key == NULL)
    {
      g_autoptr(KariSqlStmt) stmt = NULL;
      gboolean any = FALSE;

      /* Every secret recorded, even one the schema no longer lists. */
      g_mutex_lock (&self->registry->lock);
      stmt = _kari_registry_prepare (self->registry,
                                     "SELECT 1 FROM config_secrets WHERE extension = ?1 AND tenant = ?2",
                                     error, 2, self->extension, self->tenant);
      any = stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW;
      g_mutex_unlock (&self->registry->lock);
      if (stmt == NULL)
        return FALSE;
      if (any && !_kari_secret_clear (self->extension, self->tenant, NULL, error))
        return FALSE;

      g_mutex_lock (&self->registry->lock);
      ok = _kari_registry_run (self->registry, "DELETE FROM config_secrets WHERE extension = ?1 AND tenant = ?2",
                               "Resetting the config", error, 2, self->extension, self->tenant)
           && _kari_registry_run (self->registry, "DELETE FROM config WHERE extension = ?1 AND tenant = ?2",
                                  "Resetting the config", error, 2, self->extension, self->tenant);
      g_mutex_unlock (&self->registry->lock);
      return ok;
    }

  pointer = kari_config_key_to_pointer (key, error);
  if (pointer == NULL)
    return FALSE;
  segments = _kari_config_pointer_split (pointer);

  if (find_secret (self, pointer) != NULL)
    {
      gboolean set = FALSE;

      if (!secret_row_exists (self, pointer, &set, error))
        return FALSE;
      /* The keyring first, the row that says to look there last. */
      if (set && !_kari_secret_clear (self->extension, self->tenant, pointer, error))
        return FALSE;
      if (!set_secret_row (self, pointer, FALSE, error))
        return FALSE;
    }

  stored = load_stored (self, error);
  if (stored == NULL)
    return FALSE;
  if (_kari_config_remove (stored, (const char * const *) segments))
    return save_stored (self, stored, error);
  return TRUE;
}

/**
 * kari_config_set:
 * @self: a #KariConfig
 * @key: a JSON Pointer or dotted path
 * @value: the new value
 * @error: return location for a #GError
 *
 * Validates the settings @value would make against `config.schema`,
 * then stores it: a secret in the keyring, anything else in the
 * registry. Nothing is stored when the value breaks a rule. It may wait
 * for the keyring (which may ask the person to unlock it): in a program
 * with a user interface use kari_config_set_async().
 *
 * Returns: %TRUE when stored; %FALSE with %KARI_CONFIG_ERROR_INVALID
 *   naming the instance path and the rule, %KARI_CONFIG_ERROR_NO_SCHEMA,
 *   %KARI_CONFIG_ERROR_BAD_KEY, or a keyring or registry error
 */
gboolean
kari_config_set (KariConfig  *self,
                 const char  *key,
                 JsonNode    *value,
                 GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (KARI_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  G_LOCK (writes);
  ok = set_locked (self, key, value, error);
  G_UNLOCK (writes);
  return ok;
}

/**
 * kari_config_reset:
 * @self: a #KariConfig
 * @key: (nullable): one setting, or %NULL for all of them
 * @error: return location for a #GError
 *
 * Forgets what was set, so the default applies again; a secret is
 * removed from the keyring.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_config_reset (KariConfig  *self,
                   const char  *key,
                   GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (KARI_IS_CONFIG (self), FALSE);

  G_LOCK (writes);
  ok = reset_locked (self, key, error);
  G_UNLOCK (writes);
  return ok;
}
