/*
 * git spec show SPEC-ID | PATH [--json]: a spec's metadata, packages, files
 * and contract paths. PATH may be the spec file, its directory, a package
 * or any file of a covered package.
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

static const char *const show_usage[] = {
	"git spec show [--json] [--full-name] <spec-id | path>",
	NULL
};

static int resolve_spec(const gs_spec **out, gs_workspace *ctx, const char *arg)
{
	gs_buf rel = GS_BUF_INIT;
	const gs_package *pkg;
	gs_registry_entry e;
	const gs_spec_variant *variant;
	int error = 0;
	size_t i;

	*out = gs_registry_find_id(ctx->reg, arg);
	if (*out)
		goto done;
	if ((error = cmd_ctx_unknown_spec_id(arg)) < 0 ||
	    (error = gs_workspace_relpath(&rel, ctx, arg)) < 0)
		goto done;
	for (i = 0; i < ctx->reg->specs_nr; i++)
		if (!strcmp(ctx->reg->specs[i]->path, rel.ptr) ||
		    !strcmp(ctx->reg->specs[i]->dir, rel.ptr))
			*out = ctx->reg->specs[i];
	if (*out)
		goto done;
	if (!gs_registry_find_contract(&e, &variant, ctx->reg, rel.ptr)) {
		*out = e.spec;
		goto done;
	}
	pkg = gs_workspace_package_for_path(ctx, rel.ptr);
	if (pkg && strcmp(pkg->path, rel.ptr) &&
	    (error = cmd_ctx_missing_path(ctx, rel.ptr, arg)) < 0)
		goto done;
	if (pkg && !gs_registry_find_package(&e, ctx->reg, pkg->path)) {
		*out = e.spec;
		goto done;
	}
	if (pkg) {
		error = gs_error_set(GS_EINPUT, "no spec covers package '%s'", pkg->path);
		cmd_set_hint("create one with 'git spec create %s'", pkg->path);
	} else {
		error = gs_error_set(GS_EINPUT, "'%s' is neither a spec id nor a path in a covered package", arg);
		cmd_set_hint("'git spec list' shows the specs");
	}

done:
	gs_buf_release(&rel);
	if (*out)
		gs_error_clear();
	return error;
}

/* One source of a spec as JSON: its package, module, files and contracts. */
static void source_json(gs_buf *out, const gs_spec_source *s, const char *module,
			const gs_package *pkg, const gs_source_entry **files, size_t files_nr)
{
	size_t j;

	gs_buf_puts(out, "{\"path\": ");
	gs_buf_put_json_string(out, s->identifier);
	gs_buf_put_json_member(out, "module", module);
	gs_buf_printf(out, ", \"rollup\": %s, \"is_package\": %s, \"files\": ",
		      s->rollup ? "true" : "false", pkg ? "true" : "false");
	if (pkg) {
		gs_buf_putc(out, '[');
		for (j = 0; j < files_nr; j++) {
			if (j)
				gs_buf_puts(out, ", ");
			gs_buf_put_json_string(out, files[j]->path);
		}
		gs_buf_putc(out, ']');
	} else {
		gs_buf_puts(out, "null");
	}
	gs_buf_puts(out, ", \"contracts\": [");
	for (j = 0; j < s->variants_nr; j++) {
		gs_buf_puts(out, j ? ", {\"variant\": " : "{\"variant\": ");
		gs_buf_put_json_string(out, gs_variant_name(s->variants[j].variant));
		gs_buf_put_json_member(out, "path", s->variants[j].repo_path);
		gs_buf_putc(out, '}');
	}
	gs_buf_puts(out, "]}");
}

