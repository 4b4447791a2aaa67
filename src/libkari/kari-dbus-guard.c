/* kari-dbus-guard.c — the relay between an extension's socket and GDBus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GDBus reads a whole message, up to 128 MiB, before any filter sees
 * it, and it reads a socket connection's GSocket directly, so a filter
 * stream cannot sit under it without losing descriptor passing and
 * credentials. Instead the broker accepts the extension's socket itself
 * and gives GDBus one end of a socketpair; this relay copies bytes
 * between the two through a bounded buffer each way: in a thread of its
 * own during the authentication, then in GDBus's worker thread, where it
 * costs a copy but no context switch (_kari_dbus_guard_move_here()); a
 * mutex per guard lets any thread run it. Before passing on what the extension wrote, it runs the guard
 * parser (kari-dbus-guard-parser.c): bounded SASL lines, then each
 * message's fixed header, so a message that declares more than the cap
 * fails the connection without ever being allocated. Reading also stops
 * while the extension is over its bytes or messages per second, so
 * back-pressure reaches the sender's socket, not host memory. What GDBus
 * writes back, descriptors included, is passed on as it is.
 */

#include "config.h"

#include <errno.h>
#include <gio/gunixfdmessage.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kari-dbus-guard-private.h"

/* Each direction's buffer: a D-Bus message streams through it. */
#define BUFFER_SIZE      (64 * 1024)
/* An extension that has not finished authenticating by then never will. */
#define SASL_TIMEOUT_MS  10000

struct _KariDBusGuard
{
  gatomicrefcount       ref;
  GMutex                lock;        /* the state below, whichever thread runs it */
  GMainContext         *context;     /* where its sources are: NULL for the guard thread */

  GSocketConnection    *outer_stream; /* closes its socket when disposed */
  GSocket              *outer;       /* the extension's end */
  GSocket              *relay;       /* our end of the pair */
  GSocketConnection    *inner;       /* GDBus's end, until taken */
  KariDBusGuardVerdict *verdict;     /* atomic rc box shared with the broker */
  KariDBusGuardParser   parser;
  gboolean              started;
  gboolean              closed;

  /* What the extension wrote: [start, parsed) may go on, [parsed, end)
   * waits for the parser or the rate limit. */
  guint8               *in;
  gsize                 in_start, in_parsed, in_end;
  GUnixFDList          *in_fds;      /* to send with the byte at in_fds_at */
  gsize                 in_fds_at;
  gboolean              outer_eof;

  /* What GDBus wrote, and its descriptors, for the extension. */
  guint8               *out;
  gsize                 out_start, out_end;
  GUnixFDList          *out_fds;

  guint64               byte_rate;   /* 0: no limit */
  guint                 message_rate;
  double                byte_tokens;
  double                message_tokens;
  gint64                refilled_usec;
  gint64                sasl_deadline_usec;

  GSource              *outer_source;
  GIOCondition          outer_condition;
  GSource              *relay_source;
  GIOCondition          relay_condition;
  GSource              *timer;

  /* Within one pump: a read found nothing more, do not ask again. */
  gboolean              outer_drained;
  gboolean              relay_drained;
};

static GMainContext *guard_context;

static gpointer
run_guard_thread (gpointer data)
{
  GMainLoop *loop = g_main_loop_new (data, FALSE);

  /* Like GDBus's own worker, it lives as long as the process. */
  g_main_loop_run (loop);
  return NULL;
}

/* One thread for every extension's relay, off the host's main loop. */
static GMainContext *
get_guard_context (void)
{
  if (g_once_init_enter (&guard_context))
    {
      GMainContext *context = g_main_context_new ();

      g_thread_unref (g_thread_new ("kari-dbus-guard", run_guard_thread, context));
      g_once_init_leave (&guard_context, context);
    }
  return guard_context;
}

