/*
 * git-spec-merge: the merge driver for contract files, configured as
 *
 *   [merge "gitspec"]
 *           driver = git-spec-merge %O %A %B %L %P
 *
 * git reads %A back whatever the exit status; any non-zero status is a
 * conflict. The driver therefore always leaves a usable %A (written
 * atomically) and never exits above 1 once its arguments are understood.
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/merge.h"
#include "gitspec/repo.h"

static const char usage_text[] =
	"usage: git-spec-merge <base> <ours> <theirs> [<marker-size> [<path>]]\n"
	"\n"
	"The merge driver for git-spec contracts; configure it with `git spec install`\n"
	"(merge.gitspec.driver = git-spec-merge %O %A %B %L %P).\n";

int main(int argc, const char **argv)
{
	gs_merge_args args = { NULL, NULL, NULL, 0, NULL };
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
