/* kari-bwrap.c — the bwrap command line as data, then one spawn
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sys/resource.h>

#include <errno.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kari-bwrap.h"

/**
 * KariBwrap:
 *
 * Collects the arguments, file descriptors and environment of one bwrap
 * run.  Options, `--setenv` pairs and the command are kept apart so the
 * command always comes last, after `--`, whatever order the caller used:
 * nothing from a manifest can be read as a bwrap option.
 */
struct _KariBwrap
{
  GObject    parent_instance;
  char      *bwrap_path;
  GPtrArray *options;   /* char *, bwrap options in order */
  GPtrArray *env;       /* char *, name and value pairs */
  GPtrArray *command;   /* char *, the payload's argv */
  GArray    *fds;       /* int, owned until the spawn */
  GPtrArray *argv;      /* char *, built by kari_bwrap_get_argv() */
  guint64    max_file_size; /* RLIMIT_FSIZE of the sandbox, 0 for none */
};

G_DEFINE_FINAL_TYPE (KariBwrap, kari_bwrap, G_TYPE_OBJECT)

static void
close_fds (GArray *fds)
{
  for (guint i = 0; i < fds->len; i++)
    g_close (g_array_index (fds, int, i), NULL);
  g_array_set_size (fds, 0);
}

static void
kari_bwrap_finalize (GObject *object)
{
  KariBwrap *self = KARI_BWRAP (object);

  close_fds (self->fds);
  g_clear_pointer (&self->fds, g_array_unref);
  g_clear_pointer (&self->bwrap_path, g_free);
  g_clear_pointer (&self->options, g_ptr_array_unref);
  g_clear_pointer (&self->env, g_ptr_array_unref);
  g_clear_pointer (&self->command, g_ptr_array_unref);
  g_clear_pointer (&self->argv, g_ptr_array_unref);

  G_OBJECT_CLASS (kari_bwrap_parent_class)->finalize (object);
}

static void
kari_bwrap_class_init (KariBwrapClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_bwrap_finalize;
}

static void
kari_bwrap_init (KariBwrap *self)
{
  self->options = g_ptr_array_new_with_free_func (g_free);
  self->env = g_ptr_array_new_with_free_func (g_free);
  self->command = g_ptr_array_new_with_free_func (g_free);
  self->fds = g_array_new (FALSE, FALSE, sizeof (int));
}

/**
 * kari_bwrap_new:
 * @bwrap_path: the bwrap executable to run
 *
 * Returns: (transfer full): an empty argument builder
 */
KariBwrap *
kari_bwrap_new (const char *bwrap_path)
{
  KariBwrap *self;

  g_return_val_if_fail (bwrap_path != NULL, NULL);

  self = g_object_new (KARI_TYPE_BWRAP, NULL);
  self->bwrap_path = g_strdup (bwrap_path);
  return self;
}

static void
invalidate_argv (KariBwrap *self)
{
  g_clear_pointer (&self->argv, g_ptr_array_unref);
}

/**
 * kari_bwrap_add_arg:
 * @self: a #KariBwrap
 * @arg: one bwrap option or option value
 *
 * Appends @arg to the bwrap options (before `--`).
 */
void
kari_bwrap_add_arg (KariBwrap  *self,
                    const char *arg)
{
  g_return_if_fail (KARI_IS_BWRAP (self));
  g_return_if_fail (arg != NULL);

  g_ptr_array_add (self->options, g_strdup (arg));
  invalidate_argv (self);
}

/**
 * kari_bwrap_add_args:
 * @self: a #KariBwrap
 * @arg: the first option
 * @...: more options, then %NULL
 *
 * Appends several bwrap options.
 */
void
kari_bwrap_add_args (KariBwrap  *self,
                     const char *arg,
                     ...)
{
  va_list ap;

  va_start (ap, arg);
  for (const char *a = arg; a != NULL; a = va_arg (ap, const char *))
    kari_bwrap_add_arg (self, a);
  va_end (ap);
}

/**
 * kari_bwrap_take_fd:
 * @self: a #KariBwrap
 * @fd: a file descriptor, owned by @self from now on
 *
 * Keeps @fd open for bwrap, under the same number, and closes it when
 * @self is finalized or after the spawn.
 *
 * Returns: @fd
 */
int
kari_bwrap_take_fd (KariBwrap *self,
                    int        fd)
{
  g_return_val_if_fail (KARI_IS_BWRAP (self), -1);
  g_return_val_if_fail (fd >= 0, -1);

  g_array_append_val (self->fds, fd);
  return fd;
}

/**
 * kari_bwrap_add_fd_arg:
 * @self: a #KariBwrap
 * @option: a bwrap option taking a descriptor, such as `--ro-bind-fd`
 * @fd: the descriptor, owned by @self from now on
 * @dest: (nullable): the option's second value, such as a path in the sandbox
 *
 * Appends `@option FD [@dest]` and takes @fd.
 */
void
kari_bwrap_add_fd_arg (KariBwrap  *self,
                       const char *option,
                       int         fd,
                       const char *dest)
{
  char number[16];

  g_return_if_fail (KARI_IS_BWRAP (self));
  g_return_if_fail (option != NULL);

  kari_bwrap_take_fd (self, fd);
  g_snprintf (number, sizeof number, "%d", fd);
  kari_bwrap_add_args (self, option, number, dest, NULL);
}

