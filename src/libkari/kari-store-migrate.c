/* kari-store-migrate.c — the schema migrations an extension ships
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An extension keeps numbered SQL files in a folder of its own,
 * `migrations/001_init.sql`, `migrations/002_tags.sql`…; each runs once,
 * in order of its number, in a transaction of its own, under the same
 * guard as any other SQL of the extension, and is recorded in
 * _kari_migrations with the transaction. A failing file is rolled back
 * and reported with its name, line and column; later files wait.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kari-store-private.h"

#define MAX_MIGRATION_SIZE (1024 * 1024)
#define MIGRATION_MSEC     30000

typedef struct
{
  gint64  number;
  char   *file;
} Migration;

static void
migration_clear (gpointer data)
{
  g_free (((Migration *) data)->file);
}

static int
compare_migrations (gconstpointer a,
                    gconstpointer b)
{
  gint64 x = ((const Migration *) a)->number, y = ((const Migration *) b)->number;

  return x < y ? -1 : x > y;
}

/* NUMBER_NAME.sql: 1 to 9 digits, "_", letters, digits, "_" or "-". */
static gboolean
parse_name (const char *name,
            gint64     *number)
{
  const char *p = name;
  gsize digits = 0;

  while (g_ascii_isdigit (*p))
    p++, digits++;
  if (digits == 0 || digits > 9 || *p != '_' || !g_str_has_suffix (name, ".sql") || strlen (p) <= 5)
    return FALSE;
  for (const char *q = p + 1; q < name + strlen (name) - 4; q++)
    if (!g_ascii_isalnum (*q) && *q != '_' && *q != '-')
      return FALSE;
  *number = g_ascii_strtoll (name, NULL, 10);
  return TRUE;
}

static GArray *
list_migrations (const char  *folder,
                 GError     **error)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Migration));
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_array_set_clear_func (found, migration_clear);
  /* The folder is the extension's: a link out of it is not followed. */
  if (g_file_test (folder, G_FILE_TEST_IS_SYMLINK))
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_MIGRATION,
                   _("The migrations folder %s is a symbolic link, which is not followed"), folder);
      return NULL;
    }
  dir = g_dir_open (folder, 0, &local);
  if (dir == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&found);
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_MIGRATION, _("Cannot read the migrations in %s: %s"),
                   folder, local->message);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      Migration migration = { 0, NULL };

      if (!g_str_has_suffix (name, ".sql"))
        continue;
      if (!parse_name (name, &migration.number))
        {
          g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_MIGRATION,
                       _("The migration %s/%s is not named NUMBER_NAME.sql (like 001_init.sql)"), folder, name);
          return NULL;
        }
      for (guint i = 0; i < found->len; i++)
        if (g_array_index (found, Migration, i).number == migration.number)
          {
            g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_MIGRATION,
                         _("The migrations %s and %s in %s have the same number"),
                         g_array_index (found, Migration, i).file, name, folder);
            return NULL;
          }
      migration.file = g_strdup (name);
      g_array_append_val (found, migration);
    }
  g_array_sort (found, compare_migrations);
  return g_steal_pointer (&found);
}

/* Reads @name in @folder: a regular file, not a link, UTF-8, bounded. */
static char *
read_script (const char  *folder,
             const char  *name,
             GError     **error)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autofree char *text = NULL;
  struct stat st;
  gssize n = 0;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > MAX_MIGRATION_SIZE)
    {
      int saved = errno;

      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_MIGRATION,
                   _("The migration %s is not a regular file of at most 1 MiB: %s"), path,
                   fd < 0 ? g_strerror (saved) : _("wrong type or size"));
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  text = g_malloc (st.st_size + 1);
  while (n < st.st_size)
    {
      gssize got = read (fd, text + n, st.st_size - n);

      if (got <= 0)
        break;
      n += got;
    }
  close (fd);
  text[n] = '\0';
  if (!g_utf8_validate (text, n, NULL) || memchr (text, '\0', n) != NULL)
    {
      g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_MIGRATION,
                   _("The migration %s is not UTF-8 text"), path);
      return NULL;
    }
  return g_steal_pointer (&text);
}

