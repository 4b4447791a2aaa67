/* kari-sandbox.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kari-manifest.h"

G_BEGIN_DECLS

#define KARI_SANDBOX_ERROR (kari_sandbox_error_quark ())

/**
 * KariSandboxError:
 * @KARI_SANDBOX_ERROR_BWRAP: bwrap is missing or too old
 * @KARI_SANDBOX_ERROR_SECCOMP: the seccomp filter could not be built
 * @KARI_SANDBOX_ERROR_FOLDER: the extension or data folder cannot be
 *   opened safely (missing, not a folder, or a symbolic link)
 * @KARI_SANDBOX_ERROR_RUNTIME: the manifest's runtime cannot be run
 *   (no runtime, a command that is neither a file of the extension nor
 *   in /usr/bin, a refused variable)
 * @KARI_SANDBOX_ERROR_SPAWN: bwrap could not be started, or the
 *   sandbox was already started
 *
 * Error codes in %KARI_SANDBOX_ERROR.
 */
typedef enum
{
  KARI_SANDBOX_ERROR_BWRAP,
  KARI_SANDBOX_ERROR_SECCOMP,
  KARI_SANDBOX_ERROR_FOLDER,
  KARI_SANDBOX_ERROR_RUNTIME,
  KARI_SANDBOX_ERROR_SPAWN,
} KariSandboxError;

#define KARI_SANDBOX_HOST_SOCKET "/run/kari/host.sock"

#define KARI_TYPE_SANDBOX (kari_sandbox_get_type ())
G_DECLARE_FINAL_TYPE (KariSandbox, kari_sandbox, KARI, SANDBOX, GObject)

GQuark       kari_sandbox_error_quark      (void);

KariSandbox *kari_sandbox_new              (KariManifest      *manifest,
                                            const char        *app_dir,
                                            const char        *data_dir,
                                            const char        *tenant);
void         kari_sandbox_set_host_socket  (KariSandbox       *self,
                                            const char        *path);
void         kari_sandbox_set_data_read_only (KariSandbox   *self,
                                            gboolean           read_only);
void         kari_sandbox_set_max_file_size (KariSandbox    *self,
                                            guint64            bytes);
GSubprocess *kari_sandbox_spawn            (KariSandbox       *self,
                                            GSubprocessFlags   flags,
                                            GError           **error);
void         kari_sandbox_release          (KariSandbox       *self);
char       **kari_sandbox_dup_argv         (KariSandbox       *self,
                                            GError           **error);

G_END_DECLS
