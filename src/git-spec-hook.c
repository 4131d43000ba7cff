/*
 * git-spec-hook: the body of the pre-commit, pre-merge-commit, pre-push,
 * post-commit and post-rewrite hooks (run by the shims in hooks/) and of a
 * server's pre-receive hook. Exit status: 0 accept, 1 refuse, 2 usage,
 * 3 bad input, 128 git or system error; post-commit and post-rewrite
 * always exit 0 (they cannot refuse).
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/hook.h"
#include "gitspec/plan.h"
#include "gitspec/repo.h"
#include "gitspec/fsutil.h"
#include "gitspec/config.h"

static const char usage_text[] =
	"usage: git-spec-hook (pre-commit | pre-merge-commit | pre-push <remote> <url> |\n"
	"                      post-commit | post-rewrite (amend | rebase) | pre-receive)\n"
	"\n"
	"Refuses a commit or push whose contracts are stale, warns after a commit or rewrite\n"
	"that made them stale; installed by `git spec install` (pre-receive by hand, on a server).\n";

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
	if (r->format1_nr) {
		gs_buf msg = GS_BUF_INIT;

		gs_plan_format1_message(&msg, r->format1_nr);
		fprintf(stderr, "  %s\n", msg.ptr);
		gs_buf_release(&msg);
	}
	/* The index is not what is committed: the fix is the work tree's. */
	if ((r->stale.nr || r->format1_nr) && hint && !strcmp(fix, GS_HOOK_FIX)) {
		fprintf(stderr, "%s\n", hint);
		fix = "git spec sync";
	}
	if (r->stale.nr || r->format1_nr)
		fprintf(stderr, "fix: %s\n", fix);
	else
		fprintf(stderr, "fix the errors above, then commit again\n");
}

/* The repair of a range: every commit from the first refusing one on. */
static void print_range_fix(git_repository *repo, const gs_hook_report *r, const char *prefix)
{
	gs_buf line = GS_BUF_INIT;
	size_t i;

	for (i = 0; i < r->bad_ids.nr; i++) {
		git_oid oid;

		if (git_oid_fromstr(&oid, r->bad_ids.v[i]) < 0 || gs_hook_rebase_repair(&line, repo, &oid) < 0) {
			gs_error_clear();
			git_error_clear();
			continue;
		}
		fprintf(stderr, "%s%s\n", prefix, line.ptr);
	}
	gs_buf_release(&line);
}

static int run_push(git_repository *repo, gs_hook_report *report, const char *hook, int argc,
		    const char **argv)
{
	gs_buf input = GS_BUF_INIT;
	size_t i;
	int error;

	if ((error = gs_read_fd(&input, 0, NULL, NULL)) < 0)
		goto done;
	if (!strcmp(hook, "pre-push"))
		error = gs_hook_pre_push(report, repo, argc > 2 ? argv[2] : NULL, input.ptr, input.size);
	else
		error = gs_hook_pre_receive(report, repo, input.ptr, input.size);
	if (error < 0)
		goto done;
	for (i = 0; i < report->warnings.nr; i++)
		fprintf(stderr, "warning: %s\n", report->warnings.v[i]);
	if (!gs_hook_report_refuses(report))
		goto done;
	if (!report->stale.nr && !report->errors.nr) {
		/* Only the breaking-change policy refuses: the fix is a trailer. */
		fprintf(stderr, "git-spec: push refused: breaking API changes "
			"(spec.breakingChanges = refuse)\n");
		for (i = 0; i < report->breaking.nr; i++)
			fprintf(stderr, "  %s\n", report->breaking.v[i]);
		fprintf(stderr, "fix: add the trailer to the commit that makes the change "
			"(`git rebase -i`, then reword), or `API-Break: *` for every package%s\n",
			!strcmp(hook, "pre-push") ? "" : ", in your clone, then push again");
		goto done;
	}
	for (i = 0; i < report->commits.nr; i++)
		fprintf(stderr, "git-spec: commit %s does not pass the contract check\n",
			report->commits.v[i]);
	fprintf(stderr, "git-spec: push refused\n");
	for (i = 0; i < report->errors.nr; i++)
		fprintf(stderr, "  error: %s\n", report->errors.v[i]);
	for (i = 0; i < report->stale.nr; i++)
		fprintf(stderr, "  %s\n", report->stale.v[i]);
	/* Every pushed commit must be fresh: rewrite from the offending one on. */
	fprintf(stderr, "fix: `%s` in every commit from the one named on; in %s:\n", GS_HOOK_FIX,
		!strcmp(hook, "pre-push") ? "this clone" : "your clone, then push again");
	print_range_fix(repo, report, "  ");
done:
	gs_buf_release(&input);
	return error;
}

/* A sequence of picks still running (`git rebase`, `git cherry-pick A B`). */
static int in_rebase(git_repository *repo)
{
	switch (git_repository_state(repo)) {
	case GIT_REPOSITORY_STATE_REBASE:
	case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
	case GIT_REPOSITORY_STATE_REBASE_MERGE:
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
		return 1;
	default:
		return 0;
	}
}

