/* kari-toml.c: the document structure of TOML 1.0 — keys, tables,
 * arrays, inline tables — built into a JsonNode tree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-toml-private.h"

#define PEEK(n) _kari_toml_peek (p, (n))

/* What we must remember about each table and array to enforce the
 * spec's rules on defining a table twice. */
typedef enum
{
  TABLE_IMPLICIT  = 1 << 0,  /* created as a parent in a [header]; may be defined later */
  TABLE_DEFINED   = 1 << 1,  /* defined by [header] or an element of [[header]] */
  TABLE_DOTTED    = 1 << 2,  /* created or extended by dotted keys */
  TABLE_INLINE    = 1 << 3,  /* an inline table: closed for good */
  ARRAY_OF_TABLES = 1 << 4,  /* made by [[header]]; other arrays are static */
} ContainerFlags;

typedef struct
{
  char  *name;
  gsize  offset;
} KeyPart;

typedef struct
{
  JsonObject *table;
  char       *path;
  guint       depth;
} Cursor;

G_DEFINE_QUARK (kari-toml-error-quark, kari_toml_error)

static gboolean parse_value (KariTomlParser *p, const char *path, guint depth, JsonNode **out);

gboolean
_kari_toml_fail (KariTomlParser *p,
                 gsize           offset,
                 KariTomlError   code,
                 const char     *format,
                 ...)
{
  va_list args;

  if (p->error != NULL)
    return FALSE;
  va_start (args, format);
  p->error = g_error_new_valist (KARI_TOML_ERROR, (gint) code, format, args);
  va_end (args);
  p->error_offset = offset;
  return FALSE;
}

char *
_kari_toml_describe (KariTomlParser *p,
                     gsize           offset)
{
  return _kari_text_describe_char (p->text, p->len, offset);
}

static ContainerFlags
get_flags (KariTomlParser *p,
           gpointer        container)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (p->flags, container));
}

static void
set_flags (KariTomlParser *p,
           gpointer        container,
           ContainerFlags  flags)
{
  g_hash_table_insert (p->flags, container, GUINT_TO_POINTER (flags));
}

static void
record (KariTomlParser *p,
        const char     *path,
        gsize           offset)
{
  KariPosition pos;

  _kari_text_cursor_position (&p->cursor, offset, &pos);
  kari_locations_set (p->locations, path, pos.line, pos.column);
}

/* " (first written at line L, column C)" when the path was recorded. */
static char *
first_seen (KariTomlParser *p,
            const char     *path)
{
  KariPosition pos;

  if (!kari_locations_find (p->locations, path, &pos))
    return g_strdup ("");
  return g_strdup_printf (" (first written at line %u, column %u)", pos.line, pos.column);
}

static const char *
describe_node (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "a table";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING: return "a string or date-time";
    case G_TYPE_INT64: return "an integer";
    case G_TYPE_DOUBLE: return "a float";
    case G_TYPE_BOOLEAN: return "a boolean";
    default: return "a value";
    }
}

/* Layout */

static void
skip_ws (KariTomlParser *p)
{
  while (PEEK (0) == ' ' || PEEK (0) == '\t')
    p->pos++;
}

/* At '#': checks and skips a comment up to (not over) the newline. */
static gboolean
skip_comment (KariTomlParser *p)
{
  p->pos++;
  while (p->pos < p->len && p->text[p->pos] != '\n')
    {
      guchar c = (guchar) p->text[p->pos];

      if (c == '\r' && PEEK (1) == '\n')
        break;
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_ENCODING,
                                _("control character U+%04X is not allowed in a comment"), c);
      p->pos++;
    }
  return TRUE;
}

/* Consumes a newline if there is one; a lone CR is an error. */
static gboolean
take_newline (KariTomlParser *p,
              gboolean       *taken)
{
  *taken = FALSE;
  if (PEEK (0) == '\n')
    {
      p->pos++;
      *taken = TRUE;
    }
  else if (PEEK (0) == '\r')
    {
      if (PEEK (1) != '\n')
        return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_ENCODING,
                                _("carriage return not followed by a line feed"));
      p->pos += 2;
      *taken = TRUE;
    }
  return TRUE;
}

