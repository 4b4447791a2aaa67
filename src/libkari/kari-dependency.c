/* kari-dependency.c — TEMPORARY copy from the manifest branch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The version helper owns this file; this one only exists so that the
 * manifest branch links on its own. Drop it when merging theirs.
 */
#include "config.h"

#include "kari-manifest.h"

G_DEFINE_BOXED_TYPE (KariDependency, kari_dependency,
                     kari_dependency_copy, kari_dependency_free)

KariDependency *
kari_dependency_new (KariDependencyKind  kind,
                     const char         *name,
                     KariConstraint     *constraint)
{
  KariDependency *self = g_new0 (KariDependency, 1);

  self->kind = kind;
  self->name = g_strdup (name);
  self->constraint = constraint != NULL ? kari_constraint_ref (constraint)
                                        : kari_constraint_parse ("*", NULL);
  return self;
}

KariDependency *
kari_dependency_copy (const KariDependency *self)
{
  return kari_dependency_new (self->kind, self->name, self->constraint);
}

void
kari_dependency_free (KariDependency *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_clear_pointer (&self->constraint, kari_constraint_unref);
  g_free (self);
}

const char *
kari_dependency_kind_to_string (KariDependencyKind kind)
{
  switch (kind)
    {
    case KARI_DEPENDENCY_EXTENSION:
      return "extension";
    case KARI_DEPENDENCY_PLUGIN:
      return "plugin";
    case KARI_DEPENDENCY_SERVICE:
      return "service";
    default:
      return "unknown";
    }
}

char *
kari_dependency_to_string (const KariDependency *self)
{
  if (kari_constraint_is_any (self->constraint))
    return g_strdup (self->name);
  return g_strdup_printf ("%s@%s", self->name, kari_constraint_get_text (self->constraint));
}
