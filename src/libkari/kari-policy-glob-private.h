/* kari-policy-glob-private.h — the patterns policy rules match with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "kari-permission-pattern.h"

G_BEGIN_DECLS

/* Longest pattern a rule field may hold; it bounds the matcher's state
 * set to four machine words, so matching never allocates. */
#define KARI_POLICY_GLOB_MAX 255

typedef enum
{
  KARI_GLOB_ANY,       /* absent, `*` or `**`: matches anything, even nothing */
  KARI_GLOB_LITERAL,   /* no `*`: byte equality */
  KARI_GLOB_PATTERN,   /* compiled into tokens, run as an NFA */
} KariGlobKind;

typedef enum
{
  KARI_GLOB_ANCHOR_NONE,
  KARI_GLOB_ANCHOR_HOME,   /* the pattern began with `~` */
  KARI_GLOB_ANCHOR_DATA,   /* the pattern began with `$DATA` */
} KariGlobAnchor;

typedef struct _KariGlobToken KariGlobToken;

typedef struct
{
  KariGlobKind    kind;
  KariGlobAnchor  anchor;
  char           *text;       /* the pattern as written; NULL for an absent field */
  const char     *body;       /* @text after the anchor */
  gsize           body_len;
  gboolean        has_colon;  /* a host pattern that names a port */
  guint           n_tokens;
  KariGlobToken  *tokens;
  /* literal bytes every match starts and ends with, checked before the
   * NFA runs; and whether the pattern is only prefix, one star, suffix */
  guint           prefix_len;
  guint           suffix_len;
  gboolean        one_star;
} KariGlob;

gboolean _kari_glob_compile (KariGlob                    *glob,
                             const char                  *text,
                             gboolean                     anchors,
                             char                       **message);
void     _kari_glob_clear   (KariGlob                    *glob);
gboolean _kari_policy_glob_match   (const KariGlob              *glob,
                             const char                  *text,
                             gboolean                     fold_case);
gboolean _kari_policy_glob_match_resource (const KariGlob              *glob,
                                    const char                  *resource,
                                    const KariPermissionContext *context,
                                    gboolean                     host);

G_END_DECLS
