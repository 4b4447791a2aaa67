/* kari-removal.c — removing an extension, or deleting a tenant, with
 * nothing left behind and nothing half-done
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A removal is first written to the `removals` journal, in the same
 * transaction that checks it may happen. Then each step runs; each is
 * idempotent (removing what is already gone is success), so a removal
 * interrupted anywhere — a crash, a kill, a power cut — is finished by
 * running every step again: kari_removal_resume() does that for every
 * journal row, and the CLI calls it each time it opens the registry. The
 * last step deletes the registry rows, writes the audit entry and deletes
 * the journal row in one transaction. The audit log keeps its history.
 *
 * For tests only: when KARI_REMOVAL_KILL_AFTER names a step ("secrets",
 * "stores", "data", "logs", "folder"), the process kills itself with
 * SIGKILL right after that step, so a test can check the resume.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "kari-manifest-validate-private.h"
#include "kari-registry-private.h"
#include "kari-removal.h"
#include "kari-removal-private.h"
#include "kari-secret-private.h"
#include "kari-tenant.h"

typedef struct
{
  gint64    id;
  char     *extension;   /* an extension's removal, or */
  char     *tenant;      /* a tenant's deletion */
  char     *folder;      /* the installed folder to delete, or NULL */
  gboolean  keep_data;
  char     *actor;
} Job;

static void
job_free (Job *job)
{
  g_free (job->extension);
  g_free (job->tenant);
  g_free (job->folder);
  g_free (job->actor);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)


/**
 * kari_removal_extensions_dir:
 *
 * Extensions installed here (`$XDG_DATA_HOME/kari/extensions`) are the
 * user's own; removal deletes their folder. Folders elsewhere (system,
 * `KARI_EXTENSIONS_PATH`) are not Kari's to delete, so their removal is
 * refused.
 *
 * Returns: (transfer full): the folder
 */
char *
kari_removal_extensions_dir (void)
{
  return _kari_removal_dir ("extensions");
}

static void
maybe_kill_after (const char *step)
{
  const char *hook = g_getenv ("KARI_REMOVAL_KILL_AFTER");

  if (hook != NULL && g_str_equal (hook, step))
    kill (getpid (), SIGKILL);
}

/* ------------------------------------------------------------------ */
/* The steps                                                           */

