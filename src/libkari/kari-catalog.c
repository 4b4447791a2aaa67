/* kari-catalog.c — keeping the registry in step with what is on disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An extension folder in a search path is installed; the registry
 * remembers it, its versions and its history. Syncing brings the
 * registry in line with a discovery scan and a resolution.
 */
#include "config.h"

#include "kari-catalog.h"

static KariUnresolved *
find_unresolved (KariResolution *resolution,
                 const char     *name)
{
  GPtrArray *unresolved = kari_resolution_get_unresolved (resolution);

  for (guint i = 0; i < unresolved->len; i++)
    {
      KariUnresolved *u = g_ptr_array_index (unresolved, i);
      if (g_strcmp0 (u->name, name) == 0)
        return u;
    }
  return NULL;
}

/* Walks @from → … → @to along allowed moves, recording each with @reason. */
static gboolean
move_to (KariRegistry  *registry,
         const char    *name,
         KariState      from,
         KariState      to,
         const char    *reason,
         GError       **error)
{
  /* The only multi-step path sync needs: back from failed to installed. */
  static const KariState recover[] = {
    KARI_STATE_VALIDATED, KARI_STATE_RESOLVED, KARI_STATE_INSTALLED,
  };

  if (from == to)
    return TRUE;
  if (from == KARI_STATE_FAILED && to == KARI_STATE_INSTALLED)
    {
      for (guint i = 0; i < G_N_ELEMENTS (recover); i++)
        if (!kari_registry_set_state (registry, name, recover[i], reason, error))
          return FALSE;
      return TRUE;
    }
  return kari_registry_set_state (registry, name, to, reason, error);
}

static gboolean
same_install (KariRegistryEntry *entry,
              KariManifest      *manifest)
{
  g_autoptr(JsonNode) root = kari_manifest_to_json (manifest);
  g_autofree char *json = json_to_string (root, FALSE);

  return g_strcmp0 (entry->version, kari_version_to_string (kari_manifest_get_version (manifest))) == 0
      && g_strcmp0 (entry->path, kari_manifest_get_dir (manifest)) == 0
      && g_strcmp0 (entry->manifest_json, json) == 0;
}

static gboolean
sync_one (KariRegistry   *registry,
          KariManifest   *manifest,
          KariResolution *resolution,
          GError        **error)
{
  const char *name = kari_manifest_get_name (manifest);
  KariUnresolved *unresolved = find_unresolved (resolution, name);
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autoptr(GError) local_error = NULL;

  entry = kari_registry_lookup (registry, name, &local_error);
  if (entry == NULL && !g_error_matches (local_error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (entry == NULL)
    {
      /* Unresolvable extensions are known to discovery, not installed. */
      if (unresolved != NULL)
        return TRUE;
      return kari_registry_install (registry, manifest, NULL, error);
    }

  if (!same_install (entry, manifest))
    {
      /* Only a quiet extension may change under us; a busy one is left
       * as it is and picked up on a later sync. */
      if (!kari_lifecycle_check (entry->state, KARI_STATE_UPDATING, NULL)
          && entry->state != KARI_STATE_UPDATING)
        return TRUE;
      if (!kari_registry_install (registry, manifest, NULL, error))
        return FALSE;
      g_clear_pointer (&entry, kari_registry_entry_free);
      entry = kari_registry_lookup (registry, name, error);
      if (entry == NULL)
        return FALSE;
    }

  if (unresolved != NULL && entry->state != KARI_STATE_FAILED
      && kari_lifecycle_check (entry->state, KARI_STATE_FAILED, NULL))
    return move_to (registry, name, entry->state, KARI_STATE_FAILED, unresolved->reason, error);
  if (unresolved == NULL && entry->state == KARI_STATE_FAILED)
    return move_to (registry, name, entry->state, KARI_STATE_INSTALLED,
                    "dependencies resolved again", error);
  return TRUE;
}

/**
 * kari_catalog_sync:
 * @registry: the registry
 * @discovery: a discovery that has scanned
 * @resolution: (nullable): its resolution; computed when %NULL
 *
 * Registers every resolvable extension found, records new versions
 * (the old ones are kept for rollback), marks installed extensions whose
 * dependencies are no longer met as failed with the resolver's reason
 * (and back when they are met again), and forgets extensions whose
 * folder is gone from the disk (not merely from this process's search
 * paths, which may differ from another's). Each change is its own
 * transaction; an extension that is running is not touched.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_catalog_sync (KariRegistry    *registry,
                   KariDiscovery   *discovery,
                   KariResolution  *resolution,
                   GError         **error)
{
  g_autoptr(KariResolution) computed = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GPtrArray *found;

  g_return_val_if_fail (KARI_IS_REGISTRY (registry), FALSE);
  g_return_val_if_fail (KARI_IS_DISCOVERY (discovery), FALSE);

  if (resolution == NULL)
    {
      g_autoptr(KariResolver) resolver = kari_discovery_create_resolver (discovery);
      resolution = computed = kari_resolver_resolve (resolver);
    }

  found = kari_discovery_get_extensions (discovery);
  for (guint i = 0; i < found->len; i++)
    if (!sync_one (registry, g_ptr_array_index (found, i), resolution, error))
      return FALSE;

  entries = kari_registry_list (registry, error);
  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      KariRegistryEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *manifest = NULL;

      if (kari_discovery_lookup (discovery, entry->name) != NULL)
        continue;
      /* Still on disk: found through search paths this process does not
       * have (another kari-ext, the app), not ours to forget. */
      manifest = entry->path != NULL ? kari_manifest_find_in_dir (entry->path, NULL) : NULL;
      if (manifest != NULL)
        continue;
      if (!kari_lifecycle_check_removal (entry->state, NULL))
        continue;   /* running or updating: sync never touches it */
      if (!kari_registry_remove (registry, entry->name, "its folder is gone", error))
        return FALSE;
    }
  return TRUE;
}
