/* kari-grant-index.c — the grant store's memory
 *
 * Grants are bucketed by (extension, tenant), so a check is one hash
 * lookup (with a key on the stack) and a walk over that extension's few
 * grants in that tenant, matching the patterns parsed once at grant time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kari-grant-index-private.h"

G_DEFINE_BOXED_TYPE (KariGrant, kari_grant, kari_grant_copy, kari_grant_free)

/* When several grants match, the one that lasts longest decides, so that
 * a once-grant is not consumed while a lasting grant allows anyway. */
static const guint scope_rank[] = {
  [KARI_SCOPE_ONCE]       = 0,
  [KARI_SCOPE_SESSION]    = 1,
  [KARI_SCOPE_UNTIL]      = 2,
  [KARI_SCOPE_PERSISTENT] = 3,
};

typedef struct
{
  KariGrant             *grant;
  KariPermissionPattern *pattern;   /* NULL when the text no longer parses */
} Entry;

/* The grants of one extension in one tenant; key and value of buckets */
typedef struct
{
  char      *extension;
  char      *tenant;
  GPtrArray *entries;   /* Entry*, owned */
} Bucket;

struct _KariGrantIndex
{
  GHashTable *buckets;        /* Bucket* → itself */
  GHashTable *by_id;          /* &grant->id → Entry*, borrowed */
  GArray     *expired_rows;   /* row ids dropped here, still on disk */
};

/**
 * kari_grant_copy:
 * @self: a #KariGrant
 *
 * Returns: (transfer full): a deep copy
 */
KariGrant *
kari_grant_copy (const KariGrant *self)
{
  KariGrant *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->extension = g_strdup (self->extension);
  copy->tenant = g_strdup (self->tenant);
  copy->user = g_strdup (self->user);
  copy->permission = g_strdup (self->permission);
  copy->granted_by = g_strdup (self->granted_by);
  return copy;
}

/**
 * kari_grant_free:
 * @self: (nullable): a #KariGrant
 */
void
kari_grant_free (KariGrant *self)
{
  if (self == NULL)
    return;
  g_free (self->extension);
  g_free (self->tenant);
  g_free (self->user);
  g_free (self->permission);
  g_free (self->granted_by);
  g_free (self);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  kari_grant_free (entry->grant);
  g_clear_pointer (&entry->pattern, kari_permission_pattern_free);
  g_free (entry);
}

static void
bucket_free (gpointer data)
{
  Bucket *bucket = data;

  g_free (bucket->extension);
  g_free (bucket->tenant);
  g_ptr_array_unref (bucket->entries);
  g_free (bucket);
}

static guint
bucket_hash (gconstpointer data)
{
  const Bucket *bucket = data;

  return g_str_hash (bucket->extension) * 31 + g_str_hash (bucket->tenant);
}

static gboolean
bucket_equal (gconstpointer a,
              gconstpointer b)
{
  const Bucket *x = a, *y = b;

  return strcmp (x->extension, y->extension) == 0 && strcmp (x->tenant, y->tenant) == 0;
}

KariGrantIndex *
_kari_grant_index_new (void)
{
  KariGrantIndex *self = g_new0 (KariGrantIndex, 1);

  self->buckets = g_hash_table_new_full (bucket_hash, bucket_equal, bucket_free, NULL);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->expired_rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  return self;
}

void
_kari_grant_index_free (KariGrantIndex *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->by_id);
  g_hash_table_unref (self->buckets);
  g_array_unref (self->expired_rows);
  g_free (self);
}

/* The row ids of until-grants dropped as ended; the store deletes them
 * from disk with its next write and removes them from the front. */
GArray *
_kari_grant_index_get_expired_rows (KariGrantIndex *self)
{
  return self->expired_rows;
}

static inline gboolean
entry_expired (const Entry *entry,
               gint64       now)
{
  return entry->grant->scope == KARI_SCOPE_UNTIL && now >= entry->grant->deadline_usec;
}

