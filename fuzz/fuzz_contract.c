/*
 * libFuzzer target: the contract parser of the structural merge
 * (gs_contract_parse) and the three-way entry merge. A contract it accepts
 * must render back to the same bytes; merging a contract with itself on
 * both sides must give it back unchanged.
 *
 * Input: one contract, or three separated by a line "\x01\n" (base, ours,
 * theirs).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"
#include "gitspec/merge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *split(const char *p, const char *end, size_t *len)
{
	const char *s = p;

	while (s + 1 < end && !(s[0] == '\x01' && s[1] == '\n'))
		s++;
	if (s + 1 >= end) {
		*len = (size_t)(end - p);
		return end;
	}
	*len = (size_t)(s - p);
	return s + 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *part[3];
	size_t len[3] = { 0, 0, 0 };
	gs_contract *c = NULL;
	gs_buf out = GS_BUF_INIT;
	gs_strvec conflicts = GS_STRVEC_INIT;
	int n = 0;

	while (n < 3 && p <= end) {
		part[n] = p;
		p = split(p, end, &len[n]);
		n++;
		if (p == end)
			break;
	}
	if (gs_contract_parse(&c, part[0], len[0]) == 0) {
		gs_contract_render(&out, c);
		if (out.size != len[0] || memcmp(out.ptr, part[0], len[0])) {
			fprintf(stderr, "fuzz_contract: parse then render changes the contract\n");
			abort();
		}
		(void)gs_contract_entry_count(c);
		gs_buf_clear(&out);
		if (gs_merge_contracts(&out, &conflicts, part[0], len[0], part[0], len[0],
				       part[0], len[0]) != 0 ||
		    out.size != len[0] || memcmp(out.ptr, part[0], len[0])) {
			fprintf(stderr, "fuzz_contract: merging a contract with itself changes it\n");
			abort();
		}
	}
	if (n == 3) {
		gs_buf_clear(&out);
		gs_strvec_clear(&conflicts);
		(void)gs_merge_contracts(&out, &conflicts, part[0], len[0], part[1], len[1],
					 part[2], len[2]);
	}
	gs_contract_free(c);
	gs_buf_release(&out);
	gs_strvec_clear(&conflicts);
	gs_error_clear();
	return 0;
}
