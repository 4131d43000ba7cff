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
#include "gitspec/engine.h"
#include "gitspec/plan.h"

static char tmpdir[] = "/tmp/gitspec-engine-XXXXXX";
static int repo_counter;

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

static void put_n(const char *path, const char *content, size_t len)
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
	assert_int_equal(fwrite(content, 1, len, f), len);
	fclose(f);
	gs_buf_release(&p);
	gs_buf_release(&cmd);
}

static void put(const char *path, const char *content)
{
	put_n(path, content, strlen(content));
}

static void spec_file(const char *id, const char *ident, const char *extra)
{
	gs_buf path = GS_BUF_INIT, text = GS_BUF_INIT;

	gs_buf_printf(&path, "specify/tech/%s/%s.md", id, id);
	gs_buf_printf(&text, "---\nid: %s\nsources:\n- language: python\n  identifier: %s\n%s"
		      "  variants:\n  - name: public\n    path: contracts/public.md\n"
		      "  - name: all\n    path: contracts/all.md\n"
		      "  - name: tests\n    path: contracts/tests.md\n---\n",
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

static void layout(void)
{
	put("pkg/__init__.py", "__all__ = [\"f\", \"C\", \"f\"]\n");
	put("pkg/mod.py",
	    "\"\"\"Module doc.\"\"\"\n"
	    "X: int = 1\n"
	    "def f(x: int) -> str:\n"
	    "    \"\"\"Do f.\"\"\"\n"
	    "    return str(x)\n"
	    "class C:\n"
	    "    def m(self): pass\n"
	    "def _private(): pass\n");
	put("pkg/test_mod.py", "def test_f(): pass\n");
	put("pkg/inner/__init__.py", "");
	put("pkg/inner/deep.py", "def deep(): pass\n");
	put("broken/__init__.py", "");
	put("broken/bad.py", "def f(:\n    pass\n");
	put("broken/test_ok.py", "def test_ok(): pass\n");
	put("badinit/__init__.py", "x = = 1\n");
	put("badinit/ok.py", "x = 1\n");
}

struct fixture {
	git_repository *repo;
	gs_source *src;
	gs_config cfg;
	gs_package_list pkgs;
	gs_engine *eng;
};

static void open_fixture(struct fixture *fx, gs_cache *cache)
{
	assert_int_equal(gs_source_open_tree(&fx->src, fx->repo, "HEAD"), 0);
	gs_config_init(&fx->cfg);
	fx->pkgs = (gs_package_list)GS_PACKAGE_LIST_INIT;
	assert_int_equal(gs_packages_scan(&fx->pkgs, fx->src, &fx->cfg), 0);
	assert_int_equal(gs_engine_new(&fx->eng, &fx->cfg, cache), 0);
}

static void close_fixture(struct fixture *fx)
{
	gs_engine_free(fx->eng);
	gs_package_list_clear(&fx->pkgs);
	gs_config_release(&fx->cfg);
	gs_source_free(fx->src);
	fx->eng = NULL;
	fx->src = NULL;
}

static int contract(gs_buf *out, struct fixture *fx, const char *pkg_path, const char *module,
		    gs_variant variant, gs_format format)
{
	const gs_package *pkg = gs_packages_find(&fx->pkgs, pkg_path);

	assert_non_null(pkg);
	gs_buf_clear(out);
	return gs_engine_contract(out, fx->eng, fx->src, &fx->pkgs, pkg, module, 0, variant, format);
}

#define CONTAINS(buf, s) do { if (!strstr((buf).ptr, (s))) \
	fail_msg("'%s' not in:\n%s", (s), (buf).ptr); } while (0)
#define STARTS(buf, s) do { if (strncmp((buf).ptr, (s), strlen(s))) \
	fail_msg("does not start with '%s':\n%s", (s), (buf).ptr); } while (0)
#define LACKS(buf, s) do { if (strstr((buf).ptr, (s))) \
	fail_msg("'%s' unexpectedly in:\n%s", (s), (buf).ptr); } while (0)

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
	unsetenv("GIT_SPEC_THREADS");
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