static Bucket *
lookup_bucket (KariGrantIndex *self,
               const char     *extension,
               const char     *tenant)
{
  Bucket key = { (char *) extension, (char *) tenant, NULL };

  return g_hash_table_lookup (self->buckets, &key);
}

/* Takes @grant and @pattern (which may be %NULL: never matches). */
void
_kari_grant_index_insert (KariGrantIndex        *self,
                          KariGrant             *grant,
                          KariPermissionPattern *pattern)
{
  Bucket *bucket = lookup_bucket (self, grant->extension, grant->tenant);
  Entry *entry = g_new0 (Entry, 1);

  entry->grant = grant;
  entry->pattern = pattern;
  if (bucket == NULL)
    {
      bucket = g_new0 (Bucket, 1);
      bucket->extension = g_strdup (grant->extension);
      bucket->tenant = g_strdup (grant->tenant);
      bucket->entries = g_ptr_array_new_with_free_func (entry_free);
      g_hash_table_add (self->buckets, bucket);
    }
  g_ptr_array_add (bucket->entries, entry);
  g_hash_table_insert (self->by_id, &grant->id, entry);
}

/* Removes entry @index of @bucket; the bucket stays until
 * prune_bucket(). An ended until-grant's row is remembered for the
 * store's next write. */
static void
remove_entry (KariGrantIndex *self,
              Bucket         *bucket,
              guint           index,
              gboolean        expired)
{
  Entry *entry = g_ptr_array_index (bucket->entries, index);

  if (expired && entry->grant->id > 0)
    g_array_append_val (self->expired_rows, entry->grant->id);
  g_hash_table_remove (self->by_id, &entry->grant->id);
  g_ptr_array_remove_index_fast (bucket->entries, index);
}

static void
prune_bucket (KariGrantIndex *self,
              Bucket         *bucket)
{
  if (bucket->entries->len == 0)
    g_hash_table_remove (self->buckets, bucket);
}

/* Drops @bucket's ended grants; returns whether any was. */
static gboolean
drop_expired (KariGrantIndex *self,
              Bucket         *bucket,
              gint64          now)
{
  gboolean dropped = FALSE;

  /* Backwards, because removal moves the last entry into the hole */
  for (guint i = bucket->entries->len; i-- > 0;)
    if (entry_expired (g_ptr_array_index (bucket->entries, i), now))
      {
        remove_entry (self, bucket, i, TRUE);
        dropped = TRUE;
      }
  return dropped;
}

gboolean
_kari_grant_index_remove_id (KariGrantIndex *self,
                             gint64          id)
{
  Entry *entry = g_hash_table_lookup (self->by_id, &id);
  Bucket *bucket;

  if (entry == NULL)
    return FALSE;
  bucket = lookup_bucket (self, entry->grant->extension, entry->grant->tenant);
  for (guint i = 0; i < bucket->entries->len; i++)
    if (g_ptr_array_index (bucket->entries, i) == entry)
      {
        remove_entry (self, bucket, i, FALSE);
        break;
      }
  prune_bucket (self, bucket);
  return TRUE;
}

/* Removes @id from @rows; returns whether it was there. */
static gboolean
take_row (GArray *rows,
          gint64  id)
{
  gboolean found = FALSE;

  for (guint i = rows->len; i-- > 0;)
    if (g_array_index (rows, gint64, i) == id)
      {
        g_array_remove_index_fast (rows, i);
        found = TRUE;
      }
  return found;
}

/* After @to was read from disk again, keeps what only @from knows:
 * the grants that live in memory (once and session, negative ids), the
 * end of each until-grant as this process's clock has it (a reload must
 * neither move it nor end it early), and which rows ended here and wait
 * to be deleted (they must not come back). @from is freed next. */
