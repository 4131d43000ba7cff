/*
 * git spec create [--name N] [--force-parent] PATH... | --all: a spec for
 * each package with its three contracts, under ids that no local or
 * remote-tracking branch uses (specid.h). Everything is computed and
 * checked before the first byte is written, and a failed write removes
 * what the run wrote, so an error leaves the work tree untouched. Staging
 * is left to the user (a hint prints the `git add`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/coverage.h"
#include "gitspec/create.h"
#include "gitspec/specid.h"
#include "gitspec/check.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const create_usage[] = {
	"git spec create [--name <name>] [--force-parent] [--json] <package>...",
	"git spec create [--json] --all",
	NULL
};

/* Whether `s` is well-formed UTF-8 (no overlong forms, no surrogates). */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p, n, i, cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* `s` with bytes past ASCII as \xNN, for a message. */
static void escape_bytes(gs_buf *out, const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s >= 0x80 || (unsigned char)*s < 0x20)
			gs_buf_printf(out, "\\x%02X", (unsigned char)*s);
		else
			gs_buf_putc(out, *s);
	}
}

/*
 * The configuration (.gitspec.yaml, a pyproject.toml) could not be read:
 * --json calls that "config", as validate, sync and check do.
 */
static int config_failed;

/* The problem code of a refusal in --json's "errors". */
static const char *refusal_code(gs_draft_refusal refusal)
{
	switch (refusal) {
	case GS_DRAFT_NOT_PACKAGE: return "not-a-package";
	case GS_DRAFT_COVERED: return "covered";
	case GS_DRAFT_NOT_LEAF: return "not-leaf";
	case GS_DRAFT_SPEC_LINK:
	case GS_DRAFT_CONTRACT_LINK: return gs_problem_name(GS_PROBLEM_REGISTRY_LINK);
	case GS_DRAFT_EXISTS: return "exists";
	case GS_DRAFT_UNSAFE: return gs_problem_name(GS_PROBLEM_UNSAFE_PATH);
	default: return gs_problem_name(GS_PROBLEM_ARGUMENT);
	}
}

/* The advice for a refused draft. */
static void refusal_hint(const gs_spec_draft *d, const gs_workspace *ctx)
{
	switch (d->refusal) {
	case GS_DRAFT_NOT_PACKAGE:
		if (d->near)
			cmd_set_hint("did you mean the package at '%s'?", d->near->path);
		else
			cmd_set_hint("'git spec packages' lists the packages");
		break;
	case GS_DRAFT_COVERED:
		cmd_set_hint("see 'git spec show %s'", d->covering->id);
		break;
	case GS_DRAFT_NOT_LEAF:
		cmd_set_hint("use --force-parent to cover its own files only");
		break;
	case GS_DRAFT_SPEC_LINK:
		cmd_set_hint("the specs directory '%s' must be a plain directory of the repository",
			     ctx->cfg.specs_dir);
		break;
	case GS_DRAFT_CONTRACT_LINK:
		cmd_set_hint("remove the link, or move the specs directory '%s'",
			     ctx->cfg.specs_dir);
		break;
	default:
		break;
	}
}

/*
 * The package paths to create specs for: the arguments (repository
 * relative, each once, in the order given), or every uncovered package.
 */
static int targets(gs_strvec *out, gs_workspace *ctx, int argc, const char **argv, int all)
{
	gs_buf rel = GS_BUF_INIT;
	int i, error = 0;

	for (i = 0; i < argc && !error; i++) {
		gs_buf_clear(&rel);
		if ((error = gs_workspace_relpath(&rel, ctx, argv[i])) < 0)
			break;
		while (rel.size && rel.ptr[rel.size - 1] == '/')
			gs_buf_setlen(&rel, rel.size - 1);
		/* A spec is YAML, which is UTF-8: it cannot name this package. */
		if (!utf8_valid(rel.ptr)) {
			gs_buf shown = GS_BUF_INIT;

			escape_bytes(&shown, rel.ptr);
			error = gs_error_set(GS_EINPUT, "'%s': the package path is not valid UTF-8, "
					     "which a spec (YAML) cannot name", shown.ptr);
			cmd_set_hint("rename the package directory to a UTF-8 name");
			gs_buf_release(&shown);
			break;
		}
		if (!gs_strvec_contains(out, rel.ptr))
			gs_strvec_push(out, rel.ptr);
	}
	gs_buf_release(&rel);
	if (error || !all)
		return error;
	if ((error = gs_workspace_load(ctx, GS_WORKSPACE_WORKTREE, NULL)) < 0) {
		config_failed = 1;
		return error;
	}
	gs_coverage_uncovered(out, ctx->src, &ctx->pkgs, ctx->reg, NULL);
	return 0;
}

