#include <errno.h>
#include <pthread.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/cache.h"

/*
 * Layout and rules: docs/adr/0014-cache-pack.md.
 *
 * DIR/pack  an append-only log: "GSPACK\0\2", a random 64-bit pack id, then
 *           records
 *             0  4  magic "GSR2"
 *             4  4  payload length (big endian)
 *             8 20  the key, raw
 *            28  1  namespace length N (1..32)
 *            29  N  namespace
 *          29+N     payload
 *                8  checksum of everything above (big endian)
 * DIR/idx   the pack's records up to an offset, sorted by (key, namespace
 *           tag): a 40-byte header (magic, pack id, covered offset, count,
 *           checksum of those) and 40-byte entries (key, tag, offset, length)
 * DIR/lock  held with flock(2) by the one process appending at a time
 *
 * A run maps idx and pack once, on its first get; records appended after
 * the idx was written are found by hopping over the pack's tail. Puts are
 * buffered and appended at gs_cache_free (or every FLUSH_BYTES) with one
 * write under the lock. Every get checks the record it lands on (magic,
 * key, namespace, length, checksum): an index, a pack or a tail that is
 * corrupt, truncated or foreign is a miss, never a wrong value.
 */
#define PACK_MAGIC "GSPACK\0\2"
#define PACK_HDR 16
#define REC_MAGIC 0x47535232u
#define REC_FIXED 37             /* 29 bytes of header + 8 of checksum */
#define IDX_MAGIC "GSIDX\0\0\2"
#define IDX_HDR 40
#define IDX_ENT 40
#define MAX_PAYLOAD (1ULL << 30)
#define NS_MAX 32
/*
 * Buffered puts past this are appended at once. It bounds memory, and the
 * buffer's pages are written again after each append instead of new ones
 * touched: a first touch costs 10-19 us on a VM like ours. 1 MiB rather
 * than 4 took 620 of a cold Django sync's 3,900 page faults away and 5 MiB
 * off its peak memory (ADR 0026), for three more appends.
 */
#define FLUSH_BYTES (1u << 20)
/* Reserved past FLUSH_BYTES for the record that crosses it. */
#define PENDING_SLACK (64u << 10)
/*
 * The idx is rewritten when the unindexed tail outgrows either, or
 * TAIL_MIN_BYTES and the idx itself: a run's first gets hop over the tail,
 * touching a record header every few KiB (460 KiB after a cold sync of
 * Django: 8 of an unchanged check's 157 page faults), and a rewrite of an
 * idx no larger than what was appended since the last one costs each put
 * a bounded share.
 */
#define TAIL_MAX_BYTES (1u << 20)
#define TAIL_MAX_RECORDS 2048
#define TAIL_MIN_BYTES (64u << 10)
/* A writer waits this long for the lock, then leaves its values uncached. */
#define LOCK_WAIT_MS 2000
/* Gets that hop over the unindexed tail before it is put in a table. */
#define TAIL_SCANS 8
/* Compaction keeps the newest entries up to this share of the bounds. */
#define KEEP_PERCENT 75

struct slot {
	unsigned char key[24];   /* the raw key, then the namespace tag (big endian) */
	uint64_t off;            /* in the pack, or in `pending` when `pending` */
	uint32_t len;            /* of the whole record */
	int used, pending;
};

struct gs_cache {
	char *dir;
	size_t max_files;
	uint64_t max_bytes;
	int loaded;
	/* the pack and the idx as mapped on the first get */
	unsigned char *pack, *idx;
	size_t pack_len, idx_len, idx_nr;
	/*
	 * The unindexed tail of the pack (from tail_from) and this run's puts,
	 * by key. The tail is put in the table only at the first put or after
	 * TAIL_SCANS gets (tail_tabled); until then a get hops over it: a run
	 * that makes a couple of gets (an unchanged check) does not fault in
	 * a table of thousands of slots it would barely use.
	 */
	struct slot *tab;
	size_t tab_cap, tab_nr;
	uint64_t tail_from;
	int tail_tabled;
	unsigned tail_gets;
	gs_buf pending;
	/* gs_cache_flush_start()'s thread, joined before any other use */
	pthread_t flusher;
	int flushing, flush_errno;
};

static int settle(gs_cache *c);

