/* kari-resolver-reasons.c — how the resolver words what it could not do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kari-resolver-private.h"

char *
_kari_resolver_dependency_display (const char           *name,
                                   const KariConstraint *c)
{
  const char *text = c ? kari_constraint_get_text (c) : "";

  if (c == NULL || (kari_constraint_is_any (c) && (*text == '\0' || g_str_equal (text, "*"))))
    return g_strdup (name);
  return g_strdup_printf ("%s %s", name, text);
}

/* " (required by X ← P ← … ← ROOT)", or "" when X is the root */
char *
_kari_resolver_chain_text (PathNode *node)
{
  GString *s;

  if (node == NULL || node->parent == NULL)
    return g_strdup ("");

  s = g_string_new (" (required by ");
  for (PathNode *n = node; n != NULL; n = n->parent)
    {
      if (n != node)
        g_string_append (s, " ← ");
      g_string_append (s, n->candidate->name);
    }
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

/* "2.4.1", "2.4.1 and 2.3.0", "2.4.1, 2.3.0 and 1.0.0" (newest first) */
char *
_kari_resolver_versions_text (GPtrArray *versions,
                              gboolean   candidates)
{
  GString *s = g_string_new (NULL);
  guint n = MIN (versions->len, 5);

  for (guint i = 0; i < n; i++)
    {
      KariVersion *v = candidates ? ((Candidate *) versions->pdata[i])->version : versions->pdata[i];

      if (i > 0)
        g_string_append (s, i + 1 == n && versions->len <= 5 ? " and " : ", ");
      g_string_append (s, kari_version_to_string (v));
    }
  if (versions->len > 5)
    g_string_append_printf (s, " and %u older", versions->len - 5);
  return g_string_free (s, FALSE);
}

/* The first plugin or service @c needs that the host lacks, as a reason
 * without its chain; NULL when all are there. */
char *
_kari_resolver_host_problem (KariResolver *resolver,
                             Candidate    *c)
{
  for (guint i = 0; i < c->dependencies->len; i++)
    {
      KariDependency *d = c->dependencies->pdata[i];
      g_autofree char *what = _kari_resolver_dependency_display (d->name, d->constraint);
      GPtrArray *versions;
      gboolean ok = FALSE;

      if (d->kind == KARI_DEPENDENCY_SERVICE)
        {
          if (g_hash_table_contains (resolver->services, d->name))
            continue;
          return g_strdup_printf ("%s %s needs service %s, which is not available", c->name,
                                  kari_version_to_string (c->version), d->name);
        }
      if (d->kind != KARI_DEPENDENCY_PLUGIN)
        continue;

      versions = g_hash_table_lookup (resolver->plugins, d->name);
      if (versions == NULL)
        return g_strdup_printf ("%s %s needs plugin %s, which is not installed", c->name,
                                kari_version_to_string (c->version), what);
      if (kari_constraint_is_any (d->constraint))
        ok = TRUE;
      for (guint k = 0; !ok && k < versions->len; k++)
        ok = kari_constraint_is_satisfied_by (d->constraint, versions->pdata[k]);
      if (ok)
        continue;
      if (versions->len == 0)
        return g_strdup_printf ("%s %s needs plugin %s but plugin %s declares no version", c->name,
                                kari_version_to_string (c->version), what, d->name);
      {
        g_autofree char *list = _kari_resolver_versions_text (versions, FALSE);

        return g_strdup_printf ("%s %s needs plugin %s but only plugin %s %s %s installed", c->name,
                                kari_version_to_string (c->version), what, d->name, list,
                                versions->len == 1 ? "is" : "are");
      }
    }

  return NULL;
}

/* "auth ^3 but only auth 2.4.1 is available": what is wrong when no
 * version of @name fits @constraint; NULL when some does. */
char *
_kari_resolver_no_version_problem (KariResolver   *resolver,
                                   const char     *name,
                                   KariConstraint *constraint,
                                   GPtrArray      *fitting)
{
  GPtrArray *versions = g_hash_table_lookup (resolver->extensions, name);
  g_autofree char *what = _kari_resolver_dependency_display (name, constraint);

  for (guint i = 0; versions != NULL && i < versions->len; i++)
    if (constraint == NULL ||
        kari_constraint_is_satisfied_by (constraint, ((Candidate *) versions->pdata[i])->version))
      g_ptr_array_add (fitting, versions->pdata[i]);

  if (fitting->len > 0)
    return NULL;
  if (versions == NULL || versions->len == 0)
    return g_strdup_printf ("%s but no extension %s is available", what, name);
  {
    g_autofree char *list = _kari_resolver_versions_text (versions, TRUE);

    return g_strdup_printf ("%s but only %s %s %s available", what, name, list,
                            versions->len == 1 ? "is" : "are");
  }
}
