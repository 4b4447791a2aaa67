/* kari-page-image.c: pictures from the extension's own folder only.
 *
 * The path was checked by the page tree (relative, no `..`, no URL); the
 * host still reads it with _kari_page_read_beneath() (no symbolic link
 * followed, regular files up to a size), and decodes only PNG and JPEG
 * (no SVG, whose loaders may fetch other files).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "kari-page-view-private.h"

#define MAX_IMAGE_SIZE (16 * 1024 * 1024)

typedef struct
{
  char *base_dir;
  char *src;
} Load;

static void
load_free (Load *load)
{
  g_free (load->base_dir);
  g_free (load->src);
  g_free (load);
}

static gboolean
is_png_or_jpeg (GBytes *bytes)
{
  gsize size;
  const guchar *data = g_bytes_get_data (bytes, &size);

  return (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
         || (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff);
}

static void
load_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  GdkTexture *texture;

  if ((bytes = _kari_page_read_beneath (load->base_dir, load->src, MAX_IMAGE_SIZE, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!is_png_or_jpeg (bytes))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The image “%s” is not a PNG or JPEG file"), load->src);
      return;
    }
  if ((texture = gdk_texture_new_from_bytes (bytes, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, texture, g_object_unref);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GtkPicture *picture = GTK_PICTURE (source);
  Load *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);

  /* A newer source was asked for meanwhile. */
  if (g_strcmp0 (g_object_get_data (source, "kari-page-src"), load->src) != 0)
    return;
  gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
  if (error != NULL)
    g_debug ("page image: %s", error->message);
  g_object_set_data_full (source, "kari-page-error", error ? g_strdup (error->message) : NULL, g_free);
  g_object_set_data (source, "kari-page-loaded", GINT_TO_POINTER (TRUE));
}

/* Shows @src of the extension's folder in @e's picture, loading it in a
 * thread when it changed. */
void
_kari_page_image_load (KariPageEntry *e,
                       const char    *src)
{
  const char *base_dir = kari_page_view_get_base_dir (e->view);
  g_autoptr(GTask) task = NULL;
  Load *load;

  if (g_strcmp0 (e->image_src, src) == 0)
    return;
  g_free (e->image_src);
  e->image_src = g_strdup (src);
  g_object_set_data_full (G_OBJECT (e->widget), "kari-page-src", g_strdup (src), g_free);
  g_object_set_data (G_OBJECT (e->widget), "kari-page-loaded", NULL);
  g_object_set_data (G_OBJECT (e->widget), "kari-page-error", NULL);
  gtk_picture_set_paintable (GTK_PICTURE (e->widget), NULL);
  if (base_dir == NULL)
    {
      g_object_set_data_full (G_OBJECT (e->widget), "kari-page-error",
                              g_strdup (_("The page has no extension folder to read images from")), g_free);
      g_object_set_data (G_OBJECT (e->widget), "kari-page-loaded", GINT_TO_POINTER (TRUE));
      return;
    }
  load = g_new0 (Load, 1);
  load->base_dir = g_strdup (base_dir);
  load->src = g_strdup (src);
  task = g_task_new (e->widget, NULL, on_loaded, NULL);
  g_task_set_source_tag (task, _kari_page_image_load);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  g_task_run_in_thread (task, load_in_thread);
}