static gboolean
step_secrets (KariRegistry  *self,
              Job           *job,
              GError       **error)
{
  const char *column = job->extension != NULL ? "extension" : "tenant";
  const char *value = job->extension != NULL ? job->extension : job->tenant;
  g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM config_secrets WHERE %s = ?1", column);
  g_autofree char *delete_sql = g_strdup_printf ("DELETE FROM config_secrets WHERE %s = ?1", column);
  g_autoptr(KariSqlStmt) stmt = NULL;
  gint64 n = 0;
  gboolean ok;

  g_mutex_lock (&self->lock);
  stmt = _kari_registry_prepare (self, count_sql, error, 1, value);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  g_mutex_unlock (&self->lock);
  if (stmt == NULL)
    return FALSE;

  /* Only when something was stored there: a removal must not need a
   * keyring that was never used. */
  if (n > 0 && !_kari_secret_clear (job->extension, job->tenant, NULL, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  ok = _kari_registry_run (self, delete_sql, "Forgetting the secrets", error, 1, value);
  g_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
remove_store_files (const char  *tenant_dir,
                    gpointer     data,
                    GError     **error)
{
  Job *job = data;
  /* The journals before the database: a -wal left behind by an
   * interruption would be replayed into the next store made here. */
  static const char * const suffixes[] = { "-wal", "-shm", "-journal", "" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (job->extension, ".sqlite", suffixes[i], NULL);
      g_autofree char *path = g_build_filename (tenant_dir, file, NULL);

      if (!_kari_removal_remove_tree (path, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
remove_data_dir (const char  *tenant_dir,
                 gpointer     data,
                 GError     **error)
{
  Job *job = data;
  g_autofree char *path = g_build_filename (tenant_dir, job->extension, NULL);

  return _kari_removal_remove_tree (path, error);
}

static gboolean
remove_in_every_tenant (const char  *what,
                        KariRemovalEach each,
                        Job         *job,
                        GError     **error)
{
  g_autofree char *root = _kari_removal_dir (what);

  if (job->tenant != NULL)
    {
      g_autofree char *path = g_build_filename (root, job->tenant, NULL);
      return _kari_removal_remove_tree (path, error);
    }
  if (job->keep_data)
    return TRUE;
  return _kari_removal_for_each_tenant_dir (root, each, job, error);
}

static gboolean
step_stores (KariRegistry  *self,
             Job           *job,
             GError       **error)
{
  return remove_in_every_tenant ("stores", remove_store_files, job, error);
}

static gboolean
step_data (KariRegistry  *self,
           Job           *job,
           GError       **error)
{
  return remove_in_every_tenant ("data", remove_data_dir, job, error);
}

static gboolean
step_logs (KariRegistry  *self,
           Job           *job,
           GError       **error)
{
  static const char * const suffixes[] = { ".log", ".log.1" };
  g_autofree char *root = _kari_removal_dir ("logs");

  if (job->extension == NULL)
    return TRUE;   /* logs are per extension */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (job->extension, suffixes[i], NULL);
      g_autofree char *path = g_build_filename (root, file, NULL);

      if (!_kari_removal_remove_tree (path, error))
        return FALSE;
    }
  return TRUE;
}

/* The folder is first renamed to a hidden name, which discovery skips,
 * so that an extension half deleted is never found and run. */
static gboolean
step_folder (KariRegistry  *self,
             Job           *job,
             GError       **error)
{
  g_autofree char *parent = NULL;
  g_autofree char *base = NULL;
  g_autofree char *hidden = NULL;
  g_autofree char *hidden_path = NULL;

  if (job->folder == NULL)
    return TRUE;

  parent = g_path_get_dirname (job->folder);
  base = g_path_get_basename (job->folder);
  hidden = g_strconcat (".removing-", base, NULL);
  hidden_path = g_build_filename (parent, hidden, NULL);

  if (g_rename (job->folder, hidden_path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not set %s aside to delete it: %s"), job->folder, g_strerror (saved_errno));
      return FALSE;
    }
  return _kari_removal_remove_tree (hidden_path, error);
}

static gboolean
delete_rows_locked (KariRegistry  *self,
                    Job           *job,
                    GError       **error)
{
  const char *column = job->extension != NULL ? "extension" : "tenant";
  const char *value = job->extension != NULL ? job->extension : job->tenant;
  g_autoptr(GPtrArray) tables = _kari_registry_tables_with_column (self, column, error);
  g_autofree char *detail = NULL;
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, job->id);

  if (tables == NULL)
    return FALSE;
  for (guint i = 0; i < tables->len; i++)
    {
      const char *table = g_ptr_array_index (tables, i);
      g_autofree char *sql = NULL;

      /* History stays; the journal row goes last. */
      if (g_str_equal (table, "audit_log") || g_str_equal (table, "removals"))
        continue;
      sql = g_strdup_printf ("DELETE FROM \"%s\" WHERE \"%s\" = ?1", table, column);
      if (!_kari_registry_run (self, sql, "Removing rows", error, 1, value))
        return FALSE;
    }

  if (job->extension != NULL)
    {
      detail = g_strdup_printf (job->keep_data ? "extension removed; its stores and data folders were kept"
                                               : "extension removed with its stores and data folders");
      if (!_kari_registry_run (self, "DELETE FROM extensions WHERE name = ?1", "Removing the extension",
                               error, 1, job->extension))
        return FALSE;
    }
  else
    {
      detail = g_strdup ("tenant deleted with every extension's stores, data, config, secrets and grants in it");
      if (!_kari_registry_run (self, "DELETE FROM tenants WHERE id = ?1", "Deleting the tenant",
                               error, 1, job->tenant))
        return FALSE;
    }

  return _kari_registry_run (self,
                             "INSERT INTO audit_log (time_usec, kind, extension, tenant, user, decision, "
                             "  decided_by, detail) "
                             "VALUES (CAST (?1 AS INTEGER), 'removal', ?2, ?3, ?4, 'allow', 'removal', ?5)",
                             "Recording the removal", error, 5, now, job->extension, job->tenant,
                             job->actor, detail)
         && _kari_registry_run (self, "DELETE FROM removals WHERE id = CAST (?1 AS INTEGER)",
                                "Closing the removal journal", error, 1, id);
}

static gboolean
step_rows (KariRegistry  *self,
           Job           *job,
           GError       **error)
{
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = _kari_registry_begin (self, "Removing rows", error)
       && delete_rows_locked (self, job, error)
       && _kari_registry_commit (self, "Removing rows", error);
  _kari_registry_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

typedef struct
{
  const char *name;
  gboolean  (*run) (KariRegistry *self, Job *job, GError **error);
} Step;

/* In this order: the keyring and files before the rows that say they
 * exist, the installed folder before the extension's row (or a sync
 * would register it again), the journal row last. */
static const Step steps[] = {
  { "secrets", step_secrets },
  { "stores",  step_stores },
  { "data",    step_data },
  { "logs",    step_logs },
  { "folder",  step_folder },
  { "rows",    step_rows },
};

static gboolean
run_job (KariRegistry  *self,
         Job           *job,
         GError       **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      if (!steps[i].run (self, job, error))
        {
          g_prefix_error (error, job->extension != NULL
                          ? _("Removing %s stopped (it will be finished next time): ")
                          : _("Deleting the tenant %s stopped (it will be finished next time): "),
                          job->extension != NULL ? job->extension : job->tenant);
          return FALSE;
        }
      maybe_kill_after (steps[i].name);
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The journal                                                         */

static GPtrArray *
pending_jobs (KariRegistry  *self,
              GError       **error)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  g_autoptr(KariSqlStmt) stmt = NULL;
  int rc = SQLITE_ERROR;

  g_mutex_lock (&self->lock);
  stmt = _kari_registry_prepare (self, "SELECT id, extension, tenant, folder, keep_data, actor "
                                 "FROM removals ORDER BY id", error, 0);
  if (stmt != NULL)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          Job *job = g_new0 (Job, 1);

          job->id = sqlite3_column_int64 (stmt, 0);
          job->extension = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          job->tenant = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          job->folder = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          job->keep_data = sqlite3_column_int (stmt, 4) != 0;
          job->actor = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
          g_ptr_array_add (jobs, job);
        }
      if (rc != SQLITE_DONE)
        _kari_registry_set_sqlite_error (error, self->db, rc, "Reading the removal journal");
    }
  g_mutex_unlock (&self->lock);
  return rc == SQLITE_DONE ? g_steal_pointer (&jobs) : NULL;
}

/**
 * kari_removal_resume:
 * @registry: a #KariRegistry
 * @n_finished: (out) (optional): how many interrupted removals were
 *   finished
 * @error: return location for a #GError
 *
 * Finishes every removal and tenant deletion that was interrupted.
 *
 * Returns: %TRUE when none is left unfinished
 */
gboolean
kari_removal_resume (KariRegistry  *registry,
                     guint         *n_finished,
                     GError       **error)
{
  g_autoptr(GPtrArray) jobs = NULL;

  g_return_val_if_fail (KARI_IS_REGISTRY (registry), FALSE);

  if (n_finished != NULL)
    *n_finished = 0;
  jobs = pending_jobs (registry, error);
  if (jobs == NULL)
    return FALSE;
  for (guint i = 0; i < jobs->len; i++)
    {
      if (!run_job (registry, g_ptr_array_index (jobs, i), error))
        return FALSE;
      if (n_finished != NULL)
        (*n_finished)++;
    }
  return TRUE;
}

/* Inserts the journal row; returns its id, or 0 on failure. */
static gint64
journal_insert_locked (KariRegistry  *self,
                       Job           *job,
                       GError       **error)
{
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());

  if (!_kari_registry_run (self,
                           "INSERT INTO removals (extension, tenant, folder, keep_data, actor, started_usec) "
                           "VALUES (?1, ?2, ?3, CAST (?4 AS INTEGER), ?5, CAST (?6 AS INTEGER))",
                           "Writing the removal journal", error, 6, job->extension, job->tenant,
                           job->folder, job->keep_data ? "1" : "0", job->actor, now))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

/* What an extension no longer installed (its folder was deleted by
 * hand, and the catalog forgot it) may have left: rows, data, logs. */
static gboolean
has_leftovers (KariRegistry  *self,
               const char    *name,
               gboolean      *found,
               GError       **error)
{
  g_autoptr(GPtrArray) tables = NULL;
  g_autofree char *log_name = g_strconcat (name, ".log", NULL);
  g_autofree char *log = _kari_removal_dir ("logs");
  g_autofree char *log_path = g_build_filename (log, log_name, NULL);

  *found = g_file_test (log_path, G_FILE_TEST_EXISTS) || _kari_removal_in_any_tenant ("data", name, "")
           || _kari_removal_in_any_tenant ("stores", name, ".sqlite");
  g_mutex_lock (&self->lock);
  tables = _kari_registry_tables_with_column (self, "extension", error);
  for (guint i = 0; tables != NULL && !*found && i < tables->len; i++)
    {
      const char *table = g_ptr_array_index (tables, i);
      g_autofree char *sql = NULL;
      g_autoptr(KariSqlStmt) stmt = NULL;

      if (g_str_equal (table, "audit_log") || g_str_equal (table, "removals"))
        continue;
      sql = g_strdup_printf ("SELECT 1 FROM \"%s\" WHERE extension = ?1 LIMIT 1", table);
      stmt = _kari_registry_prepare (self, sql, error, 1, name);
      if (stmt == NULL)
        {
          g_clear_pointer (&tables, g_ptr_array_unref);
          break;
        }
      *found = sqlite3_step (stmt) == SQLITE_ROW;
    }
  g_mutex_unlock (&self->lock);
  return tables != NULL;
}

/* Checks the extension may be removed, and says where its folder is. */
static gboolean
check_extension (KariRegistry      *self,
                 const char        *name,
                 KariRemovalFlags   flags,
                 Job               *job,
                 GError           **error)
{
  g_autoptr(KariRegistryEntry) entry = NULL;
  g_autofree char *own = kari_removal_extensions_dir ();
  g_autofree char *parent = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean leftovers = FALSE;

  /* The name becomes part of paths below. */
  if (!_kari_manifest_is_valid_name (name))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("“%s” is not an extension name"), name);
      return FALSE;
    }

  entry = kari_registry_lookup (self, name, &local_error);
  if (entry == NULL)
    {
      if (!g_error_matches (local_error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!has_leftovers (self, name, &leftovers, error))
        return FALSE;
      if (!leftovers)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Not installed, but it left things behind: remove those. */
      return TRUE;
    }

  if (!(flags & KARI_REMOVAL_NOT_RUNNING) && !kari_lifecycle_check_removal (entry->state, &local_error))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("Cannot remove %s: %s"), name, local_error->message);
      return FALSE;
    }

  parent = g_path_get_dirname (entry->path);
  if (!g_str_equal (parent, own))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("%s is installed in %s, outside your own extensions folder %s; Kari only "
                     "deletes what it installed there. Delete that folder yourself (or take it out "
                     "of KARI_EXTENSIONS_PATH)"), name, entry->path, own);
      return FALSE;
    }
  job->folder = g_strdup (entry->path);
  return TRUE;
}

