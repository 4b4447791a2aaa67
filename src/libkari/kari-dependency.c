/* kari-dependency.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-manifest.h"

G_DEFINE_BOXED_TYPE (KariDependency, kari_dependency, kari_dependency_copy, kari_dependency_free)

/**
 * kari_dependency_new:
 * @kind: what is depended on
 * @name: its name
 * @constraint: (nullable): the accepted versions; %NULL means any (`*`)
 *
 * Returns: (transfer full): a new #KariDependency holding a reference to
 *   @constraint
 */
KariDependency *
kari_dependency_new (KariDependencyKind  kind,
                     const char         *name,
                     KariConstraint     *constraint)
{
  KariDependency *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_new0 (KariDependency, 1);
  self->kind = kind;
  self->name = g_strdup (name);
  if (constraint != NULL)
    self->constraint = kari_constraint_ref (constraint);
  else
    self->constraint = kari_constraint_parse ("*", NULL);

  return self;
}

/**
 * kari_dependency_copy:
 * @self: a #KariDependency
 *
 * Returns: (transfer full): a copy of @self
 */
KariDependency *
kari_dependency_copy (const KariDependency *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return kari_dependency_new (self->kind, self->name, self->constraint);
}

/**
 * kari_dependency_free:
 * @self: (transfer full): a #KariDependency
 */
void
kari_dependency_free (KariDependency *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_clear_pointer (&self->constraint, kari_constraint_unref);
  g_free (self);
}

/**
 * kari_dependency_kind_to_string:
 * @kind: a #KariDependencyKind
 *
 * Returns: `extension`, `plugin` or `service`
 */
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

/**
 * kari_dependency_to_string:
 * @self: a #KariDependency
 *
 * The dependency as a person reads it: `name` when any version will do,
 * `name@constraint` (the constraint as written) otherwise.
 *
 * Returns: (transfer full): the text
 */
char *
kari_dependency_to_string (const KariDependency *self)
{
  const char *text;

  g_return_val_if_fail (self != NULL, NULL);

  text = kari_constraint_get_text (self->constraint);
  if (kari_constraint_is_any (self->constraint) && (*text == '\0' || g_str_equal (text, "*")))
    return g_strdup (self->name);

  return g_strdup_printf ("%s@%s", self->name, text);
}
