/* kari-page-view-private.h — what the renderer's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kari-page-view.h"

G_BEGIN_DECLS

typedef struct _KariPageEntry KariPageEntry;

/* One rendered node. @widget is the node's own widget, the one
 * kari_page_view_lookup() returns and that lives as long as the node
 * keeps its id and type; @outer is what sits in the parent (@widget, or
 * a row wrapping it in a list or a card). */
struct _KariPageEntry
{
  KariPageView     *view;
  char             *id;
  KariPageNodeType  type;
  GtkWidget        *widget;      /* strong */
  GtkWidget        *outer;       /* strong; == widget when not wrapped */
  GtkWidget        *container;   /* where children go, for boxes, lists, cards, status pages */
  KariPageEntry    *parent;
  GPtrArray        *children;    /* KariPageEntry, in order; NULL for leaves */
  JsonNode         *synced;      /* per type: the last rows, options or schema applied */
  gpointer          data;        /* per type state */
  GDestroyNotify    data_free;
  char             *image_src;   /* the source being shown or loaded */
};

/* How one node type is made and kept in step with its node. */
typedef struct
{
  GtkWidget *(*create) (KariPageEntry *e);
  void       (*sync)   (KariPageEntry *e,
                        KariPageNode  *node);
} KariPageRenderer;

const KariPageRenderer *_kari_page_renderer_for   (KariPageNodeType  type);
gboolean                _kari_page_view_is_applying (KariPageView    *self);
void                    _kari_page_view_emit      (KariPageView     *self,
                                                   const char       *id,
                                                   const char       *kind,
                                                   JsonNode         *value);
void                    _kari_page_image_load     (KariPageEntry    *e,
                                                   const char       *src);
GtkWidget              *_kari_page_table_new      (KariPageEntry    *e);
void                    _kari_page_table_sync     (KariPageEntry    *e,
                                                   KariPageNode     *node);
char                   *_kari_page_table_dup_cell (gpointer          row,
                                                   guint             column);
GBytes                 *_kari_page_read_beneath   (const char       *base_dir,
                                                   const char       *path,
                                                   gsize             max_size,
                                                   GError          **error);
const char             *_kari_page_view_get_file  (KariPageView     *self);
GCancellable           *_kari_page_view_get_cancellable (KariPageView *self);
guint                   _kari_page_view_start_reload (KariPageView  *self);
gboolean                _kari_page_view_is_latest_reload (KariPageView *self,
                                                   guint             reload);
void                    _kari_page_view_set_file  (KariPageView     *self,
                                                   const char       *path,
                                                   GFileMonitor     *monitor);
void                    _kari_page_view_set_load_error (KariPageView *self,
                                                   const char       *message);
GtkWidget              *_kari_page_form_new       (KariPageEntry    *e);
void                    _kari_page_form_sync      (KariPageEntry    *e,
                                                   KariPageNode     *node);

/* Sets a label's text only when it changed, so selections survive. */
static inline void
_kari_page_set_label (GtkLabel   *label,
                      const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

G_END_DECLS
