#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <cmocka.h>
#include <git2.h>
#include "gitspec/hook.h"
#include "gitspec/install.h"
#include "gitspec/common.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shims_match_hooks_dir),
		cmocka_unit_test(test_attributes_roundtrip),
		cmocka_unit_test(test_config_drop_empty_section),
		cmocka_unit_test(test_default_config),
		cmocka_unit_test(test_report_status),
	};
	int r;

	git_libgit2_init();
	r = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return r;
}
