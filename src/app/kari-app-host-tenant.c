/* kari-app-host-tenant.c — switching the tenant the host works in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Extensions run on a tenant's data, so the running ones are stopped
 * before the switch and those on in the new tenant start again after.
 */
#include "config.h"

#include "kari-app-host-private.h"

typedef struct
{
  char      *tenant;
  GPtrArray *was_running;   /* KariAppExtension */
  guint      n_stopping;
} SwitchData;

static void
switch_data_free (SwitchData *data)
{
  g_free (data->tenant);
  g_ptr_array_unref (data->was_running);
  g_free (data);
}

static void
on_restarted (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kari_app_host_set_enabled_finish (KARI_APP_HOST (source), result, &error))
    g_warning ("An extension did not start again in the new tenant: %s", error->message);
}

static void
finish_switch (GTask *task)
{
  KariAppHost *self = g_task_get_source_object (task);
  SwitchData *data = g_task_get_task_data (task);

  _kari_app_host_use_tenant (self, data->tenant);
  /* What ran before runs on in the new tenant when it is on there. */
  for (guint i = 0; i < data->was_running->len; i++)
    {
      KariAppExtension *ext = g_ptr_array_index (data->was_running, i);

      if (kari_app_extension_get_active (ext))
        kari_app_host_set_enabled_async (self, ext, TRUE, NULL, on_restarted, NULL);
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_switch_stopped (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KariAppHost *self = g_task_get_source_object (task);
  SwitchData *data = g_task_get_task_data (task);
  KariSupervisor *supervisor = KARI_SUPERVISOR (source);
  KariAppExtension *extension = kari_app_host_lookup (self, kari_supervisor_get_name (supervisor));
  g_autoptr(GError) error = NULL;

  if (!kari_supervisor_stop_finish (supervisor, result, &error))
    g_warning ("%s: %s", kari_supervisor_get_name (supervisor), error->message);
  g_clear_error (&error);
  if (extension != NULL && !_kari_app_host_drop_supervisor (self, extension, &error))
    g_warning ("%s", error->message);
  if (--data->n_stopping == 0)
    finish_switch (task);
}

/**
 * kari_app_host_set_tenant_async:
 * @tenant: an existing tenant
 *
 * Works in @tenant from now on: the extensions running are stopped (they
 * run in the old tenant's data), which extensions are on is read for
 * @tenant, "tenant-changed" is emitted, and those that ran and are on in
 * @tenant start again. Finish with kari_app_host_set_tenant_finish().
 */
void
kari_app_host_set_tenant_async (KariAppHost         *self,
                                const char          *tenant,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(KariTenant) known = NULL;
  GListModel *extensions = kari_app_host_get_extensions (self);
  GError *error = NULL;
  SwitchData *data;
  guint n = g_list_model_get_n_items (extensions);

  g_task_set_source_tag (task, kari_app_host_set_tenant_async);
  known = kari_registry_lookup_tenant (kari_app_host_get_registry (self), tenant, &error);
  if (known == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data = g_new0 (SwitchData, 1);
  data->tenant = g_strdup (tenant);
  data->was_running = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, data, (GDestroyNotify) switch_data_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KariAppExtension) ext = g_list_model_get_item (extensions, i);
      KariSupervisor *supervisor = kari_app_extension_get_supervisor (ext);

      if (supervisor == NULL)
        continue;
      g_ptr_array_add (data->was_running, g_object_ref (ext));
      data->n_stopping++;
      kari_supervisor_stop_async (supervisor, NULL, on_switch_stopped, g_object_ref (task));
    }
  if (data->n_stopping == 0)
    finish_switch (task);
}

gboolean
kari_app_host_set_tenant_finish (KariAppHost   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
