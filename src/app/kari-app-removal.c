/* kari-app-removal.c — removing an extension from the Control Room
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stops it when it runs here (switched off in every tenant), then lets
 * kari_removal_remove_extension() delete it, in a thread as it walks
 * folders, and reads the search paths again so it leaves the lists.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-host.h"

typedef struct
{
  KariAppExtension *extension;
  char             *name;
  KariRemovalFlags  flags;
} RemoveData;

static void
remove_data_free (RemoveData *data)
{
  g_clear_object (&data->extension);
  g_free (data->name);
  g_free (data);
}

static void
remove_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  KariAppHost *self = source;
  RemoveData *data = task_data;
  GError *error = NULL;

  if (!kari_removal_remove_extension (kari_app_host_get_registry (self), data->name, data->flags,
                                      kari_app_host_get_user (self), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Gone from disk: a reload takes it out of the lists. */
  if (!kari_app_host_reload (KARI_APP_HOST (source), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_removal (GTask *task)
{
  KariAppHost *self = g_task_get_source_object (task);
  RemoveData *data = g_task_get_task_data (task);
  GTask *inner = g_task_new (self, g_task_get_cancellable (task), on_removed, task);
  RemoveData *inner_data = g_new0 (RemoveData, 1);

  inner_data->name = g_strdup (data->name);
  inner_data->flags = data->flags;
  g_task_set_task_data (inner, inner_data, (GDestroyNotify) remove_data_free);
  g_task_run_in_thread (inner, remove_in_thread);
  g_object_unref (inner);
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!kari_app_host_set_enabled_finish (KARI_APP_HOST (source), result, &error))
    {
      g_prefix_error (&error, "%s", _("It could not be stopped, so nothing was removed: "));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  run_removal (task);
}

/**
 * kari_app_host_remove_async:
 * @extension: an extension of this host in the person's own folder
 * @keep_data: keep its stores and /data folders
 *
 * Removes @extension and everything it has in every tenant (see
 * kari_removal_remove_extension()), stopping it first when it runs
 * here. Finish with kari_app_host_remove_finish().
 */
void
kari_app_host_remove_async (KariAppHost         *self,
                            KariAppExtension    *extension,
                            gboolean             keep_data,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RemoveData *data = g_new0 (RemoveData, 1);
  g_autofree char *why_not = NULL;

  g_task_set_source_tag (task, kari_app_host_remove_async);
  data->extension = g_object_ref (extension);
  data->name = g_strdup (kari_app_extension_get_name (extension));
  data->flags = keep_data ? KARI_REMOVAL_KEEP_DATA : KARI_REMOVAL_NONE;
  g_task_set_task_data (task, data, (GDestroyNotify) remove_data_free);

  if (!kari_app_host_can_remove (self, extension, &why_not))
    {
      g_task_return_new_error (task, KARI_REGISTRY_ERROR, KARI_REGISTRY_ERROR_INVALID, "%s", why_not);
      g_object_unref (task);
      return;
    }
  if (kari_app_extension_get_supervisor (extension) != NULL)
    {
      kari_app_host_set_enabled_full_async (self, extension, FALSE, TRUE, cancellable, on_stopped, task);
      return;
    }
  run_removal (task);
}

gboolean
kari_app_host_remove_finish (KariAppHost   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * kari_app_host_can_remove:
 * @why_not: (out) (optional): when it cannot, why, for a person
 *
 * Only extensions in the person's own folder
 * (kari_removal_extensions_dir()) are Kari's to delete; a system one is
 * switched off instead.
 */
gboolean
kari_app_host_can_remove (KariAppHost       *self,
                          KariAppExtension  *extension,
                          char             **why_not)
{
  g_autofree char *own = kari_removal_extensions_dir ();
  g_autofree char *parent = g_path_get_dirname (kari_manifest_get_dir (kari_app_extension_get_manifest (extension)));

  if (g_strcmp0 (own, parent) == 0)
    return TRUE;
  if (why_not != NULL)
    *why_not = g_strdup_printf (_("%s is installed in %s, outside your own extensions folder %s: "
                                  "switch it off, or ask who installed it there to remove it."),
                                kari_app_extension_get_title (extension), parent, own);
  return FALSE;
}
