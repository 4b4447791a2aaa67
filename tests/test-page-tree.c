/* test-page-tree.c: page trees parsed and refused, diffed into patches,
 * and patches applied.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kari.h"
#include "kari-page-tree-private.h"
#include "page-tree-random.h"

static KariPageTree *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  KariPageTree *tree = kari_page_tree_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tree);
  return tree;
}

static void
test_parse_every_type (void)
{
  g_autofree char *path = g_build_filename (KARI_SOURCE_DIR, "tests", "data", "pages", "every-node.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPageTree) tree = NULL;
  KariPageNode *node;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(KariPageTree) again = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  tree = parse_ok (text);
  node = kari_page_tree_get_root (tree);
  g_assert_cmpstr (kari_page_node_get_id (node), ==, "page");

  /* Written back as JSON, it reads as the same tree. */
  json = kari_page_tree_to_json (tree);
  again = kari_page_tree_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_true (kari_page_tree_equal (tree, again));

  /* Every type appears, so the renderer tests cover them all. */
  for (KariPageNodeType t = 0; t < KARI_PAGE_NODE_N_TYPES; t++)
    {
      g_autofree char *id = g_strdup_printf ("a-%s", kari_page_node_type_to_string (t));
      node = kari_page_tree_lookup (tree, id);
      g_assert_nonnull (node);
      g_assert_cmpint (kari_page_node_get_node_type (node), ==, t);
    }

  /* Defaults come from the schema when a property is left out. */
  node = kari_page_tree_lookup (tree, "a-box");
  g_assert_cmpstr (kari_page_node_get_string (node, "orientation"), ==, "vertical");
  g_assert_cmpint (kari_page_node_get_int (node, "spacing"), ==, 12);
  g_assert_true (kari_page_node_get_boolean (node, "visible"));
  node = kari_page_tree_lookup (tree, "a-spin");
  g_assert_cmpfloat (kari_page_node_get_double (node, "max"), ==, 100);
  g_assert_cmpfloat (kari_page_node_get_double (node, "value"), ==, 3);
  g_assert_false (kari_page_node_has_property (node, "step"));
  node = kari_page_tree_lookup (tree, "a-image");
  g_assert_cmpstr (kari_page_node_get_string (node, "src"), ==, "icons/logo.png");
  g_assert_cmpstr (kari_page_tree_get_parent (tree, "a-label") != NULL
                   ? kari_page_node_get_id (kari_page_tree_get_parent (tree, "a-label")) : NULL, ==, "a-box");
}

typedef struct
{
  const char *name;
  const char *json;
  int         code;
  const char *expect[3];   /* substrings the message must hold */
} ParseCase;

