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
#include "gitspec/workspace.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const init_usage[] = {
	"git spec init [--force] [-q]",
	NULL
};

/*
 * Say which import roots the work tree gets and where they come from, so
 * that a src layout or a monorepo shows its module names are right without
 * any configuration (DESIGN 3.5). A pyproject.toml that does not parse is
 * named, not fatal: init still installs.
 */
static void describe_roots(git_repository *repo, gs_strvec *log)
{
	gs_workspace ws;
	gs_buf line = GS_BUF_INIT;
	size_t i;

	gs_workspace_init(&ws);
	if (gs_workspace_attach(&ws, repo, NULL) < 0 ||
	    gs_workspace_open(&ws, GS_WORKSPACE_WORKTREE, NULL) < 0) {
		gs_strvec_pushf(log, "warning: no import roots read: %s", gs_error_last());
		gs_error_clear();
		goto done;
	}
	if (!ws.cfg.roots_derived) {
		gs_buf_sets(&line, "import roots from the configuration:");
		for (i = 0; i < ws.cfg.roots.nr; i++)
			gs_buf_printf(&line, " %s", ws.cfg.roots.v[i]);
	} else if (!ws.cfg.roots.nr) {
		gs_buf_sets(&line, "no import roots in pyproject.toml: module names follow the "
			    "chain of package directories");
	} else {
		gs_buf_sets(&line, "import roots from pyproject.toml:");
		for (i = 0; i < ws.cfg.roots.nr; i++)
			gs_buf_printf(&line, "%s %s (%s)", i ? "," : "", ws.cfg.roots.v[i],
				      ws.cfg.roots_from.v[i]);
	}
	gs_strvec_push(log, line.ptr);
done:
	gs_buf_release(&line);
	gs_workspace_release(&ws);
}

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

	if ((argc = cmd_parse_options_none(argc, argv, opts_, init_usage)) < 0)
		return cmd_parse_options_status(argc);
	if ((error = gs_repo_open(&repo)) < 0)
		goto done;
	if ((error = gs_install_init_config(repo, &log)) < 0)
		goto done;
	describe_roots(repo, &log);
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
