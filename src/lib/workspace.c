/*
 * The workspace: repository, source, configuration, cache, packages,
 * registry and engine, set up in one place for every user of the engine.
 */
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "gitspec/workspace.h"
#include "gitspec/common.h"
#include "gitspec/fsutil.h"
#include "gitspec/repo.h"

void gs_workspace_init(gs_workspace *ws)
{
	static const gs_package_list empty = GS_PACKAGE_LIST_INIT;

	memset(ws, 0, sizeof(*ws));
	ws->kind = GS_WORKSPACE_WORKTREE;
	ws->pkgs = empty;
	ws->owns_src = 1;
}

static int set_index_path(gs_workspace *ws)
{
	gs_buf index_path = GS_BUF_INIT;
	int error;

	/* The index git would use, resolved as git resolves GIT_INDEX_FILE. */
	if ((error = gs_repo_index_path(&index_path, ws->repo)) < 0) {
		gs_buf_release(&index_path);
		return error;
	}
	free(ws->index_path);
	ws->index_path = gs_buf_detach(&index_path, NULL);
	return 0;
}

int gs_workspace_open_repo(gs_workspace *ws)
{
	int error;

	if ((error = gs_repo_open(&ws->repo)) < 0)
		return error;
	ws->owns_repo = 1;
	ws->workdir = git_repository_workdir(ws->repo);
	if ((error = set_index_path(ws)) < 0)
		return error;
	/* The cache is an optimisation: without one, everything still works. */
	if (gs_cache_open(&ws->cache, ws->repo) < 0) {
		ws->cache = NULL;
		gs_error_clear();
	}
	return 0;
}

int gs_workspace_attach(gs_workspace *ws, git_repository *repo, gs_cache *cache)
{
	ws->repo = repo;
	ws->cache = cache;
	ws->owns_repo = 0;
	ws->workdir = git_repository_workdir(repo);
	return set_index_path(ws);
}

int gs_workspace_share(gs_workspace *ws, const gs_workspace *other)
{
	return gs_workspace_attach(ws, other->repo, other->cache);
}