KariDBusGuard *
_kari_dbus_guard_ref (KariDBusGuard *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
_kari_dbus_guard_unref (KariDBusGuard *self)
{
  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  g_clear_object (&self->outer);
  g_clear_object (&self->outer_stream);
  g_clear_object (&self->relay);
  g_clear_object (&self->inner);
  g_clear_object (&self->in_fds);
  g_clear_object (&self->out_fds);
  g_clear_pointer (&self->verdict, g_atomic_rc_box_release);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_free (self->in);
  g_free (self->out);
  g_free (self);
}

/**
 * _kari_dbus_guard_new:
 * @outer: the extension's accepted connection
 * @max_body: the largest message body it may declare
 * @verdict: where to say why the connection was closed; the guard takes
 *   a reference
 * @error: return location for a #GError
 *
 * Makes the relay for @outer and the socketpair whose other end GDBus
 * gets (_kari_dbus_guard_get_inner()). Nothing moves before
 * _kari_dbus_guard_start().
 *
 * Returns: (transfer full) (nullable): the guard
 */
KariDBusGuard *
_kari_dbus_guard_new (GSocketConnection    *outer,
                      guint64               max_body,
                      KariDBusGuardVerdict *verdict,
                      GError              **error)
{
  g_autoptr(GSocket) relay = NULL;
  g_autoptr(GSocket) inner = NULL;
  KariDBusGuard *self;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot make a socket pair: %s", g_strerror (saved));
      return NULL;
    }
  relay = g_socket_new_from_fd (fds[0], error);
  if (relay == NULL)
    {
      close (fds[0]);
      close (fds[1]);
      return NULL;
    }
  inner = g_socket_new_from_fd (fds[1], error);
  if (inner == NULL)
    {
      close (fds[1]);
      return NULL;
    }

  self = g_new0 (KariDBusGuard, 1);
  g_atomic_ref_count_init (&self->ref);
  g_mutex_init (&self->lock);
  self->outer_stream = g_object_ref (outer);
  self->outer = g_object_ref (g_socket_connection_get_socket (outer));
  self->relay = g_steal_pointer (&relay);
  self->inner = g_socket_connection_factory_create_connection (inner);
  self->verdict = g_atomic_rc_box_acquire (verdict);
  self->in = g_malloc (BUFFER_SIZE);
  self->out = g_malloc (BUFFER_SIZE);
  g_socket_set_blocking (self->outer, FALSE);
  g_socket_set_blocking (self->relay, FALSE);
  _kari_dbus_guard_parser_init (&self->parser, max_body);
  return self;
}

/**
 * _kari_dbus_guard_get_inner:
 * @self: a guard
 *
 * Returns: (transfer full): the connection to give GDBus, a
 *   #GUnixConnection, so descriptors and credentials pass
 */
GSocketConnection *
_kari_dbus_guard_get_inner (KariDBusGuard *self)
{
  return g_object_ref (self->inner);
}

/* ------------------------------------------------------------------ */
/* Relaying, with the guard's lock held                                */

static void pump (KariDBusGuard *self,
                  GSocket       *ready);

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
close_all (KariDBusGuard *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  clear_source (&self->outer_source);
  clear_source (&self->relay_source);
  clear_source (&self->timer);
  /* GDBus sees its end of the pair close and closes the connection; the
   * extension sees its socket close. */
  g_socket_shutdown (self->relay, TRUE, TRUE, NULL);
  g_socket_close (self->relay, NULL);
  g_socket_close (self->outer, NULL);
  g_clear_object (&self->in_fds);
  g_clear_object (&self->out_fds);
}

static void
fail (KariDBusGuard *self,
      const char    *problem)
{
  g_atomic_pointer_compare_and_exchange (&self->verdict->problem, NULL, problem);
  self->verdict->declared = self->parser.declared;
  close_all (self);
}

static void
refill (KariDBusGuard *self)
{
  gint64 now = g_get_monotonic_time ();
  double seconds = (double) (now - self->refilled_usec) / G_USEC_PER_SEC;

  self->refilled_usec = now;
  /* A second's worth is the burst. */
  if (self->byte_rate > 0)
    self->byte_tokens = MIN ((double) self->byte_rate, self->byte_tokens + seconds * self->byte_rate);
  if (self->message_rate > 0)
    self->message_tokens = MIN ((double) self->message_rate,
                                self->message_tokens + seconds * self->message_rate);
}

static gboolean
is_would_block (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
}

/* Sends @length bytes of @data on @socket, with @fds (taken) on the first
 * byte; returns the bytes sent, 0 when it would block, -1 on error. */
static gssize
send_some (GSocket      *socket,
           const guint8 *data,
           gsize         length,
           GUnixFDList **fds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketControlMessage) message = NULL;
  GOutputVector vector = { data, length };
  gssize sent;

  if (*fds != NULL)
    message = g_unix_fd_message_new_with_fd_list (*fds);
  sent = g_socket_send_message (socket, NULL, &vector, 1, message != NULL ? &message : NULL,
                                message != NULL ? 1 : 0, G_SOCKET_MSG_NONE, NULL, &error);
  if (sent < 0)
    return is_would_block (error) ? 0 : -1;
  g_clear_object (fds);
  return sent;
}

