#include <time.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef SYS_openat2
# include <linux/openat2.h>
#endif
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/sha1.h"
#include "gitspec/strvec.h"
#include "gitspec/index.h"
#include "gitspec/repo.h"
#include "gitspec/fsutil.h"
#include "gitspec/source.h"
#include "gitspec/cache.h"

struct gs_source {
	gs_source_kind kind;
	git_repository *repo;       /* borrowed */
	char *describe;
	gs_source_entry *entries;   /* sorted by path (strcmp) */
	size_t nr, alloc;
	size_t entries_mapped;      /* index: entries mapped with this length (fixed size), or 0 */
	gs_strvec paths;            /* owns the paths of tree and work-tree entries */
	gs_index *idx;              /* index: the source itself; work tree: for stat data */
	int borrowed_idx;           /* gs_source_open_index_part(): not ours to free */
	git_tree *tree;
	char *workdir;              /* work tree: with a trailing '/' */
	int workdir_fd;             /* work tree: the directory itself, or -1 */
	int no_openat2;             /* openat2(2) is not available: component by component */
	int trust_filemode;
	/*
	 * Work tree: the last directory whose every component was found on
	 * disk not to be a symbolic link. Contract paths arrive grouped by
	 * spec, so most checks stop here instead of repeating the lstat()s.
	 */
	gs_buf link_free_dir;
	/*
	 * Every directory found on disk not to be a link (or not to exist),
	 * an open-addressing set of paths: sync checks each contract path
	 * several times (validation, plan, writing), spec by spec.
	 */
	char **link_free_set;
	size_t link_free_cap, link_free_nr;
	struct gs_cache *cache;     /* work tree: the stat cache, borrowed */
	struct gs_cache *sparse_cache;  /* listings of sparse directories' trees */
	int sparse_cache_tried;
	int sparse_cache_borrowed;      /* gs_source_part.cache: not ours to free */
	gs_strvec arenas;           /* path blocks of expanded sparse directories and of the walk */
	char *path_block;           /* work tree: the free end of the walk's last path block */
	size_t path_left;
};

#ifdef MAP_POPULATE
# define MAP_POPULATE_IF_ANY MAP_POPULATE
#else
# define MAP_POPULATE_IF_ANY 0
#endif

static gs_source *source_new(gs_source_kind kind, git_repository *repo, const char *describe)
{
	gs_source *src = gs_xcalloc(1, sizeof(*src));

	src->kind = kind;
	src->repo = repo;
	src->describe = gs_xstrdup(describe);
	gs_strvec_init(&src->paths);
	gs_strvec_init(&src->arenas);
	gs_buf_init(&src->link_free_dir, 0);
	src->trust_filemode = 1;
	src->workdir_fd = -1;
	return src;
}

void gs_source_free(gs_source *src)
{
	if (!src)
		return;
	if (src->entries_mapped)
		munmap(src->entries, src->entries_mapped);
	else
		free(src->entries);
	gs_strvec_clear(&src->paths);
	gs_strvec_clear(&src->arenas);
	if (!src->sparse_cache_borrowed)
		gs_cache_free(src->sparse_cache);
	gs_buf_release(&src->link_free_dir);
	{
		size_t i;

		for (i = 0; i < src->link_free_cap; i++)
			free(src->link_free_set[i]);
		free(src->link_free_set);
	}
	if (!src->borrowed_idx)
		gs_index_free(src->idx);
	git_tree_free(src->tree);
	free(src->workdir);
	if (src->workdir_fd >= 0)
		close(src->workdir_fd);
	free(src->describe);
	free(src);
}

static gs_source_entry *add_entry(gs_source *src, const char *path, uint32_t mode)
{
	gs_source_entry *e;

	GS_ALLOC_GROW(src->entries, src->nr + 1, src->alloc);
	e = &src->entries[src->nr++];
	memset(e, 0, sizeof(*e));
	e->path = path;
	e->mode = mode;
	return e;
}

#define PATH_BLOCK 16384

/* A copy of a work-tree path, in blocks the source owns: no allocation per file. */
static const char *keep_path(gs_source *src, const char *path, size_t len)
{
	char *p;

	if (src->path_left < len + 1) {
		size_t n = len + 1 > PATH_BLOCK ? len + 1 : PATH_BLOCK;

		src->path_block = gs_xmalloc(n);
		gs_strvec_push_nodup(&src->arenas, src->path_block);
		src->path_left = n;
	}
	p = src->path_block;
	memcpy(p, path, len);
	p[len] = '\0';
	src->path_block += len + 1;
	src->path_left -= len + 1;
	return p;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const gs_source_entry *)a)->path, ((const gs_source_entry *)b)->path);
}

static void sort_entries(gs_source *src)
{
	size_t i;

	/* mostly sorted already (index order, tree order): check before sorting */
	for (i = 1; i < src->nr; i++)
		if (strcmp(src->entries[i - 1].path, src->entries[i].path) > 0)
			break;
	if (i < src->nr)
		GS_QSORT(src->entries, src->nr, entry_cmp);
}

gs_source_kind gs_source_get_kind(const gs_source *src)
{
	return src->kind;
}

git_repository *gs_source_repo(const gs_source *src)
{
	return src->repo;
}

struct gs_index *gs_source_index(const gs_source *src)
{
	return src->kind == GS_SOURCE_INDEX ? src->idx : NULL;
}

const struct gs_index *gs_source_stat_index(const gs_source *src)
{
	return src->idx;
}

const char *gs_source_describe(const gs_source *src)
{
	return src->describe;
}

size_t gs_source_count(const gs_source *src)
{
	return src->nr;
}

const gs_source_entry *gs_source_get(const gs_source *src, size_t n)
{
	return n < src->nr ? &src->entries[n] : NULL;
}

static const char *entry_path(const void *e)
{
	return ((const gs_source_entry *)e)->path;
}

static size_t lower_bound(const gs_source *src, const char *path)
{
	return gs_lower_bound(src->entries, src->nr, sizeof(*src->entries), entry_path, path);
}

const gs_source_entry *gs_source_lookup(const gs_source *src, const char *path)
{
	size_t pos = lower_bound(src, path);

	if (pos < src->nr && !strcmp(src->entries[pos].path, path))
		return &src->entries[pos];
	return NULL;
}

void gs_source_prefix_range(const gs_source *src, const char *prefix,
			    size_t *begin, size_t *end)
{
	size_t len = strlen(prefix), lo, hi;

	*begin = lower_bound(src, prefix);
	/* entries starting with `prefix` are contiguous from there */
	lo = *begin;
	hi = src->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (!strncmp(src->entries[mid].path, prefix, len))
			lo = mid + 1;
		else
			hi = mid;
	}
	*end = lo;
}

/* ---- the index ---- */

/*
 * A sparse index's directory entry stands for its tree: the files below it
 * come from the object database, as git reads them when it expands one.
 * A sparse index of 100,000 files holds a few hundred entries and git
 * reads just those; loading the thousands of trees below them costs ten
 * times that, so each tree's listing (mode, id, path below it, for every
 * file) is kept in the cache, keyed by the tree's id: trees never change.
 */
#define SPARSE_NS "sparse-tree"
#define SPARSE_REC_FIXED (4 + GIT_OID_RAWSZ)

static int list_tree(gs_buf *rec, git_repository *repo, const git_oid *oid, gs_buf *path)
{
	git_tree *tree = NULL;
	size_t i, n, base = path->size;
	int error = 0;

	/* no checkout can hold a longer path; this also bounds the recursion */
	if (path->size > 4096) {
		error = gs_error_set(GS_ERROR, "cannot read tree: path too long below '%.64s'", path->ptr);
		goto done;
	}
	if (git_tree_lookup(&tree, repo, oid) < 0) {
		error = gs_error_set(GS_ERROR, "cannot read a sparse directory's tree: %s",
				     git_error_last() ? git_error_last()->message : "not a tree");
		goto done;
	}
	n = git_tree_entrycount(tree);
	for (i = 0; i < n; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(tree, i);
		uint32_t mode = (uint32_t)git_tree_entry_filemode(te);

		gs_buf_setlen(path, base);
		gs_buf_puts(path, git_tree_entry_name(te));
		if (mode == GIT_FILEMODE_TREE) {
			gs_buf_putc(path, '/');
			if ((error = list_tree(rec, repo, git_tree_entry_id(te), path)) < 0)
				goto done;
		} else {
			unsigned char m[4] = { (unsigned char)(mode >> 24), (unsigned char)(mode >> 16),
					       (unsigned char)(mode >> 8), (unsigned char)mode };

			gs_buf_put(rec, (const char *)m, 4);
			gs_buf_put(rec, (const char *)git_tree_entry_id(te)->id, GIT_OID_RAWSZ);
			gs_buf_put(rec, path->ptr, path->size + 1);
		}
	}
done:
	gs_buf_setlen(path, base);
	git_tree_free(tree);
	return error;
}

/* The number of files a listing holds, or -1 when it is malformed (a miss). */
static long listing_count(const char *rec, size_t len)
{
	const char *p = rec, *end = rec + len, *nul;
	long nr = 0;

	while (p < end) {
		if ((size_t)(end - p) < SPARSE_REC_FIXED + 1 ||
		    !(nul = memchr(p + SPARSE_REC_FIXED, 0, (size_t)(end - p - SPARSE_REC_FIXED))) ||
		    nul == p + SPARSE_REC_FIXED)
			return -1;
		nr++;
		p = nul + 1;
	}
	return nr;
}

/* Add the files of a well-formed listing below `dir`, their paths in one block. */
static void add_listing(gs_source *src, const char *rec, size_t len, const char *dir, size_t dlen,
			int skip_worktree, const gs_source_part *part)
{
	const char *p = rec, *end = rec + len;
	size_t total = 0;
	char *arena, *w;

	for (p = rec; p < end; p += SPARSE_REC_FIXED + strlen(p + SPARSE_REC_FIXED) + 1)
		total += dlen + strlen(p + SPARSE_REC_FIXED) + 1;
	arena = gs_xmalloc(total ? total : 1);
	gs_strvec_push_nodup(&src->arenas, arena);
	w = arena;
	for (p = rec; p < end;) {
		const unsigned char *u = (const unsigned char *)p;
		uint32_t mode = ((uint32_t)u[0] << 24) | ((uint32_t)u[1] << 16) | ((uint32_t)u[2] << 8) | u[3];
		size_t slen = strlen(p + SPARSE_REC_FIXED);
		gs_source_entry *e;

		memcpy(w, dir, dlen);
		memcpy(w + dlen, p + SPARSE_REC_FIXED, slen + 1);
		p += SPARSE_REC_FIXED + slen + 1;
		if (part && !gs_source_part_has(part, w))
			continue;
		e = add_entry(src, w, mode);
		git_oid_fromraw(&e->oid, u + 4);
		e->has_oid = 1;
		e->skip_worktree = skip_worktree;
		w += dlen + slen + 1;
	}
}

/* The listing of a sparse directory's tree, from the cache or the trees; its file count. */
static int get_listing(gs_buf *rec, long *count, gs_source *src, const gs_index_entry *ie)
{
	gs_buf path = GS_BUF_INIT;
	int error = 0;

	if (!src->sparse_cache_tried) {
		src->sparse_cache_tried = 1;
		if (gs_cache_open(&src->sparse_cache, src->repo) < 0)
			gs_error_clear();
	}
	if (gs_cache_get(rec, src->sparse_cache, SPARSE_NS, &ie->oid) == 0 &&
	    (*count = listing_count(rec->ptr, rec->size)) >= 0)
		goto done;
	gs_error_clear();
	gs_buf_clear(rec);
	if ((error = list_tree(rec, src->repo, &ie->oid, &path)) < 0)
		goto done;
	if ((*count = listing_count(rec->ptr, rec->size)) < 0) {
		error = gs_error_set(GS_ERROR, "cannot read the sparse directory '%s' of the index", ie->path);
		goto done;
	}
	if (gs_cache_put(src->sparse_cache, SPARSE_NS, &ie->oid, rec->ptr, rec->size) < 0)
		gs_error_clear();  /* only a cache */
done:
	gs_buf_release(&path);
	return error;
}

