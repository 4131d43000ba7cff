#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <git2.h>
#include <cmocka.h>
#include "helpers.h"
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/index.h"
#include "gitspec/source.h"
#include "gitspec/cache.h"
#include "gitspec/sha1.h"

/*
 * The three sources, checked against what git itself lists (ls-tree,
 * ls-files, hash-object) on repositories built with real git commands.
 */

static git_repository *repo;

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
	if (th_repo_setup("source") < 0)
		return -1;
	if (git_repository_open(&repo, ".") < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	git_repository_free(repo);
	repo = NULL;
	return th_repo_teardown();
}

/* Files whose order differs between tree order and strcmp order, and every mode. */
static void populate(void)
{
	th_run("mkdir -p a/b pkg 'sp ace'");
	write_file("a.py", "a\n");
	write_file("a-b", "dash\n");
	write_file("a/b.py", "b\n");
	write_file("a/b/c.py", "c\n");
	write_file("pkg/__init__.py", "");
	write_file("pkg/run.sh", "#!/bin/sh\n");
	write_file("sp ace/x y.py", "s\n");
	th_run("chmod +x pkg/run.sh && ln -s a.py link && ln -s a linkdir");
	th_run("git add . && git update-index --add --cacheinfo 160000,1111111111111111111111111111111111111111,sub");
	th_run("git commit -q -m one");
}

static void format_entry(gs_buf *out, const gs_source_entry *e)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), &e->oid);
	gs_buf_clear(out);
	gs_buf_printf(out, "%06o %s\t%s", e->mode, hex, e->path);
}

/* `want` holds "MODE OID\tPATH" lines; it is sorted here by path as strcmp does. */
static int by_path(const void *a, const void *b)
{
	return strcmp(strchr(*(char *const *)a, '\t'), strchr(*(char *const *)b, '\t'));
}

static void expect_entries(const gs_source *src, gs_strvec *want)
{
	gs_buf got = GS_BUF_INIT;
	size_t i;

	qsort(want->v, want->nr, sizeof(char *), by_path);
	assert_int_equal(gs_source_count(src), want->nr);
	for (i = 0; i < want->nr; i++) {
		const gs_source_entry *e = gs_source_get(src, i);

		format_entry(&got, e);
		assert_string_equal(got.ptr, want->v[i]);
		assert_ptr_equal(gs_source_lookup(src, e->path), e);
		if (i)
			assert_true(strcmp(gs_source_get(src, i - 1)->path, e->path) < 0);
	}
	gs_buf_release(&got);
}

static void test_tree(void **state)
{
	gs_source *src = NULL;
	gs_strvec want = GS_STRVEC_INIT, raw = GS_STRVEC_INIT;
	gs_buf content = GS_BUF_INIT;
	size_t i, b, e;

	(void)state;
	populate();
	assert_int_equal(gs_source_open_tree(&src, repo, "HEAD"), 0);
	assert_int_equal(gs_source_get_kind(src), GS_SOURCE_TREE);
	assert_string_equal(gs_source_describe(src), "HEAD");
	assert_null(gs_source_index(src));
	/* ls-tree prints "MODE TYPE OID\tPATH": drop the type */
	capture_z(&raw, "git ls-tree -r -z HEAD");
	for (i = 0; i < raw.nr; i++) {
		char mode[7], type[7], oid[41];
		const char *tab = strchr(raw.v[i], '\t');

		assert_int_equal(sscanf(raw.v[i], "%6s %6s %40s", mode, type, oid), 3);
		gs_strvec_pushf(&want, "%s %s%s", mode, oid, tab);
	}
	expect_entries(src, &want);
	/* strcmp order: "a-b" < "a.py" < "a/b.py" although the tree stores "a" last */
	assert_string_equal(gs_source_get(src, 0)->path, "a-b");
	assert_string_equal(gs_source_get(src, 1)->path, "a.py");
	assert_string_equal(gs_source_get(src, 2)->path, "a/b.py");

	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "a/b/c.py")), 0);
	assert_string_equal(content.ptr, "c\n");
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "link")), GS_EINPUT);
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "sub")), GS_EINPUT);
	assert_int_equal(gs_source_lookup(src, "pkg/run.sh")->mode, GS_MODE_EXEC);
	assert_int_equal(gs_source_lookup(src, "linkdir")->mode, GS_MODE_LINK);
	assert_int_equal(gs_source_lookup(src, "sub")->mode, GS_MODE_GITLINK);

	gs_source_prefix_range(src, "a/", &b, &e);
	assert_int_equal(e - b, 2);
	assert_string_equal(gs_source_get(src, b)->path, "a/b.py");
	gs_source_prefix_range(src, "a", &b, &e);
	assert_int_equal(e - b, 4);
	gs_source_prefix_range(src, "zzz/", &b, &e);
	assert_int_equal(b, e);

	assert_true(gs_source_path_crosses_link(src, "linkdir/x.py"));
	assert_true(gs_source_path_crosses_link(src, "sub/x.py"));
	assert_false(gs_source_path_crosses_link(src, "a/b/c.py"));
	assert_false(gs_source_path_crosses_link(src, "link"));
	gs_source_free(src);

	assert_int_equal(gs_source_open_tree(&src, repo, "no-such-rev"), GS_ERROR);
	assert_null(src);
	gs_strvec_clear(&want);
	gs_strvec_clear(&raw);
	gs_buf_release(&content);
}

