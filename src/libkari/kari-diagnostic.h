/* kari-diagnostic.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "kari-location.h"

G_BEGIN_DECLS

/**
 * KariSeverity:
 * @KARI_SEVERITY_ERROR: the input is refused
 * @KARI_SEVERITY_WARNING: the input is accepted, but something is off
 *
 * How serious a #KariDiagnostic is.
 */
typedef enum
{
  KARI_SEVERITY_ERROR,
  KARI_SEVERITY_WARNING,
} KariSeverity;

#define KARI_TYPE_DIAGNOSTIC (kari_diagnostic_get_type ())

/**
 * KariDiagnostic:
 * @severity: error or warning
 * @file: (nullable): the file the diagnostic is about
 * @line: 1-based line, 0 when unknown
 * @column: 1-based column, 0 when unknown
 * @path: (nullable): the field path, such as `dependencies.extensions[1]`
 * @message: what was wrong and what was expected
 *
 * One message about an input file, printed as
 * `file:line:column: error: path: message`.
 */
typedef struct
{
  KariSeverity  severity;
  char         *file;
  guint         line;
  guint         column;
  char         *path;
  char         *message;
} KariDiagnostic;

GType           kari_diagnostic_get_type   (void) G_GNUC_CONST;
KariDiagnostic *kari_diagnostic_new        (KariSeverity          severity,
                                            const char           *file,
                                            guint                 line,
                                            guint                 column,
                                            const char           *path,
                                            const char           *message);
KariDiagnostic *kari_diagnostic_copy       (const KariDiagnostic *self);
void            kari_diagnostic_free       (KariDiagnostic       *self);
char           *kari_diagnostic_to_string  (const KariDiagnostic *self);
JsonNode       *kari_diagnostic_to_json    (const KariDiagnostic *self);
const char     *kari_severity_to_string    (KariSeverity          severity);

GPtrArray      *kari_diagnostics_new       (void);
guint           kari_diagnostics_count     (GPtrArray            *diagnostics,
                                            KariSeverity          severity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariDiagnostic, kari_diagnostic_free)

G_END_DECLS