/**
 * kari_bwrap_setenv:
 * @self: a #KariBwrap
 * @name: a variable name
 * @value: its value
 *
 * Sets a variable in the sandbox with `--setenv`; a later call for the
 * same @name replaces the earlier value.
 */
void
kari_bwrap_setenv (KariBwrap  *self,
                   const char *name,
                   const char *value)
{
  g_return_if_fail (KARI_IS_BWRAP (self));
  g_return_if_fail (name != NULL && value != NULL);

  for (guint i = 0; i < self->env->len; i += 2)
    if (g_str_equal (g_ptr_array_index (self->env, i), name))
      {
        g_free (self->env->pdata[i + 1]);
        self->env->pdata[i + 1] = g_strdup (value);
        invalidate_argv (self);
        return;
      }
  g_ptr_array_add (self->env, g_strdup (name));
  g_ptr_array_add (self->env, g_strdup (value));
  invalidate_argv (self);
}

/**
 * kari_bwrap_set_command:
 * @self: a #KariBwrap
 * @argv: the payload's argument vector
 *
 * Sets the command run inside the sandbox.  It is placed after `--`, so
 * an item starting with `-` stays an argument of the payload.
 */
void
kari_bwrap_set_command (KariBwrap          *self,
                        const char * const *argv)
{
  g_return_if_fail (KARI_IS_BWRAP (self));
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  g_ptr_array_set_size (self->command, 0);
  for (gsize i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (self->command, g_strdup (argv[i]));
  invalidate_argv (self);
}

/**
 * kari_bwrap_get_argv:
 * @self: a #KariBwrap
 *
 * Returns: (transfer none): the full command line: bwrap, its options,
 *   the `--setenv` pairs, `--` and the command; valid until @self changes
 */
const char * const *
kari_bwrap_get_argv (KariBwrap *self)
{
  g_return_val_if_fail (KARI_IS_BWRAP (self), NULL);

  if (self->argv == NULL)
    {
      self->argv = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->argv, g_strdup (self->bwrap_path));
      for (guint i = 0; i < self->options->len; i++)
        g_ptr_array_add (self->argv, g_strdup (self->options->pdata[i]));
      for (guint i = 0; i < self->env->len; i += 2)
        {
          g_ptr_array_add (self->argv, g_strdup ("--setenv"));
          g_ptr_array_add (self->argv, g_strdup (self->env->pdata[i]));
          g_ptr_array_add (self->argv, g_strdup (self->env->pdata[i + 1]));
        }
      g_ptr_array_add (self->argv, g_strdup ("--"));
      for (guint i = 0; i < self->command->len; i++)
        g_ptr_array_add (self->argv, g_strdup (self->command->pdata[i]));
      g_ptr_array_add (self->argv, NULL);
    }
  return (const char * const *) self->argv->pdata;
}

/**
 * kari_bwrap_set_max_file_size:
 * @self: a #KariBwrap
 * @bytes: the largest file anything in the sandbox may write, 0 for no
 *   limit
 *
 * Sets RLIMIT_FSIZE on bwrap, which every process of the sandbox
 * inherits, with SIGXFSZ ignored: a write past @bytes fails with EFBIG
 * instead of killing the writer.
 */
void
kari_bwrap_set_max_file_size (KariBwrap *self,
                              guint64    bytes)
{
  g_return_if_fail (KARI_IS_BWRAP (self));
  self->max_file_size = bytes;
}

/* Between fork and exec: only async-signal-safe calls. An ignored signal
 * stays ignored across exec, so the payload gets EFBIG, not SIGXFSZ. */
static void
limit_file_size (gpointer data)
{
  const guint64 *bytes = data;
  struct rlimit limit = { (rlim_t) *bytes, (rlim_t) *bytes };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

/**
 * kari_bwrap_spawn:
 * @self: a #KariBwrap
 * @flags: flags for the subprocess (pipes for stdin, stdout, stderr)
 * @error: return location for a #GError
 *
 * Runs bwrap once.  The descriptors taken by @self pass to the child
 * under their own numbers and are closed in this process, whether the
 * spawn worked or not; @self cannot be spawned again.
 *
 * Returns: (transfer full): the bwrap process, or %NULL with @error set
 */
GSubprocess *
kari_bwrap_spawn (KariBwrap         *self,
                  GSubprocessFlags   flags,
                  GError           **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;

  g_return_val_if_fail (KARI_IS_BWRAP (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->command->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "No command to run in the sandbox");
      return NULL;
    }

  launcher = g_subprocess_launcher_new (flags);
  /* bwrap itself runs in an empty environment; --setenv gives the
   * payload its own. */
  g_subprocess_launcher_set_environ (launcher, (char *[]) { NULL });
  for (guint i = 0; i < self->fds->len; i++)
    {
      int fd = g_array_index (self->fds, int, i);
      g_subprocess_launcher_take_fd (launcher, fd, fd);
    }
  g_array_set_size (self->fds, 0);
  if (self->max_file_size > 0)
    g_subprocess_launcher_set_child_setup (launcher, limit_file_size,
                                           g_memdup2 (&self->max_file_size, sizeof self->max_file_size), g_free);

  process = g_subprocess_launcher_spawnv (launcher, kari_bwrap_get_argv (self), error);
  if (process == NULL)
    g_prefix_error (error, "Could not start %s: ", self->bwrap_path);
  return g_steal_pointer (&process);
}
