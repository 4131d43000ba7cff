/*
 * Staging contracts into the index git uses, under its lock (DESIGN.md
 * 3.1, `git spec sync --staged`): new blobs, conflicts on them resolved,
 * the work-tree copies that follow the index updated, and the new index
 * committed through the lock, so that it is only ever replaced by renaming
 * a complete file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <sys/stat.h>
#include <git2.h>
#include "gitspec/stage.h"
#include "gitspec/common.h"
#include "gitspec/sha1.h"
#include "gitspec/fsutil.h"
#include "gitspec/index.h"
#include "gitspec/eol.h"

/*
 * Copy the index into a scratch file that libgit2 may lock and rewrite. A
 * split or sparse index, which libgit2 cannot read, is copied as one plain
 * file (shared entries merged, sparse directories expanded); git splits or
 * collapses it again when it next writes the index. The scratch file and
 * libgit2's lock beside it are registered for removal on a signal
 * (slots[0], slots[1]); the next run removes them after a kill -9
 * (gs_set_scratch_dir).
 */
static int scratch_index(gs_buf *scratch, int *slots, const gs_workspace *ctx)
{
	gs_buf data = GS_BUF_INIT, lock = GS_BUF_INIT;
	gs_index *idx = NULL;
	int error;

	gs_buf_printf(scratch, "%sgitspec-index-%ld.tmp", git_repository_path(ctx->repo),
		      (long)getpid());
	gs_buf_printf(&lock, "%s.lock", scratch->ptr);
	slots[0] = gs_tempfile_register(scratch->ptr);
	slots[1] = gs_tempfile_register(lock.ptr);
	unlink(scratch->ptr);
	error = gs_read_file(&data, ctx->index_path);
	if (error == GS_ENOTFOUND) {
		error = 0;
		goto done;
	}
	if (error < 0)
		goto done;
	if ((error = gs_index_open_in(&idx, ctx->index_path, git_repository_path(ctx->repo))) < 0)
		goto done;
	if ((gs_index_is_split(idx) || gs_index_is_sparse(idx)) &&
	    (error = gs_index_write_flat(&data, idx, ctx->repo)) < 0)
		goto done;
	{
		FILE *fp = fopen(scratch->ptr, "wb");

		if (!fp || fwrite(data.ptr, 1, data.size, fp) != data.size) {
			error = gs_error_set(GS_ERROR, "cannot write '%s'", scratch->ptr);
			if (fp)
				fclose(fp);
			goto done;
		}
		if (fclose(fp)) {
			error = gs_error_set(GS_ERROR, "cannot write '%s'", scratch->ptr);
			goto done;
		}
	}

done:
	gs_index_free(idx);
	gs_buf_release(&data);
	gs_buf_release(&lock);
	return error;
}


/*
 * The work-tree copy follows the index when it has no unstaged edits (it
 * equals the old staged blob), does not exist, or was conflicted (it holds
 * markers, not edits).
 */
static int update_worktree_copy(const gs_workspace *ctx, gs_stage_entry *sg, gs_strvec *warnings)
{
	gs_buf path = GS_BUF_INIT, data = GS_BUF_INIT, conv = GS_BUF_INIT;
	const gs_plan_item *item = sg->item;
	git_oid disk;
	int error, need_write = 1;

	gs_buf_printf(&path, "%s%s", ctx->workdir, item->path);
	error = gs_read_file(&data, path.ptr);
	if (error == GS_ENOTFOUND) {
		gs_error_clear();
		error = 0;
	} else if (error < 0) {
		goto done;
	} else {
		/* As git hashes a work-tree file: after its end-of-line conversion. */
		if ((error = gs_eol_convert(&conv, ctx->repo, item->path, data.ptr, data.size, 0)) < 0)
			goto done;
		if (gs_sha1_blob(disk.id, conv.ptr, conv.size) < 0) {
			error = gs_error_set(GS_ERROR, "cannot hash a file: SHA-1 failed in libcrypto");
			goto done;
		}
		if (git_oid_equal(&disk, &item->oid)) {
			need_write = 0;
		} else if (!sg->conflicted && (!sg->had_old || !git_oid_equal(&disk, &sg->old))) {
			gs_strvec_pushf(warnings, "'%s' has unstaged changes; left it alone in the work tree",
					item->path);
			goto done;
		}
	}
	/* What git would check out (eol.h). */
	if (need_write &&
	    ((error = gs_eol_convert(&conv, ctx->repo, item->path, item->content.ptr,
				     item->content.size, 1)) < 0 ||
	     (error = gs_write_file_atomic(ctx->workdir, item->path, conv.ptr, conv.size,
					   0666)) < 0))
		goto done;
	/* Stat data in the index spares git from re-reading the file. */
	if (!lstat(path.ptr, &sg->st) && S_ISREG(sg->st.st_mode))
		sg->worktree = 1;

done:
	gs_buf_release(&path);
	gs_buf_release(&data);
	gs_buf_release(&conv);
	return error;
}

