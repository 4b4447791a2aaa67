/* kari-seccomp.c — the system call filter every sandbox runs under
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#include "kari-sandbox.h"
#include "kari-seccomp.h"

/* How a rule looks at the call's arguments. */
typedef enum
{
  ARG_NONE,        /* every call */
  ARG_MASKED_EQ,   /* (arg & mask) == value */
} ArgTest;

typedef struct
{
  const char *name;
  int         errnum;
  ArgTest     test;
  guint       arg;
  guint64     mask;
  guint64     value;
} Rule;

/* ioctl's request and socket's family are ints: the kernel ignores the
 * upper half of the register, so the filter must too. */
#define LOW32 G_GUINT64_CONSTANT (0xffffffff)

/* clone's flags are the first argument except on s390, where the stack
 * comes first. */
#if defined(__s390__) || defined(__s390x__)
#define CLONE_FLAGS_ARG 1
#else
#define CLONE_FLAGS_ARG 0
#endif

static const Rule rules[] = {
  /* Reading or steering other processes and the kernel. */
  { "ptrace",            EPERM },
  { "process_vm_readv",  EPERM },
  { "process_vm_writev", EPERM },
  { "perf_event_open",   EPERM },
  { "keyctl",            EPERM },
  { "add_key",           EPERM },
  { "request_key",       EPERM },
  { "syslog",            EPERM },
  { "uselib",            EPERM },
  { "acct",              EPERM },
  { "quotactl",          EPERM },
  { "bpf",               EPERM },
  { "userfaultfd",       EPERM },
  { "kexec_load",        EPERM },
  { "kexec_file_load",   EPERM },
  { "init_module",       EPERM },
  { "finit_module",      EPERM },
  { "delete_module",     EPERM },
  /* New namespaces and mounts: the sandbox is final. */
  { "unshare",           EPERM },
  { "setns",             EPERM },
  { "mount",             EPERM },
  { "umount2",           EPERM },
  { "pivot_root",        EPERM },
  { "chroot",            EPERM },
  { "clone",             EPERM, ARG_MASKED_EQ, CLONE_FLAGS_ARG, CLONE_NEWUSER, CLONE_NEWUSER },
  /* Faking terminal input for the host's shell. */
  { "ioctl",             EPERM, ARG_MASKED_EQ, 1, LOW32, TIOCSTI },
  { "ioctl",             EPERM, ARG_MASKED_EQ, 1, LOW32, TIOCLINUX },
  /* ENOSYS makes callers fall back to the older calls the filter can
   * inspect (clone3's flags live in memory a filter cannot read). */
  { "clone3",            ENOSYS },
  { "open_tree",         ENOSYS },
  { "move_mount",        ENOSYS },
  { "fsopen",            ENOSYS },
  { "fsconfig",          ENOSYS },
  { "fsmount",           ENOSYS },
  { "fspick",            ENOSYS },
  { "mount_setattr",     ENOSYS },
  { "io_uring_setup",    ENOSYS },
  { "io_uring_enter",    ENOSYS },
  { "io_uring_register", ENOSYS },
};

/* The socket families an extension may use; every other one gets
 * EAFNOSUPPORT. */
static const int allowed_families[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };

