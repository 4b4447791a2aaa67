/* kari-policy-glob.c — the patterns policy rules match with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A rule field is a glob: `*` matches any run of bytes but `/`, `**`
 * any run at all. A trailing `/` + `**` also matches the folder itself, and
 * `**` between two slashes may match no segment at all (so the pattern
 * `a`, `/`, `**`, `/`, `b` matches `a/b`), as in most path globs. Resource patterns may start with
 * `~` or `$DATA`, which stand for the folders of the query's
 * #KariPermissionContext.
 *
 * Patterns are compiled once, when the policy is loaded, into tokens that
 * are run as a Thompson NFA over a bit set of at most 256 states: the
 * time is linear in the text whatever the pattern (a hostile resource
 * cannot make it backtrack), and a match allocates nothing.
 */
#include "config.h"

#include <string.h>

#include "kari-policy-glob-private.h"
#include "kari-text-private.h"

typedef enum
{
  TOKEN_BYTE,
  TOKEN_STAR,     /* any run without `/` */
  TOKEN_DSTAR,    /* any run */
  TOKEN_SEGS,     /* `**` and `/` at a segment start, before any input */
  TOKEN_SEGS_LOOP,/* the same once it has consumed something */
} TokenKind;

struct _KariGlobToken
{
  guint8  kind;
  guint8  byte;
  guint16 skip;   /* 0, or a state this one also reaches on no input */
};

#define N_WORDS ((KARI_POLICY_GLOB_MAX + 1 + 63) / 64)

typedef struct
{
  guint64 w[N_WORDS];
} StateSet;

