/*
 * git spec sync [--staged] [PATH...]: regenerate contracts.
 *
 * Work tree mode derives from the work tree and writes the contracts that
 * differ. --staged derives from the index under index.lock (taken first,
 * never waited for), writes the new blobs to the object database and a new
 * index through the lock, then updates the work-tree copies that have no
 * unstaged edits. A spec that does not parse, an unsafe contract path or an
 * invalid registry stops everything before anything is written; a syntax
 * error stops only the package it is in (exit 3 at the end).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <sys/stat.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/fsutil.h"
#include "gitspec/plan.h"
#include "gitspec/index.h"
#include "gitspec/source.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const sync_usage[] = {
	"git spec sync [--staged] [-q] [<path>...]",
	NULL
};

/*
 * Copy the index into a scratch file that libgit2 may lock and rewrite. A
 * split or sparse index, which libgit2 cannot read, is copied as one plain
 * file (shared entries merged, sparse directories expanded); git splits or
 * collapses it again when it next writes the index. The scratch file and
 * libgit2's lock beside it are registered for removal on a signal
 * (slots[0], slots[1]); the next run removes them after a kill -9
 * (gs_set_scratch_dir).
 */
static int scratch_index(gs_buf *scratch, int *slots, struct cmd_ctx *ctx)
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

/* One contract to stage. */
struct staged {
	gs_plan_item *item;
	git_oid old;          /* the blob staged before, when had_old */
	int had_old;
	int conflicted;       /* the index held a conflict at this path */
	int worktree;         /* the work-tree copy was written */
	int outside;          /* outside the sparse checkout: the index only, skip-worktree */
	struct stat st;       /* of the written work-tree copy */
};

/*
 * The work-tree copy follows the index when it has no unstaged edits (it
 * equals the old staged blob), does not exist, or was conflicted (it holds
 * markers, not edits).
 */
static int update_worktree_copy(struct cmd_ctx *ctx, struct staged *sg)
{
	gs_buf path = GS_BUF_INIT, data = GS_BUF_INIT;
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
		if (git_odb_hash(&disk, data.ptr, data.size, GIT_OBJECT_BLOB) < 0) {
			error = gs_error_set_git("cannot hash a file");
			goto done;
		}
		if (git_oid_equal(&disk, &item->oid)) {
			need_write = 0;
		} else if (!sg->conflicted && (!sg->had_old || !git_oid_equal(&disk, &sg->old))) {
			cmd_warning("'%s' has unstaged changes; left it alone in the work tree",
				    item->path);
			goto done;
		}
	}
	if (need_write &&
	    (error = gs_write_file_atomic(ctx->workdir, item->path, item->content.ptr,
					  item->content.size, 0666)) < 0)
		goto done;
	/* Stat data in the index spares git from re-reading the file. */
	if (!lstat(path.ptr, &sg->st) && S_ISREG(sg->st.st_mode))
		sg->worktree = 1;

done:
	gs_buf_release(&path);
	gs_buf_release(&data);
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
static int stage_contracts(struct cmd_ctx *ctx, gs_lockfile *lk, struct staged *sg, size_t nr)
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
		if (!sg[i].outside && (error = update_worktree_copy(ctx, &sg[i])) < 0)
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