/* An entry of the index being written (host order). */
struct ient {
	unsigned char key[24];
	uint64_t off;
	uint32_t len;
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
	gs_buf_init(&c->pending, 0);
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

void gs_cache_set_limits(gs_cache *cache, size_t max_files, uint64_t max_bytes)
{
	if (!cache)
		return;
	settle(cache);
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

/* ---- encoding ------------------------------------------------------------ */

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const unsigned char *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/*
 * The checksum: eight bytes a step, multiply and fold. Not cryptographic
 * (the cache guards against accidents, not against someone who can write
 * to .git), but every bit of the input reaches every bit of the result and
 * a warm run checks several MiB of records with it, so it must be fast.
 */
static uint64_t checksum(const unsigned char *p, size_t len)
{
	const uint64_t m = 0x9e3779b97f4a7c15ULL;
	uint64_t h = 0x2545f4914f6cdd1dULL ^ ((uint64_t)len * m);
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* one load: the bytes in the order below, on the machines we run on */
		memcpy(&w, p + i, 8);
#else
		w = (uint64_t)p[i] | (uint64_t)p[i + 1] << 8 | (uint64_t)p[i + 2] << 16 |
			(uint64_t)p[i + 3] << 24 | (uint64_t)p[i + 4] << 32 | (uint64_t)p[i + 5] << 40 |
			(uint64_t)p[i + 6] << 48 | (uint64_t)p[i + 7] << 56;
#endif
		h = (h ^ w) * m;
		h ^= h >> 29;
	}
	if (i < len) {
		uint64_t w = 0;
		int sh = 0;

		for (; i < len; i++, sh += 8)
			w |= (uint64_t)p[i] << sh;
		h = (h ^ w ^ 0xff) * m;
		h ^= h >> 29;
	}
	h *= m;
	return h ^ (h >> 32);
}

static uint32_t ns_tag(const char *ns)
{
	uint32_t h = 2166136261u;

	for (; *ns; ns++)
		h = (h ^ (unsigned char)*ns) * 16777619u;
	return h;
}

static void make_slot_key(unsigned char out[24], const git_oid *key, const char *ns)
{
	memcpy(out, key->id, GIT_OID_RAWSZ);
	gs_put_be32(out + GIT_OID_RAWSZ, ns_tag(ns));
}

/*
 * The length of the well-formed record header at `p` (`avail` bytes
 * there), or 0. Only the header: the checksum is checked by its reader.
 */
static size_t record_len(const unsigned char *p, size_t avail)
{
	size_t n, len;

	if (avail < REC_FIXED || get_be32(p) != REC_MAGIC)
		return 0;
	n = p[28];
	len = get_be32(p + 4);
	if (!n || n > NS_MAX || len > MAX_PAYLOAD || REC_FIXED + n + len > avail)
		return 0;
	return REC_FIXED + n + len;
}

static int record_ok(const unsigned char *p, size_t len)
{
	return len >= REC_FIXED && get_be64(p + len - 8) == checksum(p, len - 8);
}

static void record_slot_key(unsigned char out[24], const unsigned char *rec)
{
	uint32_t h = 2166136261u;
	size_t i;

	memcpy(out, rec + 8, GIT_OID_RAWSZ);
	for (i = 0; i < rec[28]; i++)
		h = (h ^ rec[29 + i]) * 16777619u;
	gs_put_be32(out + GIT_OID_RAWSZ, h);
}

static void encode_record(gs_buf *out, const char *ns, const git_oid *key, const char *data, size_t len)
{
	unsigned char h[29];
	size_t start = out->size, n = strlen(ns);

	gs_put_be32(h, REC_MAGIC);
	gs_put_be32(h + 4, (uint32_t)len);
	memcpy(h + 8, key->id, GIT_OID_RAWSZ);
	h[28] = (unsigned char)n;
	gs_buf_put(out, h, sizeof(h));
	gs_buf_put(out, ns, n);
	gs_buf_put(out, data, len);
	gs_put_be64(h, checksum((const unsigned char *)out->ptr + start, out->size - start));
	gs_buf_put(out, h, 8);
}

/* ---- the table of the tail and the pending puts ---------------------------- */

static size_t slot_hash(const unsigned char key[24])
{
	uint64_t h;

	memcpy(&h, key, sizeof(h));  /* keys are hashes: any 8 bytes are uniform */
	return (size_t)(h ^ get_be32(key + GIT_OID_RAWSZ));
}

static struct slot *tab_find(const gs_cache *c, const unsigned char key[24])
{
	size_t i;

