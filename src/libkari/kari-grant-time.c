/* kari-grant-time.c — scopes as people write them, clocks and boots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <time.h>

#include "kari-grant-private.h"

/* Longest scope a relative time may give; beyond it, use persistent. */
#define MAX_DURATION_USEC ((gint64) 3660 * 24 * 3600 * G_USEC_PER_SEC)

static const struct
{
  const char *name;
  KariScope   scope;
} scope_names[] = {
  { "once",       KARI_SCOPE_ONCE },
  { "session",    KARI_SCOPE_SESSION },
  { "persistent", KARI_SCOPE_PERSISTENT },
  { "until",      KARI_SCOPE_UNTIL },
};

static const struct
{
  char   unit;
  gint64 usec;
} duration_units[] = {
  { 's', (gint64) G_USEC_PER_SEC },
  { 'm', (gint64) 60 * G_USEC_PER_SEC },
  { 'h', (gint64) 3600 * G_USEC_PER_SEC },
  { 'd', (gint64) 24 * 3600 * G_USEC_PER_SEC },
  { 'w', (gint64) 7 * 24 * 3600 * G_USEC_PER_SEC },
};

/**
 * kari_scope_to_string:
 * @scope: a #KariScope
 *
 * Returns: (transfer none): `once`, `session`, `persistent` or `until`
 */
const char *
kari_scope_to_string (KariScope scope)
{
  for (guint i = 0; i < G_N_ELEMENTS (scope_names); i++)
    if (scope_names[i].scope == scope)
      return scope_names[i].name;
  g_return_val_if_reached ("unknown");
}

/* The bare name as the registry stores it; no `until=TIME` here. */
gboolean
_kari_scope_from_name (const char *name,
                       KariScope  *scope)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (scope_names); i++)
    if (strcmp (scope_names[i].name, name) == 0)
      {
        *scope = scope_names[i].scope;
        return TRUE;
      }
  return FALSE;
}

static void
set_scope_error (GError     **error,
                 int          code,
                 const char  *text,
                 const char  *bad,
                 const char  *why)
{
  g_autofree char *shown = g_strescape (text, NULL);
  g_autofree char *bad_shown = g_strescape (bad, NULL);

  g_set_error (error, KARI_GRANT_ERROR, code,
               _("Scope “%s”, column %ld: “%s” %s"),
               shown, (long) (bad - text) + 1, bad_shown, why);
}

/* Parses `1h30m`, `+2d`: digits and a unit, one or more times. */
static gboolean
parse_duration (const char  *text,
                const char  *start,
                gint64      *usec,
                GError     **error)
{
  const char *p = start;
  gint64 total = 0;

  if (*p == '+')
    p++;
  if (*p == '\0')
    {
      set_scope_error (error, KARI_GRANT_ERROR_INVALID, text, start,
                       "is empty; expected a duration such as 30m, 1h or 2d");
      return FALSE;
    }

  while (*p != '\0')
    {
      const char *number = p;
      gint64 n = 0;
      gint64 unit = 0;

      while (g_ascii_isdigit (*p))
        {
          n = n * 10 + (*p - '0');
          if (n > MAX_DURATION_USEC / G_USEC_PER_SEC)
            {
              set_scope_error (error, KARI_GRANT_ERROR_INVALID, text, number,
                               "is too long a time; use the persistent scope");
              return FALSE;
            }
          p++;
        }
      if (p == number)
        {
          set_scope_error (error, KARI_GRANT_ERROR_INVALID, text, p,
                           "is not a number; expected a duration such as 30m, 1h or 2d");
          return FALSE;
        }
      for (guint i = 0; i < G_N_ELEMENTS (duration_units); i++)
        if (duration_units[i].unit == *p)
          unit = duration_units[i].usec;
      if (unit == 0)
        {
          set_scope_error (error, KARI_GRANT_ERROR_INVALID, text, p,
                           *p == '\0' ? "lacks a unit; use s, m, h, d or w"
                                      : "is not a unit; use s, m, h, d or w");
          return FALSE;
        }
      p++;
      /* n ≤ MAX / 1 s, so n * unit only overflows for units past a
       * second, and we check before multiplying */
      if (n > (MAX_DURATION_USEC - total) / unit)
        {
          set_scope_error (error, KARI_GRANT_ERROR_INVALID, text, number,
                           "is too long a time; use the persistent scope");
          return FALSE;
        }
      total += n * unit;
    }

  if (total == 0)
    {
      set_scope_error (error, KARI_GRANT_ERROR_EXPIRED, text, start,
                       "is no time at all; a grant must last a while");
      return FALSE;
    }
  *usec = total;
  return TRUE;
}