/* The index source equals `git ls-files -s` without intent-to-add entries. */
static void expect_index(const gs_source *src, const char *index_file)
{
	gs_strvec want = GS_STRVEC_INIT, raw = GS_STRVEC_INIT, ita = GS_STRVEC_INIT;
	gs_buf cmd = GS_BUF_INIT;
	size_t i;

	gs_buf_printf(&cmd, "GIT_INDEX_FILE='%s' git ls-files -s -z", index_file);
	capture_z(&raw, cmd.ptr);
	gs_buf_clear(&cmd);
	/* intent-to-add entries: in the index, but with no staged content */
	gs_buf_printf(&cmd, "GIT_INDEX_FILE='%s' git diff --name-only -z --diff-filter=A", index_file);
	capture_z(&ita, cmd.ptr);
	for (i = 0; i < raw.nr; i++) {
		char mode[7], oid[41];
		int stage;
		const char *tab = strchr(raw.v[i], '\t');

		assert_int_equal(sscanf(raw.v[i], "%6s %40s %d", mode, oid, &stage), 3);
		if (stage != 0 || gs_strvec_contains(&ita, tab + 1))
			continue;
		gs_strvec_pushf(&want, "%s %s%s", mode, oid, tab);
	}
	expect_entries(src, &want);
	gs_strvec_clear(&want);
	gs_strvec_clear(&raw);
	gs_strvec_clear(&ita);
	gs_buf_release(&cmd);
}

static void test_index(void **state)
{
	gs_source *src = NULL;
	gs_buf content = GS_BUF_INIT;

	(void)state;
	populate();
	write_file("a/b.py", "staged\n");
	write_file("new.py", "new\n");
	write_file("later.py", "later\n");
	th_run("git add a/b.py new.py && git add -N later.py && git rm -q --cached a-b");
	write_file("a/b.py", "not staged\n");

	assert_int_equal(gs_source_open_index(&src, repo, NULL), 0);
	assert_int_equal(gs_source_get_kind(src), GS_SOURCE_INDEX);
	assert_string_equal(gs_source_describe(src), "the index");
	assert_non_null(gs_source_index(src));
	expect_index(src, ".git/index");
	assert_null(gs_source_lookup(src, "later.py"));
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "a/b.py")), 0);
	assert_string_equal(content.ptr, "staged\n");
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "linkdir")), GS_EINPUT);
	assert_true(gs_source_path_crosses_link(src, "linkdir/b.py"));
	gs_source_free(src);

	/* GIT_INDEX_FILE (relative: to the top of the work tree, where we are) */
	th_run("cp .git/index .git/other-index");
	th_run("git add a/b.py");
	setenv("GIT_INDEX_FILE", ".git/other-index", 1);
	assert_int_equal(gs_source_open_index(&src, repo, NULL), 0);
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "a/b.py")), 0);
	assert_string_equal(content.ptr, "staged\n");
	gs_source_free(src);
	unsetenv("GIT_INDEX_FILE");
	assert_int_equal(gs_source_open_index(&src, repo, NULL), 0);
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "a/b.py")), 0);
	assert_string_equal(content.ptr, "not staged\n");
	gs_source_free(src);

	/* an explicit path wins; a corrupt file is an error */
	assert_int_equal(gs_source_open_index(&src, repo, ".git/other-index"), 0);
	expect_index(src, ".git/other-index");
	gs_source_free(src);
	write_file(".git/bad-index", "DIRC garbage garbage garbage garbage");
	assert_int_equal(gs_source_open_index(&src, repo, ".git/bad-index"), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "corrupt index '.git/bad-index'"));
	assert_null(src);
	gs_buf_release(&content);
}

