/*
 * git-spec-merge: the merge driver for contract files, configured as
 *
 *   [merge "gitspec"]
 *           driver = git-spec-merge %O %A %B %L %P
 *
 * git reads %A back whatever the exit status; any non-zero status up to 128
 * is a conflict, above it a failed merge program. The driver therefore
 * always leaves a usable %A (written atomically) and never exits above 1
 * once its arguments are understood: not on out-of-memory (exit 1 with one
 * line), not on a signal (its temporary files removed, exit 1), not on a
 * crash in a library (exit 1 with one line; %A is ours or the result).
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/merge.h"
#include "gitspec/repo.h"
#include "gitspec/fsutil.h"

static const char usage_text[] =
	"usage: git-spec-merge <base> <ours> <theirs> [<marker-size> [<path>]]\n"
	"\n"
	"The merge driver for git-spec contracts; configure it with `git spec install`\n"
	"(merge.gitspec.driver = git-spec-merge %O %A %B %L %P).\n";

/*
 * Fatal signals become a conflict. The handler runs after the library's
 * own (installed later, it restores this one and re-raises once it has
 * removed the temporary files), and uses only write(2) and _exit(2).
 */
static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS,
				     SIGABRT, SIGFPE, SIGILL };

static void fatal_signal(int sig)
{
	static const char msg[] = "git-spec-merge: fatal: interrupted by a signal; "
		"the contract is left as a conflict\n";
	ssize_t w;

	(void)sig;
	w = write(2, msg, sizeof(msg) - 1);
	(void)w;
	_exit(GS_EXIT_CHECK);
}

static void conflict_on_signals(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < GS_ARRAY_SIZE(fatal_signals); i++) {
		struct sigaction old;

		/* An ignored signal stays ignored (nohup). */
		if (sigaction(fatal_signals[i], NULL, &old) < 0 || old.sa_handler == SIG_IGN)
			continue;
		sigaction(fatal_signals[i], &sa, NULL);
	}
	/* Now, so that the library's handler chains to ours, not the reverse. */
	gs_lockfile_cleanup_on_signal();
}

int main(int argc, const char **argv)
{
	gs_merge_args args = { NULL, NULL, NULL, 0, NULL, 0 };
	gs_merge_result res;
	git_repository *repo = NULL;
	size_t i;
	int error, status;

	setlocale(LC_ALL, "C");
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("git-spec-merge version %s\n", GITSPEC_VERSION);
		return GS_EXIT_OK;
	}
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage_text, stdout);
		return GS_EXIT_OK;
	}
	if (argc < 4 || argc > 6) {
		fputs(usage_text, stderr);
		return GS_EXIT_USAGE;
	}
	/* A writer that vanished must not kill us while %A is being replaced. */
	signal(SIGPIPE, SIG_IGN);
	/* Out of memory is a conflict too, never an abort (128 + 6) git rejects. */
	gs_set_oom_status(GS_EXIT_CHECK);
	conflict_on_signals();
	args.base_file = argv[1];
	args.ours_file = argv[2];
	args.theirs_file = argv[3];
	if (argc > 4)
		args.marker_size = atoi(argv[4]);
	if (argc > 5 && *argv[5])
		args.path = argv[5];

	git_libgit2_init();
	gs_merge_result_init(&res);
	if (gs_repo_open(&repo) < 0) {
		/* Still merge: structurally or as text. */
		gs_error_clear();
		repo = NULL;
	}
	error = gs_merge_driver(&res, repo, &args);
	for (i = 0; i < res.messages.nr; i++)
		fprintf(stderr, "git-spec-merge: %s\n", res.messages.v[i]);
	/* Any non-zero status is a conflict to git; 1 is the documented one. */
	status = error < 0 || res.conflict ? GS_EXIT_CHECK : GS_EXIT_OK;
	gs_merge_result_clear(&res);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return status;
}