/* What part->pick keeps of sparse directory `ie`, from the cache or its listing. */
static int get_picked(gs_buf *out, long *count, gs_source *src, const gs_index_entry *ie,
		      const gs_source_part *part)
{
	gs_buf rec = GS_BUF_INIT;
	const char *p, *end;
	int error = 0;

	gs_buf_clear(out);
	if (!src->sparse_cache_tried) {
		src->sparse_cache_tried = 1;
		if (gs_cache_open(&src->sparse_cache, src->repo) < 0)
			gs_error_clear();
	}
	if (gs_cache_get(out, src->sparse_cache, part->pick_ns, &ie->oid) == 0 &&
	    (*count = listing_count(out->ptr, out->size)) >= 0)
		goto done;
	gs_error_clear();
	gs_buf_clear(out);
	if ((error = get_listing(&rec, count, src, ie)) < 0)
		goto done;
	part->pick(part->pick_ctx, NULL, 0);
	for (p = rec.ptr, end = rec.ptr + rec.size; p < end;) {
		const unsigned char *u = (const unsigned char *)p;
		uint32_t mode = ((uint32_t)u[0] << 24) | ((uint32_t)u[1] << 16) | ((uint32_t)u[2] << 8) | u[3];
		size_t rlen = SPARSE_REC_FIXED + strlen(p + SPARSE_REC_FIXED) + 1;

		if (part->pick(part->pick_ctx, p + SPARSE_REC_FIXED, mode))
			gs_buf_put(out, p, rlen);
		p += rlen;
	}
	*count = listing_count(out->ptr, out->size);
	if (gs_cache_put(src->sparse_cache, part->pick_ns, &ie->oid, out->ptr, out->size) < 0)
		gs_error_clear();  /* only a cache */
done:
	gs_buf_release(&rec);
	return error;
}

static int expand_sparse_dir(gs_source *src, const gs_index_entry *ie, int skip_worktree)
{
	gs_buf rec = GS_BUF_INIT;
	long count;
	int error;

	if ((error = get_listing(&rec, &count, src, ie)) == 0)
		add_listing(src, rec.ptr, rec.size, ie->path, ie->path_len, skip_worktree, NULL);
	gs_buf_release(&rec);
	return error;
}

void gs_source_part_clear(gs_source_part *part)
{
	gs_strvec_clear(&part->dirs);
	gs_strvec_clear(&part->trees);
	gs_strvec_clear(&part->files);
}

static int has_file(const gs_strvec *files, const char *path)
{
	return gs_strvec_sorted_has(files, path, strlen(path));
}

/* Whether `path` is `dir` or lies below it ("" holds everything). */
static int below(const char *path, const char *dir, size_t len)
{
	return !len || (!strncmp(path, dir, len) && (path[len] == '/' || !path[len]));
}

int gs_source_part_has(const gs_source_part *part, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) : 0, i;

	for (i = 0; i < part->trees.nr; i++)
		if (below(path, part->trees.v[i], strlen(part->trees.v[i])))
			return 1;
	for (i = 0; i < part->dirs.nr; i++)
		if (strlen(part->dirs.v[i]) == dlen && !strncmp(path, part->dirs.v[i], dlen))
			return 1;
	return has_file(&part->files, path);
}

typedef struct pos_range {
	size_t begin, end;
} pos_range;

static int range_cmp(const void *a, const void *b)
{
	const pos_range *x = a, *y = b;

	return x->begin < y->begin ? -1 : x->begin > y->begin;
}

static void push_range(pos_range **v, size_t *nr, size_t *alloc, size_t begin, size_t end)
{
	if (begin >= end)
		return;
	GS_ALLOC_GROW(*v, *nr + 1, *alloc);
	(*v)[*nr].begin = begin;
	(*v)[*nr].end = end;
	(*nr)++;
}

/* The sparse directory entries that are `dir` or hold it ("a/", "a/b/" for "a/b"). */
static void sparse_ancestors(pos_range **v, size_t *nr, size_t *alloc, const gs_index *idx,
			     const char *dir, gs_buf *tmp)
{
	const char *p;

	if (!gs_index_is_sparse(idx) || !*dir)
		return;
	for (p = dir;; p++) {
		if (*p == '/' || !*p) {
			long pos;

			gs_buf_clear(tmp);
			gs_buf_put(tmp, dir, (size_t)(p - dir));
			gs_buf_putc(tmp, '/');
			pos = gs_index_find_pos(idx, tmp->ptr);
			if (pos >= 0 && gs_index_get(idx, (size_t)pos)->mode == GS_INDEX_MODE_DIR)
				push_range(v, nr, alloc, (size_t)pos, (size_t)pos + 1);
		}
		if (!*p)
			break;
	}
}

/*
 * The positions of the index entries `part` needs, sorted and disjoint;
 * in `files_in`, the sparse directory entries holding files of
 * part->files that are not index entries (they may overlap the ranges).
 */
static void part_ranges(pos_range **out, size_t *out_nr, pos_range **files_in, size_t *files_in_nr,
			const gs_index *idx, const gs_source_part *part)
{
	pos_range *v = NULL;
	size_t nr = 0, alloc = 0, i, k, n = gs_index_entrycount(idx), fnr = 0, falloc = 0;
	gs_buf tmp = GS_BUF_INIT, dir = GS_BUF_INIT;

	for (i = 0; i < part->trees.nr; i++) {
		const char *t = part->trees.v[i];
		size_t begin, end;

		if (!*t) {
			push_range(&v, &nr, &alloc, 0, n);
			continue;
		}
		gs_buf_sets(&tmp, t);
		gs_buf_putc(&tmp, '/');
		gs_index_prefix_range(idx, tmp.ptr, &begin, &end);
		push_range(&v, &nr, &alloc, begin, end);
		sparse_ancestors(&v, &nr, &alloc, idx, t, &tmp);
	}
	for (i = 0; i < part->dirs.nr; i++) {
		const char *d = part->dirs.v[i];
		size_t len = strlen(d), pos;

		for (pos = gs_index_dir_next(idx, d, len, 0); pos < n;
		     pos = gs_index_dir_next(idx, d, len, pos + 1))
			push_range(&v, &nr, &alloc, pos, pos + 1);
		sparse_ancestors(&v, &nr, &alloc, idx, d, &tmp);
	}
	for (i = 0; i < part->files.nr; i++) {
		const char *f = part->files.v[i], *slash = strrchr(f, '/');
		long pos = gs_index_find_pos(idx, f);

		if (pos >= 0) {
			size_t end = (size_t)pos + 1;

			/* and its other conflict stages */
			while (end < n && !strcmp(gs_index_get(idx, end)->path, f))
				end++;
			push_range(&v, &nr, &alloc, (size_t)pos, end);
		} else if (slash) {
			gs_buf_set(&dir, f, (size_t)(slash - f));
			sparse_ancestors(files_in, &fnr, &falloc, idx, dir.ptr, &tmp);
		}
	}
	*files_in_nr = fnr;
	if (nr)
		qsort(v, nr, sizeof(*v), range_cmp);
	for (i = 0, k = 0; i < nr; i++) {
		if (k && v[i].begin <= v[k - 1].end) {
			if (v[i].end > v[k - 1].end)
				v[k - 1].end = v[i].end;
		} else {
			v[k++] = v[i];
		}
	}
	gs_buf_release(&tmp);
	gs_buf_release(&dir);
	*out = v;
	*out_nr = k;
}

/*
 * A file of the part inside a sparse directory that the part needs no
 * more of (a spec's contracts, ADR 0018): looked up alone instead of
 * listing the whole directory, and the answer (mode and id, or "no such
 * file") cached under the tree's id and the path, which fix it. A path
 * that is a directory of the tree, or lies below a file, is no file.
 * 1 found, 0 not, < 0 error.
 */
#define SPARSE_PATH_NS "sparse-path"

static int sparse_file(uint32_t *mode, git_oid *oid, gs_source *src, const git_oid *tree_id,
		       const char *rest)
{
	gs_buf val = GS_BUF_INIT;
	gs_sha1_ctx ctx;
	git_oid key;
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	unsigned char rec[1 + 4 + GIT_OID_RAWSZ];
	int found = 0, keyed, r;

	if (!src->sparse_cache_tried) {
		src->sparse_cache_tried = 1;
		if (gs_cache_open(&src->sparse_cache, src->repo) < 0)
			gs_error_clear();
	}
	gs_sha1_init(&ctx);
	gs_sha1_update(&ctx, SPARSE_PATH_NS, sizeof(SPARSE_PATH_NS));
	gs_sha1_update(&ctx, tree_id->id, GIT_OID_RAWSZ);
	gs_sha1_update(&ctx, rest, strlen(rest));
	keyed = gs_sha1_final(key.id, &ctx) == 0;
	if (keyed && gs_cache_get(&val, src->sparse_cache, SPARSE_PATH_NS, &key) == 0 &&
	    ((val.size == 1 && !val.ptr[0]) || (val.size == sizeof(rec) && val.ptr[0] == 1))) {
		const unsigned char *u = (const unsigned char *)val.ptr;

		if ((found = val.size > 1)) {
			*mode = ((uint32_t)u[1] << 24) | ((uint32_t)u[2] << 16) | ((uint32_t)u[3] << 8) | u[4];
			git_oid_fromraw(oid, u + 5);
		}
		goto done;
	}
	gs_error_clear();
	if (git_tree_lookup(&tree, src->repo, tree_id) < 0) {
		found = gs_error_set(GS_ERROR, "cannot read a sparse directory's tree: %s",
				     git_error_last() ? git_error_last()->message : "not a tree");
		goto done;
	}
	r = git_tree_entry_bypath(&te, tree, rest);
	if (r < 0 && r != GIT_ENOTFOUND) {
		found = gs_error_set_git("cannot read a sparse directory's tree");
		goto done;
	}
	rec[0] = 0;
	if (r == 0 && git_tree_entry_type(te) != GIT_OBJECT_TREE) {
		uint32_t m = (uint32_t)git_tree_entry_filemode(te);

		found = 1;
		*mode = m;
		git_oid_cpy(oid, git_tree_entry_id(te));
		rec[0] = 1;
		rec[1] = (unsigned char)(m >> 24);
		rec[2] = (unsigned char)(m >> 16);
		rec[3] = (unsigned char)(m >> 8);
		rec[4] = (unsigned char)m;
		memcpy(rec + 5, oid->id, GIT_OID_RAWSZ);
	}
	if (keyed && gs_cache_put(src->sparse_cache, SPARSE_PATH_NS, &key, (const char *)rec,
				  found ? sizeof(rec) : 1) < 0)
		gs_error_clear();  /* only a cache */
done:
	git_tree_entry_free(te);
	git_tree_free(tree);
	gs_buf_release(&val);
	return found;
}

