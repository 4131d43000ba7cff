/*
 * libFuzzer target: gs_module_deserialize, the reader of cache entries
 * (which may be corrupt or foreign). Whatever it accepts must serialise
 * and deserialise again to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gs_module *mod = NULL, *back = NULL;
	gs_buf a = GS_BUF_INIT, b = GS_BUF_INIT;

	if (gs_module_deserialize(&mod, "pkg/mod.py", (const char *)data, size) == 0) {
		gs_module_serialize(&a, mod);
		if (gs_module_deserialize(&back, "pkg/mod.py", a.ptr, a.size) < 0) {
			fprintf(stderr, "fuzz_module: re-serialised model does not deserialise\n");
			abort();
		}
		gs_module_serialize(&b, back);
		if (!gs_buf_equal(&a, &b)) {
			fprintf(stderr, "fuzz_module: serialisation does not round-trip\n");
			abort();
		}
	}
	gs_module_free(mod);
	gs_module_free(back);
	gs_buf_release(&a);
	gs_buf_release(&b);
	gs_error_clear();
	return 0;
}
