/*
 * Import roots from pyproject.toml: what each build backend names as the
 * directory its packages are found in (see pyproject.h for the keys).
 */
#include <stdlib.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/source.h"
#include "gitspec/config.h"
#include "gitspec/toml.h"
#include "gitspec/pyproject.h"
#include "gitspec/language.h"

#define PYPROJECT "pyproject.toml"
#define PYPROJECT_LEN (sizeof(PYPROJECT) - 1)
/* Larger than any real pyproject.toml by far; a bigger one is not read. */
#define PYPROJECT_MAX (4 * 1024 * 1024)

/*
 * `dir` joined with the relative path `rel`, normalised ("." and ".."
 * resolved, no trailing '/'), into `out`; -1 when `rel` is absolute or
 * leaves the repository.
 */
static int join(gs_buf *out, const char *dir, const char *rel, size_t rlen)
{
	size_t i = 0;

	gs_buf_sets(out, dir);
	if (!rlen || rel[0] == '/' || memchr(rel, '\\', rlen) || memchr(rel, '\0', rlen))
		return rlen ? -1 : 0;
	while (i < rlen) {
		size_t start = i, n;

		while (i < rlen && rel[i] != '/')
			i++;
		n = i - start;
		if (i < rlen)
			i++;
		if (!n || (n == 1 && rel[start] == '.'))
			continue;
		if (n == 2 && rel[start] == '.' && rel[start + 1] == '.') {
			char *slash;

			if (!out->size)
				return -1;
			slash = strrchr(out->ptr, '/');
			gs_buf_setlen(out, slash ? (size_t)(slash - out->ptr) : 0);
			continue;
		}
		if (out->size)
			gs_buf_putc(out, '/');
		gs_buf_put(out, rel + start, n);
	}
	return 0;
}

static void add_root(gs_strvec *out, const char *dir, const char *rel, size_t rlen)
{
	gs_buf root = GS_BUF_INIT;

	if (!join(&root, dir, rel, rlen))
		gs_strvec_push(out, root.ptr);
	gs_buf_release(&root);
}

static int is_string(const gs_toml_value *v)
{
	return v && v->type == GS_TOML_STRING;
}

/* Every string of an array (or a lone string) as a root. */
static void add_strings(gs_strvec *out, const char *dir, const gs_toml_value *v)
{
	size_t i;

	if (is_string(v)) {
		add_root(out, dir, v->str, v->len);
		return;
	}
	if (!v || v->type != GS_TOML_ARRAY)
		return;
	for (i = 0; i < v->nr; i++)
		if (is_string(v->items[i]))
			add_root(out, dir, v->items[i]->str, v->items[i]->len);
}

/*
 * `path` ends with the components `tail` (whole components): the length
 * of what comes before them (without the '/'), or -1.
 */
static long strip_tail(const char *path, size_t plen, const char *tail, size_t tlen)
{
	while (plen && path[plen - 1] == '/')
		plen--;
	if (!tlen)
		return (long)plen;
	if (tlen > plen || memcmp(path + plen - tlen, tail, tlen))
		return -1;
	if (tlen == plen)
		return 0;
	if (path[plen - tlen - 1] != '/')
		return -1;
	return (long)(plen - tlen - 1);
}

/*
 * A mapping of import names (dotted, or a path for hatch) to directories:
 * {"" = DIR} makes DIR a root; {"a.b" = "DIR/a/b"} makes DIR one, since
 * the package keeps its name below it. Renaming mappings name no root.
 */
static void add_mapping(gs_strvec *out, const char *dir, const gs_toml_value *t, int dotted_keys,
			int value_is_name)
{
	gs_buf name = GS_BUF_INIT;
	size_t i, j;

	if (!t || t->type != GS_TOML_TABLE)
		return;
	for (i = 0; i < t->nr; i++) {
		const gs_toml_value *v = t->items[i];
		const char *from, *to;
		size_t from_len;
		long cut;

		if (!is_string(v))
			continue;
		/* setuptools: name -> directory; hatch sources: directory -> name */
		from = value_is_name ? t->keys[i] : v->str;
		from_len = strlen(from);
		to = value_is_name ? v->str : t->keys[i];
		gs_buf_sets(&name, to);
		if (dotted_keys)
			for (j = 0; j < name.size; j++)
				if (name.ptr[j] == '.')
					name.ptr[j] = '/';
		if ((cut = strip_tail(from, from_len, name.ptr, name.size)) >= 0)
			add_root(out, dir, from, (size_t)cut);
	}
	gs_buf_release(&name);
}

