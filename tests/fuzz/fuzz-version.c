/* fuzz-version.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any bytes as a version, a constraint and a dependency spec; when a
 * version and a constraint both parse, satisfies must run, and the
 * normalised range must parse again to the same range.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kari-version.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(KariVersion) v = kari_version_parse (text, NULL);
  g_autoptr(KariConstraint) c = kari_constraint_parse (text, NULL);
  g_autofree char *name = NULL;
  g_autoptr(KariConstraint) spec = NULL;

  if (kari_dependency_spec_parse (text, &name, &spec, NULL))
    g_assert_nonnull (name);

  if (v != NULL)
    {
      g_autoptr(KariVersion) again = kari_version_parse (kari_version_to_string (v), NULL);

      g_assert_nonnull (again);
      g_assert_cmpint (kari_version_compare (v, again), ==, 0);
    }

  if (c != NULL)
    {
      g_autofree char *range = kari_constraint_to_range_string (c);

      /* normalising can make the text longer than we accept as input */
      if (strlen (range) > KARI_CONSTRAINT_MAX_LENGTH)
        return 0;
    }

  if (c != NULL)
    {
      g_autofree char *range = kari_constraint_to_range_string (c);
      g_autoptr(KariConstraint) again = kari_constraint_parse (range, NULL);
      g_autofree char *range2 = NULL;

      /* npm's normal form is a fixed point */
      g_assert_nonnull (again);
      range2 = kari_constraint_to_range_string (again);
      g_assert_cmpstr (range, ==, range2);

      if (v != NULL)
        g_assert_true (kari_constraint_is_satisfied_by (c, v) == kari_constraint_is_satisfied_by (again, v));
    }

  return 0;
}