/**
 * kari_scope_from_string_at:
 * @text: `once`, `session`, `persistent`, `until=TIME` or `for=DURATION`
 * @wall_now_usec: the wall-clock time relative times count from
 * @scope: (out): the scope
 * @until_usec: (out): for %KARI_SCOPE_UNTIL the wall-clock end, else 0
 * @error: set when @text is not a scope; the message points at the bad part
 *
 * Parses a scope as people type it. TIME is an RFC 3339 time with its
 * offset (`2030-01-31T17:00:00+01:00`) or a time relative to now
 * (`+1h`, `+30m`, `+2d`, `+1h30m`; units s, m, h, d, w); `for=1h` is
 * `until=+1h`. An end that is not in the future is refused with
 * %KARI_GRANT_ERROR_EXPIRED.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_scope_from_string_at (const char  *text,
                           gint64       wall_now_usec,
                           KariScope   *scope,
                           gint64      *until_usec,
                           GError     **error)
{
  const char *value = NULL;
  gint64 end;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (scope != NULL, FALSE);
  g_return_val_if_fail (until_usec != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_str_has_prefix (text, "until="))
    value = text + strlen ("until=");
  else if (g_str_has_prefix (text, "for="))
    value = text + strlen ("for=");

  if (value == NULL)
    {
      if (strcmp (text, "until") != 0 && _kari_scope_from_name (text, scope))
        {
          *until_usec = 0;
          return TRUE;
        }
      set_scope_error (error, KARI_GRANT_ERROR_INVALID, text, text,
                       "is not a scope; expected once, session, persistent, "
                       "until=TIME or for=DURATION");
      return FALSE;
    }

  if (*value == '+' || text[0] == 'f')
    {
      gint64 duration;

      if (!parse_duration (text, value, &duration, error))
        return FALSE;
      end = wall_now_usec + duration;
    }
  else
    {
      g_autoptr(GDateTime) time = NULL;

      /* No default zone: RFC 3339 times carry their offset, and guessing
       * the local zone would make the same text mean different ends */
      time = *value != '\0' ? g_date_time_new_from_iso8601 (value, NULL) : NULL;
      if (time == NULL)
        {
          set_scope_error (error, KARI_GRANT_ERROR_INVALID, text, value,
                           "is not a time; expected RFC 3339 with an offset "
                           "(2030-01-31T17:00:00Z) or a relative time (+1h, +30m, +2d)");
          return FALSE;
        }
      end = g_date_time_to_unix (time) * G_USEC_PER_SEC +
            g_date_time_get_microsecond (time);
      if (end <= wall_now_usec)
        {
          set_scope_error (error, KARI_GRANT_ERROR_EXPIRED, text, value,
                           "has already passed");
          return FALSE;
        }
    }

  *scope = KARI_SCOPE_UNTIL;
  *until_usec = end;
  return TRUE;
}

/**
 * kari_scope_from_string:
 * @text: `once`, `session`, `persistent`, `until=TIME` or `for=DURATION`
 * @scope: (out): the scope
 * @until_usec: (out): for %KARI_SCOPE_UNTIL the wall-clock end, else 0
 * @error: set when @text is not a scope
 *
 * kari_scope_from_string_at() counting relative times from now.
 *
 * Returns: %TRUE on success
 */
gboolean
kari_scope_from_string (const char  *text,
                        KariScope   *scope,
                        gint64      *until_usec,
                        GError     **error)
{
  return kari_scope_from_string_at (text, g_get_real_time (), scope, until_usec, error);
}

/* Clocks */

static gint64
default_boottime_usec (gpointer user_data)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_BOOTTIME, &ts) != 0)
    return g_get_monotonic_time ();
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Boot time rather than g_get_monotonic_time(): the monotonic clock stops
 * while the machine sleeps, so an hour's grant would outlast a suspend. */
static gint64
default_now_usec (gpointer user_data)
{
  return default_boottime_usec (user_data);
}

static gint64
default_wall_usec (gpointer user_data)
{
  return g_get_real_time ();
}

/* This boot's id, or NULL when the kernel does not say */
const char *
_kari_system_boot_id (void)
{
  static char *boot_id;

  if (g_once_init_enter (&boot_id))
    {
      char *text = NULL;

      /* Without a boot id, every restart counts as a reboot and the wall
       * clock decides: the conservative reading */
      if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &text, NULL, NULL))
        text = g_strdup ("");
      g_once_init_leave (&boot_id, g_strstrip (text));
    }
  return *boot_id != '\0' ? boot_id : NULL;
}

/* Fills what @clock leaves NULL with the system's clocks */
void
_kari_clock_fill_defaults (KariClock *clock)
{
  if (clock->now_usec == NULL)
    clock->now_usec = default_now_usec;
  if (clock->wall_usec == NULL)
    clock->wall_usec = default_wall_usec;
  if (clock->boottime_usec == NULL)
    clock->boottime_usec = default_boottime_usec;
}
