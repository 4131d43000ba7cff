#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "gitspec/python.h"
#include "gitspec/contract.h"

/*
 * Golden contracts. Each directory tests/golden/CASE holds:
 *
 *   package           the package path, relative to src/ (one line)
 *   src/...           the sources; src/ plays the repository root
 *   public.md all.md tests.md all.json
 *                     the expected contracts, or VARIANT.error (and
 *                     all.json.error) holding the expected error message
 *                     when the variant cannot be derived (DESIGN 2.6)
 *
 * The module name is the package path with '/' turned into '.'. Files are
 * selected with gs_variant_selects and the default test patterns.
 * GIT_SPEC_UPDATE_GOLDEN=1 rewrites the expected files from the output;
 * check every one of them by hand against DESIGN 2.4/2.5 before committing.
 */

static const char *const test_patterns[] = { "test_*.py", "*_test.py", "conftest.py" };

struct file {
	char *path; /* relative to src/ */
	gs_module *mod;
	char *error;
	int is_test;
};

struct files {
	struct file *v;
	size_t nr, alloc;
};

static char *path_join(const char *a, const char *b)
{
	gs_buf buf = GS_BUF_INIT;

	gs_buf_printf(&buf, "%s/%s", a, b);
	return gs_buf_detach(&buf, NULL);
}

static int read_file(gs_buf *out, const char *path)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	gs_buf_clear(out);
	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gs_buf_put(out, chunk, n);
	fclose(f);
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISREG(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names in a directory, without . and .. */
static char **list_dir(const char *dir, size_t *nr)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t alloc = 0;

	*nr = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		GS_ALLOC_GROW(v, *nr + 1, alloc);
		v[(*nr)++] = gs_xstrdup(e->d_name);
	}
	closedir(d);
	if (*nr)
		qsort(v, *nr, sizeof(*v), cmp_str);
	return v;
}

static void free_list(char **v, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(v[i]);
	free(v);
}

static int is_test_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *py = NULL;
	size_t i, len;
	int found = 0;

	base = base ? base + 1 : path;
	/* A stub is a test file when its .py name would be. */
	len = strlen(base);
	if (len > 4 && !strcmp(base + len - 4, ".pyi")) {
		py = gs_xstrndup(base, len - 1);
		base = py;
	}
	for (i = 0; i < GS_ARRAY_SIZE(test_patterns); i++) {
		if (!fnmatch(test_patterns[i], base, 0))
			found = 1;
	}
	free(py);
	return found;
}

static int is_python_name(const char *name)
{
	size_t len = strlen(name);

	return (len > 3 && !strcmp(name + len - 3, ".py")) ||
		(len > 4 && !strcmp(name + len - 4, ".pyi"));
}

/* The files of the package at `rel` (DESIGN 1): subpackages excluded. */
static void collect(struct files *fs, const char *src, const char *rel, int top)
{
	char *dir = path_join(src, rel);
	char *init = path_join(dir, "__init__.py");
	char *stub = path_join(dir, "__init__.pyi");
	char **names;
	size_t nr, i;

	if (!top && (is_file(init) || is_file(stub)))
		goto done;
	names = list_dir(dir, &nr);
	for (i = 0; i < nr; i++) {
		char *relpath = path_join(rel, names[i]);
		char *full = path_join(src, relpath);

		if (is_dir(full)) {
			collect(fs, src, relpath, 0);
		} else if (is_file(full) && is_python_name(names[i])) {
			GS_ALLOC_GROW(fs->v, fs->nr + 1, fs->alloc);
			memset(&fs->v[fs->nr], 0, sizeof(fs->v[fs->nr]));
			fs->v[fs->nr++].path = gs_xstrdup(relpath);
		}
		free(full);
		free(relpath);
	}
	free_list(names, nr);
done:
	free(init);
	free(stub);
	free(dir);
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->path, ((const struct file *)b)->path);
}

