/* kari-broker-storage.c — io.github.kari.Storage1: an extension's own
 * store on its connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store is the file of the broker's extension in the broker's
 * tenant (kari_store_dup_path()), and per-user rows belong to the
 * broker's user: nothing of the kind is read from arguments. Every call
 * is admitted like Host1's (limits, handshake, argument lengths), then
 * checked with the permission engine: `data:read` for Get and Query,
 * `data:write` for the rest, and Sql needs `data:write` too when its
 * statement is not read-only. The store's work runs in one worker
 * thread per extension, so calls keep their order and a slow statement
 * (capped at 2 s) never holds the main loop; answers are sent from the
 * main context. The store is opened, its quota set and the extension's
 * migrations run on the first call.
 */

#include "config.h"

#include "kari-broker-private.h"
#include "kari-dbus-generated.h"
#include "kari-store.h"

#define SERVICE_KEY "kari-broker-storage"

typedef enum
{
  OP_SQL,
  OP_PUT,
  OP_GET,
  OP_DELETE,
  OP_QUERY,
  OP_CREATE_INDEX,
  OP_DECLARE,
} Op;

typedef struct
{
  const char *method;
  Op          op;
  const char *permission;
  gsize       max_length[3];  /* byte limits of the string arguments, in order */
} StorageMethod;

static const StorageMethod storage_methods[] = {
  { "Sql",            OP_SQL,          "data:read",  { 256 * 1024, 1024 * 1024 } },
  { "Put",            OP_PUT,          "data:write", { 64, 256, 1024 * 1024 } },
  { "Get",            OP_GET,          "data:read",  { 64, 256 } },
  { "Delete",         OP_DELETE,       "data:write", { 64, 256 } },
  { "Query",          OP_QUERY,        "data:read",  { 64, 64 * 1024 } },
  { "CreateIndex",    OP_CREATE_INDEX, "data:write", { 64, 256 } },
  { "DeclarePerUser", OP_DECLARE,      "data:write", { 16, 64 } },
};

typedef struct
{
  KariStoreError  code;
  const char     *name;
} ErrorName;

static const ErrorName error_names[] = {
  { KARI_STORE_ERROR_INVALID,   "org.freedesktop.DBus.Error.InvalidArgs" },
  { KARI_STORE_ERROR_NOT_FOUND, "io.github.kari.Error.NotFound" },
  { KARI_STORE_ERROR_CONFLICT,  "io.github.kari.Error.Conflict" },
  { KARI_STORE_ERROR_DENIED,    "io.github.kari.Error.Refused" },
  { KARI_STORE_ERROR_FULL,      "io.github.kari.Error.QuotaExceeded" },
  { KARI_STORE_ERROR_LIMIT,     KARI_BROKER_DBUS_ERROR_LIMIT_EXCEEDED },
  { KARI_STORE_ERROR_SQL,       "io.github.kari.Error.SqlFailed" },
  { KARI_STORE_ERROR_MIGRATION, "io.github.kari.Error.MigrationFailed" },
};

/* One per broker, kept on it; freed after its last job. */
typedef struct
{
  GThreadPool  *pool;
  GMainContext *context;

  GMutex        lock;            /* the fields below, shared with the worker */
  KariStore    *store;
  GError       *open_error;      /* a migration that failed: every call says so */
  char         *stores_dir;
  char         *migrations_dir;
  guint64       quota;
  guint64       applied_quota;   /* the worker's own: what the store has */
} Service;

typedef struct
{
  KariBroker            *broker;
  Service               *service;
  GDBusMethodInvocation *invocation;
  const StorageMethod   *method;
  gboolean               may_write;  /* data:write was checked */
  gboolean               needs_write;
  gboolean               requeued;   /* back in the worker's queue */
  char                  *text;
  gint64                 number;
  GError                *error;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->invocation);
  g_clear_object (&job->broker);
  g_free (job->text);
  g_clear_error (&job->error);
  g_free (job);
}

