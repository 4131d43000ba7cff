#ifndef GITSPEC_PYTHON_PIECES_H
#define GITSPEC_PYTHON_PIECES_H

/*
 * Parsing a large Python source in pieces (docs/adr/0020-parse-in-pieces.md).
 *
 * A tree-sitter tree takes about a hundred bytes per byte of source: one
 * 1.5 MB generated test file of SymPy needs 160 MiB. Past
 * GS_PYTHON_PIECES_MIN bytes a file is cut at statement boundaries into
 * pieces of at least GS_PYTHON_PIECE bytes, each parsed and walked in turn
 * and its tree freed before the next is parsed. A piece with a syntax
 * error sends the file back to the whole-file parse, so the model (and the
 * error) is always the whole-file parse's.
 */

#include <stddef.h>

/* Files from 256 KiB on are parsed in pieces of at least 64 KiB. */
#define GS_PYTHON_PIECES_MIN ((size_t)256 << 10)
#define GS_PYTHON_PIECE ((size_t)64 << 10)

/*
 * Tests only: GIT_SPEC_TEST_PIECES=N parses files of N bytes and more in
 * pieces of at least min(N, GS_PYTHON_PIECE) bytes; 0 cuts every file at
 * every boundary (the proof that pieces do not change a contract).
 */
#define GS_PYTHON_PIECES_ENV "GIT_SPEC_TEST_PIECES"

typedef struct {
	size_t at;	/* byte offset of the piece's first line */
	/*
	 * 0: a piece of top-level statements, parsed and walked. 1: a run of
	 * statements of the body of the top-level function the pieces before
	 * it began, indented as they are; parsed after a line "def _():" for
	 * its syntax errors only (the model takes nothing from a function's
	 * body past its first statement, its docstring).
	 */
	int body;
} gs_python_cut;

/*
 * The cut points of decoded source text (LF line ends) into pieces of at
 * least `piece` bytes, in increasing order; *out is NULL when there is
 * none, else allocated (free()). A cut is before a line that starts a
 * statement, outside brackets, strings (prefixed, triple-quoted, nested
 * f-string fields) and backslash continuations; at column 0, or at the
 * first body line's indentation inside a top-level `def` whose body starts
 * on a line of its own. Never before the first statement of a piece or of
 * a body, after a decorator, before else/elif/except/finally/case, or
 * before a string literal (a docstring of what precedes it).
 */
size_t gs_python_cuts(gs_python_cut **out, const char *src, size_t len, size_t piece);

#endif
