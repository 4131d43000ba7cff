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
#include "gitspec/hook.h"
#include "gitspec/install.h"
#include "gitspec/common.h"
#include "gitspec/config.h"
#include "gitspec/packages.h"
#include "gitspec/source.h"
#include "gitspec/spec.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	gs_buf b = GS_BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!fp)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		gs_buf_put(&b, chunk, n);
	fclose(fp);
	return gs_buf_detach(&b, len);
}

/* The files in hooks/ must be exactly the compiled-in shims. */
static void test_shims_match_hooks_dir(void **state)
{
	const char *data = getenv("GIT_SPEC_TEST_DATA");
	gs_buf path = GS_BUF_INIT, shim = GS_BUF_INIT;
	size_t i, len;

	(void)state;
	if (!data)
		data = "tests";
	for (i = 0; gs_install_hooks[i]; i++) {
		char *file;

		gs_buf_clear(&path);
		gs_buf_printf(&path, "%s/../hooks/%s", data, gs_install_hooks[i]);
		file = slurp(path.ptr, &len);
		assert_non_null(file);
		gs_install_builtin_shim(&shim, gs_install_hooks[i]);
		assert_int_equal(len, shim.size);
		assert_memory_equal(file, shim.ptr, len);
		assert_true(gs_install_is_shim(file, len));
		free(file);
	}
	assert_false(gs_install_is_shim("#!/bin/sh\nexit 0\n", 17));
	gs_buf_release(&path);
	gs_buf_release(&shim);
}

static void check_attr_roundtrip(const char *orig, int exists)
{
	gs_strvec pats = GS_STRVEC_INIT;
	gs_buf added = GS_BUF_INIT, again = GS_BUF_INIT, removed = GS_BUF_INIT;
	int del = -1;

	gs_strvec_push(&pats, "specify/tech/**/contracts/*.md");
	gs_strvec_push(&pats, "docs/api.md");
	gs_attributes_add(&added, orig, strlen(orig), exists, &pats);
	assert_non_null(strstr(added.ptr, "# git-spec begin"));
	assert_non_null(strstr(added.ptr, "\nspecify/tech/**/contracts/*.md merge=gitspec\n"));
	assert_non_null(strstr(added.ptr, "\ndocs/api.md merge=gitspec\n"));
	assert_int_equal(added.ptr[added.size - 1], '\n');
	/* Installing twice changes nothing. */
	gs_attributes_add(&again, added.ptr, added.size, 1, &pats);
	assert_string_equal(again.ptr, added.ptr);
	assert_int_equal(gs_attributes_remove(&removed, &del, added.ptr, added.size), 0);
	assert_string_equal(removed.ptr, orig);
	assert_int_equal(del, !exists);
	assert_int_equal(gs_attributes_remove(&removed, &del, orig, strlen(orig)), GS_ENOTFOUND);
	gs_strvec_clear(&pats);
	gs_buf_release(&added);
	gs_buf_release(&again);
	gs_buf_release(&removed);
}

static void test_attributes_roundtrip(void **state)
{
	(void)state;
	check_attr_roundtrip("", 0);
	check_attr_roundtrip("", 1);
	check_attr_roundtrip("*.png binary\n", 1);
	check_attr_roundtrip("*.png binary", 1);            /* no final newline */
	check_attr_roundtrip("*.png binary\n\n# end\n", 1);
}

