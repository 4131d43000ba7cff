#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <git2.h>
#include <cmocka.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/cache.h"
#include "gitspec/fsutil.h"

struct fixture {
	char root[64];
	gs_buf dir;
	gs_cache *cache;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	unsetenv("GIT_SPEC_NO_CACHE");
	snprintf(f->root, sizeof(f->root), "/tmp/gs-cache-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	gs_buf_init(&f->dir, 0);
	gs_buf_printf(&f->dir, "%s/cache", f->root);
	if (gs_cache_open_dir(&f->cache, f->dir.ptr) < 0 || !f->cache)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	gs_buf cmd = GS_BUF_INIT;
	int rc;

	gs_cache_free(f->cache);
	gs_buf_printf(&cmd, "rm -rf '%s'", f->root);
	rc = system(cmd.ptr);
	gs_buf_release(&cmd);
	gs_buf_release(&f->dir);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* A deterministic, well-spread key for `i`. */
static void make_key(git_oid *out, unsigned int i)
{
	unsigned char raw[GIT_OID_RAWSZ];
	uint64_t x = 0x9e3779b97f4a7c15ULL * (i + 1);
	size_t k;

	for (k = 0; k < sizeof(raw); k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		raw[k] = (unsigned char)(x >> 24);
	}
	git_oid_fromraw(out, raw);
}

static void cache_file(gs_buf *out, const struct fixture *f, const char *name)
{
	gs_buf_clear(out);
	gs_buf_printf(out, "%s/%s", f->dir.ptr, name);
}

static off_t file_size(const struct fixture *f, const char *name)
{
	gs_buf p = GS_BUF_INIT;
	struct stat st;
	off_t size = -1;

	cache_file(&p, f, name);
	if (!lstat(p.ptr, &st))
		size = st.st_size;
	gs_buf_release(&p);
	return size;
}

/* A fresh handle on the fixture's directory: what the next run sees. */
static void reopen(struct fixture *f)
{
	gs_cache_free(f->cache);
	f->cache = NULL;
	assert_int_equal(gs_cache_open_dir(&f->cache, f->dir.ptr), 0);
	assert_non_null(f->cache);
}

static void make_value_sized(gs_buf *out, unsigned int w, unsigned int k, size_t size)
{
	gs_buf_clear(out);
	gs_buf_printf(out, "writer %u key %u ", w, k);
	while (out->size < size)
		gs_buf_putc(out, (char)('a' + (out->size + k) % 26));
}

static void make_value(gs_buf *out, unsigned int w, unsigned int k)
{
	make_value_sized(out, w, k, 64 + (k % 7) * 100);
}

/* Every key in [from, to) holds make_value(w, k), for some w < writers. */
static void expect_values(struct fixture *f, unsigned int from, unsigned int to, unsigned int writers)
{
	gs_buf b = GS_BUF_INIT, want = GS_BUF_INIT;
	unsigned int k, w, r;
	git_oid key;

	for (k = from; k < to; k++) {
		make_key(&key, k);
		assert_int_equal(gs_cache_get(&b, f->cache, "model", &key), 0);
		assert_int_equal(sscanf(b.ptr, "writer %u key %u", &w, &r), 2);
		assert_int_equal(r, k);
		assert_true(w < writers);
		make_value(&want, w, k);
		assert_int_equal(b.size, want.size);
		assert_memory_equal(b.ptr, want.ptr, want.size);
	}
	gs_buf_release(&b);
	gs_buf_release(&want);
}

static void put_values(struct fixture *f, unsigned int w, unsigned int from, unsigned int to)
{
	gs_buf v = GS_BUF_INIT;
	unsigned int k;
	git_oid key;

	for (k = from; k < to; k++) {
		make_key(&key, k);
		make_value(&v, w, k);
		assert_int_equal(gs_cache_put(f->cache, "model", &key, v.ptr, v.size), 0);
	}
	gs_buf_release(&v);
}

static void test_disabled(void **state)
{
	struct fixture *f = *state;
	gs_cache *c = (gs_cache *)&c;
	gs_buf b = GS_BUF_INIT;
	git_oid key;

	make_key(&key, 1);
	setenv("GIT_SPEC_NO_CACHE", "1", 1);
	assert_int_equal(gs_cache_open_dir(&c, f->dir.ptr), 0);
	assert_null(c);
	unsetenv("GIT_SPEC_NO_CACHE");
	assert_int_equal(gs_cache_put(NULL, "model", &key, "x", 1), 0);
	assert_int_equal(gs_cache_get(&b, NULL, "model", &key), GS_ENOTFOUND);
	assert_int_equal(gs_cache_prune(NULL, "model"), 0);
	gs_cache_free(NULL);
	gs_buf_release(&b);
}

static void test_open_repo(void **state)
{
	struct fixture *f = *state;
	git_repository *repo = NULL;
	gs_cache *c = NULL;
	gs_buf path = GS_BUF_INIT, b = GS_BUF_INIT;
	git_oid key;
	struct stat st;

	gs_buf_printf(&path, "%s/repo", f->root);
	assert_int_equal(git_repository_init(&repo, path.ptr, 0), 0);
	assert_int_equal(gs_cache_open(&c, repo), 0);
	assert_non_null(c);
	/* Opening, a miss and a buffered put touch nothing. */
	gs_buf_printf(&path, "/.git/gitspec");
	make_key(&key, 7);
	assert_int_equal(gs_cache_get(&b, c, "model", &key), GS_ENOTFOUND);
	assert_int_equal(gs_cache_put(c, "model", &key, "value", 5), 0);
	assert_int_equal(stat(path.ptr, &st), -1);
	assert_int_equal(gs_cache_get(&b, c, "model", &key), 0);
	assert_string_equal(b.ptr, "value");
	gs_cache_free(c);

	/* One pack file (header, one record), its lock, no idx yet. */
	gs_buf_puts(&path, "/cache/pack");
	assert_int_equal(stat(path.ptr, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 16 + 37 + 5 + 5);
	assert_int_equal(gs_cache_open(&c, repo), 0);
	assert_int_equal(gs_cache_get(&b, c, "model", &key), 0);
	assert_string_equal(b.ptr, "value");
	gs_cache_free(c);

	setenv("GIT_SPEC_NO_CACHE", "1", 1);
	c = (gs_cache *)&c;
	assert_int_equal(gs_cache_open(&c, repo), 0);
	assert_null(c);
	unsetenv("GIT_SPEC_NO_CACHE");
	git_repository_free(repo);
	gs_buf_release(&path);
	gs_buf_release(&b);
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	gs_buf b = GS_BUF_INIT, big = GS_BUF_INIT;
	git_oid k1, k2;
	unsigned int i, run;

	make_key(&k1, 1);
	make_key(&k2, 2);
	for (i = 0; i < 100000; i++)
		gs_buf_putc(&big, (char)(i * 7));
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &k1), GS_ENOTFOUND);
	assert_int_equal(gs_cache_put(f->cache, "model", &k1, "one", 3), 0);
	assert_int_equal(gs_cache_put(f->cache, "spec", &k1, "other ns", 8), 0);
	assert_int_equal(gs_cache_put(f->cache, "model", &k2, "", 0), 0);
	/* the same answers from the buffer, then from the pack, then with an idx */
	for (run = 0; run < 3; run++) {
		assert_int_equal(gs_cache_get(&b, f->cache, "model", &k1), 0);
		assert_int_equal(b.size, 3);
		assert_string_equal(b.ptr, "one");
		assert_int_equal(gs_cache_get(&b, f->cache, "spec", &k1), 0);
		assert_string_equal(b.ptr, "other ns");
		assert_int_equal(gs_cache_get(&b, f->cache, "model", &k2), 0);
		assert_int_equal(b.size, 0);
		assert_int_equal(gs_cache_get(&b, f->cache, "spec", &k2), GS_ENOTFOUND);
		reopen(f);
		if (run == 1) {
			/*
			 * enough records to make the idx be written (past 2048
			 * unindexed ones): by the append at 1 MiB of puts, or
			 * by the last one
			 */
			put_values(f, 0, 100, 3100);
			reopen(f);
			assert_true(file_size(f, "idx") > 2048 * 40);
			expect_values(f, 100, 3100, 1);
		}
	}

	/* A binary payload with NULs replaces the value: the latest wins. */
	assert_int_equal(gs_cache_put(f->cache, "model", &k1, big.ptr, big.size), 0);
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &k1), 0);
	assert_int_equal(b.size, big.size);
	assert_memory_equal(b.ptr, big.ptr, big.size);
	reopen(f);
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &k1), 0);
	assert_int_equal(b.size, big.size);
	assert_memory_equal(b.ptr, big.ptr, big.size);

	assert_int_equal(gs_cache_put(f->cache, "Bad/ns", &k1, "x", 1), GS_ERROR);
	assert_int_equal(gs_cache_put(f->cache, "", &k1, "x", 1), GS_ERROR);
	assert_int_equal(gs_cache_get(&b, f->cache, "../x", &k1), GS_ERROR);
	gs_buf_release(&b);
	gs_buf_release(&big);
}

