/* kari-resolver-search.c — the resolver's search: one root at a time into
 * the global assignment, with backtracking, learnt nogoods and reasons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See the top of kari-resolver.c for the strategy and what reasons say.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-resolver-private.h"

/* ---- the search ----------------------------------------------------------- */


typedef enum
{
  GOAL_REQUIRE,
  GOAL_DONE,
} GoalKind;

/* Goals form persistent lists: a choice point keeps its list, and new goals
 * are put in front without copying what follows. */
typedef struct _Goal Goal;
struct _Goal
{
  GoalKind        kind;
  const char     *name;
  KariConstraint *constraint;   /* NULL: any version, pre-releases included */
  PathNode       *needer;       /* who requires it; NULL for the root */
  Goal           *next;
};

typedef enum
{
  UNDO_ASSIGN,
  UNDO_START,
  UNDO_FINISH,
} UndoKind;

typedef struct
{
  UndoKind    kind;
  const char *name;
} Undo;

typedef struct
{
  Goal       *goal;
  GPtrArray  *candidates;   /* borrowed Candidate */
  guint       next;
  guint       trail_len;
  GHashTable *culprits;     /* earlier choices its candidates failed because of */
} Choice;

static void
choice_clear (Choice *c)
{
  g_ptr_array_unref (c->candidates);
  g_clear_pointer (&c->culprits, g_hash_table_unref);
}

static void
blame (Choice *c,
       int     culprit)
{
  if (culprit < 0)
    return;
  if (c->culprits == NULL)
    c->culprits = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_hash_table_add (c->culprits, GINT_TO_POINTER (culprit + 1));
}

struct _KariResolverSearch
{
  KariResolver *resolver;
  GHashTable   *assigned;      /* name → Assigned, across roots */
  GHashTable   *in_progress;   /* names whose dependencies are being resolved */
  GArray       *trail;         /* of Undo */
  GPtrArray    *arena;         /* owns this root's goals and path nodes */
  char         *reason;        /* the first failure for this root */
  gboolean      cycle;
  GHashTable   *doom;          /* Candidate → Doom, see analyse_doom() */
  GHashTable   *nogoods;       /* "name constraint" → GPtrArray of Nogood */
  guint64       total_steps;   /* across roots */
};
typedef struct _KariResolverSearch Search;

/* Learnt while resolving one root: requirement "name constraint" cannot be
 * met while these extensions have these versions (whoever requires it). */
typedef struct
{
  guint       n;
  Candidate **held;   /* n candidates that were assigned */
} Nogood;

static void
nogood_free (Nogood *ng)
{
  g_free (ng->held);
  g_free (ng);
}

static char *
nogood_key (const char           *name,
            const KariConstraint *c)
{
  return g_strconcat (name, " ", c ? kari_constraint_get_text (c) : "\x01", NULL);
}

/* A candidate that can never be loaded, whatever else is chosen: it needs a
 * missing plugin or service, or a dependency none of whose versions fit or
 * can be loaded. @path names the extension the reason is about, then the
 * ones that need it, up to the candidate. */
typedef struct
{
  gboolean   doomed;
  gboolean   busy;      /* being analysed: a cycle, assumed fine */
  char      *reason;
  GPtrArray *path;      /* of const char * */
} Doom;

static void
doom_free (Doom *d)
{
  g_free (d->reason);
  g_clear_pointer (&d->path, g_ptr_array_unref);
  g_free (d);
}

static gpointer
arena_new (Search *s,
           gsize   size)
{
  gpointer p = g_malloc0 (size);

  g_ptr_array_add (s->arena, p);
  return p;
}

int
_kari_resolver_compare_candidates_desc (gconstpointer a,
                                        gconstpointer b)
{
  const Candidate *x = *(Candidate * const *) a;
  const Candidate *y = *(Candidate * const *) b;

  return kari_version_compare (y->version, x->version);
}

static void
fail (Search     *s,
      gboolean    cycle,
      const char *fmt,
      ...) G_GNUC_PRINTF (3, 4);

static void
fail (Search     *s,
      gboolean    cycle,
      const char *fmt,
      ...)
{
  va_list args;

  if (s->reason != NULL)
    return;
  va_start (args, fmt);
  s->reason = g_strdup_vprintf (fmt, args);
  va_end (args);
  s->cycle = cycle;
}