/* The part source holds exactly the full source's entries that the part has. */
static void expect_part(gs_index *idx, const gs_source *full, const gs_source_part *part)
{
	gs_source *src = NULL;
	size_t i, k = 0;

	assert_int_equal(gs_source_open_index_part(&src, repo, idx, part), 0);
	for (i = 0; i < gs_source_count(full); i++) {
		const gs_source_entry *e = gs_source_get(full, i), *got;

		if (!gs_source_part_has(part, e->path))
			continue;
		assert_true(k < gs_source_count(src));
		got = gs_source_get(src, k++);
		assert_string_equal(got->path, e->path);
		assert_int_equal(got->mode, e->mode);
		assert_true(git_oid_equal(&got->oid, &e->oid));
	}
	assert_int_equal(k, gs_source_count(src));
	gs_source_free(src);
}

/* Every directory of the index: its direct files, found the slow way. */
static void expect_dir_next(const gs_index *idx)
{
	size_t n = gs_index_entrycount(idx), i, j;

	for (i = 0; i <= n; i++) {
		/* the directories: the top, and each entry's parent */
		const char *dir = i == n ? "" : gs_index_get(idx, i)->path;
		const char *slash = i == n ? NULL : strrchr(dir, '/');
		size_t len = slash ? (size_t)(slash - dir) : 0, pos = 0;

		if (i < n && gs_index_get(idx, i)->mode == GS_INDEX_MODE_DIR)
			continue;
		for (j = 0; j < n; j++) {
			const gs_index_entry *e = gs_index_get(idx, j);
			int direct = e->mode != GS_INDEX_MODE_DIR &&
				(len ? e->path_len > len && !strncmp(e->path, dir, len) &&
				       e->path[len] == '/' && !strchr(e->path + len + 1, '/')
				     : !strchr(e->path, '/'));

			if (!direct)
				continue;
			pos = gs_index_dir_next(idx, dir, len, pos);
			assert_int_equal(pos, j);
			pos++;
		}
		assert_int_equal(gs_index_dir_next(idx, dir, len, pos), n);
	}
}

static void test_index_part(void **state)
{
	static const char *const dirs[][4] = {
		{ "", NULL }, { "a", NULL }, { "a/b", "pkg", NULL }, { "deep/er/est", NULL },
	};
	static const char *const trees[][4] = {
		{ NULL }, { "a", NULL }, { "deep", "pkg", NULL }, { "deep/er", NULL }, { "", NULL },
	};
	gs_source *full = NULL;
	gs_index *idx = NULL;
	size_t round, d, t, k;

	(void)state;
	populate();
	th_run("mkdir -p deep/er/est deep/other a-b-dir && echo 1 >deep/er/est/x.py && echo 2 >deep/er/y.py &&"
	       "echo 3 >deep/other/z.py && echo 4 >a-b-dir/w.py && echo 5 >deep/top.py && git add -A &&"
	       "git commit -q -m deep");
	for (round = 0; round < 2; round++) {
		if (round == 1)
			th_run("git sparse-checkout init --cone --sparse-index &&"
			       "git sparse-checkout set deep/er/est && git ls-files --sparse -s | grep -q '^040000'");
		assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
		assert_int_equal(gs_index_is_sparse(idx), (int)round);
		assert_int_equal(gs_source_open_index(&full, repo, ".git/index"), 0);
		expect_dir_next(idx);
		for (d = 0; d < GS_ARRAY_SIZE(dirs); d++) {
			for (t = 0; t < GS_ARRAY_SIZE(trees); t++) {
				gs_source_part part = GS_SOURCE_PART_INIT;

				for (k = 0; dirs[d][k]; k++)
					gs_strvec_push(&part.dirs, dirs[d][k]);
				for (k = 0; trees[t][k]; k++)
					gs_strvec_push(&part.trees, trees[t][k]);
				expect_part(idx, full, &part);
				gs_source_part_clear(&part);
			}
		}
		gs_source_free(full);
		gs_index_free(idx);
	}
}

