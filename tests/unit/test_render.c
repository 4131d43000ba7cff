#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "gitspec/python.h"
#include "gitspec/contract.h"
#include "gitspec/sha1.h"

/* The renderers, one rule of DESIGN 2.4 and 2.5 at a time. */

#define HEADER(mod, variant) \
	"# `" mod "` \xe2\x80\x94 " variant " contract\n" \
	"\n" \
	"<!-- Derived from the package sources by git-spec (contract format 2). Do not edit: run `git spec sync`. -->\n"

static gs_python *py;

static int setup(void **state)
{
	(void)state;
	return gs_python_new(&py);
}

static int teardown(void **state)
{
	(void)state;
	gs_python_free(py);
	return 0;
}

static gs_module *extract(const char *path, const char *src)
{
	gs_module *mod = NULL;

	if (gs_python_extract(&mod, py, path, src, strlen(src)))
		fail_msg("extract: %s", gs_error_last());
	return mod;
}

/* Render one file (and an optional __init__.py) in one variant. */
static void render(gs_buf *out, gs_variant v, const char *init_src, const char *src, int json)
{
	gs_module *init = init_src ? extract("pkg/__init__.py", init_src) : NULL;
	gs_module *mod = src ? extract("pkg/mod.py", src) : NULL;
	const gs_module *files[1];
	gs_contract_view view;

	files[0] = mod;
	memset(&view, 0, sizeof(view));
	view.package = "pkg";
	view.module = "pkg";
	view.variant = v;
	view.init = init;
	view.files = files;
	view.files_nr = mod ? 1 : 0;
	gs_buf_clear(out);
	if (json)
		gs_render_json(out, &view);
	else
		gs_render_markdown(out, &view);
	gs_module_free(init);
	gs_module_free(mod);
}

static void check_md(gs_variant v, const char *init_src, const char *src, const char *expect)
{
	gs_buf out = GS_BUF_INIT;

	render(&out, v, init_src, src, 0);
	if (strcmp(out.ptr, expect))
		fail_msg("expected:\n%s\ngot:\n%s", expect, out.ptr);
	gs_buf_release(&out);
}

static void test_variant_names(void **state)
{
	(void)state;
	assert_string_equal(gs_variant_name(GS_VARIANT_PUBLIC), "public");
	assert_string_equal(gs_variant_name(GS_VARIANT_ALL), "all");
	assert_string_equal(gs_variant_name(GS_VARIANT_TESTS), "tests");
	assert_int_equal(gs_variant_parse("public"), GS_VARIANT_PUBLIC);
	assert_int_equal(gs_variant_parse("api"), GS_VARIANT_PUBLIC);
	assert_int_equal(gs_variant_parse("all"), GS_VARIANT_ALL);
	assert_int_equal(gs_variant_parse("implementation"), GS_VARIANT_ALL);
	assert_int_equal(gs_variant_parse("tests"), GS_VARIANT_TESTS);
	assert_int_equal(gs_variant_parse("Public"), -1);
	assert_int_equal(gs_variant_parse(""), -1);
	assert_int_equal(gs_variant_parse(NULL), -1);
}

static void test_variant_selects(void **state)
{
	(void)state;
	assert_true(gs_variant_selects(GS_VARIANT_PUBLIC, "pkg/mod.py", 0));
	assert_true(gs_variant_selects(GS_VARIANT_ALL, "pkg/sub/mod.py", 0));
	/* Format 2 renders __init__.py and stubs as files of their own. */
	assert_true(gs_variant_selects(GS_VARIANT_PUBLIC, "pkg/__init__.py", 0));
	assert_true(gs_variant_selects(GS_VARIANT_ALL, "pkg/sub/__init__.pyi", 0));
	assert_true(gs_variant_selects(GS_VARIANT_ALL, "pkg/mod.pyi", 0));
	assert_false(gs_variant_selects(GS_VARIANT_TESTS, "pkg/__init__.py", 0));
	assert_true(gs_variant_selects(GS_VARIANT_ALL, "pkg/not__init__.py", 0));
	assert_false(gs_variant_selects(GS_VARIANT_PUBLIC, "pkg/test_mod.py", 1));
	assert_false(gs_variant_selects(GS_VARIANT_ALL, "pkg/conftest.py", 1));
	assert_true(gs_variant_selects(GS_VARIANT_TESTS, "pkg/test_mod.py", 1));
	assert_false(gs_variant_selects(GS_VARIANT_TESTS, "pkg/mod.py", 0));
}

