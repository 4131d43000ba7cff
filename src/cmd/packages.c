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

/* How the packages are listed: text columns, -z records or JSON. */
struct listing {
	int all, json, nul;
	size_t width, mwidth; /* of the path and module columns (text) */
};

/* The covering specs "A,B", or `none` when there is none. */
static void put_specs(gs_buf *out, const gs_strvec *specs, const char *none)
{
	size_t j;

	for (j = 0; j < specs->nr; j++)
		gs_buf_printf(out, "%s%s", j ? "," : "", specs->v[j]);
	if (!specs->nr)
		gs_buf_puts(out, none);
}

/* One package: a JSON object (without separator), a -z record or a text line. */
static void put_package(gs_buf *out, const struct listing *l, const gs_package *pkg,
			const char *shown, int needs, const gs_strvec *specs)
{
	const char *none = needs ? "-" : "(none needed)";

	if (l->json) {
		gs_buf_puts(out, "{\"path\": ");
		gs_buf_put_json_string(out, pkg->path);
		gs_buf_put_json_member(out, "module", pkg->module);
		gs_buf_printf(out, ", \"leaf\": %s, \"namespace\": %s, \"specs\": ",
			      pkg->leaf ? "true" : "false", pkg->namespace ? "true" : "false");
		cmd_json_strvec(out, specs);
		gs_buf_printf(out, ", \"uncovered\": %s}", needs && !specs->nr ? "true" : "false");
	} else if (l->nul) {
		if (l->all)
			gs_buf_puts(out, pkg->leaf ? "leaf\t" : "parent\t");
		gs_buf_printf(out, "%s\t", pkg->module ? pkg->module : "-");
		put_specs(out, specs, none);
		gs_buf_printf(out, "\t%s", shown);
		gs_buf_putc(out, '\0');
	} else {
		if (l->all)
			gs_buf_puts(out, pkg->leaf ? "leaf    " : "parent  ");
		gs_buf_printf(out, "%-*s  %-*s  ", (int)l->width, shown,
			      (int)l->mwidth, pkg->module ? pkg->module : "-");
		put_specs(out, specs, none);
		gs_buf_putc(out, '\n');
	}
}

/* Each package's path as printed: here-relative and quoted, or as is. */
static void shown_paths(gs_strvec *out, gs_workspace *ctx, const struct listing *l, int full_name)
{
	int quote_high = cmd_quote_path_enabled(ctx->repo);
	gs_buf shown = GS_BUF_INIT, q = GS_BUF_INIT;
	size_t i;

	for (i = 0; i < ctx->pkgs.nr; i++) {
		gs_buf_clear(&shown);
		if (full_name)
			gs_buf_sets(&shown, ctx->pkgs.v[i].path);
		else
			cmd_path_for_user(&shown, ctx->repo, ctx->pkgs.v[i].path);
		if (!l->nul && !l->json) {
			gs_buf_clear(&q);
			cmd_quote_path(&q, shown.ptr, quote_high);
			gs_buf_set(&shown, q.ptr, q.size);
		}
		gs_strvec_push(out, shown.ptr);
	}
	gs_buf_release(&shown);
	gs_buf_release(&q);
}

int cmd_packages(int argc, const char **argv)
{
	int full_name = 0, error = 0, first = 1;
	struct listing l = { 0, 0, 0, 0, 0 };
	struct cmd_option opts[] = {
		CMD_OPT_BOOL_(0, "all", &l.all, "list every package, marking leaves"),
		CMD_OPT_BOOL_(0, "json", &l.json, "print JSON"),
		CMD_OPT_BOOL_('z', NULL, &l.nul, "NUL-terminated records, paths verbatim"),
		CMD_OPT_BOOL_(0, "full-name", &full_name, "paths relative to the top, not here"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "no warnings"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_buf out = GS_BUF_INIT;
	gs_strvec paths = GS_STRVEC_INIT;
	unsigned char *needs = NULL;
	size_t i;

	argc = cmd_parse_options(argc, argv, opts, packages_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (argc > 0)
		return cmd_usage_error(opts, packages_usage, "unexpected argument '%s'", argv[0]);
	if (l.json && l.nul)
		return cmd_usage_error(opts, packages_usage, "--json and -z are mutually exclusive");
	cmd_json = l.json;

	if ((error = cmd_ctx_open_worktree(&ctx)) < 0)
		goto done;
	needs = gs_xcalloc(ctx.pkgs.nr ? ctx.pkgs.nr : 1, 1);
	for (i = 0; i < ctx.pkgs.nr; i++)
		needs[i] = (unsigned char)gs_package_needs_spec(ctx.src, &ctx.pkgs, &ctx.pkgs.v[i]);
	shown_paths(&paths, &ctx, &l, full_name);
	for (i = 0; i < ctx.pkgs.nr; i++) {
		size_t n = strlen(paths.v[i]);
		size_t m = ctx.pkgs.v[i].module ? strlen(ctx.pkgs.v[i].module) : 1;

		if (!l.all && !needs[i])
			continue;
		if (n > l.width)
			l.width = n;
		if (m > l.mwidth)
			l.mwidth = m;
	}
	if (l.json)
		gs_buf_putc(&out, '[');
	for (i = 0; i < ctx.pkgs.nr; i++) {
		gs_strvec specs = GS_STRVEC_INIT;

		if (!l.all && !needs[i])
			continue;
		gs_workspace_specs_covering(&specs, &ctx, ctx.pkgs.v[i].path);
		if (l.json)
			gs_buf_puts(&out, first ? "\n  " : ",\n  ");
		put_package(&out, &l, &ctx.pkgs.v[i], paths.v[i], needs[i], &specs);
		first = 0;
		gs_strvec_clear(&specs);
	}
	if (l.json)
		gs_buf_puts(&out, first ? "]\n" : "\n]\n");
	error = cmd_write_stdout(&out);

done:
	gs_buf_release(&out);
	gs_strvec_clear(&paths);
	free(needs);
	gs_workspace_release(&ctx);
	return cmd_report(error);
}
