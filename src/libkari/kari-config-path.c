/* kari-config-path.c — config keys: JSON Pointers and dotted paths, and
 * reading, writing and removing the value one names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A key is either a JSON Pointer (RFC 6901: it starts with “/”, and “~1”
 * and “~0” stand for “/” and “~” in a member name) or a dotted path
 * (`proxy.port`), whose member names cannot hold a dot. Both name the
 * same thing; the pointer is the canonical form, used in the keyring and
 * in messages, as the validator's instance paths are pointers too.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-config-private.h"
#include "kari-config.h"

#define MAX_KEY 1024

static void
append_escaped (GString    *out,
                const char *segment)
{
  for (const char *p = segment; *p != '\0'; p++)
    {
      if (*p == '~')
        g_string_append (out, "~0");
      else if (*p == '/')
        g_string_append (out, "~1");
      else
        g_string_append_c (out, *p);
    }
}

/**
 * kari_config_key_to_pointer:
 * @key: a JSON Pointer (`/proxy/port`) or a dotted path (`proxy.port`)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): @key as a JSON Pointer, or %NULL with
 *   %KARI_CONFIG_ERROR_BAD_KEY
 */
char *
kari_config_key_to_pointer (const char  *key,
                            GError     **error)
{
  g_autoptr(GString) pointer = NULL;
  g_auto(GStrv) segments = NULL;

  if (key == NULL || *key == '\0' || strlen (key) > MAX_KEY || !g_utf8_validate (key, -1, NULL))
    {
      g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_BAD_KEY,
                   _("A config key is a JSON Pointer (“/proxy/port”) or a dotted path (“proxy.port”) "
                     "of 1 to %d bytes"), MAX_KEY);
      return NULL;
    }

  if (key[0] == '/')
    {
      for (const char *p = key; *p != '\0'; p++)
        if (*p == '~' && p[1] != '0' && p[1] != '1')
          {
            g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_BAD_KEY,
                         _("“%s” is not a JSON Pointer: “~” must be followed by 0 or 1"), key);
            return NULL;
          }
      return g_strdup (key);
    }

  pointer = g_string_new (NULL);
  segments = g_strsplit (key, ".", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      if (*segments[i] == '\0')
        {
          g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_BAD_KEY,
                       _("“%s” has an empty part; write a member name with dots as a JSON Pointer "
                         "(“/a.b”)"), key);
          return NULL;
        }
      g_string_append_c (pointer, '/');
      append_escaped (pointer, segments[i]);
    }
  return g_string_free (g_steal_pointer (&pointer), FALSE);
}

/* Splits a valid pointer into its member names, unescaped; "" is the
 * root, with none. */
GStrv
_kari_config_pointer_split (const char *pointer)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) raw = NULL;

  if (pointer == NULL || *pointer == '\0')
    return g_strv_builder_end (builder);

  /* g_strsplit() gives nothing for "", but "/" names the member "". */
  if (pointer[1] == '\0')
    {
      g_strv_builder_add (builder, "");
      return g_strv_builder_end (builder);
    }
  raw = g_strsplit (pointer + 1, "/", -1);
  for (guint i = 0; raw[i] != NULL; i++)
    {
      g_autoptr(GString) segment = g_string_new (NULL);

      for (const char *p = raw[i]; *p != '\0'; p++)
        {
          if (p[0] == '~' && p[1] == '1')
            g_string_append_c (segment, '/'), p++;
          else if (p[0] == '~' && p[1] == '0')
            g_string_append_c (segment, '~'), p++;
          else
            g_string_append_c (segment, *p);
        }
      g_strv_builder_add (builder, segment->str);
    }
  return g_strv_builder_end (builder);
}

static JsonNode *
child_of (JsonNode   *node,
          const char *segment)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      return json_object_has_member (object, segment) ? json_object_get_member (object, segment) : NULL;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint64 index = 0;

      /* RFC 6901: digits only, no leading zero */
      if (!g_ascii_string_to_unsigned (segment, 10, 0, G_MAXUINT, &index, NULL)
          || (segment[0] == '0' && segment[1] != '\0'))
        return NULL;
      return index < json_array_get_length (array) ? json_array_get_element (array, (guint) index) : NULL;
    }
  return NULL;
}

