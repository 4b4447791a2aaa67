/* kari-bwrap.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KARI_TYPE_BWRAP (kari_bwrap_get_type ())
G_DECLARE_FINAL_TYPE (KariBwrap, kari_bwrap, KARI, BWRAP, GObject)

KariBwrap          *kari_bwrap_new          (const char          *bwrap_path);
void                kari_bwrap_add_arg      (KariBwrap           *self,
                                             const char          *arg);
void                kari_bwrap_add_args     (KariBwrap           *self,
                                             const char          *arg,
                                             ...) G_GNUC_NULL_TERMINATED;
void                kari_bwrap_add_fd_arg   (KariBwrap           *self,
                                             const char          *option,
                                             int                  fd,
                                             const char          *dest);
int                 kari_bwrap_take_fd      (KariBwrap           *self,
                                             int                  fd);
void                kari_bwrap_setenv       (KariBwrap           *self,
                                             const char          *name,
                                             const char          *value);
void                kari_bwrap_set_command  (KariBwrap           *self,
                                             const char * const  *argv);
const char * const *kari_bwrap_get_argv     (KariBwrap           *self);
void                kari_bwrap_set_max_file_size (KariBwrap      *self,
                                             guint64              bytes);
GSubprocess        *kari_bwrap_spawn        (KariBwrap           *self,
                                             GSubprocessFlags     flags,
                                             GError             **error);

G_END_DECLS
