/* kari-page-chart.c: a small line or bar chart drawn with the snapshot API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "kari-page-chart.h"

#define PAD_LEFT 40.0
#define PAD_BOTTOM 20.0
#define PAD 8.0

struct _KariPageChart
{
  GtkWidget  parent_instance;
  gboolean   bars;
  JsonNode  *labels;   /* nullable, array of strings */
  JsonNode  *series;   /* nullable, array of {name, values} */
  gboolean   has_min;
  double     min;
  gboolean   has_max;
  double     max;
};

G_DEFINE_FINAL_TYPE (KariPageChart, kari_page_chart, GTK_TYPE_WIDGET)

/* The GNOME palette's blue, green, orange, purple, red, yellow, brown. */
static const GdkRGBA palette[] = {
  { 0.21, 0.52, 0.89, 1 }, { 0.20, 0.82, 0.48, 1 }, { 1.00, 0.47, 0.00, 1 },
  { 0.57, 0.25, 0.67, 1 }, { 0.88, 0.11, 0.14, 1 }, { 0.96, 0.83, 0.18, 1 },
  { 0.60, 0.39, 0.22, 1 },
};

static JsonArray *
values_of (KariPageChart *self,
           guint          i)
{
  JsonObject *one = json_array_get_object_element (json_node_get_array (self->series), i);

  return json_object_has_member (one, "values") ? json_object_get_array_member (one, "values") : NULL;
}

static void
range (KariPageChart *self,
       double        *lo,
       double        *hi,
       guint         *points)
{
  double data_lo = INFINITY, data_hi = -INFINITY;

  *points = 0;
  for (guint i = 0; i < kari_page_chart_get_n_series (self); i++)
    {
      JsonArray *values = values_of (self, i);

      for (guint j = 0; values != NULL && j < json_array_get_length (values); j++)
        {
          JsonNode *v = json_array_get_element (values, j);

          if (JSON_NODE_HOLDS_NULL (v))
            continue;
          data_lo = MIN (data_lo, json_node_get_double (v));
          data_hi = MAX (data_hi, json_node_get_double (v));
        }
      if (values != NULL)
        *points = MAX (*points, json_array_get_length (values));
    }
  if (!isfinite (data_lo))
    data_lo = 0, data_hi = 1;
  *lo = self->has_min ? self->min : MIN (0, data_lo);
  *hi = self->has_max ? self->max : data_hi;
  if (*hi <= *lo)
    *hi = *lo + 1;
}

static void
draw_text (GtkWidget   *widget,
           GtkSnapshot *snapshot,
           const char  *text,
           double       x,
           double       y,
           gboolean     right_aligned)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  GdkRGBA color;
  int width, height;

#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, &color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
#endif
  color.alpha *= 0.6f;
  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) (right_aligned ? x - width : x),
                                                          (float) (y - height / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
kari_page_chart_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  KariPageChart *self = KARI_PAGE_CHART (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double plot_w = width - PAD_LEFT - PAD, top = kari_page_chart_get_n_series (self) > 1 ? PAD + 20 : PAD;
  double plot_h = height - PAD_BOTTOM - top;
  double lo, hi;
  guint points, n_series = kari_page_chart_get_n_series (self);
  char text[32];
  const GdkRGBA axis = { 0.5f, 0.5f, 0.5f, 0.4f };
  cairo_t *cr;

  if (plot_w <= 1 || plot_h <= 1)
    return;
  range (self, &lo, &hi, &points);

  g_snprintf (text, sizeof text, "%g", hi);
  draw_text (widget, snapshot, text, PAD_LEFT - 4, top, TRUE);
  g_snprintf (text, sizeof text, "%g", lo);
  draw_text (widget, snapshot, text, PAD_LEFT - 4, top + plot_h, TRUE);
  if (self->labels != NULL && json_array_get_length (json_node_get_array (self->labels)) > 0)
    {
      JsonArray *labels = json_node_get_array (self->labels);
      guint last = json_array_get_length (labels) - 1;

      draw_text (widget, snapshot, json_array_get_string_element (labels, 0), PAD_LEFT,
                 height - PAD_BOTTOM / 2, FALSE);
      if (last > 0)
        draw_text (widget, snapshot, json_array_get_string_element (labels, last), width - PAD,
                   height - PAD_BOTTOM / 2, TRUE);
    }

  /* A legend at the top right when there is more than one series. */
  if (n_series > 1)
    {
      double x = width - PAD;

      for (guint i = n_series; i-- > 0; )
        {
          JsonObject *one = json_array_get_object_element (json_node_get_array (self->series), i);
          const char *name = json_object_has_member (one, "name") ? json_object_get_string_member (one, "name") : "";
          g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, name);
          int text_w, text_h;

          pango_layout_get_pixel_size (layout, &text_w, &text_h);
          draw_text (widget, snapshot, name, x, PAD + 6, TRUE);
          x -= text_w + 14;
          gtk_snapshot_append_color (snapshot, &palette[i % G_N_ELEMENTS (palette)],
                                     &GRAPHENE_RECT_INIT ((float) x + 2, (float) PAD + 1, 10, 10));
          x -= 12;
        }
    }

  /* The axes and bars are rectangles the renderer fills itself; only
   * the lines go through cairo, on a surface the size of the plot, so an
   * update uploads no more than that. */
  gtk_snapshot_append_color (snapshot, &axis,
                             &GRAPHENE_RECT_INIT ((float) PAD_LEFT, (float) top, 1, (float) plot_h + 1));
  gtk_snapshot_append_color (snapshot, &axis,
                             &GRAPHENE_RECT_INIT ((float) PAD_LEFT, (float) (top + plot_h), (float) plot_w, 1));
  if (points == 0)
    return;
  if (self->bars)
    {
      double slot = plot_w / points, bar = slot * 0.8 / n_series;
      double zero = top + plot_h * (1 - (CLAMP (0, lo, hi) - lo) / (hi - lo));

      for (guint i = 0; i < n_series; i++)
        {
          JsonArray *values = values_of (self, i);

          for (guint j = 0; values != NULL && j < json_array_get_length (values); j++)
            {
              JsonNode *v = json_array_get_element (values, j);
              double y, x;

              if (JSON_NODE_HOLDS_NULL (v))
                continue;
              y = top + plot_h * (1 - (CLAMP (json_node_get_double (v), lo, hi) - lo) / (hi - lo));
              x = PAD_LEFT + slot * j + slot * 0.1 + bar * i;
              gtk_snapshot_append_color (snapshot, &palette[i % G_N_ELEMENTS (palette)],
                                         &GRAPHENE_RECT_INIT ((float) x, (float) MIN (y, zero),
                                                              (float) MAX (bar - 1, 1),
                                                              (float) MAX (fabs (zero - y), 1)));
            }
        }
      return;
    }

  /* The lines' surface reaches a line width beyond the plot, for the
   * pen's round ends at the top and bottom. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT ((float) PAD_LEFT, (float) top - 2,
                                                                 (float) plot_w + 2, (float) plot_h + 4));
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < n_series; i++)
    {
      JsonArray *values = values_of (self, i);
      gboolean pen_down = FALSE;

      gdk_cairo_set_source_rgba (cr, &palette[i % G_N_ELEMENTS (palette)]);
      for (guint j = 0; values != NULL && j < json_array_get_length (values); j++)
        {
          JsonNode *v = json_array_get_element (values, j);
          double y, x;

          if (JSON_NODE_HOLDS_NULL (v))
            {
              pen_down = FALSE;   /* a gap */
              continue;
            }
          y = top + plot_h * (1 - (CLAMP (json_node_get_double (v), lo, hi) - lo) / (hi - lo));
          x = PAD_LEFT + (points > 1 ? plot_w * j / (points - 1) : plot_w / 2);
          if (pen_down)
            cairo_line_to (cr, x, y);
          else
            cairo_move_to (cr, x, y);
          pen_down = TRUE;
        }
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
kari_page_chart_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 120 : 40;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 200;
}

