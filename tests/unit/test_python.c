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

/*
 * The extractor, one rule of DESIGN 2.1-2.3 and 2.6 at a time. Models are
 * compared through a compact one-line-per-symbol dump:
 *
 *   KIND NAME[[TPARAMS]][: ANN][ = VALUE][(PARAMS)][ -> RET][ bases[B, ...]][ private][ @DECO...][ # DOC]
 *
 * with each parameter as KIND:NAME[: ANN][=DEFAULT], KIND one of po, pk,
 * vp, ko, vk.
 */

static gs_python *py;

static int setup(void **state)
{
	(void)state;
	return gs_python_new(&py);
}

/*
 * The same tests again with every file cut into pieces at every boundary
 * (python_pieces.h): a model or an error that differs is a bug of the
 * pieces, not of the rule under test.
 */
static int setup_pieces(void **state)
{
	int err = setup(state);

	if (!err)
		gs_python_set_pieces(py, 0, 0);
	return err;
}

static int teardown(void **state)
{
	(void)state;
	gs_python_free(py);
	return 0;
}

static const char *const pk_short[] = { "po", "pk", "vp", "ko", "vk" };

static void dump(gs_buf *out, const gs_module *mod)
{
	size_t i, j;

	if (mod->doc)
		gs_buf_printf(out, "doc %s\n", mod->doc);
	if (mod->has_exports) {
		gs_buf_puts(out, "__all__");
		for (i = 0; i < mod->exports_nr; i++)
			gs_buf_printf(out, " %s", mod->exports[i]);
		gs_buf_putc(out, '\n');
	}
	for (i = 0; i < mod->symbols_nr; i++) {
		const gs_symbol *s = &mod->symbols[i];

		gs_buf_printf(out, "%s %s", gs_symbol_kind_name(s->kind), s->name);
		if (s->type_params)
			gs_buf_printf(out, "[%s]", s->type_params);
		if (s->annotation)
			gs_buf_printf(out, ": %s", s->annotation);
		if (s->value)
			gs_buf_printf(out, " = %s", s->value);
		if (s->has_params) {
			gs_buf_putc(out, '(');
			for (j = 0; j < s->params_nr; j++) {
				const gs_param *p = &s->params[j];

				gs_buf_printf(out, "%s%s:%s", j ? ", " : "", pk_short[p->kind], p->name);
				if (p->annotation)
					gs_buf_printf(out, ": %s", p->annotation);
				if (p->default_value)
					gs_buf_printf(out, "=%s", p->default_value);
			}
			gs_buf_putc(out, ')');
		}
		if (s->returns)
			gs_buf_printf(out, " -> %s", s->returns);
		if (s->has_bases) {
			gs_buf_puts(out, " bases[");
			for (j = 0; j < s->bases_nr; j++)
				gs_buf_printf(out, "%s%s", j ? ", " : "", s->bases[j]);
			gs_buf_putc(out, ']');
		}
		if (!s->public)
			gs_buf_puts(out, " private");
		for (j = 0; j < s->markers_nr; j++)
			gs_buf_printf(out, " @%s", s->markers[j]);
		if (s->doc)
			gs_buf_printf(out, " # %s", s->doc);
		gs_buf_putc(out, '\n');
	}
}

static void check_len(const char *src, size_t len, const char *expect)
{
	gs_module *mod = NULL;
	gs_buf out = GS_BUF_INIT;
	int err = gs_python_extract(&mod, py, "m.py", src, len);

	if (err)
		fail_msg("extract failed: %s", gs_error_last());
	assert_non_null(mod);
	assert_string_equal(mod->path, "m.py");
	dump(&out, mod);
	/*
	 * GS_TEST_UPDATE=FILE appends (source, expected, actual) of each
	 * mismatch to FILE instead of failing, for a deliberate rewrite of
	 * the expectations; read every change before committing it.
	 */
	if (getenv("GS_TEST_UPDATE") && strcmp(out.ptr, expect)) {
		FILE *f = fopen(getenv("GS_TEST_UPDATE"), "ab");

		fwrite(src, 1, len, f);
		fputc(0, f);
		fputs(expect, f);
		fputc(0, f);
		fputs(out.ptr, f);
		fputc(0, f);
		fclose(f);
	} else if (strcmp(out.ptr, expect))
		fail_msg("source:\n%s\nexpected:\n%s\ngot:\n%s", src, expect, out.ptr);
	gs_buf_release(&out);
	gs_module_free(mod);
}

static void check(const char *src, const char *expect)
{
	check_len(src, strlen(src), expect);
}

static void check_error_len(const char *src, size_t len, const char *message)
{
	gs_module *mod = (gs_module *)1;

	assert_int_equal(gs_python_extract(&mod, py, "pkg/bad.py", src, len), GS_EINPUT);
	assert_null(mod);
	assert_string_equal(gs_error_last(), message);
}

static void check_error(const char *src, const char *message)
{
	check_error_len(src, strlen(src), message);
}

static void check_norm(const char *in, const char *expect)
{
	gs_buf out = GS_BUF_INIT;

	gs_python_normalize_expr(&out, in, strlen(in));
	assert_string_equal(out.ptr, expect);
	gs_buf_release(&out);
}

/* --- 2.1 the table --------------------------------------------------- */

static void test_functions(void **state)
{
	(void)state;
	check("def f(): pass\nasync def g(): pass\n",
	      "function f()\n"
	      "async_function g()\n");
}

