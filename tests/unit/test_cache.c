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

static void entry_path(gs_buf *out, struct fixture *f, const char *ns, const git_oid *key)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), key);
	gs_buf_clear(out);
	gs_buf_printf(out, "%s/%s/%.2s/%s", f->dir.ptr, ns, hex, hex + 2);
}

static size_t count_files(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		gs_buf sub = GS_BUF_INIT;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		gs_buf_printf(&sub, "%s/%s", dir, de->d_name);
		if (!lstat(sub.ptr, &st)) {
			if (S_ISDIR(st.st_mode))
				n += count_files(sub.ptr, prefix);
			else if (!strncmp(de->d_name, prefix, strlen(prefix)))
				n++;
		}
		gs_buf_release(&sub);
	}
	closedir(d);
	return n;
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
	char hex[GIT_OID_HEXSZ + 1];
	struct stat st;

	gs_buf_printf(&path, "%s/repo", f->root);
	assert_int_equal(git_repository_init(&repo, path.ptr, 0), 0);
	assert_int_equal(gs_cache_open(&c, repo), 0);
	assert_non_null(c);
	/* Opening touches nothing. */
	gs_buf_printf(&path, "/.git/gitspec");
	assert_int_equal(stat(path.ptr, &st), -1);

	make_key(&key, 7);
	assert_int_equal(gs_cache_put(c, "model", &key, "value", 5), 0);
	git_oid_tostr(hex, sizeof(hex), &key);
	gs_buf_printf(&path, "/cache/model/%.2s/%s", hex, hex + 2);
	assert_int_equal(stat(path.ptr, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 52 + 5);
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
	unsigned int i;

	make_key(&k1, 1);
	make_key(&k2, 2);
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &k1), GS_ENOTFOUND);
	assert_int_equal(gs_cache_put(f->cache, "model", &k1, "one", 3), 0);
	assert_int_equal(gs_cache_put(f->cache, "spec", &k1, "other ns", 8), 0);
	assert_int_equal(gs_cache_put(f->cache, "model", &k2, "", 0), 0);

	assert_int_equal(gs_cache_get(&b, f->cache, "model", &k1), 0);
	assert_int_equal(b.size, 3);
	assert_string_equal(b.ptr, "one");
	assert_int_equal(gs_cache_get(&b, f->cache, "spec", &k1), 0);
	assert_string_equal(b.ptr, "other ns");
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &k2), 0);
	assert_int_equal(b.size, 0);
	assert_int_equal(gs_cache_get(&b, f->cache, "spec", &k2), GS_ENOTFOUND);

	/* Binary payloads with NULs, replaced in place. */
	for (i = 0; i < 100000; i++)
		gs_buf_putc(&big, (char)(i * 7));
	assert_int_equal(gs_cache_put(f->cache, "model", &k1, big.ptr, big.size), 0);
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &k1), 0);
	assert_int_equal(b.size, big.size);
	assert_memory_equal(b.ptr, big.ptr, big.size);

	assert_int_equal(gs_cache_put(f->cache, "Bad/ns", &k1, "x", 1), GS_ERROR);
	assert_int_equal(gs_cache_put(f->cache, "", &k1, "x", 1), GS_ERROR);
	assert_int_equal(gs_cache_get(&b, f->cache, "../x", &k1), GS_ERROR);
	assert_int_equal(count_files(f->dir.ptr, "tmp-"), 0);
	gs_buf_release(&b);
	gs_buf_release(&big);
}

static void test_unwritable(void **state)
{
	struct fixture *f = *state;
	gs_buf dir = GS_BUF_INIT, b = GS_BUF_INIT;
	gs_cache *c = NULL;
	git_oid key;
	FILE *fp;

	/* A regular file where a directory of the cache should be. */
	gs_buf_printf(&dir, "%s/file", f->root);
	fp = fopen(dir.ptr, "w");
	assert_non_null(fp);
	fclose(fp);
	gs_buf_puts(&dir, "/cache");
	assert_int_equal(gs_cache_open_dir(&c, dir.ptr), 0);
	assert_non_null(c);
	make_key(&key, 5);
	assert_int_equal(gs_cache_put(c, "model", &key, "x", 1), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "cannot write cache entry in '"));
	assert_int_equal(gs_cache_get(&b, c, "model", &key), GS_ENOTFOUND);
	assert_int_equal(gs_cache_prune(c, "model"), 0);
	gs_cache_free(c);
	gs_buf_release(&dir);
	gs_buf_release(&b);
}