static const ParseCase parse_cases[] = {
  { "syntax", "{\"id\": \"p\", \"type\": \"box\",}", KARI_PAGE_TREE_ERROR_PARSE, { "line 1, column" } },
  { "not-object", "[1]", KARI_PAGE_TREE_ERROR_INVALID, { "root", "expected a node", "an array" } },
  { "no-id", "{\"type\": \"box\"}", KARI_PAGE_TREE_ERROR_INVALID, { "“id” is missing" } },
  { "id-number", "{\"id\": 3, \"type\": \"box\"}", KARI_PAGE_TREE_ERROR_INVALID, { "“id” must be a string", "a number" } },
  { "id-chars", "{\"id\": \"a b\", \"type\": \"box\"}", KARI_PAGE_TREE_ERROR_INVALID, { "id “a b” is not valid" } },
  { "id-long", "{\"id\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"type\": \"box\"}",
    KARI_PAGE_TREE_ERROR_INVALID, { "is not valid", "1 to 64" } },
  { "no-type", "{\"id\": \"p\"}", KARI_PAGE_TREE_ERROR_INVALID, { "root (“p”)", "“type” is missing" } },
  { "bad-type", "{\"id\": \"p\", \"type\": \"script\"}", KARI_PAGE_TREE_ERROR_INVALID,
    { "unknown type script", "box, label, heading" } },
  { "unknown-prop", "{\"id\": \"p\", \"type\": \"label\", \"onclick\": \"x()\"}", KARI_PAGE_TREE_ERROR_INVALID,
    { "unknown property “onclick” for a label", "expected one of id, type, visible" } },
  { "wrong-type", "{\"id\": \"p\", \"type\": \"box\", \"children\": [{\"id\": \"s\", \"type\": \"switch\", \"active\": \"yes\"}]}",
    KARI_PAGE_TREE_ERROR_INVALID, { "children[0] (“s”)", "property “active”", "expected true or false, found a string" } },
  { "out-of-range", "{\"id\": \"p\", \"type\": \"box\", \"spacing\": 1000}", KARI_PAGE_TREE_ERROR_INVALID,
    { "property “spacing”", "from 0 to 256" } },
  { "bad-enum", "{\"id\": \"p\", \"type\": \"box\", \"orientation\": \"diagonal\"}", KARI_PAGE_TREE_ERROR_INVALID,
    { "expected one of vertical, horizontal, found diagonal" } },
  { "leaf-children", "{\"id\": \"p\", \"type\": \"label\", \"children\": []}", KARI_PAGE_TREE_ERROR_INVALID,
    { "a label has no children" } },
  { "children-object", "{\"id\": \"p\", \"type\": \"box\", \"children\": {}}", KARI_PAGE_TREE_ERROR_INVALID,
    { "“children” must be an array" } },
  { "duplicate", "{\"id\": \"p\", \"type\": \"box\", \"children\": [{\"id\": \"x\", \"type\": \"label\"}, "
    "{\"id\": \"x\", \"type\": \"button\"}]}", KARI_PAGE_TREE_ERROR_DUPLICATE_ID,
    { "children[1] (“x”)", "already used by the node at children[0]" } },
  { "image-no-src", "{\"id\": \"p\", \"type\": \"image\"}", KARI_PAGE_TREE_ERROR_INVALID,
    { "property “src” is required for a image" } },
  { "image-dotdot", "{\"id\": \"p\", \"type\": \"image\", \"src\": \"../../etc/passwd\"}", KARI_PAGE_TREE_ERROR_UNSAFE_PATH,
    { "“..”" } },
  { "image-absolute", "{\"id\": \"p\", \"type\": \"image\", \"src\": \"/etc/passwd\"}", KARI_PAGE_TREE_ERROR_UNSAFE_PATH,
    { "absolute" } },
  { "image-url", "{\"id\": \"p\", \"type\": \"image\", \"src\": \"https://example.com/a.png\"}",
    KARI_PAGE_TREE_ERROR_UNSAFE_PATH, { "URLs" } },
  { "image-file-url", "{\"id\": \"p\", \"type\": \"image\", \"src\": \"file:///etc/passwd\"}",
    KARI_PAGE_TREE_ERROR_UNSAFE_PATH, { "URLs" } },
  { "icon-path", "{\"id\": \"p\", \"type\": \"button\", \"icon\": \"/usr/share/icons/x.svg\"}",
    KARI_PAGE_TREE_ERROR_INVALID, { "themed icon" } },
  { "rows-not-array", "{\"id\": \"t\", \"type\": \"table\", \"rows\": [[1, 2], {\"a\": 1}]}",
    KARI_PAGE_TREE_ERROR_INVALID, { "row 1: expected an array of cells, found an object" } },
  { "cell-object", "{\"id\": \"t\", \"type\": \"table\", \"rows\": [[1, [2]]]}",
    KARI_PAGE_TREE_ERROR_INVALID, { "row 0, cell 1" } },
  { "series-member", "{\"id\": \"c\", \"type\": \"chart\", \"series\": [{\"name\": \"a\", \"color\": \"red\"}]}",
    KARI_PAGE_TREE_ERROR_INVALID, { "unknown member “color”" } },
  { "series-value", "{\"id\": \"c\", \"type\": \"chart\", \"series\": [{\"values\": [1, \"2\"]}]}",
    KARI_PAGE_TREE_ERROR_INVALID, { "series 0, value 1: expected a number" } },
  { "form-schema", "{\"id\": \"f\", \"type\": \"form\", \"schema\": true}", KARI_PAGE_TREE_ERROR_INVALID,
    { "property “schema”", "expected an object" } },
  { "form-bad-schema", "{\"id\": \"f\", \"type\": \"form\", \"schema\": {\"type\": \"thing\"}}",
    KARI_PAGE_TREE_ERROR_INVALID, { "property “schema”", "not a usable JSON Schema" } },
  { "form-remote-ref", "{\"id\": \"f\", \"type\": \"form\", \"schema\": {\"$ref\": \"https://example.com/s.json\"}}",
    KARI_PAGE_TREE_ERROR_INVALID, { "not a usable JSON Schema" } },
  { "int-fraction", "{\"id\": \"d\", \"type\": \"dropdown\", \"selected\": 1.5}", KARI_PAGE_TREE_ERROR_INVALID,
    { "whole number" } },
  { "nan-like", "{\"id\": \"p\", \"type\": \"progress\", \"fraction\": 2}", KARI_PAGE_TREE_ERROR_INVALID,
    { "from 0 to 1" } },
};