/* Putting the value a key already has writes nothing. */
static void test_no_rewrite(void **state)
{
	struct fixture *f = *state;
	off_t size;

	put_values(f, 0, 0, 50);
	reopen(f);
	size = file_size(f, "pack");
	assert_true(size > 0);
	put_values(f, 0, 0, 50);
	reopen(f);
	assert_int_equal(file_size(f, "pack"), size);
	expect_values(f, 0, 50, 1);
}

/*
 * A cache whose directory cannot be made (a regular file stands where a
 * directory of it should be), holding one value not yet written: key 5.
 */
static gs_cache *unwritable_cache(struct fixture *f, gs_buf *dir, git_oid *key)
{
	gs_cache *c = NULL;
	FILE *fp;

	gs_buf_printf(dir, "%s/file", f->root);
	fp = fopen(dir->ptr, "w");
	assert_non_null(fp);
	fclose(fp);
	gs_buf_puts(dir, "/cache");
	assert_int_equal(gs_cache_open_dir(&c, dir->ptr), 0);
	assert_non_null(c);
	make_key(key, 5);
	assert_int_equal(gs_cache_put(c, "model", key, "x", 1), 0);
	return c;
}

/*
 * A flush on a thread of its own: the puts before it are in the pack, and
 * every call after it, get, put, prune or free, waits for it first.
 */
