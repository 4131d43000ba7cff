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
#include "gitspec/stage.h"
#include "gitspec/eol.h"
#include "gitspec/index.h"
#include "gitspec/source.h"
#include "gitspec/check.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const sync_usage[] = {
	"git spec sync [--staged] [-q] [--json] [--full-name] [<path>...]",
	NULL
};

/*
 * What sync did, for --json: {"updated": [{"path", "spec", "package",
 * "variant", "worktree", "index"}...], "unchanged": N, "warnings": [...],
 * "errors": [PROBLEM...]}, paths top-relative.
 */
static void sync_json(gs_buf *out, gs_stage_entry *sg, size_t nr, int staged, size_t unchanged,
		      const gs_strvec *warnings, const gs_check_report *r)
{
	size_t i;

	gs_buf_puts(out, "{\"updated\": [");
	for (i = 0; i < nr; i++) {
		const gs_plan_item *it = sg[i].item;
		int index = staged || sg[i].outside, worktree = staged ? sg[i].worktree : !sg[i].outside;

		gs_buf_puts(out, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
		gs_buf_put_json_string(out, it->path);
		gs_buf_puts(out, ", \"spec\": ");
		gs_buf_put_json_string(out, it->spec->id);
		gs_buf_puts(out, ", \"package\": ");
		gs_buf_put_json_string(out, it->package);
		gs_buf_puts(out, ", \"variant\": ");
		gs_buf_put_json_string(out, gs_variant_name(it->variant->variant));
		gs_buf_printf(out, ", \"worktree\": %s, \"index\": %s}", worktree ? "true" : "false",
			      index ? "true" : "false");
	}
	gs_buf_printf(out, "%s, \"unchanged\": %zu, \"warnings\": ", nr ? "\n  ]" : "]", unchanged);
	cmd_json_strvec(out, warnings);
	gs_buf_puts(out, ", \"errors\": ");
	gs_check_report_errors_json(out, r);
	gs_buf_puts(out, "}\n");
}

/* "updated PATH" and how, as the user can paste PATH where they stand. */
static void print_updated(git_repository *repo, const char *path, const char *how)
{
	gs_buf line = GS_BUF_INIT;

	gs_buf_puts(&line, "updated ");
	cmd_put_path(&line, repo, path);
	printf("%s%s\n", line.ptr, how);
	gs_buf_release(&line);
}

/* index.lock, taken without waiting as git does. */
static int hold_index(gs_lockfile *lk, int *locked, const gs_workspace *ctx)
{
	int error = gs_lockfile_hold(lk, ctx->index_path);

	if (error == GS_ELOCKED)
		cmd_set_hint("another git process seems to be running; if not, remove the lock file and retry");
	*locked = !error;
	return error;
}

/*
 * What stops everything before anything is written: a spec that does not
 * parse, a target that names nothing, an unsafe contract path, an invalid
 * registry. Each is printed (unless --json) and added to `report`.
 */
static int refuse_early(gs_strvec *targets, gs_check_report *report, gs_workspace *ctx,
			int argc, const char **argv)
{
	gs_registry_problems unsafe = GS_REGISTRY_PROBLEMS_INIT, invalid = GS_REGISTRY_PROBLEMS_INIT;
	size_t i;
	int error = 0;

	for (i = 0; i < ctx->reg->errors.nr; i++)
		gs_check_report_add_error(report, GS_PROBLEM_SPEC, ctx->reg->error_paths.v[i],
					  ctx->reg->error_places[i].line, ctx->reg->error_places[i].column,
					  ctx->reg->errors.v[i]);
	if (cmd_ctx_report_spec_errors(ctx, "error")) {
		error = gs_error_set(GS_EINPUT, "a spec does not parse; nothing was written");
		cmd_set_hint("fix the spec files named above, then run 'git spec validate'");
		goto done;
	}
	if (argc && (error = cmd_ctx_resolve_targets(targets, ctx, argc, argv)) < 0)
		goto done;
	if (gs_workspace_unsafe_contracts(&unsafe, ctx, argc ? targets : NULL,
					  ctx->workdir != NULL, NULL)) {
		for (i = 0; i < unsafe.nr; i++) {
			if (!cmd_json)
				fprintf(stderr, "error: %s\n", unsafe.v[i].message);
			gs_check_report_add_error(report, GS_PROBLEM_UNSAFE_PATH, unsafe.v[i].spec_path,
						  0, 0, unsafe.v[i].message);
		}
		error = gs_error_set(GS_EINPUT, "unsafe contract paths; nothing was written");
		cmd_set_hint("contract paths must stay inside the repository, outside .git, and not pass through symbolic links");
		goto done;
	}
	if (gs_registry_check(&invalid, ctx->reg, ctx->src, &ctx->pkgs)) {
		for (i = 0; i < invalid.nr; i++) {
			if (!cmd_json)
				fprintf(stderr, "error: %s\n", invalid.v[i].message);
			gs_check_report_add_error(report, gs_problem_of_registry(invalid.v[i].kind),
						  invalid.v[i].spec_path, 0, 0, invalid.v[i].message);
		}
		error = gs_error_set(GS_ECHECK, "the registry is invalid; nothing was written");
		cmd_set_hint("'git spec validate' lists the problems");
	}
done:
	gs_registry_problems_clear(&unsafe);
	gs_registry_problems_clear(&invalid);
	return error;
}

/* The contracts to write: `nr` of them, `sg` and `items` in the same order. */
struct todo {
	gs_plan_item **items;
	gs_stage_entry *sg;
	size_t nr;
};

/*
 * Report each syntax error once and collect what is to be written: every
 * stale contract of a package without one. The packages with a syntax
 * error go to `failed`; returns their number.
 */
static size_t collect_todo(struct todo *t, gs_strvec *failed, gs_check_report *report,
			   gs_plan *plan, const gs_workspace *ctx)
{
	gs_strvec problems = GS_STRVEC_INIT;
	size_t i;

	for (i = 0; i < plan->nr; i++) {
		const gs_plan_item *it = &plan->items[i];

		if (!it->error)
			continue;
		/* Each variant reports the same file: say it once. */
		if (!gs_strvec_contains(&problems, it->error)) {
			if (!cmd_json)
				fprintf(stderr, "error: %s\n", it->error);
			gs_strvec_push(&problems, it->error);
			gs_check_report_add_error(report, gs_problem_of_plan(it->error_kind),
						  it->error_path, it->error_line, it->error_column,
						  it->error);
		}
		gs_strvec_push(failed, it->package);
	}
	t->items = gs_xcalloc(plan->nr ? plan->nr : 1, sizeof(*t->items));
	t->sg = gs_xcalloc(plan->nr ? plan->nr : 1, sizeof(*t->sg));
	for (i = 0; i < plan->nr; i++) {
		gs_plan_item *item = &plan->items[i];
		const gs_source_entry *e;

		if (item->error || item->fresh || gs_strvec_contains(failed, item->package))
			continue;
		e = gs_source_lookup(ctx->src, item->path);
		if (e && GS_MODE_IS_REGULAR(e->mode) && e->has_oid) {
			git_oid_cpy(&t->sg[t->nr].old, &e->oid);
			t->sg[t->nr].had_old = 1;
		}
		t->sg[t->nr].item = item;
		t->sg[t->nr].outside = gs_source_outside_checkout(ctx->src, item->path);
		t->items[t->nr++] = item;
	}
	gs_strvec_clear(&problems);
	return failed->nr;
}

/* Writes contracts to the work tree: what git would check out (eol.h). */
struct writer {
	gs_eol_session *eol;     /* both made for the first file */
	gs_tree_writer *w;
	gs_buf conv;
};

static int write_one(struct writer *wr, gs_workspace *ctx, const gs_plan_item *item)
{
	int error;

	if (!wr->eol) {
		gs_eol_session_init(&wr->eol, ctx->repo, ctx->src);
		gs_tree_writer_init(&wr->w, ctx->workdir);
	}
	if ((error = gs_eol_convert_in(&wr->conv, wr->eol, item->path, item->content.ptr,
				       item->content.size, 1)) < 0)
		return error;
	return gs_tree_writer_put(wr->w, item->path, wr->conv.ptr, wr->conv.size, 0666,
				  item->missing);
}

static void writer_release(struct writer *wr)
{
	gs_tree_writer_free(wr->w);
	gs_eol_session_free(wr->eol);
	gs_buf_release(&wr->conv);
}

/*
 * Contracts written while the plan is still being derived on the other
 * threads (work-tree mode, not --json): once every item of a package is
 * final, its contracts that collect_todo() will choose are written, in
 * plan order, as write_worktree() would write them; it then skips them
 * (`written`) but reports them, in the same order as before. A write that
 * fails stops this; write_worktree() tries that file again and reports
 * it. Only the files are written early: what is printed, and when, is the
 * same as on one thread.
 */
struct early {
	gs_workspace *ctx;
	struct writer *wr;
	size_t *grp;             /* per item: its package's group */
	size_t *grp_end;         /* per group: its last item */
	signed char *grp_failed; /* per group: an item is in error; -1 not known yet */
	char *written;           /* per item */
	size_t next;             /* the next item to consider */
	int stopped;
};

struct by_package {
	const char *package;
	size_t i;
};

static int cmp_by_package(const void *a, const void *b)
{
	const struct by_package *x = a, *y = b;
	int c = strcmp(x->package, y->package);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* The items of each package (collect_todo() matches failed packages by name). */
static void early_groups(struct early *e, const gs_plan *plan)
{
	struct by_package *order = gs_xcalloc(plan->nr + 1, sizeof(*order));
	size_t i, g = 0;

	for (i = 0; i < plan->nr; i++) {
		order[i].package = plan->items[i].package;
		order[i].i = i;
	}
	qsort(order, plan->nr, sizeof(*order), cmp_by_package);
	e->grp = gs_xcalloc(plan->nr + 1, sizeof(*e->grp));
	e->grp_end = gs_xcalloc(plan->nr + 1, sizeof(*e->grp_end));
	e->grp_failed = gs_xcalloc(plan->nr + 1, 1);
	e->written = gs_xcalloc(plan->nr + 1, 1);
	for (i = 0; i < plan->nr; i++) {
		if (i && strcmp(order[i].package, order[i - 1].package))
			g++;
		e->grp[order[i].i] = g;
		e->grp_end[g] = order[i].i;  /* ascending within a group: the last wins */
		e->grp_failed[g] = -1;
	}
	free(order);
}

static int early_failed(struct early *e, const gs_plan *plan, size_t g, size_t nr)
{
	size_t i;

	if (e->grp_failed[g] < 0) {
		e->grp_failed[g] = 0;
		for (i = 0; i < nr; i++)
			if (e->grp[i] == g && plan->items[i].error)
				e->grp_failed[g] = 1;
	}
	return e->grp_failed[g];
}

static void write_early(gs_plan *plan, size_t nr, void *arg)
{
	struct early *e = arg;

	if (!e->grp)
		early_groups(e, plan);
	while (!e->stopped && e->next < nr) {
		size_t i = e->next, g = e->grp[i];
		const gs_plan_item *item = &plan->items[i];

		if (e->grp_end[g] >= nr)
			break;  /* its package is not final yet */
		e->next++;
		if (item->error || item->fresh || early_failed(e, plan, g, nr) ||
		    gs_source_outside_checkout(e->ctx->src, item->path))
			continue;
		if (write_one(e->wr, e->ctx, item) < 0) {
			e->stopped = 1;
			gs_error_clear();
			break;
		}
		e->written[i] = 1;
	}
}

static void early_release(struct early *e)
{
	free(e->grp);
	free(e->grp_end);
	free(e->grp_failed);
	free(e->written);
}

/*
 * Work-tree mode: write the files (those not `written` early already).
 * Outside a sparse checkout no file is written (git keeps none there):
 * the contract is updated in the index only, skip-worktree, as if checked
 * out, changed and staged.
 *
 * One thread writes them (and gs_cache_flush_start() the cache meanwhile).
 * Making the temporary files on a second thread, renamed into place in
 * order by this one, made a cold Django sync's writes 20-50% slower
 * (ADR 0023): creating a file holds its directory's lock while ext4 looks
 * for a free inode, the rename out of the scratch directory waits for it,
 * and both threads contend for the same inode bitmap.
 */
static int write_worktree(gs_strvec *warnings, gs_lockfile *lk, int *locked, gs_workspace *ctx,
			  const struct todo *t, struct writer *wr, const gs_plan *plan,
			  const char *written)
{
	gs_stage_entry *osg = gs_xcalloc(t->nr ? t->nr : 1, sizeof(*osg));
	size_t i, nout = 0;
	int error = 0;

	for (i = 0; i < t->nr; i++) {
		if (t->sg[i].outside) {
			osg[nout++] = t->sg[i];
			continue;
		}
		if ((!written || !written[t->items[i] - plan->items]) &&
		    (error = write_one(wr, ctx, t->items[i])) < 0)
			goto done;
		if (!cmd_quiet && !cmd_json)
			print_updated(ctx->repo, t->items[i]->path, "");
	}
	if (!nout)
		goto done;
	if ((error = hold_index(lk, locked, ctx)) < 0 ||
	    (error = gs_stage_contracts(ctx, lk, osg, nout, warnings)) < 0)
		goto done;
	*locked = 0;
	for (i = 0; !cmd_quiet && !cmd_json && i < nout; i++)
		print_updated(ctx->repo, osg[i].item->path, " (index only: outside the sparse checkout)");
done:
	free(osg);
	return error;
}

/* --staged: the new index through the lock we hold, the work tree where it has no edits. */
static int write_staged(gs_strvec *warnings, gs_lockfile *lk, int *locked, gs_workspace *ctx,
			const struct todo *t)
{
	size_t i;
	int error = t->nr ? gs_stage_contracts(ctx, lk, t->sg, t->nr, warnings) : 0;

	for (i = 0; i < warnings->nr; i++)
		cmd_warning("%s", warnings->v[i]);
	if (error < 0)
		return error;
	if (!t->nr)
		gs_lockfile_rollback(lk);
	*locked = 0;
	for (i = 0; !cmd_quiet && !cmd_json && i < t->nr; i++)
		print_updated(ctx->repo, t->items[i]->path,
			      t->sg[i].worktree ? " (index and work tree)" :
			      t->sg[i].outside ? " (index only: outside the sparse checkout)" : " (index)");
	return 0;
}

/*
 * Longer than 80 lines for its option table and its one exit path, which
 * answers in JSON whatever stopped it; the steps are the functions above.
 */
int cmd_sync(int argc, const char **argv)
{
	int staged = 0, error = 0, locked = 0, answered = 0;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_(0, "staged", &staged, "derive from the index and update it"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "print only errors"),
		CMD_OPT_BOOL_(0, "json", &cmd_json, "print what was done as JSON"),
		CMD_OPT_BOOL_(0, "full-name", &cmd_full_name, "paths relative to the top, not here"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_lockfile lk;
	gs_strvec targets = GS_STRVEC_INIT, failed = GS_STRVEC_INIT, warnings = GS_STRVEC_INIT;
	gs_buf out = GS_BUF_INIT;
	gs_check_report report;
	gs_plan plan = GS_PLAN_INIT;
	struct todo todo = { NULL, NULL, 0 };
	struct writer wr = { NULL, NULL, GS_BUF_INIT };
	struct early early;
	size_t i, syntax_errors = 0;

	memset(&lk, 0, sizeof(lk));
	memset(&early, 0, sizeof(early));
	lk.fd = -1;
	gs_check_report_init(&report);
	argc = cmd_parse_options(argc, argv, opts, sync_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);

	gs_workspace_init(&ctx);
	if ((error = gs_workspace_open_repo(&ctx)) < 0)
		goto done;
	if (staged) {
		/* The lock first: nobody may change the index while we derive from it. */
		if ((error = hold_index(&lk, &locked, &ctx)) < 0)
			goto done;
		error = gs_workspace_load(&ctx, GS_WORKSPACE_INDEX, ctx.index_path);
	} else {
		error = gs_workspace_load(&ctx, GS_WORKSPACE_WORKTREE, NULL);
	}
	if (error < 0) {
		/* A configuration that cannot be read is an answer in JSON too. */
		if (cmd_json && error == GS_EINPUT)
			gs_check_report_add_failure(&report);
		goto done;
	}
	if ((error = refuse_early(&targets, &report, &ctx, argc, argv)) < 0)
		goto done;
	early.ctx = &ctx;
	early.wr = &wr;
	if ((error = gs_plan_build_ready(&plan, ctx.eng, ctx.src, ctx.reg, &ctx.pkgs,
					 argc ? &targets : NULL, staged || cmd_json ? NULL : write_early,
					 &early)) < 0) {
		/* stopped by a git or system error: say what was written all the same */
		for (i = 0; early.written && !cmd_quiet && i < plan.nr; i++)
			if (early.written[i])
				print_updated(ctx.repo, plan.items[i].path, "");
		goto done;
	}
	/*
	 * The cache's last new values are written, and the models freed, on
	 * other threads while the last contracts are written (most were,
	 * during the plan) and the rest is freed.
	 */
	gs_cache_flush_start(ctx.cache);
	gs_engine_drop_models(ctx.eng);
	/* A package with a syntax error gets none of its contracts written. */
	syntax_errors = collect_todo(&todo, &failed, &report, &plan, &ctx);
	if (!staged)
		error = write_worktree(&warnings, &lk, &locked, &ctx, &todo, &wr, &plan, early.written);
	else
		error = write_staged(&warnings, &lk, &locked, &ctx, &todo);
	if (error < 0)
		goto done;
	if (cmd_json) {
		size_t unchanged = 0;

		for (i = 0; i < plan.nr; i++)
			unchanged += plan.items[i].fresh && !plan.items[i].error;
		sync_json(&out, todo.sg, todo.nr, staged, unchanged, &warnings, &report);
		if ((error = cmd_write_stdout(&out)) < 0)
			goto done;
		answered = 1;
	}
	if (!cmd_quiet && !cmd_json && !todo.nr && !syntax_errors)
		printf("%zu contract%s up to date\n", plan.nr, plan.nr == 1 ? " is" : "s are");
	fflush(stdout);
	if (syntax_errors) {
		gs_strvec_sort_uniq(&failed);
		error = gs_error_set(GS_EINPUT, "%zu package%s not synced because of syntax errors",
				     failed.nr, failed.nr == 1 ? "" : "s");
	}

done:
	/*
	 * Stopped before anything was written (exit 1 or 3): the errors are
	 * the answer, the last one when nothing else says why.
	 */
	if (cmd_json && !answered && (error == GS_EINPUT || error == GS_ECHECK)) {
		if (!report.errors_nr)
			cmd_json_add_last_error(&report);
		gs_buf_clear(&out);
		sync_json(&out, NULL, 0, staged, 0, &warnings, &report);
		answered = !cmd_write_stdout(&out);
	}
	if (locked)
		gs_lockfile_rollback(&lk);
	free(todo.items);
	free(todo.sg);
	writer_release(&wr);
	early_release(&early);
	gs_plan_clear(&plan);
	gs_strvec_clear(&targets);
	gs_strvec_clear(&failed);
	gs_strvec_clear(&warnings);
	gs_check_report_clear(&report);
	gs_buf_release(&out);
	gs_workspace_release(&ctx);
	return cmd_json_report(error, answered);
}
