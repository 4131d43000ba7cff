#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "cmd.h"
#include "context.h"

int cmd_ctx_open_worktree(gs_workspace *ctx)
{
	int error;

	gs_workspace_init(ctx);
	if ((error = gs_workspace_open_repo(ctx)) < 0 ||
	    (error = gs_workspace_load(ctx, GS_WORKSPACE_WORKTREE, NULL)) < 0)
		return error;
	if (!cmd_quiet)
		cmd_ctx_report_spec_errors(ctx, "warning");
	return 0;
}

size_t cmd_ctx_report_spec_errors(gs_workspace *ctx, const char *prefix)
{
	size_t i;

	if (!ctx->reg)
		return 0;
	/* With --json the caller gives them as JSON problems. */
	for (i = 0; !cmd_json && i < ctx->reg->errors.nr; i++)
		fprintf(stderr, "%s: %s\n", prefix, ctx->reg->errors.v[i]);
	return ctx->reg->errors.nr;
}

int cmd_ctx_missing_path(gs_workspace *ctx, const char *rel, const char *arg)
{
	gs_buf b = GS_BUF_INIT;
	size_t begin = 0, end = 0;
	struct stat st;
	int found;

	/* In the source (the index, a sparse checkout's too) or on disk. */
	found = !*rel || gs_source_lookup(ctx->src, rel) != NULL;
	if (!found) {
		gs_buf_printf(&b, "%s/", rel);
		gs_source_prefix_range(ctx->src, b.ptr, &begin, &end);
		found = begin < end;
	}
	if (!found && ctx->workdir) {
		gs_buf_clear(&b);
		gs_buf_printf(&b, "%s%s", ctx->workdir, rel);
		found = !lstat(b.ptr, &st);
	}
	gs_buf_release(&b);
	if (found)
		return 0;
	/* A file of a package that is not there must not name its spec. */
	return gs_error_set(GS_EINPUT, "'%s' does not exist", arg);
}

int cmd_ctx_unknown_spec_id(const char *arg)
{
	const char *p;

	if (strncmp(arg, "SPEC-", 5) || !arg[5])
		return 0;
	for (p = arg + 5; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	/*
	 * Never read as a path under the current directory: inside a covered
	 * package, "SPEC-009" would name a file of that package and so its
	 * spec, a different one.
	 */
	cmd_set_hint("'git spec list' shows the specs");
	return gs_error_set(GS_EINPUT, "no spec has the id '%s'", arg);
}

static void push_spec_sources(gs_strvec *out, const gs_spec *spec)
{
	size_t i;

	for (i = 0; i < spec->sources_nr; i++)
		gs_strvec_push(out, spec->sources[i].identifier);
}

int cmd_ctx_resolve_targets(gs_strvec *out, gs_workspace *ctx, int argc, const char **argv)
{
	gs_buf rel = GS_BUF_INIT;
	int error = 0, i;

	for (i = 0; i < argc; i++) {
		const gs_spec *spec = gs_registry_find_id(ctx->reg, argv[i]);
		const gs_spec_variant *variant;
		const gs_package *pkg;
		gs_registry_entry e;
		size_t j;

		if (spec) {
			push_spec_sources(out, spec);
			continue;
		}
		if ((error = cmd_ctx_unknown_spec_id(argv[i])) < 0 ||
		    (error = gs_workspace_relpath(&rel, ctx, argv[i])) < 0)
			goto done;
		for (j = 0; j < ctx->reg->specs_nr && !spec; j++)
			if (!strcmp(ctx->reg->specs[j]->path, rel.ptr) ||
			    !strcmp(ctx->reg->specs[j]->dir, rel.ptr))
				spec = ctx->reg->specs[j];
		if (spec) {
			push_spec_sources(out, spec);
			continue;
		}
		pkg = gs_workspace_package_for_path(ctx, rel.ptr);
		if (pkg && strcmp(pkg->path, rel.ptr) &&
		    (error = cmd_ctx_missing_path(ctx, rel.ptr, argv[i])) < 0)
			goto done;
		if (pkg) {
			if (gs_registry_find_package(&e, ctx->reg, pkg->path) < 0) {
				error = gs_error_set(GS_EINPUT, "no spec covers package '%s'", pkg->path);
				cmd_set_hint("create one with 'git spec create %s'", pkg->path);
				goto done;
			}
			gs_strvec_push(out, e.source->identifier);
			continue;
		}
		if (!gs_registry_find_contract(&e, &variant, ctx->reg, rel.ptr)) {
			gs_strvec_push(out, e.source->identifier);
			continue;
		}
		error = gs_error_set(GS_EINPUT, "'%s' is neither in a package nor a spec", rel.ptr);
		cmd_set_hint("'git spec list' shows the specs and their packages");
		goto done;
	}
	gs_strvec_sort_uniq(out);
	gs_error_clear();

done:
	gs_buf_release(&rel);
	return error;
}
