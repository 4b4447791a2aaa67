/* kari-broker-stats.c — counting the calls on an extension's connection
 * and timing their answers, for the metrics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The connection's filter sees every message both ways in GDBus's worker
 * thread: a call (the extension's to Host1, or the host's into the
 * extension) takes a slot with its serial and time, and the answer that
 * names that serial as its reply serial frees it and gives the latency.
 * The slots are a fixed ring: a call never answered (the extension
 * ignored a request that then timed out in the host) is overwritten
 * after CALL_SLOTS others, so a hostile extension cannot grow it.
 */
#include "config.h"

#include "kari-broker-private.h"

static gboolean
is_ping (GDBusMessage *message)
{
  return g_strcmp0 (g_dbus_message_get_member (message), "Ping") == 0
         && g_strcmp0 (g_dbus_message_get_interface (message), "io.github.kari.Extension1") == 0;
}

static void
take_slot (CallStats *stats,
           guint32    serial,
           gboolean   outgoing)
{
  CallSlot *slot = &stats->slots[stats->next_slot++ % CALL_SLOTS];

  slot->serial = serial;
  slot->outgoing = outgoing;
  slot->start_usec = g_get_monotonic_time ();
}

/* The time since the call @reply_serial was made the other way, or -1. */
static gint64
free_slot (CallStats *stats,
           guint32    reply_serial,
           gboolean   outgoing_call)
{
  for (guint i = 0; i < CALL_SLOTS; i++)
    {
      CallSlot *slot = &stats->slots[i];

      if (slot->serial == reply_serial && slot->serial != 0 && (gboolean) slot->outgoing == outgoing_call)
        {
          slot->serial = 0;
          return MAX (g_get_monotonic_time () - slot->start_usec, 0);
        }
    }
  return -1;
}

static void
raise_max (guint64 *max,
           guint64  value)
{
  guint64 seen = __atomic_load_n (max, __ATOMIC_RELAXED);

  while (value > seen
         && !__atomic_compare_exchange_n (max, &seen, value, TRUE, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
    ;
}

void
_kari_broker_stats_see (CallStats    *stats,
                        GDBusMessage *message,
                        gboolean      incoming)
{
  GDBusMessageType type = g_dbus_message_get_message_type (message);
  guint32 serial;
  gint64 latency;

  if (type == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    {
      if (!incoming && is_ping (message))
        return;
      __atomic_add_fetch (&stats->calls, 1, __ATOMIC_RELAXED);
      serial = g_dbus_message_get_serial (message);
      if (serial != 0)
        take_slot (stats, serial, !incoming);
      return;
    }
  if (type != G_DBUS_MESSAGE_TYPE_METHOD_RETURN && type != G_DBUS_MESSAGE_TYPE_ERROR)
    return;

  /* An answer coming in is to a call that went out, and the reverse. */
  latency = free_slot (stats, g_dbus_message_get_reply_serial (message), incoming);
  if (latency < 0)
    return;   /* a ping's, or one we never saw */
  if (type == G_DBUS_MESSAGE_TYPE_ERROR)
    {
      if (g_strcmp0 (g_dbus_message_get_error_name (message), KARI_BROKER_DBUS_ERROR_PERMISSION_DENIED) == 0)
        __atomic_add_fetch (&stats->denied, 1, __ATOMIC_RELAXED);
      else
        __atomic_add_fetch (&stats->errors, 1, __ATOMIC_RELAXED);
    }
  __atomic_add_fetch (&stats->latency_n, 1, __ATOMIC_RELAXED);
  __atomic_add_fetch (&stats->latency_sum_usec, (guint64) latency, __ATOMIC_RELAXED);
  raise_max (&stats->latency_max_usec, (guint64) latency);
}

/**
 * kari_broker_take_call_stats:
 * @self: a broker
 * @stats: (out caller-allocates): where to put the counts
 *
 * Hands over the calls counted since the last time and starts counting
 * afresh. Each count is exact; taken while calls go on, a call may be
 * counted in one period and its answer in the next.
 */
void
kari_broker_take_call_stats (KariBroker          *self,
                             KariBrokerCallStats *stats)
{
  CallStats *s;

  g_return_if_fail (KARI_IS_BROKER (self));
  g_return_if_fail (stats != NULL);

  s = &self->guard->stats;
  stats->calls = __atomic_exchange_n (&s->calls, 0, __ATOMIC_RELAXED);
  stats->call_errors = __atomic_exchange_n (&s->errors, 0, __ATOMIC_RELAXED);
  stats->call_denied = __atomic_exchange_n (&s->denied, 0, __ATOMIC_RELAXED);
  stats->latency_n = __atomic_exchange_n (&s->latency_n, 0, __ATOMIC_RELAXED);
  stats->latency_sum_usec = (gint64) __atomic_exchange_n (&s->latency_sum_usec, 0, __ATOMIC_RELAXED);
  stats->latency_max_usec = (gint64) __atomic_exchange_n (&s->latency_max_usec, 0, __ATOMIC_RELAXED);
}
