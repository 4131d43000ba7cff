#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include "gitspec/buf.h"
#include "gitspec/strvec.h"

static void test_buf_basic(void **state)
{
	gs_buf b = GS_BUF_INIT;
	char *p;
	size_t n;

	(void)state;
	assert_string_equal(b.ptr, "");
	gs_buf_puts(&b, "hello");
	gs_buf_putc(&b, ' ');
	gs_buf_printf(&b, "%s %d", "world", 42);
	assert_string_equal(b.ptr, "hello world 42");
	gs_buf_setlen(&b, 5);
	assert_string_equal(b.ptr, "hello");
	p = gs_buf_detach(&b, &n);
	assert_int_equal(n, 5);
	assert_string_equal(p, "hello");
	assert_string_equal(b.ptr, "");
	free(p);
	gs_buf_release(&b);
}

static void test_buf_printf_grows(void **state)
{
	gs_buf b = GS_BUF_INIT;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		gs_buf_printf(&b, "%04d", i);
	assert_int_equal(b.size, 4000);
	assert_memory_equal(b.ptr + 3996, "0999", 4);
	gs_buf_release(&b);
}

static void test_buf_json(void **state)
{
	gs_buf b = GS_BUF_INIT;

	(void)state;
	gs_buf_put_json_string(&b, "a\"b\\c\n\x01\xc3\xa9\xff");
	assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\\\\xFF\"");
	gs_buf_release(&b);
}

static void test_strvec_sort_uniq(void **state)
{
	gs_strvec sv = GS_STRVEC_INIT;

	(void)state;
	gs_strvec_push(&sv, "b");
	gs_strvec_push(&sv, "a");
	gs_strvec_push(&sv, "b");
	gs_strvec_pushf(&sv, "%s", "a/b");
	gs_strvec_sort_uniq(&sv);
	assert_int_equal(sv.nr, 3);
	assert_string_equal(sv.v[0], "a");
	assert_string_equal(sv.v[1], "a/b");
	assert_string_equal(sv.v[2], "b");
	assert_null(sv.v[3]);
	assert_true(gs_strvec_contains(&sv, "a/b"));
	assert_true(gs_strvec_sorted_has(&sv, "a/b", 3));
	assert_true(gs_strvec_sorted_has(&sv, "a/bc", 3));
	assert_true(gs_strvec_sorted_has(&sv, "b", 1));
	assert_false(gs_strvec_sorted_has(&sv, "a/", 2));
	assert_false(gs_strvec_sorted_has(&sv, "a/bc", 4));
	assert_false(gs_strvec_sorted_has(&sv, "c", 1));
	gs_strvec_clear(&sv);
	assert_int_equal(sv.nr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_printf_grows),
		cmocka_unit_test(test_buf_json),
		cmocka_unit_test(test_strvec_sort_uniq),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
