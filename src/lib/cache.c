#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/cache.h"

/*
 * Layout and rules: docs/adr/0003-cache.md.
 *
 * One file per key, DIR/NS/xx/<remaining 38 hex digits>, holding
 *
 *   0  8  magic "gscache\0"
 *   8  4  format version (big endian)
 *  12  4  key length (20)
 *  16 20  the key, raw
 *  36  8  payload length (big endian)
 *  44  8  FNV-1a 64 of the payload (big endian)
 *  52     payload
 */
#define CACHE_MAGIC "gscache"
#define CACHE_VERSION 1
#define HDR_SIZE 52
#define MAX_PAYLOAD (1ULL << 30)
#define NS_MAX 32
#define TMP_PREFIX "tmp-"
/* Leftover temporary files older than this belong to a crashed writer. */
#define TMP_MAX_AGE 3600
/* Hits on entries older than this refresh their mtime (approximate LRU). */
#define TOUCH_AGE 86400

struct gs_cache {
	char *dir;
	size_t max_files;
	uint64_t max_bytes;
};

static int cache_disabled(void)
{
	const char *v = getenv("GIT_SPEC_NO_CACHE");

	return v && *v && strcmp(v, "0") && strcmp(v, "false");
}

int gs_cache_open_dir(gs_cache **out, const char *dir)
{
	gs_cache *c;
	size_t len = strlen(dir);

	*out = NULL;
	if (cache_disabled() || !len)
		return 0;
	while (len > 1 && dir[len - 1] == '/')
		len--;
	c = gs_xcalloc(1, sizeof(*c));
	c->dir = gs_xstrndup(dir, len);
	c->max_files = GS_CACHE_MAX_FILES;
	c->max_bytes = GS_CACHE_MAX_BYTES;
	*out = c;
	return 0;
}

int gs_cache_open(gs_cache **out, git_repository *repo)
{
	gs_buf dir = GS_BUF_INIT;
	const char *common;
	int error;

	*out = NULL;
	if (!repo || cache_disabled())
		return 0;
	/* The common dir, so that linked worktrees share one cache. */
	common = git_repository_commondir(repo);
	if (!common || !*common)
		return 0;
	gs_buf_puts(&dir, common);
	while (dir.size > 1 && dir.ptr[dir.size - 1] == '/')
		gs_buf_setlen(&dir, dir.size - 1);
	gs_buf_puts(&dir, "/gitspec/cache");
	error = gs_cache_open_dir(out, dir.ptr);
	gs_buf_release(&dir);
	return error;
}

void gs_cache_free(gs_cache *cache)
{
	if (!cache)
		return;
	free(cache->dir);
	free(cache);
}

void gs_cache_set_limits(gs_cache *cache, size_t max_files, uint64_t max_bytes)
{
	if (!cache)
		return;
	if (max_files)
		cache->max_files = max_files;
	if (max_bytes)
		cache->max_bytes = max_bytes;
}

static int check_ns(const char *ns)
{
	size_t i;

	for (i = 0; ns[i]; i++) {
		char c = ns[i];

		if (i >= NS_MAX || !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			break;
	}
	if (!i || ns[i])
		return gs_error_set(GS_ERROR, "invalid cache namespace '%s'", ns);
	return 0;
}

static uint64_t fnv1a64(const unsigned char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 3; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const unsigned char *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* DIR/NS/xx into `out`; *hex_rest receives the 38 remaining hex digits. */
static void entry_dir(gs_buf *out, char hex_rest[GIT_OID_HEXSZ + 1], const gs_cache *cache,
		      const char *ns, const git_oid *key)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), key);
	gs_buf_clear(out);
	gs_buf_printf(out, "%s/%s/%.2s", cache->dir, ns, hex);
	memcpy(hex_rest, hex + 2, GIT_OID_HEXSZ - 2);
	hex_rest[GIT_OID_HEXSZ - 2] = '\0';
}

