/*
 * git spec packages [--all] [--json]: the leaf packages (or every package)
 * with their modules and covering specs.
 */
#include <stdio.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const packages_usage[] = {
	"git spec packages [--all] [--json]",
	NULL
};

int cmd_packages(int argc, const char **argv)
{
	int all = 0, json = 0, error = 0, first = 1;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_(0, "all", &all, "list every package, marking leaves"),
		CMD_OPT_BOOL_(0, "json", &json, "print JSON"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "no warnings"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_buf out = GS_BUF_INIT;
	size_t i, width = 0, mwidth = 0;

	argc = cmd_parse_options(argc, argv, opts, packages_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (argc > 0)
		return cmd_usage_error(opts, packages_usage, "unexpected argument '%s'", argv[0]);

	gs_workspace_init(&ctx);
	if ((error = gs_workspace_open_repo(&ctx)) < 0 ||
	    (error = gs_workspace_load(&ctx, GS_WORKSPACE_WORKTREE, NULL)) < 0)
		goto done;
	if (!cmd_quiet)
		cmd_ctx_report_spec_errors(&ctx, "warning");

	for (i = 0; i < ctx.pkgs.nr; i++) {
		size_t n = strlen(ctx.pkgs.v[i].path);

		size_t m = ctx.pkgs.v[i].module ? strlen(ctx.pkgs.v[i].module) : 1;

		if (!all && !ctx.pkgs.v[i].leaf)
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

		if (!all && !pkg->leaf)
			continue;
		gs_workspace_specs_covering(&specs, &ctx, pkg->path);
		if (json) {
			gs_buf_puts(&out, first ? "\n  {\"path\": " : ",\n  {\"path\": ");
			gs_buf_put_json_string(&out, pkg->path);
			gs_buf_puts(&out, ", \"module\": ");
			cmd_json_string_or_null(&out, pkg->module);
			gs_buf_printf(&out, ", \"leaf\": %s, \"specs\": ", pkg->leaf ? "true" : "false");
			cmd_json_strvec(&out, &specs);
			gs_buf_putc(&out, '}');
		} else {
			size_t j;

			if (all)
				gs_buf_puts(&out, pkg->leaf ? "leaf    " : "parent  ");
			gs_buf_printf(&out, "%-*s  %-*s  ", (int)width, pkg->path,
				      (int)mwidth, pkg->module ? pkg->module : "-");
			for (j = 0; j < specs.nr; j++)
				gs_buf_printf(&out, "%s%s", j ? "," : "", specs.v[j]);
			if (!specs.nr)
				gs_buf_putc(&out, '-');
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
	gs_workspace_release(&ctx);
	return cmd_report(error);
}