/* Whitespace, comments and newlines, as allowed inside arrays. */
static gboolean
skip_ws_comments_newlines (KariTomlParser *p)
{
  for (;;)
    {
      gboolean newline;

      skip_ws (p);
      if (PEEK (0) == '#' && !skip_comment (p))
        return FALSE;
      if (!take_newline (p, &newline))
        return FALSE;
      if (!newline)
        return TRUE;
    }
}

/* After a key/value pair or a header: blanks, a comment, then the end
 * of the line. */
static gboolean
expect_line_end (KariTomlParser *p,
                 const char     *after)
{
  gboolean newline;

  skip_ws (p);
  if (PEEK (0) == '#' && !skip_comment (p))
    return FALSE;
  if (p->pos >= p->len)
    return TRUE;
  if (!take_newline (p, &newline))
    return FALSE;
  if (!newline)
    {
      g_autofree char *what = _kari_toml_describe (p, p->pos);
      return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_SYNTAX,
                              _("expected a newline after %s, found %s"), after, what);
    }
  return TRUE;
}

/* Keys */

static gboolean
is_bare_key_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-';
}

static void
key_part_clear (gpointer data)
{
  g_free (((KeyPart *) data)->name);
}

static gboolean
parse_key (KariTomlParser *p,
           GArray         *parts)
{
  for (;;)
    {
      KeyPart part = { NULL, 0 };
      char c;

      skip_ws (p);
      c = PEEK (0);
      part.offset = p->pos;
      if (c == '"' || c == '\'')
        {
          if (!_kari_toml_parse_string (p, TRUE, &part.name))
            return FALSE;
        }
      else if (is_bare_key_char (c))
        {
          gsize start = p->pos;

          while (is_bare_key_char (PEEK (0)))
            p->pos++;
          part.name = g_strndup (p->text + start, p->pos - start);
        }
      else
        {
          g_autofree char *what = _kari_toml_describe (p, p->pos);
          return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_SYNTAX,
                                  _("expected a key, found %s (bare keys may only hold "
                                  "A-Z a-z 0-9 _ -; quote other keys)"), what);
        }
      g_array_append_val (parts, part);

      skip_ws (p);
      if (PEEK (0) != '.')
        return TRUE;
      p->pos++;
    }
}

/* Tables */

static gboolean
check_depth (KariTomlParser *p,
             guint           depth,
             gsize           offset)
{
  if (depth > KARI_TOML_MAX_DEPTH)
    return _kari_toml_fail (p, offset, KARI_TOML_ERROR_TOO_DEEP,
                            _("tables and arrays are nested more than %d deep"),
                            KARI_TOML_MAX_DEPTH);
  return TRUE;
}

static JsonObject *
add_table (KariTomlParser *p,
           JsonObject     *parent,
           const char     *name,
           ContainerFlags  flags)
{
  JsonObject *child = json_object_new ();

  json_object_set_object_member (parent, name, child);
  set_flags (p, child, flags);
  return child;
}

/* Walks or creates the tables named by a [header] or [[header]] and
 * leaves @cur on the table its key/value pairs go to. */
