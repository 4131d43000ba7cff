#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/config.h"
#include "gitspec/source.h"
#include "gitspec/packages.h"
#include "gitspec/cache.h"
#include "gitspec/spec.h"
#include "gitspec/sha1.h"
#include "gitspec/index.h"

static char tmpdir[] = "/tmp/gitspec-registry-XXXXXX";
static int repo_counter;

/* Run a shell command in the current test repository. */
static int sh(const char *fmt, ...) GS_PRINTF(1, 2);
static int sh(const char *fmt, ...)
{
	gs_buf cmd = GS_BUF_INIT;
	va_list ap;
	int rc;

	gs_buf_printf(&cmd, "cd '%s/r%d' && (", tmpdir, repo_counter);
	va_start(ap, fmt);
	gs_buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	gs_buf_puts(&cmd, ") >/dev/null 2>&1");
	rc = system(cmd.ptr);
	gs_buf_release(&cmd);
	return rc;
}

/* Write `content` to `path` in the current repository, creating directories. */
static void put(const char *path, const char *content)
{
	gs_buf p = GS_BUF_INIT, cmd = GS_BUF_INIT;
	FILE *f;
	char *slash;

	gs_buf_printf(&p, "%s/r%d/%s", tmpdir, repo_counter, path);
	slash = strrchr(p.ptr, '/');
	*slash = '\0';
	gs_buf_printf(&cmd, "mkdir -p '%s'", p.ptr);
	assert_int_equal(system(cmd.ptr), 0);
	*slash = '/';
	f = fopen(p.ptr, "wb");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	gs_buf_release(&p);
	gs_buf_release(&cmd);
}

static void spec_file(const char *id, const char *ident, const char *extra)
{
	gs_buf path = GS_BUF_INIT, text = GS_BUF_INIT;

	gs_buf_printf(&path, "specify/tech/%s/%s.md", id, id);
	gs_buf_printf(&text, "---\nid: %s\nsources:\n- language: python\n  identifier: %s\n%s"
		      "  variants:\n  - name: public\n    path: contracts/public.md\n"
		      "  - name: all\n    path: contracts/all.md\n"
		      "  - name: tests\n    path: contracts/tests.md\n---\n\n# body\n",
		      id, ident, extra ? extra : "");
	put(path.ptr, text.ptr);
	gs_buf_release(&path);
	gs_buf_release(&text);
}

static git_repository *new_repo(void)
{
	git_repository *repo = NULL;
	gs_buf path = GS_BUF_INIT;

	repo_counter++;
	gs_buf_printf(&path, "mkdir -p '%s/r%d'", tmpdir, repo_counter);
	assert_int_equal(system(path.ptr), 0);
	assert_int_equal(sh("git init -q . && git config user.name T && "
			    "git config user.email t@example.com"), 0);
	gs_buf_clear(&path);
	gs_buf_printf(&path, "%s/r%d", tmpdir, repo_counter);
	assert_int_equal(git_repository_open(&repo, path.ptr), 0);
	gs_buf_release(&path);
	return repo;
}

static void commit(void)
{
	assert_int_equal(sh("git add -A && git commit -qm c --allow-empty"), 0);
}

/* The base layout: packages pkg_a (with sub), pkg_b, top (with child, child2), ns (no __init__). */
static void base_layout(void)
{
	put("pkg_a/__init__.py", "");
	put("pkg_a/mod.py", "def f(): pass\n");
	put("pkg_a/sub/__init__.py", "");
	put("pkg_b/__init__.py", "");
	put("top/__init__.py", "");
	put("top/child/__init__.py", "");
	put("top/child2/__init__.py", "");
	put("ns/a.py", "x = 1\n");
	spec_file("SPEC-001", "pkg_a", NULL);
	spec_file("SPEC-002", "pkg_b/", NULL);
	spec_file("SPEC-003", "top", "  rollup: true\n");
	spec_file("SPEC-004", "top/child2", NULL);
}

struct fixture {
	git_repository *repo;
	gs_source *src;
	gs_config cfg;
	gs_package_list pkgs;
	gs_registry *reg;
	gs_strvec problems;
};