static void test_index_conflict(void **state)
{
	gs_source *src = NULL;
	gs_buf content = GS_BUF_INIT;
	const gs_source_entry *e;

	(void)state;
	populate();
	th_run("git checkout -q -b side");
	write_file("a/b.py", "side\n");
	write_file("a.py", "side a\n");
	th_run("git commit -q -a -m side && git checkout -q main");
	write_file("a/b.py", "main\n");
	th_run("git rm -q a.py && git commit -q -a -m main");
	assert_int_not_equal(system("git merge -q side >/dev/null 2>&1"), 0);
	assert_int_equal(gs_source_open_index(&src, repo, NULL), 0);
	/* modify/modify: ours is listed, marked conflicted */
	e = gs_source_lookup(src, "a/b.py");
	assert_non_null(e);
	assert_true(e->conflicted);
	assert_int_equal(gs_source_read(&content, src, e), 0);
	assert_string_equal(content.ptr, "main\n");
	/* deleted by us: not listed */
	assert_null(gs_source_lookup(src, "a.py"));
	assert_false(gs_source_lookup(src, "a/b/c.py")->conflicted);
	assert_true(gs_index_has_conflicts(gs_source_index(src)));
	gs_source_free(src);
	gs_buf_release(&content);
}

static void worktree_paths(gs_strvec *out, const gs_source *src)
{
	size_t i;

	for (i = 0; i < gs_source_count(src); i++) {
		const gs_source_entry *e = gs_source_get(src, i);

		gs_strvec_pushf(out, "%06o %s", e->mode, e->path);
	}
}

static void test_worktree_listing(void **state)
{
	gs_source *src = NULL;
	gs_strvec got = GS_STRVEC_INIT, ignore = GS_STRVEC_INIT;
	static const char *const want[] = {
		"100644 .gitignore",
		"100644 a-b",
		"100644 a.py",
		"100644 a/b.py",
		"100644 a/b/c.py",
		"100644 build/kept.py",        /* ignored, but tracked */
		"120000 dirlink",               /* a symlink to a directory, not followed */
		"100644 evil\nname -x",
		"160000 gitfile-sub",           /* a submodule's work tree: .git is a file */
		"120000 link",
		"120000 linkdir",
		"160000 nested",                /* an untracked repository inside */
		"100644 pkg/__init__.py",
		"100755 pkg/run.sh",
		"100644 sp ace/x y.py",
		"160000 sub",                   /* a gitlink, even with an empty directory */
		"100644 untracked.py",
	};
	size_t i;

	(void)state;
	populate();
	write_file(".gitignore", "*.log\nbuild/\n/ignored-dir\n");
	th_run("mkdir -p build ignored-dir node_modules/x .venv sub nested/deep");
	write_file("build/kept.py", "k\n");
	write_file("build/dropped.py", "d\n");
	write_file("ignored-dir/x.py", "x\n");
	write_file("node_modules/x/index.py", "n\n");
	write_file(".venv/lib.py", "v\n");
	write_file("debug.log", "log\n");
	write_file("untracked.py", "u\n");
	write_file("evil\nname -x", "e\n");
	th_run("git add .gitignore && git add -f build/kept.py");
	th_run("ln -s pkg dirlink && mkfifo fifo");
	th_run("cd nested && git init -q && echo x > deep/f");
	th_run("mkdir gitfile-sub && echo 'gitdir: ../nowhere' > gitfile-sub/.git && echo y > gitfile-sub/y.py");
	gs_strvec_push(&ignore, "node_modules");
	gs_strvec_push(&ignore, ".venv");
	gs_strvec_push(&ignore, "fi*o");   /* a glob; not a directory, so it does not apply */

	assert_int_equal(gs_source_open_worktree(&src, repo, &ignore), 0);
	assert_int_equal(gs_source_get_kind(src), GS_SOURCE_WORKTREE);
	assert_string_equal(gs_source_describe(src), "the work tree");
	assert_null(gs_source_index(src));
	worktree_paths(&got, src);
	for (i = 0; i < got.nr && i < GS_ARRAY_SIZE(want); i++)
		assert_string_equal(got.v[i], want[i]);
	assert_int_equal(got.nr, GS_ARRAY_SIZE(want));
	assert_true(gs_source_path_crosses_link(src, "dirlink/__init__.py"));
	assert_true(gs_source_path_crosses_link(src, "nested/deep/f"));
	assert_false(gs_source_path_crosses_link(src, "pkg/__init__.py"));
	gs_source_free(src);

	/* without ignore_dirs, node_modules is listed (it is not gitignored) */
	gs_strvec_clear(&got);
	assert_int_equal(gs_source_open_worktree(&src, repo, NULL), 0);
	worktree_paths(&got, src);
	assert_true(gs_strvec_contains(&got, "100644 node_modules/x/index.py"));
	assert_true(gs_strvec_contains(&got, "100644 .venv/lib.py"));
	assert_false(gs_strvec_contains(&got, "100644 debug.log"));
	gs_source_free(src);
	gs_strvec_clear(&got);
	gs_strvec_clear(&ignore);
}

