/*
 * The checks of git-spec-hook: which packages a change touches, and
 * whether their staged (or committed) contracts are what git-spec derives
 * from the staged (or committed) sources.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "gitspec/hook.h"
#include "gitspec/apidiff.h"
#include "gitspec/revwalk.h"
#include "gitspec/cache.h"
#include "gitspec/engine.h"
#include "gitspec/index.h"
#include "gitspec/plan.h"
#include "gitspec/render.h"
#include "gitspec/workspace.h"
#include "gitspec/pyproject.h"
#include "gitspec/check.h"
#include "gitspec/language.h"
#include "gitspec/repo.h"
#include "gitspec/config.h"

void gs_hook_report_init(gs_hook_report *r)
{
	memset(r, 0, sizeof(*r));
	gs_strvec_init(&r->stale);
	gs_strvec_init(&r->errors);
	gs_strvec_init(&r->warnings);
	gs_strvec_init(&r->packages);
	gs_strvec_init(&r->commits);
	gs_strvec_init(&r->bad_ids);
	gs_strvec_init(&r->breaking);
}

void gs_hook_report_clear(gs_hook_report *r)
{
	gs_strvec_clear(&r->stale);
	gs_strvec_clear(&r->errors);
	gs_strvec_clear(&r->warnings);
	gs_strvec_clear(&r->packages);
	gs_strvec_clear(&r->commits);
	gs_strvec_clear(&r->bad_ids);
	gs_strvec_clear(&r->breaking);
	r->checked = 0;
	free(r->bad_subject);
	r->bad_subject = NULL;
	r->input_error = 0;
	r->has_bad_commit = 0;
	r->format1_nr = 0;
}

int gs_hook_report_refuses(const gs_hook_report *r)
{
	return r->stale.nr || r->format1_nr || r->errors.nr || r->breaking.nr;
}

int gs_hook_report_status(const gs_hook_report *r)
{
	if (!gs_hook_report_refuses(r))
		return GS_EXIT_OK;
	if (r->input_error && !r->stale.nr && !r->format1_nr)
		return GS_EXIT_INPUT;
	return GS_EXIT_CHECK;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* Add the package and the spec source covering it (its own or a rollup). */
static void touch(gs_strvec *out, gs_strvec *leaves, const gs_registry *reg, const gs_package *pkg)
{
	gs_registry_entry e;

	if (!pkg)
		return;
	gs_strvec_push(out, pkg->path);
	if (!gs_registry_find_package(&e, reg, pkg->path)) {
		gs_strvec_push(out, e.source->identifier);
	} else {
		gs_error_clear();
		/* Whether it needs a spec at all is the caller's (gs_coverage_uncovered). */
		if (leaves)
			gs_strvec_push(leaves, pkg->path);
	}
}

void gs_hook_touched(gs_strvec *out, gs_strvec *leaves, int *all, const gs_strvec *changed,
		     const gs_package_list *pkgs, const gs_registry *reg, const gs_config *cfg)
{
	gs_buf tmp = GS_BUF_INIT;
	size_t i, j, k, dlen = strlen(cfg->specs_dir);

	*all = 0;
	for (i = 0; i < changed->nr; i++) {
		const char *p = changed->v[i];
		gs_registry_entry e;
		const gs_spec_variant *variant;

		if (!strcmp(p, GS_CONFIG_FILE) || (cfg->roots_derived && gs_pyproject_is_file(p))) {
			/*
			 * Test patterns, roots (also when read from
			 * pyproject.toml), the specs directory: anything may
			 * change.
			 */
			*all = 1;
			continue;
		}
		if (gs_language_is_source(p)) {
			touch(out, leaves, reg, gs_packages_for_file(pkgs, p));
			if (gs_language_is_marker(p)) {
				/*
				 * A package appeared or vanished: its parent's files
				 * changed. A file directly in the parent directory finds
				 * the parent package.
				 */
				const char *dir_end = strrchr(p, '/');
				const char *parent_end = NULL;

				gs_buf_clear(&tmp);
				if (dir_end) {
					gs_buf_put(&tmp, p, (size_t)(dir_end - p));
					parent_end = strrchr(tmp.ptr, '/');
				}
				if (parent_end) {
					gs_buf_setlen(&tmp, (size_t)(parent_end - tmp.ptr));
					gs_buf_putc(&tmp, '/');
					gs_buf_puts(&tmp, gs_language_default()->package_marker);
					touch(out, NULL, reg, gs_packages_for_file(pkgs, tmp.ptr));
				}
			}
			continue;
		}
		if (!gs_registry_find_contract(&e, &variant, reg, p)) {
			gs_strvec_push(out, e.source->identifier);
			continue;
		}
		gs_error_clear();
		if (!strncmp(p, cfg->specs_dir, dlen) && p[dlen] == '/' && ends_with(p, ".md")) {
			for (j = 0; j < reg->specs_nr; j++) {
				const gs_spec *spec = reg->specs[j];

				if (strcmp(spec->path, p))
					continue;
				for (k = 0; k < spec->sources_nr; k++)
					gs_strvec_push(out, spec->sources[k].identifier);
			}
		}
	}
	gs_strvec_sort_uniq(out);
	if (leaves)
		gs_strvec_sort_uniq(leaves);
	gs_buf_release(&tmp);
}

/*
 * Judge `src`: the packages `changed` touches or, with `whole`, every
 * package and the whole registry (a commit whose parent is unknown). The
 * verdict is gs_check's; the hook report words it as `git spec check` does.
 */
