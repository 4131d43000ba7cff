#ifndef GITSPEC_MERGE_H
#define GITSPEC_MERGE_H

/*
 * The merge of contract files (DESIGN.md 3.3), as run by git-spec-merge:
 *
 *  1. re-derivation: when the three commits of the merge can be identified
 *     (GITHEAD_<sha> for merge/pull, rebase-merge/done for a rebase), merge
 *     the package's sources three-way and derive the contract from them;
 *  2. structural merge: otherwise parse the three contracts into entries
 *     keyed by (file, qualified name), merge the entries and render them in
 *     contract order;
 *  3. text merge with conflict markers whenever the above cannot give a
 *     clean answer, so that nothing is ever lost.
 */

#include <stddef.h>
#include <git2.h>
#include "buf.h"
#include "strvec.h"
#include "contract.h"

/*
 * Three-way structural merge. 0 and the merged contract in `out`;
 * GS_ECHECK when entries conflict (one "FILE: NAME" line per conflicting
 * entry appended to `conflicts`, `out` untouched); GS_EINPUT when an input
 * is not a contract.
 */
int gs_merge_contracts(gs_buf *out, gs_strvec *conflicts,
		       const char *base, size_t base_len,
		       const char *ours, size_t ours_len,
		       const char *theirs, size_t theirs_len);

/* ---- text merge -------------------------------------------------------- */

typedef struct gs_merge_labels {
	const char *ancestor;
	const char *ours;
	const char *theirs;
	int marker_size;        /* 0: git's default of 7 */
	int diff3;              /* 1 diff3, 2 zdiff3 (merge.conflictStyle) */
} gs_merge_labels;

/*
 * Plain three-way text merge (libgit2's git_merge_file, as git's own
 * ll_merge would do). 0 when clean, GS_ECHECK when `out` holds conflict
 * markers, GS_ERROR when the merge itself failed (then `out` holds ours).
 */
int gs_merge_text(gs_buf *out, const char *base, size_t base_len,
		  const char *ours, size_t ours_len,
		  const char *theirs, size_t theirs_len,
		  const gs_merge_labels *labels);

/* ---- the driver -------------------------------------------------------- */

/*
 * The most the driver reads of each input: a contract larger than this is
 * not one git-spec wrote (sources are at most 8 MiB each, see python_limits.h).
 * Documented in git-spec-merge(1).
 */
#define GS_MERGE_INPUT_MAX ((size_t)64 << 20)

typedef struct gs_merge_args {
	const char *base_file;   /* %O */
	const char *ours_file;   /* %A: read, then overwritten with the result */
	const char *theirs_file; /* %B */
	int marker_size;         /* %L */
	const char *path;        /* %P: the contract's repository path */
	size_t max_input;        /* bytes read of each input; 0: GS_MERGE_INPUT_MAX */
} gs_merge_args;

typedef enum gs_merge_how {
	GS_MERGE_FAILED,         /* nothing usable: %A left as it was */
	GS_MERGE_REDERIVED,      /* derived from the merged sources */
	GS_MERGE_STRUCTURAL,     /* entry-wise merge of the contracts */
	GS_MERGE_TEXT            /* plain text merge */
} gs_merge_how;

typedef struct gs_merge_result {
	gs_merge_how how;
	int conflict;            /* %A holds conflict markers (or ours): exit 1 */
	gs_strvec messages;      /* for standard error, one line each */
} gs_merge_result;

void gs_merge_result_init(gs_merge_result *res);
void gs_merge_result_clear(gs_merge_result *res);

/*
 * Run the driver: compute the merged contract and write it to
 * args->ours_file atomically. Each input must be a regular file of at most
 * args->max_input bytes: anything else (a FIFO, /dev/zero, a huge file) is
 * a conflict that leaves %A as it was, and is never read past the limit. `repo` may be NULL (no repository: no
 * re-derivation). Never fails without leaving %A in a state git can use:
 * every internal error ends in the text merge with res->conflict set.
 * Returns 0, or a negative code only when even %A could not be written.
 */
int gs_merge_driver(gs_merge_result *res, git_repository *repo, const gs_merge_args *args);

/*
 * The re-derivation step alone: the contract at `path` derived from the
 * three-way merge of the sources of `ours`, `theirs` over `base` (NULL:
 * their merge bases, as git computes them). GS_ECHECK with the conflicting
 * source paths in `conflicts` when a source of the package conflicts;
 * GS_ENOTFOUND when `path` is not a contract of the merged registry.
 */
int gs_merge_rederive(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
		      const git_commit *ours, const git_commit *theirs,
		      const git_commit *base, const char *path);

#endif
