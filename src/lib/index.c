#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/index.h"
#include "gitspec/sha1.h"

/*
 * git's index file, read directly (Documentation/gitformat-index.txt):
 *
 *   "DIRC" | version | entry count | entries | extensions | SHA-1 trailer
 *
 * Every read from the file goes through the bounds of `end` (the start of
 * the trailer): the reader is fuzzed, and a corrupt file must give an error,
 * never a crash or a read past the mapping.
 */

#ifdef MAP_POPULATE
# define MAP_POPULATE_IF_ANY MAP_POPULATE
#else
# define MAP_POPULATE_IF_ANY 0
#endif

#define HEADER_SIZE 12
#define HASH_SIZE 20
#define ENTRY_FIXED 62          /* stat data, mode, id, flags */
#define FLAG_EXTENDED 0x4000
#define FLAG_STAGE_MASK 0x3000
#define FLAG_STAGE_SHIFT 12
#define FLAG_NAME_MASK 0x0fff
#define XFLAG_SKIP_WORKTREE 0x4000
#define XFLAG_INTENT_TO_ADD 0x2000
#define XFLAG_KNOWN (XFLAG_SKIP_WORKTREE | XFLAG_INTENT_TO_ADD)
/*
 * Longest path accepted. git has no limit, but no checkout on Linux can
 * hold a longer one, and without a bound a small crafted version-4 file
 * could make us allocate gigabytes of reconstructed paths.
 */
#define MAX_PATH_LEN 4096
/* Deeper cache-trees than this are refused: no real path has 4096 components. */
#define MAX_TREE_DEPTH 4096

typedef struct ct_node {
	const char *name;       /* one path component, not NUL-terminated */
	size_t name_len;
	long entry_count;       /* -1: invalidated */
	git_oid oid;            /* valid when entry_count >= 0 */
	size_t parent;
	size_t subtree_nr;      /* declared in the file */
	size_t child_begin;     /* into gs_index.ct_children, sorted by name */
	size_t child_nr;
} ct_node;

struct gs_index {
	char *path;
	void *map;              /* the mapping, or NULL */
	size_t map_len;
	const unsigned char *data;
	size_t len;
	unsigned int version;
	int64_t mtime_sec;
	uint32_t mtime_nsec;
	gs_index_entry *entries;
	size_t nr;
	char *names;            /* version 4: reconstructed paths */
	ct_node *ct;            /* ct[0] is the root, when ct_nr > 0 */
	size_t ct_nr, ct_alloc;
	ct_node **ct_children;  /* children of each node, grouped by parent */
	int has_conflicts;
};

