/* kari-location.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kari-location.h"

struct _KariLocations
{
  gatomicrefcount    ref_count;
  GHashTable        *positions;   /* path → packed line/column */

  /* A deferred map is filled on its first lookup. */
  GMutex             fill_lock;
  KariLocationsFill  fill;
  gpointer           fill_data;
  GDestroyNotify     fill_destroy;
};

G_DEFINE_BOXED_TYPE (KariLocations, kari_locations,
                     kari_locations_ref, kari_locations_unref)

/**
 * kari_locations_new:
 *
 * Returns: (transfer full): an empty map
 */
KariLocations *
kari_locations_new (void)
{
  KariLocations *self = g_new0 (KariLocations, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->fill_lock);
  self->positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

/**
 * kari_locations_ref:
 * @self: a #KariLocations
 *
 * Returns: (transfer full): @self, with one more reference
 */
/**
 * kari_locations_new_deferred:
 * @fill: records the positions when they are first asked for
 * @user_data: closure for @fill
 * @destroy: (nullable): frees @user_data
 *
 * Most documents are valid and their positions never asked for; this
 * map calls @fill only when a position is looked up.
 *
 * Returns: (transfer full): an empty map that fills itself
 */
KariLocations *
kari_locations_new_deferred (KariLocationsFill fill,
                             gpointer          user_data,
                             GDestroyNotify    destroy)
{
  KariLocations *self = kari_locations_new ();

  g_return_val_if_fail (fill != NULL, self);

  self->fill = fill;
  self->fill_data = user_data;
  self->fill_destroy = destroy;
  return self;
}

static void
ensure_filled (KariLocations *self)
{
  KariLocationsFill fill;

  if (g_atomic_pointer_get (&self->fill) == NULL)
    return;
  g_mutex_lock (&self->fill_lock);
  fill = self->fill;
  if (fill != NULL)
    {
      fill (self, self->fill_data);
      if (self->fill_destroy != NULL)
        self->fill_destroy (self->fill_data);
      self->fill_data = NULL;
      g_atomic_pointer_set (&self->fill, NULL);
    }
  g_mutex_unlock (&self->fill_lock);
}

KariLocations *
kari_locations_ref (KariLocations *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * kari_locations_unref:
 * @self: a #KariLocations
 *
 * Drops a reference; the map is freed with the last one.
 */
void
kari_locations_unref (KariLocations *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      if (self->fill_destroy != NULL && self->fill_data != NULL)
        self->fill_destroy (self->fill_data);
      g_mutex_clear (&self->fill_lock);
      g_hash_table_unref (self->positions);
      g_free (self);
    }
}

static inline guint64
pack (guint line, guint column)
{
  return ((guint64) line << 32) | column;
}

/**
 * kari_locations_set:
 * @self: a #KariLocations
 * @path: a field path
 * @line: 1-based line
 * @column: 1-based column
 *
 * Records where @path was written. A later call for the same path
 * replaces the earlier one.
 */
void
kari_locations_set (KariLocations *self,
                    const char    *path,
                    guint          line,
                    guint          column)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (path != NULL);

  /* Line and column are packed into the pointer itself. */
#if GLIB_SIZEOF_VOID_P >= 8
  g_hash_table_insert (self->positions, g_strdup (path),
                       GSIZE_TO_POINTER ((gsize) pack (line, column)));
#else
# error "KariLocations needs a 64-bit host"
#endif
}

/**
 * kari_locations_find:
 * @self: a #KariLocations
 * @path: a field path
 * @position: (out): where it was written
 *
 * Looks up exactly @path.
 *
 * Returns: %TRUE if @path was recorded
 */
gboolean
kari_locations_find (KariLocations *self,
                     const char    *path,
                     KariPosition  *position)
{
  gpointer value;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  ensure_filled (self);
  if (!g_hash_table_lookup_extended (self->positions, path, NULL, &value))
    return FALSE;
  if (position != NULL)
    {
      guint64 packed = (guint64) GPOINTER_TO_SIZE (value);
      position->line = (guint) (packed >> 32);
      position->column = (guint) (packed & 0xffffffffu);
    }
  return TRUE;
}

/* Strips the last component of a path in place; FALSE at the root. */
static gboolean
path_parent (char *path)
{
  gsize len = strlen (path);
  gboolean in_quote = FALSE;
  gssize cut = -1;

  if (len == 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (path[i] == '"' && (i == 0 || path[i - 1] != '\\'))
        in_quote = !in_quote;
      else if (!in_quote && (path[i] == '.' || path[i] == '['))
        cut = (gssize) i;
    }
  path[cut < 0 ? 0 : cut] = '\0';
  return TRUE;
}

/**
 * kari_locations_lookup:
 * @self: a #KariLocations
 * @path: a field path
 * @position: (out): where it, or its nearest recorded ancestor, was written
 *
 * Like kari_locations_find(), but falls back to the nearest ancestor so
 * that a missing field is reported where its parent object begins.
 *
 * Returns: %TRUE if @path or an ancestor was recorded
 */
gboolean
kari_locations_lookup (KariLocations *self,
                       const char    *path,
                       KariPosition  *position)
{
  g_autofree char *p = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  p = g_strdup (path);
  do
    {
      if (kari_locations_find (self, p, position))
        return TRUE;
    }
  while (path_parent (p));

  return kari_locations_find (self, "", position);
}

/**
 * kari_locations_get_size:
 * @self: a #KariLocations
 *
 * Returns: how many paths are recorded
 */
guint
kari_locations_get_size (KariLocations *self)
{
  g_return_val_if_fail (self != NULL, 0);
  ensure_filled (self);
  return g_hash_table_size (self->positions);
}

static gboolean
is_plain_member (const char *member)
{
  if (*member == '\0')
    return FALSE;
  for (const char *c = member; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-')
      return FALSE;
  return TRUE;
}

/**
 * kari_path_append_member:
 * @parent: a field path, "" for the root
 * @member: a member name
 *
 * Returns: (transfer full): the path of @member inside @parent
 */
char *
kari_path_append_member (const char *parent,
                         const char *member)
{
  GString *s;

  /* The common case, on every member of every parsed document. */
  if (is_plain_member (member))
    return *parent != '\0' ? g_strconcat (parent, ".", member, NULL) : g_strdup (member);

  s = g_string_new (parent);
  if (s->len > 0)
    g_string_append_c (s, '.');
  g_string_append_c (s, '"');
  for (const char *c = member; *c; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (s, '\\');
      if ((guchar) *c < 0x20)
        g_string_append_printf (s, "\\u%04x", (guchar) *c);
      else
        g_string_append_c (s, *c);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/**
 * kari_path_append_index:
 * @parent: a field path
 * @index: an array index
 *
 * Returns: (transfer full): the path of element @index of @parent
 */
char *
kari_path_append_index (const char *parent,
                        guint       index)
{
  char digits[16];
  char *end = digits + sizeof digits;

  /* Formatted by hand: printf was a tenth of parsing a manifest. */
  *--end = '\0';
  *--end = ']';
  do
    *--end = (char) ('0' + index % 10);
  while ((index /= 10) > 0);
  *--end = '[';
  return g_strconcat (parent, end, NULL);
}
