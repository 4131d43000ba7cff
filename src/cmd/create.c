/*
 * git spec create PATH [--name N] [--force-parent]: a spec for one package
 * with its three contracts. Everything is computed and checked before the
 * first byte is written, so an error leaves the work tree untouched.
 * Staging is left to the user (a hint prints the `git add`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/fsutil.h"
#include "cmd.h"
#include "context.h"
#include "parse-options.h"

static const char *const create_usage[] = {
	"git spec create [--name <name>] [--force-parent] <package>",
	NULL
};

/*
 * Today as YYYY-MM-DD in UTC; SOURCE_DATE_EPOCH (the reproducible-builds
 * convention) fixes it, for tests and reproducible examples.
 */
static void today(char *out, size_t len)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	time_t now = time(NULL);
	struct tm tm;

	if (env && *env) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(env, &end, 10);
		if (!errno && !*end && v >= 0)
			now = (time_t)v;
	}
	gmtime_r(&now, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

/* The direct child packages of `pkg`, for the "not a leaf" message. */
static void child_packages(gs_buf *out, const gs_package_list *pkgs, const gs_package *pkg)
{
	size_t i, n = strlen(pkg->path), shown = 0;

	for (i = 0; i < pkgs->nr; i++) {
		const char *p = pkgs->v[i].path;
		const gs_package *parent;

		if (strncmp(p, pkg->path, n) || p[n] != '/')
			continue;
		parent = gs_packages_for_file(pkgs, p);
		if (parent != pkg)
			continue;
		if (shown++ == 5) {
			gs_buf_puts(out, ", ...");
			break;
		}
		gs_buf_printf(out, "%s%s", shown > 1 ? ", " : "", p + n + 1);
	}
}

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

int cmd_create(int argc, const char **argv)
{
	int force_parent = 0, error = 0;
	const char *name = NULL;
	struct cmd_option opts[] = {
		CMD_OPT_STRING_(0, "name", &name, "name", "the spec's name"),
		CMD_OPT_BOOL_(0, "force-parent", &force_parent,
			      "allow a non-leaf package (its own files only)"),
		CMD_OPT_BOOL_('q', "quiet", &cmd_quiet, "print nothing on success"),
		CMD_OPT_END_()
	};
	struct cmd_ctx ctx;
	gs_buf rel = GS_BUF_INIT, text = GS_BUF_INIT, spec_path = GS_BUF_INIT, msg = GS_BUF_INIT;
	gs_buf contracts[GS_VARIANT_COUNT];
	const gs_package *pkg;
	gs_registry_entry e;
	gs_spec *spec = NULL;
	char *id = NULL;
	char date[32];
	size_t i, j;

	for (i = 0; i < GS_VARIANT_COUNT; i++)
		gs_buf_init(&contracts[i], 0);

	argc = cmd_parse_options(argc, argv, opts, create_usage);
	if (argc < 0)
		return cmd_parse_options_status(argc);
	if (argc != 1)
		return cmd_usage_error(opts, create_usage, argc ? "too many arguments"
				       : "the path of a package is required");

	cmd_ctx_init(&ctx);
	if ((error = cmd_ctx_open_repo(&ctx)) < 0 ||
	    (error = cmd_ctx_relpath(&rel, &ctx, argv[0])) < 0)
		goto done;
	/* A spec is YAML, which is UTF-8: it cannot name this package. */
	if (!utf8_valid(rel.ptr)) {
		gs_buf shown = GS_BUF_INIT;

		escape_bytes(&shown, rel.ptr);
		error = gs_error_set(GS_EINPUT, "'%s': the package path is not valid UTF-8, which a "
				     "spec (YAML) cannot name", shown.ptr);
		cmd_set_hint("rename the package directory to a UTF-8 name");
		gs_buf_release(&shown);
		goto done;
	}
	if ((error = cmd_ctx_load(&ctx, CMD_SOURCE_WORKTREE, NULL)) < 0)
		goto done;

	/* Without a complete registry, "already covered" cannot be answered. */
	if (cmd_ctx_report_spec_errors(&ctx, "error")) {
		error = gs_error_set(GS_EINPUT, "cannot create a spec while a spec does not parse");
		cmd_set_hint("fix the spec files named above, then run 'git spec validate'");
		goto done;
	}

	pkg = gs_packages_find(&ctx.pkgs, rel.ptr);
	if (!pkg) {
		const gs_package *near = cmd_ctx_package_for_path(&ctx, rel.ptr);

		if (!near)
			near = gs_packages_nearest(&ctx.pkgs, rel.ptr);
		error = gs_error_set(GS_EINPUT, "'%s' is not a Python package (no __init__.py)",
				     rel.size ? rel.ptr : ".");
		if (near)
			cmd_set_hint("did you mean the package at '%s'?", near->path);
		else
			cmd_set_hint("'git spec packages' lists the packages");
		goto done;
	}
	if (!gs_registry_find_package(&e, ctx.reg, pkg->path)) {
		error = gs_error_set(GS_ECHECK, "%s already covers '%s'", e.spec->id, pkg->path);
		cmd_set_hint("see 'git spec show %s'", e.spec->id);
		goto done;
	}
	gs_error_clear();
	if (!pkg->leaf && !force_parent) {
		child_packages(&msg, &ctx.pkgs, pkg);
		error = gs_error_set(GS_ECHECK, "'%s' is not a leaf package (it contains %s)",
				     pkg->path, msg.ptr);
		cmd_set_hint("use --force-parent to cover its own files only");
		goto done;
	}

	id = gs_registry_next_id(ctx.reg);
	today(date, sizeof(date));
	gs_spec_format(&text, id, pkg->path, pkg->module, name, date);
	gs_buf_printf(&spec_path, "%s/%s/%s.md", ctx.cfg.specs_dir, id, id);
	if ((error = gs_path_check_safe(spec_path.ptr)) < 0)
		goto done;
	if ((error = gs_spec_parse(&spec, spec_path.ptr, text.ptr, text.size)) < 0)
		goto done;
	if (gs_path_has_symlink(ctx.workdir, spec_path.ptr) > 0) {
		error = gs_error_set(GS_EINPUT, "'%s' would be written through a symbolic link; refusing",
				     spec_path.ptr);
		cmd_set_hint("the specs directory '%s' must be a plain directory of the repository",
			     ctx.cfg.specs_dir);
		goto done;
	}
	if (gs_source_lookup(ctx.src, spec_path.ptr)) {
		error = gs_error_set(GS_EINPUT, "'%s' already exists", spec_path.ptr);
		goto done;
	}

	/* Derive every contract and check every target before writing anything. */
	for (i = 0; i < spec->sources_nr; i++) {
		const gs_spec_source *s = &spec->sources[i];

		for (j = 0; j < s->variants_nr && j < GS_VARIANT_COUNT; j++) {
			const gs_spec_variant *v = &s->variants[j];

			if (!v->repo_path || gs_path_check_safe(v->repo_path) < 0) {
				error = gs_error_set(GS_EINPUT, "unsafe contract path '%s'", v->path);
				goto done;
			}
			if (gs_path_has_symlink(ctx.workdir, v->repo_path) > 0 ||
			    gs_source_path_crosses_link(ctx.src, v->repo_path)) {
				error = gs_error_set(GS_EINPUT, "contract path '%s' passes through a symbolic link; refusing to write it",
						     v->repo_path);
				cmd_set_hint("remove the link, or move the specs directory '%s'",
					     ctx.cfg.specs_dir);
				goto done;
			}
			if ((error = gs_engine_contract(&contracts[j], ctx.eng, ctx.src, &ctx.pkgs,
							pkg, pkg->module, 0, v->variant,
							GS_FORMAT_MARKDOWN)) < 0)
				goto done;
		}
	}

	if ((error = gs_write_file_atomic(ctx.workdir, spec_path.ptr, text.ptr, text.size, 0666)) < 0)
		goto done;
	for (i = 0; i < spec->sources_nr; i++) {
		const gs_spec_source *s = &spec->sources[i];

		for (j = 0; j < s->variants_nr && j < GS_VARIANT_COUNT; j++)
			if ((error = gs_write_file_atomic(ctx.workdir, s->variants[j].repo_path,
							  contracts[j].ptr, contracts[j].size, 0666)) < 0)
				goto done;
	}
	if (!cmd_quiet) {
		printf("created %s for '%s': %s\n", id, pkg->path, spec_path.ptr);
		for (i = 0; i < spec->sources_nr; i++)
			for (j = 0; j < spec->sources[i].variants_nr; j++)
				printf("  %-7s %s\n", gs_variant_name(spec->sources[i].variants[j].variant),
				       spec->sources[i].variants[j].repo_path);
		fflush(stdout);
		cmd_path_for_user(&rel, ctx.repo, spec->dir);
		cmd_hint("stage them with 'git add %s'", rel.ptr);
	}

done:
	for (i = 0; i < GS_VARIANT_COUNT; i++)
		gs_buf_release(&contracts[i]);
	gs_spec_free(spec);
	free(id);
	gs_buf_release(&rel);
	gs_buf_release(&text);
	gs_buf_release(&spec_path);
	gs_buf_release(&msg);
	cmd_ctx_release(&ctx);
	return cmd_report(error);
}