static int in_sequence(git_repository *repo)
{
	int state = git_repository_state(repo);

	return state == GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE ||
	       state == GIT_REPOSITORY_STATE_REVERT_SEQUENCE;
}

static void print_after(const gs_hook_report *r)
{
	size_t i;

	for (i = 0; i < r->commits.nr; i++)
		fprintf(stderr, "warning: git-spec: commit %s has stale contracts\n", r->commits.v[i]);
	for (i = 0; i < r->errors.nr; i++)
		fprintf(stderr, "  error: %s\n", r->errors.v[i]);
	for (i = 0; i < r->stale.nr; i++)
		fprintf(stderr, "  %s\n", r->stale.v[i]);
}

/*
 * post-commit and post-rewrite cannot refuse: git has made the commit.
 * They say at once what is stale and the exact repair.
 */
static int run_after(git_repository *repo, gs_hook_report *report, const char *hook, int argc,
		     const char **argv)
{
	gs_buf input = GS_BUF_INIT;
	int error = 0;

	if (!strcmp(hook, "post-commit")) {
		/* A rebase runs post-commit for every pick; post-rewrite reports them all at the end. */
		if (in_rebase(repo))
			goto done;
		if ((error = gs_hook_post_commit(report, repo)) < 0)
			goto done;
		if (!gs_hook_report_refuses(report))
			goto done;
		print_after(report);
		if (in_sequence(repo)) {
			print_range_fix(repo, report, "repair, once the sequence is done: ");
		} else {
			fprintf(stderr, "repair: %s && git commit --amend --no-edit\n", GS_HOOK_FIX);
		}
		goto done;
	}
	if ((error = gs_read_fd(&input, 0, NULL, NULL)) < 0)
		goto done;
	/* `commit --amend` runs post-commit too, which has said everything. */
	if (argc > 2 && !strcmp(argv[2], "amend"))
		goto done;
	if ((error = gs_hook_post_rewrite(report, repo, input.ptr, input.size)) < 0)
		goto done;
	if (!gs_hook_report_refuses(report))
		goto done;
	print_after(report);
	/* Only the first: rewriting from it on repairs every later one. */
	{
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &report->bad_commit);
		gs_strvec_clear(&report->bad_ids);
		gs_strvec_push(&report->bad_ids, hex);
	}
	print_range_fix(repo, report, "repair: ");
done:
	gs_buf_release(&input);
	return error;
}

static int is_hook(const char *name)
{
	static const char *const hooks[] = { "pre-commit", "pre-merge-commit", "pre-push",
					     "post-commit", "post-rewrite", "pre-receive", NULL };
	size_t i;

	for (i = 0; hooks[i]; i++)
		if (!strcmp(name, hooks[i]))
			return 1;
	return 0;
}

/* An unknown key in the configuration: said once, in the hook's words. */
static void print_config_warning(const gs_config_warning *w, void *payload)
{
	(void)payload;
	fprintf(stderr, "git-spec-hook: warning: %s\n", w->message);
}

int main(int argc, const char **argv)
{
	git_repository *repo = NULL;
	gs_hook_report report;
	const char *hook;
	int error = 0, status, after;

	setlocale(LC_ALL, "C");
	gs_heap_on_huge_pages();
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("git-spec-hook version %s\n", GITSPEC_VERSION);
		return GS_EXIT_OK;
	}
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? GS_EXIT_USAGE : GS_EXIT_OK;
	}
	hook = argv[1];
	if (!is_hook(hook)) {
		fprintf(stderr, "error: unknown hook '%s'\n", hook);
		fputs(usage_text, stderr);
		return GS_EXIT_USAGE;
	}
	after = !strncmp(hook, "post-", 5);
	git_libgit2_init();
	/* post-commit runs after pre-commit, in the same git command: one word is enough */
	if (!after)
		gs_config_set_warning_fn(print_config_warning, NULL);
	gs_hook_report_init(&report);
	if ((error = gs_repo_open(&repo)) < 0)
		goto done;
	if (after) {
		error = run_after(repo, &report, hook, argc, argv);
	} else if (!strcmp(hook, "pre-push") || !strcmp(hook, "pre-receive")) {
		error = run_push(repo, &report, hook, argc, argv);
	} else {
		error = gs_hook_check_index(&report, repo, NULL);
		if (!error)
			print_report(&report, !strcmp(hook, "pre-commit") ? "commit" : "merge commit",
				     GS_HOOK_FIX);
	}
done:
	if (error < 0) {
		status = gs_exit_status(error);
		/* git's words: fatal before 128; an after-the-fact hook only warns. */
		fprintf(stderr, "git-spec-hook: %s: %s\n",
			after ? "warning" : status == GS_EXIT_SYSTEM ? "fatal" : "error",
			gs_error_last());
	} else {
		status = gs_hook_report_status(&report);
	}
	/* The commit is made: an after-the-fact hook never fails. */
	if (after)
		status = GS_EXIT_OK;
	gs_hook_report_clear(&report);
	git_repository_free(repo);
	gs_config_warnings_reset();
	git_libgit2_shutdown();
	return status;
}
