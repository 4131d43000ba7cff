#ifndef GITSPEC_LANGUAGE_H
#define GITSPEC_LANGUAGE_H

/*
 * The language seam (PROD-005: the design must not preclude other
 * languages). Everything the engine knows about the language of the
 * sources goes through one table, the way tree-sitter's TSLanguage and
 * libgit2's git_merge_driver are structs to fill in: which files are
 * sources, which file makes a directory a package, the default test-file
 * patterns, the extractor, and the few words contracts, diffs and messages
 * use. The Python module (python.c, python_*.c, python.h, python_limits.h)
 * is the one implementation; a second language is one module filling a
 * gs_language in, and one line in the list of languages (language.c).
 * docs/ARCHITECTURE.md, "Where things plug in".
 */

#include <stddef.h>
#include "buf.h"
#include "model.h"

/* A language's parser: made per thread by the engine, opaque to it. */
typedef struct gs_parser gs_parser;

/* A `git spec diff` kind the language names: its JSON name and message. */
typedef struct gs_language_word {
	const char *name;
	const char *message;
} gs_language_word;

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

	/*
	 * The extractor: the model (model.h) of the file at `path` from its
	 * raw bytes. A parser is reused across files by one thread at a time.
	 * A file the language rejects is GS_EINPUT with a message starting
	 * "PATH:" and, when it has one, the place (gs_error_set_at); the
	 * engine caches that verdict by blob id like a model.
	 */
	int (*parser_new)(gs_parser **out);
	void (*parser_free)(gs_parser *parser);  /* accepts NULL */
	int (*extract)(gs_module **out, gs_parser *parser, const char *path,
		       const char *data, size_t len);

	/*
	 * Contract and `git spec diff` words. The contract's bytes and the
	 * diff's kind names are formats users depend on (DESIGN 2.4, 2.5,
	 * man/git-spec-diff.1): a language keeps them stable once published.
	 */
	const char *marker_prefix;    /* written before each of a symbol's markers */
	const char *markers_key;      /* contract --json key of a symbol's markers */
	gs_language_word markers_changed; /* diff kind: a symbol's markers changed */
	gs_language_word export_removed;  /* diff kind: a name left an export list */
	/*
	 * Append the module name of the file `rel` (its path below its package
	 * directory) relative to the package's module: ".a.b", or nothing for
	 * the package's own file.
	 */
	void (*module_suffix)(gs_buf *out, const char *rel);
	/* Whether the file `rel` (below its package directory) is a public module. */
	int (*module_public)(const char *rel);
} gs_language;

/* The tables of the language modules (listed once, in language.c). */
extern const gs_language gs_language_python;

/* The language of the sources (the one there is today). */
const gs_language *gs_language_default(void);
/* The language whose `id` is `id`, or NULL. */
const gs_language *gs_language_find(const char *id);
/*
 * Make `lang` the language of the sources (NULL: back to the first of the
 * list). Process-wide and not thread-safe: call it before anything is
 * loaded (the seam's unit test plugs a language in this way).
 */
void gs_language_use(const gs_language *lang);

/* Whether `path` is a source file of the default language. */
int gs_language_is_source(const char *path);
/* Whether `path` ("DIR/MARKER" or "MARKER") is a package marker. */
int gs_language_is_marker(const char *path);
/* Append "DIR/<marker>" (the marker of the package at `dir`) to `out`. */
void gs_language_marker_path(gs_buf *out, const char *dir, size_t dir_len);

#endif