static void
test_parse_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      const ParseCase *c = &parse_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(KariPageTree) tree = kari_page_tree_new_from_data (c->json, -1, &error);

      if (tree != NULL || !g_error_matches (error, KARI_PAGE_TREE_ERROR, c->code))
        g_error ("case %s: expected error code %d, got %s", c->name, c->code,
                 error ? error->message : "a tree");
      for (guint j = 0; j < G_N_ELEMENTS (c->expect) && c->expect[j] != NULL; j++)
        if (strstr (error->message, c->expect[j]) == NULL)
          g_error ("case %s: “%s” does not say “%s”", c->name, error->message, c->expect[j]);
    }
}

static void
test_parse_location (void)
{
  const char *json = "{\n  \"id\": \"page\",\n  \"type\": \"box\",\n  \"children\": [\n"
                     "    { \"id\": \"go\", \"type\": \"button\",\n      \"style\": \"shiny\" }\n  ]\n}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPageTree) tree = kari_page_tree_new_from_data (json, -1, &error);

  g_assert_null (tree);
  g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "line 6, column 7: children[0] (“go”): property “style”: expected one of default, "
                   "suggested, destructive, flat, pill, found shiny");
}

static char *
nested (guint depth)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append_printf (s, "%s{\"id\": \"n%u\", \"type\": \"box\", \"children\": [", i ? "" : "", i);
  g_string_append (s, "{\"id\": \"leaf\", \"type\": \"label\"}");
  for (guint i = 0; i < depth; i++)
    g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}

static void
test_bounds (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ok = nested (KARI_PAGE_TREE_MAX_DEPTH - 1);
  g_autofree char *deep = nested (KARI_PAGE_TREE_MAX_DEPTH);
  g_autoptr(KariPageTree) tree = parse_ok (ok);
  g_autoptr(KariPageTree) refused = kari_page_tree_new_from_data (deep, -1, &error);
  g_autoptr(GString) wide = g_string_new ("{\"id\": \"p\", \"type\": \"box\", \"children\": [");
  g_autoptr(GString) rows = g_string_new ("{\"id\": \"t\", \"type\": \"table\", \"rows\": [");
  g_autoptr(GString) text = g_string_new ("{\"id\": \"t\", \"type\": \"label\", \"text\": \"");
  g_autoptr(JsonNode) huge = NULL;

  g_assert_null (refused);
  g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "deeper than 24"));
  g_clear_error (&error);

  for (guint i = 0; i < KARI_PAGE_TREE_MAX_NODES; i++)
    g_string_append_printf (wide, "%s{\"id\": \"l%u\", \"type\": \"label\"}", i ? "," : "", i);
  g_string_append (wide, "]}");
  refused = kari_page_tree_new_from_data (wide->str, -1, &error);
  g_assert_null (refused);
  g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "more than 4000 nodes"));
  g_clear_error (&error);

  for (guint i = 0; i <= KARI_PAGE_TREE_MAX_ROWS; i++)
    g_string_append_printf (rows, "%s[%u]", i ? "," : "", i);
  g_string_append (rows, "]}");
  refused = kari_page_tree_new_from_data (rows->str, -1, &error);
  g_assert_null (refused);
  g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "10001 rows are more than the limit of 10000"));
  g_clear_error (&error);

  for (guint i = 0; i <= KARI_PAGE_TREE_MAX_STRING; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\"}");
  refused = kari_page_tree_new_from_data (text->str, -1, &error);
  g_assert_null (refused);
  g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "longer than the limit of 65536"));
  g_clear_error (&error);

  /* A tree built in memory is not bounded by the text's size: the
   * total is. 80 labels of 64 KiB pass 4 MiB. */
  {
    JsonArray *children = json_array_new ();
    JsonObject *root = json_object_new ();
    g_autofree char *big = g_strnfill (KARI_PAGE_TREE_MAX_STRING, 'y');

    for (guint i = 0; i < 80; i++)
      {
        JsonObject *label = json_object_new ();
        g_autofree char *id = g_strdup_printf ("l%u", i);
        json_object_set_string_member (label, "id", id);
        json_object_set_string_member (label, "type", "label");
        json_object_set_string_member (label, "text", big);
        json_array_add_object_element (children, label);
      }
    json_object_set_string_member (root, "id", "p");
    json_object_set_string_member (root, "type", "box");
    json_object_set_array_member (root, "children", children);
    huge = json_node_init_object (json_node_alloc (), root);
    json_object_unref (root);
    refused = kari_page_tree_new_from_json (huge, &error);
    g_assert_null (refused);
    g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_TOO_LARGE);
  }
}

