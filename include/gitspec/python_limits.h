#ifndef GITSPEC_PYTHON_LIMITS_H
#define GITSPEC_PYTHON_LIMITS_H

/*
 * Resource bounds checked before a Python source is parsed, so that no
 * input can make tree-sitter crash (its external scanner fails past ~16,000
 * levels of indentation) or run for minutes in gigabytes (it needs about 80
 * bytes of memory per byte of source). Documented in git-spec(1), LIMITS.
 */

#include <stddef.h>

/* The largest source file a contract is derived from: 8 MiB. */
#define GS_PYTHON_MAX_FILE ((size_t)8 << 20)
/*
 * Indentation: CPython's own tokenizer limit (MAXINDENT); a file past it is
 * not valid Python, whatever tree-sitter would make of it. Brackets: CPython
 * stops at 200 (MAXLEVEL), but tree-sitter parses deep brackets correctly,
 * only slowly (8 MiB of them take over a minute), so the bound is the depth
 * git-spec has always accepted, 10,000.
 */
#define GS_PYTHON_MAX_INDENT 100
#define GS_PYTHON_MAX_BRACKETS 10000

/*
 * GS_EINPUT with "PATH: file too large for a contract (N MiB; limit 8 MiB)"
 * when `len` (the raw size) is past GS_PYTHON_MAX_FILE.
 */
int gs_python_check_size(const char *path, size_t len);

/*
 * One linear pass over decoded source text that tracks strings, comments,
 * brackets and the indentation stack as Python's tokenizer does. GS_EINPUT
 * with "PATH:LINE: nesting too deep (more than 100 levels of indentation)"
 * or "... (more than 10000 nested brackets)".
 */
int gs_python_check_nesting(const char *path, const char *src, size_t len);

/*
 * Route tree-sitter's allocations through gs_xmalloc and friends. tree-sitter
 * dereferences what its allocator returns, so a hook cannot hand it NULL;
 * without one, a failure prints "tree-sitter failed to allocate N bytes"
 * with no newline and exits 1, which reads as a failed check. Through the
 * hook it is git-spec's own out-of-memory exit: one "fatal:" line and the
 * program's documented status (128; the merge driver 1). Idempotent.
 */
void gs_python_set_allocator(void);

#endif