static void test_classes_nested(void **state)
{
	(void)state;
	check("class A:\n"
	      "    class B:\n"
	      "        class C:\n"
	      "            pass\n"
	      "        def m(self): pass\n",
	      "class A bases[]\n"
	      "class A.B bases[]\n"
	      "method A.B.m(pk:self)\n"
	      "class A.B.C bases[]\n");
}

static void test_method_kinds(void **state)
{
	(void)state;
	check("class A:\n"
	      "    def a(self): pass\n"
	      "    async def b(self): pass\n"
	      "    @property\n    def c(self): pass\n"
	      "    @c.setter\n    def c(self, v): pass\n"
	      "    @c.getter\n    def c(self): pass\n"
	      "    @c.deleter\n    def c(self): pass\n"
	      "    @cached_property\n    def d(self): pass\n"
	      "    @functools.cached_property\n    def e(self): pass\n"
	      "    @classmethod\n    def f(cls): pass\n"
	      "    @staticmethod\n    def g(): pass\n"
	      "    @other\n    @classmethod\n    @staticmethod\n    def h(): pass\n"
	      "    @classmethod\n    async def i(cls): pass\n"
	      "    @wraps(x)\n    async def j(self): pass\n"
	      "    @propertyish\n    def k(self): pass\n"
	      "@property\ndef top(): pass\n",
	      "function top() @property\n"
	      "class A bases[]\n"
	      "method A.a(pk:self)\n"
	      "async_method A.b(pk:self)\n"
	      "property A.c(pk:self) @property\n"
	      "property A.c(pk:self, pk:v) @c.setter\n"
	      "property A.c(pk:self) @c.getter\n"
	      "property A.c(pk:self) @c.deleter\n"
	      "property A.d(pk:self) @cached_property\n"
	      "property A.e(pk:self) @functools.cached_property\n"
	      "classmethod A.f(pk:cls) @classmethod\n"
	      "staticmethod A.g() @staticmethod\n"
	      "classmethod A.h() @other @classmethod @staticmethod\n"
	      "classmethod A.i(pk:cls) @classmethod\n"
	      "async_method A.j(pk:self) @wraps(x)\n"
	      "method A.k(pk:self) @propertyish\n");
}

static void test_variables(void **state)
{
	(void)state;
	check("X = 1\n"
	      "Y: int = 2\n"
	      "Z: 'str'\n"
	      "a, b = 1, 2\n"
	      "[c, d] = 1, 2\n"
	      "(e, (f, g)), *h = x\n"
	      "i = j = k = 0\n"
	      "l, m = n = o\n"
	      "p += 1\n"
	      "obj.attr = 1\n"
	      "seq[0] = 1\n"
	      "class C:\n"
	      "    v = 1\n"
	      "    w: list[int]\n"
	      "    def __init__(self):\n"
	      "        self.inst = 1\n"
	      "        local = 2\n"
	      "def f():\n"
	      "    inner = 1\n"
	      "    global G\n"
	      "    G = 2\n",
	      "variable X = 1\n"
	      "variable Y: int = 2\n"
	      "variable Z: 'str'\n"
	      "variable a\n"
	      "variable b\n"
	      "variable c\n"
	      "variable d\n"
	      "variable e\n"
	      "variable f\n"
	      "variable g\n"
	      "variable h\n"
	      "variable i = 0\n"
	      "variable j = 0\n"
	      "variable k = 0\n"
	      "variable l\n"
	      "variable m\n"
	      "variable n = o\n"
	      "function f()\n"
	      "class C bases[]\n"
	      "variable C.v = 1\n"
	      "variable C.w: list[int]\n"
	      "attribute C.inst = 1\n"
	      "method C.__init__(pk:self)\n");
}

static void test_variable_duplicates(void **state)
{
	(void)state;
	/*
	 * Every assignment is a definition (DESIGN 2.2: same names keep
	 * their source order), as in try/except and if/else fallbacks.
	 */
	check("X = 1\nX: int = 2\nX: str = 3\nif a:\n    Y = 1\nelse:\n    Y = 2\n",
	      "variable X = 1\n"
	      "variable X: int = 2\n"
	      "variable X: str = 3\n"
	      "variable Y = 1\n"
	      "variable Y = 2\n");
	check("try:\n    import bz2\n    has_bz2 = True\nexcept ImportError:\n    has_bz2 = False\n",
	      "variable has_bz2 = True\nvariable has_bz2 = False\n");
}

static void test_type_alias(void **state)
{
	(void)state;
	check("type B = int\ntype A[T] = list[T]\nclass C:\n    type X = str\n",
	      "type_alias A[T] = list[T]\n"
	      "type_alias B = int\n"
	      "class C bases[]\n"
	      "type_alias C.X = str\n");
	/* PEP 695 parameters, as written and normalised. */
	check("type P[T: (int, str), *Ts, **P] = Callable[P, T]\n"
	      "type Q[\n    T,\n] = dict[\n    str, T\n]\n",
	      "type_alias P[T: (int, str), *Ts, **P] = Callable[P, T]\n"
	      "type_alias Q[T] = dict[str, T]\n");
}

