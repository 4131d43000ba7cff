#ifndef GITSPEC_PYTHON_H
#define GITSPEC_PYTHON_H

/*
 * Extraction of the model of one Python source file with tree-sitter
 * (DESIGN.md 2.1-2.3, 2.6).
 */

#include <stddef.h>
#include "model.h"

/* A parser; reusable across files, not shared between threads. */
typedef struct gs_python gs_python;

int gs_python_new(gs_python **out);
void gs_python_free(gs_python *py);

/*
 * Parse files of `min` bytes and more in pieces of at least `piece` bytes
 * (python_pieces.h); the defaults are GS_PYTHON_PIECES_MIN and
 * GS_PYTHON_PIECE. For tests: the model never depends on it.
 */
void gs_python_set_pieces(gs_python *py, size_t min, size_t piece);

/*
 * Extract the model of `data` (the raw bytes of the file at `path`). The
 * bytes are decoded as DESIGN 2.6 says (PEP 263 coding, BOM, CRLF and lone
 * CR). Fails with GS_EINPUT and one of these messages:
 *
 *   PATH:LINE:COLUMN: syntax error    an ERROR or MISSING node, or a NUL
 *                                     byte (1-based; COLUMN in characters)
 *   PATH: unknown encoding 'NAME'     a PEP 263 coding it cannot decode
 *   PATH: encoding problem: ...       a UTF-8 BOM with another coding
 *   PATH: nesting too deep            blocks or classes nested past 100
 *   PATH:LINE: nesting too deep (...) past CPython's tokenizer limits,
 *                                     checked before parsing (python_limits.h)
 *   PATH: file too large for a contract (N MiB; limit 8 MiB)
 *                                     checked before anything else
 *
 * The model does not depend on `path` beyond mod->path, so it may be cached
 * by blob id. Decisions: docs/adr/0001-contract-extraction-decisions.md.
 */
int gs_python_extract(gs_module **out, gs_python *py, const char *path,
		      const char *data, size_t len);

/*
 * Normalise the source text of an expression (DESIGN 2.1 "Expression
 * text"); exposed for tests.
 */
void gs_python_normalize_expr(gs_buf *out, const char *text, size_t len);

#endif
