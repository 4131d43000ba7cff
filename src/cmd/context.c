#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/repo.h"
#include "gitspec/fsutil.h"
#include "cmd.h"
#include "context.h"

void cmd_ctx_init(struct cmd_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->kind = CMD_SOURCE_WORKTREE;
}

int cmd_ctx_open_repo(struct cmd_ctx *ctx)
{
	gs_buf index_path = GS_BUF_INIT;
	int error;

	if ((error = gs_repo_open(&ctx->repo)) < 0)
		return error;
	ctx->workdir = git_repository_workdir(ctx->repo);
	/* The index git would use, resolved as git resolves GIT_INDEX_FILE. */
	if ((error = gs_repo_index_path(&index_path, ctx->repo)) < 0)
		return error;
	ctx->index_path = gs_buf_detach(&index_path, NULL);
	/* The cache is an optimisation: without one, everything still works. */
	if (gs_cache_open(&ctx->cache, ctx->repo) < 0) {
		ctx->cache = NULL;
		gs_error_clear();
	}
	return 0;
}

int cmd_ctx_need_worktree(struct cmd_ctx *ctx)
{
	if (!ctx->workdir)
		return gs_error_set(GS_ERROR, "this operation must be run in a work tree");
	return 0;
}

static int same_strvec(const gs_strvec *a, const gs_strvec *b)
{
	size_t i;

	if (a->nr != b->nr)
		return 0;
	for (i = 0; i < a->nr; i++)
		if (strcmp(a->v[i], b->v[i]))
			return 0;
	return 1;
}

/* The configuration, packages, registry and engine of ctx->src. */
static int load_from_source(struct cmd_ctx *ctx)
{
	int error;

	if (!ctx->cfg_loaded) {
		gs_config_init(&ctx->cfg);
		ctx->cfg_loaded = 1;
		if ((error = gs_config_load(&ctx->cfg, ctx->repo, ctx->src)) < 0)
			return error;
	}
	if ((error = gs_packages_scan(&ctx->pkgs, ctx->src, &ctx->cfg)) < 0)
		return error;
	if ((error = gs_registry_load(&ctx->reg, ctx->src, &ctx->cfg, ctx->cache)) < 0)
		return error;
	return gs_engine_new(&ctx->eng, &ctx->cfg, ctx->cache);
}

int cmd_ctx_load(struct cmd_ctx *ctx, enum cmd_source_kind kind, const char *rev)
{
	int error = 0;

	ctx->kind = kind;
	switch (kind) {
	case CMD_SOURCE_WORKTREE: {
		gs_config defaults;

		if ((error = cmd_ctx_need_worktree(ctx)) < 0)
			return error;
		/*
		 * .gitspec.yaml lives at the top, which no ignore pattern
		 * hides: read it from a scan with the default ignore list,
		 * and scan again only when the configuration changes it.
		 */
		gs_config_init(&defaults);
		error = gs_source_open_worktree(&ctx->src, ctx->repo, &defaults.ignore);
		if (!error) {
			gs_config_init(&ctx->cfg);
			ctx->cfg_loaded = 1;
			error = gs_config_load(&ctx->cfg, ctx->repo, ctx->src);
		}
		if (!error && !same_strvec(&defaults.ignore, &ctx->cfg.ignore)) {
			gs_source_free(ctx->src);
			ctx->src = NULL;
			error = gs_source_open_worktree(&ctx->src, ctx->repo, &ctx->cfg.ignore);
		}
		gs_config_release(&defaults);
		if (!error)
			gs_source_set_cache(ctx->src, ctx->cache);
		break;
	}
	case CMD_SOURCE_INDEX:
		error = gs_source_open_index(&ctx->src, ctx->repo, rev ? rev : ctx->index_path);
		break;
	case CMD_SOURCE_REV:
		error = gs_source_open_tree(&ctx->src, ctx->repo, rev);
		break;
	}
	if (error < 0)
		return error;
	return load_from_source(ctx);
}

