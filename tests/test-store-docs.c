/* test-store-docs.c — KariStore's documents, queries, versions,
 * per-user rows, migrations, export and import, on real SQLite files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <sqlite3.h>

#include "kari-test-util.h"

typedef struct
{
  char      *dir;
  char      *path;
  KariStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kari_test_tmp_db ("kari-store-docs-XXXXXX", "ext.sqlite", &f->dir, &f->path);
  f->store = kari_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  kari_test_tmp_db_clear (&f->dir, &f->path);
}

static gint64
put (KariStore  *store,
     const char *user,
     const char *collection,
     const char *id,
     const char *json)
{
  g_autoptr(GError) error = NULL;
  gint64 version = kari_store_put (store, user, collection, id, json, KARI_STORE_ANY_VERSION, &error);

  g_assert_no_error (error);
  return version;
}

static char *
sql (KariStore  *store,
     const char *user,
     const char *statement,
     const char *params)
{
  g_autoptr(GError) error = NULL;
  char *result = kari_store_sql (store, user, statement, params, &error);

  g_assert_no_error (error);
  return result;
}

static void
sql_denied (KariStore  *store,
            const char *user,
            const char *statement)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *result = kari_store_sql (store, user, statement, NULL, &error);

  if (result != NULL)
    g_error ("“%s” was allowed: %s", statement, result);
  /* The guard's refusal, or SQLite's own ("view notes may not be
   * altered"): either way, nothing ran. */
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, KARI_STORE_ERROR, KARI_STORE_ERROR_DENIED)
                 || g_error_matches (error, KARI_STORE_ERROR, KARI_STORE_ERROR_SQL));
}