static gboolean
add_rule (scmp_filter_ctx   ctx,
          const char       *name,
          int               errnum,
          guint             n_cmps,
          struct scmp_arg_cmp *cmp,
          GError          **error)
{
  int nr = seccomp_syscall_resolve_name (name);
  int r;

  /* A call this architecture does not have cannot be made. */
  if (nr == __NR_SCMP_ERROR)
    return TRUE;

  r = seccomp_rule_add_array (ctx, SCMP_ACT_ERRNO (errnum), nr, n_cmps, cmp);
  if (r < 0)
    {
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_SECCOMP,
                   "Could not add the seccomp rule for %s: %s", name, g_strerror (-r));
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_personality_rules (scmp_filter_ctx   ctx,
                       GError          **error)
{
  /* Only PER_LINUX (0) and the query 0xffffffff are allowed, and the
   * kernel reads the low 32 bits only.  libseccomp allows one comparison
   * per argument in a rule, so "neither all zeros nor all ones" is said
   * as: some bit i is set while bit i+1 (cyclically) is clear. */
  G_STATIC_ASSERT (PER_LINUX == 0);
  for (guint i = 0; i < 32; i++)
    {
      guint64 bit = G_GUINT64_CONSTANT (1) << i;
      guint64 next = G_GUINT64_CONSTANT (1) << ((i + 1) % 32);
      struct scmp_arg_cmp cmp = SCMP_A0 (SCMP_CMP_MASKED_EQ, bit | next, bit);

      if (!add_rule (ctx, "personality", EPERM, 1, &cmp, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
add_socket_rules (scmp_filter_ctx   ctx,
                  GError          **error)
{
  struct scmp_arg_cmp cmp;

  for (int family = 0; family < AF_MAX; family++)
    {
      gboolean allowed = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (allowed_families); i++)
        allowed |= allowed_families[i] == family;
      if (allowed)
        continue;
      cmp = SCMP_A0 (SCMP_CMP_MASKED_EQ, LOW32, (guint64) family);
      if (!add_rule (ctx, "socket", EAFNOSUPPORT, 1, &cmp, error))
        return FALSE;
    }

  /* Families this kernel's headers do not know yet, and negative ones:
   * any register value past AF_MAX is refused, upper half or not. */
  cmp = SCMP_A0 (SCMP_CMP_GE, AF_MAX);
  return add_rule (ctx, "socket", EAFNOSUPPORT, 1, &cmp, error);
}

/* Builds the filter for the native architecture only (calls made
 * through another ABI kill the process) and writes its BPF program into
 * a memory file; returns the file, at 0, or -1 with @error set. */
static int
compile_fd (GError **error)
{
  scmp_filter_ctx ctx;
  int fd = -1;
  int r;

  ctx = seccomp_init (SCMP_ACT_ALLOW);
  if (ctx == NULL)
    {
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_SECCOMP,
                   "Could not start a seccomp filter");
      return -1;
    }

  r = seccomp_attr_set (ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
  if (r < 0)
    {
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_SECCOMP,
                   "Could not refuse foreign architectures: %s", g_strerror (-r));
      goto out;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      const Rule *rule = &rules[i];
      struct scmp_arg_cmp cmp = {
        .arg = rule->arg, .op = SCMP_CMP_MASKED_EQ,
        .datum_a = rule->mask, .datum_b = rule->value,
      };

      if (!add_rule (ctx, rule->name, rule->errnum,
                     rule->test == ARG_NONE ? 0 : 1, &cmp, error))
        goto out;
    }
  if (!add_personality_rules (ctx, error) || !add_socket_rules (ctx, error))
    goto out;

  fd = memfd_create ("kari-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_SECCOMP,
                   "Could not make a memory file for the seccomp filter: %s",
                   g_strerror (saved));
      goto out;
    }
  r = seccomp_export_bpf (ctx, fd);
  if (r < 0 || lseek (fd, 0, SEEK_SET) != 0)
    {
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_SECCOMP,
                   "Could not write the seccomp filter: %s",
                   g_strerror (r < 0 ? -r : errno));
      close (fd);
      fd = -1;
      goto out;
    }

out:
  seccomp_release (ctx);
  return fd;
}

/* The compiled program: the same for every sandbox, so built once. */
static GBytes *program;
G_LOCK_DEFINE_STATIC (program);

/* Reads the whole of @fd, a memory file at 0, into bytes. */
static GBytes *
read_program (int      fd,
              GError **error)
{
  GByteArray *bytes = g_byte_array_new ();
  guint8 buffer[4096];
  gssize n;

  while ((n = read (fd, buffer, sizeof buffer)) > 0)
    g_byte_array_append (bytes, buffer, n);
  if (n < 0 || bytes->len == 0 || lseek (fd, 0, SEEK_SET) != 0)
    {
      int saved = errno;
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_SECCOMP,
                   "Could not read the seccomp filter back: %s", g_strerror (saved));
      g_byte_array_unref (bytes);
      return NULL;
    }
  return g_byte_array_free_to_bytes (bytes);
}

/**
 * kari_seccomp_create_fd:
 * @error: return location for a #GError
 *
 * Writes the sandbox's seccomp filter, for the native architecture only
 * (calls made through another ABI kill the process), as a BPF program
 * into a new memory file, ready for `bwrap --seccomp FD`. The program is
 * compiled once per process and copied for each sandbox.
 *
 * Returns: a file descriptor positioned at 0 that the caller owns,
 *   or -1 with @error set
 */
int
kari_seccomp_create_fd (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize size, done = 0;
  int fd;

  G_LOCK (program);
  if (program == NULL)
    {
      fd = compile_fd (error);
      if (fd >= 0 && (program = read_program (fd, error)) == NULL)
        {
          close (fd);
          fd = -1;
        }
      G_UNLOCK (program);
      return fd;
    }
  bytes = g_bytes_ref (program);
  G_UNLOCK (program);

  fd = memfd_create ("kari-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_SECCOMP,
                   "Could not make a memory file for the seccomp filter: %s", g_strerror (saved));
      return -1;
    }
  data = g_bytes_get_data (bytes, &size);
  while (done < size)
    {
      gssize n = write (fd, data + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_SECCOMP,
                       "Could not write the seccomp filter: %s", g_strerror (saved));
          close (fd);
          return -1;
        }
      done += n;
    }
  if (lseek (fd, 0, SEEK_SET) != 0)
    {
      int saved = errno;
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_SECCOMP,
                   "Could not rewind the seccomp filter: %s", g_strerror (saved));
      close (fd);
      return -1;
    }
  return fd;
}