int cmd_ctx_load_tree(struct cmd_ctx *ctx, const git_tree *tree)
{
	int error;

	ctx->kind = CMD_SOURCE_REV;
	if ((error = gs_source_open_git_tree(&ctx->src, ctx->repo, tree)) < 0)
		return error;
	return load_from_source(ctx);
}

void cmd_ctx_unload(struct cmd_ctx *ctx)
{
	gs_engine_free(ctx->eng);
	ctx->eng = NULL;
	gs_registry_free(ctx->reg);
	ctx->reg = NULL;
	gs_package_list_clear(&ctx->pkgs);
	if (ctx->cfg_loaded)
		gs_config_release(&ctx->cfg);
	ctx->cfg_loaded = 0;
	gs_source_free(ctx->src);
	ctx->src = NULL;
}

void cmd_ctx_release(struct cmd_ctx *ctx)
{
	cmd_ctx_unload(ctx);
	gs_cache_free(ctx->cache);
	ctx->cache = NULL;
	free(ctx->index_path);
	ctx->index_path = NULL;
	git_repository_free(ctx->repo);
	ctx->repo = NULL;
}

size_t cmd_ctx_report_spec_errors(struct cmd_ctx *ctx, const char *prefix)
{
	size_t i;

	if (!ctx->reg)
		return 0;
	for (i = 0; i < ctx->reg->errors.nr; i++)
		fprintf(stderr, "%s: %s\n", prefix, ctx->reg->errors.v[i]);
	return ctx->reg->errors.nr;
}

static int covers(const gs_spec_source *s, const char *pkg)
{
	size_t n = strlen(s->identifier);

	if (!strcmp(s->identifier, pkg))
		return 1;
	return s->rollup && !strncmp(s->identifier, pkg, n) && pkg[n] == '/';
}

void cmd_ctx_specs_covering(gs_strvec *out, const struct cmd_ctx *ctx, const char *pkg)
{
	size_t i, j;

	for (i = 0; ctx->reg && i < ctx->reg->specs_nr; i++) {
		const gs_spec *spec = ctx->reg->specs[i];

		for (j = 0; j < spec->sources_nr; j++)
			if (covers(&spec->sources[j], pkg))
				gs_strvec_push(out, spec->id);
	}
	gs_strvec_sort_uniq(out);
}

char *cmd_ctx_source_module(const struct cmd_ctx *ctx, const gs_spec_source *s)
{
	if (s->module && *s->module)
		return gs_xstrdup(s->module);
	return gs_module_name(&ctx->pkgs, &ctx->cfg, s->identifier);
}

size_t cmd_ctx_unsafe_contracts(gs_strvec *problems, struct cmd_ctx *ctx,
				const gs_strvec *packages, int disk)
{
	size_t i, j, k, nr = 0;

	for (i = 0; ctx->reg && i < ctx->reg->specs_nr; i++) {
		const gs_spec *spec = ctx->reg->specs[i];

		for (j = 0; j < spec->sources_nr; j++) {
			const gs_spec_source *s = &spec->sources[j];

			if (packages && !gs_strvec_contains(packages, s->identifier))
				continue;
			for (k = 0; k < s->variants_nr; k++) {
				const gs_spec_variant *v = &s->variants[k];
				const gs_source_entry *e;
				const char *why = NULL;

				if (!v->repo_path) {
					gs_strvec_pushf(problems, "%s: contract path '%s' is unsafe",
							spec->path, v->path);
					nr++;
					continue;
				}
				e = gs_source_lookup(ctx->src, v->repo_path);
				if (e && e->mode == GS_MODE_LINK)
					why = "is a symbolic link";
				else if (e && !GS_MODE_IS_REGULAR(e->mode))
					why = "is not a regular file";
				else if (gs_source_path_crosses_link(ctx->src, v->repo_path))
					why = "passes through a symbolic link";
				else if (disk && ctx->workdir &&
					 gs_path_has_symlink(ctx->workdir, v->repo_path) > 0)
					why = "passes through a symbolic link in the work tree";
				if (why) {
					gs_strvec_pushf(problems, "%s: contract path '%s' %s; refusing to write it",
							spec->path, v->repo_path, why);
					nr++;
				}
			}
		}
	}
	return nr;
}