static void rewrite(const char *path, const char *data, size_t len)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void mkdir_parent(const char *path)
{
	gs_buf dir = GS_BUF_INIT;

	gs_buf_sets(&dir, path);
	*strrchr(dir.ptr, '/') = '\0';
	assert_true(mkdir(dir.ptr, 0777) == 0 || errno == EEXIST);
	gs_buf_release(&dir);
}

static void test_corruption(void **state)
{
	struct fixture *f = *state;
	gs_buf path = GS_BUF_INIT, path2 = GS_BUF_INIT, good = GS_BUF_INIT, bad = GS_BUF_INIT;
	gs_buf b = GS_BUF_INIT;
	/* magic, version, key length, key, payload length, checksum, payload */
	static const size_t flips[] = { 0, 7, 9, 14, 20, 35, 40, 47, 50, 52, 60, 52 + 99 };
	static const size_t cuts[] = { 0, 1, 51, 52, 53, 151 };
	git_oid key, other;
	char payload[100];
	size_t i;
	struct stat st;

	memset(payload, 'p', sizeof(payload));
	make_key(&key, 3);
	make_key(&other, 4);
	entry_path(&path, f, "model", &key);
	assert_int_equal(gs_cache_put(f->cache, "model", &key, payload, sizeof(payload)), 0);
	assert_int_equal(gs_read_file(&good, path.ptr), 0);
	assert_int_equal(good.size, 152);

	for (i = 0; i < GS_ARRAY_SIZE(flips); i++) {
		gs_buf_set(&bad, good.ptr, good.size);
		bad.ptr[flips[i]] ^= 0x20;
		rewrite(path.ptr, bad.ptr, bad.size);
		assert_int_equal(gs_cache_get(&b, f->cache, "model", &key), GS_ENOTFOUND);
		assert_int_equal(b.size, 0);
		/* A corrupt entry is removed. */
		assert_int_equal(stat(path.ptr, &st), -1);
	}
	for (i = 0; i < GS_ARRAY_SIZE(cuts); i++) {
		rewrite(path.ptr, good.ptr, cuts[i]);
		assert_int_equal(gs_cache_get(&b, f->cache, "model", &key), GS_ENOTFOUND);
	}
	/* Trailing garbage. */
	gs_buf_set(&bad, good.ptr, good.size);
	gs_buf_puts(&bad, "junk");
	rewrite(path.ptr, bad.ptr, bad.size);
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &key), GS_ENOTFOUND);

	/* A valid entry of another key at this key's place is foreign. */
	entry_path(&path2, f, "model", &other);
	rewrite(path.ptr, good.ptr, good.size);
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &key), 0);
	mkdir_parent(path2.ptr);
	rewrite(path2.ptr, good.ptr, good.size);
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &other), GS_ENOTFOUND);

	/* A directory or a symlink where the entry should be. */
	assert_int_equal(unlink(path.ptr), 0);
	assert_int_equal(symlink(path2.ptr, path.ptr), 0);
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &key), GS_ENOTFOUND);
	assert_int_equal(unlink(path.ptr), 0);

	/* And a good value again after all that. */
	assert_int_equal(gs_cache_put(f->cache, "model", &key, payload, sizeof(payload)), 0);
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &key), 0);
	assert_memory_equal(b.ptr, payload, sizeof(payload));
	gs_buf_release(&path);
	gs_buf_release(&path2);
	gs_buf_release(&good);
	gs_buf_release(&bad);
	gs_buf_release(&b);
}

