/* kari-registry-write.c — every change to the registry: install,
 * update, rollback, state changes, removal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each public function here is one BEGIN IMMEDIATE … COMMIT: the checks
 * (lifecycle, what is kept) read inside the transaction, so another
 * process cannot change the answer between the check and the write, and
 * any error rolls all of it back.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kari-registry-private.h"

/* Reads an extension's state and current version. Returns FALSE with
 * NOT_FOUND when it is not installed. */
static gboolean
get_current (KariRegistry  *self,
             const char    *name,
             KariState     *state,
             char         **version,
             GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _kari_registry_get_stmt (self, STMT_GET_CURRENT, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _kari_registry_bind_text (stmt, 1, name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND,
                   _("No extension named “%s” is installed"), name);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      g_autofree char *doing = g_strdup_printf ("Reading the state of %s", name);

      _kari_registry_set_sqlite_error (error, self->db, rc, doing);
      return FALSE;
    }
  if (!_kari_registry_state_from_column (stmt, 0, state, error))
    return FALSE;
  if (version != NULL)
    *version = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  return TRUE;
}

static gboolean
insert_history (KariRegistry  *self,
                const char    *name,
                KariState      from,
                KariState      to,
                const char    *reason,
                gint64         now,
                GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _kari_registry_get_stmt (self, STMT_INSERT_HISTORY, error);

  if (stmt == NULL)
    return FALSE;
  _kari_registry_bind_text (stmt, 1, name);
  _kari_registry_bind_text (stmt, 2, kari_state_to_string (from));
  _kari_registry_bind_text (stmt, 3, kari_state_to_string (to));
  _kari_registry_bind_text (stmt, 4, reason);
  sqlite3_bind_int64 (stmt, 5, now);
  return _kari_registry_step_done (self, stmt, "Recording a state change", error);
}

/* Writes the extension row: a new one, or the current version of an
 * installed one. */
static gboolean
write_extension (KariRegistry  *self,
                 gboolean       exists,
                 const char    *name,
                 const char    *version,
                 const char    *path,
                 const char    *manifest_json,
                 KariState      state,
                 gint64         now,
                 GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _kari_registry_get_stmt (self, exists ? STMT_UPDATE_EXTENSION
                                                        : STMT_INSERT_EXTENSION, error);

  if (stmt == NULL)
    return FALSE;
  _kari_registry_bind_text (stmt, 1, name);
  _kari_registry_bind_text (stmt, 2, version);
  _kari_registry_bind_text (stmt, 3, path);
  _kari_registry_bind_text (stmt, 4, manifest_json);
  _kari_registry_bind_text (stmt, 5, kari_state_to_string (state));
  sqlite3_bind_int64 (stmt, 6, now);
  return _kari_registry_step_done (self, stmt, "Writing the extension", error);
}

/* The two moves of an update or a rollback: from where it is to
 * updating (unless a caller already put it there), then installed. */
static gboolean
record_update (KariRegistry  *self,
               const char    *name,
               KariState      current,
               const char    *reason,
               gint64         now,
               GError       **error)
{
  if (current != KARI_STATE_UPDATING &&
      !insert_history (self, name, current, KARI_STATE_UPDATING, reason, now, error))
    return FALSE;
  return insert_history (self, name, KARI_STATE_UPDATING, KARI_STATE_INSTALLED, reason, now, error);
}

static gboolean
check_update_allowed (const char  *name,
                      KariState    current,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (current == KARI_STATE_UPDATING || kari_lifecycle_check (current, KARI_STATE_UPDATING, &local_error))
    return TRUE;
  g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("Cannot change the version of %s: "), name);
  return FALSE;
}

