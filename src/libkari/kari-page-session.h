/* kari-page-session.h — one open native page and the extension behind it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kari-manifest.h"
#include "kari-page-tree.h"
#include "kari-supervisor.h"

G_BEGIN_DECLS

#define KARI_PAGE_SESSION_ERROR (kari_page_session_error_quark ())

/**
 * KariPageSessionError:
 * @KARI_PAGE_SESSION_ERROR_NOT_DECLARED: the manifest declares no such
 *   page, or the extension does not offer it
 * @KARI_PAGE_SESSION_ERROR_NOT_RUNNING: the extension is not running
 * @KARI_PAGE_SESSION_ERROR_CRASHED: the extension crashed or stopped
 *   while the page was open
 * @KARI_PAGE_SESSION_ERROR_TIMED_OUT: the extension did not answer in time
 * @KARI_PAGE_SESSION_ERROR_INVALID_TREE: the extension sent a tree that is
 *   not valid (the message says where)
 * @KARI_PAGE_SESSION_ERROR_FAILED: the extension answered with an error
 * @KARI_PAGE_SESSION_ERROR_FILE: a declarative page's file cannot be read
 *
 * Why a page shows an error state.
 */
typedef enum
{
  KARI_PAGE_SESSION_ERROR_NOT_DECLARED,
  KARI_PAGE_SESSION_ERROR_NOT_RUNNING,
  KARI_PAGE_SESSION_ERROR_CRASHED,
  KARI_PAGE_SESSION_ERROR_TIMED_OUT,
  KARI_PAGE_SESSION_ERROR_INVALID_TREE,
  KARI_PAGE_SESSION_ERROR_FAILED,
  KARI_PAGE_SESSION_ERROR_FILE,
} KariPageSessionError;

/**
 * KARI_PAGE_SESSION_RESTART_ID:
 *
 * The id of the button in kari_page_session_new_error_tree()'s tree that
 * asks to restart the extension.
 */
#define KARI_PAGE_SESSION_RESTART_ID "kari-page-restart"

#define KARI_TYPE_PAGE_SESSION (kari_page_session_get_type ())
G_DECLARE_FINAL_TYPE (KariPageSession, kari_page_session, KARI, PAGE_SESSION, GObject)

GQuark           kari_page_session_error_quark     (void);

KariPageSession *kari_page_session_new             (KariSupervisor  *supervisor,
                                                    const char      *page);
KariPageSession *kari_page_session_new_declarative (KariManifest    *manifest,
                                                    const char      *app_dir,
                                                    const char      *page);
void             kari_page_session_set_timeout     (KariPageSession *self,
                                                    guint            timeout_ms);
void             kari_page_session_start           (KariPageSession *self);
void             kari_page_session_send_event      (KariPageSession *self,
                                                    const char      *node_id,
                                                    const char      *kind,
                                                    JsonNode        *value);
const char      *kari_page_session_get_page        (KariPageSession *self);
const char      *kari_page_session_get_base_dir    (KariPageSession *self);
KariPageTree    *kari_page_session_get_tree        (KariPageSession *self);
const GError    *kari_page_session_get_error       (KariPageSession *self);

KariPageTree    *kari_page_session_new_error_tree  (const GError    *error,
                                                    gboolean         can_restart);
KariPageTree    *kari_page_status_tree_new         (const char         *id,
                                                    const char         *icon_name,
                                                    const char         *title,
                                                    const char         *description,
                                                    const char * const *actions);

char            *kari_page_file_for_route          (const char      *route,
                                                    GError         **error);
char            *kari_page_file_for_page           (KariManifest    *manifest,
                                                    const char      *page,
                                                    GError         **error);
GBytes          *kari_page_file_read               (const char      *base_dir,
                                                    const char      *path,
                                                    gsize            max_size,
                                                    GError         **error);

G_END_DECLS