static void test_blocks(void **state)
{
	(void)state;
	check("if a:\n    A = 1\nelif b:\n    B = 1\nelse:\n    C = 1\n"
	      "try:\n    D = 1\nexcept E:\n    E = 1\nexcept F:\n    pass\n"
	      "else:\n    F = 1\nfinally:\n    G = 1\n"
	      "try:\n    pass\nexcept* X:\n    H = 1\n"
	      "with a as b, c:\n    I = 1\n"
	      "if a:\n    if b:\n        try:\n            with c:\n                def deep(): pass\n        finally:\n            pass\n"
	      "for x in y:\n    J = 1\nelse:\n    K = 1\n"
	      "while x:\n    L = 1\nelse:\n    M = 1\n"
	      "match x:\n    case [a, *rest]:\n        def n(): pass\n    case {'k': v} if (w := v):\n"
	      "        O = 1\n    case _:\n        match y:\n            case 1:\n                P = 1\n"
	      "class K:\n"
	      "    if a:\n        def m(self): pass\n    else:\n        def m(self, x): pass\n"
	      "    try:\n        class N: pass\n    except E:\n        N = None\n",
	      "variable A = 1\nvariable B = 1\nvariable C = 1\nvariable D = 1\nvariable E = 1\n"
	      "variable F = 1\nvariable G = 1\nvariable H = 1\nvariable I = 1\nvariable J = 1\n"
	      "variable K = 1\nvariable L = 1\nvariable M = 1\nvariable O = 1\nvariable P = 1\n"
	      "function deep()\n"
	      "function n()\n"
	      "class K bases[]\n"
	      "variable K.N = None\n"
	      "method K.m(pk:self)\n"
	      "method K.m(pk:self, pk:x)\n"
	      "class K.N bases[]\n");
}

static void test_function_bodies_ignored(void **state)
{
	(void)state;
	check("def f():\n"
	      "    class Local: pass\n"
	      "    def g(): pass\n"
	      "    X = 1\n"
	      "    if a:\n        Y = 1\n"
	      "class C:\n"
	      "    def m(self):\n"
	      "        class L: pass\n",
	      "function f()\n"
	      "class C bases[]\n"
	      "method C.m(pk:self)\n");
}

static void test_params(void **state)
{
	(void)state;
	check("def f(a, b: int, c=1, d: str = 'x', /, e=2, *args: int, f, g: int = 3, **kw: Any) -> None: pass\n"
	      "def g(a, *, b): pass\n"
	      "def h(*args, **kwargs): pass\n"
	      "def i(a, /): pass\n"
	      "def j(): pass\n"
	      "def k(self, # comment\n      x  :  Dict[ str , int ]  =  { } ,\n   ) -> Tuple[\n int,\n]: pass\n",
	      "function f(po:a, po:b: int, po:c=1, po:d: str='x', pk:e=2, vp:args: int, ko:f, ko:g: int=3, vk:kw: Any) -> None\n"
	      "function g(pk:a, ko:b)\n"
	      "function h(vp:args, vk:kwargs)\n"
	      "function i(po:a)\n"
	      "function j()\n"
	      "function k(pk:self, pk:x: Dict[str, int]={}) -> Tuple[int]\n");
}

static void test_decorators_and_bases(void **state)
{
	(void)state;
	check("@ dataclass( frozen = True )\n"
	      "@a.b.c\n"
	      "class A(Base, Generic[T], metaclass=ABCMeta, **kw): pass\n"
	      "class B(): pass\n"
	      "class C(\n    Base,  # why\n    metaclass = M,\n): pass\n",
	      "class A bases[Base, Generic[T], metaclass=ABCMeta, **kw] @dataclass(frozen = True) @a.b.c\n"
	      "class B bases[]\n"
	      "class C bases[Base, metaclass=M]\n");
}

static void test_docstrings(void **state)
{
	(void)state;
	check("'''\n\n   Module   summary\there.  \n\n   More.\n'''\n"
	      "def a():\n    \"Single.\"\n"
	      "def b():\n    r'''Raw \\n kept.'''\n"
	      "def c():\n    f'''Not {a} doc'''\n"
	      "def d():\n    b'bytes'\n"
	      "def e():\n    x = 1\n    'not first'\n"
	      "def f():\n    'Part one' \\\n    ' and two.'\n"
	      "def g():\n    \"\"\"\"\"\"\n"
	      "def h():\n    \"Esc \\t \\u00e9 as written\"\n"
	      "def i():\n    u'Unicode prefix.'\n"
	      "def j():\n    'a' f'b'\n"
	      "def k():\n    '''\n    Caf\xc3\xa9.\n    '''\n"
	      "class K:\n    # comment first\n    \"Class doc.\"\n",
	      "doc Module summary here.\n"
	      "function a() # Single.\n"
	      "function b() # Raw \\n kept.\n"
	      "function c()\n"
	      "function d()\n"
	      "function e()\n"
	      "function f() # Part one and two.\n"
	      "function g()\n"
	      "function h() # Esc \\t \\u00e9 as written\n"
	      "function i() # Unicode prefix.\n"
	      "function j()\n"
	      "function k() # Caf\xc3\xa9.\n"
	      "class K bases[] # Class doc.\n");
	check("from __future__ import annotations\n'''Too late.'''\n", "");
	check("# comment\n\n'''Doc after a comment.'''\n", "doc Doc after a comment.\n");
}

/* --- 2.2 order -------------------------------------------------------- */

