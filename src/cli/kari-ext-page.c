/* kari-ext-page.c — `kari-ext page check FILE…` and `kari-ext page diff OLD NEW`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For extension authors: check page trees as the Control Room will, and
 * see the steps the Control Room takes from one tree to the next.
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

static KariPageTree *
load (const char  *path,
      GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  KariPageTree *tree;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  tree = kari_page_tree_new_from_data (text, (gssize) length, &local_error);
  if (tree == NULL)
    g_set_error (error, local_error->domain, local_error->code, "%s: %s", path, local_error->message);
  return tree;
}

static int
check (int      argc,
       char   **argv,
       gboolean json)
{
  g_autoptr(JsonArray) results = json_array_new ();
  gboolean all_valid = TRUE;

  for (int i = 0; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KariPageTree) tree = load (argv[i], &error);
      JsonObject *result = json_object_new ();

      json_object_set_string_member (result, "path", argv[i]);
      json_object_set_boolean_member (result, "valid", tree != NULL);
      if (tree != NULL)
        {
          json_object_set_int_member (result, "nodes", kari_page_tree_get_n_nodes (tree));
          if (!json)
            printf (_("%s: valid: %u nodes\n"), argv[i], kari_page_tree_get_n_nodes (tree));
        }
      else
        {
          json_object_set_string_member (result, "error", error->message);
          if (!json)
            fprintf (stderr, "%s\n", error->message);
          all_valid = FALSE;
        }
      json_array_add_object_element (results, result);
    }
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();

      json_object_set_boolean_member (object, "valid", all_valid);
      json_object_set_array_member (object, "results", json_array_ref (results));
      json_node_take_object (node, object);
      _kari_ext_print_json (node);
    }
  return all_valid ? KARI_EXIT_OK : KARI_EXIT_FAILURE;
}

static void
print_step (const KariPageOp *op)
{
  g_autofree char *value = op->value != NULL ? json_to_string (op->value, FALSE) : NULL;

  switch (op->kind)
    {
    case KARI_PAGE_OP_SET:
      if (value != NULL)
        printf (_("set %s.%s = %s\n"), op->node_id, op->property, value);
      else
        printf (_("unset %s.%s\n"), op->node_id, op->property);
      break;
    case KARI_PAGE_OP_INSERT:
      printf (_("insert %s (%s) into %s at %u\n"), kari_page_node_get_id (op->node),
              kari_page_node_type_to_string (kari_page_node_get_node_type (op->node)),
              op->parent_id, op->index);
      break;
    case KARI_PAGE_OP_REMOVE:
      printf (_("remove %s\n"), op->node_id);
      break;
    case KARI_PAGE_OP_MOVE:
      printf (_("move %s into %s at %u\n"), op->node_id, op->parent_id, op->index);
      break;
    case KARI_PAGE_OP_REPLACE:
      printf (_("replace %s by a %s\n"), op->node_id,
              kari_page_node_type_to_string (kari_page_node_get_node_type (op->node)));
      break;
    default:
      break;
    }
}

static int
diff (const char *old_path,
      const char *new_path,
      gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPageTree) old_tree = load (old_path, &error);
  g_autoptr(KariPageTree) new_tree = old_tree != NULL ? load (new_path, &error) : NULL;
  g_autoptr(KariPagePatch) patch = NULL;

  if (new_tree == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return KARI_EXIT_FAILURE;
    }
  patch = kari_page_diff (old_tree, new_tree);
  if (json)
    {
      g_autoptr(JsonNode) steps = kari_page_patch_to_json (patch);
      _kari_ext_print_json (steps);
    }
  else
    for (guint i = 0; i < kari_page_patch_get_n_ops (patch); i++)
      print_step (kari_page_patch_get_op (patch, i));
  return KARI_EXIT_OK;
}

int
kari_ext_page (int    argc,
               char **argv)
{
  const KariExtCommand *command = _kari_ext_lookup_command ("page");
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status;

  if ((status = _kari_ext_parse_options (command, entries, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return _kari_ext_usage_error (command, "%s", _("no action given (check or diff)"));
  if (g_str_equal (argv[1], "check"))
    {
      if (argc < 3)
        return _kari_ext_usage_error (command, "%s", _("no FILE given"));
      return check (argc - 2, argv + 2, json);
    }
  if (g_str_equal (argv[1], "diff"))
    {
      if (argc != 4)
        return _kari_ext_usage_error (command, "%s", _("diff takes two files, OLD and NEW"));
      return diff (argv[2], argv[3], json);
    }
  return _kari_ext_usage_error (command, _("unknown action “%s” (check or diff)"), argv[1]);
}
