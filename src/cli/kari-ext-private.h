/* kari-ext-private.h — what the kari-ext commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari.h"

G_BEGIN_DECLS

/* Exit statuses: 0 success, 1 the thing asked about is bad, 2 usage. */
#define KARI_EXIT_OK      0
#define KARI_EXIT_FAILURE 1
#define KARI_EXIT_USAGE   2

typedef struct
{
  const char *name;
  const char *parameter;
  const char *summary;
  int       (*run) (int argc, char **argv);
} KariExtCommand;

int            kari_ext_validate       (int argc, char **argv);
int            kari_ext_list           (int argc, char **argv);
int            kari_ext_info           (int argc, char **argv);
int            kari_ext_resolve        (int argc, char **argv);
int            kari_ext_page           (int argc, char **argv);

int            _kari_ext_parse_options (const KariExtCommand *command,
                                        GOptionEntry         *entries,
                                        int                  *argc,
                                        char               ***argv);
const KariExtCommand *_kari_ext_lookup_command (const char *name);
int            _kari_ext_usage_error   (const KariExtCommand *command,
                                        const char           *format,
                                        ...) G_GNUC_PRINTF (2, 3);
void           _kari_ext_print_json    (JsonNode             *node);
void           _kari_ext_print_diagnostics (GPtrArray        *diagnostics);
KariDiscovery *_kari_ext_discover      (void);
KariRegistry  *_kari_ext_open_registry (KariDiscovery        *discovery,
                                        GError              **error);
const char    *_kari_ext_state_of      (KariRegistry         *registry,
                                        const char           *name);
const char    *_kari_ext_or_dash       (const char           *text);
JsonNode      *_kari_ext_strv_to_json  (const char * const   *strv);

/* What the permission commands work with (kari-ext-host.c). */
typedef struct
{
  KariDiscovery        *discovery;
  KariRegistry         *registry;
  KariAuditLog         *audit;
  KariPermissionEngine *engine;
  const char           *actor;
} KariExtHost;

const char    *_kari_ext_default_tenant (void);
gboolean       _kari_ext_tenant_exists (KariExtHost          *host,
                                        const char           *tenant,
                                        GError              **error);
gboolean       _kari_ext_host_open     (KariExtHost          *host,
                                        GError              **error);
gboolean       _kari_ext_host_close    (KariExtHost          *host,
                                        GError              **error);
void           _kari_ext_host_clear    (KariExtHost          *host);
int            _kari_ext_fail          (KariExtHost          *host,
                                        const GError         *error);
int            _kari_ext_finish        (KariExtHost          *host,
                                        int                   status);
KariManifest  *_kari_ext_host_lookup   (KariExtHost          *host,
                                        const char           *name);
gboolean       _kari_ext_parse_time    (const char           *text,
                                        gint64               *usec,
                                        GError              **error);
char          *_kari_ext_format_time   (gint64                usec);
void           _kari_ext_store_result  (GObject              *source,
                                        GAsyncResult         *result,
                                        gpointer              user_data);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KariExtHost, _kari_ext_host_clear)

/* kari-ext-control.c */
GDBusConnection *_kari_ext_find_host   (gboolean              quiet);
int            _kari_ext_live_metrics  (GDBusConnection      *bus,
                                        const char           *name,
                                        gboolean              json);

/* kari-ext-prompt.c: answers permission prompts on the terminal. */
#define KARI_EXT_TYPE_TERMINAL_AGENT (kari_ext_terminal_agent_get_type ())
G_DECLARE_FINAL_TYPE (KariExtTerminalAgent, kari_ext_terminal_agent, KARI_EXT, TERMINAL_AGENT, GObject)
KariPromptAgent *_kari_ext_terminal_agent_new (void);

int            kari_ext_permissions    (int argc, char **argv);
int            kari_ext_grant          (int argc, char **argv);
int            kari_ext_revoke         (int argc, char **argv);
int            kari_ext_check          (int argc, char **argv);
int            kari_ext_policy         (int argc, char **argv);
int            kari_ext_audit          (int argc, char **argv);
int            kari_ext_users          (int argc, char **argv);
int            kari_ext_data           (int argc, char **argv);
int            kari_ext_run            (int argc, char **argv);
/* kari-ext-control.c: scripting the host kari-ext run started. */
int            kari_ext_start          (int argc, char **argv);
int            kari_ext_stop           (int argc, char **argv);
int            kari_ext_restart        (int argc, char **argv);
int            kari_ext_status         (int argc, char **argv);
int            kari_ext_logs           (int argc, char **argv);
int            kari_ext_metrics        (int argc, char **argv);
int            kari_ext_call           (int argc, char **argv);
/* kari-ext-tenant.c, kari-ext-remove.c */
int            kari_ext_tenant         (int argc, char **argv);
int            kari_ext_enable         (int argc, char **argv);
int            kari_ext_disable        (int argc, char **argv);
int            kari_ext_remove         (int argc, char **argv);
int            kari_ext_config         (int argc, char **argv);
void           _kari_ext_announce_config (const char *extension,
                                        const char *tenant);
gboolean       _kari_ext_running_in_host (const char        *name,
                                          const char        *tenant,
                                          char             **found,
                                          GDBusConnection  **host_bus,
                                          GError           **error);
gboolean       _kari_ext_confirm       (const char *format,
                                        ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