static int check_source(gs_hook_report *out, git_repository *repo, gs_source *src,
			const gs_strvec *changed, int whole, const gs_strvec *reg_ids,
			gs_cache *shared_cache, gs_registry **reg, const char *reg_specs_dir)
{
	gs_workspace ws;
	gs_check_report r;
	gs_cache *cache = shared_cache;
	gs_buf line = GS_BUF_INIT;
	size_t i;
	int error = 0;

	gs_workspace_init(&ws);
	gs_check_report_init(&r);
	if (!whole && !changed->nr)
		goto done;
	/* The cache only saves time; without it everything is derived. */
	if (!cache && gs_cache_open(&cache, repo) < 0)
		gs_error_clear();
	if ((error = gs_workspace_attach(&ws, repo, cache)) < 0 ||
	    (error = gs_workspace_open_source(&ws, src)) < 0)
		goto done;
	if (reg && *reg) {
		/*
		 * Loaded before the source, which then holds only these specs'
		 * files of the specs directory (ADR 0018): never load another
		 * registry from it.
		 */
		if (strcmp(ws.cfg.specs_dir, reg_specs_dir)) {
			error = gs_error_set(GS_ERROR, "the specs directory changed while judging the index");
			goto done;
		}
		ws.reg = *reg;
		*reg = NULL;
	} else if (reg_ids &&
		   (error = gs_registry_load_covering(&ws.reg, ws.src, &ws.cfg, cache, reg_ids)) < 0) {
		/* Only the specs that can cover the changed files (ADR 0016). */
		goto done;
	}
	if ((error = gs_check_workspace(&r, &ws, whole ? NULL : changed)) < 0)
		goto done;
	for (i = 0; i < r.errors_nr; i++) {
		gs_strvec_push(&out->errors, r.errors[i].message);
		if (gs_problem_is_input(r.errors[i].code))
			out->input_error = 1;
	}
	for (i = 0; i < r.items_nr; i++) {
		if (r.items[i].state != GS_CHECK_STALE && r.items[i].state != GS_CHECK_MISSING)
			continue;
		gs_buf_clear(&line);
		gs_check_item_describe(&line, &r.items[i]);
		gs_strvec_push(&out->stale, line.ptr);
	}
	out->format1_nr += r.format1_nr;
	for (i = 0; i < r.warnings.nr; i++)
		gs_strvec_push(&out->warnings, r.warnings.v[i]);
	for (i = 0; i < r.packages.nr; i++)
		gs_strvec_push(&out->packages, r.packages.v[i]);
	gs_strvec_sort_uniq(&out->packages);
done:
	gs_check_report_clear(&r);
	gs_workspace_release(&ws);
	if (cache != shared_cache)
		gs_cache_free(cache);
	gs_buf_release(&line);
	return error;
}

int gs_hook_check_source(gs_hook_report *out, git_repository *repo, gs_source *src,
			 const gs_strvec *changed)
{
	return check_source(out, repo, src, changed, 0, NULL, NULL, NULL, NULL);
}

/* Whether directory `dir` of the index holds a package marker itself. */
static int dir_has_marker(const gs_index *idx, const char *dir, size_t len)
{
	size_t n = gs_index_entrycount(idx), pos, plen;

	for (pos = gs_index_dir_next(idx, dir, len, 0); pos < n; pos = gs_index_dir_next(idx, dir, len, pos + 1))
		if (gs_language_is_marker(gs_index_path_at(idx, pos, &plen)))
			return 1;
	return 0;
}

/* Whether `dir` is a sparse directory entry of the index. */
static int is_sparse_dir(const gs_index *idx, gs_buf *tmp, const char *dir, size_t len)
{
	long pos;

	if (!gs_index_is_sparse(idx))
		return 0;
	gs_buf_clear(tmp);
	gs_buf_put(tmp, dir, len);
	gs_buf_putc(tmp, '/');
	pos = gs_index_find_pos(idx, tmp->ptr);
	return pos >= 0 && gs_index_get(idx, (size_t)pos)->mode == GS_INDEX_MODE_DIR;
}

/*
 * Without roots configured, they come from every pyproject.toml and the
 * src/ directories beside them that hold Python files (pyproject.h): the
 * part holds each such file and one Python file of each such src/, so
 * that it derives the same roots as the whole index.
 */
static void add_roots_files(gs_source_part *part, const gs_index *idx, gs_buf *tmp)
{
	size_t n = gs_index_entrycount(idx), i, j, begin, end;

	/* the paths alone, in the index (a lazy index decodes only the entries read) */
	for (i = gs_index_next_named(idx, "pyproject.toml", 0); i < n;
	     i = gs_index_next_named(idx, "pyproject.toml", i + 1)) {
		const gs_index_entry *e = gs_index_get(idx, i);
		const char *slash;

		if (!gs_pyproject_is_file(e->path))
			continue;
		gs_strvec_push(&part->files, e->path);
		slash = strrchr(e->path, '/');
		gs_buf_set(tmp, e->path, slash ? (size_t)(slash - e->path) + 1 : 0);
		gs_buf_puts(tmp, "src/");
		gs_index_prefix_range(idx, tmp->ptr, &begin, &end);
		for (j = begin; j < end; j++) {
			const gs_index_entry *f = gs_index_get(idx, j);

			if (f->mode == GS_INDEX_MODE_DIR) {
				/* some of it in a sparse directory: all of it */
				gs_buf_setlen(tmp, tmp->size - 1);
				gs_strvec_push(&part->trees, tmp->ptr);
				break;
			}
			if (f->mode != GS_MODE_FILE && f->mode != GS_MODE_EXEC)
				continue;
			if (gs_language_is_source(f->path)) {
				gs_strvec_push(&part->files, f->path);
				break;
			}
		}
	}
}

/*
 * The same inside the sparse directories (gs_source_part.pick): every
 * pyproject.toml, and the first Python file below the src/ beside each,
 * which comes after it in path order ("pyproject.toml" < "src/").
 */
struct roots_pick {
	gs_strvec src_dirs;  /* "DIR/src/" of the pyproject.toml files seen, none found yet */
};

static int pick_roots(void *ctx, const char *path, unsigned int mode)
{
	struct roots_pick *rp = ctx;
	size_t i;

	if (!path) {
		gs_strvec_clear(&rp->src_dirs);
		return 0;
	}
	if (mode != GS_MODE_FILE && mode != GS_MODE_EXEC)
		return 0;
	if (gs_pyproject_is_file(path)) {
		const char *slash = strrchr(path, '/');

		gs_strvec_pushf(&rp->src_dirs, "%.*ssrc/", slash ? (int)(slash - path) + 1 : 0, path);
		return 1;
	}
	if (!gs_language_is_source(path))
		return 0;
	for (i = 0; i < rp->src_dirs.nr; i++) {
		if (!strncmp(path, rp->src_dirs.v[i], strlen(rp->src_dirs.v[i]))) {
			/* found: drop it (the vector stays NULL-terminated) */
			free(rp->src_dirs.v[i]);
			rp->src_dirs.v[i] = rp->src_dirs.v[--rp->src_dirs.nr];
			rp->src_dirs.v[rp->src_dirs.nr] = NULL;
			return 1;
		}
	}
	return 0;
}

