/*
 * Python as a gs_language: what the engine outside the extractor
 * (python.c) needs to know about it.
 */
#include <string.h>
#include "gitspec/language.h"
#include "gitspec/buf.h"

static const char *const python_tests[] = { "test_*.py", "*_test.py", "conftest.py", NULL };

static const gs_language python = {
	"Python",
	".py",
	"__init__.py",
	python_tests,
	"Python package"
};

const gs_language *gs_language_default(void)
{
	return &python;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t b = strlen(suffix);

	return len >= b && !strcmp(s + len - b, suffix);
}

/* Sources and stubs (DESIGN 1: both are files of a package). */
int gs_language_is_source(const char *path)
{
	size_t len = strlen(path);

	return ends_with(path, len, ".py") || ends_with(path, len, ".pyi");
}

int gs_language_is_marker(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;

	return !strcmp(base, "__init__.py") || !strcmp(base, "__init__.pyi");
}

void gs_language_marker_path(gs_buf *out, const char *dir, size_t dir_len)
{
	if (dir_len) {
		gs_buf_put(out, dir, dir_len);
		gs_buf_putc(out, '/');
	}
	gs_buf_puts(out, gs_language_default()->package_marker);
}
