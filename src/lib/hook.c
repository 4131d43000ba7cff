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
#include "gitspec/cache.h"
#include "gitspec/engine.h"
#include "gitspec/index.h"
#include "gitspec/plan.h"
#include "gitspec/render.h"

void gs_hook_report_init(gs_hook_report *r)
{
	memset(r, 0, sizeof(*r));
	gs_strvec_init(&r->stale);
	gs_strvec_init(&r->errors);
	gs_strvec_init(&r->warnings);
	gs_strvec_init(&r->packages);
}

void gs_hook_report_clear(gs_hook_report *r)
{
	gs_strvec_clear(&r->stale);
	gs_strvec_clear(&r->errors);
	gs_strvec_clear(&r->warnings);
	gs_strvec_clear(&r->packages);
	free(r->bad_subject);
	r->bad_subject = NULL;
	r->input_error = 0;
	r->has_bad_commit = 0;
}

int gs_hook_report_refuses(const gs_hook_report *r)
{
	return r->stale.nr || r->errors.nr;
}

int gs_hook_report_status(const gs_hook_report *r)
{
	if (!gs_hook_report_refuses(r))
		return GS_EXIT_OK;
	if (r->input_error && !r->stale.nr)
		return GS_EXIT_INPUT;
	return GS_EXIT_CHECK;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
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
		if (leaves && pkg->leaf)
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

		if (!strcmp(p, GS_CONFIG_FILE)) {
			/* Test patterns, roots, the specs directory: anything may change. */
			*all = 1;
			continue;
		}
		if (ends_with(p, ".py")) {
			touch(out, leaves, reg, gs_packages_for_file(pkgs, p));
			if (!strcmp(base_name(p), "__init__.py")) {
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
					gs_buf_puts(&tmp, "/__init__.py");
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
 * Whether the change can affect the registry's integrity. A registry is
 * judged whole (every spec), which costs time proportional to the number
 * of specs; a change made only of ordinary sources (not __init__.py) and
 * known contract files cannot make a valid registry invalid, so for the
 * common commit the whole-registry pass is skipped.
 */
static int structure_changed(const gs_strvec *changed, const gs_registry *reg)
{
	size_t i;

	for (i = 0; i < changed->nr; i++) {
		const char *p = changed->v[i];
		gs_registry_entry e;
		const gs_spec_variant *variant;

		if (ends_with(p, ".py") && strcmp(base_name(p), "__init__.py"))
			continue;
		if (!gs_registry_find_contract(&e, &variant, reg, p))
			continue;
		gs_error_clear();
		return 1;
	}
	return 0;
}

/*
 * Whether a change can concern contracts at all: a Python file, the
 * configuration, or anything below the specs directory (specs, and every
 * contract path, which stays inside its spec's directory).
 */
static int relevant_change(const gs_strvec *changed, const gs_config *cfg)
{
	size_t i, dlen = strlen(cfg->specs_dir);

	/* Specs at the top of the repository: anything may be a contract. */
	if (!dlen || !strcmp(cfg->specs_dir, "."))
		return changed->nr > 0;
	for (i = 0; i < changed->nr; i++) {
		const char *p = changed->v[i];

		if (ends_with(p, ".py") || !strcmp(p, GS_CONFIG_FILE) ||
		    (!strncmp(p, cfg->specs_dir, dlen) && p[dlen] == '/'))
			return 1;
	}
	return 0;
}

int gs_hook_check_source(gs_hook_report *out, git_repository *repo, gs_source *src,
			 const gs_strvec *changed)
{
	gs_config cfg;
	gs_registry *reg = NULL;
	gs_package_list pkgs = GS_PACKAGE_LIST_INIT;
	gs_cache *cache = NULL;
	gs_engine *eng = NULL;
	gs_plan plan = GS_PLAN_INIT;
	gs_strvec touched = GS_STRVEC_INIT, leaves = GS_STRVEC_INIT, problems = GS_STRVEC_INIT;
	size_t i;
	int error = 0, all = 0;

	gs_config_init(&cfg);
	if (!changed->nr)
		goto done;
	if ((error = gs_config_load(&cfg, repo, src)) < 0)
		goto done;
	/* Nothing a contract depends on changed: no need to load anything else. */
	if (!relevant_change(changed, &cfg))
		goto done;
	/* The cache only saves time; without it everything is derived. */
	if (gs_cache_open(&cache, repo) < 0)
		gs_error_clear();
	if ((error = gs_registry_load(&reg, src, &cfg, cache)) < 0)
		goto done;
	if ((error = gs_packages_scan(&pkgs, src, &cfg)) < 0)
		goto done;
	gs_hook_touched(&touched, &leaves, &all, changed, &pkgs, reg, &cfg);
	for (i = 0; i < reg->errors.nr; i++) {
		gs_strvec_push(&out->errors, reg->errors.v[i]);
		out->input_error = 1;
	}
	if (structure_changed(changed, reg))
		gs_registry_validate(reg, src, &pkgs, &problems);
	for (i = 0; i < problems.nr; i++)
		gs_strvec_pushf(&out->errors, "invalid registry: %s", problems.v[i]);
	for (i = 0; i < leaves.nr; i++) {
		if (cfg.require_specs)
			gs_strvec_pushf(&out->errors, "package '%s' is not covered by any spec "
					"(spec.requireSpecs is set); run `git spec create %s`",
					leaves.v[i], leaves.v[i]);
		else
			gs_strvec_pushf(&out->warnings, "package '%s' is not covered by any spec; "
					"`git spec create %s` adds one", leaves.v[i], leaves.v[i]);
	}
	if (!all && !touched.nr)
		goto done;
	if ((error = gs_engine_new(&eng, &cfg, cache)) < 0)
		goto done;
	if ((error = gs_plan_build(&plan, eng, src, reg, &pkgs, all ? NULL : &touched)) < 0)
		goto done;
	for (i = 0; i < plan.nr; i++) {
		const gs_plan_item *it = &plan.items[i];

		gs_strvec_push(&out->packages, it->package);
		if (it->error) {
			/* Each variant of a package carries its error: say it once. */
			size_t k;

			for (k = 0; k < out->errors.nr; k++)
				if (!strcmp(out->errors.v[k], it->error))
					break;
			if (k == out->errors.nr)
				gs_strvec_push(&out->errors, it->error);
			out->input_error = 1;
		} else if (!it->fresh) {
			gs_strvec_pushf(&out->stale, "%s contract '%s' (%s, package '%s', variant %s)",
					it->missing ? "missing" : "stale", it->path, it->spec->id,
					it->package, gs_variant_name(it->variant->variant));
		}
	}
	gs_strvec_sort_uniq(&out->packages);
done:
	gs_plan_clear(&plan);
	gs_engine_free(eng);
	gs_package_list_clear(&pkgs);
	gs_registry_free(reg);
	gs_cache_free(cache);
	gs_config_release(&cfg);
	gs_strvec_clear(&touched);
	gs_strvec_clear(&leaves);
	gs_strvec_clear(&problems);
	return error;
}

int gs_hook_check_index(gs_hook_report *out, git_repository *repo, const char *index_path)
{
	gs_source *src = NULL;
	gs_strvec changed = GS_STRVEC_INIT;
	git_reference *head = NULL;
	git_object *tree = NULL;
	int error, r;

	if ((error = gs_source_open_index(&src, repo, index_path)) < 0)
		goto done;
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
	if ((error = gs_index_changed_paths(&changed, gs_source_index(src), repo,
					    (const git_tree *)tree)) < 0)
		goto done;
	error = gs_hook_check_source(out, repo, src, &changed);
done:
	git_object_free(tree);
	git_reference_free(head);
	gs_strvec_clear(&changed);
	gs_source_free(src);
	return error;
}

static int diff_paths(gs_strvec *out, git_repository *repo, const git_tree *old_tree,
		      const git_tree *new_tree)
{
	git_diff *diff = NULL;
	git_diff_options opts;
	size_t i, n;
	int error = 0;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (git_diff_tree_to_tree(&diff, repo, (git_tree *)old_tree, (git_tree *)new_tree, &opts) < 0) {
		error = gs_error_set_git("cannot compare the commit with its parent");
		goto done;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->old_file.path)
			gs_strvec_push(out, d->old_file.path);
		if (d->new_file.path)
			gs_strvec_push(out, d->new_file.path);
	}
	gs_strvec_sort_uniq(out);
done:
	git_diff_free(diff);
	return error;
}

int gs_hook_check_commit(gs_hook_report *out, git_repository *repo, const git_commit *commit)
{
	git_tree *tree = NULL, *ptree = NULL;
	git_commit *parent = NULL;
	gs_source *src = NULL;
	gs_strvec changed = GS_STRVEC_INIT;
	int error;

	if (git_commit_tree(&tree, commit) < 0 ||
	    (git_commit_parentcount(commit) > 0 &&
	     (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&ptree, parent) < 0))) {
		error = gs_error_set_git("cannot read the commit");
		goto done;
	}
	if ((error = diff_paths(&changed, repo, ptree, tree)) < 0)
		goto done;
	if ((error = gs_source_open_git_tree(&src, repo, tree)) < 0)
		goto done;
	error = gs_hook_check_source(out, repo, src, &changed);
done:
	gs_source_free(src);
	gs_strvec_clear(&changed);
	git_commit_free(parent);
	git_tree_free(tree);
	git_tree_free(ptree);
	return error;
}

static int is_zero_oid(const git_oid *oid)
{
	static const git_oid zero;

	return git_oid_equal(oid, &zero);
}

/* Check the commits of one pushed ref, oldest first; 1 when one refused. */
static int push_range(gs_hook_report *out, git_repository *repo, const char *remote,
		      const git_oid *local, const git_oid *remote_oid)
{
	git_revwalk *walk = NULL;
	git_commit *commit = NULL;
	git_oid oid;
	gs_buf glob = GS_BUF_INIT;
	git_odb *odb = NULL;
	int error = 0, r;

	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(walk, local) < 0 || git_repository_odb(&odb, repo) < 0) {
		error = gs_error_set_git("cannot list the pushed commits");
		goto done;
	}
	if (!is_zero_oid(remote_oid) && git_odb_exists(odb, remote_oid)) {
		if (git_revwalk_hide(walk, remote_oid) < 0) {
			error = gs_error_set_git("cannot list the pushed commits");
			goto done;
		}
	} else if (remote && *remote && !strchr(remote, ':') && !strchr(remote, '/')) {
		/* A new branch: what the remote already has, as far as we know. */
		gs_buf_printf(&glob, "refs/remotes/%s/*", remote);
		if (git_revwalk_hide_glob(walk, glob.ptr) < 0)
			gs_error_clear();
	}
	while ((r = git_revwalk_next(&oid, walk)) == 0) {
		if (git_commit_lookup(&commit, repo, &oid) < 0) {
			error = gs_error_set_git("cannot read a pushed commit");
			goto done;
		}
		if ((error = gs_hook_check_commit(out, repo, commit)) < 0)
			goto done;
		if (gs_hook_report_refuses(out)) {
			const char *summary = git_commit_summary(commit);

			git_oid_cpy(&out->bad_commit, &oid);
			out->has_bad_commit = 1;
			out->bad_subject = gs_xstrdup(summary ? summary : "");
			error = 1;
			goto done;
		}
		/* Warnings of accepted commits are not worth repeating per commit. */
		gs_strvec_clear(&out->warnings);
		git_commit_free(commit);
		commit = NULL;
	}
	if (r != GIT_ITEROVER)
		error = gs_error_set_git("cannot list the pushed commits");
done:
	git_commit_free(commit);
	git_revwalk_free(walk);
	git_odb_free(odb);
	gs_buf_release(&glob);
	return error;
}