static gboolean
open_header (KariTomlParser *p,
             GArray         *parts,
             gboolean        array_of_tables,
             Cursor         *cur)
{
  JsonObject *table = cur->table;
  g_autofree char *path = g_strdup ("");
  guint depth = 0;

  for (guint i = 0; i < parts->len; i++)
    {
      KeyPart *part = &g_array_index (parts, KeyPart, i);
      gboolean last = i + 1 == parts->len;
      g_autofree char *child_path = kari_path_append_member (path, part->name);
      JsonNode *node = json_object_get_member (table, part->name);

      if (!check_depth (p, ++depth, part->offset))
        return FALSE;

      if (node == NULL)
        {
          record (p, child_path, part->offset);
          if (last && array_of_tables)
            {
              JsonArray *array = json_array_new ();
              JsonObject *element = json_object_new ();
              g_autofree char *element_path = kari_path_append_index (child_path, 0);

              if (!check_depth (p, ++depth, part->offset))
                {
                  json_array_unref (array);
                  json_object_unref (element);
                  return FALSE;
                }
              json_object_set_array_member (table, part->name, array);
              set_flags (p, array, ARRAY_OF_TABLES);
              json_array_add_object_element (array, element);
              set_flags (p, element, TABLE_DEFINED);
              record (p, element_path, part->offset);
              g_free (path);
              path = g_steal_pointer (&element_path);
              table = element;
              break;
            }
          table = add_table (p, table, part->name, last ? TABLE_DEFINED : TABLE_IMPLICIT);
        }
      else if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *child = json_node_get_object (node);
          ContainerFlags flags = get_flags (p, child);
          g_autofree char *where = first_seen (p, child_path);

          if (flags & TABLE_INLINE)
            return _kari_toml_fail (p, part->offset, KARI_TOML_ERROR_DUPLICATE_KEY,
                                    _("“%s” is an inline table%s, which cannot be extended "
                                    "by a table header"), child_path, where);
          if (last && array_of_tables)
            return _kari_toml_fail (p, part->offset, KARI_TOML_ERROR_DUPLICATE_KEY,
                                    _("“%s” is already a table%s, not an array of tables"),
                                    child_path, where);
          if (last && (flags & TABLE_DEFINED))
            return _kari_toml_fail (p, part->offset, KARI_TOML_ERROR_DUPLICATE_KEY,
                                    _("table [%s] is defined twice%s"), child_path, where);
          if (last && (flags & TABLE_DOTTED))
            return _kari_toml_fail (p, part->offset, KARI_TOML_ERROR_DUPLICATE_KEY,
                                    _("table [%s] was already defined with dotted keys%s"),
                                    child_path, where);
          if (last)
            {
              set_flags (p, child, (flags & ~TABLE_IMPLICIT) | TABLE_DEFINED);
              record (p, child_path, part->offset);
            }
          table = child;
        }
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          g_autofree char *where = first_seen (p, child_path);
          guint n = json_array_get_length (array);
          g_autofree char *element_path = NULL;

          if (!(get_flags (p, array) & ARRAY_OF_TABLES))
            return _kari_toml_fail (p, part->offset, KARI_TOML_ERROR_DUPLICATE_KEY,
                                    _("“%s” is a static array%s, which cannot be extended "
                                    "by a table header"), child_path, where);
          if (last && !array_of_tables)
            return _kari_toml_fail (p, part->offset, KARI_TOML_ERROR_DUPLICATE_KEY,
                                    _("“%s” is an array of tables%s; use [[%s]] to add to it"),
                                    child_path, where, child_path);
          if (!check_depth (p, ++depth, part->offset))
            return FALSE;
          if (last)
            {
              table = json_object_new ();
              json_array_add_object_element (array, table);
              set_flags (p, table, TABLE_DEFINED);
              element_path = kari_path_append_index (child_path, n);
              record (p, element_path, part->offset);
            }
          else
            {
              table = json_array_get_object_element (array, n - 1);
              element_path = kari_path_append_index (child_path, n - 1);
            }
          g_free (path);
          path = g_steal_pointer (&element_path);
          continue;
        }
      else
        {
          g_autofree char *where = first_seen (p, child_path);
          return _kari_toml_fail (p, part->offset, KARI_TOML_ERROR_DUPLICATE_KEY,
                                  _("“%s” is already %s%s, it cannot be a table"),
                                  child_path, describe_node (node), where);
        }

      g_free (path);
      path = g_steal_pointer (&child_path);
    }

  cur->table = table;
  g_free (cur->path);
  cur->path = g_steal_pointer (&path);
  cur->depth = depth;
  return TRUE;
}

/* Parses `key = value` and stores it in @cur's table, creating the
 * tables its dotted key names. */