/* The listings the walk of this repository keeps in the cache at `dir` (source.c's key). */
static void kept_listings(gs_buf *out, const char *dir)
{
	gs_cache *c = NULL;
	gs_buf k = GS_BUF_INIT;
	git_oid key;

	assert_int_equal(gs_cache_open_dir(&c, dir), 0);
	gs_buf_printf(&k, "gitspec-wt-dirs-2%c%s", 0, git_repository_workdir(repo));
	assert_int_equal(gs_sha1_blob(key.id, k.ptr, k.size), 0);
	assert_int_equal(gs_cache_get(out, c, "wt-dirs", &key), 0);
	assert_true(out->size > 0);
	gs_cache_free(c);
	gs_buf_release(&k);
}

/*
 * A walk with the cache at `dir`: it lists what a walk without the cache
 * lists, and keeps what a walk with an empty cache would keep.
 */
static void walk_cached(const char *dir)
{
	gs_source *src = NULL;
	gs_cache *c = NULL;
	gs_strvec got = GS_STRVEC_INIT, want = GS_STRVEC_INIT;
	gs_buf kept = GS_BUF_INIT, fresh = GS_BUF_INIT;
	size_t i;

	assert_int_equal(gs_source_open_worktree(&src, repo, NULL), 0);
	worktree_paths(&want, src);
	gs_source_free(src);
	assert_int_equal(gs_cache_open_dir(&c, dir), 0);
	assert_int_equal(gs_source_open_worktree_cached(&src, repo, NULL, c), 0);
	worktree_paths(&got, src);
	gs_source_free(src);
	gs_cache_free(c);
	assert_int_equal(got.nr, want.nr);
	for (i = 0; i < got.nr; i++)
		assert_string_equal(got.v[i], want.v[i]);
	kept_listings(&kept, dir);
	th_run("rm -rf ../cache-fresh");
	assert_int_equal(gs_cache_open_dir(&c, "../cache-fresh"), 0);
	assert_int_equal(gs_source_open_worktree_cached(&src, repo, NULL, c), 0);
	gs_source_free(src);
	gs_cache_free(c);
	kept_listings(&fresh, "../cache-fresh");
	assert_int_equal(kept.size, fresh.size);
	assert_memory_equal(kept.ptr, fresh.ptr, kept.size);
	gs_strvec_clear(&got);
	gs_strvec_clear(&want);
	gs_buf_release(&kept);
	gs_buf_release(&fresh);
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

/*
 * The listing cache across walks: an unchanged walk writes nothing; one
 * that meets a changed directory in the middle and misses the last one
 * keeps the rest as it was, verdicts of untracked entries at their place,
 * and the next walk, answering from them, lists the same files.
 */
static void test_worktree_listing_cache(void **state)
{
	off_t size;

	(void)state;
	write_file(".gitignore", "*.tmp\n");
	th_run("mkdir -p a b c d z/y");
	write_file("a/t.py", "a\n");
	write_file("b/t.py", "b\n");
	write_file("c/t.py", "c\n");
	write_file("d/t.py", "d\n");
	write_file("z/y/t.py", "z\n");
	th_run("git add . && git commit -q -m base");
	write_file("a/u.tmp", "ignored\n");
	write_file("a/u.py", "untracked\n");
	write_file("c/v.tmp", "ignored\n");
	write_file("c/v.py", "untracked\n");
	write_file("d/w.tmp", "ignored\n");
	write_file("z/y/w.py", "untracked\n");
	th_run("mkdir zz");
	write_file("zz/u.py", "untracked\n");
	/* kept only when settled: changed more than two seconds before the walk */
	sleep(3);
	walk_cached("../cache");
	size = size_of("../cache/pack");
	assert_true(size > 0);
	walk_cached("../cache");
	assert_int_equal(size_of("../cache/pack"), size);

	write_file("b/new.py", "new\n");
	th_run("rm -rf z");
	sleep(3);
	walk_cached("../cache");
	assert_true(size_of("../cache/pack") > size);
	size = size_of("../cache/pack");
	walk_cached("../cache");
	assert_int_equal(size_of("../cache/pack"), size);
	/* a verdict that changes with nothing else: the untracked file becomes ignored */
	write_file(".gitignore", "*.tmp\nv.py\n");
	sleep(3);
	walk_cached("../cache");
	walk_cached("../cache");
	/*
	 * The last directory not walked any more (it became a repository of
	 * its own), nothing else changed: the listings before it are kept
	 * without its own.
	 */
	write_file("zz/.git", "gitdir: ../nowhere\n");
	sleep(3);
	walk_cached("../cache");
	walk_cached("../cache");
}

static void expect_hash(gs_source *src, const char *path)
{
	gs_buf cmd = GS_BUF_INIT, want = GS_BUF_INIT;
	git_oid oid;

	gs_buf_printf(&cmd, "git hash-object --no-filters -- '%s'", path);
	th_capture_line(&want, cmd.ptr);
	assert_int_equal(gs_source_oid(&oid, src, gs_source_lookup(src, path)), 0);
	assert_string_equal(git_oid_tostr_s(&oid), want.ptr);
	gs_buf_release(&cmd);
	gs_buf_release(&want);
}

static void test_worktree_ids(void **state)
{
	gs_source *src = NULL;
	gs_buf content = GS_BUF_INIT;
	const gs_source_entry *e;
	git_oid oid;

	(void)state;
	populate();
	/* files last changed long before the index was written: their ids come from it */
	th_run("touch -d '2020-01-01 00:00:00' a.py a-b a/b.py a/b/c.py pkg/__init__.py && git add -A");
	write_file("a/b/c.py", "C\n");          /* same size, new content */
	write_file("fresh.py", "f\n");
	assert_int_equal(gs_source_open_worktree(&src, repo, NULL), 0);

	e = gs_source_lookup(src, "a.py");
	assert_true(e->has_oid);
	expect_hash(src, "a.py");
	assert_int_equal(e->size, 2);
	assert_true(gs_source_lookup(src, "a/b.py")->has_oid);
	/* after the directory a/ in the walk's order, before its files in the index's */
	assert_true(gs_source_lookup(src, "a-b")->has_oid);
	assert_false(gs_source_lookup(src, "a/b/c.py")->has_oid);
	expect_hash(src, "a/b/c.py");
	assert_false(gs_source_lookup(src, "fresh.py")->has_oid);
	expect_hash(src, "fresh.py");
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "a/b/c.py")), 0);
	assert_string_equal(content.ptr, "C\n");
	assert_int_equal(gs_source_oid(&oid, src, gs_source_lookup(src, "link")), GS_EINPUT);
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "link")), GS_EINPUT);
	gs_source_free(src);

	/* racily clean: the index is no newer than the file, so its id is not trusted */
	th_run("touch -r a.py .git/index");
	assert_int_equal(gs_source_open_worktree(&src, repo, NULL), 0);
	assert_false(gs_source_lookup(src, "a.py")->has_oid);
	expect_hash(src, "a.py");
	gs_source_free(src);
	gs_buf_release(&content);
}