/* Draft every target under ids that no branch uses; nothing is written. */
static int draft_all(gs_spec_draft **drafts, gs_workspace *ctx, const gs_strvec *paths,
		     const char *name, int force_parent)
{
	gs_strvec taken = GS_STRVEC_INIT;
	unsigned long last = 0;
	size_t i;
	int error;

	if ((error = gs_spec_ids_on_branches(&taken, ctx->repo, ctx->cfg.specs_dir)) < 0)
		goto done;
	for (i = 0; i < paths->nr; i++) {
		char *id = gs_spec_next_free_id(ctx->reg, &taken, last);

		last = gs_spec_id_number(id);
		drafts[i] = gs_xmalloc(sizeof(*drafts[i]));
		gs_spec_draft_init(drafts[i]);
		error = gs_spec_draft_make_as(drafts[i], ctx, paths->v[i], id, name, NULL,
					      force_parent);
		free(id);
		if (error < 0) {
			refusal_hint(drafts[i], ctx);
			goto done;
		}
	}
done:
	gs_strvec_clear(&taken);
	return error;
}

/*
 * --json: {"created": [{"id", "package", "path", "contracts": [{"variant",
 * "path"}]}], "errors": [PROBLEM...]}, paths top-relative. `drafts` holds
 * the `nr` specs created; when nothing was, the spec errors of `ws`, else
 * the refusal of `refused` or the last error about `pkg_path`.
 */
static void create_json(gs_buf *out, gs_spec_draft *const *drafts, size_t nr,
			const gs_workspace *ws, const gs_spec_draft *refused, const char *pkg_path)
{
	size_t i, j, k;

	gs_buf_puts(out, "{\"created\": [");
	for (k = 0; k < nr; k++) {
		const gs_spec_draft *d = drafts[k];

		gs_buf_puts(out, k ? ",\n    {\"id\": " : "\n    {\"id\": ");
		gs_buf_put_json_string(out, d->id);
		gs_buf_puts(out, ", \"package\": ");
		gs_buf_put_json_string(out, d->pkg->path);
		gs_buf_puts(out, ", \"path\": ");
		gs_buf_put_json_string(out, d->path.ptr);
		gs_buf_puts(out, ", \"contracts\": [");
		for (i = 0; i < d->spec->sources_nr; i++)
			for (j = 0; j < d->spec->sources[i].variants_nr; j++) {
				const gs_spec_variant *v = &d->spec->sources[i].variants[j];

				gs_buf_puts(out, i || j ? ", {\"variant\": " : "{\"variant\": ");
				gs_buf_put_json_string(out, gs_variant_name(v->variant));
				gs_buf_puts(out, ", \"path\": ");
				cmd_json_string_or_null(out, v->repo_path);
				gs_buf_putc(out, '}');
			}
		gs_buf_puts(out, "]}");
	}
	if (nr) {
		gs_buf_puts(out, "\n  ], \"errors\": []}\n");
		return;
	}
	gs_buf_puts(out, "], \"errors\": [");
	if (ws->reg && ws->reg->errors.nr) {
		for (i = 0; i < ws->reg->errors.nr; i++) {
			gs_buf_puts(out, i ? ",\n    " : "\n    ");
			gs_problem_json(out, ws->reg->error_paths.v[i],
					ws->reg->error_places[i].line, ws->reg->error_places[i].column,
					gs_problem_name(GS_PROBLEM_SPEC), ws->reg->errors.v[i]);
		}
	} else if (refused && refused->refusal != GS_DRAFT_OK) {
		gs_buf_puts(out, "\n    ");
		gs_problem_json(out, pkg_path, 0, 0, refusal_code(refused->refusal), gs_error_last());
	} else {
		unsigned line = 0, column = 0;
		const char *path = gs_error_last_path(&line, &column);

		gs_buf_puts(out, "\n    ");
		gs_problem_json(out, *path ? path : pkg_path, line, column,
				gs_problem_name(config_failed ? GS_PROBLEM_CONFIG : GS_PROBLEM_ARGUMENT),
				gs_error_last());
	}
	gs_buf_puts(out, "\n  ]}\n");
}

static int print_created(gs_spec_draft *const *drafts, size_t nr, gs_workspace *ctx)
{
	gs_buf rel = GS_BUF_INIT, out = GS_BUF_INIT;
	size_t i, j, k;
	int error;

	for (k = 0; k < nr; k++) {
		const gs_spec_draft *d = drafts[k];

		gs_buf_printf(&out, "created %s for '%s': ", d->id, d->pkg->path);
		cmd_put_path(&out, ctx->repo, d->path.ptr);
		gs_buf_putc(&out, '\n');
		for (i = 0; i < d->spec->sources_nr; i++)
			for (j = 0; j < d->spec->sources[i].variants_nr; j++) {
				gs_buf_printf(&out, "  %-7s ",
					      gs_variant_name(d->spec->sources[i].variants[j].variant));
				cmd_put_path(&out, ctx->repo, d->spec->sources[i].variants[j].repo_path);
				gs_buf_putc(&out, '\n');
			}
	}
	error = cmd_write_stdout(&out);
	/* the hint runs where the user stands, whatever --full-name says */
	cmd_path_for_user(&rel, ctx->repo, nr == 1 ? drafts[0]->spec->dir : ctx->cfg.specs_dir);
	cmd_hint("stage them with 'git add %s'", rel.ptr);
	gs_buf_release(&rel);
	gs_buf_release(&out);
	return error;
}

