#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "gitspec/python.h"
#include "gitspec/python_pieces.h"

/*
 * Parsing in pieces (ADR 0020): where the scan cuts a source, and that a
 * model extracted piece by piece is the whole-file model, whatever the
 * text (the whole-file parse is the reference; a piece that does not
 * parse sends the file back to it).
 */

static gs_python *whole, *pieces, *pieces16;

static int setup(void **state)
{
	(void)state;
	if (gs_python_new(&whole) || gs_python_new(&pieces) || gs_python_new(&pieces16))
		return -1;
	gs_python_set_pieces(whole, SIZE_MAX, SIZE_MAX);
	gs_python_set_pieces(pieces, 0, 0);
	/* pieces of at least 16 bytes: not every boundary is a cut */
	gs_python_set_pieces(pieces16, 0, 16);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gs_python_free(whole);
	gs_python_free(pieces);
	gs_python_free(pieces16);
	return 0;
}

/*
 * The cuts of `src` with pieces of any size, as "LINE" (a top-level
 * piece) or "LINE+" (a body piece), 1-based, separated by spaces.
 */
static void cuts_of(gs_buf *out, const char *src, size_t piece)
{
	gs_python_cut *cuts = NULL;
	size_t nr = gs_python_cuts(&cuts, src, strlen(src), piece), i, k, line = 1, at = 0;

	gs_buf_clear(out);
	for (k = 0; k < nr; k++) {
		assert_true(cuts[k].at > at || (k == 0 && cuts[k].at > 0));
		for (i = at; i < cuts[k].at; i++)
			line += src[i] == '\n';
		/* A cut is at the start of a line. */
		assert_int_equal(src[cuts[k].at - 1], '\n');
		at = cuts[k].at;
		gs_buf_printf(out, "%s%zu%s", k ? " " : "", line, cuts[k].body ? "+" : "");
	}
	free(cuts);
}

/* The cuts of src into pieces of at least `piece` bytes (0: every cut). */
#define check_cuts_of(src, piece, expect) do { \
	gs_buf b_ = GS_BUF_INIT; \
	cuts_of(&b_, (src), (piece)); \
	if (strcmp(b_.ptr, (expect))) \
		fail_msg("source:\n%s\nexpected cuts: %s\ngot: %s", (src), (expect), b_.ptr); \
	gs_buf_release(&b_); \
} while (0)
#define check_cuts(src, expect) check_cuts_of(src, 0, expect)

static void dump(gs_buf *out, const gs_module *mod)
{
	size_t i, j;

	gs_buf_printf(out, "doc %s\n", mod->doc ? mod->doc : "-");
	if (mod->has_exports) {
		gs_buf_puts(out, "__all__");
		for (i = 0; i < mod->exports_nr; i++)
			gs_buf_printf(out, " %s", mod->exports[i]);
		gs_buf_putc(out, '\n');
	}
	for (i = 0; i < mod->symbols_nr; i++) {
		const gs_symbol *s = &mod->symbols[i];

		gs_buf_printf(out, "%d %s line %zu parent %d pub %d", (int)s->kind, s->name, s->line,
			      s->parent, s->public);
		if (s->value)
			gs_buf_printf(out, " = %s", s->value);
		if (s->annotation)
			gs_buf_printf(out, " : %s", s->annotation);
		if (s->returns)
			gs_buf_printf(out, " -> %s", s->returns);
		for (j = 0; j < s->params_nr; j++)
			gs_buf_printf(out, " p%d:%s=%s", (int)s->params[j].kind, s->params[j].name,
				      s->params[j].default_value ? s->params[j].default_value : "");
		for (j = 0; j < s->bases_nr; j++)
			gs_buf_printf(out, " base %s", s->bases[j]);
		for (j = 0; j < s->markers_nr; j++)
			gs_buf_printf(out, " @%s", s->markers[j]);
		if (s->doc)
			gs_buf_printf(out, " # %s", s->doc);
		gs_buf_putc(out, '\n');
	}
}

/* The model (or the error) of `src`, parsed with `py`. */
static void outcome(gs_buf *out, gs_python *py, const char *src, size_t len)
{
	gs_module *mod = NULL;
	int err = gs_python_extract(&mod, py, "m.py", src, len);

	gs_buf_clear(out);
	if (err) {
		assert_null(mod);
		gs_buf_printf(out, "error %d %s\n", err, gs_error_last());
		return;
	}
	dump(out, mod);
	gs_module_free(mod);
}