static void test_empty_contract(void **state)
{
	(void)state;
	check_md(GS_VARIANT_TESTS, NULL, NULL, HEADER("pkg", "tests"));
	check_md(GS_VARIANT_PUBLIC, NULL, NULL, HEADER("pkg", "public"));
	/* A file with nothing in it still gets its section. */
	check_md(GS_VARIANT_ALL, NULL, "import os\n",
		 HEADER("pkg", "all") "\n## `pkg/mod.py`\n");
}

static void test_exports(void **state)
{
	static const char init[] = "__all__ = ['b', 'a', 'b']\n__all__ += ['C']\n";

	(void)state;
	check_md(GS_VARIANT_PUBLIC, init, NULL,
		 HEADER("pkg", "public") "\n## Exports\n\n- `C`\n- `a`\n- `b`\n");
	check_md(GS_VARIANT_ALL, init, NULL,
		 HEADER("pkg", "all") "\n## Exports\n\n- `C`\n- `a`\n- `b`\n");
	check_md(GS_VARIANT_TESTS, init, NULL, HEADER("pkg", "tests"));
	/* No literal __all__, or an empty one: no Exports block. */
	check_md(GS_VARIANT_PUBLIC, "__all__ = []\n", NULL, HEADER("pkg", "public"));
	check_md(GS_VARIANT_PUBLIC, "__all__ = names()\n", NULL, HEADER("pkg", "public"));
	check_md(GS_VARIANT_PUBLIC, "from .mod import *\n", NULL, HEADER("pkg", "public"));
}

static void test_sections(void **state)
{
	(void)state;
	check_md(GS_VARIANT_ALL, NULL,
		 "'''Mod.'''\n"
		 "class K:\n    '''K doc.'''\n    class N:\n        '''N doc.'''\n        z = 1\n"
		 "    def m(self):\n        '''M doc.'''\n    v: int = 1\n"
		 "    class E: pass\n"
		 "def f(): pass\n"
		 "type T = int\n"
		 "X = 1\n"
		 "class Empty: pass\n",
		 HEADER("pkg", "all")
		 "\n## `pkg/mod.py`\n"
		 "\nMod.\n"
		 "\n### Variables\n\n- `X = 1`\n"
		 "\n### Type aliases\n\n- `type T = int`\n"
		 "\n### Functions\n\n- `def f()`\n"
		 "\n### Classes\n"
		 "\n#### `class Empty`\n"
		 "\n#### `class K`\n\nK doc.\n\n- `v: int = 1`\n- `def m(self)`\n  M doc.\n"
		 "\n#### `class K.E`\n"
		 "\n#### `class K.N`\n\nN doc.\n\n- `z = 1`\n");
}

static void test_public_filter(void **state)
{
	(void)state;
	check_md(GS_VARIANT_PUBLIC, NULL,
		 "_x = 1\nx = 1\ndef _f(): pass\n"
		 "class _P:\n    def m(self): pass\n"
		 "class Q:\n    _a = 1\n    def __init__(self): pass\n    def _h(self): pass\n"
		 "    class _R:\n        pass\n",
		 HEADER("pkg", "public")
		 "\n## `pkg/mod.py`\n"
		 "\n### Variables\n\n- `x = 1`\n"
		 "\n### Classes\n"
		 "\n#### `class Q`\n\n- `def __init__(self)`\n");
	/* Nothing public: the section stays, with nothing under it. */
	check_md(GS_VARIANT_PUBLIC, NULL, "'''Doc.'''\n_x = 1\n",
		 HEADER("pkg", "public") "\n## `pkg/mod.py`\n\nDoc.\n");
}

