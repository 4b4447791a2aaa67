/* kari-sandbox.c — one extension's bubblewrap sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <glib-unix.h>

#include "kari-bwrap.h"
#include "kari-sandbox.h"
#include "kari-seccomp.h"

/* bwrap 0.8 brought --disable-userns; --clearenv, --bind-fd and
 * --block-fd are older. */
#define BWRAP_MIN_MAJOR 0
#define BWRAP_MIN_MINOR 8

/* Each variable value is bounded so a manifest cannot make a command
 * line past ARG_MAX. */
#define ENV_VALUE_MAX 4096

/**
 * KariSandbox:
 *
 * The bwrap sandbox of one extension for one tenant: the extension's
 * folder read-only at /app, the tenant's data folder read-write at /data,
 * a private /tmp, read-only /usr, a seccomp filter, and nothing else of
 * the host unless a host socket is added.
 */
struct _KariSandbox
{
  GObject       parent_instance;
  KariManifest *manifest;
  char         *app_dir;
  char         *data_dir;
  char         *tenant;
  char         *host_socket;
  GSubprocess  *process;     /* while paused */
  int           release_fd;  /* write end of the --block-fd pipe, or -1 */
  gboolean      data_read_only;
  guint64       max_file_size;
};

G_DEFINE_FINAL_TYPE (KariSandbox, kari_sandbox, G_TYPE_OBJECT)

G_DEFINE_QUARK (kari-sandbox-error-quark, kari_sandbox_error)

/* The fixed options, in order (DESIGN.md, Sandbox). */
static const char * const fixed_options[] = {
  "--unshare-all",
  "--die-with-parent",
  "--new-session",
  "--cap-drop", "ALL",
  "--clearenv",
  "--ro-bind", "/usr", "/usr",
  "--proc", "/proc",
  "--dev", "/dev",
  "--tmpfs", "/tmp",
  "--dir", "/run/kari",
  /* The loader cache only makes start-up faster; it names no secrets. */
  "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
};

/* Files a program needs to resolve names, given only with network:full. */
static const char * const network_files[] = {
  "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/ssl", "/etc/ca-certificates",
};

/* Top-level links into /usr, reproduced as the host has them. */
static const char * const usr_links[] = { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };

/* The environment the extension gets; runtime.env may not replace it. */
static const struct { const char *name; const char *value; } base_env[] = {
  { "PATH",            "/usr/bin:/bin" },
  { "HOME",            "/data" },
  { "LANG",            "C.UTF-8" },
  { "XDG_RUNTIME_DIR", "/run/kari" },
};

/* runtime.env names refused: ours, and the loader's, which would let a
 * manifest change how every program in the sandbox is linked. */
static const char * const refused_env_prefixes[] = { "KARI_", "LD_" };

static void
kari_sandbox_dispose (GObject *object)
{
  KariSandbox *self = KARI_SANDBOX (object);

  /* Closing the pipe without a byte would let the payload start: a
   * sandbox dropped while paused is killed instead. */
  if (self->process != NULL && self->release_fd >= 0)
    g_subprocess_force_exit (self->process);
  if (self->release_fd >= 0)
    {
      close (self->release_fd);
      self->release_fd = -1;
    }
  g_clear_object (&self->process);
  g_clear_object (&self->manifest);

  G_OBJECT_CLASS (kari_sandbox_parent_class)->dispose (object);
}

static void
kari_sandbox_finalize (GObject *object)
{
  KariSandbox *self = KARI_SANDBOX (object);

  g_clear_pointer (&self->app_dir, g_free);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->tenant, g_free);
  g_clear_pointer (&self->host_socket, g_free);

  G_OBJECT_CLASS (kari_sandbox_parent_class)->finalize (object);
}

static void
kari_sandbox_class_init (KariSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kari_sandbox_dispose;
  object_class->finalize = kari_sandbox_finalize;
}

static void
kari_sandbox_init (KariSandbox *self)
{
  self->release_fd = -1;
}

/**
 * kari_sandbox_new:
 * @manifest: the extension's manifest, with a `runtime`
 * @app_dir: the extension's folder, bound read-only at /app
 * @data_dir: the tenant's data folder, bound read-write at /data
 * @tenant: the tenant the extension runs for
 *
 * Returns: (transfer full): a sandbox, not yet started
 */
