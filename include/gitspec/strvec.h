#ifndef GITSPEC_STRVEC_H
#define GITSPEC_STRVEC_H

/*
 * A NULL-terminated array of owned strings (git's strvec).
 */

#include <stddef.h>

typedef struct gs_strvec {
	char **v;
	size_t nr;
	size_t alloc;
} gs_strvec;

extern char *gs_strvec__empty[];
#define GS_STRVEC_INIT { gs_strvec__empty, 0, 0 }

void gs_strvec_init(gs_strvec *sv);
const char *gs_strvec_push(gs_strvec *sv, const char *s);
const char *gs_strvec_pushf(gs_strvec *sv, const char *fmt, ...);
/* Take ownership of `s` (allocated with malloc). */
void gs_strvec_push_nodup(gs_strvec *sv, char *s);
void gs_strvec_clear(gs_strvec *sv);
/* Sort byte-wise (strcmp) and drop duplicates. */
void gs_strvec_sort_uniq(gs_strvec *sv);
int gs_strvec_contains(const gs_strvec *sv, const char *s);

/*
 * The binary search over anything sorted by a string: the first of the
 * `nr` elements at `base` (each `size` bytes apart) whose key(element) is
 * not below `s` by strcmp, or `nr` when there is none.
 */
size_t gs_lower_bound(const void *base, size_t nr, size_t size,
		      const char *(*key)(const void *elem), const char *s);

#endif