/* Add the files of `part` below sparse directory `ie`, each looked up alone. */
static int add_part_files(gs_source *src, const gs_index_entry *ie, const gs_source_part *part)
{
	size_t i;
	int error = 0;

	for (i = 0; i < part->files.nr; i++) {
		const char *f = part->files.v[i];
		gs_source_entry *e;
		uint32_t mode = 0;
		git_oid oid;
		int r;

		if (strncmp(f, ie->path, ie->path_len))
			continue;
		if ((r = sparse_file(&mode, &oid, src, &ie->oid, f + ie->path_len)) < 0) {
			error = r;
			break;
		}
		if (!r)
			continue;
		gs_strvec_push(&src->arenas, f);
		/* zeroed already, and large enough (one per file of the part at most) */
		e = &src->entries[src->nr++];
		e->path = src->arenas.v[src->arenas.nr - 1];
		e->mode = mode;
		git_oid_cpy(&e->oid, &oid);
		e->has_oid = 1;
	}
	return error;
}

/* Whether the files below sparse directory `ie` all lie in `part`. */
static int sparse_dir_whole(const gs_index_entry *ie, const gs_source_part *part)
{
	size_t i;

	for (i = 0; i < part->trees.nr; i++)
		if (below(ie->path, part->trees.v[i], strlen(part->trees.v[i])))
			return 1;
	return 0;
}

int gs_source_open_index_part(gs_source **out, git_repository *repo, gs_index *idx,
			      const gs_source_part *part)
{
	gs_source *src = source_new(GS_SOURCE_INDEX, repo, "the index");
	gs_buf *recs = NULL;
	unsigned char *picked = NULL, *lookup = NULL;
	pos_range *ranges = NULL, all, *files_in = NULL;
	size_t i, r, n = gs_index_entrycount(idx), ranges_nr = 0, total = 0, files_in_nr = 0;
	int error = 0;

	src->idx = idx;
	src->borrowed_idx = 1;
	if (part && part->cache) {
		/* the caller's handle: the cache is mapped once a run */
		src->sparse_cache = part->cache;
		src->sparse_cache_tried = 1;
		src->sparse_cache_borrowed = 1;
	}
	if (part) {
		part_ranges(&ranges, &ranges_nr, &files_in, &files_in_nr, idx, part);
		total = part->files.nr;  /* the files looked up in sparse directories */
	} else {
		all.begin = 0;
		all.end = n;
		ranges = &all;
		ranges_nr = 1;
	}
	for (r = 0; r < ranges_nr; r++)
		total += ranges[r].end - ranges[r].begin;
	if (gs_index_is_sparse(idx)) {
		/* the sparse directories' listings first, to size the array once */
		recs = gs_xcalloc(n ? n : 1, sizeof(*recs));
		picked = gs_xcalloc(n ? n : 1, 1);
		lookup = gs_xcalloc(n ? n : 1, 1);
		for (r = 0; r < files_in_nr; r++)
			lookup[files_in[r].begin] = 1;
		for (r = 0; r < ranges_nr; r++)
			for (i = ranges[r].begin; i < ranges[r].end; i++)
				lookup[i] = 0;  /* listed anyway: its files come with it */
		for (r = 0, i = 0; part && part->pick && i < n; i++) {
			const gs_index_entry *ie = gs_index_get(idx, i);
			long count;

			while (r < ranges_nr && ranges[r].end <= i)
				r++;
			if (ie->mode != GS_INDEX_MODE_DIR || ie->stage || (r < ranges_nr && ranges[r].begin <= i))
				continue;
			if ((error = get_picked(&recs[i], &count, src, ie, part)) < 0)
				goto done;
			picked[i] = 1;
			total = gs_st_add(total, (size_t)count);
		}
		for (r = 0; r < ranges_nr; r++) {
			for (i = ranges[r].begin; i < ranges[r].end; i++) {
				const gs_index_entry *ie = gs_index_get(idx, i);
				long count;

				if (ie->mode != GS_INDEX_MODE_DIR || ie->stage)
					continue;
				if ((error = get_listing(&recs[i], &count, src, ie)) < 0)
					goto done;
				total = gs_st_add(total, (size_t)count);
			}
		}
	}
	{
		/* zeroed, faulted in at once (see index.c), never grown */
		size_t len = gs_st_mult(total ? total : 1, sizeof(*src->entries));
		void *p = len >= (256u << 10) ?
			mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE_IF_ANY,
			     -1, 0) : MAP_FAILED;

		if (p != MAP_FAILED) {
			src->entries = p;
			src->entries_mapped = len;
		} else {
			src->entries = gs_xcalloc(total ? total : 1, sizeof(*src->entries));
		}
		src->alloc = total ? total : 1;
	}
	for (r = 0; r < ranges_nr; r++) {
		for (i = ranges[r].begin; i < ranges[r].end; i++) {
			const gs_index_entry *ie = gs_index_get(idx, i);
			gs_source_entry *e;

			if (ie->intent_to_add)
				continue;  /* not part of the next commit */
			if (ie->stage != 0 && ie->stage != 2)
				continue;
			if (ie->mode == GS_INDEX_MODE_DIR) {
				add_listing(src, recs[i].ptr, recs[i].size, ie->path, ie->path_len, 0,
					    part && !sparse_dir_whole(ie, part) ? part : NULL);
				continue;
			}
			/* zeroed already, and large enough */
			e = &src->entries[src->nr++];
			e->path = ie->path;
			e->mode = ie->mode;
			git_oid_cpy(&e->oid, &ie->oid);
			e->has_oid = 1;
			e->conflicted = ie->stage != 0;
		}
	}
	for (i = 0; picked && i < n; i++) {
		const gs_index_entry *ie = gs_index_get(idx, i);

		if (picked[i])
			add_listing(src, recs[i].ptr, recs[i].size, ie->path, ie->path_len, 0, NULL);
		/* both may hold a file: the duplicate goes after sorting */
		if (lookup[i] && (error = add_part_files(src, ie, part)) < 0)
			goto done;
	}
	/*
	 * Index order is path order, and only one stage per path is kept; a
	 * tree's files come in tree order, which is path order too, but a
	 * tree need not be well formed: sort what came from one.
	 */
	if (gs_index_is_sparse(idx)) {
		size_t k;

		sort_entries(src);
		/*
		 * A file looked up alone that a pick kept as well: once (the
		 * same tree, the same entry; anything else is left as it was).
		 */
		for (i = 0, k = 0; i < src->nr; i++)
			if (!k || strcmp(src->entries[k - 1].path, src->entries[i].path) ||
			    src->entries[k - 1].mode != src->entries[i].mode ||
			    !git_oid_equal(&src->entries[k - 1].oid, &src->entries[i].oid))
				src->entries[k++] = src->entries[i];
		src->nr = k;
	}
done:
	free(picked);
	free(lookup);
	free(files_in);
	if (recs) {
		for (i = 0; i < n; i++)
			gs_buf_release(&recs[i]);
		free(recs);
	}
	if (ranges != &all)
		free(ranges);
	if (error < 0) {
		gs_source_free(src);
		src = NULL;
	}
	*out = src;
	return error;
}

int gs_source_open_index(gs_source **out, git_repository *repo, const char *index_path)
{
	gs_index *idx = NULL;
	int error = 0;

	*out = NULL;
	if ((error = gs_index_open_repo(&idx, repo, index_path)) < 0)
		goto done;
	if ((error = gs_source_open_index_part(out, repo, idx, NULL)) < 0)
		goto done;
	(*out)->borrowed_idx = 0;  /* the source's own */
	idx = NULL;
done:
	gs_index_free(idx);
	return error;
}

/* ---- a tree ---- */

static int collect_tree(gs_source *src, const git_tree *tree, gs_buf *path)
{
	size_t i, n = git_tree_entrycount(tree), base = path->size;
	int error = 0;

	/* no checkout can hold a longer path; this also bounds the recursion */
	if (path->size > 4096) {
		error = gs_error_set(GS_ERROR, "cannot read tree: path too long below '%.64s'", path->ptr);
		goto done;
	}
	for (i = 0; i < n; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(tree, i);
		git_filemode_t mode = git_tree_entry_filemode(te);

		gs_buf_setlen(path, base);
		gs_buf_puts(path, git_tree_entry_name(te));
		if (mode == GIT_FILEMODE_TREE) {
			git_tree *sub = NULL;

			if (git_tree_lookup(&sub, src->repo, git_tree_entry_id(te)) < 0) {
				error = gs_error_set_git("cannot read tree");
				goto done;
			}
			gs_buf_putc(path, '/');
			error = collect_tree(src, sub, path);
			git_tree_free(sub);
			if (error < 0)
				goto done;
		} else {
			gs_source_entry *e = add_entry(src, gs_strvec_push(&src->paths, path->ptr), (uint32_t)mode);

			git_oid_cpy(&e->oid, git_tree_entry_id(te));
			e->has_oid = 1;
		}
	}
done:
	gs_buf_setlen(path, base);
	return error;
}

static int open_tree(gs_source **out, git_repository *repo, const git_tree *tree, const char *describe)
{
	gs_source *src = source_new(GS_SOURCE_TREE, repo, describe);
	gs_buf path = GS_BUF_INIT;
	int error = 0;

	if (git_tree_dup(&src->tree, (git_tree *)tree) < 0) {
		error = gs_error_set_git("cannot read tree");
		goto done;
	}
	if ((error = collect_tree(src, tree, &path)) < 0)
		goto done;
	/* tree order puts "a/" after "a.txt"; paths are compared as plain strings */
	sort_entries(src);
done:
	gs_buf_release(&path);
	if (error < 0) {
		gs_source_free(src);
		src = NULL;
	}
	*out = src;
	return error;
}

int gs_source_open_git_tree(gs_source **out, git_repository *repo, const git_tree *tree)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, 13, git_tree_id(tree));
	return open_tree(out, repo, tree, hex);
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int gs_source_open_git_tree_from(gs_source **out, gs_source *base, const git_tree *tree,
				 const gs_strvec *changed)
{
	char hex[GIT_OID_HEXSZ + 1];
	gs_source *src;
	gs_source_entry *added = NULL;
	size_t i, j, k, nadded = 0, alloc_added = 0;
	int error = 0;

	git_oid_tostr(hex, 13, git_tree_id(tree));
	src = source_new(GS_SOURCE_TREE, base->repo, hex);
	/* base's path strings move over: copying them would cost what reading the tree does */
	if (base->kind == GS_SOURCE_TREE) {
		gs_strvec_clear(&src->paths);
		src->paths = base->paths;
		gs_strvec_init(&base->paths);
	}
	if (git_tree_dup(&src->tree, (git_tree *)tree) < 0) {
		error = gs_error_set_git("cannot read tree");
		goto done;
	}
	/* The changed paths as they are in `tree` (absent: deleted, or now a directory). */
	for (i = 0; i < changed->nr; i++) {
		git_tree_entry *te = NULL;
		int r = git_tree_entry_bypath(&te, tree, changed->v[i]);

		if (r == GIT_ENOTFOUND) {
			git_error_clear();
			continue;
		}
		if (r < 0) {
			error = gs_error_set_git("cannot read tree");
			goto done;
		}
		if (git_tree_entry_type(te) != GIT_OBJECT_TREE) {
			GS_ALLOC_GROW(added, nadded + 1, alloc_added);
			memset(&added[nadded], 0, sizeof(added[nadded]));
			added[nadded].path = gs_strvec_push(&src->paths, changed->v[i]);
			added[nadded].mode = (uint32_t)git_tree_entry_filemode(te);
			git_oid_cpy(&added[nadded].oid, git_tree_entry_id(te));
			added[nadded].has_oid = 1;
			nadded++;
		}
		git_tree_entry_free(te);
	}
	if (nadded > 1)
		GS_QSORT(added, nadded, entry_cmp);
	/* Merge base's other entries (sorted) with them (sorted). */
	GS_ALLOC_GROW(src->entries, base->nr + nadded, src->alloc);
	for (i = 0, j = 0; i < base->nr || j < nadded;) {
		const gs_source_entry *e = i < base->nr ? &base->entries[i] : NULL;

		if (e && bsearch(&e->path, changed->v, changed->nr, sizeof(*changed->v), path_cmp)) {
			i++;
			continue;
		}
		k = src->nr++;
		if (e && (j >= nadded || strcmp(e->path, added[j].path) < 0)) {
			src->entries[k] = *e;
			if (base->kind != GS_SOURCE_TREE)
				src->entries[k].path = gs_strvec_push(&src->paths, e->path);
			i++;
		} else {
			src->entries[k] = added[j++];
		}
	}
done:
	free(added);
	if (error < 0) {
		gs_source_free(src);
		src = NULL;
	}
	*out = src;
	return error;
}

