#ifndef GITSPEC_CACHE_H
#define GITSPEC_CACHE_H

/*
 * A cache of derived data keyed by object id, kept under the repository's
 * common git directory (GITDIR/gitspec/cache). Values carry a header with a
 * format version and a checksum: a corrupt or foreign entry reads as a miss.
 * Entries are written atomically (temporary file + rename), so concurrent
 * runs are safe; the cache is bounded (oldest entries pruned past a size
 * limit). GIT_SPEC_NO_CACHE=1 disables it.
 */

#include <git2.h>
#include "buf.h"

typedef struct gs_cache gs_cache;

/* A NULL *out (and 0) when the cache is disabled or cannot be created. */
int gs_cache_open(gs_cache **out, git_repository *repo);
void gs_cache_free(gs_cache *cache);

/* `ns` is a short namespace ("model", "spec", ...). GS_ENOTFOUND on a miss. */
int gs_cache_get(gs_buf *out, gs_cache *cache, const char *ns, const git_oid *key);
int gs_cache_put(gs_cache *cache, const char *ns, const git_oid *key, const char *data, size_t len);

#endif