int gs_hook_pre_push(gs_hook_report *out, git_repository *repo, const char *remote,
		     const char *input, size_t len)
{
	size_t pos = 0;
	int error = 0;

	while (pos < len) {
		const char *nl = memchr(input + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - input) - pos : len - pos;
		char *linebuf = gs_xstrndup(input + pos, l);
		char lref[1024], lsha[GIT_OID_HEXSZ + 2], rref[1024], rsha[GIT_OID_HEXSZ + 2];
		git_oid local, remote_oid;
		int n;

		pos += l + (nl ? 1 : 0);
		if (!*linebuf) {
			free(linebuf);
			continue;
		}
		n = sscanf(linebuf, "%1023s %41s %1023s %41s", lref, lsha, rref, rsha);
		if (n != 4 || strlen(lsha) != GIT_OID_HEXSZ || strlen(rsha) != GIT_OID_HEXSZ ||
		    git_oid_fromstr(&local, lsha) < 0 || git_oid_fromstr(&remote_oid, rsha) < 0) {
			error = gs_error_set(GS_EINPUT, "pre-push: cannot parse '%s'", linebuf);
			free(linebuf);
			goto done;
		}
		free(linebuf);
		/* A deletion pushes no commit. */
		if (is_zero_oid(&local))
			continue;
		/* A tag: check the commit it names; a tag of a tree or blob has none. */
		{
			git_object *obj = NULL, *peeled = NULL;
			int ok = !git_object_lookup(&obj, repo, &local, GIT_OBJECT_ANY) &&
				 !git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);

			if (ok)
				git_oid_cpy(&local, git_object_id(peeled));
			git_object_free(peeled);
			git_object_free(obj);
			gs_error_clear();
			if (!ok)
				continue;
		}
		error = push_range(out, repo, remote, &local, &remote_oid);
		if (error)
			break;
	}
	if (error > 0)
		error = 0;
done:
	return error;
}
