/* kari-ext-host.c — what the permission commands open: discovery, the
 * registry, the audit log and the permission engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "kari-ext-private.h"

/* The tenant a command acts in when none is given: the active one
 * (`kari-ext tenant switch`), read once per run. */
const char *
_kari_ext_default_tenant (void)
{
  static char *active = NULL;

  if (active == NULL)
    {
      g_autoptr(KariDiscovery) discovery = _kari_ext_discover ();
      g_autoptr(KariRegistry) registry = _kari_ext_open_registry (discovery, NULL);

      /* A registry that cannot be opened is reported by the command. */
      if (registry != NULL)
        active = kari_registry_dup_active_tenant (registry, NULL);
      if (active == NULL)
        active = g_strdup (KARI_TENANT_DEFAULT);
    }
  return active;
}

/* Fails, naming it, when @tenant was never created. */
gboolean
_kari_ext_tenant_exists (KariExtHost  *host,
                         const char   *tenant,
                         GError      **error)
{
  g_autoptr(KariTenant) found = kari_registry_lookup_tenant (host->registry, tenant, error);

  return found != NULL;
}

gboolean
_kari_ext_host_open (KariExtHost  *host,
                     GError      **error)
{
  g_autofree char *path = NULL;
  GPtrArray *extensions;

  host->discovery = _kari_ext_discover ();
  host->registry = _kari_ext_open_registry (host->discovery, error);
  if (host->registry == NULL)
    return FALSE;
  if (!kari_catalog_sync (host->registry, host->discovery, NULL, error))
    return FALSE;

  path = g_strdup (kari_registry_get_path (host->registry));
  host->audit = kari_audit_log_open (path, error);
  if (host->audit == NULL)
    return FALSE;
  host->engine = kari_permission_engine_new (host->registry, host->audit, NULL, error);
  if (host->engine == NULL)
    return FALSE;

  /* Every extension found may be named, resolved or not: what it may
   * ever ask for is what its manifest declares. */
  extensions = kari_discovery_get_extensions (host->discovery);
  for (guint i = 0; i < extensions->len; i++)
    {
      KariManifest *m = g_ptr_array_index (extensions, i);

      if (!kari_permission_engine_set_declared (host->engine, kari_manifest_get_name (m),
                                                kari_manifest_get_display_name (m),
                                                kari_manifest_get_permissions (m), error))
        return FALSE;
    }
  host->actor = g_get_user_name ();
  return TRUE;
}

/* Flushes the audit log: every decision a command made is on disk
 * before it exits. */
gboolean
_kari_ext_host_close (KariExtHost  *host,
                      GError      **error)
{
  gboolean ok = TRUE;

  g_clear_object (&host->engine);
  if (host->audit != NULL)
    ok = kari_audit_log_close (host->audit, error);
  g_clear_object (&host->audit);
  g_clear_object (&host->registry);
  g_clear_object (&host->discovery);
  return ok;
}

/* Says what went wrong (when @error is set), closes @host (when given)
 * so that what was audited is kept, and returns the failure status. */
int
_kari_ext_fail (KariExtHost  *host,
                const GError *error)
{
  if (error != NULL)
    fprintf (stderr, "kari-ext: %s\n", error->message);
  if (host != NULL)
    _kari_ext_host_close (host, NULL);
  return KARI_EXIT_FAILURE;
}

/* Closes @host and returns @status, or the failure to close it. */
int
_kari_ext_finish (KariExtHost *host,
                  int          status)
{
  g_autoptr(GError) error = NULL;

  if (!_kari_ext_host_close (host, &error))
    return _kari_ext_fail (NULL, error);
  return status;
}

void
_kari_ext_host_clear (KariExtHost *host)
{
  _kari_ext_host_close (host, NULL);
}

/* Looks NAME up, telling the user when it is not there. */
KariManifest *
_kari_ext_host_lookup (KariExtHost *host,
                       const char  *name)
{
  KariManifest *m = kari_discovery_lookup (host->discovery, name);

  if (m == NULL)
    fprintf (stderr, _("kari-ext: no extension called “%s” in the search paths; "
                       "“kari-ext list” shows what there is\n"), name);
  return m;
}

/* Parses a time given on the command line: RFC 3339, or relative to
 * now as +30m, +2h, +7d. */
gboolean
_kari_ext_parse_time (const char  *text,
                      gint64      *usec,
                      GError     **error)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text[0] == '+' || text[0] == '-')
    {
      char *end = NULL;
      gint64 amount = g_ascii_strtoll (text + 1, &end, 10);
      gint64 unit = 0;

      if (end != NULL && end != text + 1 && end[0] != '\0' && end[1] == '\0')
        switch (end[0])
          {
          case 's': unit = G_USEC_PER_SEC; break;
          case 'm': unit = 60 * G_USEC_PER_SEC; break;
          case 'h': unit = G_TIME_SPAN_HOUR; break;
          case 'd': unit = G_TIME_SPAN_DAY; break;
          default: break;
          }
      if (unit == 0 || amount < 0 || amount > G_MAXINT32)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is not a time: use RFC 3339 (2026-11-23T10:00:00Z) or +N followed "
                         "by s, m, h or d"), text);
          return FALSE;
        }
      *usec = g_get_real_time () + (text[0] == '-' ? -1 : 1) * amount * unit;
      return TRUE;
    }

  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    {
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      dt = g_date_time_new_from_iso8601 (text, local);
    }
  if (dt == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a time: use RFC 3339 (2026-11-23T10:00:00Z) or +N followed "
                     "by s, m, h or d"), text);
      return FALSE;
    }
  *usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return TRUE;
}

char *
_kari_ext_format_time (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("?");
}

/* A GAsyncReadyCallback that keeps the result for a loop waiting on it. */
void
_kari_ext_store_result (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}
