/*
 * git spec check [--staged | --rev REV | --range A..B] [--json] [--diff]:
 * whether every contract is fresh, writing nothing; under each stale
 * contract, the API changes of its package (git spec diff's lines), and
 * with --diff the unified diff of the contract itself. Exit 1 for stale contracts or
 * an invalid registry, 3 for bad input (a spec that does not parse, an
 * unsafe contract path, a syntax error), which wins over 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/check.h"
#include "gitspec/apidiff.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const check_usage[] = {
	"git spec check [--staged | --rev <rev> | --range <a>..<b>] [--json | --format=github] [--diff] [-q]",
	NULL
};

/* Whether every error is an uncovered package (spec.requireSpecs). */
static int uncovered_only(const gs_check_report *r)
{
	size_t i;

	for (i = 0; i < r->errors_nr; i++)
		if (r->errors[i].code != GS_PROBLEM_UNCOVERED)
			return 0;
	return 1;
}

static int result_status(const gs_check_report *r, const char *where)
{
	if (gs_check_report_bad_input(r))
		return gs_error_set(GS_EINPUT, "%s: the contracts cannot be checked", where);
	if (r->stale_nr) {
		cmd_set_hint("run '%s' to regenerate them", r->fix);
		return gs_error_set(GS_ECHECK, "%s: %zu contract%s stale", where, r->stale_nr,
				    r->stale_nr == 1 ? " is" : "s are");
	}
	if (r->errors_nr && uncovered_only(r)) {
		cmd_set_hint("'git spec create --all' covers every one");
		return gs_error_set(GS_ECHECK, "%s: %zu package%s not covered by any spec "
				    "(spec.requireSpecs is set)", where, r->errors_nr,
				    r->errors_nr == 1 ? " is" : "s are");
	}
	if (r->errors_nr) {
		cmd_set_hint("'git spec validate' lists the problems");
		return gs_error_set(GS_ECHECK, "%s: the registry is invalid", where);
	}
	return 0;
}

enum check_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_GITHUB };

/* Whether the JSON answer is out (then an exit of 1 or 3 says nothing more). */
static int json_printed;

/* A path of the text report, as the user can paste it where they stand. */
static void put_user_path(gs_buf *out, const char *path, void *repo)
{
	cmd_put_path(out, repo, path);
}

/*
 * The changes the breaking-change policy refuses, per commit and module:
 * "error: commit C breaks the API of MODULE without a trailer ..." then its lines.
 */
static void print_refused(const gs_change_list *refused)
{
	gs_buf line = GS_BUF_INIT;
	size_t i;

	for (i = 0; i < refused->nr; i++) {
		const gs_change *c = &refused->v[i];

		if (!i || strcmp(c->commit, refused->v[i - 1].commit) ||
		    strcmp(c->module, refused->v[i - 1].module))
			fprintf(stderr, "error: commit %.12s breaks the API of '%s' without a trailer "
				"'API-Break: %s':\n", c->commit, c->module, c->module);
		gs_buf_clear(&line);
		gs_change_format_line(&line, c);
		fprintf(stderr, "  %s\n", line.ptr);
	}
	gs_buf_release(&line);
}

/*
 * Print the report; in text, with --diff (`ws` not NULL), the unified diff
 * of each stale contract follows on standard output.
 */
static int print_report(const gs_check_report *r, enum check_format fmt, int range,
			gs_workspace *ws, git_repository *ws_repo)
{
	gs_buf out = GS_BUF_INIT;
	size_t i;
	int error = 0;

	switch (fmt) {
	case FORMAT_JSON:
		gs_check_report_json(&out, r, range);
		json_printed = !cmd_write_stdout(&out);
		break;
	case FORMAT_GITHUB:
		gs_check_report_github(&out, r);
		cmd_write_stdout(&out);
		break;
	case FORMAT_TEXT:
		gs_check_report_text_paths(&out, r, "", put_user_path, ws_repo);
		fputs(out.ptr, stderr);
		if (r->refused.nr)
			print_refused(&r->refused);
		gs_buf_clear(&out);
		for (i = 0; ws && i < r->items_nr; i++)
			if ((r->items[i].state == GS_CHECK_STALE ||
			     r->items[i].state == GS_CHECK_MISSING) &&
			    (error = gs_check_item_patch(&out, &r->items[i], ws)) < 0)
				break;
		if (out.size) {
			fflush(stderr);
			cmd_write_stdout(&out);
		}
		break;
	}
	gs_buf_release(&out);
	return error;
}

