/* kari-test-app.h — what the Control Room's tests share about its host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-app-host.h"

G_BEGIN_DECLS

/* For kari_app_host_set_enabled_async(): asserts it worked and sets the
 * gboolean at @user_data. */
static inline void
kari_test_app_on_enabled (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kari_app_host_set_enabled_finish (KARI_APP_HOST (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

G_END_DECLS
