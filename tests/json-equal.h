/* json-equal.h: structural comparison of JsonNode trees for the parser
 * tests. An int node never equals a double node (1 is not 1.0).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

/* Expected trees are written in JSON, which cannot hold nan and inf:
 * {"$float": "nan"}, {"$float": "inf"} and {"$float": "-inf"} stand
 * for them. */
static inline gboolean
json_equal_special_float (JsonNode *expected,
                          JsonNode *actual)
{
  JsonObject *o = json_node_get_object (expected);
  const char *what = json_object_get_string_member (o, "$float");
  double d;

  if (!JSON_NODE_HOLDS_VALUE (actual) || json_node_get_value_type (actual) != G_TYPE_DOUBLE)
    return FALSE;
  d = json_node_get_double (actual);
  if (g_str_equal (what, "nan"))
    return isnan (d);
  if (g_str_equal (what, "inf"))
    return isinf (d) && d > 0;
  if (g_str_equal (what, "-inf"))
    return isinf (d) && d < 0;
  return FALSE;
}

/* Compares two trees; on a difference, sets *where to its path. */
static inline gboolean
json_equal (JsonNode    *expected,
            JsonNode    *actual,
            const char  *path,
            char       **where)
{
  if (JSON_NODE_HOLDS_OBJECT (expected)
      && json_object_get_size (json_node_get_object (expected)) == 1
      && json_object_has_member (json_node_get_object (expected), "$float"))
    {
      if (!json_equal_special_float (expected, actual))
        goto differ;
      return TRUE;
    }

  if (json_node_get_node_type (expected) != json_node_get_node_type (actual))
    goto differ;

  switch (json_node_get_node_type (expected))
    {
    case JSON_NODE_NULL:
      return TRUE;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (expected) != json_node_get_value_type (actual))
        goto differ;
      switch (json_node_get_value_type (expected))
        {
        case G_TYPE_INT64:
          if (json_node_get_int (expected) != json_node_get_int (actual))
            goto differ;
          return TRUE;
        case G_TYPE_DOUBLE:
          {
            double a = json_node_get_double (expected), b = json_node_get_double (actual);

            if (a != b || signbit (a) != signbit (b))
              goto differ;
            return TRUE;
          }
        case G_TYPE_BOOLEAN:
          if (json_node_get_boolean (expected) != json_node_get_boolean (actual))
            goto differ;
          return TRUE;
        case G_TYPE_STRING:
          if (g_strcmp0 (json_node_get_string (expected), json_node_get_string (actual)) != 0)
            goto differ;
          return TRUE;
        default:
          goto differ;
        }

    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (expected), *b = json_node_get_array (actual);

        if (json_array_get_length (a) != json_array_get_length (b))
          goto differ;
        for (guint i = 0; i < json_array_get_length (a); i++)
          {
            g_autofree char *sub = g_strdup_printf ("%s[%u]", path, i);

            if (!json_equal (json_array_get_element (a, i), json_array_get_element (b, i),
                             sub, where))
              return FALSE;
          }
        return TRUE;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *a = json_node_get_object (expected), *b = json_node_get_object (actual);
        g_autoptr(GList) members = json_object_get_members (a);

        if (json_object_get_size (a) != json_object_get_size (b))
          goto differ;
        for (GList *l = members; l != NULL; l = l->next)
          {
            g_autofree char *sub = g_strdup_printf ("%s.%s", path, (const char *) l->data);

            if (!json_object_has_member (b, l->data))
              {
                *where = g_steal_pointer (&sub);
                return FALSE;
              }
            if (!json_equal (json_object_get_member (a, l->data),
                             json_object_get_member (b, l->data), sub, where))
              return FALSE;
          }
        return TRUE;
      }
    }

differ:
  *where = g_strdup (path[0] ? path : "(root)");
  return FALSE;
}

/* Fails the test with both trees shown when they differ. */
static inline void
assert_json_equal (JsonNode *expected,
                   JsonNode *actual)
{
  g_autofree char *where = NULL;

  if (!json_equal (expected, actual, "", &where))
    {
      g_autofree char *e = json_to_string (expected, FALSE);
      g_autofree char *a = json_to_string (actual, FALSE);

      g_test_message ("expected: %s", e);
      g_test_message ("actual:   %s", a);
      g_test_fail_printf ("trees differ at %s", where);
    }
}