/* The same as text, paths as the user can paste them where they stand. */
static void source_text(gs_buf *out, gs_workspace *ctx, const gs_spec_source *s, const char *module,
			const gs_package *pkg, const gs_source_entry **files, size_t files_nr)
{
	size_t j;

	gs_buf_printf(out, "\npackage: %s%s\n", s->identifier, pkg ? "" : " (not a package)");
	gs_buf_printf(out, "module: %s\n", module ? module : "-");
	if (s->rollup)
		gs_buf_puts(out, "rollup: true\n");
	gs_buf_puts(out, "files:\n");
	for (j = 0; j < files_nr; j++) {
		gs_buf_puts(out, "  ");
		cmd_put_path(out, ctx->repo, files[j]->path);
		gs_buf_putc(out, '\n');
	}
	gs_buf_puts(out, "contracts:\n");
	for (j = 0; j < s->variants_nr; j++) {
		gs_buf_printf(out, "  %-7s ", gs_variant_name(s->variants[j].variant));
		if (s->variants[j].repo_path)
			cmd_put_path(out, ctx->repo, s->variants[j].repo_path);
		else
			gs_buf_puts(out, "(unsafe path)");
		gs_buf_putc(out, '\n');
	}
}

static int show_spec(gs_buf *out, gs_workspace *ctx, const gs_spec *spec, int json)
{
	size_t i;
	int error = 0;

	if (json) {
		gs_buf_puts(out, "{\"id\": ");
		gs_buf_put_json_string(out, spec->id);
		gs_buf_put_json_member(out, "path", spec->path);
		gs_buf_put_json_member(out, "name", spec->name);
		gs_buf_put_json_member(out, "slug", spec->slug);
		gs_buf_put_json_member(out, "status", spec->status);
		gs_buf_puts(out, ", \"packages\": [");
	} else {
		gs_buf_printf(out, "id: %s\npath: ", spec->id);
		cmd_put_path(out, ctx->repo, spec->path);
		gs_buf_putc(out, '\n');
		if (spec->name)
			gs_buf_printf(out, "name: %s\n", spec->name);
		if (spec->slug)
			gs_buf_printf(out, "slug: %s\n", spec->slug);
		if (spec->status)
			gs_buf_printf(out, "status: %s\n", spec->status);
	}
	for (i = 0; i < spec->sources_nr; i++) {
		const gs_spec_source *s = &spec->sources[i];
		const gs_package *pkg = gs_packages_find(&ctx->pkgs, s->identifier);
		const gs_source_entry **files = NULL;
		size_t files_nr = 0;
		char *module = gs_workspace_source_module(ctx, s);

		if (pkg && (error = gs_package_files(&files, &files_nr, ctx->src, &ctx->pkgs,
						     pkg, s->rollup)) < 0) {
			free(module);
			goto done;
		}
		if (json) {
			if (i)
				gs_buf_puts(out, ", ");
			source_json(out, s, module, pkg, files, files_nr);
		} else {
			source_text(out, ctx, s, module, pkg, files, files_nr);
		}
		free(files);
		free(module);
	}
	if (json)
		gs_buf_puts(out, "]}\n");

done:
	return error;
}

int cmd_show(int argc, const char **argv)
{
	int json = 0, error = 0;
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_(0, "json", &cmd_json, "print JSON"),
		CMD_OPT_BOOL_(0, "full-name", &cmd_full_name, "paths relative to the top, not here"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "no warnings or hints"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	const gs_spec *spec = NULL;
	gs_buf out = GS_BUF_INIT;

	if ((argc = cmd_parse_options_one(argc, argv, opts, show_usage, "a spec id or a path is required")) < 0)
		return cmd_parse_options_status(argc);
	json = cmd_json;

	if ((error = cmd_ctx_open_worktree(&ctx)) < 0)
		goto done;
	if ((error = resolve_spec(&spec, &ctx, argv[0])) < 0)
		goto done;
	if ((error = show_spec(&out, &ctx, spec, json)) < 0)
		goto done;
	error = cmd_write_stdout(&out);

done:
	gs_buf_release(&out);
	gs_workspace_release(&ctx);
	return cmd_report(error);
}