/* The value a writer `w` stores for key `k`: self-describing, 64 KiB. */
static void make_value_sized(gs_buf *out, unsigned int w, unsigned int k, size_t size)
{
	size_t i;

	gs_buf_clear(out);
	gs_buf_printf(out, "writer %u key %u\n", w, k);
	for (i = 0; out->size < size; i++)
		gs_buf_putc(out, (char)('a' + (w * 31 + k + i) % 26));
}

static void make_value(gs_buf *out, unsigned int w, unsigned int k)
{
	make_value_sized(out, w, k, 65536);
}

#define WRITERS 4
#define KEYS 16
#define ROUNDS 8

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
			int rc = 0;

			for (r = 0; r < ROUNDS; r++)
				for (k = 0; k < KEYS; k++) {
					make_key(&key, k);
					make_value(&v, w, k);
					if (gs_cache_put(f->cache, "model", &key, v.ptr, v.size) < 0)
						rc = 1;
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
	for (k = 0; k < KEYS; k++) {
		make_key(&key, k);
		assert_int_equal(gs_cache_get(&b, f->cache, "model", &key), 0);
	}
	assert_true(reads > 0);
	assert_true(hits >= KEYS);
	assert_int_equal(count_files(f->dir.ptr, "tmp-"), 0);
	assert_int_equal(count_files(f->dir.ptr, ""), KEYS);
	gs_buf_release(&b);
	gs_buf_release(&want);
}

/* Writers pruning each other's entries while a reader reads. */
static void test_concurrent_prune(void **state)
{
	struct fixture *f = *state;
	gs_buf b = GS_BUF_INIT, want = GS_BUF_INIT;
	pid_t pids[3];
	unsigned int w, k, got_w, got_k, hits = 0;
	int status, running;
	git_oid key;

	gs_cache_set_limits(f->cache, 64, 0);
	for (w = 0; w < 3; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			gs_buf v = GS_BUF_INIT;
			int rc = 0;

			for (k = 0; k < 240; k++) {
				make_key(&key, k);
				make_value_sized(&v, w, k, 512);
				if (gs_cache_put(f->cache, "model", &key, v.ptr, v.size) < 0)
					rc = 1;
				if ((k & 31) == 0 && gs_cache_prune(f->cache, "model") < 0)
					rc = 1;
			}
			gs_buf_release(&v);
			_exit(rc);
		}
	}
	do {
		running = 0;
		for (w = 0; w < 3; w++)
			if (pids[w] && waitpid(pids[w], &status, WNOHANG) == 0)
				running = 1;
			else if (pids[w]) {
				assert_true(WIFEXITED(status));
				assert_int_equal(WEXITSTATUS(status), 0);
				pids[w] = 0;
			}
		for (k = 0; k < 240; k += 7) {
			int rc;

			make_key(&key, k);
			rc = gs_cache_get(&b, f->cache, "model", &key);
			if (rc == GS_ENOTFOUND)
				continue;
			assert_int_equal(rc, 0);
			hits++;
			assert_int_equal(sscanf(b.ptr, "writer %u key %u", &got_w, &got_k), 2);
			assert_int_equal(got_k, k);
			make_value_sized(&want, got_w, k, 512);
			assert_int_equal(b.size, want.size);
			assert_memory_equal(b.ptr, want.ptr, want.size);
		}
	} while (running);
	assert_int_equal(gs_cache_prune(f->cache, "model"), 0);
	assert_true(count_files(f->dir.ptr, "") <= 64);
	assert_int_equal(count_files(f->dir.ptr, "tmp-"), 0);
	gs_buf_release(&b);
	gs_buf_release(&want);
}

