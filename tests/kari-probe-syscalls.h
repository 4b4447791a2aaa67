/* kari-probe-syscalls.h — the calls a sandbox must refuse, tried one by
 * one; shared by sandbox-probe and hostile-ext, which both run under the
 * seccomp filter without GLib's help. Each attempt is handed to @report
 * with its result (negative with errno set when refused).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

static long
raw (long nr, long a, long b, long c, long d, long e)
{
  return syscall (nr, a, b, c, d, e);
}

/* Syscalls whose arguments do not matter: the filter answers first. */
static const struct { const char *name; long nr; long a0; } plain[] = {
  { "process_vm_readv",  SYS_process_vm_readv,  1 },
  { "process_vm_writev", SYS_process_vm_writev, 1 },
  { "perf_event_open",   SYS_perf_event_open,   0 },
  { "keyctl",            SYS_keyctl,            0 },
  { "add_key",           SYS_add_key,           0 },
  { "request_key",       SYS_request_key,       0 },
  { "syslog",            SYS_syslog,            10 },
  { "uselib",            SYS_uselib,            0 },
  { "acct",              SYS_acct,              0 },
  { "quotactl",          SYS_quotactl,          0 },
  { "setns",             SYS_setns,             0 },
  { "mount",             SYS_mount,             0 },
  { "umount2",           SYS_umount2,           0 },
  { "pivot_root",        SYS_pivot_root,        0 },
  { "chroot",            SYS_chroot,            0 },
  { "bpf",               SYS_bpf,               0 },
  { "userfaultfd",       SYS_userfaultfd,       0 },
  { "kexec_load",        SYS_kexec_load,        0 },
  { "kexec_file_load",   SYS_kexec_file_load,   0 },
  { "init_module",       SYS_init_module,       0 },
  { "finit_module",      SYS_finit_module,      -1 },
  { "delete_module",     SYS_delete_module,     0 },
  { "clone3",            SYS_clone3,            0 },
  { "open_tree",         SYS_open_tree,         -1 },
  { "move_mount",        SYS_move_mount,        -1 },
  { "fsopen",            SYS_fsopen,            0 },
  { "fsconfig",          SYS_fsconfig,          -1 },
  { "fsmount",           SYS_fsmount,           -1 },
  { "fspick",            SYS_fspick,            -1 },
  { "mount_setattr",     SYS_mount_setattr,     -1 },
  { "io_uring_setup",    SYS_io_uring_setup,    0 },
  { "io_uring_enter",    SYS_io_uring_enter,    -1 },
  { "io_uring_register", SYS_io_uring_register, -1 },
};

static const struct { const char *name; long family; } families[] = {
  { "socket-unix",      AF_UNIX },
  { "socket-inet",      AF_INET },
  { "socket-inet6",     AF_INET6 },
  { "socket-netlink",   AF_NETLINK },
  { "socket-packet",    AF_PACKET },
  { "socket-vsock",     AF_VSOCK },
  { "socket-alg",       AF_ALG },
  { "socket-key",       AF_KEY },
  { "socket-bluetooth", AF_BLUETOOTH },
  { "socket-past-max",  AF_MAX + 3 },
  { "socket-negative",  -1 },
  /* The kernel reads an int: the upper half must not hide the family. */
  { "socket-vsock-high", (long) (0x100000000UL | AF_VSOCK) },
};

static void
kari_probe_syscalls (void (*report) (const char *name,
                                     long        r))
{
  char c = 'x';
  pid_t pid;

  for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
    report (plain[i].name, raw (plain[i].nr, plain[i].a0, 0, 0, 0, 0));

  report ("ptrace", ptrace (PTRACE_TRACEME, 0, NULL, NULL));
  report ("unshare-user", unshare (CLONE_NEWUSER));
  report ("unshare-mount", unshare (CLONE_NEWNS));
  pid = raw (SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0)
    _exit (0);
  report ("clone-newuser", pid);
  report ("personality-bsd", personality (PER_BSD));
  report ("personality-linux32", personality (PER_LINUX32));
  report ("personality-query", personality (0xffffffff));
  report ("personality-linux", personality (PER_LINUX));
  report ("ioctl-tiocsti", raw (SYS_ioctl, 0, TIOCSTI, (long) &c, 0, 0));
  report ("ioctl-tiocsti-high", raw (SYS_ioctl, 0, (long) (0x100000000UL | TIOCSTI), (long) &c, 0, 0));
  report ("ioctl-tioclinux", raw (SYS_ioctl, 0, TIOCLINUX, (long) &c, 0, 0));

  for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
    {
      long fd = raw (SYS_socket, families[i].family, SOCK_STREAM, 0, 0, 0);
      if (fd < 0 && errno != EAFNOSUPPORT)
        fd = 0;   /* the family exists but not as a stream: the filter let it through */
      report (families[i].name, fd);
    }
}
