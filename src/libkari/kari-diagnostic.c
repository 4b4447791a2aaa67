/* kari-diagnostic.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-diagnostic.h"

G_DEFINE_BOXED_TYPE (KariDiagnostic, kari_diagnostic,
                     kari_diagnostic_copy, kari_diagnostic_free)

/**
 * kari_diagnostic_new:
 * @severity: error or warning
 * @file: (nullable): the file
 * @line: 1-based line or 0
 * @column: 1-based column or 0
 * @path: (nullable): the field path
 * @message: the message
 *
 * Returns: (transfer full): a new diagnostic
 */
KariDiagnostic *
kari_diagnostic_new (KariSeverity  severity,
                     const char   *file,
                     guint         line,
                     guint         column,
                     const char   *path,
                     const char   *message)
{
  KariDiagnostic *self = g_new0 (KariDiagnostic, 1);

  g_return_val_if_fail (message != NULL, NULL);

  self->severity = severity;
  self->file = g_strdup (file);
  self->line = line;
  self->column = column;
  self->path = (path != NULL && *path != '\0') ? g_strdup (path) : NULL;
  self->message = g_strdup (message);
  return self;
}

/**
 * kari_diagnostic_copy:
 * @self: a diagnostic
 *
 * Returns: (transfer full): a copy of @self
 */
KariDiagnostic *
kari_diagnostic_copy (const KariDiagnostic *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return kari_diagnostic_new (self->severity, self->file, self->line,
                              self->column, self->path, self->message);
}

/**
 * kari_diagnostic_free:
 * @self: (nullable): a diagnostic
 *
 * Frees @self.
 */
void
kari_diagnostic_free (KariDiagnostic *self)
{
  if (self == NULL)
    return;
  g_free (self->file);
  g_free (self->path);
  g_free (self->message);
  g_free (self);
}

/**
 * kari_severity_to_string:
 * @severity: a severity
 *
 * Returns: `error` or `warning`, as printed in diagnostics
 */
const char *
kari_severity_to_string (KariSeverity severity)
{
  return severity == KARI_SEVERITY_ERROR ? "error" : "warning";
}

/**
 * kari_diagnostic_to_string:
 * @self: a diagnostic
 *
 * Formats @self the way compilers do, so editors can jump to it:
 * `extension.toml:12:9: error: resources.max_memory_mb: expected …`.
 *
 * Returns: (transfer full): the formatted line, without a newline
 */
char *
kari_diagnostic_to_string (const KariDiagnostic *self)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  if (self->file != NULL)
    {
      g_string_append (s, self->file);
      if (self->line > 0)
        {
          g_string_append_printf (s, ":%u", self->line);
          if (self->column > 0)
            g_string_append_printf (s, ":%u", self->column);
        }
      g_string_append (s, ": ");
    }
  g_string_append_printf (s, "%s: ", kari_severity_to_string (self->severity));
  if (self->path != NULL)
    g_string_append_printf (s, "%s: ", self->path);
  g_string_append (s, self->message);
  return g_string_free (s, FALSE);
}

/**
 * kari_diagnostic_to_json:
 * @self: a diagnostic
 *
 * Returns: (transfer full): an object with `severity`, `file`, `line`,
 *   `column`, `path` and `message`
 */
JsonNode *
kari_diagnostic_to_json (const KariDiagnostic *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "severity");
  json_builder_add_string_value (b, kari_severity_to_string (self->severity));
  json_builder_set_member_name (b, "file");
  if (self->file != NULL)
    json_builder_add_string_value (b, self->file);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "line");
  json_builder_add_int_value (b, self->line);
  json_builder_set_member_name (b, "column");
  json_builder_add_int_value (b, self->column);
  json_builder_set_member_name (b, "path");
  if (self->path != NULL)
    json_builder_add_string_value (b, self->path);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, self->message);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/**
 * kari_diagnostics_new:
 *
 * Returns: (transfer full) (element-type KariDiagnostic): an empty list
 *   that frees its diagnostics
 */
GPtrArray *
kari_diagnostics_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) kari_diagnostic_free);
}

/**
 * kari_diagnostics_count:
 * @diagnostics: (element-type KariDiagnostic): a list
 * @severity: which kind to count
 *
 * Returns: how many of @diagnostics have @severity
 */
guint
kari_diagnostics_count (GPtrArray    *diagnostics,
                        KariSeverity  severity)
{
  guint n = 0;

  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    if (((KariDiagnostic *) g_ptr_array_index (diagnostics, i))->severity == severity)
      n++;
  return n;
}