static void
test_path_safe (void)
{
  static const struct { const char *path; gboolean safe; } cases[] = {
    { "logo.png", TRUE }, { "icons/logo.png", TRUE }, { "a/b/c/d.jpg", TRUE }, { "..x/y.png", TRUE },
    { "", FALSE }, { "/etc/passwd", FALSE }, { "../x.png", FALSE }, { "a/../../x.png", FALSE },
    { "a/./x.png", FALSE }, { ".", FALSE }, { "a//b.png", FALSE }, { "a/", FALSE },
    { "http://example.com/x.png", FALSE }, { "data:image/png;base64,AAAA", FALSE },
    { "C:\\x.png", FALSE }, { "a\\..\\b", FALSE }, { "a\tb", FALSE }, { "..", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean safe = kari_page_path_is_safe (cases[i].path, &error);

      if (safe != cases[i].safe)
        g_error ("“%s”: expected %s", cases[i].path, cases[i].safe ? "safe" : "refused");
      if (!safe)
        g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_UNSAFE_PATH);
    }
}

/* Diffs @a_json into @b_json, checks the patch has @n_ops steps of which
 * the first is @first, and that applying it to a gives b. */
static KariPagePatch *
diff_check (const char     *a_json,
            const char     *b_json,
            guint           n_ops,
            KariPageOpKind  first)
{
  g_autoptr(KariPageTree) a = parse_ok (a_json);
  g_autoptr(KariPageTree) b = parse_ok (b_json);
  g_autoptr(GError) error = NULL;
  KariPagePatch *patch = kari_page_diff (a, b);

  if (kari_page_patch_get_n_ops (patch) != n_ops)
    {
      g_autoptr(JsonNode) json = kari_page_patch_to_json (patch);
      g_autofree char *text = json_to_string (json, FALSE);
      g_error ("expected %u steps, got %s", n_ops, text);
    }
  if (n_ops > 0)
    g_assert_cmpint (kari_page_patch_get_op (patch, 0)->kind, ==, first);
  g_assert_true (kari_page_tree_apply (a, patch, &error));
  g_assert_no_error (error);
  g_assert_true (kari_page_tree_equal (a, b));
  return patch;
}

#define ROW(x) "{\"id\": \"" x "\", \"type\": \"label\", \"text\": \"" x "\"}"
#define PAGE(kids) "{\"id\": \"p\", \"type\": \"box\", \"children\": [" kids "]}"

