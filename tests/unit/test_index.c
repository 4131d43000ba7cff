#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <git2.h>
#include <cmocka.h>
#include "helpers.h"
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/index.h"
#include "gitspec/sha1.h"
#include "gitspec/source.h"

/*
 * The index reader is checked against git itself: every scenario is built
 * with real git commands in a temporary repository, and the reader's
 * answer must equal `git diff --cached --name-only --no-renames` and
 * `git ls-files -s`.
 */


/* Run a command and split its NUL-terminated output records into `out`. */
static void capture_z(gs_strvec *out, const char *cmd)
{
	FILE *f = popen(cmd, "r");
	gs_buf rec = GS_BUF_INIT;
	int c;

	assert_non_null(f);
	while ((c = fgetc(f)) != EOF) {
		if (c == 0) {
			gs_strvec_push(out, rec.ptr);
			gs_buf_clear(&rec);
		} else {
			gs_buf_putc(&rec, (char)c);
		}
	}
	assert_int_equal(pclose(f), 0);
	assert_int_equal(rec.size, 0);
	gs_buf_release(&rec);
}

static void write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (th_repo_setup("index") < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return th_repo_teardown();
}

/* The parsed entries equal `git ls-files -s` (ours: "MODE OID STAGE\tPATH"). */
static void check_entries(const gs_index *idx, const char *index_file)
{
	gs_strvec want = GS_STRVEC_INIT;
	gs_buf cmd = GS_BUF_INIT, got = GS_BUF_INIT;
	size_t i;

	/* --sparse: a sparse index's directory entries as they are */
	gs_buf_printf(&cmd, "GIT_INDEX_FILE='%s' git ls-files --sparse -s -z 2>/dev/null", index_file);
	capture_z(&want, cmd.ptr);
	assert_int_equal(want.nr, gs_index_entrycount(idx));
	for (i = 0; i < want.nr; i++) {
		const gs_index_entry *e = gs_index_get(idx, i);
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &e->oid);
		gs_buf_clear(&got);
		gs_buf_printf(&got, "%06o %s %d\t%s", e->mode, hex, e->stage, e->path);
		assert_string_equal(got.ptr, want.v[i]);
		assert_int_equal(strlen(e->path), e->path_len);
	}
	gs_strvec_clear(&want);
	gs_buf_release(&cmd);
	gs_buf_release(&got);
}

/* Compare the reader with git on the index file `index_file` (default .git/index). */
static void check_with(const char *index_file)
{
	git_repository *repo = NULL;
	git_object *head = NULL;
	git_tree *tree = NULL;
	gs_index *idx = NULL;
	gs_strvec want = GS_STRVEC_INIT, got = GS_STRVEC_INIT;
	gs_buf cmd = GS_BUF_INIT;
	size_t i;
	int rc;

	if (!index_file)
		index_file = ".git/index";
	gs_buf_printf(&cmd, "GIT_INDEX_FILE='%s' git diff --cached --name-only --no-renames -z 2>/dev/null", index_file);
	capture_z(&want, cmd.ptr);

	assert_int_equal(git_repository_open(&repo, "."), 0);
	if (git_revparse_single(&head, repo, "HEAD^{tree}") == 0)
		tree = (git_tree *)head;
	/* a split index's shared index is in the git directory, wherever the index is */
	rc = gs_index_open_in(&idx, index_file, ".git");
	if (rc < 0)
		fail_msg("gs_index_open: %s", gs_error_last());
	check_entries(idx, index_file);
	rc = gs_index_changed_paths(&got, idx, repo, tree);
	if (rc < 0)
		fail_msg("gs_index_changed_paths: %s", gs_error_last());
	for (i = 0; i < want.nr || i < got.nr; i++) {
		if (i >= want.nr || i >= got.nr || strcmp(want.v[i], got.v[i]))
			fail_msg("changed path %zu: git says '%s', we say '%s'", i,
				 i < want.nr ? want.v[i] : "(end)", i < got.nr ? got.v[i] : "(end)");
	}
	gs_index_free(idx);
	idx = NULL;

	/*
	 * The lazy reader: the same changed paths (computed first, reading
	 * only what the comparison needs), then the same entries, no error.
	 */
	gs_strvec_clear(&got);
	rc = gs_index_open_repo_lazy(&idx, repo, index_file);
	if (rc < 0)
		fail_msg("gs_index_open_repo_lazy: %s", gs_error_last());
	rc = gs_index_changed_paths(&got, idx, repo, tree);
	if (rc < 0)
		fail_msg("gs_index_changed_paths (lazy): %s", gs_error_last());
	assert_int_equal(got.nr, want.nr);
	for (i = 0; i < want.nr; i++)
		assert_string_equal(got.v[i], want.v[i]);
	check_entries(idx, index_file);
	assert_int_equal(gs_index_error(idx), 0);
	gs_strvec_clear(&want);
	gs_strvec_clear(&got);
	gs_buf_release(&cmd);
	gs_index_free(idx);
	git_object_free(head);
	git_repository_free(repo);
}

static void check(void)
{
	check_with(NULL);
}

static unsigned int version_of(const char *path)
{
	gs_index *idx = NULL;
	unsigned int v;

	assert_int_equal(gs_index_open(&idx, path), 0);
	v = gs_index_version(idx);
	gs_index_free(idx);
	return v;
}

/* A small tree with nesting, a file next to a same-named directory prefix, and an executable. */
static void populate(void)
{
	th_run("mkdir -p a/b/c d e.d 'sp ace'");
	write_file("top.py", "x = 1\n");
	write_file("a.py", "a\n");
	write_file("a/__init__.py", "");
	write_file("a/b/mod.py", "def f(): pass\n");
	write_file("a/b/c/deep.py", "deep\n");
	write_file("a/b.py", "b\n");
	write_file("d/one", "1\n");
	write_file("d/two", "2\n");
	write_file("e.d/x", "x\n");
	write_file("sp ace/f g", "s\n");
	th_run("chmod +x d/two");
}

static void test_sha1(void **state)
{
	static const struct { const char *in; const char *hex; } v[] = {
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	};
	unsigned char out[20], out2[20];
	char hex[41];
	size_t i, j, len = 100000;
	unsigned char *big = malloc(len);

	(void)state;
	for (i = 0; i < GS_ARRAY_SIZE(v); i++) {
		assert_int_equal(gs_sha1(out, v[i].in, strlen(v[i].in)), 0);
		for (j = 0; j < 20; j++)
			snprintf(hex + 2 * j, 3, "%02x", out[j]);
		assert_string_equal(hex, v[i].hex);
	}
	/* one call and the incremental interface agree on every split */
	for (i = 0; i < len; i++)
		big[i] = (unsigned char)(i * 7 + (i >> 8));
	for (i = 0; i < 300; i += 7) {
		gs_sha1_ctx ctx;

		assert_int_equal(gs_sha1(out, big, len - i), 0);
		gs_sha1_init(&ctx);
		gs_sha1_update(&ctx, big, i);
		gs_sha1_update(&ctx, big + i, len - 2 * i);
		assert_int_equal(gs_sha1_final(out2, &ctx), 0);
		assert_memory_equal(out, out2, 20);
	}
	free(big);
}

