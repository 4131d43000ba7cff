/*
 * Walking a history commit after commit (pre-push, pre-receive,
 * post-rewrite): the tree diff and the tree source derived from the
 * parent's must say exactly what git and a full read of the tree say.
 */
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
#include "gitspec/common.h"
#include "gitspec/source.h"

static char *workdir;

static void run(const char *fmt, ...) GS_PRINTF(1, 2);
static void run(const char *fmt, ...)
{
	gs_buf cmd = GS_BUF_INIT;
	va_list ap;

	gs_buf_printf(&cmd, "(cd '%s' && ", workdir);
	va_start(ap, fmt);
	gs_buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	gs_buf_puts(&cmd, "\n) >/dev/null 2>&1");
	assert_int_equal(system(cmd.ptr), 0);
	gs_buf_release(&cmd);
}

static void capture(gs_strvec *out, const char *fmt, ...) GS_PRINTF(2, 3);
static void capture(gs_strvec *out, const char *fmt, ...)
{
	gs_buf cmd = GS_BUF_INIT, line = GS_BUF_INIT;
	va_list ap;
	FILE *fp;
	int c;

	gs_buf_printf(&cmd, "cd '%s' && ", workdir);
	va_start(ap, fmt);
	gs_buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_non_null(fp = popen(cmd.ptr, "r"));
	while ((c = fgetc(fp)) != EOF) {
		if (c == '\n') {
			gs_strvec_push(out, line.ptr);
			gs_buf_clear(&line);
		} else {
			gs_buf_putc(&line, (char)c);
		}
	}
	assert_int_equal(pclose(fp), 0);
	gs_buf_release(&cmd);
	gs_buf_release(&line);
}

/* A history of every kind of change a tree diff must get right. */
static const char *const steps[] = {
	"mkdir -p a/b c && echo 1 >a/b/x.py && echo 2 >a.py && echo 3 >a-b && echo 4 >a0 && echo 5 >c/y",
	"echo 1b >a/b/x.py",
	"git rm -q a.py && mkdir a.py && echo 6 >a.py/z",
	"git rm -rq a.py && echo 7 >a.py",
	"git rm -q a-b && mkdir a-b && echo 8 >a-b/w && echo 9 >a/b/new.py",
	"chmod +x c/y",
	"ln -s a0 link && git rm -rq a/b",
	"mkdir -p deep/er/est && echo 10 >deep/er/est/f && git mv c d",
	"git rm -rq deep && rm -f link && echo 11 >link",
	"git rm -rq . && echo 12 >only",
	NULL
};

static int setup(void **state)
{
	char tmpl[] = "/tmp/gs-hook-history.XXXXXX";
	size_t i;

	(void)state;
	workdir = gs_xstrdup(mkdtemp(tmpl));
	run("git init -q . && git config user.name t && git config user.email t@t && "
	    "git config commit.gpgsign false");
	for (i = 0; steps[i]; i++)
		run("%s && git add -A && git commit -q --allow-empty -m 'step %zu'", steps[i], i);
	return 0;
}

static int teardown(void **state)
{
	gs_buf cmd = GS_BUF_INIT;

	(void)state;
	gs_buf_printf(&cmd, "rm -rf '%s'", workdir);
	assert_int_equal(system(cmd.ptr), 0);
	gs_buf_release(&cmd);
	free(workdir);
	return 0;
}

static void assert_same_entries(gs_source *a, gs_source *b)
{
	size_t i;

	assert_int_equal(gs_source_count(a), gs_source_count(b));
	for (i = 0; i < gs_source_count(a); i++) {
		const gs_source_entry *x = gs_source_get(a, i), *y = gs_source_get(b, i);

		assert_string_equal(x->path, y->path);
		assert_int_equal(x->mode, y->mode);
		assert_true(git_oid_equal(&x->oid, &y->oid));
		assert_true(x->has_oid && y->has_oid);
	}
}

static void test_history_walk(void **state)
{
	gs_strvec revs = GS_STRVEC_INIT;
	git_repository *repo = NULL;
	gs_source *prev = NULL;
	git_tree *prev_tree = NULL;
	size_t i, j;

	(void)state;
	capture(&revs, "git rev-list --reverse HEAD");
	assert_int_equal(revs.nr, 10);
	assert_int_equal(git_repository_open(&repo, workdir), 0);
	for (i = 0; i < revs.nr; i++) {
		gs_strvec want = GS_STRVEC_INIT, got = GS_STRVEC_INIT;
		git_oid oid;
		git_commit *commit = NULL;
		git_tree *tree = NULL;
		gs_source *full = NULL, *derived = NULL;

		if (i)
			capture(&want, "git diff-tree -r --name-only --no-renames %s %s",
				revs.v[i - 1], revs.v[i]);
		else
			capture(&want, "git ls-tree -r --name-only %s", revs.v[i]);
		assert_int_equal(git_oid_fromstr(&oid, revs.v[i]), 0);
		assert_int_equal(git_commit_lookup(&commit, repo, &oid), 0);
		assert_int_equal(git_commit_tree(&tree, commit), 0);
		assert_int_equal(gs_hook_tree_diff(&got, repo, prev_tree, tree), 0);
		gs_strvec_sort_uniq(&want);
		assert_int_equal(got.nr, want.nr);
		for (j = 0; j < got.nr; j++)
			assert_string_equal(got.v[j], want.v[j]);
		assert_int_equal(gs_source_open_git_tree(&full, repo, tree), 0);
		if (prev) {
			assert_int_equal(gs_source_open_git_tree_from(&derived, prev, tree, &got), 0);
			assert_same_entries(full, derived);
			gs_source_free(prev);
			prev = derived;
			gs_source_free(full);
		} else {
			prev = full;
		}
		git_tree_free(prev_tree);
		prev_tree = tree;
		git_commit_free(commit);
		gs_strvec_clear(&want);
		gs_strvec_clear(&got);
	}
	gs_source_free(prev);
	git_tree_free(prev_tree);
	git_repository_free(repo);
	gs_strvec_clear(&revs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_history_walk, setup, teardown),
	};

	git_libgit2_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