/*
 * The tree a commit's API changes are shown against: its first parent's,
 * the empty tree for a root commit (*has 1, *out NULL); none (*has 0) when
 * the parent is missing (a shallow boundary) or `oid` is not a commit.
 */
static int parent_tree(git_tree **out, int *has, git_repository *repo, const git_oid *oid)
{
	git_commit *commit = NULL, *parent = NULL;

	*out = NULL;
	*has = 0;
	if (git_commit_lookup(&commit, repo, oid) < 0) {
		git_error_clear();
		return 0;
	}
	if (!git_commit_parentcount(commit)) {
		*has = 1;
	} else if (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(out, parent) < 0) {
		/* a shallow commit's parent is missing: nothing to compare with */
		git_error_clear();
	} else {
		*has = 1;
	}
	git_commit_free(parent);
	git_commit_free(commit);
	return 0;
}

/* The tree the API changes are shown against: HEAD's, or REV's first parent's. */
static int check_base(git_tree **out, int *has, gs_workspace *ws, const char *rev)
{
	git_object *obj = NULL;
	git_commit *commit = NULL;
	int error = 0;

	*out = NULL;
	*has = 1;
	if (!rev && git_repository_head_unborn(ws->repo) == 1)
		return 0;
	if (git_revparse_single(&obj, ws->repo, rev ? rev : "HEAD") < 0 ||
	    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		/* a tree, not a commit: no history to compare with */
		git_error_clear();
		goto done;
	}
	if (!rev) {
		if (git_commit_tree(out, commit) < 0)
			error = gs_error_set_git("cannot read HEAD");
	} else {
		error = parent_tree(out, has, ws->repo, git_commit_id(commit));
	}
done:
	git_commit_free(commit);
	git_object_free(obj);
	return error;
}

/*
 * The fix for a stale commit, runnable where the user stands: HEAD is
 * amended; an older commit is rewritten from there on (as the pre-push
 * hook says).
 */
static void rev_fix(gs_buf *out, git_repository *repo, const git_oid *oid)
{
	git_oid head;
	char hex[GIT_OID_HEXSZ + 1];

	gs_buf_clear(out);
	if (!git_reference_name_to_id(&head, repo, "HEAD") && git_oid_equal(&head, oid)) {
		gs_buf_puts(out, "git spec sync --staged && git commit --amend --no-edit");
		return;
	}
	gs_error_clear();
	git_oid_tostr(hex, 13, oid);
	gs_buf_printf(out, "git rebase --exec 'git spec sync --staged && git commit -q --amend "
		      "--no-edit --no-verify' %s~1", hex);
}

/* Check every commit of A..B, oldest first, stopping at the first failure. */
static int check_range(gs_workspace *ws, const char *range, enum check_format fmt, int patch)
{
	gs_check_report r;
	gs_buf where = GS_BUF_INIT, fixbuf = GS_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	git_tree *base = NULL;
	int error, has_base = 0;

	gs_check_report_init(&r);
	if ((error = gs_check_range(&r, ws, range)) < 0)
		goto done;
	if (r.has_commit) {
		rev_fix(&fixbuf, ws->repo, &r.commit);
		r.fix = fixbuf.ptr;
	}
	/* What the failing commit changed: against its first parent. */
	if (r.has_commit && fmt != FORMAT_JSON &&
	    ((error = parent_tree(&base, &has_base, ws->repo, &r.commit)) < 0 ||
	     (has_base && (error = gs_check_report_add_changes(&r, ws, base)) < 0)))
		goto done;
	if ((error = print_report(&r, fmt, 1, patch && fmt == FORMAT_TEXT ? ws : NULL, ws->repo)) < 0)
		goto done;
	if (r.has_commit) {
		git_oid_tostr(hex, sizeof(hex), &r.commit);
		gs_buf_printf(&where, "commit %.12s (%s)", hex, r.subject);
		error = result_status(&r, where.ptr);
	} else if (r.refused.nr) {
		cmd_set_hint("add the trailer to the commit that makes the change (git rebase -i, "
			     "then 'reword'), or 'API-Break: *' for every package");
		error = gs_error_set(GS_ECHECK, "%s: %zu breaking change%s without an API-Break trailer "
				     "(spec.breakingChanges = refuse)", range, r.refused.nr,
				     r.refused.nr == 1 ? "" : "s");
	} else if (!cmd_quiet && fmt == FORMAT_TEXT) {
		printf("%zu commit%s checked: every contract is fresh\n", r.commits,
		       r.commits == 1 ? "" : "s");
	}
done:
	git_tree_free(base);
	gs_check_report_clear(&r);
	gs_buf_release(&where);
	gs_buf_release(&fixbuf);
	return error;
}