/* The ids of a query's page, joined by ",". */
static char *
query_ids (KariStore  *store,
           const char *user,
           const char *collection,
           const char *query,
           gint64     *next_offset)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *page = kari_store_query (store, user, collection, query, &error);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  JsonArray *docs;

  g_assert_no_error (error);
  root = json_from_string (page, &error);
  g_assert_no_error (error);
  docs = json_object_get_array_member (json_node_get_object (root), "documents");
  for (guint i = 0; i < json_array_get_length (docs); i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? "," : "",
                            json_object_get_string_member (json_array_get_object_element (docs, i), "id"));
  if (next_offset != NULL)
    *next_offset = json_object_get_null_member (json_node_get_object (root), "next_offset")
                   ? -1 : json_object_get_int_member (json_node_get_object (root), "next_offset");
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static void
test_crud (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *doc = NULL;
  gint64 version = 0;

  g_assert_cmpint (put (f->store, NULL, "people", "alice", "{\"name\": \"Alice\", \"age\": 31}"), ==, 1);
  g_assert_cmpint (put (f->store, NULL, "people", "alice", "{\"name\": \"Alice\", \"age\": 32}"), ==, 2);
  doc = kari_store_get (f->store, NULL, "people", "alice", &version, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (doc, ==, "{\"name\":\"Alice\",\"age\":32}");
  g_assert_cmpint (version, ==, 2);
  g_assert_true (kari_store_delete (f->store, NULL, "people", "alice", 2, &error));
  g_assert_no_error (error);
  g_clear_pointer (&doc, g_free);
  doc = kari_store_get (f->store, NULL, "people", "alice", NULL, &error);
  g_assert_null (doc);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (kari_store_delete (f->store, NULL, "people", "alice", KARI_STORE_ANY_VERSION, &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Documents are JSON objects. */
  g_assert_cmpint (kari_store_put (f->store, NULL, "people", "x", "[1, 2]", -1, &error), ==, 0);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (kari_store_put (f->store, NULL, "people", "x", "{\"a\": 1, \"a\": 2}", -1, &error), ==, 0);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (kari_store_put (f->store, NULL, "people", "x", "{\"a\": ", -1, &error), ==, 0);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
}

static void
test_versions (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *doc = NULL;

  g_assert_cmpint (kari_store_put (f->store, NULL, "tasks", "t1", "{\"s\": 1}", 0, &error), ==, 1);
  g_assert_no_error (error);
  /* Two writers read version 1; the second to write loses. */
  g_assert_cmpint (kari_store_put (f->store, NULL, "tasks", "t1", "{\"s\": \"first\"}", 1, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (kari_store_put (f->store, NULL, "tasks", "t1", "{\"s\": \"second\"}", 1, &error), ==, 0);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "expected version 1"));
  g_assert_nonnull (strstr (error->message, "stored version is 2"));
  g_clear_error (&error);
  doc = kari_store_get (f->store, NULL, "tasks", "t1", NULL, &error);
  g_assert_cmpstr (doc, ==, "{\"s\":\"first\"}");

  g_assert_cmpint (kari_store_put (f->store, NULL, "tasks", "t1", "{}", 0, &error), ==, 0);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "version 2 is stored"));
  g_clear_error (&error);
  g_assert_cmpint (kari_store_put (f->store, NULL, "tasks", "t2", "{}", 5, &error), ==, 0);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_clear_error (&error);
  g_assert_false (kari_store_delete (f->store, NULL, "tasks", "t1", 1, &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpint (kari_store_put (f->store, NULL, "tasks", "t1", "{}", -5, &error), ==, 0);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
}

static void
test_crafted_names (Fixture       *f,
                    gconstpointer  data)
{
  static const char * const collections[] = {
    "", "_kari_documents", "../x", "a b", "a'b", "a\"b", "a;DROP TABLE t", "1abc", "a.b", "é",
    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij",
  };
  static const char * const ids[] = {
    "", "a b", "a'b", "a/b", "../../etc/passwd", "a\nb", "a%b", "é", "a\\b", "a\"b",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *long_id = g_strnfill (257, 'a');

  put (f->store, NULL, "ok", "fine", "{}");
  for (guint i = 0; i < G_N_ELEMENTS (collections); i++)
    {
      g_assert_cmpint (kari_store_put (f->store, NULL, collections[i], "x", "{}", -1, &error), ==, 0);
      g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_null (kari_store_query (f->store, NULL, collections[i], NULL, &error));
      g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_null (kari_store_get (f->store, NULL, collections[i], "fine", NULL, &error));
      g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_assert_cmpint (kari_store_put (f->store, NULL, "ok", ids[i], "{}", -1, &error), ==, 0);
      g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_false (kari_store_delete (f->store, NULL, "ok", ids[i], -1, &error));
      g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_cmpint (kari_store_put (f->store, NULL, "ok", long_id, "{}", -1, &error), ==, 0);
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (put (f->store, NULL, "ok", "a-b_c.d:e@f+g=h~i", "{}"), ==, 1);
}

static void
test_query (Fixture       *f,
            gconstpointer  data)
{
  static const struct { const char *query; const char *ids; } cases[] = {
    { "{\"where\": [{\"field\": \"status\", \"op\": \"eq\", \"value\": \"open\"}]}", "a,c,e" },
    { "{\"where\": [{\"field\": \"status\", \"op\": \"ne\", \"value\": \"open\"}]}", "b,d" },
    { "{\"where\": [{\"field\": \"size\", \"op\": \"lt\", \"value\": 3}]}", "a,b" },
    { "{\"where\": [{\"field\": \"size\", \"op\": \"le\", \"value\": 3}]}", "a,b,c" },
    { "{\"where\": [{\"field\": \"size\", \"op\": \"gt\", \"value\": 3}]}", "d,e" },
    { "{\"where\": [{\"field\": \"size\", \"op\": \"ge\", \"value\": 3.5}]}", "d,e" },
    { "{\"where\": [{\"field\": \"size\", \"op\": \"in\", \"value\": [1, 5]}]}", "a,e" },
    { "{\"where\": [{\"field\": \"owner.name\", \"op\": \"eq\", \"value\": \"zoe\"}]}", "b" },
    { "{\"where\": [{\"field\": \"tags\", \"op\": \"exists\"}]}", "c,d" },
    { "{\"where\": [{\"field\": \"tags\", \"op\": \"exists\", \"value\": false}]}", "a,b,e" },
    { "{\"where\": [{\"field\": \"done\", \"op\": \"eq\", \"value\": true}]}", "d" },
    { "{\"where\": [{\"field\": \"note\", \"op\": \"eq\", \"value\": null}]}", "a,b,c,d,e" },
    { "{\"where\": [{\"field\": \"status\", \"op\": \"eq\", \"value\": \"open\"},"
      "  {\"field\": \"size\", \"op\": \"gt\", \"value\": 1}]}", "c,e" },
    { "{\"order_by\": [{\"field\": \"size\", \"desc\": true}]}", "e,d,c,b,a" },
    { "{\"order_by\": [{\"field\": \"status\"}, {\"field\": \"size\", \"desc\": true}]}", "d,b,e,c,a" },
    { "{\"where\": [{\"field\": \"status\", \"op\": \"eq\", \"value\": \"x' OR 1=1 --\"}]}", "" },
  };
  static const char * const invalid[] = {
    "[1]", "{\"where\": {}}", "{\"limit\": -1}", "{\"limit\": 5000}", "{\"offset\": \"x\"}", "{\"bogus\": 1}",
    "{\"where\": [{\"field\": \"a'b\", \"op\": \"eq\", \"value\": 1}]}",
    "{\"where\": [{\"field\": \"a..b\", \"op\": \"eq\", \"value\": 1}]}",
    "{\"where\": [{\"field\": \"$.a\", \"op\": \"eq\", \"value\": 1}]}",
    "{\"where\": [{\"field\": \"a[0]\", \"op\": \"eq\", \"value\": 1}]}",
    "{\"where\": [{\"field\": \"a\", \"op\": \"like\", \"value\": 1}]}",
    "{\"where\": [{\"field\": \"a\", \"op\": \"eq\", \"value\": {\"x\": 1}}]}",
    "{\"where\": [{\"field\": \"a\", \"op\": \"in\", \"value\": []}]}",
    "{\"order_by\": [{\"field\": \"a') --\"}]}",
  };
  gint64 next = 0;

  put (f->store, NULL, "items", "a", "{\"status\": \"open\", \"size\": 1}");
  put (f->store, NULL, "items", "b", "{\"status\": \"closed\", \"size\": 2, \"owner\": {\"name\": \"zoe\"}}");
  put (f->store, NULL, "items", "c", "{\"status\": \"open\", \"size\": 3, \"tags\": [\"x\"]}");
  put (f->store, NULL, "items", "d", "{\"status\": \"closed\", \"size\": 4, \"tags\": [], \"done\": true}");
  put (f->store, NULL, "items", "e", "{\"status\": \"open\", \"size\": 5}");
  put (f->store, NULL, "other", "z", "{\"status\": \"open\", \"size\": 1}");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *ids = query_ids (f->store, NULL, "items", cases[i].query, NULL);

      if (g_strcmp0 (ids, cases[i].ids) != 0)
        g_test_fail_printf ("%s gave “%s”, expected “%s”", cases[i].query, ids, cases[i].ids);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *page = kari_store_query (f->store, NULL, "items", invalid[i], &error);

      if (page != NULL)
        g_test_fail_printf ("%s was accepted", invalid[i]);
      g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
    }

  /* Paging */
  {
    g_autofree char *p1 = query_ids (f->store, NULL, "items", "{\"limit\": 2}", &next);
    g_autofree char *p2 = NULL, *p3 = NULL;

    g_assert_cmpstr (p1, ==, "a,b");
    g_assert_cmpint (next, ==, 2);
    p2 = query_ids (f->store, NULL, "items", "{\"limit\": 2, \"offset\": 2}", &next);
    g_assert_cmpstr (p2, ==, "c,d");
    g_assert_cmpint (next, ==, 4);
    p3 = query_ids (f->store, NULL, "items", "{\"limit\": 2, \"offset\": 4}", &next);
    g_assert_cmpstr (p3, ==, "e");
    g_assert_cmpint (next, ==, -1);
  }
}

static void
test_index (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) plan = g_string_new (NULL);

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *id = g_strdup_printf ("n%02u", i);
      g_autofree char *doc = g_strdup_printf ("{\"city\": {\"name\": \"c%u\"}, \"n\": %u}", i % 5, i);

      put (f->store, NULL, "places", id, doc);
    }
  g_assert_true (kari_store_create_index (f->store, "places", "city.name", &error));
  g_assert_no_error (error);
  g_assert_true (kari_store_create_index (f->store, "places", "city.name", &error));
  g_assert_false (kari_store_create_index (f->store, "places", "x'); DROP TABLE t; --", &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* A bounded number of them */
  for (guint i = 0; i < 31; i++)
    {
      g_autofree char *field = g_strdup_printf ("f%u", i);

      g_assert_true (kari_store_create_index (f->store, "places", field, &error));
      g_assert_no_error (error);
    }
  g_assert_false (kari_store_create_index (f->store, "places", "one_too_many", &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_LIMIT);
  g_clear_error (&error);
  g_assert_true (kari_store_create_index (f->store, "other", "f3", &error));
  ids = query_ids (f->store, NULL, "places",
                   "{\"where\": [{\"field\": \"city.name\", \"op\": \"eq\", \"value\": \"c3\"}], \"limit\": 3}", NULL);
  g_assert_cmpstr (ids, ==, "n03,n08,n13");

  /* The planner uses it for the query the store builds. */
  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "EXPLAIN QUERY PLAN SELECT id, version, body FROM _kari_documents "
                                       "WHERE collection = 'places' AND owner = '' AND "
                                       "json_extract (body, '$.city.name') = 'c3' ORDER BY id LIMIT 3",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append (plan, (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  if (strstr (plan->str, "USING INDEX _kari_idx_") == NULL)
    g_test_fail_printf ("the plan is “%s”", plan->str);
}

static void
test_per_user_collection (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL, *ids = NULL;

  g_assert_true (kari_store_declare_per_user (f->store, KARI_STORE_PER_USER_COLLECTION, "drafts", &error));
  g_assert_no_error (error);
  g_assert_cmpint (put (f->store, "alice", "drafts", "d1", "{\"text\": \"alice's\"}"), ==, 1);
  g_assert_cmpint (put (f->store, "bob", "drafts", "d1", "{\"text\": \"bob's\"}"), ==, 1);
  a = kari_store_get (f->store, "alice", "drafts", "d1", NULL, &error);
  b = kari_store_get (f->store, "bob", "drafts", "d1", NULL, &error);
  g_assert_cmpstr (a, ==, "{\"text\":\"alice's\"}");
  g_assert_cmpstr (b, ==, "{\"text\":\"bob's\"}");
  g_assert_cmpint (put (f->store, "alice", "drafts", "d2", "{}"), ==, 1);
  ids = query_ids (f->store, "bob", "drafts", NULL, NULL);
  g_assert_cmpstr (ids, ==, "d1");
  g_assert_null (kari_store_get (f->store, "bob", "drafts", "d2", NULL, &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (kari_store_delete (f->store, "bob", "drafts", "d2", -1, &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* No user, no per-user documents. */
  g_assert_null (kari_store_get (f->store, NULL, "drafts", "d1", NULL, &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kari_store_query (f->store, "", "drafts", NULL, &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* A shared collection cannot turn per-user under its documents. */
  put (f->store, NULL, "shared", "s", "{}");
  g_assert_false (kari_store_declare_per_user (f->store, KARI_STORE_PER_USER_COLLECTION, "shared", &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
}

static void
test_per_user_table (Fixture       *f,
                     gconstpointer  data)
{
  static const char * const bypasses[] = {
    "SELECT * FROM _kari_user_notes",
    "SELECT * FROM main._kari_user_notes",
    "SELECT * FROM _KARI_USER_NOTES",
    "UPDATE _kari_user_notes SET _kari_owner = 'mallory'",
    "DROP VIEW notes",
    "ALTER TABLE notes RENAME TO mine",
    "CREATE TRIGGER mine INSTEAD OF UPDATE ON notes BEGIN SELECT 1; END",
    "DROP TRIGGER _kari_ins_notes",
    "CREATE VIEW everyone AS SELECT * FROM _kari_user_notes",
    "CREATE INDEX mine ON _kari_user_notes (text)",
    "DELETE FROM _kari_user_notes",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *alice = NULL, *bob = NULL, *count = NULL, *nobody = NULL;

  g_free (sql (f->store, "alice", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)", NULL));
  g_assert_true (kari_store_declare_per_user (f->store, KARI_STORE_PER_USER_TABLE, "notes", &error));
  g_assert_no_error (error);
  g_assert_true (kari_store_declare_per_user (f->store, KARI_STORE_PER_USER_TABLE, "notes", &error));

  g_free (sql (f->store, "alice", "INSERT INTO notes (text) VALUES (?)", "[\"alice 1\"]"));
  g_free (sql (f->store, "alice", "INSERT INTO notes (text) VALUES (?)", "[\"alice 2\"]"));
  g_free (sql (f->store, "bob", "INSERT INTO notes (text) VALUES (?)", "[\"bob 1\"]"));
  alice = sql (f->store, "alice", "SELECT text FROM notes ORDER BY text", NULL);
  g_assert_cmpstr (alice, ==, "{\"columns\":[\"text\"],\"rows\":[[\"alice 1\"],[\"alice 2\"]],\"changes\":0}");
  /* Bob's UPDATE and DELETE without WHERE touch his own rows only. */
  g_free (sql (f->store, "bob", "UPDATE notes SET text = 'bob was here'", NULL));
  g_free (sql (f->store, "bob", "DELETE FROM notes WHERE text <> 'bob was here'", NULL));
  g_free (sql (f->store, "bob", "UPDATE notes SET text = 'x' WHERE id = 1", NULL));
  bob = sql (f->store, "bob", "SELECT id, text FROM notes", NULL);
  g_assert_cmpstr (bob, ==, "{\"columns\":[\"id\",\"text\"],\"rows\":[[3,\"bob was here\"]],\"changes\":0}");
  count = sql (f->store, "alice", "SELECT count(*) FROM notes WHERE text LIKE 'alice%'", NULL);
  g_assert_cmpstr (count, ==, "{\"columns\":[\"count(*)\"],\"rows\":[[2]],\"changes\":0}");
  nobody = sql (f->store, NULL, "SELECT count(*) FROM notes", NULL);
  g_assert_cmpstr (nobody, ==, "{\"columns\":[\"count(*)\"],\"rows\":[[0]],\"changes\":0}");

  for (guint i = 0; i < G_N_ELEMENTS (bypasses); i++)
    sql_denied (f->store, "mallory", bypasses[i]);

  /* REPLACE deletes the conflicting row, whoever's: not another user's. */
  {
    g_autoptr(GError) replace_error = NULL;
    g_autofree char *r1 = kari_store_sql (f->store, "mallory", "INSERT OR REPLACE INTO notes (id, text) "
                                          "VALUES (3, 'pwned')", NULL, &replace_error);
    g_autofree char *r2 = NULL, *still = NULL;

    g_assert_null (r1);
    g_assert_error (replace_error, KARI_STORE_ERROR, KARI_STORE_ERROR_SQL);
    g_assert_nonnull (strstr (replace_error->message, "another user"));
    g_clear_error (&replace_error);
    g_free (sql (f->store, "mallory", "INSERT INTO notes (id, text) VALUES (40, 'mine')", NULL));
    r2 = kari_store_sql (f->store, "mallory", "UPDATE OR REPLACE notes SET id = 3", NULL, &replace_error);
    g_assert_null (r2);
    g_assert_nonnull (replace_error);
    still = sql (f->store, "bob", "SELECT id, text FROM notes", NULL);
    g_assert_cmpstr (still, ==, "{\"columns\":[\"id\",\"text\"],\"rows\":[[3,\"bob was here\"]],\"changes\":0}");
  }
  g_clear_pointer (&count, g_free);
  count = sql (f->store, "alice", "SELECT count(*) FROM notes WHERE text LIKE 'alice%'", NULL);
  g_assert_cmpstr (count, ==, "{\"columns\":[\"count(*)\"],\"rows\":[[2]],\"changes\":0}");

  /* Tables that cannot be per-user */
  g_free (sql (f->store, "alice", "CREATE TABLE full (x)", NULL));
  g_free (sql (f->store, "alice", "INSERT INTO full VALUES (1)", NULL));
  g_assert_false (kari_store_declare_per_user (f->store, KARI_STORE_PER_USER_TABLE, "full", &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kari_store_declare_per_user (f->store, KARI_STORE_PER_USER_TABLE, "missing", &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kari_store_declare_per_user (f->store, KARI_STORE_PER_USER_TABLE, "_kari_documents", &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* A trigger named like the table would run trusted once the table is
   * per-user (and its body follows the table's rename). */
  g_free (sql (f->store, "alice", "CREATE TABLE secrets (s TEXT)", NULL));
  g_free (sql (f->store, "alice", "CREATE TABLE other (x)", NULL));
  g_free (sql (f->store, "alice", "CREATE TRIGGER secrets AFTER INSERT ON other BEGIN "
                                  "UPDATE secrets SET s = 'x'; END", NULL));
  g_assert_false (kari_store_declare_per_user (f->store, KARI_STORE_PER_USER_TABLE, "secrets", &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (sql (f->store, "alice", "CREATE TABLE watched (w TEXT)", NULL));
  g_free (sql (f->store, "alice", "CREATE TRIGGER spy AFTER INSERT ON watched BEGIN "
                                  "INSERT INTO other SELECT w FROM watched; END", NULL));
  g_assert_false (kari_store_declare_per_user (f->store, KARI_STORE_PER_USER_TABLE, "watched", &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* The guard knows the views after a reopen. */
  g_clear_object (&f->store);
  f->store = kari_store_open (f->path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&alice, g_free);
  alice = sql (f->store, "alice", "SELECT count(*) FROM notes", NULL);
  g_assert_cmpstr (alice, ==, "{\"columns\":[\"count(*)\"],\"rows\":[[2]],\"changes\":0}");
  sql_denied (f->store, "mallory", "SELECT * FROM _kari_user_notes");
}

static void
remove_in (const char *folder,
           const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
test_migrations (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (f->dir, "migrations", NULL);
  g_autofree char *tables = NULL;
  guint applied = 0;

  g_assert_true (kari_store_migrate (f->store, folder, &applied, &error));
  g_assert_cmpuint (applied, ==, 0);
  g_free (kari_test_write (folder, "002_tags.sql", "ALTER TABLE items ADD COLUMN tags TEXT;"));
  g_free (kari_test_write (folder, "001_init.sql", "-- first\nCREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\n"
                                                   "INSERT INTO items (name) VALUES ('seed');"));
  g_free (kari_test_write (folder, "README", "not a migration"));
  g_assert_true (kari_store_migrate (f->store, folder, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, 2);
  g_assert_true (kari_store_migrate (f->store, folder, &applied, &error));
  g_assert_cmpuint (applied, ==, 0);

  /* A failing file rolls back whole and names its line. */
  g_free (kari_test_write (folder, "003_bad.sql", "CREATE TABLE extra (x);\nINSERT INTO extra VALUES (1);\n"
                                                  "INSERT INTO items (nope) VALUES (1);\n"));
  g_assert_false (kari_store_migrate (f->store, folder, &applied, &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_MIGRATION);
  g_assert_nonnull (strstr (error->message, "003_bad.sql"));
  g_assert_nonnull (strstr (error->message, "nope"));
  g_assert_nonnull (strstr (error->message, "line 3"));
  g_clear_error (&error);
  tables = sql (f->store, NULL, "SELECT name FROM sqlite_schema WHERE name = 'extra'", NULL);
  g_assert_cmpstr (tables, ==, "{\"columns\":[\"name\"],\"rows\":[],\"changes\":0}");

  /* The guard applies to migrations too. */
  g_free (kari_test_write (folder, "003_bad.sql", "ATTACH '/tmp/x.db' AS x;"));
  g_assert_false (kari_store_migrate (f->store, folder, &applied, &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_MIGRATION);
  g_assert_nonnull (strstr (error->message, "ATTACH"));
  g_clear_error (&error);
  g_free (kari_test_write (folder, "003_bad.sql", "BEGIN; CREATE TABLE y (x); COMMIT;"));
  g_assert_false (kari_store_migrate (f->store, folder, &applied, &error));
  g_clear_error (&error);
  g_free (kari_test_write (folder, "003_bad.sql", "DELETE FROM _kari_migrations;"));
  g_assert_false (kari_store_migrate (f->store, folder, &applied, &error));
  g_clear_error (&error);
  remove_in (folder, "003_bad.sql");

  /* Names and links */
  g_free (kari_test_write (folder, "init.sql", "SELECT 1;"));
  g_assert_false (kari_store_migrate (f->store, folder, &applied, &error));
  g_assert_nonnull (strstr (error->message, "init.sql"));
  g_clear_error (&error);
  remove_in (folder, "init.sql");
  g_free (kari_test_write (folder, "02_dup.sql", "SELECT 1;"));
  g_assert_false (kari_store_migrate (f->store, folder, &applied, &error));
  g_assert_nonnull (strstr (error->message, "same number"));
  g_clear_error (&error);
  remove_in (folder, "02_dup.sql");
  {
    g_autofree char *elsewhere = g_build_filename (f->dir, "elsewhere", NULL);
    g_autofree char *linked = g_build_filename (f->dir, "linked", NULL);

    g_free (kari_test_write (elsewhere, "001_x.sql", "SELECT 1;"));
    g_assert_cmpint (symlink (elsewhere, linked), ==, 0);
    g_assert_false (kari_store_migrate (f->store, linked, &applied, &error));
    g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_MIGRATION);
    g_clear_error (&error);
  }
  {
    g_autofree char *link = g_build_filename (folder, "004_link.sql", NULL);
    g_autofree char *secret = kari_test_write (f->dir, "secret.txt", "SELECT 'a secret';");

    g_assert_cmpint (symlink (secret, link), ==, 0);
    g_assert_false (kari_store_migrate (f->store, folder, &applied, &error));
    g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_MIGRATION);
    g_assert_null (strstr (error->message, "a secret"));
  }
}

static void
test_backup_import (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = g_build_filename (f->dir, "backup.sqlite", NULL);
  g_autofree char *doc = NULL, *notes = NULL;

  g_free (sql (f->store, "alice", "CREATE TABLE notes (text TEXT)", NULL));
  g_assert_true (kari_store_declare_per_user (f->store, KARI_STORE_PER_USER_TABLE, "notes", &error));
  g_free (sql (f->store, "alice", "INSERT INTO notes (text) VALUES ('kept')", NULL));
  put (f->store, NULL, "c", "one", "{\"v\": 1}");
  g_assert_true (kari_store_create_index (f->store, "c", "v", &error));
  g_assert_true (kari_store_backup (f->store, backup, &error));
  g_assert_no_error (error);
  put (f->store, NULL, "c", "one", "{\"v\": 2}");
  put (f->store, NULL, "c", "two", "{\"v\": 3}");
  g_clear_object (&f->store);

  g_assert_true (kari_store_import (f->path, backup, &error));
  g_assert_no_error (error);
  f->store = kari_store_open (f->path, &error);
  g_assert_no_error (error);
  doc = kari_store_get (f->store, NULL, "c", "one", NULL, &error);
  g_assert_cmpstr (doc, ==, "{\"v\":1}");
  g_assert_null (kari_store_get (f->store, NULL, "c", "two", NULL, &error));
  g_clear_error (&error);
  notes = sql (f->store, "alice", "SELECT text FROM notes", NULL);
  g_assert_cmpstr (notes, ==, "{\"columns\":[\"text\"],\"rows\":[[\"kept\"]],\"changes\":0}");
  sql_denied (f->store, "alice", "SELECT * FROM _kari_user_notes");
}

/* Rewrites @path with a raw connection, outside any guard. */
static void
tamper (const char *path,
        const char *statements)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, statements, NULL, NULL, &message);
  g_assert_cmpstr (message, ==, NULL);
  sqlite3_close (db);
}

static void
test_import_refuses (Fixture       *f,
                     gconstpointer  data)
{
  static const char * const tricks[] = {
    "CREATE TABLE _kari_evil (x)",
    "CREATE TABLE t (x); CREATE TRIGGER notes AFTER INSERT ON t BEGIN UPDATE _kari_user_notes SET text = 'x'; END",
    "CREATE TABLE t (x); CREATE TRIGGER sneaky AFTER INSERT ON t BEGIN DELETE FROM _kari_documents; END",
    "CREATE VIEW everyone AS SELECT * FROM _kari_user_notes",
    "CREATE VIEW _kari_view AS SELECT 1",
    "DROP TABLE _kari_migrations",
    "DROP TABLE _kari_documents; CREATE TABLE _kari_documents (collection, owner, id, version, body)",
    "PRAGMA application_id = 0",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = g_build_filename (f->dir, "backup.sqlite", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other.sqlite", NULL);
  g_autofree char *junk = kari_test_write (f->dir, "junk.sqlite", "SQLite format 3 but not really");
  g_autofree char *all = NULL, *doc = NULL;

  put (f->store, NULL, "c", "one", "{\"v\": 1}");
  g_free (sql (f->store, "alice", "CREATE TABLE notes (text TEXT)", NULL));
  g_assert_true (kari_store_declare_per_user (f->store, KARI_STORE_PER_USER_TABLE, "notes", &error));
  g_free (sql (f->store, "alice", "INSERT INTO notes (text) VALUES ('alice only')", NULL));

  for (guint i = 0; i < G_N_ELEMENTS (tricks); i++)
    {
      g_assert_true (kari_store_backup (f->store, other, &error));
      tamper (other, tricks[i]);
      if (kari_store_import (f->path, other, &error))
        g_test_fail_printf ("an export changed with “%s” was imported", tricks[i]);
      g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CORRUPT);
      g_clear_error (&error);
    }
  g_assert_false (kari_store_import (f->path, junk, &error));
  g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_false (kari_store_import (f->path, f->dir, &error));
  g_clear_error (&error);
  {
    g_autofree char *plain = g_build_filename (f->dir, "plain.sqlite", NULL);

    tamper (plain, "CREATE TABLE t (x)");
    g_assert_false (kari_store_import (f->path, plain, &error));
    g_assert_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_CORRUPT);
    g_clear_error (&error);
  }
  /* Nothing refused touched the store. */
  doc = kari_store_get (f->store, NULL, "c", "one", NULL, &error);
  g_assert_cmpstr (doc, ==, "{\"v\":1}");

  /* A per-user view rewritten to show everyone's rows is remade. */
  g_assert_true (kari_store_backup (f->store, backup, &error));
  tamper (backup, "DROP VIEW notes; CREATE VIEW notes AS SELECT rowid AS rowid, text FROM _kari_user_notes");
  g_clear_object (&f->store);
  g_assert_true (kari_store_import (f->path, backup, &error));
  g_assert_no_error (error);
  f->store = kari_store_open (f->path, &error);
  all = sql (f->store, "mallory", "SELECT count(*) FROM notes", NULL);
  g_assert_cmpstr (all, ==, "{\"columns\":[\"count(*)\"],\"rows\":[[0]],\"changes\":0}");
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);
  g_autoptr(GDir) dir = NULL;

  put (f->store, NULL, "c", "one", "{}");
  g_clear_object (&f->store);
  /* A WAL left behind, as after a crash */
  g_assert_true (g_file_set_contents (wal, "", 0, NULL));
  g_assert_true (kari_store_remove (f->path, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  dir = g_dir_open (f->dir, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (dir));
  /* Again: nothing to do, not an error. */
  g_assert_true (kari_store_remove (f->path, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("documents/crud", test_crud);
  ADD ("documents/versions", test_versions);
  ADD ("documents/crafted-names", test_crafted_names);
  ADD ("documents/query", test_query);
  ADD ("documents/index", test_index);
  ADD ("per-user/collection", test_per_user_collection);
  ADD ("per-user/table", test_per_user_table);
  ADD ("migrations/once-in-order", test_migrations);
  ADD ("backup/roundtrip", test_backup_import);
  ADD ("backup/import-refuses", test_import_refuses);
  ADD ("remove/every-file", test_remove);

  return g_test_run ();
}
