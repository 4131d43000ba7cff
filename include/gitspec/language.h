#ifndef GITSPEC_LANGUAGE_H
#define GITSPEC_LANGUAGE_H

/*
 * The language seam (PROD-005: the design must not preclude other
 * languages). Everything the engine knows about the language of the
 * sources goes through one table, the way tree-sitter's TSLanguage and
 * libgit2's git_merge_driver are structs to fill in: which files are
 * sources, which file makes a directory a package, the default test-file
 * patterns, and the few words the messages use. Python (language_python.c)
 * is the one implementation; a second language is one new file filling a
 * gs_language in, and one line in the list of languages.
 */

#include <stddef.h>
#include "buf.h"

typedef struct gs_language {
	const char *name;             /* "Python" */
	const char *source_suffix;    /* ".py": a file ending so is a source */
	const char *package_marker;   /* "__init__.py": makes its directory a package */
	const char *const *test_patterns; /* default spec.tests globs, NULL-terminated */
	const char *package_noun;     /* "Python package", for messages */
} gs_language;

/* The language of the sources (the one there is today). */
const gs_language *gs_language_default(void);

/* Whether `path` is a source file of the language. */
int gs_language_is_source(const char *path);
/* Whether `path` is a package marker (e.g. "pkg/__init__.py"). */
int gs_language_is_marker(const char *path);
/* Append "DIR/<marker>" (the marker of the package at `dir`) to `out`. */
void gs_language_marker_path(gs_buf *out, const char *dir, size_t dir_len);

#endif
