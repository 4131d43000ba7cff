/*
 * git spec init [--force]: write the default .gitspec.yaml (when absent),
 * then install the hooks and the merge driver.
 */
#include <stdio.h>
#include <string.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/install.h"
#include "gitspec/repo.h"
#include "gitspec/strvec.h"
#include "cmd.h"

static const char init_usage[] =
	"usage: git spec init [--force] [-q]\n"
	"\n"
	"    --force     keep an existing foreign hook as HOOK.local and chain it\n"
	"    -q, --quiet say nothing on success\n";

int cmd_init(int argc, const char **argv)
{
	gs_install_opts opts = GS_INSTALL_OPTS_INIT;
	gs_strvec log = GS_STRVEC_INIT;
	git_repository *repo = NULL;
	int quiet = cmd_quiet, error, i;
	size_t j;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f")) {
			opts.force = 1;
		} else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			quiet = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(init_usage, stdout);
			return GS_EXIT_OK;
		} else {
			fprintf(stderr, "error: unknown option '%s'\n", argv[i]);
			fputs(init_usage, stderr);
			return GS_EXIT_USAGE;
		}
	}
	if ((error = gs_repo_open(&repo)) < 0)
		goto done;
	if ((error = gs_install_init_config(repo, &log)) < 0)
		goto done;
	error = gs_install(repo, &opts, &log);
done:
	if (!quiet || error)
		for (j = 0; j < log.nr; j++)
			printf("%s\n", log.v[j]);
	git_repository_free(repo);
	gs_strvec_clear(&log);
	return cmd_report(error);
}
