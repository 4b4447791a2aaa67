/* kari-store-docs.c — the document store: JSON documents in named
 * collections, by id, with optimistic versions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every document is a row of _kari_documents (collection, owner, id,
 * version, body). The owner is the calling user in a collection
 * declared per-user and '' otherwise, and is part of every lookup, so a
 * user never sees another's documents. Names, ids and field paths are
 * checked here before they reach SQL; values are always bound.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-json.h"
#include "kari-store-private.h"

#define MAX_ID       256
#define MAX_DOCUMENT (1024 * 1024)
#define MAX_INDEXES  32

gboolean
_kari_store_check_collection (const char  *name,
                              GError     **error)
{
  gsize length = name != NULL ? strlen (name) : 0;

  if (length == 0 || length > 64 || !g_ascii_isalpha (name[0]))
    goto bad;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '_' && name[i] != '-')
      goto bad;
  return TRUE;

bad:
  g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
               _("The collection name “%.64s” is not 1 to 64 letters, digits, “_” or “-” starting with a letter"),
               name != NULL && g_utf8_validate (name, -1, NULL) ? name : "?");
  return FALSE;
}

static gboolean
check_id (const char  *id,
          GError     **error)
{
  gsize length = id != NULL ? strlen (id) : 0;

  if (length == 0 || length > MAX_ID)
    goto bad;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (id[i]) && strchr ("-_.:@+=~", id[i]) == NULL)
      goto bad;
  return TRUE;

bad:
  g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
               _("The document id “%.64s” is not 1 to %d letters, digits or “-_.:@+=~”"),
               id != NULL && g_utf8_validate (id, -1, NULL) ? id : "?", MAX_ID);
  return FALSE;
}

/*
 * _kari_store_check_field:
 *
 * A field path is up to 8 names joined by ".", each a letter or "_"
 * then letters, digits or "_", at most 64 bytes: nothing in it can end
 * a quoted SQL string or change what the JSON path means.
 */
gboolean
_kari_store_check_field (const char  *field,
                         GError     **error)
{
  gsize length = field != NULL ? strlen (field) : 0;
  guint parts = 1;
  gsize part = 0;

  if (length == 0 || length > 255)
    goto bad;
  for (gsize i = 0; i < length; i++)
    {
      char c = field[i];

      if (c == '.')
        {
          if (part == 0 || ++parts > 8)
            goto bad;
          part = 0;
          continue;
        }
      if (!(g_ascii_isalpha (c) || c == '_' || (part > 0 && g_ascii_isdigit (c))) || ++part > 64)
        goto bad;
    }
  if (part == 0)
    goto bad;
  return TRUE;

bad:
  g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
               _("The field “%.64s” is not up to 8 names joined by “.”, each of letters, digits and “_” "
                 "not starting with a digit"),
               field != NULL && g_utf8_validate (field, -1, NULL) ? field : "?");
  return FALSE;
}

/* The owner of documents of @collection for @user: @user when the
 * collection is per-user, '' when it is shared. */
static gboolean
resolve_owner (KariStore   *self,
               const char  *collection,
               const char  *user,
               const char **owner,
               GError     **error)
{
  sqlite3_stmt *stmt = _kari_store_cached (self, "SELECT per_user FROM _kari_collections WHERE name = ?", error);
  gboolean per_user;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  per_user = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  _kari_store_release (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _kari_store_set_sqlite_error (self, error, rc, _("Reading the collection"));
      return FALSE;
    }
  if (per_user && (user == NULL || *user == '\0'))
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                   _("The collection “%s” is per-user, and no user is known for this call"), collection);
      return FALSE;
    }
  *owner = per_user ? user : "";
  return TRUE;
}

/* Enters the store for a call: the lock, our own SQL trusted. */
static void
enter (KariStore *self)
{
  g_mutex_lock (&self->lock);
  self->trusted = TRUE;
  _kari_store_deadline_start (self);
}

static void
leave (KariStore *self)
{
  _kari_store_deadline_stop (self);
  self->trusted = FALSE;
  g_mutex_unlock (&self->lock);
}

