/* kari-location.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * KariPosition:
 * @line: 1-based line, 0 when unknown
 * @column: 1-based column in characters (not bytes), 0 when unknown
 *
 * A place in a source text.
 */
typedef struct
{
  guint line;
  guint column;
} KariPosition;

#define KARI_TYPE_LOCATIONS (kari_locations_get_type ())

/**
 * KariLocations:
 *
 * Maps field paths of a parsed document to where they were written.
 *
 * Paths use dots for members and brackets for array elements:
 * `dependencies.extensions[1]`. A member name that is not made of
 * ASCII letters, digits, `_` and `-` is written quoted, JSON style:
 * `config."a.b"`. The root is the empty path.
 *
 * The position recorded for a member is the position of its key (for
 * JSON, the opening quote); for an array element, its first character.
 */
typedef struct _KariLocations KariLocations;

/**
 * KariLocationsFill:
 * @self: the map to fill, with kari_locations_set()
 * @user_data: closure
 *
 * Records every position of a document, for a deferred map.
 */
typedef void (*KariLocationsFill) (KariLocations *self,
                                   gpointer       user_data);

GType          kari_locations_get_type   (void) G_GNUC_CONST;
KariLocations *kari_locations_new        (void);
KariLocations *kari_locations_new_deferred (KariLocationsFill fill,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);
KariLocations *kari_locations_ref        (KariLocations *self);
void           kari_locations_unref      (KariLocations *self);
void           kari_locations_set        (KariLocations *self,
                                          const char    *path,
                                          guint          line,
                                          guint          column);
gboolean       kari_locations_lookup     (KariLocations *self,
                                          const char    *path,
                                          KariPosition  *position);
gboolean       kari_locations_find       (KariLocations *self,
                                          const char    *path,
                                          KariPosition  *position);
guint          kari_locations_get_size   (KariLocations *self);

char          *kari_path_append_member   (const char    *parent,
                                          const char    *member);
char          *kari_path_append_index    (const char    *parent,
                                          guint          index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariLocations, kari_locations_unref)

G_END_DECLS
