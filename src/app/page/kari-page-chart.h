/* kari-page-chart.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KARI_TYPE_PAGE_CHART (kari_page_chart_get_type ())
G_DECLARE_FINAL_TYPE (KariPageChart, kari_page_chart, KARI, PAGE_CHART, GtkWidget)

GtkWidget *kari_page_chart_new          (void);
void       kari_page_chart_set_data     (KariPageChart *self,
                                         gboolean       bars,
                                         JsonNode      *labels,
                                         JsonNode      *series,
                                         gboolean       has_min,
                                         double         min,
                                         gboolean       has_max,
                                         double         max);
guint      kari_page_chart_get_n_series (KariPageChart *self);

G_END_DECLS
