#ifndef GITSPEC_SOURCE_H
#define GITSPEC_SOURCE_H

/*
 * One abstraction over the three places sources come from: the work tree,
 * an index file, and a commit's tree. Every command runs on any of them.
 *
 * A source is a list of entries (path, mode, blob id) sorted by path in byte
 * order (strcmp on '/'-separated paths), which is exactly the order files
 * are rendered in. Only regular blobs are ever read: symlinks (0120000) and
 * submodules (0160000) are listed with their mode so that callers can
 * refuse to follow them, and are never opened.
 *
 * The index source lists what the next commit would hold: stage-0 entries,
 * without intent-to-add ones (`git add -N`), which git leaves out of the
 * commit. An unmerged path is listed once, as its stage 2 ("ours", what
 * HEAD's side had) with `conflicted` set, or not at all when ours deleted
 * it; callers that write derived files must refuse conflicted packages
 * (gs_index_has_conflicts() tells whether there are any).
 *
 * gs_source_read() and gs_source_oid() may be called from several threads
 * at once on one source; nothing else may.
 */

#include <stddef.h>
#include <stdint.h>
#include <git2.h>
#include "buf.h"
#include "strvec.h"

typedef enum gs_source_kind {
	GS_SOURCE_WORKTREE,
	GS_SOURCE_INDEX,
	GS_SOURCE_TREE
} gs_source_kind;

#define GS_MODE_FILE 0100644
#define GS_MODE_EXEC 0100755
#define GS_MODE_LINK 0120000
#define GS_MODE_GITLINK 0160000
#define GS_MODE_IS_REGULAR(m) ((m) == GS_MODE_FILE || (m) == GS_MODE_EXEC)

typedef struct gs_source_entry {
	const char *path;
	uint32_t mode;
	git_oid oid;         /* blob id; for the work tree valid only when has_oid */
	int has_oid;
	uint64_t size;       /* work tree: st_size; otherwise 0 (unknown) */
	int conflicted;      /* index: the path is unmerged; the entry is stage 2 ("ours") */
	/*
	 * Work tree: not checked out (sparse checkout: skip-worktree in the
	 * index, or below a sparse directory entry); `oid` is the index's and
	 * gs_source_read() reads that blob.
	 */
	int skip_worktree;
	/* work tree: the rest of the lstat() data, keying the stat cache */
	int64_t mtime_sec, ctime_sec;
	long mtime_nsec, ctime_nsec;
	uint64_t ino;
} gs_source_entry;

typedef struct gs_source gs_source;

/*
 * The work tree: files on disk that git would consider (tracked, or
 * untracked and not ignored), below the repository's work directory,
 * skipping `ignore_dirs` (directory base names or glob patterns) and .git.
 * Blob ids come from the index when its stat data matches the file (as
 * git does), so unchanged files need not be read.
 */
int gs_source_open_worktree(gs_source **out, git_repository *repo,
			    const gs_strvec *ignore_dirs);
/*
 * The same, with the listing cache in `cache` (borrowed; NULL: none): the
 * directories whose stat data did not change since a walk read them are
 * not read again (their names come from the cache), only stat'ed.
 */
struct gs_cache;
int gs_source_open_worktree_cached(gs_source **out, git_repository *repo,
				   const gs_strvec *ignore_dirs, struct gs_cache *cache);
/*
 * An index file. `index_path` NULL means the index git would use:
 * $GIT_INDEX_FILE when set, else the repository's (gs_repo_index_path()).
 */
int gs_source_open_index(gs_source **out, git_repository *repo, const char *index_path);
struct gs_index;

/*
 * Part of an index: the files directly in each of `dirs` ("" is the top
 * of the repository), everything below each of `trees` ("" is all), and
 * the files at the paths `files` (sorted, strcmp). Directories are
 * repository paths without a trailing '/'.
 */
typedef struct gs_source_part {
	gs_strvec dirs;
	gs_strvec trees;
	gs_strvec files;
	/*
	 * Optional: of every other sparse directory, the files `pick` keeps.
	 * It sees each directory's files in path order, their paths relative
	 * to it, after a call with `path` NULL; what it keeps of a tree is
	 * cached under namespace `pick_ns`, keyed by the tree's id, so `pick`
	 * must depend on nothing else.
	 */
	int (*pick)(void *ctx, const char *path, unsigned int mode);
	void *pick_ctx;
	const char *pick_ns;
	/* Optional, borrowed: the cache for the sparse directories (else one is opened). */
	struct gs_cache *cache;
} gs_source_part;

#define GS_SOURCE_PART_INIT { GS_STRVEC_INIT, GS_STRVEC_INIT, GS_STRVEC_INIT, NULL, NULL, NULL, NULL }