/*
 * Instead of the whole specs directory, the files of the specs in `reg`:
 * each spec file and contract, and every directory on the way to them
 * as a possible file (a link or submodule there makes a contract path
 * unsafe).
 */
static void add_spec_files(gs_source_part *part, const gs_registry *reg)
{
	size_t i, j, k;

	for (i = 0; i < reg->specs_nr; i++) {
		const gs_spec *spec = reg->specs[i];

		gs_strvec_push(&part->files, spec->path);
		for (j = 0; j < spec->sources_nr; j++) {
			for (k = 0; k < spec->sources[j].variants_nr; k++) {
				const char *p = spec->sources[j].variants[k].repo_path, *slash;

				if (!p)
					continue;
				gs_strvec_push(&part->files, p);
				for (slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/'))
					gs_strvec_push_nodup(&part->files, gs_xstrndup(p, (size_t)(slash - p)));
			}
		}
	}
}

/*
 * The part of the index that a verdict on `changed` reads (ADR 0016):
 * the files at the top (the configuration), the specs directory, and for
 * every changed source the files directly in each directory above it (the
 * package markers that make its package and module name) down to its
 * topmost enclosing package, or the sparse directory entry holding it,
 * which is read whole (its subpackages, a rollup). *whole is set when the
 * change may reach further: anything but a source that is no package
 * marker (a marker, a contract, a spec, the configuration or any file it
 * may name), or specs at the top of the repository. When the cache holds
 * the covering specs under the specs directory's tree (ADR 0018), they
 * are loaded here into *reg, and the part holds only their files of the
 * specs directory; *reg_specs_dir is the specs directory they are for.
 */
static int hook_part(gs_source_part *part, struct roots_pick *pick, gs_strvec *reg_ids, int *whole,
		     gs_registry **reg, char **reg_specs_dir, gs_cache *cache,
		     git_repository *repo, gs_index *idx, const gs_strvec *changed)
{
	gs_source *top = NULL;
	gs_config cfg;
	gs_buf tmp = GS_BUF_INIT;
	size_t i;
	int error = 0;

	gs_config_init(&cfg);
	*whole = 1;
	for (i = 0; i < changed->nr; i++)
		if (!gs_language_is_source(changed->v[i]) || gs_language_is_marker(changed->v[i]))
			goto done;
	gs_strvec_push(&part->dirs, "");
	if ((error = gs_source_open_index_part(&top, repo, idx, part)) < 0 ||
	    (error = gs_config_load(&cfg, repo, top)) < 0)
		goto done;
	if (!*cfg.specs_dir || !strcmp(cfg.specs_dir, "."))
		goto done;
	if (cfg.roots_derived) {
		add_roots_files(part, idx, &tmp);
		if (gs_index_is_sparse(idx)) {
			part->pick = pick_roots;
			part->pick_ctx = pick;
			part->pick_ns = "sparse-roots";
		}
	}
	for (i = 0; i < changed->nr; i++) {
		const char *p = changed->v[i], *slash;
		int inside = 0;

		for (slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/')) {
			size_t len = (size_t)(slash - p);

			/* every spec source that can cover it is named by a directory above it */
			gs_strvec_push_nodup(reg_ids, gs_xstrndup(p, len));
			if (inside)
				continue;
			if (dir_has_marker(idx, p, len) || is_sparse_dir(idx, &tmp, p, len)) {
				gs_strvec_push_nodup(&part->trees, gs_xstrndup(p, len));
				inside = 1;
				continue;
			}
			gs_strvec_push_nodup(&part->dirs, gs_xstrndup(p, len));
		}
	}
	gs_strvec_sort_uniq(reg_ids);
	part->cache = cache;
	/*
	 * The covering specs straight from the cache when the index names the
	 * specs directory's tree (ADR 0018): then only their files are read of
	 * the specs directory, not its thousands of entries.
	 */
	if (!gs_registry_load_covering_cached(reg, idx, repo, &cfg, cache, reg_ids)) {
		add_spec_files(part, *reg);
		*reg_specs_dir = gs_xstrdup(cfg.specs_dir);
	} else {
		gs_error_clear();
		gs_strvec_push(&part->trees, cfg.specs_dir);
	}
	gs_strvec_sort_uniq(&part->dirs);
	gs_strvec_sort_uniq(&part->trees);
	gs_strvec_sort_uniq(&part->files);
	*whole = 0;
done:
	gs_source_free(top);
	gs_config_release(&cfg);
	gs_buf_release(&tmp);
	return error;
}

int gs_hook_check_index(gs_hook_report *out, git_repository *repo, const char *index_path)
{
	gs_index *idx = NULL;
	gs_source *src = NULL;
	gs_source_part part = GS_SOURCE_PART_INIT;
	gs_strvec changed = GS_STRVEC_INIT, reg_ids = GS_STRVEC_INIT;
	struct roots_pick pick = { GS_STRVEC_INIT };
	git_reference *head = NULL;
	git_object *tree = NULL;
	gs_cache *cache = NULL;
	gs_registry *reg = NULL;
	char *reg_specs_dir = NULL;
	int error, r, whole = 1;

	if ((error = gs_index_open_repo_lazy(&idx, repo, index_path)) < 0)
		goto done;
	/* One handle for the run: the cache is mapped once. It only saves time. */
	if (gs_cache_open(&cache, repo) < 0)
		gs_error_clear();
	/* An unborn branch: everything staged is new (compared with the empty tree). */
	r = git_repository_head(&head, repo);
	if (r == 0) {
		if (git_reference_peel(&tree, head, GIT_OBJECT_TREE) < 0) {
			error = gs_error_set_git("cannot read HEAD's tree");
			goto done;
		}
	} else if (r != GIT_EUNBORNBRANCH && r != GIT_ENOTFOUND) {
		error = gs_error_set_git("cannot read HEAD");
		goto done;
	}
	if ((error = gs_index_changed_paths(&changed, idx, repo, (const git_tree *)tree)) < 0 ||
	    (error = hook_part(&part, &pick, &reg_ids, &whole, &reg, &reg_specs_dir, cache, repo, idx,
			       &changed)) < 0 ||
	    (error = gs_source_open_index_part(&src, repo, idx, whole ? NULL : &part)) < 0)
		goto done;
	error = check_source(out, repo, src, &changed, 0, whole ? NULL : &reg_ids, cache, &reg,
			     reg_specs_dir);
done:
	/* an entry the verdict read was wrong (the index is read lazily): no verdict */
	if (idx && (r = gs_index_error(idx)) < 0)
		error = r;
	gs_registry_free(reg);
	free(reg_specs_dir);
	gs_cache_free(cache);
	git_object_free(tree);
	git_reference_free(head);
	gs_strvec_clear(&changed);
	gs_strvec_clear(&reg_ids);
	gs_strvec_clear(&pick.src_dirs);
	gs_source_part_clear(&part);
	gs_source_free(src);
	gs_index_free(idx);
	return error;
}

/* git's order of tree entries: a tree's name compares as if it ended in '/'. */
static int entry_order(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *na = git_tree_entry_name(a), *nb = git_tree_entry_name(b);
	size_t la = strlen(na), lb = strlen(nb), len = la < lb ? la : lb;
	unsigned char ca, cb;
	int cmp = memcmp(na, nb, len);

	if (cmp)
		return cmp;
	ca = (unsigned char)na[len];
	cb = (unsigned char)nb[len];
	if (!ca && git_tree_entry_type(a) == GIT_OBJECT_TREE)
		ca = '/';
	if (!cb && git_tree_entry_type(b) == GIT_OBJECT_TREE)
		cb = '/';
	return ca < cb ? -1 : ca > cb;
}

static int tree_diff(gs_strvec *out, git_repository *repo, const git_tree *a, const git_tree *b,
		     gs_buf *path);

/* One side's entry with nothing (or something different) on the other side. */
static int entry_diff(gs_strvec *out, git_repository *repo, const git_tree_entry *a,
		      const git_tree_entry *b, gs_buf *path)
{
	const git_tree_entry *e = a ? a : b;
	git_tree *ta = NULL, *tb = NULL;
	size_t base = path->size;
	int error = 0;

	gs_buf_puts(path, git_tree_entry_name(e));
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
		gs_strvec_push(out, path->ptr);
		goto done;
	}
	if ((a && git_tree_lookup(&ta, repo, git_tree_entry_id(a)) < 0) ||
	    (b && git_tree_lookup(&tb, repo, git_tree_entry_id(b)) < 0)) {
		error = gs_error_set_git("cannot read a tree of the commit");
		goto done;
	}
	gs_buf_putc(path, '/');
	error = tree_diff(out, repo, ta, tb, path);
done:
	git_tree_free(ta);
	git_tree_free(tb);
	gs_buf_setlen(path, base);
	return error;
}