static void load(struct fixture *fx, gs_cache *cache)
{
	if (gs_source_open_tree(&fx->src, fx->repo, "HEAD") < 0)
		fail_msg("%s", gs_error_last());
	gs_config_init(&fx->cfg);
	if (gs_config_load(&fx->cfg, fx->repo, fx->src) < 0)
		fail_msg("%s", gs_error_last());
	fx->pkgs = (gs_package_list)GS_PACKAGE_LIST_INIT;
	assert_int_equal(gs_packages_scan(&fx->pkgs, fx->src, &fx->cfg), 0);
	if (gs_registry_load(&fx->reg, fx->src, &fx->cfg, cache) < 0)
		fail_msg("%s", gs_error_last());
	gs_strvec_init(&fx->problems);
	gs_registry_validate(fx->reg, fx->src, &fx->pkgs, &fx->problems);
}

static void unload(struct fixture *fx)
{
	gs_strvec_clear(&fx->problems);
	gs_registry_free(fx->reg);
	gs_package_list_clear(&fx->pkgs);
	gs_config_release(&fx->cfg);
	gs_source_free(fx->src);
	fx->reg = NULL;
	fx->src = NULL;
}

static void expect_problem(const struct fixture *fx, const char *needle)
{
	size_t i;

	for (i = 0; i < fx->problems.nr; i++)
		if (strstr(fx->problems.v[i], needle))
			return;
	for (i = 0; i < fx->problems.nr; i++)
		fprintf(stderr, "problem: %s\n", fx->problems.v[i]);
	fail_msg("no problem mentions '%s'", needle);
}

static int setup(void **state)
{
	(void)state;
	git_libgit2_init();
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("HOME", tmpdir, 1);
	setenv("GIT_AUTHOR_DATE", "2026-11-21T12:00:00Z", 1);
	setenv("GIT_COMMITTER_DATE", "2026-11-21T12:00:00Z", 1);
	unsetenv("GIT_SPEC_NO_CACHE");
	return 0;
}

static int teardown(void **state)
{
	gs_buf cmd = GS_BUF_INIT;

	(void)state;
	gs_buf_printf(&cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd.ptr) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	gs_buf_release(&cmd);
	git_libgit2_shutdown();
	return 0;
}

static void test_load_and_lookups(void **state)
{
	struct fixture fx = { 0 };
	gs_registry_entry entry;
	const gs_spec_variant *variant = NULL;
	char *next;

	(void)state;
	fx.repo = new_repo();
	base_layout();
	put("specify/tech/SPEC-010/notes.md", "a directory whose spec is missing\n");
	put("specify/tech/README.md", "not a spec\n");
	put("specify/tech/SPEC-005/other.md", "---\nid: SPEC-005\n---\n");
	commit();
	load(&fx, NULL);

	assert_int_equal(fx.reg->errors.nr, 0);
	assert_int_equal(fx.reg->specs_nr, 4);
	assert_string_equal(fx.reg->specs[0]->id, "SPEC-001");
	assert_string_equal(fx.reg->specs[3]->id, "SPEC-004");
	assert_string_equal(fx.reg->specs[1]->sources[0].identifier, "pkg_b");
	if (fx.problems.nr)
		fail_msg("unexpected problem: %s", fx.problems.v[0]);

	assert_int_equal(gs_registry_find_package(&entry, fx.reg, "pkg_a"), 0);
	assert_string_equal(entry.spec->id, "SPEC-001");
	/* no rollup: a sub-package is not covered by its parent's spec */
	assert_int_equal(gs_registry_find_package(&entry, fx.reg, "pkg_a/sub"), GS_ENOTFOUND);
	/* rollup covers below; an own spec wins */
	assert_int_equal(gs_registry_find_package(&entry, fx.reg, "top/child"), 0);
	assert_string_equal(entry.spec->id, "SPEC-003");
	assert_int_equal(gs_registry_find_package(&entry, fx.reg, "top/child2"), 0);
	assert_string_equal(entry.spec->id, "SPEC-004");
	assert_int_equal(gs_registry_find_package(&entry, fx.reg, "topx"), GS_ENOTFOUND);

	assert_non_null(gs_registry_find_id(fx.reg, "SPEC-002"));
	assert_null(gs_registry_find_id(fx.reg, "SPEC-009"));
	assert_int_equal(gs_registry_find_contract(&entry, &variant, fx.reg,
						   "specify/tech/SPEC-002/contracts/all.md"), 0);
	assert_string_equal(entry.spec->id, "SPEC-002");
	assert_int_equal(variant->variant, GS_VARIANT_ALL);
	assert_int_equal(gs_registry_find_contract(&entry, &variant, fx.reg,
						   "specify/tech/SPEC-002/contracts/x.md"), GS_ENOTFOUND);

	/* SPEC-010 exists as a directory: the next id is past it */
	next = gs_registry_next_id(fx.reg);
	assert_string_equal(next, "SPEC-011");
	free(next);
	unload(&fx);
	git_repository_free(fx.repo);
}

