/* kari-resolver.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Picks one version per extension so that every dependency holds, and
 * orders loading. Roots are resolved one by one, in name order, into one
 * global assignment; a root that cannot be resolved leaves it untouched.
 *
 * The search is depth-first over a list of goals — "require NAME in
 * CONSTRAINT" and "NAME's dependencies are done" — trying the versions of
 * each extension newest first and backtracking over every choice. It is
 * iterative (a choice stack and an undo trail) so that a deep graph cannot
 * exhaust the C stack, and capped at %KARI_RESOLVER_MAX_STEPS candidate
 * versions per root, and ten times that for the whole resolve, so that a hostile graph of many roots cannot hang the host.
 *
 * Reasons. When a root fails, its reason is the first failure the search
 * met, i.e. the one with the newest versions everywhere. It names the
 * extension (and version) whose dependency failed, what failed, and then
 * "(required by X ← P ← … ← ROOT)": that extension X followed by the chain
 * of extensions that required it, back to the root. The chain is left out
 * when X is the root itself.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-resolver-private.h"



/* ---- KariResolver -------------------------------------------------------- */

static void
candidate_free (Candidate *c)
{
  g_free (c->name);
  kari_version_unref (c->version);
  g_ptr_array_unref (c->dependencies);
  g_free (c);
}

G_DEFINE_FINAL_TYPE (KariResolver, kari_resolver, G_TYPE_OBJECT)

static void
kari_resolver_finalize (GObject *object)
{
  KariResolver *self = KARI_RESOLVER (object);

  g_clear_pointer (&self->extensions, g_hash_table_unref);
  g_clear_pointer (&self->plugins, g_hash_table_unref);
  g_clear_pointer (&self->services, g_hash_table_unref);
  g_clear_pointer (&self->roots, g_ptr_array_unref);

  G_OBJECT_CLASS (kari_resolver_parent_class)->finalize (object);
}

static void
kari_resolver_class_init (KariResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_resolver_finalize;
}

static void
kari_resolver_init (KariResolver *self)
{
  self->extensions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
  self->plugins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  self->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->roots = g_ptr_array_new_with_free_func (g_free);
  self->max_steps = KARI_RESOLVER_MAX_STEPS;
}

/**
 * kari_resolver_set_max_steps:
 * @self: a #KariResolver
 * @max_steps: how many candidate versions to try per root before giving
 *   up; 0 restores the default (100000)
 *
 * Bounds the work one root may cost, so that no graph can hang the host.
 */
void
kari_resolver_set_max_steps (KariResolver *self,
                             guint         max_steps)
{
  g_return_if_fail (KARI_IS_RESOLVER (self));

  self->max_steps = max_steps > 0 ? max_steps : KARI_RESOLVER_MAX_STEPS;
}

/**
 * kari_resolver_new:
 *
 * Returns: (transfer full): an empty resolver
 */
KariResolver *
kari_resolver_new (void)
{
  return g_object_new (KARI_TYPE_RESOLVER, NULL);
}

/**
 * kari_resolver_add_extension:
 * @self: a #KariResolver
 * @name: the extension
 * @version: one available version of it
 * @dependencies: (nullable) (element-type KariDependency): what that
 *   version needs; copied
 *
 * Makes @name @version available. Adding the same name and version again
 * replaces the earlier entry.
 */