/* Receives into @data; returns the bytes read, 0 at the end of the
 * stream, -1 when it would block, -2 on error. Descriptors that came
 * with them are stored in @fds. */
static gssize
receive_some (GSocket      *socket,
              guint8       *data,
              gsize         length,
              GUnixFDList **fds)
{
  g_autoptr(GError) error = NULL;
  GInputVector vector = { data, length };
  GSocketControlMessage **messages = NULL;
  int n_messages = 0;
  int flags = 0;
  gssize got = g_socket_receive_message (socket, NULL, &vector, 1, &messages, &n_messages, &flags,
                                         NULL, &error);

  for (int i = 0; i < n_messages; i++)
    {
      if (G_IS_UNIX_FD_MESSAGE (messages[i]))
        {
          GUnixFDList *list = g_unix_fd_message_get_fd_list (G_UNIX_FD_MESSAGE (messages[i]));

          if (*fds == NULL)
            *fds = g_object_ref (list);
          else
            {
              /* More than one set at once: keep them all together. */
              for (int j = 0; j < g_unix_fd_list_get_length (list); j++)
                {
                  int fd = g_unix_fd_list_get (list, j, NULL);

                  if (fd >= 0)
                    {
                      g_unix_fd_list_append (*fds, fd, NULL);
                      close (fd);
                    }
                }
            }
        }
      g_object_unref (messages[i]);
    }
  g_free (messages);
  if (got < 0)
    return is_would_block (error) ? -1 : -2;
  return got;
}

/* Moves what the extension wrote towards GDBus; returns whether anything
 * moved. */
static gboolean
pump_in (KariDBusGuard *self)
{
  gboolean progress = FALSE;

  if (self->in_parsed < self->in_end)
    {
      guint64 allowed = self->message_rate > 0 ? (guint64) MAX (self->message_tokens, 0.0) : G_MAXUINT64;
      guint64 before = allowed;
      gsize taken = _kari_dbus_guard_parser_feed (&self->parser, self->in + self->in_parsed,
                                                  self->in_end - self->in_parsed, &allowed);

      if (self->message_rate > 0)
        self->message_tokens -= (double) (before - allowed);
      self->in_parsed += taken;
      progress |= taken > 0;
      if (self->parser.problem != NULL)
        {
          fail (self, self->parser.problem);
          return FALSE;
        }
    }

  if (self->in_start < self->in_parsed)
    {
      /* Descriptors go with the byte they came with, not earlier. */
      gsize until = self->in_fds != NULL && self->in_start < self->in_fds_at
                    ? MIN (self->in_fds_at, self->in_parsed) : self->in_parsed;
      GUnixFDList *none = NULL;
      gssize sent = send_some (self->relay, self->in + self->in_start, until - self->in_start,
                               self->in_fds != NULL && self->in_start == self->in_fds_at ? &self->in_fds : &none);

      if (sent < 0)
        {
          close_all (self);
          return FALSE;
        }
      self->in_start += sent;
      progress |= sent > 0;
    }
  if (self->in_start == self->in_end)
    self->in_start = self->in_parsed = self->in_end = 0;

  if (self->outer_eof && self->in_end == 0)
    {
      /* The extension closed its side: let GDBus see the end too. */
      g_socket_shutdown (self->relay, FALSE, TRUE, NULL);
    }
  else if (!self->outer_eof && !self->outer_drained && self->in_end < BUFFER_SIZE && self->in_fds == NULL
           && (self->byte_rate == 0 || self->byte_tokens >= 1.0))
    {
      gsize want = BUFFER_SIZE;
      gssize got;

      if (self->in_start > 0)
        {
          memmove (self->in, self->in + self->in_start, self->in_end - self->in_start);
          self->in_end -= self->in_start;
          self->in_parsed -= self->in_start;
          self->in_start = 0;
        }
      want -= self->in_end;
      if (self->byte_rate > 0)
        want = MIN (want, (gsize) self->byte_tokens);
      got = receive_some (self->outer, self->in + self->in_end, want, &self->in_fds);
      if (self->in_fds != NULL && g_unix_fd_list_get_length (self->in_fds) > KARI_DBUS_GUARD_MAX_FDS)
        {
          fail (self, "a message with too many file descriptors");
          return FALSE;
        }
      if (got == -2)
        {
          close_all (self);
          return FALSE;
        }
      if (got == 0)
        self->outer_eof = TRUE;
      /* A short read took all there was: asking again would only block. */
      self->outer_drained = got == -1 || (got > 0 && (gsize) got < want);
      if (got > 0)
        {
          self->in_fds_at = self->in_end;
          self->in_end += got;
          if (self->byte_rate > 0)
            self->byte_tokens -= (double) got;
        }
      progress |= got >= 0;
    }
  return progress;
}

