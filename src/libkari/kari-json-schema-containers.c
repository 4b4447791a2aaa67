/* kari-json-schema-containers.c — the keywords on arrays and objects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-json-schema-validate-private.h"

/* ------------------------------------------------------------------ */
/* Arrays                                                             */

gboolean
_kari_json_schema_check_array (Ctx        *ctx,
                               SchemaNode *node,
                               JsonNode   *inst)
{
  JsonArray *array;
  guint n, first_items = 0, matches = 0;
  gboolean ok = TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (inst))
    return TRUE;
  array = json_node_get_array (inst);
  n = json_array_get_length (array);

  if (node->min_items >= 0 && n < node->min_items)
    {
      ok = _kari_json_schema_report (ctx, node, "minItems",
                   g_dngettext (GETTEXT_PACKAGE, "must have at least %" G_GINT64_FORMAT " item",
                                "must have at least %" G_GINT64_FORMAT " items",
                                (gulong) node->min_items),
                   node->min_items);
      if (ctx->stop_early)
        return FALSE;
    }
  if (node->max_items >= 0 && n > node->max_items)
    {
      ok = _kari_json_schema_report (ctx, node, "maxItems",
                   g_dngettext (GETTEXT_PACKAGE, "must have at most %" G_GINT64_FORMAT " item",
                                "must have at most %" G_GINT64_FORMAT " items",
                                (gulong) node->max_items),
                   node->max_items);
      if (ctx->stop_early)
        return FALSE;
    }

  if (node->unique_items)
    {
      for (guint i = 0; i < n; i++)
        for (guint j = i + 1; j < n; j++)
          {
            /* Comparisons count against the step limit like subschemas. */
            if (++ctx->steps > KARI_JSON_SCHEMA_MAX_STEPS)
              {
                ctx->exhausted = TRUE;
                return FALSE;
              }
            if (_kari_json_schema_equal (json_array_get_element (array, i),
                                         json_array_get_element (array, j)))
              {
                ok = _kari_json_schema_report (ctx, node, "uniqueItems", _("items %u and %u are equal"), i, j);
                if (ctx->stop_early)
                  return FALSE;
                i = j = n;   /* one report is enough */
              }
          }
    }

  if (node->prefix_items != NULL)
    {
      first_items = MIN (n, node->prefix_items->len);
      for (guint i = 0; i < first_items; i++)
        {
          _kari_json_schema_push_index (ctx, i);
          if (!_kari_json_schema_validate_node (ctx, node->prefix_items->pdata[i], json_array_get_element (array, i)))
            ok = FALSE;
          _kari_json_schema_pop (ctx);
          if (!ok && ctx->stop_early)
            return FALSE;
        }
    }

  if (node->items != NULL)
    for (guint i = first_items; i < n; i++)
      {
        _kari_json_schema_push_index (ctx, i);
        if (!_kari_json_schema_validate_node (ctx, node->items, json_array_get_element (array, i)))
          ok = FALSE;
        _kari_json_schema_pop (ctx);
        if (!ok && ctx->stop_early)
          return FALSE;
      }

  if (node->contains != NULL)
    {
      gint64 min = node->min_contains >= 0 ? node->min_contains : 1;

      for (guint i = 0; i < n; i++)
        if (_kari_json_schema_validate_silently (ctx, node->contains, json_array_get_element (array, i)))
          matches++;
      if (matches < min)
        ok = _kari_json_schema_report (ctx, node, node->min_contains >= 0 ? "minContains" : "contains",
                     g_dngettext (GETTEXT_PACKAGE,
                                  "must contain at least %" G_GINT64_FORMAT " item matching “contains”",
                                  "must contain at least %" G_GINT64_FORMAT " items matching “contains”",
                                  (gulong) min), min);
      else if (node->max_contains >= 0 && matches > node->max_contains)
        ok = _kari_json_schema_report (ctx, node, "maxContains",
                     g_dngettext (GETTEXT_PACKAGE,
                                  "must contain at most %" G_GINT64_FORMAT " item matching “contains”",
                                  "must contain at most %" G_GINT64_FORMAT " items matching “contains”",
                                  (gulong) node->max_contains),
                     node->max_contains);
    }
  return ok;
}

/* ------------------------------------------------------------------ */
/* Objects                                                            */