/*
 * The paths that differ between two trees (either may be NULL: empty).
 * Unlike libgit2 1.5's git_diff_tree_to_tree, which reads both trees
 * whole, a subtree with one id on both sides is skipped, as git does: the
 * cost follows the size of the change, not of the repository.
 */
static int tree_diff(gs_strvec *out, git_repository *repo, const git_tree *a, const git_tree *b,
		     gs_buf *path)
{
	size_t i = 0, j = 0, na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
	int error = 0;

	/* No checkout can hold a longer path; this also bounds the recursion. */
	if (path->size > 4096)
		return gs_error_set(GS_ERROR, "cannot read tree: path too long below '%.64s'", path->ptr);
	while (!error && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int cmp = !ea ? 1 : !eb ? -1 : entry_order(ea, eb);

		if (cmp < 0) {
			error = entry_diff(out, repo, ea, NULL, path);
			i++;
		} else if (cmp > 0) {
			error = entry_diff(out, repo, NULL, eb, path);
			j++;
		} else {
			if (!git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) ||
			    git_tree_entry_filemode(ea) != git_tree_entry_filemode(eb)) {
				if (git_tree_entry_type(ea) == git_tree_entry_type(eb))
					error = entry_diff(out, repo, ea, eb, path);
				else if (!(error = entry_diff(out, repo, ea, NULL, path)))
					error = entry_diff(out, repo, NULL, eb, path);
			}
			i++;
			j++;
		}
	}
	return error;
}

int gs_hook_tree_diff(gs_strvec *out, git_repository *repo, const git_tree *old_tree,
		      const git_tree *new_tree)
{
	gs_buf path = GS_BUF_INIT;
	int error = tree_diff(out, repo, old_tree, new_tree, &path);

	gs_strvec_sort_uniq(out);
	gs_buf_release(&path);
	return error;
}

/*
 * One commit against its first parent. With `prev`, *prev is the source of
 * the commit checked before (id *prev_oid), or NULL: when it is this one's
 * parent, this one's source is derived from it by the diff instead of
 * reading every subtree; on return it holds this commit's source.
 */
static int check_commit_chained(gs_hook_report *out, git_repository *repo, const git_commit *commit,
				gs_source **prev, git_oid *prev_oid)
{
	git_tree *tree = NULL, *ptree = NULL;
	git_commit *parent = NULL;
	gs_source *src = NULL;
	gs_strvec changed = GS_STRVEC_INIT;
	int error, has_parent = git_commit_parentcount(commit) > 0;

	if (git_commit_tree(&tree, commit) < 0 ||
	    (has_parent &&
	     (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&ptree, parent) < 0))) {
		error = gs_error_set_git("cannot read the commit");
		goto done;
	}
	if ((error = gs_hook_tree_diff(&changed, repo, ptree, tree)) < 0)
		goto done;
	if (prev && *prev && has_parent && git_oid_equal(prev_oid, git_commit_parent_id(commit, 0))) {
		/* The parent's source is consumed either way. */
		error = gs_source_open_git_tree_from(&src, *prev, tree, &changed);
		gs_source_free(*prev);
		*prev = NULL;
	} else {
		error = gs_source_open_git_tree(&src, repo, tree);
	}
	if (error < 0)
		goto done;
	error = check_source(out, repo, src, &changed, 0, NULL, NULL, NULL, NULL);
	if (prev && error >= 0) {
		gs_source_free(*prev);
		*prev = src;
		src = NULL;
		git_oid_cpy(prev_oid, git_commit_id(commit));
	}