/* json_node_copy() shares the objects and arrays of the node it copies;
 * a document that is changed afterwards needs its own. */
JsonNode *
_kari_config_deep_copy (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *copy = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (copy, name, _kari_config_deep_copy (value));
      return json_node_init_object (json_node_alloc (), copy);
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      JsonArray *copy = json_array_sized_new (json_array_get_length (array));

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (copy, _kari_config_deep_copy (json_array_get_element (array, i)));
      return json_node_init_array (json_node_alloc (), copy);
    }
  return json_node_copy (node);
}

/* Returns the value at @segments (borrowed), or NULL when absent. */
JsonNode *
_kari_config_lookup (JsonNode           *root,
                     const char * const *segments)
{
  JsonNode *node = root;

  for (guint i = 0; node != NULL && segments[i] != NULL; i++)
    node = child_of (node, segments[i]);
  return node;
}

/* Sets the value at @segments to a copy of @value, making the objects on
 * the way; a value on the way that is not an object is an error. */
gboolean
_kari_config_put (JsonNode            *root,
                  const char * const  *segments,
                  JsonNode            *value,
                  GError             **error)
{
  JsonObject *object;
  guint n = g_strv_length ((GStrv) segments);

  g_return_val_if_fail (n > 0, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    goto not_object;
  object = json_node_get_object (root);
  for (guint i = 0; i + 1 < n; i++)
    {
      JsonNode *next = json_object_has_member (object, segments[i])
                       ? json_object_get_member (object, segments[i]) : NULL;

      if (next == NULL)
        {
          json_object_set_object_member (object, segments[i], json_object_new ());
          next = json_object_get_member (object, segments[i]);
        }
      if (!JSON_NODE_HOLDS_OBJECT (next))
        goto not_object;
      object = json_node_get_object (next);
    }
  json_object_set_member (object, segments[n - 1], _kari_config_deep_copy (value));
  return TRUE;

not_object:
  g_set_error (error, KARI_CONFIG_ERROR, KARI_CONFIG_ERROR_BAD_KEY,
               _("The key goes through a value that is not an object"));
  return FALSE;
}

/* Removes the member at @segments; returns whether there was one. Empty
 * objects left on the way are removed too. */
gboolean
_kari_config_remove (JsonNode            *root,
                     const char * const  *segments)
{
  JsonNode *parent;
  JsonObject *object;
  guint n = g_strv_length ((GStrv) segments);
  g_autofree char *last = NULL;
  g_auto(GStrv) head = NULL;

  if (n == 0)
    return FALSE;
  head = g_strdupv ((GStrv) segments);
  last = head[n - 1];
  head[n - 1] = NULL;

  parent = _kari_config_lookup (root, (const char * const *) head);
  if (parent == NULL || !JSON_NODE_HOLDS_OBJECT (parent))
    return FALSE;
  object = json_node_get_object (parent);
  if (!json_object_has_member (object, last))
    return FALSE;
  json_object_remove_member (object, last);
  if (n > 1 && json_object_get_size (object) == 0)
    _kari_config_remove (root, (const char * const *) head);
  return TRUE;
}

/* Overlays @from on @into: objects are merged member by member, any
 * other value replaces. */
void
_kari_config_merge (JsonObject *into,
                    JsonObject *from)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, from);
  while (json_object_iter_next (&iter, &name, &value))
    {
      JsonNode *existing = json_object_has_member (into, name) ? json_object_get_member (into, name) : NULL;

      if (existing != NULL && JSON_NODE_HOLDS_OBJECT (existing) && JSON_NODE_HOLDS_OBJECT (value))
        _kari_config_merge (json_node_get_object (existing), json_node_get_object (value));
      else
        json_object_set_member (into, name, _kari_config_deep_copy (value));
    }
}