int gs_source_open_tree(gs_source **out, git_repository *repo, const char *rev)
{
	git_object *obj = NULL, *peeled = NULL;
	int error = 0;

	*out = NULL;
	if (git_revparse_single(&obj, repo, rev) < 0) {
		error = gs_error_set(GS_ERROR, "cannot resolve '%s': %s", rev,
				     git_error_last() ? git_error_last()->message : "unknown revision");
		goto done;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_TREE) < 0) {
		error = gs_error_set(GS_ERROR, "cannot resolve '%s': not a commit or tree", rev);
		goto done;
	}
	error = open_tree(out, repo, (const git_tree *)peeled, rev);
done:
	git_object_free(peeled);
	git_object_free(obj);
	return error;
}

/* ---- the work tree ---- */

/*
 * A directory's listing as the last walk read it (the listing cache): its
 * path, the stat data it had then, and its names (each a d_type byte, the
 * name, a NUL), pointing into the cached value, decoded when met.
 */
typedef struct dir_rec {
	const char *path;
	size_t path_len;
	size_t off, raw_len;          /* the whole record in the cached value (in walk order) */
	uint64_t ino;
	int64_t mtime_sec, ctime_sec;
	uint32_t mtime_nsec, ctime_nsec;
	const char *names;
	size_t names_len;
	uint32_t nr;
	/* the ignore verdicts of the names (IGN_*) and the context they hold in; NULL: none */
	const unsigned char *ign_ctx, *verdicts;
} dir_rec;

/* A record's path and place, to find it by path once the walk strays from the order. */
typedef struct dir_pos {
	const char *path;
	size_t path_len, off;
} dir_pos;

typedef struct wt_walk {
	gs_source *src;
	const gs_strvec *ignore_dirs;
	gs_buf abs;      /* workdir + rel, built by abs_of() when needed */
	size_t top_len;  /* of the workdir, without its trailing '/' */
	gs_buf rel;      /* repository-relative path being looked at */
	int64_t index_mtime;
	char *dents;     /* getdents64's buffer, DENTS_SIZE bytes */
	/*
	 * The listing cache (NULL: none) and what it held: the cached value
	 * itself, in the cache's map (not copied: tens of KiB of fresh pages),
	 * records in the order the last walk met them. `next`: the offset of
	 * the one this walk should meet next when nothing changed; `sorted`:
	 * all of them by path, made on the first surprise. old_ok: 0 once a
	 * malformed record was met (no cache from then on).
	 */
	struct gs_cache *cache;
	const unsigned char *old;
	size_t old_len, next;
	int old_ok;
	dir_pos *sorted;
	size_t sorted_nr;
	/*
	 * What this walk keeps. While it meets the old records in order and
	 * keeps each as it was, that is old[0, same) and nothing is written;
	 * at the first difference (diverge()) it is copied into dirs_new,
	 * which then grows with every listing kept.
	 */
	size_t same;
	int diverged;
	gs_buf dirs_new;
	int64_t now;     /* when the walk began (seconds) */
	/* the ignore context of the top (ign_init()), when ign_ok */
	int ign_ok;
	unsigned char ign_top[GS_SHA1_SIZE];
} wt_walk;

#define DENTS_SIZE 32768

static int ignored_dir_name(const wt_walk *w, const char *name)
{
	size_t i;

	for (i = 0; w->ignore_dirs && i < w->ignore_dirs->nr; i++) {
		if (!fnmatch(w->ignore_dirs->v[i], name, 0))
			return 1;
	}
	return 0;
}

static int is_ignored(wt_walk *w, const char *rel, int *out)
{
	if (git_ignore_path_is_ignored(out, w->src->repo, rel) < 0)
		return gs_error_set_git("cannot check .gitignore");
	return 0;
}

/* The absolute path of w->rel (the work directory itself for ""). */
static const char *abs_of(wt_walk *w)
{
	gs_buf_set(&w->abs, w->src->workdir, w->top_len);
	if (w->rel.size) {
		if (w->top_len && w->abs.ptr[w->top_len - 1] != '/')
			gs_buf_putc(&w->abs, '/');
		gs_buf_put(&w->abs, w->rel.ptr, w->rel.size);
	}
	return w->abs.ptr;
}

static int has_dot_git(const char *abs_dir)
{
	gs_buf p = GS_BUF_INIT;
	struct stat st;
	int r;

	gs_buf_printf(&p, "%s/.git", abs_dir);
	r = lstat(p.ptr, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode));
	gs_buf_release(&p);
	return r;
}

/* Take the blob id from the index when the file is as git last saw it. */
static void stat_match(wt_walk *w, gs_source_entry *e, const gs_index_entry *ie,
		       const struct stat *st)
{
	gs_index_stat is;

	if (!ie || ie->intent_to_add || ie->mode != e->mode)
		return;
	gs_index_entry_stat(&is, ie);
	if (is.mtime_sec != (uint32_t)st->st_mtim.tv_sec ||
	    is.mtime_nsec != (uint32_t)st->st_mtim.tv_nsec ||
	    is.ctime_sec != (uint32_t)st->st_ctim.tv_sec ||
	    is.ctime_nsec != (uint32_t)st->st_ctim.tv_nsec ||
	    is.size != (uint32_t)st->st_size ||
	    is.ino != (uint32_t)st->st_ino ||
	    is.uid != (uint32_t)st->st_uid ||
	    is.gid != (uint32_t)st->st_gid)
		return;
	/*
	 * Racily clean: the file changed in the same second the index was
	 * written, after git hashed it, and the stat data cannot tell. Seconds
	 * only, so that coarse file system timestamps are safe too.
	 */
	if ((int64_t)is.mtime_sec >= w->index_mtime)
		return;
	git_oid_cpy(&e->oid, &ie->oid);
	e->has_oid = 1;
}

/* The records getdents64(2) fills its buffer with. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct dir_name {
	char *name;
	unsigned char type;     /* DT_*, DT_UNKNOWN when the file system does not say */
};

static int dir_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dir_name *)a)->name, ((const struct dir_name *)b)->name);
}

/*
 * ---- the listing cache ----
 *
 * Reading a directory costs an open, two getdents and a close; its stat
 * data says whether its entries changed since (creating, removing or
 * renaming an entry updates the directory's mtime and ctime). So the walk
 * keeps each directory's sorted names with the stat data it had when they
 * were read, in the cache, and the next walk reads only the directories
 * whose stat data differ: one fstatat a directory instead of four system
 * calls. As with racily clean files, a directory changed in the last two
 * seconds before a walk is never kept: a later change could leave its
 * timestamps as they were. The names are only what the directory holds;
 * which of them are tracked is decided afresh every time, and which are
 * ignored comes with them only in the same ignore context (below).
 */
#define DIRS_NS "wt-dirs"
#define DIRS_MAGIC "gitspec-wt-dirs-2"

/*
 * After a listing's names: whether verdicts follow (a byte), the ignore
 * context they hold in, one verdict a name. Written with zeros when the
 * listing is kept, filled in once its entries have been asked.
 */
#define IGN_SECTION(nr) (1 + GS_SHA1_SIZE + (size_t)(nr))
#define IGN_UNKNOWN 0   /* not asked (tracked, or below an ignored directory) */
#define IGN_NO 1
#define IGN_YES 2
#define NO_SECTION ((size_t)-1)

static void put_u64(gs_buf *b, uint64_t v)
{
	gs_buf_put_u32le(b, (uint32_t)v);
	gs_buf_put_u32le(b, (uint32_t)(v >> 32));
}

static uint64_t get_u64(gs_reader *r)
{
	uint64_t lo = gs_reader_u32le(r);

	return lo | ((uint64_t)gs_reader_u32le(r) << 32);
}

static int dirs_key(git_oid *out, const wt_walk *w)
{
	gs_buf k = GS_BUF_INIT;
	size_t i;
	int error = 0;

	/*
	 * One listing per work tree (worktrees may share the cache) and per
	 * ignore list: walks with another list (the configuration's, after
	 * the defaults') skip other directories and keep other listings.
	 */
	gs_buf_printf(&k, "%s%c%s", DIRS_MAGIC, 0, w->src->workdir);
	for (i = 0; w->ignore_dirs && i < w->ignore_dirs->nr; i++)
		gs_buf_printf(&k, "%c%s", 0, w->ignore_dirs->v[i]);
	if (gs_sha1_blob(out->id, k.ptr, k.size) < 0)
		error = -1;
	gs_buf_release(&k);
	return error;
}

/*
 * The record of the cached value at `off` into *d; 0 when it is malformed
 * (or there is none).
 */
static int dir_rec_parse(dir_rec *d, const wt_walk *w, size_t off)
{
	gs_reader r;
	const char *p, *end;
	uint32_t k;

	if (off >= w->old_len)
		return 0;
	r.p = w->old + off;
	r.end = w->old + w->old_len;
	r.bad = 0;
	d->off = off;
	d->path_len = gs_reader_u32le(&r);
	if (r.bad || (size_t)(r.end - r.p) < d->path_len)
		return 0;
	d->path = (const char *)r.p;
	r.p += d->path_len;
	d->ino = get_u64(&r);
	d->mtime_sec = (int64_t)get_u64(&r);
	d->mtime_nsec = gs_reader_u32le(&r);
	d->ctime_sec = (int64_t)get_u64(&r);
	d->ctime_nsec = gs_reader_u32le(&r);
	d->nr = gs_reader_u32le(&r);
	d->names_len = gs_reader_u32le(&r);
	if (r.bad || (size_t)(r.end - r.p) < d->names_len ||
	    (d->names_len && r.p[d->names_len - 1] != 0))
		return 0;
	d->names = (const char *)r.p;
	r.p += d->names_len;
	/* nr names, each a type byte and a non-empty name */
	for (k = 0, p = d->names, end = d->names + d->names_len; p < end; k++)
		p += 1 + strlen(p + 1) + 1;
	if (k != d->nr || p != end || (size_t)(r.end - r.p) < IGN_SECTION(d->nr) || r.p[0] > 1)
		return 0;
	d->ign_ctx = d->verdicts = NULL;
	if (r.p[0]) {
		d->ign_ctx = r.p + 1;
		d->verdicts = r.p + 1 + GS_SHA1_SIZE;
		for (k = 0; k < d->nr; k++) {
			if (d->verdicts[k] > IGN_YES)
				return 0;
		}
	}
	r.p += IGN_SECTION(d->nr);
	d->raw_len = (size_t)(r.p - (w->old + off));
	return 1;
}

/*
 * Find the cached listings (no copy: they stay in the cache's map, which
 * nothing changes before dirs_save()). Records are decoded as the walk
 * meets them; a malformed one ends the use of the cache there.
 */
static void dirs_load(wt_walk *w)
{
	git_oid key;

	w->old = NULL;
	w->old_len = 0;
	if (!w->cache || dirs_key(&key, w) < 0 ||
	    gs_cache_get_ref(&w->old, &w->old_len, w->cache, DIRS_NS, &key) < 0) {
		gs_error_clear();
		w->old = NULL;
		w->old_len = 0;
		return;
	}
	if (!w->old_len)
		w->old = NULL;  /* nothing kept: as no value */
	w->old_ok = w->old != NULL;
}

