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
#include "gitspec/workspace.h"
#include "gitspec/create.h"
#include "gitspec/plan.h"
#include "gitspec/stage.h"

/*
 * The workspace (one setup for every user of the engine), spec creation,
 * contract-path safety and staging, on repositories built with real git.
 */

static int setup(void **state)
{
	(void)state;
	if (th_repo_setup("workspace") < 0)
		return -1;
	th_write_file("pkg/__init__.py", "");
	th_write_file("pkg/mod.py", "def f(x: int) -> int:\n    return x\n");
	th_run("git add -A && git commit -q -m one");
	th_write_file("two/__init__.py", "");
	th_write_file("two/api.py", "class C:\n    def m(self) -> None:\n        pass\n");
	th_run("git add -A && git commit -q -m two");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return th_repo_teardown();
}

static int has_package(const gs_workspace *ws, const char *path)
{
	return gs_packages_find(&ws->pkgs, path) != NULL;
}

static void test_load_each_source(void **state)
{
	gs_workspace ws;

	(void)state;
	th_write_file("three/__init__.py", "");
	gs_workspace_init(&ws);
	assert_int_equal(gs_workspace_open_repo(&ws), 0);
	assert_non_null(ws.workdir);
	assert_non_null(ws.index_path);

	assert_int_equal(gs_workspace_load(&ws, GS_WORKSPACE_WORKTREE, NULL), 0);
	assert_non_null(ws.reg);
	assert_non_null(ws.eng);
	assert_true(has_package(&ws, "pkg") && has_package(&ws, "three"));

	assert_int_equal(gs_workspace_load(&ws, GS_WORKSPACE_INDEX, NULL), 0);
	assert_true(has_package(&ws, "two"));
	assert_false(has_package(&ws, "three"));

	assert_int_equal(gs_workspace_load(&ws, GS_WORKSPACE_REV, "HEAD~1"), 0);
	assert_true(has_package(&ws, "pkg"));
	assert_false(has_package(&ws, "two"));
	assert_int_equal(gs_workspace_load(&ws, GS_WORKSPACE_REV, "no-such-rev"), GS_ERROR);
	gs_workspace_release(&ws);
	/* Releasing twice, and releasing what was never opened, is harmless. */
	gs_workspace_release(&ws);
}

/* Lazy: the configuration alone, the rest on demand and only once. */
static void test_lazy_parts(void **state)
{
	gs_workspace ws;
	const gs_registry *reg;

	(void)state;
	gs_workspace_init(&ws);
	assert_int_equal(gs_workspace_load_registry(&ws), GS_ERROR);
	assert_int_equal(gs_workspace_open_repo(&ws), 0);
	assert_int_equal(gs_workspace_open(&ws, GS_WORKSPACE_INDEX, NULL), 0);
	assert_true(ws.cfg_loaded);
	assert_null(ws.reg);
	assert_null(ws.eng);
	assert_false(ws.pkgs_loaded);
	assert_int_equal(gs_workspace_load_registry(&ws), 0);
	reg = ws.reg;
	assert_int_equal(gs_workspace_load_registry(&ws), 0);
	assert_ptr_equal(reg, ws.reg);
	assert_int_equal(gs_workspace_load_packages(&ws), 0);
	assert_true(has_package(&ws, "two"));
	gs_workspace_release(&ws);
}

/* `git spec diff A..B`: two workspaces of one repository side by side. */
static void test_side_by_side(void **state)
{
	gs_workspace a, b;
	git_repository *repo;

	(void)state;
	gs_workspace_init(&a);
	gs_workspace_init(&b);
	assert_int_equal(gs_workspace_open_repo(&a), 0);
	assert_int_equal(gs_workspace_share(&b, &a), 0);
	assert_ptr_equal(a.repo, b.repo);
	assert_int_equal(gs_workspace_load(&a, GS_WORKSPACE_REV, "HEAD~1"), 0);
	assert_int_equal(gs_workspace_load(&b, GS_WORKSPACE_REV, "HEAD"), 0);
	assert_false(has_package(&a, "two"));
	assert_true(has_package(&b, "two"));
	/* The borrowed repository survives the borrower. */
	repo = a.repo;
	gs_workspace_release(&b);
	assert_ptr_equal(a.repo, repo);
	assert_true(has_package(&a, "pkg"));
	gs_workspace_release(&a);
}

