/*
 * The main arena's next pages on transparent huge pages (docs/adr/0027).
 * A first touch of a page costs 10-20 us on a virtual machine like the
 * benchmark's (each new page-table entry traps), well under 1 us on bare
 * metal; one huge page costs about 200 us there, zeroing 2 MiB. An
 * unchanged check of Django touched 80 pages of heap and 26 of arrays
 * past 128 KiB, mapped each on its own: 150 page faults became 70, and
 * 13.0 ms 11.6 (a cold check or sync gains 2-4 %).
 *
 * The heap only grows by brk(2), contiguously, from wherever the C library
 * started it. Padding its top to the next 2 MiB boundary with a block that
 * is kept and never touched (address space, not memory) puts what follows
 * on whole huge pages, once madvise(2) asks for them; arrays up to 32 MiB
 * (the most glibc's own threshold ever grows to) come from the heap too.
 * Where any of it does not hold (another allocator under a sanitizer or
 * valgrind, no brk heap, no THP), nothing is asked: only speed depends on
 * it, never what the program does.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "gitspec/common.h"

static void *heap_pad;

void gs_heap_on_huge_pages(void)
{
	const uintptr_t huge = (uintptr_t)2 << 20;
	char *top, *next, *end;
	uintptr_t b;

	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	/* the heap grown 8 MiB at a time: past the boundary, by whole huge pages */
	mallopt(M_TOP_PAD, 8 << 20);
	if (!(top = malloc(1)))
		return;
	/* at least 2 MiB up: more than the top chunk holds, so the heap grows past it */
	b = ((uintptr_t)top + huge + huge - 1) & ~(huge - 1);
	/*
	 * The block ends 2 KiB short of the boundary: the top chunk's header
	 * that malloc writes after it (and `next`) stay on the page below.
	 * A page touched above the boundary before madvise() would take the
	 * place of the huge page.
	 */
	heap_pad = malloc(b - (uintptr_t)top - 2048);
	next = malloc(1);
	end = sbrk(0);
	if (heap_pad && (char *)heap_pad > top && next && (uintptr_t)next < b &&
	    (uintptr_t)next >= b - 4096 && end != (void *)-1 && (uintptr_t)end >= b + huge) {
		madvise((void *)b, ((uintptr_t)end - b) & ~(huge - 1), MADV_HUGEPAGE);
	} else {
		free(heap_pad);
		heap_pad = NULL;
	}
	free(next);
	free(top);
}