void
_kari_grant_index_carry_over (KariGrantIndex *from,
                              KariGrantIndex *to)
{
  GHashTableIter iter;
  Bucket *bucket;

  g_hash_table_iter_init (&iter, from->buckets);
  while (g_hash_table_iter_next (&iter, (gpointer *) &bucket, NULL))
    for (guint i = bucket->entries->len; i-- > 0;)
      {
        Entry *entry = g_ptr_array_index (bucket->entries, i);
        Entry *again;

        if (entry->grant->id > 0)
          {
            again = g_hash_table_lookup (to->by_id, &entry->grant->id);
            if (again != NULL)
              {
                if (again->grant->scope == KARI_SCOPE_UNTIL)
                  again->grant->deadline_usec = entry->grant->deadline_usec;
                continue;
              }
            /* A row gone from disk was revoked, and goes. One still on
             * disk but over by the reload's reckoning (from the boot
             * clock, which the store's clock need not follow) stays as
             * it was: the store's clock decides when it ends. */
            if (!take_row (to->expired_rows, entry->grant->id))
              continue;
          }
        g_hash_table_remove (from->by_id, &entry->grant->id);
        _kari_grant_index_insert (to, g_steal_pointer (&entry->grant), g_steal_pointer (&entry->pattern));
        g_ptr_array_remove_index_fast (bucket->entries, i);
      }
  for (guint i = 0; i < from->expired_rows->len; i++)
    _kari_grant_index_remove_id (to, g_array_index (from->expired_rows, gint64, i));
  g_array_append_vals (to->expired_rows, from->expired_rows->data, from->expired_rows->len);
  g_array_set_size (from->expired_rows, 0);
}

/* The grant @id when it is in force at @now, else NULL; borrowed. */
const KariGrant *
_kari_grant_index_lookup (KariGrantIndex *self,
                          gint64          id,
                          gint64          now)
{
  Entry *entry = g_hash_table_lookup (self->by_id, &id);

  return entry != NULL && !entry_expired (entry, now) ? entry->grant : NULL;
}

/* A copy of a grant held with the same user, permission and scope as
 * @grant, or NULL. */
KariGrant *
_kari_grant_index_dup_same (KariGrantIndex  *self,
                            const KariGrant *grant)
{
  Bucket *bucket = lookup_bucket (self, grant->extension, grant->tenant);

  for (guint i = 0; bucket != NULL && i < bucket->entries->len; i++)
    {
      const KariGrant *held = ((Entry *) g_ptr_array_index (bucket->entries, i))->grant;

      if (held->scope == grant->scope && g_strcmp0 (held->user, grant->user) == 0 &&
          strcmp (held->permission, grant->permission) == 0)
        return kari_grant_copy (held);
    }
  return NULL;
}

static gboolean
filter_matches (const KariGrantFilter *filter,
                const KariGrant       *grant)
{
  return (filter->user == NULL || g_strcmp0 (grant->user, filter->user) == 0) &&
         (filter->permission == NULL ||
          strcmp (grant->permission, filter->permission) == 0 ||
          g_strcmp0 (grant->permission, filter->canonical) == 0);
}

static GPtrArray *
select_buckets (KariGrantIndex        *self,
                const KariGrantFilter *filter)
{
  GPtrArray *selected = g_ptr_array_new ();
  GHashTableIter iter;
  Bucket *bucket;

  if (filter->extension != NULL && filter->tenant != NULL)
    {
      bucket = lookup_bucket (self, filter->extension, filter->tenant);
      if (bucket != NULL)
        g_ptr_array_add (selected, bucket);
      return selected;
    }
  g_hash_table_iter_init (&iter, self->buckets);
  while (g_hash_table_iter_next (&iter, (gpointer *) &bucket, NULL))
    if ((filter->extension == NULL || strcmp (bucket->extension, filter->extension) == 0) &&
        (filter->tenant == NULL || strcmp (bucket->tenant, filter->tenant) == 0))
      g_ptr_array_add (selected, bucket);
  return selected;
}

/* Drops the ended grants of the buckets @filter selects, then adds the
 * row ids of the lasting grants it matches to @row_ids and copies of
 * all it matches to @copies (either may be NULL). Returns whether any
 * grant was dropped. */