static void
service_free (gpointer data)
{
  Service *service = data;

  /* Every job holds the broker, so none is left when this runs. */
  g_thread_pool_free (service->pool, FALSE, TRUE);
  g_main_context_unref (service->context);
  g_clear_object (&service->store);
  g_clear_error (&service->open_error);
  g_free (service->stores_dir);
  g_free (service->migrations_dir);
  g_mutex_clear (&service->lock);
  g_free (service);
}

static void run_job (gpointer data,
                     gpointer user_data);

static Service *
get_service (KariBroker *broker)
{
  Service *service = g_object_get_data (G_OBJECT (broker), SERVICE_KEY);

  if (service == NULL)
    {
      service = g_new0 (Service, 1);
      g_mutex_init (&service->lock);
      /* One thread: the extension's calls run in the order they came. */
      service->pool = g_thread_pool_new (run_job, NULL, 1, FALSE, NULL);
      service->context = g_main_context_ref_thread_default ();
      g_object_set_data_full (G_OBJECT (broker), SERVICE_KEY, service, service_free);
    }
  return service;
}

/**
 * kari_broker_set_store_options:
 * @self: a broker
 * @stores_dir: (nullable): the folder of all stores; %NULL for
 *   `$XDG_DATA_HOME/kari/stores`
 * @migrations_dir: (nullable): the extension's migrations folder (for
 *   example `EXTENSION_DIR/migrations`); %NULL for none
 *
 * Where io.github.kari.Storage1 finds the extension's store and the
 * migrations to run when it first opens it. Takes effect at the first
 * Storage1 call.
 */
void
kari_broker_set_store_options (KariBroker *self,
                               const char *stores_dir,
                               const char *migrations_dir)
{
  Service *service;

  g_return_if_fail (KARI_IS_BROKER (self));

  service = get_service (self);
  g_mutex_lock (&service->lock);
  g_free (service->stores_dir);
  service->stores_dir = g_strdup (stores_dir);
  g_free (service->migrations_dir);
  service->migrations_dir = g_strdup (migrations_dir);
  g_mutex_unlock (&service->lock);
}

/**
 * kari_broker_set_store_quota:
 * @self: a broker
 * @max_bytes: the most the store may hold; 0 for no quota
 *
 * The host works it out from `resources.max_disk_mb` minus what the
 * extension's /data holds, and sets it again as that changes. Past it,
 * Storage1 writes fail with io.github.kari.Error.QuotaExceeded.
 */
void
kari_broker_set_store_quota (KariBroker *self,
                             guint64     max_bytes)
{
  Service *service;

  g_return_if_fail (KARI_IS_BROKER (self));

  /* The worker applies it before its next job: the store may be busy
   * with a statement, and the main loop does not wait for it. */
  service = get_service (self);
  g_mutex_lock (&service->lock);
  service->quota = max_bytes;
  g_mutex_unlock (&service->lock);
}

/* In the worker: the store, opened and migrated on first use, with the
 * latest quota. Only the worker opens it and calls it, so the lock is
 * held just to read the options and publish the store, never across
 * SQLite work. */
