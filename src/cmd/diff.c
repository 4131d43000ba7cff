/*
 * git spec diff [<rev> | <a>..<b> | --staged] [--all] [--json | --format=github]
 *               [--exit-code] [-- <path>...]:
 * the API changes between two states (DESIGN.md 3.7), each breaking or
 * compatible, read from the object database and the index without
 * checking anything out. Exit 1 with --exit-code when a change breaks
 * callers; 3 for bad input (a syntax error in a file that changed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/apidiff.h"
#include "gitspec/spec.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const diff_usage[] = {
	"git spec diff [<rev> | <a>..<b> | --staged] [--all] [--json | --format=github]\n"
	"                     [--exit-code] [-q] [-- <path>...]",
	NULL
};

enum diff_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_GITHUB };

/* The tree of a commit-ish, and its id in hex for "from"/"to". */
static int commit_tree(git_tree **out, char **hex, git_repository *repo, const git_object *obj,
		       const char *what)
{
	git_object *peeled = NULL;
	char buf[GIT_OID_HEXSZ + 1];
	int error = 0;

	*out = NULL;
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
		git_oid_tostr(buf, sizeof(buf), git_object_id(peeled));
		*hex = gs_xstrdup(buf);
		git_object_free(peeled);
		peeled = NULL;
	} else {
		git_oid_tostr(buf, sizeof(buf), git_object_id(obj));
		*hex = gs_xstrdup(buf);
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_TREE) < 0) {
		error = gs_error_set(GS_EINPUT, "'%s' is not a commit or a tree", what);
		goto done;
	}
	*out = (git_tree *)peeled;
done:
	return error;
}

static int resolve_tree(git_tree **out, char **hex, git_repository *repo, const char *rev)
{
	git_object *obj = NULL;
	int error;

	if (git_revparse_single(&obj, repo, rev) < 0) {
		cmd_set_hint("'%s' names no commit; see gitrevisions(7)", rev);
		return gs_error_set(GS_EINPUT, "unknown revision '%s'", rev);
	}
	error = commit_tree(out, hex, repo, obj, rev);
	git_object_free(obj);
	return error;
}

/* HEAD's tree, or NULL on an unborn branch (everything is added). */
static int head_tree(git_tree **out, char **hex, git_repository *repo)
{
	int unborn = git_repository_head_unborn(repo);

	*out = NULL;
	*hex = NULL;
	if (unborn == 1)
		return 0;
	if (unborn < 0)
		return gs_error_set_git("cannot read HEAD");
	return resolve_tree(out, hex, repo, "HEAD");
}

static void side_from_ctx(gs_apidiff_side *side, gs_workspace *ctx)
{
	memset(side, 0, sizeof(*side));
	side->src = ctx->src;
	side->cfg = &ctx->cfg;
	side->pkgs = &ctx->pkgs;
	side->reg = ctx->reg;
	side->eng = ctx->eng;
}

/* A or B of A..B; missing means HEAD, as in git. */
static int range_end(git_tree **out, char **hex, git_repository *repo, const git_object *obj)
{
	if (!obj)
		return resolve_tree(out, hex, repo, "HEAD");
	return commit_tree(out, hex, repo, obj, "range end");
}

/* The trees of A..B, or of A...B (from the merge base of A and B to B, as git diff does). */
static int range_trees(git_tree **old_tree, char **from, git_tree **new_tree, char **to,
		       git_repository *repo, const char *rev)
{
	git_revspec spec;
	git_object *base_obj = NULL;
	git_oid base;
	int error;

	memset(&spec, 0, sizeof(spec));
	if (git_revparse(&spec, repo, rev) < 0) {
		error = gs_error_set(GS_EINPUT, "unknown revision range '%s'", rev);
		goto done;
	}
	if (!(spec.flags & GIT_REVSPEC_MERGE_BASE)) {
		error = range_end(old_tree, from, repo, spec.from);
	} else if (git_merge_base(&base, repo, git_object_id(spec.from), git_object_id(spec.to)) < 0 ||
		   git_object_lookup(&base_obj, repo, &base, GIT_OBJECT_COMMIT) < 0) {
		error = gs_error_set(GS_EINPUT, "'%s': no merge base", rev);
	} else {
		error = commit_tree(old_tree, from, repo, base_obj, rev);
	}
	if (!error)
		error = range_end(new_tree, to, repo, spec.to);
done:
	git_object_free(base_obj);
	git_object_free(spec.from);
	git_object_free(spec.to);
	return error;
}

/* The two trees compared and their names in the JSON output (from, to). */
struct diff_trees {
	git_tree *old_tree, *new_tree;
	char *from, *to;
};

/*
 * The two sides: A..B or A...B (two trees), REV (its tree against the
 * work tree) or nothing (HEAD against the index).
 */
static int open_sides(gs_apidiff_side *old_side, gs_apidiff_side *new_side, struct diff_trees *t,
		      gs_workspace *ctx, const char *rev)
{
	int error;

	if (rev && strstr(rev, "..")) {
		if ((error = range_trees(&t->old_tree, &t->from, &t->new_tree, &t->to, ctx->repo, rev)) < 0 ||
		    (error = gs_apidiff_side_open_tree(new_side, ctx->repo, t->new_tree, ctx->cache)) < 0)
			return error;
	} else if (rev) {
		if ((error = resolve_tree(&t->old_tree, &t->from, ctx->repo, rev)) < 0 ||
		    (error = gs_workspace_load(ctx, GS_WORKSPACE_WORKTREE, NULL)) < 0)
			return error;
		side_from_ctx(new_side, ctx);
		t->to = gs_xstrdup("worktree");
	} else {
		if ((error = head_tree(&t->old_tree, &t->from, ctx->repo)) < 0 ||
		    (error = gs_workspace_load(ctx, GS_WORKSPACE_INDEX, NULL)) < 0)
			return error;
		side_from_ctx(new_side, ctx);
		t->to = gs_xstrdup("index");
	}
	return gs_apidiff_side_open_tree(old_side, ctx->repo, t->old_tree, ctx->cache);
}