static void test_next_id_empty(void **state)
{
	struct fixture fx = { 0 };
	gs_registry reg;
	gs_registry_entry entry;
	char *next;

	(void)state;
	/* a repository without specs (and a second load from the cache) */
	fx.repo = new_repo();
	put("pkg/__init__.py", "");
	commit();
	load(&fx, NULL);
	assert_int_equal(fx.reg->specs_nr, 0);
	assert_int_equal(fx.problems.nr, 0);
	assert_int_equal(gs_registry_find_package(&entry, fx.reg, "pkg"), GS_ENOTFOUND);
	next = gs_registry_next_id(fx.reg);
	assert_string_equal(next, "SPEC-001");
	free(next);
	unload(&fx);
	git_repository_free(fx.repo);

	memset(&reg, 0, sizeof(reg));
	gs_strvec_init(&reg.names);
	next = gs_registry_next_id(&reg);
	assert_string_equal(next, "SPEC-001");
	free(next);
}

static void test_validation(void **state)
{
	struct fixture fx = { 0 };

	(void)state;
	fx.repo = new_repo();
	base_layout();
	/* not a package, missing, covered twice, duplicate id */
	spec_file("SPEC-020", "ns", NULL);
	spec_file("SPEC-021", "gone/away", NULL);
	spec_file("SPEC-022", "pkg_a", NULL);
	put("specify/tech/SPEC-023/SPEC-023.md",
	    "---\nid: SPEC-001\nsources: []\n---\n");
	/* contract paths: through a symlink, onto a source, onto a spec, shared */
	put("specify/tech/SPEC-024/SPEC-024.md",
	    "---\nid: SPEC-024\nsources:\n- identifier: pkg_a/sub\n  variants:\n"
	    "  - {name: public, path: link/public.md}\n"
	    "  - {name: all, path: contracts/all.py}\n"
	    "  - {name: tests, path: SPEC-024.md}\n"
	    "- identifier: top/child\n  variants:\n"
	    "  - {name: public, path: shared.md}\n"
	    "  - {name: all, path: shared.md}\n"
	    "  - {name: tests, path: dir}\n---\n");
	put("specify/tech/SPEC-024/dir/x", "");
	assert_int_equal(sh("ln -s ../../../pkg_a/sub specify/tech/SPEC-024/link"), 0);
	/* a spec that does not parse */
	put("specify/tech/SPEC-025/SPEC-025.md", "---\nid: [\n---\n");
	commit();
	load(&fx, NULL);

	expect_problem(&fx, "specify/tech/SPEC-020/SPEC-020.md: sources[0].identifier: 'ns' "
		       "is not a package (no __init__.py); fix the identifier or restore the package");
	expect_problem(&fx, "specify/tech/SPEC-021/SPEC-021.md: sources[0].identifier: "
		       "'gone/away' does not exist; fix the identifier or restore the package");
	expect_problem(&fx, "specify/tech/SPEC-022/SPEC-022.md: sources[0].identifier: 'pkg_a' "
		       "is also covered by SPEC-001 (specify/tech/SPEC-001/SPEC-001.md)");
	expect_problem(&fx, "specify/tech/SPEC-023/SPEC-023.md: id: 'SPEC-001' is also the id "
		       "of specify/tech/SPEC-001/SPEC-001.md; give one of them a new id "
		       "(the next free one is SPEC-026)");
	expect_problem(&fx, "SPEC-024.md: sources[0].variants[0].path: 'link/public.md' passes "
		       "through a symbolic link");
	expect_problem(&fx, "SPEC-024.md: sources[0].variants[1].path: 'contracts/all.py' is a "
		       "Python source path");
	expect_problem(&fx, "SPEC-024.md: sources[0].variants[2].path: 'SPEC-024.md' is the "
		       "path of a spec file");
	expect_problem(&fx, "SPEC-024.md: sources[1].variants[1].path: "
		       "'specify/tech/SPEC-024/shared.md' is also written by SPEC-024 "
		       "sources[1].variants[0]");
	expect_problem(&fx, "SPEC-024.md: sources[1].variants[2].path: 'dir' is a directory");
	assert_int_equal(fx.problems.nr, 9);
	/* the parse failure is recorded, not validated */
	assert_int_equal(fx.reg->errors.nr, 1);
	if (!strstr(fx.reg->errors.v[0], "specify/tech/SPEC-025/SPEC-025.md: front matter: line 3"))
		fail_msg("%s", fx.reg->errors.v[0]);
	/* the place is data too, for --json: nobody parses the message */
	assert_int_equal(fx.reg->error_places[0].line, 3);
	assert_int_equal(fx.reg->error_places[0].column, 1);
	unload(&fx);
	git_repository_free(fx.repo);
}

