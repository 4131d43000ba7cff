#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "gitspec/model.h"
#include "gitspec/python.h"
#include "gitspec/contract.h"

/* The model: names, the serialised form for the cache, UTF-8 escaping. */

static const char rich_source[] =
	"'''Module doc.'''\n"
	"__all__ = ['A', 'f', 'X']\n"
	"X: int = 1\n_y = 2\n"
	"type T = int\n"
	"def f(a, /, b: int = 2, *args, c, **kw) -> str:\n    'F doc.'\n"
	"async def g(): pass\n"
	"@dataclass(frozen=True)\nclass A(B, metaclass=M):\n"
	"    '''A doc.'''\n"
	"    x: int\n"
	"    @property\n    def p(self) -> int: ...\n"
	"    @classmethod\n    async def c(cls): ...\n"
	"    class Inner:\n        def m(self, *, k='\xc3\xa9\xff'): pass\n";

static gs_module *extract(const char *src)
{
	gs_python *py = NULL;
	gs_module *mod = NULL;

	assert_int_equal(gs_python_new(&py), 0);
	assert_int_equal(gs_python_extract(&mod, py, "pkg/mod.py", src, strlen(src)), 0);
	gs_python_free(py);
	return mod;
}

static void render_both(gs_buf *out, const gs_module *mod)
{
	const gs_module *files[1];
	gs_contract_view view;

	files[0] = mod;
	memset(&view, 0, sizeof(view));
	view.package = "pkg";
	view.module = "pkg";
	view.variant = GS_VARIANT_ALL;
	view.files = files;
	view.files_nr = 1;
	gs_render_markdown(out, &view);
	gs_render_json(out, &view);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(gs_symbol_kind_name(GS_SYM_VARIABLE), "variable");
	assert_string_equal(gs_symbol_kind_name(GS_SYM_TYPE_ALIAS), "type_alias");
	assert_string_equal(gs_symbol_kind_name(GS_SYM_ASYNC_FUNCTION), "async_function");
	assert_string_equal(gs_symbol_kind_name(GS_SYM_ASYNC_METHOD), "async_method");
	assert_string_equal(gs_symbol_kind_name(GS_SYM_STATICMETHOD), "staticmethod");
	assert_string_equal(gs_symbol_kind_name((gs_symbol_kind)99), "unknown");
	assert_string_equal(gs_param_kind_name(GS_PARAM_POSITIONAL_ONLY), "positional_only");
	assert_string_equal(gs_param_kind_name(GS_PARAM_VAR_KEYWORD), "var_keyword");
	assert_true(gs_symbol_kind_is_callable(GS_SYM_PROPERTY));
	assert_true(gs_symbol_kind_is_callable(GS_SYM_ASYNC_FUNCTION));
	assert_false(gs_symbol_kind_is_callable(GS_SYM_CLASS));
	assert_false(gs_symbol_kind_is_callable(GS_SYM_VARIABLE));
	assert_string_equal(gs_symbol_kind_name(GS_SYM_ATTRIBUTE), "attribute");
	assert_false(gs_symbol_kind_is_callable(GS_SYM_ATTRIBUTE));
}

/* The fields of format 2 (line, value, type_params, attributes) survive the cache. */
static void test_format2_fields_roundtrip(void **state)
{
	gs_module *mod = extract(rich_source), *back = NULL;
	gs_buf ser = GS_BUF_INIT, ser2 = GS_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < mod->symbols_nr; i++)
		mod->symbols[i].line = 1000 * i + 7;
	free(mod->symbols[0].value);
	mod->symbols[0].value = gs_xstrdup("{'a': 1}");
	free(mod->symbols[0].type_params);
	mod->symbols[0].type_params = gs_xstrdup("T: int, *Ts");
	mod->symbols[1].kind = GS_SYM_ATTRIBUTE;
	gs_module_serialize(&ser, mod);
	assert_int_equal(gs_module_deserialize(&back, "pkg/mod.py", ser.ptr, ser.size), 0);
	assert_string_equal(back->symbols[0].value, "{'a': 1}");
	assert_string_equal(back->symbols[0].type_params, "T: int, *Ts");
	assert_int_equal(back->symbols[1].kind, GS_SYM_ATTRIBUTE);
	for (i = 0; i < back->symbols_nr; i++)
		assert_int_equal(back->symbols[i].line, 1000 * i + 7);
	gs_module_serialize(&ser2, back);
	assert_true(gs_buf_equal(&ser, &ser2));
	/* A model cached by format 1 (version 1) is a miss. */
	ser.ptr[3] = 1;
	gs_module_free(back);
	back = NULL;
	assert_int_equal(gs_module_deserialize(&back, "pkg/mod.py", ser.ptr, ser.size), GS_EINPUT);
	gs_buf_release(&ser);
	gs_buf_release(&ser2);
	gs_module_free(mod);
}

static void test_utf8_escape(void **state)
{
	gs_buf b = GS_BUF_INIT;

	(void)state;
	gs_utf8_put_escaped(&b, "a\xc3\xa9\xff\xc3(\xed\xa0\x80\xf0\x9f\x98\x80\xc0\xaf", 16);
	assert_string_equal(b.ptr, "a\xc3\xa9\\xFF\\xC3(\\xED\\xA0\\x80\xf0\x9f\x98\x80\\xC0\\xAF");
	gs_buf_release(&b);
	gs_module_free(NULL);
	gs_symbol_release(NULL);
}