static void test_worktree_no_follow(void **state)
{
	gs_source *src = NULL;
	gs_buf content = GS_BUF_INIT;
	gs_source_entry fake;

	(void)state;
	populate();
	th_run("mkdir -p outside && echo secret > outside/s.py");
	assert_int_equal(gs_source_open_worktree(&src, repo, NULL), 0);
	/* a directory swapped for a symlink after the walk is not followed */
	th_run("rm -rf a && ln -s outside a");
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "a/b.py")), GS_EINPUT);
	memset(&fake, 0, sizeof(fake));
	fake.path = "a/s.py";
	fake.mode = GS_MODE_FILE;
	assert_int_equal(gs_source_read(&content, src, &fake), GS_EINPUT);
	assert_true(gs_source_path_crosses_link(src, "a/s.py"));
	/* a file swapped for a symlink, and a file swapped for a fifo */
	th_run("rm a.py && ln -s outside/s.py a.py");
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "a.py")), GS_EINPUT);
	th_run("rm a-b && mkfifo a-b");
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "a-b")), GS_EINPUT);
	gs_source_free(src);
	gs_buf_release(&content);
}

static void test_odd_names(void **state)
{
	static const char *const names[] = {
		"with space.py", "quote\"d.py", "new\nline.py", "-dash.py", "caf\xe9.py", "back\\slash.py",
	};
	gs_source *wt = NULL, *ix = NULL, *tr = NULL;
	gs_buf content = GS_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < GS_ARRAY_SIZE(names); i++)
		write_file(names[i], names[i]);
	th_run("git add -- . && git commit -q -m odd");
	assert_int_equal(gs_source_open_worktree(&wt, repo, NULL), 0);
	assert_int_equal(gs_source_open_index(&ix, repo, NULL), 0);
	assert_int_equal(gs_source_open_tree(&tr, repo, "HEAD"), 0);
	for (i = 0; i < GS_ARRAY_SIZE(names); i++) {
		const gs_source_entry *a = gs_source_lookup(wt, names[i]);
		const gs_source_entry *b = gs_source_lookup(ix, names[i]);
		const gs_source_entry *c = gs_source_lookup(tr, names[i]);
		git_oid oa;

		assert_non_null(a);
		assert_non_null(b);
		assert_non_null(c);
		assert_int_equal(gs_source_oid(&oa, wt, a), 0);
		assert_true(git_oid_equal(&oa, &b->oid));
		assert_true(git_oid_equal(&oa, &c->oid));
		assert_int_equal(gs_source_read(&content, wt, a), 0);
		assert_string_equal(content.ptr, names[i]);
	}
	assert_int_equal(gs_source_count(wt), GS_ARRAY_SIZE(names));
	assert_int_equal(gs_source_count(ix), GS_ARRAY_SIZE(names));
	assert_int_equal(gs_source_count(tr), GS_ARRAY_SIZE(names));
	gs_source_free(wt);
	gs_source_free(ix);
	gs_source_free(tr);
	gs_buf_release(&content);
}

