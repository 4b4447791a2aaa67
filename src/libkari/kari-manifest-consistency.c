/* kari-manifest-consistency.c — rules that tie manifest fields together
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Capabilities must agree with what is declared: an extension that says
 * it provides pages must declare some, and one that declares pages must
 * not say it provides none. Pages and endpoints that disagree are
 * errors (the host would render or route the wrong thing); tasks and
 * webhooks that disagree are warnings (they are simply not run).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kari-manifest-validate-private.h"

typedef struct
{
  Provides      provides;
  const char   *flag;          /* object form member */
  const char   *declared_at;   /* where the declarations live */
  const char   *what;          /* what is declared, for messages */
  KariSeverity  undeclared_use;
} CapabilityRule;

static const CapabilityRule capability_rules[] = {
  { PROVIDES_UI,       "provides_ui",               "ui",               "pages",            KARI_SEVERITY_ERROR },
  { PROVIDES_API,      "provides_api",              "api",              "endpoints",        KARI_SEVERITY_ERROR },
  { PROVIDES_TASKS,    "provides_background_tasks", "background_tasks", "background tasks", KARI_SEVERITY_WARNING },
  { PROVIDES_WEBHOOKS, "provides_webhooks",         "webhooks",         "webhooks",         KARI_SEVERITY_WARNING },
};

static guint
declared_count (Validator *v,
                Provides   provides)
{
  switch (provides)
    {
    case PROVIDES_UI:
      return v->n_pages + v->n_web_pages;
    case PROVIDES_API:
      return v->n_endpoints;
    case PROVIDES_TASKS:
      return v->n_tasks;
    case PROVIDES_WEBHOOKS:
      return v->n_webhooks;
    case PROVIDES_MODEL:
    case N_PROVIDES:
    default:
      return 0;
    }
}

static gboolean
has_model_permission (Validator *v)
{
  GPtrArray *permissions = v->info->permissions;

  for (guint i = 0; i < permissions->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (permissions, i), "model:"))
      return TRUE;
  return FALSE;
}

void
_kari_validator_check_consistency (Validator  *v,
                                   JsonObject *root)
{
  const char *type = v->info->type;

  for (gsize i = 0; i < G_N_ELEMENTS (capability_rules); i++)
    {
      const CapabilityRule *rule = &capability_rules[i];
      ProvidesState state = v->provides[rule->provides];
      guint declared = declared_count (v, rule->provides);
      g_autofree char *flag_path = NULL;

      if (state == PROVIDES_UNSET)
        continue;

      flag_path = v->capabilities_list_form ? g_strdup (v->capabilities_path)
                                            : kari_path_append_member (v->capabilities_path, rule->flag);
      if (state == PROVIDES_YES && declared == 0)
        _kari_validator_report (v, KARI_SEVERITY_ERROR, flag_path,
                                _("%s is true, but no %s are declared in %s"),
                                v->capabilities_list_form ? "the capability" : rule->flag,
                                rule->what, rule->declared_at);
      else if (state == PROVIDES_NO && declared > 0)
        _kari_validator_report (v, rule->undeclared_use, rule->declared_at,
                                _("%u %s declared, but %s %s"),
                                declared, rule->what,
                                v->capabilities_list_form ? "capabilities do not list" : rule->flag,
                                v->capabilities_list_form ? "them" : "is false");
    }

  if (type == NULL)
    return;

  /* An addon is a UI enhancement: without pages it does nothing. */
  if (g_str_equal (type, "addon") && v->n_pages + v->n_web_pages == 0)
    _kari_validator_report (v, KARI_SEVERITY_ERROR, "type",
                            _("an addon must declare pages in ui (pages, control_room_pages, "
                            "web_pages or streamlit_pages)"));

  /* An instrument is a model front-end: it must say which side of the
   * model it is on, by a model capability or by asking for a model. */
  if (g_str_equal (type, "instrument")
      && v->provides[PROVIDES_MODEL] != PROVIDES_YES && !has_model_permission (v))
    _kari_validator_report (v, KARI_SEVERITY_ERROR, "type",
                            _("an instrument must declare a model capability (ai.inference, "
                            "ai.embedding, ai.training, model.inference or provides_model) "
                            "or a model: permission"));
}
