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
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/repo.h"

static char top[4096];
static char origin[4096];

static void cd(const char *dir)
{
	gs_buf p = GS_BUF_INIT;

	gs_buf_printf(&p, "%s/%s", top, dir);
	assert_int_equal(chdir(p.ptr), 0);
	gs_buf_release(&p);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char *real;

	(void)state;
	if (!getcwd(origin, sizeof(origin)))
		return -1;
	snprintf(top, sizeof(top), "%s/gs-test-repo.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(top))
		return -1;
	/* compare with physical paths */
	real = realpath(top, NULL);
	snprintf(top, sizeof(top), "%s", real);
	free(real);
	setenv("HOME", top, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CEILING_DIRECTORIES", top, 1);
	setenv("GIT_AUTHOR_NAME", "A U Thor", 1);
	setenv("GIT_AUTHOR_EMAIL", "author@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "C O Mitter", 1);
	setenv("GIT_COMMITTER_EMAIL", "committer@example.com", 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	if (chdir(top) < 0)
		return -1;
	th_run("git init -q -b main repo && mkdir -p repo/a/b outside && ln -s repo alias");
	th_run("cd repo && echo x > a/b/f && git add . && git commit -q -m one");
	git_libgit2_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	git_libgit2_shutdown();
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	unsetenv("GIT_CEILING_DIRECTORIES");
	if (chdir(origin) < 0)
		return -1;
	th_run("rm -rf '%s'", top);
	return 0;
}

static void test_open_discovery(void **state)
{
	git_repository *repo = NULL;
	gs_buf prefix = GS_BUF_INIT, want = GS_BUF_INIT;

	(void)state;
	cd("repo/a/b");
	assert_int_equal(gs_repo_open(&repo), 0);
	gs_buf_printf(&want, "%s/repo/", top);
	assert_string_equal(git_repository_workdir(repo), want.ptr);
	assert_int_equal(gs_repo_prefix(&prefix, repo), 0);
	assert_string_equal(prefix.ptr, "a/b");
	cd("repo");
	assert_int_equal(gs_repo_prefix(&prefix, repo), 0);
	assert_string_equal(prefix.ptr, "");
	/* inside .git: the top, as git treats it */
	cd("repo/.git");
	assert_int_equal(gs_repo_prefix(&prefix, repo), 0);
	assert_string_equal(prefix.ptr, "");
	git_repository_free(repo);

	cd("outside");
	assert_int_equal(gs_repo_open(&repo), GS_ERROR);
	assert_null(repo);
	assert_string_equal(gs_error_last(), "not a git repository (or any of the parent directories)");
	gs_buf_release(&prefix);
	gs_buf_release(&want);
}

static void test_open_from_env(void **state)
{
	git_repository *repo = NULL;
	gs_buf want = GS_BUF_INIT, path = GS_BUF_INIT;

	(void)state;
	cd("outside");
	gs_buf_printf(&want, "%s/repo/.git", top);
	setenv("GIT_DIR", want.ptr, 1);
	assert_int_equal(gs_repo_open(&repo), 0);
	gs_buf_putc(&want, '/');
	assert_string_equal(git_repository_path(repo), want.ptr);
	/* as git: GIT_DIR alone makes the current directory the top of the work tree */
	gs_buf_clear(&want);
	gs_buf_printf(&want, "%s/outside/", top);
	assert_string_equal(git_repository_workdir(repo), want.ptr);
	git_repository_free(repo);
	gs_buf_clear(&want);
	gs_buf_printf(&want, "%s/repo/.git", top);

	/* GIT_WORK_TREE elsewhere */
	setenv("GIT_WORK_TREE", top, 1);
	assert_int_equal(gs_repo_open(&repo), 0);
	gs_buf_clear(&want);
	gs_buf_printf(&want, "%s/", top);
	assert_string_equal(git_repository_workdir(repo), want.ptr);
	assert_int_equal(gs_repo_relpath(&path, repo, "x.py"), 0);
	assert_string_equal(path.ptr, "outside/x.py");
	git_repository_free(repo);
	unsetenv("GIT_WORK_TREE");

	/* a bad GIT_DIR is an error naming libgit2's reason */
	setenv("GIT_DIR", "/nonexistent/.git", 1);
	assert_int_equal(gs_repo_open(&repo), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "cannot open repository"));
	unsetenv("GIT_DIR");
	gs_buf_release(&want);
	gs_buf_release(&path);
}

static void test_index_file_env(void **state)
{
	git_repository *repo = NULL;
	gs_buf path = GS_BUF_INIT, want = GS_BUF_INIT;

	(void)state;
	cd("repo");
	/* not read while opening (it would cost the hook its budget), and left in place */
	setenv("GIT_INDEX_FILE", ".git/corrupt-index", 1);
	th_run("echo garbage > .git/corrupt-index");
	assert_int_equal(gs_repo_open(&repo), 0);
	assert_string_equal(getenv("GIT_INDEX_FILE"), ".git/corrupt-index");
	assert_int_equal(gs_repo_index_path(&path, repo), 0);
	gs_buf_printf(&want, "%s/repo/.git/corrupt-index", top);
	assert_string_equal(path.ptr, want.ptr);
	/* relative to the top of the work tree, as git resolves it, even from below */
	cd("repo/a/b");
	assert_int_equal(gs_repo_index_path(&path, repo), 0);
	assert_string_equal(path.ptr, want.ptr);
	setenv("GIT_INDEX_FILE", "/abs/index", 1);
	assert_int_equal(gs_repo_index_path(&path, repo), 0);
	assert_string_equal(path.ptr, "/abs/index");
	cd("repo");
	gs_buf_clear(&want);
	unsetenv("GIT_INDEX_FILE");
	assert_int_equal(gs_repo_index_path(&path, repo), 0);
	gs_buf_printf(&want, "%s/repo/.git/index", top);
	assert_string_equal(path.ptr, want.ptr);
	git_repository_free(repo);

	/* a linked worktree's own index */
	th_run("git worktree add -q ../linked");
	cd("linked/a");
	assert_int_equal(gs_repo_open(&repo), 0);
	assert_int_equal(gs_repo_index_path(&path, repo), 0);
	gs_buf_clear(&want);
	gs_buf_printf(&want, "%s/repo/.git/worktrees/linked/index", top);
	assert_string_equal(path.ptr, want.ptr);
	assert_int_equal(gs_repo_prefix(&path, repo), 0);
	assert_string_equal(path.ptr, "a");
	git_repository_free(repo);

	/* as git runs a hook there: GIT_DIR is the worktree's gitdir, cwd its top */
	cd("linked");
	gs_buf_clear(&want);
	gs_buf_printf(&want, "%s/repo/.git/worktrees/linked", top);
	setenv("GIT_DIR", want.ptr, 1);
	gs_buf_puts(&want, "/index.lock");
	setenv("GIT_INDEX_FILE", want.ptr, 1);
	assert_int_equal(gs_repo_open(&repo), 0);
	gs_buf_clear(&want);
	gs_buf_printf(&want, "%s/linked/", top);
	assert_string_equal(git_repository_workdir(repo), want.ptr);
	assert_int_equal(gs_repo_index_path(&path, repo), 0);
	gs_buf_clear(&want);
	gs_buf_printf(&want, "%s/repo/.git/worktrees/linked/index.lock", top);
	assert_string_equal(path.ptr, want.ptr);
	git_repository_free(repo);
	gs_buf_release(&path);
	gs_buf_release(&want);
}

static void expect_rel(git_repository *repo, const char *user, const char *want)
{
	gs_buf out = GS_BUF_INIT;

	if (gs_repo_relpath(&out, repo, user) < 0)
		fail_msg("'%s': %s", user, gs_error_last());
	assert_string_equal(out.ptr, want);
	gs_buf_release(&out);
}

static void expect_outside(git_repository *repo, const char *user)
{
	gs_buf out = GS_BUF_INIT, msg = GS_BUF_INIT;

	assert_int_equal(gs_repo_relpath(&out, repo, user), GS_EUSAGE);
	gs_buf_printf(&msg, "'%s' is outside repository", user);
	assert_string_equal(gs_error_last(), msg.ptr);
	gs_buf_release(&out);
	gs_buf_release(&msg);
}

static void test_relpath(void **state)
{
	git_repository *repo = NULL;
	gs_buf abs = GS_BUF_INIT;

	(void)state;
	cd("repo/a");
	assert_int_equal(gs_repo_open(&repo), 0);
	expect_rel(repo, "b/f", "a/b/f");
	expect_rel(repo, "b/", "a/b");
	expect_rel(repo, "./b//f", "a/b/f");
	expect_rel(repo, ".", "a");
	expect_rel(repo, "..", "");
	expect_rel(repo, "../x/../a/b", "a/b");
	expect_rel(repo, "not/yet/there.py", "a/not/yet/there.py");
	expect_rel(repo, "-dash name", "a/-dash name");
	expect_outside(repo, "../..");
	expect_outside(repo, "../../outside/x");
	expect_outside(repo, "/etc/passwd");
	/* a sibling whose name starts like the work tree is still outside */
	th_run("mkdir -p '%s/repox'", top);
	gs_buf_printf(&abs, "%s/repox/f", top);
	expect_outside(repo, abs.ptr);

	gs_buf_clear(&abs);
	gs_buf_printf(&abs, "%s/repo/a/b/f", top);
	expect_rel(repo, abs.ptr, "a/b/f");
	/* through a symbolic link to the work tree */
	gs_buf_clear(&abs);
	gs_buf_printf(&abs, "%s/alias/a/b", top);
	expect_rel(repo, abs.ptr, "a/b");
	gs_buf_clear(&abs);
	gs_buf_printf(&abs, "%s/alias/new/file", top);
	expect_rel(repo, abs.ptr, "new/file");
	gs_buf_clear(&abs);
	gs_buf_printf(&abs, "%s/repo", top);
	expect_rel(repo, abs.ptr, "");
	git_repository_free(repo);
	gs_buf_release(&abs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_discovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_from_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_file_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relpath, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