static int dir_pos_cmp(const void *a, const void *b)
{
	const dir_pos *x = a, *y = b;
	size_t n = x->path_len < y->path_len ? x->path_len : y->path_len;
	int c = memcmp(x->path, y->path, n);

	return c ? c : (x->path_len > y->path_len) - (x->path_len < y->path_len);
}

/* Every record by path (w->sorted); 0 when one is malformed (then no cache). */
static int dirs_sort(wt_walk *w)
{
	size_t off, alloc = 0;
	dir_rec d;

	for (off = 0; off < w->old_len; off += d.raw_len) {
		if (!dir_rec_parse(&d, w, off)) {
			w->old_ok = 0;
			return 0;
		}
		GS_ALLOC_GROW(w->sorted, w->sorted_nr + 1, alloc);
		w->sorted[w->sorted_nr].path = d.path;
		w->sorted[w->sorted_nr].path_len = d.path_len;
		w->sorted[w->sorted_nr++].off = off;
	}
	GS_QSORT(w->sorted, w->sorted_nr, dir_pos_cmp);
	return 1;
}

/*
 * The record of the directory `path` into *d: the next one in walk order
 * when the tree did not change shape, else found by path. 0: none.
 */
static int dirs_find(dir_rec *d, wt_walk *w, const char *path, size_t len)
{
	const dir_pos *found;
	dir_pos key;

	if (!w->old_ok)
		return 0;
	if (w->next < w->old_len) {
		if (!dir_rec_parse(d, w, w->next)) {
			w->old_ok = 0;
			return 0;
		}
		if (d->path_len == len && !memcmp(d->path, path, len)) {
			w->next += d->raw_len;
			return 1;
		}
	}
	if (!w->sorted && !dirs_sort(w))
		return 0;
	key.path = path;
	key.path_len = len;
	found = w->sorted_nr ? bsearch(&key, w->sorted, w->sorted_nr, sizeof(*w->sorted), dir_pos_cmp) : NULL;
	if (!found || !dir_rec_parse(d, w, found->off))
		return 0;
	w->next = d->off + d->raw_len;
	return 1;
}

/* Whether the directory's stat data say it may be kept (not changed just now). */
static int dir_settled(const wt_walk *w, const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec + 2 <= w->now && (int64_t)st->st_ctim.tv_sec + 2 <= w->now;
}

static int dir_rec_matches(const dir_rec *d, const struct stat *st)
{
	return d->ino == (uint64_t)st->st_ino &&
	       d->mtime_sec == (int64_t)st->st_mtim.tv_sec &&
	       d->mtime_nsec == (uint32_t)st->st_mtim.tv_nsec &&
	       d->ctime_sec == (int64_t)st->st_ctim.tv_sec &&
	       d->ctime_nsec == (uint32_t)st->st_ctim.tv_nsec;
}

/* What this walk keeps stops being the old value's beginning: copy that into dirs_new. */
static void diverge(wt_walk *w)
{
	if (w->diverged)
		return;
	w->diverged = 1;
	/* the listings kept are mostly those found: one allocation */
	gs_buf_grow(&w->dirs_new, w->old_len + 1);
	if (w->same)
		gs_buf_set(&w->dirs_new, w->old, w->same);
	else
		gs_buf_clear(&w->dirs_new);
}

/*
 * Keep the listing just read of the directory at w->rel; *ign_off: where
 * its verdicts go in what this walk keeps (NO_SECTION: not kept).
 */
static void dirs_keep(wt_walk *w, const struct stat *st, const struct dir_name *names, size_t nr,
		      size_t *ign_off)
{
	size_t i, names_len = 0;

	*ign_off = NO_SECTION;
	if (!w->cache || !dir_settled(w, st))
		return;
	diverge(w);
	for (i = 0; i < nr; i++)
		names_len += strlen(names[i].name) + 2;
	gs_buf_put_u32le(&w->dirs_new, (uint32_t)w->rel.size);
	gs_buf_put(&w->dirs_new, w->rel.ptr, w->rel.size);
	put_u64(&w->dirs_new, (uint64_t)st->st_ino);
	put_u64(&w->dirs_new, (uint64_t)st->st_mtim.tv_sec);
	gs_buf_put_u32le(&w->dirs_new, (uint32_t)st->st_mtim.tv_nsec);
	put_u64(&w->dirs_new, (uint64_t)st->st_ctim.tv_sec);
	gs_buf_put_u32le(&w->dirs_new, (uint32_t)st->st_ctim.tv_nsec);
	gs_buf_put_u32le(&w->dirs_new, (uint32_t)nr);
	gs_buf_put_u32le(&w->dirs_new, (uint32_t)names_len);
	for (i = 0; i < nr; i++) {
		gs_buf_putc(&w->dirs_new, (char)names[i].type);
		gs_buf_put(&w->dirs_new, names[i].name, strlen(names[i].name) + 1);
	}
	*ign_off = w->dirs_new.size;
	gs_buf_grow(&w->dirs_new, IGN_SECTION(nr));
	memset(w->dirs_new.ptr + w->dirs_new.size, 0, IGN_SECTION(nr));
	gs_buf_setlen(&w->dirs_new, w->dirs_new.size + IGN_SECTION(nr));
}

/*
 * The verdicts of a directory's `nr` entries and their context (NULL:
 * none, nothing kept) into the section at `ign_off` of what this walk
 * keeps; nothing is written when they are those already there.
 */
static void dirs_verdicts(wt_walk *w, size_t ign_off, const unsigned char *ctx,
			  const unsigned char *verdicts, size_t nr)
{
	unsigned char *p;
	size_t i;

	if (!w->diverged) {
		/* the same test as the writing below: a context and its verdicts, or zeros and IGN_UNKNOWN */
		const unsigned char *o = w->old + ign_off;
		int same = o[0] == (ctx != NULL);

		if (same && ctx)
			same = !memcmp(o + 1, ctx, GS_SHA1_SIZE) && !memcmp(o + 1 + GS_SHA1_SIZE, verdicts, nr);
		for (i = 0; same && !ctx && i < GS_SHA1_SIZE; i++)
			same = o[1 + i] == 0;
		for (i = 0; same && !ctx && i < nr; i++)
			same = o[1 + GS_SHA1_SIZE + i] == IGN_UNKNOWN;
		if (same)
			return;
		diverge(w);
	}
	p = (unsigned char *)w->dirs_new.ptr + ign_off;
	p[0] = ctx != NULL;
	if (ctx)
		memcpy(p + 1, ctx, GS_SHA1_SIZE);
	else
		memset(p + 1, 0, GS_SHA1_SIZE);
	if (ctx)
		memcpy(p + 1 + GS_SHA1_SIZE, verdicts, nr);
	else
		memset(p + 1 + GS_SHA1_SIZE, IGN_UNKNOWN, nr);
}

/* Store what this walk kept, when it differs from what it found. */
static void dirs_save(wt_walk *w)
{
	git_oid key;

	if (!w->cache)
		return;
	if (!w->diverged) {
		if (w->same == w->old_len)
			return;  /* every listing met in order and kept as it was */
		diverge(w);  /* the last ones were not met */
	}
	if (w->dirs_new.size == w->old_len && !memcmp(w->dirs_new.ptr, w->old, w->old_len))
		return;
	/* the put may flush the cache and unmap w->old: nothing reads it after this */
	w->old = NULL;
	w->old_len = 0;
	w->old_ok = 0;
	if (dirs_key(&key, w) < 0 ||
	    gs_cache_put(w->cache, DIRS_NS, &key, w->dirs_new.ptr, w->dirs_new.size) < 0)
		gs_error_clear();  /* only a cache */
}

/*
 * The cached names of the directory at w->rel when its stat data (taken
 * now, never through a symbolic link) are those they were read with; they
 * point into the cached value, whose record *rec holds. 1 on a hit, 0 on a
 * miss (read it). *ign_off as for dirs_keep().
 */
static int dirs_lookup(struct dir_name **out, size_t *nr_out, dir_rec *rec,
		       size_t *ign_off, wt_walk *w)
{
	struct dir_name *v;
	struct stat st;
	const char *p;
	size_t i;

	if (!dirs_find(rec, w, w->rel.ptr, w->rel.size))
		return 0;
	if (w->rel.size ? fstatat(w->src->workdir_fd, w->rel.ptr, &st, AT_SYMLINK_NOFOLLOW) < 0 :
	    fstat(w->src->workdir_fd, &st) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode) || !dir_rec_matches(rec, &st) || !dir_settled(w, &st))
		return 0;
	v = gs_xmalloc(gs_st_mult(rec->nr ? rec->nr : 1, sizeof(*v)));
	for (i = 0, p = rec->names; i < rec->nr; i++) {
		v[i].type = (unsigned char)p[0];
		v[i].name = (char *)p + 1;
		p += 1 + strlen(p + 1) + 1;
	}
	/* kept as it was: in place when it is the next of the old value, else copied */
	if (!w->diverged && rec->off == w->same) {
		w->same += rec->raw_len;
		*ign_off = w->same - IGN_SECTION(rec->nr);
	} else {
		diverge(w);
		gs_buf_put(&w->dirs_new, (const char *)w->old + rec->off, rec->raw_len);
		*ign_off = w->dirs_new.size - IGN_SECTION(rec->nr);
	}
	*out = v;
	*nr_out = rec->nr;
	return 1;
}

/*
 * The entries of the directory being walked, sorted by name, and the
 * directory left open in *fd_out. getdents64 directly: opendir() would
 * fstat the directory, and a stat per subdirectory would repeat what the
 * kernel already said.
 */
static int list_dir(struct dir_name **out, size_t *nr_out, int *fd_out, size_t *ign_off, wt_walk *w)
{
	struct dir_name *v = NULL;
	struct stat dst;
	size_t nr = 0, alloc = 0;
	int fd, error = 0, keep = 0;

	*ign_off = NO_SECTION;
	/* below the top, never through a link swapped in after its stat */
	fd = open(abs_of(w),
		  O_RDONLY | O_DIRECTORY | O_CLOEXEC | (w->rel.size ? O_NOFOLLOW : 0));
	if (fd < 0 && w->rel.size && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP))
		goto done;  /* removed or replaced while we walk */
	if (fd < 0) {
		error = gs_error_set(GS_ERROR, "cannot read directory '%s': %s",
				     w->rel.size ? w->rel.ptr : ".", strerror(errno));
		goto done;
	}
	/* the stat data the listing is kept with: taken before it is read */
	if (w->cache && fstat(fd, &dst) == 0 && S_ISDIR(dst.st_mode))
		keep = 1;
	if (!w->dents)
		w->dents = gs_xmalloc(DENTS_SIZE);
	for (;;) {
		long n = syscall(SYS_getdents64, fd, w->dents, DENTS_SIZE);
		long off;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = gs_error_set(GS_ERROR, "cannot read directory '%s': %s",
					     w->rel.size ? w->rel.ptr : ".", strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		for (off = 0; off < n;) {
			const struct linux_dirent64 *de = (const struct linux_dirent64 *)(w->dents + off);

			off += de->d_reclen;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, ".git"))
				continue;
			GS_ALLOC_GROW(v, nr + 1, alloc);
			v[nr].name = gs_xstrdup(de->d_name);
			v[nr++].type = de->d_type;
		}
	}
	/* readdir order is arbitrary; walk in a fixed one */
	GS_QSORT(v, nr, dir_name_cmp);
	if (keep)
		dirs_keep(w, &dst, v, nr, ign_off);
done:
	*out = v;
	*nr_out = nr;
	*fd_out = fd;
	return error;
}