static void test_create_spec(void **state)
{
	gs_workspace ws;
	gs_spec_draft d;
	gs_buf out = GS_BUF_INIT;

	(void)state;
	th_run("mkdir -p sub/pkg && touch sub/__init__.py sub/pkg/__init__.py");
	gs_workspace_init(&ws);
	gs_spec_draft_init(&d);
	assert_int_equal(gs_workspace_open_repo(&ws), 0);
	assert_int_equal(gs_workspace_load(&ws, GS_WORKSPACE_WORKTREE, NULL), 0);

	assert_int_equal(gs_spec_draft_make(&d, &ws, "nope", NULL, NULL, 0), GS_EINPUT);
	assert_int_equal(d.refusal, GS_DRAFT_NOT_PACKAGE);
	gs_spec_draft_release(&d);
	assert_int_equal(gs_spec_draft_make(&d, &ws, "sub", NULL, NULL, 0), GS_ECHECK);
	assert_int_equal(d.refusal, GS_DRAFT_NOT_LEAF);
	assert_string_equal(d.children.ptr, "pkg");
	gs_spec_draft_release(&d);

	assert_int_equal(gs_spec_draft_make(&d, &ws, "pkg", "The package", "2026-11-30", 0), 0);
	assert_int_equal(d.refusal, GS_DRAFT_OK);
	assert_string_equal(d.id, "SPEC-001");
	assert_non_null(strstr(d.text.ptr, "2026-11-30"));
	assert_non_null(strstr(d.contracts[0].ptr, "f(x: int) -> int"));
	/* Nothing is written before gs_spec_draft_write. */
	assert_int_not_equal(access(d.path.ptr, F_OK), 0);
	assert_int_equal(gs_spec_draft_write(&d, &ws), 0);
	assert_int_equal(access(d.path.ptr, F_OK), 0);
	assert_int_equal(access(d.spec->sources[0].variants[0].repo_path, F_OK), 0);
	gs_spec_draft_release(&d);

	/* Now covered, as the reloaded registry says. */
	assert_int_equal(gs_workspace_load(&ws, GS_WORKSPACE_WORKTREE, NULL), 0);
	assert_int_equal(ws.reg->specs_nr, 1);
	assert_int_equal(gs_spec_draft_make(&d, &ws, "pkg", NULL, NULL, 0), GS_ECHECK);
	assert_int_equal(d.refusal, GS_DRAFT_COVERED);
	assert_string_equal(d.covering->id, "SPEC-001");
	gs_spec_draft_release(&d);
	gs_workspace_release(&ws);
	gs_buf_release(&out);
}

static void create(gs_workspace *ws, const char *pkg)
{
	gs_spec_draft d;

	gs_spec_draft_init(&d);
	assert_int_equal(gs_workspace_load(ws, GS_WORKSPACE_WORKTREE, NULL), 0);
	assert_int_equal(gs_spec_draft_make(&d, ws, pkg, NULL, NULL, 0), 0);
	assert_int_equal(gs_spec_draft_write(&d, ws), 0);
	gs_spec_draft_release(&d);
	assert_int_equal(gs_workspace_load(ws, GS_WORKSPACE_WORKTREE, NULL), 0);
}

