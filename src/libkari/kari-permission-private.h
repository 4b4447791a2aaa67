/* kari-permission-private.h — shared by the kari-permission*.c files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "kari-permission.h"

G_BEGIN_DECLS

typedef enum
{
  KARI_RESOURCE_NONE,   /* no resource may follow */
  KARI_RESOURCE_NAME,   /* optional glob over names: plugin, model, ipc, extension */
  KARI_RESOURCE_EXACT,  /* optional exact name or *: data collection, secret key */
  KARI_RESOURCE_PATH,   /* required glob over absolute paths */
  KARI_RESOURCE_HOST,   /* optional host[:port] pattern */
} KariResourceKind;

typedef struct
{
  const char       *domain;
  const char       *action;         /* NULL: the domain alone, every action it has */
  KariResourceKind  resource;
  const char       *describe_any;   /* in plain words, without a resource */
  const char       *describe_one;   /* with one, %s for the resource */
} KariPermissionRule;

/* A permission string cut into its parts, with byte offsets for messages. */
typedef struct
{
  char  *domain;
  char  *action;     /* NULL when absent */
  char  *resource;   /* NULL when absent */
  gsize  action_offset;
  gsize  resource_offset;
} KariPermissionParts;

void                      _kari_permission_parts_clear (KariPermissionParts *parts);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KariPermissionParts, _kari_permission_parts_clear)

const KariPermissionRule *_kari_permission_lookup      (const char          *domain,
                                                        const char          *action);
gboolean                  _kari_permission_domain_has_action (const char    *domain,
                                                        const char          *action);
const char               *_kari_permission_sole_action (const char          *domain);
const char * const       *_kari_permission_get_domains (void);
gboolean                  _kari_permission_domain_is_known (const char      *domain);
char                     *_kari_permission_dup_actions (const char          *domain);
gboolean                  _kari_permission_cut         (const char          *permission,
                                                        gboolean             concrete,
                                                        KariPermissionParts *parts,
                                                        const KariPermissionRule **rule,
                                                        GError             **error);
void                      _kari_permission_set_error   (GError             **error,
                                                        KariPermissionError  code,
                                                        const char          *permission,
                                                        gsize                offset,
                                                        const char          *format,
                                                        ...) G_GNUC_PRINTF (5, 6);
gboolean                  _kari_unichar_is_hidden      (gunichar             c);

/* Paths: kari-permission-path.c */
char                    **_kari_path_pattern_compile   (const char          *resource,
                                                        gsize               *bad_offset,
                                                        const char         **problem);
char                     *_kari_path_resolve           (const char          *path);
gboolean                  _kari_path_pattern_matches   (const char * const  *components,
                                                        const char          *request,
                                                        const char          *home,
                                                        const char          *data);
gboolean                  _kari_path_pattern_covers    (const char * const  *self,
                                                        const char * const  *other);

/* Globs over one name or path component: kari-permission-path.c */
gboolean                  _kari_glob_match             (const char          *pattern,
                                                        const char          *text);
gboolean                  _kari_glob_covers            (const char          *self,
                                                        const char          *other);

/* Hosts: kari-permission-host.c */
typedef struct
{
  char     *host;       /* ASCII, lower case, no trailing dot; "*" for any; suffix for wildcard */
  gboolean  wildcard;   /* `*.host`: strict sub-domains of host at any depth */
  gboolean  is_ip;
  guint     port;       /* 0: any (pattern) or not given (request) */
} KariHostSpec;

void                      _kari_host_spec_clear        (KariHostSpec        *spec);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KariHostSpec, _kari_host_spec_clear)

gboolean                  _kari_host_pattern_parse     (const char          *resource,
                                                        KariHostSpec        *spec,
                                                        gsize               *bad_offset,
                                                        const char         **problem);
gboolean                  _kari_host_request_parse     (const char          *resource,
                                                        KariHostSpec        *spec,
                                                        gsize               *bad_offset,
                                                        const char         **problem);
gboolean                  _kari_host_matches           (const KariHostSpec  *pattern,
                                                        const KariHostSpec  *request);
gboolean                  _kari_host_covers            (const KariHostSpec  *self,
                                                        const KariHostSpec  *other);

G_END_DECLS