static void test_contract_variants(void **state)
{
	struct fixture fx = { 0 };
	gs_buf out = GS_BUF_INIT, again = GS_BUF_INIT;

	(void)state;
	fx.repo = new_repo();
	layout();
	commit();
	open_fixture(&fx, NULL);

	assert_int_equal(contract(&out, &fx, "pkg", NULL, GS_VARIANT_PUBLIC, GS_FORMAT_MARKDOWN), 0);
	STARTS(out, "# `pkg` \xe2\x80\x94 public contract\n\n<!-- Derived");
	CONTAINS(out, "## Exports\n\n- `C`\n- `f`\n\n");
	CONTAINS(out, "## `pkg/mod.py`\n\nModule doc.\n");
	CONTAINS(out, "`def f(x: int) -> str`\n  Do f.");
	CONTAINS(out, "`X: int = 1`");
	LACKS(out, "_private");
	LACKS(out, "test_mod");
	/* Format 2: __init__.py is a file section of its own. */
	CONTAINS(out, "## `pkg/__init__.py`\n");
	LACKS(out, "deep"); /* a sub-package's files belong to it */
	assert_int_equal(out.ptr[out.size - 1], '\n');

	assert_int_equal(contract(&out, &fx, "pkg", "custom.name", GS_VARIANT_ALL, GS_FORMAT_MARKDOWN), 0);
	STARTS(out, "# `custom.name` \xe2\x80\x94 all contract\n");
	CONTAINS(out, "_private");
	CONTAINS(out, "## Exports");

	assert_int_equal(contract(&out, &fx, "pkg", NULL, GS_VARIANT_TESTS, GS_FORMAT_MARKDOWN), 0);
	CONTAINS(out, "## `pkg/test_mod.py`");
	CONTAINS(out, "test_f");
	LACKS(out, "mod.py`\n\nModule doc.");
	LACKS(out, "## Exports");

	assert_int_equal(contract(&out, &fx, "pkg", NULL, GS_VARIANT_PUBLIC, GS_FORMAT_JSON), 0);
	assert_int_equal(out.ptr[0], '{');
	CONTAINS(out, "\"variant\"");
	CONTAINS(out, "\"pkg/mod.py\"");

	/* rollup takes the sub-package's files too */
	gs_buf_clear(&out);
	assert_int_equal(gs_engine_contract(&out, fx.eng, fx.src, &fx.pkgs,
					    gs_packages_find(&fx.pkgs, "pkg"), NULL, 1,
					    GS_VARIANT_PUBLIC, GS_FORMAT_MARKDOWN), 0);
	CONTAINS(out, "## `pkg/inner/deep.py`");

	/*
	 * Models dropped (freed on a thread of their own): the next call
	 * waits for it and extracts again, the same bytes; dropped and freed
	 * at once, the engine waits too (ASan would see a leak or a use
	 * after free otherwise).
	 */
	gs_buf_sets(&again, out.ptr);
	gs_engine_drop_models(fx.eng);
	gs_engine_drop_models(fx.eng);
	gs_buf_clear(&out);
	assert_int_equal(gs_engine_contract(&out, fx.eng, fx.src, &fx.pkgs,
					    gs_packages_find(&fx.pkgs, "pkg"), NULL, 1,
					    GS_VARIANT_PUBLIC, GS_FORMAT_MARKDOWN), 0);
	assert_string_equal(out.ptr, again.ptr);
	gs_engine_drop_models(fx.eng);
	close_fixture(&fx);
	gs_engine_drop_models(NULL);
	git_repository_free(fx.repo);
	gs_buf_release(&out);
	gs_buf_release(&again);
}

