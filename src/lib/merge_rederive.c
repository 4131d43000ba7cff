/*
 * Re-derivation (DESIGN.md 3.3): merge the package's sources three-way,
 * file by file with tree builders, and derive the contract from the
 * result, as `git spec sync` would after the merge.
 */
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "merge_internal.h"
#include "gitspec/merge.h"
#include "gitspec/config.h"
#include "gitspec/cache.h"
#include "gitspec/engine.h"
#include "gitspec/packages.h"
#include "gitspec/plan.h"
#include "gitspec/source.h"
#include "gitspec/spec.h"
#include "gitspec/workspace.h"
#include "gitspec/language.h"

/* ---- re-derivation ------------------------------------------------------ */

static int path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !n || (!strncmp(path, dir, n) && path[n] == '/');
}

/*
 * Resolve every conflict of `idx` to our side (their side when ours is
 * absent), recording the conflicting paths: only paths that matter to the
 * package are judged later, the rest merely needs some content so that
 * the merged tree can be written.
 */
static int resolve_to_ours(gs_strvec *paths, git_index *idx)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *anc, *our, *their;
	git_index_entry *keep = NULL;
	size_t keep_nr = 0, keep_alloc = 0, i;
	int error = 0, r;

	if (git_index_conflict_iterator_new(&it, idx) < 0) {
		error = gs_error_set_git("cannot list the merge conflicts");
		goto done;
	}
	while ((r = git_index_conflict_next(&anc, &our, &their, it)) == 0) {
		const git_index_entry *e = our ? our : their;
		const char *p = anc ? anc->path : e ? e->path : NULL;

		if (!p)
			continue;
		gs_strvec_push(paths, p);
		if (e) {
			GS_ALLOC_GROW(keep, keep_nr + 1, keep_alloc);
			keep[keep_nr] = *e;
			keep[keep_nr].path = gs_xstrdup(e->path);
			keep_nr++;
		}
	}
	if (r != GIT_ITEROVER) {
		error = gs_error_set_git("cannot list the merge conflicts");
		goto done;
	}
	git_index_conflict_iterator_free(it);
	it = NULL;
	for (i = 0; i < paths->nr; i++)
		git_index_conflict_remove(idx, paths->v[i]);
	for (i = 0; i < keep_nr; i++) {
		keep[i].flags &= ~GIT_INDEX_ENTRY_STAGEMASK;
		if (git_index_add(idx, &keep[i]) < 0) {
			error = gs_error_set_git("cannot record a merge result");
			goto done;
		}
	}
done:
	git_index_conflict_iterator_free(it);
	for (i = 0; i < keep_nr; i++)
		free((char *)keep[i].path);
	free(keep);
	return error;
}

/*
 * Derive the contract at `path` from the merged tree `tree`, given the
 * paths that conflicted while merging it (resolved to some content).
 */
static int rederive_tree(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
			 const git_tree *tree, const gs_strvec *conflicted, const char *path)
{
	gs_strvec packages = GS_STRVEC_INIT;
	gs_workspace ws;
	gs_cache *cache = NULL;
	gs_plan plan = GS_PLAN_INIT;
	gs_registry_entry found;
	const gs_spec_variant *variant = NULL;
	size_t i;
	int error = 0;

	gs_workspace_init(&ws);
	/* The cache is an optimisation only. */
	if (gs_cache_open(&cache, repo) < 0)
		gs_error_clear();
	if ((error = gs_workspace_attach(&ws, repo, cache)) < 0 ||
	    (error = gs_workspace_open_tree(&ws, tree)) < 0 ||
	    (error = gs_workspace_load_registry(&ws)) < 0)
		goto done;
	if ((error = gs_registry_find_contract(&found, &variant, ws.reg, path)) < 0) {
		error = gs_error_set(GS_ENOTFOUND, "'%s' is not a contract of the merged specs", path);
		goto done;
	}
	for (i = 0; i < conflicted->nr; i++) {
		const char *p = conflicted->v[i];

		if ((path_is_under(p, found.source->identifier) && gs_language_is_source(p)) ||
		    !strcmp(p, found.spec->path) || !strcmp(p, GS_CONFIG_FILE))
			gs_strvec_push(conflicts, p);
	}
	if (conflicts->nr) {
		error = gs_error_set(GS_ECHECK, "sources of '%s' conflict", found.source->identifier);
		goto done;
	}
	if ((error = gs_workspace_load_packages(&ws)) < 0 ||
	    (error = gs_workspace_load_engine(&ws)) < 0)
		goto done;
	gs_strvec_push(&packages, found.source->identifier);
	if ((error = gs_plan_build(&plan, ws.eng, ws.src, ws.reg, &ws.pkgs, &packages)) < 0)
		goto done;
	for (i = 0; i < plan.nr; i++) {
		const gs_plan_item *it = &plan.items[i];

		if (strcmp(it->path, path))
			continue;
		if (it->error) {
			gs_strvec_pushf(conflicts, "%s (in the merged sources)", it->error);
			error = gs_error_set(GS_ECHECK, "%s", it->error);
			goto done;
		}
		gs_buf_set(out, it->content.ptr, it->content.size);
		goto done;
	}
	error = gs_error_set(GS_ENOTFOUND, "no contract '%s' derived from the merged sources", path);
done:
	gs_plan_clear(&plan);
	gs_workspace_release(&ws);
	gs_cache_free(cache);
	gs_strvec_clear(&packages);
	return error;
}