done:
	gs_source_free(src);
	gs_strvec_clear(&changed);
	git_commit_free(parent);
	git_tree_free(tree);
	git_tree_free(ptree);
	return error;
}

int gs_hook_check_commit(gs_hook_report *out, git_repository *repo, const git_commit *commit)
{
	return check_commit_chained(out, repo, commit, NULL, NULL);
}

/* Every contract of the commit's tree, whatever its parent changed. */
int gs_hook_check_tip(gs_hook_report *out, git_repository *repo, const git_commit *commit)
{
	git_tree *tree = NULL;
	gs_source *src = NULL;
	gs_strvec none = GS_STRVEC_INIT;
	int error;

	if (git_commit_tree(&tree, commit) < 0) {
		error = gs_error_set_git("cannot read the commit");
		goto done;
	}
	if ((error = gs_source_open_git_tree(&src, repo, tree)) < 0)
		goto done;
	error = check_source(out, repo, src, &none, 1, NULL, NULL, NULL, NULL);
done:
	gs_source_free(src);
	gs_strvec_clear(&none);
	git_tree_free(tree);
	return error;
}

static int is_zero_oid(const git_oid *oid)
{
	static const git_oid zero;

	return git_oid_equal(oid, &zero);
}

/* ---- which commits a push brings (DESIGN 3.2) ---- */

void gs_hook_scope_init(gs_hook_scope *s)
{
	memset(s, 0, sizeof(*s));
	gs_strvec_init(&s->shallow);
	gs_strvec_init(&s->walked);
}

void gs_hook_scope_clear(gs_hook_scope *s)
{
	git_revwalk_free(s->walk);
	free(s->hide_ids);
	gs_source_free(s->prev);
	gs_strvec_clear(&s->shallow);
	gs_strvec_clear(&s->walked);
	memset(s, 0, sizeof(*s));
}

int gs_hook_scope_is_shallow(const gs_hook_scope *s, const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (!s->shallow.nr)
		return 0;
	git_oid_tostr(hex, sizeof(hex), oid);
	return gs_strvec_contains(&s->shallow, hex);
}

/*
 * Hide the commits of the refs matching `glob` (libgit2's wildmatch: '*'
 * also matches '/'); refs that name no commit (a tag of a tree) are skipped.
 */
/* Count and remember a commit hidden from the walk. */
static void scope_hide(gs_hook_scope *s, const git_oid *id)
{
	GS_ALLOC_GROW(s->hide_ids, s->hidden + 1, s->hide_alloc);
	git_oid_cpy(&s->hide_ids[s->hidden++], id);
}

static int hide_refs(gs_hook_scope *s, git_repository *repo, const char *glob)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int error = 0, r;

	if (git_reference_iterator_glob_new(&it, repo, glob) < 0) {
		error = gs_error_set_git("cannot list the refs");
		goto done;
	}
	while ((r = git_reference_next(&ref, it)) == 0) {
		git_object *obj = NULL;

		if (!git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT)) {
			if (git_revwalk_hide(s->walk, git_object_id(obj)) < 0) {
				git_object_free(obj);
				error = gs_error_set_git("cannot list the pushed commits");
				goto done;
			}
			scope_hide(s, git_object_id(obj));
		}
		git_error_clear();
		git_object_free(obj);
		git_reference_free(ref);
		ref = NULL;
	}
	if (r != GIT_ITEROVER)
		error = gs_error_set_git("cannot list the refs");
done:
	git_reference_free(ref);
	git_reference_iterator_free(it);
	return error;
}