static void test_syntax_errors(void **state)
{
	struct fixture fx = { 0 };
	gs_buf out = GS_BUF_INIT, dir = GS_BUF_INIT, val = GS_BUF_INIT, msg = GS_BUF_INIT;
	gs_cache *cache = NULL;
	const gs_source_entry *e;
	int round;

	(void)state;
	fx.repo = new_repo();
	layout();
	commit();
	gs_buf_printf(&dir, "%s/cache%d", tmpdir, repo_counter);
	assert_int_equal(gs_cache_open_dir(&cache, dir.ptr), 0);
	assert_non_null(cache);

	/* the second round reads the negative entry from the cache */
	for (round = 0; round < 2; round++) {
		open_fixture(&fx, cache);
		assert_int_equal(contract(&out, &fx, "broken", NULL, GS_VARIANT_PUBLIC,
					  GS_FORMAT_MARKDOWN), GS_EINPUT);
		if (round == 0)
			gs_buf_sets(&msg, gs_error_last());
		assert_true(!strncmp(gs_error_last(), "broken/bad.py:1:", 16));
		assert_non_null(strstr(gs_error_last(), "syntax error"));
		assert_string_equal(gs_error_last(), msg.ptr);
		/* the tests variant does not select the broken file */
		assert_int_equal(contract(&out, &fx, "broken", NULL, GS_VARIANT_TESTS,
					  GS_FORMAT_MARKDOWN), 0);
		CONTAINS(out, "test_ok");
		/* a broken __init__.py fails public and all, not tests */
		assert_int_equal(contract(&out, &fx, "badinit", NULL, GS_VARIANT_ALL,
					  GS_FORMAT_MARKDOWN), GS_EINPUT);
		assert_true(!strncmp(gs_error_last(), "badinit/__init__.py:1:", 22));
		assert_int_equal(contract(&out, &fx, "badinit", NULL, GS_VARIANT_TESTS,
					  GS_FORMAT_MARKDOWN), 0);
		close_fixture(&fx);
	}

	/* contracts are cached whole, keyed by their inputs */
	open_fixture(&fx, cache);
	assert_int_equal(gs_engine_contract_lookup(&out, fx.eng, fx.src, &fx.pkgs,
						   gs_packages_find(&fx.pkgs, "pkg"), NULL, 0,
						   GS_VARIANT_PUBLIC, GS_FORMAT_MARKDOWN), GS_ENOTFOUND);
	assert_int_equal(contract(&out, &fx, "pkg", NULL, GS_VARIANT_PUBLIC, GS_FORMAT_MARKDOWN), 0);
	gs_buf_sets(&msg, out.ptr);
	close_fixture(&fx);
	open_fixture(&fx, cache);
	gs_buf_clear(&out);
	assert_int_equal(gs_engine_contract_lookup(&out, fx.eng, fx.src, &fx.pkgs,
						   gs_packages_find(&fx.pkgs, "pkg"), NULL, 0,
						   GS_VARIANT_PUBLIC, GS_FORMAT_MARKDOWN), 0);
	assert_string_equal(out.ptr, msg.ptr);
	/* another module name, variant or format is another contract */
	assert_int_equal(gs_engine_contract_lookup(&out, fx.eng, fx.src, &fx.pkgs,
						   gs_packages_find(&fx.pkgs, "pkg"), "other", 0,
						   GS_VARIANT_PUBLIC, GS_FORMAT_MARKDOWN), GS_ENOTFOUND);
	assert_int_equal(gs_engine_contract_lookup(&out, fx.eng, fx.src, &fx.pkgs,
						   gs_packages_find(&fx.pkgs, "pkg"), NULL, 0,
						   GS_VARIANT_ALL, GS_FORMAT_MARKDOWN), GS_ENOTFOUND);
	assert_int_equal(gs_engine_contract_lookup(&out, fx.eng, fx.src, &fx.pkgs,
						   gs_packages_find(&fx.pkgs, "pkg"), NULL, 0,
						   GS_VARIANT_PUBLIC, GS_FORMAT_JSON), GS_ENOTFOUND);
	close_fixture(&fx);
	/* a changed input file is another contract */
	put("pkg/mod.py", "def changed(): pass\n");
	commit();
	open_fixture(&fx, cache);
	assert_int_equal(gs_engine_contract_lookup(&out, fx.eng, fx.src, &fx.pkgs,
						   gs_packages_find(&fx.pkgs, "pkg"), NULL, 0,
						   GS_VARIANT_PUBLIC, GS_FORMAT_MARKDOWN), GS_ENOTFOUND);
	gs_buf_clear(&out);
	assert_int_equal(contract(&out, &fx, "pkg", NULL, GS_VARIANT_PUBLIC, GS_FORMAT_MARKDOWN), 0);
	CONTAINS(out, "changed");
	close_fixture(&fx);

	assert_int_equal(gs_source_open_tree(&fx.src, fx.repo, "HEAD"), 0);
	e = gs_source_lookup(fx.src, "broken/bad.py");
	assert_non_null(e);
	assert_int_equal(gs_cache_get(&val, cache, "model", &e->oid), 0);
	/* the place (line, column: two little-endian words), then "L:C: ..." */
	assert_int_equal(val.ptr[0], 'F');
	assert_int_equal((unsigned char)val.ptr[1], 1);
	assert_true(!strncmp(val.ptr + 9, "1:", 2));
	e = gs_source_lookup(fx.src, "broken/test_ok.py");
	assert_int_equal(gs_cache_get(&val, cache, "model", &e->oid), 0);
	assert_int_equal(val.ptr[0], 'M');
	gs_source_free(fx.src);

	gs_cache_free(cache);
	git_repository_free(fx.repo);
	gs_buf_release(&out);
	gs_buf_release(&dir);
	gs_buf_release(&val);
	gs_buf_release(&msg);
}

