#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>
#include <git2.h>
#include "gitspec/merge.h"
#include "gitspec/common.h"

#define HEAD \
	"# `pkg` \xe2\x80\x94 public contract\n" \
	"\n" \
	"<!-- Derived from the package sources by git-spec. Do not edit: run `git spec sync`. -->\n"

static const char base_contract[] =
	HEAD
	"\n"
	"## Exports\n"
	"\n"
	"- `Formatter`\n"
	"- `format`\n"
	"\n"
	"## `pkg/fmt.py`\n"
	"\n"
	"Formatting helpers.\n"
	"\n"
	"### Variables\n"
	"\n"
	"- `WIDTH: int`\n"
	"\n"
	"### Functions\n"
	"\n"
	"- `def format(x: int) -> str`\n"
	"  Format a value.\n"
	"- `def parse(s)`\n"
	"\n"
	"### Classes\n"
	"\n"
	"#### `@dataclass(frozen=True) class Formatter(Base, metaclass=ABCMeta)`\n"
	"\n"
	"Formats things.\n"
	"\n"
	"- `width: int`\n"
	"- `def __init__(self, width: int = 80) -> None`\n"
	"- `@property def name(self) -> str`\n"
	"\n"
	"#### `class Formatter.Inner`\n"
	"\n"
	"- `def go(self)`\n"
	"\n"
	"## `pkg/util.py`\n"
	"\n"
	"### Functions\n"
	"\n"
	"- `def helper()`\n";

/* ours: a new function in fmt.py, a changed method docstring */
static const char ours_contract[] =
	HEAD
	"\n"
	"## Exports\n"
	"\n"
	"- `Formatter`\n"
	"- `format`\n"
	"\n"
	"## `pkg/fmt.py`\n"
	"\n"
	"Formatting helpers.\n"
	"\n"
	"### Variables\n"
	"\n"
	"- `WIDTH: int`\n"
	"\n"
	"### Functions\n"
	"\n"
	"- `def format(x: int) -> str`\n"
	"  Format a value.\n"
	"- `def format_all(xs: list[int]) -> list[str]`\n"
	"- `def parse(s)`\n"
	"\n"
	"### Classes\n"
	"\n"
	"#### `@dataclass(frozen=True) class Formatter(Base, metaclass=ABCMeta)`\n"
	"\n"
	"Formats things.\n"
	"\n"
	"- `width: int`\n"
	"- `def __init__(self, width: int = 80) -> None`\n"
	"- `@property def name(self) -> str`\n"
	"\n"
	"#### `class Formatter.Inner`\n"
	"\n"
	"- `def go(self)`\n"
	"\n"
	"## `pkg/util.py`\n"
	"\n"
	"### Functions\n"
	"\n"
	"- `def helper()`\n";

/* theirs: a new method, a removed file, a new export, a new variable */
static const char theirs_contract[] =
	HEAD
	"\n"
	"## Exports\n"
	"\n"
	"- `Formatter`\n"
	"- `format`\n"
	"- `parse`\n"
	"\n"
	"## `pkg/fmt.py`\n"
	"\n"
	"Formatting helpers.\n"
	"\n"
	"### Variables\n"
	"\n"
	"- `HEIGHT: int`\n"
	"- `WIDTH: int`\n"
	"\n"
	"### Functions\n"
	"\n"
	"- `def format(x: int) -> str`\n"
	"  Format a value.\n"
	"- `def parse(s)`\n"
	"\n"
	"### Classes\n"
	"\n"
	"#### `@dataclass(frozen=True) class Formatter(Base, metaclass=ABCMeta)`\n"
	"\n"
	"Formats things.\n"
	"\n"
	"- `width: int`\n"
	"- `def __init__(self, width: int = 80) -> None`\n"
	"- `@property def name(self) -> str`\n"
	"- `def render(self, value: str = \"a b\") -> str`\n"
	"\n"
	"#### `class Formatter.Inner`\n"
	"\n"
	"- `def go(self)`\n";

static const char merged_contract[] =
	HEAD
	"\n"
	"## Exports\n"
	"\n"
	"- `Formatter`\n"
	"- `format`\n"
	"- `parse`\n"
	"\n"
	"## `pkg/fmt.py`\n"
	"\n"
	"Formatting helpers.\n"
	"\n"
	"### Variables\n"
	"\n"
	"- `HEIGHT: int`\n"
	"- `WIDTH: int`\n"
	"\n"
	"### Functions\n"
	"\n"
	"- `def format(x: int) -> str`\n"
	"  Format a value.\n"
	"- `def format_all(xs: list[int]) -> list[str]`\n"
	"- `def parse(s)`\n"
	"\n"
	"### Classes\n"
	"\n"
	"#### `@dataclass(frozen=True) class Formatter(Base, metaclass=ABCMeta)`\n"
	"\n"
	"Formats things.\n"
	"\n"
	"- `width: int`\n"
	"- `def __init__(self, width: int = 80) -> None`\n"
	"- `@property def name(self) -> str`\n"
	"- `def render(self, value: str = \"a b\") -> str`\n"
	"\n"
	"#### `class Formatter.Inner`\n"
	"\n"
	"- `def go(self)`\n";