KariSandbox *
kari_sandbox_new (KariManifest *manifest,
                  const char   *app_dir,
                  const char   *data_dir,
                  const char   *tenant)
{
  KariSandbox *self;

  g_return_val_if_fail (KARI_IS_MANIFEST (manifest), NULL);
  g_return_val_if_fail (app_dir != NULL && data_dir != NULL && tenant != NULL, NULL);

  self = g_object_new (KARI_TYPE_SANDBOX, NULL);
  self->manifest = g_object_ref (manifest);
  self->app_dir = g_strdup (app_dir);
  self->data_dir = g_strdup (data_dir);
  self->tenant = g_strdup (tenant);
  return self;
}

/**
 * kari_sandbox_set_host_socket:
 * @self: a #KariSandbox
 * @path: (nullable): the host's listening socket for this extension
 *
 * Binds @path at %KARI_SANDBOX_HOST_SOCKET and tells the extension with
 * `KARI_HOST_ADDRESS`.
 */
void
kari_sandbox_set_host_socket (KariSandbox *self,
                              const char  *path)
{
  g_return_if_fail (KARI_IS_SANDBOX (self));

  g_free (self->host_socket);
  self->host_socket = g_strdup (path);
}

typedef struct
{
  char   *path;
  gint64  mtime;
  gint64  ino;
  guint   major, minor;
  gboolean setuid;
} BwrapInfo;

G_LOCK_DEFINE_STATIC (bwrap_info);
static BwrapInfo bwrap_info;

/* Finds bwrap and checks its version once per binary: the benchmark's
 * budget has no room for a second bwrap run per start. */
static char *
find_bwrap (gboolean  *setuid,
            GError   **error)
{
  const char *env = g_getenv ("KARI_BWRAP");
  g_autofree char *path = env != NULL ? g_strdup (env) : g_find_program_in_path ("bwrap");
  g_autofree char *out = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *argv[] = { NULL, "--version", NULL };
  GStatBuf st;
  guint major = 0, minor = 0;
  int status = 0;

  if (path == NULL || g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_BWRAP,
                   "bwrap (bubblewrap) was not found%s%s; install bubblewrap %u.%u or later",
                   path ? " at " : " in PATH", path ? path : "", BWRAP_MIN_MAJOR, BWRAP_MIN_MINOR);
      return NULL;
    }

  G_LOCK (bwrap_info);
  if (g_strcmp0 (bwrap_info.path, path) == 0 && bwrap_info.mtime == (gint64) st.st_mtime
      && bwrap_info.ino == (gint64) st.st_ino)
    {
      *setuid = bwrap_info.setuid;
      G_UNLOCK (bwrap_info);
      return g_steal_pointer (&path);
    }
  G_UNLOCK (bwrap_info);

  argv[0] = path;
  if (!g_spawn_sync (NULL, (char **) argv, (char *[]) { NULL }, G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &local_error)
      || !g_spawn_check_wait_status (status, &local_error))
    {
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_BWRAP,
                   "Could not run %s --version: %s", path, local_error->message);
      return NULL;
    }
  if (sscanf (out, "bubblewrap %u.%u", &major, &minor) != 2
      || major * 1000 + minor < BWRAP_MIN_MAJOR * 1000 + BWRAP_MIN_MINOR)
    {
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_BWRAP,
                   "%s is “%s”; bubblewrap %u.%u or later is needed (for --disable-userns)",
                   path, g_strstrip (out), BWRAP_MIN_MAJOR, BWRAP_MIN_MINOR);
      return NULL;
    }

  G_LOCK (bwrap_info);
  g_free (bwrap_info.path);
  bwrap_info.path = g_strdup (path);
  bwrap_info.mtime = st.st_mtime;
  bwrap_info.ino = st.st_ino;
  bwrap_info.major = major;
  bwrap_info.minor = minor;
  bwrap_info.setuid = (st.st_mode & S_ISUID) != 0 && st.st_uid == 0;
  *setuid = bwrap_info.setuid;
  G_UNLOCK (bwrap_info);

  return g_steal_pointer (&path);
}

/* Opens a host folder the way it will be bound: a symbolic link in its
 * place is refused rather than followed. */
static int
open_folder (const char  *path,
             const char  *what,
             GError     **error)
{
  int fd = open (path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_FOLDER,
                   "The %s “%s” cannot be bound: %s", what, path,
                   saved == ELOOP || saved == ENOTDIR
                   ? "it is a symbolic link or not a folder" : g_strerror (saved));
    }
  return fd;
}

static gboolean
has_permission (KariManifest *manifest,
                const char   *permission)
{
  const char * const *permissions = kari_manifest_get_permissions (manifest);

  return permissions != NULL && g_strv_contains (permissions, permission);
}