static void test_cache(void **state)
{
	struct fixture fx = { 0 }, fx2 = { 0 };
	gs_cache *cache = NULL;
	gs_buf dir = GS_BUF_INIT, val = GS_BUF_INIT, listing = GS_BUF_INIT;
	const gs_source_entry *e;
	git_oid key;
	size_t i;

	(void)state;
	fx.repo = fx2.repo = new_repo();
	base_layout();
	commit();
	gs_buf_printf(&dir, "%s/cache%d", tmpdir, repo_counter);
	assert_int_equal(gs_cache_open_dir(&cache, dir.ptr), 0);
	assert_non_null(cache);
	load(&fx, cache);
	assert_int_equal(fx.reg->specs_nr, 4);

	/* each spec under its blob id, the registry under the listing's hash */
	gs_buf_put(&listing, "gitspec-registry-2", sizeof("gitspec-registry-2"));
	for (i = 0; i < fx.reg->specs_nr; i++) {
		e = gs_source_lookup(fx.src, fx.reg->specs[i]->path);
		assert_non_null(e);
		assert_int_equal(gs_cache_get(&val, cache, "spec", &e->oid), 0);
		gs_buf_put(&listing, e->path, strlen(e->path) + 1);
		gs_buf_put(&listing, (const char *)e->oid.id, GIT_OID_RAWSZ);
	}
	assert_int_equal(git_odb_hash(&key, listing.ptr, listing.size, GIT_OBJECT_BLOB), 0);
	assert_int_equal(gs_cache_get(&val, cache, "registry", &key), 0);

	/* a second load (from the registry entry) gives the same registry */
	load(&fx2, cache);
	assert_int_equal(fx2.reg->specs_nr, fx.reg->specs_nr);
	for (i = 0; i < fx.reg->specs_nr; i++) {
		assert_string_equal(fx2.reg->specs[i]->id, fx.reg->specs[i]->id);
		assert_string_equal(fx2.reg->specs[i]->sources[0].variants[2].repo_path,
				    fx.reg->specs[i]->sources[0].variants[2].repo_path);
	}
	assert_int_equal(fx2.reg->by_package_nr, fx.reg->by_package_nr);
	unload(&fx2);

	/* a changed spec changes the key: the new content is seen */
	spec_file("SPEC-002", "pkg_b", "  module: renamed\n");
	commit();
	load(&fx2, cache);
	assert_string_equal(fx2.reg->specs[1]->sources[0].module, "renamed");
	unload(&fx2);
	unload(&fx);

	/* the same blob at another path resolves its own contract paths */
	assert_int_equal(sh("mkdir -p specify/tech/SPEC-009 && cp specify/tech/SPEC-001/SPEC-001.md "
			    "specify/tech/SPEC-009/SPEC-009.md"), 0);
	commit();
	load(&fx2, cache);
	assert_int_equal(fx2.reg->specs_nr, 5);
	assert_string_equal(fx2.reg->specs[1]->path, "specify/tech/SPEC-009/SPEC-009.md");
	assert_string_equal(fx2.reg->specs[1]->sources[0].variants[0].repo_path,
			    "specify/tech/SPEC-009/contracts/public.md");
	expect_problem(&fx2, "id: 'SPEC-001' is also the id of");
	unload(&fx2);

	/* a bad field value: placed at the value, also when read from the cache */
	put("specify/tech/SPEC-010/SPEC-010.md", "---\nid: SPEC-010\nstatus: [x]\nsources: []\n---\n");
	commit();
	for (i = 0; i < 2; i++) {
		load(&fx2, cache);
		assert_int_equal(fx2.reg->errors.nr, 1);
		assert_string_equal(fx2.reg->error_paths.v[0], "specify/tech/SPEC-010/SPEC-010.md");
		assert_int_equal(fx2.reg->error_places[0].line, 3);
		assert_int_equal(fx2.reg->error_places[0].column, 9);
		unload(&fx2);
	}

	gs_cache_free(cache);
	git_repository_free(fx.repo);
	gs_buf_release(&dir);
	gs_buf_release(&val);
	gs_buf_release(&listing);
}

