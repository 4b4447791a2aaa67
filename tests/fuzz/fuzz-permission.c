/* fuzz-permission.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any bytes as a permission pattern and as a concrete request: parse,
 * split, match, cover, describe and escape must never crash, and what
 * they answer must hold together — a valid pattern passes the syntax
 * check, covers itself, and escaping always gives valid UTF-8.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kari-permission.h"
#include "kari-permission-pattern.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* The first line is the pattern, the rest the request. */
  const uint8_t *newline = memchr (data, '\n', size);
  size_t first = newline != NULL ? (size_t) (newline - data) : size;
  g_autofree char *text = g_strndup ((const char *) data, first);
  g_autofree char *request = newline != NULL ? g_strndup ((const char *) newline + 1, size - first - 1)
                                             : g_strdup (text);
  g_autoptr(KariPermissionPattern) pattern = kari_permission_pattern_parse (text, NULL);
  g_autofree char *domain = NULL;
  g_autofree char *action = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *escaped = kari_permission_escape_for_display_len ((const char *) data, size);
  g_autofree char *words = kari_permission_describe (text);
  KariPermissionContext context = { "/tmp", "/tmp/kari-fuzz-data" };

  g_assert_true (g_utf8_validate (escaped, -1, NULL));
  g_assert_true (g_utf8_validate (words, -1, NULL));
  g_assert_true ((pattern != NULL) == kari_permission_check_syntax (text, NULL));

  if (kari_permission_split (request, &domain, &action, &resource, NULL))
    {
      g_assert_nonnull (domain);
      g_assert_nonnull (action);
      if (pattern != NULL)
        (void) kari_permission_pattern_matches (pattern, domain, action, resource, &context);
    }

  if (pattern != NULL)
    {
      g_autoptr(KariPermissionPattern) other = kari_permission_pattern_parse (request, NULL);

      g_assert_true (kari_permission_pattern_covers (pattern, pattern));
      if (other != NULL)
        (void) kari_permission_pattern_covers (pattern, other);
      /* The parts of a pattern are those of its text. */
      g_assert_cmpstr (kari_permission_pattern_get_text (pattern), ==, text);
      (void) kari_permission_pattern_matches (pattern, kari_permission_pattern_get_domain (pattern),
                                              "read", request, &context);
    }
  return 0;
}