static void
undo_to (Search *s,
         guint   len)
{
  while (s->trail->len > len)
    {
      Undo *u = &g_array_index (s->trail, Undo, s->trail->len - 1);

      switch (u->kind)
        {
        case UNDO_ASSIGN:
          g_hash_table_remove (s->assigned, u->name);
          break;
        case UNDO_START:
          g_hash_table_remove (s->in_progress, u->name);
          break;
        case UNDO_FINISH:
          g_hash_table_add (s->in_progress, (gpointer) u->name);
          break;
        default:
          g_assert_not_reached ();
        }
      g_array_set_size (s->trail, s->trail->len - 1);
    }
}

static void
trail_push (Search     *s,
            UndoKind    kind,
            const char *name)
{
  Undo u = { kind, name };

  g_array_append_val (s->trail, u);
}

#define DOOM_MAX_DEPTH 10000

static Doom *
analyse_doom (Search    *s,
              Candidate *c,
              guint      depth)
{
  Doom *d = g_hash_table_lookup (s->doom, c);
  char *problem;

  if (d != NULL)
    return d;

  d = g_new0 (Doom, 1);
  g_hash_table_insert (s->doom, c, d);
  /* Past this depth, assume fine: the search will still find out. */
  if (depth > DOOM_MAX_DEPTH)
    return d;

  d->busy = TRUE;
  problem = _kari_resolver_host_problem (s->resolver, c);
  if (problem != NULL)
    {
      d->doomed = TRUE;
      d->reason = problem;
      d->path = g_ptr_array_new ();
      g_ptr_array_add (d->path, c->name);
    }

  for (guint i = 0; !d->doomed && i < c->dependencies->len; i++)
    {
      KariDependency *dep = c->dependencies->pdata[i];
      g_autoptr(GPtrArray) fitting = NULL;
      Doom *first = NULL;
      gboolean any_fine = FALSE;

      if (dep->kind != KARI_DEPENDENCY_EXTENSION)
        continue;
      fitting = g_ptr_array_new ();
      problem = _kari_resolver_no_version_problem (s->resolver, dep->name, dep->constraint, fitting);
      if (problem != NULL)
        {
          d->doomed = TRUE;
          d->reason = g_strdup_printf ("%s %s needs %s", c->name, kari_version_to_string (c->version),
                                       problem);
          g_free (problem);
          d->path = g_ptr_array_new ();
          g_ptr_array_add (d->path, c->name);
          break;
        }
      for (guint k = 0; k < fitting->len && !any_fine; k++)
        {
          Doom *sub = analyse_doom (s, fitting->pdata[k], depth + 1);

          if (sub->busy || !sub->doomed)
            any_fine = TRUE;
          else if (first == NULL)
            first = sub;
        }
      /* No problem means some version fits, so first is set unless one is fine. */
      if (!any_fine && first != NULL)
        {
          d->doomed = TRUE;
          d->reason = g_strdup (first->reason);
          d->path = g_ptr_array_copy (first->path, NULL, NULL);
          g_ptr_array_add (d->path, c->name);
        }
    }

  d->busy = FALSE;
  return d;
}

/* Fails with a doomed candidate's reason; its chain is the doom's own path
 * followed by how the search got to the candidate. */
static void
fail_doomed (Search   *s,
             Doom     *d,
             PathNode *needer)
{
  g_autoptr(GString) chain = g_string_new (NULL);
  guint n = d->path->len;

  for (guint i = 0; i < d->path->len; i++)
    g_string_append_printf (chain, "%s%s", i ? " ← " : "", (char *) d->path->pdata[i]);
  for (PathNode *p = needer; p != NULL; p = p->parent, n++)
    g_string_append_printf (chain, " ← %s", p->candidate->name);

  if (n > 1)
    fail (s, FALSE, _("%s (required by %s)"), d->reason, chain->str);
  else
    fail (s, FALSE, _("%s"), d->reason);
}

/* A requirement on a name that already has a version: fine, a conflict,
 * or a cycle when the name is still resolving its own dependencies. */
