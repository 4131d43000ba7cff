#ifndef GITSPEC_MERGE_INTERNAL_H
#define GITSPEC_MERGE_INTERNAL_H

/* Internal to the library: what the parts of the merge driver share. */

#include <git2.h>
#include "gitspec/buf.h"
#include "gitspec/strvec.h"

/*
 * Re-derive the contract at `path` from the three-way merge of trees
 * (`base` NULL: empty), scoped to its package when possible.
 */
int gs_merge_rederive_trees(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
			    const git_tree *base, const git_tree *ours, const git_tree *theirs,
			    const char *path);

/*
 * Whether the contract at `path` belongs to a spec that both sides added
 * under one id for different packages (two branches picked one id): then
 * says so and how to renumber, in `messages`, and returns 1.
 */
int gs_merge_spec_collision(gs_strvec *messages, git_repository *repo, const git_commit *ours,
			    const git_commit *theirs, const git_commit *base, const char *path);

/*
 * The commits of the merge in progress, trusted only when their blobs at
 * `path` are exactly `a` (ours) and `b` (theirs); 1 when identified.
 */
int gs_merge_identify(git_commit **ours, git_commit **theirs, git_commit **base, int *root_pick,
		      git_repository *repo, const char *path, const gs_buf *o, const gs_buf *a,
		      const gs_buf *b);

/*
 * The whole of the regular file at `path`, at most `max` bytes, into `out`
 * (O_NONBLOCK + fstat: a FIFO or device is refused, never read). GS_ENOTFOUND
 * when missing, GS_EINPUT when not a regular file or larger than `max`.
 */
int gs_merge_read_input(gs_buf *out, const char *path, size_t max);

#endif