static inline void
set_add (StateSet *s,
         guint     i)
{
  s->w[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
}

static inline gboolean
set_has (const StateSet *s,
         guint           i)
{
  return (s->w[i / 64] >> (i % 64)) & 1;
}

static inline gboolean
set_empty (const StateSet *s)
{
  guint64 any = 0;

  for (guint i = 0; i < N_WORDS; i++)
    any |= s->w[i];
  return any == 0;
}

/* Every ε-edge goes forward, so one ascending walk over the states in
 * the set, including those it adds, closes it. */
static void
closure (const KariGlob *glob,
         StateSet       *s)
{
  for (guint w = 0; w < N_WORDS; w++)
    {
      guint64 done = 0, bits;

      while ((bits = s->w[w] & ~done) != 0)
        {
          guint b = (guint) __builtin_ctzll (bits);
          guint i = w * 64 + b;
          const KariGlobToken *t;

          done |= G_GUINT64_CONSTANT (1) << b;
          if (i >= glob->n_tokens)
            continue;
          t = &glob->tokens[i];
          if (t->kind == TOKEN_STAR || t->kind == TOKEN_DSTAR)
            set_add (s, i + 1);
          if (t->skip != 0)
            set_add (s, t->skip);
        }
    }
}

static gboolean
run_nfa (const KariGlob *glob,
         guint           start,
         const char     *text,
         gsize           len,
         gboolean        fold_case)
{
  StateSet cur = { { 0 } };

  set_add (&cur, start);
  closure (glob, &cur);
  for (gsize p = start; p < len; p++)
    {
      guchar c = (guchar) text[p];
      StateSet next = { { 0 } };

      for (guint w = 0; w < N_WORDS; w++)
        {
          guint64 bits = cur.w[w];

          while (bits != 0)
            {
              guint i = w * 64 + (guint) __builtin_ctzll (bits);
              const KariGlobToken *t;

              bits &= bits - 1;
              if (i >= glob->n_tokens)
                continue;
              t = &glob->tokens[i];
              switch (t->kind)
                {
                case TOKEN_BYTE:
                  if (t->byte == c
                      || (fold_case && g_ascii_tolower (t->byte) == g_ascii_tolower (c)))
                    set_add (&next, i + 1);
                  break;
                case TOKEN_STAR:
                  if (c != '/')
                    set_add (&next, i);
                  break;
                case TOKEN_SEGS:
                case TOKEN_SEGS_LOOP:
                  /* zero or more segments, each ending with its `/` */
                  set_add (&next, t->kind == TOKEN_SEGS ? i + 1 : i);
                  if (c == '/')
                    set_add (&next, t->kind == TOKEN_SEGS ? i + 2 : i + 1);
                  break;
                case TOKEN_DSTAR:
                default:
                  set_add (&next, i);
                  break;
                }
            }
        }
      closure (glob, &next);
      if (set_empty (&next))
        return FALSE;
      cur = next;
    }
  return set_has (&cur, glob->n_tokens);
}

/*
 * _kari_glob_compile:
 * @anchors: whether a leading `~` or `$DATA` stands for a folder
 * @message: (out): why @text is not a pattern
 */
gboolean
_kari_glob_compile (KariGlob    *glob,
                    const char  *text,
                    gboolean     anchors,
                    char       **message)
{
  g_autofree KariGlobToken *tokens = NULL;
  const char *body = text;
  gsize len, bad, n = 0;

  memset (glob, 0, sizeof *glob);
  if (text == NULL || g_str_equal (text, "*") || g_str_equal (text, "**"))
    {
      glob->kind = KARI_GLOB_ANY;
      glob->text = g_strdup (text);
      return TRUE;
    }

  len = strlen (text);
  if (len == 0)
    {
      *message = g_strdup ("the pattern is empty");
      return FALSE;
    }
  if (len > KARI_POLICY_GLOB_MAX)
    {
      *message = g_strdup_printf ("the pattern is %" G_GSIZE_FORMAT " bytes long; at most %d are accepted",
                                  len, KARI_POLICY_GLOB_MAX);
      return FALSE;
    }
  if (_kari_text_find_control (text, &bad))
    {
      *message = g_strdup_printf ("the pattern holds a control character (byte %" G_GSIZE_FORMAT ")",
                                  bad + 1);
      return FALSE;
    }
  if (strstr (text, "***") != NULL)
    {
      *message = g_strdup ("“***” means nothing; use * (within a path segment) or ** (across them)");
      return FALSE;
    }

  if (anchors && text[0] == '~')
    {
      glob->anchor = KARI_GLOB_ANCHOR_HOME;
      body = text + 1;
    }
  else if (anchors && g_str_has_prefix (text, "$DATA"))
    {
      glob->anchor = KARI_GLOB_ANCHOR_DATA;
      body = text + 5;
    }
  if (glob->anchor != KARI_GLOB_ANCHOR_NONE && body[0] != '\0' && body[0] != '/')
    {
      *message = g_strdup_printf ("“%s” must be followed by “/” or end the pattern",
                                  glob->anchor == KARI_GLOB_ANCHOR_HOME ? "~" : "$DATA");
      return FALSE;
    }
  glob->text = g_strdup (text);
  glob->body = glob->text + (body - text);
  glob->body_len = strlen (glob->body);
  glob->has_colon = strchr (glob->body, ':') != NULL;

  if (strchr (glob->body, '*') == NULL)
    {
      glob->kind = KARI_GLOB_LITERAL;
      return TRUE;
    }

  glob->kind = KARI_GLOB_PATTERN;
  tokens = g_new0 (KariGlobToken, glob->body_len + 1);
  for (const char *c = glob->body; *c != '\0'; c++)
    {
      if (c[0] == '*' && c[1] == '*')
        {
          gboolean after_slash = c == glob->body || c[-1] == '/';

          /* `**` then `/` at a segment's start may match no segment;
           * two states, so that option exists only before any input */
          if (after_slash && c[2] == '/')
            {
              tokens[n].kind = TOKEN_SEGS;
              tokens[n].skip = (guint16) (n + 2);
              tokens[n + 1].kind = TOKEN_SEGS_LOOP;
              n += 2;
              c += 2;
            }
          else
            {
              tokens[n++].kind = TOKEN_DSTAR;
              c++;
            }
        }
      else if (c[0] == '*')
        tokens[n++].kind = TOKEN_STAR;
      else
        {
          tokens[n].kind = TOKEN_BYTE;
          tokens[n].byte = (guint8) c[0];
          /* a trailing slash and `**` also match the folder itself */
          if (c[0] == '/' && c[1] == '*' && c[2] == '*' && c[3] == '\0')
            tokens[n].skip = G_MAXUINT16;
          n++;
        }
    }
  for (gsize i = 0; i < n; i++)
    if (tokens[i].skip == G_MAXUINT16)
      tokens[i].skip = (guint16) n;
  glob->n_tokens = (guint) n;

  while (glob->prefix_len < n && tokens[glob->prefix_len].kind == TOKEN_BYTE
         && tokens[glob->prefix_len].skip == 0)
    glob->prefix_len++;
  while (glob->suffix_len < n - glob->prefix_len
         && tokens[n - 1 - glob->suffix_len].kind == TOKEN_BYTE
         && tokens[n - 1 - glob->suffix_len].skip == 0)
    glob->suffix_len++;
  glob->one_star = glob->prefix_len + 1 + glob->suffix_len == n
                   && (tokens[glob->prefix_len].kind == TOKEN_STAR
                       || tokens[glob->prefix_len].kind == TOKEN_DSTAR);
  glob->tokens = g_steal_pointer (&tokens);
  return TRUE;
}

void
_kari_glob_clear (KariGlob *glob)
{
  g_clear_pointer (&glob->text, g_free);
  g_clear_pointer (&glob->tokens, g_free);
  glob->body = NULL;
  glob->n_tokens = 0;
}

static inline gboolean
bytes_equal (const char *a,
             const char *b,
             gsize       len,
             gboolean    fold_case)
{
  return fold_case ? g_ascii_strncasecmp (a, b, len) == 0 : memcmp (a, b, len) == 0;
}

static gboolean
match_body (const KariGlob *glob,
            const char     *text,
            gsize           len,
            gboolean        fold_case)
{
  gsize middle;

  if (glob->kind == KARI_GLOB_LITERAL)
    return len == glob->body_len && bytes_equal (text, glob->body, len, fold_case);

  /* Most rules fail on their literal ends; only the rest needs the NFA. */
  if (len < glob->prefix_len + glob->suffix_len
      || !bytes_equal (text, glob->body, glob->prefix_len, fold_case)
      || !bytes_equal (text + len - glob->suffix_len, glob->body + glob->body_len - glob->suffix_len,
                       glob->suffix_len, fold_case))
    return FALSE;
  if (glob->one_star)
    {
      middle = len - glob->prefix_len - glob->suffix_len;
      return glob->tokens[glob->prefix_len].kind == TOKEN_DSTAR
             || memchr (text + glob->prefix_len, '/', middle) == NULL;
    }
  return run_nfa (glob, glob->prefix_len, text, len, fold_case);
}

/*
 * _kari_policy_glob_match:
 *
 * Matches a name field (extension, tenant, user, domain, action). An
 * absent field of the query (%NULL) only matches a pattern that matches
 * anything.
 */
gboolean
_kari_policy_glob_match (const KariGlob *glob,
                  const char     *text,
                  gboolean        fold_case)
{
  if (glob->kind == KARI_GLOB_ANY)
    return TRUE;
  if (text == NULL)
    return FALSE;
  return match_body (glob, text, strlen (text), fold_case);
}

/* Length of @folder without trailing slashes, so `/home/a/` and
 * `/home/a` anchor the same way. */
static gsize
folder_len (const char *folder)
{
  gsize len = strlen (folder);

  while (len > 0 && folder[len - 1] == '/')
    len--;
  return len;
}

/*
 * _kari_policy_glob_match_resource:
 * @host: the resource is `host[:port]`; hosts compare without case, and
 *   a pattern that names no port matches every port
 *
 * A pattern anchored at `~` or `$DATA` only matches when the context says
 * what they stand for.
 */
gboolean
_kari_policy_glob_match_resource (const KariGlob              *glob,
                           const char                  *resource,
                           const KariPermissionContext *context,
                           gboolean                     host)
{
  const char *rest = resource;
  gsize len;

  if (glob->kind == KARI_GLOB_ANY)
    return TRUE;
  if (resource == NULL)
    return FALSE;

  if (glob->anchor != KARI_GLOB_ANCHOR_NONE)
    {
      const char *folder = NULL;
      gsize flen;

      if (context != NULL)
        folder = glob->anchor == KARI_GLOB_ANCHOR_HOME ? context->home : context->data;
      if (folder == NULL || folder[0] != '/')
        return FALSE;
      flen = folder_len (folder);
      if (strncmp (resource, folder, flen) != 0)
        return FALSE;
      rest = resource + flen;
      if (rest[0] != '\0' && rest[0] != '/')
        return FALSE;
    }

  len = strlen (rest);
  if (match_body (glob, rest, len, host))
    return TRUE;

  if (host && !glob->has_colon)
    {
      const char *colon = strrchr (rest, ':');
      gboolean port = colon != NULL && colon[1] != '\0';

      for (const char *c = colon != NULL ? colon + 1 : NULL; port && *c; c++)
        port = g_ascii_isdigit (*c);
      if (port)
        return match_body (glob, rest, colon - rest, TRUE);
    }
  return FALSE;
}
