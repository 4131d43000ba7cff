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
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/fsutil.h"
#include "gitspec/plan.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const sync_usage[] = {
	"git spec sync [--staged] [-q] [<path>...]",
	NULL
};

/* Copy the index into a scratch file that libgit2 may lock and rewrite. */
static int scratch_index(gs_buf *scratch, struct cmd_ctx *ctx)
{
	gs_buf data = GS_BUF_INIT;
	int error;

	gs_buf_printf(scratch, "%sgitspec-index-%ld.tmp", git_repository_path(ctx->repo),
		      (long)getpid());
	unlink(scratch->ptr);
	error = gs_read_file(&data, ctx->index_path);
	if (error == GS_ENOTFOUND) {
		error = 0;
		goto done;
	}
	if (error < 0)
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
	gs_buf_release(&data);
	return error;
}

/*
 * Write a new index holding `items` (stage 0, blob mode, zero stat data so
 * that git re-reads the files) into the held lock, and commit it.
 */
static int write_index(struct cmd_ctx *ctx, gs_lockfile *lk, gs_plan_item **items, size_t nr,
		       int *conflicted)
{
	gs_buf scratch = GS_BUF_INIT, data = GS_BUF_INIT;
	git_index *idx = NULL;
	size_t i;
	int error;

	if ((error = scratch_index(&scratch, ctx)) < 0)
		goto done;
	if (git_index_open(&idx, scratch.ptr) < 0) {
		error = gs_error_set_git("cannot read the index");
		goto done;
	}
	for (i = 0; i < nr; i++) {
		git_index_entry entry;
		const git_index_entry *anc, *ours, *theirs;

		memset(&entry, 0, sizeof(entry));
		entry.mode = GIT_FILEMODE_BLOB;
		entry.path = items[i]->path;
		git_oid_cpy(&entry.id, &items[i]->oid);
		/* Staging a derived contract resolves a conflict on it. */
		if (!git_index_conflict_get(&anc, &ours, &theirs, idx, items[i]->path)) {
			conflicted[i] = 1;
			if (git_index_conflict_remove(idx, items[i]->path) < 0) {
				error = gs_error_set_git("cannot update the index");
				goto done;
			}
		}
		git_error_clear();
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
	gs_buf_release(&scratch);
	gs_buf_release(&data);
	return error;
}

/*
 * After --staged: the work-tree copy follows the index when it had no
 * unstaged edits (it equals the old staged blob), does not exist, or was
 * conflicted in the index.
 */
static int update_worktree_copy(struct cmd_ctx *ctx, const gs_plan_item *item,
				const git_oid *old, int conflicted, int *written)
{
	gs_buf path = GS_BUF_INIT, data = GS_BUF_INIT;
	git_oid disk;
	int error;

	*written = 0;
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
		if (git_oid_equal(&disk, &item->oid))
			goto done;
		/* A conflicted copy holds markers, not edits: replace it. */
		if (!conflicted && (!old || !git_oid_equal(&disk, old))) {
			cmd_warning("'%s' has unstaged changes; left it alone in the work tree",
				    item->path);
			goto done;
		}
	}
	error = gs_write_file_atomic(ctx->workdir, item->path, item->content.ptr,
				     item->content.size, 0666);
	*written = !error;

done:
	gs_buf_release(&path);
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
	git_oid *old = NULL;
	int *had_old = NULL, *conflicted = NULL;
	size_t i, todo_nr = 0, updated_wt = 0;

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
			fprintf(stderr, "error: %s\n", plan.items[i].error);
			gs_strvec_push(&failed, plan.items[i].package);
			syntax_errors = 1;
		}
	todo = gs_xcalloc(plan.nr ? plan.nr : 1, sizeof(*todo));
	old = gs_xcalloc(plan.nr ? plan.nr : 1, sizeof(*old));
	had_old = gs_xcalloc(plan.nr ? plan.nr : 1, sizeof(*had_old));
	conflicted = gs_xcalloc(plan.nr ? plan.nr : 1, sizeof(*conflicted));
	for (i = 0; i < plan.nr; i++) {
		gs_plan_item *item = &plan.items[i];
		const gs_source_entry *e;

		if (item->error || item->fresh || gs_strvec_contains(&failed, item->package))
			continue;
		e = gs_source_lookup(ctx.src, item->path);
		if (e && GS_MODE_IS_REGULAR(e->mode) && e->has_oid) {
			git_oid_cpy(&old[todo_nr], &e->oid);
			had_old[todo_nr] = 1;
		}
		todo[todo_nr++] = item;
	}

	if (!staged) {
		for (i = 0; i < todo_nr; i++) {
			if ((error = gs_write_file_atomic(ctx.workdir, todo[i]->path, todo[i]->content.ptr,
							  todo[i]->content.size, 0666)) < 0)
				goto done;
			if (!cmd_quiet)
				printf("updated %s\n", todo[i]->path);
		}
	} else {
		for (i = 0; i < todo_nr; i++)
			if (git_blob_create_from_buffer(&todo[i]->oid, ctx.repo, todo[i]->content.ptr,
							todo[i]->content.size) < 0) {
				error = gs_error_set_git("cannot write a contract blob");
				goto done;
			}
		if (todo_nr) {
			if ((error = write_index(&ctx, &lk, todo, todo_nr, conflicted)) < 0)
				goto done;
		} else {
			gs_lockfile_rollback(&lk);
		}
		locked = 0;
		for (i = 0; i < todo_nr; i++) {
			int written = 0;

			if (ctx.workdir &&
			    (error = update_worktree_copy(&ctx, todo[i], had_old[i] ? &old[i] : NULL,
							  conflicted[i], &written)) < 0)
				goto done;
			updated_wt += written;
			if (!cmd_quiet)
				printf("updated %s (index%s)\n", todo[i]->path,
				       written ? " and work tree" : "");
		}
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
	free(old);
	free(had_old);
	free(conflicted);
	gs_plan_clear(&plan);
	gs_strvec_clear(&targets);
	gs_strvec_clear(&problems);
	gs_strvec_clear(&failed);
	cmd_ctx_release(&ctx);
	return cmd_report(error);
}
