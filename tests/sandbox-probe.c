/* sandbox-probe.c — a hostile extension: tries what a sandbox must refuse
 * and prints one `probe: RESULT` line per attempt (RESULT is OK or the
 * errno name).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kari-probe-syscalls.h"

extern char **environ;

static void
report (const char *name,
        long        r)
{
  printf ("%s: %s\n", name, r < 0 ? strerrorname_np (errno) : "OK");
}

static void
probe_connect (const char *port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (atoi (port)) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  report ("connect", fd < 0 ? fd : connect (fd, (struct sockaddr *) &addr, sizeof addr));
}

static void
probe_write (const char *path)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd >= 0 && write (fd, "written", 7) != 7)
    fd = -1;
  printf ("write %s: %s\n", path, fd < 0 ? strerrorname_np (errno) : "OK");
}

int
main (int    argc,
      char **argv)
{
  const char *what = argc > 1 ? argv[1] : "";

  if (strcmp (what, "syscalls") == 0)
    kari_probe_syscalls (report);
  else if (strcmp (what, "env") == 0)
    for (char **e = environ; *e != NULL; e++)
      printf ("env: %s\n", *e);
  else if (strcmp (what, "argv") == 0)
    for (int i = 0; i < argc; i++)
      printf ("argv: %s\n", argv[i]);
  else if (strcmp (what, "read") == 0 && argc > 2)
    for (int i = 2; i < argc; i++)
      {
        int fd = open (argv[i], O_RDONLY | O_CLOEXEC);
        printf ("read %s: %s\n", argv[i], fd < 0 ? strerrorname_np (errno) : "OK");
      }
  else if (strcmp (what, "write") == 0 && argc > 2)
    for (int i = 2; i < argc; i++)
      probe_write (argv[i]);
  else if (strcmp (what, "connect") == 0 && argc > 2)
    probe_connect (argv[2]);
  else if (strcmp (what, "hold") == 0)
    {
      printf ("hold: ready\n");
      fflush (stdout);
      for (;;)
        pause ();
    }
  else
    {
      fprintf (stderr, "usage: sandbox-probe syscalls|env|argv|read FILE…|write FILE…|connect PORT|hold\n");
      return 2;
    }
  return 0;
}
