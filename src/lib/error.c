#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"

/*
 * Fixed per-thread storage: setting an error never allocates, and a worker
 * thread that exits leaves nothing to free. A longer message or path is
 * cut, which only shortens what the user reads.
 */
static _Thread_local char error_msg[4096];
static _Thread_local int error_is_set;
static _Thread_local char error_path[4096];
static _Thread_local unsigned error_line, error_column;

int gs_error_setv(int code, const char *fmt, va_list ap)
{
	vsnprintf(error_msg, sizeof(error_msg), fmt, ap);
	error_is_set = 1;
	error_path[0] = '\0';
	error_line = error_column = 0;
	return code;
}

int gs_error_set_at(int code, const char *path, unsigned line, unsigned column,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gs_error_setv(code, fmt, ap);
	va_end(ap);
	snprintf(error_path, sizeof(error_path), "%s", path ? path : "");
	error_line = line;
	error_column = column;
	return code;
}

const char *gs_error_last_path(unsigned *line, unsigned *column)
{
	if (line)
		*line = error_is_set ? error_line : 0;
	if (column)
		*column = error_is_set ? error_column : 0;
	return error_is_set ? error_path : "";
}

int gs_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gs_error_setv(code, fmt, ap);
	va_end(ap);
	return code;
}

int gs_error_set_git(const char *what)
{
	const git_error *e = git_error_last();

	if (e && e->message)
		return gs_error_set(GS_ERROR, "%s: %s", what, e->message);
	return gs_error_set(GS_ERROR, "%s", what);
}

const char *gs_error_last(void)
{
	return error_is_set ? error_msg : "unknown error";
}

void gs_error_clear(void)
{
	error_is_set = 0;
	error_msg[0] = '\0';
	error_path[0] = '\0';
	error_line = error_column = 0;
}

int gs_exit_status(int code)
{
	switch (code) {
	case GS_OK:
		return GS_EXIT_OK;
	case GS_ECHECK:
		return GS_EXIT_CHECK;
	case GS_EUSAGE:
		return GS_EXIT_USAGE;
	case GS_EINPUT:
		return GS_EXIT_INPUT;
	default:
		return GS_EXIT_SYSTEM;
	}
}

/*
 * The status an allocation failure exits with: 128 (a system error) unless
 * the program says otherwise. The merge driver says 1, since git treats any
 * status above 128 as a failed merge program rather than a conflict.
 */
static int oom_status = GS_EXIT_SYSTEM;

void gs_set_oom_status(int status)
{
	oom_status = status;
}

/*
 * exit(), not abort(): the atexit hooks remove this process's lock and
 * temporary files, and the status is the documented one, never a signal's.
 */
void gs_die_oom(size_t size)
{
	fprintf(stderr, "fatal: out of memory (allocating %zu bytes)\n", size);
	exit(oom_status);
}

void *gs_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		gs_die_oom(size);
	return p;
}

void *gs_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		gs_die_oom(gs_st_mult(nmemb, size));
	return p;
}

void *gs_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		gs_die_oom(size);
	return p;
}

char *gs_xstrdup(const char *s)
{
	return gs_xstrndup(s, strlen(s));
}

char *gs_xstrndup(const char *s, size_t n)
{
	char *p = gs_xmalloc(gs_st_add(n, 1));

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

size_t gs_st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b) {
		fprintf(stderr, "fatal: size overflow: %zu * %zu\n", a, b);
		exit(oom_status);
	}
	return a * b;
}

size_t gs_st_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b) {
		fprintf(stderr, "fatal: size overflow: %zu + %zu\n", a, b);
		exit(oom_status);
	}
	return a + b;
}