/* Derive from a whole-repository merge result (an index with conflicts). */
static int rederive_index(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
			  git_index *idx, const char *path)
{
	gs_strvec conflicted = GS_STRVEC_INIT;
	git_oid tree_oid;
	git_tree *tree = NULL;
	int error;

	if ((error = resolve_to_ours(&conflicted, idx)) < 0)
		goto done;
	if (git_index_write_tree_to(&tree_oid, idx, repo) < 0 ||
	    git_tree_lookup(&tree, repo, &tree_oid) < 0) {
		error = gs_error_set_git("cannot write the merged tree");
		goto done;
	}
	error = rederive_tree(out, conflicts, repo, tree, &conflicted, path);
done:
	git_tree_free(tree);
	gs_strvec_clear(&conflicted);
	return error;
}

/* The id and mode of `path` in `tree` (NULL: absent); 0 found, 1 absent. */
static int entry_at(git_oid *oid, uint32_t *mode, const git_tree *tree, const char *path)
{
	git_tree_entry *te = NULL;

	if (!tree || git_tree_entry_bypath(&te, tree, path) < 0) {
		gs_error_clear();
		return 1;
	}
	git_oid_cpy(oid, git_tree_entry_id(te));
	*mode = (uint32_t)git_tree_entry_filemode(te);
	git_tree_entry_free(te);
	return 0;
}

/*
 * A copy of `tree` (NULL: empty) with `path` set to (oid, mode), or removed
 * when oid is NULL. Written bottom-up with tree builders.
 */
static int tree_replace(git_oid *out, git_repository *repo, const git_tree *tree,
			const char *path, const git_oid *oid, uint32_t mode)
{
	git_treebuilder *tb = NULL;
	git_tree *sub = NULL;
	const git_tree_entry *te;
	const char *slash = strchr(path, '/');
	char *name = slash ? gs_xstrndup(path, (size_t)(slash - path)) : gs_xstrdup(path);
	git_oid sub_oid;
	int error = 0;

	if (git_treebuilder_new(&tb, repo, tree) < 0) {
		error = gs_error_set_git("cannot build the merged tree");
		goto done;
	}
	if (slash) {
		te = tree ? git_tree_entry_byname(tree, name) : NULL;
		if (te && git_tree_entry_type(te) == GIT_OBJECT_TREE &&
		    git_tree_lookup(&sub, repo, git_tree_entry_id(te)) < 0) {
			error = gs_error_set_git("cannot read a tree");
			goto done;
		}
		if ((error = tree_replace(&sub_oid, repo, sub, slash + 1, oid, mode)) < 0)
			goto done;
		oid = &sub_oid;
		mode = GIT_FILEMODE_TREE;
	}
	if (oid) {
		if (git_treebuilder_insert(NULL, tb, name, oid, (git_filemode_t)mode) < 0) {
			error = gs_error_set_git("cannot build the merged tree");
			goto done;
		}
	} else if (git_treebuilder_get(tb, name) && git_treebuilder_remove(tb, name) < 0) {
		error = gs_error_set_git("cannot build the merged tree");
		goto done;
	}
	if (git_treebuilder_write(out, tb) < 0)
		error = gs_error_set_git("cannot write the merged tree");
done:
	free(name);
	git_tree_free(sub);
	git_treebuilder_free(tb);
	return error;
}

