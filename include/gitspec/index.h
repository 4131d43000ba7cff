#ifndef GITSPEC_INDEX_H
#define GITSPEC_INDEX_H

/*
 * A reader for git's index file (versions 2, 3 and 4, the TREE cache-tree
 * extension), memory-mapped, independent of libgit2's index. It exists
 * because the pre-commit hook must read the index named by GIT_INDEX_FILE
 * (index.lock, next-index-*.lock) and must answer "what changed against
 * HEAD" in the time git does, by skipping directories whose cache-tree id
 * equals HEAD's tree (DESIGN.md 3.2, 4).
 *
 * Split indexes (the "link" extension) are read with their shared index
 * (`sharedindex.<id>` in the git directory) and merged as git does: the
 * entries are the whole index. Sparse indexes keep their directory entries
 * (mode GS_INDEX_MODE_DIR, the path ending with '/', skip-worktree set,
 * the id a tree's): callers that need the files below one read the tree
 * (gs_index_changed_paths() does). The trailing checksum is verified unless the file
 * was written with index.skipHash (an all-zero trailer). A file that is
 * truncated or malformed in any way gives GS_ERROR "corrupt index 'PATH':
 * ...". See docs/adr/0002-index-reader.md.
 */

#include <stddef.h>
#include <stdint.h>
#include <git2.h>
#include "buf.h"
#include "strvec.h"

/* A sparse index's directory entry: `oid` is a tree standing for everything below `path` ("dir/"). */
#define GS_INDEX_MODE_DIR 0040000

typedef struct gs_index_entry {
	const char *path;    /* NUL-terminated; owned by the index */
	size_t path_len;
	/* the 40 bytes of stat data in the file (see gs_index_entry_stat()); NULL: none */
	const unsigned char *stat;
	git_oid oid;
	uint32_t mode;       /* 0100644, 0100755, 0120000, 0160000, GS_INDEX_MODE_DIR */
	unsigned char stage;          /* 0 normally, 1-3 while conflicted */
	unsigned char intent_to_add;  /* `git add -N`: listed, but not part of the next commit */
	unsigned char skip_worktree;
} gs_index_entry;

/* An entry's stat data, decoded on demand (most entries never need it). */
typedef struct gs_index_stat {
	uint32_t ctime_sec, ctime_nsec, mtime_sec, mtime_nsec;
	uint32_t dev, ino, uid, gid, size;
} gs_index_stat;

void gs_index_entry_stat(gs_index_stat *out, const gs_index_entry *e);

typedef struct gs_index gs_index;

/*
 * Open and parse the index at `path`. A missing file is an empty index. A
 * split index's shared index is looked for in `gitdir` (the repository's
 * git directory, per worktree), or, when NULL, next to `path`.
 */
int gs_index_open_in(gs_index **out, const char *path, const char *gitdir);
/* gs_index_open_in(out, path, NULL) */
int gs_index_open(gs_index **out, const char *path);
/*
 * Open the index at `index_path`, or, when NULL, the one git would use for
 * `repo` (gs_repo_index_path()), its shared index looked for in the
 * repository's git directory.
 */
int gs_index_open_repo(gs_index **out, git_repository *repo, const char *index_path);
/*
 * gs_index_open_repo(), but read lazily (docs/adr/0019-lazy-index.md), for
 * a caller that reads a small part of a large index: the whole file is
 * checksummed and every entry's bounds, flags and mode are checked, but an
 * entry is decoded, and its path's validity and order checked, only when
 * it is first read (gs_index_get(), gs_index_find(), the comparison of
 * gs_index_changed_paths()). A problem found then is reported by
 * gs_index_error(), which the caller must check before trusting anything
 * it computed from the index. Versions 2 and 3 only (a version 4 or split
 * index is read whole). Reading it is not thread-safe (gs_index_get()
 * writes the entry on first use).
 */
int gs_index_open_repo_lazy(gs_index **out, git_repository *repo, const char *index_path);
/*
 * 0, or GS_ERROR "corrupt index 'PATH': ..." for the first entry of a lazy
 * index found wrong when it was read. Always 0 for an index read whole.
 */
int gs_index_error(const gs_index *idx);
/*
 * Parse an index held in memory (`name` is used in messages). The bytes
 * are borrowed and must outlive the index. For tests and fuzzing.
 */
int gs_index_parse(gs_index **out, const void *data, size_t len, const char *name);
/* The same, read lazily (see gs_index_open_repo_lazy()). */
int gs_index_parse_lazy(gs_index **out, const void *data, size_t len, const char *name);
void gs_index_free(gs_index *idx);