/* The stored version of a document, 0 when there is none, -1 on error. */
static gint64
stored_version (KariStore   *self,
                const char  *collection,
                const char  *owner,
                const char  *id,
                GError     **error)
{
  sqlite3_stmt *stmt = _kari_store_cached (self, "SELECT version FROM _kari_documents "
                                                  "WHERE collection = ? AND owner = ? AND id = ?", error);
  gint64 version = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, owner, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  _kari_store_release (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _kari_store_set_sqlite_error (self, error, rc, _("Reading the document's version"));
      return -1;
    }
  return version;
}

static gboolean
check_expected (const char  *collection,
                const char  *id,
                gint64       expected,
                gint64       stored,
                GError     **error)
{
  if (expected == KARI_STORE_ANY_VERSION || expected == stored)
    return TRUE;
  if (stored == 0)
    g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CONFLICT,
                 _("Version conflict on %s/%s: expected version %" G_GINT64_FORMAT ", but the document "
                   "does not exist"), collection, id, expected);
  else if (expected == 0)
    g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CONFLICT,
                 _("Version conflict on %s/%s: expected a new document, but version %" G_GINT64_FORMAT
                   " is stored"), collection, id, stored);
  else
    g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CONFLICT,
                 _("Version conflict on %s/%s: expected version %" G_GINT64_FORMAT ", the stored version is %"
                   G_GINT64_FORMAT), collection, id, expected, stored);
  return FALSE;
}

static char *
normalize_document (const char  *document_json,
                    GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local = NULL;

  if (strlen (document_json) > MAX_DOCUMENT)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                   _("The document is larger than %d bytes"), MAX_DOCUMENT);
      return NULL;
    }
  node = kari_json_parse (document_json, -1, NULL, NULL, &local);
  if (node == NULL)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID, _("The document is not JSON: %s"),
                   local->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID, _("A document must be a JSON object"));
      return NULL;
    }
  return json_to_string (node, FALSE);
}

static gboolean
step_done (KariStore     *self,
           sqlite3_stmt  *stmt,
           const char    *doing,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  _kari_store_release (stmt);
  if (rc != SQLITE_DONE)
    {
      _kari_store_set_sqlite_error (self, error, rc, doing);
      return FALSE;
    }
  return TRUE;
}

/**
 * kari_store_put:
 * @self: a #KariStore
 * @user: (nullable): the calling user; needed in a per-user collection
 * @collection: the collection
 * @id: the document's id: 1 to 256 letters, digits or `-_.:@+=~`
 * @document_json: the document, a JSON object
 * @expected_version: the version the caller last read; 0 for a document
 *   that must not exist yet; %KARI_STORE_ANY_VERSION to write whatever
 *   is stored
 * @error: return location for a #GError
 *
 * Stores a document. When the stored version is not @expected_version
 * it fails with %KARI_STORE_ERROR_CONFLICT naming both, and nothing is
 * written: two writers cannot silently overwrite each other.
 *
 * Returns: the new version (1 for a new document), or 0 on error
 */
gint64
kari_store_put (KariStore   *self,
                const char  *user,
                const char  *collection,
                const char  *id,
                const char  *document_json,
                gint64       expected_version,
                GError     **error)
{
  g_autofree char *body = NULL;
  const char *owner = NULL;
  sqlite3_stmt *stmt;
  gint64 stored;

  g_return_val_if_fail (KARI_IS_STORE (self), 0);
  g_return_val_if_fail (document_json != NULL, 0);

  if (!_kari_store_check_collection (collection, error) || !check_id (id, error))
    return 0;
  if (expected_version < KARI_STORE_ANY_VERSION)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                   _("The expected version %" G_GINT64_FORMAT " is negative"), expected_version);
      return 0;
    }
  body = normalize_document (document_json, error);
  if (body == NULL)
    return 0;

  enter (self);
  if (!_kari_store_begin (self, error))
    goto fail;
  if (!resolve_owner (self, collection, user, &owner, error))
    goto rollback;
  stored = stored_version (self, collection, owner, id, error);
  if (stored < 0 || !check_expected (collection, id, expected_version, stored, error))
    goto rollback;

  stmt = _kari_store_cached (self, "INSERT INTO _kari_documents (collection, owner, id, version, body) "
                                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE "
                                    "SET version = excluded.version, body = excluded.body", error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, owner, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, stored + 1);
  sqlite3_bind_text (stmt, 5, body, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, _("Storing the document"), error))
    goto rollback;
  if (stored == 0)
    {
      stmt = _kari_store_cached (self, "INSERT OR IGNORE INTO _kari_collections (name) VALUES (?)", error);
      if (stmt == NULL)
        goto rollback;
      sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
      if (!step_done (self, stmt, _("Recording the collection"), error))
        goto rollback;
    }
  if (!_kari_store_commit (self, error))
    goto fail;
  _kari_store_note_writes (self, 1);
  leave (self);
  return stored + 1;

