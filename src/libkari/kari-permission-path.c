/* kari-permission-path.c — path patterns and the real path of a request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A path pattern is compiled into components: the first is its root
 * (`/`, `~` or `$DATA`), the others are globs over one component each,
 * `**` standing for any number of components, none included. A
 * requested path is resolved against the real filesystem first, so
 * that neither `..` nor a symbolic link can lead a request out of the
 * folder a pattern names.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "kari-permission-private.h"
#include "kari-text-private.h"

/* Symbolic links followed in one resolution, as the kernel's MAXSYMLINKS. */
#define MAX_LINKS 40

/* What stands for an expansion of `~` or `$DATA` of unknown length
 * when comparing two patterns; only `**` covers it. */
#define OPAQUE_ROOT "\001"

/* `*` matches any run of characters, `?` one character; the text is
 * one component, so neither ever meets a `/`. */
gboolean
_kari_glob_match (const char *p,
                  const char *t)
{
  const char *star_p = NULL;
  const char *star_t = NULL;

  while (*t != '\0')
    {
      if (*p == '*')
        {
          while (*p == '*')
            p++;
          star_p = p;
          star_t = t;
        }
      else if (*p == '?')
        {
          p++;
          t = g_utf8_next_char (t);
        }
      else if (*p != '\0' && *p == *t)
        {
          p++;
          t++;
        }
      else if (star_p != NULL)
        {
          star_t = g_utf8_next_char (star_t);
          p = star_p;
          t = star_t;
        }
      else
        return FALSE;
    }
  while (*p == '*')
    p++;
  return *p == '\0';
}

/* Whether every text @other matches is matched by @self: the same walk
 * as above with @other's wildcards as symbols, which only a `*` of
 * @self absorbs (and a `?` of @self, another `?`). Sound, not complete. */
gboolean
_kari_glob_covers (const char *s,
                   const char *o)
{
  const char *star_s = NULL;
  const char *star_o = NULL;

  while (*o != '\0')
    {
      if (*s == '*')
        {
          while (*s == '*')
            s++;
          star_s = s;
          star_o = o;
        }
      else if (*s == '?' && *o != '*')
        {
          s++;
          o = g_utf8_next_char (o);
        }
      else if (*s != '\0' && *s != '?' && *o != '*' && *o != '?' && *s == *o)
        {
          s++;
          o++;
        }
      else if (star_s != NULL)
        {
          star_o = g_utf8_next_char (star_o);
          s = star_s;
          o = star_o;
        }
      else
        return FALSE;
    }
  while (*s == '*')
    s++;
  return *s == '\0';
}

typedef gboolean (*ElementMatch) (const char *pattern,
                                  const char *element);

/* The same walk one level up: over components, `**` absorbing any run
 * of them, every other pattern component matching exactly one. */
static gboolean
match_sequence (const char * const *pat,
                guint               n_pat,
                const char * const *elems,
                guint               n_elems,
                ElementMatch        match)
{
  guint p = 0;
  guint e = 0;
  gint star_p = -1;
  guint star_e = 0;

  while (e < n_elems)
    {
      if (p < n_pat && g_str_equal (pat[p], "**"))
        {
          star_p = p++;
          star_e = e;
        }
      else if (p < n_pat && match (pat[p], elems[e]))
        {
          p++;
          e++;
        }
      else if (star_p >= 0)
        {
          p = star_p + 1;
          e = ++star_e;
        }
      else
        return FALSE;
    }
  while (p < n_pat && g_str_equal (pat[p], "**"))
    p++;
  return p == n_pat;
}

static gboolean
component_covers (const char *self,
                  const char *other)
{
  if (g_str_equal (other, "**") || g_str_equal (other, OPAQUE_ROOT))
    return FALSE;
  return _kari_glob_covers (self, other);
}

/* Splits an absolute path into its components, dropping empty ones and
 * `.`; `..` is kept for the caller to decide. */
static GPtrArray *
split_path (const char *path)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0' && !g_str_equal (parts[i], "."))
      g_ptr_array_add (out, g_strdup (parts[i]));
  return out;
}

char **
_kari_path_pattern_compile (const char  *resource,
                            gsize       *bad_offset,
                            const char **problem)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  const char *rest;
  const char *c;

  *bad_offset = 0;
  if (resource[0] == '/')
    {
      g_strv_builder_add (b, "/");
      rest = resource;
    }
  else if (resource[0] == '~')
    {
      if (resource[1] != '\0' && resource[1] != '/')
        {
          *bad_offset = 1;
          *problem = "only “~/” is understood, not another user’s home";
          return NULL;
        }
      g_strv_builder_add (b, "~");
      rest = resource + 1;
    }
  else if (g_str_has_prefix (resource, "$DATA"))
    {
      if (resource[5] != '\0' && resource[5] != '/')
        {
          *bad_offset = 5;
          *problem = "$DATA must be followed by / or end the pattern";
          return NULL;
        }
      g_strv_builder_add (b, "$DATA");
      rest = resource + 5;
    }
  else
    {
      *problem = "a path pattern must start with /, ~ or $DATA";
      return NULL;
    }

  for (c = rest; *c != '\0';)
    {
      const char *end = strchr (c, '/');
      gsize len = end != NULL ? (gsize) (end - c) : strlen (c);
      g_autofree char *component = g_strndup (c, len);

      if (g_str_equal (component, ".."))
        {
          *bad_offset = c - resource;
          *problem = "“..” is not allowed in a path pattern";
          return NULL;
        }
      if (strstr (component, "**") != NULL && !g_str_equal (component, "**"))
        {
          *bad_offset = strstr (c, "**") - resource;
          *problem = "“**” must be a whole path component, as in /a/**/b";
          return NULL;
        }
      if (len > 0 && !g_str_equal (component, "."))
        g_strv_builder_add (b, component);
      c += len;
      if (*c == '/')
        c++;
    }
  return g_strv_builder_end (b);
}