/* Apply (oid or removal) at `path` to the tree *cur, replacing it. */
static int tree_set(git_tree **cur, git_repository *repo, const char *path,
		    const git_oid *oid, uint32_t mode)
{
	git_oid new_oid;
	git_tree *t = NULL;
	int error;

	if ((error = tree_replace(&new_oid, repo, *cur, path, oid, mode)) < 0)
		return error;
	if (git_tree_lookup(&t, repo, &new_oid) < 0)
		return gs_error_set_git("cannot read the merged tree");
	git_tree_free(*cur);
	*cur = t;
	return 0;
}

#define GS_ESCOPE 1 /* the scoped merge cannot decide: merge everything */

/*
 * Three-way pick of one path: the side that changed it, or GS_ESCOPE when
 * both did (differently). Applies the pick to *merged (a copy of ours).
 */
static int merge_one_path(git_tree **merged, git_repository *repo, const char *path,
			  const git_tree *base, const git_tree *ours, const git_tree *theirs)
{
	git_oid ob, oo, ot;
	uint32_t mb = 0, mo = 0, mt = 0;
	int hb = !entry_at(&ob, &mb, base, path);
	int ho = !entry_at(&oo, &mo, ours, path);
	int ht = !entry_at(&ot, &mt, theirs, path);
	int same_ot = ho == ht && (!ho || (git_oid_equal(&oo, &ot) && mo == mt));
	int same_bo = hb == ho && (!hb || (git_oid_equal(&ob, &oo) && mb == mo));
	int same_bt = hb == ht && (!hb || (git_oid_equal(&ob, &ot) && mb == mt));

	if (same_ot || same_bt)
		return 0;
	if (same_bo)
		return tree_set(merged, repo, path, ht ? &ot : NULL, mt);
	return GS_ESCOPE;
}

/*
 * A tree holding only `paths` (blobs or whole subtrees) of `full`: what the
 * derivation of one package reads, without the cost of the whole tree.
 */
static int projection(git_tree **out, git_repository *repo, const git_tree *full,
		      const gs_strvec *paths)
{
	git_treebuilder *tb = NULL;
	git_oid oid;
	uint32_t mode;
	size_t i;
	int error = 0;

	*out = NULL;
	for (i = 0; i < paths->nr; i++) {
		if (entry_at(&oid, &mode, full, paths->v[i]))
			continue;
		if ((error = tree_set(out, repo, paths->v[i], &oid, mode)) < 0)
			goto done;
	}
	if (!*out) {
		/* Nothing at all: the empty tree. */
		if (git_treebuilder_new(&tb, repo, NULL) < 0 || git_treebuilder_write(&oid, tb) < 0 ||
		    git_tree_lookup(out, repo, &oid) < 0)
			error = gs_error_set_git("cannot write an empty tree");
	}
done:
	git_treebuilder_free(tb);
	return error;
}

/*
 * The paths that exist in one of `a`, `b` and not (as the same kind) in
 * the other: the added and deleted files a rename may pair, a directory
 * standing for everything under it. Subtrees with the same id are skipped,
 * so the cost follows the size of the change, not of the repository.
 */
static int presence_changes(gs_strvec *out, git_repository *repo, const git_tree *a,
			    const git_tree *b, const char *prefix)
{
	size_t i, n;
	int error = 0;

	n = a ? git_tree_entrycount(a) : 0;
	for (i = 0; i < n && !error; i++) {
		const git_tree_entry *ea = git_tree_entry_byindex(a, i);
		const char *name = git_tree_entry_name(ea);
		const git_tree_entry *eb = b ? git_tree_entry_byname(b, name) : NULL;
		int ta = git_tree_entry_type(ea) == GIT_OBJECT_TREE;
		int tb = eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE;
		git_tree *sa = NULL, *sb = NULL;
		gs_buf sub = GS_BUF_INIT;

		if (eb && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
		    git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb))
			continue;
		if (eb && ta == tb && !ta)
			continue; /* a file changed in place: no rename */
		gs_buf_printf(&sub, "%s%s", prefix, name);
		if (eb && ta && tb) {
			if (git_tree_lookup(&sa, repo, git_tree_entry_id(ea)) < 0 ||
			    git_tree_lookup(&sb, repo, git_tree_entry_id(eb)) < 0) {
				error = gs_error_set_git("cannot read a tree");
			} else {
				gs_buf_putc(&sub, '/');
				error = presence_changes(out, repo, sa, sb, sub.ptr);
			}
		} else {
			/* Added, deleted, or a file on one side and a directory on the other. */
			gs_strvec_push(out, sub.ptr);
		}
		git_tree_free(sa);
		git_tree_free(sb);
		gs_buf_release(&sub);
	}
	n = b ? git_tree_entrycount(b) : 0;
	for (i = 0; i < n && !error; i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(b, i);

		if (!a || !git_tree_entry_byname(a, git_tree_entry_name(eb)))
			gs_strvec_pushf(out, "%s%s", prefix, git_tree_entry_name(eb));
	}
	return error;
}

