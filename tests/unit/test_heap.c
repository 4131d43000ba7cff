/*
 * The heap on transparent huge pages (heap.c, docs/adr/0027): what the
 * programs allocate after gs_heap_on_huge_pages() lies in a range of the
 * heap advised for them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "gitspec/common.h"

/*
 * The mapping of /proc/self/smaps that holds `addr`: whether it is the
 * brk heap (*heap) and advised for huge pages (its VmFlags say "hg").
 * 0 when no mapping holds it.
 */
static int find_mapping(uintptr_t addr, int *heap, int *hg)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0, found = 0;

	assert_non_null(f);
	*heap = *hg = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, ' ')) {
			in = addr >= lo && addr < hi;
			if (in) {
				found = 1;
				*heap = strstr(line, "[heap]") != NULL;
			}
		} else if (in && !strncmp(line, "VmFlags:", 8)) {
			*hg = strstr(line, " hg") != NULL;
		}
	}
	fclose(f);
	return found;
}

static void test_advised(void **state)
{
	char *p;
	int heap, hg;

	(void)state;
	/*
	 * Where there is nothing to check, the test passes saying so: cmocka's
	 * TAP output calls a skipped test "not ok", which tests/run-unit.sh
	 * counts as failed.
	 */
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK)) {
		print_message("no transparent huge pages in this kernel: nothing to check\n");
		return;
	}
	gs_heap_on_huge_pages();
	/* below glibc's mmap threshold whatever it is: from the heap */
	p = malloc(64 << 10);
	assert_non_null(p);
	memset(p, 1, 64 << 10);
	assert_true(find_mapping((uintptr_t)p + (32 << 10), &heap, &hg));
	if (!heap) {
		print_message("another allocator (a sanitizer's, valgrind's): nothing was asked\n");
		free(p);
		return;
	}
	/* the block's first 2 KiB may lie below the boundary; its middle does not */
	assert_true(hg);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_advised),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