/* gs_sha1_blob is git's blob id: the same as libgit2's for every length. */
static void test_sha1_blob(void **state)
{
	static const size_t lens[] = { 0, 1, 9, 10, 55, 56, 63, 64, 99, 100, 1000, 65536, 1000001 };
	unsigned char *data = malloc(1000001);
	size_t i;

	(void)state;
	assert_non_null(data);
	for (i = 0; i < 1000001; i++)
		data[i] = (unsigned char)(i * 131 + (i >> 7));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		git_oid want;
		unsigned char got[GS_SHA1_SIZE];

		assert_int_equal(git_odb_hash(&want, data, lens[i], GIT_OBJECT_BLOB), 0);
		assert_int_equal(gs_sha1_blob(got, data, lens[i]), 0);
		assert_memory_equal(got, want.id, GS_SHA1_SIZE);
	}
	free(data);
}

static void test_missing_index_no_head(void **state)
{
	(void)state;
	/* a fresh repository: no index file, no HEAD */
	check();
	assert_int_equal(version_of(".git/index"), 0);
	populate();
	th_run("git add .");
	check();   /* everything added against the empty tree */
}

static void test_after_commit_and_add(void **state)
{
	git_oid oid;
	gs_index *idx = NULL;
	gs_buf hex = GS_BUF_INIT;
	FILE *f;
	char line[64];

	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	check();   /* nothing staged, cache-tree fully valid */

	assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
	assert_true(gs_index_cache_tree_oid(&oid, idx, ""));
	f = popen("git rev-parse HEAD:a/b", "r");
	assert_non_null(fgets(line, sizeof(line), f));
	pclose(f);
	line[strcspn(line, "\n")] = '\0';
	assert_true(gs_index_cache_tree_oid(&oid, idx, "a/b"));
	gs_buf_sets(&hex, git_oid_tostr_s(&oid));
	assert_string_equal(hex.ptr, line);
	assert_false(gs_index_cache_tree_oid(&oid, idx, "nope"));
	gs_index_free(idx);

	write_file("a/b/c/deep.py", "deeper\n");
	th_run("git add a/b/c/deep.py");
	/* a, a/b, a/b/c and the root are invalidated; d stays valid */
	assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
	assert_false(gs_index_cache_tree_oid(&oid, idx, ""));
	assert_false(gs_index_cache_tree_oid(&oid, idx, "a/b"));
	assert_true(gs_index_cache_tree_oid(&oid, idx, "d"));
	gs_index_free(idx);
	check();

	write_file("d/three", "3\n");
	write_file("new.py", "n\n");
	th_run("git add d/three new.py && git rm -q --cached top.py");
	check();
	gs_buf_release(&hex);
}

static void test_deletions_and_file_dir_swaps(void **state)
{
	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	/* a directory replaced by a file, a file by a directory */
	th_run("git rm -q -r --cached d && rm -rf d && echo file > d && git add d");
	th_run("git rm -q --cached a.py && rm a.py && mkdir a.py && echo inner > a.py/x && git add a.py/x");
	check();
	th_run("git commit -q -m two");
	check();
	/* whole directory deleted, new directory added */
	th_run("git rm -q -r --cached a && mkdir -p z/y && echo z > z/y/z && git add z");
	check();
	th_run("git reset -q --hard");
}

static void test_modes_symlinks_gitlinks(void **state)
{
	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	th_run("git update-index --chmod=+x top.py");
	th_run("ln -s top.py link && git add link");
	th_run("git update-index --add --cacheinfo 160000,1111111111111111111111111111111111111111,sub");
	check();
	th_run("git commit -q -m two");
	check();
	/* a symlink retargeted, a gitlink moved, a file replaced by a symlink */
	th_run("rm link && ln -s a.py link && git add link");
	th_run("git update-index --cacheinfo 160000,2222222222222222222222222222222222222222,sub");
	th_run("git rm -q --cached d/one && rm d/one && ln -s two d/one && git add d/one");
	check();
	/* the same id, only the mode differs */
	th_run("git update-index --chmod=-x d/two");
	check();
}

static void test_conflicts(void **state)
{
	(void)state;
	populate();
	th_run("git add . && git commit -q -m base");
	th_run("git checkout -q -b side");
	write_file("a/b/mod.py", "side\n");
	write_file("d/one", "side one\n");
	th_run("git commit -q -a -m side");
	th_run("git checkout -q main");
	write_file("a/b/mod.py", "main\n");
	th_run("git rm -q d/one");
	write_file("d/two", "main two\n");
	th_run("git commit -q -a -m main");
	/* the merge fails: a modify/modify and a modify/delete conflict */
	assert_int_not_equal(system("git merge -q side >/dev/null 2>&1"), 0);
	check();
	{
		gs_index *idx = NULL;

		assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
		assert_true(gs_index_has_conflicts(idx));
		assert_null(gs_index_find(idx, "a/b/mod.py"));
		assert_true(gs_index_find_pos(idx, "a/b/mod.py") >= 0);
		gs_index_free(idx);
	}
	/* resolving leaves a REUC extension, which is skipped */
	th_run("git add a/b/mod.py && git rm -q d/one");
	check();
	th_run("git commit -q -m merged");
	check();
}

static void test_v3_intent_to_add_and_skip_worktree(void **state)
{
	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	write_file("later.py", "l\n");
	write_file("a/b/later.py", "l\n");
	th_run("git add -N later.py a/b/later.py");
	assert_int_equal(version_of(".git/index"), 3);
	check();   /* intent-to-add entries are not staged content */
	{
		gs_index *idx = NULL;

		assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
		assert_true(gs_index_find(idx, "later.py")->intent_to_add);
		assert_false(gs_index_find(idx, "top.py")->intent_to_add);
		gs_index_free(idx);
	}
	th_run("git add later.py");
	check();
	th_run("git update-index --skip-worktree d/one");
	write_file("e.d/x", "changed\n");
	th_run("git add e.d/x");
	check();
	{
		gs_index *idx = NULL;

		assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
		assert_int_equal(gs_index_version(idx), 3);
		assert_true(gs_index_find(idx, "d/one")->skip_worktree);
		gs_index_free(idx);
	}
}

static void test_v4(void **state)
{
	(void)state;
	populate();
	th_run("mkdir -p long/name/path/with/many/parts && echo 1 > long/name/path/with/many/parts/file_one.py");
	th_run("echo 2 > long/name/path/with/many/parts/file_two.py && echo 3 > long/name/path/other.py");
	th_run("git add . && git commit -q -m one");
	th_run("git update-index --index-version 4");
	assert_int_equal(version_of(".git/index"), 4);
	check();
	write_file("a/b/mod.py", "v4\n");
	th_run("git add a/b/mod.py && git rm -q --cached long/name/path/other.py");
	th_run("git add -N top.py 2>/dev/null; true");
	check();
	th_run("git update-index --index-version 2");
	assert_int_equal(version_of(".git/index"), 2);
	check();
}

