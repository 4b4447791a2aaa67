/* limits-probe.c — a child for test-limits and bench-limits
 *
 * Waits for one byte on stdin (so the parent can attach it to a group
 * first, as bwrap's --block-fd does), then:
 *   hog CAP      allocates and touches 1 MiB chunks up to CAP bytes,
 *                printing "allocated N" after each; on a failed
 *                allocation prints "failed N" and waits for stdin to close
 *   spin SECS    burns CPU for SECS seconds of wall time
 *   forkbomb N   forks up to N sleeping children, prints "forks K" (those
 *                that succeeded), waits for stdin to close, then reaps them
 *
 * Plain C with no GLib and no sanitizer, so that an address-space rlimit
 * measures the probe and nothing else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1024 * 1024)

static void
wait_for_eof (void)
{
  char c;

  while (read (0, &c, 1) > 0)
    ;
}

static int
hog (unsigned long long cap)
{
  unsigned long long total = 0;

  while (total < cap)
    {
      char *chunk = malloc (CHUNK);

      if (chunk == NULL)
        {
          printf ("failed %llu\n", total);
          fflush (stdout);
          wait_for_eof ();
          return 3;
        }
      /* Touch every page so the memory is really charged. */
      for (size_t i = 0; i < CHUNK; i += 4096)
        chunk[i] = 1;
      total += CHUNK;
      printf ("allocated %llu\n", total);
      fflush (stdout);
    }
  return 0;
}

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
spin (double seconds)
{
  volatile unsigned long n = 0;
  double end = now () + seconds;

  while (now () < end)
    for (int i = 0; i < 100000; i++)
      n++;
  printf ("spun\n");
  return 0;
}

static int
forkbomb (int n)
{
  pid_t *pids = calloc (n, sizeof *pids);
  int forks = 0;

  if (pids == NULL)
    return 2;
  for (int i = 0; i < n; i++)
    {
      pid_t pid = fork ();

      if (pid < 0)
        continue;
      if (pid == 0)
        {
          /* Die with the probe, however it ends. */
          prctl (PR_SET_PDEATHSIG, SIGKILL);
          if (getppid () == 1)
            _exit (0);
          pause ();
          _exit (0);
        }
      pids[forks++] = pid;
    }
  printf ("forks %d\n", forks);
  fflush (stdout);
  wait_for_eof ();
  for (int i = 0; i < forks; i++)
    {
      kill (pids[i], SIGKILL);
      waitpid (pids[i], NULL, 0);
    }
  free (pids);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  char c;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s hog CAP | spin SECS | forkbomb N\n", argv[0]);
      return 2;
    }
  if (read (0, &c, 1) != 1)
    return 2;
  if (strcmp (argv[1], "hog") == 0)
    return hog (strtoull (argv[2], NULL, 10));
  if (strcmp (argv[1], "spin") == 0)
    return spin (strtod (argv[2], NULL));
  if (strcmp (argv[1], "forkbomb") == 0)
    return forkbomb (atoi (argv[2]));
  fprintf (stderr, "unknown mode %s\n", argv[1]);
  return 2;
}
