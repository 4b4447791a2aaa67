/* kari-extension-page.c — what a sidebar page of an extension shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is the one hook between the window and the native page renderer
 * (src/app/page, libkari_page): with the renderer, a page row opens a
 * KariPageView of the extension's pages/<path>.json; without it, or when
 * that file cannot be shown, a status page says why.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-private.h"

#ifdef KARI_HAVE_PAGE_VIEW
#include "kari-page-view.h"
#endif

static GtkWidget *
status_page_new (KariAppExtension  *extension,
                 const KariAppPage *page,
                 const char        *problem)
{
  GtkWidget *status = adw_status_page_new ();
  g_autofree char *text =
    problem != NULL
    ? g_strdup_printf (_("“%s” of %s could not be shown: %s"), page->title,
                       kari_app_extension_get_title (extension), problem)
    : g_strdup_printf (_("“%s” is declared by %s, but this build of the Control Room cannot "
                         "draw extension pages yet. The extension’s endpoints and tasks work as usual."),
                       page->title, kari_app_extension_get_title (extension));
  /* The description is Pango markup; the problem may quote the extension. */
  g_autofree char *description = g_markup_escape_text (text, -1);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "view-grid-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("This Page Cannot Be Shown Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status), description);
  return status;
}

/**
 * kari_extension_page_new:
 * @host: the host the extension runs in
 * @extension: the extension declaring @page
 * @page: one of its `ui.control_room_pages`
 *
 * Returns: (transfer floating): the widget the window's stack shows
 *   for @page
 */
GtkWidget *
kari_extension_page_new (KariAppHost       *host,
                         KariAppExtension  *extension,
                         const KariAppPage *page)
{
#ifdef KARI_HAVE_PAGE_VIEW
  /* A page declared as a file of the extension (pages/<path>.json), drawn
   * natively and redrawn in place when the file changes. */
  KariManifest *manifest = kari_app_extension_get_manifest (extension);
  const char *dir = manifest != NULL ? kari_manifest_get_dir (manifest) : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = kari_page_file_for_route (page->path, &error);
  GtkWidget *view;

  if (dir != NULL && file != NULL)
    {
      view = kari_page_view_new ();
      if (kari_page_view_load_file (KARI_PAGE_VIEW (view), dir, file, &error))
        return view;
      g_object_unref (g_object_ref_sink (view));
    }
  return status_page_new (extension, page, error != NULL ? error->message : NULL);
#else
  return status_page_new (extension, page, NULL);
#endif
}
