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
#include "gitspec/repo.h"
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
#define MODE_DIR 0040000        /* a sparse directory entry */
/*
 * Longest path accepted. git has no limit, but no checkout on Linux can
 * hold a longer one, and without a bound a small crafted version-4 file
 * could make us allocate gigabytes of reconstructed paths.
 */
#define MAX_PATH_LEN 4096
/* Deeper cache-trees than this are refused: no real path has 4096 components. */
#define MAX_TREE_DEPTH 4096

/*
 * A cache-tree node, 32 bytes (60,000 of them at 1,000,000 files): its
 * name and id stay in the file, named by their offsets.
 */
typedef struct ct_node {
	uint32_t name;          /* one path component, not NUL-terminated */
	uint32_t name_len;
	int32_t entry_count;    /* -1: invalidated */
	uint32_t oid;           /* the 20-byte id, when entry_count >= 0 */
	uint32_t parent;
	uint32_t subtree_nr;    /* declared in the file */
	uint32_t child_begin;   /* into gs_index.ct_children, in git's order */
	uint32_t child_nr;
} ct_node;

typedef struct lazy_state {
	const char *error;      /* the first problem of an entry read, or NULL */
} lazy_state;

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
	size_t entries_mapped;  /* entries come from big_alloc() with this length, or 0 */
	size_t nr;
	int want_lazy;
	/*
	 * A lazily read index (gs_index_open_repo_lazy) keeps, for every
	 * entry, only where the boundary scan found it in the file (its
	 * path's length and its stage are in its flags there); entries[i] is
	 * decoded and checked when first read (when its path is NULL).
	 */
	uint32_t *slim;
	size_t slim_mapped;     /* as entries_mapped */
	lazy_state *lazy;
	char *names;            /* version 4: reconstructed paths */
	ct_node *ct;            /* ct[0] is the root, when ct_nr > 0 */
	size_t ct_nr, ct_alloc;
	uint32_t *ct_children;  /* children of each node (positions in ct), grouped by parent */
	int has_conflicts;
	int sparse;             /* has sparse directory entries */
	char *settled_names;    /* paths of the entries settle_sparse() read from trees */
	/*
	 * Split index: the "link" extension names a shared index (the base)
	 * whose entries this file's entries replace, delete or add to. After
	 * the merge `entries` is the whole index; paths point into both files.
	 */
	int has_link;
	unsigned char base_oid[HASH_SIZE];
	const unsigned char *del_words, *rep_words;  /* EWAH bitmaps, or NULL */
	size_t del_nr, rep_nr;                       /* in 64-bit words */
	gs_index *base;
};

/*
 * Zeroed memory for the entry arrays, faulted in by the kernel in one go:
 * touching a fresh 5 MB array page by page costs more in page faults (on
 * this virtual machine) than filling it. Small arrays come from calloc.
 */
#define BIG_ALLOC_MIN (256u << 10)

static void *big_alloc(size_t nmemb, size_t size, size_t *mapped)
{
	size_t len = gs_st_mult(nmemb ? nmemb : 1, size);
	void *p;

	*mapped = 0;
	if (len >= BIG_ALLOC_MIN) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE_IF_ANY,
			 -1, 0);
		if (p != MAP_FAILED) {
			*mapped = len;
			return p;
		}
	}
	return gs_xcalloc(nmemb ? nmemb : 1, size);
}