static inline uint32_t be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint16_t be16(const unsigned char *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static int corrupt(const gs_index *idx, const char *what)
{
	return gs_error_set(GS_ERROR, "corrupt index '%s': %s", idx->path, what);
}

/* Paths compared as strcmp does, with explicit lengths. */
static inline int path_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/*
 * Paths as git can check them out: not empty, no leading or trailing
 * slash, no empty, "." or ".." component. Anything else would let a
 * crafted index name files outside the work tree.
 */
static int valid_path(const char *p, size_t len)
{
	size_t i = 0;

	if (!len)
		return 0;
	while (i < len) {
		size_t start = i;

		while (i < len && p[i] != '/')
			i++;
		if (i == start)
			return 0;
		if (i - start == 1 && p[start] == '.')
			return 0;
		if (i - start == 2 && p[start] == '.' && p[start + 1] == '.')
			return 0;
		if (i < len) {
			i++;
			if (i == len)
				return 0;
		}
	}
	return 1;
}

/* git's varint (varint.c): 7 bits a byte, each continuation adding one. */
static int decode_varint(uint64_t *out, const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;
	uint64_t val;
	unsigned char c;

	if (p >= end)
		return -1;
	c = *p++;
	val = c & 127;
	while (c & 128) {
		val += 1;
		if (!val || (val >> 57))
			return -1;
		if (p >= end)
			return -1;
		c = *p++;
		val = (val << 7) + (c & 127);
	}
	*out = val;
	*pp = p;
	return 0;
}

static uint32_t normalize_mode(uint32_t mode, int *ok)
{
	*ok = 1;
	switch (mode & 0170000) {
	case 0100000:
		return (mode & 0100) ? 0100755 : 0100644;
	case 0120000:
		return 0120000;
	case 0160000:
		return 0160000;
	default:
		*ok = 0;
		return mode;
	}
}

/*
 * Version 4 paths are stored as "drop N bytes from the end of the previous
 * path, then append this suffix". The first pass records each entry's
 * length and suffix; the second rebuilds the paths into one arena of the
 * exact size, so that entries can point into it.
 */
static int expand_v4_paths(gs_index *idx, const size_t *keep)
{
	size_t i, total = 0, off = 0;

	for (i = 0; i < idx->nr; i++)
		total = gs_st_add(total, idx->entries[i].path_len + 1);
	idx->names = gs_xmalloc(total ? total : 1);
	for (i = 0; i < idx->nr; i++) {
		gs_index_entry *e = &idx->entries[i];
		char *full = idx->names + off;

		if (keep[i])
			memcpy(full, idx->entries[i - 1].path, keep[i]);
		memcpy(full + keep[i], e->path, e->path_len - keep[i]);
		full[e->path_len] = '\0';
		e->path = full;
		off += e->path_len + 1;
	}
	return 0;
}

static int parse_entries(gs_index *idx, const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;
	size_t *keep = NULL, i;
	int error = 0;

	if (idx->version == 4)
		keep = gs_xcalloc(idx->nr ? idx->nr : 1, sizeof(*keep));

	for (i = 0; i < idx->nr; i++) {
		gs_index_entry *e = &idx->entries[i];
		const unsigned char *name;
		uint16_t flags, xflags = 0;
		size_t fixed = ENTRY_FIXED, len;
		uint32_t raw_mode;
		int ok;

		if ((size_t)(end - p) < ENTRY_FIXED) {
			error = corrupt(idx, "truncated entry");
			goto done;
		}
		e->ctime_sec = be32(p);
		e->ctime_nsec = be32(p + 4);
		e->mtime_sec = be32(p + 8);
		e->mtime_nsec = be32(p + 12);
		e->dev = be32(p + 16);
		e->ino = be32(p + 20);
		raw_mode = be32(p + 24);
		e->uid = be32(p + 28);
		e->gid = be32(p + 32);
		e->size = be32(p + 36);
		git_oid_fromraw(&e->oid, p + 40);
		flags = be16(p + 60);
		e->stage = (flags & FLAG_STAGE_MASK) >> FLAG_STAGE_SHIFT;
		if (e->stage)
			idx->has_conflicts = 1;

		if (flags & FLAG_EXTENDED) {
			if (idx->version < 3) {
				error = corrupt(idx, "extended flags in a version 2 index");
				goto done;
			}
			if ((size_t)(end - p) < ENTRY_FIXED + 2) {
				error = corrupt(idx, "truncated entry");
				goto done;
			}
			xflags = be16(p + 62);
			if (xflags & ~XFLAG_KNOWN) {
				error = corrupt(idx, "unknown entry flags");
				goto done;
			}
			fixed += 2;
		}
		e->skip_worktree = !!(xflags & XFLAG_SKIP_WORKTREE);
		e->intent_to_add = !!(xflags & XFLAG_INTENT_TO_ADD);

		if ((raw_mode & 0170000) == 0040000) {
			error = gs_error_set(GS_ERROR, "cannot read index '%s': sparse index is not supported; "
					     "run 'git sparse-checkout init --no-sparse-index' "
					     "(or 'git config index.sparse false')", idx->path);
			goto done;
		}
		e->mode = normalize_mode(raw_mode, &ok);
		if (!ok) {
			error = corrupt(idx, "bad entry mode");
			goto done;
		}

		name = p + fixed;
		len = flags & FLAG_NAME_MASK;
		if (idx->version == 4) {
			uint64_t strip;
			size_t prev_len = i ? idx->entries[i - 1].path_len : 0, suffix_len;
			const unsigned char *nul;

			if (decode_varint(&strip, &name, end) < 0 || strip > prev_len) {
				error = corrupt(idx, "bad path compression");
				goto done;
			}
			keep[i] = prev_len - (size_t)strip;
			nul = memchr(name, 0, (size_t)(end - name));
			if (!nul) {
				error = corrupt(idx, "unterminated path");
				goto done;
			}
			suffix_len = (size_t)(nul - name);
			if (len != FLAG_NAME_MASK && len != keep[i] + suffix_len) {
				error = corrupt(idx, "path length mismatch");
				goto done;
			}
			len = keep[i] + suffix_len;
			p = nul + 1;
		} else {
			size_t avail = (size_t)(end - name), entry_size;

			if (len == FLAG_NAME_MASK) {
				const unsigned char *nul = memchr(name, 0, avail);

				if (!nul) {
					error = corrupt(idx, "unterminated path");
					goto done;
				}
				len = (size_t)(nul - name);
			} else if (len >= avail || memchr(name, 0, len) || name[len]) {
				error = corrupt(idx, "bad path length");
				goto done;
			}
			/* 1-8 NUL bytes pad each entry to a multiple of 8 */
			entry_size = (fixed + len + 8) & ~(size_t)7;
			if (entry_size > (size_t)(end - p)) {
				error = corrupt(idx, "truncated entry");
				goto done;
			}
			p += entry_size;
		}
		if (len > MAX_PATH_LEN) {
			error = corrupt(idx, "path too long");
			goto done;
		}
		e->path = (const char *)name;
		e->path_len = len;
	}

	if (keep)
		expand_v4_paths(idx, keep);
	*pp = p;
done:
	free(keep);
	return error;
}

/*
 * Checked once the extensions are known, so that a split index (whose
 * entries may have empty names) is reported as such, not as corrupt.
 */
static int validate_entries(gs_index *idx)
{
	size_t i;
	int error = 0;

	for (i = 0; i < idx->nr; i++) {
		const gs_index_entry *e = &idx->entries[i], *prev = i ? e - 1 : NULL;

		if (!valid_path(e->path, e->path_len)) {
			error = corrupt(idx, "invalid path");
			goto done;
		}
		if (prev) {
			int c = path_cmp(prev->path, prev->path_len, e->path, e->path_len);

			if (c > 0 || (c == 0 && prev->stage >= e->stage)) {
				error = corrupt(idx, "entries out of order");
				goto done;
			}
		}
	}
done:
	return error;
}

static int ct_name_cmp(const ct_node *a, const ct_node *b)
{
	return path_cmp(a->name, a->name_len, b->name, b->name_len);
}

static int ct_child_cmp(const void *a, const void *b)
{
	return ct_name_cmp(*(const ct_node *const *)a, *(const ct_node *const *)b);
}

/*
 * The TREE extension: the cache-tree, written depth-first from the root,
 * each node as
 *   NAME NUL ENTRY_COUNT SP SUBTREE_COUNT LF [20-byte id unless count is -1]
 * Children are written in git's own order (by length, then bytes); they are
 * re-sorted by name here so that lookups can bisect.
 */
static int parse_number(long *out, const unsigned char **pp, const unsigned char *end,
			unsigned char term, int allow_negative)
{
	const unsigned char *p = *pp;
	int neg = 0, digits = 0;
	long v = 0;

	if (p < end && *p == '-' && allow_negative) {
		neg = 1;
		p++;
	}
	while (p < end && *p >= '0' && *p <= '9') {
		if (v > 100000000L)
			return -1;
		v = v * 10 + (*p - '0');
		p++;
		digits++;
	}
	if (!digits || p >= end || *p != term)
		return -1;
	*out = neg ? -v : v;
	*pp = p + 1;
	return 0;
}

static int parse_tree_ext(gs_index *idx, const unsigned char *p, const unsigned char *end)
{
	size_t *stack = NULL, depth = 0, stack_alloc = 0, i, pos = 0, *fill = NULL;
	int error = 0;

	do {
		const unsigned char *nul = memchr(p, 0, (size_t)(end - p));
		ct_node *n;
		long count, sub;

		if (!nul)
			goto bad;
		GS_ALLOC_GROW(idx->ct, idx->ct_nr + 1, idx->ct_alloc);
		n = &idx->ct[idx->ct_nr];
		memset(n, 0, sizeof(*n));
		n->name = (const char *)p;
		n->name_len = (size_t)(nul - p);
		p = nul + 1;
		if (parse_number(&count, &p, end, ' ', 1) < 0 || count < -1 ||
		    parse_number(&sub, &p, end, '\n', 0) < 0)
			goto bad;
		n->entry_count = count;
		n->subtree_nr = (size_t)sub;
		if (count >= 0) {
			if ((size_t)(end - p) < HASH_SIZE)
				goto bad;
			git_oid_fromraw(&n->oid, p);
			p += HASH_SIZE;
		}
		if (!depth) {
			if (idx->ct_nr || n->name_len)
				goto bad;
		} else {
			ct_node *parent = &idx->ct[stack[depth - 1]];

			if (!n->name_len || memchr(n->name, '/', n->name_len))
				goto bad;
			n->parent = stack[depth - 1];
			/* the parent is complete once its last declared child has started */
			if (++parent->child_nr == parent->subtree_nr)
				depth--;
		}
		if (n->subtree_nr) {
			if (depth >= MAX_TREE_DEPTH)
				goto bad;
			GS_ALLOC_GROW(stack, depth + 1, stack_alloc);
			stack[depth++] = idx->ct_nr;
		}
		idx->ct_nr++;
	} while (depth);
	if (p != end)
		goto bad;

	/* group the children by parent, then sort each group by name to bisect */
	idx->ct_children = gs_xcalloc(idx->ct_nr, sizeof(*idx->ct_children));
	fill = gs_xcalloc(idx->ct_nr, sizeof(size_t));
	for (i = 0; i < idx->ct_nr; i++) {
		idx->ct[i].child_begin = pos;
		pos += idx->ct[i].child_nr;
	}
	for (i = 1; i < idx->ct_nr; i++) {
		size_t parent = idx->ct[i].parent;

		idx->ct_children[idx->ct[parent].child_begin + fill[parent]++] = &idx->ct[i];
	}
	for (i = 0; i < idx->ct_nr; i++) {
		ct_node *n = &idx->ct[i];
		size_t k;

		if (n->child_nr > 1)
			GS_QSORT(idx->ct_children + n->child_begin, n->child_nr, ct_child_cmp);
		for (k = 1; k < n->child_nr; k++) {
			if (!ct_name_cmp(idx->ct_children[n->child_begin + k - 1],
					 idx->ct_children[n->child_begin + k]))
				goto bad;
		}
	}
	goto done;
bad:
	error = corrupt(idx, "bad cache-tree extension");
done:
	free(stack);
	free(fill);
	return error;
}

static int parse_extensions(gs_index *idx, const unsigned char *p, const unsigned char *end)
{
	int error = 0;

	while (p < end) {
		uint32_t size;
		const unsigned char *sig = p;

		if ((size_t)(end - p) < 8) {
			error = corrupt(idx, "truncated extension header");
			goto done;
		}
		size = be32(p + 4);
		p += 8;
		if (size > (size_t)(end - p)) {
			error = corrupt(idx, "truncated extension");
			goto done;
		}
		if (!memcmp(sig, "TREE", 4)) {
			if (idx->ct_nr) {
				error = corrupt(idx, "two cache-tree extensions");
				goto done;
			}
			if ((error = parse_tree_ext(idx, p, p + size)) < 0)
				goto done;
		} else if (!memcmp(sig, "link", 4)) {
			error = gs_error_set(GS_ERROR, "cannot read index '%s': split index is not supported; "
					     "run 'git update-index --no-split-index' "
					     "(and 'git config core.splitIndex false')", idx->path);
			goto done;
		} else if (!memcmp(sig, "sdir", 4)) {
			error = gs_error_set(GS_ERROR, "cannot read index '%s': sparse index is not supported; "
					     "run 'git sparse-checkout init --no-sparse-index' "
					     "(or 'git config index.sparse false')", idx->path);
			goto done;
		} else if (sig[0] < 'A' || sig[0] > 'Z') {
			/* a lowercase first letter marks an extension that readers must understand */
			error = gs_error_set(GS_ERROR, "cannot read index '%s': unsupported mandatory extension '%.4s'",
					     idx->path, (const char *)sig);
			if (sig[0] < 0x20 || sig[0] > 0x7e || sig[1] < 0x20 || sig[1] > 0x7e ||
			    sig[2] < 0x20 || sig[2] > 0x7e || sig[3] < 0x20 || sig[3] > 0x7e)
				error = corrupt(idx, "bad extension signature");
			goto done;
		}
		/* REUC, UNTR, FSMN, EOIE, IEOT, ...: optional, not needed here */
		p += size;
	}
done:
	return error;
}

/*
 * Hashing is half the cost of opening a large index; it runs on a second
 * thread while this one parses, when the file is large enough to repay
 * starting a thread (about 13,000 entries).
 */
#define PARALLEL_HASH_MIN (1u << 20)

typedef struct hash_job {
	const unsigned char *data;
	size_t len;
	unsigned char sum[HASH_SIZE];
} hash_job;

static void *hash_thread(void *arg)
{
	hash_job *job = arg;

	gs_sha1(job->sum, job->data, job->len);
	return NULL;
}

static int parse(gs_index *idx)
{
	const unsigned char *p = idx->data, *end = NULL;
	static const unsigned char zero[HASH_SIZE];
	hash_job job;
	pthread_t thread;
	int threaded = 0, error = 0;
	uint32_t count;

	if (idx->len < HEADER_SIZE + HASH_SIZE) {
		error = corrupt(idx, "file too short");
		goto done;
	}
	if (memcmp(p, "DIRC", 4)) {
		error = corrupt(idx, "bad signature");
		goto done;
	}
	idx->version = be32(p + 4);
	if (idx->version < 2 || idx->version > 4) {
		error = gs_error_set(GS_ERROR, "corrupt index '%s': unsupported version %u",
				     idx->path, idx->version);
		goto done;
	}
	end = idx->data + idx->len - HASH_SIZE;
	/* an all-zero trailer: written with index.skipHash, nothing to verify */
	if (memcmp(end, zero, HASH_SIZE)) {
		job.data = idx->data;
		job.len = idx->len - HASH_SIZE;
		(void)gs_sha1_hw();  /* decide before a second thread asks */
		if (job.len >= PARALLEL_HASH_MIN && !pthread_create(&thread, NULL, hash_thread, &job)) {
			threaded = 1;
		} else {
			hash_thread(&job);
			if (memcmp(job.sum, end, HASH_SIZE)) {
				error = corrupt(idx, "bad checksum");
				goto done;
			}
		}
	}
	count = be32(p + 8);
	p += HEADER_SIZE;
	/* every entry takes at least 62 bytes: refuse absurd counts before allocating */
	if (count > (size_t)(end - p) / ENTRY_FIXED) {
		error = corrupt(idx, "entry count larger than the file");
		goto done;
	}
	idx->nr = count;
	idx->entries = gs_xcalloc(count ? count : 1, sizeof(*idx->entries));
	if ((error = parse_entries(idx, &p, end)) < 0 ||
	    (error = parse_extensions(idx, p, end)) < 0)
		goto done;
	error = validate_entries(idx);
done:
	if (threaded) {
		pthread_join(thread, NULL);
		/* a damaged file is reported as such, whatever the parser tripped on */
		if (memcmp(job.sum, end, HASH_SIZE))
			error = corrupt(idx, "bad checksum");
	}
	return error;
}

static gs_index *index_new(const char *name)
{
	gs_index *idx = gs_xcalloc(1, sizeof(*idx));

	idx->path = gs_xstrdup(name);
	return idx;
}

void gs_index_free(gs_index *idx)
{
	if (!idx)
		return;
	if (idx->map)
		munmap(idx->map, idx->map_len);
	free(idx->entries);
	free(idx->names);
	free(idx->ct);
	free(idx->ct_children);
	free(idx->path);
	free(idx);
}

int gs_index_parse(gs_index **out, const void *data, size_t len, const char *name)
{
	gs_index *idx = index_new(name);
	int error;

	idx->data = data;
	idx->len = len;
	if ((error = parse(idx)) < 0) {
		gs_index_free(idx);
		idx = NULL;
	}
	*out = idx;
	return error;
}

int gs_index_open(gs_index **out, const char *path)
{
	gs_index *idx = index_new(path);
	struct stat st;
	int fd = -1, error = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			goto done;  /* no index yet: nothing staged */
		error = gs_error_set(GS_ERROR, "cannot open index '%s': %s", path, strerror(errno));
		goto done;
	}
	if (fstat(fd, &st) < 0) {
		error = gs_error_set(GS_ERROR, "cannot stat index '%s': %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		error = gs_error_set(GS_ERROR, "cannot read index '%s': not a regular file", path);
		goto done;
	}
	idx->mtime_sec = st.st_mtim.tv_sec;
	idx->mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	if ((uint64_t)st.st_size > SIZE_MAX / 2) {
		error = corrupt(idx, "file too large");
		goto done;
	}
	if (st.st_size > 0) {
		/*
		 * Every byte is read (the checksum covers the whole file): map
		 * it all at once rather than fault it in page by page, which
		 * costs more than the hashing on some virtual machines.
		 */
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE_IF_ANY, fd, 0);

		if (map == MAP_FAILED) {
			error = gs_error_set(GS_ERROR, "cannot map index '%s': %s", path, strerror(errno));
			goto done;
		}
		idx->map = map;
		idx->map_len = (size_t)st.st_size;
		idx->data = map;
		idx->len = idx->map_len;
	}
	error = parse(idx);
done:
	if (fd >= 0)
		close(fd);
	if (error < 0) {
		gs_index_free(idx);
		idx = NULL;
	}
	*out = idx;
	return error;
}