int gs_workspace_need_worktree(const gs_workspace *ws)
{
	if (!ws->workdir)
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

static int load_config(gs_workspace *ws)
{
	if (ws->cfg_loaded)
		return 0;
	gs_config_init(&ws->cfg);
	ws->cfg_loaded = 1;
	return gs_config_load(&ws->cfg, ws->repo, ws->src);
}

/*
 * .gitspec.yaml lives at the top, which no ignore pattern hides: read it
 * from a scan with the default ignore list, and scan again only when the
 * configuration changes it.
 */
static int open_worktree(gs_workspace *ws)
{
	gs_config defaults;
	int error;

	if ((error = gs_workspace_need_worktree(ws)) < 0)
		return error;
	gs_config_init(&defaults);
	error = gs_source_open_worktree_cached(&ws->src, ws->repo, &defaults.ignore, ws->cache);
	if (!error)
		error = load_config(ws);
	if (!error && !same_strvec(&defaults.ignore, &ws->cfg.ignore)) {
		gs_source_free(ws->src);
		ws->src = NULL;
		error = gs_source_open_worktree_cached(&ws->src, ws->repo, &ws->cfg.ignore, ws->cache);
	}
	gs_config_release(&defaults);
	if (!error)
		gs_source_set_cache(ws->src, ws->cache);
	return error;
}

int gs_workspace_open(gs_workspace *ws, gs_workspace_kind kind, const char *rev)
{
	int error = 0;

	gs_workspace_unload(ws);
	ws->kind = kind;
	switch (kind) {
	case GS_WORKSPACE_WORKTREE:
		return open_worktree(ws);
	case GS_WORKSPACE_INDEX:
		error = gs_source_open_index(&ws->src, ws->repo, rev ? rev : ws->index_path);
		break;
	case GS_WORKSPACE_REV:
		error = gs_source_open_tree(&ws->src, ws->repo, rev);
		break;
	}
	if (error < 0)
		return error;
	return load_config(ws);
}

int gs_workspace_open_tree(gs_workspace *ws, const git_tree *tree)
{
	int error;

	gs_workspace_unload(ws);
	ws->kind = GS_WORKSPACE_REV;
	if ((error = gs_source_open_git_tree(&ws->src, ws->repo, tree)) < 0)
		return error;
	return load_config(ws);
}

int gs_workspace_open_source(gs_workspace *ws, gs_source *src)
{
	gs_workspace_unload(ws);
	switch (gs_source_get_kind(src)) {
	case GS_SOURCE_WORKTREE:
		ws->kind = GS_WORKSPACE_WORKTREE;
		break;
	case GS_SOURCE_INDEX:
		ws->kind = GS_WORKSPACE_INDEX;
		break;
	default:
		ws->kind = GS_WORKSPACE_REV;
		break;
	}
	ws->src = src;
	ws->owns_src = 0;
	return load_config(ws);
}

static int need_source(const gs_workspace *ws)
{
	if (!ws->src || !ws->cfg_loaded)
		return gs_error_set(GS_ERROR, "no source is open in the workspace");
	return 0;
}

int gs_workspace_load_packages(gs_workspace *ws)
{
	int error;

	if (ws->pkgs_loaded)
		return 0;
	if ((error = need_source(ws)) < 0)
		return error;
	ws->pkgs_loaded = 1;
	return gs_packages_scan(&ws->pkgs, ws->src, &ws->cfg);
}

int gs_workspace_load_registry(gs_workspace *ws)
{
	int error;

	if (ws->reg)
		return 0;
	if ((error = need_source(ws)) < 0)
		return error;
	return gs_registry_load(&ws->reg, ws->src, &ws->cfg, ws->cache);
}

int gs_workspace_load_engine(gs_workspace *ws)
{
	int error;

	if (ws->eng)
		return 0;
	if ((error = need_source(ws)) < 0)
		return error;
	return gs_engine_new(&ws->eng, &ws->cfg, ws->cache);
}

static int load_rest(gs_workspace *ws)
{
	int error;

	if ((error = gs_workspace_load_packages(ws)) < 0 ||
	    (error = gs_workspace_load_registry(ws)) < 0)
		return error;
	return gs_workspace_load_engine(ws);
}

int gs_workspace_load(gs_workspace *ws, gs_workspace_kind kind, const char *rev)
{
	int error;

	if ((error = gs_workspace_open(ws, kind, rev)) < 0)
		return error;
	return load_rest(ws);
}

int gs_workspace_load_tree(gs_workspace *ws, const git_tree *tree)
{
	int error;

	if ((error = gs_workspace_open_tree(ws, tree)) < 0)
		return error;
	return load_rest(ws);
}

void gs_workspace_unload(gs_workspace *ws)
{
	gs_engine_free(ws->eng);
	ws->eng = NULL;
	gs_registry_free(ws->reg);
	ws->reg = NULL;
	gs_package_list_clear(&ws->pkgs);
	ws->pkgs_loaded = 0;
	if (ws->cfg_loaded)
		gs_config_release(&ws->cfg);
	ws->cfg_loaded = 0;
	if (ws->owns_src)
		gs_source_free(ws->src);
	ws->src = NULL;
	ws->owns_src = 1;
}

void gs_workspace_release(gs_workspace *ws)
{
	gs_workspace_unload(ws);
	if (ws->owns_repo) {
		gs_cache_free(ws->cache);
		git_repository_free(ws->repo);
	}
	ws->cache = NULL;
	ws->repo = NULL;
	ws->workdir = NULL;
	ws->owns_repo = 0;
	free(ws->index_path);
	ws->index_path = NULL;
}

/* ---- questions about the loaded workspace ------------------------------ */

const gs_package *gs_workspace_package_for_path(const gs_workspace *ws, const char *path)
{
	const gs_package *pkg = gs_packages_find(&ws->pkgs, path);

	return pkg ? pkg : gs_packages_for_file(&ws->pkgs, path);
}

static int covers(const gs_spec_source *s, const char *pkg)
{
	size_t n = strlen(s->identifier);

	if (!strcmp(s->identifier, pkg))
		return 1;
	return s->rollup && !strncmp(s->identifier, pkg, n) && pkg[n] == '/';
}

void gs_workspace_specs_covering(gs_strvec *out, const gs_workspace *ws, const char *pkg)
{
	size_t i, j;

	for (i = 0; ws->reg && i < ws->reg->specs_nr; i++) {
		const gs_spec *spec = ws->reg->specs[i];

		for (j = 0; j < spec->sources_nr; j++)
			if (covers(&spec->sources[j], pkg))
				gs_strvec_push(out, spec->id);
	}
	gs_strvec_sort_uniq(out);
}

char *gs_workspace_source_module(const gs_workspace *ws, const gs_spec_source *s)
{
	if (s->module && *s->module)
		return gs_xstrdup(s->module);
	return gs_module_name(&ws->pkgs, &ws->cfg, s->identifier);
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

int gs_workspace_relpath(gs_buf *out, const gs_workspace *ws, const char *user_path)
{
	int error;

	if (git_repository_is_bare(ws->repo))
		return bare_relpath(out, user_path);
	error = gs_repo_relpath(out, ws->repo, user_path);

	/* A path outside the work tree names nothing git-spec can act on. */
	if (error == GS_EUSAGE)
		return gs_error_set(GS_EINPUT, "'%s' is outside the repository", user_path);
	if (error < 0)
		return error;
	while (out->size > 0 && out->ptr[out->size - 1] == '/')
		gs_buf_setlen(out, out->size - 1);
	return 0;
}

/* ---- contract-path safety ---------------------------------------------- */

gs_path_unsafe gs_workspace_contract_path_check(const gs_workspace *ws, const char *repo_path,
						int disk)
{
	const gs_source_entry *e;

	if (!repo_path || gs_path_check_safe(repo_path) < 0) {
		gs_error_clear();
		return GS_PATH_UNSAFE;
	}
	e = ws->src ? gs_source_lookup(ws->src, repo_path) : NULL;
	if (e && e->mode == GS_MODE_LINK)
		return GS_PATH_IS_LINK;
	if (e && !GS_MODE_IS_REGULAR(e->mode))
		return GS_PATH_NOT_REGULAR;
	if (ws->src && gs_source_path_crosses_link(ws->src, repo_path))
		return GS_PATH_CROSSES_LINK;
	/*
	 * A work-tree source has just looked at the disk (its walk, and the
	 * lstat()s of gs_source_path_crosses_link, remembered per directory):
	 * asking again per contract cost four stats a path in a sync.
	 */
	if (disk && ws->workdir && (!ws->src || gs_source_get_kind(ws->src) != GS_SOURCE_WORKTREE) &&
	    gs_path_has_symlink(ws->workdir, repo_path) > 0)
		return GS_PATH_CROSSES_DISK_LINK;
	return GS_PATH_SAFE;
}

int gs_path_unsafe_is_link(gs_path_unsafe why)
{
	return why == GS_PATH_IS_LINK || why == GS_PATH_CROSSES_LINK ||
	       why == GS_PATH_CROSSES_DISK_LINK;
}

static const char *unsafe_words(gs_path_unsafe why)
{
	switch (why) {
	case GS_PATH_IS_LINK: return "is a symbolic link";
	case GS_PATH_NOT_REGULAR: return "is not a regular file";
	case GS_PATH_CROSSES_LINK: return "passes through a symbolic link";
	case GS_PATH_CROSSES_DISK_LINK: return "passes through a symbolic link in the work tree";
	default: return "is unsafe";
	}
}

void gs_path_unsafe_describe(gs_buf *out, const gs_spec *spec, const gs_spec_variant *v,
			     gs_path_unsafe why)
{
	if (why == GS_PATH_UNSAFE)
		gs_buf_printf(out, "%s: contract path '%s' is unsafe", spec->path, v->path);
	else
		gs_buf_printf(out, "%s: contract path '%s' %s; refusing to write it",
			      spec->path, v->repo_path, unsafe_words(why));
}

static int link_reported(const gs_registry_problems *reported, const char *spec_path)
{
	size_t i;

	for (i = 0; reported && i < reported->nr; i++)
		if (reported->v[i].kind == GS_REGISTRY_LINK &&
		    !strcmp(reported->v[i].spec_path, spec_path))
			return 1;
	return 0;
}

size_t gs_workspace_unsafe_contracts(gs_registry_problems *problems, const gs_workspace *ws,
				     const gs_strvec *packages, int disk,
				     const gs_registry_problems *reported)
{
	size_t i, j, k, nr = 0;

	for (i = 0; ws->reg && i < ws->reg->specs_nr; i++) {
		const gs_spec *spec = ws->reg->specs[i];

		for (j = 0; j < spec->sources_nr; j++) {
			const gs_spec_source *s = &spec->sources[j];

			if (packages && !gs_strvec_contains(packages, s->identifier))
				continue;
			for (k = 0; k < s->variants_nr; k++) {
				const gs_spec_variant *v = &s->variants[k];
				gs_path_unsafe why = gs_workspace_contract_path_check(ws, v->repo_path, disk);
				gs_buf msg = GS_BUF_INIT;

				if (why == GS_PATH_SAFE)
					continue;
				nr++;
				if (gs_path_unsafe_is_link(why) && link_reported(reported, spec->path))
					continue;
				gs_path_unsafe_describe(&msg, spec, v, why);
				GS_ALLOC_GROW(problems->v, problems->nr + 1, problems->alloc);
				problems->v[problems->nr].kind = gs_path_unsafe_is_link(why) ?
					GS_REGISTRY_LINK : GS_REGISTRY_INVALID;
				problems->v[problems->nr].spec_path = gs_xstrdup(spec->path);
				problems->v[problems->nr].message = gs_buf_detach(&msg, NULL);
				problems->nr++;
			}
		}
	}
	return nr;
}