static void test_contract_path_safety(void **state)
{
	gs_workspace ws;
	gs_registry_problems problems = GS_REGISTRY_PROBLEMS_INIT;
	const gs_spec_variant *v;

	(void)state;
	gs_workspace_init(&ws);
	assert_int_equal(gs_workspace_open_repo(&ws), 0);
	create(&ws, "pkg");
	v = &ws.reg->specs[0]->sources[0].variants[0];
	assert_int_equal(gs_workspace_contract_path_check(&ws, v->repo_path, 1), GS_PATH_SAFE);
	assert_int_equal(gs_workspace_contract_path_check(&ws, NULL, 1), GS_PATH_UNSAFE);
	assert_int_equal(gs_workspace_contract_path_check(&ws, "../out.md", 1), GS_PATH_UNSAFE);
	assert_int_equal(gs_workspace_unsafe_contracts(&problems, &ws, NULL, 1, NULL), 0);

	/* The contracts directory becomes a link: every contract passes through it. */
	th_run("mv specify/tech/SPEC-001/contracts elsewhere && "
	       "ln -s ../../../elsewhere specify/tech/SPEC-001/contracts");
	assert_int_equal(gs_workspace_load(&ws, GS_WORKSPACE_WORKTREE, NULL), 0);
	v = &ws.reg->specs[0]->sources[0].variants[0];
	assert_true(gs_path_unsafe_is_link(gs_workspace_contract_path_check(&ws, v->repo_path, 1)));
	assert_int_equal(gs_workspace_unsafe_contracts(&problems, &ws, NULL, 1, NULL),
			 ws.reg->specs[0]->sources[0].variants_nr);
	assert_non_null(strstr(problems.v[0].message, "symbolic link"));
	assert_int_equal(problems.v[0].kind, GS_REGISTRY_LINK);
	assert_string_equal(problems.v[0].spec_path, ws.reg->specs[0]->path);
	{
		gs_registry_problems again = GS_REGISTRY_PROBLEMS_INIT;
		gs_strvec only = GS_STRVEC_INIT;

		/* Already reported by the registry: counted, not repeated. */
		assert_int_equal(gs_workspace_unsafe_contracts(&again, &ws, NULL, 1, &problems),
				 problems.nr);
		assert_int_equal(again.nr, 0);
		/* Limited to other packages: nothing to report. */
		gs_strvec_push(&only, "two");
		assert_int_equal(gs_workspace_unsafe_contracts(&again, &ws, &only, 1, NULL), 0);
		gs_strvec_clear(&only);
		gs_registry_problems_clear(&again);
	}
	gs_registry_problems_clear(&problems);
	gs_workspace_release(&ws);
}

static void test_stage_contracts(void **state)
{
	gs_workspace ws;
	gs_plan plan = GS_PLAN_INIT;
	gs_lockfile lk;
	gs_stage_entry *sg;
	gs_strvec warnings = GS_STRVEC_INIT;
	gs_buf out = GS_BUF_INIT;
	size_t i, nr = 0, following;

	(void)state;
	gs_workspace_init(&ws);
	assert_int_equal(gs_workspace_open_repo(&ws), 0);
	create(&ws, "pkg");
	th_run("git add specify/tech/SPEC-001/SPEC-001.md");
	/* A staged source change: the staged contracts are missing or stale. */
	th_write_file("pkg/mod.py", "def g() -> str:\n    return ''\n");
	th_run("git add pkg/mod.py");
	memset(&lk, 0, sizeof(lk));
	lk.fd = -1;
	assert_int_equal(gs_lockfile_hold(&lk, ws.index_path), 0);
	assert_int_equal(gs_workspace_load(&ws, GS_WORKSPACE_INDEX, NULL), 0);
	assert_int_equal(gs_plan_build(&plan, ws.eng, ws.src, ws.reg, &ws.pkgs, NULL), 0);
	sg = calloc(plan.nr + 1, sizeof(*sg));
	for (i = 0; i < plan.nr; i++)
		if (!plan.items[i].fresh)
			sg[nr++].item = &plan.items[i];
	assert_true(nr > 0);
	assert_int_equal(gs_stage_contracts(&ws, &lk, sg, nr, &warnings), 0);
	/*
	 * Work-tree copies never staged that differ are edits: left alone with
	 * a warning; the others follow the index.
	 */
	assert_true(warnings.nr > 0);
	following = 0;
	for (i = 0; i < nr; i++)
		following += sg[i].worktree;
	assert_int_equal(warnings.nr + following, nr);
	th_capture_line(&out, "git diff --cached --name-only -- specify | wc -l");
	assert_int_equal(atoi(out.ptr), (int)nr + 1);
	th_capture_line(&out, "git show :specify/tech/SPEC-001/contracts/public.md | grep -c 'g() -> str'");
	assert_string_equal(out.ptr, "1");
	free(sg);
	gs_plan_clear(&plan);
	gs_strvec_clear(&warnings);
	gs_buf_release(&out);
	gs_workspace_release(&ws);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_each_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lazy_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_side_by_side, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_spec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contract_path_safety, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stage_contracts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