static void big_free(void *p, size_t mapped)
{
	if (mapped)
		munmap(p, mapped);
	else
		free(p);
}

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
	const char *end = p + len;

	if (!len)
		return 0;
	/* component by component, the slashes found by memchr (this runs on every entry read) */
	for (;;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t n = (size_t)((slash ? slash : end) - p);

		if (!n || (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.'))))
			return 0;
		if (!slash)
			return 1;
		p = slash + 1;
		if (p == end)
			return 0;
	}
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

/*
 * The extended flags of the entry at p (left bytes to the end of the
 * entries), for both readers: the corruption checks in one place.
 */
static inline int extended_flags(const gs_index *idx, const unsigned char *p, size_t left,
				 uint16_t *xflags, size_t *fixed)
{
	if (idx->version < 3)
		return corrupt(idx, "extended flags in a version 2 index");
	if (left < ENTRY_FIXED + 2)
		return corrupt(idx, "truncated entry");
	*xflags = be16(p + 62);
	if (*xflags & ~XFLAG_KNOWN)
		return corrupt(idx, "unknown entry flags");
	*fixed += 2;
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
		e->stat = p;
		raw_mode = be32(p + 24);
		memcpy(e->oid.id, p + 40, HASH_SIZE);
		flags = be16(p + 60);
		e->stage = (unsigned char)((flags & FLAG_STAGE_MASK) >> FLAG_STAGE_SHIFT);

		if ((flags & FLAG_EXTENDED) &&
		    (error = extended_flags(idx, p, (size_t)(end - p), &xflags, &fixed)) < 0)
			goto done;
		e->skip_worktree = !!(xflags & XFLAG_SKIP_WORKTREE);
		e->intent_to_add = !!(xflags & XFLAG_INTENT_TO_ADD);

		if ((raw_mode & 0170000) == MODE_DIR) {
			/* a sparse directory: the tree `oid` stands for everything below it */
			ok = e->skip_worktree && !e->stage;
			e->mode = MODE_DIR;
			idx->sparse = 1;
		} else {
			e->mode = normalize_mode(raw_mode, &ok);
		}
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
/* What is wrong with entry `e` after the one at `prev` (NULL: the first), or NULL. */
static const char *entry_problem(const gs_index_entry *e, const char *prev, size_t prev_len,
				 unsigned char prev_stage)
{
	int dir = e->mode == MODE_DIR;

	/* a sparse directory's name ends with a slash, a file's never does */
	if (dir != (e->path_len && e->path[e->path_len - 1] == '/') ||
	    !valid_path(e->path, e->path_len - (size_t)dir))
		return "invalid path";
	if (prev) {
		int c = path_cmp(prev, prev_len, e->path, e->path_len);

		if (c > 0 || (c == 0 && prev_stage >= e->stage))
			return "entries out of order";
	}
	return NULL;
}

static int validate_entries(gs_index *idx)
{
	size_t i;
	int error = 0;

	idx->has_conflicts = 0;
	for (i = 0; i < idx->nr; i++) {
		const gs_index_entry *e = &idx->entries[i], *prev = i ? e - 1 : NULL;
		const char *what = entry_problem(e, prev ? prev->path : NULL, prev ? prev->path_len : 0,
						 prev ? prev->stage : 0);

		if (what) {
			error = corrupt(idx, what);
			goto done;
		}
		if (e->stage)
			idx->has_conflicts = 1;
	}
done:
	return error;
}

/*
 * The boundary scan of a lazy index (versions 2 and 3): every entry's
 * length, bounds, flags and mode are checked as parse_entries() checks
 * them, but only its offset in the file is kept (4 bytes an entry: every
 * fresh page of memory costs a page fault, 1,000,000 entries 4 MB); the rest of the
 * entry (its id, its path's validity and order) waits until it is read
 * (load_entry()). The checksum of the whole file is verified as for a
 * full parse, before the index is returned.
 */
static int scan_entries(gs_index *idx, const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;
	uint32_t *s;
	size_t i, nr = idx->nr;
	int error = 0, conflicts = 0, sparse = 0;

	/* every byte written: faulted in at once, as the full reader's entries */
	idx->slim = big_alloc(nr, sizeof(*idx->slim), &idx->slim_mapped);
	idx->lazy = gs_xcalloc(1, sizeof(*idx->lazy));
	/* zeroed pages that only the entries read ever touch */
	idx->entries = gs_xcalloc(nr ? nr : 1, sizeof(*idx->entries));
	/* (locals, not idx's fields, in the loop: the stores to `s` cannot alias them) */
	for (i = 0, s = idx->slim; i < nr; i++, s++) {
		const unsigned char *name;
		size_t fixed = ENTRY_FIXED, len, left = (size_t)(end - p), entry_size;
		uint16_t flags, xflags = 0;
		uint32_t raw_mode;
		int ok = 1;

		if (left < ENTRY_FIXED) {
			error = corrupt(idx, "truncated entry");
			goto done;
		}
		flags = be16(p + 60);
		if ((flags & FLAG_EXTENDED) &&
		    (error = extended_flags(idx, p, left, &xflags, &fixed)) < 0)
			goto done;
		raw_mode = be32(p + 24);
		/* the common modes first; the rest as parse_entries() judges them */
		if (raw_mode != 0100644 && raw_mode != 0100755) {
			if ((raw_mode & 0170000) == MODE_DIR) {
				ok = (xflags & XFLAG_SKIP_WORKTREE) && !(flags & FLAG_STAGE_MASK);
				sparse = 1;
			} else {
				normalize_mode(raw_mode, &ok);
			}
			if (!ok) {
				error = corrupt(idx, "bad entry mode");
				goto done;
			}
		}
		name = p + fixed;
		len = flags & FLAG_NAME_MASK;
		if (len == FLAG_NAME_MASK) {
			const unsigned char *nul = memchr(name, 0, left - fixed);

			if (!nul) {
				error = corrupt(idx, "unterminated path");
				goto done;
			}
			len = (size_t)(nul - name);
			if (len > MAX_PATH_LEN) {
				error = corrupt(idx, "path too long");
				goto done;
			}
		} else if (len >= left - fixed || name[len]) {
			/* (a NUL inside the path is found when the entry is read) */
			error = corrupt(idx, "bad path length");
			goto done;
		}
		entry_size = (fixed + len + 8) & ~(size_t)7;
		if (entry_size > left) {
			error = corrupt(idx, "truncated entry");
			goto done;
		}
		*s = (uint32_t)(p - idx->data);
		conflicts |= flags & FLAG_STAGE_MASK;
		p += entry_size;
	}
	*pp = p;
done:
	idx->has_conflicts = conflicts != 0;
	idx->sparse = sparse;
	return error;
}

/*
 * The path of the entry at `p` in a lazy index, and its length: from the
 * flags, or, for a path of 4,095 bytes or more, up to the NUL the scan
 * found.
 */
static inline const unsigned char *lazy_path(const unsigned char *p, size_t *len)
{
	uint16_t flags = be16(p + 60);
	const unsigned char *name = p + (flags & FLAG_EXTENDED ? ENTRY_FIXED + 2 : ENTRY_FIXED);

	*len = flags & FLAG_NAME_MASK;
	if (*len == FLAG_NAME_MASK)
		*len = strlen((const char *)name);
	return name;
}

/*
 * Entry `i`, decoded on its first read. An index read lazily is not
 * checked whole: an entry that is never read is never judged (the
 * checksum still covers it), and a problem found here is kept for
 * gs_index_error(), which every caller checks before trusting a result.
 */
static const gs_index_entry *load_entry(const gs_index *idx, size_t i)
{
	gs_index_entry *e = &idx->entries[i];
	const unsigned char *p, *name;
	const char *what, *prev = NULL;
	size_t prev_len = 0;
	uint16_t flags, xflags = 0;
	uint32_t raw_mode;
	int ok;

	if (e->path || !idx->slim)
		return e;
	p = idx->data + idx->slim[i];
	flags = be16(p + 60);
	if (flags & FLAG_EXTENDED)
		xflags = be16(p + 62);
	name = lazy_path(p, &e->path_len);
	e->stat = p;
	memcpy(e->oid.id, p + 40, HASH_SIZE);
	e->stage = (unsigned char)((flags & FLAG_STAGE_MASK) >> FLAG_STAGE_SHIFT);
	e->skip_worktree = !!(xflags & XFLAG_SKIP_WORKTREE);
	e->intent_to_add = !!(xflags & XFLAG_INTENT_TO_ADD);
	raw_mode = be32(p + 24);
	/* (the scan checked the mode) */
	e->mode = (raw_mode & 0170000) == MODE_DIR ? MODE_DIR : normalize_mode(raw_mode, &ok);
	e->path = (const char *)name;
	if (i)
		prev = (const char *)lazy_path(idx->data + idx->slim[i - 1], &prev_len);
	if (memchr(name, 0, e->path_len))
		what = "bad path length";
	else
		what = entry_problem(e, prev, prev_len,
				     i ? (unsigned char)((be16(idx->data + idx->slim[i - 1] + 60) & FLAG_STAGE_MASK) >>
							 FLAG_STAGE_SHIFT) : 0);
	if (what && !idx->lazy->error)
		idx->lazy->error = what;
	return e;
}

/* Entry `i`'s path and its length, without decoding a lazy index's entry. */
static inline const char *path_at(const gs_index *idx, size_t i, size_t *len)
{
	if (idx->slim)
		return (const char *)lazy_path(idx->data + idx->slim[i], len);
	*len = idx->entries[i].path_len;
	return idx->entries[i].path;
}

/*
 * git's order of a cache-tree node's children (cache-tree.c's
 * subtree_name_cmp()): shorter names first, then bytes. git writes them
 * so; lookups bisect in it.
 */
static inline int subtree_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

static inline const char *ct_name(const gs_index *idx, const ct_node *n)
{
	return (const char *)idx->data + n->name;
}

static int ct_name_cmp(const gs_index *idx, uint32_t a, uint32_t b)
{
	const ct_node *x = &idx->ct[a], *y = &idx->ct[b];

	return subtree_cmp(ct_name(idx, x), x->name_len, ct_name(idx, y), y->name_len);
}

/* A child being sorted: its name, and its position in idx->ct. */
typedef struct ct_sort_item {
	const char *name;
	uint32_t len, pos;
} ct_sort_item;

static int ct_sort_cmp(const void *a, const void *b)
{
	const ct_sort_item *x = a, *y = b;

	return subtree_cmp(x->name, x->len, y->name, y->len);
}

/*
 * The TREE extension: the cache-tree, written depth-first from the root,
 * each node as
 *   NAME NUL ENTRY_COUNT SP SUBTREE_COUNT LF [20-byte id unless count is -1]
 * Children are written in git's own order (by length, then bytes), which
 * lookups bisect in: a file written otherwise has them sorted here first.
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
	size_t *stack = NULL, depth = 0, stack_alloc = 0, i, pos = 0;
	ct_sort_item *sorting = NULL;
	int error = 0;

	if (idx->ct_nr) {
		error = corrupt(idx, "two cache-tree extensions");
		goto done;
	}
	if (idx->len > UINT32_MAX)
		goto done;  /* offsets would not fit: no cache-tree, every directory compared */
	do {
		const unsigned char *nul = memchr(p, 0, (size_t)(end - p));
		ct_node *n;
		long count, sub;

		if (!nul)
			goto bad;
		GS_ALLOC_GROW(idx->ct, idx->ct_nr + 1, idx->ct_alloc);
		n = &idx->ct[idx->ct_nr];
		memset(n, 0, sizeof(*n));
		n->name = (uint32_t)(p - idx->data);
		n->name_len = (uint32_t)(nul - p);
		p = nul + 1;
		if (parse_number(&count, &p, end, ' ', 1) < 0 || count < -1 ||
		    parse_number(&sub, &p, end, '\n', 0) < 0)
			goto bad;
		/* (parse_number() stops near a billion) */
		n->entry_count = (int32_t)count;
		n->subtree_nr = (uint32_t)sub;
		if (count >= 0) {
			if ((size_t)(end - p) < HASH_SIZE)
				goto bad;
			n->oid = (uint32_t)(p - idx->data);
			p += HASH_SIZE;
		}
		if (!depth) {
			if (idx->ct_nr || n->name_len)
				goto bad;
		} else {
			ct_node *parent = &idx->ct[stack[depth - 1]];

			if (!n->name_len || memchr(ct_name(idx, n), '/', n->name_len))
				goto bad;
			n->parent = (uint32_t)stack[depth - 1];
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

	/* group the children by parent (counted again as they are placed), each group in git's order */
	idx->ct_children = gs_xmalloc(gs_st_mult(idx->ct_nr, sizeof(*idx->ct_children)));
	for (i = 0; i < idx->ct_nr; i++) {
		idx->ct[i].child_begin = (uint32_t)pos;
		pos += idx->ct[i].child_nr;
		idx->ct[i].child_nr = 0;
	}
	for (i = 1; i < idx->ct_nr; i++) {
		ct_node *parent = &idx->ct[idx->ct[i].parent];

		idx->ct_children[parent->child_begin + parent->child_nr++] = (uint32_t)i;
	}
	for (i = 0; i < idx->ct_nr; i++) {
		const ct_node *n = &idx->ct[i];
		uint32_t *kids = idx->ct_children + n->child_begin;
		size_t k;
		int c = -1;

		for (k = 1; k < n->child_nr && c < 0; k++)
			c = ct_name_cmp(idx, kids[k - 1], kids[k]);
		if (c < 0 || n->child_nr < 2)
			continue;
		/* not in git's order (another writer): sorted, and no name twice */
		sorting = gs_xrealloc(sorting, gs_st_mult(n->child_nr, sizeof(*sorting)));
		for (k = 0; k < n->child_nr; k++) {
			sorting[k].name = ct_name(idx, &idx->ct[kids[k]]);
			sorting[k].len = idx->ct[kids[k]].name_len;
			sorting[k].pos = kids[k];
		}
		GS_QSORT(sorting, n->child_nr, ct_sort_cmp);
		for (k = 0; k < n->child_nr; k++) {
			kids[k] = sorting[k].pos;
			if (k && !ct_sort_cmp(&sorting[k - 1], &sorting[k]))
				goto bad;
		}
	}
	goto done;
bad:
	error = corrupt(idx, "bad cache-tree extension");
done:
	free(stack);
	free(sorting);
	return error;
}

/*
 * An EWAH bitmap as git serializes it (ewah/ewah_io.c): bit count, word
 * count, the 64-bit words (big-endian), the position of the last
 * run-length word. Returns the bytes used, or 0 when it does not fit.
 */
static size_t ewah_parse(const unsigned char **words, size_t *nr,
			 const unsigned char *p, const unsigned char *end)
{
	size_t avail = (size_t)(end - p), n;

	if (avail < 12)
		return 0;
	n = be32(p + 4);
	if (n > (avail - 12) / 8)
		return 0;
	/* the position of the last run-length word only matters to writers */
	*words = p + 8;
	*nr = n;
	return 12 + 8 * n;
}

static inline uint64_t be64(const unsigned char *p)
{
	return ((uint64_t)be32(p) << 32) | be32(p + 4);
}

/*
 * Set `flag` in marks[pos] for every bit set in the bitmap, as git's
 * ewah_each_bit() walks it: each run-length word (bit 0 the running bit,
 * 32 bits of run length in 64-bit words, 31 bits counting the literal
 * words that follow) then its literal words. A bit beyond `nmarks` is
 * corruption (git dies on it).
 */
static int ewah_mark(unsigned char *marks, size_t nmarks, unsigned char flag,
		     const unsigned char *words, size_t nr)
{
	uint64_t pos = 0;
	size_t w = 0;

	while (w < nr) {
		uint64_t rlw = be64(words + 8 * w++), run = ((rlw >> 1) & 0xffffffffu) * 64, k;
		uint64_t literals = rlw >> 33;

		if (rlw & 1) {
			if (run > nmarks || pos > nmarks - run)
				return -1;
			for (k = 0; k < run; k++)
				marks[pos++] |= flag;
		} else {
			pos += run;
		}
		if (literals > nr - w)
			return -1;
		for (; literals; literals--) {
			uint64_t word = be64(words + 8 * w++);
			int bit;

			for (bit = 0; word && bit < 64; bit++, word >>= 1) {
				if (!(word & 1))
					continue;
				if (pos + (uint64_t)bit >= nmarks)
					return -1;
				marks[pos + (uint64_t)bit] |= flag;
			}
			pos += 64;
		}
	}
	return 0;
}

/*
 * The split index's "link" extension (Documentation/technical/
 * split-index.txt): the shared index's id, then, optionally, the bitmaps
 * of the shared entries deleted and of those replaced by this file's
 * first entries (which have empty names: the name is the shared one).
 */
static int parse_link_ext(gs_index *idx, const unsigned char *p, const unsigned char *end)
{
	size_t used;

	if (idx->has_link)
		return corrupt(idx, "two link extensions");
	if ((size_t)(end - p) < HASH_SIZE)
		return corrupt(idx, "bad link extension");
	memcpy(idx->base_oid, p, HASH_SIZE);
	idx->has_link = 1;
	p += HASH_SIZE;
	if (p == end)
		return 0;
	if (!(used = ewah_parse(&idx->del_words, &idx->del_nr, p, end)))
		return corrupt(idx, "bad delete bitmap in link extension");
	p += used;
	if (!(used = ewah_parse(&idx->rep_words, &idx->rep_nr, p, end)) || p + used != end)
		return corrupt(idx, "bad replace bitmap in link extension");
	return 0;
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
			if ((error = parse_tree_ext(idx, p, p + size)) < 0)
				goto done;
		} else if (!memcmp(sig, "link", 4)) {
			if ((error = parse_link_ext(idx, p, p + size)) < 0)
				goto done;
		} else if (!memcmp(sig, "sdir", 4)) {
			/* "directory entries may follow": they are read whether it is there or not */
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
#ifndef PARALLEL_HASH_MIN
# define PARALLEL_HASH_MIN (1u << 20)
#endif

typedef struct hash_job {
	const unsigned char *data;
	size_t len;
	unsigned char sum[HASH_SIZE];
	int failed;
} hash_job;

static void *hash_thread(void *arg)
{
	hash_job *job = arg;

	job->failed = gs_sha1(job->sum, job->data, job->len) < 0;
	return NULL;
}

/* 0 when the trailer matches, else the error (libcrypto failing is no corruption). */
static int hash_verdict(const gs_index *idx, const hash_job *job, const unsigned char *trailer)
{
	if (job->failed)
		return gs_error_set(GS_ERROR, "cannot verify index '%s': SHA-1 failed", idx->path);
	if (memcmp(job->sum, trailer, HASH_SIZE))
		return corrupt(idx, "bad checksum");
	return 0;
}

/* A "link" extension naming the null id is no split at all (git reads it so). */
static int is_split(const gs_index *idx)
{
	static const unsigned char null_oid[HASH_SIZE];

	return idx->has_link && memcmp(idx->base_oid, null_oid, HASH_SIZE);
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
		if (job.len >= PARALLEL_HASH_MIN && !pthread_create(&thread, NULL, hash_thread, &job)) {
			threaded = 1;
		} else {
			hash_thread(&job);
			if ((error = hash_verdict(idx, &job, end)) < 0)
				goto done;
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
	if (idx->want_lazy && idx->version != 4 && idx->len <= UINT32_MAX) {
		if ((error = scan_entries(idx, &p, end)) < 0 ||
		    (error = parse_extensions(idx, p, end)) < 0)
			goto done;
		if (!is_split(idx))
			goto done;
		/* a split index is merged with its shared index whole: parse it so */
		big_free(idx->slim, idx->slim_mapped);
		free(idx->entries);
		idx->slim = NULL;
		idx->entries = NULL;
		p = idx->data + HEADER_SIZE;
		idx->entries = big_alloc(count, sizeof(*idx->entries), &idx->entries_mapped);
		error = parse_entries(idx, &p, end);
		goto done;
	}
	idx->entries = big_alloc(count, sizeof(*idx->entries), &idx->entries_mapped);
	if ((error = parse_entries(idx, &p, end)) < 0 ||
	    (error = parse_extensions(idx, p, end)) < 0)
		goto done;
	/* a split index's own entries are checked once merged with the shared ones */
	if (!is_split(idx))
		error = validate_entries(idx);
done:
	if (threaded) {
		int hashed;

		pthread_join(thread, NULL);
		/* a damaged file is reported as such, whatever the parser tripped on */
		if ((hashed = hash_verdict(idx, &job, end)) < 0)
			error = hashed;
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
	if (idx->entries)
		big_free(idx->entries, idx->entries_mapped);
	free(idx->names);
	if (idx->slim)
		big_free(idx->slim, idx->slim_mapped);
	free(idx->lazy);
	free(idx->settled_names);
	free(idx->ct);
	free(idx->ct_children);
	gs_index_free(idx->base);
	free(idx->path);
	free(idx);
}

static int index_parse(gs_index **out, const void *data, size_t len, const char *name, int lazy)
{
	gs_index *idx = index_new(name);
	int error;

	idx->want_lazy = lazy;
	idx->data = data;
	idx->len = len;
	if ((error = parse(idx)) < 0)
		goto done;
	if (is_split(idx))
		error = gs_error_set(GS_ERROR, "cannot read index '%s': a split index needs its shared index file",
				     name);
done:
	if (error < 0) {
		gs_index_free(idx);
		idx = NULL;
	}
	*out = idx;
	return error;
}

int gs_index_parse(gs_index **out, const void *data, size_t len, const char *name)
{
	return index_parse(out, data, len, name, 0);
}

int gs_index_parse_lazy(gs_index **out, const void *data, size_t len, const char *name)
{
	return index_parse(out, data, len, name, 1);
}

/* Map and parse the file at idx->path; a missing file is an empty index. */
static int open_file(gs_index *idx, int *missing)
{
	const char *path = idx->path;
	struct stat st;
	int fd = -1, error = 0;

	*missing = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			*missing = 1;  /* no index yet: nothing staged */
		else
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
	return error;
}

#define MARK_DELETE 1
#define MARK_REPLACE 2

static int entry_cmp(const gs_index_entry *a, const gs_index_entry *b)
{
	int c = path_cmp(a->path, a->path_len, b->path, b->path_len);

	return c ? c : (a->stage > b->stage) - (a->stage < b->stage);
}

static inline int same_path(const gs_index_entry *a, const gs_index_entry *b)
{
	return a->path_len == b->path_len && !memcmp(a->path, b->path, a->path_len);
}

/*
 * git's merge_base_index() (split-index.c): the shared entries, with the
 * replaced ones taking this file's first entries' data (under the shared
 * name) and the deleted ones left out, then this file's other entries
 * added as add_index_entry() does: one at the same path and stage replaces
 * the shared one, and a stage-0 entry replaces the path's conflict stages.
 * Both lists are sorted, so one merge pass does it.
 */
static int merge_shared(gs_index *idx)
{
	gs_index *base = idx->base;
	unsigned char *marks = NULL;
	gs_index_entry *merged = NULL, cur;
	const gs_index_entry *dropped = NULL;
	size_t i, nrep = 0, ndel = 0, bi = 0, rr = 0, a, n = 0, merged_mapped = 0;
	int have = 0, error = 0;

	marks = gs_xcalloc(base->nr ? base->nr : 1, 1);
	if ((idx->rep_words && ewah_mark(marks, base->nr, MARK_REPLACE, idx->rep_words, idx->rep_nr) < 0) ||
	    (idx->del_words && ewah_mark(marks, base->nr, MARK_DELETE, idx->del_words, idx->del_nr) < 0)) {
		error = corrupt(idx, "bad link extension (an entry beyond the shared index)");
		goto done;
	}
	for (i = 0; i < base->nr; i++) {
		nrep += marks[i] & MARK_REPLACE ? 1 : 0;
		ndel += marks[i] & MARK_DELETE ? 1 : 0;
	}
	if (nrep > idx->nr) {
		error = corrupt(idx, "bad link extension (more replacements than entries)");
		goto done;
	}
	for (i = 0; i < idx->nr; i++) {
		if (!idx->entries[i].path_len != (i < nrep)) {
			error = corrupt(idx, i < nrep ? "replacing entry with a name" : "entry without a name");
			goto done;
		}
	}
	if (nrep == idx->nr && !ndel) {
		/*
		 * The common case (changes to files the shared index has): take
		 * over the shared entries and replace in place, no merge pass.
		 */
		for (i = 0; i < base->nr; i++) {
			if (marks[i] & MARK_REPLACE) {
				cur = idx->entries[rr++];
				cur.path = base->entries[i].path;
				cur.path_len = base->entries[i].path_len;
				base->entries[i] = cur;
			}
		}
		big_free(idx->entries, idx->entries_mapped);
		idx->entries = base->entries;
		idx->entries_mapped = base->entries_mapped;
		idx->nr = base->nr;
		base->entries = NULL;
		base->entries_mapped = 0;
		base->nr = 0;
		error = validate_entries(idx);
		goto done;
	}
	merged = big_alloc(gs_st_add(base->nr, idx->nr - nrep) + 1, sizeof(*merged), &merged_mapped);
	a = nrep;
	for (;;) {
		const gs_index_entry *ae = a < idx->nr ? &idx->entries[a] : NULL;
		int c = 0;

		while (!have && bi < base->nr) {
			const gs_index_entry *be = &base->entries[bi];
			unsigned char m = marks[bi++];

			cur = *be;
			if (m & MARK_REPLACE) {
				cur = idx->entries[rr++];
				cur.path = be->path;
				cur.path_len = be->path_len;
			}
			/* deleted, or a conflict stage an added stage-0 entry resolved */
			have = !(m & MARK_DELETE) && !(dropped && same_path(dropped, &cur));
		}
		if (!have && !ae)
			break;
		if (have && ae)
			c = entry_cmp(&cur, ae);
		if (!ae || (have && c < 0)) {
			merged[n++] = cur;
			have = 0;
			continue;
		}
		merged[n++] = *ae;
		a++;
		if (!ae->stage) {
			dropped = ae;
			if (have && same_path(ae, &cur))
				have = 0;
		} else if (have && !c) {
			have = 0;
		}
	}
	big_free(idx->entries, idx->entries_mapped);
	idx->entries = merged;
	idx->entries_mapped = merged_mapped;
	idx->nr = n;
	merged = NULL;
	error = validate_entries(idx);
done:
	if (merged)
		big_free(merged, merged_mapped);
	free(marks);
	return error;
}

/* Read the shared index of a split index from `gitdir`, and merge it in. */
static int read_shared(gs_index *idx, const char *gitdir)
{
	gs_buf path = GS_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid oid;
	int error = 0, missing;

	git_oid_fromraw(&oid, idx->base_oid);
	git_oid_tostr(hex, sizeof(hex), &oid);
	if (gitdir) {
		gs_buf_puts(&path, gitdir);
	} else {
		/* next to the index: .git/index, .git/index.lock, .git/next-index-*.lock */
		const char *slash = strrchr(idx->path, '/');

		if (slash)
			gs_buf_put(&path, idx->path, (size_t)(slash - idx->path));
		else
			gs_buf_putc(&path, '.');
	}
	if (path.size && path.ptr[path.size - 1] != '/')
		gs_buf_putc(&path, '/');
	gs_buf_printf(&path, "sharedindex.%s", hex);
	idx->base = index_new(path.ptr);
	if ((error = open_file(idx->base, &missing)) < 0)
		goto done;
	if (missing) {
		error = gs_error_set(GS_ERROR, "cannot read index '%s': its shared index '%s' is missing",
				     idx->path, path.ptr);
		goto done;
	}
	/* git names the shared index by its checksum, and checks that it is the one */
	if (idx->base->has_link || idx->base->len < HASH_SIZE ||
	    memcmp(idx->base->data + idx->base->len - HASH_SIZE, idx->base_oid, HASH_SIZE)) {
		error = gs_error_set(GS_ERROR, "corrupt index '%s': not the shared index '%s' names",
				     path.ptr, idx->path);
		goto done;
	}
	error = merge_shared(idx);
done:
	gs_buf_release(&path);
	return error;
}

/*
 * A file entry below a sparse directory entry: git 2.39's update-index
 * appends a path that sorts after every entry without looking for the
 * sparse directory that holds it (add_index_entry_with_check()'s fast
 * path), where anywhere else it expands that directory first; its own
 * write-tree then lists the file twice. Such an index is read as git
 * meant it: the directory expanded into its tree's files (skip-worktree),
 * the entries staged below it replacing the tree's at their paths. The
 * cache-tree no longer counts these entries: it is dropped.
 */
typedef struct {
	gs_index_entry e;
	size_t off;             /* into the names read from trees; SIZE_MAX: an entry of the file */
} settle_item;

typedef struct {
	settle_item *v;
	size_t nr, alloc;
	gs_buf names;
} settle_list;

static int settle_item_cmp(const void *a, const void *b)
{
	const settle_item *x = a, *y = b;
	int c = entry_cmp(&x->e, &y->e);

	/* at one path and stage the file's entry comes first, and wins */
	return c ? c : (x->off != SIZE_MAX) - (y->off != SIZE_MAX);
}

/*
 * Calls fn for every file below the tree oid, depth first in the tree's
 * order, with path holding the file's path (the directory's path, ending
 * in '/', on entry; restored on return).
 */
typedef int (*tree_file_fn)(void *payload, const git_tree_entry *te, const gs_buf *path);

static int walk_tree_files(git_repository *repo, const git_oid *oid, gs_buf *path, tree_file_fn fn,
			   void *payload)
{
	git_tree *tree = NULL;
	size_t i, n, base = path->size;
	int error = 0;

	if (path->size > MAX_PATH_LEN) {
		error = gs_error_set(GS_ERROR, "cannot expand the sparse index: path too long below '%.64s'",
				     path->ptr);
		goto done;
	}
	if (git_tree_lookup(&tree, repo, oid) < 0) {
		error = gs_error_set_git("cannot read a tree of the sparse index");
		goto done;
	}
	n = git_tree_entrycount(tree);
	for (i = 0; i < n; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(tree, i);

		gs_buf_puts(path, git_tree_entry_name(te));
		if (git_tree_entry_type(te) == GIT_OBJECT_TREE) {
			gs_buf_putc(path, '/');
			error = walk_tree_files(repo, git_tree_entry_id(te), path, fn, payload);
		} else {
			error = fn(payload, te, path);
		}
		gs_buf_setlen(path, base);
		if (error < 0)
			goto done;
	}
done:
	git_tree_free(tree);
	return error;
}

static int settle_file(void *payload, const git_tree_entry *te, const gs_buf *path)
{
	settle_list *l = payload;
	settle_item *it;

	GS_ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	it = &l->v[l->nr++];
	memset(it, 0, sizeof(*it));
	it->e.path_len = path->size;
	it->e.mode = (uint32_t)git_tree_entry_filemode(te);
	it->e.skip_worktree = 1;
	git_oid_cpy(&it->e.oid, git_tree_entry_id(te));
	it->off = l->names.size;
	gs_buf_put(&l->names, path->ptr, path->size + 1);
	return 0;
}

static void settle_paths(settle_list *l, size_t from)
{
	size_t i;

	for (i = from; i < l->nr; i++)
		if (l->v[i].off != SIZE_MAX)
			l->v[i].e.path = l->names.ptr + l->v[i].off;
}

static int settle_sparse(gs_index *idx, const char *gitdir)
{
	git_repository *repo = NULL;
	settle_list l = { NULL, 0, 0, GS_BUF_INIT };
	gs_buf path = GS_BUF_INIT;
	gs_index_entry *entries = NULL;
	size_t i, j, k, out, mapped = 0;
	int error = 0;

	if (!gitdir)
		goto done;  /* no object database to read the trees from */
	if (git_repository_open_ext(&repo, gitdir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		error = gs_error_set_git("cannot open the repository of the sparse index");
		goto done;
	}
	for (i = 0; i < idx->nr; i++)
		load_entry(idx, i);
	for (i = 0; i < idx->nr; i = j) {
		const gs_index_entry *d = &idx->entries[i];
		size_t start = l.nr;

		j = i + 1;
		if (d->mode == MODE_DIR)
			while (j < idx->nr && idx->entries[j].path_len > d->path_len &&
			       !memcmp(idx->entries[j].path, d->path, d->path_len))
				j++;
		if (j == i + 1) {
			GS_ALLOC_GROW(l.v, l.nr + 1, l.alloc);
			l.v[l.nr].e = *d;
			l.v[l.nr++].off = SIZE_MAX;
			continue;
		}
		gs_buf_set(&path, d->path, d->path_len);
		if ((error = walk_tree_files(repo, &d->oid, &path, settle_file, &l)) < 0)
			goto done;
		for (k = i + 1; k < j; k++) {
			GS_ALLOC_GROW(l.v, l.nr + 1, l.alloc);
			l.v[l.nr].e = idx->entries[k];
			l.v[l.nr++].off = SIZE_MAX;
		}
		settle_paths(&l, start);
		qsort(l.v + start, l.nr - start, sizeof(*l.v), settle_item_cmp);
		/* a path staged below the directory: the tree's entries for it go */
		for (out = start, k = start; k < l.nr; k++) {
			settle_item *it = &l.v[k];
			int shadowed = 0;

			if (it->off != SIZE_MAX) {
				size_t m;

				for (m = k; !shadowed && m-- > start && same_path(&l.v[m].e, &it->e);)
					shadowed = l.v[m].off == SIZE_MAX;
				for (m = k + 1; !shadowed && m < l.nr && same_path(&l.v[m].e, &it->e); m++)
					shadowed = l.v[m].off == SIZE_MAX;
			}
			if (!shadowed)
				l.v[out++] = *it;
		}
		l.nr = out;
	}
	settle_paths(&l, 0);
	entries = big_alloc(l.nr, sizeof(*entries), &mapped);
	for (i = 0; i < l.nr; i++)
		entries[i] = l.v[i].e;
	big_free(idx->entries, idx->entries_mapped);
	if (idx->slim) {
		/* every entry is decoded now: the index is no longer lazy */
		big_free(idx->slim, idx->slim_mapped);
		idx->slim = NULL;
	}
	idx->entries = entries;
	idx->entries_mapped = mapped;
	idx->nr = l.nr;
	free(idx->settled_names);
	/* the paths point into it: handed over as they are */
	idx->settled_names = gs_buf_detach(&l.names, NULL);
	idx->ct_nr = 0;
done:
	git_repository_free(repo);
	free(l.v);
	gs_buf_release(&l.names);
	gs_buf_release(&path);
	return error;
}

/* Whether an entry sits below the sparse directory entry before it. */
static int has_insiders(const gs_index *idx)
{
	size_t i, len, next_len;
	const char *p, *next;

	for (i = 0; idx->sparse && i + 1 < idx->nr; i++) {
		p = path_at(idx, i, &len);
		if (!len || p[len - 1] != '/')
			continue;  /* a file: only a sparse directory's name ends with a slash */
		next = path_at(idx, i + 1, &next_len);
		if (next_len > len && !memcmp(p, next, len))
			return 1;
	}
	return 0;
}

static int open_in(gs_index **out, const char *path, const char *gitdir, int lazy)
{
	gs_index *idx = index_new(path);
	int error, missing;

	idx->want_lazy = lazy;
	if ((error = open_file(idx, &missing)) < 0)
		goto done;
	if (is_split(idx) && (error = read_shared(idx, gitdir)) < 0)
		goto done;
	if (has_insiders(idx))
		error = settle_sparse(idx, gitdir);
done:
	if (error < 0) {
		gs_index_free(idx);
		idx = NULL;
	}
	*out = idx;
	return error;
}

int gs_index_open_in(gs_index **out, const char *path, const char *gitdir)
{
	return open_in(out, path, gitdir, 0);
}

static int open_repo(gs_index **out, git_repository *repo, const char *index_path, int lazy)
{
	gs_buf path = GS_BUF_INIT;
	int error = 0;

	*out = NULL;
	if (index_path)
		gs_buf_sets(&path, index_path);
	else if ((error = gs_repo_index_path(&path, repo)) < 0)
		goto done;
	error = open_in(out, path.ptr, git_repository_path(repo), lazy);
done:
	gs_buf_release(&path);
	return error;
}

int gs_index_open_repo(gs_index **out, git_repository *repo, const char *index_path)
{
	return open_repo(out, repo, index_path, 0);
}

int gs_index_open_repo_lazy(gs_index **out, git_repository *repo, const char *index_path)
{
	return open_repo(out, repo, index_path, 1);
}

int gs_index_error(const gs_index *idx)
{
	return idx->lazy && idx->lazy->error ? corrupt(idx, idx->lazy->error) : 0;
}

int gs_index_open(gs_index **out, const char *path)
{
	return gs_index_open_in(out, path, NULL);
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
	return n < idx->nr ? load_entry(idx, n) : NULL;
}

const char *gs_index_path_at(const gs_index *idx, size_t n, size_t *len)
{
	*len = 0;
	return n < idx->nr ? path_at(idx, n, len) : NULL;
}

int gs_index_has_conflicts(const gs_index *idx)
{
	return idx->has_conflicts;
}

int gs_index_is_sparse(const gs_index *idx)
{
	return idx->sparse;
}

/* First entry whose path is not less than `path` (any stage). */
size_t gs_index_lower_bound(const gs_index *idx, size_t lo, size_t hi, const char *path, size_t len)
{
	if (hi > idx->nr)
		hi = idx->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, mlen;
		const char *mpath = path_at(idx, mid, &mlen);

		if (path_cmp(mpath, mlen, path, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t gs_index_next_named(const gs_index *idx, const char *name, size_t pos)
{
	size_t nlen = strlen(name), len;
	const char *path;

	if (!nlen)
		return idx->nr;
	/* the last byte first: this runs over every entry */
	for (; pos < idx->nr; pos++) {
		if (idx->slim) {
			path = (const char *)lazy_path(idx->data + idx->slim[pos], &len);
		} else {
			len = idx->entries[pos].path_len;
			path = idx->entries[pos].path;
		}
		if (len >= nlen && path[len - 1] == name[nlen - 1] && !memcmp(path + len - nlen, name, nlen) &&
		    (len == nlen || path[len - nlen - 1] == '/'))
			return pos;
	}
	return idx->nr;
}

/* Whether entry `pos` (< idx->nr) has exactly the path `path`. */
static int path_is(const gs_index *idx, size_t pos, const char *path, size_t len)
{
	size_t plen;
	const char *p = path_at(idx, pos, &plen);

	return plen == len && !memcmp(p, path, len);
}

long gs_index_find_pos(const gs_index *idx, const char *path)
{
	size_t len = strlen(path), pos = gs_index_lower_bound(idx, 0, idx->nr, path, len);

	if (pos < idx->nr && path_is(idx, pos, path, len))
		return (long)pos;
	return -1;
}

const gs_index_entry *gs_index_find(const gs_index *idx, const char *path)
{
	long pos = gs_index_find_pos(idx, path);
	const gs_index_entry *e = pos < 0 ? NULL : load_entry(idx, (size_t)pos);

	return e && !e->stage ? e : NULL;
}

size_t gs_index_prefix_end(const gs_index *idx, size_t from, size_t to, const char *prefix,
			  size_t len)
{
	size_t lo = from, hi = to < idx->nr ? to : idx->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, mlen;
		const char *mpath = path_at(idx, mid, &mlen);

		if (mlen >= len && !memcmp(mpath, prefix, len))
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

	*begin = gs_index_lower_bound(idx, 0, idx->nr, prefix, len);
	*end = gs_index_prefix_end(idx, *begin, idx->nr, prefix, len);
}

/* Where entry `i` sorts against the directory "DIR/": < 0 before, 0 below it, > 0 after. */
static int dir_cmp(const gs_index *idx, size_t i, const char *dir, size_t dir_len)
{
	size_t len;
	const char *path = path_at(idx, i, &len);
	int c = memcmp(path, dir, len < dir_len ? len : dir_len);

	if (c)
		return c;
	if (len <= dir_len)
		return -1;  /* "DIR" itself, or a prefix of it */
	return (unsigned char)path[dir_len] - '/';
}

size_t gs_index_dir_next(const gs_index *idx, const char *dir, size_t dir_len, size_t pos)
{
	size_t plen = dir_len ? dir_len + 1 : 0;

	if (dir_len && pos < idx->nr && dir_cmp(idx, pos, dir, dir_len) < 0) {
		size_t lo = pos, hi = idx->nr;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (dir_cmp(idx, mid, dir, dir_len) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		pos = lo;
	}
	while (pos < idx->nr) {
		size_t len;
		const char *path = path_at(idx, pos, &len), *slash;

		if (dir_len && dir_cmp(idx, pos, dir, dir_len) != 0)
			break;
		slash = memchr(path + plen, '/', len - plen);
		if (!slash)
			return pos;
		/* a subdirectory (or a sparse directory entry): skip it whole */
		pos = gs_index_prefix_end(idx, pos, idx->nr, path, (size_t)(slash - path) + 1);
	}
	return idx->nr;
}

static const ct_node *ct_child(const gs_index *idx, const ct_node *n, const char *name, size_t len)
{
	size_t lo = 0, hi;

	if (!n)
		return NULL;
	hi = n->child_nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const ct_node *c = &idx->ct[idx->ct_children[n->child_begin + mid]];
		int cmp = subtree_cmp(ct_name(idx, c), c->name_len, name, len);

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
	git_oid_fromraw(oid, idx->data + n->oid);
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

static int add_entry_paths(diff_walk *w, const git_tree_entry *te);

/* Every blob below `tree` (at w->path) is gone from the index. */
static int add_tree_paths(diff_walk *w, const git_oid *oid)
{
	git_tree *tree = NULL;
	size_t i, n;
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
		if ((error = add_entry_paths(w, git_tree_entry_byindex(tree, i))) < 0)
			goto done;
	}
done:
	git_tree_free(tree);
	return error;
}

/* The path of entry `te` (at w->path), or every blob below it when a tree. */
static int add_entry_paths(diff_walk *w, const git_tree_entry *te)
{
	const char *name = git_tree_entry_name(te);
	size_t base = w->path.size;
	int error = 0;

	if (git_tree_entry_type(te) == GIT_OBJECT_TREE) {
		gs_buf_puts(&w->path, name);
		gs_buf_putc(&w->path, '/');
		error = add_tree_paths(w, git_tree_entry_id(te));
		gs_buf_setlen(&w->path, base);
	} else {
		add_path(w, name, strlen(name));
	}
	return error;
}

/* git's base_name_compare(): a directory sorts as "name/". */
static int base_name_cmp(const char *a, size_t alen, int adir, const char *b, size_t blen, int bdir)
{
	size_t common = alen < blen ? alen : blen;
	int cmp = memcmp(a, b, common);

	if (!cmp) {
		unsigned char ac = alen > common ? (unsigned char)a[common] : (adir ? '/' : 0);
		unsigned char bc = blen > common ? (unsigned char)b[common] : (bdir ? '/' : 0);

		cmp = ac < bc ? -1 : ac > bc;
	}
	return cmp;
}

/*
 * The paths that differ between two trees at w->path: HEAD's and a sparse
 * directory entry's (which stands for the tree `new_oid` in the index).
 */
static int diff_trees(diff_walk *w, const git_oid *old_oid, const git_oid *new_oid)
{
	git_tree *ot = NULL, *nt = NULL;
	size_t oi = 0, ni = 0, on, nn, base = w->path.size;
	int error = 0;

	if (w->path.size > MAX_PATH_LEN) {
		error = gs_error_set(GS_ERROR, "cannot read HEAD's tree: path too long below '%.64s'", w->path.ptr);
		goto done;
	}
	if (git_tree_lookup(&ot, w->repo, old_oid) < 0 || git_tree_lookup(&nt, w->repo, new_oid) < 0) {
		error = gs_error_set_git("cannot read a tree of the sparse index");
		goto done;
	}
	on = git_tree_entrycount(ot);
	nn = git_tree_entrycount(nt);
	while (oi < on || ni < nn) {
		const git_tree_entry *o = oi < on ? git_tree_entry_byindex(ot, oi) : NULL;
		const git_tree_entry *n = ni < nn ? git_tree_entry_byindex(nt, ni) : NULL;
		const git_tree_entry *one = NULL;
		int cmp;

		if (!o || !n) {
			cmp = o ? -1 : 1;
		} else {
			const char *on_ = git_tree_entry_name(o), *nn_ = git_tree_entry_name(n);

			cmp = base_name_cmp(on_, strlen(on_), git_tree_entry_type(o) == GIT_OBJECT_TREE,
					    nn_, strlen(nn_), git_tree_entry_type(n) == GIT_OBJECT_TREE);
		}
		if (cmp) {
			/* on one side only: every path below it changed */
			one = cmp < 0 ? o : n;
			if (cmp < 0)
				oi++;
			else
				ni++;
			if ((error = add_entry_paths(w, one)) < 0)
				goto done;
			continue;
		}
		oi++;
		ni++;
		if (git_oid_equal(git_tree_entry_id(o), git_tree_entry_id(n)) &&
		    git_tree_entry_filemode(o) == git_tree_entry_filemode(n))
			continue;
		if (git_tree_entry_type(o) == GIT_OBJECT_TREE) {
			gs_buf_puts(&w->path, git_tree_entry_name(o));
			gs_buf_putc(&w->path, '/');
			error = diff_trees(w, git_tree_entry_id(o), git_tree_entry_id(n));
			gs_buf_setlen(&w->path, base);
			if (error < 0)
				goto done;
		} else {
			add_path(w, git_tree_entry_name(o), strlen(git_tree_entry_name(o)));
		}
	}
done:
	git_tree_free(ot);
	git_tree_free(nt);
	return error;
}

/* Whether entry `i` (< idx->nr) lies below the directory `dir` ("DIR/"). */
static inline int entry_in_dir(const gs_index *idx, size_t i, const gs_buf *dir)
{
	size_t len;
	const char *path = path_at(idx, i, &len);

	return len > dir->size && !memcmp(path, dir->ptr, dir->size);
}

/* Whether the `count` entries from `pos` are exactly those below the directory `dir`. */
static int range_is_dir(const gs_index *idx, size_t pos, long count, const gs_buf *dir)
{
	if (count <= 0 || (size_t)count > idx->nr - pos)
		return 0;
	if (!entry_in_dir(idx, pos + (size_t)count - 1, dir))
		return 0;
	return pos + (size_t)count == idx->nr || !entry_in_dir(idx, pos + (size_t)count, dir);
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
		size_t tlen = 0, ilen = 0;
		int tdir = 0, idir = 0, cmp;

		if (w->pos < idx->nr && entry_in_dir(idx, w->pos, &w->path)) {
			ie = load_entry(idx, w->pos);
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

		if (!te)
			cmp = 1;
		else if (!ie)
			cmp = -1;
		else
			cmp = base_name_cmp(tname, tlen, tdir, iname, ilen, idir);
		/* a sparse directory entry: the index holds the tree `ie->oid` there */
		if (ie && ie->mode == MODE_DIR && ie->path_len == base + ilen + 1 && cmp >= 0) {
			gs_buf_put(&w->path, iname, ilen + 1);
			if (cmp > 0)
				error = add_tree_paths(w, &ie->oid);
			else if (!tdir || !git_oid_equal(&ie->oid, git_tree_entry_id(te)))
				error = diff_trees(w, git_tree_entry_id(te), &ie->oid);
			gs_buf_setlen(&w->path, base);
			if (error < 0)
				goto done;
			w->pos++;
			ti += cmp == 0;
			continue;
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
				while (w->pos < idx->nr && entry_in_dir(idx, w->pos, &w->path)) {
					const gs_index_entry *ae = load_entry(idx, w->pos++);
					size_t dir_len = w->path.size;

					if (ae->mode == MODE_DIR) {
						/* a sparse directory below: all of its tree is new */
						gs_buf_set(&w->path, ae->path, ae->path_len);
						error = add_tree_paths(w, &ae->oid);
						gs_buf_set(&w->path, ie->path, dir_len);
						if (error < 0)
							goto done;
					} else if (!ae->intent_to_add) {
						gs_strvec_push(w->out, ae->path);
					}
				}
				gs_buf_setlen(&w->path, base);
			} else {
				gs_strvec_push(w->out, ie->path);
				w->pos++;
			}
		} else if (tdir) {
			const ct_node *cct = ct_child(idx, ct, iname, ilen);

			gs_buf_put(&w->path, iname, ilen + 1);
			if (cct && cct->entry_count >= 0 &&
			    !memcmp(idx->data + cct->oid, git_tree_entry_id(te)->id, HASH_SIZE) &&
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
				while (w->pos < idx->nr && path_is(idx, w->pos, ie->path, ie->path_len))
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
	    !memcmp(idx->data + root->oid, git_tree_id(head)->id, HASH_SIZE))
		goto done;  /* the index is HEAD's tree */
	error = diff_dir(&w, head, root);
	/* an entry read lazily and found wrong: the comparison cannot be trusted */
	if (error < 0 || (error = gs_index_error(idx)) < 0)
		goto done;
	/* conflicted entries sharing a path with stage-0 ones, D/F swaps: one name each */
	gs_strvec_sort_uniq(out);
done:
	gs_buf_release(&w.path);
	return error;
}

int gs_index_is_split(const gs_index *idx)
{
	return is_split(idx);
}

void gs_index_entry_stat(gs_index_stat *out, const gs_index_entry *e)
{
	const unsigned char *p = e->stat;

	memset(out, 0, sizeof(*out));
	if (!p)
		return;
	out->ctime_sec = be32(p);
	out->ctime_nsec = be32(p + 4);
	out->mtime_sec = be32(p + 8);
	out->mtime_nsec = be32(p + 12);
	out->dev = be32(p + 16);
	out->ino = be32(p + 20);
	/* p + 24: the mode */
	out->uid = be32(p + 28);
	out->gid = be32(p + 32);
	out->size = be32(p + 36);
}

static void put_be32(gs_buf *out, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };

	gs_buf_put(out, (const char *)b, 4);
}

static void put_be16(gs_buf *out, uint16_t v)
{
	unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	gs_buf_put(out, (const char *)b, 2);
}

/* One version 3 entry (git's ce_write_entry without path compression). */
static void write_entry(gs_buf *out, const gs_index_entry *e, const char *path, size_t len, int skip_worktree)
{
	static const char pad[8];
	uint16_t xflags = (uint16_t)((skip_worktree ? XFLAG_SKIP_WORKTREE : 0) |
				     (e && e->intent_to_add ? XFLAG_INTENT_TO_ADD : 0));
	uint16_t flags = (uint16_t)((len < FLAG_NAME_MASK ? len : FLAG_NAME_MASK) |
				    ((unsigned)(e ? e->stage : 0) << FLAG_STAGE_SHIFT) |
				    (xflags ? FLAG_EXTENDED : 0));
	size_t fixed = ENTRY_FIXED + (xflags ? 2 : 0);
	gs_index_stat st;

	gs_index_entry_stat(&st, e);
	put_be32(out, st.ctime_sec);
	put_be32(out, st.ctime_nsec);
	put_be32(out, st.mtime_sec);
	put_be32(out, st.mtime_nsec);
	put_be32(out, st.dev);
	put_be32(out, st.ino);
	put_be32(out, e->mode);
	put_be32(out, st.uid);
	put_be32(out, st.gid);
	put_be32(out, st.size);
	gs_buf_put(out, (const char *)e->oid.id, HASH_SIZE);
	put_be16(out, flags);
	if (xflags)
		put_be16(out, xflags);
	gs_buf_put(out, path, len);
	gs_buf_put(out, pad, ((fixed + len + 8) & ~(size_t)7) - fixed - len);
}

/* The files below a sparse directory, as skip-worktree entries. */
typedef struct {
	gs_buf *out;
	size_t count;
} flat_writer;

static int write_tree_file(void *payload, const git_tree_entry *te, const gs_buf *path)
{
	flat_writer *w = payload;
	gs_index_entry e;

	memset(&e, 0, sizeof(e));
	e.mode = (uint32_t)git_tree_entry_filemode(te);
	git_oid_cpy(&e.oid, git_tree_entry_id(te));
	write_entry(w->out, &e, path->ptr, path->size, 1);
	w->count++;
	return 0;
}

int gs_index_write_flat(gs_buf *out, const gs_index *idx, git_repository *repo)
{
	gs_buf path = GS_BUF_INIT;
	unsigned char sum[HASH_SIZE];
	flat_writer w = { out, 0 };
	size_t i;
	int error = 0;

	gs_buf_clear(out);
	gs_buf_put(out, "DIRC", 4);
	put_be32(out, 3);
	put_be32(out, 0);  /* the count, once known */
	for (i = 0; i < idx->nr; i++) {
		const gs_index_entry *e = load_entry(idx, i);

		if (e->mode == MODE_DIR) {
			gs_buf_set(&path, e->path, e->path_len);
			if ((error = walk_tree_files(repo, &e->oid, &path, write_tree_file, &w)) < 0)
				goto done;
			continue;
		}
		write_entry(out, e, e->path, e->path_len, e->skip_worktree);
		w.count++;
	}
	if (w.count > UINT32_MAX) {
		error = gs_error_set(GS_ERROR, "cannot write index: too many entries");
		goto done;
	}
	out->ptr[8] = (char)(w.count >> 24);
	out->ptr[9] = (char)(w.count >> 16);
	out->ptr[10] = (char)(w.count >> 8);
	out->ptr[11] = (char)w.count;
	if (gs_sha1(sum, out->ptr, out->size) < 0) {
		error = gs_error_set(GS_ERROR, "cannot write index: SHA-1 failed");
		goto done;
	}
	gs_buf_put(out, (const char *)sum, HASH_SIZE);
done:
	gs_buf_release(&path);
	return error;
}

int gs_index_outside_checkout(const gs_index *idx, const char *path)
{
	size_t len = strlen(path), pos = gs_index_lower_bound(idx, 0, idx->nr, path, len), b, e;
	const char *slash = strrchr(path, '/');
	const gs_index_entry *ie;
	int outside = 0;

	if (pos < idx->nr && path_is(idx, pos, path, len)) {
		outside = load_entry(idx, pos)->skip_worktree;
		goto done;
	}
	/* below a sparse directory: it sorts just before what it stands for */
	if (pos && (ie = load_entry(idx, pos - 1))->mode == MODE_DIR && ie->path_len < len &&
	    !memcmp(ie->path, path, ie->path_len)) {
		outside = 1;
		goto done;
	}
	if (!slash)
		goto done;  /* the top directory is always checked out */
	/* a new file: outside when nothing in its directory is checked out */
	len = (size_t)(slash - path) + 1;
	b = gs_index_lower_bound(idx, 0, idx->nr, path, len);
	e = b;
	while (e < idx->nr && (ie = load_entry(idx, e))->path_len > len && !memcmp(ie->path, path, len)) {
		if (!ie->skip_worktree)
			goto done;
		e++;
	}
	outside = e > b;
done:
	return outside;
}