void
kari_resolver_add_extension (KariResolver *self,
                             const char   *name,
                             KariVersion  *version,
                             GPtrArray    *dependencies)
{
  GPtrArray *versions;
  Candidate *c;

  g_return_if_fail (KARI_IS_RESOLVER (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (version != NULL);

  versions = g_hash_table_lookup (self->extensions, name);
  if (versions == NULL)
    {
      versions = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
      g_hash_table_insert (self->extensions, g_strdup (name), versions);
    }
  for (guint i = 0; i < versions->len; i++)
    if (kari_version_equal (((Candidate *) versions->pdata[i])->version, version))
      {
        g_ptr_array_remove_index (versions, i);
        break;
      }

  c = g_new0 (Candidate, 1);
  c->name = g_strdup (name);
  c->version = kari_version_ref (version);
  c->dependencies = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_dependency_free);
  for (guint i = 0; dependencies != NULL && i < dependencies->len; i++)
    g_ptr_array_add (c->dependencies, kari_dependency_copy (dependencies->pdata[i]));
  g_ptr_array_add (versions, c);
}

/**
 * kari_resolver_add_manifest:
 * @self: a #KariResolver
 * @manifest: a loaded manifest
 *
 * Adds the manifest's name, version and dependencies, as
 * kari_resolver_add_extension() does.
 */
void
kari_resolver_add_manifest (KariResolver *self,
                            KariManifest *manifest)
{
  g_return_if_fail (KARI_IS_RESOLVER (self));
  g_return_if_fail (kari_manifest_get_name != NULL);   /* TEMPORARY, see the top */
  g_return_if_fail (KARI_IS_MANIFEST (manifest));

  kari_resolver_add_extension (self, kari_manifest_get_name (manifest),
                               kari_manifest_get_version (manifest),
                               kari_manifest_get_dependencies (manifest));
}

/**
 * kari_resolver_add_plugin:
 * @self: a #KariResolver
 * @name: an installed plugin
 * @version: (nullable): its version, if it declares one
 *
 * A plugin without a version satisfies only dependencies that accept any
 * version.
 */
void
kari_resolver_add_plugin (KariResolver *self,
                          const char   *name,
                          KariVersion  *version)
{
  GPtrArray *versions;

  g_return_if_fail (KARI_IS_RESOLVER (self));
  g_return_if_fail (name != NULL);

  versions = g_hash_table_lookup (self->plugins, name);
  if (versions == NULL)
    {
      versions = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_version_unref);
      g_hash_table_insert (self->plugins, g_strdup (name), versions);
    }
  if (version != NULL)
    g_ptr_array_add (versions, kari_version_ref (version));
}

/**
 * kari_resolver_add_service:
 * @self: a #KariResolver
 * @name: a system service the host provides
 */
void
kari_resolver_add_service (KariResolver *self,
                           const char   *name)
{
  g_return_if_fail (KARI_IS_RESOLVER (self));
  g_return_if_fail (name != NULL);

  g_hash_table_add (self->services, g_strdup (name));
}

/**
 * kari_resolver_add_root:
 * @self: a #KariResolver
 * @name: an extension to resolve
 *
 * Restricts resolution to the roots added this way (and what they need).
 * With no roots, every added extension is a root.
 */
void
kari_resolver_add_root (KariResolver *self,
                        const char   *name)
{
  g_return_if_fail (KARI_IS_RESOLVER (self));
  g_return_if_fail (name != NULL);

  g_ptr_array_add (self->roots, g_strdup (name));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Dependencies first; among the extensions ready to load, the smallest
 * name first, so the order depends on nothing but the graph. */
static void
load_order (GHashTable *assigned,
            GPtrArray  *order)
{
  g_autoptr(GHashTable) waiting = g_hash_table_new (g_str_hash, g_str_equal);   /* name → count */
  g_autoptr(GHashTable) dependents = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                             (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) position = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) ready = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, assigned);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Candidate *c = ((Assigned *) value)->candidate;
      guint count = 0;

      for (guint i = 0; i < c->dependencies->len; i++)
        {
          KariDependency *d = c->dependencies->pdata[i];
          GPtrArray *list;

          if (d->kind != KARI_DEPENDENCY_EXTENSION)
            continue;
          list = g_hash_table_lookup (dependents, d->name);
          if (list == NULL)
            {
              list = g_ptr_array_new ();
              g_hash_table_insert (dependents, d->name, list);
            }
          /* a name listed twice in one manifest counts once */
          if (!g_ptr_array_find (list, c->name, NULL))
            {
              g_ptr_array_add (list, c->name);
              count++;
            }
        }
      g_hash_table_insert (waiting, c->name, GUINT_TO_POINTER (count));
      if (count == 0)
        g_ptr_array_add (ready, c->name);
    }

  while (ready->len > 0)
    {
      const char *name;
      guint smallest = 0;
      GPtrArray *list;
      Candidate *c;
      KariResolved *r;
      g_autoptr(GPtrArray) deps = g_ptr_array_new ();
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 1; i < ready->len; i++)
        if (strcmp (ready->pdata[i], ready->pdata[smallest]) < 0)
          smallest = i;
      name = g_ptr_array_steal_index_fast (ready, smallest);
      c = ((Assigned *) g_hash_table_lookup (assigned, name))->candidate;
      g_hash_table_insert (position, (gpointer) name, GUINT_TO_POINTER (order->len));

      /* its dependencies as name@version, in load order */
      for (guint i = 0; i < c->dependencies->len; i++)
        {
          KariDependency *d = c->dependencies->pdata[i];

          if (d->kind == KARI_DEPENDENCY_EXTENSION && !g_ptr_array_find_with_equal_func (deps, d->name, g_str_equal, NULL))
            g_ptr_array_add (deps, d->name);
        }
      for (guint i = 1; i < deps->len; i++)
        for (guint k = i; k > 0 && GPOINTER_TO_UINT (g_hash_table_lookup (position, deps->pdata[k])) <
                                   GPOINTER_TO_UINT (g_hash_table_lookup (position, deps->pdata[k - 1])); k--)
          {
            gpointer t = deps->pdata[k];

            deps->pdata[k] = deps->pdata[k - 1];
            deps->pdata[k - 1] = t;
          }
      for (guint i = 0; i < deps->len; i++)
        {
          Assigned *a = g_hash_table_lookup (assigned, deps->pdata[i]);
          g_autofree char *s = g_strdup_printf ("%s@%s", (char *) deps->pdata[i],
                                                kari_version_to_string (a->candidate->version));

          g_strv_builder_add (builder, s);
        }

      r = g_new0 (KariResolved, 1);
      r->name = g_strdup (name);
      r->version = kari_version_ref (c->version);
      r->dependencies = g_strv_builder_end (builder);
      g_ptr_array_add (order, r);

      list = g_hash_table_lookup (dependents, name);
      for (guint i = 0; list != NULL && i < list->len; i++)
        {
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (waiting, list->pdata[i])) - 1;

          g_hash_table_insert (waiting, list->pdata[i], GUINT_TO_POINTER (count));
          if (count == 0)
            g_ptr_array_add (ready, list->pdata[i]);
        }
    }

  /* The search refuses cycles, so everything assigned has been ordered. */
  g_assert (order->len == g_hash_table_size (assigned));
}