static void test_order(void **state)
{
	(void)state;
	check("class Zed: pass\n"
	      "class alpha: pass\n"
	      "def b(): pass\n"
	      "def _a(): pass\n"
	      "def B(): pass\n"
	      "type T = int\n"
	      "z = 1\n"
	      "_y = 1\n"
	      "Y = 1\n"
	      "@overload\ndef o(x: int) -> int: ...\n"
	      "@overload\ndef o(x: str) -> str: ...\n"
	      "def o(x): return x\n",
	      "variable Y = 1\nvariable _y = 1 private\nvariable z = 1\n"
	      "type_alias T = int\n"
	      "function B()\nfunction _a() private\nfunction b()\n"
	      "function o(pk:x: int) -> int @overload\n"
	      "function o(pk:x: str) -> str @overload\n"
	      "function o(pk:x)\n"
	      "class Zed bases[]\nclass alpha bases[]\n");
}

static void test_class_member_order(void **state)
{
	(void)state;
	check("class C:\n"
	      "    class Z: pass\n"
	      "    def b(self): pass\n"
	      "    class A: pass\n"
	      "    y = 1\n"
	      "    @staticmethod\n    def a(): pass\n"
	      "    x: int\n",
	      "class C bases[]\n"
	      "variable C.y = 1\n"
	      "variable C.x: int\n"
	      "staticmethod C.a() @staticmethod\n"
	      "method C.b(pk:self)\n"
	      "class C.A bases[]\n"
	      "class C.Z bases[]\n");
}

/* --- 2.3 public names ------------------------------------------------- */

static void test_public_underscore(void **state)
{
	(void)state;
	check("a = 1\n_b = 2\n__c__ = 3\n"
	      "class P:\n    x = 1\n    _y = 2\n    __z = 3\n    def __init__(self): pass\n"
	      "    def _m(self): pass\n    class _In:\n        v = 1\n    class Out:\n        w = 1\n"
	      "class _Q:\n    x = 1\n    def __call__(self): pass\n",
	      "variable __c__ = 3 private\n"
	      "variable _b = 2 private\n"
	      "variable a = 1\n"
	      "class P bases[]\n"
	      "variable P.x = 1\n"
	      "variable P._y = 2 private\n"
	      "variable P.__z = 3 private\n"
	      "method P.__init__(pk:self)\n"
	      "method P._m(pk:self) private\n"
	      "class P.Out bases[]\n"
	      "variable P.Out.w = 1\n"
	      "class P._In bases[] private\n"
	      "variable P._In.v = 1 private\n"
	      "class _Q bases[] private\n"
	      "variable _Q.x = 1 private\n"
	      "method _Q.__call__(pk:self) private\n");
}

static void test_public_all(void **state)
{
	(void)state;
	check("__all__ = ['a', \"_b\"]\n__all__ += ('C',)\n__all__.extend(['d'])\n__all__.append('e')\n"
	      "a = 1\n_b = 2\nc = 3\nd = 4\ne = 5\nclass C:\n    x = 1\n",
	      "__all__ a _b C d e\n"
	      "variable _b = 2\n"
	      "variable a = 1\n"
	      "variable c = 3 private\n"
	      "variable d = 4\n"
	      "variable e = 5\n"
	      "class C bases[]\n"
	      "variable C.x = 1\n");
	check("__all__: list[str] = []\nx = 1\n", "__all__\n"
	"variable x = 1 private\n");
	check("__all__ = ('x',)\nif TYPE_CHECKING:\n    __all__ += ['y']\nx = y = z = 1\n",
	      "__all__ x y\n"
	      "variable x = 1\n"
	      "variable y = 1\n"
	      "variable z = 1 private\n");
	/* Any other form falls back to the underscore rule. */
	check("__all__ = ['a']\n__all__ += other.__all__\na = 1\nb = 1\n_c = 1\n",
	      "variable _c = 1 private\n"
	      "variable a = 1\n"
	      "variable b = 1\n");
	check("__all__ = [name for name in dir()]\nb = 1\n", "variable b = 1\n");
	check("__all__ = ['a'] + ['b']\nb = 1\n", "variable b = 1\n");
	check("__all__ = [f'a']\nb = 1\n", "variable b = 1\n");
	check("__all__ = x = ['a']\nb = 1\nx = 2\n", "variable b = 1\n"
	"variable x = ['a']\n"
	"variable x = 2\n");
	check("__all__.extend(names)\nb = 1\n", "variable b = 1\n");
	/* Class-level and function-level __all__ do not count, nor show. */
	check("class A:\n    __all__ = ['x']\n    x = 1\ndef f():\n    __all__ = []\n",
	      "function f()\n"
	      "class A bases[]\n"
	      "variable A.x = 1\n");
}

/* --- 2.1 expression text ---------------------------------------------- */

