/*
 * Python as a gs_language (language.h): what the engine outside the
 * extractor (python.c) needs to know about it.
 */
#include <string.h>
#include "gitspec/language.h"

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

const gs_language gs_language_python = {
	.id = "python",
	.name = "Python",
	.package_noun = "Python package",
	.package_markers = python_markers,
	.package_marker = "__init__.py",
	.test_patterns = python_tests,
	.is_source = python_is_source,
	.marker_len = python_marker_len,
};