/* hatch's packages = ["src/pkg"]: the directory each package sits in. */
static void add_parents(gs_strvec *out, const char *dir, const gs_toml_value *v)
{
	size_t i;

	if (!v || v->type != GS_TOML_ARRAY)
		return;
	for (i = 0; i < v->nr; i++) {
		const gs_toml_value *p = v->items[i];
		size_t len;

		if (!is_string(p))
			continue;
		len = p->len;
		while (len && p->str[len - 1] == '/')
			len--;
		/* the directory part: up to the last '/' */
		while (len && p->str[len - 1] != '/')
			len--;
		add_root(out, dir, p->str, len);
	}
}

/* poetry's packages = [{include = "pkg", from = "src"}]. */
static void add_poetry(gs_strvec *out, const char *dir, const gs_toml_value *v)
{
	size_t i;

	if (!v || v->type != GS_TOML_ARRAY)
		return;
	for (i = 0; i < v->nr; i++) {
		const gs_toml_value *from;

		if (v->items[i]->type != GS_TOML_TABLE || !gs_toml_get(v->items[i], "include"))
			continue;
		from = gs_toml_get(v->items[i], "from");
		if (is_string(from))
			add_root(out, dir, from->str, from->len);
		else
			add_root(out, dir, ".", 1);
	}
}

int gs_pyproject_roots(gs_strvec *out, const char *dir, const char *path,
		       const char *data, size_t len)
{
	static const char *const hatch[] = { "tool.hatch.build.targets.wheel", "tool.hatch.build" };
	gs_toml_value *doc = NULL;
	gs_strvec found = GS_STRVEC_INIT;
	const gs_toml_value *v;
	size_t i;
	int error;

	if ((error = gs_toml_parse(&doc, path, data, len)) < 0)
		goto done;
	add_strings(&found, dir, gs_toml_get(doc, "tool.setuptools.packages.find.where"));
	add_mapping(&found, dir, gs_toml_get(doc, "tool.setuptools.package-dir"), 1, 0);
	for (i = 0; i < GS_ARRAY_SIZE(hatch); i++) {
		const gs_toml_value *t = gs_toml_get(doc, hatch[i]);

		add_parents(&found, dir, gs_toml_get(t, "packages"));
		v = gs_toml_get(t, "sources");
		if (v && v->type == GS_TOML_TABLE)
			add_mapping(&found, dir, v, 0, 1);
		else
			add_strings(&found, dir, v);
	}
	add_poetry(&found, dir, gs_toml_get(doc, "tool.poetry.packages"));
	add_strings(&found, dir, gs_toml_get(doc, "tool.pdm.build.package-dir"));
	add_strings(&found, dir, gs_toml_get(doc, "tool.pdm.package-dir"));
	add_strings(&found, dir, gs_toml_get(doc, "tool.uv.build-backend.module-root"));
	add_strings(&found, dir, gs_toml_get(doc, "tool.maturin.python-source"));
	gs_strvec_sort_uniq(&found);
	for (i = 0; i < found.nr; i++)
		gs_strvec_push(out, found.v[i]);
done:
	gs_strvec_clear(&found);
	gs_toml_free(doc);
	return error;
}

/* Whether a directory of path[0..dlen) is skipped when looking for packages. */
static int in_ignored_dir(const gs_config *cfg, const char *path, size_t dlen, gs_buf *scratch)
{
	size_t i, start = 0;

	for (i = 0; i <= dlen; i++) {
		if (i < dlen && path[i] != '/')
			continue;
		if (i > start) {
			gs_buf_set(scratch, path, i);
			if (gs_config_is_ignored_dir(cfg, scratch->ptr, scratch->ptr + start))
				return 1;
		}
		start = i + 1;
	}
	return 0;
}

/* Whether some regular source file (sources and stubs) lies below `dir` ("DIR/"). */
static int holds_python(const gs_source *src, const char *dir)
{
	size_t begin, end, i;

	gs_source_prefix_range(src, dir, &begin, &end);
	for (i = begin; i < end; i++) {
		const gs_source_entry *e = gs_source_get(src, i);
		size_t len = strlen(e->path);

		if (!GS_MODE_IS_REGULAR(e->mode))
			continue;
		if (gs_language_default()->is_source(e->path, len))
			return 1;
	}
	return 0;
}