/* Print where `expect` and `got` differ, diff -u style, and fail. */
static void report_diff(const char *name, const gs_buf *expect, const gs_buf *got)
{
	const char *e = expect->ptr, *g = got->ptr;
	const char *ee = e + expect->size, *ge = g + got->size;
	size_t line = 1, shown = 0;
	const char *ctx[3] = { NULL, NULL, NULL };

	/* Skip the common lines, keeping three of context. */
	for (;;) {
		const char *en = memchr(e, '\n', (size_t)(ee - e));
		const char *gn = memchr(g, '\n', (size_t)(ge - g));
		size_t el = en ? (size_t)(en - e) + 1 : (size_t)(ee - e);
		size_t gl = gn ? (size_t)(gn - g) + 1 : (size_t)(ge - g);

		if (!el || el != gl || memcmp(e, g, el))
			break;
		ctx[0] = ctx[1];
		ctx[1] = ctx[2];
		ctx[2] = e;
		e += el;
		g += gl;
		line++;
	}
	/* And the common lines at the end. */
	while (ee > e && ge > g) {
		const char *el = ee, *gl = ge;

		/* Start of the last line of each side (its '\n' included). */
		el--;
		gl--;
		while (el > e && el[-1] != '\n')
			el--;
		while (gl > g && gl[-1] != '\n')
			gl--;
		if (ee - el != ge - gl || memcmp(el, gl, (size_t)(ee - el)))
			break;
		ee = el;
		ge = gl;
	}
	print_message("--- expected %s\n+++ actual %s\n@@ line %zu @@\n", name, name, line);
	for (shown = 0; shown < 3; shown++) {
		if (ctx[shown]) {
			const char *n = strchr(ctx[shown], '\n');

			print_message(" %.*s\n", (int)(n ? n - ctx[shown] : (long)strlen(ctx[shown])), ctx[shown]);
		}
	}
	for (shown = 0; e < ee && shown < 40; shown++) {
		const char *n = memchr(e, '\n', (size_t)(ee - e));
		size_t l = n ? (size_t)(n - e) : (size_t)(ee - e);

		print_message("-%.*s\n", (int)l, e);
		e += l + (n ? 1 : 0);
	}
	for (shown = 0; g < ge && shown < 40; shown++) {
		const char *n = memchr(g, '\n', (size_t)(ge - g));
		size_t l = n ? (size_t)(n - g) : (size_t)(ge - g);

		print_message("+%.*s\n", (int)l, g);
		g += l + (n ? 1 : 0);
	}
	if (expect->size && expect->ptr[expect->size - 1] != '\n')
		print_message("\\ No newline at end of expected file\n");
	if (got->size && got->ptr[got->size - 1] != '\n')
		print_message("\\ No newline at end of actual output\n");
}

static int write_file(const char *path, const gs_buf *data)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data->ptr, 1, data->size, f) == data->size;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Compare `got` with CASE/NAME (or CASE/NAME.error when is_error). */
static int compare(const char *casedir, const char *name, const gs_buf *got, int is_error)
{
	gs_buf file = GS_BUF_INIT, expect = GS_BUF_INIT;
	char *ok_path, *err_path;
	int failed = 0;

	gs_buf_printf(&file, "%s.error", name);
	err_path = path_join(casedir, file.ptr);
	ok_path = path_join(casedir, name);
	if (getenv("GIT_SPEC_UPDATE_GOLDEN") && !strcmp(getenv("GIT_SPEC_UPDATE_GOLDEN"), "1")) {
		unlink(is_error ? ok_path : err_path);
		if (write_file(is_error ? err_path : ok_path, got))
			fail_msg("cannot write '%s'", is_error ? err_path : ok_path);
		goto done;
	}
	if (read_file(&expect, is_error ? err_path : ok_path)) {
		print_message("missing expected file '%s'; output was:\n%s\n",
			      is_error ? err_path : ok_path, got->ptr);
		failed = 1;
		goto done;
	}
	if (is_file(is_error ? ok_path : err_path)) {
		print_message("both '%s' and '%s' exist\n", ok_path, err_path);
		failed = 1;
		goto done;
	}
	if (!gs_buf_equal(&expect, got)) {
		gs_buf label = GS_BUF_INIT;

		gs_buf_printf(&label, "%s/%s%s", casedir, name, is_error ? ".error" : "");
		report_diff(label.ptr, &expect, got);
		gs_buf_release(&label);
		failed = 1;
	}
done:
	free(ok_path);
	free(err_path);
	gs_buf_release(&file);
	gs_buf_release(&expect);
	return failed;
}