/* Whole and in pieces alike; returns the outcome's first line. */
static void same_len(const char *src, size_t len, const char *first_line)
{
	gs_buf a = GS_BUF_INIT, b = GS_BUF_INIT;

	outcome(&a, whole, src, len);
	outcome(&b, pieces, src, len);
	if (strcmp(a.ptr, b.ptr))
		fail_msg("source:\n%.*s\nwhole:\n%s\nin pieces:\n%s", (int)len, src, a.ptr, b.ptr);
	outcome(&b, pieces16, src, len);
	if (strcmp(a.ptr, b.ptr))
		fail_msg("source:\n%.*s\nwhole:\n%s\nin pieces of 16 bytes:\n%s", (int)len, src, a.ptr, b.ptr);
	if (first_line && (strncmp(a.ptr, first_line, strlen(first_line)) ||
			   a.ptr[strlen(first_line)] != '\n'))
		fail_msg("source:\n%.*s\nexpected first line: %s\ngot:\n%s", (int)len, src, first_line, a.ptr);
	gs_buf_release(&a);
	gs_buf_release(&b);
}

static void same(const char *src, const char *first_line)
{
	same_len(src, strlen(src), first_line);
}

static void test_top_level(void **state)
{
	(void)state;
	check_cuts("", "");
	check_cuts("x = 1\n", "");
	check_cuts("x = 1\ny = 2\nz = 3", "2 3");
	/* Comments and blank lines stay with the piece before. */
	check_cuts("# c\n\nx = 1\n\n# c\ny = 2\n", "6");
	/* Only lines at column 0 that start with a name or '@'. */
	check_cuts("x = 1\n(a, b) = 1, 2\n[c] = [3]\n-x\n*d, = [4]\n", "");
	check_cuts("x = 1\n  y = 2\n", "");
	check_cuts("x = 1\n\fy = 2\n", "");
	/* Pieces of at least N bytes. */
	check_cuts_of("a = 1\nb = 2\nc = 3\nd = 4\n", 12, "3");
	check_cuts_of("a = 1\nb = 2\nc = 3\nd = 4\n", 1000, "");
}

static void test_strings(void **state)
{
	(void)state;
	check_cuts("s = '''\nx = 1\n'''\ny = 2\n", "4");
	check_cuts("s = \"\"\"\nx = 1\n\"\"\"\ny = 2\n", "4");
	check_cuts("s = rb'''\nx = 1\n'''\ny = 2\n", "4");
	check_cuts("s = Rb\"\"\"a\\\"\"\"\nx = 1\n\"\"\"\ny = 2\n", "4");
	check_cuts("s = 'a\\\nx = 1'\ny = 2\n", "3");
	check_cuts("s = 'it''s'\ny = 2\n", "2");
	check_cuts("s = \"#\"\ny = 2\n", "2");
	check_cuts("s = '\\'\\\\'\ny = 2\n", "2");
	/* A string literal is never cut from what it documents. */
	check_cuts("x = 1\n\"\"\"doc of x\"\"\"\ny = 2\nr'doc'\nf'{y}'\nb''\nz = 3\n", "3 7");
	/* A name that is not a prefix. */
	check_cuts("x = 1\nbar = 'a'\nfr = 1\nfr'x'\n", "2 3");
}

static void test_nested_fstrings(void **state)
{
	(void)state;
	check_cuts("s = f'{x}'\ny = 2\n", "2");
	check_cuts("s = f\"{d[\"k\"]}\"\ny = 2\n", "2");
	check_cuts("s = f'''{\n'''\nx = 1\n'''}'''\ny = 2\n", "5");
	check_cuts("s = f'{x:{w}}{y!r:>{w}}'\ny = 2\n", "2");
	check_cuts("s = f'{f\"{f'''{1}'''}\"}'\ny = 2\n", "2");
	check_cuts("s = f'{ {1: 2}[1] }'\ny = 2\n", "2");
	check_cuts("s = f'{{x'\ny = 2\n", "2");
	check_cuts("s = f'{\"}\"}'\ny = 2\n", "2");
	check_cuts("s = rf'{x}\\{'\ny = 2\n", "2");
	/* Nested past what the scan follows: no more cuts. */
	{
		gs_buf src = GS_BUF_INIT;
		int i;

		gs_buf_puts(&src, "s = ");
		for (i = 0; i < 40; i++)
			gs_buf_puts(&src, i % 2 ? "f'{" : "f\"{");
		gs_buf_puts(&src, "1");
		for (i = 39; i >= 0; i--)
			gs_buf_puts(&src, i % 2 ? "}'" : "}\"");
		gs_buf_puts(&src, "\ny = 2\nz = 3\n");
		check_cuts(src.ptr, "");
		same(src.ptr, NULL);
		gs_buf_release(&src);
	}
}

