/*
 * git spec validate: registry integrity only (DESIGN.md 3.4, 3.6).
 */
#include <stdio.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/check.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const validate_usage[] = {
	"git spec validate [-q] [--json]",
	NULL
};

/*
 * --json: {"valid": BOOL, "specs": N, "packages": N, "errors": [PROBLEM...]},
 * the problems from the same structured lists the text prints.
 */
static void validate_json(gs_buf *out, const gs_workspace *ctx, const gs_registry_problems *problems,
			  const gs_registry_problems *unsafe, size_t sources)
{
	gs_check_report r;
	size_t i;

	gs_check_report_init(&r);
	for (i = 0; i < ctx->reg->errors.nr; i++)
		gs_check_report_add_error(&r, GS_PROBLEM_SPEC, ctx->reg->error_paths.v[i],
					  ctx->reg->error_places[i].line, ctx->reg->error_places[i].column,
					  ctx->reg->errors.v[i]);
	for (i = 0; i < problems->nr; i++)
		gs_check_report_add_error(&r, gs_problem_of_registry(problems->v[i].kind),
					  problems->v[i].spec_path, 0, 0, problems->v[i].message);
	for (i = 0; i < unsafe->nr; i++)
		gs_check_report_add_error(&r, GS_PROBLEM_UNSAFE_PATH, unsafe->v[i].spec_path, 0, 0,
					  unsafe->v[i].message);
	gs_buf_printf(out, "{\"valid\": %s, \"specs\": %zu, \"packages\": %zu, \"errors\": ",
		      r.errors_nr ? "false" : "true", ctx->reg->specs_nr, sources);
	gs_check_report_errors_json(out, &r);
	gs_buf_puts(out, "}\n");
	gs_check_report_clear(&r);
}

int cmd_validate(int argc, const char **argv)
{
	int error = 0;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "print nothing when the registry is valid"),
		CMD_OPT_BOOL_(0, "json", &cmd_json, "print JSON"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_registry_problems problems = GS_REGISTRY_PROBLEMS_INIT, unsafe = GS_REGISTRY_PROBLEMS_INIT;
	gs_buf out = GS_BUF_INIT;
	int answered = 0;
	size_t i, bad_specs, sources = 0, unsafe_nr;

	if ((argc = cmd_parse_options_none(argc, argv, opts, validate_usage)) < 0)
		return cmd_parse_options_status(argc);

	gs_workspace_init(&ctx);
	if ((error = gs_workspace_open_repo(&ctx)) < 0)
		goto done;
	if ((error = gs_workspace_load(&ctx, GS_WORKSPACE_WORKTREE, NULL)) < 0) {
		/* A configuration that cannot be read is an answer in JSON too. */
		if (cmd_json && error == GS_EINPUT) {
			gs_buf_puts(&out, "{\"valid\": false, \"specs\": 0, \"packages\": 0, \"errors\": [\n    ");
			cmd_json_last_error(&out, gs_problem_name(GS_PROBLEM_CONFIG));
			gs_buf_puts(&out, "\n  ]}\n");
			answered = !cmd_write_stdout(&out);
		}
		goto done;
	}

	bad_specs = cmd_ctx_report_spec_errors(&ctx, "error");
	gs_registry_check(&problems, ctx.reg, ctx.src, &ctx.pkgs);
	unsafe_nr = gs_workspace_unsafe_contracts(&unsafe, &ctx, NULL, 1, &problems);
	for (i = 0; i < ctx.reg->specs_nr; i++)
		sources += ctx.reg->specs[i]->sources_nr;
	if (cmd_json) {
		validate_json(&out, &ctx, &problems, &unsafe, sources);
		if ((error = cmd_write_stdout(&out)) < 0)
			goto done;
		answered = 1;
	}
	for (i = 0; !cmd_json && i < problems.nr; i++)
		fprintf(stderr, "error: %s\n", problems.v[i].message);
	for (i = 0; !cmd_json && i < unsafe.nr; i++)
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
	} else if (!cmd_quiet && !cmd_json) {
		printf("the registry is valid: %zu spec%s covering %zu package%s\n",
		       ctx.reg->specs_nr, ctx.reg->specs_nr == 1 ? "" : "s",
		       sources, sources == 1 ? "" : "s");
	}

done:
	gs_buf_release(&out);
	gs_registry_problems_clear(&problems);
	gs_registry_problems_clear(&unsafe);
	gs_workspace_release(&ctx);
	return cmd_json_report(error, answered);
}