static void test_git_tree_and_linked_worktree(void **state)
{
	gs_source *src = NULL;
	git_object *obj = NULL;
	git_repository *wt = NULL;
	gs_buf content = GS_BUF_INIT;

	(void)state;
	populate();
	assert_int_equal(git_revparse_single(&obj, repo, "HEAD^{tree}"), 0);
	assert_int_equal(gs_source_open_git_tree(&src, repo, (git_tree *)obj), 0);
	git_object_free(obj);   /* the source keeps its own reference */
	assert_int_equal(strlen(gs_source_describe(src)), 12);
	assert_non_null(gs_source_lookup(src, "a/b/c.py"));
	gs_source_free(src);

	/* a linked worktree has its own index, in its own git directory */
	th_run("git worktree add -q ../linked");
	write_file("../linked/a.py", "linked\n");
	th_run("cd ../linked && git add a.py");
	assert_int_equal(git_repository_open(&wt, "../linked"), 0);
	assert_int_equal(gs_source_open_index(&src, wt, NULL), 0);
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "a.py")), 0);
	assert_string_equal(content.ptr, "linked\n");
	gs_source_free(src);
	assert_int_equal(gs_source_open_worktree(&src, wt, NULL), 0);
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "a.py")), 0);
	assert_string_equal(content.ptr, "linked\n");
	gs_source_free(src);
	git_repository_free(wt);
	/* the main work tree's index is untouched */
	assert_int_equal(gs_source_open_index(&src, repo, NULL), 0);
	assert_int_equal(gs_source_read(&content, src, gs_source_lookup(src, "a.py")), 0);
	assert_string_equal(content.ptr, "a\n");
	gs_source_free(src);
	gs_buf_release(&content);
}

