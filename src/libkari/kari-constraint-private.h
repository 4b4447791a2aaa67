/* kari-constraint-private.h — npm's rewriting passes, shared by the parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "kari-version-private.h"

G_BEGIN_DECLS

typedef char *(*ReplaceFunc) (GMatchInfo  *match,
                              const char  *subject,
                              GError     **error);

GPtrArray *_kari_constraint_js_split_space (const char *s);
char *_kari_constraint_js_join (GPtrArray  *parts,
                                 const char *sep);
char *_kari_constraint_js_replace (KariRe        which,
                                    const char   *subject,
                                    gboolean      global,
                                    ReplaceFunc   func,
                                    GError      **error);
char *_kari_constraint_group (GMatchInfo *match,
                               int         n);
char *_kari_constraint_replace_nothing (GMatchInfo  *match,
                                         const char  *subject,
                                         GError     **error);
char *_kari_constraint_replace_comparator_trim (GMatchInfo  *match,
                                                 const char  *subject,
                                                 GError     **error);
char *_kari_constraint_replace_tilde_trim (GMatchInfo  *match,
                                            const char  *subject,
                                            GError     **error);
char *_kari_constraint_replace_caret_trim (GMatchInfo  *match,
                                            const char  *subject,
                                            GError     **error);
char *_kari_constraint_replace_tilde (GMatchInfo  *match,
                                       const char  *subject,
                                       GError     **error);
char *_kari_constraint_replace_caret (GMatchInfo  *match,
                                       const char  *subject,
                                       GError     **error);
char *_kari_constraint_replace_xrange (GMatchInfo  *match,
                                        const char  *subject,
                                        GError     **error);
char *_kari_constraint_replace_hyphen (GMatchInfo  *match,
                                        const char  *subject,
                                        GError     **error);

G_END_DECLS