	if (!c->tab_cap)
		return NULL;
	for (i = slot_hash(key) & (c->tab_cap - 1); c->tab[i].used; i = (i + 1) & (c->tab_cap - 1))
		if (!memcmp(c->tab[i].key, key, 24))
			return &c->tab[i];
	return NULL;
}

/* Insert or replace (a later record of a key wins). */
static void tab_set(gs_cache *c, const unsigned char key[24], uint64_t off, uint32_t len, int pending)
{
	struct slot *s;

	if ((c->tab_nr + 1) * 2 > c->tab_cap) {
		struct slot *old = c->tab;
		size_t i, old_cap = c->tab_cap;

		c->tab_cap = old_cap ? old_cap * 2 : 256;
		c->tab = gs_xcalloc(c->tab_cap, sizeof(*c->tab));
		c->tab_nr = 0;
		for (i = 0; i < old_cap; i++)
			if (old[i].used)
				tab_set(c, old[i].key, old[i].off, old[i].len, old[i].pending);
		free(old);
	}
	if (!(s = tab_find(c, key))) {
		size_t i;

		for (i = slot_hash(key) & (c->tab_cap - 1); c->tab[i].used; i = (i + 1) & (c->tab_cap - 1))
			;
		s = &c->tab[i];
		memcpy(s->key, key, 24);
		s->used = 1;
		c->tab_nr++;
	}
	s->off = off;
	s->len = len;
	s->pending = pending;
}

/* ---- reading ------------------------------------------------------------- */

/* Map DIR/NAME when it is a regular file of at least `min` bytes. */
static unsigned char *map_file(size_t *len, const gs_cache *c, const char *name, size_t min)
{
	gs_buf path = GS_BUF_INIT;
	struct stat st;
	void *p = NULL;
	int fd;

	*len = 0;
	gs_buf_printf(&path, "%s/%s", c->dir, name);
	/* O_NONBLOCK: a FIFO put in its place must not hang the open */
	fd = open(path.ptr, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) && (uint64_t)st.st_size >= min &&
	    (uint64_t)st.st_size <= SIZE_MAX) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			p = NULL;
		else
			*len = (size_t)st.st_size;
	}
	if (fd >= 0)
		close(fd);
	gs_buf_release(&path);
	return p;
}

static void unload(gs_cache *c)
{
	if (c->pack)
		munmap(c->pack, c->pack_len);
	if (c->idx)
		munmap(c->idx, c->idx_len);
	c->pack = c->idx = NULL;
	c->pack_len = c->idx_len = c->idx_nr = 0;
	free(c->tab);
	c->tab = NULL;
	c->tab_cap = c->tab_nr = 0;
	c->tail_from = 0;
	c->tail_tabled = 0;
	c->tail_gets = 0;
	c->loaded = 0;
}

/* The idx's header when it is well formed and belongs to `pack_id`: its covered offset. */
static int idx_valid(const unsigned char *idx, size_t len, uint64_t pack_id, uint64_t *covered,
		     size_t *nr)
{
	uint64_t n;

	if (!idx || len < IDX_HDR || memcmp(idx, IDX_MAGIC, 8) ||
	    get_be64(idx + 32) != checksum(idx, 32) || get_be64(idx + 8) != pack_id)
		return 0;
	n = get_be64(idx + 24);
	if (n > (len - IDX_HDR) / IDX_ENT || IDX_HDR + n * IDX_ENT != len)
		return 0;
	*covered = get_be64(idx + 16);
	*nr = (size_t)n;
	return 1;
}

/* Add the records of pack[from, len) to the table; the offset where hopping stopped. */
static uint64_t scan_tail(gs_cache *c, const unsigned char *pack, size_t len, uint64_t from,
			  size_t *records)
{
	uint64_t off = from;

	while (off < len) {
		size_t rl = record_len(pack + off, len - off);
		unsigned char key[24];

		if (!rl)
			break;
		if (c) {
			record_slot_key(key, pack + off);
			tab_set(c, key, off, (uint32_t)rl, 0);
		}
		if (records)
			(*records)++;
		off += rl;
	}
	return off;
}