static gboolean
check_member (Ctx        *ctx,
              SchemaNode *node,
              const char *name,
              JsonNode   *value)
{
  SchemaNode *schema = _kari_json_schema_property (node, name);
  gboolean ok = TRUE, matched = schema != NULL;

  _kari_json_schema_push_name (ctx, name);
  if (schema != NULL && !_kari_json_schema_validate_node (ctx, schema, value))
    ok = FALSE;
  for (guint i = 0; node->pattern_properties != NULL && i < node->pattern_properties->len; i++)
    {
      SchemaPattern *p = &g_array_index (node->pattern_properties, SchemaPattern, i);

      if (!ok && ctx->stop_early)
        break;
      if (!g_regex_match (p->regex, name, 0, NULL))
        continue;
      matched = TRUE;
      if (!_kari_json_schema_validate_node (ctx, p->schema, value))
        ok = FALSE;
    }
  if (!matched && node->additional_properties != NULL && (ok || !ctx->stop_early))
    {
      if (node->additional_properties->is_bool && !node->additional_properties->bool_value)
        {
          _kari_json_schema_pop (ctx);
          /* Reported on the object, which is where the fix goes. */
          return _kari_json_schema_report (ctx, node, "additionalProperties",
                         _("the member “%s” is not allowed"), name);
        }
      if (!_kari_json_schema_validate_node (ctx, node->additional_properties, value))
        ok = FALSE;
    }
  _kari_json_schema_pop (ctx);
  return ok;
}

gboolean
_kari_json_schema_check_object (Ctx        *ctx,
                                SchemaNode *node,
                                JsonNode   *inst)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gboolean ok = TRUE;
  guint size;

  if (!JSON_NODE_HOLDS_OBJECT (inst))
    return TRUE;
  object = json_node_get_object (inst);
  size = json_object_get_size (object);

  for (guint i = 0; node->required != NULL && i < node->required->len; i++)
    if (!json_object_has_member (object, node->required->pdata[i]))
      {
        ok = _kari_json_schema_report (ctx, node, "required", _("the member “%s” is required"),
                     (const char *) node->required->pdata[i]);
        if (ctx->stop_early)
          return FALSE;
      }

  if (node->min_properties >= 0 && size < node->min_properties)
    {
      ok = _kari_json_schema_report (ctx, node, "minProperties",
                   g_dngettext (GETTEXT_PACKAGE, "must have at least %" G_GINT64_FORMAT " member",
                                "must have at least %" G_GINT64_FORMAT " members",
                                (gulong) node->min_properties),
                   node->min_properties);
      if (ctx->stop_early)
        return FALSE;
    }
  if (node->max_properties >= 0 && size > node->max_properties)
    {
      ok = _kari_json_schema_report (ctx, node, "maxProperties",
                   g_dngettext (GETTEXT_PACKAGE, "must have at most %" G_GINT64_FORMAT " member",
                                "must have at most %" G_GINT64_FORMAT " members",
                                (gulong) node->max_properties),
                   node->max_properties);
      if (ctx->stop_early)
        return FALSE;
    }

  for (guint i = 0; node->dependent_required != NULL && i < node->dependent_required->len; i++)
    {
      DependentRequired *d = &g_array_index (node->dependent_required, DependentRequired, i);

      if (!json_object_has_member (object, d->name))
        continue;
      for (guint k = 0; d->names[k] != NULL; k++)
        if (!json_object_has_member (object, d->names[k]))
          {
            ok = _kari_json_schema_report (ctx, node, "dependentRequired",
                         _("the member “%s” is required when “%s” is present"), d->names[k], d->name);
            if (ctx->stop_early)
              return FALSE;
          }
    }

  if (node->properties != NULL || node->pattern_properties != NULL
      || node->additional_properties != NULL || node->property_names != NULL)
    {
      json_object_iter_init_ordered (&iter, object);
      while (json_object_iter_next_ordered (&iter, &name, &value))
        {
          if (node->property_names != NULL)
            {
              g_autoptr(JsonNode) key = json_node_init_string (json_node_alloc (), name);

              if (!_kari_json_schema_validate_silently (ctx, node->property_names, key))
                {
                  ok = _kari_json_schema_report (ctx, node, "propertyNames", _("the member name “%s” is not allowed"),
                               name);
                  if (ctx->stop_early)
                    return FALSE;
                }
            }
          if (!check_member (ctx, node, name, value))
            {
              ok = FALSE;
              if (ctx->stop_early)
                return FALSE;
            }
        }
    }

  for (guint i = 0; node->dependent_schemas != NULL && i < node->dependent_schemas->len; i++)
    {
      SchemaProperty *p = &g_array_index (node->dependent_schemas, SchemaProperty, i);

      if (json_object_has_member (object, p->name) && !_kari_json_schema_validate_node (ctx, p->schema, inst))
        {
          ok = FALSE;
          if (ctx->stop_early)
            return FALSE;
        }
    }
  return ok;
}
