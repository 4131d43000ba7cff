#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <cmocka.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/toml.h"
#include "gitspec/pyproject.h"

/* The roots of one pyproject.toml at `dir`, joined with ' '. */
static int roots_of(gs_buf *out, const char *dir, const char *text)
{
	gs_strvec roots = GS_STRVEC_INIT;
	size_t i;
	int error;

	gs_buf_clear(out);
	error = gs_pyproject_roots(&roots, dir, "p/pyproject.toml", text, strlen(text));
	for (i = 0; i < roots.nr; i++)
		gs_buf_printf(out, "%s%s", i ? " " : "", roots.v[i]);
	gs_strvec_clear(&roots);
	return error;
}

static void test_toml_values(void **state)
{
	const char *text =
		"# a comment\n"
		"name = \"x\\u00e9\\n\"\n"
		"lit = 'C:\\\\no\\escape'\n"
		"multi = \"\"\"\nline one \\\n    continued\"\"\"\n"
		"mlit = '''\nraw \\n'''\n"
		"n = 3\n"
		"a.b.c = [\"x\", 'y', [1, 2], {k = \"v\"}]\n"
		"\"quoted.key\" = true\n"
		"[tool.setuptools.packages.find]\n"
		"where = [\"src\"]  # trailing\n"
		"[[tool.poetry.packages]]\n"
		"include = \"one\"\n"
		"[[tool.poetry.packages]]\n"
		"include = \"two\"\n"
		"from = \"lib\"\n";
	gs_toml_value *doc = NULL;
	const gs_toml_value *v;

	(void)state;
	assert_int_equal(gs_toml_parse(&doc, "pyproject.toml", text, strlen(text)), 0);
	v = gs_toml_get(doc, "name");
	assert_non_null(v);
	assert_int_equal(v->type, GS_TOML_STRING);
	assert_string_equal(v->str, "x\xc3\xa9\n");
	assert_string_equal(gs_toml_get(doc, "lit")->str, "C:\\\\no\\escape");
	assert_string_equal(gs_toml_get(doc, "multi")->str, "line one continued");
	assert_string_equal(gs_toml_get(doc, "mlit")->str, "raw \\n");
	assert_int_equal(gs_toml_get(doc, "n")->type, GS_TOML_OTHER);
	assert_string_equal(gs_toml_get(doc, "n")->str, "3");
	v = gs_toml_get(doc, "a.b.c");
	assert_non_null(v);
	assert_int_equal(v->type, GS_TOML_ARRAY);
	assert_int_equal(v->nr, 4);
	assert_string_equal(v->items[1]->str, "y");
	assert_int_equal(v->items[2]->type, GS_TOML_ARRAY);
	assert_string_equal(gs_toml_get(v->items[3], "k")->str, "v");
	assert_null(gs_toml_get(doc, "quoted"));
	assert_non_null(gs_toml_get(doc, "tool.setuptools.packages.find.where"));
	assert_null(gs_toml_get(doc, "name.deeper"));
	v = gs_toml_get(doc, "tool.poetry.packages");
	assert_int_equal(v->type, GS_TOML_ARRAY);
	assert_int_equal(v->nr, 2);
	assert_string_equal(gs_toml_get(v->items[1], "from")->str, "lib");
	assert_int_equal(v->items[1]->line, 16);
	gs_toml_free(doc);
	gs_toml_free(NULL);
}

static void test_toml_errors(void **state)
{
	gs_toml_value *doc = NULL;
	const char *text;
	unsigned line = 0, column = 0;

	(void)state;
	/* A syntax error: the file, line and column, no crash. */
	text = "[project]\nname = \"x\"\nversion = = 1\n";
	assert_int_equal(gs_toml_parse(&doc, "sub/pyproject.toml", text, strlen(text)), GS_EINPUT);
	assert_null(doc);
	assert_non_null(strstr(gs_error_last(), "sub/pyproject.toml:3:"));
	assert_non_null(strstr(gs_error_last(), "not valid TOML"));
	assert_string_equal(gs_error_last_path(&line, &column), "sub/pyproject.toml");
	assert_int_equal(line, 3);

	text = "[tool]\nx = 1\n[tool]\ny = 2\n";
	assert_int_equal(gs_toml_parse(&doc, "pyproject.toml", text, strlen(text)), GS_EINPUT);
	assert_non_null(strstr(gs_error_last(), "pyproject.toml:3:"));
	assert_non_null(strstr(gs_error_last(), "table 'tool' is defined twice"));

	text = "a = 1\na = 2\n";
	assert_int_equal(gs_toml_parse(&doc, "pyproject.toml", text, strlen(text)), GS_EINPUT);
	assert_string_equal(gs_error_last(), "pyproject.toml:2:1: key 'a' is defined twice");

	text = "a = 1\n[a.b]\n";
	assert_int_equal(gs_toml_parse(&doc, "pyproject.toml", text, strlen(text)), GS_EINPUT);
	assert_non_null(strstr(gs_error_last(), "'a' is already a value"));

	text = "a = \"\\q\"\n";
	assert_int_equal(gs_toml_parse(&doc, "pyproject.toml", text, strlen(text)), GS_EINPUT);

	text = "unterminated = \"abc\n";
	assert_int_equal(gs_toml_parse(&doc, "pyproject.toml", text, strlen(text)), GS_EINPUT);
	assert_non_null(strstr(gs_error_last(), "pyproject.toml:1:"));

	assert_int_equal(gs_toml_parse(&doc, "pyproject.toml", "a = 1\0", 6), GS_EINPUT);

	/* Empty documents are fine. */
	assert_int_equal(gs_toml_parse(&doc, "pyproject.toml", "", 0), 0);
	assert_int_equal(doc->nr, 0);
	gs_toml_free(doc);
}

