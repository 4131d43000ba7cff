#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/source.h"
#include "gitspec/config.h"
#include "gitspec/packages.h"
#include "gitspec/language.h"

/*
 * The length of the "/MARKER" that ends path[0..len) when its base name is
 * the language's package marker below some directory, or 0 (a marker at
 * the repository root makes no package).
 */
static size_t marker_suffix(const gs_language *lang, const char *path, size_t len)
{
	size_t n = lang->marker_len(path, len);

	return n && n < len ? n + 1 : 0;
}

static const char *const default_ignore[] = { "node_modules", ".venv", "venv", "build", "dist" };

/*
 * The entries being scanned: a source (through its accessors) or a plain
 * sorted array, so that the scan is written once and testable without a
 * repository.
 */
struct entries {
	const gs_source *src;
	const gs_source_entry *arr;
	size_t nr;
};

static const gs_source_entry *entry_at(const struct entries *es, size_t i)
{
	return es->src ? gs_source_get(es->src, i) : &es->arr[i];
}

/* [*begin, *end) of the entries whose path starts with `prefix`. */
static void entries_prefix_range(const struct entries *es, const char *prefix,
				 size_t *begin, size_t *end)
{
	size_t plen = strlen(prefix), lo, hi;

	if (es->src) {
		gs_source_prefix_range(es->src, prefix, begin, end);
		return;
	}
	/* strncmp against the prefix is monotonic over sorted paths. */
	lo = 0, hi = es->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(es->arr[mid].path, prefix, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*begin = lo;
	hi = es->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(es->arr[mid].path, prefix, plen) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*end = lo;
}

static int has_glob(const char *pat)
{
	return strpbrk(pat, "*?[\\") != NULL;
}

/*
 * Whether the directory whose last component is path[start..end) (its
 * repository path being path[0..end)) is ignored. `scratch` holds copies
 * that need a NUL. Literal base-name patterns, the usual case, are
 * compared without fnmatch: this runs in the pre-commit hook.
 */
static int component_ignored(const gs_strvec *ignore, const char *path, size_t start, size_t end,
			     gs_buf *scratch)
{
	size_t i, n = end - start;
	const char *name = path + start;

	if (name[0] == '.')
		return 1;
	for (i = 0; i < ignore->nr; i++) {
		const char *pat = ignore->v[i];

		if (strchr(pat, '/')) {
			gs_buf_set(scratch, path, end);
			if (!fnmatch(pat[0] == '/' ? pat + 1 : pat, scratch->ptr, FNM_PATHNAME))
				return 1;
		} else if (!has_glob(pat)) {
			if (strlen(pat) == n && !memcmp(pat, name, n))
				return 1;
		} else {
			gs_buf_set(scratch, name, n);
			if (!fnmatch(pat, scratch->ptr, 0))
				return 1;
		}
	}
	return 0;
}

/*
 * Whether any directory of path[0..len) at or after offset `from` (a
 * component boundary) is ignored.
 */
static int dirs_ignored(const gs_strvec *ignore, const char *path, size_t from, size_t len,
			gs_buf *scratch)
{
	size_t start = from, i;

	for (i = from; i <= len; i++) {
		if (i == len || path[i] == '/') {
			if (i > start && component_ignored(ignore, path, start, i, scratch))
				return 1;
			start = i + 1;
		}
	}
	return 0;
}

/* Compare the NUL-terminated `a` with the `blen` bytes at `b`. */
static int cmp_len(const char *a, const char *b, size_t blen)
{
	int r = strncmp(a, b, blen);

	if (r)
		return r;
	return a[blen] ? 1 : 0;
}

static gs_package *find_len(const gs_package_list *list, const char *path, size_t len)
{
	size_t lo = 0, hi = list->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp_len(list->v[mid].path, path, len);

		if (!r)
			return &list->v[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_package(const void *a, const void *b)
{
	return strcmp(((const gs_package *)a)->path, ((const gs_package *)b)->path);
}

/* Number of '/'-separated components of path[0..len). */
static size_t count_components(const char *path, size_t len)
{
	size_t i, n = len ? 1 : 0;

	for (i = 0; i < len; i++)
		if (path[i] == '/')
			n++;
	return n;
}

/*
 * The import roots of a configuration, normalised once per scan. A root is
 * matched component by component: a "**" component matches any number of
 * components (none included), as in .gitignore; any other component is an
 * fnmatch pattern of one component. A root without glob characters is
 * compared as a string.
 */
struct root {
	char *pattern;   /* no leading "./" or '/', no trailing '/'; "" for "." */
	char *literal;   /* the pattern unescaped when it has no glob, else NULL */
	gs_strvec comp;  /* the components of the pattern */
	int globstar;    /* some component is "**" */
};

struct roots {
	struct root *v;
	size_t nr;
	size_t *ends, ends_alloc; /* scratch: where each component of a path ends */
};

/* The pattern `p` without its backslash escapes, or NULL when it has a glob character. */
static char *unescape_literal(const char *p)
{
	gs_buf out = GS_BUF_INIT;

	for (; *p; p++) {
		if (*p == '*' || *p == '?' || *p == '[') {
			gs_buf_release(&out);
			return NULL;
		}
		if (*p == '\\' && p[1])
			p++;
		gs_buf_putc(&out, *p);
	}
	return gs_buf_detach(&out, NULL);
}

static void roots_init(struct roots *rs, const gs_config *cfg)
{
	size_t i;

	memset(rs, 0, sizeof(*rs));
	if (!cfg || !cfg->roots.nr)
		return;
	rs->v = gs_xcalloc(cfg->roots.nr, sizeof(*rs->v));
	for (i = 0; i < cfg->roots.nr; i++) {
		const char *r = cfg->roots.v[i], *c;
		struct root *root = &rs->v[rs->nr];
		size_t rlen;

		/* Normalise "./src/", "/src", "." and "" alike. */
		while (r[0] == '.' && r[1] == '/')
			r += 2;
		while (*r == '/')
			r++;
		rlen = strlen(r);
		while (rlen && r[rlen - 1] == '/')
			rlen--;
		if (rlen == 1 && r[0] == '.')
			rlen = 0;
		root->pattern = gs_xstrndup(r, rlen);
		root->literal = unescape_literal(root->pattern);
		gs_strvec_init(&root->comp);
		for (c = root->pattern; *c;) {
			size_t n = strcspn(c, "/");

			if (n) {
				char *one = gs_xstrndup(c, n);

				if (!strcmp(one, "**"))
					root->globstar = 1;
				gs_strvec_push_nodup(&root->comp, one);
			}
			c += n;
			if (*c)
				c++;
		}
		rs->nr++;
	}
}

static void roots_release(struct roots *rs)
{
	size_t i;

	for (i = 0; i < rs->nr; i++) {
		free(rs->v[i].pattern);
		free(rs->v[i].literal);
		gs_strvec_clear(&rs->v[i].comp);
	}
	free(rs->v);
	free(rs->ends);
	memset(rs, 0, sizeof(*rs));
}

/*
 * Whether the components [pi..] of root `r` match exactly the components
 * [ci..m) of `path` (ends[] as in match_root).
 */
static int match_comps(const struct root *r, size_t pi, const char *path, const size_t *ends,
		       size_t ci, size_t m, gs_buf *scratch)
{
	size_t start, j;

	if (pi == r->comp.nr)
		return ci == m;
	if (!strcmp(r->comp.v[pi], "**")) {
		for (j = ci; j <= m; j++)
			if (match_comps(r, pi + 1, path, ends, j, m, scratch))
				return 1;
		return 0;
	}
	if (ci == m)
		return 0;
	start = ci ? ends[ci - 1] + 1 : 0;
	gs_buf_set(scratch, path + start, ends[ci] - start);
	if (fnmatch(r->comp.v[pi], scratch->ptr, 0))
		return 0;
	return match_comps(r, pi + 1, path, ends, ci + 1, m, scratch);
}

/*
 * The offset in `path` just below the deepest import root strictly
 * containing path[0..len) (0 for the repository root), matched on whole
 * leading components; 0 when none does.
 */
static int match_root(size_t *out, struct roots *rs, const char *path, size_t len,
		      gs_buf *scratch)
{
	size_t i, j, m, ncomp = 0, best = 0;
	int found = 0;

	if (!rs->nr || !len)
		return 0;
	/* ends[c]: the offset just past component c */
	for (j = 0; j <= len; j++) {
		if (j < len && path[j] != '/')
			continue;
		GS_ALLOC_GROW(rs->ends, ncomp + 1, rs->ends_alloc);
		rs->ends[ncomp++] = j;
	}
	for (i = 0; i < rs->nr; i++) {
		const struct root *r = &rs->v[i];
		size_t k = r->comp.nr;

		if (!r->globstar) {
			if (k >= ncomp || (found && k <= best))
				continue;
			if (k && r->literal) {
				if (strlen(r->literal) != rs->ends[k - 1] ||
				    memcmp(r->literal, path, rs->ends[k - 1]))
					continue;
			} else if (k && !match_comps(r, 0, path, rs->ends, 0, k, scratch)) {
				continue;
			}
			best = k;
			found = 1;
			continue;
		}
		/* The deepest prefix this root matches, deeper than the best so far. */
		for (m = ncomp - 1; m + 1 > (found ? best + 1 : 0); m--) {
			if (match_comps(r, 0, path, rs->ends, 0, m, scratch)) {
				best = m;
				found = 1;
				break;
			}
			if (!m)
				break;
		}
	}
	if (found)
		*out = best ? rs->ends[best - 1] + 1 : 0;
	return found;
}

static char *dotted(const char *path, size_t len)
{
	char *m = gs_xstrndup(path, len);
	size_t i;

	for (i = 0; i < len; i++)
		if (m[i] == '/')
			m[i] = '.';
	return m;
}

static char *module_name(const gs_package_list *list, struct roots *rs, const char *path,
			 size_t len, gs_buf *scratch)
{
	const char *slash;
	size_t root_end, plen;
	gs_package *parent;
	gs_buf m = GS_BUF_INIT;
	char *pm;

	if (match_root(&root_end, rs, path, len, scratch))
		return dotted(path + root_end, len - root_end);
	slash = NULL;
	for (plen = len; plen > 0; plen--)
		if (path[plen - 1] == '/') {
			slash = path + plen - 1;
			break;
		}
	if (!slash)
		return gs_xstrndup(path, len);
	parent = list ? find_len(list, path, (size_t)(slash - path)) : NULL;
	if (!parent)
		return gs_xstrndup(slash + 1, len - (size_t)(slash - path) - 1);
	/*
	 * No root contains the parent either (a root strictly containing it
	 * would contain this package), so its name is its own chain.
	 */
	pm = parent->module ? NULL : module_name(list, rs, parent->path, strlen(parent->path), scratch);
	gs_buf_puts(&m, parent->module ? parent->module : pm);
	gs_buf_putc(&m, '.');
	gs_buf_put(&m, slash + 1, len - (size_t)(slash - path) - 1);
	free(pm);
	return gs_buf_detach(&m, NULL);
}

char *gs_module_name(const gs_package_list *list, const gs_config *cfg, const char *path)
{
	gs_buf scratch = GS_BUF_INIT;
	size_t len = strlen(path);
	struct roots rs;
	char *m;

	while (len && path[len - 1] == '/')
		len--;
	roots_init(&rs, cfg);
	m = module_name(list, &rs, path, len, &scratch);
	roots_release(&rs);
	gs_buf_release(&scratch);
	return m;
}

void gs_package_list_clear(gs_package_list *list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < list->nr; i++) {
		free(list->v[i].path);
		free(list->v[i].module);
	}
	free(list->v);
	list->v = NULL;
	list->nr = list->alloc = 0;
	gs_strvec_clear(&list->ignore);
}

/* The deepest package strictly containing path[0..len). */
static const gs_package *containing(const gs_package_list *list, const char *path, size_t len)
{
	const gs_package *p;

	while (len) {
		len--;
		if (path[len] != '/')
			continue;
		if ((p = find_len(list, path, len)))
			return p;
	}
	return NULL;
}

/*
 * The namespace modules (DESIGN 1) among the directories of `es`, added to
 * the packages of `out` (sorted by path, namespace modules not yet among
 * them), which stay sorted: each directory strictly below an import root,
 * not ignored, outside every package, that directly holds a regular
 * source file of the language.
 */
static void add_namespace_modules(gs_package_list *out, const struct entries *es,
				  struct roots *rs, gs_buf *scratch)
{
	size_t i, n = es->src ? gs_source_count(es->src) : es->nr, root_end, nr = 0, alloc = 0;
	const char *last = NULL;
	size_t last_len = 0;
	gs_package *found = NULL;
	const gs_language *lang = gs_language_default();

	for (i = 0; i < n; i++) {
		const gs_source_entry *e = entry_at(es, i);
		const char *path = e->path, *slash;
		size_t len = strlen(path), dlen;

		if (!GS_MODE_IS_REGULAR(e->mode) || !lang->is_source(path, len))
			continue;
		if (!(slash = strrchr(path, '/')))
			continue;
		dlen = (size_t)(slash - path);
		/* Files of one directory are consecutive but for subdirectories. */
		if (last && last_len == dlen && !memcmp(last, path, dlen))
			continue;
		last = path;
		last_len = dlen;
		if (find_len(out, path, dlen) || containing(out, path, dlen) ||
		    !match_root(&root_end, rs, path, dlen, scratch) ||
		    dirs_ignored(&out->ignore, path, 0, dlen, scratch))
			continue;
		GS_ALLOC_GROW(found, nr + 1, alloc);
		found[nr].path = gs_xstrndup(path, dlen);
		found[nr].module = NULL;
		found[nr].leaf = 1;
		found[nr].namespace = 1;
		nr++;
	}
	if (!nr)
		return;
	GS_ALLOC_GROW(out->v, out->nr + nr, out->alloc);
	memcpy(out->v + out->nr, found, nr * sizeof(*found));
	out->nr += nr;
	free(found);
	GS_QSORT(out->v, out->nr, cmp_package);
	/* A directory seen twice (its files around a subdirectory's): once. */
	for (i = 1; i < out->nr; i++) {
		if (strcmp(out->v[i - 1].path, out->v[i].path))
			continue;
		free(out->v[i].path);
		memmove(&out->v[i], &out->v[i + 1], (out->nr - i - 1) * sizeof(*out->v));
		out->nr--;
		i--;
	}
}

static int scan(gs_package_list *out, const struct entries *es, const gs_config *cfg)
{
	const gs_language *lang = gs_language_default();
	gs_buf scratch = GS_BUF_INIT;
	struct roots rs;
	size_t i, j, n = es->src ? gs_source_count(es->src) : es->nr;
	/* The last directory found not ignored: the next ones share most of it. */
	const char *ok_path = NULL;
	size_t ok_len = 0;

	gs_package_list_clear(out);
	if (cfg) {
		for (i = 0; i < cfg->ignore.nr; i++)
			gs_strvec_push(&out->ignore, cfg->ignore.v[i]);
	} else {
		for (i = 0; i < GS_ARRAY_SIZE(default_ignore); i++)
			gs_strvec_push(&out->ignore, default_ignore[i]);
	}

	/* One pass: only paths ending in a package marker cost more than a strlen. */
	for (i = 0; i < n; i++) {
		const gs_source_entry *e = entry_at(es, i);
		const char *path = e->path;
		size_t len = strlen(path), dlen, from = 0, slen;

		if (!(slen = marker_suffix(lang, path, len)))
			continue;
		if (!GS_MODE_IS_REGULAR(e->mode))
			continue;
		dlen = len - slen;
		/*
		 * Several markers of one package (Python's module and stub):
		 * the package is the last one found.
		 */
		if (out->nr && strlen(out->v[out->nr - 1].path) == dlen &&
		    !memcmp(out->v[out->nr - 1].path, path, dlen))
			continue;
		if (ok_path) {
			/* Skip the leading directories already known not to be ignored. */
			for (j = 0; j < ok_len && j < dlen && ok_path[j] == path[j]; j++)
				if (path[j] == '/')
					from = j + 1;
			if (j == ok_len && j < dlen && path[j] == '/')
				from = j + 1;
			else if (j == dlen && (j == ok_len || ok_path[j] == '/'))
				from = dlen;
		}
		if (dirs_ignored(&out->ignore, path, from, dlen, &scratch))
			continue;
		ok_path = path;
		ok_len = dlen;
		GS_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		out->v[out->nr].path = gs_xstrndup(path, dlen);
		out->v[out->nr].module = NULL;
		out->v[out->nr].leaf = 1;
		out->v[out->nr].namespace = 0;
		out->nr++;
	}

	/*
	 * Entries are sorted by file path, which is not the order of their
	 * directories ("a-b/M" < "a/M" but "a" < "a-b").
	 */
	for (i = 1; i < out->nr; i++)
		if (strcmp(out->v[i - 1].path, out->v[i].path) > 0)
			break;
	if (i < out->nr)
		GS_QSORT(out->v, out->nr, cmp_package);

	roots_init(&rs, cfg);
	if (rs.nr)
		add_namespace_modules(out, es, &rs, &scratch);

	for (i = 0; i < out->nr; i++) {
		const char *p = out->v[i].path;
		size_t plen = strlen(p);

		/*
		 * Packages below P are contiguous from the first path > "P/";
		 * only siblings like "P-x" ("-" < "/") can come in between.
		 */
		for (j = i + 1; j < out->nr; j++) {
			const char *q = out->v[j].path;

			if (strncmp(q, p, plen) || q[plen] >= '/')
				break;
		}
		if (j < out->nr && !strncmp(out->v[j].path, p, plen) && out->v[j].path[plen] == '/')
			out->v[i].leaf = 0;
		/* In path order a parent package comes first: its name is known. */
		out->v[i].module = module_name(out, &rs, p, plen, &scratch);
	}
	roots_release(&rs);
	gs_buf_release(&scratch);
	return 0;
}

const gs_source_entry *gs_package_init_file(const gs_source *src, const gs_package *pkg)
{
	const char *const *marker = gs_language_default()->package_markers;
	gs_buf path = GS_BUF_INIT;
	const gs_source_entry *e = NULL;

	for (; *marker; marker++) {
		gs_buf_clear(&path);
		gs_buf_printf(&path, "%s/%s", pkg->path, *marker);
		e = gs_source_lookup(src, path.ptr);
		if (e && GS_MODE_IS_REGULAR(e->mode))
			break;
		e = NULL;
	}
	gs_buf_release(&path);
	return e;
}

int gs_packages_scan(gs_package_list *out, const gs_source *src, const gs_config *cfg)
{
	struct entries es = { src, NULL, 0 };

	return scan(out, &es, cfg);
}

int gs_packages_scan_entries(gs_package_list *out, const gs_source_entry *entries, size_t nr,
			     const gs_config *cfg)
{
	struct entries es = { NULL, entries, nr };

	return scan(out, &es, cfg);
}

const gs_package *gs_packages_find(const gs_package_list *list, const char *path)
{
	size_t len = strlen(path);

	while (len && path[len - 1] == '/')
		len--;
	return find_len(list, path, len);
}

const gs_package *gs_packages_for_file(const gs_package_list *list, const char *file)
{
	return containing(list, file, strlen(file));
}

const gs_package *gs_packages_nearest(const gs_package_list *list, const char *path)
{
	size_t len = strlen(path), lo = 0, hi = list->nr, i, best_depth = 0;
	const gs_package *p, *best = NULL;

	while (len && path[len - 1] == '/')
		len--;
	if ((p = find_len(list, path, len)) || (p = containing(list, path, len)))
		return p;
	/* Below: the packages under "PATH/" are contiguous; "" means all. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strncmp(list->v[mid].path, path, len);

		if (r < 0 || (!r && len && list->v[mid].path[len] < '/'))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < list->nr; i++) {
		const char *q = list->v[i].path;
		size_t depth;

		if (len && (strncmp(q, path, len) || q[len] != '/'))
			break;
		depth = count_components(q, strlen(q));
		if (!best || depth < best_depth) {
			best = &list->v[i];
			best_depth = depth;
		}
	}
	return best;
}

static int files(const gs_source_entry ***out, size_t *out_nr, const struct entries *es,
		 const gs_package_list *list, const gs_package *pkg, int rollup)
{
	gs_buf prefix = GS_BUF_INIT, scratch = GS_BUF_INIT;
	const gs_source_entry **v = NULL;
	size_t nr = 0, alloc = 0, begin, end, i, plen;
	const gs_language *lang = gs_language_default();
	/* Files of one directory are mostly consecutive: remember its verdict. */
	const char *last_dir = NULL;
	size_t last_len = 0;
	int last_skip = 0;

	gs_buf_printf(&prefix, "%s/", pkg->path);
	plen = prefix.size;
	entries_prefix_range(es, prefix.ptr, &begin, &end);
	for (i = begin; i < end; i++) {
		const gs_source_entry *e = entry_at(es, i);
		const char *path = e->path, *slash;
		size_t len = strlen(path), dlen, j;
		int skip = 0;

		if (!GS_MODE_IS_REGULAR(e->mode) || !lang->is_source(path, len))
			continue;
		slash = strrchr(path, '/');
		dlen = (size_t)(slash - path);
		if (pkg->namespace && !rollup && dlen >= plen)
			continue;
		if (dlen >= plen) {
			if (last_dir && last_len == dlen && !memcmp(last_dir, path, dlen)) {
				skip = last_skip;
			} else {
				skip = dirs_ignored(&list->ignore, path, plen, dlen, &scratch);
				for (j = plen; !skip && !rollup && j <= dlen; j++)
					if ((j == dlen || path[j] == '/') && find_len(list, path, j))
						skip = 1;
				last_dir = path;
				last_len = dlen;
				last_skip = skip;
			}
		}
		if (skip)
			continue;
		GS_ALLOC_GROW(v, nr + 1, alloc);
		v[nr++] = e;
	}
	*out = v;
	*out_nr = nr;
	gs_buf_release(&prefix);
	gs_buf_release(&scratch);
	return 0;
}

int gs_package_files(const gs_source_entry ***out, size_t *out_nr, const gs_source *src,
		     const gs_package_list *list, const gs_package *pkg, int rollup)
{
	struct entries es = { src, NULL, 0 };

	return files(out, out_nr, &es, list, pkg, rollup);
}

int gs_package_files_entries(const gs_source_entry ***out, size_t *out_nr,
			     const gs_source_entry *entries, size_t nr,
			     const gs_package_list *list, const gs_package *pkg, int rollup)
{
	struct entries es = { NULL, entries, nr };

	return files(out, out_nr, &es, list, pkg, rollup);
}