/**
 * kari_resolver_resolve:
 * @self: a #KariResolver
 *
 * Resolves every root (see kari_resolver_add_root()) in name order into
 * one assignment of one version per extension, picking for each the
 * newest version that works and backtracking over the versions of the root
 * and of everything it needs. A root that cannot be resolved is reported
 * with the reason, and leaves the assignment as it was for the roots after
 * it. See the top of kari-resolver.c for what the reasons say.
 *
 * Returns: (transfer full): the load order and what could not be resolved
 */
KariResolution *
kari_resolver_resolve (KariResolver *self)
{
  g_autoptr(KariResolution) resolution = NULL;
  g_autoptr(GPtrArray) roots = g_ptr_array_new ();
  KariResolverSearch *search;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (KARI_IS_RESOLVER (self), NULL);

  resolution = g_object_new (KARI_TYPE_RESOLUTION, NULL);

  g_hash_table_iter_init (&iter, self->extensions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_sort (value, _kari_resolver_compare_candidates_desc);

  if (self->roots->len > 0)
    g_ptr_array_extend (roots, self->roots, NULL, NULL);
  else
    {
      g_hash_table_iter_init (&iter, self->extensions);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_ptr_array_add (roots, key);
    }
  g_ptr_array_sort (roots, compare_names);

  search = _kari_resolver_search_new (self);
  for (guint i = 0; i < roots->len; i++)
    {
      const char *root = roots->pdata[i];
      g_autofree char *reason = NULL;
      gboolean cycle = FALSE;
      GPtrArray *versions;
      KariUnresolved *u;

      if (i > 0 && g_str_equal (root, roots->pdata[i - 1]))
        continue;
      if (g_hash_table_contains (_kari_resolver_search_get_assigned (search), root))
        continue;
      if (_kari_resolver_search_root (search, root, &reason, &cycle))
        continue;

      versions = g_hash_table_lookup (self->extensions, root);
      u = g_new0 (KariUnresolved, 1);
      u->name = g_strdup (root);
      if (versions != NULL && versions->len > 0)
        u->version = kari_version_ref (((Candidate *) versions->pdata[0])->version);
      u->reason = g_steal_pointer (&reason);
      u->cycle = cycle;
      g_ptr_array_add (kari_resolution_get_unresolved (resolution), u);
    }

  load_order (_kari_resolver_search_get_assigned (search), kari_resolution_get_order (resolution));
  _kari_resolver_search_free (search);

  return g_steal_pointer (&resolution);
}
