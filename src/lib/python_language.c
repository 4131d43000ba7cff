/*
 * Python as a gs_language (language.h): everything the engine, the
 * contract format and `git spec diff` know about Python comes from here;
 * the extractor itself is python.c.
 */
#include <string.h>
#include "gitspec/language.h"
#include "gitspec/python.h"

static const char *const python_markers[] = { "__init__.py", "__init__.pyi", NULL };
static const char *const python_tests[] = { "test_*.py", "*_test.py", "conftest.py", NULL };

/* Sources and stubs (DESIGN 1: both are files of a package). */
static int python_is_source(const char *path, size_t len)
{
	return (len >= 3 && !memcmp(path + len - 3, ".py", 3)) ||
		(len >= 4 && !memcmp(path + len - 4, ".pyi", 4));
}

#define INIT_PY "__init__.py"
#define INIT_PY_LEN (sizeof(INIT_PY) - 1)

/* "__init__.py" or "__init__.pyi", alone or after a '/' (DESIGN 1). */
static size_t python_marker_len(const char *path, size_t len)
{
	size_t n = len && path[len - 1] == 'i' ? INIT_PY_LEN + 1 : INIT_PY_LEN;

	if (len < n || memcmp(path + len - n, INIT_PY, INIT_PY_LEN))
		return 0;
	if (len > n && path[len - n - 1] != '/')
		return 0;
	return n;
}

/* The extractor (python.c) behind the language's opaque parser. */
static int python_parser_new(gs_parser **out)
{
	gs_python *py = NULL;
	int error = gs_python_new(&py);

	*out = (gs_parser *)py;
	return error;
}

static void python_parser_free(gs_parser *parser)
{
	gs_python_free((gs_python *)parser);
}

static int python_extract(gs_module **out, gs_parser *parser, const char *path,
			  const char *data, size_t len)
{
	return gs_python_extract(out, (gs_python *)parser, path, data, len);
}

/*
 * "a/b.py" below the package is ".a.b", "a/__init__.py" is ".a", the
 * package's own __init__.py nothing. Stubs keep their ".pyi" (as they
 * always have in `git spec diff`).
 */
static void python_module_suffix(gs_buf *out, const char *rel)
{
	size_t i;

	if (!strcmp(rel, INIT_PY))
		return;
	gs_buf_putc(out, '.');
	i = out->size;
	gs_buf_puts(out, rel);
	if (out->size - i > 3 && !strcmp(out->ptr + out->size - 3, ".py"))
		gs_buf_setlen(out, out->size - 3);
	if (out->size - i > 9 && !strcmp(out->ptr + out->size - 9, "/__init__"))
		gs_buf_setlen(out, out->size - 9);
	for (; i < out->size; i++)
		if (out->ptr[i] == '/')
			out->ptr[i] = '.';
}

/* No part of the name starts with '_' (the package's own __init__.py aside). */
static int python_module_public(const char *rel)
{
	const char *p = rel;

	while (*p) {
		const char *slash = strchr(p, '/');

		if (!slash)
			return *p != '_' || !strcmp(p, INIT_PY);
		if (*p == '_')
			return 0;
		p = slash + 1;
	}
	return 1;
}

const gs_language gs_language_python = {
	.id = "python",
	.name = "Python",
	.package_noun = "Python package",
	.package_markers = python_markers,
	.package_marker = "__init__.py",
	.test_patterns = python_tests,
	.is_source = python_is_source,
	.marker_len = python_marker_len,
	.parser_new = python_parser_new,
	.parser_free = python_parser_free,
	.extract = python_extract,
	.marker_prefix = "@",
	.markers_key = "decorators",
	.markers_changed = { "decorators_changed", "Decorators were changed" },
	.export_removed = { "all_name_removed", "Name was removed from __all__" },
	.module_suffix = python_module_suffix,
	.module_public = python_module_public,
};
