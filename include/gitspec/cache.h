#ifndef GITSPEC_CACHE_H
#define GITSPEC_CACHE_H

/*
 * A cache of derived data keyed by object id, kept under the repository's
 * common git directory (GITDIR/gitspec/cache). Values carry a header with a
 * format version and a checksum: a corrupt or foreign entry reads as a miss.
 * Entries are written atomically (temporary file + rename), so concurrent
 * runs are safe; the cache is bounded (oldest entries pruned past a size
 * limit). GIT_SPEC_NO_CACHE=1 disables it. See docs/adr/0003-cache.md.
 */

#include <stddef.h>
#include <stdint.h>
#include <git2.h>
#include "buf.h"

typedef struct gs_cache gs_cache;

/* Per-namespace bounds; past either, the oldest entries are pruned. */
#define GS_CACHE_MAX_FILES 100000
#define GS_CACHE_MAX_BYTES (256ULL * 1024 * 1024)

/*
 * A NULL *out (and 0) when the cache is disabled or cannot be created.
 * Cheap: no file system access at all (directories are made on first put).
 */
int gs_cache_open(gs_cache **out, git_repository *repo);
/* The same on an explicit directory (tests, tools). */
int gs_cache_open_dir(gs_cache **out, const char *dir);
void gs_cache_free(gs_cache *cache);

/*
 * `ns` is a short namespace ("model", "spec", ...: [a-z0-9_-], at most 32
 * bytes). GS_ENOTFOUND on a miss, which includes a NULL cache and an entry
 * that is unreadable, corrupt, truncated or from another format version
 * (such an entry is removed).
 */
int gs_cache_get(gs_buf *out, gs_cache *cache, const char *ns, const git_oid *key);
/*
 * Store a value (a NULL cache does nothing). A failure (GS_ERROR, e.g. a
 * read-only git directory) is not fatal for the caller: the value is
 * simply not cached. Occasionally (for about one put in 64) samples the
 * size of the namespace and prunes it when over its bounds.
 */
int gs_cache_put(gs_cache *cache, const char *ns, const git_oid *key, const char *data, size_t len);

/* Change the bounds (0 keeps the current value). */
void gs_cache_set_limits(gs_cache *cache, size_t max_files, uint64_t max_bytes);
/*
 * When namespace `ns` is over a bound, remove its oldest entries (by
 * modification time) down to 80% of the bounds; also remove temporary files
 * left behind by crashed writers. Called by gs_cache_put when needed.
 */
int gs_cache_prune(gs_cache *cache, const char *ns);

#endif