int gs_cache_get(gs_buf *out, gs_cache *cache, const char *ns, const git_oid *key)
{
	int error = GS_ENOTFOUND, fd = -1, corrupt = 0;
	gs_buf path = GS_BUF_INIT;
	char rest[GIT_OID_HEXSZ + 1];
	const unsigned char *h;
	struct stat st, now_st;
	size_t got = 0;
	uint64_t len;

	gs_buf_clear(out);
	if (!cache)
		goto done;
	if ((error = check_ns(ns)) < 0)
		goto done;
	error = GS_ENOTFOUND;
	entry_dir(&path, rest, cache, ns, key);
	gs_buf_putc(&path, '/');
	gs_buf_puts(&path, rest);

	fd = open(path.ptr, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		goto done;
	if (fstat(fd, &st) < 0)
		goto done;
	if (!S_ISREG(st.st_mode) || st.st_size < HDR_SIZE ||
	    (uint64_t)st.st_size > HDR_SIZE + MAX_PAYLOAD) {
		corrupt = 1;
		goto done;
	}
	gs_buf_grow(out, (size_t)st.st_size);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, out->ptr + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)st.st_size) {
		corrupt = 1;
		goto done;
	}
	h = (const unsigned char *)out->ptr;
	len = get_be64(h + 36);
	if (memcmp(h, CACHE_MAGIC, 8) || get_be32(h + 8) != CACHE_VERSION ||
	    get_be32(h + 12) != GIT_OID_RAWSZ || memcmp(h + 16, key->id, GIT_OID_RAWSZ) ||
	    len != (uint64_t)st.st_size - HDR_SIZE ||
	    get_be64(h + 44) != fnv1a64(h + HDR_SIZE, (size_t)len)) {
		corrupt = 1;
		goto done;
	}
	/*
	 * Pruning removes the oldest files by mtime; refreshing the mtime of
	 * entries still in use (rarely: at most once a day each) makes that
	 * an approximate least-recently-used order at almost no cost.
	 */
	if (time(NULL) - st.st_mtime > TOUCH_AGE)
		futimens(fd, NULL);
	memmove(out->ptr, out->ptr + HDR_SIZE, (size_t)len);
	gs_buf_setlen(out, (size_t)len);
	error = 0;
done:
	if (fd >= 0)
		close(fd);
	/*
	 * Remove a corrupt entry unless a writer has just renamed a new one
	 * into place (the window left is harmless: a later miss).
	 */
	if (corrupt && !lstat(path.ptr, &now_st) &&
	    now_st.st_ino == st.st_ino && now_st.st_dev == st.st_dev)
		unlink(path.ptr);
	if (error == GS_ENOTFOUND) {
		gs_buf_clear(out);
		gs_error_set(GS_ENOTFOUND, "not in the cache");
	}
	gs_buf_release(&path);
	return error;
}

