/*
 * Spec ids in use on every branch (specid.h): what `create` and
 * `renumber` must not pick.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>
#include <cmocka.h>
#include "helpers.h"
#include "gitspec/specid.h"

static int setup(void **state)
{
	(void)state;
	return th_repo_setup("specid");
}

static int teardown(void **state)
{
	(void)state;
	return th_repo_teardown();
}

static void test_id_number(void **state)
{
	(void)state;
	assert_int_equal(gs_spec_id_number("SPEC-001"), 1);
	assert_int_equal(gs_spec_id_number("SPEC-120"), 120);
	assert_int_equal(gs_spec_id_number("SPEC-"), 0);
	assert_int_equal(gs_spec_id_number("SPEC-1a"), 0);
	assert_int_equal(gs_spec_id_number("PROD-005"), 0);
	assert_int_equal(gs_spec_id_number("SPEC-99999999999"), 0);
}

static void test_next_free_id(void **state)
{
	gs_strvec taken = GS_STRVEC_INIT;
	char *id;

	(void)state;
	id = gs_spec_next_free_id(NULL, NULL, 0);
	assert_string_equal(id, "SPEC-001");
	free(id);
	gs_strvec_push(&taken, "SPEC-007");
	gs_strvec_push(&taken, "notes");
	id = gs_spec_next_free_id(NULL, &taken, 0);
	assert_string_equal(id, "SPEC-008");
	free(id);
	/* A floor: consecutive ids in one run. */
	id = gs_spec_next_free_id(NULL, &taken, 8);
	assert_string_equal(id, "SPEC-009");
	free(id);
	gs_strvec_clear(&taken);
}

/*
 * Local branches and remote-tracking branches are read; tags, a branch
 * without the specs directory and files (not directories) in it are not.
 */
static void test_ids_on_branches(void **state)
{
	git_repository *repo = NULL;
	gs_strvec ids = GS_STRVEC_INIT;

	(void)state;
	th_run("echo x >f && git add f && git commit -q -m base && "
	       "git checkout -q -b one && mkdir -p specify/tech/SPEC-003 && "
	       "echo s >specify/tech/SPEC-003/SPEC-003.md && echo n >specify/tech/README && "
	       "git add -A && git commit -q -m one && "
	       "git checkout -q -b two main && mkdir -p specify/tech/SPEC-005 && "
	       "echo s >specify/tech/SPEC-005/SPEC-005.md && git add -A && git commit -q -m two && "
	       "git update-ref refs/remotes/origin/three two && "
	       "git checkout -q -b tagged main && mkdir -p specify/tech/SPEC-009 && "
	       "echo s >specify/tech/SPEC-009/SPEC-009.md && git add -A && git commit -q -m t && "
	       "git tag v1 && git checkout -q main && git branch -D -q tagged && "
	       "git checkout -q -b four main && mkdir -p other/SPEC-011 && "
	       "echo s >other/SPEC-011/SPEC-011.md && git add -A && git commit -q -m four && "
	       "git checkout -q main");
	assert_int_equal(git_repository_open(&repo, "."), 0);
	assert_int_equal(gs_spec_ids_on_branches(&ids, repo, "specify/tech"), 0);
	assert_int_equal(ids.nr, 2);
	assert_string_equal(ids.v[0], "SPEC-003");
	assert_string_equal(ids.v[1], "SPEC-005");
	gs_strvec_clear(&ids);
	/* Another specs directory is another listing. */
	assert_int_equal(gs_spec_ids_on_branches(&ids, repo, "other"), 0);
	assert_int_equal(ids.nr, 1);
	assert_string_equal(ids.v[0], "SPEC-011");
	gs_strvec_clear(&ids);
	git_repository_free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_number),
		cmocka_unit_test(test_next_free_id),
		cmocka_unit_test_setup_teardown(test_ids_on_branches, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