/* --format and --json; NULL, or why they cannot be (in `why`). */
static const char *pick_format(enum diff_format *fmt, gs_buf *why, const char *format, int json)
{
	*fmt = FORMAT_TEXT;
	if (format) {
		if (!strcmp(format, "json")) {
			*fmt = FORMAT_JSON;
		} else if (!strcmp(format, "github")) {
			*fmt = FORMAT_GITHUB;
		} else if (strcmp(format, "text")) {
			gs_buf_printf(why, "unknown format '%s' (text, json or github)", format);
			return why->ptr;
		}
	}
	if (json) {
		if (*fmt == FORMAT_GITHUB)
			return "--json and --format=github cannot be used together";
		*fmt = FORMAT_JSON;
	}
	return NULL;
}

/*
 * Paths follow `--`, as in git diff; the option parser would mix them with
 * the revision. Returns the number of arguments before `--`.
 */
static int split_dashdash(const char ***paths, int *npaths, int argc, const char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			*paths = argv + i + 1;
			*npaths = argc - i - 1;
			return i;
		}
	}
	return argc;
}

/* Over 80 lines for its option table, its usage checks and its one exit path. */
int cmd_diff(int argc, const char **argv)
{
	int staged = 0, all = 0, json = 0, exit_code = 0, error = 0, i;
	const char *format = NULL;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_(0, "staged", &staged, "the index against HEAD (the default)"),
		CMD_OPT_BOOL_(0, "cached", &staged, "the same as --staged"),
		CMD_OPT_BOOL_(0, "all", &all, "every package, not only those a spec covers"),
		CMD_OPT_BOOL_(0, "json", &json, "print JSON"),
		CMD_OPT_STRING_(0, "format", &format, "fmt", "text (default), json or github"),
		CMD_OPT_BOOL_(0, "exit-code", &exit_code, "exit 1 when a change is breaking"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "no warnings or hints"),
		CMD_OPT_END_()
	};
	enum diff_format fmt = FORMAT_TEXT;
	gs_workspace ctx;
	gs_apidiff_side old_side, new_side;
	gs_apidiff_opts dopts;
	gs_change_list changes = GS_CHANGE_LIST_INIT;
	gs_strvec paths = GS_STRVEC_INIT;
	gs_buf out = GS_BUF_INIT, rel = GS_BUF_INIT;
	struct diff_trees trees = { NULL, NULL, NULL, NULL };
	const char *rev = NULL, *bad;
	int nargs, npaths = 0;
	const char **path_args = NULL;

	memset(&old_side, 0, sizeof(old_side));
	memset(&new_side, 0, sizeof(new_side));
	gs_workspace_init(&ctx);

	argc = split_dashdash(&path_args, &npaths, argc, argv);
	nargs = cmd_parse_options(argc, argv, opts, diff_usage);
	if (nargs < 0)
		return cmd_parse_options_status(nargs);
	if ((bad = pick_format(&fmt, &rel, format, json)) != NULL) {
		error = cmd_usage_error(opts, diff_usage, "%s", bad);
		gs_buf_release(&rel);
		return error;
	}
	cmd_json = fmt == FORMAT_JSON;
	if (nargs > 1)
		return cmd_usage_error(opts, diff_usage, "too many revisions; paths go after '--'");
	if (nargs == 1)
		rev = argv[0];
	if (staged && rev)
		return cmd_usage_error(opts, diff_usage, "--staged compares the index with HEAD: give no revision");

	if ((error = gs_workspace_open_repo(&ctx)) < 0)
		goto done;
	for (i = 0; i < npaths; i++) {
		if ((error = gs_workspace_relpath(&rel, &ctx, path_args[i])) < 0)
			goto done;
		gs_strvec_push(&paths, rel.ptr);
	}

	if ((error = open_sides(&old_side, &new_side, &trees, &ctx, rev)) < 0)
		goto done;

	memset(&dopts, 0, sizeof(dopts));
	dopts.all = all;
	dopts.paths = &paths;
	if ((error = gs_apidiff_sides(&changes, &old_side, &new_side, &dopts)) < 0)
		goto done;
	if (!all && !(old_side.reg && old_side.reg->specs_nr) && !(new_side.reg && new_side.reg->specs_nr))
		cmd_hint("no spec covers any package; 'git spec diff --all' compares every package");

	if (fmt == FORMAT_JSON)
		gs_change_list_format_json(&out, &changes, trees.from, trees.to);
	else if (fmt == FORMAT_GITHUB)
		gs_change_list_format_github(&out, &changes);
	else
		gs_change_list_format_text(&out, &changes);
	if ((error = cmd_write_stdout(&out)) < 0)
		goto done;
	if (exit_code && gs_change_list_breaking(&changes))
		error = GS_ECHECK;

done:
	gs_change_list_clear(&changes);
	gs_apidiff_side_release(&old_side);
	gs_apidiff_side_release(&new_side);
	git_tree_free(trees.old_tree);
	git_tree_free(trees.new_tree);
	free(trees.from);
	free(trees.to);
	gs_strvec_clear(&paths);
	gs_buf_release(&out);
	gs_buf_release(&rel);
	gs_workspace_release(&ctx);
	/* --exit-code's 1 is an answer, not an error: nothing to print. */
	if (error == GS_ECHECK)
		return GS_EXIT_CHECK;
	return cmd_report(error);
}