static int scope_start(gs_hook_scope *s, git_repository *repo, const git_oid *tip)
{
	git_oid_cpy(&s->tip, tip);
	gs_repo_shallow(&s->shallow, repo);
	if (git_revwalk_new(&s->walk, repo) < 0 ||
	    git_revwalk_sorting(s->walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(s->walk, tip) < 0)
		return gs_error_set_git("cannot list the pushed commits");
	return 0;
}

/*
 * Whether `name` is a configured remote (remote.<name>.url or .pushurl)
 * whose name can be put in a glob. Read from the configuration directly:
 * libgit2 1.5's git_remote_lookup leaks on every call.
 */
static int known_remote(git_repository *repo, const char *name)
{
	git_config *cfg = NULL;
	git_config_entry *entry = NULL;
	gs_buf key = GS_BUF_INIT;
	int ok = 0, valid = 0;

	if (!name || !*name || strpbrk(name, "*?[\\") ||
	    git_remote_name_is_valid(&valid, name) < 0 || !valid)
		goto done;
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		goto done;
	gs_buf_printf(&key, "remote.%s.url", name);
	if (!git_config_get_entry(&entry, cfg, key.ptr)) {
		ok = 1;
		goto done;
	}
	gs_buf_clear(&key);
	gs_buf_printf(&key, "remote.%s.pushurl", name);
	ok = !git_config_get_entry(&entry, cfg, key.ptr);
done:
	git_config_entry_free(entry);
	git_config_free(cfg);
	gs_buf_release(&key);
	git_error_clear();
	return ok;
}

int gs_hook_scope_push(gs_hook_scope *s, git_repository *repo, const char *remote,
		       const git_oid *tip, const git_oid *remote_oid)
{
	gs_buf glob = GS_BUF_INIT;
	git_object *obj = NULL;
	int error, known = known_remote(repo, remote), is_new = is_zero_oid(remote_oid);

	if ((error = scope_start(s, repo, tip)) < 0)
		goto done;
	/* The remote's old commit, when we have it (a force push may not). */
	if (!is_new && !git_object_lookup(&obj, repo, remote_oid, GIT_OBJECT_COMMIT)) {
		if (git_revwalk_hide(s->walk, remote_oid) < 0) {
			error = gs_error_set_git("cannot list the pushed commits");
			goto done;
		}
		scope_hide(s, remote_oid);
	}
	git_error_clear();
	/* What this remote already has: --not --remotes=<remote>, as git-lfs does. */
	if (known && !is_new) {
		size_t before = s->hidden;

		gs_buf_printf(&glob, "refs/remotes/%s/*", remote);
		if ((error = hide_refs(s, repo, glob.ptr)) < 0)
			goto done;
		if (s->hidden > before)
			goto done;
	}
	/*
	 * A new branch, an unknown remote (a URL), or a remote we never
	 * fetched from: what any remote already has.
	 */
	if ((error = hide_refs(s, repo, "refs/remotes/*")) < 0)
		goto done;
done:
	/* Nothing known to be on any remote (a first push): the tip alone. */
	if (!error && !s->hidden)
		s->tip_only = 1;
	git_object_free(obj);
	gs_buf_release(&glob);
	return error;
}

int gs_hook_scope_receive(gs_hook_scope *s, git_repository *repo, const git_oid *tip)
{
	int error;

	if ((error = scope_start(s, repo, tip)) < 0)
		goto done;
	/* Every ref the repository has before the push (the pushed ones still hold their old values). */
	error = hide_refs(s, repo, "refs/*");
done:
	/* An empty repository: the pushed tip alone, never the whole history. */
	if (!error && !s->hidden)
		s->tip_only = 1;
	return error;
}

/* ---- checking the commits of a scope ---- */

/* Add a refusing commit's findings to `out`, each line naming the commit. */
static void record_bad_commit(gs_hook_report *out, const gs_hook_report *one, const git_commit *commit)
{
	const char *summary = git_commit_summary((git_commit *)commit);
	git_buf shortid = { NULL, 0, 0 };
	gs_buf where = GS_BUF_INIT;
	size_t i;

	if (git_object_short_id(&shortid, (const git_object *)commit) < 0) {
		char hex[GIT_OID_HEXSZ + 1];

		git_error_clear();
		git_oid_tostr(hex, 13, git_commit_id(commit));
		gs_buf_sets(&where, hex);
	} else {
		gs_buf_sets(&where, shortid.ptr);
	}
	if (!out->has_bad_commit) {
		git_oid_cpy(&out->bad_commit, git_commit_id(commit));
		out->has_bad_commit = 1;
		out->bad_subject = gs_xstrdup(summary ? summary : "");
	}
	gs_strvec_pushf(&out->commits, "%s (%s)", where.ptr, summary ? summary : "");
	for (i = 0; i < one->stale.nr; i++)
		gs_strvec_pushf(&out->stale, "commit %s: %s", where.ptr, one->stale.v[i]);
	for (i = 0; i < one->errors.nr; i++)
		gs_strvec_pushf(&out->errors, "commit %s: %s", where.ptr, one->errors.v[i]);
	if (one->input_error)
		out->input_error = 1;
	{
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
		gs_strvec_push(&out->bad_ids, hex);
	}
	git_buf_dispose(&shortid);
	gs_buf_release(&where);
}

/* One commit of a range: against its first parent, or whole at a boundary. */
static int check_one(gs_hook_report *one, git_repository *repo, gs_hook_scope *s,
		     const git_commit *commit)
{
	if (s->tip_only || gs_hook_scope_is_shallow(s, git_commit_id(commit)))
		return gs_hook_check_tip(one, repo, commit);
	return check_commit_chained(one, repo, commit, &s->prev, &s->prev_oid);
}

int gs_hook_check_scope(gs_hook_report *out, git_repository *repo, gs_hook_scope *s)
{
	git_commit *commit = NULL;
	gs_hook_report one;
	git_oid oid, *oids = NULL;
	size_t oids_nr = 0, i;
	int error = 0;

	gs_hook_report_init(&one);
	if (s->tip_only) {
		if (git_commit_lookup(&commit, repo, &s->tip) < 0) {
			error = gs_error_set_git("cannot read a pushed commit");
			goto done;
		}
		s->checked++;
		if ((error = check_one(&one, repo, s, commit)) < 0)
			goto done;
		if (gs_hook_report_refuses(&one))
			record_bad_commit(out, &one, commit);
		goto done;
	}
	/*
	 * Oldest first: the first commit that refuses is the one to repair
	 * from. Listed, not walked: a shallow clone's walk stops at its
	 * boundary (revwalk.h).
	 */
	if ((error = gs_revwalk_list(&oids, &oids_nr, repo, &s->tip, 1, s->hide_ids, s->hidden)) < 0)
		goto done;
	for (i = 0; i < oids_nr; i++) {
		git_oid_cpy(&oid, &oids[i]);
		if (git_commit_lookup(&commit, repo, &oid) < 0) {
			error = gs_error_set_git("cannot read a pushed commit");
			goto done;
		}
		s->checked++;
		{
			char hex[GIT_OID_HEXSZ + 1];

			git_oid_tostr(hex, sizeof(hex), &oid);
			gs_strvec_push(&s->walked, hex);
		}
		gs_hook_report_clear(&one);
		if ((error = check_one(&one, repo, s, commit)) < 0)
			goto done;
		if (gs_hook_report_refuses(&one)) {
			record_bad_commit(out, &one, commit);
			goto done;
		}
		git_commit_free(commit);
		commit = NULL;
	}
done:
	/* Warnings (uncovered packages) of the last commit checked, once. */
	if (error >= 0) {
		for (i = 0; i < one.warnings.nr; i++)
			gs_strvec_push(&out->warnings, one.warnings.v[i]);
	}
	gs_hook_report_clear(&one);
	git_commit_free(commit);
	free(oids);
	return error;
}

/* Whether the newer state of a ref update refuses breaking changes (its config). */
static int refuses_breaking(int *out, git_repository *repo, const git_oid *tip)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	gs_source *src = NULL;
	gs_config cfg;
	int error = 0;

	*out = 0;
	gs_config_init(&cfg);
	if (git_commit_lookup(&commit, repo, tip) < 0 || git_commit_tree(&tree, commit) < 0) {
		error = gs_error_set_git("cannot read a pushed commit");
		goto done;
	}
	if ((error = gs_source_open_git_tree(&src, repo, tree)) < 0 ||
	    (error = gs_config_load(&cfg, repo, src)) < 0)
		goto done;
	*out = cfg.refuse_breaking;
done:
	gs_config_release(&cfg);
	gs_source_free(src);
	git_tree_free(tree);
	git_commit_free(commit);
	return error;
}

