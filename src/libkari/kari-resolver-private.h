/* kari-resolver-private.h — what the resolver's object and its search share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-resolver.h"

G_BEGIN_DECLS

#define KARI_RESOLVER_MAX_STEPS 100000
/* for the whole resolve, as a multiple of the per-root cap */
#define KARI_RESOLVER_TOTAL_STEPS_FACTOR 10

typedef struct
{
  char        *name;
  KariVersion *version;
  GPtrArray   *dependencies;   /* of KariDependency */
} Candidate;

struct _KariResolver
{
  GObject     parent_instance;
  GHashTable *extensions;   /* name → GPtrArray of Candidate */
  GHashTable *plugins;      /* name → GPtrArray of KariVersion (empty: no version) */
  GHashTable *services;     /* name set */
  GPtrArray  *roots;
  guint       max_steps;
};

/* One extension's pick in the assignment being built. */
typedef struct
{
  Candidate      *candidate;
  Candidate      *picker;      /* NULL when picked as a root */
  KariConstraint *constraint;  /* the picker's constraint */
  int             choice;      /* the choice point that made it; -1 for an earlier root */
} Assigned;

/* The chain of extensions from one back to its root, shared between goals. */
typedef struct _PathNode PathNode;
struct _PathNode
{
  Candidate *candidate;
  PathNode  *parent;   /* NULL at the root */
};

/* Reasons, in kari-resolver-reasons.c */
char *_kari_resolver_dependency_display (const char           *name,
                                         const KariConstraint *c);
char *_kari_resolver_chain_text         (PathNode             *node);
char *_kari_resolver_versions_text      (GPtrArray            *versions,
                                         gboolean              candidates);
char *_kari_resolver_host_problem       (KariResolver         *resolver,
                                         Candidate            *c);
char *_kari_resolver_no_version_problem (KariResolver         *resolver,
                                         const char           *name,
                                         KariConstraint       *constraint,
                                         GPtrArray            *fitting);

typedef struct _KariResolverSearch KariResolverSearch;

KariResolverSearch *_kari_resolver_search_new         (KariResolver        *resolver);
gboolean            _kari_resolver_search_root        (KariResolverSearch  *search,
                                                        const char          *root,
                                                        char               **reason,
                                                        gboolean            *cycle);
GHashTable         *_kari_resolver_search_get_assigned (KariResolverSearch *search);
void                _kari_resolver_search_free        (KariResolverSearch  *search);
int                 _kari_resolver_compare_candidates_desc (gconstpointer a,
                                                            gconstpointer b);

G_END_DECLS