static void test_flush_start(void **state)
{
	struct fixture *f = *state;
	gs_buf dir = GS_BUF_INIT;
	gs_cache *c = NULL;
	git_oid key;

	gs_cache_flush_start(NULL);
	gs_cache_flush_start(f->cache);  /* nothing to write: no thread */
	put_values(f, 0, 0, 300);
	gs_cache_flush_start(f->cache);
	gs_cache_flush_start(f->cache);  /* already started: nothing more */
	expect_values(f, 0, 300, 1);
	assert_true(file_size(f, "pack") > 300 * 64);
	put_values(f, 0, 300, 400);
	gs_cache_flush_start(f->cache);
	put_values(f, 0, 400, 500);
	expect_values(f, 0, 500, 1);
	gs_cache_flush_start(f->cache);
	assert_int_equal(gs_cache_prune(f->cache, "model"), 0);
	put_values(f, 0, 500, 600);
	gs_cache_flush_start(f->cache);
	reopen(f);
	expect_values(f, 0, 600, 1);

	/* a flush that fails leaves the values uncached; prune, which flushes, says so */
	c = unwritable_cache(f, &dir, &key);
	gs_cache_flush_start(c);
	assert_int_equal(gs_cache_prune(c, "model"), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "cannot write the cache in '"));
	assert_int_equal(gs_cache_put(c, "model", &key, "x", 1), 0);
	gs_cache_flush_start(c);
	gs_cache_free(c);
	gs_buf_release(&dir);
}

static void test_unwritable(void **state)
{
	struct fixture *f = *state;
	gs_buf dir = GS_BUF_INIT, b = GS_BUF_INIT;
	gs_cache *c = NULL;
	git_oid key;

	c = unwritable_cache(f, &dir, &key);
	assert_int_equal(gs_cache_prune(c, "model"), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "cannot write the cache in '"));
	assert_int_equal(gs_cache_get(&b, c, "model", &key), GS_ENOTFOUND);
	gs_cache_free(c);
	gs_buf_release(&dir);
	gs_buf_release(&b);
}

static void overwrite_at(const struct fixture *f, const char *name, off_t at, const void *data, size_t len)
{
	gs_buf p = GS_BUF_INIT;
	int fd;

	cache_file(&p, f, name);
	fd = open(p.ptr, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, at), (ssize_t)len);
	close(fd);
	gs_buf_release(&p);
}

static void truncate_to(const struct fixture *f, const char *name, off_t len)
{
	gs_buf p = GS_BUF_INIT;

	cache_file(&p, f, name);
	assert_int_equal(truncate(p.ptr, len), 0);
	gs_buf_release(&p);
}