static void test_parse_roundtrip(void **state)
{
	gs_contract *c = NULL;
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_contract_parse(&c, base_contract, strlen(base_contract)), 0);
	/* header, 2 exports, 2 files, 1 var, 3 funcs, 2 classes, 4 members */
	assert_int_equal(gs_contract_entry_count(c), 15);
	gs_contract_render(&out, c);
	assert_string_equal(out.ptr, base_contract);
	gs_contract_free(c);
	gs_buf_release(&out);
}

static void test_parse_empty_contract(void **state)
{
	gs_contract *c = NULL;
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_contract_parse(&c, HEAD, strlen(HEAD)), 0);
	gs_contract_render(&out, c);
	assert_string_equal(out.ptr, HEAD);
	gs_contract_free(c);
	gs_buf_release(&out);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"not a contract\n",
		HEAD "\n## `a.py`\n\n### Functions\n\n- `def f()`\n\n\n",        /* two blank lines */
		HEAD "\n## `a.py`\n\n### Functions\n\n- `def f()` \n",            /* trailing space */
		HEAD "\n## `a.py`\n\n### Functions\n\n- `def f()`",               /* no final newline */
		HEAD "\n## `a.py`\n\n### Functions\n\n- `def g()`\n- `def f()`\n", /* out of order */
		HEAD "\n## `b.py`\n\n## `a.py`\n",                                  /* files out of order */
		HEAD "\n## `a.py`\n\n<<<<<<< ours\n- `def f()`\n=======\n>>>>>>> theirs\n",
		HEAD "\n## `a.py`\n\n### Functions\n\n- `x: int`\n",               /* a variable under functions */
		HEAD "\r\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < GS_ARRAY_SIZE(bad); i++) {
		gs_contract *c = (gs_contract *)1;

		assert_int_equal(gs_contract_parse(&c, bad[i], strlen(bad[i])), GS_EINPUT);
		assert_null(c);
	}
}

static void test_parse_fenced_and_nested(void **state)
{
	static const char text[] =
		HEAD
		"\n"
		"## `a.py`\n"
		"\n"
		"### Variables\n"
		"\n"
		"- ``` X: Literal[\"`\", \"``\"] ```\n"
		"\n"
		"### Type aliases\n"
		"\n"
		"- `type Pair`\n"
		"\n"
		"### Functions\n"
		"\n"
		"- `@overload def f(x: int) -> int`\n"
		"- `@overload def f(x: str) -> str`\n"
		"- `async def g(*, a, **kw)`\n"
		"\n"
		"### Classes\n"
		"\n"
		"#### `class A`\n"
		"\n"
		"#### `class A.B`\n"
		"\n"
		"- `x`\n"
		"\n"
		"#### `class A.B.C`\n"
		"\n"
		"#### `class A0`\n";
	gs_contract *c = NULL;
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_contract_parse(&c, text, strlen(text)), 0);
	gs_contract_render(&out, c);
	assert_string_equal(out.ptr, text);
	gs_contract_free(c);
	gs_buf_release(&out);
}

static void test_merge_clean(void **state)
{
	gs_buf out = GS_BUF_INIT;
	gs_strvec conflicts = GS_STRVEC_INIT;

	(void)state;
	assert_int_equal(gs_merge_contracts(&out, &conflicts,
					    base_contract, strlen(base_contract),
					    ours_contract, strlen(ours_contract),
					    theirs_contract, strlen(theirs_contract)), 0);
	assert_string_equal(out.ptr, merged_contract);
	assert_int_equal(conflicts.nr, 0);
	/* Symmetric. */
	assert_int_equal(gs_merge_contracts(&out, &conflicts,
					    base_contract, strlen(base_contract),
					    theirs_contract, strlen(theirs_contract),
					    ours_contract, strlen(ours_contract)), 0);
	assert_string_equal(out.ptr, merged_contract);
	gs_buf_release(&out);
	gs_strvec_clear(&conflicts);
}

