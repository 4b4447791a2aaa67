/* kari-app-util.c — small helpers the Control Room's pages share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kari-app-private.h"

/**
 * kari_app_toast:
 * @widget: a widget inside the window
 * @message: what happened and what to do, for a person
 *
 * Shows @message as a toast over the window holding @widget; when
 * @widget is not in a window (yet), logs it instead.
 */
void
kari_app_toast (GtkWidget  *widget,
                const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL)
    {
      g_message ("%s", message);
      return;
    }
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

char *
kari_app_format_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : g_strdup ("—");
}

/* How long ago @usec was, for a sentence ("Failed 2 hours ago"); past
 * a week, the date. */
char *
kari_app_format_ago (gint64 usec)
{
  gint64 seconds = (g_get_real_time () - usec) / G_USEC_PER_SEC;
  g_autofree char *when = NULL;

  if (seconds < 60)
    return g_strdup (_("just now"));
  if (seconds < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute ago", "%u minutes ago", seconds / 60),
                            (guint) (seconds / 60));
  if (seconds < 24 * 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour ago", "%u hours ago", seconds / 3600),
                            (guint) (seconds / 3600));
  if (seconds < 7 * 24 * 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day ago", "%u days ago", seconds / 86400),
                            (guint) (seconds / 86400));
  when = kari_app_format_time (usec);
  /* TRANSLATORS: %s is a date and time */
  return g_strdup_printf (_("on %s"), when);
}

char *
kari_app_format_bytes (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

GtkWidget *
kari_app_state_label_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "caption");
  return label;
}

/* The state in words, coloured as libadwaita colours success and
 * trouble. */
void
kari_app_state_label_update (GtkWidget *label,
                             KariState  state)
{
  gtk_label_set_text (GTK_LABEL (label), kari_app_state_to_label (state));
  gtk_widget_remove_css_class (label, "success");
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "dim-label");
  if (state == KARI_STATE_RUNNING || state == KARI_STATE_ENABLED)
    gtk_widget_add_css_class (label, "success");
  else if (state == KARI_STATE_FAILED || state == KARI_STATE_CRASHED)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_add_css_class (label, "dim-label");
}

static void
on_enabled (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GError) error = NULL;

  if (!kari_app_host_set_enabled_finish (KARI_APP_HOST (source), result, &error))
    kari_app_toast (widget, error->message);
}

/**
 * kari_app_set_enabled:
 * @widget: the widget the person used, for the toast on failure
 *
 * Switches @extension on or off; a failure is shown as a toast saying
 * why. The extension's "active" property follows what really happened.
 */
void
kari_app_set_enabled (GtkWidget        *widget,
                      KariAppHost      *host,
                      KariAppExtension *extension,
                      gboolean          enabled)
{
  kari_app_host_set_enabled_async (host, extension, enabled, NULL, on_enabled, g_object_ref (widget));
}

/**
 * kari_app_sentence:
 * @words: (transfer full) (nullable): a phrase such as “read its data”
 *
 * Returns: (transfer full) (nullable): @words with its first letter in
 *   upper case, to stand as a row's title
 */
char *
kari_app_sentence (char *words)
{
  gunichar first;
  char head[8];
  int n;

  if (words == NULL || *words == '\0')
    return words;
  first = g_utf8_get_char (words);
  n = g_unichar_to_utf8 (g_unichar_totitle (first), head);
  if (n == (int) (g_utf8_next_char (words) - words))
    memcpy (words, head, n);
  return words;
}

/**
 * kari_app_set_tooltip_text:
 * @widget: a widget being made
 * @text: its tooltip
 *
 * gtk_widget_set_tooltip_text() for the many rows made at start: GTK
 * 4.8 asks the display where the pointer is each time the tooltip of a
 * visible widget is set (a round trip to the X server, dozens of them
 * for the sidebar and the Installed rows), so it is set while @widget
 * is hidden, which shows the same tooltip.
 */
void
kari_app_set_tooltip_text (GtkWidget  *widget,
                           const char *text)
{
  gboolean visible = gtk_widget_get_visible (widget);

  if (visible)
    gtk_widget_set_visible (widget, FALSE);
  gtk_widget_set_tooltip_text (widget, text);
  if (visible)
    gtk_widget_set_visible (widget, TRUE);
}