/* Where the first item of runtime.command is found inside the sandbox. */
static char *
resolve_program (const char  *app_dir,
                 const char  *program,
                 GError     **error)
{
  g_autofree char *in_app = NULL;
  g_autofree char *in_usr = NULL;
  g_auto(GStrv) parts = g_strsplit (program, "/", -1);
  gboolean relative_ok = *program != '\0' && *program != '/' && *program != '-';

  for (char **p = parts; relative_ok && *p != NULL; p++)
    relative_ok = **p != '\0' && !g_str_equal (*p, "..") && !g_str_equal (*p, ".");
  if (!relative_ok)
    {
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_RUNTIME,
                   "runtime.command[0]: “%s” is not a file of the extension nor a program name",
                   program);
      return NULL;
    }

  in_app = g_build_filename (app_dir, program, NULL);
  if (g_file_test (in_app, G_FILE_TEST_IS_REGULAR))
    return g_build_filename ("/app", program, NULL);

  in_usr = g_build_filename ("/usr/bin", program, NULL);
  if (strchr (program, '/') == NULL && g_file_test (in_usr, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&in_usr);

  g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_RUNTIME,
               "runtime.command[0]: “%s” is neither a file of the extension nor a program in /usr/bin",
               program);
  return NULL;
}

static gboolean
env_name_allowed (const char  *name,
                  GError     **error)
{
  gboolean ok = *name != '\0' && !g_ascii_isdigit (*name);

  for (const char *c = name; ok && *c; c++)
    ok = g_ascii_isupper (*c) || g_ascii_isdigit (*c) || *c == '_';
  if (!ok)
    {
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_RUNTIME,
                   "runtime.env.%s: variable names are upper-case letters, digits and “_”", name);
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (refused_env_prefixes); i++)
    if (g_str_has_prefix (name, refused_env_prefixes[i]))
      {
        g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_RUNTIME,
                     "runtime.env.%s: variables starting with %s are reserved", name,
                     refused_env_prefixes[i]);
        return FALSE;
      }
  for (gsize i = 0; i < G_N_ELEMENTS (base_env); i++)
    if (g_str_equal (name, base_env[i].name))
      {
        g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_RUNTIME,
                     "runtime.env.%s: the sandbox sets this variable itself", name);
        return FALSE;
      }
  return TRUE;
}

static JsonObject *
runtime_object (KariManifest *manifest)
{
  JsonNode *root = kari_manifest_get_root (manifest);
  JsonNode *runtime;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  runtime = json_object_get_member (json_node_get_object (root), "runtime");
  return runtime != NULL && JSON_NODE_HOLDS_OBJECT (runtime) ? json_node_get_object (runtime) : NULL;
}

static gboolean
add_env (KariSandbox  *self,
         KariBwrap    *bwrap,
         JsonObject   *runtime,
         GError      **error)
{
  JsonNode *env = runtime != NULL ? json_object_get_member (runtime, "env") : NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  /* Two malloc arenas, not eight per CPU: each reserves 64 MiB of address
   * space and keeps its own free pages, so fewer hold resident memory
   * (what the memory limit counts) lower. First, so runtime.env may
   * change it. */
  kari_bwrap_setenv (bwrap, "MALLOC_ARENA_MAX", "2");
  if (env != NULL && JSON_NODE_HOLDS_OBJECT (env))
    {
      json_object_iter_init_ordered (&iter, json_node_get_object (env));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        {
          const char *s = JSON_NODE_HOLDS_VALUE (value)
                          && json_node_get_value_type (value) == G_TYPE_STRING
                          ? json_node_get_string (value) : NULL;

          if (!env_name_allowed (name, error))
            return FALSE;
          if (s == NULL || strlen (s) > ENV_VALUE_MAX)
            {
              g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_RUNTIME,
                           "runtime.env.%s: expected a string of at most %d bytes", name,
                           ENV_VALUE_MAX);
              return FALSE;
            }
          kari_bwrap_setenv (bwrap, name, s);
        }
    }

  /* Ours last, so they win even if a check above is ever loosened. */
  for (gsize i = 0; i < G_N_ELEMENTS (base_env); i++)
    kari_bwrap_setenv (bwrap, base_env[i].name, base_env[i].value);
  kari_bwrap_setenv (bwrap, "KARI_EXTENSION", kari_manifest_get_name (self->manifest));
  kari_bwrap_setenv (bwrap, "KARI_TENANT", self->tenant);
  if (self->host_socket != NULL)
    kari_bwrap_setenv (bwrap, "KARI_HOST_ADDRESS", "unix:path=" KARI_SANDBOX_HOST_SOCKET);
  return TRUE;
}

