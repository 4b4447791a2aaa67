/* kari-dbus-guard-parser.c — what an extension may write before GDBus
 * reads it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A byte-at-a-time state machine over the stream an extension writes:
 * the NUL byte and the SASL lines of the authentication (bounded in
 * length and number), then, after BEGIN, each message's 16-byte fixed
 * header, from which the size of the whole message is known before any
 * of it is kept. It holds nothing but its state, so fragments of any
 * size parse the same, and it is fuzzed on its own.
 */

#include "config.h"

#include <string.h>

#include "kari-dbus-guard-private.h"

/**
 * _kari_dbus_guard_parser_init:
 * @parser: the parser
 * @max_body: the largest body, in bytes, a message may declare
 *
 * Starts @parser at the beginning of a connection, before authentication.
 */
void
_kari_dbus_guard_parser_init (KariDBusGuardParser *parser,
                              guint64              max_body)
{
  memset (parser, 0, sizeof *parser);
  parser->phase = KARI_DBUS_GUARD_SASL_NUL;
  parser->max_body = max_body;
}

/**
 * _kari_dbus_guard_parser_in_sasl:
 * @parser: the parser
 *
 * Returns: whether the authentication has not ended yet
 */
gboolean
_kari_dbus_guard_parser_in_sasl (const KariDBusGuardParser *parser)
{
  return parser->phase == KARI_DBUS_GUARD_SASL_NUL || parser->phase == KARI_DBUS_GUARD_SASL_LINE;
}

static void
fail (KariDBusGuardParser *parser,
      const char          *problem)
{
  parser->phase = KARI_DBUS_GUARD_FAILED;
  parser->problem = problem;
}

static guint32
read_u32 (const guint8 *bytes,
          gboolean      little)
{
  return little ? (guint32) bytes[0] | (guint32) bytes[1] << 8 | (guint32) bytes[2] << 16 | (guint32) bytes[3] << 24
                : (guint32) bytes[3] | (guint32) bytes[2] << 8 | (guint32) bytes[1] << 16 | (guint32) bytes[0] << 24;
}

/* The fixed header: endianness, type, flags, version, body length,
 * serial, then the length of the header fields array, which is padded
 * to 8 bytes before the body. */
static void
check_header (KariDBusGuardParser *parser)
{
  const guint8 *h = parser->header;
  gboolean little = h[0] == 'l';
  guint64 body, fields, padded;

  if ((h[0] != 'l' && h[0] != 'B') || h[1] < 1 || h[1] > 4 || h[3] != 1)
    {
      fail (parser, "not a D-Bus message");
      return;
    }
  body = read_u32 (h + 4, little);
  fields = read_u32 (h + 12, little);
  if (fields > KARI_DBUS_GUARD_MAX_FIELDS)
    {
      parser->declared = 16 + fields + body;
      fail (parser, "a message header over its size limit");
      return;
    }
  if (body > parser->max_body)
    {
      parser->declared = 16 + fields + body;
      fail (parser, "a message over the size limit");
      return;
    }
  padded = (16 + fields + 7) / 8 * 8 - 16;
  parser->remaining = padded + body;
  parser->last_size = 16 + parser->remaining;
  parser->n_messages++;
  parser->header_have = 0;
  parser->phase = parser->remaining > 0 ? KARI_DBUS_GUARD_REST : KARI_DBUS_GUARD_HEADER;
}

static void
end_line (KariDBusGuardParser *parser)
{
  parser->line[parser->line_length] = '\0';
  if (++parser->n_lines > KARI_DBUS_GUARD_MAX_SASL_LINES)
    {
      fail (parser, "too many authentication lines");
      return;
    }
  if (strcmp (parser->line, "BEGIN") == 0)
    parser->phase = KARI_DBUS_GUARD_HEADER;
  parser->line_length = 0;
  parser->saw_cr = FALSE;
}

static void
feed_sasl (KariDBusGuardParser *parser,
           guint8               byte)
{
  if (parser->saw_cr)
    {
      if (byte == '\n')
        end_line (parser);
      else
        fail (parser, "a malformed authentication line");
      return;
    }
  if (byte == '\r')
    parser->saw_cr = TRUE;
  else if (byte < 0x20 || byte > 0x7e)
    fail (parser, "a malformed authentication line");
  else if (parser->line_length >= KARI_DBUS_GUARD_MAX_SASL_LINE)
    fail (parser, "an authentication line over its size limit");
  else
    parser->line[parser->line_length++] = (char) byte;
}

/**
 * _kari_dbus_guard_parser_feed:
 * @parser: the parser
 * @data: (array length=length): the next bytes of the stream
 * @length: how many
 * @may_start: (inout): how many more messages may begin; decremented for
 *   each that does
 *
 * Parses the next bytes an extension wrote. Stops early when @may_start
 * reaches 0 at the start of a message (those bytes wait for the rate
 * limit), or at the first byte that makes the stream fail, after which
 * @parser->problem says why and nothing more is accepted.
 *
 * Returns: how many bytes of @data were taken: to pass on, unless
 *   @parser->problem is set
 */
gsize
_kari_dbus_guard_parser_feed (KariDBusGuardParser *parser,
                              const guint8        *data,
                              gsize                length,
                              guint64             *may_start)
{
  gsize i = 0;

  while (i < length)
    {
      switch (parser->phase)
        {
        case KARI_DBUS_GUARD_SASL_NUL:
          if (data[i] != '\0')
            {
              fail (parser, "not a D-Bus authentication");
              return i;
            }
          parser->phase = KARI_DBUS_GUARD_SASL_LINE;
          i++;
          break;

        case KARI_DBUS_GUARD_SASL_LINE:
          feed_sasl (parser, data[i]);
          if (parser->phase == KARI_DBUS_GUARD_FAILED)
            return i;
          i++;
          break;

        case KARI_DBUS_GUARD_HEADER:
          if (parser->header_have == 0)
            {
              if (*may_start == 0)
                return i;
              (*may_start)--;
            }
          {
            gsize take = MIN (length - i, sizeof parser->header - parser->header_have);

            memcpy (parser->header + parser->header_have, data + i, take);
            parser->header_have += take;
            i += take;
            /* A refused header counts as taken however it was split; the
             * relay passes on nothing once the stream failed. */
            if (parser->header_have == sizeof parser->header)
              {
                check_header (parser);
                if (parser->phase == KARI_DBUS_GUARD_FAILED)
                  return i;
              }
          }
          break;

        case KARI_DBUS_GUARD_REST:
          {
            gsize take = (gsize) MIN ((guint64) (length - i), parser->remaining);

            parser->remaining -= take;
            i += take;
            if (parser->remaining == 0)
              parser->phase = KARI_DBUS_GUARD_HEADER;
          }
          break;

        case KARI_DBUS_GUARD_FAILED:
        default:
          return i;
        }
    }
  return i;
}