/* How many of the keys [0, n) hit; every hit must hold the right value. */
static unsigned int count_hits(struct fixture *f, unsigned int n)
{
	gs_buf b = GS_BUF_INIT, want = GS_BUF_INIT;
	unsigned int k, hits = 0;
	git_oid key;

	for (k = 0; k < n; k++) {
		int rc;

		make_key(&key, k);
		rc = gs_cache_get(&b, f->cache, "model", &key);
		if (rc == GS_ENOTFOUND)
			continue;
		assert_int_equal(rc, 0);
		make_value(&want, 0, k);
		assert_int_equal(b.size, want.size);
		assert_memory_equal(b.ptr, want.ptr, want.size);
		hits++;
	}
	gs_buf_release(&b);
	gs_buf_release(&want);
	return hits;
}

static void test_corruption(void **state)
{
	struct fixture *f = *state;
	gs_buf p = GS_BUF_INIT;
	off_t size, idx_size;
	unsigned int n = 3000, k;
	unsigned char junk[64];

	memset(junk, 0x5a, sizeof(junk));
	/* an indexed part and a tail */
	put_values(f, 0, 0, n - 10);
	reopen(f);
	put_values(f, 0, n - 10, n);
	reopen(f);
	assert_int_equal(count_hits(f, n), n);
	size = file_size(f, "pack");
	idx_size = file_size(f, "idx");
	assert_true(idx_size > 40);

	/* a flipped payload byte: that one entry misses (wrong checksum) */
	overwrite_at(f, "pack", size / 2, "\x01", 1);
	reopen(f);
	k = count_hits(f, n);
	assert_true(k == n - 1);

	/* a bad index: entries pointing at the wrong records, or garbage */
	for (k = 0; k < 200; k++)
		overwrite_at(f, "idx", 40 + 40 * (off_t)k + 24, junk, 12);
	reopen(f);
	assert_true(count_hits(f, n) >= n - 201);
	overwrite_at(f, "idx", 0, junk, 8);          /* not an idx: the pack is scanned */
	reopen(f);
	assert_int_equal(count_hits(f, n), n - 1);
	truncate_to(f, "idx", idx_size / 2);         /* a truncated idx */
	reopen(f);
	assert_int_equal(count_hits(f, n), n - 1);

	/* a truncated pack: what is left still answers, the rest misses */
	truncate_to(f, "pack", size - 30);
	reopen(f);
	k = count_hits(f, n);
	assert_true(k < n - 1 && k > n / 3);
	/* and the next run writes over the torn record and heals the rest */
	put_values(f, 0, 0, n);
	reopen(f);
	assert_int_equal(count_hits(f, n), n);

	/* not a pack at all, then a FIFO in its place: misses, never a hang */
	overwrite_at(f, "pack", 0, junk, 16);
	reopen(f);
	assert_int_equal(count_hits(f, n), 0);
	cache_file(&p, f, "pack");
	assert_int_equal(unlink(p.ptr), 0);
	assert_int_equal(mkfifo(p.ptr, 0600), 0);
	reopen(f);
	assert_int_equal(count_hits(f, n), 0);
	put_values(f, 0, 0, 10);
	reopen(f);
	assert_int_equal(count_hits(f, n), 10);
	gs_buf_release(&p);
}