static void
add_usr_links (KariBwrap *bwrap)
{
  for (gsize i = 0; i < G_N_ELEMENTS (usr_links); i++)
    {
      const char *name = usr_links[i];
      GStatBuf st;

      if (g_lstat (name, &st) != 0)
        continue;
      if (S_ISLNK (st.st_mode))
        {
          g_autofree char *target = g_file_read_link (name, NULL);
          if (target != NULL)
            kari_bwrap_add_args (bwrap, "--symlink", target, name, NULL);
        }
      else if (S_ISDIR (st.st_mode))
        kari_bwrap_add_args (bwrap, "--ro-bind", name, name, NULL);
    }
}

static KariBwrap *
build (KariSandbox  *self,
       int          *block_fd_out,
       GError      **error)
{
  g_autoptr(KariBwrap) bwrap = NULL;
  g_autofree char *bwrap_path = NULL;
  g_autofree char *program = NULL;
  g_autoptr(GPtrArray) command = NULL;
  const char * const *argv = kari_manifest_get_runtime (self->manifest);
  JsonObject *runtime = runtime_object (self->manifest);
  const char *working_dir = runtime != NULL && json_object_has_member (runtime, "working_dir")
                            ? json_object_get_string_member (runtime, "working_dir") : NULL;
  gboolean setuid = FALSE;
  int fd;

  if (argv == NULL || argv[0] == NULL)
    {
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_RUNTIME,
                   "Extension %s has no runtime.command: it is declarative",
                   kari_manifest_get_name (self->manifest));
      return NULL;
    }
  program = resolve_program (self->app_dir, argv[0], error);
  if (program == NULL)
    return NULL;
  bwrap_path = find_bwrap (&setuid, error);
  if (bwrap_path == NULL)
    return NULL;

  bwrap = kari_bwrap_new (bwrap_path);
  for (gsize i = 0; i < G_N_ELEMENTS (fixed_options); i++)
    kari_bwrap_add_arg (bwrap, fixed_options[i]);
  if (!setuid)
    kari_bwrap_add_args (bwrap, "--unshare-user", "--disable-userns", NULL);
  if (has_permission (self->manifest, "network:full"))
    {
      kari_bwrap_add_arg (bwrap, "--share-net");
      for (gsize i = 0; i < G_N_ELEMENTS (network_files); i++)
        kari_bwrap_add_args (bwrap, "--ro-bind-try", network_files[i], network_files[i], NULL);
    }
  add_usr_links (bwrap);

  if ((fd = open_folder (self->app_dir, "extension folder", error)) < 0)
    return NULL;
  kari_bwrap_add_fd_arg (bwrap, "--ro-bind-fd", fd, "/app");
  if ((fd = open_folder (self->data_dir, "data folder", error)) < 0)
    return NULL;
  kari_bwrap_add_fd_arg (bwrap, self->data_read_only ? "--ro-bind-fd" : "--bind-fd", fd, "/data");
  if (self->host_socket != NULL)
    {
      fd = open (self->host_socket, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        {
          int saved = errno;
          g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_FOLDER,
                       "The host socket “%s” cannot be bound: %s", self->host_socket,
                       g_strerror (saved));
          return NULL;
        }
      kari_bwrap_add_fd_arg (bwrap, "--ro-bind-fd", fd, KARI_SANDBOX_HOST_SOCKET);
    }

  /* Last of the mounts: the root tmpfs bwrap builds is not a place to
   * write; /tmp and /data are. */
  kari_bwrap_add_args (bwrap, "--remount-ro", "/", NULL);

  if ((fd = kari_seccomp_create_fd (error)) < 0)
    return NULL;
  kari_bwrap_add_fd_arg (bwrap, "--seccomp", fd, NULL);

  if (block_fd_out != NULL)
    {
      int fds[2];

      if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
        return NULL;
      kari_bwrap_add_fd_arg (bwrap, "--block-fd", fds[0], NULL);
      *block_fd_out = fds[1];
    }

  if (working_dir != NULL)
    {
      g_autofree char *dir = g_build_filename ("/app", working_dir, NULL);
      kari_bwrap_add_args (bwrap, "--chdir", dir, NULL);
    }
  else
    kari_bwrap_add_args (bwrap, "--chdir", "/app", NULL);

  if (!add_env (self, bwrap, runtime, error))
    {
      if (block_fd_out != NULL)
        {
          close (*block_fd_out);
          *block_fd_out = -1;
        }
      return NULL;
    }

  command = g_ptr_array_new ();
  g_ptr_array_add (command, program);
  for (gsize i = 1; argv[i] != NULL; i++)
    g_ptr_array_add (command, (char *) argv[i]);
  g_ptr_array_add (command, NULL);
  kari_bwrap_set_command (bwrap, (const char * const *) command->pdata);

  return g_steal_pointer (&bwrap);
}

