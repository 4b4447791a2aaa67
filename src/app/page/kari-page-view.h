/* kari-page-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "kari-page-tree.h"
#include "kari-page-session.h"

G_BEGIN_DECLS

#define KARI_TYPE_PAGE_VIEW (kari_page_view_get_type ())
G_DECLARE_FINAL_TYPE (KariPageView, kari_page_view, KARI, PAGE_VIEW, GtkWidget)

GtkWidget    *kari_page_view_new          (void);
void          kari_page_view_set_base_dir (KariPageView  *self,
                                           const char    *dir);
const char   *kari_page_view_get_base_dir (KariPageView  *self);
void          kari_page_view_set_tree     (KariPageView  *self,
                                           KariPageTree  *tree);
void          kari_page_view_apply_patch  (KariPageView  *self,
                                           KariPagePatch *patch,
                                           KariPageTree  *new_tree);
void          kari_page_view_rebuild      (KariPageView  *self);
KariPageTree *kari_page_view_get_tree     (KariPageView  *self);
GtkWidget    *kari_page_view_lookup       (KariPageView  *self,
                                           const char    *id);
GtkWidget    *kari_page_view_get_scrolled (KariPageView  *self);
gboolean      kari_page_view_load_file    (KariPageView  *self,
                                           const char    *extension_dir,
                                           const char    *path,
                                           GError       **error);
const char   *kari_page_view_get_load_error (KariPageView *self);

KariPageTree *kari_page_tree_load_beneath (const char    *extension_dir,
                                           const char    *path,
                                           GError       **error);

G_END_DECLS