static void test_signatures(void **state)
{
	(void)state;
	check_md(GS_VARIANT_ALL, NULL,
		 "def a(x, y, /, z, *, k: int = 1, **kw: str) -> None: pass\n"
		 "def b(x, /): pass\n"
		 "def c(*args: int, k=None, **kw): pass\n"
		 "def d(p: int=1, q=2, *, r): pass\n"
		 "async def e(): pass\n"
		 "class C(A, B, metaclass=M):\n"
		 "    @classmethod\n    async def make(cls) -> 'C': ...\n"
		 "    @property\n    def p(self) -> int: ...\n"
		 "    @p.setter\n    def p(self, v: int) -> None: ...\n",
		 HEADER("pkg", "all")
		 "\n## `pkg/mod.py`\n"
		 "\n### Functions\n\n"
		 "- `def a(x, y, /, z, *, k: int = 1, **kw: str) -> None`\n"
		 "- `def b(x, /)`\n"
		 "- `def c(*args: int, k=None, **kw)`\n"
		 "- `def d(p: int = 1, q=2, *, r)`\n"
		 "- `async def e()`\n"
		 "\n### Classes\n"
		 "\n#### `class C(A, B, metaclass=M)`\n\n"
		 "- `@classmethod async def make(cls) -> 'C'`\n"
		 "- `@property def p(self) -> int`\n"
		 "- `@p.setter def p(self, v: int) -> None`\n");
}

static void test_backtick_spans(void **state)
{
	(void)state;
	check_md(GS_VARIANT_ALL, NULL,
		 "A: Literal['`'] = 1\nB: Literal['``', '`'] = 2\nC: Literal['a`'] = 3\n",
		 HEADER("pkg", "all")
		 "\n## `pkg/mod.py`\n"
		 "\n### Variables\n\n"
		 "- `` A: Literal['`'] = 1 ``\n"
		 "- ``` B: Literal['``', '`'] = 2 ```\n"
		 "- `` C: Literal['a`'] = 3 ``\n");
}

static void test_multiline_string_in_span(void **state)
{
	(void)state;
	/*
	 * Inside a string literal only line breaks are rewritten, as the two
	 * characters \n, so that a symbol is always one line (DESIGN 2.1).
	 */
	check_md(GS_VARIANT_ALL, NULL, "def f(sep=\"\"\"a\n  b\"\"\"): pass\n",
		 HEADER("pkg", "all")
		 "\n## `pkg/mod.py`\n"
		 "\n### Functions\n\n"
		 "- `def f(sep=\"\"\"a\\n  b\"\"\")`\n");
	check_md(GS_VARIANT_ALL, NULL, "@deco(\"\"\"x\ny\"\"\")\ndef g(): pass\n",
		 HEADER("pkg", "all")
		 "\n## `pkg/mod.py`\n"
		 "\n### Functions\n\n"
		 "- `@deco(\"\"\"x\\ny\"\"\") def g()`\n");
}

/* DESIGN 2.4: attributes, type parameters and values. */
static void test_format2_symbols(void **state)
{
	(void)state;
	check_md(GS_VARIANT_PUBLIC, NULL,
		 "type Rows[T] = list[tuple[str, T]]\n"
		 "def first[T: Change](changes: Sequence[T]) -> T | None: pass\n"
		 "@dataclass(frozen=True)\n"
		 "class F[T](Base, metaclass=ABCMeta):\n"
		 "    width: int = 80\n"
		 "    indent: str = \"  \"\n"
		 "    def __init__(self, width: int = 80) -> None:\n"
		 "        self.cache: dict[str, str] = {}\n"
		 "        self.name = 'x'\n"
		 "        self._hidden = 1\n"
		 "    @property\n    def name(self) -> str: ...\n",
		 HEADER("pkg", "public")
		 "\n## `pkg/mod.py`\n"
		 "\n### Type aliases\n\n- `type Rows[T] = list[tuple[str, T]]`\n"
		 "\n### Functions\n\n- `def first[T: Change](changes: Sequence[T]) -> T | None`\n"
		 "\n### Classes\n"
		 "\n#### `@dataclass(frozen=True) class F[T](Base, metaclass=ABCMeta)`\n\n"
		 "- `width: int = 80`\n"
		 "- `indent: str = \"  \"`\n"
		 "- `self.cache: dict[str, str] = {}`\n"
		 "- `def __init__(self, width: int = 80) -> None`\n"
		 "- `@property def name(self) -> str`\n");
}

