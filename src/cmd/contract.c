/*
 * git spec contract PKG [--variant V] [--staged | --rev REV] [--json]:
 * print one contract, derived from the work tree, the index or a commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const contract_usage[] = {
	"git spec contract [--variant <name>] [--staged | --rev <rev>] [--json] <package>",
	NULL
};

int cmd_contract(int argc, const char **argv)
{
	int json = 0, staged = 0, error = 0, variant, rollup = 0;
	const char *variant_name = "public", *rev = NULL;
	struct cmd_option opts[] = {
		CMD_OPT_STRING_(0, "variant", &variant_name, "name", "public (default), all or tests"),
		CMD_OPT_BOOL_(0, "staged", &staged, "derive from the index"),
		CMD_OPT_STRING_(0, "rev", &rev, "rev", "derive from a commit"),
		CMD_OPT_BOOL_(0, "json", &cmd_json, "print the model as JSON"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "no warnings or hints"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_buf rel = GS_BUF_INIT, out = GS_BUF_INIT;
	const gs_package *pkg;
	gs_registry_entry e;
	char *module = NULL;

	if ((argc = cmd_parse_options_one(argc, argv, opts, contract_usage, "a package is required")) < 0)
		return cmd_parse_options_status(argc);
	json = cmd_json;
	if (staged && rev)
		return cmd_usage_error(opts, contract_usage, "--staged and --rev cannot be used together");
	variant = gs_variant_parse(variant_name);
	if (variant < 0)
		return cmd_usage_error(opts, contract_usage,
				       "unknown variant '%s' (public, all or tests)", variant_name);

	gs_workspace_init(&ctx);
	if ((error = gs_workspace_open_repo(&ctx)) < 0 ||
	    (error = gs_workspace_relpath(&rel, &ctx, argv[0])) < 0 ||
	    (error = gs_workspace_load(&ctx, staged ? GS_WORKSPACE_INDEX : rev ? GS_WORKSPACE_REV
				  : GS_WORKSPACE_WORKTREE, rev)) < 0)
		goto done;

	pkg = gs_packages_find(&ctx.pkgs, rel.ptr);
	if (!pkg) {
		const gs_package *near = gs_workspace_package_for_path(&ctx, rel.ptr);

		if (!near)
			near = gs_packages_nearest(&ctx.pkgs, rel.ptr);
		error = gs_error_set(GS_EINPUT, "'%s' is not a package in %s", rel.ptr,
				     gs_source_describe(ctx.src));
		if (near)
			cmd_set_hint("did you mean the package at '%s'?", near->path);
		goto done;
	}
	/* A spec can name the module and ask for a rollup; follow it. */
	if (!gs_registry_find_package(&e, ctx.reg, pkg->path) &&
	    !strcmp(e.source->identifier, pkg->path)) {
		module = gs_workspace_source_module(&ctx, e.source);
		rollup = e.source->rollup;
	} else {
		module = gs_xstrdup(pkg->module ? pkg->module : pkg->path);
	}
	gs_error_clear();
	if ((error = gs_engine_contract(&out, ctx.eng, ctx.src, &ctx.pkgs, pkg, module, rollup,
					(gs_variant)variant,
					json ? GS_FORMAT_JSON : GS_FORMAT_MARKDOWN)) < 0)
		goto done;
	if (json && (!out.size || out.ptr[out.size - 1] != '\n'))
		gs_buf_putc(&out, '\n');
	error = cmd_write_stdout(&out);

done:
	free(module);
	gs_buf_release(&rel);
	gs_buf_release(&out);
	gs_workspace_release(&ctx);
	return cmd_report(error);
}
