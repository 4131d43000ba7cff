#ifndef GITSPEC_STAGE_H
#define GITSPEC_STAGE_H

/* Staging derived contracts into the index (`git spec sync --staged`). */

#include <sys/stat.h>
#include <git2.h>
#include "fsutil.h"
#include "plan.h"
#include "strvec.h"
#include "workspace.h"

/* One contract to stage. */
typedef struct gs_stage_entry {
	gs_plan_item *item;   /* path and content; item->oid receives the blob */
	git_oid old;          /* the blob staged before, when had_old */
	int had_old;
	int conflicted;       /* out: the index held a conflict at this path */
	int worktree;         /* out: the work-tree copy follows the index */
	int outside;          /* outside the sparse checkout: the index only, skip-worktree */
	struct stat st;       /* of the written work-tree copy */
} gs_stage_entry;

/*
 * With `lk` (index.lock of ws->index_path) held: write the blobs, update
 * the work-tree copies that have no unstaged edits (the others are named
 * in `warnings`), stage the entries (resolving conflicts on their paths)
 * and commit the new index through the lock.
 */
int gs_stage_contracts(const gs_workspace *ws, gs_lockfile *lk, gs_stage_entry *sg, size_t nr,
		       gs_strvec *warnings);

#endif