static void
test_diff_minimal (void)
{
  g_autoptr(KariPagePatch) same = diff_check (PAGE (ROW ("a") "," ROW ("b")), PAGE (ROW ("a") "," ROW ("b")),
                                              0, KARI_PAGE_OP_SET);
  g_autoptr(KariPagePatch) set = diff_check (PAGE (ROW ("a") "," ROW ("b")),
                                             PAGE (ROW ("a") ", {\"id\": \"b\", \"type\": \"label\", \"text\": \"B\"}"),
                                             1, KARI_PAGE_OP_SET);
  g_autoptr(KariPagePatch) unset = diff_check (PAGE (ROW ("a")), PAGE ("{\"id\": \"a\", \"type\": \"label\"}"),
                                               1, KARI_PAGE_OP_SET);
  g_autoptr(KariPagePatch) insert = diff_check (PAGE (ROW ("a") "," ROW ("c")), PAGE (ROW ("a") "," ROW ("b") "," ROW ("c")),
                                                1, KARI_PAGE_OP_INSERT);
  g_autoptr(KariPagePatch) remove = diff_check (PAGE (ROW ("a") "," ROW ("b") "," ROW ("c")), PAGE (ROW ("a") "," ROW ("c")),
                                                1, KARI_PAGE_OP_REMOVE);
  g_autoptr(KariPagePatch) to_front = diff_check (PAGE (ROW ("a") "," ROW ("b") "," ROW ("c") "," ROW ("d")),
                                                  PAGE (ROW ("d") "," ROW ("a") "," ROW ("b") "," ROW ("c")),
                                                  1, KARI_PAGE_OP_MOVE);
  g_autoptr(KariPagePatch) to_back = diff_check (PAGE (ROW ("a") "," ROW ("b") "," ROW ("c") "," ROW ("d")),
                                                 PAGE (ROW ("b") "," ROW ("c") "," ROW ("d") "," ROW ("a")),
                                                 1, KARI_PAGE_OP_MOVE);
  g_autoptr(KariPagePatch) reparent = diff_check (
    PAGE ("{\"id\": \"l\", \"type\": \"list\", \"children\": [" ROW ("a") "]}," ROW ("b")),
    PAGE ("{\"id\": \"l\", \"type\": \"list\", \"children\": [" ROW ("a") "," ROW ("b") "]}"),
    1, KARI_PAGE_OP_MOVE);
  g_autoptr(KariPagePatch) retype = diff_check (PAGE (ROW ("a") "," ROW ("b")),
                                                PAGE (ROW ("a") ", {\"id\": \"b\", \"type\": \"button\"}"),
                                                1, KARI_PAGE_OP_REPLACE);
  g_autoptr(KariPagePatch) root = diff_check (PAGE (ROW ("a")), "{\"id\": \"q\", \"type\": \"box\"}",
                                              1, KARI_PAGE_OP_REPLACE);
  /* Unwrapping: the wrapper goes, its child is kept and moved up. */
  g_autoptr(KariPagePatch) unwrap = diff_check (
    PAGE ("{\"id\": \"w\", \"type\": \"box\", \"children\": [" ROW ("a") "]}"),
    PAGE (ROW ("a")), 2, KARI_PAGE_OP_MOVE);
  const KariPageOp *op;

  op = kari_page_patch_get_op (set, 0);
  g_assert_cmpstr (op->node_id, ==, "b");
  g_assert_cmpstr (op->property, ==, "text");
  g_assert_cmpstr (json_node_get_string (op->value), ==, "B");
  op = kari_page_patch_get_op (unset, 0);
  g_assert_cmpstr (op->property, ==, "text");
  g_assert_null (op->value);
  op = kari_page_patch_get_op (insert, 0);
  g_assert_cmpstr (op->parent_id, ==, "p");
  g_assert_cmpuint (op->index, ==, 1);
  g_assert_cmpstr (kari_page_node_get_id (op->node), ==, "b");
  op = kari_page_patch_get_op (to_front, 0);
  g_assert_cmpstr (op->node_id, ==, "d");
  g_assert_cmpuint (op->index, ==, 0);
  op = kari_page_patch_get_op (to_back, 0);
  g_assert_cmpstr (op->node_id, ==, "a");
  g_assert_cmpuint (op->index, ==, 3);
  op = kari_page_patch_get_op (unwrap, 1);
  g_assert_cmpint (op->kind, ==, KARI_PAGE_OP_REMOVE);
  g_assert_cmpstr (op->node_id, ==, "w");
}

/* The property test: for random trees a and random edits b of them,
 * applying diff (a, b) to a gives b, and the patch is no longer than
 * rebuilding the changed subtrees. */
