#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/strvec.h"

char *gs_strvec__empty[1];

void gs_strvec_init(gs_strvec *sv)
{
	sv->v = gs_strvec__empty;
	sv->nr = 0;
	sv->alloc = 0;
}

void gs_strvec_push_nodup(gs_strvec *sv, char *s)
{
	if (sv->v == gs_strvec__empty)
		sv->v = NULL;
	GS_ALLOC_GROW(sv->v, sv->nr + 2, sv->alloc);
	sv->v[sv->nr++] = s;
	sv->v[sv->nr] = NULL;
}

const char *gs_strvec_push(gs_strvec *sv, const char *s)
{
	gs_strvec_push_nodup(sv, gs_xstrdup(s));
	return sv->v[sv->nr - 1];
}

const char *gs_strvec_pushf(gs_strvec *sv, const char *fmt, ...)
{
	gs_buf b = GS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	gs_strvec_push_nodup(sv, gs_buf_detach(&b, NULL));
	return sv->v[sv->nr - 1];
}

void gs_strvec_clear(gs_strvec *sv)
{
	size_t i;

	if (sv->v != gs_strvec__empty) {
		for (i = 0; i < sv->nr; i++)
			free(sv->v[i]);
		free(sv->v);
	}
	gs_strvec_init(sv);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void gs_strvec_sort_uniq(gs_strvec *sv)
{
	size_t i, j;

	if (sv->nr < 2)
		return;
	GS_QSORT(sv->v, sv->nr, cmp_str);
	for (i = 1, j = 1; i < sv->nr; i++) {
		if (!strcmp(sv->v[i], sv->v[j - 1]))
			free(sv->v[i]);
		else
			sv->v[j++] = sv->v[i];
	}
	sv->nr = j;
	sv->v[j] = NULL;
}

int gs_strvec_contains(const gs_strvec *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

size_t gs_lower_bound(const void *base, size_t nr, size_t size,
		      const char *(*key)(const void *elem), const char *s)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(key((const char *)base + mid * size), s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