static gboolean
install_locked (KariRegistry  *self,
                const char    *name,
                const char    *version,
                const char    *path,
                const char    *manifest_json,
                const char    *reason,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *old_version = NULL;
  g_autofree char *default_reason = NULL;
  g_autoptr(sqlite3_stmt) upsert = NULL;
  KariState current = KARI_STATE_INSTALLED;
  gint64 now = g_get_real_time ();
  gboolean exists;

  exists = get_current (self, name, &current, &old_version, &local_error);
  if (!exists && !g_error_matches (local_error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (exists && !check_update_allowed (name, current, error))
    return FALSE;

  upsert = _kari_registry_get_stmt (self, STMT_UPSERT_VERSION, error);
  if (upsert == NULL)
    return FALSE;
  _kari_registry_bind_text (upsert, 1, name);
  _kari_registry_bind_text (upsert, 2, version);
  _kari_registry_bind_text (upsert, 3, path);
  _kari_registry_bind_text (upsert, 4, manifest_json);
  sqlite3_bind_int64 (upsert, 5, now);
  if (!_kari_registry_step_done (self, upsert, "Keeping the version", error))
    return FALSE;

  if (!write_extension (self, exists, name, version, path, manifest_json,
                        KARI_STATE_INSTALLED, now, error))
    return FALSE;

  if (!exists)
    {
      if (reason == NULL)
        reason = default_reason = g_strdup_printf ("installed %s", version);
      /* The registry only learns of an extension once it is resolved. */
      return insert_history (self, name, KARI_STATE_RESOLVED, KARI_STATE_INSTALLED, reason, now, error);
    }

  if (reason == NULL)
    reason = default_reason = g_strcmp0 (old_version, version) == 0
      ? g_strdup_printf ("reinstalled %s", version)
      : g_strdup_printf ("updated from %s to %s", old_version, version);
  return record_update (self, name, current, reason, now, error);
}

/**
 * kari_registry_install_values:
 * @self: a #KariRegistry
 * @name: the extension's name
 * @version: its version, as text
 * @path: the folder it is installed in
 * @manifest_json: its manifest, serialised as JSON
 * @reason: (nullable): why, for the history; a default says what happened
 *
 * The lower level of kari_registry_install(), for callers that hold the
 * values rather than a #KariManifest (rebuilding a registry, tests).
 *
 * A new extension is recorded as installed (history: resolved →
 * installed). A new version of an installed one becomes current and the
 * old one is kept for rollback (history: its state → updating →
 * installed); the extension must be in a state that may move to
 * updating, so a running extension is refused until it is stopped.
 * Installing a version that is already kept replaces its path and
 * manifest. All of it is one transaction.
 *
 * Returns: %TRUE when recorded
 */
gboolean
kari_registry_install_values (KariRegistry  *self,
                              const char    *name,
                              const char    *version,
                              const char    *path,
                              const char    *manifest_json,
                              const char    *reason,
                              GError       **error)
{
  g_autofree char *doing = NULL;
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (manifest_json != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (*name == '\0' || *version == '\0')
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("Cannot install an extension with an empty %s"),
                   *name == '\0' ? "name" : "version");
      return FALSE;
    }

  doing = g_strdup_printf ("Installing %s %s", name, version);

  g_mutex_lock (&self->lock);
  ok = _kari_registry_begin (self, doing, error) &&
       install_locked (self, name, version, path, manifest_json, reason, error) &&
       _kari_registry_commit (self, doing, error);
  if (!ok)
    _kari_registry_rollback (self);
  g_mutex_unlock (&self->lock);

  return ok;
}

/**
 * kari_registry_install:
 * @self: a #KariRegistry
 * @manifest: the validated manifest of the extension, loaded from the
 *   folder it is installed in
 * @reason: (nullable): why, for the history
 * @error: return location for a #GError
 *
 * Records @manifest's extension as installed, or as the new current
 * version of an installed extension; see kari_registry_install_values().
 *
 * Returns: %TRUE when recorded
 */
gboolean
kari_registry_install (KariRegistry  *self,
                       KariManifest  *manifest,
                       const char    *reason,
                       GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  KariVersion *version;
  const char *name;
  const char *dir;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (manifest != NULL, FALSE);

  name = kari_manifest_get_name (manifest);
  version = kari_manifest_get_version (manifest);
  dir = kari_manifest_get_dir (manifest);
  if (name == NULL || version == NULL || dir == NULL)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("Cannot install the extension “%s”: its manifest has no %s"),
                   name != NULL ? name : "(unnamed)",
                   name == NULL ? "name" : version == NULL ? "version" : "folder");
      return FALSE;
    }

  /* to_json returns a new tree (transfer full) */
  root = kari_manifest_to_json (manifest);
  json = root != NULL ? json_to_string (root, FALSE) : g_strdup ("{}");

  return kari_registry_install_values (self, name, kari_version_to_string (version),
                                       dir, json, reason, error);
}

