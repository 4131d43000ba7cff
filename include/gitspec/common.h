#ifndef GITSPEC_COMMON_H
#define GITSPEC_COMMON_H

/*
 * Error handling and allocation shared by the whole library.
 *
 * Library functions never print and never exit. They return 0 or one of the
 * negative codes below and record one message with gs_error_set(); the
 * programs' main() decides what the user sees (gs_error_last()) and the exit
 * status (gs_exit_status()). Allocation failure is the one exception: like
 * git's xmalloc, the x* helpers do not return; they print one line
 * ("fatal: out of memory (allocating N bytes)") and exit with the status set
 * by gs_set_oom_status() (128 unless changed), since nothing sensible can
 * follow. exit(), not abort(): atexit hooks remove lock and temporary files.
 */

#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>

enum gs_error_code {
	GS_OK = 0,
	GS_ERROR = -1,     /* git or system error: exit 128 */
	GS_EUSAGE = -2,    /* usage error: exit 2 */
	GS_EINPUT = -3,    /* bad input (syntax error, bad YAML, unsafe path): exit 3 */
	GS_ENOTFOUND = -4, /* the thing asked for does not exist */
	GS_ELOCKED = -5,   /* a lock file is held by someone else: exit 128 */
	GS_ECHECK = -6     /* a check failed (stale, conflict, invalid registry): exit 1 */
};

enum gs_exit_status {
	GS_EXIT_OK = 0,
	GS_EXIT_CHECK = 1,
	GS_EXIT_USAGE = 2,
	GS_EXIT_INPUT = 3,
	GS_EXIT_SYSTEM = 128
};

#if defined(__GNUC__)
# define GS_PRINTF(a, b) __attribute__((format(printf, a, b)))
# define GS_NORETURN __attribute__((noreturn))
#else
# define GS_PRINTF(a, b)
# define GS_NORETURN
#include "banned.h"

#endif

/* Record the message of the last error (thread-local); returns `code`. */
int gs_error_set(int code, const char *fmt, ...) GS_PRINTF(2, 3);
int gs_error_setv(int code, const char *fmt, va_list ap);
/* Record the message of libgit2's last error, prefixed by `what`. */
int gs_error_set_git(const char *what);
/*
 * The same, saying which file (and line and column, 1-based; 0 when not
 * known) the error is about, so that callers never parse the message for
 * it (libgit2 keeps its class beside the message the same way).
 */
int gs_error_set_at(int code, const char *path, unsigned line, unsigned column,
		    const char *fmt, ...) GS_PRINTF(5, 6);
/* The last recorded message, or "unknown error"; never NULL. */
const char *gs_error_last(void);
/*
 * Where the last error is: its file ("" when it is about none) and line
 * and column (0 when not known), as given to gs_error_set_at.
 */
const char *gs_error_last_path(unsigned *line, unsigned *column);
void gs_error_clear(void);
/* Map a library return code to the documented exit status. */
int gs_exit_status(int code);

/* The exit status of an allocation failure (default GS_EXIT_SYSTEM). */
void gs_set_oom_status(int status);
/* Report an allocation of `size` bytes that failed and exit; never returns. */
void gs_die_oom(size_t size) GS_NORETURN;
/*
 * Put the C library's heap on transparent huge pages from here on, where
 * it can (docs/adr/0027): a program's first call, before it allocates
 * much. Only speed depends on it.
 */
void gs_heap_on_huge_pages(void);
void *gs_xmalloc(size_t size);
void *gs_xcalloc(size_t nmemb, size_t size);
void *gs_xrealloc(void *ptr, size_t size);
char *gs_xstrdup(const char *s);
char *gs_xstrndup(const char *s, size_t n);
/* Multiplication and addition that abort on overflow. */
size_t gs_st_mult(size_t a, size_t b);
size_t gs_st_add(size_t a, size_t b);

/* Grow `arr` (with `nr` used and `alloc` allocated) to hold at least `n`. */
#define GS_ALLOC_GROW(arr, n, alloc) do { \
	if ((n) > (alloc)) { \
		size_t gs_new_alloc_ = (alloc) < 8 ? 8 : (alloc) * 2; \
		if (gs_new_alloc_ < (n)) gs_new_alloc_ = (n); \
		(arr) = gs_xrealloc((arr), gs_st_mult(gs_new_alloc_, sizeof(*(arr)))); \
		(alloc) = gs_new_alloc_; \
	} \
} while (0)

/*
 * qsort() that accepts an empty (possibly NULL) array: calling qsort with a
 * NULL base is undefined even when nmemb is 0 (git's QSORT/sane_qsort).
 */
#define GS_QSORT(base, nmemb, cmp) do { \
	if ((nmemb) > 1) \
		qsort((base), (nmemb), sizeof(*(base)), (cmp)); \
} while (0)

#define GS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#include "banned.h"

#endif