/* Over 80 lines for its option table, its usage checks and its one exit path. */
int cmd_create(int argc, const char **argv)
{
	int force_parent = 0, all = 0, error = 0;
	const char *name = NULL;
	struct cmd_option opts[] = {
		CMD_OPT_STRING_(0, "name", &name, "name", "the spec's name"),
		CMD_OPT_BOOL_(0, "force-parent", &force_parent,
			      "allow a non-leaf package (its own files only)"),
		CMD_OPT_BOOL_(0, "all", &all, "every package that needs a spec and has none"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "print nothing on success"),
		CMD_OPT_BOOL_(0, "json", &cmd_json, "print what was created as JSON"),
		CMD_OPT_BOOL_(0, "full-name", &cmd_full_name, "paths relative to the top, not here"),
		CMD_OPT_END_()
	};
	gs_workspace ctx;
	gs_strvec paths = GS_STRVEC_INIT;
	gs_spec_draft **drafts = NULL;
	gs_buf out = GS_BUF_INIT;
	int answered = 0, status;
	size_t i, made = 0;

	argc = cmd_parse_options(argc, argv, opts, create_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (all && argc)
		return cmd_usage_error(opts, create_usage, "--all takes no path");
	if (!all && !argc)
		return cmd_usage_error(opts, create_usage, "the path of a package is required");
	if (name && (all || argc > 1))
		return cmd_usage_error(opts, create_usage, "--name names one spec: give one package");

	gs_workspace_init(&ctx);
	if ((error = gs_workspace_open_repo(&ctx)) < 0 ||
	    (error = targets(&paths, &ctx, argc, argv, all)) < 0)
		goto done;
	if (!ctx.reg && (error = gs_workspace_load(&ctx, GS_WORKSPACE_WORKTREE, NULL)) < 0) {
		config_failed = 1;
		goto done;
	}

	/* Without a complete registry, "already covered" cannot be answered. */
	if (cmd_ctx_report_spec_errors(&ctx, "error")) {
		error = gs_error_set(GS_EINPUT, "cannot create a spec while a spec does not parse");
		cmd_set_hint("fix the spec files named above, then run 'git spec validate'");
		goto done;
	}
	if (all && !paths.nr) {
		if (cmd_json) {
			create_json(&out, NULL, 0, &ctx, NULL, "");
			error = cmd_write_stdout(&out);
			answered = 1;
		} else if (!cmd_quiet) {
			printf("every package that needs a spec has one\n");
		}
		goto done;
	}
	drafts = gs_xcalloc(paths.nr, sizeof(*drafts));
	/* --all takes the parent packages it lists: their own files only. */
	if ((error = draft_all(drafts, &ctx, &paths, name, force_parent || all)) < 0 ||
	    (error = gs_spec_drafts_write(drafts, paths.nr, &ctx)) < 0)
		goto done;
	made = paths.nr;
	if (cmd_json) {
		create_json(&out, drafts, made, &ctx, NULL, NULL);
		error = cmd_write_stdout(&out);
		answered = 1;
	} else if (!cmd_quiet) {
		error = print_created(drafts, made, &ctx);
	}

done:
	status = gs_exit_status(error);
	if (cmd_json && !answered && (status == GS_EXIT_CHECK || status == GS_EXIT_INPUT)) {
		const gs_spec_draft *refused = NULL;
		const char *pkg_path = "";

		/* draft_all stops at the first refusal: the last draft made. */
		for (i = 0; drafts && i < paths.nr && drafts[i]; i++)
			refused = drafts[i], pkg_path = paths.v[i];
		if (!refused && paths.nr)
			pkg_path = paths.v[0];
		gs_buf_clear(&out);
		create_json(&out, NULL, 0, &ctx, refused, pkg_path);
		answered = !cmd_write_stdout(&out);
	}
	for (i = 0; drafts && i < paths.nr; i++) {
		if (drafts[i])
			gs_spec_draft_release(drafts[i]);
		free(drafts[i]);
	}
	free(drafts);
	gs_strvec_clear(&paths);
	gs_buf_release(&out);
	gs_workspace_release(&ctx);
	return cmd_json_report(error, answered);
}
