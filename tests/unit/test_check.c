#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "helpers.h"
#include "gitspec/check.h"
#include "gitspec/create.h"
#include "gitspec/workspace.h"

/*
 * The one verdict (gs_check): states of contracts, problems with a code
 * and a place, the hooks' change-scoped view and ranges, on repositories
 * built with real git.
 */

static gs_workspace ws;
static gs_check_report r;

static void create(const char *pkg)
{
	gs_spec_draft d;

	gs_spec_draft_init(&d);
	assert_int_equal(gs_workspace_load(&ws, GS_WORKSPACE_WORKTREE, NULL), 0);
	assert_int_equal(gs_spec_draft_make(&d, &ws, pkg, NULL, NULL, 0), 0);
	assert_int_equal(gs_spec_draft_write(&d, &ws), 0);
	gs_spec_draft_release(&d);
}

static int setup(void **state)
{
	(void)state;
	if (th_repo_setup("check") < 0)
		return -1;
	th_write_file("pkg/__init__.py", "");
	th_write_file("pkg/mod.py", "def f(x: int) -> int:\n    return x\n");
	th_write_file("other/__init__.py", "");
	th_write_file("other/o.py", "X: int = 1\n");
	gs_workspace_init(&ws);
	gs_check_report_init(&r);
	if (gs_workspace_open_repo(&ws) < 0)
		return -1;
	create("pkg");
	create("other");
	th_run("git add -A && git commit -q -m one");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gs_check_report_clear(&r);
	gs_workspace_release(&ws);
	return th_repo_teardown();
}

static void judge(gs_workspace_kind kind, const char *rev)
{
	gs_check_report_clear(&r);
	assert_int_equal(gs_workspace_open(&ws, kind, rev), 0);
	assert_int_equal(gs_check_workspace(&r, &ws, NULL), 0);
}

static size_t count_state(gs_check_state state)
{
	size_t i, n = 0;

	for (i = 0; i < r.items_nr; i++)
		n += r.items[i].state == state;
	return n;
}

static void test_fresh_and_stale(void **state)
{
	gs_buf text = GS_BUF_INIT;
	size_t i;

	(void)state;
	judge(GS_WORKSPACE_WORKTREE, NULL);
	assert_false(gs_check_report_failed(&r));
	assert_int_equal(r.items_nr, 6);
	assert_int_equal(r.fresh_nr, 6);
	assert_string_equal(r.fix, "git spec sync");

	th_write_file("pkg/mod.py", "def f(x: int, y: int = 0) -> int:\n    return x\n");
	th_run("rm specify/tech/SPEC-001/contracts/all.md");
	judge(GS_WORKSPACE_WORKTREE, NULL);
	assert_true(gs_check_report_failed(&r));
	assert_false(gs_check_report_bad_input(&r));
	assert_int_equal(count_state(GS_CHECK_MISSING), 1);
	assert_int_equal(r.stale_nr, count_state(GS_CHECK_STALE) + 1);
	for (i = 0; i < r.items_nr; i++)
		if (r.items[i].state == GS_CHECK_MISSING) {
			assert_string_equal(r.items[i].spec, "SPEC-001");
			assert_string_equal(r.items[i].package, "pkg");
			assert_int_equal(r.items[i].variant, GS_VARIANT_ALL);
		}
	gs_check_report_text(&text, &r, "  ");
	assert_non_null(strstr(text.ptr, "  missing contract 'specify/tech/SPEC-001/contracts/all.md' "
				"(SPEC-001, package 'pkg', variant all)\n"));

	/* The index still holds what was committed: fresh there. */
	judge(GS_WORKSPACE_INDEX, NULL);
	assert_false(gs_check_report_failed(&r));
	assert_string_equal(r.fix, "git spec sync --staged");
	gs_buf_release(&text);
}