static void test_odd_names(void **state)
{
	(void)state;
	write_file("plain", "p\n");
	th_run("git add . && git commit -q -m one");
	write_file("with space", "1\n");
	write_file("quote\"d", "2\n");
	write_file("new\nline", "3\n");
	write_file("-dash", "4\n");
	write_file("caf\xe9", "5\n");   /* latin-1, not UTF-8 */
	write_file("tab\there", "6\n");
	th_run("git add -- .");
	check();
	th_run("git commit -q -m two && git mv -- -dash --dash2");
	check();
}

/* `git commit -a` and `git commit PATH` run the hook on index.lock / next-index-*.lock. */
static void test_commit_hook_index_files(void **state)
{
	gs_strvec saved = GS_STRVEC_INIT;
	size_t i;

	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	th_run("mkdir -p ../saved");
	write_file(".git/hooks/pre-commit",
		   "#!/bin/sh\n"
		   "n=$(ls ../saved/*.index 2>/dev/null | wc -l)\n"
		   "cp \"$GIT_INDEX_FILE\" ../saved/$n.index\n"
		   "echo \"$GIT_INDEX_FILE\" > ../saved/$n.name\n");
	th_run("chmod +x .git/hooks/pre-commit");
	write_file("a/b/mod.py", "all\n");
	write_file("d/one", "partly\n");
	th_run("git commit -q -a -m all");
	write_file("a/b/mod.py", "path\n");
	write_file("d/two", "not this one\n");
	th_run("git add d/two && git commit -q -m path a/b/mod.py");
	th_run("git reset -q --hard");
	th_run("git reset -q --soft HEAD~2");
	capture_z(&saved, "cd ../saved && for f in *.index; do printf '%s\\0' \"$f\"; done");
	assert_int_equal(saved.nr, 2);
	for (i = 0; i < saved.nr; i++) {
		gs_buf p = GS_BUF_INIT;

		gs_buf_printf(&p, "../saved/%s", saved.v[i]);
		check_with(p.ptr);
		gs_buf_release(&p);
	}
	/* the hook saw index.lock, then a next-index lock */
	th_run("grep -q 'index.lock$' ../saved/0.name");
	th_run("grep -q 'next-index-.*\\.lock$' ../saved/1.name");
	gs_strvec_clear(&saved);
	th_run("rm -rf ../saved .git/hooks/pre-commit");
}

/* Whether the index file has the extension `sig`. */
static int has_extension(const char *path, const char *sig)
{
	gs_buf cmd = GS_BUF_INIT;
	int rc;

	gs_buf_printf(&cmd, "grep -q -a '%s' '%s'", sig, path);
	rc = system(cmd.ptr);
	gs_buf_release(&cmd);
	return rc == 0;
}

static void test_split_index(void **state)
{
	gs_index *idx = NULL;

	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	th_run("git update-index --split-index && git config core.splitIndex true");
	assert_true(has_extension(".git/index", "link"));
	check();
	/* only replaced entries (replaced in place) */
	write_file("a.py", "replaced\n");
	write_file("d/two", "replaced\n");
	th_run("git add a.py d/two");
	check();
	/* replaced, deleted and added entries over the shared index */
	write_file("a/b/mod.py", "changed\n");
	write_file("new.py", "new\n");
	th_run("git add a/b/mod.py new.py && git rm -q --cached d/one");
	assert_true(has_extension(".git/index", "link"));
	check();
	/* a relative index path finds the shared index next to it */
	assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
	assert_non_null(gs_index_find(idx, "new.py"));
	assert_null(gs_index_find(idx, "d/one"));
	gs_index_free(idx);
	th_run("git commit -q -m two");
	check();
	/* a whole directory gone, a file where it was, an executable bit */
	th_run("git rm -q -r --cached a/b && chmod -x d/two && git add d/two");
	write_file("e.d/y", "y\n");
	th_run("git add e.d/y");
	check();
	th_run("git commit -q -m three");
	check();
	/* version 4 path compression with the empty names of replacements */
	th_run("git update-index --index-version 4");
	write_file("top.py", "x = 4\n");
	th_run("git add top.py");
	assert_true(has_extension(".git/index", "link"));
	assert_int_equal(version_of(".git/index"), 4);
	check();
	/* conflicts in the split part: a stage-0 entry replaces the stages */
	th_run("git commit -q -m four && git checkout -q -b side HEAD~1");
	write_file("top.py", "x = side\n");
	th_run("git commit -q -a -m side && git checkout -q main");
	th_run("git merge -q side; true");
	assert_true(has_extension(".git/index", "link"));
	check();
	th_run("git add top.py");
	check();
	/* a missing shared index is an error, not an empty index */
	th_run("mkdir -p ../hide && mv .git/sharedindex.* ../hide/");
	assert_int_equal(gs_index_open(&idx, ".git/index"), GS_ERROR);
	assert_null(idx);
	assert_non_null(strstr(gs_error_last(), "shared index"));
	th_run("mv ../hide/* .git/ && rmdir ../hide");
	/* nor one that is not the file the link names (git names it by its checksum) */
	th_run("GIT_INDEX_FILE=../plain git -c core.splitIndex=false read-tree HEAD~1");
	th_run("mkdir ../keep && cp .git/sharedindex.* ../keep/ && for f in .git/sharedindex.*; do cp ../plain \"$f\"; done");
	assert_int_equal(gs_index_open(&idx, ".git/index"), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "not the shared index"));
	th_run("for f in .git/sharedindex.*; do printf x >>\"$f\"; done");
	assert_int_equal(gs_index_open(&idx, ".git/index"), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "sharedindex."));
	th_run("cp ../keep/* .git/ && rm -r ../keep ../plain");
	th_run("git config core.splitIndex false && git update-index --no-split-index");
	assert_false(has_extension(".git/index", "link"));
	check();
}

static void test_sparse_index(void **state)
{
	gs_index *idx = NULL;

	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	th_run("git sparse-checkout init --cone --sparse-index && git sparse-checkout set a");
	assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
	assert_true(gs_index_is_sparse(idx));
	assert_int_equal(gs_index_find(idx, "d/")->mode, GS_INDEX_MODE_DIR);
	assert_true(gs_index_find(idx, "d/")->skip_worktree);
	gs_index_free(idx);
	check();
	/* inside the cone */
	write_file("a/b/mod.py", "sparse\n");
	th_run("git add a/b/mod.py");
	check();
	/* outside it: the directory entry's tree changes, or it is expanded */
	th_run("git rm -q --cached --sparse d/one");
	check();
	th_run("printf '100644 %%s\\tsp ace/new\\n' $(git rev-parse HEAD:top.py) | git update-index --index-info");
	check();
	th_run("git commit -q -m two");
	check();
	th_run("git sparse-checkout set a d");
	check();
	th_run("git rm -q --cached -r --sparse 'sp ace' e.d");
	check();
	/* a version 4 sparse index */
	th_run("git reset -q && git update-index --index-version 4");
	check();
	/* (git refuses a split index that is sparse) */
	write_file("a/b/mod.py", "v4\n");
	th_run("git add a/b/mod.py");
	check();
	th_run("git sparse-checkout disable");
	check();
}