static gboolean
check_assigned (Search   *s,
                Goal     *g,
                Assigned *a)
{
  Candidate *needer;
  g_autofree char *what = NULL;

  if (g->needer == NULL)
    return TRUE;   /* a root that an earlier root already brought in */
  needer = g->needer->candidate;
  what = _kari_resolver_dependency_display (g->name, g->constraint);

  if (g_hash_table_contains (s->in_progress, g->name))
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autoptr(GString) cycle = g_string_new (NULL);
      g_autofree char *chain = NULL;
      PathNode *start = g->needer;

      while (!g_str_equal (start->candidate->name, g->name))
        {
          g_ptr_array_insert (names, 0, start->candidate->name);
          start = start->parent;
        }
      g_string_append (cycle, g->name);
      for (guint i = 0; i < names->len; i++)
        g_string_append_printf (cycle, " → %s", (char *) names->pdata[i]);
      g_string_append_printf (cycle, " → %s", g->name);
      chain = _kari_resolver_chain_text (start);
      fail (s, TRUE, _("%s %s: dependency cycle %s%s"), g->name,
            kari_version_to_string (a->candidate->version), cycle->str, chain);
      return FALSE;
    }

  if (g->constraint == NULL || kari_constraint_is_satisfied_by (g->constraint, a->candidate->version))
    return TRUE;

  {
    g_autofree char *chain = _kari_resolver_chain_text (g->needer);
    g_autoptr(GPtrArray) fitting = g_ptr_array_new ();
    g_autofree char *problem = _kari_resolver_no_version_problem (s->resolver, g->name, g->constraint, fitting);

    /* When no version at all would do, that is the news, not the
     * earlier choice. */
    if (problem != NULL)
      fail (s, FALSE, _("%s %s needs %s%s"), needer->name, kari_version_to_string (needer->version),
            problem, chain);
    else if (a->picker != NULL)
      {
        g_autofree char *picked = _kari_resolver_dependency_display (g->name, a->constraint);

        fail (s, FALSE, _("%s %s needs %s but %s %s was already chosen because %s %s needs %s%s"),
              needer->name, kari_version_to_string (needer->version), what, g->name,
              kari_version_to_string (a->candidate->version), a->picker->name,
              kari_version_to_string (a->picker->version), picked, chain);
      }
    else
      fail (s, FALSE, _("%s %s needs %s but %s %s was already chosen%s"), needer->name,
            kari_version_to_string (needer->version), what, g->name,
            kari_version_to_string (a->candidate->version), chain);
  }
  return FALSE;
}

/* The versions of @g's name that @g accepts, newest first; NULL with a
 * reason when there are none. */
static GPtrArray *
candidates_for (Search *s,
                Goal   *g)
{
  g_autoptr(GPtrArray) fitting = g_ptr_array_new ();
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  g_autoptr(GPtrArray) ahead = g_ptr_array_new ();
  g_autofree char *problem = _kari_resolver_no_version_problem (s->resolver, g->name, g->constraint, fitting);
  Candidate *needer = g->needer ? g->needer->candidate : NULL;
  Doom *first = NULL;

  if (problem != NULL)
    {
      g_autofree char *chain = _kari_resolver_chain_text (g->needer);

      if (needer == NULL)
        fail (s, FALSE, _("no extension %s is available"), g->name);
      else
        fail (s, FALSE, _("%s %s needs %s%s"), needer->name, kari_version_to_string (needer->version),
              problem, chain);
      return NULL;
    }

  /* Versions that can never load are not worth a try. */
  for (guint i = 0; i < fitting->len; i++)
    {
      Doom *d = analyse_doom (s, fitting->pdata[i], 0);

      if (!d->doomed)
        g_ptr_array_add (out, fitting->pdata[i]);
      else if (first == NULL)
        first = d;
    }
  if (out->len == 0)
    {
      fail_doomed (s, first, g->needer);
      return NULL;
    }

  /* Look ahead: a version that a requirement still waiting in the goals
   * refuses would only fail later. If none is left, keep them all so that
   * the failure is reported where it happens. */
  for (guint i = 0; i < out->len; i++)
    {
      Candidate *c = out->pdata[i];
      gboolean fits = TRUE;

      for (Goal *later = g->next; later != NULL && fits; later = later->next)
        if (later->kind == GOAL_REQUIRE && later->constraint != NULL &&
            g_str_equal (later->name, g->name))
          fits = kari_constraint_is_satisfied_by (later->constraint, c->version);
      if (fits)
        g_ptr_array_add (ahead, c);
    }

  return ahead->len > 0 ? g_steal_pointer (&ahead) : g_steal_pointer (&out);
}