static gboolean
rollback_locked (KariRegistry  *self,
                 const char    *name,
                 const char    *version,
                 GError       **error)
{
  g_autoptr(sqlite3_stmt) get_version = NULL;
  g_autofree char *current_version = NULL;
  g_autofree char *path = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *reason = NULL;
  KariState current;
  gint64 now = g_get_real_time ();
  int rc;

  if (!get_current (self, name, &current, &current_version, error))
    return FALSE;

  if (g_str_equal (current_version, version))
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID,
                   _("Cannot roll %s back to %s: that is the version in use"), name, version);
      return FALSE;
    }

  get_version = _kari_registry_get_stmt (self, STMT_GET_VERSION, error);
  if (get_version == NULL)
    return FALSE;
  _kari_registry_bind_text (get_version, 1, name);
  _kari_registry_bind_text (get_version, 2, version);
  rc = sqlite3_step (get_version);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_NOT_FOUND,
                   _("Cannot roll %s back to %s: that version was never installed "
                   "(see the kept versions with kari-ext versions %s)"), name, version, name);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      _kari_registry_set_sqlite_error (error, self->db, rc, "Reading the kept version");
      return FALSE;
    }
  path = g_strdup ((const char *) sqlite3_column_text (get_version, 0));
  manifest = g_strdup ((const char *) sqlite3_column_text (get_version, 1));
  _kari_registry_done_stmt (get_version);

  if (!check_update_allowed (name, current, error))
    return FALSE;

  reason = g_strdup_printf ("rolled back from %s to %s", current_version, version);
  return write_extension (self, TRUE, name, version, path, manifest, KARI_STATE_INSTALLED, now, error) &&
         record_update (self, name, current, reason, now, error);
}

/**
 * kari_registry_rollback:
 * @self: a #KariRegistry
 * @name: an installed extension
 * @version: one of its kept versions, other than the current one
 * @error: return location for a #GError
 *
 * Makes @version current again, with the path and manifest it was
 * installed with. The newer version stays kept, so the rollback can
 * itself be undone. The extension must be in a state that may move to
 * updating; the history records the move to updating and back to
 * installed.
 *
 * Returns: %TRUE when rolled back
 */
gboolean
kari_registry_rollback (KariRegistry  *self,
                        const char    *name,
                        const char    *version,
                        GError       **error)
{
  g_autofree char *doing = NULL;
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  doing = g_strdup_printf ("Rolling %s back to %s", name, version);

  g_mutex_lock (&self->lock);
  ok = _kari_registry_begin (self, doing, error) &&
       rollback_locked (self, name, version, error) &&
       _kari_registry_commit (self, doing, error);
  if (!ok)
    _kari_registry_rollback (self);
  g_mutex_unlock (&self->lock);

  return ok;
}