static KariStore *
ensure_store (Job     *job,
              GError **error)
{
  Service *service = job->service;
  g_autofree char *stores_dir = NULL;
  g_autofree char *migrations_dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(KariStore) store = NULL;
  GError *open_error = NULL;
  guint64 quota;

  g_mutex_lock (&service->lock);
  if (service->open_error != NULL)
    {
      g_propagate_error (error, g_error_copy (service->open_error));
      g_mutex_unlock (&service->lock);
      return NULL;
    }
  store = service->store != NULL ? g_object_ref (service->store) : NULL;
  stores_dir = g_strdup (service->stores_dir);
  migrations_dir = g_strdup (service->migrations_dir);
  quota = service->quota;
  g_mutex_unlock (&service->lock);

  if (store == NULL)
    {
      path = kari_store_dup_path (stores_dir, kari_broker_get_tenant (job->broker),
                                  kari_broker_get_extension (job->broker), error);
      store = path != NULL ? kari_store_open (path, error) : NULL;
      if (store == NULL)
        return NULL;
      kari_store_set_quota (store, quota);
      service->applied_quota = quota;
      if (migrations_dir != NULL && !kari_store_migrate (store, migrations_dir, NULL, &open_error))
        g_debug ("%s: %s", kari_broker_get_extension (job->broker), open_error->message);

      g_mutex_lock (&service->lock);
      service->store = g_object_ref (store);
      service->open_error = open_error;
      g_mutex_unlock (&service->lock);
      if (open_error != NULL)
        {
          g_propagate_error (error, g_error_copy (open_error));
          return NULL;
        }
    }
  else if (quota != service->applied_quota)
    {
      kari_store_set_quota (store, quota);
      service->applied_quota = quota;
    }
  return g_steal_pointer (&store);
}

static gboolean complete_job (gpointer data);

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  g_autoptr(KariStore) store = ensure_store (job, &job->error);
  GVariant *params = g_dbus_method_invocation_get_parameters (job->invocation);
  const char *user = kari_broker_get_user (job->broker);
  const char *a = NULL, *b = NULL, *c = NULL;
  gint64 version = 0;

  if (store == NULL)
    goto done;

  switch (job->method->op)
    {
    case OP_SQL:
      g_variant_get (params, "(&s&s)", &a, &b);
      if (!job->may_write && !kari_store_sql_is_read_only (store, a))
        {
          job->needs_write = TRUE;
          break;
        }
      job->text = kari_store_sql (store, user, a, b, &job->error);
      break;
    case OP_PUT:
      g_variant_get (params, "(&s&s&sx)", &a, &b, &c, &version);
      job->number = kari_store_put (store, user, a, b, c, version, &job->error);
      break;
    case OP_GET:
      g_variant_get (params, "(&s&s)", &a, &b);
      job->text = kari_store_get (store, user, a, b, &job->number, &job->error);
      break;
    case OP_DELETE:
      g_variant_get (params, "(&s&sx)", &a, &b, &version);
      kari_store_delete (store, user, a, b, version, &job->error);
      break;
    case OP_QUERY:
      g_variant_get (params, "(&s&s)", &a, &b);
      job->text = kari_store_query (store, user, a, b, &job->error);
      break;
    case OP_CREATE_INDEX:
      g_variant_get (params, "(&s&s)", &a, &b);
      kari_store_create_index (store, a, b, &job->error);
      break;
    case OP_DECLARE:
      g_variant_get (params, "(&s&s)", &a, &b);
      if (g_str_equal (a, "collection") || g_str_equal (a, "table"))
        kari_store_declare_per_user (store, g_str_equal (a, "table") ? KARI_STORE_PER_USER_TABLE
                                                                     : KARI_STORE_PER_USER_COLLECTION,
                                     b, &job->error);
      else
        g_set_error (&job->error, KARI_STORE_ERROR, KARI_STORE_ERROR_INVALID,
                     "DeclarePerUser: the kind must be “collection” or “table”");
      break;
    }

done:
  g_main_context_invoke (job->service->context, complete_job, job);
}

static void
return_error (GDBusMethodInvocation *invocation,
              const GError          *error)
{
  const char *name = KARI_BROKER_DBUS_ERROR_FAILED;

  for (guint i = 0; i < G_N_ELEMENTS (error_names); i++)
    if (error->domain == KARI_STORE_ERROR && error->code == (int) error_names[i].code)
      name = error_names[i].name;
  g_dbus_method_invocation_return_dbus_error (invocation, name, error->message);
}

static void
queue_job (KariBroker            *broker,
           GDBusMethodInvocation *invocation,
           gpointer               data)
{
  Job *job = g_new0 (Job, 1);

  job->broker = g_object_ref (broker);
  job->service = get_service (broker);
  job->invocation = g_object_ref (invocation);
  job->method = data;
  job->may_write = g_str_equal (job->method->permission, "data:write");
  g_thread_pool_push (job->service->pool, job, NULL);
}

