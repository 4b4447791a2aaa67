/* kari-dbus-guard-private.h — the guard between an extension's socket
 * and GDBus: a bounded SASL and D-Bus header parser, and the relay that
 * applies it before anything is buffered
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Limits of the SASL exchange before BEGIN: GDBus's own line reader has
 * no bound, so the guard gives it one. */
#define KARI_DBUS_GUARD_MAX_SASL_LINE   512
#define KARI_DBUS_GUARD_MAX_SASL_LINES  32
/* The header fields of any Host1 call (path, interface, member,
 * signature, reply serial) fit in far less. */
#define KARI_DBUS_GUARD_MAX_FIELDS      (64 * 1024)
/* No Host1 call takes descriptors; a few are tolerated, a pile is not. */
#define KARI_DBUS_GUARD_MAX_FDS         4

typedef enum
{
  KARI_DBUS_GUARD_SASL_NUL,     /* the first byte, which must be NUL */
  KARI_DBUS_GUARD_SASL_LINE,    /* CR LF terminated lines up to BEGIN */
  KARI_DBUS_GUARD_HEADER,       /* the 16 fixed bytes of a message */
  KARI_DBUS_GUARD_REST,         /* header fields, padding and body */
  KARI_DBUS_GUARD_FAILED,
} KariDBusGuardPhase;

typedef struct
{
  KariDBusGuardPhase phase;
  guint64            max_body;      /* largest body a message may declare */
  char               line[KARI_DBUS_GUARD_MAX_SASL_LINE + 1];
  guint              line_length;
  guint              n_lines;
  gboolean           saw_cr;
  guint8             header[16];
  guint              header_have;
  guint64            remaining;     /* of the current message, after its 16 bytes */
  guint64            n_messages;    /* messages whose header was accepted */
  guint64            last_size;     /* total size of the last accepted message */
  guint64            declared;      /* the size a refused header declared, or 0 */
  const char        *problem;       /* why the stream failed, for a person */
} KariDBusGuardParser;

void   _kari_dbus_guard_parser_init (KariDBusGuardParser *parser,
                                     guint64              max_body);
gsize  _kari_dbus_guard_parser_feed (KariDBusGuardParser *parser,
                                     const guint8        *data,
                                     gsize                length,
                                     guint64             *may_start);
gboolean _kari_dbus_guard_parser_in_sasl (const KariDBusGuardParser *parser);

/* The relay (kari-dbus-guard.c). */
typedef struct _KariDBusGuard KariDBusGuard;

/* What the broker and the relay thread share about one connection. */
typedef struct
{
  const char *problem;   /* atomic: why the connection was closed */
  guint64     declared;  /* atomic-ish: the size the refused message declared */
} KariDBusGuardVerdict;

KariDBusGuard     *_kari_dbus_guard_new         (GSocketConnection    *outer,
                                                 guint64               max_body,
                                                 KariDBusGuardVerdict *verdict,
                                                 GError              **error);
GSocketConnection *_kari_dbus_guard_get_inner   (KariDBusGuard        *self);
void               _kari_dbus_guard_set_rate    (KariDBusGuard        *self,
                                                 guint64               bytes_per_second,
                                                 guint                 messages_per_second);
void               _kari_dbus_guard_start       (KariDBusGuard        *self);
void               _kari_dbus_guard_close       (KariDBusGuard        *self);
void               _kari_dbus_guard_move_here   (KariDBusGuard        *self);
KariDBusGuard     *_kari_dbus_guard_ref         (KariDBusGuard        *self);
void               _kari_dbus_guard_unref       (KariDBusGuard        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KariDBusGuard, _kari_dbus_guard_unref)

G_END_DECLS
