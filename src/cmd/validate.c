/*
 * git spec validate: registry integrity only (DESIGN.md 3.4, 3.6).
 */
#include <stdio.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const validate_usage[] = {
	"git spec validate [-q]",
	NULL
};

int cmd_validate(int argc, const char **argv)
{
	int error = 0;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "print nothing when the registry is valid"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_registry_problems problems = GS_REGISTRY_PROBLEMS_INIT, unsafe = GS_REGISTRY_PROBLEMS_INIT;
	size_t i, bad_specs, sources = 0, unsafe_nr;

	argc = cmd_parse_options(argc, argv, opts, validate_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (argc > 0)
		return cmd_usage_error(opts, validate_usage, "unexpected argument '%s'", argv[0]);

	gs_workspace_init(&ctx);
	if ((error = gs_workspace_open_repo(&ctx)) < 0 ||
	    (error = gs_workspace_load(&ctx, GS_WORKSPACE_WORKTREE, NULL)) < 0)
		goto done;

	bad_specs = cmd_ctx_report_spec_errors(&ctx, "error");
	gs_registry_check(&problems, ctx.reg, ctx.src, &ctx.pkgs);
	unsafe_nr = gs_workspace_unsafe_contracts(&unsafe, &ctx, NULL, 1, &problems);
	for (i = 0; i < problems.nr; i++)
		fprintf(stderr, "error: %s\n", problems.v[i].message);
	for (i = 0; i < unsafe.nr; i++)
		fprintf(stderr, "error: %s\n", unsafe.v[i].message);

	/* Bad input (a spec that does not parse, an unsafe path) wins over a failed check. */
	if (bad_specs || unsafe_nr) {
		if (bad_specs && unsafe_nr)
			error = gs_error_set(GS_EINPUT, "%zu spec%s not parse and %zu contract path%s unsafe",
					     bad_specs, bad_specs == 1 ? " does" : "s do",
					     unsafe_nr, unsafe_nr == 1 ? " is" : "s are");
		else if (bad_specs)
			error = gs_error_set(GS_EINPUT, "%zu spec%s not parse", bad_specs,
					     bad_specs == 1 ? " does" : "s do");
		else
			error = gs_error_set(GS_EINPUT, "%zu contract path%s unsafe", unsafe_nr,
					     unsafe_nr == 1 ? " is" : "s are");
		cmd_set_hint("fix the spec files named above");
	} else if (problems.nr) {
		error = gs_error_set(GS_ECHECK, "the registry is invalid (%zu problem%s)",
				     problems.nr, problems.nr == 1 ? "" : "s");
	} else if (!cmd_quiet) {
		for (i = 0; i < ctx.reg->specs_nr; i++)
			sources += ctx.reg->specs[i]->sources_nr;
		printf("the registry is valid: %zu spec%s covering %zu package%s\n",
		       ctx.reg->specs_nr, ctx.reg->specs_nr == 1 ? "" : "s",
		       sources, sources == 1 ? "" : "s");
	}

done:
	gs_registry_problems_clear(&problems);
	gs_registry_problems_clear(&unsafe);
	gs_workspace_release(&ctx);
	return cmd_report(error);
}