static void build_plan(gs_plan *plan, struct fixture *fx, gs_registry **reg,
		       const gs_strvec *packages)
{
	if (gs_registry_load(reg, fx->src, &fx->cfg, NULL) < 0)
		fail_msg("%s", gs_error_last());
	if (gs_plan_build(plan, fx->eng, fx->src, *reg, &fx->pkgs, packages) < 0)
		fail_msg("%s", gs_error_last());
}

static void write_contracts(const gs_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nr; i++)
		if (!plan->items[i].error)
			put_n(plan->items[i].path, plan->items[i].content.ptr,
			      plan->items[i].content.size);
}

static void test_plan(void **state)
{
	struct fixture fx = { 0 };
	gs_plan plan = GS_PLAN_INIT;
	gs_registry *reg = NULL;
	gs_strvec only = GS_STRVEC_INIT;
	size_t i;

	(void)state;
	fx.repo = new_repo();
	layout();
	spec_file("SPEC-001", "pkg", NULL);
	spec_file("SPEC-002", "broken", NULL);
	spec_file("SPEC-003", "gone", NULL);
	spec_file("SPEC-004", "pkg/inner", "  module: given.name\n");
	commit();

	open_fixture(&fx, NULL);
	build_plan(&plan, &fx, &reg, NULL);
	assert_int_equal(plan.nr, 12);
	assert_string_equal(plan.items[0].spec->id, "SPEC-001");
	assert_int_equal(plan.items[0].variant->variant, GS_VARIANT_PUBLIC);
	assert_string_equal(plan.items[0].path, "specify/tech/SPEC-001/contracts/public.md");
	assert_string_equal(plan.items[0].package, "pkg");
	for (i = 0; i < 3; i++) {
		git_oid want;

		assert_null(plan.items[i].error);
		assert_int_equal(plan.items[i].missing, 1);
		assert_int_equal(plan.items[i].fresh, 0);
		/* the blob id is git's */
		assert_int_equal(git_odb_hash(&want, plan.items[i].content.ptr,
					      plan.items[i].content.size, GIT_OBJECT_BLOB), 0);
		assert_true(git_oid_equal(&want, &plan.items[i].oid));
	}
	assert_non_null(strstr(plan.items[3].error, "broken/bad.py:1:"));
	assert_non_null(strstr(plan.items[4].error, "syntax error"));
	assert_null(plan.items[5].error);
	for (i = 6; i < 9; i++)
		assert_string_equal(plan.items[i].error, "package 'gone' does not exist");
	/* the module written in the spec wins */
	STARTS(plan.items[9].content, "# `given.name` ");
	assert_int_equal(plan.error_nr, 5);
	assert_int_equal(plan.stale_nr, 7);

	/* write them, commit: fresh */
	write_contracts(&plan);
	gs_plan_clear(&plan);
	gs_registry_free(reg);
	close_fixture(&fx);
	commit();
	open_fixture(&fx, NULL);
	build_plan(&plan, &fx, &reg, NULL);
	for (i = 0; i < 3; i++) {
		assert_int_equal(plan.items[i].fresh, 1);
		assert_int_equal(plan.items[i].missing, 0);
	}
	assert_int_equal(plan.items[5].fresh, 1);
	assert_int_equal(plan.stale_nr, 0);
	assert_int_equal(plan.error_nr, 5);
	gs_plan_clear(&plan);
	gs_registry_free(reg);
	close_fixture(&fx);

	/* a change to a source makes public and all stale, not tests */
	put("pkg/mod.py", "def g(): pass\n");
	commit();
	open_fixture(&fx, NULL);
	build_plan(&plan, &fx, &reg, NULL);
	assert_int_equal(plan.items[0].fresh, 0);
	assert_int_equal(plan.items[0].missing, 0);
	assert_int_equal(plan.items[1].fresh, 0);
	assert_int_equal(plan.items[2].fresh, 1);
	assert_int_equal(plan.stale_nr, 2);
	gs_plan_clear(&plan);
	gs_registry_free(reg);

	/* only the specs covering given packages */
	gs_strvec_push(&only, "pkg/inner");
	build_plan(&plan, &fx, &reg, &only);
	assert_int_equal(plan.nr, 3);
	assert_string_equal(plan.items[0].spec->id, "SPEC-004");
	gs_plan_clear(&plan);
	gs_registry_free(reg);
	close_fixture(&fx);

	/* a rollup spec is selected by a package below it */
	spec_file("SPEC-001", "pkg", "  rollup: true\n");
	commit();
	open_fixture(&fx, NULL);
	build_plan(&plan, &fx, &reg, &only);
	assert_int_equal(plan.nr, 6);
	assert_string_equal(plan.items[0].spec->id, "SPEC-001");
	assert_non_null(strstr(plan.items[0].content.ptr, "pkg/inner/deep.py"));
	gs_plan_clear(&plan);
	gs_registry_free(reg);
	close_fixture(&fx);

	/* the work tree: an unstaged change is seen */
	put("pkg/mod.py", "def h(): pass\n");
	{
		gs_strvec ignore = GS_STRVEC_INIT;

		gs_config_init(&fx.cfg);
		assert_int_equal(gs_source_open_worktree(&fx.src, fx.repo, &ignore), 0);
		fx.pkgs = (gs_package_list)GS_PACKAGE_LIST_INIT;
		assert_int_equal(gs_packages_scan(&fx.pkgs, fx.src, &fx.cfg), 0);
		assert_int_equal(gs_engine_new(&fx.eng, &fx.cfg, NULL), 0);
		build_plan(&plan, &fx, &reg, NULL);
		assert_non_null(strstr(plan.items[1].content.ptr, "def h()"));
		assert_int_equal(plan.items[1].fresh, 0);
		assert_int_equal(plan.items[5].fresh, 1);
		assert_int_equal(plan.items[9].fresh, 1);

		/*
		 * Rewritten with the same bytes (the index no longer vouches for
		 * the file: its bytes are compared) and with one more byte.
		 */
		put_n(plan.items[5].path, plan.items[5].content.ptr, plan.items[5].content.size);
		put_n(plan.items[9].path, plan.items[9].content.ptr, plan.items[9].content.size - 1);
		gs_plan_clear(&plan);
		gs_registry_free(reg);
		close_fixture(&fx);

		gs_config_init(&fx.cfg);
		assert_int_equal(gs_source_open_worktree(&fx.src, fx.repo, &ignore), 0);
		fx.pkgs = (gs_package_list)GS_PACKAGE_LIST_INIT;
		assert_int_equal(gs_packages_scan(&fx.pkgs, fx.src, &fx.cfg), 0);
		assert_int_equal(gs_engine_new(&fx.eng, &fx.cfg, NULL), 0);
		build_plan(&plan, &fx, &reg, NULL);
		assert_int_equal(gs_source_lookup(fx.src, plan.items[5].path)->has_oid, 0);
		assert_int_equal(plan.items[5].fresh, 1);
		assert_int_equal(plan.items[9].fresh, 0);
		assert_int_equal(plan.items[9].missing, 0);
		gs_plan_clear(&plan);
		gs_registry_free(reg);
		close_fixture(&fx);
	}
	gs_strvec_clear(&only);
	git_repository_free(fx.repo);
}

