/*
 * git spec install [--global] [--force] and git spec uninstall [--global]:
 * thin wrappers over gs_install / gs_uninstall (src/lib/install.c).
 */
#include <stdio.h>
#include <string.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/install.h"
#include "gitspec/repo.h"
#include "gitspec/strvec.h"
#include "cmd.h"

static const char install_usage[] =
	"usage: git spec install [--global] [--force] [-q]\n"
	"\n"
	"    --global    configure the merge driver in the global configuration\n"
	"    --force     keep an existing foreign hook as HOOK.local and chain it\n"
	"    -q, --quiet say nothing on success\n";

static const char uninstall_usage[] =
	"usage: git spec uninstall [--global] [-q]\n"
	"\n"
	"    --global    remove the merge driver from the global configuration\n"
	"    -q, --quiet say nothing on success\n";

static int parse(gs_install_opts *opts, int *quiet, int argc, const char **argv,
		 const char *usage, int allow_force)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--global")) {
			opts->global = 1;
		} else if (allow_force && (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f"))) {
			opts->force = 1;
		} else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			*quiet = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 1;
		} else {
			fprintf(stderr, "error: unknown option '%s'\n", argv[i]);
			fputs(usage, stderr);
			return -1;
		}
	}
	return 0;
}

int cmd_install_common(int argc, const char **argv, int install);

int cmd_install_common(int argc, const char **argv, int install)
{
	gs_install_opts opts = GS_INSTALL_OPTS_INIT;
	gs_strvec log = GS_STRVEC_INIT;
	git_repository *repo = NULL;
	int quiet = cmd_quiet, r, error;
	size_t i;

	r = parse(&opts, &quiet, argc, argv, install ? install_usage : uninstall_usage, install);
	if (r)
		return r > 0 ? GS_EXIT_OK : GS_EXIT_USAGE;
	error = gs_repo_open(&repo);
	if (error < 0) {
		if (!opts.global)
			goto done;
		/* --global works outside a repository: configuration only. */
		gs_error_clear();
		repo = NULL;
	}
	error = install ? gs_install(repo, &opts, &log) : gs_uninstall(repo, &opts, &log);
	if (!quiet || error)
		for (i = 0; i < log.nr; i++)
			printf("%s\n", log.v[i]);
done:
	git_repository_free(repo);
	gs_strvec_clear(&log);
	return cmd_report(error);
}

int cmd_install(int argc, const char **argv)
{
	return cmd_install_common(argc, argv, 1);
}
