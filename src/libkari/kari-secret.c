/* kari-secret.c — config secrets in the user's keyring, through
 * libsecret (the Secret Service: GNOME Keyring, KWallet, KeePassXC)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The registry never holds a secret's value; its config_secrets table
 * only says which keys are set, so that listing and removal know
 * without unlocking the keyring. These calls block on D-Bus: the CLI
 * calls them directly, the host from a worker thread.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "kari-secret-private.h"

static const SecretSchema secret_schema = {
  KARI_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "extension", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "tenant", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "key", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

/* The attributes given (a NULL one matches anything). */
static GHashTable *
attributes_for (const char *extension,
                const char *tenant,
                const char *key)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  if (extension != NULL)
    g_hash_table_insert (attributes, (gpointer) "extension", (gpointer) extension);
  if (tenant != NULL)
    g_hash_table_insert (attributes, (gpointer) "tenant", (gpointer) tenant);
  if (key != NULL)
    g_hash_table_insert (attributes, (gpointer) "key", (gpointer) key);
  return attributes;
}

static void
explain (GError     **error,
         GError      *local_error,
         const char  *doing)
{
  g_prefix_error (&local_error, _("%s in the keyring (is a Secret Service such as GNOME Keyring "
                                  "running and unlocked?): "), doing);
  g_propagate_error (error, local_error);
}

gboolean
_kari_secret_store (const char  *extension,
                    const char  *tenant,
                    const char  *key,
                    const char  *value,
                    GError     **error)
{
  g_autoptr(GHashTable) attributes = attributes_for (extension, tenant, key);
  g_autofree char *label = g_strdup_printf ("Kari Control Room: %s %s (%s)", extension, key, tenant);
  GError *local_error = NULL;

  if (!secret_password_storev_sync (&secret_schema, attributes, SECRET_COLLECTION_DEFAULT,
                                    label, value, NULL, &local_error))
    {
      explain (error, local_error, _("Storing a secret"));
      return FALSE;
    }
  return TRUE;
}

/* Returns the value, or NULL: with @error set on failure, unset when
 * there is no such secret. */
char *
_kari_secret_lookup (const char  *extension,
                     const char  *tenant,
                     const char  *key,
                     GError     **error)
{
  g_autoptr(GHashTable) attributes = attributes_for (extension, tenant, key);
  GError *local_error = NULL;
  char *secret;
  char *copy;

  secret = secret_password_lookupv_sync (&secret_schema, attributes, NULL, &local_error);
  if (local_error != NULL)
    {
      explain (error, local_error, _("Reading a secret"));
      return NULL;
    }
  /* Copied out of non-pageable memory, as every other string is. */
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

/* Removes every item matching the attributes given; a %NULL one
 * matches any value. Nothing to remove is success. */
gboolean
_kari_secret_clear (const char  *extension,
                    const char  *tenant,
                    const char  *key,
                    GError     **error)
{
  g_autoptr(GHashTable) attributes = attributes_for (extension, tenant, key);
  GError *local_error = NULL;

  g_return_val_if_fail (extension != NULL || tenant != NULL, FALSE);

  /* clear removes one matching item per call in some libsecret
   * versions; loop until none is left. */
  while (secret_password_clearv_sync (&secret_schema, attributes, NULL, &local_error))
    ;
  if (local_error != NULL)
    {
      explain (error, local_error, _("Removing secrets"));
      return FALSE;
    }
  return TRUE;
}