static void load(gs_cache *c)
{
	uint64_t covered = PACK_HDR;
	size_t nr = 0;

	if (c->loaded)
		return;
	c->loaded = 1;
	/* the idx first: a pack replaced after it was read has another id */
	c->idx = map_file(&c->idx_len, c, "idx", IDX_HDR);
	c->pack = map_file(&c->pack_len, c, "pack", PACK_HDR);
	if (!c->pack || memcmp(c->pack, PACK_MAGIC, 8)) {
		if (c->pack)
			munmap(c->pack, c->pack_len);
		c->pack = NULL;
		c->pack_len = 0;
		return;
	}
	if (idx_valid(c->idx, c->idx_len, get_be64(c->pack + 8), &covered, &nr) &&
	    covered >= PACK_HDR && covered <= c->pack_len) {
		c->idx_nr = nr;
	} else {
		covered = PACK_HDR;  /* no usable idx: hop over the whole pack */
		c->idx_nr = 0;
	}
	c->tail_from = covered;
}

/* Put the records of the unindexed tail in the table (once, before any pending put). */
static void table_tail(gs_cache *c)
{
	load(c);
	if (c->tail_tabled)
		return;
	c->tail_tabled = 1;
	if (c->pack)
		scan_tail(c, c->pack, c->pack_len, c->tail_from, NULL);
}

/*
 * The last record of the tail with the slot key `key` (a later record of
 * a key wins), by hopping over the tail as scan_tail() does; NULL if none.
 */
static const unsigned char *tail_find(const gs_cache *c, const unsigned char key[24], size_t *rlen)
{
	const unsigned char *found = NULL;
	uint64_t off = c->tail_from;

	while (c->pack && off < c->pack_len) {
		const unsigned char *rec = c->pack + off;
		size_t rl = record_len(rec, c->pack_len - off);
		unsigned char k[24];

		if (!rl)
			break;
		if (!memcmp(rec + 8, key, GIT_OID_RAWSZ)) {
			record_slot_key(k, rec);
			if (!memcmp(k + GIT_OID_RAWSZ, key + GIT_OID_RAWSZ, 4)) {
				found = rec;
				*rlen = rl;
			}
		}
		off += rl;
	}
	return found;
}