static gboolean
parse_key_value (KariTomlParser *p,
                 Cursor         *cur)
{
  g_autoptr(GArray) parts = g_array_new (FALSE, TRUE, sizeof (KeyPart));
  JsonObject *table = cur->table;
  g_autofree char *path = g_strdup (cur->path);
  guint depth = cur->depth;
  KeyPart *part;
  JsonNode *value = NULL;

  g_array_set_clear_func (parts, key_part_clear);
  if (!parse_key (p, parts))
    return FALSE;
  if (PEEK (0) != '=')
    {
      g_autofree char *what = _kari_toml_describe (p, p->pos);
      return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_SYNTAX,
                              _("expected ‘=’ after the key, found %s"), what);
    }
  p->pos++;

  for (guint i = 0; i + 1 < parts->len; i++)
    {
      g_autofree char *child_path = NULL;
      JsonNode *node;

      part = &g_array_index (parts, KeyPart, i);
      child_path = kari_path_append_member (path, part->name);
      node = json_object_get_member (table, part->name);
      if (!check_depth (p, ++depth, part->offset))
        return FALSE;

      if (node == NULL)
        {
          record (p, child_path, part->offset);
          table = add_table (p, table, part->name, TABLE_DOTTED);
        }
      else if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *child = json_node_get_object (node);
          ContainerFlags flags = get_flags (p, child);
          g_autofree char *where = first_seen (p, child_path);

          if (flags & TABLE_INLINE)
            return _kari_toml_fail (p, part->offset, KARI_TOML_ERROR_DUPLICATE_KEY,
                                    _("“%s” is an inline table%s, which cannot be extended "
                                    "with dotted keys"), child_path, where);
          if (flags & TABLE_DEFINED)
            return _kari_toml_fail (p, part->offset, KARI_TOML_ERROR_DUPLICATE_KEY,
                                    _("table [%s] was defined by a header%s and cannot be "
                                    "extended with dotted keys"), child_path, where);
          set_flags (p, child, flags | TABLE_DOTTED);
          table = child;
        }
      else
        {
          g_autofree char *where = first_seen (p, child_path);
          return _kari_toml_fail (p, part->offset, KARI_TOML_ERROR_DUPLICATE_KEY,
                                  _("“%s” is already %s%s, it cannot hold keys"),
                                  child_path, describe_node (node), where);
        }
      g_free (path);
      path = g_steal_pointer (&child_path);
    }

  part = &g_array_index (parts, KeyPart, parts->len - 1);
  {
    g_autofree char *key_path = kari_path_append_member (path, part->name);

    if (json_object_has_member (table, part->name))
      {
        g_autofree char *where = first_seen (p, key_path);
        return _kari_toml_fail (p, part->offset, KARI_TOML_ERROR_DUPLICATE_KEY,
                                _("duplicate key “%s”%s"), key_path, where);
      }

    skip_ws (p);
    if (!parse_value (p, key_path, depth, &value))
      return FALSE;
    record (p, key_path, part->offset);
    json_object_set_member (table, part->name, value);
  }
  return TRUE;
}

/* Values */

static gboolean
parse_array (KariTomlParser  *p,
             const char      *path,
             guint            depth,
             JsonNode       **out)
{
  g_autoptr(JsonArray) array = json_array_new ();
  gsize open = p->pos;

  p->pos++;
  for (;;)
    {
      g_autofree char *element_path = NULL;
      JsonNode *element = NULL;
      gsize offset;

      if (!skip_ws_comments_newlines (p))
        return FALSE;
      if (PEEK (0) == ']')
        break;

      offset = p->pos;
      element_path = kari_path_append_index (path, json_array_get_length (array));
      record (p, element_path, offset);
      if (!parse_value (p, element_path, depth, &element))
        return FALSE;
      json_array_add_element (array, element);

      if (!skip_ws_comments_newlines (p))
        return FALSE;
      if (PEEK (0) == ',')
        p->pos++;
      else if (PEEK (0) != ']')
        {
          g_autofree char *what = _kari_toml_describe (p, p->pos);

          if (p->pos >= p->len)
            return _kari_toml_fail (p, open, KARI_TOML_ERROR_SYNTAX,
                                    _("unterminated array: the closing ‘]’ is missing"));
          return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_SYNTAX,
                                  _("expected ‘,’ or ‘]’ in the array, found %s"), what);
        }
    }
  p->pos++;
  *out = json_node_init_array (json_node_alloc (), array);
  return TRUE;
}