gboolean
_kari_grant_index_collect (KariGrantIndex        *self,
                           const KariGrantFilter *filter,
                           gint64                 now,
                           GArray                *row_ids,
                           GPtrArray             *copies)
{
  g_autoptr(GPtrArray) selected = select_buckets (self, filter);
  gboolean dropped = FALSE;

  for (guint b = 0; b < selected->len; b++)
    {
      Bucket *bucket = g_ptr_array_index (selected, b);

      dropped |= drop_expired (self, bucket, now);
      for (guint i = 0; i < bucket->entries->len; i++)
        {
          const KariGrant *grant = ((Entry *) g_ptr_array_index (bucket->entries, i))->grant;

          if (!filter_matches (filter, grant))
            continue;
          if (row_ids != NULL && grant->id > 0)
            g_array_append_val (row_ids, grant->id);
          if (copies != NULL)
            g_ptr_array_add (copies, kari_grant_copy (grant));
        }
      prune_bucket (self, bucket);
    }
  return dropped;
}

/* Removes the once and session grants @filter matches; returns how many. */
guint
_kari_grant_index_remove_memory_only (KariGrantIndex        *self,
                                      const KariGrantFilter *filter)
{
  g_autoptr(GPtrArray) selected = select_buckets (self, filter);
  guint n = 0;

  for (guint b = 0; b < selected->len; b++)
    {
      Bucket *bucket = g_ptr_array_index (selected, b);

      for (guint i = bucket->entries->len; i-- > 0;)
        {
          const KariGrant *grant = ((Entry *) g_ptr_array_index (bucket->entries, i))->grant;

          if (grant->id < 0 && filter_matches (filter, grant))
            {
              remove_entry (self, bucket, i, FALSE);
              n++;
            }
        }
      prune_bucket (self, bucket);
    }
  return n;
}

/* See kari_grant_store_find(); sets *@changed when it dropped or
 * consumed a grant. */
KariGrant *
_kari_grant_index_find (KariGrantIndex              *self,
                        const char                  *extension,
                        const char                  *tenant,
                        const char                  *user,
                        const char                  *domain,
                        const char                  *action,
                        const char                  *resource,
                        const KariPermissionContext *context,
                        gboolean                     consume_once,
                        gint64                       now,
                        gboolean                    *changed)
{
  Bucket *bucket = lookup_bucket (self, extension, tenant);
  KariGrant *result = NULL;
  Entry *best = NULL;
  guint best_index = 0;

  *changed = FALSE;
  if (bucket == NULL)
    return NULL;

  *changed = drop_expired (self, bucket, now);
  for (guint i = 0; i < bucket->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (bucket->entries, i);

      /* Cheap tests first: a grant for another user, or one that could
       * not beat the best so far, is not worth matching */
      if ((entry->grant->user != NULL && g_strcmp0 (entry->grant->user, user) != 0) ||
          entry->pattern == NULL ||
          (best != NULL && scope_rank[entry->grant->scope] <= scope_rank[best->grant->scope]))
        continue;
      if (kari_permission_pattern_matches (entry->pattern, domain, action, resource, context))
        {
          best = entry;
          best_index = i;
        }
    }

  if (best != NULL)
    {
      result = kari_grant_copy (best->grant);
      if (consume_once && best->grant->scope == KARI_SCOPE_ONCE)
        {
          remove_entry (self, bucket, best_index, FALSE);
          *changed = TRUE;
        }
    }
  prune_bucket (self, bucket);
  return result;
}

/* Orders grants as kari_grant_store_list() returns them */
int
_kari_grant_compare (gconstpointer a,
                gconstpointer b)
{
  const KariGrant *x = *(KariGrant * const *) a;
  const KariGrant *y = *(KariGrant * const *) b;
  int c;

  if ((c = strcmp (x->extension, y->extension)) != 0 ||
      (c = strcmp (x->tenant, y->tenant)) != 0)
    return c;
  /* Tenant-wide grants first, then per user */
  if ((x->user == NULL) != (y->user == NULL))
    return x->user == NULL ? -1 : 1;
  if ((x->user != NULL && (c = strcmp (x->user, y->user)) != 0) ||
      (c = strcmp (x->permission, y->permission)) != 0)
    return c;
  if (x->scope != y->scope)
    return x->scope < y->scope ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}