/* Moves what GDBus wrote to the extension. */
static gboolean
pump_out (KariDBusGuard *self)
{
  gboolean progress = FALSE;

  if (self->out_start < self->out_end)
    {
      gssize sent = send_some (self->outer, self->out + self->out_start, self->out_end - self->out_start,
                               &self->out_fds);

      if (sent < 0)
        {
          close_all (self);
          return FALSE;
        }
      self->out_start += sent;
      progress |= sent > 0;
    }
  if (self->out_start == self->out_end && !self->relay_drained)
    {
      gssize got;

      self->out_start = self->out_end = 0;
      got = receive_some (self->relay, self->out, BUFFER_SIZE, &self->out_fds);
      self->relay_drained = got == -1 || (got > 0 && got < BUFFER_SIZE);
      if (got == 0 || got == -2)
        {
          /* GDBus closed the connection: so does the extension's socket. */
          close_all (self);
          return FALSE;
        }
      if (got > 0)
        {
          self->out_end = got;
          progress = TRUE;
        }
    }
  else if (self->out_start == self->out_end)
    self->out_start = self->out_end = 0;
  return progress;
}

static gboolean
on_ready (GSocket      *socket,
          GIOCondition  condition,
          gpointer      data)
{
  KariDBusGuard *self = data;

  g_mutex_lock (&self->lock);
  pump (self, socket);
  g_mutex_unlock (&self->lock);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timer (gpointer data)
{
  KariDBusGuard *self = data;

  g_mutex_lock (&self->lock);
  /* Not clear_source (): destroying the source being dispatched would
   * drop the reference its dispatch holds on @self too early. */
  if (self->timer == g_main_current_source ())
    g_clear_pointer (&self->timer, g_source_unref);
  pump (self, NULL);
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

static void
watch (KariDBusGuard *self,
       GSocket       *socket,
       GSource      **source,
       GIOCondition  *current,
       GIOCondition   wanted)
{
  if (*source != NULL && *current == wanted)
    return;
  clear_source (source);
  *current = wanted;
  if (wanted == 0)
    return;
  *source = g_socket_create_source (socket, wanted, NULL);
  g_source_set_callback (*source, (GSourceFunc) (GCallback) on_ready, _kari_dbus_guard_ref (self),
                         (GDestroyNotify) _kari_dbus_guard_unref);
  g_source_attach (*source, self->context != NULL ? self->context : get_guard_context ());
}

/* How long until reading may go on, in ms, or -1 when it is not held. */
static gint64
throttled_for (KariDBusGuard *self)
{
  double wait = 0;

  if (self->byte_rate > 0 && self->byte_tokens < 1.0)
    wait = MAX (wait, (1.0 - self->byte_tokens) / self->byte_rate);
  if (self->message_rate > 0 && self->message_tokens < 1.0 && self->in_parsed < self->in_end)
    wait = MAX (wait, (1.0 - self->message_tokens) / self->message_rate);
  return wait > 0 ? (gint64) (wait * 1000) + 1 : -1;
}

/* Moves what can move, then watches for what may come. @ready is the
 * socket whose source fired (NULL: either may have something): only it
 * is read at first, as a read of the other would only block. */
static void
pump (KariDBusGuard *self,
      GSocket       *ready)
{
  GIOCondition outer = 0, relay = 0;
  gint64 delay;
  gboolean progress;

  if (self->closed)
    return;
  if (self->sasl_deadline_usec > 0 && _kari_dbus_guard_parser_in_sasl (&self->parser)
      && g_get_monotonic_time () >= self->sasl_deadline_usec)
    {
      fail (self, "the authentication took too long");
      return;
    }

  self->outer_drained = ready == self->relay;
  self->relay_drained = ready == self->outer;
  do
    {
      refill (self);
      progress = pump_in (self);
      if (self->closed)
        return;
      progress |= pump_out (self);
      if (self->closed)
        return;
    }
  while (progress);

  if (!self->outer_eof && self->in_end < BUFFER_SIZE && self->in_fds == NULL
      && (self->byte_rate == 0 || self->byte_tokens >= 1.0))
    outer |= G_IO_IN;
  if (self->out_start < self->out_end)
    outer |= G_IO_OUT;
  else
    relay |= G_IO_IN;
  if (self->in_start < self->in_parsed)
    relay |= G_IO_OUT;
  watch (self, self->outer, &self->outer_source, &self->outer_condition, outer);
  watch (self, self->relay, &self->relay_source, &self->relay_condition, relay);

  delay = throttled_for (self);
  if (_kari_dbus_guard_parser_in_sasl (&self->parser))
    {
      gint64 left = (self->sasl_deadline_usec - g_get_monotonic_time ()) / 1000 + 1;

      delay = delay < 0 ? left : MIN (delay, left);
    }
  /* The timer is set again each time: a throttle may need it sooner
   * than the authentication deadline it was set for. */
  clear_source (&self->timer);
  if (delay >= 0)
    {
      self->timer = g_timeout_source_new ((guint) MIN (delay, G_MAXUINT));
      g_source_set_callback (self->timer, on_timer, _kari_dbus_guard_ref (self),
                             (GDestroyNotify) _kari_dbus_guard_unref);
      g_source_attach (self->timer, self->context != NULL ? self->context : get_guard_context ());
    }
}

/**
 * _kari_dbus_guard_set_rate:
 * @self: a guard
 * @bytes_per_second: bytes the extension may write a second (0: no limit)
 * @messages_per_second: messages it may write a second (0: no limit)
 *
 * A second's worth may come at once; past it, the guard stops reading
 * until the bucket refills. From any thread.
 */
void
_kari_dbus_guard_set_rate (KariDBusGuard *self,
                           guint64        bytes_per_second,
                           guint          messages_per_second)
{
  g_mutex_lock (&self->lock);
  self->byte_rate = bytes_per_second;
  self->message_rate = messages_per_second;
  /* Not running yet: the buckets start full. */
  self->byte_tokens = self->started ? MIN (self->byte_tokens, (double) self->byte_rate) : (double) self->byte_rate;
  self->message_tokens = self->started ? MIN (self->message_tokens, (double) self->message_rate)
                                       : (double) self->message_rate;
  if (self->started)
    pump (self, NULL);
  g_mutex_unlock (&self->lock);
}

/**
 * _kari_dbus_guard_start:
 * @self: a guard
 *
 * Starts relaying; the guard's thread takes it from there.
 */
void
_kari_dbus_guard_start (KariDBusGuard *self)
{
  g_mutex_lock (&self->lock);
  if (!self->started && !self->closed)
    {
      self->started = TRUE;
      self->refilled_usec = g_get_monotonic_time ();
      self->sasl_deadline_usec = self->refilled_usec + SASL_TIMEOUT_MS * 1000;
      pump (self, NULL);
    }
  g_mutex_unlock (&self->lock);
}


/**
 * _kari_dbus_guard_move_here:
 * @self: a guard
 *
 * Moves the relay's sources to the calling thread's default context. A
 * filter of the connection calls it from GDBus's worker thread: relayed
 * there, a message needs no other thread to wake up on its way, and the
 * relay costs a copy, not two context switches.
 */
void
_kari_dbus_guard_move_here (KariDBusGuard *self)
{
  g_autoptr(GMainContext) here = g_main_context_ref_thread_default ();

  g_mutex_lock (&self->lock);
  if (!self->closed && self->started && self->context != here)
    {
      clear_source (&self->outer_source);
      clear_source (&self->relay_source);
      clear_source (&self->timer);
      g_clear_pointer (&self->context, g_main_context_unref);
      self->context = g_steal_pointer (&here);
      pump (self, NULL);
    }
  g_mutex_unlock (&self->lock);
}

/**
 * _kari_dbus_guard_close:
 * @self: a guard
 *
 * Closes both sockets and removes the guard's sources, from any thread:
 * at once, as the thread its sources run in may be gone with the
 * connection.
 */
void
_kari_dbus_guard_close (KariDBusGuard *self)
{
  g_mutex_lock (&self->lock);
  close_all (self);
  g_mutex_unlock (&self->lock);
}
