/*
 * git spec renumber <old-id> [<new-id>]: give a spec another id, for when
 * two branches picked the same one (renumber.h). Writes the work tree
 * only; a hint prints the `git add` that stages the move, as `create` does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/renumber.h"
#include "gitspec/specid.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const renumber_usage[] = {
	"git spec renumber <old-id> [<new-id>]",
	NULL
};

static void refusal_hint(gs_renumber_refusal why, gs_workspace *ctx)
{
	gs_strvec branches = GS_STRVEC_INIT;
	char *next;

	switch (why) {
	case GS_RENUMBER_NO_SPEC:
		cmd_set_hint("'git spec list' lists the specs");
		break;
	case GS_RENUMBER_TAKEN:
		if (gs_spec_ids_on_branches(&branches, ctx->repo, ctx->cfg.specs_dir) < 0)
			gs_error_clear();
		next = gs_spec_next_free_id(ctx->reg, &branches, 0);
		cmd_set_hint("%s is free on every branch (or leave the new id out)", next);
		free(next);
		break;
	default:
		break;
	}
	gs_strvec_clear(&branches);
}

int cmd_renumber(int argc, const char **argv)
{
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "print nothing on success"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_renumber r;
	gs_renumber_refusal why = GS_RENUMBER_OK;
	gs_buf a = GS_BUF_INIT, b = GS_BUF_INIT;
	int error = 0;

	argc = cmd_parse_options(argc, argv, opts, renumber_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (argc < 1 || argc > 2)
		return cmd_usage_error(opts, renumber_usage, argc ? "too many arguments"
				       : "the id of a spec is required");

	gs_renumber_init(&r);
	gs_workspace_init(&ctx);
	if ((error = gs_workspace_open_repo(&ctx)) < 0 ||
	    (error = gs_workspace_load(&ctx, GS_WORKSPACE_WORKTREE, NULL)) < 0)
		goto done;
	if (cmd_ctx_report_spec_errors(&ctx, "error")) {
		error = gs_error_set(GS_EINPUT, "cannot renumber a spec while a spec does not parse");
		cmd_set_hint("fix the spec files named above, then run 'git spec validate'");
		goto done;
	}
	if ((error = gs_renumber_plan(&r, &why, &ctx, argv[0], argc > 1 ? argv[1] : NULL)) < 0) {
		refusal_hint(why, &ctx);
		goto done;
	}
	if ((error = gs_renumber_apply(&r, &ctx)) < 0)
		goto done;
	if (!cmd_quiet) {
		printf("renumbered %s to %s: %s\n", argv[0], r.new_id, r.new_file.ptr);
		fflush(stdout);
		cmd_path_for_user(&a, ctx.repo, r.old_dir.ptr);
		cmd_path_for_user(&b, ctx.repo, r.new_dir.ptr);
		cmd_hint("stage the move with 'git add -A %s %s%s'", a.ptr, b.ptr,
			 r.attributes ? " .gitattributes" : "");
	}
done:
	gs_buf_release(&a);
	gs_buf_release(&b);
	gs_renumber_release(&r);
	gs_workspace_release(&ctx);
	return cmd_report(error);
}
