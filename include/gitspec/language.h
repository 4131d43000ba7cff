#ifndef GITSPEC_LANGUAGE_H
#define GITSPEC_LANGUAGE_H

/*
 * The language seam (PROD-005: the design must not preclude other
 * languages). Everything the engine knows about the language of the
 * sources goes through one table, the way tree-sitter's TSLanguage and
 * libgit2's git_merge_driver are structs to fill in: which files are
 * sources, which file makes a directory a package, the default test-file
 * patterns, and the few words the messages use. The Python module
 * (python_*.c) is the one implementation; a second language is one module
 * filling a gs_language in, and one line in the list of languages
 * (language.c). docs/ARCHITECTURE.md, "Where things plug in".
 */

#include <stddef.h>
#include "buf.h"

typedef struct gs_language {
	const char *id;               /* a spec source's `language:` value */
	const char *name;             /* the language's name, for messages */
	const char *package_noun;     /* "NAME package", for messages */
	/*
	 * The base names that make their directory a package, NULL-terminated,
	 * in order of preference: the first is the one messages name and the
	 * one a package's own file is looked up as first.
	 */
	const char *const *package_markers;
	const char *package_marker;   /* package_markers[0] */
	const char *const *test_patterns; /* default spec.tests globs, NULL-terminated */
	/* Whether path[0..len) is a source file of the language (stubs included). */
	int (*is_source)(const char *path, size_t len);
	/*
	 * The length of the base name of path[0..len) when it is a package
	 * marker, else 0. Runs once per file of the repository in the
	 * pre-commit hook: a few byte compares, no allocation.
	 */
	size_t (*marker_len)(const char *path, size_t len);
} gs_language;

/* The tables of the language modules (listed once, in language.c). */
extern const gs_language gs_language_python;

/* The language of the sources (the one there is today). */
const gs_language *gs_language_default(void);
/* The language whose `id` is `id`, or NULL. */
const gs_language *gs_language_find(const char *id);

/* Whether `path` is a source file of the default language. */
int gs_language_is_source(const char *path);
/* Whether `path` ("DIR/MARKER" or "MARKER") is a package marker. */
int gs_language_is_marker(const char *path);
/* Append "DIR/<marker>" (the marker of the package at `dir`) to `out`. */
void gs_language_marker_path(gs_buf *out, const char *dir, size_t dir_len);

#endif