/*
 * spec.breakingChanges = refuse (DESIGN 3.7) over the commits the scope
 * judged: each breaking change needs an API-Break trailer on the commit
 * making it. Commits on a shallow boundary, and a scope judged from its
 * tip alone, have no parent to compare with: nothing is refused there.
 */
static int check_breaking(gs_hook_report *out, git_repository *repo, const gs_hook_scope *s)
{
	gs_change_list refused = GS_CHANGE_LIST_INIT;
	gs_cache *cache = NULL;
	gs_buf line = GS_BUF_INIT;
	size_t i;
	int refuse, error = 0;

	if (s->tip_only || !s->walked.nr)
		return 0;
	if ((error = refuses_breaking(&refuse, repo, &s->tip)) < 0 || !refuse)
		return error;
	if (gs_cache_open(&cache, repo) < 0) {
		cache = NULL;
		gs_error_clear();
	}
	for (i = 0; i < s->walked.nr; i++) {
		git_commit *commit = NULL;
		git_oid oid;

		if (git_oid_fromstr(&oid, s->walked.v[i]) < 0 || gs_hook_scope_is_shallow(s, &oid))
			continue;
		if (git_commit_lookup(&commit, repo, &oid) < 0) {
			error = gs_error_set_git("cannot read a pushed commit");
			goto done;
		}
		error = gs_apidiff_refused_in_commit(&refused, repo, commit, cache);
		git_commit_free(commit);
		if (error < 0)
			goto done;
	}
	for (i = 0; i < refused.nr; i++) {
		const gs_change *c = &refused.v[i];

		if (!i || strcmp(c->commit, refused.v[i - 1].commit) ||
		    strcmp(c->module, refused.v[i - 1].module)) {
			git_commit *commit = NULL;
			git_oid oid;

			git_oid_fromstr(&oid, c->commit);
			if (git_commit_lookup(&commit, repo, &oid) < 0) {
				error = gs_error_set_git("cannot read a pushed commit");
				goto done;
			}
			gs_strvec_pushf(&out->breaking, "commit %.12s (%s) breaks the API of '%s' "
					"without a trailer 'API-Break: %s':", c->commit,
					git_commit_summary(commit), c->module, c->module);
			git_commit_free(commit);
		}
		gs_buf_sets(&line, "  ");
		gs_change_format_line(&line, c);
		gs_strvec_push(&out->breaking, line.ptr);
	}
done:
	gs_change_list_clear(&refused);
	gs_buf_release(&line);
	gs_cache_free(cache);
	return error;
}

/*
 * Per-range policies beyond freshness: `old` (zero for a new ref) and
 * `new` are the ref's values before and after the push, `s` the commits
 * it brings. Freshness first; the breaking-change policy once every
 * commit is fresh (a stale range is repaired first, and the repair may
 * well change what breaks).
 */
static int check_ref_update(gs_hook_report *out, git_repository *repo, gs_hook_scope *s,
			    const char *refname, const git_oid *old, const git_oid *new_oid)
{
	int error;

	(void)refname;
	(void)old;
	(void)new_oid;
	if ((error = gs_hook_check_scope(out, repo, s)) < 0 || gs_hook_report_refuses(out))
		return error;
	return check_breaking(out, repo, s);
}

/* The commit a pushed object names (a tag is peeled); 0 when it names none. */
static int pushed_commit(git_oid *out, git_repository *repo, const git_oid *oid)
{
	git_object *obj = NULL, *peeled = NULL;
	int ok = !git_object_lookup(&obj, repo, oid, GIT_OBJECT_ANY) &&
		 !git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);

	if (ok)
		git_oid_cpy(out, git_object_id(peeled));
	git_object_free(peeled);
	git_object_free(obj);
	git_error_clear();
	gs_error_clear();
	return ok;
}

/* The next non-empty line of `input` from *pos, split into words; 0 at the end. */
static int next_line(gs_strvec *words, const char *input, size_t len, size_t *pos)
{
	while (*pos < len) {
		const char *start = input + *pos, *nl = memchr(start, '\n', len - *pos);
		size_t l = nl ? (size_t)(nl - start) : len - *pos;
		size_t i = 0;

		*pos += l + (nl ? 1 : 0);
		gs_strvec_clear(words);
		while (i < l) {
			size_t j = i;

			while (j < l && start[j] != ' ' && start[j] != '\t' && start[j] != '\r')
				j++;
			if (j > i) {
				char *w = gs_xstrndup(start + i, j - i);

				gs_strvec_push_nodup(words, w);
			}
			i = j + 1;
		}
		if (words->nr)
			return 1;
	}
	return 0;
}

static int parse_oid(git_oid *out, const char *hex)
{
	return strlen(hex) == GIT_OID_HEXSZ && !git_oid_fromstr(out, hex) ? 0 : -1;
}

/*
 * The lines git feeds pre-push ("LOCAL-REF LOCAL-ID REMOTE-REF REMOTE-ID")
 * and pre-receive ("OLD-ID NEW-ID REF"): each update that brings a commit
 * is checked against what its destination already has.
 */
static int check_updates(gs_hook_report *out, git_repository *repo, int receive, const char *remote,
			 const char *input, size_t len)
{
	const size_t words = receive ? 3 : 4, old_at = receive ? 0 : 3;
	gs_strvec w = GS_STRVEC_INIT;
	size_t pos = 0;
	int error = 0;

	while (next_line(&w, input, len, &pos)) {
		gs_hook_scope s;
		git_oid old, new_oid, tip;

		if (w.nr != words || parse_oid(&new_oid, w.v[1]) < 0 || parse_oid(&old, w.v[old_at]) < 0) {
			error = gs_error_set(GS_EINPUT, "%s: cannot parse '%s %s...'",
					     receive ? "pre-receive" : "pre-push",
					     w.v[0], w.nr > 1 ? w.v[1] : "");
			goto done;
		}
		/* A deletion pushes no commit; a tag of a tree or blob names none. */
		if (is_zero_oid(&new_oid) || !pushed_commit(&tip, repo, &new_oid))
			continue;
		gs_hook_scope_init(&s);
		error = receive ? gs_hook_scope_receive(&s, repo, &tip) :
			gs_hook_scope_push(&s, repo, remote, &tip, &old);
		if (!error)
			error = check_ref_update(out, repo, &s, w.v[2], &old, &tip);
		out->checked += s.checked;
		gs_hook_scope_clear(&s);
		if (error < 0)
			goto done;
	}
done:
	gs_strvec_clear(&w);
	return error;
}