/* ---- corrupt files ---- */

#define HEADER_SIZE_FOR_TEST 12

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void rehash(unsigned char *data, size_t len)
{
	gs_sha1(data + len - 20, data, len - 20);
}

/*
 * The lazy reader on the same bytes: it refuses the file when opening it,
 * or reports the problem (gs_index_error()) once every entry was read,
 * exactly when the full reader refuses it.
 */
static void parse_lazy_copy(const unsigned char *copy, size_t len, int full_rc)
{
	gs_index *idx = NULL;
	gs_buf full_msg = GS_BUF_INIT;
	size_t i;
	int rc;

	if (full_rc < 0)
		gs_buf_sets(&full_msg, gs_error_last());
	rc = gs_index_parse_lazy(&idx, copy, len, "x/index");
	if (rc == 0) {
		for (i = 0; i < gs_index_entrycount(idx); i++) {
			size_t plen;
			const char *path = gs_index_path_at(idx, i, &plen);

			assert_int_equal(gs_index_get(idx, i)->path_len, plen);
			assert_ptr_equal(gs_index_get(idx, i)->path, path);
		}
		rc = gs_index_error(idx);
	} else {
		assert_null(idx);
	}
	if ((rc < 0) != (full_rc < 0))
		fail_msg("lazy reader: %s; full reader: %s", rc < 0 ? gs_error_last() : "accepted",
			 full_rc < 0 ? full_msg.ptr : "accepted");
	if (rc < 0)
		assert_non_null(strstr(gs_error_last(), "index 'x/index': "));
	gs_index_free(idx);
	/* the caller reads the full reader's message */
	if (full_rc < 0)
		gs_error_set(GS_ERROR, "%s", full_msg.ptr);
	gs_buf_release(&full_msg);
}

/* Parse a private, exactly-sized copy, so that the sanitizers see any over-read. */
static int parse_copy(const unsigned char *data, size_t len)
{
	unsigned char *copy = malloc(len ? len : 1);
	gs_index *idx = NULL;
	int rc;

	memcpy(copy, data, len);
	rc = gs_index_parse(&idx, copy, len, "x/index");
	parse_lazy_copy(copy, len, rc);
	if (rc == 0) {
		gs_strvec paths = GS_STRVEC_INIT;
		size_t i;

		for (i = 0; i < gs_index_entrycount(idx); i++)
			assert_int_equal(strlen(gs_index_get(idx, i)->path), gs_index_get(idx, i)->path_len);
		gs_strvec_clear(&paths);
	} else {
		assert_int_equal(rc, GS_ERROR);
		assert_null(idx);
	}
	gs_index_free(idx);
	free(copy);
	return rc;
}

/*
 * Every byte of a real link extension (the shared index's id, both EWAH
 * bitmaps), changed three ways behind a valid checksum: an error or a
 * well-formed merged index, never a crash (run under the sanitizers).
 */
static void test_split_index_corrupt(void **state)
{
	unsigned char *data, *copy;
	size_t len, off = 0, size, i, k, ok = 0, bad = 0;
	static const unsigned char vals[] = { 0x00, 0xff, 0x80 };

	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	th_run("git update-index --split-index");
	write_file("a.py", "replaced\n");
	write_file("new.py", "added\n");
	th_run("git add a.py new.py && git rm -q --cached top.py");
	data = slurp(".git/index", &len);
	for (i = 12; i + 8 <= len - 20; i++)
		if (!memcmp(data + i, "link", 4) && i + 8 + ((size_t)data[i + 4] << 24 | (size_t)data[i + 5] << 16 |
							      (size_t)data[i + 6] << 8 | data[i + 7]) <= len - 20)
			off = i;
	assert_true(off > 0);
	size = (size_t)data[off + 4] << 24 | (size_t)data[off + 5] << 16 | (size_t)data[off + 6] << 8 | data[off + 7];
	assert_true(size > 20);
	copy = malloc(len);
	for (i = off + 4; i < off + 8 + size; i++) {
		for (k = 0; k < GS_ARRAY_SIZE(vals); k++) {
			gs_index *idx = NULL;
			FILE *f;
			int rc;

			memcpy(copy, data, len);
			copy[i] = (unsigned char)(k == 2 ? copy[i] ^ vals[k] : vals[k]);
			rehash(copy, len);
			f = fopen(".git/index-mut", "wb");
			assert_non_null(f);
			assert_int_equal(fwrite(copy, 1, len, f), len);
			fclose(f);
			rc = gs_index_open_in(&idx, ".git/index-mut", ".git");
			if (rc == 0) {
				size_t n;

				for (n = 0; n < gs_index_entrycount(idx); n++)
					assert_int_equal(strlen(gs_index_get(idx, n)->path), gs_index_get(idx, n)->path_len);
				ok++;
			} else {
				assert_int_equal(rc, GS_ERROR);
				assert_null(idx);
				bad++;
			}
			gs_index_free(idx);
		}
	}
	/* most changes are caught (a changed id names no shared index) */
	assert_true(bad > ok);
	free(copy);
	free(data);
	th_run("rm -f .git/index-mut");
}

static void test_corrupt(void **state)
{
	unsigned char *data, *mut;
	size_t len, i;
	int version, rc;
	unsigned int seed = 12345;

	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	write_file("a/b/mod.py", "x\n");
	th_run("git add a/b/mod.py");
	for (version = 2; version <= 4; version++) {
		th_run("git update-index --index-version %d", version);
		data = slurp(".git/index", &len);
		assert_int_equal(parse_copy(data, len), 0);

		/* the checksum catches a flipped byte */
		mut = malloc(len);
		memcpy(mut, data, len);
		mut[len / 2] ^= 1;
		assert_int_equal(parse_copy(mut, len), GS_ERROR);
		assert_non_null(strstr(gs_error_last(), "corrupt index 'x/index': bad checksum"));

		/* an all-zero trailer (index.skipHash) is not verified */
		memcpy(mut, data, len);
		memset(mut + len - 20, 0, 20);
		assert_int_equal(parse_copy(mut, len), 0);

		/* every truncation, with and without a valid checksum */
		for (i = 0; i < len; i++) {
			rc = parse_copy(data, i);
			assert_int_equal(rc, GS_ERROR);
			assert_non_null(strstr(gs_error_last(), "corrupt index 'x/index': "));
			if (i >= 32) {
				memcpy(mut, data, i);
				rehash(mut, i);
				parse_copy(mut, i);
				memset(mut + i - 20, 0, 20);
				parse_copy(mut, i);
			}
		}
		/* random damage behind a valid (or skipped) checksum: errors, never crashes */
		for (i = 0; i < 3000; i++) {
			size_t k, flips = 1 + rand_r(&seed) % 4;

			memcpy(mut, data, len);
			for (k = 0; k < flips; k++) {
				size_t at = 12 + (size_t)rand_r(&seed) % (len - 32);

				mut[at] = (unsigned char)rand_r(&seed);
			}
			if (i & 1)
				memset(mut + len - 20, 0, 20);
			else
				rehash(mut, len);
			parse_copy(mut, len);
		}
		free(mut);
		free(data);
	}
}

