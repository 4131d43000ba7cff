/*
 * git spec install [--global] [--force] [--driver-only] and git spec uninstall [--global]:
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
#include "parse-options.h"

static const char *const install_usage[] = {
	"git spec install [--force] [--driver-only] [-q]",
	"git spec install --global [-q]",
	NULL
};

static const char *const uninstall_usage[] = {
	"git spec uninstall [--global] [-q]",
	NULL
};

int cmd_install_common(int argc, const char **argv, int install);

int cmd_install_common(int argc, const char **argv, int install)
{
	gs_install_opts opts = GS_INSTALL_OPTS_INIT;
	gs_strvec log = GS_STRVEC_INIT;
	git_repository *repo = NULL;
	int quiet = cmd_quiet, error = 0;
	size_t i;
	const struct cmd_option install_opts[] = {
		CMD_OPT_BOOL_(0, "global", &opts.global,
			      "configure the merge driver globally; touch no repository"),
		CMD_OPT_BOOL_('f', "force", &opts.force,
			      "keep an existing foreign hook as HOOK.local and chain it"),
		CMD_OPT_BOOL_(0, "driver-only", &opts.driver_only,
			      "the merge driver and its attributes, no hooks"),
		CMD_OPT_BOOL_('q', "quiet", &quiet, "say nothing on success"),
		CMD_OPT_END_()
	};
	const struct cmd_option uninstall_opts[] = {
		CMD_OPT_BOOL_(0, "global", &opts.global,
			      "remove the merge driver from the global configuration only"),
		CMD_OPT_BOOL_('q', "quiet", &quiet, "say nothing on success"),
		CMD_OPT_END_()
	};
	const struct cmd_option *o = install ? install_opts : uninstall_opts;
	const char *const *usage = install ? install_usage : uninstall_usage;

	if ((argc = cmd_parse_options_none(argc, argv, o, usage)) < 0)
		return cmd_parse_options_status(argc);
	if (opts.global && (opts.force || opts.driver_only))
		return cmd_usage_error(o, usage, "--global configures no repository: it takes "
				       "neither --force nor --driver-only");
	/*
	 * --global is the user's configuration alone, inside a repository or
	 * not: the repository's hooks and attributes are `git spec install`'s.
	 */
	if (!opts.global && (error = gs_repo_open(&repo)) < 0)
		goto done;
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