static void test_config_drop_empty_section(void **state)
{
	gs_buf out = GS_BUF_INIT;
	static const char with_empty[] =
		"[core]\n\tbare = false\n[merge \"gitspec\"]\n[user]\n\tname = x\n";
	static const char with_empty_last[] =
		"[core]\n\tbare = false\n[merge \"gitspec\"]\n";
	static const char not_empty[] =
		"[core]\n\tbare = false\n[merge \"gitspec\"]\n\tfoo = bar\n";

	(void)state;
	gs_config_text_drop_empty_section(&out, with_empty, strlen(with_empty), "merge", "gitspec");
	assert_string_equal(out.ptr, "[core]\n\tbare = false\n[user]\n\tname = x\n");
	gs_config_text_drop_empty_section(&out, with_empty_last, strlen(with_empty_last), "merge", "gitspec");
	assert_string_equal(out.ptr, "[core]\n\tbare = false\n");
	gs_config_text_drop_empty_section(&out, not_empty, strlen(not_empty), "merge", "gitspec");
	assert_string_equal(out.ptr, not_empty);
	gs_config_text_drop_empty_section(&out, with_empty, strlen(with_empty), "merge", "other");
	assert_string_equal(out.ptr, with_empty);
	gs_buf_release(&out);
}

static void test_default_config(void **state)
{
	gs_buf out = GS_BUF_INIT;

	(void)state;
	gs_install_default_config(&out);
	assert_non_null(strstr(out.ptr, "\nspecs: 'specify/tech'\n"));
	assert_non_null(strstr(out.ptr, "\nrequireSpecs: false\n"));
	/* Patterns starting with '*' are quoted (YAML aliases otherwise). */
	assert_null(strstr(out.ptr, "\n- *"));
	/* Roots are left unset: read from pyproject.toml (DESIGN 3.5). */
	assert_null(strstr(out.ptr, "\nroots:"));
	assert_non_null(strstr(out.ptr, "\n# roots: [src]\n"));
	gs_buf_release(&out);
}

static void test_report_status(void **state)
{
	gs_hook_report r;

	(void)state;
	gs_hook_report_init(&r);
	assert_int_equal(gs_hook_report_status(&r), 0);
	gs_strvec_push(&r.warnings, "package 'x' is not covered by any spec");
	assert_int_equal(gs_hook_report_status(&r), 0);
	gs_strvec_push(&r.errors, "pkg/a.py:1:5: syntax error");
	r.input_error = 1;
	assert_int_equal(gs_hook_report_status(&r), 3);
	gs_strvec_push(&r.stale, "stale contract 'c.md' (SPEC-001, package 'pkg', variant public)");
	assert_int_equal(gs_hook_report_status(&r), 1);
	gs_hook_report_clear(&r);
	gs_hook_report_clear(&r);
}


/* ---- gs_hook_touched over a real tree ---------------------------------- */

struct fixture {
	char dir[64];
	git_repository *repo;
	gs_source *src;
	gs_config cfg;
	gs_package_list pkgs;
	gs_registry *reg;
};

static void add_file(git_repository *repo, git_index *idx, const char *path, const char *data)
{
	git_index_entry e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(git_blob_create_from_buffer(&e.id, repo, data, strlen(data)), 0);
	e.mode = GIT_FILEMODE_BLOB;
	e.path = path;
	assert_int_equal(git_index_add(idx, &e), 0);
}