void gs_source_part_clear(gs_source_part *part);
/* Whether `path` (a file) lies in `part`. */
int gs_source_part_has(const gs_source_part *part, const char *path);
/*
 * An index already open (borrowed: it must outlive the source), limited
 * to `part` (NULL: all of it). Only the sparse directory entries that hold
 * something of `part` are expanded, and of those only the files in `part`
 * are listed. For the pre-commit hook, which judges a few paths
 * (ADR 0016); everything else a source offers works the same, on fewer
 * entries.
 */
int gs_source_open_index_part(gs_source **out, git_repository *repo, struct gs_index *idx,
			      const gs_source_part *part);
/* The tree of the commit (or tree) `rev` resolves to. */
int gs_source_open_tree(gs_source **out, git_repository *repo, const char *rev);
/* The tree `tree` (borrowed; the source keeps its own reference). */
int gs_source_open_git_tree(gs_source **out, git_repository *repo, const git_tree *tree);
/*
 * The tree `tree`, from `base` (a tree source) and the paths that differ
 * between base's tree and `tree` (sorted, as from a tree diff): base's
 * entries with those paths looked up again in `tree`. A copy of base's
 * entry list instead of a read of every subtree: for walking a history
 * commit after commit. A tree `base` is consumed (its paths move to the
 * new source): only gs_source_free() may be called on it afterwards.
 */
int gs_source_open_git_tree_from(gs_source **out, gs_source *base, const git_tree *tree,
				 const gs_strvec *changed);
void gs_source_free(gs_source *src);

gs_source_kind gs_source_get_kind(const gs_source *src);
git_repository *gs_source_repo(const gs_source *src);
/* For GS_SOURCE_INDEX: the parsed index (see index.h), else NULL. */
struct gs_index *gs_source_index(const gs_source *src);
/* Human name: "the work tree", "the index", "REV". */
const char *gs_source_describe(const gs_source *src);

size_t gs_source_count(const gs_source *src);
const gs_source_entry *gs_source_get(const gs_source *src, size_t n);
const gs_source_entry *gs_source_lookup(const gs_source *src, const char *path);
/* [*begin, *end) of the entries whose path starts with `prefix` (e.g. "pkg/"). */
void gs_source_prefix_range(const gs_source *src, const char *prefix,
			    size_t *begin, size_t *end);
/*
 * Work tree and index: whether `path` lies outside the sparse checkout
 * (gs_index_outside_checkout()), so that no file may be written there.
 * Always 0 for a tree.
 */
int gs_source_outside_checkout(const gs_source *src, const char *path);
/* Whether a path component of `path` (a proper prefix) is a symlink or submodule in the source. */
int gs_source_path_crosses_link(const gs_source *src, const char *path);

/*
 * Read the content of a regular entry: the blob, or the work-tree file as
 * it is on disk (no filters), opened without following symbolic links
 * anywhere along its path. GS_EINPUT for a symlink, a submodule or a path
 * that is no longer a regular file.
 */
int gs_source_read(gs_buf *out, gs_source *src, const gs_source_entry *e);
/*
 * The blob id of a regular entry: for the work tree, the index's id when
 * the file's stat data matches the index entry and the entry is not racily
 * clean (the file is not newer than the index), else the hash of the bytes
 * gs_source_read() returns.
 */
int gs_source_oid(git_oid *out, gs_source *src, const gs_source_entry *e);
/*
 * The same; when the id had to be computed from the file's bytes, they are
 * left in `content` (its size may be 0) and 1 is returned, so that a caller
 * about to read the file does not read it twice; else 0.
 */
int gs_source_oid_read(git_oid *out, gs_buf *content, gs_source *src, const gs_source_entry *e);
/*
 * Whether a work-tree entry's stat data stand for its content at `now`
 * (seconds): its modification and change times are at least two seconds
 * old, so no later write can leave them looking the same (racy git). The
 * stat cache keeps blob ids only for such files; the check memo's quick
 * key takes their stat data instead of their ids.
 */
int gs_source_stat_settled(const gs_source_entry *e, int64_t now);
/*
 * Work tree: remember the blob ids of files the index cannot vouch for
 * (untracked, modified, or racily clean) in `cache` (borrowed; NULL turns
 * it off), keyed by path and stat data, so that an unchanged file is hashed
 * once, not on every run. Only files at least two seconds old are
 * remembered: a later write always changes their stat data.
 */
/* The index a work-tree or index source was read with (NULL for a tree). */
struct gs_index;
const struct gs_index *gs_source_stat_index(const gs_source *src);

struct gs_cache;
void gs_source_set_cache(gs_source *src, struct gs_cache *cache);

#endif
