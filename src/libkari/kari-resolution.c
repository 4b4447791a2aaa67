/* kari-resolution.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What kari_resolver_resolve() returns: the load order and the roots that
 * could not be resolved, and their JSON form.
 */
#include "config.h"

#include "kari-resolver.h"

/* ---- boxed results ------------------------------------------------------- */

/**
 * kari_resolved_free:
 * @self: (transfer full): a #KariResolved
 */
void
kari_resolved_free (KariResolved *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_clear_pointer (&self->version, kari_version_unref);
  g_strfreev (self->dependencies);
  g_free (self);
}

/**
 * kari_resolved_copy:
 * @self: a #KariResolved
 *
 * Returns: (transfer full): a copy
 */
KariResolved *
kari_resolved_copy (const KariResolved *self)
{
  KariResolved *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (KariResolved, 1);
  copy->name = g_strdup (self->name);
  copy->version = self->version ? kari_version_ref (self->version) : NULL;
  copy->dependencies = g_strdupv (self->dependencies);
  return copy;
}

G_DEFINE_BOXED_TYPE (KariResolved, kari_resolved, kari_resolved_copy, kari_resolved_free)

/**
 * kari_unresolved_free:
 * @self: (transfer full): a #KariUnresolved
 */
void
kari_unresolved_free (KariUnresolved *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_clear_pointer (&self->version, kari_version_unref);
  g_free (self->reason);
  g_free (self);
}

/**
 * kari_unresolved_copy:
 * @self: a #KariUnresolved
 *
 * Returns: (transfer full): a copy
 */
KariUnresolved *
kari_unresolved_copy (const KariUnresolved *self)
{
  KariUnresolved *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (KariUnresolved, 1);
  copy->name = g_strdup (self->name);
  copy->version = self->version ? kari_version_ref (self->version) : NULL;
  copy->reason = g_strdup (self->reason);
  copy->cycle = self->cycle;
  return copy;
}

G_DEFINE_BOXED_TYPE (KariUnresolved, kari_unresolved, kari_unresolved_copy, kari_unresolved_free)

/* ---- KariResolution ------------------------------------------------------ */

struct _KariResolution
{
  GObject    parent_instance;
  GPtrArray *order;       /* of KariResolved */
  GPtrArray *unresolved;  /* of KariUnresolved */
};

G_DEFINE_FINAL_TYPE (KariResolution, kari_resolution, G_TYPE_OBJECT)

static void
kari_resolution_finalize (GObject *object)
{
  KariResolution *self = KARI_RESOLUTION (object);

  g_clear_pointer (&self->order, g_ptr_array_unref);
  g_clear_pointer (&self->unresolved, g_ptr_array_unref);

  G_OBJECT_CLASS (kari_resolution_parent_class)->finalize (object);
}

static void
kari_resolution_class_init (KariResolutionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_resolution_finalize;
}

static void
kari_resolution_init (KariResolution *self)
{
  self->order = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_resolved_free);
  self->unresolved = g_ptr_array_new_with_free_func ((GDestroyNotify) kari_unresolved_free);
}

/**
 * kari_resolution_get_order:
 * @self: a #KariResolution
 *
 * Returns: (transfer none) (element-type KariResolved): the extensions to
 *   load, dependencies before what depends on them, ties broken by name
 */
GPtrArray *
kari_resolution_get_order (KariResolution *self)
{
  g_return_val_if_fail (KARI_IS_RESOLUTION (self), NULL);
  return self->order;
}

/**
 * kari_resolution_get_unresolved:
 * @self: a #KariResolution
 *
 * Returns: (transfer none) (element-type KariUnresolved): the roots that
 *   could not be resolved, in name order
 */
GPtrArray *
kari_resolution_get_unresolved (KariResolution *self)
{
  g_return_val_if_fail (KARI_IS_RESOLUTION (self), NULL);
  return self->unresolved;
}

/**
 * kari_resolution_to_json:
 * @self: a #KariResolution
 *
 * Returns: (transfer full): `{"order": [{"name", "version", "dependencies"}…],
 *   "unresolved": [{"name", "version", "reason", "cycle"}…]}`; an unknown
 *   version is `null`
 */
JsonNode *
kari_resolution_to_json (KariResolution *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (KARI_IS_RESOLUTION (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "order");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->order->len; i++)
    {
      KariResolved *r = self->order->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, r->name);
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, kari_version_to_string (r->version));
      json_builder_set_member_name (b, "dependencies");
      json_builder_begin_array (b);
      for (guint k = 0; r->dependencies[k] != NULL; k++)
        json_builder_add_string_value (b, r->dependencies[k]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "unresolved");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->unresolved->len; i++)
    {
      KariUnresolved *u = self->unresolved->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, u->name);
      json_builder_set_member_name (b, "version");
      if (u->version != NULL)
        json_builder_add_string_value (b, kari_version_to_string (u->version));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, u->reason);
      json_builder_set_member_name (b, "cycle");
      json_builder_add_boolean_value (b, u->cycle);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}