rollback:
  _kari_store_rollback (self);
fail:
  leave (self);
  return 0;
}

/**
 * kari_store_get:
 * @self: a #KariStore
 * @user: (nullable): the calling user; needed in a per-user collection
 * @collection: the collection
 * @id: the document's id
 * @version: (out) (optional): its version
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the document as JSON, or %NULL with
 *   %KARI_STORE_ERROR_NOT_FOUND when there is none
 */
char *
kari_store_get (KariStore   *self,
                const char  *user,
                const char  *collection,
                const char  *id,
                gint64      *version,
                GError     **error)
{
  const char *owner = NULL;
  sqlite3_stmt *stmt = NULL;
  char *body = NULL;
  int rc;

  g_return_val_if_fail (KARI_IS_STORE (self), NULL);

  if (!_kari_store_check_collection (collection, error) || !check_id (id, error))
    return NULL;

  enter (self);
  if (!resolve_owner (self, collection, user, &owner, error))
    goto out;
  stmt = _kari_store_cached (self, "SELECT version, body FROM _kari_documents "
                                    "WHERE collection = ? AND owner = ? AND id = ?", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, owner, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (version != NULL)
        *version = sqlite3_column_int64 (stmt, 0);
      body = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_NOT_FOUND,
                 _("No document “%s” in the collection “%s”"), id, collection);
  else
    _kari_store_set_sqlite_error (self, error, rc, _("Reading the document"));

out:
  _kari_store_release (stmt);
  leave (self);
  return body;
}

/**
 * kari_store_delete:
 * @self: a #KariStore
 * @user: (nullable): the calling user; needed in a per-user collection
 * @collection: the collection
 * @id: the document's id
 * @expected_version: the version the caller last read, or
 *   %KARI_STORE_ANY_VERSION
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the document was deleted; %FALSE with
 *   %KARI_STORE_ERROR_NOT_FOUND or %KARI_STORE_ERROR_CONFLICT otherwise
 */
gboolean
kari_store_delete (KariStore   *self,
                   const char  *user,
                   const char  *collection,
                   const char  *id,
                   gint64       expected_version,
                   GError     **error)
{
  const char *owner = NULL;
  sqlite3_stmt *stmt;
  gint64 stored;

  g_return_val_if_fail (KARI_IS_STORE (self), FALSE);

  if (!_kari_store_check_collection (collection, error) || !check_id (id, error))
    return FALSE;

  enter (self);
  if (!_kari_store_begin (self, error))
    goto fail;
  if (!resolve_owner (self, collection, user, &owner, error))
    goto rollback;
  stored = stored_version (self, collection, owner, id, error);
  if (stored < 0)
    goto rollback;
  if (stored == 0)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_NOT_FOUND,
                   _("No document “%s” in the collection “%s”"), id, collection);
      goto rollback;
    }
  if (!check_expected (collection, id, expected_version, stored, error))
    goto rollback;
  stmt = _kari_store_cached (self, "DELETE FROM _kari_documents WHERE collection = ? AND owner = ? AND id = ?",
                              error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, owner, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, _("Deleting the document"), error) || !_kari_store_commit (self, error))
    goto rollback;
  leave (self);
  return TRUE;

rollback:
  _kari_store_rollback (self);
fail:
  leave (self);
  return FALSE;
}

/* Every index slows every write of every collection: a store has at
 * most MAX_INDEXES of them. */
static gboolean
check_index_count (KariStore   *self,
                   const char  *name,
                   GError     **error)
{
  sqlite3_stmt *stmt = _kari_store_cached (self, "SELECT count (DISTINCT name), max (name = ?) FROM _kari_indexes",
                                           error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_ROW
       && (sqlite3_column_int (stmt, 1) == 1 || sqlite3_column_int (stmt, 0) < MAX_INDEXES);
  _kari_store_release (stmt);
  if (!ok)
    g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_LIMIT,
                 _("The store already has %d indexes, the most it may have"), MAX_INDEXES);
  return ok;
}