static void test_toml_deep(void **state)
{
	gs_buf text = GS_BUF_INIT;
	gs_toml_value *doc = NULL;
	int i;

	(void)state;
	gs_buf_puts(&text, "a = ");
	for (i = 0; i < 5000; i++)
		gs_buf_putc(&text, '[');
	for (i = 0; i < 5000; i++)
		gs_buf_putc(&text, ']');
	gs_buf_putc(&text, '\n');
	assert_int_equal(gs_toml_parse(&doc, "pyproject.toml", text.ptr, text.size), GS_EINPUT);
	assert_null(doc);
	gs_buf_release(&text);
}

static void test_setuptools(void **state)
{
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(roots_of(&out, "", "[tool.setuptools.packages.find]\nwhere = [\"src\"]\n"), 0);
	assert_string_equal(out.ptr, "src");
	assert_int_equal(roots_of(&out, "apps/web",
				  "[tool.setuptools.packages.find]\nwhere = [\"src\", \"./lib/\", \".\"]\n"), 0);
	assert_string_equal(out.ptr, "apps/web apps/web/lib apps/web/src");
	/* the inline spelling */
	assert_int_equal(roots_of(&out, "", "[tool.setuptools]\npackages = {find = {where = [\"py\"]}}\n"), 0);
	assert_string_equal(out.ptr, "py");
	/* package-dir: the root mapping, and a package kept under its name */
	assert_int_equal(roots_of(&out, "x", "[tool.setuptools]\npackage-dir = {\"\" = \"src\"}\n"), 0);
	assert_string_equal(out.ptr, "x/src");
	assert_int_equal(roots_of(&out, "", "[tool.setuptools.package-dir]\n"
				  "\"acme.core\" = \"lib/acme/core\"\nrenamed = \"other/place\"\n"), 0);
	assert_string_equal(out.ptr, "lib");
	/* outside the repository, absolute: dropped */
	assert_int_equal(roots_of(&out, "a", "[tool.setuptools.packages.find]\n"
				  "where = [\"../../up\", \"/abs\", \"../b\"]\n"), 0);
	assert_string_equal(out.ptr, "b");
	/* nothing named: no root (setuptools' default is not a root) */
	assert_int_equal(roots_of(&out, "", "[project]\nname = \"x\"\n"), 0);
	assert_string_equal(out.ptr, "");
	gs_buf_release(&out);
}

static void test_hatch(void **state)
{
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(roots_of(&out, "p", "[tool.hatch.build.targets.wheel]\n"
				  "packages = [\"src/foo\", \"lib/bar/\", \"top\"]\n"), 0);
	assert_string_equal(out.ptr, "p p/lib p/src");
	assert_int_equal(roots_of(&out, "", "[tool.hatch.build.targets.wheel]\nsources = [\"src\"]\n"), 0);
	assert_string_equal(out.ptr, "src");
	assert_int_equal(roots_of(&out, "", "[tool.hatch.build.targets.wheel.sources]\n"
				  "\"src\" = \"\"\n\"py/ns/pkg\" = \"ns/pkg\"\n\"lib\" = \"renamed\"\n"), 0);
	assert_string_equal(out.ptr, "py src");
	assert_int_equal(roots_of(&out, "", "[tool.hatch.build]\npackages = [\"code/x\"]\n"), 0);
	assert_string_equal(out.ptr, "code");
	gs_buf_release(&out);
}

static void test_poetry_pdm_uv(void **state)
{
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(roots_of(&out, "svc", "[tool.poetry]\npackages = [\n"
				  "  { include = \"a\", from = \"src\" },\n  { include = \"b\" },\n"
				  "  { from = \"ignored\" },\n]\n"), 0);
	assert_string_equal(out.ptr, "svc svc/src");
	assert_int_equal(roots_of(&out, "", "[tool.pdm.build]\npackage-dir = \"source\"\n"), 0);
	assert_string_equal(out.ptr, "source");
	assert_int_equal(roots_of(&out, "", "[tool.pdm]\npackage-dir = \"old\"\n"), 0);
	assert_string_equal(out.ptr, "old");
	assert_int_equal(roots_of(&out, "m", "[tool.uv.build-backend]\nmodule-root = \"\"\n"
				  "module-name = \"x\"\n"), 0);
	assert_string_equal(out.ptr, "m");
	assert_int_equal(roots_of(&out, "", "[tool.uv.build-backend]\nmodule-root = \"python\"\n"), 0);
	assert_string_equal(out.ptr, "python");
	assert_int_equal(roots_of(&out, "", "[tool.maturin]\npython-source = \"py\"\n"), 0);
	assert_string_equal(out.ptr, "py");
	/* flit names a module, not a root: src/ beside the file covers it */
	assert_int_equal(roots_of(&out, "", "[tool.flit.module]\nname = \"x\"\n"), 0);
	assert_string_equal(out.ptr, "");
	/* values of the wrong type are not roots */
	assert_int_equal(roots_of(&out, "", "[tool.setuptools.packages.find]\nwhere = 3\n"
				  "[tool.poetry]\npackages = \"x\"\n"), 0);
	assert_string_equal(out.ptr, "");
	gs_buf_release(&out);
}

static void test_malformed(void **state)
{
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(roots_of(&out, "p", "[tool.setuptools.packages.find\nwhere = [\"src\"]\n"),
			 GS_EINPUT);
	assert_non_null(strstr(gs_error_last(), "p/pyproject.toml:1:"));
	gs_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toml_values),
		cmocka_unit_test(test_toml_errors),
		cmocka_unit_test(test_toml_deep),
		cmocka_unit_test(test_setuptools),
		cmocka_unit_test(test_hatch),
		cmocka_unit_test(test_poetry_pdm_uv),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
