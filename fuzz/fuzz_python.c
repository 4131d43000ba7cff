/*
 * libFuzzer target: the Python extractor (gs_python_extract) on arbitrary
 * bytes, then what is done with its model: Markdown and JSON rendering, the
 * cache's serialisation (which must round-trip exactly) and the structural
 * merge's contract parser (which must give back the rendered bytes when it
 * accepts them). The extraction is done with every file cut into pieces at
 * every boundary (ADR 0020) and again whole: the models, or the errors,
 * must be the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/model.h"
#include "gitspec/python.h"
#include "gitspec/contract.h"
#if defined(__has_include)
# if __has_include("gitspec/merge.h")
#  include "gitspec/merge.h"
#  define HAVE_MERGE 1
# endif
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gs_python *py, *whole;

static void fail(const char *what, const gs_buf *a, const gs_buf *b)
{
	fprintf(stderr, "fuzz_python: %s\n--- first:\n%s\n--- second:\n%s\n", what,
		a ? a->ptr : "", b ? b->ptr : "");
	abort();
}

static int valid_utf8(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		n = gs_utf8_seq_len(s + i, len - i);
		if (!n)
			return 0;
		i += n;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gs_module *mod = NULL, *back = NULL;
	gs_buf ser = GS_BUF_INIT, ser2 = GS_BUF_INIT, md = GS_BUF_INIT, md2 = GS_BUF_INIT;
	gs_buf json = GS_BUF_INIT;
	gs_contract_view view;
#ifdef HAVE_MERGE
	gs_contract *contract = NULL;
#endif
	const gs_module *files[1];
	int v;

	if (!py) {
		if (gs_python_new(&py) < 0 || gs_python_new(&whole) < 0)
			abort();
		gs_python_set_pieces(py, 0, 0);
		gs_python_set_pieces(whole, SIZE_MAX, SIZE_MAX);
	}
	{
		gs_module *w = NULL;
		int rc = gs_python_extract(&mod, py, "pkg/mod.py", (const char *)data, size);

		gs_buf_puts(&md, rc < 0 ? gs_error_last() : "");
		if (rc != gs_python_extract(&w, whole, "pkg/mod.py", (const char *)data, size))
			fail("extraction in pieces and whole differ in success", &md, NULL);
		if (rc < 0) {
			gs_buf_puts(&md2, gs_error_last());
			if (!gs_buf_equal(&md, &md2))
				fail("extraction in pieces and whole fail differently", &md, &md2);
			goto done;
		}
		gs_module_serialize(&ser, mod);
		gs_module_serialize(&ser2, w);
		gs_module_free(w);
		if (!gs_buf_equal(&ser, &ser2))
			fail("extraction in pieces and whole give different models", &ser, &ser2);
		gs_buf_clear(&ser);
		gs_buf_clear(&ser2);
		gs_buf_clear(&md);
	}

	gs_module_serialize(&ser, mod);
	if (gs_module_deserialize(&back, "pkg/mod.py", ser.ptr, ser.size) < 0)
		fail("the serialisation of a model does not deserialise", &ser, NULL);
	gs_module_serialize(&ser2, back);
	if (!gs_buf_equal(&ser, &ser2))
		fail("serialise(deserialise(serialise(m))) differs", &ser, &ser2);

	files[0] = mod;
	for (v = 0; v < GS_VARIANT_COUNT; v++) {
		memset(&view, 0, sizeof(view));
		view.package = "pkg";
		view.module = "pkg";
		view.variant = (gs_variant)v;
		view.init = mod;
		view.files = files;
		view.files_nr = 1;
		gs_buf_clear(&md);
		gs_buf_clear(&json);
		gs_render_markdown(&md, &view);
		gs_render_json(&json, &view);
		if (!valid_utf8(md.ptr, md.size) || !valid_utf8(json.ptr, json.size))
			fail("a contract is not valid UTF-8", &md, &json);
		if (md.size < 2 || md.ptr[md.size - 1] != '\n' || md.ptr[md.size - 2] == '\n')
			fail("a contract does not end with exactly one newline", &md, NULL);
		if (strlen(md.ptr) != md.size || strlen(json.ptr) != json.size)
			fail("a contract holds a NUL byte", &md, &json);
#ifdef HAVE_MERGE
		if (gs_contract_parse(&contract, md.ptr, md.size) == 0) {
			gs_buf_clear(&md2);
			gs_contract_render(&md2, contract);
			if (!gs_buf_equal(&md, &md2))
				fail("parse then render of a contract changes it", &md, &md2);
			gs_contract_free(contract);
			contract = NULL;
		}
#endif
	}
done:
	gs_module_free(mod);
	gs_module_free(back);
	gs_buf_release(&ser);
	gs_buf_release(&ser2);
	gs_buf_release(&md);
	gs_buf_release(&md2);
	gs_buf_release(&json);
	gs_error_clear();
	return 0;
}