static gboolean
set_state_locked (KariRegistry  *self,
                  const char    *name,
                  KariState      state,
                  const char    *reason,
                  GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  KariState current;
  gint64 now = g_get_real_time ();

  if (!get_current (self, name, &current, NULL, error))
    return FALSE;

  if (!kari_lifecycle_check (current, state, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("%s: "), name);
      return FALSE;
    }

  stmt = _kari_registry_get_stmt (self, STMT_SET_STATE, error);
  if (stmt == NULL)
    return FALSE;
  _kari_registry_bind_text (stmt, 1, name);
  _kari_registry_bind_text (stmt, 2, kari_state_to_string (state));
  sqlite3_bind_int64 (stmt, 3, now);
  return _kari_registry_step_done (self, stmt, "Writing the state", error) &&
         insert_history (self, name, current, state, reason, now, error);
}

/**
 * kari_registry_set_state:
 * @self: a #KariRegistry
 * @name: an installed extension
 * @state: the state to move to
 * @reason: (nullable): why, for the history
 * @error: return location for a #GError
 *
 * Moves @name to @state if the lifecycle allows it from where it is,
 * and records the move, in one transaction. A refused move fails with
 * %KARI_LIFECYCLE_ERROR_INVALID_TRANSITION and changes nothing.
 *
 * Returns: %TRUE when moved
 */
gboolean
kari_registry_set_state (KariRegistry  *self,
                         const char    *name,
                         KariState      state,
                         const char    *reason,
                         GError       **error)
{
  g_autofree char *doing = NULL;
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  doing = g_strdup_printf ("Moving %s to %s", name, kari_state_to_string (state));

  g_mutex_lock (&self->lock);
  ok = _kari_registry_begin (self, doing, error) &&
       set_state_locked (self, name, state, reason, error) &&
       _kari_registry_commit (self, doing, error);
  if (!ok)
    _kari_registry_rollback (self);
  g_mutex_unlock (&self->lock);

  return ok;
}

/* Its metrics go with it, every tenant's. */
static gboolean
delete_metrics (KariRegistry  *self,
                const char    *name,
                GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, "DELETE FROM metrics WHERE extension = ?1", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      _kari_registry_bind_text (stmt, 1, name);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _kari_registry_set_sqlite_error (error, self->db, rc, "Removing the extension's metrics");
      return FALSE;
    }
  return TRUE;
}

static gboolean
remove_locked (KariRegistry  *self,
               const char    *name,
               GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  KariState current;

  if (!get_current (self, name, &current, NULL, error))
    return FALSE;

  if (!kari_lifecycle_check_removal (current, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("Cannot remove %s: "), name);
      return FALSE;
    }

  stmt = _kari_registry_get_stmt (self, STMT_DELETE_EXTENSION, error);
  if (stmt == NULL)
    return FALSE;
  _kari_registry_bind_text (stmt, 1, name);
  return _kari_registry_step_done (self, stmt, "Removing the extension", error)
         && delete_metrics (self, name, error);
}

/**
 * kari_registry_remove:
 * @self: a #KariRegistry
 * @name: an installed extension
 * @reason: (nullable): why; logged at debug level, since the history
 *   goes with the extension
 * @error: return location for a #GError
 *
 * Forgets @name: its row, every kept version, its history and its
 * metrics, in one transaction. Refused while it is starting, running, stopping or
 * updating. The files are the caller's to delete.
 *
 * Returns: %TRUE when removed
 */
gboolean
kari_registry_remove (KariRegistry  *self,
                      const char    *name,
                      const char    *reason,
                      GError       **error)
{
  g_autofree char *doing = NULL;
  gboolean ok;

  g_return_val_if_fail (KARI_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  doing = g_strdup_printf ("Removing %s", name);

  g_mutex_lock (&self->lock);
  ok = _kari_registry_begin (self, doing, error) &&
       remove_locked (self, name, error) &&
       _kari_registry_commit (self, doing, error);
  if (!ok)
    _kari_registry_rollback (self);
  g_mutex_unlock (&self->lock);

  if (ok)
    g_debug ("Removed %s from the registry: %s", name, reason != NULL ? reason : "no reason given");
  return ok;
}