static void test_merge_conflict(void **state)
{
	gs_buf out = GS_BUF_INIT, a = GS_BUF_INIT, b = GS_BUF_INIT;
	gs_strvec conflicts = GS_STRVEC_INIT;
	const char *p;

	(void)state;
	gs_buf_sets(&a, base_contract);
	gs_buf_sets(&b, base_contract);
	p = strstr(a.ptr, "def parse(s)");
	memcpy((char *)p + 10, "x)", 2);
	p = strstr(b.ptr, "def parse(s)");
	memcpy((char *)p + 10, "y)", 2);
	gs_buf_sets(&out, "untouched");
	assert_int_equal(gs_merge_contracts(&out, &conflicts,
					    base_contract, strlen(base_contract),
					    a.ptr, a.size, b.ptr, b.size), GS_ECHECK);
	assert_string_equal(out.ptr, "untouched");
	assert_int_equal(conflicts.nr, 1);
	assert_string_equal(conflicts.v[0], "pkg/fmt.py: symbol 'parse'");
	gs_buf_release(&out);
	gs_buf_release(&a);
	gs_buf_release(&b);
	gs_strvec_clear(&conflicts);
}

static void test_merge_dangling_member(void **state)
{
	/* ours removes pkg/util.py, theirs adds a function to it */
	static const char ours[] =
		HEAD "\n## `pkg/a.py`\n";
	static const char base[] =
		HEAD "\n## `pkg/a.py`\n\n## `pkg/util.py`\n\n### Functions\n\n- `def helper()`\n";
	static const char theirs[] =
		HEAD "\n## `pkg/a.py`\n\n## `pkg/util.py`\n\n### Functions\n\n- `def helper()`\n- `def more()`\n";
	gs_buf out = GS_BUF_INIT;
	gs_strvec conflicts = GS_STRVEC_INIT;

	(void)state;
	assert_int_equal(gs_merge_contracts(&out, &conflicts, base, strlen(base), ours, strlen(ours),
					    theirs, strlen(theirs)), GS_ECHECK);
	assert_true(conflicts.nr >= 1);
	gs_buf_release(&out);
	gs_strvec_clear(&conflicts);
}

static void test_merge_members_and_overloads(void **state)
{
	static const char base[] =
		HEAD "\n## `m.py`\n\n### Functions\n\n- `@overload def f(x: int) -> int`\n"
		"\n### Classes\n\n#### `class A`\n\n- `def a(self)`\n\n#### `class B`\n\n- `def b(self)`\n";
	static const char ours[] =
		HEAD "\n## `m.py`\n\n### Functions\n\n- `@overload def f(x: int) -> int`\n"
		"- `@overload def f(x: str) -> str`\n"
		"\n### Classes\n\n#### `class A`\n\n- `x: int`\n- `def a(self)`\n\n#### `class B`\n\n- `def b(self)`\n";
	static const char theirs[] =
		HEAD "\n## `m.py`\n\n### Functions\n\n- `@overload def f(x: int) -> int`\n"
		"\n### Classes\n\n#### `class A`\n\n- `def a(self)`\n\n#### `class B`\n\nA B.\n\n"
		"- `def b(self)`\n- `def c(self)`\n  See c.\n";
	static const char want[] =
		HEAD "\n## `m.py`\n\n### Functions\n\n- `@overload def f(x: int) -> int`\n"
		"- `@overload def f(x: str) -> str`\n"
		"\n### Classes\n\n#### `class A`\n\n- `x: int`\n- `def a(self)`\n\n#### `class B`\n\nA B.\n\n"
		"- `def b(self)`\n- `def c(self)`\n  See c.\n";
	gs_buf out = GS_BUF_INIT;
	gs_strvec conflicts = GS_STRVEC_INIT;

	(void)state;
	assert_int_equal(gs_merge_contracts(&out, &conflicts, base, strlen(base), ours, strlen(ours),
					    theirs, strlen(theirs)), 0);
	assert_string_equal(out.ptr, want);
	gs_buf_release(&out);
	gs_strvec_clear(&conflicts);
}

static void test_merge_not_contract(void **state)
{
	gs_buf out = GS_BUF_INIT;
	gs_strvec conflicts = GS_STRVEC_INIT;

	(void)state;
	assert_int_equal(gs_merge_contracts(&out, &conflicts, "", 0, base_contract,
					    strlen(base_contract), "x\n", 2), GS_EINPUT);
	gs_buf_release(&out);
	gs_strvec_clear(&conflicts);
}

