/* test-cron.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari.h"

static GDateTime *
utc (int year, int month, int day, int hour, int minute)
{
  return g_date_time_new_utc (year, month, day, hour, minute, 0);
}

typedef struct
{
  const char *text;
  const char *message;   /* NULL: valid */
} ParseCase;

static const ParseCase parse_cases[] = {
  { "* * * * *" },
  { "0 9 * * *" },
  { "*/15 0-23/2 1,15 jan-jun mon-fri" },
  { "5/20 * * * *" },
  { "0 0 * * 7" },
  { "0 0 * * SUN" },
  { "  0   9 * *   1  " },
  { "@yearly" }, { "@annually" }, { "@monthly" }, { "@weekly" }, { "@daily" }, { "@midnight" }, { "@hourly" },
  { "@DAILY" },
  { "@reboot", "@reboot is not a schedule: use a start-up event trigger" },
  { "@often", "unknown schedule “@often” (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)" },
  { "", "“” must have five fields: minute hour day-of-month month day-of-week" },
  { "* * * *", "“* * * *” must have five fields: minute hour day-of-month month day-of-week" },
  { "* * * * * *", "“* * * * * *” must have five fields: minute hour day-of-month month day-of-week" },
  { "60 * * * *", "minute: “60” is not a value from 0 to 59" },
  { "* 24 * * *", "hour: “24” is not a value from 0 to 23" },
  { "* * 0 * *", "day of month: “0” is not a value from 1 to 31" },
  { "* * * 13 *", "month: “13” is not a value from 1 to 12 or a month name (jan…dec)" },
  { "* * * * 8", "day of week: “8” is not a value from 0 to 7 or a day name (sun…sat)" },
  { "* * * * funday", "day of week: “funday” is not a value from 0 to 7 or a day name (sun…sat)" },
  { "5-1 * * * *", "minute: range “5-1” runs backwards" },
  { "*/0 * * * *", "minute: step “0” must be a number from 1 to 59" },
  { "*/x * * * *", "minute: step “x” must be a number from 1 to 59" },
  { "1,,2 * * * *", "minute: “1,,2” has an empty list item" },
  { "-1 * * * *", "minute: “” is not a value from 0 to 59" },
  { "+1 * * * *", "minute: “+1” is not a value from 0 to 59" },
};

static void
test_parse (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KariCron) cron = kari_cron_parse (parse_cases[i].text, &error);

      if (parse_cases[i].message == NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (cron);
        }
      else
        {
          g_assert_null (cron);
          g_assert_error (error, KARI_CRON_ERROR, KARI_CRON_ERROR_INVALID);
          g_assert_cmpstr (error->message, ==, parse_cases[i].message);
        }
    }
}

typedef struct
{
  const char *text;
  int         after[5];   /* y m d h min, UTC */
  int         next[5];    /* all 0: never */
} NextCase;

