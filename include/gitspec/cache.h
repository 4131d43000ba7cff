#ifndef GITSPEC_CACHE_H
#define GITSPEC_CACHE_H

/*
 * A cache of derived data keyed by object id, kept under the repository's
 * common git directory (GITDIR/gitspec/cache) as one append-only pack file
 * and its index. Records carry the key, the namespace and a checksum: a
 * corrupt, truncated or foreign record reads as a miss. Puts are buffered
 * and appended under a lock when the handle is freed, so a run costs a
 * constant number of files and concurrent runs are safe; the cache is
 * bounded (compacted to its newest entries past a bound).
 * GIT_SPEC_NO_CACHE=1 disables it. See docs/adr/0014-cache-pack.md.
 *
 * A handle is not thread-safe: callers on several threads serialise.
 */

#include <stddef.h>
#include <stdint.h>
#include <git2.h>
#include "buf.h"

typedef struct gs_cache gs_cache;

/* Bounds of the whole cache; past either, it is compacted to its newest entries. */
#define GS_CACHE_MAX_FILES 100000
#define GS_CACHE_MAX_BYTES (256ULL * 1024 * 1024)

/*
 * A NULL *out (and 0) when the cache is disabled or cannot be created.
 * Cheap: no file system access at all (the pack is mapped on the first get
 * or put, directories are made when the first values are written).
 */
int gs_cache_open(gs_cache **out, git_repository *repo);
/* The same on an explicit directory (tests, tools). */
int gs_cache_open_dir(gs_cache **out, const char *dir);
/* Append the buffered puts (a failure leaves them uncached), then release. */
void gs_cache_free(gs_cache *cache);

/*
 * `ns` is a short namespace ("model", "spec", ...: [a-z0-9_-], at most 32
 * bytes). GS_ENOTFOUND on a miss, which includes a NULL cache and a record
 * that is unreadable, corrupt, truncated or from another format version
 * (the next put of the key supersedes it).
 */
int gs_cache_get(gs_buf *out, gs_cache *cache, const char *ns, const git_oid *key);
/*
 * The same without a copy: *out points at the value in the mapped pack (or
 * in this handle's buffered puts), valid until the next put, prune or
 * flush on `cache` and its release. For a large value read once (the
 * walk's listings), where copying it would cost fresh pages.
 */
int gs_cache_get_ref(const unsigned char **out, size_t *len, gs_cache *cache, const char *ns,
		     const git_oid *key);
/*
 * Store a value (a NULL cache does nothing): buffered, visible to this
 * handle's gets at once, written at gs_cache_free or when the buffer holds
 * a few MiB. A failure (GS_ERROR, e.g. a read-only git directory) is not
 * fatal for the caller: the value is simply not cached. A put of the value
 * the key already has writes nothing.
 */
int gs_cache_put(gs_cache *cache, const char *ns, const git_oid *key, const char *data, size_t len);

/*
 * Start writing the buffered puts on a thread of their own, for a caller
 * with other work to do meanwhile (sync writing its contracts): every
 * later call on `cache` waits for it first. A failure leaves those
 * values uncached, as at gs_cache_free. Does nothing for a NULL cache.
 */
void gs_cache_flush_start(gs_cache *cache);

/* Change the bounds (0 keeps the current value). */
void gs_cache_set_limits(gs_cache *cache, size_t max_files, uint64_t max_bytes);
/*
 * Write the buffered puts, then, when the cache is over a bound, compact it
 * to its newest entries within 75% of the bounds. Every write of the
 * buffer does the same. `ns` is checked but the bounds are the cache's.
 */
int gs_cache_prune(gs_cache *cache, const char *ns);

#endif