/**
 * kari_store_create_index:
 * @self: a #KariStore
 * @collection: the collection queries will filter
 * @field: a field path, such as `status` or `address.city`
 * @error: return location for a #GError
 *
 * Makes queries filtering or ordering on @field use an index. Creating
 * one that exists does nothing; a store has at most 32 (one per field,
 * whatever the collection).
 *
 * Returns: %TRUE when the index exists
 */
gboolean
kari_store_create_index (KariStore   *self,
                         const char  *collection,
                         const char  *field,
                         GError     **error)
{
  g_autofree char *digest = NULL;
  g_autofree char *name = NULL;
  char *sql;
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (KARI_IS_STORE (self), FALSE);

  if (!_kari_store_check_collection (collection, error) || !_kari_store_check_field (field, error))
    return FALSE;

  /* One index per field serves every collection: the collection and
   * owner lead it. The path is checked above and quoted by SQLite. */
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, field, -1);
  name = g_strdup_printf ("_kari_idx_%.24s", digest);
  sql = sqlite3_mprintf ("CREATE INDEX IF NOT EXISTS %s ON _kari_documents "
                         "(collection, owner, json_extract (body, '$.%q'))", name, field);

  enter (self);
  ok = _kari_store_begin (self, error) && check_index_count (self, name, error)
       && _kari_store_exec (self, sql, _("Creating the index"), error);
  if (ok)
    {
      stmt = _kari_store_cached (self, "INSERT OR IGNORE INTO _kari_indexes (collection, field, name) "
                                        "VALUES (?, ?, ?)", error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, field, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 3, name, -1, SQLITE_STATIC);
          ok = step_done (self, stmt, _("Recording the index"), error);
        }
    }
  if (ok)
    ok = _kari_store_commit (self, error);
  else
    _kari_store_rollback (self);
  if (ok)
    sqlite3_exec (self->db, "ANALYZE _kari_documents", NULL, NULL, NULL);
  leave (self);
  sqlite3_free (sql);
  return ok;
}

static gboolean
declare_collection (KariStore   *self,
                    const char  *name,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _kari_store_cached (self, "SELECT 1 FROM _kari_documents WHERE collection = ? AND owner = '' LIMIT 1",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  _kari_store_release (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                   _("The collection “%s” already holds shared documents: declare it per-user before "
                     "storing any"), name);
      return FALSE;
    }
  stmt = _kari_store_cached (self, "INSERT INTO _kari_collections (name, per_user) VALUES (?, 1) "
                                    "ON CONFLICT DO UPDATE SET per_user = 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  return step_done (self, stmt, _("Declaring the collection per-user"), error);
}

/**
 * kari_store_declare_per_user:
 * @self: a #KariStore
 * @kind: a collection or an SQL table
 * @name: its name
 * @error: return location for a #GError
 *
 * Makes every row of @name belong to the user who wrote it, and shows
 * each user only their own. A collection must not hold shared documents
 * yet; a table must exist, have a rowid and be empty (see
 * kari-store-user.c for how its rows are kept apart). Declaring twice
 * does nothing.
 *
 * Returns: %TRUE when @name is per-user
 */
gboolean
kari_store_declare_per_user (KariStore             *self,
                             KariStorePerUserKind   kind,
                             const char            *name,
                             GError               **error)
{
  gboolean ok;

  g_return_val_if_fail (KARI_IS_STORE (self), FALSE);

  if (kind == KARI_STORE_PER_USER_COLLECTION && !_kari_store_check_collection (name, error))
    return FALSE;

  enter (self);
  ok = _kari_store_begin (self, error);
  if (ok)
    ok = kind == KARI_STORE_PER_USER_COLLECTION ? declare_collection (self, name, error)
                                                : _kari_store_make_user_views (self, name, error);
  if (ok)
    ok = _kari_store_commit (self, error);
  else
    _kari_store_rollback (self);
  /* The views and triggers as the file now has them. */
  if (kind == KARI_STORE_PER_USER_TABLE)
    {
      g_autoptr(GError) local = NULL;

      if (!_kari_store_load_views (self, &local))
        g_warning ("%s", local->message);
    }
  leave (self);
  return ok;
}