/*
 * Where index entry `i` sorts against `path` (`len` bytes): git's order,
 * bytes then length, which is strcmp()'s for paths without NULs. The path
 * is read without decoding the entry (gs_index_path_at()).
 */
static int index_path_cmp(const gs_index *idx, size_t i, const char *path, size_t len)
{
	size_t plen;
	const char *p = gs_index_path_at(idx, i, &plen);
	int c = memcmp(p, path, plen < len ? plen : len);

	return c ? c : (plen > len) - (plen < len);
}

/*
 * The first of the index entries [lo, hi) that does not sort before
 * `path`. The walk asks for paths in order, each most often right after
 * the previous answer: `hint` is tried first (two comparisons), then the
 * range is bisected.
 */
static size_t index_lower_bound(const gs_index *idx, const char *path, size_t len, size_t lo, size_t hi,
				size_t hint)
{
	if (hint >= lo && hint < hi && index_path_cmp(idx, hint, path, len) >= 0 &&
	    (hint == lo || index_path_cmp(idx, hint - 1, path, len) < 0))
		return hint;
	return gs_index_lower_bound(idx, lo, hi, path, len);
}

/*
 * The stage-0 entry of `path` among the index entries [lo, hi), the ones
 * below the directory being walked: a search among a few entries, not
 * among the whole index, for every file. *hint: where to look first, set
 * to where the next path is likely to be.
 */
static const gs_index_entry *index_find_in(const gs_index *idx, const char *path, size_t len,
					   size_t lo, size_t hi, size_t *hint)
{
	const gs_index_entry *ie;

	lo = index_lower_bound(idx, path, len, lo, hi, *hint);
	*hint = lo;
	if (lo >= hi || index_path_cmp(idx, lo, path, len))
		return NULL;
	*hint = lo + 1;
	ie = gs_index_get(idx, lo);
	return ie && ie->stage == 0 ? ie : NULL;
}

/*
 * The index entries below the directory `dir_slash` ("a/b/", `len` bytes)
 * among [lo, hi) (its parent's), as [*begin, *end); *hint as for
 * index_find_in().
 */
static void index_dir_range(const gs_index *idx, const char *dir_slash, size_t len, size_t lo,
			    size_t hi, size_t *hint, size_t *begin, size_t *end)
{
	*begin = *end = 0;
	if (!idx)
		return;
	*begin = index_lower_bound(idx, dir_slash, len, lo, hi, *hint);
	/* then the first that does not start with it: the entries below it are contiguous */
	*end = *hint = gs_index_prefix_end(idx, *begin, hi, dir_slash, len);
}

/*
 * ---- the ignore verdicts ----
 *
 * Whether git ignores an untracked entry is libgit2's to say
 * (git_ignore_path_is_ignored), but every question rebuilds its ignore
 * stack: a stat of the .gitignore of each directory up to the top, of
 * $GIT_DIR/info/exclude and of the entry, by absolute path. For the
 * untracked contracts of a benchmark that was 5,300 of the 7,500 stats of
 * an unchanged check. So the verdicts of a directory's entries are kept
 * with its listing, together with the ignore context they were given in:
 * a hash of the stat data of every ignore file that applies (the
 * .gitignore of the directory and of each parent, info/exclude, the
 * excludes file, each present or absent) and of what else changes
 * matching (core.ignoreCase, core.excludesFile, libgit2's version).
 *
 * A verdict is reused only with its listing (the same names of the same
 * types) and in the same context. A .gitignore is one of the listing's
 * entries, which the walk stats anyway: an unchanged walk stats nothing
 * more than its entries and directories. A directory without one has its
 * parent's context (one that gains or loses a .gitignore changes its
 * listing). An ignore file changed in the two seconds before the walk, as
 * for listings, or a .gitignore that is not a regular file (a link's
 * target can change unseen), leaves its directories without a context:
 * their verdicts are asked afresh and not kept.
 */
#define IGN_MAGIC "gitspec-ignore-1"

/* The stat data of an ignore file into the context; 0 when it changed just now. */
static int ign_hash_stat(gs_sha1_ctx *h, const wt_walk *w, const struct stat *st)
{
	uint64_t v[7];

	if (!dir_settled(w, st))
		return 0;
	v[0] = (uint64_t)st->st_mode;
	v[1] = (uint64_t)st->st_ino;
	v[2] = (uint64_t)st->st_size;
	v[3] = (uint64_t)st->st_mtim.tv_sec;
	v[4] = (uint64_t)st->st_mtim.tv_nsec;
	v[5] = (uint64_t)st->st_ctim.tv_sec;
	v[6] = (uint64_t)st->st_ctim.tv_nsec;
	gs_sha1_update(h, "+", 1);
	gs_sha1_update(h, v, sizeof(v));
	return 1;
}

/* The ignore file at `path` (followed, as libgit2 reads it), present or absent. */
static int ign_hash_file(gs_sha1_ctx *h, const wt_walk *w, const char *path)
{
	struct stat st;

	gs_sha1_update(h, path, strlen(path) + 1);
	if (stat(path, &st) == 0)
		return ign_hash_stat(h, w, &st);
	if (errno != ENOENT && errno != ENOTDIR)
		return 0;
	gs_sha1_update(h, "-", 1);
	return 1;
}

/*
 * The excludes file as libgit2's attribute cache finds it: core.excludesFile
 * (a leading "~/" is the home directory), else "ignore" in the first
 * directory of the XDG search path that has one; every candidate counts.
 * 0 when it cannot be told for sure (a relative path, "~user").
 */
static int ign_hash_excludes(gs_sha1_ctx *h, const wt_walk *w, git_config *cfg)
{
	git_buf raw = { NULL, 0, 0 }, path = { NULL, 0, 0 };
	gs_buf file = GS_BUF_INIT;
	int ok = 0, r = git_config_get_string_buf(&raw, cfg, "core.excludesfile");

	if (r == 0) {
		gs_sha1_update(h, "E", 1);
		if (raw.ptr[0] == '/')
			ok = ign_hash_file(h, w, raw.ptr);
		else if (raw.ptr[0] == '~' && raw.ptr[1] == '/' &&
			 git_config_get_path(&path, cfg, "core.excludesfile") == 0 && path.ptr[0] == '/')
			ok = ign_hash_file(h, w, path.ptr);
	} else if (r == GIT_ENOTFOUND &&
		   git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, &path) == 0) {
		const char *p = path.ptr ? path.ptr : "", *sep;

		gs_sha1_update(h, "X", 1);
		ok = 1;
		for (; ok && *p; p = *sep ? sep + 1 : sep) {
			sep = strchr(p, ':');
			if (!sep)
				sep = p + strlen(p);
			if (sep == p)
				continue;
			gs_buf_set(&file, p, (size_t)(sep - p));
			gs_buf_puts(&file, "/ignore");
			ok = ign_hash_file(h, w, file.ptr);
		}
	}
	git_buf_dispose(&raw);
	git_buf_dispose(&path);
	gs_buf_release(&file);
	git_error_clear();
	return ok;
}

/* The context of the top (w->ign_top): the ignore files and settings outside the work tree. */
static void ign_init(wt_walk *w, git_config *cfg)
{
	gs_sha1_ctx h;
	gs_buf s = GS_BUF_INIT;
	int major = 0, minor = 0, rev = 0, icase = 0, ok = 1, r;

	w->ign_ok = 0;
	if (!cfg)
		return;
	gs_sha1_init(&h);
	git_libgit2_version(&major, &minor, &rev);
	gs_buf_printf(&s, "%s%c%d.%d.%d", IGN_MAGIC, 0, major, minor, rev);
	gs_sha1_update(&h, s.ptr, s.size + 1);
	/* as libgit2 reads it: a boolean, false when unset; a bad value fails every question */
	r = git_config_get_bool(&icase, cfg, "core.ignorecase");
	if (r == GIT_ENOTFOUND)
		icase = 0;
	else if (r < 0)
		ok = 0;
	gs_sha1_update(&h, icase ? "i" : "c", 1);
	gs_buf_clear(&s);
	gs_buf_printf(&s, "%sinfo/exclude", git_repository_commondir(w->src->repo));
	ok = ok && ign_hash_file(&h, w, s.ptr) && ign_hash_excludes(&h, w, cfg);
	if (gs_sha1_final(w->ign_top, &h) == 0)
		w->ign_ok = ok;
	gs_buf_release(&s);
}

/*
 * The context of a directory, from its parent's (NULL: none) and its own
 * .gitignore among the names just stat'ed; `own` holds it when it differs.
 */
static const unsigned char *ign_context(unsigned char own[GS_SHA1_SIZE], const wt_walk *w,
					const unsigned char *parent, const struct dir_name *names,
					const struct stat *sts, const int *errs, size_t nr)
{
	struct dir_name key;
	const struct dir_name *n;
	gs_sha1_ctx h;
	size_t i;

	if (!parent)
		return NULL;
	key.name = (char *)".gitignore";
	n = nr ? bsearch(&key, names, nr, sizeof(*names), dir_name_cmp) : NULL;
	if (!n)
		return parent;
	i = (size_t)(n - names);
	if (errs[i] || n->type == DT_DIR || !S_ISREG(sts[i].st_mode))
		return NULL;
	gs_sha1_init(&h);
	gs_sha1_update(&h, parent, GS_SHA1_SIZE);
	if (!ign_hash_stat(&h, w, &sts[i])) {
		gs_sha1_abort(&h);
		return NULL;
	}
	return gs_sha1_final(own, &h) == 0 ? own : NULL;
}

/* ---- the walk ---- */

/* What walk_dir() knows of the directory it walks, for the helpers below. */
typedef struct wt_dir {
	size_t rel_base;               /* w->rel's length for the directory */
	size_t ilo, ihi;               /* the index entries below it */
	size_t hint;                   /* where in them the next entry is likely to be */
	int parent_ignored;            /* inside an ignored directory: nothing is asked */
	const unsigned char *ctx;      /* its ignore context; NULL: none, nothing kept */
	const unsigned char *old;      /* the verdicts the last walk kept, when they hold */
	unsigned char *verdicts;       /* this walk's, to keep with the listing */
} wt_dir;

/* Whether git ignores the untracked entry `i` at w->rel: kept, or libgit2's answer. */
static int ask_ignored(wt_walk *w, wt_dir *d, size_t i, int *out)
{
	if (d->old && d->old[i] != IGN_UNKNOWN)
		*out = d->old[i] == IGN_YES;
	else if (is_ignored(w, w->rel.ptr, out) < 0)
		return -1;
	d->verdicts[i] = *out ? IGN_YES : IGN_NO;
	return 0;
}

static int walk_dir(wt_walk *w, int parent_ignored, size_t ilo, size_t ihi,
		    const unsigned char *parent_ctx);

