/* audit-test-util.h — what the audit tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "kari-audit-private.h"
#include "kari-test-sql.h"
#include "kari-test-util.h"

G_BEGIN_DECLS

#define N_THREADS 8

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static inline void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  kari_test_tmp_db ("kari-audit-XXXXXX", "registry.db", &f->dir, &f->path);
}

static inline void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  kari_test_tmp_db_clear (&f->dir, &f->path);
}

static inline KariAuditLog *
open_log (const char *path,
          guint       capacity)
{
  g_autoptr(GError) error = NULL;
  KariAuditLog *log = _kari_audit_log_open_full (path, capacity, &error);

  g_assert_no_error (error);
  g_assert_nonnull (log);
  return log;
}

G_END_DECLS