static void test_worktree_source(void **state)
{
	struct fixture fx = { 0 };
	gs_strvec ignore = GS_STRVEC_INIT;

	(void)state;
	fx.repo = new_repo();
	base_layout();
	commit();
	/* an uncommitted change is what the work tree holds */
	spec_file("SPEC-002", "top/child", NULL);
	gs_config_init(&fx.cfg);
	assert_int_equal(gs_source_open_worktree(&fx.src, fx.repo, &ignore), 0);
	assert_int_equal(gs_registry_load(&fx.reg, fx.src, &fx.cfg, NULL), 0);
	assert_string_equal(gs_registry_find_id(fx.reg, "SPEC-002")->sources[0].identifier,
			    "top/child");
	gs_strvec_init(&fx.problems);
	unload(&fx);
	git_repository_free(fx.repo);
}

/* The ids of `reg`'s specs, joined by spaces (for comparing registries). */
static void spec_ids(gs_buf *out, const gs_registry *reg)
{
	size_t i;

	gs_buf_clear(out);
	for (i = 0; i < reg->specs_nr; i++)
		gs_buf_printf(out, "%s%s", i ? " " : "", reg->specs[i]->id);
}

/* The covering load from the cache alone, on the index as it is now. */
static int load_cached(gs_registry **reg, git_repository *repo, const gs_config *cfg, gs_cache *cache,
		       const gs_strvec *ids)
{
	gs_index *idx = NULL;
	int error;

	assert_int_equal(gs_index_open_repo(&idx, repo, NULL), 0);
	error = gs_registry_load_covering_cached(reg, idx, repo, cfg, cache, ids);
	gs_index_free(idx);
	return error;
}

/* The covering load from the index source (the listing when the tree form misses). */
static void load_covering(gs_buf *ids_out, git_repository *repo, const gs_config *cfg, gs_cache *cache,
			  const gs_strvec *ids)
{
	gs_source *src = NULL;
	gs_registry *reg = NULL;

	assert_int_equal(gs_source_open_index(&src, repo, NULL), 0);
	if (gs_registry_load_covering(&reg, src, cfg, cache, ids) < 0)
		fail_msg("%s", gs_error_last());
	spec_ids(ids_out, reg);
	gs_registry_free(reg);
	gs_source_free(src);
}

/* The key of the tree-keyed form, as registry.c makes it (ADR 0018). */
static void tree_form_key(git_oid *key, git_repository *repo)
{
	git_object *obj = NULL;
	gs_sha1_ctx ctx;

	assert_int_equal(git_revparse_single(&obj, repo, "HEAD:specify/tech"), 0);
	gs_sha1_init(&ctx);
	gs_sha1_update(&ctx, "gitspec-registry-tree-1", sizeof("gitspec-registry-tree-1"));
	gs_sha1_update(&ctx, "gsreg3", sizeof("gsreg3"));
	gs_sha1_update(&ctx, "specify/tech", sizeof("specify/tech"));
	gs_sha1_update(&ctx, git_object_id(obj)->id, GIT_OID_RAWSZ);
	assert_int_equal(gs_sha1_final(key->id, &ctx), 0);
	git_object_free(obj);
}

