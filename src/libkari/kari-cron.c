/* kari-cron.c — five-field cron schedules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each field becomes a bit set. Day matching follows Vixie cron: when
 * both day-of-month and day-of-week are restricted (neither starts with
 * `*`), a day matches if EITHER does; otherwise both must.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-cron.h"

G_DEFINE_QUARK (kari-cron-error-quark, kari_cron_error)

struct _KariCron
{
  guint64 minutes;   /* bits 0–59 */
  guint32 hours;     /* bits 0–23 */
  guint32 mdays;     /* bits 1–31 */
  guint32 months;    /* bits 1–12 */
  guint32 wdays;     /* bits 0–6, Sunday 0 */
  guint   mday_star : 1;
  guint   wday_star : 1;
};

typedef struct
{
  const char         *what;
  guint               min;
  guint               max;
  const char * const *names;   /* names[i] is the value min + i */
} FieldInfo;

static const char * const month_names[] = {
  "jan", "feb", "mar", "apr", "may", "jun",
  "jul", "aug", "sep", "oct", "nov", "dec", NULL
};
static const char * const day_names[] = {
  "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL
};

/* Day of week accepts 7 for Sunday too; it is folded into 0 after parsing. */
static const FieldInfo fields[5] = {
  { "minute",       0, 59, NULL },
  { "hour",         0, 23, NULL },
  { "day of month", 1, 31, NULL },
  { "month",        1, 12, month_names },
  { "day of week",  0, 7,  day_names },
};

typedef struct
{
  const char *name;
  const char *expansion;
} Nickname;

static const Nickname nicknames[] = {
  { "@yearly",   "0 0 1 1 *" },
  { "@annually", "0 0 1 1 *" },
  { "@monthly",  "0 0 1 * *" },
  { "@weekly",   "0 0 * * 0" },
  { "@daily",    "0 0 * * *" },
  { "@midnight", "0 0 * * *" },
  { "@hourly",   "0 * * * *" },
};

static gboolean
parse_value (const FieldInfo *info,
             const char      *text,
             guint           *value,
             GError         **error)
{
  guint64 v;

  if (info->names != NULL)
    for (guint i = 0; info->names[i] != NULL; i++)
      if (g_ascii_strcasecmp (text, info->names[i]) == 0)
        {
          *value = info->min + i;
          return TRUE;
        }

  if (!g_ascii_string_to_unsigned (text, 10, info->min, info->max, &v, NULL))
    {
      g_set_error (error, KARI_CRON_ERROR, KARI_CRON_ERROR_INVALID,
                   _("%s: “%s” is not a value from %u to %u%s"), info->what, text,
                   info->min, info->max,
                   info->names == month_names ? " or a month name (jan…dec)" :
                   info->names == day_names ? " or a day name (sun…sat)" : "");
      return FALSE;
    }
  *value = (guint) v;
  return TRUE;
}

/* One comma-separated item: `*`, `N`, `N-M`, any of them `/step`. */
static gboolean
parse_item (const FieldInfo *info,
            const char      *item,
            guint64         *bits,
            GError         **error)
{
  g_autofree char *range = NULL;
  const char *slash = strchr (item, '/');
  guint lo, hi, step = 1;

  range = slash != NULL ? g_strndup (item, slash - item) : g_strdup (item);
  if (slash != NULL)
    {
      guint64 s;

      if (!g_ascii_string_to_unsigned (slash + 1, 10, 1, info->max, &s, NULL))
        {
          g_set_error (error, KARI_CRON_ERROR, KARI_CRON_ERROR_INVALID,
                       _("%s: step “%s” must be a number from 1 to %u"),
                       info->what, slash + 1, info->max);
          return FALSE;
        }
      step = (guint) s;
    }

  if (g_str_equal (range, "*"))
    {
      lo = info->min;
      hi = info->max;
    }
  else
    {
      const char *dash = strchr (range, '-');

      if (dash != NULL)
        {
          g_autofree char *first = g_strndup (range, dash - range);

          if (!parse_value (info, first, &lo, error) || !parse_value (info, dash + 1, &hi, error))
            return FALSE;
          if (hi < lo)
            {
              g_set_error (error, KARI_CRON_ERROR, KARI_CRON_ERROR_INVALID,
                           _("%s: range “%s” runs backwards"), info->what, range);
              return FALSE;
            }
        }
      else
        {
          if (!parse_value (info, range, &lo, error))
            return FALSE;
          /* `5/15` means from 5 to the end, every 15. */
          hi = slash != NULL ? info->max : lo;
        }
    }

  for (guint v = lo; v <= hi; v += step)
    *bits |= G_GUINT64_CONSTANT (1) << v;
  return TRUE;
}