static void test_brackets_and_continuations(void **state)
{
	(void)state;
	check_cuts("x = (1,\n2)\ny = [\n3,\n]\nz = {\n'a': 1}\nw = 1\n", "3 6 8");
	check_cuts("x = 1 + \\\n2\ny = 2\n", "3");
	check_cuts("x = 1 + \\\ny\nz = 2\n", "3");
	check_cuts("x = (1  # )\n)\ny = 2\n", "3");
	check_cuts("x = 1  # \\\ny = 2\n", "2");
}

static void test_clauses_and_decorators(void **state)
{
	(void)state;
	check_cuts("if a:\n  x = 1\nelif b:\n  x = 2\nelse:\n  x = 3\ny = 1\n", "7");
	check_cuts("try:\n  x = 1\nexcept E:\n  x = 2\nexcept* F:\n  x = 2\nfinally:\n  x = 3\ny = 1\n", "9");
	check_cuts("for a in b:\n  pass\nelse:\n  pass\nelsewhere = 1\n", "5");
	check_cuts("x = 1\n@a\n@b(1)\n\n# c\ndef f(): pass\n@c\nclass C: pass\n", "2 7");
	check_cuts("match x:\n  case 1:\n    pass\ncase = 1\n", "");
}

static void test_function_bodies(void **state)
{
	(void)state;
	/* A top-level def's body is cut at its own indentation, after its first statement. */
	check_cuts("def f():\n    '''doc'''\n    a = 1\n    if a:\n        b = 2\n    else:\n        b = 3\n    c = 4\nx = 1\n",
		   "3+ 4+ 8+ 9");
	check_cuts("async def f(x,\n        y) -> 'a:b':  # c\n    a = 1\n    b = 2\n", "4+");
	check_cuts("def f(): return 1\nx = 1\n", "2");
	check_cuts("def f():\n    @d\n    def g():\n        pass\n    return g\n", "5+");
	check_cuts("def f():\n    a = 1\n    @d\n    def g():\n        pass\n    '''s'''\n", "3+");
	/* Not in classes, nor in nested definitions. */
	check_cuts("class C:\n    a = 1\n    b = 2\n", "");
	check_cuts("@d\ndef f():\n    def g():\n        a = 1\n        b = 2\n", "");
	/* What follows a cut body is a piece of its own, or the body is not cut. */
	check_cuts_of("def f():\n    a = 1\n    b = 2\n    c = 3\nx = 1\ny = 2\n", 12, "3+ 5");
	check_cuts_of("def f():\n    a = 1\n    b = 2\n    c = 3\n(x) = 1\ny = 2\n", 12, "6");
	same("def f():\n    a = 1\n    b = 2\n    c = 3\nx = 1\ny = 2\n", "doc -");
	same("def f():\n    a = 1\n    b = 2\n    c = 3\n(x) = 1\ny = 2\n", "doc -");
	/* Tabs: the same bytes of indentation, or no more cuts. */
	check_cuts("def f():\n\ta = 1\n\tb = 2\n        c = 3\n\td = 4\n", "3+");
}