static void
kari_page_chart_finalize (GObject *object)
{
  KariPageChart *self = KARI_PAGE_CHART (object);

  g_clear_pointer (&self->labels, json_node_unref);
  g_clear_pointer (&self->series, json_node_unref);

  G_OBJECT_CLASS (kari_page_chart_parent_class)->finalize (object);
}

static void
kari_page_chart_class_init (KariPageChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = kari_page_chart_finalize;
  widget_class->snapshot = kari_page_chart_snapshot;
  widget_class->measure = kari_page_chart_measure;
  gtk_widget_class_set_css_name (widget_class, "kari-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
kari_page_chart_init (KariPageChart *self)
{
}

/**
 * kari_page_chart_new:
 *
 * Returns: (transfer floating): an empty chart
 */
GtkWidget *
kari_page_chart_new (void)
{
  return g_object_new (KARI_TYPE_PAGE_CHART, NULL);
}

/**
 * kari_page_chart_set_data:
 * @self: a chart
 * @bars: bars rather than lines
 * @labels: (nullable): x labels, an array of strings (checked by the page tree)
 * @series: (nullable): an array of `{name, values}` (checked by the page tree)
 * @has_min: whether @min is the bottom of the y axis (else from the data)
 * @min: the bottom of the y axis
 * @has_max: whether @max is the top of the y axis (else from the data)
 * @max: the top of the y axis
 *
 * Shows new data; redraws only when something changed.
 */
void
kari_page_chart_set_data (KariPageChart *self,
                          gboolean       bars,
                          JsonNode      *labels,
                          JsonNode      *series,
                          gboolean       has_min,
                          double         min,
                          gboolean       has_max,
                          double         max)
{
  g_return_if_fail (KARI_IS_PAGE_CHART (self));

  if (self->bars == bars && self->has_min == has_min && self->min == min && self->has_max == has_max
      && self->max == max
      && (self->labels == labels || (self->labels && labels && json_node_equal (self->labels, labels)))
      && (self->series == series || (self->series && series && json_node_equal (self->series, series))))
    return;
  self->bars = bars;
  self->has_min = has_min;
  self->min = min;
  self->has_max = has_max;
  self->max = max;
  g_clear_pointer (&self->labels, json_node_unref);
  g_clear_pointer (&self->series, json_node_unref);
  self->labels = labels != NULL ? json_node_ref (labels) : NULL;
  self->series = series != NULL ? json_node_ref (series) : NULL;
  {
    /* What a screen reader says: the series' names. */
    g_autoptr(GString) names = g_string_new (NULL);

    for (guint i = 0; i < kari_page_chart_get_n_series (self); i++)
      {
        JsonObject *one = json_array_get_object_element (json_node_get_array (self->series), i);

        if (json_object_has_member (one, "name"))
          g_string_append_printf (names, "%s%s", names->len ? ", " : "",
                                  json_object_get_string_member (one, "name"));
      }
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, names->str, -1);
  }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * kari_page_chart_get_n_series:
 * @self: a chart
 *
 * Returns: how many series the chart shows
 */
guint
kari_page_chart_get_n_series (KariPageChart *self)
{
  g_return_val_if_fail (KARI_IS_PAGE_CHART (self), 0);
  return self->series != NULL ? json_array_get_length (json_node_get_array (self->series)) : 0;
}