static void run_case(void **state)
{
	const char *casedir = *state;
	char *src = path_join(casedir, "src");
	char *pkgfile = path_join(casedir, "package");
	gs_buf pkg = GS_BUF_INIT, data = GS_BUF_INIT, module = GS_BUF_INIT, out = GS_BUF_INIT;
	struct files fs = { NULL, 0, 0 };
	gs_python *py = NULL;
	size_t i;
	int v, failed = 0;
	const gs_module *init = NULL;
	const char *init_error = NULL;
	int init_py = 0;

	if (read_file(&pkg, pkgfile))
		fail_msg("cannot read '%s'", pkgfile);
	gs_buf_rtrim(&pkg);
	gs_buf_puts(&module, pkg.ptr);
	for (i = 0; i < module.size; i++) {
		if (module.ptr[i] == '/')
			module.ptr[i] = '.';
	}
	collect(&fs, src, pkg.ptr, 1);
	if (fs.nr)
		qsort(fs.v, fs.nr, sizeof(*fs.v), cmp_file);

	assert_int_equal(gs_python_new(&py), 0);
	for (i = 0; i < fs.nr; i++) {
		struct file *f = &fs.v[i];
		char *full = path_join(src, f->path);
		const char *base = strrchr(f->path, '/');

		base = base ? base + 1 : f->path;
		if (read_file(&data, full))
			fail_msg("cannot read '%s'", full);
		free(full);
		f->is_test = is_test_name(f->path);
		if (gs_python_extract(&f->mod, py, f->path, data.ptr, data.size))
			f->error = gs_xstrdup(gs_error_last());
		/* __init__.py, or __init__.pyi when there is none, holds Exports. */
		if ((!strcmp(base, "__init__.py") || (!strcmp(base, "__init__.pyi") && !init_py)) &&
		    !strchr(f->path + strlen(pkg.ptr) + 1, '/')) {
			init = f->mod;
			init_error = f->error;
			init_py |= !strcmp(base, "__init__.py");
		}
	}

	for (v = 0; v <= GS_VARIANT_COUNT; v++) {
		gs_variant variant = v == GS_VARIANT_COUNT ? GS_VARIANT_ALL : (gs_variant)v;
		const gs_module **sel = gs_xcalloc(fs.nr + 1, sizeof(*sel));
		const char *error = variant != GS_VARIANT_TESTS ? init_error : NULL;
		gs_contract_view view;
		gs_buf name = GS_BUF_INIT;

		memset(&view, 0, sizeof(view));
		for (i = 0; i < fs.nr; i++) {
			if (!gs_variant_selects(variant, fs.v[i].path, fs.v[i].is_test))
				continue;
			if (fs.v[i].error && !error)
				error = fs.v[i].error;
			sel[view.files_nr++] = fs.v[i].mod;
		}
		view.package = pkg.ptr;
		view.module = module.ptr;
		view.variant = variant;
		view.init = variant != GS_VARIANT_TESTS ? init : NULL;
		view.files = sel;
		gs_buf_clear(&out);
		if (error)
			gs_buf_printf(&out, "%s\n", error);
		else if (v == GS_VARIANT_COUNT)
			gs_render_json(&out, &view);
		else
			gs_render_markdown(&out, &view);
		if (v == GS_VARIANT_COUNT)
			gs_buf_puts(&name, "all.json");
		else
			gs_buf_printf(&name, "%s.md", gs_variant_name(variant));
		failed |= compare(casedir, name.ptr, &out, error != NULL);
		gs_buf_release(&name);
		free(sel);
	}

	for (i = 0; i < fs.nr; i++) {
		free(fs.v[i].path);
		free(fs.v[i].error);
		gs_module_free(fs.v[i].mod);
	}
	free(fs.v);
	gs_python_free(py);
	gs_buf_release(&pkg);
	gs_buf_release(&data);
	gs_buf_release(&module);
	gs_buf_release(&out);
	free(src);
	free(pkgfile);
	if (failed)
		fail_msg("golden case '%s' differs", casedir);
}

static char *find_root(const char *argv0)
{
	const char *env = getenv("GIT_SPEC_TEST_DATA");
	gs_buf b = GS_BUF_INIT;
	char *dir, *slash;

	if (env && *env) {
		gs_buf_printf(&b, "%s/golden", env);
		if (is_dir(b.ptr))
			return gs_buf_detach(&b, NULL);
	}
	gs_buf_sets(&b, "tests/golden");
	if (is_dir(b.ptr))
		return gs_buf_detach(&b, NULL);
	/* BUILD/tests/test_golden -> tests/golden beside BUILD */
	dir = gs_xstrdup(argv0);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		gs_buf_clear(&b);
		gs_buf_printf(&b, "%s/../../tests/golden", dir);
	}
	free(dir);
	if (is_dir(b.ptr))
		return gs_buf_detach(&b, NULL);
	gs_buf_release(&b);
	return NULL;
}

int main(int argc, char **argv)
{
	char *root = find_root(argc > 0 ? argv[0] : "");
	char **names = NULL;
	struct CMUnitTest *tests;
	char **dirs;
	size_t nr = 0, i, n = 0;
	int rc;

	if (!root) {
		fprintf(stderr, "test_golden: cannot find tests/golden; set GIT_SPEC_TEST_DATA\n");
		return 1;
	}
	names = list_dir(root, &nr);
	tests = gs_xcalloc(nr + 1, sizeof(*tests));
	dirs = gs_xcalloc(nr + 1, sizeof(*dirs));
	for (i = 0; i < nr; i++) {
		char *dir = path_join(root, names[i]);
		char *pkg = path_join(dir, "package");

		if (is_dir(dir) && is_file(pkg)) {
			dirs[n] = dir;
			tests[n].name = names[i];
			tests[n].test_func = run_case;
			tests[n].initial_state = dir;
			n++;
		} else {
			free(dir);
		}
		free(pkg);
	}
	if (!n) {
		fprintf(stderr, "test_golden: no cases in '%s'\n", root);
		return 1;
	}
	rc = _cmocka_run_group_tests("golden", tests, n, NULL, NULL);
	for (i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
	free(tests);
	free_list(names, nr);
	free(root);
	return rc;
}