/* A work-tree source and engine for `fx` (its sizes known: the big files go first). */
static void open_worktree_fixture(struct fixture *fx, gs_cache *cache)
{
	gs_strvec ignore = GS_STRVEC_INIT;

	gs_config_init(&fx->cfg);
	assert_int_equal(gs_source_open_worktree(&fx->src, fx->repo, &ignore), 0);
	fx->pkgs = (gs_package_list)GS_PACKAGE_LIST_INIT;
	assert_int_equal(gs_packages_scan(&fx->pkgs, fx->src, &fx->cfg), 0);
	assert_int_equal(gs_engine_new(&fx->eng, &fx->cfg, cache), 0);
}

/*
 * Plans of a package of many files, three of them past the size parsed
 * one at a time, are byte-identical on 1 thread and on several, from a
 * commit (sizes unknown) and from the work tree (largest first, the big
 * files on the calling thread).
 */
static void test_threads_identical(void **state)
{
	struct fixture fx = { 0 };
	gs_plan plans[5] = { GS_PLAN_INIT, GS_PLAN_INIT, GS_PLAN_INIT, GS_PLAN_INIT, GS_PLAN_INIT };
	gs_registry *regs[5] = { NULL, NULL, NULL, NULL, NULL };
	gs_buf path = GS_BUF_INIT, text = GS_BUF_INIT, dir = GS_BUF_INIT;
	gs_cache *cache = NULL;
	static const char *const threads[] = { "1", "2", "2", "2", "3" };
	size_t i, r;

	(void)state;
	fx.repo = new_repo();
	for (i = 0; i < 60; i++) {
		gs_buf_clear(&path);
		gs_buf_clear(&text);
		gs_buf_printf(&path, "many/sub%zu/__init__.py", i % 7);
		put(path.ptr, "");
		gs_buf_clear(&path);
		gs_buf_printf(&path, "many/sub%zu/m%02zu.py", i % 7, i);
		gs_buf_printf(&text, "\"\"\"File %zu.\"\"\"\nV%zu: int = %zu\n"
			      "def f%zu(a, b: str = 'x', *args, k: int = 1, **kw) -> None:\n"
			      "    pass\nclass K%zu(Base):\n    def m(self): pass\n", i, i, i, i, i);
		put(path.ptr, text.ptr);
	}
	for (i = 0; i < 3; i++) {
		size_t k;

		/* past BIG_FILE (256 KiB) */
		gs_buf_clear(&path);
		gs_buf_clear(&text);
		gs_buf_printf(&path, "many/sub%zu/big%zu.py", i, i);
		gs_buf_printf(&text, "\"\"\"Big %zu.\"\"\"\n", i);
		for (k = 0; text.size < (300u << 10) + i * 1000; k++)
			gs_buf_printf(&text, "def big%zu_%zu(x: int = %zu) -> int:\n    return x + %zu\n",
				      i, k, k, k);
		put(path.ptr, text.ptr);
	}
	put("many/__init__.py", "");
	spec_file("SPEC-001", "many", "  rollup: true\n");
	for (i = 0; i < 7; i++) {
		gs_buf_clear(&path);
		gs_buf_clear(&text);
		gs_buf_printf(&path, "SPEC-1%02zu", i);
		gs_buf_printf(&text, "many/sub%zu", i);
		spec_file(path.ptr, text.ptr, NULL);
	}
	commit();
	gs_buf_printf(&dir, "%s/cache%d", tmpdir, repo_counter);
	assert_int_equal(gs_cache_open_dir(&cache, dir.ptr), 0);

	/*
	 * 1 thread without cache, 2 threads filling the cache, 2 threads from
	 * it; then the work tree on 2 and 3 threads without cache.
	 */
	for (r = 0; r < 5; r++) {
		setenv("GIT_SPEC_THREADS", threads[r], 1);
		if (r < 3)
			open_fixture(&fx, r ? cache : NULL);
		else
			open_worktree_fixture(&fx, NULL);
		build_plan(&plans[r], &fx, &regs[r], NULL);
		close_fixture(&fx);
	}
	unsetenv("GIT_SPEC_THREADS");
	assert_int_equal(plans[0].nr, 24);
	for (r = 1; r < 5; r++) {
		assert_int_equal(plans[r].nr, plans[0].nr);
		for (i = 0; i < plans[0].nr; i++) {
			assert_null(plans[r].items[i].error);
			assert_string_equal(plans[r].items[i].path, plans[0].items[i].path);
			assert_int_equal(plans[r].items[i].content.size, plans[0].items[i].content.size);
			assert_memory_equal(plans[r].items[i].content.ptr, plans[0].items[i].content.ptr,
					    plans[0].items[i].content.size);
			assert_true(git_oid_equal(&plans[r].items[i].oid, &plans[0].items[i].oid));
		}
	}
	assert_non_null(strstr(plans[0].items[0].content.ptr, "## `many/sub3/m59.py`"));
	assert_non_null(strstr(plans[0].items[0].content.ptr, "big2_"));
	for (r = 0; r < 5; r++) {
		gs_plan_clear(&plans[r]);
		gs_registry_free(regs[r]);
	}
	gs_cache_free(cache);
	git_repository_free(fx.repo);
	gs_buf_release(&path);
	gs_buf_release(&text);
	gs_buf_release(&dir);
}