/**
 * kari_removal_check:
 * @registry: a #KariRegistry
 * @name: an installed extension
 * @flags: #KariRemovalFlags, as for kari_removal_remove_extension()
 * @error: return location for a #GError
 *
 * Says whether kari_removal_remove_extension() would start, without
 * changing anything: so a caller can refuse before it stops the
 * extension or asks the person.
 *
 * Returns: %TRUE when @name may be removed
 */
gboolean
kari_removal_check (KariRegistry      *registry,
                    const char        *name,
                    KariRemovalFlags   flags,
                    GError           **error)
{
  g_autoptr(Job) job = g_new0 (Job, 1);

  g_return_val_if_fail (KARI_IS_REGISTRY (registry), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return check_extension (registry, name, flags, job, error);
}

static gboolean
start_job (KariRegistry  *self,
           Job           *job,
           GError       **error)
{
  const char *doing = job->extension != NULL ? "Starting a removal" : "Starting a tenant's deletion";
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = _kari_registry_begin (self, doing, error)
       && (job->id = journal_insert_locked (self, job, error)) != 0
       && _kari_registry_commit (self, doing, error);
  _kari_registry_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * kari_removal_remove_extension:
 * @registry: a #KariRegistry
 * @name: an installed extension
 * @flags: #KariRemovalFlags
 * @actor: (nullable): who removes it, for the audit log
 * @error: return location for a #GError
 *
 * Removes @name and everything that belongs to it, in every tenant: its
 * secrets in the keyring, its stores and /data folders (unless
 * %KARI_REMOVAL_KEEP_DATA), its logs, its installed folder, and its rows
 * in every table of the registry that has an `extension` column (config,
 * grants, enablement, scheduled tasks, metrics, …), its versions and
 * history. The audit log keeps its entries and gains one saying so.
 *
 * Interrupted removals are finished first. A running extension is
 * refused unless @flags has %KARI_REMOVAL_NOT_RUNNING. An extension
 * installed outside kari_removal_extensions_dir() is refused.
 *
 * Returns: %TRUE when removed; on failure after it started, the removal
 *   is kept in the journal and finished by kari_removal_resume()
 */
gboolean
kari_removal_remove_extension (KariRegistry      *registry,
                               const char        *name,
                               KariRemovalFlags   flags,
                               const char        *actor,
                               GError           **error)
{
  g_autoptr(Job) job = g_new0 (Job, 1);

  g_return_val_if_fail (KARI_IS_REGISTRY (registry), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!kari_removal_resume (registry, NULL, error))
    return FALSE;

  job->extension = g_strdup (name);
  job->keep_data = (flags & KARI_REMOVAL_KEEP_DATA) != 0;
  job->actor = g_strdup (actor);
  if (!check_extension (registry, name, flags, job, error) || !start_job (registry, job, error))
    return FALSE;
  return run_job (registry, job, error);
}

/**
 * kari_removal_delete_tenant:
 * @registry: a #KariRegistry
 * @tenant: a tenant other than %KARI_TENANT_DEFAULT and the active one
 * @actor: (nullable): who deletes it, for the audit log
 * @error: return location for a #GError
 *
 * Deletes @tenant and everything every extension kept in it: secrets,
 * stores, /data folders, and the rows of every registry table with a
 * `tenant` column (config, grants, enablement, users and roles, …). The
 * audit log keeps its entries and gains one saying so.
 *
 * Returns: %TRUE when deleted; %FALSE with %KARI_REGISTRY_ERROR_INVALID
 *   for the default or the active tenant, %KARI_REGISTRY_ERROR_NOT_FOUND
 *   for an unknown one; on failure after it started, the deletion is
 *   finished by kari_removal_resume()
 */
gboolean
kari_removal_delete_tenant (KariRegistry  *registry,
                            const char    *tenant,
                            const char    *actor,
                            GError       **error)
{
  g_autoptr(Job) job = g_new0 (Job, 1);
  g_autoptr(KariTenant) found = NULL;
  g_autofree char *active = NULL;

  g_return_val_if_fail (KARI_IS_REGISTRY (registry), FALSE);
  g_return_val_if_fail (tenant != NULL, FALSE);

  if (!kari_removal_resume (registry, NULL, error))
    return FALSE;

  if (g_str_equal (tenant, KARI_TENANT_DEFAULT))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("The tenant “%s” always exists and cannot be deleted"), tenant);
      return FALSE;
    }
  found = kari_registry_lookup_tenant (registry, tenant, error);
  if (found == NULL)
    return FALSE;
  active = kari_registry_dup_active_tenant (registry, error);
  if (active == NULL)
    return FALSE;
  if (g_str_equal (active, tenant))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("The tenant “%s” is the active one; switch to another tenant before deleting it"),
                   tenant);
      return FALSE;
    }

  job->tenant = g_strdup (tenant);
  job->actor = g_strdup (actor);
  if (!start_job (registry, job, error))
    return FALSE;
  return run_job (registry, job, error);
}