/* The record of `key` in the idx, or NULL. */
static const unsigned char *idx_find(const gs_cache *c, const unsigned char key[24], size_t *rlen)
{
	size_t lo = 0, hi = c->idx_nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const unsigned char *e = c->idx + IDX_HDR + mid * IDX_ENT;
		int cmp = memcmp(e, key, 24);

		if (!cmp) {
			uint64_t off = get_be64(e + 24);
			uint32_t len = get_be32(e + 32);

			if (off > c->pack_len || len > c->pack_len - off)
				return NULL;
			*rlen = len;
			return c->pack + off;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The verified payload of `ns`/`key`, or NULL. */
static const unsigned char *lookup(gs_cache *c, const char *ns, const git_oid *key, size_t *plen)
{
	unsigned char k[24];
	const unsigned char *rec = NULL;
	const struct slot *s;
	size_t rlen = 0, n = strlen(ns);

	load(c);
	make_slot_key(k, key, ns);
	if (!c->tail_tabled && ++c->tail_gets > TAIL_SCANS)
		table_tail(c);
	if (!c->tail_tabled) {
		/* nothing pending yet (a put tables the tail first): the tail, then the idx */
		if (!(rec = tail_find(c, k, &rlen)) && c->idx_nr)
			rec = idx_find(c, k, &rlen);
	} else if ((s = tab_find(c, k))) {
		if (s->pending)
			rec = (const unsigned char *)c->pending.ptr + s->off;
		else if (s->off <= c->pack_len && s->len <= c->pack_len - s->off)
			rec = c->pack + s->off;
		rlen = s->len;
	} else if (c->idx_nr) {
		rec = idx_find(c, k, &rlen);
	}
	if (!rec || record_len(rec, rlen) != rlen || memcmp(rec + 8, key->id, GIT_OID_RAWSZ) ||
	    rec[28] != n || memcmp(rec + 29, ns, n) || !record_ok(rec, rlen))
		return NULL;
	*plen = get_be32(rec + 4);
	return rec + 29 + n;
}

/* Wait for the flush gs_cache_flush_start() started: 0, or the errno of its failure. */
static int settle(gs_cache *c)
{
	int err = 0;

	if (c->flushing) {
		pthread_join(c->flusher, NULL);
		c->flushing = 0;
		err = c->flush_errno;
		c->flush_errno = 0;
	}
	return err;
}

int gs_cache_get_ref(const unsigned char **out, size_t *len, gs_cache *cache, const char *ns,
		     const git_oid *key)
{
	const unsigned char *p;
	int error;

	*out = NULL;
	*len = 0;
	if (!cache)
		return GS_ENOTFOUND;
	settle(cache);
	if ((error = check_ns(ns)) < 0)
		return error;
	if (!(p = lookup(cache, ns, key, len)))
		return GS_ENOTFOUND;
	*out = p;
	return 0;
}

int gs_cache_get(gs_buf *out, gs_cache *cache, const char *ns, const git_oid *key)
{
	const unsigned char *p;
	size_t len;
	int error;

	gs_buf_clear(out);
	if ((error = gs_cache_get_ref(&p, &len, cache, ns, key)) < 0)
		return error;
	gs_buf_set(out, p, len);
	return 0;
}

/* ---- writing ------------------------------------------------------------- */

static int write_at(int fd, const void *data, size_t len, uint64_t off)
{
	const char *p = data;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int make_dirs(const char *dir)
{
	gs_buf p = GS_BUF_INIT;
	size_t i;
	int error = 0;

	gs_buf_sets(&p, dir);
	for (i = 1; i <= p.size; i++) {
		if (i < p.size && p.ptr[i] != '/')
			continue;
		p.ptr[i] = '\0';
		if (mkdir(p.ptr, 0777) < 0 && errno != EEXIST) {
			error = -1;
			break;
		}
		if (i < p.size)
			p.ptr[i] = '/';
	}
	gs_buf_release(&p);
	return error;
}

static uint64_t new_pack_id(void)
{
	struct timespec ts;
	uint64_t x;

	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
	x ^= (uint64_t)(uintptr_t)&x;
	x *= 0x9e3779b97f4a7c15ULL;
	return x ^ (x >> 31);
}

/* Write `data` to DIR/NAME.tmp and rename it to DIR/NAME (under the lock). */
static int replace_file(const gs_cache *c, const char *name, const void *data, size_t len)
{
	gs_buf tmp = GS_BUF_INIT, path = GS_BUF_INIT;
	int fd, error = -1;

	gs_buf_printf(&tmp, "%s/%s.tmp", c->dir, name);
	gs_buf_printf(&path, "%s/%s", c->dir, name);
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
	if (fd < 0)
		goto done;
	if (write_at(fd, data, len, 0) < 0 || close(fd) < 0) {
		if (fd >= 0)
			unlink(tmp.ptr);
		goto done;
	}
	if (rename(tmp.ptr, path.ptr) < 0) {
		unlink(tmp.ptr);
		goto done;
	}
	error = 0;
done:
	gs_buf_release(&tmp);
	gs_buf_release(&path);
	return error;
}

static int ient_cmp(const void *a, const void *b)
{
	const struct ient *x = a, *y = b;
	int cmp = memcmp(x->key, y->key, 24);

	if (cmp)
		return cmp;
	/* the later record of a key first, so that dropping duplicates keeps it */
	return x->off < y->off ? 1 : x->off > y->off ? -1 : 0;
}

static int ient_off_cmp(const void *a, const void *b)
{
	const struct ient *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * Every live entry of the pack `pack` (mapped, `len` bytes): the idx's
 * `idx_nr` entries (when valid) merged with the records after `covered`,
 * one per key, the latest; sorted by key.
 */
static struct ient *collect(size_t *out_nr, const unsigned char *pack, size_t len,
			    const unsigned char *idx, size_t idx_nr, uint64_t covered)
{
	struct ient *v = NULL;
	size_t nr = 0, alloc = 0, i, k;
	uint64_t off = covered;

	for (i = 0; i < idx_nr; i++) {
		const unsigned char *e = idx + IDX_HDR + i * IDX_ENT;

		GS_ALLOC_GROW(v, nr + 1, alloc);
		memcpy(v[nr].key, e, 24);
		v[nr].off = get_be64(e + 24);
		v[nr].len = get_be32(e + 32);
		if (v[nr].off <= len && v[nr].len <= len - v[nr].off)
			nr++;
	}
	while (off < len) {
		size_t rl = record_len(pack + off, len - off);

		if (!rl)
			break;
		GS_ALLOC_GROW(v, nr + 1, alloc);
		record_slot_key(v[nr].key, pack + off);
		v[nr].off = off;
		v[nr].len = (uint32_t)rl;
		nr++;
		off += rl;
	}
	GS_QSORT(v, nr, ient_cmp);
	for (i = k = 0; i < nr; i++)
		if (!k || memcmp(v[k - 1].key, v[i].key, 24))
			v[k++] = v[i];
	*out_nr = k;
	return v;
}

static void encode_idx(gs_buf *out, const struct ient *v, size_t nr, uint64_t pack_id, uint64_t covered)
{
	unsigned char h[IDX_HDR];
	size_t i;

	memcpy(h, IDX_MAGIC, 8);
	gs_put_be64(h + 8, pack_id);
	gs_put_be64(h + 16, covered);
	gs_put_be64(h + 24, nr);
	gs_put_be64(h + 32, checksum(h, 32));
	gs_buf_clear(out);
	gs_buf_grow(out, IDX_HDR + nr * IDX_ENT);
	gs_buf_put(out, h, IDX_HDR);
	for (i = 0; i < nr; i++) {
		unsigned char e[IDX_ENT];

		memcpy(e, v[i].key, 24);
		gs_put_be64(e + 24, v[i].off);
		gs_put_be32(e + 32, v[i].len);
		memset(e + 36, 0, 4);
		gs_buf_put(out, e, IDX_ENT);
	}
}

/*
 * Rewrite the pack with the newest of `v` (sorted by key) that fit in
 * KEEP_PERCENT of the bounds and check, in their order of writing; then
 * its idx. The idx is replaced first: a reader between the two renames
 * finds an idx of another pack and hops over the old pack instead.
 */
static int compact(const gs_cache *c, const unsigned char *pack, struct ient *v, size_t nr)
{
	gs_buf out = GS_BUF_INIT, idx = GS_BUF_INIT;
	uint64_t keep_bytes = c->max_bytes / 100 * KEEP_PERCENT, bytes = PACK_HDR, id = new_pack_id();
	size_t keep_files = c->max_files / 100 * KEEP_PERCENT, i, k = 0;
	unsigned char h[PACK_HDR];
	int error = -1;

	if (c->max_files < 100)
		keep_files = c->max_files * KEEP_PERCENT / 100;
	qsort(v, nr, sizeof(*v), ient_off_cmp);
	/* newest first until a bound is reached */
	for (i = nr; i-- > 0;) {
		if (k + 1 > keep_files || bytes + v[i].len > keep_bytes)
			break;
		if (record_len(pack + v[i].off, v[i].len) != v[i].len || !record_ok(pack + v[i].off, v[i].len))
			continue;
		bytes += v[i].len;
		v[nr - 1 - k++] = v[i];
	}
	memmove(v, v + nr - k, k * sizeof(*v));
	memcpy(h, PACK_MAGIC, 8);
	gs_put_be64(h + 8, id);
	gs_buf_grow(&out, (size_t)bytes);
	gs_buf_put(&out, h, PACK_HDR);
	for (i = 0; i < k; i++) {
		gs_buf_put(&out, pack + v[i].off, v[i].len);
		v[i].off = out.size - v[i].len;
	}
	GS_QSORT(v, k, ient_cmp);
	encode_idx(&idx, v, k, id, out.size);
	if (replace_file(c, "idx", idx.ptr, idx.size) < 0 || replace_file(c, "pack", out.ptr, out.size) < 0)
		goto done;
	error = 0;
done:
	gs_buf_release(&out);
	gs_buf_release(&idx);
	return error;
}

/*
 * The per-entry layout of earlier versions (DIR/<ns>/xx/<hex>): removed
 * when the pack is first made, so that it does not hold disk space for ever.
 */
static void remove_tree_at(int parent, const char *name, int depth)
{
	int fd;
	DIR *d;
	struct dirent *de;

	if (depth > 3)
		return;
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) < 0 && (errno == EISDIR || errno == EPERM))
			remove_tree_at(dirfd(d), de->d_name, depth + 1);
	}
	closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

static void remove_old_layout(const gs_cache *c)
{
	DIR *d = opendir(c->dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		remove_tree_at(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

static int take_lock(const gs_cache *c)
{
	gs_buf path = GS_BUF_INIT;
	int fd, waited = 0;

	gs_buf_printf(&path, "%s/lock", c->dir);
	fd = open(path.ptr, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
	if (fd < 0 && errno == ENOENT && make_dirs(c->dir) == 0)
		fd = open(path.ptr, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
	gs_buf_release(&path);
	if (fd < 0)
		return -1;
	/* a stopped writer must not stop us: after a while, leave the values uncached */
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		struct timespec ts = { 0, 2000000 };

		if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= LOCK_WAIT_MS) {
			close(fd);
			return -1;
		}
		nanosleep(&ts, NULL);
		waited += 2;
	}
	return fd;
}

/*
 * Open DIR/pack for appending (under the lock), making a fresh one when it
 * is missing or not a pack. Its mapping in *map (NULL when empty).
 */
static int open_pack(const gs_cache *c, unsigned char **map, size_t *len)
{
	gs_buf path = GS_BUF_INIT;
	struct stat st;
	int fd;

	*map = NULL;
	*len = 0;
	gs_buf_printf(&path, "%s/pack", c->dir);
	fd = open(path.ptr, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < PACK_HDR ||
			(uint64_t)st.st_size > SIZE_MAX ||
			(*map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED ||
			memcmp(*map, PACK_MAGIC, 8))) {
		if (*map && *map != MAP_FAILED)
			munmap(*map, (size_t)st.st_size);
		*map = NULL;
		close(fd);
		fd = -1;
	}
	if (fd >= 0) {
		*len = (size_t)st.st_size;
	} else {
		/* missing, foreign or damaged: start a new pack under a new id */
		unsigned char h[PACK_HDR];

		remove_old_layout(c);
		memcpy(h, PACK_MAGIC, 8);
		gs_put_be64(h + 8, new_pack_id());
		if (replace_file(c, "pack", h, sizeof(h)) == 0)
			fd = open(path.ptr, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0 && ((*map = mmap(NULL, PACK_HDR, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED ||
				memcmp(*map, PACK_MAGIC, 8))) {
			if (*map != MAP_FAILED)
				munmap(*map, PACK_HDR);
			*map = NULL;
			close(fd);
			fd = -1;
		}
		if (fd >= 0)
			*len = PACK_HDR;
	}
	gs_buf_release(&path);
	return fd;
}

/*
 * Append `recs` (whole records; may be empty) to the pack under the lock,
 * then bring the idx up to date when the unindexed tail is long, and
 * compact when over a bound.
 */
static int append(gs_cache *c, const gs_buf *recs)
{
	unsigned char *map = NULL, *idx = NULL;
	size_t len = 0, idx_len = 0, idx_nr = 0, tail_records = 0, nr = 0;
	uint64_t covered = PACK_HDR, end, id;
	struct ient *v = NULL;
	gs_buf out = GS_BUF_INIT;
	int lock = -1, fd = -1, error = -1;

	if ((lock = take_lock(c)) < 0 || (fd = open_pack(c, &map, &len)) < 0)
		goto done;
	id = get_be64(map + 8);
	idx = map_file(&idx_len, c, "idx", IDX_HDR);
	if (!idx_valid(idx, idx_len, id, &covered, &idx_nr) || covered < PACK_HDR || covered > len) {
		covered = PACK_HDR;
		idx_nr = 0;
	}
	/*
	 * A writer that died mid-append left a torn record, whose length runs
	 * past the end: write over it. A whole record with a bad checksum is
	 * hopped over (its reader misses), never written over: what follows
	 * it may be indexed.
	 */
	end = scan_tail(NULL, map, len, covered, &tail_records);
	if (recs->size) {
		if (write_at(fd, recs->ptr, recs->size, end) < 0)
			goto done;
		munmap(map, len);
		len = (size_t)(end + recs->size);
		if ((map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED) {
			map = NULL;
			goto done;
		}
		tail_records = 0;
		end = scan_tail(NULL, map, len, covered, &tail_records);
	}
	if (end - covered <= TAIL_MAX_BYTES && tail_records <= TAIL_MAX_RECORDS &&
	    (end - covered <= TAIL_MIN_BYTES || end - covered <= idx_len) &&
	    idx_nr + tail_records <= c->max_files && end <= c->max_bytes) {
		error = 0;
		goto done;
	}
	v = collect(&nr, map, (size_t)end, idx, idx_nr, covered);
	if (nr > c->max_files || end > c->max_bytes) {
		error = compact(c, map, v, nr);
	} else {
		encode_idx(&out, v, nr, id, end);
		error = replace_file(c, "idx", out.ptr, out.size);
	}
done:
	free(v);
	gs_buf_release(&out);
	if (map)
		munmap(map, len);
	if (idx)
		munmap(idx, idx_len);
	if (fd >= 0)
		close(fd);
	if (lock >= 0)
		close(lock);  /* releases the flock */
	return error;
}

/* Append the pending puts: 0, or -1 with errno. */
static int flush_pending(gs_cache *c)
{
	int error;

	if (!c->pending.size)
		return 0;
	error = append(c, &c->pending);
	gs_buf_clear(&c->pending);
	/* the pending slots pointed into the buffer: map again on the next get */
	unload(c);
	return error;
}

static int flush_failed(const gs_cache *c, int err)
{
	return gs_error_set(GS_ERROR, "cannot write the cache in '%s': %s", c->dir, strerror(err));
}

static int flush(gs_cache *c)
{
	int err = settle(c);

	if (!err && flush_pending(c) < 0)
		err = errno;
	return err ? flush_failed(c, err) : 0;
}

static void *flush_main(void *arg)
{
	gs_cache *c = arg;

	if (flush_pending(c) < 0)
		c->flush_errno = errno ? errno : EIO;
	/* written: given back here rather than on the calling thread at exit */
	gs_buf_release(&c->pending);
	return NULL;
}

void gs_cache_flush_start(gs_cache *cache)
{
	if (!cache || cache->flushing || !cache->pending.size)
		return;
	/* without a thread, the puts are written at the next flush as before */
	cache->flushing = !pthread_create(&cache->flusher, NULL, flush_main, cache);
}

int gs_cache_put(gs_cache *cache, const char *ns, const git_oid *key, const char *data, size_t len)
{
	unsigned char k[24];
	const unsigned char *old;
	size_t old_len, at;
	int error;

	if (!cache)
		return 0;
	if ((error = check_ns(ns)) < 0)
		return error;
	settle(cache);  /* its failure only left those values uncached */
	if (len > MAX_PAYLOAD)
		return gs_error_set(GS_ERROR, "cache value too large (%zu bytes)", len);
	/* the same value again (a warm run, another variant): nothing to write */
	if ((old = lookup(cache, ns, key, &old_len)) && old_len == len && !memcmp(old, data, len))
		return 0;
	/* the tail's records in the table first: a pending put overrides them there */
	table_tail(cache);
	/*
	 * Room for every put until the next flush, reserved once: grown by
	 * doubling, the buffer of a cold Django sync (3.6 MB) was copied at
	 * every step, each copy on fresh pages, about a tenth of the CPU
	 * time after its parse. Reserved, a page is only touched when a
	 * record is written to it.
	 */
	if (!cache->pending.asize)
		gs_buf_grow(&cache->pending, FLUSH_BYTES + PENDING_SLACK);
	at = cache->pending.size;
	encode_record(&cache->pending, ns, key, data, len);
	make_slot_key(k, key, ns);
	tab_set(cache, k, at, (uint32_t)(cache->pending.size - at), 1);
	if (cache->pending.size >= FLUSH_BYTES)
		return flush(cache);
	return 0;
}

int gs_cache_prune(gs_cache *cache, const char *ns)
{
	int error;
	gs_buf none = GS_BUF_INIT;

	if (!cache)
		return 0;
	if ((error = check_ns(ns)) < 0)
		return error;
	if ((error = flush(cache)) < 0)
		return error;
	/* an append of nothing still enforces the bounds */
	if (append(cache, &none) < 0 && errno != ENOENT) {
		gs_buf_release(&none);
		return gs_error_set(GS_ERROR, "cannot prune the cache in '%s': %s", cache->dir, strerror(errno));
	}
	unload(cache);
	gs_buf_release(&none);
	return 0;
}

void gs_cache_free(gs_cache *cache)
{
	if (!cache)
		return;
	if (flush(cache) < 0)
		gs_error_clear();  /* only a cache: the values are computed again next time */
	unload(cache);
	gs_buf_release(&cache->pending);
	free(cache->dir);
	free(cache);
}
