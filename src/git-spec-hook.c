/*
 * git-spec-hook: the body of the pre-commit, pre-merge-commit and pre-push
 * hooks (run by the shims in hooks/). Exit status: 0 accept, 1 refuse,
 * 2 usage, 3 bad input, 128 git or system error.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/hook.h"
#include "gitspec/repo.h"

static const char usage_text[] =
	"usage: git-spec-hook (pre-commit | pre-merge-commit | pre-push <remote> <url>)\n"
	"\n"
	"Refuses a commit (or push) whose contracts are stale; installed by `git spec install`.\n";

/*
 * `git commit -a` and `git commit PATH` stage the work tree themselves
 * (GIT_INDEX_FILE is index.lock or next-index-*.lock): regenerating the
 * contracts in the index alone would not reach that commit.
 */
static const char *staging_hint(void)
{
	const char *env = getenv("GIT_INDEX_FILE"), *base;

	if (!env || !*env)
		return NULL;
	base = strrchr(env, '/');
	base = base ? base + 1 : env;
	if (!strcmp(base, "index.lock"))
		return "hint: `git commit -a` commits the work tree: run `git spec sync`, "
		       "then `git commit -a` again";
	if (!strncmp(base, "next-index-", 11))
		return "hint: `git commit PATH...` commits those paths from the work tree: run "
		       "`git spec sync`, then commit again naming the contracts too";
	return NULL;
}

static void print_report(const gs_hook_report *r, const char *what, const char *fix)
{
	const char *hint = staging_hint();
	size_t i;

	for (i = 0; i < r->warnings.nr; i++)
		fprintf(stderr, "warning: %s\n", r->warnings.v[i]);
	if (!gs_hook_report_refuses(r))
		return;
	fprintf(stderr, "git-spec: %s refused\n", what);
	for (i = 0; i < r->errors.nr; i++)
		fprintf(stderr, "  error: %s\n", r->errors.v[i]);
	for (i = 0; i < r->stale.nr; i++)
		fprintf(stderr, "  %s\n", r->stale.v[i]);
	/* The index is not what is committed: the fix is the work tree's. */
	if (r->stale.nr && hint && !strcmp(fix, GS_HOOK_FIX)) {
		fprintf(stderr, "%s\n", hint);
		fix = "git spec sync";
	}
	if (r->stale.nr)
		fprintf(stderr, "fix: %s\n", fix);
	else
		fprintf(stderr, "fix the errors above, then commit again\n");
}

static int read_stdin(gs_buf *out)
{
	char chunk[8192];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		gs_buf_put(out, chunk, n);
	return ferror(stdin) ? gs_error_set(GS_ERROR, "cannot read standard input") : 0;
}

int main(int argc, const char **argv)
{
	git_repository *repo = NULL;
	gs_hook_report report;
	gs_buf input = GS_BUF_INIT;
	const char *hook;
	int error = 0, status;

	setlocale(LC_ALL, "C");
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("git-spec-hook version %s\n", GITSPEC_VERSION);
		return GS_EXIT_OK;
	}
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? GS_EXIT_USAGE : GS_EXIT_OK;
	}
	hook = argv[1];
	if (strcmp(hook, "pre-commit") && strcmp(hook, "pre-merge-commit") && strcmp(hook, "pre-push")) {
		fprintf(stderr, "error: unknown hook '%s'\n", hook);
		fputs(usage_text, stderr);
		return GS_EXIT_USAGE;
	}
	git_libgit2_init();
	gs_hook_report_init(&report);
	if ((error = gs_repo_open(&repo)) < 0)
		goto done;
	if (!strcmp(hook, "pre-push")) {
		if ((error = read_stdin(&input)) < 0)
			goto done;
		error = gs_hook_pre_push(&report, repo, argc > 2 ? argv[2] : NULL, input.ptr, input.size);
		if (!error && report.has_bad_commit) {
			char id[GIT_OID_HEXSZ + 1];

			gs_buf fix = GS_BUF_INIT;

			git_oid_tostr(id, 8, &report.bad_commit);
			fprintf(stderr, "git-spec: commit %s (%s) does not pass the contract check\n", id,
				report.bad_subject ? report.bad_subject : "");
			/* Every pushed commit must be fresh: rewrite from the offending one on. */
			gs_buf_printf(&fix, "%s in every commit from %s on, e.g. `git rebase --exec "
				      "'git spec sync --staged && git commit -q --amend --no-edit --no-verify' %s~1`",
				      GS_HOOK_FIX, id, id);
			print_report(&report, "push", fix.ptr);
			gs_buf_release(&fix);
		}
	} else {
		error = gs_hook_check_index(&report, repo, NULL);
		if (!error)
			print_report(&report, !strcmp(hook, "pre-commit") ? "commit" : "merge commit",
				     GS_HOOK_FIX);
	}
done:
	if (error < 0) {
		status = gs_exit_status(error);
		fprintf(stderr, "git-spec-hook: %s: %s\n",
			status == GS_EXIT_SYSTEM ? "fatal" : "error", gs_error_last());
	} else {
		status = gs_hook_report_status(&report);
	}
	gs_hook_report_clear(&report);
	gs_buf_release(&input);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return status;
}
