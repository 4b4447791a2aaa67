/* kari-test-probe.h — what each attempt of kari-probe-syscalls.h must
 * get inside a sandbox, for the tests that run it (test-sandbox directly,
 * test-hostile through the supervisor)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

static const struct { const char *probe; const char *result; } kari_probe_expected[] = {
  { "ptrace", "EPERM" }, { "process_vm_readv", "EPERM" }, { "process_vm_writev", "EPERM" },
  { "perf_event_open", "EPERM" }, { "keyctl", "EPERM" }, { "add_key", "EPERM" },
  { "request_key", "EPERM" }, { "syslog", "EPERM" }, { "uselib", "EPERM" }, { "acct", "EPERM" },
  { "quotactl", "EPERM" }, { "setns", "EPERM" }, { "mount", "EPERM" }, { "umount2", "EPERM" },
  { "pivot_root", "EPERM" }, { "chroot", "EPERM" }, { "bpf", "EPERM" }, { "userfaultfd", "EPERM" },
  { "kexec_load", "EPERM" }, { "kexec_file_load", "EPERM" }, { "init_module", "EPERM" },
  { "finit_module", "EPERM" }, { "delete_module", "EPERM" },
  { "unshare-user", "EPERM" }, { "unshare-mount", "EPERM" }, { "clone-newuser", "EPERM" },
  { "personality-bsd", "EPERM" }, { "personality-linux32", "EPERM" },
  { "personality-query", "OK" }, { "personality-linux", "OK" },
  { "ioctl-tiocsti", "EPERM" }, { "ioctl-tiocsti-high", "EPERM" }, { "ioctl-tioclinux", "EPERM" },
  { "clone3", "ENOSYS" }, { "open_tree", "ENOSYS" }, { "move_mount", "ENOSYS" },
  { "fsopen", "ENOSYS" }, { "fsconfig", "ENOSYS" }, { "fsmount", "ENOSYS" }, { "fspick", "ENOSYS" },
  { "mount_setattr", "ENOSYS" }, { "io_uring_setup", "ENOSYS" }, { "io_uring_enter", "ENOSYS" },
  { "io_uring_register", "ENOSYS" },
  { "socket-unix", "OK" }, { "socket-inet", "OK" }, { "socket-inet6", "OK" },
  { "socket-netlink", "OK" }, { "socket-packet", "EAFNOSUPPORT" },
  { "socket-vsock", "EAFNOSUPPORT" }, { "socket-alg", "EAFNOSUPPORT" },
  { "socket-key", "EAFNOSUPPORT" }, { "socket-bluetooth", "EAFNOSUPPORT" },
  { "socket-past-max", "EAFNOSUPPORT" }, { "socket-negative", "EAFNOSUPPORT" },
  { "socket-vsock-high", "EAFNOSUPPORT" },
};
