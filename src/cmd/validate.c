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
	struct cmd_ctx ctx;
	gs_strvec problems = GS_STRVEC_INIT, unsafe = GS_STRVEC_INIT;
	size_t i, bad_specs, sources = 0;

	argc = cmd_parse_options(argc, argv, opts, validate_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (argc > 0)
		return cmd_usage_error(opts, validate_usage, "unexpected argument '%s'", argv[0]);

	cmd_ctx_init(&ctx);
	if ((error = cmd_ctx_open_repo(&ctx)) < 0 ||
	    (error = cmd_ctx_load(&ctx, CMD_SOURCE_WORKTREE, NULL)) < 0)
		goto done;

	bad_specs = cmd_ctx_report_spec_errors(&ctx, "error");
	gs_registry_validate(ctx.reg, ctx.src, &ctx.pkgs, &problems);
	cmd_ctx_unsafe_contracts(&unsafe, &ctx, NULL, 1);
	for (i = 0; i < problems.nr; i++)
		fprintf(stderr, "error: %s\n", problems.v[i]);
	for (i = 0; i < unsafe.nr; i++)
		if (!cmd_ctx_problem_reported(&problems, unsafe.v[i]))
			fprintf(stderr, "error: %s\n", unsafe.v[i]);

	/* Bad input (a spec that does not parse, an unsafe path) wins over a failed check. */
	if (bad_specs || unsafe.nr) {
		if (bad_specs && unsafe.nr)
			error = gs_error_set(GS_EINPUT, "%zu spec%s not parse and %zu contract path%s unsafe",
					     bad_specs, bad_specs == 1 ? " does" : "s do",
					     unsafe.nr, unsafe.nr == 1 ? " is" : "s are");
		else if (bad_specs)
			error = gs_error_set(GS_EINPUT, "%zu spec%s not parse", bad_specs,
					     bad_specs == 1 ? " does" : "s do");
		else
			error = gs_error_set(GS_EINPUT, "%zu contract path%s unsafe", unsafe.nr,
					     unsafe.nr == 1 ? " is" : "s are");
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
	gs_strvec_clear(&problems);
	gs_strvec_clear(&unsafe);
	cmd_ctx_release(&ctx);
	return cmd_report(error);
}