static void test_merge_text(void **state)
{
	gs_buf out = GS_BUF_INIT;
	gs_merge_labels labels = { "base", "ours", "theirs", 9, 0 };

	(void)state;
	assert_int_equal(gs_merge_text(&out, "a\nb\nc\n", 6, "A\nb\nc\n", 6, "a\nb\nC\n", 6, &labels), 0);
	assert_string_equal(out.ptr, "A\nb\nC\n");
	assert_int_equal(gs_merge_text(&out, "a\n", 2, "x\n", 2, "y\n", 2, &labels), GS_ECHECK);
	assert_non_null(strstr(out.ptr, "<<<<<<<<< ours\nx\n========="));
	assert_non_null(strstr(out.ptr, "y\n>>>>>>>>> theirs\n"));
	gs_buf_release(&out);
}

static int write_tmp(char *tmpl, const char *data)
{
	int fd = mkstemp(tmpl);
	FILE *fp;

	if (fd < 0)
		return -1;
	fp = fdopen(fd, "wb");
	fwrite(data, 1, strlen(data), fp);
	fclose(fp);
	return 0;
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	gs_buf b = GS_BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!fp)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		gs_buf_put(&b, chunk, n);
	fclose(fp);
	return gs_buf_detach(&b, NULL);
}

static void test_driver_without_repo(void **state)
{
	char o[] = "/tmp/gs-merge-o-XXXXXX", a[] = "/tmp/gs-merge-a-XXXXXX", b[] = "/tmp/gs-merge-b-XXXXXX";
	gs_merge_args args = { o, a, b, 7, "specify/tech/SPEC-001/contracts/public.md", 0 };
	gs_merge_result res;
	char *got;

	(void)state;
	assert_int_equal(write_tmp(o, base_contract), 0);
	assert_int_equal(write_tmp(a, ours_contract), 0);
	assert_int_equal(write_tmp(b, theirs_contract), 0);
	gs_merge_result_init(&res);
	assert_int_equal(gs_merge_driver(&res, NULL, &args), 0);
	assert_int_equal(res.how, GS_MERGE_STRUCTURAL);
	assert_int_equal(res.conflict, 0);
	got = slurp(a);
	assert_string_equal(got, merged_contract);
	free(got);
	gs_merge_result_clear(&res);

	/* A conflict-marked ours: text merge, conflict, both sides kept. */
	unlink(a);
	memcpy(a, "/tmp/gs-merge-a-XXXXXX", sizeof(a));
	assert_int_equal(write_tmp(a, "<<<<<<< x\nfoo\n=======\nbar\n>>>>>>> y\n"), 0);
	gs_merge_result_init(&res);
	assert_int_equal(gs_merge_driver(&res, NULL, &args), 0);
	assert_int_equal(res.how, GS_MERGE_TEXT);
	assert_int_equal(res.conflict, 1);
	got = slurp(a);
	assert_non_null(strstr(got, "foo"));
	assert_non_null(strstr(got, "HEIGHT"));
	free(got);
	gs_merge_result_clear(&res);

	/* A missing base and theirs: still a usable result, a conflict. */
	unlink(o);
	unlink(b);
	gs_merge_result_init(&res);
	assert_int_equal(gs_merge_driver(&res, NULL, &args), 0);
	assert_int_equal(res.conflict, 1);
	gs_merge_result_clear(&res);
	unlink(a);
}

static void test_driver_binary(void **state)
{
	char o[] = "/tmp/gs-merge-o-XXXXXX", a[] = "/tmp/gs-merge-a-XXXXXX", b[] = "/tmp/gs-merge-b-XXXXXX";
	gs_merge_args args = { o, a, b, 7, NULL, 0 };
	gs_merge_result res;
	FILE *fp;
	char *got;

	(void)state;
	assert_int_equal(write_tmp(o, base_contract), 0);
	assert_int_equal(write_tmp(a, ours_contract), 0);
	assert_int_equal(write_tmp(b, "x"), 0);
	fp = fopen(b, "wb");
	fwrite("a\0b\n", 1, 4, fp);
	fclose(fp);
	gs_merge_result_init(&res);
	assert_int_equal(gs_merge_driver(&res, NULL, &args), 0);
	assert_int_equal(res.conflict, 1);
	got = slurp(a);
	assert_string_equal(got, ours_contract);
	free(got);
	gs_merge_result_clear(&res);
	unlink(o);
	unlink(a);
	unlink(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_roundtrip),
		cmocka_unit_test(test_parse_empty_contract),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_fenced_and_nested),
		cmocka_unit_test(test_merge_clean),
		cmocka_unit_test(test_merge_conflict),
		cmocka_unit_test(test_merge_dangling_member),
		cmocka_unit_test(test_merge_members_and_overloads),
		cmocka_unit_test(test_merge_not_contract),
		cmocka_unit_test(test_merge_text),
		cmocka_unit_test(test_driver_without_repo),
		cmocka_unit_test(test_driver_binary),
	};
	int r;

	git_libgit2_init();
	r = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return r;
}