/*
 * git's rename settings for a merge, as merge-ort (every strategy since
 * git 2.34) reads them: renames are always detected (ort ignores
 * merge.renames and diff.renames), with merge.renameLimit, else
 * diff.renameLimit, else 7000 as the limit of inexact detection.
 */
static void rename_options(git_merge_options *opts, git_repository *repo)
{
	git_config *cfg = NULL;
	int limit = 7000, v;

	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    (!git_config_get_int32(&v, cfg, "merge.renamelimit") ||
	     !git_config_get_int32(&v, cfg, "diff.renamelimit")))
		limit = v > 0 ? v : 7000;
	gs_error_clear();
	git_config_free(cfg);
	opts->flags |= GIT_MERGE_FIND_RENAMES;
	opts->target_limit = (unsigned int)limit;
}

/*
 * The package's entries, relative to it: merged ones, and for a
 * conflict ours (stage 2), else theirs (stage 3); the stages of one
 * path come in order, and a rename conflict spreads its stages over
 * several paths, each of which is reported.
 */
static int package_entries(git_index *res, gs_strvec *conflicted, git_index *idx, const char *pkg)
{
	size_t i, n = git_index_entrycount(idx), plen = strlen(pkg);
	int error = 0;

	for (i = 0; i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(idx, i);
		int stage = git_index_entry_stage(e);
		git_index_entry ie;

		if (!path_is_under(e->path, pkg))
			continue;
		if (stage != 0 && (!i || strcmp(git_index_get_byindex(idx, i - 1)->path, e->path)))
			gs_strvec_push(conflicted, e->path);
		if (stage == 1 || (stage == 3 && git_index_get_bypath(res, e->path + plen + 1, 0)))
			continue;
		ie = *e;
		ie.path = e->path + plen + 1;
		ie.flags &= ~GIT_INDEX_ENTRY_STAGEMASK;
		if (git_index_add(res, &ie) < 0) {
			error = gs_error_set_git("cannot record a merged source");
			break;
		}
	}
	return error;
}

/*
 * Three-way merge of the package directory `pkg` as git merges it, renames
 * included: the package's sources and every file added or deleted on
 * either side anywhere (the candidates of rename detection, within the
 * package and between packages) are projected out of the three trees and
 * merged with libgit2's git_merge_trees and rename detection. A file
 * renamed into the package with the other side's edits comes out merged
 * under its new name; one renamed out of it leaves it. The merged package
 * directory goes to `out` (*present = 0 when nothing is left of it);
 * repository paths of the package that conflict go to `conflicted`, their
 * content resolved to ours.
 */