int gs_hook_pre_push(gs_hook_report *out, git_repository *repo, const char *remote,
		     const char *input, size_t len)
{
	return check_updates(out, repo, 0, remote, input, len);
}

int gs_hook_pre_receive(gs_hook_report *out, git_repository *repo, const char *input, size_t len)
{
	return check_updates(out, repo, 1, NULL, input, len);
}

/* ---- after the fact: post-commit and post-rewrite ---- */

/*
 * HEAD against its first parent, from the index when the index is exactly
 * HEAD's tree (its cache-tree says so, as after `git commit`): reading the
 * index is what pre-commit costs, reading every subtree is more.
 */
static int check_head(gs_hook_report *one, git_repository *repo, const git_commit *head)
{
	gs_source *src = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	gs_strvec changed = GS_STRVEC_INIT;
	git_oid root;
	int error;

	if (gs_source_open_index(&src, repo, NULL) < 0 ||
	    !gs_index_cache_tree_oid(&root, gs_source_index(src), "") ||
	    !git_oid_equal(&root, git_commit_tree_id(head))) {
		gs_error_clear();
		error = gs_hook_check_commit(one, repo, head);
		goto done;
	}
	if (git_commit_tree(&tree, head) < 0 ||
	    (git_commit_parentcount(head) > 0 &&
	     (git_commit_parent(&parent, head, 0) < 0 || git_commit_tree(&ptree, parent) < 0))) {
		error = gs_error_set_git("cannot read the commit");
		goto done;
	}
	if ((error = gs_hook_tree_diff(&changed, repo, ptree, tree)) < 0)
		goto done;
	error = check_source(one, repo, src, &changed, 0, NULL, NULL, NULL, NULL);
done:
	gs_strvec_clear(&changed);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	gs_source_free(src);
	return error;
}

int gs_hook_post_commit(gs_hook_report *out, git_repository *repo)
{
	git_commit *head = NULL;
	git_object *obj = NULL;
	gs_hook_report one;
	size_t i;
	int error = 0;

	gs_hook_report_init(&one);
	if (git_revparse_single(&obj, repo, "HEAD") < 0 ||
	    git_object_peel((git_object **)&head, obj, GIT_OBJECT_COMMIT) < 0) {
		error = gs_error_set_git("cannot read HEAD");
		goto done;
	}
	if ((error = check_head(&one, repo, head)) < 0)
		goto done;
	out->checked = 1;
	if (gs_hook_report_refuses(&one))
		record_bad_commit(out, &one, head);
	for (i = 0; i < one.warnings.nr; i++)
		gs_strvec_push(&out->warnings, one.warnings.v[i]);
done:
	gs_hook_report_clear(&one);
	git_commit_free(head);
	git_object_free(obj);
	return error;
}

int gs_hook_post_rewrite(gs_hook_report *out, git_repository *repo, const char *input, size_t len)
{
	gs_strvec w = GS_STRVEC_INIT, seen = GS_STRVEC_INIT;
	gs_hook_report one;
	gs_source *prev = NULL;
	git_oid prev_oid;
	size_t pos = 0;
	int error = 0;

	gs_hook_report_init(&one);
	memset(&prev_oid, 0, sizeof(prev_oid));
	/* "old new [extra]" in the order of the rewrite: oldest first. */
	while (next_line(&w, input, len, &pos)) {
		git_commit *commit = NULL;
		git_oid oid;

		if (w.nr < 2 || parse_oid(&oid, w.v[1]) < 0) {
			error = gs_error_set(GS_EINPUT, "post-rewrite: cannot parse '%s...'", w.v[0]);
			goto done;
		}
		/* A squash maps several old commits to one new one. */
		if (gs_strvec_contains(&seen, w.v[1]))
			continue;
		gs_strvec_push(&seen, w.v[1]);
		if (git_commit_lookup(&commit, repo, &oid) < 0) {
			/* Rewritten again since (a later fixup): not in the history any more. */
			git_error_clear();
			continue;
		}
		gs_hook_report_clear(&one);
		error = check_commit_chained(&one, repo, commit, &prev, &prev_oid);
		out->checked++;
		if (!error && gs_hook_report_refuses(&one))
			record_bad_commit(out, &one, commit);
		git_commit_free(commit);
		if (error < 0)
			goto done;
	}
done:
	gs_source_free(prev);
	gs_hook_report_clear(&one);
	gs_strvec_clear(&w);
	gs_strvec_clear(&seen);
	return error;
}

int gs_hook_rebase_repair(gs_buf *out, git_repository *repo, const git_oid *first_bad)
{
	git_commit *commit = NULL, *parent = NULL;
	git_buf shortid = { NULL, 0, 0 };
	int error = 0;

	gs_buf_clear(out);
	gs_buf_puts(out, "git rebase --exec '" GS_HOOK_FIX " && git commit --amend --no-edit' ");
	if (git_commit_lookup(&commit, repo, first_bad) < 0) {
		error = gs_error_set_git("cannot read the commit");
		goto done;
	}
	if (!git_commit_parentcount(commit)) {
		gs_buf_puts(out, "--root");
		goto done;
	}
	if (git_commit_parent(&parent, commit, 0) < 0 ||
	    git_object_short_id(&shortid, (const git_object *)parent) < 0) {
		/* A shallow boundary: name the parent by its full id. */
		char hex[GIT_OID_HEXSZ + 1];

		git_error_clear();
		git_oid_tostr(hex, sizeof(hex), git_commit_parent_id(commit, 0));
		gs_buf_puts(out, hex);
		goto done;
	}
	gs_buf_puts(out, shortid.ptr);
done:
	git_buf_dispose(&shortid);
	git_commit_free(parent);
	git_commit_free(commit);
	return error;
}