/* Item by item: the same contract or the same error. */
static void assert_plans_equal(const gs_plan *a, const gs_plan *b)
{
	size_t i;

	assert_int_equal(b->nr, a->nr);
	assert_int_equal(b->error_nr, a->error_nr);
	assert_int_equal(b->stale_nr, a->stale_nr);
	for (i = 0; i < a->nr; i++) {
		const gs_plan_item *x = &a->items[i], *y = &b->items[i];

		assert_string_equal(y->path, x->path);
		assert_int_equal(y->error_kind, x->error_kind);
		if (x->error) {
			assert_non_null(y->error);
			assert_string_equal(y->error, x->error);
			assert_string_equal(y->error_path, x->error_path);
			assert_int_equal(y->error_line, x->error_line);
			assert_int_equal(y->error_column, x->error_column);
		} else {
			assert_null(y->error);
		}
		assert_int_equal(y->content.size, x->content.size);
		if (x->content.size)
			assert_memory_equal(y->content.ptr, x->content.ptr, x->content.size);
		assert_true(git_oid_equal(&y->oid, &x->oid));
		assert_int_equal(y->fresh, x->fresh);
		assert_int_equal(y->missing, x->missing);
	}
}

/*
 * Contracts derived on several threads while other packages fail (a
 * syntax error in a file, in a package's __init__.py, a file that cannot
 * be read): the same contracts and errors, item by item, as on one.
 */
