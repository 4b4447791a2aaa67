/* kari-json-schema-refs.c — JSON Pointers, and the loops `$ref` can make
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-json-schema-private.h"

typedef struct
{
  char   **error_pointer;
  GError **error;
} Checker;

static gboolean G_GNUC_PRINTF (3, 4)
fail (Checker    *c,
      const char *path,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (c->error, KARI_JSON_SCHEMA_ERROR, KARI_JSON_SCHEMA_ERROR_INVALID_SCHEMA,
               _("schema %s: %s"), *path != '\0' ? path : _("(root)"), message);
  *c->error_pointer = g_strdup (path);
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Pointers                                                           */

/* Follows an RFC 6901 pointer (already percent-decoded) from the root. */
JsonNode *
_kari_json_schema_follow_pointer (JsonNode   *root,
                                  const char *pointer)
{
  g_auto(GStrv) tokens = NULL;
  JsonNode *at = root;

  if (*pointer == '\0')
    return root;
  if (*pointer != '/')
    return NULL;
  tokens = g_strsplit (pointer + 1, "/", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      GString *token = g_string_new (NULL);
      g_autofree char *name = NULL;

      for (const char *p = tokens[i]; *p != '\0'; p++)
        {
          if (*p != '~')
            g_string_append_c (token, *p);
          else if (p[1] == '0' || p[1] == '1')
            g_string_append_c (token, *++p == '0' ? '~' : '/');
          else
            {
              g_string_free (token, TRUE);
              return NULL;
            }
        }
      name = g_string_free (token, FALSE);

      if (JSON_NODE_HOLDS_OBJECT (at))
        at = json_object_get_member (json_node_get_object (at), name);
      else if (JSON_NODE_HOLDS_ARRAY (at))
        {
          JsonArray *array = json_node_get_array (at);
          guint64 index;

          if ((name[0] == '0' && name[1] != '\0')
              || !g_ascii_string_to_unsigned (name, 10, 0, G_MAXUINT, &index, NULL)
              || index >= json_array_get_length (array))
            return NULL;
          at = json_array_get_element (array, (guint) index);
        }
      else
        return NULL;
      if (at == NULL)
        return NULL;
    }
  return at;
}

/* ------------------------------------------------------------------ */
/* Loops                                                              */

static gboolean check_chain (Checker *c, SchemaNode *node, guint depth);

static gboolean
check_edge (Checker    *c,
            SchemaNode *from,
            SchemaNode *to,
            guint       depth)
{
  if (to == NULL || to->visit == 2)
    return TRUE;
  if (to->visit == 1)
    return fail (c, from->path,
                 _("the schema applies itself to the same value again through “$ref” or "
                   "“allOf”/“anyOf”/“oneOf”/“not”/“if”, which never ends"));
  return check_chain (c, to, depth + 1);
}

static gboolean
check_edges (Checker    *c,
             SchemaNode *from,
             GPtrArray  *list,
             guint       depth)
{
  for (guint i = 0; list != NULL && i < list->len; i++)
    if (!check_edge (c, from, list->pdata[i], depth))
      return FALSE;
  return TRUE;
}

/* Depth first along the applicators that stay on the same value: a
 * cycle there is an endless loop, while a cycle through `properties`
 * or `items` ends with the instance. */
static gboolean
check_chain (Checker    *c,
             SchemaNode *node,
             guint       depth)
{
  if (depth > KARI_JSON_SCHEMA_MAX_CHAIN)
    return fail (c, node->path,
                 _("references and “allOf”/“anyOf”/“oneOf”/“not” chain more than %d deep"),
                 KARI_JSON_SCHEMA_MAX_CHAIN);
  node->visit = 1;
  if (!check_edge (c, node, node->ref_target, depth)
      || !check_edges (c, node, node->all_of, depth)
      || !check_edges (c, node, node->any_of, depth)
      || !check_edges (c, node, node->one_of, depth)
      || !check_edge (c, node, node->not, depth)
      || !check_edge (c, node, node->if_, depth)
      || !check_edge (c, node, node->then_, depth)
      || !check_edge (c, node, node->else_, depth))
    return FALSE;
  for (guint i = 0; node->dependent_schemas != NULL && i < node->dependent_schemas->len; i++)
    if (!check_edge (c, node, g_array_index (node->dependent_schemas, SchemaProperty, i).schema, depth))
      return FALSE;
  node->visit = 2;
  return TRUE;
}

/* Refuses a schema in which validation could go round forever. */
gboolean
_kari_json_schema_check_loops (KariJsonSchema  *self,
                               char           **error_pointer,
                               GError         **error)
{
  Checker c = { error_pointer, error };

  for (guint i = 0; i < self->nodes->len; i++)
    {
      SchemaNode *node = self->nodes->pdata[i];

      if (node->visit == 0 && !check_chain (&c, node, 0))
        return FALSE;
    }
  return TRUE;
}
