/*
 * git spec check [--staged | --rev REV | --range A..B] [--json]: whether
 * every contract is fresh, writing nothing. Exit 1 for stale contracts or
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
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const check_usage[] = {
	"git spec check [--staged | --rev <rev> | --range <a>..<b>] [--json] [-q]",
	NULL
};

static int result_status(const gs_check_report *r, const char *where)
{
	if (gs_check_report_bad_input(r))
		return gs_error_set(GS_EINPUT, "%s: the contracts cannot be checked", where);
	if (r->stale_nr) {
		cmd_set_hint("run '%s' to regenerate them", r->fix);
		return gs_error_set(GS_ECHECK, "%s: %zu contract%s stale", where, r->stale_nr,
				    r->stale_nr == 1 ? " is" : "s are");
	}
	if (r->errors_nr) {
		cmd_set_hint("'git spec validate' lists the problems");
		return gs_error_set(GS_ECHECK, "%s: the registry is invalid", where);
	}
	return 0;
}

static void print_report(const gs_check_report *r, int json, int range)
{
	gs_buf out = GS_BUF_INIT;

	if (json) {
		gs_check_report_json(&out, r, range);
		cmd_write_stdout(&out);
	} else {
		gs_check_report_text(&out, r, "");
		fputs(out.ptr, stderr);
	}
	gs_buf_release(&out);
}

/* Check every commit of A..B, oldest first, stopping at the first failure. */
static int check_range(gs_workspace *ws, const char *range, int json)
{
	gs_check_report r;
	gs_buf where = GS_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	int error;

	gs_check_report_init(&r);
	if ((error = gs_check_range(&r, ws, range)) < 0)
		goto done;
	print_report(&r, json, 1);
	if (r.has_commit) {
		git_oid_tostr(hex, sizeof(hex), &r.commit);
		gs_buf_printf(&where, "commit %.12s (%s)", hex, r.subject);
		error = result_status(&r, where.ptr);
	} else if (!cmd_quiet && !json) {
		printf("%zu commit%s checked: every contract is fresh\n", r.commits,
		       r.commits == 1 ? "" : "s");
	}
done:
	gs_check_report_clear(&r);
	gs_buf_release(&where);
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

int cmd_check(int argc, const char **argv)
{
	int staged = 0, json = 0, error = 0, nothing = 0;
	const char *rev = NULL, *range = NULL;
	gs_buf null_rev = GS_BUF_INIT;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_(0, "staged", &staged, "check the index"),
		CMD_OPT_STRING_(0, "rev", &rev, "rev", "check a commit"),
		CMD_OPT_STRING_(0, "range", &range, "a..b", "check every commit of a range"),
		CMD_OPT_BOOL_(0, "json", &json, "print JSON"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "print only errors"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_check_report r;

	argc = cmd_parse_options(argc, argv, opts, check_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (argc > 0)
		return cmd_usage_error(opts, check_usage, "unexpected argument '%s'", argv[0]);
	if (staged + !!rev + !!range > 1)
		return cmd_usage_error(opts, check_usage, "--staged, --rev and --range are mutually exclusive");

	gs_check_report_init(&r);
	gs_workspace_init(&ctx);
	if (range && !null_range(range, &null_rev, &rev, &nothing)) {
		if (nothing) {
			if (json)
				printf("{\"fresh\": true, \"stale\": [], \"errors\": []}\n");
			else if (!cmd_quiet)
				printf("nothing to check: '%s' ends at the null id (a deletion)\n", range);
			goto done;
		}
		if (!cmd_quiet)
			fprintf(stderr, "note: '%s' starts at the null id (a new branch): checking "
				"every contract of %s, not each commit; `git-spec-hook pre-receive` "
				"checks each commit no existing ref contains\n", range, rev);
		range = NULL;
	}

	if ((error = gs_workspace_open_repo(&ctx)) < 0)
		goto done;
	if (range) {
		error = check_range(&ctx, range, json);
		goto done;
	}
	if ((error = gs_workspace_open(&ctx, staged ? GS_WORKSPACE_INDEX : rev ? GS_WORKSPACE_REV
				       : GS_WORKSPACE_WORKTREE, rev)) < 0 ||
	    (error = gs_check_workspace(&r, &ctx, NULL)) < 0) {
		/* Bad input (a bad .gitspec.yaml) is still an answer in JSON. */
		if (json && error == GS_EINPUT) {
			gs_check_report_clear(&r);
			gs_check_report_add_failure(&r);
			print_report(&r, 1, 0);
		}
		goto done;
	}
	print_report(&r, json, 0);
	error = result_status(&r, gs_source_describe(ctx.src));
	if (!error && !cmd_quiet && !json)
		printf("%zu contract%s fresh in %s\n", r.fresh_nr, r.fresh_nr == 1 ? " is" : "s are",
		       gs_source_describe(ctx.src));

done:
	gs_check_report_clear(&r);
	gs_workspace_release(&ctx);
	gs_buf_release(&null_rev);
	return cmd_report(error);
}