static void test_problems_have_codes_and_places(void **state)
{
	gs_buf json = GS_BUF_INIT;

	(void)state;
	th_write_file("pkg/mod.py", "def f(:\n");
	judge(GS_WORKSPACE_WORKTREE, NULL);
	assert_true(gs_check_report_bad_input(&r));
	assert_int_equal(r.errors_nr, 1);
	assert_int_equal(r.errors[0].code, GS_PROBLEM_SOURCE);
	assert_string_equal(r.errors[0].path, "pkg/mod.py");
	assert_int_equal(r.errors[0].line, 1);
	assert_true(r.errors[0].column > 0);
	assert_true(count_state(GS_CHECK_ERROR) > 0);
	gs_check_report_json(&json, &r, 0);
	assert_non_null(strstr(json.ptr, "\"path\": \"pkg/mod.py\", \"line\": 1, \"column\": "));
	assert_non_null(strstr(json.ptr, "\"code\": \"source\""));

	/* A spec that does not parse: its own path, whatever the message says. */
	th_write_file("pkg/mod.py", "def f(x: int) -> int:\n    return x\n");
	th_write_file("specify/tech/SPEC-002/SPEC-002.md", "no front matter\n");
	judge(GS_WORKSPACE_WORKTREE, NULL);
	assert_int_equal(r.errors_nr, 1);
	assert_int_equal(r.errors[0].code, GS_PROBLEM_SPEC);
	assert_string_equal(r.errors[0].path, "specify/tech/SPEC-002/SPEC-002.md");
	assert_true(gs_problem_is_input(r.errors[0].code));

	/* A bad configuration stops the judging: recorded as a problem of it. */
	th_run("git checkout -q -- specify && printf 'specs: [1\\n' >.gitspec.yaml");
	gs_check_report_clear(&r);
	assert_int_equal(gs_workspace_open(&ws, GS_WORKSPACE_WORKTREE, NULL), GS_EINPUT);
	gs_check_report_add_failure(&r);
	assert_int_equal(r.errors[0].code, GS_PROBLEM_CONFIG);
	assert_string_equal(r.errors[0].path, ".gitspec.yaml");
	gs_buf_release(&json);
}

/* A contract directory that is a link is said once, as the registry's problem. */
static void test_link_said_once(void **state)
{
	(void)state;
	th_run("mv specify/tech/SPEC-001/contracts elsewhere && "
	       "ln -s ../../../elsewhere specify/tech/SPEC-001/contracts");
	judge(GS_WORKSPACE_WORKTREE, NULL);
	assert_true(r.errors_nr >= 1);
	assert_int_equal(r.errors[0].code, GS_PROBLEM_REGISTRY_LINK);
	assert_true(gs_check_report_bad_input(&r));
	{
		size_t i;

		for (i = 0; i < r.errors_nr; i++)
			assert_int_not_equal(r.errors[i].code, GS_PROBLEM_UNSAFE_PATH);
	}
}

/* The hooks' view: only the packages a change touches are derived. */
static void test_change_scope(void **state)
{
	gs_strvec changed = GS_STRVEC_INIT;

	(void)state;
	th_write_file("pkg/mod.py", "def g() -> None:\n    pass\n");
	th_write_file("other/o.py", "Y: str = ''\n");
	gs_strvec_push(&changed, "pkg/mod.py");
	gs_check_report_clear(&r);
	assert_int_equal(gs_workspace_open(&ws, GS_WORKSPACE_WORKTREE, NULL), 0);
	assert_int_equal(gs_check_workspace(&r, &ws, &changed), 0);
	assert_int_equal(r.packages.nr, 1);
	assert_string_equal(r.packages.v[0], "pkg");
	assert_true(r.stale_nr > 0);

	/* A change nothing depends on loads nothing. */
	gs_strvec_clear(&changed);
	gs_strvec_push(&changed, "README.txt");
	gs_check_report_clear(&r);
	assert_int_equal(gs_workspace_open(&ws, GS_WORKSPACE_WORKTREE, NULL), 0);
	assert_int_equal(gs_check_workspace(&r, &ws, &changed), 0);
	assert_false(gs_check_report_failed(&r));
	assert_null(ws.reg);
	gs_strvec_clear(&changed);
}

static void test_range(void **state)
{
	gs_buf head = GS_BUF_INIT;

	(void)state;
	th_write_file("pkg/mod.py", "def h() -> None:\n    pass\n");
	th_run("git commit -q -am 'forgot to sync' && git commit -q --allow-empty -m later");
	gs_check_report_clear(&r);
	assert_int_equal(gs_check_range(&r, &ws, "HEAD~2..HEAD"), 0);
	assert_true(r.has_commit);
	assert_string_equal(r.subject, "forgot to sync");
	assert_int_equal(r.commits, 1);
	th_capture_line(&head, "git rev-parse HEAD~1");
	{
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &r.commit);
		assert_string_equal(hex, head.ptr);
	}
	gs_check_report_clear(&r);
	assert_int_equal(gs_check_range(&r, &ws, "HEAD"), GS_EUSAGE);
	gs_buf_release(&head);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fresh_and_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_problems_have_codes_and_places, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_said_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
