/*
 * git spec list [--for-path FILE] [--json]: the registry (specs, their
 * packages and contracts), or which package and spec a file belongs to.
 */
#include <stdio.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/language.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const list_usage[] = {
	"git spec list [--json | -z] [--full-name]",
	"git spec list --for-path <file> [--json] [--full-name]",
	NULL
};

static void list_json(gs_buf *out, const gs_registry *reg)
{
	size_t i, j, k;

	gs_buf_putc(out, '[');
	for (i = 0; i < reg->specs_nr; i++) {
		const gs_spec *spec = reg->specs[i];
		int first = 1;

		gs_buf_puts(out, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
		gs_buf_put_json_string(out, spec->id);
		gs_buf_puts(out, ", \"path\": ");
		gs_buf_put_json_string(out, spec->path);
		gs_buf_puts(out, ", \"packages\": [");
		for (j = 0; j < spec->sources_nr; j++) {
			if (j)
				gs_buf_puts(out, ", ");
			gs_buf_put_json_string(out, spec->sources[j].identifier);
		}
		gs_buf_puts(out, "], \"contracts\": [");
		for (j = 0; j < spec->sources_nr; j++) {
			const gs_spec_source *s = &spec->sources[j];

			for (k = 0; k < s->variants_nr; k++) {
				if (!first)
					gs_buf_puts(out, ", ");
				first = 0;
				gs_buf_puts(out, "{\"package\": ");
				gs_buf_put_json_string(out, s->identifier);
				gs_buf_puts(out, ", \"variant\": ");
				gs_buf_put_json_string(out, gs_variant_name(s->variants[k].variant));
				gs_buf_puts(out, ", \"path\": ");
				cmd_json_string_or_null(out, s->variants[k].repo_path);
				gs_buf_putc(out, '}');
			}
		}
		gs_buf_puts(out, "]}");
	}
	gs_buf_puts(out, reg->specs_nr ? "\n]\n" : "]\n");
}

/*
 * One line per spec: id, packages, spec file, in aligned columns; the spec
 * file relative to here (top with `full_name`) and quoted as git quotes.
 * With `nul`: "id TAB packages TAB path NUL", the path verbatim.
 */
static void list_text(gs_buf *out, gs_workspace *ctx, int nul, int full_name)
{
	const gs_registry *reg = ctx->reg;
	gs_strvec packages = GS_STRVEC_INIT;
	size_t i, j, idw = 0, pkgw = 0;
	gs_buf line = GS_BUF_INIT, path = GS_BUF_INIT;
	int quote_high = cmd_quote_path_enabled(ctx->repo);

	for (i = 0; i < reg->specs_nr; i++) {
		const gs_spec *spec = reg->specs[i];

		gs_buf_clear(&line);
		for (j = 0; j < spec->sources_nr; j++)
			gs_buf_printf(&line, "%s%s%s", j ? "," : "", spec->sources[j].identifier,
				      spec->sources[j].rollup ? " (rollup)" : "");
		if (!spec->sources_nr)
			gs_buf_putc(&line, '-');
		gs_strvec_push(&packages, line.ptr);
		if (strlen(spec->id) > idw)
			idw = strlen(spec->id);
		if (line.size > pkgw)
			pkgw = line.size;
	}
	for (i = 0; i < reg->specs_nr; i++) {
		gs_buf_clear(&path);
		if (full_name)
			gs_buf_sets(&path, reg->specs[i]->path);
		else
			cmd_path_for_user(&path, ctx->repo, reg->specs[i]->path);
		if (nul) {
			gs_buf_printf(out, "%s\t%s\t%s", reg->specs[i]->id, packages.v[i], path.ptr);
			gs_buf_putc(out, '\0');
			continue;
		}
		gs_buf_printf(out, "%-*s  %-*s  ", (int)idw, reg->specs[i]->id, (int)pkgw, packages.v[i]);
		cmd_quote_path(out, path.ptr, quote_high);
		gs_buf_putc(out, '\n');
	}
	gs_buf_release(&line);
	gs_buf_release(&path);
	gs_strvec_clear(&packages);
}

/*
 * A file's package, and the spec covering it. A spec or contract file
 * that is in no package resolves to its spec.
 */
static int for_path(gs_buf *out, gs_workspace *ctx, const char *user_path, int json)
{
	gs_buf rel = GS_BUF_INIT;
	const gs_package *pkg;
	const gs_spec *spec = NULL;
	const char *package = NULL;
	gs_registry_entry e;
	const gs_spec_variant *variant;
	int error;
	size_t i;

	if ((error = gs_workspace_relpath(&rel, ctx, user_path)) < 0)
		goto done;
	pkg = gs_workspace_package_for_path(ctx, rel.ptr);
	if (pkg) {
		package = pkg->path;
		if (!gs_registry_find_package(&e, ctx->reg, pkg->path))
			spec = e.spec;
	} else if (!gs_registry_find_contract(&e, &variant, ctx->reg, rel.ptr)) {
		spec = e.spec;
	} else {
		for (i = 0; i < ctx->reg->specs_nr; i++)
			if (!strcmp(ctx->reg->specs[i]->path, rel.ptr) ||
			    !strcmp(ctx->reg->specs[i]->dir, rel.ptr))
				spec = ctx->reg->specs[i];
	}
	gs_error_clear();

	if (json) {
		gs_buf_puts(out, "{\"path\": ");
		gs_buf_put_json_string(out, rel.ptr);
		gs_buf_puts(out, ", \"package\": ");
		cmd_json_string_or_null(out, package);
		gs_buf_puts(out, ", \"module\": ");
		cmd_json_string_or_null(out, pkg ? pkg->module : NULL);
		gs_buf_puts(out, ", \"spec\": ");
		cmd_json_string_or_null(out, spec ? spec->id : NULL);
		gs_buf_puts(out, ", \"spec_path\": ");
		cmd_json_string_or_null(out, spec ? spec->path : NULL);
		gs_buf_puts(out, "}\n");
		goto done;
	}
	/* paths as the user pastes them where they stand; package and spec are identifiers */
	gs_buf_puts(out, "path: ");
	cmd_put_path(out, ctx->repo, rel.ptr);
	gs_buf_printf(out, "\npackage: %s\n", package ? package : "-");
	if (pkg)
		gs_buf_printf(out, "module: %s\n", pkg->module ? pkg->module : "-");
	if (spec) {
		gs_buf_printf(out, "spec: %s ", spec->id);
		cmd_put_path(out, ctx->repo, spec->path);
		gs_buf_putc(out, '\n');
	} else {
		gs_buf_puts(out, "spec: -\n");
	}
	if (!pkg && !spec) {
		error = gs_error_set(GS_ECHECK, "'%s' is in no package", rel.ptr);
		cmd_set_hint("packages are directories holding an %s; see 'git spec packages --all'",
			     gs_language_default()->package_marker);
	} else if (!spec) {
		error = gs_error_set(GS_ECHECK, "no spec covers package '%s'", package);
		cmd_set_hint("create one with 'git spec create %s'", package);
	}

done:
	gs_buf_release(&rel);
	return error;
}

int cmd_list(int argc, const char **argv)
{
	int json = 0, nul = 0, full_name = 0, error = 0;
	const char *path = NULL;
	struct cmd_option opts[] = {
		CMD_OPT_STRING_(0, "for-path", &path, "file", "resolve a file to its package and spec"),
		CMD_OPT_BOOL_(0, "json", &json, "print JSON"),
		CMD_OPT_BOOL_('z', NULL, &nul, "NUL-terminated records, paths verbatim"),
		CMD_OPT_BOOL_(0, "full-name", &full_name, "paths relative to the top, not here"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "no warnings or hints"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_buf out = GS_BUF_INIT;

	argc = cmd_parse_options(argc, argv, opts, list_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (argc > 0)
		return cmd_usage_error(opts, list_usage, "unexpected argument '%s'", argv[0]);
	if (nul && (json || path))
		return cmd_usage_error(opts, list_usage, "-z lists the specs, without --json or --for-path");
	cmd_json = json;
	cmd_full_name = full_name;

	if ((error = cmd_ctx_open_worktree(&ctx)) < 0)
		goto done;

	if (path) {
		error = for_path(&out, &ctx, path, json);
		/* A JSON answer says "nothing" with nulls, and succeeds. */
		if (json && error == GS_ECHECK)
			error = 0;
	} else if (json) {
		list_json(&out, ctx.reg);
	} else {
		list_text(&out, &ctx, nul, full_name);
	}
	if (!error || error == GS_ECHECK) {
		int werr = cmd_write_stdout(&out);

		if (werr < 0)
			error = werr;
	}

done:
	gs_buf_release(&out);
	gs_workspace_release(&ctx);
	return cmd_report(error);
}