/* Whether `s` (length `len`) is git's null object id, as hooks receive it. */
static int is_null_id(const char *s, size_t len)
{
	size_t i;

	if (len < 4 || len > GIT_OID_HEXSZ)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] != '0')
			return 0;
	return 1;
}

/*
 * A range taken from a hook's "<old> <new>" line: `0000…..NEW` (a new
 * branch) has no base, so the whole of NEW's tree is checked, as `--rev`
 * does (checking every commit down to the root would walk the whole
 * history); `OLD..0000…` (a deletion) brings nothing to check. Sets *rev
 * (owned by `keep`) or *nothing; returns 0, or nonzero when `range` has
 * no null side.
 */
static int null_range(const char *range, gs_buf *keep, const char **rev, int *nothing)
{
	const char *dots = strstr(range, "..");

	if (!dots || dots[2] == '.')
		return -1;
	if (is_null_id(dots + 2, strlen(dots + 2))) {
		*nothing = 1;
		return 0;
	}
	if (!is_null_id(range, (size_t)(dots - range)) || !dots[2])
		return -1;
	gs_buf_sets(keep, dots + 2);
	*rev = keep->ptr;
	return 0;
}

/* --rev: the fix that amends or rewrites that commit (rev_fix). */
static int set_rev_fix(gs_check_report *r, gs_buf *fixbuf, gs_workspace *ws, const char *rev)
{
	git_object *obj = NULL, *commit = NULL;

	if (!rev)
		return 0;
	r->fix = "git spec sync --staged";
	if (!git_revparse_single(&obj, ws->repo, rev) &&
	    !git_object_peel(&commit, obj, GIT_OBJECT_COMMIT)) {
		rev_fix(fixbuf, ws->repo, git_object_id(commit));
		r->fix = fixbuf->ptr;
	}
	git_object_free(commit);
	git_object_free(obj);
	gs_error_clear();
	return 0;
}