static int merge_package(git_oid *out, int *present, gs_strvec *conflicted,
			 git_repository *repo, const git_tree *base, const git_tree *ours,
			 const git_tree *theirs, const char *pkg)
{
	gs_strvec paths = GS_STRVEC_INIT;
	git_tree *pb = NULL, *po = NULL, *pt = NULL;
	git_index *idx = NULL, *res = NULL;
	git_odb *odb = NULL;
	git_repository *bare = NULL;
	git_merge_options opts;
	size_t i;
	int error;

	*present = 0;
	gs_strvec_push(&paths, pkg);
	if ((error = presence_changes(&paths, repo, base, ours, "")) < 0 ||
	    (error = presence_changes(&paths, repo, base, theirs, "")) < 0)
		goto done;
	/*
	 * A rename touches the package only if a file appeared in it or left
	 * it on some side: otherwise (plain edits, the common case) its
	 * directory alone is merged, whatever else moved in the repository.
	 */
	for (i = 1; i < paths.nr; i++)
		if (!strcmp(paths.v[i], pkg) || path_is_under(paths.v[i], pkg) ||
		    path_is_under(pkg, paths.v[i]))
			break;
	if (i == paths.nr) {
		gs_strvec_clear(&paths);
		gs_strvec_push(&paths, pkg);
	}
	if ((error = projection(&pb, repo, base, &paths)) < 0 ||
	    (error = projection(&po, repo, ours, &paths)) < 0 ||
	    (error = projection(&pt, repo, theirs, &paths)) < 0)
		goto done;
	git_merge_options_init(&opts, GIT_MERGE_OPTIONS_VERSION);
	rename_options(&opts, repo);
	/*
	 * Merged in a repository that only wraps the object database: libgit2
	 * looks up the merge attributes of every file merged by content, and
	 * in `repo` that reads the whole index (ten times the cost of the
	 * package's merge on a large repository). Like the path-by-path merge
	 * before it, the package merge applies no attributes.
	 */
	if (git_repository_odb(&odb, repo) < 0 || git_repository_wrap_odb(&bare, odb) < 0 ||
	    git_merge_trees(&idx, bare, pb, po, pt, &opts) < 0 || git_index_new(&res) < 0) {
		error = gs_error_set_git("cannot merge the package's sources");
		goto done;
	}
	if ((error = package_entries(res, conflicted, idx, pkg)) < 0)
		goto done;
	if (!git_index_entrycount(res))
		goto done;
	if (git_index_write_tree_to(out, res, repo) < 0) {
		error = gs_error_set_git("cannot write the merged package");
		goto done;
	}
	*present = 1;
done:
	git_index_free(res);
	git_index_free(idx);
	git_repository_free(bare);
	git_odb_free(odb);
	git_tree_free(pb);
	git_tree_free(po);
	git_tree_free(pt);
	gs_strvec_clear(&paths);
	return error;
}

/*
 * What the derivation reads: the configuration, the spec, the package
 * directory, and the package marker of every directory above it (module
 * names follow the chain of packages).
 */
static void derivation_inputs(gs_strvec *want, const char *spec_path, const char *pkg)
{
	gs_buf want_path = GS_BUF_INIT;
	const char *slash;

	gs_strvec_clear(want);
	gs_strvec_push(want, GS_CONFIG_FILE);
	gs_strvec_push(want, spec_path);
	for (slash = strchr(pkg, '/'); slash; slash = strchr(slash + 1, '/')) {
		gs_language_marker_path(&want_path, pkg, (size_t)(slash - pkg));
		gs_strvec_push(want, want_path.ptr);
		gs_buf_clear(&want_path);
	}
	gs_buf_release(&want_path);
}

/*
 * Re-derive by merging only what the contract depends on: the package's
 * directory, its spec and .gitspec.yaml. Everything else is taken from
 * ours, which does not change the derivation. Returns GS_ESCOPE when the
 * spec or the configuration changed on both sides, or the package cannot
 * be found in ours (the caller then merges the whole trees).
 */
static int rederive_scoped(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
			   const git_tree *base, const git_tree *ours, const git_tree *theirs,
			   const char *path)
{
	gs_strvec conflicted = GS_STRVEC_INIT, want = GS_STRVEC_INIT;
	gs_workspace ws;
	gs_cache *cache = NULL;
	gs_registry_entry found;
	const gs_spec_variant *variant;
	git_tree *proj = NULL, *so = NULL, *st = NULL;
	char *pkg = NULL;
	git_oid oid;
	uint32_t mode;
	int present, error;

	gs_workspace_init(&ws);
	if ((error = gs_workspace_attach(&ws, repo, NULL)) < 0)
		goto done;
	/* The configuration, then the specs: found in ours without reading the rest. */
	gs_strvec_push(&want, GS_CONFIG_FILE);
	if ((error = projection(&proj, repo, ours, &want)) < 0 ||
	    (error = gs_workspace_open_tree(&ws, proj)) < 0)
		goto done;
	gs_strvec_push(&want, ws.cfg.specs_dir);
	git_tree_free(proj);
	proj = NULL;
	if (gs_cache_open(&cache, repo) < 0)
		gs_error_clear();
	ws.cache = cache;
	if ((error = projection(&proj, repo, ours, &want)) < 0 ||
	    (error = gs_workspace_open_tree(&ws, proj)) < 0 ||
	    (error = gs_workspace_load_registry(&ws)) < 0)
		goto done;
	if (gs_registry_find_contract(&found, &variant, ws.reg, path) < 0) {
		gs_error_clear();
		error = GS_ESCOPE;
		goto done;
	}
	pkg = gs_xstrdup(found.source->identifier);
	derivation_inputs(&want, found.spec->path, pkg);
	git_tree_free(proj);
	proj = NULL;
	if ((error = projection(&proj, repo, ours, &want)) < 0)
		goto done;
	/* The spec and the configuration: whichever side changed them. */
	if ((error = merge_one_path(&proj, repo, found.spec->path, base, ours, theirs)) != 0 ||
	    (error = merge_one_path(&proj, repo, GS_CONFIG_FILE, base, ours, theirs)) != 0)
		goto done;
	/* The package directory: three-way, renames followed as git does. */
	if (!entry_at(&oid, &mode, ours, pkg) && mode == GIT_FILEMODE_TREE &&
	    git_tree_lookup(&so, repo, &oid) < 0)
		goto git_error;
	if (!entry_at(&oid, &mode, theirs, pkg) && mode == GIT_FILEMODE_TREE &&
	    git_tree_lookup(&st, repo, &oid) < 0)
		goto git_error;
	if (!so || !st) {
		/* Removed on one side: let the whole merge (and its conflicts) decide. */
		error = GS_ESCOPE;
		goto done;
	}
	if ((error = merge_package(&oid, &present, &conflicted, repo, base, ours, theirs, pkg)) < 0 ||
	    (error = tree_set(&proj, repo, pkg, present ? &oid : NULL, GIT_FILEMODE_TREE)) < 0)
		goto done;
	error = rederive_tree(out, conflicts, repo, proj, &conflicted, path);
	goto done;
git_error:
	error = gs_error_set_git("cannot merge the package's sources");
done:
	git_tree_free(proj);
	git_tree_free(so);
	git_tree_free(st);
	free(pkg);
	gs_workspace_release(&ws);
	gs_cache_free(cache);
	gs_strvec_clear(&conflicted);
	gs_strvec_clear(&want);
	return error;
}