/* DESIGN 2.1 "Long values": Markdown shortens, JSON keeps the whole text. */
static void test_long_values(void **state)
{
	gs_buf src = GS_BUF_INIT, out = GS_BUF_INIT, value = GS_BUF_INIT, expect = GS_BUF_INIT;
	unsigned char sha[20];
	int i;

	(void)state;
	/* 80 characters (é is one) stay whole. */
	gs_buf_puts(&value, "'");
	for (i = 0; i < 78; i++)
		gs_buf_puts(&value, "\xc3\xa9");
	gs_buf_puts(&value, "'");
	gs_buf_printf(&src, "X = %s\n", value.ptr);
	render(&out, GS_VARIANT_ALL, NULL, src.ptr, 0);
	gs_buf_printf(&expect, "- `X = %s`\n", value.ptr);
	assert_non_null(strstr(out.ptr, expect.ptr));

	/* 81: the first 64, an ellipsis, " #" and 8 hex digits of the SHA-1. */
	gs_buf_clear(&value);
	gs_buf_puts(&value, "{");
	for (i = 0; i < 16; i++)
		gs_buf_printf(&value, "%s'k%02d': %d", i ? ", " : "", i, i % 10);
	gs_buf_puts(&value, "}");
	assert_true(value.size > 80);
	gs_buf_clear(&src);
	gs_buf_printf(&src, "class C:\n    def __init__(self):\n        self.table = {\n");
	for (i = 0; i < 16; i++)
		gs_buf_printf(&src, "            'k%02d': %d,\n", i, i % 10);
	gs_buf_puts(&src, "        }\n");
	render(&out, GS_VARIANT_ALL, NULL, src.ptr, 0);
	gs_sha1(sha, value.ptr, value.size);
	gs_buf_clear(&expect);
	gs_buf_puts(&expect, "- `self.table = ");
	gs_buf_put(&expect, value.ptr, 64);
	gs_buf_printf(&expect, "\xe2\x80\xa6 #%02x%02x%02x%02x`\n", sha[0], sha[1], sha[2], sha[3]);
	if (!strstr(out.ptr, expect.ptr))
		fail_msg("expected\n%s\nin\n%s", expect.ptr, out.ptr);
	render(&out, GS_VARIANT_ALL, NULL, src.ptr, 1);
	gs_buf_clear(&expect);
	gs_buf_printf(&expect, "\"value\": \"%s\",\n", value.ptr);
	assert_non_null(strstr(out.ptr, "\"kind\": \"attribute\",\n          \"name\": \"C.table\""));
	if (!strstr(out.ptr, expect.ptr))
		fail_msg("expected\n%s\nin\n%s", expect.ptr, out.ptr);
	gs_buf_release(&src);
	gs_buf_release(&out);
	gs_buf_release(&value);
	gs_buf_release(&expect);
}

/* A line break in a file or module name never breaks a contract line. */
static void test_control_chars_in_names(void **state)
{
	gs_module *mod = extract("pkg/a\nb\x7f.py", "x = 1\n");
	const gs_module *files[1] = { mod };
	gs_contract_view view = { "pkg", "pkg.a\rb", GS_VARIANT_ALL, NULL, files, 1 };
	gs_buf md = GS_BUF_INIT;

	(void)state;
	gs_render_markdown(&md, &view);
	assert_non_null(strstr(md.ptr, "# `pkg.a\\x0Db` \xe2\x80\x94 all contract\n"));
	assert_non_null(strstr(md.ptr, "\n## `pkg/a\\x0Ab\\x7F.py`\n"));
	gs_buf_release(&md);
	gs_module_free(mod);
}

