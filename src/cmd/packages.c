/*
 * git spec packages [--all] [--json | -z] [--full-name]: the packages that
 * need a spec (leaf packages, and parent packages holding files of their
 * own: coverage.h), or every package, with their modules and covering
 * specs; `-` marks one that needs a spec and has none, `(none needed)` a
 * parent package with nothing of its own to cover. Paths are
 * relative to the current directory and quoted as git quotes them
 * (core.quotePath); --full-name makes them relative to the top; -z prints
 * "[leaf|parent TAB] module TAB specs TAB path NUL" records, path verbatim
 * and last, as git's -z listings have it. JSON paths are top-relative.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/coverage.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const packages_usage[] = {
	"git spec packages [--all] [--json | -z] [--full-name]",
	NULL
};

int cmd_packages(int argc, const char **argv)
{
	int all = 0, json = 0, nul = 0, full_name = 0, quote_high = 1, error = 0, first = 1;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_(0, "all", &all, "list every package, marking leaves"),
		CMD_OPT_BOOL_(0, "json", &json, "print JSON"),
		CMD_OPT_BOOL_('z', NULL, &nul, "NUL-terminated records, paths verbatim"),
		CMD_OPT_BOOL_(0, "full-name", &full_name, "paths relative to the top, not here"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "no warnings"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_buf out = GS_BUF_INIT, shown = GS_BUF_INIT;
	gs_strvec paths = GS_STRVEC_INIT;
	unsigned char *needs = NULL;
	size_t i, width = 0, mwidth = 0;

	argc = cmd_parse_options(argc, argv, opts, packages_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (argc > 0)
		return cmd_usage_error(opts, packages_usage, "unexpected argument '%s'", argv[0]);
	if (json && nul)
		return cmd_usage_error(opts, packages_usage, "--json and -z are mutually exclusive");
	cmd_json = json;

	gs_workspace_init(&ctx);
	if ((error = gs_workspace_open_repo(&ctx)) < 0 ||
	    (error = gs_workspace_load(&ctx, GS_WORKSPACE_WORKTREE, NULL)) < 0)
		goto done;
	if (!cmd_quiet)
		cmd_ctx_report_spec_errors(&ctx, "warning");
	quote_high = cmd_quote_path_enabled(ctx.repo);
	needs = gs_xcalloc(ctx.pkgs.nr ? ctx.pkgs.nr : 1, 1);
	for (i = 0; i < ctx.pkgs.nr; i++)
		needs[i] = (unsigned char)gs_package_needs_spec(ctx.src, &ctx.pkgs, &ctx.pkgs.v[i]);

	/* Each package's path as printed: here-relative and quoted, or as is. */
	for (i = 0; i < ctx.pkgs.nr; i++) {
		gs_buf_clear(&shown);
		if (full_name)
			gs_buf_sets(&shown, ctx.pkgs.v[i].path);
		else
			cmd_path_for_user(&shown, ctx.repo, ctx.pkgs.v[i].path);
		if (!nul && !json) {
			gs_buf q = GS_BUF_INIT;

			cmd_quote_path(&q, shown.ptr, quote_high);
			gs_buf_set(&shown, q.ptr, q.size);
			gs_buf_release(&q);
		}
		gs_strvec_push(&paths, shown.ptr);
	}
	for (i = 0; i < ctx.pkgs.nr; i++) {
		size_t n = strlen(paths.v[i]);

		size_t m = ctx.pkgs.v[i].module ? strlen(ctx.pkgs.v[i].module) : 1;

		if (!all && !needs[i])
			continue;
		if (n > width)
			width = n;
		if (m > mwidth)
			mwidth = m;
	}
	if (json)
		gs_buf_putc(&out, '[');
	for (i = 0; i < ctx.pkgs.nr; i++) {
		const gs_package *pkg = &ctx.pkgs.v[i];
		gs_strvec specs = GS_STRVEC_INIT;
		const char *none;

		if (!all && !needs[i])
			continue;
		gs_workspace_specs_covering(&specs, &ctx, pkg->path);
		none = needs[i] ? "-" : "(none needed)";
		if (json) {
			gs_buf_puts(&out, first ? "\n  {\"path\": " : ",\n  {\"path\": ");
			gs_buf_put_json_string(&out, pkg->path);
			gs_buf_puts(&out, ", \"module\": ");
			cmd_json_string_or_null(&out, pkg->module);
			gs_buf_printf(&out, ", \"leaf\": %s, \"namespace\": %s, \"specs\": ",
				      pkg->leaf ? "true" : "false", pkg->namespace ? "true" : "false");
			cmd_json_strvec(&out, &specs);
			gs_buf_printf(&out, ", \"uncovered\": %s",
				      needs[i] && !specs.nr ? "true" : "false");
			gs_buf_putc(&out, '}');
		} else if (nul) {
			size_t j;

			if (all)
				gs_buf_puts(&out, pkg->leaf ? "leaf\t" : "parent\t");
			gs_buf_printf(&out, "%s\t", pkg->module ? pkg->module : "-");
			for (j = 0; j < specs.nr; j++)
				gs_buf_printf(&out, "%s%s", j ? "," : "", specs.v[j]);
			if (!specs.nr)
				gs_buf_puts(&out, none);
			gs_buf_printf(&out, "\t%s", paths.v[i]);
			gs_buf_putc(&out, '\0');
		} else {
			size_t j;

			if (all)
				gs_buf_puts(&out, pkg->leaf ? "leaf    " : "parent  ");
			gs_buf_printf(&out, "%-*s  %-*s  ", (int)width, paths.v[i],
				      (int)mwidth, pkg->module ? pkg->module : "-");
			for (j = 0; j < specs.nr; j++)
				gs_buf_printf(&out, "%s%s", j ? "," : "", specs.v[j]);
			if (!specs.nr)
				gs_buf_puts(&out, none);
			gs_buf_putc(&out, '\n');
		}
		first = 0;
		gs_strvec_clear(&specs);
	}
	if (json)
		gs_buf_puts(&out, first ? "]\n" : "\n]\n");
	error = cmd_write_stdout(&out);

done:
	gs_buf_release(&out);
	gs_buf_release(&shown);
	gs_strvec_clear(&paths);
	free(needs);
	gs_workspace_release(&ctx);
	return cmd_report(error);
}