static void entry_from_stat(git_index_entry *e, const struct stat *st)
{
	e->ctime.seconds = (int32_t)st->st_ctim.tv_sec;
	e->ctime.nanoseconds = (uint32_t)st->st_ctim.tv_nsec;
	e->mtime.seconds = (int32_t)st->st_mtim.tv_sec;
	e->mtime.nanoseconds = (uint32_t)st->st_mtim.tv_nsec;
	e->dev = (uint32_t)st->st_dev;
	e->ino = (uint32_t)st->st_ino;
	e->uid = (uint32_t)st->st_uid;
	e->gid = (uint32_t)st->st_gid;
	e->file_size = (uint32_t)st->st_size;
}

/*
 * With index.lock held: read the index into a scratch copy libgit2 may
 * rewrite, update the work-tree copies that follow the index, stage the new
 * blobs (resolving conflicts on them), and commit the new index through the
 * lock, so that it is only ever replaced by renaming a complete file.
 */
int gs_stage_contracts(const gs_workspace *ctx, gs_lockfile *lk, gs_stage_entry *sg, size_t nr,
		       gs_strvec *warnings)
{
	gs_buf scratch = GS_BUF_INIT, data = GS_BUF_INIT;
	git_index *idx = NULL;
	size_t i;
	int error, slots[2] = { -1, -1 };

	for (i = 0; i < nr; i++)
		if (git_blob_create_from_buffer(&sg[i].item->oid, ctx->repo, sg[i].item->content.ptr,
						sg[i].item->content.size) < 0) {
			error = gs_error_set_git("cannot write a contract blob");
			goto done;
		}
	if ((error = scratch_index(&scratch, slots, ctx)) < 0)
		goto done;
	if (git_index_open(&idx, scratch.ptr) < 0) {
		error = gs_error_set_git("cannot read the index");
		goto done;
	}
	for (i = 0; i < nr; i++) {
		const git_index_entry *anc, *ours, *theirs;

		sg[i].conflicted = !git_index_conflict_get(&anc, &ours, &theirs, idx, sg[i].item->path);
		git_error_clear();
	}
	for (i = 0; ctx->workdir && i < nr; i++)
		if (!sg[i].outside && (error = update_worktree_copy(ctx, &sg[i], warnings)) < 0)
			goto done;
	for (i = 0; i < nr; i++) {
		git_index_entry entry;

		memset(&entry, 0, sizeof(entry));
		if (sg[i].worktree)
			entry_from_stat(&entry, &sg[i].st);
		entry.mode = GIT_FILEMODE_BLOB;
		entry.path = sg[i].item->path;
		/* as git keeps a file outside the sparse checkout: in the index only */
		if (sg[i].outside)
			entry.flags_extended |= GIT_INDEX_ENTRY_SKIP_WORKTREE;
		git_oid_cpy(&entry.id, &sg[i].item->oid);
		if (sg[i].conflicted && git_index_conflict_remove(idx, entry.path) < 0) {
			error = gs_error_set_git("cannot update the index");
			goto done;
		}
		if (git_index_add(idx, &entry) < 0) {
			error = gs_error_set_git("cannot update the index");
			goto done;
		}
	}
	if (git_index_write(idx) < 0) {
		error = gs_error_set_git("cannot write the index");
		goto done;
	}
	if ((error = gs_read_file(&data, scratch.ptr)) < 0 ||
	    (error = gs_lockfile_write(lk, data.ptr, data.size)) < 0 ||
	    (error = gs_lockfile_commit(lk)) < 0)
		goto done;

done:
	git_index_free(idx);
	if (scratch.size)
		unlink(scratch.ptr);
	gs_tempfile_unregister(slots[0]);
	gs_tempfile_unregister(slots[1]);
	gs_buf_release(&scratch);
	gs_buf_release(&data);
	return error;
}