/* Above 1 MB the checksum is computed on a second thread while the entries are parsed. */
static void test_large_index(void **state)
{
	unsigned char *data;
	size_t len;
	FILE *f;

	(void)state;
	th_run("blob=$(echo x | git hash-object -w --stdin) && "
	    "awk -v b=$blob 'BEGIN { for (i = 0; i < 16000; i++) printf \"100644 %%s\\tdir%%03d/file%%05d.py\\n\", b, i %% 300, i }' "
	    "| git update-index --index-info && git commit -q -m big");
	th_run("git update-index --add --cacheinfo 100644,$(echo y | git hash-object -w --stdin),dir007/new.py");
	data = slurp(".git/index", &len);
	assert_true(len > (1u << 20));
	check();
	/* damage in an entry and in the trailer: the checksum is what is reported */
	data[len / 3] ^= 0x40;
	f = fopen(".git/index", "wb");
	fwrite(data, 1, len, f);
	fclose(f);
	assert_int_equal(parse_copy(data, len), GS_ERROR);
	assert_string_equal(gs_error_last(), "corrupt index 'x/index': bad checksum");
	data[len / 3] ^= 0x40;
	data[HEADER_SIZE_FOR_TEST + 61] = 0xff;  /* the first entry's name length */
	assert_int_equal(parse_copy(data, len), GS_ERROR);
	assert_string_equal(gs_error_last(), "corrupt index 'x/index': bad checksum");
	rehash(data, len);
	assert_int_equal(parse_copy(data, len), GS_ERROR);
	assert_string_equal(gs_error_last(), "corrupt index 'x/index': bad path length");
	free(data);
}

static void append_extension(const char *sig)
{
	unsigned char *data, *out;
	size_t len;
	static const unsigned char body[5] = "hello";
	FILE *f;

	data = slurp(".git/index", &len);
	out = malloc(len + 8 + sizeof(body));
	memcpy(out, data, len - 20);
	memcpy(out + len - 20, sig, 4);
	out[len - 16] = 0;
	out[len - 15] = 0;
	out[len - 14] = 0;
	out[len - 13] = sizeof(body);
	memcpy(out + len - 12, body, sizeof(body));
	len += 8 + sizeof(body);
	rehash(out, len);
	f = fopen(".git/index", "wb");
	fwrite(out, 1, len, f);
	fclose(f);
	free(data);
	free(out);
}

static void test_extensions(void **state)
{
	gs_index *idx = NULL;

	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	/* the untracked cache (UNTR) and an unknown optional extension are skipped */
	th_run("git update-index --untracked-cache && git status >/dev/null");
	append_extension("ZZZZ");
	assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
	gs_index_free(idx);
	check();
	/* an unknown mandatory one is refused */
	append_extension("zzzz");
	assert_int_equal(gs_index_open(&idx, ".git/index"), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "unsupported mandatory extension 'zzzz'"));
}

/* Paths of 4094-4096 bytes: the 12-bit length field saturates at 4095. */
static void test_long_paths(void **state)
{
	gs_buf path = GS_BUF_INIT;
	size_t len;
	int version;
	gs_index *idx = NULL;

	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	th_run("echo long > blob && git hash-object -w blob && rm blob");
	for (len = 4094; len <= 4096; len++) {
		gs_buf_clear(&path);
		while (path.size + 101 < len)
			gs_buf_puts(&path, "dddddddddddddddddddddddddddddddddddddddddddddddddd"
				    "dddddddddddddddddddddddddddddddddddddddddddddddd/");
		while (path.size < len)
			gs_buf_putc(&path, 'f');
		th_run("git update-index --add --cacheinfo 100644,$(echo long | git hash-object --stdin),%s", path.ptr);
	}
	for (version = 2; version <= 4; version += 2) {
		th_run("git update-index --index-version %d", version);
		check();
		assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
		assert_non_null(gs_index_find(idx, path.ptr));
		assert_int_equal(gs_index_find(idx, path.ptr)->path_len, 4096);
		gs_index_free(idx);
	}
	/* longer than any checkout can hold: refused */
	gs_buf_putc(&path, 'f');
	th_run("git update-index --add --cacheinfo 100644,$(echo long | git hash-object --stdin),%s", path.ptr);
	assert_int_equal(gs_index_open(&idx, ".git/index"), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "path too long"));
	gs_buf_release(&path);
}