static void test_tree_keyed(void **state)
{
	git_repository *repo;
	gs_cache *cache = NULL;
	gs_config cfg;
	gs_strvec ids = GS_STRVEC_INIT;
	gs_registry *reg = NULL;
	gs_buf dir = GS_BUF_INIT, got = GS_BUF_INIT, want = GS_BUF_INIT;
	git_oid key;
	static const char *const sets[][3] = {
		{ "pkg_a", NULL, NULL },
		{ "top", "top/child2", NULL },
		{ "pkg_b", "top", NULL },
		{ "nothing", NULL, NULL },
	};
	size_t i, j;

	(void)state;
	repo = new_repo();
	base_layout();
	commit();
	gs_config_init(&cfg);
	gs_buf_printf(&dir, "%s/cache%d", tmpdir, repo_counter);
	assert_int_equal(gs_cache_open_dir(&cache, dir.ptr), 0);

	/* nothing cached: not found, and the listing's load writes it */
	gs_strvec_push(&ids, "pkg_a");
	assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), GS_ENOTFOUND);
	assert_null(reg);
	load_covering(&want, repo, &cfg, cache, &ids);
	assert_string_equal(want.ptr, "SPEC-001 SPEC-002 SPEC-003 SPEC-004");  /* a miss: all */

	/* the same covering specs as the listing-keyed registry gives */
	for (i = 0; i < GS_ARRAY_SIZE(sets); i++) {
		gs_source *tree_src = NULL;
		gs_registry *old = NULL;

		gs_strvec_clear(&ids);
		for (j = 0; j < 3 && sets[i][j]; j++)
			gs_strvec_push(&ids, sets[i][j]);
		gs_strvec_sort_uniq(&ids);
		assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), 0);
		spec_ids(&got, reg);
		/* a tree source has no tree form: the listing-keyed entry, filtered */
		assert_int_equal(gs_source_open_tree(&tree_src, repo, "HEAD"), 0);
		assert_int_equal(gs_registry_load_covering(&old, tree_src, &cfg, cache, &ids), 0);
		spec_ids(&want, old);
		assert_string_equal(got.ptr, want.ptr);
		gs_registry_free(old);
		gs_source_free(tree_src);
		gs_registry_free(reg);
		reg = NULL;
	}
	gs_strvec_clear(&ids);
	gs_strvec_push(&ids, "pkg_b");
	assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), 0);
	assert_int_equal(reg->specs_nr, 1);
	assert_string_equal(reg->specs[0]->sources[0].variants[0].repo_path,
			    "specify/tech/SPEC-002/contracts/public.md");
	assert_int_equal(reg->names.nr, 0);
	gs_registry_free(reg);
	reg = NULL;

	/* a staged spec change: the cache-tree is invalid, no tree to key by */
	spec_file("SPEC-002", "pkg_b", "  module: renamed\n");
	assert_int_equal(sh("git add specify"), 0);
	assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), GS_ENOTFOUND);
	/* its new tree (cache-tree rebuilt) is another key: never the old specs */
	assert_int_equal(sh("git write-tree"), 0);
	assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), GS_ENOTFOUND);
	load_covering(&want, repo, &cfg, cache, &ids);
	assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), 0);
	assert_string_equal(reg->specs[0]->sources[0].module, "renamed");
	gs_registry_free(reg);
	reg = NULL;
	commit();

	/*
	 * A cone sparse index: the specs directory lies in the sparse
	 * directory "specify/"; its subtree gives the same key.
	 */
	assert_int_equal(sh("git sparse-checkout init --cone --sparse-index && "
			    "git sparse-checkout set pkg_a && git ls-files --sparse | grep -qx specify/"), 0);
	assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), 0);
	assert_string_equal(reg->specs[0]->sources[0].module, "renamed");
	gs_registry_free(reg);
	reg = NULL;
	/* a spec changed under the sparse directory: a new tree, a miss, then the new spec */
	assert_int_equal(sh("git sparse-checkout disable"), 0);
	spec_file("SPEC-002", "pkg_b", "  module: again\n");
	commit();
	assert_int_equal(sh("git sparse-checkout init --cone --sparse-index && "
			    "git sparse-checkout set pkg_a && git ls-files --sparse | grep -qx specify/"), 0);
	assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), GS_ENOTFOUND);
	load_covering(&want, repo, &cfg, cache, &ids);
	assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), 0);
	assert_string_equal(reg->specs[0]->sources[0].module, "again");
	gs_registry_free(reg);
	reg = NULL;

	/* a header that is not one, or one whose shards are gone: not found, never wrong */
	tree_form_key(&key, repo);
	assert_int_equal(gs_cache_put(cache, "registry-tree", &key, "garbage", 7), 0);
	assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), GS_ENOTFOUND);
	{
		gs_buf head = GS_BUF_INIT;

		gs_buf_put(&head, "gsregt1", sizeof("gsregt1"));
		gs_buf_put_u32le(&head, 977);  /* shards nobody wrote */
		gs_buf_put_u32le(&head, 0);
		assert_int_equal(gs_cache_put(cache, "registry-tree", &key, head.ptr, head.size), 0);
		gs_buf_release(&head);
	}
	assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), GS_ENOTFOUND);
	/* the listing's load puts it right again */
	load_covering(&want, repo, &cfg, cache, &ids);
	assert_int_equal(load_cached(&reg, repo, &cfg, cache, &ids), 0);
	assert_string_equal(reg->specs[0]->sources[0].module, "again");
	gs_registry_free(reg);

	gs_strvec_clear(&ids);
	gs_config_release(&cfg);
	gs_cache_free(cache);
	git_repository_free(repo);
	gs_buf_release(&dir);
	gs_buf_release(&got);
	gs_buf_release(&want);
}