/**
 * _kari_path_resolve:
 * @path: a requested path
 *
 * What @path really names: `.` and `..` applied and symbolic links
 * followed on the longest prefix that exists, the rest (a file about to
 * be created, say) appended as written. Refuses (returns %NULL) a
 * relative path, control characters, invalid UTF-8, a link loop, a
 * component that cannot be examined or traversed, and `..` below a
 * component that does not exist, whose meaning is not yet known.
 *
 * Returns: (transfer full) (nullable): the resolved absolute path
 */
char *
_kari_path_resolve (const char *path)
{
  g_autoptr(GPtrArray) todo = NULL;   /* remaining components, the next one last */
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean missing = FALSE;
  guint links = 0;

  if (path == NULL || path[0] != '/' || !g_utf8_validate (path, -1, NULL))
    return NULL;
  if (_kari_text_find_control (path, NULL))
    return NULL;

  {
    g_autoptr(GPtrArray) parts = split_path (path);

    todo = g_ptr_array_new_with_free_func (g_free);
    for (guint i = parts->len; i > 0; i--)
      g_ptr_array_add (todo, g_strdup (g_ptr_array_index (parts, i - 1)));
  }

  while (todo->len > 0)
    {
      g_autofree char *name = g_ptr_array_steal_index (todo, todo->len - 1);
      gsize parent_len = out->len;
      GStatBuf st;

      if (g_str_equal (name, ".."))
        {
          const char *slash;

          if (missing)
            return NULL;
          slash = strrchr (out->str, '/');
          g_string_truncate (out, slash != NULL ? (gsize) (slash - out->str) : 0);
          continue;
        }

      g_string_append_c (out, '/');
      g_string_append (out, name);
      if (missing)
        continue;

      if (g_lstat (out->str, &st) != 0)
        {
          if (errno != ENOENT)
            return NULL;
          missing = TRUE;
          continue;
        }

      if (S_ISLNK (st.st_mode))
        {
          g_autofree char *target = g_file_read_link (out->str, NULL);
          g_autoptr(GPtrArray) more = NULL;

          if (target == NULL || ++links > MAX_LINKS || !g_utf8_validate (target, -1, NULL))
            return NULL;
          g_string_truncate (out, target[0] == '/' ? 0 : parent_len);
          more = split_path (target);
          for (guint i = more->len; i > 0; i--)
            g_ptr_array_add (todo, g_strdup (g_ptr_array_index (more, i - 1)));
          continue;
        }

      /* The kernel would refuse to go on through a file. */
      if (!S_ISDIR (st.st_mode) && todo->len > 0)
        return NULL;
    }

  if (out->len == 0)
    g_string_append_c (out, '/');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The real components of a context folder, or NULL. */
static GPtrArray *
resolve_root (const char *root,
              const char *home,
              const char *data)
{
  const char *dir = NULL;
  g_autofree char *resolved = NULL;

  if (g_str_equal (root, "/"))
    return g_ptr_array_new_with_free_func (g_free);
  dir = g_str_equal (root, "~") ? home : data;
  if (dir == NULL || (resolved = _kari_path_resolve (dir)) == NULL)
    return NULL;
  return split_path (resolved);
}

/* Matches the resolved @request against @components (from
 * _kari_path_pattern_compile()), `~` and `$DATA` taken from @home and
 * @data. The expansion is compared literally, never as a glob. */
gboolean
_kari_path_pattern_matches (const char * const *components,
                            const char         *request,
                            const char         *home,
                            const char         *data)
{
  g_autoptr(GPtrArray) root = resolve_root (components[0], home, data);
  g_autofree char *resolved = NULL;
  g_autoptr(GPtrArray) elems = NULL;

  if (root == NULL || (resolved = _kari_path_resolve (request)) == NULL)
    return FALSE;
  elems = split_path (resolved);
  if (elems->len < root->len)
    return FALSE;
  for (guint i = 0; i < root->len; i++)
    if (!g_str_equal (g_ptr_array_index (root, i), g_ptr_array_index (elems, i)))
      return FALSE;

  return match_sequence (components + 1, g_strv_length ((char **) components) - 1,
                         (const char * const *) elems->pdata + root->len,
                         elems->len - root->len, _kari_glob_match);
}

/* Whether every path @other matches, @self matches too. `~` and
 * `$DATA` are only known to be absolute: a pattern rooted at `/` covers
 * them only through a leading `**`. */
gboolean
_kari_path_pattern_covers (const char * const *self,
                           const char * const *other)
{
  g_autoptr(GPtrArray) elems = g_ptr_array_new ();
  guint n_self = g_strv_length ((char **) self);

  if (!g_str_equal (self[0], other[0]))
    {
      if (!g_str_equal (self[0], "/"))
        return FALSE;
      g_ptr_array_add (elems, (gpointer) OPAQUE_ROOT);
    }
  for (guint i = 1; other[i] != NULL; i++)
    g_ptr_array_add (elems, (gpointer) other[i]);

  return match_sequence (self + 1, n_self - 1, (const char * const *) elems->pdata, elems->len,
                         component_covers);
}
