/* kari-test-resolver.h — a GResolver with fixed answers for test names,
 * so the HTTP service's tests reach a loopback server, the metadata
 * address or a private one without DNS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TEST_TYPE_RESOLVER (test_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TestResolver, test_resolver, TEST, RESOLVER, GResolver)

struct _TestResolver
{
  GResolver parent_instance;
};

G_DEFINE_FINAL_TYPE (TestResolver, test_resolver, G_TYPE_RESOLVER)

/* Each name's addresses, in order, separated by commas. */
typedef struct
{
  const char *name;
  const char *addresses;
} Answer;

static const Answer answers[] = {
  { "allowed.test",  "127.0.0.1" },
  { "other.test",    "127.0.0.1" },
  { "evil.test",     "169.254.169.254" },
  { "private.test",  "10.1.2.3" },
  { "public.test",   "93.184.216.34" },
  /* names only this resolver knows, for HTTPS pinned to an address */
  { "localhost",     "127.0.0.1" },
  { "pinned.test",   "127.0.0.1" },
  /* first an address nothing listens on, then a server's */
  { "fallback.test", "127.0.0.2,127.0.0.1" },
};

static GList *
test_resolver_lookup_by_name (GResolver     *resolver,
                              const char    *hostname,
                              GCancellable  *cancellable,
                              GError       **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    if (g_str_equal (answers[i].name, hostname))
      {
        g_auto(GStrv) addresses = g_strsplit (answers[i].addresses, ",", -1);
        GList *list = NULL;

        for (guint j = 0; addresses[j] != NULL; j++)
          list = g_list_append (list, g_inet_address_new_from_string (addresses[j]));
        return list;
      }
  g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "No test answer for %s", hostname);
  return NULL;
}

static void
test_resolver_lookup_by_name_async (GResolver           *resolver,
                                    const char          *hostname,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  GList *list = test_resolver_lookup_by_name (resolver, hostname, cancellable, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, (GDestroyNotify) g_resolver_free_addresses);
}

static GList *
test_resolver_lookup_by_name_finish (GResolver     *resolver,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_resolver_class_init (TestResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name = test_resolver_lookup_by_name;
  resolver_class->lookup_by_name_async = test_resolver_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = test_resolver_lookup_by_name_finish;
}

static void
test_resolver_init (TestResolver *self)
{
}

G_END_DECLS