static const NextCase next_cases[] = {
  { "0 9 * * *",          { 2024, 3, 10, 8, 59 },  { 2024, 3, 10, 9, 0 } },
  { "0 9 * * *",          { 2024, 3, 10, 9, 0 },   { 2024, 3, 11, 9, 0 } },     /* strictly after */
  { "*/15 * * * *",       { 2024, 3, 10, 8, 46 },  { 2024, 3, 10, 9, 0 } },
  { "5/20 * * * *",       { 2024, 3, 10, 8, 26 },  { 2024, 3, 10, 8, 45 } },
  { "@hourly",            { 2024, 12, 31, 23, 30 }, { 2025, 1, 1, 0, 0 } },
  { "@yearly",            { 2024, 6, 1, 0, 0 },    { 2025, 1, 1, 0, 0 } },
  { "@monthly",           { 2024, 1, 31, 12, 0 },  { 2024, 2, 1, 0, 0 } },
  { "@weekly",            { 2024, 3, 13, 12, 0 },  { 2024, 3, 17, 0, 0 } },     /* 17 March 2024 is a Sunday */
  { "0 0 * * 7",          { 2024, 3, 13, 12, 0 },  { 2024, 3, 17, 0, 0 } },     /* 7 is Sunday too */
  { "30 2 * * mon-fri",   { 2024, 3, 15, 3, 0 },   { 2024, 3, 18, 2, 30 } },    /* Friday after → Monday */
  { "0 0 29 2 *",         { 2024, 3, 1, 0, 0 },    { 2028, 2, 29, 0, 0 } },
  { "0 0 31 * *",         { 2024, 4, 1, 0, 0 },    { 2024, 5, 31, 0, 0 } },
  { "0 12 * jun *",       { 2024, 7, 1, 0, 0 },    { 2025, 6, 1, 12, 0 } },
  /* Vixie: both days restricted → either matches. 1 March 2024 is a Friday. */
  { "0 0 13 * fri",       { 2024, 3, 1, 0, 0 },    { 2024, 3, 8, 0, 0 } },
  { "0 0 13 * fri",       { 2024, 3, 8, 0, 0 },    { 2024, 3, 13, 0, 0 } },
  /* One of them `*` (even with a step) → both must match. */
  { "0 0 13 * *",         { 2024, 3, 1, 0, 0 },    { 2024, 3, 13, 0, 0 } },
  { "0 0 */1 * fri",      { 2024, 3, 1, 0, 0 },    { 2024, 3, 8, 0, 0 } },
  { "0 0 30 2 *",         { 2024, 1, 1, 0, 0 },    { 0 } },
};

static void
test_next (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (next_cases); i++)
    {
      const NextCase *c = &next_cases[i];
      g_autoptr(KariCron) cron = kari_cron_parse (c->text, NULL);
      g_autoptr(GDateTime) after = utc (c->after[0], c->after[1], c->after[2], c->after[3], c->after[4]);
      g_autoptr(GDateTime) next = NULL;

      g_assert_nonnull (cron);
      next = kari_cron_next (cron, after);
      if (c->next[0] == 0)
        {
          g_assert_null (next);
          continue;
        }
      g_assert_nonnull (next);
      {
        g_autofree char *got = g_date_time_format (next, "%F %R");
        g_autofree char *want = g_strdup_printf ("%04d-%02d-%02d %02d:%02d", c->next[0], c->next[1],
                                                 c->next[2], c->next[3], c->next[4]);
        g_assert_cmpstr (got, ==, want);
      }
      g_assert_true (kari_cron_matches (cron, next));
    }
}

static void
test_next_skips_seconds (void)
{
  g_autoptr(KariCron) cron = kari_cron_parse ("* * * * *", NULL);
  g_autoptr(GDateTime) after = g_date_time_new_utc (2024, 3, 10, 8, 0, 42.5);
  g_autoptr(GDateTime) next = kari_cron_next (cron, after);
  g_autofree char *s = g_date_time_format (next, "%T");

  g_assert_cmpstr (s, ==, "08:01:00");
}

static void
test_matches (void)
{
  g_autoptr(KariCron) cron = kari_cron_parse ("0 9 13 * fri", NULL);
  g_autoptr(KariCron) weekdays = kari_cron_parse ("* * * * 1-5", NULL);
  g_autoptr(GDateTime) friday = utc (2024, 3, 8, 9, 0);
  g_autoptr(GDateTime) the_13th = utc (2024, 3, 13, 9, 0);
  g_autoptr(GDateTime) neither = utc (2024, 3, 12, 9, 0);
  g_autoptr(GDateTime) wrong_minute = utc (2024, 3, 8, 9, 1);
  g_autoptr(GDateTime) saturday = utc (2024, 3, 9, 9, 0);

  g_assert_true (kari_cron_matches (cron, friday));
  g_assert_true (kari_cron_matches (cron, the_13th));
  g_assert_false (kari_cron_matches (cron, neither));
  g_assert_false (kari_cron_matches (cron, wrong_minute));
  g_assert_true (kari_cron_matches (weekdays, friday));
  g_assert_false (kari_cron_matches (weekdays, saturday));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cron/parse/table", test_parse);
  g_test_add_func ("/cron/next/table", test_next);
  g_test_add_func ("/cron/next/skips-seconds", test_next_skips_seconds);
  g_test_add_func ("/cron/matches/vixie-or", test_matches);

  return g_test_run ();
}