/* Over 80 lines for its option table, its usage checks and its one exit path. */
int cmd_check(int argc, const char **argv)
{
	int staged = 0, json = 0, error = 0, nothing = 0, patch = 0, has_base = 0;
	const char *rev = NULL, *range = NULL, *format = NULL;
	enum check_format fmt = FORMAT_TEXT;
	git_tree *base = NULL;
	gs_buf null_rev = GS_BUF_INIT, fixbuf = GS_BUF_INIT;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_(0, "staged", &staged, "check the index"),
		CMD_OPT_STRING_(0, "rev", &rev, "rev", "check a commit"),
		CMD_OPT_STRING_(0, "range", &range, "a..b", "check every commit of a range"),
		CMD_OPT_BOOL_(0, "json", &json, "print JSON"),
		CMD_OPT_BOOL_(0, "diff", &patch, "print the unified diff of each stale contract"),
		CMD_OPT_STRING_(0, "format", &format, "fmt", "text (default), json or github"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "print only errors"),
		CMD_OPT_BOOL_(0, "full-name", &cmd_full_name, "paths relative to the top, not here"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_check_report r;

	if ((argc = cmd_parse_options_none(argc, argv, opts, check_usage)) < 0)
		return cmd_parse_options_status(argc);
	if (staged + !!rev + !!range > 1)
		return cmd_usage_error(opts, check_usage, "--staged, --rev and --range are mutually exclusive");
	if (format && !strcmp(format, "json"))
		json = 1;
	else if (format && !strcmp(format, "github"))
		fmt = FORMAT_GITHUB;
	else if (format && strcmp(format, "text"))
		return cmd_usage_error(opts, check_usage, "unknown format '%s' (text, json or github)", format);
	if (json && fmt == FORMAT_GITHUB)
		return cmd_usage_error(opts, check_usage, "--json and --format=github cannot be used together");
	if (json)
		fmt = FORMAT_JSON;
	cmd_json = json;

	gs_check_report_init(&r);
	r.memo = 1;
	gs_workspace_init(&ctx);
	if (range && !null_range(range, &null_rev, &rev, &nothing)) {
		if (nothing) {
			if (json)
				printf("{\"fresh\": true, \"stale\": [], \"errors\": []}\n");
			else if (!cmd_quiet)
				printf("nothing to check: '%s' ends at the null id (a deletion)\n", range);
			goto done;
		}
		if (!cmd_quiet && !json)
			fprintf(stderr, "note: '%s' starts at the null id (a new branch): checking "
				"every contract of %s, not each commit; `git-spec-hook pre-receive` "
				"checks each commit no existing ref contains\n", range, rev);
		range = NULL;
	}

	if ((error = gs_workspace_open_repo(&ctx)) < 0)
		goto done;
	if (range) {
		error = check_range(&ctx, range, fmt, patch);
		goto done;
	}
	if ((error = gs_workspace_open(&ctx, staged ? GS_WORKSPACE_INDEX : rev ? GS_WORKSPACE_REV
				       : GS_WORKSPACE_WORKTREE, rev)) < 0 ||
	    (error = set_rev_fix(&r, &fixbuf, &ctx, rev)) < 0 ||
	    (error = gs_check_workspace(&r, &ctx, NULL)) < 0) {
		goto done;
	}
	/*
	 * Under each stale contract, what changed in its package's API: the
	 * work tree and the index against HEAD, a commit against its first
	 * parent (the empty tree when there is none).
	 */
	if (fmt != FORMAT_JSON && r.stale_nr &&
	    ((error = check_base(&base, &has_base, &ctx, rev)) < 0 ||
	     (has_base && (error = gs_check_report_add_changes(&r, &ctx, base)) < 0)))
		goto done;
	if ((error = print_report(&r, fmt, 0, patch && fmt == FORMAT_TEXT ? &ctx : NULL, ctx.repo)) < 0)
		goto done;
	/* GIT_SPEC_TRACE: say where the verdict came from (for tests and benchmarks) */
	if (r.memo_hit && getenv("GIT_SPEC_TRACE") && strcmp(getenv("GIT_SPEC_TRACE"), "") &&
	    strcmp(getenv("GIT_SPEC_TRACE"), "0"))
		fprintf(stderr, "trace: check: nothing changed since the last check (memo)\n");
	error = result_status(&r, gs_source_describe(ctx.src));
	if (!error && !cmd_quiet && fmt == FORMAT_TEXT)
		printf("%zu contract%s fresh in %s\n", r.fresh_nr, r.fresh_nr == 1 ? " is" : "s are",
		       gs_source_describe(ctx.src));

done:
	/* Bad input (a bad .gitspec.yaml) is still an answer in JSON. */
	if (json && !json_printed && error == GS_EINPUT) {
		gs_check_report_clear(&r);
		gs_check_report_add_failure(&r);
		print_report(&r, FORMAT_JSON, !!range, NULL, ctx.repo);
	}
	git_tree_free(base);
	gs_check_report_clear(&r);
	gs_workspace_release(&ctx);
	gs_buf_release(&null_rev);
	gs_buf_release(&fixbuf);
	/* With --json a failed check is the answer on stdout, not prose on stderr. */
	return json ? cmd_json_report(error, json_printed) : cmd_report(error);
}
