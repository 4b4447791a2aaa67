/* kari-extension-page.c — what a sidebar page of an extension shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is the one hook between the window and the native page renderer
 * (src/app/page, libkari_page): with the renderer, a page row opens a
 * KariPageView; without it, a status page says the page cannot be shown
 * yet.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kari-app-private.h"

static GtkWidget *
status_page_new (KariAppExtension  *extension,
                 const KariAppPage *page)
{
  GtkWidget *status = adw_status_page_new ();
  g_autofree char *description =
    g_strdup_printf (_("“%s” is declared by %s, but this build of the Control Room cannot "
                       "draw extension pages yet. The extension’s endpoints and tasks work as usual."),
                     page->title, kari_app_extension_get_title (extension));

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
  /* When the page renderer is built in (src/app/page, kari_page_dep),
   * its KariPageView for (extension, page->path) is returned here. */
  return status_page_new (extension, page);
}