static void set_mtime(const char *path, time_t t)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = t;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static void test_prune_oldest(void **state)
{
	struct fixture *f = *state;
	gs_buf path = GS_BUF_INIT, b = GS_BUF_INIT;
	/* Within a day: hits do not refresh these mtimes. */
	time_t base = time(NULL) - 20000;
	git_oid key;
	unsigned int i;

	/* Entries 0..199 with mtimes in that order. */
	for (i = 0; i < 200; i++) {
		make_key(&key, i);
		assert_int_equal(gs_cache_put(f->cache, "spec", &key, "v", 1), 0);
		entry_path(&path, f, "spec", &key);
		set_mtime(path.ptr, base + i);
	}
	/* A temporary file of a writer that crashed an hour ago, and a fresh one. */
	gs_buf_clear(&path);
	gs_buf_printf(&path, "%s/spec/00/tmp-1-1-1", f->dir.ptr);
	mkdir_parent(path.ptr);
	rewrite(path.ptr, "x", 1);
	set_mtime(path.ptr, base);
	gs_buf_clear(&path);
	gs_buf_printf(&path, "%s/spec/00/tmp-2-2-2", f->dir.ptr);
	rewrite(path.ptr, "x", 1);

	/* Within bounds: nothing removed. */
	gs_cache_set_limits(f->cache, 200, 0);
	assert_int_equal(gs_cache_prune(f->cache, "spec"), 0);
	assert_int_equal(count_files(f->dir.ptr, ""), 200 + 1);

	gs_cache_set_limits(f->cache, 100, 0);
	assert_int_equal(gs_cache_prune(f->cache, "spec"), 0);
	assert_int_equal(count_files(f->dir.ptr, "tmp-"), 1);
	assert_int_equal(count_files(f->dir.ptr, ""), 80 + 1);
	for (i = 0; i < 200; i++) {
		make_key(&key, i);
		assert_int_equal(gs_cache_get(&b, f->cache, "spec", &key), i < 120 ? GS_ENOTFOUND : 0);
	}

	/* The byte bound: 80 entries of 53 bytes, at most 40 * 53 → 32 left. */
	gs_cache_set_limits(f->cache, 1000, 40 * 53);
	assert_int_equal(gs_cache_prune(f->cache, "spec"), 0);
	assert_int_equal(count_files(f->dir.ptr, "") - 1, 40 * 53 / 5 * 4 / 53);
	make_key(&key, 199);
	assert_int_equal(gs_cache_get(&b, f->cache, "spec", &key), 0);
	gs_buf_release(&path);
	gs_buf_release(&b);
}

static void test_prune_on_put(void **state)
{
	struct fixture *f = *state;
	git_oid key;
	unsigned int i;
	size_t n;
	char value[200];

	memset(value, 'v', sizeof(value));
	gs_cache_set_limits(f->cache, 120, 0);
	for (i = 0; i < 2000; i++) {
		make_key(&key, i);
		assert_int_equal(gs_cache_put(f->cache, "model", &key, value, sizeof(value)), 0);
	}
	n = count_files(f->dir.ptr, "");
	/* A rough bound: sampling one directory of 256 is an estimate. */
	assert_true(n < 2 * 120);
	assert_true(n > 0);
	/* Other namespaces are bounded separately and untouched. */
	make_key(&key, 0);
	assert_int_equal(gs_cache_put(f->cache, "spec", &key, "s", 1), 0);
	assert_int_equal(gs_cache_prune(f->cache, "model"), 0);
	assert_int_equal(count_files(f->dir.ptr, ""), (n > 120 ? 96 : n) + 1);
}

static void test_touch_on_hit(void **state)
{
	struct fixture *f = *state;
	gs_buf path = GS_BUF_INIT, b = GS_BUF_INIT;
	struct stat st;
	git_oid key;
	time_t now = time(NULL);

	make_key(&key, 9);
	assert_int_equal(gs_cache_put(f->cache, "model", &key, "x", 1), 0);
	entry_path(&path, f, "model", &key);
	set_mtime(path.ptr, now - 3 * 86400);
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &key), 0);
	assert_int_equal(stat(path.ptr, &st), 0);
	assert_true(st.st_mtime >= now);
	/* A recent entry is not touched. */
	set_mtime(path.ptr, now - 3600);
	assert_int_equal(gs_cache_get(&b, f->cache, "model", &key), 0);
	assert_int_equal(stat(path.ptr, &st), 0);
	assert_int_equal(st.st_mtime, now - 3600);
	gs_buf_release(&path);
	gs_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_repo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_oldest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_on_put, setup, teardown),
		cmocka_unit_test_setup_teardown(test_touch_on_hit, setup, teardown),
	};
	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