static void test_same_models(void **state)
{
	(void)state;
	same("'''Module doc.'''\nimport os\n__all__ = ['f']\n\ndef f(a, b=1):\n    '''F.'''\n    x = 1\n    y = 2\n"
	     "__all__ += ['g']\n\nclass g:\n    '''G.'''\n    a = 1\n    def __init__(self):\n        self.x = 1\n"
	     "        self.y = 2\n    b = 2\n__all__.append('h')\nif x:\n    h = 1\nelse:\n    def h(): pass\n",
	     "doc Module doc.");
	/* Line numbers after pieces, decorators, and definitions in conditions. */
	same("x = 1\n@a\n@b\ndef f():\n    pass\n\n\nclass C(B, metaclass=M):\n    @property\n    def p(self): return 1\n"
	     "try:\n    import y\nexcept ImportError:\n    y = None\n", "doc -");
	/* __all__ made unusable in a later piece. */
	same("__all__ = ['a']\na = 1\n_b = 2\n__all__ = __all__ + ['_b']\n", "doc -");
	/* The first statement is the docstring even after comments. */
	same("#!/usr/bin/env python\n# c\n\n'''Doc.'''\nx = 1\n", "doc Doc.");
	same("x = 1\n'''Not the module doc.'''\n", "doc -");
	same("", "doc -");
	same("\n\n# only comments\n", "doc -");
}

static void test_crlf_and_eof(void **state)
{
	(void)state;
	same("'''D.'''\r\nx = 1\r\ndef f():\r\n    a = 1\r\n    b = 2\r\ny = 's\\\r\nt'\r\nz = 3", "doc D.");
	same("x = 1\ry = 2\rdef f():\r    a = 1\r    b = 2", "doc -");
	same("x = 1\ny = 2", "doc -");
	same("x = 1\ndef f():\n    a = 1\n    b = 2", "doc -");
	same("x = 1\ny = 2\\", NULL);
	same("x = 1\ny = (2", NULL);
}

static void test_fall_back(void **state)
{
	(void)state;
	/* Errors in a later piece or a body piece: the whole file's position. */
	same("x = 1\ny = 2\nz = (\n", "error -3 m.py:3:1: syntax error");
	same("x = 1\ndef f():\n    a = 1\n    b = = 2\nc = 1\n", "error -3 m.py:4:9: syntax error");
	same("x = 1\ndef f():\n    a = 1\n  b = 2\nc = 1\n", NULL);
	same("x = 1\ndef f():\n    a = 1\n    b = 2\nelse:\n    pass\n", NULL);
	/*
	 * Cuts the scan gets wrong (it does not know that a backslash does
	 * not escape the newline ending a comment in an f-string field, nor
	 * unknown prefixes): the pieces do not parse, the whole file does or
	 * does not, and the outcome is the whole file's either way.
	 */
	same("s = f'''{1 # \\\n}'''\nx = 1\n", NULL);
	same("s = ur'a'\nx = 1\n", NULL);
	same("def f():\n    s = '''\n    x = 1\n    '''\n    y = 2\nz = 3\n", "doc -");
	/* A piece that alone is not Python: a body without its header. */
	same("  x = 1\ny = 2\n", NULL);
	same("if x:\ny = 2\n", NULL);
	same("@d\n\nx = 1\n", NULL);
	same("x = [1,\ny = 2\n", NULL);
	same("x = 1\n)\ny = 2\n", NULL);
	same("x = '''\ny = 2\n", NULL);
	same("x = 'a\ny = 2\n", NULL);
	same("def f():\n    return\ny = 2\n  z = 3\n", NULL);
}

/* Every prefix of a file with a bit of everything: whole and pieces agree. */
static void test_prefixes(void **state)
{
	static const char src[] =
		"'''Doc.'''\n__all__ = ['f', 'C']\n@dec(1,\n  2)\ndef f(a, *, b=f'{x:{w}}'):\n    '''F.'''\n"
		"    s = '''\nx = 1\n'''\n    if s:\n        return 1 + \\\n            2\n    else:\n        pass\n"
		"class C:\n    a: int = 1\n    def __init__(self):\n        self.b = [\n1]\n"
		"try:\n    import z\nexcept ImportError:  # c\n    z = None\nfinally:\n    pass\n"
		"x = f\"{'a' + \"b\"}\"\ny = 1\n";
	size_t n;

	(void)state;
	for (n = 0; n <= sizeof(src) - 1; n++)
		same_len(src, n, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_nested_fstrings),
		cmocka_unit_test(test_brackets_and_continuations),
		cmocka_unit_test(test_clauses_and_decorators),
		cmocka_unit_test(test_function_bodies),
		cmocka_unit_test(test_same_models),
		cmocka_unit_test(test_crlf_and_eof),
		cmocka_unit_test(test_fall_back),
		cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
