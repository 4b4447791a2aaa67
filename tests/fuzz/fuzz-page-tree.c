/* fuzz-page-tree.c: feeds arbitrary bytes to kari_page_tree_new_from_data(),
 * and diffs every tree it accepts against a fixed one and back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>
#include <stdint.h>

#include "kari-page-tree.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char base[] =
  "{\"id\": \"page\", \"type\": \"box\", \"children\": ["
  "{\"id\": \"a\", \"type\": \"label\", \"text\": \"x\"},"
  "{\"id\": \"b\", \"type\": \"list\", \"children\": [{\"id\": \"c\", \"type\": \"button\"}]}]}";

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KariPageTree) tree = NULL;
  g_autoptr(KariPageTree) other = NULL;
  g_autoptr(KariPagePatch) there = NULL;
  g_autoptr(KariPagePatch) back = NULL;

  tree = kari_page_tree_new_from_data ((const char *) data, (gssize) size, &error);

  /* Exactly one of a tree or an error. */
  if ((tree == NULL) == (error == NULL))
    __builtin_trap ();
  if (tree == NULL)
    return 0;

  /* Whatever was accepted diffs and applies back and forth exactly. */
  other = kari_page_tree_new_from_data (base, -1, NULL);
  there = kari_page_diff (other, tree);
  back = kari_page_diff (tree, other);
  if (!kari_page_tree_apply (other, there, NULL) || !kari_page_tree_equal (other, tree))
    __builtin_trap ();
  if (!kari_page_tree_apply (tree, back, NULL))
    __builtin_trap ();
  return 0;
}
