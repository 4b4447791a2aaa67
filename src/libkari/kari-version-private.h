/* kari-version-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What kari-version.c and kari-constraint.c share. Both follow npm's
 * `semver` package (non-loose) step by step, so the helpers here are the
 * JavaScript primitives that package leans on: String.prototype.trim(),
 * the `\s` class, `.length` in UTF-16 code units, and its regular
 * expressions (spelt out for PCRE2, see kari-constraint.c).
 */
#pragma once

#include "kari-version.h"

G_BEGIN_DECLS

/* Number.MAX_SAFE_INTEGER: npm refuses larger version components. */
#define KARI_VERSION_MAX_SAFE_INTEGER G_GUINT64_CONSTANT (9007199254740991)

/* npm's MAX_LENGTH: a version is at most 256 UTF-16 code units long. */
#define KARI_VERSION_MAX_LENGTH 256

gsize        _kari_js_space_len     (const char  *p);
char        *_kari_js_trim          (const char  *text);
gsize        _kari_js_length        (const char  *text);
gboolean     _kari_parse_number     (const char  *digits,
                                     guint64     *value);

typedef enum
{
  KARI_RE_FULL,
  KARI_RE_XRANGE,
  KARI_RE_TILDE,
  KARI_RE_TILDETRIM,
  KARI_RE_CARET,
  KARI_RE_CARETTRIM,
  KARI_RE_COMPARATOR,
  KARI_RE_COMPARATORTRIM,
  KARI_RE_HYPHENRANGE,
  KARI_RE_STAR,
  KARI_RE_GTE0,
  KARI_RE_BUILD,
  KARI_RE_BUILDSTRIP,
  KARI_RE_N
} KariRe;

GRegex      *_kari_re               (KariRe       which);

/* Parses like `new SemVer (text)` (kari_version_parse is this). */
KariVersion *_kari_version_parse_js (const char  *text,
                                     GError     **error);
/* `M.m.p[-pre]`, npm's `version` property (no build metadata). */
const char  *_kari_version_get_npm  (const KariVersion *self);

G_END_DECLS
