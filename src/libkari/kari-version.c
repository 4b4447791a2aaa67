/* kari-version.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-version.h"

/* STUB: to be written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (kari-version-error-quark, kari_version_error)

struct _KariVersion { gatomicrefcount rc; guint64 major, minor, patch; char *pre, *build, *text; };
struct _KariConstraint { gatomicrefcount rc; char *text; };

G_DEFINE_BOXED_TYPE (KariVersion, kari_version, kari_version_ref, kari_version_unref)
G_DEFINE_BOXED_TYPE (KariConstraint, kari_constraint, kari_constraint_ref, kari_constraint_unref)

KariVersion *
kari_version_new (guint64 major, guint64 minor, guint64 patch)
{
  KariVersion *v = g_new0 (KariVersion, 1);
  g_atomic_ref_count_init (&v->rc);
  v->major = major; v->minor = minor; v->patch = patch;
  v->text = g_strdup_printf ("%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT, major, minor, patch);
  return v;
}
KariVersion *
kari_version_parse (const char *text, GError **error)
{
  guint64 a, b, c;
  if (sscanf (text, "%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT, &a, &b, &c) != 3)
    {
      g_set_error (error, KARI_VERSION_ERROR, KARI_VERSION_ERROR_INVALID, "“%s” is not a version", text);
      return NULL;
    }
  return kari_version_new (a, b, c);
}
KariVersion *kari_version_ref (KariVersion *self) { g_atomic_ref_count_inc (&self->rc); return self; }
void kari_version_unref (KariVersion *self) { if (g_atomic_ref_count_dec (&self->rc)) { g_free (self->text); g_free (self); } }
guint64 kari_version_get_major (const KariVersion *self) { return self->major; }
guint64 kari_version_get_minor (const KariVersion *self) { return self->minor; }
guint64 kari_version_get_patch (const KariVersion *self) { return self->patch; }
const char *kari_version_get_prerelease (const KariVersion *self) { return self->pre; }
const char *kari_version_get_build (const KariVersion *self) { return self->build; }
gboolean kari_version_is_prerelease (const KariVersion *self) { return self->pre != NULL; }
int kari_version_compare (const KariVersion *a, const KariVersion *b)
{
  if (a->major != b->major) return a->major < b->major ? -1 : 1;
  if (a->minor != b->minor) return a->minor < b->minor ? -1 : 1;
  if (a->patch != b->patch) return a->patch < b->patch ? -1 : 1;
  return 0;
}
gboolean kari_version_equal (const KariVersion *a, const KariVersion *b) { return kari_version_compare (a, b) == 0; }
const char *kari_version_to_string (const KariVersion *self) { return self->text; }
KariConstraint *
kari_constraint_parse (const char *text, GError **error)
{
  KariConstraint *c = g_new0 (KariConstraint, 1);
  g_atomic_ref_count_init (&c->rc);
  c->text = g_strdup (text);
  return c;
}
KariConstraint *kari_constraint_ref (KariConstraint *self) { g_atomic_ref_count_inc (&self->rc); return self; }
void kari_constraint_unref (KariConstraint *self) { if (g_atomic_ref_count_dec (&self->rc)) { g_free (self->text); g_free (self); } }
gboolean kari_constraint_is_satisfied_by (const KariConstraint *self, const KariVersion *version) { return TRUE; }
gboolean kari_constraint_is_any (const KariConstraint *self) { return TRUE; }
const char *kari_constraint_get_text (const KariConstraint *self) { return self->text; }
char *kari_constraint_to_range_string (const KariConstraint *self) { return g_strdup (self->text); }
gboolean
kari_dependency_spec_parse (const char *spec, char **name, KariConstraint **constraint, GError **error)
{
  const char *at = strchr (spec, '@');
  *name = at ? g_strndup (spec, at - spec) : g_strdup (spec);
  *constraint = kari_constraint_parse (at ? at + 1 : "*", error);
  return TRUE;
}