static void test_no_trailing_space_one_newline(void **state)
{
	gs_buf out = GS_BUF_INIT;
	size_t i;

	(void)state;
	render(&out, GS_VARIANT_ALL, "__all__ = ['x']\n",
	       "'''  Doc.  '''\nclass A:\n    '''  \n   A.   \n'''\n    def f(self):\n        'F.  '\n", 0);
	assert_true(out.size > 2);
	assert_int_equal(out.ptr[out.size - 1], '\n');
	assert_int_not_equal(out.ptr[out.size - 2], '\n');
	for (i = 0; i + 1 < out.size; i++) {
		if (out.ptr[i + 1] == '\n')
			assert_int_not_equal(out.ptr[i], ' ');
		/* Blocks are separated by exactly one blank line. */
		if (i + 2 < out.size && out.ptr[i] == '\n' && out.ptr[i + 1] == '\n')
			assert_int_not_equal(out.ptr[i + 2], '\n');
	}
	gs_buf_release(&out);
}

static void test_invalid_utf8_everywhere(void **state)
{
	gs_module *mod = extract("pkg/m\xff.py", "'''D\xfe.'''\nx: 'a\xe9' = 1\n");
	const gs_module *files[1] = { mod };
	gs_contract_view view = { "pkg\xff", "pkg.m\xff", GS_VARIANT_ALL, NULL, files, 1 };
	gs_buf md = GS_BUF_INIT, js = GS_BUF_INIT;

	(void)state;
	gs_render_markdown(&md, &view);
	gs_render_json(&js, &view);
	assert_non_null(strstr(md.ptr, "# `pkg.m\\xFF` "));
	assert_non_null(strstr(md.ptr, "## `pkg/m\\xFF.py`\n\nD\\xFE.\n"));
	assert_non_null(strstr(md.ptr, "- `x: 'a\\xE9' = 1`\n"));
	assert_non_null(strstr(js.ptr, "\"package\": \"pkg\\\\xFF\""));
	assert_non_null(strstr(js.ptr, "\"path\": \"pkg/m\\\\xFF.py\""));
	assert_non_null(strstr(js.ptr, "\"annotation\": \"'a\\\\xE9'\""));
	gs_buf_release(&md);
	gs_buf_release(&js);
	gs_module_free(mod);
}