/* The entry `i`, a directory at w->rel: a gitlink, skipped, or walked. */
static int walk_subdir(wt_walk *w, wt_dir *d, size_t i, const char *name, const gs_index_entry *ie)
{
	size_t len = w->rel.size, sub_lo, sub_hi;
	int tracked, ignored = 0, error = 0;

	gs_buf_putc(&w->rel, '/');
	index_dir_range(w->src->idx, w->rel.ptr, w->rel.size, d->ilo, d->ihi, &d->hint, &sub_lo, &sub_hi);
	tracked = sub_lo < sub_hi;
	gs_buf_setlen(&w->rel, len);
	/*
	 * The ignore setting decides which directories hold packages
	 * (packages.c), the same for every source; skipping a directory here
	 * is only a shortcut through untracked trees (node_modules, .venv). A
	 * tracked one is walked, or specs and contracts below it would exist
	 * in the index but not here.
	 */
	if (!tracked && ignored_dir_name(w, name))
		goto done;
	/* git treats a directory whose files it tracks as one, .git or not */
	if ((ie && ie->mode == GS_MODE_GITLINK) || (!tracked && has_dot_git(abs_of(w)))) {
		if (!ie && d->parent_ignored)
			goto done;
		if (!ie && (error = ask_ignored(w, d, i, &ignored)) < 0)
			goto done;
		if (!ie && ignored)
			goto done;
		add_entry(w->src, keep_path(w->src, w->rel.ptr, w->rel.size), GS_MODE_GITLINK);
		goto done;
	}
	/*
	 * A directory with tracked content is walked whether it is ignored or
	 * not, and its untracked entries are each asked (libgit2 applies the
	 * parents' rules too): asking for the directory itself would only
	 * rebuild the same ignore stack.
	 */
	ignored = d->parent_ignored;
	if (!ignored && !tracked) {
		if ((error = ask_ignored(w, d, i, &ignored)) < 0 || ignored)
			goto done;
	}
	error = walk_dir(w, ignored, sub_lo, sub_hi, d->ctx);
done:
	return error;
}

/* The entry `i`, a file or a symbolic link at w->rel, with its stat data: listed unless ignored. */
static int walk_file(wt_walk *w, wt_dir *d, size_t i, const struct stat *st, const gs_index_entry *ie)
{
	gs_source_entry *e;
	uint32_t mode;
	int ignored = 0, error = 0;

	if (!ie) {
		if (d->parent_ignored)
			goto done;
		if ((error = ask_ignored(w, d, i, &ignored)) < 0 || ignored)
			goto done;
	}
	if (S_ISLNK(st->st_mode))
		mode = GS_MODE_LINK;
	else if (!w->src->trust_filemode && ie && GS_MODE_IS_REGULAR(ie->mode))
		mode = ie->mode;  /* core.fileMode=false: the executable bit is the index's */
	else
		mode = (st->st_mode & S_IXUSR) ? GS_MODE_EXEC : GS_MODE_FILE;
	/* a tracked file's path is its index entry's, which the source keeps: no copy */
	e = add_entry(w->src, ie ? ie->path : keep_path(w->src, w->rel.ptr, w->rel.size), mode);
	e->size = (uint64_t)st->st_size;
	e->mtime_sec = (int64_t)st->st_mtim.tv_sec;
	e->mtime_nsec = st->st_mtim.tv_nsec;
	e->ctime_sec = (int64_t)st->st_ctim.tv_sec;
	e->ctime_nsec = st->st_ctim.tv_nsec;
	e->ino = (uint64_t)st->st_ino;
	stat_match(w, e, ie, st);
done:
	return error;
}

/*
 * lstat every name of the directory at w->rel (rel_base long): relative to
 * the open directory when it was read (the kernel resolves one component,
 * not the whole path), else from the top of the work tree, whose every
 * directory on the way this walk has just found to be one (not a link).
 * A directory's type is known from getdents. errs[i]: the errno, or 0.
 */
static void stat_names(wt_walk *w, const struct dir_name *names, size_t nr, int dirfd,
		       size_t rel_base, struct stat *sts, int *errs)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		int r;

		errs[i] = 0;
		if (names[i].type == DT_DIR) {
			memset(&sts[i], 0, sizeof(sts[i]));
			sts[i].st_mode = S_IFDIR;
			continue;
		}
		if (dirfd < 0) {
			gs_buf_setlen(&w->rel, rel_base);
			if (rel_base)
				gs_buf_putc(&w->rel, '/');
			gs_buf_puts(&w->rel, names[i].name);
			r = fstatat(w->src->workdir_fd, w->rel.ptr, &sts[i], AT_SYMLINK_NOFOLLOW);
		} else {
			r = fstatat(dirfd, names[i].name, &sts[i], AT_SYMLINK_NOFOLLOW);
		}
		if (r < 0)
			errs[i] = errno ? errno : EIO;
	}
	gs_buf_setlen(&w->rel, rel_base);
}

/*
 * The directory at w->rel: its listing (kept, or read), the stat data of
 * its names, then each entry in name order. [ilo, ihi): the index entries
 * below it (all of them at the top); parent_ctx: the ignore context of
 * its parent (the top's for the top), NULL for none.
 */
static int walk_dir(wt_walk *w, int parent_ignored, size_t ilo, size_t ihi,
		    const unsigned char *parent_ctx)
{
	struct dir_name *names = NULL;
	dir_rec rec;
	struct stat *sts = NULL;
	int *errs = NULL, dirfd = -1, cached = 0, error = 0;
	size_t nr = 0, i, ign_off = NO_SECTION;
	unsigned char own_ctx[GS_SHA1_SIZE];
	wt_dir d;

	memset(&d, 0, sizeof(d));
	d.rel_base = w->rel.size;
	d.ilo = d.hint = ilo;
	d.ihi = ihi;
	d.parent_ignored = parent_ignored;
	if (w->old && (cached = dirs_lookup(&names, &nr, &rec, &ign_off, w)))
		;
	else if ((error = list_dir(&names, &nr, &dirfd, &ign_off, w)) < 0 || dirfd < 0)
		goto done;
	/* one block: the stat data, the errors, the verdicts */
	sts = gs_xmalloc(gs_st_mult(nr ? nr : 1, sizeof(*sts) + sizeof(*errs) + 1));
	errs = (int *)(sts + (nr ? nr : 1));
	d.verdicts = (unsigned char *)(errs + (nr ? nr : 1));
	memset(d.verdicts, IGN_UNKNOWN, nr);
	stat_names(w, names, nr, dirfd, d.rel_base, sts, errs);
	/* no descriptor stays open per level of nesting */
	if (dirfd >= 0)
		close(dirfd);
	dirfd = -1;
	d.ctx = ign_context(own_ctx, w, parent_ctx, names, sts, errs, nr);
	if (d.ctx && cached && rec.ign_ctx && !memcmp(rec.ign_ctx, d.ctx, GS_SHA1_SIZE))
		d.old = rec.verdicts;
	for (i = 0; i < nr; i++) {
		const gs_index_entry *ie;

		gs_buf_setlen(&w->rel, d.rel_base);
		if (d.rel_base)
			gs_buf_putc(&w->rel, '/');
		gs_buf_puts(&w->rel, names[i].name);
		if (errs[i]) {
			if (errs[i] == ENOENT)
				continue;  /* removed while we walk */
			error = gs_error_set(GS_ERROR, "cannot stat '%s': %s", w->rel.ptr, strerror(errs[i]));
			goto done;
		}
		ie = w->src->idx ? index_find_in(w->src->idx, w->rel.ptr, w->rel.size, ilo, ihi, &d.hint) : NULL;
		if (S_ISDIR(sts[i].st_mode))
			error = walk_subdir(w, &d, i, names[i].name, ie);
		else if (S_ISREG(sts[i].st_mode) || S_ISLNK(sts[i].st_mode))
			error = walk_file(w, &d, i, &sts[i], ie);
		/* fifos, sockets, devices: git does not track them */
		if (error < 0)
			goto done;
	}
	/* the verdicts with the listing, in the section kept for them */
	if (ign_off != NO_SECTION)
		dirs_verdicts(w, ign_off, d.ctx, d.verdicts, nr);
done:
	gs_buf_setlen(&w->rel, d.rel_base);
	for (i = 0; !cached && i < nr; i++)
		free(names[i].name);
	free(names);
	free(sts);
	if (dirfd >= 0)
		close(dirfd);
	return error;
}

/*
 * A sparse checkout leaves files out of the work tree (skip-worktree
 * entries, sparse directory entries): they are still part of the project,
 * as the index has them. List those the walk did not find on disk, with
 * the index's id, to be read from the object database. A file that is on
 * disk anyway is the work tree's (git clears the bit of such files too).
 */
static int add_not_checked_out(gs_source *src)
{
	size_t i, n = gs_index_entrycount(src->idx), j, k;
	int error = 0;

	sort_entries(src);
	for (i = 0; i < n; i++) {
		const gs_index_entry *ie = gs_index_get(src->idx, i);
		gs_source_entry *e;

		if (!ie->skip_worktree || ie->stage || ie->intent_to_add)
			continue;
		if (ie->mode == GS_INDEX_MODE_DIR) {
			if ((error = expand_sparse_dir(src, ie, 1)) < 0)
				goto done;
			continue;
		}
		e = add_entry(src, ie->path, ie->mode);
		git_oid_cpy(&e->oid, &ie->oid);
		e->has_oid = 1;
		e->skip_worktree = 1;
	}
	sort_entries(src);
	/* one entry a path: the file on disk over the index's copy */
	for (j = k = 0; j < src->nr; j++) {
		if (k && !strcmp(src->entries[k - 1].path, src->entries[j].path)) {
			if (src->entries[k - 1].skip_worktree)
				src->entries[k - 1] = src->entries[j];
			continue;
		}
		src->entries[k++] = src->entries[j];
	}
	src->nr = k;
done:
	return error;
}

int gs_source_outside_checkout(const gs_source *src, const char *path)
{
	return src->kind != GS_SOURCE_TREE && src->idx && gs_index_outside_checkout(src->idx, path);
}

int gs_source_open_worktree(gs_source **out, git_repository *repo,
			    const gs_strvec *ignore_dirs)
{
	return gs_source_open_worktree_cached(out, repo, ignore_dirs, NULL);
}

