/* kari-usage-graph.c — a bar graph of recent samples, drawn with
 * GtkSnapshot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-app-private.h"

struct _KariUsageGraph
{
  GtkWidget  parent_instance;
  double    *values;
  guint      n_values;
  double     max;
};

G_DEFINE_FINAL_TYPE (KariUsageGraph, kari_usage_graph, GTK_TYPE_WIDGET)

/* The most bars drawn; older samples scroll off the left. */
#define MAX_BARS 60

GtkWidget *
kari_usage_graph_new (void)
{
  return g_object_new (KARI_TYPE_USAGE_GRAPH, NULL);
}

/**
 * kari_usage_graph_set_values:
 * @values: (array length=n_values): samples, oldest first
 * @max: the value drawn at full height
 */
void
kari_usage_graph_set_values (KariUsageGraph *self,
                             const double   *values,
                             guint           n_values,
                             double          max)
{
  guint first = n_values > MAX_BARS ? n_values - MAX_BARS : 0;

  g_free (self->values);
  self->n_values = n_values - first;
  self->values = g_memdup2 (values + first, sizeof (double) * self->n_values);
  self->max = max > 0 ? max : 1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
kari_usage_graph_get_n_values (KariUsageGraph *self)
{
  return self->n_values;
}

static void
kari_usage_graph_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  KariUsageGraph *self = KARI_USAGE_GRAPH (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  float slot = width / MAX_BARS;
  GdkRGBA fg, back, bar;

  /* Colours from the theme's foreground, so dark and high-contrast
   * styles follow. */
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, &fg);
#else
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
#endif
  back = fg;
  back.alpha = 0.06f;
  bar = (GdkRGBA) { 0.21f, 0.52f, 0.89f, 1.0f };   /* the GNOME accent blue */

  gtk_snapshot_append_color (snapshot, &back, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = 0; i < self->n_values; i++)
    {
      double fraction = CLAMP (self->values[i] / self->max, 0.0, 1.0);
      float h = MAX (1.0f, (float) fraction * height);
      float x = width - (self->n_values - i) * slot;

      gtk_snapshot_append_color (snapshot, &bar, &GRAPHENE_RECT_INIT (x + 1, height - h, MAX (slot - 2, 1), h));
    }
}

static void
kari_usage_graph_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 60 : 40;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 80;
}

static void
kari_usage_graph_finalize (GObject *object)
{
  g_clear_pointer (&KARI_USAGE_GRAPH (object)->values, g_free);
  G_OBJECT_CLASS (kari_usage_graph_parent_class)->finalize (object);
}

static void
kari_usage_graph_class_init (KariUsageGraphClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kari_usage_graph_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = kari_usage_graph_snapshot;
  GTK_WIDGET_CLASS (klass)->measure = kari_usage_graph_measure;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "kari-usage-graph");
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_IMG);
}

static void
kari_usage_graph_init (KariUsageGraph *self)
{
  self->max = 1;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}
