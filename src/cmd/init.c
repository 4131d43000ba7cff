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
#include "context.h"
#include "parse-options.h"

static const char *const init_usage[] = {
	"git spec init [--force] [-q]",
	NULL
};

int cmd_init(int argc, const char **argv)
{
	gs_install_opts opts = GS_INSTALL_OPTS_INIT;
	gs_strvec log = GS_STRVEC_INIT;
	git_repository *repo = NULL;
	int quiet = cmd_quiet, error;
	size_t j;
	const struct cmd_option opts_[] = {
		CMD_OPT_BOOL_('f', "force", &opts.force,
			      "keep an existing foreign hook as HOOK.local and chain it"),
		CMD_OPT_BOOL_('q', "quiet", &quiet, "say nothing on success"),
		CMD_OPT_END_()
	};

	argc = cmd_parse_options(argc, argv, opts_, init_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (argc > 0)
		return cmd_usage_error(opts_, init_usage, "unexpected argument '%s'", argv[0]);
	if ((error = gs_repo_open(&repo)) < 0)
		goto done;
	if ((error = gs_install_init_config(repo, &log)) < 0)
		goto done;
	error = gs_install(repo, &opts, &log);
done:
	if (!quiet || error)
		for (j = 0; j < log.nr; j++)
			printf("%s\n", log.v[j]);
	/*
	 * The configuration and the attributes (which route contracts to the
	 * merge driver) work for everyone only once committed; the hooks and
	 * the driver's configuration stay in this clone.
	 */
	if (!error && !quiet) {
		gs_buf cfg = GS_BUF_INIT, attr = GS_BUF_INIT;

		cmd_path_for_user(&cfg, repo, ".gitspec.yaml");
		cmd_path_for_user(&attr, repo, ".gitattributes");
		fflush(stdout);
		cmd_hint("commit the configuration and the attributes for everyone: "
			 "git add %s %s && git commit -m 'git-spec'", cfg.ptr, attr.ptr);
		gs_buf_release(&cfg);
		gs_buf_release(&attr);
	}
	git_repository_free(repo);
	gs_strvec_clear(&log);
	return cmd_report(error);
}