static void test_threads_errors(void **state)
{
	struct fixture fx = { 0 };
	gs_plan plans[6] = { GS_PLAN_INIT, GS_PLAN_INIT, GS_PLAN_INIT, GS_PLAN_INIT, GS_PLAN_INIT,
			     GS_PLAN_INIT };
	gs_registry *regs[6] = { NULL, NULL, NULL, NULL, NULL, NULL };
	gs_buf path = GS_BUF_INIT, text = GS_BUF_INIT, dir = GS_BUF_INIT, msg = GS_BUF_INIT;
	gs_cache *cache = NULL;
	static const char *const threads[] = { "1", "2", "3", "2", "2", "1" };
	size_t i, r;

	(void)state;
	fx.repo = new_repo();
	for (i = 0; i < 12; i++) {
		size_t k;

		gs_buf_clear(&path);
		gs_buf_printf(&path, "p%02zu/__init__.py", i);
		put(path.ptr, i == 7 ? "x = = 1\n" : "__all__ = ['f0']\n");
		for (k = 0; k < 4; k++) {
			gs_buf_clear(&path);
			gs_buf_clear(&text);
			gs_buf_printf(&path, "p%02zu/%sm%zu.py", i, k == 3 ? "test_" : "", k);
			if (i == 3 && k == 1)
				gs_buf_puts(&text, "def broken(:\n    pass\n");
			else
				gs_buf_printf(&text, "def f%zu(a: int = %zu) -> int:\n    return a\n"
					      "class K%zu:\n    def m(self): pass\n", k, i, k);
			put(path.ptr, text.ptr);
		}
		gs_buf_clear(&path);
		gs_buf_printf(&path, "SPEC-%03zu", i + 1);
		gs_buf_clear(&text);
		gs_buf_printf(&text, "p%02zu", i);
		spec_file(path.ptr, text.ptr, NULL);
	}
	commit();
	gs_buf_printf(&dir, "%s/cache%d", tmpdir, repo_counter);
	assert_int_equal(gs_cache_open_dir(&cache, dir.ptr), 0);

	/* 1, 2 and 3 threads without cache, 2 filling it, 2 from it, 1 from it */
	for (r = 0; r < 6; r++) {
		setenv("GIT_SPEC_THREADS", threads[r], 1);
		open_fixture(&fx, r >= 3 ? cache : NULL);
		build_plan(&plans[r], &fx, &regs[r], NULL);
		close_fixture(&fx);
	}
	assert_int_equal(plans[0].nr, 36);
	/* p03: public and all read the broken file; p07: every variant but tests */
	assert_int_equal(plans[0].error_nr, 4);
	assert_non_null(plans[0].items[9].error);
	assert_true(!strncmp(plans[0].items[9].error, "p03/m1.py:1:", 12));
	assert_null(plans[0].items[11].error);
	assert_true(!strncmp(plans[0].items[21].error, "p07/__init__.py:1:", 18));
	assert_non_null(strstr(plans[0].items[0].content.ptr, "`def f0(a: int = 0) -> int`"));
	for (r = 1; r < 6; r++)
		assert_plans_equal(&plans[0], &plans[r]);
	for (r = 0; r < 6; r++) {
		gs_plan_clear(&plans[r]);
		gs_registry_free(regs[r]);
	}

	/*
	 * Files that go away between the listing and the read, tracked and
	 * not, and a blob missing from the object database (its id known,
	 * the model an error the engine keeps): the plan fails at the same
	 * item with the same message.
	 */
	put("p05/new.py", "def new(): pass\n");
	for (r = 0; r < 6; r++) {
		gs_plan plan = GS_PLAN_INIT;
		gs_registry *reg = NULL;
		static const char *const gone[] = { "p05/new.py", "p09/m2.py", "p10/m1.py" };

		setenv("GIT_SPEC_THREADS", r % 2 ? "2" : "1", 1);
		if (r < 4)
			open_worktree_fixture(&fx, NULL);
		else
			open_fixture(&fx, NULL);
		assert_int_equal(gs_registry_load(&reg, fx.src, &fx.cfg, NULL), 0);
		if (r < 4)
			assert_int_equal(sh("rm %s", r < 2 ? "p05/new.py" : "p09/m2.py"), 0);
		else if (r == 4)
			assert_int_equal(sh("f=$(git rev-parse HEAD:p10/m1.py) && "
					    "rm .git/objects/$(echo $f | cut -c1-2)/$(echo $f | cut -c3-)"), 0);
		assert_true(gs_plan_build(&plan, fx.eng, fx.src, reg, &fx.pkgs, NULL) < 0);
		if (r % 2 == 0)
			gs_buf_sets(&msg, gs_error_last());
		assert_string_equal(gs_error_last(), msg.ptr);
		assert_non_null(strstr(msg.ptr, gone[r / 2]));
		if (r < 4)
			assert_int_equal(sh("git checkout -q -- . && echo 'def new(): pass' >p05/new.py"), 0);
		gs_plan_clear(&plan);
		gs_registry_free(reg);
		close_fixture(&fx);
	}
	unsetenv("GIT_SPEC_THREADS");
	gs_cache_free(cache);
	git_repository_free(fx.repo);
	gs_buf_release(&path);
	gs_buf_release(&text);
	gs_buf_release(&dir);
	gs_buf_release(&msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contract_variants),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_threads_identical),
		cmocka_unit_test(test_threads_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