/* mkdir -p for the directories of the cache, below nothing we assume exists. */
static int make_dirs(gs_buf *dir)
{
	char *slash;
	int rc;

	if (!mkdir(dir->ptr, 0777) || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	slash = strrchr(dir->ptr, '/');
	if (!slash || slash == dir->ptr)
		return -1;
	*slash = '\0';
	rc = make_dirs(dir);
	*slash = '/';
	if (rc < 0)
		return -1;
	return (!mkdir(dir->ptr, 0777) || errno == EEXIST) ? 0 : -1;
}

static int write_fully(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct prune_entry {
	char *path;
	struct timespec mtime;
	uint64_t size;
};

static int cmp_prune_entry(const void *a, const void *b)
{
	const struct prune_entry *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int is_hex2(const char *s)
{
	return strlen(s) == 2 && strchr("0123456789abcdef", s[0]) && strchr("0123456789abcdef", s[1]);
}

/*
 * Scan one xx/ directory: count its entries and their bytes; with `list`,
 * collect them; remove stale temporary files either way.
 */
static void scan_subdir(const char *dir, struct prune_entry **list, size_t *nr, size_t *alloc,
			size_t *count, uint64_t *bytes, time_t now)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	gs_buf path = GS_BUF_INIT;
	struct stat st;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		gs_buf_clear(&path);
		gs_buf_printf(&path, "%s/%s", dir, de->d_name);
		if (lstat(path.ptr, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (!strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX))) {
			if (now - st.st_mtime > TMP_MAX_AGE)
				unlink(path.ptr);
			continue;
		}
		(*count)++;
		*bytes += (uint64_t)st.st_size;
		if (list) {
			GS_ALLOC_GROW(*list, *nr + 1, *alloc);
			(*list)[*nr].path = gs_xstrdup(path.ptr);
			(*list)[*nr].mtime = st.st_mtim;
			(*list)[*nr].size = (uint64_t)st.st_size;
			(*nr)++;
		}
	}
	closedir(d);
	gs_buf_release(&path);
}

int gs_cache_prune(gs_cache *cache, const char *ns)
{
	int error = 0;
	gs_buf dir = GS_BUF_INIT, sub = GS_BUF_INIT;
	struct prune_entry *list = NULL;
	size_t nr = 0, alloc = 0, count = 0, i, target_files;
	uint64_t bytes = 0, target_bytes;
	time_t now = time(NULL);
	DIR *d = NULL;
	struct dirent *de;

	if (!cache)
		goto done;
	if ((error = check_ns(ns)) < 0)
		goto done;
	gs_buf_printf(&dir, "%s/%s", cache->dir, ns);
	d = opendir(dir.ptr);
	if (!d)
		goto done;
	while ((de = readdir(d))) {
		if (!is_hex2(de->d_name))
			continue;
		gs_buf_clear(&sub);
		gs_buf_printf(&sub, "%s/%s", dir.ptr, de->d_name);
		scan_subdir(sub.ptr, &list, &nr, &alloc, &count, &bytes, now);
	}
	if (count <= cache->max_files && bytes <= cache->max_bytes)
		goto done;
	/* Down to 80%, so that the next prune is many puts away. */
	target_files = cache->max_files / 5 * 4;
	target_bytes = cache->max_bytes / 5 * 4;
	GS_QSORT(list, nr, cmp_prune_entry);
	for (i = 0; i < nr && (count > target_files || bytes > target_bytes); i++) {
		/* A concurrent pruner may have removed it already: fine. */
		unlink(list[i].path);
		count--;
		bytes -= list[i].size;
	}
done:
	if (d)
		closedir(d);
	for (i = 0; i < nr; i++)
		free(list[i].path);
	free(list);
	gs_buf_release(&dir);
	gs_buf_release(&sub);
	return error;
}

/*
 * Estimate the size of the namespace from the one xx/ directory just
 * written to (as git gc --auto does with objects/17) and prune when the
 * estimate is over a bound. Costs one small readdir.
 */
static void maybe_prune(gs_cache *cache, const char *ns, const char *subdir)
{
	size_t count = 0, nr = 0, alloc = 0;
	uint64_t bytes = 0;

	scan_subdir(subdir, NULL, &nr, &alloc, &count, &bytes, time(NULL));
	if ((uint64_t)count * 256 > cache->max_files || bytes * 256 > cache->max_bytes)
		gs_cache_prune(cache, ns);
}

int gs_cache_put(gs_cache *cache, const char *ns, const git_oid *key, const char *data, size_t len)
{
	/* Atomic: models may be cached from several threads. */
	static atomic_uint counter;
	int error = 0, fd = -1, have_tmp = 0, tries;
	gs_buf dir = GS_BUF_INIT, tmp = GS_BUF_INIT, path = GS_BUF_INIT;
	char rest[GIT_OID_HEXSZ + 1];
	unsigned char hdr[HDR_SIZE];
	struct timespec ts;

	if (!cache)
		goto done;
	if ((error = check_ns(ns)) < 0)
		goto done;
	if ((uint64_t)len > MAX_PAYLOAD) {
		error = gs_error_set(GS_ERROR, "cache value too large (%zu bytes)", len);
		goto done;
	}
	entry_dir(&dir, rest, cache, ns, key);
	gs_buf_printf(&path, "%s/%s", dir.ptr, rest);

	memcpy(hdr, CACHE_MAGIC, 8);
	put_be32(hdr + 8, CACHE_VERSION);
	put_be32(hdr + 12, GIT_OID_RAWSZ);
	memcpy(hdr + 16, key->id, GIT_OID_RAWSZ);
	put_be64(hdr + 36, (uint64_t)len);
	put_be64(hdr + 44, fnv1a64((const unsigned char *)data, len));

	/*
	 * A unique temporary name in the entry's own directory: concurrent
	 * writers of one key each rename a complete file into place, so a
	 * reader sees one whole value or the other, never a mix.
	 */
	clock_gettime(CLOCK_REALTIME, &ts);
	for (tries = 0; tries < 100; tries++) {
		gs_buf_clear(&tmp);
		gs_buf_printf(&tmp, "%s/" TMP_PREFIX "%ld-%u-%ld", dir.ptr, (long)getpid(),
			      atomic_fetch_add(&counter, 1), (long)ts.tv_nsec);
		/* Read-only, like git's objects: entries are never modified in place. */
		fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
		if (fd >= 0)
			break;
		if (errno == ENOENT && make_dirs(&dir) < 0)
			break;
		if (errno != ENOENT && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		error = gs_error_set(GS_ERROR, "cannot write cache entry in '%s': %s",
				     dir.ptr, strerror(errno));
		goto done;
	}
	have_tmp = 1;
	/* No fsync: a torn entry after a crash fails its checksum and is a miss. */
	if (write_fully(fd, hdr, sizeof(hdr)) < 0 || write_fully(fd, data, len) < 0) {
		error = gs_error_set(GS_ERROR, "cannot write '%s': %s", tmp.ptr, strerror(errno));
		goto done;
	}
	if (close(fd) < 0) {
		fd = -1;
		error = gs_error_set(GS_ERROR, "cannot write '%s': %s", tmp.ptr, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp.ptr, path.ptr) < 0) {
		error = gs_error_set(GS_ERROR, "cannot rename '%s' to '%s': %s",
				     tmp.ptr, path.ptr, strerror(errno));
		goto done;
	}
	have_tmp = 0;
	/* About one put in 64: keys are hashes, so this byte is uniform. */
	if ((key->id[1] & 63) == 0)
		maybe_prune(cache, ns, dir.ptr);
done:
	if (fd >= 0)
		close(fd);
	if (have_tmp)
		unlink(tmp.ptr);
	gs_buf_release(&dir);
	gs_buf_release(&tmp);
	gs_buf_release(&path);
	return error;
}