unsigned int gs_index_version(const gs_index *idx)
{
	return idx->version;
}

const char *gs_index_path(const gs_index *idx)
{
	return idx->path;
}

void gs_index_mtime(const gs_index *idx, int64_t *sec, uint32_t *nsec)
{
	*sec = idx->mtime_sec;
	*nsec = idx->mtime_nsec;
}

size_t gs_index_entrycount(const gs_index *idx)
{
	return idx->nr;
}

const gs_index_entry *gs_index_get(const gs_index *idx, size_t n)
{
	return n < idx->nr ? &idx->entries[n] : NULL;
}

int gs_index_has_conflicts(const gs_index *idx)
{
	return idx->has_conflicts;
}

/* First entry whose path is not less than `path` (any stage). */
static size_t lower_bound(const gs_index *idx, const char *path, size_t len)
{
	size_t lo = 0, hi = idx->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const gs_index_entry *e = &idx->entries[mid];

		if (path_cmp(e->path, e->path_len, path, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long gs_index_find_pos(const gs_index *idx, const char *path)
{
	size_t len = strlen(path), pos = lower_bound(idx, path, len);

	if (pos < idx->nr && idx->entries[pos].path_len == len &&
	    !memcmp(idx->entries[pos].path, path, len))
		return (long)pos;
	return -1;
}

const gs_index_entry *gs_index_find(const gs_index *idx, const char *path)
{
	long pos = gs_index_find_pos(idx, path);

	if (pos < 0 || idx->entries[pos].stage != 0)
		return NULL;
	return &idx->entries[pos];
}

/* First entry at or after `from` that does not start with `prefix`. */
static size_t prefix_end(const gs_index *idx, size_t from, const char *prefix, size_t len)
{
	size_t lo = from, hi = idx->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const gs_index_entry *e = &idx->entries[mid];

		if (e->path_len >= len && !memcmp(e->path, prefix, len))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void gs_index_prefix_range(const gs_index *idx, const char *prefix,
			   size_t *begin, size_t *end)
{
	size_t len = strlen(prefix);

	*begin = lower_bound(idx, prefix, len);
	*end = prefix_end(idx, *begin, prefix, len);
}

static const ct_node *ct_child(const gs_index *idx, const ct_node *n, const char *name, size_t len)
{
	size_t lo = 0, hi;

	if (!n)
		return NULL;
	hi = n->child_nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const ct_node *c = idx->ct_children[n->child_begin + mid];
		int cmp = path_cmp(c->name, c->name_len, name, len);

		if (!cmp)
			return c;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int gs_index_cache_tree_oid(git_oid *oid, const gs_index *idx, const char *dir)
{
	const ct_node *n = idx->ct_nr ? &idx->ct[0] : NULL;

	while (n && *dir) {
		const char *slash = strchr(dir, '/');
		size_t len = slash ? (size_t)(slash - dir) : strlen(dir);

		n = ct_child(idx, n, dir, len);
		dir += len;
		if (*dir == '/')
			dir++;
	}
	if (!n || n->entry_count < 0)
		return 0;
	git_oid_cpy(oid, &n->oid);
	return 1;
}

/*
 * The comparison of HEAD's tree with the index, as git's diff-index
 * --cached does it (unpack_trees with the cache-tree shortcut): walk each
 * tree in parallel with the index entries under the same directory, in
 * tree order, which is the order of the index for the entries of one
 * directory once a subdirectory is compared as "name/". Where the
 * cache-tree says a directory of the index is exactly HEAD's subtree, skip
 * its entries without reading them or loading any tree object.
 */
typedef struct diff_walk {
	const gs_index *idx;
	git_repository *repo;
	gs_strvec *out;
	gs_buf path;
	size_t pos;
} diff_walk;

static int add_path(diff_walk *w, const char *name, size_t len)
{
	size_t base = w->path.size;

	gs_buf_put(&w->path, name, len);
	gs_strvec_push(w->out, w->path.ptr);
	gs_buf_setlen(&w->path, base);
	return 0;
}

/* Every blob below `tree` (at w->path) is gone from the index. */
static int add_tree_paths(diff_walk *w, const git_oid *oid)
{
	git_tree *tree = NULL;
	size_t i, n, base = w->path.size;
	int error = 0;

	/* bounds the recursion on a hostile tree nested thousands deep */
	if (w->path.size > MAX_PATH_LEN) {
		error = gs_error_set(GS_ERROR, "cannot read HEAD's tree: path too long below '%.64s'", w->path.ptr);
		goto done;
	}
	if (git_tree_lookup(&tree, w->repo, oid) < 0) {
		error = gs_error_set_git("cannot read HEAD's tree");
		goto done;
	}
	n = git_tree_entrycount(tree);
	for (i = 0; i < n; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(te);

		if (git_tree_entry_type(te) == GIT_OBJECT_TREE) {
			gs_buf_puts(&w->path, name);
			gs_buf_putc(&w->path, '/');
			error = add_tree_paths(w, git_tree_entry_id(te));
			gs_buf_setlen(&w->path, base);
			if (error < 0)
				goto done;
		} else {
			add_path(w, name, strlen(name));
		}
	}
done:
	git_tree_free(tree);
	return error;
}

static inline int entry_in_dir(const gs_index_entry *e, const gs_buf *dir)
{
	return e->path_len > dir->size && !memcmp(e->path, dir->ptr, dir->size);
}

/* Whether the `count` entries from `pos` are exactly those below the directory `dir`. */
static int range_is_dir(const gs_index *idx, size_t pos, long count, const gs_buf *dir)
{
	if (count <= 0 || (size_t)count > idx->nr - pos)
		return 0;
	if (!entry_in_dir(&idx->entries[pos + (size_t)count - 1], dir))
		return 0;
	return pos + (size_t)count == idx->nr || !entry_in_dir(&idx->entries[pos + (size_t)count], dir);
}

static int diff_dir(diff_walk *w, const git_tree *tree, const ct_node *ct)
{
	const gs_index *idx = w->idx;
	size_t ti = 0, tn = tree ? git_tree_entrycount(tree) : 0, base = w->path.size;
	git_tree *sub = NULL;
	int error = 0;

	for (;;) {
		const git_tree_entry *te = ti < tn ? git_tree_entry_byindex(tree, ti) : NULL;
		const gs_index_entry *ie = NULL;
		const char *tname = NULL, *iname = NULL, *slash = NULL;
		size_t tlen = 0, ilen = 0, common;
		int tdir = 0, idir = 0, cmp;

		if (w->pos < idx->nr && entry_in_dir(&idx->entries[w->pos], &w->path)) {
			ie = &idx->entries[w->pos];
			if (ie->intent_to_add) {
				/* not part of the next commit: invisible, as in git */
				w->pos++;
				continue;
			}
			iname = ie->path + base;
			ilen = ie->path_len - base;
			slash = memchr(iname, '/', ilen);
			if (slash) {
				ilen = (size_t)(slash - iname);
				idir = 1;
			}
		}
		if (te) {
			tname = git_tree_entry_name(te);
			tlen = strlen(tname);
			tdir = git_tree_entry_type(te) == GIT_OBJECT_TREE;
		}
		if (!te && !ie)
			break;

		if (!te) {
			cmp = 1;
		} else if (!ie) {
			cmp = -1;
		} else {
			/* git's base_name_compare: a directory sorts as "name/" */
			common = tlen < ilen ? tlen : ilen;
			cmp = memcmp(tname, iname, common);
			if (!cmp) {
				unsigned char tc = tlen > common ? (unsigned char)tname[common] : (tdir ? '/' : 0);
				unsigned char ic = ilen > common ? (unsigned char)iname[common] : (idir ? '/' : 0);

				cmp = tc < ic ? -1 : tc > ic;
			}
		}

		if (cmp < 0) {
			/* in HEAD only: deleted */
			if (tdir) {
				gs_buf_put(&w->path, tname, tlen);
				gs_buf_putc(&w->path, '/');
				error = add_tree_paths(w, git_tree_entry_id(te));
				gs_buf_setlen(&w->path, base);
				if (error < 0)
					goto done;
			} else {
				add_path(w, tname, tlen);
			}
			ti++;
		} else if (cmp > 0) {
			/* in the index only: added (a whole directory of them, maybe) */
			if (idir) {
				gs_buf_put(&w->path, iname, ilen + 1);
				while (w->pos < idx->nr && entry_in_dir(&idx->entries[w->pos], &w->path)) {
					if (!idx->entries[w->pos].intent_to_add)
						gs_strvec_push(w->out, idx->entries[w->pos].path);
					w->pos++;
				}
				gs_buf_setlen(&w->path, base);
			} else {
				gs_strvec_push(w->out, ie->path);
				w->pos++;
			}
		} else if (tdir) {
			const ct_node *cct = ct_child(idx, ct, iname, ilen);

			gs_buf_put(&w->path, iname, ilen + 1);
			if (cct && cct->entry_count >= 0 && git_oid_equal(&cct->oid, git_tree_entry_id(te)) &&
			    range_is_dir(idx, w->pos, cct->entry_count, &w->path)) {
				w->pos += (size_t)cct->entry_count;
			} else {
				if (git_tree_lookup(&sub, w->repo, git_tree_entry_id(te)) < 0) {
					error = gs_error_set_git("cannot read HEAD's tree");
					goto done;
				}
				error = diff_dir(w, sub, cct);
				git_tree_free(sub);
				sub = NULL;
				if (error < 0)
					goto done;
			}
			gs_buf_setlen(&w->path, base);
			ti++;
		} else {
			/* the same file name on both sides */
			if (ie->stage) {
				gs_strvec_push(w->out, ie->path);
				while (w->pos < idx->nr && idx->entries[w->pos].path_len == ie->path_len &&
				       !memcmp(idx->entries[w->pos].path, ie->path, ie->path_len))
					w->pos++;
			} else {
				if (ie->mode != (uint32_t)git_tree_entry_filemode(te) ||
				    !git_oid_equal(&ie->oid, git_tree_entry_id(te)))
					gs_strvec_push(w->out, ie->path);
				w->pos++;
			}
			ti++;
		}
	}
done:
	git_tree_free(sub);
	return error;
}

int gs_index_changed_paths(gs_strvec *out, const gs_index *idx,
			   git_repository *repo, const git_tree *head)
{
	diff_walk w = { idx, repo, out, GS_BUF_INIT, 0 };
	const ct_node *root = idx->ct_nr ? &idx->ct[0] : NULL;
	int error = 0;

	if (head && root && root->entry_count >= 0 && (size_t)root->entry_count == idx->nr &&
	    git_oid_equal(&root->oid, git_tree_id(head)))
		goto done;  /* the index is HEAD's tree */
	error = diff_dir(&w, head, root);
	if (error < 0)
		goto done;
	/* conflicted entries sharing a path with stage-0 ones, D/F swaps: one name each */
	gs_strvec_sort_uniq(out);
done:
	gs_buf_release(&w.path);
	return error;
}
