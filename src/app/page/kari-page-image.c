/* kari-page-image.c: pictures from the extension's own folder only.
 *
 * The path was checked by the page tree (relative, no `..`, no URL); the
 * host still opens it one component at a time without following symbolic
 * links, so a link planted in the folder cannot lead outside it, takes
 * only regular files up to a size, and decodes only PNG and JPEG (no SVG,
 * whose loaders may fetch other files).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
fail_errno (GError    **error,
            const char *src,
            const char *what)
{
  int saved = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Could not open the image “%s”: %s: %s"), src, what, g_strerror (saved));
  return FALSE;
}

static GBytes *
read_beneath (const char  *base_dir,
              const char  *src,
              GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *data = NULL;
  int dir, fd;
  struct stat st;
  gsize done = 0;

  if (!kari_page_path_is_safe (src, error))
    return NULL;
  if ((dir = open (base_dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    return fail_errno (error, src, _("the extension’s folder")), NULL;
  parts = g_strsplit (src, "/", -1);
  for (guint i = 0; parts[i + 1] != NULL; i++)
    {
      /* O_NOFOLLOW with O_PATH opens a link itself, which O_DIRECTORY refuses. */
      int next = openat (dir, parts[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      close (dir);
      if (next < 0)
        return fail_errno (error, src, parts[i]), NULL;
      dir = next;
    }
  fd = openat (dir, parts[g_strv_length (parts) - 1], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  close (dir);
  if (fd < 0)
    return fail_errno (error, src, _("the file")), NULL;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_size > MAX_IMAGE_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The image “%s” is not a regular file of at most 16 MiB"), src);
      close (fd);
      return NULL;
    }
  data = g_malloc (st.st_size + 1);
  while (done < (gsize) st.st_size)
    {
      gssize n = read (fd, data + done, st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }
  close (fd);
  return g_bytes_new_take (g_steal_pointer (&data), done);
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

  if ((bytes = read_beneath (load->base_dir, load->src, &error)) == NULL)
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