/* A real submodule: one gitlink entry in every source, never entered. */
static void test_submodule(void **state)
{
	gs_source *wt = NULL, *ix = NULL, *tr = NULL;
	gs_index *idx = NULL;
	git_object *head = NULL;
	gs_strvec changed = GS_STRVEC_INIT;
	gs_buf want = GS_BUF_INIT;
	const gs_source_entry *e;

	(void)state;
	populate();
	th_run("git init -q -b main ../other && cd ../other && echo o > o.py && git add . && git commit -q -m o");
	th_run("git -c protocol.file.allow=always submodule add -q ../other subm && git commit -q -m sub");
	th_capture_line(&want, "git rev-parse HEAD:subm");
	assert_int_equal(gs_source_open_worktree(&wt, repo, NULL), 0);
	assert_int_equal(gs_source_open_index(&ix, repo, NULL), 0);
	assert_int_equal(gs_source_open_tree(&tr, repo, "HEAD"), 0);
	e = gs_source_lookup(wt, "subm");
	assert_non_null(e);
	assert_int_equal(e->mode, GS_MODE_GITLINK);
	assert_null(gs_source_lookup(wt, "subm/o.py"));
	assert_non_null(gs_source_lookup(wt, ".gitmodules"));
	e = gs_source_lookup(ix, "subm");
	assert_int_equal(e->mode, GS_MODE_GITLINK);
	assert_string_equal(git_oid_tostr_s(&e->oid), want.ptr);
	e = gs_source_lookup(tr, "subm");
	assert_int_equal(e->mode, GS_MODE_GITLINK);
	assert_string_equal(git_oid_tostr_s(&e->oid), want.ptr);
	assert_true(gs_source_path_crosses_link(wt, "subm/o.py"));
	assert_true(gs_source_path_crosses_link(ix, "subm/o.py"));
	assert_true(gs_source_path_crosses_link(tr, "subm/o.py"));
	assert_int_equal(gs_source_read(&want, wt, gs_source_lookup(wt, "subm")), GS_EINPUT);
	gs_source_free(wt);
	gs_source_free(ix);
	gs_source_free(tr);

	/* the submodule moves on: one changed path, as git says */
	th_run("cd subm && echo p > p.py && git add . && git commit -q -m p && cd .. && git add subm");
	assert_int_equal(gs_index_open(&idx, ".git/index"), 0);
	assert_int_equal(git_revparse_single(&head, repo, "HEAD^{tree}"), 0);
	assert_int_equal(gs_index_changed_paths(&changed, idx, repo, (git_tree *)head), 0);
	assert_int_equal(changed.nr, 1);
	assert_string_equal(changed.v[0], "subm");
	git_object_free(head);
	gs_index_free(idx);
	gs_strvec_clear(&changed);
	gs_buf_release(&want);
}

/* A tree nested 2,100 deep: refused, not recursed into until the stack runs out. */
static void test_hostile_deep_tree(void **state)
{
	git_treebuilder *tb = NULL;
	git_oid oid;
	git_tree *tree = NULL;
	gs_source *src = NULL;
	gs_index *idx = NULL;
	gs_strvec changed = GS_STRVEC_INIT;
	int i;

	(void)state;
	assert_int_equal(git_blob_create_from_buffer(&oid, repo, "x", 1), 0);
	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "f", &oid, GIT_FILEMODE_BLOB), 0);
	assert_int_equal(git_treebuilder_write(&oid, tb), 0);
	for (i = 0; i < 2100; i++) {
		git_treebuilder_clear(tb);
		assert_int_equal(git_treebuilder_insert(NULL, tb, "d", &oid, GIT_FILEMODE_TREE), 0);
		assert_int_equal(git_treebuilder_write(&oid, tb), 0);
	}
	git_treebuilder_free(tb);
	assert_int_equal(git_tree_lookup(&tree, repo, &oid), 0);
	assert_int_equal(gs_source_open_git_tree(&src, repo, tree), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "path too long"));
	assert_null(src);
	/* everything deleted against an empty index */
	assert_int_equal(gs_index_open(&idx, ".git/no-such-index"), 0);
	assert_int_equal(gs_index_changed_paths(&changed, idx, repo, tree), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "path too long"));
	gs_index_free(idx);
	gs_strvec_clear(&changed);
	git_tree_free(tree);
}

static void test_empty_repository(void **state)
{
	gs_source *src = NULL;

	(void)state;
	assert_int_equal(gs_source_open_index(&src, repo, NULL), 0);
	assert_int_equal(gs_source_count(src), 0);
	assert_null(gs_source_get(src, 0));
	assert_null(gs_source_lookup(src, "x"));
	gs_source_free(src);
	assert_int_equal(gs_source_open_worktree(&src, repo, NULL), 0);
	assert_int_equal(gs_source_count(src), 0);
	gs_source_free(src);
	assert_int_equal(gs_source_open_tree(&src, repo, "HEAD"), GS_ERROR);
	gs_source_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_part, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_worktree_listing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_worktree_listing_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_worktree_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_worktree_no_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_git_tree_and_linked_worktree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submodule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_deep_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_repository, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