/* The file's format version (2, 3 or 4; 0 for a missing file). */
unsigned int gs_index_version(const gs_index *idx);
/* The path given to gs_index_open. */
const char *gs_index_path(const gs_index *idx);
/*
 * The file's modification time (0 for a missing file): a work-tree file
 * whose mtime is not older is "racily clean" and its cached id cannot be
 * trusted.
 */
void gs_index_mtime(const gs_index *idx, int64_t *sec, uint32_t *nsec);

size_t gs_index_entrycount(const gs_index *idx);
/* Entries sorted by path (byte order), then stage. */
const gs_index_entry *gs_index_get(const gs_index *idx, size_t n);
/*
 * Entry `n`'s path (NUL-terminated; its length in *len), or NULL past the
 * end, without decoding a lazy index's entry: for scans of paths only.
 */
const char *gs_index_path_at(const gs_index *idx, size_t n, size_t *len);
/*
 * The position of the first entry at or after `pos` (any stage) whose
 * file name is `name` (its path is `name` or ends with "/" `name`), or
 * gs_index_entrycount() when there is none; reads paths only.
 */
size_t gs_index_next_named(const gs_index *idx, const char *name, size_t pos);
/* Stage-0 entry at exactly `path`, or NULL. */
const gs_index_entry *gs_index_find(const gs_index *idx, const char *path);
/* Position of the first entry (any stage) at exactly `path`, or -1. */
long gs_index_find_pos(const gs_index *idx, const char *path);
/*
 * The first position in [lo, hi) whose path does not sort before the
 * `len` bytes of `path` (git's order: bytes, then length), the entries
 * in [lo, hi) being sorted. Reads paths only.
 */
size_t gs_index_lower_bound(const gs_index *idx, size_t lo, size_t hi, const char *path, size_t len);
/*
 * The first position in [from, to) whose path does not start with the
 * `len` bytes of `prefix` (`to` when all do), the entries from `from` on
 * all sorting at or after it: those that do are contiguous. Reads paths
 * only.
 */
size_t gs_index_prefix_end(const gs_index *idx, size_t from, size_t to, const char *prefix,
			  size_t len);
/* [*begin, *end) of the entries whose path starts with `prefix`. */
void gs_index_prefix_range(const gs_index *idx, const char *prefix,
			   size_t *begin, size_t *end);
/*
 * The files directly in directory `dir` (`dir_len` bytes without a
 * trailing '/'; 0 is the top), not what lies below its subdirectories:
 * the position of the first such entry at or after `pos` (any stage), or
 * gs_index_entrycount() when there is none. Start with `pos` 0 and go on
 * from the position returned plus one; whole subdirectories and sparse
 * directory entries are skipped with a binary search each.
 */
size_t gs_index_dir_next(const gs_index *idx, const char *dir, size_t dir_len, size_t pos);
/* Whether any entry is conflicted (stage > 0). */
int gs_index_has_conflicts(const gs_index *idx);
/* Whether the index has sparse directory entries. */
int gs_index_is_sparse(const gs_index *idx);
/*
 * Whether `path` lies outside a sparse checkout: its entry is skip-worktree,
 * or it is below a sparse directory entry, or (a path the index does not
 * have) every entry of its directory is skip-worktree.
 */
int gs_index_outside_checkout(const gs_index *idx, const char *path);
/* Whether the index was read from a split index (and its shared index). */
int gs_index_is_split(const gs_index *idx);
/*
 * The whole index as one plain version-3 file, for tools that read neither
 * split nor sparse indexes (libgit2): the merged entries, sparse
 * directories expanded into their files from `repo` (skip-worktree, no stat
 * data, as git expands them), no extensions (git rebuilds the cache-tree
 * and splits or collapses the index again at its next write).
 */
int gs_index_write_flat(gs_buf *out, const gs_index *idx, git_repository *repo);

/*
 * Paths that differ between `head` (NULL: the empty tree) and the index:
 * added, deleted, modified, type-changed, and every path of a conflicted
 * entry. Sorted, unique; the same list as `git diff --cached --name-only
 * --no-renames`. Intent-to-add entries are not part of the next commit and
 * are not compared (as git does). Uses the cache-tree to skip unchanged
 * directories and falls back to a full comparison where it is missing or
 * invalidated.
 */
int gs_index_changed_paths(gs_strvec *out, const gs_index *idx,
			   git_repository *repo, const git_tree *head);

/* Whether the index has a valid cache-tree entry for `dir` ("" = root); fills `oid`. */
int gs_index_cache_tree_oid(git_oid *oid, const gs_index *idx, const char *dir);

#endif