static void
test_diff_random (void)
{
  guint n_seeds = g_test_slow () ? 5000 : 600;
  guint seen[KARI_PAGE_OP_REPLACE + 1] = { 0 };

  for (guint32 seed = 1; seed <= n_seeds; seed++)
    {
      g_autoptr(KariPageTree) a = NULL;
      g_autoptr(KariPageTree) b = NULL;
      g_autoptr(KariPageTree) work = NULL;
      g_autoptr(KariPagePatch) patch = NULL;
      g_autoptr(KariPagePatch) back = NULL;
      g_autoptr(GError) error = NULL;
      RNode *ra, *rb;
      guint n_edits, cost = 0;
      RGen g;

      rgen_init (&g, seed);
      ra = rgen_tree (&g, g_rand_int_range (g.rand, 1, 60));
      rb = rnode_copy (ra);
      n_edits = g_rand_int_range (g.rand, 0, 10);
      for (guint i = 0; i < n_edits; i++)
        cost += rgen_edit (&g, rb);
      a = rnode_to_tree (ra);
      b = rnode_to_tree (rb);

      patch = kari_page_diff (a, b);
      work = kari_page_tree_copy (a);
      if (!kari_page_tree_apply (work, patch, &error) || !kari_page_tree_equal (work, b))
        {
          g_autoptr(JsonNode) pj = kari_page_patch_to_json (patch);
          g_autofree char *text = json_to_string (pj, TRUE);
          g_error ("seed %u: diff (a, b) applied to a is not b (%s): %s", seed,
                   error ? error->message : "different", text);
        }
      /* No more steps than the edits can account for: a longer patch
       * would mean rebuilding what did not change. */
      if (kari_page_patch_get_n_ops (patch) > cost)
        g_error ("seed %u: %u steps for edits worth %u", seed, kari_page_patch_get_n_ops (patch), cost);
      if (kari_page_tree_equal (a, b))
        g_assert_cmpuint (kari_page_patch_get_n_ops (patch), ==, 0);
      for (guint i = 0; i < kari_page_patch_get_n_ops (patch); i++)
        seen[kari_page_patch_get_op (patch, i)->kind]++;

      back = kari_page_diff (b, a);
      g_clear_object (&work);
      work = kari_page_tree_copy (b);
      if (!kari_page_tree_apply (work, back, &error) || !kari_page_tree_equal (work, a))
        g_error ("seed %u: diff (b, a) applied to b is not a (%s)", seed, error ? error->message : "different");

      rnode_free (ra);
      rnode_free (rb);
      rgen_clear (&g);
    }
  /* The edits reached every kind of step. */
  for (guint k = 0; k <= KARI_PAGE_OP_REPLACE; k++)
    {
      g_test_message ("%s: %u steps", kari_page_op_kind_to_string (k), seen[k]);
      g_assert_cmpuint (seen[k], >, 10);
    }
}

static void
test_apply_refused (void)
{
  g_autoptr(KariPageTree) a = parse_ok (PAGE (ROW ("a") "," ROW ("b")));
  g_autoptr(KariPageTree) b = parse_ok (PAGE (ROW ("a") ", {\"id\": \"b\", \"type\": \"label\", \"text\": \"x\"},"
                                              ROW ("c")));
  g_autoptr(KariPageTree) other = parse_ok (PAGE (ROW ("a") "," ROW ("c")));
  g_autoptr(KariPageTree) before = kari_page_tree_copy (other);
  g_autoptr(KariPagePatch) patch = kari_page_diff (a, b);
  g_autoptr(GError) error = NULL;

  /* The patch sets b's text (fits nothing in “other”) and inserts c
   * (which “other” already has): refused, and “other” is left whole. */
  g_assert_false (kari_page_tree_apply (other, patch, &error));
  g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_PATCH);
  g_assert_nonnull (strstr (error->message, "no node has the id “b”"));
  g_assert_true (kari_page_tree_equal (other, before));
  g_clear_error (&error);

  {
    g_autoptr(KariPageTree) c_first = parse_ok (PAGE (ROW ("a") "," ROW ("b") "," ROW ("c")));
    g_autoptr(KariPageTree) copy = kari_page_tree_copy (c_first);

    g_assert_false (kari_page_tree_apply (c_first, patch, &error));
    g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_PATCH);
    g_assert_nonnull (strstr (error->message, "id “c” is already in the tree"));
    g_assert_true (kari_page_tree_equal (c_first, copy));
  }
}

