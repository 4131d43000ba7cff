/*
 * libFuzzer target: the front matter of a spec (gs_spec_parse, with
 * libyaml underneath). A parsed spec must only hold safe contract paths
 * (DESIGN 3.6), and its cache serialisation must round-trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_safe(const char *p)
{
	const char *c = p;

	if (!p)
		return;
	if (*p == '/' || !*p)
		goto unsafe;
	while (*c) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && !memcmp(c, "..", 2)) ||
		    (n == 4 && !strncasecmp(c, ".git", 4)))
			goto unsafe;
		c += n;
		if (*c == '/')
			c++;
	}
	return;
unsafe:
	fprintf(stderr, "fuzz_spec: unsafe contract path accepted: '%s'\n", p);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gs_spec *spec = NULL, *back = NULL;
	gs_buf a = GS_BUF_INIT, b = GS_BUF_INIT;
	size_t i, j;

	if (gs_spec_parse(&spec, "specify/tech/SPEC-001/SPEC-001.md", (const char *)data, size) == 0) {
		for (i = 0; i < spec->sources_nr; i++)
			for (j = 0; j < spec->sources[i].variants_nr; j++)
				check_safe(spec->sources[i].variants[j].repo_path);
		gs_spec_serialize(&a, spec);
		if (gs_spec_deserialize(&back, spec->path, a.ptr, a.size) < 0) {
			fprintf(stderr, "fuzz_spec: serialised spec does not deserialise: %s\n",
				gs_error_last());
			abort();
		}
		gs_spec_serialize(&b, back);
		if (!gs_buf_equal(&a, &b)) {
			fprintf(stderr, "fuzz_spec: serialisation does not round-trip\n");
			abort();
		}
	}
	gs_spec_free(spec);
	gs_spec_free(back);
	gs_buf_release(&a);
	gs_buf_release(&b);
	gs_error_clear();
	return 0;
}
