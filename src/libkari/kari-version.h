/* kari-version.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define KARI_VERSION_ERROR (kari_version_error_quark ())

/**
 * KariVersionError:
 * @KARI_VERSION_ERROR_INVALID: not a semantic version
 * @KARI_VERSION_ERROR_INVALID_CONSTRAINT: not a valid version constraint
 * @KARI_VERSION_ERROR_INVALID_DEPENDENCY: not `name` or `name@constraint`
 */
typedef enum
{
  KARI_VERSION_ERROR_INVALID,
  KARI_VERSION_ERROR_INVALID_CONSTRAINT,
  KARI_VERSION_ERROR_INVALID_DEPENDENCY,
} KariVersionError;

/**
 * KARI_CONSTRAINT_MAX_LENGTH:
 *
 * The longest constraint text kari_constraint_parse() reads, in bytes.
 */
#define KARI_CONSTRAINT_MAX_LENGTH 1024

#define KARI_TYPE_VERSION (kari_version_get_type ())
#define KARI_TYPE_CONSTRAINT (kari_constraint_get_type ())

/**
 * KariVersion:
 *
 * An immutable Semantic Versioning 2.0.0 version.
 */
typedef struct _KariVersion KariVersion;

/**
 * KariConstraint:
 *
 * An immutable version range in the language of npm's `semver` package.
 */
typedef struct _KariConstraint KariConstraint;

GQuark          kari_version_error_quark         (void);

GType           kari_version_get_type            (void) G_GNUC_CONST;
KariVersion    *kari_version_parse               (const char            *text,
                                                  GError               **error);
KariVersion    *kari_version_new                 (guint64                major,
                                                  guint64                minor,
                                                  guint64                patch);
KariVersion    *kari_version_ref                 (KariVersion           *self);
void            kari_version_unref               (KariVersion           *self);
guint64         kari_version_get_major           (const KariVersion     *self);
guint64         kari_version_get_minor           (const KariVersion     *self);
guint64         kari_version_get_patch           (const KariVersion     *self);
const char     *kari_version_get_prerelease      (const KariVersion     *self);
const char     *kari_version_get_build           (const KariVersion     *self);
gboolean        kari_version_is_prerelease       (const KariVersion     *self);
int             kari_version_compare             (const KariVersion     *a,
                                                  const KariVersion     *b);
gboolean        kari_version_equal               (const KariVersion     *a,
                                                  const KariVersion     *b);
const char     *kari_version_to_string           (const KariVersion     *self);

GType           kari_constraint_get_type         (void) G_GNUC_CONST;
KariConstraint *kari_constraint_parse            (const char            *text,
                                                  GError               **error);
KariConstraint *kari_constraint_ref              (KariConstraint        *self);
void            kari_constraint_unref            (KariConstraint        *self);
gboolean        kari_constraint_is_satisfied_by  (const KariConstraint  *self,
                                                  const KariVersion     *version);
gboolean        kari_constraint_is_any           (const KariConstraint  *self);
const char     *kari_constraint_get_text         (const KariConstraint  *self);
char           *kari_constraint_to_range_string  (const KariConstraint  *self);

gboolean        kari_dependency_spec_parse       (const char            *spec,
                                                  char                 **name,
                                                  KariConstraint       **constraint,
                                                  GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariVersion, kari_version_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariConstraint, kari_constraint_unref)

G_END_DECLS