/*
 * A bare repository has no work tree to be relative to: as `git ls-tree HEAD
 * PATH` there, a path is taken from the top of the repository ("./" and
 * trailing slashes dropped); an absolute path or ".." names nothing in it.
 */
static int bare_relpath(gs_buf *out, const char *user_path)
{
	const char *p = user_path, *c;

	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (!strcmp(p, "."))
		p = "";
	for (c = p; *c; c = strchr(c, '/') ? strchr(c, '/') + 1 : c + strlen(c))
		if (!strncmp(c, "..", 2) && (c[2] == '/' || !c[2]))
			return gs_error_set(GS_EINPUT, "'%s' is outside the repository", user_path);
	if (*user_path == '/')
		return gs_error_set(GS_EINPUT, "'%s' is outside the repository (a bare repository "
				    "takes paths from its top)", user_path);
	gs_buf_sets(out, p);
	while (out->size > 0 && out->ptr[out->size - 1] == '/')
		gs_buf_setlen(out, out->size - 1);
	return 0;
}

int cmd_ctx_relpath(gs_buf *out, struct cmd_ctx *ctx, const char *user_path)
{
	int error;

	if (git_repository_is_bare(ctx->repo))
		return bare_relpath(out, user_path);
	error = gs_repo_relpath(out, ctx->repo, user_path);

	/* A path outside the work tree names nothing git-spec can act on. */
	if (error == GS_EUSAGE)
		return gs_error_set(GS_EINPUT, "'%s' is outside the repository", user_path);
	if (error < 0)
		return error;
	while (out->size > 0 && out->ptr[out->size - 1] == '/')
		gs_buf_setlen(out, out->size - 1);
	return 0;
}

void cmd_hint(const char *fmt, ...)
{
	va_list ap;

	if (cmd_quiet)
		return;
	fputs("hint: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const gs_package *cmd_ctx_package_for_path(const struct cmd_ctx *ctx, const char *path)
{
	const gs_package *pkg = gs_packages_find(&ctx->pkgs, path);

	return pkg ? pkg : gs_packages_for_file(&ctx->pkgs, path);
}

static void push_spec_sources(gs_strvec *out, const gs_spec *spec)
{
	size_t i;

	for (i = 0; i < spec->sources_nr; i++)
		gs_strvec_push(out, spec->sources[i].identifier);
}

int cmd_ctx_resolve_targets(gs_strvec *out, struct cmd_ctx *ctx, int argc, const char **argv)
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
		if ((error = cmd_ctx_relpath(&rel, ctx, argv[i])) < 0)
			goto done;
		for (j = 0; j < ctx->reg->specs_nr && !spec; j++)
			if (!strcmp(ctx->reg->specs[j]->path, rel.ptr) ||
			    !strcmp(ctx->reg->specs[j]->dir, rel.ptr))
				spec = ctx->reg->specs[j];
		if (spec) {
			push_spec_sources(out, spec);
			continue;
		}
		pkg = cmd_ctx_package_for_path(ctx, rel.ptr);
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

int cmd_ctx_problem_reported(const gs_strvec *problems, const char *unsafe)
{
	const char *sep = strstr(unsafe, ": ");
	size_t n = sep ? (size_t)(sep - unsafe) + 2 : 0, i;

	for (i = 0; n && i < problems->nr; i++)
		if (!strncmp(problems->v[i], unsafe, n) && strstr(problems->v[i], "link"))
			return 1;
	return 0;
}