static void test_normalize(void **state)
{
	(void)state;
	check_norm("Literal[\n \"a\",\n \"b\",\n]", "Literal[\"a\", \"b\"]");
	check_norm("(1,)", "(1,)");
	check_norm("( 1, )", "(1,)");
	check_norm("f( a , b )", "f(a, b)");
	check_norm("f( a ,b )", "f(a,b)");
	check_norm("a  +\n\t b", "a + b");
	check_norm("a+b", "a+b");
	check_norm("x[ 1 ]", "x[1]");
	check_norm("{ 'a' : 1 }", "{'a' : 1}");
	check_norm("{\n}", "{}");
	check_norm("Dict[  # key\n  str,  # value\n  int  # end\n]", "Dict[str, int]");
	check_norm("a \\\n  + b", "a + b");
	check_norm("'a  b' \"c\\\"  d\"", "'a  b' \"c\\\"  d\"");
	/* Line breaks in string literals (f-strings included) become \n. */
	check_norm("'''x\n\n  y'''", "'''x\\n\\n  y'''");
	check_norm("f(\"\"\"a\n  {b\n}\"\"\",\n)", "f(\"\"\"a\\n  {b\\n}\"\"\")");
	check_norm("'a\\\nb'", "'a\\\\nb'");
	check_norm("\"\"\"\n\"\"\" ,\n 1", "\"\"\"\\n\"\"\", 1");
	check_norm("f'{a  +  b}  '", "f'{a  +  b}  '");
	check_norm("f\"{x[\"k\"]}\"  +  1", "f\"{x[\"k\"]}\" + 1");
	check_norm("f'{x:>{w}}' , y", "f'{x:>{w}}', y");
	check_norm("rb'\\'  # no'  # yes", "rb'\\'  # no'");
	check_norm("[1,\n 2,]", "[1, 2,]");
	check_norm("[1, 2,  # c\n]", "[1, 2]");
	check_norm("(1,\n)", "(1)");
	check_norm("  a  ", "a");
	check_norm("", "");
	check_norm("x ;y", "x;y");
	check_norm("'\xff'  +  b", "'\\xFF' + b");
	check_norm("\"unterminated", "\"unterminated");
	check_norm("f'{", "f'{");
}

/* --- 2.6 bad sources -------------------------------------------------- */

static void test_syntax_errors(void **state)
{
	(void)state;
	check_error("x = 1\ndef f(:\n    pass\n", "pkg/bad.py:2:7: syntax error");
	check_error("class A:\n    def f(self)\n        pass\n", "pkg/bad.py:2:5: syntax error");
	check_error("x = 1\ny = (\n", "pkg/bad.py:2:1: syntax error");
	/* A MISSING node (the ')' tree-sitter would insert) counts too. */
	check_error("x = 1\nclass A(B:\n  pass\n", "pkg/bad.py:2:10: syntax error");
	/* Columns count characters, not bytes. */
	check_error("x = 1\n\xc3\xa9 = f(\xc3\xa9, ])\n", "pkg/bad.py:2:10: syntax error");
	/* A CRLF file has the line numbers of its lines. */
	check_error("x = 1\r\ny = 2\r\nz = )\r\n", "pkg/bad.py:3:1: syntax error");
	check_error("x = 1\n\nx = = 1\n", "pkg/bad.py:3:5: syntax error");
}

static void test_nul_byte(void **state)
{
	(void)state;
	check_error_len("x = 1\ny = '\0'\n", 12, "pkg/bad.py:2:6: syntax error");
	check_error_len("\0", 1, "pkg/bad.py:1:1: syntax error");
}

static void test_codings(void **state)
{
	(void)state;
	check("# -*- coding: latin-1 -*-\n'''Caf\xe9.'''\n", "doc Caf\xc3\xa9.\n");
	check("#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-1 :\n'''\xe0 la.'''\n",
	      "doc \xc3\xa0 la.\n");
	check("# coding=cp1252\n'''\x80 \x93q\x94 \x81'''\n",
	      "doc \xe2\x82\xac \xe2\x80\x9cq\xe2\x80\x9d \\x81\n");
	check("# coding: utf-8\n'''Caf\xc3\xa9.'''\n", "doc Caf\xc3\xa9.\n");
	check("# coding: UTF_8\n'''x'''\n", "doc x\n");
	/* Only on line 1 or 2, and line 2 only after a comment or blank line. */
	check("\n\n# coding: latin-1\n'''\xe9'''\n", "doc \\xE9\n");
	check("x = 1\n# coding: latin-1\n'''\xe9'''\n", "variable x = 1\n");
	check_error("# coding: klingon\nx = 1\n", "pkg/bad.py: unknown encoding 'klingon'");
	check_error("\xef\xbb\xbf# coding: latin-1\nx = 1\n",
		    "pkg/bad.py: encoding problem: utf-8 byte order mark with a non-utf-8 coding");
}

static void test_bom_crlf_cr(void **state)
{
	(void)state;
	check("\xef\xbb\xbf'''BOM.'''\nx = 1\n", "doc BOM.\n"
	"variable x = 1\n");
	check("'''CRLF.\r\nmore'''\r\nclass A(\r\n  B,\r\n):\r\n  x = 1\r\n",
	      "doc CRLF. more\n"
	      "class A bases[B]\n"
	      "variable A.x = 1\n");
	check("'''CR.\rmore'''\rdef f(a,\r b): pass\r", "doc CR. more\n"
	"function f(pk:a, pk:b)\n");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	check("'''Bad \xff\xfe here \xc3.'''\nx: 'a\xe9' = 1\n# \xff\n",
	      "doc Bad \\xFF\\xFE here \\xC3.\n"
	      "variable x: 'a\\xE9' = 1\n");
}