/*
 * A file of a part inside a sparse directory is looked up alone (ADR
 * 0018): the same entries as listing the directory, also for a path that
 * is a directory or missing, and again from the cache.
 */
static void test_sparse_part_files(void **state)
{
	git_repository *repo;
	gs_index *idx = NULL;
	static const char *const files[] = {
		"specify", "specify/tech", "specify/tech/SPEC-001",
		"specify/tech/SPEC-001/SPEC-001.md", "specify/tech/SPEC-001/contracts/public.md",
		"specify/tech/SPEC-009/SPEC-009.md", "pkg_b/__init__.py",
	};
	size_t i, round;

	(void)state;
	repo = new_repo();
	base_layout();
	put("specify/tech/SPEC-001/contracts/public.md", "x\n");
	commit();
	assert_int_equal(sh("git sparse-checkout init --cone --sparse-index && "
			    "git sparse-checkout set pkg_a && git ls-files --sparse | grep -qx specify/"), 0);
	assert_int_equal(gs_index_open_repo(&idx, repo, NULL), 0);
	for (round = 0; round < 2; round++) {
		gs_source_part alone = GS_SOURCE_PART_INIT, listed = GS_SOURCE_PART_INIT;
		gs_source *a = NULL, *b = NULL;

		for (i = 0; i < GS_ARRAY_SIZE(files); i++) {
			gs_strvec_push(&alone.files, files[i]);
			gs_strvec_push(&listed.files, files[i]);
		}
		gs_strvec_sort_uniq(&alone.files);
		gs_strvec_sort_uniq(&listed.files);
		/* a tree of the part makes the sparse directory listed */
		gs_strvec_push(&listed.trees, "pkg_b/none");
		gs_strvec_push(&listed.trees, "specify/none");
		assert_int_equal(gs_source_open_index_part(&a, repo, idx, &alone), 0);
		assert_int_equal(gs_source_open_index_part(&b, repo, idx, &listed), 0);
		assert_int_equal(gs_source_count(a), 3);
		assert_int_equal(gs_source_count(a), gs_source_count(b));
		for (i = 0; i < gs_source_count(a); i++) {
			const gs_source_entry *x = gs_source_get(a, i), *y = gs_source_get(b, i);

			assert_string_equal(x->path, y->path);
			assert_int_equal(x->mode, y->mode);
			assert_true(git_oid_equal(&x->oid, &y->oid));
		}
		assert_string_equal(gs_source_get(a, 0)->path, "pkg_b/__init__.py");
		assert_string_equal(gs_source_get(a, 2)->path, "specify/tech/SPEC-001/contracts/public.md");
		gs_source_free(a);
		gs_source_free(b);
		gs_source_part_clear(&alone);
		gs_source_part_clear(&listed);
	}
	gs_index_free(idx);
	git_repository_free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_lookups),
		cmocka_unit_test(test_next_id_empty),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_worktree_source),
		cmocka_unit_test(test_tree_keyed),
		cmocka_unit_test(test_sparse_part_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