/* The value of `key` in `ns` is the string `want`, read with and without a copy. */
static void expect_value_is(struct fixture *f, const char *ns, const git_oid *key, const char *want)
{
	gs_buf b = GS_BUF_INIT;
	const unsigned char *p;
	size_t len;

	assert_int_equal(gs_cache_get_ref(&p, &len, f->cache, ns, key), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(p, want, len);
	assert_int_equal(gs_cache_get(&b, f->cache, ns, key), 0);
	assert_int_equal(b.size, strlen(want));
	assert_memory_equal(b.ptr, want, b.size);
	gs_buf_release(&b);
}

/*
 * The records the idx does not cover (the tail) are found by hopping over
 * them for the first gets, then from a table: in both the latest record of
 * a key wins, over an older one in the tail and over the idx's, and a put
 * (which tables the tail) overrides both.
 */
static void test_tail(void **state)
{
	struct fixture *f = *state;
	const unsigned char *p;
	size_t len;
	git_oid k1, k2, k3;
	unsigned int i, run;

	make_key(&k1, 1);
	make_key(&k2, 2);
	make_key(&k3, 3);
	/* an idx covering an old value of k1, then two newer ones in the tail */
	assert_int_equal(gs_cache_put(f->cache, "model", &k1, "indexed", 7), 0);
	put_values(f, 0, 100, 3100);
	reopen(f);
	/* written by the append at 1 MiB of puts (past 2048 unindexed records) */
	assert_true(file_size(f, "idx") > 2048 * 40);
	assert_int_equal(gs_cache_put(f->cache, "model", &k1, "older", 5), 0);
	assert_int_equal(gs_cache_put(f->cache, "spec", &k1, "other ns", 8), 0);
	reopen(f);
	assert_int_equal(gs_cache_put(f->cache, "model", &k1, "newest", 6), 0);
	reopen(f);
	for (run = 0; run < 2; run++) {
		/* well past the gets that hop: every answer the same either way */
		for (i = 0; i < 20; i++) {
			expect_value_is(f, "model", &k1, "newest");
			expect_value_is(f, "spec", &k1, "other ns");
			assert_int_equal(gs_cache_get_ref(&p, &len, f->cache, "model", &k3), GS_ENOTFOUND);
			assert_null(p);
			if (i == 3)
				expect_values(f, 100, 110, 1);
		}
		reopen(f);
	}
	/* a put after a few hopping gets: the tail and the put are both seen */
	expect_value_is(f, "model", &k1, "newest");
	assert_int_equal(gs_cache_put(f->cache, "model", &k2, "two", 3), 0);
	expect_value_is(f, "model", &k2, "two");
	expect_value_is(f, "model", &k1, "newest");
	assert_int_equal(gs_cache_put(f->cache, "model", &k1, "put", 3), 0);
	expect_value_is(f, "model", &k1, "put");
	reopen(f);
	expect_value_is(f, "model", &k1, "put");
	expect_value_is(f, "model", &k2, "two");
	expect_value_is(f, "spec", &k1, "other ns");
	expect_values(f, 100, 3100, 1);
}

/*
 * A tail longer than 64 KiB and than the idx is indexed at the append that
 * makes it so: what a sync leaves is not hopped over by every later run.
 */
static void test_tail_indexed(void **state)
{
	struct fixture *f = *state;
	gs_buf v = GS_BUF_INIT;
	unsigned int k;
	git_oid key;
	off_t idx;

	/* 50 small values: a short tail, no idx */
	put_values(f, 0, 0, 50);
	reopen(f);
	assert_int_equal(file_size(f, "idx"), -1);
	/* then 20 of 4 KiB: past 64 KiB, and the idx is none */
	for (k = 50; k < 70; k++) {
		make_key(&key, k);
		make_value_sized(&v, 0, k, 4096);
		assert_int_equal(gs_cache_put(f->cache, "model", &key, v.ptr, v.size), 0);
	}
	reopen(f);
	/* 40 bytes of header and 40 an entry */
	assert_int_equal(file_size(f, "idx"), 40 + 70 * 40);
	/* a tail that stays short next to the idx leaves it as it is */
	put_values(f, 0, 70, 80);
	reopen(f);
	idx = file_size(f, "idx");
	assert_int_equal(idx, 40 + 70 * 40);
	expect_values(f, 0, 50, 1);
	expect_values(f, 70, 80, 1);
	make_key(&key, 69);
	assert_int_equal(gs_cache_get(&v, f->cache, "model", &key), 0);
	assert_int_equal(v.size, 4096);
	gs_buf_release(&v);
}

#define WRITERS 2
#define KEYS 1500
#define ROUNDS 6

static void test_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	gs_buf b = GS_BUF_INIT, want = GS_BUF_INIT;
	pid_t pids[WRITERS];
	unsigned int w, k, r, reads = 0, hits = 0;
	int status, running;
	git_oid key;

	for (w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			gs_buf v = GS_BUF_INIT;
			gs_cache *c = NULL;
			int rc = 0;

			/* many short runs, each with its own handle, overlapping keys */
			for (r = 0; r < ROUNDS; r++) {
				if (gs_cache_open_dir(&c, f->dir.ptr) < 0 || !c)
					_exit(2);
				if (r == ROUNDS / 2)
					gs_cache_set_limits(c, KEYS / 2, 0);  /* compaction under way too */
				for (k = r * 200; k < r * 200 + 300 && k < KEYS; k++) {
					make_key(&key, k);
					make_value(&v, w, k);
					if (gs_cache_put(c, "model", &key, v.ptr, v.size) < 0)
						rc = 1;
				}
				gs_cache_free(c);
				c = NULL;
			}
			gs_buf_release(&v);
			_exit(rc);
		}
	}
	/* Read while they write: every hit must be one writer's whole value. */
	do {
		running = 0;
		for (w = 0; w < WRITERS; w++)
			if (pids[w] && waitpid(pids[w], &status, WNOHANG) == 0)
				running = 1;
			else if (pids[w]) {
				assert_true(WIFEXITED(status));
				assert_int_equal(WEXITSTATUS(status), 0);
				pids[w] = 0;
			}
		reopen(f);
		for (k = 0; k < KEYS; k++) {
			int rc;

			make_key(&key, k);
			rc = gs_cache_get(&b, f->cache, "model", &key);
			reads++;
			if (rc == GS_ENOTFOUND)
				continue;
			assert_int_equal(rc, 0);
			hits++;
			assert_int_equal(sscanf(b.ptr, "writer %u key %u", &w, &r), 2);
			assert_int_equal(r, k);
			assert_true(w < WRITERS);
			make_value(&want, w, k);
			assert_int_equal(b.size, want.size);
			assert_memory_equal(b.ptr, want.ptr, want.size);
		}
	} while (running);
	/* the last runs' keys survive the compaction; the cache is readable */
	reopen(f);
	expect_values(f, (ROUNDS - 1) * 200, KEYS < ROUNDS * 200 + 100 ? KEYS : ROUNDS * 200 + 100, WRITERS);
	assert_true(reads > 0);
	assert_true(hits > 0);
	assert_int_equal(file_size(f, "pack.tmp"), -1);
	assert_int_equal(file_size(f, "idx.tmp"), -1);
	gs_buf_release(&b);
	gs_buf_release(&want);
}