static void
write_allowed (KariBroker            *broker,
               GDBusMethodInvocation *invocation,
               gpointer               data)
{
  Job *job = data;

  job->may_write = TRUE;
  job->needs_write = FALSE;
  job->requeued = TRUE;
  g_thread_pool_push (job->service->pool, job, NULL);
}

/* After the data:write check: a job refused ends here, one allowed
 * lives on in the worker's queue. */
static void
write_checked (gpointer data)
{
  Job *job = data;

  if (job->requeued)
    job->requeued = FALSE;
  else
    job_free (job);
}

/* Back in the main context: the answer. */
static gboolean
complete_job (gpointer data)
{
  Job *job = data;
  GDBusMethodInvocation *invocation = job->invocation;

  if (job->error != NULL)
    return_error (invocation, job->error);
  else if (job->needs_write)
    {
      /* The statement writes: it needs data:write as well. The job
       * goes back to the worker once allowed. */
      _kari_broker_check_then (job->broker, invocation, "data:write", write_allowed, job, write_checked);
      return G_SOURCE_REMOVE;
    }
  else
    switch (job->method->op)
      {
      case OP_SQL:
      case OP_QUERY:
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", job->text));
        break;
      case OP_PUT:
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(x)", job->number));
        break;
      case OP_GET:
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(sx)", job->text, job->number));
        break;
      case OP_DELETE:
      case OP_CREATE_INDEX:
      case OP_DECLARE:
      default:
        g_dbus_method_invocation_return_value (invocation, NULL);
        break;
      }
  job_free (job);
  return G_SOURCE_REMOVE;
}

/* The same gate as Host1's: limits, the handshake, argument lengths. */
static gboolean
on_method (KariBroker            *broker,
           GDBusMethodInvocation *invocation)
{
  const char *name = g_dbus_method_invocation_get_method_name (invocation);
  GVariant *params = g_dbus_method_invocation_get_parameters (invocation);
  const StorageMethod *method = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (storage_methods); i++)
    if (g_str_equal (storage_methods[i].method, name))
      method = &storage_methods[i];

  if (!_kari_broker_admit (broker, invocation))
    return TRUE;
  if (method == NULL)
    return _kari_broker_return_invalid (invocation, "No method %s", name), TRUE;
  if (!_kari_broker_is_ready (broker))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, KARI_BROKER_DBUS_ERROR_NOT_READY,
                                                  "Call Handshake first");
      return TRUE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (method->max_length) && method->max_length[i] > 0; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (params, i);
      gsize length = 0;

      g_variant_get_string (child, &length);
      if (length > method->max_length[i])
        return _kari_broker_return_invalid (invocation, "%s: argument %" G_GSIZE_FORMAT " is longer than %"
                                            G_GSIZE_FORMAT " bytes", name, i + 1, method->max_length[i]), TRUE;
    }

  _kari_broker_check_then (broker, invocation, method->permission, queue_job, (gpointer) method, NULL);
  return TRUE;
}

/* Connected swapped, so one function serves every method: it reads the
 * arguments from the invocation, and ignores those GDBus passes after. */
static gboolean
on_any (KariBroker            *broker,
        GDBusMethodInvocation *invocation)
{
  return on_method (broker, invocation);
}

GDBusInterfaceSkeleton *
_kari_broker_storage_new (KariBroker *broker)
{
  static const char * const signals[] = {
    "handle-sql", "handle-put", "handle-get", "handle-delete", "handle-query", "handle-create-index",
    "handle-declare-per-user",
  };
  KariDBusStorage1 *storage = kari_dbus_storage1_skeleton_new ();

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_signal_connect_object (storage, signals[i], G_CALLBACK (on_any), broker, G_CONNECT_SWAPPED);
  return G_DBUS_INTERFACE_SKELETON (storage);
}