/* Write `data` as the index file `path` (with a fresh checksum when `rehash_it`). */
static void write_index(const char *path, unsigned char *data, size_t len, int rehash_it)
{
	FILE *f;

	if (rehash_it)
		rehash(data, len);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* The offset of the path `path` in the index file `data` (it must be there once). */
static size_t path_offset(const unsigned char *data, size_t len, const char *path)
{
	size_t n = strlen(path), i, at = 0, found = 0;

	for (i = 12; i + n < len; i++) {
		if (!memcmp(data + i, path, n + 1)) {
			at = i;
			found++;
		}
	}
	assert_int_equal(found, 1);
	return at;
}

/*
 * The hook reads the index lazily (ADR 0019): entries below a directory
 * the cache-tree says is unchanged are only scanned for their length.
 * Damage there is still refused by the trailer checksum, verified before
 * the index is returned; an entry written wrong behind a valid checksum
 * is refused when read, and the comparison with HEAD reads every entry of
 * every changed directory.
 */
static void test_lazy(void **state)
{
	git_repository *repo = NULL;
	git_object *head = NULL;
	gs_index *idx = NULL;
	gs_strvec got = GS_STRVEC_INIT;
	unsigned char *data, *mut;
	size_t len, skipped, read, i;
	const gs_index_entry *e;

	(void)state;
	populate();
	th_run("git add . && git commit -q -m one");
	write_file("d/one", "changed\n");
	th_run("git add d/one");
	check();
	assert_int_equal(git_repository_open(&repo, "."), 0);
	assert_int_equal(git_revparse_single(&head, repo, "HEAD^{tree}"), 0);
	data = slurp(".git/index", &len);
	mut = malloc(len);
	/* a/b/mod.py is in a/, unchanged (cache-tree); d/two is in d/, changed */
	skipped = path_offset(data, len, "a/b/mod.py");
	read = path_offset(data, len, "d/two");

	/* damage in a skipped entry (its path, its id): the checksum */
	for (i = 0; i < 2; i++) {
		memcpy(mut, data, len);
		mut[i ? skipped - 22 : skipped + 2] ^= 0x01;
		write_index(".git/index-mut", mut, len, 0);
		assert_int_equal(gs_index_open_repo_lazy(&idx, repo, ".git/index-mut"), GS_ERROR);
		assert_string_equal(gs_error_last(), "corrupt index '.git/index-mut': bad checksum");
		assert_null(idx);
	}

	/*
	 * A skipped entry written wrong behind a valid checksum ("a/b/mod.p/"):
	 * the comparison does not read it, and is right (git commits the
	 * cache-tree's id for a/, not these entries); reading it reports it.
	 */
	memcpy(mut, data, len);
	mut[skipped + 9] = '/';
	write_index(".git/index-mut", mut, len, 1);
	assert_int_equal(gs_index_open_repo_lazy(&idx, repo, ".git/index-mut"), 0);
	assert_int_equal(gs_index_changed_paths(&got, idx, repo, (git_tree *)head), 0);
	assert_int_equal(got.nr, 1);
	assert_string_equal(got.v[0], "d/one");
	assert_int_equal(gs_index_error(idx), 0);
	e = gs_index_find(idx, "a/b/c/deep.py");
	assert_non_null(e);
	assert_int_equal(gs_index_error(idx), 0);
	e = gs_index_get(idx, (size_t)gs_index_find_pos(idx, "a/b/c/deep.py") + 1);
	assert_int_equal(gs_index_error(idx), GS_ERROR);
	assert_string_equal(gs_error_last(), "corrupt index '.git/index-mut': invalid path");
	gs_index_free(idx);
	gs_strvec_clear(&got);
	/* the full reader refuses it at once */
	assert_int_equal(gs_index_open(&idx, ".git/index-mut"), GS_ERROR);
	assert_string_equal(gs_error_last(), "corrupt index '.git/index-mut': invalid path");

	/* the same in a changed directory: the comparison reads it and fails */
	memcpy(mut, data, len);
	mut[read + 2] = '/';  /* "d//wo" */
	write_index(".git/index-mut", mut, len, 1);
	assert_int_equal(gs_index_open_repo_lazy(&idx, repo, ".git/index-mut"), 0);
	assert_int_equal(gs_index_changed_paths(&got, idx, repo, (git_tree *)head), GS_ERROR);
	assert_string_equal(gs_error_last(), "corrupt index '.git/index-mut': invalid path");
	gs_index_free(idx);
	gs_strvec_clear(&got);

	/* out of order ("d/two" -> "d/ane", before "d/one"), and a NUL inside a path */
	for (i = 0; i < 2; i++) {
		memcpy(mut, data, len);
		if (i)
			mut[read + 3] = 0;
		else
			memcpy(mut + read + 2, "ane", 3);
		write_index(".git/index-mut", mut, len, 1);
		assert_int_equal(gs_index_open_repo_lazy(&idx, repo, ".git/index-mut"), 0);
		assert_int_equal(gs_index_changed_paths(&got, idx, repo, (git_tree *)head), GS_ERROR);
		assert_string_equal(gs_error_last(), i ? "corrupt index '.git/index-mut': bad path length" :
				    "corrupt index '.git/index-mut': entries out of order");
		gs_index_free(idx);
		gs_strvec_clear(&got);
	}

	/* bad flags or a bad mode anywhere: refused when opening, as by the full reader */
	memcpy(mut, data, len);
	mut[skipped - 2] |= 0x40;  /* extended flags, in a version 2 index */
	write_index(".git/index-mut", mut, len, 1);
	assert_int_equal(gs_index_open_repo_lazy(&idx, repo, ".git/index-mut"), GS_ERROR);
	assert_string_equal(gs_error_last(), "corrupt index '.git/index-mut': extended flags in a version 2 index");
	assert_null(idx);
	memcpy(mut, data, len);
	mut[skipped - 62 + 26] = 0x71;  /* the mode: type 0070000 */
	write_index(".git/index-mut", mut, len, 1);
	assert_int_equal(gs_index_open_repo_lazy(&idx, repo, ".git/index-mut"), GS_ERROR);
	assert_string_equal(gs_error_last(), "corrupt index '.git/index-mut': bad entry mode");
	assert_null(idx);

	free(mut);
	free(data);
	git_object_free(head);
	git_repository_free(repo);
	th_run("rm -f .git/index-mut");
}

/* Append one version 2 entry (mode 100644, id all `fill`) for `path` to `out`. */
static void put_entry(gs_buf *out, const char *path, unsigned char fill)
{
	unsigned char fixed[62];
	size_t len = strlen(path), pad = ((62 + len + 8) & ~(size_t)7) - 62 - len;

	memset(fixed, 0, sizeof(fixed));
	fixed[24 + 2] = 0x81;
	fixed[24 + 3] = 0xa4;
	memset(fixed + 40, fill, 20);
	fixed[60] = (unsigned char)(len >> 8);
	fixed[61] = (unsigned char)len;
	gs_buf_put(out, (const char *)fixed, sizeof(fixed));
	gs_buf_put(out, path, len);
	gs_buf_put(out, "\0\0\0\0\0\0\0\0", pad);
}

/* One cache-tree node: NAME NUL COUNT SP SUBTREES LF, then a 20-byte id of `fill`. */
static void put_node(gs_buf *out, const char *name, int count, int subtrees, unsigned char fill)
{
	unsigned char id[20];

	gs_buf_put(out, name, strlen(name) + 1);
	gs_buf_printf(out, "%d %d\n", count, subtrees);
	memset(id, fill, sizeof(id));
	gs_buf_put(out, (const char *)id, sizeof(id));
}

/*
 * The cache-tree's children are bisected in git's order (shorter names
 * first): as git writes them, or, from another writer, sorted first.
 */
static void test_cache_tree_order(void **state)
{
	static const char *const orders[][3] = {
		{ "b", "aa", "ab" },  /* git's order */
		{ "ab", "aa", "b" },  /* another */
		{ "aa", "b", "aa" },  /* a name twice */
	};
	size_t k, i;

	(void)state;
	for (k = 0; k < GS_ARRAY_SIZE(orders); k++) {
		gs_buf file = GS_BUF_INIT, ext = GS_BUF_INIT;
		gs_index *idx = NULL;
		git_oid oid;
		int rc, lazy;

		gs_buf_put(&file, "DIRC\0\0\0\2\0\0\0\3", 12);
		put_entry(&file, "aa/x", 0xaa);
		put_entry(&file, "ab/x", 0xab);
		put_entry(&file, "b/x", 0xbb);
		put_node(&ext, "", 3, 3, 0x11);
		for (i = 0; i < 3; i++)
			put_node(&ext, orders[k][i], 1, 0, (unsigned char)(orders[k][i][0] == 'b' ? 0xbb :
									 orders[k][i][1] == 'a' ? 0xaa : 0xab));
		gs_buf_put(&file, "TREE", 4);
		gs_buf_putc(&file, 0);
		gs_buf_putc(&file, 0);
		gs_buf_putc(&file, (char)(ext.size >> 8));
		gs_buf_putc(&file, (char)ext.size);
		gs_buf_put(&file, ext.ptr, ext.size);
		gs_buf_put(&file, "01234567890123456789", 20);
		rehash((unsigned char *)file.ptr, file.size);
		for (lazy = 0; lazy < 2; lazy++) {
			rc = lazy ? gs_index_parse_lazy(&idx, file.ptr, file.size, "x/index") :
				    gs_index_parse(&idx, file.ptr, file.size, "x/index");
			if (k == 2) {
				assert_int_equal(rc, GS_ERROR);
				assert_string_equal(gs_error_last(), "corrupt index 'x/index': bad cache-tree extension");
				continue;
			}
			assert_int_equal(rc, 0);
			assert_int_equal(gs_index_cache_tree_oid(&oid, idx, "aa"), 1);
			assert_int_equal(oid.id[0], 0xaa);
			assert_int_equal(gs_index_cache_tree_oid(&oid, idx, "ab"), 1);
			assert_int_equal(oid.id[0], 0xab);
			assert_int_equal(gs_index_cache_tree_oid(&oid, idx, "b"), 1);
			assert_int_equal(oid.id[0], 0xbb);
			assert_int_equal(gs_index_cache_tree_oid(&oid, idx, "a"), 0);
			assert_int_equal(gs_index_cache_tree_oid(&oid, idx, "c"), 0);
			gs_index_free(idx);
		}
		gs_buf_release(&file);
		gs_buf_release(&ext);
	}
}

/* Paths that would leave the work tree are refused, by both readers; odd but safe ones are not. */
static void test_path_checks(void **state)
{
	static const char *const bad[] = {
		".", "..", "/a", "a/", "a//b", "./a", "../a", "a/.", "a/..", "a/./b", "a/../b", "/", "//",
	};
	static const char *const good[] = {
		"a", ".a", "a.", "..a", "a..", "...", "a/.b", "a/b..", "a/...", ".git-like/x", "a/b/c",
	};
	size_t i;
	int lazy;

	(void)state;
	for (i = 0; i < GS_ARRAY_SIZE(bad) + GS_ARRAY_SIZE(good); i++) {
		const char *path = i < GS_ARRAY_SIZE(bad) ? bad[i] : good[i - GS_ARRAY_SIZE(bad)];
		gs_buf file = GS_BUF_INIT;

		gs_buf_put(&file, "DIRC\0\0\0\2\0\0\0\1", 12);
		put_entry(&file, path, 0x11);
		gs_buf_put(&file, "01234567890123456789", 20);
		rehash((unsigned char *)file.ptr, file.size);
		for (lazy = 0; lazy < 2; lazy++) {
			gs_index *idx = NULL;
			int rc = lazy ? gs_index_parse_lazy(&idx, file.ptr, file.size, "x/index") :
					gs_index_parse(&idx, file.ptr, file.size, "x/index");

			if (rc == 0 && lazy) {
				assert_non_null(gs_index_get(idx, 0));
				rc = gs_index_error(idx);
			}
			if (i < GS_ARRAY_SIZE(bad)) {
				if (rc != GS_ERROR)
					fail_msg("'%s' accepted (lazy: %d)", path, lazy);
				assert_string_equal(gs_error_last(), "corrupt index 'x/index': invalid path");
			} else if (rc != 0) {
				fail_msg("'%s' refused (lazy: %d): %s", path, lazy, gs_error_last());
			}
			gs_index_free(idx);
		}
		gs_buf_release(&file);
	}
}

static void test_lookup(void **state)
{
	gs_index *idx = NULL;
	size_t b, e;

	(void)state;
	populate();
	th_run("git add .");
	assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
	assert_non_null(gs_index_find(idx, "a/b/mod.py"));
	assert_null(gs_index_find(idx, "a/b"));
	gs_index_prefix_range(idx, "a/", &b, &e);
	assert_int_equal(e - b, 4);
	assert_string_equal(gs_index_get(idx, b)->path, "a/__init__.py");
	assert_string_equal(gs_index_get(idx, e - 1)->path, "a/b/mod.py");
	gs_index_prefix_range(idx, "zz/", &b, &e);
	assert_int_equal(b, e);
	gs_index_prefix_range(idx, "", &b, &e);
	assert_int_equal(e - b, gs_index_entrycount(idx));
	assert_null(gs_index_get(idx, gs_index_entrycount(idx)));
	/* by file name: "a.py" is not "a/b.py", "b.py" is */
	b = gs_index_next_named(idx, "a.py", 0);
	assert_string_equal(gs_index_get(idx, b)->path, "a.py");
	assert_int_equal(gs_index_next_named(idx, "a.py", b + 1), gs_index_entrycount(idx));
	b = gs_index_next_named(idx, "b.py", 0);
	assert_string_equal(gs_index_get(idx, b)->path, "a/b.py");
	assert_int_equal(gs_index_next_named(idx, "b.py", b + 1), gs_index_entrycount(idx));
	assert_int_equal(gs_index_next_named(idx, "mod.py", 0), (size_t)gs_index_find_pos(idx, "a/b/mod.py"));
	assert_int_equal(gs_index_next_named(idx, "od.py", 0), gs_index_entrycount(idx));
	assert_int_equal(gs_index_next_named(idx, "", 0), gs_index_entrycount(idx));
	gs_index_free(idx);
}

/* ---- performance (not part of the suite): test_index --perf DIR ---- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define PERF_RUNS 15

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), dbl_cmp);
	return v[n / 2];
}

/*
 * A repository of 100,000 files in 2,000 directories (pkgNNNN/modNN.py),
 * committed, then one file changed and staged with `git add`. Times the
 * reader (open + changed paths, each run in this process with a fresh
 * open) against `git diff --cached --name-only` (a whole process each).
 */
static int perf(const char *dir)
{
	git_repository *repo = NULL;
	git_object *head = NULL;
	double t_open[PERF_RUNS], t_diff[PERF_RUNS], t_total[PERF_RUNS], t_git[PERF_RUNS];
	double t_repo[PERF_RUNS], t_skip[PERF_RUNS], t_notree[PERF_RUNS];
	double t_source[PERF_RUNS];
	struct stat st;
	int i, d, f;
	gs_buf p = GS_BUF_INIT;
	size_t nchanged = 0;

	if (stat(dir, &st) < 0) {
		printf("# generating %s\n", dir);
		if (mkdir(dir, 0777) < 0 || chdir(dir) < 0)
			return 1;
		th_run("git init -q -b main .");
		for (d = 0; d < 2000; d++) {
			gs_buf_clear(&p);
			gs_buf_printf(&p, "pkg%04d", d);
			mkdir(p.ptr, 0777);
			for (f = 0; f < 50; f++) {
				FILE *fp;

				gs_buf_clear(&p);
				gs_buf_printf(&p, "pkg%04d/mod%02d.py", d, f);
				fp = fopen(p.ptr, "w");
				fprintf(fp, "def f%d_%d():\n    return %d\n", d, f, d * 50 + f);
				fclose(fp);
			}
		}
		th_run("git add . && git -c user.name=x -c user.email=y commit -q -m base");
	} else if (chdir(dir) < 0) {
		return 1;
	}
	th_run("echo '# changed' >> pkg1234/mod07.py && git add pkg1234/mod07.py");

	git_libgit2_init();
	for (i = 0; i < PERF_RUNS; i++) {
		gs_index *idx = NULL;
		gs_strvec out = GS_STRVEC_INIT;
		double t0, t1, t2;

		t0 = now_ms();
		if (git_repository_open(&repo, ".") < 0 ||
		    git_revparse_single(&head, repo, "HEAD^{tree}") < 0)
			return 1;
		t1 = now_ms();
		t_repo[i] = t1 - t0;
		t0 = now_ms();
		if (gs_index_open(&idx, ".git/index") < 0) {
			printf("error: %s\n", gs_error_last());
			return 1;
		}
		t1 = now_ms();
		if (gs_index_changed_paths(&out, idx, repo, (git_tree *)head) < 0) {
			printf("error: %s\n", gs_error_last());
			return 1;
		}
		t2 = now_ms();
		t_open[i] = t1 - t0;
		t_diff[i] = t2 - t1;
		t_total[i] = t2 - t0;
		nchanged = out.nr;
		if (i == 0)
			printf("# %zu entries, index version %u, changed: %s\n", gs_index_entrycount(idx),
			       gs_index_version(idx), out.nr ? out.v[0] : "(none)");
		gs_strvec_clear(&out);
		gs_index_free(idx);
		git_object_free(head);
		git_repository_free(repo);
		head = NULL;
		repo = NULL;

		/* the same file with an all-zero trailer, as index.skipHash writes it */
		th_run("cp .git/index ../perf-index-skiphash && "
		    "printf '%%040d' 0 | xxd -r -p | dd of=../perf-index-skiphash bs=1 "
		    "seek=$(($(stat -c %%s .git/index) - 20)) conv=notrunc");
		t0 = now_ms();
		gs_index_open(&idx, "../perf-index-skiphash");
		t_skip[i] = now_ms() - t0;
		gs_index_free(idx);

		t0 = now_ms();
		git_repository_open(&repo, ".");
		{
			gs_source *src = NULL;

			if (gs_source_open_index(&src, repo, ".git/index") < 0)
				return 1;
			t_source[i] = now_ms() - t0;
			gs_source_free(src);
		}
		git_repository_free(repo);
		repo = NULL;

		/* sh -c execs git directly: one fork+exec, as a hook's caller pays */
		t0 = now_ms();
		if (system("git diff --cached --name-only >/dev/null 2>&1") != 0)
			return 1;
		t_git[i] = now_ms() - t0;
	}
	{
		FILE *fp = fopen(".git/index", "rb");
		unsigned char *buf;
		long n;
		double t0, t_sha;
		unsigned char out[20];

		fseek(fp, 0, SEEK_END);
		n = ftell(fp);
		fseek(fp, 0, SEEK_SET);
		buf = malloc((size_t)n);
		if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
			return 1;
		fclose(fp);
		t0 = now_ms();
		if (gs_sha1(out, buf, (size_t)n) < 0)
			return 1;
		t_sha = now_ms() - t0;
		printf("index file: %ld bytes; SHA-1 of it (libcrypto): %.2f ms\n", n, t_sha);
		free(buf);
	}
	{
		/* the same index without its TREE extension: the full comparison */
		FILE *fp = fopen(".git/index", "rb");
		unsigned char *buf, *tree;
		long n;
		size_t at, ext;

		fseek(fp, 0, SEEK_END);
		n = ftell(fp);
		fseek(fp, 0, SEEK_SET);
		buf = malloc((size_t)n);
		if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
			return 1;
		fclose(fp);
		tree = memmem(buf, (size_t)n, "TREE", 4);
		if (!tree)
			return 1;
		at = (size_t)(tree - buf);
		ext = 8 + ((size_t)tree[4] << 24 | (size_t)tree[5] << 16 | (size_t)tree[6] << 8 | tree[7]);
		memmove(tree, tree + ext, (size_t)n - at - ext);
		n -= (long)ext;
		gs_sha1(buf + n - 20, buf, (size_t)n - 20);
		fp = fopen("../perf-index-notree", "wb");
		fwrite(buf, 1, (size_t)n, fp);
		fclose(fp);
		free(buf);
		for (i = 0; i < PERF_RUNS; i++) {
			gs_index *idx = NULL;
			gs_strvec out = GS_STRVEC_INIT;
			double t0;

			git_repository_open(&repo, ".");
			git_revparse_single(&head, repo, "HEAD^{tree}");
			if (gs_index_open(&idx, "../perf-index-notree") < 0)
				return 1;
			t0 = now_ms();
			gs_index_changed_paths(&out, idx, repo, (git_tree *)head);
			t_notree[i] = now_ms() - t0;
			if (out.nr != 1)
				return 1;
			gs_strvec_clear(&out);
			gs_index_free(idx);
			git_object_free(head);
			git_repository_free(repo);
		}
	}
	printf("medians of %d runs (ms):\n", PERF_RUNS);
	printf("  libgit2 open repository + HEAD tree:  %7.2f\n", median(t_repo, PERF_RUNS));
	printf("  gs_index_open (checksum verified):    %7.2f\n", median(t_open, PERF_RUNS));
	printf("  gs_index_open, no checksum (skipHash):%7.2f\n", median(t_skip, PERF_RUNS));
	printf("  gs_source_open_index (repo open too): %7.2f\n", median(t_source, PERF_RUNS));
	printf("  gs_index_changed_paths:               %7.2f\n", median(t_diff, PERF_RUNS));
	printf("  gs_index_changed_paths, no cache-tree:%7.2f\n", median(t_notree, PERF_RUNS));
	printf("  open + changed paths:                 %7.2f\n", median(t_total, PERF_RUNS));
	printf("  git diff --cached --name-only:        %7.2f (whole process)\n", median(t_git, PERF_RUNS));
	th_run("git reset -q --hard");
	gs_buf_release(&p);
	git_libgit2_shutdown();
	return nchanged == 1 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1),
		cmocka_unit_test(test_sha1_blob),
		cmocka_unit_test_setup_teardown(test_missing_index_no_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_after_commit_and_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deletions_and_file_dir_swaps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modes_symlinks_gitlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v3_intent_to_add_and_skip_worktree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_hook_index_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sparse_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_index_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extensions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lazy, setup, teardown),
		cmocka_unit_test(test_cache_tree_order),
		cmocka_unit_test(test_path_checks),
	};

	if (argc == 3 && !strcmp(argv[1], "--perf"))
		return perf(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