static void
test_patch_json (void)
{
  g_autoptr(KariPagePatch) patch = diff_check (PAGE (ROW ("a")), PAGE (ROW ("a") "," ROW ("b")), 1, KARI_PAGE_OP_INSERT);
  g_autoptr(JsonNode) json = kari_page_patch_to_json (patch);
  g_autofree char *text = json_to_string (json, FALSE);

  g_assert_cmpstr (text, ==,
                   "[{\"op\":\"insert\",\"parent\":\"p\",\"index\":1,\"node\":"
                   "{\"id\":\"b\",\"type\":\"label\",\"text\":\"b\"}}]");
}

/* Every page the examples ship parses. */
static void
test_example_pages (void)
{
  g_autofree char *root = g_build_filename (KARI_SOURCE_DIR, "examples", "extensions", NULL);
  g_autoptr(GDir) extensions = g_dir_open (root, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (extensions);
  while ((name = g_dir_read_name (extensions)) != NULL)
    {
      g_autofree char *pages = g_build_filename (root, name, "pages", NULL);
      g_autoptr(GDir) dir = g_dir_open (pages, 0, NULL);
      const char *page;

      while (dir != NULL && (page = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (pages, page, NULL);
          g_autofree char *text = NULL;
          g_autoptr(GError) error = NULL;
          g_autoptr(KariPageTree) tree = NULL;

          g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
          tree = kari_page_tree_new_from_data (text, -1, &error);
          if (tree == NULL)
            g_error ("%s: %s", path, error->message);
          n++;
        }
    }
  g_assert_cmpuint (n, >, 0);
}

static void
on_parsed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Parsed in a worker thread: a tree, or the same error as in the caller's. */
static void
test_parse_async (void)
{
  const char *texts[] = { PAGE (ROW ("a") "," ROW ("b")), "{\"id\": \"p\", \"type\": \"box\", \"spacing\": -1}" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (texts[i], strlen (texts[i]));
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(KariPageTree) tree = NULL;

      kari_page_tree_new_from_bytes_async (bytes, NULL, on_parsed, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      tree = kari_page_tree_new_from_bytes_finish (result, &error);
      if (i == 0)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (kari_page_tree_get_n_nodes (tree), ==, 3);
        }
      else
        {
          g_assert_null (tree);
          g_assert_error (error, KARI_PAGE_TREE_ERROR, KARI_PAGE_TREE_ERROR_INVALID);
          g_assert_nonnull (strstr (error->message, "line 1, column"));
        }
    }
}

/* The published schema and the checks in C name the same properties. */
static void
test_schema_matches (void)
{
  g_autofree char *path = g_build_filename (KARI_SOURCE_DIR, "data", "io.github.kari.PageTree.schema.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *defs;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  defs = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "$defs");
  for (KariPageNodeType t = 0; t < KARI_PAGE_NODE_N_TYPES; t++)
    {
      const char *name = kari_page_node_type_to_string (t);
      JsonObject *def = json_object_get_object_member (defs, name);
      g_autofree char *list = _kari_page_prop_list (t);
      g_auto(GStrv) names = g_strsplit (list, ", ", -1);
      g_autoptr(GList) members = NULL;

      g_assert_nonnull (def);
      members = json_object_get_members (json_object_get_object_member (def, "properties"));
      g_assert_cmpuint (g_list_length (members), ==, g_strv_length (names));
      for (GList *l = members; l != NULL; l = l->next)
        if (!g_strv_contains ((const char * const *) names, l->data))
          g_error ("the schema gives a %s the property “%s”, the C table does not", name, (char *) l->data);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/page-tree/parse/every-type", test_parse_every_type);
  g_test_add_func ("/page-tree/parse/errors", test_parse_errors);
  g_test_add_func ("/page-tree/parse/location", test_parse_location);
  g_test_add_func ("/page-tree/parse/bounds", test_bounds);
  g_test_add_func ("/page-tree/image/path-safe", test_path_safe);
  g_test_add_func ("/page-tree/diff/minimal", test_diff_minimal);
  g_test_add_func ("/page-tree/diff/random-round-trip", test_diff_random);
  g_test_add_func ("/page-tree/apply/refused-leaves-tree", test_apply_refused);
  g_test_add_func ("/page-tree/patch/json", test_patch_json);
  g_test_add_func ("/page-tree/schema/matches-table", test_schema_matches);
  g_test_add_func ("/page-tree/examples/parse", test_example_pages);
  g_test_add_func ("/page-tree/parse/async", test_parse_async);

  return g_test_run ();
}