/* The choice point that picked the version of the extension behind @g. */
static int
needer_choice (Search *s,
               Goal   *g)
{
  Assigned *a;

  if (g->needer == NULL)
    return -1;
  a = g_hash_table_lookup (s->assigned, g->needer->candidate->name);
  return a != NULL ? a->choice : -1;
}

static Goal *
goal_new (Search         *s,
          GoalKind        kind,
          const char     *name,
          KariConstraint *constraint,
          PathNode       *needer,
          Goal           *next)
{
  Goal *g = arena_new (s, sizeof (Goal));

  g->kind = kind;
  g->name = name;
  g->constraint = constraint;
  g->needer = needer;
  g->next = next;
  return g;
}

/* Resolves @root into s->assigned, or leaves it as it was and sets s->reason. */
static gboolean
resolve_root (Search     *s,
              const char *root)
{
  g_autoptr(GArray) choices = g_array_new (FALSE, FALSE, sizeof (Choice));
  Goal *goals = goal_new (s, GOAL_REQUIRE, root, NULL, NULL, NULL);
  guint steps = 0;
  gboolean ok = FALSE;

  g_array_set_size (s->trail, 0);

  for (;;)
    {
      gboolean stuck = FALSE;
      int target = -1;   /* the choice point to go back to */

      /* Walk the goals until one fails or needs a choice, or they run out. */
      while (goals != NULL && !stuck)
        {
          Goal *g = goals;
          Assigned *a;
          GPtrArray *candidates;
          Choice choice;

          if (g->kind == GOAL_DONE)
            {
              g_hash_table_remove (s->in_progress, g->name);
              trail_push (s, UNDO_FINISH, g->name);
              goals = g->next;
              continue;
            }

          a = g_hash_table_lookup (s->assigned, g->name);
          if (a != NULL)
            {
              if (!check_assigned (s, g, a))
                {
                  /* Backjump: only the needer's version and the conflicting
                   * assignment (or what led to them, which comes earlier)
                   * can change this; the choices made since cannot. */
                  int x = needer_choice (s, g);

                  stuck = TRUE;
                  target = MAX (x, a->choice);
                  if (target >= 0 && x != a->choice)
                    blame (&g_array_index (choices, Choice, target), MIN (x, a->choice));
                  /* a cycle is the doing of every version along it */
                  if (target >= 0 && g_hash_table_contains (s->in_progress, g->name))
                    for (PathNode *p = g->needer->parent; p != NULL; p = p->parent)
                      {
                        int pc = ((Assigned *) g_hash_table_lookup (s->assigned,
                                                                    p->candidate->name))->choice;

                        if (pc != target)
                          blame (&g_array_index (choices, Choice, target), pc);
                        if (g_str_equal (p->candidate->name, g->name))
                          break;
                      }
                }
              goals = g->next;
              continue;
            }

          /* A requirement that failed before under what still holds fails
           * again; blame what it failed because of. */
          {
            g_autofree char *key = nogood_key (g->name, g->constraint);
            GPtrArray *known = g_hash_table_lookup (s->nogoods, key);
            gboolean hit = FALSE;

            for (guint i = 0; known != NULL && i < known->len && !hit; i++)
              {
                Nogood *ng = known->pdata[i];
                int x = needer_choice (s, g);
                guint k;

                for (k = 0; k < ng->n; k++)
                  {
                    Assigned *held = g_hash_table_lookup (s->assigned, ng->held[k]->name);

                    if (held == NULL || held->candidate != ng->held[k])
                      break;
                  }
                if (k < ng->n)
                  continue;
                hit = TRUE;
                target = x;
                for (k = 0; k < ng->n; k++)
                  target = MAX (target, ((Assigned *) g_hash_table_lookup (s->assigned, ng->held[k]->name))->choice);
                if (target >= 0)
                  {
                    if (x != target)
                      blame (&g_array_index (choices, Choice, target), x);
                    for (k = 0; k < ng->n; k++)
                      {
                        int hc = ((Assigned *) g_hash_table_lookup (s->assigned, ng->held[k]->name))->choice;

                        if (hc != target)
                          blame (&g_array_index (choices, Choice, target), hc);
                      }
                  }
              }
            if (hit)
              {
                stuck = TRUE;
                continue;
              }
          }

          candidates = candidates_for (s, g);
          if (candidates != NULL)
            {
              choice.goal = g;
              choice.candidates = candidates;
              choice.next = 0;
              choice.trail_len = s->trail->len;
              choice.culprits = NULL;
              /* the requirements the look-ahead listened to are to blame too */
              for (Goal *later = g->next; later != NULL; later = later->next)
                if (later->kind == GOAL_REQUIRE && later->constraint != NULL &&
                    g_str_equal (later->name, g->name))
                  blame (&choice, needer_choice (s, later));
              g_array_append_val (choices, choice);
              target = choices->len - 1;
            }
          else
            target = needer_choice (s, g);
          stuck = TRUE;
        }

      if (!stuck)
        {
          ok = TRUE;
          break;
        }

      while ((int) choices->len - 1 > target)
        {
          choice_clear (&g_array_index (choices, Choice, choices->len - 1));
          g_array_set_size (choices, choices->len - 1);
        }

      /* Try the next candidate of the innermost choice that has one left:
       * the first of a new choice, or the next after a failure; when one
       * runs out, go back one choice at a time. */
      for (;;)
        {
          Choice *c;
          Candidate *cand;
          PathNode *node;
          Assigned *assigned;
          Goal *rest;

          if (choices->len == 0)
            goto out;
          c = &g_array_index (choices, Choice, choices->len - 1);
          undo_to (s, c->trail_len);
          if (c->next >= c->candidates->len)
            {
              /* Every candidate failed: jump back to the latest choice to
               * blame, handing it the rest of the blame (conflict-directed
               * backjumping, so the search stays complete). */
              g_autoptr(GHashTable) culprits = g_steal_pointer (&c->culprits);
              int jump;
              GHashTableIter iter;
              gpointer key, key_culprit;

              if (culprits == NULL)
                culprits = g_hash_table_new (g_direct_hash, g_direct_equal);

              /* Learn: this requirement cannot be met while the versions
               * it was blamed on hold, whoever requires it. */
              {
                g_autofree char *ng_key = nogood_key (c->goal->name, c->goal->constraint);
                GPtrArray *known = g_hash_table_lookup (s->nogoods, ng_key);
                Nogood *ng = g_new0 (Nogood, 1);

                ng->held = g_new0 (Candidate *, g_hash_table_size (culprits));
                g_hash_table_iter_init (&iter, culprits);
                while (g_hash_table_iter_next (&iter, &key_culprit, NULL))
                  {
                    Choice *cc = &g_array_index (choices, Choice, GPOINTER_TO_INT (key_culprit) - 1);

                    ng->held[ng->n++] = ((Assigned *) g_hash_table_lookup (s->assigned, cc->goal->name))->candidate;
                  }
                if (known == NULL)
                  {
                    known = g_ptr_array_new_with_free_func ((GDestroyNotify) nogood_free);
                    g_hash_table_insert (s->nogoods, g_steal_pointer (&ng_key), known);
                  }
                g_ptr_array_add (known, ng);
              }

              if (needer_choice (s, c->goal) >= 0)
                g_hash_table_add (culprits, GINT_TO_POINTER (needer_choice (s, c->goal) + 1));
              jump = -1;
              g_hash_table_iter_init (&iter, culprits);
              while (g_hash_table_iter_next (&iter, &key, NULL))
                jump = MAX (jump, GPOINTER_TO_INT (key) - 1);

              while ((int) choices->len - 1 > MAX (jump, 0) || (jump < 0 && choices->len > 0))
                {
                  choice_clear (&g_array_index (choices, Choice, choices->len - 1));
                  g_array_set_size (choices, choices->len - 1);
                }
              if (jump >= 0)
                {
                  Choice *j = &g_array_index (choices, Choice, jump);

                  g_hash_table_iter_init (&iter, culprits);
                  while (g_hash_table_iter_next (&iter, &key, NULL))
                    if (GPOINTER_TO_INT (key) - 1 < jump)
                      blame (j, GPOINTER_TO_INT (key) - 1);
                }
              continue;
            }

          if (++steps > s->resolver->max_steps)
            {
              g_clear_pointer (&s->reason, g_free);
              fail (s, FALSE, _("gave up after %u steps looking for versions that work together"),
                    s->resolver->max_steps);
              goto out;
            }
          if (++s->total_steps > (guint64) s->resolver->max_steps * KARI_RESOLVER_TOTAL_STEPS_FACTOR)
            {
              g_clear_pointer (&s->reason, g_free);
              fail (s, FALSE, _("gave up: resolving every extension took more than %" G_GUINT64_FORMAT
                                " steps in all"),
                    (guint64) s->resolver->max_steps * KARI_RESOLVER_TOTAL_STEPS_FACTOR);
              goto out;
            }

          cand = c->candidates->pdata[c->next++];
          node = arena_new (s, sizeof (PathNode));
          node->candidate = cand;
          node->parent = c->goal->needer;

          assigned = g_new0 (Assigned, 1);
          assigned->candidate = cand;
          assigned->picker = c->goal->needer ? c->goal->needer->candidate : NULL;
          assigned->constraint = c->goal->constraint;
          assigned->choice = choices->len - 1;
          g_hash_table_insert (s->assigned, cand->name, assigned);
          trail_push (s, UNDO_ASSIGN, cand->name);
          g_hash_table_add (s->in_progress, cand->name);
          trail_push (s, UNDO_START, cand->name);

          /* its extension dependencies, then "done", then what was left */
          rest = goal_new (s, GOAL_DONE, cand->name, NULL, NULL, c->goal->next);
          for (guint i = cand->dependencies->len; i > 0; i--)
            {
              KariDependency *d = cand->dependencies->pdata[i - 1];

              if (d->kind == KARI_DEPENDENCY_EXTENSION)
                rest = goal_new (s, GOAL_REQUIRE, d->name, d->constraint, node, rest);
            }
          goals = rest;
          break;
        }
    }

out:
  g_debug ("resolving %s: %s after %u steps", root, ok ? "done" : "failed", steps);
  for (guint i = 0; i < choices->len; i++)
    choice_clear (&g_array_index (choices, Choice, i));

  if (!ok)
    undo_to (s, 0);
  else
    for (guint i = 0; i < s->trail->len; i++)
      {
        Undo *u = &g_array_index (s->trail, Undo, i);

        /* what this root chose is fixed for the roots after it */
        if (u->kind == UNDO_ASSIGN)
          ((Assigned *) g_hash_table_lookup (s->assigned, u->name))->choice = -1;
      }
  g_array_set_size (s->trail, 0);
  return ok;
}