static void test_compaction(void **state)
{
	struct fixture *f = *state;
	unsigned int run;
	off_t size;

	/* a bound on entries: the newest stay, within it */
	gs_cache_set_limits(f->cache, 400, 0);
	for (run = 0; run < 10; run++) {
		put_values(f, 0, run * 100, run * 100 + 100);
		reopen(f);
		gs_cache_set_limits(f->cache, 400, 0);
	}
	assert_true(count_hits(f, 1000) <= 400);
	assert_true(count_hits(f, 1000) >= 300);
	expect_values(f, 900, 1000, 1);
	/* a bound on bytes */
	gs_cache_set_limits(f->cache, 0, 64 * 1024);
	assert_int_equal(gs_cache_prune(f->cache, "model"), 0);
	size = file_size(f, "pack");
	assert_true(size > 0 && size <= 64 * 1024);
	expect_values(f, 950, 1000, 1);
	for (run = 0; run < 5; run++) {
		put_values(f, 0, 2000 + run * 100, 2100 + run * 100);
		gs_cache_free(f->cache);
		f->cache = NULL;
		assert_true(file_size(f, "pack") <= 64 * 1024);
		reopen(f);
		gs_cache_set_limits(f->cache, 0, 64 * 1024);
	}
	/* about 120 records fit in 75% of the bound: the last run's 100 are kept */
	expect_values(f, 2400, 2500, 1);
	assert_true(count_hits(f, 2000) == 0);
}

/* The one-file-per-entry layout of earlier versions goes when the pack comes. */
static void test_old_layout_removed(void **state)
{
	struct fixture *f = *state;
	gs_buf p = GS_BUF_INIT;
	struct stat st;
	FILE *fp;

	assert_int_equal(mkdir(f->dir.ptr, 0777), 0);
	gs_buf_printf(&p, "%s/model", f->dir.ptr);
	assert_int_equal(mkdir(p.ptr, 0777), 0);
	gs_buf_puts(&p, "/ab");
	assert_int_equal(mkdir(p.ptr, 0777), 0);
	gs_buf_puts(&p, "/cdef");
	fp = fopen(p.ptr, "w");
	assert_non_null(fp);
	fclose(fp);
	put_values(f, 0, 0, 5);
	reopen(f);
	assert_int_equal(lstat(p.ptr, &st), -1);
	gs_buf_clear(&p);
	gs_buf_printf(&p, "%s/model", f->dir.ptr);
	assert_int_equal(lstat(p.ptr, &st), -1);
	expect_values(f, 0, 5, 1);
	gs_buf_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_repo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_rewrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tail_indexed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_layout_removed, setup, teardown),
	};

	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