int gs_merge_rederive_trees(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
			    const git_tree *base, const git_tree *ours, const git_tree *theirs,
			    const char *path)
{
	git_merge_options opts;
	git_index *idx = NULL;
	int error;

	error = rederive_scoped(out, conflicts, repo, base, ours, theirs, path);
	if (error != GS_ESCOPE)
		return error;
	gs_strvec_clear(conflicts);
	git_merge_options_init(&opts, GIT_MERGE_OPTIONS_VERSION);
	if (git_merge_trees(&idx, repo, base, ours, theirs, &opts) < 0) {
		error = gs_error_set_git("cannot merge the sources");
		goto done;
	}
	error = rederive_index(out, conflicts, repo, idx, path);
done:
	git_index_free(idx);
	return error;
}

int gs_merge_rederive(gs_buf *out, gs_strvec *conflicts, git_repository *repo,
		      const git_commit *ours, const git_commit *theirs,
		      const git_commit *base, const char *path)
{
	git_merge_options opts;
	git_tree *tb = NULL, *to = NULL, *tt = NULL;
	git_commit *mb = NULL;
	git_oidarray bases = { NULL, 0 };
	git_index *idx = NULL;
	int error = 0;

	git_merge_options_init(&opts, GIT_MERGE_OPTIONS_VERSION);
	if (git_commit_tree(&to, ours) < 0 || git_commit_tree(&tt, theirs) < 0) {
		error = gs_error_set_git("cannot read the trees of the merge");
		goto done;
	}
	if (!base) {
		if (git_merge_bases(&bases, repo, git_commit_id(ours), git_commit_id(theirs)) < 0) {
			error = gs_error_set_git("cannot find the merge base");
			goto done;
		}
		if (bases.count != 1) {
			/* Several merge bases are merged into a virtual one, as git does. */
			gs_error_clear();
			if (git_merge_commits(&idx, repo, ours, theirs, &opts) < 0) {
				error = gs_error_set_git("cannot merge the sources");
				goto done;
			}
			error = rederive_index(out, conflicts, repo, idx, path);
			goto done;
		}
		if (git_commit_lookup(&mb, repo, &bases.ids[0]) < 0) {
			error = gs_error_set_git("cannot read the merge base");
			goto done;
		}
		base = mb;
	}
	if (git_commit_tree(&tb, base) < 0) {
		error = gs_error_set_git("cannot read the trees of the merge");
		goto done;
	}
	error = gs_merge_rederive_trees(out, conflicts, repo, tb, to, tt, path);
done:
	git_oidarray_dispose(&bases);
	git_index_free(idx);
	git_commit_free(mb);
	git_tree_free(tb);
	git_tree_free(to);
	git_tree_free(tt);
	return error;
}