/**
 * _kari_resolver_search_new:
 * @resolver: the resolver whose extensions, plugins and services it reads
 *
 * Returns: (transfer full): a search with an empty assignment
 */
KariResolverSearch *
_kari_resolver_search_new (KariResolver *resolver)
{
  Search *s = g_new0 (Search, 1);

  s->resolver = resolver;
  s->assigned = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  s->in_progress = g_hash_table_new (g_str_hash, g_str_equal);
  s->trail = g_array_new (FALSE, FALSE, sizeof (Undo));
  s->doom = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) doom_free);
  return s;
}

/**
 * _kari_resolver_search_root:
 * @search: a search
 * @root: the extension to resolve with what it needs
 * @reason: (out) (transfer full): why it failed, on failure
 * @cycle: (out): whether it failed on a dependency cycle
 *
 * Adds @root and everything it needs to the assignment, or leaves the
 * assignment as it was.
 *
 * Returns: %TRUE when resolved
 */
gboolean
_kari_resolver_search_root (KariResolverSearch  *s,
                            const char          *root,
                            char               **reason,
                            gboolean            *cycle)
{
  gboolean ok;

  s->arena = g_ptr_array_new_with_free_func (g_free);
  s->nogoods = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  g_clear_pointer (&s->reason, g_free);
  s->cycle = FALSE;

  ok = resolve_root (s, root);
  *reason = ok ? NULL : g_strdup (s->reason != NULL ? s->reason : "it cannot be resolved");
  *cycle = !ok && s->cycle;

  g_clear_pointer (&s->arena, g_ptr_array_unref);
  g_clear_pointer (&s->nogoods, g_hash_table_unref);
  return ok;
}

/* name → Assigned, for every extension resolved so far */
GHashTable *
_kari_resolver_search_get_assigned (KariResolverSearch *s)
{
  return s->assigned;
}

void
_kari_resolver_search_free (KariResolverSearch *s)
{
  g_clear_pointer (&s->reason, g_free);
  g_hash_table_unref (s->assigned);
  g_hash_table_unref (s->in_progress);
  g_array_unref (s->trail);
  g_hash_table_unref (s->doom);
  g_free (s);
}