static void test_deep_nesting(void **state)
{
	gs_buf src = GS_BUF_INIT;
	int i;

	(void)state;
	/* 10,000 nested brackets: parsed, and normalised without recursion. */
	gs_buf_puts(&src, "x: ");
	for (i = 0; i < 10000; i++)
		gs_buf_putc(&src, '[');
	for (i = 0; i < 10000; i++)
		gs_buf_putc(&src, ']');
	gs_buf_puts(&src, " = 1\n");
	{
		gs_module *mod = NULL;

		assert_int_equal(gs_python_extract(&mod, py, "m.py", src.ptr, src.size), 0);
		assert_int_equal(mod->symbols_nr, 1);
		assert_int_equal(strlen(mod->symbols[0].annotation), 20000);
		gs_module_free(mod);
	}

	/* Blocks nested beyond Python's 100 levels are refused. */
	gs_buf_clear(&src);
	for (i = 0; i < 150; i++) {
		gs_buf_printf(&src, "%*sclass C%d:\n", i, "", i);
	}
	gs_buf_printf(&src, "%*sx = 1\n", i, "");
	check_error(src.ptr, "pkg/bad.py:102: nesting too deep (more than 100 levels of indentation)");

	gs_buf_clear(&src);
	for (i = 0; i < 50; i++)
		gs_buf_printf(&src, "%*sif a:\n", i, "");
	gs_buf_printf(&src, "%*sX = 1\n", i, "");
	check(src.ptr, "variable X = 1\n");

	/* Targets nest as deep as Python's 200 brackets, not further. */
	gs_buf_clear(&src);
	for (i = 0; i < 150; i++)
		gs_buf_putc(&src, '(');
	gs_buf_puts(&src, "a, b");
	for (i = 0; i < 150; i++)
		gs_buf_putc(&src, ')');
	gs_buf_puts(&src, " = 1, 2\n");
	check(src.ptr, "variable a\nvariable b\n");
	gs_buf_clear(&src);
	for (i = 0; i < 250; i++)
		gs_buf_putc(&src, '[');
	gs_buf_puts(&src, "a, b");
	for (i = 0; i < 250; i++)
		gs_buf_putc(&src, ']');
	gs_buf_puts(&src, " = 1, 2\n");
	check_error(src.ptr, "pkg/bad.py: nesting too deep");

	/*
	 * Deep nesting inside a function body is never walked; past CPython's
	 * 100 levels of indentation it is refused before parsing (tree-sitter
	 * crashed on 17,000).
	 */
	gs_buf_clear(&src);
	gs_buf_puts(&src, "def f():\n");
	for (i = 1; i < 100; i++)
		gs_buf_printf(&src, "%*sif a:\n", i, "");
	gs_buf_printf(&src, "%*spass\n", i, "");
	check(src.ptr, "function f()\n");
	gs_buf_clear(&src);
	gs_buf_puts(&src, "def f():\n");
	for (i = 1; i < 200; i++)
		gs_buf_printf(&src, "%*sif a:\n", i, "");
	gs_buf_printf(&src, "%*spass\n", i, "");
	check_error(src.ptr, "pkg/bad.py:102: nesting too deep (more than 100 levels of indentation)");

	/* A long chain a0 = a1 = ... is a loop, not a recursion. */
	gs_buf_clear(&src);
	for (i = 0; i < 20000; i++)
		gs_buf_printf(&src, "a%05d = ", i);
	gs_buf_puts(&src, "1\n");
	{
		gs_module *mod = NULL;

		assert_int_equal(gs_python_extract(&mod, py, "m.py", src.ptr, src.size), 0);
		assert_int_equal(mod->symbols_nr, 20000);
		assert_string_equal(mod->symbols[19999].name, "a19999");
		gs_module_free(mod);
	}
	gs_buf_release(&src);
}

static void test_parser_reuse(void **state)
{
	gs_module *mod = NULL;

	(void)state;
	/* An error leaves the parser usable for the next file. */
	check_error("def (:\n", "pkg/bad.py:1:1: syntax error");
	check("def ok(): pass\n", "function ok()\n");
	assert_int_equal(gs_python_extract(&mod, py, "empty.py", "", 0), 0);
	assert_int_equal(mod->symbols_nr, 0);
	assert_null(mod->doc);
	assert_int_equal(mod->has_exports, 0);
	gs_module_free(mod);
}