static void test_roundtrip(void **state)
{
	gs_module *mod = extract(rich_source), *back = NULL;
	gs_buf ser = GS_BUF_INIT, ser2 = GS_BUF_INIT, r1 = GS_BUF_INIT, r2 = GS_BUF_INIT;

	(void)state;
	gs_module_serialize(&ser, mod);
	assert_int_equal(gs_module_deserialize(&back, "pkg/mod.py", ser.ptr, ser.size), 0);
	assert_string_equal(back->path, "pkg/mod.py");
	gs_module_serialize(&ser2, back);
	assert_true(gs_buf_equal(&ser, &ser2));
	render_both(&r1, mod);
	render_both(&r2, back);
	assert_string_equal(r1.ptr, r2.ptr);
	assert_int_equal(back->has_exports, 1);
	assert_int_equal(back->exports_nr, 3);
	gs_module_free(back);

	/* The path comes from the caller: one blob, several paths. */
	assert_int_equal(gs_module_deserialize(&back, "other/place.py", ser.ptr, ser.size), 0);
	assert_string_equal(back->path, "other/place.py");
	gs_module_free(back);

	gs_buf_release(&ser);
	gs_buf_release(&ser2);
	gs_buf_release(&r1);
	gs_buf_release(&r2);
	gs_module_free(mod);
}

static void test_empty_roundtrip(void **state)
{
	gs_module *mod = extract(""), *back = NULL;
	gs_buf ser = GS_BUF_INIT;

	(void)state;
	gs_module_serialize(&ser, mod);
	assert_int_equal(gs_module_deserialize(&back, "e.py", ser.ptr, ser.size), 0);
	assert_int_equal(back->symbols_nr, 0);
	assert_null(back->doc);
	gs_module_free(back);
	gs_buf_release(&ser);
	gs_module_free(mod);
}

static void test_truncated(void **state)
{
	gs_module *mod = extract(rich_source), *back;
	gs_buf ser = GS_BUF_INIT;
	size_t n;

	(void)state;
	gs_module_serialize(&ser, mod);
	for (n = 0; n < ser.size; n++) {
		/* A fresh copy of exactly n bytes, so ASan sees any overread. */
		char *copy = malloc(n ? n : 1);

		memcpy(copy, ser.ptr, n);
		back = (gs_module *)1;
		assert_int_equal(gs_module_deserialize(&back, "t.py", copy, n), GS_EINPUT);
		assert_null(back);
		free(copy);
	}
	/* Trailing bytes are corruption too. */
	gs_buf_putc(&ser, 0);
	assert_int_equal(gs_module_deserialize(&back, "t.py", ser.ptr, ser.size), GS_EINPUT);
	gs_buf_release(&ser);
	gs_module_free(mod);
}

static void test_corrupt(void **state)
{
	gs_module *mod = extract(rich_source), *back;
	gs_buf ser = GS_BUF_INIT, out = GS_BUF_INIT;
	size_t i;
	int bit, ok = 0, bad = 0;
	uint32_t seed = 12345;

	(void)state;
	gs_module_serialize(&ser, mod);
	/* Every single-bit flip: rejected, or a model that renders. */
	for (i = 0; i < ser.size; i++) {
		for (bit = 0; bit < 8; bit++) {
			char *copy = malloc(ser.size);
			int err;

			memcpy(copy, ser.ptr, ser.size);
			copy[i] ^= (char)(1 << bit);
			err = gs_module_deserialize(&back, "c.py", copy, ser.size);
			if (err) {
				assert_int_equal(err, GS_EINPUT);
				bad++;
			} else {
				gs_buf_clear(&out);
				render_both(&out, back);
				gs_module_free(back);
				ok++;
			}
			free(copy);
		}
	}
	/* Random bytes in random places. */
	for (i = 0; i < 20000; i++) {
		char *copy = malloc(ser.size);
		int k, err;

		memcpy(copy, ser.ptr, ser.size);
		for (k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[4 + (seed >> 8) % (ser.size - 4)] = (char)(seed >> 24);
		}
		err = gs_module_deserialize(&back, "c.py", copy, ser.size);
		if (!err) {
			gs_buf_clear(&out);
			render_both(&out, back);
			gs_module_free(back);
		} else {
			assert_int_equal(err, GS_EINPUT);
		}
		free(copy);
	}
	assert_true(bad > 0);
	assert_true(ok + bad == (int)ser.size * 8);
	/* Wrong magic or version. */
	ser.ptr[3] = 1;
	assert_int_equal(gs_module_deserialize(&back, "c.py", ser.ptr, ser.size), GS_EINPUT);
	gs_buf_release(&out);
	gs_buf_release(&ser);
	gs_module_free(mod);
}

static void test_parent_and_counts_checked(void **state)
{
	gs_module *back;
	/* One symbol whose parent is itself: refused. */
	static const char self_parent[] = "GSM\002" "\0" "\0" "\0" "\001"
		"\004" "\010" "\001" "\001A" "\0" "\0" "\0" "\0" "\0" "\0" "\0" "\0" "\0";
	/* A count far larger than the data: refused without allocating it. */
	static const char huge[] = "GSM\002" "\0" "\0" "\xff\xff\xff\xff\x0f";

	(void)state;
	assert_int_equal(gs_module_deserialize(&back, "p.py", self_parent, sizeof(self_parent) - 1),
			 GS_EINPUT);
	assert_int_equal(gs_module_deserialize(&back, "p.py", huge, sizeof(huge) - 1), GS_EINPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_utf8_escape),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_format2_fields_roundtrip),
		cmocka_unit_test(test_empty_roundtrip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_parent_and_counts_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