int cmd_sync(int argc, const char **argv)
{
	int staged = 0, error = 0, locked = 0, syntax_errors = 0;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_(0, "staged", &staged, "derive from the index and update it"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "print only errors"),
		CMD_OPT_END_()
	};
	struct cmd_ctx ctx;
	gs_lockfile lk;
	gs_strvec targets = GS_STRVEC_INIT, problems = GS_STRVEC_INIT, failed = GS_STRVEC_INIT;
	gs_plan plan = GS_PLAN_INIT;
	gs_plan_item **todo = NULL;
	struct staged *sg = NULL;
	size_t i, todo_nr = 0;

	memset(&lk, 0, sizeof(lk));
	lk.fd = -1;
	argc = cmd_parse_options(argc, argv, opts, sync_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);

	cmd_ctx_init(&ctx);
	if ((error = cmd_ctx_open_repo(&ctx)) < 0)
		goto done;
	if (staged) {
		/* The lock first: nobody may change the index while we derive from it. */
		if ((error = gs_lockfile_hold(&lk, ctx.index_path)) < 0) {
			if (error == GS_ELOCKED)
				cmd_set_hint("another git process seems to be running; if not, remove the lock file and retry");
			goto done;
		}
		locked = 1;
		error = cmd_ctx_load(&ctx, CMD_SOURCE_INDEX, ctx.index_path);
	} else {
		error = cmd_ctx_load(&ctx, CMD_SOURCE_WORKTREE, NULL);
	}
	if (error < 0)
		goto done;

	if (cmd_ctx_report_spec_errors(&ctx, "error")) {
		error = gs_error_set(GS_EINPUT, "a spec does not parse; nothing was written");
		cmd_set_hint("fix the spec files named above, then run 'git spec validate'");
		goto done;
	}
	if (argc && (error = cmd_ctx_resolve_targets(&targets, &ctx, argc, argv)) < 0)
		goto done;
	if (cmd_ctx_unsafe_contracts(&problems, &ctx, argc ? &targets : NULL, ctx.workdir != NULL)) {
		for (i = 0; i < problems.nr; i++)
			fprintf(stderr, "error: %s\n", problems.v[i]);
		error = gs_error_set(GS_EINPUT, "unsafe contract paths; nothing was written");
		cmd_set_hint("contract paths must stay inside the repository, outside .git, and not pass through symbolic links");
		goto done;
	}
	if (gs_registry_validate(ctx.reg, ctx.src, &ctx.pkgs, &problems)) {
		for (i = 0; i < problems.nr; i++)
			fprintf(stderr, "error: %s\n", problems.v[i]);
		error = gs_error_set(GS_ECHECK, "the registry is invalid; nothing was written");
		cmd_set_hint("'git spec validate' lists the problems");
		goto done;
	}

	if ((error = gs_plan_build(&plan, ctx.eng, ctx.src, ctx.reg, &ctx.pkgs,
				   argc ? &targets : NULL)) < 0)
		goto done;
	/* A package with a syntax error gets none of its contracts written. */
	for (i = 0; i < plan.nr; i++)
		if (plan.items[i].error) {
			/* Each variant reports the same file: say it once. */
			if (!gs_strvec_contains(&problems, plan.items[i].error)) {
				fprintf(stderr, "error: %s\n", plan.items[i].error);
				gs_strvec_push(&problems, plan.items[i].error);
			}
			gs_strvec_push(&failed, plan.items[i].package);
			syntax_errors = 1;
		}
	todo = gs_xcalloc(plan.nr ? plan.nr : 1, sizeof(*todo));
	sg = gs_xcalloc(plan.nr ? plan.nr : 1, sizeof(*sg));
	for (i = 0; i < plan.nr; i++) {
		gs_plan_item *item = &plan.items[i];
		const gs_source_entry *e;

		if (item->error || item->fresh || gs_strvec_contains(&failed, item->package))
			continue;
		e = gs_source_lookup(ctx.src, item->path);
		if (e && GS_MODE_IS_REGULAR(e->mode) && e->has_oid) {
			git_oid_cpy(&sg[todo_nr].old, &e->oid);
			sg[todo_nr].had_old = 1;
		}
		sg[todo_nr].item = item;
		sg[todo_nr].outside = gs_source_outside_checkout(ctx.src, item->path);
		todo[todo_nr++] = item;
	}

	if (!staged) {
		size_t nout = 0;

		for (i = 0; i < todo_nr; i++) {
			/*
			 * Outside a sparse checkout no file is written (git keeps
			 * none there): the contract is updated in the index only,
			 * skip-worktree, as if checked out, changed and staged.
			 */
			if (sg[i].outside) {
				sg[nout++] = sg[i];
				continue;
			}
			if ((error = gs_write_file_atomic(ctx.workdir, todo[i]->path, todo[i]->content.ptr,
							  todo[i]->content.size, 0666)) < 0)
				goto done;
			if (!cmd_quiet)
				printf("updated %s\n", todo[i]->path);
		}
		if (nout) {
			if ((error = gs_lockfile_hold(&lk, ctx.index_path)) < 0) {
				if (error == GS_ELOCKED)
					cmd_set_hint("another git process seems to be running; if not, remove the lock file and retry");
				goto done;
			}
			locked = 1;
			if ((error = stage_contracts(&ctx, &lk, sg, nout)) < 0)
				goto done;
			locked = 0;
			for (i = 0; !cmd_quiet && i < nout; i++)
				printf("updated %s (index only: outside the sparse checkout)\n", sg[i].item->path);
		}
	} else {
		if (todo_nr && (error = stage_contracts(&ctx, &lk, sg, todo_nr)) < 0)
			goto done;
		if (!todo_nr)
			gs_lockfile_rollback(&lk);
		locked = 0;
		for (i = 0; !cmd_quiet && i < todo_nr; i++)
			printf("updated %s (index%s)\n", todo[i]->path,
			       sg[i].worktree ? " and work tree" :
			       sg[i].outside ? " only: outside the sparse checkout" : "");
	}
	if (!cmd_quiet && !todo_nr && !syntax_errors)
		printf("%zu contract%s up to date\n", plan.nr, plan.nr == 1 ? " is" : "s are");
	fflush(stdout);
	if (syntax_errors) {
		gs_strvec_sort_uniq(&failed);
		error = gs_error_set(GS_EINPUT, "%zu package%s not synced because of syntax errors",
				     failed.nr, failed.nr == 1 ? "" : "s");
	}

done:
	if (locked)
		gs_lockfile_rollback(&lk);
	free(todo);
	free(sg);
	gs_plan_clear(&plan);
	gs_strvec_clear(&targets);
	gs_strvec_clear(&problems);
	gs_strvec_clear(&failed);
	cmd_ctx_release(&ctx);
	return cmd_report(error);
}