/**
 * kari_sandbox_dup_argv:
 * @self: a #KariSandbox
 * @error: return location for a #GError
 *
 * Builds the command line a spawn would run, for inspection; the
 * descriptor numbers in it are closed again before this returns.
 *
 * Returns: (transfer full): the argument vector, or %NULL with @error set
 */
char **
kari_sandbox_dup_argv (KariSandbox  *self,
                       GError      **error)
{
  g_autoptr(KariBwrap) bwrap = NULL;

  g_return_val_if_fail (KARI_IS_SANDBOX (self), NULL);

  bwrap = build (self, NULL, error);
  return bwrap != NULL ? g_strdupv ((char **) kari_bwrap_get_argv (bwrap)) : NULL;
}

/**
 * kari_sandbox_set_data_read_only:
 * @self: a #KariSandbox
 * @read_only: whether /data is bound read-only
 *
 * An extension over its disk quota runs with its data read-only: reads
 * work, writes fail with EROFS.
 */
void
kari_sandbox_set_data_read_only (KariSandbox *self,
                                 gboolean     read_only)
{
  g_return_if_fail (KARI_IS_SANDBOX (self));
  self->data_read_only = read_only;
}

/**
 * kari_sandbox_set_max_file_size:
 * @self: a #KariSandbox
 * @bytes: the largest file the extension may write (RLIMIT_FSIZE), 0 for
 *   no limit
 *
 * A write past it fails with EFBIG, so no single file runs past the disk
 * quota between two counts.
 */
void
kari_sandbox_set_max_file_size (KariSandbox *self,
                                guint64      bytes)
{
  g_return_if_fail (KARI_IS_SANDBOX (self));
  self->max_file_size = bytes;
}

/**
 * kari_sandbox_spawn:
 * @self: a #KariSandbox
 * @flags: flags for the subprocess, such as %G_SUBPROCESS_FLAGS_STDOUT_PIPE
 * @error: return location for a #GError
 *
 * Starts bwrap.  The sandbox is set up but the extension's command waits
 * until kari_sandbox_release(), so the caller can first place the bwrap
 * process (and its child) in a cgroup.  Dropping @self before the
 * release kills the sandbox.
 *
 * Returns: (transfer full): the bwrap process, or %NULL with @error set
 */
GSubprocess *
kari_sandbox_spawn (KariSandbox       *self,
                    GSubprocessFlags   flags,
                    GError           **error)
{
  g_autoptr(KariBwrap) bwrap = NULL;
  g_autoptr(GSubprocess) process = NULL;
  int release_fd = -1;

  g_return_val_if_fail (KARI_IS_SANDBOX (self), NULL);

  if (self->process != NULL || self->release_fd >= 0)
    {
      g_set_error (error, KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_SPAWN,
                   "The sandbox of %s is already started", kari_manifest_get_name (self->manifest));
      return NULL;
    }

  bwrap = build (self, &release_fd, error);
  if (bwrap == NULL)
    return NULL;
  kari_bwrap_set_max_file_size (bwrap, self->max_file_size);
  process = kari_bwrap_spawn (bwrap, flags, error);
  if (process == NULL)
    {
      close (release_fd);
      g_prefix_error (error, "Sandbox of %s: ", kari_manifest_get_name (self->manifest));
      if (error != NULL && *error != NULL && (*error)->domain != KARI_SANDBOX_ERROR)
        {
          GError *e = *error;
          *error = g_error_new_literal (KARI_SANDBOX_ERROR, KARI_SANDBOX_ERROR_SPAWN, e->message);
          g_error_free (e);
        }
      return NULL;
    }

  self->release_fd = release_fd;
  self->process = g_object_ref (process);
  return g_steal_pointer (&process);
}

/**
 * kari_sandbox_release:
 * @self: a #KariSandbox
 *
 * Lets the command of a sandbox started by kari_sandbox_spawn() run.
 */
void
kari_sandbox_release (KariSandbox *self)
{
  g_return_if_fail (KARI_IS_SANDBOX (self));

  if (self->release_fd >= 0)
    {
      /* bwrap reads one byte; if it is gone, the write fails quietly. */
      (void) !write (self->release_fd, "x", 1);
      close (self->release_fd);
      self->release_fd = -1;
    }
  g_clear_object (&self->process);
}