int gs_source_open_worktree_cached(gs_source **out, git_repository *repo,
				   const gs_strvec *ignore_dirs, struct gs_cache *cache)
{
	gs_source *src = source_new(GS_SOURCE_WORKTREE, repo, "the work tree");
	wt_walk w;
	gs_buf index_path = GS_BUF_INIT;
	git_config *cfg = NULL;
	const char *wd = git_repository_workdir(repo);
	int error = 0, filemode = 1;
	uint32_t nsec;

	memset(&w, 0, sizeof(w));
	w.src = src;
	w.ignore_dirs = ignore_dirs;
	gs_buf_init(&w.abs, 0);
	gs_buf_init(&w.rel, 0);
	gs_buf_init(&w.dirs_new, 0);
	if (!wd) {
		error = gs_error_set(GS_EUSAGE, "this operation must be run in a work tree");
		goto done;
	}
	src->workdir = gs_xstrdup(wd);
	/* every read opens its file relative to this, in one openat2 */
	src->workdir_fd = open(wd, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (git_repository_config_snapshot(&cfg, repo) == 0) {
		if (git_config_get_bool(&filemode, cfg, "core.filemode") < 0)
			filemode = 1;
	}
	git_error_clear();
	src->trust_filemode = filemode;
	if ((error = gs_repo_index_path(&index_path, repo)) < 0 ||
	    (error = gs_index_open_in(&src->idx, index_path.ptr, git_repository_path(repo))) < 0)
		goto done;
	gs_index_mtime(src->idx, &w.index_mtime, &nsec);

	w.top_len = strlen(wd);
	if (w.top_len > 1 && wd[w.top_len - 1] == '/')
		w.top_len--;
	if (src->workdir_fd >= 0 && cache) {
		w.cache = cache;
		w.now = (int64_t)time(NULL);
		dirs_load(&w);
		ign_init(&w, cfg);
	}
	/* about as many files as the index tracks: no growing, no copying */
	if (src->idx)
		GS_ALLOC_GROW(src->entries, gs_index_entrycount(src->idx) + 16, src->alloc);
	if ((error = walk_dir(&w, 0, 0, src->idx ? gs_index_entrycount(src->idx) : 0,
			      w.ign_ok ? w.ign_top : NULL)) < 0 ||
	    (error = add_not_checked_out(src)) < 0)
		goto done;
	dirs_save(&w);
done:
	git_config_free(cfg);
	gs_buf_release(&index_path);
	gs_buf_release(&w.abs);
	gs_buf_release(&w.rel);
	gs_buf_release(&w.dirs_new);
	free(w.sorted);
	free(w.dents);
	if (error < 0) {
		gs_source_free(src);
		src = NULL;
	}
	*out = src;
	return error;
}

/* ---- reading ---- */

/*
 * Open `rel` below the work tree one component at a time, never following
 * a symbolic link: a directory swapped for a link after the walk cannot
 * make us read outside the work tree.
 */
static int open_below(int *out, const char *workdir, const char *rel)
{
	gs_buf comp = GS_BUF_INIT;
	const char *p = rel;
	int dirfd, fd = -1, error = 0;

	*out = -1;
	dirfd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		error = gs_error_set(GS_ERROR, "cannot open '%s': %s", workdir, strerror(errno));
		goto done;
	}
	for (;;) {
		const char *slash = strchr(p, '/');
		int next;

		gs_buf_set(&comp, p, slash ? (size_t)(slash - p) : strlen(p));
		if (!slash) {
			fd = openat(dirfd, comp.ptr, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
			if (fd < 0) {
				error = gs_error_set(errno == ELOOP ? GS_EINPUT : GS_ERROR,
						     "cannot read '%s': %s", rel,
						     errno == ELOOP ? "symbolic link" : strerror(errno));
				goto done;
			}
			break;
		}
		next = openat(dirfd, comp.ptr, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			error = gs_error_set(errno == ELOOP || errno == ENOTDIR ? GS_EINPUT : GS_ERROR,
					     "cannot read '%s': %s", rel,
					     errno == ELOOP || errno == ENOTDIR ? "path crosses a symbolic link" :
					     strerror(errno));
			goto done;
		}
		close(dirfd);
		dirfd = next;
		p = slash + 1;
	}
	*out = fd;
	fd = -1;
done:
	if (dirfd >= 0)
		close(dirfd);
	if (fd >= 0)
		close(fd);
	gs_buf_release(&comp);
	return error;
}

/*
 * Open `rel` below the work tree in one system call where the kernel can
 * refuse symbolic links anywhere along the path itself (openat2 with
 * RESOLVE_NO_SYMLINKS, Linux 5.6), else component by component. A link
 * found on the way is reported by open_below, which names it.
 */
static int open_worktree_file(int *out, const gs_source *src, const char *rel)
{
#ifdef SYS_openat2
	if (src->workdir_fd >= 0 && !src->no_openat2) {
		struct open_how how;
		long fd;

		memset(&how, 0, sizeof(how));
		how.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
		do
			fd = syscall(SYS_openat2, src->workdir_fd, rel, &how, sizeof(how));
		while (fd < 0 && errno == EAGAIN);
		if (fd >= 0) {
			*out = (int)fd;
			return 0;
		}
		if (errno == ENOSYS || errno == EPERM || errno == EINVAL || errno == E2BIG)
			((gs_source *)src)->no_openat2 = 1;  /* a seccomp filter, an old kernel */
		else if (errno != ELOOP && errno != EXDEV)
			return gs_error_set(GS_ERROR, "cannot read '%s': %s", rel, strerror(errno));
	}
#endif
	return open_below(out, src->workdir, rel);
}

/*
 * `hint`: the size the walk saw (or UINT64_MAX). A read of exactly that
 * many bytes when one more was asked for is the whole regular file: no
 * fstat, no second read.
 */
static int read_worktree_file(gs_buf *out, const gs_source *src, const char *rel, uint64_t hint)
{
	static const gs_read_opts regular = { 0, GS_READ_REGULAR, NULL };
	int fd = -1, error;

	gs_buf_clear(out);
	if ((error = open_worktree_file(&fd, src, rel)) < 0)
		goto done;
	if (hint < ((uint64_t)1 << 40)) {
		ssize_t n;

		gs_buf_grow(out, (size_t)hint + 1);
		do
			n = read(fd, out->ptr, (size_t)hint + 1);
		while (n < 0 && errno == EINTR);
		if (n >= 0 && (uint64_t)n == hint) {
			gs_buf_setlen(out, (size_t)n);
			goto done;
		}
		/* grown, shrunk, or not a file at all: the careful way */
		gs_buf_clear(out);
		if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE && errno != EISDIR) {
			error = gs_error_set(GS_ERROR, "cannot read '%s': %s", rel, strerror(errno));
			goto done;
		}
	}
	error = gs_read_fd(out, fd, rel, &regular);
done:
	if (fd >= 0)
		close(fd);
	return error;
}

/* The size the walk saw, when it stat'ed the file. */
static uint64_t size_hint(const gs_source_entry *e)
{
	return e->mtime_sec || e->ctime_sec ? e->size : UINT64_MAX;
}

static int check_regular(const gs_source_entry *e)
{
	if (GS_MODE_IS_REGULAR(e->mode))
		return 0;
	return gs_error_set(GS_EINPUT, "cannot read '%s': %s", e->path,
			    e->mode == GS_MODE_LINK ? "symbolic link" :
			    e->mode == GS_MODE_GITLINK ? "submodule" : "not a regular file");
}

int gs_source_read(gs_buf *out, gs_source *src, const gs_source_entry *e)
{
	git_blob *blob = NULL;
	int error;

	if ((error = check_regular(e)) < 0)
		goto done;
	if (src->kind == GS_SOURCE_WORKTREE && !e->skip_worktree) {
		error = read_worktree_file(out, src, e->path, size_hint(e));
		goto done;
	}
	if (git_blob_lookup(&blob, src->repo, &e->oid) < 0) {
		error = gs_error_set(GS_ERROR, "cannot read '%s': %s", e->path,
				     git_error_last() ? git_error_last()->message : "not a blob");
		goto done;
	}
	gs_buf_set(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
done:
	git_blob_free(blob);
	return error;
}

void gs_source_set_cache(gs_source *src, struct gs_cache *cache)
{
	src->cache = cache;
}

/*
 * The stat cache's key: what git itself compares to trust a file without
 * reading it, and the path (one inode can be renamed).
 */
static int stat_key(git_oid *out, const gs_source_entry *e)
{
	gs_buf k = GS_BUF_INIT;
	int error = 0;

	gs_buf_printf(&k, "%s%c%lld.%ld %lld.%ld %llu %llu %o", e->path, 0,
		      (long long)e->mtime_sec, e->mtime_nsec, (long long)e->ctime_sec, e->ctime_nsec,
		      (unsigned long long)e->size, (unsigned long long)e->ino, (unsigned)e->mode);
	if (gs_sha1_blob(out->id, k.ptr, k.size) < 0)
		error = gs_error_set(GS_ERROR, "cannot hash stat data: SHA-1 failed in libcrypto");
	gs_buf_release(&k);
	return error;
}

int gs_source_stat_settled(const gs_source_entry *e, int64_t now)
{
	return e->mtime_sec && e->mtime_sec + 2 <= now && e->ctime_sec + 2 <= now;
}

int gs_source_oid(git_oid *out, gs_source *src, const gs_source_entry *e)
{
	int error = gs_source_oid_read(out, NULL, src, e);

	return error < 0 ? error : 0;
}

int gs_source_oid_read(git_oid *out, gs_buf *content, gs_source *src, const gs_source_entry *e)
{
	gs_buf data = GS_BUF_INIT;
	git_oid key;
	int error, keyed = 0, have = 0;

	if ((error = check_regular(e)) < 0)
		goto done;
	if (e->has_oid) {
		git_oid_cpy(out, &e->oid);
		goto done;
	}
	if (src->cache && e->mtime_sec && stat_key(&key, e) == 0) {
		keyed = 1;
		if (gs_cache_get(&data, src->cache, "stat", &key) == 0 && data.size == GIT_OID_RAWSZ) {
			git_oid_fromraw(out, (const unsigned char *)data.ptr);
			goto done;
		}
		gs_error_clear();
	}
	if ((error = read_worktree_file(&data, src, e->path, size_hint(e))) < 0)
		goto done;
	if (gs_sha1_blob(out->id, data.ptr, data.size) < 0) {
		error = gs_error_set(GS_ERROR, "cannot hash file: SHA-1 failed in libcrypto");
		goto done;
	}
	if (content) {
		gs_buf_release(content);
		*content = data;
		gs_buf_init(&data, 0);
		have = 1;
	}
	/* racy git: a file changed again within its timestamp's granularity keeps its stat data */
	if (keyed && gs_source_stat_settled(e, (int64_t)time(NULL)))
		gs_cache_put(src->cache, "stat", &key, (const char *)out->id, GIT_OID_RAWSZ);
done:
	gs_buf_release(&data);
	return error < 0 ? error : have;
}

static size_t link_free_slot(const gs_source *src, const char *dir, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)dir[i]) * 1099511628211ULL;
	for (i = (size_t)h & (src->link_free_cap - 1); src->link_free_set[i];
	     i = (i + 1) & (src->link_free_cap - 1))
		if (!strncmp(src->link_free_set[i], dir, len) && !src->link_free_set[i][len])
			break;
	return i;
}

static int link_free_has(const gs_source *src, const char *dir, size_t len)
{
	return src->link_free_cap && src->link_free_set[link_free_slot(src, dir, len)];
}

static void link_free_add(gs_source *src, const char *dir, size_t len)
{
	size_t i;

	if ((src->link_free_nr + 1) * 2 > src->link_free_cap) {
		char **old = src->link_free_set;
		size_t old_cap = src->link_free_cap;

		src->link_free_cap = old_cap ? old_cap * 2 : 64;
		src->link_free_set = gs_xcalloc(src->link_free_cap, sizeof(*src->link_free_set));
		for (i = 0; i < old_cap; i++)
			if (old[i])
				src->link_free_set[link_free_slot(src, old[i], strlen(old[i]))] = old[i];
		free(old);
	}
	i = link_free_slot(src, dir, len);
	if (!src->link_free_set[i]) {
		src->link_free_set[i] = gs_xstrndup(dir, len);
		src->link_free_nr++;
	}
}

/* Whether the directory `dir` (length `len`) is `known` or below it. */
static int dir_within(const gs_buf *known, const char *dir, size_t len)
{
	return known->size && len <= known->size && !memcmp(known->ptr, dir, len) &&
		(len == known->size || known->ptr[len] == '/');
}

int gs_source_path_crosses_link(const gs_source *src, const char *path)
{
	gs_buf prefix = GS_BUF_INIT, abs = GS_BUF_INIT;
	gs_buf *link_free = &((gs_source *)src)->link_free_dir;
	const char *slash, *last = strrchr(path, '/');
	int crosses = 0;

	for (slash = strchr(path, '/'); slash && !crosses; slash = strchr(slash + 1, '/')) {
		const gs_source_entry *e;
		size_t len = (size_t)(slash - path);

		gs_buf_set(&prefix, path, len);
		e = gs_source_lookup(src, prefix.ptr);
		if (e && (e->mode == GS_MODE_LINK || e->mode == GS_MODE_GITLINK))
			crosses = 1;
		if (!crosses && src->kind == GS_SOURCE_WORKTREE &&
		    !dir_within(link_free, path, len) && !link_free_has(src, path, len)) {
			struct stat st;

			gs_buf_sets(&abs, src->workdir);
			gs_buf_puts(&abs, prefix.ptr);
			if (lstat(abs.ptr, &st) == 0 && S_ISLNK(st.st_mode))
				crosses = 1;
			else
				link_free_add((gs_source *)src, path, len);
		}
	}
	if (!crosses && last && src->kind == GS_SOURCE_WORKTREE)
		gs_buf_set(link_free, path, (size_t)(last - path));
	gs_buf_release(&prefix);
	gs_buf_release(&abs);
	return crosses;
}