int gs_pyproject_is_file(const char *path)
{
	size_t len = strlen(path);

	return len >= PYPROJECT_LEN && !memcmp(path + len - PYPROJECT_LEN, PYPROJECT, PYPROJECT_LEN) &&
		(len == PYPROJECT_LEN || path[len - PYPROJECT_LEN - 1] == '/');
}

/* A root as a pattern of cfg->roots: "." for the top, glob characters escaped. */
static void push_pattern(gs_strvec *roots, gs_strvec *origins, const char *root, const char *origin)
{
	gs_buf pat = GS_BUF_INIT;
	const char *p;

	if (!*root)
		gs_buf_putc(&pat, '.');
	for (p = root; *p; p++) {
		if (strchr("*?[\\", *p))
			gs_buf_putc(&pat, '\\');
		gs_buf_putc(&pat, *p);
	}
	gs_strvec_push(roots, pat.ptr);
	gs_strvec_push(origins, origin);
	gs_buf_release(&pat);
}

struct found_root {
	char *root;
	const char *origin;
};

static int cmp_found(const void *a, const void *b)
{
	const struct found_root *x = a, *y = b;
	int r = strcmp(x->root, y->root);

	return r ? r : strcmp(x->origin, y->origin);
}

/* The reader's error, with what the user can do about it. */
static int with_hint(int error)
{
	gs_buf msg = GS_BUF_INIT, where = GS_BUF_INIT;
	unsigned line = 0, column = 0;
	const char *path = gs_error_last_path(&line, &column);

	if (error != GS_EINPUT)
		return error;
	gs_buf_sets(&where, path ? path : "");
	gs_buf_sets(&msg, gs_error_last());
	error = gs_error_set_at(GS_EINPUT, where.ptr, line, column,
				"%s; import roots are read from every pyproject.toml when `roots` is "
				"not set: fix the file, list its directory under `ignore`, or set "
				"`roots` in " GS_CONFIG_FILE, msg.ptr);
	gs_buf_release(&msg);
	gs_buf_release(&where);
	return error;
}

int gs_pyproject_derive_roots(gs_strvec *roots, gs_strvec *origins, gs_source *src,
			      const gs_config *cfg)
{
	gs_buf data = GS_BUF_INIT, dir = GS_BUF_INIT, scratch = GS_BUF_INIT;
	gs_strvec one = GS_STRVEC_INIT;
	struct found_root *v = NULL;
	size_t i, j, n = gs_source_count(src), nr = 0, alloc = 0;
	int error = 0;

	for (i = 0; i < n; i++) {
		const gs_source_entry *e = gs_source_get(src, i);
		size_t len = strlen(e->path), dlen;

		if (!gs_pyproject_is_file(e->path) || !GS_MODE_IS_REGULAR(e->mode))
			continue;
		dlen = len > PYPROJECT_LEN ? len - PYPROJECT_LEN - 1 : 0;
		if (in_ignored_dir(cfg, e->path, dlen, &scratch))
			continue;
		if (e->size > PYPROJECT_MAX)
			continue;
		if ((error = gs_source_read(&data, src, e)) < 0)
			goto done;
		gs_buf_set(&dir, e->path, dlen);
		gs_strvec_clear(&one);
		if ((error = gs_pyproject_roots(&one, dir.ptr, e->path, data.ptr, data.size)) < 0) {
			error = with_hint(error);
			goto done;
		}
		gs_buf_puts(&dir, dlen ? "/src/" : "src/");
		if (holds_python(src, dir.ptr)) {
			gs_buf_setlen(&dir, dir.size - 1);
			gs_strvec_push(&one, dir.ptr);
		}
		for (j = 0; j < one.nr; j++) {
			GS_ALLOC_GROW(v, nr + 1, alloc);
			v[nr].root = gs_xstrdup(one.v[j]);
			v[nr].origin = e->path;
			nr++;
		}
	}
	GS_QSORT(v, nr, cmp_found);
	for (i = 0; i < nr; i++)
		if (!i || strcmp(v[i - 1].root, v[i].root))
			push_pattern(roots, origins, v[i].root, v[i].origin);
done:
	for (i = 0; i < nr; i++)
		free(v[i].root);
	free(v);
	gs_strvec_clear(&one);
	gs_buf_release(&data);
	gs_buf_release(&dir);
	gs_buf_release(&scratch);
	return error;
}
