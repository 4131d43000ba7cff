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

int gs_language_is_source(const char *path)
{
	const gs_language *l = gs_language_default();
	size_t a = strlen(path), b = strlen(l->source_suffix);

	return a >= b && !strcmp(path + a - b, l->source_suffix);
}

int gs_language_is_marker(const char *path)
{
	const gs_language *l = gs_language_default();
	const char *slash = strrchr(path, '/');

	return !strcmp(slash ? slash + 1 : path, l->package_marker);
}

void gs_language_marker_path(gs_buf *out, const char *dir, size_t dir_len)
{
	if (dir_len) {
		gs_buf_put(out, dir, dir_len);
		gs_buf_putc(out, '/');
	}
	gs_buf_puts(out, gs_language_default()->package_marker);
}