static void test_json(void **state)
{
	gs_buf out = GS_BUF_INIT;

	(void)state;
	render(&out, GS_VARIANT_PUBLIC, "__all__ = ['K', 'f']\n",
	       "'''Mod.'''\n"
	       "X: int\n_y = 1\n"
	       "def f(a, *, b: int = 1) -> str:\n    'F.'\n"
	       "@dataclass(frozen=True)\nclass K(Base, metaclass=ABCMeta):\n"
	       "    def m(self): pass\n    def _h(self): pass\n"
	       "    class In: pass\n"
	       "class L(): pass\n", 1);
	assert_string_equal(out.ptr,
		"{\n"
		"  \"package\": \"pkg\",\n"
		"  \"module\": \"pkg\",\n"
		"  \"variant\": \"public\",\n"
		"  \"exports\": [\n"
		"    \"K\",\n"
		"    \"f\"\n"
		"  ],\n"
		"  \"files\": [\n"
		"    {\n"
		"      \"path\": \"pkg/mod.py\",\n"
		"      \"doc\": \"Mod.\",\n"
		"      \"symbols\": [\n"
		"        {\n"
		"          \"kind\": \"variable\",\n"
		"          \"name\": \"X\",\n"
		"          \"decorators\": [],\n"
		"          \"type_params\": null,\n"
		"          \"params\": null,\n"
		"          \"returns\": null,\n"
		"          \"bases\": null,\n"
		"          \"annotation\": \"int\",\n"
		"          \"value\": null,\n"
		"          \"doc\": null\n"
		"        },\n"
		"        {\n"
		"          \"kind\": \"function\",\n"
		"          \"name\": \"f\",\n"
		"          \"decorators\": [],\n"
		"          \"type_params\": null,\n"
		"          \"params\": [\n"
		"            {\n"
		"              \"name\": \"a\",\n"
		"              \"kind\": \"positional_or_keyword\",\n"
		"              \"annotation\": null,\n"
		"              \"default\": null\n"
		"            },\n"
		"            {\n"
		"              \"name\": \"b\",\n"
		"              \"kind\": \"keyword_only\",\n"
		"              \"annotation\": \"int\",\n"
		"              \"default\": \"1\"\n"
		"            }\n"
		"          ],\n"
		"          \"returns\": \"str\",\n"
		"          \"bases\": null,\n"
		"          \"annotation\": null,\n"
		"          \"value\": null,\n"
		"          \"doc\": \"F.\"\n"
		"        },\n"
		"        {\n"
		"          \"kind\": \"class\",\n"
		"          \"name\": \"K\",\n"
		"          \"decorators\": [\n"
		"            \"@dataclass(frozen=True)\"\n"
		"          ],\n"
		"          \"type_params\": null,\n"
		"          \"params\": null,\n"
		"          \"returns\": null,\n"
		"          \"bases\": [\n"
		"            \"Base\",\n"
		"            \"metaclass=ABCMeta\"\n"
		"          ],\n"
		"          \"annotation\": null,\n"
		"          \"value\": null,\n"
		"          \"doc\": null\n"
		"        },\n"
		"        {\n"
		"          \"kind\": \"method\",\n"
		"          \"name\": \"K.m\",\n"
		"          \"decorators\": [],\n"
		"          \"type_params\": null,\n"
		"          \"params\": [\n"
		"            {\n"
		"              \"name\": \"self\",\n"
		"              \"kind\": \"positional_or_keyword\",\n"
		"              \"annotation\": null,\n"
		"              \"default\": null\n"
		"            }\n"
		"          ],\n"
		"          \"returns\": null,\n"
		"          \"bases\": null,\n"
		"          \"annotation\": null,\n"
		"          \"value\": null,\n"
		"          \"doc\": null\n"
		"        },\n"
		"        {\n"
		"          \"kind\": \"class\",\n"
		"          \"name\": \"K.In\",\n"
		"          \"decorators\": [],\n"
		"          \"type_params\": null,\n"
		"          \"params\": null,\n"
		"          \"returns\": null,\n"
		"          \"bases\": [],\n"
		"          \"annotation\": null,\n"
		"          \"value\": null,\n"
		"          \"doc\": null\n"
		"        },\n"
		"        {\n"
		"          \"kind\": \"class\",\n"
		"          \"name\": \"L\",\n"
		"          \"decorators\": [],\n"
		"          \"type_params\": null,\n"
		"          \"params\": null,\n"
		"          \"returns\": null,\n"
		"          \"bases\": [],\n"
		"          \"annotation\": null,\n"
		"          \"value\": null,\n"
		"          \"doc\": null\n"
		"        }\n"
		"      ]\n"
		"    }\n"
		"  ]\n"
		"}\n");

	/* Empty lists, tests variant without exports, no files. */
	render(&out, GS_VARIANT_TESTS, "__all__ = ['a']\n", NULL, 1);
	assert_string_equal(out.ptr,
		"{\n"
		"  \"package\": \"pkg\",\n"
		"  \"module\": \"pkg\",\n"
		"  \"variant\": \"tests\",\n"
		"  \"exports\": [],\n"
		"  \"files\": []\n"
		"}\n");
	render(&out, GS_VARIANT_ALL, NULL, "def f(): pass\n", 1);
	assert_non_null(strstr(out.ptr, "\"params\": [],\n"));
	render(&out, GS_VARIANT_ALL, NULL, "import os\n", 1);
	assert_non_null(strstr(out.ptr, "\"doc\": null,\n      \"symbols\": []\n"));
	gs_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_variant_names),
		cmocka_unit_test(test_variant_selects),
		cmocka_unit_test(test_empty_contract),
		cmocka_unit_test(test_exports),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_public_filter),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_backtick_spans),
		cmocka_unit_test(test_multiline_string_in_span),
		cmocka_unit_test(test_format2_symbols),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_control_chars_in_names),
		cmocka_unit_test(test_no_trailing_space_one_newline),
		cmocka_unit_test(test_invalid_utf8_everywhere),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