static gboolean
is_applied (KariStore   *self,
            gint64       number,
            gboolean    *applied,
            GError     **error)
{
  sqlite3_stmt *stmt = _kari_store_prepare (self, "SELECT 1 FROM _kari_migrations WHERE number = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, number);
  *applied = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
apply (KariStore        *self,
       const char       *folder,
       const Migration  *migration,
       GError          **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *script = read_script (folder, migration->file, error);
  sqlite3_stmt *stmt;
  guint saved_msec = self->max_msec;
  gboolean ok;

  if (script == NULL || !_kari_store_begin (self, error))
    return FALSE;

  /* The extension's SQL: guarded, with a longer deadline. */
  self->trusted = FALSE;
  self->max_msec = MIGRATION_MSEC;
  _kari_store_deadline_start (self);
  ok = _kari_store_run_script (self, script, migration->file, &local);
  _kari_store_deadline_stop (self);
  self->max_msec = saved_msec;
  self->trusted = TRUE;

  if (ok)
    {
      stmt = _kari_store_prepare (self, "INSERT INTO _kari_migrations (number, file, applied_usec) VALUES (?, ?, ?)",
                                  &local);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, migration->number);
          sqlite3_bind_text (stmt, 2, migration->file, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
          ok = sqlite3_step (stmt) == SQLITE_DONE;
          if (!ok)
            _kari_store_set_sqlite_error (self, &local, sqlite3_errcode (self->db), _("Recording the migration"));
          sqlite3_finalize (stmt);
        }
    }
  if (ok)
    ok = _kari_store_commit (self, &local);
  else
    _kari_store_rollback (self);
  if (!ok)
    g_set_error (error, KARI_STORE_ERROR, KARI_STORE_ERROR_MIGRATION,
                 _("The migration %s failed and was rolled back: %s"), migration->file, local->message);
  return ok;
}

/**
 * kari_store_migrate:
 * @self: a #KariStore
 * @folder: the extension's migrations folder (missing: nothing to do)
 * @n_applied: (out) (optional): how many files ran now
 * @error: return location for a #GError
 *
 * Runs, in order of their numbers, the `NUMBER_NAME.sql` files of
 * @folder that have not run in this store yet. Each runs in its own
 * transaction, under the same guard as the extension's other SQL (it
 * may hold several statements, but no BEGIN or COMMIT), and is recorded
 * in `_kari_migrations`. The first that fails is rolled back and named
 * with %KARI_STORE_ERROR_MIGRATION; those before it stay applied.
 *
 * Returns: %TRUE when every file has run
 */
gboolean
kari_store_migrate (KariStore   *self,
                    const char  *folder,
                    guint       *n_applied,
                    GError     **error)
{
  g_autoptr(GArray) migrations = NULL;
  gboolean ok = TRUE;
  guint applied_now = 0;

  g_return_val_if_fail (KARI_IS_STORE (self), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  if (n_applied != NULL)
    *n_applied = 0;
  migrations = list_migrations (folder, error);
  if (migrations == NULL)
    return FALSE;

  g_mutex_lock (&self->lock);
  self->trusted = TRUE;
  for (guint i = 0; ok && i < migrations->len; i++)
    {
      const Migration *migration = &g_array_index (migrations, Migration, i);
      gboolean applied = FALSE;

      ok = is_applied (self, migration->number, &applied, error);
      if (ok && !applied)
        {
          ok = apply (self, folder, migration, error);
          applied_now += ok;
        }
    }
  self->trusted = FALSE;
  g_mutex_unlock (&self->lock);

  if (n_applied != NULL)
    *n_applied = applied_now;
  return ok;
}