static gboolean
parse_inline_table (KariTomlParser  *p,
                    const char      *path,
                    guint            depth,
                    JsonNode       **out)
{
  g_autoptr(JsonObject) table = json_object_new ();
  Cursor cur = { table, (char *) path, depth };
  gsize open = p->pos;

  p->pos++;
  skip_ws (p);
  if (PEEK (0) != '}')
    for (;;)
      {
        char c;

        if (PEEK (0) == '\n' || PEEK (0) == '\r')
          return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_SYNTAX,
                                  _("an inline table must be written on one line"));
        if (!parse_key_value (p, &cur))
          return FALSE;
        skip_ws (p);
        c = PEEK (0);
        if (c == '}')
          break;
        if (c == ',')
          {
            p->pos++;
            skip_ws (p);
            if (PEEK (0) == '}')
              return _kari_toml_fail (p, p->pos - 1, KARI_TOML_ERROR_SYNTAX,
                                      _("a trailing comma is not allowed in an inline table"));
            continue;
          }
        if (p->pos >= p->len)
          return _kari_toml_fail (p, open, KARI_TOML_ERROR_SYNTAX,
                                  _("unterminated inline table: the closing ‘}’ is missing"));
        if (c == '\n' || c == '\r')
          return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_SYNTAX,
                                  _("an inline table must be written on one line"));
        {
          g_autofree char *what = _kari_toml_describe (p, p->pos);
          return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_SYNTAX,
                                  _("expected ‘,’ or ‘}’ in the inline table, found %s"), what);
        }
      }
  p->pos++;
  set_flags (p, table, TABLE_INLINE);
  *out = json_node_init_object (json_node_alloc (), table);
  return TRUE;
}

static gboolean
is_value_end (char c)
{
  return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#'
         || c == ',' || c == ']' || c == '}';
}

/* @depth is that of the table or array holding the value. */
static gboolean
parse_value (KariTomlParser  *p,
             const char      *path,
             guint            depth,
             JsonNode       **out)
{
  char c = PEEK (0);
  gsize start = p->pos;

  if (c == '"' || c == '\'')
    {
      g_autofree char *s = NULL;

      if (!_kari_toml_parse_string (p, FALSE, &s))
        return FALSE;
      *out = json_node_init_string (json_node_alloc (), s);
    }
  else if (c == '[' || c == '{')
    {
      if (!check_depth (p, depth + 1, start))
        return FALSE;
      return c == '[' ? parse_array (p, path, depth + 1, out)
                      : parse_inline_table (p, path, depth + 1, out);
    }
  else if (c == '\0' || c == '\n' || c == '\r' || c == '#')
    return _kari_toml_fail (p, start, KARI_TOML_ERROR_SYNTAX, _("expected a value"));
  else if (!_kari_toml_parse_scalar (p, out))
    return FALSE;

  if (!is_value_end (PEEK (0)))
    {
      g_autofree char *what = _kari_toml_describe (p, p->pos);

      g_clear_pointer (out, json_node_unref);
      return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_SYNTAX,
                              _("unexpected %s after the value"), what);
    }
  return TRUE;
}

/* Document */