static int valid_utf8(const gs_buf *b)
{
	size_t i = 0;

	while (i < b->size) {
		size_t n = gs_utf8_seq_len(b->ptr + i, b->size - i);

		if (!n)
			return 0;
		i += n;
	}
	return 1;
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Mutated sources never crash the extractor (run under ASan by
 * tests/run.sh): each either fails with GS_EINPUT or gives a model that
 * renders to valid UTF-8.
 */
static void test_mutations(void **state)
{
	static const char seed_src[] =
		"# coding: utf-8\n'''Doc.'''\n__all__ = ['A', 'f']\n"
		"X: Literal[\n 'a',\n] = 1\na, (b, *c) = d = 1, (2, 3)\n"
		"type T[K] = dict[K, \"v\"]\n"
		"if x:\n    def f(a, /, b: int = 1, *args, c, **kw) -> None:\n        'F.'\n"
		"else:\n    f = None\n"
		"try:\n    import y\nexcept E as e:\n    y = None\nfinally:\n    Z = 1\n"
		"@dataclass(frozen=True)\nclass A(B, metaclass=M):\n    \"\"\"A.\"\"\"\n"
		"    x: int\n    @property\n    def p(self) -> int: ...\n"
		"    @p.setter\n    def p(self, v): ...\n    @classmethod\n    async def c(cls): ...\n"
		"    class In:\n        with q:\n            w = f'{a!r:>{b}}'\n";
	static const char alphabet[] = "()[]{}:,;\n\r \t'\"#\\@*=/.fbrx_Aa0\x80\xc3\xa9\xff\xef\xbb\xbf";
	gs_buf src = GS_BUF_INIT, out = GS_BUF_INIT;
	uint32_t rnd = 2463534242u;
	int iter, ok = 0, bad = 0, iters = 3000;
	const char *env = getenv("GIT_SPEC_MUTATIONS");

	(void)state;
	/* GIT_SPEC_MUTATIONS=N runs longer (and with another seed). */
	if (env && atoi(env) > 0) {
		iters = atoi(env);
		rnd += (uint32_t)iters;
	}
	for (iter = 0; iter < iters; iter++) {
		int k, edits, err;
		gs_module *mod = NULL;

		gs_buf_sets(&src, seed_src);
		edits = 1 + xorshift(&rnd) % 4;
		for (k = 0; k < edits; k++) {
			uint32_t r = xorshift(&rnd);
			size_t pos = r % (src.size + 1);
			char c = alphabet[(r >> 16) % (sizeof(alphabet) - 1)];

			switch ((r >> 8) % 3) {
			case 0: /* replace */
				if (pos < src.size)
					src.ptr[pos] = c;
				break;
			case 1: /* insert */
				gs_buf_putc(&src, 0);
				memmove(src.ptr + pos + 1, src.ptr + pos, src.size - 1 - pos);
				src.ptr[pos] = c;
				break;
			default: /* delete */
				if (pos < src.size) {
					memmove(src.ptr + pos, src.ptr + pos + 1, src.size - pos - 1);
					gs_buf_setlen(&src, src.size - 1);
				}
				break;
			}
		}
		err = gs_python_extract(&mod, py, "m.py", src.ptr, src.size);
		if (err) {
			assert_int_equal(err, GS_EINPUT);
			assert_null(mod);
			bad++;
			continue;
		}
		{
			const gs_module *files[1];
			gs_contract_view view = { "p", "p", GS_VARIANT_ALL, NULL, NULL, 1 };

			files[0] = mod;
			view.init = mod;
			view.files = files;
			gs_buf_clear(&out);
			gs_render_markdown(&out, &view);
			assert_true(valid_utf8(&out));
			assert_int_equal(out.ptr[out.size - 1], '\n');
			gs_buf_clear(&out);
			view.variant = GS_VARIANT_PUBLIC;
			gs_render_json(&out, &view);
			assert_true(valid_utf8(&out));
		}
		gs_module_free(mod);
		ok++;
	}
	/* Both outcomes were exercised. */
	assert_true(ok > iters / 30);
	assert_true(bad > iters / 30);
	gs_buf_release(&src);
	gs_buf_release(&out);
}

/* DESIGN 2.1 `attribute`: instance attributes of __init__. */
static void test_attributes(void **state)
{
	(void)state;
	check("class A:\n"
	      "    x = 0\n"
	      "    def __init__(me, a):\n"
	      "        me.b: int = a\n"
	      "        me.c = me.d = [\n            1,\n        ]\n"
	      "        me.e, (me.f, g) = a\n"
	      "        *me.h, i = a\n"
	      "        me.j: str\n"
	      "        me.b = 2\n"
	      "        me.x = 1\n"
	      "        me.p = 1\n"
	      "        me.m = 1\n"
	      "        me.k += 1\n"
	      "        me.l.m = 1\n"
	      "        self.n = 1\n"
	      "        other = me.o = 5\n"
	      "        if a:\n            me.q = 1\n        else:\n            me.q = 2\n"
	      "        for v in a:\n            me.r = v\n"
	      "        try:\n            with a as b:\n                me.s = 1\n        finally:\n            pass\n"
	      "        match a:\n            case 1:\n                me.t = 1\n"
	      "        def inner():\n            me.nope = 1\n"
	      "        class Inner:\n            me.nope2 = 1\n"
	      "        me._private = 1\n"
	      "        me.__dunder__ = 1\n"
	      "    @property\n    def p(self): return 1\n"
	      "    def m(self): pass\n"
	      "    def other(self):\n        self.nope3 = 1\n"
	      "    if flag:\n        def __init__(self, z):\n            self.z = z\n            self.b = 'second'\n",
	      "class A bases[]\n"
	      "variable A.x = 0\n"
	      "attribute A.__dunder__ = 1\n"
	      "attribute A._private = 1 private\n"
	      "attribute A.b: int = a\n"
	      "attribute A.c = [1]\n"
	      "attribute A.d = [1]\n"
	      "attribute A.e\n"
	      "attribute A.f\n"
	      "attribute A.h\n"
	      "attribute A.j: str\n"
	      "attribute A.o = 5\n"
	      "attribute A.q = 1\n"
	      "attribute A.r = v\n"
	      "attribute A.s = 1\n"
	      "attribute A.t = 1\n"
	      "attribute A.z = z\n"
	      "method A.__init__(pk:me, pk:a)\n"
	      "method A.__init__(pk:self, pk:z)\n"
	      "method A.m(pk:self)\n"
	      "method A.other(pk:self)\n"
	      "property A.p(pk:self) @property\n");
	/* A parenthesised target is the target itself, as in Python's ast. */
	check("(a) = 1\n((b)) = 2\n(c,) = 3\n"
	      "class K:\n    def __init__(self):\n        (self.x) = 4\n        (self.y,) = 5,\n",
	      "variable a = 1\nvariable b = 2\nvariable c\n"
	      "class K bases[]\n"
	      "attribute K.x = 4\n"
	      "attribute K.y\n"
	      "method K.__init__(pk:self)\n");
	/* No positional first parameter: no `self`, no attributes. */
	check("class B:\n    def __init__(*args):\n        args.x = 1\n"
	      "class C:\n    @staticmethod\n    def __init__():\n        pass\n"
	      "def __init__(self):\n    self.top = 1\n",
	      "function __init__(pk:self) private\n"
	      "class B bases[]\n"
	      "method B.__init__(vp:args)\n"
	      "class C bases[]\n"
	      "staticmethod C.__init__() @staticmethod\n");
	/* Members of a private class are private, attributes included. */
	check("class _P:\n    def __init__(self, x: int = 1) -> None:\n        self.x = x\n",
	      "class _P bases[] private\n"
	      "attribute _P.x = x private\n"
	      "method _P.__init__(pk:self, pk:x: int=1) -> None private\n");
}

/* DESIGN 2.1: PEP 695 type parameters of callables and classes. */
static void test_type_params(void **state)
{
	(void)state;
	check("def f[T: (int, str), *Ts, **P](x: T) -> T: pass\n"
	      "class C[\n    T: int,\n    *Us,\n](Base[T]):\n"
	      "    def m[S](self, s: S) -> S: pass\n"
	      "def g(): pass\n",
	      "function f[T: (int, str), *Ts, **P](pk:x: T) -> T\n"
	      "function g()\n"
	      "class C[T: int, *Us] bases[Base[T]]\n"
	      "method C.m[S](pk:self, pk:s: S) -> S\n");
}

/* DESIGN 2.1 docstring summary: first paragraph, 160 characters. */
static void test_docstring_paragraph(void **state)
{
	gs_buf src = GS_BUF_INIT, expect = GS_BUF_INIT;
	int i;

	(void)state;
	check("'''\n   First line\n   second   line.\n\n   Second paragraph.\n\n   Third.\n'''\n"
	      "def f():\n    '''One.\n    \n    Two.'''\n",
	      "doc First line second line.\n"
	      "function f() # One.\n");
	/* 160 characters stay; 161 are cut to 159 and an ellipsis. */
	gs_buf_puts(&src, "'''");
	for (i = 0; i < 160; i++)
		gs_buf_puts(&src, i % 10 != 5 ? "\xc3\xa9" : " ");
	gs_buf_puts(&src, "'''\n");
	gs_buf_puts(&expect, "doc ");
	for (i = 0; i < 160; i++)
		gs_buf_puts(&expect, i % 10 != 5 ? "\xc3\xa9" : " ");
	gs_buf_puts(&expect, "\n");
	check(src.ptr, expect.ptr);
	gs_buf_clear(&src);
	gs_buf_clear(&expect);
	gs_buf_puts(&src, "'''");
	for (i = 0; i < 161; i++)
		gs_buf_putc(&src, (char)('a' + i % 26));
	gs_buf_puts(&src, "'''\n");
	gs_buf_puts(&expect, "doc ");
	for (i = 0; i < 159; i++)
		gs_buf_putc(&expect, (char)('a' + i % 26));
	gs_buf_puts(&expect, "\xe2\x80\xa6\n");
	check(src.ptr, expect.ptr);
	gs_buf_release(&src);
	gs_buf_release(&expect);
}

/* The 1-based line of each definition, for `git spec diff`. */
static void test_lines(void **state)
{
	static const char src[] =
		"X = 1\r\n"
		"\r\n"
		"@deco\r\n"
		"def f(): pass\r\n"
		"class C:\r\n"
		"    y: int\r\n"
		"    type T = int\r\n";
	gs_module *mod = NULL;

	(void)state;
	assert_int_equal(gs_python_extract(&mod, py, "m.py", src, strlen(src)), 0);
	assert_int_equal(mod->symbols_nr, 5);
	assert_string_equal(mod->symbols[0].name, "X");
	assert_int_equal(mod->symbols[0].line, 1);
	assert_string_equal(mod->symbols[1].name, "f");
	assert_int_equal(mod->symbols[1].line, 4);
	assert_string_equal(mod->symbols[2].name, "C");
	assert_int_equal(mod->symbols[2].line, 5);
	assert_string_equal(mod->symbols[3].name, "C.y");
	assert_int_equal(mod->symbols[3].line, 6);
	assert_string_equal(mod->symbols[4].name, "C.T");
	assert_int_equal(mod->symbols[4].line, 7);
	gs_module_free(mod);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_type_params),
		cmocka_unit_test(test_docstring_paragraph),
		cmocka_unit_test(test_classes_nested),
		cmocka_unit_test(test_method_kinds),
		cmocka_unit_test(test_variables),
		cmocka_unit_test(test_variable_duplicates),
		cmocka_unit_test(test_type_alias),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_function_bodies_ignored),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_decorators_and_bases),
		cmocka_unit_test(test_docstrings),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_class_member_order),
		cmocka_unit_test(test_public_underscore),
		cmocka_unit_test(test_public_all),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_codings),
		cmocka_unit_test(test_bom_crlf_cr),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_parser_reuse),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests_name("whole", tests, setup, teardown) |
		cmocka_run_group_tests_name("pieces", tests, setup_pieces, teardown);
}