static void add_spec(git_repository *repo, git_index *idx, const char *id, const char *pkg)
{
	gs_buf path = GS_BUF_INIT, text = GS_BUF_INIT;

	gs_buf_printf(&path, "specify/tech/%s/%s.md", id, id);
	gs_spec_format(&text, id, pkg, pkg, pkg, "2026-11-21");
	add_file(repo, idx, path.ptr, text.ptr);
	gs_buf_release(&path);
	gs_buf_release(&text);
}

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_oid oid;

	memcpy(f->dir, "/tmp/gs-test-hook-XXXXXX", 25);
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(git_repository_init(&f->repo, f->dir, 1), 0);
	assert_int_equal(git_index_new(&idx), 0);
	add_file(f->repo, idx, "pkg/__init__.py", "");
	add_file(f->repo, idx, "pkg/a.py", "def a(): pass\n");
	add_file(f->repo, idx, "pkg/sub/__init__.py", "");
	add_file(f->repo, idx, "pkg/sub/b.py", "def b(): pass\n");
	add_file(f->repo, idx, "other/__init__.py", "");
	add_file(f->repo, idx, "other/c.py", "def c(): pass\n");
	add_file(f->repo, idx, "README.md", "hello\n");
	add_spec(f->repo, idx, "SPEC-001", "pkg");
	add_spec(f->repo, idx, "SPEC-002", "pkg/sub");
	assert_int_equal(git_index_write_tree_to(&oid, idx, f->repo), 0);
	assert_int_equal(git_tree_lookup(&tree, f->repo, &oid), 0);
	assert_int_equal(gs_source_open_git_tree(&f->src, f->repo, tree), 0);
	gs_config_init(&f->cfg);
	assert_int_equal(gs_packages_scan(&f->pkgs, f->src, &f->cfg), 0);
	assert_int_equal(gs_registry_load(&f->reg, f->src, &f->cfg, NULL), 0);
	assert_int_equal(f->reg->specs_nr, 2);
	git_tree_free(tree);
	git_index_free(idx);
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;
	gs_buf cmd = GS_BUF_INIT;

	gs_registry_free(f->reg);
	gs_package_list_clear(&f->pkgs);
	gs_config_release(&f->cfg);
	gs_source_free(f->src);
	git_repository_free(f->repo);
	gs_buf_printf(&cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd.ptr), 0);
	gs_buf_release(&cmd);
	free(f);
	return 0;
}

/* Touched packages for `changed` (comma-separated), joined by commas. */
static void touched(struct fixture *f, const char *changed, const char *want,
		    const char *want_leaves, int want_all)
{
	gs_strvec in = GS_STRVEC_INIT, out = GS_STRVEC_INIT, leaves = GS_STRVEC_INIT;
	gs_buf got = GS_BUF_INIT, got_leaves = GS_BUF_INIT;
	char *copy = gs_xstrdup(changed), *p, *save = NULL;
	size_t i;
	int all = -1;

	for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
		gs_strvec_push(&in, p);
	gs_hook_touched(&out, &leaves, &all, &in, &f->pkgs, f->reg, &f->cfg);
	for (i = 0; i < out.nr; i++)
		gs_buf_printf(&got, "%s%s", i ? "," : "", out.v[i]);
	for (i = 0; i < leaves.nr; i++)
		gs_buf_printf(&got_leaves, "%s%s", i ? "," : "", leaves.v[i]);
	assert_string_equal(got.ptr, want);
	assert_string_equal(got_leaves.ptr, want_leaves);
	assert_int_equal(all, want_all);
	free(copy);
	gs_strvec_clear(&in);
	gs_strvec_clear(&out);
	gs_strvec_clear(&leaves);
	gs_buf_release(&got);
	gs_buf_release(&got_leaves);
}

static void test_touched(void **state)
{
	struct fixture *f = *state;

	touched(f, "README.md", "", "", 0);
	touched(f, "pkg/a.py", "pkg", "", 0);
	touched(f, "pkg/sub/b.py", "pkg/sub", "", 0);
	/* a new or removed package changes its parent's files */
	touched(f, "pkg/sub/__init__.py", "pkg,pkg/sub", "", 0);
	/* a file below a deleted package belongs to the nearest package above */
	touched(f, "pkg/gone/x.py", "pkg", "", 0);
	touched(f, "specify/tech/SPEC-002/SPEC-002.md", "pkg/sub", "", 0);
	touched(f, "specify/tech/SPEC-001/contracts/all.md", "pkg", "", 0);
	/* an uncovered leaf package is touched and reported as a leaf */
	touched(f, "other/c.py", "other", "other", 0);
	touched(f, "toplevel.py", "", "", 0);
	touched(f, ".gitspec.yaml,pkg/a.py", "pkg", "", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shims_match_hooks_dir),
		cmocka_unit_test(test_attributes_roundtrip),
		cmocka_unit_test(test_config_drop_empty_section),
		cmocka_unit_test(test_default_config),
		cmocka_unit_test(test_report_status),
		cmocka_unit_test_setup_teardown(test_touched, fixture_setup, fixture_teardown),
	};
	int r;

	git_libgit2_init();
	r = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return r;
}