static gboolean
parse_header (KariTomlParser *p,
              JsonObject     *root,
              Cursor         *cur)
{
  g_autoptr(GArray) parts = g_array_new (FALSE, TRUE, sizeof (KeyPart));
  gboolean array_of_tables = PEEK (1) == '[';

  g_array_set_clear_func (parts, key_part_clear);
  p->pos += array_of_tables ? 2 : 1;
  if (!parse_key (p, parts))
    return FALSE;
  if (PEEK (0) != ']' || (array_of_tables && PEEK (1) != ']'))
    {
      g_autofree char *what = _kari_toml_describe (p, p->pos);
      return _kari_toml_fail (p, p->pos, KARI_TOML_ERROR_SYNTAX,
                              _("expected ‘%s’ to close the table header, found %s"),
                              array_of_tables ? "]]" : "]", what);
    }
  p->pos += array_of_tables ? 2 : 1;

  cur->table = root;
  return open_header (p, parts, array_of_tables, cur)
         && expect_line_end (p, "the table header");
}

static gboolean
parse_document (KariTomlParser *p,
                JsonObject     *root)
{
  Cursor cur = { root, g_strdup (""), 0 };
  gboolean ok = TRUE;

  while (ok)
    {
      gboolean newline;
      char c;

      skip_ws (p);
      c = PEEK (0);
      if (p->pos >= p->len)
        break;
      if (c == '#')
        ok = skip_comment (p) && take_newline (p, &newline);
      else if (c == '\n' || c == '\r')
        ok = take_newline (p, &newline);
      else if (c == '[')
        ok = parse_header (p, root, &cur);
      else
        ok = parse_key_value (p, &cur) && expect_line_end (p, "the value");
    }
  g_free (cur.path);
  return ok;
}

/**
 * kari_toml_parse:
 * @text: a TOML 1.0 document, UTF-8, a BOM allowed
 * @length: length of @text in bytes, or -1 when it is NUL-terminated
 * @locations: (nullable): where to record the position of every key and
 *   array element
 * @error_position: (out) (optional): where the problem is, on failure
 * @error: return location for a #KARI_TOML_ERROR
 *
 * Parses @text into a tree of JSON objects, arrays and values: tables
 * become objects, integers int64 nodes, floats double nodes (also inf
 * and nan), and date-times strings in RFC 3339 form with a `T`
 * separator (offset date-times keep the written offset, `z` as `Z`;
 * local date-times, dates and times are kept local).
 *
 * The error message says what was wrong; @error_position says where.
 * Strings holding U+0000 are refused, since JSON-GLib cannot hold them.
 *
 * Returns: (transfer full): the root object node, or %NULL with @error set
 */
JsonNode *
kari_toml_parse (const char     *text,
                 gssize          length,
                 KariLocations  *locations,
                 KariPosition   *error_position,
                 GError        **error)
{
  KariTomlParser parser = { 0 };
  KariTomlParser *p = &parser;
  g_autoptr(KariLocations) own_locations = NULL;
  g_autoptr(JsonObject) root = NULL;
  gsize len, bad;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (error_position != NULL)
    error_position->line = error_position->column = 0;
  if (!_kari_text_check_size (&text, length, &len, KARI_TOML_ERROR, KARI_TOML_ERROR_TOO_LARGE, error))
    return NULL;

  p->text = text;
  p->len = len;
  p->pos = _kari_text_skip_bom (text, len);
  _kari_text_cursor_init (&p->cursor, text, len, p->pos);
  if (locations == NULL)
    own_locations = kari_locations_new ();
  p->locations = locations != NULL ? locations : own_locations;
  p->flags = g_hash_table_new (g_direct_hash, g_direct_equal);
  root = json_object_new ();

  if (!_kari_text_validate_utf8 (text, len, &bad))
    {
      g_autofree char *problem = _kari_text_encoding_problem (text, bad);
      _kari_toml_fail (p, bad, KARI_TOML_ERROR_ENCODING, "%s", problem);
    }
  else
    {
      record (p, "", p->pos);
      parse_document (p, root);
    }

  g_hash_table_unref (p->flags);
  if (p->error != NULL)
    {
      if (error_position != NULL)
        _kari_text_cursor_position (&p->cursor, p->error_offset, error_position);
      g_propagate_error (error, p->error);
      return NULL;
    }
  return json_node_init_object (json_node_alloc (), root);
}