static gboolean
parse_field (const FieldInfo *info,
             const char      *text,
             guint64         *bits,
             GError         **error)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);

  *bits = 0;
  for (guint i = 0; items[i] != NULL; i++)
    {
      if (*items[i] == '\0')
        {
          g_set_error (error, KARI_CRON_ERROR, KARI_CRON_ERROR_INVALID,
                       _("%s: “%s” has an empty list item"), info->what, text);
          return FALSE;
        }
      if (!parse_item (info, items[i], bits, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * kari_cron_parse:
 * @text: a cron expression, such as `0 9 * * mon-fri` or `@daily`
 * @error: return location for a #KARI_CRON_ERROR
 *
 * Parses five fields (minute, hour, day of month, month, day of week)
 * with `*`, lists, ranges, steps, month and day names (0 and 7 are both
 * Sunday), or an @-name. `@reboot` is refused: start-up is an event
 * trigger, not a schedule.
 *
 * Returns: (transfer full) (nullable): the schedule, or %NULL with @error set
 */
KariCron *
kari_cron_parse (const char  *text,
                 GError     **error)
{
  g_autoptr(KariCron) self = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *stripped = NULL;
  guint64 bits[5];
  guint n = 0;

  g_return_val_if_fail (text != NULL, NULL);

  stripped = g_strstrip (g_strdup (text));
  if (stripped[0] == '@')
    {
      for (gsize i = 0; i < G_N_ELEMENTS (nicknames); i++)
        if (g_ascii_strcasecmp (stripped, nicknames[i].name) == 0)
          return kari_cron_parse (nicknames[i].expansion, error);
      if (g_ascii_strcasecmp (stripped, "@reboot") == 0)
        g_set_error_literal (error, KARI_CRON_ERROR, KARI_CRON_ERROR_INVALID,
                             _("@reboot is not a schedule: use a start-up event trigger"));
      else
        g_set_error (error, KARI_CRON_ERROR, KARI_CRON_ERROR_INVALID,
                     _("unknown schedule “%s” (known: @yearly, @annually, @monthly, "
                     "@weekly, @daily, @midnight, @hourly)"), stripped);
      return NULL;
    }

  parts = g_strsplit_set (stripped, " \t", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (n == 5)
        {
          n++;
          break;
        }
      if (!parse_field (&fields[n], parts[i], &bits[n], error))
        return NULL;
      n++;
    }
  if (n != 5)
    {
      g_set_error (error, KARI_CRON_ERROR, KARI_CRON_ERROR_INVALID,
                   _("“%s” must have five fields: minute hour day-of-month month day-of-week"),
                   stripped);
      return NULL;
    }

  self = g_new0 (KariCron, 1);
  self->minutes = bits[0];
  self->hours = (guint32) bits[1];
  self->mdays = (guint32) bits[2];
  self->months = (guint32) bits[3];
  self->wdays = (guint32) ((bits[4] | (bits[4] >> 7)) & 0x7f);

  /* Vixie cron decides by the first character of the field. */
  for (guint i = 0, f = 0; parts[i] != NULL && f < 5; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (f == 2)
        self->mday_star = parts[i][0] == '*';
      else if (f == 4)
        self->wday_star = parts[i][0] == '*';
      f++;
    }

  return g_steal_pointer (&self);
}

/**
 * kari_cron_free:
 * @self: (nullable): a schedule
 *
 * Frees @self.
 */
void
kari_cron_free (KariCron *self)
{
  g_free (self);
}

static gboolean
day_matches (KariCron  *self,
             GDateTime *time)
{
  gboolean mday = (self->mdays >> g_date_time_get_day_of_month (time)) & 1;
  gboolean wday = (self->wdays >> (g_date_time_get_day_of_week (time) % 7)) & 1;

  if (self->mday_star || self->wday_star)
    return mday && wday;
  return mday || wday;
}

/**
 * kari_cron_matches:
 * @self: a schedule
 * @time: a time, in the time zone the schedule is meant for
 *
 * Returns: %TRUE if the schedule fires in the minute of @time
 */
gboolean
kari_cron_matches (KariCron  *self,
                   GDateTime *time)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (time != NULL, FALSE);

  return ((self->minutes >> g_date_time_get_minute (time)) & 1)
      && ((self->hours >> g_date_time_get_hour (time)) & 1)
      && ((self->months >> g_date_time_get_month (time)) & 1)
      && day_matches (self, time);
}

/**
 * kari_cron_next:
 * @self: a schedule
 * @after: a time
 *
 * Finds the first minute strictly after @after at which the schedule
 * fires, in the time zone of @after.
 *
 * Returns: (transfer full) (nullable): that time, or %NULL if it never
 *   fires (such as `0 0 30 2 *`)
 */
GDateTime *
kari_cron_next (KariCron  *self,
                GDateTime *after)
{
  g_autoptr(GDateTime) t = NULL;
  int last_year;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (after != NULL, NULL);

  {
    /* Start at the next whole minute. */
    g_autoptr(GDateTime) trunc = g_date_time_add_seconds (after, -g_date_time_get_seconds (after));
    t = g_date_time_add_minutes (trunc, 1);
  }
  /* Every valid day-of-month occurs within 8 years (29 February across
   * a skipped leap year), so a schedule that has not fired by then never will. */
  last_year = g_date_time_get_year (t) + 9;

  while (t != NULL && g_date_time_get_year (t) <= last_year)
    {
      GDateTime *next;

      if (!((self->months >> g_date_time_get_month (t)) & 1))
        {
          int y = g_date_time_get_year (t), m = g_date_time_get_month (t);
          g_autoptr(GDateTime) first = g_date_time_new (g_date_time_get_timezone (t), y, m, 1, 0, 0, 0);

          next = g_date_time_add_months (first, 1);
        }
      else if (!day_matches (self, t))
        {
          g_autoptr(GDateTime) midnight =
            g_date_time_new (g_date_time_get_timezone (t), g_date_time_get_year (t),
                             g_date_time_get_month (t), g_date_time_get_day_of_month (t), 0, 0, 0);

          next = g_date_time_add_days (midnight, 1);
        }
      else if (!((self->hours >> g_date_time_get_hour (t)) & 1))
        next = g_date_time_add_minutes (t, 60 - g_date_time_get_minute (t));
      else if (!((self->minutes >> g_date_time_get_minute (t)) & 1))
        next = g_date_time_add_minutes (t, 1);
      else
        return g_steal_pointer (&t);

      g_date_time_unref (t);
      t = next;
    }
  return NULL;
}
